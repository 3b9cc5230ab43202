/*
 * test_cryptopan.c
 *		Unit tests of the Crypto-PAn core: the reference distribution's sample
 *		trace, other implementations' IPv4 and IPv6 vectors, agreement with
 *		the bit-by-bit algorithm, prefix preservation, bijectivity, networks,
 *		and the key helpers.
 */
#include "cryptopan.h"
#include "cryptopan_reference.h"
#include "unit.h"

#include <arpa/inet.h>
#include <stdlib.h>

/* The key of the reference distribution's sample.cpp. */
static const uint8_t sample_key[CPAN_KEY_LEN] = {
	21, 34, 23, 141, 51, 164, 207, 128, 19, 10, 91, 22, 73, 144, 125, 16,
	216, 152, 143, 131, 121, 121, 101, 39, 98, 87, 76, 45, 42, 132, 34, 2
};

typedef struct vector
{
	const char *in;
	const char *out;
} vector;

/*
 * The distinct address pairs of sample_trace_raw.dat and
 * sample_trace_sanitized.dat (Crypto-PAn 1.0), as other implementations'
 * test suites list them (Yawning/cryptopan, noinkling/node-cryptopan).
 */
static const vector sample_trace[] = {
	{"128.11.68.132", "135.242.180.132"}, {"129.118.74.4", "134.136.186.123"},
	{"130.132.252.244", "133.68.164.234"}, {"141.223.7.43", "141.167.8.160"},
	{"141.233.145.108", "141.129.237.235"}, {"152.163.225.39", "151.140.114.167"},
	{"156.29.3.236", "147.225.12.42"}, {"165.247.96.84", "162.9.99.234"},
	{"166.107.77.190", "160.132.178.185"}, {"192.102.249.13", "252.138.62.131"},
	{"192.215.32.125", "252.43.47.189"}, {"192.233.80.103", "252.25.108.8"},
	{"192.41.57.43", "252.222.221.184"}, {"193.150.244.223", "253.169.52.216"},
	{"195.205.63.100", "255.186.223.5"}, {"198.200.171.101", "249.199.68.213"},
	{"198.26.132.101", "249.36.123.202"}, {"198.36.213.5", "249.7.21.132"},
	{"198.51.77.238", "249.18.186.254"}, {"199.217.79.101", "248.38.184.213"},
	{"202.49.198.20", "245.206.7.234"}, {"203.12.160.252", "244.248.163.4"},
	{"204.184.162.189", "243.192.77.90"}, {"204.202.136.230", "243.178.4.198"},
	{"204.29.20.4", "243.33.20.123"}, {"205.178.38.67", "242.108.198.51"},
	{"205.188.147.153", "242.96.16.101"}, {"205.188.248.25", "242.96.88.27"},
	{"205.245.121.43", "242.21.121.163"}, {"207.105.49.5", "241.118.205.138"},
	{"207.135.65.238", "241.202.129.222"}, {"207.155.9.214", "241.220.250.22"},
	{"207.188.7.45", "241.255.249.220"}, {"207.25.71.27", "241.33.119.156"},
	{"207.33.151.131", "241.1.233.131"}, {"208.147.89.59", "227.237.98.191"},
	{"208.234.120.210", "227.154.67.17"}, {"208.28.185.184", "227.39.94.90"},
	{"208.52.56.122", "227.8.63.165"}, {"209.12.231.7", "226.243.167.8"},
	{"209.238.72.3", "226.6.119.243"}, {"209.246.74.109", "226.22.124.76"},
	{"209.68.60.238", "226.184.220.233"}, {"209.85.249.6", "226.170.70.6"},
	{"212.120.124.31", "228.135.163.231"}, {"212.146.8.236", "228.19.4.234"},
	{"212.186.227.154", "228.59.98.98"}, {"212.204.172.118", "228.71.195.169"},
	{"212.206.130.201", "228.69.242.193"}, {"216.148.237.145", "235.84.194.111"},
	{"216.157.30.252", "235.89.31.26"}, {"216.184.159.48", "235.96.225.78"},
	{"216.227.10.221", "235.28.253.36"}, {"216.254.18.172", "235.7.16.162"},
	{"216.32.132.250", "235.192.139.38"}, {"216.35.217.178", "235.195.157.81"},
	{"24.0.250.221", "100.15.198.226"}, {"24.13.62.231", "100.2.192.247"},
	{"24.14.213.138", "100.1.42.141"}, {"24.5.0.80", "100.9.15.210"},
	{"24.7.198.88", "100.10.6.25"}, {"24.94.26.44", "100.88.228.35"},
	{"38.15.67.68", "64.3.66.187"}, {"4.3.88.225", "124.60.155.63"},
	{"63.14.55.111", "95.9.215.7"}, {"63.195.241.44", "95.179.238.44"},
	{"63.97.7.140", "95.97.9.123"}, {"64.14.118.196", "0.255.183.58"},
	{"64.34.154.117", "0.221.154.117"}, {"64.39.15.238", "0.219.7.41"},
	{"10.185.25.118", "117.161.29.118"},
	/* further addresses under the same key, from node-cryptopan's tests */
	{"129.69.205.36", "134.182.53.212"}, {"129.69.215.37", "134.182.41.43"},
	{"127.0.0.1", "33.0.243.129"}, {"0.0.0.0", "120.255.240.1"},
	{"10.0.1.128", "117.15.1.129"}, {"169.254.100.50", "169.251.68.45"},
	{"255.255.255.255", "206.120.97.255"},
};

