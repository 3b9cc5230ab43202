-- The log-structured write path: runs appended by ingestion, compacted
-- into the store exactly once (CALL pdns.compact(), or inline), what
-- ingest_status says, and COPY's count of the lines it accepted.
SET search_path = pdns, public;
SET timezone = 'UTC';
SET datestyle = 'ISO';
SET pdns.pseudonymization_key = '1522178d33a4cf80130a5b1649907d10d8988f837979652762574c2d2a842202';
SET pdns.compaction = background;
SELECT record_clients FROM configure(record_clients => 'count');

TRUNCATE rrsets, rdata_addresses, rdata_names, rdata_elements, observations,
	negative_observations, client_observations, rejects, runs, compactions,
	pending_rrsets, pending_observations, pending_negatives, pending_clients, client_counts;

-- The native layout in COPY's own text format: one column per field, COPY
-- unescaping (\\ is one backslash).  COPY counts every line it took, the
-- bad one kept in rejects with its reason (an INSERT counts none: rows are
-- never stored).
COPY native_in FROM STDIN;
1700000000	s1	192.0.2.1		www.runs.example	A	IN	300	192.0.2.80	runs.example	2	NOERROR
1700000060	s1	192.0.2.2		www.runs.example	A	IN	300	192.0.2.80	runs.example	\N	\N
1700000060	s1	192.0.2.2		txt.runs.example	TXT	IN	300	"a\\059b"	runs.example	1	NOERROR
1700000060	s1	192.0.2.2		bad.runs.example	A	IN	300	not-an-address	runs.example	1	NOERROR
\.
\echo :ROW_COUNT
-- fewer fields: name the columns
COPY native_in (time, sensor, client, server, rrname, rrtype, class, ttl, rdata) FROM STDIN;
1700000120	s2	\N	\N	www.runs.example	A	\N	\N	192.0.2.80
\.
\echo :ROW_COUNT

INSERT INTO native_in (time, sensor, rrname, rrtype, rdata) VALUES
	('1700000120', 's2', 'www.runs.example', 'A', '192.0.2.80'),
	('1700000120', 's2', 'www.runs.example', 'A', 'bad'),
	('', 's2', 'www.runs.example', 'A', '192.0.2.80');
\echo :ROW_COUNT

-- Three runs wait; their rejects are kept at once; lookups see nothing yet.
SELECT pending_runs, pending_lines, pending_rows, oldest_pending_age > interval '0' AS aged
FROM ingest_status;
SELECT target, reason FROM rejects;
SELECT count(*) FROM lookup_rrset('*.runs.example');

CALL compact();
SELECT pending_runs, pending_lines, pending_rows, oldest_pending_age, compactions_last_hour,
       lines_last_hour
FROM ingest_status;
SELECT rrname, rrtype, rdata, count, time_first, time_last FROM lookup_rrset('*.runs.example')
ORDER BY rrname::text;
SELECT period, count FROM observations ORDER BY period, count;
SELECT (SELECT count(*) FROM pending_rrsets) + (SELECT count(*) FROM pending_observations)
     + (SELECT count(*) FROM pending_clients) AS pending_rows_left;
-- nothing left: a second compaction merges nothing
CALL compact();
SELECT count FROM rrsets WHERE rrname = 'www.runs.example';

