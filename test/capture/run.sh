#!/bin/sh
# test/capture/run.sh: pdns-capture against every capture and dnstap file of
# the corpora (test/corpora, or $PDNS_CORPORA).  `make capture-check`.
#
#   1. A table of per-file counts -- packets, messages per transport,
#      rejects per reason, reassembly counts and an md5 of the sorted dump --
#      compared with test/capture/expected.txt.  After a deliberate change,
#      `test/capture/run.sh --update` rewrites it; read the diff line by line.
#   2. Expectations derived from what the captures are (their SOURCE.txt,
#      the dnstap-ldns descriptions, the traffic itself), asserted directly,
#      so that the table cannot silently record a bug:
#
#   dns.pcap        41 query/response pairs over UDP: 82 messages.
#   vlan11.pcap     the same traffic behind an 802.1Q tag: the same 82
#                   messages, byte for byte, with the same addresses.
#   frags.pcap      the same traffic IP-fragmented (raw IPv4 link): the same
#                   82 messages once the fragments are reassembled.
#   dnso1tcp.pcap   the same 41 queries, byte for byte, sent over one TCP
#                   connection (each length prefix and each message in a
#                   segment of its own), each with its response: 82 messages,
#                   every DNS id twice.
#   dnso1tcp-midmiss.pcap  that connection with two stretches gone: the
#                   client's relative sequence numbers 78-107 (30 bytes, a
#                   whole query) and the server's 47-191 (145 bytes, a whole
#                   response).  Both
#                   holes are confirmed by the peer's ACK and end at a message
#                   boundary found by hunting: 6 messages, all of them in
#                   dnso1tcp.pcap, no reject, 2 gaps.  (tshark also sees 6.)
#   dnso1tcp-bighole.pcap  a bigger hole in both directions (79 and 237
#                   bytes): 3 client and 3 server messages are lost whole; the
#                   client's next segment is a 28-byte query body whose prefix
#                   was in the hole, so it is rejected as tcp-unframed; 76
#                   messages, all in dnso1tcp.pcap.  (tshark sees 41: it does
#                   not resynchronise the client stream after the hole.)
#   do1t-nosyn-1nolen.pcap  a connection picked up without its SYN whose
#                   first segment is a query body without its prefix: that
#                   segment is rejected (tcp-unframed, 28 bytes), then 3
#                   messages, all in dnso1tcp.pcap.  (tshark: 2, it reads the
#                   body's first two bytes as a length and stalls.)
#   1qtcpnosyn.pcap one query and its response, no SYN: 2 messages.
#   1qtcppadd.pcap  the same with Ethernet padding after each IP packet,
#                   which must not be read as TCP payload: the same 2.
#   dnsotcp-many1pkt.pcap  three queries in one segment, then a response: 4.
#   dnsotcp-manyopkts.pcap three queries over two segments, the second query
#                   split between them: 3.
#   dns6.pcap       one IPv6 query and its response: 2 messages over IPv6.
#   dnspad.pcap     a query whose UDP payload has 3 bytes after the DNS
#                   message: the payload is kept whole (31 bytes); the store's
#                   wire parser judges the message.
#   ipv6-fragmented-dns.pcap  5 messages, one of them a response reassembled
#                   from 3 IPv6 fragments; a lone last fragment of another
#                   response is rejected (frag-incomplete).
#   geneve-vxlan-dns-truncated.pcap  DNS inside VXLAN inside Geneve, with
#                   the capture's snapshot length cutting both messages: 2
#                   rejects "truncated", no message.
#   dns-edns-ecs-bad.pcap  the last packet's IPv6 payload length is larger
#                   than the frame: 3 messages and an ip-length reject.
#   mdns.pcap       multicast DNS on port 5353: nothing by default, 18
#                   messages with --port 5353 (and the 6 ICMPv6/IGMP packets
#                   counted as other protocols).
#   dsc-test.dnstap   kdig's TOOL_QUERY/TOOL_RESPONSE over UDP: 2 messages
#                   whose times and sizes are those in its .dnstap-ldns.txt.
#   dsc-dotdoh.dnstap dnsdist's 7 messages over UDP, DoT and DoH: udp 3,
#                   dot 2, doh 2, times and sizes as in its .dnstap-ldns.txt,
#                   where dnstap-ldns 0.2.1 prints "?" for DoT and DoH (its
#                   YAML output stops there).
#   fstrm-0.6.1-test.fstrm  a Frame Streams file whose content type is
#                   "test:hello": its 10 frames are rejected with reason
#                   dnstap-content-type, nothing crashes, the exit status is 0.
#
#   Also: the same packets as pcapng give the same rows; so do the same
#   files gzip-compressed and through a pipe; a torn dnstap file
#   keeps its frames; --dnstap-socket serves concurrent writers; a live
#   capture on lo (where allowed) sees what is sent.
#
#   3. With a server in the PG* environment: --copy into two tables made in
#      a scratch schema, in small batches, must store exactly what --dump
#      prints; reading a pipe that stays open, a batch must commit after
#      --batch-seconds; and SIGINT must commit what was read.
set -u
KEEP=${KEEP:-}				# KEEP=1: leave the work directory for a post-mortem
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
BIN="$ROOT/src/bin/pdns-capture"
EXPECTED="$ROOT/test/capture/expected.txt"
CORPORA=${PDNS_CORPORA:-$ROOT/test/corpora}
WORK=$(mktemp -d)
if [ -n "$KEEP" ]; then echo "capture: work directory $WORK"; else trap 'rm -rf "$WORK"' EXIT; fi
failures=0
checks=0

