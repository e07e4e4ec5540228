/* ---------------------------------------------------------------------
 * The seeds' CLV formulas (src/clv.c)
 * ---------------------------------------------------------------------
 */

-- value per period x lifespan in periods: AOV x lifespan (seed 001), yearly value x years (seed 003)
CREATE FUNCTION @extschema@.clv_basic(value_per_period double precision, lifespan double precision)
RETURNS double precision
AS 'MODULE_PATHNAME', 'clv_basic' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.clv_basic(double precision, double precision) IS
    'CLV = value per period x lifespan in periods (or average order value x orders).';

-- value x (1 + d) / (d + c) - acquisition cost; c and d percentages per period
CREATE FUNCTION @extschema@.clv_from_churn(value_per_period double precision, churn_rate double precision, discount_rate double precision DEFAULT 0, acquisition_cost double precision DEFAULT 0)
RETURNS double precision
AS 'MODULE_PATHNAME', 'clv_from_churn' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.clv_from_churn(double precision, double precision, double precision, double precision) IS
    'CLV = value per period x (1 + d) / (d + c) - acquisition cost, with churn c and discount d in % per period (value x 100 / churn when d = 0).';

-- revenue - acquisition cost - service cost (seed 000)
CREATE FUNCTION @extschema@.clv_net(revenue double precision, acquisition_cost double precision, service_cost double precision)
RETURNS double precision
AS 'MODULE_PATHNAME', 'clv_net' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.clv_net(double precision, double precision, double precision) IS
    'CLV = revenue - acquisition cost - service cost.';

/* ---------------------------------------------------------------------
 * The BTYD per-customer summary (src/clv.c)
 * ---------------------------------------------------------------------
 */

CREATE TYPE @extschema@.btyd_customer AS (
    frequency integer,              -- x: distinct purchase days - 1
    recency double precision,       -- t_x: first to last purchase, in time units
    age double precision,           -- T: first purchase to the observation end, in time units
    monetary_value double precision, -- mean value of the repeat purchase days; NULL when x = 0
    time_unit interval              -- the unit of recency and age, for the fits to record (1.12)
);
COMMENT ON TYPE @extschema@.btyd_customer IS
    'One customer''s BTYD summary: frequency, recency and age in time units, mean repeat spend (NULL without a repeat purchase), and the time unit, which a fit given it records.';

CREATE FUNCTION loyalty_kpi_internal.btyd_summary_combine(internal, internal) RETURNS internal
AS 'MODULE_PATHNAME', 'btyd_summary_combine' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.btyd_summary_serialize(internal) RETURNS bytea
AS 'MODULE_PATHNAME', 'btyd_summary_serialize' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.btyd_summary_deserialize(bytea, internal) RETURNS internal
AS 'MODULE_PATHNAME', 'btyd_summary_deserialize' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.btyd_summary_final(internal) RETURNS @extschema@.btyd_customer
AS 'MODULE_PATHNAME', 'btyd_summary_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;

-- The calibration summary with the holdout beside it, in one call (src/clv.c)
CREATE TYPE @extschema@.btyd_holdout_customer AS (
    frequency integer,               -- the calibration summary, as btyd_customer
    recency double precision,
    age double precision,
    monetary_value double precision,
    holdout_purchases integer,       -- distinct purchase days after the calibration end, to the holdout end
    holdout_spend double precision,  -- what they summed to; NULL when an amount is NULL
    holdout_length double precision  -- (holdout end - calibration end) in time units
);
COMMENT ON TYPE @extschema@.btyd_holdout_customer IS
    'One customer''s BTYD calibration summary with the holdout beside it: purchase days and spend in the holdout, and its length in time units.';

CREATE FUNCTION loyalty_kpi_internal.btyd_summary_holdout_final(internal) RETURNS @extschema@.btyd_holdout_customer
AS 'MODULE_PATHNAME', 'btyd_summary_holdout_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;

-- The amount as a double precision or a numeric (an amount column mostly
-- is one): the numeric forms read it without the cast's text round trip.
-- SSPACE: the state's size (SummaryState), so that the planner sizes a
-- GROUP BY customer's hash table by it and not by an internal state's
-- default 1 kB (which planned 256 partitions for 200,000 customers where
-- one would do, and spilled them to disk).
-- @each A: double precision, numeric
CREATE FUNCTION loyalty_kpi_internal.btyd_summary_accum_date(internal, date, @A@, date, interval)
RETURNS internal
AS 'MODULE_PATHNAME', 'btyd_summary_accum_date' LANGUAGE C IMMUTABLE PARALLEL SAFE;

