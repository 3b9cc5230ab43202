/*
 * log_suricata.c
 *		Suricata eve.json DNS events into neutral records (see
 *		log_suricata.h).
 *
 * Only responses are observations: dns.type "answer" (eve DNS v1 and v2)
 * or "response" (v3).  "query"/"request" events and events of other
 * event_types observe nothing.  The query is dns.rrname/dns.rrtype (v1,
 * v2) or dns.queries[0] (v3); the time is the event's timestamp; the
 * server is the side whose port is 53 (else dest_ip), the client the
 * other side.
 *
 * Answers come from, in this order of preference:
 *	 - dns.answers (the "detailed" format, v2 and v3): each entry has its
 *	   rrname and rrtype;
 *	 - dns.grouped (the "grouped" format): rdata by type, without owners:
 *	   the CNAMEs form a chain from the query name in their order, and
 *	   every other type belongs to the end of that chain;
 *	 - dns.rdata/soa/srv/sshfp on the event itself (v1, one event per RR).
 * Entries of one owner and type form one RRset.  A v1 event's record is
 * marked one_rr, with its response's identity (flow_id, dns.id and
 * dns.tx_id): ingestion joins consecutive records of one response into
 * one RRset, as it does for the lines of the line formats.  A v1 event
 * with none of the three cannot be told from another response's: its
 * record is flagged lossy (the set may lack RRs, or hold another's).  Rdata: A, AAAA, CNAME,
 * NS, PTR as logged; SOA, SRV and SSHFP from their objects (exact); MX is
 * logged without its preference (rebuilt as preference 0, lossy); TXT is
 * logged one entry per string, so an RRset of several TXT strings cannot
 * be told from several one-string RRs: each string is stored as its own
 * RR, flagged lossy (a single string is exact).  Entries of other types
 * carry no rdata and are skipped, as are truncated names.  Suricata
 * writes the octets of non-UTF-8 strings as "\xHH" (HH >= 80): those are
 * turned back into octets.
 *
 * An rcode other than NOERROR is a negative answer for the query; NOERROR
 * without answers is NODATA unless the response was truncated.
 */
#include "log_suricata.h"

#include "dns_codes.h"
#include "hex_digit.h"
#include "rrtype_table.h"
#include "time_parse.h"

#include <string.h>
#include <strings.h>

enum
{
	RR_CNAME = 5, RR_SOA = 6, RR_MX = 15, RR_TXT = 16, RR_SRV = 33, RR_SSHFP = 44
};

#define SURI_MAX_RRS 1024

typedef struct suri_rr
{
	log_str		owner;
	uint16_t	type;
	log_str		rdata;
} suri_rr;

typedef struct suri_ctx
{
	const json_doc *doc;
	log_out    *out;
	log_error  *err;
	suri_rr		rrs[SURI_MAX_RRS];
	size_t		nrr;
} suri_ctx;

/* A string with Suricata's \xHH (HH >= 80) turned back into octets. */
static bool
octets(log_out *out, const char *s, size_t len, log_str *res)
{
	size_t		start = log_text_start(out);
	size_t		i = 0;

	while (i < len)
	{
		int			hi,
					lo;

		if (s[i] == '\\' && i + 3 < len && s[i + 1] == 'x' &&
			(hi = hex_digit_value(s[i + 2])) >= 8 && (lo = hex_digit_value(s[i + 3])) >= 0)
		{
			if (!log_text_char(out, (char) (hi << 4 | lo)))
				return false;
			i += 4;
		}
		else if (!log_text_char(out, s[i++]))
			return false;
	}
	*res = log_text_end(out, start);
	return true;
}

/* A name from a JSON string: octets restored; the root when empty. */
static bool
name_of(suri_ctx *c, const json_node *v, log_str *res)
{
	if (v == NULL || v->type != JSON_STRING)
		return log_fail(c->err, "a name is not a string");
	if (v->len == 0)
	{
		*res = log_str_make(".", 1);
		return true;
	}
	if (!octets(c->out, v->str, v->len, res))
		return log_fail(c->err, "out of memory");
	return true;
}

static bool
truthy(const json_doc *doc, const json_node *obj, const char *key)
{
	const json_node *m = json_get(doc, obj, key);

	return m != NULL && m->type == JSON_TRUE;
}

