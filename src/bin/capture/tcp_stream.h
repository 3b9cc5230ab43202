/*
 * tcp_stream.h
 *		DNS messages out of captured TCP segments: per-flow reassembly and the
 *		2-byte length framing of DNS over TCP (RFC 1035 §4.2.2, RFC 7766).
 *
 * Each direction of a flow is a byte stream.  Segments are put in order
 * (retransmitted bytes dropped, early ones held), the stream is cut into
 * messages at the length prefixes, and every complete message is handed to
 * the "message" callback -- several per segment, or one spread over many.
 *
 * Bytes the capture missed make a gap.  A gap is only declared when it is
 * certain: the peer acknowledged bytes beyond it, the flow closed or
 * expired, the input ended, or too much data waits behind it.  Then:
 *	- the message with the hole is rejected ("tcp-gap") with every byte of
 *	  it that was captured; if its length prefix was seen, framing resumes
 *	  exactly after it;
 *	- otherwise framing is lost, and the stream is hunted for the next
 *	  segment that starts with a plausible DNS message (a length of at least
 *	  12, a header whose counts fit that length, a first owner name made of
 *	  valid labels, a known class); the bytes skipped are rejected as
 *	  "tcp-unframed".
 * A flow first seen without its SYN is hunted the same way, since the
 * capture may begin mid-message.  A stream that ends inside a message
 * rejects what it has ("tcp-incomplete").
 *
 * Memory is bounded by a flow limit, a per-direction limit on held bytes
 * and a global one; flows idle longer than the timeout (by packet time) are
 * closed.  When a limit is hit the least recently active flow is closed
 * first.  Pure C core: no libpcap types.
 */
#ifndef PDNS_TCP_STREAM_H
#define PDNS_TCP_STREAM_H

#include "packet_decode.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct tcps_limits
{
	size_t		max_flows;		/* flows tracked at once */
	size_t		max_held;		/* bytes one direction may hold out of order or unframed */
	size_t		max_total;		/* bytes all flows may hold */
	int64_t		idle_timeout_us;	/* a flow idle this long is closed */
} tcps_limits;

/* One captured TCP segment. */
typedef struct tcps_segment
{
	uint8_t		ip_version;		/* 4 or 6 */
	const uint8_t *src;			/* 16 bytes; IPv4 in the first 4 */
	const uint8_t *dst;
	uint16_t	sport;
	uint16_t	dport;
	uint32_t	seq;
	uint32_t	ack;
	uint8_t		flags;			/* PD_TCP_* bits of packet_decode.h */
	const uint8_t *payload;		/* the captured payload */
	size_t		len;
	size_t		wire_len;		/* the payload's real length (> len: cut by the capture) */
	int64_t		ts_us;			/* capture time, microseconds since 1970 */
	uint64_t	tag;			/* the caller's packet number */
} tcps_segment;

/*
 * Where a message or a reject comes from: the direction its bytes flowed
 * in, and the packet that completed it (for rejects, the last packet that
 * contributed).
 */
typedef struct tcps_origin
{
	uint8_t		ip_version;
	const uint8_t *src;
	const uint8_t *dst;
	uint16_t	sport;
	uint16_t	dport;
	int64_t		ts_us;
	uint64_t	tag;
} tcps_origin;

typedef struct tcps_callbacks
{
	/* One complete DNS message, without its length prefix. */
	void		(*message) (void *arg, const tcps_origin *o, const uint8_t *msg, size_t len);
	/* Bytes that could not be framed; code is short, detail a sentence. */
	void		(*reject) (void *arg, const tcps_origin *o, const char *code,
						   const char *detail, const uint8_t *raw, size_t len);
} tcps_callbacks;

typedef struct tcps_stats
{
	uint64_t	flows;			/* flows opened */
	uint64_t	segments;		/* segments added */
	uint64_t	messages;		/* messages delivered */
	uint64_t	gaps;			/* gaps declared */
	uint64_t	bytes_missing;	/* stream bytes in those gaps */
	uint64_t	retransmitted;	/* segment bytes seen before */
	uint64_t	out_of_order;	/* segments held for later */
	uint64_t	resyncs;		/* times framing was found by hunting */
	uint64_t	evicted;		/* flows closed early by a limit */
	uint64_t	expired;		/* flows closed by the idle timeout */
} tcps_stats;

typedef struct tcps_table tcps_table;

/* A table with the given limits (NULL: defaults); NULL when out of memory. */
extern tcps_table *tcps_create(const tcps_limits *limits, const tcps_callbacks *cb, void *arg);

/* Free a table, dropping whatever it holds (call tcps_flush first to report it). */
extern void tcps_destroy(tcps_table *t);

/* Add one segment. */
extern void tcps_add(tcps_table *t, const tcps_segment *seg);

/* Add the TCP segment packet_decode found (p->protocol is PD_PROTO_TCP). */
extern void tcps_add_packet(tcps_table *t, const pd_packet *p, int64_t ts_us, uint64_t tag);

/* Close the flows idle since before now_us - timeout. */
extern void tcps_expire(tcps_table *t, int64_t now_us);

/* Close every flow (end of input): gaps are declared, partial data rejected. */
extern void tcps_flush(tcps_table *t);

extern const tcps_stats *tcps_get_stats(const tcps_table *t);

/*
 * Whether p (avail bytes of a stream) plausibly starts a length-prefixed DNS
 * message: 1 yes, 0 no, -1 cannot tell yet (more bytes needed).  Exposed for
 * the unit tests.
 */
extern int	tcps_plausible_start(const uint8_t *p, size_t avail);

#endif							/* PDNS_TCP_STREAM_H */
