#!/bin/sh
# api.sh: the pdns-api benchmark (see bench/README.md, "pdns-api").
#
#   bench/api.sh            SCALE=1: 500 000 observations over 55 000 RRsets,
#                           plus a zone of 1 050 000 RRsets below big.example
#
# Builds a store from bench/namegen's observations and a generated zone
# (nNNNNNNN.big.example A 10.x.y.z), starts pdns-api over it and measures,
# in the same run, against plain PostgreSQL clients doing the same work:
#  - one-name rrset lookups over HTTP keep-alive (wrk, 8 connections,
#    names drawn from a list of existing names) against the same lookups
#    through pgbench (-M prepared, 8 clients) calling
#    pdns.dnsdb_object(l) over pdns.lookup_rrset(name, 'ANY',
#    max_results => 10000): requests per second and latency percentiles;
#  - one streamed answer of 1 000 000 rows (*.big.example?limit=1000000)
#    through curl against the same rows through psql's \copy, and
#    pdns-api's peak resident memory (VmHWM) over that answer.
# Before timing, the HTTP answers of 100 names must be the rows SQL gives,
# and whether pdns-api keeps a connection for the next request is noted.
# After the counted rounds, one round each (not counted) shows where an
# HTTP lookup's time goes: pgbench running the five statements pdns-api
# runs per lookup (_api_begin, SET ROLE, the lookup, the release of role
# and slot, and _api_end_batch, here one per request where pdns-api batches
# them); the wait events of pdns-api's sessions sampled during an HTTP
# round; HTTP with synchronous_commit = yes in pdns-api's configuration.
#
# The server: without PGHOST in the environment, a throwaway cluster of its
# own (initdb in a temporary directory, Unix socket only, removed at the
# end); with PGHOST, the server named by PG* (a superuser; pdns 0.7
# installed; the role pdns_bench_api is made with a password and dropped at
# the end, so that server must let it log in).  pdns-api is
# $(pg_config --bindir)/pdns-api, or $PDNS_API.
#
# RUNS (default 3) rounds of the lookup comparison, interleaved, the best
# counting; API_DURATION (default 20) seconds per wrk or pgbench round,
# API_DIAG_DURATION (default 10) per round of the diagnostics;
# API_CLIENTS (default 8) connections of each; API_NAME_COUNT (default 20 000)
# names to look up; BIG_RRSETS (default 1 050 000) RRsets below
# big.example, STREAM_ROWS (default 1 000 000) the limit of the streamed
# answer, STREAM_RUNS (default 2) its rounds; API_STATEMENT_TIMEOUT_MS
# (default 600 000) pdns-api's statement_timeout_ms.  KEEP=1 leaves the
# cluster, database and pdns-api running.  Output in bench/out/api-*.
set -eu
cd "$(dirname "$0")/.."
. bench/lib.sh
N=$(scaled 500000)
R=$(scaled 55000)
BIG=${BIG_RRSETS:-1050000}
STREAM_ROWS=${STREAM_ROWS:-1000000}
D=${API_DURATION:-20}
DIAG=${API_DIAG_DURATION:-10}
STREAM_RUNS=${STREAM_RUNS:-2}
C=${API_CLIENTS:-8}
NAMES=${API_NAME_COUNT:-20000}
# pdns-api's default is 60 000: the streamed answer may need longer here
STATEMENT_TIMEOUT_MS=${API_STATEMENT_TIMEOUT_MS:-600000}
db=pdns_bench_api
login=pdns_bench_api
bindir=$(pg_config --bindir)
api=${PDNS_API:-$bindir/pdns-api}
key=1522178d33a4cf80130a5b1649907d10d8988f837979652762574c2d2a842202
raw="WITH (FORMAT csv, DELIMITER E'\\x01', QUOTE E'\\x02', ENCODING 'LATIN1')"
session_opts="-c jit=off -c max_parallel_workers_per_gather=0"
for tool in wrk curl pgbench psql "$api"; do
	command -v "$tool" > /dev/null || { echo "api.sh: $tool is missing (tools/install-deps.sh)" >&2; exit 1; }
done

