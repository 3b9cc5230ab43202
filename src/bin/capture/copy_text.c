/*
 * copy_text.c
 *		COPY text rows for the two targets (see copy_text.h).
 */
#include "copy_text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char hexdigits[] = "0123456789abcdef";

/*
 * Lookup tables, filled once: the two hex digits of a byte as they lie in
 * memory; 0..999 as three digits.
 */
static uint16_t hex_pairs[256];
static char pad3[1000][3];
static char octet_dot[256][4];	/* "192." "2." ...: an IPv4 octet and its dot */
static uint8_t octet_len[256];	/* its digits */
static bool tables_ready;

static void
init_tables(void)
{
	int			i;

	for (i = 0; i < 256; i++)
	{
		char		pair[2] = {hexdigits[i >> 4], hexdigits[i & 0x0F]};

		memcpy(&hex_pairs[i], pair, 2);
	}
	for (i = 0; i < 1000; i++)
	{
		pad3[i][0] = (char) ('0' + i / 100);
		pad3[i][1] = (char) ('0' + i / 10 % 10);
		pad3[i][2] = (char) ('0' + i % 10);
	}
	for (i = 0; i < 256; i++)
	{
		int			skip = i >= 100 ? 0 : (i >= 10 ? 1 : 2);

		octet_len[i] = (uint8_t) (3 - skip);
		memcpy(octet_dot[i], pad3[i] + skip, octet_len[i]);
		octet_dot[i][octet_len[i]] = '.';
	}
	tables_ready = true;
}

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

/*
 * "YYYY-MM-DD HH:MM:SS.uuuuuu+00" without the fraction's trailing zeros,
 * exactly as PostgreSQL prints a timestamptz in UTC; the part up to the
 * seconds is cached per second.
 */
static void
put_time(obuf *b, int64_t ts_us)
{
	static int64_t cached_sec = INT64_MIN;
	static char cached[24];
	int64_t		sec = ts_us >= 0 ? ts_us / 1000000 : -((-ts_us + 999999) / 1000000);
	int64_t		usec = ts_us - sec * 1000000;
	char	   *o;
	size_t		len;

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
	len = 19;
	if (usec != 0)
	{
		/* as PostgreSQL prints it: trailing zeros of the fraction dropped */
		o[19] = '.';
		memcpy(o + 20, pad3[usec / 1000], 3);
		memcpy(o + 23, pad3[usec % 1000], 3);
		len = 26;
		while (o[len - 1] == '0')
			len--;
	}
	memcpy(o + len, "+00", 3);
	b->len += len + 3;
}

/* 0..999 without leading zeros. */
static inline void
put_small(obuf *b, unsigned v)
{
	int			skip = v >= 100 ? 0 : (v >= 10 ? 1 : 2);

	memcpy(b->data + b->len, pad3[v] + skip, 3);
	b->len += 3 - skip;
}

/* 0..65535 in decimal. */
static inline void
put_uint16(obuf *b, unsigned v)
{
	if (v >= 1000)
	{
		put_small(b, v / 1000);
		memcpy(b->data + b->len, pad3[v % 1000], 3);
		b->len += 3;
	}
	else
		put_small(b, v);
}

/* One IPv6 group: lowercase hex, no leading zeros. */
static inline void
put_group(obuf *b, unsigned g)
{
	int			shift = g >= 0x1000 ? 12 : g >= 0x100 ? 8 : g >= 0x10 ? 4 : 0;

	for (; shift >= 0; shift -= 4)
		b->data[b->len++] = hexdigits[(g >> shift) & 0x0F];
}

/*
 * An IPv6 address as RFC 5952 (and glibc's inet_ntop, which the output used
 * to come from) writes it: the first longest run of two or more zero groups
 * as "::", and IPv4-mapped or -compatible addresses with a dotted quad.
 */
