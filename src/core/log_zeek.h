/*
 * log_zeek.h
 *		Zeek dns.log, TSV (driven by its header lines) or JSON, into neutral
 *		records.  Pure C core.
 *
 * TSV: "#separator \x09" (its value written with \x escapes), then lines
 * "#set_separator", "#empty_field", "#unset_field" and "#fields" separated
 * by the separator, set the state that data lines are read with.  Other
 * '#' lines (#path, #open, #types, #close) are ignored.  A header may come
 * again at any point (concatenated logs): it replaces what it sets.  Data
 * lines before any #fields line are errors.
 *
 * Owner names and types of answers are inferred: see log_zeek.c.
 */
#ifndef PDNS_LOG_ZEEK_H
#define PDNS_LOG_ZEEK_H

#include "json_lite.h"
#include "log_record.h"

#define ZEEK_MARK_MAX 32
#define ZEEK_MAX_FIELDS 128

/* The columns the adapter reads. */
typedef enum zeek_col
{
	ZK_TS,
	ZK_ORIG_H,
	ZK_RESP_H,
	ZK_QUERY,
	ZK_QCLASS,
	ZK_QTYPE,
	ZK_RCODE,
	ZK_TC,
	ZK_ANSWERS,
	ZK_NCOLS
} zeek_col;

typedef struct zeek_state
{
	char		sep[ZEEK_MARK_MAX];
	size_t		seplen;
	char		setsep[ZEEK_MARK_MAX];
	size_t		setseplen;
	char		empty[ZEEK_MARK_MAX];
	size_t		emptylen;
	char		unset[ZEEK_MARK_MAX];
	size_t		unsetlen;
	int			nfields;		/* 0: no #fields line yet */
	int			col[ZK_NCOLS];	/* column of each, or -1 */
} zeek_state;

/* The state before any header: Zeek's default markers, no #fields. */
extern void zeek_state_init(zeek_state *z);

/*
 * One line: a header line (updates z, no records), a JSON object (a line
 * starting with '{'; z is not used) or a TSV data line.  doc is scratch
 * for the JSON form.
 */
extern bool zeek_parse_line(zeek_state *z, json_doc *doc, const char *line,
							size_t len, log_out *out, log_error *err);

#endif							/* PDNS_LOG_ZEEK_H */
