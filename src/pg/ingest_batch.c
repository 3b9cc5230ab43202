/*
 * ingest_batch.c
 *		This backend's ingestion batch: hash tables that sum observations by
 *		key, caches of parsed names and rdata, the rejects, and the set-
 *		returning functions pdns._merge_batch() reads them back with.
 *
 * Everything lives in one memory context that is reset after each merge and
 * on (sub)transaction abort, so an aborted COPY leaves nothing behind.
 */
#include "ingest.h"

#include "access/xact.h"
#include "catalog/pg_type_d.h"
#include "common/hashfn.h"
#include "digest.h"
#include "executor/spi.h"
#include "funcapi.h"
#include "lib/stringinfo.h"
#include "utils/array.h"
#include "miscadmin.h"
#include "rrset_codec.h"
#include "time_parse.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/hsearch.h"
#include "utils/memutils.h"
#include "utils/timestamp.h"
#include "utils/uuid.h"

PG_FUNCTION_INFO_V1(pdns_batch_rrsets);
PG_FUNCTION_INFO_V1(pdns_batch_observations);
PG_FUNCTION_INFO_V1(pdns_batch_negatives);
PG_FUNCTION_INFO_V1(pdns_batch_clients);
PG_FUNCTION_INFO_V1(pdns_batch_rejects);
PG_FUNCTION_INFO_V1(pdns_batch_periods);
PG_FUNCTION_INFO_V1(pdns_batch_reset);

/* Microseconds between the Unix and PostgreSQL epochs. */
#define UNIX_TO_PG_USEC ((int64) (POSTGRES_EPOCH_JDATE - UNIX_EPOCH_JDATE) * USECS_PER_DAY)

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

typedef struct rrset_entry
{
	rrset_probe probe;			/* hash key */
	uint8		key[DIGEST_LEN];	/* digest of the content below */
	struct varlena *rrname;
	struct varlena *bailiwick;	/* NULL when unknown */
	struct varlena *rdata;
	uint16		rrtype;
	bool		lossy;
	int64		first;
	int64		last;
	int64		count;
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
	const struct varlena *rrname;	/* shared with the RRset or negative entry */
	int64		first;
	int64		last;
	int64		count;
} client_entry;

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
	size_t		rawlen;
	void	   *value;			/* dnsname key bytes or rrset varlena; NULL: bad */
	size_t		valuelen;
	const char *reason;			/* when value is NULL */
} cache_entry;

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
	long		n;
	bool		built;
} period_index;

typedef struct batch_state
{
	MemoryContext cxt;
	HTAB	   *rrsets;
	HTAB	   *obs;
	HTAB	   *negs;
	HTAB	   *clients;
	HTAB	   *names;
	HTAB	   *rdata;
	List	   *rejects;
	period_index obs_by_period;
	period_index negs_by_period;
	period_index clients_by_period;
	long		keys;			/* distinct keys in the four tables */
	SubTransactionId subid;		/* the (sub)transaction the batch belongs to */
	const char *target;
	/* settings, read at the first row of a batch */
	bool		have_settings;
	period_kind period;
	bool		record_clients;
	long		max_keys;
} batch_state;

static batch_state batch;
static HTAB *sensor_ids = NULL; /* name -> id, for the backend's life */
static char last_sensor[NAMEDATALEN * 2];	/* the last name looked up there */
static size_t last_sensor_len = 0;
static int32 last_sensor_id = 0;
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
	if (batch.cxt != NULL)
		MemoryContextDelete(batch.cxt);
	memset(&batch, 0, sizeof(batch));
}

/* Sensors numbered in an aborted transaction are gone: forget them. */
static void
forget_sensor_ids(void)
{
	if (sensor_ids != NULL)
		hash_destroy(sensor_ids);
	sensor_ids = NULL;
}

static void
batch_xact_callback(XactEvent event, void *arg)
{
	switch (event)
	{
		case XACT_EVENT_PRE_COMMIT:
		case XACT_EVENT_PRE_PREPARE:
			/* statement triggers merge every batch; anything left is a bug */
			if (batch.cxt != NULL && (batch.keys > 0 || batch.rejects != NIL))
				elog(ERROR, "pdns ingestion batch was not merged before commit");
			break;
		case XACT_EVENT_ABORT:
		case XACT_EVENT_PARALLEL_ABORT:
			forget_sensor_ids();
			batch_reset();
			break;
		case XACT_EVENT_COMMIT:
		case XACT_EVENT_PARALLEL_COMMIT:
		case XACT_EVENT_PREPARE:
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
		forget_sensor_ids();
		if (batch.cxt != NULL && mySubid <= batch.subid)
			batch_reset();
	}
}

