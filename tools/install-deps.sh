#!/bin/sh
# Install every Debian 12 package pdns needs to build, run, test and benchmark.
# Safe to run again; needs root (or sudo).
set -eu

PACKAGES="
  make gcc clang libclang-rt-14-dev perl libipc-run-perl valgrind
  postgresql-15 postgresql-server-dev-15 postgresql-contrib postgresql-common
  postgresql-15-partman postgresql-15-hll postgresql-15-plproxy
  libidn2-dev libpsl-dev publicsuffix
  libldns-dev libmaxminddb-dev libssl-dev
  libpcap-dev libfstrm-dev libprotobuf-c-dev protobuf-c-compiler libpq-dev zlib1g-dev
  tcpdump
  libmicrohttpd-dev dnsdbq curl openssl wrk
  chromium chromium-driver
"

missing=""
for p in $PACKAGES; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -z "$missing" ]; then
    echo "install-deps: all packages present"
    exit 0
fi

SUDO=""
[ "$(id -u)" = 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
echo "install-deps: installing$missing"
$SUDO apt-get update -qq
# The Debian postgresql package would start a cluster of its own; we do not need it.
if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
    $SUDO chmod +x /usr/sbin/policy-rc.d
    trap '$SUDO rm -f /usr/sbin/policy-rc.d' EXIT
fi
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
echo "install-deps: done"
