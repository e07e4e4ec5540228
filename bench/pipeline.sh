#!/usr/bin/env bash
# The whole CLV pipeline, run inside a cluster by scripts/bench.sh:
# transactions -> btyd_summary per customer -> bgnbd_fit + gamma_gamma_fit
# -> predicted_clv for every customer (12 months at 1 % a month), in one
# statement, on CUSTOMERS customers simulated from CDNOW's published
# BG/NBD and Gamma-Gamma parameters (bench/simulate_transactions.py).
# Each stage beside its floor, in one run:
#  - the summary beside a bare GROUP BY customer_id with count(*), and
#    beside the plain SQL an analyst writes for it;
#  - the fits beside one scan of the summary rows (and, from the fits'
#    DEBUG1 lines, the evaluations they took and the time of each);
#  - predicted_clv beside reading the summary rows and the models;
#  - the one statement, at the default work_mem and at 64MB.
# The lifetimes package (Python) cannot be installed here; the issue that
# asked for this measured it at 8.95 s for 200,000 generated customers on
# this machine, beside version 1.2's 0.85 s for the same pipeline (10.5x).
# Two lines compare with that: our time against the 8.95 s, and, since the
# machine's speed moves by half from hour to hour, version 1.2 itself run
# here beside us (the yardstick below), whose ratio to us times 10.5
# estimates ours against lifetimes without the hour's speed in it.
set -euo pipefail
CUSTOMERS=${CUSTOMERS:-200000}
RUNS=${RUNS:-5}
LIFETIMES_MS=8950
db=lk_bench_pipeline
createdb "$db"
source "$(dirname "${BASH_SOURCE[0]}")/lib.bash"

# load DATABASE EXTENSION: the extension and the simulated transactions (a fixed seed: the same rows each time)
load() {
    psql -X -q -d "$1" <<SQL
CREATE EXTENSION $2;
CREATE UNLOGGED TABLE transactions (customer_id int, purchased_on date, amount numeric(10, 2));
\copy transactions FROM PROGRAM 'python3 bench/simulate_transactions.py $CUSTOMERS 7' CSV
VACUUM ANALYZE transactions;
SQL
}
load "$db" loyalty_kpi
psql -X -q -At -d "$db" -c "SELECT format('%s transactions by %s customers', count(*), count(DISTINCT customer_id)) FROM transactions"

summary="SELECT customer_id, (btyd_summary(purchased_on, amount, '1998-06-30', '7 days')).* FROM transactions GROUP BY customer_id"
t="FROM transactions"
bench summary "floor: GROUP BY customer_id, count(*)" "$serial" \
    "SELECT sum(n) FROM (SELECT customer_id, count(*) AS n $t GROUP BY 1) c"
bench summary "plain: purchase days, then first/last day, then join for the first day's spend" "$serial" \
    "WITH days AS (SELECT customer_id, purchased_on AS day, sum(amount) AS spent $t GROUP BY 1, 2),
     firsts AS (SELECT customer_id, min(day) AS first_day, max(day) AS last_day, count(*) - 1 AS x, sum(spent) AS total FROM days GROUP BY 1)
     SELECT count(*), sum(f.x), sum((f.last_day - f.first_day) / 7.0), sum((date '1998-06-30' - f.first_day) / 7.0),
            sum(CASE WHEN f.x > 0 THEN (f.total - d.spent) / f.x END)
     FROM firsts f JOIN days d ON d.customer_id = f.customer_id AND d.day = f.first_day"
bench summary "btyd_summary(purchased_on, amount numeric, ...) GROUP BY customer_id" "$serial" \
    "SELECT count(*), sum(frequency), sum(recency), sum(age), sum(monetary_value) FROM ($summary) s"

psql -X -q -d "$db" -c "CREATE TABLE summary AS $summary" \
    -c "CREATE TABLE models AS SELECT bgnbd_fit(frequency, recency, age) AS bg, gamma_gamma_fit(frequency, monetary_value) AS gg FROM summary"
s="FROM summary"
bench fits "floor: count(*) of the summary rows" "$serial" "SELECT count(*) $s"
bench fits "bgnbd_fit(frequency, recency, age)" "$serial" "SELECT bgnbd_fit(frequency, recency, age) $s"
bench fits "gamma_gamma_fit(frequency, monetary_value)" "$serial" "SELECT gamma_gamma_fit(frequency, monetary_value) $s"
bench fits "both fits, one scan" "$serial" "SELECT bgnbd_fit(frequency, recency, age), gamma_gamma_fit(frequency, monetary_value) $s"

p="FROM summary, models"
bench clv "floor: read every summary row beside the models" "$serial" \
    "SELECT sum(frequency + recency + age + coalesce(monetary_value, 0)) $p"
