/*
 * dnsname_codec.h
 *		Domain names in canonical key form: the pure C core of the dnsname type.
 *
 * A name is stored as its "key": the labels from the rightmost (the TLD) to
 * the leftmost, separated by a 0x00 octet, each label ASCII-lowercased and
 * with octets 0x00 and 0x01 escaped as 0x01 0x01 and 0x01 0x02.  The root
 * name is the empty key.  memcmp() order of keys is exactly RFC 4034 §6.1
 * canonical order, and the subdomains of a name N are exactly the keys that
 * start with key(N) followed by 0x00, so a subtree is one contiguous range.
 *
 * Nothing in this file depends on PostgreSQL: it is linked by the fuzz
 * harnesses and unit tests as well as by the extension.
 */
#ifndef PDNS_DNSNAME_CODEC_H
#define PDNS_DNSNAME_CODEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define DN_MAX_WIRE		255		/* RFC 1035 limit on a name in wire form */
#define DN_MAX_LABEL	63		/* RFC 1035 limit on one label */
#define DN_MAX_LABELS	127		/* most labels a 255-octet name can hold */
#define DN_KEY_MAX		512		/* worst case: every octet escaped */
#define DN_TEXT_MAX		1024	/* worst case: every octet as \DDD, plus NUL */
#define DN_KEY_LABELS_MAX (DN_KEY_MAX / 2 + 2)	/* labels any key buffer can split into */
#define DN_SEP			0x00	/* label separator inside a key */
#define DN_ESC			0x01	/* escape introducer inside a key */

typedef enum dn_status
{
	DN_OK = 0,
	DN_EMPTY_NAME,				/* the input text was empty */
	DN_EMPTY_LABEL,				/* label n was empty */
	DN_LABEL_TOO_LONG,			/* label n has length octets */
	DN_NAME_TOO_LONG,			/* the wire form has length octets */
	DN_BAD_ESCAPE,				/* malformed backslash escape at offset */
	DN_BAD_IDN,					/* label n is not a valid internationalized label */
	DN_BAD_WIRE					/* malformed wire form at offset */
} dn_status;

/* What went wrong, precisely enough for an errdetail. */
typedef struct dn_error
{
	dn_status	status;
	int			label;			/* 1-based label number, counted from the left */
	int			offset;			/* 0-based byte offset into the input */
	int			length;			/* the offending length, where one applies */
	const char *reason;			/* static text (libidn2's message), or NULL */
} dn_error;

/* A parsed name: its key and its length. */
typedef struct dn_key
{
	uint8_t		bytes[DN_KEY_MAX];
	size_t		len;
} dn_key;

/*
 * Presentation format to key.  Accepts \DDD and \X escapes, an optional
 * trailing dot, "." for the root; folds ASCII case; converts labels holding
 * literal non-ASCII octets from UTF-8 U-labels to A-labels (UTS #46,
 * non-transitional).  Returns false and fills *err on bad input.
 */
extern bool dn_from_text(const char *text, size_t len, dn_key *out, dn_error *err);

/*
 * The same without the fast path for plain ASCII names that dn_from_text
 * tries first; the fuzz harness checks that both agree.
 */
extern bool dn_from_text_general(const char *text, size_t len, dn_key *out, dn_error *err);

/*
 * Uncompressed wire form to key.  Reads one name starting at wire[0]; sets
 * *consumed to its length.  Case is folded.  Returns false on a malformed
 * name (compression pointers are malformed here).
 */
extern bool dn_from_wire(const uint8_t *wire, size_t len, size_t *consumed,
						 dn_key *out, dn_error *err);

/* A sentence describing an error, for people (errdetail, rejects). */
extern void dn_error_describe(const dn_error *err, char *buf, size_t bufsize);

/*
 * Key to presentation format (no trailing dot; the root is ".").  out needs
 * 4 * keylen + 2 octets (DN_TEXT_MAX for any valid key).  Returns length.
 */
extern size_t dn_to_text(const uint8_t *key, size_t keylen, char *out);

/* Key to uncompressed wire form; out needs DN_MAX_WIRE octets.  Returns length. */
extern size_t dn_to_wire(const uint8_t *key, size_t keylen, uint8_t *out);

/* Key to text with labels in key order, TLD first: "com.example.www". */
extern size_t dn_to_reversed_text(const uint8_t *key, size_t keylen, char *out);

/*
 * Key with its labels in the other order (leftmost first), same encoding:
 * the order in which "www.example.*" (a right wildcard) is a prefix range.
 * out needs keylen octets.  Returns length (equal to keylen).
 */
extern size_t dn_key_to_forward(const uint8_t *key, size_t keylen, uint8_t *out);

/* One label (key-encoded octets) to presentation text; returns length. */
extern size_t dn_label_to_text(const uint8_t *label, size_t len, char *out);

/* Decode a key-encoded label to raw octets; returns length. */
extern size_t dn_label_decode(const uint8_t *label, size_t len, uint8_t *out);

/*
 * Label boundaries of a key, in key order (TLD first).  starts[i]/ends[i]
 * delimit label i; the arrays need DN_KEY_LABELS_MAX entries.  Returns the
 * number of labels (0 for the root).  Keys of more than DN_KEY_MAX octets
 * are not keys: the caller must not pass them.
 */
extern int	dn_key_labels(const uint8_t *key, size_t keylen,
						  uint16_t *starts, uint16_t *ends);

/* Number of labels in a key (0 for the root). */
extern int	dn_key_label_count(const uint8_t *key, size_t keylen);

/* Is `name` equal to or below `zone`?  (strict: below only) */
static inline bool
dn_key_within(const uint8_t *name, size_t namelen,
			  const uint8_t *zone, size_t zonelen, bool strict)
{
	if (zonelen == 0)
		return !strict || namelen > 0;
	if (namelen < zonelen || memcmp(name, zone, zonelen) != 0)
		return false;
	if (namelen == zonelen)
		return !strict;
	return name[zonelen] == DN_SEP;
}

/* memcmp-style comparison of two keys: RFC 4034 canonical order. */
static inline int
dn_key_cmp(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
	int			c = memcmp(a, b, alen < blen ? alen : blen);

	if (c != 0)
		return c;
	return alen < blen ? -1 : (alen > blen ? 1 : 0);
}

#endif							/* PDNS_DNSNAME_CODEC_H */
