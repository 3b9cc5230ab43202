-- The store, enriched: A records joined to the ASN valid while they were
-- seen, across two versions of the database loaded one after the other,
-- and RRsets joined to the tags on their names and parents.
SET search_path = pdns, public;
SET timezone = 'UTC';
SET datestyle = 'ISO';
TRUNCATE rrsets, rdata_addresses, rdata_names, rdata_elements, observations,
	negative_observations, client_observations, rejects,
	ip_enrichment, enrichment_source, name_tag, ips_seen_elsewhere;

\getenv corpora PDNS_CORPORA
\set td :corpora '/maxmind-db/test-data/'

-- January: www.example.com points at 1.128.0.1; version 1 of "asn" is loaded.
INSERT INTO ingest_text VALUES
	(E'2024-01-10T12:00:00Z\tenr\t\t\twww.example.com\tA\t\t\t1.128.0.1\texample.com'),
	(E'2024-01-12T12:00:00Z\tenr\t\t\tmail.example.com\tA\t\t\t89.160.20.112\texample.com');
\set dbs 'asn=' :td 'GeoLite2-ASN-Test.mmdb'
SET pdns.mmdb_databases = :'dbs';
SELECT source, addresses, networks_added FROM enrichment_snapshot(valid_from => '2024-01-01');

-- February: seen again; version 2 of "asn" (with ISP fields) from Feb 1.
INSERT INTO ingest_text VALUES
	(E'2024-02-20T12:00:00Z\tenr\t\t\twww.example.com\tA\t\t\t1.128.0.1\texample.com'),
	(E'2024-02-21T12:00:00Z\tenr\t\t\tmail.example.com\tA\t\t\t89.160.20.112\texample.com');
\set dbs 'asn=' :td 'GeoIP2-ISP-Test.mmdb'
SET pdns.mmdb_databases = :'dbs';
SELECT source, addresses, networks_added FROM enrichment_snapshot(since => '2024-01-01', valid_from => '2024-02-01');

-- Each record with the versions valid during its life, and the part each covers.
SELECT address, rrname, time_first, time_last, version, during, asn, as_org
FROM ip_history_enriched ORDER BY address, lower(during);
-- The version valid at first and at last sight.
SELECT h.rrname, h.address, w.edge, e.version, e.asn
FROM ip_history h, LATERAL (VALUES ('first', h.time_first), ('last', h.time_last)) w(edge, at),
     LATERAL enrich_at(h.address, w.at) e
ORDER BY 1, 3;

-- A tag on example.com, valid in January only, applies to the names below it.
INSERT INTO name_tag (name, tag, source, valid) VALUES
	('example.com', 'phishing', 'test-feed', '[2024-01-01, 2024-02-01)'),
	('other.example', 'malware', 'test-feed', '[2024-01-01,)');
SELECT rrname, rrtype, rdata, tagged, tag, source, valid FROM rrset_history_tagged ORDER BY rrname;
-- seen only in February: not tagged
INSERT INTO ingest_text VALUES (E'2024-02-25T12:00:00Z\tenr\t\t\tnew.example.com\tA\t\t\t192.0.2.7');
SELECT count(*) AS tagged_rows FROM rrset_history_tagged WHERE rrname = 'new.example.com';

-- The views filter through to the indexes.
ANALYZE rrsets, rdata_addresses, ip_enrichment, enrichment_source, name_tag;
SET enable_seqscan = off;
SET enable_bitmapscan = off;
EXPLAIN (COSTS OFF) SELECT * FROM ip_history_enriched WHERE address <<= '1.128.0.0/16';
EXPLAIN (COSTS OFF) SELECT * FROM rrset_history_tagged WHERE rrname = 'www.example.com';
RESET enable_seqscan;
RESET enable_bitmapscan;
