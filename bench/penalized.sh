#!/usr/bin/env bash
# lifetimes' penalizer_coef, run inside a cluster by scripts/bench.sh:
# bgnbd_fit, mbgnbd_fit and pareto_nbd_fit with penalizer_coef 0.01 on
# CUSTOMERS customers simulated from CDNOW's published BG/NBD parameters
# (bench/simulate_bgnbd.py), beside the floor (a bare count() scan), the
# export a notebook fit starts from (COPY of the rows: no SQL can fit the
# model), the unpenalized fit, and lifetimes 0.11.3 itself (../shared/peers,
# its real autograd) fitting the same rows with the same penalizer in the
# same run (the fit alone, timed by Python, the rows already in memory);
# then Gamma-Gamma and BG/BB the same way on CDNOW's spend and the donations.
# lifetimes needs Debian's python3-pandas, python3-scipy and python3-dill;
# without them it says so.
set -euo pipefail
CUSTOMERS=${CUSTOMERS:-200000}
RUNS=${RUNS:-3}
PENALIZER=0.01
db=lk_bench_penalized
dropdb --if-exists "$db"
createdb "$db"
source "$(dirname "${BASH_SOURCE[0]}")/lib.bash"
rows=$(mktemp --suffix=.csv)
spend_rows=$(mktemp --suffix=.csv)
trap 'rm -f "$rows" "$spend_rows" "$results"' EXIT

python3 bench/simulate_bgnbd.py "$CUSTOMERS" 7 0.243 4.414 0.793 2.426 >"$rows"
psql -X -q -d "$db" <<SQL
CREATE EXTENSION loyalty_kpi;
CREATE UNLOGGED TABLE simulated (frequency int, recency float8, age float8);
\copy simulated FROM '$rows' CSV
VACUUM ANALYZE simulated;
SQL

s="FROM simulated"
g="fit $CUSTOMERS"
bench "$g" "floor: count(*)" "$serial" "SELECT count(*) $s"
bench "$g" "plain: COPY the rows out for a notebook (no fit)" "$serial" \
    "COPY (SELECT frequency, recency, age $s) TO '/dev/null'"
bench "$g" "bgnbd_fit(frequency, recency, age), unpenalized" "$serial" "SELECT bgnbd_fit(frequency, recency, age) $s"
for fit in bgnbd_fit mbgnbd_fit pareto_nbd_fit; do
    bench "$g" "$fit(frequency, recency, age, 1, '7 days', $PENALIZER)" "$serial" \
        "SELECT $fit(frequency, recency, age, 1, '7 days', $PENALIZER) $s"
done
fit_evaluations "SELECT bgnbd_fit(frequency, recency, age, 1, '7 days', $PENALIZER) $s" \
    "SELECT pareto_nbd_fit(frequency, recency, age, 1, '7 days', $PENALIZER) $s"

if /usr/bin/python3 -c 'import pandas, scipy, dill' 2>/dev/null; then
    for fitter in BetaGeoFitter ModifiedBetaGeoFitter ParetoNBDFitter; do
        ms=$(PYTHONPATH=../shared/peers/lifetimes:../shared/peers/autograd /usr/bin/python3 - "$rows" "$fitter" "$RUNS" <<'PY'
import statistics, sys, time, warnings
import pandas as pd
import lifetimes
warnings.simplefilter("ignore")
rows = pd.read_csv(sys.argv[1], header=None, names=["frequency", "recency", "T"])
fitter = getattr(lifetimes, sys.argv[2])
times = []
for _ in range(int(sys.argv[3])):
    start = time.perf_counter()
    fitter(penalizer_coef=0.01).fit(rows["frequency"], rows["recency"], rows["T"])
    times.append((time.perf_counter() - start) * 1000)
print(statistics.median(times))
PY
)
        echo "$g|lifetimes $fitter(penalizer_coef=$PENALIZER).fit (fit alone)|$ms" >>"$results"
    done
else
    echo "python3-pandas, python3-scipy or python3-dill missing: no lifetimes rows"
