/*
 * loyalty_kpi 1.0 -> 1.1: the customer-base and loyalty-program KPIs.
 *
 * A fresh CREATE EXTENSION runs loyalty_kpi--1.0.sql and then this script,
 * so a new install and an upgraded one hold the same objects.  The same
 * rules as 1.0: every name qualified with @extschema@, every function
 * PARALLEL SAFE, IMMUTABLE unless it reads the TimeZone setting (calendar
 * steps such as '1 month'), then STABLE.
 */

\echo Use "ALTER EXTENSION loyalty_kpi UPDATE TO '1.1'" to load this file. \quit

/* ---------------------------------------------------------------------
 * Customer-base KPIs from lifecycle dates (src/lifecycle.c): retention and
 * churn for a period [start, end), and a series of periods in one scan.
 * ---------------------------------------------------------------------
 */

-- the formula alone, from counts: S at the start, E at the end, N new
CREATE FUNCTION @extschema@.retention_rate(start_count bigint, end_count bigint, new_count bigint)
RETURNS double precision
AS 'MODULE_PATHNAME', 'retention_rate_from_counts' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION @extschema@.churn_rate(start_count bigint, end_count bigint, new_count bigint)
RETURNS double precision
AS 'MODULE_PATHNAME', 'churn_rate_from_counts' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION @extschema@.churn_rate(start_count bigint, end_count bigint, new_count bigint, basis text)
RETURNS double precision
AS 'MODULE_PATHNAME', 'churn_rate_from_counts' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- aggregate support: the state is a C struct (internal), serialized for parallel workers
CREATE FUNCTION @extschema@.lifecycle_accum(internal, timestamptz, timestamptz, timestamptz, timestamptz)
RETURNS internal
AS 'MODULE_PATHNAME', 'lifecycle_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION @extschema@.lifecycle_retract(internal, timestamptz, timestamptz, timestamptz, timestamptz)
RETURNS internal
AS 'MODULE_PATHNAME', 'lifecycle_retract' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION @extschema@.lifecycle_accum(internal, timestamptz, timestamptz, timestamptz, timestamptz, text)
RETURNS internal
AS 'MODULE_PATHNAME', 'lifecycle_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION @extschema@.lifecycle_retract(internal, timestamptz, timestamptz, timestamptz, timestamptz, text)
RETURNS internal
AS 'MODULE_PATHNAME', 'lifecycle_retract' LANGUAGE C IMMUTABLE PARALLEL SAFE;

-- STABLE: the period boundaries add calendar steps in the session's time zone
CREATE FUNCTION @extschema@.lifecycle_accum(internal, timestamptz, timestamptz, timestamptz, timestamptz, interval)
RETURNS internal
AS 'MODULE_PATHNAME', 'lifecycle_accum' LANGUAGE C STABLE PARALLEL SAFE;

CREATE FUNCTION @extschema@.lifecycle_retract(internal, timestamptz, timestamptz, timestamptz, timestamptz, interval)
RETURNS internal
AS 'MODULE_PATHNAME', 'lifecycle_retract' LANGUAGE C STABLE PARALLEL SAFE;

CREATE FUNCTION @extschema@.lifecycle_combine(internal, internal)
RETURNS internal
AS 'MODULE_PATHNAME', 'lifecycle_combine' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION @extschema@.lifecycle_serialize(internal)
RETURNS bytea
AS 'MODULE_PATHNAME', 'lifecycle_serialize' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION @extschema@.lifecycle_deserialize(bytea, internal)
RETURNS internal
AS 'MODULE_PATHNAME', 'lifecycle_deserialize' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION @extschema@.retention_rate_final(internal)
RETURNS double precision
AS 'MODULE_PATHNAME', 'retention_rate_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION @extschema@.churn_rate_final(internal)
RETURNS double precision
AS 'MODULE_PATHNAME', 'churn_rate_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;

-- one row of a period series; column order is fixed by retention_series_final()
CREATE TYPE @extschema@.customer_period AS (
    period_start     timestamptz,
    period_end       timestamptz,
    start_count      bigint,            -- S: customers at the start
    new_count        bigint,            -- N: acquired in the period
    end_count        bigint,            -- E: customers at the end
    lost_count       bigint,            -- S + N - E
    retained_count   bigint,            -- of S, still customers at the end
    retention_rate   double precision,  -- (E - N) / S * 100
    churn_rate       double precision,  -- lost / (S + N) * 100
    churn_rate_start double precision,  -- lost / S * 100
    churn_reduction  double precision,  -- previous period's churn_rate minus this one's
    growth_rate      double precision   -- (E - S) / S * 100
);

