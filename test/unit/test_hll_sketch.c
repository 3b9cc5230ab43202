/*
 * test_hll_sketch.c
 *		Unit tests of the distinct-client sketches: the hash and the bytes
 *		are those of the hll extension (values read off hll 2.17:
 *		hll_hash_bytea() and hll_add_agg(..., 11, 5, 0, 1)), sparse and full
 *		forms, unions, and the switch from pairs to all registers.
 *		test/regress/sql/58_runs.sql checks the same against the extension
 *		itself, over the sketches ingestion stores.
 */
#include "hll_sketch.h"
#include "unit.h"

#include <stdlib.h>

/* what the sketches were given, freed at the end */
static void *given[4096];
static int	ngiven = 0;

static void *
zeroed(size_t size, void *arg)
{
	(void) arg;
	if (ngiven == (int) (sizeof(given) / sizeof(given[0])))
		return NULL;
	return given[ngiven++] = calloc(1, size);
}

static const char *
serialized(const hll_sketch *s)
{
	static uint8_t out[HLL_MAX_BYTES];

	return unit_hex(out, hll_sketch_serialize(s, out));
}

static void
add_values(hll_sketch *s, int from, int to)
{
	for (int i = from; i < to; i++)
	{
		char		b[16];
		int			n = snprintf(b, sizeof(b), "c%d", i);

		CHECK(hll_sketch_add(s, hll_hash_bytes(b, (size_t) n), zeroed, NULL) == 0);
	}
}

static void
test_hash(void)
{
	/* SELECT hll_hash_bytea(convert_to(v, 'UTF8')) */
	CHECK(hll_hash_bytes("", 0) == 0);
	CHECK((int64_t) hll_hash_bytes("a", 1) == INT64_C(-8839064797231613815));
	CHECK((int64_t) hll_hash_bytes("abc", 3) == INT64_C(-5434086359492102041));
	CHECK((int64_t) hll_hash_bytes("0123456789abcdef", 16) == INT64_C(5467490433528156583));
	CHECK((int64_t) hll_hash_bytes("0123456789abcdefXYZ0123", 23) == INT64_C(6564236970822413345));
}

static void
test_forms(void)
{
	hll_sketch	s;
	uint8_t		out[HLL_MAX_BYTES];

	memset(&s, 0, sizeof(s));
	CHECK_STR(serialized(&s), "118b40");	/* EMPTY */
	/* hll_add_agg(hll_hash_bytea('c0'..'c2'), 11, 5, 0, 1): SPARSE */
	add_values(&s, 0, 3);
	CHECK_STR(serialized(&s), "138b4057048e43fac3");
	add_values(&s, 0, 3);		/* the same values again: no change */
	CHECK_STR(serialized(&s), "138b4057048e43fac3");
	CHECK(s.full == NULL);

	/* past HLL_SPARSE_MAX registers: all of them, still SPARSE when smaller */
	add_values(&s, 3, 200);
	CHECK(s.full != NULL);
	CHECK(hll_sketch_serialize(&s, out) > 3 && out[0] == 0x13);
	/* 3 000 values: FULL, 3 + 1 280 octets */
	add_values(&s, 200, 3000);
	CHECK(hll_sketch_serialize(&s, out) == 3 + 1280 && out[0] == 0x14 && out[1] == 0x8b && out[2] == 0x40);
}

static void
test_union(void)
{
	hll_sketch	a,
				b,
				all;
	char		want[2 * HLL_MAX_BYTES + 1];

	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	memset(&all, 0, sizeof(all));
	add_values(&a, 0, 20);
	add_values(&b, 10, 60);
	add_values(&all, 0, 60);
	strcpy(want, serialized(&all));
	CHECK(hll_sketch_union(&a, &b, zeroed, NULL) == 0);
	CHECK_STR(serialized(&a), want);

}

int
main(void)
{
	test_hash();
	test_forms();
	test_union();
	while (ngiven > 0)
		free(given[--ngiven]);
	UNIT_DONE("hll_sketch");
}
