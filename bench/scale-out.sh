#!/bin/sh
# scale-out.sh: a coordinator with pdns_cluster over three shards, against
# one server holding the same data (issue 20, part 6; docs/scale-out.md).
#
#   bench/scale-out.sh       SCALE=1: 1 000 000 lines, 110 000 RRsets
#
# The shards, the coordinator and the one server are databases of the
# server of PG* (one machine: what the coordinator adds is the hop and the
# merge, not more hardware).  It times
#  - ingestion: COPY of the same file through the coordinator (each line
#    sent to the shard of its owner's registered domain, in this
#    transaction), then the shards' compactions side by side, against
#    COPY straight into the one server (compaction included) and plain
#    COPY into a table of text columns;
#  - lookups from a client (pgbench, one connection, extended protocol,
#    rounds interleaved): one name and "*.domain" (one shard), an address
#    and a name server (every shard), and the view rrset_history filtered
#    on a name (every shard), each through the coordinator against the one
#    server.  Target (issue 20): one-name lookups at most 1.5 times
#    the one server's latency; also the names of one shard alone (its
#    backend warm, as on a server of its own); the fan-out costs are
#    printed, and what forwarding costs by itself: the lookup sent to
#    its shard by PL/Proxy with no routing, and the hop alone (a PL/Proxy
#    call that does nothing on the shard, against SELECT 1 on the one
#    server);
#  - the same one-name lookups over HTTP: pdns-api on the coordinator
#    (lookups = cluster) against pdns-api on the one server (wrk, one
#    keep-alive connection, the median).
#  - adding a shard after the data: a fourth one, and every 4th slot
#    moved to it with its rows (move_slots()), timed.
# RUNS (default 3) rounds of DURATION (default 3) seconds each; the best
# round counts.
set -eu
cd "$(dirname "$0")/.."
. bench/lib.sh
N=$(scaled 1000000)
R=$(scaled 110000)
RUNS=${RUNS:-3}
DURATION=${DURATION:-3}
one=pdns_bench_so_single
coord=pdns_bench_so_coord
shards="pdns_bench_so_shard0 pdns_bench_so_shard1 pdns_bench_so_shard2"

echo "== scale-out benchmark: $N lines, $R RRsets, 3 shards"
environment
build_namegen
file=$(observations_file "$N" "$R")

for db in $one $coord $shards; do
	fresh_db $db
done
# where the coordinator reaches the shards: this server
host=${PGHOST:-$(psql -X -qAt -d postgres -c "SELECT split_part(current_setting('unix_socket_directories'), ',', 1)")}
port=$(psql -X -qAt -d postgres -c "SHOW port")
psql -X -q -v ON_ERROR_STOP=1 -d $coord -c "SET client_min_messages = warning" \
	-c "CREATE EXTENSION pdns_cluster CASCADE" > /dev/null
i=0
for db in $shards; do
	# (the coordinator logs in as this role: pdns-api's sessions take the
	# key's role, which does not log in)
	psql -X -q -v ON_ERROR_STOP=1 -d $coord -c "SELECT pdns_cluster.add_shard('s$i', '$host', $port, '$db', login => current_user)" > /dev/null
	i=$((i + 1))
done

psql -X -q -v ON_ERROR_STOP=1 -d $one <<'SQL'
CREATE TABLE bench_result (seq serial, section text, measure text, pdns float8, baseline float8,
	unit text, target text);
CREATE TABLE bench_info (what text, value text);
CREATE TABLE plain_lines (time text, sensor text, client text, server text, rrname text, rrtype text,
	class text, ttl text, rdata text, bailiwick text, count text, rcode text);
SQL

# Ingestion.
t_plain=$(copy_seconds $one plain_lines "$file")
t_one=$(copy_seconds $one pdns.native_in "$file")
t=$(now)
psql -X -q -v ON_ERROR_STOP=1 -d $coord -c "\\copy pdns_cluster.native_in FROM '$file'" > /dev/null
t_route=$(since "$t")
t=$(now)
for db in $shards; do
	psql -X -q -v ON_ERROR_STOP=1 -d $db -c "CALL pdns.compact()" > /dev/null &
