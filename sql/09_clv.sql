-- Customer lifetime value: the seeds' formulas with their worked example,
-- the historical value per customer, the BTYD summary rebuilt from CDNOW's
-- raw transactions, and the BG/NBD and Gamma-Gamma fits against the
-- published estimates (../shared/data/cdnow/README.md).
SET extra_float_digits = 0;

-- ---------------------------------------------------------------------
-- The seeds' forms.  Seed 003: 150 a year for 2 years is 300.
-- ---------------------------------------------------------------------
SELECT clv_basic(150, 2) AS yearly_value_times_years,
       clv_basic(25, 12) AS aov_times_lifespan_in_orders;
-- lifespan from churn: 50% churn a year is a 2-year lifespan, so 300 again;
-- discounted at 10%: 150 * 1.1 / (0.1 + 0.5) = 275; less 40 acquisition: 235
SELECT clv_from_churn(150, 50) AS from_churn,
       clv_from_churn(150, 50, 10) AS discounted,
       clv_from_churn(150, 50, 10, 40) AS net_of_acquisition,
       clv_from_churn(150, 100) AS one_period;
-- seed 000: revenue minus acquisition and service cost
SELECT clv_net(1000, 200, 150) AS net;
-- outside the domain: 22003 with the function and the value
\set VERBOSITY sqlstate
SELECT clv_basic(150, -1);
SELECT clv_basic('NaN', 2);
SELECT clv_from_churn(150, 0);
SELECT clv_from_churn(150, 101);
SELECT clv_from_churn(150, 50, -5);
SELECT clv_from_churn(150, 50, 0, -1);
SELECT clv_net(1000, -1, 0);
\set VERBOSITY default
SELECT clv_from_churn(150, 0);

-- ---------------------------------------------------------------------
-- clv(customer, amount): revenue / distinct customers, by segment
-- ---------------------------------------------------------------------
CREATE TABLE clv_orders (customer_id text, segment text, amount numeric);
INSERT INTO clv_orders VALUES
 ('a', 'web', 100), ('a', 'web', 50), ('b', 'web', 30),
 ('c', 'store', 10), ('c', 'store', 10), ('c', 'store', 10), ('d', 'store', 0.5),
 (NULL, 'store', 999),      -- no customer: skipped
 ('e', 'store', NULL);      -- no amount: skipped (e is not a customer of the KPI)
-- web: 180 / 2 = 90; store: 30.5 / 2 = 15.25; all: 210.5 / 4
SELECT segment, clv(customer_id, amount) FROM clv_orders GROUP BY segment ORDER BY segment;
SELECT clv(customer_id, amount) AS all_segments, 210.5 / 4 AS by_hand FROM clv_orders;
SELECT clv(customer_id, amount) AS no_rows FROM clv_orders WHERE false;
SELECT clv(customer_id, 'Infinity'::float8) FROM clv_orders;

-- ---------------------------------------------------------------------
-- btyd_summary on a hand example (weeks; observation end 2024-03-31):
--   customer 1: first 2024-01-01 (10 + 5 on that day), 2024-01-15 (20),
--     2024-01-15 again (4), 2024-03-04 (30), 2024-04-02 (after the end)
--     -> x = 2, t_x = 63 / 7 = 9, T = 90 / 7, mean of (24, 30) = 27
--   customer 2: a single day -> x = 0, t_x = 0, monetary NULL
--   customer 3: rows given out of order; first day 2024-02-01
--   customer 4: only after the end -> no summary (NULL)
-- ---------------------------------------------------------------------
CREATE TABLE tx (customer_id int, purchased_on date, amount numeric);
INSERT INTO tx VALUES
 (1, '2024-01-15', 20), (1, '2024-01-01', 10), (1, '2024-03-04', 30), (1, '2024-01-01', 5),
 (1, '2024-01-15', 4), (1, '2024-04-02', 1000),
 (2, '2024-03-01', 12), (2, '2024-03-01', 3),
 (3, '2024-03-10', 8), (3, '2024-02-01', 100), (3, '2024-02-08', 6),
 (4, '2024-05-01', 50),
 (5, NULL, 10);
