/*
 * ingest_batch.c
 *		This backend's ingestion batch: hash tables that sum observations by
 *		key, caches of parsed names and rdata, the rejects; when to merge it
 *		(ingest_readback.c reads it back for the merge).
 *
 * Everything lives in one memory context that is reset after each merge and
 * on (sub)transaction abort, so an aborted COPY leaves nothing behind.
 */
#include "ingest_batch.h"

#include "access/xact.h"
#include "catalog/pg_type_d.h"
#include "common/hashfn.h"
#include "digest.h"
#include "executor/spi.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "rrset_codec.h"
#include "time_parse.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/hsearch.h"
#include "utils/memutils.h"
#include "utils/timestamp.h"

PG_FUNCTION_INFO_V1(pdns_batch_reset);

/*
 * Hashes and equality of the tables' keys (see ingest_batch.h).  Names and
 * rdata come from whoever can make a monitored resolver look something up:
 * every hash takes a seed drawn once per backend, so that nobody can
 * choose inputs that pile up in one place of a table (hash flooding).
 */
static uint64 hash_seed = 0;

static inline uint32
fold64(uint64 h)
{
	return (uint32) (h ^ (h >> 32));
}

/* murmur3's 64-bit finalizer: every input bit moves every output bit */
static inline uint64
mix64(uint64 x)
{
	x ^= x >> 33;
	x *= UINT64CONST(0xff51afd7ed558ccd);
	x ^= x >> 33;
	x *= UINT64CONST(0xc4ceb9fe1a85ec53);
	x ^= x >> 33;
	return x;
}

/* The period and sensor of a per-period key, in one word. */
static inline uint64
period_sensor_bits(int64 period, int32 sensor_id)
{
	return (uint64) period ^ ((uint64) sensor_id << 44);
}

/* A digest's first octets, scrambled with the seed. */
static inline uint64
digest_bits(const uint8 *digest)
{
	uint64		bits;

	memcpy(&bits, digest, sizeof(bits));
	return mix64(bits ^ hash_seed);
}

static inline uint32
obs_hash(const obs_key *k)
{
	return fold64(digest_bits(k->rrset) ^ mix64(period_sensor_bits(k->period, k->sensor_id)));
}

static inline bool
obs_equal(const obs_key *a, const obs_key *b)
{
	return a->period == b->period && a->sensor_id == b->sensor_id &&
		memcmp(a->rrset, b->rrset, DIGEST_LEN) == 0;
}

static inline uint32
neg_hash(const neg_key *k)
{
	return fold64(digest_bits(k->name) ^
				  mix64(period_sensor_bits(k->period, k->sensor_id) ^
						((uint64) k->rrtype << 16) ^ k->rcode));
}

static inline bool
neg_equal(const neg_key *a, const neg_key *b)
{
	return a->period == b->period && a->sensor_id == b->sensor_id && a->rrtype == b->rrtype &&
		a->rcode == b->rcode && memcmp(a->name, b->name, DIGEST_LEN) == 0;
}

static inline uint32
client_hash(const client_key *k)
{
	return fold64(digest_bits(k->name) ^
				  hash_bytes_extended(k->client, sizeof(k->client),
									  hash_seed ^ period_sensor_bits(k->period, k->sensor_id) ^ k->rrtype));
}

static inline bool
client_equal(const client_key *a, const client_key *b)
{
	return a->period == b->period && a->sensor_id == b->sensor_id && a->rrtype == b->rrtype &&
		memcmp(a->client, b->client, sizeof(a->client)) == 0 &&
		memcmp(a->name, b->name, DIGEST_LEN) == 0;
}

#define SH_PREFIX pdns_rrset_table
#define SH_ELEMENT_TYPE rrset_entry
#define SH_KEY_TYPE rrset_probe
#define SH_KEY probe
#define SH_HASH_KEY(tb, k) fold64((k).hash + (k).probe)
#define SH_EQUAL(tb, a, b) ((a).hash == (b).hash && (a).probe == (b).probe)
#define SH_SCOPE extern
#define SH_DEFINE
#include "lib/simplehash.h"

#define SH_PREFIX pdns_obs_table
#define SH_STORE_HASH
#define SH_GET_HASH(tb, a) ((a)->hash)
#define SH_ELEMENT_TYPE obs_entry
#define SH_KEY_TYPE obs_key
#define SH_KEY key
#define SH_HASH_KEY(tb, k) obs_hash(&(k))
#define SH_EQUAL(tb, a, b) obs_equal(&(a), &(b))
#define SH_SCOPE extern
#define SH_DEFINE
#include "lib/simplehash.h"

