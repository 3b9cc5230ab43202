/*
 * copy_text.c
 *		COPY text rows for the two targets (see copy_text.h).
 */
#include "copy_text.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char hexdigits[] = "0123456789abcdef";

void
ob_reserve(obuf *b, size_t n)
{
	size_t		cap;
	char	   *nd;

	if (b->len + n <= b->cap)
		return;
	cap = b->cap ? b->cap : 65536;
	while (cap < b->len + n)
		cap *= 2;
	nd = realloc(b->data, cap);
	if (nd == NULL)
	{
		fprintf(stderr, "pdns-capture: out of memory\n");
		exit(1);
	}
	b->data = nd;
	b->cap = cap;
}

void
ob_free(obuf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

void
ct_append_escaped(obuf *b, const char *s, size_t len)
{
	size_t		i;

	ob_reserve(b, len * 4);
	for (i = 0; i < len; i++)
	{
		unsigned char c = (unsigned char) s[i];

		if (c == '\\')
		{
			b->data[b->len++] = '\\';
			b->data[b->len++] = '\\';
		}
		else if (c == '\t' || c == '\n' || c == '\r')
		{
			b->data[b->len++] = '\\';
			b->data[b->len++] = c == '\t' ? 't' : (c == '\n' ? 'n' : 'r');
		}
		else if (c < 0x20 || c == 0x7F)
		{
			/* \ooo octal: COPY reads it back as the same byte */
			b->data[b->len++] = '\\';
			b->data[b->len++] = (char) ('0' + (c >> 6));
			b->data[b->len++] = (char) ('0' + ((c >> 3) & 7));
			b->data[b->len++] = (char) ('0' + (c & 7));
		}
		else
			b->data[b->len++] = (char) c;
	}
}

/* "YYYY-MM-DD HH:MM:SS.uuuuuu+00", the date part cached per second. */
static void
put_time(obuf *b, int64_t ts_us)
{
	static int64_t cached_sec = INT64_MIN;
	static char cached[24];
	int64_t		sec = ts_us >= 0 ? ts_us / 1000000 : -((-ts_us + 999999) / 1000000);
	int64_t		usec = ts_us - sec * 1000000;
	char	   *o;
	int			i;

	if (ts_us == CAP_TS_UNKNOWN)
	{
		memcpy(b->data + b->len, "\\N", 2);
		b->len += 2;
		return;
	}
	if (sec != cached_sec)
	{
		time_t		t = (time_t) sec;
		struct tm	tm;

		gmtime_r(&t, &tm);
		strftime(cached, sizeof(cached), "%Y-%m-%d %H:%M:%S", &tm);
		cached_sec = sec;
	}
	o = b->data + b->len;
	memcpy(o, cached, 19);
	o[19] = '.';
	for (i = 25; i >= 20; i--)
	{
		o[i] = (char) ('0' + usec % 10);
		usec /= 10;
	}
	memcpy(o + 26, "+00", 3);
	b->len += 29;
}

static void
put_uint(obuf *b, uint32_t v)
{
	char		tmp[10];
	int			n = 0;

	do
	{
		tmp[n++] = (char) ('0' + v % 10);
		v /= 10;
	} while (v);
	while (n)
		b->data[b->len++] = tmp[--n];
}

static void
put_addr(obuf *b, uint8_t version, const uint8_t *a)
{
	if (a == NULL)
	{
		memcpy(b->data + b->len, "\\N", 2);
		b->len += 2;
	}
	else if (version == 4)
	{
		put_uint(b, a[0]);
		b->data[b->len++] = '.';
		put_uint(b, a[1]);
		b->data[b->len++] = '.';
		put_uint(b, a[2]);
		b->data[b->len++] = '.';
		put_uint(b, a[3]);
	}
	else
	{
		inet_ntop(AF_INET6, a, b->data + b->len, INET6_ADDRSTRLEN);
		b->len += strlen(b->data + b->len);
	}
}

static void
put_port(obuf *b, int32_t port)
{
	if (port < 0)
	{
		memcpy(b->data + b->len, "\\N", 2);
		b->len += 2;
	}
	else
		put_uint(b, (uint32_t) port);
}

/* A bytea field: \\x and two hex digits a byte. */
static void
put_bytea(obuf *b, const uint8_t *p, size_t n)
{
	char	   *o = b->data + b->len;
	size_t		i;

	o[0] = '\\';
	o[1] = '\\';
	o[2] = 'x';
	o += 3;
	for (i = 0; i < n; i++)
	{
		o[2 * i] = hexdigits[p[i] >> 4];
		o[2 * i + 1] = hexdigits[p[i] & 0x0F];
	}
	b->len += 3 + 2 * n;
}

static inline void
put_tab(obuf *b)
{
	b->data[b->len++] = '\t';
}

/* The first two columns of both targets, each followed by its tab. */
static void
put_time_and_sensor(obuf *b, int64_t ts_us, const char *sensor_field, size_t sensor_len)
{
	put_time(b, ts_us);
	put_tab(b);
	memcpy(b->data + b->len, sensor_field, sensor_len);
	b->len += sensor_len;
	put_tab(b);
}

void
ct_message(obuf *b, const char *sensor_field, size_t sensor_len, const cap_message *m)
{
	ob_reserve(b, 2 * m->len + sensor_len + 160);
	put_time_and_sensor(b, m->ts_us, sensor_field, sensor_len);
	put_addr(b, m->ip_version, m->client);
	put_tab(b);
	put_port(b, m->client_port);
	put_tab(b);
	put_addr(b, m->ip_version, m->server);
	put_tab(b);
	put_port(b, m->server_port);
	put_tab(b);
	{
		size_t		tl = strlen(m->transport);

		memcpy(b->data + b->len, m->transport, tl);
		b->len += tl;
	}
	put_tab(b);
	put_bytea(b, m->msg, m->len);
	b->data[b->len++] = '\n';
}

void
ct_reject(obuf *b, const char *sensor_field, size_t sensor_len, const cap_reject *r)
{
	ob_reserve(b, 2 * r->len + sensor_len + 64);
	put_time_and_sensor(b, r->ts_us, sensor_field, sensor_len);
	ct_append_escaped(b, r->source, strlen(r->source));
	put_tab(b);
	ct_append_escaped(b, r->code, strlen(r->code));
	ob_reserve(b, 2);
	b->data[b->len++] = ':';
	b->data[b->len++] = ' ';
	ct_append_escaped(b, r->detail, strlen(r->detail));
	ob_reserve(b, 2 * r->len + 8);
	put_tab(b);
	put_bytea(b, r->raw, r->len);
	b->data[b->len++] = '\n';
}
