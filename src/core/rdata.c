/*
 * rdata.c
 *		Presentation format <-> canonical wire rdata, validation, and the
 *		layouts that locate names inside rdata.
 *
 * Text goes through ldns (ldns_rr_new_frm_str on ". 0 IN TYPEnnn <rdata>"),
 * except A/AAAA (inet_pton first) and RFC 3597 generic form, which this file
 * reads and writes itself.  Wire rdata is vetted here before ldns sees it:
 * a layout table says where the names are, names are checked (and, inside a
 * message, decompressed) by this file, and only then does ldns_wire2rdf
 * check the remaining fields of the types it knows.
 *
 * Layout field codes:
 *	N  a domain name			1, 2, 4  fixed-size fields of that many octets
 *	S  a <character-string>		R  the rest of the rdata, opaque (may be empty)
 *	a  A6 body (RFC 2874)		i  IPSECKEY body (RFC 4025)
 *	m  AMTRELAY body (RFC 8777)	h  HIP body (RFC 8005), names to the end
 */
#include "rdata.h"
#include "rdata_idna.h"
#include "hex_digit.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <ldns/ldns.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * Types whose rdata holds names.  fold: RFC 4034 §6.2 item 3 as amended by
 * RFC 6840 §5.1.  compressible: RFC 1035's types and those RFC 3597 §4 says
 * receivers decompress, plus DNAME, which RFC 2672 let senders compress.
 * NSAP-PTR is a name (RFC 1706), although ldns 1.8.3 reads it as a string.
 */
static const rdata_layout layouts[] = {
	{2, "N", true, true},		/* NS */
	{3, "N", true, true},		/* MD */
	{4, "N", true, true},		/* MF */
	{5, "N", true, true},		/* CNAME */
	{6, "NN44444", true, true}, /* SOA */
	{7, "N", true, true},		/* MB */
	{8, "N", true, true},		/* MG */
	{9, "N", true, true},		/* MR */
	{12, "N", true, true},		/* PTR */
	{14, "NN", true, true},		/* MINFO */
	{15, "2N", true, true},		/* MX */
	{17, "NN", true, true},		/* RP */
	{18, "2N", true, true},		/* AFSDB */
	{21, "2N", true, true},		/* RT */
	{23, "N", false, false},	/* NSAP-PTR */
	{24, "2114442NR", true, true},	/* SIG */
	{26, "2NN", true, true},	/* PX */
	{30, "NR", true, true},		/* NXT */
	{33, "222N", true, true},	/* SRV */
	{35, "22SSSN", true, true}, /* NAPTR */
	{36, "2N", true, false},	/* KX */
	{38, "a", true, false},		/* A6 */
	{39, "N", true, true},		/* DNAME */
	{45, "i", false, false},	/* IPSECKEY */
	{46, "2114442NR", true, false}, /* RRSIG */
	{47, "NR", false, false},	/* NSEC */
	{55, "h", false, false},	/* HIP */
	{58, "NN", false, false},	/* TALINK */
	{64, "2NR", false, false},	/* SVCB */
	{65, "2NR", false, false},	/* HTTPS */
	{66, "212N", false, false}, /* DSYNC */
	{107, "2N", false, false},	/* LP */
	{249, "NR", false, false},	/* TKEY */
	{250, "NR", false, false},	/* TSIG */
	{260, "m", false, false},	/* AMTRELAY */
};

#define TYPE_A			1
#define TYPE_WKS		11
#define TYPE_AAAA		28
#define TYPE_CERT		37
#define TYPE_NSAP_PTR	23

