/*
 * lookup.h
 *		What the lookups written in C share: their time fences
 *		(lookup_fences.c) and their keyset cursors (lookup_cursor.c).
 */
#ifndef PDNS_LOOKUP_H
#define PDNS_LOOKUP_H

#include "pdns.h"

#include <ctype.h>

#include "datatype/timestamp.h"

/* Narrow *start..*end to the text without the blanks around it. */
static inline void
lookup_trim(const char **start, const char **end)
{
	while (*start < *end && isspace((unsigned char) **start))
		(*start)++;
	while (*end > *start && isspace((unsigned char) (*end)[-1]))
		(*end)--;
}

/* DNSDB's four fences, in the order of the lookups' arguments. */
enum
{
	FENCE_FIRST_BEFORE, FENCE_FIRST_AFTER, FENCE_LAST_BEFORE, FENCE_LAST_AFTER, N_FENCES
};

typedef struct lookup_fences
{
	TimestampTz at[N_FENCES];
	bool		present[N_FENCES];	/* false: no such fence */
} lookup_fences;

extern void lookup_window_fences(FunctionCallInfo fcinfo, int first, lookup_fences *f);
extern bool lookup_fenced(const lookup_fences *f, TimestampTz first, TimestampTz last);

/* A cursor of n fields; one field of a cursor ("" past its end). */
extern text *lookup_cursor_make(int n, const char *const *fields, const int *lengths);
extern text *lookup_cursor_field(text *cursor, int n);

#endif
