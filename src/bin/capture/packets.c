/*
 * packets.c
 *		Frames to messages and rejects (see packets.h).
 *
 * The reassemblers report with the caller's packet number as a tag; here
 * the tag is the source index in the top 24 bits and the packet number in
 * the low 40, so that a TCP stream spanning rotated capture files still
 * names the right file in its rejects.
 */
#include "packets.h"

#include "ip_defrag.h"
#include "record.h"
#include "sink.h"
#include "stats.h"
#include "tcp_stream.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TAG_BITS	40
#define MAX_SOURCES (1 << 20)
#define DOT_PORT	853

static const uint8_t *dns_ports;
static ipd_table *defrag;
static tcps_table *streams;
static char **sources;
static int	nsources;
static uint64_t not_dns_chains; /* fragment chains given up that were not DNS */

static inline bool
is_dns_port(uint16_t port)
{
	return (dns_ports[port >> 3] >> (port & 7)) & 1;
}

static inline uint64_t
make_tag(int source, uint64_t number)
{
	return ((uint64_t) source << TAG_BITS) | (number & ((UINT64_C(1) << TAG_BITS) - 1));
}

/* "FILE#N", or "FILE#N-M" for a range of packets of one source. */
static const char *
source_text(uint64_t first, uint64_t last)
{
	static char buf[4096];
	int			src = (int) (last >> TAG_BITS);
	unsigned long long a = first & ((UINT64_C(1) << TAG_BITS) - 1);
	unsigned long long b = last & ((UINT64_C(1) << TAG_BITS) - 1);
	const char *name = src < nsources ? sources[src] : "?";

	if ((first >> TAG_BITS) == (last >> TAG_BITS) && a != b)
		snprintf(buf, sizeof(buf), "%s#%llu-%llu", name, a, b);
	else
		snprintf(buf, sizeof(buf), "%s#%llu", name, b);
	return buf;
}

static void
reject(int64_t ts, uint64_t first_tag, uint64_t last_tag, const char *code,
	   const char *detail, const uint8_t *raw, size_t len)
{
	sink_reject(ts, source_text(first_tag, last_tag), code, detail, raw, len);
}

/* A message whose packet went from src to dst: the QR bit names the client. */
static void
message(uint8_t version, const uint8_t *src, uint16_t sport, const uint8_t *dst,
		uint16_t dport, const char *transport, const uint8_t *msg, size_t len,
		int64_t ts)
{
	cap_message m;
	bool		response = (msg[2] & 0x80) != 0;

	m.ts_us = ts;
	m.ip_version = version;
	m.client = response ? dst : src;
	m.server = response ? src : dst;
	m.client_port = response ? dport : sport;
	m.server_port = response ? sport : dport;
	m.transport = transport;
	m.msg = msg;
	m.len = len;
	sink_message(&m);
}

static void
tcp_message(void *arg, const tcps_origin *o, const uint8_t *msg, size_t len)
{
	message(o->ip_version, o->src, o->sport, o->dst, o->dport, "tcp", msg, len, o->ts_us);
}

static void
tcp_reject(void *arg, const tcps_origin *o, const char *code, const char *detail,
		   const uint8_t *raw, size_t len)
{
	reject(o->ts_us, o->tag, o->tag, code, detail, raw, len);
}

/*
 * A fragment chain given up.  When its first fragment shows UDP or TCP
 * ports and neither is DNS, it was not ours to keep; otherwise (DNS, or
 * ports unknown) its bytes are rejected.
 */
static void
frag_failed(void *arg, const ipd_datagram *d, const char *code, const char *detail)
{
	char		full[200];

	if (d->has_start && d->len >= 4 &&
		(d->protocol == PD_PROTO_UDP || d->protocol == PD_PROTO_TCP))
	{
		uint16_t	sport = (uint16_t) ((d->data[0] << 8) | d->data[1]);
		uint16_t	dport = (uint16_t) ((d->data[2] << 8) | d->data[3]);

		if (!is_dns_port(sport) && !is_dns_port(dport))
		{
			not_dns_chains++;
			return;
		}
	}
	snprintf(full, sizeof(full), "%s (%u fragment%s, %zu bytes%s)", detail, d->fragments,
			 d->fragments == 1 ? "" : "s", d->len, d->has_start ? "" : ", the first one missing");
	reject(d->ts_us, d->first_tag, d->last_tag, code, full, d->data, d->len);
}

bool
packets_init(const uint8_t *ports)
{
	static const tcps_callbacks cb = {tcp_message, tcp_reject};

	dns_ports = ports;
	defrag = ipd_create(NULL, frag_failed, NULL);
	streams = tcps_create(NULL, &cb, NULL);
	sources = calloc(MAX_SOURCES, sizeof(char *));
	if (defrag == NULL || streams == NULL || sources == NULL)
	{
		fprintf(stderr, "pdns-capture: out of memory\n");
		return false;
	}
	return true;
}

