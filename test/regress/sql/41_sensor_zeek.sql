-- Zeek dns.log through pdns.zeek_in: every file of the corpus (timestamps
-- masked by Zeek's test tool, so once as they are -- every data line a
-- reject -- and once with a time put in), the header driving the layout,
-- owner and type inference, negatives, JSON lines, and header state that
-- belongs to one COPY.
SET search_path = pdns, public;
SET timezone = 'UTC';
SET datestyle = 'ISO';
SET pdns.pseudonymization_key = '1522178d33a4cf80130a5b1649907d10d8988f837979652762574c2d2a842202';
-- the client log too (opt-in): the checks below read who asked
SELECT record_clients FROM configure(record_clients => 'log');
SET pdns.sensor = 'zeek-1';
-- (starts from an empty store)
TRUNCATE rrsets, rdata_addresses, rdata_names, rdata_elements, observations,
	negative_observations, client_observations, rejects;

CREATE TEMP VIEW stored AS
SELECT r.rrname, r.rrtype, CASE WHEN r.rrtype = 'TXT' THEN md5(array_to_string(rdata(r.rdata), ' '))
       ELSE array_to_string(rdata(r.rdata), ' ') END AS rdata, r.time_first, r.time_last, r.count, r.lossy
FROM rrsets r ORDER BY r.rrname, r.rrtype, 3;

-- As they are: the masked "XXXXXXXXXX.XXXXXX" times of the lines that
-- observe something are rejected; lines without a response are not.
\copy zeek_in from program 'cat "$PDNS_CORPORA"/zeek-dns-log/*.dns.log' with (format csv, delimiter E'\x01', quote E'\x02', encoding 'LATIN1')
SELECT reason, count(*) FROM rejects GROUP BY 1 ORDER BY 1;
SELECT count(*) AS stored FROM rrsets;
TRUNCATE rejects;

-- With a time: 28 data lines in 14 files.
\copy zeek_in from program 'for f in "$PDNS_CORPORA"/zeek-dns-log/*.dns.log; do sed "s/XXXXXXXXXX\.XXXXXX/1700000000.000000/" "$f"; done' with (format csv, delimiter E'\x01', quote E'\x02', encoding 'LATIN1')
SELECT * FROM stored;
SELECT rrname, rrtype, rcode, count FROM negative_observations ORDER BY rrname;
SELECT count(*) AS rejects FROM rejects;
-- The TXT answer of ipv6-frag: one RR of three strings (Zeek's lengths), exactly.
SELECT rrname, cardinality(rdata(rdata)) AS rrs, length((rdata(rdata))[1]) AS text_length,
       (rdata(rdata))[1] LIKE '"This TXT record should be ignored" "As it is just padding" "XXX%' AS starts_right
FROM rrsets WHERE rrname = 'txtpadding_323.n1.netalyzr.icsi.berkeley.edu';
SELECT count(*) AS client_rows FROM client_observations;

-- Crafted: a CNAME chain with RRSIG summaries, MX under an MX query (lossy),
-- the set separator and a tab inside TXT escaped as \x2c and \x09, a header
-- that changes the separator and fields mid-stream.
TRUNCATE rrsets, rdata_addresses, rdata_names, rdata_elements, observations,
	negative_observations, client_observations, rejects;
COPY zeek_in FROM STDIN WITH (FORMAT csv, DELIMITER E'\x01', QUOTE E'\x02', ENCODING 'LATIN1');
#separator \x09
#set_separator	,
#empty_field	(empty)
#unset_field	-
#fields	ts	id.orig_h	id.resp_h	query	qclass	qtype	rcode	TC	answers	TTLs
1700000000.5	10.0.0.1	10.0.0.53	www.example.com	1	1	0	F	web.example.net,RRSIG 5 example.com,192.0.2.1,192.0.2.2	60,60,60,60
1700000001	10.0.0.1	10.0.0.53	example.com	1	15	0	F	mx1.example.com,mx2.example.com	60,60
1700000002	10.0.0.1	10.0.0.53	t.example.com	1	16	0	F	TXT 3 a\x2cb TXT 6 c\x09d\x5c"e	60
1700000003	10.0.0.1	10.0.0.53	nodata.example.com	1	28	0	F	-	-
1700000004	10.0.0.1	10.0.0.53	(empty)	1	2	0	F	a.root-servers.net	60
1700000005	10.0.0.1	10.0.0.53	bad.example.com	1	1	0	F	192.0.2.1	60	extra
#separator |
#fields|ts|query|qtype|rcode|answers
1700000006|v6.example.com|28|0|2001:db8::1,2001:db8::2
\.
SELECT * FROM stored;
SELECT rdata(rdata) FROM rrsets WHERE rrname = 't.example.com';
SELECT rrname, rrtype, rcode FROM negative_observations;
SELECT reason, convert_from(raw, 'UTF8') AS raw FROM rejects ORDER BY id;

-- Header state belongs to one statement: a COPY without a header is
-- rejected line by line, not read with the previous file's layout.
COPY zeek_in FROM STDIN WITH (FORMAT csv, DELIMITER E'\x01', QUOTE E'\x02', ENCODING 'LATIN1');
1700000007	10.0.0.1	10.0.0.53	late.example.com	1	1	0	F	192.0.2.9	60
\.
SELECT reason FROM rejects WHERE convert_from(raw, 'UTF8') LIKE '%late.example.com%';

-- JSON lines (LogAscii::use_json) need no header; ts as a number or ISO 8601.
INSERT INTO zeek_in VALUES
	('{"ts":1700000010.25,"id.orig_h":"10.0.0.1","id.resp_h":"10.0.0.53","query":"j.example.com","qclass":1,"qtype":1,"rcode":0,"TC":false,"answers":["alias.example.net","192.0.2.44"],"TTLs":[60.0,60.0]}'),
	('{"ts":"2023-11-14T22:13:30Z","query":"jnx.example.com","qtype":28,"rcode":3}'),
	('{"ts":1700000010,"query":"j.example.com","qtype":1,"rcode":0,"answers":"192.0.2.1"}');
SELECT * FROM stored WHERE rrname IN ('j.example.com', 'alias.example.net');
SELECT rrname, rrtype, rcode, time_first FROM negative_observations WHERE rrname = 'jnx.example.com';
SELECT reason FROM rejects WHERE convert_from(raw, 'UTF8') LIKE '{%';