fail() {
    echo "capture: FAIL: $*"
    failures=$((failures + 1))
}

check() {
    checks=$((checks + 1))
    if [ "$2" != "$3" ]; then
        fail "$1: got \"$2\", want \"$3\""
    fi
}

[ -x "$BIN" ] || { echo "capture: $BIN is not built (make)"; exit 1; }
[ -d "$CORPORA/pcap" ] || { echo "capture: no corpora at $CORPORA"; exit 1; }

# run NAME ARGS...: pdns-capture from $CORPORA with ARGS, dump and stats kept.
run() {
    name=$1
    shift
    (cd "$CORPORA" && "$BIN" --dump --stats --sensor test "$@") \
        > "$WORK/$name.dump" 2> "$WORK/$name.stats"
    echo $? > "$WORK/$name.rc"
}

# stat NAME KEY: a counter of the last run of NAME (0 if absent).
stat() {
    awk -F'\t' -v k="$2" '$1 == k { v = $2 } END { print v + 0 }' "$WORK/$1.stats"
}

# The message columns client..message, sorted: what a capture says, not when.
messages() {
    grep -v '^REJECT' "$WORK/$1.dump" | cut -f3-8 | sort
}

# One line of the table: counts, and an md5 of the sorted dump (reject times
# of dnstap frames are the time of reading, so reject times are left out).
summary() {
    name=$1
    label=$2
    byt=$(awk -F'\t' '$1 ~ /^messages\./ { sub(/^messages\./, "", $1); printf "%s%s:%s", s, $1, $2; s = "," }' "$WORK/$name.stats")
    rej=$(awk -F'\t' '$1 ~ /^rejects\./ { sub(/^rejects\./, "", $1); printf "%s%s:%s", s, $1, $2; s = "," }' "$WORK/$name.stats")
    md5=$(awk -F'\t' 'BEGIN { OFS = "\t" } /^REJECT/ { $2 = "T" } { print }' "$WORK/$name.dump" |
          LC_ALL=C sort | md5sum | cut -c1-16)
    printf '%s rc=%s packets=%s messages=%s rejects=%s reassembled=%s tcp-gaps=%s md5=%s\n' \
        "$label" "$(cat "$WORK/$name.rc")" "$(stat "$name" packets)" "${byt:--}" "${rej:--}" \
        "$(stat "$name" fragments.reassembled)" "$(stat "$name" tcp.gaps)" "$md5"
}

