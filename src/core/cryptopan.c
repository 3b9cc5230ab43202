/*
 * cryptopan.c
 *		Crypto-PAn prefix-preserving pseudonymization (see cryptopan.h).
 *
 * The reference implementation encrypts one block per bit position.  The
 * blocks do not depend on each other (each is a prefix of the input padded
 * with the encrypted pad), so this one builds all of them and encrypts them
 * in a single ECB call: libcrypto then pipelines AES-NI over the batch, which
 * is several times faster than one EVP call per block (see bench/README.md).
 */
#include "cryptopan.h"
#include "hex_digit.h"

#include <endian.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#define CPAN_BLOCK	16

struct cpan_key
{
	EVP_CIPHER_CTX *ctx;		/* AES-128-ECB, no padding, key set */
	uint8_t		pad[CPAN_BLOCK];	/* the pad, encrypted under the key */
};

/* cpan_new: set up the cipher once and encrypt the pad. */
cpan_key *
cpan_new(const uint8_t key[CPAN_KEY_LEN])
{
	cpan_key   *k = calloc(1, sizeof(cpan_key));
	int			outl = 0;

	if (k == NULL)
		return NULL;
	k->ctx = EVP_CIPHER_CTX_new();
	if (k->ctx == NULL
		|| EVP_EncryptInit_ex(k->ctx, EVP_aes_128_ecb(), NULL, key, NULL) != 1
		|| EVP_CIPHER_CTX_set_padding(k->ctx, 0) != 1
		|| EVP_EncryptUpdate(k->ctx, k->pad, &outl, key + 16, CPAN_BLOCK) != 1
		|| outl != CPAN_BLOCK)
	{
		cpan_free(k);
		return NULL;
	}
	return k;
}

/* cpan_free: the context wipes its key schedule; the pad is wiped here. */
void
cpan_free(cpan_key *k)
{
	if (k == NULL)
		return;
	EVP_CIPHER_CTX_free(k->ctx);
	OPENSSL_cleanse(k->pad, sizeof(k->pad));
	free(k);
}

static uint64_t
load_be64(const uint8_t *b)
{
	uint64_t	v;

	memcpy(&v, b, sizeof(v));
	return be64toh(v);
}

static void
store_be64(uint8_t *b, uint64_t v)
{
	v = htobe64(v);
	memcpy(b, &v, sizeof(v));
}

/*
 * cpan_pseudonymize: block i holds the input's first i bits, then the
 * encrypted pad's bits from i on; output bit i flips when the first bit of
 * the block's encryption is set.  The blocks are assembled as two 64-bit
 * words: assembled byte by byte, they took longer than their encryption.
 */
bool
cpan_pseudonymize(const cpan_key *k, int width, int nbits,
				  const uint8_t *in, uint8_t *out)
{
	uint8_t		plain[128 * CPAN_BLOCK];
	uint8_t		cipher[128 * CPAN_BLOCK];
	uint8_t		addr[CPAN_BLOCK];
	uint64_t	addr_hi,
				addr_lo = 0,
				pad_hi = load_be64(k->pad),
				pad_lo = load_be64(k->pad + 8);
	int			high = nbits < 64 ? nbits : 64;
	int			outl = 0;
	int			pos;

	if ((width != 32 && width != 128) || nbits < 0 || nbits > width)
		return false;
	if (width == 32)
	{
		uint32_t	v;

		memcpy(&v, in, sizeof(v));
		addr_hi = (uint64_t) be32toh(v) << 32;
	}
	else
	{
		addr_hi = load_be64(in);
		addr_lo = load_be64(in + 8);
	}

	/* block 0 is the pad itself (a shift by 64 would be undefined) */
	store_be64(plain, pad_hi);
	store_be64(plain + 8, pad_lo);
	for (pos = 1; pos < high; pos++)
	{
		uint64_t	keep = ~UINT64_C(0) << (64 - pos);

		store_be64(plain + pos * CPAN_BLOCK, (addr_hi & keep) | (pad_hi & ~keep));
		store_be64(plain + pos * CPAN_BLOCK + 8, pad_lo);
	}
	for (pos = 64; pos < nbits; pos++)
	{
		uint64_t	keep = pos == 64 ? 0 : ~UINT64_C(0) << (128 - pos);

		store_be64(plain + pos * CPAN_BLOCK, addr_hi);
		store_be64(plain + pos * CPAN_BLOCK + 8, (addr_lo & keep) | (pad_lo & ~keep));
	}
	if (nbits > 0
		&& (EVP_EncryptUpdate(k->ctx, cipher, &outl, plain, nbits * CPAN_BLOCK) != 1
			|| outl != nbits * CPAN_BLOCK))
		return false;

	for (pos = 0; pos < high; pos++)
		addr_hi ^= (uint64_t) (cipher[pos * CPAN_BLOCK] >> 7) << (63 - pos);
	for (pos = 64; pos < nbits; pos++)
		addr_lo ^= (uint64_t) (cipher[pos * CPAN_BLOCK] >> 7) << (127 - pos);
	store_be64(addr, addr_hi);
	store_be64(addr + 8, addr_lo);
	memcpy(out, addr, width / 8);
	return true;
}

