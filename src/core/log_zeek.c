/*
 * log_zeek.c
 *		Zeek dns.log lines into neutral records (see log_zeek.h).
 *
 * A dns.log line is one query and its response.  Zeek logs the rdata of
 * the answer section in `answers`, without owner names or types, so they
 * are inferred, in this order, starting with owner = the query name:
 *
 *	 - an IPv4 address is an A record, an IPv6 address an AAAA record;
 *	 - "TXT n s..." / "SPF n s..." (Zeek's form, one per RR, each string
 *	   with its length) is a TXT / SPF record with exactly those strings;
 *	 - Zeek's summaries of DNSSEC and other types ("RRSIG 1 example.com",
 *	   "DNSKEY 8", "DS ...", "NSEC ...", "NSEC3", "NSEC3PARAM",
 *	   "SSHFP: hex", "LOC: ...", "BIND9 signing signal", "<unknown type=N>")
 *	   do not hold the rdata: they are skipped;
 *	 - any other answer is a name: when the query type is NS, PTR, MX,
 *	   SOA, SRV or CNAME it is the rdata of that type (MX, SOA and SRV
 *	   rebuilt with placeholders and flagged lossy, as Zeek logs only their
 *	   name); when the query type is ANY, or unknown and the line holds no
 *	   address, TXT or SPF answer, it cannot be typed and is skipped;
 *	   otherwise it is a CNAME of the current owner, and becomes the owner
 *	   of the answers after it (CNAME chains).  An unknown query type with
 *	   such an answer in the line is thus read as a query of that answer's
 *	   type, the same as when the qtype is logged;
 *	 - an empty answer is an error (it would make an empty owner name).
 *
 * Answers of one owner and type form one RRset (they came in one
 * response).  A response with another rcode than NOERROR is a negative
 * answer for (query, qtype), and an error when the qtype is unset (a
 * negative answer is stored per query type); NOERROR without answers is
 * NODATA when the query type is one whose answers Zeek logs and the
 * response was not truncated.  Lines without a response (rcode unset) or
 * without a query name observe nothing.  Only class IN is stored.
 */
#include "log_zeek.h"

#include "dns_codes.h"
#include "hex_digit.h"
#include "time_parse.h"

#include <string.h>
#include <strings.h>

#define ZEEK_MAX_ANSWERS 1024

enum
{
	RR_A = 1, RR_NS = 2, RR_CNAME = 5, RR_SOA = 6, RR_PTR = 12, RR_MX = 15,
	RR_TXT = 16, RR_AAAA = 28, RR_LOC = 29, RR_SRV = 33, RR_DS = 43,
	RR_SSHFP = 44, RR_RRSIG = 46, RR_NSEC = 47, RR_DNSKEY = 48, RR_NSEC3 = 50,
	RR_NSEC3PARAM = 51, RR_SPF = 99, RR_ANY = 255
};

static const char *const col_names[ZK_NCOLS] = {
	"ts", "id.orig_h", "id.resp_h", "query", "qclass", "qtype", "rcode", "TC", "answers"
};

void
zeek_state_init(zeek_state *z)
{
	memset(z, 0, sizeof(*z));
	z->sep[0] = '\t';
	z->seplen = 1;
	z->setsep[0] = ',';
	z->setseplen = 1;
	memcpy(z->empty, "(empty)", 7);
	z->emptylen = 7;
	z->unset[0] = '-';
	z->unsetlen = 1;
	z->nfields = 0;
}

/* Zeek's \xHH escapes back into octets, written to o; returns the length. */
static size_t
unescape(const char *s, size_t len, char *o)
{
	size_t		i = 0,
				n = 0;

	while (i < len)
	{
		if (s[i] == '\\' && i + 3 < len + 0 && s[i + 1] == 'x' &&
			hex_digit_value(s[i + 2]) >= 0 && hex_digit_value(s[i + 3]) >= 0)
		{
			o[n++] = (char) (hex_digit_value(s[i + 2]) << 4 | hex_digit_value(s[i + 3]));
			i += 4;
		}
		else
			o[n++] = s[i++];
	}
	return n;
}

/* Unescape into the output's text buffer. */
static bool
unescape_text(log_out *out, const char *s, size_t len, log_str *res)
{
	size_t		start = log_text_start(out);

	if (out->text_len + len + 1 > out->text_cap)
		return false;
	out->text_len += unescape(s, len, out->text + start);
	out->text[out->text_len] = '\0';
	*res = log_text_end(out, start);
	return true;
}

