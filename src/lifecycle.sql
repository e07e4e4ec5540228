/* ---------------------------------------------------------------------
 * Customer-base KPIs from lifecycle dates (src/lifecycle.c): retention and
 * churn for a period [start, end), and a series of periods in one scan.
 * ---------------------------------------------------------------------
 */

-- the formula alone, from counts: S at the start, E at the end, N new
CREATE FUNCTION @extschema@.retention_rate(start_count bigint, end_count bigint, new_count bigint)
RETURNS double precision
AS 'MODULE_PATHNAME', 'retention_rate_from_counts' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.retention_rate(bigint, bigint, bigint) IS
    'Customer retention rate of [period_start, period_end), %: (E - N) / S * 100, from one (acquired_at, churned_at) row per customer or from the counts S, E, N. The aggregate gives NULL when S = 0.';

CREATE FUNCTION @extschema@.churn_rate(start_count bigint, end_count bigint, new_count bigint)
RETURNS double precision
AS 'MODULE_PATHNAME', 'churn_rate_from_counts' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.churn_rate(bigint, bigint, bigint) IS
    'Customer churn rate of the period, %: lost / (S + N) * 100 (basis ''all'', the default) or lost / S * 100 (basis ''start''), from customer rows or counts. NULL when the base is 0, or for NULL counts.';

-- not STRICT: a NULL basis is an error, not a NULL rate
CREATE FUNCTION @extschema@.churn_rate(start_count bigint, end_count bigint, new_count bigint, basis text)
RETURNS double precision
AS 'MODULE_PATHNAME', 'churn_rate_from_counts' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.churn_rate(bigint, bigint, bigint, text) IS
    'Customer churn rate of the period, %: lost / (S + N) * 100 (basis ''all'', the default) or lost / S * 100 (basis ''start''), from customer rows or counts. NULL when the base is 0, or for NULL counts.';

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
COMMENT ON TYPE @extschema@.customer_period IS
    'One period of retention_series: bounds, start, new, end, lost and retained counts, retention and churn rates (%), churn reduction and growth.';

-- The aggregates' state: counts per period, a varlena updated in place.
-- A real type whose text form reads back exactly (timestamps as integer
-- microseconds) is what Citus needs to aggregate on its workers.
CREATE TYPE @extschema@.lifecycle_state;

CREATE FUNCTION loyalty_kpi_internal.lifecycle_state_in(cstring) RETURNS @extschema@.lifecycle_state
AS 'MODULE_PATHNAME', 'lifecycle_state_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.lifecycle_state_out(@extschema@.lifecycle_state) RETURNS cstring
AS 'MODULE_PATHNAME', 'lifecycle_state_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.lifecycle_state_recv(internal) RETURNS @extschema@.lifecycle_state
AS 'MODULE_PATHNAME', 'lifecycle_state_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.lifecycle_state_send(@extschema@.lifecycle_state) RETURNS bytea
AS 'MODULE_PATHNAME', 'lifecycle_state_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE @extschema@.lifecycle_state (
    INPUT = loyalty_kpi_internal.lifecycle_state_in, OUTPUT = loyalty_kpi_internal.lifecycle_state_out,
    RECEIVE = loyalty_kpi_internal.lifecycle_state_recv, SEND = loyalty_kpi_internal.lifecycle_state_send,
    INTERNALLENGTH = VARIABLE, ALIGNMENT = double, STORAGE = extended);
COMMENT ON TYPE @extschema@.lifecycle_state IS
    'Partial state of retention_rate, churn_rate and retention_series (counts per period), for distributed aggregation; not meant to be read.';

CREATE FUNCTION @extschema@.lifecycle_state_jsonb(state @extschema@.lifecycle_state) RETURNS jsonb
AS 'MODULE_PATHNAME', 'lifecycle_state_jsonb' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.lifecycle_state_jsonb(@extschema@.lifecycle_state) IS
    'A lifecycle_state as jsonb: rows, period bounds (microseconds since 2000), step, basis, grid and the per-period difference arrays.';
CREATE CAST (@extschema@.lifecycle_state AS jsonb) WITH FUNCTION @extschema@.lifecycle_state_jsonb(@extschema@.lifecycle_state);

