-- pseudonymize() per row, against plain baselines measured in the same run
-- on the same rows (bench/privacy.sh runs it in a scratch database).
-- Every case is the best of three runs, single process (no parallel
-- workers, no JIT), over :rows random addresses per family.
\set ON_ERROR_STOP 1
\if :{?rows}
\else
\set rows 1000000
\endif
SET client_min_messages = warning;
CREATE EXTENSION pdns CASCADE;
SET search_path = pdns, public;
SET max_parallel_workers_per_gather = 0;
SET jit = off;
SET pdns.pseudonymization_key = '1522178d33a4cf80130a5b1649907d10d8988f837979652762574c2d2a842202';

SELECT setseed(0.5) \gset
CREATE TABLE addrs (fam int, a inet);
INSERT INTO addrs SELECT 4, '0.0.0.0'::inet + (random() * 4294967295)::bigint
FROM generate_series(1, :rows);
INSERT INTO addrs SELECT 6, regexp_replace(md5(random()::text), '(....)(?!$)', '\1:', 'g')::inet
FROM generate_series(1, :rows);
CREATE TABLE v4 AS SELECT a FROM addrs WHERE fam = 4;
CREATE TABLE v6 AS SELECT a FROM addrs WHERE fam = 6;
DROP TABLE addrs;
CREATE UNLOGGED TABLE sink (a inet);
VACUUM ANALYZE v4, v6;

-- The baseline the task names: a plain SQL function returning its argument
-- (the planner inlines it, so it costs what the bare column costs).
CREATE FUNCTION identity_sql(inet) RETURNS inet LANGUAGE sql IMMUTABLE PARALLEL SAFE AS 'SELECT $1';

CREATE FUNCTION best_ms(query text) RETURNS float8 LANGUAGE plpgsql AS $$
DECLARE
    best float8;
    t0 timestamptz;
    ms float8;
BEGIN
    FOR i IN 1..3 LOOP
        TRUNCATE sink;
        t0 := clock_timestamp();
        EXECUTE query;
        ms := 1000 * extract(epoch FROM clock_timestamp() - t0);
        best := least(best, ms);
    END LOOP;
    RETURN best;
END $$;

CREATE TABLE results (fam text, ord int, name text, ms float8);
INSERT INTO results
SELECT fam, ord, name, best_ms(replace(query, 'TBL', tbl))
FROM (VALUES ('IPv4', 'v4'), ('IPv6', 'v6')) f(fam, tbl),
     (VALUES (1, 'count(a)', 'SELECT count(a) FROM TBL'),
             (2, 'count(identity_sql(a))', 'SELECT count(identity_sql(a)) FROM TBL'),
             (3, 'count(network(a))  [built-in C]', 'SELECT count(network(a)) FROM TBL'),
             (4, 'count(pseudonymize(a))', 'SELECT count(pseudonymize(a)) FROM TBL'),
             (5, 'INSERT a', 'INSERT INTO sink SELECT a FROM TBL'),
             (6, 'INSERT pseudonymize(a)', 'INSERT INTO sink SELECT pseudonymize(a) FROM TBL')) q(ord, name, query);

\echo
\echo pseudonymize() per row; ns/row over the plain query of the same shape
SELECT fam, name, round(ms) AS ms,
       round((1e6 * ms / :rows)::numeric, 1) AS ns_per_row,
       round((1e6 * (ms - first_value(ms) OVER w) / :rows)::numeric, 1) AS extra_ns_per_row,
       round((ms / first_value(ms) OVER w)::numeric, 2) AS ratio
FROM results
WINDOW w AS (PARTITION BY fam, ord > 4 ORDER BY ord)
ORDER BY fam, ord;
