#!/usr/bin/env bash
# Survival benchmark, run inside a cluster by scripts/bench.sh: the
# Kaplan-Meier summary of 10 million customers beside the plain-SQL
# product-limit an analyst writes (counts per tenure, a reverse running sum
# for the customers at risk, a running sum of logs for S) and beside the
# floor (a bare count() scan), serial and with 2 workers; the whole curve
# read from the summary; the log-rank test over 100 and over 1,000 group
# summaries; and the memory per distinct tenure.
set -euo pipefail
CUSTOMERS=${CUSTOMERS:-10000000}
RUNS=${RUNS:-5}
db=lk_bench_survival
dropdb --if-exists "$db"
createdb "$db"
source "$(dirname "${BASH_SOURCE[0]}")/lib.bash"

psql -X -q -d "$db" <<SQL
CREATE EXTENSION loyalty_kpi;
SELECT setseed(0.5) \g /dev/null
-- tenures in days, up to about 10 years; 60% of the customers still active
CREATE UNLOGGED TABLE tenures AS
SELECT g AS id, g % 100 AS plan, least(3650, floor(-ln(1 - random()) * (300 + (g % 100) * 5)))::int AS days,
       random() < 0.4 AS churned
FROM generate_series(1, $CUSTOMERS) g;
VACUUM ANALYZE tenures;
CREATE TABLE plan_summaries AS SELECT plan, survival_summary(days, churned) AS s FROM tenures GROUP BY plan;
-- 1,000 groups of a few hundred customers: the log-rank test's g x g covariance
CREATE TABLE group_summaries AS SELECT id % 1000 AS grp, survival_summary(days, churned) AS s
FROM tenures WHERE id <= 300000 GROUP BY 1;
SQL

km_sql="WITH per_time AS (SELECT days, count(*) FILTER (WHERE churned) AS d, count(*) AS leaving FROM tenures GROUP BY days),
 risk AS (SELECT days, d, sum(leaving) OVER (ORDER BY days DESC) AS n FROM per_time)
 SELECT count(*) FROM (SELECT days, exp(sum(ln(greatest(n - d, 1e-300)::float8 / n)) OVER (ORDER BY days)) AS s,
                              sum(d::float8 / greatest(n * (n - d), 1)) OVER (ORDER BY days) AS g FROM risk) km"
bench km "floor: count(days)" "$serial" "SELECT count(days) FROM tenures"
bench km "plain: product-limit curve with Greenwood (GROUP BY, two window sums)" "$serial" "$km_sql"
bench km "survival_summary(days, churned)" "$serial" "SELECT survival_summary(days, churned) FROM tenures"
bench km "survival_curve(survival_summary(days, churned)): the same curve" "$serial" \
    "SELECT count(*) FROM survival_curve((SELECT survival_summary(days, churned) FROM tenures))"
bench km "survival_summary(days::float8, churned)" "$serial" "SELECT survival_summary(days::float8, churned) FROM tenures"
bench km-par "floor: count(days), 2 workers" "$parallel" "SELECT count(days) FROM tenures"
bench km-par "plain: product-limit curve, 2 workers" "$parallel" "$km_sql"
bench km-par "survival_summary(days, churned), 2 workers" "$parallel" "SELECT survival_summary(days, churned) FROM tenures"
bench plans "floor: count(days) GROUP BY plan" "$serial" "SELECT plan, count(days) FROM tenures GROUP BY plan"
bench plans "plain: median per plan by window functions" "$serial" \
    "SELECT count(*) FROM (SELECT plan, min(days) FILTER (WHERE s <= 0.5) FROM (SELECT plan, days,
       exp(sum(ln(greatest(n - d, 1e-300)::float8 / n)) OVER (PARTITION BY plan ORDER BY days)) AS s
       FROM (SELECT plan, days, d, sum(leaving) OVER (PARTITION BY plan ORDER BY days DESC) AS n
             FROM (SELECT plan, days, count(*) FILTER (WHERE churned) AS d, count(*) AS leaving
                   FROM tenures GROUP BY plan, days) p) r) k GROUP BY plan) m"
bench plans "median_survival(survival_summary(days, churned)) GROUP BY plan" "$serial" \
    "SELECT plan, median_survival(survival_summary(days, churned)) FROM tenures GROUP BY plan"
bench logrank "floor: count(s) over the 100 stored plan summaries" "$serial" "SELECT count(s) FROM plan_summaries"
bench logrank "logrank_test(s) over the 100 stored plan summaries" "$serial" "SELECT logrank_test(s) FROM plan_summaries"
bench logrank "rollup(s) over the 100 stored plan summaries" "$serial" "SELECT rollup(s) FROM plan_summaries"
bench logrank-1000 "floor: count(s) over 1,000 stored group summaries" "$serial" "SELECT count(s) FROM group_summaries"
bench logrank-1000 "logrank_test(s) over 1,000 stored group summaries" "$serial" "SELECT logrank_test(s) FROM group_summaries"
report "Survival: $CUSTOMERS customers, $(psql -X -At -d "$db" -c "SELECT count(DISTINCT days) FROM tenures") distinct tenures; median of $RUNS runs, jit off"

# memory: 10,000 groups of about 1,000 customers, each with its own distinct tenures
echo
settings="SET jit = off; SET work_mem = '2GB'; SET enable_sort = off; SET max_parallel_workers_per_gather = 0;"
floor_kb=$(hashagg_peak_kb "$settings" "SELECT id % 10000, count(*) FROM tenures GROUP BY 1")
kb=$(hashagg_peak_kb "$settings" "SELECT id % 10000, survival_summary(days, churned) FROM tenures GROUP BY 1")
times=$(psql -X -At -d "$db" -c "SELECT sum(n) FROM (SELECT count(DISTINCT days) AS n FROM tenures GROUP BY id % 10000) x")
size=$(psql -X -At -d "$db" -c "SELECT sum(pg_column_size(s))::bigint FROM (SELECT survival_summary(days, churned) AS s FROM tenures GROUP BY id % 10000) x")
awk -v kb="$kb" -v floor="$floor_kb" -v n="$times" -v size="$size" 'BEGIN {
    printf "Memory per distinct tenure (10,000 groups, %d distinct tenures in all): %.1f bytes in the aggregate over count(*) grouped the same way; stored (canonical, compressed where TOAST compresses): %.1f bytes\n",
           n, (kb - floor) * 1024 / n, size / n }'
[ -n "${KEEP:-}" ] || dropdb "$db"
