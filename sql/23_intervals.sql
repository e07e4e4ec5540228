-- Intervals on predictions (delta method over the stored covariance of the
-- log-parameters): their coverage by simulation.  Data are simulated from
-- known parameters (bench/simulate_*.py, fixed seeds), refitted once per
-- replication, and each replication's 95% interval is checked against the
-- prediction at the true parameters; about 95% of them should hold it.
-- The interval covers the uncertainty of the fit, not model
-- misspecification (README).
SET extra_float_digits = 0;

-- sBG: 200 replications of 1,000 subscribers (alpha 0.668, beta 3.806), each observed 1 to 12
-- periods: S(10)'s interval
CREATE TABLE sbg_sims (rep int, periods int, churned boolean);
\copy sbg_sims FROM PROGRAM 'python3 bench/simulate_sbg.py 1000 1-200 0.668 3.806' CSV
CREATE TABLE sbg_truth AS
SELECT 'v3:sbg:alpha=0.668,beta=3.806;se=NaN,NaN;cov=NaN,NaN,NaN,NaN;log_likelihood=-1;customers=1;iterations=1;converged=true'::sbg_model AS m;
CREATE TABLE sbg_refits AS SELECT rep, sbg_fit(periods, churned) AS m FROM sbg_sims GROUP BY rep;
SELECT count(*) AS replications, count(*) FILTER (WHERE converged(m)) AS converged,
       count(*) FILTER (WHERE (i).lower <= truth AND truth <= (i).upper) AS s10_covered,
       round((avg((i).standard_error) / stddev((i).estimate))::numeric, 2) AS se_over_sd
FROM sbg_refits, LATERAL (SELECT survival_probability_interval(m, 10) AS i) x,
     (SELECT survival_probability(m, 10) AS truth FROM sbg_truth) t;

-- the same refits: r(5), the retention rate in percent, and its interval (logit scale of r / 100)
SELECT count(*) FILTER (WHERE (i).lower <= truth AND truth <= (i).upper) AS r5_covered,
       round((avg((i).standard_error) / stddev((i).estimate))::numeric, 2) AS se_over_sd,
       bool_and((i).estimate = retention_rate(m, 5) AND (i).lower < (i).estimate AND (i).upper < 100) AS estimate_inside
FROM sbg_refits, LATERAL (SELECT retention_rate_interval(m, 5) AS i) x,
     (SELECT retention_rate(m, 5) AS truth FROM sbg_truth) t;

-- BG/NBD: 200 replications of 3,000 customers from CDNOW's published parameters (weeks)
CREATE TABLE bg_sims (rep int, frequency int, recency float8, age float8);
\copy bg_sims FROM PROGRAM 'python3 bench/simulate_bgnbd.py 3000 1-200 0.243 4.414 0.793 2.426' CSV
CREATE TABLE bg_truth AS
SELECT 'v3:bgnbd:r=0.243,alpha=4.414,a=0.793,b=2.426;se=NaN,NaN,NaN,NaN;cov=NaN,NaN,NaN,NaN,NaN,NaN,NaN,NaN,NaN,NaN,NaN,NaN,NaN,NaN,NaN,NaN;log_likelihood=-1;customers=1;iterations=1;converged=true'::bgnbd_model AS m;
CREATE TABLE bg_refits AS SELECT rep, bgnbd_fit(frequency, recency, age) AS m FROM bg_sims GROUP BY rep;
-- a new customer's purchases in 52 weeks, and P(alive) and the next 52 weeks of a customer
-- with (2, 20, 38): how often the interval holds the truth, and the mean standard error over
-- the spread of the estimates across replications (1 when the standard errors are right)
SELECT count(*) AS replications, count(*) FILTER (WHERE converged(m)) AS converged,
       count(*) FILTER (WHERE (e).lower <= e_true AND e_true <= (e).upper) AS new_customer_covered,
       count(*) FILTER (WHERE (p).lower <= p_true AND p_true <= (p).upper) AS p_alive_covered,
       count(*) FILTER (WHERE (c).lower <= c_true AND c_true <= (c).upper) AS conditional_covered,
       round((avg((e).standard_error) / stddev((e).estimate))::numeric, 2) AS se_over_sd_new,
       round((avg((p).standard_error) / stddev((p).estimate))::numeric, 2) AS se_over_sd_p_alive,
       round((avg((c).standard_error) / stddev((c).estimate))::numeric, 2) AS se_over_sd_conditional
FROM bg_refits,
     LATERAL (SELECT expected_purchases_interval(m, 52) AS e, probability_alive_interval(m, 2, 20, 38) AS p,
                     expected_purchases_interval(m, 52, 2, 20, 38) AS c) x,
     (SELECT expected_purchases(m, 52) AS e_true, probability_alive(m, 2, 20, 38) AS p_true,
             expected_purchases(m, 52, 2, 20, 38) AS c_true FROM bg_truth) t
WHERE converged(m);

