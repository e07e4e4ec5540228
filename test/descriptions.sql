-- pgTAP: every user-facing object of the extension has a description, and
-- the extension's schema holds nothing else
-- (COMMENT): each function and aggregate that is not only a support
-- function of an aggregate or a type (the four accessors nps, csat, ces
-- and cli are both), and each type.  Read from the catalog, so an object
-- added without one fails here.
BEGIN;
CREATE EXTENSION IF NOT EXISTS pgtap;
CREATE EXTENSION IF NOT EXISTS loyalty_kpi;
SELECT no_plan();

CREATE TEMP VIEW members AS
SELECT d.classid, d.objid FROM pg_depend d JOIN pg_extension e ON e.oid = d.refobjid
WHERE e.extname = 'loyalty_kpi' AND d.deptype = 'e';
CREATE TEMP VIEW support AS
SELECT DISTINCT unnest(ARRAY[aggtransfn, aggcombinefn, aggserialfn, aggdeserialfn, aggmtransfn,
                             aggminvtransfn, aggfinalfn, aggmfinalfn]::oid[]) AS oid FROM pg_aggregate
UNION SELECT unnest(ARRAY[typinput, typoutput, typreceive, typsend]::oid[]) FROM pg_type;

SELECT is(array_agg(p.oid::regprocedure::text ORDER BY 1), NULL,
          'every user-facing function and aggregate has a description')
FROM pg_proc p JOIN members m ON m.classid = 'pg_proc'::regclass AND m.objid = p.oid
WHERE (p.oid NOT IN (SELECT oid FROM support) OR p.proname IN ('nps', 'csat', 'ces', 'cli'))
  AND obj_description(p.oid, 'pg_proc') IS NULL;
SELECT is(array_agg(t.oid::regtype::text ORDER BY 1), NULL, 'every type has a description')
FROM pg_type t JOIN members m ON m.classid = 'pg_type'::regclass AND m.objid = t.oid
WHERE t.typtype IN ('b', 'c') AND t.typcategory <> 'A'  -- PostgreSQL's array types (members since 17)
  AND obj_description(t.oid, 'pg_type') IS NULL;
-- one line each, with something to say
SELECT is(array_agg(p.proname::text ORDER BY 1), NULL, 'descriptions are one line of 30 to 300 characters')
FROM pg_proc p JOIN members m ON m.classid = 'pg_proc'::regclass AND m.objid = p.oid
WHERE obj_description(p.oid, 'pg_proc') IS NOT NULL
  AND (length(obj_description(p.oid, 'pg_proc')) NOT BETWEEN 30 AND 300
       OR obj_description(p.oid, 'pg_proc') LIKE E'%\n%');
SELECT cmp_ok((SELECT count(*) FROM pg_proc p JOIN members m ON m.classid = 'pg_proc'::regclass AND m.objid = p.oid
               WHERE obj_description(p.oid, 'pg_proc') IS NOT NULL), '>', 100::bigint,
              'over 100 functions and aggregates are described');

-- the extension's schema holds the API only: its support functions live in
-- loyalty_kpi_internal (1.4), so \df and a BI tool's function browser list
-- what an analyst calls
SELECT is(array_agg(p.oid::regprocedure::text ORDER BY 1), NULL,
          'no support function of an aggregate or a type in the extension''s schema (but the accessors)')
FROM pg_proc p JOIN members m ON m.classid = 'pg_proc'::regclass AND m.objid = p.oid
JOIN pg_extension e ON e.extname = 'loyalty_kpi'
WHERE p.pronamespace = e.extnamespace AND p.oid IN (SELECT oid FROM support)
  AND p.proname NOT IN ('nps', 'csat', 'ces', 'cli');
SELECT cmp_ok((SELECT count(*) FROM pg_proc WHERE pronamespace = 'loyalty_kpi_internal'::regnamespace),
              '>', 100::bigint, 'the support functions are in loyalty_kpi_internal');

-- functions and aggregates name their arguments (accessors: summary,
-- model, or a and b; survey aggregates: score, answer, scale, ...)
SELECT is(array_agg(p.oid::regprocedure::text ORDER BY 1), NULL,
          'every function and aggregate in the extension''s schema names its arguments')
FROM pg_proc p JOIN members m ON m.classid = 'pg_proc'::regclass AND m.objid = p.oid
JOIN pg_extension e ON e.extname = 'loyalty_kpi'
WHERE p.pronamespace = e.extnamespace AND p.pronargs > 0
  AND (p.proargnames IS NULL OR '' = ANY (p.proargnames[1:p.pronargs]));

SELECT * FROM finish();
ROLLBACK;
