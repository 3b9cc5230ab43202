/*
 * ingest_batch.h
 *		The ingestion batch's own structures, shared by the code that fills
 *		it (ingest_batch.c) and the code that reads it back for the merge
 *		(ingest_readback.c).  Not for the format parsers: they use ingest.h.
 */
#ifndef PDNS_INGEST_BATCH_H
#define PDNS_INGEST_BATCH_H

#include "ingest.h"

#include "utils/hsearch.h"

#include "digest.h"
#include "hll_sketch.h"
#include "nodes/pg_list.h"
#include "time_parse.h"

/*
 * The batch's RRsets, keyed by a fast hash of their content (and a probe
 * number, for the rare hashes that collide); the SHA-256 digest that
 * identifies an RRset in the store is computed once per new entry.
 */
typedef struct rrset_probe
{
	uint64		hash;
	uint64		probe;
} rrset_probe;

/* (Entries are ordered so that they hold no padding but their end's.) */
typedef struct rrset_entry
{
	rrset_probe probe;			/* hash key */
	uint8		key[DIGEST_LEN];	/* digest of the content below */
	struct varlena *rrname;
	struct varlena *bailiwick;	/* NULL when unknown */
	struct varlena *rdata;
	int64		first;
	int64		last;
	int64		count;
	uint16		rrtype;
	bool		lossy;
	char		status;			/* simplehash's */
} rrset_entry;

typedef struct obs_key
{
	int64		period;
	int32		sensor_id;
	uint8		rrset[DIGEST_LEN];
} obs_key;

typedef struct obs_entry
{
	obs_key		key;
	char		status;
	uint32		hash;			/* simplehash's: of the key, kept */
	int64		first;
	int64		last;
	int64		count;
} obs_entry;

typedef struct neg_key
{
	int64		period;
	int32		sensor_id;
	uint16		rrtype;
	uint16		rcode;
	uint8		name[DIGEST_LEN];
} neg_key;

typedef struct neg_entry
{
	neg_key		key;
	char		status;
	uint32		hash;			/* simplehash's: of the key, kept */
	struct varlena *rrname;
	int64		first;
	int64		last;
	int64		count;
} neg_entry;

typedef struct client_key
{
	int64		period;
	int32		sensor_id;
	uint16		rrtype;
	uint8		client[sizeof(inet_struct)];
	uint8		name[DIGEST_LEN];
} client_key;

typedef struct client_entry
{
	client_key	key;			/* holds the pseudonym */
	char		status;
	uint32		hash;			/* simplehash's: of the key, kept */
	const struct varlena *rrname;	/* shared with the RRset or negative entry */
	int64		first;
	int64		last;
	int64		count;
} client_entry;

/*
 * Distinct clients per name, type, period and sensor: a HyperLogLog
 * sketch that each client's pseudonym is folded into (the default; no
 * per-client entry is kept unless the client log is on).
 */
typedef struct count_key
{
	int64		period;
	int32		sensor_id;
	uint16		rrtype;
	uint8		name[DIGEST_LEN];
} count_key;

typedef struct count_entry
{
	count_key	key;
	char		status;
	uint32		hash;			/* simplehash's: of the key, kept */
	const struct varlena *rrname;	/* shared with the RRset or negative entry */
	int64		first;
	int64		last;
	int64		count;
	hll_sketch	sketch;
} count_entry;

/*
 * Caches of parsed raw text: the key is a 64-bit hash of the text, and the
 * entry keeps the text, so that a collision is caught (and not cached).
 */
typedef struct cache_key
{
	uint64		hash;
} cache_key;

typedef struct cache_entry
{
	cache_key	key;
	char	   *raw;
	void	   *value;			/* dnsname key bytes or rrset varlena; NULL: bad */
	const char *reason;			/* when value is NULL */
	uint32		rawlen;
	uint32		valuelen;
	char		status;
} cache_entry;


/*
 * The batch's tables are open-addressing hash tables (PostgreSQL's
 * simplehash) with their entries inline: a lookup reads one cache line where
 * dynahash read two at random (the bucket, then the element), and lookups
 * were most of the time a line spends in the batch (bench/README.md).
 * Entries move when a table grows: no pointer to an entry is kept across
 * an insertion into its table.  Defined in ingest_batch.c.
 */
#define SH_PREFIX pdns_rrset_table
#define SH_ELEMENT_TYPE rrset_entry
#define SH_KEY_TYPE rrset_probe
#define SH_SCOPE extern
#define SH_DECLARE
#include "lib/simplehash.h"

#define SH_PREFIX pdns_obs_table
#define SH_ELEMENT_TYPE obs_entry
#define SH_KEY_TYPE obs_key
#define SH_SCOPE extern
#define SH_DECLARE
#include "lib/simplehash.h"

#define SH_PREFIX pdns_neg_table
#define SH_ELEMENT_TYPE neg_entry
#define SH_KEY_TYPE neg_key
#define SH_SCOPE extern
#define SH_DECLARE
#include "lib/simplehash.h"

#define SH_PREFIX pdns_client_table
#define SH_ELEMENT_TYPE client_entry
#define SH_KEY_TYPE client_key
#define SH_SCOPE extern
#define SH_DECLARE
#include "lib/simplehash.h"

