#!/usr/bin/env bash
# Benchmarks (not tests): sets the machine up, starts a throwaway cluster
# sized so the data stays in shared buffers, and runs every bench/*.sh.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if [ "${1:-}" != "--in-cluster" ]; then
    LK_EXTRA_PACKAGES="python3 valgrind gnuplot-nox r-base-core r-cran-survival" bash scripts/setup.sh
    # a PGPORT or PGHOST of the caller's own server would steer pg_virtualenv onto it ("Port conflict")
    unset PGHOST PGPORT PGUSER PGPASSWORD PGDATABASE PGSERVICE
    exec pg_virtualenv -t -v "${LK_PG_MAJOR:-15}" -o shared_buffers=4GB -o max_parallel_workers=4 bash scripts/bench.sh --in-cluster
fi
for b in bench/*.sh; do
    bash "$b"
done