int
packets_source(const char *name)
{
	if (nsources == MAX_SOURCES)
		nsources--;				/* a million inputs: the last name is reused */
	free(sources[nsources]);
	sources[nsources] = strdup(name);
	return nsources++;
}

/* A UDP datagram or TCP segment; first_tag..tag are its packets. */
static void
transport(const pd_packet *p, int64_t ts, uint64_t first_tag, uint64_t tag)
{
	if (!is_dns_port(p->sport) && !is_dns_port(p->dport))
	{
		if (p->sport == DOT_PORT || p->dport == DOT_PORT)
			stats.encrypted++;
		else
			stats.other_port++;
		return;
	}
	stats.dns_packets++;

	if (p->protocol == PD_PROTO_UDP)
	{
		if (p->payload_len < p->payload_wire_len)
		{
			char		detail[160];

			snprintf(detail, sizeof(detail), "%s: %zu of the %zu bytes of the UDP payload are in the capture",
					 p->cut ? "the capture's snapshot length cut the packet" : "the frame is shorter than its IP length",
					 p->payload_len, p->payload_wire_len);
			reject(ts, first_tag, tag, p->cut ? "truncated" : "ip-length", detail,
				   p->payload, p->payload_len);
			return;
		}
		if (p->payload_len < 12)
		{
			reject(ts, first_tag, tag, "dns-short",
				   "the UDP payload is shorter than a DNS header (12 bytes)",
				   p->payload, p->payload_len);
			return;
		}
		message(p->ip_version, p->src, p->sport, p->dst, p->dport, "udp",
				p->payload, p->payload_len, ts);
	}
	else
		tcps_add_packet(streams, p, ts, tag);
}

/* An IP fragment: reassemble, and decode the datagram once whole. */
static void
fragment(pd_packet *p, int64_t ts, uint64_t tag)
{
	ipd_datagram d;
	pd_packet	inner;
	pd_status	st;

	if (!ipd_add_packet(defrag, p, ts, tag, &d))
		return;

	memset(&inner, 0, sizeof(inner));
	inner.ip_version = d.ip_version;
	memcpy(inner.src, d.src, 16);
	memcpy(inner.dst, d.dst, 16);
	inner.tunnels = p->tunnels;
	st = pd_decode_transport(d.protocol, d.data, d.len, &inner);
	if (st == PD_TRANSPORT)
		transport(&inner, ts, d.first_tag, d.last_tag);
	else if (st == PD_BAD)
		reject(ts, d.first_tag, d.last_tag, inner.reject_code, inner.reject_detail, d.data, d.len);
	else if (st == PD_FRAGMENT)
		fragment(&inner, ts, d.last_tag);	/* a fragment inside a tunnel */
	else if (st == PD_NOT_IP)
		stats.not_ip++;
	else
		stats.other_protocol++;
}

void
packets_frame(pd_link link, const uint8_t *frame, size_t caplen, size_t wirelen,
			  int64_t ts_us, int source, uint64_t number)
{
	pd_packet	p;
	uint64_t	tag = make_tag(source, number);

	stats.packets++;
	switch (pd_decode(link, frame, caplen, wirelen, &p))
	{
		case PD_TRANSPORT:
			transport(&p, ts_us, tag, tag);
			break;
		case PD_FRAGMENT:
			stats.fragments++;
			fragment(&p, ts_us, tag);
			break;
		case PD_NOT_IP:
			stats.not_ip++;
			break;
		case PD_OTHER_PROTOCOL:
			stats.other_protocol++;
			break;
		case PD_BAD:
			stats.bad_frames++;
			reject(ts_us, tag, tag, p.reject_code, p.reject_detail, frame, caplen);
			break;
	}
}

void
packets_idle(int64_t now_us)
{
	ipd_expire(defrag, now_us);
	tcps_expire(streams, now_us);
}

void
packets_finish(void)
{
	const ipd_stats *is;
	const tcps_stats *ts;

	ipd_flush(defrag);
	tcps_flush(streams);
	is = ipd_get_stats(defrag);
	ts = tcps_get_stats(streams);
	stats_extra("fragments.received", is->fragments);
	stats_extra("fragments.reassembled", is->reassembled);
	stats_extra("fragments.given-up", is->failed);
	stats_extra("fragments.given-up-not-dns", not_dns_chains);
	stats_extra("tcp.streams", ts->flows);
	stats_extra("tcp.segments", ts->segments);
	stats_extra("tcp.gaps", ts->gaps);
	stats_extra("tcp.bytes-missing", ts->bytes_missing);
	stats_extra("tcp.resyncs", ts->resyncs);
	stats_extra("tcp.out-of-order", ts->out_of_order);
	stats_extra("tcp.retransmitted-bytes", ts->retransmitted);
	stats_extra("tcp.expired", ts->expired);
	stats_extra("tcp.evicted", ts->evicted);
	ipd_destroy(defrag);
	tcps_destroy(streams);
	defrag = NULL;
	streams = NULL;
}
