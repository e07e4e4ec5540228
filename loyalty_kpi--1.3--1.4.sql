/*
 * loyalty_kpi 1.3 -> 1.4: real state types for the aggregates whose state
 * does not grow with the number of customers.
 *
 * retention_rate, churn_rate and retention_series keep their counts in
 * lifecycle_state, tier_distribution its tiers in tier_state, instead of
 * internal.  A real state type with text I/O that reads back exactly is
 * what Citus needs to aggregate partially on its workers (it ships each
 * worker's state to the coordinator as text and combines there); parallel
 * query now moves the state itself, so the serialize and deserialize
 * functions go.  The aggregates keep their signatures and results, so
 * views that use them keep working.
 *
 * The stored models move to format 2 (src/models.c): room for any number
 * of parameters, and the time unit a BG/NBD fit was given, with
 * bgnbd_fit(..., time_unit) to record it, time_unit(model) to read it, and
 * predictions that take the caller's time unit to check it.  Format-1
 * values, on disk or in text, still read.
 */

\echo Use "ALTER EXTENSION loyalty_kpi UPDATE TO '1.4'" to load this file. \quit

-- lifecycle_state (src/lifecycle.c)

CREATE TYPE @extschema@.lifecycle_state;

CREATE FUNCTION @extschema@.lifecycle_state_in(cstring) RETURNS @extschema@.lifecycle_state
AS 'MODULE_PATHNAME', 'lifecycle_state_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION @extschema@.lifecycle_state_out(@extschema@.lifecycle_state) RETURNS cstring
AS 'MODULE_PATHNAME', 'lifecycle_state_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION @extschema@.lifecycle_state_recv(internal) RETURNS @extschema@.lifecycle_state
AS 'MODULE_PATHNAME', 'lifecycle_state_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION @extschema@.lifecycle_state_send(@extschema@.lifecycle_state) RETURNS bytea
AS 'MODULE_PATHNAME', 'lifecycle_state_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE @extschema@.lifecycle_state (
    INPUT = @extschema@.lifecycle_state_in, OUTPUT = @extschema@.lifecycle_state_out,
    RECEIVE = @extschema@.lifecycle_state_recv, SEND = @extschema@.lifecycle_state_send,
    INTERNALLENGTH = VARIABLE, ALIGNMENT = double, STORAGE = extended);

CREATE FUNCTION @extschema@.lifecycle_accum(@extschema@.lifecycle_state, timestamptz, timestamptz, timestamptz, timestamptz)
RETURNS @extschema@.lifecycle_state
AS 'MODULE_PATHNAME', 'lifecycle_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION @extschema@.lifecycle_retract(@extschema@.lifecycle_state, timestamptz, timestamptz, timestamptz, timestamptz)
RETURNS @extschema@.lifecycle_state
AS 'MODULE_PATHNAME', 'lifecycle_retract' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION @extschema@.lifecycle_accum(@extschema@.lifecycle_state, timestamptz, timestamptz, timestamptz, timestamptz, text)
RETURNS @extschema@.lifecycle_state
AS 'MODULE_PATHNAME', 'lifecycle_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION @extschema@.lifecycle_retract(@extschema@.lifecycle_state, timestamptz, timestamptz, timestamptz, timestamptz, text)
RETURNS @extschema@.lifecycle_state
AS 'MODULE_PATHNAME', 'lifecycle_retract' LANGUAGE C IMMUTABLE PARALLEL SAFE;

-- calendar steps depend on the session's TimeZone
CREATE FUNCTION @extschema@.lifecycle_accum(@extschema@.lifecycle_state, timestamptz, timestamptz, timestamptz, timestamptz, interval)
RETURNS @extschema@.lifecycle_state
AS 'MODULE_PATHNAME', 'lifecycle_accum' LANGUAGE C STABLE PARALLEL SAFE;