#define SH_PREFIX pdns_neg_table
#define SH_STORE_HASH
#define SH_GET_HASH(tb, a) ((a)->hash)
#define SH_ELEMENT_TYPE neg_entry
#define SH_KEY_TYPE neg_key
#define SH_KEY key
#define SH_HASH_KEY(tb, k) neg_hash(&(k))
#define SH_EQUAL(tb, a, b) neg_equal(&(a), &(b))
#define SH_SCOPE extern
#define SH_DEFINE
#include "lib/simplehash.h"

#define SH_PREFIX pdns_client_table
#define SH_STORE_HASH
#define SH_GET_HASH(tb, a) ((a)->hash)
#define SH_ELEMENT_TYPE client_entry
#define SH_KEY_TYPE client_key
#define SH_KEY key
#define SH_HASH_KEY(tb, k) client_hash(&(k))
#define SH_EQUAL(tb, a, b) client_equal(&(a), &(b))
#define SH_SCOPE extern
#define SH_DEFINE
#include "lib/simplehash.h"

static inline uint32
count_hash(const count_key *k)
{
	return fold64(digest_bits(k->name) ^
				  mix64(period_sensor_bits(k->period, k->sensor_id) ^ ((uint64) k->rrtype << 16)));
}

static inline bool
count_equal(const count_key *a, const count_key *b)
{
	return a->period == b->period && a->sensor_id == b->sensor_id && a->rrtype == b->rrtype &&
		memcmp(a->name, b->name, DIGEST_LEN) == 0;
}

#define SH_PREFIX pdns_count_table
#define SH_STORE_HASH
#define SH_GET_HASH(tb, a) ((a)->hash)
#define SH_ELEMENT_TYPE count_entry
#define SH_KEY_TYPE count_key
#define SH_KEY key
#define SH_HASH_KEY(tb, k) count_hash(&(k))
#define SH_EQUAL(tb, a, b) count_equal(&(a), &(b))
#define SH_SCOPE extern
#define SH_DEFINE
#include "lib/simplehash.h"

#define SH_PREFIX pdns_cache_table
#define SH_ELEMENT_TYPE cache_entry
#define SH_KEY_TYPE cache_key
#define SH_KEY key
#define SH_HASH_KEY(tb, k) fold64((k).hash)
#define SH_EQUAL(tb, a, b) ((a).hash == (b).hash)
#define SH_SCOPE extern
#define SH_DEFINE
#include "lib/simplehash.h"

batch_state pdns_batch;
static char *default_sensor = NULL;
static int	line_encoding = 0;

static const struct config_enum_entry line_encoding_options[] = {
	{"latin1", 0, false},
	{"utf8", 1, false},
	{NULL, 0, false}
};

/* ---- lifecycle ---- */

static void
batch_reset(void)
{
	if (pdns_batch.cxt != NULL)
		MemoryContextDelete(pdns_batch.cxt);
	memset(&pdns_batch, 0, sizeof(pdns_batch));
}

/* What a transaction knew of sensors and periods ends with it. */
static void
forget_transaction(void)
{
	ingest_sensors_forget();
	ingest_admit_forget();
}

static void
batch_xact_callback(XactEvent event, void *arg)
{
	switch (event)
	{
		case XACT_EVENT_PRE_COMMIT:
		case XACT_EVENT_PRE_PREPARE:
			/* statement triggers merge every batch; anything left is a bug */
			if (pdns_batch.cxt != NULL && (pdns_batch.keys > 0 || pdns_batch.rejects != NIL))
				elog(ERROR, "pdns ingestion batch was not merged before commit");
			break;
		case XACT_EVENT_ABORT:
		case XACT_EVENT_PARALLEL_ABORT:
		case XACT_EVENT_COMMIT:
		case XACT_EVENT_PARALLEL_COMMIT:
		case XACT_EVENT_PREPARE:
			forget_transaction();
			batch_reset();
			break;
		default:
			break;
	}
}

static void
batch_subxact_callback(SubXactEvent event, SubTransactionId mySubid,
					   SubTransactionId parentSubid, void *arg)
{
	/*
	 * A batch lives in one subtransaction (see ingest_begin_row): when that
	 * one or an outer one rolls back (a failed COPY inside a savepoint), the
	 * batch goes with it.  Inner subtransactions that fail (exception blocks
	 * in functions called meanwhile) added no rows to it.
	 */
	if (event == SUBXACT_EVENT_ABORT_SUB)
	{
		if (pdns_batch.cxt != NULL && mySubid <= pdns_batch.subid)
			batch_reset();
	}
}