# ---- the server -------------------------------------------------------
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
cluster= api_pid= async_pid= password=
cleanup() {
	status=$?
	if [ -n "${KEEP:-}" ]; then
		echo "KEEP: pdns-api (pid $api_pid) on port ${port:-?}, database $db on PGHOST=$PGHOST PGPORT=${PGPORT:-5432}"
		exit $status
	fi
	for p in $api_pid $async_pid; do
		kill "$p" 2> /dev/null && wait "$p" 2> /dev/null || true
	done
	if [ -n "$cluster" ]; then
		as_pg "$bindir/pg_ctl" -D "$cluster/data" -m immediate stop > /dev/null 2>&1 || true
		rm -rf "$cluster"
	else
		drop_db $db > /dev/null 2>&1 || true
		psql -X -q -d postgres -c "DROP ROLE IF EXISTS $login" > /dev/null 2>&1 || true
	fi
	exit $status
}
trap cleanup EXIT
trap 'exit 130' INT TERM
if [ -z "${PGHOST:-}" ]; then
	cluster=$(mktemp -d "${TMPDIR:-/tmp}/pdns-bench-api.XXXXXX")
	chmod 755 "$cluster"
	[ "$(id -u)" = 0 ] && chown postgres "$cluster"
	as_pg "$bindir/initdb" -D "$cluster/data" -A trust -U postgres --no-sync > /dev/null
	# the settings of the figures in bench/README.md, sized for this data
	as_pg sh -c "cat >> '$cluster/data/postgresql.conf'" <<-CONF
		listen_addresses = ''
		unix_socket_directories = '$cluster'
		port = 5432
		max_connections = 100
		shared_buffers = 1GB
		work_mem = 64MB
		maintenance_work_mem = 1GB
		max_wal_size = 8GB
		checkpoint_timeout = 30min
		jit = off
		max_parallel_workers_per_gather = 0
	CONF
	as_pg "$bindir/pg_ctl" -D "$cluster/data" -l "$cluster/server.log" -w start > /dev/null
	export PGHOST="$cluster" PGPORT=5432 PGUSER=postgres
	unset PGDATABASE PGSERVICE PGPASSWORD 2> /dev/null || true
	echo "server: a throwaway cluster in $cluster"
else
	password=$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')
	echo "server: PGHOST=$PGHOST PGPORT=${PGPORT:-5432}"
fi

echo "== pdns-api benchmark: $N observations over $R RRsets, $BIG RRsets below big.example"
environment
echo "pdns-api: $api"

# ---- data -------------------------------------------------------------
build_namegen
obs=$(observations_file "$N" "$R")
big=$out/api-big-$BIG.tsv
# one A record per name, all on 2024-01-01 (the day of namegen's file)
[ -s "$big" ] || awk -v n="$BIG" 'BEGIN {
	for (i = 0; i < n; i++)
		printf "%d\tsensor-big\t\t\tn%07d.big.example\tA\tIN\t300\t10.%d.%d.%d\tbig.example\n",
			1704067200 + i % 86400, i, int(i / 65536) % 256, int(i / 256) % 256, i % 256
}' > "$big"

fresh_db $db
t=$(now)
psql -X -q -v ON_ERROR_STOP=1 -d $db -c "SET pdns.pseudonymization_key = '$key'" -c "COPY pdns.ingest_text FROM STDIN $raw" < "$obs"
t_obs=$(since "$t")
t=$(now)
psql -X -q -v ON_ERROR_STOP=1 -d $db -c "COPY pdns.ingest_text FROM STDIN $raw" < "$big"
t_big=$(since "$t")
psql -X -q -d $db -c "VACUUM ANALYZE"
echo "ingested $N lines in $t_obs s, the $BIG lines of big.example in $t_big s (load average $(load_average))"

# The names: $NAMES names that have RRsets (not below big.example), in a
# fixed order that does not depend on the PRNG.
psql -X -q -v ON_ERROR_STOP=1 -d $db <<EOF
CREATE TABLE bench_result (seq serial, section text, measure text, pdns float8, baseline float8,
	unit text, target text);
