#!/bin/sh
# rollups.sh: the dashboards' rollups (docs/signals.md, "Rollups") on a
# store of bench/namegen's observations (issue 18, part 5; bench/README.md).
#
#   bench/rollups.sh         SCALE=1: 5 200 000 lines, 550 000 RRsets
#
#  1. loads the file into a fresh database, client counts on, and reports
#     what compaction spent on the rollups (track_functions);
#  2. makes a year of daily rollups: the loaded day's rows, copied to the
#     364 days before it with their counts varied (the new names of a
#     day are 2 to 30 % of the loaded day's), and the months summed from
#     them (what compaction would have kept over that year);
#  3. times "the top 20 registered domains by new names this month" from
#     the monthly rollup (top_new_domains), against the same answer summed
#     from the daily rollups and, for the loaded day alone, counted from
#     first_sightings (what one computes without rollups); all three must
#     agree where they overlap.  Target: 50 ms or less.
set -eu
cd "$(dirname "$0")/.."
. bench/lib.sh
N=$(scaled 5200000)
R=$(scaled 550000)
DB=pdns_bench_rollups
key=1522178d33a4cf80130a5b1649907d10d8988f837979652762574c2d2a842202

echo "== rollups benchmark: $N lines, $R RRsets, a year of daily rollups"
environment
build_namegen
file=$(observations_file "$N" "$R")

fresh_db $DB
t=$(now)
psql -X -q -v ON_ERROR_STOP=1 -d $DB -c "SET pdns.pseudonymization_key = '$key'" -c "SET track_functions = 'pl'" \
	-c "SELECT pdns.configure(record_clients => 'count')" -c "\\copy pdns.native_in FROM '$file'" \
	-c "CREATE TABLE function_times AS SELECT funcname, calls, total_time, self_time FROM pg_stat_user_functions
	    WHERE schemaname = 'pdns'" > /dev/null
load=$(since "$t")

psql -X -q -v ON_ERROR_STOP=1 -d $DB <<'SQL'
CREATE TABLE bench_result (seq serial, section text, measure text, pdns float8, baseline float8,
	unit text, target text);
CREATE TABLE bench_info (what text, value text);
INSERT INTO bench_info
SELECT 'compaction: ' || funcname || ' (calls, ms)', calls || ', ' || round(total_time)
FROM function_times
WHERE funcname IN ('_compact_runs', '_rollup_compacted', '_rollup_add', '_record_first_sightings',
                   '_rollup_new_names', '_rollup_negatives')
ORDER BY total_time DESC;

