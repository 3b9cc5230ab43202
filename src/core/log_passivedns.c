/*
 * log_passivedns.c
 *		gamelinux passivedns log lines into neutral records (see
 *		log_passivedns.h).
 *
 * What passivedns keeps of an answer (its -X record types): the whole
 * rdata of A, AAAA, CNAME, DNAME, NS, PTR and NAPTR; of MX, SRV and SOA
 * only the name (exchange, target, primary server); of TXT and SPF only
 * the first string; of RP only the mailbox.  Those are rebuilt with
 * placeholder fields (MX preference 0; SRV 0 0 0; SOA rname "." and zero
 * numbers; RP txt-dname ".") and flagged lossy, which keeps them apart
 * from exact observations of the same data.  Answers that are an rcode
 * mnemonic (passivedns's NXDOMAIN log) are negative answers.
 */
#include "log_passivedns.h"

#include "dns_codes.h"
#include "rrtype_table.h"
#include "time_parse.h"

#include <stdio.h>
#include <string.h>

#define RR_SOA	6
#define RR_MX	15
#define RR_TXT	16
#define RR_RP	17
#define RR_SRV	33
#define RR_SPF	99

static const struct
{
	char		letter;
	uint32_t	bit;
}			letters[] = {
	{'H', PDL_H}, {'S', PDL_S}, {'M', PDL_M}, {'h', PDL_h}, {'c', PDL_c},
	{'w', PDL_w}, {'s', PDL_s}, {'W', PDL_W}, {'p', PDL_p}, {'C', PDL_C},
	{'Q', PDL_Q}, {'L', PDL_L}, {'T', PDL_T}, {'A', PDL_A}, {'l', PDL_l},
	{'t', PDL_t}, {'n', PDL_n},
};

bool
passivedns_config_parse(const char *spec, const char *delimiter,
						passivedns_config *cfg, log_error *err)
{
	const char *p;

	memset(cfg, 0, sizeof(*cfg));
	for (p = spec; *p; p++)
	{
		size_t		i;

		for (i = 0; i < sizeof(letters) / sizeof(letters[0]); i++)
			if (letters[i].letter == *p)
				break;
		if (i == sizeof(letters) / sizeof(letters[0]))
			return log_fail(err, "unknown passivedns field letter '%c'", *p);
		cfg->fields |= letters[i].bit;
	}
	if (!(cfg->fields & (PDL_H | PDL_S)))
		return log_fail(err, "the fields must include a time (H or S)");
	if ((cfg->fields & (PDL_Q | PDL_T | PDL_A)) != (PDL_Q | PDL_T | PDL_A))
		return log_fail(err, "the fields must include Q, T and A");
	if (delimiter == NULL)
		delimiter = "||";
	cfg->delimiter_len = strlen(delimiter);
	if (cfg->delimiter_len == 0 || cfg->delimiter_len > PASSIVEDNS_DELIMITER_MAX)
		return log_fail(err, "the delimiter must have 1 to %d characters",
						PASSIVEDNS_DELIMITER_MAX);
	memcpy(cfg->delimiter, delimiter, cfg->delimiter_len + 1);
	return true;
}

/* What one line says, as text slices. */
typedef struct pdl_fields
{
	log_str		time;
	log_str		client;
	log_str		server;
	log_str		class;
	log_str		query;
	log_str		type;
	log_str		answer;
	log_str		ttl;
	log_str		count;
} pdl_fields;

/* The rcode of a passivedns error record's answer, or -1. */
static int
answer_rcode(log_str a)
{
	static const char *const words[] = {"NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMPL",
	"REFUSED", "YXDOMAIN", "YXRRSET", "NXRRSET", "NOTAUTH", "NOTZONE"};
	size_t		i;
	uint64_t	n;

	for (i = 1; i < sizeof(words) / sizeof(words[0]); i++)
		if (log_str_is(a, words[i]))
			return (int) i;
	if (a.len > 14 && memcmp(a.ptr, "UNKNOWN-ERROR-", 14) == 0 &&
		parse_uint(a.ptr + 14, a.len - 14, 4095, &n) && n > 0)
		return (int) n;
	return -1;
}

