/*
 * log_cof.h
 *		Passive DNS Common Output Format (draft-dulaunoy-dnsop-passive-dns-
 *		cof) NDJSON records into neutral records.  Pure C core.
 *
 * One JSON object per line: rrname, rrtype, rdata (a string or an array of
 * strings: the RRset), time_first, time_last, and optionally count,
 * bailiwick, sensor_id, zone_time_first/zone_time_last (used when
 * time_first/time_last are absent), time_first_ms/time_last_ms.  The real
 * world's deviations are accepted: numbers written as strings, "rrdata"
 * for "rdata", names without the trailing dot, rrtype as a number.
 */
#ifndef PDNS_LOG_COF_H
#define PDNS_LOG_COF_H

#include "json_lite.h"
#include "log_record.h"

extern bool cof_parse_line(json_doc *doc, const char *line, size_t len,
						   log_out *out, log_error *err);

#endif							/* PDNS_LOG_COF_H */
