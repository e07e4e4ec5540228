-- The documentation's examples run: every SQL block of README.md and of
-- the reference pages in docs/, in order, against the demo's tables
-- (test/readme/run_blocks.sh).  A block that fails fails this test, and so
-- does a page of docs/ the script does not run.  The database is the one
-- pg_cron serves in the test cluster, since the two-step example
-- (docs/surveys.md) schedules a refresh.
SET client_min_messages = warning;
DROP DATABASE IF EXISTS lk_cron WITH (FORCE);
RESET client_min_messages;
CREATE DATABASE lk_cron;
\! bash test/readme/run_blocks.sh lk_cron
SET client_min_messages = warning;
DROP DATABASE lk_cron WITH (FORCE);
