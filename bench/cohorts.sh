#!/usr/bin/env bash
# Cohort benchmark, run inside a cluster by scripts/bench.sh: the monthly
# cohort triangle over ROWS activity rows from CUSTOMERS customers beside
# the plain-SQL triangle an analyst writes (first month per customer,
# distinct active months, a join and a count per cell) and beside the floor
# (a bare count() scan); the lifecycle counts the same way; RFM scoring of
# every customer beside percentile_cont cut points with comparisons and
# beside ntile; and the memory per customer of the cohort state.
set -euo pipefail
CUSTOMERS=${CUSTOMERS:-1000000}
ROWS=${ROWS:-20000000}
RUNS=${RUNS:-3}
db=lk_bench_cohorts
dropdb --if-exists "$db"
createdb "$db"
source "$(dirname "${BASH_SOURCE[0]}")/lib.bash"

psql -X -q -d "$db" <<SQL
CREATE EXTENSION loyalty_kpi;
SET TimeZone = 'UTC';
SELECT setseed(0.5) \g /dev/null
-- activity over 2024-2025: each customer starts at a random day and comes back less and less
CREATE UNLOGGED TABLE activity AS
SELECT (1 + floor(random() * $CUSTOMERS))::bigint AS customer_id,
       timestamptz '2024-01-01' + random() * random() * interval '730 days' AS active_at
FROM generate_series(1, $ROWS) g;
VACUUM ANALYZE activity;
CREATE UNLOGGED TABLE rfm_customers AS
SELECT customer_id, extract(epoch FROM timestamptz '2026-01-01' - max(active_at)) / 86400 AS recency,
       count(*)::float8 AS frequency, sum(extract(hour FROM active_at) + 5)::float8 AS monetary
FROM activity GROUP BY customer_id;
VACUUM ANALYZE rfm_customers;
SQL
settings="SET jit = off; SET max_parallel_workers_per_gather = 0; SET TimeZone = 'UTC'; SET work_mem = '1GB';"
as_of="'2025-12-15'"

bench triangle "floor: count(active_at)" "$settings" "SELECT count(active_at) FROM activity"
bench triangle "plain: first month per customer, distinct active months, join, count per cell" "$settings" \
    "WITH firsts AS (SELECT customer_id, date_trunc('month', min(active_at)) AS cohort FROM activity WHERE active_at < $as_of GROUP BY 1),
          months AS (SELECT DISTINCT customer_id, date_trunc('month', active_at) AS p FROM activity WHERE active_at < $as_of)
     SELECT count(*) FROM (SELECT f.cohort, m.p, count(*) FROM months m JOIN firsts f USING (customer_id) GROUP BY 1, 2) cells"
bench triangle "cohort_retention(customer_id, active_at, '1 month', as_of)" "$settings" \
    "SELECT cardinality(cohort_retention(customer_id, active_at, '1 month', $as_of)) FROM activity"
bench triangle "cohort_retention(..., '7 days', as_of): the weekly triangle" "$settings" \
    "SELECT cardinality(cohort_retention(customer_id, active_at, '7 days', $as_of)) FROM activity"
bench lifecycle "floor: count(active_at)" "$settings" "SELECT count(active_at) FROM activity"
bench lifecycle "plain: distinct active months, self-joins for the previous and next month" "$settings" \
    "WITH am AS MATERIALIZED (SELECT DISTINCT customer_id, date_trunc('month', active_at) AS p FROM activity),
          f AS (SELECT customer_id, min(p) AS first FROM am GROUP BY 1)
     SELECT count(*) FROM (
       SELECT am.p, count(*) FILTER (WHERE f.first = am.p) AS new, count(prev.customer_id) AS returning,
              count(*) FILTER (WHERE prev.customer_id IS NULL AND f.first < am.p) AS resurrecting
       FROM am JOIN f USING (customer_id)
       LEFT JOIN am prev ON prev.customer_id = am.customer_id AND prev.p = am.p - interval '1 month'
       GROUP BY 1
       UNION ALL
       SELECT am.p + interval '1 month', count(*), 0, 0 FROM am
       LEFT JOIN am nxt ON nxt.customer_id = am.customer_id AND nxt.p = am.p + interval '1 month'
       WHERE nxt.customer_id IS NULL GROUP BY 1) x"
