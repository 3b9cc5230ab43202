-- Subdomain operators, and the planner support that makes them index range
-- scans on the ordinary btree index.
SET search_path = pdns, public;

SELECT a, b, a::dnsname <<= b::dnsname AS within, a::dnsname << b::dnsname AS strictly_within,
       a::dnsname >>= b::dnsname AS contains, a::dnsname >> b::dnsname AS strictly_contains
FROM (VALUES
	('www.example.com', 'example.com'), ('example.com', 'example.com'),
	('badexample.com', 'example.com'), ('example.com', 'www.example.com'),
	('com', 'example.com'), ('example.com.au', 'example.com'), ('example.com', '.'),
	('.', '.'), ('a.b.c.d', 'c.d'), ('EXAMPLE.COM', 'example.com'),
	('example\000.com', 'example.com'), ('x.example\.com', 'com')
) v(a, b);

CREATE TABLE names (id serial PRIMARY KEY, name dnsname NOT NULL);
INSERT INTO names (name)
SELECT format('h%s.z%s.example%s.%s', i, i % 50, i % 13, (ARRAY['com', 'net', 'org', 'de'])[1 + i % 4])::dnsname
FROM generate_series(1, 20000) i;
INSERT INTO names (name) VALUES
	('example.com'), ('www.example.com'), ('a.b.example.com'), ('badexample.com'),
	('example.com.au'), ('com'), ('example\000.com'), ('examplea.com'), ('example-.com'),
	('.'), ('\000.example.com'), ('\255.example.com');
CREATE INDEX names_name ON names (name);
ANALYZE names;

-- The plans: index range conditions, not filters.
EXPLAIN (COSTS OFF) SELECT name FROM names WHERE name <<= 'example.com';
EXPLAIN (COSTS OFF) SELECT name FROM names WHERE name << 'example.com';
EXPLAIN (COSTS OFF) SELECT name FROM names WHERE 'example.com' >>= name;
EXPLAIN (COSTS OFF) SELECT name FROM names WHERE name >>= 'a.b.example.com';
EXPLAIN (COSTS OFF) SELECT name FROM names WHERE name >> 'a.b.example.com';
EXPLAIN (COSTS OFF) SELECT name FROM names WHERE name <<= '.';
EXPLAIN (COSTS OFF) SELECT name FROM names WHERE name << '.';
EXPLAIN (COSTS OFF) SELECT name FROM names WHERE dnsname_within(name, 'example.com');

-- With a parameter the bounds are computed at execution.
PREPARE sub(dnsname) AS SELECT name FROM names WHERE name <<= $1 ORDER BY name;
SET plan_cache_mode = force_generic_plan;
EXPLAIN (COSTS OFF) EXECUTE sub('example.com');
EXECUTE sub('example.com');
SELECT count(*) FROM names WHERE name <<= $$.$$;
RESET plan_cache_mode;

-- The same answers with and without the index, for every operator and a
-- range of zones.
CREATE TEMP TABLE zones (zone dnsname);
INSERT INTO zones VALUES ('.'), ('com'), ('example.com'), ('www.example.com'), ('a.b.example.com'),
	('z7.example7.com'), ('example3.net'), ('de'), ('nothing.invalid'), ('example\000.com');

CREATE TEMP TABLE answers (pass text, op text, zone dnsname, ids int[]);
SET enable_seqscan = on; SET enable_indexscan = off; SET enable_bitmapscan = off; SET enable_indexonlyscan = off;
INSERT INTO answers SELECT 'seq', '<<=', zone, ARRAY(SELECT id FROM names WHERE name <<= zone ORDER BY id) FROM zones;
INSERT INTO answers SELECT 'seq', '<<', zone, ARRAY(SELECT id FROM names WHERE name << zone ORDER BY id) FROM zones;
INSERT INTO answers SELECT 'seq', '>>=', zone, ARRAY(SELECT id FROM names WHERE name >>= zone ORDER BY id) FROM zones;
INSERT INTO answers SELECT 'seq', '>>', zone, ARRAY(SELECT id FROM names WHERE name >> zone ORDER BY id) FROM zones;
SET enable_seqscan = off; SET enable_indexscan = on; SET enable_bitmapscan = on; SET enable_indexonlyscan = on;
INSERT INTO answers SELECT 'index', '<<=', zone, ARRAY(SELECT id FROM names WHERE name <<= zone ORDER BY id) FROM zones;
INSERT INTO answers SELECT 'index', '<<', zone, ARRAY(SELECT id FROM names WHERE name << zone ORDER BY id) FROM zones;
INSERT INTO answers SELECT 'index', '>>=', zone, ARRAY(SELECT id FROM names WHERE name >>= zone ORDER BY id) FROM zones;
INSERT INTO answers SELECT 'index', '>>', zone, ARRAY(SELECT id FROM names WHERE name >> zone ORDER BY id) FROM zones;
RESET enable_seqscan; RESET enable_indexscan; RESET enable_bitmapscan; RESET enable_indexonlyscan;

