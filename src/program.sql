/* ---------------------------------------------------------------------
 * Loyalty-program KPIs (src/program.c)
 * ---------------------------------------------------------------------
 */

-- member counts, bigint[3] = {members, hits, total}: exact, so windows get an inverse
CREATE FUNCTION loyalty_kpi_internal.enrollment_accum(bigint[], boolean) RETURNS bigint[]
AS 'MODULE_PATHNAME', 'enrollment_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.enrollment_retract(bigint[], boolean) RETURNS bigint[]
AS 'MODULE_PATHNAME', 'enrollment_retract' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.redemptions_accum(bigint[], bigint) RETURNS bigint[]
AS 'MODULE_PATHNAME', 'redemptions_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.redemptions_retract(bigint[], bigint) RETURNS bigint[]
AS 'MODULE_PATHNAME', 'redemptions_retract' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.member_counts_combine(bigint[], bigint[]) RETURNS bigint[]
AS 'MODULE_PATHNAME', 'member_counts_combine' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.member_share_final(bigint[]) RETURNS double precision
AS 'MODULE_PATHNAME', 'member_share_final' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.member_mean_final(bigint[]) RETURNS double precision
AS 'MODULE_PATHNAME', 'member_mean_final' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE AGGREGATE @extschema@.enrollment_rate(enrolled boolean) (
    SFUNC = loyalty_kpi_internal.enrollment_accum, STYPE = bigint[],
    FINALFUNC = loyalty_kpi_internal.member_share_final, FINALFUNC_MODIFY = READ_ONLY,
    INITCOND = '{0,0,0}',
    COMBINEFUNC = loyalty_kpi_internal.member_counts_combine,
    MSFUNC = loyalty_kpi_internal.enrollment_accum, MINVFUNC = loyalty_kpi_internal.enrollment_retract,
    MSTYPE = bigint[],
    MFINALFUNC = loyalty_kpi_internal.member_share_final, MFINALFUNC_MODIFY = READ_ONLY, MINITCOND = '{0,0,0}',
    PARALLEL = SAFE);
COMMENT ON AGGREGATE @extschema@.enrollment_rate(boolean) IS
    'Share of customers offered the program who enrolled (true), %. NULLs are skipped; NULL when there is none.';

CREATE AGGREGATE @extschema@.redemption_participation(redemptions bigint) (
    SFUNC = loyalty_kpi_internal.redemptions_accum, STYPE = bigint[],
    FINALFUNC = loyalty_kpi_internal.member_share_final, FINALFUNC_MODIFY = READ_ONLY,
    INITCOND = '{0,0,0}',
    COMBINEFUNC = loyalty_kpi_internal.member_counts_combine,
    MSFUNC = loyalty_kpi_internal.redemptions_accum, MINVFUNC = loyalty_kpi_internal.redemptions_retract,
    MSTYPE = bigint[],
    MFINALFUNC = loyalty_kpi_internal.member_share_final, MFINALFUNC_MODIFY = READ_ONLY, MINITCOND = '{0,0,0}',
    PARALLEL = SAFE);
COMMENT ON AGGREGATE @extschema@.redemption_participation(bigint) IS
    'Share of members with at least one redemption, %. NULL counts are skipped; NULL when there is none.';

CREATE AGGREGATE @extschema@.redemption_frequency(redemptions bigint) (
    SFUNC = loyalty_kpi_internal.redemptions_accum, STYPE = bigint[],
    FINALFUNC = loyalty_kpi_internal.member_mean_final, FINALFUNC_MODIFY = READ_ONLY,
    INITCOND = '{0,0,0}',
    COMBINEFUNC = loyalty_kpi_internal.member_counts_combine,
    MSFUNC = loyalty_kpi_internal.redemptions_accum, MINVFUNC = loyalty_kpi_internal.redemptions_retract,
    MSTYPE = bigint[],
    MFINALFUNC = loyalty_kpi_internal.member_mean_final, MFINALFUNC_MODIFY = READ_ONLY, MINITCOND = '{0,0,0}',
    PARALLEL = SAFE);
COMMENT ON AGGREGATE @extschema@.redemption_frequency(bigint) IS
    'Redemptions per member (a count, not a share). NULL when there is no member.';

-- active rate, bigint[7] = {members, active, as_of, window start, window time, day, month};
-- STABLE: a calendar window ('1 month') subtracts in the session's TimeZone
CREATE FUNCTION loyalty_kpi_internal.active_accum(bigint[], timestamptz, timestamptz, interval) RETURNS bigint[]
AS 'MODULE_PATHNAME', 'active_accum' LANGUAGE C STABLE PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.active_retract(bigint[], timestamptz, timestamptz, interval) RETURNS bigint[]
AS 'MODULE_PATHNAME', 'active_retract' LANGUAGE C STABLE PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.active_combine(bigint[], bigint[]) RETURNS bigint[]
AS 'MODULE_PATHNAME', 'active_combine' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.active_rate_final(bigint[]) RETURNS double precision
AS 'MODULE_PATHNAME', 'active_rate_final' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE AGGREGATE @extschema@.active_rate(last_activity_at timestamptz, as_of timestamptz, active_window interval) (
    SFUNC = loyalty_kpi_internal.active_accum, STYPE = bigint[],
    FINALFUNC = loyalty_kpi_internal.active_rate_final, FINALFUNC_MODIFY = READ_ONLY,
    INITCOND = '{0,0,0,0,0,0,0}',
    COMBINEFUNC = loyalty_kpi_internal.active_combine,
    MSFUNC = loyalty_kpi_internal.active_accum, MINVFUNC = loyalty_kpi_internal.active_retract,
    MSTYPE = bigint[],
    MFINALFUNC = loyalty_kpi_internal.active_rate_final, MFINALFUNC_MODIFY = READ_ONLY, MINITCOND = '{0,0,0,0,0,0,0}',
    PARALLEL = SAFE);
