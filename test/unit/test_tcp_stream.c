/*
 * test_tcp_stream.c
 *		Unit tests of DNS-over-TCP reassembly: framing, reordering,
 *		retransmissions, gaps and resynchronisation, stream ends, limits.
 */
#include "packet_decode.h"
#include "tcp_stream.h"
#include "unit.h"

#include <stdlib.h>

#define MAXEV 64

/* What the callbacks saw, in order. */
typedef struct event
{
	char		kind;			/* 'M' message, 'R' reject */
	char		code[32];
	uint8_t		data[512];
	size_t		len;
	uint16_t	sport;
	uint64_t	tag;
} event;

static event ev[MAXEV];
static int	nev;

static void
on_message(void *arg, const tcps_origin *o, const uint8_t *msg, size_t len)
{
	if (nev == MAXEV)
		return;
	ev[nev].kind = 'M';
	ev[nev].code[0] = '\0';
	memcpy(ev[nev].data, msg, len < 512 ? len : 512);
	ev[nev].len = len;
	ev[nev].sport = o->sport;
	ev[nev].tag = o->tag;
	nev++;
}

static void
on_reject(void *arg, const tcps_origin *o, const char *code, const char *detail,
		  const uint8_t *raw, size_t len)
{
	if (nev == MAXEV)
		return;
	ev[nev].kind = 'R';
	snprintf(ev[nev].code, sizeof(ev[nev].code), "%s", code);
	memcpy(ev[nev].data, raw, len < 512 ? len : 512);
	ev[nev].len = len;
	ev[nev].sport = o->sport;
	ev[nev].tag = o->tag;
	nev++;
}

static const tcps_callbacks cb = {on_message, on_reject};
static const uint8_t client[16] = {10, 0, 0, 1};
static const uint8_t server[16] = {10, 0, 0, 53};
static uint64_t packet_no;
static int64_t clock_us = 1000000;

/* One segment from the client (dir 0) or the server (dir 1). */
static void
seg(tcps_table *t, int from_server, uint32_t seq, uint32_t ack, uint8_t flags,
	const uint8_t *data, size_t len)
{
	tcps_segment s;

	s.ip_version = 4;
	s.src = from_server ? server : client;
	s.dst = from_server ? client : server;
	s.sport = from_server ? 53 : 40000;
	s.dport = from_server ? 40000 : 53;
	s.seq = seq;
	s.ack = ack;
	s.flags = flags;
	s.payload = data;
	s.len = len;
	s.wire_len = len;
	s.ts_us = clock_us;
	s.tag = ++packet_no;
	clock_us += 1000;
	tcps_add(t, &s);
}

/*
 * A DNS query for a.example (id given) with its length prefix, written at
 * out; returns the total length (2 + 27).
 */
static size_t
query(uint8_t *out, uint16_t id)
{
	static const uint8_t body[] = {
		0, 0, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0,
		1, 'a', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 0, 0, 1, 0, 1
	};

	out[0] = 0;
	out[1] = sizeof(body);
	memcpy(out + 2, body, sizeof(body));
	out[2] = (uint8_t) (id >> 8);
	out[3] = (uint8_t) id;
	return 2 + sizeof(body);
}

static tcps_table *
fresh(void)
{
	nev = 0;
	return tcps_create(NULL, &cb, NULL);
}

/* Handshake: client ISN 1000, server ISN 5000. */
static void
handshake(tcps_table *t)
{
	seg(t, 0, 1000, 0, PD_TCP_SYN, NULL, 0);
	seg(t, 1, 5000, 1001, PD_TCP_SYN | PD_TCP_ACK, NULL, 0);
	seg(t, 0, 1001, 5001, PD_TCP_ACK, NULL, 0);
}

