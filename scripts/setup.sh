#!/usr/bin/env bash
# Brings a fresh Debian 12 machine to where loyalty_kpi builds and runs:
# installs the packages it lacks (one apt-get update, then apt-get install),
# then builds the extension and installs it into PostgreSQL 15.
# Run as root, or as a user with sudo.  Sourced by test.sh, demo.sh, bench.sh.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo

# postgresql-common brings pg_virtualenv; libtap-parser-sourcehandler-pgtap-perl brings pg_prove
# libnlopt-dev: the optimizer the CLV models are fitted with
# python3-psycopg2: the suite reads KPI views as a client application does;
# postgresql-15-cron: it refreshes a materialized view on a schedule
packages=(make gcc postgresql-15 postgresql-server-dev-15 postgresql-common libnlopt-dev
          pgtap postgresql-15-pgtap libtap-parser-sourcehandler-pgtap-perl python3-psycopg2
          postgresql-15-cron)
# a caller may need more (bench.sh: python3 for the CLV simulator)
packages+=(${LK_EXTRA_PACKAGES:-})
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "setup: installing ${missing[*]}"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

export PG_CONFIG=/usr/lib/postgresql/15/bin/pg_config
make -s PG_CONFIG="$PG_CONFIG"
$SUDO make -s install PG_CONFIG="$PG_CONFIG" >/dev/null