static bool
emit(const pdl_fields *f, log_out *out, log_error *err)
{
	log_record *r;
	uint16_t	type,
				class = 1;
	uint64_t	n;
	int			rcode;
	const char *reason;
	size_t		start;
	bool		ok = true;

	if (f->query.len == 0)
		return log_fail(err, "the query is empty");
	if (rrtype_from_text(f->type.ptr, f->type.len, &type) != RRTYPE_OK)
		return log_fail(err, "bad type \"%.*s\"", (int) (f->type.len > 32 ? 32 : f->type.len), f->type.ptr);
	if (f->class.len > 0)
	{
		if (!dns_class_from_text(f->class.ptr, f->class.len, &class))
			return log_fail(err, "bad class \"%.*s\"", (int) (f->class.len > 32 ? 32 : f->class.len), f->class.ptr);
		if (class != 1)
			return log_fail(err, "class %.*s is not stored (only IN)", (int) (f->class.len > 32 ? 32 : f->class.len), f->class.ptr);
	}
	if (f->ttl.len > 0 && !parse_uint(f->ttl.ptr, f->ttl.len, UINT32_MAX, &n))
		return log_fail(err, "bad ttl \"%.*s\"", (int) (f->ttl.len > 32 ? 32 : f->ttl.len), f->ttl.ptr);

	if ((r = log_out_record(out)) == NULL)
		return log_fail(err, "out of memory");
	if (!parse_time_usec(f->time.ptr, f->time.len, &r->time_first, &reason))
		return log_fail(err, "bad time \"%.*s\": %s", (int) (f->time.len > 40 ? 40 : f->time.len), f->time.ptr, reason);
	r->time_last = r->time_first;
	r->one_rr = true;			/* the lines of one response follow each other */
	if (f->count.len > 0)
	{
		if (!parse_uint(f->count.ptr, f->count.len, INT64_MAX, &n) || n == 0)
			return log_fail(err, "bad count \"%.*s\" (a whole number from 1)", (int) (f->count.len > 32 ? 32 : f->count.len), f->count.ptr);
		r->count = (int64_t) n;
	}
	r->client = f->client;
	r->server = f->server;
	r->owner = f->query;
	r->rrtype = type;

	rcode = answer_rcode(f->answer);
	if (rcode >= 0)
	{
		/* an error record: the answer is the response code; its count is
		 * the times seen, as for any record */
		r->rcode = (uint16_t) rcode;
		return true;
	}
	if (f->answer.len == 0)
		return log_fail(err, "the answer is empty");

	start = log_text_start(out);
	switch (type)
	{
		case RR_MX:
			ok = log_text_append(out, "0 ", 2) && log_text_append(out, f->answer.ptr, f->answer.len);
			r->lossy = true;
			break;
		case RR_SRV:
			ok = log_text_append(out, "0 0 0 ", 6) && log_text_append(out, f->answer.ptr, f->answer.len);
			r->lossy = true;
			break;
		case RR_SOA:
			ok = log_text_append(out, f->answer.ptr, f->answer.len) &&
				log_text_append(out, " . 0 0 0 0 0", 12);
			r->lossy = true;
			break;
		case RR_RP:
			ok = log_text_append(out, f->answer.ptr, f->answer.len) && log_text_append(out, " .", 2);
			r->lossy = true;
			break;
		case RR_TXT:
		case RR_SPF:
			ok = log_text_append(out, f->answer.ptr, f->answer.len);
			r->lossy = true;
			break;
		default:
			ok = log_text_append(out, f->answer.ptr, f->answer.len);
			break;
	}
	if (!ok)
		return log_fail(err, "out of memory");
	{
		log_str		text = log_text_end(out, start);

		if (!log_out_rdata(out, text.ptr, text.len))
			return log_fail(err, "out of memory");
	}
	return true;
}

/* Start offsets and lengths of the delimited tokens of a line. */
#define PDL_MAX_TOKENS 256