static void
test_plausible(void)
{
	uint8_t		q[64];
	size_t		n = query(q, 7);

	CHECK(tcps_plausible_start(q, n) == 1);
	CHECK(tcps_plausible_start(q, 1) == -1);
	CHECK(tcps_plausible_start(q, 13) == -1);	/* header not complete */
	CHECK(tcps_plausible_start(q, 16) == -1);	/* first name not complete */
	q[1] = 11;					/* shorter than a header */
	CHECK(tcps_plausible_start(q, n) == 0);
	n = query(q, 7);
	q[4] = 0x18;				/* opcode 3: unassigned */
	CHECK(tcps_plausible_start(q, n) == 0);
	n = query(q, 7);
	q[5] |= 0x40;				/* Z bit */
	CHECK(tcps_plausible_start(q, n) == 0);
	n = query(q, 7);
	q[14] = 0xC0;				/* a pointer as the first label */
	CHECK(tcps_plausible_start(q, n) == 0);
	n = query(q, 7);
	q[n - 1] = 9;				/* class 9 */
	CHECK(tcps_plausible_start(q, n) == 0);
	n = query(q, 7);
	q[8] = 0x10;				/* 4096 answers cannot fit in 27 bytes */
	CHECK(tcps_plausible_start(q, n) == 0);
}

static void
test_several_per_segment(void)
{
	tcps_table *t = fresh();
	uint8_t		buf[256];
	size_t		n = 0;

	handshake(t);
	n += query(buf + n, 1);
	n += query(buf + n, 2);
	n += query(buf + n, 3);
	seg(t, 0, 1001, 5001, PD_TCP_ACK | 0x08, buf, n);
	CHECK(nev == 3);
	CHECK(ev[0].kind == 'M' && ev[0].len == 27 && ev[0].data[1] == 1);
	CHECK(ev[2].kind == 'M' && ev[2].data[1] == 3 && ev[2].tag == packet_no);
	tcps_destroy(t);
}

static void
test_split_across_segments(void)
{
	tcps_table *t = fresh();
	uint8_t		buf[256];
	size_t		n = query(buf, 9);

	handshake(t);
	n += query(buf + n, 10);
	/* 1 byte, then the rest of the prefix and 10 bytes, then the rest */
	seg(t, 0, 1001, 5001, PD_TCP_ACK, buf, 1);
	seg(t, 0, 1002, 5001, PD_TCP_ACK, buf + 1, 11);
	CHECK(nev == 0);
	seg(t, 0, 1013, 5001, PD_TCP_ACK, buf + 12, n - 12 - 5);
	CHECK(nev == 1 && ev[0].kind == 'M' && ev[0].data[1] == 9);
	seg(t, 0, 1001 + (uint32_t) n - 5, 5001, PD_TCP_ACK, buf + n - 5, 5);
	CHECK(nev == 2 && ev[1].kind == 'M' && ev[1].data[1] == 10 && ev[1].len == 27);
	tcps_destroy(t);
}

static void
test_out_of_order_and_retransmission(void)
{
	tcps_table *t = fresh();
	uint8_t		buf[256];
	size_t		n = query(buf, 1);

	handshake(t);
	n += query(buf + n, 2);
	/* second half first, then the first half twice, then an overlap */
	seg(t, 0, 1001 + 20, 5001, PD_TCP_ACK, buf + 20, n - 20);
	CHECK(nev == 0);
	seg(t, 0, 1001, 5001, PD_TCP_ACK, buf, 20);
	CHECK(nev == 2 && ev[0].data[1] == 1 && ev[1].data[1] == 2);
	seg(t, 0, 1001, 5001, PD_TCP_ACK, buf, 20);
	seg(t, 0, 1001 + 10, 5001, PD_TCP_ACK, buf + 10, n - 10);
	CHECK(nev == 2);
	CHECK(tcps_get_stats(t)->retransmitted == 20 + n - 10);
	/* overlapping held segments keep the first bytes */
	n = query(buf, 3);
	n += query(buf + n, 4);
	seg(t, 0, 1059 + 30, 5001, PD_TCP_ACK, buf + 30, 20);
	seg(t, 0, 1059 + 25, 5001, PD_TCP_ACK, buf + 25, n - 25);
	seg(t, 0, 1059, 5001, PD_TCP_ACK, buf, 25);
	CHECK(nev == 4 && ev[2].data[1] == 3 && ev[3].data[1] == 4);
	tcps_destroy(t);
}

