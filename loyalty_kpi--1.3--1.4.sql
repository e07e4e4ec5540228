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
                    OPERATOR(pg_catalog.||) CASE WHEN kind.scale THEN ', integer' ELSE '' END;
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

-- Descriptions in the database (\df+, \da+, BI tools): one line per
-- user-facing function, aggregate and type, with what it computes, its
-- formula or unit, and what NULL means.  A name's overloads share it.
-- test/descriptions.sql fails if a user-facing object has none.
DO $$
DECLARE
    d record;
    f regprocedure;
BEGIN
    FOR d IN SELECT * FROM (VALUES
        -- survey aggregates
        ('nps_agg', 'Net Promoter Score of 0-10 scores: % promoters (9-10) minus % detractors (0-6), from -100 to 100. NULL scores are skipped; NULL when there is none.'),
        ('nps_summary', 'The counts of 0-10 scores as a survey_summary, to store and merge with rollup(); read with nps(), promoters(), nps_ci_lower(), ... NULL when there is no score.'),
        ('csat_agg', 'Customer satisfaction, %: answers in the top two values of a 1-to-scale question (4-5 on 1-5). NULL answers are skipped; NULL when there is none.'),
        ('csat_summary', 'The counts of 1-to-scale CSAT answers as a survey_summary; read with csat(), mean_score(). NULL when there is no answer.'),
        ('ces_agg', 'Customer Effort Score: the mean of 1-7 answers (7 = easiest). NULL answers are skipped; NULL when there is none.'),
        ('ces_summary', 'The counts of 1-7 CES answers as a survey_summary; read with ces(), ces_easy_share(). NULL when there is no answer.'),
        ('cli_score', 'Customer Loyalty Index: the mean 1-6 answer to recommend, repurchase and try other products, over respondents who gave all three; NULL when none did.'),
        ('cli_summary', 'The counts of respondents'' three-answer totals (3-18) as a survey_summary; read with cli(). NULL when no respondent gave all three answers.'),
        ('rollup', 'Merges survey summaries of one kind and scale (their counts add), for months from daily summaries and sliding windows. NULL when there is none.'),
        -- survey accessors
        ('nps', 'NPS of an NPS summary: % promoters minus % detractors, from -100 to 100; NULL for an empty summary.'),
        ('csat', 'CSAT of a CSAT summary: % of answers in the top two values; NULL for an empty summary.'),
        ('ces', 'CES of a CES summary: the mean answer, 1-7; NULL for an empty summary.'),
        ('cli', 'CLI of a CLI summary: the mean answer, 1-6; NULL for an empty summary.'),
        ('ces_easy_share', 'Share of easy answers (5-7) in a CES summary, %; NULL for an empty summary.'),
        ('promoters', 'Number of promoters (scores 9-10) in an NPS summary.'),
        ('passives', 'Number of passives (scores 7-8) in an NPS summary.'),
        ('detractors', 'Number of detractors (scores 0-6) in an NPS summary.'),
        ('responses', 'Number of answers in a survey summary (CLI: respondents who gave all three).'),
        ('mean_score', 'Mean answer of a survey summary (for CLI, the CLI); NULL for an empty summary.'),
        ('nps_stderr', 'Standard error of the NPS of a summary, in NPS points: 100 sqrt((p + d - (p - d)^2) / n); NULL for an empty summary.'),
        ('nps_ci_lower', 'Lower bound of the NPS confidence interval at the level (default 0.95), adjusted Wald, in NPS points; NULL for an empty summary.'),
        ('nps_ci_upper', 'Upper bound of the NPS confidence interval at the level (default 0.95), adjusted Wald, in NPS points; NULL for an empty summary.'),
        ('nps_diff_pvalue', 'Two-sided p-value, 0 to 1, that the NPS of two summaries differ (adjusted Wald z test); NULL when either is empty.'),
        ('survey_summary_eq', 'Whether two survey summaries are equal: same kind, scale and counts (the = operator).'),
        ('survey_summary_ne', 'Whether two survey summaries differ (the <> operator).'),
        ('survey_summary_hash', 'Hash of a survey summary, for DISTINCT, GROUP BY and UNION.'),
        -- customer base
        ('retention_rate', 'Customer retention rate of [period_start, period_end), %: (E - N) / S * 100, from one (acquired_at, churned_at) row per customer or from the counts S, E, N. The aggregate gives NULL when S = 0.'),
        ('churn_rate', 'Customer churn rate of the period, %: lost / (S + N) * 100 (basis ''all'', the default) or lost / S * 100 (basis ''start''), from customer rows or counts. NULL when the base is 0, or for NULL counts.'),
        ('retention_series', 'For every period first_start + k * step before last_end, from one scan: start, new, end, lost and retained counts and the rates, as an array of customer_period. NULL when no row has an acquisition date.'),
        -- orders
        ('repeat_purchase_rate', 'Share of customers with two or more orders, %, from one row per order (any id type). NULL ids are skipped; NULL when there is no order.'),
        ('one_and_done_rate', 'Share of customers with exactly one order, %, from one row per order. NULL when there is no order.'),
        ('purchase_frequency', 'Orders per customer (a count, not a share), from one row per order. NULL when there is no order.'),
        ('upsell_ratio', 'Customers who bought more than one distinct product per customer who bought exactly one (a ratio, not a share). NULL when nobody bought exactly one.'),
        ('clv', 'Historical value per customer: total amount / distinct customers, from one row per order. NULL when there is no order.'),
        -- loyalty program
        ('enrollment_rate', 'Share of customers offered the program who enrolled (true), %. NULLs are skipped; NULL when there is none.'),
        ('active_rate', 'Share of members whose last activity is in [as_of - window, as_of), %; a member with a NULL last activity is inactive. NULL when there is no member.'),
        ('redemption_participation', 'Share of members with at least one redemption, %. NULL counts are skipped; NULL when there is none.'),
        ('redemption_frequency', 'Redemptions per member (a count, not a share). NULL when there is no member.'),
        ('redemption_rate', 'Redemption rate, %: basis ''members'' (members who redeemed / members), ''points'' or ''value'' (redeemed / issued). NULL when there is no row.'),
        ('breakage', 'Share of issued points never redeemed, %: (issued - redeemed) / issued * 100, over one issue cohort. NULL when there is no row.'),
        ('points_liability', 'Liability of outstanding points: points x cost per point x expected redemption rate (%) / 100.'),
        ('tier_distribution', 'Members in each tier and their share, %, as an array of tier_share: text tiers in collation order, enum tiers in the enum''s order. NULL when there is no member.'),
        ('member_lift', 'Members'' mean spend over the others'', % (lift), with Welch''s unequal-variance t test and its two-sided p-value, as a spend_lift row. NULL when there is no row.'),
        -- CLV
        ('clv_basic', 'CLV = value per period x lifespan in periods (or average order value x orders).'),
        ('clv_from_churn', 'CLV = value per period x (1 + d) / (d + c) - acquisition cost, with churn c and discount d in % per period (value x 100 / churn when d = 0).'),
        ('clv_net', 'CLV = revenue - acquisition cost - service cost.'),
        ('btyd_summary', 'One customer''s BTYD summary from their transactions up to observation_end (use with GROUP BY customer): frequency (repeat purchase days), recency and age in time units, mean repeat spend. NULL when there is no purchase.'),
        ('bgnbd_fit', 'The BG/NBD purchase model fitted by maximum likelihood to (frequency, recency, age) rows, optionally weighted by a number of customers and recording the time unit. NULL when there is no row.'),
        ('gamma_gamma_fit', 'The Gamma-Gamma spend model fitted by maximum likelihood to repeat customers (frequency > 0, mean spend), optionally weighted. NULL when there is no repeat customer.'),
        ('parameter', 'A fitted model''s parameter by name (BG/NBD: r, alpha, a, b; Gamma-Gamma: p, q, gamma).'),
        ('standard_error', 'Standard error of a fitted model''s parameter, from the observed information; NULL where the information could not give one.'),
        ('log_likelihood', 'Log-likelihood of a fitted model at its estimates.'),
        ('fitted_customers', 'Number of customers (summed weights) a model was fitted to.'),
        ('evaluations', 'Likelihood evaluations the fit took.'),
        ('converged', 'Whether the fit reached an interior maximum with every parameter identified (README: the rule); predictions refuse a model that did not.'),
        ('time_unit', 'The time unit a BG/NBD model was fitted in (bgnbd_fit with a time unit); NULL when not recorded.'),
        ('expected_purchases', 'BG/NBD: expected purchases in the next t time units of a customer with (frequency, recency, age), or of a new customer in the first t; within 1e-8 relative or an error. A given time unit must be the model''s.'),
        ('probability_alive', 'BG/NBD: probability, 0 to 1, that a customer with (frequency, recency, age) is still active. A given time unit must be the model''s.'),
        ('expected_spend', 'Gamma-Gamma: expected spend per purchase of a customer with (frequency, mean spend), or the population mean; NULL mean spend allowed at frequency 0.'),
        ('predicted_clv', 'Sum over the periods of expected purchases x expected spend, discounted at the rate in % per period (BG/NBD and Gamma-Gamma). A given time unit must be the purchase model''s.'),
        ('survey_summary_jsonb', 'A survey summary as jsonb: kind, low, high, total and the counts by value.'),
        ('bgnbd_model_jsonb', 'A BG/NBD model as jsonb: parameters with standard errors, log-likelihood, customers, evaluations, converged, time unit.'),
        ('gamma_gamma_model_jsonb', 'A Gamma-Gamma model as jsonb: parameters with standard errors, log-likelihood, customers, evaluations, converged.')
        ) AS c(name, comment)
    LOOP
        FOR f IN
            SELECT p.oid::pg_catalog.regprocedure FROM pg_catalog.pg_proc p
            JOIN pg_catalog.pg_depend dep ON dep.classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_proc'::pg_catalog.regclass
             AND dep.objid OPERATOR(pg_catalog.=) p.oid AND dep.deptype OPERATOR(pg_catalog.=) 'e'
            JOIN pg_catalog.pg_extension e ON e.oid OPERATOR(pg_catalog.=) dep.refobjid AND e.extname OPERATOR(pg_catalog.=) 'loyalty_kpi'
            WHERE p.proname OPERATOR(pg_catalog.=) d.name AND p.pronamespace OPERATOR(pg_catalog.=) '@extschema@'::pg_catalog.regnamespace
        LOOP
            EXECUTE pg_catalog.format('COMMENT ON %s %s IS %L',
                CASE WHEN (SELECT prokind FROM pg_catalog.pg_proc WHERE oid OPERATOR(pg_catalog.=) f) OPERATOR(pg_catalog.=) 'a' THEN 'AGGREGATE' ELSE 'FUNCTION' END,
                f, d.comment);
        END LOOP;
    END LOOP;
