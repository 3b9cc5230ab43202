/*
 * test_dns_message.c
 *		Unit tests of the DNS message parser: a compressed response read
 *		whole, every truncation of it, trailing junk, forward and looping
 *		pointers, unknown label types, a bad rdata skipped, and random
 *		mutations that must never crash or break the result's invariants.
 */
#include "dns_message.h"
#include "unit.h"

#include <stdlib.h>
#include <time.h>

/*
 * A response to www.example.com/A: a CNAME to Web.example.com (compressed
 * against example.com), two A records with TTLs 300 and 200, an SOA in the
 * authority section, an AAAA and an OPT (UDP 4096, extended rcode 1, DO,
 * client subnet 198.51.100.0/24) in the additional section.
 */
static const char *const response_hex =
	"12348180000100030001000203777777076578616d706c6503636f6d0000010001"
	"c00c000500010000012c000603576562c010"
	"c02d000100010000012c0004c0000201"
	"c02d00010001000000c80004c0000202"
	"c0100006000100000e100027036e7331c0100a486f73744d6173746572c010"
	"0000000100000002000000030000000400000005"
	"c02d001c00010000012c001020010db8000000000000000000000001"
	"00" "0029" "1000" "01008000" "000b" "00080007000118" "00c63364";

static size_t
unhex(const char *h, uint8_t *out)
{
	size_t		n = 0;

	for (; h[0] && h[1]; h += 2)
	{
		unsigned int v;

		sscanf(h, "%2x", &v);
		out[n++] = (uint8_t) v;
	}
	return n;
}

/* The canonical payload of set i, as hex. */
static const char *
set_hex(const dns_message *m, size_t i)
{
	static char out[2100];
	size_t		len;
	uint8_t    *p = dns_message_rrset_payload(m, i, 0, &len);

	snprintf(out, sizeof(out), "%s", p ? unit_hex(p, len) : "NULL");
	free(p);
	return out;
}

static void
test_whole_response(void)
{
	uint8_t		msg[512];
	size_t		len = unhex(response_hex, msg);
	dns_message m;

	CHECK(len == 184);
	CHECK(dns_message_parse(msg, len, &pdns_malloc, &m));
	CHECK(!m.partial);
	CHECK_STR(m.problem, "");
	CHECK(m.header_ok && m.id == 0x1234 && m.opcode == 0);
	CHECK(m.flags == (DNS_FLAG_QR | DNS_FLAG_RD | DNS_FLAG_RA));
	CHECK(m.rcode == 16);		/* extended rcode 1 << 4 | 0: BADVERS */
	CHECK(m.has_question && m.qtype == 1 && m.qclass == 1);
	CHECK(m.qname_len == 15 && memcmp(dns_message_bytes(&m, m.qname_off), "com\0example\0www", 15) == 0);
	CHECK(m.edns.present && m.edns.udp_size == 4096 && m.edns.do_bit && m.edns.version == 0);
	CHECK(m.edns.has_ecs && m.edns.ecs_family == 1 && m.edns.ecs_source == 24 &&
		  m.edns.ecs_scope == 0 && memcmp(m.edns.ecs_addr, "\xc6\x33\x64\x00", 4) == 0);
	CHECK(m.n_rrs == 5 && m.n_sets == 4);
	if (m.n_sets == 4)
	{
		CHECK(m.sets[0].section == DNS_SECTION_ANSWER && m.sets[0].type == 5 && m.sets[0].ttl == 300);
		/* the CNAME target decompressed and folded: web.example.com. */
		CHECK_STR(set_hex(&m, 0), "000500010011037765620765" "78616d706c6503636f6d00");
		CHECK(m.sets[1].type == 1 && m.sets[1].count == 2 && m.sets[1].ttl == 200);
		CHECK(m.sets[1].owner_len == 15 && memcmp(dns_message_bytes(&m, m.sets[1].owner_off), "com\0example\0web", 15) == 0);
		CHECK_STR(set_hex(&m, 1), "000100020004c0000201" "0004c0000202");
		CHECK(m.sets[2].section == DNS_SECTION_AUTHORITY && m.sets[2].type == 6);
		CHECK_STR(set_hex(&m, 2),
				  "00060001003d036e7331076578616d706c6503636f6d00"
				  "0a686f73746d6173746572076578616d706c6503636f6d00"
				  "0000000100000002000000030000000400000005");
		CHECK(m.sets[3].section == DNS_SECTION_ADDITIONAL && m.sets[3].type == 28);
	}
	dns_message_free(&m);
}

