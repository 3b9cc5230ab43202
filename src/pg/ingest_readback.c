/*
 * ingest_readback.c
 *		The set-returning functions pdns._merge_batch() reads the batch back
 *		with: its RRsets, and the per-period tables one period at a time, in
 *		the order the partitions are merged.
 */
#include "ingest_batch.h"

#include "catalog/pg_type_d.h"
#include "funcapi.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/inet.h"
#include "utils/memutils.h"
#include "utils/timestamp.h"
#include "utils/uuid.h"

PG_FUNCTION_INFO_V1(pdns_batch_rrsets);
PG_FUNCTION_INFO_V1(pdns_batch_observations);
PG_FUNCTION_INFO_V1(pdns_batch_negatives);
PG_FUNCTION_INFO_V1(pdns_batch_clients);
PG_FUNCTION_INFO_V1(pdns_batch_rejects);
PG_FUNCTION_INFO_V1(pdns_batch_periods);

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
 * The entries of one per-period table, as pointers into it (the batch is
 * not added to while it is read back).
 */
#define COLLECTOR(name, prefix, entry_type, table) \
static uint32 \
name(void ***entries) \
{ \
	prefix##_iterator it; \
	entry_type *e; \
	uint32		n = 0; \
\
	*entries = MemoryContextAllocHuge(pdns_batch.cxt, (pdns_batch.table->members + 1) * sizeof(void *)); \
	prefix##_start_iterate(pdns_batch.table, &it); \
	while ((e = prefix##_iterate(pdns_batch.table, &it)) != NULL) \
		(*entries)[n++] = e; \
	return n; \
}
COLLECTOR(collect_observations, pdns_obs_table, obs_entry, obs)
COLLECTOR(collect_negatives, pdns_neg_table, neg_entry, negs)
COLLECTOR(collect_clients, pdns_client_table, client_entry, clients)
#undef COLLECTOR

typedef uint32 (*entry_collector) (void ***entries);

/* The entries of a table in period order, made on first use. */
static void
period_index_build(period_index *ix, entry_collector collect)
{
	if (ix->built)
		return;
	ix->n = collect(&ix->entries);
	qsort(ix->entries, ix->n, sizeof(void *), entry_period_cmp);
	ix->built = true;
}

/* The first entry of the index whose period is period, or ix->n. */
static uint32
period_index_first(const period_index *ix, int64 period)
{
	uint32		lo = 0,
				hi = ix->n;

	while (lo < hi)
	{
		uint32		mid = lo + (hi - lo) / 2;

		if (entry_period(ix->entries[mid]) < period)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/*
 * Calls emit for each entry of a per-period table or, when the argument is
 * not NULL, for those of that period only.
 */
static void
for_each_entry(FunctionCallInfo fcinfo, period_index *ix, entry_collector collect,
			   void (*emit) (ReturnSetInfo *rsinfo, void *entry))
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	bool		all = PG_ARGISNULL(0);
	int64		period = all ? 0 : PG_GETARG_TIMESTAMPTZ(0) + UNIX_TO_PG_USEC;

	InitMaterializedSRF(fcinfo, 0);
	if (pdns_batch.cxt == NULL)
		return;
	period_index_build(ix, collect);
	for (uint32 i = all ? 0 : period_index_first(ix, period);
		 i < ix->n && (all || entry_period(ix->entries[i]) == period); i++)
		emit(rsinfo, ix->entries[i]);
}

/*
 * The columns of one row of each table, as the tiers (and pending tables)
 * name them, and their values.
 */
const char *const batch_rrset_columns[BATCH_RRSET_COLUMNS] = {
	"key", "rrname", "rrtype", "bailiwick", "rdata", "time_first", "time_last", "count", "lossy"
};

void
batch_rrset_values(const rrset_entry *r, Datum *values, bool *nulls)
{
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
}

const char *const batch_observation_columns[BATCH_OBSERVATION_COLUMNS] = {
	"period", "rrset_key", "sensor_id", "time_first", "time_last", "count"
};

void
batch_observation_values(const obs_entry *e, Datum *values, bool *nulls)
{
	values[0] = time_datum(e->key.period);
	values[1] = uuid_datum(e->key.rrset);
	values[2] = Int32GetDatum(ingest_sensor_number(e->key.sensor_id));
	values[3] = time_datum(e->first);
	values[4] = time_datum(e->last);
	values[5] = Int64GetDatum(e->count);
}

const char *const batch_negative_columns[BATCH_NEGATIVE_COLUMNS] = {
	"period", "rrname", "rrtype", "rcode", "sensor_id", "time_first", "time_last", "count"
};

void
batch_negative_values(const neg_entry *e, Datum *values, bool *nulls)
{
	values[0] = time_datum(e->key.period);
	values[1] = PointerGetDatum(e->rrname);
	values[2] = UInt16GetDatum(e->key.rrtype);
	values[3] = Int16GetDatum((int16) e->key.rcode);
	values[4] = Int32GetDatum(ingest_sensor_number(e->key.sensor_id));
	values[5] = time_datum(e->first);
	values[6] = time_datum(e->last);
	values[7] = Int64GetDatum(e->count);
}

const char *const batch_client_columns[BATCH_CLIENT_COLUMNS] = {
	"period", "client", "rrname", "rrtype", "sensor_id", "time_first", "time_last", "count"
};

void
batch_client_values(const client_entry *e, Datum *values, bool *nulls)
{
	inet	   *client = palloc0(sizeof(inet));

	memcpy(&client->inet_data, e->key.client, sizeof(inet_struct));
	SET_INET_VARSIZE(client);
	values[0] = time_datum(e->key.period);
	values[1] = InetPGetDatum(client);
	values[2] = PointerGetDatum(e->rrname);
	values[3] = UInt16GetDatum(e->key.rrtype);
	values[4] = Int32GetDatum(ingest_sensor_number(e->key.sensor_id));
	values[5] = time_datum(e->first);
	values[6] = time_datum(e->last);
	values[7] = Int64GetDatum(e->count);
}

/* (clients: the sketch in the storage format of the hll type) */
const char *const batch_count_columns[BATCH_COUNT_COLUMNS] = {
	"period", "rrname", "rrtype", "sensor_id", "clients", "time_first", "time_last", "count"
};

void
batch_count_values(const count_entry *e, Datum *values, bool *nulls)
{
	bytea	   *sketch = palloc(VARHDRSZ + HLL_MAX_BYTES);

	SET_VARSIZE(sketch, VARHDRSZ + hll_sketch_serialize(&e->sketch, (uint8 *) VARDATA(sketch)));
	values[0] = time_datum(e->key.period);
	values[1] = PointerGetDatum(e->rrname);
	values[2] = UInt16GetDatum(e->key.rrtype);
	values[3] = Int32GetDatum(ingest_sensor_number(e->key.sensor_id));
	values[4] = PointerGetDatum(sketch);
	values[5] = time_datum(e->first);
	values[6] = time_datum(e->last);
	values[7] = Int64GetDatum(e->count);
}

Datum
pdns_batch_rrsets(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	pdns_rrset_table_iterator it;
	rrset_entry *r;

	InitMaterializedSRF(fcinfo, 0);
	if (pdns_batch.rrsets == NULL)
		return (Datum) 0;
	pdns_rrset_table_start_iterate(pdns_batch.rrsets, &it);
	while ((r = pdns_rrset_table_iterate(pdns_batch.rrsets, &it)) != NULL)
	{
		Datum		values[BATCH_RRSET_COLUMNS];
		bool		nulls[BATCH_RRSET_COLUMNS] = {false};

		batch_rrset_values(r, values, nulls);
		put_row(rsinfo, values, nulls);
	}
	return (Datum) 0;
}

static void
emit_observations(ReturnSetInfo *rsinfo, void *entry)
{
	Datum		values[BATCH_OBSERVATION_COLUMNS];
	bool		nulls[BATCH_OBSERVATION_COLUMNS] = {false};

	batch_observation_values((const obs_entry *) entry, values, nulls);
	put_row(rsinfo, values, nulls);
}

Datum
pdns_batch_observations(PG_FUNCTION_ARGS)
{
	for_each_entry(fcinfo, &pdns_batch.obs_by_period, collect_observations, emit_observations);
	return (Datum) 0;
}

static void
emit_negatives(ReturnSetInfo *rsinfo, void *entry)
{
	Datum		values[BATCH_NEGATIVE_COLUMNS];
	bool		nulls[BATCH_NEGATIVE_COLUMNS] = {false};

	batch_negative_values((const neg_entry *) entry, values, nulls);
	put_row(rsinfo, values, nulls);
}

Datum
pdns_batch_negatives(PG_FUNCTION_ARGS)
{
	for_each_entry(fcinfo, &pdns_batch.negs_by_period, collect_negatives, emit_negatives);
	return (Datum) 0;
}

static void
emit_clients(ReturnSetInfo *rsinfo, void *entry)
{
	Datum		values[BATCH_CLIENT_COLUMNS];
	bool		nulls[BATCH_CLIENT_COLUMNS] = {false};

	batch_client_values((const client_entry *) entry, values, nulls);
	put_row(rsinfo, values, nulls);
}

Datum
pdns_batch_clients(PG_FUNCTION_ARGS)
{
	for_each_entry(fcinfo, &pdns_batch.clients_by_period, collect_clients, emit_clients);
	return (Datum) 0;
}

Datum
pdns_batch_rejects(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	ListCell   *lc;

	InitMaterializedSRF(fcinfo, 0);
	foreach(lc, pdns_batch.rejects)
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

static int
int64_cmp(const void *a, const void *b)
{
	int64		x = *(const int64 *) a;
	int64		y = *(const int64 *) b;

	return x < y ? -1 : x > y;
}

/*
 * Every period the batch touches, in order: pdns._merge_batch() merges
 * each into its own partitions, one after the other.  (It reads the
 * tables by period next, from the same indexes.)
 */
Datum
pdns_batch_periods(PG_FUNCTION_ARGS)
{
	period_index *indexes[3] = {&pdns_batch.obs_by_period, &pdns_batch.negs_by_period, &pdns_batch.clients_by_period};
	entry_collector collectors[3] = {collect_observations, collect_negatives, collect_clients};
	int64	   *periods = NULL;
	Datum	   *values;
	int			n = 0,
				distinct = 0;
	uint64		room = 0;

	if (pdns_batch.cxt == NULL)
		PG_RETURN_ARRAYTYPE_P(construct_empty_array(TIMESTAMPTZOID));
	for (int t = 0; t < 3; t++)
	{
		period_index_build(indexes[t], collectors[t]);
		room += indexes[t]->n;
	}
	periods = palloc_extended((room + 1) * sizeof(int64), MCXT_ALLOC_HUGE);
	for (int t = 0; t < 3; t++)
		for (uint32 i = 0; i < indexes[t]->n; i++)
		{
			int64		p = entry_period(indexes[t]->entries[i]);

			/* each index is in period order: keep the first of each run */
			if (i == 0 || p != entry_period(indexes[t]->entries[i - 1]))
				periods[n++] = p;
		}
	qsort(periods, n, sizeof(int64), int64_cmp);
	values = palloc((n + 1) * sizeof(Datum));
	for (int i = 0; i < n; i++)
		if (i == 0 || periods[i] != periods[i - 1])
			values[distinct++] = time_datum(periods[i]);
	PG_RETURN_ARRAYTYPE_P(construct_array(values, distinct, TIMESTAMPTZOID, sizeof(TimestampTz),
										  FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
}
