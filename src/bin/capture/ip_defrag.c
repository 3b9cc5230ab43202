/*
 * ip_defrag.c
 *		IPv4 and IPv6 fragment reassembly (see ip_defrag.h).
 *
 * Each chain keeps one buffer indexed by fragment offset and the sorted,
 * merged list of byte ranges received; the chain is complete when the last
 * fragment has fixed the length and one range covers it all.  Chains sit in
 * a hash table for lookup and in a list by age, so that the timeout and the
 * memory limits always give up the oldest first.
 */
#include "ip_defrag.h"

#include <stdlib.h>
#include <string.h>

#define IPD_MAX_LEN		65535	/* upper-layer bytes one datagram can hold */

typedef struct ipd_range
{
	uint32_t	start;
	uint32_t	end;
} ipd_range;

typedef struct ipd_chain
{
	struct ipd_chain *hnext;	/* hash bucket */
	struct ipd_chain *older;	/* age list */
	struct ipd_chain *newer;
	uint32_t	hash;
	uint8_t		ip_version;
	uint8_t		protocol;
	uint8_t		src[16];
	uint8_t		dst[16];
	uint32_t	id;

	uint8_t    *buf;
	uint32_t	cap;
	ipd_range  *ranges;
	unsigned	nranges;
	unsigned	rcap;
	uint32_t	total;			/* datagram length, once have_last */
	bool		have_last;
	unsigned	fragments;
	const char *fail_code;		/* set: never delivered, reported instead */
	const char *fail_detail;
	int64_t		first_ts;
	int64_t		last_ts;
	uint64_t	first_tag;
	uint64_t	last_tag;
} ipd_chain;

struct ipd_table
{
	ipd_limits	lim;
	ipd_failed_fn failed;
	void	   *arg;
	ipd_chain **buckets;
	size_t		nbuckets;		/* a power of two */
	ipd_chain  *oldest;
	ipd_chain  *newest;
	size_t		nchains;
	size_t		bytes;			/* buffer bytes held */
	ipd_chain  *done;			/* the last chain delivered, freed on the next call */
	uint8_t    *scratch;		/* a given-up chain's ranges, concatenated */
	ipd_stats	stats;
};

static const ipd_limits default_limits = {
	.max_chains = 4096,
	.max_bytes = 64 * 1024 * 1024,
	.max_fragments = 256,
	.timeout_us = 30 * 1000000LL,
};

/* FNV-1a over the chain key. */
static uint32_t
key_hash(uint8_t version, uint8_t protocol, const uint8_t *src, const uint8_t *dst, uint32_t id)
{
	uint32_t	h = 2166136261u;
	size_t		alen = version == 4 ? 4 : 16;
	size_t		i;

	h = (h ^ version) * 16777619u;
	h = (h ^ protocol) * 16777619u;
	for (i = 0; i < 4; i++)
		h = (h ^ ((id >> (8 * i)) & 0xFF)) * 16777619u;
	for (i = 0; i < alen; i++)
		h = (h ^ src[i]) * 16777619u;
	for (i = 0; i < alen; i++)
		h = (h ^ dst[i]) * 16777619u;
	return h;
}

ipd_table *
ipd_create(const ipd_limits *limits, ipd_failed_fn failed, void *arg)
{
	ipd_table  *t = calloc(1, sizeof(ipd_table));

	if (t == NULL)
		return NULL;
	t->lim = limits ? *limits : default_limits;
	if (t->lim.max_chains == 0)
		t->lim.max_chains = 1;
	if (t->lim.max_fragments == 0)
		t->lim.max_fragments = 1;
	t->failed = failed;
	t->arg = arg;
	t->nbuckets = 64;
	while (t->nbuckets < t->lim.max_chains)
		t->nbuckets <<= 1;
	t->buckets = calloc(t->nbuckets, sizeof(ipd_chain *));
	t->scratch = malloc(IPD_MAX_LEN);
	if (t->buckets == NULL || t->scratch == NULL)
	{
		free(t->buckets);
		free(t->scratch);
		free(t);
		return NULL;
	}
	return t;
}

