/*
 * dnsname_ops.c
 *		Ordering, equality and hashing of dnsname.
 *
 * Keys compare with memcmp (RFC 4034 canonical order by construction), so
 * ordering needs no collation and equality is byte equality.  Sorting uses
 * abbreviated keys: the first ten key octets in six bits each.
 */
#include "pdns.h"

#include "common/hashfn.h"
#include "lib/hyperloglog.h"
#include "utils/sortsupport.h"

PG_FUNCTION_INFO_V1(dnsname_cmp);
PG_FUNCTION_INFO_V1(dnsname_lt);
PG_FUNCTION_INFO_V1(dnsname_le);
PG_FUNCTION_INFO_V1(dnsname_eq);
PG_FUNCTION_INFO_V1(dnsname_ne);
PG_FUNCTION_INFO_V1(dnsname_ge);
PG_FUNCTION_INFO_V1(dnsname_gt);
PG_FUNCTION_INFO_V1(dnsname_sortsupport);
PG_FUNCTION_INFO_V1(dnsname_smaller);
PG_FUNCTION_INFO_V1(dnsname_larger);
PG_FUNCTION_INFO_V1(dnsname_hash);
PG_FUNCTION_INFO_V1(dnsname_hash_extended);

/* Keys compare as bytes (dn_key_cmp's order). */
static inline int
dnsname_compare_datums(Datum a, Datum b)
{
	return pdns_bytes_compare_datums(a, b);
}

Datum
dnsname_cmp(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT32(dnsname_compare_datums(PG_GETARG_DATUM(0), PG_GETARG_DATUM(1)));
}

#define DNSNAME_CMP_FUNC(name, test) \
Datum \
name(PG_FUNCTION_ARGS) \
{ \
	int			c = dnsname_compare_datums(PG_GETARG_DATUM(0), PG_GETARG_DATUM(1)); \
\
	PG_RETURN_BOOL(test); \
}

DNSNAME_CMP_FUNC(dnsname_lt, c < 0)
DNSNAME_CMP_FUNC(dnsname_le, c <= 0)
DNSNAME_CMP_FUNC(dnsname_ge, c >= 0)
DNSNAME_CMP_FUNC(dnsname_gt, c > 0)

/* min() and max() transition functions. */
Datum
dnsname_smaller(PG_FUNCTION_ARGS)
{
	Datum		a = PG_GETARG_DATUM(0),
				b = PG_GETARG_DATUM(1);

	PG_RETURN_DATUM(dnsname_compare_datums(a, b) <= 0 ? a : b);
}

Datum
dnsname_larger(PG_FUNCTION_ARGS)
{
	Datum		a = PG_GETARG_DATUM(0),
				b = PG_GETARG_DATUM(1);

	PG_RETURN_DATUM(dnsname_compare_datums(a, b) >= 0 ? a : b);
}

/* Equality can skip the comparison when the lengths differ. */
Datum
dnsname_eq(PG_FUNCTION_ARGS)
{
	struct varlena *x = PG_GETARG_DNSNAME_PP(0);
	struct varlena *y = PG_GETARG_DNSNAME_PP(1);
	size_t		len = DNSNAME_KEYLEN(x);

	PG_RETURN_BOOL(len == DNSNAME_KEYLEN(y) &&
				   memcmp(DNSNAME_KEY(x), DNSNAME_KEY(y), len) == 0);
}

Datum
dnsname_ne(PG_FUNCTION_ARGS)
{
	struct varlena *x = PG_GETARG_DNSNAME_PP(0);
	struct varlena *y = PG_GETARG_DNSNAME_PP(1);
	size_t		len = DNSNAME_KEYLEN(x);

	PG_RETURN_BOOL(len != DNSNAME_KEYLEN(y) ||
				   memcmp(DNSNAME_KEY(x), DNSNAME_KEY(y), len) != 0);
}

Datum
dnsname_hash(PG_FUNCTION_ARGS)
{
	struct varlena *v = PG_GETARG_DNSNAME_PP(0);

	return hash_any(DNSNAME_KEY(v), (int) DNSNAME_KEYLEN(v));
}

Datum
dnsname_hash_extended(PG_FUNCTION_ARGS)
{
	struct varlena *v = PG_GETARG_DNSNAME_PP(0);

	return hash_any_extended(DNSNAME_KEY(v), (int) DNSNAME_KEYLEN(v),
							 PG_GETARG_INT64(1));
}

/* ---- sort support ---- */

