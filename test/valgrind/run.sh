#!/bin/sh
# check-valgrind: the pg_regress suite against a throwaway server running
# under valgrind memcheck (every backend is followed across fork).
#
# Debian's PostgreSQL is not built with USE_VALGRIND, so the server itself
# shows some well-known noise (uninitialised padding written to WAL and to
# the relcache init file, and similar).  The check therefore fails on every
# memcheck error whose stack passes through the extension (pdns.so, or the
# libraries it calls on its behalf), and reports how much other noise it
# set aside.  Reports of the server's own code that surface on such a
# stack and are known noise are suppressed (test/valgrind/postgres.supp).
# ASan is not used here: preloading its runtime into the server deadlocks
# in glibc's bindtextdomain at start-up; the pure C core runs under ASan
# and UBSan in the unit tests and fuzzers instead.
set -eu
cd "$(dirname "$0")/../.."
work=$(mktemp -d /tmp/pdns-valgrind.XXXXXX)
port=${VALGRIND_PORT:-54330}
bindir=$(pg_config --bindir)
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

# (known noise of the server itself: postgres.supp; copied where the
# server's user can read it)
cp test/valgrind/postgres.supp "$work/"
[ "$(id -u)" = 0 ] && chown -R postgres "$work"
cleanup() {
    as_pg "$bindir/pg_ctl" -D "$work/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT

as_pg "$bindir/initdb" -D "$work/data" -A trust -U postgres >/dev/null
as_pg sh -c "valgrind --quiet --trace-children=yes --num-callers=30 \
    --suppressions='$work/postgres.supp' \
    --log-file='$work/vg.%p.log' '$bindir/postgres' -D '$work/data' -p $port -k '$work' \
    -c listen_addresses= -c max_connections=20 > '$work/server.log' 2>&1 &"
for i in $(seq 1 120); do
    "$bindir/pg_isready" -q -h "$work" -p "$port" && break
    sleep 1
done

status=0
PGHOST=$work PGPORT=$port PGUSER=postgres make -s installcheck || status=1
as_pg "$bindir/pg_ctl" -D "$work/data" -m fast -w stop >/dev/null 2>&1 || true

# Split the logs into error reports; keep those that involve the extension:
# a frame in pdns.so, or in one of its source files (valgrind names the file
# when it has debug information).
files=$(ls src/*/*.c | sed 's|.*/||; s|\.c$||' | paste -sd'|' -)
ours=$(awk -v files="$files" '
    /^==[0-9]+== [A-Z]/ && !/^==[0-9]+== (HEAP|LEAK|ERROR) SUMMARY/ { if (blk != "") print_blk(); blk = $0 "\n"; next }
    /^==[0-9]+== *$/ { if (blk != "") print_blk(); blk = ""; next }
    blk != "" { blk = blk $0 "\n" }
    function print_blk() { if (blk ~ /pdns\.so/ || blk ~ ("[(](" files ")\\.c:")) printf "%s\n", blk; else other++; blk = "" }
    END { if (blk != "") print_blk(); printf "OTHER %d\n", other > "/dev/stderr" }
' "$work"/vg.*.log 2>"$work/other")
other=$(sed -n 's/^OTHER //p' "$work/other")
if [ -n "$ours" ]; then
    echo "check-valgrind: memcheck errors in the extension:"
    echo "$ours"
    status=1
fi
echo "check-valgrind: ${other:-0} memcheck reports outside the extension set aside (server noise)"
[ $status -eq 0 ] && echo "check-valgrind: regression suite clean under valgrind memcheck"
exit $status
