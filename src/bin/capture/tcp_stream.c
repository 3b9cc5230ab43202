/*
 * tcp_stream.c
 *		Per-flow TCP reassembly and DNS length framing (see tcp_stream.h).
 *
 * A direction is in one of three states:
 *	SYNCED	the next stream byte is known to be a message boundary or to sit
 *			inside the message being assembled (buf holds its captured bytes,
 *			length prefix included; got counts its stream bytes so far,
 *			captured or missing; need is 2 + its length once known);
 *	HUNTING	no boundary is known: buf holds the bytes since hunting began and
 *			cand[] the offsets in it where segments started; the first
 *			candidate that plausibly starts a message ends the hunt;
 *	CLOSED	the stream ended; later bytes are ignored.
 * In-order data that holds whole messages is framed straight from the
 * segment, without a copy.  Segments ahead of the stream wait in a sorted
 * list (overlaps trimmed, first bytes kept) until the hole before them is
 * filled or declared lost.
 */
#include "tcp_stream.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_CAND		64		/* candidate message starts while hunting */
#define MAX_OOO_SEGS	1024	/* segments one direction holds out of order */
#define SEQ_WINDOW		0x40000000u /* sequence distances beyond this are nonsense */

enum
{
	ST_SYNCED = 1,
	ST_HUNTING,
	ST_CLOSED
};

/* A segment held out of order. */
typedef struct seg_node
{
	struct seg_node *next;
	uint32_t	seq;
	uint32_t	len;
	int64_t		ts_us;
	uint64_t	tag;
	uint8_t		data[];
} seg_node;

typedef struct tcps_dir
{
	uint8_t		state;			/* 0 until the first segment */
	bool		isn_known;
	bool		fin_seen;
	bool		peer_ack_known;
	uint32_t	isn;
	uint32_t	next_seq;		/* the next stream byte expected */
	uint32_t	fin_seq;		/* the sequence number the FIN occupies */
	uint32_t	peer_ack;		/* highest acknowledgement the peer sent */

	uint8_t    *buf;
	uint32_t	len;			/* bytes in buf */
	uint32_t	cap;
	uint32_t	got;			/* SYNCED: stream bytes of the current message */
	uint32_t	need;			/* SYNCED: 2 + its length, 0 while the prefix is incomplete */
	uint32_t	missing;		/* SYNCED: bytes of it lost in gaps */
	uint32_t	missing_at;		/* SYNCED: its offset of the first lost byte */
	uint32_t	cand[MAX_CAND];
	unsigned	ncand;

	seg_node   *ooo;
	uint32_t	ooo_bytes;
	unsigned	ooo_count;

	int64_t		last_ts;		/* of the last bytes that arrived in order */
	uint64_t	last_tag;
} tcps_dir;

typedef struct tcps_flow
{
	struct tcps_flow *hnext;
	struct tcps_flow *lru_prev; /* less recently active */
	struct tcps_flow *lru_next;
	uint32_t	hash;
	uint8_t		ip_version;
	uint8_t		addr[2][16];	/* endpoint 0 is the lower (address, port) */
	uint16_t	port[2];
	int64_t		last_seen;
	tcps_dir	dir[2];			/* dir[i]: bytes sent by endpoint i */
} tcps_flow;

struct tcps_table
{
	tcps_limits lim;
	tcps_callbacks cb;
	void	   *arg;
	tcps_flow **buckets;
	size_t		nbuckets;		/* a power of two */
	size_t		nflows;
	tcps_flow  *lru_head;		/* least recently active */
	tcps_flow  *lru_tail;
	size_t		held;			/* bytes held by all flows */
	tcps_stats	stats;
};

static const tcps_limits default_limits = {
	.max_flows = 65536,
	.max_held = 256 * 1024,
	.max_total = 256 * 1024 * 1024,
	.idle_timeout_us = 120 * 1000000LL,
};

