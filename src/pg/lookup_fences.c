/*
 * lookup_fences.c
 *		DNSDB's time fences: fence(text) reads one, _window_fences() turns a
 *		lookup's fence and window arguments into its four fences.  In C
 *		because every lookup reads six of them, mostly NULL: as PL/pgSQL
 *		they cost about 45 microseconds a lookup, more than the rows.
 */
#include "lookup.h"

#include "access/htup_details.h"
#include "access/xact.h"
#include "funcapi.h"
#include "utils/builtins.h"
#include "utils/datetime.h"
#include "utils/timestamp.h"

PG_FUNCTION_INFO_V1(pdns_fence);
PG_FUNCTION_INFO_V1(pdns_window_fences);

/* The kinds of fence text (see fence_kind). */
typedef enum fence_kind
{
	FENCE_NONE,					/* NULL or blank: no fence */
	FENCE_SECONDS_AGO,			/* "-3600": seconds before now */
	FENCE_EPOCH,				/* "1600000000.5": Unix epoch seconds */
	FENCE_INTERVAL_AGO,			/* "-7 days", "7 days ago", "-P7D", "P1D" */
	FENCE_TIMESTAMP				/* anything else: a timestamp */
} fence_kind;

/* s..end is digits, optionally a point and more digits: \d+(\.\d+)? */
static bool
is_decimal(const char *s, const char *end)
{
	const char *p = s;

	while (p < end && isdigit((unsigned char) *p))
		p++;
	if (p == s)
		return false;
	if (p == end)
		return true;
	if (*p++ != '.' || p == end)
		return false;
	while (p < end && isdigit((unsigned char) *p))
		p++;
	return p == end;
}

/* What a fence text is; *start..*end is the text without blanks around it. */
static fence_kind
classify_fence(const char *s, size_t len, const char **start, const char **end)
{
	const char *b = s;
	const char *e = s + len;

	lookup_trim(&b, &e);
	*start = b;
	*end = e;
	if (b == e)
		return FENCE_NONE;
	if (*b == '-' && is_decimal(b + 1, e))
		return FENCE_SECONDS_AGO;
	if (is_decimal(b, e))
		return FENCE_EPOCH;
	if (*b == '-' || *b == 'P' || *b == 'p' ||
		(e - b >= 3 && pg_strncasecmp(e - 3, "ago", 3) == 0))
		return FENCE_INTERVAL_AGO;
	return FENCE_TIMESTAMP;
}

static Datum
now_plus(Datum interval)
{
	return DirectFunctionCall2(timestamptz_pl_interval,
							   TimestampTzGetDatum(GetCurrentTransactionStartTimestamp()),
							   interval);
}

/*
 * An interval before now.  PostgreSQL reads "-7 days" and "P-7D" but not
 * "-P7D" (ISO 8601's sign in front), which is read here as P7D negated.
 */
static Datum
interval_ago(const char *body)
{
	if (body[0] == '-' && (body[1] == 'P' || body[1] == 'p'))
		return DirectFunctionCall1(interval_um,
								   DirectFunctionCall3(interval_in, CStringGetDatum(body + 1),
													   ObjectIdGetDatum(InvalidOid),
													   Int32GetDatum(-1)));
	return DirectFunctionCall3(interval_in, CStringGetDatum(body),
							   ObjectIdGetDatum(InvalidOid), Int32GetDatum(-1));
}

static Datum
fence_value(fence_kind kind, const char *body)
{
	switch (kind)
	{
		case FENCE_SECONDS_AGO:
			return now_plus(DirectFunctionCall7(make_interval,
												Int32GetDatum(0), Int32GetDatum(0),
												Int32GetDatum(0), Int32GetDatum(0),
												Int32GetDatum(0), Int32GetDatum(0),
												Float8GetDatum(strtod(body, NULL))));
		case FENCE_EPOCH:
			return DirectFunctionCall1(float8_timestamptz, Float8GetDatum(strtod(body, NULL)));
		case FENCE_INTERVAL_AGO:
			return now_plus(interval_ago(body));
		default:
			return DirectFunctionCall3(timestamptz_in, CStringGetDatum(body),
									   ObjectIdGetDatum(InvalidOid), Int32GetDatum(-1));
	}
}

/*
 * The time of a fence text (blanks around it taken off), or an error.  A
 * text that is no time is an invalid parameter, whatever the datetime input
 * routine called it.
 */
