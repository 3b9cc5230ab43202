-- rrset btree and hash operator classes: indexes, joins and grouping agree
-- with sequential scans; sets that differ only in order, case or
-- duplicates group together.
SET search_path = pdns, public;

CREATE TEMP TABLE obs AS
SELECT i, CASE i % 4
	WHEN 0 THEN rrset('A', ARRAY['10.0.' || (i % 50) || '.1', '10.0.' || (i % 50) || '.2'])
	WHEN 1 THEN rrset('A', ARRAY['10.0.' || (i % 50) || '.2', '10.0.' || (i % 50) || '.1', '10.0.' || (i % 50) || '.1'])
	WHEN 2 THEN rrset('NS', ARRAY['NS' || (i % 30) || '.Example.com', 'ns' || (i % 30 + 1) || '.example.com'])
	ELSE rrset('NS', ARRAY['ns' || (i % 30 + 1) || '.example.com.', 'ns' || (i % 30) || '.example.com.'])
	END AS r
FROM generate_series(1, 20000) i;
ANALYZE obs;

-- Groups: 50 A sets and 30 NS sets, each seen in two spellings.
SELECT rrtype(r), count(DISTINCT r) AS sets, count(*) AS rows FROM obs GROUP BY 1 ORDER BY 1;
SET enable_sort = off;
SELECT count(*) AS groups FROM (SELECT r FROM obs GROUP BY r) g;
RESET enable_sort;
SET enable_hashagg = off;
SELECT count(*) AS groups FROM (SELECT r FROM obs GROUP BY r) g;
RESET enable_hashagg;

CREATE INDEX obs_btree ON obs (r);
SET enable_seqscan = off;
SET enable_bitmapscan = off;
EXPLAIN (COSTS OFF) SELECT count(*) FROM obs WHERE r = 'NS {ns3.example.com,ns4.example.com}';
SELECT count(*) FROM obs WHERE r = 'NS {ns3.example.com,ns4.example.com}';
DROP INDEX obs_btree;
CREATE INDEX obs_hash ON obs USING hash (r);
EXPLAIN (COSTS OFF) SELECT count(*) FROM obs WHERE r = 'NS {ns4.example.com,NS3.example.com}';
SELECT count(*) FROM obs WHERE r = 'NS {ns4.example.com,NS3.example.com}';
RESET enable_seqscan;
RESET enable_bitmapscan;
SELECT count(*) FROM obs WHERE r = 'NS {ns3.example.com,ns4.example.com}';

-- Hash and merge joins give the same pairs.
CREATE TEMP TABLE wanted AS SELECT DISTINCT r FROM obs WHERE i % 7 = 0;
SET enable_mergejoin = off; SET enable_nestloop = off;
SELECT count(*) AS hash_join FROM obs JOIN wanted USING (r);
RESET enable_mergejoin; SET enable_hashjoin = off;
SELECT count(*) AS merge_join FROM obs JOIN wanted USING (r);
RESET enable_hashjoin; RESET enable_nestloop;

-- Ordering is the payload's byte order: by type, then element count, then
-- the elements; a total order that btree and sorting share.
SELECT r FROM (VALUES ('NS {a.}'::rrset), ('A {10.0.0.2}'), ('A {10.0.0.1,10.0.0.3}'),
	('A {10.0.0.1}'), ('MX {"1 a."}')) v(r) ORDER BY r;
SELECT rrset_cmp('A {10.0.0.1}', 'A {10.0.0.1}'), rrset_cmp('A {10.0.0.1}', 'A {10.0.0.2}'),
       rrset_hash_extended('A {10.0.0.1,10.0.0.2}', 7) = rrset_hash_extended('A {10.0.0.2,10.0.0.1}', 7) AS ext_hash;
