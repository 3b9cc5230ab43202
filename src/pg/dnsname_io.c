/*
 * dnsname_io.c
 *		Text and binary I/O of the dnsname type.
 *
 * Text is DNS presentation format; binary is the uncompressed wire form
 * (RFC 1035 §3.1), which any DNS library can read.  Both paths go through
 * the core codec and validate alike.
 */
#include "pdns.h"

#include "libpq/pqformat.h"
#include "utils/builtins.h"

PG_FUNCTION_INFO_V1(dnsname_in);
PG_FUNCTION_INFO_V1(dnsname_out);
PG_FUNCTION_INFO_V1(dnsname_recv);
PG_FUNCTION_INFO_V1(dnsname_send);

struct varlena *
dnsname_from_key(const uint8_t *key, size_t keylen)
{
	struct varlena *result = (struct varlena *) palloc(VARHDRSZ + keylen);

	SET_VARSIZE(result, VARHDRSZ + keylen);
	memcpy(VARDATA(result), key, keylen);
	return result;
}

void
dnsname_report(const dn_error *err, int sqlstate, const char *what,
			   const char *input)
{
	char		detail[256];

	dn_error_describe(err, detail, sizeof(detail));
	if (sqlstate == ERRCODE_INVALID_BINARY_REPRESENTATION || input == NULL)
		ereport(ERROR,
				(errcode(sqlstate),
				 errmsg("invalid external representation for type %s", what),
				 errdetail("%s", detail)));
	ereport(ERROR,
			(errcode(sqlstate),
			 errmsg("invalid input syntax for type %s: \"%s\"", what, input),
			 errdetail("%s", detail)));
}

struct varlena *
dnsname_parse(const char *text, size_t len)
{
	dn_key		key;
	dn_error	err;

	if (!dn_from_text(text, len, &key, &err))
	{
		char	   *copy = pnstrdup(text, len);

		dnsname_report(&err, ERRCODE_INVALID_TEXT_REPRESENTATION, "dnsname", copy);
	}
	return dnsname_from_key(key.bytes, key.len);
}

char *
dnsname_key_to_cstring(const uint8_t *key, size_t keylen)
{
	/* a stored key is at most DN_KEY_MAX octets, each printing as <= 4 chars */
	char	   *out = palloc(4 * keylen + 2);

	dn_to_text(key, keylen, out);
	return out;
}

/*
 * dnsname_in: presentation format, trailing dot optional, case folded,
 * U-labels converted to A-labels.
 */
Datum
dnsname_in(PG_FUNCTION_ARGS)
{
	const char *str = PG_GETARG_CSTRING(0);

	PG_RETURN_POINTER(dnsname_parse(str, strlen(str)));
}

/* dnsname_out: presentation format, without the trailing dot. */
Datum
dnsname_out(PG_FUNCTION_ARGS)
{
	struct varlena *v = PG_GETARG_DNSNAME_PP(0);

	PG_RETURN_CSTRING(dnsname_key_to_cstring(DNSNAME_KEY(v), DNSNAME_KEYLEN(v)));
}

/*
 * dnsname_recv: uncompressed wire form, validated as strictly as text input;
 * nothing may follow the root label.
 */
Datum
dnsname_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	const uint8_t *wire = (const uint8_t *) buf->data + buf->cursor;
	size_t		avail = (size_t) (buf->len - buf->cursor);
	size_t		consumed;
	dn_key		key;
	dn_error	err;

	if (!dn_from_wire(wire, avail, &consumed, &key, &err))
		dnsname_report(&err, ERRCODE_INVALID_BINARY_REPRESENTATION, "dnsname", NULL);
	if (consumed != avail)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid external representation for type %s", "dnsname"),
				 errdetail("%d bytes follow the end of the name.", (int) (avail - consumed))));
	buf->cursor = buf->len;
	PG_RETURN_POINTER(dnsname_from_key(key.bytes, key.len));
}

/* dnsname_send: uncompressed wire form. */
Datum
dnsname_send(PG_FUNCTION_ARGS)
{
	struct varlena *v = PG_GETARG_DNSNAME_PP(0);
	uint8_t		wire[DN_MAX_WIRE + DN_KEY_MAX];
	size_t		len = dn_to_wire(DNSNAME_KEY(v), DNSNAME_KEYLEN(v), wire);
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendbytes(&buf, (const char *) wire, (int) len);
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}