CREATE FUNCTION @extschema@.retention_series_final(internal)
RETURNS @extschema@.customer_period[]
AS 'MODULE_PATHNAME', 'retention_series_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE AGGREGATE @extschema@.retention_rate(acquired_at timestamptz, churned_at timestamptz,
                                            period_start timestamptz, period_end timestamptz) (
    SFUNC = @extschema@.lifecycle_accum, STYPE = internal,
    FINALFUNC = @extschema@.retention_rate_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = @extschema@.lifecycle_combine,
    SERIALFUNC = @extschema@.lifecycle_serialize, DESERIALFUNC = @extschema@.lifecycle_deserialize,
    MSFUNC = @extschema@.lifecycle_accum, MINVFUNC = @extschema@.lifecycle_retract, MSTYPE = internal,
    MFINALFUNC = @extschema@.retention_rate_final, MFINALFUNC_MODIFY = READ_ONLY,
    PARALLEL = SAFE);

CREATE AGGREGATE @extschema@.churn_rate(acquired_at timestamptz, churned_at timestamptz,
                                        period_start timestamptz, period_end timestamptz) (
    SFUNC = @extschema@.lifecycle_accum, STYPE = internal,
    FINALFUNC = @extschema@.churn_rate_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = @extschema@.lifecycle_combine,
    SERIALFUNC = @extschema@.lifecycle_serialize, DESERIALFUNC = @extschema@.lifecycle_deserialize,
    MSFUNC = @extschema@.lifecycle_accum, MINVFUNC = @extschema@.lifecycle_retract, MSTYPE = internal,
    MFINALFUNC = @extschema@.churn_rate_final, MFINALFUNC_MODIFY = READ_ONLY,
    PARALLEL = SAFE);

CREATE AGGREGATE @extschema@.churn_rate(acquired_at timestamptz, churned_at timestamptz,
                                        period_start timestamptz, period_end timestamptz, basis text) (
    SFUNC = @extschema@.lifecycle_accum, STYPE = internal,
    FINALFUNC = @extschema@.churn_rate_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = @extschema@.lifecycle_combine,
    SERIALFUNC = @extschema@.lifecycle_serialize, DESERIALFUNC = @extschema@.lifecycle_deserialize,
    MSFUNC = @extschema@.lifecycle_accum, MINVFUNC = @extschema@.lifecycle_retract, MSTYPE = internal,
    MFINALFUNC = @extschema@.churn_rate_final, MFINALFUNC_MODIFY = READ_ONLY,
    PARALLEL = SAFE);

CREATE AGGREGATE @extschema@.retention_series(acquired_at timestamptz, churned_at timestamptz,
                                              first_start timestamptz, last_end timestamptz, step interval) (
    SFUNC = @extschema@.lifecycle_accum, STYPE = internal,
    FINALFUNC = @extschema@.retention_series_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = @extschema@.lifecycle_combine,
    SERIALFUNC = @extschema@.lifecycle_serialize, DESERIALFUNC = @extschema@.lifecycle_deserialize,
    MSFUNC = @extschema@.lifecycle_accum, MINVFUNC = @extschema@.lifecycle_retract, MSTYPE = internal,
    MFINALFUNC = @extschema@.retention_series_final, MFINALFUNC_MODIFY = READ_ONLY,
    PARALLEL = SAFE);

/* ---------------------------------------------------------------------
 * Per-customer KPIs from an orders table (src/orders.c): one row per order,
 * any customer id type with a hash opclass ("any" arguments).
 * ---------------------------------------------------------------------
 */