/* A header value with \x escapes into a marker buffer. */
static bool
set_marker(const char *s, size_t len, char *dst, size_t *dstlen, log_error *err)
{
	char		tmp[ZEEK_MARK_MAX * 4];
	size_t		n;

	if (len == 0 || len >= sizeof(tmp))
		return log_fail(err, "bad header value");
	n = unescape(s, len, tmp);
	/* a refused value leaves the marker as it was, length included */
	if (n == 0 || n >= ZEEK_MARK_MAX)
		return log_fail(err, "bad header value");
	memcpy(dst, tmp, n);
	*dstlen = n;
	return true;
}

/* Find sep in s[from..len); its position or len. */
static size_t
find_sep(const char *s, size_t len, size_t from, const char *sep, size_t seplen)
{
	size_t		i;

	for (i = from; i + seplen <= len; i++)
		if (memcmp(s + i, sep, seplen) == 0)
			return i;
	return len;
}

static bool
parse_header(zeek_state *z, const char *line, size_t len, log_error *err)
{
	size_t		e;
	log_str		name;

	if (len > 11 && memcmp(line, "#separator ", 11) == 0)
		return set_marker(line + 11, len - 11, z->sep, &z->seplen, err);
	e = find_sep(line, len, 0, z->sep, z->seplen);
	name = log_str_make(line + 1, e - 1);
	if (e == len)
		return true;				/* a comment */
	e += z->seplen;
	if (log_str_is(name, "set_separator"))
		return set_marker(line + e, len - e, z->setsep, &z->setseplen, err);
	if (log_str_is(name, "empty_field"))
		return set_marker(line + e, len - e, z->empty, &z->emptylen, err);
	if (log_str_is(name, "unset_field"))
		return set_marker(line + e, len - e, z->unset, &z->unsetlen, err);
	if (log_str_is(name, "fields"))
	{
		int			n = 0,
					c;

		for (c = 0; c < ZK_NCOLS; c++)
			z->col[c] = -1;
		while (e <= len)
		{
			size_t		f = find_sep(line, len, e, z->sep, z->seplen);
			log_str		field = log_str_make(line + e, f - e);

			if (n == ZEEK_MAX_FIELDS)
			{
				z->nfields = 0;
				return log_fail(err, "more than %d fields", ZEEK_MAX_FIELDS);
			}
			for (c = 0; c < ZK_NCOLS; c++)
				if (log_str_is(field, col_names[c]) && z->col[c] < 0)
					z->col[c] = n;
			n++;
			e = f + z->seplen;
		}
		z->nfields = n;
	}
	return true;
}

/* One line's values, after the format's own syntax is gone. */
typedef struct zk_values
{
	bool		set[ZK_NCOLS];
	log_str		v[ZK_NCOLS];	/* unescaped; not answers */
	size_t		nanswers;
	log_str		answers[ZEEK_MAX_ANSWERS];	/* unescaped */
} zk_values;

/* An inferred answer. */
typedef struct zk_rr
{
	log_str		owner;
	uint16_t	type;
	log_str		rdata;
	bool		lossy;
} zk_rr;

/*
 * The type an answer's own form tells: A or AAAA for an address, TXT or
 * SPF for Zeek's "TXT n s" / "SPF n s"; 0 for a name or a summary.
 */
static uint16_t
answer_form_type(log_str a)
{
	if (log_is_ipv4(a.ptr, a.len))
		return RR_A;
	if (log_is_ipv6(a.ptr, a.len))
		return RR_AAAA;
	if (a.len > 4 && memcmp(a.ptr, "TXT ", 4) == 0)
		return RR_TXT;
	if (a.len > 4 && memcmp(a.ptr, "SPF ", 4) == 0)
		return RR_SPF;
	return 0;
}

