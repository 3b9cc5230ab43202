#!/bin/sh
# Enrichment benchmark (bench/enrichment.sql): mmdb functions vs a GiST
# range join on the same networks imported as tables, 1 million distinct
# addresses, printed as same-run ratios; then what a lookup, and the stat()
# that notices a replaced database file, add to a single-row statement
# (pgbench).
#
# Needs a running server in PG* where pdns is installed, a superuser, and
# the corpora (PDNS_CORPORA, default test/corpora).  RUNS=n sets the
# repetitions per measurement (the best is kept), STATEMENTS=n the pgbench
# statements per run.
set -eu
cd "$(dirname "$0")/.."
: "${PDNS_CORPORA:=$(pwd)/test/corpora}"
export PDNS_CORPORA
RUNS=${RUNS:-3}
db=pdns_bench_enrichment

dropdb --if-exists "$db"
createdb "$db"
trap 'dropdb --if-exists "$db"' EXIT
psql -X -q -d "$db" -c 'CREATE EXTENSION pdns CASCADE'
psql -X -q -d "$db" -v runs="$RUNS" -f bench/enrichment.sql

# Single-row statements: what a lookup adds to a statement, and what the
# stat() that notices a replaced file adds when it runs every statement
# (pdns.mmdb_check_interval = 0) rather than at most once a second (the
# default).
td="$PDNS_CORPORA/maxmind-db/test-data"
psql -X -q -d "$db" -c "ALTER DATABASE $db SET pdns.mmdb_databases = 'asn=$td/GeoLite2-ASN-Test.mmdb'"
tmp=$(mktemp -d)
echo "SELECT pdns.ip_asn('1.128.0.1');" > "$tmp/lookup.sql"
echo "SELECT 1221::bigint;" > "$tmp/constant.sql"
tps() {
    pgbench -n -t "${STATEMENTS:-20000}" -f "$1" "$db" 2>/dev/null | sed -n 's/^tps = \([0-9.]*\).*/\1/p'
}
max() { awk -v a="$1" -v b="$2" 'BEGIN { print (b > a) ? b : a }'; }
# Rounds interleave the three, so that drifting load hits them alike.
constant=0 lookup=0 lookup_stat=0
for i in $(seq "$RUNS"); do
    constant=$(max "$constant" "$(tps "$tmp/constant.sql")")
    lookup=$(max "$lookup" "$(tps "$tmp/lookup.sql")")
    lookup_stat=$(max "$lookup_stat" "$(PGOPTIONS="-c pdns.mmdb_check_interval=0" tps "$tmp/lookup.sql")")
done
rm -r "$tmp"
# The stat() itself, timed in a loop outside the server.
stat_us=$(perl -MTime::HiRes=time -e '$f = shift; $t = time; stat($f) for 1 .. 1000000; printf "%.3f", (time - $t)' "$td/GeoLite2-ASN-Test.mmdb")

echo
echo "Single-row statements, one client (pgbench, best of $RUNS):"
awk -v c="$constant" -v l="$lookup" -v s="$lookup_stat" -v st="$stat_us" 'BEGIN {
    printf "  SELECT 1221::bigint                        %7.0f/s  %5.1f us\n", c, 1e6 / c;
    printf "  SELECT ip_asn(...), stat() at most 1/s     %7.0f/s  %5.1f us\n", l, 1e6 / l;
    printf "  SELECT ip_asn(...), stat() every statement %7.0f/s  %5.1f us\n", s, 1e6 / s;
    printf "  a stat() per statement costs %.1f us (%.1f%% of such a statement); stat() alone, in a loop: %.2f us\n",
        1e6 / s - 1e6 / l, 100 * (1e6 / s - 1e6 / l) / (1e6 / s), st;
}'
