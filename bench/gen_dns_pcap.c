/*
 * gen_dns_pcap.c
 *		Writes a pcap of realistic DNS traffic for bench/capture.sh: query and
 *		response pairs over UDP (IPv4 and IPv6, with and without EDNS, A/AAAA/
 *		CNAME/MX/TXT answers, some NXDOMAIN with an SOA) and DNS-over-TCP
 *		connections (handshake, several queries each, some responses split
 *		over two segments, FIN).  Names come from a domain list.  The output
 *		is the same for the same arguments (fixed-seed generator).
 *
 *	gen_dns_pcap -n UDP_PAIRS -t TCP_CONNECTIONS -d DOMAINS_FILE > out.pcap
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_NAMES 100000

static char *names[MAX_NAMES];
static int	nnames;
static uint64_t rng = 0x9E3779B97F4A7C15ull;
static uint64_t now_us = 1700000000ull * 1000000;

static uint32_t
rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t) (rng >> 16);
}

static void
put16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t) (v >> 8);
	p[1] = (uint8_t) v;
}

static void
put32(uint8_t *p, uint32_t v)
{
	put16(p, v >> 16);
	put16(p + 2, v & 0xFFFF);
}

/* Text name to wire form at p; returns its length. */
static size_t
put_name(uint8_t *p, const char *name)
{
	size_t		n = 0;

	while (*name)
	{
		const char *dot = strchr(name, '.');
		size_t		l = dot ? (size_t) (dot - name) : strlen(name);

		p[n++] = (uint8_t) l;
		memcpy(p + n, name, l);
		n += l;
		name += l + (dot ? 1 : 0);
	}
	p[n++] = 0;
	return n;
}

/* A query or its response for name/type; returns the message length. */
static size_t
make_message(uint8_t *m, uint16_t id, const char *name, uint16_t type, int response,
			 int edns, int nxdomain)
{
	size_t		n = 12,
				qlen;
	unsigned	an = 0,
				ns = 0,
				i,
				k;

	put16(m, id);
	put16(m + 2, response ? (nxdomain ? 0x8183 : 0x8180) : 0x0100);
	qlen = put_name(m + n, name);
	n += qlen;
	put16(m + n, type);
	put16(m + n + 2, 1);
	n += 4;
	if (response && nxdomain)
	{
		/* SOA of the parent, in the authority section */
		const char *parent = strchr(name, '.') ? strchr(name, '.') + 1 : name;
		size_t		rdstart;

		n += put_name(m + n, parent);
		put16(m + n, 6);
		put16(m + n + 2, 1);
		put32(m + n + 4, 900);
		n += 10;
		rdstart = n;
		n += put_name(m + n, "ns1.example.net");
		n += put_name(m + n, "hostmaster.example.net");
		for (i = 0; i < 5; i++, n += 4)
			put32(m + n, 3600 + i);
		put16(m + rdstart - 2, (unsigned) (n - rdstart));
		ns = 1;
	}
	else if (response)
	{
		uint16_t	owner = 0xC00C;

		if (rnd() % 5 == 0)		/* a CNAME first */
		{
			put16(m + n, owner);
			put16(m + n + 2, 5);
			put16(m + n + 4, 1);
			put32(m + n + 6, 300);
			owner = (uint16_t) (0xC000 | (n + 12));
			k = (unsigned) put_name(m + n + 12, "edge.cdn.example");
			put16(m + n + 10, k);
			n += 12 + k;
			an++;
		}
		k = type == 1 ? 1 + rnd() % 4 : (type == 28 ? 1 + rnd() % 2 : 1);
		for (i = 0; i < k; i++)
		{
			put16(m + n, owner);
			put16(m + n + 2, type);
			put16(m + n + 4, 1);
			put32(m + n + 6, 60 + rnd() % 3600);
			n += 10;
			if (type == 1)
			{
				put16(m + n, 4);
				put32(m + n + 2, rnd());
				n += 6;
			}
			else if (type == 28)
			{
				put16(m + n, 16);
				put32(m + n + 2, 0x20010db8);
				put32(m + n + 6, rnd());
				put32(m + n + 10, rnd());
				put32(m + n + 14, rnd());
				n += 18;
			}
			else if (type == 15)
			{
				size_t		l = put_name(m + n + 4, "mx.example.org");

				put16(m + n, (unsigned) (2 + l));
				put16(m + n + 2, 10);
				n += 4 + l;
			}
			else
			{
				static const char txt[] = "v=spf1 include:_spf.example.org ~all";

				put16(m + n, sizeof(txt));
				m[n + 2] = sizeof(txt) - 1;
				memcpy(m + n + 3, txt, sizeof(txt) - 1);
				n += 2 + sizeof(txt);
			}
			an++;
		}
	}
	if (edns)
	{
		m[n] = 0;
		put16(m + n + 1, 41);
		put16(m + n + 3, 1232);
		put32(m + n + 5, 0);
		put16(m + n + 9, 0);
		n += 11;
	}
	put16(m + 4, 1);
	put16(m + 6, an);
	put16(m + 8, ns);
	put16(m + 10, edns ? 1 : 0);
	return n;
}