typedef struct dnsname_sortsupport_state
{
	int64		input_count;	/* values abbreviated so far */
	bool		estimating;		/* still deciding whether to abort */
	hyperLogLogState abbr_card; /* distinct abbreviated keys seen */
} dnsname_sortsupport_state;

static int
dnsname_fastcmp(Datum a, Datum b, SortSupport ssup)
{
	return dnsname_compare_datums(a, b);
}

/*
 * Abbreviated keys: the first ten key octets in six bits each, packed
 * big-endian so that integer order is key order.  Keys begin with the TLD
 * and the registered domain ("com\0google\0www"), so eight raw octets
 * would tell few names apart.  The code of an octet never decreases as the
 * octet grows, and is unique for the separator, a-z, 0-9, '-' and '_'; the
 * octets in between share a code per gap, and after such a code the rest
 * is left zero, so two keys that tie there tie in the abbreviation too and
 * go to the full comparison.  0 means "no more octets".
 */
#define ABBREV_LOSSY 0x80		/* flag: the code stands for several octets */

static uint8 abbrev_code[256];

static void
abbrev_codes_init(void)
{
	uint8		code = 0;
	bool		in_gap = false;

	for (int c = 0; c < 256; c++)
	{
		bool		exact = c == DN_SEP || c == '-' || c == '_' ||
			(c >= '0' && c <= '9') || (c >= 'a' && c <= 'z');

		if (exact)
		{
			abbrev_code[c] = ++code;
			in_gap = false;
		}
		else
		{
			if (!in_gap)
				++code;
			abbrev_code[c] = code | ABBREV_LOSSY;
			in_gap = true;
		}
	}
	Assert(code < 64);
}

static Datum
dnsname_abbrev_convert(Datum original, SortSupport ssup)
{
	dnsname_sortsupport_state *state = ssup->ssup_extra;
	struct varlena *v = DatumGetDnsnamePP(original);
	const uint8 *key = (const uint8 *) DNSNAME_KEY(v);
	size_t		len = Min(DNSNAME_KEYLEN(v), 10);
	uint64		res = 0;
	size_t		i;

	for (i = 0; i < len; i++)
	{
		uint8		code = abbrev_code[key[i]];

		res = (res << 6) | (code & 0x3F);
		if (code & ABBREV_LOSSY)
		{
			i++;
			break;
		}
	}
	res <<= 6 * (10 - i) + 4;	/* left-aligned in 64 bits */
	if (state->estimating)
	{
		uint32		tmp = (uint32) res ^ (uint32) (res >> 32);

		addHyperLogLog(&state->abbr_card, DatumGetUInt32(hash_uint32(tmp)));
	}
	state->input_count++;
	if ((Pointer) v != DatumGetPointer(original))
		pfree(v);
	return UInt64GetDatum(res);
}

/*
 * Abort abbreviation when the prefixes are not telling names apart, as in a
 * single zone's names whose first eight key octets are all "com\0exam".
 * The thresholds follow the core uuid type.
 */
static bool
dnsname_abbrev_abort(int memtupcount, SortSupport ssup)
{
	dnsname_sortsupport_state *state = ssup->ssup_extra;
	double		abbr_card;

	if (memtupcount < 10000 || state->input_count < 10000 || !state->estimating)
		return false;

	abbr_card = estimateHyperLogLog(&state->abbr_card);
	if (abbr_card > 100000.0)
	{
		state->estimating = false;
		return false;
	}
	if (abbr_card < state->input_count / 2000.0 + 0.5)
		return true;
	return false;
}

Datum
dnsname_sortsupport(PG_FUNCTION_ARGS)
{
	SortSupport ssup = (SortSupport) PG_GETARG_POINTER(0);

	ssup->comparator = dnsname_fastcmp;
	ssup->ssup_extra = NULL;

	if (ssup->abbreviate && SIZEOF_DATUM == 8)
	{
		MemoryContext old = MemoryContextSwitchTo(ssup->ssup_cxt);
		dnsname_sortsupport_state *state = palloc(sizeof(*state));

		if (abbrev_code[DN_SEP] == 0)
			abbrev_codes_init();

		state->input_count = 0;
		state->estimating = true;
		initHyperLogLog(&state->abbr_card, 10);
		ssup->ssup_extra = state;
		ssup->abbrev_full_comparator = ssup->comparator;
		ssup->comparator = ssup_datum_unsigned_cmp;
		ssup->abbrev_converter = dnsname_abbrev_convert;
		ssup->abbrev_abort = dnsname_abbrev_abort;
		MemoryContextSwitchTo(old);
	}
	PG_RETURN_VOID();
}