static void
chain_free(ipd_table *t, ipd_chain *c)
{
	t->bytes -= c->cap;
	free(c->buf);
	free(c->ranges);
	free(c);
}

/* Take a chain out of the hash table and the age list. */
static void
chain_unlink(ipd_table *t, ipd_chain *c)
{
	ipd_chain **pp = &t->buckets[c->hash & (t->nbuckets - 1)];

	while (*pp != c)
		pp = &(*pp)->hnext;
	*pp = c->hnext;
	if (c->older)
		c->older->newer = c->newer;
	else
		t->oldest = c->newer;
	if (c->newer)
		c->newer->older = c->older;
	else
		t->newest = c->older;
	t->nchains--;
}

/* Describe a chain for the caller; data is filled by the caller. */
static void
chain_describe(const ipd_chain *c, ipd_datagram *d)
{
	d->ip_version = c->ip_version;
	d->protocol = c->protocol;
	memcpy(d->src, c->src, 16);
	memcpy(d->dst, c->dst, 16);
	d->id = c->id;
	d->fragments = c->fragments;
	d->has_start = c->nranges > 0 && c->ranges[0].start == 0;
	d->ts_us = c->last_ts;
	d->first_tag = c->first_tag;
	d->last_tag = c->last_tag;
}

/* Report a chain as failed, with every byte it holds, and free it. */
static void
chain_give_up(ipd_table *t, ipd_chain *c, const char *code, const char *detail)
{
	ipd_datagram d;
	size_t		len = 0;
	unsigned	i;

	chain_unlink(t, c);
	chain_describe(c, &d);
	for (i = 0; i < c->nranges; i++)
	{
		memcpy(t->scratch + len, c->buf + c->ranges[i].start, c->ranges[i].end - c->ranges[i].start);
		len += c->ranges[i].end - c->ranges[i].start;
	}
	d.data = t->scratch;
	d.len = len;
	t->stats.failed++;
	if (t->failed)
		t->failed(t->arg, &d, c->fail_code ? c->fail_code : code,
				  c->fail_code ? c->fail_detail : detail);
	chain_free(t, c);
}

void
ipd_expire(ipd_table *t, int64_t now_us)
{
	while (t->oldest && now_us - t->oldest->first_ts > t->lim.timeout_us)
		chain_give_up(t, t->oldest, "frag-incomplete",
					  "fragments missing when the reassembly timeout expired");
}

void
ipd_flush(ipd_table *t)
{
	while (t->oldest)
		chain_give_up(t, t->oldest, "frag-incomplete",
					  "fragments missing at the end of the capture");
}

void
ipd_destroy(ipd_table *t)
{
	if (t == NULL)
		return;
	while (t->oldest)
	{
		ipd_chain  *c = t->oldest;

		chain_unlink(t, c);
		chain_free(t, c);
	}
	if (t->done)
		chain_free(t, t->done);
	free(t->buckets);
	free(t->scratch);
	free(t);
}

const ipd_stats *
ipd_get_stats(const ipd_table *t)
{
	return &t->stats;
}

