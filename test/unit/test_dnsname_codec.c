/*
 * test_dnsname_codec.c
 *		Unit tests of the name codec: key layout, round trips, limits, errors.
 */
#include "dnsname_codec.h"
#include "rrtype_table.h"
#include "unit.h"

static const char *
text_of(const char *in)
{
	static char out[DN_TEXT_MAX];
	dn_key		key;
	dn_error	err;

	if (!dn_from_text(in, strlen(in), &key, &err))
	{
		dn_error_describe(&err, out, sizeof(out));
		return out;
	}
	dn_to_text(key.bytes, key.len, out);
	return out;
}

static dn_key
key_of(const char *in)
{
	dn_key		key;
	dn_error	err;

	if (!dn_from_text(in, strlen(in), &key, &err))
		key.len = (size_t) -1;
	return key;
}

static int
cmp(const char *a, const char *b)
{
	dn_key		x = key_of(a),
				y = key_of(b);

	return dn_key_cmp(x.bytes, x.len, y.bytes, y.len);
}

static void
test_key_layout(void)
{
	dn_key		k = key_of("WWW.Example.COM.");

	CHECK(k.len == 15 && memcmp(k.bytes, "com\0example\0www", 15) == 0);
	k = key_of(".");
	CHECK(k.len == 0);
	k = key_of("\\000\\001.x");
	CHECK(k.len == 6 && memcmp(k.bytes, "x\0\x01\x01\x01\x02", 6) == 0);
}

static void
test_text_round_trip(void)
{
	CHECK_STR(text_of("www.example.com"), "www.example.com");
	CHECK_STR(text_of("WWW.EXAMPLE.COM."), "www.example.com");
	CHECK_STR(text_of("."), ".");
	CHECK_STR(text_of("a\\.b.c"), "a\\.b.c");
	CHECK_STR(text_of("\\065"), "a");
	CHECK_STR(text_of("sp\\ ace"), "sp\\032ace");
	CHECK_STR(text_of("\\255\\000"), "\\255\\000");
	CHECK_STR(text_of("Bücher.de"), "xn--bcher-kva.de");
	CHECK_STR(text_of("a。b"), "a.b");
}

static void
test_errors(void)
{
	CHECK_STR(text_of(""), "The name is empty; the root name is written \".\".");
	CHECK_STR(text_of("a..b"), "Empty label at position 2.");
	CHECK_STR(text_of(".a"), "Empty label at position 1.");
	CHECK_STR(text_of("a\\25"), "Bad escape at byte 2: \\DDD needs exactly three decimal digits.");
	CHECK_STR(text_of("a\\"), "Bad escape at byte 2: a backslash ends the name.");
	CHECK_STR(text_of("a\\999"), "Bad escape at byte 2: \\DDD is above 255.");
	CHECK_STR(text_of("a\\.ä"), "Label 1 is not a valid internationalized label: escapes cannot be mixed with non-ASCII characters in one label.");
}

static void
test_limits(void)
{
	char		buf[400];
	int			i;

	memset(buf, 'a', 63);
	buf[63] = '\0';
	CHECK(key_of(buf).len == 63);
	buf[63] = 'a';
	buf[64] = '\0';
	CHECK(key_of(buf).len == (size_t) -1);

	/* 127 one-octet labels: 254 octets plus the root, exactly 255 */
	for (i = 0; i < 127; i++)
	{
		buf[2 * i] = 'a';
		buf[2 * i + 1] = '.';
	}
	buf[253] = '\0';
	CHECK(key_of(buf).len == 253);
	CHECK(dn_key_label_count(key_of(buf).bytes, 253) == 127);
	buf[253] = '.';
	buf[254] = 'a';
	buf[255] = '\0';
	CHECK(key_of(buf).len == (size_t) -1);
}

static void
test_order(void)
{
	/* RFC 4034 §6.1 */
	const char *rfc[] = {"example", "a.example", "yljkjljk.a.example", "Z.a.example",
	"zABC.a.EXAMPLE", "z.example", "\\001.z.example", "*.z.example", "\\200.z.example"};
	size_t		i;

	for (i = 0; i + 1 < sizeof(rfc) / sizeof(rfc[0]); i++)
		CHECK(cmp(rfc[i], rfc[i + 1]) < 0);
	CHECK(cmp("example", "EXAMPLE.") == 0);
	CHECK(cmp("example\\000", "example") > 0);
	CHECK(cmp("a.example", "example\\000") < 0);
	CHECK(cmp(".", "com") < 0);
}