COMMENT ON AGGREGATE @extschema@.active_rate(timestamptz, timestamptz, interval) IS
    'Share of members whose last activity is in [as_of - window, as_of), %; a member with a NULL last activity is inactive. NULL when there is no member.';

-- points, float8[7] = {rows, redeemers, issued + compensation, redeemed + compensation, basis}
CREATE FUNCTION loyalty_kpi_internal.points_accum(double precision[], double precision, double precision)
RETURNS double precision[]
AS 'MODULE_PATHNAME', 'points_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.points_accum(double precision[], double precision, double precision, text)
RETURNS double precision[]
AS 'MODULE_PATHNAME', 'points_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.points_combine(double precision[], double precision[]) RETURNS double precision[]
AS 'MODULE_PATHNAME', 'points_combine' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.redemption_rate_final(double precision[]) RETURNS double precision
AS 'MODULE_PATHNAME', 'redemption_rate_final' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.breakage_final(double precision[]) RETURNS double precision
AS 'MODULE_PATHNAME', 'breakage_final' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE AGGREGATE @extschema@.redemption_rate(issued double precision, redeemed double precision, basis text) (
    SFUNC = loyalty_kpi_internal.points_accum, STYPE = double precision[],
    FINALFUNC = loyalty_kpi_internal.redemption_rate_final, FINALFUNC_MODIFY = READ_ONLY,
    INITCOND = '{0,0,0,0,0,0,0}',
    COMBINEFUNC = loyalty_kpi_internal.points_combine,
    PARALLEL = SAFE);
COMMENT ON AGGREGATE @extschema@.redemption_rate(double precision, double precision, text) IS
    'Redemption rate, %: basis ''members'' (members who redeemed / members), ''points'' or ''value'' (redeemed / issued). NULL when there is no row.';

CREATE AGGREGATE @extschema@.breakage(issued double precision, redeemed double precision) (
    SFUNC = loyalty_kpi_internal.points_accum, STYPE = double precision[],
    FINALFUNC = loyalty_kpi_internal.breakage_final, FINALFUNC_MODIFY = READ_ONLY,
    INITCOND = '{0,0,0,0,0,0,0}',
    COMBINEFUNC = loyalty_kpi_internal.points_combine,
    PARALLEL = SAFE);
COMMENT ON AGGREGATE @extschema@.breakage(double precision, double precision) IS
    'Share of issued points never redeemed, %: (issued - redeemed) / issued * 100, over one issue cohort. NULL when there is no row.';

CREATE FUNCTION @extschema@.points_liability(outstanding_points double precision, cost_per_point double precision, expected_redemption_rate double precision)
RETURNS double precision
AS 'MODULE_PATHNAME', 'points_liability' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.points_liability(double precision, double precision, double precision) IS
    'Liability of outstanding points: points x cost per point x expected redemption rate (%) / 100.';

-- tier distribution: one row per tier, in tier order
CREATE TYPE @extschema@.tier_share AS (
    tier    text,
    members bigint,
    share   double precision    -- members in the tier / all members * 100
);
COMMENT ON TYPE @extschema@.tier_share IS
    'One tier of tier_distribution: the tier, its members and their share (%).';

-- The state: a count per tier, a varlena updated in place, with a text
-- form that reads back exactly (for Citus).
CREATE TYPE @extschema@.tier_state;

CREATE FUNCTION loyalty_kpi_internal.tier_state_in(cstring) RETURNS @extschema@.tier_state
AS 'MODULE_PATHNAME', 'tier_state_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.tier_state_out(@extschema@.tier_state) RETURNS cstring
AS 'MODULE_PATHNAME', 'tier_state_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.tier_state_recv(internal) RETURNS @extschema@.tier_state
AS 'MODULE_PATHNAME', 'tier_state_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.tier_state_send(@extschema@.tier_state) RETURNS bytea
AS 'MODULE_PATHNAME', 'tier_state_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE @extschema@.tier_state (
    INPUT = loyalty_kpi_internal.tier_state_in, OUTPUT = loyalty_kpi_internal.tier_state_out,
    RECEIVE = loyalty_kpi_internal.tier_state_recv, SEND = loyalty_kpi_internal.tier_state_send,
    INTERNALLENGTH = VARIABLE, ALIGNMENT = double, STORAGE = extended);
