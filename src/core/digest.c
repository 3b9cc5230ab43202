/*
 * digest.c
 *		SHA-256 through OpenSSL's EVP interface, with one context reused for
 *		the life of the process (backends and tools are single-threaded).
 */
#include "digest.h"

#include <openssl/evp.h>

static EVP_MD_CTX *ctx = NULL;
static EVP_MD *sha256 = NULL;	/* fetched once: a fetch takes locks */

int
digest128(const digest_part *parts, int nparts, uint8_t out[DIGEST_LEN])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen;
	int			i;

	if (ctx == NULL && (ctx = EVP_MD_CTX_new()) == NULL)
		return -1;
	if (sha256 == NULL && (sha256 = EVP_MD_fetch(NULL, "SHA2-256", NULL)) == NULL)
		return -1;
	if (EVP_DigestInit_ex2(ctx, sha256, NULL) != 1)
		return -1;
	for (i = 0; i < nparts; i++)
	{
		uint8_t		lenbuf[4];
		size_t		len = parts[i].len;

		lenbuf[0] = (uint8_t) (len >> 24);
		lenbuf[1] = (uint8_t) (len >> 16);
		lenbuf[2] = (uint8_t) (len >> 8);
		lenbuf[3] = (uint8_t) len;
		if (EVP_DigestUpdate(ctx, lenbuf, 4) != 1 ||
			(len > 0 && EVP_DigestUpdate(ctx, parts[i].data, len) != 1))
			return -1;
	}
	if (EVP_DigestFinal_ex(ctx, md, &mdlen) != 1)
		return -1;
	for (i = 0; i < DIGEST_LEN; i++)
		out[i] = md[i];
	return 0;
}
