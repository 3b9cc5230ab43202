/*
 * test_log_parsers.c
 *		Unit tests of the sensor log parsers (passivedns, Zeek, Suricata,
 *		COF): each input line against the whole rendered result, or the
 *		error reason.
 */
#include "log_cof.h"
#include "log_dump.h"
#include "log_format.h"
#include "log_passivedns.h"
#include "log_native.h"
#include "log_suricata.h"
#include "log_zeek.h"
#include "unit.h"

static json_doc doc;
static log_out out;
static log_error err;

/* The rendered records of a line, or "ERR reason". */
static const char *
render(bool ok)
{
	static char buf[600];

	if (ok)
		return log_dump(&out);
	snprintf(buf, sizeof(buf), "ERR %s", err.reason);
	return buf;
}

static const char *
pdl(const passivedns_config *cfg, const char *line)
{
	return render(passivedns_parse_line(cfg, &doc, line, strlen(line), &out, &err));
}

static const char *
zk(zeek_state *z, const char *line)
{
	return render(zeek_parse_line(z, &doc, line, strlen(line), &out, &err));
}

static const char *
suri(const char *line)
{
	return render(suricata_parse_line(&doc, line, strlen(line), &out, &err));
}

static const char *
native(const char *line, bool csv)
{
	return render(native_parse_line(line, strlen(line), csv, &out, &err));
}

static const char *
cof(const char *line)
{
	return render(cof_parse_line(&doc, line, strlen(line), &out, &err));
}

static void
test_passivedns(void)
{
	passivedns_config cfg;

	CHECK(passivedns_config_parse(PASSIVEDNS_DEFAULT_FIELDS, NULL, &cfg, &err));
	CHECK_STR(pdl(&cfg, "1322849924.408856||10.1.1.1||8.8.8.8||IN||upload.youtube.com.||A||74.125.43.117||46587||5"),
			  "upload.youtube.com. A one-rr x5 @1322849924 c=10.1.1.1 s=8.8.8.8: 74.125.43.117");
	CHECK_STR(pdl(&cfg, "#timestamp||dns-client ||dns-server||RR class||Query||Query Type||Answer||TTL||Count"), "");
	/* lossy types rebuilt with placeholders */
	CHECK_STR(pdl(&cfg, "1322849924.5||10.1.1.1||8.8.8.8||IN||example.com.||MX||mx.example.com.||60||2"),
			  "example.com. MX lossy one-rr x2 @1322849924 c=10.1.1.1 s=8.8.8.8: 0 mx.example.com.");
	CHECK_STR(pdl(&cfg, "1322849924||10.1.1.1||8.8.8.8||IN||_x._tcp.example.com.||SRV||t.example.com.||60||1"),
			  "_x._tcp.example.com. SRV lossy one-rr x1 @1322849924 c=10.1.1.1 s=8.8.8.8: 0 0 0 t.example.com.");
	CHECK_STR(pdl(&cfg, "1322849924||10.1.1.1||8.8.8.8||IN||example.com.||SOA||ns.example.com.||60||1"),
			  "example.com. SOA lossy one-rr x1 @1322849924 c=10.1.1.1 s=8.8.8.8: ns.example.com. . 0 0 0 0 0");
	/* the delimiter inside TXT data */
	CHECK_STR(pdl(&cfg, "1322849924||10.1.1.1||8.8.8.8||IN||t.example.||TXT||\"a||b \\\"q\\\"\"||60||3"),
			  "t.example. TXT lossy one-rr x3 @1322849924 c=10.1.1.1 s=8.8.8.8: \"a||b \\\"q\\\"\"");
	/* passivedns's NXDOMAIN records */
	CHECK_STR(pdl(&cfg, "1322849924||10.1.1.1||8.8.8.8||IN||nx.example.||A||NXDOMAIN||0||1"),
			  "nx.example. A one-rr rcode=3 x1 @1322849924 c=10.1.1.1 s=8.8.8.8:");
	/* ... whose count is the times seen, as on other records */
	CHECK_STR(pdl(&cfg, "1322849924||10.1.1.1||8.8.8.8||IN||nx.example.||A||NXDOMAIN||0||7"),
			  "nx.example. A one-rr rcode=3 x7 @1322849924 c=10.1.1.1 s=8.8.8.8:");
	CHECK_STR(pdl(&cfg, "1322849924||10.1.1.1||8.8.8.8||IN||nx.example.||A||UNKNOWN-ERROR-11||0||1"),
			  "nx.example. A one-rr rcode=11 x1 @1322849924 c=10.1.1.1 s=8.8.8.8:");
	CHECK_STR(pdl(&cfg, "1322849924||10.1.1.1||8.8.8.8||CH||version.bind.||TXT||\"x\"||0||1"),
			  "ERR class CH is not stored (only IN)");
	CHECK_STR(pdl(&cfg, "1322849924||10.1.1.1||8.8.8.8||IN||a.example.||A||1.2.3.4||60||0"),
			  "ERR bad count \"0\" (a whole number from 1)");
	CHECK_STR(pdl(&cfg, "yesterday||10.1.1.1||8.8.8.8||IN||a.example.||A||1.2.3.4||60||1"),
			  "ERR bad time \"yesterday\": not a time");
	CHECK_STR(pdl(&cfg, "1322849924||10.1.1.1||8.8.8.8"), "ERR expected at least 9 fields, found 3");
	CHECK_STR(pdl(&cfg, "1322849924||10.1.1.1||8.8.8.8||IN||a.example.||NOTATYPE||1.2.3.4||60||1"),
			  "ERR no RR type field after the query");

	/* another field set and delimiter */
	CHECK(passivedns_config_parse("HQTAn", "\t", &cfg, &err));
	CHECK_STR(pdl(&cfg, "2011-12-02 16:18:44.408856\twww.example.\tCNAME\tx.example.\t4"),
			  "www.example. CNAME one-rr x4 @1322842724: x.example.");
	CHECK(!passivedns_config_parse("SQTAx", NULL, &cfg, &err));
	CHECK_STR(err.reason, "unknown passivedns field letter 'x'");
	CHECK(!passivedns_config_parse("cQTA", NULL, &cfg, &err));
	CHECK(!passivedns_config_parse("SQA", NULL, &cfg, &err));

	/* JSON output (-j): timestamp_ms holds microseconds */
	CHECK(passivedns_config_parse(PASSIVEDNS_DEFAULT_FIELDS, NULL, &cfg, &err));
	CHECK_STR(pdl(&cfg, "{\"timestamp_s\":1322849924,\"timestamp_ms\":408856,\"client\":\"10.1.1.1\","
				  "\"server\":\"8.8.8.8\",\"class\":\"IN\",\"query\":\"www.adobe.com.\",\"type\":\"A\","
				  "\"answer\":\"193.104.215.61\",\"ttl\":43200,\"count\":8}"),
			  "www.adobe.com. A one-rr x8 @1322849924 c=10.1.1.1 s=8.8.8.8: 193.104.215.61");
	CHECK_STR(pdl(&cfg, "{\"timestamp_s\":1322849924,\"query\":\"a.\"}"), "ERR no query or type");
	CHECK_STR(pdl(&cfg, "{\"timestamp_s\":1322849924,"), "ERR bad JSON at byte 26: expected a string key");
}

