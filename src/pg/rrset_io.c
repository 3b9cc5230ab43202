/*
 * rrset_io.c
 *		Text and binary I/O of the rrset type, and its constructors.
 *
 * Text is "<TYPE> {<rdata>,<rdata>,...}": the RR type as rrtype prints it,
 * then the presentation-format rdata quoted as array elements are (double
 * quotes with backslash escapes wherever an element holds blanks, commas,
 * braces, quotes or backslashes).  Binary is the canonical payload of
 * rrset_codec.h; receiving it re-validates and re-canonicalizes every
 * element, exactly as text input does.
 */
#include "pdns.h"

#include "catalog/pg_type.h"
#include "libpq/pqformat.h"
#include "lib/stringinfo.h"
#include "rrtype_table.h"
#include "utils/array.h"
#include "utils/builtins.h"

PG_FUNCTION_INFO_V1(rrset_in);
PG_FUNCTION_INFO_V1(rrset_out);
PG_FUNCTION_INFO_V1(rrset_recv);
PG_FUNCTION_INFO_V1(rrset_send);
PG_FUNCTION_INFO_V1(rrset_from_array);
PG_FUNCTION_INFO_V1(rrset_from_array_origin);

void
rrset_report(const rrset_builder *b, int sqlstate, const char *input)
{
	char		typetext[RRTYPE_TEXT_MAX];
	char		detail[sizeof(b->error.reason) + 64];

	rrtype_to_text(b->type, typetext);
	if (b->error.element > 0)
		snprintf(detail, sizeof(detail), "Element %d is not valid %s rdata: %s.",
				 b->error.element, typetext, b->error.reason);
	else
		snprintf(detail, sizeof(detail), "%c%s.",
				 pg_toupper((unsigned char) b->error.reason[0]), b->error.reason + 1);

	if (sqlstate == ERRCODE_INVALID_BINARY_REPRESENTATION)
		ereport(ERROR,
				(errcode(sqlstate),
				 errmsg("invalid external representation for type %s", "rrset"),
				 errdetail("%s", detail)));
	if (input != NULL)
		ereport(ERROR,
				(errcode(sqlstate),
				 errmsg("invalid input syntax for type %s: \"%s\"", "rrset", input),
				 errdetail("%s", detail)));
	ereport(ERROR,
			(errcode(sqlstate),
			 errmsg("invalid rdata for an RRset of type %s", typetext),
			 errdetail("%s", detail)));
}

struct varlena *
rrset_finish(rrset_builder *b, int sqlstate, const char *input)
{
	size_t		len;
	uint8_t    *out = rrset_builder_finish(b, VARHDRSZ, &len);

	if (out == NULL)
		rrset_report(b, sqlstate, input);
	SET_VARSIZE(out, VARHDRSZ + len);
	return (struct varlena *) out;
}

static void
syntax_error(const char *input, const char *detail) pg_attribute_noreturn();

static void
syntax_error(const char *input, const char *detail)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
			 errmsg("invalid input syntax for type %s: \"%s\"", "rrset", input),
			 errdetail("%s", detail)));
}

static bool
is_array_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

/*
 * One element as array_in reads it: quoted with backslash escapes, or
 * unquoted up to a comma or brace with blanks around it dropped.  Returns
 * the position after the element; the unescaped text goes to buf.
 */
static const char *
read_element(const char *p, const char *input, char *buf, size_t *len)
{
	size_t		n = 0;

	if (*p == '"')
	{
		for (p++; *p != '"'; p++)
		{
			if (*p == '\0')
				syntax_error(input, "An element's closing quote is missing.");
			if (*p == '\\' && *++p == '\0')
				syntax_error(input, "The input ends inside an escape.");
			buf[n++] = *p;
		}
		p++;
	}
	else
	{
		size_t		keep = 0;	/* length up to the last escaped or non-blank char */
		bool		escapes = false;

		for (; *p != ',' && *p != '}'; p++)
		{
			if (*p == '\0')
				syntax_error(input, "The closing \"}\" is missing.");
			if (*p == '"' || *p == '{')
				syntax_error(input, "Unquoted elements may not hold \", { or unescaped blanks at their ends.");
			if (*p == '\\')
			{
				if (*++p == '\0')
					syntax_error(input, "The input ends inside an escape.");
				buf[n++] = *p;
				keep = n;
				escapes = true;
				continue;
			}
			buf[n++] = *p;
			if (!is_array_space(*p))
				keep = n;
		}
		n = keep;
		if (n == 0)
			syntax_error(input, "An element is empty; write \"\" for empty rdata.");
		if (!escapes && n == 4 && pg_strncasecmp(buf, "NULL", 4) == 0)
			syntax_error(input, "An RRset holds no NULL elements.");
	}
	*len = n;
	return p;
}

