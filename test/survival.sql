-- pgTAP: the survival family against independent plain-SQL computations
-- on generated data with heavy censoring (fixed seed): the product-limit
-- S(t), Greenwood errors, at-risk counts, RMST and its standard error, and
-- the two-group log-rank statistic; then rollup, parallel = serial and the
-- timestamp form.  One transaction, rolled back.
BEGIN;
CREATE EXTENSION IF NOT EXISTS pgtap;
CREATE EXTENSION IF NOT EXISTS loyalty_kpi;
SELECT no_plan();
SET LOCAL TimeZone = 'UTC';

-- 200,000 customers in four plans; tenures in days; 70% still active
-- (censored), churners leave sooner in the 'basic' plan
SELECT setseed(0.29);
CREATE TABLE tenures AS
SELECT g AS id, (ARRAY['basic', 'plus', 'pro', 'team'])[1 + g % 4] AS plan,
       floor(-ln(1 - random()) * CASE WHEN g % 4 = 0 THEN 150 ELSE 400 END)::int AS days,
       random() < 0.3 AS churned
FROM generate_series(1, 200000) g;
-- and one long-standing customer, so the last time never loses everyone at risk
INSERT INTO tenures VALUES (200001, 'team', 10000, false);
ANALYZE tenures;

-- The product-limit estimate in plain SQL: at-risk counts by a reverse
-- running sum, S as exp of the running sum of log((n - d) / n), Greenwood
-- as a running sum.
CREATE TEMP TABLE km_sql AS
WITH per_time AS (
  SELECT days, count(*) FILTER (WHERE churned) AS d, count(*) FILTER (WHERE NOT churned) AS c
  FROM tenures GROUP BY days),
risk AS (SELECT days, d, c, sum(d + c) OVER (ORDER BY days DESC) AS n FROM per_time)
SELECT days, n, d, c,
       exp(sum(ln((n - d)::float8 / n)) OVER (ORDER BY days)) AS surv,
       sum(d::float8 / (n * (n - d))) OVER (ORDER BY days) AS greenwood
FROM risk;
CREATE TEMP TABLE km AS SELECT survival_summary(days, churned) AS s FROM tenures;

SELECT ok((SELECT min(n - d) FROM km_sql) > 0, 'the generated data never lose everyone at risk (so log and Greenwood are finite)');
SELECT is((SELECT count(*) FROM km, survival_curve(s)), (SELECT count(*) FROM km_sql),
          'one curve row per distinct tenure');
SELECT is((SELECT count(*) FROM km, survival_curve(s) c JOIN km_sql k ON k.days = c.duration
           WHERE c.at_risk = k.n AND c.events = k.d AND c.censored = k.c), (SELECT count(*) FROM km_sql),
          'at risk, events and censored equal the plain-SQL counts at every time');
SELECT cmp_ok((SELECT max(abs(c.survival - k.surv) / k.surv) FROM km, survival_curve(s) c JOIN km_sql k ON k.days = c.duration),
              '<', 1e-12::float8, 'S(t) equals the plain-SQL product-limit to 1e-12 at every time');
SELECT cmp_ok((SELECT max(abs(c.std_error - k.surv * sqrt(k.greenwood)) / (k.surv * sqrt(k.greenwood)))
               FROM km, survival_curve(s) c JOIN km_sql k ON k.days = c.duration WHERE k.d > 0 OR k.greenwood > 0),
              '<', 1e-12::float8, 'Greenwood standard errors equal the plain SQL to 1e-12');
SELECT cmp_ok((SELECT max(abs(survival_at(s, t + 0.5) - (SELECT surv FROM km_sql WHERE days <= t + 0.5 ORDER BY days DESC LIMIT 1)))
               FROM km, generate_series(0, 2000, 37) t),
              '<', 1e-12::float8, 'survival_at between the times is the value at the last time before');
SELECT is((SELECT array_agg(at_risk(s, t) ORDER BY t) FROM km, generate_series(0, 3000, 250) t),
          (SELECT array_agg((SELECT count(*) FROM tenures WHERE days >= t) ORDER BY t) FROM generate_series(0, 3000, 250) t),
          'at_risk(t) counts the customers with a tenure of t or more');

