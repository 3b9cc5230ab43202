/*
 * test_rrset_codec.c
 *		Unit tests of the canonical RRset payload: §6.3 order, duplicates,
 *		the byte layout other code relies on, framing checks, the one-call
 *		and builder APIs.
 */
#include "rrset_codec.h"
#include "unit.h"

#include <stdlib.h>

static const char *
build(uint16_t type, int n, const char *const *texts)
{
	static char out[8192];
	size_t		lens[16],
				len;
	rrset_error err;
	uint8_t    *p;

	for (int i = 0; i < n; i++)
		lens[i] = strlen(texts[i]);
	p = rrset_build(type, texts, lens, (size_t) n, NULL, &len, &err);
	if (p == NULL)
	{
		snprintf(out, sizeof(out), "ERR %d: %s", err.element, err.reason);
		return out;
	}
	snprintf(out, sizeof(out), "%s", unit_hex(p, len));
	free(p);
	return out;
}

static void
test_layout_and_order(void)
{
	const char *a[] = {"10.0.0.2", "10.0.0.1", "10.0.0.2"};
	const char *mx[] = {"20 b.", "10 B.", "10 b."};
	const char *txt[] = {"\"ab\"", "\"a\"", "\"b\""};
	const char *bad[] = {"10.0.0.1", "10.0.0.300"};

	/* type 1, two elements, each 4 octets, ascending */
	CHECK_STR(build(1, 3, a), "000100020004" "0a000001" "0004" "0a000002");
	/* MX 10 B. and 10 b. fold to one element */
	CHECK_STR(build(15, 3, mx), "000f00020005000a01620000050014016200");
	/* TXT: "a" (01 61) < "b" (01 62) < "ab" (02 61 62): wire octets, length first */
	CHECK_STR(build(16, 3, txt), "0010000300020161" "00020162" "0003026162");
	CHECK_STR(build(1, 2, bad), "ERR 2: Syntax error, could not parse the RR's rdata");
	CHECK_STR(build(1, 0, a), "ERR 0: an RRset holds at least one rdata");
}

static void
test_prefix_order(void)
{
	uint8_t		x[] = {1, 2, 3},
				y[] = {1, 2},
				z[] = {1, 2, 0};
	rrset_elem	e[] = {{x, 3}, {y, 2}, {z, 3}, {y, 2}};
	size_t		n = rrset_sort_unique(e, 4);
	uint8_t		out[64];

	CHECK(n == 3);
	CHECK(e[0].data == y && e[1].data == z && e[2].data == x);
	CHECK(rrset_payload_size(e, n) == 4 + 2 + 2 + 2 + 3 + 2 + 3);
	rrset_write(999, e, n, out);
	CHECK_STR(unit_hex(out, rrset_payload_size(e, n)), "03e70003000201020003010200000301020" "3");
	CHECK(rrset_payload_contains(out, rrset_payload_size(e, n), z, 3));
	CHECK(rrset_payload_contains(out, rrset_payload_size(e, n), y, 2));
	{
		uint8_t		w[] = {1, 2, 2},
					v[] = {1, 3};

		CHECK(!rrset_payload_contains(out, rrset_payload_size(e, n), w, 3));
		CHECK(!rrset_payload_contains(out, rrset_payload_size(e, n), v, 2));
		CHECK(!rrset_payload_contains(out, rrset_payload_size(e, n), v, 1));
	}
}

static void
test_payload_check(void)
{
	static const uint8_t ok[] = {0, 1, 0, 1, 0, 4, 10, 0, 0, 1};
	static const uint8_t zero[] = {0, 1, 0, 0};
	static const uint8_t longer[] = {0, 1, 0, 1, 0, 5, 10, 0, 0, 1};
	static const uint8_t junk[] = {0, 1, 0, 1, 0, 4, 10, 0, 0, 1, 9};
	static const uint8_t cut[] = {0, 1, 0, 2, 0, 4, 10, 0, 0, 1, 0};
	uint16_t	type;
	size_t		count;
	rrset_error err;

	CHECK(rrset_payload_check(ok, sizeof(ok), &type, &count, &err) && type == 1 && count == 1);
	CHECK(!rrset_payload_check(ok, 3, &type, &count, &err));
	CHECK_STR(err.reason, "an RRset is at least 4 octets; got 3");
	CHECK(!rrset_payload_check(zero, sizeof(zero), &type, &count, &err));
	CHECK(!rrset_payload_check(longer, sizeof(longer), &type, &count, &err));
	CHECK_STR(err.reason, "element 1 is 5 octets, more than the 4 that remain");
	CHECK(!rrset_payload_check(junk, sizeof(junk), &type, &count, &err));
	CHECK_STR(err.reason, "1 octets follow the last of the 1 elements");
	CHECK(!rrset_payload_check(cut, sizeof(cut), &type, &count, &err));
	CHECK_STR(err.reason, "the data ends before the length of element 2");
}

static void
test_builder(void)
{
	rrset_builder b;
	uint8_t		upper[] = {0, 10, 1, 'A', 0};
	uint8_t		ptr[] = {0, 10, 0xC0, 0};
	uint8_t    *p;
	size_t		len;
	static const uint8_t origin[] = {7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 0};

	rrset_builder_init(&b, 15, NULL, &pdns_malloc);
	CHECK(rrset_builder_add_wire(&b, upper, sizeof(upper)));
	CHECK(!rrset_builder_add_wire(&b, ptr, sizeof(ptr)));
	CHECK(b.error.element == 2);
	CHECK(rrset_builder_add_text(&b, "10 a.", 5));
	p = rrset_builder_finish(&b, 4, &len);
	CHECK(p != NULL && len == 4 + 2 + 5);
	CHECK_STR(unit_hex(p + 4, len), "000f00010005000a016100");
	free(p);
	rrset_builder_free(&b);

	/* relative names end in the origin */
	rrset_builder_init(&b, 2, origin, &pdns_malloc);
	CHECK(rrset_builder_add_text(&b, "ns1", 3));
	CHECK(rrset_builder_add_text(&b, "ns1.example.", 12));
	p = rrset_builder_finish(&b, 0, &len);
	CHECK(p != NULL && rrset_payload_count(p) == 1);
	CHECK_STR(unit_hex(p + 6, len - 6), "036e7331076578616d706c6500");
	free(p);
	rrset_builder_free(&b);
}

int
main(void)
{
	test_layout_and_order();
	test_prefix_order();
	test_payload_check();
	test_builder();
	UNIT_DONE("rrset_codec");
}
