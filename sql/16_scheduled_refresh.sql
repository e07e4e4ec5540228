-- The scheduled refresh, for real: the two-step daily summaries as a
-- materialized view with a unique index, refreshed CONCURRENTLY by a
-- pg_cron job (the test cluster preloads pg_cron, with cron.database_name
-- = lk_cron and jobs in background workers: scripts/test.sh).  New answers
-- arrive, the job runs, and the monthly rollup of the summaries equals the
-- direct aggregate over the raw rows.
SET client_min_messages = warning;
DROP DATABASE IF EXISTS lk_cron WITH (FORCE);
RESET client_min_messages;
CREATE DATABASE lk_cron;
\c lk_cron
CREATE EXTENSION loyalty_kpi;
CREATE EXTENSION pg_cron;
CREATE TABLE answers (answered_at timestamptz NOT NULL, segment text NOT NULL, score int);
INSERT INTO answers
SELECT timestamptz '2025-01-01 00:00+00' + (g % 60) * interval '1 day', (ARRAY['online', 'retail'])[1 + g % 2], g % 11
FROM generate_series(1, 6000) g;
-- the README's view, with the unique index REFRESH ... CONCURRENTLY needs
CREATE MATERIALIZED VIEW survey_daily AS
SELECT (answered_at AT TIME ZONE 'UTC')::date AS day, segment, nps_summary(score) AS nps
FROM answers GROUP BY 1, 2;
CREATE UNIQUE INDEX ON survey_daily (day, segment);
SELECT cron.schedule('refresh survey_daily', '* * * * *',
                     'REFRESH MATERIALIZED VIEW CONCURRENTLY survey_daily') > 0 AS scheduled;
-- new answers: February's promoters
INSERT INTO answers
SELECT timestamptz '2025-02-10 00:00+00' + (g % 5) * interval '1 day', 'online', 10 FROM generate_series(1, 500) g;
SELECT set_config('loyalty.inserted_at', now()::text, false) IS NOT NULL AS noted;
-- wait for the job's next run after the insert (it runs at the start of every minute)
DO $$
BEGIN
    FOR i IN 1 .. 150 LOOP
        EXIT WHEN EXISTS (SELECT 1 FROM cron.job_run_details
                          WHERE status IN ('succeeded', 'failed')
                            AND start_time > current_setting('loyalty.inserted_at')::timestamptz);
        PERFORM pg_sleep(1);
    END LOOP;
END $$;
SELECT status, return_message FROM cron.job_run_details ORDER BY start_time DESC LIMIT 1;
-- the rollup of the refreshed summaries equals the direct aggregate, month by
-- month; February's 3,300 answers include the 500 new ones: the job refreshed it
SELECT s.month, s.responses, round(s.nps::numeric, 6) AS from_summaries, round(d.nps::numeric, 6) AS direct,
       s.nps = d.nps AS equal
FROM (SELECT date_trunc('month', day) AS month, responses(rollup(nps)) AS responses, nps(rollup(nps)) AS nps
      FROM survey_daily GROUP BY 1) s
JOIN (SELECT date_trunc('month', answered_at AT TIME ZONE 'UTC') AS month, nps_agg(score) AS nps
      FROM answers GROUP BY 1) d USING (month)
ORDER BY s.month;
SELECT cron.unschedule('refresh survey_daily');
\c contrib_regression
SET client_min_messages = warning;
DROP DATABASE lk_cron WITH (FORCE);
