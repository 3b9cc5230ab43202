-- COPY ingestion of the native layout: every tier, every reject reason,
-- deduplication, transactions.
SET search_path = pdns, public;
SET timezone = 'UTC';
SET datestyle = 'ISO';
-- the Crypto-PAn sample key (public: tests only)
SET pdns.pseudonymization_key = '1522178d33a4cf80130a5b1649907d10d8988f837979652762574c2d2a842202';
-- the client log too (opt-in): the checks below read who asked
SELECT record_clients FROM configure(record_clients => 'log');

-- (starts from an empty store)
TRUNCATE rrsets, rdata_addresses, rdata_names, rdata_elements, observations,
	negative_observations, client_observations, rejects;

-- A view of the store that does not depend on digests or sensor numbers.
CREATE TEMP VIEW stored AS
SELECT r.rrname, r.rrtype, r.bailiwick, rdata(r.rdata) AS rdata, r.time_first, r.time_last,
       r.count, r.lossy
FROM rrsets r ORDER BY r.rrname, r.rrtype, r.bailiwick, rdata(r.rdata);

-- Valid lines of every kind, as text (tab-separated).
INSERT INTO ingest_text VALUES
	(E'1700000000\tsensor-a\t192.0.2.1\t198.51.100.53\twww.example.com\tA\tIN\t300\t192.0.2.80\texample.com\t2\tNOERROR'),
	(E'1700000060.5\tsensor-a\t192.0.2.2\t\tWWW.Example.COM.\ta\t\t\t192.0.2.80\texample.com.'),
	(E'2023-11-14T23:00:00Z\tsensor-b\t\t\twww.example.com\tA\tIN\t300\t192.0.2.80\texample.com\t5'),
	(E'1700000100\tsensor-b\t\t\tmail.example.com\tMX\tIN\t3600\t10 MX.Example.NET.\texample.com'),
	(E'1700000100\tsensor-b\t2001:db8::53\t\texample.com\tNS\t1\t\tns1.example.net.'),
	(E'1700000100\tsensor-b\t\t\texample.com\tTXT\t\t\t"v=spf1 -all" "second"'),
	(E'1700000100\tsensor-b\t\t\tv6.example.com\tAAAA\t\t\t2001:db8::1'),
	(E'1700000100\tsensor-b\t\t\tnx.example.com\tA\t\t\t\t\t3\tNXDOMAIN'),
	(E'1700000100\tsensor-b\t\t\tnodata.example.com\tAAAA\t\t\t'),
	(E'1700000100\tsensor-b\t\t\tfail.example.com\tA\t\t\tignored\t\t\tSERVFAIL'),
	(E'1700000100\tsensor-b\t\t\tweird.example.com\tTYPE65534\t\t\t\\\\# 2 abcd'),
	(E'1700000100\tsensor-b\t\t\tweird.example.com\tTYPE65534\t\t\t\\\\# 0'),
	(E'1700086400\tsensor-a\t192.0.2.1\t\twww.example.com\tA\tIN\t300\t192.0.2.80\texample.com'),
	(E'1700086400\tsensor-a\t::ffff:192.0.2.1\t\twww.example.com\tA\tIN\t300\t192.0.2.80\texample.com');

SELECT * FROM stored;
SELECT s.name AS sensor, o.period, r.rrname, r.rrtype, o.time_first, o.time_last, o.count
FROM observations o JOIN rrsets r ON r.key = o.rrset_key JOIN sensors s ON s.id = o.sensor_id
ORDER BY r.rrname, r.rrtype, o.period, s.name;
SELECT s.name AS sensor, n.period, n.rrname, n.rrtype, n.rcode, n.count
FROM negative_observations n JOIN sensors s ON s.id = n.sensor_id ORDER BY n.rrname;
SELECT address, r.rrname FROM rdata_addresses a JOIN rrsets r ON r.key = a.rrset_key ORDER BY 1;
SELECT name, n.rrtype, r.rrname FROM rdata_names n JOIN rrsets r ON r.key = n.rrset_key ORDER BY 1;
SELECT count(*) AS element_hashes, count(DISTINCT rrset_key) AS rrsets FROM rdata_elements;

