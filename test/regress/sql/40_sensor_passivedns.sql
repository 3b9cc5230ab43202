-- gamelinux passivedns logs through pdns.passivedns_in: the upstream sample
-- through COPY with the raw-line options, each line an aggregation window
-- (count summed, time = the window's last sighting), lossy types flagged,
-- NXDOMAIN records, a chosen field set and delimiter, the JSON output, and
-- every malformed line in rejects with its reason.
SET search_path = pdns, public;
SET timezone = 'UTC';
SET datestyle = 'ISO';
SET pdns.pseudonymization_key = '1522178d33a4cf80130a5b1649907d10d8988f837979652762574c2d2a842202';
-- the client log too (opt-in): the checks below read who asked
SELECT record_clients FROM configure(record_clients => 'log');
SET pdns.sensor = 'pdns-1';
-- (starts from an empty store)
TRUNCATE rrsets, rdata_addresses, rdata_names, rdata_elements, observations,
	negative_observations, client_observations, rejects;

CREATE TEMP VIEW stored AS
SELECT r.rrname, r.rrtype, rdata(r.rdata) AS rdata, r.time_first, r.time_last, r.count, r.lossy
FROM rrsets r ORDER BY r.rrname, r.rrtype, rdata(r.rdata);

-- The README sample (a header line and 6 records), twice: counts add up.
\copy passivedns_in from program 'cat "$PDNS_CORPORA"/passivedns/gamelinux-passivedns-README-sample.log' with (format csv, delimiter E'\x01', quote E'\x02', encoding 'LATIN1')
\copy passivedns_in from program 'cat "$PDNS_CORPORA"/passivedns/gamelinux-passivedns-README-sample.log' with (format csv, delimiter E'\x01', quote E'\x02', encoding 'LATIN1')
SELECT * FROM stored;
SELECT sum(count) = 2 * (5 + 5 + 8 + 8 + 3 + 2) AS counts_add_up FROM rrsets;
SELECT s.name AS sensor, o.period, o.count FROM observations o JOIN sensors s ON s.id = o.sensor_id
JOIN rrsets r ON r.key = o.rrset_key WHERE r.rrname = 'www.adobe.com' AND r.rrtype = 'CNAME';
SELECT count(*) AS client_rows, bool_and(client <> '10.1.1.1') AS pseudonymized FROM client_observations;
SELECT count(*) AS rejects FROM rejects;

-- Lossy types: the name only, rebuilt with placeholders and kept apart.
INSERT INTO passivedns_in VALUES
	('1700000000.5||10.0.0.1||10.0.0.53||IN||example.com.||MX||mx.example.com.||300||4'),
	('1700000100||10.0.0.1||10.0.0.53||IN||example.com.||SOA||ns.example.com.||300||1'),
	('1700000100||10.0.0.1||10.0.0.53||IN||_sip._udp.example.com.||SRV||sip.example.com.||300||1'),
	('1700000100||10.0.0.1||10.0.0.53||IN||example.com.||TXT||"v=spf1 || -all"||300||2'),
	('1700000100||10.0.0.1||10.0.0.53||IN||www.example.com.||NAPTR||100 10 "u" "E2U+sip" "!^.*$!sip:a@example.com!" .||300||1'),
	('1700000200||10.0.0.1||10.0.0.53||IN||nx.example.com.||A||NXDOMAIN||0||1'),
	('1700000200||10.0.0.1||10.0.0.53||IN||sf.example.com.||AAAA||SERVFAIL||0||1');
SELECT rrname, rrtype, rdata, count, lossy FROM stored WHERE rrname <<= 'example.com';
SELECT rrname, rrtype, rcode, count FROM negative_observations ORDER BY rrname;

-- Another field set (passivedns -f HcQTAn -d ';'): H is "YYYY-mm-dd HH:MM:SS.usec".
SET pdns.passivedns_fields = 'HcQTAn';
SET pdns.passivedns_delimiter = ';';
INSERT INTO passivedns_in VALUES ('2023-11-14 22:13:20.250000;10.0.0.2;h.example.org.;A;192.0.2.7;9');
RESET pdns.passivedns_delimiter;
RESET pdns.passivedns_fields;
SELECT rrname, rdata, time_first, time_last, count FROM stored WHERE rrname = 'h.example.org';
-- Settings are checked when set.
SET pdns.passivedns_fields = 'SQTAz';
SET pdns.passivedns_fields = 'cQTA';
SET pdns.passivedns_delimiter = '';

-- The JSON output (passivedns -j): timestamp_ms holds microseconds.
INSERT INTO passivedns_in VALUES
	('{"timestamp_s":1700000300,"timestamp_ms":500000,"client":"10.0.0.3","server":"10.0.0.53","class":"IN","query":"j.example.org.","type":"AAAA","answer":"2001:db8::7","ttl":60,"count":3}');
SELECT rrname, rrtype, rdata, time_first, count FROM stored WHERE rrname = 'j.example.org';

-- Malformed lines: each in rejects, verbatim, with its reason and sensor.
INSERT INTO passivedns_in VALUES
	('1700000000||10.0.0.1||10.0.0.53||IN||bad.example.||A||300.1.2.3||60||1'),
	('1700000000||10.0.0.1||10.0.0.53||IN||bad.example.||A||192.0.2.1||60||0'),
	('1700000000||10.0.0.1||10.0.0.53||CH||version.bind.||TXT||"x"||0||1'),
	('1700000000||not-an-ip||10.0.0.53||IN||bad.example.||A||192.0.2.1||60||1'),
	('1700000000||10.0.0.1||10.0.0.53||IN||bad..example.||A||192.0.2.1||60||1'),
	('soon||10.0.0.1||10.0.0.53||IN||bad.example.||A||192.0.2.1||60||1'),
	('1700000000||10.0.0.1'),
	('{"timestamp_s":1700000000,"query":"x."'),
	('1700000000||10.0.0.1||10.0.0.53||IN||bad.example.||BOGUS||192.0.2.1||60||1');
SELECT target, sensor, reason, convert_from(raw, 'UTF8') AS raw FROM rejects ORDER BY id;