/* rrset_in: "<TYPE> {<rdata>,...}". */
Datum
rrset_in(PG_FUNCTION_ARGS)
{
	const char *input = PG_GETARG_CSTRING(0);
	const char *p = input,
			   *start;
	char	   *buf = palloc(strlen(input) + 1);
	uint16_t	type;
	rrset_builder b;

	while (is_array_space(*p))
		p++;
	start = p;
	while (*p && *p != '{' && !is_array_space(*p))
		p++;
	if (p == start)
		syntax_error(input, "The input must start with an RR type.");
	if (rrtype_from_text(start, (size_t) (p - start), &type) != RRTYPE_OK)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
				 errmsg("invalid input syntax for type %s: \"%s\"", "rrset", input),
				 errdetail("\"%.*s\" is not an RR type.", (int) (p - start), start)));
	while (is_array_space(*p))
		p++;
	if (*p != '{')
		syntax_error(input, "The RR type must be followed by \"{\".");
	p++;

	rrset_builder_init(&b, type, NULL, &pdns_palloc);
	for (;;)
	{
		size_t		len;

		while (is_array_space(*p))
			p++;
		if (*p == '}' && b.n == 0)
			syntax_error(input, "An RRset holds at least one rdata.");
		p = read_element(p, input, buf, &len);
		if (!rrset_builder_add_text(&b, buf, len))
			rrset_report(&b, ERRCODE_INVALID_TEXT_REPRESENTATION, input);
		while (is_array_space(*p))
			p++;
		if (*p == '}')
			break;
		if (*p != ',')
			syntax_error(input, "Elements must be separated by commas.");
		p++;
	}
	for (p++; is_array_space(*p); p++)
		;
	if (*p != '\0')
		syntax_error(input, "Junk follows the closing \"}\".");
	pfree(buf);
	PG_RETURN_POINTER(rrset_finish(&b, ERRCODE_INVALID_TEXT_REPRESENTATION, input));
}

/* Does an element need quotes in the array-literal form (as array_out decides)? */
static bool
needs_quotes(const char *s, size_t len)
{
	if (len == 0 || (len == 4 && pg_strncasecmp(s, "NULL", 4) == 0))
		return true;
	for (size_t i = 0; i < len; i++)
		if (s[i] == '"' || s[i] == '\\' || s[i] == '{' || s[i] == '}' ||
			s[i] == ',' || is_array_space(s[i]))
			return true;
	return false;
}

/* Presentation text of one element, palloc'd, NUL-terminated. */
char *
rrset_element_text(uint16_t type, const uint8_t *rdata, size_t len, size_t *textlen)
{
	size_t		size = RDATA_TEXT_GUESS(len);
	char	   *text = palloc(size);
	size_t		n = rdata_to_text(type, rdata, len, text, size);

	if (n >= size)
	{
		pfree(text);
		text = palloc(n + 1);
		rdata_to_text(type, rdata, len, text, n + 1);
	}
	*textlen = n;
	return text;
}

