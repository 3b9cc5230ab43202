-- dnsname.sql: the SQL side of bench/dnsname.sh (see bench/README.md).
-- The shell has loaded the same names into names_text (text COLLATE "C")
-- and names_dns (dnsname), the registered domains into domains, and put
-- its COPY timings into bench_result; this script times the index builds
-- and the lookups that run inside the server, and measures the sizes.
-- Variables: runs (rounds, the best counts), probes (exact lookups),
-- outdir (where the plans and examples for the report go).
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
SET search_path = public, pdns;
-- one core, nothing that differs from run to run
SET max_parallel_workers_per_gather = 0;
SET max_parallel_maintenance_workers = 0;
SET jit = off;
SET maintenance_work_mem = '1GB';
SET work_mem = '64MB';
\ir lib.sql

VACUUM ANALYZE names_text, names_dns;
SELECT count(*) AS name_count FROM names_text \gset
SELECT count(*) AS domain_count FROM domains \gset

-- ---------------------------------------------------------------------
-- CREATE INDEX on one core.

CREATE TEMP TABLE index_time AS
SELECT * FROM pg_temp.best_times(
	ARRAY['DROP INDEX IF EXISTS names_text_name', 'DROP INDEX IF EXISTS names_dns_name',
	      'DROP INDEX IF EXISTS names_text_reverse'],
	ARRAY['CREATE INDEX names_text_name ON names_text (name)',
	      'CREATE INDEX names_dns_name ON names_dns (name)',
	      'CREATE INDEX names_text_reverse ON names_text (reverse(name) text_pattern_ops)'], :runs);

-- ltree: the labels TLD first, with the characters ltree 1.2 (PostgreSQL
-- 15) cannot hold in a label mapped one-to-one: "_" to "__" and "-" to
-- "_h".  Names with any other character are left out (and counted).
CREATE FUNCTION pg_temp.ltree_path(n dnsname) RETURNS text
LANGUAGE sql IMMUTABLE AS $$ SELECT replace(replace(pdns.reversed(n), '_', '__'), '-', '_h') $$;
CREATE TABLE names_ltree AS
SELECT name::text COLLATE "C" AS name, pg_temp.ltree_path(name)::ltree AS path
FROM names_dns WHERE pg_temp.ltree_path(name) ~ '^[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)*$';
SELECT count(*) FILTER (WHERE pg_temp.ltree_path(name) !~ '^[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)*$') AS ltree_skipped,
       count(*) FILTER (WHERE name::text ~ '-') AS ltree_mapped_hyphen,
       count(*) FILTER (WHERE name::text ~ '_') AS ltree_mapped_underscore
FROM names_dns \gset
VACUUM ANALYZE names_ltree;
INSERT INTO index_time
SELECT 4, seconds, result FROM pg_temp.best_times(ARRAY[''],
	ARRAY['CREATE INDEX names_ltree_path ON names_ltree USING gist (path)'], 1);
ALTER TABLE domains ADD COLUMN path ltree;
UPDATE domains SET path = pg_temp.ltree_path(name::dnsname)::ltree;
VACUUM ANALYZE domains;

INSERT INTO bench_result (section, measure, pdns, baseline, unit, target)
SELECT 'build', 'CREATE INDEX (btree), vs ' || b0.what, d.seconds, b.seconds, 's', b0.target
FROM index_time d,
     (VALUES (1, 'text COLLATE "C"', '<= 1.00'), (3, 'reverse(text) text_pattern_ops', ''),
             (4, 'ltree GiST (built once)', '')) b0(n, what, target)
     JOIN index_time b USING (n)
WHERE d.n = 2;

-- ---------------------------------------------------------------------
-- Sizes.

INSERT INTO bench_result (section, measure, pdns, baseline, unit, target)
SELECT 'size', 'bytes per value (pg_column_size), vs text',
       (SELECT avg(pg_column_size(name)) FROM names_dns), (SELECT avg(pg_column_size(name)) FROM names_text),
       'B', '<= 1.05'
UNION ALL
SELECT 'size', 'table (heap), vs text', pg_relation_size('names_dns') / 1048576.0,
       pg_relation_size('names_text') / 1048576.0, 'MB', '<= 1.05'
UNION ALL
SELECT 'size', 'btree index, vs ' || what, pg_relation_size('names_dns_name') / 1048576.0,
       pg_relation_size(index) / 1048576.0, 'MB', target
FROM (VALUES ('text COLLATE "C"', 'names_text_name'::regclass, '<= 1.05'),
             ('reverse(text) text_pattern_ops', 'names_text_reverse', ''),
             ('ltree GiST', 'names_ltree_path', '')) b(what, index, target);

