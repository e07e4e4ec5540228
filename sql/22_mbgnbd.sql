-- MBG/NBD (Batislam, Denizel and Filiztekin 2007) on CDNOW's calibration
-- summary, beside BG/NBD: the fit, its log-likelihood and predictions
-- against the formulas written out in plain SQL (rising factorials for the
-- gamma ratios, the hypergeometric series summed by a recursive query);
-- the time-unit form; parallel = serial; bad input.
SET extra_float_digits = 0;

CREATE TABLE mbg_cdnow (id int, x int, t_x float8, t float8, zbar float8);
\copy mbg_cdnow FROM '../shared/data/cdnow/cdnow_customers_summary_with_transactions.csv' CSV HEADER
CREATE TABLE mbg_models AS
SELECT mbgnbd_fit(x, t_x, t) AS mbg, bgnbd_fit(x, t_x, t) AS bg, gamma_gamma_fit(x, zbar) AS gg FROM mbg_cdnow;

-- the two purchase models side by side
SELECT 'MBG/NBD' AS model, round(parameter(mbg, 'r')::numeric, 3) AS r, round(parameter(mbg, 'alpha')::numeric, 3) AS alpha,
       round(parameter(mbg, 'a')::numeric, 3) AS a, round(parameter(mbg, 'b')::numeric, 3) AS b,
       round(log_likelihood(mbg)::numeric, 1) AS log_likelihood, converged(mbg)
FROM mbg_models
UNION ALL
SELECT 'BG/NBD', round(parameter(bg, 'r')::numeric, 3), round(parameter(bg, 'alpha')::numeric, 3),
       round(parameter(bg, 'a')::numeric, 3), round(parameter(bg, 'b')::numeric, 3),
       round(log_likelihood(bg)::numeric, 1), converged(bg)
FROM mbg_models;

-- ln (a)_k, the rising factorial, in plain SQL
CREATE FUNCTION pg_temp.lpoch(a float8, k int) RETURNS float8 LANGUAGE sql IMMUTABLE AS
$$ SELECT coalesce(sum(ln(a + j)), 0) FROM generate_series(0, k - 1) j $$;
CREATE TABLE mbg_sql AS
SELECT c.*, p.*,
       pg_temp.lpoch(r, x) + r * ln(al) + pg_temp.lpoch(b, x) - pg_temp.lpoch(a + b, x + 1)
       + ln((b + x) * (al + t) ^ (-(r + x)) + a * (al + t_x) ^ (-(r + x))) AS loglik,
       1 / (1 + a / (b + x) * ((al + t) / (al + t_x)) ^ (r + x)) AS p_alive
FROM mbg_cdnow c, (SELECT mbg, parameter(mbg, 'r') AS r, parameter(mbg, 'alpha') AS al, parameter(mbg, 'a') AS a,
                          parameter(mbg, 'b') AS b FROM mbg_models) p;
SELECT round((log_likelihood(mbg) - (SELECT sum(loglik) FROM mbg_sql))::numeric, 8) AS loglik_minus_sql,
       (SELECT max(abs(probability_alive(mbg, x, t_x, t) / p_alive - 1)) < 1e-12 FROM mbg_sql) AS p_alive_matches
FROM mbg_models;

-- E[Y(39) | x, t_x, T] = (a+b+x)/(a-1) (1 - ((A+T)/(A+T+t))^(r+x) 2F1(r+x, b+x+1; a+b+x; t/(A+T+t))) P(alive),
-- the series summed term by term, for the first 25 customers
WITH RECURSIVE series(id, n, term, total) AS (
  SELECT id, 0, 1::float8, 1::float8 FROM mbg_sql WHERE id <= 25
  UNION ALL
  SELECT s.id, s.n + 1, s.term * (r + x + s.n) * (b + x + 1 + s.n) / ((a + b + x + s.n) * (s.n + 1)) * (39 / (al + t + 39)),
         s.total + s.term * (r + x + s.n) * (b + x + 1 + s.n) / ((a + b + x + s.n) * (s.n + 1)) * (39 / (al + t + 39))
  FROM series s JOIN mbg_sql USING (id) WHERE s.n < 600)
SELECT count(*) AS customers,
       max(abs(expected_purchases(mbg, 39, x, t_x, t)
               / ((a + b + x) / (a - 1) * (1 - ((al + t) / (al + t + 39)) ^ (r + x) * total) * p_alive) - 1)) < 1e-9 AS expected_matches
FROM mbg_sql JOIN (SELECT id, total FROM series WHERE n = 600) s USING (id);