END
$$;

COMMENT ON TYPE @extschema@.survey_summary IS 'Counts of survey answers by value, with kind (nps, csat, ces, cli) and scale: the state of the survey aggregates, stored and merged with rollup(). Text form v1:KIND:LO-HI:COUNTS.';
COMMENT ON TYPE @extschema@.bgnbd_model IS 'A fitted BG/NBD purchase model: r, alpha, a, b with standard errors, log-likelihood, converged flag and time unit.';
COMMENT ON TYPE @extschema@.gamma_gamma_model IS 'A fitted Gamma-Gamma spend model: p, q, gamma with standard errors, log-likelihood and converged flag.';
COMMENT ON TYPE @extschema@.lifecycle_state IS 'Partial state of retention_rate, churn_rate and retention_series (counts per period), for distributed aggregation; not meant to be read.';
COMMENT ON TYPE @extschema@.tier_state IS 'Partial state of tier_distribution (a count per tier), for distributed aggregation; not meant to be read.';
COMMENT ON TYPE @extschema@.btyd_customer IS 'One customer''s BTYD summary: frequency, recency and age in time units, mean repeat spend (NULL without a repeat purchase).';
COMMENT ON TYPE @extschema@.customer_period IS 'One period of retention_series: bounds, start, new, end, lost and retained counts, retention and churn rates (%), churn reduction and growth.';
COMMENT ON TYPE @extschema@.spend_lift IS 'Result of member_lift: counts and means of both arms, the lift (%), Welch''s t statistic, degrees of freedom and two-sided p-value.';
COMMENT ON TYPE @extschema@.tier_share IS 'One tier of tier_distribution: the tier, its members and their share (%).';