-- ---------------------------------------------------------------------
-- Exact lookups inside the server: a loop over :probes names (9 in 10
-- present, 1 in 10 absent), one indexed equality query each, the dnsname
-- parsed from text as a client's would be; the same loop without the
-- query is the overhead taken off for the "net" figure.

CREATE TABLE probes (id integer PRIMARY KEY, name text NOT NULL);
INSERT INTO probes
SELECT row_number() OVER (ORDER BY md5(name)), name
FROM (SELECT name FROM names_text
      TABLESAMPLE BERNOULLI (least(100, 100.0 * :probes * 0.9 / :name_count)) REPEATABLE (42)
      UNION ALL
      SELECT 'nx' || g || '.' || d.name
      FROM generate_series(1, :probes / 10) g JOIN domains d ON d.rank = 1 + g % :domain_count) p;
SELECT count(*) AS probe_count FROM probes \gset
VACUUM ANALYZE probes;

SELECT pg_temp.make_loop('exact_text', 'SELECT name FROM probes ORDER BY id', 'text',
	'SELECT count(*) FROM names_text WHERE name = p'),
       pg_temp.make_loop('exact_dns', 'SELECT name FROM probes ORDER BY id', 'text',
	'SELECT count(*) FROM names_dns WHERE name = p::pdns.dnsname'),
       pg_temp.make_loop('exact_none', 'SELECT name FROM probes ORDER BY id', 'text', 'length(p)') \gset
CREATE TEMP TABLE exact_time AS
SELECT * FROM pg_temp.best_times(ARRAY['', '', ''],
	ARRAY['SELECT pg_temp.exact_text()', 'SELECT pg_temp.exact_dns()', 'SELECT pg_temp.exact_none()'], :runs);
SELECT pg_temp.check(t.result = d.result, format('exact lookups disagree: text found %s, dnsname %s',
                                                 t.result, d.result))
FROM exact_time t, exact_time d WHERE t.n = 1 AND d.n = 2 \gset

INSERT INTO bench_result (section, measure, pdns, baseline, unit, target)
SELECT 'exact', 'in-server loop, per lookup, vs text COLLATE "C"',
       1e6 * d.seconds / :probe_count, 1e6 * t.seconds / :probe_count, 'us', '<= 1.10'
FROM exact_time d, exact_time t WHERE d.n = 2 AND t.n = 1
UNION ALL
SELECT 'exact', 'in-server loop, per lookup net of the loop, vs text',
       1e6 * (d.seconds - z.seconds) / :probe_count, 1e6 * (t.seconds - z.seconds) / :probe_count, 'us', '<= 1.10'
FROM exact_time d, exact_time t, exact_time z WHERE d.n = 2 AND t.n = 1 AND z.n = 3;

-- ---------------------------------------------------------------------
-- Subdomain search, *.<registered domain>: every method must find the
-- same rows; the text baseline without the leading dot finds more.  The
-- text searches are written as the index range that LIKE 'moc.elpmaxe.%'
-- becomes, so that they can take the domain as a parameter.

CREATE FUNCTION pg_temp.reverse_count(prefix text) RETURNS bigint
LANGUAGE sql STABLE AS $$
	SELECT count(name) FROM names_text
	WHERE reverse(name) ~>=~ prefix AND reverse(name) ~<~ (prefix || '~') AND starts_with(reverse(name), prefix)
$$;
SET enable_seqscan = off;
CREATE TEMP TABLE subtree_counts AS
SELECT d.rank, d.name, dns.n AS dns, pg_temp.reverse_count(reverse('.' || d.name)) AS dot,
       pg_temp.reverse_count(reverse(d.name)) AS nodot,
       (SELECT count(*) FROM names_text t WHERE t.name = d.name) AS apex
FROM domains d, LATERAL (SELECT count(*) FROM names_dns WHERE name << d.name::dnsname) dns(n);
-- ltree on one domain in ten (its index scans are slow)
ALTER TABLE subtree_counts ADD COLUMN ltree bigint;
UPDATE subtree_counts s
SET ltree = (SELECT count(*) FROM names_ltree l WHERE l.path <@ d.path AND l.path <> d.path)
FROM domains d WHERE d.rank = s.rank AND s.rank % 10 = 1;
RESET enable_seqscan;

SELECT count(*) AS domain_count,
       sum(dns) AS subtree_rows,
       count(*) FILTER (WHERE dns <> dot) AS dot_mismatches,
       count(*) FILTER (WHERE ltree IS NOT NULL AND ltree <> dns) AS ltree_mismatches,
       count(ltree) AS ltree_checked,
       sum(nodot - dot) AS nodot_extra,
       sum(apex) AS nodot_apex,
       sum(nodot - dot - apex) AS nodot_other,
       count(*) FILTER (WHERE nodot - dot - apex > 0) AS nodot_domains
