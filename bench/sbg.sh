#!/usr/bin/env bash
# sBG benchmark, run inside a cluster by scripts/bench.sh: sbg_fit on
# CUSTOMERS subscribers simulated from the high-end segment's published
# parameters (bench/simulate_sbg.py), serial and parallel, beside the floor
# (a bare count() scan) and beside the plain SQL an analyst writes to get
# the table a notebook or spreadsheet fit starts from (customers lost and
# still active per period); the survival curve over 1 million (model,
# period) calls; and the recovered parameters with their standard errors.
set -euo pipefail
CUSTOMERS=${CUSTOMERS:-1000000}
RUNS=${RUNS:-5}
TRUE_PARAMS=(0.668 3.806)
db=lk_bench_sbg
dropdb --if-exists "$db"
createdb "$db"
source "$(dirname "${BASH_SOURCE[0]}")/lib.bash"

psql -X -q -d "$db" <<SQL
CREATE EXTENSION loyalty_kpi;
CREATE UNLOGGED TABLE subscribers (periods int, churned boolean);
\copy subscribers FROM PROGRAM 'python3 bench/simulate_sbg.py $CUSTOMERS 7 ${TRUE_PARAMS[*]}' CSV
VACUUM ANALYZE subscribers;
CREATE TABLE model AS SELECT sbg_fit(periods, churned) AS m FROM subscribers;
SQL

s="FROM subscribers"
bench "fit 1M" "floor: count(*)" "$serial" "SELECT count(*) $s"
bench "fit 1M" "plain: lost and still active per period (the table a notebook fits)" "$serial" \
    "SELECT periods, count(*) FILTER (WHERE churned) AS lost, count(*) FILTER (WHERE NOT churned) AS active $s GROUP BY periods"
bench "fit 1M" "sbg_fit(periods, churned)" "$serial" "SELECT sbg_fit(periods, churned) $s"
bench "fit 1M" "sbg_fit(periods, churned), parallel" "$parallel" "SELECT sbg_fit(periods, churned) $s"
bench "fit 1M" "sbg_fit(period, lost, still_active) over the plain table" "$serial" \
    "SELECT sbg_fit(periods, lost, active) FROM (SELECT periods, count(*) FILTER (WHERE churned) AS lost,
                                                       count(*) FILTER (WHERE NOT churned) AS active $s GROUP BY periods) t"
p="FROM model, generate_series(1, 1000000) g"
bench "predict 1M" "floor: count(*)" "$serial" "SELECT count(g) $p"
bench "predict 1M" "plain: S(t) as the product of r(i) = (b+i-1)/(a+b+i-1), a subquery per row" "$serial" \
    "SELECT sum((SELECT exp(sum(ln((b + i - 1) / (a + b + i - 1)))) FROM generate_series(1, t) i))
     FROM (SELECT parameter(m, 'alpha') AS a, parameter(m, 'beta') AS b, 1 + g % 12 AS t $p) x"
bench "predict 1M" "survival_probability(m, 1 + g % 12)" "$serial" "SELECT sum(survival_probability(m, 1 + g % 12)) $p"
bench "predict 1M" "discounted_expected_lifetime(m, 10, g % 12)" "$serial" "SELECT sum(discounted_expected_lifetime(m, 10, g % 12)) $p"
report "sBG: median ms of $RUNS runs; $CUSTOMERS simulated subscribers, 1 to 12 periods each"

echo
echo "One likelihood evaluation (the fit's DEBUG1 line):"
fit_evaluations "SELECT sbg_fit(periods, churned) $s"

echo
echo "Recovery on the $CUSTOMERS simulated subscribers: estimate, standard error, (estimate - true) / se"
parameter_recovery model "'alpha', 'beta'" "$(comma_list "${TRUE_PARAMS[@]}")"
dropdb "$db"
