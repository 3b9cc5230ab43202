/*
 * fuzz_cryptopan.c
 *		libFuzzer harness for the Crypto-PAn core.
 *
 * Input: 32 key bytes, one byte choosing IPv4 or IPv6 and a prefix length,
 * then two addresses a and b (16 bytes each; IPv4 uses the first 4).
 * Shorter inputs are zero-padded.  Properties checked on every input:
 *	- determinism: the same key expanded twice gives the same pseudonyms,
 *	  and so does the same context used again;
 *	- agreement with the bit-by-bit algorithm (test/unit/cryptopan_reference.h);
 *	- prefix preservation: a and b share exactly as many leading bits as
 *	  their pseudonyms do;
 *	- networks: pseudonymizing only the first n bits of a's network gives
 *	  the first n bits of a's pseudonym followed by zeros;
 *	- the whole input read as a hex key parses only if it is 64 hex digits,
 *	  and then prints back as the same digits in lowercase.
 */
#include "cryptopan.h"
#include "../unit/cryptopan_reference.h"

#include <ctype.h>
#include <stdlib.h>

static void
check_hex(const uint8_t *data, size_t size)
{
	uint8_t		key[CPAN_KEY_LEN];
	char		hex[CPAN_KEY_HEX_LEN + 1];
	size_t		where = 0,
				i;
	bool		all_hex = size == CPAN_KEY_HEX_LEN;

	for (i = 0; i < size && all_hex; i++)
		all_hex = isxdigit(data[i]) != 0;
	switch (cpan_key_from_hex((const char *) data, size, key, &where))
	{
		case CPAN_HEX_OK:
			if (!all_hex)
				abort();
			cpan_key_to_hex(key, hex);
			for (i = 0; i < CPAN_KEY_HEX_LEN; i++)
				if (hex[i] != tolower(data[i]))
					abort();
			break;
		case CPAN_HEX_BAD_LENGTH:
			if (size == CPAN_KEY_HEX_LEN)
				abort();
			break;
		case CPAN_HEX_BAD_DIGIT:
			if (all_hex || where >= size || isxdigit(data[where]))
				abort();
			break;
	}
}

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t		buf[CPAN_KEY_LEN + 1 + 32] = {0};
	const uint8_t *key = buf,
			   *a = buf + CPAN_KEY_LEN + 1,
			   *b = a + 16;
	int			width,
				n,
				i;
	uint8_t		pa[16],
				pb[16],
				again[16],
				net[16] = {0},
				pnet[16],
				want[16];
	cpan_key   *k,
			   *k2;
	ref_cpan	ref;

	check_hex(data, size);

	memcpy(buf, data, size < sizeof(buf) ? size : sizeof(buf));
	width = buf[CPAN_KEY_LEN] & 1 ? 128 : 32;
	n = (buf[CPAN_KEY_LEN] >> 1) % (width + 1);

	k = cpan_new(key);
	k2 = cpan_new(key);
	if (k == NULL || k2 == NULL || !ref_init(&ref, key))
		abort();

	if (!cpan_pseudonymize(k, width, width, a, pa)
		|| !cpan_pseudonymize(k, width, width, b, pb)
		|| !cpan_pseudonymize(k2, width, width, a, again)
		|| memcmp(pa, again, width / 8) != 0
		|| !cpan_pseudonymize(k, width, width, a, again)
		|| memcmp(pa, again, width / 8) != 0)
		abort();

	if (!ref_pseudonymize(&ref, width, a, want) || memcmp(pa, want, width / 8) != 0)
		abort();

	if (ref_common_prefix(a, b, width) != ref_common_prefix(pa, pb, width))
		abort();

	for (i = 0; i < n; i++)
		ref_set_bit(net, i, ref_bit(a, i));
	if (!cpan_pseudonymize(k, width, n, net, pnet))
		abort();
	if (ref_common_prefix(pnet, pa, width) < n)
		abort();
	for (i = n; i < width; i++)
		if (ref_bit(pnet, i) != 0)
			abort();

	ref_free(&ref);
	cpan_free(k);
	cpan_free(k2);
	return 0;
}
