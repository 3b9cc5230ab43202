#!/bin/sh
# search.sh: regex and glob search (docs/search.md) against the same
# search run as a sequential regex over the same table, on a store of
# bench/namegen's observations (issue 18, part 1; bench/README.md).
#
#   bench/search.sh          SCALE=1: 5 200 000 lines, 550 000 RRsets
#
# Loads the file into a fresh database (compaction at the end of the COPY),
# analyzes, then for each pattern times, interleaved, RUNS rounds of
#  - pdns:       search_rrnames() / search_rdata() as they plan it (the
#                trigram index when the histogram says few rows match);
#  - sequential: the same call with bitmap scans off, so that the regex
#                runs over every row of the same table (GIN has no other
#                scan; everything else plans as before);
#  - plain:      what one writes without pdns's search: the regex over the
#                owner names (or the rdata) of every RRset, grouped alike.
# and checks that all three give the same rows (a digest of each answer).
# Targets (issue 18): against the sequential regex over the store's RRsets
# ("plain"), selective patterns at least 20 times faster, unselective
# ones no slower.  The same search without its trigram index is printed
# beside them.
set -eu
cd "$(dirname "$0")/.."
. bench/lib.sh
N=$(scaled 5200000)
R=$(scaled 550000)
DB=pdns_bench_search

echo "== search benchmark: $N lines, $R RRsets"
environment
build_namegen
file=$(observations_file "$N" "$R")

fresh_db $DB
t=$(now)
psql -X -q -v ON_ERROR_STOP=1 -d $DB -c "SELECT pdns.configure(record_clients => 'off')" \
	-c "\\copy pdns.native_in FROM '$file'" > /dev/null
load=$(since "$t")
psql -X -q -d $DB -c "VACUUM ANALYZE pdns.searchable_names, pdns.searchable_rdata, pdns.rrsets, pdns.rdata_elements"

psql -X -q -v ON_ERROR_STOP=1 -d $DB <<'SQL'
CREATE TABLE bench_result (seq serial, section text, measure text, pdns float8, baseline float8,
	unit text, target text);
CREATE TABLE bench_info (what text, value text);
-- kind: rrnames or rdata; the pattern, its method, its type filter, the
-- page size, and whether it is meant to be selective
CREATE TABLE patterns (id serial, kind text, pattern text, method text, rrtype text, max_results bigint,
	selective boolean);
INSERT INTO patterns (kind, pattern, method, rrtype, max_results, selective) VALUES
	('rrnames', '^ns2\.smartstream\.tv\.$', 'regex', 'ANY', 10000, true),
	('rrnames', 'pied-piper-hk', 'regex', 'ANY', 10000, true),
	('rrnames', '*.crashlytics.com.', 'glob', 'ANY', 10000, true),
	('rrnames', '^tyrell-b[0-9]\.', 'regex', 'A', 10000, true),
	('rrnames', 'mail.*.google.com.', 'glob', 'ANY', 10000, true),
	('rrnames', '\.com\.$', 'regex', 'ANY', 10000, false),
	('rrnames', '\.com\.$', 'regex', 'ANY', 100, false),
	('rrnames', '*', 'glob', 'ANY', 10000, false),
	('rrnames', '[0-9]', 'regex', 'ANY', 10000, false),
	('rrnames', '[0-9]', 'regex', 'ANY', 10000000, false),
	('rdata', '^20 mx2\.cmol\.com\.$', 'regex', 'ANY', 10000, true),
	('rdata', 'awsdns-27', 'regex', 'NS', 10000, true),
	('rdata', '141.23.23.*', 'glob', 'A', 10000, true),
	('rdata', '^2a00:1450:75f2:', 'regex', 'AAAA', 10000, true),
	('rdata', '\.net\.$', 'regex', 'ANY', 10000, false),
	('rdata', '*', 'glob', 'A', 100, false),
	('rdata', '[0-9]', 'regex', 'ANY', 10000, false),
	('rdata', '[0-9]', 'regex', 'ANY', 10000000, false);

-- One timed run: the rows, a digest of the answer's core columns, the ms.
CREATE FUNCTION timed(kind text, pattern text, method text, rrtype text, max_results bigint, how text,
	OUT ms float8, OUT rows bigint, OUT digest text)
LANGUAGE plpgsql AS $$
DECLARE
	rx text := pdns.search_pattern(pattern, method);
	types pdns.rrtype[] := pdns.rrtype_filter(rrtype);
	q text;
	t timestamptz;