/* A hole inside a message whose prefix was seen: exact resynchronisation. */
static void
test_gap_inside_message(void)
{
	tcps_table *t = fresh();
	uint8_t		buf[256];
	size_t		n = query(buf, 1);

	handshake(t);
	n += query(buf + n, 2);
	seg(t, 0, 1001, 5001, PD_TCP_ACK, buf, 10);
	/* bytes 10..19 never captured; the rest arrives and waits */
	seg(t, 0, 1001 + 20, 5001, PD_TCP_ACK, buf + 20, n - 20);
	CHECK(nev == 0);
	/* the server acknowledges everything: the hole is certain */
	seg(t, 1, 5001, 1001 + (uint32_t) n, PD_TCP_ACK, NULL, 0);
	CHECK(nev == 2);
	CHECK(ev[0].kind == 'R' && strcmp(ev[0].code, "tcp-gap") == 0);
	CHECK(ev[0].len == 29 - 10 && memcmp(ev[0].data, buf, 10) == 0 &&
		  memcmp(ev[0].data + 10, buf + 20, 9) == 0);
	CHECK(ev[1].kind == 'M' && ev[1].data[1] == 2);
	CHECK(tcps_get_stats(t)->gaps == 1 && tcps_get_stats(t)->bytes_missing == 10);
	tcps_destroy(t);
}

/* A hole over a message boundary: hunting finds the next message. */
static void
test_gap_over_boundary(void)
{
	tcps_table *t = fresh();
	uint8_t		buf[256];
	size_t		n = 0;
	int			i;

	handshake(t);
	for (i = 1; i <= 4; i++)
		n += query(buf + n, (uint16_t) i);
	/*
	 * Message 1 and 5 bytes of message 2 arrive; bytes 34..62 (the rest of
	 * message 2 and the start of message 3) are lost; the rest of message 3
	 * and message 4 arrive in their own segments.
	 */
	seg(t, 0, 1001, 5001, PD_TCP_ACK, buf, 34);
	seg(t, 0, 1001 + 63, 5001, PD_TCP_ACK, buf + 63, 87 - 63);
	seg(t, 0, 1001 + 87, 5001, PD_TCP_ACK, buf + 87, n - 87);
	CHECK(nev == 1 && ev[0].kind == 'M' && ev[0].data[1] == 1);
	seg(t, 1, 5001, 1001 + (uint32_t) n, PD_TCP_ACK, NULL, 0);
	CHECK(nev == 4);
	CHECK(ev[1].kind == 'R' && strcmp(ev[1].code, "tcp-gap") == 0 && ev[1].len == 5);
	CHECK(ev[2].kind == 'R' && strcmp(ev[2].code, "tcp-unframed") == 0 && ev[2].len == 24 &&
		  memcmp(ev[2].data, buf + 63, 24) == 0);
	CHECK(ev[3].kind == 'M' && ev[3].data[1] == 4);
	CHECK(tcps_get_stats(t)->resyncs == 1 && tcps_get_stats(t)->bytes_missing == 29);
	tcps_destroy(t);
}

/* A hole ending exactly at a message boundary keeps the framing. */
static void
test_gap_to_boundary(void)
{
	tcps_table *t = fresh();
	uint8_t		buf[256];
	size_t		n = 0;
	int			i;

	handshake(t);
	for (i = 1; i <= 3; i++)
		n += query(buf + n, (uint16_t) i);
	seg(t, 0, 1001, 5001, PD_TCP_ACK, buf, 34);
	seg(t, 0, 1001 + 58, 5001, PD_TCP_ACK, buf + 58, n - 58);
	seg(t, 1, 5001, 1001 + (uint32_t) n, PD_TCP_ACK, NULL, 0);
	CHECK(nev == 3 && ev[1].kind == 'R' && strcmp(ev[1].code, "tcp-gap") == 0);
	CHECK(ev[2].kind == 'M' && ev[2].data[1] == 3);
	CHECK(tcps_get_stats(t)->resyncs == 0);
	tcps_destroy(t);
}