static HTAB *
make_table(const char *name, Size keysize, Size entrysize)
{
	HASHCTL		ctl;

	ctl.keysize = keysize;
	ctl.entrysize = entrysize;
	ctl.hcxt = batch.cxt;
	return hash_create(name, 1024, &ctl, HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
}

static void
load_settings(void)
{
	int64		seconds;
	bool		isnull;

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	/* the interval as seconds: its text form follows the session's IntervalStyle */
	if (SPI_execute("SELECT extract(epoch FROM partition_interval)::bigint, record_clients, batch_keys "
					"FROM pdns.settings", true, 1) != SPI_OK_SELECT || SPI_processed != 1)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("pdns.settings must hold exactly one row")));
	seconds = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
	switch (seconds)
	{
		case 3600:
			batch.period = PERIOD_HOUR;
			break;
		case 86400:
			batch.period = PERIOD_DAY;
			break;
		case 7 * 86400:
			batch.period = PERIOD_WEEK;
			break;
		case 30 * 86400:		/* extract(epoch) counts a month as 30 days */
			batch.period = PERIOD_MONTH;
			break;
		default:
			elog(ERROR, "unsupported partition interval of %lld seconds", (long long) seconds);
	}
	batch.record_clients = DatumGetBool(SPI_getbinval(SPI_tuptable->vals[0],
													  SPI_tuptable->tupdesc, 2, &isnull));
	batch.max_keys = DatumGetInt32(SPI_getbinval(SPI_tuptable->vals[0],
												 SPI_tuptable->tupdesc, 3, &isnull));
	SPI_finish();
	batch.have_settings = true;
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
	}
	batch.cxt = AllocSetContextCreate(TopMemoryContext, "pdns ingest batch",
									  ALLOCSET_DEFAULT_SIZES);
	batch.rrsets = make_table("pdns batch rrsets", sizeof(rrset_probe), sizeof(rrset_entry));
	batch.obs = make_table("pdns batch observations", sizeof(obs_key), sizeof(obs_entry));
	batch.negs = make_table("pdns batch negatives", sizeof(neg_key), sizeof(neg_entry));
	batch.clients = make_table("pdns batch clients", sizeof(client_key), sizeof(client_entry));
	batch.names = make_table("pdns batch name cache", sizeof(cache_key), sizeof(cache_entry));
	batch.rdata = make_table("pdns batch rdata cache", sizeof(cache_key), sizeof(cache_entry));
	load_settings();
}

static void run_merge(void);

void
ingest_begin_row(const char *target)
{
	/* rows from another subtransaction start a batch of their own */
	if (batch.cxt != NULL && batch.subid != GetCurrentSubTransactionId())
	{
		if (batch.keys > 0 || batch.rejects != NIL)
			run_merge();
		batch_reset();
	}
	if (batch.cxt == NULL)
	{
		batch_start();
		batch.subid = GetCurrentSubTransactionId();
	}
	batch.target = target;
}

/* ---- adding ---- */

static struct varlena *
copy_varlena(const void *data, size_t len)
{
	struct varlena *v = MemoryContextAlloc(batch.cxt, VARHDRSZ + len);

	SET_VARSIZE(v, VARHDRSZ + len);
	memcpy(VARDATA(v), data, len);
	return v;
}

