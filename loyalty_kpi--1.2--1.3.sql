/*
 * loyalty_kpi 1.2 -> 1.3: hardening.
 *
 * The C behind every aggregate moved onto one state kit (src/kit.c), which
 * changes no SQL signature.  What changes here:
 *   - support functions (transition, combine, serialize, deserialize and
 *     final functions) are no longer executable by PUBLIC.  An aggregate
 *     runs them with its owner's rights, so every aggregate still works for
 *     every role; only direct calls, which no user needs, are refused.  The
 *     four that are also accessors (nps, csat, ces, cli) stay public.
 *   - churn_rate(start, end, new, basis) gives 22004 for a NULL basis, as
 *     the aggregate does, so it can no longer be STRICT; NULL counts still
 *     give NULL.
 */

\echo Use "ALTER EXTENSION loyalty_kpi UPDATE TO '1.3'" to load this file. \quit

ALTER FUNCTION @extschema@.churn_rate(bigint, bigint, bigint, text) CALLED ON NULL INPUT;

DO $$
DECLARE
    f pg_catalog.regprocedure;
BEGIN
    FOR f IN
        SELECT DISTINCT support::pg_catalog.regprocedure
        FROM pg_catalog.pg_aggregate a
        JOIN pg_catalog.pg_depend d
          ON d.classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_proc'::pg_catalog.regclass AND d.objid OPERATOR(pg_catalog.=) a.aggfnoid
         AND d.refclassid OPERATOR(pg_catalog.=) 'pg_catalog.pg_extension'::pg_catalog.regclass AND d.deptype OPERATOR(pg_catalog.=) 'e'
        JOIN pg_catalog.pg_extension e ON e.oid OPERATOR(pg_catalog.=) d.refobjid AND e.extname OPERATOR(pg_catalog.=) 'loyalty_kpi'
        CROSS JOIN LATERAL pg_catalog.unnest(ARRAY[a.aggtransfn, a.aggcombinefn, a.aggserialfn,
                                                   a.aggdeserialfn, a.aggmtransfn, a.aggminvtransfn,
                                                   a.aggfinalfn, a.aggmfinalfn]::pg_catalog.oid[]) AS support
        JOIN pg_catalog.pg_proc p ON p.oid OPERATOR(pg_catalog.=) support
        WHERE p.pronamespace OPERATOR(pg_catalog.=) '@extschema@'::pg_catalog.regnamespace
          AND p.proname OPERATOR(pg_catalog.<>) ALL (ARRAY['nps', 'csat', 'ces', 'cli']::pg_catalog.name[])
    LOOP
        EXECUTE pg_catalog.format('REVOKE EXECUTE ON FUNCTION %s FROM PUBLIC', f);
    END LOOP;
END
$$;
