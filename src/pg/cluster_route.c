/*
 * cluster_route.c
 *		Ingestion through a pdns_cluster coordinator (docs/scale-out.md).
 *
 * The row trigger of pdns_cluster.ingest_text (one column, a native line)
 * and pdns_cluster.native_in (the twelve columns of the native layout)
 * sorts each row to the shard of its owner's registered domain
 * (cluster_routing.c) and keeps it in that shard's batch; a batch goes to
 * its shard when it holds pdns.cluster_batch_size, and every batch when the
 * statement ends (the statement trigger), as one INSERT ... SELECT FROM
 * unnest(...) into the shard's foreign table of the target
 * (pdns_cluster.<target>_<shard name>, postgres_fdw), within this
 * transaction.  A row whose owner is not a name goes to shard 0, which
 * rejects it with its reason.  A row that names no sensor gets this
 * session's pdns.sensor: the shards' sessions have none.
 */
#include "pdns.h"

#include "access/htup_details.h"
#include "access/xact.h"
#include "catalog/pg_type.h"
#include "commands/trigger.h"
#include "executor/spi.h"
#include "ingest.h"
#include "lib/stringinfo.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/memutils.h"
#include "utils/rel.h"

PG_FUNCTION_INFO_V1(pdns_cluster_route_row);
PG_FUNCTION_INFO_V1(pdns_cluster_route_send);

#define ROUTE_SLOTS 1024
#define ROUTE_COLUMNS_MAX 12

/* A shard's batch is sent when it holds this many kilobytes. */
static int	route_batch_kb = 8192;

void
cluster_define_settings(void)
{
	DefineCustomIntVariable("pdns.cluster_batch_size",
							"Kilobytes of lines a pdns_cluster coordinator keeps for a shard before it sends them.",
							NULL, &route_batch_kb, 8192, 64, 1048576, PGC_USERSET, GUC_UNIT_KB,
							NULL, NULL, NULL);
}

typedef struct shard_batch
{
	char	   *name;
	MemoryContext cxt;			/* the batch's rows; reset when sent */
	ArrayBuildState *columns[ROUTE_COLUMNS_MAX];
	Size		bytes;
} shard_batch;

/* The batches of the statement under way (cxt NULL: none). */
static struct
{
	MemoryContext cxt;
	Oid			target;
	int			ncolumns;		/* 1 (ingest_text) or 12 (native_in) */
	int			nshards;
	int			slot_shard[ROUTE_SLOTS];
	shard_batch *shards;
	const char *sensor;			/* pdns.sensor, or NULL */
} route;

static void
route_forget(void)
{
	memset(&route, 0, sizeof(route));
}

/* The batches live in the transaction's memory, and end with it. */
static void
route_xact_callback(XactEvent event, void *arg)
{
	route_forget();
}

static void
route_subxact_callback(SubXactEvent event, SubTransactionId mySubid,
					   SubTransactionId parentSubid, void *arg)
{
	if (event == SUBXACT_EVENT_ABORT_SUB)
		route_forget();
}

