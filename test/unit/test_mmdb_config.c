/*
 * test_mmdb_config.c
 *		Unit tests of the pdns.mmdb_databases parser: entries, quoting,
 *		white space, and every error with its offset.
 */
#include "mmdb_config.h"
#include "unit.h"

static char buf[4096];
static mmdb_config_entry entries[MMDB_CONFIG_ENTRIES_MAX];
static mmdb_config_error err;

static int
parse(const char *text)
{
	snprintf(buf, sizeof(buf), "%s", text);
	return mmdb_config_parse(buf, entries, &err);
}

static void
test_lists(void)
{
	CHECK(parse("") == 0);
	CHECK(parse("  \t ") == 0);
	CHECK(parse("asn=/a/ASN.mmdb") == 1);
	CHECK_STR(entries[0].name, "asn");
	CHECK_STR(entries[0].path, "/a/ASN.mmdb");
	CHECK(parse(" asn = /a/ASN.mmdb , city=/b/City.mmdb ") == 2);
	CHECK_STR(entries[0].path, "/a/ASN.mmdb");
	CHECK_STR(entries[1].name, "city");
	CHECK_STR(entries[1].path, "/b/City.mmdb");
	/* inner spaces of a bare path are kept */
	CHECK(parse("geo_2=/srv/my geo/x.mmdb") == 1);
	CHECK_STR(entries[0].name, "geo_2");
	CHECK_STR(entries[0].path, "/srv/my geo/x.mmdb");
}

static void
test_quoted(void)
{
	CHECK(parse("city=\"/srv/geo, 2024/City.mmdb\", asn=/a") == 2);
	CHECK_STR(entries[0].path, "/srv/geo, 2024/City.mmdb");
	CHECK_STR(entries[1].path, "/a");
	CHECK(parse("x=\"/say \"\"hi\"\" \"") == 1);
	CHECK_STR(entries[0].path, "/say \"hi\" ");
	CHECK(parse("x = \"/a\"  ") == 1);
	CHECK_STR(entries[0].path, "/a");
}

static void
test_errors(void)
{
	CHECK(parse("ASN=/a") == -1 && err.offset == 0);
	CHECK(parse("asn /a") == -1 && err.offset == 4);
	CHECK_STR(err.message, "expected \"=\" after the database name");
	CHECK(parse("asn=") == -1 && err.offset == 4);
	CHECK_STR(err.message, "expected a file path after \"=\"");
	CHECK(parse("asn=a.mmdb") == -1 && err.offset == 4);
	CHECK_STR(err.message, "file path must be absolute");
	CHECK(parse("asn=/a,") == -1 && err.offset == 7);
	CHECK(parse("asn=/a,asn=/b") == -1 && err.offset == 7);
	CHECK_STR(err.message, "database name is listed twice");
	CHECK(parse("asn=\"/a") == -1 && err.offset == 4);
	CHECK_STR(err.message, "unterminated quoted path");
	CHECK(parse("asn=\"/a\" x") == -1 && err.offset == 9);
	CHECK(parse("asn=\"\"") == -1);
	CHECK(parse("=/a") == -1 && err.offset == 0);
	CHECK(parse("a-b=/a") == -1 && err.offset == 1);
}

static void
test_limits(void)
{
	char		list[4096];
	size_t		len = 0;

	CHECK(parse("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa=/a") == 1);
	CHECK(parse("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa=/a") == -1);
	CHECK_STR(err.message, "database name is longer than 63 characters");
	for (int i = 0; i < MMDB_CONFIG_ENTRIES_MAX; i++)
		len += snprintf(list + len, sizeof(list) - len, "%sd%d=/x", i ? "," : "", i);
	CHECK(parse(list) == MMDB_CONFIG_ENTRIES_MAX);
	snprintf(list + len, sizeof(list) - len, ",one_more=/x");
	CHECK(parse(list) == -1);
	CHECK_STR(err.message, "more than 64 databases");
}

int
main(void)
{
	test_lists();
	test_quoted();
	test_errors();
	test_limits();
	UNIT_DONE("mmdb_config");
}