static void
test_every_truncation(void)
{
	uint8_t		msg[512];
	size_t		len = unhex(response_hex, msg);
	int			all_partial = 1;

	for (size_t cut = 0; cut < len; cut++)
	{
		dns_message m;
		uint8_t    *copy = malloc(cut ? cut : 1);

		memcpy(copy, msg, cut);
		CHECK(dns_message_parse(copy, cut, &pdns_malloc, &m));
		if (!m.partial || m.problem[0] == '\0')
			all_partial = 0;
		CHECK(m.header_ok == (cut >= 12));
		for (size_t s = 0; s < m.n_sets; s++)
			CHECK(strcmp(set_hex(&m, s), "NULL") != 0);
		dns_message_free(&m);
		free(copy);
	}
	CHECK(all_partial);
}

static const char *
problem_of(const char *h, size_t *n_sets)
{
	static char out[DNS_PROBLEM_MAX];
	uint8_t		msg[1024];
	size_t		len = unhex(h, msg);
	dns_message m;

	dns_message_parse(msg, len, &pdns_malloc, &m);
	snprintf(out, sizeof(out), "%s%s", m.partial ? "partial: " : "", m.problem);
	*n_sets = m.n_sets;
	dns_message_free(&m);
	return out;
}

static void
test_damage(void)
{
	char		h[1024];
	size_t		n;

	snprintf(h, sizeof(h), "%s00", response_hex);
	CHECK_STR(problem_of(h, &n), "partial: 1 octets follow the last RR");
	CHECK(n == 4);

	/* the second answer's owner points forward, to offset 0x50 */
	snprintf(h, sizeof(h), "%s", response_hex);
	memcpy(h + 2 * 51, "c050", 4);
	CHECK_STR(problem_of(h, &n),
			  "partial: answer RR 2: the name at offset 51 has a compression pointer at offset 51 to offset 80, which is not before the name");
	CHECK(n == 1);

	/* a question name that points at itself */
	CHECK_STR(problem_of("000081800001000000000000c00c00010001", &n),
			  "partial: question 1: the name at offset 12 has a compression pointer at offset 12 to offset 12, which is not before the name");
	CHECK(n == 0);

	/* a label of type 0x40 (RFC 6891 deprecated extended labels) */
	CHECK_STR(problem_of("0000818000010000000000004161000001" "0001", &n),
			  "partial: question 1: the name at offset 12 has a label of unknown type 0x40 at offset 12");

	/* an A record of 3 octets is skipped; the next one is kept */
	CHECK_STR(problem_of("000081800000000200000000"
						 "00000100010000000a0003010203"
						 "00000100010000000a000401020304", &n),
			  "partial: answer RR 1 (A): A rdata is 3 octets, not 4");
	CHECK(n == 1);

	/* a compression pointer inside rdata that may not have one (SVCB) */
	CHECK_STR(problem_of("000081800001000100000000" "016100" "00400001"
						 "c00c00400001000000000004" "0001c00c", &n),
			  "partial: answer RR 1 (SVCB): a name holds a compression pointer, which this type's rdata may not");

	/* counts that promise more than the message holds */
	CHECK_STR(problem_of("0000818000000005000000000000010001000000000004" "01020304", &n),
			  "partial: answer RR 2: the name at offset 27 runs past the end of its field");
	CHECK(n == 1);

	/* an rdata length past the end */
	CHECK_STR(problem_of("00008180000000010000000000000100010000000000ff01020304", &n),
			  "partial: answer RR 1: the rdata length 255 runs past the end of the message");

	/* no RRs, no question: a clean header */
	CHECK_STR(problem_of("000100000000000000000000", &n), "");
	CHECK_STR(problem_of("0001", &n), "partial: the message is 2 octets, shorter than the 12-octet header");
}

/* Random mutations of the response: invariants hold, nothing crashes. */
static void
test_mutations(void)
{
	uint8_t		orig[512],
				msg[512];
	size_t		len = unhex(response_hex, orig);
	uint64_t	rng = 88172645463325252ull;
	int			bad = 0;

	for (int iter = 0; iter < 20000; iter++)
	{
		dns_message m;
		size_t		mlen = len;

		memcpy(msg, orig, len);
		for (int k = 0; k < 1 + iter % 4; k++)
		{
			rng ^= rng << 13;
			rng ^= rng >> 7;
			rng ^= rng << 17;
			msg[12 + rng % (len - 12)] = (uint8_t) (rng >> 32);
		}
		if (iter % 3 == 0)
			mlen = 12 + (size_t) (rng % (len - 12));
		if (!dns_message_parse(msg, mlen, &pdns_malloc, &m))
			bad++;
		if (m.n_sets > m.n_rrs || (m.partial && m.problem[0] == '\0'))
			bad++;
		for (size_t s = 0; s < m.n_sets; s++)
		{
			size_t		plen;
			uint8_t    *p = dns_message_rrset_payload(&m, s, 0, &plen);
			uint16_t	type;
			size_t		count;
			rrset_error err;

			if (p == NULL || !rrset_payload_check(p, plen, &type, &count, &err) ||
				type != m.sets[s].type)
				bad++;
			free(p);
		}
		dns_message_free(&m);
	}
	CHECK(bad == 0);
}