SELECT s.op, s.zone, cardinality(s.ids) AS matches, s.ids = i.ids AS index_agrees
FROM answers s JOIN answers i ON i.pass = 'index' AND i.op = s.op AND i.zone = s.zone
WHERE s.pass = 'seq'
ORDER BY s.zone, s.op;

-- The label-exact answers themselves.
SELECT name FROM names WHERE name <<= 'example.com' ORDER BY name;
SELECT name FROM names WHERE name >>= 'a.b.example.com' ORDER BY name;

-- Equality and ordering through the index, against a sequential scan.
SET enable_seqscan = off;
SELECT count(*) FROM names WHERE name = 'h42.z42.example3.org';
CREATE TEMP TABLE index_order AS SELECT id FROM names WHERE name >= '.' ORDER BY name;
RESET enable_seqscan;
SET enable_indexscan = off; SET enable_indexonlyscan = off; SET enable_bitmapscan = off;
EXPLAIN (COSTS OFF) SELECT id FROM names ORDER BY name;
CREATE TEMP TABLE sort_order AS SELECT id FROM names ORDER BY name;
RESET enable_indexscan; RESET enable_indexonlyscan; RESET enable_bitmapscan;
SELECT (SELECT array_agg(id) FROM index_order) = (SELECT array_agg(id) FROM sort_order) AS index_order_matches_sort;

-- Hash opclass: hash joins and hash indexes.
CREATE INDEX names_name_hash ON names USING hash (name);
SET enable_seqscan = off; SET enable_bitmapscan = off;
EXPLAIN (COSTS OFF) SELECT id FROM names WHERE name = 'www.example.com';
SELECT id FROM names WHERE name = 'WWW.EXAMPLE.COM.';
RESET enable_seqscan; RESET enable_bitmapscan;
SET enable_mergejoin = off; SET enable_nestloop = off;
EXPLAIN (COSTS OFF) SELECT count(*) FROM names a JOIN names b ON a.name = b.name;
SELECT count(*) FROM names a JOIN names b ON a.name = b.name;
RESET enable_mergejoin; RESET enable_nestloop;
SELECT dnsname_hash('example.com') = dnsname_hash('EXAMPLE.COM.') AS hash_folds_case,
       dnsname_hash_extended('example.com', 0) = dnsname_hash_extended('Example.com', 0) AS ext_hash_folds,
       dnsname_hash_extended('example.com', 0) <> dnsname_hash_extended('example.com', 1) AS seed_matters;

-- A hash-partitioned table keyed on dnsname.
CREATE TABLE names_by_hash (name dnsname) PARTITION BY HASH (name);
CREATE TABLE names_by_hash_0 PARTITION OF names_by_hash FOR VALUES WITH (MODULUS 2, REMAINDER 0);
CREATE TABLE names_by_hash_1 PARTITION OF names_by_hash FOR VALUES WITH (MODULUS 2, REMAINDER 1);
INSERT INTO names_by_hash SELECT name FROM names;
SELECT count(*) = (SELECT count(*) FROM names) AS all_routed,
       (SELECT count(*) FROM names_by_hash_0) > 0 AND (SELECT count(*) FROM names_by_hash_1) > 0 AS both_used
FROM names_by_hash;

DROP TABLE names, names_by_hash;