const rdata_layout *
rdata_layout_of(uint16_t type)
{
	size_t		lo = 0,
				hi = sizeof(layouts) / sizeof(layouts[0]);

	while (lo < hi)
	{
		size_t		mid = (lo + hi) / 2;

		if (layouts[mid].type == type)
			return &layouts[mid];
		if (layouts[mid].type < type)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* A layout made only of names and fixed fields says all there is to say. */
static bool
layout_complete(const rdata_layout *l)
{
	return strspn(l->fields, "N124S") == strlen(l->fields);
}

bool
rdata_type_known(uint16_t type)
{
	const ldns_rr_descriptor *d = ldns_rr_descript(type);

	/* ldns fills gaps in its table with entries typed NULL (10) */
	return d != NULL && d->_type == type && d->_name != NULL;
}

static bool
fail(rdata_error *err, const char *fmt,...) __attribute__((format(printf, 2, 3)));

static bool
fail(rdata_error *err, const char *fmt,...)
{
	va_list		ap;

	va_start(ap, fmt);
	vsnprintf(err->reason, sizeof(err->reason), fmt, ap);
	va_end(ap);
	return false;
}

/* ---- names on the wire ---- */

/* One uncompressed name at buf[pos..end): its length, or 0 when malformed. */
static size_t
plain_name_len(const uint8_t *buf, size_t pos, size_t end, rdata_error *err)
{
	size_t		start = pos;

	for (;;)
	{
		uint8_t		c;

		if (pos >= end)
			return fail(err, "a name runs past the end of the rdata"), 0;
		c = buf[pos];
		if (c == 0)
			break;
		if ((c & 0xC0) == 0xC0)
			return fail(err, "a name holds a compression pointer, which this type's rdata may not"), 0;
		if (c > 63)
			return fail(err, "a name has a label of unknown type 0x%02x", c & 0xC0), 0;
		pos += 1 + c;
		if (pos - start > 254)
			return fail(err, "a name is longer than 255 octets"), 0;
	}
	return pos + 1 - start;
}

bool
rdata_read_message_name(const uint8_t *msg, size_t msglen, size_t *pos,
						size_t end, uint8_t *out, size_t *outlen,
						rdata_error *err)
{
	size_t		p = *pos,
				run_start = *pos,	/* where the current run of labels began */
				bound = end < msglen ? end : msglen,
				after = 0,
				o = 0;
	int			hops = 0;

	for (;;)
	{
		uint8_t		c;

		if (p >= bound)
			return fail(err, "the name at offset %zu runs past the end of %s",
						*pos, hops == 0 ? "its field" : "the octets it may point to");
		c = msg[p];
		if (c == 0)
		{
			out[o++] = 0;
			if (hops == 0)
				after = p + 1;
			break;
		}
		if ((c & 0xC0) == 0xC0)
		{
			size_t		target;

			if (p + 1 >= bound)
				return fail(err, "the name at offset %zu ends inside a compression pointer", *pos);
			target = ((size_t) (c & 0x3F) << 8) | msg[p + 1];
			if (hops == 0)
				after = p + 2;
			if (target >= run_start)
				return fail(err, "the name at offset %zu has a compression pointer at offset %zu to offset %zu, which is not before the name",
							*pos, p, target);
			if (++hops > RDATA_MAX_HOPS)
				return fail(err, "the name at offset %zu follows more than %d compression pointers",
							*pos, RDATA_MAX_HOPS);
			/* the pointed-to labels must lie wholly before this run */
			bound = run_start;
			run_start = target;
			p = target;
			continue;
		}
		if (c > 63)
			return fail(err, "the name at offset %zu has a label of unknown type 0x%02x at offset %zu",
						*pos, c & 0xC0, p);
		if (p + 1 + c > bound)
			return fail(err, "the name at offset %zu runs past the end of %s",
						*pos, hops == 0 ? "its field" : "the octets it may point to");
		if (o + 1 + c > 254)
			return fail(err, "the name at offset %zu is longer than 255 octets", *pos);
		memcpy(out + o, msg + p, 1 + c);
		o += 1 + c;
		p += 1 + c;
	}
	*outlen = o;
	*pos = after;
	return true;
}

static void
fold_name(uint8_t *name)
{
	while (*name)
	{
		uint8_t		n = *name++;

		for (uint8_t i = 0; i < n; i++, name++)
			if (*name >= 'A' && *name <= 'Z')
				*name += 'a' - 'A';
	}
}

/* ---- the layout walker ---- */

/*
 * Walks rdata field by field.  In place (out == NULL): names must be
 * uncompressed, and are folded in buf when `fold`.  Copying (out != NULL):
 * names are read from a message with decompression, and everything is
 * copied to out.  fn, when set, sees every name.
 */
typedef struct walker
{
	uint8_t    *buf;			/* in place: the rdata, writable */
	const uint8_t *msg;			/* copying: the message */
	size_t		msglen;
	size_t		pos;
	size_t		end;
	uint8_t    *out;
	size_t		outlen;
	size_t		outcap;
	bool		fold;
	rdata_name_fn fn;
	void	   *arg;
	rdata_error *err;
} walker;

static const uint8_t *
w_src(walker *w)
{
	return w->out ? w->msg : w->buf;
}

static bool
w_fixed(walker *w, size_t n)
{
	if (n > w->end - w->pos)
		return fail(w->err, "the rdata ends inside a %zu-octet field at offset %zu",
					n, w->pos);
	if (w->out)
	{
		if (w->outlen + n > w->outcap)
			return fail(w->err, "the decompressed rdata is longer than %zu octets", w->outcap);
		memcpy(w->out + w->outlen, w->msg + w->pos, n);
		w->outlen += n;
	}
	w->pos += n;
	return true;
}

static bool
w_name(walker *w)
{
	uint8_t		tmp[256];
	size_t		len;
	uint8_t    *name;

	if (w->out)
	{
		if (!rdata_read_message_name(w->msg, w->msglen, &w->pos, w->end, tmp, &len, w->err))
			return false;
		if (w->outlen + len > w->outcap)
			return fail(w->err, "the decompressed rdata is longer than %zu octets", w->outcap);
		name = w->out + w->outlen;
		memcpy(name, tmp, len);
		w->outlen += len;
	}
	else
	{
		len = plain_name_len(w->buf, w->pos, w->end, w->err);
		if (len == 0)
			return false;
		name = w->buf + w->pos;
		w->pos += len;
	}
	if (w->fold)
		fold_name(name);
	if (w->fn)
		w->fn(name, len, w->arg);
	return true;
}

static bool
w_u8(walker *w, uint8_t *v)
{
	if (w->pos >= w->end)
		return fail(w->err, "the rdata ends inside a 1-octet field at offset %zu", w->pos);
	*v = w_src(w)[w->pos];
	return w_fixed(w, 1);
}

static bool
w_u16(walker *w, uint16_t *v)
{
	if (w->end - w->pos < 2)
		return fail(w->err, "the rdata ends inside a 2-octet field at offset %zu", w->pos);
	*v = (uint16_t) ((w_src(w)[w->pos] << 8) | w_src(w)[w->pos + 1]);
	return w_fixed(w, 2);
}

/* A gateway or relay: none, IPv4, IPv6 or a name, by its type octet. */
static bool
w_gateway(walker *w, uint8_t gwtype, const char *what)
{
	switch (gwtype)
	{
		case 0:
			return true;
		case 1:
			return w_fixed(w, 4);
		case 2:
			return w_fixed(w, 16);
		case 3:
			return w_name(w);
		default:
			return fail(w->err, "unknown %s type %u", what, gwtype);
	}
}

static bool
walk(walker *w, const rdata_layout *l)
{
	for (const char *f = l->fields; *f; f++)
	{
		uint8_t		b1 = 0,
					b2 = 0;
		uint16_t	n = 0;

		switch (*f)
		{
			case 'N':
				if (!w_name(w))
					return false;
				break;
			case '1':
			case '2':
			case '4':
				if (!w_fixed(w, (size_t) (*f - '0')))
					return false;
				break;
			case 'S':
				if (!w_u8(w, &b1) || !w_fixed(w, b1))
					return false;
				break;
			case 'R':
				return w_fixed(w, w->end - w->pos);
			case 'a':			/* prefix length, address suffix, prefix name */
				if (!w_u8(w, &b1))
					return false;
				if (b1 > 128)
					return fail(w->err, "A6 prefix length %u is more than 128", b1);
				if (!w_fixed(w, (size_t) (128 - b1 + 7) / 8))
					return false;
				if (b1 > 0 && !w_name(w))
					return false;
				break;
			case 'i':			/* precedence, gateway type, algorithm, gateway, key */
				if (!w_fixed(w, 1) || !w_u8(w, &b1) || !w_fixed(w, 1) ||
					!w_gateway(w, b1, "IPSECKEY gateway"))
					return false;
				return w_fixed(w, w->end - w->pos);
			case 'm':			/* precedence, D bit and relay type, relay */
				if (!w_fixed(w, 1) || !w_u8(w, &b1))
					return false;
				if ((b1 & 0x7F) > 3)	/* unassigned relay types: opaque */
					return w_fixed(w, w->end - w->pos);
				if (!w_gateway(w, b1 & 0x7F, "AMTRELAY relay"))
					return false;
				break;
			case 'h':			/* HIT length, algorithm, key length, HIT, key, servers */
				if (!w_u8(w, &b1) || !w_u8(w, &b2) || !w_u16(w, &n) ||
					!w_fixed(w, b1) || !w_fixed(w, n))
					return false;
				(void) b2;
				while (w->pos < w->end)
					if (!w_name(w))
						return false;
				break;
		}
	}
	if (w->pos != w->end)
		return fail(w->err, "%zu octets follow the last field of the rdata", w->end - w->pos);
	return true;
}

/* ---- ldns' view of wire rdata ---- */

/*
 * Read vetted wire rdata into an ldns_rr of the type; NULL when ldns cannot
 * read it field by field, consuming every octet.
 */
static ldns_rr *
ldns_read_rdata(uint16_t type, const uint8_t *rdata, size_t len)
{
	uint8_t		stackbuf[1026];
	uint8_t    *buf = len + 2 <= sizeof(stackbuf) ? stackbuf : malloc(len + 2);
	ldns_rr    *rr;
	size_t		pos = 0;
	ldns_status st;

	if (buf == NULL)
		return NULL;
	rr = ldns_rr_new();
	if (rr == NULL)
	{
		if (buf != stackbuf)
			free(buf);
		return NULL;
	}
	ldns_rr_set_type(rr, (ldns_rr_type) type);
	buf[0] = (uint8_t) (len >> 8);
	buf[1] = (uint8_t) len;
	memcpy(buf + 2, rdata, len);
	st = ldns_wire2rdf(rr, buf, len + 2, &pos);
	if (buf != stackbuf)
		free(buf);
	if (st != LDNS_STATUS_OK || pos != len + 2 ||
		ldns_rr_rd_count(rr) < ldns_rr_descriptor_minimum(ldns_rr_descript(type)))
	{
		ldns_rr_free(rr);
		return NULL;
	}
	return rr;
}

bool
rdata_canonicalize(uint16_t type, uint8_t *rdata, size_t len, rdata_error *err)
{
	const rdata_layout *l;

	if (len > RDATA_MAX)
		return fail(err, "the rdata is %zu octets, more than 65535", len);
	if (type == TYPE_A || type == TYPE_AAAA)
	{
		size_t		want = type == TYPE_A ? 4 : 16;

		if (len != want)
			return fail(err, "%s rdata is %zu octets, not %zu",
						type == TYPE_A ? "A" : "AAAA", len, want);
		return true;
	}
	l = rdata_layout_of(type);
	if (l != NULL)
	{
		walker		w = {.buf = rdata,.end = len,.fold = l->fold,.err = err};

		if (!walk(&w, l))
			return false;
		if (layout_complete(l))
			return true;
	}
	if (rdata_type_known(type))
	{
		ldns_rr    *rr = ldns_read_rdata(type, rdata, len);

		if (rr == NULL)
			return fail(err, "the %zu octets do not read as this type's fields", len);
		ldns_rr_free(rr);
	}
	return true;
}

bool
rdata_from_message(uint16_t type, const uint8_t *msg, size_t msglen,
				   size_t off, size_t rdlen, uint8_t *out, size_t outsize,
				   size_t *outlen, rdata_error *err)
{
	const rdata_layout *l = rdata_layout_of(type);

	if (off > msglen || rdlen > msglen - off)
		return fail(err, "the rdata runs past the end of the message");
	if (outsize > RDATA_MAX)
		outsize = RDATA_MAX;
	if (l != NULL && l->compressible)
	{
		walker		w = {.msg = msg,.msglen = msglen,.pos = off,.end = off + rdlen,
		.out = out,.outcap = outsize,.err = err};

		if (!walk(&w, l))
			return false;
		*outlen = w.outlen;
	}
	else
	{
		if (rdlen > outsize)
			return fail(err, "the rdata is longer than %zu octets", outsize);
		memcpy(out, msg + off, rdlen);
		*outlen = rdlen;
	}
	return rdata_canonicalize(type, out, *outlen, err);
}

/* Counts names on their way to the caller's callback. */
typedef struct name_counter
{
	rdata_name_fn fn;
	void	   *arg;
	int			count;
} name_counter;

static void
count_name(const uint8_t *wire, size_t len, void *arg)
{
	name_counter *c = arg;

	c->count++;
	if (c->fn)
		c->fn(wire, len, c->arg);
}

int
rdata_names(uint16_t type, const uint8_t *rdata, size_t len,
			rdata_name_fn fn, void *arg)
{
	const rdata_layout *l = rdata_layout_of(type);
	name_counter counter = {fn, arg, 0};
	rdata_error err;
	walker		w;

	if (l == NULL)
		return 0;

	/*
	 * Without folding the walker only reads, so the cast is safe; a
	 * canonical rdata holds only valid names, and a damaged one yields the
	 * names before the damage.
	 */
	memset(&w, 0, sizeof(w));
	w.buf = (uint8_t *) rdata;
	w.end = len;
	w.fn = count_name;
	w.arg = &counter;
	w.err = &err;
	(void) walk(&w, l);
	return counter.count;
}

/* ---- text ---- */

/* Copy text to a caller's buffer with snprintf's contract. */
static size_t
put_text(const char *text, size_t len, char *out, size_t outsize)
{
	if (outsize > 0)
	{
		size_t		n = len < outsize - 1 ? len : outsize - 1;

		memcpy(out, text, n);
		out[n] = '\0';
	}
	return len;
}

size_t
rdata_to_generic_text(const uint8_t *rdata, size_t len, char *out, size_t outsize)
{
	static const char hex[] = "0123456789abcdef";
	char		head[16];
	size_t		hlen = (size_t) snprintf(head, sizeof(head), "\\# %zu", len);
	size_t		total = hlen + (len > 0 ? 1 + 2 * len : 0);
	size_t		o;

	if (outsize == 0)
		return total;
	if (total >= outsize)
		return put_text(head, 0, out, outsize), total;
	memcpy(out, head, hlen);
	o = hlen;
	if (len > 0)
		out[o++] = ' ';
	for (size_t i = 0; i < len; i++)
	{
		out[o++] = hex[rdata[i] >> 4];
		out[o++] = hex[rdata[i] & 15];
	}
	out[o] = '\0';
	return total;
}

static bool
is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

/* Is text[i] preceded by an odd number of backslashes (escaped)? */
static bool
escaped_at(const char *text, size_t i)
{
	size_t		n = 0;

	while (i > n && text[i - n - 1] == '\\')
		n++;
	return n % 2 == 1;
}

/* Strip leading blanks and trailing unescaped blanks. */
static void
trim(const char **text, size_t *len)
{
	const char *t = *text;
	size_t		n = *len;

	while (n > 0 && is_blank(*t))
		t++, n--;
	while (n > 0 && is_blank(t[n - 1]) && !escaped_at(t, n - 1))
		n--;
	*text = t;
	*len = n;
}

/* Skip blanks, parentheses and ";" comments, as a master file allows. */
static size_t
skip_filler(const char *t, size_t i, size_t len)
{
	while (i < len)
	{
		if (is_blank(t[i]) || t[i] == '(' || t[i] == ')')
			i++;
		else if (t[i] == ';')
		{
			while (i < len && t[i] != '\n')
				i++;
		}
		else
			break;
	}
	return i;
}

/* RFC 3597 §5: "\#", a blank, the length in decimal, then hex digits. */
static bool
generic_from_text(const char *t, size_t len, uint8_t *out, size_t *outlen,
				  rdata_error *err)
{
	size_t		i = 2,
				want = 0,
				got = 0;
	int			digits = 0;

	if (len > 2 && !is_blank(t[2]) && t[2] != '(')
		return fail(err, "\"\\#\" must be followed by a blank and the rdata length");
	i = skip_filler(t, i, len);
	while (i < len && t[i] >= '0' && t[i] <= '9')
	{
		want = want * 10 + (size_t) (t[i++] - '0');
		if (++digits > 5 || want > RDATA_MAX)
			return fail(err, "the generic rdata length is more than 65535");
	}
	if (digits == 0)
		return fail(err, "\"\\#\" must be followed by the rdata length in decimal");
	if (i < len && !is_blank(t[i]) && t[i] != '(' && t[i] != ';')
		return fail(err, "the generic rdata length must be followed by a blank");
	for (;;)
	{
		int			hi,
					lo;

		i = skip_filler(t, i, len);
		if (i >= len)
			break;
		hi = hex_digit_value(t[i]);
		lo = i + 1 < len ? hex_digit_value(t[i + 1]) : -1;
		if (hi < 0 || lo < 0)
			return fail(err, "\"%.*s\" is not a pair of hex digits (offset %zu)",
						(int) (i + 1 < len ? 2 : 1), t + i, i);
		if (got == want)
			return fail(err, "the generic rdata has more than the %zu octets its length says", want);
		out[got++] = (uint8_t) (hi << 4 | lo);
		i += 2;
	}
	if (got != want)
		return fail(err, "the generic rdata has %zu octets, but its length says %zu", got, want);
	*outlen = got;
	return true;
}

/* Length of an uncompressed wire name (trusted input). */
static size_t
wire_name_len(const uint8_t *name)
{
	size_t		n = 0;

	while (name[n])
		n += 1 + name[n];
	return n + 1;
}

/* NSAP-PTR: one name, read by ldns as a name (ldns 1.8.3 would read a string). */
static bool
name_rdata_from_text(const char *t, size_t len, ldns_rdf *origin,
					 uint8_t *out, size_t *outlen, rdata_error *err)
{
	char	   *s = strndup(t, len);
	ldns_rdf   *rdf = NULL;
	ldns_status st;

	if (s == NULL)
		return fail(err, "out of memory");
	st = ldns_str2rdf_dname(&rdf, s);
	if (st == LDNS_STATUS_OK && !ldns_dname_str_absolute(s) &&
		!(len == 1 && s[0] == '.'))
		st = ldns_dname_cat(rdf, origin);
	free(s);
	if (st != LDNS_STATUS_OK)
	{
		ldns_rdf_deep_free(rdf);
		return fail(err, "%s", ldns_get_errorstr_by_id(st));
	}
	*outlen = ldns_rdf_size(rdf);
	memcpy(out, ldns_rdf_data(rdf), *outlen);
	ldns_rdf_deep_free(rdf);
	return true;
}

/* A token of 1 to 5 decimal digits at t[*i], as atoi reads it; -1 if not. */
static long
digits_token(const char *t, size_t *i, size_t len)
{
	size_t		start = *i;
	long		v = 0;

	while (*i < len && t[*i] >= '0' && t[*i] <= '9')
	{
		if (*i - start == 5)
			return -1;
		v = v * 10 + (t[(*i)++] - '0');
	}
	if (*i == start || (*i < len && !is_blank(t[*i])))
		return -1;
	return v;
}

/*
 * WKS written in numbers ("192.0.2.1 6 25 80", as wks_to_text prints it),
 * read as ldns_str2rdf_wks reads it: that function looks every port up
 * with getservbyname four times, and glibc reads /etc/services from the
 * start each time, so the round trip of one WKS rdata could read the file
 * thousands of times.  Service and protocol names always hold a letter
 * (RFC 6335 §5.1), so ldns takes a token of digits with atoi, as here;
 * the protocol octet is atoi's value cast, as ldns does.  Any other text,
 * and any port past 65535, is left to ldns (false: not this form).
 */
static bool
wks_numbers_from_text(const char *t, size_t len, uint8_t *out, size_t *outlen)
{
	char		addr[INET_ADDRSTRLEN];
	size_t		i = 0,
				bm_len = 0;
	long		v;

	for (size_t k = 0; k < len; k++)
		if (!(t[k] >= '0' && t[k] <= '9') && t[k] != '.' && t[k] != ' ' && t[k] != '\t')
			return false;
	while (i < len && !is_blank(t[i]))
		i++;
	if (i >= sizeof(addr))
		return false;
	memcpy(addr, t, i);
	addr[i] = '\0';
	if (inet_pton(AF_INET, addr, out) != 1)
		return false;
	while (i < len && is_blank(t[i]))
		i++;
	if ((v = digits_token(t, &i, len)) < 0)
		return false;
	out[4] = (uint8_t) v;
	while (i < len)
	{
		while (i < len && is_blank(t[i]))
			i++;
		if ((v = digits_token(t, &i, len)) < 0 || v > 65535)
			return false;
		for (; bm_len <= (size_t) v / 8; bm_len++)
			out[5 + bm_len] = 0;
		out[5 + v / 8] |= (uint8_t) (0x80 >> (v % 8));
	}
	if (bm_len == 0)
		return false;
	*outlen = 5 + bm_len;
	return true;
}

/* Everything else ldns knows: parse a whole RR line around the rdata. */
static bool
ldns_rdata_from_text(uint16_t type, const char *t, size_t len, ldns_rdf *origin,
					 uint8_t *out, size_t *outlen, rdata_error *err)
{
	char		head[32];
	size_t		hlen = (size_t) snprintf(head, sizeof(head), ". 0 IN TYPE%u ", type);
	char	   *line;
	ldns_rr    *rr = NULL;
	ldns_buffer *wire;
	ldns_status st;

	/* ldns silently cuts an RR line at LDNS_MAX_PACKETLEN characters */
	if (hlen + len >= LDNS_MAX_PACKETLEN)
		return fail(err, "the rdata text is longer than the %d characters ldns reads; use the generic form",
					LDNS_MAX_PACKETLEN - (int) hlen - 1);
	if (type == TYPE_WKS && wks_numbers_from_text(t, len, out, outlen))
		return true;
	line = malloc(hlen + len + 1);
	if (line == NULL)
		return fail(err, "out of memory");
	memcpy(line, head, hlen);
	memcpy(line + hlen, t, len);
	line[hlen + len] = '\0';
	st = ldns_rr_new_frm_str(&rr, line, 0, origin, NULL);
	free(line);
	if (st != LDNS_STATUS_OK)
		return fail(err, "%s", ldns_get_errorstr_by_id(st));

	wire = ldns_buffer_new(len + 64);
	if (wire == NULL)
	{
		ldns_rr_free(rr);
		return fail(err, "out of memory");
	}
	st = ldns_rr_rdata2buffer_wire(wire, rr);
	ldns_rr_free(rr);
	if (st != LDNS_STATUS_OK || ldns_buffer_position(wire) > RDATA_MAX)
	{
		ldns_buffer_free(wire);
		return st != LDNS_STATUS_OK ? fail(err, "%s", ldns_get_errorstr_by_id(st))
			: fail(err, "the rdata is longer than 65535 octets");
	}
	*outlen = ldns_buffer_position(wire);
	memcpy(out, ldns_buffer_begin(wire), *outlen);
	ldns_buffer_free(wire);
	return true;
}

/* A and AAAA without ldns, when inet_pton reads them. */
static bool
address_from_text(uint16_t type, const char *t, size_t len, uint8_t *out,
				  size_t *outlen)
{
	char		buf[64];

	if (len >= sizeof(buf))
		return false;
	memcpy(buf, t, len);
	buf[len] = '\0';
	if (inet_pton(type == TYPE_A ? AF_INET : AF_INET6, buf, out) != 1)
		return false;
	*outlen = type == TYPE_A ? 4 : 16;
	return true;
}

static bool
from_text(uint16_t type, const char *text, size_t len,
		  const uint8_t *origin, uint8_t *out, size_t *outlen,
		  rdata_error *err)
{
	static const uint8_t root_wire[1] = {0};
	ldns_rdf	origin_rdf;
	bool		ok;

	trim(&text, &len);
	if (len >= 2 && text[0] == '\\' && text[1] == '#')
		ok = generic_from_text(text, len, out, outlen, err);
	else if ((type == TYPE_A || type == TYPE_AAAA) &&
			 address_from_text(type, text, len, out, outlen))
		return true;
	else if (!rdata_type_known(type) && type != TYPE_NSAP_PTR)
		return fail(err, "ldns 1.8.3 does not know the rdata format of this type: write it in RFC 3597 generic form, \\# length hex");
	else
	{
		if (origin == NULL)
			origin = root_wire;
		origin_rdf._size = wire_name_len(origin);
		origin_rdf._type = LDNS_RDF_TYPE_DNAME;
		origin_rdf._data = (void *) origin;
		if (type == TYPE_NSAP_PTR)
			ok = name_rdata_from_text(text, len, &origin_rdf, out, outlen, err);
		else
			ok = ldns_rdata_from_text(type, text, len, &origin_rdf, out, outlen, err);
	}
	return ok && rdata_canonicalize(type, out, *outlen, err);
}

bool
rdata_from_text(uint16_t type, const char *text, size_t len,
				const uint8_t *origin, uint8_t *out, size_t *outlen,
				rdata_error *err)
{
	char	   *alabels;
	size_t		alen;
	const char *why;
	bool		ok;

	/* names as U-labels become A-labels, as owner names do (rdata_idna.c) */
	if (!rdata_text_alabels(type, text, len, &alabels, &alen, &why))
		return fail(err, "%s", why);
	if (alabels == NULL)
		return from_text(type, text, len, origin, out, outlen, err);
	ok = from_text(type, alabels, alen, origin, out, outlen, err);
	free(alabels);
	return ok;
}

/*
 * Append one field as ldns printed it: octets outside printable ASCII
 * become \DDD (ldns leaves them to isprint(), which follows the locale),
 * and trailing blanks some printers add are dropped.
 */
static bool
append_field(ldns_buffer *dst, const char *s, size_t n)
{
	while (n > 0 && s[n - 1] == ' ' && !escaped_at(s, n - 1))
		n--;
	if (n == 0)
		return true;
	/* ldns_buffer_write_* assert room rather than make it: reserve first */
	if (!ldns_buffer_reserve(dst, 4 * n + 1))
		return false;
	if (ldns_buffer_position(dst) > 0)
		ldns_buffer_write_u8(dst, ' ');
	for (size_t i = 0; i < n; i++)
	{
		unsigned char c = (unsigned char) s[i];

		if (c < 0x20 || c >= 0x7f)
		{
			ldns_buffer_write_u8(dst, '\\');
			ldns_buffer_write_u8(dst, (uint8_t) ('0' + c / 100));
			ldns_buffer_write_u8(dst, (uint8_t) ('0' + c / 10 % 10));
			ldns_buffer_write_u8(dst, (uint8_t) ('0' + c % 10));
		}
		else
			ldns_buffer_write_u8(dst, c);
	}
	return true;
}

/*
 * WKS with numbers: ldns prints protocol and service names from the
 * machine's /etc/protocols and /etc/services, so its text would differ
 * between machines, and a dump could fail to load elsewhere.  ldns reads
 * the numbers back.
 */
static bool
wks_to_text(const uint8_t *rdata, size_t len, ldns_buffer *text)
{
	char		addr[INET_ADDRSTRLEN];

	if (len < 5 || inet_ntop(AF_INET, rdata, addr, sizeof(addr)) == NULL)
		return false;
	ldns_buffer_printf(text, "%s %u", addr, rdata[4]);
	for (size_t i = 5; i < len; i++)
		for (int bit = 0; bit < 8; bit++)
			if (rdata[i] & (0x80 >> bit))
				ldns_buffer_printf(text, " %zu", (i - 5) * 8 + (size_t) bit);
	return ldns_buffer_status_ok(text);
}

/* ldns' text for vetted rdata, or NULL; malloc'd, NUL-terminated. */
static char *
ldns_rdata_to_text(uint16_t type, const uint8_t *rdata, size_t len)
{
	ldns_buffer *field = ldns_buffer_new(256);
	ldns_buffer *text = ldns_buffer_new(len * 2 + 64);
	ldns_rr    *rr = NULL;
	ldns_rdf   *name = NULL;
	char	   *result = NULL;
	bool		ok = field != NULL && text != NULL;

	if (ok && type == TYPE_WKS)
		ok = wks_to_text(rdata, len, text);
	else if (ok && type == TYPE_NSAP_PTR)
	{
		name = ldns_rdf_new_frm_data(LDNS_RDF_TYPE_DNAME, len, rdata);
		ok = name != NULL && ldns_rdf2buffer_str(field, name) == LDNS_STATUS_OK &&
			append_field(text, (char *) ldns_buffer_begin(field), ldns_buffer_position(field));
	}
	else if (ok)
	{
		rr = ldns_read_rdata(type, rdata, len);
		ok = rr != NULL;
		for (size_t i = 0; ok && i < ldns_rr_rd_count(rr); i++)
		{
			ldns_buffer_clear(field);

			/*
			 * Some ldns printers (SVCB parameters) write characters with
			 * ldns_buffer_write_char, which asserts room instead of making
			 * it: reserve more than any printer writes for the field.
			 */
			ok = ldns_buffer_reserve(field, 16 * ldns_rdf_size(ldns_rr_rdf(rr, i)) + 1024) &&
				ldns_rdf2buffer_str(field, ldns_rr_rdf(rr, i)) == LDNS_STATUS_OK &&
				append_field(text, (char *) ldns_buffer_begin(field),
							 ldns_buffer_position(field));
		}
	}
	if (ok && ldns_buffer_reserve(text, 1))
	{
		ldns_buffer_write_u8(text, 0);
		result = strdup((char *) ldns_buffer_begin(text));
	}
	ldns_rdf_deep_free(name);
	ldns_rr_free(rr);
	ldns_buffer_free(field);
	ldns_buffer_free(text);
	return result;
}

size_t
rdata_to_text(uint16_t type, const uint8_t *rdata, size_t len,
			  char *out, size_t outsize)
{
	char		addr[INET6_ADDRSTRLEN];
	char	   *text;
	uint8_t    *again;
	size_t		againlen = 0;
	rdata_error err;
	bool		same;
	size_t		n;

	if ((type == TYPE_A && len == 4) || (type == TYPE_AAAA && len == 16))
	{
		inet_ntop(type == TYPE_A ? AF_INET : AF_INET6, rdata, addr, sizeof(addr));
		return put_text(addr, strlen(addr), out, outsize);
	}
	if (!rdata_type_known(type) && type != TYPE_NSAP_PTR)
		return rdata_to_generic_text(rdata, len, out, outsize);

	/*
	 * CERT of certificate type 0: ldns prints the 0, then refuses to read
	 * it back (and leaks the field it read), so the check below would end
	 * in the generic form anyway.  Inside a fuzzer each such leak costs a
	 * full leak scan.
	 */
	if (type == TYPE_CERT && len >= 2 && rdata[0] == 0 && rdata[1] == 0)
		return rdata_to_generic_text(rdata, len, out, outsize);

	/* ldns' text only where it reads back to the very same octets */
	text = ldns_rdata_to_text(type, rdata, len);
	if (text == NULL)
		return rdata_to_generic_text(rdata, len, out, outsize);
	again = malloc(RDATA_MAX);
	same = again != NULL &&
		rdata_from_text(type, text, strlen(text), NULL, again, &againlen, &err) &&
		againlen == len && memcmp(again, rdata, len) == 0;
	free(again);
	if (!same)
	{
		free(text);
		return rdata_to_generic_text(rdata, len, out, outsize);
	}
	n = put_text(text, strlen(text), out, outsize);
	free(text);
	return n;
}