CREATE TABLE bench_info (what text, value text);
CREATE TABLE bench_names (id integer PRIMARY KEY, name text NOT NULL);
INSERT INTO bench_names
SELECT row_number() OVER (ORDER BY md5(name)), name
FROM (SELECT DISTINCT rrname::text AS name FROM pdns.rrsets WHERE rrname::text NOT LIKE '%.big.example') n
ORDER BY md5(name) LIMIT $NAMES;
ANALYZE bench_names;
INSERT INTO bench_info
SELECT 'store', format('%s RRsets (%s below big.example), %s names looked up, rows per lookup %s (max %s)',
	(SELECT count(*) FROM pdns.rrsets), (SELECT count(*) FROM pdns.rrsets WHERE rrname::text LIKE '%.big.example'),
	count(*), round(avg(rows), 2), max(rows))
FROM (SELECT (SELECT count(*) FROM pdns.lookup_rrset(name, 'ANY', max_results => 10000)) AS rows
      FROM bench_names) s;
INSERT INTO bench_info SELECT 'rejected lines', count(*)::text FROM pdns.rejects;
EOF
psql -X -qAt -d $db -c "SELECT name FROM bench_names ORDER BY id" > "$out/api-names.txt"
n_names=$(wc -l < "$out/api-names.txt")

# ---- pdns-api ---------------------------------------------------------
if [ -n "$password" ]; then
	psql -X -q -v ON_ERROR_STOP=1 -d postgres -c "SET client_min_messages = warning" -c "DROP ROLE IF EXISTS $login" \
		-c "CREATE ROLE $login LOGIN PASSWORD '$password' IN ROLE pdns_api"
else
	psql -X -q -v ON_ERROR_STOP=1 -d postgres -c "CREATE ROLE $login LOGIN IN ROLE pdns_api"
fi
apikey=$(psql -X -qAt -v ON_ERROR_STOP=1 -d $db -c "SELECT pdns.api_key_create('bench', 'pdns_analyst',
	queries_per_day => NULL, results_per_day => NULL, max_limit => $((STREAM_ROWS + 100000)), max_concurrent => 64)")

# a free port (a race with other programs is caught by the ping below)
port=$((20000 + $$ % 20000))
while ss -Htln "( sport = :$port )" | grep -q .; do
	port=$((port + 1))
done
conf=$out/api.conf
umask 077
cat > "$conf" <<EOF
# written by bench/api.sh
listen = 127.0.0.1
port = $port
database = "host=$PGHOST port=${PGPORT:-5432} dbname=$db user=$login${password:+ password=$password} options='$session_opts'"
pool_size = 8
statement_timeout_ms = $STATEMENT_TIMEOUT_MS
EOF
umask 022
"$api" -c "$conf" > "$out/api-server.log" 2>&1 < /dev/null &
api_pid=$!
base=http://127.0.0.1:$port
i=0
until curl -fs "$base/dnsdb/v2/ping" > /dev/null 2>&1; do
	i=$((i + 1))
	if [ $i -ge 100 ] || ! kill -0 $api_pid 2> /dev/null; then
		echo "api.sh: pdns-api did not come up:" >&2
		cat "$out/api-server.log" >&2
		exit 1
	fi
	sleep 0.1
done
echo "pdns-api (pid $api_pid) on port $port: pool_size 8, statement_timeout_ms $STATEMENT_TIMEOUT_MS, a key without quotas, max_limit $((STREAM_ROWS + 100000)), max_concurrent 64"

status_of() { sed -n "s/^$2:[[:space:]]*//p" "/proc/$1/status" | awk '{ print $1 }'; }
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

# ---- the same answers -------------------------------------------------
check=$out/api-check
{
	printf 'header = "X-API-Key: %s"\n' "$apikey"
	head -100 "$out/api-names.txt" | while read -r name; do
		printf 'url = "%s/dnsdb/v2/lookup/rrset/name/%s"\n' "$base" "$name"
	done
} > "$check.curl"
curl -sS -K "$check.curl" | sed -n 's/^{"obj":\(.*\)}$/\1/p' > "$check.http"
psql -X -qAt -d $db -c "SELECT x.o FROM (SELECT * FROM bench_names WHERE id <= 100) n
	CROSS JOIN LATERAL (SELECT pdns.dnsdb_object(l)::text AS o, row_number() OVER () AS k
	                    FROM pdns.lookup_rrset(n.name, 'ANY', max_results => 10000) l) x
	ORDER BY n.id, x.k" > "$check.sql"