static void
load_settings(void)
{
	int64		seconds,
				now;
	Datum		age;
	bool		isnull;

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	/* the interval as seconds: its text form follows the session's IntervalStyle */
	/*
	 * The interval as seconds (its text form follows the session's
	 * IntervalStyle); the time bounds as microseconds from now.
	 */
	/* (read through jsonb: settings of 0.6 are missing, NULL, before it) */
	if (SPI_execute("SELECT extract(epoch FROM partition_interval)::bigint, "
					/* (boolean until 0.7; off, count or log since) */
					"CASE to_jsonb(s) ->> 'record_clients' WHEN 'count' THEN 1 "
					"WHEN 'log' THEN 2 WHEN 'true' THEN 2 ELSE 0 END, batch_keys, "
					"coalesce((to_jsonb(s) ->> 'batch_bytes')::bigint, 536870912), "
					"(extract(epoch FROM coalesce((to_jsonb(s) ->> 'future_skew')::interval, "
					"'1 hour')) * 1000000)::bigint, "
					"(extract(epoch FROM least(retention, (to_jsonb(s) ->> 'max_age')::interval)) "
					"* 1000000)::bigint, coalesce((to_jsonb(s) ->> 'max_periods')::integer, 10000) "
					"FROM pdns.settings s", true, 1) != SPI_OK_SELECT || SPI_processed != 1)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("pdns.settings must hold exactly one row")));
	seconds = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
	switch (seconds)
	{
		case 3600:
			pdns_batch.period = PERIOD_HOUR;
			break;
		case 86400:
			pdns_batch.period = PERIOD_DAY;
			break;
		case 7 * 86400:
			pdns_batch.period = PERIOD_WEEK;
			break;
		case 30 * 86400:		/* extract(epoch) counts a month as 30 days */
			pdns_batch.period = PERIOD_MONTH;
			break;
		default:
			elog(ERROR, "unsupported partition interval of %lld seconds", (long long) seconds);
	}
	pdns_batch.clients_mode = (client_mode) DatumGetInt32(SPI_getbinval(SPI_tuptable->vals[0],
																	   SPI_tuptable->tupdesc, 2, &isnull));
	pdns_batch.max_keys = DatumGetInt32(SPI_getbinval(SPI_tuptable->vals[0],
												 SPI_tuptable->tupdesc, 3, &isnull));
	pdns_batch.max_bytes = (Size) DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0],
														  SPI_tuptable->tupdesc, 4, &isnull));
	now = GetCurrentTimestamp() + UNIX_TO_PG_USEC;
	pdns_batch.latest_time = now + DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0],
															   SPI_tuptable->tupdesc, 5, &isnull));
	age = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 6, &isnull);
	pdns_batch.earliest_time = isnull ? PG_INT64_MIN : now - DatumGetInt64(age);
	pdns_batch.max_periods = DatumGetInt32(SPI_getbinval(SPI_tuptable->vals[0],
													SPI_tuptable->tupdesc, 7, &isnull));
	SPI_finish();
	pdns_batch.have_settings = true;
}

static void
batch_start(void)
{
	static bool callbacks = false;

	if (!callbacks)
	{
		RegisterXactCallback(batch_xact_callback, NULL);
		RegisterSubXactCallback(batch_subxact_callback, NULL);
		callbacks = true;
		/* once per backend: the tables of a batch depend on it */
		if (!pg_strong_random(&hash_seed, sizeof(hash_seed)))
			ereport(ERROR,
					(errcode(ERRCODE_INTERNAL_ERROR),
					 errmsg("could not draw a random seed for the ingestion batch")));
	}
	pdns_batch.cxt = AllocSetContextCreate(TopMemoryContext, "pdns ingest batch",
									  ALLOCSET_DEFAULT_SIZES);
	pdns_batch.rrsets = pdns_rrset_table_create(pdns_batch.cxt, 1024, NULL);
	pdns_batch.obs = pdns_obs_table_create(pdns_batch.cxt, 1024, NULL);
	pdns_batch.negs = pdns_neg_table_create(pdns_batch.cxt, 1024, NULL);
	pdns_batch.clients = pdns_client_table_create(pdns_batch.cxt, 1024, NULL);
	pdns_batch.counts = pdns_count_table_create(pdns_batch.cxt, 1024, NULL);
	pdns_batch.names = pdns_cache_table_create(pdns_batch.cxt, 1024, NULL);
	pdns_batch.rdata = pdns_cache_table_create(pdns_batch.cxt, 1024, NULL);
	load_settings();
}

static void run_merge(void);

