-- loyalty_kpi demo: realistic survey data generated in SQL, then the
-- survey KPIs by month and segment, and a rollup of daily summaries.
\set ON_ERROR_STOP on
\pset footer off
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS loyalty_kpi;
SELECT setseed(0.2026) \g /dev/null

-- ~250,000 answered surveys, 2025-01-01 to 2026-12-31.  Each segment has
-- its own satisfaction level; online improves over the two years and
-- partner worsens; about 4% skip the NPS question.
CREATE TABLE surveys AS
WITH raw AS (
  SELECT g AS id,
         timestamp '2025-01-01' + random() * interval '730 days' AS answered_at,
         (ARRAY['retail', 'online', 'partner', 'enterprise'])[1 + floor(random() * 4)::int] AS segment,
         (ARRAY['email', 'in_app', 'sms'])[1 + floor(random() * 3)::int] AS channel,
         (random() + random() + random() + random() - 2.0) * 1.7 AS noise  -- roughly normal, sd ~1
  FROM generate_series(1, 250000) g
), latent AS (
  SELECT *, CASE segment WHEN 'retail' THEN 7.6 WHEN 'online' THEN 6.9 WHEN 'partner' THEN 7.9 ELSE 8.2 END
            + CASE segment WHEN 'online' THEN 1.0 WHEN 'partner' THEN -0.8 ELSE 0 END
              * extract(epoch FROM answered_at - timestamp '2025-01-01') / extract(epoch FROM interval '730 days')
            + CASE channel WHEN 'sms' THEN -0.3 ELSE 0 END + noise AS mood
  FROM raw
)
SELECT id, answered_at, segment, channel,
       CASE WHEN random() < 0.04 THEN NULL ELSE least(10, greatest(0, round(mood)))::smallint END AS nps_score,
       least(5, greatest(1, round(1 + mood / 2.5)))::int AS csat,
       least(7, greatest(1, round(mood * 0.7 + (random() - 0.5))))::int AS effort,
       least(6, greatest(1, round(mood / 1.7 + (random() - 0.5))))::int AS recommend,
       least(6, greatest(1, round(mood / 1.7 + (random() - 0.5))))::int AS repurchase,
       CASE WHEN random() < 0.1 THEN NULL ELSE least(6, greatest(1, round(mood / 2.0 + random())))::int END AS try_other
FROM latent;
ANALYZE surveys;
\echo
\echo Sample: surveys(id, answered_at, segment, channel, nps_score 0-10, csat 1-5, effort 1-7, recommend/repurchase/try_other 1-6)
SELECT count(*) AS surveys, count(nps_score) AS nps_answers, min(answered_at)::date AS first, max(answered_at)::date AS last FROM surveys;

\echo
\echo 1. NPS by month, with its 95% adjusted-Wald interval and whether it moved significantly from the month before
WITH monthly AS (
  SELECT date_trunc('month', answered_at)::date AS month, nps_summary(nps_score) AS s
  FROM surveys GROUP BY 1)
SELECT month, responses(s), round(nps(s)::numeric, 1) AS nps,
       round(nps_ci_lower(s)::numeric, 1) || ' .. ' || round(nps_ci_upper(s)::numeric, 1) AS ci95,
       round((nps(s) - nps(lag(s) OVER w))::numeric, 1) AS change,
       round(nps_diff_pvalue(s, lag(s) OVER w)::numeric, 3) AS p_change
FROM monthly WINDOW w AS (ORDER BY month)
ORDER BY month;

\echo
\echo 2. Every survey KPI by segment
SELECT segment,
       round(nps_agg(nps_score)::numeric, 1) AS nps,
       round(csat_agg(csat, 5)::numeric, 1) AS csat_pct,
       round(mean_score(csat_summary(csat, 5))::numeric, 2) AS csat_mean,
       round(ces_agg(effort)::numeric, 2) AS ces,
       round(ces_easy_share(ces_summary(effort))::numeric, 1) AS easy_pct,
       round(cli_score(recommend, repurchase, try_other)::numeric, 2) AS cli
FROM surveys GROUP BY segment ORDER BY segment;

\echo
\echo 3. Two-step: daily summaries kept in a materialized view ...
CREATE MATERIALIZED VIEW survey_daily_by_channel AS
SELECT answered_at::date AS day, segment, channel,
       nps_summary(nps_score) AS nps, csat_summary(csat, 5) AS csat,
       ces_summary(effort) AS ces, cli_summary(recommend, repurchase, try_other) AS cli
FROM surveys GROUP BY 1, 2, 3;
SELECT count(*) AS daily_rows, pg_size_pretty(pg_total_relation_size('survey_daily_by_channel')) AS size FROM survey_daily_by_channel;

\echo ... rolled up to quarters per segment without touching the raw rows
SELECT to_char(date_trunc('quarter', day), 'YYYY-"Q"Q') AS quarter, segment,
       responses(rollup(nps)) AS answers, round(nps(rollup(nps))::numeric, 1) AS nps,
       round(csat(rollup(csat))::numeric, 1) AS csat_pct, round(cli(rollup(cli))::numeric, 2) AS cli
FROM survey_daily_by_channel GROUP BY 1, 2 ORDER BY 1, 2 LIMIT 12;

\echo ... and exactly what the raw rows give (months where the two differ: expect 0)
SELECT count(*) AS months_that_differ FROM (
  SELECT date_trunc('month', day) AS m, rollup(nps) AS nps, rollup(csat) AS csat, rollup(ces) AS ces, rollup(cli) AS cli
  FROM survey_daily_by_channel GROUP BY 1
  EXCEPT
  SELECT date_trunc('month', answered_at), nps_summary(nps_score), csat_summary(csat, 5), ces_summary(effort),
         cli_summary(recommend, repurchase, try_other)
  FROM surveys GROUP BY 1) d;

\echo
\echo 4. A 30-day rolling NPS per channel from the daily summaries (O(1) per row), last days of the data
SELECT day, channel, round(nps(rolling)::numeric, 1) AS nps_30d, responses(rolling) AS answers_30d
FROM (SELECT day, channel, rollup(s) OVER (PARTITION BY channel ORDER BY day RANGE BETWEEN interval '29 days' PRECEDING AND CURRENT ROW) AS rolling
      FROM (SELECT day, channel, rollup(nps) AS s FROM survey_daily_by_channel GROUP BY 1, 2) d) r
WHERE day >= date '2026-12-29' ORDER BY day, channel;
