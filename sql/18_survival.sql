-- Customer tenure as survival (1.5): the Kaplan-Meier curve, Greenwood
-- errors and intervals, quantiles, RMST and the log-rank test, first on
-- small hand-worked examples, then on a published data set, then the
-- errors.  The plain-SQL comparison on generated data and the plans are in
-- test/survival.sql and test/plan_matrix.sql.
SET extra_float_digits = 0;

-- 1. Ties: at t = 2 one customer churns and one is censored; the censored
-- one is still at risk at 2.  Five customers: events at 1, 2, 4; censored
-- at 2 and 3.  By hand: n = 5, 4, 2 at the event times;
-- S(1) = 4/5, S(2) = 4/5 * 3/4 = 0.6, S(4) = 0.6 * 1/2 = 0.3;
-- Greenwood sum at 2: 1/(5*4) + 1/(4*3) = 0.05 + 0.083333 = 0.133333,
-- so stderr(2) = 0.6 * sqrt(0.133333) = 0.219089.
CREATE TABLE ties (duration int, event bool);
INSERT INTO ties VALUES (1, true), (2, true), (2, false), (3, false), (4, true);
SELECT survival_summary(duration, event)::text AS summary FROM ties;
SELECT t, at_risk(s, t), survival_at(s, t), round(survival_stderr(s, t)::numeric, 6) AS stderr
FROM (SELECT survival_summary(duration, event) AS s FROM ties) x,
     unnest(ARRAY[0, 1, 1.5, 2, 3, 4, 10]) t;
-- after the last event S keeps its value, and the last event takes S to 0 when all at risk churn
SELECT survival_at(survival_summary(d, e), 100) AS to_zero, survival_stderr(survival_summary(d, e), 100) AS stderr_at_zero,
       survival_ci_lower(survival_summary(d, e), 100) AS lower_at_zero
FROM (VALUES (1, true), (2, true)) v(d, e);

-- 2. A flat stretch at exactly 0.5: four customers, events at 1 and 2,
-- then censorings at 5 and 6.  S = 0.5 from 2 on, so the median is the
-- midpoint of the flat stretch to the curve's last time: (2 + 6) / 2 = 4,
-- as R prints it.  With events at 1, 2, 3, 4 of four, S = 0.5 on [2, 3),
-- so the median is 2.5.  F = 1 - S is exactly 0.25 on [1, 2), so the 25%
-- quantile is that stretch's midpoint, 1.5.
SELECT median_survival(survival_summary(d, e)) AS flat_to_the_end,
       survival_quantile(survival_summary(d, e), 0.25) AS q25
FROM (VALUES (1, true), (2, true), (5, false), (6, false)) v(d, e);
SELECT median_survival(survival_summary(d, true)) AS flat_midpoint
FROM (VALUES (1), (2), (3), (4)) v(d);
-- S never reaches 0.5: no median (NULL), as R
SELECT median_survival(survival_summary(d, e)) AS no_median
FROM (VALUES (1, true), (2, false), (3, false)) v(d, e);

-- 3. All censored: S = 1 everywhere, no median, RMST(tau) = tau, no error
SELECT survival_at(s, 5) AS s5, survival_stderr(s, 5) AS se5, median_survival(s) AS median,
       rmst(s, 7) AS rmst7, rmst_stderr(s, 7) AS rmst_se7,
       survival_ci_lower(s, 5) AS log_lower, survival_ci_upper(s, 5, 0.95, 'log-log') AS loglog_upper
FROM (SELECT survival_summary(d, false) AS s FROM generate_series(1, 10) d) x;

