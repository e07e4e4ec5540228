#!/usr/bin/env bash
# GGompertz/NBD benchmark, run inside a cluster by scripts/bench.sh:
# ggompertz_nbd_fit on CUSTOMERS customers simulated with a Gompertz
# dropout hazard growing e^(0.2 t) (bench/simulate_ggompertz_nbd.py),
# serial and parallel, beside the floor (a bare count() scan), the export a
# notebook fit starts from (COPY of the summary rows: no SQL can fit the
# model) and Pareto/NBD's fit of the same rows for scale; the predictions
# for every customer beside the floor, and for 10,000 of them P(alive)
# beside the same written in plain SQL (the integral by Simpson's rule,
# 200 intervals a customer); the recovered parameters.
set -euo pipefail
CUSTOMERS=${CUSTOMERS:-200000}
RUNS=${RUNS:-3}
TRUE_PARAMS=(0.55 10.6 0.2 2 200)
db=lk_bench_ggnbd
dropdb --if-exists "$db"
createdb "$db"
source "$(dirname "${BASH_SOURCE[0]}")/lib.bash"

psql -X -q -d "$db" <<SQL
CREATE EXTENSION loyalty_kpi;
CREATE UNLOGGED TABLE simulated (frequency int, recency float8, age float8);
\copy simulated FROM PROGRAM 'python3 bench/simulate_ggompertz_nbd.py $CUSTOMERS 7 ${TRUE_PARAMS[*]}' CSV
VACUUM ANALYZE simulated;
CREATE TABLE fitted AS SELECT ggompertz_nbd_fit(frequency, recency, age) AS m FROM simulated;
SQL

s="FROM simulated"
bench "fit" "floor: count(*)" "$serial" "SELECT count(*) $s"
bench "fit" "plain: COPY the rows out for a notebook (no fit)" "$serial" \
    "COPY (SELECT frequency, recency, age $s) TO '/dev/null'"
bench "fit" "ggompertz_nbd_fit(frequency, recency, age)" "$serial" "SELECT ggompertz_nbd_fit(frequency, recency, age) $s"
bench "fit" "ggompertz_nbd_fit(frequency, recency, age), parallel" "$parallel" \
    "SELECT ggompertz_nbd_fit(frequency, recency, age) $s"
bench "fit" "pareto_nbd_fit(frequency, recency, age), for scale" "$serial" "SELECT pareto_nbd_fit(frequency, recency, age) $s"

p="FROM simulated, fitted"
bench "predict" "floor: count(*)" "$serial" "SELECT count(*) $p"
bench "predict" "probability_alive(m, x, t_x, T)" "$serial" "SELECT sum(probability_alive(m, frequency, recency, age)) $p"
bench "predict" "expected_purchases(m, 39, x, t_x, T)" "$serial" "SELECT sum(expected_purchases(m, 39, frequency, recency, age)) $p"
bench "predict" "discounted_expected_transactions(m, 10, x, t_x, T)" "$serial" \
    "SELECT sum(discounted_expected_transactions(m, 10, frequency, recency, age)) $p"
bench "predict" "purchase_count_probability(m, 39, 1, x, t_x, T)" "$serial" \
    "SELECT sum(purchase_count_probability(m, 39, 1, frequency, recency, age)) $p"
bench "predict" "expected_purchases_interval(m, 39, x, t_x, T)" "$serial" \
    "SELECT sum(i.upper - i.lower) $p, expected_purchases_interval(m, 39, frequency, recency, age) i"

# the plain SQL is too slow for all: the first 10,000 customers, both ways.  P(alive) = A / (A + I),
# A = (beta / D(T))^s (alpha+T)^-(r+x), I the integral over [t_x, T] of
# s b beta^s e^(b u) D(u)^-(s+1) (alpha+u)^-(r+x), D(u) = beta + e^(b u) - 1
k="FROM (SELECT * FROM simulated LIMIT 10000) c, fitted"
bench "predict 10k" "floor: count(*)" "$serial" "SELECT count(*) $k"
bench "predict 10k" "plain: P(alive) by Simpson's rule in SQL (200 intervals a customer)" "$serial" \
    "SELECT sum(a / (a + i)) FROM (
       SELECT exp(s * (ln(be) - ln(be + exp(b * age) - 1)) - (r + frequency) * ln(al + age)) AS a,
              (SELECT coalesce(sum(CASE WHEN k = 0 OR k = 200 THEN 1 WHEN k % 2 = 1 THEN 4 ELSE 2 END
                                   * exp(ln(s * b) + s * ln(be) + b * u - (s + 1) * ln(be + exp(b * u) - 1)
                                         - (r + frequency) * ln(al + u))) * h / 3, 0)
               FROM (SELECT k, recency + k * h AS u FROM generate_series(0, 200) k WHERE age > recency) n) AS i
       FROM (SELECT *, (age - recency) / 200 AS h
             FROM (SELECT frequency, recency, age, parameter(m, 'r') AS r, parameter(m, 'alpha') AS al,
                          parameter(m, 'b') AS b, parameter(m, 's') AS s, parameter(m, 'beta') AS be $k) c) c) x"
bench "predict 10k" "probability_alive(m, x, t_x, T)" "$serial" "SELECT sum(probability_alive(m, frequency, recency, age)) $k"
report "GGompertz/NBD: median ms of $RUNS runs; $CUSTOMERS simulated customers"

echo
echo "One likelihood evaluation (the fit's DEBUG1 lines: the optimizer's time / evaluations):"
fit_evaluations "SELECT ggompertz_nbd_fit(frequency, recency, age) $s"

echo
echo "Recovery on the $CUSTOMERS simulated customers: estimate, standard error, (estimate - true) / se"
parameter_recovery fitted "'r', 'alpha', 'b', 's', 'beta'" "$(comma_list "${TRUE_PARAMS[@]}")"
dropdb "$db"
