/*
 * digest.h
 *		128-bit content digests (SHA-256, truncated) of a sequence of byte
 *		strings, used as the identity of a stored RRset.  Pure C core.
 *
 * Each part is hashed with its length in front, so ("ab","c") and ("a","bc")
 * differ.  128 bits of SHA-256 make an accidental collision among 10^12
 * RRsets a 1-in-10^14 event and a deliberate one infeasible.
 */
#ifndef PDNS_DIGEST_H
#define PDNS_DIGEST_H

#include <stddef.h>
#include <stdint.h>

#define DIGEST_LEN 16

typedef struct digest_part
{
	const void *data;
	size_t		len;
} digest_part;

/* Returns 0 on success, -1 if libcrypto failed (out of memory). */
extern int	digest128(const digest_part *parts, int nparts, uint8_t out[DIGEST_LEN]);

#endif							/* PDNS_DIGEST_H */
