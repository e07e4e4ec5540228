-- pgTAP: survey KPIs against independent plain-SQL computations on
-- generated data, error SQLSTATEs, parallel = serial, sliding windows, and
-- two-step rollups.  Runs in one transaction that is rolled back.
BEGIN;
CREATE EXTENSION IF NOT EXISTS pgtap;
CREATE EXTENSION IF NOT EXISTS loyalty_kpi;
SELECT no_plan();

-- 200,000 answers over two years, four segments, ~3% missing per question
SELECT setseed(0.42);
CREATE TABLE surveys AS
SELECT g AS id,
       timestamp '2025-01-01' + (g % 730) * interval '1 day' + (g % 997) * interval '1 minute' AS answered_at,
       (ARRAY['retail', 'online', 'partner', 'enterprise'])[1 + g % 4] AS segment,
       CASE WHEN random() < 0.03 THEN NULL ELSE floor(random() * 11)::int END AS score,
       CASE WHEN random() < 0.03 THEN NULL ELSE 1 + floor(random() * 5)::int END AS csat5,
       CASE WHEN random() < 0.03 THEN NULL ELSE 1 + floor(random() * 10)::int END AS csat10,
       CASE WHEN random() < 0.03 THEN NULL ELSE 1 + floor(random() * 7)::int END AS effort,
       CASE WHEN random() < 0.03 THEN NULL ELSE 1 + floor(random() * 6)::int END AS recommend,
       CASE WHEN random() < 0.03 THEN NULL ELSE 1 + floor(random() * 6)::int END AS repurchase,
       CASE WHEN random() < 0.03 THEN NULL ELSE 1 + floor(random() * 6)::int END AS try_other
FROM generate_series(1, 200000) g;
ANALYZE surveys;

-- ---------------------------------------------------------------------
-- Each KPI against the plain SQL an analyst would write, per segment
-- ---------------------------------------------------------------------
SELECT results_eq(
  $$SELECT segment, round(nps_agg(score)::numeric, 9) FROM surveys GROUP BY 1 ORDER BY 1$$,
  $$SELECT segment, round(100.0 * (count(*) FILTER (WHERE score >= 9) - count(*) FILTER (WHERE score <= 6)) / count(score), 9)
    FROM surveys GROUP BY 1 ORDER BY 1$$,
  'nps_agg equals 100 * (promoters - detractors) / responses per segment');

SELECT results_eq(
  $$SELECT segment, responses(s), promoters(s), passives(s), detractors(s), round(mean_score(s)::numeric, 9)
    FROM (SELECT segment, nps_summary(score) AS s FROM surveys GROUP BY 1) q ORDER BY 1$$,
  $$SELECT segment, count(score), count(*) FILTER (WHERE score >= 9), count(*) FILTER (WHERE score BETWEEN 7 AND 8),
           count(*) FILTER (WHERE score <= 6), round(avg(score), 9)
    FROM surveys GROUP BY 1 ORDER BY 1$$,
  'nps_summary accessors equal plain counts and avg()');

SELECT results_eq(
  $$SELECT nps_agg(score::smallint), nps_agg(score::bigint), nps_agg(score::numeric) FROM surveys$$,
  $$SELECT nps_agg(score), nps_agg(score), nps_agg(score) FROM surveys$$,
  'nps_agg gives one answer for smallint, bigint and numeric columns');

SELECT results_eq(
  $$SELECT segment, round(csat_agg(csat5, 5)::numeric, 9), round(mean_score(csat_summary(csat5, 5))::numeric, 9),
           round(csat_agg(csat10, 10)::numeric, 9)
    FROM surveys GROUP BY 1 ORDER BY 1$$,
  $$SELECT segment, round(100.0 * count(*) FILTER (WHERE csat5 >= 4) / count(csat5), 9), round(avg(csat5), 9),
           round(100.0 * count(*) FILTER (WHERE csat10 >= 9) / count(csat10), 9)
    FROM surveys GROUP BY 1 ORDER BY 1$$,
  'csat_agg is the top-two-box share (1-5 and 1-10) and mean_score the mean');

SELECT results_eq(
  $$SELECT segment, round(ces_agg(effort)::numeric, 9), round(ces_easy_share(ces_summary(effort))::numeric, 9)
    FROM surveys GROUP BY 1 ORDER BY 1$$,
  $$SELECT segment, round(avg(effort), 9), round(100.0 * count(*) FILTER (WHERE effort >= 5) / count(effort), 9)
    FROM surveys GROUP BY 1 ORDER BY 1$$,
  'ces_agg is the mean effort and ces_easy_share the share of 5-7');

