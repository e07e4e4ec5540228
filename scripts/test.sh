#!/usr/bin/env bash
# Every test: sets the machine up (setup.sh), starts a throwaway PostgreSQL
# cluster (pg_virtualenv), runs the pg_regress suite (sql/, expected/) and
# the pgTAP suite (test/) side by side, and ends with one line
# "N passed, N failed" summing both.  Exits non-zero on any failure.
#
#   bash scripts/test.sh [MAJOR | package | all]
#
# MAJOR is the PostgreSQL major version, 15 by default.  A major this
# machine's Debian has (15 on Debian 12) is tested here, from the build
# tree; another (17: Debian 13; 18: sid) in a minimal Debian root built for
# it (scripts/in_root.sh), with the same command inside.  "package" builds
# the Debian package (scripts/package.sh), installs it with dpkg -i into a
# clean Debian 12 root and runs the suite against the installed package.
# "all" (CI) runs 15, 17, 18 and package one after another, and ends with a
# line for each and one line summing them.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if [ "${1:-}" = "all" ]; then
    totals=$(mktemp)
    runlog=$(mktemp)
    trap 'rm -f "$totals" "$runlog"' EXIT
    for run in 15 17 18 package; do
        echo "=== $run"
        bash scripts/test.sh "$run" 2>&1 | tee "$runlog"
        grep -E '^[0-9]+ passed, [0-9]+ failed$' "$runlog" | tail -n 1 | sed "s/^/$run /" >>"$totals"
        grep -q "^$run " "$totals" || echo "$run 0 passed, 1 failed" >>"$totals"
    done
    echo
    awk '{ printf "%s: %s passed, %s failed\n", $1 == "package" ? "PostgreSQL 15, Debian package" : "PostgreSQL " $1, $2, $4
           p += $2; f += $4 }
         END { printf "%d passed, %d failed\n", p, f; exit f > 0 }' "$totals"
    exit
fi

if [ "${1:-}" = "package" ]; then
    packages=build/packages
    bash scripts/package.sh "$packages" || { echo "0 passed, 1 failed"; exit 1; }
    exec bash scripts/in_root.sh --package 15 "$packages" bash scripts/test.sh --installed 15
fi

if [ "${1:-}" != "--in-cluster" ]; then
    if [ "${1:-}" = "--installed" ]; then
        # in the clean root of in_root.sh --package: the package, not a build
        major=$2
        dpkg -i /work/packages/postgresql-"$major"-loyalty-kpi_*.deb || { echo "0 passed, 1 failed"; exit 1; }
    else
        major=${1:-15}
        if [ "$major" != "$(bash scripts/in_root.sh --host-major)" ]; then
            exec bash scripts/in_root.sh "$major" bash scripts/test.sh "$major"
        fi
        LK_PG_MAJOR=$major bash scripts/setup.sh || { echo "0 passed, 1 failed"; exit 1; }
    fi
    # pg_cron runs the scheduled-refresh test's job (sql/16_scheduled_refresh.sql),
    # in a background worker, in the database that test creates
    # -t: a cluster in a temporary directory, even as root, so no other run's
    # cluster (a demo beside it, one left behind by a killed run) collides;
    # workers enough for both suites' parallel plans at once
    # a PGPORT or PGHOST of the caller's own server would steer pg_virtualenv onto it ("Port conflict")
    unset PGHOST PGPORT PGUSER PGPASSWORD PGDATABASE PGSERVICE
    exec pg_virtualenv -t -v "$major" -o shared_preload_libraries=pg_cron -o cron.database_name=lk_cron \
        -o cron.use_background_workers=on -o max_worker_processes=32 -o max_parallel_workers=16 \
        bash scripts/test.sh --in-cluster "$major"
fi
major=$2

# Inside the throwaway cluster (PGHOST, PGPORT, PGUSER set by pg_virtualenv).
# pg_regress (contrib_regression and the databases its tests make) and
# pgTAP (lk_tap) run side by side, one on each core; each prints a line per
# test file as it ends (name, result, time), the whole output of a failed
# file follows at the end.
export PG_CONFIG=/usr/lib/postgresql/$major/bin/pg_config
log=$(mktemp -d)
trap 'rm -rf "$log"' EXIT
started=$SECONDS

run_regress() {
    # pg_regress 15 prints "test name ... ok   12 ms"; 16 and later print TAP, "ok 1 - name   12 ms"
    make -s installcheck PG_CONFIG="$PG_CONFIG" 2>&1 | tee "$log/regress" |
        grep --line-buffered -E '^(test |ok |not ok )' | sed -u 's/^/pg_regress  /'
    echo "${PIPESTATUS[0]}" >"$log/regress.rc"
}

run_tap() {
    createdb lk_tap
    for f in test/*.sql; do
        local name t0 rc ok failed
        name=$(basename "$f")
        t0=$EPOCHREALTIME
        pg_prove --verbose -d lk_tap "$f" >"$log/tap.$name" 2>&1
        rc=$?
        ok=$(grep -cE '^ *ok [0-9]+' "$log/tap.$name")
        failed=$(grep -cE '^ *not ok [0-9]+' "$log/tap.$name")
        # a file that died or planned wrongly fails without a "not ok" line
        if [ $rc -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
        echo "$ok $failed" >>"$log/tap.counts"
        printf 'pgTAP       %-28s %s  %d passed, %d failed  %.1f s\n' "$name" \
            "$([ "$failed" -eq 0 ] && echo ok || echo FAILED)" "$ok" "$failed" "$(awk "BEGIN { print $EPOCHREALTIME - $t0 }")"
        [ "$failed" -eq 0 ] || echo "$name" >>"$log/tap.failed"
    done
}

echo "== pg_regress (sql/) and pgTAP (test/), side by side"
run_regress &
regress_pid=$!
run_tap
wait $regress_pid

regress_rc=$(cat "$log/regress.rc")
regress_ok=$(grep -cE ' \.\.\. ok|^ok [0-9]+ ' "$log/regress")
regress_failed=$(grep -cE ' \.\.\. FAILED|^not ok [0-9]+ ' "$log/regress")
# a run that died before its tests (no server, bad schedule) is one failure
if [ "$regress_rc" -ne 0 ] && [ "$regress_failed" -eq 0 ]; then
    regress_failed=1
    cat "$log/regress"
fi
[ "$regress_rc" -ne 0 ] && [ -f regression.diffs ] && { echo "== pg_regress: regression.diffs"; cat regression.diffs; }
if [ -f "$log/tap.failed" ]; then
    while read -r name; do echo "== pgTAP: $name"; cat "$log/tap.$name"; done <"$log/tap.failed"
fi
read -r tap_ok tap_failed < <(awk '{ ok += $1; failed += $2 } END { print ok + 0, failed + 0 }' "$log/tap.counts")

echo "PostgreSQL $major: pg_regress: $regress_ok passed, $regress_failed failed; pgTAP: $tap_ok passed, $tap_failed failed; $((SECONDS - started)) s"
passed=$((regress_ok + tap_ok))
failed=$((regress_failed + tap_failed))
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
