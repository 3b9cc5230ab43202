-- store.sql: the SQL side of bench/store.sh (see bench/README.md), run in
-- a store after its ingestion.  Measures what the store holds and its
-- bytes, and makes the tables the lookups need: probes (copied from the
-- one-day store to the other so that both answer the same questions) and
-- plain_ip, the plain-PostgreSQL baseline of rdata lookups by address.
-- Variables: store (the days the data spans: 1 or 365), lines (observations in the file),
-- plain_bytes (total bytes of the plain all-text table of the same file,
-- 0 in the year store), make_probes (true in the first store).
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
SET search_path = public, pdns;
SET max_parallel_workers_per_gather = 0;
SET jit = off;
\ir lib.sql

-- Updates of the store's rows during the ingestion, and how many were HOT
-- (no new index entries), before VACUUM resets nothing but the dead rows.
INSERT INTO bench_info
SELECT :'store' || '-day store: updates during ingestion, ' || family,
       format('%s rows inserted, %s updated, %s%% of the updates HOT', ins, upd,
              round(100.0 * hot / nullif(upd, 0), 1))
FROM (SELECT coalesce(i.inhparent, s.relid)::regclass::text AS family, sum(n_tup_ins) AS ins,
             sum(n_tup_upd) AS upd, sum(n_tup_hot_upd) AS hot
      FROM pg_stat_user_tables s LEFT JOIN pg_inherits i ON i.inhrelid = s.relid
      WHERE s.schemaname = 'pdns' GROUP BY 1) u
WHERE ins > 0 ORDER BY upd DESC, ins DESC;

SELECT clock_timestamp() AS vacuum_start \gset
VACUUM ANALYZE;
INSERT INTO bench_info SELECT :'store' || '-day store: VACUUM ANALYZE after the ingestion',
	round(extract(epoch FROM clock_timestamp() - :'vacuum_start'::timestamptz))::text || ' s';

-- ---------------------------------------------------------------------
-- Bytes: every table of the store, partitions included, heap, TOAST and
-- indexes, by the table (or partitioned table) it belongs to.

CREATE TABLE store_size AS
SELECT coalesce(i.inhparent, c.oid)::regclass::text AS family, count(*) AS relations,
       sum(pg_total_relation_size(c.oid)) AS bytes,
       sum(pg_indexes_size(c.oid)) AS index_bytes,
       sum(c.reltuples) FILTER (WHERE c.reltuples > 0) AS rows
FROM pg_class c LEFT JOIN pg_inherits i ON i.inhrelid = c.oid
WHERE c.relnamespace = 'pdns'::regnamespace AND c.relkind = 'r'
GROUP BY 1;
SELECT sum(bytes) AS store_bytes, (SELECT count(*) FROM pdns.rrsets) AS rrsets,
       (SELECT count(*) FROM pg_inherits WHERE inhparent = 'pdns.observations'::regclass) AS partitions
FROM store_size \gset

INSERT INTO bench_result (section, measure, pdns, baseline, unit, target)
SELECT 'bytes', :'store' || '-day store: bytes per raw observation, vs the all-text table',
       :store_bytes / :lines::float8, nullif(:plain_bytes, 0) / :lines::float8, 'B', ''
UNION ALL
SELECT 'bytes', :'store' || '-day store: bytes per distinct RRset', :store_bytes / :rrsets::float8, NULL, 'B', '';

INSERT INTO bench_info
SELECT :'store' || '-day store: ' || family, format('%s MB (%s in indexes), %s rows, %s relation(s)',
       round(bytes / 1048576.0, 1), round(index_bytes / 1048576.0, 1), coalesce(rows, 0)::bigint, relations)
FROM store_size WHERE rows > 0 ORDER BY bytes DESC;
INSERT INTO bench_info VALUES
	(:'store' || '-day store: partitions per partitioned table', :'partitions'),
	(:'store' || '-day store: distinct RRsets', :'rrsets');

-- ---------------------------------------------------------------------
-- The baseline of rdata lookups: the same rows as pdns.ip_history in a
-- plain table with a btree on an inet column.

CREATE TABLE plain_ip AS
SELECT a.address AS ip, r.rrname::text AS rrname, r.time_first, r.time_last, r.count
FROM pdns.rdata_addresses a JOIN pdns.rrsets r ON r.key = a.rrset_key;
CREATE INDEX plain_ip_ip ON plain_ip (ip);
VACUUM ANALYZE plain_ip;

\if :make_probes
-- Names (each exactly as stored), registered domains of names (for
-- "*.domain"), IPv4 /24 networks holding addresses: any of them, and the
-- 50 holding the most.
CREATE TABLE probe_names AS
SELECT row_number() OVER (ORDER BY md5(n)) AS id, n AS name
FROM (SELECT DISTINCT rrname::text AS n FROM pdns.rrsets TABLESAMPLE BERNOULLI (5) REPEATABLE (7)) s
LIMIT 20000;
CREATE TABLE probe_domains AS
SELECT row_number() OVER (ORDER BY md5(d)) AS id, d AS name
FROM (SELECT DISTINCT registered_domain(rrname)::text AS d FROM pdns.rrsets TABLESAMPLE BERNOULLI (5) REPEATABLE (8)) s
WHERE d IS NOT NULL LIMIT 5000;
CREATE TABLE probe_nets AS
SELECT row_number() OVER (ORDER BY md5(net)) AS id, net
FROM (SELECT DISTINCT network(set_masklen(ip, 24))::text AS net FROM plain_ip
      WHERE family(ip) = 4 ORDER BY 1) s;
DELETE FROM probe_nets WHERE id > 5000;
CREATE TABLE probe_dense_nets AS
SELECT row_number() OVER (ORDER BY count(*) DESC, net) AS id, net
FROM (SELECT network(set_masklen(ip, 24))::text AS net FROM plain_ip WHERE family(ip) = 4) s
GROUP BY net ORDER BY count(*) DESC, net LIMIT 50;
\endif

-- The rdata lookup and its baseline must return the same rows: checked on
-- 200 networks and the dense ones.
SELECT count(*) AS ip_checked, count(*) FILTER (WHERE NOT same) AS ip_mismatches
FROM (SELECT (SELECT array_agg(x ORDER BY x) FROM
              (SELECT format('%s %s %s %s %s', l.rrname, l.rdata[1], l.time_first, l.time_last, l.count) AS x
               FROM pdns.lookup_rdata_ip(p.net) l) a)
             IS NOT DISTINCT FROM
             (SELECT array_agg(x ORDER BY x) FROM
              (SELECT format('%s %s %s %s %s', rrname, host(ip), time_first, time_last, count) AS x
               FROM plain_ip WHERE ip BETWEEN host(network(p.net::inet))::inet AND host(broadcast(p.net::inet))::inet) b)
             AS same
      FROM (SELECT net FROM probe_nets WHERE id <= 200 UNION ALL SELECT net FROM probe_dense_nets) p) s \gset
SELECT pg_temp.check(:ip_mismatches = 0, format('lookup_rdata_ip and the inet btree disagree on %s networks',
                                                :ip_mismatches)) \gset
INSERT INTO bench_info VALUES (:'store' || '-day store: /24 lookups checked against the baseline', :'ip_checked');
