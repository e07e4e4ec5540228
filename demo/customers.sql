-- loyalty_kpi demo, part 2: a subscription customer base, an orders table
-- and a loyalty program, generated in SQL, then retention and churn by
-- month (one scan), the per-customer order KPIs, and the program KPIs.
\set ON_ERROR_STOP on
\pset footer off
SET client_min_messages = warning;
SET TimeZone = 'UTC';
CREATE EXTENSION IF NOT EXISTS loyalty_kpi;
SELECT setseed(0.1127) \g /dev/null

-- 120,000 subscribers acquired 2024-2025, more in spring and after the
-- March 2025 campaign; monthly churn hazard falls with tenure (early
-- leavers), and the 'partner' channel keeps customers longer.
CREATE TABLE customers AS
WITH raw AS (
  SELECT g AS id, (ARRAY['web', 'web', 'store', 'partner'])[1 + floor(random() * 4)::int] AS channel,
         timestamptz '2024-01-01' + (random() ^ 0.8) * interval '730 days' AS acquired_at,
         random() AS u
  FROM generate_series(1, 120000) g
)
SELECT id, channel, acquired_at,
       CASE WHEN u < CASE channel WHEN 'partner' THEN 0.35 ELSE 0.55 END
            THEN acquired_at + (-ln(1 - random()) * CASE channel WHEN 'partner' THEN 420 ELSE 240 END) * interval '1 day'
       END AS churned_at
FROM raw;
-- churn dates after "today" have not happened yet
UPDATE customers SET churned_at = NULL WHERE churned_at > '2026-01-01';
ANALYZE customers;

-- 400,000 orders from 60,000 shoppers in 2025: most buy once or twice, a
-- loyal core buys often; 30 products, the first few popular
CREATE TABLE orders AS
SELECT g AS id, 'C' || lpad((1 + floor(60000 * random() ^ 2.5))::int::text, 6, '0') AS customer_id,
       timestamptz '2025-01-01' + random() * interval '365 days' AS ordered_at,
       round((8 + 60 * random() ^ 2)::numeric, 2) AS amount,
       1 + floor(30 * random() ^ 3)::int AS product_id
FROM generate_series(1, 400000) g;
ANALYZE orders;

-- 80,000 customers who saw the loyalty program in 2025
CREATE TABLE program AS
WITH raw AS (
  SELECT g AS id, random() < 0.42 AS enrolled, random() AS u,
         (ARRAY['web', 'store', 'app'])[1 + floor(random() * 3)::int] AS channel,
         timestamptz '2025-01-01' + random() * interval '365 days' AS seen_at
  FROM generate_series(1, 80000) g
)
SELECT id, enrolled, channel, seen_at,
       CASE WHEN enrolled AND u < 0.8 THEN timestamptz '2026-01-01' - (random() ^ 2) * interval '300 days' END AS last_activity_at,
       CASE WHEN enrolled THEN floor(5 * random() ^ 3)::bigint END AS redemptions,
       CASE WHEN enrolled THEN round((50 + random() * 2000)::numeric)::float8 END AS points_issued,
       CASE WHEN enrolled THEN (ARRAY['bronze', 'bronze', 'bronze', 'silver', 'silver', 'gold', 'platinum'])[1 + floor(random() * 7)::int] END AS tier,
       round((40 + 90 * random() + CASE WHEN enrolled THEN 11 ELSE 0 END + 30 * (random() - 0.5))::numeric, 2)::float8 AS spend
FROM raw;
ALTER TABLE program ADD COLUMN points_redeemed float8;
UPDATE program SET points_redeemed = floor(points_issued * (0.15 + 0.6 * random())) WHERE enrolled;
ANALYZE program;

\echo
\echo Sample: customers(acquired_at, churned_at NULL while subscribed, channel), orders(customer_id text, ordered_at, amount, product_id), program(enrolled, last_activity_at, redemptions, points, tier, spend)
SELECT (SELECT count(*) FROM customers) AS customers, (SELECT count(*) FROM customers WHERE churned_at IS NULL) AS active,
       (SELECT count(*) FROM orders) AS orders, (SELECT count(DISTINCT customer_id) FROM orders) AS shoppers,
       (SELECT count(*) FROM program) AS saw_program;

