#!/bin/sh
# store.sh: the store benchmark (issue 4; see bench/README.md).
#
#   bench/store.sh          SCALE=1: 5.2 million observations over 550 000 RRsets
#
# Builds bench/namegen and writes the same observations twice in the
# native layout (tab-separated, twelve fields, client addresses
# included): once within one day, once spread over 365 days.  Measures, in
# the same run on the same files:
#  - ingestion through the whole path (COPY into pdns.ingest_text, which
#    parses, deduplicates and merges) against plain COPY of the same file
#    into an unindexed table of twelve text columns, into a one-day store
#    and a 365-day store, and into a one-day store with record_clients off;
#    where the time goes (parse vs merge, the merge's statements when
#    pg_stat_statements is loaded, how many updates were HOT);
#  - pdns.lookup_rrset by name and *.domain, and name_volume, over 365
#    daily partitions vs one;
#  - pdns.lookup_rdata_ip of a /24 against a btree on a plain inet column
#    holding the same rows;
#  - the same lookups answered for one sensor (sensor => ...) against the
#    sum over sensors;
#  - the bytes of the stores per distinct RRset and per observation.
#
# Needs the server named by PG* (a superuser; pdns installed) and pgbench.
# RUNS (default 3) rounds of the plain COPY and of each lookup, the best
# counts; DURATION (default 3) seconds per pgbench round.  Scratch
# databases pdns_bench_store_{day,year,noclients}, dropped at the end
# (KEEP=1 keeps the first two).
set -eu
cd "$(dirname "$0")/.."
. bench/lib.sh
N=$(scaled 5200000)
R=$(scaled 550000)
day=pdns_bench_store_day year=pdns_bench_store_year noclients=pdns_bench_store_noclients
key=1522178d33a4cf80130a5b1649907d10d8988f837979652762574c2d2a842202
raw="WITH (FORMAT csv, DELIMITER E'\\x01', QUOTE E'\\x02', ENCODING 'LATIN1')"

echo "== store benchmark: $N observations over $R RRsets"
environment
build_namegen
for days in 1 365; do
	observations_file "$N" "$R" "$days" > /dev/null
done
file_day=$out/observations-$N-$R-1.tsv
file_year=$out/observations-$N-$R-365.tsv
echo "files: $(du -m "$file_day" | cut -f1) MB each"

cleanup() {
	dbs=$noclients
	[ -n "${KEEP:-}" ] || dbs="$dbs $day $year"
	for db in $dbs; do
		drop_db $db
	done
}
trap cleanup EXIT
for db in $day $year $noclients; do
	fresh_db $db
done
psql -X -q -v ON_ERROR_STOP=1 -d $day <<'EOF'
CREATE TABLE bench_result (seq serial, section text, measure text, pdns float8, baseline float8,
	unit text, target text);
CREATE TABLE bench_info (what text, value text);
CREATE TABLE plain_obs (time text, sensor text, client text, server text, rrname text, rrtype text,
	class text, ttl text, rdata text, bailiwick text, count text, rcode text);
CREATE TABLE ingest_split (store text, seconds float8, merge_seconds float8, merges bigint,
	partition_seconds float8);
CREATE TABLE merge_statements (store text, query text, calls bigint, seconds float8, rows bigint);
EOF
psql -X -q -d $noclients -c "SELECT pdns.configure(record_clients => 'off')" > /dev/null
# One COPY spreads over 365 days: more periods than one transaction may
# write to by default (settings.max_periods, 200).
psql -X -q -d $year -c "SELECT pdns.configure(max_periods => 400)" > /dev/null

# Plain COPY of the one-day file, best of RUNS (the table keeps the last).
plain=
for i in $(seq "$RUNS"); do
	psql -X -q -d $day -c "TRUNCATE plain_obs"
	plain=$(best "$plain" "$(copy_seconds $day plain_obs "$file_day")")
done
psql -X -q -d $day -c "VACUUM ANALYZE plain_obs"
plain_bytes=$(psql -X -qAt -d $day -c "SELECT pg_total_relation_size('plain_obs')")

