/* ---------------------------------------------------------------------
 * Privileges (last, once every function exists)
 * ---------------------------------------------------------------------
 */

-- The support functions are the aggregates' own: PUBLIC may not call them
-- directly (every aggregate still works for every role; only direct
-- calls, which no user needs, are refused).  The types' input and output
-- functions stay callable, as for any type.
DO $$
DECLARE
    f pg_catalog.regprocedure;
BEGIN
    FOR f IN
        SELECT p.oid::pg_catalog.regprocedure FROM pg_catalog.pg_proc p
        WHERE p.pronamespace OPERATOR(pg_catalog.=) 'loyalty_kpi_internal'::pg_catalog.regnamespace::pg_catalog.oid
          AND NOT EXISTS (SELECT FROM pg_catalog.pg_type t
                          WHERE p.oid OPERATOR(pg_catalog.=) ANY (ARRAY[t.typinput, t.typoutput, t.typreceive,
                                                                         t.typsend]::pg_catalog.oid[]))
    LOOP
        EXECUTE pg_catalog.format('REVOKE EXECUTE ON FUNCTION %s FROM PUBLIC', f);
    END LOOP;
END
$$;
