/*
 * dnsgen.c
 *		Generates DNS response messages with a realistic record mix, written
 *		with name compression, for the benchmark (bench/rrset.sql) and as
 *		seeds for the message fuzzer.
 *
 *	dnsgen copy N [names-file]	N messages, one per line, as COPY text
 *								bytea ("\\x..."); names from the file (one
 *								per line), else made-up names
 *	dnsgen seeds DIR			a few messages, one per file, in DIR
 *
 * The mix per response: A (55%), AAAA (18%), MX, TXT, NS, HTTPS, PTR, and
 * NXDOMAIN with an SOA (4%); CNAME chains before a third of the answers;
 * NS records in the authority section and glue in the additional section
 * for a third; OPT in most, with a DNSSEC-OK bit and a client subnet in
 * some.  The generator is deterministic (its own PRNG, fixed seed).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MSG_MAX 4096
#define MAX_NAMES 20000
#define MAX_COMP 256

/* sections, as begin_rr counts them */
#define AN 0
#define NS 1
#define AR 2

typedef struct writer
{
	uint8_t		buf[MSG_MAX];
	size_t		len;
	/* compression table: earlier name suffixes, as text, and their offsets */
	char		suffix[MAX_COMP][256];
	uint16_t	offset[MAX_COMP];
	int			n_comp;
	int			counts[4];		/* qd, an, ns, ar */
} writer;

static uint64_t rng = 0x9E3779B97F4A7C15ull;

static uint32_t
rnd(uint32_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t) (rng % n);
}

static void
put8(writer *w, uint8_t v)
{
	w->buf[w->len++] = v;
}

static void
put16(writer *w, uint16_t v)
{
	put8(w, (uint8_t) (v >> 8));
	put8(w, (uint8_t) v);
}

static void
put32(writer *w, uint32_t v)
{
	put16(w, (uint16_t) (v >> 16));
	put16(w, (uint16_t) v);
}

static void
putbytes(writer *w, const void *p, size_t n)
{
	memcpy(w->buf + w->len, p, n);
	w->len += n;
}

/* A name, compressed against every suffix written before it. */
static void
putname(writer *w, const char *name, int compress)
{
	const char *p = name;

	while (*p && strcmp(p, ".") != 0)
	{
		const char *dot = strchr(p, '.');
		size_t		n = dot ? (size_t) (dot - p) : strlen(p);

		if (compress)
			for (int i = 0; i < w->n_comp; i++)
				if (strcmp(w->suffix[i], p) == 0)
				{
					put16(w, (uint16_t) (0xC000 | w->offset[i]));
					return;
				}
		if (w->n_comp < MAX_COMP && w->len < 0x3FFF)
		{
			snprintf(w->suffix[w->n_comp], sizeof(w->suffix[0]), "%s", p);
			w->offset[w->n_comp++] = (uint16_t) w->len;
		}
		put8(w, (uint8_t) n);
		putbytes(w, p, n);
		p += n;
		if (*p == '.')
			p++;
	}
	put8(w, 0);
}

static void
header(writer *w, uint16_t id, uint16_t flags)
{
	memset(w, 0, sizeof(*w));
	put16(w, id);
	put16(w, flags);
	w->len = 12;
}

static void
finish(writer *w)
{
	for (int i = 0; i < 4; i++)
	{
		w->buf[4 + 2 * i] = (uint8_t) (w->counts[i] >> 8);
		w->buf[5 + 2 * i] = (uint8_t) w->counts[i];
	}
}

/* Start an RR; returns the offset of its RDLENGTH for end_rr. */
static size_t
begin_rr(writer *w, int section, const char *owner, uint16_t type, uint32_t ttl)
{
	size_t		at;

	putname(w, owner, 1);
	put16(w, type);
	put16(w, 1);
	put32(w, ttl);
	at = w->len;
	put16(w, 0);
	w->counts[1 + section]++;
	return at;
}

static void
end_rr(writer *w, size_t at)
{
	size_t		n = w->len - at - 2;

	w->buf[at] = (uint8_t) (n >> 8);
	w->buf[at + 1] = (uint8_t) n;
}

static void
rr_a(writer *w, int section, const char *owner, uint32_t ttl)
{
	size_t		at = begin_rr(w, section, owner, 1, ttl);

	put32(w, 0x0A000000u | rnd(1u << 24));
	end_rr(w, at);
}