void
ingest_begin_row(const char *target)
{
	/* rows from another subtransaction start a batch of their own */
	if (pdns_batch.cxt != NULL && pdns_batch.subid != GetCurrentSubTransactionId())
	{
		if (pdns_batch.keys > 0 || pdns_batch.rejects != NIL || pdns_batch.group.active)
			run_merge();
		batch_reset();
	}
	if (pdns_batch.cxt == NULL)
	{
		batch_start();
		pdns_batch.subid = GetCurrentSubTransactionId();
	}
	pdns_batch.target = target;
	pdns_batch.row_counted = false;
	ingest_row_redaction_begin();
}

/* ---- adding ---- */

static struct varlena *
copy_varlena(const void *data, size_t len)
{
	struct varlena *v = MemoryContextAlloc(pdns_batch.cxt, VARHDRSZ + len);

	SET_VARSIZE(v, VARHDRSZ + len);
	memcpy(VARDATA(v), data, len);
	return v;
}

static void
name_digest(const uint8 *key, size_t len, uint8 out[DIGEST_LEN])
{
	digest_part part = {key, len};

	if (digest128(&part, 1, out) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_OUT_OF_MEMORY),
				 errmsg("out of memory computing the digest of a name")));
}

/* Widen a window with a sighting (or a window: time .. time_last). */
static inline bool
same_bytes(const struct varlena *v, const uint8 *bytes, size_t len)
{
	return VARSIZE(v) - VARHDRSZ == len && memcmp(VARDATA(v), bytes, len) == 0;
}

static inline void
widen(int64 *first, int64 *last, int64 *count, const ingest_obs *o)
{
	int64		end = o->time_last > o->time ? o->time_last : o->time;

	if (o->time < *first)
		*first = o->time;
	if (end > *last)
		*last = end;
	/* saturate (counts are at most INGEST_LINE_COUNT_MAX a line) */
	*count = Min(*count + o->count, INGEST_COUNT_CEILING);
}

/* Returns the entry's copy of the name, for the client entry to share. */
static const struct varlena *
add_positive(const ingest_obs *o, int64 period)
{
	const uint8 *rdata = (const uint8 *) VARDATA_ANY(o->rdata);
	size_t		rdata_len = VARSIZE_ANY_EXHDR(o->rdata);
	rrset_probe probe;
	rrset_entry *r;
	obs_key		ok;
	obs_entry  *e;
	bool		found;

	probe.hash = hash_bytes_extended(o->rrname, (int) o->rrname_len,
									 hash_seed ^ (((uint64) o->rrtype << 2) | (o->lossy << 1) | (o->bailiwick != NULL)));
	probe.hash = hash_bytes_extended(rdata, (int) rdata_len, probe.hash);
	if (o->bailiwick)
		probe.hash = hash_bytes_extended(o->bailiwick, (int) o->bailiwick_len, probe.hash);
	for (probe.probe = 0;; probe.probe++)
	{
		r = pdns_rrset_table_insert(pdns_batch.rrsets, probe, &found);
		if (!found || (r->rrtype == o->rrtype && r->lossy == o->lossy &&
					   same_bytes(r->rrname, o->rrname, o->rrname_len) &&
					   same_bytes(r->rdata, rdata, rdata_len) &&
					   (r->bailiwick == NULL) == (o->bailiwick == NULL) &&
					   (o->bailiwick == NULL || same_bytes(r->bailiwick, o->bailiwick, o->bailiwick_len))))
			break;
	}
	if (!found)
	{
		/* the digest is stored: its inputs must not depend on the platform */
		uint8		type_and_flag[3] = {o->rrtype >> 8, o->rrtype & 0xFF,
		(o->bailiwick ? 1 : 0) | (o->lossy ? 2 : 0)};
		digest_part parts[4] = {
			{o->rrname, o->rrname_len},
			{type_and_flag, 3},
			{o->bailiwick, o->bailiwick_len},
			{rdata, rdata_len},
		};

		if (digest128(parts, 4, r->key) != 0)
			ereport(ERROR,
					(errcode(ERRCODE_OUT_OF_MEMORY),
					 errmsg("out of memory computing the digest of an RRset")));
		r->rrname = copy_varlena(o->rrname, o->rrname_len);
		r->bailiwick = o->bailiwick ? copy_varlena(o->bailiwick, o->bailiwick_len) : NULL;
		r->rdata = copy_varlena(rdata, rdata_len);
		r->rrtype = o->rrtype;
		r->lossy = o->lossy;
		r->first = r->last = o->time;
		r->count = 0;
		pdns_batch.keys++;
	}
	widen(&r->first, &r->last, &r->count, o);

	memset(&ok, 0, sizeof(ok));
	ok.period = period;
	ok.sensor_id = o->sensor_id;
	memcpy(ok.rrset, r->key, DIGEST_LEN);
	e = pdns_obs_table_insert(pdns_batch.obs, ok, &found);
	if (!found)
	{
		e->first = e->last = o->time;
		e->count = 0;
		pdns_batch.keys++;
	}
	widen(&e->first, &e->last, &e->count, o);
	return r->rrname;
}