SELECT results_eq(
  $$SELECT segment, round(cli_score(recommend, repurchase, try_other)::numeric, 9),
           responses(cli_summary(recommend, repurchase, try_other))
    FROM surveys GROUP BY 1 ORDER BY 1$$,
  $$SELECT segment, round(avg((recommend + repurchase + try_other) / 3.0), 9),
           count((recommend + repurchase + try_other))
    FROM surveys GROUP BY 1 ORDER BY 1$$,
  'cli_score is the mean over fully answered respondents of their mean answer');

-- NPS statistics against the formulas written out in SQL
SELECT results_eq(
  $$SELECT segment, round(nps_stderr(s)::numeric, 9), round(nps_ci_lower(s)::numeric, 9), round(nps_ci_upper(s, 0.99)::numeric, 9)
    FROM (SELECT segment, nps_summary(score) AS s FROM surveys GROUP BY 1) q ORDER BY 1$$,
  $$WITH c AS (SELECT segment, count(score)::float8 AS n, count(*) FILTER (WHERE score >= 9)::float8 AS p,
                      count(*) FILTER (WHERE score <= 6)::float8 AS d FROM surveys GROUP BY 1),
         a AS (SELECT segment, n, p / n AS x, d / n AS y, (p + 0.75) / (n + 3) AS xa, (d + 0.75) / (n + 3) AS ya FROM c)
    SELECT segment, round((100 * sqrt((x + y - (x - y) ^ 2) / n))::numeric, 9),
           round((100 * ((xa - ya) - 1.959963984540054 * sqrt((xa + ya - (xa - ya) ^ 2) / (n + 3))))::numeric, 9),
           round((100 * ((xa - ya) + 2.5758293035489004 * sqrt((xa + ya - (xa - ya) ^ 2) / (n + 3))))::numeric, 9)
    FROM a ORDER BY 1$$,
  'nps_stderr and the adjusted-Wald interval bounds match the formulas');

SELECT results_eq(
  $$SELECT nps_diff_pvalue(a, b) = nps_diff_pvalue(b, a), nps_diff_pvalue(a, a), nps_diff_pvalue(a, b) BETWEEN 0 AND 1
    FROM (SELECT nps_summary(score) FILTER (WHERE segment = 'retail') AS a,
                 nps_summary(score) FILTER (WHERE segment = 'online') AS b FROM surveys) q$$,
  $$VALUES (true, 1::float8, true)$$,
  'nps_diff_pvalue is symmetric, 1 for a sample against itself, and a probability');

-- a clearly different pair is significant, the same population is not
SELECT ok(nps_diff_pvalue('v1:nps:0-10:0,0,0,0,0,0,200,0,0,0,100', 'v1:nps:0-10:0,0,0,0,0,0,100,0,0,0,200') < 1e-10,
          'NPS -33 vs +33 on 300 answers each differs with p < 1e-10');