static void
put_ipv6(obuf *b, const uint8_t *a)
{
	unsigned	w[8];
	int			i,
				best = -1,
				bestlen = 0,
				cur = -1,
				curlen = 0;

	for (i = 0; i < 8; i++)
	{
		w[i] = (unsigned) (a[2 * i] << 8 | a[2 * i + 1]);
		if (w[i] == 0)
		{
			if (cur < 0)
			{
				cur = i;
				curlen = 0;
			}
			if (++curlen > bestlen)
			{
				best = cur;
				bestlen = curlen;
			}
		}
		else
			cur = -1;
	}
	if (bestlen < 2)
		best = -1;
	for (i = 0; i < 8; i++)
	{
		if (i == best)
		{
			b->data[b->len++] = ':';
			if (i + bestlen == 8)
				b->data[b->len++] = ':';
			i += bestlen - 1;
			continue;
		}
		if (i > 0)
			b->data[b->len++] = ':';
		if (i == 6 && best == 0 && (bestlen == 6 || (bestlen == 5 && w[5] == 0xFFFF)))
		{
			put_small(b, a[12]);
			b->data[b->len++] = '.';
			put_small(b, a[13]);
			b->data[b->len++] = '.';
			put_small(b, a[14]);
			b->data[b->len++] = '.';
			put_small(b, a[15]);
			return;
		}
		put_group(b, w[i]);
	}
}

/*
 * The text of the address last written in a column: servers repeat (a
 * sensor sees a few resolvers), so the server column mostly copies it.
 */
typedef struct addr_cache
{
	uint8_t		version;
	uint8_t		addr[16];
	uint8_t		len;
	char		text[48];
} addr_cache;

static addr_cache client_cache;
static addr_cache server_cache;

static void put_addr(obuf *b, uint8_t version, const uint8_t *a);

/* put_addr through a one-entry cache. */
static void
put_addr_cached(obuf *b, addr_cache *c, uint8_t version, const uint8_t *a)
{
	size_t		alen = version == 4 ? 4 : 16;
	size_t		start;

	if (a != NULL && c->version == version && memcmp(c->addr, a, alen) == 0)
	{
		memcpy(b->data + b->len, c->text, c->len);
		b->len += c->len;
		return;
	}
	start = b->len;
	put_addr(b, version, a);
	if (a != NULL)
	{
		c->version = version;
		memcpy(c->addr, a, alen);
		c->len = (uint8_t) (b->len - start);
		memcpy(c->text, b->data + start, c->len);
	}
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
		/* four-byte stores; the last one's dot is written but not counted */
		char	   *o = b->data + b->len;

		memcpy(o, octet_dot[a[0]], 4);
		o += octet_len[a[0]] + 1;
		memcpy(o, octet_dot[a[1]], 4);
		o += octet_len[a[1]] + 1;
		memcpy(o, octet_dot[a[2]], 4);
		o += octet_len[a[2]] + 1;
		memcpy(o, octet_dot[a[3]], 4);
		o += octet_len[a[3]];
		b->len = (size_t) (o - b->data);
	}
	else
		put_ipv6(b, a);
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
		put_uint16(b, (unsigned) port);
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
	/* four bytes at a time: one 8-byte store instead of four 2-byte ones */
	for (i = 0; i + 4 <= n; i += 4)
	{
		uint16_t	w[4];

		w[0] = hex_pairs[p[i]];
		w[1] = hex_pairs[p[i + 1]];
		w[2] = hex_pairs[p[i + 2]];
		w[3] = hex_pairs[p[i + 3]];
		memcpy(o + 2 * i, w, 8);
	}
	for (; i < n; i++)
		memcpy(o + 2 * i, &hex_pairs[p[i]], 2);
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
	if (!tables_ready)
		init_tables();
	ob_reserve(b, 2 * m->len + sensor_len + 160);
	put_time_and_sensor(b, m->ts_us, sensor_field, sensor_len);
	put_addr_cached(b, &client_cache, m->ip_version, m->client);
	put_tab(b);
	put_port(b, m->client_port);
	put_tab(b);
	put_addr_cached(b, &server_cache, m->ip_version, m->server);
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
	if (!tables_ready)
		init_tables();
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
