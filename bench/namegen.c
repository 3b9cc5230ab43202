/*
 * namegen.c
 *		Deterministic benchmark data built on the registered domains of
 *		test/corpora/top-domains (OpenDNS top and random 10k lists,
 *		Moz top 500): distinct host names with a realistic subdomain
 *		fan-out (bench/dnsname.sh), and native observation lines over
 *		RRsets of those names (bench/store.sh).
 *
 *	namegen names N DIR
 *		N distinct names, one per line, in random order.
 *	namegen domains N DIR
 *		the registered domains under those names, one per line with its
 *		rank and how many of the N names it holds (tab-separated).
 *	namegen observations N R DAYS DIR
 *		N lines in the native layout (docs/ingest.md, twelve tab-separated
 *		fields) over R distinct RRsets, times spread over DAYS days from
 *		2024-01-01 UTC.  Only the time field depends on DAYS: the lines for
 *		DAYS=1 and DAYS=365 hold the same observations.
 *
 * The domains are ranked (OpenDNS top list, then the Moz list, then the
 * random list) and domain r gets a number of names proportional to
 * 1/(r + 10), at least one (Zipf-like): google.com has thousands, a domain
 * of the random list a dozen.  A domain's names are, in order: the apex,
 * the usual hosts (www, mail, api, cdn, ...) and DNS infrastructure labels
 * (_dmarc, DKIM selectors, SRV names), then a mix of per-customer names
 * (some with www and mail below them), deep hosts (two to four labels) and
 * hash-like CDN labels.  Everything comes from one PRNG with a fixed seed.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NAME_MAX_LEN 256

/* ---- randomness and hashing ---- */

static uint64_t rng_state = 0x2545F4914F6CDD1Dull;