/* IPv6 under the same key (Yawning/cryptopan, noinkling/node-cryptopan). */
static const vector sample_key_ipv6[] = {
	{"::1", "78ff:f001:9fc0:20df:8380:b1f1:704:ed"},
	{"::2", "78ff:f001:9fc0:20df:8380:b1f1:704:ef"},
	{"::ffff", "78ff:f001:9fc0:20df:8380:b1f1:704:f838"},
	{"2001:db8::1", "4401:2bc:603f:d91d:27f:ff8e:e6f1:dc1e"},
	{"2001:db8::2", "4401:2bc:603f:d91d:27f:ff8e:e6f1:dc1c"},
};

/* Two more keys with vectors from node-cryptopan's tests. */
static const char key2_hex[] = "8009ab3a605435bea0c385bea18485d8b0a1103d6590bdf48c968be5de53836e";
static const vector key2_vectors[] = {
	{"123.123.123.123", "117.8.135.123"}, {"131.159.1.42", "162.112.255.43"},
	{"8.8.8.8", "55.21.62.136"}, {"255.8.1.100", "240.232.0.156"},
	{"0.0.0.0", "56.131.176.115"}, {"255.255.255.255", "240.15.248.0"},
	{"2a02:0db8:85a3:0000:0000:8a2e:0370:7344", "1482:f447:75b3:f1f9:fbdf:622e:34f:ff7b"},
	{"2a02:0db8:85a3:08d3:1319:8a2e:0370:7344", "1482:f447:75b3:f904:c1d9:ba2e:489:1346"},
	{"2001:b8:a3:00:00:2e:70:44", "1f18:b37b:1cc3:8118:41f:9fd1:f875:fab8"},
	{"fc00::", "f33c:8ca3:ef0f:e019:e7ff:f1e3:f91f:f800"},
};
static const char key3_hex[] = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
static const vector key3_vectors[] = {
	{"192.0.2.1", "2.90.93.17"}, {"0.0.0.0", "254.152.65.220"},
	{"10.0.1.128", "246.35.190.47"}, {"127.0.0.1", "168.227.160.61"},
	{"165.254.100.50", "90.1.157.13"}, {"255.255.255.255", "56.0.15.254"},
	{"148.88.132.153", "106.38.130.153"}, {"148.88.132.64", "106.38.130.64"},
	{"148.88.133.200", "106.38.131.223"},
	{"2001:db8::1", "dd92:2c44:3fc0:ff1e:7ff9:c7f0:8180:7e00"},
};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* xorshift64*: reproducible pseudo-random test data. */
static uint64_t rng_state = 0x9E3779B97F4A7C15ULL;

