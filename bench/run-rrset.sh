#!/bin/sh
# run-rrset.sh: the rrset / dns_message benchmark (see bench/README.md).
#
#   bench/run-rrset.sh [N]     N generated responses (default 200000)
#
# Builds bench/dnsgen, writes N DNS responses with a realistic record mix
# (names from ../shared/corpora/top-domains when present), loads them into
# the database named by the PG* environment (pdns must be installed there),
# and runs bench/rrset.sql, which times both sides of each comparison in the
# same run and prints the ratios.  Not part of the test suites.
set -eu
cd "$(dirname "$0")/.."
n=${1:-200000}
out=bench/out
mkdir -p "$out"
${CC:-cc} -O2 -Wall -Wextra -o "$out/dnsgen" bench/dnsgen.c
names=${PDNS_CORPORA:-../shared/corpora}/top-domains/opendns-top-domains.txt
[ -r "$names" ] || names=
"$out/dnsgen" copy "$n" $names > "$out/messages.copy"
echo "generated $n responses ($(wc -c < "$out/messages.copy") bytes of COPY text)"
psql -X -q -v ON_ERROR_STOP=1 -f bench/rrset.sql < "$out/messages.copy"