-- ---------------------------------------------------------------------
-- Errors: the right SQLSTATE for every kind of bad input
-- ---------------------------------------------------------------------
SELECT throws_ok('SELECT nps_agg(x) FROM (VALUES (11)) v(x)', '22003', 'nps_agg: score 11 is out of range', 'score 11: 22003');
SELECT throws_ok('SELECT nps_agg(x) FROM (VALUES (-1)) v(x)', '22003', 'nps_agg: score -1 is out of range', 'score -1: 22003');
SELECT throws_ok('SELECT nps_summary(x) FROM (VALUES (7.5)) v(x)', '22003', 'nps_summary: score 7.5 is not a whole number', 'score 7.5: 22003');
SELECT throws_ok($$SELECT nps_agg(x) FROM (VALUES ('NaN'::numeric)) v(x)$$, '22003', 'nps_agg: score NaN is not a number', 'score NaN: 22003');
SELECT throws_ok('SELECT nps_agg(x) FROM (VALUES (11::smallint)) v(x)', '22003', NULL, 'smallint score 11: 22003');
SELECT throws_ok('SELECT nps_agg(x) FROM (VALUES (11::bigint)) v(x)', '22003', NULL, 'bigint score 11: 22003');
SELECT throws_ok('SELECT csat_agg(x, 5) FROM (VALUES (6)) v(x)', '22003', 'csat_agg: answer 6 is out of range', 'CSAT answer 6 on 1-5: 22003');
SELECT throws_ok('SELECT csat_agg(x, 11) FROM (VALUES (1)) v(x)', '22023', 'csat_agg: scale 11 is out of range', 'CSAT scale 11: 22023');
SELECT throws_ok('SELECT csat_agg(x, NULL) FROM (VALUES (1)) v(x)', '22004', 'csat_agg: scale must not be NULL', 'CSAT NULL scale: 22004');
SELECT throws_ok('SELECT csat_agg(x, s) FROM (VALUES (1, 5), (1, 7)) v(x, s)', '22023', NULL, 'CSAT scale changing within a group: 22023');
SELECT throws_ok('SELECT ces_agg(x) FROM (VALUES (8)) v(x)', '22003', 'ces_agg: answer 8 is out of range', 'CES answer 8: 22003');
SELECT throws_ok('SELECT cli_score(a, b, c) FROM (VALUES (1, 2, 7)) v(a, b, c)', '22003', 'cli_score: answer 7 is out of range', 'CLI answer 7: 22003');
SELECT throws_ok($$SELECT nps_ci_lower('v1:nps:0-10:0,0,0,0,0,0,0,0,0,0,1', 1.5)$$, '22023', NULL, 'confidence level 1.5: 22023');
SELECT throws_ok($$SELECT nps('v1:ces:1-7:1,1,1,1,1,1,1')$$, '22023', NULL, 'nps() of a CES summary: 22023');
SELECT throws_ok($$SELECT 'v1:nps:0-10:1,2'::survey_summary$$, '22P02', NULL, 'malformed summary text: 22P02');
SELECT throws_ok($$SELECT 'v9:nps:0-10:0,0,0,0,0,0,0,0,0,0,1'::survey_summary$$, '22P02', NULL, 'unknown format version: 22P02');
SELECT throws_ok($$SELECT 'v1:nps:0-10:0,0,0,0,0,0,0,0,0,0,99999999999999999999'::survey_summary$$, '22003', NULL, 'count past int64 in text: 22003');
SELECT throws_ok($$SELECT rollup(s) FROM (VALUES ('v1:nps:0-10:0,0,0,0,0,0,0,0,0,0,9223372036854775807'::survey_summary), ('v1:nps:0-10:1,0,0,0,0,0,0,0,0,0,0')) v(s)$$,
                 '22003', NULL, 'rollup whose total passes int64: 22003');
SELECT throws_ok($$SELECT rollup(s) FROM (VALUES ('v1:nps:0-10:0,0,0,0,0,0,0,0,0,0,1'::survey_summary), ('v1:csat:1-5:1,0,0,0,0')) v(s)$$,
                 '22023', NULL, 'rollup of NPS with CSAT: 22023');

-- ---------------------------------------------------------------------
-- Parallel plans give the serial answers
-- ---------------------------------------------------------------------
\ir include/plan_of.sql

CREATE TABLE serial_results AS
SELECT segment, nps_agg(score) AS nps, nps_summary(score)::text AS nps_s, csat_agg(csat5, 5) AS csat,
       ces_agg(effort) AS ces, cli_score(recommend, repurchase, try_other) AS cli,
       cli_summary(recommend, repurchase, try_other)::text AS cli_s
FROM surveys GROUP BY segment;

SET LOCAL parallel_setup_cost = 0;
SET LOCAL parallel_tuple_cost = 0;
SET LOCAL min_parallel_table_scan_size = 0;
SET LOCAL max_parallel_workers_per_gather = 2;
SET LOCAL parallel_leader_participation = off;

SELECT matches(plan_of('SELECT segment, nps_agg(score) FROM surveys GROUP BY segment'),
               'Partial (Hash|Group)?Aggregate', 'a parallel plan aggregates partially in the workers');
SELECT matches(plan_of('SELECT segment, nps_agg(score) FROM surveys GROUP BY segment'),
               'Workers Launched: [12]', 'and workers were launched');
SELECT matches(plan_of('SELECT rollup(s) FROM (SELECT nps_summary(score) AS s FROM surveys) q'),
               'Partial Aggregate', 'nps_summary aggregates partially too');
SELECT results_eq(
  $$SELECT segment, nps_agg(score), nps_summary(score)::text, csat_agg(csat5, 5), ces_agg(effort),
           cli_score(recommend, repurchase, try_other), cli_summary(recommend, repurchase, try_other)::text
    FROM surveys GROUP BY segment ORDER BY segment$$,
  $$SELECT * FROM serial_results ORDER BY segment$$,
  'parallel results equal serial results for every survey aggregate');
