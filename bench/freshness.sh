#!/bin/sh
# freshness.sh: how soon a committed batch is visible to lookups when the
# compaction workers compact it (issue 15; bench/README.md).
#
#   bench/freshness.sh      SCALE=0.2 by default: 1 040 000 native lines
#
# Starts a throwaway server of its own (pdns in shared_preload_libraries,
# one compaction worker, naptime 200 ms: what docs/compaction.md
# describes), then:
#  1. capacity: one COPY of the whole file, until every run is compacted
#     (lines/s, sustained);
#  2. a steady load at 80 % of that capacity: batches of BATCH lines
#     (default 20 000), one COPY each, paced, for DURATION_S seconds
#     (default 60); each batch carries a marker line of its own, and a
#     poller session notes when each marker becomes visible in pdns.rrsets;
#  3. prints the delay from each batch's commit (its COPY returning) to
#     its visibility: p50, p99, max.
# Needs PostgreSQL's server binaries (pg_config --bindir) and root or the
# postgres user; the server lives in bench/out/freshness/ and is stopped
# at the end.
set -eu
cd "$(dirname "$0")/.."
SCALE=${SCALE:-0.2}
. bench/lib.sh
N=$(scaled 5200000)
R=$(scaled 550000)
BATCH=${BATCH:-20000}
DURATION_S=${DURATION_S:-60}
key=1522178d33a4cf80130a5b1649907d10d8988f837979652762574c2d2a842202
bindir=$(pg_config --bindir)
dir=$out/freshness
port=${FRESHNESS_PORT:-5573}

as_server_user() {
	if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

echo "== freshness benchmark: batches of $BATCH lines at 80 % of the sustained capacity"
build_namegen
file=$(observations_file "$N" "$R")

rm -rf "$dir"
mkdir -p "$dir/batches"
[ "$(id -u)" = 0 ] && chown postgres "$dir"
as_server_user "$bindir/initdb" -D "$dir/data" -A trust -U postgres > /dev/null
cat >> "$dir/data/postgresql.conf" <<EOF
port = $port
listen_addresses = ''
unix_socket_directories = '$dir'
shared_preload_libraries = 'pdns'
pdns.compaction_database = 'fresh'
pdns.compaction_workers = 1
pdns.compaction_naptime = 200ms
pdns.pseudonymization_key = '$key'
shared_buffers = 512MB
max_wal_size = 4GB
EOF
as_server_user "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w start > /dev/null
stop() {
	as_server_user "$bindir/pg_ctl" -D "$dir/data" -m fast -w stop > /dev/null 2>&1 || true
}
trap stop EXIT
export PGHOST="$dir" PGPORT="$port" PGUSER=postgres
environment
psql -X -q -d postgres -c "CREATE DATABASE fresh"
psql -X -q -d fresh -c "SET client_min_messages = warning" -c "CREATE EXTENSION pdns CASCADE"

wait_compacted() {
	while [ "$(psql -X -qAt -d fresh -c "SELECT pending_runs FROM pdns.ingest_status")" != 0 ]; do
		sleep 0.05
	done
}

# 1. capacity
t=$(now)
psql -X -q -d fresh -c "\\copy pdns.native_in FROM '$file'"
wait_compacted
capacity=$(awk -v n="$N" -v s="$(since "$t")" 'BEGIN { printf "%d", n / s }')
echo "sustained capacity: $capacity lines/s ($N lines; load average $(load_average))"

# 2. the paced load: batches cut from the file, each with a marker line
split -l "$BATCH" -d -a 5 "$file" "$dir/batches/b."
interval=$(awk -v b="$BATCH" -v c="$capacity" 'BEGIN { printf "%.3f", b / (0.8 * c) }')
psql -X -q -d fresh -c "CREATE TABLE markers (name text PRIMARY KEY, committed timestamptz, seen timestamptz)"
psql -X -q -d fresh -c "
DO \$\$
DECLARE
	deadline timestamptz := clock_timestamp() + interval '$DURATION_S seconds' + interval '30 seconds';
BEGIN
	CREATE TEMP TABLE seen_now (name text PRIMARY KEY, seen timestamptz);
	WHILE clock_timestamp() < deadline LOOP
		INSERT INTO seen_now
		SELECT m.name, clock_timestamp() FROM markers m
		WHERE NOT EXISTS (SELECT FROM seen_now s WHERE s.name = m.name)
		  AND EXISTS (SELECT FROM pdns.rrsets r WHERE r.rrname = m.name::pdns.dnsname);
		PERFORM pg_sleep(0.01);
		EXIT WHEN (SELECT count(*) FROM markers) > 0 AND NOT EXISTS (
			SELECT FROM markers m WHERE NOT EXISTS (SELECT FROM seen_now s WHERE s.name = m.name))
			AND EXISTS (SELECT FROM markers WHERE name = 'done');
	END LOOP;
	UPDATE markers m SET seen = s.seen FROM seen_now s WHERE s.name = m.name;
END
\$\$" &
poller=$!
started=$(now)
i=0
for b in "$dir"/batches/b.*; do
	i=$((i + 1))
	next=$(awk -v s="$started" -v k="$i" -v d="$interval" 'BEGIN { printf "%.3f", s + k * d }')
	printf '%s\tfresh\t\t\tm%s.fresh.test\tA\t\t\t192.0.2.1\t\t\t\n' "$(date +%s)" "$i" >> "$b"
	psql -X -q -d fresh -c "\\copy pdns.native_in FROM '$b'"
	psql -X -q -d fresh -c "INSERT INTO markers (name, committed) VALUES ('m$i.fresh.test', clock_timestamp())"
	[ "$(awk -v s="$started" -v d="$DURATION_S" -v n="$(now)" 'BEGIN { print (n - s > d) }')" = 1 ] && break
	sleep "$(awk -v t="$next" -v n="$(now)" 'BEGIN { w = t - n; printf "%.3f", (w > 0 ? w : 0) }')"
done
psql -X -q -d fresh -c "INSERT INTO markers (name, committed, seen) VALUES ('done', now(), now())"
wait $poller
sent_rate=$(awk -v n="$((i * BATCH))" -v s="$(since "$started")" 'BEGIN { printf "%d", n / s }')

# 3. the delays
psql -X -q -d fresh -P footer=off -c "
SELECT count(*) AS batches, $sent_rate AS lines_per_second_sent, $capacity AS capacity,
       round(percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM seen - committed))::numeric, 3) AS p50_s,
       round(percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM seen - committed))::numeric, 3) AS p99_s,
       round(max(extract(epoch FROM seen - committed))::numeric, 3) AS max_s,
       count(*) FILTER (WHERE seen IS NULL) AS never_seen
FROM markers WHERE name <> 'done'"
psql -X -q -d fresh -P footer=off -c "SELECT compactions_last_hour, lines_per_second, max_age_last_hour FROM pdns.ingest_status"
echo "load average at the end: $(load_average)"
