#!/usr/bin/env bash
# Brings a fresh Debian machine to where loyalty_kpi builds and runs:
# installs the packages it lacks (one apt-get update, then apt-get install),
# then builds the extension and installs it into PostgreSQL LK_PG_MAJOR
# (15, Debian 12's, by default; 17 in a Debian 13 root, 18 in a sid root:
# scripts/in_root.sh).  Run as root, or as a user with sudo.  Run by
# test.sh, demo.sh, bench.sh.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
major=${LK_PG_MAJOR:-15}

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo

# postgresql-common brings pg_virtualenv; libtap-parser-sourcehandler-pgtap-perl brings pg_prove
# libnlopt-dev: the optimizer the CLV models are fitted with
# python3-psycopg2: the suite reads KPI views as a client application does;
# postgresql-15-cron: it refreshes a materialized view on a schedule
# libicu-dev: PostgreSQL's server headers include unicode/ucol.h (utils/pg_locale.h);
# Debian 12 pulls it in with other packages, Debian 13 does not
# (pgtap's metapackage would pull in the distribution's default server, not
# the one under test: only postgresql-MAJOR-pgtap and pg_prove's own package)
packages=(make gcc "postgresql-$major" "postgresql-server-dev-$major" postgresql-common libnlopt-dev libicu-dev
          "postgresql-$major-pgtap" libtap-parser-sourcehandler-pgtap-perl python3-psycopg2
          "postgresql-$major-cron")
# a caller may need more (bench.sh: python3 for the CLV simulator)
packages+=(${LK_EXTRA_PACKAGES:-})
bash scripts/apt_install.sh "${packages[@]}"

export PG_CONFIG=/usr/lib/postgresql/$major/bin/pg_config
make -s PG_CONFIG="$PG_CONFIG"
$SUDO make -s install PG_CONFIG="$PG_CONFIG" >/dev/null