/* Append an unsigned member of an object, then a space. */
static bool
append_uint_member(suri_ctx *c, const json_node *obj, const char *key, uint64_t max)
{
	uint64_t	v;

	if (!json_uint(json_get(c->doc, obj, key), max, &v))
		return log_fail(c->err, "bad or missing \"%s\"", key);
	if (!log_text_uint(c->out, v) || !log_text_char(c->out, ' '))
		return log_fail(c->err, "out of memory");
	return true;
}

static bool
append_name_member(suri_ctx *c, const json_node *obj, const char *key)
{
	log_str		n;

	if (!name_of(c, json_get(c->doc, obj, key), &n))
		return false;
	/* name_of wrote the name at the end of the text, unless it is the root */
	if (n.ptr + n.len != c->out->text + c->out->text_len &&
		!log_text_append(c->out, n.ptr, n.len))
		return log_fail(c->err, "out of memory");
	/* names are absolute: a trailing dot keeps ldns from adding an origin */
	if (n.ptr[n.len - 1] != '.' && !log_text_char(c->out, '.'))
		return log_fail(c->err, "out of memory");
	return true;
}

/*
 * The rdata text of one logged value of type t: v is the "rdata" string
 * or the soa/srv/sshfp object.  *skip when the type's rdata is not logged.
 */
static bool
rdata_text(suri_ctx *c, uint16_t t, const json_node *v, log_str *res, bool *skip)
{
	size_t		start = log_text_start(c->out);

	*skip = false;
	if (v == NULL)
	{
		*skip = true;
		return true;
	}
	if (t == RR_SOA && v->type == JSON_OBJECT)
	{
		if (truthy(c->doc, v, "mname_truncated") || truthy(c->doc, v, "rname_truncated"))
		{
			*skip = true;
			return true;
		}
		if (!append_name_member(c, v, "mname") || !log_text_char(c->out, ' ') ||
			!append_name_member(c, v, "rname") || !log_text_char(c->out, ' ') ||
			!append_uint_member(c, v, "serial", UINT32_MAX) ||
			!append_uint_member(c, v, "refresh", UINT32_MAX) ||
			!append_uint_member(c, v, "retry", UINT32_MAX) ||
			!append_uint_member(c, v, "expire", UINT32_MAX) ||
			!append_uint_member(c, v, "minimum", UINT32_MAX))
			return false;
		c->out->text_len--;		/* the last space */
	}
	else if (t == RR_SRV && v->type == JSON_OBJECT)
	{
		if (!append_uint_member(c, v, "priority", 65535) ||
			!append_uint_member(c, v, "weight", 65535) ||
			!append_uint_member(c, v, "port", 65535) ||
			!append_name_member(c, v, "name"))
			return false;
	}
	else if (t == RR_SSHFP && v->type == JSON_OBJECT)
	{
		const json_node *fp = json_get(c->doc, v, "fingerprint");
		size_t		i;

		if (!append_uint_member(c, v, "algo", 255) || !append_uint_member(c, v, "type", 255))
			return false;
		if (fp == NULL || fp->type != JSON_STRING || fp->len == 0)
			return log_fail(c->err, "bad SSHFP fingerprint");
		for (i = 0; i < fp->len; i++)
			if (fp->str[i] != ':' && !log_text_char(c->out, fp->str[i]))
				return log_fail(c->err, "out of memory");
	}
	else if (v->type == JSON_STRING && t != RR_SOA && t != RR_SRV && t != RR_SSHFP)
	{
		log_str		s;

		if (!octets(c->out, v->str, v->len, &s))
			return log_fail(c->err, "out of memory");
		if (t == RR_TXT)
		{
			/* the octets just written become a quoted string after them */
			size_t		qstart = log_text_start(c->out);

			if (!log_text_quoted(c->out, s.ptr, s.len))
				return log_fail(c->err, "out of memory");
			*res = log_text_end(c->out, qstart);
			return true;
		}
		if (t == RR_MX)
		{
			size_t		mstart = log_text_start(c->out);

			if (!log_text_append(c->out, "0 ", 2) || !log_text_append(c->out, s.ptr, s.len))
				return log_fail(c->err, "out of memory");
			*res = log_text_end(c->out, mstart);
			return true;
		}
		if (s.len == 0)
			s = log_str_make(".", 1);
		*res = s;
		return true;
	}
	else
	{
		*skip = true;
		return true;
	}
	*res = log_text_end(c->out, start);
	return true;
}

