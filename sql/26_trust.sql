-- Trust (1.11): a database owner who is not a superuser cannot make the
-- extension run code of theirs as a superuser.  The extension is trusted,
-- so CREATE EXTENSION and ALTER EXTENSION ... UPDATE run its scripts as a
-- superuser in the schema the owner can write, and its SQL and PL/pgSQL
-- bodies run with whatever search_path their caller (a superuser running a
-- report, say) has.  Version 1.10 let an owner become superuser both ways.
--
-- The owner plants (sql/include/plant_hostile.psql) an operator for every
-- name the scripts use over every pair of built-in types, and a function
-- for every overload of every name they call, each recording who ran it
-- into public.lk_captured; then installs the extension, updates one from
-- 1.0, and a superuser calls every SQL and PL/pgSQL function of each with
-- the planted schema first on the path.  Nothing may be recorded.  The
-- names come from scripts/lint_sql.py, which reads the scripts; the same
-- lint must find no name in them that the search_path resolves.
SET client_min_messages = warning;
DROP DATABASE IF EXISTS lk_trust;
DROP DATABASE IF EXISTS lk_trust_update;
DROP ROLE IF EXISTS lk_planter;
RESET client_min_messages;
CREATE ROLE lk_planter;
CREATE DATABASE lk_trust OWNER lk_planter;
CREATE DATABASE lk_trust_update OWNER lk_planter;

-- the scripts the server installs from, where it has them (a package's, or
-- make install's): 1.0, every update, the current full script
SELECT setting || '/extension' AS extension_dir FROM pg_config WHERE name = 'SHAREDIR' \gset
\setenv LK_EXTENSION_DIR :extension_dir
\! python3 scripts/lint_sql.py "$LK_EXTENSION_DIR" | tail -n 1 | sed 's/ in [0-9]* files//'
\set ops `python3 scripts/lint_sql.py --operators "$LK_EXTENSION_DIR" | tr '\n' ' '`
\set calls `python3 scripts/lint_sql.py --calls "$LK_EXTENSION_DIR" | tr '\n' ' '`
-- the names the scripts use include the ones the issue reproduced
SELECT position('=' IN :'ops') > 0 AS plants_equals, position('*' IN :'ops') > 0 AS plants_times,
       position('expected_purchases' IN :'calls') > 0 AS plants_expected_purchases;

-- 1. CREATE EXTENSION by the owner, into the schema they planted in
\c lk_trust
SET SESSION AUTHORIZATION lk_planter;
\set ECHO none
\i sql/include/plant_hostile.psql
\set ECHO all
SELECT current_setting('lk.planted')::int > 5000 AS planted_operators_and_functions;
CREATE EXTENSION loyalty_kpi;
RESET SESSION AUTHORIZATION;
SET search_path = pg_catalog;  -- the superuser's own queries here: nothing planted is visible
SELECT * FROM public.lk_captured;
SELECT rolsuper AS owner_is_superuser FROM pg_roles WHERE rolname = 'lk_planter';

-- 2. A superuser calls every SQL and PL/pgSQL function, the planted schema
--    first on the path, after the owner planted overloads of the
--    extension's own functions too (an integer where ours take double
--    precision: expected_purchases(bgnbd_model, float8, integer, ...))
\set ECHO none
\i sql/include/trust_calls.psql

-- 3. ALTER EXTENSION ... UPDATE from 1.0 by the owner, through every script
\c lk_trust_update
SET SESSION AUTHORIZATION lk_planter;
\set ECHO none
\i sql/include/plant_hostile.psql
\set ECHO all
CREATE EXTENSION loyalty_kpi VERSION '1.0';
-- and overloads of 1.0's own functions, now that they exist
\set ECHO none
\i sql/include/plant_hostile.psql
\set ECHO all
ALTER EXTENSION loyalty_kpi UPDATE;
RESET SESSION AUTHORIZATION;
SET search_path = pg_catalog;  -- the superuser's own queries here: nothing planted is visible
SELECT extversion = (SELECT default_version FROM pg_available_extensions WHERE name = 'loyalty_kpi') AS updated
FROM pg_extension WHERE extname = 'loyalty_kpi';
SELECT * FROM public.lk_captured;
SELECT rolsuper AS owner_is_superuser FROM pg_roles WHERE rolname = 'lk_planter';
-- the updated bodies, called as in 2
\set ECHO none
\i sql/include/trust_calls.psql

\c contrib_regression
DROP DATABASE lk_trust;
DROP DATABASE lk_trust_update;
DROP ROLE lk_planter;
