-- Hardening (1.3): each defect found from outside in 1.2 has a test here
-- that failed on 1.2 (the plan matrix in test/plan_matrix.sql walks every
-- aggregate through every plan; these are the exact reports).
-- the support functions called directly here live in loyalty_kpi_internal (1.4)
SET search_path = public, loyalty_kpi_internal;
SET TimeZone = 'UTC';

-- 1. A parallel btyd_summary over rows whose purchase dates are all NULL
--    killed a worker (a NULL pointer returned as a state, then serialized).
CREATE TABLE o (customer_id int, purchased_at date, amount float8);
INSERT INTO o SELECT g % 1000,
       CASE WHEN g % 1000 < 100 THEN NULL ELSE date '2020-01-01' + (g % 300) END, 10
FROM generate_series(1, 400000) g;
ANALYZE o;
SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0; SET max_parallel_workers_per_gather = 2;
SELECT btyd_summary(purchased_at, amount, date '2021-01-01', interval '7 days') IS NULL AS no_purchase
FROM o WHERE purchased_at IS NULL;
-- and the same per customer, with some customers' first rows NULL
SELECT count(*) AS customers, count(s) AS with_purchases
FROM (SELECT customer_id, btyd_summary(purchased_at, amount, date '2021-01-01', interval '7 days') AS s
      FROM o GROUP BY customer_id) x;
RESET parallel_setup_cost; RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size; RESET max_parallel_workers_per_gather;
DROP TABLE o;

-- 2. Support functions called directly: a clean error or SQL NULL, never
--    a crash (these nine killed the backend on 1.2)
SELECT enrollment_accum(NULL::bigint[], true);
SELECT enrollment_retract(NULL::bigint[], true);
SELECT redemptions_accum(NULL::bigint[], 1);
SELECT redemptions_retract(NULL::bigint[], 1);
SELECT active_accum(NULL::bigint[], now(), now(), '1 day');
SELECT active_retract(NULL::bigint[], now(), now(), '1 day');
SELECT points_accum(NULL::float8[], 1, 1);
SELECT points_accum(NULL::float8[], 1, 1, 'points');
SELECT lift_accum(NULL::float8[], 1, true);
SELECT enrollment_accum(NULL, NULL) IS NULL AS sql_null, lift_accum(NULL, NULL, NULL) IS NULL AS sql_null_too;
-- and PUBLIC may no longer call them (since 1.4 they live in a schema
-- PUBLIC has no USAGE on); the aggregates still work for anyone
CREATE ROLE lk_nobody;
SET ROLE lk_nobody;
SELECT loyalty_kpi_internal.enrollment_accum('{0,0,0}'::bigint[], true);
SELECT enrollment_rate(e) AS enrollment, nps_agg(s) AS nps
FROM (VALUES (true, 10), (false, 3)) v(e, s);
RESET ROLE;
DROP ROLE lk_nobody;

-- 5. retention_series with a zero step is an error, as documented
SELECT retention_series(timestamptz '2025-01-01', NULL, '2025-01-01', '2025-03-01', '0 days');
-- a NULL churn basis: 22004 in both forms (the formula form gave NULL)
SELECT churn_rate(100, 95, 20, NULL);
SELECT churn_rate(timestamptz '2025-01-01', NULL, '2025-01-01', '2025-02-01', NULL);
SELECT churn_rate(NULL, 95, 20, 'all') IS NULL AS null_counts_give_null;
-- upsell_ratio over two text columns of different collations
CREATE TABLE two_collations (customer text COLLATE "C", product text COLLATE "POSIX");
INSERT INTO two_collations VALUES ('a', 'x'), ('a', 'y'), ('b', 'x'), ('c', 'z'), ('c', 'z');
SELECT upsell_ratio(customer, product) FROM two_collations;   -- a has two products; b, c one: 1 / 2
DROP TABLE two_collations;
-- float sums that overflow are an error (they gave Infinity)
SELECT clv(c, a) FROM (VALUES (1, 1e308::float8), (2, 1e308)) v(c, a);
SELECT breakage(i, 0) FROM (VALUES (1e308::float8), (1e308)) v(i);
SELECT member_lift(s, m) FROM (VALUES (1e308::float8, true), (1e308, true)) v(s, m);

-- 4. A fit no longer depends on row order: the same rows in two orders give
--    the same model, to the last bit
CREATE TABLE fit_rows AS
SELECT g, (g * 3) % 6 AS x, CASE WHEN (g * 3) % 6 = 0 THEN 0 ELSE (g * 7) % 30 END AS t_x,
       30 + (g * 11) % 20 AS age, 5 + (g * 17) % 40 + (g % 7) * 0.5 AS zbar
FROM generate_series(1, 2000) g;
SELECT (SELECT bgnbd_fit(x, t_x, age ORDER BY g) FROM fit_rows)::text
     = (SELECT bgnbd_fit(x, t_x, age ORDER BY g DESC) FROM fit_rows)::text AS bgnbd_same_either_order,
       (SELECT gamma_gamma_fit(x, zbar ORDER BY g) FROM fit_rows)::text
     = (SELECT gamma_gamma_fit(x, zbar ORDER BY md5(g::text)) FROM fit_rows)::text AS gamma_gamma_same_any_order;
DROP TABLE fit_rows;
-- 5. One rule decides converged (README, "Data that cannot identify a
--    model"), whatever the row order.  Spend with no heterogeneity between
--    customers (every customer's spend is Gamma(4, 0.5): one common nu) has
--    no finite maximum: q and gamma run away together with q / gamma fixed.
--    1.2 returned q, gamma near 10^6 and said converged in 4 or 5 of 13 row
--    orders; now every order gives the same model, flagged not converged,
--    and predictions refuse it.
SELECT setseed(0.25);
CREATE TABLE flat_spend AS
SELECT c, x, (SELECT sum(-ln(1 - random())) / 0.5 FROM generate_series(1, 4 * x)) / x AS zbar
FROM (SELECT c, 1 + c % 5 AS x FROM generate_series(1, 3000) c) s;
CREATE TABLE flat_fits AS
SELECT k, (SELECT gamma_gamma_fit(x, zbar ORDER BY md5(c::text || k)) FROM flat_spend) AS gg
FROM generate_series(1, 13) k;
SELECT count(DISTINCT gg::text) AS distinct_models, bool_or(converged(gg)) AS any_converged,
       min(parameter(gg, 'q')) > 1e6 AS q_ran_away, min(parameter(gg, 'gamma')) > 1e6 AS gamma_ran_away,
       round(min(parameter(gg, 'q') / parameter(gg, 'gamma'))::numeric, 1) AS q_over_gamma_is_nu_0_5
FROM flat_fits;
-- (terse: the detail counts the evaluations, which are the optimizer's path)
\set VERBOSITY terse
SELECT expected_spend(gg) FROM flat_fits WHERE k = 1;
\set VERBOSITY default
-- the same customers with heterogeneous nu (Gamma(3, 6) across customers) converge
CREATE TABLE varied_spend AS
SELECT c, x, (SELECT sum(-ln(1 - random())) FROM generate_series(1, 4 * x)) / (nu * x) AS zbar
FROM (SELECT c, 1 + c % 5 AS x,
             (SELECT sum(-ln(1 - random())) / 6 FROM generate_series(1, 3 + 0 * c)) AS nu
      FROM generate_series(1, 3000) c) s;
SELECT converged(gamma_gamma_fit(x, zbar)) AS heterogeneous_converges FROM varied_spend;
DROP TABLE flat_spend, flat_fits, varied_spend;