static uint64_t
rng(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545F4914F6CDD1DULL;
}

static void
random_bytes(uint8_t *b, size_t n)
{
	size_t		i;

	for (i = 0; i < n; i++)
		b[i] = (uint8_t) (rng() >> 56);
}

/* Pseudonymize an address written as text; returns its text. */
static const char *
pseudonymize_text(const cpan_key *k, const char *in)
{
	static char out[INET6_ADDRSTRLEN];
	uint8_t		addr[16];
	int			af = strchr(in, ':') ? AF_INET6 : AF_INET;

	if (inet_pton(af, in, addr) != 1)
		return "(unparsable)";
	if (!cpan_pseudonymize(k, af == AF_INET ? 32 : 128, af == AF_INET ? 32 : 128, addr, addr))
		return "(failed)";
	inet_ntop(af, addr, out, sizeof(out));
	return out;
}

/* Each pair, compared after normalizing the expected text. */
static void
check_vectors(const cpan_key *k, const vector *v, size_t n)
{
	size_t		i;

	for (i = 0; i < n; i++)
	{
		uint8_t		want[16];
		char		want_text[INET6_ADDRSTRLEN];
		int			af = strchr(v[i].out, ':') ? AF_INET6 : AF_INET;

		CHECK(inet_pton(af, v[i].out, want) == 1);
		inet_ntop(af, want, want_text, sizeof(want_text));
		CHECK_STR(pseudonymize_text(k, v[i].in), want_text);
	}
}

static cpan_key *
key_from_hex(const char *hex)
{
	uint8_t		raw[CPAN_KEY_LEN];
	size_t		where;

	if (cpan_key_from_hex(hex, strlen(hex), raw, &where) != CPAN_HEX_OK)
		return NULL;
	return cpan_new(raw);
}

static void
test_published_vectors(void)
{
	cpan_key   *k = cpan_new(sample_key);
	cpan_key   *k2 = key_from_hex(key2_hex);
	cpan_key   *k3 = key_from_hex(key3_hex);

	CHECK(k != NULL && k2 != NULL && k3 != NULL);
	check_vectors(k, sample_trace, NELEM(sample_trace));
	check_vectors(k, sample_key_ipv6, NELEM(sample_key_ipv6));
	check_vectors(k2, key2_vectors, NELEM(key2_vectors));
	check_vectors(k3, key3_vectors, NELEM(key3_vectors));
	cpan_free(k);
	cpan_free(k2);
	cpan_free(k3);
}

/* The shorthands agree with the general function. */
static void
test_shorthands(void)
{
	cpan_key   *k = cpan_new(sample_key);
	uint32_t	v4;
	uint8_t		v6[16],
				want[16];

	CHECK(cpan_pseudonymize_ipv4(k, 0x800B4484u, &v4) && v4 == 0x87F2B484u);	/* 128.11.68.132 */
	inet_pton(AF_INET6, "2001:db8::1", v6);
	inet_pton(AF_INET6, "4401:2bc:603f:d91d:27f:ff8e:e6f1:dc1e", want);
	CHECK(cpan_pseudonymize_ipv6(k, v6, v6) && memcmp(v6, want, 16) == 0);
	cpan_free(k);
}