done
wait
t_compact=$(since "$t")
psql -X -q -d $one -c "DROP TABLE plain_lines"
for db in $one $shards; do
	psql -X -q -d $db -c "VACUUM ANALYZE" 2> /dev/null
done

# Probes: names, registered domains, addresses and name servers of the
# store, picked once in the one server and copied to the coordinator.
psql -X -q -v ON_ERROR_STOP=1 -d $one <<'SQL'
SELECT setseed(0.2);
CREATE TABLE probe_names AS
	SELECT row_number() OVER () AS id, n AS name
	FROM (SELECT n FROM (SELECT DISTINCT rrname::text AS n FROM pdns.rrsets ORDER BY 1) d
	      ORDER BY random() LIMIT 2000) x;
CREATE TABLE probe_domains AS
	SELECT row_number() OVER () AS id, n AS name
	FROM (SELECT n FROM (SELECT DISTINCT pdns.registered_domain(rrname)::text AS n FROM pdns.rrsets
	                     WHERE pdns.registered_domain(rrname) IS NOT NULL ORDER BY 1) d
	      ORDER BY random() LIMIT 2000) x;
CREATE TABLE probe_addresses AS
	SELECT row_number() OVER () AS id, n AS address
	FROM (SELECT n FROM (SELECT DISTINCT host(address) AS n FROM pdns.rdata_addresses ORDER BY 1) d
	      ORDER BY random() LIMIT 2000) x;
CREATE TABLE probe_servers AS
	SELECT row_number() OVER () AS id, n AS name
	FROM (SELECT n FROM (SELECT DISTINCT v AS n FROM pdns.rrsets r, unnest(pdns.rdata(r.rdata)) v
	                     WHERE r.rrtype = 'NS' ORDER BY 1) d
	      ORDER BY random() LIMIT 2000) x;
SQL
for t in probe_names probe_domains probe_addresses probe_servers; do
	psql -X -q -v ON_ERROR_STOP=1 -d $coord -c "CREATE TABLE $t (id bigint, $(psql -X -qAt -d $one -c \
		"SELECT attname FROM pg_attribute WHERE attrelid = '$t'::regclass AND attnum = 2") text)"
	psql -X -q -d $one -c "\\copy $t TO STDOUT" | psql -X -q -v ON_ERROR_STOP=1 -d $coord -c "\\copy $t FROM STDIN"
done

# The probe names of one shard: looked up one after another, only that
# shard's backend answers the coordinator, and stays warm in the CPU's
# caches, as a shard on a server of its own would (with every name, the
# three shards' backends take turns on this machine's CPUs).
psql -X -q -v ON_ERROR_STOP=1 -d $coord -c "CREATE TABLE probe_one_shard AS
	SELECT row_number() OVER (ORDER BY id) AS id, name FROM probe_names WHERE pdns_cluster.shard_of(name) = 1"
psql -X -q -v ON_ERROR_STOP=1 -d $one -c "CREATE TABLE probe_one_shard (id bigint, name text)"
psql -X -q -d $coord -c "\\copy probe_one_shard TO STDOUT" | psql -X -q -v ON_ERROR_STOP=1 -d $one -c "\\copy probe_one_shard FROM STDIN"