# ---- 1. the table ----
table="$WORK/table.txt"
{
    echo "# generated by test/capture/run.sh --update from $(basename "$CORPORA")/; review every change"
    (cd "$CORPORA" && find pcap/dnscap-2.1.1 pcap/zeek/Traces -name '*.pcap' | LC_ALL=C sort) |
    while read -r f; do
        n=$(echo "$f" | tr '/.' '__')
        run "$n" "$f"
        summary "$n" "$f"
    done
    run mdns5353 --port 5353 pcap/zeek/Traces/dns/mdns.pcap
    summary mdns5353 "pcap/zeek/Traces/dns/mdns.pcap(--port=5353)"
    for f in dnstap/dsc-test.dnstap dnstap/dsc-dotdoh.dnstap dnstap/fstrm-0.6.1-test.fstrm; do
        n=$(echo "$f" | tr '/.' '__')
        run "$n" --dnstap "$f"
        summary "$n" "$f"
    done
    # The same bytes gzip-compressed (a name without .gz: told by content),
    # through a pipe, and both: the same counts and md5 as the file itself.
    mkdir -p "$WORK/gz"
    gzip -c "$CORPORA/pcap/dnscap-2.1.1/frags.pcap" > "$WORK/gz/frags.pcap"
    run frags_gz "$WORK/gz/frags.pcap"
    summary frags_gz "pcap/dnscap-2.1.1/frags.pcap(gzip)"
    cat "$CORPORA/pcap/dnscap-2.1.1/frags.pcap" | run frags_pipe -
    summary frags_pipe "pcap/dnscap-2.1.1/frags.pcap(pipe)"
    cat "$WORK/gz/frags.pcap" | run frags_gzpipe -
    summary frags_gzpipe "pcap/dnscap-2.1.1/frags.pcap(gzip,pipe)"
    gzip -c "$CORPORA/dnstap/dsc-dotdoh.dnstap" > "$WORK/gz/dsc-dotdoh.dnstap.gz"
    run dotdoh_gz --dnstap "$WORK/gz/dsc-dotdoh.dnstap.gz"
    summary dotdoh_gz "dnstap/dsc-dotdoh.dnstap(gzip)"
    cat "$WORK/gz/dsc-dotdoh.dnstap.gz" | run dotdoh_gzpipe --dnstap -
    summary dotdoh_gzpipe "dnstap/dsc-dotdoh.dnstap(gzip,pipe)"
} > "$table"

if [ "${1:-}" = "--update" ]; then
    cp "$table" "$EXPECTED"
    echo "capture: wrote $EXPECTED"
elif ! diff -u "$EXPECTED" "$table" > "$WORK/table.diff"; then
    cat "$WORK/table.diff"
    fail "per-file counts differ from test/capture/expected.txt"
fi

# ---- 2. expectations from first principles ----
D=pcap_dnscap-2_1_1
Z=pcap_zeek_Traces
check "dns.pcap udp" "$(stat ${D}_dns_pcap messages.udp)" 82
messages ${D}_dns_pcap > "$WORK/dns.msgs"
check "vlan11.pcap = dns.pcap" "$(messages ${D}_vlan11_pcap | cmp -s - "$WORK/dns.msgs" && echo same)" same
check "frags.pcap = dns.pcap" "$(messages ${D}_frags_pcap | cmp -s - "$WORK/dns.msgs" && echo same)" same
check "frags.pcap chains given up" "$(stat ${D}_frags_pcap fragments.given-up)" 0
# queries NAME: the query messages (QR clear: the first hex digit of the
# flags, after the 3 characters \\x and the 4 of the id, is below 8)
queries() {
    messages "$1" | cut -f6 | awk 'substr($0, 8, 1) < "8"' | sort
}
queries ${D}_dns_pcap > "$WORK/dns.queries"
check "dnso1tcp.pcap sends dns.pcap's queries" "$(queries ${D}_dnso1tcp_pcap | cmp -s - "$WORK/dns.queries" && wc -l < "$WORK/dns.queries")" 41
check "dnso1tcp.pcap answers each" "$(messages ${D}_dnso1tcp_pcap | cut -f6 | cut -c4-7 | sort | uniq -c | awk '{ print $1 }' | sort -u)" 2
messages ${D}_dnso1tcp_pcap | cut -f6 | sort > "$WORK/tcp.bytes"