static void
test_zeek(void)
{
	zeek_state	z;
	const char *txt_chain = "a.example.com CNAME x1 @1700000000: b.example.com; "
		"b.example.com CNAME x1 @1700000000: c.example.net; "
		"c.example.net TXT x1 @1700000000: \"foo\"";

	zeek_state_init(&z);
	CHECK_STR(zk(&z, "1.0\tC1\t10.0.0.1"), "ERR no #fields header before this line (start each load with the log's header lines)");
	CHECK_STR(zk(&z, "#separator \\x09"), "");
	CHECK_STR(zk(&z, "#set_separator\t,"), "");
	CHECK_STR(zk(&z, "#fields\tts\tid.orig_h\tid.resp_h\tquery\tqclass\tqtype\trcode\tTC\tanswers\tTTLs"), "");
	/* CNAME chain, summaries skipped, addresses grouped */
	CHECK_STR(zk(&z, "1700000000.5\t10.0.0.1\t10.0.0.53\twww.example.com\t1\t1\t0\tF\t"
				 "web.example.net,RRSIG 5 example.com,192.0.2.1,192.0.2.2\t1,1,1,1"),
			  "www.example.com CNAME x1 @1700000000 c=10.0.0.1 s=10.0.0.53: web.example.net; "
			  "web.example.net A x1 @1700000000 c=10.0.0.1 s=10.0.0.53: 192.0.2.1 | 192.0.2.2");
	/* MX answers under an MX query: lossy, preference 0 */
	CHECK_STR(zk(&z, "1700000000\t10.0.0.1\t10.0.0.53\texample.com\t1\t15\t0\tF\tmx1.example.com,mx2.example.com\t1,1"),
			  "example.com MX lossy x1 @1700000000 c=10.0.0.1 s=10.0.0.53: 0 mx1.example.com | 0 mx2.example.com");
	/* TXT with Zeek's lengths: the set separator and tabs escaped as \x */
	CHECK_STR(zk(&z, "1700000000\t10.0.0.1\t10.0.0.53\tt.example\t1\t16\t0\tF\tTXT 3 a\\x2cb TXT 3 c\\x09d\t1"),
			  "t.example TXT x1 @1700000000 c=10.0.0.1 s=10.0.0.53: \"a,b\" \"c\\009d\"");
	CHECK_STR(zk(&z, "1700000000\t10.0.0.1\t10.0.0.53\tt.example\t1\t16\t0\tF\tTXT 9 short\t1"),
			  "ERR bad TXT answer \"TXT 9 short\"");
	/* negatives: NXDOMAIN, NODATA; no response; truncated NODATA */
	CHECK_STR(zk(&z, "1700000000\t10.0.0.1\t10.0.0.53\tnx.example\t1\t28\t3\tF\t-\t-"),
			  "nx.example AAAA rcode=3 x1 @1700000000 c=10.0.0.1 s=10.0.0.53:");
	CHECK_STR(zk(&z, "1700000000\t10.0.0.1\t10.0.0.53\tnd.example\t1\t1\t0\tF\t-\t-"),
			  "nd.example A x1 @1700000000 c=10.0.0.1 s=10.0.0.53:");
	CHECK_STR(zk(&z, "1700000000\t10.0.0.1\t10.0.0.53\tnd.example\t1\t1\t0\tT\t-\t-"), "");
	CHECK_STR(zk(&z, "1700000000\t10.0.0.1\t10.0.0.53\tq.example\t1\t1\t-\tF\t-\t-"), "");
	CHECK_STR(zk(&z, "1700000000\t10.0.0.1\t10.0.0.53\tnx.example\t1\t-\t3\tF\t-\t-"),
			  "ERR rcode NXDOMAIN without qtype: a negative answer is stored for a query type");
	CHECK_STR(zk(&z, "1700000000\t10.0.0.1\t10.0.0.53\tq.example\t3\t16\t0\tF\tTXT 1 x\t0"),
			  "ERR class 3 is not stored (only IN)");
	CHECK_STR(zk(&z, "XXXXXXXXXX.XXXXXX\t10.0.0.1\t10.0.0.53\tq.example\t1\t1\t0\tF\t192.0.2.1\t1"),
			  "ERR bad ts \"XXXXXXXXXX.XXXXXX\": not a time");
	CHECK_STR(zk(&z, "1700000000\t10.0.0.1"), "ERR expected 10 fields, found 2");
	/* unknown qtype: names are CNAMEs only when an address follows */
	CHECK_STR(zk(&z, "1700000000\t10.0.0.1\t10.0.0.53\ta.example\t-\t-\t0\tF\tb.example\t1"), "");
	CHECK_STR(zk(&z, "1700000000\t10.0.0.1\t10.0.0.53\tw.example\t1\t1\t0\tF\tweb.example.net,,192.0.2.1\t1,1,1"),
			  "ERR an empty answer");
	/*
	 * A marker too long to keep is refused and leaves the old one, its
	 * length too: a data line then compares its fields with the old marker,
	 * not past the end of the state (found by fuzz_sensor_logs under ASan).
	 */
	CHECK_STR(zk(&z, "#unset_field\t0123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789"),
			  "ERR bad header value");
	CHECK_STR(zk(&z, "1700000000\t10.0.0.1\t10.0.0.53\tu.example\t1\t1\t0\tF\t"
				 "0123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789\t1"),
			  "u.example CNAME x1 @1700000000 c=10.0.0.1 s=10.0.0.53: "
			  "0123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789");
	CHECK_STR(zk(&z, "1700000000\t10.0.0.1\t10.0.0.53\tu.example\t1\t1\t0\tF\t192.0.2.7\t-"),
			  "u.example A x1 @1700000000 c=10.0.0.1 s=10.0.0.53: 192.0.2.7");
	/* a new header mid-file (concatenated logs) changes the layout */
	CHECK_STR(zk(&z, "#separator |"), "");
	CHECK_STR(zk(&z, "#fields|ts|query|qtype|rcode|answers"), "");
	CHECK_STR(zk(&z, "1700000000|v6.example|28|0|2001:db8::1"), "v6.example AAAA x1 @1700000000: 2001:db8::1");
	/* JSON lines need no header */
	zeek_state_init(&z);
	CHECK_STR(zk(&z, "{\"ts\":1700000000.25,\"id.orig_h\":\"10.0.0.1\",\"id.resp_h\":\"10.0.0.53\","
				 "\"query\":\"x.example\",\"qclass\":1,\"qtype\":12,\"rcode\":0,\"TC\":false,"
				 "\"answers\":[\"ptr.example\"],\"TTLs\":[60.0]}"),
			  "x.example PTR x1 @1700000000 c=10.0.0.1 s=10.0.0.53: ptr.example");
	CHECK_STR(zk(&z, "{\"ts\":\"2023-11-14T22:13:20.5Z\",\"query\":\"x.example\",\"qtype\":1,\"rcode\":3}"),
			  "x.example A rcode=3 x1 @1700000000:");
	CHECK_STR(zk(&z, "{\"ts\":1700000000,\"query\":\"x.example\",\"qtype\":1,\"rcode\":0,\"answers\":\"1.2.3.4\"}"),
			  "ERR \"answers\" is not an array");
	/*
	 * qtype unset: a TXT answer, like an address, makes the names before it
	 * a CNAME chain, as with "qtype":16 (the TXT was attached to the query
	 * name, and the names dropped)
	 */
	CHECK_STR(zk(&z, "{\"ts\":1700000000,\"query\":\"a.example.com\",\"rcode\":0,"
				 "\"answers\":[\"b.example.com\",\"c.example.net\",\"TXT 3 foo\"]}"), txt_chain);
	CHECK_STR(zk(&z, "{\"ts\":1700000000,\"query\":\"a.example.com\",\"qtype\":16,\"rcode\":0,"
				 "\"answers\":[\"b.example.com\",\"c.example.net\",\"TXT 3 foo\"]}"), txt_chain);
	CHECK_STR(zk(&z, "{\"ts\":1700000000,\"query\":\"s.example\",\"rcode\":0,"
				 "\"answers\":[\"t.example\",\"SPF 4 v=x1\"]}"),
			  "s.example CNAME x1 @1700000000: t.example; "
			  "t.example SPF x1 @1700000000: \"v=x1\"");
	/* qtype unset, a TXT of the query name itself: nothing to chain */
	CHECK_STR(zk(&z, "{\"ts\":1700000000,\"query\":\"a.example.com\",\"rcode\":0,\"answers\":[\"TXT 3 foo\"]}"),
			  "a.example.com TXT x1 @1700000000: \"foo\"");
	/* qtype unset, only names: they cannot be typed */
	CHECK_STR(zk(&z, "{\"ts\":1700000000,\"query\":\"a.example.com\",\"rcode\":0,\"answers\":[\"b.example.com\"]}"),
			  "");
	/* a negative answer needs its query type: rejected, not silently dropped */
	CHECK_STR(zk(&z, "{\"ts\":1700000000,\"query\":\"nx.example\",\"rcode\":3}"),
			  "ERR rcode NXDOMAIN without qtype: a negative answer is stored for a query type");
	CHECK_STR(zk(&z, "{\"ts\":1700000000,\"query\":\"sf.example\",\"rcode\":2,\"answers\":[\"192.0.2.1\"]}"),
			  "ERR rcode SERVFAIL without qtype: a negative answer is stored for a query type");
	/* NOERROR without answers nor qtype observes nothing (NODATA of no type) */
	CHECK_STR(zk(&z, "{\"ts\":1700000000,\"query\":\"nd.example\",\"rcode\":0}"), "");
	/* an empty answer would become the empty owner of the next (found by fuzz_sensor_logs) */
	CHECK_STR(zk(&z, "{\"ts\":1700000000,\"query\":\"x.example\",\"qtype\":13,\"rcode\":0,"
				 "\"answers\":[\"a.example\",\"\",\"b.example\"]}"),
			  "ERR an empty answer");
}