bench lifecycle "lifecycle_counts(customer_id, active_at, from, until, '1 month')" "$settings" \
    "SELECT cardinality(lifecycle_counts(customer_id, active_at, '2024-01-01', '2026-01-01', '1 month')) FROM activity"
bench rfm "floor: count(recency)" "$settings" "SELECT count(recency) FROM rfm_customers"
bench rfm "plain: percentile_cont cut points, then counts of cut points below" "$settings" \
    "WITH cuts AS (SELECT percentile_cont(ARRAY[0.2, 0.4, 0.6, 0.8]) WITHIN GROUP (ORDER BY recency) AS r,
                          percentile_cont(ARRAY[0.2, 0.4, 0.6, 0.8]) WITHIN GROUP (ORDER BY frequency) AS f,
                          percentile_cont(ARRAY[0.2, 0.4, 0.6, 0.8]) WITHIN GROUP (ORDER BY monetary) AS m FROM rfm_customers)
     SELECT sum(rs + fs + ms) FROM (SELECT 5 - (SELECT count(*) FROM unnest(r) x WHERE x < recency) AS rs,
                                  1 + (SELECT count(*) FROM unnest(f) x WHERE x < frequency) AS fs,
                                  1 + (SELECT count(*) FROM unnest(m) x WHERE x < monetary) AS ms
                           FROM rfm_customers, cuts) s"
bench rfm "plain: ntile(5) per dimension (ties may split)" "$settings" \
    "SELECT sum(a + b + c) FROM (SELECT ntile(5) OVER (ORDER BY recency DESC) AS a, ntile(5) OVER (ORDER BY frequency) AS b,
                                        ntile(5) OVER (ORDER BY monetary) AS c FROM rfm_customers) s"
bench rfm "rfm_fit, then rfm_score for every customer (in the select list)" "$settings" \
    "WITH model AS (SELECT rfm_fit(recency, frequency, monetary) AS m FROM rfm_customers)
     SELECT sum((s).r + (s).f + (s).m) FROM (SELECT rfm_score(m, recency, frequency, monetary) AS s FROM rfm_customers, model OFFSET 0) x"
bench rfm "rfm_fit, then rfm_score in FROM (a function scan per customer)" "$settings" \
    "WITH model AS (SELECT rfm_fit(recency, frequency, monetary) AS m FROM rfm_customers)
     SELECT sum(s.r + s.f + s.m) FROM rfm_customers, model, rfm_score(m, recency, frequency, monetary) s"
bench rfm "rfm_fit alone" "$settings" "SELECT rfm_fit(recency, frequency, monetary) IS NOT NULL FROM rfm_customers"
report "Cohorts: $ROWS activity rows from $CUSTOMERS customers, 2024-2025; RFM over $(psql -X -At -d "$db" -c "SELECT count(*) FROM rfm_customers") customers; median of $RUNS runs, jit off"

# memory: 10 groups of a tenth of the customers each, beside count(*) grouped the same way
echo
msettings="SET jit = off; SET work_mem = '4GB'; SET enable_sort = off; SET max_parallel_workers_per_gather = 0; SET TimeZone = 'UTC';"
floor_kb=$(hashagg_peak_kb "$msettings" "SELECT customer_id % 10, count(*) FROM activity GROUP BY 1")
kb=$(hashagg_peak_kb "$msettings" "SELECT customer_id % 10, cohort_retention(customer_id, active_at, '1 month', $as_of) FROM activity GROUP BY 1")
wkb=$(hashagg_peak_kb "$msettings" "SELECT customer_id % 10, cohort_retention(customer_id, active_at, '1 day', $as_of) FROM activity GROUP BY 1")
customers=$(psql -X -At -d "$db" -c "SELECT count(*) FROM rfm_customers")
awk -v kb="$kb" -v wkb="$wkb" -v floor="$floor_kb" -v n="$customers" 'BEGIN {
    printf "Memory per customer of cohort_retention (10 groups, %d customers): %.1f bytes with monthly periods, %.1f bytes with daily periods (up to 715 of them), over count(*) grouped the same way\n",
           n, (kb - floor) * 1024 / n, (wkb - floor) * 1024 / n }'
[ -n "${KEEP:-}" ] || dropdb "$db"
