#!/bin/sh
# The 30-second tour: install what is needed, build and install pdns, start a
# throwaway PostgreSQL of its own (no server needed beforehand), load the
# bundled sample data, show real query results, and leave the server running.
# Run as root (or with sudo rights).  Stop it later with: tools/demo.sh stop
set -eu
cd "$(dirname "$0")/.."
top=$(pwd)
DEMO_DIR=${PDNS_DEMO_DIR:-/var/tmp/pdns-demo}
DEMO_PORT=${PDNS_DEMO_PORT:-5499}
bindir=/usr/lib/postgresql/15/bin
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

DEMO_API_PORT=${PDNS_DEMO_API_PORT:-8053}

stop_api() {
    if [ -f "$DEMO_DIR/pdns-api.pid" ]; then
        kill "$(cat "$DEMO_DIR/pdns-api.pid")" 2>/dev/null || true
        rm -f "$DEMO_DIR/pdns-api.pid"
    fi
}

if [ "${1:-}" = stop ]; then
    stop_api
    as_pg "$bindir/pg_ctl" -D "$DEMO_DIR/data" -m fast stop
    exit 0
fi

tools/install-deps.sh
make -s
if [ "$(id -u)" = 0 ]; then make -s install; else sudo make -s install; fi

# A cluster of our own, owned by the postgres user, listening only on a
# Unix socket in the demo directory.
if [ ! -d "$DEMO_DIR/data" ]; then
    mkdir -p "$DEMO_DIR"
    [ "$(id -u)" = 0 ] && chown postgres "$DEMO_DIR"
    as_pg "$bindir/initdb" -D "$DEMO_DIR/data" -A trust -U postgres >/dev/null
    # pg_partman's background worker keeps partitions made ahead and retired;
    # pdns is preloaded so that the pseudonymization key can live in the
    # configuration, where no role but the superuser can read it
    # (docs/privacy.md, docs/ingest.md).
    key=$(openssl rand -hex 32 2>/dev/null || od -An -tx1 -N32 /dev/urandom | tr -d ' \n')
    as_pg sh -c "cat >> '$DEMO_DIR/data/postgresql.conf'" <<CONF
shared_preload_libraries = 'pg_partman_bgw'
session_preload_libraries = 'pdns'
pg_partman_bgw.dbname = 'pdns_demo'
pg_partman_bgw.role = 'postgres'
pdns.pseudonymization_key = '$key'
CONF
fi
if ! "$bindir/pg_isready" -q -h "$DEMO_DIR" -p "$DEMO_PORT"; then
    as_pg "$bindir/pg_ctl" -D "$DEMO_DIR/data" -l "$DEMO_DIR/server.log" -w \
        -o "-p $DEMO_PORT -k $DEMO_DIR -c listen_addresses=''" start >/dev/null
fi

export PGHOST="$DEMO_DIR" PGPORT="$DEMO_PORT" PGUSER=postgres
stop_api		# (it holds connections to the database made again here)
psql -X -q -d postgres -c "DROP DATABASE IF EXISTS pdns_demo WITH (FORCE)" 2>/dev/null
psql -X -q -d postgres -c "CREATE DATABASE pdns_demo"
# A real capture from the test corpora, when it is there.
capture=$top/test/corpora/pcap/dnscap-2.1.1/dns.pcap
have_capture=false
[ -f "$capture" ] && have_capture=true
psql -X -q -d pdns_demo -v ON_ERROR_STOP=1 -v "top=$top" -v "capture=$capture" -v "have_capture=$have_capture" \
    -v "capture_tool=$bindir/pdns-capture" -f tools/demo.sql

# pdns-api next to it (docs/api.md): a login role for the daemon, an API
# key for the analyst, and dnsdbq pointed at it.
psql -X -q -d pdns_demo -v ON_ERROR_STOP=1 <<'SQL' >/dev/null
SET client_min_messages = warning;
DO $$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'pdns_demo_api') THEN
    CREATE ROLE pdns_demo_api LOGIN IN ROLE pdns_api;
  END IF;
END $$;
SQL
key=$(psql -X -q -At -d pdns_demo -c "SELECT pdns.api_key_create('demo', 'pdns_analyst', queries_per_day => NULL, results_per_day => NULL)")
cat > "$DEMO_DIR/pdns-api.conf" <<CONF
listen = 127.0.0.1
port = $DEMO_API_PORT
database = "host=$DEMO_DIR port=$DEMO_PORT dbname=pdns_demo user=pdns_demo_api"
CONF
cat > "$DEMO_DIR/dnsdbq.env" <<ENV
export DNSDB_SERVER=http://127.0.0.1:$DEMO_API_PORT
export DNSDB_API_KEY=$key
ENV
chmod 600 "$DEMO_DIR/dnsdbq.env"
"$bindir/pdns-api" -c "$DEMO_DIR/pdns-api.conf" >"$DEMO_DIR/pdns-api.log" 2>&1 &
echo $! > "$DEMO_DIR/pdns-api.pid"
sleep 0.5
if ! kill -0 "$(cat "$DEMO_DIR/pdns-api.pid")" 2>/dev/null; then
    cat "$DEMO_DIR/pdns-api.log" >&2
    echo "pdns-api did not start (is port $DEMO_API_PORT taken? set PDNS_DEMO_API_PORT)" >&2
    exit 1
fi
echo
echo "== pdns-api answers Farsight's dnsdbq (DNSDB API v2):"
echo "\$ dnsdbq -r '*.example.com/A' -l 4"
(. "$DEMO_DIR/dnsdbq.env" && dnsdbq -r '*.example.com/A' -l 4 2>&1)

cat <<MSG

pdns is running.  Connect with:
    psql -h $DEMO_DIR -p $DEMO_PORT -U postgres pdns_demo
pdns-api serves the DNSDB API v2 and CIRCL pDNS on http://127.0.0.1:$DEMO_API_PORT;
point dnsdbq at it with:
    . $DEMO_DIR/dnsdbq.env && dnsdbq -r www.example.com
The explorer (timelines, volume charts, pivots) is at:
    http://127.0.0.1:$DEMO_API_PORT/?q=example.com
    (its API key: $(sed -n 's/^export DNSDB_API_KEY=//p' "$DEMO_DIR/dnsdbq.env"))
Stop both with:
    tools/demo.sh stop
MSG