/* The chain of a fragment, created (evicting the oldest if full) if new. */
static ipd_chain *
chain_for(ipd_table *t, const ipd_fragment *f)
{
	size_t		alen = f->ip_version == 4 ? 4 : 16;
	uint32_t	h = key_hash(f->ip_version, f->protocol, f->src, f->dst, f->id);
	ipd_chain  *c;

	for (c = t->buckets[h & (t->nbuckets - 1)]; c; c = c->hnext)
		if (c->hash == h && c->id == f->id && c->ip_version == f->ip_version &&
			c->protocol == f->protocol && memcmp(c->src, f->src, alen) == 0 &&
			memcmp(c->dst, f->dst, alen) == 0)
			return c;

	while (t->nchains >= t->lim.max_chains && t->oldest)
		chain_give_up(t, t->oldest, "frag-incomplete",
					  "given up: too many reassemblies in progress");
	c = calloc(1, sizeof(ipd_chain));
	if (c == NULL)
		return NULL;
	c->hash = h;
	c->ip_version = f->ip_version;
	c->protocol = f->protocol;
	memcpy(c->src, f->src, alen);
	memcpy(c->dst, f->dst, alen);
	c->id = f->id;
	c->first_ts = f->ts_us;
	c->first_tag = f->tag;
	c->hnext = t->buckets[h & (t->nbuckets - 1)];
	t->buckets[h & (t->nbuckets - 1)] = c;
	c->older = t->newest;
	if (t->newest)
		t->newest->newer = c;
	else
		t->oldest = c;
	t->newest = c;
	t->nchains++;
	return c;
}

/* Mark a chain as never to be delivered; the first reason found is kept. */
static void
chain_fail(ipd_chain *c, const char *code, const char *detail)
{
	if (c->fail_code == NULL)
	{
		c->fail_code = code;
		c->fail_detail = detail;
	}
}

/* Grow the chain's buffer to hold end bytes. */
static bool
chain_reserve(ipd_table *t, ipd_chain *c, uint32_t end)
{
	uint32_t	cap = c->cap ? c->cap : 2048;
	uint8_t    *nb;

	if (end <= c->cap)
		return true;
	while (cap < end)
		cap *= 2;
	if (cap > IPD_MAX_LEN)
		cap = IPD_MAX_LEN;
	nb = realloc(c->buf, cap);
	if (nb == NULL)
		return false;
	t->bytes += cap - c->cap;
	c->buf = nb;
	c->cap = cap;
	return true;
}

/*
 * Copy [s, e) of the fragment into the chain where nothing is held yet,
 * compare it where something is, and merge it into the range list.
 * Returns false when out of memory.
 */
static bool
chain_merge(ipd_chain *c, uint32_t s, uint32_t e, const uint8_t *data)
{
	uint32_t	pos = s;
	unsigned	i,
				first,
				last;

	/* Walk the held ranges that touch [s, e): copy the gaps, compare the rest. */
	for (i = 0; i < c->nranges && pos < e; i++)
	{
		ipd_range  *r = &c->ranges[i];

		if (r->end <= pos)
			continue;
		if (r->start >= e)
			break;
		if (r->start > pos)
		{
			memcpy(c->buf + pos, data + (pos - s), r->start - pos);
			pos = r->start;
		}
		{
			uint32_t	oe = r->end < e ? r->end : e;

			if (memcmp(c->buf + pos, data + (pos - s), oe - pos) != 0)
				chain_fail(c, "frag-overlap",
						   "overlapping fragments carry different bytes");
			pos = oe;
		}
	}
	if (pos < e)
		memcpy(c->buf + pos, data + (pos - s), e - pos);

	/* Merge [s, e) into the sorted list: replace ranges first..last-1. */
	for (first = 0; first < c->nranges && c->ranges[first].end < s; first++)
		;
	for (last = first; last < c->nranges && c->ranges[last].start <= e; last++)
	{
		if (c->ranges[last].start < s)
			s = c->ranges[last].start;
		if (c->ranges[last].end > e)
			e = c->ranges[last].end;
	}
	if (first == last)
	{
		if (c->nranges == c->rcap)
		{
			unsigned	ncap = c->rcap ? c->rcap * 2 : 8;
			ipd_range  *nr = realloc(c->ranges, ncap * sizeof(ipd_range));

			if (nr == NULL)
				return false;
			c->ranges = nr;
			c->rcap = ncap;
		}
		memmove(&c->ranges[first + 1], &c->ranges[first],
				(c->nranges - first) * sizeof(ipd_range));
		c->nranges++;
	}
	else if (last - first > 1)
	{
		memmove(&c->ranges[first + 1], &c->ranges[last],
				(c->nranges - last) * sizeof(ipd_range));
		c->nranges -= last - first - 1;
	}
	c->ranges[first].start = s;
	c->ranges[first].end = e;
	return true;
}

