/*
 * field_split.h
 *		Split one raw input line into fields: COPY text format (tab-separated,
 *		backslash escapes, \N for NULL) or CSV (RFC 4180 quoting).  Pure C core.
 *
 * Ingestion targets receive whole lines (so that a line with the wrong
 * number of fields can be rejected instead of aborting the COPY); these
 * functions do the splitting COPY would otherwise have done.
 */
#ifndef PDNS_FIELD_SPLIT_H
#define PDNS_FIELD_SPLIT_H

#include <stdbool.h>
#include <stddef.h>

#define FIELDS_MAX 32

typedef struct fields
{
	int			count;
	const char *value[FIELDS_MAX];	/* NUL-terminated, inside the scratch buffer */
	size_t		len[FIELDS_MAX];
	bool		null[FIELDS_MAX];	/* \N in text format, unquoted empty in CSV */
} fields;

/*
 * Split `line` (no trailing newline; a trailing CR is dropped) into `out`.
 * Unescaped field values are written into `scratch`, which needs len + 1 +
 * FIELDS_MAX bytes.  Returns false with a static reason on malformed input
 * (a bad escape, an unterminated quote, more than FIELDS_MAX fields).
 */
extern bool split_text_line(const char *line, size_t len, char delimiter,
							fields *out, char *scratch, const char **reason);
extern bool split_csv_line(const char *line, size_t len, char delimiter,
						   fields *out, char *scratch, const char **reason);

#endif							/* PDNS_FIELD_SPLIT_H */
