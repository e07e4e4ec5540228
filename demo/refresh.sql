-- loyalty_kpi demo: the two-step summaries refreshed on a schedule.  A
-- materialized view of daily NPS summaries with a unique index, refreshed
-- CONCURRENTLY by a pg_cron job (scripts/demo.sh preloads pg_cron); new
-- answers arrive, the job runs, and the monthly rollup of the summaries
-- equals the NPS computed from the raw rows.
\set ON_ERROR_STOP on
\pset footer off
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS pg_cron;

CREATE MATERIALIZED VIEW nps_daily AS
SELECT answered_at::date AS day, segment, nps_summary(nps_score) AS nps
FROM surveys GROUP BY 1, 2;
CREATE UNIQUE INDEX ON nps_daily (day, segment);
SELECT cron.schedule('refresh nps_daily', '* * * * *', 'REFRESH MATERIALIZED VIEW CONCURRENTLY nps_daily') \g /dev/null

\echo
\echo == Scheduled refresh: 2,000 new answers for December 2026 arrive; pg_cron refreshes nps_daily at the next minute ...
INSERT INTO surveys (id, answered_at, segment, channel, nps_score, csat, effort, recommend, repurchase, try_other)
SELECT 1000000 + g, timestamp '2026-12-20' + (g % 10) * interval '1 day', 'online', 'email', 10, 5, 7, 6, 6, 6
FROM generate_series(1, 2000) g;
SELECT set_config('demo.inserted_at', now()::text, false) \g /dev/null
DO $$
BEGIN
    FOR i IN 1 .. 150 LOOP
        EXIT WHEN EXISTS (SELECT 1 FROM cron.job_run_details WHERE status IN ('succeeded', 'failed')
                          AND start_time > current_setting('demo.inserted_at')::timestamptz);
        PERFORM pg_sleep(1);
    END LOOP;
END $$;
SELECT jobid, status, return_message, end_time - start_time AS took
FROM cron.job_run_details ORDER BY start_time DESC LIMIT 1;

\echo
\echo == The last months: NPS rolled up from the refreshed daily summaries, beside NPS from the raw rows
SELECT s.month::date, s.answers, round(s.nps::numeric, 2) AS from_daily_summaries, round(d.nps::numeric, 2) AS from_raw_rows
FROM (SELECT date_trunc('month', day) AS month, responses(rollup(nps)) AS answers, nps(rollup(nps)) AS nps
      FROM nps_daily GROUP BY 1) s
JOIN (SELECT date_trunc('month', answered_at) AS month, nps_agg(nps_score) AS nps FROM surveys GROUP BY 1) d USING (month)
ORDER BY s.month DESC LIMIT 3;
SELECT cron.unschedule('refresh nps_daily') \g /dev/null
