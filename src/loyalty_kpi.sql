/*
 * loyalty_kpi: the full install script of the current version.
 *
 * Built by the Makefile from the SQL of each family, kept beside its C
 * (src/survey.sql beside src/survey.c, ...), so this file is the API
 * reference in one place.  Older versions install from
 * loyalty_kpi--1.0.sql and the upgrade scripts; sql/08_upgrade.sql proves
 * that an upgraded database has exactly the objects of this script.
 *
 * Every name is qualified, with @extschema@ or loyalty_kpi_internal, so
 * that nothing a user put on the search_path can capture a reference while
 * the script runs (the extension is trusted: a database owner may install
 * it).  Every function computes only: IMMUTABLE (STABLE where it reads the
 * session's TimeZone), PARALLEL SAFE, and STRICT where NULL in means NULL
 * out.  The C bodies are in src/, each under the name its SQL gives.
 *
 * Repeated overloads are written once, between "@each" and "@end" lines
 * that scripts/expand_overloads.awk expands, once per listed type.
 */

\echo Use "CREATE EXTENSION loyalty_kpi" to load this file. \quit

-- The support functions of the aggregates (transition, combine,
-- serialize, deserialize and final functions) and the types' input and
-- output functions live in a schema of their own, so the extension's
-- schema lists the API only (\df, a BI tool's function browser).
CREATE SCHEMA loyalty_kpi_internal;
COMMENT ON SCHEMA loyalty_kpi_internal IS
    'Support functions of loyalty_kpi''s aggregates and types: not an API, called by the aggregates and types in the extension''s schema.';
