#!/usr/bin/env bash
# Pareto/NBD benchmark, run inside a cluster by scripts/bench.sh:
# pareto_nbd_fit on CUSTOMERS customers simulated from CDNOW's published
# parameters (bench/simulate_pareto_nbd.py), serial and parallel, beside the
# floor (a bare count() scan) and beside the export a notebook fit starts
# from (COPY of the summary rows: no SQL can fit the model); BG/NBD's fit of
# the same rows for scale; the fit on CDNOW's 2,357 customers; P(alive) and
# expected purchases for every simulated customer beside the floor, and for
# 10,000 of them beside P(alive) written in plain SQL (Simpson's rule, 200
# intervals, the way an analyst without the function would get a number);
# the recovered
# parameters with their standard errors.  Then FAR_CUSTOMERS customers whose
# dropout process has beta = 50 alpha (the
# one-time buyers where the likelihood's first series used to take 2,000
# terms a row and the fit did not converge), fitted beside BG/NBD.
set -euo pipefail
CUSTOMERS=${CUSTOMERS:-1000000}
RUNS=${RUNS:-3}
TRUE_PARAMS=(0.553 10.578 0.606 11.669)
FAR_CUSTOMERS=${FAR_CUSTOMERS:-200000}
FAR_PARAMS=(0.6 2 0.8 100)
db=lk_bench_pnbd
dropdb --if-exists "$db"
createdb "$db"
source "$(dirname "${BASH_SOURCE[0]}")/lib.bash"

psql -X -q -d "$db" <<SQL
CREATE EXTENSION loyalty_kpi;
CREATE UNLOGGED TABLE simulated (frequency int, recency float8, age float8);
\copy simulated FROM PROGRAM 'python3 bench/simulate_pareto_nbd.py $CUSTOMERS 7 ${TRUE_PARAMS[*]}' CSV
CREATE TABLE cdnow (id int, x int, t_x float8, t float8, zbar float8);
\copy cdnow FROM '../shared/data/cdnow/cdnow_customers_summary_with_transactions.csv' CSV HEADER
CREATE UNLOGGED TABLE far (frequency int, recency float8, age float8);
\copy far FROM PROGRAM 'python3 bench/simulate_pareto_nbd.py $FAR_CUSTOMERS 8 ${FAR_PARAMS[*]}' CSV
VACUUM ANALYZE simulated;
VACUUM ANALYZE cdnow;
VACUUM ANALYZE far;
CREATE TABLE fitted AS SELECT pareto_nbd_fit(frequency, recency, age) AS m FROM simulated;
SQL

s="FROM simulated"
bench "fit 1M" "floor: count(*)" "$serial" "SELECT count(*) $s"
bench "fit 1M" "plain: COPY the rows out for a notebook (no fit)" "$serial" \
    "COPY (SELECT frequency, recency, age $s) TO '/dev/null'"
bench "fit 1M" "pareto_nbd_fit(frequency, recency, age)" "$serial" "SELECT pareto_nbd_fit(frequency, recency, age) $s"
bench "fit 1M" "pareto_nbd_fit(frequency, recency, age), parallel" "$parallel" "SELECT pareto_nbd_fit(frequency, recency, age) $s"
bench "fit 1M" "bgnbd_fit(frequency, recency, age), for scale" "$serial" "SELECT bgnbd_fit(frequency, recency, age) $s"

f="FROM far"
bench "fit beta 50a" "floor: count(*)" "$serial" "SELECT count(*) $f"
bench "fit beta 50a" "plain: COPY the rows out for a notebook (no fit)" "$serial" \
    "COPY (SELECT frequency, recency, age $f) TO '/dev/null'"
bench "fit beta 50a" "pareto_nbd_fit(frequency, recency, age)" "$serial" "SELECT pareto_nbd_fit(frequency, recency, age) $f"
bench "fit beta 50a" "bgnbd_fit(frequency, recency, age), for scale" "$serial" "SELECT bgnbd_fit(frequency, recency, age) $f"