static void
test_wire(void)
{
	dn_key		k = key_of("www.Example.com"),
				back;
	uint8_t		wire[DN_MAX_WIRE];
	size_t		len = dn_to_wire(k.bytes, k.len, wire),
				used;
	dn_error	err;
	const uint8_t pointer[] = {1, 'a', 0xC0, 12};
	const uint8_t upper[] = {3, 'C', 'O', 'M', 0};

	CHECK(len == 17 && memcmp(wire, "\3www\7example\3com", 17) == 0);
	CHECK(dn_from_wire(wire, len, &used, &back, &err) && used == len &&
		  back.len == k.len && memcmp(back.bytes, k.bytes, k.len) == 0);
	CHECK(!dn_from_wire(pointer, sizeof(pointer), &used, &back, &err) && err.status == DN_BAD_WIRE);
	CHECK(!dn_from_wire(wire, 5, &used, &back, &err) && err.status == DN_BAD_WIRE);
	CHECK(dn_from_wire(upper, sizeof(upper), &used, &back, &err) && back.len == 3 &&
		  memcmp(back.bytes, "com", 3) == 0);
}

static void
test_rrtype(void)
{
	uint16_t	t;
	char		buf[RRTYPE_TEXT_MAX];

	CHECK(rrtype_from_text("MX", 2, &t) == RRTYPE_OK && t == 15);
	CHECK(rrtype_from_text("mx", 2, &t) == RRTYPE_OK && t == 15);
	CHECK(rrtype_from_text("TYPE65534", 9, &t) == RRTYPE_OK && t == 65534);
	CHECK(rrtype_from_text("15", 2, &t) == RRTYPE_OK && t == 15);
	CHECK(rrtype_from_text("65536", 5, &t) == RRTYPE_OUT_OF_RANGE);
	CHECK(rrtype_from_text("BOGUS", 5, &t) == RRTYPE_UNKNOWN_MNEMONIC);
	CHECK(rrtype_from_text("", 0, &t) == RRTYPE_EMPTY);
	rrtype_to_text(65534, buf);
	CHECK_STR(buf, "TYPE65534");
	rrtype_to_text(255, buf);
	CHECK_STR(buf, "ANY");
	rrtype_to_text(23, buf);
	CHECK_STR(buf, "NSAP-PTR");
}

/* The fast path for plain ASCII agrees with the general parser. */
static bool
same_as_general(const char *in, size_t len)
{
	dn_key		a,
				b;
	dn_error	err;
	bool		ok = dn_from_text(in, len, &a, &err);

	if (ok != dn_from_text_general(in, len, &b, &err))
		return false;
	return !ok || (a.len == b.len && memcmp(a.bytes, b.bytes, a.len) == 0);
}

static void
test_fast_path(void)
{
	static const char *names[] = {
		"www.example.com", "WWW.Example.COM.", "a", "A.", "_dmarc.Ex-Ample.com",
		"*.example.com", "a/b.c~d.e!f", "a..b", ".a", "a.", "..", "a b.c", "a\\.b",
		"a\"b.c", "Bücher.de", "a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.q.r.s.t",
	};
	char		buf[300];
	int			mismatches = 0;

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		mismatches += !same_as_general(names[i], strlen(names[i]));
	/* every length around the limits, labels of 1 to 70 octets, dots anywhere */
	for (size_t label = 1; label <= 70; label++)
		for (size_t len = 1; len <= 260; len++)
		{
			for (size_t j = 0; j < len; j++)
				buf[j] = (j + 1) % (label + 1) == 0 ? '.' : (char) ('A' + j % 26);
			mismatches += !same_as_general(buf, len);
		}
	CHECK(mismatches == 0);
}

int
main(void)
{
	test_key_layout();
	test_text_round_trip();
	test_errors();
	test_limits();
	test_order();
	test_wire();
	test_rrtype();
	test_fast_path();
	UNIT_DONE("dnsname_codec");
}
