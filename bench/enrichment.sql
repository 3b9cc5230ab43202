-- Enrichment benchmark: ASN, AS organization and country for 1 million
-- distinct addresses, through the mmdb functions (libmaxminddb on the
-- MaxMind test databases) and through the usual approach: the same networks
-- imported into tables (from the JSON the databases were built from) with
-- a GiST index (inet_ops), joined with >>=.  Same data, same run, one core
-- each (no parallel workers); both must give the same answers.
--
-- Run by bench/run-enrichment.sh (needs PDNS_CORPORA and a superuser).
\set ON_ERROR_STOP 1
SET search_path = pdns, public;
SET max_parallel_workers_per_gather = 0;
SET client_min_messages = warning;

\getenv corpora PDNS_CORPORA
\set td :corpora '/maxmind-db/test-data/'
\set src :corpora '/maxmind-db/source-data/'
\set dbs 'asn=' :td 'GeoLite2-ASN-Test.mmdb, country=' :td 'GeoIP2-Country-Test.mmdb'
SET pdns.mmdb_databases = :'dbs';
\if :{?runs}
\else
\set runs 3
\endif

-- The usual approach: networks imported into tables.  IPv4 networks, which
-- MaxMind writes inside ::/96, are stored as IPv4.
CREATE FUNCTION pg_temp.as_cidr(k text) RETURNS cidr LANGUAGE sql IMMUTABLE AS $$
	SELECT CASE WHEN n <<= '::/96' AND masklen(n) >= 96
				THEN network(set_masklen('0.0.0.0'::inet + (n - '::'::inet), masklen(n) - 96))
				ELSE n END
	FROM (SELECT k::cidr AS n) s
$$;
\set j `cat :'src'GeoLite2-ASN-Test.json`
CREATE TABLE asn_net AS
SELECT pg_temp.as_cidr(k) AS network, (v->>'autonomous_system_number')::bigint AS asn,
	   v->>'autonomous_system_organization' AS org
FROM jsonb_array_elements(:'j'::jsonb) e(x), jsonb_each(x) kv(k, v);
\set j `cat :'src'GeoIP2-Country-Test.json`
CREATE TABLE country_net AS
SELECT pg_temp.as_cidr(k) AS network, v->'country'->>'iso_code' AS country
FROM jsonb_array_elements(:'j'::jsonb) e(x), jsonb_each(x) kv(k, v);
CREATE INDEX ON asn_net USING gist (network inet_ops);
CREATE INDEX ON country_net USING gist (network inet_ops);
ANALYZE asn_net, country_net;

-- 1 million distinct addresses, uniformly random over IPv4: most miss the
-- tiny test databases, as most would miss any one network.
SELECT setseed(0.42) AS seeded \gset
CREATE UNLOGGED TABLE ip_random AS
SELECT ip FROM (
	SELECT DISTINCT '0.0.0.0'::inet + (random() * 4294967295)::bigint AS ip
	FROM generate_series(1, 1030000)
) d ORDER BY random() LIMIT 1000000;

-- 1 million distinct addresses that fall inside the databases' networks:
-- about 60% IPv4 (a network picked in proportion to its size), 40% IPv6
-- (a network picked uniformly, a random address in it).
CREATE TEMP TABLE net AS
SELECT network, family(network) AS fam,
	   CASE WHEN family(network) = 4 THEN 2::numeric ^ (32 - masklen(network)) END AS size
FROM (SELECT network FROM asn_net UNION SELECT network FROM country_net) n;
CREATE TEMP TABLE net4 AS
SELECT network, sum(size) OVER (ORDER BY network) - size AS lo, sum(size) OVER (ORDER BY network) AS hi
FROM net WHERE fam = 4;
CREATE TEMP TABLE net6 AS
SELECT network, row_number() OVER (ORDER BY network) - 1 AS i FROM net WHERE fam = 6;
CREATE UNLOGGED TABLE ip_biased AS
SELECT ip FROM (
	SELECT DISTINCT ip FROM (
		SELECT host(n.network)::inet + floor(g.r * (n.hi - n.lo))::bigint AS ip
		FROM (SELECT random() AS p, random() AS r FROM generate_series(1, 700000)) g
		JOIN net4 n ON g.p * (SELECT max(hi) FROM net4) >= n.lo AND g.p * (SELECT max(hi) FROM net4) < n.hi
		UNION ALL
		SELECT host(n.network)::inet + (random() * 4611686018427387903)::bigint
		FROM (SELECT (random() * (SELECT count(*) FROM net6))::int % (SELECT count(*) FROM net6) AS i
			  FROM generate_series(1, 450000)) g
		JOIN net6 n USING (i)
	) c
) d ORDER BY random() LIMIT 1000000;
ANALYZE ip_random, ip_biased;