/* Hunting skips a segment that is not a message start. */
static void
test_no_syn_mid_message(void)
{
	tcps_table *t = fresh();
	uint8_t		buf[256];
	size_t		n = query(buf, 0xE7AF);

	/* the capture starts with the body of a message, its prefix lost */
	seg(t, 0, 7000, 9000, PD_TCP_ACK, buf + 2, n - 2);
	CHECK(nev == 1 && ev[0].kind == 'R' && strcmp(ev[0].code, "tcp-unframed") == 0 &&
		  ev[0].len == n - 2);
	/* then a prefix alone, then its message */
	n = query(buf, 5);
	seg(t, 0, 7000 + 27, 9000, PD_TCP_ACK, buf, 2);
	CHECK(nev == 1);
	seg(t, 0, 7000 + 29, 9000, PD_TCP_ACK, buf + 2, n - 2);
	CHECK(nev == 2 && ev[1].kind == 'M' && ev[1].data[1] == 5);
	tcps_destroy(t);
}

static void
test_stream_ends_inside_message(void)
{
	tcps_table *t = fresh();
	uint8_t		buf[256];
	size_t		n = query(buf, 1);

	handshake(t);
	seg(t, 0, 1001, 5001, PD_TCP_ACK, buf, n - 4);
	seg(t, 0, 1001 + (uint32_t) n - 4, 5001, PD_TCP_ACK | PD_TCP_FIN, NULL, 0);
	CHECK(nev == 1 && ev[0].kind == 'R' && strcmp(ev[0].code, "tcp-incomplete") == 0 &&
		  ev[0].len == n - 4);
	tcps_destroy(t);

	/* RST ends both directions at once */
	t = fresh();
	handshake(t);
	seg(t, 1, 5001, 1001, PD_TCP_ACK, buf, 7);
	seg(t, 0, 1001, 5001, PD_TCP_RST, NULL, 0);
	CHECK(nev == 1 && ev[0].kind == 'R' && strcmp(ev[0].code, "tcp-incomplete") == 0 &&
		  ev[0].sport == 53);
	tcps_destroy(t);

	/* what is held at the end of the input is rejected by tcps_flush */
	t = fresh();
	handshake(t);
	seg(t, 0, 1001, 5001, PD_TCP_ACK, buf, 1);
	CHECK(nev == 0);
	tcps_flush(t);
	CHECK(nev == 1 && strcmp(ev[0].code, "tcp-incomplete") == 0 && ev[0].len == 1);
	tcps_destroy(t);
}

/*
 * A length prefix below 12 cannot start a DNS message: framing is lost, the
 * bytes up to the next plausible segment start are rejected.
 */
static void
test_short_prefix(void)
{
	tcps_table *t = fresh();
	uint8_t		buf[256] = {0, 3, 'a', 'b', 'c'};
	size_t		n = 5 + query(buf + 5, 4);

	handshake(t);
	seg(t, 0, 1001, 5001, PD_TCP_ACK, buf, n);
	CHECK(nev == 1 && ev[0].kind == 'R' && strcmp(ev[0].code, "tcp-unframed") == 0 &&
		  ev[0].len == n);
	seg(t, 0, 1001 + (uint32_t) n, 5001, PD_TCP_ACK, buf + 5, n - 5);
	CHECK(nev == 2 && ev[1].kind == 'M' && ev[1].data[1] == 4);
	tcps_destroy(t);
}

/* Sequence numbers wrap around 2^32 in the middle of a message. */
static void
test_wraparound(void)
{
	tcps_table *t = fresh();
	uint8_t		buf[256];
	size_t		n = query(buf, 8);
	uint32_t	isn = 0xFFFFFFF0u;

	seg(t, 0, isn, 0, PD_TCP_SYN, NULL, 0);
	seg(t, 0, isn + 1 + 10, 0, PD_TCP_ACK, buf + 10, n - 10);
	seg(t, 0, isn + 1, 0, PD_TCP_ACK, buf, 10);
	CHECK(nev == 1 && ev[0].kind == 'M' && ev[0].data[1] == 8);
	tcps_destroy(t);
}

