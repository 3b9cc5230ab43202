/*
 * store_aggregates.c
 *		The transition functions of the merge's aggregates
 *		(src/sql/86_compaction.sql): counts that saturate, and any value of
 *		a group whose values are all alike.
 */
#include "pdns.h"

#include "common/int.h"
#include "ingest.h"

PG_FUNCTION_INFO_V1(pdns_count_add);
PG_FUNCTION_INFO_V1(pdns_keep_first);

/* a + b, at most pdns.count_ceiling(): stored counts never wrap */
Datum
pdns_count_add(PG_FUNCTION_ARGS)
{
	int64		a = PG_GETARG_INT64(0);
	int64		b = PG_GETARG_INT64(1);
	int64		sum;

	if (pg_add_s64_overflow(a, b, &sum) || sum > INGEST_COUNT_CEILING)
		sum = INGEST_COUNT_CEILING;
	PG_RETURN_INT64(sum);
}

/*
 * The state it has: with a strict transition function and no initial
 * value, the aggregate's state is the group's first non-null value.
 */
Datum
pdns_keep_first(PG_FUNCTION_ARGS)
{
	PG_RETURN_DATUM(PG_GETARG_DATUM(0));
}