# ingest STORE DB FILE: one COPY of FILE into pdns.ingest_text; records
# its time, the time in pdns._compact_runs() (track_functions: the
# statement compacts its own runs here, inline) and, with
# pg_stat_statements, the time of each statement the merges ran.
pss=$(psql -X -qAt -d postgres -c "SELECT count(*) FROM pg_settings WHERE name = 'pg_stat_statements.track'")
ingest() {
	if [ "$pss" = 1 ]; then
		psql -X -q -d "$2" -c "SET client_min_messages = warning" -c "CREATE EXTENSION IF NOT EXISTS pg_stat_statements" \
			-c "SELECT pg_stat_statements_reset()" > /dev/null
	fi
	psql -X -q -d "$2" -c "SELECT pg_stat_reset()" > /dev/null
	_s=$(copy_seconds "$2" pdns.ingest_text "$3" "$raw" \
		"SET pdns.pseudonymization_key = '$key'; SET track_functions = 'pl';
		 $([ "$pss" = 1 ] && echo "SET pg_stat_statements.track = 'all';")")
	# the COPY's backend reports its function statistics as it exits
	for _i in 1 2 3 4 5 6 7 8 9 10; do
		_m=$(psql -X -qAt -d "$2" -c "SELECT total_time / 1000, calls FROM pg_stat_user_functions
			WHERE schemaname = 'pdns' AND funcname = '_compact_runs'")
		[ -n "$_m" ] && break
		sleep 0.5
	done
	[ -n "$_m" ] || _m='0|0'		# (no compaction seen: all counted outside it)
	_p=$(psql -X -qAt -d "$2" -c "SELECT coalesce(sum(total_time) / 1000, 0) FROM pg_stat_user_functions
		WHERE schemaname = 'pdns' AND funcname = '_partitions'")
	psql -X -q -d $day -c "INSERT INTO ingest_split VALUES ('$1', $_s, $(echo "$_m" | cut -d'|' -f1),
		$(echo "$_m" | cut -d'|' -f2), $_p)"
	if [ "$pss" = 1 ]; then
		psql -X -q -d "$2" -c "COPY (SELECT '$1', regexp_replace(query, '\\s+', ' ', 'g'), calls,
			total_exec_time / 1000, rows FROM pg_stat_statements
			WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
			  AND toplevel = false ORDER BY total_exec_time DESC LIMIT 8) TO STDOUT" |
			psql -X -q -d $day -c "COPY merge_statements FROM STDIN"
	fi
	echo "ingested into the $1 store in $_s s (load average $(load_average))"
}
ingest day $day "$file_day"
ingest year $year "$file_year"
ingest "day, record_clients off" $noclients "$file_day"
drop_db $noclients

psql -X -q -v ON_ERROR_STOP=1 -d $day <<EOF
INSERT INTO bench_result (section, measure, pdns, baseline, unit, target)
SELECT 'ingest', 'rows/s, ' || store || ' store, vs plain COPY', $N / seconds, $N / $plain, 'rows/s', '>= 0.50'
FROM ingest_split;
INSERT INTO bench_result (section, measure, pdns, baseline, unit, target)
SELECT 'ingest', 'outside the merge (COPY, parse, batch), ' || store, $N / (seconds - merge_seconds),
       $N / $plain, 'rows/s', ''
FROM ingest_split;
INSERT INTO bench_info
SELECT 'ingest, ' || store || ': seconds, in merges, merges, making partitions',
       format('%s s, %s s in the merge (%s%%), %s merges, %s s making partitions', round(seconds::numeric, 1),
              round(merge_seconds::numeric, 1), round((100 * merge_seconds / seconds)::numeric),
              merges, round(partition_seconds::numeric, 1))
FROM ingest_split;
INSERT INTO bench_info VALUES ('plain COPY of the file', '$plain s');
EOF

psql -X -q -v ON_ERROR_STOP=1 -d $day -v store=1 -v lines="$N" -v plain_bytes="$plain_bytes" \
	-v make_probes=true -f bench/store.sql
for t in probe_names probe_domains probe_nets probe_dense_nets; do
	psql -X -q -d $day -c "COPY (SELECT * FROM $t) TO STDOUT" > "$out/$t.copy"
	psql -X -q -d $year -c "CREATE TABLE $t (id bigint, name text)" -c "COPY $t FROM STDIN" < "$out/$t.copy"
	# the probe of each lookup round is then one index probe, not a scan of
	# the table that leaves the CPU caches to the probe before the lookup
	for db in $day $year; do
		psql -X -q -d $db -c "ALTER TABLE $t ADD PRIMARY KEY (id)" -c "ANALYZE $t"
	done
done
psql -X -q -d $year -c "ALTER TABLE probe_nets RENAME name TO net" -c "ALTER TABLE probe_dense_nets RENAME name TO net"
psql -X -q -d $year -c "CREATE TABLE bench_result (seq serial, section text, measure text, pdns float8,
	baseline float8, unit text, target text)" -c "CREATE TABLE bench_info (what text, value text)"
