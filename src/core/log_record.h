/*
 * log_record.h
 *		The neutral record the sensor log parsers (passivedns, Zeek,
 *		Suricata, COF) produce, and the output buffer they fill.  Pure C core.
 *
 * A parser reads one line into a log_out: zero or more records, each one
 * RRset (owner, type, the presentation text of each rdata) or one negative
 * answer (no rdata), with its time window, count and the sensor's view
 * (client, server).  A line either parses completely or not at all: on
 * error the output is empty and log_error says why.  Everything in a
 * log_out lives until the next log_out_reset().
 */
#ifndef PDNS_LOG_RECORD_H
#define PDNS_LOG_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "json_lite.h"

#define LOG_REASON_MAX 256

/* A slice of text: of the input line, or of the output's own buffer. */
typedef struct log_str
{
	const char *ptr;
	size_t		len;
} log_str;

typedef struct log_record
{
	int64_t		time_first;		/* microseconds since 1970-01-01 UTC */
	int64_t		time_last;		/* >= time_first */
	int64_t		count;			/* >= 1 */
	log_str		sensor;			/* empty: not given by the format */
	log_str		client;			/* address text; empty: unknown */
	log_str		server;
	log_str		owner;			/* presentation format */
	log_str		bailiwick;		/* empty: unknown */
	uint16_t	rrtype;
	uint16_t	rcode;			/* non-zero: a negative answer */
	bool		lossy;			/* rdata rebuilt with placeholder fields, or
								 * a set that may lack some of its RRs */
	bool		one_rr;			/* one RR of a response whose other RRs are
								 * on other lines (Suricata eve v1) */
	uint64_t	response;		/* with one_rr: which response (0: unknown) */
	size_t		n_rdata;		/* 0: negative answer (NXDOMAIN, NODATA) */
	const log_str *rdata;		/* presentation format, one per RR */
	size_t		first_rdata;	/* (index into the output while building) */
} log_record;

typedef struct log_error
{
	char		reason[LOG_REASON_MAX];

	/*
	 * What the parser had read of a line it refused, for the reject: with
	 * fields_read, the line's fields were split and client (empty: none)
	 * is the one client address it holds; sensor is the sensor it names
	 * (empty: not read, or none given).  log_line_begin() clears them.
	 */
	bool		fields_read;
	log_str		client;
	log_str		sensor;
} log_error;

typedef struct log_out
{
	log_record *records;
	size_t		n;
	size_t		cap;
	log_str    *strs;			/* rdata of all records, in order */
	size_t		nstrs;
	size_t		strs_cap;
	const char *owner_field;	/* the format's name for the owner field, for
								 * reasons (NULL: "owner name") */
	char	   *text;			/* texts the parser built */
	size_t		text_len;
	size_t		text_cap;
	bool		oom;
} log_out;

extern void log_out_init(log_out *out);
extern void log_out_free(log_out *out);

/*
 * Start a line of len octets: forget the previous records and make room
 * for the texts built from this one (at most LOG_TEXT_FACTOR octets per
 * input octet, plus a constant).  False when memory runs out.
 */
#define LOG_TEXT_FACTOR 8
extern bool log_out_reset(log_out *out, size_t len);

/*
 * The frame of every parser's line: log_line_begin() resets the output
 * (log_out_reset) and drops a final '\r' from *len, false with the
 * reason when memory runs out; log_line_end() keeps the line's records
 * when it parsed (ok) and drops them all when it did not, and returns ok.
 */
extern bool log_line_begin(log_out *out, const char *line, size_t *len, log_error *err);
extern bool log_line_end(log_out *out, bool ok);

/*
 * A JSON member that a log writes as a string or a number, as text: the
 * string, or the number's source text.  Absent or null: *out is empty and
 * *present (when given) false.  Any other type is an error.
 */
extern bool log_json_text(const json_doc *doc, const json_node *obj, const char *key,
						  log_str *out, bool *present, log_error *err);

/* A new record (zeroed, count 1), or NULL when memory runs out. */
extern log_record *log_out_record(log_out *out);

/* Add an rdata text to the newest record. */
extern bool log_out_rdata(log_out *out, const char *text, size_t len);

/* Drop the newest record (and its rdata). */
extern void log_out_drop(log_out *out);

/*
 * n octets of the line's text buffer as the parser's scratch (NULL when
 * they do not fit in what log_out_reset() made room for).
 */
extern char *log_text_claim(log_out *out, size_t n);

/* Set every record's rdata pointer; call once the line is parsed. */
extern void log_out_finish(log_out *out);

/*
 * Building texts in the output's buffer: log_text_start() marks the
 * start, the appends add to it, log_text_end() returns the text.  The
 * buffer never moves during a line, so earlier texts stay valid.
 */
extern size_t log_text_start(const log_out *out);
extern bool log_text_append(log_out *out, const char *s, size_t len);
extern bool log_text_char(log_out *out, char c);
extern bool log_text_uint(log_out *out, uint64_t v);
extern log_str log_text_end(const log_out *out, size_t start);

/* Append one DNS character-string as a quoted presentation string. */
extern bool log_text_quoted(log_out *out, const char *s, size_t len);

/* Is the text an IPv4 / IPv6 address (no prefix length)? */
extern bool log_is_ipv4(const char *s, size_t len);
extern bool log_is_ipv6(const char *s, size_t len);

/* Set err->reason (printf-style). */
extern bool log_fail(log_error *err, const char *fmt,...)
			__attribute__((format(printf, 2, 3)));

/* Equal to a NUL-terminated word, exactly or ignoring ASCII case. */
extern bool log_str_is(log_str s, const char *word);
extern bool log_str_is_ci(log_str s, const char *word);

static inline log_str
log_str_make(const char *p, size_t len)
{
	log_str		s = {p, len};

	return s;
}

#endif							/* PDNS_LOG_RECORD_H */