-- a new customer: E[X(t)] = b/(a-1) (1 - (A/(A+t))^r 2F1(r, b+1; a+b; t/(A+t)))
WITH RECURSIVE p AS (
  SELECT mbg, parameter(mbg, 'r') AS r, parameter(mbg, 'alpha') AS al, parameter(mbg, 'a') AS a, parameter(mbg, 'b') AS b
  FROM mbg_models),
series(n, term, total) AS (
  SELECT 0, 1::float8, 1::float8
  UNION ALL
  SELECT s.n + 1, s.term * (r + s.n) * (b + 1 + s.n) / ((a + b + s.n) * (s.n + 1)) * (52 / (al + 52)),
         s.total + s.term * (r + s.n) * (b + 1 + s.n) / ((a + b + s.n) * (s.n + 1)) * (52 / (al + 52))
  FROM series s, p WHERE s.n < 600)
SELECT round(expected_purchases(mbg, 52)::numeric, 6) AS new_customer_52_weeks,
       abs(expected_purchases(mbg, 52) / (b / (a - 1) * (1 - (al / (al + 52)) ^ r * total)) - 1) < 1e-9 AS matches
FROM p, (SELECT total FROM series WHERE n = 600) s;

-- CLV with the spend model: one period without discount is E[Y(L)] x E[spend]
SELECT round(predicted_clv(mbg, gg, 2, 30.43, 38.86, 22.5, 1, 52, 0)::numeric, 6) AS clv_one_year,
       abs(predicted_clv(mbg, gg, 2, 30.43, 38.86, 22.5, 1, 52, 0)
           / (expected_purchases(mbg, 52, 2, 30.43, 38.86) * expected_spend(gg, 2, 22.5)) - 1) < 1e-12 AS matches
FROM mbg_models;

-- the time-unit form records the unit and checks it
SELECT time_unit(mbgnbd_fit(x, t_x, t, interval '7 days')) AS unit,
       mbgnbd_fit(x, t_x, t, 1, interval '7 days')::text = mbgnbd_fit(x, t_x, t, interval '7 days')::text AS weighted_same
FROM mbg_cdnow;

-- parallel = serial, to the bit
CREATE TABLE mbg_big AS SELECT c.* FROM mbg_cdnow c, generate_series(1, 4);
ANALYZE mbg_big;
CREATE TEMP TABLE mbg_serial AS SELECT mbgnbd_fit(x, t_x, t)::text AS fit FROM mbg_big;
SET max_parallel_workers_per_gather = 2; SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
\i test/include/plan_of.sql
SELECT plan_of('SELECT mbgnbd_fit(x, t_x, t) FROM mbg_big') ~ 'Partial' AS aggregated_in_workers;
DROP FUNCTION plan_of(text);
SELECT mbgnbd_fit(x, t_x, t)::text = (SELECT fit FROM mbg_serial) AS parallel_same FROM mbg_big;
RESET max_parallel_workers_per_gather;

-- stored: text, binary, jsonb
SELECT mbg::text::mbgnbd_model::text = mbg::text AS text_round_trip,
       loyalty_kpi_internal.mbgnbd_model_send(mbg::text::mbgnbd_model) = loyalty_kpi_internal.mbgnbd_model_send(mbg) AS same_bits,
       mbg::jsonb ->> 'model' AS model
FROM mbg_models;

-- BG/NBD's P(X(t) = n) (eq. 8) against the formula in plain SQL, at t = 39 and 1000 weeks (where
-- the tail is taken as a sum of terms, and as 1 minus the head):
-- (b)_n/(a+b)_n p_n + [n > 0] a (b)_(n-1)/(a+b)_n (1 - sum_{j<n} p_j), p_j = (r)_j/j! q^r (1-q)^j, q = A/(A+t)
WITH p AS (SELECT bg, parameter(bg, 'r') AS r, parameter(bg, 'alpha') AS al, parameter(bg, 'a') AS a,
                  parameter(bg, 'b') AS b, t FROM mbg_models, (VALUES (39.0), (1000.0)) v(t)),
pmf AS (SELECT t, j, exp(pg_temp.lpoch(r, j) - pg_temp.lpoch(1, j) + r * ln(al / (al + t)) + j * ln(t / (al + t))) AS pj
        FROM p, generate_series(0, 40) j),