static void dir_deliver(tcps_table *t, tcps_flow *f, int di, const uint8_t *p,
						size_t n, int64_t ts, uint64_t tag);
static void hunt_feed(tcps_table *t, tcps_flow *f, int di, const uint8_t *p,
					  size_t n, bool candidate);

static inline uint16_t
rd16(const uint8_t *p)
{
	return (uint16_t) ((p[0] << 8) | p[1]);
}

/* Sequence arithmetic modulo 2^32 (RFC 1982 style). */
static inline bool
seq_lt(uint32_t a, uint32_t b)
{
	return (int32_t) (a - b) < 0;
}

static inline bool
seq_le(uint32_t a, uint32_t b)
{
	return (int32_t) (a - b) <= 0;
}

int
tcps_plausible_start(const uint8_t *p, size_t avail)
{
	size_t		len,
				end,
				off,
				namelen = 0;
	unsigned	opcode,
				qd,
				rr;

	if (avail < 2)
		return -1;
	len = rd16(p);
	if (len < 12)
		return 0;
	if (avail < 14)
		return -1;
	opcode = (p[4] >> 3) & 0x0F;
	if (opcode == 3 || opcode > 6)	/* unassigned opcodes */
		return 0;
	if (p[5] & 0x40)			/* the Z bit */
		return 0;
	/* a query has no answer flags (AA, RA) and no response code */
	if ((p[4] & 0x80) == 0 && ((p[4] & 0x04) || (p[5] & 0x8F)))
		return 0;
	qd = rd16(p + 6);
	if (opcode == 0 && qd > 1)	/* nobody asks two questions at once */
		return 0;
	rr = (unsigned) rd16(p + 8) + rd16(p + 10) + rd16(p + 12);
	/* a question takes at least 5 bytes, a resource record at least 11 */
	if (12 + 5 * (size_t) qd + 11 * (size_t) rr > len)
		return 0;
	if (qd + rr == 0)
		return 1;

	/* The first owner name: plain labels only, within the message. */
	end = 2 + len;
	off = 14;
	for (;;)
	{
		uint8_t		b;

		if (off >= end)
			return 0;
		if (off >= avail)
			return -1;
		b = p[off];
		if (b == 0)
		{
			off++;
			break;
		}
		if (b & 0xC0)			/* a pointer can only point into the header here */
			return 0;
		namelen += (size_t) b + 1;
		if (namelen > 254)
			return 0;
		off += (size_t) b + 1;
	}
	if (off + 4 > end)
		return 0;
	if (off + 4 > avail)
		return -1;
	if (qd > 0)
	{
		unsigned	class = rd16(p + off + 2) & 0x7FFF; /* mDNS's QU bit aside */

		if (class != 1 && class != 3 && class != 4 && class != 254 && class != 255)
			return 0;
	}
	return 1;
}

/* The origin of bytes sent in direction di, as of the given packet. */
static void
make_origin(const tcps_flow *f, int di, int64_t ts, uint64_t tag, tcps_origin *o)
{
	o->ip_version = f->ip_version;
	o->src = f->addr[di];
	o->dst = f->addr[1 - di];
	o->sport = f->port[di];
	o->dport = f->port[1 - di];
	o->ts_us = ts;
	o->tag = tag;
}

static void
emit_message(tcps_table *t, tcps_flow *f, int di, const uint8_t *msg, size_t len)
{
	tcps_origin o;
	tcps_dir   *d = &f->dir[di];

	make_origin(f, di, d->last_ts, d->last_tag, &o);
	t->stats.messages++;
	if (t->cb.message)
		t->cb.message(t->arg, &o, msg, len);
}

static void
emit_reject(tcps_table *t, tcps_flow *f, int di, const char *code,
			const char *detail, const uint8_t *raw, size_t len)
{
	tcps_origin o;
	tcps_dir   *d = &f->dir[di];

	make_origin(f, di, d->last_ts, d->last_tag, &o);
	if (t->cb.reject)
		t->cb.reject(t->arg, &o, code, detail, raw, len);
}

