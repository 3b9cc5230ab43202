/*
 * cryptopan.h
 *		Keyed, prefix-preserving pseudonymization of IP addresses: Crypto-PAn
 *		(Xu, Fan, Ammar, Moon, "Prefix-preserving IP address anonymization",
 *		ICNP 2002) with AES-128 from OpenSSL's libcrypto.  Pure C core.
 *
 * Output bit i is input bit i XOR the first bit of AES_K(p_i), where p_i is
 * the input's first i bits followed by bits i..127 of the encrypted pad.  So
 * two addresses sharing exactly their first n bits map to two addresses
 * sharing exactly their first n bits, and the map is a bijection of each
 * address family.  IPv4 addresses are the first 32 positions of the same
 * 128-bit construction (as in the reference implementation); IPv6 runs all
 * 128 (the usual extension, e.g. yacryptopan's).
 *
 * The 32-byte key: bytes 0..15 are the AES key, bytes 16..31 the pad, which
 * is encrypted once under the AES key before use (as the reference does).
 */
#ifndef PDNS_CRYPTOPAN_H
#define PDNS_CRYPTOPAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CPAN_KEY_LEN		32	/* raw key bytes */
#define CPAN_KEY_HEX_LEN	64	/* the key as hexadecimal digits */
#define CPAN_FINGERPRINT_LEN 16 /* hex digits of a key fingerprint */

/* An expanded key: the cipher context and the encrypted pad.  Opaque. */
typedef struct cpan_key cpan_key;

/*
 * Expand a raw key.  Returns NULL when libcrypto fails (out of memory);
 * release with cpan_free().
 */
extern cpan_key *cpan_new(const uint8_t key[CPAN_KEY_LEN]);

/* Release an expanded key, wiping its secrets.  NULL is allowed. */
extern void cpan_free(cpan_key *k);

/*
 * Pseudonymize an address of width bits (32 or 128), given as width/8
 * bytes in network order.  Only the first nbits bits (0..width) are
 * transformed; later bits are copied, so a network address with nbits equal
 * to its prefix length maps to the pseudonymized network, and in and out
 * may be the same buffer.  Returns false only when libcrypto fails.
 */
extern bool cpan_pseudonymize(const cpan_key *k, int width, int nbits,
							  const uint8_t *in, uint8_t *out);

/* Shorthands for whole IPv4 (host order) and IPv6 addresses. */
extern bool cpan_pseudonymize_ipv4(const cpan_key *k, uint32_t in, uint32_t *out);
extern bool cpan_pseudonymize_ipv6(const cpan_key *k, const uint8_t in[16], uint8_t out[16]);

/* Outcome of cpan_key_from_hex. */
typedef enum cpan_hex_status
{
	CPAN_HEX_OK,
	CPAN_HEX_BAD_LENGTH,		/* not exactly CPAN_KEY_HEX_LEN characters */
	CPAN_HEX_BAD_DIGIT			/* a character that is not a hex digit */
} cpan_hex_status;

/*
 * Parse a key written as 64 hexadecimal digits (either case, nothing else).
 * On CPAN_HEX_BAD_DIGIT, *where is the offending offset.
 */
extern cpan_hex_status cpan_key_from_hex(const char *hex, size_t len,
										 uint8_t key[CPAN_KEY_LEN], size_t *where);

/* Write a key as 64 lowercase hex digits and a NUL. */
extern void cpan_key_to_hex(const uint8_t key[CPAN_KEY_LEN], char hex[CPAN_KEY_HEX_LEN + 1]);

/*
 * The key's fingerprint: the first 8 bytes of SHA-256 over the 32 raw key
 * bytes, as 16 lowercase hex digits and a NUL.  Safe to publish; equal
 * fingerprints mean equal keys.  Returns false only when libcrypto fails.
 */
extern bool cpan_key_fingerprint(const uint8_t key[CPAN_KEY_LEN],
								 char fp[CPAN_FINGERPRINT_LEN + 1]);

/* A fresh random key from libcrypto's CSPRNG; false if it has no entropy. */
extern bool cpan_key_generate(uint8_t key[CPAN_KEY_LEN]);

#endif							/* PDNS_CRYPTOPAN_H */