static bool
add_rr(suri_ctx *c, log_str owner, uint16_t t, log_str rdata)
{
	if (c->nrr == SURI_MAX_RRS)
		return log_fail(c->err, "more than %d answers", SURI_MAX_RRS);
	c->rrs[c->nrr].owner = owner;
	c->rrs[c->nrr].type = t;
	c->rrs[c->nrr].rdata = rdata;
	c->nrr++;
	return true;
}

/* The type of an entry's "rrtype", or false (unknown mnemonics are skipped). */
static bool
type_of(const json_node *v, uint16_t *t)
{
	if (v == NULL || (v->type != JSON_STRING && v->type != JSON_NUMBER))
		return false;
	return rrtype_from_text(v->str, v->len, t) == RRTYPE_OK;
}

/* One detailed entry (v2/v3 answers, or a v1 event's dns object). */
static bool
detailed_entry(suri_ctx *c, const json_node *e)
{
	uint16_t	t;
	log_str		owner,
				rdata;
	bool		skip;
	const json_node *v;

	if (e->type != JSON_OBJECT)
		return log_fail(c->err, "an answer is not an object");
	if (!type_of(json_get(c->doc, e, "rrtype"), &t) ||
		truthy(c->doc, e, "rrname_truncated") || truthy(c->doc, e, "rdata_truncated"))
		return true;
	if (!name_of(c, json_get(c->doc, e, "rrname"), &owner))
		return false;
	v = json_get(c->doc, e, "rdata");
	if (v == NULL)
		v = json_get(c->doc, e, t == RR_SOA ? "soa" : t == RR_SRV ? "srv" : "sshfp");
	if (!rdata_text(c, t, v, &rdata, &skip))
		return false;
	return skip || add_rr(c, owner, t, rdata);
}

static bool
grouped(suri_ctx *c, const json_node *g, log_str query)
{
	const json_node *cn = json_get(c->doc, g, "CNAME");
	const json_node *m;
	log_str		cur = query;

	if (g->type != JSON_OBJECT)
		return log_fail(c->err, "\"grouped\" is not an object");
	if (cn != NULL)
	{
		if (cn->type != JSON_ARRAY)
			return log_fail(c->err, "grouped CNAME is not an array");
		for (m = json_first(c->doc, cn); m != NULL; m = json_next(c->doc, m))
		{
			log_str		target;
			bool		skip;

			if (!rdata_text(c, RR_CNAME, m, &target, &skip))
				return false;
			if (skip)
				continue;
			if (!add_rr(c, cur, RR_CNAME, target))
				return false;
			cur = target;
		}
	}
	for (m = json_first(c->doc, g); m != NULL; m = json_next(c->doc, m))
	{
		uint16_t	t;
		const json_node *v;

		if (rrtype_from_text(m->key, m->keylen, &t) != RRTYPE_OK || t == RR_CNAME)
			continue;
		if (m->type != JSON_ARRAY)
			return log_fail(c->err, "a grouped value is not an array");
		for (v = json_first(c->doc, m); v != NULL; v = json_next(c->doc, v))
		{
			log_str		rdata;
			bool		skip;

			if (!rdata_text(c, t, v, &rdata, &skip))
				return false;
			if (!skip && !add_rr(c, cur, t, rdata))
				return false;
		}
	}
	return true;
}

static bool
same_owner(log_str a, log_str b)
{
	return a.len == b.len && strncasecmp(a.ptr, b.ptr, a.len) == 0;
}

static bool
rcode_of(const json_node *v, uint16_t *rcode)
{
	log_str		s;
	uint64_t	n;

	if (v == NULL)
	{
		*rcode = 0;
		return true;
	}
	if (v->type != JSON_STRING && v->type != JSON_NUMBER)
		return false;
	s = log_str_make(v->str, v->len);
	if (log_str_is(s, "BADVERS/BADSIG"))
	{
		*rcode = 16;
		return true;
	}
	if (log_str_is_ci(s, "NOTIMP"))
	{
		*rcode = 4;
		return true;
	}
	if (parse_uint(s.ptr, s.len, 4095, &n))
	{
		*rcode = (uint16_t) n;
		return true;
	}
	return dns_rcode_from_text(s.ptr, s.len, rcode);
}

/*
 * A v1 event's response: FNV-1a over the source texts of flow_id, dns.id
 * and dns.tx_id (0 when the event has none of them).
 */