-- calendar days of the purchase times in the session's time zone: STABLE
CREATE FUNCTION loyalty_kpi_internal.btyd_summary_accum_timestamptz(internal, timestamptz, @A@, date, interval)
RETURNS internal
AS 'MODULE_PATHNAME', 'btyd_summary_accum_timestamptz' LANGUAGE C STABLE PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.btyd_summary_accum_date(internal, date, @A@, date, date, interval)
RETURNS internal
AS 'MODULE_PATHNAME', 'btyd_summary_accum_date' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.btyd_summary_accum_timestamptz(internal, timestamptz, @A@, date, date, interval)
RETURNS internal
AS 'MODULE_PATHNAME', 'btyd_summary_accum_timestamptz' LANGUAGE C STABLE PARALLEL SAFE;

CREATE AGGREGATE @extschema@.btyd_summary(purchased_on date, amount @A@, observation_end date, time_unit interval) (
    SFUNC = loyalty_kpi_internal.btyd_summary_accum_date, STYPE = internal, SSPACE = 128,
    FINALFUNC = loyalty_kpi_internal.btyd_summary_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = loyalty_kpi_internal.btyd_summary_combine,
    SERIALFUNC = loyalty_kpi_internal.btyd_summary_serialize, DESERIALFUNC = loyalty_kpi_internal.btyd_summary_deserialize,
    PARALLEL = SAFE);
COMMENT ON AGGREGATE @extschema@.btyd_summary(date, @A@, date, interval) IS
    'One customer''s BTYD summary from their transactions up to observation_end (use with GROUP BY customer): frequency (repeat purchase days), recency and age in time units, mean repeat spend. NULL when there is no purchase.';

CREATE AGGREGATE @extschema@.btyd_summary(purchased_at timestamptz, amount @A@, observation_end date, time_unit interval) (
    SFUNC = loyalty_kpi_internal.btyd_summary_accum_timestamptz, STYPE = internal, SSPACE = 128,
    FINALFUNC = loyalty_kpi_internal.btyd_summary_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = loyalty_kpi_internal.btyd_summary_combine,
    SERIALFUNC = loyalty_kpi_internal.btyd_summary_serialize, DESERIALFUNC = loyalty_kpi_internal.btyd_summary_deserialize,
    PARALLEL = SAFE);
COMMENT ON AGGREGATE @extschema@.btyd_summary(timestamptz, @A@, date, interval) IS
    'One customer''s BTYD summary from their transactions up to observation_end (use with GROUP BY customer): frequency (repeat purchase days), recency and age in time units, mean repeat spend. NULL when there is no purchase.';

CREATE AGGREGATE @extschema@.btyd_summary(purchased_on date, amount @A@, calibration_end date,
                                          holdout_end date, time_unit interval) (
    SFUNC = loyalty_kpi_internal.btyd_summary_accum_date, STYPE = internal, SSPACE = 128,
    FINALFUNC = loyalty_kpi_internal.btyd_summary_holdout_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = loyalty_kpi_internal.btyd_summary_combine,
    SERIALFUNC = loyalty_kpi_internal.btyd_summary_serialize, DESERIALFUNC = loyalty_kpi_internal.btyd_summary_deserialize,
    PARALLEL = SAFE);
COMMENT ON AGGREGATE @extschema@.btyd_summary(date, @A@, date, date, interval) IS
    'One customer''s BTYD calibration summary to calibration_end with the holdout to holdout_end beside it (use with GROUP BY customer): purchase days and spend in the holdout and its length. NULL for a customer whose first purchase is after calibration_end.';

CREATE AGGREGATE @extschema@.btyd_summary(purchased_at timestamptz, amount @A@, calibration_end date,
                                          holdout_end date, time_unit interval) (
    SFUNC = loyalty_kpi_internal.btyd_summary_accum_timestamptz, STYPE = internal, SSPACE = 128,
    FINALFUNC = loyalty_kpi_internal.btyd_summary_holdout_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = loyalty_kpi_internal.btyd_summary_combine,
    SERIALFUNC = loyalty_kpi_internal.btyd_summary_serialize, DESERIALFUNC = loyalty_kpi_internal.btyd_summary_deserialize,
    PARALLEL = SAFE);
COMMENT ON AGGREGATE @extschema@.btyd_summary(timestamptz, @A@, date, date, interval) IS
    'One customer''s BTYD calibration summary to calibration_end with the holdout to holdout_end beside it (use with GROUP BY customer): purchase days and spend in the holdout and its length. NULL for a customer whose first purchase is after calibration_end.';
-- @end

-- The observation ends as timestamptz (1.12): now(), or a literal, which
-- PostgreSQL reads as timestamptz; the window ends on that calendar day in
-- the session's time zone, so these are STABLE.
-- @each A: double precision, numeric
CREATE FUNCTION loyalty_kpi_internal.btyd_summary_accum_date(internal, date, @A@, timestamptz, interval)
RETURNS internal
AS 'MODULE_PATHNAME', 'btyd_summary_accum_date' LANGUAGE C STABLE PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.btyd_summary_accum_date(internal, date, @A@, timestamptz, timestamptz, interval)
RETURNS internal
AS 'MODULE_PATHNAME', 'btyd_summary_accum_date' LANGUAGE C STABLE PARALLEL SAFE;

