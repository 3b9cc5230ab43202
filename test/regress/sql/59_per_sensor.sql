-- Per-sensor answers: compaction keeps an all-time aggregate per sensor
-- (rrset_sensors); every lookup takes a sensor and answers with that
-- sensor's own first, last and count; per_sensor() splits a result; the
-- sensors' rows sum to the all-time aggregate; the index paths agree with
-- a sequential scan.
SET search_path = pdns, public;
SET timezone = 'UTC';
SET datestyle = 'ISO';
SET pdns.pseudonymization_key = '1522178d33a4cf80130a5b1649907d10d8988f837979652762574c2d2a842202';
SET pdns.compaction = background;

TRUNCATE rrsets, observations, negative_observations, client_observations, rejects, runs, compactions,
	pending_rrsets, pending_observations, pending_negatives, pending_clients, client_counts;

-- fra sees www A on two days, ams the same RRset once and AAAA alone, lax
-- and fra the NS (two runs: the second merges into existing rows).
COPY native_in FROM STDIN;
1700000000	sensor-fra	192.0.2.1		www.sensors.example	A	IN	300	192.0.2.80	sensors.example	2	NOERROR
1700086400	sensor-fra	192.0.2.1		www.sensors.example	A	IN	300	192.0.2.80	sensors.example	3	NOERROR
1700040000	sensor-ams	192.0.2.2		www.sensors.example	A	IN	300	192.0.2.80	sensors.example	5	NOERROR
1700050000	sensor-ams	192.0.2.2		www.sensors.example	AAAA	IN	300	2001:db8::80	sensors.example	1	NOERROR
1700060000	sensor-lax	192.0.2.3		sensors.example	NS	IN	300	ns1.dns.example	sensors.example	4	NOERROR
1700070000	sensor-fra	192.0.2.3		sensors.example	NS	IN	300	ns1.dns.example	sensors.example	1	NOERROR
\.
CALL compact();
COPY native_in FROM STDIN;
1700100000	sensor-ams	192.0.2.2		www.sensors.example	A	IN	300	192.0.2.80	sensors.example	1	NOERROR
\.
CALL compact();

-- The sum over sensors (the default), then each sensor's own answer.
SELECT rrname, rrtype, rdata, time_first, time_last, count FROM lookup_rrset('*.sensors.example')
ORDER BY rrname, rrtype;
SELECT s.name AS sensor, l.rrname, l.rrtype, l.time_first, l.time_last, l.count
FROM sensors s, lookup_rrset('www.sensors.example', sensor => s.name) l
WHERE s.name LIKE 'sensor-%'
ORDER BY s.name, l.rrtype;

-- Every lookup kind and wildcard takes the sensor.
SELECT rrname, rrtype, count FROM lookup_rrset('*.sensors.example', sensor => 'sensor-ams') ORDER BY rrtype;
SELECT rrname, rrtype, count FROM lookup_rrset('www.sensors.*', sensor => 'sensor-fra');
SELECT rrname, count FROM lookup_rdata_name('ns1.dns.example', sensor => 'sensor-lax');
SELECT rrname, count FROM lookup_rdata_name('*.dns.example', sensor => 'sensor-fra');
SELECT rrname, count FROM lookup_rdata_name('ns1.dns.*', sensor => 'sensor-fra');
SELECT rrname, count, time_first, time_last FROM lookup_rdata_ip('192.0.2.80', sensor => 'sensor-fra');
SELECT rrname, count FROM lookup_rdata_ip('192.0.2.0/24', sensor => 'sensor-lax');
SELECT rrname, rrtype, count FROM lookup_rdata_ip('2001:db8::/32', sensor => 'sensor-ams');
SELECT rrname, count FROM lookup_rdata_raw('c0000250', 'A', sensor => 'sensor-ams');
-- '' and NULL are no filter
SELECT count FROM lookup_rrset('www.sensors.example', 'A', sensor => '');
SELECT count FROM lookup_rdata_ip('192.0.2.80', sensor => NULL);

-- The time fences apply to the sensor's own times: fra last saw www before
-- 1700090000, the sensors together after it.
SELECT count FROM lookup_rrset('www.sensors.example', 'A', time_last_before => '1700090000');
SELECT count FROM lookup_rrset('www.sensors.example', 'A', time_last_before => '1700090000',
                               sensor => 'sensor-fra');