/* Make room for n more bytes in a direction's buffer. */
static bool
buf_reserve(tcps_table *t, tcps_dir *d, size_t n)
{
	size_t		want = (size_t) d->len + n;
	size_t		cap = d->cap ? d->cap : 512;
	uint8_t    *nb;

	if (want <= d->cap)
		return true;
	while (cap < want)
		cap *= 2;
	nb = realloc(d->buf, cap);
	if (nb == NULL)
		return false;
	t->held += cap - d->cap;
	d->buf = nb;
	d->cap = (uint32_t) cap;
	return true;
}

static void
buf_release(tcps_table *t, tcps_dir *d)
{
	t->held -= d->cap;
	free(d->buf);
	d->buf = NULL;
	d->len = 0;
	d->cap = 0;
}

/* Reset the SYNCED message state (the buffer is kept for reuse). */
static void
message_reset(tcps_dir *d)
{
	d->len = 0;
	d->got = 0;
	d->need = 0;
	d->missing = 0;
	d->missing_at = 0;
}

/* The current message is complete in stream terms: deliver or reject it. */
static void
message_finish(tcps_table *t, tcps_flow *f, int di)
{
	tcps_dir   *d = &f->dir[di];
	char		detail[160];

	if (d->missing > 0)
	{
		snprintf(detail, sizeof(detail),
				 "%u of the %u bytes of this length-prefixed message were not captured, from byte %u on",
				 d->missing, d->need, d->missing_at);
		emit_reject(t, f, di, "tcp-gap", detail, d->buf, d->len);
	}
	else
		emit_message(t, f, di, d->buf + 2, d->len - 2);
	message_reset(d);
}

/* SYNCED: frame n in-order bytes into messages. */
static void
synced_feed(tcps_table *t, tcps_flow *f, int di, const uint8_t *p, size_t n)
{
	tcps_dir   *d = &f->dir[di];

	while (n > 0)
	{
		size_t		take;

		/* Fast path: a whole message at a boundary, framed in place. */
		if (d->got == 0 && n >= 2)
		{
			size_t		mlen = rd16(p);

			if (mlen >= 12 && n >= 2 + mlen)
			{
				emit_message(t, f, di, p + 2, mlen);
				p += 2 + mlen;
				n -= 2 + mlen;
				continue;
			}
		}

		if (d->got < 2)
		{
			take = 2 - d->got;
			if (take > n)
				take = n;
		}
		else
		{
			take = d->need - d->got;
			if (take > n)
				take = n;
		}
		if (!buf_reserve(t, d, take))
		{
			/* out of memory: the bytes are lost and so is the framing */
			message_reset(d);
			d->state = ST_HUNTING;
			d->ncand = 0;
			return;
		}
		memcpy(d->buf + d->len, p, take);
		d->len += (uint32_t) take;
		d->got += (uint32_t) take;
		p += take;
		n -= take;
		if (d->got == 2 && d->need == 0)
		{
			d->need = 2 + (uint32_t) rd16(d->buf);
			if (d->need < 14)
			{
				/*
				 * A length no DNS message has: the stream is not where we
				 * thought.  The prefix and the rest go to the hunt.
				 */
				d->state = ST_HUNTING;
				d->got = d->need = 0;
				d->ncand = 0;
				hunt_feed(t, f, di, p, n, false);
				return;
			}
		}
		if (d->need > 0 && d->got == d->need)
			message_finish(t, f, di);
	}
}

/* HUNTING: throw away everything held as unframed bytes. */
static void
hunt_discard(tcps_table *t, tcps_flow *f, int di, const char *detail)
{
	tcps_dir   *d = &f->dir[di];

	if (d->len > 0)
		emit_reject(t, f, di, "tcp-unframed", detail, d->buf, d->len);
	d->len = 0;
	d->ncand = 0;
}

