/*
 * dns_message.c
 *		The DNS message parser: header, questions, RRs, EDNS, RRset grouping.
 *		Every read is checked against the message length; names go through
 *		rdata_read_message_name, whose pointer rule makes loops impossible.
 */
#include "dns_message.h"

#include "dnsname_codec.h"
#include "rrtype_table.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define TYPE_OPT		41
#define EDNS_OPT_ECS	8

static uint16_t
get16(const uint8_t *p)
{
	return (uint16_t) (p[0] << 8 | p[1]);
}

static uint32_t
get32(const uint8_t *p)
{
	return (uint32_t) p[0] << 24 | (uint32_t) p[1] << 16 | (uint32_t) p[2] << 8 | p[3];
}

/* Note damage: the first problem is the one reported. */
static void
damage(dns_message *m, const char *fmt,...) __attribute__((format(printf, 2, 3)));

static void
damage(dns_message *m, const char *fmt,...)
{
	va_list		ap;

	if (strcmp(fmt, "out of memory") == 0)
		m->out_of_memory = true;
	if (!m->partial)
	{
		va_start(ap, fmt);
		vsnprintf(m->problem, sizeof(m->problem), fmt, ap);
		va_end(ap);
	}
	m->partial = true;
}

/* Append octets to the arena; returns the offset, or -1 when out of memory. */
static int64_t
arena_put(dns_message *m, const uint8_t *data, size_t len)
{
	size_t		off = m->arena_len;

	if (m->arena == NULL || m->arena_len + len > m->arena_cap)
	{
		size_t		cap = m->arena_cap ? m->arena_cap * 2 : 1024;
		uint8_t    *p;

		while (cap < m->arena_len + len)
			cap *= 2;
		p = m->arena ? m->mem.realloc(m->mem.ctx, m->arena, cap)
			: m->mem.alloc(m->mem.ctx, cap);
		if (p == NULL)
			return -1;
		m->arena = p;
		m->arena_cap = cap;
	}
	memcpy(m->arena + off, data, len);
	m->arena_len += len;
	return (int64_t) off;
}

/*
 * A name at *pos as a dnsname key in the arena.  On failure the reason is
 * in *err, for the caller to say where the name was.
 */
static bool
read_owner(dns_message *m, const uint8_t *msg, size_t len, size_t *pos,
		   uint32_t *off, uint16_t *keylen, rdata_error *err)
{
	uint8_t		wire[256];
	size_t		wlen,
				used;
	dn_key		key;
	dn_error	derr;
	int64_t		o;

	if (!rdata_read_message_name(msg, len, pos, len, wire, &wlen, err))
		return false;
	if (!dn_from_wire(wire, wlen, &used, &key, &derr))
	{
		dn_error_describe(&derr, err->reason, sizeof(err->reason));
		return false;
	}
	o = arena_put(m, key.bytes, key.len);
	if (o < 0)
	{
		snprintf(err->reason, sizeof(err->reason), "out of memory");
		m->out_of_memory = true;
		return false;
	}
	*off = (uint32_t) o;
	*keylen = (uint16_t) key.len;
	return true;
}

/* The OPT RR: EDNS values, and the client subnet option (RFC 7871 §6). */
static void
read_opt(dns_message *m, uint16_t rclass, uint32_t ttl, const uint8_t *rd, size_t rdlen)
{
	size_t		p = 0;

	if (m->edns.present)
		return;
	m->edns.present = true;
	m->edns.udp_size = rclass;
	m->edns.version = (uint8_t) (ttl >> 16);
	m->edns.do_bit = (ttl & 0x8000) != 0;
	m->rcode = (uint16_t) ((ttl >> 24) << 4 | (m->rcode & 0x0F));

	while (p + 4 <= rdlen)
	{
		uint16_t	code = get16(rd + p),
					olen = get16(rd + p + 2);
		const uint8_t *o = rd + p + 4;

		if (olen > rdlen - p - 4)
			break;
		if (code == EDNS_OPT_ECS && olen >= 4 && !m->edns.has_ecs)
		{
			uint16_t	family = get16(o);
			uint8_t		source = o[2],
						maxbits = family == 1 ? 32 : 128;
			size_t		alen = olen - 4u;

			if ((family == 1 || family == 2) && source <= maxbits &&
				alen == (size_t) (source + 7) / 8)
			{
				m->edns.has_ecs = true;
				m->edns.ecs_family = (uint8_t) family;
				m->edns.ecs_source = source;
				m->edns.ecs_scope = o[3];
				memset(m->edns.ecs_addr, 0, sizeof(m->edns.ecs_addr));
				memcpy(m->edns.ecs_addr, o + 4, alen);
			}
		}
		p += 4 + (size_t) olen;
	}
}

