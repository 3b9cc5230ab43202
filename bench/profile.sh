#!/bin/sh
# profile.sh: where one backend spends its CPU while it runs a statement
# (Linux perf, sampling with call graphs).  Not part of `make bench`.
#
#   bench/profile.sh DB "SQL" [FILE]
#
# Runs SQL in database DB on the server named by PG* (FILE, if given, is
# the standard input of the statement, for COPY ... FROM STDIN), records
# the backend with `perf record -g` and prints the functions that take the
# most time including what they call, then by their own time.  Needs perf
# and the right to trace the postgres processes (root, or
# kernel.perf_event_paranoid <= 1 as their user).  The recording stays in
# bench/out/profile.data for `perf report -i`.
set -eu
cd "$(dirname "$0")/.."
[ $# -ge 2 ] || { echo "usage: bench/profile.sh DB SQL [FILE]" >&2; exit 2; }
db=$1 sql=$2 input=${3:-/dev/null}
data=$(pwd)/bench/out/profile.data
mkdir -p bench/out
tag=pdns-profile-$$

PGAPPNAME=$tag psql -X -q -v ON_ERROR_STOP=1 -d "$db" -c "$sql" < "$input" > /dev/null &
client=$!
pid=
while [ -z "$pid" ] && kill -0 $client 2> /dev/null; do
	pid=$(psql -X -qAt -d "$db" -c "SELECT pid FROM pg_stat_activity WHERE application_name = '$tag'")
	[ -n "$pid" ] || sleep 0.05
done
[ -n "$pid" ] || { echo "profile.sh: the statement ended before it could be traced" >&2; wait $client; exit 1; }
# perf stops by itself when the backend exits (when psql disconnects)
perf record -F 999 -g -p "$pid" -o "$data" > /dev/null 2>&1 &
recorder=$!
wait $client
wait $recorder || true

echo "== including callees (top 40)"
perf report -i "$data" --children --stdio -g none --percent-limit 1.5 --sort symbol 2> /dev/null |
	grep -v '^#' | grep -v '^$' | head -40
echo "== self time (top 30)"
perf report -i "$data" --no-children --stdio -g none --sort dso,symbol 2> /dev/null |
	grep -v '^#' | grep -v '^$' | head -30
