/*
 * ingest.h
 *		The ingestion batch: what format parsers hand over, and what the
 *		merge into the store reads back.
 *
 * Every ingestion target is a one-column table of raw lines (or messages)
 * with a C row trigger that parses each row, normalizes it with the types'
 * own codecs and adds it to this backend's batch, where identical keys are
 * summed.  A statement trigger (and a size threshold) merges the batch into
 * the store with set-based SQL (pdns._merge_batch()), inside the COPY's own
 * transaction: a batch lands when, and only when, its transaction commits.
 */
#ifndef PDNS_INGEST_H
#define PDNS_INGEST_H

#include "pdns.h"

#include "access/htup.h"
#include "access/tupdesc.h"
#include "datatype/timestamp.h"
#include "utils/inet.h"

/* Microseconds between the Unix and PostgreSQL epochs (ingest_obs times are Unix). */
#define UNIX_TO_PG_USEC ((int64) (POSTGRES_EPOCH_JDATE - UNIX_EPOCH_JDATE) * USECS_PER_DAY)

/* One observation, normalized.  Pointers need only live during the call. */
typedef struct ingest_obs
{
	int64		time;			/* microseconds since 1970-01-01 UTC */
	int64		time_last;		/* end of an aggregation window (COF, ...);
								 * 0 or <= time: a single sighting at `time` */
	int32		sensor_id;
	const uint8 *rrname;		/* dnsname key */
	size_t		rrname_len;
	uint16		rrtype;
	const uint8 *bailiwick;		/* dnsname key, or NULL when unknown */
	size_t		bailiwick_len;
	const struct varlena *rdata;	/* an rrset; NULL for a negative answer */
	bool		lossy;			/* the source dropped part of the rdata */
	bool		one_rr;			/* one RR of a response logged RR by RR:
								 * joined with the next ones of the same
								 * response (as the line formats' lines) */
	uint64		response;		/* with one_rr: which response (0: unknown) */
	uint16		rcode;
	int64		count;
	const inet *client;			/* clear client address, or NULL */
	bool		client_only;	/* record only who asked (rrname, rrtype) */
} ingest_obs;

/*
 * Start of a row: which target is being loaded (for rejects) and the
 * store settings.  Called by the row trigger before the format parser.
 */
extern void ingest_begin_row(const char *target);

/* Add one observation (the client address is pseudonymized here). */
extern void ingest_add(const ingest_obs *obs);

/* Keep a row that could not be ingested: its raw bytes and the reason. */
extern void ingest_reject(const char *sensor, const uint8 *raw, size_t rawlen,
						  const char *reason);

/* Merge the batch into the store now if it has grown past the threshold. */
extern void ingest_merge_if_full(void);

/* Merge whatever the batch holds (statement end). */
extern void ingest_merge(void);

/*
 * Normalizing helpers with a per-batch cache keyed by the raw text (logs
 * repeat the same names and rdata over and over).  On failure they return
 * false and a reason, which the caller puts in a reject.
 */
extern bool ingest_name(const char *text, size_t len, const uint8 **key,
						size_t *keylen, const char **reason);
extern bool ingest_rdata(uint16 rrtype, const char *text, size_t len,
						 const struct varlena **rrset, const char **reason);
/*
 * The number of a sensor name for an observation (provisional, negative,
 * for a sensor new to the store), or INGEST_SENSOR_REFUSED when the
 * sender may not send lines for it (ingest_sensor_refusal() says why;
 * ingest_admit() rejects such observations).
 */
#define INGEST_SENSOR_REFUSED PG_INT32_MIN
extern int32 ingest_sensor_id(const char *name, size_t len);
extern const char *ingest_sensor_refusal(void);

/* The largest count one line may carry (SQL: pdns.line_count_max()). */
#define INGEST_LINE_COUNT_MAX INT64CONST(1000000000)
/* Stored counts saturate here (SQL: pdns.count_ceiling()). */
#define INGEST_COUNT_CEILING INT64CONST(4611686018427387903)

/*
 * May the store take this observation?  Its sensor, count, times and
 * period within the bounds (ingest_admit.c); false with the reason in why.
 * Parsers call it for each observation before adding any of a line's.
 */
extern bool ingest_admit(const ingest_obs *o, char *why, size_t whylen);

/* Octets as valid text, other octets as \xHH (ingest_escape.c), palloc'd. */
extern char *ingest_escape_text(const char *s, size_t len, size_t max);

/*
 * Rejects without client addresses in the clear (ingest_redact.c): what a
 * parser learnt of the row decides what is pseudonymized -- only the
 * client addresses read from its fields once it split, every address
 * before that, nothing in binary rows.  Results palloc'd.
 */
extern void ingest_row_redaction_begin(void);
extern void ingest_row_split(void);
extern void ingest_row_binary(void);
extern void ingest_row_client(const inet *client);
extern bytea *ingest_redact_line(const uint8 *raw, size_t len);
extern char *ingest_redact_text(const char *text);

/*
 * The RRset of n rdata of one type (sources that log whole answers:
 * Suricata, Zeek, COF arrays), with the same cache and failure contract
 * as ingest_rdata.  *bad is the 0-based index of the element at fault,
 * or -1.
 */
extern bool ingest_rdata_set(uint16 rrtype, const char *const *texts, const size_t *lens,
							 size_t n, const struct varlena **rrset, const char **reason,
							 int *bad);

/* A host address (v4 or v6, no prefix length) into an inet. */
extern bool ingest_parse_address(const char *s, size_t len, inet *out);

/* The default sensor for formats that do not name one (setting pdns.sensor). */
extern const char *ingest_default_sensor(void);

/* Targets of typed rows: one row each, adding observations or a reject. */
extern void ingest_native_columns(HeapTuple row, TupleDesc desc);
extern void ingest_wire_message(HeapTuple row, TupleDesc desc);
extern void ingest_capture_reject(HeapTuple row, TupleDesc desc);

/*
 * The one adapter of the sensor log formats (ingest_record.c): a line of
 * a target through its format's descriptor (src/core/log_format.h) into
 * the batch -- all of its records, or none and a reject naming the first
 * that failed.  The state a load keeps (Zeek's header lines, passivedns's
 * settings) lives per target until ingest_log_statement_end().
 */
struct log_format;
struct log_out;
struct fields;
extern const struct log_format *ingest_log_format(const char *name);
extern void ingest_log_line(const struct log_format *format, Oid target, const char *line,
							size_t len);
extern void ingest_log_statement_end(Oid target);
/*
 * A row of the native layout whose fields came as columns (pdns.native_in),
 * read by the core parser into the scratch output: its records when it
 * parsed, else a reject of its fields joined by tabs, for err's reason.
 */
struct log_error;
extern struct log_out *ingest_log_scratch(void);
extern void ingest_log_fields(bool parsed, const struct log_error *err, const struct fields *f);
/* the session settings of the formats that have some (ingest_passivedns.c) */
extern void ingest_adapters_define_settings(void);

/* Are raw lines Latin-1 carriers of exact octets (pdns.line_encoding)? */
extern bool ingest_lines_are_latin1(void);

/* Settings, defined at load time. */
extern void ingest_define_settings(void);

#endif							/* PDNS_INGEST_H */
