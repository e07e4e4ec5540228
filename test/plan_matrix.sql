-- pgTAP: the catalog-driven plan matrix.  Every aggregate of the extension,
-- read from the catalog (so one added tomorrow is covered the day it is
-- added, and one this file cannot call fails it), runs over:
--   empty input (NULL), an all-NULL group (NULL), a group whose first rows
--   are NULL (the same answer as without them), and ordinary groups;
--   serially, in forced parallel with and without the leader taking part
--   (checked in EXPLAIN to aggregate partially), partitionwise over a
--   partitioned table (partial aggregates combined in one process), and as
--   a window function over the whole group and over a sliding frame
--   (checked against recomputing each frame).
-- Every plan must give the serial answer, as text, exactly.
-- One transaction, rolled back.
BEGIN;
CREATE EXTENSION IF NOT EXISTS pgtap;
CREATE EXTENSION IF NOT EXISTS loyalty_kpi;
SELECT no_plan();
SET LOCAL TimeZone = 'UTC';
\ir include/plan_of.sql

CREATE TYPE tier_level AS ENUM ('bronze', 'silver', 'gold');

-- Groups are contiguous id ranges: 1 ordinary, 2 all NULL, 3 NULL-first
-- (60 NULL rows, then grp 1's values again), 4 ordinary with other values.
CREATE TABLE m AS
WITH rows AS (
  SELECT row_number() OVER (ORDER BY grp, i) AS id, grp, g, blank
  FROM (SELECT 1 AS grp, i, i AS g, false AS blank FROM generate_series(1, 3000) i
        UNION ALL SELECT 2, i, i, true FROM generate_series(1, 3000) i
        UNION ALL SELECT 3, i, i - 60, i <= 60 FROM generate_series(1, 3060) i
        UNION ALL SELECT 4, i, i + 7777, false FROM generate_series(1, 3000) i) x)
SELECT id, grp,
       CASE WHEN NOT blank THEN g % 11 END AS score,
       CASE WHEN NOT blank THEN 1 + g % 5 END AS csat,
       CASE WHEN NOT blank THEN 1 + g % 7 END AS ces,
       CASE WHEN NOT blank THEN 1 + g % 6 END AS r1,
       CASE WHEN NOT blank THEN 1 + (g / 6) % 6 END AS r2,
       CASE WHEN NOT blank THEN 1 + (g / 36) % 6 END AS r3,
       CASE WHEN NOT blank THEN ('v1:nps:0-10:' || array_to_string(ARRAY(
            SELECT (v = g % 11)::int FROM generate_series(0, 10) v), ','))::survey_summary END AS summ,
       CASE WHEN NOT blank THEN timestamptz '2024-01-01' + (g % 400) * interval '1 day'
                                + (g % 24) * interval '1 hour' END AS acquired_at,
       CASE WHEN NOT blank AND g % 3 <> 0 THEN timestamptz '2024-01-01' + (g % 400) * interval '1 day'
                                + ((g * 7) % 300) * interval '1 day' END AS churned_at,
       CASE WHEN NOT blank THEN (g * 37) % 400 END AS days,
       CASE WHEN NOT blank THEN g % 3 = 0 END AS churned,
       CASE WHEN NOT blank THEN format('v1;%s:%s:%s', g % 50, g % 2, 1 - g % 2)::survival_summary END AS survs,
       CASE WHEN NOT blank THEN (g * 7919) % 997 END::bigint AS customer_id,
       CASE WHEN NOT blank THEN 'c' || (g * 7919) % 997 END AS customer_code,
       CASE WHEN NOT blank THEN g % 13 END AS product_id,
       CASE WHEN NOT blank THEN (g % 50) + 0.25 END::float8 AS amount,
       CASE WHEN NOT blank THEN g % 3 = 0 END AS enrolled,
       CASE WHEN NOT blank THEN g % 4 END::bigint AS redemptions,
       CASE WHEN NOT blank THEN timestamptz '2025-01-01' - (g % 200) * interval '1 day' END AS last_activity,
       CASE WHEN NOT blank THEN g % 100 + 1 END::float8 AS issued,
       CASE WHEN NOT blank THEN ((g % 100 + 1) * (g % 3)) / 3 END::float8 AS redeemed,
       CASE WHEN NOT blank THEN (ARRAY['bronze', 'silver', 'gold'])[1 + g % 3] END AS tier,
       CASE WHEN NOT blank THEN (ARRAY['bronze', 'silver', 'gold'])[1 + g % 3] END::tier_level AS tier_level,
       CASE WHEN NOT blank THEN 20 + (g * 31) % 37 + (g % 2) * 3 END::float8 AS spend,
       CASE WHEN NOT blank THEN g % 2 = 0 END AS is_member,
       CASE WHEN NOT blank THEN date '2024-01-01' + (g * 13) % 500 END AS purchased_at,
       CASE WHEN NOT blank THEN (g * 3) % 6 END::float8 AS frequency,
       CASE WHEN NOT blank THEN CASE WHEN (g * 3) % 6 = 0 THEN 0 ELSE (g * 7) % 30 END END::float8 AS recency,
       CASE WHEN NOT blank THEN 30 + (g * 11) % 20 END::float8 AS age,
       CASE WHEN NOT blank AND (g * 3) % 6 > 0 THEN 5 + (g * 17) % 40 + (g % 7) * 0.5 END::float8 AS monetary
FROM rows;
ANALYZE m;

-- the same rows, partitioned on something other than the grouping column,
-- so that GROUP BY grp aggregates partially per partition
CREATE TABLE mp (LIKE m) PARTITION BY LIST ((id % 2));
CREATE TABLE mp0 PARTITION OF mp FOR VALUES IN (0);
CREATE TABLE mp1 PARTITION OF mp FOR VALUES IN (1);
INSERT INTO mp SELECT * FROM m ORDER BY id;
ANALYZE mp;

-- How the matrix calls each aggregate: its arguments over m's columns.
-- nulls_count: NULL data rows are counted, not skipped (active_rate: a
-- member who never acted), so all-NULL and NULL-first groups are not NULL.
-- sliding: the sliding frame is checked (not for fits: a few rows cannot
-- identify a model, which is an error by design).
-- counted_skips: a regular expression for the part of the answer that
-- counts the NULL rows skipped (coxph_fit reports them, as R's na.omit),
-- left out where a NULL-first group is compared with the same rows alone.
CREATE TABLE matrix_args (agg text PRIMARY KEY, args text NOT NULL,
                          nulls_count bool NOT NULL DEFAULT false, sliding bool NOT NULL DEFAULT true,
                          counted_skips text);
INSERT INTO matrix_args (agg, args)
SELECT format(f, t, t, t), format(a, t, t, t)
FROM unnest(ARRAY['smallint', 'integer', 'bigint', 'numeric', 'real', 'double precision']) t,
     (VALUES ('nps_agg(%s)', 'score::%s'), ('nps_summary(%s)', 'score::%s'),
             ('csat_agg(%s,integer)', 'csat::%s, 5'), ('csat_summary(%s,integer)', 'csat::%s, 5'),
             ('ces_agg(%s)', 'ces::%s'), ('ces_summary(%s)', 'ces::%s'),
             ('cli_score(%s,%s,%s)', 'r1::%s, r2::%s, r3::%s'),
             ('cli_summary(%s,%s,%s)', 'r1::%s, r2::%s, r3::%s')) s(f, a);
INSERT INTO matrix_args (agg, args, nulls_count, sliding) VALUES
  ('rollup(survey_summary)', 'summ', false, true),
  ('retention_rate(timestamp with time zone,timestamp with time zone,timestamp with time zone,timestamp with time zone)',
   $$acquired_at, churned_at, '2024-06-01', '2024-07-01'$$, false, true),
  ('churn_rate(timestamp with time zone,timestamp with time zone,timestamp with time zone,timestamp with time zone)',
   $$acquired_at, churned_at, '2024-06-01', '2024-07-01'$$, false, true),
  ('churn_rate(timestamp with time zone,timestamp with time zone,timestamp with time zone,timestamp with time zone,text)',
   $$acquired_at, churned_at, '2024-06-01', '2024-07-01', 'start'$$, false, true),
  ('retention_series(timestamp with time zone,timestamp with time zone,timestamp with time zone,timestamp with time zone,interval)',
   $$acquired_at, churned_at, '2024-01-01', '2025-01-01', '1 month'$$, false, true),
  ('repeat_purchase_rate("any")', 'customer_id', false, true),
  ('one_and_done_rate("any")', 'customer_code', false, true),
  ('purchase_frequency("any")', 'customer_id', false, true),
  ('upsell_ratio("any","any")', 'customer_code, (customer_id % 3 = 0 OR product_id < 4)::int', false, true),
  ('clv("any",double precision)', 'customer_id, amount', false, true),
  ('enrollment_rate(boolean)', 'enrolled', false, true),
  ('redemption_participation(bigint)', 'redemptions', false, true),
  ('redemption_frequency(bigint)', 'redemptions', false, true),
  ('active_rate(timestamp with time zone,timestamp with time zone,interval)',
   $$last_activity, '2025-01-01', '90 days'$$, true, true),
  ('redemption_rate(double precision,double precision,text)', $$issued, redeemed, 'points'$$, false, true),
  ('breakage(double precision,double precision)', 'issued, redeemed', false, true),
  ('tier_distribution(text)', 'tier', false, true),
  ('tier_distribution(anyenum)', 'tier_level', false, true),
  ('member_lift(double precision,boolean)', 'spend, is_member', false, true),
  ('btyd_summary(date,double precision,date,interval)', $$purchased_at, amount, date '2025-06-01', '7 days'$$, false, true),
  ('btyd_summary(timestamp with time zone,double precision,date,interval)',
   $$purchased_at::timestamptz, amount, date '2025-06-01', '7 days'$$, false, true),
  ('btyd_summary(date,double precision,date,date,interval)',
   $$purchased_at, amount, date '2025-01-01', date '2025-06-01', '7 days'$$, false, true),
  ('btyd_summary(timestamp with time zone,double precision,date,date,interval)',
   $$purchased_at::timestamptz, amount, date '2025-01-01', date '2025-06-01', '7 days'$$, false, true),
  ('btyd_summary(date,numeric,date,interval)', $$purchased_at, amount::numeric, date '2025-06-01', '7 days'$$, false, true),
  ('btyd_summary(timestamp with time zone,numeric,date,interval)',
   $$purchased_at::timestamptz, amount::numeric, date '2025-06-01', '7 days'$$, false, true),
  ('btyd_summary(date,numeric,date,date,interval)',
   $$purchased_at, amount::numeric, date '2025-01-01', date '2025-06-01', '7 days'$$, false, true),
  ('btyd_summary(timestamp with time zone,numeric,date,date,interval)',
   $$purchased_at::timestamptz, amount::numeric, date '2025-01-01', date '2025-06-01', '7 days'$$, false, true),
  -- the observation ends as timestamptz (1.12)
  ('btyd_summary(date,double precision,timestamp with time zone,interval)',
   $$purchased_at, amount, '2025-06-01', '7 days'$$, false, true),
  ('btyd_summary(timestamp with time zone,double precision,timestamp with time zone,interval)',
   $$purchased_at::timestamptz, amount, '2025-06-01', '7 days'$$, false, true),
  ('btyd_summary(date,double precision,timestamp with time zone,timestamp with time zone,interval)',
   $$purchased_at, amount, '2025-01-01', '2025-06-01', '7 days'$$, false, true),
  ('btyd_summary(timestamp with time zone,double precision,timestamp with time zone,timestamp with time zone,interval)',
   $$purchased_at::timestamptz, amount, '2025-01-01', '2025-06-01', '7 days'$$, false, true),
  ('btyd_summary(date,numeric,timestamp with time zone,interval)',
   $$purchased_at, amount::numeric, '2025-06-01', '7 days'$$, false, true),
  ('btyd_summary(timestamp with time zone,numeric,timestamp with time zone,interval)',
   $$purchased_at::timestamptz, amount::numeric, '2025-06-01', '7 days'$$, false, true),
  ('btyd_summary(date,numeric,timestamp with time zone,timestamp with time zone,interval)',
   $$purchased_at, amount::numeric, '2025-01-01', '2025-06-01', '7 days'$$, false, true),
  ('btyd_summary(timestamp with time zone,numeric,timestamp with time zone,timestamp with time zone,interval)',
   $$purchased_at::timestamptz, amount::numeric, '2025-01-01', '2025-06-01', '7 days'$$, false, true),
  ('bgnbd_fit(double precision,double precision,double precision,text)', $$frequency, recency, age, '7 days'$$, false, false),
  ('mbgnbd_fit(double precision,double precision,double precision,text)', $$frequency, recency, age, '7 days'$$, false, false),
  ('pareto_nbd_fit(double precision,double precision,double precision,text)', $$frequency, recency, age, '7 days'$$, false, false),
  ('ggompertz_nbd_fit(double precision,double precision,double precision,text)', $$frequency, recency, age, '7 days'$$, false, false),
  ('survival_summary(integer,integer)', 'days, churned::int', false, true),
  ('survival_summary(bigint,integer)', 'days::bigint, churned::int', false, true),
  ('survival_summary(numeric,integer)', 'days * 0.5, churned::int', false, true),
  ('survival_summary(double precision,integer)', 'days / 7.0::float8, churned::int', false, true),
  ('retention_after(timestamp with time zone,timestamp with time zone,interval,timestamp with time zone)',
   $$acquired_at, greatest(churned_at, acquired_at), '3 months', '2025-01-01'$$, false, true),
  ('bgnbd_fit(double precision,double precision,double precision)', 'frequency, recency, age', false, false),
  ('bgnbd_fit(double precision,double precision,double precision,double precision)',
   'frequency, recency, age, 2', false, false),
  ('bgnbd_fit(double precision,double precision,double precision,interval)',
   $$frequency, recency, age, interval '7 days'$$, false, false),
  ('bgnbd_fit(double precision,double precision,double precision,double precision,interval)',
   $$frequency, recency, age, 2, interval '7 days'$$, false, false),
  ('mbgnbd_fit(double precision,double precision,double precision)', 'frequency, recency, age', false, false),
  ('mbgnbd_fit(double precision,double precision,double precision,double precision)',
   'frequency, recency, age, 2', false, false),
  ('mbgnbd_fit(double precision,double precision,double precision,interval)',
   $$frequency, recency, age, interval '7 days'$$, false, false),
  ('mbgnbd_fit(double precision,double precision,double precision,double precision,interval)',
   $$frequency, recency, age, 2, interval '7 days'$$, false, false),
  ('pareto_nbd_fit(double precision,double precision,double precision)', 'frequency, recency, age', false, false),
  ('pareto_nbd_fit(double precision,double precision,double precision,double precision)',
   'frequency, recency, age, 2', false, false),
  ('pareto_nbd_fit(double precision,double precision,double precision,interval)',
   $$frequency, recency, age, interval '7 days'$$, false, false),
  ('pareto_nbd_fit(double precision,double precision,double precision,double precision,interval)',
   $$frequency, recency, age, 2, interval '7 days'$$, false, false),
  ('ggompertz_nbd_fit(double precision,double precision,double precision)', 'frequency, recency, age', false, false),
  ('ggompertz_nbd_fit(double precision,double precision,double precision,double precision)',
   'frequency, recency, age, 2', false, false),
  ('ggompertz_nbd_fit(double precision,double precision,double precision,interval)',
   $$frequency, recency, age, interval '7 days'$$, false, false),
  ('ggompertz_nbd_fit(double precision,double precision,double precision,double precision,interval)',
   $$frequency, recency, age, 2, interval '7 days'$$, false, false),
  ('pareto_nbd_fit(double precision,double precision,double precision,double precision[],text[])',
   $$frequency, recency, age, ARRAY[(customer_id % 2)::float8], ARRAY['even']$$, false, false),
  ('pareto_nbd_fit(double precision,double precision,double precision,double precision[],text[],double precision[],text[])',
   $$frequency, recency, age, ARRAY[(customer_id % 2)::float8], ARRAY['even'], ARRAY[(customer_id % 3)::float8], ARRAY['third']$$, false, false),
  ('bgnbd_fit(double precision,double precision,double precision,double precision[],text[])',
   $$frequency, recency, age, ARRAY[(customer_id % 2)::float8], ARRAY['even']$$, false, false),
  ('bgnbd_fit(double precision,double precision,double precision,double precision[],text[],double precision[],text[])',
   $$frequency, recency, age, '{}', '{}', ARRAY[(customer_id % 3)::float8], ARRAY['third']$$, false, false),
  ('pareto_nbd_fit(double precision,double precision,double precision,double precision[],text[],double precision,double precision)',
   $$frequency, recency, age, ARRAY[(customer_id % 2)::float8], ARRAY['even'], 0.01, 0.02$$, false, false),
  ('pareto_nbd_fit(double precision,double precision,double precision,double precision[],text[],double precision[],text[],double precision,double precision)',
   $$frequency, recency, age, ARRAY[(customer_id % 2)::float8], ARRAY['even'], ARRAY[(customer_id % 3)::float8], ARRAY['third'], 0, 0.5$$, false, false),
  ('bgnbd_fit(double precision,double precision,double precision,double precision[],text[],double precision,double precision)',
   $$frequency, recency, age, ARRAY[(customer_id % 2)::float8], ARRAY['even'], 0.1, 0.1$$, false, false),
  ('bgnbd_fit(double precision,double precision,double precision,double precision[],text[],double precision[],text[],double precision,double precision)',
   $$frequency, recency, age, ARRAY[(customer_id % 2)::float8], ARRAY['even'], ARRAY[(customer_id % 3)::float8], ARRAY['third'], 0.2, 0$$, false, false),
  ('ggompertz_nbd_fit(double precision,double precision,double precision,double precision[],text[])',
   $$frequency, recency, age, ARRAY[(customer_id % 2)::float8], ARRAY['even']$$, false, false),
  ('ggompertz_nbd_fit(double precision,double precision,double precision,double precision[],text[],double precision[],text[])',
   $$frequency, recency, age, ARRAY[(customer_id % 2)::float8], ARRAY['even'], '{}'::float8[], '{}'::text[]$$, false, false),
  ('ggompertz_nbd_fit(double precision,double precision,double precision,double precision[],text[],double precision,double precision)',
   $$frequency, recency, age, ARRAY[(customer_id % 3)::float8], ARRAY['third'], 0.05, 0.1$$, false, false),
  ('ggompertz_nbd_fit(double precision,double precision,double precision,double precision[],text[],double precision[],text[],double precision,double precision)',
   $$frequency, recency, age, '{}', '{}', ARRAY[(customer_id % 2)::float8], ARRAY['even'], 0, 0.1$$, false, false),
  ('pareto_nbd_fit(double precision,double precision,double precision,double precision[],text[],text[])',
   $$frequency, recency, age, ARRAY[(customer_id % 2)::float8, (customer_id % 3)::float8], ARRAY['even', 'third'], ARRAY['even']$$, false, false),
  ('pareto_nbd_fit(double precision,double precision,double precision,double precision[],text[],double precision[],text[],text[])',
   $$frequency, recency, age, ARRAY[(customer_id % 2)::float8], ARRAY['even'], ARRAY[(customer_id % 3)::float8, (customer_id % 2)::float8], ARRAY['third', 'even'], ARRAY['even']$$, false, false),
  ('pareto_nbd_fit(double precision,double precision,double precision,double precision[],text[],double precision,double precision,text[])',
   $$frequency, recency, age, ARRAY[(customer_id % 2)::float8], ARRAY['even'], 0.05, 0.1, ARRAY['even']$$, false, false),
  ('pareto_nbd_fit(double precision,double precision,double precision,double precision[],text[],double precision[],text[],double precision,double precision,text[])',
   $$frequency, recency, age, ARRAY[(customer_id % 2)::float8], ARRAY['even'], ARRAY[(customer_id % 2)::float8], ARRAY['even'], 0, 0.1, '{}'::text[]$$, false, false),
  ('bgnbd_fit(double precision,double precision,double precision,double precision[],text[],text[])',
   $$frequency, recency, age, ARRAY[(customer_id % 2)::float8, (customer_id % 3)::float8], ARRAY['even', 'third'], ARRAY['even']$$, false, false),
  ('bgnbd_fit(double precision,double precision,double precision,double precision[],text[],double precision[],text[],text[])',
   $$frequency, recency, age, ARRAY[(customer_id % 2)::float8], ARRAY['even'], ARRAY[(customer_id % 3)::float8, (customer_id % 2)::float8], ARRAY['third', 'even'], ARRAY['even']$$, false, false),
  ('bgnbd_fit(double precision,double precision,double precision,double precision[],text[],double precision,double precision,text[])',
   $$frequency, recency, age, ARRAY[(customer_id % 2)::float8], ARRAY['even'], 0.05, 0.1, ARRAY['even']$$, false, false),
  ('bgnbd_fit(double precision,double precision,double precision,double precision[],text[],double precision[],text[],double precision,double precision,text[])',
   $$frequency, recency, age, ARRAY[(customer_id % 2)::float8], ARRAY['even'], ARRAY[(customer_id % 2)::float8], ARRAY['even'], 0, 0.1, ARRAY['even']$$, false, false),
  ('ggompertz_nbd_fit(double precision,double precision,double precision,double precision[],text[],text[])',
   $$frequency, recency, age, ARRAY[(customer_id % 2)::float8, (customer_id % 3)::float8], ARRAY['even', 'third'], ARRAY['even']$$, false, false),
  ('ggompertz_nbd_fit(double precision,double precision,double precision,double precision[],text[],double precision[],text[],text[])',
   $$frequency, recency, age, ARRAY[(customer_id % 2)::float8], ARRAY['even'], ARRAY[(customer_id % 3)::float8, (customer_id % 2)::float8], ARRAY['third', 'even'], ARRAY['even']$$, false, false),
  ('ggompertz_nbd_fit(double precision,double precision,double precision,double precision[],text[],double precision,double precision,text[])',
   $$frequency, recency, age, ARRAY[(customer_id % 2)::float8], ARRAY['even'], 0.05, 0.1, ARRAY['even']$$, false, false),
  ('ggompertz_nbd_fit(double precision,double precision,double precision,double precision[],text[],double precision[],text[],double precision,double precision,text[])',
   $$frequency, recency, age, ARRAY[(customer_id % 2)::float8], ARRAY['even'], ARRAY[(customer_id % 2)::float8], ARRAY['even'], 0, 0.1, ARRAY['even']$$, false, false),
  ('bgnbd_fit(double precision,double precision,double precision,double precision,interval,double precision)',
   $$frequency, recency, age, 2, '7 days', 0.01$$, false, false),
  ('mbgnbd_fit(double precision,double precision,double precision,double precision,interval,double precision)',
   $$frequency, recency, age, 2, '7 days', 0.1$$, false, false),
  ('pareto_nbd_fit(double precision,double precision,double precision,double precision,interval,double precision)',
   $$frequency, recency, age, 2, '7 days', 0.05$$, false, false),
  ('pareto_nbd_correlation(double precision,double precision,double precision)', 'frequency, recency, age', false, false),
  ('pareto_nbd_correlation(double precision,double precision,double precision,double precision)', 'frequency, recency, age, 2', false, false),
  ('gamma_gamma_fit(double precision,double precision)', 'frequency, monetary', false, false),
  ('gamma_gamma_fit(double precision,double precision,double precision)', 'frequency, monetary, 3', false, false),
  ('gamma_gamma_fit(double precision,double precision,double precision,double precision)', 'frequency, monetary, 1, 0.01', false, false),
  ('sbg_fit(integer,boolean)', '1 + days % 12, churned', false, false),
  ('sbg_fit(integer,boolean,double precision)', '1 + days % 12, churned, 2', false, false),
  ('sbg_fit(integer,double precision,double precision)', '1 + days % 12, redeemed, issued', false, false),
  ('bgbb_fit(integer,integer,integer)',
   'days % 4, CASE WHEN days % 4 = 0 THEN 0 ELSE days % 4 + days % 3 END, 6 + days % 2', false, false),
  ('bgbb_fit(integer,integer,integer,double precision)',
   'days % 4, CASE WHEN days % 4 = 0 THEN 0 ELSE days % 4 + days % 3 END, 6 + days % 2, 2', false, false),
  ('bgbb_fit(integer,integer,integer,double precision,double precision)',
   'days % 4, CASE WHEN days % 4 = 0 THEN 0 ELSE days % 4 + days % 3 END, 6 + days % 2, 2, 0.05', false, false),
  ('survival_summary(integer,boolean)', 'days, churned', false, true),
  ('survival_summary(bigint,boolean)', 'days::bigint, churned', false, true),
  ('survival_summary(numeric,boolean)', 'days * 0.5, churned', false, true),
  ('survival_summary(double precision,boolean)', 'days / 7.0::float8, churned', false, true),
  ('survival_summary(timestamp with time zone,timestamp with time zone,timestamp with time zone,interval)',
   $$acquired_at, greatest(churned_at, acquired_at), '2025-01-01', '1 day'$$, false, true),
  ('rollup(survival_summary)', 'survs', false, true),
  -- each row is a group, and the test solves a system of the groups' size:
  -- a fifth of the rows (600 groups, not 3,000) keeps it to a blink
  ('logrank_test(survival_summary)', 'CASE WHEN customer_id % 5 = 0 THEN survs END', false, true),
  ('cohort_retention("any",timestamp with time zone,interval,timestamp with time zone)',
   $$customer_id, acquired_at, '1 month', '2025-03-01'$$, false, true),
  ('cohort_retention("any",timestamp with time zone,interval,timestamp with time zone,text)',
   $$customer_code, acquired_at, '7 days', '2025-03-01', 'on_or_after'$$, false, true),
  ('cohort_retention("any",timestamp with time zone,interval,timestamp with time zone,text,text)',
   $$customer_id, acquired_at, '1 month', '2025-03-01', 'on', 'recurring'$$, false, true),
  ('cohort_retention("any",timestamp with time zone,interval,timestamp with time zone,int4range[])',
   $$customer_code, acquired_at, '1 month', '2025-03-01', '{"[1,2]","[3,5]","[6,)"}'$$, false, true),
  ('cohort_retention("any",timestamp with time zone,interval,timestamp with time zone,int4range[],text)',
   $$customer_id, acquired_at, '1 month', '2025-03-01', '{"[0,0]","[1,3]"}', 'recurring'$$, false, true),
  ('acquisition_cohort_retention("any",timestamp with time zone,timestamp with time zone,interval,timestamp with time zone)',
   $$customer_id, timestamptz '2024-01-01' + (customer_id % 12) * interval '1 month', acquired_at, '1 month', '2025-03-01'$$, false, true),
  ('acquisition_cohort_retention("any",timestamp with time zone,timestamp with time zone,interval,timestamp with time zone,text)',
   $$customer_code, timestamptz '2024-01-01' + (customer_id % 12) * interval '1 month', acquired_at, '1 month', '2025-03-01', 'on_or_after'$$, false, true),
  ('acquisition_cohort_retention("any",timestamp with time zone,timestamp with time zone,interval,timestamp with time zone,int4range[])',
   $$customer_id, timestamptz '2024-01-01' + (customer_id % 12) * interval '1 month', acquired_at, '1 month', '2025-03-01', '{"[1,3]"}'$$, false, true),
  ('lifecycle_counts("any",timestamp with time zone,timestamp with time zone,timestamp with time zone,interval)',
   $$customer_id, acquired_at, '2024-03-01', '2025-01-01', '1 month'$$, false, true),
  ('lifecycle_counts("any",timestamp with time zone,timestamp with time zone,timestamp with time zone,timestamp with time zone,interval)',
   $$customer_code, timestamptz '2024-01-01' + (customer_id % 12) * interval '1 month', acquired_at, '2024-03-01', '2025-01-01', '1 month'$$, false, true),
  ('rfm_fit(double precision,double precision,double precision)', 'days, frequency, amount', false, true),
  ('rfm_fit(double precision,double precision,double precision,integer)', 'days, frequency, amount, 4', false, true);

-- coxph_fit counts the rows it skips, which a NULL-first group has more of
INSERT INTO matrix_args (agg, args, nulls_count, sliding, counted_skips) VALUES
  ('pareto_nbd_fit(date[],double precision[],text[],date[],date,interval)',
   $$CASE WHEN purchased_at IS NOT NULL THEN ARRAY[purchased_at - 30, purchased_at + 10] END,
     ARRAY[ARRAY[(customer_id % 2)::float8], ARRAY[(customer_id % 3)::float8]], ARRAY['even'],
     ARRAY[purchased_at, purchased_at + recency::int, purchased_at + (recency / 2)::int], date '2025-06-01', interval '7 days'$$,
   false, false, ';skipped=[0-9]+'),
  ('pareto_nbd_fit(date[],double precision[],text[],double precision[],text[],date[],date,interval)',
   $$CASE WHEN purchased_at IS NOT NULL THEN ARRAY[purchased_at - 30, purchased_at + 10] END,
     ARRAY[ARRAY[(customer_id % 2)::float8], ARRAY[(customer_id % 3)::float8]], ARRAY['even'],
     ARRAY[(customer_id % 5)::float8, (customer_id % 7)::float8], ARRAY['fifth'],
     ARRAY[purchased_at, purchased_at + recency::int, purchased_at + (recency / 2)::int], date '2025-06-01', interval '7 days'$$,
   false, false, ';skipped=[0-9]+'),
  ('coxph_fit(double precision,boolean,double precision[],text[])',
   $$days, churned, ARRAY[(customer_id % 2)::float8, amount], ARRAY['even', 'amount']$$, false, false, ';skipped=[0-9]+'),
  ('coxph_fit(double precision,integer,double precision[],text[])',
   $$days, churned::int, ARRAY[(customer_id % 2)::float8, amount], ARRAY['even', 'amount']$$, false, false, ';skipped=[0-9]+'),
  ('coxph_fit(double precision,boolean,double precision[],text[],text)',
   $$days, churned, ARRAY[(customer_id % 2)::float8, amount], ARRAY['even', 'amount'], 'breslow'$$, false, false, ';skipped=[0-9]+'),
  ('coxph_fit(double precision,integer,double precision[],text[],text)',
   $$days, churned::int, ARRAY[(customer_id % 2)::float8, amount], ARRAY['even', 'amount'], 'efron'$$, false, false, ';skipped=[0-9]+'),
  ('coxph_fit(timestamp with time zone,timestamp with time zone,timestamp with time zone,interval,double precision[],text[])',
   $$acquired_at, greatest(churned_at, acquired_at), '2025-01-01', '1 day', ARRAY[(customer_id % 2)::float8, amount], ARRAY['even', 'amount']$$,
   false, false, ';skipped=[0-9]+'),
  ('coxph_fit(double precision,boolean,double precision[],text[],text,text)',
   $$days, churned, ARRAY[(customer_id % 2)::float8, amount], ARRAY['even', 'amount'], 'efron', 'tier ' || (product_id % 3)$$,
   false, false, ';skipped=[0-9]+'),
  ('coxph_fit(double precision,integer,double precision[],text[],text,text)',
   $$days, churned::int, ARRAY[(customer_id % 2)::float8, amount], ARRAY['even', 'amount'], 'breslow', tier$$,
   false, false, ';skipped=[0-9]+'),
  ('coxph_fit(timestamp with time zone,timestamp with time zone,timestamp with time zone,interval,double precision[],text[],text,text)',
   $$acquired_at, greatest(churned_at, acquired_at), '2025-01-01', '1 day', ARRAY[(customer_id % 2)::float8, amount], ARRAY['even', 'amount'], 'efron', tier$$,
   false, false, ';skipped=[0-9]+'),
  ('coxph_fit(double precision,boolean,double precision[],text[],text,text,double precision)',
   $$days, churned, ARRAY[(customer_id % 2)::float8, amount], ARRAY['even', 'amount'], 'efron', tier, 1 + product_id % 3$$,
   false, false, ';skipped=[0-9]+'),
  ('coxph_fit(double precision,integer,double precision[],text[],text,text,double precision)',
   $$days, churned::int, ARRAY[(customer_id % 2)::float8, amount], ARRAY['even', 'amount'], 'breslow', 'all', 0.5 + product_id$$,
   false, false, ';skipped=[0-9]+'),
  ('coxph_fit(timestamp with time zone,timestamp with time zone,timestamp with time zone,interval,double precision[],text[],text,text,double precision)',
   $$acquired_at, greatest(churned_at, acquired_at), '2025-01-01', '1 day', ARRAY[(customer_id % 2)::float8, amount], ARRAY['even', 'amount'], 'efron', 'all', 2$$,
   false, false, ';skipped=[0-9]+'),
  ('coxph_fit(double precision,boolean,double precision[],text[],text,text,double precision,bigint)',
   $$days, churned, ARRAY[(customer_id % 2)::float8, amount], ARRAY['even', 'amount'], 'efron', 'all', 1, customer_id % 40$$,
   false, false, ';skipped=[0-9]+'),
  ('coxph_fit(double precision,integer,double precision[],text[],text,text,double precision,bigint)',
   $$days, churned::int, ARRAY[(customer_id % 2)::float8, amount], ARRAY['even', 'amount'], 'breslow', tier, 1 + product_id % 2, customer_id$$,
   false, false, ';skipped=[0-9]+'),
  ('coxph_fit(timestamp with time zone,timestamp with time zone,timestamp with time zone,interval,double precision[],text[],text,text,double precision,bigint)',
   $$acquired_at, greatest(churned_at, acquired_at), '2025-01-01', '1 day', ARRAY[(customer_id % 2)::float8, amount], ARRAY['even', 'amount'], 'efron', 'all', 1, customer_id % 97$$,
   false, false, ';skipped=[0-9]+'),
  ('coxph_fit(timestamp with time zone,timestamp with time zone,timestamp with time zone,interval,double precision[],text[],text)',
   $$acquired_at, greatest(churned_at, acquired_at), '2025-01-01', '1 day', ARRAY[(customer_id % 2)::float8, amount], ARRAY['even', 'amount'], 'breslow'$$,
   false, false, ';skipped=[0-9]+');

-- every aggregate of the extension, from the catalog
CREATE TABLE matrix AS
SELECT c.agg, c.name, a.args, a.nulls_count, a.sliding, a.counted_skips
FROM (SELECT p.oid::regprocedure::text AS agg, p.proname AS name
      FROM pg_aggregate g JOIN pg_proc p ON p.oid = g.aggfnoid
      JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e'
      JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'loyalty_kpi') c
LEFT JOIN matrix_args a USING (agg);

SELECT cmp_ok((SELECT count(*) FROM matrix), '>=', 94::bigint, 'the catalog lists the aggregates (94 in 1.6)');
SELECT is(args IS NOT NULL, true, agg || ': the matrix knows how to call it') FROM matrix ORDER BY agg;
SELECT is((SELECT count(*) FROM matrix_args a WHERE NOT EXISTS (SELECT 1 FROM matrix m WHERE m.agg = a.agg)),
          0::bigint, 'every entry of the matrix names an aggregate of the extension');
DELETE FROM matrix WHERE args IS NULL;

-- one text per plan: grp=value lines in group order
CREATE FUNCTION pg_temp.grouped(name text, args text, tbl text) RETURNS text LANGUAGE sql AS $$
  SELECT format('SELECT string_agg(grp || ''='' || coalesce(v::text, ''NULL''), E''\n'' ORDER BY grp) '
                'FROM (SELECT grp, %s(%s) AS v FROM %s GROUP BY grp) x', name, args, tbl)
$$;

CREATE TABLE serial_groups (agg text, grp int, v text, PRIMARY KEY (agg, grp));
SET LOCAL max_parallel_workers_per_gather = 0;
SET LOCAL enable_partitionwise_aggregate = off;
SELECT format('INSERT INTO serial_groups SELECT %L, grp, (%s(%s))::text FROM m GROUP BY grp', agg, name, args)
FROM matrix ORDER BY agg \gexec
CREATE TABLE serial_results AS
SELECT agg, string_agg(grp || '=' || coalesce(v, 'NULL'), E'\n' ORDER BY grp) AS result
FROM serial_groups GROUP BY agg;

-- empty input and all-NULL input give NULL; NULL-first = the same rows without the NULLs
SELECT format($q$SELECT is((SELECT %s(%s) FROM m WHERE false)::text, NULL, %L)$q$,
              name, args, agg || ': empty input gives NULL')
FROM matrix ORDER BY agg \gexec
SELECT is(g2.v IS NULL, NOT nulls_count,
          agg || CASE WHEN nulls_count THEN ': an all-NULL group counts its rows'
                      ELSE ': an all-NULL group gives NULL' END)
FROM matrix JOIN serial_groups g2 USING (agg) WHERE g2.grp = 2 ORDER BY agg;
SELECT is(regexp_replace(g3.v, coalesce(counted_skips, '^$'), '') IS NOT DISTINCT FROM
          regexp_replace(g1.v, coalesce(counted_skips, '^$'), ''), NOT nulls_count,
          agg || ': a group whose first rows are NULL gives the answer without them')
FROM matrix JOIN serial_groups g1 USING (agg) JOIN serial_groups g3 USING (agg)
WHERE g1.grp = 1 AND g3.grp = 3 ORDER BY agg;
SELECT isnt(v, NULL, agg || ': ordinary data gives an answer')
FROM serial_groups WHERE grp = 1 ORDER BY agg;

-- forced parallel, with and without the leader: partial in EXPLAIN, and the serial answer
SET LOCAL max_parallel_workers_per_gather = 2;
SET LOCAL parallel_setup_cost = 0;
SET LOCAL parallel_tuple_cost = 0;
SET LOCAL min_parallel_table_scan_size = 0;
SELECT format($q$SELECT ok(plan_of(%L) ~ 'Partial (Hash|Group)?Aggregate', %L)$q$,
              pg_temp.grouped(name, args, 'm'), agg || ': the parallel plan aggregates partially')
FROM matrix ORDER BY agg \gexec
SELECT format($q$SELECT is((%s), %L, %L)$q$, pg_temp.grouped(name, args, 'm'), result,
              agg || ': parallel = serial')
FROM matrix JOIN serial_results USING (agg) ORDER BY agg \gexec
SET LOCAL parallel_leader_participation = off;
SELECT format($q$SELECT is((%s), %L, %L)$q$, pg_temp.grouped(name, args, 'm'), result,
              agg || ': parallel without the leader = serial')
FROM matrix JOIN serial_results USING (agg) ORDER BY agg \gexec
RESET parallel_leader_participation;

-- partitionwise: partial aggregates per partition, combined in the same process
SET LOCAL max_parallel_workers_per_gather = 0;
SET LOCAL enable_partitionwise_aggregate = on;
SELECT format($q$SELECT ok(plan_of(%L) ~ 'Partial (Hash|Group)?Aggregate', %L)$q$,
              pg_temp.grouped(name, args, 'mp'), agg || ': the partitionwise plan aggregates partially')
FROM matrix ORDER BY agg \gexec
SELECT format($q$SELECT is((%s), %L, %L)$q$, pg_temp.grouped(name, args, 'mp'), result,
              agg || ': partitionwise = serial')
FROM matrix JOIN serial_results USING (agg) ORDER BY agg \gexec
SET LOCAL enable_partitionwise_aggregate = off;

-- windows: the whole group as one frame, then a sliding frame of 4 rows
-- (the first 150 rows of each group, so NULL-led frames are in it) against
-- the aggregate recomputed over the same rows
SELECT format($q$SELECT is((SELECT string_agg(grp || '=' || coalesce(v::text, 'NULL'), E'\n' ORDER BY grp)
                            FROM (SELECT DISTINCT grp, (%s(%s) OVER (PARTITION BY grp))::text AS v FROM m) x),
                           %L, %L)$q$, name, args, result, agg || ': as a window over the whole group = serial')
FROM matrix JOIN serial_results USING (agg) ORDER BY agg \gexec
CREATE TEMP TABLE head AS
SELECT * FROM (SELECT *, row_number() OVER (PARTITION BY grp ORDER BY id) AS n FROM m) x WHERE n <= 150;
SELECT format($q$SELECT is((SELECT count(*) FROM (
                 SELECT id, grp, (%1$s(%2$s) OVER (PARTITION BY grp ORDER BY id ROWS BETWEEN 3 PRECEDING AND CURRENT ROW))::text AS v
                 FROM head) w
                 WHERE v IS DISTINCT FROM (SELECT (%1$s(%2$s))::text FROM head h
                                           WHERE h.id BETWEEN w.id - 3 AND w.id
                                             AND h.grp = w.grp)),
                0::bigint, %3$L)$q$, name, args, agg || ': a sliding frame = the aggregate of its rows')
FROM matrix WHERE sliding ORDER BY agg \gexec

-- distributed, as Citus runs it: every aggregate whose state is not internal
-- is aggregated partially on each "worker" (here: three shards, id % 3) by
-- an aggregate made of its transition function alone, its state is shipped
-- as text and read back on the "coordinator", where an aggregate made of
-- its combine and final functions finishes it (Citus's worker_partial_agg
-- and coordinator_combine_agg).  Only the per-customer aggregates, whose
-- state grows with the customers, may keep an internal state.
SELECT set_eq(
  $$SELECT p.proname::text FROM pg_aggregate g JOIN pg_proc p ON p.oid = g.aggfnoid
    JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e'
    JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'loyalty_kpi'
    WHERE g.aggtranstype = 'internal'::regtype$$,
  ARRAY['repeat_purchase_rate', 'one_and_done_rate', 'purchase_frequency', 'upsell_ratio', 'clv',
        'btyd_summary', 'bgnbd_fit', 'gamma_gamma_fit', 'sbg_fit', 'bgbb_fit', 'mbgnbd_fit', 'pareto_nbd_fit', 'ggompertz_nbd_fit',
        'pareto_nbd_correlation',
        'cohort_retention', 'acquisition_cohort_retention', 'lifecycle_counts', 'rfm_fit', 'coxph_fit'],
  'only the per-customer aggregates keep an internal state');
CREATE SCHEMA citus_sim;
CREATE TABLE distributed AS
SELECT m.agg, m.name, m.args, row_number() OVER (ORDER BY m.agg) AS k,
       g.aggtransfn::regproc AS sfunc, format_type(g.aggtranstype, NULL) AS stype, g.agginitval,
       g.aggcombinefn::regproc AS combinefn, g.aggfinalfn::regproc AS finalfn,
       (SELECT string_agg(format_type(t, NULL), ', ' ORDER BY o)
        FROM unnest(p.proargtypes::oid[]) WITH ORDINALITY a(t, o)) AS argtypes
FROM matrix m JOIN pg_aggregate g ON g.aggfnoid = m.agg::regprocedure
JOIN pg_proc p ON p.oid = g.aggfnoid
WHERE g.aggtranstype <> 'internal'::regtype
  -- a final function with extra arguments learns the input type from the
  -- call expression, which Citus's combine does not have:
  -- tier_distribution(anyenum) then orders tiers by label (README)
  AND NOT g.aggfinalextra;
SELECT format('CREATE AGGREGATE citus_sim.partial_%s(%s) (SFUNC = %s, STYPE = %s%s)',
              k, argtypes, sfunc, stype, CASE WHEN agginitval IS NOT NULL THEN format(', INITCOND = %L', agginitval) ELSE '' END)
FROM distributed ORDER BY k \gexec
SELECT format('CREATE AGGREGATE citus_sim.combine_%s(%s) (SFUNC = %s, STYPE = %s%s%s)',
              k, stype, combinefn, stype, CASE WHEN agginitval IS NOT NULL THEN format(', INITCOND = %L', agginitval) ELSE '' END,
              CASE WHEN finalfn <> 0 THEN format(', FINALFUNC = %s', finalfn) ELSE '' END)
FROM distributed ORDER BY k \gexec
-- Every number the same, but floating-point statistics combined in another
-- order (member_lift's Youngs-Cramer sums of squares) may differ in the
-- last bits, as PostgreSQL's own variance aggregates do: 1e-12 relative.
CREATE FUNCTION pg_temp.same_numbers(got text, want text) RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE
  number constant text := '-?[0-9]+(?:\.[0-9]+)?(?:e[-+]?[0-9]+)?';
  g text[] := ARRAY(SELECT x[1] FROM regexp_matches(got, number, 'g') x);
  w text[] := ARRAY(SELECT x[1] FROM regexp_matches(want, number, 'g') x);
BEGIN
  IF regexp_replace(got, number, '#', 'g') IS DISTINCT FROM regexp_replace(want, number, '#', 'g')
     OR cardinality(g) <> cardinality(w) THEN
    RETURN false;
  END IF;
  FOR i IN 1 .. cardinality(g) LOOP
    IF abs(g[i]::float8 - w[i]::float8) > 1e-12 * greatest(abs(w[i]::float8), 1e-300) THEN
      RETURN false;
    END IF;
  END LOOP;
  RETURN true;
END $$;
SELECT format($q$SELECT ok(pg_temp.same_numbers(
                             (SELECT string_agg(grp || '=' || coalesce(v::text, 'NULL'), E'\n' ORDER BY grp)
                              FROM (SELECT grp, citus_sim.combine_%1$s(state::%2$s) AS v
                                    FROM (SELECT grp, id %% 3 AS shard, (citus_sim.partial_%1$s(%3$s))::text AS state
                                          FROM m GROUP BY grp, id %% 3) workers
                                    GROUP BY grp) coordinator),
                             %4$L), %5$L)$q$,
              k, stype, args, result, agg || ': partial states shipped as text and combined = serial')
FROM distributed JOIN serial_results USING (agg) ORDER BY agg \gexec
SELECT ok(NOT pg_temp.same_numbers('1=(2,3.0000000001)', '1=(2,3)'), 'same_numbers tells numbers apart');

-- support functions: no PUBLIC EXECUTE unless they are also accessors
SELECT is(count(*), 0::bigint, 'no support function of an aggregate is executable by PUBLIC, but the accessors')
FROM (SELECT DISTINCT s AS support
      FROM pg_aggregate g
      JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = g.aggfnoid AND d.deptype = 'e'
      JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'loyalty_kpi'
      CROSS JOIN LATERAL unnest(ARRAY[g.aggtransfn, g.aggcombinefn, g.aggserialfn, g.aggdeserialfn,
                                      g.aggmtransfn, g.aggminvtransfn, g.aggfinalfn, g.aggmfinalfn]::oid[]) s) f
JOIN pg_proc p ON p.oid = f.support
WHERE p.pronamespace <> 'pg_catalog'::regnamespace AND p.proname NOT IN ('nps', 'csat', 'ces', 'cli')
  AND has_function_privilege('public', p.oid, 'EXECUTE');

SELECT * FROM finish();
ROLLBACK;