BEGIN
	PERFORM set_config('enable_bitmapscan', CASE WHEN how = 'sequential' THEN 'off' ELSE 'on' END, true);
	IF how = 'plain' AND kind = 'rrnames' THEN
		q := format($q$
			SELECT r.rrname::text AS v, r.rrtype, min(r.time_first) AS f, max(r.time_last) AS l, sum(r.count) AS c
			FROM pdns.rrsets r
			WHERE pdns.fqdn(r.rrname) ~* %L
			  AND (%L::pdns.rrtype[] IS NULL OR r.rrtype OPERATOR(public.=) ANY (%L::pdns.rrtype[]))
			  AND (%L::pdns.rrtype[] IS NOT NULL OR r.rrtype OPERATOR(public.<>) ALL (pdns.dnssec_rrtypes()))
			GROUP BY r.rrname, r.rrtype ORDER BY r.rrname, r.rrtype LIMIT %s$q$, rx, types, types, types, max_results);
	ELSIF how = 'plain' THEN
		q := format($q$
			SELECT v, r.rrtype, min(r.time_first) AS f, max(r.time_last) AS l, sum(r.count) AS c
			FROM pdns.rrsets r, unnest(pdns.rdata(r.rdata)) v
			WHERE v ~* %L
			  AND (%L::pdns.rrtype[] IS NULL OR r.rrtype OPERATOR(public.=) ANY (%L::pdns.rrtype[]))
			  AND r.rrtype OPERATOR(public.<>) ALL (pdns.dnssec_rrtypes())
			GROUP BY v, r.rrtype ORDER BY v COLLATE "C", r.rrtype LIMIT %s$q$, rx, types, types, max_results);
	ELSIF kind = 'rrnames' THEN
		q := format($q$SELECT rrname::text AS v, rrtype, time_first AS f, time_last AS l, count AS c
			FROM pdns.search_rrnames(%L, %L, %L, max_results => %s)$q$, pattern, method, rrtype, max_results);
	ELSE
		q := format($q$SELECT rdata AS v, rrtype, time_first AS f, time_last AS l, count AS c
			FROM pdns.search_rdata(%L, %L, %L, max_results => %s)$q$, pattern, method, rrtype, max_results);
	END IF;
	t := clock_timestamp();
	EXECUTE format('SELECT count(*), md5(coalesce(string_agg(concat_ws(''|'', v, rrtype, f, l, c), E''\n''), ''''))
	                FROM (%s) x', q) INTO rows, digest;
	ms := 1000 * extract(epoch FROM clock_timestamp() - t);
END
$$;
CREATE TABLE timings (round integer, pattern_id integer, how text, ms float8, rows bigint, digest text);
SQL

# One session for all rounds, interleaved: pdns, sequential, plain, then
# again.  (A backend's first touch of a shared buffer costs it a page
# fault, tens of microseconds on this VM: the first round of a pattern in
# a new session is slower; the first round's pdns time is printed too.)
rounds=""
for i in $(seq "$RUNS"); do
	rounds="$rounds
INSERT INTO timings SELECT $i, p.id, h.how, t.*
FROM patterns p, unnest('{pdns,sequential,plain}'::text[]) WITH ORDINALITY h(how, o),
     LATERAL timed(p.kind, p.pattern, p.method, p.rrtype, p.max_results, h.how) t
ORDER BY p.id, h.o;"
done
printf 'SET jit = off;\nSET max_parallel_workers_per_gather = 0;\n%s\n' "$rounds" |
	psql -X -q -v ON_ERROR_STOP=1 -d $DB > /dev/null

psql -X -q -v ON_ERROR_STOP=1 -d $DB <<'SQL'
-- every way gives the same answer, or the benchmark fails
DO $$
DECLARE
	bad record;
BEGIN
	FOR bad IN SELECT p.kind, p.pattern, p.rrtype, p.max_results, array_agg(DISTINCT t.digest) AS digests
	           FROM timings t JOIN patterns p ON p.id = t.pattern_id
	           GROUP BY p.id, p.kind, p.pattern, p.rrtype, p.max_results HAVING count(DISTINCT t.digest) > 1
	LOOP
		RAISE EXCEPTION 'answers differ for % "%" %, %: %', bad.kind, bad.pattern, bad.rrtype, bad.max_results,
			bad.digests;
	END LOOP;
END
$$;
WITH best AS (
	SELECT pattern_id, how, min(ms) AS ms, max(rows) AS rows FROM timings GROUP BY pattern_id, how
)
INSERT INTO bench_result (section, measure, pdns, baseline, unit, target)
SELECT format('%s %s', p.kind, CASE WHEN p.selective THEN 'selective' ELSE 'unselective' END),
       format('%s %s %s, page %s: %s rows', p.method, p.pattern, p.rrtype, p.max_results, s.rows),
       s.ms, x.ms, 'ms', CASE WHEN p.selective THEN '<= 0.05' ELSE '<= 1' END
FROM patterns p
JOIN best s ON s.pattern_id = p.id AND s.how = 'pdns'
JOIN best x ON x.pattern_id = p.id AND x.how = 'plain'
ORDER BY p.id;
WITH best AS (
	SELECT pattern_id, how, min(ms) AS ms FROM timings GROUP BY pattern_id, how
)
INSERT INTO bench_info
SELECT format('%s %s %s %s, page %s: ms without the trigram index (ratio); pdns in its first round',
              p.kind, p.method, p.pattern, p.rrtype, p.max_results),
       format('%s (%s); %s', round(b.ms::numeric, 1), round((s.ms / b.ms)::numeric, 2),
              round(f.ms::numeric, 1))
FROM patterns p
JOIN best s ON s.pattern_id = p.id AND s.how = 'pdns'
JOIN best b ON b.pattern_id = p.id AND b.how = 'sequential'
JOIN timings f ON f.pattern_id = p.id AND f.how = 'pdns' AND f.round = 1
ORDER BY p.id;
INSERT INTO bench_info SELECT 'searchable names / rdata values',
	(SELECT count(*) FROM pdns.searchable_names) || ' / ' || (SELECT count(*) FROM pdns.searchable_rdata);
INSERT INTO bench_info SELECT 'bytes: searchable_names, searchable_rdata (with indexes); the store',
	pg_size_pretty(pg_total_relation_size('pdns.searchable_names')) || ', '
	|| pg_size_pretty(pg_total_relation_size('pdns.searchable_rdata')) || '; '
	|| pg_size_pretty(pg_database_size(current_database()));
SQL
psql -X -q -d $DB -c "INSERT INTO bench_info VALUES ('load (COPY and compaction)', '$load s')"
report $DB
echo "load average at the end: $(load_average)"
[ -n "${KEEP_DB:-}" ] || drop_db $DB
