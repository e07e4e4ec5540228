-- The calls analysts write (issue 29): every function and aggregate of the
-- extension resolves when called the way a query writes it (integer and
-- numeric columns, number literals, bare '7 days' and '2026-01-01'
-- literals); then the calls that failed or misled in 1.11, each with its
-- answer: btyd_summary over a date column, a numeric or integer amount
-- and now(); a fit given a bare unit with an integer frequency, or the
-- summary's own time_unit column; survival_summary with a 0/1 integer
-- event; N-month retention per signup cohort; and the NULL rule of the
-- functions that read a summary or a model.
\i sql/include/fails.psql
SET TimeZone = 'UTC';

-- 1. Overload resolution, from the catalog: a function added tomorrow is
-- called the day it is added.  Data arguments (named *_at, *_on, or the
-- numbers) come as columns, parameters as literals; a value of one of the
-- extension's types as a typed NULL (a column of that type).  Only
-- resolution is tested (EXPLAIN); a call that resolves but refuses its
-- values at planning is fine here.  Three ways to write the numbers:
-- integer columns, literals (7 for an integer parameter, 0.5 otherwise),
-- numeric columns.
CREATE TYPE ac_level AS ENUM ('bronze', 'silver', 'gold');
CREATE TEMP TABLE ac_unresolved (call text, error text);
DO $$
DECLARE
  f record; args text[]; call text; variant text; calls int := 0;
BEGIN
  FOR variant IN SELECT unnest(ARRAY['integer columns', 'literals', 'numeric columns']) LOOP
    FOR f IN
      SELECT p.proname, p.proargtypes::oid[] AS types, coalesce(p.proargnames, '{}') AS names
      FROM pg_proc p
      JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e'
      JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'loyalty_kpi'
      WHERE p.pronamespace = 'public'::regnamespace
      ORDER BY p.proname, p.oid::regprocedure::text
    LOOP
      SELECT array_agg(CASE
          WHEN t IN ('smallint'::regtype, 'integer'::regtype, 'bigint'::regtype) THEN
            CASE variant WHEN 'literals' THEN '7' ELSE 'v.i' END
          WHEN t IN ('real'::regtype, 'double precision'::regtype, 'numeric'::regtype, '"any"'::regtype) THEN
            CASE variant WHEN 'integer columns' THEN 'v.i' WHEN 'literals' THEN '0.5' ELSE 'v.n' END
          WHEN t IN ('date'::regtype, 'timestamp with time zone'::regtype) AND f.names[o] ~ '_(at|on)$' THEN
            CASE t WHEN 'date'::regtype THEN 'v.d' ELSE 'v.ts' END
          WHEN t IN ('date'::regtype, 'timestamp with time zone'::regtype) THEN $l$'2026-01-01'$l$
          WHEN t = 'interval'::regtype THEN $l$'7 days'$l$
          WHEN t = 'text'::regtype THEN $l$'log'$l$
          WHEN t = 'boolean'::regtype THEN 'v.b'
          WHEN t = 'anyenum'::regtype THEN 'v.e'
          ELSE 'NULL::' || t::text END ORDER BY o)
      INTO args FROM unnest(f.types::regtype[]) WITH ORDINALITY u(t, o);
      call := format('EXPLAIN (COSTS OFF) SELECT %I(%s) FROM (VALUES (1, 1.5::numeric, date %L, timestamptz %L, true, %L::ac_level)) v(i, n, d, ts, b, e)',
                     f.proname, array_to_string(args, ', '), '2025-01-01', '2025-01-01 12:00', 'gold');
      calls := calls + 1;
      BEGIN
        EXECUTE call;
      EXCEPTION
        WHEN ambiguous_function OR undefined_function OR invalid_text_representation
             OR invalid_datetime_format OR datatype_mismatch THEN
          INSERT INTO ac_unresolved VALUES (call, SQLSTATE || ': ' || SQLERRM);
        WHEN OTHERS THEN NULL;   -- resolved; the values were refused at planning
      END;
    END LOOP;
  END LOOP;
  RAISE NOTICE 'calls written: %', calls;
END $$;
SELECT * FROM ac_unresolved;

