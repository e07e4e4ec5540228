-- The BG/BB model of discrete-time purchases (Fader, Hardie and Shang
-- 2010): the donations data (11,104 donors, 6 opportunities) give the
-- published estimates; the likelihood and every prediction against the
-- formulas written out in plain SQL (rising factorials, no lgamma); one
-- row per donor = the weighted rows; parallel = serial; bad input.
SET extra_float_digits = 0;

CREATE TABLE donations (frequency int, recency int, periods int, weights int);
\copy donations FROM '../shared/data/cdnow/donations.csv' CSV HEADER
CREATE TABLE bgbb_models AS SELECT bgbb_fit(frequency, recency, periods, weights) AS m FROM donations;

-- published: alpha 1.204, beta 0.750, gamma 0.657, delta 2.783, log-likelihood -33,225.6
SELECT round(parameter(m, 'alpha')::numeric, 3) AS alpha, round(parameter(m, 'beta')::numeric, 3) AS beta,
       round(parameter(m, 'gamma')::numeric, 3) AS gamma, round(parameter(m, 'delta')::numeric, 3) AS delta,
       round(log_likelihood(m)::numeric, 1) AS log_likelihood, fitted_customers(m) AS customers, converged(m)
FROM bgbb_models;
SELECT round(standard_error(m, 'alpha')::numeric, 3) AS se_alpha, round(standard_error(m, 'beta')::numeric, 3) AS se_beta,
       round(standard_error(m, 'gamma')::numeric, 3) AS se_gamma, round(standard_error(m, 'delta')::numeric, 3) AS se_delta
FROM bgbb_models;

-- The formulas in plain SQL: ln (a)_k, the rising factorial, and
-- ln B(a+i, b+j) / B(a, b) = ln (a)_i + ln (b)_j - ln (a+b)_(i+j)
CREATE FUNCTION pg_temp.lpoch(a float8, k int) RETURNS float8 LANGUAGE sql IMMUTABLE AS
$$ SELECT coalesce(sum(ln(a + j)), 0) FROM generate_series(0, k - 1) j $$;
CREATE FUNCTION pg_temp.lbr(a float8, b float8, i int, j int) RETURNS float8 LANGUAGE sql IMMUTABLE AS
$$ SELECT pg_temp.lpoch(a, i) + pg_temp.lpoch(b, j) - pg_temp.lpoch(a + b, i + j) $$;
CREATE TABLE bgbb_sql AS
SELECT d.*, p.*,
       exp(pg_temp.lbr(a, b, frequency, periods - frequency) + pg_temp.lbr(g, dl, 0, periods))
       + (SELECT coalesce(sum(exp(pg_temp.lbr(a, b, frequency, recency - frequency + i) + pg_temp.lbr(g, dl, 1, recency + i))), 0)
          FROM generate_series(0, periods - recency - 1) i) AS l
FROM donations d, (SELECT m, parameter(m, 'alpha') AS a, parameter(m, 'beta') AS b, parameter(m, 'gamma') AS g,
                          parameter(m, 'delta') AS dl FROM bgbb_models) p;
SELECT round((log_likelihood(m) - (SELECT sum(weights * ln(l)) FROM bgbb_sql))::numeric, 8) AS loglik_minus_sql
FROM bgbb_models;

-- P(active at n+1), E[transactions in the next 5 and 10 opportunities], DERT at 10% per
-- opportunity (the first 400 terms written out: the rest weigh under 1.1^-400 < 3e-17 of the
-- sum, far below the 1e-10 checked), each donor pattern against the formulas
SELECT count(*) AS patterns,
       max(abs(probability_alive(m, frequency, recency, periods)
               / (exp(pg_temp.lbr(a, b, frequency, periods - frequency) + pg_temp.lbr(g, dl, 0, periods + 1)) / l) - 1)) < 1e-12 AS p_alive_matches,
       max(abs(expected_purchases(m, 5, frequency, recency, periods)
               / ((SELECT sum(exp(pg_temp.lbr(a, b, frequency + 1, periods - frequency) + pg_temp.lbr(g, dl, 0, periods + k)))
                   FROM generate_series(1, 5) k) / l) - 1)) < 1e-12 AS expected_5_matches,
       max(abs(expected_purchases(m, 10, frequency, recency, periods)
               / ((SELECT sum(exp(pg_temp.lbr(a, b, frequency + 1, periods - frequency) + pg_temp.lbr(g, dl, 0, periods + k)))
                   FROM generate_series(1, 10) k) / l) - 1)) < 1e-12 AS expected_10_matches,
       max(abs(discounted_expected_transactions(m, 10, frequency, recency, periods)
               / ((SELECT sum(exp(pg_temp.lbr(a, b, frequency + 1, periods - frequency) + pg_temp.lbr(g, dl, 0, periods + k)) / 1.1 ^ k)
                   FROM generate_series(1, 400) k) / l) - 1)) < 1e-10 AS dert_matches
FROM bgbb_sql;