/*
 * HUNTING: try the candidates in order.  The first plausible one ends the
 * hunt: what precedes it is rejected, the rest is framed.  With no
 * candidate left, the bytes held can never start a message.
 */
static void
hunt_evaluate(tcps_table *t, tcps_flow *f, int di)
{
	tcps_dir   *d = &f->dir[di];

	while (d->ncand > 0)
	{
		uint32_t	c = d->cand[0];
		int			v = tcps_plausible_start(d->buf + c, d->len - c);

		if (v < 0)
			return;
		if (v == 0)
		{
			memmove(d->cand, d->cand + 1, (d->ncand - 1) * sizeof(uint32_t));
			d->ncand--;
			continue;
		}
		else
		{
			uint8_t    *held = d->buf;
			uint32_t	held_len = d->len,
						held_cap = d->cap;

			if (c > 0)
				emit_reject(t, f, di, "tcp-unframed",
							"stream bytes before the first recognisable message boundary",
							held, c);
			/* Re-frame the rest from a detached copy of the buffer. */
			d->buf = NULL;
			d->cap = 0;
			d->ncand = 0;
			message_reset(d);
			d->state = ST_SYNCED;
			t->stats.resyncs++;
			synced_feed(t, f, di, held + c, held_len - c);
			t->held -= held_cap;
			free(held);
			return;
		}
	}
	hunt_discard(t, f, di, "stream bytes in which no message boundary could be found");
}

/* HUNTING: n in-order bytes; their start is a candidate when a segment starts there. */
static void
hunt_feed(tcps_table *t, tcps_flow *f, int di, const uint8_t *p, size_t n, bool candidate)
{
	tcps_dir   *d = &f->dir[di];

	if (d->len + n > t->lim.max_held)
		hunt_discard(t, f, di, "stream bytes in which no message boundary was found before the hold limit");
	if (n > t->lim.max_held || !buf_reserve(t, d, n))
	{
		emit_reject(t, f, di, "tcp-unframed", "stream bytes too many to hold while looking for a message boundary", p, n);
		return;
	}
	if (candidate && d->ncand < MAX_CAND)
		d->cand[d->ncand++] = d->len;
	memcpy(d->buf + d->len, p, n);
	d->len += (uint32_t) n;
	hunt_evaluate(t, f, di);
}

/* In-order bytes of direction di. */
static void
dir_deliver(tcps_table *t, tcps_flow *f, int di, const uint8_t *p, size_t n,
			int64_t ts, uint64_t tag)
{
	tcps_dir   *d = &f->dir[di];

	d->last_ts = ts;
	d->last_tag = tag;
	if (d->state == ST_SYNCED)
		synced_feed(t, f, di, p, n);
	else if (d->state == ST_HUNTING)
		hunt_feed(t, f, di, p, n, true);
}

/*
 * Declare the stream bytes [next_seq, to) lost.  Inside a message whose
 * length is known the message is marked and framing goes on; anywhere else
 * framing is lost and the direction hunts.
 */
static void
dir_gap(tcps_table *t, tcps_flow *f, int di, uint32_t to)
{
	tcps_dir   *d = &f->dir[di];
	uint32_t	gap = to - d->next_seq;

	t->stats.gaps++;
	t->stats.bytes_missing += gap;
	d->next_seq = to;

	if (d->state == ST_SYNCED)
	{
		uint32_t	remaining;

		if (d->got == 0)
		{
			d->state = ST_HUNTING;
			return;
		}
		if (d->need == 0)
		{
			/* half a length prefix: the message cannot be framed */
			emit_reject(t, f, di, "tcp-gap",
						"the capture missed bytes of a length prefix", d->buf, d->len);
			message_reset(d);
			d->state = ST_HUNTING;
			return;
		}
		remaining = d->need - d->got;
		if (d->missing == 0)
			d->missing_at = d->got;
		if (gap < remaining)
		{
			d->missing += gap;
			d->got += gap;
			return;
		}
		d->missing += remaining;
		d->got = d->need;
		message_finish(t, f, di);
		if (gap > remaining)
			d->state = ST_HUNTING;
	}
	else if (d->state == ST_HUNTING)
	{
		/* no boundary was found before the gap, or the hunt would have ended */
		hunt_discard(t, f, di, "stream bytes before a gap, in which no message boundary was found");
	}
}

