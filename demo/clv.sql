-- loyalty_kpi demo, part 3: customer lifetime value.  The sources'
-- formulas on the generated customers and orders of part 2, then CDNOW's
-- real transactions (the data set of the BTYD papers) through the whole
-- pipeline in one statement: per-customer summary, BG/NBD and Gamma-Gamma
-- fits, CLV per customer.
\set ON_ERROR_STOP on
\pset footer off
SET client_min_messages = warning;
SET TimeZone = 'UTC';

\echo
\echo '== CLV by the sources: 150 a year x 2 years; from a 50% churn; discounted at 10%, less 40 to acquire; revenue - costs'
SELECT clv_basic(150, 2) AS yearly_value_x_years, clv_from_churn(150, 50) AS from_churn,
       round(clv_from_churn(150, 50, 10, 40)::numeric, 2) AS discounted_net, clv_net(1000, 200, 150) AS net;

\echo
\echo '== Historical value per customer (revenue / customers) by quarter, from the orders of part 2'
SELECT date_trunc('quarter', ordered_at)::date AS quarter, round(clv(customer_id, amount)::numeric, 2) AS clv,
       round((sum(amount) / count(DISTINCT customer_id))::numeric, 2) AS by_plain_sql
FROM orders GROUP BY 1 ORDER BY 1;

\echo
\echo '== Next year''s CLV from this year''s churn: 150 a year, 8% discount, 40 to acquire, by channel'
SELECT channel, round(churn_rate(acquired_at, churned_at, '2025-01-01', '2026-01-01')::numeric, 1) AS churn_2025,
       round(clv_from_churn(150, churn_rate(acquired_at, churned_at, '2025-01-01', '2026-01-01'), 8, 40)::numeric, 2) AS clv
FROM customers GROUP BY channel ORDER BY channel;

-- CDNOW: 6,919 purchases by 2,357 customers, January 1997 to June 1998
CREATE TABLE cdnow_raw (line text);
\copy cdnow_raw FROM '../shared/data/cdnow/CDNOW_sample.txt'
CREATE TABLE transactions AS
SELECT f[2]::int AS customer_id, to_date(f[3], 'YYYYMMDD') AS purchased_on, f[5]::numeric AS amount
FROM (SELECT regexp_split_to_array(btrim(line, E' \r'), '\s+') AS f FROM cdnow_raw) s;

\echo
\echo '== CDNOW: transactions -> summary (to 1997-09-30, in weeks) -> BG/NBD + Gamma-Gamma -> CLV, one statement'
\echo '   (the 10 most valuable customers of the next 12 months, at 1% a month)'
WITH summary AS (
  SELECT customer_id, (btyd_summary(purchased_on, amount, '1997-09-30', '7 days')).*
  FROM transactions GROUP BY customer_id),
models AS (
  SELECT bgnbd_fit(frequency, recency, age) AS purchases,
         gamma_gamma_fit(frequency, monetary_value) AS spend
  FROM summary)
SELECT customer_id, frequency, round(recency::numeric, 1) AS recency, round(age::numeric, 1) AS age,
       round(monetary_value::numeric, 2) AS mean_spend,
       round(probability_alive(purchases, frequency, recency, age)::numeric, 3) AS p_alive,
       round(expected_purchases(purchases, 52, frequency, recency, age)::numeric, 2) AS purchases_next_52_weeks,
       round(predicted_clv(purchases, spend, frequency, recency, age, monetary_value, 12, 52 / 12.0, 1)::numeric, 2) AS clv_12_months
FROM summary, models
ORDER BY clv_12_months DESC, customer_id LIMIT 10;

