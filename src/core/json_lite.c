/*
 * json_lite.c
 *		A strict, bounded-depth, non-recursive JSON parser into a compact
 *		DOM (see json_lite.h).
 */
#include "json_lite.h"
#include "hex_digit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct parser
{
	json_doc   *doc;
	const char *s;
	size_t		len;
	size_t		p;
	size_t		used;			/* arena octets used */
} parser;

void
json_init(json_doc *doc)
{
	memset(doc, 0, sizeof(*doc));
}

void
json_free(json_doc *doc)
{
	free(doc->nodes);
	free(doc->arena);
	json_init(doc);
}

static bool
fail(parser *ps, size_t at, const char *reason)
{
	snprintf(ps->doc->reason, sizeof(ps->doc->reason), "%s", reason);
	ps->doc->offset = at;
	return false;
}

/* A new node, linked into nothing yet; its index, or 0 on failure (node 0 is the root). */
static bool
new_node(parser *ps, uint32_t *idx)
{
	json_doc   *d = ps->doc;

	if (d->n == d->cap)
	{
		uint32_t	cap = d->cap ? d->cap * 2 : 64;
		json_node  *n = realloc(d->nodes, (size_t) cap * sizeof(json_node));

		if (n == NULL)
			return fail(ps, ps->p, "out of memory");
		d->nodes = n;
		d->cap = cap;
	}
	*idx = d->n++;
	memset(&d->nodes[*idx], 0, sizeof(json_node));
	return true;
}

static void
skip_ws(parser *ps)
{
	while (ps->p < ps->len)
	{
		char		c = ps->s[ps->p];

		if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
			break;
		ps->p++;
	}
}

static bool
read_hex4(parser *ps, size_t at, uint32_t *out)
{
	uint32_t	v = 0;
	int			i;

	if (at + 4 > ps->len)
		return false;
	for (i = 0; i < 4; i++)
	{
		int			h = hex_digit_value(ps->s[at + i]);

		if (h < 0)
			return false;
		v = v << 4 | (uint32_t) h;
	}
	*out = v;
	return true;
}