static const struct varlena *
add_negative(const ingest_obs *o, int64 period)
{
	neg_key		nk;
	neg_entry  *e;
	bool		found;

	memset(&nk, 0, sizeof(nk));
	nk.period = period;
	nk.sensor_id = o->sensor_id;
	nk.rrtype = o->rrtype;
	nk.rcode = o->rcode;
	name_digest(o->rrname, o->rrname_len, nk.name);
	e = pdns_neg_table_insert(pdns_batch.negs, nk, &found);
	if (!found)
	{
		e->rrname = copy_varlena(o->rrname, o->rrname_len);
		e->first = e->last = o->time;
		e->count = 0;
		pdns_batch.keys++;
	}
	widen(&e->first, &e->last, &e->count, o);
	return e->rrname;
}

static void *
sketch_registers(size_t size, void *arg)
{
	return MemoryContextAllocZero(pdns_batch.cxt, size);
}

/*
 * Fold a pseudonym into the distinct-client sketch of its name, type,
 * period and sensor.  The value hashed is the pseudonym as inet's binary
 * send format has it (family, bits, is_cidr, length, address), so that
 * SQL's hll_hash_bytea(inet_send(client)) over the client log hashes it
 * alike (86_compaction.sql).
 */
static void
add_count(const ingest_obs *o, int64 period, const struct varlena *rrname, const inet *pseudo)
{
	count_key	ck;
	count_entry *e;
	bool		found;
	uint8		wire[4 + 16];
	int			nb = ip_addrsize((inet *) pseudo);

	memset(&ck, 0, sizeof(ck));
	ck.period = period;
	ck.sensor_id = o->sensor_id;
	ck.rrtype = o->rrtype;
	name_digest(o->rrname, o->rrname_len, ck.name);
	e = pdns_count_table_insert(pdns_batch.counts, ck, &found);
	if (!found)
	{
		e->rrname = rrname ? rrname : copy_varlena(o->rrname, o->rrname_len);
		e->first = e->last = o->time;
		e->count = 0;
		memset(&e->sketch, 0, sizeof(e->sketch));
		pdns_batch.keys++;
	}
	widen(&e->first, &e->last, &e->count, o);
	wire[0] = ip_family(pseudo);
	wire[1] = ip_bits(pseudo);
	wire[2] = 0;
	wire[3] = (uint8) nb;
	memcpy(wire + 4, ip_addr(pseudo), nb);
	if (hll_sketch_add(&e->sketch, hll_hash_bytes(wire, 4 + nb), sketch_registers, NULL) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_OUT_OF_MEMORY),
				 errmsg("out of memory for a distinct-client sketch")));
}

/* rrname: a copy of o->rrname that lives as long as the batch, or NULL. */
static void
add_client(const ingest_obs *o, int64 period, const struct varlena *rrname)
{
	client_key	ck;
	client_entry *e;
	inet		pseudo;
	bool		found;

	/*
	 * The clear address goes no further than this function.  The pseudonym
	 * starts zeroed: the hash key below takes every byte of it.
	 */
	memset(&pseudo, 0, sizeof(pseudo));
	pdns_pseudonymize_inet(o->client, &pseudo);
	SET_INET_VARSIZE(&pseudo);

	add_count(o, period, rrname, &pseudo);
	if (pdns_batch.clients_mode != CLIENTS_LOG)
		return;

	memset(&ck, 0, sizeof(ck));
	ck.period = period;
	ck.sensor_id = o->sensor_id;
	ck.rrtype = o->rrtype;
	memcpy(ck.client, &pseudo.inet_data, sizeof(inet_struct));
	name_digest(o->rrname, o->rrname_len, ck.name);
	e = pdns_client_table_insert(pdns_batch.clients, ck, &found);
	if (!found)
	{
		e->rrname = rrname ? rrname : copy_varlena(o->rrname, o->rrname_len);
		e->first = e->last = o->time;
		e->count = 0;
		pdns_batch.keys++;
	}
	widen(&e->first, &e->last, &e->count, o);
}

/*
 * A window (time .. time_last) is counted in the period of its first
 * sighting: its count cannot be split over periods it does not describe.
 */