-- the interval's parts: the estimate is the prediction, the bounds hold it, a wider level widens them
SELECT bool_and((i).estimate = expected_purchases(m, 52, 2, 20, 38)) AS estimate_is_prediction,
       bool_and((i).lower < (i).estimate AND (i).estimate < (i).upper) AS bounds_hold_it,
       bool_and((w).lower < (i).lower AND (i).upper < (w).upper) AS wider_at_99
FROM bg_refits, LATERAL (SELECT expected_purchases_interval(m, 52, 2, 20, 38) AS i,
                                expected_purchases_interval(m, 52, 2, 20, 38, 0.99) AS w) x
WHERE converged(m);

-- CDNOW: the CLV interval adds the two fits' variances; BG/BB and spend intervals
CREATE TABLE iv_cdnow (id int, x int, t_x float8, t float8, zbar float8);
\copy iv_cdnow FROM '../shared/data/cdnow/cdnow_customers_summary_with_transactions.csv' CSV HEADER
CREATE TABLE iv_models AS SELECT bgnbd_fit(x, t_x, t) AS bg, gamma_gamma_fit(x, zbar) AS gg FROM iv_cdnow;
SELECT round((i).estimate::numeric, 4) AS clv, round((i).standard_error::numeric, 4) AS se,
       round((i).lower::numeric, 4) AS lower, round((i).upper::numeric, 4) AS upper,
       (i).estimate = predicted_clv(bg, gg, 2, 30.43, 38.86, 22.5, 12, 52 / 12.0, 1) AS estimate_is_prediction,
       (i).standard_error > (SELECT (expected_spend_interval(gg, 2, 22.5)).standard_error) AS wider_than_spend_alone
FROM iv_models, LATERAL (SELECT predicted_clv_interval(bg, gg, 2, 30.43, 38.86, 22.5, 12, 52 / 12.0, 1) AS i) x;
SELECT round((s).estimate::numeric, 4) AS spend, round((s).standard_error::numeric, 4) AS se,
       round((s).lower::numeric, 4) AS lower, round((s).upper::numeric, 4) AS upper
FROM iv_models, LATERAL (SELECT expected_spend_interval(gg, 2, 22.5) AS s) x;

-- P(alive)'s standard error comes from its gradient in closed form: the same as central
-- differences written out in SQL (models with one parameter moved by e^(+-1e-5), as text)
-- through the stored covariance of the log-parameters; BG/NBD and MBG/NBD, repeat and
-- one-time customers
CREATE FUNCTION pg_temp.moved(kind text, p float8[], k int, step float8) RETURNS text LANGUAGE sql AS $$
  SELECT format('v3:%s:r=%s,alpha=%s,a=%s,b=%s;se=NaN,NaN,NaN,NaN;cov=NaN,NaN,NaN,NaN,NaN,NaN,NaN,NaN,NaN,NaN,NaN,NaN,NaN,NaN,NaN,NaN;log_likelihood=-1;customers=1;iterations=1;converged=true',
                VARIADIC ARRAY[kind] || (SELECT array_agg((v * CASE WHEN i = k THEN exp(step) ELSE 1 END)::text ORDER BY i)
                                         FROM unnest(p) WITH ORDINALITY u(v, i))) $$;
CREATE TEMP TABLE iv_alive AS
SELECT kind, x, t_x, t, p, cov, se
FROM (SELECT 'bgnbd' AS kind, ARRAY[parameter(bg, 'r'), parameter(bg, 'alpha'), parameter(bg, 'a'), parameter(bg, 'b')] AS p,
             bg::jsonb -> 'log_covariance' AS cov, c.x, c.t_x, c.t,
             (probability_alive_interval(bg, c.x, c.t_x, c.t)).standard_error AS se
      FROM iv_models, (VALUES (2, 20.0, 38.0), (7, 30.0, 31.0)) c(x, t_x, t)
      UNION ALL
      SELECT 'mbgnbd', ARRAY[parameter(m, 'r'), parameter(m, 'alpha'), parameter(m, 'a'), parameter(m, 'b')],
             m::jsonb -> 'log_covariance', c.x, c.t_x, c.t, (probability_alive_interval(m, c.x, c.t_x, c.t)).standard_error
      FROM (SELECT mbgnbd_fit(x, t_x, t) AS m FROM iv_cdnow) f, (VALUES (2, 20.0, 38.0), (0, 0.0, 35.0)) c(x, t_x, t)) x;
SET extra_float_digits = 3;
CREATE FUNCTION pg_temp.alive(kind text, model text, x int, t_x float8, t float8) RETURNS float8 LANGUAGE sql AS $$
  SELECT CASE kind WHEN 'bgnbd' THEN probability_alive(model::bgnbd_model, x, t_x, t)
                   ELSE probability_alive(model::mbgnbd_model, x, t_x, t) END $$;