/* The shards and the slot map, read once per statement. */
static void
route_begin(Relation target)
{
	static bool callbacks = false;
	int			ret;

	if (!callbacks)
	{
		RegisterXactCallback(route_xact_callback, NULL);
		RegisterSubXactCallback(route_subxact_callback, NULL);
		callbacks = true;
	}
	route_forget();
	route.cxt = AllocSetContextCreate(TopTransactionContext, "pdns_cluster routing",
									  ALLOCSET_DEFAULT_SIZES);
	route.target = RelationGetRelid(target);
	route.ncolumns = RelationGetDescr(target)->natts;
	if (route.ncolumns != 1 && route.ncolumns != ROUTE_COLUMNS_MAX)
		elog(ERROR, "pdns_cluster routes rows of 1 or %d columns", ROUTE_COLUMNS_MAX);
	{
		const char *sensor = ingest_default_sensor();

		route.sensor = (sensor && sensor[0]) ? MemoryContextStrdup(route.cxt, sensor) : NULL;
	}

	/*
	 * A slot move (pdns_cluster.move_slots()) holds this lock's opposite
	 * while it moves rows: routing waits for it, then reads the new map, and
	 * the move waits for the statements that routed by the old one.  (A
	 * snapshot taken before the move would read the old map after it.)
	 */
	if (IsolationUsesXactSnapshot())
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("lines are routed to the shards at READ COMMITTED only"),
				 errdetail("The slot map must be read after any slot move that commits first.")));
	SPI_connect();
	SPI_execute("LOCK TABLE pdns_cluster.state IN ROW EXCLUSIVE MODE", false, 0);
	/* (not read-only: each query takes a snapshot of its own, after the lock) */
	ret = SPI_execute("SELECT name FROM pdns_cluster.shards ORDER BY id", false, 0);
	if (ret != SPI_OK_SELECT || SPI_processed == 0)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("the cluster has no shard"),
				 errhint("Add shards with pdns_cluster.add_shard().")));
	route.nshards = (int) SPI_processed;
	route.shards = MemoryContextAllocZero(route.cxt, route.nshards * sizeof(shard_batch));
	for (int i = 0; i < route.nshards; i++)
	{
		shard_batch *b = &route.shards[i];

		b->name = MemoryContextStrdup(route.cxt,
									  SPI_getvalue(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 1));
		b->cxt = AllocSetContextCreate(route.cxt, "pdns_cluster shard batch", ALLOCSET_DEFAULT_SIZES);
	}
	/* (a slot without a row stays on shard 0: route_forget() zeroed the map) */
	ret = SPI_execute("SELECT slot, shard_id FROM pdns_cluster.slots", false, 0);
	for (uint64 r = 0; ret == SPI_OK_SELECT && r < SPI_processed; r++)
	{
		bool		isnull;
		int			slot = DatumGetInt32(SPI_getbinval(SPI_tuptable->vals[r], SPI_tuptable->tupdesc, 1, &isnull));
		int			shard = DatumGetInt32(SPI_getbinval(SPI_tuptable->vals[r], SPI_tuptable->tupdesc, 2, &isnull));

		if (slot >= 0 && slot < ROUTE_SLOTS && shard >= 0 && shard < route.nshards)
			route.slot_shard[slot] = shard;
	}
	SPI_finish();
}

/* Send a shard its batch: one INSERT into its foreign table of the target. */
static void
route_send(int shard)
{
	shard_batch *b = &route.shards[shard];
	StringInfoData sql;
	Oid			types[ROUTE_COLUMNS_MAX];
	Datum		values[ROUTE_COLUMNS_MAX];
	char		nulls[ROUTE_COLUMNS_MAX];
	const char *target = route.ncolumns == 1 ? "ingest_text" : "native_in";
	int			ret;

	if (b->columns[0] == NULL)
		return;
	initStringInfo(&sql);
	appendStringInfo(&sql, "INSERT INTO pdns_cluster.%s SELECT * FROM unnest(",
					 quote_identifier(psprintf("%s_%s", target, b->name)));
	for (int c = 0; c < route.ncolumns; c++)
	{
		appendStringInfo(&sql, "%s$%d", c ? ", " : "", c + 1);
		types[c] = TEXTARRAYOID;
		values[c] = makeArrayResult(b->columns[c], CurrentMemoryContext);
		nulls[c] = ' ';
	}
	appendStringInfoChar(&sql, ')');

	SPI_connect();
	ret = SPI_execute_with_args(sql.data, route.ncolumns, types, values, nulls, false, 0);
	if (ret != SPI_OK_INSERT)
		elog(ERROR, "pdns_cluster: sending shard \"%s\" its lines failed: %s", b->name,
			 SPI_result_code_string(ret));
	SPI_finish();

	MemoryContextReset(b->cxt);
	memset(b->columns, 0, sizeof(b->columns));
	b->bytes = 0;
}

/* The owner of a native line: its fifth tab-separated field, unescaped. */
static int
line_slot(const char *line, size_t len)
{
	size_t		start = 0,
				end;
	int			field = 1;
	char	   *name;
	size_t		n = 0;

	while (field < 5 && start < len)
	{
		const char *tab = memchr(line + start, '\t', len - start);

		if (tab == NULL)
			return -1;
		start = tab - line + 1;
		field++;
	}
	if (field < 5)
		return -1;
	end = start;
	while (end < len && line[end] != '\t')
		end++;
	/* COPY's text escapes: a backslash is written twice */
	name = palloc(end - start + 1);
	for (size_t i = start; i < end; i++)
	{
		name[n++] = line[i];
		if (line[i] == '\\' && i + 1 < end && line[i + 1] == '\\')
			i++;
	}
	return cluster_slot_of(name, n);
}

