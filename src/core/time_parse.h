/*
 * time_parse.h
 *		Observation times as sensors write them: Unix epoch seconds with an
 *		optional fraction, or ISO 8601 / RFC 3339 date-times.  Pure C core.
 */
#ifndef PDNS_TIME_PARSE_H
#define PDNS_TIME_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Parse into microseconds since 1970-01-01 00:00:00 UTC.  Accepted:
 *	 1700000000, 1700000000.25, 1700000000.123456789 (extra digits dropped)
 *	 2023-11-14T22:13:20Z, 2023-11-14 22:13:20.5+01:00, 2023-11-14T22:13:20-0530,
 *	 2023-11-14 22:13:20 (no offset: UTC)
 * Years 1970..9999.  Returns false with a static reason otherwise.
 */
extern bool parse_time_usec(const char *s, size_t len, int64_t *usec, const char **reason);

/* The partition periods the store supports. */
typedef enum period_kind
{
	PERIOD_HOUR,
	PERIOD_DAY,
	PERIOD_WEEK,				/* ISO weeks, starting on Monday */
	PERIOD_MONTH
} period_kind;

/* The start (UTC) of the period holding a time, in microseconds. */
extern int64_t period_start_usec(int64_t usec, period_kind kind);

#endif							/* PDNS_TIME_PARSE_H */