/* cpan_pseudonymize_ipv4: a whole IPv4 address in host byte order. */
bool
cpan_pseudonymize_ipv4(const cpan_key *k, uint32_t in, uint32_t *out)
{
	uint8_t		b[4] = {(uint8_t) (in >> 24), (uint8_t) (in >> 16),
	(uint8_t) (in >> 8), (uint8_t) in};

	if (!cpan_pseudonymize(k, 32, 32, b, b))
		return false;
	*out = ((uint32_t) b[0] << 24) | ((uint32_t) b[1] << 16)
		| ((uint32_t) b[2] << 8) | (uint32_t) b[3];
	return true;
}

/* cpan_pseudonymize_ipv6: a whole IPv6 address. */
bool
cpan_pseudonymize_ipv6(const cpan_key *k, const uint8_t in[16], uint8_t out[16])
{
	return cpan_pseudonymize(k, 128, 128, in, out);
}

/* cpan_key_from_hex: exactly 64 hex digits, no spaces or prefix. */
cpan_hex_status
cpan_key_from_hex(const char *hex, size_t len, uint8_t key[CPAN_KEY_LEN], size_t *where)
{
	size_t		i;

	if (len != CPAN_KEY_HEX_LEN)
		return CPAN_HEX_BAD_LENGTH;
	for (i = 0; i < len; i++)
	{
		if (hex_digit_value(hex[i]) < 0)
		{
			*where = i;
			return CPAN_HEX_BAD_DIGIT;
		}
	}
	for (i = 0; i < CPAN_KEY_LEN; i++)
		key[i] = (uint8_t) (hex_digit_value(hex[2 * i]) << 4 | hex_digit_value(hex[2 * i + 1]));
	return CPAN_HEX_OK;
}

static void
to_hex(const uint8_t *bytes, size_t n, char *hex)
{
	static const char digits[] = "0123456789abcdef";
	size_t		i;

	for (i = 0; i < n; i++)
	{
		hex[2 * i] = digits[bytes[i] >> 4];
		hex[2 * i + 1] = digits[bytes[i] & 0x0F];
	}
	hex[2 * n] = '\0';
}

/* cpan_key_to_hex: the inverse of cpan_key_from_hex, in lowercase. */
void
cpan_key_to_hex(const uint8_t key[CPAN_KEY_LEN], char hex[CPAN_KEY_HEX_LEN + 1])
{
	to_hex(key, CPAN_KEY_LEN, hex);
}

/*
 * cpan_key_fingerprint: 64 bits of SHA-256 are plenty to tell keys apart
 * and reveal nothing usable about a random key.
 */
bool
cpan_key_fingerprint(const uint8_t key[CPAN_KEY_LEN], char fp[CPAN_FINGERPRINT_LEN + 1])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;

	if (EVP_Digest(key, CPAN_KEY_LEN, md, &mdlen, EVP_sha256(), NULL) != 1
		|| mdlen < CPAN_FINGERPRINT_LEN / 2)
		return false;
	to_hex(md, CPAN_FINGERPRINT_LEN / 2, fp);
	return true;
}

/* cpan_key_generate: 32 bytes from libcrypto's CSPRNG. */
bool
cpan_key_generate(uint8_t key[CPAN_KEY_LEN])
{
	return RAND_bytes(key, CPAN_KEY_LEN) == 1;
}
