/*
 * compaction.c
 *		Compaction of runs into the store: the background workers (when pdns
 *		is in shared_preload_libraries), CALL pdns.compact(), and the choice
 *		an ingesting statement makes between leaving its run to them and
 *		compacting it itself.  What a compaction does is SQL
 *		(pdns._compact_step() in src/sql/86_compaction.sql): a step claims
 *		committed runs, merges them and retires them in one transaction.
 *		The first worker also runs the store's maintenance (partitions made
 *		ahead, the retention: pdns._run_maintenance()) every
 *		pdns.maintenance_interval.
 */
#include "compaction.h"

#include "access/xact.h"
#include "catalog/pg_type_d.h"
#include "commands/dbcommands.h"
#include "commands/extension.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "nodes/parsenodes.h"
#include "pgstat.h"
#include "postmaster/bgworker.h"
#include "postmaster/interrupt.h"
#include "storage/ipc.h"
#include "storage/latch.h"
#include "tcop/tcopprot.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/memutils.h"
#include "utils/snapmgr.h"
#include "utils/timestamp.h"

PG_FUNCTION_INFO_V1(pdns_compact);
PGDLLEXPORT void pdns_compaction_main(Datum arg);

typedef enum compaction_mode
{
	COMPACTION_AUTO,
	COMPACTION_BACKGROUND,
	COMPACTION_INLINE
} compaction_mode;

static const struct config_enum_entry compaction_options[] = {
	{"auto", COMPACTION_AUTO, false},
	{"background", COMPACTION_BACKGROUND, false},
	{"inline", COMPACTION_INLINE, false},
	{NULL, 0, false}
};

static int	mode = COMPACTION_AUTO;
static int	workers = 1;
static int	naptime_ms = 1000;
static int	step_rows = 2000000;
static int	maintenance_s = 3600;
static char *database = NULL;
static bool preloaded = false;

bool
compaction_in_background(void)
{
	switch ((compaction_mode) mode)
	{
		case COMPACTION_BACKGROUND:
			return true;
		case COMPACTION_INLINE:
			return false;
		case COMPACTION_AUTO:
			break;
	}
	if (!preloaded || workers == 0 || database == NULL)
		return false;
	return strcmp(get_database_name(MyDatabaseId), database) == 0;
}

/* One step: the pending rows it merged (0: nothing was waiting). */
static int64
compact_step(int64 max_rows)
{
	static const Oid types[1] = {INT8OID};
	Datum		args[1] = {Int64GetDatum(max_rows)};

	return DatumGetInt64(pdns_call_internal("_compact_step", 1, types, args, NULL));
}

/*
 * CALL pdns.compact(max_rows): steps until nothing committed is waiting,
 * each committed on its own when the call allows it (a CALL outside a
 * transaction block); all in the caller's transaction otherwise.
 */
Datum
pdns_compact(PG_FUNCTION_ARGS)
{
	int64		max_rows = PG_ARGISNULL(0) ? step_rows : PG_GETARG_INT64(0);
	bool		nonatomic = fcinfo->context != NULL && IsA(fcinfo->context, CallContext) &&
		!castNode(CallContext, fcinfo->context)->atomic;

	if (max_rows < 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("max_rows must be positive")));
	if (SPI_connect_ext(nonatomic ? SPI_OPT_NONATOMIC : 0) != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	for (;;)
	{
		bool		pushed = false;
		int64		merged;

		if (!ActiveSnapshotSet())
		{
			PushActiveSnapshot(GetTransactionSnapshot());
			pushed = true;
		}
		merged = compact_step(max_rows);
		if (pushed)
			PopActiveSnapshot();
		if (merged == 0)
			break;
		if (nonatomic)
			SPI_commit();
		CHECK_FOR_INTERRUPTS();
	}
	SPI_finish();
	PG_RETURN_VOID();
}

/* Is this database's pdns one that has runs (its SQL may be older)? */
static bool
store_has_runs(void)
{
	static const Oid types[1] = {INT8OID};

	return OidIsValid(get_extension_oid("pdns", true)) &&
		pdns_internal_exists("_compact_step", 1, types);
}

/*
 * The store's maintenance, in a transaction of its own.  A failure is
 * logged and tried again at the next interval; it does not stop the
 * worker's compaction.
 */
static void
run_maintenance(void)
{
	MemoryContext cxt = CurrentMemoryContext;

	SetCurrentStatementStartTimestamp();
	StartTransactionCommand();
	PG_TRY();
	{
		if (SPI_connect() != SPI_OK_CONNECT)
			elog(ERROR, "SPI_connect failed");
		PushActiveSnapshot(GetTransactionSnapshot());
		pgstat_report_activity(STATE_RUNNING, "pdns._run_maintenance()");
		if (OidIsValid(get_extension_oid("pdns", true)) &&
			pdns_internal_exists("_run_maintenance", 0, NULL))
			(void) pdns_call_internal("_run_maintenance", 0, NULL, NULL, NULL);
		PopActiveSnapshot();
		SPI_finish();
		CommitTransactionCommand();
	}
	PG_CATCH();
	{
		ErrorData  *e;

		MemoryContextSwitchTo(cxt);
		e = CopyErrorData();
		FlushErrorState();
		AbortCurrentTransaction();
		ereport(LOG,
				(errmsg("pdns maintenance failed: %s", e->message),
				 e->detail ? errdetail_internal("%s", e->detail) : 0,
				 errhint("It runs again in pdns.maintenance_interval.")));
		FreeErrorData(e);
	}
	PG_END_TRY();
	pgstat_report_stat(true);
	pgstat_report_activity(STATE_IDLE, NULL);
}