-- the per-customer summary and its distinct rows with their counts, the
-- tables the README's examples read; the fitted models, kept to score
-- without refitting (the README's own example creates `models`)
CREATE TABLE customer_summary AS
SELECT customer_id, (btyd_summary(purchased_on, amount, '1997-09-30', '7 days')).*
FROM transactions GROUP BY customer_id;
CREATE TABLE summary_counts AS
SELECT frequency, recency, age, count(*)::float8 AS n FROM customer_summary GROUP BY 1, 2, 3;
CREATE TABLE cdnow_models AS
SELECT bgnbd_fit(frequency, recency, age, interval '7 days') AS purchases,
       gamma_gamma_fit(frequency, monetary_value) AS spend
FROM customer_summary;

\echo
\echo '== The fitted models beside the published estimates (Fader, Hardie and Lee 2005)'
SELECT 'BG/NBD' AS model, n AS parameter, round(parameter(purchases, n)::numeric, 3) AS estimate,
       round(standard_error(purchases, n)::numeric, 3) AS standard_error, published
FROM cdnow_models, unnest(ARRAY['r', 'alpha', 'a', 'b'], ARRAY[0.243, 4.414, 0.793, 2.426]) AS p(n, published)
UNION ALL
SELECT 'Gamma-Gamma', n, round(parameter(spend, n)::numeric, 3), round(standard_error(spend, n)::numeric, 3), published
FROM cdnow_models, unnest(ARRAY['p', 'q', 'gamma'], ARRAY[6.25, 3.74, 15.44]) AS p(n, published);
SELECT round(log_likelihood(purchases)::numeric, 1) AS bgnbd_log_likelihood, converged(purchases) AS bgnbd_converged,
       round(log_likelihood(spend)::numeric, 1) AS gamma_gamma_log_likelihood, converged(spend) AS gamma_gamma_converged,
       round(expected_spend(spend)::numeric, 2) AS population_mean_spend
FROM cdnow_models;

\echo
\echo '== A new customer''s expected purchases in the first t weeks, E[X(t)], beside CDNOW''s actual repeat purchases per customer in the first t weeks (every customer observed to 65)'
SELECT t AS weeks, round(expected_purchases(purchases, t)::numeric, 3) AS expected,
       round((SELECT count(*) - count(DISTINCT customer_id) FROM (
                SELECT DISTINCT customer_id, purchased_on
                FROM transactions JOIN (SELECT customer_id, min(purchased_on) AS first_day FROM transactions GROUP BY 1) f
                     USING (customer_id)
                WHERE purchased_on <= first_day + 7 * t) d)
             / 2357.0, 3) AS actual
FROM cdnow_models, (VALUES (4), (13), (26), (39), (52), (65)) w(t);

\echo
\echo '== Holdout check: calibration to 1997-09-30, the next 39 weeks held out (btyd_summary with a holdout end); BG/NBD and Pareto/NBD fitted to the calibration, their expected holdout purchases per customer beside the actual, by calibration frequency (the BG/NBD paper''s Figure 4)'
CREATE TABLE holdout_summary AS
SELECT customer_id, (btyd_summary(purchased_on, amount, '1997-09-30', '1998-06-30', '7 days')).*
FROM transactions GROUP BY customer_id;
CREATE TABLE holdout_models AS
SELECT bgnbd_fit(frequency, recency, age) AS bg, pareto_nbd_fit(frequency, recency, age) AS pnbd FROM holdout_summary;
SELECT round(log_likelihood(bg)::numeric, 1) AS bgnbd_log_likelihood, round(log_likelihood(pnbd)::numeric, 1) AS pareto_nbd_log_likelihood,
       round(parameter(pnbd, 'r')::numeric, 3) AS pnbd_r, round(parameter(pnbd, 'alpha')::numeric, 3) AS pnbd_alpha,
       round(parameter(pnbd, 's')::numeric, 3) AS pnbd_s, round(parameter(pnbd, 'beta')::numeric, 2) AS pnbd_beta
FROM holdout_models;
SELECT least(frequency, 7) AS calibration_frequency, count(*) AS customers, round(avg(holdout_purchases), 2) AS actual,
       round(avg(expected_purchases(bg, holdout_length, frequency, recency, age))::numeric, 2) AS bgnbd,
       round(avg(expected_purchases(pnbd, holdout_length, frequency, recency, age))::numeric, 2) AS pareto_nbd
FROM holdout_summary, holdout_models GROUP BY 1 ORDER BY 1;

\echo
\echo '== Cumulative repeat purchases every 13 weeks, calibration (to week 39) and holdout, beside both models'' expectations (the BG/NBD paper''s Figure 2)'
WITH cut AS (SELECT k * 13 AS week, date '1997-01-01' + k * 91 - 1 AS day FROM generate_series(1, 6) k),
firsts AS (SELECT customer_id, min(purchased_on) AS first_day FROM transactions GROUP BY 1),
repeat_days AS (SELECT DISTINCT t.customer_id, t.purchased_on FROM transactions t JOIN firsts f USING (customer_id)
                WHERE t.purchased_on > f.first_day)
SELECT week, (SELECT count(*) FROM repeat_days r WHERE r.purchased_on <= cut.day) AS actual,
       round((SELECT sum(expected_purchases(bg, greatest(cut.day - first_day, 0) / 7.0)) FROM firsts)::numeric) AS bgnbd,
       round((SELECT sum(expected_purchases(pnbd, greatest(cut.day - first_day, 0) / 7.0)) FROM firsts)::numeric) AS pareto_nbd
FROM cut, holdout_models ORDER BY week;

\echo
\echo '== Subscriptions: the sBG model (Fader and Hardie 2007) fitted to the paper''s survivors at years 0-7 of 1,000 customers each'
CREATE TABLE subscription_survivors (segment text, year int, alive int);
INSERT INTO subscription_survivors
SELECT 'high end', y - 1, a FROM unnest('{1000,869,743,653,593,551,517,491}'::int[]) WITH ORDINALITY u(a, y)
UNION ALL
SELECT 'regular', y - 1, a FROM unnest('{1000,631,468,382,326,289,262,241}'::int[]) WITH ORDINALITY u(a, y);
CREATE TABLE subscription_models AS
SELECT segment, sbg_fit(year, lost, still_active) AS m
FROM (SELECT segment, year, lag(alive) OVER w - alive AS lost, CASE WHEN year = 7 THEN alive ELSE 0 END AS still_active
      FROM subscription_survivors WINDOW w AS (PARTITION BY segment ORDER BY year)) by_year
WHERE year > 0 GROUP BY segment;
SELECT segment, round(parameter(m, 'alpha')::numeric, 3) AS alpha, round(parameter(m, 'beta')::numeric, 3) AS beta,
       CASE segment WHEN 'high end' THEN '0.668, 3.806' ELSE '0.704, 1.182' END AS published,
       round(log_likelihood(m)::numeric, 1) AS log_likelihood,
       round(discounted_expected_lifetime(m, 10)::numeric, 2) AS del_at_10pct,
       round(discounted_expected_lifetime(m, 10, 7)::numeric, 2) AS derl_after_7_renewals
FROM subscription_models ORDER BY segment;

\echo
\echo '== The projection: survivors of 1,000 at years 8 to 12 and each year''s retention rate, beside one churn rate for everybody fitted to the same years (lost / customer-years at risk), which ignores how customers differ'
WITH constant AS (
  SELECT segment, sum(lost)::float8 / sum(at_risk) AS churn
  FROM (SELECT segment, lag(alive) OVER w - alive AS lost, lag(alive) OVER w AS at_risk
        FROM subscription_survivors WINDOW w AS (PARTITION BY segment ORDER BY year)) x
  GROUP BY segment)
SELECT year, round(1000 * survival_probability(h.m, year)) AS high_end, round(retention_rate(h.m, year)::numeric, 1) AS high_end_retention_pct,
       round(1000 * (1 - hc.churn) ^ year) AS high_end_one_rate,
       round(1000 * survival_probability(r.m, year)) AS regular, round(retention_rate(r.m, year)::numeric, 1) AS regular_retention_pct,
       round(1000 * (1 - rc.churn) ^ year) AS regular_one_rate
FROM subscription_models h JOIN constant hc USING (segment), subscription_models r JOIN constant rc USING (segment),
     generate_series(8, 12) year
WHERE h.segment = 'high end' AND r.segment = 'regular' ORDER BY year;

-- CLVTools' apparel retailer (simulated, 600 customers who first bought on
-- 2005-01-02), with each customer's gender and channel: the tables of the
-- covariate examples (docs/clv.md)
CREATE TABLE apparel_transactions (customer_id int, purchased_on date, amount float8);
\copy apparel_transactions FROM '../shared/data/clvtools/apparelTrans.csv' CSV HEADER
CREATE TABLE apparel_customers (customer_id int, female int, offline int);
\copy apparel_customers FROM '../shared/data/clvtools/apparelStaticCov.csv' CSV HEADER
-- and their weekly covariates, a high season among them (the time-varying example)
CREATE TABLE apparel_weeks (customer_id int, week_start date, high_season int, female int, offline int);
\copy apparel_weeks FROM '../shared/data/clvtools/apparelDynCov.csv' CSV HEADER

\echo
\echo '== Apparel, two years of transactions: Pareto/NBD with the customers'' gender and channel on both processes'
SELECT process, term, round(estimate::numeric, 3) AS estimate, round(standard_error::numeric, 3) AS standard_error,
       round(p_value::numeric, 4) AS p_value
FROM (SELECT pareto_nbd_fit(s.frequency, s.recency, s.age, ARRAY[c.female, c.offline]::float8[],
                            ARRAY['female', 'offline']) AS m
      FROM (SELECT customer_id, (btyd_summary(purchased_on, amount, '2006-12-30', '7 days')).*
            FROM apparel_transactions GROUP BY customer_id) s
      JOIN apparel_customers c USING (customer_id)) f, coefficients(m)
WHERE term IN ('female', 'offline') ORDER BY process DESC, term;
