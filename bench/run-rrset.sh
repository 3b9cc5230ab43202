#!/bin/sh
# run-rrset.sh: the rrset / dns_message benchmark (see bench/README.md).
#
#   bench/run-rrset.sh [N]     N generated responses (default 200000)
#
# Builds bench/dnsgen, writes N DNS responses with a realistic record mix
# (names from test/corpora/top-domains when present), loads them into
# a scratch database (pdns_bench_rrset, dropped at the end) on the server
# named by the PG* environment, where pdns must be installed, and runs
# bench/rrset.sql, which times both sides of each comparison in the same
# run and prints the ratios.  Not part of the test suites.
set -eu
cd "$(dirname "$0")/.."
n=${1:-200000}
out=bench/out
mkdir -p "$out"
${CC:-cc} -O2 -Wall -Wextra -o "$out/dnsgen" bench/dnsgen.c
names=${PDNS_CORPORA:-test/corpora}/top-domains/opendns-top-domains.txt
[ -r "$names" ] || names=
"$out/dnsgen" copy "$n" $names > "$out/messages.copy"
echo "generated $n responses ($(wc -c < "$out/messages.copy") bytes of COPY text)"
db=pdns_bench_rrset
psql -X -q -d postgres -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"
trap 'psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db"' EXIT
psql -X -q -v ON_ERROR_STOP=1 -d $db -f bench/rrset.sql < "$out/messages.copy"
