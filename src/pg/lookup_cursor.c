/*
 * lookup_cursor.c
 *		Keyset-pagination cursors of the lookups: the fields of the last row
 *		returned, joined by newlines and base64-encoded, and one field of
 *		such a cursor back.  (In C because a lookup makes one per row.)
 */
#include "lookup.h"

#include "catalog/pg_type.h"
#include "common/base64.h"
#include "lib/stringinfo.h"
#include "utils/array.h"
#include "utils/builtins.h"

PG_FUNCTION_INFO_V1(pdns_cursor);
PG_FUNCTION_INFO_V1(pdns_cursor_field);

/* A cursor of n fields (joined by newlines, base64-encoded). */
text *
lookup_cursor_make(int n, const char *const *fields, const int *lengths)
{
	StringInfoData joined;
	text	   *result;
	int			enclen;

	initStringInfo(&joined);
	for (int i = 0; i < n; i++)
	{
		if (i > 0)
			appendStringInfoChar(&joined, '\n');
		appendBinaryStringInfo(&joined, fields[i], lengths[i]);
	}
	result = palloc(VARHDRSZ + pg_b64_enc_len(joined.len));
	enclen = pg_b64_encode(joined.data, joined.len, VARDATA(result), pg_b64_enc_len(joined.len));
	if (enclen < 0)
		elog(ERROR, "could not encode a lookup cursor");
	SET_VARSIZE(result, VARHDRSZ + enclen);
	pfree(joined.data);
	return result;
}

/* Field n (from 1) of a cursor; "" past its end. */
text *
lookup_cursor_field(text *cursor, int n)
{
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
		return cstring_to_text("");
	end = memchr(field, '\n', decoded + declen - field);
	return cstring_to_text_with_len(field, end ? end - field : decoded + declen - field);
}

/* _cursor(VARIADIC fields text[]): NULL fields are left out. */
Datum
pdns_cursor(PG_FUNCTION_ARGS)
{
	ArrayType  *fields = PG_GETARG_ARRAYTYPE_P(0);
	Datum	   *elems;
	bool	   *nulls;
	int			n;
	int			kept = 0;
	const char **data;
	int		   *lengths;

	deconstruct_array(fields, TEXTOID, -1, false, TYPALIGN_INT, &elems, &nulls, &n);
	data = palloc(sizeof(char *) * Max(n, 1));
	lengths = palloc(sizeof(int) * Max(n, 1));
	for (int i = 0; i < n; i++)
	{
		text	   *t;

		if (nulls[i])
			continue;
		t = DatumGetTextPP(elems[i]);
		data[kept] = VARDATA_ANY(t);
		lengths[kept++] = VARSIZE_ANY_EXHDR(t);
	}
	PG_RETURN_TEXT_P(lookup_cursor_make(kept, data, lengths));
}

/* _cursor_field(cursor text, n integer): field n (from 1), '' past the end. */
Datum
pdns_cursor_field(PG_FUNCTION_ARGS)
{
	PG_RETURN_TEXT_P(lookup_cursor_field(PG_GETARG_TEXT_PP(0), PG_GETARG_INT32(1)));
}