/* Deliver the held segments that the stream has reached. */
static void
dir_drain(tcps_table *t, tcps_flow *f, int di)
{
	tcps_dir   *d = &f->dir[di];

	while (d->ooo && seq_le(d->ooo->seq, d->next_seq))
	{
		seg_node   *s = d->ooo;
		uint32_t	skip = d->next_seq - s->seq;

		d->ooo = s->next;
		d->ooo_bytes -= s->len;
		d->ooo_count--;
		t->held -= s->len + sizeof(seg_node);
		if (skip < s->len)
		{
			d->next_seq += s->len - skip;
			dir_deliver(t, f, di, s->data + skip, s->len - skip, s->ts_us, s->tag);
		}
		else
			t->stats.retransmitted += s->len;
		free(s);
	}
}

/* Hold a segment that is ahead of the stream; overlaps keep the older bytes. */
static void
dir_hold(tcps_table *t, tcps_dir *d, uint32_t s, const uint8_t *p, size_t n,
		 int64_t ts, uint64_t tag)
{
	seg_node  **link = &d->ooo;

	t->stats.out_of_order++;
	while (n > 0)
	{
		seg_node   *cur;
		seg_node   *node;
		size_t		k;

		while (*link && seq_le((*link)->seq + (*link)->len, s))
			link = &(*link)->next;
		cur = *link;
		if (cur && seq_le(cur->seq, s))
		{
			/* s lies inside cur: skip what cur already holds */
			k = cur->seq + cur->len - s;
			if (k >= n)
			{
				t->stats.retransmitted += n;
				return;
			}
			t->stats.retransmitted += k;
			s += (uint32_t) k;
			p += k;
			n -= k;
			link = &cur->next;
			continue;
		}
		k = n;
		if (cur && seq_lt(cur->seq, s + (uint32_t) n))
			k = cur->seq - s;
		node = malloc(sizeof(seg_node) + k);
		if (node == NULL)
			return;
		node->seq = s;
		node->len = (uint32_t) k;
		node->ts_us = ts;
		node->tag = tag;
		memcpy(node->data, p, k);
		node->next = cur;
		*link = node;
		link = &node->next;
		d->ooo_bytes += (uint32_t) k;
		d->ooo_count++;
		t->held += k + sizeof(seg_node);
		s += (uint32_t) k;
		p += k;
		n -= k;
	}
}

/*
 * Declare gaps that are certain: the peer acknowledged bytes we never saw
 * while later bytes wait, or acknowledged up to the FIN; or the direction
 * holds more than it may.
 */
static void
dir_check_gaps(tcps_table *t, tcps_flow *f, int di)
{
	tcps_dir   *d = &f->dir[di];

	while (d->state != ST_CLOSED && d->state != 0)
	{
		uint32_t	to;

		if (d->ooo && (d->ooo_bytes > t->lim.max_held || d->ooo_count > MAX_OOO_SEGS))
			to = d->ooo->seq;
		else if (d->peer_ack_known && d->peer_ack - d->next_seq - 1 < SEQ_WINDOW)
		{
			if (d->ooo)
				to = d->ooo->seq;
			else if (d->fin_seen && seq_lt(d->next_seq, d->fin_seq))
				to = seq_lt(d->peer_ack, d->fin_seq) ? d->peer_ack : d->fin_seq;
			else
				return;
		}
		else
			return;
		if (!seq_lt(d->next_seq, to))
			return;
		dir_gap(t, f, di, to);
		dir_drain(t, f, di);
	}
}