-- RMST to 365 days and its standard error in plain SQL: segments between
-- the times up to tau, A_i = the area from time i to tau
CREATE TEMP TABLE rmst_sql AS
WITH pts AS (SELECT days, d, n, surv FROM km_sql WHERE days <= 365),
segs AS (
  SELECT days, d, n, surv, (lead(days, 1, 365) OVER (ORDER BY days) - days) * surv AS area FROM pts),
tails AS (SELECT days, d, n, sum(area) OVER (ORDER BY days DESC) AS a FROM segs)
SELECT (SELECT min(days) FROM pts) * 1.0 + (SELECT sum(area) FROM segs) AS rmst,
       sqrt((SELECT sum(a * a * d / (n * (n - d))) FROM tails WHERE d > 0)) AS se;
SELECT cmp_ok((SELECT abs(rmst(s, 365) - r.rmst) / r.rmst FROM km, rmst_sql r), '<', 1e-12::float8,
              'RMST(365) equals the plain-SQL area under S');
SELECT cmp_ok((SELECT abs(rmst_stderr(s, 365) - r.se) / r.se FROM km, rmst_sql r), '<', 1e-12::float8,
              'its standard error equals the plain-SQL sum of A_i^2 d / (n (n - d))');

-- The log-rank statistic of 'basic' against 'plus' in plain SQL: O - E and
-- the hypergeometric variance over the union of their times
CREATE TEMP TABLE logrank_sql AS
WITH per_time AS (
  SELECT days, count(*) FILTER (WHERE churned) AS d,
         count(*) FILTER (WHERE churned AND plan = 'basic') AS d1, count(*) AS leaving,
         count(*) FILTER (WHERE plan = 'basic') AS leaving1
  FROM tenures WHERE plan IN ('basic', 'plus') GROUP BY days),
risk AS (SELECT days, d, d1, sum(leaving) OVER (ORDER BY days DESC) AS n,
                sum(leaving1) OVER (ORDER BY days DESC) AS n1 FROM per_time)
SELECT power(sum(d1 - d * n1::float8 / n), 2)
       / sum(CASE WHEN n > 1 THEN d * (n - d) * n1 * (n - n1)::float8 / (n * n * (n - 1)) ELSE 0 END) AS chi_square
FROM risk WHERE d > 0;
SELECT cmp_ok((SELECT abs((logrank_test(s)).chi_square - (SELECT chi_square FROM logrank_sql)) / (SELECT chi_square FROM logrank_sql)
               FROM (SELECT survival_summary(days, churned) AS s FROM tenures WHERE plan IN ('basic', 'plus') GROUP BY plan) g),
              '<', 1e-9::float8, 'the two-group log-rank chi-square equals the plain-SQL (O - E)^2 / V');
SELECT is((SELECT (logrank_test(s)).degrees_of_freedom FROM (SELECT survival_summary(days, churned) AS s FROM tenures GROUP BY plan) g),
          3, 'four plans: 3 degrees of freedom');
SELECT cmp_ok((SELECT (logrank_test(s)).p_value FROM (SELECT survival_summary(days, churned) AS s FROM tenures GROUP BY plan) g),
              '<', 1e-10::float8, 'the basic plan''s shorter tenures are found');
SELECT cmp_ok((SELECT (logrank_test(s)).p_value FROM (SELECT survival_summary(days, churned) AS s FROM tenures
                                                     WHERE plan <> 'basic' GROUP BY plan) g),
              '>', 0.001::float8, 'the three plans with the same churn are not told apart');

-- Rollup and order: per-plan summaries merge to the summary of all rows,
-- and the log-rank test does not depend on the order its groups come in
SELECT is((SELECT rollup(s)::text FROM (SELECT survival_summary(days, churned) AS s FROM tenures GROUP BY plan) g),
          (SELECT s::text FROM km), 'rollup of the per-plan summaries equals the summary of all rows');
SELECT is((SELECT logrank_test(s ORDER BY p DESC)::text FROM (SELECT plan AS p, survival_summary(days, churned) AS s FROM tenures GROUP BY plan) g),
          (SELECT logrank_test(s ORDER BY p)::text FROM (SELECT plan AS p, survival_summary(days, churned) AS s FROM tenures GROUP BY plan) g),
          'the log-rank result is the same whatever order the groups come in');

-- Every tenure distinct (the tail-and-merge path): as sorted input
SELECT is((SELECT survival_summary(id * 0.001 + days, churned)::text FROM tenures),
          (SELECT survival_summary(x, churned)::text FROM (SELECT id * 0.001 + days AS x, churned FROM tenures ORDER BY 1) y),
          'all-distinct tenures in any order give the same summary');