static void
add_now(const ingest_obs *o)
{
	int64		period = period_start_usec(o->time, pdns_batch.period);
	const struct varlena *rrname = NULL;

	if (o->client_only)
		;
	else if (o->rdata != NULL)
		rrname = add_positive(o, period);
	else
		rrname = add_negative(o, period);
	if (o->client != NULL && pdns_batch.clients_mode != CLIENTS_OFF)
		add_client(o, period, rrname);
}

/* ---- consecutive lines of one response: one RRset ---- */

/*
 * Line formats log one RR a line, and Suricata's eve v1 one RR an event
 * (one_rr, with the response's identity); the lines of one response follow
 * each other and agree on everything but the rdata.  The batch holds such a
 * run of lines (a group) and adds it as one RRset when a line that does not
 * belong comes, or the statement (or the batch) ends.  A line whose rdata
 * is in the group already starts a new group: an RRset has no duplicate.
 */
static bool
same_bytes_or_null(const uint8 *a, size_t alen, const uint8 *b, size_t blen)
{
	return a == NULL ? b == NULL : (b != NULL && alen == blen && memcmp(a, b, alen) == 0);
}

static bool
group_takes(const ingest_obs *o)
{
	const line_group *g = &pdns_batch.group;

	if (!g->active || g->obs.time != o->time || g->obs.time_last != o->time_last ||
		g->obs.sensor_id != o->sensor_id || g->obs.rrtype != o->rrtype ||
		g->obs.lossy != o->lossy || g->obs.count != o->count || g->obs.response != o->response ||
		!same_bytes_or_null(g->obs.rrname, g->obs.rrname_len, o->rrname, o->rrname_len) ||
		!same_bytes_or_null(g->obs.bailiwick, g->obs.bailiwick_len, o->bailiwick, o->bailiwick_len) ||
		(g->obs.client == NULL) != (o->client == NULL) ||
		(o->client != NULL && memcmp(&g->client, o->client, sizeof(inet)) != 0))
		return false;
	for (int i = 0; i < g->n; i++)
		if (VARSIZE_ANY(g->rdata[i]) == VARSIZE_ANY(o->rdata) &&
			memcmp(g->rdata[i], o->rdata, VARSIZE_ANY(o->rdata)) == 0)
			return false;
	return true;
}

static void
group_append(const struct varlena *rdata)
{
	line_group *g = &pdns_batch.group;

	if (g->n == g->cap)
	{
		g->cap = g->cap == 0 ? 8 : g->cap * 2;
		g->rdata = g->rdata == NULL
			? MemoryContextAlloc(pdns_batch.cxt, g->cap * sizeof(*g->rdata))
			: repalloc(g->rdata, g->cap * sizeof(*g->rdata));
	}
	g->rdata[g->n++] = rdata;
}

/* Add the group, its rdata as one set, to the batch. */
static void
group_flush(void)
{
	line_group *g = &pdns_batch.group;

	if (!g->active)
		return;
	g->active = false;
	if (g->n > 1)
	{
		rrset_builder b;
		uint8	   *payload;
		size_t		len;
		MemoryContext old = MemoryContextSwitchTo(pdns_batch.cxt);

		rrset_builder_init(&b, g->obs.rrtype, NULL, &pdns_palloc);
		for (int i = 0; i < g->n; i++)
		{
			rrset_reader r;
			rrset_elem	e;

			rrset_reader_init(&r, (const uint8 *) VARDATA_ANY(g->rdata[i]),
							  VARSIZE_ANY_EXHDR(g->rdata[i]));
			while (rrset_reader_next(&r, &e))
				if (!rrset_builder_add_canonical(&b, e.data, e.len))
					elog(ERROR, "pdns: an RRset of a response could not be made: %s", b.error.reason);
		}
		payload = rrset_builder_finish(&b, VARHDRSZ, &len);
		if (payload == NULL)
			elog(ERROR, "pdns: an RRset of a response could not be made: %s", b.error.reason);
		SET_VARSIZE(payload, VARHDRSZ + len);
		/* (the builder's memory is the batch's, and goes with it) */
		MemoryContextSwitchTo(old);
		g->obs.rdata = (const struct varlena *) payload;
	}
	else
		g->obs.rdata = g->rdata[0];
	add_now(&g->obs);
}

static void
group_start(const ingest_obs *o)
{
	line_group *g = &pdns_batch.group;

	g->obs = *o;
	if (o->client != NULL)
	{
		g->client = *o->client;
		g->obs.client = &g->client;
	}
	g->n = 0;
	group_append(o->rdata);
	g->active = true;
}