-- Support functions out of the user's way: the transition, combine,
-- serialize, deserialize and final functions of the aggregates (but the
-- four that are also accessors, nps, csat, ces and cli) and the types'
-- input and output functions move to a schema of their own, so the
-- extension's schema lists the API only (\df, a BI tool's function
-- browser).  Aggregates and types refer to them by OID: views and stored
-- values do not notice.
CREATE SCHEMA loyalty_kpi_internal;
COMMENT ON SCHEMA loyalty_kpi_internal IS
    'Support functions of loyalty_kpi''s aggregates and types: not an API, called by the aggregates and types in the extension''s schema.';
DO $$
DECLARE
    f regprocedure;
BEGIN
    FOR f IN
        WITH members AS (
            SELECT dep.objid FROM pg_catalog.pg_depend dep
            JOIN pg_catalog.pg_extension e ON e.oid OPERATOR(pg_catalog.=) dep.refobjid AND e.extname OPERATOR(pg_catalog.=) 'loyalty_kpi'
            WHERE dep.classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_proc'::pg_catalog.regclass AND dep.deptype OPERATOR(pg_catalog.=) 'e'),
        support AS (
            SELECT pg_catalog.unnest(ARRAY[a.aggtransfn, a.aggcombinefn, a.aggserialfn, a.aggdeserialfn,
                                           a.aggmtransfn, a.aggminvtransfn, a.aggfinalfn, a.aggmfinalfn]::pg_catalog.oid[]) AS oid
            FROM pg_catalog.pg_aggregate a
            UNION
            SELECT pg_catalog.unnest(ARRAY[t.typinput, t.typoutput, t.typreceive, t.typsend]::pg_catalog.oid[])
            FROM pg_catalog.pg_type t WHERE t.typnamespace OPERATOR(pg_catalog.=) '@extschema@'::pg_catalog.regnamespace)
        SELECT DISTINCT p.oid::pg_catalog.regprocedure FROM pg_catalog.pg_proc p
        JOIN members m ON m.objid OPERATOR(pg_catalog.=) p.oid JOIN support s ON s.oid OPERATOR(pg_catalog.=) p.oid
        WHERE p.pronamespace OPERATOR(pg_catalog.=) '@extschema@'::pg_catalog.regnamespace
          AND p.proname OPERATOR(pg_catalog.<>) ALL (ARRAY['nps', 'csat', 'ces', 'cli']::pg_catalog.name[])
    LOOP
        EXECUTE pg_catalog.format('ALTER FUNCTION %s SET SCHEMA loyalty_kpi_internal', f);
    END LOOP;
END
$$;

-- Argument names on the accessors' first argument (\df, named notation,
-- tools that show signatures): summary for a survey_summary, model for a
-- fitted model, a and b where two summaries are compared.  Each function
-- is replaced by its own definition with the names added (same OID, so
-- the aggregates and operators that use it do not notice).
DO $$
DECLARE
    f record;
    named text;