if ! cmp -s "$check.http" "$check.sql" || [ ! -s "$check.sql" ]; then
	echo "api.sh: the HTTP answers of the first 100 names differ from SQL's ($check.http, $check.sql)" >&2
	exit 1
fi
echo "the HTTP answers of 100 names are the rows SQL gives ($(wc -l < "$check.sql") objects)"
# Does pdns-api keep the connection for the next request?
n1=$(sed -n 1p "$out/api-names.txt") n2=$(sed -n 2p "$out/api-names.txt")
if curl -sv -o /dev/null -o /dev/null -H "X-API-Key: $apikey" "$base/dnsdb/v2/lookup/rrset/name/$n1" \
	"$base/dnsdb/v2/lookup/rrset/name/$n2" 2>&1 | grep -q 'Re-using existing connection'; then
	keepalive="yes: the second lookup reused the connection"
else
	keepalive="NO: pdns-api closed the connection after the answer ($(curl -s -D - -o /dev/null -H "X-API-Key: $apikey" "$base/dnsdb/v2/lookup/rrset/name/$n1" | grep -i '^connection:' | tr -d '\r'))"
fi
echo "keep-alive: $keepalive"

# ---- one-name lookups: wrk against pgbench ----------------------------
pgb=$out/api-lookup.pgb
printf '%s\n' '\set i random(1, '"$n_names"')' \
	"SELECT pdns.dnsdb_object(l)::text FROM bench_names n CROSS JOIN LATERAL pdns.lookup_rrset(n.name, 'ANY', max_results => 10000) l WHERE n.id = :i;" > "$pgb"
results=$out/api-lookups.txt
: > "$results"
# run_wrk SECONDS NAME: one wrk round; its figures go to $results under NAME.
run_wrk() {
	_c0=$(cpu_ticks $api_pid)
	API_NAMES="$out/api-names.txt" API_KEY="$apikey" API_CHECK=${API_CHECK:-0} \
		wrk -t 2 -c "$C" -d "$1s" --timeout 10s --latency -s bench/api.lua "$base" > "$out/api-wrk.log" 2>&1 ||
		{ cat "$out/api-wrk.log" >&2; return 1; }
	_c1=$(cpu_ticks $api_pid)
	echo "$2 $(sed -n 's/^WRK //p' "$out/api-wrk.log") api_cpu_s=$(awk -v a="$_c0" -v b="$_c1" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.2f", (b - a) / hz }')" >> "$results"
}
# run_pgbench SECONDS NAME: one pgbench round, the latency of each
# transaction logged; p50/p99 from the log.
run_pgbench() {
	rm -f "$out"/api-pgbench-log.*
	PGOPTIONS="$session_opts" pgbench -n -M prepared -c "$C" -j 2 -T "$1" -f "$pgb" \
		--log --log-prefix="$out/api-pgbench-log" $db > "$out/api-pgbench.log" 2>&1 ||
		{ cat "$out/api-pgbench.log" >&2; return 1; }
	_tps=$(sed -n 's/^tps = \([0-9.]*\) (without initial connection time)/\1/p' "$out/api-pgbench.log")
	_failed=$(sed -n 's/^number of failed transactions: \([0-9]*\).*/\1/p' "$out/api-pgbench.log")
	cat "$out"/api-pgbench-log.* | awk '$3 ~ /^[0-9]+$/ { print $3 }' | sort -n | awk -v tps="$_tps" -v f="${_failed:-0}" -v name="$2" '
		{ v[NR] = $1 }
		function pct(p,  i) { i = int(NR * p / 100); if (i < NR * p / 100) i++; if (i < 1) i = 1; return v[i] }
		END { printf "%s requests=%d rps=%s p50_us=%d p90_us=%d p99_us=%d p999_us=%d max_us=%d failed=%d\n",
			name, NR, tps, pct(50), pct(90), pct(99), pct(99.9), v[NR], f }' >> "$results"
}
# field NAME KEY: KEY's best value over the rounds of NAME (the highest
# rps, the lowest latency); all: every round's value.
field() {
	awk -v n="$1" -v k="$2" -v all="${3:-}" '$1 == n { for (i = 2; i <= NF; i++) { split($i, kv, "="); if (kv[1] == k) {
		v = kv[2] + 0; s = s (s == "" ? "" : " ") kv[2]
		if (b == "" || (k == "rps" ? v > b : v < b)) b = v } } }
		END { print (all != "" ? s : b) }' "$results"
}
sum_field() {
	awk -v n="$1" -v k="$2" '$1 == n { for (i = 2; i <= NF; i++) { split($i, kv, "="); if (kv[1] == k) s += kv[2] } }
		END { print s + 0 }' "$results"
}