static bool
push_rr(dns_message *m, const dns_rr *rr)
{
	if (m->n_rrs == m->rrs_cap)
	{
		size_t		cap = m->rrs_cap ? m->rrs_cap * 2 : 16;
		dns_rr	   *p = m->rrs ? m->mem.realloc(m->mem.ctx, m->rrs, cap * sizeof(dns_rr))
			: m->mem.alloc(m->mem.ctx, cap * sizeof(dns_rr));

		if (p == NULL)
			return false;
		m->rrs = p;
		m->rrs_cap = cap;
	}
	m->rrs[m->n_rrs++] = *rr;
	return true;
}

static const char *const section_names[] = {"", "answer", "authority", "additional"};

const char *
dns_section_text(uint8_t section)
{
	return section >= 1 && section <= 3 ? section_names[section] : "";
}

/* Where an RR sits, for a problem report: "answer RR 2". */
static void
rr_damage(dns_message *m, uint8_t section, unsigned index, const char *what,
		  const char *detail)
{
	damage(m, "%s RR %u%s: %s", dns_section_text(section), index, what, detail);
}

/* Make the scratch buffer hold n octets. */
static bool
scratch_reserve(dns_message *m, uint8_t **scratch, size_t *cap, size_t n)
{
	uint8_t    *p;

	if (n <= *cap)
		return true;
	p = *scratch ? m->mem.realloc(m->mem.ctx, *scratch, n) : m->mem.alloc(m->mem.ctx, n);
	if (p == NULL)
		return false;
	*scratch = p;
	*cap = n;
	return true;
}

/*
 * One RR at *pos.  Returns false when parsing cannot go on (truncation,
 * a bad owner name, memory); a bad rdata only skips the RR.
 */
static bool
read_rr(dns_message *m, const uint8_t *msg, size_t len, size_t *pos,
		uint8_t section, unsigned index, uint8_t **scratch, size_t *scratch_cap)
{
	char		typetext[RRTYPE_TEXT_MAX + 4];
	char		detail[80];
	dns_rr		rr;
	uint16_t	rdlen;
	size_t		canon_len;
	rdata_error err;
	int64_t		o;

	memset(&rr, 0, sizeof(rr));
	rr.section = section;
	if (!read_owner(m, msg, len, pos, &rr.owner_off, &rr.owner_len, &err))
	{
		rr_damage(m, section, index, "", err.reason);
		return false;
	}
	if (len - *pos < 10)
	{
		rr_damage(m, section, index, "", "the message ends inside the RR's fixed fields");
		return false;
	}
	rr.type = get16(msg + *pos);
	rr.rclass = get16(msg + *pos + 2);
	rr.ttl = get32(msg + *pos + 4);
	rdlen = get16(msg + *pos + 8);
	*pos += 10;
	if (rdlen > len - *pos)
	{
		snprintf(detail, sizeof(detail), "the rdata length %u runs past the end of the message", rdlen);
		rr_damage(m, section, index, "", detail);
		return false;
	}
	if (rr.type == TYPE_OPT)
	{
		/* the owner key went to the arena for nothing; it is small */
		if (section == DNS_SECTION_ADDITIONAL)
			read_opt(m, rr.rclass, rr.ttl, msg + *pos, rdlen);
		*pos += rdlen;
		return true;
	}
	if (!scratch_reserve(m, scratch, scratch_cap, RDATA_DECOMPRESSED_MAX(rdlen)))
	{
		damage(m, "out of memory");
		return false;
	}
	if (!rdata_from_message(rr.type, msg, len, *pos, rdlen, *scratch, *scratch_cap,
							&canon_len, &err))
	{
		typetext[0] = ' ';
		typetext[1] = '(';
		rrtype_to_text(rr.type, typetext + 2);
		strcat(typetext, ")");
		rr_damage(m, section, index, typetext, err.reason);
		*pos += rdlen;
		return true;
	}
	*pos += rdlen;
	o = arena_put(m, *scratch, canon_len);
	if (o < 0 || !push_rr(m, &rr))
	{
		damage(m, "out of memory");
		return false;
	}
	m->rrs[m->n_rrs - 1].rdata_off = (uint32_t) o;
	m->rrs[m->n_rrs - 1].rdata_len = (uint16_t) canon_len;
	return true;
}