/* rrset_out: the type, then the rdata as array elements. */
Datum
rrset_out(PG_FUNCTION_ARGS)
{
	struct varlena *v = PG_GETARG_RRSET_PP(0);
	char		typetext[RRTYPE_TEXT_MAX];
	StringInfoData out;
	rrset_reader r;
	rrset_elem	e;
	bool		first = true;

	RRSET_READER(&r, v);
	initStringInfo(&out);
	rrtype_to_text(r.type, typetext);
	appendStringInfo(&out, "%s {", typetext);
	while (rrset_reader_next(&r, &e))
	{
		size_t		tlen;
		char	   *text = rrset_element_text(r.type, e.data, e.len, &tlen);

		if (!first)
			appendStringInfoChar(&out, ',');
		first = false;
		if (needs_quotes(text, tlen))
		{
			appendStringInfoChar(&out, '"');
			for (size_t i = 0; i < tlen; i++)
			{
				if (text[i] == '"' || text[i] == '\\')
					appendStringInfoChar(&out, '\\');
				appendStringInfoChar(&out, text[i]);
			}
			appendStringInfoChar(&out, '"');
		}
		else
			appendBinaryStringInfo(&out, text, (int) tlen);
		pfree(text);
	}
	appendStringInfoChar(&out, '}');
	PG_RETURN_CSTRING(out.data);
}

/*
 * rrset_recv: the payload, checked and canonicalized again element by
 * element, so no binary input can hold what text input would refuse.
 */
Datum
rrset_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	const uint8_t *p = (const uint8_t *) buf->data + buf->cursor;
	size_t		len = (size_t) (buf->len - buf->cursor),
				off = RRSET_HEADER,
				count;
	uint16_t	type;
	rrset_builder b;
	rrset_elem	e;

	rrset_builder_init(&b, 0, NULL, &pdns_palloc);
	if (!rrset_payload_check(p, len, &type, &count, &b.error))
		rrset_report(&b, ERRCODE_INVALID_BINARY_REPRESENTATION, NULL);
	b.type = type;
	while (rrset_payload_next(p, len, &off, &e))
		if (!rrset_builder_add_wire(&b, e.data, e.len))
			rrset_report(&b, ERRCODE_INVALID_BINARY_REPRESENTATION, NULL);
	buf->cursor = buf->len;
	PG_RETURN_POINTER(rrset_finish(&b, ERRCODE_INVALID_BINARY_REPRESENTATION, NULL));
}

/* rrset_send: the canonical payload. */
Datum
rrset_send(PG_FUNCTION_ARGS)
{
	struct varlena *v = PG_GETARG_RRSET_PP(0);
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendbytes(&buf, (const char *) RRSET_DATA(v), (int) RRSET_LEN(v));
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

/* Build a set from a text[] of presentation-format rdata. */
static struct varlena *
rrset_from_texts(uint16 type, ArrayType *arr, const uint8_t *origin)
{
	Datum	   *elems;
	bool	   *nulls;
	int			n;
	rrset_builder b;

	deconstruct_array(arr, TEXTOID, -1, false, TYPALIGN_INT, &elems, &nulls, &n);
	if (n == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("an RRset holds at least one rdata"),
				 errdetail("The rdata array is empty.")));
	rrset_builder_init(&b, type, origin, &pdns_palloc);
	for (int i = 0; i < n; i++)
	{
		text	   *t;

		if (nulls[i])
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("an RRset holds no NULL rdata"),
					 errdetail("Element %d of the rdata array is NULL.", i + 1)));
		t = DatumGetTextPP(elems[i]);
		if (!rrset_builder_add_text(&b, VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t)))
			rrset_report(&b, ERRCODE_INVALID_TEXT_REPRESENTATION,
						 text_to_cstring(t));
	}
	return rrset_finish(&b, ERRCODE_INVALID_TEXT_REPRESENTATION, NULL);
}

/* rrset(rrtype, text[]): names in the rdata are absolute. */
Datum
rrset_from_array(PG_FUNCTION_ARGS)
{
	PG_RETURN_POINTER(rrset_from_texts(PG_GETARG_RRTYPE(0), PG_GETARG_ARRAYTYPE_P(1), NULL));
}

/* rrset(rrtype, text[], origin dnsname): relative names end in origin. */
Datum
rrset_from_array_origin(PG_FUNCTION_ARGS)
{
	struct varlena *origin = PG_GETARG_DNSNAME_PP(2);
	uint8_t		wire[DN_MAX_WIRE + 1];

	dn_to_wire(DNSNAME_KEY(origin), DNSNAME_KEYLEN(origin), wire);
	PG_RETURN_POINTER(rrset_from_texts(PG_GETARG_RRTYPE(0), PG_GETARG_ARRAYTYPE_P(1), wire));
}
