-- Loyalty-program KPIs, each on a handful of rows worked out by hand.
-- the support functions called directly here live in loyalty_kpi_internal (1.4)
SET search_path = public, loyalty_kpi_internal;
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS loyalty_kpi;
RESET client_min_messages;
SET TimeZone = 'UTC';
\set VERBOSITY sqlstate

-- Enrollment: 2 of the 3 customers with an answer enrolled (NULL skipped)
SELECT round(enrollment_rate(enrolled)::numeric, 6) AS enrollment
FROM (VALUES (true), (false), (NULL), (true)) v(enrolled);

-- Redemption per member: counts 0, 3, 1 (NULL skipped): 2 of 3 redeemed,
-- 4 redemptions / 3 members = 1.333333; a negative count is 22003
SELECT round(redemption_participation(n)::numeric, 6) AS participation,
       round(redemption_frequency(n)::numeric, 6) AS frequency
FROM (VALUES (0::bigint), (3), (NULL), (1)) v(n);
SELECT redemption_frequency(n) FROM (VALUES (-1::bigint)) v(n);

-- Active in the 30 days before 2024-07-01, i.e. [2024-06-01, 2024-07-01):
-- 06-01 00:00 yes (the window's first instant), 05-31 23:59 no, NULL (never
-- active) no but still a member, 07-01 no (not before the as-of date),
-- 06-30 yes: 2 of 5 = 40%
SELECT active_rate(last_activity, '2024-07-01', '30 days') AS active
FROM (VALUES ('2024-06-01'::timestamptz), ('2024-05-31 23:59'), (NULL), ('2024-07-01'), ('2024-06-30')) v(last_activity);
-- an empty window, a NULL as-of date, an as-of date that changes: errors
SELECT active_rate(now(), '2024-07-01', '0 days');
SELECT active_rate(now(), NULL, '30 days');
SELECT active_rate(a, a, '30 days') FROM (VALUES ('2024-01-01'::timestamptz), ('2024-02-01')) v(a);

-- Points: issued 100 / redeemed 50, 100 / 0, 40 / 40 (and a NULL row):
-- points basis 90 / 240 = 37.5%; members basis 2 of 3 redeemed = 66.67%;
-- breakage (240 - 90) / 240 = 62.5% = 100 - the points rate
SELECT redemption_rate(issued, redeemed, 'points') AS by_points,
       redemption_rate(issued, redeemed, 'value') AS by_value,
       round(redemption_rate(issued, redeemed, 'members')::numeric, 6) AS by_members,
       breakage(issued, redeemed) AS breakage
FROM (VALUES (100::float8, 50::float8), (100, 0), (40, 40), (NULL, 3)) v(issued, redeemed);
-- an unknown basis, a negative amount: errors; more redeemed than issued
-- cannot be breakage of one cohort of points: an error, not a negative share
SELECT redemption_rate(1, 1, 'customers');
SELECT breakage(-5, 0);
SELECT breakage(issued, redeemed) FROM (VALUES (10::float8, 4::float8), (0, 8)) v(issued, redeemed);
SELECT breakage(0, 0) AS nothing_issued;

-- Liability: 250,000 points x 0.01 a point x 80% expected redemption = 2000
SELECT points_liability(250000, 0.01, 80) AS liability;
SELECT points_liability(250000, 0.01, 120);
SELECT points_liability(-1, 0.01, 50);

-- Tiers: gold 2, silver 1, bronze 1 (NULL skipped): 50%, 25%, 25%,
-- in tier order, as rows
SELECT * FROM unnest((SELECT tier_distribution(tier)
                      FROM (VALUES ('gold'), ('silver'), ('gold'), (NULL), ('bronze')) v(tier)));
-- per segment, one call each
SELECT region, t.* FROM (
  SELECT region, tier_distribution(tier) AS d
  FROM (VALUES ('north', 'gold'), ('north', 'silver'), ('south', 'gold')) v(region, tier)
  GROUP BY region) g, unnest(g.d) t ORDER BY region, tier;

-- Member lift: members spend 10, 12, 14 (mean 12, variance 4), others 8,
-- 9, 7, 10 (mean 8.5, variance 5/3).  Lift (12 - 8.5) / 8.5 = 41.176471%;
-- Welch: se^2 = 4/3 + 5/12 = 1.75, t = 3.5 / sqrt(1.75) = 2.645751,
-- df = 1.75^2 / ((4/3)^2 / 2 + (5/12)^2 / 3) = 3.234719, and the two-sided
-- p-value 0.071394 (regularized incomplete beta computed separately with
-- mpmath: I_{df/(df+t^2)}(df/2, 1/2))
SELECT members, others, member_mean, other_mean, round(lift::numeric, 6) AS lift,
       round(t_statistic::numeric, 6) AS t, round(degrees_of_freedom::numeric, 6) AS df,
       round(p_value::numeric, 6) AS p
FROM (SELECT (member_lift(spend, is_member)).*
      FROM (VALUES (10::float8, true), (12, true), (14, true), (8, false), (9, false), (7, false), (10, false))
        v(spend, is_member)) r;
-- A textbook check of the t distribution: t = 2.228139 on 10 degrees of
-- freedom is the two-sided 5% point.  Two arms of 6 with equal variances
-- give df = 10: means 0 and d, values mean - 1 and mean + 1 three times
-- each (sample variance 6/5) -> t = d / sqrt(2 * 1.2 / 6) = d / sqrt(0.4)
SELECT round(degrees_of_freedom::numeric, 6) AS df, round(p_value::numeric, 6) AS p
FROM (SELECT (member_lift(spend, arm)).*
      FROM (SELECT m + s AS spend, m > 0 AS arm
            FROM (VALUES (0::float8), (2.228139 * sqrt(0.4))) means(m),
                 (VALUES (-1::float8), (1), (-1), (1), (-1), (1)) spread(s)) x) r;
-- too few rows for a test: the means and lift, no t or p
SELECT members, others, lift, t_statistic, p_value
FROM (SELECT (member_lift(spend, is_member)).*
      FROM (VALUES (10::float8, true), (5, false)) v(spend, is_member)) r;
SELECT member_lift(spend, true) FROM (VALUES ('NaN'::float8)) v(spend);
-- one arm only: its mean, nothing to compare; no rows: NULL
SELECT (member_lift(1, true)).members AS members, (member_lift(1, true)).lift AS lift,
       (SELECT member_lift(1, true) WHERE false) IS NULL AS no_rows;

-- The support functions are callable, so a hand-made state is checked
SELECT member_share_final('{1,2}');
SELECT breakage_final('{1,2,3}');
