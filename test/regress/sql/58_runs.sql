-- The log-structured write path: runs appended by ingestion, compacted
-- into the store exactly once (CALL pdns.compact(), or inline), what
-- ingest_status says, and COPY's count of the lines it accepted.
SET search_path = pdns, public;
SET timezone = 'UTC';
SET datestyle = 'ISO';
SET pdns.pseudonymization_key = '1522178d33a4cf80130a5b1649907d10d8988f837979652762574c2d2a842202';
SET pdns.compaction = background;

TRUNCATE rrsets, rdata_addresses, rdata_names, rdata_elements, observations,
	negative_observations, client_observations, rejects, runs, compactions,
	pending_rrsets, pending_observations, pending_negatives, pending_clients;

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
SELECT client_activity FROM (SELECT sum(count) AS client_activity FROM client_observations
                             WHERE rrname = 'shared.runs.example') c;

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
