#!/usr/bin/env bash
# Memory benchmark, run inside a cluster by scripts/bench.sh.  Every number
# is the executor's own count: the "Peak Memory Usage" EXPLAIN ANALYZE gives
# a HashAggregate (its hash table, the transition states and their own
# memory contexts), with work_mem high enough that nothing spills.
#  - bytes per group of the survey summaries, beside the state's own size
#    and beside count(*) grouped the same way (the hash table's share);
#  - bytes per customer of the per-customer hash states;
#  - for every aggregate, the Finalize HashAggregate of a 2-worker plan over
#    the serial plan's HashAggregate: merged partial states must be freed,
#    so the aim is at most 1.2.
set -euo pipefail
SURVEY_GROUPS=${SURVEY_GROUPS:-200000}
ROWS=${ROWS:-2000000}
ORDERS=${ORDERS:-3000000}
CUSTOMERS=${CUSTOMERS:-600000}
db=lk_bench_memory
source "$(dirname "${BASH_SOURCE[0]}")/lib.bash"
dropdb --if-exists "$db"
createdb "$db"

psql -X -q -d "$db" <<SQL
CREATE EXTENSION loyalty_kpi;
SELECT setseed(0.5) \g /dev/null
CREATE UNLOGGED TABLE surveys AS
SELECT g % $SURVEY_GROUPS AS grp, floor(random() * 11)::int AS score, 1 + floor(random() * 5)::int AS csat,
       1 + floor(random() * 7)::int AS effort, 1 + floor(random() * 6)::int AS r1,
       1 + floor(random() * 6)::int AS r2, 1 + floor(random() * 6)::int AS r3
FROM generate_series(1, $ROWS) g;
CREATE UNLOGGED TABLE daily AS SELECT grp % 1000 AS grp, nps_summary(score) AS nps FROM surveys GROUP BY grp;
-- four regions of about $((CUSTOMERS / 4)) customers each: a few large per-customer states
CREATE UNLOGGED TABLE orders AS
SELECT c % 4 AS region, c AS customer_id, 'C-' || lpad(c::text, 9, '0') AS customer_code,
       1 + floor(200 * random() ^ 2)::int AS product_id, 5 + random() * 200 AS amount,
       date '2024-01-01' + floor(random() * 365)::int AS purchased_at
FROM (SELECT 1 + floor(random() * $CUSTOMERS)::bigint AS c FROM generate_series(1, $ORDERS)) x;
CREATE UNLOGGED TABLE summary AS
SELECT customer_id % 4 AS region, (btyd_summary(purchased_at, amount, date '2025-01-01', '7 days')).*
FROM orders GROUP BY customer_id;
CREATE UNLOGGED TABLE customers AS
SELECT g % 1000 AS grp, a AS acquired_at,
       CASE WHEN random() < 0.5 THEN NULL ELSE a + random() * interval '700 days' END AS churned_at
FROM (SELECT g, timestamptz '2022-01-01' + random() * interval '1095 days' AS a
      FROM generate_series(1, $ROWS) g) x;
CREATE UNLOGGED TABLE members AS
SELECT g % 1000 AS grp, random() < 0.35 AS enrolled,
       timestamptz '2024-01-01' + random() * interval '200 days' AS last_activity_at,
       floor(4 * random() ^ 2)::bigint AS redemptions, round((random() * 1000)::numeric)::float8 AS issued,
       round((random() * 400)::numeric)::float8 AS redeemed,
       (ARRAY['bronze', 'silver', 'gold', 'platinum'])[1 + floor(4 * random() ^ 2)::int] AS tier,
       20 + random() * 100 AS spend
FROM generate_series(1, $ROWS) g;
CREATE UNLOGGED TABLE tenures AS
SELECT g % 1000 AS grp, floor(-ln(1 - random()) * 400)::int AS days, random() < 0.4 AS churned
FROM generate_series(1, $ROWS) g;
CREATE UNLOGGED TABLE tenure_summaries AS
SELECT grp % 10 AS grp, survival_summary(days, churned) AS s FROM tenures GROUP BY tenures.grp;
VACUUM ANALYZE tenures; VACUUM ANALYZE tenure_summaries;
VACUUM ANALYZE surveys; VACUUM ANALYZE daily; VACUUM ANALYZE orders; VACUUM ANALYZE summary;
VACUUM ANALYZE customers; VACUUM ANALYZE members;
SQL