-- 2. btyd_summary over the columns a purchases table has: a date, a
-- numeric or integer amount, a timestamp; the observation end as now(),
-- current_date or a literal.  A timestamptz end ends the window on its
-- calendar day in the session's time zone, so 15:00 on 31 December is
-- the date 31 December.
CREATE TABLE ac_purchases (customer_id int, purchased_on date, amount numeric(10, 2));
INSERT INTO ac_purchases
SELECT c, date '2024-01-01' + (c * 3 + k * (5 + c % 11)), 10 + (c * k) % 40
FROM generate_series(1, 400) c, generate_series(0, c % 6) k;
SELECT count(*) AS customers, count(a) AS summarised,
       count(*) FILTER (WHERE a IS NOT DISTINCT FROM b AND b IS NOT DISTINCT FROM c
                          AND c IS NOT DISTINCT FROM d AND d IS NOT DISTINCT FROM e) AS same_summary
FROM (SELECT customer_id,
             btyd_summary(purchased_on, amount, date '2024-12-31', '7 days')::text AS a,
             btyd_summary(purchased_on, amount, timestamptz '2024-12-31 15:00', '7 days')::text AS b,
             btyd_summary(purchased_on, amount, '2024-12-31', '7 days')::text AS c,
             btyd_summary(purchased_on::timestamp, amount::int, '2024-12-31', interval '7 days')::text AS d,
             btyd_summary(purchased_on, amount::float8, timestamp '2024-12-31 23:59', '7 days')::text AS e
      FROM ac_purchases GROUP BY customer_id) s;
SELECT count(*) AS customers, count(*) FILTER (WHERE today IS NOT DISTINCT FROM at_now) AS now_is_today
FROM (SELECT btyd_summary(purchased_on, amount, current_date, '7 days')::text AS today,
             btyd_summary(purchased_on, amount, now(), '7 days')::text AS at_now
      FROM ac_purchases GROUP BY customer_id) s;
-- the holdout form with timestamptz ends
SELECT (btyd_summary(purchased_on, amount, '2024-03-01', '2024-04-30', '7 days')).*
FROM ac_purchases WHERE customer_id = 12;

-- 3. The summary's time unit goes into the fit: its time_unit column, or
-- the bare literal (with an integer frequency, 1.11 said "not unique";
-- with every column double precision it read '7 days' as the weight).
-- CDNOW's 2,357 customers (../shared/data/cdnow), calibration to
-- 1997-09-30, as in sql/09_clv.sql; and the 400 synthetic customers, whose
-- first purchase comes after 2024-01-01, with a summary to that day: none,
-- every column NULL, the unit too, and the fits skip them.  So the fits are
-- CDNOW's: r = 0.243, alpha = 4.414, a = 0.793, b = 2.426 (Fader, Hardie
-- and Lee 2005), which section 7 prints.
CREATE TABLE ac_cdnow_raw (line text);
\copy ac_cdnow_raw FROM '../shared/data/cdnow/CDNOW_sample.txt'
CREATE TABLE ac_cdnow AS
SELECT f[2]::int AS customer_id, to_date(f[3], 'YYYYMMDD') AS purchased_on, f[5]::numeric AS amount
FROM (SELECT regexp_split_to_array(btrim(line, E' \r'), '\s+') AS f FROM ac_cdnow_raw) s;
CREATE TABLE ac_summaries AS
SELECT customer_id, (btyd_summary(purchased_on, amount, '1997-09-30', '7 days')).* FROM ac_cdnow GROUP BY customer_id
UNION ALL
SELECT customer_id + 100000, (btyd_summary(purchased_on, amount, '2024-01-01', '7 days')).* FROM ac_purchases GROUP BY customer_id;
SELECT count(*) AS customers, count(time_unit) AS summarised FROM ac_summaries;
SELECT pg_typeof(frequency) AS frequency_type, pg_typeof(time_unit) AS unit_type FROM ac_summaries LIMIT 1;
CREATE TABLE ac_unit_models AS
SELECT bgnbd_fit(frequency, recency, age, time_unit) AS from_column,
       bgnbd_fit(frequency, recency, age, '7 days') AS bare_literal,
       bgnbd_fit(frequency::float8, recency, age, '7 days') AS double_columns,
       pareto_nbd_fit(frequency, recency, age, '7 days') AS pareto_nbd,
       mbgnbd_fit(frequency, recency, age, '7 days') AS mbgnbd,
       bgnbd_fit(frequency, recency, age) AS no_unit
