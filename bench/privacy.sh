#!/bin/sh
# Run bench/privacy.sql in a scratch database on the server named by PG*
# (ROWS=n to change the row count per address family; default 1000000).
set -eu
cd "$(dirname "$0")/.."
db=pdns_bench_privacy
dropdb --if-exists "$db" 2>/dev/null
createdb "$db"
trap 'dropdb --if-exists "$db"' EXIT
psql -X -q -d "$db" -v rows="${ROWS:-1000000}" -f bench/privacy.sql