\echo
\echo Retention and churn for every month of 2025, from one scan of customers (retention_series)
SELECT to_char(period_start, 'YYYY-MM') AS month, start_count AS "S", new_count AS "N", end_count AS "E",
       lost_count AS lost, round(retention_rate::numeric, 1) AS retention,
       round(churn_rate::numeric, 1) AS churn, round(churn_rate_start::numeric, 1) AS "churn/S",
       round(churn_reduction::numeric, 1) AS churn_reduction, round(growth_rate::numeric, 1) AS growth
FROM unnest((SELECT retention_series(acquired_at, churned_at, '2025-01-01', '2026-01-01', '1 month') FROM customers));

\echo
\echo The same for one quarter, per acquisition channel (GROUP BY, then unnest)
SELECT channel, to_char(p.period_start, 'YYYY-MM') AS month, p.new_count AS new_customers,
       round(p.retention_rate::numeric, 1) AS retention, round(p.churn_rate::numeric, 1) AS churn
FROM (SELECT channel, retention_series(acquired_at, churned_at, '2025-10-01', '2026-01-01', '1 month') AS s
      FROM customers GROUP BY channel) g, unnest(g.s) p ORDER BY 1, 2;

\echo
\echo The seed example, retention_rate(S = 100, E = 95, N = 20), and churn on both bases
SELECT retention_rate(100, 95, 20) AS retention, round(churn_rate(100, 95, 20)::numeric, 2) AS churn,
       churn_rate(100, 95, 20, 'start') AS churn_of_start;

\echo
\echo Per-customer order KPIs by quarter of 2025 (customer ids are text; one pass each)
SELECT to_char(date_trunc('quarter', ordered_at), 'YYYY-"Q"Q') AS quarter,
       round(repeat_purchase_rate(customer_id)::numeric, 1) AS repeat_rate,
       round(one_and_done_rate(customer_id)::numeric, 1) AS one_and_done,
       round(purchase_frequency(customer_id)::numeric, 2) AS orders_per_customer,
       round(upsell_ratio(customer_id, product_id)::numeric, 3) AS upsell_ratio
FROM orders GROUP BY 1 ORDER BY 1;

\echo
\echo Loyalty program, 2025
SELECT round(enrollment_rate(enrolled)::numeric, 1) AS enrollment,
       round((active_rate(last_activity_at, '2026-01-01', '90 days') FILTER (WHERE enrolled))::numeric, 1) AS active_90d,
       round(redemption_participation(redemptions)::numeric, 1) AS redeemed_once,
       round(redemption_frequency(redemptions)::numeric, 2) AS redemptions_per_member,
       round(redemption_rate(points_issued, points_redeemed, 'points')::numeric, 1) AS redemption_points,
       round(breakage(points_issued, points_redeemed)::numeric, 1) AS breakage,
       round(points_liability(sum(points_issued - points_redeemed), 0.01,
                              redemption_rate(points_issued, points_redeemed, 'points'))::numeric, 0) AS liability
FROM program;

\echo
\echo Tier distribution, one call
SELECT tier, members, round(share::numeric, 1) AS share FROM unnest((SELECT tier_distribution(tier) FROM program));

\echo
\echo New members per quarter and channel (member growth)
SELECT to_char(date_trunc('quarter', seen_at), 'YYYY-"Q"Q') AS quarter, channel, count(*) FILTER (WHERE enrolled) AS new_members
FROM program GROUP BY 1, 2 ORDER BY 1, 2;

\echo
\echo Member lift in spend, members vs the others, with a Welch t test
SELECT members, others, round(member_mean::numeric, 2) AS member_mean, round(other_mean::numeric, 2) AS other_mean,
       round(lift::numeric, 1) AS lift_pct, round(t_statistic::numeric, 1) AS t, p_value
FROM (SELECT (member_lift(spend, enrolled)).* FROM program) r;

\echo
\echo How long customers stay, per acquisition channel: Kaplan-Meier, customers still active censored at 2026-01-01
CREATE TABLE tenure_by_channel AS
SELECT channel, survival_summary(acquired_at, churned_at, '2026-01-01', '1 day') AS s
FROM customers GROUP BY channel;
SELECT channel, at_risk(s, 0) AS customers,
       round(median_survival(s)::numeric) AS median_days,
       round(median_survival_ci_lower(s)::numeric) AS median_lower, round(median_survival_ci_upper(s)::numeric) AS median_upper,
       round(survival_at(s, 365)::numeric, 3) AS still_active_after_1y,
       round(rmst(s, 365)::numeric, 1) AS mean_days_of_first_year, round(rmst(s, 730)::numeric, 1) AS mean_days_of_first_2y,
       round(rmst_stderr(s, 730)::numeric, 1) AS stderr_2y
