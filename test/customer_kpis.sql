-- pgTAP: customer-base, per-customer order and loyalty-program KPIs against
-- independent plain-SQL computations on generated data (fixed seed), plus
-- parallel = serial and sliding windows.  One transaction, rolled back.
BEGIN;
CREATE EXTENSION IF NOT EXISTS pgtap;
CREATE EXTENSION IF NOT EXISTS loyalty_kpi;
SELECT no_plan();
SET LOCAL TimeZone = 'UTC';

-- 60,000 customers acquired over 2023-2024; half churn 0-600 days later.
-- One in five dates falls exactly on a month start, so customers acquired
-- or churned exactly at a period boundary are plentiful.
SELECT setseed(0.17);
CREATE TABLE customers AS
SELECT g AS id, (ARRAY['web', 'store', 'partner'])[1 + g % 3] AS channel, a AS acquired_at,
       CASE WHEN random() < 0.5 THEN NULL
            WHEN g % 5 = 1 THEN greatest(a, date_trunc('month', a + random() * interval '600 days'))
            ELSE a + random() * interval '600 days' END AS churned_at
FROM (SELECT g, CASE WHEN g % 5 = 0 THEN date_trunc('month', t) ELSE t END AS a
      FROM (SELECT g, timestamptz '2023-01-01' + random() * interval '730 days' AS t
            FROM generate_series(1, 60000) g) x) y;
UPDATE customers SET acquired_at = NULL WHERE id % 1000 = 7;   -- unknown acquisition: skipped
ANALYZE customers;

-- 120,000 orders from 30,000 customers (skewed: a few buy often, many once),
-- 40 products
CREATE TABLE orders AS
SELECT g AS id, 1 + floor(30000 * random() ^ 3)::bigint AS customer_id,
       timestamptz '2024-01-01' + random() * interval '365 days' AS ordered_at,
       round((5 + random() * 200)::numeric, 2) AS amount,
       CASE WHEN random() < 0.02 THEN NULL ELSE 1 + floor(40 * random() ^ 2)::int END AS product_id
FROM generate_series(1, 120000) g;
UPDATE orders SET customer_id = NULL WHERE id % 997 = 0;
ANALYZE orders;

-- 40,000 loyalty-program rows: one per customer who saw the program
CREATE TABLE members AS
SELECT g AS id, (ARRAY['web', 'store', 'partner'])[1 + g % 3] AS channel,
       CASE WHEN random() < 0.01 THEN NULL ELSE random() < 0.35 END AS enrolled,
       CASE WHEN random() < 0.1 THEN NULL
            ELSE timestamptz '2024-01-01' + random() * interval '200 days' END AS last_activity_at,
       CASE WHEN random() < 0.01 THEN NULL ELSE floor(4 * random() ^ 2)::bigint END AS redemptions,
       round((random() * 1000)::numeric)::float8 AS points_issued,
       (ARRAY['bronze', 'silver', 'gold', 'platinum'])[1 + floor(4 * random() ^ 2)::int] AS tier,
       round((20 + random() * 100 + CASE WHEN g % 2 = 0 THEN 8 ELSE 0 END)::numeric, 2)::float8 AS spend
FROM generate_series(1, 40000) g;
UPDATE members SET tier = NULL WHERE id % 501 = 0;
ALTER TABLE members ADD COLUMN points_redeemed float8;
UPDATE members SET points_redeemed = floor(points_issued * (id % 7) / 7.0);
ANALYZE members;

-- ---------------------------------------------------------------------
-- Retention and churn against the spec's definitions in plain SQL
-- ---------------------------------------------------------------------
CREATE TABLE months AS
SELECT m AS period_start, m + interval '1 month' AS period_end
FROM generate_series(timestamptz '2023-01-01', '2024-12-01', '1 month') m;