void
pdns_compaction_main(Datum arg)
{
	bool		maintains = DatumGetInt32(arg) == 0;
	TimestampTz last_maintenance = 0;

	pqsignal(SIGHUP, SignalHandlerForConfigReload);
	pqsignal(SIGTERM, die);
	BackgroundWorkerUnblockSignals();
	BackgroundWorkerInitializeConnection(database, NULL, 0);
	pgstat_report_appname("pdns compaction");

	for (;;)
	{
		int64		merged = 0;
		long		nap = naptime_ms;

		CHECK_FOR_INTERRUPTS();
		if (ConfigReloadPending)
		{
			ConfigReloadPending = false;
			ProcessConfigFile(PGC_SIGHUP);
		}
		if (maintains && maintenance_s > 0)
		{
			TimestampTz due = TimestampTzPlusMilliseconds(last_maintenance,
														  (int64) maintenance_s * 1000);

			if (GetCurrentTimestamp() >= due)
			{
				last_maintenance = GetCurrentTimestamp();
				run_maintenance();
				due = TimestampTzPlusMilliseconds(last_maintenance, (int64) maintenance_s * 1000);
			}
			nap = Min(nap, Max(TimestampDifferenceMilliseconds(GetCurrentTimestamp(), due), 1));
		}
		SetCurrentStatementStartTimestamp();
		StartTransactionCommand();
		if (SPI_connect() != SPI_OK_CONNECT)
			elog(ERROR, "SPI_connect failed");
		PushActiveSnapshot(GetTransactionSnapshot());
		pgstat_report_activity(STATE_RUNNING, "pdns._compact_step()");
		if (store_has_runs())
			merged = compact_step(step_rows);
		PopActiveSnapshot();
		SPI_finish();
		CommitTransactionCommand();
		pgstat_report_stat(true);
		pgstat_report_activity(STATE_IDLE, NULL);

		/* more may be waiting: nap only once there was nothing */
		if (merged > 0)
			continue;
		(void) WaitLatch(MyLatch, WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH,
						 nap, PG_WAIT_EXTENSION);
		ResetLatch(MyLatch);
	}
}

static void
register_workers(void)
{
	for (int i = 0; i < workers; i++)
	{
		BackgroundWorker worker;

		memset(&worker, 0, sizeof(worker));
		worker.bgw_flags = BGWORKER_SHMEM_ACCESS | BGWORKER_BACKEND_DATABASE_CONNECTION;
		worker.bgw_start_time = BgWorkerStart_RecoveryFinished;
		/* a worker that failed (say, a deadlock) starts again after this */
		worker.bgw_restart_time = 5;
		snprintf(worker.bgw_library_name, BGW_MAXLEN, "pdns");
		snprintf(worker.bgw_function_name, BGW_MAXLEN, "pdns_compaction_main");
		snprintf(worker.bgw_name, BGW_MAXLEN, "pdns compaction worker %d", i + 1);
		snprintf(worker.bgw_type, BGW_MAXLEN, "pdns compaction");
		worker.bgw_main_arg = Int32GetDatum(i);
		RegisterBackgroundWorker(&worker);
	}
}

void
compaction_define_settings(void)
{
	DefineCustomEnumVariable("pdns.compaction",
							 "Who merges an ingesting statement's run into the store.",
							 "auto: the background workers when they serve this database, else the "
							 "statement itself; background: always the workers (or CALL pdns.compact()); "
							 "inline: the statement itself, before it ends.",
							 &mode, COMPACTION_AUTO, compaction_options, PGC_USERSET, 0,
							 NULL, NULL, NULL);
	DefineCustomIntVariable("pdns.compaction_naptime",
							"How long a compaction worker sleeps when no run is waiting.",
							NULL, &naptime_ms, 1000, 10, 3600 * 1000, PGC_SIGHUP, GUC_UNIT_MS,
							NULL, NULL, NULL);
	DefineCustomIntVariable("pdns.compaction_step_rows",
							"Pending rows one compaction transaction merges at most (about).",
							NULL, &step_rows, 2000000, 1000, INT_MAX, PGC_SIGHUP, 0,
							NULL, NULL, NULL);
	DefineCustomIntVariable("pdns.maintenance_interval",
							"How often the first compaction worker runs the store's maintenance "
							"(partitions made ahead, the retention); 0: never.",
							NULL, &maintenance_s, 3600, 0, 7 * 24 * 3600, PGC_SIGHUP, GUC_UNIT_S,
							NULL, NULL, NULL);
	/* (settings only the postmaster reads exist only when it loads pdns) */
	if (process_shared_preload_libraries_in_progress)
	{
		DefineCustomIntVariable("pdns.compaction_workers",
								"Background workers compacting runs.",
								NULL, &workers, 1, 0, 16, PGC_POSTMASTER, 0, NULL, NULL, NULL);
		DefineCustomStringVariable("pdns.compaction_database",
								   "The database whose runs the compaction workers merge.",
								   NULL, &database, "postgres", PGC_POSTMASTER, 0,
								   NULL, NULL, NULL);
		preloaded = true;
		register_workers();
	}
}
