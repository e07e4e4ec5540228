#!/usr/bin/env bash
# Cox regression benchmark, run inside a cluster by scripts/bench.sh: a fit
# over 1,000,000 customers with five covariates and heavy ties (730
# distinct days), beside the floor (a bare count() scan with the covariate
# array built, what any query over these rows pays) and beside R's
# survival::coxph on the same rows in the same run (R's fit alone, not its
# reading of the CSV); serial and with 2 workers; the estimates of both
# side by side; and scoring every customer: relative risk, survival at a
# year, churn in the next 90 days.
set -euo pipefail
CUSTOMERS=${CUSTOMERS:-1000000}
RUNS=${RUNS:-5}
db=lk_bench_coxph
dropdb --if-exists "$db"
createdb "$db"
source "$(dirname "${BASH_SOURCE[0]}")/lib.bash"

psql -X -q -d "$db" <<SQL
CREATE EXTENSION loyalty_kpi;
SELECT setseed(0.3) \g /dev/null
CREATE UNLOGGED TABLE subscribers AS
SELECT g AS id, least(730, floor(-ln(1 - random()) * 400 / exp(0.3 * x1 - 0.2 * x2 + 0.1 * x3)))::float8 AS days,
       random() < 0.7 AS churned, x1, x2, x3, x4, x5
FROM (SELECT g, (random() < 0.5)::int::float8 AS x1, random() * 2 AS x2, floor(random() * 5)::float8 AS x3,
             random() AS x4, (random() < 0.2)::int::float8 AS x5 FROM generate_series(1, $CUSTOMERS) g) x;
VACUUM ANALYZE subscribers;
CREATE TABLE model AS SELECT coxph_fit(days, churned, ARRAY[x1, x2, x3, x4, x5], ARRAY['x1', 'x2', 'x3', 'x4', 'x5']) AS m
FROM subscribers;
SQL

s="FROM subscribers"
fit="coxph_fit(days, churned, ARRAY[x1, x2, x3, x4, x5], ARRAY['x1', 'x2', 'x3', 'x4', 'x5'])"
bench fit "floor: count(ARRAY[x1, ..., x5])" "$serial" "SELECT count(ARRAY[x1, x2, x3, x4, x5]) $s"
bench fit "coxph_fit, 5 covariates, Efron ties" "$serial" "SELECT $fit IS NULL $s"
bench fit "coxph_fit, parallel (2 workers)" "$parallel" "SELECT $fit IS NULL $s"
bench fit "coxph_fit, Breslow ties" "$serial" \
    "SELECT coxph_fit(days, churned, ARRAY[x1, x2, x3, x4, x5], ARRAY['x1', 'x2', 'x3', 'x4', 'x5'], 'breslow') IS NULL $s"
bench score "floor: count(ARRAY[x1, ..., x5])" "$serial" "SELECT count(ARRAY[x1, x2, x3, x4, x5]) $s"
bench score "plain: exp of the linear predictor written out from coefficients()" "$serial" \
    "SELECT sum(exp((x1 - b.m1) * b.c1 + (x2 - b.m2) * b.c2 + (x3 - b.m3) * b.c3 + (x4 - b.m4) * b.c4 + (x5 - b.m5) * b.c5)) $s, (
       SELECT max(coef) FILTER (WHERE term = 'x1') AS c1, max(coef) FILTER (WHERE term = 'x2') AS c2,
              max(coef) FILTER (WHERE term = 'x3') AS c3, max(coef) FILTER (WHERE term = 'x4') AS c4,
              max(coef) FILTER (WHERE term = 'x5') AS c5,
              max((m::jsonb -> 'terms' -> 0 ->> 'mean')::float8) AS m1, max((m::jsonb -> 'terms' -> 1 ->> 'mean')::float8) AS m2,
              max((m::jsonb -> 'terms' -> 2 ->> 'mean')::float8) AS m3, max((m::jsonb -> 'terms' -> 3 ->> 'mean')::float8) AS m4,
              max((m::jsonb -> 'terms' -> 4 ->> 'mean')::float8) AS m5
       FROM model, coefficients(m)) b"
bench score "relative_risk for every customer" "$serial" \
    "SELECT sum(relative_risk(m, ARRAY[x1, x2, x3, x4, x5])) $s, model"
bench score "survival_at(m, x, 365) for every customer" "$serial" \
    "SELECT sum(survival_at(m, ARRAY[x1, x2, x3, x4, x5], 365)) $s, model"
bench score "churn_probability(m, x, 90, tenure) for every customer" "$serial" \
    "SELECT sum(churn_probability(m, ARRAY[x1, x2, x3, x4, x5], 90, days)) $s, model"

# R on the same rows, in this run, where R and its survival package are installed
if command -v Rscript >/dev/null && Rscript -e 'library(survival)' >/dev/null 2>&1; then
    csv=$(mktemp)
    psql -X -q -d "$db" -c "\copy (SELECT days, churned::int, x1, x2, x3, x4, x5 FROM subscribers) TO '$csv' CSV HEADER"
    r_ms=$(Rscript -e "
        suppressMessages(library(survival))
        d <- read.csv('$csv')
        t <- sapply(seq_len($RUNS), function(i) system.time(f <<- coxph(Surv(days, churned) ~ x1 + x2 + x3 + x4 + x5, data = d))['elapsed'])
        cat(median(t) * 1000, '\n')
        write.csv(data.frame(term = names(coef(f)), coef = sprintf('%.12g', coef(f))), '$csv.coef', row.names = FALSE, quote = FALSE)")
    echo "fit|plain: R survival::coxph, the same rows and model (its fit alone)|$r_ms" >>"$results"
    echo
    echo "Estimates, ours beside R's:"
    psql -X -q -d "$db" -c "CREATE TEMP TABLE r_coef (term text, coef float8)" \
        -c "\copy r_coef FROM '$csv.coef' CSV HEADER" \
        -c "SELECT c.term, c.coef AS ours, r.coef AS r, abs(c.coef - r.coef) / abs(r.coef) AS relative_difference
            FROM model, coefficients(m) c JOIN r_coef r USING (term)"
    rm -f "$csv" "$csv.coef"
else
    echo "R with the survival package is not installed: no R row (apt-get install r-base-core r-cran-survival)"
fi
report "Cox regression: $CUSTOMERS customers, 5 covariates, 730 distinct days; median of $RUNS runs (ms)"
dropdb "$db"
