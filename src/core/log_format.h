/*
 * log_format.h
 *		The sensor log formats as data: one descriptor per format says what
 *		a target names it, what a load keeps from one line to the next, which
 *		session settings configure it, how it reads a line and how a line it
 *		refuses is kept.  The glue has one adapter for all of them
 *		(src/pg/ingest_log.c); the fuzzer and the unit tests go through the
 *		same table.  Pure C core.
 */
#ifndef PDNS_LOG_FORMAT_H
#define PDNS_LOG_FORMAT_H

#include "json_lite.h"
#include "log_record.h"

#define LOG_FORMAT_SETTINGS 2

typedef struct log_format
{
	const char *name;			/* as a target's trigger names the format */

	/*
	 * What one load (one statement into one target) keeps: state_size
	 * octets, made by state_init() before its first line from the values
	 * of the settings (NULL where a setting is unset: its default).
	 */
	size_t		state_size;
	bool		(*state_init) (void *state, const char *const *settings, log_error *err);
	const char *settings[LOG_FORMAT_SETTINGS];	/* session settings, "pdns." + name;
												 * NULL-ended */

	/* one line into out (see log_record.h); doc is JSON scratch */
	bool		(*parse_line) (void *state, json_doc *doc, const char *line, size_t len,
							   log_out *out, log_error *err);

	/*
	 * Every line names its sensor (the native layout): a line refused
	 * before its fields were read is kept without one, since any sensor
	 * may have written it.  Otherwise such a line is the session's
	 * sensor's.
	 */
	bool		sensor_per_line;
} log_format;

/* The formats, and one by name (NULL: no such format). */
extern const log_format log_formats[];
extern const size_t log_format_count;
extern const log_format *log_format_find(const char *name);

#endif							/* PDNS_LOG_FORMAT_H */