void
ingest_add(const ingest_obs *o)
{
	int64		period = period_start_usec(o->time, pdns_batch.period);

	ingest_admit_period(period);
	ingest_sensor_landed(o->sensor_id);
	if (!pdns_batch.row_counted)
	{
		pdns_batch.lines++;
		pdns_batch.row_counted = true;
	}
	/* records that are one RR of a response (docs/ingest.md, "Whole RRsets") */
	if (o->one_rr && o->rdata != NULL && !o->client_only)
	{
		if (group_takes(o))
			group_append(o->rdata);
		else
		{
			group_flush();
			group_start(o);
		}
		return;
	}
	group_flush();
	add_now(o);
}

void
ingest_reject(const char *sensor, const uint8 *raw, size_t rawlen, const char *reason)
{
	MemoryContext old = MemoryContextSwitchTo(pdns_batch.cxt);
	reject_entry *r = palloc(sizeof(reject_entry));

	/*
	 * Valid text whatever the line held, and no client address in the
	 * clear (ingest_redact.c).
	 */
	r->target = pstrdup(pdns_batch.target);
	r->sensor = sensor ? ingest_escape_text(sensor, strlen(sensor), NAMEDATALEN * 2 - 1) : NULL;
	r->reason = ingest_redact_text(ingest_escape_text(reason, strlen(reason), 1024));
	r->raw = ingest_redact_line(raw, rawlen);
	pdns_batch.rejects = lappend(pdns_batch.rejects, r);
	MemoryContextSwitchTo(old);
}

/* ---- caches ---- */

static cache_entry *
cache_lookup(pdns_cache_table_hash *table, const char *prefix, size_t prefixlen,
			 const char *text, size_t len, bool *found)
{
	cache_key	k;
	cache_entry *e;

	k.hash = hash_bytes_extended((const unsigned char *) text, (int) len,
								 hash_bytes_extended((const unsigned char *) prefix, (int) prefixlen, hash_seed));
	e = pdns_cache_table_insert(table, k, found);
	if (*found)
	{
		/* the text is kept, so a hash collision is caught here */
		if (e->rawlen == prefixlen + len && memcmp(e->raw, prefix, prefixlen) == 0 &&
			memcmp(e->raw + prefixlen, text, len) == 0)
			return e;
		return NULL;
	}
	e->raw = MemoryContextAlloc(pdns_batch.cxt, prefixlen + len + 1);
	memcpy(e->raw, prefix, prefixlen);
	memcpy(e->raw + prefixlen, text, len);
	e->rawlen = prefixlen + len;
	e->value = NULL;
	e->valuelen = 0;
	e->reason = NULL;
	return e;
}

bool
ingest_name(const char *text, size_t len, const uint8 **key, size_t *keylen,
			const char **reason)
{
	bool		found;
	cache_entry *e = cache_lookup(pdns_batch.names, "", 0, text, len, &found);
	dn_key		k;
	dn_error	err;

	if (e != NULL && found)
	{
		*key = e->value;
		*keylen = e->valuelen;
		*reason = e->reason;
		return e->value != NULL;
	}
	if (!dn_from_text(text, len, &k, &err))
	{
		char		buf[256];

		dn_error_describe(&err, buf, sizeof(buf));
		*reason = MemoryContextStrdup(pdns_batch.cxt, buf);
		if (e != NULL)
			e->reason = *reason;
		return false;
	}
	if (e == NULL)
	{
		/* a hash collision with another cached text: keep the result here */
		uint8	   *copy = MemoryContextAlloc(pdns_batch.cxt, k.len + 1);

		memcpy(copy, k.bytes, k.len);
		*key = copy;
		*keylen = k.len;
		return true;
	}
	e->value = MemoryContextAlloc(pdns_batch.cxt, k.len + 1);
	memcpy(e->value, k.bytes, k.len);
	e->valuelen = k.len;
	*key = e->value;
	*keylen = k.len;
	return true;
}

bool
ingest_rdata(uint16 rrtype, const char *text, size_t len,
			 const struct varlena **rrset, const char **reason)
{
	bool		found;
	uint16		t = rrtype;
	cache_entry *e = cache_lookup(pdns_batch.rdata, (const char *) &t, sizeof(t), text, len, &found);
	struct varlena *set;
	rrset_error err;
	uint8_t    *payload;
	size_t		plen;

	if (e != NULL && found)
	{
		*rrset = e->value;
		*reason = e->reason;
		return e->value != NULL;
	}
	/* one RR per line: a one-element set */
	payload = rrset_build(rrtype, &text, &len, 1, NULL, &plen, &err);
	if (payload == NULL)
	{
		*reason = MemoryContextStrdup(pdns_batch.cxt, err.reason);
		if (e != NULL)
			e->reason = *reason;
		return false;
	}
	set = copy_varlena(payload, plen);
	free(payload);
	if (e != NULL)
		e->value = set;
	*rrset = set;
	return true;
}

