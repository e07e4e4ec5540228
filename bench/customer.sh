#!/usr/bin/env bash
# Customer-base, per-customer order and loyalty-program KPI benchmark, run
# inside a cluster by scripts/bench.sh.  Each aggregate beside the plain SQL
# an analyst writes for the same KPI (for per-customer KPIs: GROUP BY
# customer_id in a subquery, then an outer aggregate) and beside the floor
# (a bare scan with count()), in one run; the 12-month retention series
# beside twelve separate queries.  Also measures the per-customer state's
# memory as the backend's peak resident size over a bare scan's.
set -euo pipefail
ORDERS=${ORDERS:-5000000}
CUSTOMERS=${CUSTOMERS:-1000000}
MEMBERS=${MEMBERS:-5000000}
RUNS=${RUNS:-5}
db=lk_bench_customer
createdb "$db"
source "$(dirname "${BASH_SOURCE[0]}")/lib.bash"

psql -X -q -d "$db" <<SQL
CREATE EXTENSION loyalty_kpi;
SELECT setseed(0.5) \g /dev/null
-- uniform over CUSTOMERS ids: about 99% of them order at least once
CREATE UNLOGGED TABLE orders AS
SELECT g AS id, 1 + floor(random() * $CUSTOMERS)::bigint AS customer_id,
       timestamptz '2024-01-01' + random() * interval '365 days' AS ordered_at,
       round((5 + random() * 200)::numeric, 2) AS amount, 1 + floor(200 * random() ^ 2)::int AS product_id
FROM generate_series(1, $ORDERS) g;
ALTER TABLE orders ADD COLUMN customer_code text, ADD COLUMN customer_uuid uuid;
UPDATE orders SET customer_code = 'C-' || lpad(customer_id::text, 9, '0'), customer_uuid = md5(customer_id::text)::uuid;
CREATE UNLOGGED TABLE customers AS
SELECT g AS id, a AS acquired_at,
       CASE WHEN random() < 0.5 THEN NULL ELSE a + random() * interval '700 days' END AS churned_at
FROM (SELECT g, timestamptz '2022-01-01' + random() * interval '1095 days' AS a
      FROM generate_series(1, $CUSTOMERS) g) x;
CREATE UNLOGGED TABLE members AS
SELECT g AS id, random() < 0.35 AS enrolled,
       timestamptz '2024-01-01' + random() * interval '200 days' AS last_activity_at,
       floor(4 * random() ^ 2)::bigint AS redemptions,
       round((random() * 1000)::numeric)::float8 AS points_issued,
       round((random() * 400)::numeric)::float8 AS points_redeemed,
       (ARRAY['bronze', 'silver', 'gold', 'platinum'])[1 + floor(4 * random() ^ 2)::int] AS tier,
       20 + random() * 100 AS spend
FROM generate_series(1, $MEMBERS) g;
CREATE TYPE member_tier AS ENUM ('bronze', 'silver', 'gold', 'platinum');
ALTER TABLE members ADD COLUMN tier_enum member_tier;
UPDATE members SET tier_enum = tier::member_tier;
VACUUM ANALYZE orders;
VACUUM ANALYZE customers;
VACUUM ANALYZE members;
SQL

o="FROM orders"
per_customer="(SELECT customer_id, count(*) AS n $o GROUP BY customer_id) c"
bench repeat "floor: count(customer_id)" "$serial" "SELECT count(customer_id) $o"
bench repeat "plain: GROUP BY customer_id, then 100.0 * count FILTER (n >= 2) / count" "$serial" \
    "SELECT 100.0 * count(*) FILTER (WHERE n >= 2) / count(*) FROM $per_customer"
bench repeat "repeat_purchase_rate(customer_id)" "$serial" "SELECT repeat_purchase_rate(customer_id) $o"

bench one-and-done "floor: count(customer_id)" "$serial" "SELECT count(customer_id) $o"
bench one-and-done "plain: GROUP BY customer_id, then 100.0 * count FILTER (n = 1) / count" "$serial" \
    "SELECT 100.0 * count(*) FILTER (WHERE n = 1) / count(*) FROM $per_customer"
bench one-and-done "one_and_done_rate(customer_id)" "$serial" "SELECT one_and_done_rate(customer_id) $o"

bench frequency "floor: count(customer_id)" "$serial" "SELECT count(customer_id) $o"
bench frequency "plain: GROUP BY customer_id, then sum(n) / count" "$serial" \
    "SELECT sum(n)::float8 / count(*) FROM $per_customer"
bench frequency "purchase_frequency(customer_id)" "$serial" "SELECT purchase_frequency(customer_id) $o"

bench upsell "floor: count(product_id)" "$serial" "SELECT count(product_id) $o"
bench upsell "plain: GROUP BY customer_id count(DISTINCT product_id), then FILTER ratio" "$serial" \
    "SELECT count(*) FILTER (WHERE p > 1)::float8 / count(*) FILTER (WHERE p = 1) FROM (SELECT customer_id, count(DISTINCT product_id) AS p $o GROUP BY customer_id) c"