static uint16_t
ip_checksum(const uint8_t *p, size_t n)
{
	uint32_t	s = 0;
	size_t		i;

	for (i = 0; i + 1 < n; i += 2)
		s += (uint32_t) (p[i] << 8 | p[i + 1]);
	while (s >> 16)
		s = (s & 0xFFFF) + (s >> 16);
	return (uint16_t) ~s;
}

typedef struct endpoint
{
	int			v6;
	uint8_t		addr[16];
	uint16_t	port;
} endpoint;

/* One Ethernet frame from a to b carrying a UDP or TCP payload. */
static void
write_frame(const endpoint *a, const endpoint *b, int tcp, uint32_t seq, uint32_t ack,
			uint8_t flags, const uint8_t *payload, size_t len)
{
	uint8_t		f[70000];
	size_t		n = 14,
				l4 = tcp ? 20 : 8,
				ipl = a->v6 ? 40 : 20;
	uint8_t		rec[16];

	memcpy(f, "\x02\x00\x00\x00\x00\x01\x02\x00\x00\x00\x00\x02", 12);
	put16(f + 12, a->v6 ? 0x86DD : 0x0800);
	if (a->v6)
	{
		memset(f + n, 0, 40);
		f[n] = 0x60;
		put16(f + n + 4, (unsigned) (l4 + len));
		f[n + 6] = tcp ? 6 : 17;
		f[n + 7] = 64;
		memcpy(f + n + 8, a->addr, 16);
		memcpy(f + n + 24, b->addr, 16);
	}
	else
	{
		memset(f + n, 0, 20);
		f[n] = 0x45;
		put16(f + n + 2, (unsigned) (20 + l4 + len));
		put16(f + n + 4, rnd() & 0xFFFF);
		f[n + 8] = 64;
		f[n + 9] = tcp ? 6 : 17;
		memcpy(f + n + 12, a->addr, 4);
		memcpy(f + n + 16, b->addr, 4);
		put16(f + n + 10, ip_checksum(f + n, 20));
	}
	n += ipl;
	memset(f + n, 0, l4);
	put16(f + n, a->port);
	put16(f + n + 2, b->port);
	if (tcp)
	{
		put32(f + n + 4, seq);
		put32(f + n + 8, ack);
		f[n + 12] = 0x50;
		f[n + 13] = flags;
		put16(f + n + 14, 65535);
	}
	else
		put16(f + n + 4, (unsigned) (8 + len));
	n += l4;
	memcpy(f + n, payload, len);
	n += len;

	now_us += 5 + rnd() % 20;
	put32(rec, 0);
	rec[0] = (uint8_t) (now_us / 1000000);
	rec[1] = (uint8_t) (now_us / 1000000 >> 8);
	rec[2] = (uint8_t) (now_us / 1000000 >> 16);
	rec[3] = (uint8_t) (now_us / 1000000 >> 24);
	rec[4] = (uint8_t) (now_us % 1000000);
	rec[5] = (uint8_t) (now_us % 1000000 >> 8);
	rec[6] = (uint8_t) (now_us % 1000000 >> 16);
	rec[7] = 0;
	rec[8] = rec[12] = (uint8_t) n;
	rec[9] = rec[13] = (uint8_t) (n >> 8);
	rec[10] = rec[14] = (uint8_t) (n >> 16);
	rec[11] = rec[15] = 0;
	fwrite(rec, 1, 16, stdout);
	fwrite(f, 1, n, stdout);
}

static void
random_endpoints(endpoint *client, endpoint *server)
{
	int			v6 = rnd() % 5 == 0;

	memset(client, 0, sizeof(*client));
	memset(server, 0, sizeof(*server));
	client->v6 = server->v6 = v6;
	if (v6)
	{
		put32(client->addr, 0x20010db8);
		put32(client->addr + 12, rnd() % 65536);
		put32(server->addr, 0x20010db8);
		put32(server->addr + 4, 0xffff);
		server->addr[15] = (uint8_t) (1 + rnd() % 4);
	}
	else
	{
		put32(client->addr, 0x0a000000 | (rnd() % 65536));
		put32(server->addr, 0xc0000200 | (1 + rnd() % 4));
	}
	client->port = (uint16_t) (1024 + rnd() % 64000);
	server->port = 53;
}

