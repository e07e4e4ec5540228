-- Upgrade 1.0 -> 1.1 -> ... -> newest: a database on 1.0 holding stored summaries is
-- updated with ALTER EXTENSION ... UPDATE (through every script); the
-- summaries read back the same, the new functions work, and the extension's
-- objects match a fresh install of the newest version, which runs the full
-- install script built from src/*.sql, exactly: every line of
-- pg_temp.members() (sql/include/extension_members.psql) is the same.
SET client_min_messages = warning;
DROP DATABASE IF EXISTS lk_upgrade;
DROP DATABASE IF EXISTS lk_fresh;
RESET client_min_messages;
CREATE DATABASE lk_upgrade;
CREATE DATABASE lk_fresh;
-- the extension's objects, counted without the array types PostgreSQL
-- makes for each of its types (members too since PostgreSQL 17)
\set is_implicit_array 'EXISTS (SELECT FROM pg_type t WHERE d.classid = ''pg_type''::regclass AND t.oid = d.objid AND t.typcategory = ''A'')'
-- the fresh install first: its member lines are what every upgrade must give
\c lk_fresh
CREATE EXTENSION loyalty_kpi;
\i sql/include/extension_members.psql
SELECT string_agg(line, E'\n') AS fresh FROM pg_temp.members() line \gset
SELECT count(*) AS member_objects FROM pg_depend d JOIN pg_extension e ON e.oid = d.refobjid
WHERE e.extname = 'loyalty_kpi' AND d.deptype = 'e' AND NOT :is_implicit_array;
-- :differences lists the lines only this database or only the fresh one has
\set differences 'SELECT * FROM (SELECT ''only here'' AS side, line FROM pg_temp.members() line EXCEPT SELECT ''only here'', f FROM unnest(string_to_array(:''fresh'', E''\\n'')) f) here UNION ALL (SELECT ''only fresh'', f FROM unnest(string_to_array(:''fresh'', E''\\n'')) f EXCEPT SELECT ''only fresh'', line FROM pg_temp.members() line) ORDER BY 2, 1'
\c lk_upgrade
CREATE EXTENSION loyalty_kpi VERSION '1.0';
CREATE TABLE kept AS
SELECT g % 3 AS segment, nps_summary(g % 11) AS nps, csat_summary(1 + g % 5, 5) AS csat
FROM generate_series(1, 1000) g GROUP BY 1;
CREATE TEMP TABLE before AS SELECT segment, nps::text AS nps, csat::text AS csat FROM kept;
ALTER EXTENSION loyalty_kpi UPDATE TO '1.1';
SELECT extversion FROM pg_extension WHERE extname = 'loyalty_kpi';
ALTER EXTENSION loyalty_kpi UPDATE;
SELECT extversion FROM pg_extension WHERE extname = 'loyalty_kpi';
-- the stored values are unchanged and still read
SELECT count(*) AS segments, bool_and(b.nps = k.nps::text AND b.csat = k.csat::text) AS unchanged,
       nps(rollup(k.nps)) AS nps, csat(rollup(k.csat)) AS csat
FROM kept k JOIN before b USING (segment);
-- 1.1's and 1.2's functions are there
SELECT retention_rate(100, 95, 20) AS seed_example, clv_basic(150, 2) AS clv_seed_example;
-- the upgraded objects are the fresh install's, line for line
\i sql/include/extension_members.psql
:differences;
SELECT count(*) AS member_objects FROM pg_depend d JOIN pg_extension e ON e.oid = d.refobjid
WHERE e.extname = 'loyalty_kpi' AND d.deptype = 'e' AND NOT :is_implicit_array;
\c contrib_regression
DROP DATABASE lk_upgrade;
DROP DATABASE lk_fresh;
-- A database still at 1.3 (internal states) runs on this library before it
-- is updated, serially and in parallel, and its views keep working after
-- the update moves the aggregates to lifecycle_state and tier_state.
SET client_min_messages = warning;
DROP DATABASE IF EXISTS lk_at13;
RESET client_min_messages;
CREATE DATABASE lk_at13;
\c lk_at13
CREATE EXTENSION loyalty_kpi VERSION '1.3';
-- 3000 customers, one acquired each day from 2024-01-01; every third churns 40 days later
CREATE TABLE customers AS
SELECT timestamptz '2024-01-01 00:00+00' + (g % 1000) * interval '1 day' AS acquired_at,
       CASE WHEN g % 3 = 0 THEN timestamptz '2024-01-01 00:00+00' + (g % 1000 + 40) * interval '1 day' END AS churned_at,
       (ARRAY['bronze', 'bronze', 'silver', 'gold', 'bronze'])[1 + g % 5] AS tier
FROM generate_series(1, 3000) g;
ANALYZE customers;
CREATE VIEW kpis AS
SELECT retention_rate(acquired_at, churned_at, '2024-04-01 00:00+00', '2024-07-01 00:00+00') AS crr,
       churn_rate(acquired_at, churned_at, '2024-04-01 00:00+00', '2024-07-01 00:00+00', 'start') AS ccr_start,
       (retention_series(acquired_at, churned_at, '2024-01-01 00:00+00', '2025-01-01 00:00+00', '1 month'))[4].end_count AS april_end,
       tier_distribution(tier) AS tiers
FROM customers;
-- the same counts in plain SQL: S, E, N of April to June 2024
CREATE VIEW by_hand AS
SELECT 100.0 * (e - n) / s AS crr, 100.0 * (s + n - e) / s AS ccr_start, april_end
FROM (SELECT count(*) FILTER (WHERE acquired_at < '2024-04-01 00:00+00' AND coalesce(churned_at, 'infinity') >= '2024-04-01 00:00+00') AS s,
             count(*) FILTER (WHERE acquired_at < '2024-07-01 00:00+00' AND coalesce(churned_at, 'infinity') >= '2024-07-01 00:00+00') AS e,
             count(*) FILTER (WHERE acquired_at >= '2024-04-01 00:00+00' AND acquired_at < '2024-07-01 00:00+00') AS n,
             count(*) FILTER (WHERE acquired_at < '2024-05-01 00:00+00' AND coalesce(churned_at, 'infinity') >= '2024-05-01 00:00+00') AS april_end
      FROM customers) c;
\set same_as_by_hand 'SELECT abs(k.crr - h.crr) < 1e-9 AND abs(k.ccr_start - h.ccr_start) < 1e-9 AS rates_match, k.april_end = h.april_end AS april_end_matches, k.tiers FROM kpis k, by_hand h'
SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0; SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
EXPLAIN (COSTS OFF) SELECT * FROM kpis;
:same_as_by_hand;
SET max_parallel_workers_per_gather = 0;
:same_as_by_hand;
ALTER EXTENSION loyalty_kpi UPDATE;
-- from the previous version too, the objects are the fresh install's
\i sql/include/extension_members.psql
:differences;
SELECT format_type(a.aggtranstype, NULL) AS state_type, string_agg(DISTINCT p.proname, ', ') AS aggregates, count(*)
FROM pg_aggregate a JOIN pg_proc p ON p.oid = a.aggfnoid
WHERE p.proname IN ('retention_rate', 'churn_rate', 'retention_series', 'tier_distribution')
GROUP BY 1 ORDER BY 1;
SET max_parallel_workers_per_gather = 2;
EXPLAIN (COSTS OFF) SELECT * FROM kpis;
:same_as_by_hand;
RESET max_parallel_workers_per_gather;
\c contrib_regression
DROP DATABASE lk_at13;