settings="SET jit = off; SET work_mem = '2GB'; SET enable_sort = off;"
serial="$settings SET max_parallel_workers_per_gather = 0;"
parallel="$settings SET max_parallel_workers_per_gather = 2; SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0; SET min_parallel_table_scan_size = 0;"


echo
echo "Survey summaries, $SURVEY_GROUPS groups of $((ROWS / SURVEY_GROUPS)) answers:"
floor_kb=$(hashagg_peak_kb "$serial" "SELECT grp, count(*) FROM surveys GROUP BY grp")
for agg in "nps_summary(score)" "csat_summary(csat, 5)" "ces_summary(effort)" "cli_summary(r1, r2, r3)"; do
    kb=$(hashagg_peak_kb "$serial" "SELECT grp, $agg FROM surveys GROUP BY grp")
    own=$(psql -X -At -d "$db" -c "SELECT pg_column_size($agg) FROM surveys WHERE grp = 1")
    awk -v a="$agg" -v kb="$kb" -v floor="$floor_kb" -v g="$SURVEY_GROUPS" -v own="$own" 'BEGIN {
        printf "  %-26s %7.1f MB: %5.1f bytes per group over count(*) grouped the same way; the state itself is %d bytes\n",
               a, kb / 1024, (kb - floor) * 1024 / g, own }'
done

distinct=$(psql -X -At -d "$db" -c "SELECT count(DISTINCT customer_id) FROM orders")
echo
echo "Per-customer states, 4 groups, $distinct customers in all (serial HashAggregate):"
for agg in "repeat_purchase_rate(customer_id)" "repeat_purchase_rate(customer_code)" \
           "upsell_ratio(customer_id, product_id)" "clv(customer_id, amount)"; do
    kb=$(hashagg_peak_kb "$serial" "SELECT region, $agg FROM orders GROUP BY region")
    awk -v a="$agg" -v kb="$kb" -v n="$distinct" 'BEGIN {
        printf "  %-40s %7.1f MB, %5.1f bytes per customer\n", a, kb / 1024, kb * 1024 / n }'
done