FROM ac_summaries;
SELECT time_unit(from_column) AS from_column, time_unit(bare_literal) AS bare_literal,
       time_unit(double_columns) AS double_columns, time_unit(pareto_nbd) AS pareto_nbd, time_unit(mbgnbd) AS mbgnbd,
       from_column::text = bare_literal::text AND bare_literal::text = double_columns::text AS same_model,
       parameter(from_column, 'r') = parameter(no_unit, 'r') AS unit_changes_nothing_else
FROM ac_unit_models;
-- a prediction in another unit is refused; the same length written otherwise is the same unit
-- a prediction in days of a model in weeks is refused (1.11 answered the
-- year as 364 weeks); the same length written otherwise is the same unit
SELECT converged(from_column), round(expected_purchases(from_column, 52)::numeric, 4) AS new_customer_year
FROM ac_unit_models;
SELECT pg_temp.fails($q$SELECT expected_purchases(from_column, 52 * 7, '1 day') FROM ac_unit_models$q$) AS days_refused;
SELECT expected_purchases(from_column, 52, '168 hours') = expected_purchases(from_column, 52) AS hours_are_the_week,
       expected_purchases(from_column, 52, interval '7 days') = expected_purchases(from_column, 52) AS weeks
FROM ac_unit_models;
-- a text unit must read as an interval, and be the same in every row
SELECT pg_temp.fails($q$SELECT bgnbd_fit(frequency, recency, age, 'weekly') FROM ac_summaries$q$) AS not_an_interval;
SELECT pg_temp.fails($q$SELECT bgnbd_fit(frequency, recency, age, CASE WHEN customer_id % 2 = 0 THEN '7 days' ELSE '1 day' END)
                       FROM ac_summaries$q$) AS two_units;

-- 4. survival_summary with a 0/1 integer event: the boolean form's summary;
-- another integer is refused, a NULL skipped
SELECT survival_summary(d, e)::text = survival_summary(d, e = 1)::text AS same_as_boolean,
       survival_summary(d, e)::text AS summary
FROM (VALUES (1, 1), (2, 1), (2, 0), (3, 0), (4, 1), (5, NULL)) v(d, e);
SELECT pg_temp.fails($q$SELECT survival_summary(d, e) FROM (VALUES (1, 1), (2, 2)) v(d, e)$q$) AS event_2;
SELECT median_survival(survival_summary(days::numeric, churned)) AS numeric_days
FROM (VALUES (1, 1), (2, 1), (3, 0), (4, 1)) v(days, churned);

-- 5. N-month retention per signup cohort.  By hand, 3 months, as of 1 May
-- 2024.  January's cohort: acquired 5 Jan, churned 1 Mar (lost before its
-- mark, 5 Apr); 10 Jan, never churned (retained); 20 Jan, churned at its
-- mark 20 Apr (lost: at the mark it is no longer a customer); 31 Jan, mark
-- 30 Apr (a month later, calendar arithmetic), churned 1 May (retained):
-- 2 of 4, 50%.  February's only customer, 15 Feb, reaches the mark on 15
-- May, after as_of: not measurable yet, NULL.  A NULL acquisition is
-- skipped.
CREATE TABLE ac_signups (acquired_at timestamptz, churned_at timestamptz);
INSERT INTO ac_signups VALUES ('2024-01-05', '2024-03-01'), ('2024-01-10', NULL), ('2024-01-20', '2024-04-20'),
                           ('2024-01-31', '2024-05-01'), ('2024-02-15', NULL), (NULL, NULL);
SELECT date_trunc('month', acquired_at)::date AS cohort, count(*) AS customers,
       retention_after(acquired_at, churned_at, '3 months', '2024-05-01') AS retained_3_months
FROM ac_signups GROUP BY 1 ORDER BY 1;
-- a triangle, against plain SQL: 3,000 customers, cohorts by month, 1 to 12 months
CREATE TABLE ac_base AS
SELECT acquired_at, CASE WHEN g % 3 <> 0 THEN acquired_at + (g * 31 % 400) * interval '1 day' END AS churned_at
FROM (SELECT g, timestamptz '2024-01-01' + (g * 7919 % 730) * interval '1 day' + (g % 24) * interval '1 hour' AS acquired_at
      FROM generate_series(1, 3000) g) x;
