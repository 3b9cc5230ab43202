#!/bin/sh
# balboa.sh: pdns beside balboa, DCSO's passive-DNS store (RocksDB), on the
# same records (issue 15; bench/README.md).
#
#   bench/balboa.sh      SCALE=1: the store benchmark's one-day file, 5.2
#                        million native lines, as Suricata eve DNS events
#
# The native lines become one eve v1 answer event each (Suricata's one
# event per RR, its rdata as Suricata logs it: MX without the preference,
# TXT as the string, SOA and SRV as objects; a negative answer is an event
# with its rcode and no rdata), written once to a file.  In the same run:
#  - balboa: Debian's balboa-backend-rocksdb and balboa (frontend, a
#    socket feeder of input format suricata_dns) on a fresh database; the
#    file is sent to the socket with socat, and the time counts until the
#    frontend has enqueued every observation it will; the bytes are those
#    of the RocksDB directory once the backend has stopped (and flushed);
#  - pdns: COPY of the same file into pdns.suricata_in (raw lines) of a
#    fresh database, with the default settings (compaction inline: the
#    store is whole when the COPY returns); the bytes of every table of
#    the store after VACUUM.
# Ratios are pdns / balboa (target: bytes <= 3x).  Balboa's socket input
# has no sensor name (every record is "[unknown]"), so balboa keeps one
# entry per RRset element where pdns keeps its six sensors apart; its
# count is one per event, where an eve event carries no count.
#
# Needs the server named by PG* (a superuser; pdns installed) and, as root,
# installs balboa, balboa-backend-rocksdb and socat when they are missing.
# Scratch database pdns_bench_balboa and a directory under /tmp, both
# removed at the end.
set -eu
cd "$(dirname "$0")/.."
. bench/lib.sh
N=$(scaled 5200000)
R=$(scaled 550000)
db=pdns_bench_balboa
key=1522178d33a4cf80130a5b1649907d10d8988f837979652762574c2d2a842202
port=${BALBOA_PORT:-4299}
gql=${BALBOA_GRAPHQL_PORT:-8299}

missing=
for p in balboa:balboa balboa-rocksdb:balboa-backend-rocksdb socat:socat; do
	command -v "${p%%:*}" > /dev/null || missing="$missing ${p#*:}"
done
if [ -n "$missing" ]; then
	[ "$(id -u)" = 0 ] || { echo "balboa.sh: needs$missing (apt-get install them, or run as root)" >&2; exit 1; }
	apt-get update -q > /dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q $missing > /dev/null
fi

echo "== balboa benchmark: $N observations over $R RRsets, as Suricata eve"
environment
echo "balboa: $(dpkg-query -W -f '${Version}' balboa 2>/dev/null)"
build_namegen
native=$out/observations-$N-$R-1.tsv
[ -s "$native" ] && [ "$native" -nt "$out/namegen" ] ||
	"$out/namegen" observations "$N" "$R" 1 "$PDNS_CORPORA/top-domains" > "$native"
