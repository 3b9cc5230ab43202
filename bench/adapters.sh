#!/bin/sh
# Sensor adapters benchmark: lines per second of COPY into each sensor
# target (passivedns, Zeek, Suricata, COF) against plain COPY of the same
# lines into a one-column text table, measured in the same run with the
# same COPY options.  Names come from test/corpora/top-domains.
#
#   bench/adapters.sh [lines-per-format]      (default 1000000)
#
# Runs against the server in the PG* environment, in a scratch database
# (pdns_bench_adapters) it drops at the end.  Not part of the test suite.
set -eu
N=${1:-1000000}
CORPORA=${PDNS_CORPORA:-$(dirname "$0")/../test/corpora}
NAMES="$CORPORA/top-domains/opendns-top-domains.txt"
DB=pdns_bench_adapters
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"; psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $DB" >/dev/null 2>&1 || true' EXIT

# N lines per format: name i of the list, an address derived from i, one
# window per line (so every line is a new key for 1/10 of the names).
awk -v n="$N" -v dir="$WORK" '
	{ names[c++] = $1 }
	END {
		for (i = 0; i < n; i++) {
			q = names[i % c]; t = 1700000000 + i;
			a = sprintf("10.%d.%d.%d", int(i / 65536) % 256, int(i / 256) % 256, i % 256);
			printf "%d.000001||192.0.2.%d||198.51.100.53||IN||%s.||A||%s||300||%d\n", t, i % 200, q, a, 1 + i % 5 > dir "/passivedns";
			printf "%d.000001\t192.0.2.%d\t198.51.100.53\t%s\t1\t1\t0\tF\twww.%s,%s\t300,300\n", t, i % 200, q, q, a > dir "/zeek.body";
			printf "{\"timestamp\":\"2023-11-14T22:13:20.%06dZ\",\"event_type\":\"dns\",\"src_ip\":\"198.51.100.53\",\"src_port\":53,\"dest_ip\":\"192.0.2.%d\",\"dest_port\":4000,\"dns\":{\"version\":3,\"type\":\"response\",\"rcode\":\"NOERROR\",\"queries\":[{\"rrname\":\"%s\",\"rrtype\":\"A\"}],\"answers\":[{\"rrname\":\"%s\",\"rrtype\":\"A\",\"ttl\":300,\"rdata\":\"%s\"}]}}\n", i % 1000000, i % 200, q, q, a > dir "/suricata";
			printf "{\"count\":%d,\"time_first\":%d,\"time_last\":%d,\"rrtype\":\"A\",\"rrname\":\"%s\",\"rdata\":[\"%s\"]}\n", 1 + i % 5, t, t + 60, q, a > dir "/cof";
		}
	}' "$NAMES"
{ printf '#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n#unset_field\t-\n'
  printf '#fields\tts\tid.orig_h\tid.resp_h\tquery\tqclass\tqtype\trcode\tTC\tanswers\tTTLs\n'
  cat "$WORK/zeek.body"; } > "$WORK/zeek"

psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB"
psql -X -q -d $DB -c "CREATE EXTENSION pdns CASCADE" -c "CREATE TABLE plain (line text)" >/dev/null
OPTS="WITH (FORMAT csv, DELIMITER E'\\x01', QUOTE E'\\x02', ENCODING 'LATIN1')"
KEY="SET pdns.pseudonymization_key = '1522178d33a4cf80130a5b1649907d10d8988f837979652762574c2d2a842202'"

# Seconds for one COPY of a file into a table.
copy_seconds() {
	start=$(date +%s.%N)
	psql -X -q -d $DB -c "$KEY" -c "SET pdns.sensor = 'bench'" -c "COPY $2 FROM STDIN $OPTS" < "$1"
	end=$(date +%s.%N)
	echo "$start $end" | awk '{ printf "%.3f", $2 - $1 }'
}

printf '%-11s %10s %14s %14s %8s\n' format lines 'pdns lines/s' 'plain lines/s' ratio
for f in passivedns zeek suricata cof; do
	psql -X -q -d $DB -c "TRUNCATE plain" \
		-c "TRUNCATE pdns.rrsets, pdns.rdata_addresses, pdns.rdata_names, pdns.rdata_elements, pdns.observations, pdns.negative_observations, pdns.client_observations, pdns.rejects"
	lines=$(wc -l < "$WORK/$f")
	plain=$(copy_seconds "$WORK/$f" plain)
	pdns=$(copy_seconds "$WORK/$f" pdns.${f}_in)
	rejects=$(psql -X -qAt -d $DB -c "SELECT count(*) FROM pdns.rejects")
	[ "$rejects" = 0 ] || echo "warning: $rejects rejects for $f" >&2
	echo "$f $lines $pdns $plain" | awk '{ printf "%-11s %10d %14.0f %14.0f %8.2f\n", $1, $2, $2 / $3, $2 / $4, ($2 / $3) / ($2 / $4) }'
done