/* Order of RRs by set: section, type, class, owner. */
static int
set_key_cmp(const dns_message *m, uint32_t a, uint32_t b)
{
	const dns_rr *x = &m->rrs[a],
			   *y = &m->rrs[b];

	if (x->section != y->section)
		return x->section < y->section ? -1 : 1;
	if (x->type != y->type)
		return x->type < y->type ? -1 : 1;
	if (x->rclass != y->rclass)
		return x->rclass < y->rclass ? -1 : 1;
	if (x->owner_len != y->owner_len)
		return x->owner_len < y->owner_len ? -1 : 1;
	return memcmp(m->arena + x->owner_off, m->arena + y->owner_off, x->owner_len);
}

/*
 * Sort RR indices by set key, stably: bottom-up merge sort, n log n
 * whatever the message holds (qsort promises neither), so that the RRs
 * of one set end up adjacent and in message order.
 */
static void
sort_by_set(const dns_message *m, uint32_t *idx, uint32_t *tmp, size_t n)
{
	for (size_t width = 1; width < n; width *= 2)
	{
		for (size_t lo = 0; lo < n; lo += 2 * width)
		{
			size_t		mid = lo + width < n ? lo + width : n,
						hi = lo + 2 * width < n ? lo + 2 * width : n,
						i = lo,
						j = mid,
						k = lo;

			while (i < mid && j < hi)
				tmp[k++] = set_key_cmp(m, idx[j], idx[i]) < 0 ? idx[j++] : idx[i++];
			while (i < mid)
				tmp[k++] = idx[i++];
			while (j < hi)
				tmp[k++] = idx[j++];
		}
		memcpy(idx, tmp, n * sizeof(uint32_t));
	}
}

/*
 * Group RRs into sets in order of first appearance.  Sorting finds the
 * sets (a search of the sets so far made 60 000 RRs of distinct owners
 * take seconds); set_of[i] first holds the first RR of i's set, then
 * its set number.
 */
static bool
group(dns_message *m)
{
	uint32_t   *set_of,
			   *order,
			   *tmp;
	size_t		n = m->n_rrs;

	if (n == 0)
		return true;
	m->sets = m->mem.alloc(m->mem.ctx, n * sizeof(dns_rrset));
	m->members = m->mem.alloc(m->mem.ctx, n * sizeof(uint32_t));
	set_of = m->mem.alloc(m->mem.ctx, 3 * n * sizeof(uint32_t));
	if (m->sets == NULL || m->members == NULL || set_of == NULL)
	{
		if (set_of)
			m->mem.free(m->mem.ctx, set_of);
		return false;
	}
	order = set_of + n;
	tmp = order + n;
	for (size_t i = 0; i < n; i++)
		order[i] = (uint32_t) i;
	sort_by_set(m, order, tmp, n);
	for (size_t r = 0; r < n; r++)
	{
		if (r > 0 && set_key_cmp(m, order[r - 1], order[r]) == 0)
			set_of[order[r]] = set_of[order[r - 1]];
		else
			set_of[order[r]] = order[r];
	}

	for (size_t i = 0; i < n; i++)
	{
		const dns_rr *rr = &m->rrs[i];
		dns_rrset  *s;

		if (set_of[i] == i)
		{
			s = &m->sets[m->n_sets];
			s->section = rr->section;
			s->type = rr->type;
			s->rclass = rr->rclass;
			s->ttl = rr->ttl;
			s->owner_off = rr->owner_off;
			s->owner_len = rr->owner_len;
			s->count = 0;
			set_of[i] = (uint32_t) m->n_sets++;
		}
		else
			set_of[i] = set_of[set_of[i]];
		s = &m->sets[set_of[i]];
		if (rr->ttl < s->ttl)
			s->ttl = rr->ttl;
		s->count++;
	}
	/* counting sort of RR indices by set */
	{
		uint32_t	next = 0;

		for (size_t s = 0; s < m->n_sets; s++)
		{
			m->sets[s].first = next;
			next += m->sets[s].count;
			m->sets[s].count = 0;
		}
		for (size_t i = 0; i < m->n_rrs; i++)
		{
			dns_rrset  *s = &m->sets[set_of[i]];

			m->members[s->first + s->count++] = (uint32_t) i;
		}
	}
	m->mem.free(m->mem.ctx, set_of);
	return true;
}

