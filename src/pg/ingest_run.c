/*
 * ingest_run.c
 *		The foreground of the write path: the batch of an ingesting
 *		statement written as one run.  Its delta rows are appended in bulk
 *		(table_multi_insert, as COPY does) to the pending tables, which have
 *		no index to maintain, each row stamped with the run's number; the
 *		run is listed in pdns.runs, and compaction merges it into the tiers
 *		(src/sql/86_compaction.sql, compaction.c).  Concurrent sensors append
 *		side by side: nothing here locks more than the pending tables'
 *		ROW EXCLUSIVE.
 */
#include "ingest_batch.h"
#include "compaction.h"

#include "access/heapam.h"
#include "access/tableam.h"
#include "access/xact.h"
#include "catalog/namespace.h"
#include "catalog/pg_type_d.h"
#include "commands/sequence.h"
#include "executor/tuptable.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"

/* Rows handed to table_multi_insert at a time (COPY buffers 1 000 too). */
#define RUN_BUFFER_ROWS 1000

typedef struct run_table
{
	Relation	rel;
	AttrNumber	run_attnum;		/* where the table has run_id */
	int			ncolumns;		/* the batch's columns of the tier ... */
	AttrNumber	attnum[BATCH_MAX_COLUMNS];	/* ... where the table has them */
	BulkInsertState bistate;
	TupleTableSlot *slots[RUN_BUFFER_ROWS];
	int			buffered;
	int64		rows;
	int64		run_id;
	MemoryContext values_cxt;	/* what the buffered rows' values point to */
} run_table;

static Oid
store_relation(const char *name)
{
	Oid			relid = get_relname_relid(name, get_namespace_oid("pdns", false));

	if (!OidIsValid(relid))
		elog(ERROR, "pdns: table pdns.%s is missing", name);
	return relid;
}

/* Where a pending table has a column, by name; an error when it has none. */
static AttrNumber
column_attnum(Relation rel, const char *table, const char *column)
{
	TupleDesc	desc = RelationGetDescr(rel);

	for (int a = 0; a < desc->natts; a++)
		if (!TupleDescAttr(desc, a)->attisdropped &&
			strcmp(NameStr(TupleDescAttr(desc, a)->attname), column) == 0)
			return a + 1;
	ereport(ERROR,
			(errcode(ERRCODE_UNDEFINED_COLUMN),
			 errmsg("pdns.%s has no column \"%s\"", table, column),
			 errhint("The extension's SQL and its library differ: ALTER EXTENSION pdns UPDATE.")));
	return InvalidAttrNumber;
}

/*
 * Open a pending table for the batch's rows of its tier, whose columns the
 * batch names (batch_columns, ingest_readback.c): run_id and each of them
 * is found in the table by name, and the table may have no other column.
 * A store whose tables differ from what this library writes is an error,
 * not rows in the wrong columns.
 */
static void
run_table_open(run_table *t, const char *name, int64 run_id, const char *const *columns,
			   int ncolumns)
{
	TupleDesc	desc;
	int			live = 0;

	memset(t, 0, sizeof(*t));
	t->rel = table_open(store_relation(name), RowExclusiveLock);
	desc = RelationGetDescr(t->rel);
	Assert(ncolumns <= BATCH_MAX_COLUMNS);
	t->run_attnum = column_attnum(t->rel, name, "run_id");
	t->ncolumns = ncolumns;
	for (int i = 0; i < ncolumns; i++)
		t->attnum[i] = column_attnum(t->rel, name, columns[i]);
	for (int a = 0; a < desc->natts; a++)
		live += !TupleDescAttr(desc, a)->attisdropped;
	if (live != ncolumns + 1)
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("pdns.%s has %d columns besides run_id; this library writes %d",
						name, live - 1, ncolumns),
				 errhint("The extension's SQL and its library differ: ALTER EXTENSION pdns UPDATE.")));
	t->bistate = GetBulkInsertState();
	t->run_id = run_id;
	t->values_cxt = AllocSetContextCreate(CurrentMemoryContext, "pdns run rows",
										  ALLOCSET_DEFAULT_SIZES);
}

static void
run_table_flush(run_table *t)
{
	MemoryContext old;

	if (t->buffered == 0)
		return;
	/* (heap_multi_insert leaves its prepared tuples, toasted ones too, here) */
	old = MemoryContextSwitchTo(t->values_cxt);
	table_multi_insert(t->rel, t->slots, t->buffered, GetCurrentCommandId(true), 0, t->bistate);
	MemoryContextSwitchTo(old);
	for (int i = 0; i < t->buffered; i++)
		ExecClearTuple(t->slots[i]);
	t->rows += t->buffered;
	t->buffered = 0;
	MemoryContextReset(t->values_cxt);
}

/*
 * Add a row: the run's number, and the batch's values of the tier's
 * columns (in values_cxt), each where the table has it.
 */