/* Random keys and addresses: the batched code equals the bit-by-bit one. */
static void
test_matches_reference(void)
{
	int			round,
				mismatches = 0;

	for (round = 0; round < 200; round++)
	{
		uint8_t		key[CPAN_KEY_LEN],
					addr[16],
					got[16],
					want[16];
		int			width = round % 2 ? 128 : 32;
		cpan_key   *k;
		ref_cpan	r;

		random_bytes(key, sizeof(key));
		random_bytes(addr, sizeof(addr));
		k = cpan_new(key);
		CHECK(k != NULL && ref_init(&r, key));
		CHECK(cpan_pseudonymize(k, width, width, addr, got));
		CHECK(ref_pseudonymize(&r, width, addr, want));
		if (memcmp(got, want, width / 8) != 0)
			mismatches++;
		ref_free(&r);
		cpan_free(k);
	}
	CHECK(mismatches == 0);
}

/*
 * For every prefix length 0..width, random pairs sharing exactly that many
 * bits map to pairs sharing exactly that many bits; so do fully random pairs.
 */
static void
test_prefix_preservation(int width)
{
	cpan_key   *k;
	uint8_t		key[CPAN_KEY_LEN];
	int			len,
				i,
				trial,
				broken = 0,
				pairs = 0;

	random_bytes(key, sizeof(key));
	k = cpan_new(key);
	for (len = 0; len <= width; len++)
	{
		for (trial = 0; trial < 40; trial++)
		{
			uint8_t		a[16],
						b[16],
						pa[16],
						pb[16];

			random_bytes(a, sizeof(a));
			if (trial % 4 == 3)
				random_bytes(b, sizeof(b));
			else
			{
				memcpy(b, a, sizeof(b));
				random_bytes(b + len / 8, sizeof(b) - len / 8);
				for (i = len - len % 8; i < len; i++)
					ref_set_bit(b, i, ref_bit(a, i));
				if (len < width)
					ref_set_bit(b, len, !ref_bit(a, len));
			}
			cpan_pseudonymize(k, width, width, a, pa);
			cpan_pseudonymize(k, width, width, b, pb);
			if (ref_common_prefix(a, b, width) != ref_common_prefix(pa, pb, width))
				broken++;
			pairs++;
		}
	}
	CHECK(pairs == (width + 1) * 40);
	CHECK(broken == 0);
	cpan_free(k);
}

/*
 * All 65536 addresses of one IPv4 /16 land in one /16 and are all distinct
 * (a bijection), and so do 4096 IPv6 addresses of one /116.
 */
static void
test_bijection(void)
{
	cpan_key   *k = cpan_new(sample_key);
	static uint8_t seen[65536];
	uint8_t		first[16];
	uint32_t	i;
	int			outside = 0,
				repeats = 0;

	memset(seen, 0, sizeof(seen));
	for (i = 0; i < 65536; i++)
	{
		uint8_t		a[4] = {198, 51, (uint8_t) (i >> 8), (uint8_t) i},
					p[4];

		cpan_pseudonymize(k, 32, 32, a, p);
		if (i == 0)
			memcpy(first, p, 4);
		if (memcmp(p, first, 2) != 0)
			outside++;
		if (seen[p[2] << 8 | p[3]]++)
			repeats++;
	}
	CHECK(outside == 0 && repeats == 0);

	memset(seen, 0, sizeof(seen));
	outside = repeats = 0;
	for (i = 0; i < 4096; i++)
	{
		uint8_t		a[16],
					p[16];

		inet_pton(AF_INET6, "2001:db8:1234:5678:9abc:def0:1234:0", a);
		a[14] = (uint8_t) (i >> 8);
		a[15] = (uint8_t) i;
		cpan_pseudonymize(k, 128, 128, a, p);
		if (i == 0)
			memcpy(first, p, 16);
		if (ref_common_prefix(p, first, 128) < 116)
			outside++;
		if (seen[(p[14] & 0x0F) << 8 | p[15]]++)
			repeats++;
	}
	CHECK(outside == 0 && repeats == 0);
	cpan_free(k);
}

/*
 * A network: transforming only its prefix bits gives the first bits of any
 * host's pseudonym inside it, and copies the rest (zeros) unchanged.
 */
