#!/usr/bin/env bash
# Customer-lifetime-value benchmark, run inside a cluster by scripts/bench.sh.
#  - clv() and btyd_summary() beside the plain SQL an analyst writes for the
#    same numbers, and beside the floor (a bare scan with count()).
#  - bgnbd_fit on CUSTOMERS customers simulated from the published CDNOW
#    parameters (bench/simulate_bgnbd.py): time per fit, per likelihood
#    evaluation (the fit's DEBUG1 line), and the recovered parameters with
#    their standard errors.  No SQL can fit the model, so the "plain"
#    reference of a fit is the export a notebook fit starts from (COPY of
#    the summary rows), before any fitting.
#  - predictions for the 1M simulated customers beside reading them: P(alive),
#    expected purchases, their intervals, predicted_clv and its interval
#    (with CDNOW's spend model and a made-up mean spend).
#  - both fits on CDNOW's 2,357 customers.
set -euo pipefail
ORDERS=${ORDERS:-5000000}
CUSTOMERS=${CUSTOMERS:-1000000}
RUNS=${RUNS:-5}
TRUE_PARAMS=(0.243 4.414 0.793 2.426)
db=lk_bench_clv
createdb "$db"
source "$(dirname "${BASH_SOURCE[0]}")/lib.bash"

psql -X -q -d "$db" <<SQL
CREATE EXTENSION loyalty_kpi;
SELECT setseed(0.5) \g /dev/null
-- ORDERS purchases by about 1 million customers over 2024, skewed
CREATE UNLOGGED TABLE orders AS
SELECT g AS id, 1 + floor(1000000 * random() ^ 2)::bigint AS customer_id,
       date '2024-01-01' + floor(random() * 366)::int AS purchased_on,
       round((1 + random() * 120)::numeric, 2) AS amount
FROM generate_series(1, $ORDERS) g;
CREATE UNLOGGED TABLE simulated (frequency int, recency float8, age float8);
\copy simulated FROM PROGRAM 'python3 bench/simulate_bgnbd.py $CUSTOMERS 7 ${TRUE_PARAMS[*]}' CSV
CREATE TABLE cdnow (id int, x int, t_x float8, t float8, zbar float8);
\copy cdnow FROM '../shared/data/cdnow/cdnow_customers_summary_with_transactions.csv' CSV HEADER
VACUUM ANALYZE orders;
VACUUM ANALYZE simulated;
VACUUM ANALYZE cdnow;
SQL

o="FROM orders"
bench clv "floor: count(customer_id)" "$serial" "SELECT count(customer_id) $o"
bench clv "plain: sum(amount) / count(DISTINCT customer_id)" "$serial" \
    "SELECT sum(amount) / count(DISTINCT customer_id) $o"
bench clv "clv(customer_id, amount)" "$serial" "SELECT clv(customer_id, amount) $o"
bench clv "clv(customer_id, amount), parallel" "$parallel" "SELECT clv(customer_id, amount) $o"

# the summary of every customer, consumed by an outer count
plain_summary="WITH days AS (SELECT customer_id, purchased_on AS day, sum(amount) AS spent $o
  WHERE purchased_on <= date '2024-09-30' GROUP BY 1, 2),
firsts AS (SELECT customer_id, min(day) AS first_day, max(day) AS last_day, count(*) - 1 AS x,
  sum(spent) AS total FROM days GROUP BY 1)
SELECT count(*), sum(f.x), sum((f.last_day - f.first_day) / 7.0), sum((date '2024-09-30' - f.first_day) / 7.0),
  sum(CASE WHEN f.x > 0 THEN (f.total - d.spent) / f.x END)
FROM firsts f JOIN days d ON d.customer_id = f.customer_id AND d.day = f.first_day"
ours_summary="SELECT count(*), sum((s).frequency), sum((s).recency), sum((s).age), sum((s).monetary_value)
FROM (SELECT btyd_summary(purchased_on, amount, '2024-09-30', '7 days') AS s $o GROUP BY customer_id) c"
bench summary "floor: count(customer_id)" "$serial" "SELECT count(customer_id) $o"
bench summary "plain: purchase days, then first/last day, then join for the first day's spend" "$serial" "$plain_summary"
bench summary "btyd_summary(...) GROUP BY customer_id" "$serial" "$ours_summary"
bench summary "btyd_summary(...) GROUP BY customer_id, parallel" "$parallel" "$ours_summary"
bench summary "btyd_summary(..., holdout_end, ...) GROUP BY customer_id (with the holdout)" "$serial" \
    "SELECT count(*), sum((s).frequency), sum((s).holdout_purchases)
     FROM (SELECT btyd_summary(purchased_on, amount, '2024-09-30', '2024-12-31', '7 days') AS s $o GROUP BY customer_id) c"