CREATE TABLE plain_counts AS
SELECT period_start, period_end,
       count(*) FILTER (WHERE acquired_at < period_start AND (churned_at IS NULL OR churned_at >= period_start)) AS s,
       count(*) FILTER (WHERE acquired_at >= period_start AND acquired_at < period_end) AS n,
       count(*) FILTER (WHERE acquired_at < period_end AND (churned_at IS NULL OR churned_at >= period_end)) AS e,
       count(*) FILTER (WHERE acquired_at < period_start AND churned_at >= period_end
                           OR acquired_at < period_start AND churned_at IS NULL) AS kept
FROM months, customers GROUP BY 1, 2;

SELECT results_eq(
  $$SELECT period_start, start_count, new_count, end_count, start_count + new_count - end_count, retained_count
    FROM unnest((SELECT retention_series(acquired_at, churned_at, '2023-01-01', '2025-01-01', '1 month')
                 FROM customers)) ORDER BY 1$$,
  $$SELECT period_start, s, n, e, s + n - e, kept FROM plain_counts ORDER BY 1$$,
  'the 24-month series has the plain-SQL S, N, E, lost and retained counts for every month');

SELECT results_eq(
  $$SELECT period_start, round(retention_rate::numeric, 9), round(churn_rate::numeric, 9),
           round(churn_rate_start::numeric, 9), round(growth_rate::numeric, 9)
    FROM unnest((SELECT retention_series(acquired_at, churned_at, '2023-01-01', '2025-01-01', '1 month')
                 FROM customers)) ORDER BY 1$$,
  $$SELECT period_start, round(100.0 * (e - n) / nullif(s, 0), 9), round(100.0 * (s + n - e) / nullif(s + n, 0), 9),
           round(100.0 * (s + n - e) / nullif(s, 0), 9), round(100.0 * (e - s) / nullif(s, 0), 9)
    FROM plain_counts ORDER BY 1$$,
  'the series rates are the formulas over the plain-SQL counts (first month: S = 0, rates NULL)');

SELECT results_eq(
  $$SELECT period_start, round(churn_reduction::numeric, 9)
    FROM unnest((SELECT retention_series(acquired_at, churned_at, '2023-01-01', '2025-01-01', '1 month')
                 FROM customers)) ORDER BY 1$$,
  $$SELECT period_start, round((lag(c) OVER (ORDER BY period_start) - c)::numeric, 9)
    FROM (SELECT period_start, 100.0 * (s + n - e) / nullif(s + n, 0) AS c FROM plain_counts) p ORDER BY 1$$,
  'churn reduction is the previous month''s churn minus this month''s');

SELECT results_eq(
  $$SELECT m.period_start, round(retention_rate(acquired_at, churned_at, m.period_start, m.period_end)::numeric, 9),
           round(churn_rate(acquired_at, churned_at, m.period_start, m.period_end)::numeric, 9),
           round(churn_rate(acquired_at, churned_at, m.period_start, m.period_end, 'start')::numeric, 9)
    FROM months m, customers GROUP BY 1 ORDER BY 1$$,
  $$SELECT period_start, round(100.0 * (e - n) / nullif(s, 0), 9), round(100.0 * (s + n - e) / nullif(s + n, 0), 9),
           round(100.0 * (s + n - e) / nullif(s, 0), 9)
    FROM plain_counts ORDER BY 1$$,
  'the single-period aggregates agree with the plain SQL for all 24 months');

SELECT results_eq(
  $$SELECT period_start, round(retention_rate(s, e, n)::numeric, 9), round(churn_rate(s, e, n)::numeric, 9)
    FROM plain_counts WHERE s > 0 ORDER BY 1$$,
  $$SELECT period_start, round(100.0 * (e - n) / s, 9), round(100.0 * (s + n - e) / (s + n), 9)
    FROM plain_counts WHERE s > 0 ORDER BY 1$$,
  'the count forms compute the same formulas');