-- The timestamp form equals the duration form on the same tenures
SELECT is((SELECT survival_summary(timestamptz '2020-01-01' + id * interval '1 hour',
                                   CASE WHEN churned THEN timestamptz '2020-01-01' + id * interval '1 hour' + days * interval '1 day' END,
                                   timestamptz '2020-01-01' + id * interval '1 hour' + days * interval '1 day', '1 day')::text
           FROM tenures),
          (SELECT s::text FROM km), 'from acquisition and churn dates: the same summary as from the durations');

-- Whole units: R survival's survfit on 3,000 customers with any-second
-- timestamps, tenure as whole days completed (test/reference/
-- survival_whole_days.R writes the data and R's curve)
CREATE TEMP TABLE r_customers (acquired_at timestamptz, churned_at timestamptz);
\copy r_customers FROM 'test/reference/whole_days_customers.csv' CSV HEADER
CREATE TEMP TABLE r_curve (time float8, n_risk bigint, n_event bigint, n_censor bigint,
                           surv float8, std_err float8, lower float8, upper float8);
\copy r_curve FROM 'test/reference/whole_days_survfit.csv' CSV HEADER
CREATE TEMP TABLE r_km AS
SELECT survival_summary(acquired_at, churned_at, '2026-01-01 00:00+00', '1 day') AS s FROM r_customers;
SELECT is((SELECT count(*) FROM r_km, survival_curve(s)), (SELECT count(*) FROM r_curve),
          'whole days: as many curve rows as R''s survfit on integer days (672, where fractional tenures gave 3,000)');
SELECT is((SELECT count(*) FROM r_km, survival_curve(s) c JOIN r_curve r ON r.time = c.duration
           WHERE c.at_risk = r.n_risk AND c.events = r.n_event AND c.censored = r.n_censor), (SELECT count(*) FROM r_curve),
          'whole days: the same times, at-risk, event and censored counts as survfit');
SELECT cmp_ok((SELECT max(greatest(abs(c.survival - r.surv) / r.surv, abs(c.std_error - r.std_err) / r.std_err,
                                   abs(c.lower - r.lower) / r.lower, abs(c.upper - r.upper) / r.upper))
               FROM r_km, survival_curve(s) c JOIN r_curve r ON r.time = c.duration),
              '<', 1e-12::float8, 'whole days: S(t), its standard error and log interval equal survfit''s to 1e-12');
SELECT is((SELECT array[median_survival(s), median_survival_ci_lower(s), median_survival_ci_upper(s)] FROM r_km),
          array[392, 343, 505]::float8[], 'whole days: the median and its interval as R prints them, 392 (343, 505)');

-- Parallel plans
\ir include/plan_of.sql
CREATE TEMP TABLE serial_results AS
SELECT (SELECT survival_summary(days, churned)::text FROM tenures) AS overall,
       (SELECT array_agg(s ORDER BY plan) FROM (SELECT plan, survival_summary(days::float8, churned)::text AS s FROM tenures GROUP BY plan) g) AS by_plan,
       (SELECT logrank_test(s)::text FROM (SELECT survival_summary(days, churned) AS s FROM tenures GROUP BY plan) g) AS logrank;
SET LOCAL parallel_setup_cost = 0;
SET LOCAL parallel_tuple_cost = 0;
SET LOCAL min_parallel_table_scan_size = 0;
SET LOCAL max_parallel_workers_per_gather = 2;
SET LOCAL parallel_leader_participation = off;
SELECT matches(plan_of($$SELECT survival_summary(days, churned) FROM tenures$$),
               'Workers Launched: [12].*Partial Aggregate', 'survival_summary aggregates partially in launched workers');
SELECT results_eq(
  $$SELECT (SELECT survival_summary(days, churned)::text FROM tenures),
           (SELECT array_agg(s ORDER BY plan) FROM (SELECT plan, survival_summary(days::float8, churned)::text AS s FROM tenures GROUP BY plan) g),
           (SELECT logrank_test(s)::text FROM (SELECT survival_summary(days, churned) AS s FROM tenures GROUP BY plan) g)$$,
  $$SELECT * FROM serial_results$$,
  'parallel results equal serial results exactly');

SELECT * FROM finish();
ROLLBACK;