#define SH_PREFIX pdns_count_table
#define SH_ELEMENT_TYPE count_entry
#define SH_KEY_TYPE count_key
#define SH_SCOPE extern
#define SH_DECLARE
#include "lib/simplehash.h"

#define SH_PREFIX pdns_cache_table
#define SH_ELEMENT_TYPE cache_entry
#define SH_KEY_TYPE cache_key
#define SH_SCOPE extern
#define SH_DECLARE
#include "lib/simplehash.h"

typedef struct reject_entry
{
	char	   *target;
	char	   *sensor;
	char	   *reason;
	bytea	   *raw;
} reject_entry;

/*
 * The entries of one per-period table ordered by period, made when the merge
 * first asks for one period's rows: the merge writes each period into its
 * own partition.
 */
typedef struct period_index
{
	void	  **entries;
	uint32		n;
	bool		built;
} period_index;

/* Consecutive lines of one response, to be added as one RRset (ingest_batch.c). */
typedef struct line_group
{
	bool		active;
	ingest_obs	obs;			/* the first line's, but for its rdata */
	inet		client;			/* obs.client points here */
	const struct varlena **rdata;	/* each line's (one-element) set */
	int			n;
	int			cap;
} line_group;

/* settings.record_clients: what the batch keeps of who asked */
typedef enum client_mode
{
	CLIENTS_OFF,
	CLIENTS_COUNT,				/* sketches (count_entry) */
	CLIENTS_LOG					/* sketches, and client_entry for the client log */
} client_mode;

typedef struct batch_state
{
	MemoryContext cxt;
	pdns_rrset_table_hash *rrsets;
	pdns_obs_table_hash *obs;
	pdns_neg_table_hash *negs;
	pdns_client_table_hash *clients;
	pdns_count_table_hash *counts;
	pdns_cache_table_hash *names;
	pdns_cache_table_hash *rdata;
	List	   *rejects;
	period_index obs_by_period;
	period_index negs_by_period;
	period_index clients_by_period;
	long		keys;			/* distinct keys in the five tables */
	int64		lines;			/* rows (lines, messages) that added observations */
	line_group	group;
	bool		row_counted;	/* the current row is counted in lines */
	SubTransactionId subid;		/* the (sub)transaction the batch belongs to */
	const char *target;
	/* settings, read at the first row of a batch */
	bool		have_settings;
	period_kind period;
	client_mode clients_mode;
	long		max_keys;
	Size		max_bytes;
	int64		latest_time;	/* Unix microseconds: now + future_skew */
	int64		earliest_time;	/* now - least(retention, max_age), or INT64_MIN */
	long		max_periods;
	/* sensors new to the store (ingest_sensors.c) */
	HTAB	   *provisional;	/* name -> provisional number */
	List	   *new_sensors;	/* their names, in order of number */
	List	   *new_sensor_ids; /* 0, -1 once a line landed, then the real id */
} batch_state;

extern batch_state pdns_batch;

/*
 * One entry of each table as the columns of its tier's rows, named once
 * (ingest_readback.c): the run writer finds each in the pending table by
 * its name; the batch's readback functions return them in this order, as
 * their SQL declares.  Values point into the batch or are palloc'd.
 */
#define BATCH_RRSET_COLUMNS 9
#define BATCH_OBSERVATION_COLUMNS 6
#define BATCH_NEGATIVE_COLUMNS 8
#define BATCH_CLIENT_COLUMNS 8
#define BATCH_COUNT_COLUMNS 8
#define BATCH_MAX_COLUMNS 9
extern const char *const batch_rrset_columns[BATCH_RRSET_COLUMNS];
extern const char *const batch_observation_columns[BATCH_OBSERVATION_COLUMNS];
extern const char *const batch_negative_columns[BATCH_NEGATIVE_COLUMNS];
extern const char *const batch_client_columns[BATCH_CLIENT_COLUMNS];
extern const char *const batch_count_columns[BATCH_COUNT_COLUMNS];
extern void batch_rrset_values(const rrset_entry *r, Datum *values, bool *nulls);
extern void batch_observation_values(const obs_entry *e, Datum *values, bool *nulls);
extern void batch_negative_values(const neg_entry *e, Datum *values, bool *nulls);
extern void batch_client_values(const client_entry *e, Datum *values, bool *nulls);
extern void batch_count_values(const count_entry *e, Datum *values, bool *nulls);

/*
 * Write the batch as a run (ingest_run.c): its rows appended to the
 * pending tables, the run listed; compacted at once when no compaction
 * worker serves this database.  False when the store's SQL predates runs
 * (an extension not updated yet): the caller merges the old way.
 */
extern bool ingest_write_run(void);

/* ingest_sensors.c, ingest_admit.c: per-transaction state */
extern void ingest_sensors_forget(void);
extern void ingest_sensor_landed(int32 id);
extern void ingest_sensors_number(void);
extern int32 ingest_sensor_number(int32 id);
extern void ingest_admit_forget(void);
extern void ingest_admit_period(int64 period);

#endif							/* PDNS_INGEST_BATCH_H */