bool
dns_message_parse(const uint8_t *msg, size_t len, const pdns_allocator *mem,
				  dns_message *m)
{
	size_t		pos = DNS_HEADER_LEN;
	uint8_t    *scratch = NULL;
	size_t		scratch_cap = 0;
	const uint16_t *counts[3];

	memset(m, 0, sizeof(*m));
	m->mem = *mem;
	if (len < DNS_HEADER_LEN)
	{
		damage(m, "the message is %zu octets, shorter than the 12-octet header", len);
		return true;
	}
	m->header_ok = true;
	m->id = get16(msg);
	m->flags = get16(msg + 2) & 0x87F0;
	m->opcode = (msg[2] >> 3) & 0x0F;
	m->rcode = msg[3] & 0x0F;
	m->qdcount = get16(msg + 4);
	m->ancount = get16(msg + 6);
	m->nscount = get16(msg + 8);
	m->arcount = get16(msg + 10);

	for (unsigned q = 1; q <= m->qdcount; q++)
	{
		uint32_t	off;
		uint16_t	klen;
		rdata_error err;

		if (!read_owner(m, msg, len, &pos, &off, &klen, &err))
		{
			damage(m, "question %u: %s", q, err.reason);
			goto done;
		}
		if (len - pos < 4)
		{
			damage(m, "question %u: the message ends inside the question's type and class", q);
			goto done;
		}
		if (q == 1)
		{
			m->has_question = true;
			m->qname_off = off;
			m->qname_len = klen;
			m->qtype = get16(msg + pos);
			m->qclass = get16(msg + pos + 2);
		}
		pos += 4;
	}

	counts[0] = &m->ancount;
	counts[1] = &m->nscount;
	counts[2] = &m->arcount;
	for (uint8_t section = DNS_SECTION_ANSWER; section <= DNS_SECTION_ADDITIONAL; section++)
		for (unsigned i = 1; i <= *counts[section - 1]; i++)
			if (!read_rr(m, msg, len, &pos, section, i, &scratch, &scratch_cap))
				goto done;

	if (pos < len)
		damage(m, "%zu octets follow the last RR", len - pos);

done:
	if (scratch)
		mem->free(mem->ctx, scratch);
	if (!group(m))
	{
		damage(m, "out of memory");
		m->n_sets = 0;
	}
	return !m->out_of_memory;
}

void
dns_message_free(dns_message *m)
{
	if (m->arena)
		m->mem.free(m->mem.ctx, m->arena);
	if (m->rrs)
		m->mem.free(m->mem.ctx, m->rrs);
	if (m->sets)
		m->mem.free(m->mem.ctx, m->sets);
	if (m->members)
		m->mem.free(m->mem.ctx, m->members);
	m->arena = NULL;
	m->rrs = NULL;
	m->sets = NULL;
	m->members = NULL;
}

uint8_t *
dns_message_rrset_payload(const dns_message *m, size_t i, size_t prefix, size_t *len)
{
	const dns_rrset *s = &m->sets[i];
	rrset_builder b;
	uint8_t    *out = NULL;
	bool		ok = true;

	rrset_builder_init(&b, s->type, NULL, &m->mem);
	for (uint32_t k = 0; ok && k < s->count; k++)
	{
		const dns_rr *rr = &m->rrs[m->members[s->first + k]];

		ok = rrset_builder_add_canonical(&b, m->arena + rr->rdata_off, rr->rdata_len);
	}
	if (ok)
		out = rrset_builder_finish(&b, prefix, len);
	rrset_builder_free(&b);
	return out;
}

/* ---- mnemonics ---- */

const char *
dns_opcode_text(uint8_t opcode, char *buf)
{
	static const char *const names[] = {"QUERY", "IQUERY", "STATUS", NULL, "NOTIFY", "UPDATE", "DSO"};

	if (opcode < sizeof(names) / sizeof(names[0]) && names[opcode])
		return names[opcode];
	snprintf(buf, DNS_MNEMONIC_MAX, "OPCODE%u", opcode);
	return buf;
}

const char *
dns_rcode_text(uint16_t rcode, char *buf)
{
	static const char *const names[] = {"NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN",
		"NOTIMP", "REFUSED", "YXDOMAIN", "YXRRSET", "NXRRSET", "NOTAUTH", "NOTZONE",
	"DSOTYPENI"};

	if (rcode < sizeof(names) / sizeof(names[0]))
		return names[rcode];
	if (rcode == 16)
		return "BADVERS";
	if (rcode == 23)
		return "BADCOOKIE";
	snprintf(buf, DNS_MNEMONIC_MAX, "RCODE%u", rcode);
	return buf;
}

const char *
dns_class_text(uint16_t rclass, char *buf)
{
	switch (rclass)
	{
		case 1:
			return "IN";
		case 3:
			return "CH";
		case 4:
			return "HS";
		case 254:
			return "NONE";
		case 255:
			return "ANY";
	}
	snprintf(buf, DNS_MNEMONIC_MAX, "CLASS%u", rclass);
	return buf;
}