FROM tenure_by_channel ORDER BY channel;
\echo Do the channels keep customers equally long? The log-rank test over the three summaries
SELECT round(chi_square::numeric, 1) AS chi_square, degrees_of_freedom, p_value
FROM (SELECT (logrank_test(s)).* FROM tenure_by_channel) t;
\echo The partner curve every 90 days, with 95% intervals (survival_curve gives the value at every distinct tenure)
SELECT d AS days, at_risk(s, d), round(survival_at(s, d)::numeric, 3) AS survival,
       round(survival_ci_lower(s, d)::numeric, 3) AS lower, round(survival_ci_upper(s, d)::numeric, 3) AS upper
FROM tenure_by_channel, generate_series(0, 720, 90) d WHERE channel = 'partner' ORDER BY d;

\echo
\echo Monthly cohort retention from the orders (cohort = month of the first order, as of 2025-12-15):
\echo percent of each cohort ordering again k months later, a dash where month k has not ended yet
WITH cells AS (
  SELECT * FROM unnest((SELECT cohort_retention(customer_id, ordered_at, '1 month', '2025-12-15') FROM orders)))
SELECT to_char(cohort_start, 'YYYY-MM') AS cohort, max(cohort_size) AS customers,
       string_agg(coalesce(lpad(round(retention_rate)::text, 4), '   -'), '' ORDER BY period_offset)
         FILTER (WHERE period_offset BETWEEN 1 AND 11) AS "k=1   2   3   4   5   6   7   8   9  10  11"
FROM cells GROUP BY cohort_start ORDER BY cohort_start;
\echo The headline curve: the pooled rate of each offset over the complete cells
SELECT period_offset AS k, cohorts, cohort_size AS customers, round(retention_rate::numeric, 1) AS retention
FROM cohort_average((SELECT cohort_retention(customer_id, ordered_at, '1 month', '2025-12-15') FROM orders))
WHERE period_offset BETWEEN 1 AND 6;

\echo
\echo Lifecycle per month (the PostHog buckets): new, returning, resurrecting, dormant, and the quick ratio
SELECT to_char(period_start, 'YYYY-MM') AS month, new_count AS new, returning_count AS returning,
       resurrecting_count AS resurrecting, dormant_count AS dormant, round(quick_ratio::numeric, 2) AS quick_ratio
FROM unnest((SELECT lifecycle_counts(customer_id, ordered_at, '2025-01-01', '2026-01-01', '1 month') FROM orders));

\echo
\echo RFM segments at 2026-01-01: recency in days since the last order (lower is better), orders, spend
CREATE TABLE rfm_customers AS
SELECT customer_id, extract(epoch FROM timestamptz '2026-01-01' - max(ordered_at)) / 86400 AS recency,
       count(*)::float8 AS frequency, sum(amount)::float8 AS monetary
FROM orders GROUP BY customer_id;
SELECT rfm_fit(recency, frequency, monetary) AS model FROM rfm_customers \gset
SELECT rfm_segment(rfm_score(:'model', recency, frequency, monetary), '[
  {"segment": "Champions",          "r": [4, 5], "f": [4, 5]},
  {"segment": "Loyal",              "r": [3, 5], "f": [3, 5]},
  {"segment": "New",                "r": [5, 5], "f": [1, 1]},
  {"segment": "Promising",          "r": [4, 4], "f": [1, 1]},
  {"segment": "Potential loyalist", "r": [4, 5], "f": [2, 3]},
  {"segment": "Needs attention",    "r": [3, 3], "f": [2, 3]},
  {"segment": "About to sleep",     "r": [3, 3], "f": [1, 2]},
  {"segment": "Cannot lose them",   "r": [1, 1], "f": [4, 5]},
  {"segment": "At risk",            "r": [1, 2], "f": [3, 5]},
  {"segment": "Hibernating",        "r": [1, 2], "f": [2, 2]},
  {"segment": "Lost",               "r": [1, 2], "f": [1, 1]}]') AS segment,
  count(*) AS customers, round(avg(monetary)::numeric, 2) AS mean_spend
FROM rfm_customers GROUP BY 1 ORDER BY 2 DESC;
