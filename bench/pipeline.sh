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
#  - the one statement, at the default work_mem and at 64MB, and with 2
#    parallel workers;
#  - lifetimes 0.11.3 itself (../shared/peers, its real autograd) running
#    the same pipeline on the same transactions (bench/lifetimes_pipeline.py),
#    alternating run by run with the one statement, so a slow minute slows
#    both.  It needs Debian's python3-pandas, python3-scipy and python3-dill;
#    without them it says so.
set -euo pipefail
CUSTOMERS=${CUSTOMERS:-200000}
RUNS=${RUNS:-5}
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
bench pipeline "the pipeline in one statement, 2 parallel workers" "$parallel" "$pipeline"

report "The CLV pipeline: median ms of $RUNS runs; $CUSTOMERS simulated customers"

echo
echo "The fits' evaluations (DEBUG1: the optimizer's time / evaluations):"
fit_evaluations "SELECT bgnbd_fit(frequency, recency, age) $s" "SELECT gamma_gamma_fit(frequency, monetary_value) $s"

# lifetimes itself on the same transactions, alternating with the one statement
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
peers=$repo/../shared/peers
echo
if PYTHONPATH=$peers/lifetimes:$peers/autograd /usr/bin/python3 -c 'import lifetimes' 2>/dev/null; then
    csv=$(mktemp)
    psql -X -q -d "$db" -c "\copy (SELECT customer_id, purchased_on, amount FROM transactions) TO '$csv' CSV"
    # one_ms SETTINGS QUERY: one timed run after a warm-up, in a session of its own
    one_ms() { printf '%s\n\\o /dev/null\n%s;\n\\timing on\n%s;\n' "$1" "$2" "$2" | psql -X -q -d "$db" | grep '^Time:' | awk '{print $2}'; }
    ours_sum=$(psql -X -q -At -d "$db" -c "$pipeline")
    for _ in $(seq "$RUNS"); do
        echo "$(one_ms "$serial" "$pipeline") $(PYTHONPATH=$peers/lifetimes:$peers/autograd /usr/bin/python3 "$repo/bench/lifetimes_pipeline.py" "$csv")"
    done | python3 -c '
import statistics as st, sys
runs = [tuple(map(float, line.split())) for line in sys.stdin]
ours, theirs = st.median(r[0] for r in runs), st.median(r[1] for r in runs)
print("lifetimes 0.11.3 beside the one statement (serial), %d alternating runs: lifetimes %.0f ms, ours %.0f ms (medians); lifetimes / ours %.1fx (median of the runs\x27 ratios)"
      % (len(runs), theirs, ours, st.median(r[1] / r[0] for r in runs)))
print("sum of the CLVs: ours %.2f, lifetimes %.2f (a month is 52 / 12 weeks in ours, 4.345 in lifetimes)" % (float(sys.argv[1]), runs[-1][2]))' "$ours_sum"
    rm -f "$csv"
else
    echo "lifetimes: not run (needs python3-pandas python3-scipy python3-dill and ../shared/peers)"
fi
grep '^pipeline|' "$results" | awk -F'|' '$2 ~ /^floor/ { f = $3 } $2 ~ /one statement/ { printf "%s: %.2f x the serial GROUP BY floor\n", $2, $3 / f }'
dropdb "$db"