CREATE FUNCTION @extschema@.orders_accum(internal, "any")
RETURNS internal
AS 'MODULE_PATHNAME', 'orders_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION @extschema@.orders_retract(internal, "any")
RETURNS internal
AS 'MODULE_PATHNAME', 'orders_retract' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION @extschema@.orders_products_accum(internal, "any", "any")
RETURNS internal
AS 'MODULE_PATHNAME', 'orders_products_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION @extschema@.orders_combine(internal, internal)
RETURNS internal
AS 'MODULE_PATHNAME', 'orders_combine' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION @extschema@.orders_serialize(internal)
RETURNS bytea
AS 'MODULE_PATHNAME', 'orders_serialize' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION @extschema@.orders_deserialize(bytea, internal)
RETURNS internal
AS 'MODULE_PATHNAME', 'orders_deserialize' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION @extschema@.repeat_purchase_rate_final(internal)
RETURNS double precision
AS 'MODULE_PATHNAME', 'repeat_purchase_rate_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION @extschema@.one_and_done_rate_final(internal)
RETURNS double precision
AS 'MODULE_PATHNAME', 'one_and_done_rate_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION @extschema@.purchase_frequency_final(internal)
RETURNS double precision
AS 'MODULE_PATHNAME', 'purchase_frequency_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION @extschema@.upsell_ratio_final(internal)
RETURNS double precision
AS 'MODULE_PATHNAME', 'upsell_ratio_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE AGGREGATE @extschema@.repeat_purchase_rate(customer_id "any") (
    SFUNC = @extschema@.orders_accum, STYPE = internal,
    FINALFUNC = @extschema@.repeat_purchase_rate_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = @extschema@.orders_combine,
    SERIALFUNC = @extschema@.orders_serialize, DESERIALFUNC = @extschema@.orders_deserialize,
    MSFUNC = @extschema@.orders_accum, MINVFUNC = @extschema@.orders_retract, MSTYPE = internal,
    MFINALFUNC = @extschema@.repeat_purchase_rate_final, MFINALFUNC_MODIFY = READ_ONLY,
    PARALLEL = SAFE);

CREATE AGGREGATE @extschema@.one_and_done_rate(customer_id "any") (
    SFUNC = @extschema@.orders_accum, STYPE = internal,
    FINALFUNC = @extschema@.one_and_done_rate_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = @extschema@.orders_combine,
    SERIALFUNC = @extschema@.orders_serialize, DESERIALFUNC = @extschema@.orders_deserialize,
    MSFUNC = @extschema@.orders_accum, MINVFUNC = @extschema@.orders_retract, MSTYPE = internal,
    MFINALFUNC = @extschema@.one_and_done_rate_final, MFINALFUNC_MODIFY = READ_ONLY,
    PARALLEL = SAFE);

CREATE AGGREGATE @extschema@.purchase_frequency(customer_id "any") (
    SFUNC = @extschema@.orders_accum, STYPE = internal,
    FINALFUNC = @extschema@.purchase_frequency_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = @extschema@.orders_combine,
    SERIALFUNC = @extschema@.orders_serialize, DESERIALFUNC = @extschema@.orders_deserialize,
    MSFUNC = @extschema@.orders_accum, MINVFUNC = @extschema@.orders_retract, MSTYPE = internal,
    MFINALFUNC = @extschema@.purchase_frequency_final, MFINALFUNC_MODIFY = READ_ONLY,
    PARALLEL = SAFE);

-- no inverse: "bought a second product" cannot be taken back without every product
CREATE AGGREGATE @extschema@.upsell_ratio(customer_id "any", product_id "any") (
    SFUNC = @extschema@.orders_products_accum, STYPE = internal,
    FINALFUNC = @extschema@.upsell_ratio_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = @extschema@.orders_combine,
    SERIALFUNC = @extschema@.orders_serialize, DESERIALFUNC = @extschema@.orders_deserialize,
    PARALLEL = SAFE);

/* ---------------------------------------------------------------------
 * Loyalty-program KPIs (src/program.c)
 * ---------------------------------------------------------------------
 */

