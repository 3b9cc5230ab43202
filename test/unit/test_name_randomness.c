/*
 * test_name_randomness.c
 *		Unit tests of the label randomness score: the measures beside the
 *		score, its bounds over every octet, folding of case, and the model
 *		read the way tools/gen-name-model.pl wrote it.
 */
#include "name_randomness.h"
#include "unit.h"

#include <math.h>
#include <string.h>

static label_randomness
measure(const char *label)
{
	label_randomness r;

	label_randomness_measure((const uint8_t *) label, strlen(label), &r);
	return r;
}

static int
near(double a, double b)
{
	return fabs(a - b) < 1e-9;
}

static void
test_measures(void)
{
	label_randomness r = measure("");

	CHECK(r.length == 0 && r.score == 0 && r.surprise == 0);
	r = measure("aaaa");
	CHECK(r.length == 4 && near(r.entropy, 0) && near(r.digit_share, 0) && r.consonant_run == 0);
	r = measure("ab12");
	CHECK(near(r.entropy, 2) && near(r.digit_share, 0.5) && r.consonant_run == 1);
	r = measure("strengths");
	CHECK(r.consonant_run == 5);	/* "ngths" */
	r = measure("rhythm");
	CHECK(r.consonant_run == 3);	/* y is a vowel: "rh", then "thm" */
}

static void
test_surprise(void)
{
	/* a label's surprise is the mean of its transitions' bits, edges included */
	label_randomness r = measure("ab");
	double		want = ((double) name_bigram_bits[38][0] + name_bigram_bits[0][1] + name_bigram_bits[1][38]) / 3;

	CHECK(near(r.surprise, want));
	CHECK(near(r.score, 1 / (1 + exp(NAME_Z_MIDPOINT - (want - NAME_SURPRISE_MEAN) * sqrt(3.0)))));
	/* case folds; every octet outside a-z, 0-9 and '-' is the same symbol */
	CHECK(near(measure("ExAmPle").surprise, measure("example").surprise));
	CHECK(near(measure("a_b").surprise, measure("a b").surprise));
	/* words score low, random-looking labels high */
	CHECK(measure("google").score < 0.2);
	CHECK(measure("weather").score < 0.2);
	CHECK(measure("kq3jx9z7pw").score > 0.9);
	CHECK(measure("brbgpwqlxhcr").score > 0.5);
}

static void
test_bounds(void)
{
	uint8_t		label[63];
	int			bad = 0;

	/* every octet, as the whole label and repeated to the longest label */
	for (int c = 0; c < 256; c++)
		for (size_t len = 1; len <= sizeof(label); len += 62)
		{
			label_randomness r;

			memset(label, c, len);
			label_randomness_measure(label, len, &r);
			if (!(r.score >= 0 && r.score <= 1) || !(r.surprise > 0) || r.length != (int) len)
				bad++;
		}
	CHECK(bad == 0);
	/* every table entry is a probability's bits */
	bad = 0;
	for (int i = 0; i < NAME_SYMBOLS; i++)
	{
		double		total = 0;

		for (int j = 0; j < NAME_SYMBOLS; j++)
			total += exp2(-name_bigram_bits[i][j]);
		if (fabs(total - 1) > 1e-3)
			bad++;
	}
	CHECK(bad == 0);
}

int
main(void)
{
	test_measures();
	test_surprise();
	test_bounds();
	UNIT_DONE("name_randomness");
}