SELECT results_eq(
  $$SELECT channel, (unnest(retention_series(acquired_at, churned_at, '2024-01-01', '2024-07-01', '1 month'))).new_count
    FROM customers GROUP BY channel ORDER BY 1, 2$$,
  $$SELECT channel, count(*) FILTER (WHERE acquired_at >= m AND acquired_at < m + interval '1 month')
    FROM customers, generate_series(timestamptz '2024-01-01', '2024-06-01', '1 month') m
    GROUP BY channel, m ORDER BY 1, 2$$,
  'member growth per period and channel: new_count of a series grouped by channel');

SELECT results_eq(
  $$SELECT period_start, start_count, end_count FROM unnest((
      SELECT retention_series(acquired_at, churned_at, '2023-01-01', '2025-01-01', '7 days') FROM customers)) ORDER BY 1$$,
  $$SELECT w, count(*) FILTER (WHERE acquired_at < w AND (churned_at IS NULL OR churned_at >= w)),
              count(*) FILTER (WHERE acquired_at < least(w + interval '7 days', '2025-01-01')
                               AND (churned_at IS NULL OR churned_at >= least(w + interval '7 days', '2025-01-01')))
    FROM generate_series(timestamptz '2023-01-01', '2024-12-31', '7 days') w, customers GROUP BY w ORDER BY 1$$,
  'weekly steps, with the last week cut at the end of the range');

SELECT throws_ok($$SELECT retention_rate(acquired_at, churned_at, '2024-02-01', '2024-01-01') FROM customers$$,
                 '22023', NULL, 'end before start: 22023');
SELECT throws_ok($$SELECT retention_rate(5, 10, -1)$$, '22023', NULL, 'negative count: 22023');
SELECT throws_ok($$SELECT retention_rate(0, 0, 0)$$, '22012', NULL, 'S = 0 in the count form: 22012');
SELECT throws_ok($$SELECT churn_rate(acquired_at, acquired_at - interval '1 day', '2024-01-01', '2024-02-01') FROM customers$$,
                 '22023', NULL, 'churned before acquired: 22023');
SELECT is((SELECT retention_rate(acquired_at, churned_at, '2024-01-01', '2024-02-01') FROM customers WHERE false),
          NULL, 'no rows: NULL');

-- ---------------------------------------------------------------------
-- Per-customer order KPIs against GROUP BY customer_id in a subquery
-- ---------------------------------------------------------------------
CREATE TABLE per_customer AS
SELECT customer_id, count(*) AS orders, count(DISTINCT product_id) AS products
FROM orders WHERE customer_id IS NOT NULL GROUP BY customer_id;

SELECT is((SELECT round(repeat_purchase_rate(customer_id)::numeric, 9) FROM orders),
          (SELECT round(100.0 * count(*) FILTER (WHERE orders >= 2) / count(*), 9) FROM per_customer),
          'repeat purchase rate');
SELECT is((SELECT round(one_and_done_rate(customer_id)::numeric, 9) FROM orders),
          (SELECT round(100.0 * count(*) FILTER (WHERE orders = 1) / count(*), 9) FROM per_customer),
          'one-and-done rate');
SELECT is((SELECT round(purchase_frequency(customer_id)::numeric, 9) FROM orders),
          (SELECT round(sum(orders)::numeric / count(*), 9) FROM per_customer),
          'purchase frequency');
SELECT is((SELECT round(upsell_ratio(customer_id, product_id)::numeric, 9) FROM orders),
          (SELECT round(count(*) FILTER (WHERE products > 1)::numeric / count(*) FILTER (WHERE products = 1), 9)
           FROM per_customer),
          'upsell ratio');
SELECT results_eq(
  $$SELECT date_trunc('quarter', ordered_at), round(repeat_purchase_rate(customer_id)::numeric, 9),
           round(upsell_ratio(customer_id, product_id)::numeric, 9)
    FROM orders GROUP BY 1 ORDER BY 1$$,
  $$SELECT q, round(100.0 * count(*) FILTER (WHERE n >= 2) / count(*), 9),
           round(count(*) FILTER (WHERE p > 1)::numeric / nullif(count(*) FILTER (WHERE p = 1), 0), 9)
    FROM (SELECT date_trunc('quarter', ordered_at) AS q, customer_id, count(*) AS n, count(DISTINCT product_id) AS p
          FROM orders WHERE customer_id IS NOT NULL GROUP BY 1, 2) c GROUP BY q ORDER BY 1$$,
  'per quarter (GROUP BY), repeat rate and upsell ratio');