# Lookups: the same script on both, pdns. on the one server,
# pdns_cluster. on the coordinator.
script() {
	for side in one:pdns cluster:pdns_cluster; do
		pgbench_script "$out/so-$3-${side%%:*}.pgb" "$(psql -X -qAt -d $one -c "SELECT count(*) FROM $1")" \
			"SELECT * FROM $1 WHERE id = :i" "SELECT * FROM ${side#*:}.$2"
	done
}
script probe_names "lookup_rrset(:name)" name
script probe_one_shard "lookup_rrset(:name)" warm
script probe_domains "lookup_rrset('*.' || :name)" domain
script probe_addresses "lookup_rdata_ip(:address)" address
script probe_servers "lookup_rdata_name(:name, 'NS')" server
script probe_names "rrset_history WHERE rrname = :name" view
# What forwarding costs by itself, the name's shard found by the probe
# query (not timed): a PL/Proxy call that does nothing there, against
# SELECT 1 on the one server (the hop alone); and the lookup forwarded
# to its shard by PL/Proxy with no routing on the coordinator, against
# the lookup on the one server (what any PL/Proxy coordinator pays: the
# lookup's statement on the shard besides the client's).
n_names=$(psql -X -qAt -d $one -c "SELECT count(*) FROM probe_names")
# routed_probe TABLE: a probe of TABLE's names that finds each one's shard.
routed_probe() {
	echo "SELECT name, pdns_cluster.shard_of(name) AS shard FROM $1 WHERE id = :i"
}
pgbench_script "$out/so-hop-one.pgb" "$n_names" "SELECT * FROM probe_names WHERE id = :i" "SELECT 1"
pgbench_script "$out/so-hop-cluster.pgb" "$n_names" "$(routed_probe probe_names)" "SELECT pdns_cluster._ping(:shard)"
forwarded="SELECT * FROM pdns_cluster._lookup_rrset_on(:shard, :name, 'ANY', NULL, NULL, NULL, NULL, NULL, NULL, NULL, false, 10000, NULL, NULL)"
cp "$out/so-name-one.pgb" "$out/so-forwarded-one.pgb"
pgbench_script "$out/so-forwarded-cluster.pgb" "$n_names" "$(routed_probe probe_names)" "$forwarded"
cp "$out/so-warm-one.pgb" "$out/so-warmforwarded-one.pgb"
pgbench_script "$out/so-warmforwarded-cluster.pgb" "$(psql -X -qAt -d $one -c "SELECT count(*) FROM probe_one_shard")" \
	"$(routed_probe probe_one_shard)" "$forwarded"
results=$out/scale-out-latency.txt
: > "$results"
for i in $(seq "$RUNS"); do
	for s in name warm domain address server view forwarded warmforwarded hop; do
		measure $s-one $one "$out/so-$s-one.pgb" extended
		measure $s-cluster $coord "$out/so-$s-cluster.pgb" extended
	done
done

# A lookup's own work, without a statement of its own: every probe name
# looked up in one statement, per lookup, on the one server and through
# the coordinator (the best of RUNS rounds).
work() {
	for i in $(seq "$RUNS"); do
		echo "SELECT count(*) FROM probe_names p CROSS JOIN LATERAL $2.lookup_rrset(p.name) l;"
	done | psql -X -q -d "$1" -c '\timing on' -f - |
		awk -v n="$n_names" '/^Time:/ && (b == "" || $2 < b) { b = $2 } END { printf "%.0f", b * 1000 / n }'
}
work_one=$(work $one pdns)
work_cluster=$(work $coord pdns_cluster)

# pdns-api on both (lookups = local on the one server, lookups = cluster
# on the coordinator): one-name rrset lookups over HTTP, one keep-alive
# connection (wrk with bench/api.lua, the probe names), rounds
# interleaved; the best median counts.
api=${PDNS_API:-$(pg_config --bindir)/pdns-api}
login=pdns_bench_so_api
password=$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')
psql -X -q -v ON_ERROR_STOP=1 -d postgres -c "SET client_min_messages = warning" -c "DROP ROLE IF EXISTS $login" \
	-c "CREATE ROLE $login LOGIN PASSWORD '$password' IN ROLE pdns_api"
