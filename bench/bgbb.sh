#!/usr/bin/env bash
# BG/BB benchmark, run inside a cluster by scripts/bench.sh: bgbb_fit on
# CUSTOMERS customers simulated over 6 opportunities from the donations
# data's published parameters (bench/simulate_bgbb.py), serial and parallel,
# beside the floor (a bare count() scan) and beside the plain SQL that
# builds the weighted table of patterns a notebook fit starts from; the fit
# on the donations data itself; predictions for every customer; and the
# recovered parameters with their standard errors.
set -euo pipefail
CUSTOMERS=${CUSTOMERS:-1000000}
RUNS=${RUNS:-5}
TRUE_PARAMS=(1.204 0.750 0.657 2.783)
db=lk_bench_bgbb
dropdb --if-exists "$db"
createdb "$db"
source "$(dirname "${BASH_SOURCE[0]}")/lib.bash"

psql -X -q -d "$db" <<SQL
CREATE EXTENSION loyalty_kpi;
CREATE UNLOGGED TABLE simulated (frequency int, recency int, opportunities int);
\copy simulated FROM PROGRAM 'python3 bench/simulate_bgbb.py $CUSTOMERS 7 6 ${TRUE_PARAMS[*]}' CSV
CREATE TABLE donations (frequency int, recency int, periods int, weights int);
\copy donations FROM '../shared/data/cdnow/donations.csv' CSV HEADER
VACUUM ANALYZE simulated;
CREATE TABLE model AS SELECT bgbb_fit(frequency, recency, opportunities) AS m FROM simulated;
SQL

s="FROM simulated"
bench "fit 1M" "floor: count(*)" "$serial" "SELECT count(*) $s"
bench "fit 1M" "plain: the weighted table of patterns (what a notebook fits)" "$serial" \
    "SELECT frequency, recency, opportunities, count(*) $s GROUP BY 1, 2, 3"
bench "fit 1M" "bgbb_fit(frequency, recency, opportunities)" "$serial" "SELECT bgbb_fit(frequency, recency, opportunities) $s"
bench "fit 1M" "bgbb_fit(frequency, recency, opportunities), parallel" "$parallel" "SELECT bgbb_fit(frequency, recency, opportunities) $s"
bench "fit donations" "floor: count(*)" "$serial" "SELECT count(*) FROM donations"
bench "fit donations" "bgbb_fit(frequency, recency, periods, weights)" "$serial" "SELECT bgbb_fit(frequency, recency, periods, weights) FROM donations"
p="FROM model, simulated"
bench "predict 1M" "floor: count(*)" "$serial" "SELECT count(*) $p"
bench "predict 1M" "probability_alive(m, x, t_x, n)" "$serial" "SELECT sum(probability_alive(m, frequency, recency, opportunities)) $p"
bench "predict 1M" "expected_purchases(m, 5, x, t_x, n)" "$serial" "SELECT sum(expected_purchases(m, 5, frequency, recency, opportunities)) $p"
bench "predict 1M" "discounted_expected_transactions(m, 10, x, t_x, n)" "$serial" "SELECT sum(discounted_expected_transactions(m, 10, frequency, recency, opportunities)) $p"
report "BG/BB: median ms of $RUNS runs; $CUSTOMERS simulated customers over 6 opportunities; the donations data (11,104 donors, 22 patterns)"

echo
echo "One likelihood evaluation (the fit's DEBUG1 line):"
fit_evaluations "SELECT bgbb_fit(frequency, recency, opportunities) $s"

echo
echo "Recovery on the $CUSTOMERS simulated customers: estimate, standard error, (estimate - true) / se"
parameter_recovery model "'alpha', 'beta', 'gamma', 'delta'" "$(comma_list "${TRUE_PARAMS[@]}")"
dropdb "$db"
