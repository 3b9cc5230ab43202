/*
 * name_randomness.c
 *		How random a DNS label looks (name_randomness.h).  Pure C core.
 */
#include "name_randomness.h"

#include <math.h>

#define EDGE (NAME_SYMBOLS - 1)

static int
symbol_of(uint8_t c)
{
	if (c >= 'A' && c <= 'Z')
		c = (uint8_t) (c - 'A' + 'a');
	if (c >= 'a' && c <= 'z')
		return c - 'a';
	if (c >= '0' && c <= '9')
		return 26 + (c - '0');
	if (c == '-')
		return 36;
	return 37;
}

static int
is_consonant(int symbol)
{
	/* a e i o u y are vowels; digits and the rest break a run */
	static const char vowels[] = "aeiouy";

	if (symbol >= 26)
		return 0;
	for (const char *v = vowels; *v; v++)
		if (symbol == *v - 'a')
			return 0;
	return 1;
}

void
label_randomness_measure(const uint8_t *label, size_t len, label_randomness *out)
{
	unsigned	octets[256] = {0};
	double		bits = 0;
	int			prev = EDGE;
	int			run = 0;
	size_t		digits = 0;

	*out = (label_randomness) {0};
	out->length = (int) len;
	if (len == 0)
		return;
	for (size_t i = 0; i < len; i++)
	{
		int			s = symbol_of(label[i]);

		bits += name_bigram_bits[prev][s];
		prev = s;
		octets[s < 26 ? 'a' + s : label[i]]++;
		digits += (s >= 26 && s < 36);
		run = is_consonant(s) ? run + 1 : 0;
		if (run > out->consonant_run)
			out->consonant_run = run;
	}
	bits += name_bigram_bits[prev][EDGE];

	for (int c = 0; c < 256; c++)
		if (octets[c] > 0)
		{
			double		p = (double) octets[c] / (double) len;

			out->entropy -= p * log2(p);
		}
	out->digit_share = (double) digits / (double) len;
	out->surprise = bits / (double) (len + 1);
	{
		double		z = (out->surprise - NAME_SURPRISE_MEAN) * sqrt((double) (len + 1));

		out->score = 1.0 / (1.0 + exp(NAME_Z_MIDPOINT - z));
	}
}
