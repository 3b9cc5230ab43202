/*
 * rrtype.c
 *		The rrtype type: a DNS RR type, 16 bits passed by value, that reads
 *		and prints mnemonics.
 */
#include "pdns.h"

#include "common/hashfn.h"
#include "libpq/pqformat.h"
#include "rrtype_table.h"
#include "utils/sortsupport.h"

PG_FUNCTION_INFO_V1(rrtype_in);
PG_FUNCTION_INFO_V1(rrtype_out);
PG_FUNCTION_INFO_V1(rrtype_recv);
PG_FUNCTION_INFO_V1(rrtype_send);
PG_FUNCTION_INFO_V1(rrtype_from_int4);
PG_FUNCTION_INFO_V1(rrtype_to_int4);
PG_FUNCTION_INFO_V1(rrtype_cmp);
PG_FUNCTION_INFO_V1(rrtype_lt);
PG_FUNCTION_INFO_V1(rrtype_le);
PG_FUNCTION_INFO_V1(rrtype_eq);
PG_FUNCTION_INFO_V1(rrtype_ne);
PG_FUNCTION_INFO_V1(rrtype_ge);
PG_FUNCTION_INFO_V1(rrtype_gt);
PG_FUNCTION_INFO_V1(rrtype_sortsupport);
PG_FUNCTION_INFO_V1(rrtype_smaller);
PG_FUNCTION_INFO_V1(rrtype_larger);
PG_FUNCTION_INFO_V1(rrtype_hash);
PG_FUNCTION_INFO_V1(rrtype_hash_extended);

uint16
rrtype_parse(const char *text, size_t len)
{
	uint16_t	type;

	switch (rrtype_from_text(text, len, &type))
	{
		case RRTYPE_OK:
			return type;
		case RRTYPE_EMPTY:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
					 errmsg("invalid input syntax for type %s: \"%s\"", "rrtype", ""),
					 errdetail("The RR type is empty.")));
			break;
		case RRTYPE_OUT_OF_RANGE:
			ereport(ERROR,
					(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
					 errmsg("value \"%s\" is out of range for type %s",
							pnstrdup(text, len), "rrtype"),
					 errdetail("RR type numbers run from 0 to 65535.")));
			break;
		case RRTYPE_UNKNOWN_MNEMONIC:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
					 errmsg("invalid input syntax for type %s: \"%s\"",
							"rrtype", pnstrdup(text, len)),
					 errdetail("\"%s\" is not a known RR type mnemonic.", pnstrdup(text, len)),
					 errhint("Write a type without a mnemonic as TYPEnnn or as its number.")));
			break;
	}
	pg_unreachable();
}

/* rrtype_in: a mnemonic in any case, TYPEnnn, or a number. */
Datum
rrtype_in(PG_FUNCTION_ARGS)
{
	const char *str = PG_GETARG_CSTRING(0);

	PG_RETURN_RRTYPE(rrtype_parse(str, strlen(str)));
}

/* rrtype_out: the mnemonic, or RFC 3597 TYPEnnn. */
Datum
rrtype_out(PG_FUNCTION_ARGS)
{
	char	   *buf = palloc(RRTYPE_TEXT_MAX);

	rrtype_to_text(PG_GETARG_RRTYPE(0), buf);
	PG_RETURN_CSTRING(buf);
}

/* rrtype_recv: two octets, network order, as on the wire. */
Datum
rrtype_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);

	if (buf->len - buf->cursor != 2)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid external representation for type %s", "rrtype"),
				 errdetail("An RR type is 2 bytes; got %d.", buf->len - buf->cursor)));
	PG_RETURN_RRTYPE((uint16) pq_getmsgint(buf, 2));
}

Datum
rrtype_send(PG_FUNCTION_ARGS)
{
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendint16(&buf, PG_GETARG_RRTYPE(0));
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

Datum
rrtype_from_int4(PG_FUNCTION_ARGS)
{
	int32		v = PG_GETARG_INT32(0);

	if (v < 0 || v > 65535)
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("value %d is out of range for type %s", v, "rrtype"),
				 errdetail("RR type numbers run from 0 to 65535.")));
	PG_RETURN_RRTYPE((uint16) v);
}

Datum
rrtype_to_int4(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT32((int32) PG_GETARG_RRTYPE(0));
}

Datum
rrtype_cmp(PG_FUNCTION_ARGS)
{
	int32		a = PG_GETARG_RRTYPE(0),
				b = PG_GETARG_RRTYPE(1);

	PG_RETURN_INT32(a < b ? -1 : (a > b ? 1 : 0));
}

#define RRTYPE_OP(name, op) \
Datum \
name(PG_FUNCTION_ARGS) \
{ \
	PG_RETURN_BOOL(PG_GETARG_RRTYPE(0) op PG_GETARG_RRTYPE(1)); \
}

RRTYPE_OP(rrtype_lt, <)
RRTYPE_OP(rrtype_le, <=)
RRTYPE_OP(rrtype_eq, ==)
RRTYPE_OP(rrtype_ne, !=)
RRTYPE_OP(rrtype_ge, >=)
RRTYPE_OP(rrtype_gt, >)

Datum
rrtype_smaller(PG_FUNCTION_ARGS)
{
	PG_RETURN_RRTYPE(Min(PG_GETARG_RRTYPE(0), PG_GETARG_RRTYPE(1)));
}

Datum
rrtype_larger(PG_FUNCTION_ARGS)
{
	PG_RETURN_RRTYPE(Max(PG_GETARG_RRTYPE(0), PG_GETARG_RRTYPE(1)));
}

/*
 * A 2-byte by-value datum read from a tuple is sign-extended (fetch_att
 * reads it as int16), so compare the low 16 bits, never the raw Datum.
 */
static int
rrtype_fastcmp(Datum a, Datum b, SortSupport ssup)
{
	int32		x = DatumGetUInt16(a),
				y = DatumGetUInt16(b);

	return x < y ? -1 : (x > y ? 1 : 0);
}

Datum
rrtype_sortsupport(PG_FUNCTION_ARGS)
{
	SortSupport ssup = (SortSupport) PG_GETARG_POINTER(0);

	ssup->comparator = rrtype_fastcmp;
	PG_RETURN_VOID();
}

Datum
rrtype_hash(PG_FUNCTION_ARGS)
{
	return hash_uint32((uint32) PG_GETARG_RRTYPE(0));
}

Datum
rrtype_hash_extended(PG_FUNCTION_ARGS)
{
	return hash_uint32_extended((uint32) PG_GETARG_RRTYPE(0), PG_GETARG_INT64(1));
}