CREATE FUNCTION @extschema@.lifecycle_retract(@extschema@.lifecycle_state, timestamptz, timestamptz, timestamptz, timestamptz, interval)
RETURNS @extschema@.lifecycle_state
AS 'MODULE_PATHNAME', 'lifecycle_retract' LANGUAGE C STABLE PARALLEL SAFE;

CREATE FUNCTION @extschema@.lifecycle_combine(@extschema@.lifecycle_state, @extschema@.lifecycle_state)
RETURNS @extschema@.lifecycle_state
AS 'MODULE_PATHNAME', 'lifecycle_combine' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION @extschema@.retention_rate_final(@extschema@.lifecycle_state) RETURNS double precision
AS 'MODULE_PATHNAME', 'retention_rate_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION @extschema@.churn_rate_final(@extschema@.lifecycle_state) RETURNS double precision
AS 'MODULE_PATHNAME', 'churn_rate_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION @extschema@.retention_series_final(@extschema@.lifecycle_state) RETURNS @extschema@.customer_period[]
AS 'MODULE_PATHNAME', 'retention_series_final' LANGUAGE C STABLE PARALLEL SAFE;

CREATE OR REPLACE AGGREGATE @extschema@.retention_rate(acquired_at timestamptz, churned_at timestamptz,
                                                       period_start timestamptz, period_end timestamptz) (
    SFUNC = @extschema@.lifecycle_accum, STYPE = @extschema@.lifecycle_state,
    FINALFUNC = @extschema@.retention_rate_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = @extschema@.lifecycle_combine,
    MSFUNC = @extschema@.lifecycle_accum, MINVFUNC = @extschema@.lifecycle_retract,
    MSTYPE = @extschema@.lifecycle_state,
    MFINALFUNC = @extschema@.retention_rate_final, MFINALFUNC_MODIFY = READ_ONLY,
    PARALLEL = SAFE);

CREATE OR REPLACE AGGREGATE @extschema@.churn_rate(acquired_at timestamptz, churned_at timestamptz,
                                                   period_start timestamptz, period_end timestamptz) (
    SFUNC = @extschema@.lifecycle_accum, STYPE = @extschema@.lifecycle_state,
    FINALFUNC = @extschema@.churn_rate_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = @extschema@.lifecycle_combine,
    MSFUNC = @extschema@.lifecycle_accum, MINVFUNC = @extschema@.lifecycle_retract,
    MSTYPE = @extschema@.lifecycle_state,
    MFINALFUNC = @extschema@.churn_rate_final, MFINALFUNC_MODIFY = READ_ONLY,
    PARALLEL = SAFE);

CREATE OR REPLACE AGGREGATE @extschema@.churn_rate(acquired_at timestamptz, churned_at timestamptz,
                                                   period_start timestamptz, period_end timestamptz, basis text) (
    SFUNC = @extschema@.lifecycle_accum, STYPE = @extschema@.lifecycle_state,
    FINALFUNC = @extschema@.churn_rate_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = @extschema@.lifecycle_combine,
    MSFUNC = @extschema@.lifecycle_accum, MINVFUNC = @extschema@.lifecycle_retract,
    MSTYPE = @extschema@.lifecycle_state,
    MFINALFUNC = @extschema@.churn_rate_final, MFINALFUNC_MODIFY = READ_ONLY,
    PARALLEL = SAFE);

CREATE OR REPLACE AGGREGATE @extschema@.retention_series(acquired_at timestamptz, churned_at timestamptz,
                                                         first_start timestamptz, last_end timestamptz, step interval) (
    SFUNC = @extschema@.lifecycle_accum, STYPE = @extschema@.lifecycle_state,
    FINALFUNC = @extschema@.retention_series_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = @extschema@.lifecycle_combine,
    MSFUNC = @extschema@.lifecycle_accum, MINVFUNC = @extschema@.lifecycle_retract,
    MSTYPE = @extschema@.lifecycle_state,
    MFINALFUNC = @extschema@.retention_series_final, MFINALFUNC_MODIFY = READ_ONLY,
    PARALLEL = SAFE);

