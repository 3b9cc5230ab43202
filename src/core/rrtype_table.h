/*
 * rrtype_table.h
 *		DNS RR type numbers and their mnemonics (IANA "Resource Record (RR)
 *		TYPEs" registry), and the RFC 3597 TYPEnnn form.  Pure C core.
 */
#ifndef PDNS_RRTYPE_TABLE_H
#define PDNS_RRTYPE_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RRTYPE_TEXT_MAX 16		/* "TYPE65535" and every mnemonic, plus NUL */

typedef enum rrtype_status
{
	RRTYPE_OK = 0,
	RRTYPE_EMPTY,
	RRTYPE_UNKNOWN_MNEMONIC,
	RRTYPE_OUT_OF_RANGE
} rrtype_status;

/*
 * Parse "MX", "mx", "TYPE15", "type15" or "15".  Leading and trailing
 * blanks are not allowed.
 */
extern rrtype_status rrtype_from_text(const char *text, size_t len, uint16_t *out);

/* The mnemonic, or NULL when the registry has none. */
extern const char *rrtype_mnemonic(uint16_t type);

/* The mnemonic, or "TYPEnnn"; returns the length written to out. */
extern size_t rrtype_to_text(uint16_t type, char *out);

#endif							/* PDNS_RRTYPE_TABLE_H */