bench upsell "upsell_ratio(customer_id, product_id)" "$serial" "SELECT upsell_ratio(customer_id, product_id) $o"

bench repeat-text "floor: count(customer_code)" "$serial" "SELECT count(customer_code) $o"
bench repeat-text "plain: GROUP BY customer_code (text), then FILTER share" "$serial" \
    "SELECT 100.0 * count(*) FILTER (WHERE n >= 2) / count(*) FROM (SELECT customer_code, count(*) AS n $o GROUP BY 1) c"
bench repeat-text "repeat_purchase_rate(customer_code)" "$serial" "SELECT repeat_purchase_rate(customer_code) $o"
bench repeat-text "repeat_purchase_rate(customer_id), the integer ids, for the ratio" "$serial" "SELECT repeat_purchase_rate(customer_id) $o"

bench repeat-uuid "floor: count(customer_uuid)" "$serial" "SELECT count(customer_uuid) $o"
bench repeat-uuid "plain: GROUP BY customer_uuid, then FILTER share" "$serial" \
    "SELECT 100.0 * count(*) FILTER (WHERE n >= 2) / count(*) FROM (SELECT customer_uuid, count(*) AS n $o GROUP BY 1) c"
bench repeat-uuid "repeat_purchase_rate(customer_uuid)" "$serial" "SELECT repeat_purchase_rate(customer_uuid) $o"
bench repeat-uuid "repeat_purchase_rate(customer_id), the integer ids, for the ratio" "$serial" "SELECT repeat_purchase_rate(customer_id) $o"

bench repeat-par "floor: count(customer_id), 2 workers" "$parallel" "SELECT count(customer_id) $o"
bench repeat-par "plain: GROUP BY customer_id subquery, 2 workers" "$parallel" \
    "SELECT 100.0 * count(*) FILTER (WHERE n >= 2) / count(*) FROM $per_customer"
bench repeat-par "repeat_purchase_rate(customer_id), 2 workers" "$parallel" "SELECT repeat_purchase_rate(customer_id) $o"

# retention: one month, then twelve months
c="FROM customers"
counts() {	# the plain-SQL retention of the month starting at $1
    echo "(SELECT 100.0 * (count(*) FILTER (WHERE acquired_at < '$1'::timestamptz + interval '1 month' AND (churned_at IS NULL OR churned_at >= '$1'::timestamptz + interval '1 month'))
                     - count(*) FILTER (WHERE acquired_at >= '$1' AND acquired_at < '$1'::timestamptz + interval '1 month'))
              / nullif(count(*) FILTER (WHERE acquired_at < '$1' AND (churned_at IS NULL OR churned_at >= '$1')), 0) $c)"
}
bench retention "floor: count(acquired_at)" "$serial" "SELECT count(acquired_at) $c"
bench retention "plain: (E - N) / S from three count FILTERs" "$serial" "SELECT $(counts 2024-01-01)"
bench retention "retention_rate(acquired_at, churned_at, start, end)" "$serial" \
    "SELECT retention_rate(acquired_at, churned_at, '2024-01-01', '2024-02-01') $c"
bench retention "churn_rate(acquired_at, churned_at, start, end)" "$serial" \
    "SELECT churn_rate(acquired_at, churned_at, '2024-01-01', '2024-02-01') $c"

twelve=$(for m in 01 02 03 04 05 06 07 08 09 10 11 12; do counts "2024-$m-01" | tr '\n' ' '; echo; done | paste -sd, -)
bench series-12 "floor: count(acquired_at), one scan" "$serial" "SELECT count(acquired_at) $c"
bench series-12 "plain: twelve queries, one per month (twelve scans)" "$serial" "SELECT $twelve"
bench series-12 "plain: one query, customers x 12 months GROUP BY month" "$serial" \
    "SELECT m, 100.0 * (count(*) FILTER (WHERE acquired_at < m + interval '1 month' AND (churned_at IS NULL OR churned_at >= m + interval '1 month')) - count(*) FILTER (WHERE acquired_at >= m AND acquired_at < m + interval '1 month')) / nullif(count(*) FILTER (WHERE acquired_at < m AND (churned_at IS NULL OR churned_at >= m)), 0) $c, generate_series(timestamptz '2024-01-01', '2024-12-01', '1 month') m GROUP BY m"
bench series-12 "retention_series(acquired_at, churned_at, 2024-01-01, 2025-01-01, 1 month)" "$serial" \
    "SELECT retention_series(acquired_at, churned_at, '2024-01-01', '2025-01-01', '1 month') $c"

# N-month retention per signup cohort (1.12): 3-month retention of each monthly cohort
bench cohort-3-months "floor: count(acquired_at) GROUP BY cohort month" "$serial" \
    "SELECT date_trunc('month', acquired_at), count(acquired_at) $c GROUP BY 1"
bench cohort-3-months "plain: 100.0 * avg(retained::int) FILTER (measurable) GROUP BY cohort month" "$serial" \
    "SELECT date_trunc('month', acquired_at), 100.0 * avg((churned_at IS NULL OR churned_at > acquired_at + interval '3 months')::int) FILTER (WHERE acquired_at + interval '3 months' <= '2025-01-01') $c GROUP BY 1"
