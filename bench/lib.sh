# lib.sh: shell helpers of bench/dnsname.sh and bench/store.sh (sourced,
# not run, from the top of the repository).  They talk to the server named
# by the PG* environment.

# Settings the benchmarks share: rounds per measurement (the best counts),
# seconds per pgbench round, the corpora, where generated files go.
RUNS=${RUNS:-3}
DURATION=${DURATION:-3}
: "${PDNS_CORPORA:=$(cd .. && pwd)/shared/corpora}"
out=$(pwd)/bench/out
mkdir -p "$out"

# scaled N: N times $SCALE (default 1), as a whole number.
scaled() {
	awk -v n="$1" -v s="${SCALE:-1}" 'BEGIN { printf "%d", n * s }'
}

# now / since T: wall-clock seconds, and the seconds since T.
now() {
	date +%s.%N
}
since() {
	awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.3f", b - a }'
}

load_average() {
	cut -d' ' -f1-3 /proc/loadavg
}

# What the figures were measured on: the machine, its load, the server
# and the settings that matter for these benchmarks.
environment() {
	echo "machine: $(nproc) cores ($(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1))," \
		"$(awk '/^MemTotal/ { printf "%.0f GB", $2 / 1048576 }' /proc/meminfo) RAM; load average $(load_average)"
	psql -X -qAt -d postgres \
		-c "SELECT 'server: ' || split_part(version(), ' on ', 1)" \
		-c "SELECT 'settings: ' || string_agg(name || '=' || current_setting(name), ', ' ORDER BY name)
		    FROM pg_settings WHERE name IN ('shared_buffers', 'work_mem', 'maintenance_work_mem',
		        'max_wal_size', 'checkpoint_timeout', 'synchronous_commit', 'fsync', 'wal_level',
		        'jit', 'shared_preload_libraries')"
}

drop_db() {
	psql -X -q -d postgres -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS $1"
}

# fresh_db NAME: an empty database with pdns (dropped first if it exists).
fresh_db() {
	drop_db "$1"
	psql -X -q -d postgres -c "CREATE DATABASE $1"
	psql -X -q -d "$1" -c "SET client_min_messages = warning" -c "CREATE EXTENSION pdns CASCADE"
}

# copy_seconds DB TABLE FILE [COPY options] [SQL run first]: one COPY ...
# FROM STDIN of FILE, in seconds, connection and COMMIT included.
copy_seconds() {
	_t=$(now)
	psql -X -q -v ON_ERROR_STOP=1 -d "$1" -c "${5:-SELECT}" -c "COPY $2 FROM STDIN ${4:-}" < "$3" > /dev/null
	since "$_t"
}

# latency DB SCRIPT SECONDS MODE: pgbench, one client, for SECONDS; prints
# the average latency in milliseconds of the script's last statement and
# the number of transactions.  The pdns schema is on the search path (after public).
latency() {
	_out=$(PGOPTIONS="-c search_path=public,pdns -c max_parallel_workers_per_gather=0 -c jit=off" \
		pgbench -n -M "$4" -r -T "$3" -f "$2" "$1" 2>&1) || { echo "$_out" >&2; return 1; }
	echo "$_out" | awk '
		/^number of transactions actually processed/ { n = $NF }
		/^statement latencies/ { on = 1; next }
		on && NF >= 3 { last = $1 }
		END { if (last == "" || n == 0) exit 1; print last, n }'
}

# pgbench_script FILE N PROBE QUERY: a pgbench script that picks a random
# row 1..N with PROBE (a query with :i whose columns become variables) and
# runs QUERY with them.
pgbench_script() {
	printf '\\set i random(1, %s)\n%s \\gset\n%s;\n' "$2" "$3" "$4" > "$1"
}

# measure NAME DB SCRIPT MODE: one pgbench round of SCRIPT for $DURATION
# seconds; its latency goes into the file $results under NAME.
measure() {
	echo "$1 $(latency "$2" "$3" "$DURATION" "$4")" >> "$results"
}

# lat NAME: the best latency in $results under NAME, in microseconds.
lat() {
	awk -v s="$1" '$1 == s && (b == "" || $2 < b) { b = $2 } END { print b * 1000 }' "$results"
}

# best OLD NEW: the smaller of two numbers (OLD may be empty).
best() {
	awk -v a="$1" -v b="$2" 'BEGIN { print (a == "" || b + 0 < a + 0) ? b : a }'
}

# report DB: the table bench_result (section, measure, pdns, baseline, unit,
# target) with each ratio pdns / baseline and whether it meets its target,
# then the facts in bench_info (what, value).
report() {
	psql -X -q -v ON_ERROR_STOP=1 -d "$1" -P footer=off <<'SQL'
CREATE FUNCTION pg_temp.fmt(x float8) RETURNS text LANGUAGE sql IMMUTABLE AS $$
	SELECT CASE WHEN x IS NULL THEN ''
	            WHEN abs(x) >= 1000 THEN to_char(round(x), 'FM999,999,999,999')
	            WHEN abs(x) >= 10 THEN round(x::numeric, 1)::text
	            ELSE round(x::numeric, 3)::text END
$$;
SELECT section, measure, pg_temp.fmt(pdns) AS pdns, pg_temp.fmt(baseline) AS baseline, unit,
       round((pdns / nullif(baseline, 0))::numeric, 2) AS ratio, target,
       CASE WHEN target = '' OR baseline IS NULL THEN ''
            WHEN CASE split_part(target, ' ', 1)
                 WHEN '<=' THEN pdns / baseline <= split_part(target, ' ', 2)::float8
                 ELSE pdns / baseline >= split_part(target, ' ', 2)::float8 END
            THEN 'met' ELSE 'MISSED' END AS verdict
FROM bench_result ORDER BY seq;
SELECT what, value FROM bench_info;
SQL
}
