#!/usr/bin/env bash
# Every test: sets the machine up (setup.sh), starts a throwaway PostgreSQL
# cluster (pg_virtualenv), runs the pg_regress suite (sql/, expected/) and
# the pgTAP suite (test/), and ends with one line "N passed, N failed"
# summing both.  Exits non-zero on any failure.
#
#   bash scripts/test.sh [MAJOR | all]
#
# MAJOR is the PostgreSQL major version, 15 by default.  A major this
# machine's Debian has (15 on Debian 12) is tested here; another (17: Debian
# 13; 18: sid) in a minimal Debian root built for it (scripts/in_root.sh),
# with the same command inside.  "all" tests every supported major, one
# after another, and ends with a line per major and one line summing them.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if [ "${1:-}" = "all" ]; then
    totals=$(mktemp)
    trap 'rm -f "$totals"' EXIT
    for major in 15 17 18; do
        echo "=== PostgreSQL $major"
        bash scripts/test.sh "$major" | tee /dev/stderr | grep -E '^[0-9]+ passed, [0-9]+ failed$' | tail -n 1 |
            sed "s/^/$major /" >>"$totals"
        grep -q "^$major " "$totals" || echo "$major 0 passed, 1 failed" >>"$totals"
    done 2>&1
    echo
    awk '{ printf "PostgreSQL %s: %s passed, %s failed\n", $1, $2, $4; p += $2; f += $4 }
         END { printf "%d passed, %d failed\n", p, f; exit f > 0 }' "$totals"
    exit
fi

if [ "${1:-}" != "--in-cluster" ]; then
    major=${1:-15}
    if [ "$major" != "$(bash scripts/in_root.sh --host-major)" ]; then
        exec bash scripts/in_root.sh "$major" bash scripts/test.sh "$major"
    fi
    LK_PG_MAJOR=$major bash scripts/setup.sh || { echo "0 passed, 1 failed"; exit 1; }
    # pg_cron runs the scheduled-refresh test's job (sql/16_scheduled_refresh.sql),
    # in a background worker, in the database that test creates
    exec pg_virtualenv -v "$major" -o shared_preload_libraries=pg_cron -o cron.database_name=lk_cron \
        -o cron.use_background_workers=on -o max_worker_processes=16 \
        bash scripts/test.sh --in-cluster "$major"
fi
major=$2

# Inside the throwaway cluster (PGHOST, PGPORT, PGUSER set by pg_virtualenv).
export PG_CONFIG=/usr/lib/postgresql/$major/bin/pg_config
log=$(mktemp -d)
trap 'rm -rf "$log"' EXIT

echo "== pg_regress"
make -s installcheck PG_CONFIG="$PG_CONFIG" >"$log/regress" 2>&1
regress_rc=$?
cat "$log/regress"
[ $regress_rc -ne 0 ] && [ -f regression.diffs ] && cat regression.diffs
# pg_regress 15 prints "test name ... ok"; 16 and later print TAP, "ok 1 - name"
regress_ok=$(grep -cE ' \.\.\. ok|^ok [0-9]+ ' "$log/regress")
regress_failed=$(grep -cE ' \.\.\. FAILED|^not ok [0-9]+ ' "$log/regress")
# a run that died before its tests (no server, bad schedule) is one failure
if [ $regress_rc -ne 0 ] && [ "$regress_failed" -eq 0 ]; then regress_failed=1; fi

echo "== pgTAP"
createdb lk_tap
pg_prove --verbose -d lk_tap test/*.sql >"$log/tap" 2>&1
tap_rc=$?
cat "$log/tap"
tap_ok=$(grep -cE '^ *ok [0-9]+' "$log/tap")
tap_failed=$(grep -cE '^ *not ok [0-9]+' "$log/tap")
# a file that died or planned wrongly fails without a "not ok" line
if [ $tap_rc -ne 0 ] && [ "$tap_failed" -eq 0 ]; then tap_failed=1; fi

echo "PostgreSQL $major: pg_regress: $regress_ok passed, $regress_failed failed; pgTAP: $tap_ok passed, $tap_failed failed"
passed=$((regress_ok + tap_ok))
failed=$((regress_failed + tap_failed))
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
