/*
 * idna.h
 *		The IDNA conversions dnsname needs, through libidn2.  Pure C core.
 */
#ifndef PDNS_IDNA_H
#define PDNS_IDNA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * One label of UTF-8 text to ASCII by UTS #46 non-transitional processing
 * (lower-cased, A-labels where needed).  The result may hold dots: UTS #46
 * maps the ideographic and full-width full stops to '.', so one input label
 * can become several.  Returns false with a static reason on failure.
 */
extern bool idna_label_to_ascii(const uint8_t *utf8, size_t len,
								char *out, size_t outsize, size_t *outlen,
								const char **reason);

/*
 * An A-label ("xn--...") to its UTF-8 U-label.  Returns false when the label
 * is not valid Punycode or does not round-trip; the caller keeps the A-label.
 */
extern bool idna_alabel_to_unicode(const char *alabel, size_t len,
								   char *out, size_t outsize, size_t *outlen);

#endif							/* PDNS_IDNA_H */
