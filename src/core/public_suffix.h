/*
 * public_suffix.h
 *		Public suffix and registered domain of a name key, through libpsl.
 *		Pure C core.
 */
#ifndef PDNS_PUBLIC_SUFFIX_H
#define PDNS_PUBLIC_SUFFIX_H

#include <stddef.h>
#include <stdint.h>

#include <libpsl.h>

/*
 * Load a list: a Public Suffix List file (.dat, or libpsl's DAFSA), or, for
 * NULL or "", libpsl's newest (Debian's publicsuffix package, else the list
 * built into libpsl).  Returns NULL when the file cannot be loaded.
 */
extern psl_ctx_t *ps_load(const char *path);

/*
 * How many labels of the name (counted from the TLD) form its public
 * suffix: 0 for the root, else at least 1 (the default rule "*").
 *
 * Labels that cannot occur in the list (octets outside printable ASCII, or a
 * literal dot) end the search: the suffix never extends past them.
 */
extern int	ps_suffix_labels(const psl_ctx_t *psl, const uint8_t *key, size_t keylen);

#endif							/* PDNS_PUBLIC_SUFFIX_H */
