/*
 * dns_codes.h
 *		DNS classes and response codes: mnemonics to numbers and back
 *		(IANA "DNS CLASSes" and "DNS RCODEs" registries).  Pure C core.
 */
#ifndef PDNS_DNS_CODES_H
#define PDNS_DNS_CODES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DNS_CODE_TEXT_MAX 16

/* "IN", "in", "CH", "HS", "NONE", "ANY", "CLASS3", "1" -> 16-bit class. */
extern bool dns_class_from_text(const char *s, size_t len, uint16_t *out);
extern size_t dns_class_to_text(uint16_t class, char *out);

/*
 * "NOERROR", "nxdomain", "RCODE3", "3", up to the 12-bit extended range
 * (0..4095) EDNS allows.
 */
extern bool dns_rcode_from_text(const char *s, size_t len, uint16_t *out);
extern size_t dns_rcode_to_text(uint16_t rcode, char *out);

/* A non-negative decimal integer up to max; no sign, no blanks. */
extern bool parse_uint(const char *s, size_t len, uint64_t max, uint64_t *out);

#endif							/* PDNS_DNS_CODES_H */