# subset NAME: the messages of NAME that dnso1tcp.pcap does not have
subset() {
    messages "$1" | cut -f6 | sort | comm -23 - "$WORK/tcp.bytes" | wc -l
}
check "midmiss messages" "$(stat ${D}_dnso1tcp-midmiss_pcap messages.tcp)" 6
check "midmiss not in dnso1tcp" "$(subset ${D}_dnso1tcp-midmiss_pcap)" 0
check "midmiss rejects" "$(stat ${D}_dnso1tcp-midmiss_pcap rejects)" 0
check "midmiss gaps" "$(stat ${D}_dnso1tcp-midmiss_pcap tcp.gaps)/$(stat ${D}_dnso1tcp-midmiss_pcap tcp.bytes-missing)" "2/175"
check "bighole messages" "$(stat ${D}_dnso1tcp-bighole_pcap messages.tcp)" 76
check "bighole not in dnso1tcp" "$(subset ${D}_dnso1tcp-bighole_pcap)" 0
check "bighole gaps" "$(stat ${D}_dnso1tcp-bighole_pcap tcp.gaps)/$(stat ${D}_dnso1tcp-bighole_pcap tcp.bytes-missing)" "2/316"
check "bighole reject" "$(grep '^REJECT' "$WORK/${D}_dnso1tcp-bighole_pcap.dump" | awk -F'\t' '{ split($5, r, ":"); print r[1], (length($6) - 3) / 2 }')" "tcp-unframed 28"
check "1nolen messages" "$(stat ${D}_do1t-nosyn-1nolen_pcap messages.tcp)" 3
check "1nolen not in dnso1tcp" "$(subset ${D}_do1t-nosyn-1nolen_pcap)" 0
check "1nolen reject" "$(grep '^REJECT' "$WORK/${D}_do1t-nosyn-1nolen_pcap.dump" | awk -F'\t' '{ split($5, r, ":"); print r[1], (length($6) - 3) / 2 }')" "tcp-unframed 28"
check "1qtcpnosyn" "$(stat ${D}_1qtcpnosyn_pcap messages.tcp)" 2
messages ${D}_1qtcpnosyn_pcap > "$WORK/nosyn.msgs"
check "1qtcppadd = 1qtcpnosyn" "$(messages ${D}_1qtcppadd_pcap | cmp -s - "$WORK/nosyn.msgs" && echo same)" same
check "many1pkt" "$(stat ${D}_dnsotcp-many1pkt_pcap messages.tcp)/$(messages ${D}_dnsotcp-many1pkt_pcap | cut -f6 | sort | uniq -c | awk '{ print $1 }' | sort | tr '\n' ' ')" "4/1 3 "
check "manyopkts" "$(stat ${D}_dnsotcp-manyopkts_pcap messages.tcp)/$(stat ${D}_dnsotcp-manyopkts_pcap rejects)" "3/0"
check "dns6" "$(messages ${D}_dns6_pcap | cut -f1 | grep -c :)" 2
check "dnspad payload" "$(messages ${D}_dnspad_pcap | awk -F'\t' '{ print (length($6) - 3) / 2 }')" 31
check "ipv6 fragments" "$(stat ${Z}_ipv6-fragmented-dns_pcap messages.udp)/$(stat ${Z}_ipv6-fragmented-dns_pcap fragments.reassembled)/$(stat ${Z}_ipv6-fragmented-dns_pcap rejects.frag-incomplete)" "5/1/1"
check "geneve-vxlan" "$(stat ${Z}_tunnels_geneve-vxlan-dns-truncated_pcap messages)/$(stat ${Z}_tunnels_geneve-vxlan-dns-truncated_pcap rejects.truncated)" "0/2"
check "ecs-bad" "$(stat ${Z}_dns-edns-ecs-bad_pcap messages.udp)/$(stat ${Z}_dns-edns-ecs-bad_pcap rejects.ip-length)" "3/1"
check "mdns default" "$(stat ${Z}_dns_mdns_pcap messages)" 0
check "mdns 5353" "$(stat mdns5353 messages.udp)/$(stat mdns5353 packets.other-protocol)" "18/6"