WITH ours AS (
  SELECT date_trunc('month', acquired_at) AS cohort, n,
         retention_after(acquired_at, churned_at, n * interval '1 month', '2025-06-30') AS r
  FROM ac_base, generate_series(1, 12) n GROUP BY 1, 2),
plain AS (
  SELECT date_trunc('month', acquired_at) AS cohort, n,
         100.0 * avg((churned_at IS NULL OR churned_at > acquired_at + n * interval '1 month')::int)
           FILTER (WHERE acquired_at + n * interval '1 month' <= '2025-06-30') AS r
  FROM ac_base, generate_series(1, 12) n GROUP BY 1, 2)
SELECT count(*) AS cells, count(o.r) AS measured_cells,
       count(*) FILTER (WHERE o.r IS NOT DISTINCT FROM p.r::float8 OR abs(o.r - p.r::float8) < 1e-12) AS same_as_plain_sql
FROM ours o JOIN plain p USING (cohort, n);
-- (parallel, partitionwise and window plans: test/plan_matrix.sql)
SELECT pg_temp.fails(q) AS refused FROM (VALUES
  ($q$SELECT retention_after(acquired_at, churned_at, '0 days', '2025-01-01') FROM ac_base$q$),
  ($q$SELECT retention_after(acquired_at, churned_at, NULL, '2025-01-01') FROM ac_base$q$),
  ($q$SELECT retention_after(acquired_at, churned_at, '1 month', 'infinity') FROM ac_base$q$),
  ($q$SELECT retention_after(timestamptz '2024-02-01', '2024-01-01', '1 month', '2025-01-01')$q$)
) v(q);

-- 6. NULL rules (docs/conventions.md).  The functions that read a summary or a model: they
-- are STRICT, so a NULL argument (the NULL summary of an empty group, or
-- a NULL level) gives NULL, as PostgreSQL's own functions do.  An
-- aggregate's parameter (a CSAT scale, as_of, a time unit) cannot be
-- NULL: 22004.  The functions that are not STRICT, each for a reason the
-- docs/conventions.md gives: the CLV predictions (a NULL spend, as for a customer with
-- no repeat purchase, uses the population mean), the set-returning
-- checks of a fit (NULL arrays are empty), churn_rate's count form (a NULL
-- basis is the default) and cohort_average.
SELECT nps_ci_lower(nps_summary(s), NULL) AS null_level, nps_ci_lower(NULL, 0.9) AS null_summary
FROM (VALUES (9), (10), (3)) v(s);
SELECT pg_temp.fails($q$SELECT csat_agg(s, NULL) FROM (VALUES (4)) v(s)$q$) AS null_scale;
-- sbg_fit over an aggregated table (Fader and Hardie's regular customers:
-- lost in years 1 to 7, 491 still active after year 7; published alpha
-- 0.668, beta 3.806): a row of NULLs is skipped, a NULL count beside known
-- ones refused (1.11 skipped the row, here with its 491 customers still
-- active, and the fit ran off)
CREATE TABLE ac_sbg_table (period int, lost float8, still_active float8);
INSERT INTO ac_sbg_table VALUES (1, 131, 0), (2, 126, 0), (3, 90, 0), (4, 60, 0), (5, 42, 0), (6, 34, 0), (7, 26, 491),
                             (NULL, NULL, NULL);
SELECT round(parameter(m, 'alpha')::numeric, 3) AS alpha, round(parameter(m, 'beta')::numeric, 3) AS beta
FROM (SELECT sbg_fit(period, lost, still_active) AS m FROM ac_sbg_table) f;
SELECT pg_temp.fails($q$SELECT sbg_fit(period, CASE WHEN period = 7 THEN NULL ELSE lost END, still_active) FROM ac_sbg_table$q$)
       AS null_lost;
SELECT DISTINCT p.proname AS not_strict
FROM pg_proc p
JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e'
JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'loyalty_kpi'
WHERE p.pronamespace = 'public'::regnamespace AND p.prokind = 'f' AND NOT p.proisstrict
ORDER BY 1;

