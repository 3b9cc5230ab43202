/*
 * unit.h
 *		A minimal assertion kit for the pure C core's unit tests: each CHECK
 *		counts, failures print where and what, and UNIT_DONE() prints
 *		"N passed, M failed" and sets the exit status.
 */
#ifndef PDNS_UNIT_H
#define PDNS_UNIT_H

#include <stdio.h>
#include <string.h>

static int	unit_passed = 0;
static int	unit_failed = 0;

#define CHECK(cond) \
	do { \
		if (cond) \
			unit_passed++; \
		else \
		{ \
			unit_failed++; \
			fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
		} \
	} while (0)

#define CHECK_STR(got, want) \
	do { \
		const char *g_ = (got), *w_ = (want); \
		if (strcmp(g_, w_) == 0) \
			unit_passed++; \
		else \
		{ \
			unit_failed++; \
			fprintf(stderr, "%s:%d: got \"%s\", want \"%s\"\n", __FILE__, __LINE__, g_, w_); \
		} \
	} while (0)

/* Octets as lowercase hex, in a static buffer (at most 2048 octets shown). */
static inline const char *
unit_hex(const unsigned char *p, size_t n)
{
	static char out[2 * 2048 + 1];

	if (n > 2048)
		n = 2048;
	for (size_t i = 0; i < n; i++)
		snprintf(out + 2 * i, 3, "%02x", p[i]);
	out[2 * n] = '\0';
	return out;
}

#define UNIT_DONE(name) \
	do { \
		printf("unit %s: %d passed, %d failed\n", name, unit_passed, unit_failed); \
		return unit_failed == 0 ? 0 : 1; \
	} while (0)

#endif							/* PDNS_UNIT_H */