/*
 * End a direction: what waits behind holes is delivered with the holes
 * declared, bytes missing before a FIN are a gap, and a message or hunt
 * left open is rejected.
 */
static void
dir_close(tcps_table *t, tcps_flow *f, int di)
{
	tcps_dir   *d = &f->dir[di];

	if (d->state == ST_CLOSED || d->state == 0)
	{
		d->state = ST_CLOSED;
		return;
	}
	while (d->ooo)
	{
		if (seq_lt(d->next_seq, d->ooo->seq))
			dir_gap(t, f, di, d->ooo->seq);
		dir_drain(t, f, di);
	}
	if (d->fin_seen && seq_lt(d->next_seq, d->fin_seq) &&
		d->fin_seq - d->next_seq < SEQ_WINDOW)
		dir_gap(t, f, di, d->fin_seq);

	if (d->state == ST_SYNCED && d->got > 0)
	{
		char		detail[160];

		if (d->need > 0)
			snprintf(detail, sizeof(detail),
					 "the stream ended after %u of the %u bytes of a length-prefixed message",
					 d->got, d->need);
		else
			snprintf(detail, sizeof(detail), "the stream ended inside a length prefix");
		emit_reject(t, f, di, "tcp-incomplete", detail, d->buf, d->len);
	}
	else if (d->state == ST_HUNTING)
		hunt_discard(t, f, di, "stream bytes in which no complete message boundary was found before the stream ended");
	message_reset(d);
	d->ncand = 0;
	buf_release(t, d);
	d->state = ST_CLOSED;
}

static uint32_t
flow_hash(uint8_t version, const uint8_t *a, uint16_t pa, const uint8_t *b, uint16_t pb)
{
	uint32_t	h = 2166136261u ^ version;
	size_t		alen = version == 4 ? 4 : 16;
	size_t		i;

	for (i = 0; i < alen; i++)
		h = (h ^ a[i]) * 16777619u;
	for (i = 0; i < alen; i++)
		h = (h ^ b[i]) * 16777619u;
	h = (h ^ pa) * 16777619u;
	h = (h ^ pb) * 16777619u;
	return h ^ (h >> 15);
}

static void
lru_unlink(tcps_table *t, tcps_flow *f)
{
	if (f->lru_prev)
		f->lru_prev->lru_next = f->lru_next;
	else
		t->lru_head = f->lru_next;
	if (f->lru_next)
		f->lru_next->lru_prev = f->lru_prev;
	else
		t->lru_tail = f->lru_prev;
	f->lru_prev = f->lru_next = NULL;
}

static void
lru_append(tcps_table *t, tcps_flow *f)
{
	f->lru_prev = t->lru_tail;
	f->lru_next = NULL;
	if (t->lru_tail)
		t->lru_tail->lru_next = f;
	else
		t->lru_head = f;
	t->lru_tail = f;
}

/* Free a flow's memory (its directions must be closed or dropped). */
static void
flow_free(tcps_table *t, tcps_flow *f)
{
	int			i;

	for (i = 0; i < 2; i++)
	{
		tcps_dir   *d = &f->dir[i];

		while (d->ooo)
		{
			seg_node   *s = d->ooo;

			d->ooo = s->next;
			t->held -= s->len + sizeof(seg_node);
			free(s);
		}
		buf_release(t, d);
	}
	free(f);
}

/* Close both directions, take the flow out of the table and free it. */
static void
flow_end(tcps_table *t, tcps_flow *f)
{
	tcps_flow **pp = &t->buckets[f->hash & (t->nbuckets - 1)];

	dir_close(t, f, 0);
	dir_close(t, f, 1);
	while (*pp != f)
		pp = &(*pp)->hnext;
	*pp = f->hnext;
	lru_unlink(t, f);
	t->nflows--;
	flow_free(t, f);
}