static uint64_t
response_of(const json_doc *doc, const json_node *root, const json_node *dns)
{
	const json_node *parts[3] = {json_get(doc, root, "flow_id"), json_get(doc, dns, "id"),
	json_get(doc, dns, "tx_id")};
	uint64_t	h = UINT64_C(14695981039346656037);
	bool		any = false;

	for (int i = 0; i < 3; i++)
	{
		const json_node *v = parts[i];

		if (v == NULL || (v->type != JSON_NUMBER && v->type != JSON_STRING))
		{
			h = (h ^ 0xff) * UINT64_C(1099511628211);
			continue;
		}
		any = true;
		for (size_t k = 0; k < v->len; k++)
			h = (h ^ (unsigned char) v->str[k]) * UINT64_C(1099511628211);
		h = (h ^ 0xfe) * UINT64_C(1099511628211);
	}
	return any ? (h == 0 ? 1 : h) : 0;
}

static uint64_t
port_of(const json_doc *doc, const json_node *root, const char *key)
{
	uint64_t	p = 0;

	(void) json_uint(json_get(doc, root, key), 65535, &p);
	return p;
}

static bool
parse_event(suri_ctx *c, const json_node *root)
{
	const json_doc *doc = c->doc;
	const json_node *et = json_get(doc, root, "event_type");
	const json_node *dns,
			   *ty,
			   *ts,
			   *q = NULL,
			   *answers,
			   *grp;
	int64_t		time;
	const char *reason;
	log_str		query = {NULL, 0},
				client = {NULL, 0},
				server = {NULL, 0};
	uint16_t	qtype = 0,
				rcode;
	size_t		i,
				j;
	bool		v1 = false;		/* one event per RR */
	uint64_t	response = 0;
	const json_node *src = json_get(doc, root, "src_ip"),
			   *dst = json_get(doc, root, "dest_ip");

	if (et == NULL || et->type != JSON_STRING || !log_str_is(log_str_make(et->str, et->len), "dns"))
		return true;				/* not a DNS event */
	dns = json_get(doc, root, "dns");
	if (dns == NULL || dns->type != JSON_OBJECT)
		return log_fail(c->err, "a dns event without a \"dns\" object");
	ty = json_get(doc, dns, "type");
	if (ty == NULL || ty->type != JSON_STRING)
		return log_fail(c->err, "no dns.type");
	if (log_str_is(log_str_make(ty->str, ty->len), "query") ||
		log_str_is(log_str_make(ty->str, ty->len), "request"))
		return true;				/* a query: nothing observed */
	if (!log_str_is(log_str_make(ty->str, ty->len), "answer") &&
		!log_str_is(log_str_make(ty->str, ty->len), "response"))
		return log_fail(c->err, "unknown dns.type \"%.*s\"", (int) (ty->len > 32 ? 32 : ty->len), ty->str);

	ts = json_get(doc, root, "timestamp");
	if (ts == NULL || ts->type != JSON_STRING)
		return log_fail(c->err, "no timestamp");
	if (!parse_time_usec(ts->str, ts->len, &time, &reason))
		return log_fail(c->err, "bad timestamp \"%.*s\": %s", (int) (ts->len > 40 ? 40 : ts->len), ts->str, reason);
	if (!rcode_of(json_get(doc, dns, "rcode"), &rcode))
		return log_fail(c->err, "bad rcode");

	/* the query: v3 queries[0], else the event's own rrname/rrtype */
	if ((q = json_get(doc, dns, "queries")) != NULL)
		q = json_at(doc, q, 0);
	else if (json_get(doc, dns, "answers") != NULL || json_get(doc, dns, "grouped") != NULL ||
			 json_get(doc, dns, "rdata") == NULL)
		q = dns;
	if (q != NULL && q->type == JSON_OBJECT && json_get(doc, q, "rrname") != NULL)
	{
		if (!name_of(c, json_get(doc, q, "rrname"), &query))
			return false;
		if (!type_of(json_get(doc, q, "rrtype"), &qtype))
			qtype = 0;
		if (truthy(doc, q, "rrname_truncated"))
			query.len = 0;
	}

	if (src && src->type == JSON_STRING && dst && dst->type == JSON_STRING)
	{
		bool		src_is_server = port_of(doc, root, "src_port") == 53 &&
		port_of(doc, root, "dest_port") != 53;

		client = log_str_make(src_is_server ? dst->str : src->str, src_is_server ? dst->len : src->len);
		server = log_str_make(src_is_server ? src->str : dst->str, src_is_server ? src->len : dst->len);
	}

	answers = json_get(doc, dns, "answers");
	grp = json_get(doc, dns, "grouped");
	if (answers != NULL)
	{
		const json_node *e;

		if (answers->type != JSON_ARRAY)
			return log_fail(c->err, "\"answers\" is not an array");
		for (e = json_first(doc, answers); e != NULL; e = json_next(doc, e))
			if (!detailed_entry(c, e))
				return false;
	}
	else if (grp != NULL)
	{
		if (query.len == 0)
			return true;			/* owners cannot be inferred */
		if (!grouped(c, grp, query))
			return false;
	}
	else if (rcode == 0 && (json_get(doc, dns, "rdata") || json_get(doc, dns, "soa") ||
							json_get(doc, dns, "srv") || json_get(doc, dns, "sshfp")))
	{
		if (!detailed_entry(c, dns))
			return false;
		v1 = true;
		response = response_of(doc, root, dns);
	}

#define NEW_RECORD(r) \
	do { \
		if (((r) = log_out_record(c->out)) == NULL) \
			return log_fail(c->err, "out of memory"); \
		(r)->time_first = (r)->time_last = time; \
		(r)->client = client; \
		(r)->server = server; \
		(r)->one_rr = v1; \
		(r)->response = response; \
		(r)->lossy = v1 && response == 0; \
	} while (0)

	/* (a v1 event of an RR whose rdata is not logged still has its ttl) */
	if (rcode != 0 || (answers == NULL && grp == NULL && c->nrr == 0 &&
					   json_get(doc, dns, "ttl") == NULL))
	{
		log_record *r;

		if (query.len == 0 || qtype == 0 || (rcode == 0 && truthy(doc, dns, "tc")))
			return true;
		NEW_RECORD(r);
		r->owner = query;
		r->rrtype = qtype;
		r->rcode = rcode;
		return true;
	}

	for (i = 0; i < c->nrr; i++)
	{
		log_record *r;
		size_t		n = 0;

		for (j = 0; j < i; j++)
			if (c->rrs[j].type == c->rrs[i].type && same_owner(c->rrs[j].owner, c->rrs[i].owner))
				break;
		if (j < i)
			continue;
		for (j = i; j < c->nrr; j++)
			if (c->rrs[j].type == c->rrs[i].type && same_owner(c->rrs[j].owner, c->rrs[i].owner))
				n++;
		if (c->rrs[i].type == RR_TXT && n > 1)
		{
			/* string boundaries are lost: one lossy one-string RR each */
			for (j = i; j < c->nrr; j++)
				if (c->rrs[j].type == RR_TXT && same_owner(c->rrs[j].owner, c->rrs[i].owner))
				{
					NEW_RECORD(r);
					r->owner = c->rrs[i].owner;
					r->rrtype = RR_TXT;
					r->lossy = true;
					if (!log_out_rdata(c->out, c->rrs[j].rdata.ptr, c->rrs[j].rdata.len))
						return log_fail(c->err, "out of memory");
				}
			continue;
		}
		NEW_RECORD(r);
		r->owner = c->rrs[i].owner;
		r->rrtype = c->rrs[i].type;
		r->lossy |= c->rrs[i].type == RR_MX;
		for (j = i; j < c->nrr; j++)
			if (c->rrs[j].type == c->rrs[i].type && same_owner(c->rrs[j].owner, c->rrs[i].owner) &&
				!log_out_rdata(c->out, c->rrs[j].rdata.ptr, c->rrs[j].rdata.len))
				return log_fail(c->err, "out of memory");
	}
#undef NEW_RECORD
	return true;
}

bool
suricata_parse_line(json_doc *doc, const char *line, size_t len, log_out *out,
					log_error *err)
{
	static suri_ctx c;

	if (!log_line_begin(out, line, &len, err))
		return false;
	if (len == 0)
		return true;
	if (!json_parse(doc, line, len))
		return log_fail(err, "bad JSON at byte %zu: %s", doc->offset, doc->reason);
	if (json_root(doc)->type != JSON_OBJECT)
		return log_fail(err, "the JSON value is not an object");
	c.doc = doc;
	c.out = out;
	c.err = err;
	c.nrr = 0;
	return log_line_end(out, parse_event(&c, json_root(doc)));
}