/* Whether [s, e) is held already (a duplicated fragment). */
static bool
chain_covers(const ipd_chain *c, uint32_t s, uint32_t e)
{
	unsigned	i;

	for (i = 0; i < c->nranges; i++)
		if (c->ranges[i].start <= s && c->ranges[i].end >= e)
			return true;
	return false;
}

bool
ipd_add(ipd_table *t, const ipd_fragment *f, ipd_datagram *out)
{
	ipd_chain  *c;
	uint64_t	end64 = (uint64_t) f->offset + f->len;
	uint32_t	s,
				e;

	if (t->done)
	{
		chain_free(t, t->done);
		t->done = NULL;
	}
	t->stats.fragments++;
	ipd_expire(t, f->ts_us);

	c = chain_for(t, f);
	if (c == NULL)
		return false;
	c->fragments++;
	c->last_ts = f->ts_us;
	c->last_tag = f->tag;

	s = f->offset > IPD_MAX_LEN ? IPD_MAX_LEN : f->offset;
	e = end64 > IPD_MAX_LEN ? IPD_MAX_LEN : (uint32_t) end64;
	if (end64 > IPD_MAX_LEN)
		chain_fail(c, "frag-too-big", "the fragments reach past 65535 bytes");
	if (c->fragments > t->lim.max_fragments)
	{
		chain_fail(c, "frag-too-many", "the datagram has too many fragments");
		e = s;					/* count it, keep none of its bytes */
	}
	if (!f->more)
	{
		if (c->have_last && c->total != e)
			chain_fail(c, "frag-overlap", "two last fragments disagree on the datagram's length");
		else if (c->nranges > 0 && c->ranges[c->nranges - 1].end > e)
			chain_fail(c, "frag-overlap", "a fragment reaches past the last fragment's end");
		c->have_last = true;
		c->total = e;
	}
	else if (c->have_last && e > c->total)
		chain_fail(c, "frag-overlap", "a fragment reaches past the last fragment's end");

	if (e > s)
	{
		if (chain_covers(c, s, e))
			t->stats.duplicates++;
		if (!chain_reserve(t, c, e) || !chain_merge(c, s, e, f->data))
		{
			chain_give_up(t, c, "frag-incomplete", "given up: out of memory");
			return false;
		}
	}

	/* Over the byte budget: give up the oldest other chains first. */
	while (t->bytes > t->lim.max_bytes && t->oldest && t->oldest != c)
		chain_give_up(t, t->oldest, "frag-incomplete",
					  "given up: fragment memory limit reached");
	if (t->bytes > t->lim.max_bytes)
	{
		chain_give_up(t, c, "frag-incomplete", "given up: fragment memory limit reached");
		return false;
	}

	if (!c->have_last || c->nranges != 1 || c->ranges[0].start != 0 ||
		c->ranges[0].end != c->total)
		return false;
	if (c->fail_code)
	{
		chain_give_up(t, c, c->fail_code, c->fail_detail);
		return false;
	}
	chain_unlink(t, c);
	chain_describe(c, out);
	out->data = c->buf;
	out->len = c->total;
	t->stats.reassembled++;
	t->done = c;
	return true;
}

bool
ipd_add_packet(ipd_table *t, const pd_packet *p, int64_t ts_us, uint64_t tag,
			   ipd_datagram *out)
{
	ipd_fragment f;

	f.ip_version = p->ip_version;
	f.protocol = p->protocol;
	f.src = p->src;
	f.dst = p->dst;
	f.id = p->frag_id;
	f.offset = p->frag_offset;
	f.more = p->frag_more;
	f.data = p->payload;
	f.len = p->payload_len;
	f.ts_us = ts_us;
	f.tag = tag;
	return ipd_add(t, &f, out);
}