static bool
is_summary(log_str a)
{
	static const char *const prefixes[] = {"RRSIG ", "DNSKEY ", "DS ", "NSEC ", "SSHFP: ",
	"LOC: ", "<unknown type="};
	size_t		i;

	if (log_str_is(a, "NSEC3") || log_str_is(a, "NSEC3PARAM") ||
		log_str_is(a, "BIND9 signing signal"))
		return true;
	for (i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
	{
		size_t		pl = strlen(prefixes[i]);

		if (a.len >= pl && memcmp(a.ptr, prefixes[i], pl) == 0)
			return true;
	}
	return false;
}

/*
 * "TXT 3 abc TXT 2 de" (word = "TXT") into the presentation form
 * "\"abc\" \"de\"".  False when the lengths do not add up.
 */
static bool
txt_answer(log_out *out, log_str a, const char *word, log_str *res)
{
	size_t		wl = strlen(word);
	size_t		p = 0;
	size_t		start = log_text_start(out);
	bool		first = true;

	while (p < a.len)
	{
		size_t		n = 0,
					digits = 0;

		if (!first)
		{
			if (a.ptr[p] != ' ')
				return false;
			p++;
		}
		if (a.len - p < wl + 1 || memcmp(a.ptr + p, word, wl) != 0 || a.ptr[p + wl] != ' ')
			return false;
		p += wl + 1;
		while (p < a.len && a.ptr[p] >= '0' && a.ptr[p] <= '9' && digits < 4)
		{
			n = n * 10 + (size_t) (a.ptr[p] - '0');
			p++;
			digits++;
		}
		if (digits == 0 || n > 255 || p >= a.len || a.ptr[p] != ' ' || a.len - p - 1 < n)
			return false;
		p++;
		if ((!first && !log_text_char(out, ' ')) || !log_text_quoted(out, a.ptr + p, n))
			return false;
		p += n;
		first = false;
	}
	if (first)
		return false;
	*res = log_text_end(out, start);
	return true;
}

static bool
is_logged_type(uint16_t t)
{
	switch (t)
	{
		case RR_A:
		case RR_NS:
		case RR_CNAME:
		case RR_SOA:
		case RR_PTR:
		case RR_MX:
		case RR_TXT:
		case RR_AAAA:
		case RR_LOC:
		case RR_SRV:
		case RR_DS:
		case RR_SSHFP:
		case RR_RRSIG:
		case RR_NSEC:
		case RR_DNSKEY:
		case RR_NSEC3:
		case RR_NSEC3PARAM:
		case RR_SPF:
			return true;
		default:
			return false;
	}
}

/* A name-valued answer as rdata of type t, with placeholders where Zeek dropped fields. */
static bool
name_rdata(log_out *out, uint16_t t, log_str name, zk_rr *rr)
{
	size_t		start = log_text_start(out);
	bool		ok;

	rr->lossy = t == RR_MX || t == RR_SOA || t == RR_SRV;
	if (t == RR_MX)
		ok = log_text_append(out, "0 ", 2) && log_text_append(out, name.ptr, name.len);
	else if (t == RR_SRV)
		ok = log_text_append(out, "0 0 0 ", 6) && log_text_append(out, name.ptr, name.len);
	else if (t == RR_SOA)
		ok = log_text_append(out, name.ptr, name.len) && log_text_append(out, " . 0 0 0 0 0", 12);
	else
		ok = log_text_append(out, name.ptr, name.len);
	rr->rdata = log_text_end(out, start);
	rr->type = t;
	return ok;
}

static bool
same_owner(log_str a, log_str b)
{
	return a.len == b.len && strncasecmp(a.ptr, b.ptr, a.len) == 0;
}

/* Records from one line's values. */
static bool
emit(zk_values *zv, log_out *out, log_error *err)
{
	int64_t		ts;
	uint64_t	n;
	uint16_t	qtype = 0,
				rcode;
	const char *reason;
	log_str		query;
	zk_rr	   *rrs;
	size_t		nrr = 0,
				i,
				j;
	bool		any_typed = false;
	uint16_t	name_type;
	log_str		cur;
	static zk_rr rr_buf[ZEEK_MAX_ANSWERS];

	if (!zv->set[ZK_QUERY] || !zv->set[ZK_RCODE])
		return true;				/* no query name, or no response: nothing observed */
	if (!zv->set[ZK_TS])
		return log_fail(err, "no ts");
	if (!parse_time_usec(zv->v[ZK_TS].ptr, zv->v[ZK_TS].len, &ts, &reason))
		return log_fail(err, "bad ts \"%.*s\": %s", (int) (zv->v[ZK_TS].len > 40 ? 40 : zv->v[ZK_TS].len),
						zv->v[ZK_TS].ptr, reason);
	if (zv->set[ZK_QCLASS])
	{
		if (!parse_uint(zv->v[ZK_QCLASS].ptr, zv->v[ZK_QCLASS].len, 65535, &n))
			return log_fail(err, "bad qclass");
		if (n != 1)
			return log_fail(err, "class %u is not stored (only IN)", (unsigned) n);
	}
	if (zv->set[ZK_QTYPE])
	{
		if (!parse_uint(zv->v[ZK_QTYPE].ptr, zv->v[ZK_QTYPE].len, 65535, &n))
			return log_fail(err, "bad qtype");
		qtype = (uint16_t) n;
	}
	if (!parse_uint(zv->v[ZK_RCODE].ptr, zv->v[ZK_RCODE].len, 4095, &n))
		return log_fail(err, "bad rcode");
	rcode = (uint16_t) n;
	query = zv->v[ZK_QUERY].len > 0 ? zv->v[ZK_QUERY] : log_str_make(".", 1);

#define NEW_RECORD(r) \
	do { \
		if (((r) = log_out_record(out)) == NULL) \
			return log_fail(err, "out of memory"); \
		(r)->time_first = (r)->time_last = ts; \
		(r)->client = zv->v[ZK_ORIG_H]; \
		(r)->server = zv->v[ZK_RESP_H]; \
	} while (0)

	if (rcode != 0 || zv->nanswers == 0)
	{
		log_record *r;
		bool		truncated = zv->set[ZK_TC] && log_str_is(zv->v[ZK_TC], "T");

		if (qtype == 0 && rcode != 0)
		{
			char		rc[DNS_CODE_TEXT_MAX];

			dns_rcode_to_text(rcode, rc);
			return log_fail(err, "rcode %s without qtype: a negative answer is stored for a query type",
							rc);
		}
		if (qtype == 0 || (rcode == 0 && (!is_logged_type(qtype) || truncated)))
			return true;
		NEW_RECORD(r);
		r->owner = query;
		r->rrtype = qtype;
		r->rcode = rcode;
		return true;
	}

	/* infer owner and type of each answer */
	rrs = rr_buf;
	for (i = 0; i < zv->nanswers; i++)
		if (answer_form_type(zv->answers[i]) != 0)
			any_typed = true;
	switch (qtype)
	{
		case RR_NS:
		case RR_PTR:
		case RR_MX:
		case RR_SOA:
		case RR_SRV:
		case RR_CNAME:
			name_type = qtype;
			break;
		case RR_ANY:
			name_type = 0;
			break;
		case 0:
			/* an address, TXT or SPF answer: the names before it are a chain */
			name_type = any_typed ? RR_CNAME : 0;
			break;
		default:
			name_type = RR_CNAME;
			break;
	}
	cur = query;
	for (i = 0; i < zv->nanswers; i++)
	{
		log_str		a = zv->answers[i];
		zk_rr	   *rr = &rrs[nrr];

		rr->owner = cur;
		rr->lossy = false;
		if (a.len == 0)
			return log_fail(err, "an empty answer");	/* no name, no address */
		rr->type = answer_form_type(a);
		if (rr->type == RR_A || rr->type == RR_AAAA)
			rr->rdata = a;
		else if (rr->type == RR_TXT || rr->type == RR_SPF)
		{
			const char *word = rr->type == RR_TXT ? "TXT" : "SPF";

			if (!txt_answer(out, a, word, &rr->rdata))
				return log_fail(err, "bad %s answer \"%.*s\"", word,
								(int) (a.len > 64 ? 64 : a.len), a.ptr);
		}
		else if (is_summary(a) || name_type == 0)
			continue;
		else
		{
			if (!name_rdata(out, name_type, a, rr))
				return log_fail(err, "out of memory");
			if (name_type == RR_CNAME && qtype != RR_CNAME)
				cur = a;
		}
		nrr++;
	}

	/* one RRset per owner and type, in order of first appearance */
	for (i = 0; i < nrr; i++)
	{
		log_record *r;

		for (j = 0; j < i; j++)
			if (rrs[j].type == rrs[i].type && same_owner(rrs[j].owner, rrs[i].owner))
				break;
		if (j < i)
			continue;				/* already emitted with its first member */
		NEW_RECORD(r);
		r->owner = rrs[i].owner;
		r->rrtype = rrs[i].type;
		r->lossy = rrs[i].lossy;
		for (j = i; j < nrr; j++)
			if (rrs[j].type == rrs[i].type && same_owner(rrs[j].owner, rrs[i].owner) &&
				!log_out_rdata(out, rrs[j].rdata.ptr, rrs[j].rdata.len))
				return log_fail(err, "out of memory");
	}
#undef NEW_RECORD
	return true;
}

static bool
parse_tsv(zeek_state *z, zk_values *zv, const char *line, size_t len,
		  log_out *out, log_error *err)
{
	size_t		p = 0;
	int			n = 0;

	if (z->nfields == 0)
		return log_fail(err, "no #fields header before this line (start each load with the log's header lines)");
	while (p <= len)
	{
		size_t		e = find_sep(line, len, p, z->sep, z->seplen);
		log_str		raw = log_str_make(line + p, e - p);
		int			c;

		if (n >= z->nfields)
			return log_fail(err, "more fields than the %d of the #fields header", z->nfields);
		for (c = 0; c < ZK_NCOLS; c++)
		{
			if (z->col[c] != n)
				continue;
			if (raw.len == z->unsetlen && memcmp(raw.ptr, z->unset, raw.len) == 0)
				break;
			zv->set[c] = true;
			if (raw.len == z->emptylen && memcmp(raw.ptr, z->empty, raw.len) == 0)
				zv->v[c] = log_str_make("", 0);
			else if (c == ZK_ANSWERS)
			{
				size_t		q = 0;

				while (q <= raw.len)
				{
					size_t		f = find_sep(raw.ptr, raw.len, q, z->setsep, z->setseplen);

					if (zv->nanswers == ZEEK_MAX_ANSWERS)
						return log_fail(err, "more than %d answers", ZEEK_MAX_ANSWERS);
					if (!unescape_text(out, raw.ptr + q, f - q, &zv->answers[zv->nanswers++]))
						return log_fail(err, "out of memory");
					q = f + z->setseplen;
				}
			}
			else if (!unescape_text(out, raw.ptr, raw.len, &zv->v[c]))
				return log_fail(err, "out of memory");
		}
		n++;
		p = e + z->seplen;
	}
	if (n != z->nfields)
		return log_fail(err, "expected %d fields, found %d", z->nfields, n);
	return emit(zv, out, err);
}

static bool
parse_json(json_doc *doc, zk_values *zv, const char *line, size_t len,
		   log_out *out, log_error *err)
{
	const json_node *root;
	int			c;

	if (!json_parse(doc, line, len))
		return log_fail(err, "bad JSON at byte %zu: %s", doc->offset, doc->reason);
	root = json_root(doc);
	if (root->type != JSON_OBJECT)
		return log_fail(err, "the JSON value is not an object");
	for (c = 0; c < ZK_NCOLS; c++)
	{
		const json_node *m = json_get(doc, root, col_names[c]);

		if (m == NULL || m->type == JSON_NULL)
			continue;
		if (c == ZK_ANSWERS)
		{
			const json_node *a;

			if (m->type != JSON_ARRAY)
				return log_fail(err, "\"answers\" is not an array");
			for (a = json_first(doc, m); a != NULL; a = json_next(doc, a))
			{
				if (a->type != JSON_STRING)
					return log_fail(err, "an answer is not a string");
				if (zv->nanswers == ZEEK_MAX_ANSWERS)
					return log_fail(err, "more than %d answers", ZEEK_MAX_ANSWERS);
				if (!unescape_text(out, a->str, a->len, &zv->answers[zv->nanswers++]))
					return log_fail(err, "out of memory");
			}
			zv->set[c] = true;
		}
		else if (c == ZK_TC)
		{
			zv->set[c] = true;
			zv->v[c] = log_str_make(m->type == JSON_TRUE ? "T" : "F", 1);
		}
		else if (m->type == JSON_STRING || m->type == JSON_NUMBER)
		{
			zv->set[c] = true;
			if (!unescape_text(out, m->str, m->len, &zv->v[c]))
				return log_fail(err, "out of memory");
		}
		else
			return log_fail(err, "\"%s\" has the wrong JSON type", col_names[c]);
	}
	return emit(zv, out, err);
}

bool
zeek_parse_line(zeek_state *z, json_doc *doc, const char *line, size_t len,
				log_out *out, log_error *err)
{
	static zk_values zv;

	if (!log_line_begin(out, line, &len, err))
		return false;
	if (len == 0)
		return true;
	if (line[0] == '#')
		return parse_header(z, line, len, err);
	memset(zv.set, 0, sizeof(zv.set));
	memset(zv.v, 0, sizeof(zv.v));
	zv.nanswers = 0;
	return log_line_end(out, line[0] == '{' ? parse_json(doc, &zv, line, len, out, err)
						: parse_tsv(z, &zv, line, len, out, err));
}
