-- 10 000 lines with 1% garbage, loaded the documented way (a file through
-- COPY with the raw-line options): exactly the 100 bad lines are rejected,
-- with their reasons, and exactly the 9 900 good ones land.
SET search_path = pdns, public;
SET timezone = 'UTC';
SET pdns.pseudonymization_key = '1522178d33a4cf80130a5b1649907d10d8988f837979652762574c2d2a842202';
-- the client log too (opt-in): the checks below read who asked
SELECT record_clients FROM configure(record_clients => 'log');
-- (starts from an empty store)
TRUNCATE rrsets, rdata_addresses, rdata_names, rdata_elements, observations,
	negative_observations, client_observations, rejects;

-- Every 100th line is broken, ten different ways.
CREATE TEMP TABLE bulk AS
SELECT i, convert_to(CASE WHEN i % 100 <> 0 THEN
	format(E'%s\tbulk-%s\t10.%s.%s.%s\t\th%s.zone%s.bulk.example\t%s\tIN\t300\t%s\tbulk.example\t%s',
	       1700000000 + i * 7, i % 4, i % 7, i % 11, i % 13, i % 997, i % 10,
	       CASE WHEN i % 3 = 0 THEN 'AAAA' ELSE 'A' END,
	       CASE WHEN i % 3 = 0 THEN format('2001:db8::%s', to_hex(i % 500)) ELSE format('198.51.%s.%s', i % 3, i % 200) END,
	       1 + i % 3)
ELSE (ARRAY[
	E'not-a-time\ts\t\t\ta.bulk.example\tA\t\t\t192.0.2.1',
	E'1700000000\ts\t\t\ta..bulk.example\tA\t\t\t192.0.2.1',
	E'1700000000\ts\t\t\ta.bulk.example\tNOTATYPE\t\t\t192.0.2.1',
	E'1700000000\ts\t\t\ta.bulk.example\tA\t\t\t300.0.0.1',
	E'1700000000\ts\t1.2.3\t\ta.bulk.example\tA\t\t\t192.0.2.1',
	E'1700000000\ts\ta.bulk.example',
	E'1700000000\ts\t\t\ta.bulk.example\tA\t\t\t192.0.2.1\t\t-1',
	E'1700000000\ts\t\t\ta.bulk.example\tAAAA\t\t\t192.0.2.1',
	E'1700000000\ts\t\t\ta.bulk.example\tA\tCH\t\t192.0.2.1',
	'binary'
])[1 + (i / 100) % 10] END, 'UTF8') AS line
FROM generate_series(1, 10000) i;
-- the tenth kind: octets that are not UTF-8 at all
UPDATE bulk SET line = '\xfffe2062696e617279206a756e6b2001'::bytea WHERE line = 'binary';

-- Write it to a file, one line per row, byte for byte (not COPY's escaping).
\copy (SELECT convert_from(line, 'LATIN1') FROM bulk ORDER BY i) TO 'test/regress/results/bulk.tsv' WITH (FORMAT csv, DELIMITER E'\x01', QUOTE E'\x02', ENCODING 'LATIN1')
\copy ingest_text FROM 'test/regress/results/bulk.tsv' WITH (FORMAT csv, DELIMITER E'\x01', QUOTE E'\x02', ENCODING 'LATIN1')

-- The good side: every good line counted once (counts are 1..3 per line).
SELECT sum(1 + i % 3) AS expected_observations FROM bulk WHERE i % 100 <> 0;
SELECT sum(count) AS stored_observations, count(*) AS rrsets FROM rrsets WHERE rrname << 'bulk.example';
SELECT sum(o.count) AS in_periods FROM observations o JOIN rrsets r ON r.key = o.rrset_key
WHERE r.rrname << 'bulk.example';
SELECT sum(count) AS client_activity FROM client_observations WHERE rrname << 'bulk.example';

-- The bad side: exactly the 100 bad lines, verbatim, with their reasons --
-- but for the lines whose client field is not an address ("1.2.3"): they
-- may hold a client address anywhere, so every address in them is
-- pseudonymized (docs/privacy.md).
SELECT count(*) AS rejects FROM rejects WHERE target = 'native-text';
SELECT reason, count(*) FROM rejects GROUP BY reason ORDER BY reason;
SELECT count(*) AS verbatim FROM rejects r
WHERE EXISTS (SELECT 1 FROM bulk b WHERE b.line = r.raw AND b.i % 100 = 0);
SELECT count(*) AS addresses_pseudonymized FROM rejects r
WHERE reason = 'bad client address "1.2.3"'
  AND position('\t192.0.2.1' IN convert_from(raw, 'UTF8')) = 0;
SELECT DISTINCT encode(raw, 'hex') AS binary_line_octets FROM rejects WHERE raw = '\xfffe2062696e617279206a756e6b2001';
