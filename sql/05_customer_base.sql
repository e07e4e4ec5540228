-- Customer-base KPIs from lifecycle dates: retention_rate, churn_rate and
-- retention_series.  Every expected number is worked out in the comments.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS loyalty_kpi;
RESET client_min_messages;
SET TimeZone = 'UTC';
\set VERBOSITY sqlstate

-- The formula alone.  Seed 003's worked example: S = 100, N = 20, E = 95:
-- (95 - 20) / 100 = 75%.  Churn over all the period had: (100 + 20 - 95) /
-- 120 = 20.833...%; seed 002's basis, lost / S: 25 / 100 = 25%.
SELECT retention_rate(100, 95, 20) AS crr,
       round(churn_rate(100, 95, 20)::numeric, 6) AS ccr_all,
       churn_rate(100, 95, 20, 'all') = churn_rate(100, 95, 20) AS all_is_default,
       churn_rate(100, 95, 20, 'start') AS ccr_start;
-- CRR + CCR is not 100 with the default basis (75 + 20.83); with the
-- 'start' basis it always is: (E - N) / S + (S + N - E) / S = 1
SELECT round((retention_rate(100, 95, 20) + churn_rate(100, 95, 20))::numeric, 6) AS crr_plus_ccr_all,
       retention_rate(100, 95, 20) + churn_rate(100, 95, 20, 'start') AS crr_plus_ccr_start;
-- bad counts: negative (22023), more at the end than could be (22023),
-- nothing to divide by (22012), an unknown basis (22023); NULL in, NULL out
SELECT retention_rate(-1, 5, 0);
SELECT retention_rate(10, 31, 20);
SELECT retention_rate(0, 5, 5);
SELECT churn_rate(0, 0, 0);
SELECT churn_rate(0, 5, 5, 'start');
SELECT churn_rate(10, 5, 5, 'end');
SELECT retention_rate(NULL, 5, 5) IS NULL AS null_in_null_out;

-- The aggregate, on customers at every boundary that matters for January
-- 2024 = [2024-01-01, 2024-02-01).  Each row says where it counts.
CREATE TABLE customers (name text, acquired_at timestamptz, churned_at timestamptz);
INSERT INTO customers VALUES
  ('old_stays',      '2023-06-01', NULL),          -- S, E
  ('old_leaves',     '2023-06-01', '2024-01-20'),  -- S, lost
  ('churn_at_start', '2023-12-01', '2024-01-01'),  -- S (still there as Jan begins), lost
  ('churn_at_end',   '2023-12-01', '2024-02-01'),  -- S, E (still there when Jan ends)
  ('new_at_start',   '2024-01-01', NULL),          -- N, E
  ('new_and_gone',   '2024-01-10', '2024-01-25'),  -- N, lost: acquired and churned in January
  ('new_at_end',     '2024-02-01', NULL),          -- none: February's
  ('gone_before',    '2023-01-01', '2023-12-31'),  -- none
  ('same_instant',   '2024-01-15', '2024-01-15'),  -- N, lost: a zero-length stay
  ('unknown',        NULL, NULL);                  -- skipped: no acquisition date
-- S = 4, N = 3, E = 3 (old_stays, churn_at_end, new_at_start), lost = 4.
-- retention (3 - 3) / 4 = 0%; churn 4 / 7 = 57.142857%, on S: 4 / 4 = 100%
SELECT retention_rate(acquired_at, churned_at, '2024-01-01', '2024-02-01') AS crr,
       round(churn_rate(acquired_at, churned_at, '2024-01-01', '2024-02-01')::numeric, 6) AS ccr_all,
       churn_rate(acquired_at, churned_at, '2024-01-01', '2024-02-01', 'start') AS ccr_start
FROM customers;
-- the same customers as counts, through the series (one period)
SELECT start_count, new_count, end_count, lost_count, retained_count, retention_rate
FROM unnest((SELECT retention_series(acquired_at, churned_at, '2024-01-01', '2024-02-01', '1 month')
             FROM customers));
-- date columns work through the implicit cast to timestamptz
SELECT retention_rate(acquired_at::date, churned_at::date, '2024-01-01'::date, '2024-02-01'::date) AS crr_dates
FROM customers;

-- Negative retention is what the formula gives when customers acquired in
-- the period also leave in it: S = 1 stays, N = 2 both gone: (1 - 2) / 1.
SELECT retention_rate(a, c, '2024-01-01', '2024-02-01') AS crr
FROM (VALUES ('2023-01-01'::timestamptz, NULL::timestamptz),
             ('2024-01-02', '2024-01-03'), ('2024-01-04', '2024-01-05')) v(a, c);

-- No base: no rows, only NULL acquisitions, or S = 0 -> NULL, never an error
SELECT retention_rate(acquired_at, churned_at, '2024-01-01', '2024-02-01') FROM customers WHERE false;
SELECT retention_rate(acquired_at, churned_at, '2024-01-01', '2024-02-01') FROM customers WHERE name = 'unknown';
SELECT retention_rate(acquired_at, churned_at, '2024-01-01', '2024-02-01') AS no_start,
       churn_rate(acquired_at, churned_at, '2024-01-01', '2024-02-01') AS ccr_all,
       churn_rate(acquired_at, churned_at, '2024-01-01', '2024-02-01', 'start') AS no_start_either
FROM customers WHERE name LIKE 'new%';