-- One transition pair for all four aggregates: the C reads the arguments
-- after the dates (a basis, a step) by their number.
CREATE FUNCTION loyalty_kpi_internal.lifecycle_accum(@extschema@.lifecycle_state, timestamptz, timestamptz, timestamptz, timestamptz)
RETURNS @extschema@.lifecycle_state
AS 'MODULE_PATHNAME', 'lifecycle_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.lifecycle_retract(@extschema@.lifecycle_state, timestamptz, timestamptz, timestamptz, timestamptz)
RETURNS @extschema@.lifecycle_state
AS 'MODULE_PATHNAME', 'lifecycle_retract' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.lifecycle_accum(@extschema@.lifecycle_state, timestamptz, timestamptz, timestamptz, timestamptz, text)
RETURNS @extschema@.lifecycle_state
AS 'MODULE_PATHNAME', 'lifecycle_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.lifecycle_retract(@extschema@.lifecycle_state, timestamptz, timestamptz, timestamptz, timestamptz, text)
RETURNS @extschema@.lifecycle_state
AS 'MODULE_PATHNAME', 'lifecycle_retract' LANGUAGE C IMMUTABLE PARALLEL SAFE;

-- STABLE: calendar steps ('1 month') add in the session's TimeZone
CREATE FUNCTION loyalty_kpi_internal.lifecycle_accum(@extschema@.lifecycle_state, timestamptz, timestamptz, timestamptz, timestamptz, interval)
RETURNS @extschema@.lifecycle_state
AS 'MODULE_PATHNAME', 'lifecycle_accum' LANGUAGE C STABLE PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.lifecycle_retract(@extschema@.lifecycle_state, timestamptz, timestamptz, timestamptz, timestamptz, interval)
RETURNS @extschema@.lifecycle_state
AS 'MODULE_PATHNAME', 'lifecycle_retract' LANGUAGE C STABLE PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.lifecycle_combine(@extschema@.lifecycle_state, @extschema@.lifecycle_state)
RETURNS @extschema@.lifecycle_state
AS 'MODULE_PATHNAME', 'lifecycle_combine' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.retention_rate_final(@extschema@.lifecycle_state) RETURNS double precision
AS 'MODULE_PATHNAME', 'retention_rate_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.churn_rate_final(@extschema@.lifecycle_state) RETURNS double precision
AS 'MODULE_PATHNAME', 'churn_rate_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.retention_series_final(@extschema@.lifecycle_state) RETURNS @extschema@.customer_period[]
AS 'MODULE_PATHNAME', 'retention_series_final' LANGUAGE C STABLE PARALLEL SAFE;

CREATE AGGREGATE @extschema@.retention_rate(acquired_at timestamptz, churned_at timestamptz,
                                            period_start timestamptz, period_end timestamptz) (
    SFUNC = loyalty_kpi_internal.lifecycle_accum, STYPE = @extschema@.lifecycle_state,
    FINALFUNC = loyalty_kpi_internal.retention_rate_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = loyalty_kpi_internal.lifecycle_combine,
    MSFUNC = loyalty_kpi_internal.lifecycle_accum, MINVFUNC = loyalty_kpi_internal.lifecycle_retract,
    MSTYPE = @extschema@.lifecycle_state,
    MFINALFUNC = loyalty_kpi_internal.retention_rate_final, MFINALFUNC_MODIFY = READ_ONLY,
    PARALLEL = SAFE);
COMMENT ON AGGREGATE @extschema@.retention_rate(timestamptz, timestamptz, timestamptz, timestamptz) IS
    'Customer retention rate of [period_start, period_end), %: (E - N) / S * 100, from one (acquired_at, churned_at) row per customer or from the counts S, E, N. The aggregate gives NULL when S = 0.';

CREATE AGGREGATE @extschema@.churn_rate(acquired_at timestamptz, churned_at timestamptz,
                                        period_start timestamptz, period_end timestamptz) (
    SFUNC = loyalty_kpi_internal.lifecycle_accum, STYPE = @extschema@.lifecycle_state,
    FINALFUNC = loyalty_kpi_internal.churn_rate_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = loyalty_kpi_internal.lifecycle_combine,
    MSFUNC = loyalty_kpi_internal.lifecycle_accum, MINVFUNC = loyalty_kpi_internal.lifecycle_retract,
    MSTYPE = @extschema@.lifecycle_state,
    MFINALFUNC = loyalty_kpi_internal.churn_rate_final, MFINALFUNC_MODIFY = READ_ONLY,
    PARALLEL = SAFE);
COMMENT ON AGGREGATE @extschema@.churn_rate(timestamptz, timestamptz, timestamptz, timestamptz) IS
    'Customer churn rate of the period, %: lost / (S + N) * 100 (basis ''all'', the default) or lost / S * 100 (basis ''start''), from customer rows or counts. NULL when the base is 0, or for NULL counts.';