SELECT is((SELECT array[repeat_purchase_rate('cust-' || customer_id), repeat_purchase_rate(md5(customer_id::text)::uuid),
                        repeat_purchase_rate(customer_id::int), repeat_purchase_rate(customer_id::numeric)]
           FROM orders),
          (SELECT array_fill(repeat_purchase_rate(customer_id), array[4]) FROM orders),
          'text, uuid, int and numeric ids give the bigint answer');
SELECT is((SELECT upsell_ratio('cust-' || customer_id, 'p' || product_id) FROM orders),
          (SELECT upsell_ratio(customer_id, product_id) FROM orders),
          'text customers and products give the integer answer');

-- ---------------------------------------------------------------------
-- Loyalty-program KPIs against plain SQL
-- ---------------------------------------------------------------------
SELECT results_eq(
  $$SELECT channel, round(enrollment_rate(enrolled)::numeric, 9) FROM members GROUP BY 1 ORDER BY 1$$,
  $$SELECT channel, round(100.0 * count(*) FILTER (WHERE enrolled) / count(enrolled), 9) FROM members GROUP BY 1 ORDER BY 1$$,
  'enrollment rate per channel');
SELECT is((SELECT round(active_rate(last_activity_at, '2024-06-01', '90 days')::numeric, 9) FROM members),
          (SELECT round(100.0 * count(*) FILTER (WHERE last_activity_at >= timestamptz '2024-06-01' - interval '90 days'
                                                   AND last_activity_at < '2024-06-01') / count(*), 9) FROM members),
          'active rate: activity in [as_of - 90 days, as_of), never-active members in the base');
SELECT is((SELECT array[round(redemption_participation(redemptions)::numeric, 9),
                        round(redemption_frequency(redemptions)::numeric, 9)] FROM members),
          (SELECT array[round(100.0 * count(*) FILTER (WHERE redemptions > 0) / count(redemptions), 9),
                        round(sum(redemptions)::numeric / count(redemptions), 9)] FROM members),
          'redemption participation and frequency');
SELECT is((SELECT array[round(redemption_rate(points_issued, points_redeemed, 'points')::numeric, 9),
                        round(redemption_rate(points_issued, points_redeemed, 'members')::numeric, 9),
                        round(breakage(points_issued, points_redeemed)::numeric, 9)] FROM members),
          (SELECT array[round(100 * sum(points_redeemed::numeric) / sum(points_issued::numeric), 9),
                        round(100.0 * count(*) FILTER (WHERE points_redeemed > 0) / count(*), 9),
                        round(100 * (sum(points_issued::numeric) - sum(points_redeemed::numeric)) / sum(points_issued::numeric), 9)]
           FROM members),
          'redemption rate on points and on members, and breakage');
SELECT results_eq(
  $$SELECT tier, members, round(share::numeric, 9) FROM unnest((SELECT tier_distribution(tier) FROM members))$$,
  $$SELECT tier, count(*), round(100.0 * count(*) / sum(count(*)) OVER (), 9)
    FROM members WHERE tier IS NOT NULL GROUP BY tier ORDER BY tier$$,
  'tier distribution: every tier''s share in one call');