-- Runs sharing keys are summed once each, whichever compaction takes them.
INSERT INTO ingest_text VALUES (E'1700000200\ts1\t192.0.2.9\t\tshared.runs.example\tA\t\t\t192.0.2.7\t\t5');
INSERT INTO ingest_text VALUES (E'1700000300\ts1\t192.0.2.9\t\tshared.runs.example\tA\t\t\t192.0.2.7\t\t7');
BEGIN;
INSERT INTO ingest_text VALUES (E'1700000400\ts2\t192.0.2.9\t\tshared.runs.example\tA\t\t\t192.0.2.7\t\t11');
CALL compact(max_rows => 1);	-- atomic here: every step in this transaction
COMMIT;
SELECT count, time_first, time_last FROM rrsets WHERE rrname = 'shared.runs.example';
SELECT s.name, o.count FROM observations o JOIN sensors s ON s.id = o.sensor_id
JOIN rrsets r ON r.key = o.rrset_key WHERE r.rrname = 'shared.runs.example' ORDER BY s.name;
-- Client activity by default: a distinct-client count per name, type,
-- period and sensor (one client, 192.0.2.9, in both sensors); no
-- per-client row anywhere.
SELECT rrname, rrtype, period, clients, queries, sensors FROM client_activity
WHERE rrname = 'shared.runs.example';
SELECT s.name, round(hll_cardinality(c.clients)) AS clients, c.count
FROM client_counts c JOIN sensors s ON s.id = c.sensor_id
WHERE c.rrname = 'shared.runs.example' ORDER BY s.name;
SELECT count(*) AS client_log_rows FROM client_observations;
-- The sketches hold registers only (hll_type 3: sparse; explicit mode,
-- type 2, a list of hashes, is off), even for one client.
SELECT DISTINCT hll_type(clients) AS sketch_type FROM client_counts;

-- Many clients: the estimate against the exact count (2 000 distinct
-- clients over three runs, some in two of them).
INSERT INTO ingest_text SELECT format(E'1700000700\ts1\t10.9.%s.%s\t\tmany.runs.example\tA\t\t\t192.0.2.77',
                                      i / 256, i % 256) FROM generate_series(0, 999) i;
INSERT INTO ingest_text SELECT format(E'1700000800\ts1\t10.9.%s.%s\t\tmany.runs.example\tA\t\t\t192.0.2.77',
                                      i / 256, i % 256) FROM generate_series(500, 1499) i;
INSERT INTO ingest_text SELECT format(E'1700000900\ts1\t10.9.%s.%s\t\tmany.runs.example\tA\t\t\t192.0.2.77',
                                      i / 256, i % 256) FROM generate_series(1000, 1999) i;
CALL compact();
SELECT queries, abs(clients - 2000) <= 2000 * 0.023 * 3 AS within_three_standard_errors
FROM client_activity WHERE rrname = 'many.runs.example';
SELECT DISTINCT hll_type(clients) <> 2 AS never_explicit FROM client_counts;

-- The client log (opt-in): rows appended by each compaction, readable by
-- pdns_incident only.
SELECT record_clients FROM configure(record_clients => 'log');
INSERT INTO ingest_text VALUES (E'1700001000\ts1\t192.0.2.9\t\tshared.runs.example\tA\t\t\t192.0.2.7\t\t2');
INSERT INTO ingest_text VALUES (E'1700001100\ts1\t192.0.2.9\t\tshared.runs.example\tA\t\t\t192.0.2.7\t\t3');
CALL compact(max_rows => 1);
SELECT count(*) AS rows, sum(count) AS count, count(DISTINCT client) AS clients,
       bool_and(client <> '192.0.2.9') AS pseudonymized
FROM client_observations WHERE rrname = 'shared.runs.example';
SELECT clients, queries FROM client_activity WHERE rrname = 'shared.runs.example';
-- The sketches ingestion folds clients into (src/core/hll_sketch.c) are
-- byte for byte what the hll extension makes of the same pseudonyms, few
-- (sparse) or many (full), over several runs.
INSERT INTO ingest_text SELECT format(E'1700001300\ts1\t10.8.%s.%s\t\tlogged.runs.example\tA\t\t\t192.0.2.78',
                                      i / 256, i % 256) FROM generate_series(0, 1199) i;
INSERT INTO ingest_text SELECT format(E'1700001400\ts1\t10.8.%s.%s\t\tlogged.runs.example\tA\t\t\t192.0.2.78',
                                      i / 256, i % 256) FROM generate_series(1000, 1999) i;
