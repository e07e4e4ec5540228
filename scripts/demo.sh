#!/usr/bin/env bash
# The demo: sets the machine up (setup.sh), starts a throwaway PostgreSQL 15
# cluster (pg_virtualenv), loads generated survey, customer, order and
# loyalty-program data and prints the KPIs; then the CLV part, on CDNOW.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if [ "${1:-}" != "--in-cluster" ]; then
    bash scripts/setup.sh
    exec pg_virtualenv -v 15 bash scripts/demo.sh --in-cluster
fi
createdb lk_demo
psql -X -q -d lk_demo -f demo/surveys.sql
psql -X -q -d lk_demo -f demo/customers.sql
psql -X -q -d lk_demo -f demo/clv.sql