SELECT 'random' AS addresses, count(*) AS n, count(*) FILTER (WHERE family(ip) = 4) AS ipv4
FROM ip_random
UNION ALL
SELECT 'biased', count(*), count(*) FILTER (WHERE family(ip) = 4) FROM ip_biased;

-- Best of :runs wall-clock times of a query, and its answer.
CREATE FUNCTION pg_temp.timed(q text, runs integer) RETURNS TABLE (best_ms numeric, answer text)
LANGUAGE plpgsql AS $$
DECLARE
	t0 timestamptz;
	ms numeric;
BEGIN
	best_ms := NULL;
	FOR i IN 1 .. runs LOOP
		t0 := clock_timestamp();
		EXECUTE q INTO answer;
		ms := extract(epoch FROM clock_timestamp() - t0) * 1000;
		best_ms := least(best_ms, ms);
	END LOOP;
	RETURN NEXT;
END $$;

-- The two ways, each answering count and checksum of asn, org, country.
\set q_mmdb 'SELECT row(count(asn), count(org), count(country), sum(asn), sum(hashtext(org)), sum(hashtext(country)))::text FROM (SELECT ip_asn(ip) AS asn, ip_as_org(ip) AS org, ip_country(ip) AS country FROM %I) s'
\set q_gist 'SELECT row(count(a.asn), count(a.org), count(c.country), sum(a.asn), sum(hashtext(a.org)), sum(hashtext(c.country)))::text FROM %I i LEFT JOIN asn_net a ON a.network >>= i.ip LEFT JOIN country_net c ON c.network >>= i.ip'
\set q_json 'SELECT count(mmdb_lookup(''country'', ip))::text FROM %I'

-- The GiST join is forced onto the index (with tables this small the
-- planner would rather scan them whole for every address; its choice is
-- timed too).
SET enable_seqscan = off;
EXPLAIN (COSTS OFF) SELECT * FROM ip_biased i LEFT JOIN asn_net a ON a.network >>= i.ip;
RESET enable_seqscan;

CREATE TEMP TABLE result (addresses text, method text, best_ms numeric, answer text,
						  lookups_per_address integer);
INSERT INTO result SELECT 'random', 'mmdb functions', t.*, 3 FROM pg_temp.timed(format(:'q_mmdb', 'ip_random'), :runs) t;
SET enable_seqscan = off;
INSERT INTO result SELECT 'random', 'GiST join', t.* FROM pg_temp.timed(format(:'q_gist', 'ip_random'), :runs) t;
RESET enable_seqscan;
INSERT INTO result SELECT 'random', 'planner''s join', t.* FROM pg_temp.timed(format(:'q_gist', 'ip_random'), :runs) t;
INSERT INTO result SELECT 'biased', 'mmdb functions', t.*, 3 FROM pg_temp.timed(format(:'q_mmdb', 'ip_biased'), :runs) t;
SET enable_seqscan = off;
INSERT INTO result SELECT 'biased', 'GiST join', t.* FROM pg_temp.timed(format(:'q_gist', 'ip_biased'), :runs) t;
RESET enable_seqscan;
INSERT INTO result SELECT 'biased', 'planner''s join', t.* FROM pg_temp.timed(format(:'q_gist', 'ip_biased'), :runs) t;
INSERT INTO result SELECT 'biased', 'mmdb_lookup jsonb', t.*, 1 FROM pg_temp.timed(format(:'q_json', 'ip_biased'), :runs) t;

\echo
\echo 'Enrichment of 1,000,000 distinct addresses (ASN, AS organization, country), one core:'
SELECT r.addresses, r.method, round(r.best_ms) AS ms,
	   round(1000000 / (r.best_ms / 1000)) AS addresses_per_s_core,
	   round(r.lookups_per_address * 1000000 / (r.best_ms / 1000)) AS mmdb_lookups_per_s_core,
	   round(g.best_ms / r.best_ms, 2) AS speedup_vs_gist_join
FROM result r JOIN result g ON g.addresses = r.addresses AND g.method = 'GiST join'
ORDER BY r.addresses DESC, r.best_ms;
\echo '(mmdb lookups: ip_asn, ip_as_org and ip_country are 3 per address; mmdb_lookup() returning the whole country record as jsonb is 1)'

SELECT addresses, count(DISTINCT answer) = 1 AS same_answers, min(answer) AS answer
FROM result WHERE method <> 'mmdb_lookup jsonb' GROUP BY addresses ORDER BY addresses DESC;

-- What a stat() per statement costs: at most one per statement is made, to
-- notice a replaced file; pg_stat_file() (a stat() plus a row) bounds it.
\set asn_file :td 'GeoLite2-ASN-Test.mmdb'
SELECT round(best_ms * 1000 / 100000, 3) AS stat_us_upper_bound
FROM pg_temp.timed(format('SELECT count((pg_stat_file(%L)).size)::text FROM generate_series(1, 100000)', :'asn_file'), :runs);