static void
test_native(void)
{
	/* one RR a line; the caller checks names, rdata and addresses */
	CHECK_STR(native("1700000000\ts1\t192.0.2.1\t198.51.100.53\twww.example.com\tA\tIN\t300\t192.0.2.80"
					 "\texample.com\t2\tNOERROR", false),
			  "www.example.com A one-rr x2 @1700000000 c=192.0.2.1 s=198.51.100.53 sensor=s1 "
			  "bw=example.com: 192.0.2.80");
	CHECK(out.owner_field != NULL && strcmp(out.owner_field, "rrname") == 0);
	/* nine fields are enough; \N and empty fields are unknown */
	CHECK_STR(native("1700000000.5\t\\N\t\t\tb.example\tTXT\t\t\t\"a b\"", false),
			  "b.example TXT one-rr x1 @1700000000: \"a b\"");
	CHECK_STR(native("1700000000,s2,,,c.example,AAAA,IN,60,2001:db8::1,,,", true),
			  "c.example AAAA one-rr x1 @1700000000 sensor=s2: 2001:db8::1");
	/* negative answers: an rcode, or no rdata; their rdata is ignored */
	CHECK_STR(native("1700000000\ts\t\t\tnx.example\tA\t\t\t192.0.2.1\t\t3\tNXDOMAIN", false),
			  "nx.example A one-rr rcode=3 x3 @1700000000 sensor=s:");
	CHECK_STR(native("1700000000\ts\t\t\tnd.example\tMX\t\t\t", false),
			  "nd.example MX one-rr x1 @1700000000 sensor=s:");
	/* bad fields, with the reasons ingestion keeps */
	CHECK_STR(native("1700000000\ts\t\t\tx.example\tA\t\t", false), "ERR expected 9 to 12 fields, found 8");
	CHECK_STR(native("yesterday\ts\t\t\tx.example\tA\t\t\t192.0.2.1", false),
			  "ERR bad time \"yesterday\": not a time");
	CHECK_STR(native("1700000000\ts\t\t\t\tA\t\t\t192.0.2.1", false), "ERR the rrname is empty");
	CHECK_STR(native("1700000000\ts\t\t\tx.example\tNOPE\t\t\t192.0.2.1", false), "ERR unknown rrtype \"NOPE\"");
	CHECK_STR(native("1700000000\ts\t\t\tx.example\t\t\t\t192.0.2.1", false), "ERR the rrtype is empty");
	CHECK_STR(native("1700000000\ts\t\t\tx.example\tA\tCH\t\t192.0.2.1", false),
			  "ERR class CH is not stored (only IN)");
	CHECK_STR(native("1700000000\ts\t\t\tx.example\tA\t\t-1\t192.0.2.1", false), "ERR bad ttl \"-1\"");
	CHECK_STR(native("1700000000\ts\t\t\tx.example\tA\t\t\t192.0.2.1\t\t0", false),
			  "ERR bad count \"0\" (a whole number from 1)");
	CHECK_STR(native("1700000000\ts\t\t\tx.example\tA\t\t\t192.0.2.1\t\t1000000001", false),
			  "ERR count 1000000001 is out of range (1 to 1000000000 a line)");
	CHECK_STR(native("1700000000\ts\t\t\tx.example\tA\t\t\t192.0.2.1\t\t\tMAYBE", false),
			  "ERR bad rcode \"MAYBE\"");
	CHECK_STR(native("1700000000\ts\\q", false), "ERR expected 9 to 12 fields, found 2");
	CHECK_STR(native("1700000000,\"s", true), "ERR malformed line: a quoted field is not closed");
}