-- member counts, bigint[3] = {members, hits, total}: exact, so windows get an inverse
CREATE FUNCTION @extschema@.enrollment_accum(bigint[], boolean)
RETURNS bigint[]
AS 'MODULE_PATHNAME', 'enrollment_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION @extschema@.enrollment_retract(bigint[], boolean)
RETURNS bigint[]
AS 'MODULE_PATHNAME', 'enrollment_retract' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION @extschema@.redemptions_accum(bigint[], bigint)
RETURNS bigint[]
AS 'MODULE_PATHNAME', 'redemptions_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION @extschema@.redemptions_retract(bigint[], bigint)
RETURNS bigint[]
AS 'MODULE_PATHNAME', 'redemptions_retract' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION @extschema@.member_counts_combine(bigint[], bigint[])
RETURNS bigint[]
AS 'MODULE_PATHNAME', 'member_counts_combine' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION @extschema@.member_share_final(bigint[])
RETURNS double precision
AS 'MODULE_PATHNAME', 'member_share_final' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION @extschema@.member_mean_final(bigint[])
RETURNS double precision
AS 'MODULE_PATHNAME', 'member_mean_final' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE AGGREGATE @extschema@.enrollment_rate(enrolled boolean) (
    SFUNC = @extschema@.enrollment_accum, STYPE = bigint[], INITCOND = '{0,0,0}',
    FINALFUNC = @extschema@.member_share_final,
    COMBINEFUNC = @extschema@.member_counts_combine,
    MSFUNC = @extschema@.enrollment_accum, MINVFUNC = @extschema@.enrollment_retract,
    MSTYPE = bigint[], MINITCOND = '{0,0,0}', MFINALFUNC = @extschema@.member_share_final,
    PARALLEL = SAFE);

CREATE AGGREGATE @extschema@.redemption_participation(redemptions bigint) (
    SFUNC = @extschema@.redemptions_accum, STYPE = bigint[], INITCOND = '{0,0,0}',
    FINALFUNC = @extschema@.member_share_final,
    COMBINEFUNC = @extschema@.member_counts_combine,
    MSFUNC = @extschema@.redemptions_accum, MINVFUNC = @extschema@.redemptions_retract,
    MSTYPE = bigint[], MINITCOND = '{0,0,0}', MFINALFUNC = @extschema@.member_share_final,
    PARALLEL = SAFE);

CREATE AGGREGATE @extschema@.redemption_frequency(redemptions bigint) (
    SFUNC = @extschema@.redemptions_accum, STYPE = bigint[], INITCOND = '{0,0,0}',
    FINALFUNC = @extschema@.member_mean_final,
    COMBINEFUNC = @extschema@.member_counts_combine,
    MSFUNC = @extschema@.redemptions_accum, MINVFUNC = @extschema@.redemptions_retract,
    MSTYPE = bigint[], MINITCOND = '{0,0,0}', MFINALFUNC = @extschema@.member_mean_final,
    PARALLEL = SAFE);

-- active rate, bigint[7] = {members, active, as_of, window start, window time, day, month}
CREATE FUNCTION @extschema@.active_accum(bigint[], timestamptz, timestamptz, interval)
RETURNS bigint[]
AS 'MODULE_PATHNAME', 'active_accum' LANGUAGE C STABLE PARALLEL SAFE;

CREATE FUNCTION @extschema@.active_retract(bigint[], timestamptz, timestamptz, interval)
RETURNS bigint[]
AS 'MODULE_PATHNAME', 'active_retract' LANGUAGE C STABLE PARALLEL SAFE;

CREATE FUNCTION @extschema@.active_combine(bigint[], bigint[])
RETURNS bigint[]
AS 'MODULE_PATHNAME', 'active_combine' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION @extschema@.active_rate_final(bigint[])
RETURNS double precision
AS 'MODULE_PATHNAME', 'active_rate_final' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE AGGREGATE @extschema@.active_rate(last_activity_at timestamptz, as_of timestamptz, active_window interval) (
    SFUNC = @extschema@.active_accum, STYPE = bigint[], INITCOND = '{0,0,0,0,0,0,0}',
    FINALFUNC = @extschema@.active_rate_final,
    COMBINEFUNC = @extschema@.active_combine,
    MSFUNC = @extschema@.active_accum, MINVFUNC = @extschema@.active_retract,
    MSTYPE = bigint[], MINITCOND = '{0,0,0,0,0,0,0}', MFINALFUNC = @extschema@.active_rate_final,
    PARALLEL = SAFE);