INSERT INTO ingest_text SELECT format(E'1700001400\ts2\t10.8.%s.%s\t\tfew.runs.example\tA\t\t\t192.0.2.79',
                                      i / 256, i % 256) FROM generate_series(0, 4) i;
CALL compact();
SELECT c.rrname, hll_type(c.clients) AS form, c.clients = l.clients AS same_bytes,
       round(hll_cardinality(c.clients)) AS estimate, l.exact
FROM client_counts c
JOIN (SELECT rrname, rrtype, period, sensor_id, count(DISTINCT client) AS exact,
             hll_add_agg(hll_hash_bytea(inet_send(client)), 11, 5, 0, 1) AS clients
      FROM client_observations GROUP BY 1, 2, 3, 4) l USING (rrname, rrtype, period, sensor_id)
WHERE c.rrname IN ('logged.runs.example', 'few.runs.example') ORDER BY 1;
SELECT has_table_privilege('pdns_incident', 'client_observations', 'SELECT') AS incident,
       has_table_privilege('pdns_admin', 'client_observations', 'SELECT') AS admin,
       has_table_privilege('pdns_analyst', 'client_observations', 'SELECT') AS analyst,
       has_table_privilege('pdns_analyst', 'client_activity', 'SELECT') AS analyst_counts;
SELECT _retention('client_observations') AS log_kept, _retention('observations') AS kept;
SELECT record_clients FROM configure(record_clients => 'off');
INSERT INTO ingest_text VALUES (E'1700001200\ts1\t192.0.2.9\t\tquiet.runs.example\tA\t\t\t192.0.2.7');
CALL compact();
SELECT count(*) AS counted FROM client_counts WHERE rrname = 'quiet.runs.example';
SELECT record_clients FROM configure(record_clients => 'sometimes');
SELECT record_clients FROM configure(record_clients => 'count');

-- Whole RRsets from line formats: consecutive lines of one response (same
-- time, sensor, client, name, type, bailiwick and count) are one RRset,
-- as DNSDB stores it; a line that differs in any of these, or repeats an
-- rdata already in the set, starts another.
INSERT INTO ingest_text VALUES
	(E'1700002000\ts1\t192.0.2.1\t\tpair.runs.example\tA\t\t\t198.51.100.1\truns.example'),
	(E'1700002000\ts1\t192.0.2.1\t\tpair.runs.example\tA\t\t\t198.51.100.2\truns.example'),
	(E'1700002000\ts1\t192.0.2.1\t\tpair.runs.example\tNS\t\t\tns1.runs.example.\truns.example'),
	(E'1700002000\ts1\t192.0.2.1\t\tpair.runs.example\tNS\t\t\tns2.runs.example.\truns.example'),
	(E'1700002000\ts1\t192.0.2.1\t\tpair.runs.example\tA\t\t\t198.51.100.1\truns.example'),
	(E'1700002000\ts1\t192.0.2.1\t\tpair.runs.example\tA\t\t\t198.51.100.1\truns.example'),
	(E'1700002000\ts1\t192.0.2.2\t\tpair.runs.example\tA\t\t\t198.51.100.2\truns.example'),
	(E'1700002001\ts1\t192.0.2.2\t\tpair.runs.example\tA\t\t\t198.51.100.3\truns.example');
CALL compact();
SELECT rrtype, rdata, count FROM lookup_rrset('pair.runs.example', 'ANY') ORDER BY rrtype::text, rdata::text;
-- passivedns logs one RR a line too
INSERT INTO passivedns_in VALUES
	('1700002100||10.0.0.1||10.0.0.53||IN||pdns-pair.runs.example.||A||203.0.113.1||300||1'),
	('1700002100||10.0.0.1||10.0.0.53||IN||pdns-pair.runs.example.||A||203.0.113.2||300||1'),
	('1700002100||10.0.0.1||10.0.0.53||IN||pdns-pair.runs.example.||AAAA||2001:db8::1||300||1');
