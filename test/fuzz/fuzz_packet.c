/*
 * fuzz_packet.c
 *		libFuzzer harness for the capture core: frame decoding, IP fragment
 *		reassembly and DNS-over-TCP reassembly, fed a sequence of frames.
 *
 * Input: one byte choosing the link type, then frames, each as a 2-byte
 * big-endian length and that many bytes (the last one takes what is left).
 * A length with its top bit set also moves the clock ten minutes on, so
 * that timeouts fire.  The tables are small, so that eviction does too.
 *
 * Properties checked:
 *	- nothing crashes, hangs, leaks or overflows (ASan/UBSan);
 *	- a decoded payload lies inside its frame, within the announced length;
 *	- a reassembled datagram is at most 65535 bytes and decodes like a frame;
 *	- every TCP message is 12..65535 bytes, every reject holds at most the
 *	  bytes the reassembler was given.
 */
#include "ip_defrag.h"
#include "packet_decode.h"
#include "tcp_stream.h"

#include <stdlib.h>
#include <string.h>

static size_t fed;				/* TCP payload bytes given to the reassembler */

static void
on_message(void *arg, const tcps_origin *o, const uint8_t *msg, size_t len)
{
	if (len < 12 || len > 65535 || msg == NULL)
		abort();
	if (o->src == NULL || o->dst == NULL)
		abort();
}

static void
on_reject(void *arg, const tcps_origin *o, const char *code, const char *detail,
		  const uint8_t *raw, size_t len)
{
	if (code == NULL || detail == NULL || len > fed)
		abort();
	if (len > 0 && raw == NULL)
		abort();
}

static void
on_failed(void *arg, const ipd_datagram *d, const char *code, const char *detail)
{
	if (d->len > 65535 || code == NULL || detail == NULL)
		abort();
}

static void
transport(tcps_table *streams, const pd_packet *p, int64_t ts)
{
	if (p->payload_len > p->payload_wire_len)
		abort();
	if (p->protocol != PD_PROTO_TCP)
		return;
	fed += p->payload_len;
	tcps_add_packet(streams, p, ts, 0);
}

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const tcps_callbacks cb = {on_message, on_reject};
	tcps_limits tl = {.max_flows = 8,.max_held = 4096,.max_total = 1 << 20,.idle_timeout_us = 60000000};
	ipd_limits	il = {.max_chains = 4,.max_bytes = 1 << 18,.max_fragments = 16,.timeout_us = 30000000};
	tcps_table *streams;
	ipd_table  *defrag;
	pd_link		link;
	int64_t		ts = 1000000;

	if (size < 1)
		return 0;
	link = (pd_link) (data[0] % (PD_LINK_LOOP + 1));
	data++;
	size--;
	fed = 0;
	streams = tcps_create(&tl, &cb, NULL);
	defrag = ipd_create(&il, on_failed, NULL);

	while (size >= 2)
	{
		size_t		len = ((size_t) (data[0] & 0x7F) << 8) | data[1];
		size_t		wire;
		pd_packet	p;
		ipd_datagram d;
		pd_status	st;

		ts += (data[0] & 0x80) ? 600000000 : 1000;
		data += 2;
		size -= 2;
		if (len > size)
			len = size;
		wire = len + (len & 3);	/* sometimes pretend the capture cut the frame */
		st = pd_decode(link, data, len, wire, &p);
		if ((st == PD_TRANSPORT || st == PD_FRAGMENT) &&
			(p.payload < data || p.payload + p.payload_len > data + len))
			abort();
		if (st == PD_BAD && (p.reject_code == NULL || p.reject_detail == NULL))
			abort();
		if (st == PD_TRANSPORT)
			transport(streams, &p, ts);
		else if (st == PD_FRAGMENT)
		{
			if (ipd_add_packet(defrag, &p, ts, 0, &d))
			{
				pd_packet	inner;

				if (d.len > 65535)
					abort();
				memset(&inner, 0, sizeof(inner));
				inner.ip_version = d.ip_version;
				memcpy(inner.src, d.src, 16);
				memcpy(inner.dst, d.dst, 16);
				if (pd_decode_transport(d.protocol, d.data, d.len, &inner) == PD_TRANSPORT)
				{
					if (inner.payload < d.data || inner.payload + inner.payload_len > d.data + d.len)
						abort();
					transport(streams, &inner, ts);
				}
			}
		}
		data += len;
		size -= len;
	}
	tcps_expire(streams, ts + 1);
	ipd_expire(defrag, ts + 1);
	tcps_flush(streams);
	ipd_flush(defrag);
	tcps_destroy(streams);
	ipd_destroy(defrag);
	return 0;
}
