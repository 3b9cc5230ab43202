/*
 * pdns.h
 *		Shared declarations of the PostgreSQL glue: argument and return macros
 *		for the extension's types, and the few helpers several files use.
 */
#ifndef PDNS_PG_H
#define PDNS_PG_H

#include "postgres.h"

#include <sys/socket.h>			/* AF_INET, which utils/inet.h uses */

#include "fmgr.h"
#include "utils/inet.h"

#include "dnsname_codec.h"
#include "rrset_codec.h"

/* dnsname: a varlena holding the canonical key (see dnsname_codec.h) */
#define DNSNAME_KEY(v)				((const uint8_t *) VARDATA_ANY(v))
#define DNSNAME_KEYLEN(v)			((size_t) VARSIZE_ANY_EXHDR(v))
#define PG_GETARG_DNSNAME_PP(n)		((struct varlena *) PG_DETOAST_DATUM_PACKED(PG_GETARG_DATUM(n)))
#define DatumGetDnsnamePP(d)		((struct varlena *) PG_DETOAST_DATUM_PACKED(d))

/* rrtype: a 16-bit unsigned value passed by value */
#define PG_GETARG_RRTYPE(n)			((uint16) DatumGetUInt16(PG_GETARG_DATUM(n)))
#define PG_RETURN_RRTYPE(x)			return UInt16GetDatum(x)

/* rrset: a varlena holding the canonical payload (see rrset_codec.h) */
#define RRSET_DATA(v)				((const uint8_t *) VARDATA_ANY(v))
#define RRSET_LEN(v)				((size_t) VARSIZE_ANY_EXHDR(v))
#define PG_GETARG_RRSET_PP(n)		((struct varlena *) PG_DETOAST_DATUM_PACKED(PG_GETARG_DATUM(n)))
#define DatumGetRrsetPP(d)			((struct varlena *) PG_DETOAST_DATUM_PACKED(d))

/* A reader over an rrset datum (detoasted by the caller). */
#define RRSET_READER(r, v)			rrset_reader_init((r), RRSET_DATA(v), RRSET_LEN(v))

/*
 * Order of two varlenas by their bytes, then their lengths: the order of
 * dnsname keys and of rrset payloads alike.  Frees detoasted copies.
 */
static inline int
pdns_bytes_compare_datums(Datum a, Datum b)
{
	struct varlena *x = (struct varlena *) PG_DETOAST_DATUM_PACKED(a);
	struct varlena *y = (struct varlena *) PG_DETOAST_DATUM_PACKED(b);
	size_t		xl = VARSIZE_ANY_EXHDR(x),
				yl = VARSIZE_ANY_EXHDR(y);
	int			c = memcmp(VARDATA_ANY(x), VARDATA_ANY(y), Min(xl, yl));

	if (c == 0)
		c = xl < yl ? -1 : (xl > yl ? 1 : 0);
	if ((Pointer) x != DatumGetPointer(a))
		pfree(x);
	if ((Pointer) y != DatumGetPointer(b))
		pfree(y);
	return c;
}

/* The core's allocator hooks on palloc, in the current memory context. */
extern const pdns_allocator pdns_palloc;

/* Finish a builder into an rrset datum, or raise its error with sqlstate. */
extern struct varlena *rrset_finish(rrset_builder *b, int sqlstate, const char *input);

/* Raise an rrset builder's error with the given SQLSTATE. */
extern void rrset_report(const rrset_builder *b, int sqlstate, const char *input) pg_attribute_noreturn();

/* Presentation text of one canonical rdata, palloc'd, NUL-terminated. */
extern char *rrset_element_text(uint16_t type, const uint8_t *rdata, size_t len,
								size_t *textlen);

/* Parse text as an rrtype, raising the type's input errors. */
extern uint16 rrtype_parse(const char *text, size_t len);

/* Build a dnsname datum from a key. */
extern struct varlena *dnsname_from_key(const uint8_t *key, size_t keylen);

/* Parse text as a dnsname, raising the type's input errors. */
extern struct varlena *dnsname_parse(const char *text, size_t len);

/* Report a dn_error as an ERROR with the given SQLSTATE. */
extern void dnsname_report(const dn_error *err, int sqlstate, const char *what,
						   const char *input) pg_attribute_noreturn();

/* Text of a key, palloc'd. */
extern char *dnsname_key_to_cstring(const uint8_t *key, size_t keylen);

/*
 * Call the internal function pdns.<name>(args) through fmgr (internal_call.c):
 * no EXECUTE grant is needed, SECURITY DEFINER and SET clauses apply.
 */
extern Datum pdns_call_internal(const char *name, int nargs, const Oid *argtypes,
								const Datum *args, bool *isnull);
/* Does the installed version's SQL have it?  (The library serves them all.) */
extern bool pdns_internal_exists(const char *name, int nargs, const Oid *argtypes);

/* A character of an IPv4 or IPv6 address's text (hex digits, ':' and '.'). */
static inline bool
pdns_address_char(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') ||
		c == ':' || c == '.';
}

/* Settings, defined at load time by module.c. */
extern void public_suffix_define_settings(void);
/* The Public Suffix List of this session (public_suffix.c). */
struct psl_ctx_st;
extern const struct psl_ctx_st *public_suffix_list(void);
extern size_t registered_domain_keylen(const uint8_t *key, size_t len);

/* The slot (0 to 1023) of a name in a pdns_cluster; -1 if not a name. */
extern int	cluster_slot_of(const char *name, size_t len);
extern void pseudonymize_define_settings(void);
extern void signals_define_settings(void);
extern void cluster_define_settings(void);

/*
 * Client address pseudonymization (pseudonymize.c), for the ingestion path
 * to call per row without fmgr overhead.  pdns_pseudonymize_inet writes the
 * keyed, prefix-preserving pseudonym of in (same family and prefix length;
 * a network maps to the pseudonymized network) into out, which must have
 * room for an inet and may be in itself.  Without a key it raises ERROR
 * 22023, so a clear address is never stored by mistake;
 * pdns_pseudonymization_key_is_set lets a caller check once per batch.
 */
extern bool pdns_pseudonymization_key_is_set(void);
extern void pdns_pseudonymize_inet(const inet *in, inet *out);
extern void mmdb_define_settings(void);

#endif							/* PDNS_PG_H */