static TimestampTz
convert_fence(fence_kind kind, const char *body, text *value)
{
	MemoryContext context = CurrentMemoryContext;
	TimestampTz result = 0;

	PG_TRY();
	{
		result = DatumGetTimestampTz(fence_value(kind, body));
	}
	PG_CATCH();
	{
		ErrorData  *error;

		MemoryContextSwitchTo(context);
		error = CopyErrorData();
		if (error->sqlerrcode != ERRCODE_INVALID_DATETIME_FORMAT &&
			error->sqlerrcode != ERRCODE_DATETIME_FIELD_OVERFLOW &&
			error->sqlerrcode != ERRCODE_INVALID_TEXT_REPRESENTATION)
			PG_RE_THROW();
		/* replaced by the error below, which ends the transaction alike */
		FlushErrorState();
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid time fence: \"%s\"", text_to_cstring(value)),
				 errdetail("A fence is a timestamp, epoch seconds, negative seconds, "
						   "or an interval before now such as '-7 days'.")));
	}
	PG_END_TRY();
	return result;
}

/* A fence from its text; false for none (NULL or blank). */
static bool
read_fence(text *value, TimestampTz *result)
{
	const char *start;
	const char *end;
	fence_kind	kind = classify_fence(VARDATA_ANY(value), VARSIZE_ANY_EXHDR(value), &start, &end);

	if (kind == FENCE_NONE)
		return false;
	*result = convert_fence(kind, pnstrdup(start, end - start), value);
	return true;
}

/* fence(value text) RETURNS timestamptz */
Datum
pdns_fence(PG_FUNCTION_ARGS)
{
	TimestampTz result;

	if (PG_ARGISNULL(0) || !read_fence(PG_GETARG_TEXT_PP(0), &result))
		PG_RETURN_NULL();
	PG_RETURN_TIMESTAMPTZ(result);
}

/* A fence argument; false when there is none. */
static bool
fence_arg(FunctionCallInfo fcinfo, int n, TimestampTz *result)
{
	return !PG_ARGISNULL(n) && read_fence(PG_GETARG_TEXT_PP(n), result);
}

/*
 * The fences of a lookup from its arguments first .. first + 6:
 * time_first_before, time_first_after, time_last_before, time_last_after,
 * window_after, window_before (text) and strict (boolean).
 *
 * A window narrows the fences: in loose form (the record's life overlaps
 * the window) it bounds last_after and first_before; in strict form (the
 * life lies within it) first_after and last_before.
 */
void
lookup_window_fences(FunctionCallInfo fcinfo, int first, lookup_fences *f)
{
	TimestampTz window_after,
				window_before;
	bool		has_after = fence_arg(fcinfo, first + 4, &window_after);
	bool		has_before = fence_arg(fcinfo, first + 5, &window_before);
	bool		strict = !PG_ARGISNULL(first + 6) && PG_GETARG_BOOL(first + 6);
	int			later = strict ? FENCE_FIRST_AFTER : FENCE_LAST_AFTER;
	int			earlier = strict ? FENCE_LAST_BEFORE : FENCE_FIRST_BEFORE;

	for (int i = 0; i < N_FENCES; i++)
		f->present[i] = fence_arg(fcinfo, first + i, &f->at[i]);
	/* greatest() and least() of SQL: a NULL is left out */
	if (has_after && (!f->present[later] || window_after > f->at[later]))
	{
		f->at[later] = window_after;
		f->present[later] = true;
	}
	if (has_before && (!f->present[earlier] || window_before < f->at[earlier]))
	{
		f->at[earlier] = window_before;
		f->present[earlier] = true;
	}
}

/* Whether a record seen from first to last passes the fences (_fenced). */
bool
lookup_fenced(const lookup_fences *f, TimestampTz first, TimestampTz last)
{
	return (!f->present[FENCE_FIRST_BEFORE] || first <= f->at[FENCE_FIRST_BEFORE]) &&
		(!f->present[FENCE_FIRST_AFTER] || first >= f->at[FENCE_FIRST_AFTER]) &&
		(!f->present[FENCE_LAST_BEFORE] || last <= f->at[FENCE_LAST_BEFORE]) &&
		(!f->present[FENCE_LAST_AFTER] || last >= f->at[FENCE_LAST_AFTER]);
}

/*
 * _window_fences(time_first_before, time_first_after, time_last_before,
 *				  time_last_after, window_after, window_before text,
 *				  strict boolean,
 *				  OUT first_before, OUT first_after, OUT last_before,
 *				  OUT last_after timestamptz)
 */
Datum
pdns_window_fences(PG_FUNCTION_ARGS)
{
	lookup_fences f;
	Datum		values[N_FENCES];
	bool		nulls[N_FENCES];
	TupleDesc	desc;

	lookup_window_fences(fcinfo, 0, &f);
	if (get_call_result_type(fcinfo, NULL, &desc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "pdns._window_fences() must return a record of four fences");
	desc = BlessTupleDesc(desc);
	for (int i = 0; i < N_FENCES; i++)
	{
		values[i] = TimestampTzGetDatum(f.at[i]);
		nulls[i] = !f.present[i];
	}
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(desc, values, nulls)));
}