-- 2. a year of days before the loaded one
SELECT min(period) AS day FROM pdns.domain_rollups \gset
INSERT INTO bench_info SELECT 'loaded day; domains on it', :'day' || '; ' || count(*)
FROM pdns.domain_rollups WHERE period = :'day';
INSERT INTO pdns.domain_rollups (period, domain, names, rrsets, observations, negatives, clients, new_names)
SELECT d.period - make_interval(days => i), d.domain, d.names, d.rrsets,
       (d.observations * (0.5 + ((hashint4(i) # hashtext(d.domain::text)) & 1023) / 1023.0))::bigint,
       (d.negatives * (0.5 + ((hashint4(i * 7) # hashtext(d.domain::text)) & 1023) / 1023.0))::bigint,
       d.clients,
       (d.new_names * (0.02 + 0.28 * ((hashint4(i * 13) # hashtext(d.domain::text)) & 1023) / 1023.0))::bigint
FROM pdns.domain_rollups d, generate_series(1, 364) i
WHERE d.period = :'day';
DELETE FROM pdns.domain_month_rollups;
INSERT INTO pdns.domain_month_rollups (month, domain, observations, negatives, new_names)
SELECT date_trunc('month', period, 'UTC'), domain, sum(observations), sum(negatives), sum(new_names)
FROM pdns.domain_rollups GROUP BY 1, 2 ORDER BY 1, 2;
VACUUM ANALYZE pdns.domain_rollups, pdns.domain_month_rollups, pdns.first_sightings;
INSERT INTO bench_info SELECT 'rollup rows: daily, monthly',
	(SELECT count(*) FROM pdns.domain_rollups) || ', ' || (SELECT count(*) FROM pdns.domain_month_rollups);
INSERT INTO bench_info SELECT 'bytes: domain_rollups, domain_month_rollups (with indexes)',
	pg_size_pretty(pg_total_relation_size('pdns.domain_rollups')) || ', '
	|| pg_size_pretty(pg_total_relation_size('pdns.domain_month_rollups'));
SQL

day=$(psql -X -qAt -d $DB -c "SELECT max(period) FROM pdns.domain_rollups")
# a month in the middle of the year, and the loaded day's own month
month=$(psql -X -qAt -d $DB -c "SELECT date_trunc('month', '$day'::timestamptz - interval '180 days', 'UTC')")
cat > "$out/rollups-monthly.sql" <<SQL
SELECT * FROM pdns.top_new_domains('$month');
SQL
cat > "$out/rollups-daily.sql" <<SQL
SELECT domain, sum(new_names) AS new_names FROM pdns.domain_rollups
WHERE period >= '$month' AND period < '$month'::timestamptz + interval '1 month'
GROUP BY domain HAVING sum(new_names) > 0 ORDER BY 2 DESC, 1 LIMIT 20;
SQL
cat > "$out/rollups-first-sightings.sql" <<SQL
SELECT coalesce(pdns.registered_domain(f.subject), f.subject) AS domain, count(*) AS new_names
FROM pdns.first_sightings f
WHERE NOT f.is_domain AND f.sensor_id IS NULL
  AND f.first_seen >= date_trunc('month', '$day'::timestamptz, 'UTC')
  AND f.first_seen < date_trunc('month', '$day'::timestamptz, 'UTC') + interval '1 month'
GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 20;
SQL

# the answers agree: monthly against daily for the middle month, and the
# loaded day's month from the rollups against first_sightings (only the
# loaded day has first sightings; the copied days before it are in other
# months unless the day is late in its month, so compare the day alone)
psql -X -q -v ON_ERROR_STOP=1 -d $DB <<SQL
DO \$\$
BEGIN
	IF (SELECT array_agg(domain::text || '=' || new_names ORDER BY new_names DESC, domain)
	    FROM pdns.top_new_domains('$month'))
	   IS DISTINCT FROM
	   (SELECT array_agg(domain::text || '=' || new_names ORDER BY new_names DESC, domain) FROM (
	        SELECT domain, sum(new_names) AS new_names FROM pdns.domain_rollups
	        WHERE period >= '$month' AND period < '$month'::timestamptz + interval '1 month'
	        GROUP BY domain HAVING sum(new_names) > 0 ORDER BY 2 DESC, 1 LIMIT 20) d) THEN
		RAISE EXCEPTION 'the monthly rollup and the daily rollups differ for $month';
	END IF;
	IF (SELECT array_agg(domain::text || '=' || new_names ORDER BY new_names DESC, domain) FROM (
	        SELECT domain, new_names FROM pdns.domain_rollups WHERE period = '$day' AND new_names > 0
	        ORDER BY 2 DESC, 1 LIMIT 20) d)
	   IS DISTINCT FROM
	   (SELECT array_agg(domain::text || '=' || new_names ORDER BY new_names DESC, domain) FROM (
	        SELECT coalesce(pdns.registered_domain(f.subject), f.subject) AS domain, count(*) AS new_names
	        FROM pdns.first_sightings f
	        WHERE NOT f.is_domain AND f.sensor_id IS NULL
	          AND f.first_seen >= '$day' AND f.first_seen < '$day'::timestamptz + interval '1 day'
	        GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 20) d) THEN
		RAISE EXCEPTION 'the daily rollup of the loaded day and first_sightings differ';
	END IF;
END
\$\$;
SQL

results=$out/rollups-results.txt
: > "$results"
for i in $(seq "$RUNS"); do
	measure monthly $DB "$out/rollups-monthly.sql" prepared
	measure daily $DB "$out/rollups-daily.sql" prepared
	measure first_sightings $DB "$out/rollups-first-sightings.sql" prepared
done
psql -X -q -v ON_ERROR_STOP=1 -d $DB \
	-c "INSERT INTO bench_result (section, measure, pdns, baseline, unit, target) VALUES
	    ('top 20 domains by new names', 'a month, from the monthly rollup (ms; target 50)', $(lat monthly) / 1000.0,
	     50, 'ms', '<= 1'),
	    ('top 20 domains by new names', 'a month, summed from the daily rollups', $(lat daily) / 1000.0,
	     NULL, 'ms', ''),
	    ('top 20 domains by new names', 'the loaded month, counted from first_sightings', $(lat first_sightings) / 1000.0,
	     NULL, 'ms', '')" \
	-c "INSERT INTO bench_info VALUES ('load with client counts (COPY and compaction)', '$load s')"
report $DB
echo "load average at the end: $(load_average)"
[ -n "${KEEP_DB:-}" ] || drop_db $DB