SELECT kind, x, abs(sqrt((SELECT sum(gi * (cov -> (i - 1) ->> (j - 1))::float8 * gj)
                          FROM (SELECT k AS i, (pg_temp.alive(kind, pg_temp.moved(kind, p, k, 1e-5), x, t_x, t)
                                                - pg_temp.alive(kind, pg_temp.moved(kind, p, k, -1e-5), x, t_x, t)) / 2e-5 AS gi
                                FROM generate_series(1, 4) k) a,
                               (SELECT k AS j, (pg_temp.alive(kind, pg_temp.moved(kind, p, k, 1e-5), x, t_x, t)
                                                - pg_temp.alive(kind, pg_temp.moved(kind, p, k, -1e-5), x, t_x, t)) / 2e-5 AS gj
                                FROM generate_series(1, 4) k) b)) / se - 1) < 1e-6 AS closed_form_gradient_matches
FROM iv_alive ORDER BY kind, x;
SET extra_float_digits = 0;

-- sBG's DEL and DERL and BG/BB's DERT: the estimate is the prediction, the bounds hold it
CREATE TABLE iv_donations (frequency int, recency int, periods int, weights int);
\copy iv_donations FROM '../shared/data/cdnow/donations.csv' CSV HEADER
SELECT (d).estimate = discounted_expected_lifetime(m, 10) AS del_estimate, (d).lower < (d).estimate AND (d).estimate < (d).upper AS del_bounds,
       (r).estimate = discounted_expected_lifetime(m, 10, 3) AS derl_estimate, (r).lower < (r).estimate AND (r).estimate < (r).upper AS derl_bounds,
       round((r).standard_error::numeric, 4) AS derl_se
FROM (SELECT m, discounted_expected_lifetime_interval(m, 10) AS d, discounted_expected_lifetime_interval(m, 10, 3) AS r
      FROM sbg_refits WHERE rep = 1) x;
SELECT (i).estimate = discounted_expected_transactions(m, 10, 3, 5, 6) AS dert_estimate,
       (i).lower < (i).estimate AND (i).estimate < (i).upper AS dert_bounds, round((i).standard_error::numeric, 4) AS dert_se
FROM (SELECT m, discounted_expected_transactions_interval(m, 10, 3, 5, 6) AS i
      FROM (SELECT bgbb_fit(frequency, recency, periods, weights) AS m FROM iv_donations) f) x;

-- a model stored before 1.7 (format 2) has no covariance: the estimate, and NULL for the rest
SELECT (i).estimate > 0 AS estimate, (i).standard_error IS NULL AS no_se, (i).lower IS NULL AS no_lower
FROM (SELECT expected_purchases_interval('v2:bgnbd:r=0.243,alpha=4.414,a=0.793,b=2.426;se=NaN,NaN,NaN,NaN;log_likelihood=-1;customers=1;iterations=1;converged=true'::bgnbd_model, 52) AS i) x;

-- Pareto/NBD: 100 replications of 3,000 customers from CDNOW's published parameters (weeks);
-- its prediction gradients are central differences
CREATE TABLE pn_sims (rep int, frequency int, recency float8, age float8);
\copy pn_sims FROM PROGRAM 'python3 bench/simulate_pareto_nbd.py 3000 1-100 0.553 10.578 0.606 11.669' CSV
CREATE TABLE pn_truth AS
SELECT 'v3:pareto_nbd:r=0.553,alpha=10.578,s=0.606,beta=11.669;se=NaN,NaN,NaN,NaN;cov=NaN,NaN,NaN,NaN,NaN,NaN,NaN,NaN,NaN,NaN,NaN,NaN,NaN,NaN,NaN,NaN;log_likelihood=-1;customers=1;iterations=1;converged=true'::pareto_nbd_model AS m;
CREATE TABLE pn_refits AS SELECT rep, pareto_nbd_fit(frequency, recency, age) AS m FROM pn_sims GROUP BY rep;
SELECT count(*) AS replications, count(*) FILTER (WHERE converged(m)) AS converged,
       count(*) FILTER (WHERE (e).lower <= e_true AND e_true <= (e).upper) AS new_customer_covered,
       count(*) FILTER (WHERE (p).lower <= p_true AND p_true <= (p).upper) AS p_alive_covered,
       round((avg((e).standard_error) / stddev((e).estimate))::numeric, 2) AS se_over_sd_new,
       round((avg((p).standard_error) / stddev((p).estimate))::numeric, 2) AS se_over_sd_p_alive
FROM pn_refits,
     LATERAL (SELECT expected_purchases_interval(m, 52) AS e, probability_alive_interval(m, 2, 20, 38) AS p) x,
     (SELECT expected_purchases(m, 52) AS e_true, probability_alive(m, 2, 20, 38) AS p_true FROM pn_truth) t
WHERE converged(m);

-- bad input
\i sql/include/fails.psql
SELECT pg_temp.fails(q) FROM (VALUES
  ($q$SELECT expected_purchases_interval(bg, 52, 1.5) FROM iv_models$q$),
  ($q$SELECT probability_alive_interval(bg, 2, 40, 38) FROM iv_models$q$),
  ($q$SELECT survival_probability_interval(m, 5, 0) FROM sbg_truth$q$)
) v(q);