static bool
parse_text(const passivedns_config *cfg, const char *line, size_t len,
		   log_out *out, log_error *err)
{
	size_t		start[PDL_MAX_TOKENS],
				tlen[PDL_MAX_TOKENS];
	int			ntok = 0,
				nleft = 0,
				nright = 0,
				i,
				t,
				k;
	size_t		p = 0;
	const char *d = cfg->delimiter;
	size_t		dl = cfg->delimiter_len;
	uint32_t	f = cfg->fields;
	pdl_fields	v;
	static const uint32_t left_bits[] = {PDL_h, PDL_c, PDL_w, PDL_s, PDL_W, PDL_p, PDL_C};

	/* tokens */
	for (;;)
	{
		const char *hit = NULL;
		size_t		q;

		for (q = p; q + dl <= len; q++)
			if (memcmp(line + q, d, dl) == 0)
			{
				hit = line + q;
				break;
			}
		if (ntok == PDL_MAX_TOKENS)
			return log_fail(err, "more than %d fields", PDL_MAX_TOKENS);
		start[ntok] = p;
		tlen[ntok] = hit ? (size_t) (hit - line) - p : len - p;
		ntok++;
		if (!hit)
			break;
		p = (size_t) (hit - line) + dl;
	}

	/*
	 * Fields before the query come from the left, those after the answer
	 * from the right; the delimiter may occur inside the query and the
	 * answer (TXT data), so the type is the first field after the query
	 * that reads as an RR type.
	 */
	nleft = 1;					/* the time */
	for (i = 0; i < (int) (sizeof(left_bits) / sizeof(left_bits[0])); i++)
		if (f & left_bits[i])
			nleft++;
	nright = ((f & PDL_l) ? 1 : 0) + ((f & PDL_t) ? 1 : 0) + ((f & PDL_n) ? 1 : 0);
	if (ntok < nleft + 3 + ((f & PDL_L) ? 1 : 0) + nright)
		return log_fail(err, "expected at least %d fields, found %d",
						nleft + 3 + ((f & PDL_L) ? 1 : 0) + nright, ntok);

	memset(&v, 0, sizeof(v));
#define TOK(j) log_str_make(line + start[j], tlen[j])
	v.time = TOK(0);
	k = 1;
	if (f & PDL_h)
		k++;
	if (f & PDL_c)
		v.client = TOK(k), k++;
	if (f & PDL_w)
		k++;
	if (f & PDL_s)
		v.server = TOK(k), k++;
	if (f & PDL_W)
		k++;
	if (f & PDL_p)
		k++;
	if (f & PDL_C)
		v.class = TOK(k), k++;

	for (t = nleft + 1 + ((f & PDL_L) ? 1 : 0); t < ntok - nright - 1; t++)
	{
		uint16_t	type;

		if (rrtype_from_text(line + start[t], tlen[t], &type) == RRTYPE_OK)
			break;
	}
	if (t >= ntok - nright - 1)
		return log_fail(err, "no RR type field after the query");
	{
		int			qlast = t - 1 - ((f & PDL_L) ? 1 : 0);
		int			alast = ntok - nright - 1;

		v.query = log_str_make(line + start[nleft], start[qlast] + tlen[qlast] - start[nleft]);
		v.type = TOK(t);
		v.answer = log_str_make(line + start[t + 1], start[alast] + tlen[alast] - start[t + 1]);
	}
	k = ntok - nright;
	if (f & PDL_l)
		k++;
	if (f & PDL_t)
		v.ttl = TOK(k), k++;
	if (f & PDL_n)
		v.count = TOK(k), k++;
#undef TOK
	return emit(&v, out, err);
}

static bool
parse_json(json_doc *doc, const char *line, size_t len, log_out *out, log_error *err)
{
	const json_node *root;
	pdl_fields	v;
	log_str		sec,
				usec;

	if (!json_parse(doc, line, len))
		return log_fail(err, "bad JSON at byte %zu: %s", doc->offset, doc->reason);
	root = json_root(doc);
	if (root->type != JSON_OBJECT)
		return log_fail(err, "the JSON value is not an object");
	memset(&v, 0, sizeof(v));
	if (!log_json_text(doc, root, "timestamp_s", &sec, NULL, err) ||
		!log_json_text(doc, root, "timestamp_ms", &usec, NULL, err) ||
		!log_json_text(doc, root, "client", &v.client, NULL, err) ||
		!log_json_text(doc, root, "server", &v.server, NULL, err) ||
		!log_json_text(doc, root, "class", &v.class, NULL, err) ||
		!log_json_text(doc, root, "query", &v.query, NULL, err) ||
		!log_json_text(doc, root, "type", &v.type, NULL, err) ||
		!log_json_text(doc, root, "answer", &v.answer, NULL, err) ||
		!log_json_text(doc, root, "ttl", &v.ttl, NULL, err) ||
		!log_json_text(doc, root, "count", &v.count, NULL, err))
		return false;
	if (sec.len > 0)
	{
		/* timestamp_ms holds the microseconds (passivedns's naming) */
		size_t		start = log_text_start(out);
		uint64_t	us = 0;

		if (usec.len > 0 && !parse_uint(usec.ptr, usec.len, 999999, &us))
			return log_fail(err, "bad timestamp_ms \"%.*s\"", (int) (usec.len > 32 ? 32 : usec.len), usec.ptr);
		if (!log_text_append(out, sec.ptr, sec.len) || !log_text_char(out, '.'))
			return log_fail(err, "out of memory");
		{
			char		frac[8];

			snprintf(frac, sizeof(frac), "%06u", (unsigned) us);
			if (!log_text_append(out, frac, 6))
				return log_fail(err, "out of memory");
		}
		v.time = log_text_end(out, start);
	}
	else if (!log_json_text(doc, root, "timestamp", &v.time, NULL, err))
		return false;
	if (v.time.len == 0)
		return log_fail(err, "no timestamp_s or timestamp");
	if (v.query.len == 0 || v.type.len == 0)
		return log_fail(err, "no query or type");
	return emit(&v, out, err);
}

bool
passivedns_parse_line(const passivedns_config *cfg, json_doc *doc,
					  const char *line, size_t len, log_out *out, log_error *err)
{
	if (!log_line_begin(out, line, &len, err))
		return false;
	if (len == 0 || line[0] == '#')
		return true;
	return log_line_end(out, line[0] == '{' ? parse_json(doc, line, len, out, err)
						: parse_text(cfg, line, len, out, err));
}