psql -X -q -v ON_ERROR_STOP=1 -d $year -v store=365 -v lines="$N" -v plain_bytes=0 \
	-v make_probes=false -f bench/store.sql
psql -X -q -d $year -c "COPY (SELECT section, measure, pdns, baseline, unit, target FROM bench_result ORDER BY seq)
	TO STDOUT" | psql -X -q -d $day -c "COPY bench_result (section, measure, pdns, baseline, unit, target) FROM STDIN"
psql -X -q -d $year -c "COPY bench_info TO STDOUT" | psql -X -q -d $day -c "COPY bench_info FROM STDIN"

# What name_volume costs over many partitions: planning and execution of
# one name in a new session, as EXPLAIN ANALYZE shows them.
name=$(psql -X -qAt -d $day -c "SELECT name FROM probe_names WHERE id = 1")
for store in day year; do
	[ $store = day ] && db=$day || db=$year
	times=$(psql -X -qAt -d $db -c "EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY ON)
		SELECT * FROM pdns.name_volume WHERE rrname = '$name'" |
		sed -n 's/^Planning Time: /planning /p; s/^Execution Time: /execution /p' | paste -sd'|' - | sed 's/|/, /')
	psql -X -q -d $day -c "INSERT INTO bench_info VALUES ('name_volume of one name ($store store), new session', '$times')"
done

