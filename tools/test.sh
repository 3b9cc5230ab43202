#!/bin/sh
# The whole test suite on a fresh Debian 12 machine: install what is needed,
# build, install, then run every suite against a throwaway cluster made by
# Debian's pg_virtualenv.  Run as root (or with sudo rights).
set -eu
cd "$(dirname "$0")/.."

tools/install-deps.sh
make -s
SUDO=""
[ "$(id -u)" = 0 ] || SUDO="sudo"
$SUDO make -s install

# pg_virtualenv creates a cluster (in a temporary directory: -t, so that a
# cluster left behind by an interrupted run cannot refuse this one),
# exports PG* for it, runs the command and
# removes the cluster.  The suites' own summary closes the output.
exec pg_virtualenv -t -v 15 make -s test
