-- Pareto/NBD (Schmittlein, Morrison and Colombo 1987) on CDNOW's calibration
-- summary: the published fit (Fader, Hardie and Lee 2005: r = 0.553,
-- alpha = 10.578, s = 0.606, beta = 11.669, log-likelihood -9595.0) beside
-- BG/NBD and MBG/NBD; the likelihood and P(alive) against the integral
-- written out in plain SQL (Simpson's rule), on CDNOW and in the hard
-- corners (large x, large T, alpha equal to, near, far from beta);
-- predictions against their closed forms; the time-unit form; parallel =
-- serial; stored forms; bad input.
SET extra_float_digits = 0;

CREATE TABLE pnbd_cdnow (id int, x int, t_x float8, t float8, zbar float8);
\copy pnbd_cdnow FROM '../shared/data/cdnow/cdnow_customers_summary_with_transactions.csv' CSV HEADER
CREATE TABLE pnbd_models AS
SELECT pareto_nbd_fit(x, t_x, t) AS pnbd, bgnbd_fit(x, t_x, t) AS bg, mbgnbd_fit(x, t_x, t) AS mbg,
       gamma_gamma_fit(x, zbar) AS gg
FROM pnbd_cdnow;

-- the published estimates (beta, whose standard error is 6, to two decimals)
SELECT round(parameter(pnbd, 'r')::numeric, 3) AS r, round(parameter(pnbd, 'alpha')::numeric, 3) AS alpha,
       round(parameter(pnbd, 's')::numeric, 3) AS s, round(parameter(pnbd, 'beta')::numeric, 2) AS beta,
       round(log_likelihood(pnbd)::numeric, 1) AS log_likelihood, converged(pnbd),
       round(standard_error(pnbd, 'beta')::numeric, 1) AS beta_se
FROM pnbd_models;
-- beside the other purchase models
SELECT model, round(ll::numeric, 1) AS log_likelihood
FROM pnbd_models, LATERAL (VALUES ('Pareto/NBD', log_likelihood(pnbd)), ('BG/NBD', log_likelihood(bg)),
                                  ('MBG/NBD', log_likelihood(mbg))) v(model, ll);

-- ln (a)_k, the rising factorial, in plain SQL
CREATE FUNCTION pg_temp.lpoch(a float8, k int) RETURNS float8 LANGUAGE sql IMMUTABLE AS
$$ SELECT coalesce(sum(ln(a + j)), 0) FROM generate_series(0, k - 1) j $$;
-- s I / D, the odds of having left between t_x and T against being alive at T:
-- D = (al+T)^-(r+x) (be+T)^-s, I = int_{t_x}^{T} (al+u)^-(r+x) (be+u)^-(s+1) du,
-- by Simpson's rule in v = ln(al+u) with n intervals, each node divided by D in logs
CREATE FUNCTION pg_temp.odds_sql(r float8, al float8, s float8, be float8, x float8, t_x float8, t float8, n int)
RETURNS float8 LANGUAGE sql IMMUTABLE AS $$
  SELECT coalesce(sum(CASE WHEN k = 0 OR k = n THEN 1 WHEN k % 2 = 1 THEN 4 ELSE 2 END
                      * exp((1 - r - x) * v + (r + x) * ln(al + t) + s * ln(be + t) - (s + 1) * ln(be - al + exp(v)))
                      * s * h / 3), 0)
  FROM (SELECT (ln(al + t) - ln(al + t_x)) / n AS h) step,
       LATERAL (SELECT k, ln(al + t_x) + k * h AS v FROM generate_series(0, n) k WHERE t > t_x) nodes $$;

-- the likelihood at the fit, and P(alive), customer by customer against plain SQL:
-- LL = ln (r)_x + r ln al + s ln be + ln D + ln(1 + s I / D), P(alive) = 1 / (1 + s I / D)
CREATE TABLE pnbd_sql AS
SELECT d.*, p.*, pg_temp.odds_sql(r, al, s, be, x, t_x, t, 2000) AS odds
FROM (SELECT x, t_x, t, count(*) AS customers FROM pnbd_cdnow GROUP BY 1, 2, 3) d,
     (SELECT pnbd, parameter(pnbd, 'r') AS r, parameter(pnbd, 'alpha') AS al, parameter(pnbd, 's') AS s,
             parameter(pnbd, 'beta') AS be FROM pnbd_models) p;
SELECT count(*) AS distinct_rows,
       round((min(log_likelihood(pnbd)) - sum(customers * (pg_temp.lpoch(r, x) + r * ln(al) + s * ln(be)
                                                            - (r + x) * ln(al + t) - s * ln(be + t) + ln(1 + odds))))::numeric,
             8) AS loglik_minus_sql,
       max(abs(probability_alive(pnbd, x, t_x, t) * (1 + odds) - 1)) < 1e-9 AS p_alive_matches
FROM pnbd_sql;

-- the hard corners, at models written as text: alpha = beta, alpha within 1e-9 of beta,
-- alpha 25 times beta and the other way round, r and s above 1; customers with no repeat
-- purchase, the CDNOW example, x = 400 a moment before T, a large T (P(alive) near 1e-140),
-- the last purchase at T
CREATE FUNCTION pg_temp.pnbd(r float8, al float8, s float8, be float8) RETURNS pareto_nbd_model
LANGUAGE sql IMMUTABLE AS $$
  SELECT format('v3:pareto_nbd:r=%s,alpha=%s,s=%s,beta=%s;se=NaN,NaN,NaN,NaN;cov=%s;log_likelihood=-1;customers=100;iterations=1;converged=true',
                r, al, s, be, array_to_string(array_fill('NaN'::text, ARRAY[16]), ','))::pareto_nbd_model $$;
CREATE TABLE pnbd_corners AS
SELECT m.*, c.*, probability_alive(pg_temp.pnbd(r, al, s, be), x, t_x, t) AS p_alive,
       1 / (1 + pg_temp.odds_sql(r, al, s, be, x, t_x, t, 20000)) AS p_sql
FROM (VALUES (0.55, 10.0, 0.6, 10.0), (0.55, 10.0, 0.6, 10.00000001), (0.55, 50.0, 0.6, 2.0),
             (0.55, 2.0, 0.6, 50.0), (2.0, 5.0, 3.0, 5.5)) m(r, al, s, be),
     (VALUES (0, 0.0, 39.0), (2, 30.43, 38.86), (400, 38.8, 38.86), (50, 10.0, 10000.0), (3, 20.0, 20.0)) c(x, t_x, t);
SELECT x, t_x, t, min(p_alive) AS smallest_p_alive, max(abs(p_alive / p_sql - 1)) < 1e-8 AS matches_sql
FROM pnbd_corners GROUP BY x, t_x, t ORDER BY x, t;

-- farther corners, against P(alive) and its gradient in the log-parameters at 60 digits
-- (test/reference/pareto_nbd_alive_reference.py: the integral by its closed form in Gauss's
-- 2F1, mpmath): beta / alpha from 1e-4 to 1e4, where the series alone would take up to
-- 40,000 terms; s = 16.6 with beta = 2000; 40 purchases in the first 5 of 30 weeks.  The
-- error is taken relative to the smaller of P and 1 - P (beside the rounding of a P near 1),
-- the gradient's (one log-parameter at a time, as the standard error of a model whose
-- covariance is that parameter's unit) relative to P (1 - P)
CREATE TABLE pnbd_far (r float8, alpha float8, s float8, beta float8, x int, t_x float8, t float8,
                       p_alive float8, p_gone float8, d_log_r float8, d_log_alpha float8, d_log_s float8,
                       d_log_beta float8);
\copy pnbd_far FROM 'test/reference/pareto_nbd_alive.csv' CSV HEADER
CREATE FUNCTION pg_temp.pnbd_unit(r float8, al float8, s float8, be float8, i int) RETURNS pareto_nbd_model
LANGUAGE sql IMMUTABLE AS $$
  SELECT replace(pg_temp.pnbd(r, al, s, be)::text, 'cov=' || array_to_string(array_fill('NaN'::text, ARRAY[16]), ','),
                 'cov=' || (SELECT string_agg(CASE WHEN k = 5 * (i - 1) THEN '1' ELSE '0' END, ',' ORDER BY k)
                            FROM generate_series(0, 15) k))::pareto_nbd_model $$;
SELECT count(*) AS customers, count(DISTINCT (r, alpha, s, beta)) AS models,
       bool_and(abs(probability_alive(pg_temp.pnbd(r, alpha, s, beta), x, t_x, t) - p_alive)
                <= 1e-12 * least(p_alive, p_gone) + 2e-16) AS p_alive_matches,
       max(greatest(abs((probability_alive_interval(pg_temp.pnbd_unit(r, alpha, s, beta, 1), x, t_x, t)).standard_error - abs(d_log_r)),
                    abs((probability_alive_interval(pg_temp.pnbd_unit(r, alpha, s, beta, 2), x, t_x, t)).standard_error - abs(d_log_alpha)),
                    abs((probability_alive_interval(pg_temp.pnbd_unit(r, alpha, s, beta, 3), x, t_x, t)).standard_error - abs(d_log_s)),
                    abs((probability_alive_interval(pg_temp.pnbd_unit(r, alpha, s, beta, 4), x, t_x, t)).standard_error - abs(d_log_beta)))
           / (p_alive * p_gone)) < 1e-9 AS gradient_matches
FROM pnbd_far;

-- DERT (discounted_expected_transactions): (r+x)/(al+T) P(alive) E[1/(delta + mu)], mu ~
-- Gamma(s, be+T), delta = ln(1 + rate/100), against the same script's values at 60 digits
-- (mpmath's quadrature): z = delta (be+T) from 0.005 to 500 (the fraction above 1, the series
-- below, the recurrence J(s+1) = (1 - z J(s))/s from there for 2 <= s < 50), s from 0.56 to 500,
-- exactly 1 and 1 + 1e-7.  Within 2.2e-14 up to s = 60; at s = 500, 1.2e-12 (P(alive)'s series
-- there)
CREATE TABLE pnbd_dert (r float8, alpha float8, s float8, beta float8, x int, t_x float8, t float8, rate float8,
                        z float8, dert float8);
\copy pnbd_dert FROM 'test/reference/pareto_nbd_dert.csv' CSV HEADER
SELECT count(*) AS values, count(*) FILTER (WHERE z < 1) AS below_one,
       max(abs(discounted_expected_transactions(pg_temp.pnbd(r, alpha, s, beta), rate, x, t_x, t) / dert - 1)) < 5e-12
         AS dert_matches,
       bool_and((i).estimate = discounted_expected_transactions(pg_temp.pnbd(r, alpha, s, beta), rate, x, t_x, t))
         AS interval_estimate
FROM pnbd_dert, LATERAL (SELECT discounted_expected_transactions_interval(pg_temp.pnbd(r, alpha, s, beta), rate, x, t_x, t) AS i) i;
-- at the CDNOW fit: inside its interval, and more purchases ahead at a lower rate
SELECT (i).lower < (i).estimate AND (i).estimate < (i).upper AS inside,
       discounted_expected_transactions(pnbd, 1, 2, 30.43, 38.86) > discounted_expected_transactions(pnbd, 10, 2, 30.43, 38.86)
         AS lower_rate_more,
       (SELECT discounted_expected_transactions(pareto_nbd_fit(x, t_x, t, interval '7 days'), 10, 2, 30.43, 38.86,
                                                interval '7 days') FROM pnbd_cdnow)
         = discounted_expected_transactions(pnbd, 10, 2, 30.43, 38.86) AS time_unit_form
FROM pnbd_models, LATERAL (SELECT discounted_expected_transactions_interval(pnbd, 10, 2, 30.43, 38.86) AS i) i;

-- a fit where beta is some 50 alpha: 4,000 customers drawn in SQL from the model with r = s = 1
-- (exponential rates: buying at rate 1/2 a week on average, leaving at 1/100), up to 104 weeks
-- (at most 200 purchases each).  The series alone needed 2,000 terms a row here and the fit did
-- not converge; now it does, near the truth, and its log-likelihood is the sum of the rows'
-- terms written in SQL with P(alive) (checked above): ln (r)_x + r ln al + s ln be
-- - (r+x) ln(al+T) - s ln(be+T) - ln P(alive)
SET max_parallel_workers_per_gather = 0;
SELECT setseed(0.42);
CREATE TABLE pnbd_sim AS
WITH c AS MATERIALIZED (SELECT id, -ln(1 - random()) / 2 AS rate, -ln(1 - random()) / 100 AS dropout,
                               1 + floor(104 * random()) AS t
                        FROM generate_series(1, 4000) id),
     l AS MATERIALIZED (SELECT c.*, least(-ln(1 - random()) / dropout, t) AS until FROM c),
     p AS (SELECT id, until, sum(-ln(1 - random()) / rate) OVER (PARTITION BY id ORDER BY k) AS at
           FROM l, generate_series(1, 200) k)
SELECT l.id, count(p.at) AS x, coalesce(max(p.at), 0) AS t_x, l.t
FROM l LEFT JOIN p ON p.id = l.id AND p.at <= p.until GROUP BY l.id, l.t;
RESET max_parallel_workers_per_gather;
WITH f AS (SELECT pareto_nbd_fit(x, t_x, t) AS m FROM pnbd_sim),
p AS (SELECT m, parameter(m, 'r') AS r, parameter(m, 'alpha') AS al, parameter(m, 's') AS s,
             parameter(m, 'beta') AS be FROM f)
SELECT converged(m), be / al > 20 AS beta_over_20_alpha,
       abs(r - 1) < 3 * standard_error(m, 'r') AND abs(al - 2) < 3 * standard_error(m, 'alpha')
         AND abs(s - 1) < 3 * standard_error(m, 's') AND abs(be - 100) < 3 * standard_error(m, 'beta') AS near_truth,
       abs(log_likelihood(m) - (SELECT sum(pg_temp.lpoch(r, x::int) + r * ln(al) + s * ln(be) - (r + x) * ln(al + t)
                                         - s * ln(be + t) - ln(probability_alive(m, x, t_x, t)))
                                FROM pnbd_sim)) < 1e-6 AS loglik_matches_sql
FROM p;

-- E[Y(t) | x, t_x, T] = (r+x)(be+T)/((al+T)(s-1)) (1 - ((be+T)/(be+T+t))^(s-1)) P(alive),
-- and a new customer's E[X(t)] = r be/(al (s-1)) (1 - (be/(be+t))^(s-1))
SELECT count(*) AS customers,
       max(abs(expected_purchases(pnbd, 39, x, t_x, t)
               / ((r + x) * (be + t) / ((al + t) * (s - 1)) * (1 - ((be + t) / (be + t + 39)) ^ (s - 1)) / (1 + odds))
               - 1)) < 1e-9 AS expected_matches,
       round(min(expected_purchases(pnbd, 39, 2, 30.43, 38.86))::numeric, 4) AS example_next_39_weeks,
       round(min(expected_purchases(pnbd, 52))::numeric, 6) AS new_customer_52_weeks,
       abs(min(expected_purchases(pnbd, 52)) / min(r * be / (al * (s - 1)) * (1 - (be / (be + 52)) ^ (s - 1))) - 1) < 1e-12
         AS new_customer_matches
FROM pnbd_sql;
-- at s = 1 the growth factor is its limit ln((be+T+t)/(be+T))
SELECT abs(expected_purchases(pg_temp.pnbd(0.5, 10, 1, 12), 39, 0, 0, 40)
           / (0.5 * 52 / 50 * ln(91.0 / 52) * probability_alive(pg_temp.pnbd(0.5, 10, 1, 12), 0, 0, 40)) - 1) < 1e-12
       AS s_one_limit;

-- P(X(t) = n), a new customer's n repeat purchases in the first t: alive throughout, or gone at
-- u < t after n purchases; the second part by Simpson's rule in y = u/(al+u) (4000 intervals):
-- G s al^r be^s al^(1-r) int_0^Y y^n (1-y)^(r+s-1) (be(1-y) + al y)^-(s+1) dy, G = (r)_n/n!, Y = t/(al+t);
-- at the CDNOW fit (alpha below beta) and at a model with alpha above beta
CREATE FUNCTION pg_temp.count_sql(r float8, al float8, s float8, be float8, t float8, n int) RETURNS float8
LANGUAGE sql IMMUTABLE AS $$
  SELECT exp(pg_temp.lpoch(r, n) - pg_temp.lpoch(1, n) + r * ln(al / (al + t)) + n * ln(t / (al + t)) + s * ln(be / (be + t)))
         + exp(pg_temp.lpoch(r, n) - pg_temp.lpoch(1, n) + ln(s) + s * ln(be) + ln(al)) * simpson.v
  FROM (SELECT sum(CASE WHEN k = 0 OR k = 4000 THEN 1 WHEN k % 2 = 1 THEN 4 ELSE 2 END
                   * CASE WHEN k = 0 AND n > 0 THEN 0
                          ELSE exp(n * ln(y) + (r + s - 1) * ln(1 - y) - (s + 1) * ln(be * (1 - y) + al * y)) END)
               * min(h) / 3 AS v
        FROM (SELECT t / (al + t) / 4000 AS h) step,
             LATERAL (SELECT k, greatest(k * h, 1e-300) AS y FROM generate_series(0, 4000) k) nodes) simpson $$;
WITH m AS (SELECT pnbd AS m, parameter(pnbd, 'r') AS r, parameter(pnbd, 'alpha') AS al, parameter(pnbd, 's') AS s,
                  parameter(pnbd, 'beta') AS be FROM pnbd_models
           UNION ALL SELECT pg_temp.pnbd(0.55, 20, 0.6, 5), 0.55, 20, 0.6, 5)
SELECT al > be AS alpha_above_beta, count(*) AS probabilities,
       max(abs(purchase_count_probability(m, t, n) - pg_temp.count_sql(r, al, s, be, t::float8, n))) < 1e-10 AS matches_sql
FROM m, (VALUES (39.0), (1000.0)) v(t), generate_series(0, 30) n GROUP BY 1 ORDER BY 1;
SELECT round(sum(purchase_count_probability(pnbd, 39, k))::numeric, 10) AS total_39,
       round(sum(purchase_count_probability(pnbd, 1000, k))::numeric, 10) AS total_1000
FROM pnbd_models, generate_series(0, 3000) k;
-- the BG/NBD paper's Figure 3 for both models: customers expected at each calibration frequency
-- (the sum over customers of P(X(T) = n) at their own age T, 7 and more together), beside the actual
SELECT n AS frequency, (SELECT count(*) FROM pnbd_cdnow WHERE least(x, 7) = n) AS customers,
       round((SELECT sum(CASE WHEN n < 7 THEN purchase_count_probability(bg, t, n)
                              ELSE 1 - (SELECT sum(purchase_count_probability(bg, t, k)) FROM generate_series(0, 6) k) END)
              FROM pnbd_cdnow)::numeric, 1) AS bgnbd,
       round((SELECT sum(CASE WHEN n < 7 THEN purchase_count_probability(pnbd, t, n)
                              ELSE 1 - (SELECT sum(purchase_count_probability(pnbd, t, k)) FROM generate_series(0, 6) k) END)
              FROM pnbd_cdnow)::numeric, 1) AS pareto_nbd
FROM pnbd_models, generate_series(0, 7) n ORDER BY n;

-- CLV with the spend model: one period without discount is E[Y(L)] x E[spend]
SELECT round(predicted_clv(pnbd, gg, 2, 30.43, 38.86, 22.5, 1, 52, 0)::numeric, 6) AS clv_one_year,
       abs(predicted_clv(pnbd, gg, 2, 30.43, 38.86, 22.5, 1, 52, 0)
           / (expected_purchases(pnbd, 52, 2, 30.43, 38.86) * expected_spend(gg, 2, 22.5)) - 1) < 1e-12 AS matches
FROM pnbd_models;

-- intervals: the estimate is the prediction, inside its bounds
SELECT (i).estimate = probability_alive(pnbd, 2, 30.43, 38.86) AS alive_estimate,
       (i).lower < (i).estimate AND (i).estimate < (i).upper AND (i).upper < 1 AS alive_inside,
       (j).estimate = expected_purchases(pnbd, 39, 2, 30.43, 38.86) AS expected_estimate,
       (j).lower < (j).estimate AND (j).estimate < (j).upper AS expected_inside,
       (k).standard_error > 0 AS new_customer_se
FROM (SELECT pnbd, probability_alive_interval(pnbd, 2, 30.43, 38.86) AS i,
             expected_purchases_interval(pnbd, 39, 2, 30.43, 38.86) AS j, expected_purchases_interval(pnbd, 52) AS k
      FROM pnbd_models) f;

-- P(alive)'s and E[Y(39)]'s standard errors take their gradients in closed form, with the series:
-- against the delta method written in SQL, central differences of the predictions at models with
-- each log-parameter moved by 1e-5, and the stored covariance of the log-parameters
WITH f AS (SELECT pnbd, ARRAY[parameter(pnbd, 'r'), parameter(pnbd, 'alpha'), parameter(pnbd, 's'),
                              parameter(pnbd, 'beta')] AS e FROM pnbd_models),
c(x, t_x, t) AS (VALUES (2, 30.43, 38.86), (0, 0.0, 39.0), (10, 20.0, 38.0), (1, 1.0, 30.0), (0, 0.0, 0.0)),
g AS (SELECT x, t_x, t, i,
             (probability_alive(pg_temp.pnbd(up[1], up[2], up[3], up[4]), x, t_x, t)
              - probability_alive(pg_temp.pnbd(dn[1], dn[2], dn[3], dn[4]), x, t_x, t)) / 2e-5 AS alive,
             (expected_purchases(pg_temp.pnbd(up[1], up[2], up[3], up[4]), 39, x, t_x, t)
              - expected_purchases(pg_temp.pnbd(dn[1], dn[2], dn[3], dn[4]), 39, x, t_x, t)) / 2e-5 AS purchases
      FROM f, c, generate_series(1, 4) i,
           LATERAL (SELECT array_agg(CASE WHEN j = i THEN e[j] * exp(1e-5) ELSE e[j] END ORDER BY j) AS up,
                           array_agg(CASE WHEN j = i THEN e[j] * exp(-1e-5) ELSE e[j] END ORDER BY j) AS dn
                    FROM generate_series(1, 4) j) moved),
se AS (SELECT a.x, a.t_x, a.t,
              sqrt(sum(a.alive * b.alive * ((pnbd::jsonb -> 'log_covariance' -> (a.i - 1) ->> (b.i - 1))::float8))) AS alive_sql,
              sqrt(sum(a.purchases * b.purchases * ((pnbd::jsonb -> 'log_covariance' -> (a.i - 1) ->> (b.i - 1))::float8)))
                AS purchases_sql
       FROM g a JOIN g b USING (x, t_x, t), pnbd_models GROUP BY 1, 2, 3)
SELECT count(*) AS customers,
       max(abs((probability_alive_interval(pnbd, x, t_x, t)).standard_error - alive_sql)
           / greatest(alive_sql, 1e-300)) FILTER (WHERE t > t_x) < 1e-6 AS alive_se_matches_sql,
       bool_and((probability_alive_interval(pnbd, x, t_x, t)).standard_error = 0) FILTER (WHERE t = t_x)
         AS alive_se_zero_when_certain,
       max(abs((expected_purchases_interval(pnbd, 39, x, t_x, t)).standard_error / purchases_sql - 1)) < 1e-6
         AS purchases_se_matches_sql
FROM se, pnbd_models;

-- the time-unit form records the unit and checks it; weights are customers
SELECT time_unit(pareto_nbd_fit(x, t_x, t, interval '7 days')) AS unit,
       pareto_nbd_fit(x, t_x, t, 1, interval '7 days')::text = pareto_nbd_fit(x, t_x, t, interval '7 days')::text AS weighted_same
FROM pnbd_cdnow;
SELECT (SELECT pareto_nbd_fit(x, t_x, t, customers) FROM pnbd_sql)::text = (SELECT pnbd::text FROM pnbd_models)
       AS distinct_rows_weighted_same;

-- parallel = serial, to the bit
CREATE TABLE pnbd_big AS SELECT c.* FROM pnbd_cdnow c, generate_series(1, 4);
ANALYZE pnbd_big;
CREATE TEMP TABLE pnbd_serial AS SELECT pareto_nbd_fit(x, t_x, t)::text AS fit FROM pnbd_big;
SET max_parallel_workers_per_gather = 2; SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
\i test/include/plan_of.sql
SELECT plan_of('SELECT pareto_nbd_fit(x, t_x, t) FROM pnbd_big') ~ 'Partial' AS aggregated_in_workers;
DROP FUNCTION plan_of(text);
SELECT pareto_nbd_fit(x, t_x, t)::text = (SELECT fit FROM pnbd_serial) AS parallel_same FROM pnbd_big;
RESET max_parallel_workers_per_gather;

-- stored: text, binary, jsonb
SELECT pnbd::text::pareto_nbd_model::text = pnbd::text AS text_round_trip,
       loyalty_kpi_internal.pareto_nbd_model_send(pnbd::text::pareto_nbd_model)
         = loyalty_kpi_internal.pareto_nbd_model_send(pnbd) AS same_bits,
       pnbd::jsonb ->> 'model' AS model, jsonb_object_keys(pnbd::jsonb -> 'parameters') AS parameters
FROM pnbd_models;

-- bad input
\i sql/include/fails.psql
SELECT pg_temp.fails(q) FROM (VALUES
  ($q$SELECT pareto_nbd_fit(0, 0, t) FROM pnbd_cdnow$q$),
  ($q$SELECT pareto_nbd_fit(2, 10, 20)$q$),
  ($q$SELECT pareto_nbd_fit(1, 5, 4)$q$),
  ($q$SELECT pareto_nbd_fit(0, 1, 4)$q$),
  ($q$SELECT pareto_nbd_fit(x, t_x, t, -1) FROM pnbd_cdnow$q$),
  ($q$SELECT expected_purchases(pareto_nbd_fit(x, t_x, t, interval '7 days'), 10, interval '1 day') FROM pnbd_cdnow$q$),
  ($q$SELECT expected_purchases(pnbd, -1) FROM pnbd_models$q$),
  ($q$SELECT probability_alive(pnbd, 2, 5, 4) FROM pnbd_models$q$),
  ($q$SELECT probability_alive(replace(pg_temp.pnbd(0.5, 10, 0.6, 12)::text, 'converged=true', 'converged=false')::pareto_nbd_model, 2, 5, 10)$q$),
  ($q$SELECT parameter(pnbd, 'a') FROM pnbd_models$q$),
  ($q$SELECT discounted_expected_transactions(pnbd, 0, 2, 30.43, 38.86) FROM pnbd_models$q$),
  ($q$SELECT discounted_expected_transactions_interval(pnbd, 'NaN', 2, 30.43, 38.86) FROM pnbd_models$q$),
  ($q$SELECT discounted_expected_transactions(pnbd, 10, 2, 40, 38.86) FROM pnbd_models$q$),
  ($q$SELECT 'v3:bgnbd:r=1,alpha=1,a=1,b=1;se=NaN,NaN,NaN,NaN;cov=NaN,NaN,NaN,NaN,NaN,NaN,NaN,NaN,NaN,NaN,NaN,NaN,NaN,NaN,NaN,NaN;log_likelihood=-1;customers=2;iterations=1;converged=true'::pareto_nbd_model$q$)
) v(q);