# dnstap: time, transport and size of each message against dnstap-ldns's
# text (its "?" is a protocol it does not know: DoT or DoH here).
ldns_view() {
    awk '{ p = $5 == "UDP" ? "udp" : ($5 == "TCP" ? "tcp" : "dot|doh"); sub(/b$/, "", $6); print $1, $2, p, $6 }' "$1"
}
our_view() {
    awk -F'\t' '!/^REJECT/ { t = $1; sub(/\+00$/, "", t); if (t !~ /\./) t = t "."; while (length(t) < 26) t = t "0";
                           print t, $7, (length($8) - 3) / 2 }' "$1"
}
for f in dsc-test dsc-dotdoh; do
    ldns_view "$CORPORA/dnstap/$f.dnstap.dnstap-ldns.txt" > "$WORK/$f.ldns"
    our_view "$WORK/dnstap_${f}_dnstap.dump" > "$WORK/$f.ours"
    check "$f lines" "$(wc -l < "$WORK/$f.ours")" "$(wc -l < "$WORK/$f.ldns")"
    check "$f matches dnstap-ldns" "$(paste -d';' "$WORK/$f.ours" "$WORK/$f.ldns" |
        awk -F';' '{ split($1, o, " "); split($2, l, " ");
                     if (o[1] " " o[2] != l[1] " " l[2] || o[4] != l[4] || (l[3] != o[3] && !(l[3] == "dot|doh" && (o[3] == "dot" || o[3] == "doh")))) bad++ }
                   END { print bad + 0 }')" 0
done
check "dotdoh transports" "$(stat dnstap_dsc-dotdoh_dnstap messages.udp)/$(stat dnstap_dsc-dotdoh_dnstap messages.dot)/$(stat dnstap_dsc-dotdoh_dnstap messages.doh)" "3/2/2"
check "fstrm file" "$(cat "$WORK/dnstap_fstrm-0_6_1-test_fstrm.rc")/$(stat dnstap_fstrm-0_6_1-test_fstrm messages)/$(stat dnstap_fstrm-0_6_1-test_fstrm rejects.dnstap-content-type)" "0/0/10"
check "fstrm file warning" "$(grep -c 'content type is "test:hello"' "$WORK/dnstap_fstrm-0_6_1-test_fstrm.stats")" 1

# Frames that are not what they should be, each its own reject, the good
# one between them still a row: a socket_protocol beyond DOQ, a frame that
# is not a MESSAGE, bytes that are not protobuf (the fuzzer's seeds).
perl -e '
    my $ct = "protobuf:dnstap.Dnstap";
    my $start = pack("N", 2) . pack("NN", 1, length $ct) . $ct;
    print pack("NN", 0, length $start), $start;
    for my $f (@ARGV) {
        my $frame = $f eq "junk" ? "\xff\xff\xff" : do { local $/; open(my $h, "<", $f) or die; <$h> };
        print pack("N", length $frame), $frame;
    }
    print pack("NNN", 0, 4, 3);' \
    "$ROOT/test/fuzz/seeds/dnstap/socket_protocol_9" "$ROOT/test/fuzz/seeds/dnstap/client_query_dot" \
    "$ROOT/test/fuzz/seeds/dnstap/not_a_message" junk > "$WORK/odd.dnstap"
"$BIN" --dump --stats --sensor test --dnstap "$WORK/odd.dnstap" > "$WORK/odd.dump" 2> "$WORK/odd.stats"
check "odd dnstap frames" "$?/$(awk -F'\t' '/^(messages|rejects)\./ { printf "%s=%s ", $1, $2 }' "$WORK/odd.stats")" \
    "0/messages.dot=1 rejects.dnstap-frame=1 rejects.dnstap-protobuf=1 rejects.dnstap-socket-protocol=1 "

# pcapng: the same packets in a pcapng file give the same rows (the rejects'
# source column names the file, so it is left out).
nosource() {
    awk -F'\t' 'BEGIN { OFS = "\t" } /^REJECT/ { $4 = "" } { print }' "$@"
}
for f in dnso1tcp-bighole frags; do
    "$ROOT/test/capture/pcap2pcapng.pl" "$CORPORA/pcap/dnscap-2.1.1/$f.pcap" > "$WORK/$f.pcapng"
    "$BIN" --dump --sensor test "$WORK/$f.pcapng" | nosource > "$WORK/$f.ng"
    nosource "$WORK/$(echo "pcap/dnscap-2.1.1/$f.pcap" | tr '/.' '__').dump" > "$WORK/$f.classic"
    check "$f as pcapng" "$(cmp -s "$WORK/$f.ng" "$WORK/$f.classic" && wc -l < "$WORK/$f.ng")" "$(wc -l < "$WORK/$f.classic")"