static void
test_suricata(void)
{
	/* v3 response with detailed answers: SOA and SRV objects, TXT strings */
	CHECK_STR(suri("{\"timestamp\":\"2023-11-14T22:13:20.000000+0000\",\"event_type\":\"dns\","
				   "\"src_ip\":\"10.0.0.53\",\"src_port\":53,\"dest_ip\":\"10.0.0.1\",\"dest_port\":4444,"
				   "\"dns\":{\"version\":3,\"type\":\"response\",\"rcode\":\"NOERROR\","
				   "\"queries\":[{\"rrname\":\"example.com\",\"rrtype\":\"ANY\"}],\"answers\":["
				   "{\"rrname\":\"example.com\",\"rrtype\":\"SOA\",\"ttl\":60,\"soa\":{\"mname\":\"ns.example.com\","
				   "\"rname\":\"h.example.com\",\"serial\":1,\"refresh\":2,\"retry\":3,\"expire\":4,\"minimum\":5}},"
				   "{\"rrname\":\"example.com\",\"rrtype\":\"TXT\",\"ttl\":60,\"rdata\":\"v=spf1 -all\"},"
				   "{\"rrname\":\"_s._tcp.example.com\",\"rrtype\":\"SRV\",\"ttl\":60,"
				   "\"srv\":{\"priority\":1,\"weight\":2,\"port\":443,\"name\":\"t.example.com\"}},"
				   "{\"rrname\":\"example.com\",\"rrtype\":\"MX\",\"ttl\":60,\"rdata\":\"mx.example.com\"},"
				   "{\"rrname\":\"example.com\",\"rrtype\":\"HTTPS\",\"ttl\":60}]}}"),
			  "example.com SOA x1 @1700000000 c=10.0.0.1 s=10.0.0.53: ns.example.com. h.example.com. 1 2 3 4 5; "
			  "example.com TXT x1 @1700000000 c=10.0.0.1 s=10.0.0.53: \"v=spf1 -all\"; "
			  "_s._tcp.example.com SRV x1 @1700000000 c=10.0.0.1 s=10.0.0.53: 1 2 443 t.example.com.; "
			  "example.com MX lossy x1 @1700000000 c=10.0.0.1 s=10.0.0.53: 0 mx.example.com");
	/* v2 grouped: CNAME chain from the query, the rest at its end; TXT split per string */
	CHECK_STR(suri("{\"timestamp\":\"2023-11-14T22:13:20Z\",\"event_type\":\"dns\",\"dns\":{\"version\":2,"
				   "\"type\":\"answer\",\"rrname\":\"www.example.com\",\"rrtype\":\"A\",\"rcode\":\"NOERROR\","
				   "\"grouped\":{\"A\":[\"192.0.2.1\",\"192.0.2.2\"],\"CNAME\":[\"a.example.net\",\"b.example.net\"],"
				   "\"TXT\":[\"one\",\"t\\\\xe9\"]}}}"),
			  "www.example.com CNAME x1 @1700000000: a.example.net; a.example.net CNAME x1 @1700000000: b.example.net; "
			  "b.example.net A x1 @1700000000: 192.0.2.1 | 192.0.2.2; "
			  "b.example.net TXT lossy x1 @1700000000: \"one\"; b.example.net TXT lossy x1 @1700000000: \"t\\233\"");
	/* v1: one event per RR; negative answers */
	CHECK_STR(suri("{\"timestamp\":\"2017-01-01T00:00:00.000000+0100\",\"event_type\":\"dns\",\"dns\":"
				   "{\"type\":\"answer\",\"id\":1,\"rrname\":\"twitter.com\",\"rrtype\":\"A\",\"ttl\":8,"
				   "\"rdata\":\"199.16.156.6\"}}"),
			  "twitter.com A one-rr x1 @1483225200: 199.16.156.6");
	/*
	 * v1 responses are told apart by flow_id, dns.id and dns.tx_id: the
	 * same three, the same response; none of them, a set that cannot be
	 * rebuilt for sure (lossy)
	 */
	{
		const char *v1a = "{\"timestamp\":\"2017-01-01T00:00:00Z\",\"flow_id\":77,\"event_type\":\"dns\","
			"\"dns\":{\"type\":\"answer\",\"id\":9,\"tx_id\":0,\"rrname\":\"v1.example\",\"rrtype\":\"A\","
			"\"ttl\":8,\"rdata\":\"192.0.2.1\"}}";
		const char *v1b = "{\"timestamp\":\"2017-01-01T00:00:00Z\",\"flow_id\":77,\"event_type\":\"dns\","
			"\"dns\":{\"type\":\"answer\",\"id\":9,\"tx_id\":0,\"rrname\":\"v1.example\",\"rrtype\":\"A\","
			"\"ttl\":8,\"rdata\":\"192.0.2.2\"}}";
		const char *v1c = "{\"timestamp\":\"2017-01-01T00:00:00Z\",\"flow_id\":77,\"event_type\":\"dns\","
			"\"dns\":{\"type\":\"answer\",\"id\":10,\"tx_id\":1,\"rrname\":\"v1.example\",\"rrtype\":\"A\","
			"\"ttl\":8,\"rdata\":\"192.0.2.3\"}}";
		uint64_t	a,
					b,
					c;

		CHECK_STR(suri(v1a), "v1.example A one-rr x1 @1483228800: 192.0.2.1");
		a = out.records[0].response;
		CHECK_STR(suri(v1b), "v1.example A one-rr x1 @1483228800: 192.0.2.2");
		b = out.records[0].response;
		CHECK_STR(suri(v1c), "v1.example A one-rr x1 @1483228800: 192.0.2.3");
		c = out.records[0].response;
		CHECK(a != 0 && a == b && c != 0 && c != a);
		CHECK_STR(suri("{\"timestamp\":\"2017-01-01T00:00:00Z\",\"event_type\":\"dns\",\"dns\":"
					   "{\"type\":\"answer\",\"rrname\":\"v1.example\",\"rrtype\":\"A\",\"ttl\":8,"
					   "\"rdata\":\"192.0.2.4\"}}"),
				  "v1.example A lossy one-rr x1 @1483228800: 192.0.2.4");
		CHECK(out.records[0].response == 0);
		/* a v1 MX stays lossy, with its response */
		CHECK_STR(suri("{\"timestamp\":\"2017-01-01T00:00:00Z\",\"flow_id\":5,\"event_type\":\"dns\","
					   "\"dns\":{\"type\":\"answer\",\"id\":3,\"rrname\":\"v1.example\",\"rrtype\":\"MX\","
					   "\"ttl\":8,\"rdata\":\"mx.v1.example\"}}"),
				  "v1.example MX lossy one-rr x1 @1483228800: 0 mx.v1.example");
	}
	CHECK_STR(suri("{\"timestamp\":\"2017-01-01T00:00:00Z\",\"event_type\":\"dns\",\"dns\":"
				   "{\"type\":\"answer\",\"rrname\":\"nx.example\",\"rrtype\":\"AAAA\",\"rcode\":\"NXDOMAIN\"}}"),
			  "nx.example AAAA rcode=3 x1 @1483228800:");
	CHECK_STR(suri("{\"timestamp\":\"2017-01-01T00:00:00Z\",\"event_type\":\"dns\",\"dns\":"
				   "{\"type\":\"answer\",\"rrname\":\"nd.example\",\"rrtype\":\"MX\",\"rcode\":\"NOERROR\"}}"),
			  "nd.example MX x1 @1483228800:");
	/* queries and other events observe nothing; malformed lines fail */
	CHECK_STR(suri("{\"timestamp\":\"2017-01-01T00:00:00Z\",\"event_type\":\"dns\",\"dns\":"
				   "{\"type\":\"query\",\"rrname\":\"q.example\",\"rrtype\":\"A\"}}"), "");
	CHECK_STR(suri("{\"timestamp\":\"2017-01-01T00:00:00Z\",\"event_type\":\"flow\"}"), "");
	CHECK_STR(suri("{\"event_type\":\"dns\",\"dns\":{\"type\":\"answer\"}}"), "ERR no timestamp");
	CHECK_STR(suri("[1]"), "ERR the JSON value is not an object");
	CHECK_STR(suri("{\"event_type\":\"dns\",\"dns\":{\"type\":\"answer\"}"),
			  "ERR bad JSON at byte 43: unexpected end of input");
}