CREATE AGGREGATE @extschema@.churn_rate(acquired_at timestamptz, churned_at timestamptz,
                                        period_start timestamptz, period_end timestamptz, basis text) (
    SFUNC = loyalty_kpi_internal.lifecycle_accum, STYPE = @extschema@.lifecycle_state,
    FINALFUNC = loyalty_kpi_internal.churn_rate_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = loyalty_kpi_internal.lifecycle_combine,
    MSFUNC = loyalty_kpi_internal.lifecycle_accum, MINVFUNC = loyalty_kpi_internal.lifecycle_retract,
    MSTYPE = @extschema@.lifecycle_state,
    MFINALFUNC = loyalty_kpi_internal.churn_rate_final, MFINALFUNC_MODIFY = READ_ONLY,
    PARALLEL = SAFE);
COMMENT ON AGGREGATE @extschema@.churn_rate(timestamptz, timestamptz, timestamptz, timestamptz, text) IS
    'Customer churn rate of the period, %: lost / (S + N) * 100 (basis ''all'', the default) or lost / S * 100 (basis ''start''), from customer rows or counts. NULL when the base is 0, or for NULL counts.';

CREATE AGGREGATE @extschema@.retention_series(acquired_at timestamptz, churned_at timestamptz,
                                              first_start timestamptz, last_end timestamptz, step interval) (
    SFUNC = loyalty_kpi_internal.lifecycle_accum, STYPE = @extschema@.lifecycle_state,
    FINALFUNC = loyalty_kpi_internal.retention_series_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = loyalty_kpi_internal.lifecycle_combine,
    MSFUNC = loyalty_kpi_internal.lifecycle_accum, MINVFUNC = loyalty_kpi_internal.lifecycle_retract,
    MSTYPE = @extschema@.lifecycle_state,
    MFINALFUNC = loyalty_kpi_internal.retention_series_final, MFINALFUNC_MODIFY = READ_ONLY,
    PARALLEL = SAFE);
COMMENT ON AGGREGATE @extschema@.retention_series(timestamptz, timestamptz, timestamptz, timestamptz, interval) IS
    'For every period first_start + k * step before last_end, from one scan: start, new, end, lost and retained counts and the rates, as an array of customer_period. NULL when no row has an acquisition date.';

-- N-period retention of a signup cohort (1.12): each customer measured at
-- acquired_at + after; the state is two counts (measured, retained) as a
-- float8[2], a built-in type whose text reads back exactly (Citus).
-- STABLE: '3 months' adds in the session's TimeZone.
CREATE FUNCTION loyalty_kpi_internal.retention_after_accum(double precision[], timestamptz, timestamptz,
                                                           interval, timestamptz)
RETURNS double precision[]
AS 'MODULE_PATHNAME', 'retention_after_accum' LANGUAGE C STABLE PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.retention_after_retract(double precision[], timestamptz, timestamptz,
                                                             interval, timestamptz)
RETURNS double precision[]
AS 'MODULE_PATHNAME', 'retention_after_retract' LANGUAGE C STABLE PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.retention_after_combine(double precision[], double precision[])
RETURNS double precision[]
AS 'MODULE_PATHNAME', 'retention_after_combine' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.retention_after_final(double precision[]) RETURNS double precision
AS 'MODULE_PATHNAME', 'retention_after_final' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE AGGREGATE @extschema@.retention_after(acquired_at timestamptz, churned_at timestamptz,
                                             after interval, as_of timestamptz) (
    SFUNC = loyalty_kpi_internal.retention_after_accum, STYPE = double precision[], INITCOND = '{0,0}',
    FINALFUNC = loyalty_kpi_internal.retention_after_final,
    COMBINEFUNC = loyalty_kpi_internal.retention_after_combine,
    MSFUNC = loyalty_kpi_internal.retention_after_accum, MINVFUNC = loyalty_kpi_internal.retention_after_retract,
    MSTYPE = double precision[], MINITCOND = '{0,0}',
    MFINALFUNC = loyalty_kpi_internal.retention_after_final,
    PARALLEL = SAFE);
COMMENT ON AGGREGATE @extschema@.retention_after(timestamptz, timestamptz, interval, timestamptz) IS
    'N-period retention, %: of the customers acquired at least `after` before as_of, the share still customers `after` their own acquisition (churned_at NULL or later than acquired_at + after). GROUP BY the signup cohort for "3-month retention per cohort". NULL when no customer is measurable yet.';