SELECT is((SELECT nps(rollup(s)) FROM (SELECT nps_summary(score) AS s FROM surveys GROUP BY segment) q),
          (SELECT nps_agg(score) FROM surveys),
          'parallel rollup of segment summaries equals the whole-table NPS');

RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;
RESET parallel_leader_participation;

-- ---------------------------------------------------------------------
-- Windows: a sliding frame equals recomputing each frame from scratch
-- ---------------------------------------------------------------------
CREATE TABLE recent AS SELECT * FROM surveys WHERE id <= 3000;

SELECT is_empty(
  $$SELECT id, nps_agg(score) OVER w AS nps, ces_agg(effort) OVER w AS ces,
           csat_agg(csat5, 5) OVER w AS csat, cli_score(recommend, repurchase, try_other) OVER w AS cli
    FROM recent WINDOW w AS (ORDER BY id ROWS BETWEEN 29 PRECEDING AND CURRENT ROW)
    EXCEPT
    SELECT r.id, nps_agg(f.score), ces_agg(f.effort), csat_agg(f.csat5, 5), cli_score(f.recommend, f.repurchase, f.try_other)
    FROM recent r JOIN recent f ON f.id BETWEEN r.id - 29 AND r.id GROUP BY r.id$$,
  'a 30-row sliding window equals per-row recomputation for NPS, CES, CSAT and CLI');

SELECT is_empty(
  $$SELECT id, round(nps_agg(score) OVER w::numeric, 9)
    FROM recent WINDOW w AS (ORDER BY id ROWS BETWEEN 29 PRECEDING AND CURRENT ROW)
    EXCEPT
    SELECT r.id, round(100.0 * (count(*) FILTER (WHERE f.score >= 9) - count(*) FILTER (WHERE f.score <= 6)) / nullif(count(f.score), 0), 9)
    FROM recent r JOIN recent f ON f.id BETWEEN r.id - 29 AND r.id GROUP BY r.id$$,
  'the sliding NPS equals the plain-SQL NPS of each frame');

-- frames that hold only NULLs, and frames that empty and refill
CREATE TABLE sparse (id int, score int);
INSERT INTO sparse SELECT g, CASE WHEN g % 7 IN (0, 1, 2, 3) THEN NULL ELSE g % 11 END FROM generate_series(1, 500) g;
SELECT is_empty(
  $$SELECT id, nps_agg(score) OVER w, nps_summary(score) OVER w::text
    FROM sparse WINDOW w AS (ORDER BY id ROWS BETWEEN 2 PRECEDING AND 1 PRECEDING)
    EXCEPT
    SELECT r.id, nps_agg(f.score), nps_summary(f.score)::text
    FROM sparse r LEFT JOIN sparse f ON f.id BETWEEN r.id - 2 AND r.id - 1 GROUP BY r.id$$,
  'frames of only NULLs give NULL, and the state recovers when answers return');

SELECT is_empty(
  $$SELECT day, rollup(s) OVER w::text
    FROM (SELECT answered_at::date AS day, nps_summary(score) AS s FROM recent GROUP BY 1) d
    WINDOW w AS (ORDER BY day RANGE BETWEEN interval '6 days' PRECEDING AND CURRENT ROW)
    EXCEPT
    SELECT d.day, nps_summary(r.score)::text
    FROM (SELECT DISTINCT answered_at::date AS day FROM recent) d
    JOIN recent r ON r.answered_at::date BETWEEN d.day - 6 AND d.day GROUP BY d.day$$,
  'a 7-day rolling rollup of daily summaries equals the summary of the raw rows');

-- ---------------------------------------------------------------------
-- Two-step: daily summaries in a materialized view roll up exactly
-- ---------------------------------------------------------------------
CREATE MATERIALIZED VIEW daily AS
SELECT answered_at::date AS day, segment,
       nps_summary(score) AS nps, csat_summary(csat5, 5) AS csat,
       ces_summary(effort) AS ces, cli_summary(recommend, repurchase, try_other) AS cli
FROM surveys GROUP BY 1, 2;