/* splitmix64: the generator's only source of randomness. */
static uint64_t
rnd64(void)
{
	uint64_t	z = (rng_state += 0x9E3779B97F4A7C15ull);

	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

static uint32_t
rnd(uint32_t n)
{
	return (uint32_t) (rnd64() % n);
}

/* uniform in [0, 1) */
static double
rndf(void)
{
	return (double) (rnd64() >> 11) / 9007199254740992.0;
}

/* A fixed hash of two integers (names that must not depend on the PRNG). */
static uint64_t
mix(uint64_t a, uint64_t b)
{
	uint64_t	z = a * 0x9E3779B97F4A7C15ull + b + 0x632BE59BD9B4E019ull;

	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

static void *
xmalloc(size_t n)
{
	void	   *p = malloc(n);

	if (p == NULL)
	{
		fprintf(stderr, "namegen: out of memory\n");
		exit(1);
	}
	return p;
}

static char *
xstrdup(const char *s)
{
	size_t		n = strlen(s) + 1;

	return memcpy(xmalloc(n), s, n);
}

/* ---- the registered domains ---- */

static char **domains;
static int	n_domains;
static int	cap_domains;

/* open-addressing set of domain strings, for de-duplication */
#define SET_SIZE (1 << 16)
static const char *domain_set[SET_SIZE];

static uint64_t
str_hash(const char *s)
{
	uint64_t	h = 0xCBF29CE484222325ull;

	for (; *s; s++)
		h = (h ^ (unsigned char) *s) * 0x100000001B3ull;
	return h;
}

/* Add a domain (lower-cased, "www." and a trailing dot dropped) unless seen. */
static void
add_domain(const char *raw)
{
	char		buf[NAME_MAX_LEN];
	size_t		n = 0;
	const char *p = raw;
	uint64_t	h;

	if (strncmp(p, "www.", 4) == 0)
		p += 4;
	for (; *p && !isspace((unsigned char) *p) && n < sizeof(buf) - 1; p++)
		buf[n++] = (char) tolower((unsigned char) *p);
	while (n > 0 && buf[n - 1] == '.')
		n--;
	buf[n] = '\0';
	if (n == 0 || strchr(buf, '.') == NULL)
		return;
	for (h = str_hash(buf) & (SET_SIZE - 1); domain_set[h]; h = (h + 1) & (SET_SIZE - 1))
		if (strcmp(domain_set[h], buf) == 0)
			return;
	if (n_domains == cap_domains)
	{
		cap_domains = cap_domains ? cap_domains * 2 : 1024;
		domains = realloc(domains, cap_domains * sizeof(char *));
		if (domains == NULL)
			exit(1);
	}
	domains[n_domains] = xstrdup(buf);
	domain_set[h] = domains[n_domains++];
}

static void
read_list(const char *dir, const char *file, int json)
{
	char		path[4096];
	char		line[1024];
	FILE	   *f;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	if ((f = fopen(path, "r")) == NULL)
	{
		perror(path);
		exit(1);
	}
	while (fgets(line, sizeof(line), f))
	{
		if (json)
		{
			/* "rootDomain": "www.google.com", */
			char	   *k = strstr(line, "\"rootDomain\"");
			char	   *q;

			if (k == NULL || (k = strchr(k + 12, '"')) == NULL || (q = strchr(k + 1, '"')) == NULL)
				continue;
			*q = '\0';
			add_domain(k + 1);
		}
		else
			add_domain(line);
	}
	fclose(f);
}

static void
load_domains(const char *dir)
{
	read_list(dir, "opendns-top-domains.txt", 0);
	read_list(dir, "moz-top500-top-sites-1.1.222.json", 1);
	read_list(dir, "opendns-random-domains.txt", 0);
	if (n_domains == 0)
	{
		fprintf(stderr, "namegen: no domains in %s\n", dir);
		exit(1);
	}
}

/*
 * How many names each domain gets: proportional to 1/(rank + 10), at least
 * one, n in total (the first domains take what rounding leaves over).
 */
static long *
fan_out(long n)
{
	long	   *k = xmalloc(n_domains * sizeof(long));
	double		total = 0;
	long		given = 0;
	int			r;

	if (n < n_domains)
	{
		fprintf(stderr, "namegen: need at least %d names (one per domain)\n", n_domains);
		exit(1);
	}
	for (r = 0; r < n_domains; r++)
		total += 1.0 / (r + 10);
	for (r = 0; r < n_domains; r++)
	{
		k[r] = (long) ((double) (n - n_domains) * (1.0 / (r + 10)) / total) + 1;
		given += k[r];
	}
	for (r = 0; given < n; r = (r + 1) % n_domains, given++)
		k[r]++;
	return k;
}

/* ---- the names of one domain ---- */

/* The usual hosts and infrastructure labels, most common first. */
static const char *const fixed_labels[] = {
	"www", "mail", "_dmarc", "api", "cdn", "m", "selector1._domainkey", "smtp", "ns1", "ns2",
	"static", "img", "blog", "shop", "selector2._domainkey", "webmail", "autodiscover",
	"_sip._tls", "ftp", "vpn", "dev", "staging", "test", "app", "login", "auth", "docs",
	"support", "help", "status", "images", "media", "assets", "news", "video", "download",
	"portal", "secure", "admin", "git", "wiki", "jira", "search", "mx1", "mx2", "imap", "pop",
	"smtp2", "ns3", "ns4", "google._domainkey", "_sipfederationtls._tcp", "_autodiscover._tcp",
	"_xmpp-server._tcp", "remote", "owa", "cpanel", "www2", "beta", "store", "cloud", "crm",
	"analytics", "track", "s", "a", "b", "c", "go", "my", "en", "de", "fr", "es", "jp",
};
#define N_FIXED ((long) (sizeof(fixed_labels) / sizeof(fixed_labels[0])))

static const char *const words[] = {
	"acme", "globex", "initech", "umbrella", "hooli", "vandelay", "stark", "wayne", "wonka",
	"tyrell", "cyberdyne", "soylent", "aperture", "oscorp", "massive", "dynamic", "gringotts",
	"monarch", "nakatomi", "octan", "pied-piper", "sterling", "virtucon", "zorg", "bluth",
	"dunder", "krusty", "lacuna", "medusa", "nostromo", "primatech", "rekall", "spacely",
	"tessier", "ultor", "veridian", "weyland", "yoyodyne", "zenith", "abstergo",
};
#define N_WORDS ((int) (sizeof(words) / sizeof(words[0])))

static const char *const regions[] = {
	"us-east-1", "us-west-2", "eu-west-1", "eu-central-1", "ap-south-1", "ap-northeast-1",
	"sa-east-1", "ca-central-1",
};
static const char *const clusters[] = {"prod", "stage", "k8s", "db", "cache", "lb", "web", "batch"};
static const char *const pops[] = {
	"fra", "ams", "lhr", "cdg", "iad", "sjc", "nrt", "sin", "gru", "syd", "jnb", "ord",
};

#define PICK(arr, h) (arr[(h) % (sizeof(arr) / sizeof(arr[0]))])

/* base 36, lower case */
static void
b36(uint64_t v, char *out)
{
	char		tmp[16];
	int			n = 0,
				i;

	do
	{
		tmp[n++] = "0123456789abcdefghijklmnopqrstuvwxyz"[v % 36];
		v /= 36;
	} while (v);
	for (i = 0; i < n; i++)
		out[i] = tmp[n - 1 - i];
	out[n] = '\0';
}

/*
 * Name i of domain d: i = 0 is the apex, then the fixed labels, then a
 * repeating mix of ten kinds.  Distinct i give distinct names: every
 * generated label embeds j in base 36.
 */
static void
sub_name(int d, long i, char *out, size_t outlen)
{
	const char *dom = domains[d];
	char		id[16],
				cid[16];
	const char *customer;
	long		j;
	uint64_t	h;

	if (i == 0)
	{
		snprintf(out, outlen, "%s", dom);
		return;
	}
	if (i <= N_FIXED)
	{
		snprintf(out, outlen, "%s.%s", fixed_labels[i - 1], dom);
		return;
	}
	j = i - N_FIXED - 1;
	h = mix((uint64_t) d, (uint64_t) j);
	b36((uint64_t) j, id);
	/* kinds 2, 3 and 4 are one customer: its apex, its www and its mail */
	b36((uint64_t) (j - j % 10 + 2), cid);
	customer = words[mix((uint64_t) d, (uint64_t) (j - j % 10 + 2)) % N_WORDS];
	switch (j % 10)
	{
		case 0:
		case 1:
			snprintf(out, outlen, "%s-%s.%s", words[h % N_WORDS], id, dom);
			break;
		case 2:
			snprintf(out, outlen, "%s-%s.%s", customer, cid, dom);
			break;
		case 3:
			snprintf(out, outlen, "www.%s-%s.%s", customer, cid, dom);
			break;
		case 4:
			snprintf(out, outlen, "mail.%s-%s.%s", customer, cid, dom);
			break;
		case 5:
			snprintf(out, outlen, "host-%s.%s.%s.%s", id, PICK(clusters, h), PICK(regions, h >> 8), dom);
			break;
		case 6:
			snprintf(out, outlen, "ip-%u-%u-%s.%s.%s", (unsigned) (h >> 16) % 256,
					 (unsigned) (h >> 24) % 256, id, PICK(regions, h >> 8), dom);
			break;
		case 7:
			snprintf(out, outlen, "edge-%s-%s.pop.%s", id, PICK(pops, h), dom);
			break;
		case 8:
			snprintf(out, outlen, "n%s.%s.%s.%s", id, PICK(clusters, h), PICK(regions, h >> 8), dom);
			break;
		default:
			snprintf(out, outlen, "d%08x%s.%s", (unsigned) (h >> 32), id, dom);
			break;
	}
}

/* ---- mode "names" ---- */

static void
shuffle(char **a, long n)
{
	long		i;

	for (i = n - 1; i > 0; i--)
	{
		long		k = (long) (rnd64() % (uint64_t) (i + 1));
		char	   *t = a[i];

		a[i] = a[k];
		a[k] = t;
	}
}

/*
 * Every name of every domain (fan_out(n) of each), in domain order.  Some
 * listed domains lie below others (m.facebook.com, x.blogspot.com): a name
 * made twice is skipped and the domain takes its next one instead.
 */
static char **
all_names(long n, int **domain_of)
{
	long	   *k = fan_out(n);
	char	  **names = xmalloc(n * sizeof(char *));
	uint64_t	size = 1;
	const char **seen;
	char		buf[NAME_MAX_LEN * 2];
	long		c = 0,
				i,
				made;
	int			d;

	while (size < 2 * (uint64_t) n)
		size <<= 1;
	seen = calloc(size, sizeof(char *));
	if (seen == NULL)
		exit(1);
	if (domain_of)
		*domain_of = xmalloc(n * sizeof(int));
	for (d = 0; d < n_domains; d++)
		for (i = 0, made = 0; made < k[d]; i++)
		{
			uint64_t	h;

			sub_name(d, i, buf, sizeof(buf));
			for (h = str_hash(buf) & (size - 1); seen[h]; h = (h + 1) & (size - 1))
				if (strcmp(seen[h], buf) == 0)
					break;
			if (seen[h])
				continue;
			if (domain_of)
				(*domain_of)[c] = d;
			seen[h] = names[c++] = xstrdup(buf);
			made++;
		}
	free(seen);
	free(k);
	return names;
}

static void
gen_names(long n)
{
	char	  **names = all_names(n, NULL);
	long		i;

	shuffle(names, n);
	for (i = 0; i < n; i++)
		puts(names[i]);
}

/* ---- mode "observations" ---- */

typedef struct rrset_def
{
	const char *name;
	const char *type;
	char	   *rdata;
	const char *bailiwick;		/* "" when the sensor did not know */
	const char *ttl;
} rrset_def;

static rrset_def *sets;
static long n_sets,
			max_sets;

static void
add_set(const char *name, const char *type, const char *rdata, const char *bailiwick,
		const char *ttl)
{
	if (n_sets == max_sets)
		return;
	sets[n_sets].name = name;
	sets[n_sets].type = type;
	sets[n_sets].rdata = xstrdup(rdata);
	sets[n_sets].bailiwick = bailiwick;
	sets[n_sets].ttl = ttl;
	n_sets++;
}

/*
 * An IPv4 address: 60% inside 3000 dense hosting /24s (many names share
 * them), the rest anywhere in unicast space.
 */
static void
ipv4(char *out, size_t len)
{
	if (rnd(100) < 60)
	{
		uint32_t	net = rnd(3000);
		uint64_t	h = mix(net, 7);

		snprintf(out, len, "%u.%u.%u.%u", 23 + (unsigned) (h % 170), (unsigned) (h >> 8) % 256,
				 (unsigned) (h >> 16) % 256, 1 + rnd(254));
	}
	else
		snprintf(out, len, "%u.%u.%u.%u", 1 + rnd(222), rnd(256), rnd(256), 1 + rnd(254));
}

static void
ipv6(char *out, size_t len)
{
	static const char *const prefixes[] = {"2606:4700", "2a00:1450", "2600:9000", "2a03:2880", "2001:67c"};

	snprintf(out, len, "%s:%x:%x::%x", prefixes[rnd(5)], rnd(65536), rnd(65536), 1 + rnd(65535));
}

/* The RRsets of one name, by the kind of name it is. */
static void
sets_of_name(const char *name, const char *dom, long idx)
{
	char		r[512],
				a[64];
	int			k,
				n;
	const char *first = name;
	size_t		dl = strlen(dom),
				nl = strlen(name);
	int			apex = nl == dl;

	if (apex)
	{
		n = 1 + rnd(2);
		for (k = 0; k < n; k++)
		{
			ipv4(a, sizeof(a));
			add_set(name, "A", a, dom, "300");
		}
		if (rnd(100) < 40)
		{
			ipv6(a, sizeof(a));
			add_set(name, "AAAA", a, dom, "300");
		}
		n = 2 + rnd(3);
		for (k = 0; k < n; k++)
		{
			if (rnd(100) < 50)
				snprintf(r, sizeof(r), "ns%d.%s.", k + 1, dom);
			else
				snprintf(r, sizeof(r), "ns-%u.awsdns-%02u.%s.", rnd(2048), rnd(64),
						 (const char *[]) {"com", "net", "org", "co.uk"}[k % 4]);
			add_set(name, "NS", r, strchr(dom, '.') + 1, "172800");
		}
		n = 1 + rnd(2);
		for (k = 0; k < n; k++)
		{
			if (rnd(100) < 40)
				snprintf(r, sizeof(r), "%d aspmx%s.l.google.com.", k ? 10 : 1, k ? "2" : "");
			else
				snprintf(r, sizeof(r), "%d mx%d.%s.", 10 * (k + 1), k + 1, dom);
			add_set(name, "MX", r, dom, "3600");
		}
		add_set(name, "TXT", "\"v=spf1 include:_spf.google.com ~all\"", dom, "3600");
		if (rnd(100) < 50)
		{
			snprintf(r, sizeof(r), "\"google-site-verification=%016llx%016llx\"",
					 (unsigned long long) rnd64(), (unsigned long long) rnd64());
			add_set(name, "TXT", r, dom, "3600");
		}
		if (rnd(100) < 10)
		{
			snprintf(r, sizeof(r), "ns1.%s. hostmaster.%s. %u 7200 3600 1209600 300", dom, dom,
					 2024010100 + rnd(99));
			add_set(name, "SOA", r, dom, "3600");
		}
		return;
	}
	if (strncmp(first, "_dmarc.", 7) == 0)
	{
		snprintf(r, sizeof(r), "\"v=DMARC1; p=%s; rua=mailto:dmarc@%s\"",
				 (const char *[]) {"none", "quarantine", "reject"}[rnd(3)], dom);
		add_set(name, "TXT", r, dom, "3600");
		return;
	}
	if (strstr(first, "._domainkey.") != NULL)
	{
		snprintf(r, sizeof(r), "\"v=DKIM1; k=rsa; p=MIGfMA0GCSqGSIb3DQEBAQUAA4GN%016llx%016llxAQAB\"",
				 (unsigned long long) rnd64(), (unsigned long long) rnd64());
		add_set(name, "TXT", r, dom, "3600");
		return;
	}
	if (first[0] == '_')
	{
		snprintf(r, sizeof(r), "%d %d %d sip%d.%s.", 10 + rnd(10), rnd(100), 443 + rnd(5000), rnd(4), dom);
		add_set(name, "SRV", r, dom, "3600");
		return;
	}
	/* hosts: an alias to a CDN for some, addresses for all others */
	if (rnd(100) < (strncmp(first, "www.", 4) == 0 || strncmp(first, "cdn.", 4) == 0 ? 45 : 12))
	{
		snprintf(r, sizeof(r), "%s%08llx.%s.", (const char *[]) {"d", "e", "a", "s"}[idx % 4],
				 (unsigned long long) (mix(idx, 3) & 0xffffffffull),
				 (const char *[]) {"cloudfront.net", "edgekey.net", "akamaiedge.net", "cdn.cloudflare.net",
				 "azureedge.net", "fastly.net"}[mix(idx, 5) % 6]);
		add_set(name, "CNAME", r, dom, "300");
		return;
	}
	/* one address, or several over time (renumbering, round robin) */
	n = rnd(100) < 70 ? 1 : 2 + rnd(3);
	for (k = 0; k < n; k++)
	{
		ipv4(a, sizeof(a));
		add_set(name, "A", a, rnd(100) < 90 ? dom : "", "60");
	}
	if (rnd(100) < 35)
	{
		ipv6(a, sizeof(a));
		add_set(name, "AAAA", a, dom, "60");
	}
}

#define N_CLIENTS 50000

/* Client number c: IPv4 in 10/8, one in ten IPv6 in fd00::/8. */
static void
client_address(uint32_t c, char *out, size_t len)
{
	if (c % 10 == 9)
		snprintf(out, len, "fd00:%x::%x", c / 256, c % 256 + 1);
	else
		snprintf(out, len, "10.%u.%u.%u", c / 65536, c / 256 % 256, c % 256);
}

static void
gen_observations(long n, long r, int days)
{
	/* names: about one per 2.2 RRsets, from the same model */
	long		n_names = r / 2 + n_domains;
	int		   *domain_of;
	char	  **names = all_names(n_names, &domain_of);
	long	   *order = xmalloc(n_names * sizeof(long));
	static const char *const sensors[] = {"sensor-fra1", "sensor-ams1", "sensor-iad1", "sensor-sjc1",
	"sensor-nrt1", "sensor-gru1"};
	static const char *const servers[] = {"192.0.2.53", "198.51.100.53", "203.0.113.53", "2001:db8::53"};
	const long	base = 1704067200;	/* 2024-01-01 00:00:00 UTC */
	long		i,
				emitted = 0,
				negatives = 0;

	sets = xmalloc(r * sizeof(rrset_def));
	max_sets = r;
	/* RRsets of the names in random order until there are r */
	for (i = 0; i < n_names; i++)
		order[i] = i;
	for (i = n_names - 1; i > 0; i--)
	{
		long		k = (long) (rnd64() % (uint64_t) (i + 1)),
					t = order[i];

		order[i] = order[k];
		order[k] = t;
	}
	for (i = 0; n_sets < r; i = (i + 1) % n_names)
		sets_of_name(names[order[i]], domains[domain_of[order[i]]], i);

	for (i = 0; i < n; i++)
	{
		long		day = (long) ((double) i * days / n);
		long		t = base + day * 86400 + rnd(86400);
		unsigned	usec = rnd(1000000);
		const char *sensor = sensors[(uint32_t) (6 * rndf() * rndf())];
		const char *server = servers[rnd(4)];
		/* skewed: a few busy clients; see client_address() for the rest */
		uint32_t	c = (uint32_t) (N_CLIENTS * rndf() * rndf());
		char		client[64];
		char		count[16] = "";

		if (rnd(100) < 10)
			snprintf(count, sizeof(count), "%u", 2 + rnd(19));
		if (rnd(1000) < 40)
		{
			/* a negative answer: a name nobody registered under a real domain */
			int			d = (int) (n_domains * rndf() * rndf());
			char		label[16];

			b36(rnd64() % 2176782336ull, label);
			client_address(c, client, sizeof(client));
			printf("%ld.%06u\t%s\t%s\t%s\t%s.%s\t%s\tIN\t\t\t%s\t%s\tNXDOMAIN\n", t, usec, sensor,
				   client, server, label, domains[d], rnd(4) ? "A" : "AAAA", domains[d], count);
			negatives++;
			continue;
		}
		{
			/* a new RRset with the odds that spread all r over the lines left */
			long		left = n - i;
			long		k;
			rrset_def  *s;

			if (emitted < r && rndf() * (double) (left - (long) ((n - i) * 0.04)) < (double) (r - emitted))
				k = emitted++;
			else
			{
				double		u = rndf();

				k = (long) ((double) (emitted ? emitted : 1) * u * u * u);
				if (emitted == 0)
					k = emitted++;
			}
			s = &sets[k];
			/* three in four queries for an RRset come from one of its six regulars */
			if (rnd(4) != 0)
				c = (uint32_t) (mix((uint64_t) k, rnd(6)) % N_CLIENTS);
			client_address(c, client, sizeof(client));
			printf("%ld.%06u\t%s\t%s\t%s\t%s\t%s\tIN\t%s\t%s\t%s\t%s\t\n", t, usec, sensor, client,
				   server, s->name, s->type, s->ttl, s->rdata, s->bailiwick, count);
		}
	}
	fprintf(stderr, "namegen: %ld lines, %ld RRsets emitted of %ld, %ld negative, %ld names, %d domains\n",
			n, emitted, r, negatives, n_names, n_domains);
}

int
main(int argc, char **argv)
{
	if (argc == 4 && strcmp(argv[1], "names") == 0)
	{
		load_domains(argv[3]);
		gen_names(atol(argv[2]));
	}
	else if (argc == 4 && strcmp(argv[1], "domains") == 0)
	{
		long	   *k;
		int			d;

		load_domains(argv[3]);
		k = fan_out(atol(argv[2]));
		for (d = 0; d < n_domains; d++)
			printf("%d\t%s\t%ld\n", d + 1, domains[d], k[d]);
	}
	else if (argc == 6 && strcmp(argv[1], "observations") == 0)
	{
		load_domains(argv[5]);
		gen_observations(atol(argv[2]), atol(argv[3]), atoi(argv[4]));
	}
	else
	{
		fprintf(stderr, "usage: namegen names N DIR\n"
				"       namegen domains N DIR\n"
				"       namegen observations N R DAYS DIR\n");
		return 2;
	}
	return 0;
}