-- Client addresses are stored pseudonymized: never in the clear, and two
-- clients of one /24 stay in one /24.
SELECT c.client, c.rrname, c.count,
       c.client NOT IN ('192.0.2.1', '192.0.2.2', '2001:db8::53') AS not_clear,
       c.client = pseudonymize('192.0.2.1') OR c.client = pseudonymize('192.0.2.2')
	     OR c.client = pseudonymize('2001:db8::53') AS is_pseudonym
FROM client_observations c ORDER BY c.client, c.period;
SELECT masklen(inet_merge(min(client), max(client))) >= 24 AS same_slash24
FROM client_observations WHERE family(client) = 4;
SELECT count(*) AS clear_addresses_anywhere FROM (
	SELECT client FROM client_observations
	UNION ALL SELECT address FROM rdata_addresses
) a WHERE a.client <<= '192.0.2.0/29' AND a.client <> '192.0.2.80';

-- The same lines as CSV.
INSERT INTO ingest_csv VALUES
	('1700000200,sensor-c,,,"csv.example.com",TXT,IN,60,"""a, b"" ""c""",,2,NOERROR'),
	('1700000200,sensor-c,,,csv.example.com,A,,,192.0.2.9'),
	('1700000200,sensor-c,,,"quoted,name.example.com",A,,,192.0.2.9');
SELECT rrname, rrtype, rdata, count FROM stored WHERE rrname <<= 'example.com' AND rrname::text LIKE '%csv%'
   OR rrname::text LIKE 'quoted%';

-- Bad lines: every one goes to rejects with its reason; the good lines of
-- the same statement land.
INSERT INTO ingest_text VALUES
	(E'yesterday\ts\t\t\ta.example\tA\t\t\t192.0.2.1'),
	(E'1700000000\ts\t999.1.1.1\t\ta.example\tA\t\t\t192.0.2.1'),
	(E'1700000000\ts\t\tnot-an-ip\ta.example\tA\t\t\t192.0.2.1'),
	(E'1700000000\ts\t\t\t\tA\t\t\t192.0.2.1'),
	(E'1700000000\ts\t\t\ta..example\tA\t\t\t192.0.2.1'),
	(E'1700000000\ts\t\t\ta.example\tBOGUS\t\t\t192.0.2.1'),
	(E'1700000000\ts\t\t\ta.example\tTYPE70000\t\t\t192.0.2.1'),
	(E'1700000000\ts\t\t\ta.example\tA\tXX\t\t192.0.2.1'),
	(E'1700000000\ts\t\t\ta.example\tTXT\tCH\t\t"version"'),
	(E'1700000000\ts\t\t\ta.example\tA\t\t-5\t192.0.2.1'),
	(E'1700000000\ts\t\t\ta.example\tA\t\t\t192.0.2.256'),
	(E'1700000000\ts\t\t\ta.example\tMX\t\t\tmx.example.'),
	(E'1700000000\ts\t\t\ta.example\tA\t\t\t192.0.2.1\tbad..bailiwick'),
	(E'1700000000\ts\t\t\ta.example\tA\t\t\t192.0.2.1\t\tmany'),
	(E'1700000000\ts\t\t\ta.example\tA\t\t\t192.0.2.1\t\t0'),
	(E'1700000000\ts\t\t\ta.example\tA\t\t\t192.0.2.1\t\t\tNOPE'),
	(E'1700000000\ts\ta.example\tA'),
	(E'1700000000\ts\t\t\ta.example\tA\t\t\t192.0.2.1\t\t1\tNOERROR\textra'),
	(E'1700000000\ts\t\t\ta.example\tA\t\t\t192.0.2.1\\'),
	(E'1700000000\ts\t\t\tgood.example\tA\t\t\t192.0.2.1');