done

# gzip and pipes, whole dumps against the plain file's (the rejects' source
# column names the input, so it is left out): a capture with a reject, the
# pcapng file above, the table's rows; a file of two gzip members (as
# `cat a.gz b.gz` makes) reads as one stream; a torn gzip file keeps the
# packets before the tear and fails (exit status 1) with its reason.
B=pcap/dnscap-2.1.1/dnso1tcp-bighole.pcap
nosource "$WORK/$(echo "$B" | tr '/.' '__').dump" > "$WORK/bighole.want"
gzip -c "$CORPORA/$B" > "$WORK/gz/bighole.pcap.gz"
for how in gzip pipe gzip-pipe; do
    case $how in
        gzip) "$BIN" --dump --sensor test "$WORK/gz/bighole.pcap.gz" ;;
        pipe) cat "$CORPORA/$B" | "$BIN" --dump --sensor test - ;;
        gzip-pipe) cat "$WORK/gz/bighole.pcap.gz" | "$BIN" --dump --sensor test - ;;
    esac > "$WORK/bighole.$how.dump"
    check "bighole ($how) exit status" "$?" 0
    check "bighole ($how) = file" "$(nosource "$WORK/bighole.$how.dump" | cmp -s - "$WORK/bighole.want" && wc -l < "$WORK/bighole.want")" 77
done
gzip -c "$WORK/dnso1tcp-bighole.pcapng" | "$BIN" --dump --sensor test - | nosource > "$WORK/bighole.ng.gz"
check "bighole as pcapng, gzip, pipe" "$(cmp -s "$WORK/bighole.ng.gz" "$WORK/bighole.want" && echo same)" same
for n in frags_gz frags_pipe frags_gzpipe; do
    check "$n = frags.pcap" "$(cmp -s "$WORK/$n.dump" "$WORK/${D}_frags_pcap.dump" && echo same)" same
done
nosource "$WORK/dnstap_dsc-dotdoh_dnstap.dump" > "$WORK/dotdoh.want"
for n in dotdoh_gz dotdoh_gzpipe; do
    check "$n = dsc-dotdoh.dnstap" "$(nosource "$WORK/$n.dump" | cmp -s - "$WORK/dotdoh.want" && echo same)" same
done
F=$CORPORA/pcap/dnscap-2.1.1/frags.pcap
{ head -c 30000 "$F" | gzip -c; tail -c +30001 "$F" | gzip -c; } > "$WORK/gz/two-members"
"$BIN" --dump --sensor test "$WORK/gz/two-members" > "$WORK/two-members.dump"
check "two gzip members" "$?/$(cmp -s "$WORK/two-members.dump" "$WORK/${D}_frags_pcap.dump" && echo same)" "0/same"
size=$(wc -c < "$WORK/gz/frags.pcap")
head -c $((size - 100)) "$WORK/gz/frags.pcap" > "$WORK/gz/torn"
"$BIN" --dump --stats --sensor test "$WORK/gz/torn" > /dev/null 2> "$WORK/torn-gz.stats"
check "torn gzip" "$?/$(grep -c 'gzip: the compressed data ends early' "$WORK/torn-gz.stats")/$([ "$(stat torn-gz packets)" -gt 400 ] && echo most-packets)" "1/1/most-packets"

# A torn Frame Streams file: the frames before the tear land, the rest is
# one dnstap-file reject, and the exit status says the file was damaged.
# (The file ends with its 7th data frame and a 12-byte STOP frame: 20 bytes
# less cuts into the 7th frame.)
size=$(wc -c < "$CORPORA/dnstap/dsc-dotdoh.dnstap")
head -c $((size - 20)) "$CORPORA/dnstap/dsc-dotdoh.dnstap" > "$WORK/torn.dnstap"
"$BIN" --dump --stats --sensor test --dnstap "$WORK/torn.dnstap" > "$WORK/torn.dump" 2> "$WORK/torn.stats"
check "torn dnstap" "$?/$(awk -F'\t' '$1 == "messages" || $1 == "rejects.dnstap-file" { printf "%s ", $2 }' "$WORK/torn.stats")" "1/6 1 "