-- 4. The Freireich et al. (1963) leukemia remission trial, 6-MP against
-- placebo, 21 patients each, weeks of remission (the "Gehan" data, MASS's
-- gehan).  Kleinbaum and Klein, Survival Analysis: A Self-Learning Text,
-- 3rd ed. (2012), chapter 2, print the 6-MP curve 0.8571, 0.8067, 0.7529,
-- 0.6902, 0.6275, 0.5378, 0.4482 at weeks 6, 7, 10, 13, 16, 22, 23 and the
-- log-rank chi-square 16.79 (1 df); R's survfit prints the Greenwood
-- standard errors 0.0764, 0.0869, 0.0963, 0.1068, 0.1141, 0.1282, 0.1346,
-- the log intervals (0.720, 1.000) ... (0.249, 0.807), and the medians 23
-- (0.95 limits 16 and NA) and 8 (4 and 12); survdiff gives p = 4.17e-05.
CREATE TABLE gehan (treatment text, weeks int, relapsed bool);
INSERT INTO gehan SELECT '6-MP', w, true FROM unnest(ARRAY[6, 6, 6, 7, 10, 13, 16, 22, 23]) w;
INSERT INTO gehan SELECT '6-MP', w, false FROM unnest(ARRAY[6, 9, 10, 11, 17, 19, 20, 25, 32, 32, 34, 35]) w;
INSERT INTO gehan SELECT 'placebo', w, true
FROM unnest(ARRAY[1, 1, 2, 2, 3, 4, 4, 5, 5, 8, 8, 8, 8, 11, 11, 12, 12, 15, 17, 22, 23]) w;
CREATE TABLE gehan_summaries AS
SELECT treatment, survival_summary(weeks, relapsed) AS s FROM gehan GROUP BY treatment;
SELECT c.duration AS week, c.at_risk, c.events, round(c.survival::numeric, 4) AS survival,
       round(c.std_error::numeric, 4) AS std_error, round(c.lower::numeric, 3) AS lower, round(c.upper::numeric, 3) AS upper
FROM gehan_summaries, survival_curve(s) c WHERE treatment = '6-MP' AND c.events > 0;
SELECT treatment, median_survival(s) AS median, median_survival_ci_lower(s) AS lcl, median_survival_ci_upper(s) AS ucl
FROM gehan_summaries ORDER BY treatment;
SELECT round(chi_square::numeric, 2) AS chi_square, degrees_of_freedom, round(p_value::numeric, 7) AS p_value, groups
FROM (SELECT (logrank_test(s)).* FROM gehan_summaries) x;
-- RMST of 6-MP to week 23, by hand: 6 + 0.857143 + 3 * 0.806723 + 3 * 0.752941
-- + 3 * 0.690196 + 6 * 0.627451 + 0.537815 = 17.909244
SELECT round(rmst(s, 23)::numeric, 6) AS rmst_23, round(rmst(s, 0)::numeric, 6) AS rmst_0,
       round(rmst(s, 3)::numeric, 6) AS rmst_3, round(rmst(s, 100)::numeric, 6) AS rmst_past_the_end
FROM gehan_summaries WHERE treatment = '6-MP';
-- by hand at week 13: S = 0.690196, g = sum d/(n(n-d)) = 3/(21*18) + 1/(17*16) + 1/(15*14) + 1/(12*11)
--   = 0.0079365 + 0.0036765 + 0.0047619 + 0.0075758 = 0.0239507;
-- log-log: u = log(-log S) = -0.99215, se = sqrt(g) / -log S = 0.154760 / 0.370780 = 0.417390,
--   lower = exp(-exp(u + 1.959964 * se)) = 0.4316, upper = exp(-exp(u - 1.959964 * se)) = 0.8491;
-- plain: S -+ 1.959964 * S * sqrt(g) = 0.690196 -+ 0.209353 = 0.4808 and 0.8995;
-- log at 90%: S exp(-1.644854 * 0.154760) = 0.5351