# warm-up: every pool connection made and its statements planned
run_wrk 3 warm-http
run_pgbench 3 warm-sql
# the answers checked (statuses, how each stream ended) in a round of its
# own: looking into every answer costs wrk CPU the timed rounds do not spend
API_CHECK=1 run_wrk "$D" http-checked
for r in $(seq "$RUNS"); do
	if [ $((r % 2)) = 1 ]; then
		run_wrk "$D" http; run_pgbench "$D" sql
	else
		run_pgbench "$D" sql; run_wrk "$D" http
	fi
	echo "round $r: $(tail -2 "$results" | awk '{ for (i = 2; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
		printf "%s%s %.0f req/s, p99 %.2f ms", (NR > 1 ? "; " : ""), $1 == "http" ? "HTTP" : "pgbench", f["rps"], f["p99_us"] / 1000 }')" \
		"(load average $(load_average))"
done
hwm_lookups=$(status_of $api_pid VmHWM)
threads_after=$(status_of $api_pid Threads)

# ---- where an HTTP lookup's time goes (one round each, not counted) ----
# (a) pgbench running the statements pdns-api runs for a lookup, as its
#     login role: _api_begin (key, quotas, slot), SET ROLE, the lookup,
#     RESET ROLE with the slot given back, and _api_end_batch (the usage
#     row, the audit row) for this one request, where pdns-api writes the
#     ends of many requests at once;
gw=$out/api-gateway.pgb
cat > "$gw" <<EOF
\set i random(1, $n_names)
SELECT a.key_id, a.slot FROM pdns._api_begin('$apikey', '127.0.0.1', 'lookup /dnsdb/v2/lookup/rrset/name/x', '', 10000, true) a \gset
SELECT pg_catalog.set_config('role', 'pdns_analyst', false);
SELECT pdns.dnsdb_object(l, false)::text, l.truncated FROM bench_names n CROSS JOIN LATERAL pdns.lookup_rrset(n.name, 'ANY', max_results => 10000) l WHERE n.id = :i OFFSET 0;
SELECT pg_catalog.set_config('role', 'none', false), pg_catalog.pg_advisory_unlock(:key_id, :slot);
SELECT pdns._api_end_batch(ARRAY[:key_id::integer], ARRAY[true], ARRAY[now()], ARRAY[NULL::inet], ARRAY['lookup /dnsdb/v2/lookup/rrset/name/x'], ARRAY[''], ARRAY[200], ARRAY[7::bigint], ARRAY[NULL], ARRAY[1.0::float8]);
EOF
psql -X -q -d $db -c "GRANT SELECT ON bench_names TO PUBLIC"
env PGOPTIONS="$session_opts" PGUSER=$login ${password:+PGPASSWORD=$password} pgbench -n -M prepared -c "$C" -j 2 -T "$DIAG" -r \
	-f "$gw" $db > "$out/api-gateway.log" 2>&1 || { cat "$out/api-gateway.log" >&2; exit 1; }
gw_tps=$(sed -n 's/^tps = \([0-9.]*\) (without initial connection time)/\1/p' "$out/api-gateway.log")
gw_stmts=$(awk '/^statement latencies/ { on = 1; next } on && NF >= 3 && $3 != "\\set" {
	what = ($0 ~ /_api_begin/) ? "_api_begin" : ($0 ~ /_api_end_batch/) ? "_api_end_batch" : ($0 ~ /lookup_rrset/) ? "lookup" : ($0 ~ /pdns_analyst/) ? "SET ROLE" : ($0 ~ /none/) ? "RESET ROLE" : ""
	if (what != "") printf "%s%s %s ms", (n++ ? ", " : ""), what, $1 }' "$out/api-gateway.log")