static void
test_cof(void)
{
	CHECK_STR(cof("{\"count\":102,\"time_first\":1298412391,\"rrtype\":\"AAAA\",\"rrname\":\"www.ietf.org\","
				  "\"rdata\":\"2001:1890:1112:1::20\",\"time_last\":1302506851}"),
			  "www.ietf.org AAAA x102 @1298412391-1302506851: 2001:1890:1112:1::20");
	/* deviations: numbers as strings, rrdata, rrtype as a number, an rdata array */
	CHECK_STR(cof("{\"count\":\"7\",\"time_first\":\"1298412391\",\"time_last\":\"1298412400.5\",\"rrtype\":1,"
				  "\"rrname\":\"a.example\",\"rrdata\":[\"192.0.2.1\",\"192.0.2.2\"],\"sensor_id\":\"s1\","
				  "\"bailiwick\":\"example\"}"),
			  "a.example A x7 @1298412391-1298412400 sensor=s1 bw=example: 192.0.2.1 | 192.0.2.2");
	CHECK_STR(cof("{\"time_first_ms\":1298412391000,\"time_last_ms\":1298412392000,\"rrtype\":\"NS\","
				  "\"rrname\":\"example\",\"rdata\":[\"ns.example\"]}"),
			  "example NS x1 @1298412391-1298412392: ns.example");
	CHECK_STR(cof("{\"zone_time_first\":1,\"zone_time_last\":2,\"rrtype\":\"A\",\"rrname\":\"z\",\"rdata\":\"192.0.2.9\"}"),
			  "z A x1 @1-2: 192.0.2.9");
	CHECK_STR(cof("{\"time_first\":5,\"time_last\":4,\"rrtype\":\"A\",\"rrname\":\"z\",\"rdata\":\"1.2.3.4\"}"),
			  "ERR time_last is before time_first");
	CHECK_STR(cof("{\"time_first\":5,\"time_last\":6,\"rrtype\":\"A\",\"rrname\":\"z\",\"rdata\":[]}"),
			  "ERR the rdata array is empty");
	CHECK_STR(cof("{\"time_first\":5,\"time_last\":6,\"rrtype\":\"A\",\"rrname\":\"z\"}"), "ERR no rdata");
	CHECK_STR(cof("{\"time_first\":5,\"time_last\":6,\"rrtype\":\"BOGUS\",\"rrname\":\"z\",\"rdata\":\"x\"}"),
			  "ERR bad rrtype \"BOGUS\"");
	CHECK_STR(cof("{\"time_first\":5,\"rrtype\":\"A\",\"rrname\":\"z\",\"rdata\":\"x\"}"),
			  "ERR no time_first and time_last");
}

