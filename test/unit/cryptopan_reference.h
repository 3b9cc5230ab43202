/*
 * cryptopan_reference.h
 *		The Crypto-PAn algorithm written out the slow, obvious way, for tests,
 *		the fuzz harness and the benchmark to compare src/core/cryptopan.c
 *		against: block i is assembled bit by bit (input bits before i, pad
 *		bits from i on) and encrypted with its own EVP call, as the reference
 *		implementation does with one Rijndael call per bit.
 */
#ifndef PDNS_CRYPTOPAN_REFERENCE_H
#define PDNS_CRYPTOPAN_REFERENCE_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <openssl/evp.h>

typedef struct ref_cpan
{
	EVP_CIPHER_CTX *ctx;
	uint8_t		pad[16];
} ref_cpan;

static inline int
ref_bit(const uint8_t *bytes, int i)
{
	return (bytes[i / 8] >> (7 - i % 8)) & 1;
}

static inline void
ref_set_bit(uint8_t *bytes, int i, int v)
{
	if (v)
		bytes[i / 8] |= (uint8_t) (0x80 >> (i % 8));
	else
		bytes[i / 8] &= (uint8_t) ~(0x80 >> (i % 8));
}

/* Length of the common prefix of two width-bit addresses. */
static inline int
ref_common_prefix(const uint8_t *a, const uint8_t *b, int width)
{
	int			i;

	for (i = 0; i < width; i++)
		if (ref_bit(a, i) != ref_bit(b, i))
			return i;
	return width;
}

/* ref_init: the AES key is key[0..15]; the pad is key[16..31] encrypted. */
static inline bool
ref_init(ref_cpan *r, const uint8_t key[32])
{
	int			outl = 0;

	r->ctx = EVP_CIPHER_CTX_new();
	return r->ctx != NULL
		&& EVP_EncryptInit_ex(r->ctx, EVP_aes_128_ecb(), NULL, key, NULL) == 1
		&& EVP_CIPHER_CTX_set_padding(r->ctx, 0) == 1
		&& EVP_EncryptUpdate(r->ctx, r->pad, &outl, key + 16, 16) == 1
		&& outl == 16;
}

static inline void
ref_free(ref_cpan *r)
{
	EVP_CIPHER_CTX_free(r->ctx);
}

/* ref_pseudonymize: width (32 or 128) bits of in, one AES call per bit. */
static inline bool
ref_pseudonymize(const ref_cpan *r, int width, const uint8_t *in, uint8_t *out)
{
	uint8_t		result[16];
	int			pos,
				j;

	memcpy(result, in, width / 8);
	for (pos = 0; pos < width; pos++)
	{
		uint8_t		block[16] = {0};
		uint8_t		cipher[16];
		int			outl = 0;

		for (j = 0; j < 128; j++)
			ref_set_bit(block, j, j < pos ? ref_bit(in, j) : ref_bit(r->pad, j));
		if (EVP_EncryptUpdate(r->ctx, cipher, &outl, block, 16) != 1 || outl != 16)
			return false;
		ref_set_bit(result, pos, ref_bit(in, pos) ^ (cipher[0] >> 7));
	}
	memcpy(out, result, width / 8);
	return true;
}

#endif							/* PDNS_CRYPTOPAN_REFERENCE_H */