echo "pgbench with pdns-api's statements: $gw_tps tps ($gw_stmts)"
# (b) what pdns-api's sessions wait for during an HTTP round (sampled);
: > "$out/api-waits.txt"
API_NAMES="$out/api-names.txt" API_KEY="$apikey" \
	wrk -t 2 -c "$C" -d 8s --timeout 10s -s bench/api.lua "$base" > "$out/api-wrk-sampled.log" 2>&1 &
wrk_pid=$!
sleep 1
while kill -0 $wrk_pid 2> /dev/null; do
	psql -X -qAt -d $db -c "SELECT coalesce(wait_event_type || ':' || wait_event, 'CPU') || ' in ' ||
		CASE WHEN query LIKE '%_api_begin%' THEN '_api_begin' WHEN query LIKE '%_api_end_batch%' THEN '_api_end_batch'
		     WHEN query LIKE '%lookup_%' THEN 'the lookup' WHEN query LIKE '%set_config%' THEN 'the release' ELSE translate(left(query, 30), '''', '') END
		FROM pg_stat_activity WHERE application_name = 'pdns-api' AND state = 'active' AND pid <> pg_backend_pid()" \
		>> "$out/api-waits.txt" 2> /dev/null || true
	sleep 0.1
done
wait $wrk_pid || true
waits=$(sort "$out/api-waits.txt" | uniq -c | sort -rn | head -6 | awk '{ c = $1; $1 = ""; printf "%s%s x%d", (n++ ? ", " : ""), substr($0, 2), c }')
samples=$(wc -l < "$out/api-waits.txt")
echo "pdns-api's sessions, $samples samples of active ones over an HTTP round: $waits"
# (c) HTTP again, with synchronous_commit = yes (pdns-api's default is no:
#     its quota counts and audit rows do not wait for their WAL flush).
{ sed -e "s/^port = .*/port = $((port + 1))/" "$conf"; echo "synchronous_commit = yes"; } > "$out/api-async.conf"
if ! ss -Htln "( sport = :$((port + 1)) )" | grep -q .; then
	"$api" -c "$out/api-async.conf" > "$out/api-server-async.log" 2>&1 < /dev/null &
	async_pid=$!
	i=0
	until curl -fs "http://127.0.0.1:$((port + 1))/dnsdb/v2/ping" > /dev/null 2>&1 || [ $i -ge 100 ]; do
		i=$((i + 1)); sleep 0.1
	done
	base_sync=$base
	base=http://127.0.0.1:$((port + 1))
	run_wrk 3 warm-async
	run_wrk "$DIAG" async
	base=$base_sync
	kill $async_pid; wait $async_pid 2> /dev/null || true
	async_pid=
	echo "HTTP with synchronous_commit = yes: $(field async rps) req/s, p99 $(awk -v p="$(field async p99_us)" 'BEGIN { printf "%.2f", p / 1000 }') ms"
fi

# ---- a streamed answer of STREAM_ROWS rows ----------------------------
url="$base/dnsdb/v2/lookup/rrset/name/%2A.big.example?limit=$STREAM_ROWS"
sql="SELECT pdns.dnsdb_object(l)::text FROM pdns.lookup_rrset('*.big.example', 'ANY', max_results => $STREAM_ROWS) l"
stream=$out/api-stream.txt
: > "$stream"
for r in $(seq "$STREAM_RUNS"); do
	# the peak resident set of this answer alone: reset it first
	echo 5 > "/proc/$api_pid/clear_refs" 2> /dev/null || true
	t=$(now)
	curl -sS -H "X-API-Key: $apikey" -w '%{stderr}%{http_code} %{time_starttransfer} %{size_download}\n' "$url" 2> "$out/api-curl.txt" |
		awk 'NR == 1 { first = $0 } { last = $0 } END { printf "%d\t%s\t%s\n", NR, first, last }' > "$out/api-stream-lines.txt"
	t_http=$(since "$t")
	hwm=$(status_of $api_pid VmHWM)
	rss=$(status_of $api_pid VmRSS)
	t=$(now)
	copied=$(PGOPTIONS="$session_opts" psql -X -d $db -c "\\copy ($sql) TO '/dev/null'")
	t_sql=$(since "$t")
	IFS="$(printf '\t')" read -r lines first last < "$out/api-stream-lines.txt"
	read -r code ttfb bytes < "$out/api-curl.txt"
	echo "$t_http $t_sql $lines $hwm $rss $code $ttfb $bytes" >> "$stream"
	printf '%s\n' "stream $r: HTTP $code, $lines lines, $bytes bytes in $t_http s (first byte after $ttfb s), VmHWM $hwm kB; psql \\copy: $copied in $t_sql s (load average $(load_average))"
	expected=$((STREAM_ROWS + 2))
	case $last in
	*'"cond":"limited"'* | *'"cond":"succeeded"'*) ;;
	*) echo "api.sh: the stream did not end with limited or succeeded: $last" >&2; exit 1 ;;
	esac
	if [ "$code" != 200 ] || [ "$lines" != $expected ] || [ "$first" != '{"cond":"begin"}' ] ||
		[ "$copied" != "COPY $STREAM_ROWS" ]; then
		echo "api.sh: expected $expected lines over HTTP ($STREAM_ROWS objects, begin, end) and COPY $STREAM_ROWS;" \
			"got HTTP $code, $lines lines (first $first, last $last), $copied" >&2
		exit 1
	fi
done
stream_last=$last
best_col() { sort -g -k"$1" "$stream" | head -1 | awk -v c="$1" '{ print $c }'; }
max_col() { sort -g -k"$1" "$stream" | tail -1 | awk -v c="$1" '{ print $c }'; }
hwm_stream=$(max_col 4)

# ---- what pdns-api said ----------------------------------------------
audit=$(psql -X -qAt -d $db -c "SELECT string_agg(status || ': ' || n, ', ' ORDER BY status)
	FROM (SELECT status, count(*) AS n FROM pdns.api_audit GROUP BY status) s")
audit_ms=$(psql -X -qAt -d $db -c "SELECT format('p50 %s ms, p99 %s ms, max %s ms',
	round(percentile_cont(0.5) WITHIN GROUP (ORDER BY duration_ms)::numeric, 2),
	round(percentile_cont(0.99) WITHIN GROUP (ORDER BY duration_ms)::numeric, 2),
	round(max(duration_ms)::numeric, 1))
	FROM pdns.api_audit WHERE endpoint NOT LIKE '%big.example%'")
server_lines=$(grep -v '^pdns-api: \(listening\|stopping\)' "$out/api-server.log" |
	sed "s/\(request for \)\`[^']*'/\1(a path)/" | sort | uniq -c | sort -rn | head -5 |
	awk '{ c = $1; $1 = ""; printf "%s%d x%s", (n++ ? "; " : ""), c, $0 } END { if (!n) printf "none" }' | tr "'" '"')

hr=$(field http rps) sr=$(field sql rps)
hp=$(field http p99_us) sp=$(field sql p99_us)
h50=$(field http p50_us) s50=$(field sql p50_us)
th=$(best_col 1) ts=$(best_col 2)
psql -X -q -v ON_ERROR_STOP=1 -d $db <<EOF
INSERT INTO bench_result (section, measure, pdns, baseline, unit, target) VALUES
('lookup', 'one name, requests/s: HTTP (wrk, $C conns) vs pgbench -M prepared ($C clients)', $hr, $sr, 'req/s', '>= 0.70'),
('lookup', 'one name, p50 latency: HTTP vs pgbench', $h50 / 1000.0, $s50 / 1000.0, 'ms', ''),
('lookup', 'one name, p99 latency: HTTP vs pgbench', $hp / 1000.0, $sp / 1000.0, 'ms', ''),
('stream', '$STREAM_ROWS rows: curl | wc -l vs psql \\copy to /dev/null', $th, $ts, 's', ''),
('stream', 'pdns-api peak RSS during the stream vs a 64 MB budget', $hwm_stream / 1024.0, 64, 'MB', '<= 1.00');
INSERT INTO bench_info VALUES
('ingestion', '$N namegen lines in $t_obs s, $BIG big.example lines in $t_big s'),
('HTTP rounds, req/s', '$(field http rps all)'),
('pgbench rounds, tps', '$(field sql rps all)'),
('HTTP rounds, p99 ms', '$(field http p99_us all | awk '{ for (i = 1; i <= NF; i++) printf "%s%.2f", (i > 1 ? " " : ""), $i / 1000 }')'),
('pgbench rounds, p99 ms', '$(field sql p99_us all | awk '{ for (i = 1; i <= NF; i++) printf "%s%.2f", (i > 1 ? " " : ""), $i / 1000 }')'),
('HTTP max latency over the rounds, ms', '$(awk -v m="$(field http max_us)" 'BEGIN { printf "%.1f", m / 1000 }') (best round); every round: $(field http max_us all)'),
('pgbench max latency over the rounds, ms', '$(awk -v m="$(field sql max_us)" 'BEGIN { printf "%.1f", m / 1000 }') (best round); every round: $(field sql max_us all)'),
('HTTP answers of the checked round', '$(sum_field http-checked s200) 200, $(sum_field http-checked s429) 429, $(sum_field http-checked s503) 503, $(sum_field http-checked sother) other; $(sum_field http-checked failed) streams ended failed, $(sum_field http-checked nocond) without an end; socket errors $(($(sum_field http connect_errors) + $(sum_field http read_errors) + $(sum_field http write_errors))), timeouts $(sum_field http timeouts)'),
('pgbench failed transactions', '$(sum_field sql failed)'),
('keep-alive', '$keepalive'),
('pgbench with pdns-api''s statements (one round), tps', '$gw_tps: $gw_stmts'),
('pdns-api''s active sessions sampled during an HTTP round', '$samples samples: $waits'),
('HTTP with synchronous_commit = yes for pdns-api (one round)', '$(field async rps) req/s, p99 $(awk -v p="$(field async p99_us)" 'BEGIN { printf "%.2f", p / 1000 }') ms'),
('pdns-api CPU per HTTP round, s', '$(field http api_cpu_s all) (of $D s wall-clock, 2 cores)'),
('pdns-api threads after the rounds', '$threads_after'),
('pdns-api VmHWM from its start to the end of the lookup rounds', '$hwm_lookups kB'),
('stream rounds: HTTP s, psql s, lines, VmHWM kB, VmRSS after kB, status, first byte s, bytes', '$(paste -sd';' "$stream")'),
('stream end', '$stream_last'),
('audit rows by status', '$audit'),
('audit duration of the lookups (pdns-api, admission to end)', '$audit_ms'),
('pdns-api stderr (besides listening and stopping)', '$server_lines');
EOF

echo
echo "== pdns-api: same-run figures (ratio = pdns-api / plain PostgreSQL client; load average now $(load_average))"
report $db
echo
awk -v hr="$hr" -v sr="$sr" -v hp="$hp" -v sp="$sp" -v th="$th" -v ts="$ts" -v hwm="$hwm_stream" -v rows="$STREAM_ROWS" -v to="$STATEMENT_TIMEOUT_MS" \
	-v gw="$gw_tps" -v gws="$gw_stmts" -v ar="$(field async rps)" 'BEGIN {
	printf "summary: lookups %.0f req/s over HTTP, %.0f through pgbench: %.2f (target >= 0.70)\n", hr, sr, hr / sr
	printf "summary: p99 %.2f ms over HTTP, %.2f ms through pgbench: %.2f\n", hp / 1000, sp / 1000, hp / sp
	printf "summary: %d rows streamed in %.2f s over HTTP (%.0f rows/s), %.2f s through psql: %.2f\n", rows, th, rows / th, ts, th / ts
	printf "summary: pdns-api peak RSS over the stream %.1f MB (target < 64 MB)\n", hwm / 1024
	printf "summary: pdns-api'"'"'s statements alone, through pgbench: %.0f tps (%s)\n", gw, gws
	printf "summary: HTTP with synchronous_commit = yes for pdns-api: %.0f req/s, %.2f of pgbench\n", ar, ar / sr
	if (th > 60) printf "summary: the stream took longer than pdns-api'"'"'s default statement_timeout_ms (60 000): it ran with %d\n", to
}'