static size_t
put_utf8(char *o, uint32_t cp)
{
	if (cp < 0x80)
	{
		o[0] = (char) cp;
		return 1;
	}
	if (cp < 0x800)
	{
		o[0] = (char) (0xC0 | cp >> 6);
		o[1] = (char) (0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000)
	{
		o[0] = (char) (0xE0 | cp >> 12);
		o[1] = (char) (0x80 | ((cp >> 6) & 0x3F));
		o[2] = (char) (0x80 | (cp & 0x3F));
		return 3;
	}
	o[0] = (char) (0xF0 | cp >> 18);
	o[1] = (char) (0x80 | ((cp >> 12) & 0x3F));
	o[2] = (char) (0x80 | ((cp >> 6) & 0x3F));
	o[3] = (char) (0x80 | (cp & 0x3F));
	return 4;
}

/*
 * Length of the well-formed UTF-8 sequence at s[0..avail), or 0 (overlong
 * forms, surrogates and code points above U+10FFFF are ill-formed).
 */
static size_t
utf8_seq(const unsigned char *s, size_t avail)
{
	unsigned char c = s[0];
	size_t		n,
				i;
	uint32_t	cp;

	if (c < 0xC2)
		return 0;
	else if (c < 0xE0)
		n = 2, cp = c & 0x1F;
	else if (c < 0xF0)
		n = 3, cp = c & 0x0F;
	else if (c < 0xF5)
		n = 4, cp = c & 0x07;
	else
		return 0;
	if (n > avail)
		return 0;
	for (i = 1; i < n; i++)
	{
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3F);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
		(cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
		return 0;
	return n;
}

/* A string at ps->p (the opening quote), decoded into the arena. */
static bool
parse_string(parser *ps, const char **out, size_t *outlen)
{
	char	   *o = ps->doc->arena + ps->used;
	size_t		olen = 0;
	size_t		start = ps->p;

	ps->p++;
	for (;;)
	{
		unsigned char c;

		if (ps->p >= ps->len)
			return fail(ps, start, "unterminated string");
		c = (unsigned char) ps->s[ps->p];
		if (c == '"')
		{
			ps->p++;
			break;
		}
		if (c < 0x20)
			return fail(ps, ps->p, "control character in a string");
		if (c == '\\')
		{
			size_t		at = ps->p;
			uint32_t	cp,
						lo;

			if (ps->p + 1 >= ps->len)
				return fail(ps, at, "unterminated string");
			switch (ps->s[ps->p + 1])
			{
				case '"':
					o[olen++] = '"';
					break;
				case '\\':
					o[olen++] = '\\';
					break;
				case '/':
					o[olen++] = '/';
					break;
				case 'b':
					o[olen++] = '\b';
					break;
				case 'f':
					o[olen++] = '\f';
					break;
				case 'n':
					o[olen++] = '\n';
					break;
				case 'r':
					o[olen++] = '\r';
					break;
				case 't':
					o[olen++] = '\t';
					break;
				case 'u':
					if (!read_hex4(ps, at + 2, &cp))
						return fail(ps, at, "bad \\u escape");
					ps->p += 4;
					if (cp >= 0xDC00 && cp <= 0xDFFF)
						return fail(ps, at, "lone low surrogate in \\u escape");
					if (cp >= 0xD800 && cp <= 0xDBFF)
					{
						if (at + 12 > ps->len || ps->s[at + 6] != '\\' || ps->s[at + 7] != 'u' ||
							!read_hex4(ps, at + 8, &lo) || lo < 0xDC00 || lo > 0xDFFF)
							return fail(ps, at, "high surrogate not followed by a low surrogate");
						cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
						ps->p += 6;
					}
					olen += put_utf8(o + olen, cp);
					break;
				default:
					return fail(ps, at, "bad escape in a string");
			}
			ps->p += 2;
			continue;
		}
		if (c < 0x80)
		{
			o[olen++] = (char) c;
			ps->p++;
		}
		else
		{
			size_t		n = utf8_seq((const unsigned char *) ps->s + ps->p, ps->len - ps->p);

			if (n == 0)
				return fail(ps, ps->p, "invalid UTF-8 in a string");
			memcpy(o + olen, ps->s + ps->p, n);
			olen += n;
			ps->p += n;
		}
	}
	o[olen] = '\0';
	ps->used += olen + 1;
	*out = o;
	*outlen = olen;
	return true;
}

static bool
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool
parse_number(parser *ps, json_node *n)
{
	size_t		start = ps->p;
	const char *s = ps->s;
	size_t		len = ps->len;

	if (ps->p < len && s[ps->p] == '-')
		ps->p++;
	if (ps->p >= len || !is_digit(s[ps->p]))
		return fail(ps, start, "bad number");
	if (s[ps->p] == '0')
	{
		ps->p++;
		if (ps->p < len && is_digit(s[ps->p]))
			return fail(ps, start, "leading zero in a number");
	}
	else
		while (ps->p < len && is_digit(s[ps->p]))
			ps->p++;
	if (ps->p < len && s[ps->p] == '.')
	{
		ps->p++;
		if (ps->p >= len || !is_digit(s[ps->p]))
			return fail(ps, start, "bad fraction in a number");
		while (ps->p < len && is_digit(s[ps->p]))
			ps->p++;
	}
	if (ps->p < len && (s[ps->p] == 'e' || s[ps->p] == 'E'))
	{
		ps->p++;
		if (ps->p < len && (s[ps->p] == '+' || s[ps->p] == '-'))
			ps->p++;
		if (ps->p >= len || !is_digit(s[ps->p]))
			return fail(ps, start, "bad exponent in a number");
		while (ps->p < len && is_digit(s[ps->p]))
			ps->p++;
	}
	n->type = JSON_NUMBER;
	n->str = s + start;
	n->len = ps->p - start;
	return true;
}

static bool
parse_literal(parser *ps, json_node *n)
{
	static const struct
	{
		const char *word;
		json_type	type;
	}			words[] = {{"true", JSON_TRUE}, {"false", JSON_FALSE}, {"null", JSON_NULL}};
	size_t		i;

	for (i = 0; i < 3; i++)
	{
		size_t		wl = strlen(words[i].word);

		if (ps->len - ps->p >= wl && memcmp(ps->s + ps->p, words[i].word, wl) == 0)
		{
			n->type = words[i].type;
			n->str = ps->s + ps->p;
			n->len = wl;
			ps->p += wl;
			return true;
		}
	}
	return fail(ps, ps->p, "unexpected character");
}

/* An object key and its colon, at ps->p. */
static bool
parse_key(parser *ps, const char **key, size_t *keylen)
{
	skip_ws(ps);
	if (ps->p >= ps->len || ps->s[ps->p] != '"')
		return fail(ps, ps->p, "expected a string key");
	if (!parse_string(ps, key, keylen))
		return false;
	skip_ws(ps);
	if (ps->p >= ps->len || ps->s[ps->p] != ':')
		return fail(ps, ps->p, "expected ':'");
	ps->p++;
	return true;
}

bool
json_parse(json_doc *doc, const char *text, size_t len)
{
	parser		ps = {doc, text, len, 0, 0};
	uint32_t	stack[JSON_MAX_DEPTH];
	uint32_t	last[JSON_MAX_DEPTH];
	int			depth = 0;
	const char *key = NULL;
	size_t		keylen = 0;

	doc->n = 0;
	doc->reason[0] = '\0';
	doc->offset = 0;
	if (doc->arena_cap < len + 1)
	{
		char	   *a = realloc(doc->arena, len + 1);

		if (a == NULL)
			return fail(&ps, 0, "out of memory");
		doc->arena = a;
		doc->arena_cap = len + 1;
	}

	for (;;)
	{
		uint32_t	idx;
		json_node  *n;
		char		c;

		/* a value */
		skip_ws(&ps);
		if (ps.p >= len)
			return fail(&ps, ps.p, depth == 0 && doc->n == 0 ? "empty input" : "unexpected end of input");
		if (!new_node(&ps, &idx))
			return false;
		n = &doc->nodes[idx];
		n->key = key;
		n->keylen = keylen;
		key = NULL;
		keylen = 0;
		if (depth > 0)
		{
			json_node  *parent = &doc->nodes[stack[depth - 1]];

			if (last[depth - 1] == 0)
				parent->child = idx;
			else
				doc->nodes[last[depth - 1]].next = idx;
			last[depth - 1] = idx;
			parent->count++;
		}
		c = text[ps.p];
		if (c == '{' || c == '[')
		{
			if (depth == JSON_MAX_DEPTH)
				return fail(&ps, ps.p, "nesting too deep");
			n->type = c == '{' ? JSON_OBJECT : JSON_ARRAY;
			stack[depth] = idx;
			last[depth] = 0;
			depth++;
			ps.p++;
			skip_ws(&ps);
			if (ps.p < len && text[ps.p] == (c == '{' ? '}' : ']'))
			{
				ps.p++;
				depth--;
			}
			else
			{
				if (c == '{' && !parse_key(&ps, &key, &keylen))
					return false;
				continue;
			}
		}
		else if (c == '"')
		{
			n->type = JSON_STRING;
			if (!parse_string(&ps, &n->str, &n->len))
				return false;
		}
		else if (c == '-' || is_digit(c))
		{
			if (!parse_number(&ps, n))
				return false;
		}
		else if (!parse_literal(&ps, n))
			return false;

		/* after a value: close containers, or go on to the next member */
		for (;;)
		{
			bool		object;

			skip_ws(&ps);
			if (depth == 0)
			{
				if (ps.p != len)
					return fail(&ps, ps.p, "characters after the value");
				return true;
			}
			if (ps.p >= len)
				return fail(&ps, ps.p, "unexpected end of input");
			object = doc->nodes[stack[depth - 1]].type == JSON_OBJECT;
			c = text[ps.p];
			if (c == ',')
			{
				ps.p++;
				if (object && !parse_key(&ps, &key, &keylen))
					return false;
				break;
			}
			if (c == (object ? '}' : ']'))
			{
				ps.p++;
				depth--;
				continue;
			}
			return fail(&ps, ps.p, object ? "expected ',' or '}'" : "expected ',' or ']'");
		}
	}
}

const json_node *
json_first(const json_doc *doc, const json_node *c)
{
	if ((c->type != JSON_ARRAY && c->type != JSON_OBJECT) || c->child == 0)
		return NULL;
	return &doc->nodes[c->child];
}

const json_node *
json_next(const json_doc *doc, const json_node *m)
{
	return m->next == 0 ? NULL : &doc->nodes[m->next];
}

const json_node *
json_get(const json_doc *doc, const json_node *obj, const char *key)
{
	const json_node *m;
	size_t		kl = strlen(key);

	if (obj == NULL || obj->type != JSON_OBJECT)
		return NULL;
	for (m = json_first(doc, obj); m != NULL; m = json_next(doc, m))
		if (m->keylen == kl && memcmp(m->key, key, kl) == 0)
			return m;
	return NULL;
}

const json_node *
json_at(const json_doc *doc, const json_node *arr, uint32_t i)
{
	const json_node *m;

	if (arr == NULL || arr->type != JSON_ARRAY)
		return NULL;
	for (m = json_first(doc, arr); m != NULL && i > 0; m = json_next(doc, m))
		i--;
	return m;
}

bool
json_uint(const json_node *v, uint64_t max, uint64_t *out)
{
	uint64_t	x = 0;
	size_t		i;

	if (v == NULL || v->type != JSON_NUMBER || v->len == 0 || v->len > 20)
		return false;
	for (i = 0; i < v->len; i++)
	{
		unsigned	d;

		if (!is_digit(v->str[i]))
			return false;
		d = (unsigned) (v->str[i] - '0');
		if (x > (UINT64_MAX - d) / 10)
			return false;
		x = x * 10 + d;
	}
	if (x > max)
		return false;
	*out = x;
	return true;
}
