/*
 * test_json_lite.c
 *		Unit tests of the strict JSON parser: values, escapes (surrogate
 *		pairs), strictness, error offsets, depth limit, reuse of a document.
 */
#include "json_lite.h"
#include "unit.h"

#include <stdlib.h>

static json_doc doc;

static bool
ok(const char *s)
{
	return json_parse(&doc, s, strlen(s));
}

/* The error offset of a text that must fail, or -1 when it parses. */
static long
err_at(const char *s)
{
	return json_parse(&doc, s, strlen(s)) ? -1 : (long) doc.offset;
}

static void
test_values(void)
{
	const json_node *r,
			   *m;
	uint64_t	u;

	CHECK(ok(" {\"a\": [1, -2.5e3, true, false, null, \"x\"], \"b\": {}} "));
	r = json_root(&doc);
	CHECK(r->type == JSON_OBJECT && r->count == 2);
	m = json_get(&doc, r, "a");
	CHECK(m != NULL && m->type == JSON_ARRAY && m->count == 6);
	CHECK(json_at(&doc, m, 0)->type == JSON_NUMBER && json_uint(json_at(&doc, m, 0), 10, &u) && u == 1);
	CHECK(json_at(&doc, m, 1)->len == 6 && memcmp(json_at(&doc, m, 1)->str, "-2.5e3", 6) == 0);
	CHECK(!json_uint(json_at(&doc, m, 1), 1000000, &u));
	CHECK(json_at(&doc, m, 2)->type == JSON_TRUE && json_at(&doc, m, 4)->type == JSON_NULL);
	CHECK(json_at(&doc, m, 6) == NULL);
	CHECK_STR(json_at(&doc, m, 5)->str, "x");
	CHECK(json_get(&doc, r, "b")->type == JSON_OBJECT && json_get(&doc, r, "b")->count == 0);
	CHECK(json_get(&doc, r, "c") == NULL);
	CHECK(ok("\"top\"") && json_root(&doc)->type == JSON_STRING);
	CHECK(ok("[[[]]]"));
	CHECK(ok("{\"k\":1,\"k\":2}") && json_uint(json_get(&doc, json_root(&doc), "k"), 9, &u) && u == 1);
}

static void
test_strings(void)
{
	CHECK(ok("\"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\""));
	CHECK(json_root(&doc)->len == 12 && memcmp(json_root(&doc)->str, "a\"b\\c/d\b\f\n\r\t", 12) == 0);
	CHECK(ok("\"\\u00e9\\u20AC\\ud83d\\ude00\""));
	CHECK_STR(json_root(&doc)->str, "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80");
	CHECK(ok("\"\\u0000z\"") && json_root(&doc)->len == 2 && json_root(&doc)->str[0] == '\0');
	CHECK(ok("\"caf\xc3\xa9\""));
	/* lone surrogates, bad escapes */
	CHECK(err_at("\"\\ud83d\"") == 1);
	CHECK(err_at("\"\\ude00\"") == 1);
	CHECK(err_at("\"\\ud83d\\u0041\"") == 1);
	CHECK(err_at("\"\\x41\"") == 1);
	CHECK(err_at("\"\\u12\"") == 1);
	/* raw control characters and invalid UTF-8 */
	CHECK(err_at("\"a\tb\"") == 2);
	CHECK(err_at("\"ab\xe9\"") == 3);
	CHECK(err_at("\"\xc0\xaf\"") == 1);
	CHECK(err_at("\"\xed\xa0\x80\"") == 1);
	CHECK(err_at("\"abc") == 0);
}

static void
test_strict(void)
{
	char		deep[200];
	int			i;

	CHECK(err_at("") == 0);
	CHECK(err_at("[1,]") == 3);
	CHECK(err_at("{\"a\":1,}") == 7);
	CHECK(err_at("{\"a\" 1}") == 5);
	CHECK(err_at("{a:1}") == 1);
	CHECK(err_at("01") == 0);
	CHECK(err_at("1.") == 0);
	CHECK(err_at("-") == 0);
	CHECK(err_at("1e") == 0);
	CHECK(err_at("tru") == 0);
	CHECK(err_at("[1] x") == 4);
	CHECK(err_at("[1 2]") == 3);
	CHECK(err_at("{\"a\":1]") == 6);
	CHECK(err_at("NaN") == 0);
	/* depth: JSON_MAX_DEPTH is fine, one more is not */
	for (i = 0; i < JSON_MAX_DEPTH; i++)
		deep[i] = '[';
	for (i = 0; i < JSON_MAX_DEPTH; i++)
		deep[JSON_MAX_DEPTH + i] = ']';
	deep[2 * JSON_MAX_DEPTH] = '\0';
	CHECK(ok(deep));
	memset(deep, '[', JSON_MAX_DEPTH + 1);
	deep[JSON_MAX_DEPTH + 1] = '\0';
	CHECK(err_at(deep) == JSON_MAX_DEPTH);
	CHECK(strstr(doc.reason, "deep") != NULL);
}

int
main(void)
{
	json_init(&doc);
	test_values();
	test_strings();
	test_strict();
	json_free(&doc);
	UNIT_DONE("json_lite");
}