static void
name_digest(const uint8 *key, size_t len, uint8 out[DIGEST_LEN])
{
	digest_part part = {key, len};

	if (digest128(&part, 1, out) != 0)
		elog(ERROR, "out of memory computing a digest");
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
	*count += o->count;
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
									 ((uint64) o->rrtype << 2) | (o->lossy << 1) | (o->bailiwick != NULL));
	probe.hash = hash_bytes_extended(rdata, (int) rdata_len, probe.hash);
	if (o->bailiwick)
		probe.hash = hash_bytes_extended(o->bailiwick, (int) o->bailiwick_len, probe.hash);
	for (probe.probe = 0;; probe.probe++)
	{
		r = hash_search(batch.rrsets, &probe, HASH_ENTER, &found);
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
			elog(ERROR, "out of memory computing a digest");
		r->rrname = copy_varlena(o->rrname, o->rrname_len);
		r->bailiwick = o->bailiwick ? copy_varlena(o->bailiwick, o->bailiwick_len) : NULL;
		r->rdata = copy_varlena(rdata, rdata_len);
		r->rrtype = o->rrtype;
		r->lossy = o->lossy;
		r->first = r->last = o->time;
		r->count = 0;
		batch.keys++;
	}
	widen(&r->first, &r->last, &r->count, o);

	memset(&ok, 0, sizeof(ok));
	ok.period = period;
	ok.sensor_id = o->sensor_id;
	memcpy(ok.rrset, r->key, DIGEST_LEN);
	e = hash_search(batch.obs, &ok, HASH_ENTER, &found);
	if (!found)
	{
		e->first = e->last = o->time;
		e->count = 0;
		batch.keys++;
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
	e = hash_search(batch.negs, &nk, HASH_ENTER, &found);
	if (!found)
	{
		e->rrname = copy_varlena(o->rrname, o->rrname_len);
		e->first = e->last = o->time;
		e->count = 0;
		batch.keys++;
	}
	widen(&e->first, &e->last, &e->count, o);
	return e->rrname;
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

	memset(&ck, 0, sizeof(ck));
	ck.period = period;
	ck.sensor_id = o->sensor_id;
	ck.rrtype = o->rrtype;
	memcpy(ck.client, &pseudo.inet_data, sizeof(inet_struct));
	name_digest(o->rrname, o->rrname_len, ck.name);
	e = hash_search(batch.clients, &ck, HASH_ENTER, &found);
	if (!found)
	{
		e->rrname = rrname ? rrname : copy_varlena(o->rrname, o->rrname_len);
		e->first = e->last = o->time;
		e->count = 0;
		batch.keys++;
	}
	widen(&e->first, &e->last, &e->count, o);
}

/*
 * A window (time .. time_last) is counted in the period of its first
 * sighting: its count cannot be split over periods it does not describe.
 */
void
ingest_add(const ingest_obs *o)
{
	int64		period = period_start_usec(o->time, batch.period);
	const struct varlena *rrname = NULL;

	if (o->client_only)
		;
	else if (o->rdata != NULL)
		rrname = add_positive(o, period);
	else
		rrname = add_negative(o, period);
	if (o->client != NULL && batch.record_clients)
		add_client(o, period, rrname);
}

void
ingest_reject(const char *sensor, const uint8 *raw, size_t rawlen, const char *reason)
{
	MemoryContext old = MemoryContextSwitchTo(batch.cxt);
	reject_entry *r = palloc(sizeof(reject_entry));

	r->target = pstrdup(batch.target);
	r->sensor = sensor ? pstrdup(sensor) : NULL;
	r->reason = pstrdup(reason);
	r->raw = (bytea *) copy_varlena(raw, rawlen);
	batch.rejects = lappend(batch.rejects, r);
	MemoryContextSwitchTo(old);
}

/* ---- caches ---- */

static cache_entry *
cache_lookup(HTAB *table, const char *prefix, size_t prefixlen,
			 const char *text, size_t len, bool *found)
{
	cache_key	k;
	cache_entry *e;

	k.hash = hash_bytes_extended((const unsigned char *) text, (int) len,
								 hash_bytes_extended((const unsigned char *) prefix, (int) prefixlen, 0));
	e = hash_search(table, &k, HASH_ENTER, found);
	if (*found)
	{
		/* the text is kept, so a hash collision is caught here */
		if (e->rawlen == prefixlen + len && memcmp(e->raw, prefix, prefixlen) == 0 &&
			memcmp(e->raw + prefixlen, text, len) == 0)
			return e;
		return NULL;
	}
	e->raw = MemoryContextAlloc(batch.cxt, prefixlen + len + 1);
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
	cache_entry *e = cache_lookup(batch.names, "", 0, text, len, &found);
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
		*reason = MemoryContextStrdup(batch.cxt, buf);
		if (e != NULL)
			e->reason = *reason;
		return false;
	}
	if (e == NULL)
	{
		/* a hash collision with another cached text: keep the result here */
		uint8	   *copy = MemoryContextAlloc(batch.cxt, k.len + 1);

		memcpy(copy, k.bytes, k.len);
		*key = copy;
		*keylen = k.len;
		return true;
	}
	e->value = MemoryContextAlloc(batch.cxt, k.len + 1);
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
	cache_entry *e = cache_lookup(batch.rdata, (const char *) &t, sizeof(t), text, len, &found);
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
		*reason = MemoryContextStrdup(batch.cxt, err.reason);
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

		e = cache_lookup(batch.rdata, prefix, sizeof(prefix), key.data, key.len, &found);
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
		*reason = MemoryContextStrdup(batch.cxt, err.reason);
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