-- the other transforms at week 13: log-log (lifelines' default) and plain
SELECT round(survival_ci_lower(s, 13, 0.95, 'log-log')::numeric, 4) AS loglog_lower,
       round(survival_ci_upper(s, 13, 0.95, 'log-log')::numeric, 4) AS loglog_upper,
       round(survival_ci_lower(s, 13, 0.95, 'plain')::numeric, 4) AS plain_lower,
       round(survival_ci_upper(s, 13, 0.95, 'plain')::numeric, 4) AS plain_upper,
       round(survival_ci_lower(s, 13, level => 0.9)::numeric, 4) AS log_lower_90
FROM gehan_summaries WHERE treatment = '6-MP';

-- one group: nothing to compare, 0 degrees of freedom and no p-value;
-- NULL summaries are skipped; no summary gives NULL
SELECT (logrank_test(s)).* FROM gehan_summaries WHERE treatment = 'placebo';
SELECT (logrank_test(s)).* FROM (SELECT s FROM gehan_summaries UNION ALL SELECT NULL) x;
SELECT logrank_test(s) IS NULL AS no_summaries FROM gehan_summaries WHERE false;

-- 5. The same from dates: acquired each on a Monday of 2024, churned
-- `weeks` later, or still active (censored) at as_of, which each row
-- gives for itself: the day it was last seen active.  In UTC, where every
-- week is 7 x 24 hours (the DST case follows).
SET TimeZone = 'UTC';
CREATE TABLE gehan_dates AS
SELECT treatment, timestamptz '2024-01-01 00:00+00' + (row_number() OVER ()) * interval '7 days' AS acquired_at,
       weeks, relapsed
FROM gehan;
SELECT treatment,
       survival_summary(acquired_at, CASE WHEN relapsed THEN acquired_at + weeks * interval '7 days' END,
                        acquired_at + weeks * interval '7 days', '7 days')::text
       = (SELECT s::text FROM gehan_summaries g WHERE g.treatment = d.treatment) AS same_summary
FROM gehan_dates d GROUP BY treatment ORDER BY treatment;
RESET TimeZone;
-- Tenure counts whole units of elapsed time completed (a day is 24 hours);
-- the partial unit is not counted.  Acquired at noon, churned 1 h, 23 h
-- 59 min, 24 h, 47 h later: 0, 0, 1, 1 days.  Across the change to summer
-- time in the session's zone (pg_regress sets PST8PDT: 10 March 2024) noon to
-- noon is 23 hours: 0 days of elapsed time; the calendar-day count the
-- docs/survival.md points to (churned_at::date - acquired_at::date) says 1.
SELECT survival_summary(acquired_at, acquired_at + after, '2025-01-01', '1 day')::text AS whole_days
FROM (VALUES (interval '1 hour'), ('23:59'), ('24:00'), ('47:00')) v(after),
     (VALUES (timestamptz '2024-01-10 12:00+00')) a(acquired_at);
SELECT survival_summary(timestamptz '2024-03-09 12:00', timestamptz '2024-03-10 12:00', '2025-01-01', '1 day')::text
       AS across_dst,
       survival_summary(('2024-03-10 12:00'::timestamptz)::date - ('2024-03-09 12:00'::timestamptz)::date, true)::text
       AS calendar_days;
-- a unit longer than any tenure (the int64 product overflows): every tenure is 0
SELECT survival_summary(timestamptz '2024-01-01', timestamptz '2024-02-01', '2025-01-01',
                        interval '2147483647 days')::text AS huge_unit;
-- as_of in the past: later churns are still active then, later customers are left out
SELECT survival_summary(acquired_at, churned_at, '2024-03-01 00:00+00', '1 day')::text AS as_of_march
FROM (VALUES (timestamptz '2024-01-01 00:00+00', timestamptz '2024-01-11 00:00+00'),
             ('2024-01-01 00:00+00', '2024-06-01 00:00+00'),
             ('2024-02-01 00:00+00', NULL),
             ('2024-04-01 00:00+00', NULL),
             (NULL, NULL)) v(acquired_at, churned_at);

-- 6. Stored summaries: text and binary read back exactly, jsonb, rollup of
-- the two arms equals the summary of all rows
SELECT s::text = s::text::survival_summary::text AS text_round_trip,
       loyalty_kpi_internal.survival_summary_send(s) AS binary_form
FROM gehan_summaries WHERE treatment = '6-MP' \gset
\echo :text_round_trip
SELECT length(:'binary_form') AS hex_digits_of_5_plus_16_times_24_bytes;
SELECT s::jsonb FROM gehan_summaries WHERE treatment = 'placebo';
SELECT (SELECT rollup(s) FROM gehan_summaries)::text = (SELECT survival_summary(weeks, relapsed) FROM gehan)::text
       AS rollup_equals_all_rows;
SELECT '{"v1;1:1:0", "v1;1:0:2;2.5:3:0"}'::survival_summary[] AS array_of_summaries,
       'v1'::survival_summary::text AS empty, survival_at('v1', 3) AS nothing_to_read;

-- 7. Windows: a sliding frame equals the summary of its rows
SELECT bool_and(w = d) AS sliding_frames_match FROM (
  SELECT survival_summary(weeks, relapsed) OVER (ORDER BY treatment, weeks, relapsed ROWS BETWEEN 4 PRECEDING AND CURRENT ROW)::text AS w,
         (SELECT survival_summary(weeks, relapsed)::text FROM (
            SELECT weeks, relapsed, row_number() OVER (ORDER BY treatment, weeks, relapsed) AS k FROM gehan) y
          WHERE y.k BETWEEN x.k - 4 AND x.k) AS d
  FROM (SELECT *, row_number() OVER (ORDER BY treatment, weeks, relapsed) AS k FROM gehan) x) z;

-- 8. Every duration type gives the same summary; numeric and double keep fractions
SELECT survival_summary(weeks::bigint, relapsed)::text = survival_summary(weeks, relapsed)::text AS bigint_same,
       survival_summary(weeks::numeric, relapsed)::text = survival_summary(weeks, relapsed)::text AS numeric_same,
       survival_summary(weeks::float8, relapsed)::text = survival_summary(weeks, relapsed)::text AS double_same
FROM gehan;
SELECT survival_summary(d, true)::text AS fractions FROM (VALUES (0.5::numeric), (1.25), (0.5)) v(d);

-- 9. Errors: the right SQLSTATE and a hint
\set VERBOSITY sqlstate
SELECT survival_summary(-1, true);
SELECT survival_summary('NaN'::float8, true);
SELECT survival_summary('Infinity'::numeric, true);
SELECT survival_summary(9007199254740993, true);
SELECT survival_summary(timestamptz '2024-01-05', '2024-01-01', '2024-02-01', '1 day');
SELECT survival_summary(timestamptz '2024-01-05', NULL, NULL, '1 day');
SELECT survival_summary(timestamptz '2024-01-05', NULL, '2024-02-01', '1 month');
SELECT survival_summary(timestamptz '2024-01-05', NULL, 'infinity', '1 day');
SELECT survival_ci_lower(s, 10, 0.95, 'logit') FROM gehan_summaries;
SELECT survival_ci_lower(s, 10, 1.5) FROM gehan_summaries;
SELECT survival_at(s, 'NaN') FROM gehan_summaries;
SELECT survival_quantile(s, 1.5) FROM gehan_summaries;
SELECT rmst(s, -1) FROM gehan_summaries;
SELECT 'v1;2:1:0;1:1:0'::survival_summary;
SELECT 'v1;1:0:0'::survival_summary;
SELECT 'v1;-1:1:0'::survival_summary;
SELECT 'v1;1:9223372036854775807:1'::survival_summary;
SELECT 'v2;1:1:0'::survival_summary;
SELECT 'v1;inf:1:0'::survival_summary;
\set VERBOSITY default
SELECT survival_summary(-1, true);
SELECT 'v1;2:1:0;1:1:0'::survival_summary;