/* A new SYN on the same addresses and ports starts a new connection. */
static void
test_port_reuse(void)
{
	tcps_table *t = fresh();
	uint8_t		buf[256];
	size_t		n = query(buf, 1);

	handshake(t);
	seg(t, 0, 1001, 5001, PD_TCP_ACK, buf, 5);
	seg(t, 0, 77000, 0, PD_TCP_SYN, NULL, 0);
	CHECK(nev == 1 && strcmp(ev[0].code, "tcp-incomplete") == 0);
	seg(t, 0, 77001, 0, PD_TCP_ACK, buf, n);
	CHECK(nev == 2 && ev[1].kind == 'M');
	CHECK(tcps_get_stats(t)->flows == 2);
	tcps_destroy(t);
}

/* Limits: idle flows expire, the flow table and held bytes are bounded. */
static void
test_limits(void)
{
	tcps_limits lim = {.max_flows = 2,.max_held = 0,.max_total = 1 << 20,.idle_timeout_us = 5000000};
	tcps_table *t;
	uint8_t		buf[256];
	tcps_segment s;
	uint8_t		addr[16] = {192, 0, 2, 0};
	int			i;

	nev = 0;
	t = tcps_create(&lim, &cb, NULL);
	query(buf, 1);
	/* three flows each holding a partial message: the oldest is evicted */
	for (i = 0; i < 3; i++)
	{
		memset(&s, 0, sizeof(s));
		addr[3] = (uint8_t) (i + 1);
		s.ip_version = 4;
		s.src = addr;
		s.dst = server;
		s.sport = 1000;
		s.dport = 53;
		s.seq = 1;
		s.flags = PD_TCP_ACK;
		s.payload = buf;
		s.len = 4;
		s.wire_len = 4;
		s.ts_us = clock_us;
		tcps_add(t, &s);
	}
	CHECK(tcps_get_stats(t)->evicted == 1);
	CHECK(nev == 1 && strcmp(ev[0].code, "tcp-unframed") == 0);
	/* ten seconds later the other two have expired */
	tcps_expire(t, clock_us + 10000000);
	CHECK(tcps_get_stats(t)->expired == 2 && nev == 3);
	tcps_destroy(t);
}

/* Held segments beyond the per-direction limit force the hole. */
static void
test_hold_limit(void)
{
	tcps_limits lim = {.max_flows = 16,.max_held = 70000,.max_total = 1 << 24,.idle_timeout_us = 60000000};
	tcps_table *t;
	uint8_t    *big = calloc(1, 80000);
	uint8_t		buf[64];
	size_t		n = query(buf, 6);

	nev = 0;
	t = tcps_create(&lim, &cb, NULL);
	handshake(t);
	/* a hole of 100 bytes, then a plausible message and 80000 bytes after it */
	memcpy(big, buf, n);
	seg(t, 0, 1001 + 100, 5001, PD_TCP_ACK, big, 40000);
	CHECK(nev == 0);
	seg(t, 0, 1001 + 100 + 40000, 5001, PD_TCP_ACK, big + 40000, 40000);
	CHECK(tcps_get_stats(t)->gaps == 1);
	/* the message after the hole, then the zeros, one reject per segment */
	CHECK(nev == 3 && ev[0].kind == 'M' && ev[0].data[1] == 6);
	CHECK(ev[1].kind == 'R' && strcmp(ev[1].code, "tcp-unframed") == 0 && ev[1].len == 40000 - n);
	CHECK(ev[2].kind == 'R' && strcmp(ev[2].code, "tcp-unframed") == 0 && ev[2].len == 40000);
	tcps_destroy(t);
	free(big);
}

int
main(void)
{
	test_plausible();
	test_several_per_segment();
	test_split_across_segments();
	test_out_of_order_and_retransmission();
	test_gap_inside_message();
	test_gap_over_boundary();
	test_gap_to_boundary();
	test_no_syn_mid_message();
	test_stream_ends_inside_message();
	test_short_prefix();
	test_wraparound();
	test_port_reuse();
	test_limits();
	test_hold_limit();
	UNIT_DONE("tcp_stream");
}
