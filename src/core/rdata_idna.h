/*
 * rdata_idna.h
 *		Names written as U-labels inside the rdata text of a type that holds
 *		names ("CNAME www.bücher.de."): to A-labels before ldns reads the
 *		text, as dnsname converts owner names, so that a name is stored once
 *		whichever form a sensor logged.  Pure C core.
 */
#ifndef PDNS_RDATA_IDNA_H
#define PDNS_RDATA_IDNA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * If the rdata text of `type` holds names written with non-ASCII octets
 * outside quoted strings, *out gets a malloc'd copy with those names as
 * A-labels (length *outlen) and true is returned; *out is NULL when the
 * text needs no change.  False, with *reason, when such a name is not a
 * valid internationalized name (the caller rejects the rdata).
 */
extern bool rdata_text_alabels(uint16_t type, const char *text, size_t len,
							   char **out, size_t *outlen, const char **reason);

#endif							/* PDNS_RDATA_IDNA_H */
