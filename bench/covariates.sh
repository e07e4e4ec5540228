#!/usr/bin/env bash
# Covariate fits, run inside a cluster by scripts/bench.sh: pareto_nbd_fit,
# bgnbd_fit and ggompertz_nbd_fit (on GG_CUSTOMERS: its integrals make a
# row cost more) with four binary covariates on both processes (16
# profiles), on CUSTOMERS customers simulated from known parameters and
# coefficients (bench/simulate_covariates.py), serial and parallel, with
# L2 penalties, with z3 tied across the processes (its true coefficient
# is 0.2 in both), beside
# the floor (a bare count() scan), beside the export a notebook fit starts
# from (COPY of the rows: no SQL can fit the model), and beside the same
# model's fit without covariates; then each fit's recovery of the true
# coefficients, (estimate - true) / se.  CLVTools itself is beside us on its
# apparel data in bench/clvtools.sh.
set -euo pipefail
CUSTOMERS=${CUSTOMERS:-1000000}
RUNS=${RUNS:-3}
PNBD_TRUE=(0.553 10.578 0.606 11.669)
BGNBD_TRUE=(0.243 4.414 0.793 2.426)
GG_CUSTOMERS=${GG_CUSTOMERS:-200000}
GG_TRUE=(0.55 10.6 0.2 2 200)
PURCHASE_TRUE=(0.4 -0.3 0.2 0.5)
DROPOUT_TRUE=(-0.5 0.3 0.2 -0.4)
db=lk_bench_covariates
dropdb --if-exists "$db"
createdb "$db"
source "$(dirname "${BASH_SOURCE[0]}")/lib.bash"

psql -X -q -d "$db" <<SQL
CREATE EXTENSION loyalty_kpi;
CREATE UNLOGGED TABLE pnbd (frequency int, recency float8, age float8, z1 float8, z2 float8, z3 float8, z4 float8);
\copy pnbd FROM PROGRAM 'python3 bench/simulate_covariates.py pareto_nbd $CUSTOMERS 7 ${PNBD_TRUE[*]} ${PURCHASE_TRUE[*]} ${DROPOUT_TRUE[*]}' CSV
CREATE UNLOGGED TABLE bg (frequency int, recency float8, age float8, z1 float8, z2 float8, z3 float8, z4 float8);
\copy bg FROM PROGRAM 'python3 bench/simulate_covariates.py bgnbd $CUSTOMERS 8 ${BGNBD_TRUE[*]} ${PURCHASE_TRUE[*]} ${DROPOUT_TRUE[*]}' CSV
CREATE UNLOGGED TABLE gg (frequency int, recency float8, age float8, z1 float8, z2 float8, z3 float8, z4 float8);
\copy gg FROM PROGRAM 'python3 bench/simulate_covariates.py ggompertz_nbd $GG_CUSTOMERS 9 ${GG_TRUE[*]} ${PURCHASE_TRUE[*]} ${DROPOUT_TRUE[*]}' CSV
VACUUM ANALYZE pnbd;
VACUUM ANALYZE bg;
VACUUM ANALYZE gg;
SQL

cov="ARRAY[z1, z2, z3, z4], ARRAY['z1', 'z2', 'z3', 'z4']"
for model in pnbd bg gg; do
    fit=pareto_nbd_fit; [ "$model" = bg ] && fit=bgnbd_fit; [ "$model" = gg ] && fit=ggompertz_nbd_fit
    group="$model $CUSTOMERS"; [ "$model" = gg ] && group="$model $GG_CUSTOMERS"
    f="FROM $model"
    bench "$group" "floor: count(*)" "$serial" "SELECT count(*) $f"
    bench "$group" "plain: COPY the rows out for a notebook (no fit)" "$serial" \
        "COPY (SELECT frequency, recency, age, z1, z2, z3, z4 $f) TO '/dev/null'"
    bench "$group" "$fit(frequency, recency, age, covariates, names)" "$serial" "SELECT $fit(frequency, recency, age, $cov) $f"
    bench "$group" "$fit(frequency, recency, age, covariates, names), parallel" "$parallel" \
        "SELECT $fit(frequency, recency, age, $cov) $f"
    bench "$group" "$fit(frequency, recency, age, covariates, names, 0.05, 0.1): L2 penalties" "$serial" \
        "SELECT $fit(frequency, recency, age, $cov, 0.05, 0.1) $f"
    bench "$group" "$fit(frequency, recency, age, covariates, names, ARRAY['z3']): z3 tied across the processes" "$serial" \
        "SELECT $fit(frequency, recency, age, $cov, ARRAY['z3']) $f"
    bench "$group" "$fit(frequency, recency, age), no covariates, for scale" "$serial" "SELECT $fit(frequency, recency, age) $f"
done
report "Covariate fits: median ms of $RUNS runs; simulated customers, 4 binary covariates on both processes"

echo
echo "Where a fit's time goes (DEBUG1: the start without covariates, then the covariate fit; evaluations, warm start):"
fit_evaluations "SELECT pareto_nbd_fit(frequency, recency, age, $cov) FROM pnbd" "SELECT bgnbd_fit(frequency, recency, age, $cov) FROM bg" \
    "SELECT ggompertz_nbd_fit(frequency, recency, age, $cov) FROM gg"

recovery() {	# recovery TABLE FIT BASE_NAMES BASE_TRUE
    psql -X -q -d "$db" <<SQL
SELECT c.process, c.term, t AS true_value, round(c.estimate::numeric, 4) AS estimate,
       round(c.standard_error::numeric, 4) AS standard_error, round(((c.estimate - t) / c.standard_error)::numeric, 2) AS z,
       converged(m)
FROM (SELECT $2(frequency, recency, age, $cov) AS m FROM $1) f, coefficients(m) WITH ORDINALITY c
JOIN unnest(ARRAY[$3, 'z1', 'z2', 'z3', 'z4', 'z1', 'z2', 'z3', 'z4'],
            ARRAY[$4, $(comma_list "${PURCHASE_TRUE[@]}"), $(comma_list "${DROPOUT_TRUE[@]}")]::float8[]) WITH ORDINALITY p(n, t)
  ON p.ordinality = c.ordinality
ORDER BY c.ordinality;
SQL
}
echo
echo "Recovery, Pareto/NBD with covariates: estimate, standard error, (estimate - true) / se"
recovery pnbd pareto_nbd_fit "'r', 'alpha', 's', 'beta'" "$(comma_list "${PNBD_TRUE[@]}")"
echo "Recovery, BG/NBD with covariates"
recovery bg bgnbd_fit "'r', 'alpha', 'a', 'b'" "$(comma_list "${BGNBD_TRUE[@]}")"
echo "Recovery, GGompertz/NBD with covariates"
recovery gg ggompertz_nbd_fit "'r', 'alpha', 'b', 's', 'beta'" "$(comma_list "${GG_TRUE[@]}")"
dropdb "$db"