echo
echo "Finalize (2 workers) over serial, peak memory of the top HashAggregate (aim: at most 1.2):"
printf "  %-62s %10s %10s %7s\n" "aggregate, grouped" "serial MB" "final MB" "ratio"
ratio() {	# ratio LABEL QUERY
    s=$(hashagg_peak_kb "$serial" "$2")
    p=$(hashagg_peak_kb "$parallel" "$2")
    awk -v a="$1" -v s="$s" -v p="$p" 'BEGIN { printf "  %-62s %10.1f %10.1f %7.2f\n", a, s / 1024, p / 1024, p / s }'
}
seen=$(mktemp)
trap 'rm -f "$seen" "$results"' EXIT
measure() {	# measure AGGREGATE_CALL FROM_AND_GROUP
    echo "${1%%(*}" >>"$seen"
    ratio "$1 $2" "SELECT $1 FROM $2"
}
measure "nps_agg(score)" "surveys GROUP BY grp"
measure "nps_summary(score)" "surveys GROUP BY grp"
measure "csat_agg(csat, 5)" "surveys GROUP BY grp"
measure "csat_summary(csat, 5)" "surveys GROUP BY grp"
measure "ces_agg(effort)" "surveys GROUP BY grp"
measure "ces_summary(effort)" "surveys GROUP BY grp"
measure "cli_score(r1, r2, r3)" "surveys GROUP BY grp"
measure "cli_summary(r1, r2, r3)" "surveys GROUP BY grp"
measure "rollup(nps)" "daily GROUP BY grp"
measure "retention_rate(acquired_at, churned_at, '2024-01-01', '2024-02-01')" "customers GROUP BY grp"
measure "churn_rate(acquired_at, churned_at, '2024-01-01', '2024-02-01')" "customers GROUP BY grp"
measure "retention_series(acquired_at, churned_at, '2024-01-01', '2025-01-01', '1 month')" "customers GROUP BY grp"
measure "repeat_purchase_rate(customer_id)" "orders GROUP BY region"
measure "one_and_done_rate(customer_id)" "orders GROUP BY region"
measure "purchase_frequency(customer_code)" "orders GROUP BY region"
measure "upsell_ratio(customer_id, product_id)" "orders GROUP BY region"
measure "clv(customer_id, amount)" "orders GROUP BY region"
measure "btyd_summary(purchased_at, amount, '2025-01-01', '7 days')" "orders GROUP BY customer_id % 1000"
measure "btyd_summary(purchased_at, amount, '2024-10-01', '2025-01-01', '7 days')" "orders GROUP BY customer_id % 1000"
measure "enrollment_rate(enrolled)" "members GROUP BY grp"
measure "active_rate(last_activity_at, '2024-06-01', '90 days')" "members GROUP BY grp"
measure "redemption_participation(redemptions)" "members GROUP BY grp"
measure "redemption_frequency(redemptions)" "members GROUP BY grp"
measure "redemption_rate(issued, redeemed, 'points')" "members GROUP BY grp"
measure "breakage(issued, redeemed)" "members GROUP BY grp"
measure "tier_distribution(tier)" "members GROUP BY grp"
measure "member_lift(spend, enrolled)" "members GROUP BY grp"
measure "survival_summary(days, churned)" "tenures GROUP BY grp"
measure "rollup(s)" "tenure_summaries GROUP BY grp"
measure "logrank_test(s)" "tenure_summaries GROUP BY grp"
measure "bgnbd_fit(frequency, recency, age)" "summary GROUP BY region"
measure "gamma_gamma_fit(frequency, monetary_value)" "summary GROUP BY region"
measure "mbgnbd_fit(frequency, recency, age)" "summary GROUP BY region"
measure "pareto_nbd_fit(frequency, recency, age)" "summary GROUP BY region"
measure "pareto_nbd_fit(frequency, recency, age, ARRAY[(customer_id % 2)::float8, (customer_id % 3)::float8], ARRAY['even', 'third'])" "summary GROUP BY region"
measure "bgnbd_fit(frequency, recency, age, ARRAY[(customer_id % 2)::float8, (customer_id % 3)::float8], ARRAY['even', 'third'])" "summary GROUP BY region"
measure "ggompertz_nbd_fit(frequency, recency, age)" "summary GROUP BY region"
measure "ggompertz_nbd_fit(frequency, recency, age, ARRAY[(customer_id % 2)::float8, (customer_id % 3)::float8], ARRAY['even', 'third'])" "summary GROUP BY region"
measure "sbg_fit(1 + days % 12, churned)" "tenures GROUP BY grp"
measure "bgbb_fit(days % 4, CASE WHEN days % 4 = 0 THEN 0 ELSE days % 4 + days % 3 END, 6)" "tenures GROUP BY grp"
measure "rfm_fit(age - recency, frequency, coalesce(monetary_value, 0))" "summary GROUP BY region"
measure "cohort_retention(customer_id, purchased_at, '1 month', date '2025-01-01')" "orders GROUP BY region"
measure "acquisition_cohort_retention(customer_id, date '2024-01-01' + (customer_id % 12)::int * 30, purchased_at, '1 month', date '2025-01-01')" "orders GROUP BY region"
measure "lifecycle_counts(customer_id, purchased_at, date '2024-01-01', date '2025-01-01', '1 month')" "orders GROUP BY region"
# an aggregate added without a line here is named, so the table stays whole
missing=$(psql -X -At -d "$db" -c "SELECT string_agg(DISTINCT p.proname, ', ') FROM pg_aggregate a JOIN pg_proc p ON p.oid = a.aggfnoid
    JOIN pg_depend d ON d.objid = p.oid AND d.deptype = 'e' JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'loyalty_kpi'
    WHERE p.proname NOT IN ($(sort -u "$seen" | sed "s/.*/'&'/" | paste -sd,))")
[ -n "$missing" ] && echo "  not measured (add them here): $missing"
[ -n "${KEEP:-}" ] || dropdb "$db"
