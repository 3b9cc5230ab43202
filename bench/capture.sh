#!/bin/sh
# bench/capture.sh: pdns-capture's speed against tcpdump on the same capture,
# measured in the same run (`make bench-capture`).  Not a test.
#
# Builds bench/out/dns-bench.pcap with bench/gen_dns_pcap.c: UDP query and
# response pairs (names from the OpenDNS top-10k list, A/AAAA/CNAME/MX/TXT
# answers, NXDOMAIN with SOA, EDNS, one fifth over IPv6) and DNS-over-TCP
# connections with several queries each and some responses split over two
# segments.  Then, best of RUNS runs each:
#   tcpdump -r FILE -w /dev/null          libpcap reading and writing packets
#   pdns-capture --stats FILE             decoding, reassembly, no output
#   pdns-capture --dump FILE > /dev/null  the same plus the COPY text rows
# and prints messages per second for each and the ratios to tcpdump (for
# tcpdump, the messages of the file over its time: the rate at which it
# moves the packets that carry them).
#
#   PAIRS=1000000 TCP=10000 RUNS=3 bench/capture.sh
set -eu
cd "$(dirname "$0")/.."
PAIRS=${PAIRS:-1000000}
TCP=${TCP:-10000}
RUNS=${RUNS:-3}
OUT=bench/out
BIN=src/bin/pdns-capture
CORPORA=${PDNS_CORPORA:-test/corpora}
DOMAINS=$CORPORA/top-domains/opendns-top-domains.txt
FILE=$OUT/dns-bench-$PAIRS-$TCP.pcap

command -v tcpdump > /dev/null || { echo "bench: tcpdump is missing (tools/install-deps.sh)"; exit 1; }
[ -x "$BIN" ] || make -s "$BIN"
mkdir -p "$OUT"
if [ ! -s "$FILE" ]; then
    ${CC:-cc} -O2 -o "$OUT/gen_dns_pcap" bench/gen_dns_pcap.c
    [ -r "$DOMAINS" ] || DOMAINS=/dev/null
    "$OUT/gen_dns_pcap" -n "$PAIRS" -t "$TCP" -d "$DOMAINS" > "$FILE.tmp"
    mv "$FILE.tmp" "$FILE"
fi

# best SECONDS of RUNS runs of a command (output discarded)
best() {
    b=""
    i=0
    while [ $i -lt "$RUNS" ]; do
        s=$(date +%s.%N)
        "$@" > /dev/null 2>&1
        e=$(date +%s.%N)
        b=$(echo "$s $e ${b:-}" | awk '{ t = $2 - $1; if ($3 == "" || t < $3) print t; else print $3 }')
        i=$((i + 1))
    done
    echo "$b"
}

cat "$FILE" > /dev/null		# into the page cache for everyone alike
"$BIN" --stats "$FILE" 2> "$OUT/bench.stats"
packets=$(awk -F'\t' '$1 == "packets" { print $2 }' "$OUT/bench.stats")
messages=$(awk -F'\t' '$1 == "messages" { print $2 }' "$OUT/bench.stats")
udp=$(awk -F'\t' '$1 == "messages.udp" { print $2 }' "$OUT/bench.stats")
tcp=$(awk -F'\t' '$1 == "messages.tcp" { print $2 }' "$OUT/bench.stats")
rejects=$(awk -F'\t' '$1 == "rejects" { print $2 }' "$OUT/bench.stats")

t_tcpdump=$(best tcpdump -r "$FILE" -w /dev/null)
t_stats=$(best "$BIN" --stats "$FILE")
t_dump=$(best "$BIN" --dump "$FILE")

echo "capture benchmark: $FILE ($(du -m "$FILE" | cut -f1) MiB, $packets packets,"
echo "  $messages messages: $udp udp, $tcp tcp; $rejects rejects), best of $RUNS runs"
awk -v m="$messages" -v a="$t_tcpdump" -v b="$t_stats" -v c="$t_dump" 'BEGIN {
    printf "  %-38s %8.3f s %12.0f messages/s\n", "tcpdump -r FILE -w /dev/null", a, m / a
    printf "  %-38s %8.3f s %12.0f messages/s  ratio %.2f\n", "pdns-capture --stats FILE", b, m / b, a / b
    printf "  %-38s %8.3f s %12.0f messages/s  ratio %.2f\n", "pdns-capture --dump FILE > /dev/null", c, m / c, a / c
    printf "  (ratio: tcpdump time / pdns-capture time; 1.00 would be tcpdump speed)\n"
}'