COMMENT ON TYPE @extschema@.tier_state IS
    'Partial state of tier_distribution (a count per tier), for distributed aggregation; not meant to be read.';

CREATE FUNCTION @extschema@.tier_state_jsonb(state @extschema@.tier_state) RETURNS jsonb
AS 'MODULE_PATHNAME', 'tier_state_jsonb' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.tier_state_jsonb(@extschema@.tier_state) IS
    'A tier_state as jsonb: the members and each tier''s count, by tier name.';

CREATE CAST (@extschema@.tier_state AS jsonb) WITH FUNCTION @extschema@.tier_state_jsonb(@extschema@.tier_state);

CREATE FUNCTION loyalty_kpi_internal.tier_accum(@extschema@.tier_state, text) RETURNS @extschema@.tier_state
AS 'MODULE_PATHNAME', 'tier_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.tier_retract(@extschema@.tier_state, text) RETURNS @extschema@.tier_state
AS 'MODULE_PATHNAME', 'tier_retract' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.tier_combine(@extschema@.tier_state, @extschema@.tier_state)
RETURNS @extschema@.tier_state
AS 'MODULE_PATHNAME', 'tier_combine' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.tier_distribution_final(@extschema@.tier_state) RETURNS @extschema@.tier_share[]
AS 'MODULE_PATHNAME', 'tier_distribution_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE AGGREGATE @extschema@.tier_distribution(tier text) (
    SFUNC = loyalty_kpi_internal.tier_accum, STYPE = @extschema@.tier_state,
    FINALFUNC = loyalty_kpi_internal.tier_distribution_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = loyalty_kpi_internal.tier_combine,
    MSFUNC = loyalty_kpi_internal.tier_accum, MINVFUNC = loyalty_kpi_internal.tier_retract,
    MSTYPE = @extschema@.tier_state,
    MFINALFUNC = loyalty_kpi_internal.tier_distribution_final, MFINALFUNC_MODIFY = READ_ONLY,
    PARALLEL = SAFE);
COMMENT ON AGGREGATE @extschema@.tier_distribution(text) IS
    'Members in each tier and their share, %, as an array of tier_share: text tiers in collation order, enum tiers in the enum''s order. NULL when there is no member.';

-- over an enum: tiers in the enum's order; the final function's extra
-- argument carries the enum type
CREATE FUNCTION loyalty_kpi_internal.tier_accum(@extschema@.tier_state, anyenum) RETURNS @extschema@.tier_state
AS 'MODULE_PATHNAME', 'tier_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.tier_retract(@extschema@.tier_state, anyenum) RETURNS @extschema@.tier_state
AS 'MODULE_PATHNAME', 'tier_retract' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.tier_distribution_final(@extschema@.tier_state, anyenum)
RETURNS @extschema@.tier_share[]
AS 'MODULE_PATHNAME', 'tier_distribution_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE AGGREGATE @extschema@.tier_distribution(tier anyenum) (
    SFUNC = loyalty_kpi_internal.tier_accum, STYPE = @extschema@.tier_state,
    FINALFUNC = loyalty_kpi_internal.tier_distribution_final, FINALFUNC_EXTRA, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = loyalty_kpi_internal.tier_combine,
    MSFUNC = loyalty_kpi_internal.tier_accum, MINVFUNC = loyalty_kpi_internal.tier_retract,
    MSTYPE = @extschema@.tier_state,
    MFINALFUNC = loyalty_kpi_internal.tier_distribution_final, MFINALFUNC_EXTRA, MFINALFUNC_MODIFY = READ_ONLY,
    PARALLEL = SAFE);
COMMENT ON AGGREGATE @extschema@.tier_distribution(anyenum) IS
    'Members in each tier and their share, %, as an array of tier_share: text tiers in collation order, enum tiers in the enum''s order. NULL when there is no member.';

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
COMMENT ON TYPE @extschema@.spend_lift IS
    'Result of member_lift: counts and means of both arms, the lift (%), Welch''s t statistic, degrees of freedom and two-sided p-value.';

CREATE FUNCTION loyalty_kpi_internal.lift_accum(double precision[], double precision, boolean)
RETURNS double precision[]
AS 'MODULE_PATHNAME', 'lift_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.lift_combine(double precision[], double precision[]) RETURNS double precision[]
AS 'MODULE_PATHNAME', 'lift_combine' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.member_lift_final(double precision[]) RETURNS @extschema@.spend_lift
AS 'MODULE_PATHNAME', 'member_lift_final' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE AGGREGATE @extschema@.member_lift(spend double precision, is_member boolean) (
    SFUNC = loyalty_kpi_internal.lift_accum, STYPE = double precision[],
    FINALFUNC = loyalty_kpi_internal.member_lift_final, FINALFUNC_MODIFY = READ_ONLY,
    INITCOND = '{0,0,0,0,0,0}',
    COMBINEFUNC = loyalty_kpi_internal.lift_combine,
    PARALLEL = SAFE);
COMMENT ON AGGREGATE @extschema@.member_lift(double precision, boolean) IS
    'Members'' mean spend over the others'', % (lift), with Welch''s unequal-variance t test and its two-sided p-value, as a spend_lift row. NULL when there is no row.';
