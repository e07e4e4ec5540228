-- The sBG model of contractual retention (Fader and Hardie 2007, "How to
-- project customer retention"): the paper's two data sets give its
-- published estimates; the per-customer and the aggregated forms give one
-- model; parallel = serial; predictions against sums written out in SQL;
-- bad input with SQLSTATEs.
SET extra_float_digits = 0;

-- survivors at years 0..7, 1,000 customers each (the paper's Table 1)
CREATE TABLE sbg_survivors (segment text, year int, alive int);
INSERT INTO sbg_survivors
SELECT 'high end', y - 1, a FROM unnest('{1000,869,743,653,593,551,517,491}'::int[]) WITH ORDINALITY u(a, y)
UNION ALL
SELECT 'regular', y - 1, a FROM unnest('{1000,631,468,382,326,289,262,241}'::int[]) WITH ORDINALITY u(a, y);

-- the aggregated form: per year, the customers lost in it, and after the last year those still active
CREATE VIEW sbg_by_year AS
SELECT segment, year, lag(alive) OVER w - alive AS lost,
       CASE WHEN year = max(year) OVER (PARTITION BY segment) THEN alive ELSE 0 END AS still_active
FROM sbg_survivors WINDOW w AS (PARTITION BY segment ORDER BY year);
CREATE TABLE sbg_models AS
SELECT segment, sbg_fit(year, lost, still_active) AS m FROM sbg_by_year WHERE year > 0 GROUP BY segment;

-- published: alpha 0.668, beta 3.806 (high end); alpha 0.704, beta 1.182 (regular)
SELECT segment, round(parameter(m, 'alpha')::numeric, 3) AS alpha, round(parameter(m, 'beta')::numeric, 3) AS beta,
       round(standard_error(m, 'alpha')::numeric, 3) AS se_alpha, round(standard_error(m, 'beta')::numeric, 3) AS se_beta,
       round(log_likelihood(m)::numeric, 1) AS log_likelihood, fitted_customers(m) AS customers, converged(m)
FROM sbg_models ORDER BY segment;

-- the log-likelihood written out in SQL at the fitted parameters: lost in year t add ln P(T = t),
-- the survivors ln S(7), with P(T = t) = S(t-1) - S(t) from survival_probability
SELECT segment, round((log_likelihood(m) - sql.loglik)::numeric, 9) AS loglik_minus_sql
FROM sbg_models, LATERAL (SELECT sum(lost * ln(survival_probability(m, year - 1) - survival_probability(m, year))
                                 + still_active * ln(survival_probability(m, year))) AS loglik
                      FROM sbg_by_year b WHERE b.segment = sbg_models.segment AND year > 0) sql
ORDER BY segment;

-- one row per customer (periods, churned) is the same data: the same model, to the bit
CREATE TABLE subscribers AS
SELECT segment, year AS periods, true AS churned FROM sbg_by_year, generate_series(1, lost) WHERE year > 0
UNION ALL
SELECT segment, year, false FROM sbg_by_year, generate_series(1, still_active) WHERE year > 0;
SELECT segment, c.customers, c.fit = m::text AS same_model, c.weighted_fit = m::text AS weighted_same
FROM sbg_models, LATERAL (SELECT count(*) AS customers, sbg_fit(periods, churned)::text AS fit,
                             sbg_fit(periods, churned, 1)::text AS weighted_fit
                      FROM subscribers WHERE subscribers.segment = sbg_models.segment) c
ORDER BY segment;

-- parallel = serial, and row order does not matter
ANALYZE subscribers;
CREATE TEMP TABLE serial_fits AS SELECT segment, sbg_fit(periods, churned)::text AS fit FROM subscribers GROUP BY segment;
SET max_parallel_workers_per_gather = 2; SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
\i test/include/plan_of.sql
SELECT plan_of('SELECT segment, sbg_fit(periods, churned) FROM subscribers GROUP BY segment') ~ 'Partial' AS aggregated_in_workers;
DROP FUNCTION plan_of(text);
SELECT bool_and(s.fit = p.fit) AS parallel_same
FROM serial_fits s JOIN (SELECT segment, sbg_fit(periods, churned)::text AS fit FROM subscribers GROUP BY segment) p USING (segment);
RESET max_parallel_workers_per_gather;
SELECT bool_and(s.fit = r.fit) AS shuffled_same
FROM serial_fits s JOIN (SELECT segment, sbg_fit(periods, churned ORDER BY md5(periods || segment || churned))::text AS fit
                         FROM subscribers GROUP BY segment) r USING (segment);

-- the projection to years 8..12 (survivors of 1,000) and each year's retention rate
SELECT segment, t AS year, round(1000 * survival_probability(m, t)) AS projected_survivors,
       round(retention_rate(m, t)::numeric, 1) AS retention_pct
FROM sbg_models, generate_series(8, 12) t ORDER BY segment, t;

-- S(t) is the product of the retention rates r(1..t), a different formula
SELECT segment, max(abs(s / p - 1)) < 1e-12 AS product_matches
FROM (SELECT segment, survival_probability(m, t) AS s,
             exp(sum(ln(retention_rate(m, t) / 100)) OVER (PARTITION BY segment ORDER BY t)) AS p
      FROM sbg_models, generate_series(1, 50) t) x
GROUP BY segment ORDER BY segment;

-- past 1,000 periods S(t) comes from lgamma, below from the sum of ln r(i): they agree at the seam
SELECT segment, abs(survival_probability(m, 1001) / survival_probability(m, 1000) / (retention_rate(m, 1001) / 100) - 1) < 1e-12 AS seam_agrees
FROM sbg_models ORDER BY segment;

-- DEL at 10% per period: the series against sum_{t>=0} S(t) / 1.1^t written out (5,000 terms,
-- the rest below 1e-200); DERL after n renewals against sum_{j>=0} S(n+1+j) / S(n) / 1.1^j
SELECT segment, round(discounted_expected_lifetime(m, 10)::numeric, 4) AS del_10pct,
       abs(discounted_expected_lifetime(m, 10) / (SELECT sum(survival_probability(m, t) / 1.1 ^ t) FROM generate_series(0, 5000) t) - 1) < 1e-12 AS del_matches_sum,
       (SELECT bool_and(abs(discounted_expected_lifetime(m, 10, n)
                            / (SELECT sum(survival_probability(m, n + 1 + j) / survival_probability(m, n) / 1.1 ^ j) FROM generate_series(0, 5000) j) - 1) < 1e-12)
        FROM generate_series(0, 10) n) AS derl_matches_sum,
       round(discounted_expected_lifetime(m, 10, 4)::numeric, 4) AS derl_after_4_renewals
FROM sbg_models ORDER BY segment;
-- a new customer's DEL is the first period plus the discounted DERL after 0 renewals
SELECT segment, abs(discounted_expected_lifetime(m, 10) - (1 + discounted_expected_lifetime(m, 10, 0) / 1.1)) < 1e-12 AS del_is_1_plus_derl
FROM sbg_models ORDER BY segment;

-- a model with alpha > 1: a finite expected lifetime, (alpha + beta - 1) / (alpha - 1) = 4 at (2, 3),
-- which DEL at 0% equals; after n renewals (beta + n) / (alpha - 1)
CREATE TABLE sbg_finite AS SELECT 'v2:sbg:alpha=2,beta=3;se=NaN,NaN;log_likelihood=-1;customers=10;iterations=5;converged=true'::sbg_model AS m;
SELECT expected_lifetime(m), discounted_expected_lifetime(m, 0) AS del_0pct, discounted_expected_lifetime(m, 0, 5) AS derl_0pct_5,
       round((SELECT sum(survival_probability(m, t)) FROM generate_series(0, 200000) t)::numeric, 4) AS sum_of_survival
FROM sbg_finite;

-- stored: text, binary and jsonb
SELECT m::text::sbg_model::text = m::text AS text_round_trip,
       loyalty_kpi_internal.sbg_model_send(m::text::sbg_model) = loyalty_kpi_internal.sbg_model_send(m) AS same_bits,
       jsonb_pretty(m::jsonb - 'log_likelihood' - 'evaluations' - 'parameters' - 'log_covariance') AS json,
       jsonb_array_length(m::jsonb -> 'log_covariance') AS covariance_rows
FROM sbg_models WHERE segment = 'regular';

-- empty and NULL input give NULL; NULL rows are skipped
SELECT sbg_fit(periods, churned) IS NULL AS empty FROM subscribers WHERE false;
SELECT sbg_fit(NULL::int, true) IS NULL AS null_rows, sbg_fit(1, NULL::boolean) IS NULL AS null_flags;

-- bad input: SQLSTATE, message and hint of each
\i sql/include/fails.psql
SELECT pg_temp.fails(q) FROM (VALUES
  ($q$SELECT sbg_fit(0, true)$q$),
  ($q$SELECT sbg_fit(-1, false)$q$),
  ($q$SELECT sbg_fit(3, true, -2)$q$),
  ($q$SELECT sbg_fit(3, 5, -1)$q$),
  ($q$SELECT sbg_fit(3, 'NaN', 0)$q$),
  ($q$SELECT sbg_fit(p, false) FROM generate_series(1, 5) p$q$),
  ($q$SELECT sbg_fit(1, c) FROM (VALUES (true), (false), (false)) v(c)$q$),
  ($q$SELECT survival_probability(m, -1) FROM sbg_models$q$),
  ($q$SELECT retention_rate(m, 0) FROM sbg_models$q$),
  ($q$SELECT expected_lifetime(m) FROM sbg_models WHERE segment = 'regular'$q$),
  ($q$SELECT discounted_expected_lifetime(m, 0) FROM sbg_models WHERE segment = 'regular'$q$),
  ($q$SELECT discounted_expected_lifetime(m, -5) FROM sbg_models$q$),
  ($q$SELECT discounted_expected_lifetime(m, 'Infinity') FROM sbg_models$q$),
  ($q$SELECT discounted_expected_lifetime(m, 10, -1) FROM sbg_models$q$),
  ($q$SELECT discounted_expected_lifetime(m, 1e-9) FROM sbg_models WHERE segment = 'regular'$q$),
  ($q$SELECT survival_probability('v2:sbg:alpha=2,beta=3;se=NaN,NaN;log_likelihood=-1;customers=10;iterations=5;converged=false'::sbg_model, 1)$q$),
  ($q$SELECT 'v2:sbg:alpha=2;se=NaN;log_likelihood=-1;customers=10;iterations=5;converged=true'::sbg_model$q$),
  ($q$SELECT 'v2:sbg:alpha=2,beta=-3;se=NaN,NaN;log_likelihood=-1;customers=10;iterations=5;converged=true'::sbg_model$q$),
  ($q$SELECT 'v2:sbg:alpha=2,beta=3;se=NaN,NaN;log_likelihood=-1;customers=10;iterations=5;converged=true;time_unit=1 day'::sbg_model$q$),
  ($q$SELECT parameter(m, 'r') FROM sbg_models$q$)
) v(q);