-- Bad input: churned before acquired, end not after start, infinite or NULL
-- period, a period that changes between rows, an unknown basis
SELECT retention_rate(a, c, '2024-01-01', '2024-02-01')
FROM (VALUES ('2024-01-05'::timestamptz, '2024-01-04'::timestamptz)) v(a, c);
SELECT retention_rate(acquired_at, churned_at, '2024-02-01', '2024-01-01') FROM customers;
SELECT retention_rate(acquired_at, churned_at, '2024-02-01', '2024-02-01') FROM customers;
SELECT retention_rate(acquired_at, churned_at, '-infinity', '2024-02-01') FROM customers;
SELECT retention_rate(acquired_at, churned_at, NULL, '2024-02-01') FROM customers;
SELECT retention_rate(acquired_at, churned_at, acquired_at, '2025-01-01') FROM customers;
SELECT churn_rate(acquired_at, churned_at, '2024-01-01', '2024-02-01', 'lost') FROM customers;
SELECT retention_series(acquired_at, churned_at, '2024-01-01', '2024-02-01', '-1 month') FROM customers;
SELECT retention_series(acquired_at, churned_at, '2024-01-01', '2025-01-01', '1 minute') FROM customers;

-- The series: four months from one scan.  By hand, boundaries Nov 1, Dec 1,
-- Jan 1, Feb 1, Mar 1 (in base at b: acquired before b, churned at or after b):
--   at Nov 1: old_stays, old_leaves, gone_before                         = 3
--   at Dec 1: old_stays, old_leaves, gone_before                         = 3
--   at Jan 1: old_stays, old_leaves, churn_at_start, churn_at_end        = 4
--   at Feb 1: old_stays, churn_at_end, new_at_start                      = 3
--   at Mar 1: old_stays, new_at_start, new_at_end                        = 3
-- new: Nov 0; Dec 2 (churn_at_start, churn_at_end); Jan 3; Feb 1 (new_at_end)
--   Nov: S 3, N 0, E 3, lost 0;  Dec: S 3, N 2, E 4, lost 1 (gone_before)
--   Jan: S 4, N 3, E 3, lost 4;  Feb: S 3, N 1, E 3, lost 1 (churn_at_end)
-- retained (of S, still in at the end): Nov 3, Dec 2, Jan 2, Feb 2
-- churn: Nov 0, Dec 1/5 = 20, Jan 4/7, Feb 1/4 = 25; reduction = previous - this:
-- Dec -20, Jan -37.1429, Feb 32.1429; growth (E - S) / S: 0, 33.3, -25, 0
SELECT to_char(period_start, 'YYYY-MM-DD') AS month, to_char(period_end, 'YYYY-MM-DD') AS until,
       start_count AS s, new_count AS n, end_count AS e, lost_count AS lost, retained_count AS kept,
       round(retention_rate::numeric, 4) AS crr, round(churn_rate::numeric, 4) AS ccr,
       round(churn_rate_start::numeric, 4) AS ccr_start, round(churn_reduction::numeric, 4) AS reduction,
       round(growth_rate::numeric, 4) AS growth
FROM unnest((SELECT retention_series(acquired_at, churned_at, '2023-11-01', '2024-03-01', '1 month')
             FROM customers));
-- each period of the series equals the single-period aggregate
SELECT p.period_start, p.retention_rate IS NOT DISTINCT FROM
         (SELECT retention_rate(acquired_at, churned_at, p.period_start, p.period_end) FROM customers) AS same_crr,
       p.churn_rate IS NOT DISTINCT FROM
         (SELECT churn_rate(acquired_at, churned_at, p.period_start, p.period_end) FROM customers) AS same_ccr
FROM unnest((SELECT retention_series(acquired_at, churned_at, '2023-11-01', '2024-03-01', '1 month')
             FROM customers)) p;
-- a range that is not a whole number of steps: the last period is cut at the end;
-- month steps from the 31st land on each month's last day, not drifting
SELECT to_char(period_start, 'YYYY-MM-DD') AS start, to_char(period_end, 'YYYY-MM-DD') AS until
FROM unnest((SELECT retention_series(acquired_at, churned_at, '2024-01-31', '2024-05-15', '1 month')
             FROM customers));

-- Two-step: segment series kept as rows roll up with sums and the formula
-- shape; here two halves of the table roll up to the whole table's Jan
WITH halves AS (
  SELECT p.* FROM (SELECT name < 'n' AS half,
                          retention_series(acquired_at, churned_at, '2024-01-01', '2024-02-01', '1 month') AS s
                   FROM customers GROUP BY 1) g, unnest(g.s) p)
SELECT retention_rate(sum(start_count)::bigint, sum(end_count)::bigint, sum(new_count)::bigint) AS crr,
       round(churn_rate(sum(start_count)::bigint, sum(end_count)::bigint, sum(new_count)::bigint)::numeric, 6) AS ccr
FROM halves;

-- Churn reduction as one window expression over monthly churn
SELECT to_char(m, 'YYYY-MM') AS month, round(ccr::numeric, 4) AS ccr,
       round((lag(ccr) OVER (ORDER BY m) - ccr)::numeric, 4) AS churn_reduction
FROM (SELECT m, churn_rate(acquired_at, churned_at, m, m + interval '1 month') AS ccr
      FROM customers, generate_series('2023-12-01'::timestamptz, '2024-02-01', '1 month') m
      GROUP BY m) monthly;

-- As a moving window over three customers at a time (name order), each
-- frame's (S, N, E) by hand: (1,0,1) 100; (2,0,1) 50; (2,0,1) 50;
-- (1,1,0) -100; (0,..) NULL; (0,..) NULL; (1,1,1) 0; (2,1,2) 50; (2,1,1) 0;
-- (1,1,1) 0
SELECT name, retention_rate(acquired_at, churned_at, '2024-01-01', '2024-02-01')
         OVER (ORDER BY name ROWS BETWEEN 2 PRECEDING AND CURRENT ROW) AS moving
FROM customers ORDER BY name;
