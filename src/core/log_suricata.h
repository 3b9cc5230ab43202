/*
 * log_suricata.h
 *		Suricata eve.json DNS events (v1/v2 "answer" events, one per RR or
 *		with an "answers" array and/or "grouped", and v3 "response" events)
 *		into neutral records.  Pure C core.  See log_suricata.c for the
 *		rules.
 */
#ifndef PDNS_LOG_SURICATA_H
#define PDNS_LOG_SURICATA_H

#include "json_lite.h"
#include "log_record.h"

/*
 * One eve.json line.  Events of another event_type, and DNS queries
 * (requests), observe nothing: no records, no error.
 */
extern bool suricata_parse_line(json_doc *doc, const char *line, size_t len,
								log_out *out, log_error *err);

#endif							/* PDNS_LOG_SURICATA_H */