INSERT INTO ingest_csv VALUES ('1700000000,s,,,"open.example,A,,,192.0.2.1');
SELECT target, sensor, reason, encode(raw, 'escape') AS raw FROM rejects ORDER BY id;
SELECT rrname, rdata FROM stored WHERE rrname = 'good.example';

-- Counts add up across statements; the same observation twice counts twice.
INSERT INTO ingest_text VALUES (E'1700000000\ts\t\t\tgood.example\tA\t\t\t192.0.2.1');
SELECT rrname, count, time_first, time_last FROM stored WHERE rrname = 'good.example';

-- A rolled-back COPY leaves nothing, not even a new sensor.
BEGIN;
INSERT INTO ingest_text VALUES (E'1700000000\trolled-back\t\t\trollback.example\tA\t\t\t192.0.2.1');
SELECT count(*) FROM rrsets WHERE rrname = 'rollback.example';
ROLLBACK;
SELECT count(*) AS rrsets, (SELECT count(*) FROM sensors WHERE name = 'rolled-back') AS sensors
FROM rrsets WHERE rrname = 'rollback.example';

-- A rolled-back savepoint takes its rows; the rest of the transaction lands.
BEGIN;
SAVEPOINT s1;
INSERT INTO ingest_text VALUES (E'1700000000\ts\t\t\tsavepoint-undone.example\tA\t\t\t192.0.2.1');
ROLLBACK TO s1;
INSERT INTO ingest_text VALUES (E'1700000000\ts\t\t\tsavepoint-kept.example\tA\t\t\t192.0.2.1');
COMMIT;
SELECT rrname FROM stored WHERE rrname::text LIKE 'savepoint%';

-- A statement larger than the batch merges as it goes, and loses nothing.
SELECT batch_keys FROM configure(batch_keys => 1000);
INSERT INTO ingest_text
SELECT format(E'%s\tbulk\t\t\th%s.bulk.example\tA\t\t\t198.51.100.%s', 1700000000 + i, i, i % 250 + 1)
FROM generate_series(1, 5000) i;
SELECT count(*) AS rrsets, sum(count) AS observations FROM rrsets WHERE rrname << 'bulk.example';
SELECT batch_keys FROM configure(batch_keys => 2000000);

-- The targets themselves stay empty.
SELECT (SELECT count(*) FROM ingest_text) + (SELECT count(*) FROM ingest_csv) AS rows_in_targets;

-- The rdata rows of an RRset go with it, so seeing it again after it was
-- deleted makes them again (the merge adds them without conflict checks).
CREATE TEMP VIEW rdata_rows AS
SELECT count(*) AS rrsets, (SELECT count(*) FROM rdata_addresses) AS addresses,
       (SELECT count(*) FROM rdata_names) AS names, (SELECT count(*) FROM rdata_elements) AS elements
FROM rrsets;
SELECT * FROM rdata_rows;
DELETE FROM rrsets WHERE rrname = 'mail.example.com' OR rrname = 'v6.example.com';
SELECT * FROM rdata_rows;
SELECT count(*) AS orphans FROM rdata_addresses a WHERE NOT EXISTS (SELECT FROM rrsets r WHERE r.key = a.rrset_key);
INSERT INTO ingest_text VALUES
	(E'1700000100\tsensor-b\t\t\tmail.example.com\tMX\tIN\t3600\t10 MX.Example.NET.\texample.com'),
	(E'1700000100\tsensor-b\t\t\tv6.example.com\tAAAA\t\t\t2001:db8::1');
SELECT * FROM rdata_rows;
SELECT rrname, rrtype, rdata FROM lookup_rdata_ip('2001:db8::1');
SELECT rrname, rrtype, rdata FROM lookup_rdata_name('mx.example.net', 'MX');
-- TRUNCATE too.
BEGIN;
TRUNCATE rrsets;
SELECT (SELECT count(*) FROM rdata_addresses) + (SELECT count(*) FROM rdata_names)
       + (SELECT count(*) FROM rdata_elements) AS rdata_rows_left;
ROLLBACK;