fi
# Gamma-Gamma on CDNOW's 946 repeat customers' spend a hundred times over,
# BG/BB on the donations (22 weighted rows, 11,104 donors)
psql -X -q -d "$db" <<SQL
CREATE TABLE cdnow (id int, x int, t_x float8, t float8, zbar float8);
\copy cdnow FROM '../shared/data/cdnow/cdnow_customers_summary_with_transactions.csv' CSV HEADER
CREATE UNLOGGED TABLE spend AS SELECT x, zbar FROM cdnow, generate_series(1, 100) WHERE x > 0;
CREATE TABLE donations (frequency int, recency int, periods int, weights int);
\copy donations FROM '../shared/data/cdnow/donations.csv' CSV HEADER
VACUUM ANALYZE spend;
\copy spend TO '$spend_rows' CSV
SQL
bench "gamma-gamma 94600" "floor: count(*)" "$serial" "SELECT count(*) FROM spend"
bench "gamma-gamma 94600" "plain: COPY the rows out for a notebook (no fit)" "$serial" "COPY spend TO '/dev/null'"
bench "gamma-gamma 94600" "gamma_gamma_fit(x, zbar, 1, $PENALIZER)" "$serial" "SELECT gamma_gamma_fit(x, zbar, 1, $PENALIZER) FROM spend"
bench "bg/bb donations" "floor: count(*)" "$serial" "SELECT count(*) FROM donations"
bench "bg/bb donations" "plain: COPY the rows out for a notebook (no fit)" "$serial" "COPY donations TO '/dev/null'"
bench "bg/bb donations" "bgbb_fit(frequency, recency, periods, weights, $PENALIZER)" "$serial" \
    "SELECT bgbb_fit(frequency, recency, periods, weights, $PENALIZER) FROM donations"
if /usr/bin/python3 -c 'import pandas, scipy, dill' 2>/dev/null; then
    ms=$(PYTHONPATH=../shared/peers/lifetimes:../shared/peers/autograd /usr/bin/python3 - "$spend_rows" "$RUNS" <<'PY'
import os, statistics, sys, time, warnings
import pandas as pd
from lifetimes import BetaGeoBetaBinomFitter, GammaGammaFitter
warnings.simplefilter("ignore")
spend = pd.read_csv(sys.argv[1], header=None, names=["x", "zbar"])
donations = pd.read_csv("../shared/data/cdnow/donations.csv")
out = []
for fit in (lambda: GammaGammaFitter(penalizer_coef=0.01).fit(spend["x"], spend["zbar"]),
            lambda: BetaGeoBetaBinomFitter(penalizer_coef=0.01).fit(donations["frequency"], donations["recency"],
                                                                    donations["periods"], weights=donations["weights"])):
    times = []
    for _ in range(int(sys.argv[2])):
        start = time.perf_counter()
        fit()
        times.append((time.perf_counter() - start) * 1000)
    out.append(str(statistics.median(times)))
print(" ".join(out))
PY
)
    echo "gamma-gamma 94600|lifetimes GammaGammaFitter(penalizer_coef=$PENALIZER).fit (fit alone)|${ms%% *}" >>"$results"
    echo "bg/bb donations|lifetimes BetaGeoBetaBinomFitter(penalizer_coef=$PENALIZER).fit (fit alone)|${ms##* }" >>"$results"
fi
report "penalized fits on $CUSTOMERS simulated customers: median of $RUNS runs (ms)"
psql -X -q -d "$db" -At -c "SELECT 'penalized BG/NBD estimates (r, alpha, a, b; simulated from 0.243, 4.414, 0.793, 2.426): ' || (SELECT string_agg(round(parameter(m, p)::numeric, 4)::text, ', ' ORDER BY o) FROM unnest(ARRAY['r', 'alpha', 'a', 'b']) WITH ORDINALITY u(p, o)) FROM (SELECT bgnbd_fit(frequency, recency, age, 1, '7 days', $PENALIZER) AS m $s) f"
dropdb "$db"