/*
 * Many owners: a message of 60 000 A records (longer than UDP or TCP
 * carry, as dns_message(bytea) accepts), 40 000 distinct owners, then
 * the first 20 000 again in reverse order with a lower TTL.  Grouping
 * must take time in proportion, not the square (4.5 s before).
 */
#define MANY_RRS	60000
#define MANY_OWNERS 40000

static void
test_many_owners(void)
{
	size_t		len = DNS_HEADER_LEN + (size_t) MANY_RRS * 20;
	uint8_t    *msg = calloc(1, len);
	uint8_t    *p = msg + DNS_HEADER_LEN;
	struct timespec t0,
				t1;
	double		secs;
	dns_message m;
	bool		ok = true;

	msg[2] = 0x81;
	msg[6] = MANY_RRS >> 8;
	msg[7] = MANY_RRS & 0xff;
	for (int i = 0; i < MANY_RRS; i++)
	{
		int			o = i < MANY_OWNERS ? i : MANY_RRS - 1 - i;

		/* owner: one label of four letters naming o, then the root */
		*p++ = 4;
		for (int k = 0, v = o; k < 4; k++, v /= 26)
			*p++ = (uint8_t) ('a' + v % 26);
		*p++ = 0;
		memcpy(p, "\x00\x01\x00\x01\x00\x00", 6);	/* A IN, TTL high half */
		p[6] = i < MANY_OWNERS ? 2 : 1;
		p[9] = 4;
		p[10] = (uint8_t) (i >> 16);
		p[11] = (uint8_t) (i >> 8);
		p[12] = (uint8_t) i;
		p[13] = (uint8_t) (i >= MANY_OWNERS);
		p += 14;
	}
	CHECK((size_t) (p - msg) == len);

	clock_gettime(CLOCK_MONOTONIC, &t0);
	CHECK(dns_message_parse(msg, len, &pdns_malloc, &m));
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (double) (t1.tv_sec - t0.tv_sec) + (double) (t1.tv_nsec - t0.tv_nsec) / 1e9;
	printf("unit dns_message: %d RRs, %d owners parsed in %.3f s\n", MANY_RRS, MANY_OWNERS, secs);
	CHECK(secs < 1.0);

	CHECK(!m.partial && m.n_rrs == MANY_RRS && m.n_sets == MANY_OWNERS);
	for (size_t s = 0; ok && s < m.n_sets; s++)
	{
		const dns_rrset *set = &m.sets[s];
		const dns_rr *first = &m.rrs[m.members[set->first]];
		bool		twice = s < MANY_RRS - MANY_OWNERS;

		/* sets by first appearance, each holding its owner's RRs in order */
		ok = set->count == (twice ? 2u : 1u) && m.members[set->first] == s &&
			set->ttl == (twice ? 0x100u : 0x200u) &&
			first->owner_off == set->owner_off;
		if (ok && twice)
			ok = m.members[set->first + 1] == MANY_RRS - 1 - s &&
				m.rrs[MANY_RRS - 1 - s].owner_len == set->owner_len &&
				memcmp(dns_message_bytes(&m, m.rrs[MANY_RRS - 1 - s].owner_off),
					   dns_message_bytes(&m, set->owner_off), set->owner_len) == 0;
	}
	CHECK(ok);
	dns_message_free(&m);
	free(msg);
}

static void
test_mnemonics(void)
{
	char		buf[DNS_MNEMONIC_MAX];

	CHECK_STR(dns_opcode_text(0, buf), "QUERY");
	CHECK_STR(dns_opcode_text(3, buf), "OPCODE3");
	CHECK_STR(dns_rcode_text(3, buf), "NXDOMAIN");
	CHECK_STR(dns_rcode_text(16, buf), "BADVERS");
	CHECK_STR(dns_rcode_text(4095, buf), "RCODE4095");
	CHECK_STR(dns_class_text(3, buf), "CH");
	CHECK_STR(dns_class_text(4096, buf), "CLASS4096");
	CHECK_STR(dns_section_text(DNS_SECTION_AUTHORITY), "authority");
}

int
main(void)
{
	test_whole_response();
	test_every_truncation();
	test_damage();
	test_mutations();
	test_mnemonics();
	test_many_owners();
	UNIT_DONE("dns_message");
}
