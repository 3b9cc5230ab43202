/*
 * copy_text.h
 *		Rows of pdns.wire_in and pdns.wire_rejects_in in COPY text format:
 *		tab-separated, \N for NULL, backslashes and control characters
 *		escaped, bytea as \\x followed by hex.  Written for speed: one
 *		growable buffer, the time text cached per second, table-driven hex.
 */
#ifndef PDNS_CAPTURE_COPY_TEXT_H
#define PDNS_CAPTURE_COPY_TEXT_H

#include "record.h"

/* A growable output buffer. */
typedef struct obuf
{
	char	   *data;
	size_t		len;
	size_t		cap;
} obuf;

/* Make room for n more bytes (exits on out of memory: nothing to salvage). */
extern void ob_reserve(obuf *b, size_t n);
extern void ob_free(obuf *b);

/* Append a string escaped for a COPY text field. */
extern void ct_append_escaped(obuf *b, const char *s, size_t len);

/*
 * Append one row, newline included.  sensor_field is the sensor column
 * already escaped (see ct_append_escaped), or "\\N".
 */
extern void ct_message(obuf *b, const char *sensor_field, size_t sensor_len,
					   const cap_message *m);
extern void ct_reject(obuf *b, const char *sensor_field, size_t sensor_len,
					  const cap_reject *r);

#endif							/* PDNS_CAPTURE_COPY_TEXT_H */