/* The formats as data: found by name, each line through its descriptor. */
static void
test_formats(void)
{
	static const char *const defaults[LOG_FORMAT_SETTINGS] = {NULL};
	static const char *const bad_letters[LOG_FORMAT_SETTINGS] = {"SQTAz", NULL};
	static const char *const semicolon[LOG_FORMAT_SETTINGS] = {"HcQTAn", ";"};
	passivedns_config cfg;
	zeek_state	z;
	const log_format *f;
	const char *line;

	CHECK(log_format_count == 6);
	for (size_t i = 0; i < log_format_count; i++)
		CHECK(log_format_find(log_formats[i].name) == &log_formats[i]);
	CHECK(log_format_find("bro") == NULL);

	/* a load's state from the settings; NULL is the default */
	f = log_format_find("passivedns");
	CHECK(f->state_size == sizeof(cfg) && strcmp(f->settings[0], "passivedns_fields") == 0);
	CHECK(f->state_init(&cfg, defaults, &err));
	line = "1322849924.408856||10.1.1.1||8.8.8.8||IN||a.example.||A||192.0.2.1||60||2";
	CHECK(f->parse_line(&cfg, &doc, line, strlen(line), &out, &err));
	CHECK_STR(log_dump(&out), "a.example. A one-rr x2 @1322849924 c=10.1.1.1 s=8.8.8.8: 192.0.2.1");
	CHECK(!f->state_init(&cfg, bad_letters, &err));
	CHECK_STR(err.reason, "unknown passivedns field letter 'z'");
	CHECK(f->state_init(&cfg, semicolon, &err));
	line = "2023-11-14 22:13:20.250000;10.0.0.2;h.example.org.;A;192.0.2.7;9";
	CHECK(f->parse_line(&cfg, &doc, line, strlen(line), &out, &err));
	CHECK(!f->sensor_per_line);

	/* Zeek keeps its header lines in its state */
	f = log_format_find("zeek");
	CHECK(f->state_size == sizeof(z) && f->state_init(&z, defaults, &err));
	line = "#fields\tts\tquery";
	CHECK(f->parse_line(&z, &doc, line, strlen(line), &out, &err) && out.n == 0);
	CHECK(z.nfields == 2);

	/*
	 * What a refused native line tells its reject: nothing before its
	 * fields are read; its sensor and client once they are.
	 */
	f = log_format_find("native-text");
	CHECK(f->sensor_per_line && f->state_size == 0);
	line = "1700000000\ts1\t10.0.0.1";
	CHECK(!f->parse_line(NULL, &doc, line, strlen(line), &out, &err));
	CHECK(!err.fields_read && err.sensor.len == 0 && err.client.len == 0);
	line = "1700000000\ts1\t10.0.0.1\t\ta.example\tBOGUS\t\t\t1.2.3.4";
	CHECK(!f->parse_line(NULL, &doc, line, strlen(line), &out, &err));
	CHECK_STR(err.reason, "unknown rrtype \"BOGUS\"");
	CHECK(err.fields_read && err.sensor.len == 2 && memcmp(err.sensor.ptr, "s1", 2) == 0 &&
		  err.client.len == 8 && memcmp(err.client.ptr, "10.0.0.1", 8) == 0);
	/* the next line starts from nothing */
	line = "1700000000";
	CHECK(!f->parse_line(NULL, &doc, line, strlen(line), &out, &err));
	CHECK(!err.fields_read && err.sensor.len == 0 && err.client.len == 0);
	line = "1700000000,s2,10.0.0.9,,a.example,A,,,1.2.3.4";
	CHECK(log_format_find("native-csv")->parse_line(NULL, &doc, line, strlen(line), &out, &err));
	CHECK_STR(log_dump(&out), "a.example A one-rr x1 @1700000000 c=10.0.0.9 sensor=s2: 1.2.3.4");
}

int
main(void)
{
	json_init(&doc);
	log_out_init(&out);
	test_passivedns();
	test_zeek();
	test_native();
	test_suricata();
	test_cof();
	test_formats();
	json_free(&doc);
	log_out_free(&out);
	UNIT_DONE("log_parsers");
}