-- points, float8[7] = {rows, redeemers, issued + compensation, redeemed + compensation, basis}
CREATE FUNCTION @extschema@.points_accum(double precision[], double precision, double precision)
RETURNS double precision[]
AS 'MODULE_PATHNAME', 'points_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION @extschema@.points_accum(double precision[], double precision, double precision, text)
RETURNS double precision[]
AS 'MODULE_PATHNAME', 'points_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION @extschema@.points_combine(double precision[], double precision[])
RETURNS double precision[]
AS 'MODULE_PATHNAME', 'points_combine' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION @extschema@.redemption_rate_final(double precision[])
RETURNS double precision
AS 'MODULE_PATHNAME', 'redemption_rate_final' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION @extschema@.breakage_final(double precision[])
RETURNS double precision
AS 'MODULE_PATHNAME', 'breakage_final' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE AGGREGATE @extschema@.redemption_rate(issued double precision, redeemed double precision, basis text) (
    SFUNC = @extschema@.points_accum, STYPE = double precision[], INITCOND = '{0,0,0,0,0,0,0}',
    FINALFUNC = @extschema@.redemption_rate_final,
    COMBINEFUNC = @extschema@.points_combine,
    PARALLEL = SAFE);

CREATE AGGREGATE @extschema@.breakage(issued double precision, redeemed double precision) (
    SFUNC = @extschema@.points_accum, STYPE = double precision[], INITCOND = '{0,0,0,0,0,0,0}',
    FINALFUNC = @extschema@.breakage_final,
    COMBINEFUNC = @extschema@.points_combine,
    PARALLEL = SAFE);

CREATE FUNCTION @extschema@.points_liability(outstanding_points double precision, cost_per_point double precision,
                                             expected_redemption_rate double precision)
RETURNS double precision
AS 'MODULE_PATHNAME', 'points_liability' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- tier distribution: one row per tier, in tier order
CREATE TYPE @extschema@.tier_share AS (
    tier    text,
    members bigint,
    share   double precision    -- members in the tier / all members * 100
);

CREATE FUNCTION @extschema@.tier_accum(internal, text)
RETURNS internal
AS 'MODULE_PATHNAME', 'tier_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION @extschema@.tier_retract(internal, text)
RETURNS internal
AS 'MODULE_PATHNAME', 'tier_retract' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION @extschema@.tier_combine(internal, internal)
RETURNS internal
AS 'MODULE_PATHNAME', 'tier_combine' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION @extschema@.tier_serialize(internal)
RETURNS bytea
AS 'MODULE_PATHNAME', 'tier_serialize' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION @extschema@.tier_deserialize(bytea, internal)
RETURNS internal
AS 'MODULE_PATHNAME', 'tier_deserialize' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION @extschema@.tier_distribution_final(internal)
RETURNS @extschema@.tier_share[]
AS 'MODULE_PATHNAME', 'tier_distribution_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE AGGREGATE @extschema@.tier_distribution(tier text) (
    SFUNC = @extschema@.tier_accum, STYPE = internal,
    FINALFUNC = @extschema@.tier_distribution_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = @extschema@.tier_combine,
    SERIALFUNC = @extschema@.tier_serialize, DESERIALFUNC = @extschema@.tier_deserialize,
    MSFUNC = @extschema@.tier_accum, MINVFUNC = @extschema@.tier_retract, MSTYPE = internal,
    MFINALFUNC = @extschema@.tier_distribution_final, MFINALFUNC_MODIFY = READ_ONLY,
    PARALLEL = SAFE);

-- member lift in spend with Welch's t test
CREATE TYPE @extschema@.spend_lift AS (
    members            bigint,
    others             bigint,
    member_mean        double precision,
    other_mean         double precision,
    lift               double precision,   -- (member_mean - other_mean) / other_mean * 100
    t_statistic        double precision,
    degrees_of_freedom double precision,   -- Welch-Satterthwaite
    p_value            double precision    -- two-sided
);

CREATE FUNCTION @extschema@.lift_accum(double precision[], double precision, boolean)
RETURNS double precision[]
AS 'MODULE_PATHNAME', 'lift_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION @extschema@.lift_combine(double precision[], double precision[])
RETURNS double precision[]
AS 'MODULE_PATHNAME', 'lift_combine' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION @extschema@.member_lift_final(double precision[])
RETURNS @extschema@.spend_lift
AS 'MODULE_PATHNAME', 'member_lift_final' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE AGGREGATE @extschema@.member_lift(spend double precision, is_member boolean) (
    SFUNC = @extschema@.lift_accum, STYPE = double precision[], INITCOND = '{0,0,0,0,0,0}',
    FINALFUNC = @extschema@.member_lift_final,
    COMBINEFUNC = @extschema@.lift_combine,
    PARALLEL = SAFE);
