/*
 * rrset_funcs.c
 *		What an rrset holds: its type, its element count, its rdata as text,
 *		the addresses of A/AAAA sets, the names inside the rdata, and whether
 *		it holds a given rdata.
 */
#include "pdns.h"

#include <sys/socket.h>

#include "catalog/pg_type.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/inet.h"
#include "utils/lsyscache.h"

PG_FUNCTION_INFO_V1(rrset_rrtype);
PG_FUNCTION_INFO_V1(rrset_rdata_count);
PG_FUNCTION_INFO_V1(rrset_rdata);
PG_FUNCTION_INFO_V1(rrset_addresses);
PG_FUNCTION_INFO_V1(rrset_names);
PG_FUNCTION_INFO_V1(rrset_contains_rdata);

Datum
rrset_rrtype(PG_FUNCTION_ARGS)
{
	struct varlena *v = PG_GETARG_RRSET_PP(0);

	PG_RETURN_RRTYPE(rrset_payload_type(RRSET_DATA(v)));
}

Datum
rrset_rdata_count(PG_FUNCTION_ARGS)
{
	struct varlena *v = PG_GETARG_RRSET_PP(0);

	PG_RETURN_INT32((int32) rrset_payload_count(RRSET_DATA(v)));
}

/* rdata(rrset): each element in presentation format, in canonical order. */
Datum
rrset_rdata(PG_FUNCTION_ARGS)
{
	struct varlena *v = PG_GETARG_RRSET_PP(0);
	rrset_reader r;
	rrset_elem	e;
	Datum	   *items;
	int			i = 0;

	RRSET_READER(&r, v);
	items = palloc(sizeof(Datum) * r.count);
	while (rrset_reader_next(&r, &e))
	{
		size_t		tlen;
		char	   *t = rrset_element_text(r.type, e.data, e.len, &tlen);

		items[i++] = PointerGetDatum(cstring_to_text_with_len(t, (int) tlen));
		pfree(t);
	}
	PG_RETURN_ARRAYTYPE_P(construct_array(items, i, TEXTOID, -1, false, TYPALIGN_INT));
}

/* An inet datum of a host address (family: PGSQL_AF_INET or PGSQL_AF_INET6). */
static Datum
inet_datum(int family, const uint8_t *addr, int bits)
{
	inet	   *res = palloc0(sizeof(inet));

	ip_family(res) = family;
	ip_bits(res) = bits;
	memcpy(ip_addr(res), addr, family == PGSQL_AF_INET ? 4 : 16);
	SET_INET_VARSIZE(res);
	return InetPGetDatum(res);
}

/* addresses(rrset): the addresses of an A or AAAA set; empty for others. */
Datum
rrset_addresses(PG_FUNCTION_ARGS)
{
	struct varlena *v = PG_GETARG_RRSET_PP(0);
	rrset_reader r;
	rrset_elem	e;
	Datum	   *items;
	int			n = 0;

	RRSET_READER(&r, v);
	items = palloc(sizeof(Datum) * r.count);
	if (r.type == 1 || r.type == 28)
		while (rrset_reader_next(&r, &e))
			items[n++] = r.type == 1 ? inet_datum(PGSQL_AF_INET, e.data, 32)
				: inet_datum(PGSQL_AF_INET6, e.data, 128);
	PG_RETURN_ARRAYTYPE_P(construct_array(items, n, INETOID, -1, false, TYPALIGN_INT));
}

typedef struct name_collector
{
	Datum	   *items;
	int			n;
	int			cap;
} name_collector;

static void
collect_name(const uint8_t *wire, size_t len, void *arg)
{
	name_collector *c = arg;
	dn_key		key;
	dn_error	err;
	size_t		used;

	/* the root (null MX, SVCB's "." target) names no host */
	if (len == 1)
		return;
	/* canonical rdata holds valid names only */
	if (!dn_from_wire(wire, len, &used, &key, &err))
		elog(ERROR, "invalid name inside canonical rdata");
	if (c->n == c->cap)
	{
		c->cap *= 2;
		c->items = repalloc(c->items, sizeof(Datum) * c->cap);
	}
	c->items[c->n++] = PointerGetDatum(dnsname_from_key(key.bytes, key.len));
}

/*
 * names(rrset): the names inside the rdata (NS, CNAME, DNAME, PTR targets,
 * MX/KX/AFSDB/RT/LP exchangers, SRV/SVCB/HTTPS targets, SOA mname and
 * rname, NAPTR replacements, RP, MINFO, PX, NSEC next names, RRSIG
 * signers ...), element by element, field by field; the root name (a
 * null MX, SVCB's "the owner" target) is left out.
 */
Datum
rrset_names(PG_FUNCTION_ARGS)
{
	struct varlena *v = PG_GETARG_RRSET_PP(0);
	rrset_reader r;
	Oid			elemtype = get_element_type(get_fn_expr_rettype(fcinfo->flinfo));
	int16		typlen;
	bool		typbyval;
	char		typalign;
	name_collector c;
	rrset_elem	e;

	if (!OidIsValid(elemtype))
		elog(ERROR, "could not determine the element type of names()");
	get_typlenbyvalalign(elemtype, &typlen, &typbyval, &typalign);
	c.cap = 8;
	c.n = 0;
	c.items = palloc(sizeof(Datum) * c.cap);
	RRSET_READER(&r, v);
	while (rrset_reader_next(&r, &e))
		rdata_names(r.type, e.data, e.len, collect_name, &c);
	PG_RETURN_ARRAYTYPE_P(construct_array(c.items, c.n, elemtype, typlen, typbyval, typalign));
}

/* contains_rdata(rrset, text): parse as rdata of the set's type, compare canonically. */
Datum
rrset_contains_rdata(PG_FUNCTION_ARGS)
{
	struct varlena *v = PG_GETARG_RRSET_PP(0);
	text	   *t = PG_GETARG_TEXT_PP(1);
	uint16_t	type = rrset_payload_type(RRSET_DATA(v));
	rrset_builder b;
	bool		found;

	rrset_builder_init(&b, type, NULL, &pdns_palloc);
	if (!rrset_builder_add_text(&b, VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t)))
		rrset_report(&b, ERRCODE_INVALID_TEXT_REPRESENTATION, text_to_cstring(t));
	found = rrset_payload_contains(RRSET_DATA(v), RRSET_LEN(v),
								   b.arena, b.lengths[0]);
	rrset_builder_free(&b);
	PG_RETURN_BOOL(found);
}
