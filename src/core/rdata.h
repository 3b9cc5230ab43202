/*
 * rdata.h
 *		One RR's rdata: presentation format <-> canonical uncompressed wire
 *		form, through ldns 1.8.3 for the types ldns knows and RFC 3597
 *		generic form ("\# len hex") for every type.  Pure C core.
 *
 * Canonical form (RFC 4034 §6.2): names inside the rdata are uncompressed,
 * and ASCII-lowercased exactly for the types RFC 4034 lists (NS, MD, MF,
 * CNAME, SOA, MB, MG, MR, PTR, HINFO, MINFO, MX, RP, AFSDB, RT, SIG, PX,
 * NXT, NAPTR, KX, SRV, DNAME, A6, RRSIG) less NSEC (RFC 6840 §5.1).  Other
 * types keep the case they were given (SVCB targets, NSEC next names ...).
 *
 * Validity: the rdata of a type ldns knows must read back in ldns' layout
 * for that type, consuming every octet; names pdns can locate (see
 * rdata_layout_of) must be well formed, uncompressed and at most 255
 * octets.  The rdata of any other type is opaque.  Every valid rdata
 * prints to text that parses back to the same octets: rdata_to_text falls
 * back to the generic form wherever ldns' text would not.
 *
 * ldns is only handed wire octets that rdata_check_wire has vetted (names
 * uncompressed, fields in bounds), and text that came from a caller.
 */
#ifndef PDNS_RDATA_H
#define PDNS_RDATA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RDATA_MAX			65535	/* octets in one rdata (RDLENGTH is 16 bits) */
#define RDATA_REASON_MAX	256

/* Why an rdata was refused: a sentence for an errdetail or a rejects row. */
typedef struct rdata_error
{
	char		reason[RDATA_REASON_MAX];
} rdata_error;

/* How pdns finds the names inside a type's rdata (see rdata.c). */
typedef struct rdata_layout
{
	uint16_t	type;
	const char *fields;			/* field codes, see rdata.c */
	bool		fold;			/* RFC 4034 §6.2 (less NSEC): lowercase names */
	bool		compressible;	/* RFC 1035/3597: names may be compressed on the wire */
} rdata_layout;

/* The layout of a type whose rdata holds names, or NULL. */
extern const rdata_layout *rdata_layout_of(uint16_t type);

/* Does ldns 1.8.3 know this type's rdata layout (else: generic form only)? */
extern bool rdata_type_known(uint16_t type);

/*
 * Presentation format to canonical wire form.  `text` need not be
 * NUL-terminated.  Relative names are made absolute with `origin` (an
 * uncompressed wire name; NULL means the root).  out must hold RDATA_MAX
 * octets.  Returns false and fills *err on bad input.
 */
extern bool rdata_from_text(uint16_t type, const char *text, size_t len,
							const uint8_t *origin, uint8_t *out, size_t *outlen,
							rdata_error *err);

/*
 * Validate wire rdata of a type (names must be uncompressed) and bring it to
 * canonical form in place (lowercase names where the type calls for it).
 * Returns false and fills *err when the octets are not valid rdata.
 */
extern bool rdata_canonicalize(uint16_t type, uint8_t *rdata, size_t len,
							   rdata_error *err);

/*
 * Canonical wire form to presentation format: ldns' text where it parses
 * back to the same octets, else RFC 3597 generic form.  Writes at most
 * outsize octets including a NUL; returns the length of the whole text (as
 * snprintf does), so a caller can retry with a bigger buffer.
 * RDATA_TEXT_GUESS(len) is enough for almost every rdata.
 */
#define RDATA_TEXT_GUESS(len)	(4 * (size_t) (len) + 64)
extern size_t rdata_to_text(uint16_t type, const uint8_t *rdata, size_t len,
							char *out, size_t outsize);

/* RFC 3597 generic form, "\# len hex"; same contract as rdata_to_text. */
extern size_t rdata_to_generic_text(const uint8_t *rdata, size_t len,
									char *out, size_t outsize);

/*
 * Call fn for each name inside a canonical rdata, in field order, with the
 * name's uncompressed wire form.  Types without names call nothing.
 * Returns the number of names.
 */
typedef void (*rdata_name_fn) (const uint8_t *wire, size_t len, void *arg);
extern int	rdata_names(uint16_t type, const uint8_t *rdata, size_t len,
						rdata_name_fn fn, void *arg);

/*
 * Wire rdata inside a DNS message to canonical form: names of the types
 * whose rdata may be compressed (rdata_layout.compressible) are followed
 * through compression pointers, which must point strictly backwards, before
 * the name that holds them.  msg/msglen is the whole message; the rdata is
 * msg[off .. off+rdlen).  Other types are copied.  The result, at most
 * outsize octets (RDATA_DECOMPRESSED_MAX(rdlen) is always enough), is then
 * validated and canonicalized as rdata_canonicalize does.
 */
extern bool rdata_from_message(uint16_t type, const uint8_t *msg, size_t msglen,
							   size_t off, size_t rdlen, uint8_t *out,
							   size_t outsize, size_t *outlen, rdata_error *err);

/*
 * Every in-place octet of a name decompresses to at most 127.5 octets (a
 * two-octet pointer to a 255-octet name), so rdata grows at most 128-fold.
 */
#define RDATA_DECOMPRESSED_MAX(rdlen) \
	((size_t) (rdlen) * 128 + 1 < RDATA_MAX ? (size_t) (rdlen) * 128 + 1 : RDATA_MAX)

/*
 * Read one possibly compressed name at msg[*pos] into uncompressed wire form
 * (out: 255 octets).  `end` bounds the octets the name may occupy in place.
 * Pointers must point strictly before the start of the name and before any
 * earlier pointer's target; at most RDATA_MAX_HOPS are followed.  Advances
 * *pos past the name as it sits in place.  Shared with dns_message.c.
 */
#define RDATA_MAX_HOPS 64
extern bool rdata_read_message_name(const uint8_t *msg, size_t msglen,
									size_t *pos, size_t end, uint8_t *out,
									size_t *outlen, rdata_error *err);

#endif							/* PDNS_RDATA_H */