SELECT is((SELECT array[members, others, round(member_mean::numeric, 9), round(other_mean::numeric, 9),
                        round(lift::numeric, 9), round(t_statistic::numeric, 9), round(degrees_of_freedom::numeric, 6)]
           FROM (SELECT (member_lift(spend, enrolled)).* FROM members) r),
          (SELECT array[m.n, o.n, round(m.mean, 9), round(o.mean, 9), round(100 * (m.mean - o.mean) / o.mean, 9),
                        round((m.mean - o.mean) / sqrt(m.v / m.n + o.v / o.n), 9),
                        round((m.v / m.n + o.v / o.n) ^ 2 / ((m.v / m.n) ^ 2 / (m.n - 1) + (o.v / o.n) ^ 2 / (o.n - 1)), 6)]
           FROM (SELECT count(*) AS n, avg(spend::numeric) AS mean, var_samp(spend::numeric) AS v
                 FROM members WHERE enrolled) m,
                (SELECT count(*) AS n, avg(spend::numeric) AS mean, var_samp(spend::numeric) AS v
                 FROM members WHERE NOT enrolled) o),
          'member lift: means, lift, Welch t and degrees of freedom');
SELECT ok((SELECT p_value < 1e-6 FROM (SELECT (member_lift(spend, id % 2 = 0)).* FROM members) r),
          'a real 8-unit difference in mean spend on 20,000 per arm is significant');
SELECT ok((SELECT p_value > 0.001 FROM (SELECT (member_lift(spend, id % 4 = 0)).* FROM members WHERE id % 2 = 0) r),
          'no difference between two halves of the same arm: not significant');

-- ---------------------------------------------------------------------
-- Parallel plans give the serial answers
-- ---------------------------------------------------------------------
\ir include/plan_of.sql

CREATE TABLE serial_results AS
SELECT (SELECT retention_series(acquired_at, churned_at, '2023-01-01', '2025-01-01', '1 month')::text FROM customers) AS series,
       (SELECT churn_rate(acquired_at, churned_at, '2024-01-01', '2024-02-01', 'start') FROM customers) AS churn,
       (SELECT array[repeat_purchase_rate(customer_id), one_and_done_rate(customer_id),
                     purchase_frequency(customer_id), upsell_ratio('c' || customer_id, product_id)] FROM orders) AS orders,
       (SELECT array[enrollment_rate(enrolled), active_rate(last_activity_at, '2024-06-01', '90 days'),
                     redemption_frequency(redemptions)] FROM members) AS counts,
       (SELECT tier_distribution(tier)::text FROM members) AS tiers,
       (SELECT array[round(redemption_rate(points_issued, points_redeemed, 'points')::numeric, 9),
                     round(breakage(points_issued, points_redeemed)::numeric, 9),
                     round((member_lift(spend, enrolled)).t_statistic::numeric, 9)] FROM members) AS sums;

SET LOCAL parallel_setup_cost = 0;
SET LOCAL parallel_tuple_cost = 0;
SET LOCAL min_parallel_table_scan_size = 0;
SET LOCAL max_parallel_workers_per_gather = 2;
SET LOCAL parallel_leader_participation = off;

SELECT matches(plan_of($$SELECT repeat_purchase_rate(customer_id), upsell_ratio(customer_id, product_id) FROM orders$$),
               'Workers Launched: [12].*Partial Aggregate', 'the order KPIs aggregate partially in launched workers');
SELECT matches(plan_of($$SELECT retention_series(acquired_at, churned_at, '2023-01-01', '2025-01-01', '1 month') FROM customers$$),
               'Partial Aggregate', 'so does the retention series');
SELECT matches(plan_of($$SELECT tier_distribution(tier), member_lift(spend, enrolled) FROM members$$),
               'Partial Aggregate', 'and the program KPIs');
SELECT results_eq(
  $$SELECT (SELECT retention_series(acquired_at, churned_at, '2023-01-01', '2025-01-01', '1 month')::text FROM customers),
           (SELECT churn_rate(acquired_at, churned_at, '2024-01-01', '2024-02-01', 'start') FROM customers),
           (SELECT array[repeat_purchase_rate(customer_id), one_and_done_rate(customer_id),
                         purchase_frequency(customer_id), upsell_ratio('c' || customer_id, product_id)] FROM orders),
           (SELECT array[enrollment_rate(enrolled), active_rate(last_activity_at, '2024-06-01', '90 days'),
                         redemption_frequency(redemptions)] FROM members),
           (SELECT tier_distribution(tier)::text FROM members),
           (SELECT array[round(redemption_rate(points_issued, points_redeemed, 'points')::numeric, 9),
                         round(breakage(points_issued, points_redeemed)::numeric, 9),
                         round((member_lift(spend, enrolled)).t_statistic::numeric, 9)] FROM members)$$,
  $$SELECT * FROM serial_results$$,
  'parallel results equal serial results for every new aggregate (float sums to 9 decimals)');

RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;
RESET parallel_leader_participation;

-- Partitionwise aggregation hands partial states up inside one process,
-- without serializing them: the combine functions must copy, not keep, them
CREATE TABLE orders_by_hash (customer_id bigint, product_id int, ordered_at timestamptz) PARTITION BY HASH (customer_id);
CREATE TABLE orders_by_hash_0 PARTITION OF orders_by_hash FOR VALUES WITH (modulus 3, remainder 0);
CREATE TABLE orders_by_hash_1 PARTITION OF orders_by_hash FOR VALUES WITH (modulus 3, remainder 1);
CREATE TABLE orders_by_hash_2 PARTITION OF orders_by_hash FOR VALUES WITH (modulus 3, remainder 2);
INSERT INTO orders_by_hash SELECT customer_id, product_id, ordered_at FROM orders;
ANALYZE orders_by_hash;
CREATE TABLE whole_plan_results AS
SELECT product_id % 3 AS k, repeat_purchase_rate(customer_id) AS r, upsell_ratio(customer_id, product_id) AS u,
       tier_distribution(product_id::text)::text AS t
FROM orders_by_hash GROUP BY 1;
SET LOCAL enable_partitionwise_aggregate = on;
SET LOCAL max_parallel_workers_per_gather = 0;
SELECT matches(plan_of($$SELECT product_id % 3, repeat_purchase_rate(customer_id) FROM orders_by_hash GROUP BY 1$$),
               'Partial (Hash|Group)?Aggregate', 'partitionwise aggregation combines partial states in one process');
SELECT results_eq(
  $$SELECT product_id % 3, repeat_purchase_rate(customer_id), upsell_ratio(customer_id, product_id),
           tier_distribution(product_id::text)::text FROM orders_by_hash GROUP BY 1 ORDER BY 1$$,
  $$SELECT * FROM whole_plan_results ORDER BY 1$$,
  'partitionwise results equal the whole-table plan');
RESET enable_partitionwise_aggregate;
RESET max_parallel_workers_per_gather;

-- ---------------------------------------------------------------------
-- Windows: a sliding frame equals recomputing each frame from scratch
-- ---------------------------------------------------------------------
CREATE TABLE recent_orders AS SELECT * FROM orders WHERE id <= 3000;
SELECT is_empty(
  $$SELECT id, repeat_purchase_rate(customer_id) OVER w, purchase_frequency(customer_id) OVER w,
           upsell_ratio(customer_id, product_id) OVER w
    FROM recent_orders WINDOW w AS (ORDER BY id ROWS BETWEEN 49 PRECEDING AND CURRENT ROW)
    EXCEPT
    SELECT r.id, repeat_purchase_rate(f.customer_id), purchase_frequency(f.customer_id),
           upsell_ratio(f.customer_id, f.product_id)
    FROM recent_orders r JOIN recent_orders f ON f.id BETWEEN r.id - 49 AND r.id GROUP BY r.id$$,
  'a 50-order sliding window equals per-row recomputation for the order KPIs');

CREATE TABLE recent_customers AS SELECT * FROM customers WHERE id <= 3000;
SELECT is_empty(
  $$SELECT id, retention_rate(acquired_at, churned_at, '2024-01-01', '2024-02-01') OVER w,
           retention_series(acquired_at, churned_at, '2023-06-01', '2024-06-01', '1 month') OVER w
    FROM recent_customers WINDOW w AS (ORDER BY id ROWS BETWEEN 99 PRECEDING AND CURRENT ROW)
    EXCEPT
    SELECT r.id, retention_rate(f.acquired_at, f.churned_at, '2024-01-01', '2024-02-01'),
           retention_series(f.acquired_at, f.churned_at, '2023-06-01', '2024-06-01', '1 month')
    FROM recent_customers r JOIN recent_customers f ON f.id BETWEEN r.id - 99 AND r.id GROUP BY r.id$$,
  'a 100-customer sliding window equals per-row recomputation for retention and the series');