DROP FUNCTION @extschema@.lifecycle_accum(internal, timestamptz, timestamptz, timestamptz, timestamptz);
DROP FUNCTION @extschema@.lifecycle_retract(internal, timestamptz, timestamptz, timestamptz, timestamptz);
DROP FUNCTION @extschema@.lifecycle_accum(internal, timestamptz, timestamptz, timestamptz, timestamptz, text);
DROP FUNCTION @extschema@.lifecycle_retract(internal, timestamptz, timestamptz, timestamptz, timestamptz, text);
DROP FUNCTION @extschema@.lifecycle_accum(internal, timestamptz, timestamptz, timestamptz, timestamptz, interval);
DROP FUNCTION @extschema@.lifecycle_retract(internal, timestamptz, timestamptz, timestamptz, timestamptz, interval);
DROP FUNCTION @extschema@.lifecycle_combine(internal, internal);
DROP FUNCTION @extschema@.lifecycle_serialize(internal);
DROP FUNCTION @extschema@.lifecycle_deserialize(bytea, internal);
DROP FUNCTION @extschema@.retention_rate_final(internal);
DROP FUNCTION @extschema@.churn_rate_final(internal);
DROP FUNCTION @extschema@.retention_series_final(internal);

-- tier_state (src/program.c)

CREATE TYPE @extschema@.tier_state;

CREATE FUNCTION @extschema@.tier_state_in(cstring) RETURNS @extschema@.tier_state
AS 'MODULE_PATHNAME', 'tier_state_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION @extschema@.tier_state_out(@extschema@.tier_state) RETURNS cstring
AS 'MODULE_PATHNAME', 'tier_state_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION @extschema@.tier_state_recv(internal) RETURNS @extschema@.tier_state
AS 'MODULE_PATHNAME', 'tier_state_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION @extschema@.tier_state_send(@extschema@.tier_state) RETURNS bytea
AS 'MODULE_PATHNAME', 'tier_state_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE @extschema@.tier_state (
    INPUT = @extschema@.tier_state_in, OUTPUT = @extschema@.tier_state_out,
    RECEIVE = @extschema@.tier_state_recv, SEND = @extschema@.tier_state_send,
    INTERNALLENGTH = VARIABLE, ALIGNMENT = double, STORAGE = extended);

CREATE FUNCTION @extschema@.tier_accum(@extschema@.tier_state, text) RETURNS @extschema@.tier_state
AS 'MODULE_PATHNAME', 'tier_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION @extschema@.tier_retract(@extschema@.tier_state, text) RETURNS @extschema@.tier_state
AS 'MODULE_PATHNAME', 'tier_retract' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION @extschema@.tier_combine(@extschema@.tier_state, @extschema@.tier_state) RETURNS @extschema@.tier_state
AS 'MODULE_PATHNAME', 'tier_combine' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION @extschema@.tier_distribution_final(@extschema@.tier_state) RETURNS @extschema@.tier_share[]
AS 'MODULE_PATHNAME', 'tier_distribution_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE OR REPLACE AGGREGATE @extschema@.tier_distribution(tier text) (
    SFUNC = @extschema@.tier_accum, STYPE = @extschema@.tier_state,
    FINALFUNC = @extschema@.tier_distribution_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = @extschema@.tier_combine,
    MSFUNC = @extschema@.tier_accum, MINVFUNC = @extschema@.tier_retract, MSTYPE = @extschema@.tier_state,
    MFINALFUNC = @extschema@.tier_distribution_final, MFINALFUNC_MODIFY = READ_ONLY,
    PARALLEL = SAFE);

DROP FUNCTION @extschema@.tier_accum(internal, text);
DROP FUNCTION @extschema@.tier_retract(internal, text);
DROP FUNCTION @extschema@.tier_combine(internal, internal);
DROP FUNCTION @extschema@.tier_serialize(internal);
DROP FUNCTION @extschema@.tier_deserialize(bytea, internal);
DROP FUNCTION @extschema@.tier_distribution_final(internal);