/*
 * A set of several rdata.  The cache key is the type and every text with
 * its length, so a set seen again (logs repeat) is parsed once.
 */
bool
ingest_rdata_set(uint16 rrtype, const char *const *texts, const size_t *lens, size_t n,
				 const struct varlena **rrset, const char **reason, int *bad)
{
	StringInfoData key;
	bool		found;
	cache_entry *e;
	struct varlena *set;
	rrset_error err;
	uint8_t    *payload;
	size_t		plen,
				i;

	*bad = -1;
	if (n == 1)
		return ingest_rdata(rrtype, texts[0], lens[0], rrset, reason);
	initStringInfo(&key);
	for (i = 0; i < n; i++)
	{
		uint32		l = (uint32) lens[i];

		appendBinaryStringInfo(&key, (const char *) &l, sizeof(l));
		appendBinaryStringInfo(&key, texts[i], (int) lens[i]);
	}
	{
		uint16		t = rrtype;
		char		prefix[3] = {(char) (t >> 8), (char) (t & 0xFF), 'S'};

		e = cache_lookup(pdns_batch.rdata, prefix, sizeof(prefix), key.data, key.len, &found);
	}
	pfree(key.data);
	if (e != NULL && found)
	{
		*rrset = e->value;
		*reason = e->reason;
		return e->value != NULL;
	}
	payload = rrset_build(rrtype, texts, lens, n, NULL, &plen, &err);
	if (payload == NULL)
	{
		*reason = MemoryContextStrdup(pdns_batch.cxt, err.reason);
		*bad = err.element > 0 ? err.element - 1 : -1;
		if (e != NULL)
			e->reason = *reason;
		return false;
	}
	set = copy_varlena(payload, plen);
	free(payload);
	if (e != NULL)
		e->value = set;
	*rrset = set;
	return true;
}

/* ---- merging ---- */

static void
run_merge(void)
{
	group_flush();
	elog(DEBUG1, "pdns: merging a batch of %ld keys held in %zu bytes",
		 pdns_batch.keys, MemoryContextMemAllocated(pdns_batch.cxt, true));
	ingest_sensors_number();
	if (ingest_write_run())
		batch_reset();
	else
		(void) pdns_call_internal("_merge_batch", 0, NULL, NULL, NULL);	/* resets it */
}

void
ingest_merge_if_full(void)
{
	/*
	 * by keys, and by bytes: large lines fill memory before many keys.  (A
	 * response whose lines straddle this point -- once per full batch -- is
	 * stored as two RRsets: the open group is added to this batch.)
	 */
	if (pdns_batch.cxt != NULL &&
		(pdns_batch.keys >= pdns_batch.max_keys ||
		 MemoryContextMemAllocated(pdns_batch.cxt, true) >= pdns_batch.max_bytes))
		run_merge();
}

void
ingest_merge(void)
{
	if (pdns_batch.cxt != NULL &&
		(pdns_batch.keys > 0 || pdns_batch.rejects != NIL || pdns_batch.group.active))
		run_merge();
}

/* Called by pdns._merge_batch() once everything is merged. */
Datum
pdns_batch_reset(PG_FUNCTION_ARGS)
{
	batch_reset();
	PG_RETURN_VOID();
}

/* ---- settings ---- */

const char *
ingest_default_sensor(void)
{
	return default_sensor ? default_sensor : "";
}

/* Does this session's raw text carry bytes as Latin-1 (see docs/ingest.md)? */
bool
ingest_lines_are_latin1(void)
{
	return line_encoding == 0;
}

void
ingest_define_settings(void)
{
	DefineCustomStringVariable("pdns.sensor",
							   "Sensor name for ingested lines whose format does not name one.",
							   NULL, &default_sensor, "", PGC_USERSET, 0, NULL, NULL, NULL);
	DefineCustomEnumVariable("pdns.line_encoding",
							 "How raw lines reach the ingestion targets.",
							 "latin1: COPY ... ENCODING 'LATIN1', every octet exact (the documented way); "
							 "utf8: plain UTF-8 text (INSERT, or COPY without that option).",
							 &line_encoding, 0, line_encoding_options, PGC_USERSET, 0,
							 NULL, NULL, NULL);
}