formula AS (SELECT p.t, n, exp(pg_temp.lpoch(b, n) - pg_temp.lpoch(a + b, n)) * (SELECT pj FROM pmf WHERE pmf.t = p.t AND j = n)
                      + CASE WHEN n > 0 THEN exp(ln(a) + pg_temp.lpoch(b, n - 1) - pg_temp.lpoch(a + b, n))
                                             * (1 - (SELECT sum(pj) FROM pmf WHERE pmf.t = p.t AND j < n)) ELSE 0 END AS prob
            FROM p, generate_series(0, 30) n)
SELECT count(*) AS counts, bool_and(abs(purchase_count_probability(bg, t, n) - prob) < 1e-12) AS matches_formula
FROM formula JOIN p USING (t);
-- MBG/NBD: (b)_(n+1)/(a+b)_(n+1) p_n + a (b)_n/(a+b)_(n+1) (1 - sum_{j<n} p_j), n = 0 included
WITH p AS (SELECT mbg, parameter(mbg, 'r') AS r, parameter(mbg, 'alpha') AS al, parameter(mbg, 'a') AS a,
                  parameter(mbg, 'b') AS b, t FROM mbg_models, (VALUES (39.0), (1000.0)) v(t)),
pmf AS (SELECT t, j, exp(pg_temp.lpoch(r, j) - pg_temp.lpoch(1, j) + r * ln(al / (al + t)) + j * ln(t / (al + t))) AS pj
        FROM p, generate_series(0, 40) j),
formula AS (SELECT p.t, n, exp(pg_temp.lpoch(b, n + 1) - pg_temp.lpoch(a + b, n + 1)) * (SELECT pj FROM pmf WHERE pmf.t = p.t AND j = n)
                      + exp(ln(a) + pg_temp.lpoch(b, n) - pg_temp.lpoch(a + b, n + 1))
                        * (1 - coalesce((SELECT sum(pj) FROM pmf WHERE pmf.t = p.t AND j < n), 0)) AS prob
            FROM p, generate_series(0, 30) n)
SELECT count(*) AS counts, bool_and(abs(purchase_count_probability(mbg, t, n) - prob) < 1e-12) AS mbg_matches_formula
FROM formula JOIN p USING (t);
SELECT round(sum(purchase_count_probability(bg, 39, k))::numeric, 10) AS total_probability,
       round(sum(purchase_count_probability(mbg, 39, k))::numeric, 10) AS mbg_total_probability
FROM mbg_models, generate_series(0, 400) k;

-- the paper's Figure 3: how many customers are expected to have each calibration frequency
-- (the sum over customers of P(X(T) = n) at their own age T, 7 and more together), beside how many have it
SELECT n AS frequency, (SELECT count(*) FROM mbg_cdnow WHERE least(x, 7) = n) AS customers,
       round((SELECT sum(CASE WHEN n < 7 THEN purchase_count_probability(bg, t, n)
                              ELSE 1 - (SELECT sum(purchase_count_probability(bg, t, k)) FROM generate_series(0, 6) k) END)
              FROM mbg_cdnow)::numeric, 1) AS expected_bgnbd,
       round((SELECT sum(CASE WHEN n < 7 THEN purchase_count_probability(mbg, t, n)
                              ELSE 1 - (SELECT sum(purchase_count_probability(mbg, t, k)) FROM generate_series(0, 6) k) END)
              FROM mbg_cdnow)::numeric, 1) AS expected_mbgnbd
FROM mbg_models, generate_series(0, 7) n ORDER BY n;

-- bad input
\i sql/include/fails.psql
SELECT pg_temp.fails(q) FROM (VALUES
  ($q$SELECT mbgnbd_fit(0, 0, t) FROM mbg_cdnow$q$),
  ($q$SELECT mbgnbd_fit(1, 5, 4)$q$),
  ($q$SELECT mbgnbd_fit(0, 1, 4)$q$),
  ($q$SELECT mbgnbd_fit(x, t_x, t, interval '0 days') FROM mbg_cdnow$q$),
  ($q$SELECT expected_purchases(mbgnbd_fit(x, t_x, t, interval '7 days'), 10, interval '1 day') FROM mbg_cdnow$q$),
  ($q$SELECT expected_purchases(mbg, -1) FROM mbg_models$q$),
  ($q$SELECT probability_alive(mbg, 2, 5, 4) FROM mbg_models$q$),
  ($q$SELECT purchase_count_probability(bg, 39, -1) FROM mbg_models$q$),
  ($q$SELECT 'v2:mbgnbd:r=1,alpha=1,a=1;se=NaN,NaN,NaN;log_likelihood=-1;customers=2;iterations=1;converged=true'::mbgnbd_model$q$)
) v(q);