BEGIN
    FOR f IN
        SELECT p.oid, pg_catalog.pg_get_function_arguments(p.oid) AS args,
               pg_catalog.format_type(p.proargtypes[0], NULL) AS first_type,
               p.pronargs OPERATOR(pg_catalog.>) 1 AND p.proargtypes[1] OPERATOR(pg_catalog.=) p.proargtypes[0] AS pair
        FROM pg_catalog.pg_proc p
        JOIN pg_catalog.pg_depend dep ON dep.classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_proc'::pg_catalog.regclass
         AND dep.objid OPERATOR(pg_catalog.=) p.oid AND dep.deptype OPERATOR(pg_catalog.=) 'e'
        JOIN pg_catalog.pg_extension e ON e.oid OPERATOR(pg_catalog.=) dep.refobjid AND e.extname OPERATOR(pg_catalog.=) 'loyalty_kpi'
        WHERE p.pronamespace OPERATOR(pg_catalog.=) '@extschema@'::pg_catalog.regnamespace AND p.prokind OPERATOR(pg_catalog.=) 'f' AND p.pronargs OPERATOR(pg_catalog.>) 0
          AND (p.proargnames IS NULL OR p.proargnames[1] OPERATOR(pg_catalog.=) '')
          AND p.proargtypes[0] OPERATOR(pg_catalog.=) ANY (ARRAY['@extschema@.survey_summary'::pg_catalog.regtype,
                                                                  '@extschema@.bgnbd_model'::pg_catalog.regtype,
                                                                  '@extschema@.gamma_gamma_model'::pg_catalog.regtype]::pg_catalog.oid[])
    LOOP
        named := CASE
            WHEN f.pair THEN pg_catalog.format('a %s, b %s', f.first_type, f.first_type)
                             OPERATOR(pg_catalog.||) pg_catalog.substr(f.args, pg_catalog.length(f.first_type OPERATOR(pg_catalog.||) ', ' OPERATOR(pg_catalog.||) f.first_type) OPERATOR(pg_catalog.+) 1)
            WHEN pg_catalog.right(f.first_type, 5) OPERATOR(pg_catalog.=) 'model' THEN 'model ' OPERATOR(pg_catalog.||) f.args
            ELSE 'summary ' OPERATOR(pg_catalog.||) f.args END;
        EXECUTE pg_catalog.replace(pg_catalog.pg_get_functiondef(f.oid), '(' OPERATOR(pg_catalog.||) f.args OPERATOR(pg_catalog.||) ')', '(' OPERATOR(pg_catalog.||) named OPERATOR(pg_catalog.||) ')');
    END LOOP;
END
$$;

-- Argument names on the survey aggregates too (\da shows nps_agg(score
-- integer)): each is replaced by its own definition, read from the
-- catalog, with the names added.
DO $$
DECLARE
    g record;
    names text[];
    args text;
