/*
 * test_ip_defrag.c
 *		Unit tests of IP fragment reassembly: order, duplicates, overlaps,
 *		chains that never complete, timeouts and limits.
 */
#include "ip_defrag.h"
#include "unit.h"

#include <stdlib.h>

static int	nfailed;
static char failed_code[32];
static size_t failed_len;
static uint8_t failed_data[70000];
static bool failed_has_start;

static void
on_failed(void *arg, const ipd_datagram *d, const char *code, const char *detail)
{
	nfailed++;
	snprintf(failed_code, sizeof(failed_code), "%s", code);
	failed_len = d->len;
	memcpy(failed_data, d->data, d->len);
	failed_has_start = d->has_start;
}

static const uint8_t src[16] = {192, 0, 2, 1};
static const uint8_t dst[16] = {192, 0, 2, 53};
static uint8_t payload[70000];

/* Add bytes [off, off + len) of payload as a fragment of datagram id. */
static bool
frag(ipd_table *t, uint32_t id, uint32_t off, size_t len, bool more, int64_t ts,
	 ipd_datagram *out)
{
	ipd_fragment f;

	f.ip_version = 4;
	f.protocol = 17;
	f.src = src;
	f.dst = dst;
	f.id = id;
	f.offset = off;
	f.more = more;
	f.data = payload + off;
	f.len = len;
	f.ts_us = ts;
	f.tag = off;
	return ipd_add(t, &f, out);
}

static ipd_table *
fresh(void)
{
	nfailed = 0;
	return ipd_create(NULL, on_failed, NULL);
}

static void
test_in_order_and_reversed(void)
{
	ipd_table  *t = fresh();
	ipd_datagram d;

	CHECK(!frag(t, 1, 0, 1480, true, 0, &d));
	CHECK(!frag(t, 1, 1480, 1480, true, 0, &d));
	CHECK(frag(t, 1, 2960, 100, false, 0, &d));
	CHECK(d.len == 3060 && memcmp(d.data, payload, 3060) == 0 && d.fragments == 3);
	CHECK(d.has_start && d.first_tag == 0 && d.last_tag == 2960);

	CHECK(!frag(t, 2, 2960, 100, false, 0, &d));
	CHECK(!frag(t, 2, 1480, 1480, true, 0, &d));
	CHECK(frag(t, 2, 0, 1480, true, 0, &d));
	CHECK(d.len == 3060 && memcmp(d.data, payload, 3060) == 0);
	CHECK(ipd_get_stats(t)->reassembled == 2 && nfailed == 0);
	ipd_destroy(t);
}

static void
test_duplicates_and_overlaps(void)
{
	ipd_table  *t = fresh();
	ipd_datagram d;
	ipd_fragment f;
	uint8_t		other[64];

	/* an exact duplicate and an identical overlap are fine */
	CHECK(!frag(t, 3, 0, 64, true, 0, &d));
	CHECK(!frag(t, 3, 0, 64, true, 0, &d));
	CHECK(!frag(t, 3, 32, 64, true, 0, &d));
	CHECK(frag(t, 3, 96, 8, false, 0, &d));
	CHECK(d.len == 104 && memcmp(d.data, payload, 104) == 0);
	CHECK(ipd_get_stats(t)->duplicates == 1);

	/* an overlap with other bytes is never delivered */
	memset(other, 0xEE, sizeof(other));
	CHECK(!frag(t, 4, 0, 64, true, 0, &d));
	f.ip_version = 4;
	f.protocol = 17;
	f.src = src;
	f.dst = dst;
	f.id = 4;
	f.offset = 32;
	f.more = true;
	f.data = other;
	f.len = 64;
	f.ts_us = 0;
	f.tag = 99;
	CHECK(!ipd_add(t, &f, &d));
	CHECK(!frag(t, 4, 96, 8, false, 0, &d));
	CHECK(nfailed == 1 && strcmp(failed_code, "frag-overlap") == 0);
	/* the first bytes received are the ones kept */
	CHECK(failed_len == 104 && memcmp(failed_data, payload, 64) == 0 &&
		  memcmp(failed_data + 64, other + 32, 32) == 0);

	/* two last fragments that disagree: reported once the chain is covered */
	CHECK(!frag(t, 5, 64, 8, false, 0, &d));
	CHECK(!frag(t, 5, 64, 16, false, 0, &d));
	CHECK(nfailed == 1);
	CHECK(!frag(t, 5, 0, 64, true, 0, &d));
	CHECK(nfailed == 2 && strcmp(failed_code, "frag-overlap") == 0 && failed_len == 80);
	ipd_destroy(t);
}

