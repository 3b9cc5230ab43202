/*
 * log_record.c
 *		The output buffer of the sensor log parsers and the text helpers
 *		they share (see log_record.h).
 */
#include "log_record.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void
log_out_init(log_out *out)
{
	memset(out, 0, sizeof(*out));
}

void
log_out_free(log_out *out)
{
	free(out->records);
	free(out->strs);
	free(out->text);
	log_out_init(out);
}

/* Grow an array to hold at least need elements of size sz. */
static bool
grow(void **arr, size_t *cap, size_t need, size_t sz)
{
	size_t		c = *cap ? *cap : 16;
	void	   *p;

	if (need <= *cap)
		return true;
	while (c < need)
		c *= 2;
	p = realloc(*arr, c * sz);
	if (p == NULL)
		return false;
	*arr = p;
	*cap = c;
	return true;
}

bool
log_out_reset(log_out *out, size_t len)
{
	size_t		need = len * LOG_TEXT_FACTOR + 1024;

	out->n = 0;
	out->nstrs = 0;
	out->text_len = 0;
	out->oom = false;
	out->owner_field = NULL;
	if (need > out->text_cap)
	{
		char	   *t = realloc(out->text, need);

		if (t == NULL)
			return false;
		out->text = t;
		out->text_cap = need;
	}
	return true;
}

log_record *
log_out_record(log_out *out)
{
	log_record *r;

	if (!grow((void **) &out->records, &out->cap, out->n + 1, sizeof(log_record)))
	{
		out->oom = true;
		return NULL;
	}
	r = &out->records[out->n++];
	memset(r, 0, sizeof(*r));
	r->count = 1;
	r->first_rdata = out->nstrs;
	return r;
}

bool
log_out_rdata(log_out *out, const char *text, size_t len)
{
	if (out->n == 0)
		return false;
	if (!grow((void **) &out->strs, &out->strs_cap, out->nstrs + 1, sizeof(log_str)))
	{
		out->oom = true;
		return false;
	}
	out->strs[out->nstrs].ptr = text;
	out->strs[out->nstrs].len = len;
	out->nstrs++;
	out->records[out->n - 1].n_rdata++;
	return true;
}

void
log_out_drop(log_out *out)
{
	if (out->n == 0)
		return;
	out->nstrs = out->records[out->n - 1].first_rdata;
	out->n--;
}

void
log_out_finish(log_out *out)
{
	size_t		i;

	for (i = 0; i < out->n; i++)
		out->records[i].rdata = out->strs ? out->strs + out->records[i].first_rdata : NULL;
}

bool
log_line_begin(log_out *out, const char *line, size_t *len, log_error *err)
{
	err->fields_read = false;
	err->client = log_str_make(NULL, 0);
	err->sensor = log_str_make(NULL, 0);
	if (!log_out_reset(out, *len))
		return log_fail(err, "out of memory");
	if (*len > 0 && line[*len - 1] == '\r')
		(*len)--;
	return true;
}

char *
log_text_claim(log_out *out, size_t n)
{
	char	   *p;

	if (out->text_cap - out->text_len < n)
		return NULL;
	p = out->text + out->text_len;
	out->text_len += n;
	return p;
}

bool
log_line_end(log_out *out, bool ok)
{
	if (!ok)
	{
		out->n = 0;
		out->nstrs = 0;
		return false;
	}
	log_out_finish(out);
	return true;
}

bool
log_json_text(const json_doc *doc, const json_node *obj, const char *key,
			  log_str *out, bool *present, log_error *err)
{
	const json_node *m = json_get(doc, obj, key);
	bool		have = m != NULL && m->type != JSON_NULL;

	*out = log_str_make(NULL, 0);
	if (present != NULL)
		*present = have;
	if (!have)
		return true;
	if (m->type != JSON_STRING && m->type != JSON_NUMBER)
		return log_fail(err, "\"%s\" is neither a string nor a number", key);
	*out = log_str_make(m->str, m->len);
	return true;
}

size_t
log_text_start(const log_out *out)
{
	return out->text_len;
}

bool
log_text_append(log_out *out, const char *s, size_t len)
{
	/* the room reserved per line bounds what any parser builds */
	if (out->text_len + len + 1 > out->text_cap)
	{
		out->oom = true;
		return false;
	}
	memcpy(out->text + out->text_len, s, len);
	out->text_len += len;
	out->text[out->text_len] = '\0';
	return true;
}

bool
log_text_char(log_out *out, char c)
{
	return log_text_append(out, &c, 1);
}

bool
log_text_uint(log_out *out, uint64_t v)
{
	char		buf[24];
	int			n = snprintf(buf, sizeof(buf), "%llu", (unsigned long long) v);

	return log_text_append(out, buf, (size_t) n);
}

log_str
log_text_end(const log_out *out, size_t start)
{
	return log_str_make(out->text + start, out->text_len - start);
}

bool
log_text_quoted(log_out *out, const char *s, size_t len)
{
	size_t		i;

	if (!log_text_char(out, '"'))
		return false;
	for (i = 0; i < len; i++)
	{
		unsigned char c = (unsigned char) s[i];
		bool		ok;

		if (c == '"' || c == '\\')
		{
			char		esc[2] = {'\\', (char) c};

			ok = log_text_append(out, esc, 2);
		}
		else if (c < 0x20 || c >= 0x7F)
		{
			char		esc[5];

			snprintf(esc, sizeof(esc), "\\%03u", c);
			ok = log_text_append(out, esc, 4);
		}
		else
			ok = log_text_char(out, (char) c);
		if (!ok)
			return false;
	}
	return log_text_char(out, '"');
}

static bool
parse_addr(int af, const char *s, size_t len)
{
	char		buf[64];
	unsigned char bin[16];

	if (len == 0 || len >= sizeof(buf))
		return false;
	memcpy(buf, s, len);
	buf[len] = '\0';
	return inet_pton(af, buf, bin) == 1;
}

bool
log_is_ipv4(const char *s, size_t len)
{
	return parse_addr(AF_INET, s, len);
}

bool
log_is_ipv6(const char *s, size_t len)
{
	return parse_addr(AF_INET6, s, len);
}

bool
log_fail(log_error *err, const char *fmt,...)
{
	va_list		ap;

	va_start(ap, fmt);
	vsnprintf(err->reason, sizeof(err->reason), fmt, ap);
	va_end(ap);
	return false;
}

bool
log_str_is(log_str s, const char *word)
{
	return strlen(word) == s.len && memcmp(s.ptr, word, s.len) == 0;
}

bool
log_str_is_ci(log_str s, const char *word)
{
	return strlen(word) == s.len && strncasecmp(s.ptr, word, s.len) == 0;
}