bench clv "predicted_clv(bg, gg, ..., 12, 52 / 12.0, 1)" "$serial" \
    "SELECT sum(predicted_clv(bg, gg, frequency, recency, age, monetary_value, 12, 52 / 12.0, 1)) $p"

pipeline="WITH s AS ($summary),
     m AS (SELECT bgnbd_fit(frequency, recency, age) AS bg, gamma_gamma_fit(frequency, monetary_value) AS gg FROM s)
SELECT sum(predicted_clv(bg, gg, frequency, recency, age, monetary_value, 12, 52 / 12.0, 1)) FROM s, m"
bench pipeline "floor: GROUP BY customer_id, count(*)" "$serial" \
    "SELECT sum(n) FROM (SELECT customer_id, count(*) AS n $t GROUP BY 1) c"
bench pipeline "the pipeline in one statement" "$serial" "$pipeline"
bench pipeline "the pipeline in one statement, work_mem 64MB" "$serial SET work_mem = '64MB';" "$pipeline"

report "The CLV pipeline: median ms of $RUNS runs; $CUSTOMERS simulated customers"

echo
echo "The fits' evaluations (DEBUG1: the optimizer's time / evaluations):"
fit_evaluations "SELECT bgnbd_fit(frequency, recency, age) $s" "SELECT gamma_gamma_fit(frequency, monetary_value) $s"

echo
grep '^pipeline|the pipeline in one statement|' "$results" | awk -F'|' -v l="$LIFETIMES_MS" -v n="$CUSTOMERS" '{
    printf "The pipeline: %.0f ms; the lifetimes package, as measured for the issue (200,000 customers, not run here): %d ms, %.1fx%s\n",
           $3, l, l / $3, n == 200000 ? "" : " (other sizes: not comparable)" }'

# The yardstick: version 1.2 as the issue measured it (commit 9a40425, the
# last before the hardening), built from this repository's history under
# another name (loyalty_kpi12, so both install side by side), runs the same
# statement on the same rows in a second database.  The two alternate run
# by run, so a slow minute slows both; 10.5 times their ratio estimates
# ours against lifetimes.  Skipped without the history or the right to
# install (root).
BASELINE=9a40425
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=$(mktemp -d)
build_baseline() {
    git -C "$repo" cat-file -e "$BASELINE^{commit}" 2>/dev/null && [ "$(id -u)" = 0 ] || return 1
    git -C "$repo" archive "$BASELINE" | tar -x -C "$build"
    cd "$build" &&
        grep -hv '^\\echo' loyalty_kpi--1.0.sql loyalty_kpi--1.0--1.1.sql loyalty_kpi--1.1--1.2.sql >loyalty_kpi12--1.2.sql &&
        sed 's|\$libdir/loyalty_kpi|$libdir/loyalty_kpi12|' loyalty_kpi.control >loyalty_kpi12.control &&
        sed -i 's/^EXTENSION = .*/EXTENSION = loyalty_kpi12/; s/^MODULE_big = .*/MODULE_big = loyalty_kpi12/; s/^DATA = .*/DATA = loyalty_kpi12--1.2.sql/' Makefile &&
        make -s >/dev/null 2>&1 && make -s install >/dev/null
}
if (build_baseline); then
    createdb "${db}_12"
    load "${db}_12" loyalty_kpi12
    # one_ms DATABASE SETTINGS QUERY: one timed run after a warm-up, in a session of its own
    one_ms() { printf '%s\n\\o /dev/null\n%s;\n\\timing on\n%s;\n' "$2" "$3" "$3" | psql -X -q -d "$1" | grep '^Time:' | awk '{print $2}'; }
    for work_mem in default 64MB; do
        setting=$([ "$work_mem" = default ] || echo "SET work_mem = '$work_mem';")
        for _ in $(seq "$RUNS"); do
            echo "$(one_ms "${db}_12" "$serial $setting" "$pipeline") $(one_ms "$db" "$serial $setting" "$pipeline")"
        done | python3 -c '
import statistics as st, sys
runs = [tuple(map(float, line.split())) for line in sys.stdin]
ratio = st.median(old / new for old, new in runs)
print("Yardstick (work_mem %s, %d alternating runs): 1.2 %.0f ms, now %.0f ms (medians); 1.2 / now %.2fx (median of the runs\x27 ratios), so against lifetimes about %.1fx"
      % (sys.argv[1], len(runs), st.median(r[0] for r in runs), st.median(r[1] for r in runs), ratio, 10.5 * ratio))' "$work_mem"
        done
    dropdb "${db}_12"
    (cd "$build" && make -s uninstall >/dev/null)
else
    echo "Yardstick: skipped (needs this repository's git history and root to install version 1.2 beside us)"
fi
rm -rf "$build"
dropdb "$db"
