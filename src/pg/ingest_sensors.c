/*
 * ingest_sensors.c
 *		Which sensor a line comes from, and whether its sender may say so.
 *
 * A sensor name may be bound to roles (pdns.bind_sensor()): lines for it
 * are then taken only from members of those roles.  A name is looked up
 * once per transaction (bindings change between transactions).  A sensor
 * new to the store gets its row only when one of its lines lands: until the
 * merge it has a provisional number in the batch (negative), which the
 * merge turns into the real one -- a rejected line makes no sensor.
 */
#include "ingest_batch.h"

#include "access/xact.h"
#include "catalog/pg_type_d.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/hsearch.h"
#include "utils/memutils.h"

#define SENSOR_KEY_LEN (NAMEDATALEN * 2)

typedef struct sensor_entry
{
	char		name[SENSOR_KEY_LEN];
	int32		verdict;		/* see pdns._sensor_admission() */
} sensor_entry;

typedef struct provisional_entry
{
	char		name[SENSOR_KEY_LEN];
	int32		number;			/* 1-based index into the batch's list */
} provisional_entry;

/* name -> verdict, for the current transaction */
static HTAB *verdicts = NULL;
static MemoryContext verdicts_cxt = NULL;
static char refusal[SENSOR_KEY_LEN + 128];

/*
 * Lines of one sensor come in runs: the raw name of the last sensor that
 * had a number, and that number, answer the next line without escaping
 * the name or probing the table.
 */
static char last_raw[SENSOR_KEY_LEN];
static size_t last_raw_len = 0;
static int32 last_id = 0;

void
ingest_sensors_forget(void)
{
	if (verdicts_cxt != NULL)
		MemoryContextDelete(verdicts_cxt);
	verdicts_cxt = NULL;
	verdicts = NULL;
	last_id = 0;
}

static int32
admission(const char *name)
{
	Oid			argtypes[2] = {TEXTOID, NAMEOID};
	Datum		args[2];
	Name		sender = palloc0(NAMEDATALEN);

	namestrcpy(sender, GetUserNameFromId(GetUserId(), false));
	args[0] = PointerGetDatum(cstring_to_text(name));
	args[1] = NameGetDatum(sender);
	/* before 0.6 (no bindings): every name is taken, and numbered at once */
	if (!pdns_internal_exists("_sensor_admission", 2, argtypes))
		return DatumGetInt32(pdns_call_internal("_sensor_id", 1, argtypes, args, NULL));
	return DatumGetInt32(pdns_call_internal("_sensor_admission", 2, argtypes, args, NULL));
}

/* The provisional number of a name new to the store, in this batch. */
static int32
provisional(const char *name)
{
	provisional_entry *e;
	bool		found;

	if (pdns_batch.provisional == NULL)
	{
		HASHCTL		ctl;

		ctl.keysize = SENSOR_KEY_LEN;
		ctl.entrysize = sizeof(provisional_entry);
		ctl.hcxt = pdns_batch.cxt;
		pdns_batch.provisional = hash_create("pdns provisional sensors", 16, &ctl,
											 HASH_ELEM | HASH_STRINGS | HASH_CONTEXT);
	}
	e = hash_search(pdns_batch.provisional, name, HASH_ENTER, &found);
	if (!found)
	{
		MemoryContext old = MemoryContextSwitchTo(pdns_batch.cxt);

		pdns_batch.new_sensors = lappend(pdns_batch.new_sensors, pstrdup(name));
		pdns_batch.new_sensor_ids = lappend_int(pdns_batch.new_sensor_ids, 0);
		MemoryContextSwitchTo(old);
		e->number = list_length(pdns_batch.new_sensors);
	}
	return -e->number;
}

int32
ingest_sensor_id(const char *raw, size_t len)
{
	char		name[SENSOR_KEY_LEN];
	char	   *escaped;
	sensor_entry *e;
	bool		found;

	if (last_id > 0 && len == last_raw_len && memcmp(raw, last_raw, len) == 0)
		return last_id;
	/* the name as valid text (\xHH for other octets), cut to fit */
	memset(name, 0, sizeof(name));
	escaped = ingest_escape_text(raw, len, SENSOR_KEY_LEN - 1);
	strlcpy(name, escaped, sizeof(name));
	pfree(escaped);
	if (verdicts == NULL)
	{
		HASHCTL		ctl;

		verdicts_cxt = AllocSetContextCreate(TopTransactionContext, "pdns sensor verdicts",
											 ALLOCSET_SMALL_SIZES);
		ctl.keysize = SENSOR_KEY_LEN;
		ctl.entrysize = sizeof(sensor_entry);
		ctl.hcxt = verdicts_cxt;
		verdicts = hash_create("pdns sensor verdicts", 16, &ctl,
							   HASH_ELEM | HASH_STRINGS | HASH_CONTEXT);
	}
	e = hash_search(verdicts, name, HASH_ENTER, &found);
	if (!found)
		e->verdict = admission(name);
	if (e->verdict > 0)
	{
		if (len < sizeof(last_raw))
		{
			memcpy(last_raw, raw, len);
			last_raw_len = len;
			last_id = e->verdict;
		}
		return e->verdict;
	}
	if (e->verdict == 0)
		return provisional(name);
	snprintf(refusal, sizeof(refusal),
			 e->verdict == -1 ? "sensor \"%s\" is bound to roles this login is not a member of"
			 : "sensor \"%s\" is bound to no role, and the store takes bound sensors only",
			 name);
	return INGEST_SENSOR_REFUSED;
}

const char *
ingest_sensor_refusal(void)
{
	return refusal;
}

/* A line of this sensor is in the batch: a new sensor needs its row. */
void
ingest_sensor_landed(int32 id)
{
	if (id < 0 && id != INGEST_SENSOR_REFUSED)
	{
		ListCell   *c = list_nth_cell(pdns_batch.new_sensor_ids, -id - 1);

		if (lfirst_int(c) == 0)
			lfirst_int(c) = -1; /* landed, to be numbered */
	}
}

/* Before the merge: give the new sensors whose lines landed their rows. */
void
ingest_sensors_number(void)
{
	ListCell   *n,
			   *i;

	forboth(n, pdns_batch.new_sensors, i, pdns_batch.new_sensor_ids)
	{
		if (lfirst_int(i) == -1)
		{
			Oid			argtypes[1] = {TEXTOID};
			Datum		args[1] = {PointerGetDatum(cstring_to_text(lfirst(n)))};

			lfirst_int(i) = DatumGetInt32(pdns_call_internal("_sensor_id", 1, argtypes, args, NULL));
		}
	}
}

/* The real number of a sensor of the batch (after ingest_sensors_number). */
int32
ingest_sensor_number(int32 id)
{
	if (id >= 0)
		return id;
	return list_nth_int(pdns_batch.new_sensor_ids, -id - 1);
}
