/*
 * pdns.h
 *		Shared declarations of the PostgreSQL glue: argument and return macros
 *		for the extension's types, and the few helpers several files use.
 */
#ifndef PDNS_PG_H
#define PDNS_PG_H

#include "postgres.h"
#include "fmgr.h"

#include "dnsname_codec.h"

/* dnsname: a varlena holding the canonical key (see dnsname_codec.h) */
#define DNSNAME_KEY(v)				((const uint8_t *) VARDATA_ANY(v))
#define DNSNAME_KEYLEN(v)			((size_t) VARSIZE_ANY_EXHDR(v))
#define PG_GETARG_DNSNAME_PP(n)		((struct varlena *) PG_DETOAST_DATUM_PACKED(PG_GETARG_DATUM(n)))
#define DatumGetDnsnamePP(d)		((struct varlena *) PG_DETOAST_DATUM_PACKED(d))

/* rrtype: a 16-bit unsigned value passed by value */
#define PG_GETARG_RRTYPE(n)			((uint16) DatumGetUInt16(PG_GETARG_DATUM(n)))
#define PG_RETURN_RRTYPE(x)			return UInt16GetDatum(x)

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

/* Settings, defined at load time by module.c. */
extern void public_suffix_define_settings(void);
extern void mmdb_define_settings(void);

#endif							/* PDNS_PG_H */