c="FROM cdnow"
bench "fit CDNOW" "floor: count(*)" "$serial" "SELECT count(*) $c"
bench "fit CDNOW" "plain: COPY the rows out for a notebook (no fit)" "$serial" "COPY (SELECT x, t_x, t $c) TO '/dev/null'"
bench "fit CDNOW" "pareto_nbd_fit(x, t_x, t)" "$serial" "SELECT pareto_nbd_fit(x, t_x, t) $c"

p="FROM simulated, fitted"
bench "predict 1M" "floor: count(*)" "$serial" "SELECT count(*) $p"
bench "predict 1M" "probability_alive(m, x, t_x, T)" "$serial" "SELECT sum(probability_alive(m, frequency, recency, age)) $p"
bench "predict 1M" "expected_purchases(m, 39, x, t_x, T)" "$serial" "SELECT sum(expected_purchases(m, 39, frequency, recency, age)) $p"
bench "predict 1M" "discounted_expected_transactions(m, 10, x, t_x, T)" "$serial" \
    "SELECT sum(discounted_expected_transactions(m, 10, frequency, recency, age)) $p"
bench "predict 1M" "probability_alive_interval(m, x, t_x, T)" "$serial" \
    "SELECT sum(i.upper - i.lower) $p, probability_alive_interval(m, frequency, recency, age) i"
bench "predict 1M" "expected_purchases_interval(m, 39, x, t_x, T)" "$serial" \
    "SELECT sum(i.upper - i.lower) $p, expected_purchases_interval(m, 39, frequency, recency, age) i"

# the plain SQL is too slow for a million: the first 10,000 customers, all three ways
k="FROM (SELECT * FROM simulated LIMIT 10000) c, fitted"
bench "predict 10k" "floor: count(*)" "$serial" "SELECT count(*) $k"
# P(alive) = 1 / (1 + s I / D), I by Simpson's rule in v = ln(alpha + u), 200 intervals a customer
bench "predict 10k" "plain: P(alive) by Simpson's rule in SQL (200 intervals a customer)" "$serial" \
    "SELECT sum(1 / (1 + odds)) FROM (
       SELECT (SELECT coalesce(sum(CASE WHEN k = 0 OR k = 200 THEN 1 WHEN k % 2 = 1 THEN 4 ELSE 2 END
                          * exp((1 - r - frequency) * v + (r + frequency) * ln(al + age) + s * ln(be + age)
                                - (s + 1) * ln(be - al + exp(v))) * s * h / 3), 0)
               FROM (SELECT k, ln(al + recency) + k * h AS v FROM generate_series(0, 200) k WHERE age > recency) n) AS odds
       FROM (SELECT *, (ln(al + age) - ln(al + recency)) / 200 AS h
             FROM (SELECT frequency, recency, age, parameter(m, 'r') AS r, parameter(m, 'alpha') AS al,
                          parameter(m, 's') AS s, parameter(m, 'beta') AS be $k) c) c) x"
bench "predict 10k" "probability_alive(m, x, t_x, T)" "$serial" "SELECT sum(probability_alive(m, frequency, recency, age)) $k"
report "Pareto/NBD: median ms of $RUNS runs; $CUSTOMERS simulated customers, $FAR_CUSTOMERS with beta = 50 alpha, CDNOW's 2,357"

echo
echo "One likelihood evaluation (the fits' DEBUG1 lines: the optimizer's time / evaluations):"
fit_evaluations "SELECT pareto_nbd_fit(frequency, recency, age) $s" "SELECT pareto_nbd_fit(x, t_x, t) $c" \
    "SELECT pareto_nbd_fit(frequency, recency, age) $f"

echo
echo "Recovery on the $CUSTOMERS simulated customers: estimate, standard error, (estimate - true) / se"
parameter_recovery fitted "'r', 'alpha', 's', 'beta'" "$(comma_list "${TRUE_PARAMS[@]}")"
echo
echo "Recovery on the $FAR_CUSTOMERS customers with beta = 50 alpha, and whether the fit converged"
parameter_recovery "(SELECT pareto_nbd_fit(frequency, recency, age) AS m FROM far) f" "'r', 'alpha', 's', 'beta'" \
    "$(comma_list "${FAR_PARAMS[@]}")"
dropdb "$db"
