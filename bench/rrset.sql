-- rrset.sql: dns_message throughput against a plain scan of the same bytea
-- column, and rrset equality and hashing against text[] on the same sets.
-- Run by bench/run-rrset.sh, which feeds the messages (COPY text of
-- bytea, one per line) on psql's standard input.
-- One core: no parallel workers.  Each query runs three times; the best
-- time counts.
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS pdns CASCADE;
SET search_path = pdns, public;
SET max_parallel_workers_per_gather = 0;
SET work_mem = '256MB';

DROP TABLE IF EXISTS bench_msgs, bench_sets, bench_timings;
CREATE TABLE bench_msgs (msg bytea);
\copy bench_msgs FROM pstdin
VACUUM ANALYZE bench_msgs;
CREATE TABLE bench_timings (what text PRIMARY KEY, seconds float8, items bigint);

-- Best of three runs of a query, in seconds.
CREATE FUNCTION pg_temp.best_of_3(what text, query text, items bigint) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
	t0 timestamptz;
	best float8;
	took float8;
BEGIN
	FOR i IN 1 .. 3 LOOP
		t0 := clock_timestamp();
		EXECUTE query;
		took := extract(epoch FROM clock_timestamp() - t0);
		best := least(best, took);
	END LOOP;
	INSERT INTO bench_timings VALUES (what, best, items);
END $$;

SELECT count(*) AS messages, sum(length(msg)) AS octets, round(avg(length(msg))) AS avg_octets
FROM bench_msgs \gset
SELECT count(*) AS rrsets, count(*) FILTER (WHERE partial) AS partial_rows,
       count(DISTINCT rrtype) AS rrtypes
FROM bench_msgs, dns_message(msg) \gset
\echo messages :messages (avg :avg_octets octets), rrsets :rrsets of :rrtypes types, partial rows :partial_rows

SELECT pg_temp.best_of_3('scan: sum(length(msg))',
	'SELECT sum(length(msg)) FROM bench_msgs', :messages) AS timed \gset
SELECT pg_temp.best_of_3('dns_message: every RRset',
	'SELECT count(*) FROM bench_msgs, dns_message(msg)', :messages) AS timed \gset
SELECT pg_temp.best_of_3('dns_message_header',
	'SELECT count((dns_message_header(msg)).id) FROM bench_msgs', :messages) AS timed \gset

-- The same sets as rrset and as text[] (canonical order), each twice in
-- separate datums so that equality compares two values.
CREATE TABLE bench_sets AS
SELECT rdata AS r, rdata::text::rrset AS r2, rdata(rdata) AS t, rdata(rdata)::text::text[] AS t2
FROM bench_msgs, dns_message(msg) WHERE rdata IS NOT NULL;
VACUUM ANALYZE bench_sets;
SELECT count(*) AS sets, count(DISTINCT r) AS distinct_sets FROM bench_sets \gset

SELECT pg_temp.best_of_3('rrset: r = r2', 'SELECT count(*) FROM bench_sets WHERE r = r2', :sets) AS timed \gset
SELECT pg_temp.best_of_3('text[]: t = t2', 'SELECT count(*) FROM bench_sets WHERE t = t2', :sets) AS timed \gset
SET enable_sort = off;
SELECT pg_temp.best_of_3('rrset: hash GROUP BY',
	'SELECT count(*) FROM (SELECT r FROM bench_sets GROUP BY r) g', :sets) AS timed \gset
SELECT pg_temp.best_of_3('text[]: hash GROUP BY',
	'SELECT count(*) FROM (SELECT t FROM bench_sets GROUP BY t) g', :sets) AS timed \gset
RESET enable_sort;
SELECT pg_temp.best_of_3('rrset: hash join',
	'SELECT count(*) FROM bench_sets a JOIN (SELECT DISTINCT r FROM bench_sets) b USING (r)', :sets) AS timed \gset
SELECT pg_temp.best_of_3('text[]: hash join',
	'SELECT count(*) FROM bench_sets a JOIN (SELECT DISTINCT t FROM bench_sets) b USING (t)', :sets) AS timed \gset
SELECT pg_size_pretty(sum(pg_column_size(r))) AS rrset_bytes,
       pg_size_pretty(sum(pg_column_size(t))) AS text_array_bytes,
       round(sum(pg_column_size(t))::numeric / sum(pg_column_size(r)), 2) AS text_array_over_rrset
FROM bench_sets;
\echo sets :sets (distinct :distinct_sets)

SELECT what, round(seconds::numeric, 3) AS seconds,
       round(items / seconds) AS per_second
FROM bench_timings ORDER BY what;

-- The ratios.
SELECT round((SELECT seconds FROM bench_timings WHERE what LIKE 'dns_message: %') /
             (SELECT seconds FROM bench_timings WHERE what LIKE 'scan: %')) AS dns_message_over_scan,
       round(:messages / (SELECT seconds FROM bench_timings WHERE what LIKE 'dns_message: %')) AS messages_per_second_per_core,
       round(((SELECT seconds FROM bench_timings WHERE what = 'text[]: t = t2') /
              (SELECT seconds FROM bench_timings WHERE what = 'rrset: r = r2'))::numeric, 2) AS text_array_eq_over_rrset_eq,
       round(((SELECT seconds FROM bench_timings WHERE what = 'text[]: hash GROUP BY') /
              (SELECT seconds FROM bench_timings WHERE what = 'rrset: hash GROUP BY'))::numeric, 2) AS text_array_hashagg_over_rrset,
       round(((SELECT seconds FROM bench_timings WHERE what = 'text[]: hash join') /
              (SELECT seconds FROM bench_timings WHERE what = 'rrset: hash join'))::numeric, 2) AS text_array_hashjoin_over_rrset;

DROP TABLE bench_msgs, bench_sets, bench_timings;
