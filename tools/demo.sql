-- The tour that tools/demo.sh runs: sensor observations (tools/sample/),
-- a real packet capture when the corpora are there, then the questions.
\pset footer off
CREATE EXTENSION pdns CASCADE;
SET search_path = pdns, public;
SET timezone = 'UTC';
SET datestyle = 'ISO';

\echo
\echo '== 1. Two sensors'' observations, loaded with COPY (3 of the 603 lines are bad)'
\set sample :top '/tools/sample/observations.tsv'
-- (raw lines: some of these have fewer than the twelve fields, which
-- pdns.native_in's plain COPY would refuse as a whole)
\set copy_sample '\\copy pdns.ingest_text FROM ' :'sample' ' WITH (FORMAT csv, DELIMITER E''\\x01'', QUOTE E''\\x02'', ENCODING ''LATIN1'')'
:copy_sample
SELECT count(*) AS rrsets, sum(count) AS observations, (SELECT count(*) FROM rejects) AS rejected FROM rrsets;
SELECT reason FROM rejects ORDER BY id;
-- (no compaction worker here: the COPY compacted its own run before it returned)
SELECT pending_runs, compactions_last_hour, lines_last_hour FROM ingest_status;

\if :have_capture
\echo
\echo '== 2. A real capture (dnscap''s dns.pcap) through pdns-capture into the store'
\set copy_capture '\\copy pdns.wire_in FROM PROGRAM ''"' :capture_tool '" --dump --sensor tap0 "' :capture '" | grep -v ^REJECT'''
:copy_capture
SELECT count(*) AS rrsets_from_the_capture FROM rrsets r
WHERE EXISTS (SELECT 1 FROM observations o JOIN sensors s ON s.id = o.sensor_id
              WHERE o.rrset_key = r.key AND s.name = 'tap0');
\endif

\echo
\echo '== 3. What did www.example.com resolve to, and when? (DNSDB rrset lookup)'
SELECT rrname, rrtype, rdata, time_first, time_last, count FROM lookup_rrset('www.example.com');
\echo '   ... and as each sensor saw it (per-sensor answers)'
SELECT l.rdata, p.sensor, p.time_first, p.time_last, p.count
FROM lookup_rrset('www.example.com') l, per_sensor(l) p;

\echo
\echo '== 4. Everything under google.com (a btree range scan; badexample-style names never match)'
SELECT rrname, rrtype, rdata, count FROM lookup_rrset('*.google.com', max_results => 8);
EXPLAIN (COSTS OFF) SELECT * FROM rrsets_by_name('google.com', below => true);

\echo
\echo '== 5. What else lived on 192.0.2.0/24? (rdata lookup by CIDR)'
SELECT rrname, rrtype, rdata, count FROM lookup_rdata_ip('192.0.2.0/24', max_results => 8);

\echo
\echo '== 6. Which zones use the name servers of example.net?'
SELECT nameserver, zone, count FROM nameserver_history WHERE nameserver <<= 'example.net' ORDER BY 1, 2;

\echo
\echo '== 7. Volume per day, negative answers, and how many distinct clients asked'
SELECT period::date AS day, sum(count) AS observations FROM name_volume GROUP BY 1 ORDER BY 1;
SELECT rrname, kind, sum(count) AS count FROM negative_volume GROUP BY 1, 2 ORDER BY 3 DESC, 1 LIMIT 3;
SELECT rrname, rrtype, sum(clients) AS clients, sum(queries) AS queries
FROM client_activity GROUP BY 1, 2 ORDER BY 4 DESC, 1, 2 LIMIT 3;

\echo
\echo '== 8. The same answer as COF (Passive DNS Common Output Format) NDJSON'
SELECT to_cof(l) FROM lookup_rrset('example.com', 'NS') l;

\echo
\echo '== 9. Names: canonical order, IDN, registered domains'
SELECT n AS typed, n::dnsname AS stored, to_unicode(n::dnsname) AS shown,
       registered_domain(n::dnsname) AS registered
FROM (VALUES ('WWW.Bücher.DE.'), ('a.b.example.co.uk'), ('www.食狮.公司.cn')) v(n);

\echo
\echo '== 10. Signals: a newly observed domain, a planted NXDOMAIN spike, machine-made names'
-- planted on 26 November: a domain nobody had seen logs in, and sensor-ams
-- sees a burst of NXDOMAINs under example.co.uk with random-looking labels
INSERT INTO ingest_text
SELECT format(E'%s\tsensor-ams\t10.1.0.9\t203.0.113.53\tlogin.secure-payments-example.com\tA\tIN\t300\t198.51.100.77',
              1732600000);
INSERT INTO ingest_text
SELECT format(E'%s\tsensor-ams\t10.1.0.%s\t203.0.113.53\t%s.example.co.uk\tA\tIN\t\t\t\t1\tNXDOMAIN',
              1732600000 + i, i % 50, translate(left(md5(i::text), 12), '0123456789', 'qxzkvjwbpg'))
FROM generate_series(1, 300) i;
SELECT subject AS new_domain, first_seen, rrname, rdata
FROM newly_observed WHERE kind = 'domain' AND sensor IS NULL AND first_seen >= '2024-11-26';
SELECT domain, sensor, kind, count, baseline_median, round(score::numeric, 1) AS score
FROM negative_spikes('2024-11-26', baseline_periods => 6);
SELECT rrname, round(randomness(rrname)::numeric, 2) AS randomness
FROM negative_volume WHERE period = '2024-11-26' AND kind = 'NXDOMAIN'
ORDER BY randomness(rrname) DESC, rrname LIMIT 3;

\echo
\echo '== 11. Search (DNSDB Flex): a regular expression over names, a glob over rdata, and a rollup'
SELECT rrname, rrtype, time_first, count FROM search_rrnames('^(mail|smtp)[0-9]*\.', max_results => 5);
SELECT rdata, rrtype, count FROM search_rdata('*.example.net.', 'glob', max_results => 5);
SELECT * FROM top_new_domains('2024-11-01', 5);
