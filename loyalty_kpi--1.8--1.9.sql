/*
 * loyalty_kpi 1.8 -> 1.9: btyd_summary over numeric amounts, and its state
 * declared to the planner.
 *
 * The numeric forms read an amount from its bytes where they can (the same
 * number as the cast to double precision, without its text round trip).
 * Every btyd_summary declares its state's size (SSPACE 128), so a GROUP BY
 * customer's hash table is planned by it and not by an internal state's
 * default of 1 kB.  CREATE AGGREGATE sets that; ALTER AGGREGATE cannot, so
 * for the four existing forms this script sets pg_aggregate.aggtransspace,
 * the column SSPACE fills.  predicted_clv's speed-up (src/gamma_gamma.c)
 * changes no SQL object.  Generated from the sources: src/clv.sql's
 * template expanded for numeric.
 */

\echo Use "ALTER EXTENSION loyalty_kpi UPDATE TO '1.9'" to load this file. \quit

CREATE FUNCTION loyalty_kpi_internal.btyd_summary_accum_date(internal, date, numeric, date, interval)
RETURNS internal
AS 'MODULE_PATHNAME', 'btyd_summary_accum_date' LANGUAGE C IMMUTABLE PARALLEL SAFE;

-- calendar days of the purchase times in the session's time zone: STABLE
CREATE FUNCTION loyalty_kpi_internal.btyd_summary_accum_timestamptz(internal, timestamptz, numeric, date, interval)
RETURNS internal
AS 'MODULE_PATHNAME', 'btyd_summary_accum_timestamptz' LANGUAGE C STABLE PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.btyd_summary_accum_date(internal, date, numeric, date, date, interval)
RETURNS internal
AS 'MODULE_PATHNAME', 'btyd_summary_accum_date' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.btyd_summary_accum_timestamptz(internal, timestamptz, numeric, date, date, interval)
RETURNS internal
AS 'MODULE_PATHNAME', 'btyd_summary_accum_timestamptz' LANGUAGE C STABLE PARALLEL SAFE;

CREATE AGGREGATE @extschema@.btyd_summary(purchased_on date, amount numeric, observation_end date, time_unit interval) (
    SFUNC = loyalty_kpi_internal.btyd_summary_accum_date, STYPE = internal, SSPACE = 128,
    FINALFUNC = loyalty_kpi_internal.btyd_summary_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = loyalty_kpi_internal.btyd_summary_combine,
    SERIALFUNC = loyalty_kpi_internal.btyd_summary_serialize, DESERIALFUNC = loyalty_kpi_internal.btyd_summary_deserialize,
    PARALLEL = SAFE);
COMMENT ON AGGREGATE @extschema@.btyd_summary(date, numeric, date, interval) IS
    'One customer''s BTYD summary from their transactions up to observation_end (use with GROUP BY customer): frequency (repeat purchase days), recency and age in time units, mean repeat spend. NULL when there is no purchase.';

CREATE AGGREGATE @extschema@.btyd_summary(purchased_at timestamptz, amount numeric, observation_end date, time_unit interval) (
    SFUNC = loyalty_kpi_internal.btyd_summary_accum_timestamptz, STYPE = internal, SSPACE = 128,
    FINALFUNC = loyalty_kpi_internal.btyd_summary_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = loyalty_kpi_internal.btyd_summary_combine,
    SERIALFUNC = loyalty_kpi_internal.btyd_summary_serialize, DESERIALFUNC = loyalty_kpi_internal.btyd_summary_deserialize,
    PARALLEL = SAFE);
COMMENT ON AGGREGATE @extschema@.btyd_summary(timestamptz, numeric, date, interval) IS
    'One customer''s BTYD summary from their transactions up to observation_end (use with GROUP BY customer): frequency (repeat purchase days), recency and age in time units, mean repeat spend. NULL when there is no purchase.';

CREATE AGGREGATE @extschema@.btyd_summary(purchased_on date, amount numeric, calibration_end date,
                                          holdout_end date, time_unit interval) (
    SFUNC = loyalty_kpi_internal.btyd_summary_accum_date, STYPE = internal, SSPACE = 128,
    FINALFUNC = loyalty_kpi_internal.btyd_summary_holdout_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = loyalty_kpi_internal.btyd_summary_combine,
    SERIALFUNC = loyalty_kpi_internal.btyd_summary_serialize, DESERIALFUNC = loyalty_kpi_internal.btyd_summary_deserialize,
    PARALLEL = SAFE);
COMMENT ON AGGREGATE @extschema@.btyd_summary(date, numeric, date, date, interval) IS
    'One customer''s BTYD calibration summary to calibration_end with the holdout to holdout_end beside it (use with GROUP BY customer): purchase days and spend in the holdout and its length. NULL for a customer whose first purchase is after calibration_end.';

CREATE AGGREGATE @extschema@.btyd_summary(purchased_at timestamptz, amount numeric, calibration_end date,
                                          holdout_end date, time_unit interval) (
    SFUNC = loyalty_kpi_internal.btyd_summary_accum_timestamptz, STYPE = internal, SSPACE = 128,
    FINALFUNC = loyalty_kpi_internal.btyd_summary_holdout_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = loyalty_kpi_internal.btyd_summary_combine,
    SERIALFUNC = loyalty_kpi_internal.btyd_summary_serialize, DESERIALFUNC = loyalty_kpi_internal.btyd_summary_deserialize,
    PARALLEL = SAFE);
COMMENT ON AGGREGATE @extschema@.btyd_summary(timestamptz, numeric, date, date, interval) IS
    'One customer''s BTYD calibration summary to calibration_end with the holdout to holdout_end beside it (use with GROUP BY customer): purchase days and spend in the holdout and its length. NULL for a customer whose first purchase is after calibration_end.';

UPDATE pg_catalog.pg_aggregate SET aggtransspace = 128
WHERE aggfnoid IN ('@extschema@.btyd_summary(date, double precision, date, interval)'::pg_catalog.regprocedure,
                   '@extschema@.btyd_summary(timestamptz, double precision, date, interval)'::pg_catalog.regprocedure,
                   '@extschema@.btyd_summary(date, double precision, date, date, interval)'::pg_catalog.regprocedure,
                   '@extschema@.btyd_summary(timestamptz, double precision, date, date, interval)'::pg_catalog.regprocedure);

-- the new support functions are the aggregates' own, as src/privileges.sql makes every one
REVOKE EXECUTE ON FUNCTION loyalty_kpi_internal.btyd_summary_accum_date(internal, date, numeric, date, interval) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION loyalty_kpi_internal.btyd_summary_accum_timestamptz(internal, timestamptz, numeric, date, interval) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION loyalty_kpi_internal.btyd_summary_accum_date(internal, date, numeric, date, date, interval) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION loyalty_kpi_internal.btyd_summary_accum_timestamptz(internal, timestamptz, numeric, date, date, interval) FROM PUBLIC;
