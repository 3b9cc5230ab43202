/*
 * ingest_zeek.c
 *		The Zeek target: dns.log lines (TSV with its header, or JSON) through
 *		the core parser (src/core/log_zeek.c).
 *
 * The header lines of a TSV log set the separator, markers and fields the
 * data lines after them are read with.  That state belongs to one
 * statement loading one target: it is kept per target in this backend,
 * and forgotten when the statement ends (the statement trigger) or its
 * transaction aborts, so every COPY starts from Zeek's defaults and must
 * begin with the log's header lines -- as every dns.log file does.
 */
#include "ingest.h"

#include "access/xact.h"
#include "log_zeek.h"

#define ZEEK_TARGETS 8

typedef struct zeek_target
{
	Oid			target;
	zeek_state	state;
} zeek_target;

static zeek_target targets[ZEEK_TARGETS];
static int	ntargets = 0;

static void
forget_all(XactEvent event, void *arg)
{
	if (event == XACT_EVENT_ABORT || event == XACT_EVENT_PARALLEL_ABORT)
		ntargets = 0;
}

/* The header state of a target, made on first use. */
static zeek_state *
state_of(Oid target)
{
	static bool callback = false;
	int			i;

	if (!callback)
	{
		RegisterXactCallback(forget_all, NULL);
		callback = true;
	}
	for (i = 0; i < ntargets; i++)
		if (targets[i].target == target)
			return &targets[i].state;
	if (ntargets == ZEEK_TARGETS)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("more than %d Zeek targets loaded at once in one session", ZEEK_TARGETS)));
	targets[ntargets].target = target;
	zeek_state_init(&targets[ntargets].state);
	return &targets[ntargets++].state;
}

void
ingest_zeek_line(Oid target, const char *line, size_t len)
{
	log_out    *out = ingest_log_scratch();
	log_error	err;

	if (!zeek_parse_line(state_of(target), ingest_json_scratch(), line, len, out, &err))
		ingest_log_reject(line, len, err.reason);
	else
		ingest_log_records(out, line, len);
}

void
ingest_zeek_statement_end(Oid target)
{
	int			i;

	for (i = 0; i < ntargets; i++)
		if (targets[i].target == target)
		{
			targets[i] = targets[--ntargets];
			return;
		}
}
