/*
 * log_passivedns.h
 *		gamelinux passivedns log lines (text with a delimiter, or its -j
 *		JSON output) into neutral records.  Pure C core.
 *
 * passivedns -f chooses the fields by letters; the order in the line is
 * fixed whatever the order of the letters:
 *
 *	 time (H: "YYYY-mm-dd HH:MM:SS.usec", S: seconds, S+M: "sec.usec"),
 *	 h hostname, c client, w client MAC, s server, W server MAC,
 *	 p protocol, C class, Q query, L query length, T type, A answer,
 *	 l answer length, t TTL, n count
 *
 * The default is "SMcsCQTAtn".  A time (H or S), Q, T and A are required.
 * Each line is one RR (its record is marked one_rr: ingestion joins the
 * consecutive lines of one response into one RRset) and the aggregate of
 * that RR since it was last printed: its time
 * is the last sighting and n the sightings in that window (passivedns does
 * not log the window's first sighting, so first = last = the line's time).
 */
#ifndef PDNS_LOG_PASSIVEDNS_H
#define PDNS_LOG_PASSIVEDNS_H

#include "json_lite.h"
#include "log_record.h"

#define PASSIVEDNS_DEFAULT_FIELDS "SMcsCQTAtn"
#define PASSIVEDNS_DELIMITER_MAX 16

/* Field bits, in the order passivedns prints them. */
enum
{
	PDL_H = 1 << 0,
	PDL_S = 1 << 1,
	PDL_M = 1 << 2,
	PDL_h = 1 << 3,
	PDL_c = 1 << 4,
	PDL_w = 1 << 5,
	PDL_s = 1 << 6,
	PDL_W = 1 << 7,
	PDL_p = 1 << 8,
	PDL_C = 1 << 9,
	PDL_Q = 1 << 10,
	PDL_L = 1 << 11,
	PDL_T = 1 << 12,
	PDL_A = 1 << 13,
	PDL_l = 1 << 14,
	PDL_t = 1 << 15,
	PDL_n = 1 << 16
};

typedef struct passivedns_config
{
	uint32_t	fields;
	char		delimiter[PASSIVEDNS_DELIMITER_MAX + 1];
	size_t		delimiter_len;
} passivedns_config;

/*
 * A configuration from -f letters and the -d delimiter (NULL: "||").
 * False with a reason for an unknown letter or a set that lacks the
 * required fields.
 */
extern bool passivedns_config_parse(const char *letters, const char *delimiter,
									passivedns_config *cfg, log_error *err);

/*
 * One line: a JSON object (a line starting with '{') or delimited text.
 * Lines starting with '#' are comments: no records.  doc is scratch for
 * the JSON form.
 */
extern bool passivedns_parse_line(const passivedns_config *cfg, json_doc *doc,
								  const char *line, size_t len, log_out *out,
								  log_error *err);

#endif							/* PDNS_LOG_PASSIVEDNS_H */