# Lookups from a client: pgbench, one connection, each statement planned
# with its values (extended protocol), rounds interleaved.
script() {
	pgbench_script "$out/$3.pgb" "$(psql -X -qAt -d $day -c "SELECT count(*) FROM $1")" \
		"SELECT * FROM $1 WHERE id = :i" "$2"
}
script probe_names "SELECT * FROM pdns.lookup_rrset(:name)" name
script probe_domains "SELECT * FROM pdns.lookup_rrset('*.' || :name)" wildcard
script probe_names "SELECT * FROM pdns.name_volume WHERE rrname = :name" volume
script probe_names "SELECT * FROM pdns.rrset_history WHERE rrname = :name" history
# one sensor's answers: the sensor that saw the most
sensor=$(psql -X -qAt -d $day -c "SELECT n.name FROM pdns.rrset_sensors s JOIN pdns.sensors n ON n.id = s.sensor_id
	GROUP BY n.name ORDER BY count(*) DESC, n.name LIMIT 1")
script probe_names "SELECT * FROM pdns.lookup_rrset(:name, sensor => '$sensor')" name-sensor
script probe_domains "SELECT * FROM pdns.lookup_rrset('*.' || :name, sensor => '$sensor')" wildcard-sensor
script probe_nets "SELECT * FROM pdns.lookup_rdata_ip(:net, sensor => '$sensor')" rdata-random-sensor
for set in probe_nets:random probe_dense_nets:dense; do
	t=${set%%:*} c=${set#*:}
	script "$t" "SELECT * FROM pdns.lookup_rdata_ip(:net)" rdata-$c-pdns
	script "$t" "SELECT address, rrname, time_first, time_last, count FROM pdns.ip_history WHERE address <<= :net::inet" \
		rdata-$c-view
	script "$t" "SELECT ip, rrname, time_first, time_last, count FROM plain_ip WHERE ip <<= :net::inet" rdata-$c-plain
done
results=$out/store-latency.txt
: > "$results"
for i in $(seq "$RUNS"); do
	measure history-$day $day "$out/history.pgb" extended
	for s in name wildcard volume; do
		for db in $day $year; do
			measure $s-$db $db "$out/$s.pgb" extended
		done
	done
	for s in rdata-random-pdns rdata-random-view rdata-random-plain rdata-dense-pdns rdata-dense-view rdata-dense-plain \
		name-sensor wildcard-sensor rdata-random-sensor; do
		measure $s $day "$out/$s.pgb" extended
	done
done
psql -X -q -v ON_ERROR_STOP=1 -d $day <<EOF
INSERT INTO bench_result (section, measure, pdns, baseline, unit, target) VALUES
('lookup', 'lookup_rrset(name), 365 partitions vs 1', $(lat name-$year), $(lat name-$day), 'us', '<= 1.50'),
('lookup', 'lookup_rrset(''*.domain''), 365 partitions vs 1', $(lat wildcard-$year), $(lat wildcard-$day), 'us', '<= 1.50'),
('lookup', 'name_volume of a name, 365 partitions vs 1', $(lat volume-$year), $(lat volume-$day), 'us', ''),
('lookup', 'rrset_history WHERE rrname = name (a view), vs lookup_rrset(name)', $(lat history-$day), $(lat name-$day), 'us', ''),
('rdata', 'lookup_rdata_ip(any /24 in use), vs inet btree', $(lat rdata-random-pdns), $(lat rdata-random-plain), 'us', '<= 1.20'),
('rdata', 'ip_history <<= any /24 in use, vs inet btree', $(lat rdata-random-view), $(lat rdata-random-plain), 'us', ''),
('rdata', 'lookup_rdata_ip(one of the 50 densest /24), vs inet btree', $(lat rdata-dense-pdns), $(lat rdata-dense-plain), 'us', '<= 1.20'),
('rdata', 'ip_history <<= one of the 50 densest /24, vs inet btree', $(lat rdata-dense-view), $(lat rdata-dense-plain), 'us', ''),
('sensor', 'lookup_rrset(name, sensor), vs the sum over sensors', $(lat name-sensor), $(lat name-$day), 'us', ''),
('sensor', 'lookup_rrset(''*.domain'', sensor), vs the sum over sensors', $(lat wildcard-sensor), $(lat wildcard-$day), 'us', ''),
('sensor', 'lookup_rdata_ip(any /24 in use, sensor), vs the sum over sensors', $(lat rdata-random-sensor), $(lat rdata-random-pdns), 'us', '');
INSERT INTO bench_info VALUES ('the sensor of the per-sensor lookups', '$sensor'),
	('rrset_sensors rows per RRset', (SELECT round((SELECT count(*) FROM pdns.rrset_sensors)::numeric
	                                              / greatest((SELECT count(*) FROM pdns.rrsets), 1), 2)::text));
INSERT INTO bench_info
SELECT 'rows per lookup: ' || what, round(avg(n), 1)::text
FROM (SELECT 'name', (SELECT count(*) FROM pdns.lookup_rrset(name)) FROM probe_names WHERE id <= 500
      UNION ALL SELECT '*.domain', (SELECT count(*) FROM pdns.lookup_rrset('*.' || name)) FROM probe_domains WHERE id <= 500
      UNION ALL SELECT 'any /24', (SELECT count(*) FROM plain_ip WHERE ip <<= net::inet) FROM probe_nets WHERE id <= 500
      UNION ALL SELECT 'dense /24', (SELECT count(*) FROM plain_ip WHERE ip <<= net::inet) FROM probe_dense_nets) s(what, n)
GROUP BY what;
EOF

echo
echo "== store: same-run figures (ratio = pdns / baseline; load average now $(load_average))"
report $day
if [ "$pss" = 1 ]; then
	echo
	echo "Statements run by the merges (pg_stat_statements, track = all), the costliest per ingestion:"
	psql -X -q -d $day -P footer=off -c "SELECT store, round(seconds::numeric, 2) AS seconds, calls, rows,
		left(query, 90) AS statement FROM merge_statements ORDER BY store, seconds DESC"
fi