static void
rr_aaaa(writer *w, int section, const char *owner, uint32_t ttl)
{
	size_t		at = begin_rr(w, section, owner, 28, ttl);

	put32(w, 0x20010DB8u);
	for (int i = 0; i < 3; i++)
		put32(w, rnd(0xFFFFFFFFu));
	end_rr(w, at);
}

static void
rr_name(writer *w, int section, const char *owner, uint16_t type, int pref,
		const char *target, uint32_t ttl)
{
	size_t		at = begin_rr(w, section, owner, type, ttl);

	if (pref >= 0)
		put16(w, (uint16_t) pref);
	putname(w, target, 1);
	end_rr(w, at);
}

static void
rr_txt(writer *w, const char *owner)
{
	static const char *const texts[] = {
		"v=spf1 include:_spf.google.com ~all", "google-site-verification=a8Xq3vLmN0pQ7rS2tU9wY4zB6cD1eF5gH",
		"MS=ms84523671", "v=DMARC1; p=reject; rua=mailto:dmarc@example.com",
		"facebook-domain-verification=x1y2z3a4b5c6d7e8f9g0"
	};
	size_t		at = begin_rr(w, AN, owner, 16, 300);
	const char *t = texts[rnd(5)];

	put8(w, (uint8_t) strlen(t));
	putbytes(w, t, strlen(t));
	end_rr(w, at);
}

static void
rr_https(writer *w, const char *owner)
{
	size_t		at = begin_rr(w, AN, owner, 65, 300);

	put16(w, 1);
	put8(w, 0);					/* target: the owner */
	put16(w, 1);				/* alpn */
	put16(w, 6);
	putbytes(w, "\002h2\002h3", 6);
	put16(w, 4);				/* ipv4hint */
	put16(w, 4);
	put32(w, 0xC0000200u | rnd(256));
	end_rr(w, at);
}

static void
rr_soa(writer *w, int section, const char *zone)
{
	char		mname[300],
				rname[300];
	size_t		at = begin_rr(w, section, zone, 6, 900);

	snprintf(mname, sizeof(mname), "ns1.%s", zone);
	snprintf(rname, sizeof(rname), "hostmaster.%s", zone);
	putname(w, mname, 1);
	putname(w, rname, 1);
	put32(w, 2024010100u + rnd(1000));
	put32(w, 7200);
	put32(w, 3600);
	put32(w, 1209600);
	put32(w, 300);
	end_rr(w, at);
}

static void
rr_opt(writer *w, int dnssec_ok, int ecs)
{
	size_t		at;

	put8(w, 0);
	put16(w, 41);
	put16(w, 1232);
	put32(w, dnssec_ok ? 0x8000u : 0);
	at = w->len;
	put16(w, 0);
	if (ecs)
	{
		put16(w, 8);			/* client subnet: IPv4 /24, scope /24 */
		put16(w, 7);
		put16(w, 1);
		put8(w, 24);
		put8(w, 24);
		put8(w, 198);
		put8(w, 51);
		put8(w, (uint8_t) rnd(256));
	}
	end_rr(w, at);
	w->counts[3]++;
}

static char names[MAX_NAMES][128];
static int	n_names;

static void
load_names(const char *path)
{
	FILE	   *f = path ? fopen(path, "r") : NULL;
	char		line[256];

	while (f && n_names < MAX_NAMES && fgets(line, sizeof(line), f))
	{
		line[strcspn(line, "\r\n")] = '\0';
		if (line[0] && strlen(line) < 100)
			snprintf(names[n_names++], sizeof(names[0]), "%s", line);
	}
	if (f)
		fclose(f);
	for (; n_names < 1000; n_names++)
		snprintf(names[n_names], sizeof(names[0]), "site%d.example%d.com", n_names, n_names % 37);
}