CREATE TABLE recent_members AS SELECT * FROM members WHERE id <= 3000;
SELECT is_empty(
  $$SELECT id, enrollment_rate(enrolled) OVER w, active_rate(last_activity_at, '2024-06-01', '90 days') OVER w,
           redemption_participation(redemptions) OVER w, tier_distribution(tier) OVER w
    FROM recent_members WINDOW w AS (ORDER BY id ROWS BETWEEN 29 PRECEDING AND CURRENT ROW)
    EXCEPT
    SELECT r.id, enrollment_rate(f.enrolled), active_rate(f.last_activity_at, '2024-06-01', '90 days'),
           redemption_participation(f.redemptions), tier_distribution(f.tier)
    FROM recent_members r JOIN recent_members f ON f.id BETWEEN r.id - 29 AND r.id GROUP BY r.id$$,
  'a 30-member sliding window equals per-row recomputation for the program KPIs');

-- ---------------------------------------------------------------------
-- Short ids are hashed and compared with overlapping 8- and 4-byte loads
-- (1.10): text ids of every length from 0 to 40 bytes, and uuids, that
-- differ from one another only in their first, a middle or their last
-- byte (where the loads overlap), each ordered once or twice: the
-- per-customer KPIs count them as the plain SQL does
CREATE TABLE short_ids AS
SELECT CASE WHEN n = 0 THEN '' ELSE overlay(repeat('x', n) PLACING c FROM p + 1) END AS code
FROM generate_series(0, 40) n, LATERAL (SELECT DISTINCT unnest(ARRAY[0, n / 2, greatest(n - 1, 0), least(7, greatest(n - 1, 0)), least(8, greatest(n - 1, 0))]) AS p) q,
     unnest(ARRAY['a', 'b']) c;
CREATE TABLE short_id_orders AS
SELECT code, md5(code)::uuid AS id_uuid FROM short_ids, generate_series(1, 1 + (length(code) + ascii(right(code || 'a', 1))) % 2);
INSERT INTO short_id_orders
SELECT NULL, overlay(u PLACING c FROM p)::uuid
FROM (VALUES ('00000000-0000-0000-0000-000000000000')) v(u),
     -- the hex digits of bytes 0, 7, 8 and 15
     unnest(ARRAY[1, 17, 20, 36]) p, unnest(ARRAY['a', 'b']) c, generate_series(1, 1 + p % 2);
SELECT is((SELECT ARRAY[repeat_purchase_rate(code), one_and_done_rate(code), purchase_frequency(code)] FROM short_id_orders),
          (SELECT ARRAY[100.0 * count(*) FILTER (WHERE n >= 2) / count(*), 100.0 * count(*) FILTER (WHERE n = 1) / count(*),
                        sum(n)::float8 / count(*)]::float8[]
           FROM (SELECT code, count(*) AS n FROM short_id_orders WHERE code IS NOT NULL GROUP BY code) c),
          'text ids of 0 to 40 bytes that differ in one byte: the per-customer KPIs count them as GROUP BY does');
SELECT is((SELECT ARRAY[repeat_purchase_rate(id_uuid), purchase_frequency(id_uuid)] FROM short_id_orders),
          (SELECT ARRAY[100.0 * count(*) FILTER (WHERE n >= 2) / count(*), sum(n)::float8 / count(*)]::float8[]
           FROM (SELECT id_uuid, count(*) AS n FROM short_id_orders GROUP BY id_uuid) c),
          'uuids that differ in one byte: the per-customer KPIs count them as GROUP BY does');

SELECT * FROM finish();
ROLLBACK;