BEGIN
    FOR g IN
        SELECT p.oid, p.proname, p.pronargs, p.proargtypes, a.*
        FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_aggregate a ON a.aggfnoid OPERATOR(pg_catalog.=) p.oid
        JOIN pg_catalog.pg_depend dep ON dep.classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_proc'::pg_catalog.regclass
         AND dep.objid OPERATOR(pg_catalog.=) p.oid AND dep.deptype OPERATOR(pg_catalog.=) 'e'
        JOIN pg_catalog.pg_extension e ON e.oid OPERATOR(pg_catalog.=) dep.refobjid AND e.extname OPERATOR(pg_catalog.=) 'loyalty_kpi'
        WHERE p.pronamespace OPERATOR(pg_catalog.=) '@extschema@'::pg_catalog.regnamespace
          AND (p.proargnames IS NULL OR '' OPERATOR(pg_catalog.=) ANY (p.proargnames))
    LOOP
        names := CASE
            WHEN g.proname OPERATOR(pg_catalog.=) ANY (ARRAY['nps_agg', 'nps_summary']::pg_catalog.name[]) THEN ARRAY['score']
            WHEN g.proname OPERATOR(pg_catalog.=) ANY (ARRAY['csat_agg', 'csat_summary']::pg_catalog.name[]) THEN ARRAY['answer', 'scale']
            WHEN g.proname OPERATOR(pg_catalog.=) ANY (ARRAY['ces_agg', 'ces_summary']::pg_catalog.name[]) THEN ARRAY['answer']
            WHEN g.proname OPERATOR(pg_catalog.=) ANY (ARRAY['cli_score', 'cli_summary']::pg_catalog.name[]) THEN ARRAY['recommend', 'repurchase', 'try_other']
            WHEN g.proname OPERATOR(pg_catalog.=) 'rollup' THEN ARRAY['summary'] END;
        IF names IS NULL OR pg_catalog.cardinality(names) OPERATOR(pg_catalog.<>) g.pronargs THEN
            RAISE EXCEPTION 'no argument names for aggregate %', g.oid::pg_catalog.regprocedure;
        END IF;
        SELECT pg_catalog.string_agg(names[i OPERATOR(pg_catalog.+) 1] OPERATOR(pg_catalog.||) ' ' OPERATOR(pg_catalog.||) pg_catalog.format_type(g.proargtypes[i], NULL), ', ' ORDER BY i)
        INTO args FROM pg_catalog.generate_series(0, g.pronargs OPERATOR(pg_catalog.-) 1) i;
        EXECUTE pg_catalog.format(
            'CREATE OR REPLACE AGGREGATE @extschema@.%I(%s) (SFUNC = %s, STYPE = %s, FINALFUNC = %s, '
            'FINALFUNC_MODIFY = READ_ONLY, COMBINEFUNC = %s, MSFUNC = %s, MINVFUNC = %s, MSTYPE = %s, '
            'MFINALFUNC = %s, MFINALFUNC_MODIFY = READ_ONLY, PARALLEL = SAFE)',
            g.proname, args, g.aggtransfn, pg_catalog.format_type(g.aggtranstype, NULL), g.aggfinalfn,
            g.aggcombinefn, g.aggmtransfn, g.aggminvtransfn, pg_catalog.format_type(g.aggmtranstype, NULL),
            g.aggmfinalfn);
    END LOOP;
END
$$;

-- jsonb for the two state types as well, so every stored type has one
CREATE FUNCTION @extschema@.lifecycle_state_jsonb(state @extschema@.lifecycle_state) RETURNS jsonb
AS 'MODULE_PATHNAME', 'lifecycle_state_jsonb' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE CAST (@extschema@.lifecycle_state AS jsonb) WITH FUNCTION @extschema@.lifecycle_state_jsonb(@extschema@.lifecycle_state);
COMMENT ON FUNCTION @extschema@.lifecycle_state_jsonb(@extschema@.lifecycle_state) IS
    'A lifecycle_state as jsonb: rows, period bounds (microseconds since 2000), step, basis, grid and the per-period difference arrays.';

CREATE FUNCTION @extschema@.tier_state_jsonb(state @extschema@.tier_state) RETURNS jsonb
AS 'MODULE_PATHNAME', 'tier_state_jsonb' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE CAST (@extschema@.tier_state AS jsonb) WITH FUNCTION @extschema@.tier_state_jsonb(@extschema@.tier_state);
COMMENT ON FUNCTION @extschema@.tier_state_jsonb(@extschema@.tier_state) IS
    'A tier_state as jsonb: the members and each tier''s count, by tier name.';
