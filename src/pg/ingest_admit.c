/*
 * ingest_admit.c
 *		What the store takes: an observation's count and times within the
 *		documented bounds, a sender allowed to name its sensor, and no more
 *		periods in one transaction than settings.max_periods.  Whatever is
 *		outside goes to the rejects with the reason.
 *
 * The bounds keep one line from poisoning the store: a count near 2^63
 * would make every later sum for its RRset overflow, and a time far in
 * the future would move time_last for good and make partitions nobody
 * asked for; a COPY spanning thousands of periods would make as many
 * partitions in one transaction and run out of lock space.
 */
#include "ingest_batch.h"

#include "access/xact.h"
#include "time_parse.h"
#include "utils/hsearch.h"
#include "utils/memutils.h"
#include "utils/timestamp.h"

/* The periods this transaction has written to, and their number. */
static HTAB *periods = NULL;

/* The last of them: lines come in time order, mostly (no probe then). */
static int64 last_period;
static bool have_last_period = false;

void
ingest_admit_forget(void)
{
	/* (the table lives in TopTransactionContext, which goes at the end) */
	periods = NULL;
	have_last_period = false;
}

static bool
known_period(int64 period)
{
	if (periods == NULL)
		return false;
	if (have_last_period && period == last_period)
		return true;
	return hash_search(periods, &period, HASH_FIND, NULL) != NULL;
}

void
ingest_admit_period(int64 period)
{
	if (have_last_period && period == last_period)
		return;
	if (periods == NULL)
	{
		HASHCTL		ctl;

		ctl.keysize = sizeof(int64);
		ctl.entrysize = sizeof(int64);
		ctl.hcxt = TopTransactionContext;
		periods = hash_create("pdns periods of the transaction", 64, &ctl,
							  HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
	}
	(void) hash_search(periods, &period, HASH_ENTER, NULL);
	last_period = period;
	have_last_period = true;
}

static const char *
time_text(int64 usec)
{
	return timestamptz_to_str(usec - UNIX_TO_PG_USEC);
}

bool
ingest_admit(const ingest_obs *o, char *why, size_t whylen)
{
	int64		last = o->time_last > o->time ? o->time_last : o->time;
	int64		period;

	if (o->sensor_id == INGEST_SENSOR_REFUSED)
	{
		strlcpy(why, ingest_sensor_refusal(), whylen);
		return false;
	}
	if (o->count < 1 || o->count > INGEST_LINE_COUNT_MAX)
	{
		snprintf(why, whylen, "count " INT64_FORMAT " is out of range (1 to " INT64_FORMAT " a line)",
				 o->count, (int64) INGEST_LINE_COUNT_MAX);
		return false;
	}
	if (last > pdns_batch.latest_time)
	{
		snprintf(why, whylen, "time %s is later than now plus settings.future_skew (%s)",
				 time_text(last), time_text(pdns_batch.latest_time));
		return false;
	}
	if (o->time < pdns_batch.earliest_time)
	{
		snprintf(why, whylen, "time %s is before the retention horizon (%s; settings.retention, settings.max_age)",
				 time_text(o->time), time_text(pdns_batch.earliest_time));
		return false;
	}
	period = period_start_usec(o->time, pdns_batch.period);
	if (!known_period(period) && periods != NULL &&
		hash_get_num_entries(periods) >= pdns_batch.max_periods)
	{
		snprintf(why, whylen, "the transaction already writes to %ld periods (settings.max_periods); "
				 "load the lines of other periods in another transaction",
				 (long) hash_get_num_entries(periods));
		return false;
	}
	return true;
}