SELECT customer_id, (btyd_summary(purchased_on, amount, '2024-03-31', '7 days')).*,
       90 / 7.0 AS t_by_hand_1
FROM tx GROUP BY customer_id ORDER BY customer_id;
-- the same in days, and from timestamptz purchase times (calendar days in the session's zone)
SET TimeZone = 'America/New_York';
SELECT customer_id, (btyd_summary(purchased_on::timestamptz + interval '20 hours', amount, '2024-03-31', '1 day')).*
FROM tx WHERE customer_id <= 3 GROUP BY customer_id ORDER BY customer_id;
RESET TimeZone;
-- a NULL amount leaves the mean unknown, not wrong
SELECT (btyd_summary(d, a, '2024-12-31', '1 day')).*
FROM (VALUES (date '2024-01-01', 5.0), ('2024-02-01', NULL), ('2024-03-01', 7)) v(d, a);
-- bad arguments
SELECT btyd_summary(purchased_on, amount, '2024-03-31', '1 month') FROM tx;
SELECT btyd_summary(purchased_on, amount, '2024-03-31', '0 days') FROM tx;
SELECT btyd_summary(purchased_on, -amount, '2024-03-31', '1 day') FROM tx;
SELECT btyd_summary(purchased_on, amount, '2024-03-31'::date + customer_id, '1 day') FROM tx;
SELECT btyd_summary(purchased_on, amount, 'infinity', '1 day') FROM tx;

-- ---------------------------------------------------------------------
-- CDNOW: the summary from the raw transactions reproduces the published
-- calibration summary (x exactly; t_x, T, zbar to its two decimals)
-- ---------------------------------------------------------------------
CREATE TABLE cdnow_raw (line text);
\copy cdnow_raw FROM '../shared/data/cdnow/CDNOW_sample.txt'
CREATE TABLE cdnow AS
SELECT f[2]::int AS customer_id, to_date(f[3], 'YYYYMMDD') AS purchased_on, f[5]::numeric AS amount
FROM (SELECT regexp_split_to_array(btrim(line, E' \r'), '\s+') AS f FROM cdnow_raw) s;
CREATE TABLE published (id int, x int, t_x numeric, t numeric, zbar numeric);
\copy published FROM '../shared/data/cdnow/cdnow_customers_summary_with_transactions.csv' CSV HEADER
SELECT count(*) AS transactions, count(DISTINCT customer_id) AS customers FROM cdnow;
CREATE TABLE summary AS
SELECT customer_id, (btyd_summary(purchased_on, amount, '1997-09-30', '7 days')).*
FROM cdnow GROUP BY customer_id;
SELECT count(*) AS customers,
       count(*) FILTER (WHERE s.frequency = p.x) AS x_equal,
       count(*) FILTER (WHERE round(s.recency::numeric, 2) = p.t_x) AS t_x_equal,
       count(*) FILTER (WHERE round(s.age::numeric, 2) = p.t) AS t_equal,
       count(*) FILTER (WHERE round(coalesce(s.monetary_value, 0)::numeric, 2) = p.zbar) AS zbar_equal,
       count(*) FILTER (WHERE (s.monetary_value IS NULL) = (s.frequency = 0)) AS null_mean_iff_no_repeat
FROM summary s FULL JOIN published p ON p.id = s.customer_id;
-- customer 1: the README's example row (x = 2, t_x = 30.43, T = 38.86)
SELECT frequency, round(recency::numeric, 4) AS recency, round(age::numeric, 4) AS age,
       272 / 7.0 AS age_by_hand, round(monetary_value::numeric, 4) AS monetary_value
FROM summary WHERE customer_id = 1;

-- ---------------------------------------------------------------------
-- BG/NBD on the published calibration summary: r = 0.243, alpha = 4.414,
-- a = 0.793, b = 2.426, LL = -9582.4 (Fader, Hardie and Lee 2005)
-- ---------------------------------------------------------------------
CREATE TABLE cdnow_summary (id int, frequency int, recency float8, t float8);
\copy cdnow_summary FROM '../shared/data/cdnow/cdnow_customers_summary.csv' CSV HEADER
CREATE TABLE models AS
SELECT (SELECT bgnbd_fit(frequency, recency, t) FROM cdnow_summary) AS bg,
       (SELECT gamma_gamma_fit(x, zbar) FROM published) AS gg;
SELECT round(parameter(bg, 'r')::numeric, 3) AS r, round(parameter(bg, 'alpha')::numeric, 3) AS alpha,
       round(parameter(bg, 'a')::numeric, 3) AS a, round(parameter(bg, 'b')::numeric, 3) AS b,
       round(log_likelihood(bg)::numeric, 1) AS log_likelihood, fitted_customers(bg) AS customers,
       converged(bg)
FROM models;
-- standard errors (lifetimes reports 0.0125, 0.3782, 0.1855, 0.7054)
SELECT round(standard_error(bg, 'r')::numeric, 4) AS se_r, round(standard_error(bg, 'alpha')::numeric, 3) AS se_alpha,
       round(standard_error(bg, 'a')::numeric, 3) AS se_a, round(standard_error(bg, 'b')::numeric, 3) AS se_b
FROM models;
-- the fit from our own summary (rounded times aside) is the same model
SELECT round(parameter(bgnbd_fit(frequency, recency, age), 'r')::numeric, 3) AS r,
       round(log_likelihood(bgnbd_fit(frequency, recency, age))::numeric, 0) AS log_likelihood
FROM summary;
-- weighted rows: the summary collapsed to distinct (x, t_x, T) gives the same fit
SELECT round(parameter(bgnbd_fit(frequency, recency, t, n), 'alpha')::numeric, 6)
     = round(parameter((SELECT bg FROM models), 'alpha')::numeric, 6) AS weighted_same,
       count(*) AS distinct_rows, sum(n) AS customers
FROM (SELECT frequency, recency, t, count(*)::float8 AS n FROM cdnow_summary GROUP BY 1, 2, 3) w;

-- spot values: 1.226 purchases in the next 39 weeks for x = 2, t_x = 30.43,
-- T = 38.86; a new customer's E[X(t)] = 0.0532, 0.1506, 1.0437, 1.858
SELECT round(expected_purchases(bg, 39, 2, 30.43, 38.86)::numeric, 3) AS next_39_weeks,
       round(expected_purchases(bg, 1)::numeric, 4) AS t1, round(expected_purchases(bg, 3)::numeric, 4) AS t3,
       round(expected_purchases(bg, 32)::numeric, 4) AS t32, round(expected_purchases(bg, 78)::numeric, 3) AS t78,
       expected_purchases(bg, 0) AS t0
FROM models;
-- P(alive): 1 without repeat purchases; by the formula for x = 2, t_x = 30.43, T = 38.86
SELECT probability_alive(bg, 0, 0, 38.86) AS no_repeat,
       round(probability_alive(bg, 2, 30.43, 38.86)::numeric, 6) AS customer_1,
       round((1 / (1 + parameter(bg, 'a') / (parameter(bg, 'b') + 1)
              * ((parameter(bg, 'alpha') + 38.86) / (parameter(bg, 'alpha') + 30.43)) ^ (parameter(bg, 'r') + 2)))::numeric, 6) AS by_formula
FROM models;

-- ---------------------------------------------------------------------
-- Gamma-Gamma on the 946 repeat customers: p = 6.25, q = 3.74,
-- gamma = 15.44, LL = -4055.9; zbar = 0 rows (x = 0) are not in the model
-- ---------------------------------------------------------------------
SELECT round(parameter(gg, 'p')::numeric, 2) AS p, round(parameter(gg, 'q')::numeric, 2) AS q,
       abs(parameter(gg, 'gamma') - 15.44) < 0.01 AS gamma_within_001,
       round(log_likelihood(gg)::numeric, 1) AS log_likelihood, fitted_customers(gg) AS customers,
       converged(gg)
FROM models;
-- at the published estimates the population mean spend is p gamma / (q - 1) = 35.22
SELECT round(expected_spend('v1:gamma_gamma:p=6.25,q=3.74,gamma=15.44;se=NaN,NaN,NaN;log_likelihood=-4055.9;customers=946;iterations=0;converged=true')::numeric, 2)
       AS mean_spend_published;
-- conditional spend: p (gamma + x zbar) / (p x + q - 1); the population mean at x = 0
SELECT round(expected_spend(gg, 2, 22.35)::numeric, 6) AS customer_1,
       round((parameter(gg, 'p') * (parameter(gg, 'gamma') + 2 * 22.35)
              / (parameter(gg, 'p') * 2 + parameter(gg, 'q') - 1))::numeric, 6) AS by_formula,
       expected_spend(gg, 0, NULL) = expected_spend(gg) AS new_customer_is_population_mean,
       expected_spend(gg, 1, NULL) AS repeat_without_mean
FROM models;

-- ---------------------------------------------------------------------
-- CLV: discounted expected purchases x expected spend, per period
-- ---------------------------------------------------------------------
-- 12 monthly periods of 52/12 weeks at 1% a month, by the definition in SQL
SELECT round(predicted_clv(bg, gg, 2, 30.43, 38.86, 22.35, 12, 52 / 12.0, 1)::numeric, 6) AS clv,
       round((SELECT sum((expected_purchases(bg, i * 52 / 12.0, 2, 30.43, 38.86)
                         - expected_purchases(bg, (i - 1) * 52 / 12.0, 2, 30.43, 38.86))
                        * expected_spend(gg, 2, 22.35) / 1.01 ^ i)
              FROM generate_series(1, 12) i)::numeric, 6) AS by_definition,
       round(predicted_clv(bg, gg, 0, 0, 38.86, NULL, 12, 52 / 12.0, 0)::numeric, 6) AS no_repeat_undiscounted,
       round((expected_purchases(bg, 52, 0, 0, 38.86) * expected_spend(gg))::numeric, 6) AS its_definition,
       predicted_clv(bg, gg, 2, 30.43, 38.86, 22.35, 0, 4, 1) AS zero_periods
FROM models;

-- the whole pipeline in one statement: transactions -> summary -> fits -> CLV
WITH summary AS (
  SELECT customer_id, (btyd_summary(purchased_on, amount, '1997-09-30', '7 days')).*
  FROM cdnow GROUP BY customer_id),
fitted AS (
  SELECT bgnbd_fit(frequency, recency, age) AS purchases,
         gamma_gamma_fit(frequency, monetary_value) AS spend FROM summary)
SELECT customer_id, frequency, round(recency::numeric, 2) AS recency, round(monetary_value::numeric, 2) AS monetary_value,
       round(probability_alive(purchases, frequency, recency, age)::numeric, 3) AS p_alive,
       round(predicted_clv(purchases, spend, frequency, recency, age, monetary_value, 12, 52 / 12.0, 1)::numeric, 2) AS clv_next_year
FROM summary, fitted
ORDER BY clv_next_year DESC, customer_id LIMIT 5;

-- ---------------------------------------------------------------------
-- What the data cannot identify, and arguments out of the domain
-- ---------------------------------------------------------------------
SELECT bgnbd_fit(x, t_x, t) FROM (VALUES (0, 0, 10), (0, 0, 20)) v(x, t_x, t);
SELECT bgnbd_fit(x, t_x, t) FROM (VALUES (1, 5, 10)) v(x, t_x, t);
SELECT gamma_gamma_fit(x, z) FROM (VALUES (1, 10)) v(x, z);
-- two customers: the optimizer runs off to a boundary; the model says so
-- (where it stops, and so any standard error, is the optimizer's path)
SELECT converged(m)
FROM (SELECT bgnbd_fit(x, t_x, t) AS m FROM (VALUES (1, 5, 10), (0, 0, 10)) v(x, t_x, t)) f;
-- three customers whom nobody saw drop out: a -> 0 is not identified
SELECT converged(bgnbd_fit(x, t_x, t)) FROM (VALUES (3, 10, 10), (5, 20, 20), (2, 30, 30)) v(x, t_x, t);
-- all spends equal: no spread to fit
SELECT converged(gamma_gamma_fit(x, z)) FROM (VALUES (1, 10), (2, 10), (3, 10)) v(x, z);
-- and a model that did not converge gives no predictions
-- (terse: the detail counts the evaluations, which are the optimizer's path)
\set VERBOSITY terse
SELECT expected_purchases(bgnbd_fit(x, t_x, t), 10) FROM (VALUES (1, 5, 10), (0, 0, 10)) v(x, t_x, t);
\set VERBOSITY default
-- no rows, or NULL rows only: NULL
SELECT bgnbd_fit(x, t_x, t) IS NULL AS empty FROM (VALUES (NULL::int, 1.0, 2.0)) v(x, t_x, t);
SELECT gamma_gamma_fit(x, z) IS NULL AS empty FROM (VALUES (0, 0.0)) v(x, z);
SELECT btyd_summary(purchased_on, amount, '2024-03-31', '7 days') IS NULL AS empty FROM tx WHERE false;
-- as window functions: a running summary per customer, and fits over growing frames
SELECT customer_id, purchased_on,
       btyd_summary(purchased_on, amount, '2024-03-31', '7 days')
         OVER (PARTITION BY customer_id ORDER BY purchased_on, amount) AS running
FROM tx WHERE customer_id = 1 ORDER BY purchased_on, amount;
-- a fit over each partition's frame is the GROUP BY fit of that segment (to 9
-- decimals: the rows arrive in another order, so sums differ in the last bits)
SELECT w.segment, count(*) AS customers, min(w.r) = max(w.r) AS one_fit_per_frame,
       round(min(w.r)::numeric, 9) = round(parameter(g.bg, 'r')::numeric, 9) AS same_as_group_by,
       round(min(w.p)::numeric, 9) = round(parameter(g.gg, 'p')::numeric, 9) AS spend_same_as_group_by
FROM (SELECT c.id % 2 AS segment,
             parameter(bgnbd_fit(c.frequency, c.recency, c.t) OVER (PARTITION BY c.id % 2), 'r') AS r,
             parameter(gamma_gamma_fit(p.x, p.zbar) OVER (PARTITION BY c.id % 2), 'p') AS p
      FROM cdnow_summary c JOIN published p USING (id)) w
JOIN (SELECT c.id % 2 AS segment, bgnbd_fit(c.frequency, c.recency, c.t) AS bg, gamma_gamma_fit(p.x, p.zbar) AS gg
      FROM cdnow_summary c JOIN published p USING (id) GROUP BY 1) g USING (segment)
GROUP BY w.segment, g.bg::text, g.gg::text, parameter(g.bg, 'r'), parameter(g.gg, 'p') ORDER BY w.segment;
-- rows outside the domain: 22023 naming the field and the value
SELECT bgnbd_fit(x, t_x, t) FROM (VALUES (1.5, 5, 10)) v(x, t_x, t);
SELECT bgnbd_fit(x, t_x, t) FROM (VALUES (-1, 0, 10)) v(x, t_x, t);
SELECT bgnbd_fit(x, t_x, t) FROM (VALUES (1, 11, 10)) v(x, t_x, t);
SELECT bgnbd_fit(x, t_x, t) FROM (VALUES (0, 3, 10)) v(x, t_x, t);
SELECT bgnbd_fit(x, t_x, t) FROM (VALUES (1, 3, 'NaN'::float8)) v(x, t_x, t);
SELECT bgnbd_fit(x, t_x, t, w) FROM (VALUES (1, 3, 10, 0)) v(x, t_x, t, w);
SELECT gamma_gamma_fit(x, z) FROM (VALUES (1, -3)) v(x, z);
SELECT expected_purchases(bg, -1) FROM models;
SELECT expected_purchases(bg, 10, 2, 40, 38.86) FROM models;
SELECT probability_alive(bg, 2.5, 1, 38.86) FROM models;
SELECT expected_spend(gg, 2, 0) FROM models;
SELECT predicted_clv(bg, gg, 2, 30.43, 38.86, 22.35, -1, 4, 1) FROM models;
SELECT predicted_clv(bg, gg, 2, 30.43, 38.86, 22.35, 12, 0, 1) FROM models;
SELECT predicted_clv(bg, gg, 2, 30.43, 38.86, 22.35, 12, 4, -1) FROM models;
SELECT parameter(bg, 'beta') FROM models;
-- a spend model with q <= 1 has no finite mean
SELECT expected_spend('v1:gamma_gamma:p=6,q=0.9,gamma=15;se=NaN,NaN,NaN;log_likelihood=-1;customers=10;iterations=0;converged=true');
