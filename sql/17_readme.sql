-- README examples that run: every SQL block of the README, in order,
-- against the demo's tables (test/readme/run_blocks.sh).  A block that
-- fails fails this test.  The database is the one pg_cron serves in the
-- test cluster, since the README's two-step example schedules a refresh.
SET client_min_messages = warning;
DROP DATABASE IF EXISTS lk_cron WITH (FORCE);
RESET client_min_messages;
CREATE DATABASE lk_cron;
\! bash test/readme/run_blocks.sh lk_cron
SET client_min_messages = warning;
DROP DATABASE lk_cron WITH (FORCE);
