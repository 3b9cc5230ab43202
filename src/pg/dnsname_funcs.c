/*
 * dnsname_funcs.c
 *		The label-level helpers analysts use: labels, label count, parent,
 *		TLD, reversed text, and U-label rendering for display.
 */
#include "pdns.h"

#include "catalog/pg_type_d.h"
#include "idna.h"
#include "lib/stringinfo.h"
#include "utils/array.h"
#include "utils/builtins.h"

PG_FUNCTION_INFO_V1(dnsname_labels);
PG_FUNCTION_INFO_V1(dnsname_label_count);
PG_FUNCTION_INFO_V1(dnsname_parent);
PG_FUNCTION_INFO_V1(dnsname_tld);
PG_FUNCTION_INFO_V1(dnsname_reversed);
PG_FUNCTION_INFO_V1(dnsname_to_unicode);
PG_FUNCTION_INFO_V1(dnsname_forward_key);

/* labels: the labels left to right, each in presentation format. */
Datum
dnsname_labels(PG_FUNCTION_ARGS)
{
	struct varlena *v = PG_GETARG_DNSNAME_PP(0);
	const uint8_t *key = DNSNAME_KEY(v);
	uint16		starts[DN_KEY_LABELS_MAX],
				ends[DN_KEY_LABELS_MAX];
	int			n = dn_key_labels(key, DNSNAME_KEYLEN(v), starts, ends),
				i;
	Datum	   *elems = palloc((n + 1) * sizeof(Datum));
	char		buf[DN_TEXT_MAX];

	for (i = 0; i < n; i++)
	{
		int			k = n - 1 - i;
		size_t		len = dn_label_to_text(key + starts[k], ends[k] - starts[k], buf);

		elems[i] = PointerGetDatum(cstring_to_text_with_len(buf, (int) len));
	}
	PG_RETURN_ARRAYTYPE_P(construct_array(elems, n, TEXTOID, -1, false, TYPALIGN_INT));
}

Datum
dnsname_label_count(PG_FUNCTION_ARGS)
{
	struct varlena *v = PG_GETARG_DNSNAME_PP(0);

	PG_RETURN_INT32(dn_key_label_count(DNSNAME_KEY(v), DNSNAME_KEYLEN(v)));
}

/* parent: the name without its leftmost label; NULL for the root. */
Datum
dnsname_parent(PG_FUNCTION_ARGS)
{
	struct varlena *v = PG_GETARG_DNSNAME_PP(0);
	const uint8_t *key = DNSNAME_KEY(v);
	size_t		len = DNSNAME_KEYLEN(v);
	const uint8_t *sep;

	if (len == 0)
		PG_RETURN_NULL();
	sep = memrchr(key, DN_SEP, len);
	PG_RETURN_POINTER(dnsname_from_key(key, sep ? (size_t) (sep - key) : 0));
}

/* tld: the rightmost label as a name; NULL for the root. */
Datum
dnsname_tld(PG_FUNCTION_ARGS)
{
	struct varlena *v = PG_GETARG_DNSNAME_PP(0);
	const uint8_t *key = DNSNAME_KEY(v);
	size_t		len = DNSNAME_KEYLEN(v);
	const uint8_t *sep;

	if (len == 0)
		PG_RETURN_NULL();
	sep = memchr(key, DN_SEP, len);
	PG_RETURN_POINTER(dnsname_from_key(key, sep ? (size_t) (sep - key) : len));
}

/* reversed: the labels TLD first, "com.example.www", for sorting as text. */
Datum
dnsname_reversed(PG_FUNCTION_ARGS)
{
	struct varlena *v = PG_GETARG_DNSNAME_PP(0);
	char	   *buf = palloc(4 * DNSNAME_KEYLEN(v) + 2);
	size_t		len = dn_to_reversed_text(DNSNAME_KEY(v), DNSNAME_KEYLEN(v), buf);

	PG_RETURN_TEXT_P(cstring_to_text_with_len(buf, (int) len));
}

/*
 * to_unicode: the name for display, A-labels shown as U-labels.  An A-label
 * that is not valid Punycode, or does not convert back to itself, is shown
 * as it is, so the display never names a different domain.
 */
Datum
dnsname_to_unicode(PG_FUNCTION_ARGS)
{
	struct varlena *v = PG_GETARG_DNSNAME_PP(0);
	const uint8_t *key = DNSNAME_KEY(v);
	uint16		starts[DN_KEY_LABELS_MAX],
				ends[DN_KEY_LABELS_MAX];
	int			n = dn_key_labels(key, DNSNAME_KEYLEN(v), starts, ends),
				i;
	StringInfoData out;

	if (n == 0)
		PG_RETURN_TEXT_P(cstring_to_text("."));

	initStringInfo(&out);
	for (i = n - 1; i >= 0; i--)
	{
		const uint8_t *label = key + starts[i];
		size_t		len = ends[i] - starts[i];
		char		buf[DN_TEXT_MAX];
		size_t		outlen;

		if (len > 4 && memcmp(label, "xn--", 4) == 0 &&
			idna_alabel_to_unicode((const char *) label, len, buf, sizeof(buf), &outlen))
			appendBinaryStringInfo(&out, buf, (int) outlen);
		else
		{
			outlen = dn_label_to_text(label, len, buf);
			appendBinaryStringInfo(&out, buf, (int) outlen);
		}
		if (i > 0)
			appendStringInfoChar(&out, '.');
	}
	PG_RETURN_TEXT_P(cstring_to_text_with_len(out.data, out.len));
}

/*
 * forward_key: the canonical key with the labels leftmost first, as bytea.
 * An index on it makes right wildcards ("www.example.*") prefix ranges.
 */
Datum
dnsname_forward_key(PG_FUNCTION_ARGS)
{
	struct varlena *v = PG_GETARG_DNSNAME_PP(0);
	size_t		len = DNSNAME_KEYLEN(v);
	bytea	   *result = palloc(VARHDRSZ + len);

	dn_key_to_forward(DNSNAME_KEY(v), len, (uint8_t *) VARDATA(result));
	SET_VARSIZE(result, VARHDRSZ + len);
	PG_RETURN_BYTEA_P(result);
}