/* One response to a query for a random name. */
static void
response(writer *w, int kind)
{
	const char *zone = names[rnd((uint32_t) n_names)];
	char		qname[300],
				target[300],
				cdn[300];
	uint16_t	qtype;
	int			nx = 0;

	snprintf(qname, sizeof(qname), "%s%s", rnd(2) ? "www." : "", zone);
	if (kind < 0)
		kind = (int) rnd(100);
	qtype = kind < 55 ? 1 : kind < 73 ? 28 : kind < 79 ? 15 : kind < 85 ? 16 :
		kind < 89 ? 2 : kind < 93 ? 65 : kind < 96 ? 12 : 1;
	nx = kind >= 96;
	if (qtype == 12)
		snprintf(qname, sizeof(qname), "%u.%u.0.10.in-addr.arpa", rnd(256), rnd(256));

	header(w, (uint16_t) rnd(65536), (uint16_t) (0x8180 | (rnd(4) == 0 ? 0x0400 : 0) | nx * 3));
	putname(w, qname, 1);
	put16(w, qtype);
	put16(w, 1);
	w->counts[0] = 1;

	if (nx)
		rr_soa(w, NS, zone);
	else
	{
		const char *owner = qname;

		if ((qtype == 1 || qtype == 28) && rnd(3) == 0)
		{
			snprintf(cdn, sizeof(cdn), "%s.cdn.cloudprovider.net", zone);
			rr_name(w, AN, qname, 5, -1, cdn, 300);
			owner = cdn;
			if (rnd(3) == 0)
			{
				snprintf(target, sizeof(target), "edge%u.cloudprovider.net", rnd(50));
				rr_name(w, AN, cdn, 5, -1, target, 60);
				owner = target;
			}
		}
		switch (qtype)
		{
			case 1:
				for (uint32_t i = 0, n = 1 + rnd(4); i < n; i++)
					rr_a(w, AN, owner, 300);
				break;
			case 28:
				for (uint32_t i = 0, n = 1 + rnd(2); i < n; i++)
					rr_aaaa(w, AN, owner, 300);
				break;
			case 15:
				for (uint32_t i = 0, n = 1 + rnd(3); i < n; i++)
				{
					snprintf(target, sizeof(target), "mx%u.%s", i + 1, zone);
					rr_name(w, AN, qname, 15, 10 * (int) (i + 1), target, 3600);
				}
				break;
			case 16:
				for (uint32_t i = 0, n = 1 + rnd(3); i < n; i++)
					rr_txt(w, qname);
				break;
			case 2:
				for (uint32_t i = 0, n = 2 + rnd(3); i < n; i++)
				{
					snprintf(target, sizeof(target), "ns%u.%s", i + 1, zone);
					rr_name(w, AN, qname, 2, -1, target, 86400);
				}
				break;
			case 65:
				rr_https(w, qname);
				break;
			case 12:
				snprintf(target, sizeof(target), "host%u.isp.example.net", rnd(10000));
				rr_name(w, AN, qname, 12, -1, target, 3600);
				break;
		}
		if (rnd(3) == 0)
		{
			uint32_t	n = 2 + rnd(3);

			for (uint32_t i = 0; i < n; i++)
			{
				snprintf(target, sizeof(target), "ns%u.%s", i + 1, zone);
				rr_name(w, NS, zone, 2, -1, target, 86400);
			}
			for (uint32_t i = 0; i < n; i++)
			{
				snprintf(target, sizeof(target), "ns%u.%s", i + 1, zone);
				rr_a(w, AR, target, 86400);
				if (rnd(2))
					rr_aaaa(w, AR, target, 86400);
			}
		}
	}
	if (rnd(10) < 8)
		rr_opt(w, rnd(5) == 0, rnd(3) == 0);
	finish(w);
}

int
main(int argc, char **argv)
{
	static writer w;

	if (argc >= 3 && strcmp(argv[1], "copy") == 0)
	{
		long		n = atol(argv[2]);

		load_names(argc > 3 ? argv[3] : NULL);
		for (long i = 0; i < n; i++)
		{
			response(&w, -1);
			fputs("\\\\x", stdout);
			for (size_t k = 0; k < w.len; k++)
				printf("%02x", w.buf[k]);
			putchar('\n');
		}
		return 0;
	}
	if (argc == 3 && strcmp(argv[1], "seeds") == 0)
	{
		static const int kinds[] = {0, 60, 75, 80, 86, 90, 94, 97};

		load_names(NULL);
		for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		{
			char		path[1024];
			FILE	   *f;

			response(&w, kinds[i]);
			snprintf(path, sizeof(path), "%s/generated_%zu", argv[2], i);
			f = fopen(path, "wb");
			if (f == NULL || fwrite(w.buf, 1, w.len, f) != w.len || fclose(f) != 0)
			{
				perror(path);
				return 1;
			}
		}
		return 0;
	}
	fprintf(stderr, "usage: dnsgen copy N [names-file] | dnsgen seeds DIR\n");
	return 2;
}