static void
test_networks(void)
{
	cpan_key   *k = cpan_new(sample_key);
	uint8_t		net[4] = {198, 51, 100, 0},
				host[4] = {198, 51, 100, 77},
				pn[4],
				ph[4];
	uint8_t		net6[16],
				host6[16],
				pn6[16],
				ph6[16],
				zero[16] = {0};

	CHECK(cpan_pseudonymize(k, 32, 24, net, pn));
	CHECK(cpan_pseudonymize(k, 32, 32, host, ph));
	CHECK(memcmp(pn, ph, 3) == 0 && pn[3] == 0);

	CHECK(cpan_pseudonymize(k, 32, 0, host, pn));
	CHECK(memcmp(pn, host, 4) == 0);

	inet_pton(AF_INET6, "2001:db8:aa00::", net6);
	inet_pton(AF_INET6, "2001:db8:aa17::5", host6);
	CHECK(cpan_pseudonymize(k, 128, 43, net6, pn6));
	CHECK(cpan_pseudonymize(k, 128, 128, host6, ph6));
	CHECK(ref_common_prefix(pn6, ph6, 128) >= 43);
	CHECK(memcmp(pn6 + 6, zero, 10) == 0 && (pn6[5] & 0x1F) == 0);

	/* widths and lengths out of range are refused */
	CHECK(!cpan_pseudonymize(k, 64, 64, host6, pn6));
	CHECK(!cpan_pseudonymize(k, 32, 33, host, pn));
	CHECK(!cpan_pseudonymize(k, 32, -1, host, pn));
	cpan_free(k);
}

static void
test_key_helpers(void)
{
	uint8_t		raw[CPAN_KEY_LEN],
				again[CPAN_KEY_LEN];
	char		hex[CPAN_KEY_HEX_LEN + 1],
				fp[CPAN_FINGERPRINT_LEN + 1];
	size_t		where = 0;
	const char *upper = "1522178D33A4CF80130A5B1649907D10D8988F837979652762574C2D2A842202";

	CHECK(cpan_key_from_hex(upper, 64, raw, &where) == CPAN_HEX_OK);
	CHECK(memcmp(raw, sample_key, CPAN_KEY_LEN) == 0);
	cpan_key_to_hex(raw, hex);
	CHECK_STR(hex, "1522178d33a4cf80130a5b1649907d10d8988f837979652762574c2d2a842202");

	CHECK(cpan_key_from_hex(upper, 63, raw, &where) == CPAN_HEX_BAD_LENGTH);
	CHECK(cpan_key_from_hex("", 0, raw, &where) == CPAN_HEX_BAD_LENGTH);
	memcpy(hex, upper, 65);
	hex[10] = 'g';
	CHECK(cpan_key_from_hex(hex, 64, raw, &where) == CPAN_HEX_BAD_DIGIT && where == 10);
	hex[10] = ' ';
	CHECK(cpan_key_from_hex(hex, 64, raw, &where) == CPAN_HEX_BAD_DIGIT && where == 10);

	/* the first 16 hex digits of sha256sum over the raw key bytes */
	CHECK(cpan_key_fingerprint(sample_key, fp));
	CHECK_STR(fp, "3ef4b8b940095a0e");

	CHECK(cpan_key_generate(raw) && cpan_key_generate(again));
	CHECK(memcmp(raw, again, CPAN_KEY_LEN) != 0);
	cpan_key_to_hex(raw, hex);
	CHECK(cpan_key_from_hex(hex, 64, again, &where) == CPAN_HEX_OK
		  && memcmp(raw, again, CPAN_KEY_LEN) == 0);

	/* freeing nothing is allowed */
	cpan_free(NULL);
}

int
main(void)
{
	test_published_vectors();
	test_shorthands();
	test_matches_reference();
	test_prefix_preservation(32);
	test_prefix_preservation(128);
	test_bijection();
	test_networks();
	test_key_helpers();
	UNIT_DONE("cryptopan");
}