CALL compact();
SELECT rrtype, rdata, count FROM lookup_rrset('pdns-pair.runs.example', 'ANY') ORDER BY rrtype::text;
-- formats that log whole answers or messages are not regrouped: two
-- identical Zeek answers at the same time stay two observations
INSERT INTO zeek_in VALUES
	('{"ts":1700002200.0,"uid":"C1","id.orig_h":"10.0.0.1","id.orig_p":5353,"id.resp_h":"10.0.0.53","id.resp_p":53,"proto":"udp","trans_id":1,"query":"zeek.runs.example","qclass":1,"qclass_name":"C_INTERNET","qtype":1,"qtype_name":"A","rcode":0,"rcode_name":"NOERROR","AA":false,"TC":false,"RD":true,"RA":true,"Z":0,"answers":["203.0.113.9"],"TTLs":[60.0],"rejected":false}'),
	('{"ts":1700002200.0,"uid":"C1","id.orig_h":"10.0.0.1","id.orig_p":5353,"id.resp_h":"10.0.0.53","id.resp_p":53,"proto":"udp","trans_id":1,"query":"zeek.runs.example","qclass":1,"qclass_name":"C_INTERNET","qtype":1,"qtype_name":"A","rcode":0,"rcode_name":"NOERROR","AA":false,"TC":false,"RD":true,"RA":true,"Z":0,"answers":["203.0.113.9"],"TTLs":[60.0],"rejected":false}');
CALL compact();
SELECT rrtype, rdata, count FROM lookup_rrset('zeek.runs.example');

-- A run rolled back is never listed.
BEGIN;
INSERT INTO ingest_text VALUES (E'1700000500\ts1\t\t\tgone.runs.example\tA\t\t\t192.0.2.8');
SELECT pending_runs FROM ingest_status;
ROLLBACK;
SELECT pending_runs FROM ingest_status;

-- Inline: the statement compacts its own run before it ends.
SET pdns.compaction = inline;
INSERT INTO ingest_text VALUES (E'1700000600\ts1\t\t\tinline.runs.example\tA\t\t\t192.0.2.9');
SELECT pending_runs FROM ingest_status;
SELECT count FROM rrsets WHERE rrname = 'inline.runs.example';

-- Counts saturate in the merge as in the batch.
SELECT _count_add(count_ceiling(), 5) = count_ceiling() AS saturates,
       _count_add(2, 3) AS five;
SELECT _any(x) FROM (VALUES (NULL::text), ('b'), ('c')) v(x);

CALL compact(max_rows => 0);
SHOW pdns.compaction;
SET pdns.compaction = sideways;

-- The run writer finds each column of a pending table by its name: a
-- table in another column order takes the same rows; one that lacks a
-- column, or has one more, is an error naming it, not rows in the wrong
-- places.
SET pdns.compaction = background;
BEGIN;
ALTER TABLE pending_observations RENAME TO pending_observations_was;
CREATE TABLE pending_observations (count bigint, run_id bigint NOT NULL, sensor_id integer,
	time_last timestamptz, time_first timestamptz, rrset_key uuid, period timestamptz);
INSERT INTO ingest_text VALUES (E'1700000700\ts1\t\t\treordered.runs.example\tA\t\t\t192.0.2.10');
SELECT count, time_first = to_timestamp(1700000700) AS first_right, sensor_id IS NOT NULL AS has_sensor
FROM pending_observations;
ROLLBACK;
BEGIN;
ALTER TABLE pending_negatives RENAME COLUMN rcode TO response_code;
INSERT INTO ingest_text VALUES (E'1700000700\ts1\t\t\tlacking.runs.example\tA\t\t\t192.0.2.10');
ROLLBACK;
BEGIN;
ALTER TABLE pending_rrsets ADD COLUMN extra integer;
INSERT INTO ingest_text VALUES (E'1700000700\ts1\t\t\textra.runs.example\tA\t\t\t192.0.2.10');
ROLLBACK;
SET pdns.compaction = inline;