-- as 1.3 did for the others: support functions are the aggregates' own
REVOKE EXECUTE ON FUNCTION
    @extschema@.lifecycle_accum(@extschema@.lifecycle_state, timestamptz, timestamptz, timestamptz, timestamptz),
    @extschema@.lifecycle_retract(@extschema@.lifecycle_state, timestamptz, timestamptz, timestamptz, timestamptz),
    @extschema@.lifecycle_accum(@extschema@.lifecycle_state, timestamptz, timestamptz, timestamptz, timestamptz, text),
    @extschema@.lifecycle_retract(@extschema@.lifecycle_state, timestamptz, timestamptz, timestamptz, timestamptz, text),
    @extschema@.lifecycle_accum(@extschema@.lifecycle_state, timestamptz, timestamptz, timestamptz, timestamptz, interval),
    @extschema@.lifecycle_retract(@extschema@.lifecycle_state, timestamptz, timestamptz, timestamptz, timestamptz, interval),
    @extschema@.lifecycle_combine(@extschema@.lifecycle_state, @extschema@.lifecycle_state),
    @extschema@.retention_rate_final(@extschema@.lifecycle_state),
    @extschema@.churn_rate_final(@extschema@.lifecycle_state),
    @extschema@.retention_series_final(@extschema@.lifecycle_state),
    @extschema@.tier_accum(@extschema@.tier_state, text),
    @extschema@.tier_retract(@extschema@.tier_state, text),
    @extschema@.tier_combine(@extschema@.tier_state, @extschema@.tier_state),
    @extschema@.tier_distribution_final(@extschema@.tier_state)
FROM PUBLIC;

-- the stored models' time unit (src/models.c)

CREATE FUNCTION @extschema@.bgnbd_fit_accum(internal, double precision, double precision, double precision,
                                            interval)
RETURNS internal
AS 'MODULE_PATHNAME', 'bgnbd_fit_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.bgnbd_fit_accum(internal, double precision, double precision, double precision,
                                            double precision, interval)
RETURNS internal
AS 'MODULE_PATHNAME', 'bgnbd_fit_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
REVOKE EXECUTE ON FUNCTION
    @extschema@.bgnbd_fit_accum(internal, double precision, double precision, double precision, interval),
    @extschema@.bgnbd_fit_accum(internal, double precision, double precision, double precision, double precision, interval)
FROM PUBLIC;

CREATE AGGREGATE @extschema@.bgnbd_fit(frequency double precision, recency double precision,
                                       age double precision, time_unit interval) (
    SFUNC = @extschema@.bgnbd_fit_accum, STYPE = internal,
    FINALFUNC = @extschema@.bgnbd_fit_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = @extschema@.fit_combine,
    SERIALFUNC = @extschema@.fit_serialize, DESERIALFUNC = @extschema@.fit_deserialize,
    PARALLEL = SAFE
);
CREATE AGGREGATE @extschema@.bgnbd_fit(frequency double precision, recency double precision,
                                       age double precision, customers double precision, time_unit interval) (
    SFUNC = @extschema@.bgnbd_fit_accum, STYPE = internal,
    FINALFUNC = @extschema@.bgnbd_fit_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = @extschema@.fit_combine,
    SERIALFUNC = @extschema@.fit_serialize, DESERIALFUNC = @extschema@.fit_deserialize,
    PARALLEL = SAFE
);

CREATE FUNCTION @extschema@.time_unit(@extschema@.bgnbd_model) RETURNS interval
AS 'MODULE_PATHNAME', 'model_time_unit' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- the predictions, given the unit their times are in: checked against the model's
CREATE FUNCTION @extschema@.expected_purchases(model @extschema@.bgnbd_model, t double precision,
                                               frequency double precision, recency double precision,
                                               age double precision, time_unit interval)
