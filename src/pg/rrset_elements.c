/*
 * rrset_elements.c
 *		Hashes of an RRset's rdata elements, for the raw-rdata index
 *		(pdns.rdata_elements) and its lookups, and the elements' octets.
 *
 * An element's hash is hash_bytes_extended over its canonical wire octets
 * with seed 0: stable across platforms and versions of this extension, as
 * the stored index needs.  Lookups recheck the octets, so a collision only
 * costs a row read.
 */
#include "pdns.h"

#include "catalog/pg_type_d.h"
#include "common/hashfn.h"
#include "rrset_codec.h"
#include "utils/array.h"

PG_FUNCTION_INFO_V1(rrset_element_hash);
PG_FUNCTION_INFO_V1(rrset_element_hashes);
PG_FUNCTION_INFO_V1(rrset_contains_element);
PG_FUNCTION_INFO_V1(rrset_element_octets);

static inline int64
element_hash(const uint8 *data, size_t len)
{
	return (int64) hash_bytes_extended(data, (int) len, 0);
}

/* element_hash(bytea): the hash of one rdata element's wire octets. */
Datum
rrset_element_hash(PG_FUNCTION_ARGS)
{
	bytea	   *b = PG_GETARG_BYTEA_PP(0);

	PG_RETURN_INT64(element_hash((const uint8 *) VARDATA_ANY(b), VARSIZE_ANY_EXHDR(b)));
}

/* element_hashes(rrset): the hash of each element, in the set's order. */
Datum
rrset_element_hashes(PG_FUNCTION_ARGS)
{
	struct varlena *set = PG_DETOAST_DATUM_PACKED(PG_GETARG_DATUM(0));
	const uint8 *p = (const uint8 *) VARDATA_ANY(set);
	size_t		len = VARSIZE_ANY_EXHDR(set),
				off = RRSET_HEADER;
	int			n = rrset_payload_count(p),
				i = 0;
	Datum	   *hashes = palloc(n * sizeof(Datum));
	rrset_elem	e;

	while (i < n && rrset_payload_next(p, len, &off, &e))
		hashes[i++] = Int64GetDatum(element_hash(e.data, e.len));
	PG_RETURN_ARRAYTYPE_P(construct_array(hashes, i, INT8OID, 8, FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
}

/* contains_element(rrset, bytea): does the set hold these exact octets? */
Datum
rrset_contains_element(PG_FUNCTION_ARGS)
{
	struct varlena *set = PG_DETOAST_DATUM_PACKED(PG_GETARG_DATUM(0));
	bytea	   *b = PG_GETARG_BYTEA_PP(1);

	PG_RETURN_BOOL(rrset_payload_contains((const uint8 *) VARDATA_ANY(set), VARSIZE_ANY_EXHDR(set),
										  (const uint8 *) VARDATA_ANY(b), VARSIZE_ANY_EXHDR(b)));
}

/* element_octets(rrset): the wire octets of each element, in the set's order. */
Datum
rrset_element_octets(PG_FUNCTION_ARGS)
{
	struct varlena *set = PG_DETOAST_DATUM_PACKED(PG_GETARG_DATUM(0));
	const uint8 *p = (const uint8 *) VARDATA_ANY(set);
	size_t		len = VARSIZE_ANY_EXHDR(set),
				off = RRSET_HEADER;
	int			n = rrset_payload_count(p),
				i = 0;
	Datum	   *items = palloc(n * sizeof(Datum));
	rrset_elem	e;

	while (i < n && rrset_payload_next(p, len, &off, &e))
	{
		bytea	   *b = palloc(VARHDRSZ + e.len);

		SET_VARSIZE(b, VARHDRSZ + e.len);
		memcpy(VARDATA(b), e.data, e.len);
		items[i++] = PointerGetDatum(b);
	}
	PG_RETURN_ARRAYTYPE_P(construct_array(items, i, BYTEAOID, -1, false, TYPALIGN_INT));
}
