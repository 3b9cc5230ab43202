/*
 * rrset_ops.c
 *		Ordering, equality and hashing of rrset.
 *
 * A canonical payload is unique to its set, so equality is byte equality
 * and the hash is a hash of the payload.  Ordering is memcmp of the
 * payloads, then their lengths: sets group by RR type (the first two
 * octets), then by element count; it is a total order, not a meaningful one.
 */
#include "pdns.h"

#include "common/hashfn.h"

PG_FUNCTION_INFO_V1(rrset_cmp);
PG_FUNCTION_INFO_V1(rrset_lt);
PG_FUNCTION_INFO_V1(rrset_le);
PG_FUNCTION_INFO_V1(rrset_eq);
PG_FUNCTION_INFO_V1(rrset_ne);
PG_FUNCTION_INFO_V1(rrset_ge);
PG_FUNCTION_INFO_V1(rrset_gt);
PG_FUNCTION_INFO_V1(rrset_hash);
PG_FUNCTION_INFO_V1(rrset_hash_extended);

static inline int
rrset_compare_datums(Datum a, Datum b)
{
	return pdns_bytes_compare_datums(a, b);
}

Datum
rrset_cmp(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT32(rrset_compare_datums(PG_GETARG_DATUM(0), PG_GETARG_DATUM(1)));
}

#define RRSET_CMP_FUNC(name, test) \
Datum \
name(PG_FUNCTION_ARGS) \
{ \
	int			c = rrset_compare_datums(PG_GETARG_DATUM(0), PG_GETARG_DATUM(1)); \
\
	PG_RETURN_BOOL(test); \
}

RRSET_CMP_FUNC(rrset_lt, c < 0)
RRSET_CMP_FUNC(rrset_le, c <= 0)
RRSET_CMP_FUNC(rrset_ge, c >= 0)
RRSET_CMP_FUNC(rrset_gt, c > 0)

/* Equality looks at the lengths first. */
static inline bool
rrset_equal(FunctionCallInfo fcinfo)
{
	struct varlena *x = PG_GETARG_RRSET_PP(0);
	struct varlena *y = PG_GETARG_RRSET_PP(1);
	size_t		len = RRSET_LEN(x);

	return len == RRSET_LEN(y) && memcmp(RRSET_DATA(x), RRSET_DATA(y), len) == 0;
}

Datum
rrset_eq(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(rrset_equal(fcinfo));
}

Datum
rrset_ne(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(!rrset_equal(fcinfo));
}

Datum
rrset_hash(PG_FUNCTION_ARGS)
{
	struct varlena *v = PG_GETARG_RRSET_PP(0);

	return hash_any(RRSET_DATA(v), (int) RRSET_LEN(v));
}

Datum
rrset_hash_extended(PG_FUNCTION_ARGS)
{
	struct varlena *v = PG_GETARG_RRSET_PP(0);

	return hash_any_extended(RRSET_DATA(v), (int) RRSET_LEN(v), PG_GETARG_INT64(1));
}