/* Find the flow of a segment; *di is set to the sending endpoint. */
static tcps_flow *
flow_lookup(tcps_table *t, const tcps_segment *s, int *di, uint32_t *hash_out)
{
	size_t		alen = s->ip_version == 4 ? 4 : 16;
	int			c = memcmp(s->src, s->dst, alen);
	const uint8_t *a,
			   *b;
	uint16_t	pa,
				pb;
	uint32_t	h;
	tcps_flow  *f;

	if (c == 0)
		c = s->sport < s->dport ? -1 : (s->sport > s->dport ? 1 : 0);
	*di = c <= 0 ? 0 : 1;
	a = *di == 0 ? s->src : s->dst;
	b = *di == 0 ? s->dst : s->src;
	pa = *di == 0 ? s->sport : s->dport;
	pb = *di == 0 ? s->dport : s->sport;
	h = flow_hash(s->ip_version, a, pa, b, pb);
	*hash_out = h;
	for (f = t->buckets[h & (t->nbuckets - 1)]; f; f = f->hnext)
		if (f->hash == h && f->ip_version == s->ip_version && f->port[0] == pa &&
			f->port[1] == pb && memcmp(f->addr[0], a, alen) == 0 &&
			memcmp(f->addr[1], b, alen) == 0)
			return f;
	return NULL;
}

static tcps_flow *
flow_create(tcps_table *t, const tcps_segment *s, int di, uint32_t h)
{
	size_t		alen = s->ip_version == 4 ? 4 : 16;
	tcps_flow  *f;

	while (t->nflows >= t->lim.max_flows && t->lru_head)
	{
		t->stats.evicted++;
		flow_end(t, t->lru_head);
	}
	f = calloc(1, sizeof(tcps_flow));
	if (f == NULL)
		return NULL;
	f->hash = h;
	f->ip_version = s->ip_version;
	memcpy(f->addr[di], s->src, alen);
	memcpy(f->addr[1 - di], s->dst, alen);
	f->port[di] = s->sport;
	f->port[1 - di] = s->dport;
	f->hnext = t->buckets[h & (t->nbuckets - 1)];
	t->buckets[h & (t->nbuckets - 1)] = f;
	lru_append(t, f);
	t->nflows++;
	t->stats.flows++;
	return f;
}

tcps_table *
tcps_create(const tcps_limits *limits, const tcps_callbacks *cb, void *arg)
{
	tcps_table *t = calloc(1, sizeof(tcps_table));

	if (t == NULL)
		return NULL;
	t->lim = limits ? *limits : default_limits;
	if (t->lim.max_flows == 0)
		t->lim.max_flows = 1;
	if (t->lim.max_held < 65536 + 2)	/* room for the largest message */
		t->lim.max_held = 65536 + 2;
	if (cb)
		t->cb = *cb;
	t->arg = arg;
	t->nbuckets = 64;
	while (t->nbuckets < t->lim.max_flows)
		t->nbuckets <<= 1;
	t->buckets = calloc(t->nbuckets, sizeof(tcps_flow *));
	if (t->buckets == NULL)
	{
		free(t);
		return NULL;
	}
	return t;
}

void
tcps_destroy(tcps_table *t)
{
	if (t == NULL)
		return;
	while (t->lru_head)
	{
		tcps_flow  *f = t->lru_head;

		lru_unlink(t, f);
		flow_free(t, f);
	}
	free(t->buckets);
	free(t);
}

void
tcps_expire(tcps_table *t, int64_t now_us)
{
	while (t->lru_head && now_us - t->lru_head->last_seen > t->lim.idle_timeout_us)
	{
		t->stats.expired++;
		flow_end(t, t->lru_head);
	}
}

void
tcps_flush(tcps_table *t)
{
	while (t->lru_head)
		flow_end(t, t->lru_head);
}

const tcps_stats *
tcps_get_stats(const tcps_table *t)
{
	return &t->stats;
}

