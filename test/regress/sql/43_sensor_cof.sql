-- COF NDJSON through pdns.cof_in: the draft's examples and the reference
-- test data, windows (time_first .. time_last) and counts as given, true
-- RRsets from rdata arrays, the real world's deviations, rejects.
SET search_path = pdns, public;
SET timezone = 'UTC';
SET datestyle = 'ISO';
SET pdns.pseudonymization_key = '1522178d33a4cf80130a5b1649907d10d8988f837979652762574c2d2a842202';
SET pdns.sensor = 'cof-feed';
-- (starts from an empty store)
TRUNCATE rrsets, rdata_addresses, rdata_names, rdata_elements, observations,
	negative_observations, client_observations, rejects;

CREATE TEMP VIEW stored AS
SELECT r.rrname, r.rrtype, r.bailiwick, array_to_string(rdata(r.rdata), ' | ') AS rdata,
       r.time_first, r.time_last, r.count
FROM rrsets r ORDER BY r.rrname, r.rrtype, 4;

-- The draft's Appendix A (5 records) and the reference test data (2
-- records with rdata arrays).
\copy cof_in from program 'cat "$PDNS_CORPORA"/circl-cof/cof-examples-from-draft-appendixA.ndjson' with (format csv, delimiter E'\x01', quote E'\x02', encoding 'LATIN1')
\copy cof_in from program 'cat "$PDNS_CORPORA"/circl-cof/testdata-data.json' with (format csv, delimiter E'\x01', quote E'\x02', encoding 'LATIN1')
SELECT * FROM stored;
SELECT count(*) AS rejects FROM rejects;
-- A window lands in the period of its first sighting, with its whole count.
SELECT o.period, o.time_first, o.time_last, o.count FROM observations o JOIN rrsets r ON r.key = o.rrset_key
WHERE r.rrname = 'ietf.org' AND r.rrtype = 'NS';

-- Deviations: numbers as strings, "rrdata", rrtype as a number, no trailing
-- dots; sensor_id names the sensor; an rdata array is one RRset, in any order.
INSERT INTO cof_in VALUES
	('{"count":"7","time_first":"1700000000","time_last":"1700000600.5","rrtype":1,"rrname":"set.example","rrdata":["192.0.2.2","192.0.2.1"],"sensor_id":"s-42","bailiwick":"example"}'),
	('{"count":3,"time_first":1700001000,"time_last":1700002000,"rrtype":"A","rrname":"set.example.","rdata":["192.0.2.1","192.0.2.2"]}'),
	('{"count":1,"time_first":1700000000,"time_last":1700000000,"rrtype":"TXT","rrname":"t.example","rdata":"\"a \\\\ b\" \"c\\\"d\""}');
SELECT * FROM stored WHERE rrname <<= 'example';
SELECT s.name AS sensor, o.count FROM observations o JOIN sensors s ON s.id = o.sensor_id
JOIN rrsets r ON r.key = o.rrset_key WHERE r.rrname = 'set.example' ORDER BY 1;

-- Malformed records.
INSERT INTO cof_in VALUES
	('{"time_first":5,"time_last":4,"rrtype":"A","rrname":"z.example","rdata":"192.0.2.1"}'),
	('{"time_first":5,"time_last":6,"rrtype":"A","rrname":"z.example","rdata":[]}'),
	('{"time_first":5,"time_last":6,"rrtype":"A","rrname":"z.example"}'),
	('{"time_first":5,"time_last":6,"rrtype":"A","rrname":"z.example","rdata":["192.0.2.1","nope"]}'),
	('{"time_first":5,"time_last":6,"rrtype":"BOGUS","rrname":"z.example","rdata":"x"}'),
	('{"time_first":5,"time_last":6,"rrtype":"A","rrname":"z.example","rdata":"192.0.2.1","count":0}'),
	('not json');
SELECT sensor, reason, convert_from(raw, 'UTF8') AS raw FROM rejects ORDER BY id;
