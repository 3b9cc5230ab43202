/*
 * test_ingest_parsers.c
 *		Unit tests of the line splitters, the time parser and the DNS code
 *		tables used by ingestion.
 */
#include "dns_codes.h"
#include "field_split.h"
#include "time_parse.h"
#include "unit.h"

static int64_t
t(const char *s)
{
	int64_t		usec;
	const char *reason;

	if (!parse_time_usec(s, strlen(s), &usec, &reason))
		return -1;
	return usec;
}

static void
test_time(void)
{
	CHECK(t("0") == 0);
	CHECK(t("1700000000") == INT64_C(1700000000000000));
	CHECK(t("1700000000.25") == INT64_C(1700000000250000));
	CHECK(t("1700000000.123456789") == INT64_C(1700000000123456));
	CHECK(t("1700000000.") == INT64_C(1700000000000000));
	CHECK(t("2023-11-14T22:13:20Z") == INT64_C(1700000000000000));
	CHECK(t("2023-11-14 22:13:20") == INT64_C(1700000000000000));
	CHECK(t("2023-11-14 23:13:20.5+01:00") == INT64_C(1700000000500000));
	CHECK(t("2023-11-14T16:43:20-0530") == INT64_C(1700000000000000));
	CHECK(t("2024-02-29T00:00:00Z") == INT64_C(1709164800000000));
	CHECK(t(" 1700000000 ") == INT64_C(1700000000000000));
	CHECK(t("2023-02-29T00:00:00Z") == -1);
	CHECK(t("2023-11-14") == -1);
	CHECK(t("yesterday") == -1);
	CHECK(t("") == -1);
	CHECK(t("-5") == -1);
	CHECK(t("1e9") == -1);
	CHECK(t("99999999999999999999999") == -1);
	CHECK(t("1969-12-31T23:59:59Z") == -1);
}

static void
test_text_split(void)
{
	char		scratch[256];
	fields		f;
	const char *reason;
	const char *line = "a\tb\\tc\t\\N\t\t\\\\x\\101\\x41";

	CHECK(split_text_line(line, strlen(line), '\t', &f, scratch, &reason));
	CHECK(f.count == 5);
	CHECK_STR(f.value[0], "a");
	CHECK_STR(f.value[1], "b\tc");
	CHECK(f.null[2] && !f.null[3] && f.len[3] == 0);
	CHECK_STR(f.value[4], "\\xAA");
	CHECK(!split_text_line("a\\", 2, '\t', &f, scratch, &reason));
	CHECK(split_text_line("one\r", 4, '\t', &f, scratch, &reason) && f.count == 1 && f.len[0] == 3);
}

static void
test_csv_split(void)
{
	char		scratch[256];
	fields		f;
	const char *reason;
	const char *line = "a,\"b,c\",,\"\",\"say \"\"hi\"\"\"";

	CHECK(split_csv_line(line, strlen(line), ',', &f, scratch, &reason));
	CHECK(f.count == 5);
	CHECK_STR(f.value[1], "b,c");
	CHECK(f.null[2] && !f.null[3]);
	CHECK_STR(f.value[4], "say \"hi\"");
	CHECK(!split_csv_line("\"open", 5, ',', &f, scratch, &reason));
	CHECK(!split_csv_line("\"a\"b", 4, ',', &f, scratch, &reason));
	CHECK(!split_csv_line("a\"b", 3, ',', &f, scratch, &reason));
}

static void
test_codes(void)
{
	uint16_t	v;
	uint64_t	u;
	char		buf[DNS_CODE_TEXT_MAX];

	CHECK(dns_class_from_text("IN", 2, &v) && v == 1);
	CHECK(dns_class_from_text("ch", 2, &v) && v == 3);
	CHECK(dns_class_from_text("CLASS42", 7, &v) && v == 42);
	CHECK(dns_class_from_text("1", 1, &v) && v == 1);
	CHECK(!dns_class_from_text("INN", 3, &v));
	CHECK(!dns_class_from_text("65536", 5, &v));
	dns_class_to_text(42, buf);
	CHECK_STR(buf, "CLASS42");
	CHECK(dns_rcode_from_text("NXDOMAIN", 8, &v) && v == 3);
	CHECK(dns_rcode_from_text("noerror", 7, &v) && v == 0);
	CHECK(dns_rcode_from_text("4095", 4, &v) && v == 4095);
	CHECK(!dns_rcode_from_text("4096", 4, &v));
	dns_rcode_to_text(16, buf);
	CHECK_STR(buf, "BADVERS");
	dns_rcode_to_text(12, buf);
	CHECK_STR(buf, "RCODE12");
	CHECK(parse_uint("18446744073709551615", 20, UINT64_MAX, &u) && u == UINT64_MAX);
	CHECK(!parse_uint("18446744073709551616", 20, UINT64_MAX, &u));
	CHECK(!parse_uint("+1", 2, 10, &u));
}

int
main(void)
{
	test_time();
	test_text_split();
	test_csv_split();
	test_codes();
	UNIT_DONE("ingest_parsers");
}