/* The line with the session's sensor written in, when it names none. */
static text *
line_with_sensor(text *line)
{
	const char *data = VARDATA_ANY(line);
	size_t		len = VARSIZE_ANY_EXHDR(line);
	const char *tab = memchr(data, '\t', len);
	StringInfoData out;

	if (route.sensor == NULL || tab == NULL || (size_t) (tab - data) + 1 >= len ||
		tab[1] != '\t')
		return line;
	initStringInfo(&out);
	appendBinaryStringInfo(&out, data, tab - data + 1);
	for (const char *s = route.sensor; *s; s++)
	{
		if (*s == '\\')
			appendStringInfoChar(&out, '\\');
		appendStringInfoChar(&out, *s);
	}
	appendBinaryStringInfo(&out, tab + 1, len - (tab - data) - 1);
	return cstring_to_text_with_len(out.data, out.len);
}

Datum
pdns_cluster_route_row(PG_FUNCTION_ARGS)
{
	TriggerData *td = (TriggerData *) fcinfo->context;
	TupleDesc	desc;
	Datum		values[ROUTE_COLUMNS_MAX];
	bool		isnull[ROUTE_COLUMNS_MAX];
	int			slot;
	shard_batch *b;
	MemoryContext old;

	if (!CALLED_AS_TRIGGER(fcinfo) || !TRIGGER_FIRED_BY_INSERT(td->tg_event) ||
		!TRIGGER_FIRED_INSTEAD(td->tg_event) || !TRIGGER_FIRED_FOR_ROW(td->tg_event))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("pdns_cluster._route_row() must be fired INSTEAD OF INSERT ... FOR EACH ROW")));
	if (route.cxt == NULL || route.target != RelationGetRelid(td->tg_relation))
		route_begin(td->tg_relation);
	desc = RelationGetDescr(td->tg_relation);
	heap_deform_tuple(td->tg_trigtuple, desc, values, isnull);

	if (route.ncolumns == 1)
	{
		text	   *line;

		if (isnull[0] || VARSIZE_ANY_EXHDR(DatumGetTextPP(values[0])) == 0)
			return PointerGetDatum(NULL);	/* an empty line: nothing was observed */
		line = DatumGetTextPP(values[0]);
		slot = line_slot(VARDATA_ANY(line), VARSIZE_ANY_EXHDR(line));
		values[0] = PointerGetDatum(line_with_sensor(line));
	}
	else
	{
		text	   *rrname = isnull[4] ? NULL : DatumGetTextPP(values[4]);

		slot = rrname ? cluster_slot_of(VARDATA_ANY(rrname), VARSIZE_ANY_EXHDR(rrname)) : -1;
		if (route.sensor && (isnull[1] || VARSIZE_ANY_EXHDR(DatumGetTextPP(values[1])) == 0))
		{
			values[1] = CStringGetTextDatum(route.sensor);
			isnull[1] = false;
		}
	}

	b = &route.shards[slot < 0 ? 0 : route.slot_shard[slot]];
	old = MemoryContextSwitchTo(b->cxt);
	for (int c = 0; c < route.ncolumns; c++)
	{
		if (b->columns[c] == NULL)
			b->columns[c] = initArrayResult(TEXTOID, b->cxt, false);
		accumArrayResult(b->columns[c], values[c], isnull[c], TEXTOID, b->cxt);
		if (!isnull[c])
			b->bytes += VARSIZE_ANY(DatumGetPointer(values[c]));
	}
	MemoryContextSwitchTo(old);
	if (b->bytes >= (Size) route_batch_kb * 1024)
		route_send(b - route.shards);
	/* the row is in its shard's batch; it is not stored here */
	return PointerGetDatum(NULL);
}

Datum
pdns_cluster_route_send(PG_FUNCTION_ARGS)
{
	TriggerData *td = (TriggerData *) fcinfo->context;

	if (!CALLED_AS_TRIGGER(fcinfo) || !TRIGGER_FIRED_FOR_STATEMENT(td->tg_event))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("pdns_cluster._route_send() must be fired AFTER INSERT ... FOR EACH STATEMENT")));
	if (route.cxt == NULL || route.target != RelationGetRelid(td->tg_relation))
		return PointerGetDatum(NULL);	/* no row */
	for (int i = 0; i < route.nshards; i++)
		route_send(i);
	SPI_connect();
	/*
	 * The row is made by the first routing (pdns_cluster 0.5: so that a
	 * restored dump brings it); an older install has it with NULL.
	 * (Neither statement locks the row once it is set.)
	 */
	SPI_execute("INSERT INTO pdns_cluster.state (first_routed) SELECT now() "
				"WHERE NOT EXISTS (SELECT FROM pdns_cluster.state) ON CONFLICT DO NOTHING; "
				"UPDATE pdns_cluster.state SET first_routed = now() WHERE first_routed IS NULL", false, 0);
	SPI_finish();
	MemoryContextDelete(route.cxt);
	route_forget();
	return PointerGetDatum(NULL);
}