bench cohort-3-months "retention_after(acquired_at, churned_at, '3 months', as_of) GROUP BY cohort month" "$serial" \
    "SELECT date_trunc('month', acquired_at), retention_after(acquired_at, churned_at, '3 months', '2025-01-01') $c GROUP BY 1"

m="FROM members"
bench enrollment "floor: count(enrolled)" "$serial" "SELECT count(enrolled) $m"
bench enrollment "plain: 100.0 * avg(enrolled::int)" "$serial" "SELECT 100.0 * avg(enrolled::int) $m"
bench enrollment "enrollment_rate(enrolled)" "$serial" "SELECT enrollment_rate(enrolled) $m"

bench active "floor: count(last_activity_at)" "$serial" "SELECT count(last_activity_at) $m"
bench active "plain: 100.0 * count FILTER (in window) / count(*)" "$serial" \
    "SELECT 100.0 * count(*) FILTER (WHERE last_activity_at >= timestamptz '2024-06-01' - interval '90 days' AND last_activity_at < '2024-06-01') / count(*) $m"
bench active "active_rate(last_activity_at, as_of, '90 days')" "$serial" \
    "SELECT active_rate(last_activity_at, '2024-06-01', '90 days') $m"

bench redemptions "floor: count(redemptions)" "$serial" "SELECT count(redemptions) $m"
bench redemptions "plain: 100.0 * count FILTER (> 0) / count, sum / count" "$serial" \
    "SELECT 100.0 * count(*) FILTER (WHERE redemptions > 0) / count(redemptions), sum(redemptions)::float8 / count(redemptions) $m"
bench redemptions "redemption_participation(r), redemption_frequency(r)" "$serial" \
    "SELECT redemption_participation(redemptions), redemption_frequency(redemptions) $m"

bench points "floor: count(points_redeemed)" "$serial" "SELECT count(points_redeemed) $m"
bench points "plain: 100 * sum(redeemed) / sum(issued), breakage" "$serial" \
    "SELECT 100 * sum(points_redeemed) / sum(points_issued), 100 * (sum(points_issued) - sum(points_redeemed)) / sum(points_issued) $m"
bench points "redemption_rate(issued, redeemed, 'points'), breakage(...)" "$serial" \
    "SELECT redemption_rate(points_issued, points_redeemed, 'points'), breakage(points_issued, points_redeemed) $m"

bench tiers "floor: count(tier)" "$serial" "SELECT count(tier) $m"
bench tiers "plain: GROUP BY tier, count * 100 / sum(count) OVER ()" "$serial" \
    "SELECT tier, 100.0 * count(*) / sum(count(*)) OVER () $m GROUP BY tier"
bench tiers "tier_distribution(tier)" "$serial" "SELECT tier_distribution(tier) $m"
bench tiers "tier_distribution(tier_enum), an enum column" "$serial" "SELECT tier_distribution(tier_enum) $m"

bench lift "floor: count(spend)" "$serial" "SELECT count(spend) $m"
bench lift "plain: avg, var_samp, count per arm (Welch t in SQL, no p)" "$serial" \
    "SELECT avg(spend) FILTER (WHERE enrolled), avg(spend) FILTER (WHERE NOT enrolled), var_samp(spend) FILTER (WHERE enrolled), var_samp(spend) FILTER (WHERE NOT enrolled), count(*) FILTER (WHERE enrolled), count(*) FILTER (WHERE NOT enrolled) $m"
bench lift "member_lift(spend, enrolled)" "$serial" "SELECT member_lift(spend, enrolled) $m"

report "Customer KPIs: $ORDERS orders from $CUSTOMERS customers, $CUSTOMERS lifecycle rows, $MEMBERS program rows; median of $RUNS runs, jit off"

# Memory of the per-customer state: a fresh backend's peak resident size
# after the aggregate, minus a fresh backend's after a bare scan of the same
# table (shared buffers touched count in both, so they cancel).
peak_kb() {
    psql -X -q -At -d "$db" <<SQL
SET jit = off; SET max_parallel_workers_per_gather = 0;
SELECT pg_backend_pid() AS pid \gset
\setenv LK_BACKEND :pid
SELECT $1 \g /dev/null
\! awk '/VmHWM/ { print \$2 }' /proc/\$LK_BACKEND/status
SQL
}
distinct=$(psql -X -At -d "$db" -c "SELECT count(DISTINCT customer_id) $o")
base=$(peak_kb "count(customer_id) $o")
echo
echo "Per-customer state, $distinct distinct customers (peak resident size over a bare scan's):"
for agg in "repeat_purchase_rate(customer_id)" "upsell_ratio(customer_id, product_id)" "repeat_purchase_rate(customer_code)"; do
    kb=$(peak_kb "$agg $o")
    awk -v a="$agg" -v kb="$kb" -v base="$base" -v n="$distinct" \
        'BEGIN { printf "  %-40s %7.1f MB, %5.1f bytes per customer\n", a, (kb - base) / 1024, (kb - base) * 1024 / n }'
done
dropdb "$db"