CREATE AGGREGATE @extschema@.btyd_summary(purchased_on date, amount @A@, observation_end timestamptz, time_unit interval) (
    SFUNC = loyalty_kpi_internal.btyd_summary_accum_date, STYPE = internal, SSPACE = 128,
    FINALFUNC = loyalty_kpi_internal.btyd_summary_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = loyalty_kpi_internal.btyd_summary_combine,
    SERIALFUNC = loyalty_kpi_internal.btyd_summary_serialize, DESERIALFUNC = loyalty_kpi_internal.btyd_summary_deserialize,
    PARALLEL = SAFE);
COMMENT ON AGGREGATE @extschema@.btyd_summary(date, @A@, timestamptz, interval) IS
    'One customer''s BTYD summary from their transactions up to the calendar day of observation_end, such as now() (use with GROUP BY customer): frequency (repeat purchase days), recency and age in time units, mean repeat spend. NULL when there is no purchase.';

CREATE AGGREGATE @extschema@.btyd_summary(purchased_on date, amount @A@, calibration_end timestamptz,
                                          holdout_end timestamptz, time_unit interval) (
    SFUNC = loyalty_kpi_internal.btyd_summary_accum_date, STYPE = internal, SSPACE = 128,
    FINALFUNC = loyalty_kpi_internal.btyd_summary_holdout_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = loyalty_kpi_internal.btyd_summary_combine,
    SERIALFUNC = loyalty_kpi_internal.btyd_summary_serialize, DESERIALFUNC = loyalty_kpi_internal.btyd_summary_deserialize,
    PARALLEL = SAFE);
COMMENT ON AGGREGATE @extschema@.btyd_summary(date, @A@, timestamptz, timestamptz, interval) IS
    'One customer''s BTYD calibration summary to the calendar day of calibration_end with the holdout to that of holdout_end beside it (use with GROUP BY customer). NULL for a customer whose first purchase is after calibration_end.';

CREATE FUNCTION loyalty_kpi_internal.btyd_summary_accum_timestamptz(internal, timestamptz, @A@, timestamptz, interval)
RETURNS internal
AS 'MODULE_PATHNAME', 'btyd_summary_accum_timestamptz' LANGUAGE C STABLE PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.btyd_summary_accum_timestamptz(internal, timestamptz, @A@, timestamptz, timestamptz, interval)
RETURNS internal
AS 'MODULE_PATHNAME', 'btyd_summary_accum_timestamptz' LANGUAGE C STABLE PARALLEL SAFE;

CREATE AGGREGATE @extschema@.btyd_summary(purchased_at timestamptz, amount @A@, observation_end timestamptz, time_unit interval) (
    SFUNC = loyalty_kpi_internal.btyd_summary_accum_timestamptz, STYPE = internal, SSPACE = 128,
    FINALFUNC = loyalty_kpi_internal.btyd_summary_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = loyalty_kpi_internal.btyd_summary_combine,
    SERIALFUNC = loyalty_kpi_internal.btyd_summary_serialize, DESERIALFUNC = loyalty_kpi_internal.btyd_summary_deserialize,
    PARALLEL = SAFE);
COMMENT ON AGGREGATE @extschema@.btyd_summary(timestamptz, @A@, timestamptz, interval) IS
    'One customer''s BTYD summary from their transactions up to the calendar day of observation_end, such as now() (use with GROUP BY customer): frequency (repeat purchase days), recency and age in time units, mean repeat spend. NULL when there is no purchase.';

CREATE AGGREGATE @extschema@.btyd_summary(purchased_at timestamptz, amount @A@, calibration_end timestamptz,
                                          holdout_end timestamptz, time_unit interval) (
    SFUNC = loyalty_kpi_internal.btyd_summary_accum_timestamptz, STYPE = internal, SSPACE = 128,
    FINALFUNC = loyalty_kpi_internal.btyd_summary_holdout_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = loyalty_kpi_internal.btyd_summary_combine,
    SERIALFUNC = loyalty_kpi_internal.btyd_summary_serialize, DESERIALFUNC = loyalty_kpi_internal.btyd_summary_deserialize,
    PARALLEL = SAFE);
COMMENT ON AGGREGATE @extschema@.btyd_summary(timestamptz, @A@, timestamptz, timestamptz, interval) IS
    'One customer''s BTYD calibration summary to the calendar day of calibration_end with the holdout to that of holdout_end beside it (use with GROUP BY customer). NULL for a customer whose first purchase is after calibration_end.';
-- @end

