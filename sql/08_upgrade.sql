-- Upgrade 1.0 -> 1.1 -> ... -> newest: a database on 1.0 holding stored summaries is
-- updated with ALTER EXTENSION ... UPDATE (through every script); the
-- summaries read back the same, the new functions work, and the extension's
-- objects match a fresh install of the newest version exactly (name, arguments, result, C symbol, volatility,
-- parallel safety, strictness, aggregate support functions).
SET client_min_messages = warning;
DROP DATABASE IF EXISTS lk_upgrade;
DROP DATABASE IF EXISTS lk_fresh;
RESET client_min_messages;
CREATE DATABASE lk_upgrade;
CREATE DATABASE lk_fresh;
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
-- the catalog description of every member object
\i sql/include/extension_members.psql
SELECT pg_temp.members() AS upgraded \gset
SELECT count(*) AS member_objects FROM pg_depend d JOIN pg_extension e ON e.oid = d.refobjid
WHERE e.extname = 'loyalty_kpi' AND d.deptype = 'e';
\c lk_fresh
CREATE EXTENSION loyalty_kpi;
\i sql/include/extension_members.psql
SELECT pg_temp.members() = :'upgraded' AS same_objects_as_upgraded;
SELECT count(*) AS member_objects FROM pg_depend d JOIN pg_extension e ON e.oid = d.refobjid
WHERE e.extname = 'loyalty_kpi' AND d.deptype = 'e';
\c contrib_regression
DROP DATABASE lk_upgrade;
DROP DATABASE lk_fresh;