-- a new donor's expected transactions in the first n opportunities: alpha/(alpha+beta) sum_k B(gamma, delta+k)/B(gamma, delta)
SELECT n, round(expected_purchases(m, n)::numeric, 4) AS expected,
       abs(expected_purchases(m, n) / (a / (a + b) * (SELECT sum(exp(pg_temp.lbr(g, dl, 0, k))) FROM generate_series(1, n) k)) - 1) < 1e-12 AS matches
FROM bgbb_sql, (VALUES (1), (6), (11), (30)) v(n) WHERE frequency = 0 ORDER BY n;

-- gamma near 1 (the closed form would divide 0 by 0): the terms are summed instead
SELECT round(expected_purchases('v2:bgbb:alpha=1.2,beta=0.75,gamma=1.004,delta=2.8;se=NaN,NaN,NaN,NaN;log_likelihood=-1;customers=9;iterations=9;converged=true'::bgbb_model, 5)::numeric, 9) AS near_one,
       round(expected_purchases('v2:bgbb:alpha=1.2,beta=0.75,gamma=1.0100001,delta=2.8;se=NaN,NaN,NaN,NaN;log_likelihood=-1;customers=9;iterations=9;converged=true'::bgbb_model, 5)::numeric, 9) AS past_the_switch,
       round((1.2 / 1.95 * (SELECT sum(exp(pg_temp.lbr(1.004, 2.8, 0, k))) FROM generate_series(1, 5) k))::numeric, 9) AS near_one_sql,
       round((1.2 / 1.95 * (SELECT sum(exp(pg_temp.lbr(1.0100001, 2.8, 0, k))) FROM generate_series(1, 5) k))::numeric, 9) AS past_the_switch_sql;

-- one row per donor is the weighted table: the same model, to the bit; parallel and row order too
CREATE TABLE donors AS SELECT frequency, recency, periods FROM donations, generate_series(1, weights);
ANALYZE donors;
SELECT count(*) AS donors, bgbb_fit(frequency, recency, periods)::text = (SELECT m::text FROM bgbb_models) AS same_model FROM donors;
SET max_parallel_workers_per_gather = 2; SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
\i test/include/plan_of.sql
SELECT plan_of('SELECT bgbb_fit(frequency, recency, periods) FROM donors') ~ 'Partial' AS aggregated_in_workers;
DROP FUNCTION plan_of(text);
SELECT bgbb_fit(frequency, recency, periods)::text = (SELECT m::text FROM bgbb_models) AS parallel_same FROM donors;
RESET max_parallel_workers_per_gather;
SELECT bgbb_fit(frequency, recency, periods ORDER BY md5(frequency || ',' || recency || random()::text))::text
       = (SELECT m::text FROM bgbb_models) AS shuffled_same FROM donors;

-- stored: text, binary and jsonb
SELECT m::text::bgbb_model::text = m::text AS text_round_trip,
       loyalty_kpi_internal.bgbb_model_send(m::text::bgbb_model) = loyalty_kpi_internal.bgbb_model_send(m) AS same_bits,
       jsonb_pretty(m::jsonb - 'log_likelihood' - 'evaluations' - 'parameters' - 'log_covariance') AS json,
       jsonb_array_length(m::jsonb -> 'log_covariance') AS covariance_rows
FROM bgbb_models;

-- empty and NULL input give NULL
SELECT bgbb_fit(frequency, recency, periods) IS NULL AS empty FROM donors WHERE false;
SELECT bgbb_fit(NULL, 1, 6) IS NULL AS null_rows;

-- bad input: SQLSTATE, message and hint of each
\i sql/include/fails.psql
SELECT pg_temp.fails(q) FROM (VALUES
  ($q$SELECT bgbb_fit(7, 7, 6)$q$),
  ($q$SELECT bgbb_fit(2, 1, 6)$q$),
  ($q$SELECT bgbb_fit(0, 3, 6)$q$),
  ($q$SELECT bgbb_fit(1, 0, 6)$q$),
  ($q$SELECT bgbb_fit(0, 0, 0)$q$),
  ($q$SELECT bgbb_fit(1, 1, 6, 0)$q$),
  ($q$SELECT bgbb_fit(0, 0, 6) FROM generate_series(1, 5)$q$),
  ($q$SELECT bgbb_fit(6, 6, 6) FROM generate_series(1, 5)$q$),
  ($q$SELECT bgbb_fit(1, 1, 6)$q$),
  ($q$SELECT probability_alive(m, 1, 7, 6) FROM bgbb_models$q$),
  ($q$SELECT expected_purchases(m, -1, 1, 1, 6) FROM bgbb_models$q$),
  ($q$SELECT discounted_expected_transactions(m, 0, 1, 1, 6) FROM bgbb_models$q$),
  ($q$SELECT expected_purchases('v2:bgbb:alpha=1,beta=1,gamma=1,delta=1;se=NaN,NaN,NaN,NaN;log_likelihood=-1;customers=9;iterations=9;converged=false'::bgbb_model, 3)$q$),
  ($q$SELECT 'v2:bgbb:alpha=1,beta=1,gamma=1;se=NaN,NaN,NaN;log_likelihood=-1;customers=9;iterations=9;converged=true'::bgbb_model$q$),
  ($q$SELECT parameter(m, 'r') FROM bgbb_models$q$)
) v(q);