static void
run_table_add(run_table *t, const Datum *values, const bool *nulls)
{
	TupleTableSlot *slot;

	if (t->slots[t->buffered] == NULL)
	{
		slot = table_slot_create(t->rel, NULL);
		/* (every live column is set below; a dropped one stays null) */
		memset(slot->tts_isnull, true, slot->tts_tupleDescriptor->natts * sizeof(bool));
		t->slots[t->buffered] = slot;
	}
	slot = t->slots[t->buffered];
	ExecClearTuple(slot);
	slot->tts_values[t->run_attnum - 1] = Int64GetDatum(t->run_id);
	slot->tts_isnull[t->run_attnum - 1] = false;
	for (int i = 0; i < t->ncolumns; i++)
	{
		slot->tts_values[t->attnum[i] - 1] = values[i];
		slot->tts_isnull[t->attnum[i] - 1] = nulls[i];
	}
	ExecStoreVirtualTuple(slot);
	if (++t->buffered == RUN_BUFFER_ROWS)
		run_table_flush(t);
}

static int64
run_table_close(run_table *t)
{
	run_table_flush(t);
	for (int i = 0; i < RUN_BUFFER_ROWS && t->slots[i] != NULL; i++)
		ExecDropSingleTupleTableSlot(t->slots[i]);
	table_finish_bulk_insert(t->rel, 0);
	FreeBulkInsertState(t->bistate);
	MemoryContextDelete(t->values_cxt);
	table_close(t->rel, NoLock);	/* locked to the end of the transaction */
	return t->rows;
}

/* Each table of the batch into its pending table. */
#define WRITE_TABLE(fn, prefix, entry_type, table, pending, fill, columns) \
static int64 \
fn(int64 run_id) \
{ \
	run_table	t; \
	prefix##_iterator it; \
	entry_type *e; \
	Datum		values[lengthof(columns)]; \
	bool		nulls[lengthof(columns)]; \
\
	run_table_open(&t, pending, run_id, columns, lengthof(columns)); \
	if (pdns_batch.table != NULL) \
	{ \
		prefix##_start_iterate(pdns_batch.table, &it); \
		while ((e = prefix##_iterate(pdns_batch.table, &it)) != NULL) \
		{ \
			MemoryContext old = MemoryContextSwitchTo(t.values_cxt); \
\
			memset(nulls, 0, sizeof(nulls)); \
			fill(e, values, nulls); \
			MemoryContextSwitchTo(old); \
			run_table_add(&t, values, nulls); \
		} \
	} \
	return run_table_close(&t); \
}
WRITE_TABLE(write_rrsets, pdns_rrset_table, rrset_entry, rrsets, "pending_rrsets",
			batch_rrset_values, batch_rrset_columns)
WRITE_TABLE(write_observations, pdns_obs_table, obs_entry, obs, "pending_observations",
			batch_observation_values, batch_observation_columns)
WRITE_TABLE(write_negatives, pdns_neg_table, neg_entry, negs, "pending_negatives",
			batch_negative_values, batch_negative_columns)
WRITE_TABLE(write_clients, pdns_client_table, client_entry, clients, "pending_clients",
			batch_client_values, batch_client_columns)
WRITE_TABLE(write_counts, pdns_count_table, count_entry, counts, "pending_client_counts",
			batch_count_values, batch_count_columns)
#undef WRITE_TABLE

bool
ingest_write_run(void)
{
	static const Oid register_types[7] = {INT8OID, TEXTOID, INT8OID, INT8OID, INT8OID, INT8OID, INT8OID};
	Datum		args[7];
	int64		run_id;
	int64		rows;

	if (!pdns_internal_exists("_run_register", 7, register_types))
		return false;

	run_id = nextval_internal(store_relation("run_ids"), false);
	args[0] = Int64GetDatum(run_id);
	args[1] = CStringGetTextDatum(pdns_batch.target ? pdns_batch.target : "");
	args[2] = Int64GetDatum(pdns_batch.lines);
	args[3] = Int64GetDatum(write_rrsets(run_id));
	args[4] = Int64GetDatum(write_observations(run_id));
	args[5] = Int64GetDatum(write_negatives(run_id));
	args[6] = Int64GetDatum(write_clients(run_id) + write_counts(run_id));
	rows = DatumGetInt64(args[3]) + DatumGetInt64(args[4]) + DatumGetInt64(args[5]) +
		DatumGetInt64(args[6]);
	CommandCounterIncrement();	/* the rows, for what runs next */
	(void) pdns_call_internal("_run_register", 7, register_types, args, NULL);

	if (rows > 0 && !compaction_in_background())
	{
		static const Oid compact_types[1] = {INT8OID};

		(void) pdns_call_internal("_compact_inline", 1, compact_types, args, NULL);
	}
	return true;
}