-- 7. Values a person can read: every stored type as a table (the text
-- form stays for storage).  A model: each parameter with its estimate,
-- standard error and interval, exp(log estimate +- z se / estimate); the
-- fit of section 3 on CDNOW.
SELECT parameter, round(estimate::numeric, 4) AS estimate, round(standard_error::numeric, 4) AS standard_error,
       round(lower::numeric, 4) AS lower, round(upper::numeric, 4) AS upper
FROM ac_unit_models, parameters(from_column);
SELECT (SELECT bool_and(p.estimate = parameter(m.from_column, p.parameter)
                        AND p.standard_error = standard_error(m.from_column, p.parameter)
                        AND abs(p.lower - p.estimate * exp(-1.959963984540054 * p.standard_error / p.estimate)) < 1e-12 * p.estimate
                        AND abs(p.upper - p.estimate * exp(1.959963984540054 * p.standard_error / p.estimate)) < 1e-12 * p.estimate)
        FROM parameters(m.from_column) p) AS same_as_accessors,
       (SELECT count(*) FROM parameters(m.from_column, 0.5) q, parameters(m.from_column) r
        WHERE q.parameter = r.parameter AND q.lower > r.lower AND q.upper < r.upper) AS narrower_at_50_percent
FROM ac_unit_models m;
-- every model type, and a prediction interval through (...).*
SELECT parameter, estimate, standard_error FROM parameters('v2:gamma_gamma:p=6.25,q=3.74,gamma=15.44;se=NaN,NaN,NaN;log_likelihood=-1;customers=2;iterations=1;converged=true'::gamma_gamma_model);
SELECT (SELECT count(*) FROM parameters(mbgnbd)) AS mbgnbd_rows, (SELECT count(*) FROM parameters(pareto_nbd)) AS pareto_nbd_rows,
       (SELECT string_agg(parameter, ', ') FROM parameters(pareto_nbd)) AS pareto_nbd_parameters
FROM ac_unit_models;
SELECT round(estimate::numeric, 4) AS estimate, round(standard_error::numeric, 4) AS standard_error,
       round(lower::numeric, 4) AS lower, round(upper::numeric, 4) AS upper
FROM ac_unit_models, expected_purchases_interval(from_column, 52, 2, 30, 50) i;
SELECT pg_temp.fails($q$SELECT * FROM parameters((SELECT from_column FROM ac_unit_models), 1.5)$q$) AS level_refused;
-- A survey summary: every answer of the scale, its count and share
SELECT * FROM answer_counts((SELECT csat_summary(s, 5) FROM (VALUES (1), (5), (5), (4)) v(s)));
SELECT sum(responses) AS responses, sum(percent) AS percent, count(*) AS answers
FROM answer_counts((SELECT nps_summary(s % 11) FROM generate_series(1, 1000) s));
-- An RFM model: the values each score takes, which rfm_score agrees with
-- for every customer and dimension
CREATE TABLE ac_rfm_rows AS
SELECT g AS id, (g * 37 % 90)::float8 AS r, (g % 9)::float8 AS f, (g * 13 % 500) * 1.5 AS m FROM generate_series(1, 400) g;
CREATE TABLE ac_rfm_m AS SELECT rfm_fit(r, f, m, 4) AS model FROM ac_rfm_rows;
SELECT b.* FROM ac_rfm_m, rfm_bins(model) b ORDER BY dimension DESC, score DESC;
SELECT count(*) AS customers,
       count(*) FILTER (WHERE (sc).r = br.score AND (sc).f = bf.score AND (sc).m = bm.score) AS bins_agree
FROM (SELECT x.*, rfm_score(model, r, f, m) AS sc, model FROM ac_rfm_rows x, ac_rfm_m) c
JOIN LATERAL (SELECT score FROM rfm_bins(c.model) b WHERE dimension = 'recency'
              AND (above IS NULL OR c.r > above) AND (up_to IS NULL OR c.r <= up_to)) br ON true
JOIN LATERAL (SELECT score FROM rfm_bins(c.model) b WHERE dimension = 'frequency'
              AND (above IS NULL OR c.f > above) AND (up_to IS NULL OR c.f <= up_to)) bf ON true
JOIN LATERAL (SELECT score FROM rfm_bins(c.model) b WHERE dimension = 'monetary'
              AND (above IS NULL OR c.m > above) AND (up_to IS NULL OR c.m <= up_to)) bm ON true;