s="FROM simulated"
bench "fit 1M" "floor: count(*)" "$serial" "SELECT count(*) $s"
bench "fit 1M" "plain: COPY the rows out for a notebook (no fit)" "$serial" \
    "COPY (SELECT frequency, recency, age $s) TO '/dev/null'"
bench "fit 1M" "bgnbd_fit(frequency, recency, age)" "$serial" "SELECT bgnbd_fit(frequency, recency, age) $s"
bench "fit 1M" "bgnbd_fit(frequency, recency, age), parallel" "$parallel" "SELECT bgnbd_fit(frequency, recency, age) $s"
bench "fit 1M" "mbgnbd_fit(frequency, recency, age)" "$serial" "SELECT mbgnbd_fit(frequency, recency, age) $s"

# the spend model of CDNOW's repeat customers; each simulated customer's mean spend made up from its id
psql -X -q -d "$db" -c "CREATE TABLE fitted AS SELECT bgnbd_fit(frequency, recency, age) AS m,
                                                      (SELECT gamma_gamma_fit(x, zbar) FROM cdnow WHERE x > 0) AS gg
                        FROM simulated"
p="FROM simulated, fitted"
bench "predict 1M" "floor: count(*)" "$serial" "SELECT count(*) $p"
bench "predict 1M" "probability_alive(m, x, t_x, T)" "$serial" "SELECT sum(probability_alive(m, frequency, recency, age)) $p"
bench "predict 1M" "expected_purchases(m, 39, x, t_x, T)" "$serial" "SELECT sum(expected_purchases(m, 39, frequency, recency, age)) $p"
bench "predict 1M" "probability_alive_interval(m, x, t_x, T)" "$serial" \
    "SELECT sum(i.upper - i.lower) $p, probability_alive_interval(m, frequency, recency, age) i"
bench "predict 1M" "expected_purchases_interval(m, 39, x, t_x, T)" "$serial" \
    "SELECT sum(i.upper - i.lower) $p, expected_purchases_interval(m, 39, frequency, recency, age) i"
bench "predict 1M" "predicted_clv(m, gg, ..., 12, 52 / 12.0, 1)" "$serial" \
    "SELECT sum(predicted_clv(m, gg, frequency, recency, age, 20 + frequency % 17, 12, 52 / 12.0, 1)) $p"
bench "predict 1M" "predicted_clv_interval(m, gg, ..., 12, 52 / 12.0, 1)" "$serial" \
    "SELECT sum(i.upper - i.lower) $p, predicted_clv_interval(m, gg, frequency, recency, age, 20 + frequency % 17, 12, 52 / 12.0, 1) i"
# the same in the select list: no function scan a row (LATERAL above rescans one per customer)
bench "predict 1M" "predicted_clv_interval(...), in the select list" "$serial" \
    "SELECT sum((i).upper - (i).lower) FROM (SELECT predicted_clv_interval(m, gg, frequency, recency, age, 20 + frequency % 17, 12, 52 / 12.0, 1) AS i $p OFFSET 0) s"
bench "predict 1M" "probability_alive_interval(...), in the select list" "$serial" \
    "SELECT sum((i).upper - (i).lower) FROM (SELECT probability_alive_interval(m, frequency, recency, age) AS i $p OFFSET 0) s"

c="FROM cdnow"
bench "fit CDNOW" "floor: count(*)" "$serial" "SELECT count(*) $c"
bench "fit CDNOW" "plain: COPY the rows out for a notebook (no fit)" "$serial" \
    "COPY (SELECT x, t_x, t $c) TO '/dev/null'"
bench "fit CDNOW" "bgnbd_fit(x, t_x, t)" "$serial" "SELECT bgnbd_fit(x, t_x, t) $c"
bench "fit CDNOW" "gamma_gamma_fit(x, zbar)" "$serial" "SELECT gamma_gamma_fit(x, zbar) $c"
bench "fit CDNOW" "mbgnbd_fit(x, t_x, t)" "$serial" "SELECT mbgnbd_fit(x, t_x, t) $c"

report "CLV: median ms of $RUNS runs; $ORDERS orders, $CUSTOMERS simulated customers, CDNOW's 2,357"

echo
echo "One likelihood evaluation (the fits' DEBUG1 lines: the optimizer's time / evaluations):"
fit_evaluations "SELECT bgnbd_fit(frequency, recency, age) $s" "SELECT bgnbd_fit(x, t_x, t) $c" \
    "SELECT gamma_gamma_fit(x, zbar) $c" "SELECT mbgnbd_fit(frequency, recency, age) $s"

echo
echo "Recovery on the $CUSTOMERS simulated customers: estimate, standard error, (estimate - true) / se"
parameter_recovery "(SELECT bgnbd_fit(frequency, recency, age) AS m $s) f" "'r', 'alpha', 'a', 'b'" \
    "$(comma_list "${TRUE_PARAMS[@]}")" "$serial"
dropdb "$db"
