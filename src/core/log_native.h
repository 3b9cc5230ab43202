/*
 * log_native.h
 *		The native observation layout into a neutral record (log_record.h).
 *		Pure C core.
 *
 * One RR a line, up to twelve fields (the first nine required):
 *
 *	 1 time       epoch seconds (fraction allowed) or ISO 8601
 *	 2 sensor     sensor name (empty: the session's)
 *	 3 client     client address (empty: unknown)
 *	 4 server     server address (empty: unknown)
 *	 5 rrname     owner name, presentation format
 *	 6 rrtype     mnemonic, TYPEnnn or number
 *	 7 class      IN (empty means IN); other classes are refused
 *	 8 ttl        0..2147483647, or empty; checked, not stored
 *	 9 rdata      one rdata in presentation format; empty for a negative
 *	              answer
 *	10 bailiwick  zone of the answering server (optional)
 *	11 count      how many times, 1 .. NATIVE_COUNT_MAX, default 1
 *	12 rcode      NOERROR, NXDOMAIN, ... or a number, default NOERROR
 *
 * A line with an rcode other than NOERROR, or with no rdata, is a negative
 * answer for (rrname, rrtype); its rdata, if any, is ignored.  Each record
 * is marked one_rr: the lines of one response follow each other.  What
 * needs the server's libraries (names, rdata and addresses as values) is
 * checked by the caller, as for the other formats.
 */
#ifndef PDNS_LOG_NATIVE_H
#define PDNS_LOG_NATIVE_H

#include "field_split.h"
#include "log_record.h"

#define NATIVE_MIN_FIELDS 9
#define NATIVE_MAX_FIELDS 12
#define NATIVE_COUNT_MAX INT64_C(1000000000)

/* Which field is which (0-based). */
enum
{
	NATIVE_TIME, NATIVE_SENSOR, NATIVE_CLIENT, NATIVE_SERVER, NATIVE_RRNAME, NATIVE_RRTYPE,
	NATIVE_CLASS, NATIVE_TTL, NATIVE_RDATA, NATIVE_BAILIWICK, NATIVE_COUNT, NATIVE_RCODE
};

/*
 * The split fields of one line into one record of out, its texts pointing
 * into the fields; false, with the reason, when a field is bad.  The
 * caller frames it with log_line_begin() and log_line_end().
 */
extern bool native_parse_fields(const fields *f, log_out *out, log_error *err);

/*
 * A whole line, split as COPY's text format (tab-separated) or as CSV
 * (comma-separated), then read as above.
 */
extern bool native_parse_line(const char *line, size_t len, bool csv, log_out *out,
							  log_error *err);

#endif							/* PDNS_LOG_NATIVE_H */