# --dnstap-socket: two writers at once and one after them, each with the
# READY/ACCEPT/START handshake and STOP/FINISH; SIGTERM ends the listener,
# which must have written what the three sent.
REPLAY="$ROOT/test/capture/bin/dnstap_replay"
if [ -x "$REPLAY" ]; then
    SOCK="$WORK/dnstap.sock"
    "$BIN" --dump --stats --sensor test --dnstap-socket "$SOCK" > "$WORK/sock.dump" 2> "$WORK/sock.stats" &
    pid=$!
    i=0
    while [ ! -S "$SOCK" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
    "$REPLAY" "$SOCK" "$CORPORA/dnstap/dsc-dotdoh.dnstap" > "$WORK/replay1" &
    r1=$!
    "$REPLAY" "$SOCK" "$CORPORA/dnstap/dsc-test.dnstap" > "$WORK/replay2"
    check "socket writer 2" "$?/$(cat "$WORK/replay2")" "0/2"
    wait $r1
    check "socket writer 1" "$?/$(cat "$WORK/replay1")" "0/7"
    "$REPLAY" "$SOCK" "$CORPORA/dnstap/dsc-test.dnstap" > /dev/null
    sleep 0.3
    kill -TERM $pid
    wait $pid
    check "socket listener exit status" "$?" 0
    check "socket messages" "$(stat sock messages)" 11
    cat "$WORK/dnstap_dsc-dotdoh_dnstap.dump" "$WORK/dnstap_dsc-test_dnstap.dump" \
        "$WORK/dnstap_dsc-test_dnstap.dump" | LC_ALL=C sort > "$WORK/sock.want"
    check "socket rows = file rows" "$(LC_ALL=C sort "$WORK/sock.dump" | cmp -s - "$WORK/sock.want" && echo same)" same
    check "socket removed" "$([ -e "$SOCK" ] && echo left || echo removed)" removed
else
    fail "$REPLAY is not built (make capture-check builds it)"
fi

# A live capture on the loopback interface (needs the right to capture):
# three queries to a port made a DNS port with --port, then SIGINT.
"$BIN" -i lo --port 53535 -f 'udp port 53535' --dump --stats --sensor live \
    > "$WORK/live.dump" 2> "$WORK/live.stats" &
pid=$!
sleep 1
if kill -0 $pid 2> /dev/null; then
    perl -MIO::Socket::INET -e '
        my $srv = IO::Socket::INET->new(LocalAddr => "127.0.0.1:53535", Proto => "udp") or die "bind: $!";
        my $cli = IO::Socket::INET->new(PeerAddr => "127.0.0.1:53535", Proto => "udp") or die "socket: $!";
        for my $id (1 .. 3) {
            $cli->send(pack("nnnnnn", $id, 0x0100, 1, 0, 0, 0) . "\x07example\x00" . pack("nn", 1, 1));
            $srv->recv(my $q, 512);
        }'
    sleep 0.5
    kill -INT $pid
    wait $pid
    check "live exit status" "$?" 0
    check "live messages" "$(stat live messages.udp)/$(cut -f3,5,6,7 "$WORK/live.dump" | sort -u | tr '\t' ' ')" \
        "3/127.0.0.1 127.0.0.1 53535 udp"
else
    wait $pid
    echo "capture: cannot capture on lo here ($(tail -1 "$WORK/live.stats")): live check skipped"
fi

# ---- 3. --copy into a scratch schema ----
if psql -X -q -c 'SELECT 1' > /dev/null 2>&1; then
    S=capture_test_$$
    psql -X -q -v ON_ERROR_STOP=1 > /dev/null <<EOF
CREATE SCHEMA $S;
CREATE TABLE $S.wire_in (time timestamptz, sensor text, client inet, client_port integer,
    server inet, server_port integer, transport text, message bytea);
CREATE TABLE $S.wire_rejects_in (time timestamptz, sensor text, source text, reason text, raw bytea);
EOF
    (cd "$CORPORA" && "$BIN" --copy --stats --sensor test --table $S.wire_in \
        --rejects-table $S.wire_rejects_in --batch-messages 7 \
        pcap/dnscap-2.1.1/dns.pcap pcap/dnscap-2.1.1/dnso1tcp-bighole.pcap \
        pcap/zeek/Traces/ipv6-fragmented-dns.pcap --dnstap dnstap/dsc-dotdoh.dnstap) \
        > /dev/null 2> "$WORK/copy.stats"
    check "--copy exit status" "$?" 0
    # COPY TO STDOUT prints the stored rows in the very format of --dump.
    (cd "$CORPORA" && "$BIN" --dump --sensor test \
        pcap/dnscap-2.1.1/dns.pcap pcap/dnscap-2.1.1/dnso1tcp-bighole.pcap \
        pcap/zeek/Traces/ipv6-fragmented-dns.pcap --dnstap dnstap/dsc-dotdoh.dnstap) > "$WORK/copy.dump"
    grep -v '^REJECT' "$WORK/copy.dump" | LC_ALL=C sort > "$WORK/want.rows"
    grep '^REJECT' "$WORK/copy.dump" | cut -f2- | LC_ALL=C sort > "$WORK/want.rejects"
    psql -X -q -c "SET timezone = 'UTC'" -c "COPY $S.wire_in TO STDOUT" | LC_ALL=C sort > "$WORK/got.rows"
    psql -X -q -c "SET timezone = 'UTC'" -c "COPY $S.wire_rejects_in TO STDOUT" | LC_ALL=C sort > "$WORK/got.rejects"
    check "--copy rows" "$(wc -l < "$WORK/got.rows")" $((82 + 76 + 5 + 7))
    check "--copy rows = --dump rows" "$(cmp -s "$WORK/got.rows" "$WORK/want.rows" && echo same)" same
    check "--copy rejects = --dump rejects" "$(cmp -s "$WORK/got.rejects" "$WORK/want.rejects" && echo same)" same
    check "--copy rejects" "$(psql -X -A -t -c "SELECT count(*) || '/' || string_agg(split_part(reason, ':', 1) || '=' || length(raw), ',' ORDER BY reason) FROM $S.wire_rejects_in")" \
        "2/frag-incomplete=342,tcp-unframed=28"

    # copy_from_fifo SENSOR SECONDS: --copy from a FIFO kept open on fd 3,
    # dns.pcap written into it, committing every SECONDS; sets $pid.
    mkfifo "$WORK/fifo"
    copy_from_fifo() {
        "$BIN" --copy --sensor "$1" --table $S.wire_in --rejects-table $S.wire_rejects_in \
            --batch-messages 1000000 --batch-seconds "$2" - < "$WORK/fifo" 2> "$WORK/$1.err" &
        pid=$!
        exec 3> "$WORK/fifo"
        cat "$CORPORA/pcap/dnscap-2.1.1/dns.pcap" >&3
    }
    count_of() {
        psql -X -A -t -c "SELECT count(*) FROM $S.wire_in WHERE sensor = '$1'"
    }

    # The pipe stays open: the batch commits after --batch-seconds even
    # though no more packets come; then the end of the input ends the tool.
    copy_from_fifo tick 1
    sleep 3
    check "batch committed by time" "$(count_of tick)" 82
    exec 3>&-
    wait $pid
    check "pipe end exit status" "$?" 0

    # SIGINT while the pipe is still open: what was read is committed.
    copy_from_fifo sigint 3600
    sleep 1
    kill -INT $pid
    wait $pid
    check "SIGINT exit status" "$?" 0
    exec 3>&-
    check "SIGINT committed" "$(count_of sigint)" 82
    psql -X -q -c "SET client_min_messages = warning" -c "DROP SCHEMA $S CASCADE" > /dev/null
else
    echo "capture: no server in the PG* environment: --copy checks skipped"
fi

echo "capture: $checks checks, $failures failed, table of $(grep -vc '^#' "$EXPECTED" 2>/dev/null || echo 0) files"
[ "$failures" -eq 0 ]
