-- NPS: nps_agg(), nps_summary() and the NPS accessors against values
-- computed by hand.  Expected statistics were computed independently
-- (Python's statistics.NormalDist for z), see the comments.

-- 20 answers: 10 promoters (9-10), 6 passives (7-8), 4 detractors (0-6),
-- plus two NULLs that must be skipped.  NPS = 100 * (10 - 4) / 20 = 30.
CREATE TABLE answers (id int, score int);
INSERT INTO answers VALUES
 (1, 10), (2, 10), (3, 10), (4, 10), (5, 9), (6, 9), (7, 9), (8, 9), (9, 9), (10, 9),
 (11, 8), (12, 8), (13, 8), (14, 7), (15, 7), (16, 7),
 (17, 6), (18, 3), (19, 0), (20, 5),
 (21, NULL), (22, NULL);

-- every accepted column type gives the same answer
SELECT nps_agg(score) AS int4, nps_agg(score::smallint) AS int2,
       nps_agg(score::bigint) AS int8, nps_agg(score::numeric) AS numeric,
       nps_agg((score::numeric + 0.000)) AS numeric_with_scale
FROM answers;

SELECT s AS summary, responses(s), promoters(s), passives(s), detractors(s),
       nps(s), mean_score(s)
FROM (SELECT nps_summary(score) AS s FROM answers) q;
-- mean_score: (4*10 + 6*9 + 3*8 + 3*7 + 6 + 3 + 0 + 5) / 20 = 153 / 20 = 7.65

-- standard error: x = 0.5, d = 0.2: 100 * sqrt((0.7 - 0.09) / 20) = 17.4642491965...
-- adjusted-Wald 95%: n' = 23, x' = 10.75/23, d' = 4.75/23 -> [-5.72353, 57.89745]
-- at 90%: [-0.60925, 52.78316]
SELECT round(nps_stderr(s)::numeric, 6) AS stderr,
       round(nps_ci_lower(s)::numeric, 5) AS lower95,
       round(nps_ci_upper(s)::numeric, 5) AS upper95,
       round(nps_ci_lower(s, 0.90)::numeric, 5) AS lower90,
       round(nps_ci_upper(s, 0.90)::numeric, 5) AS upper90
FROM (SELECT nps_summary(score) AS s FROM answers) q;

-- the interval is clamped to [-100, 100]: 5 promoters -> [17.49145, 100];
-- one detractor -> [-98.49865, 48.49865]
SELECT nps(s), nps_stderr(s), round(nps_ci_lower(s)::numeric, 5) AS lower, nps_ci_upper(s) AS upper
FROM (SELECT nps_summary(x) AS s FROM (VALUES (9), (10), (10), (9), (9)) v(x)) q;
SELECT nps(s), nps_stderr(s), round(nps_ci_lower(s)::numeric, 5) AS lower,
       round(nps_ci_upper(s)::numeric, 5) AS upper
FROM (SELECT nps_summary(x) AS s FROM (VALUES (0)) v(x)) q;

-- two NPS values: 60/20/20 (NPS 40) vs 40/30/30 (NPS 10), n = 100 each:
-- adjusted-Wald z = 2.56781, two-sided p = 0.0102344
SELECT round(nps_diff_pvalue('v1:nps:0-10:0,0,0,0,0,0,20,10,10,30,30', 'v1:nps:0-10:0,0,0,0,10,10,10,15,15,20,20')::numeric, 7) AS p;
-- a sample against itself: p = 1
SELECT nps_diff_pvalue(s, s) FROM (SELECT nps_summary(score) AS s FROM answers) q;

-- NULLs are skipped; no answer at all gives NULL, never a division by zero
SELECT nps_agg(x) AS all_null, nps_summary(x) AS summary_all_null
FROM (VALUES (NULL::int), (NULL)) v(x);
SELECT nps_agg(score) AS empty, nps_summary(score) AS summary_empty FROM answers WHERE false;
-- GROUP BY: a group of NULLs only gives NULL beside a normal group
SELECT g, nps_agg(x) FROM (VALUES (1, 10), (1, 0), (1, 9), (2, NULL::int)) v(g, x) GROUP BY g ORDER BY g;
-- a summary with no responses (only from text input) reads as NULL rates
SELECT nps(s), responses(s), promoters(s), nps_stderr(s), nps_ci_lower(s), mean_score(s)
FROM (SELECT 'v1:nps:0-10:0,0,0,0,0,0,0,0,0,0,0'::survey_summary AS s) q;

-- out-of-domain scores: an ERROR naming the function and value, with a hint
SELECT nps_agg(x) FROM (VALUES (10), (11)) v(x);
SELECT nps_agg(x) FROM (VALUES (-1)) v(x);
SELECT nps_summary(x) FROM (VALUES ((-32768)::smallint)) v(x);
SELECT nps_agg(x) FROM (VALUES (9223372036854775807::bigint)) v(x);
SELECT nps_agg(x) FROM (VALUES (7.5)) v(x);
SELECT nps_agg(x) FROM (VALUES (10.0000000000000000001)) v(x);
-- numeric answers are checked by rounding and comparing back: the edges
SELECT nps_agg(x) FROM (VALUES (10.5)) v(x);
SELECT nps_agg(x) FROM (VALUES (-0.4)) v(x);
SELECT nps_agg(x) FROM (VALUES (2147483648::numeric)) v(x);
SELECT nps_agg(x), nps_summary(x) FROM (VALUES (0.000), (10.00), (9::numeric)) v(x);
SELECT nps_agg(x) FROM (VALUES ('NaN'::numeric)) v(x);
SELECT nps_agg(x) FROM (VALUES ('Infinity'::numeric)) v(x);
SELECT nps_agg(x) FROM (VALUES (1e100::numeric)) v(x);
-- a bad level for the interval
SELECT nps_ci_lower(nps_summary(score), 1.0) FROM answers;
SELECT nps_ci_upper(nps_summary(score), 0) FROM answers;
SELECT nps_ci_upper(nps_summary(score), 'NaN') FROM answers;
-- NPS accessors refuse summaries of other KPIs
SELECT nps('v1:csat:1-5:1,1,1,1,1');
SELECT promoters('v1:ces:1-7:1,1,1,1,1,1,1');
SELECT nps_diff_pvalue('v1:nps:0-10:0,0,0,0,0,0,0,0,0,0,1', 'v1:cli:3-18:1,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0');