static void
pick_question(char *name, uint16_t *type)
{
	static const uint16_t types[] = {1, 1, 1, 1, 1, 1, 28, 28, 28, 15, 16, 1};
	const char *base = names[rnd() % nnames];

	snprintf(name, 300, "%s%s", rnd() % 2 ? "www." : "", base);
	*type = types[rnd() % (sizeof(types) / sizeof(types[0]))];
}

int
main(int argc, char **argv)
{
	long		pairs = 1000000,
				conns = 10000,
				i;
	const char *domains = NULL;
	int			c;
	uint8_t		hdr[24] = {0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0xff, 0xff, 0, 0, 1, 0, 0, 0};
	static char outbuf[1 << 20];

	while ((c = getopt(argc, argv, "n:t:d:")) != -1)
	{
		if (c == 'n')
			pairs = atol(optarg);
		else if (c == 't')
			conns = atol(optarg);
		else if (c == 'd')
			domains = optarg;
		else
			return 2;
	}
	if (domains)
	{
		FILE	   *f = fopen(domains, "r");
		char		line[300];

		while (f && nnames < MAX_NAMES && fgets(line, sizeof(line), f))
		{
			line[strcspn(line, "\r\n")] = '\0';
			if (line[0] && strlen(line) < 200)
				names[nnames++] = strdup(line);
		}
		if (f)
			fclose(f);
	}
	if (nnames == 0)
		names[nnames++] = "example.com";

	setvbuf(stdout, outbuf, _IOFBF, sizeof(outbuf));
	fwrite(hdr, 1, sizeof(hdr), stdout);
	for (i = 0; i < pairs + conns; i++)
	{
		endpoint	cl,
					sv;
		uint8_t		q[1024],
					r[70000];
		char		name[300];
		uint16_t	type,
					id;
		size_t		ql,
					rl;
		int			edns = rnd() % 2;

		random_endpoints(&cl, &sv);
		if (i % ((pairs + conns) / (conns ? conns : 1) + 1) != 0 || conns == 0)
		{
			int			nx = rnd() % 20 == 0;

			pick_question(name, &type);
			id = (uint16_t) rnd();
			ql = make_message(q, id, name, type, 0, edns, 0);
			rl = make_message(r, id, name, type, 1, edns, nx);
			write_frame(&cl, &sv, 0, 0, 0, 0, q, ql);
			write_frame(&sv, &cl, 0, 0, 0, 0, r, rl);
		}
		else
		{
			uint32_t	cs = rnd(),
						ss = rnd();
			int			k,
						nq = 1 + rnd() % 5;

			write_frame(&cl, &sv, 1, cs, 0, 0x02, NULL, 0);
			write_frame(&sv, &cl, 1, ss, cs + 1, 0x12, NULL, 0);
			write_frame(&cl, &sv, 1, ++cs, ++ss, 0x10, NULL, 0);
			for (k = 0; k < nq; k++)
			{
				pick_question(name, &type);
				id = (uint16_t) rnd();
				ql = make_message(q + 2, id, name, type, 0, edns, 0);
				put16(q, (unsigned) ql);
				rl = make_message(r + 2, id, name, type, 1, edns, rnd() % 20 == 0);
				put16(r, (unsigned) rl);
				write_frame(&cl, &sv, 1, cs, ss, 0x18, q, ql + 2);
				cs += (uint32_t) ql + 2;
				if (rl > 60 && rnd() % 3 == 0)
				{
					/* the response split over two segments */
					size_t		half = rl / 2;

					write_frame(&sv, &cl, 1, ss, cs, 0x10, r, half);
					write_frame(&sv, &cl, 1, ss + (uint32_t) half, cs, 0x18, r + half, rl + 2 - half);
				}
				else
					write_frame(&sv, &cl, 1, ss, cs, 0x18, r, rl + 2);
				ss += (uint32_t) rl + 2;
				write_frame(&cl, &sv, 1, cs, ss, 0x10, NULL, 0);
			}
			write_frame(&cl, &sv, 1, cs, ss, 0x11, NULL, 0);
			write_frame(&sv, &cl, 1, ss, cs + 1, 0x11, NULL, 0);
			write_frame(&cl, &sv, 1, cs + 1, ss + 1, 0x10, NULL, 0);
		}
	}
	return fflush(stdout) == 0 ? 0 : 1;
}
