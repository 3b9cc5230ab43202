/*
 * lookup_cursor.c
 *		Keyset-pagination cursors of the lookups: the fields of the last row
 *		returned, joined by newlines and base64-encoded, and one field of
 *		such a cursor back.  (In C because a lookup makes one per row.)
 */
#include "pdns.h"

#include "catalog/pg_type.h"
#include "common/base64.h"
#include "lib/stringinfo.h"
#include "utils/array.h"
#include "utils/builtins.h"

PG_FUNCTION_INFO_V1(pdns_cursor);
PG_FUNCTION_INFO_V1(pdns_cursor_field);

/* _cursor(VARIADIC fields text[]): NULL fields are left out. */
Datum
pdns_cursor(PG_FUNCTION_ARGS)
{
	ArrayType  *fields = PG_GETARG_ARRAYTYPE_P(0);
	Datum	   *elems;
	bool	   *nulls;
	int			n;
	StringInfoData joined;
	bool		first = true;
	text	   *result;
	int			enclen;

	deconstruct_array(fields, TEXTOID, -1, false, TYPALIGN_INT, &elems, &nulls, &n);
	initStringInfo(&joined);
	for (int i = 0; i < n; i++)
	{
		text	   *t;

		if (nulls[i])
			continue;
		if (!first)
			appendStringInfoChar(&joined, '\n');
		first = false;
		t = DatumGetTextPP(elems[i]);
		appendBinaryStringInfo(&joined, VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t));
	}
	result = palloc(VARHDRSZ + pg_b64_enc_len(joined.len));
	enclen = pg_b64_encode(joined.data, joined.len, VARDATA(result), pg_b64_enc_len(joined.len));
	if (enclen < 0)
		elog(ERROR, "could not encode a lookup cursor");
	SET_VARSIZE(result, VARHDRSZ + enclen);
	PG_RETURN_TEXT_P(result);
}

/* _cursor_field(cursor text, n integer): field n (from 1), '' past the end. */
Datum
pdns_cursor_field(PG_FUNCTION_ARGS)
{
	text	   *cursor = PG_GETARG_TEXT_PP(0);
	int32		n = PG_GETARG_INT32(1);
	int			len = VARSIZE_ANY_EXHDR(cursor);
	char	   *decoded = palloc(pg_b64_dec_len(len) + 1);
	int			declen = pg_b64_decode(VARDATA_ANY(cursor), len, decoded, pg_b64_dec_len(len));
	const char *field;
	const char *end;

	if (declen < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid lookup cursor"),
				 errdetail("A cursor is the last column of a lookup's row, passed back unchanged; this one is not base64.")));
	decoded[declen] = '\0';
	field = decoded;
	for (int i = 1; i < n && field != NULL; i++)
	{
		field = memchr(field, '\n', decoded + declen - field);
		if (field != NULL)
			field++;
	}
	if (n < 1 || field == NULL)
		PG_RETURN_TEXT_P(cstring_to_text(""));
	end = memchr(field, '\n', decoded + declen - field);
	PG_RETURN_TEXT_P(cstring_to_text_with_len(field, end ? end - field : decoded + declen - field));
}
