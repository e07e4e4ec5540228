#!/usr/bin/env bash
# The demo: sets the machine up (setup.sh), starts a throwaway PostgreSQL
# cluster (pg_virtualenv; 15, or LK_PG_MAJOR where this machine has it), loads generated survey, customer, order and
# loyalty-program data and prints the KPIs; then the CLV part, on CDNOW.
# With --explore it then opens psql in the demo's database, where every
# SQL example of README.md and docs/ runs (the suite checks that they do).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if [ "${1:-}" != "--in-cluster" ]; then
    bash scripts/setup.sh
    # pg_cron refreshes the demo's daily summaries on a schedule (demo/refresh.sql);
    # -t: a cluster in a temporary directory, so it never collides with another
    # a PGPORT or PGHOST of the caller's own server would steer pg_virtualenv onto it ("Port conflict")
    unset PGHOST PGPORT PGUSER PGPASSWORD PGDATABASE PGSERVICE
    exec pg_virtualenv -t -v "${LK_PG_MAJOR:-15}" -o shared_preload_libraries=pg_cron -o cron.database_name=lk_demo \
        -o cron.use_background_workers=on -o max_worker_processes=16 \
        bash scripts/demo.sh --in-cluster "$@"
fi
createdb lk_demo
psql -X -q -d lk_demo -f demo/surveys.sql
psql -X -q -d lk_demo -f demo/customers.sql
psql -X -q -d lk_demo -f demo/clv.sql
psql -X -q -d lk_demo -f demo/refresh.sql

# --explore: stay in the demo's database, in psql, until you quit (\q);
# the throwaway cluster goes when you leave
if [ "${2:-}" = "--explore" ]; then
    echo
    echo "The demo's tables are in database lk_demo: host ${PGHOST:-}, port ${PGPORT:-}, user ${PGUSER:-},"
    echo "password ${PGPASSWORD:-} (for a BI tool or another client; the cluster listens on localhost only)."
    echo "Try the examples of README.md and docs/: they run against these tables. \\q to leave; the cluster goes with it."
    exec psql -X -d lk_demo
fi