FROM subtree_counts \gset
SELECT pg_temp.check(:dot_mismatches = 0 AND :ltree_mismatches = 0,
                     format('subdomain searches disagree: %s domains (reverse LIKE), %s (ltree)',
                            :dot_mismatches, :ltree_mismatches)) \gset

-- Examples of what the pattern without the dot catches (for the report).
\o :outdir/nodot-examples.txt
SELECT s.name AS domain, t.name AS wrong_row
FROM (SELECT * FROM subtree_counts WHERE nodot - dot - apex > 0 ORDER BY rank LIMIT 5) s,
     LATERAL (SELECT name FROM names_text
              WHERE reverse(name) ~>=~ reverse(s.name) AND reverse(name) ~<~ (reverse(s.name) || '~')
                AND starts_with(reverse(name), reverse(s.name))
                AND NOT starts_with(reverse(name), reverse('.' || s.name)) AND name <> s.name
              ORDER BY name LIMIT 2) t;
\o

-- Every domain's subtree once, inside the server: what the access path
-- costs without sending rows to a client.  count(name) makes each method
-- read the names (an index-only scan for dnsname, the heap for the others).
SELECT pg_temp.make_loop('subtree_dns', 'SELECT name FROM domains ORDER BY rank', 'text',
	'SELECT count(name) FROM names_dns WHERE name << p::pdns.dnsname'),
       pg_temp.make_loop('subtree_reverse', 'SELECT reverse(''.'' || name) FROM domains ORDER BY rank', 'text',
	'SELECT count(name) FROM names_text WHERE reverse(name) ~>=~ p AND reverse(name) ~<~ (p || ''~'')
	 AND starts_with(reverse(name), p)'),
       pg_temp.make_loop('subtree_ltree', 'SELECT path FROM domains ORDER BY rank', 'ltree',
	'SELECT count(name) FROM names_ltree WHERE path <@ p AND path <> p') \gset
CREATE TEMP TABLE subtree_time AS
SELECT * FROM pg_temp.best_times(ARRAY['', '', ''],
	ARRAY['SELECT pg_temp.subtree_dns()', 'SELECT pg_temp.subtree_reverse()', 'SELECT pg_temp.subtree_ltree()'],
	:runs);
SELECT pg_temp.check(count(DISTINCT result) = 1, 'the subtree loops found different numbers of names')
FROM subtree_time \gset
INSERT INTO bench_result (section, measure, pdns, baseline, unit, target)
SELECT 'subtree', 'in-server loop over every domain, per search, vs ' || what,
       1e6 * d.seconds / :domain_count, 1e6 * b.seconds / :domain_count, 'us', target
FROM subtree_time d,
     (VALUES (2, 'reverse(text) LIKE', '<= 1.00'), (3, 'ltree GiST', '<= 0.20')) b0(n, what, target)
     JOIN subtree_time b USING (n)
WHERE d.n = 1;

-- Plans and buffers of one big subtree (the first domain) three ways.
SELECT name AS big_domain, dns AS big_rows FROM subtree_counts ORDER BY rank LIMIT 1 \gset
SELECT path AS big_path FROM domains WHERE name = :'big_domain' \gset
\o :outdir/subtree-plans.txt
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, TIMING OFF) SELECT name FROM names_dns WHERE name << :'big_domain';
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, TIMING OFF)
	SELECT name FROM names_text WHERE reverse(name) LIKE reverse('.' || :'big_domain') || '%';
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, TIMING OFF)
	SELECT name FROM names_ltree WHERE path <@ :'big_path' AND path <> :'big_path';
\o

INSERT INTO bench_info VALUES
	('names', :'name_count'),
	('registered domains (subdomain-search probes)', :'domain_count'),
	('names below them in all', :'subtree_rows'),
	('exact-lookup probes (9 in 10 present)', :'probe_count'),
	('reverse LIKE without the leading dot: wrong rows over all domains', :'nodot_extra'),
	('  of which the apex itself (not strictly below)', :'nodot_apex'),
	('  of which names of other domains (badexample.com)', :'nodot_other'),
	('  domains whose search returned other domains'' names', :'nodot_domains'),
	('ltree: names that needed "-" mapped to "_h"', :'ltree_mapped_hyphen'),
	('ltree: names that needed "_" mapped to "__"', :'ltree_mapped_underscore'),
	('ltree: names it cannot hold even mapped (left out)', :'ltree_skipped'),
	('ltree: domains checked against dnsname (every tenth)', :'ltree_checked'),
	('big subtree in the plans: ' || :'big_domain', :'big_rows');