static void
test_incomplete(void)
{
	ipd_table  *t = fresh();
	ipd_datagram d;

	/* a missing middle: flushed at the end, the bytes held in offset order */
	CHECK(!frag(t, 6, 2960, 100, false, 0, &d));
	CHECK(!frag(t, 6, 0, 1480, true, 0, &d));
	ipd_flush(t);
	CHECK(nfailed == 1 && strcmp(failed_code, "frag-incomplete") == 0);
	CHECK(failed_len == 1580 && failed_has_start &&
		  memcmp(failed_data, payload, 1480) == 0 &&
		  memcmp(failed_data + 1480, payload + 2960, 100) == 0);

	/* a lone last fragment: no start, so no ports */
	CHECK(!frag(t, 7, 2960, 100, false, 0, &d));
	ipd_flush(t);
	CHECK(nfailed == 2 && !failed_has_start && failed_len == 100);
	ipd_destroy(t);
}

static void
test_timeout_and_limits(void)
{
	ipd_limits	lim = {.max_chains = 2,.max_bytes = 1 << 20,.max_fragments = 4,.timeout_us = 1000000};
	ipd_table  *t;
	ipd_datagram d;

	nfailed = 0;
	t = ipd_create(&lim, on_failed, NULL);
	/* a chain older than the timeout is given up by a later fragment */
	CHECK(!frag(t, 8, 0, 64, true, 0, &d));
	CHECK(!frag(t, 9, 0, 64, true, 2000000, &d));
	CHECK(nfailed == 1 && strcmp(failed_code, "frag-incomplete") == 0);
	/* a third chain evicts the oldest */
	CHECK(!frag(t, 10, 0, 64, true, 2000001, &d));
	CHECK(!frag(t, 11, 0, 64, true, 2000002, &d));
	CHECK(nfailed == 2);
	/* too many fragments in one chain */
	CHECK(!frag(t, 12, 0, 8, true, 2000003, &d));
	CHECK(!frag(t, 12, 8, 8, true, 2000003, &d));
	CHECK(!frag(t, 12, 16, 8, true, 2000003, &d));
	CHECK(!frag(t, 12, 24, 8, true, 2000003, &d));
	CHECK(!frag(t, 12, 32, 8, false, 2000003, &d));
	CHECK(nfailed == 4 && strcmp(failed_code, "frag-too-many") == 0 && failed_len == 32);
	ipd_expire(t, 10000000);
	CHECK(nfailed == 5 && strcmp(failed_code, "frag-incomplete") == 0);
	/* beyond 65535 bytes */
	CHECK(!frag(t, 13, 65528, 16, false, 10000000, &d));
	ipd_flush(t);
	CHECK(nfailed == 6 && strcmp(failed_code, "frag-too-big") == 0);
	ipd_destroy(t);
}

static void
test_keys(void)
{
	ipd_table  *t = fresh();
	ipd_datagram d;
	ipd_fragment f;
	uint8_t		v6src[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 1};

	/* same id from another address, or over IPv6, is another datagram */
	CHECK(!frag(t, 14, 0, 64, true, 0, &d));
	f.ip_version = 6;
	f.protocol = 17;
	f.src = v6src;
	f.dst = dst;
	f.id = 14;
	f.offset = 64;
	f.more = false;
	f.data = payload + 64;
	f.len = 8;
	f.ts_us = 0;
	f.tag = 1;
	CHECK(!ipd_add(t, &f, &d));
	CHECK(frag(t, 14, 64, 8, false, 0, &d) && d.len == 72 && d.ip_version == 4);
	ipd_flush(t);
	CHECK(nfailed == 1);
	ipd_destroy(t);
}

int
main(void)
{
	size_t		i;

	for (i = 0; i < sizeof(payload); i++)
		payload[i] = (uint8_t) (i * 7 + (i >> 8));
	test_in_order_and_reversed();
	test_duplicates_and_overlaps();
	test_incomplete();
	test_timeout_and_limits();
	test_keys();
	UNIT_DONE("ip_defrag");
}