RETURNS double precision
AS 'MODULE_PATHNAME', 'bgnbd_expected_purchases' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION @extschema@.expected_purchases(model @extschema@.bgnbd_model, t double precision,
                                               time_unit interval)
RETURNS double precision
AS 'MODULE_PATHNAME', 'bgnbd_expected_purchases_new' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION @extschema@.probability_alive(model @extschema@.bgnbd_model, frequency double precision,
                                              recency double precision, age double precision,
                                              time_unit interval)
RETURNS double precision
AS 'MODULE_PATHNAME', 'bgnbd_probability_alive' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION @extschema@.predicted_clv(purchases @extschema@.bgnbd_model, spend @extschema@.gamma_gamma_model,
                                          frequency double precision, recency double precision,
                                          age double precision, monetary_value double precision,
                                          periods integer, period_length double precision,
                                          discount_rate double precision, time_unit interval)
RETURNS double precision
AS 'MODULE_PATHNAME', 'predicted_clv' LANGUAGE C IMMUTABLE PARALLEL SAFE;

-- Survey answers as real and double precision (src/survey.c): the same
-- whole-number and range checks as numeric, so 7.5 is an error, not the 8
-- that a cast to integer would make of it.  The overloads are generated:
-- each kind has a transition pair and a direct and a summary aggregate.
DO $$
DECLARE
    kind record;
    t text;
    args text;
BEGIN
    FOR kind IN SELECT * FROM (VALUES
        ('nps', 1, false, 'nps_agg', 'nps', 'nps_summary'),
        ('csat', 1, true, 'csat_agg', 'csat', 'csat_summary'),
        ('ces', 1, false, 'ces_agg', 'ces', 'ces_summary'),
        ('cli', 3, false, 'cli_score', 'cli', 'cli_summary'))
        AS k(name, answers, scale, direct, accessor, summary)
    LOOP
        FOREACH t IN ARRAY ARRAY['real', 'double precision'] LOOP
            args := pg_catalog.array_to_string(pg_catalog.array_fill(t, ARRAY[kind.answers]), ', ')
                    || CASE WHEN kind.scale THEN ', integer' ELSE '' END;
            EXECUTE pg_catalog.format(
                'CREATE FUNCTION @extschema@.%1$s_accum(@extschema@.survey_summary, %2$s) '
                'RETURNS @extschema@.survey_summary AS ''MODULE_PATHNAME'', ''%1$s_accum'' '
                'LANGUAGE C IMMUTABLE PARALLEL SAFE', kind.name, args);
            EXECUTE pg_catalog.format(
                'CREATE FUNCTION @extschema@.%1$s_retract(@extschema@.survey_summary, %2$s) '
                'RETURNS @extschema@.survey_summary AS ''MODULE_PATHNAME'', ''%1$s_retract'' '
                'LANGUAGE C IMMUTABLE PARALLEL SAFE', kind.name, args);
            EXECUTE pg_catalog.format(
                'REVOKE EXECUTE ON FUNCTION @extschema@.%1$s_accum(@extschema@.survey_summary, %2$s), '
                '@extschema@.%1$s_retract(@extschema@.survey_summary, %2$s) FROM PUBLIC', kind.name, args);
            EXECUTE pg_catalog.format(
                'CREATE AGGREGATE @extschema@.%1$s(%2$s) ('
                'SFUNC = @extschema@.%3$s_accum, STYPE = @extschema@.survey_summary, '
                'FINALFUNC = @extschema@.%4$s, FINALFUNC_MODIFY = READ_ONLY, '
                'COMBINEFUNC = @extschema@.survey_combine, '
                'MSFUNC = @extschema@.%3$s_accum, MINVFUNC = @extschema@.%3$s_retract, '
                'MSTYPE = @extschema@.survey_summary, '
                'MFINALFUNC = @extschema@.%4$s, MFINALFUNC_MODIFY = READ_ONLY, PARALLEL = SAFE)',
                kind.direct, args, kind.name, kind.accessor);
            EXECUTE pg_catalog.format(
                'CREATE AGGREGATE @extschema@.%1$s(%2$s) ('
                'SFUNC = @extschema@.%3$s_accum, STYPE = @extschema@.survey_summary, '
                'FINALFUNC = @extschema@.survey_summary_final, FINALFUNC_MODIFY = READ_ONLY, '
                'COMBINEFUNC = @extschema@.survey_combine, '
                'MSFUNC = @extschema@.%3$s_accum, MINVFUNC = @extschema@.%3$s_retract, '
                'MSTYPE = @extschema@.survey_summary, '
                'MFINALFUNC = @extschema@.survey_summary_final, MFINALFUNC_MODIFY = READ_ONLY, PARALLEL = SAFE)',
                kind.summary, args, kind.name);
        END LOOP;
    END LOOP;