eve=$out/observations-$N-$R-1.eve.json
# one eve v1 event per native line (time, sensor, client, server, rrname,
# rrtype, class, ttl, rdata, bailiwick, count, rcode)
if ! [ -s "$eve" ] || ! [ "$eve" -nt "$native" ]; then
	perl -MPOSIX=strftime -ne '
		chomp; my @f = split /\t/, $_, -1;
		my ($s, $us) = split /\./, $f[0]; $us = substr(($us // "") . "000000", 0, 6);
		sub j { my $v = shift; $v =~ s/(["\\])/\\$1/g; $v =~ s/\t/\\t/g; return "\"$v\"" }
		my $rcode = ($f[11] // "") eq "" ? "NOERROR" : $f[11];
		my $dns = "\"type\":\"answer\",\"id\":$.,\"rrname\":" . j($f[4]) . ",\"rrtype\":" . j($f[5])
			. ",\"rcode\":" . j($rcode);
		# the rdata as Suricata logs it: MX without its preference, TXT
		# as the string, SOA and SRV as objects
		if ($rcode eq "NOERROR" && $f[8] ne "") {
			my ($t, $r) = ($f[5], $f[8]);
			my $rd;
			if ($t eq "MX") { ($rd = $r) =~ s/^\d+\s+//; $rd = "\"rdata\":" . j($rd) }
			elsif ($t eq "TXT") { ($rd = $r) =~ s/^"(.*)"$/$1/; $rd =~ s/\\(["\\])/$1/g; $rd = "\"rdata\":" . j($rd) }
			elsif ($t eq "SOA") {
				my @s = split / /, $r;
				$rd = sprintf "\"soa\":{\"mname\":%s,\"rname\":%s,\"serial\":%d,\"refresh\":%d,\"retry\":%d,"
					. "\"expire\":%d,\"minimum\":%d}", j($s[0]), j($s[1]), @s[2 .. 6];
			}
			elsif ($t eq "SRV") {
				my @s = split / /, $r;
				$rd = sprintf "\"srv\":{\"priority\":%d,\"weight\":%d,\"port\":%d,\"name\":%s}", @s[0 .. 2], j($s[3]);
			}
			else { $rd = "\"rdata\":" . j($r) }
			$dns .= ",\"ttl\":" . ($f[7] eq "" ? 0 : $f[7]) . ",$rd";
		}
		printf "{\"timestamp\":\"%s.%s+0000\",\"flow_id\":%d,\"host\":%s,\"event_type\":\"dns\","
			. "\"src_ip\":%s,\"src_port\":53,\"dest_ip\":%s,\"dest_port\":5353,\"dns\":{%s}}\n",
			strftime("%Y-%m-%dT%H:%M:%S", gmtime($s)), $us, $., j($f[1]),
			j($f[3] eq "" ? "198.51.100.53" : $f[3]), j($f[2] eq "" ? "192.0.2.1" : $f[2]), $dns;
	' "$native" > "$eve.new"
	mv "$eve.new" "$eve"
fi
echo "files: $(du -m "$native" | cut -f1) MB native, $(du -m "$eve" | cut -f1) MB eve"

work=$(mktemp -d /tmp/pdns-bench-balboa.XXXXXX)
backend= frontend=
cleanup() {
	[ -n "$frontend" ] && kill "$frontend" 2> /dev/null || true
	[ -n "$backend" ] && kill "$backend" 2> /dev/null || true
	rm -rf "$work"
	[ -n "${KEEP:-}" ] || drop_db $db
}
trap cleanup EXIT

# balboa: backend, then the frontend with one socket feeder
cat > "$work/feeders.yaml" <<EOF
feeder:
    - name: Suricata Socket Input
      type: socket
      path: $work/suricata.sock
      input_format: suricata_dns
EOF
balboa-rocksdb -d "$work/rocksdb" -l 127.0.0.1 -p "$port" -R > "$work/backend.log" 2>&1 &
backend=$!
sleep 1
balboa serve -f "$work/feeders.yaml" -H "127.0.0.1:$port" -p "$gql" -l "$work/frontend.log" \
	> "$work/frontend.out" 2>&1 &
frontend=$!
for i in $(seq 1 50); do [ -S "$work/suricata.sock" ] && break; sleep 0.2; done
# the observations the frontend has enqueued so far (it logs each batch)
enqueued() {
	sed -n 's/.*enqueued \([0-9]*\) observations.*/\1/p' "$work/frontend.log" | awk '{ s += $1 } END { print s + 0 }'
}
t=$(now)
socat -u "FILE:$eve" "UNIX-CONNECT:$work/suricata.sock"
sent=$(since "$t")
# until the count stops moving for two seconds
last=-1
while [ "$(enqueued)" != "$last" ]; do
	last=$(enqueued)
	sleep 2
done
balboa_seconds=$(awk -v a="$(since "$t")" 'BEGIN { printf "%.3f", a - 2 }')
kill "$frontend"; wait "$frontend" 2> /dev/null || true; frontend=
kill "$backend"; wait "$backend" 2> /dev/null || true; backend=
balboa_bytes=$(du -sb "$work/rocksdb" | cut -f1)
echo "balboa: socat sent the file in $sent s; $last observations enqueued after $balboa_seconds s;" \
	"$balboa_bytes bytes on disk"

# pdns: the same file into suricata_in, defaults (inline compaction)
fresh_db $db
pdns_seconds=$(copy_seconds $db pdns.suricata_in "$eve" \
	"WITH (FORMAT csv, DELIMITER E'\\x01', QUOTE E'\\x02', ENCODING 'LATIN1')" \
	"SET pdns.pseudonymization_key = '$key'")
psql -X -q -d $db -c "VACUUM" > /dev/null
pdns_bytes=$(psql -X -qAt -d $db -c "SELECT sum(pg_total_relation_size(c.oid))
	FROM pg_class c WHERE c.relkind IN ('r', 'm') AND c.relnamespace = 'pdns'::regnamespace")
echo "pdns: COPY into suricata_in (compacted inline) $pdns_seconds s; $pdns_bytes bytes"

psql -X -q -v ON_ERROR_STOP=1 -d $db <<SQL
CREATE TABLE bench_result (seq serial, section text, measure text, pdns float8, baseline float8,
	unit text, target text);
CREATE TABLE bench_info (what text, value text);
INSERT INTO bench_result (section, measure, pdns, baseline, unit, target) VALUES
('balboa', 'bytes on disk, pdns store vs balboa''s RocksDB', $pdns_bytes, $balboa_bytes, 'bytes', '<= 3.00'),
('balboa', 'ingestion, until stored, events/s, vs balboa', $N / $pdns_seconds, $N / $balboa_seconds, 'events/s', '');
INSERT INTO bench_info
SELECT 'pdns tables over 1 MB', string_agg(format('%s %s', t, pg_size_pretty(b)), ', ' ORDER BY b DESC)
FROM (SELECT c.oid::regclass::text AS t, pg_total_relation_size(c.oid) AS b FROM pg_class c
      WHERE c.relkind IN ('r', 'p') AND c.relnamespace = 'pdns'::regnamespace) s
WHERE b > 1048576;
INSERT INTO bench_info VALUES ('pdns RRsets, observations counted, rejects',
	(SELECT count(*) || ', ' || sum(count) FROM pdns.rrsets) || ', ' || (SELECT count(*) FROM pdns.rejects)),
	('balboa observations enqueued', '$last');
SQL
echo
echo "== balboa: same-run figures (ratio = pdns / balboa; load average now $(load_average))"
report $db