int32
ingest_sensor_id(const char *name, size_t len)
{
	typedef struct sensor_entry
	{
		char		name[NAMEDATALEN * 2];
		int32		id;
	} sensor_entry;
	sensor_entry *e;
	char		key[NAMEDATALEN * 2];
	bool		found;

	if (len >= sizeof(key))
		len = sizeof(key) - 1;
	/* lines from one sensor come in runs: remember the last one */
	if (sensor_ids != NULL && last_sensor_len == len && memcmp(last_sensor, name, len) == 0)
		return last_sensor_id;
	if (sensor_ids == NULL)
	{
		HASHCTL		ctl;

		ctl.keysize = sizeof(key);
		ctl.entrysize = sizeof(sensor_entry);
		sensor_ids = hash_create("pdns sensor ids", 64, &ctl, HASH_ELEM | HASH_STRINGS);
	}
	memset(key, 0, sizeof(key));
	memcpy(key, name, len);
	e = hash_search(sensor_ids, key, HASH_FIND, &found);
	if (found)
	{
		memcpy(last_sensor, name, len);
		last_sensor_len = len;
		last_sensor_id = e->id;
		return e->id;
	}

	{
		Oid			argtypes[1] = {TEXTOID};
		Datum		args[1] = {PointerGetDatum(cstring_to_text_with_len(key, (int) len))};
		bool		isnull;
		int32		id;

		if (SPI_connect() != SPI_OK_CONNECT)
			elog(ERROR, "SPI_connect failed");
		if (SPI_execute_with_args("SELECT pdns._sensor_id($1)", 1, argtypes, args, NULL,
								  false, 1) != SPI_OK_SELECT || SPI_processed != 1)
			elog(ERROR, "pdns._sensor_id failed");
		id = DatumGetInt32(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
		SPI_finish();

		/* (an abort forgets every id: the new row may go with it) */
		e = hash_search(sensor_ids, key, HASH_ENTER, &found);
		e->id = id;
		return id;
	}
}

/* ---- merging ---- */

static void
run_merge(void)
{
	elog(DEBUG1, "pdns: merging a batch of %ld keys held in %zu bytes",
		 batch.keys, MemoryContextMemAllocated(batch.cxt, true));
	pdns_spi_run_keeping_search_path("SELECT pdns._merge_batch()");
}

void
ingest_merge_if_full(void)
{
	if (batch.cxt != NULL && batch.keys >= batch.max_keys)
		run_merge();
}

void
ingest_merge(void)
{
	if (batch.cxt != NULL && (batch.keys > 0 || batch.rejects != NIL))
		run_merge();
}

/* ---- reading back (called by pdns._merge_batch()) ---- */

static Datum
time_datum(int64 usec)
{
	return TimestampTzGetDatum(usec - UNIX_TO_PG_USEC);
}

static Datum
uuid_datum(const uint8 *digest)
{
	pg_uuid_t  *u = palloc(sizeof(pg_uuid_t));

	memcpy(u->data, digest, UUID_LEN);
	return UUIDPGetDatum(u);
}

static void
put_row(ReturnSetInfo *rsinfo, Datum *values, bool *nulls)
{
	tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
}

/* Every entry of the three per-period tables starts with its period. */
StaticAssertDecl(offsetof(obs_entry, key.period) == 0 && offsetof(neg_entry, key.period) == 0 &&
				 offsetof(client_entry, key.period) == 0, "period first");

static inline int64
entry_period(const void *entry)
{
	return *(const int64 *) entry;
}

static int
entry_period_cmp(const void *a, const void *b)
{
	int64		x = entry_period(*(void *const *) a);
	int64		y = entry_period(*(void *const *) b);

	return x < y ? -1 : x > y;
}

/*
 * The first of table's entries in period order whose period is period, or
 * ix->n if there is none; builds the index on first use.
 */
static long
period_index_first(period_index *ix, HTAB *table, int64 period)
{
	long		lo = 0,
				hi;

	if (!ix->built)
	{
		HASH_SEQ_STATUS seq;
		void	   *e;

		ix->n = 0;
		ix->entries = MemoryContextAlloc(batch.cxt, (hash_get_num_entries(table) + 1) * sizeof(void *));
		hash_seq_init(&seq, table);
		while ((e = hash_seq_search(&seq)) != NULL)
			ix->entries[ix->n++] = e;
		qsort(ix->entries, ix->n, sizeof(void *), entry_period_cmp);
		ix->built = true;
	}
	hi = ix->n;
	while (lo < hi)
	{
		long		mid = lo + (hi - lo) / 2;

		if (entry_period(ix->entries[mid]) < period)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/*
 * Calls emit for each entry of table, or with for_period not NULL, for
 * those of that period only.
 */
static void
for_each_entry(FunctionCallInfo fcinfo, HTAB *table, period_index *ix,
			   void (*emit) (ReturnSetInfo *rsinfo, void *entry))
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;

	InitMaterializedSRF(fcinfo, 0);
	if (table == NULL)
		return;
	if (PG_ARGISNULL(0))
	{
		HASH_SEQ_STATUS seq;
		void	   *e;

		hash_seq_init(&seq, table);
		while ((e = hash_seq_search(&seq)) != NULL)
			emit(rsinfo, e);
	}
	else
	{
		int64		period = PG_GETARG_TIMESTAMPTZ(0) + UNIX_TO_PG_USEC;

		for (long i = period_index_first(ix, table, period);
			 i < ix->n && entry_period(ix->entries[i]) == period; i++)
			emit(rsinfo, ix->entries[i]);
	}
}

Datum
pdns_batch_rrsets(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	HASH_SEQ_STATUS seq;
	rrset_entry *r;

	InitMaterializedSRF(fcinfo, 0);
	if (batch.rrsets == NULL)
		return (Datum) 0;
	hash_seq_init(&seq, batch.rrsets);
	while ((r = hash_seq_search(&seq)) != NULL)
	{
		Datum		values[9];
		bool		nulls[9] = {false};

		values[0] = uuid_datum(r->key);
		values[1] = PointerGetDatum(r->rrname);
		values[2] = UInt16GetDatum(r->rrtype);
		values[3] = PointerGetDatum(r->bailiwick);
		nulls[3] = r->bailiwick == NULL;
		values[4] = PointerGetDatum(r->rdata);
		values[5] = time_datum(r->first);
		values[6] = time_datum(r->last);
		values[7] = Int64GetDatum(r->count);
		values[8] = BoolGetDatum(r->lossy);
		put_row(rsinfo, values, nulls);
	}
	return (Datum) 0;
}

static void
emit_observations(ReturnSetInfo *rsinfo, void *entry)
{
	obs_entry *e = entry;
	Datum		values[6];
	bool		nulls[6] = {false};

	values[0] = time_datum(e->key.period);
	values[1] = uuid_datum(e->key.rrset);
	values[2] = Int32GetDatum(e->key.sensor_id);
	values[3] = time_datum(e->first);
	values[4] = time_datum(e->last);
	values[5] = Int64GetDatum(e->count);
	put_row(rsinfo, values, nulls);
}

Datum
pdns_batch_observations(PG_FUNCTION_ARGS)
{
	for_each_entry(fcinfo, batch.obs, &batch.obs_by_period, emit_observations);
	return (Datum) 0;
}

static void
emit_negatives(ReturnSetInfo *rsinfo, void *entry)
{
	neg_entry *e = entry;
	Datum		values[8];
	bool		nulls[8] = {false};

	values[0] = time_datum(e->key.period);
	values[1] = PointerGetDatum(e->rrname);
	values[2] = UInt16GetDatum(e->key.rrtype);
	values[3] = Int16GetDatum((int16) e->key.rcode);
	values[4] = Int32GetDatum(e->key.sensor_id);
	values[5] = time_datum(e->first);
	values[6] = time_datum(e->last);
	values[7] = Int64GetDatum(e->count);
	put_row(rsinfo, values, nulls);
}

Datum
pdns_batch_negatives(PG_FUNCTION_ARGS)
{
	for_each_entry(fcinfo, batch.negs, &batch.negs_by_period, emit_negatives);
	return (Datum) 0;
}

static void
emit_clients(ReturnSetInfo *rsinfo, void *entry)
{
	client_entry *e = entry;
	inet		client = {0};	/* put_row copies it into the tuple */
	Datum		values[8];
	bool		nulls[8] = {false};

	memcpy(&client.inet_data, e->key.client, sizeof(inet_struct));
	SET_INET_VARSIZE(&client);
	values[0] = time_datum(e->key.period);
	values[1] = InetPGetDatum(&client);
	values[2] = PointerGetDatum(e->rrname);
	values[3] = UInt16GetDatum(e->key.rrtype);
	values[4] = Int32GetDatum(e->key.sensor_id);
	values[5] = time_datum(e->first);
	values[6] = time_datum(e->last);
	values[7] = Int64GetDatum(e->count);
	put_row(rsinfo, values, nulls);
}

Datum
pdns_batch_clients(PG_FUNCTION_ARGS)
{
	for_each_entry(fcinfo, batch.clients, &batch.clients_by_period, emit_clients);
	return (Datum) 0;
}

Datum
pdns_batch_rejects(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	ListCell   *lc;

	InitMaterializedSRF(fcinfo, 0);
	foreach(lc, batch.rejects)
	{
		reject_entry *r = lfirst(lc);
		Datum		values[4];
		bool		nulls[4] = {false};

		values[0] = CStringGetTextDatum(r->target);
		values[1] = r->sensor ? CStringGetTextDatum(r->sensor) : (Datum) 0;
		nulls[1] = r->sensor == NULL;
		values[2] = CStringGetTextDatum(r->reason);
		values[3] = PointerGetDatum(r->raw);
		put_row(rsinfo, values, nulls);
	}
	return (Datum) 0;
}

static void
note_period(HTAB *seen, int64 period)
{
	bool		found;

	hash_search(seen, &period, HASH_ENTER, &found);
}

static int
int64_cmp(const void *a, const void *b)
{
	int64		x = *(const int64 *) a;
	int64		y = *(const int64 *) b;

	return x < y ? -1 : x > y;
}

/*
 * Every period the batch touches, in order: pdns._merge_batch() merges
 * each into its own partitions, one after the other.
 */
Datum
pdns_batch_periods(PG_FUNCTION_ARGS)
{
	HASHCTL		ctl;
	HTAB	   *periods;
	HASH_SEQ_STATUS seq;
	void	   *e;
	int64	   *p;
	int64	   *sorted;
	Datum	   *values;
	int			n = 0;

	if (batch.cxt == NULL)
		PG_RETURN_ARRAYTYPE_P(construct_empty_array(TIMESTAMPTZOID));
	ctl.keysize = sizeof(int64);
	ctl.entrysize = sizeof(int64);
	ctl.hcxt = CurrentMemoryContext;
	periods = hash_create("pdns batch periods", 64, &ctl, HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);

	hash_seq_init(&seq, batch.obs);
	while ((e = hash_seq_search(&seq)) != NULL)
		note_period(periods, ((obs_entry *) e)->key.period);
	hash_seq_init(&seq, batch.negs);
	while ((e = hash_seq_search(&seq)) != NULL)
		note_period(periods, ((neg_entry *) e)->key.period);
	hash_seq_init(&seq, batch.clients);
	while ((e = hash_seq_search(&seq)) != NULL)
		note_period(periods, ((client_entry *) e)->key.period);

	sorted = palloc((hash_get_num_entries(periods) + 1) * sizeof(int64));
	hash_seq_init(&seq, periods);
	while ((p = hash_seq_search(&seq)) != NULL)
		sorted[n++] = *p;
	qsort(sorted, n, sizeof(int64), int64_cmp);
	values = palloc((n + 1) * sizeof(Datum));
	for (int i = 0; i < n; i++)
		values[i] = time_datum(sorted[i]);
	PG_RETURN_ARRAYTYPE_P(construct_array(values, n, TIMESTAMPTZOID, sizeof(TimestampTz),
										  FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
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
