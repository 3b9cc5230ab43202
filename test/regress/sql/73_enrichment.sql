-- Temporal enrichment: source versions with validity ranges, snapshots of
-- what the mmdb databases said about the addresses seen, and lookups of the
-- version valid at observation time.  Two test databases play two builds of
-- one source "asn": GeoLite2-ASN-Test.mmdb as version 1 and
-- GeoIP2-ISP-Test.mmdb (a superset with ISP fields) as version 2.  Both
-- carry the same build epoch, so the versions' starts are given explicitly
-- (valid_from).
SET search_path = pdns, public;

\getenv corpora PDNS_CORPORA
\set td :corpora '/maxmind-db/test-data/'

-- (the store starts empty: the addresses here come from elsewhere)
TRUNCATE rrsets, rdata_addresses, rdata_names, rdata_elements, observations,
	negative_observations, client_observations, rejects;

-- Observations made outside the store (the table ips_seen_elsewhere, which
-- the view enrichment_ips_seen adds to the store's own addresses).
INSERT INTO ips_seen_elsewhere (ip, first_seen, last_seen) VALUES
	('1.128.0.1', '2024-01-10', '2024-02-20'),
	('12.81.96.1', '2024-01-15', '2024-01-15'),
	('89.160.20.112', '2024-01-20', '2024-01-20'),
	('2600:7000::1', '2024-01-05', '2024-01-06'),
	('2001:218::1', '2024-01-07', '2024-01-07');

-- Version 1 of "asn", and the country database, registered from 2024-01-01.
\set dbs 'asn=' :td 'GeoLite2-ASN-Test.mmdb, country=' :td 'GeoIP2-Country-Test.mmdb'
SET pdns.mmdb_databases = :'dbs';
SELECT * FROM enrichment_snapshot(valid_from => '2024-01-01');

-- Later observations: 89.160.20.112 again, 67.43.156.1 for the first time.
UPDATE ips_seen_elsewhere SET last_seen = '2024-02-10' WHERE ip = '89.160.20.112';
INSERT INTO ips_seen_elsewhere VALUES ('67.43.156.1', '2024-02-15', '2024-02-15');

-- Version 2 of "asn" from 2024-02-01 (the country database is unchanged:
-- its version is known, it only gains the new address).  The observations
-- are dated before this run, so the run looks back to 2024-01-01.
\set dbs 'asn=' :td 'GeoIP2-ISP-Test.mmdb, country=' :td 'GeoIP2-Country-Test.mmdb'
SET pdns.mmdb_databases = :'dbs';
SELECT * FROM enrichment_snapshot(since => '2024-01-01', valid_from => '2024-02-01');

-- Version 1 now ends where version 2 starts, and so do its rows.
SELECT kind, name, version, valid, details->>'database_type' AS type,
	   snapshot_through IS NOT NULL AS snapshotted
FROM enrichment_source ORDER BY kind, name, lower(valid);
SELECT s.name, s.version, e.network, e.valid, e.asn, e.as_org, e.country
FROM ip_enrichment e JOIN enrichment_source s ON s.id = e.source_id
ORDER BY s.name, lower(e.valid), e.network;
SELECT count(*) AS rows_out_of_step
FROM ip_enrichment e JOIN enrichment_source s ON s.id = e.source_id WHERE e.valid <> s.valid;

-- Each observation joined to the versions valid when it was first and
-- last seen.  1.128.0.1: version 1's record in January, version 2's (with
-- the ISP fields) in February.  89.160.20.112: nothing from version 1 (not
-- in that database), AS29518 from version 2.
SELECT o.ip, w.edge, w.at, e.source, e.version, e.network, e.asn, e.as_org, e.country,
	   e.record->>'isp' AS isp
FROM ips_seen_elsewhere o,
	 LATERAL (VALUES ('first', o.first_seen), ('last', o.last_seen)) w(edge, at),
	 LATERAL enrich_at(o.ip, w.at) e
ORDER BY o.ip, w.at, e.source;

-- Before any version, nothing; at a boundary, the newer version.
SELECT count(*) AS before_any FROM enrich_at('1.128.0.1', '2023-12-31');
SELECT version FROM enrich_at('1.128.0.1', '2024-02-01') WHERE source = 'asn';
SELECT version FROM enrich_at('1.128.0.1', '2024-01-31 23:59:59.999999+00') WHERE source = 'asn';

-- Over the whole time an address was seen: every version, with the part of
-- the time it covers.
SELECT ip, source, version, during, asn
FROM enrichment_ips_seen_history WHERE ip = '1.128.0.1' ORDER BY source, lower(during);

-- A run with nothing new seen adds nothing; an address seen now is picked
-- up by the next run, from each current version.
SELECT source, addresses, networks_added FROM enrichment_snapshot();
INSERT INTO ips_seen_elsewhere VALUES ('12.81.92.1', now(), now());
SELECT source, addresses, networks_added FROM enrichment_snapshot();
SELECT asn, as_org, version FROM enrich_at('12.81.92.1', now()) WHERE source = 'asn';

-- Other sources register versions the same way, in any order: a version
-- that starts inside another cuts it short.
SELECT enrichment_version('whois', 'ripe', '2024-03', '2024-03-01') IS NOT NULL AS v3,
	   enrichment_version('whois', 'ripe', '2024-01', '2024-01-01') IS NOT NULL AS v1,
	   enrichment_version('whois', 'ripe', '2024-02', '2024-02-01') IS NOT NULL AS v2;
SELECT version, valid FROM enrichment_source WHERE kind = 'whois' ORDER BY lower(valid);
-- The same version again changes nothing and returns the same id.
SELECT enrichment_version('whois', 'ripe', '2024-02', '2030-01-01')
	 = (SELECT id FROM enrichment_source WHERE kind = 'whois' AND version = '2024-02') AS same_id;
-- Two versions cannot start together, nor overlap, nor be of an unknown kind.
SELECT enrichment_version('whois', 'ripe', '2024-02b', '2024-02-01');
INSERT INTO enrichment_source (kind, name, version, valid)
VALUES ('whois', 'ripe', 'overlap', '[2024-02-15, 2024-02-20)');
INSERT INTO enrichment_source (kind, name, version, valid, loaded_at)
VALUES ('dns', 'x', 'y', '[2024-01-01,)', '2024-01-01');
INSERT INTO enrichment_source (kind, name, version, valid, loaded_at)
VALUES ('whois', 'x', 'y', '(,2024-01-01)', '2024-01-01');

-- A WHOIS record of a network, loaded by hand, joins like mmdb records.
INSERT INTO ip_enrichment (source_id, network, valid, as_org, country, record)
SELECT id, '1.128.0.0/16', valid, 'Telstra whois', 'AU', '{"netname": "TELSTRA"}'
FROM enrichment_source WHERE kind = 'whois' AND version = '2024-02';
SELECT kind, source, version, network, as_org, country
FROM enrich_at('1.128.0.1', '2024-02-20') ORDER BY kind, source;
-- Within one source, records cannot overlap in space and time.
INSERT INTO ip_enrichment (source_id, network, valid, record)
SELECT id, '1.128.0.0/24', valid, '{}' FROM enrichment_source WHERE kind = 'whois' AND version = '2024-02';

-- Name tags apply to the name and everything below it.
INSERT INTO name_tag (name, tag, source, valid) VALUES
	('example.com', 'phishing', 'feed-a', '[2024-01-01, 2024-02-01)'),
	('www.example.com', 'c2', 'feed-b', '[2024-01-15,)'),
	('com', 'tld', 'registry', '[2000-01-01,)');
SELECT n AS name, at, t.tagged, t.tag, t.source
FROM (VALUES ('www.example.com'), ('a.b.www.example.com'), ('example.com'),
             ('badexample.com'), ('WWW.EXAMPLE.COM.')) v(n),
	 (VALUES ('2024-01-20'::timestamptz), ('2024-02-05')) w(at),
	 LATERAL name_tags_at(n::dnsname, at) t
ORDER BY at, n COLLATE "C", t.tagged;
-- The same tag from the same source cannot overlap itself.
INSERT INTO name_tag (name, tag, source, valid)
VALUES ('EXAMPLE.com', 'phishing', 'feed-a', '[2024-01-31, 2024-03-01)');
-- With more data, lookups are index probes: the exclusion constraint's
-- GiST index (led by network and validity) for addresses, the btree on
-- name_tag (name) for the ancestors of a name.  Index and sequential scans
-- give the same answers.
INSERT INTO enrichment_source (kind, name, version, valid) VALUES
	('whois', 'bulk', '1', '[2024-01-01, 2024-02-01)'), ('whois', 'bulk', '2', '[2024-02-01,)');
INSERT INTO ip_enrichment (source_id, network, valid, asn, record)
SELECT s.id, network(set_masklen('10.0.0.0'::inet + i * 256, 24)), s.valid, i, '{}'
FROM generate_series(0, 4000) i, enrichment_source s WHERE s.name = 'bulk';
INSERT INTO ips_seen_elsewhere
SELECT '10.0.0.1'::inet + i * 977, '2024-01-01', '2024-02-10' FROM generate_series(1, 1000) i;
INSERT INTO name_tag (name, tag, source, valid)
SELECT format('d%s.example%s.com', i, i % 100)::dnsname, 'bulk', 'bulk', '[2024-01-01,)'
FROM generate_series(1, 4000) i;
ANALYZE ip_enrichment, enrichment_source, ips_seen_elsewhere, name_tag;
EXPLAIN (COSTS OFF)
SELECT e.* FROM ips_seen_elsewhere o, LATERAL enrich_at(o.ip, o.last_seen) e;
EXPLAIN (COSTS OFF) SELECT * FROM name_tags_at('a.d5.example5.com', '2024-01-20');
CREATE TEMP TABLE by_index AS
SELECT o.ip, w.at, e.source, e.version, e.network, e.asn
FROM ips_seen_elsewhere o, LATERAL (VALUES (o.first_seen), (o.last_seen)) w(at),
	 LATERAL enrich_at(o.ip, w.at) e;
SET enable_indexscan = off;
SET enable_bitmapscan = off;
CREATE TEMP TABLE by_seqscan AS
SELECT o.ip, w.at, e.source, e.version, e.network, e.asn
FROM ips_seen_elsewhere o, LATERAL (VALUES (o.first_seen), (o.last_seen)) w(at),
	 LATERAL enrich_at(o.ip, w.at) e;
RESET enable_indexscan;
RESET enable_bitmapscan;
SELECT (SELECT count(*) FROM by_index) AS rows,
	   (SELECT count(*) FROM by_index WHERE source = 'bulk') AS bulk_rows,
	   NOT EXISTS (SELECT * FROM by_index EXCEPT SELECT * FROM by_seqscan)
	   AND NOT EXISTS (SELECT * FROM by_seqscan EXCEPT SELECT * FROM by_index) AS same_answers;

-- Deleting a version deletes what it said.
DELETE FROM enrichment_source WHERE kind = 'mmdb' AND name = 'asn' AND lower(valid) = '2024-01-01';
SELECT s.version, count(*) FROM ip_enrichment e JOIN enrichment_source s ON s.id = e.source_id
WHERE s.name = 'asn' GROUP BY 1;

RESET pdns.mmdb_databases;
TRUNCATE name_tag, ip_enrichment, enrichment_source, ips_seen_elsewhere;