void
tcps_add(tcps_table *t, const tcps_segment *s)
{
	tcps_flow  *f;
	tcps_dir   *d;
	int			di;
	uint32_t	h,
				start;
	bool		syn = (s->flags & PD_TCP_SYN) != 0;

	t->stats.segments++;
	tcps_expire(t, s->ts_us);

	f = flow_lookup(t, s, &di, &h);
	if (f && syn && f->dir[di].state != 0 &&
		(!f->dir[di].isn_known || f->dir[di].isn != s->seq))
	{
		/* a new connection on the same addresses and ports */
		flow_end(t, f);
		f = NULL;
	}
	if (f == NULL)
	{
		/* Only a SYN or data opens a flow: stray ACKs and FINs do not. */
		if (!syn && s->len == 0)
			return;
		f = flow_create(t, s, di, h);
		if (f == NULL)
			return;
	}
	else
	{
		lru_unlink(t, f);
		lru_append(t, f);
	}
	f->last_seen = s->ts_us;
	d = &f->dir[di];

	start = s->seq + (syn ? 1 : 0);
	if (d->state == 0)
	{
		/* Without the SYN the first byte may be anywhere in a message. */
		d->state = syn ? ST_SYNCED : ST_HUNTING;
		d->next_seq = start;
		if (syn)
		{
			d->isn_known = true;
			d->isn = s->seq;
		}
	}
	if (s->flags & PD_TCP_ACK)
	{
		tcps_dir   *peer = &f->dir[1 - di];

		if (!peer->peer_ack_known || seq_lt(peer->peer_ack, s->ack))
		{
			peer->peer_ack = s->ack;
			peer->peer_ack_known = true;
		}
	}

	if (s->len > 0 && d->state != ST_CLOSED)
	{
		const uint8_t *p = s->payload;
		size_t		n = s->len;
		uint32_t	off = start - d->next_seq;

		if (off >= SEQ_WINDOW)	/* behind the stream: a retransmission */
		{
			uint32_t	dup = d->next_seq - start;

			if (dup > SEQ_WINDOW || dup >= n)
			{
				t->stats.retransmitted += n;
				n = 0;
			}
			else
			{
				t->stats.retransmitted += dup;
				p += dup;
				n -= dup;
				off = 0;
			}
		}
		if (n > 0 && off == 0)
		{
			d->next_seq += (uint32_t) n;
			dir_deliver(t, f, di, p, n, s->ts_us, s->tag);
			dir_drain(t, f, di);
		}
		else if (n > 0)
			dir_hold(t, d, start, p, n, s->ts_us, s->tag);
	}
	if (s->flags & PD_TCP_FIN)
	{
		d->fin_seen = true;
		d->fin_seq = start + (uint32_t) s->wire_len;
	}

	if (s->flags & PD_TCP_RST)
	{
		flow_end(t, f);
		return;
	}
	dir_check_gaps(t, f, di);
	dir_check_gaps(t, f, 1 - di);
	if (d->fin_seen && d->state != ST_CLOSED && seq_le(d->fin_seq, d->next_seq))
		dir_close(t, f, di);
	if (f->dir[0].state == ST_CLOSED && f->dir[1].state == ST_CLOSED)
	{
		flow_end(t, f);
		return;
	}
	while (t->held > t->lim.max_total && t->lru_head)
	{
		t->stats.evicted++;
		flow_end(t, t->lru_head);
	}
}

void
tcps_add_packet(tcps_table *t, const pd_packet *p, int64_t ts_us, uint64_t tag)
{
	tcps_segment s;

	s.ip_version = p->ip_version;
	s.src = p->src;
	s.dst = p->dst;
	s.sport = p->sport;
	s.dport = p->dport;
	s.seq = p->seq;
	s.ack = p->ack;
	s.flags = p->tcp_flags;
	s.payload = p->payload;
	s.len = p->payload_len;
	s.wire_len = p->payload_wire_len;
	s.ts_us = ts_us;
	s.tag = tag;
	tcps_add(t, &s);
}