SELECT count FROM lookup_rdata_ip('192.0.2.80', time_last_before => '1700090000', sensor => 'sensor-fra');

-- Paging within one sensor's answer.
SELECT rrtype, truncated FROM lookup_rrset('www.sensors.example', sensor => 'sensor-ams', max_results => 1) \gset first_
SELECT :'first_rrtype' AS first_page, rrtype AS second_page, truncated
FROM lookup_rrset('www.sensors.example', sensor => 'sensor-ams', max_results => 1,
                  after_cursor => (SELECT cursor FROM lookup_rrset('www.sensors.example',
                                   sensor => 'sensor-ams', max_results => 1)));

-- per_sensor(): a result split by sensor.
SELECT l.rrtype, p.sensor, p.time_first, p.time_last, p.count
FROM lookup_rrset('*.sensors.example') l, per_sensor(l) p
ORDER BY l.rrname, l.rrtype, p.sensor;

-- The sensors' rows sum to the all-time aggregate, row for row.
SELECT count(*) AS rrsets,
       count(*) FILTER (WHERE r.count = s.count AND r.time_first = s.first AND r.time_last = s.last)
           AS summing
FROM rrsets r
JOIN (SELECT rrset_key, sum(count) AS count, min(time_first) AS first, max(time_last) AS last
      FROM rrset_sensors GROUP BY rrset_key) s ON s.rrset_key = r.key;

-- An unknown sensor is an error, whatever the lookup.
SELECT * FROM lookup_rrset('www.sensors.example', sensor => 'sensor-nowhere');
SELECT * FROM lookup_rdata_ip('192.0.2.80', sensor => 'sensor-nowhere');

-- The index paths give what a sequential scan of the tables gives.
CREATE TEMP TABLE by_index AS
SELECT s.name AS sensor, l.rrname, l.rrtype, l.rdata, l.time_first, l.time_last, l.count
FROM sensors s, lookup_rrset('*.sensors.example', sensor => s.name) l WHERE s.name LIKE 'sensor-%';
SET enable_indexscan = off;
SET enable_bitmapscan = off;
SET enable_indexonlyscan = off;
CREATE TEMP TABLE by_scan AS
SELECT n.name AS sensor, r.rrname, r.rrtype, rdata(r.rdata) AS rdata, s.time_first, s.time_last, s.count
FROM rrsets r JOIN rrset_sensors s ON s.rrset_key = r.key JOIN sensors n ON n.id = s.sensor_id
WHERE r.rrname << 'sensors.example';
RESET enable_indexscan;
RESET enable_bitmapscan;
RESET enable_indexonlyscan;
SELECT (SELECT count(*) FROM by_index) AS rows,
       NOT EXISTS (SELECT * FROM by_index EXCEPT SELECT * FROM by_scan)
       AND NOT EXISTS (SELECT * FROM by_scan EXCEPT SELECT * FROM by_index) AS same;
-- and the sensor's row is read by its key
SET enable_seqscan = off;
EXPLAIN (COSTS OFF)
SELECT * FROM rrsets_by_name('www.sensors.example', sensor_id => 1);
RESET enable_seqscan;

-- An analyst filters by sensor through every path.
CREATE ROLE pdns_sensor_analyst IN ROLE pdns_analyst;
SET ROLE pdns_sensor_analyst;
SELECT count FROM lookup_rrset('www.sensors.example', 'A', sensor => 'sensor-fra');
SELECT count FROM lookup_rdata_ip('192.0.2.80', sensor => 'sensor-fra');
SELECT p.sensor, p.count FROM lookup_rdata_name('ns1.dns.example') l, per_sensor(l) p ORDER BY p.sensor;
RESET ROLE;
DROP ROLE pdns_sensor_analyst;

-- Deleting an RRset (retention) takes its sensors' rows along.
DELETE FROM rrsets WHERE rrname = 'sensors.example';
SELECT count(*) AS orphans FROM rrset_sensors s
WHERE NOT EXISTS (SELECT 1 FROM rrsets r WHERE r.key = s.rrset_key);
