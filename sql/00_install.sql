-- loyalty_kpi is trusted: it only computes, so the owner of a database who
-- is not a superuser may install it there.
SET client_min_messages = warning;
DROP ROLE IF EXISTS lk_owner;
DROP ROLE IF EXISTS lk_outsider;
RESET client_min_messages;
CREATE ROLE lk_owner LOGIN NOSUPERUSER;
CREATE ROLE lk_outsider LOGIN NOSUPERUSER;
DO $$ BEGIN EXECUTE format('ALTER DATABASE %I OWNER TO lk_owner', current_database()); END $$;

-- without CREATE on the database, a plain role may not install it
SET ROLE lk_outsider;
CREATE EXTENSION loyalty_kpi;
RESET ROLE;

SET ROLE lk_owner;
CREATE EXTENSION loyalty_kpi;
SELECT e.extname, e.extowner::regrole AS owner, e.extversion, n.nspname AS schema
FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
WHERE e.extname = 'loyalty_kpi';
-- and every role may use it
SET ROLE lk_outsider;
SELECT nps_agg(score) FROM (VALUES (10), (9), (0)) AS v(score);
RESET ROLE;

-- every function it installs is safe for parallel query and either
-- IMMUTABLE or an aggregate; the only STABLE ones are the transitions that
-- add calendar steps ('1 month') in the session's time zone
SELECT p.proname, p.prokind, p.provolatile, p.proparallel
FROM pg_proc p JOIN pg_depend d ON d.objid = p.oid AND d.classid = 'pg_proc'::regclass
JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'loyalty_kpi'
WHERE p.proparallel <> 's' OR (p.prokind = 'f' AND p.provolatile <> 'i')
ORDER BY 1;

-- every aggregate has a combine function (parallel) and read-only final
-- functions (windows)
SELECT a.aggfnoid::regprocedure AS aggregate
FROM pg_aggregate a JOIN pg_depend d ON d.objid = a.aggfnoid AND d.classid = 'pg_proc'::regclass
JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'loyalty_kpi'
WHERE a.aggcombinefn = 0 OR a.aggfinalmodify <> 'r'
   OR (a.aggmtransfn <> 0 AND a.aggmfinalmodify <> 'r')
ORDER BY a.aggfnoid::regprocedure::text COLLATE "C";
-- and a moving-aggregate pair (O(1) windows), except these: float sums
-- cannot be taken back exactly, nor "bought a second product", nor a
-- customer's first purchase day; a model fit is redone over its frame,
-- and so is a log-rank test over its groups' summaries
SELECT a.aggfnoid::regprocedure AS aggregate
FROM pg_aggregate a JOIN pg_depend d ON d.objid = a.aggfnoid AND d.classid = 'pg_proc'::regclass
JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'loyalty_kpi'
WHERE a.aggmtransfn = 0 OR a.aggminvtransfn = 0
ORDER BY a.aggfnoid::regprocedure::text COLLATE "C";
SELECT count(*) AS aggregates
FROM pg_aggregate a JOIN pg_depend d ON d.objid = a.aggfnoid AND d.classid = 'pg_proc'::regclass
JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'loyalty_kpi';
