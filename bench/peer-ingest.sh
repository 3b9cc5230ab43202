#!/bin/sh
# (Copied unchanged in its logic from the project's shared benchmark kit,
# ../shared/bench/peer-ingest.sh, written for pdns; same licence as pdns.)
# The peer that a user builds without pdns, for ingestion benchmarks: the
# bro-pdns / zeek-pdns pattern in plain PostgreSQL.  Times, in one run,
#   plain   COPY of FILE into an unindexed table of twelve text columns;
#   peer    the same lines in batches of BATCH: COPY into an unlogged staging
#           table, then INSERT ... SELECT ... GROUP BY ... ON CONFLICT DO UPDATE
#           into one (query, type, answer) table with first/last/count, a
#           unique key, an index on answer and one on reverse(query).
# Prints "plain SECONDS" and "peer SECONDS" (and the peer's ratio).
# Usage: peer-ingest.sh FILE   (the native 12-field TSV: time, sensor, client,
# server, rrname, rrtype, class, ttl, rdata, bailiwick, count, rcode)
# Needs PG* naming a superuser on a running server; makes and drops the
# database peer_ingest.  No pdns needed; PostgreSQL's psql and awk only.
set -eu
f=$1; BATCH=${BATCH:-1000000}
db=peer_ingest
tmp=$(mktemp -d "${TMPDIR:-/var/tmp}/peer-ingest.XXXXXX")
trap 'rm -rf "$tmp"; psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1' EXIT
psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"
P="psql -X -q -v ON_ERROR_STOP=1 -d $db"
$P <<'SQL'
CREATE TABLE plain (t text, sensor text, client text, server text, rrname text, rrtype text,
  class text, ttl text, rdata text, bailiwick text, cnt text, rcode text);
CREATE UNLOGGED TABLE stage (LIKE plain);
CREATE TABLE dns (query text NOT NULL, type text NOT NULL, answer text NOT NULL,
  ttl int, count bigint NOT NULL, first timestamptz NOT NULL, last timestamptz NOT NULL,
  UNIQUE (query, type, answer));
CREATE INDEX ON dns (answer);
CREATE INDEX ON dns (reverse(query) text_pattern_ops);
SQL
now() { date +%s.%N; }
t0=$(now); $P -c "\\copy plain FROM '$f'"; t1=$(now)
plain=$(awk "BEGIN{print $t1 - $t0}")
split -l "$BATCH" -d -a 4 "$f" "$tmp/batch."
t0=$(now)
for b in "$tmp"/batch.*; do
  $P <<SQL
\\copy stage FROM '$b'
INSERT INTO dns SELECT rrname, rrtype, rdata, max(nullif(ttl,'')::int),
   sum(coalesce(nullif(cnt,''),'1')::bigint), to_timestamp(min(t::float8)), to_timestamp(max(t::float8))
 FROM stage WHERE rdata <> '' AND (rcode = '' OR rcode = 'NOERROR') GROUP BY 1,2,3
 ON CONFLICT (query, type, answer) DO UPDATE SET count = dns.count + excluded.count,
   first = least(dns.first, excluded.first), last = greatest(dns.last, excluded.last), ttl = excluded.ttl;
TRUNCATE stage;
SQL
done
t1=$(now); peer=$(awk "BEGIN{print $t1 - $t0}")
echo "plain $plain"
echo "peer $peer"
echo "peer/plain rows/s ratio: $(awk "BEGIN{printf \"%.3f\", $plain / $peer}")"