END
$$;

-- tier_distribution over an enum: tiers in the enum's order (src/program.c)
CREATE FUNCTION @extschema@.tier_accum(@extschema@.tier_state, anyenum) RETURNS @extschema@.tier_state
AS 'MODULE_PATHNAME', 'tier_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION @extschema@.tier_retract(@extschema@.tier_state, anyenum) RETURNS @extschema@.tier_state
AS 'MODULE_PATHNAME', 'tier_retract' LANGUAGE C IMMUTABLE PARALLEL SAFE;

REVOKE EXECUTE ON FUNCTION @extschema@.tier_accum(@extschema@.tier_state, anyenum),
    @extschema@.tier_retract(@extschema@.tier_state, anyenum) FROM PUBLIC;

-- the final function's extra argument carries the enum type, for the order
CREATE FUNCTION @extschema@.tier_distribution_final(@extschema@.tier_state, anyenum) RETURNS @extschema@.tier_share[]
AS 'MODULE_PATHNAME', 'tier_distribution_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;

REVOKE EXECUTE ON FUNCTION @extschema@.tier_distribution_final(@extschema@.tier_state, anyenum) FROM PUBLIC;

CREATE AGGREGATE @extschema@.tier_distribution(tier anyenum) (
    SFUNC = @extschema@.tier_accum, STYPE = @extschema@.tier_state,
    FINALFUNC = @extschema@.tier_distribution_final, FINALFUNC_EXTRA, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = @extschema@.tier_combine,
    MSFUNC = @extschema@.tier_accum, MINVFUNC = @extschema@.tier_retract, MSTYPE = @extschema@.tier_state,
    MFINALFUNC = @extschema@.tier_distribution_final, MFINALFUNC_EXTRA, MFINALFUNC_MODIFY = READ_ONLY,
    PARALLEL = SAFE);

-- jsonb for the stored values: named fields instead of the text form
-- (the composites the API returns already have to_jsonb)
CREATE FUNCTION @extschema@.survey_summary_jsonb(@extschema@.survey_summary) RETURNS jsonb
AS 'MODULE_PATHNAME', 'survey_summary_jsonb' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE CAST (@extschema@.survey_summary AS jsonb) WITH FUNCTION @extschema@.survey_summary_jsonb(@extschema@.survey_summary);

CREATE FUNCTION @extschema@.bgnbd_model_jsonb(@extschema@.bgnbd_model) RETURNS jsonb
AS 'MODULE_PATHNAME', 'bgnbd_model_jsonb' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE CAST (@extschema@.bgnbd_model AS jsonb) WITH FUNCTION @extschema@.bgnbd_model_jsonb(@extschema@.bgnbd_model);

CREATE FUNCTION @extschema@.gamma_gamma_model_jsonb(@extschema@.gamma_gamma_model) RETURNS jsonb
AS 'MODULE_PATHNAME', 'gamma_gamma_model_jsonb' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE CAST (@extschema@.gamma_gamma_model AS jsonb) WITH FUNCTION @extschema@.gamma_gamma_model_jsonb(@extschema@.gamma_gamma_model);
