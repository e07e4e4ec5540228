-- Numbers at the edges of their domain (1.4): each case gave a confident
-- wrong number, NaN or Infinity, or an internal error, in 1.2.  Now the
-- right value or a clear error with its SQLSTATE.
-- the support functions called directly here live in loyalty_kpi_internal (1.4)
SET search_path = public, loyalty_kpi_internal;
\set VERBOSITY sqlstate
SET extra_float_digits = 0;

-- count arithmetic in the formula forms cannot wrap (1.2: -100 and -59.19)
SELECT churn_rate(9223372036854775807, 100, 1) AS nearly_all_lost,
       churn_rate(5000000000000000000, 5000000000000000000, 5000000000000000000) AS half_lost,
       retention_rate(9223372036854775807, 9223372036854775807, 9223372036854775807) AS none_retained;

-- formulas whose result overflows raise 22003 (1.2: Infinity)
SELECT clv_basic(1e308, 10);
SELECT clv_from_churn(1e308, 1);
SELECT clv_net(-1e308, 1e308, 1e308);
SELECT points_liability(38.86, 1e308, 0.5);
-- no value per period is no value, however long the lifespan (1.2: NaN)
SELECT clv_from_churn(0, '5e-324') AS zero;
-- two identical all-promoter summaries of 2^63 - 1 answers: no difference (1.2: NaN)
SELECT nps_diff_pvalue(s, s) AS p FROM (SELECT 'v1:nps:0-10:0,0,0,0,0,0,0,0,0,0,9223372036854775807'::survey_summary AS s) x;

-- inputs that are not finite raise 22003 naming the value (1.2: NaN out)
CREATE TABLE m AS SELECT
  'v2:bgnbd:r=0.24259290856272003,alpha=4.413531643044481,a=0.7928861381636159,b=2.425753406048924;se=NaN,NaN,NaN,NaN;log_likelihood=-9582;customers=2357;iterations=28;converged=true'::bgnbd_model AS bg,
  'v2:gamma_gamma:p=6.24880231523658,q=3.744588391723397,gamma=15.447748289578143;se=NaN,NaN,NaN;log_likelihood=-4055;customers=946;iterations=29;converged=true'::gamma_gamma_model AS gg;
SELECT probability_alive(bg, 'Infinity', 1, 2) FROM m;
SELECT expected_purchases(bg, 10, 'Infinity', 1, 2) FROM m;
SELECT expected_purchases(bg, 10, 2, 'NaN', 38.86) FROM m;
SELECT expected_spend(gg, 'Infinity', 10) FROM m;
SELECT expected_spend(gg, 2, 'Infinity') FROM m;
SELECT predicted_clv(bg, gg, 'Infinity', 1, 2, 10, 12, 4.33, 1) FROM m;
-- extreme accepted models: a number that is right, or 22003 (1.2: NaN, -1.7e50)
SELECT round(probability_alive(replace(bg::text, 'a=0.7928861381636159', 'a=100000')::bgnbd_model, 2, 30.43, 38.86)::numeric, 4) AS p_alive_a_large FROM m;
SELECT expected_spend(replace(gg::text, 'p=6.24880231523658', 'p=1e308')::gamma_gamma_model) FROM m;
-- against mpmath at 40 digits: a = 100000 gives 0.4257000 and 1.608482e-5, r = 255 gives
-- 35.97588 and 7.752524e-23 (1.2: NaN and -1.7e50)
SELECT round(expected_purchases(a, 39)::numeric, 7) AS new_a_large,
       round((expected_purchases(a, 39, 2, 30.43, 38.86) * 1e5)::numeric, 6) AS customer_a_large_e5,
       round(expected_purchases(r, 39)::numeric, 5) AS new_r_255,
       round((expected_purchases(r, 39, 2, 30.43, 38.86) * 1e23)::numeric, 6) AS customer_r_255_e23
FROM (SELECT replace(bg::text, 'a=0.7928861381636159', 'a=100000')::bgnbd_model AS a,
             replace(bg::text, 'r=0.24259290856272003', 'r=255')::bgnbd_model AS r FROM m) x;

-- errors a user can reach have a SQLSTATE of their own, not XX000
SELECT survey_uncombine('v1:nps:0-10:1,0,0,0,0,0,0,0,0,0,0', 'v1:nps:0-10:0,1,0,0,0,0,0,0,0,0,0');
SELECT repeat_purchase_rate(NULL);
SELECT clv('abc', 1);

-- Student t p-values with hundreds of thousands of degrees of freedom: the
-- log-beta front factor is a difference of huge log-gammas, now taken from
-- Stirling's series (1.2's p-values were off by 3e-10 relative at df = 4e5,
-- and the difference itself by 6e-5 at df = 2e12).
-- References: mpmath's betainc at 40 digits for the t and df printed here.
SET extra_float_digits = 3;
SELECT (l).t_statistic, (l).degrees_of_freedom,
       abs((l).p_value - p) / p < 1e-10 AS p_within_1e_10
FROM (SELECT member_lift(100 + ((g * 37) % 1000) / 100.0 + CASE WHEN g % 2 = 0 THEN d ELSE 0 END, g % 2 = 0) AS l, p
      FROM (VALUES (0.03, 0.028460391072545398801::float8), (0.003, 0.44319422959190438663)) r(d, p),
           generate_series(1, 400000) g GROUP BY d, p) x
ORDER BY p;

-- a fraction where a percent belongs is computed as given, with a NOTICE
\set VERBOSITY default
SELECT clv_from_churn(150, 0.2) AS lifespan_of_500_periods;
SELECT points_liability(250000, 0.01, 0.8) AS liability;
SELECT clv_from_churn(150, 20, 0.5) AS half_a_percent_discount_is_silent;