psql -X -qAt -d $one -c "SELECT name FROM probe_names ORDER BY id" > "$out/so-api-names.txt"
api_pids=
stop_apis() {
	for p in $api_pids; do
		kill "$p" 2> /dev/null && wait "$p" 2> /dev/null || true
	done
	psql -X -q -d postgres -c "DROP ROLE IF EXISTS $login" > /dev/null 2>&1 || true
}
trap stop_apis EXIT
# start_api DB LOOKUPS: a pdns-api over DB on a free port; sets api_base
# and api_key.
start_api() {
	api_key=$(psql -X -qAt -v ON_ERROR_STOP=1 -d "$1" -c "SELECT pdns.api_key_create('bench', 'pdns_analyst',
		queries_per_day => NULL, results_per_day => NULL, max_concurrent => 64)")
	_port=$((20000 + ($$ + ${#api_pids}) % 20000))
	while ss -Htln "( sport = :$_port )" | grep -q .; do
		_port=$((_port + 1))
	done
	(umask 077; printf '%s\n' "listen = 127.0.0.1" "port = $_port" "pool_size = 2" "lookups = $2" \
		"database = \"host=$host port=$port dbname=$1 user=$login password=$password options='-c jit=off'\"" \
		> "$out/so-api-$2.conf")
	"$api" -c "$out/so-api-$2.conf" > "$out/so-api-$2.log" 2>&1 < /dev/null &
	api_pids="$api_pids $!"
	api_base=http://127.0.0.1:$_port
	_i=0
	until curl -fs "$api_base/dnsdb/v2/ping" > /dev/null 2>&1; do
		_i=$((_i + 1))
		[ $_i -lt 100 ] || { echo "scale-out.sh: pdns-api did not come up:" >&2; cat "$out/so-api-$2.log" >&2; exit 1; }
		sleep 0.1
	done
}
start_api $one local
base_one=$api_base key_one=$api_key
start_api $coord cluster
base_cluster=$api_base key_cluster=$api_key
# http NAME BASE KEY: one wrk round; its median latency (ms) goes into $results.
http() {
	API_NAMES="$out/so-api-names.txt" API_KEY="$3" API_CHECK=1 \
		wrk -t 1 -c 1 -d "${DURATION}s" --timeout 10s --latency -s bench/api.lua "$2" > "$out/so-api-wrk.log" 2>&1 ||
		{ cat "$out/so-api-wrk.log" >&2; exit 1; }
	grep -q ' s200=[1-9][0-9]* s429=0 s503=0 sother=0 failed=0 nocond=0 ' "$out/so-api-wrk.log" ||
		{ echo "scale-out.sh: pdns-api answered something other than rows:" >&2; cat "$out/so-api-wrk.log" >&2; exit 1; }
	echo "$1 $(sed -n 's/^WRK .* p50_us=\([0-9]*\) .*/\1/p' "$out/so-api-wrk.log" | awk '{ print $1 / 1000 }')" >> "$results"
}
for i in $(seq "$RUNS"); do
	http http-one "$base_one" "$key_one"
	http http-cluster "$base_cluster" "$key_cluster"
done
stop_apis
trap - EXIT

rows() {
	psql -X -qAt -d "$1" -c "SELECT count(*) FROM pdns.rrsets"
}
per_shard=$(for db in $shards; do rows $db; done | paste -sd/ -)
# the store's bytes: every relation of schema pdns (partitions and TOAST
# included), tables and indexes apart
store_bytes() {
	psql -X -qAt -d "$1" -c "SELECT sum(pg_table_size(c.oid)) FILTER (WHERE c.relkind IN ('r', 'm')),
		sum(pg_relation_size(c.oid)) FILTER (WHERE c.relkind = 'i')
		FROM pg_class c WHERE c.relnamespace = 'pdns'::regnamespace" | tr '|' ' '
}
bytes=$(for db in $shards; do store_bytes $db; done | awk '{ t += $1; i += $2 } END { print t, i }')
bytes_one=$(store_bytes $one)
# Adding a shard after the data: a fourth one, and every 4th slot moved
# to it with its rows (move_slots(): the sources compact what they were
# sent, the rows are copied and deleted through postgres_fdw), timed.
added=pdns_bench_so_shard3
fresh_db $added
psql -X -q -v ON_ERROR_STOP=1 -d $coord \
	-c "SELECT pdns_cluster.add_shard('s3', '$host', $port, '$added', login => current_user)" > /dev/null
t=$(now)
psql -X -q -v ON_ERROR_STOP=1 -d $coord \
	-c "SELECT * FROM pdns_cluster.move_slots(ARRAY(SELECT g FROM generate_series(3, 1023, 4) g), 's3')" > /dev/null
t_move=$(since "$t")
moved=$(rows $added)

psql -X -q -v ON_ERROR_STOP=1 -d $one <<SQL
INSERT INTO bench_result (section, measure, pdns, baseline, unit, target) VALUES
('ingest', 'lines/s: COPY through the coordinator, then the shards compact, vs one server', $N / ($t_route + $t_compact), $N / $t_one, 'lines/s', ''),
('ingest', 'lines/s: COPY through the coordinator (routed, sent, shards append runs), vs one server', $N / $t_route, $N / $t_one, 'lines/s', ''),
('ingest', 'lines/s: one server (COPY with its compaction), vs plain COPY into text columns', $N / $t_one, $N / $t_plain, 'lines/s', ''),
('lookup', 'lookup_rrset(name): coordinator (one shard) vs one server', $(lat name-cluster), $(lat name-one), 'us', '<= 1.50'),
('lookup', 'lookup_rrset(name), names of one shard (its backend warm): coordinator vs one server', $(lat warm-cluster), $(lat warm-one), 'us', ''),
('lookup', 'lookup_rrset(''*.domain''): coordinator (one shard) vs one server', $(lat domain-cluster), $(lat domain-one), 'us', ''),
('lookup', 'lookup_rdata_ip(address): coordinator (3 shards) vs one server', $(lat address-cluster), $(lat address-one), 'us', ''),
('lookup', 'lookup_rdata_name(name server, NS): coordinator (3 shards) vs one server', $(lat server-cluster), $(lat server-one), 'us', ''),
('lookup', 'rrset_history WHERE rrname = name: coordinator (3 shards) vs one server', $(lat view-cluster), $(lat view-one), 'us', ''),
('lookup', 'lookup_rrset(name) forwarded by PL/Proxy to its shard, no routing, vs one server', $(lat forwarded-cluster), $(lat forwarded-one), 'us', ''),
('lookup', 'the same, names of one shard (its backend warm)', $(lat warmforwarded-cluster), $(lat warmforwarded-one), 'us', ''),
('lookup', 'the hop alone: a PL/Proxy call that does nothing on the shard vs SELECT 1 on one server', $(lat hop-cluster), $(lat hop-one), 'us', ''),
('lookup', 'pdns-api, GET lookup/rrset/name (median): on the coordinator vs on one server', $(lat http-cluster), $(lat http-one), 'us', '<= 1.50');
INSERT INTO bench_info VALUES
('ingest seconds: plain COPY, one server, coordinator COPY, shards'' compactions (side by side)',
 '$t_plain, $t_one, $t_route, $t_compact'),
('RRsets per shard', '$per_shard (one server: $(rows $one))'),
('lookup_rrset(name), every probe name in one statement, us per lookup: one server; coordinator',
 '$work_one; $work_cluster'),
('adding a fourth shard: every 4th slot moved to it (RRsets, seconds, RRsets/s)',
 '$moved, $t_move, ' || round($moved / $t_move)),
('store bytes, tables + indexes: the three shards; the one server',
 pg_size_pretty($(echo $bytes | cut -d' ' -f1)::bigint) || ' + ' || pg_size_pretty($(echo $bytes | cut -d' ' -f2)::bigint) || '; '
 || pg_size_pretty($(echo $bytes_one | cut -d' ' -f1)::bigint) || ' + ' || pg_size_pretty($(echo $bytes_one | cut -d' ' -f2)::bigint)),
('store bytes per RRset, tables + indexes (one server)',
 round($(echo $bytes_one | cut -d' ' -f1) / $(rows $one)::numeric) || ' + ' || round($(echo $bytes_one | cut -d' ' -f2) / $(rows $one)::numeric));
SQL
report $one
echo "load average at the end: $(load_average)"
if [ -z "${KEEP_DB:-}" ]; then
	for db in $coord $shards $added $one; do
		drop_db $db
	done
fi