SELECT results_eq(
  $$SELECT date_trunc('month', day)::date, rollup(nps)::text, rollup(csat)::text, rollup(ces)::text, rollup(cli)::text
    FROM daily GROUP BY 1 ORDER BY 1$$,
  $$SELECT date_trunc('month', answered_at)::date, nps_summary(score)::text, csat_summary(csat5, 5)::text,
           ces_summary(effort)::text, cli_summary(recommend, repurchase, try_other)::text
    FROM surveys GROUP BY 1 ORDER BY 1$$,
  'daily summaries rolled up to months equal the monthly summaries of the raw rows');

SELECT results_eq(
  $$SELECT segment, nps(rollup(nps)), csat(rollup(csat)), ces(rollup(ces)), cli(rollup(cli)) FROM daily GROUP BY 1 ORDER BY 1$$,
  $$SELECT segment, nps_agg(score), csat_agg(csat5, 5), ces_agg(effort), cli_score(recommend, repurchase, try_other)
    FROM surveys GROUP BY 1 ORDER BY 1$$,
  'daily summaries rolled up to segments give exactly the direct KPIs');

SELECT is((SELECT rollup(nps) FROM daily WHERE false), NULL, 'rollup of no rows is NULL');
SELECT is((SELECT rollup(nps) FROM daily WHERE day < '2025-02-01'),
          (SELECT nps_summary(score) FROM surveys WHERE answered_at < '2025-02-01'),
          'summaries compare with =');
SET LOCAL enable_sort = off;
SELECT is((SELECT count(*) FROM (SELECT DISTINCT nps FROM daily WHERE day < '2025-03-01') d),
          (SELECT count(*) FROM (SELECT DISTINCT nps::text FROM daily WHERE day < '2025-03-01') d),
          'DISTINCT on summaries (hash opclass) agrees with DISTINCT on their text');
SELECT is((SELECT count(*) FROM (SELECT nps FROM daily UNION SELECT nps FROM daily) u),
          (SELECT count(DISTINCT nps::text) FROM daily),
          'UNION of summaries removes exact duplicates only');
RESET enable_sort;
SELECT is((SELECT rollup(s) FROM (VALUES (NULL::survey_summary), (NULL)) v(s)), NULL, 'rollup of NULLs is NULL');

-- Whole numeric answers (1.9) are read from their bytes: every way a
-- numeric can spell 0..10 counts as the integer does, and every
-- fraction, NaN or out-of-range value is still refused with its message
SELECT is((SELECT nps_summary(v)::text FROM (
             SELECT (g % 11)::numeric * CASE g % 5 WHEN 0 THEN 1 WHEN 1 THEN 1.000 WHEN 2 THEN 1e0 ELSE 1.0000000000 END
                    + CASE WHEN g % 7 = 0 THEN 0.000000 ELSE 0 END AS v
             FROM generate_series(1, 5000) g) x),
          (SELECT nps_summary(g % 11)::text FROM generate_series(1, 5000) g),
          'nps_summary over whole numerics with any scale equals it over integers');
SELECT is((SELECT nps_summary(v) FROM (VALUES (1e1), (0.7e1), (70e-1), (-0.0), (10.00)) x(v))::text,
          (SELECT nps_summary(v) FROM (VALUES (10), (7), (7), (0), (10)) x(v))::text,
          'nps_summary: 1e1, 0.7e1, 70e-1, -0.0 and 10.00 are 10, 7, 7, 0 and 10');
SELECT throws_ok($$SELECT nps_agg(v) FROM (VALUES (7.0001)) x(v)$$, '22003', 'nps_agg: score 7.0001 is not a whole number',
                 'a numeric fraction is refused');
SELECT throws_ok($$SELECT nps_agg(v) FROM (VALUES (0.5)) x(v)$$, '22003', 'nps_agg: score 0.5 is not a whole number',
                 'a numeric fraction below 1 is refused');
SELECT throws_ok($$SELECT nps_agg(v) FROM (VALUES (-1::numeric)) x(v)$$, '22003', 'nps_agg: score -1 is out of range',
                 'a negative whole numeric is out of range');
SELECT throws_ok($$SELECT nps_agg(v) FROM (VALUES (1e12::numeric)) x(v)$$, '22003', 'nps_agg: score 1000000000000 is out of range',
                 'a large whole numeric is out of range');
SELECT throws_ok($$SELECT csat_agg(v, 5) FROM (VALUES (6.000)) x(v)$$, '22003', 'csat_agg: answer 6 is out of range',
                 'csat_agg: 6.000 on a 1-5 scale is out of range');

SELECT * FROM finish();
ROLLBACK;
