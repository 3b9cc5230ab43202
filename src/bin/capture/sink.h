/*
 * sink.h
 *		Where rows go: standard output as COPY text (--dump), or PostgreSQL
 *		through COPY FROM STDIN (--copy), in batches that each commit their
 *		messages and rejects in one transaction.
 */
#ifndef PDNS_CAPTURE_SINK_H
#define PDNS_CAPTURE_SINK_H

#include "record.h"

typedef enum sink_mode
{
	SINK_DUMP = 0,
	SINK_COPY,
	SINK_NONE					/* count only (--stats without output) */
} sink_mode;

typedef struct sink_options
{
	sink_mode	mode;
	const char *sensor;			/* NULL: the column is NULL */
	const char *conninfo;		/* --copy: libpq connection string, "" for PG* */
	const char *table;			/* [schema.]table, default pdns.wire_in */
	const char *rejects_table;	/* default pdns.wire_rejects_in */
	uint64_t	batch_messages; /* commit after this many messages */
	double		batch_seconds;	/* or after this long */
} sink_options;

/* Open the sink; false (with a message on stderr) on failure. */
extern bool sink_open(const sink_options *opt);

/* Write a row (and count it in the statistics). */
extern void sink_message(const cap_message *m);
extern void sink_reject(int64_t ts_us, const char *source, const char *code,
						const char *detail, const uint8_t *raw, size_t len);

/* Commit a batch whose time is up; call now and then when idle. */
extern void sink_tick(void);

/* Whether the sink has failed (the inputs stop early). */
extern bool sink_failed(void);

/* Write out and commit what is pending, and close; false on failure. */
extern bool sink_close(void);

#endif							/* PDNS_CAPTURE_SINK_H */
