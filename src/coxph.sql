/* ---------------------------------------------------------------------
 * What drives churn: Cox proportional-hazards regression (src/coxph.c)
 * ---------------------------------------------------------------------
 */

CREATE TYPE @extschema@.coxph_model;

CREATE FUNCTION loyalty_kpi_internal.coxph_model_in(cstring) RETURNS @extschema@.coxph_model
AS 'MODULE_PATHNAME', 'coxph_model_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.coxph_model_out(@extschema@.coxph_model) RETURNS cstring
AS 'MODULE_PATHNAME', 'coxph_model_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.coxph_model_recv(internal) RETURNS @extschema@.coxph_model
AS 'MODULE_PATHNAME', 'coxph_model_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.coxph_model_send(@extschema@.coxph_model) RETURNS bytea
AS 'MODULE_PATHNAME', 'coxph_model_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE @extschema@.coxph_model (
    INPUT = loyalty_kpi_internal.coxph_model_in, OUTPUT = loyalty_kpi_internal.coxph_model_out,
    RECEIVE = loyalty_kpi_internal.coxph_model_recv, SEND = loyalty_kpi_internal.coxph_model_send,
    INTERNALLENGTH = VARIABLE, ALIGNMENT = double, STORAGE = extended);
COMMENT ON TYPE @extschema@.coxph_model IS
    'A fitted Cox proportional-hazards model: the terms, their coefficients and covariance, the covariate means, the log partial likelihoods and tests. Read with coefficients(), coxph_summary(), ::jsonb; score with relative_risk().';

CREATE FUNCTION @extschema@.coxph_model_jsonb(model @extschema@.coxph_model) RETURNS jsonb
AS 'MODULE_PATHNAME', 'coxph_model_jsonb' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.coxph_model_jsonb(@extschema@.coxph_model) IS
    'A Cox model as jsonb: ties, n, events, skipped rows, iterations, converged, log-likelihoods, tests, each term''s coefficient, standard error and mean, and the covariance.';
CREATE CAST (@extschema@.coxph_model AS jsonb)
    WITH FUNCTION @extschema@.coxph_model_jsonb(@extschema@.coxph_model);

CREATE FUNCTION loyalty_kpi_internal.coxph_combine(internal, internal) RETURNS internal
AS 'MODULE_PATHNAME', 'coxph_combine' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.coxph_serialize(internal) RETURNS bytea
AS 'MODULE_PATHNAME', 'coxph_serialize' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.coxph_deserialize(bytea, internal) RETURNS internal
AS 'MODULE_PATHNAME', 'coxph_deserialize' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- READ_ONLY: the final function sorts a copy of the rows
CREATE FUNCTION loyalty_kpi_internal.coxph_fit_final(internal) RETURNS @extschema@.coxph_model
AS 'MODULE_PATHNAME', 'coxph_fit_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;

-- (duration, event, covariates, names [, ties]); the event boolean or 0/1
-- @each E: boolean, integer
CREATE FUNCTION loyalty_kpi_internal.coxph_fit_accum(internal, double precision, @E@, double precision[], text[])
RETURNS internal
AS 'MODULE_PATHNAME', 'coxph_fit_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.coxph_fit_accum(internal, double precision, @E@, double precision[], text[], text)
RETURNS internal
AS 'MODULE_PATHNAME', 'coxph_fit_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE AGGREGATE @extschema@.coxph_fit(duration double precision, event @E@, covariates double precision[],
                                       names text[]) (
    SFUNC = loyalty_kpi_internal.coxph_fit_accum, STYPE = internal,
    FINALFUNC = loyalty_kpi_internal.coxph_fit_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = loyalty_kpi_internal.coxph_combine,
    SERIALFUNC = loyalty_kpi_internal.coxph_serialize, DESERIALFUNC = loyalty_kpi_internal.coxph_deserialize,
    PARALLEL = SAFE);
COMMENT ON AGGREGATE @extschema@.coxph_fit(double precision, @E@, double precision[], text[]) IS
    'Cox proportional-hazards regression by partial likelihood, as R''s coxph (Efron ties): one row per customer with the duration, the event (churned) and the covariates as an array, named once. Rows with a NULL are skipped and counted. NULL when there is no row.';

CREATE AGGREGATE @extschema@.coxph_fit(duration double precision, event @E@, covariates double precision[],
                                       names text[], ties text) (
    SFUNC = loyalty_kpi_internal.coxph_fit_accum, STYPE = internal,
    FINALFUNC = loyalty_kpi_internal.coxph_fit_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = loyalty_kpi_internal.coxph_combine,
    SERIALFUNC = loyalty_kpi_internal.coxph_serialize, DESERIALFUNC = loyalty_kpi_internal.coxph_deserialize,
    PARALLEL = SAFE);
COMMENT ON AGGREGATE @extschema@.coxph_fit(double precision, @E@, double precision[], text[], text) IS
    'Cox proportional-hazards regression with the ties method: ''efron'' (R''s default) or ''breslow''.';
-- with strata: a baseline hazard of its own per stratum, the coefficients shared (R's strata())
CREATE FUNCTION loyalty_kpi_internal.coxph_fit_accum(internal, double precision, @E@, double precision[], text[], text, text)
RETURNS internal
AS 'MODULE_PATHNAME', 'coxph_fit_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE AGGREGATE @extschema@.coxph_fit(duration double precision, event @E@, covariates double precision[],
                                       names text[], ties text, strata text) (
    SFUNC = loyalty_kpi_internal.coxph_fit_accum, STYPE = internal,
    FINALFUNC = loyalty_kpi_internal.coxph_fit_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = loyalty_kpi_internal.coxph_combine,
    SERIALFUNC = loyalty_kpi_internal.coxph_serialize, DESERIALFUNC = loyalty_kpi_internal.coxph_deserialize,
    PARALLEL = SAFE);
COMMENT ON AGGREGATE @extschema@.coxph_fit(double precision, @E@, double precision[], text[], text, text) IS
    'Stratified Cox regression: a baseline hazard of its own for each value of strata (up to 1,000), the coefficients shared, as R''s strata(); a NULL stratum skips the row.';

-- with case weights (R's weights =): a row stands for weight customers (above 0); one stratum for all: a constant
CREATE FUNCTION loyalty_kpi_internal.coxph_fit_accum(internal, double precision, @E@, double precision[], text[], text, text,
                                                     double precision)
RETURNS internal
AS 'MODULE_PATHNAME', 'coxph_fit_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE AGGREGATE @extschema@.coxph_fit(duration double precision, event @E@, covariates double precision[],
                                       names text[], ties text, strata text, weight double precision) (
    SFUNC = loyalty_kpi_internal.coxph_fit_accum, STYPE = internal,
    FINALFUNC = loyalty_kpi_internal.coxph_fit_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = loyalty_kpi_internal.coxph_combine,
    SERIALFUNC = loyalty_kpi_internal.coxph_serialize, DESERIALFUNC = loyalty_kpi_internal.coxph_deserialize,
    PARALLEL = SAFE);
COMMENT ON AGGREGATE @extschema@.coxph_fit(double precision, @E@, double precision[], text[], text, text, double precision) IS
    'Cox regression with case weights, as R''s weights =: each row stands for weight customers (above 0); strata as in the stratified form (a constant for none). A NULL weight skips the row.';

-- with clusters (R's cluster()): a robust (sandwich) covariance for rows that are not independent
CREATE FUNCTION loyalty_kpi_internal.coxph_fit_accum(internal, double precision, @E@, double precision[], text[], text, text,
                                                     double precision, bigint)
RETURNS internal
AS 'MODULE_PATHNAME', 'coxph_fit_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE AGGREGATE @extschema@.coxph_fit(duration double precision, event @E@, covariates double precision[],
                                       names text[], ties text, strata text, weight double precision, cluster bigint) (
    SFUNC = loyalty_kpi_internal.coxph_fit_accum, STYPE = internal,
    FINALFUNC = loyalty_kpi_internal.coxph_fit_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = loyalty_kpi_internal.coxph_combine,
    SERIALFUNC = loyalty_kpi_internal.coxph_serialize, DESERIALFUNC = loyalty_kpi_internal.coxph_deserialize,
    PARALLEL = SAFE);
COMMENT ON AGGREGATE @extschema@.coxph_fit(double precision, @E@, double precision[], text[], text, text, double precision, bigint) IS
    'Cox regression with clusters, as R''s cluster(): rows of one cluster (a customer with several rows, an account with several users) are not independent; the robust (sandwich) covariance gives the standard errors, z, p and the Wald test. A NULL cluster skips the row.';
-- @end

-- From a customers table: the tenure in whole units of time_unit from
-- acquired_at to churned_at, or censored at as_of while active, as
-- survival_summary counts it; customers acquired after as_of left out
CREATE FUNCTION loyalty_kpi_internal.coxph_fit_accum(internal, timestamptz, timestamptz, timestamptz, interval,
                                                     double precision[], text[])
RETURNS internal
AS 'MODULE_PATHNAME', 'coxph_fit_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.coxph_fit_accum(internal, timestamptz, timestamptz, timestamptz, interval,
                                                     double precision[], text[], text)
RETURNS internal
AS 'MODULE_PATHNAME', 'coxph_fit_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE AGGREGATE @extschema@.coxph_fit(acquired_at timestamptz, churned_at timestamptz, as_of timestamptz,
                                       time_unit interval, covariates double precision[], names text[]) (
    SFUNC = loyalty_kpi_internal.coxph_fit_accum, STYPE = internal,
    FINALFUNC = loyalty_kpi_internal.coxph_fit_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = loyalty_kpi_internal.coxph_combine,
    SERIALFUNC = loyalty_kpi_internal.coxph_serialize, DESERIALFUNC = loyalty_kpi_internal.coxph_deserialize,
    PARALLEL = SAFE);
COMMENT ON AGGREGATE @extschema@.coxph_fit(timestamptz, timestamptz, timestamptz, interval, double precision[], text[]) IS
    'Cox proportional-hazards regression from a customers table: the tenure in whole time units from acquired_at to churned_at, or censored at as_of while active (as survival_summary counts it), and the covariates, named once.';

CREATE AGGREGATE @extschema@.coxph_fit(acquired_at timestamptz, churned_at timestamptz, as_of timestamptz,
                                       time_unit interval, covariates double precision[], names text[], ties text) (
    SFUNC = loyalty_kpi_internal.coxph_fit_accum, STYPE = internal,
    FINALFUNC = loyalty_kpi_internal.coxph_fit_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = loyalty_kpi_internal.coxph_combine,
    SERIALFUNC = loyalty_kpi_internal.coxph_serialize, DESERIALFUNC = loyalty_kpi_internal.coxph_deserialize,
    PARALLEL = SAFE);
COMMENT ON AGGREGATE @extschema@.coxph_fit(timestamptz, timestamptz, timestamptz, interval, double precision[], text[], text) IS
    'Cox proportional-hazards regression from a customers table, with the ties method: ''efron'' (R''s default) or ''breslow''.';

CREATE FUNCTION loyalty_kpi_internal.coxph_fit_accum(internal, timestamptz, timestamptz, timestamptz, interval,
                                                     double precision[], text[], text, text)
RETURNS internal
AS 'MODULE_PATHNAME', 'coxph_fit_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE AGGREGATE @extschema@.coxph_fit(acquired_at timestamptz, churned_at timestamptz, as_of timestamptz,
                                       time_unit interval, covariates double precision[], names text[], ties text,
                                       strata text) (
    SFUNC = loyalty_kpi_internal.coxph_fit_accum, STYPE = internal,
    FINALFUNC = loyalty_kpi_internal.coxph_fit_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = loyalty_kpi_internal.coxph_combine,
    SERIALFUNC = loyalty_kpi_internal.coxph_serialize, DESERIALFUNC = loyalty_kpi_internal.coxph_deserialize,
    PARALLEL = SAFE);
COMMENT ON AGGREGATE @extschema@.coxph_fit(timestamptz, timestamptz, timestamptz, interval, double precision[], text[], text, text) IS
    'Stratified Cox regression from a customers table: a baseline hazard of its own for each value of strata (up to 1,000), the coefficients shared.';

CREATE FUNCTION loyalty_kpi_internal.coxph_fit_accum(internal, timestamptz, timestamptz, timestamptz, interval,
                                                     double precision[], text[], text, text, double precision)
RETURNS internal
AS 'MODULE_PATHNAME', 'coxph_fit_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE AGGREGATE @extschema@.coxph_fit(acquired_at timestamptz, churned_at timestamptz, as_of timestamptz,
                                       time_unit interval, covariates double precision[], names text[], ties text,
                                       strata text, weight double precision) (
    SFUNC = loyalty_kpi_internal.coxph_fit_accum, STYPE = internal,
    FINALFUNC = loyalty_kpi_internal.coxph_fit_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = loyalty_kpi_internal.coxph_combine,
    SERIALFUNC = loyalty_kpi_internal.coxph_serialize, DESERIALFUNC = loyalty_kpi_internal.coxph_deserialize,
    PARALLEL = SAFE);
COMMENT ON AGGREGATE @extschema@.coxph_fit(timestamptz, timestamptz, timestamptz, interval, double precision[], text[], text, text, double precision) IS
    'Cox regression from a customers table with case weights: each row stands for weight customers (above 0).';

CREATE FUNCTION loyalty_kpi_internal.coxph_fit_accum(internal, timestamptz, timestamptz, timestamptz, interval,
                                                     double precision[], text[], text, text, double precision, bigint)
RETURNS internal
AS 'MODULE_PATHNAME', 'coxph_fit_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE AGGREGATE @extschema@.coxph_fit(acquired_at timestamptz, churned_at timestamptz, as_of timestamptz,
                                       time_unit interval, covariates double precision[], names text[], ties text,
                                       strata text, weight double precision, cluster bigint) (
    SFUNC = loyalty_kpi_internal.coxph_fit_accum, STYPE = internal,
    FINALFUNC = loyalty_kpi_internal.coxph_fit_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = loyalty_kpi_internal.coxph_combine,
    SERIALFUNC = loyalty_kpi_internal.coxph_serialize, DESERIALFUNC = loyalty_kpi_internal.coxph_deserialize,
    PARALLEL = SAFE);
COMMENT ON AGGREGATE @extschema@.coxph_fit(timestamptz, timestamptz, timestamptz, interval, double precision[], text[], text, text, double precision, bigint) IS
    'Cox regression from a customers table with clusters: the robust (sandwich) covariance for rows that are not independent.';

CREATE FUNCTION @extschema@.coefficients(model @extschema@.coxph_model, level double precision DEFAULT 0.95)
RETURNS TABLE (term text, coef double precision, hazard_ratio double precision, std_error double precision,
               z double precision, p_value double precision, lower double precision, upper double precision,
               robust_std_error double precision)
AS 'MODULE_PATHNAME', 'coxph_coefficient_rows' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 5;
COMMENT ON FUNCTION @extschema@.coefficients(@extschema@.coxph_model, double precision) IS
    'The Cox model''s coefficient table, as R''s summary(coxph): each term''s coefficient, hazard ratio exp(coef), standard error, z, two-sided p-value and the hazard ratio''s interval at the level (default 0.95); with clusters the robust standard error, which z, p and the interval then use, as R''s.';

CREATE TYPE @extschema@.coxph_fit_summary AS (
    n                  bigint,            -- rows fitted
    events             bigint,
    skipped            bigint,            -- rows left out for a NULL (R's na.omit)
    ties               text,
    loglik_null        double precision,  -- log partial likelihood at beta = 0
    loglik             double precision,  -- at the fit
    degrees_of_freedom integer,           -- of the three tests: the number of terms
    likelihood_ratio   double precision,  -- 2 (loglik - loglik_null)
    likelihood_ratio_p double precision,
    wald               double precision,  -- beta' I beta
    wald_p             double precision,
    score              double precision,  -- U(0)' I(0)^-1 U(0), the log-rank test for one group term
    score_p            double precision,
    iterations         integer,
    converged          boolean,
    concordance        double precision,  -- Harrell's C of the linear predictor, as R's coxph (within strata)
    strata             integer,           -- 1 without strata
    robust             boolean,           -- fitted with clusters: the Wald test is the robust one
    concordance_se     double precision,  -- the concordance's standard error, as R's
    robust_score       double precision,  -- with clusters: R's robust score test (score residuals at beta = 0)
    robust_score_p     double precision);
COMMENT ON TYPE @extschema@.coxph_fit_summary IS
    'The fit of a Cox model: rows, events, rows skipped, log-likelihoods, the likelihood-ratio, Wald and score tests with their p-values, iterations, whether it converged, and the concordance.';

CREATE FUNCTION @extschema@.coxph_summary(model @extschema@.coxph_model) RETURNS @extschema@.coxph_fit_summary
AS 'MODULE_PATHNAME', 'coxph_summary_row' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.coxph_summary(@extschema@.coxph_model) IS
    'The Cox fit as one row: n, events, skipped, log-likelihoods, the three tests with p-values, iterations, converged, concordance. (coxph_summary(m)).* gives the columns.';

CREATE FUNCTION @extschema@.proportional_hazards_test(model @extschema@.coxph_model)
RETURNS TABLE (term text, chisq double precision, df integer, p_value double precision)
AS 'MODULE_PATHNAME', 'coxph_ph_test_rows' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 6;
COMMENT ON FUNCTION @extschema@.proportional_hazards_test(@extschema@.coxph_model) IS
    'Whether each hazard ratio holds over tenure, as R''s cox.zph(fit) (transform "km"): the test on scaled Schoenfeld residuals per term (1 df), then GLOBAL (df = terms). A small p_value says the effect changes with tenure.';

CREATE FUNCTION @extschema@.linear_predictor(model @extschema@.coxph_model, covariates double precision[])
RETURNS double precision
AS 'MODULE_PATHNAME', 'coxph_linear_predictor' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.linear_predictor(@extschema@.coxph_model, double precision[]) IS
    'A customer''s linear predictor (x - means)'' beta, R''s predict(type = "lp"); NULL for a NULL covariate.';

CREATE FUNCTION @extschema@.relative_risk(model @extschema@.coxph_model, covariates double precision[])
RETURNS double precision
AS 'MODULE_PATHNAME', 'coxph_relative_risk' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.relative_risk(@extschema@.coxph_model, double precision[]) IS
    'A customer''s churn hazard relative to a customer at the covariate means, exp(linear predictor), R''s predict(type = "risk").';

-- A customer's survival curve from the model and their covariates, R's
-- survfit on a coxph (the Efron baseline for an Efron fit); with strata,
-- the customer's stratum named
CREATE FUNCTION @extschema@.survival_at(model @extschema@.coxph_model, covariates double precision[], t double precision)
RETURNS double precision
AS 'MODULE_PATHNAME', 'coxph_survival_at' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.survival_at(@extschema@.coxph_model, double precision[], double precision) IS
    'The probability that a customer with these covariates is still a customer t time units after acquisition, exp(-exp(lp) H0(t)), as R''s survfit on the coxph.';

CREATE FUNCTION @extschema@.survival_at(model @extschema@.coxph_model, covariates double precision[], t double precision,
                                        stratum text)
RETURNS double precision
AS 'MODULE_PATHNAME', 'coxph_survival_at' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.survival_at(@extschema@.coxph_model, double precision[], double precision, text) IS
    'The same for a stratified model, in the customer''s stratum.';

CREATE FUNCTION @extschema@.survival_at_interval(model @extschema@.coxph_model, covariates double precision[],
                                                 t double precision, level double precision DEFAULT 0.95)
RETURNS @extschema@.prediction_interval
AS 'MODULE_PATHNAME', 'coxph_survival_at_interval' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.survival_at_interval(@extschema@.coxph_model, double precision[], double precision, double precision) IS
    'survival_at with its standard error and R''s log interval at the level (default 0.95), the variance of the cumulative hazard with the coefficients'' uncertainty (Tsiatis).';

CREATE FUNCTION @extschema@.survival_at_interval(model @extschema@.coxph_model, covariates double precision[],
                                                 t double precision, stratum text, level double precision DEFAULT 0.95)
RETURNS @extschema@.prediction_interval
AS 'MODULE_PATHNAME', 'coxph_survival_at_interval' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.survival_at_interval(@extschema@.coxph_model, double precision[], double precision, text, double precision) IS
    'The same for a stratified model, in the customer''s stratum.';

CREATE FUNCTION @extschema@.churn_probability(model @extschema@.coxph_model, covariates double precision[],
                                              t double precision, survived double precision)
RETURNS double precision
AS 'MODULE_PATHNAME', 'coxph_churn_probability' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.churn_probability(@extschema@.coxph_model, double precision[], double precision, double precision) IS
    'The probability that a customer with these covariates who has stayed `survived` time units churns within the next t: 1 - S(survived + t) / S(survived), from the hazard between the two.';

CREATE FUNCTION @extschema@.churn_probability(model @extschema@.coxph_model, covariates double precision[],
                                              t double precision, survived double precision, stratum text)
RETURNS double precision
AS 'MODULE_PATHNAME', 'coxph_churn_probability' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.churn_probability(@extschema@.coxph_model, double precision[], double precision, double precision, text) IS
    'The same for a stratified model, in the customer''s stratum.';

CREATE FUNCTION @extschema@.churn_probability_interval(model @extschema@.coxph_model, covariates double precision[],
                                                       t double precision, survived double precision,
                                                       level double precision DEFAULT 0.95)
RETURNS @extschema@.prediction_interval
AS 'MODULE_PATHNAME', 'coxph_churn_probability_interval' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.churn_probability_interval(@extschema@.coxph_model, double precision[], double precision, double precision, double precision) IS
    'churn_probability with its standard error and interval at the level (default 0.95): R''s survfit(fit, newdata, start.time = survived) log interval, as 1 - S.';

CREATE FUNCTION @extschema@.churn_probability_interval(model @extschema@.coxph_model, covariates double precision[],
                                                       t double precision, survived double precision, stratum text,
                                                       level double precision DEFAULT 0.95)
RETURNS @extschema@.prediction_interval
AS 'MODULE_PATHNAME', 'coxph_churn_probability_interval' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.churn_probability_interval(@extschema@.coxph_model, double precision[], double precision, double precision, text, double precision) IS
    'The same for a stratified model, in the customer''s stratum.';

CREATE FUNCTION @extschema@.martingale_residual(model @extschema@.coxph_model, covariates double precision[],
                                                duration double precision, event boolean)
RETURNS double precision
AS 'MODULE_PATHNAME', 'coxph_martingale' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.martingale_residual(@extschema@.coxph_model, double precision[], double precision, boolean) IS
    'A customer''s martingale residual, R''s residuals(fit, "martingale"): the event (1 or 0) less the hazard the model gave up to the duration; near 1 a churn the model did not expect, very negative a customer who stayed against the odds.';

CREATE FUNCTION @extschema@.martingale_residual(model @extschema@.coxph_model, covariates double precision[],
                                                duration double precision, event boolean, stratum text)
RETURNS double precision
AS 'MODULE_PATHNAME', 'coxph_martingale' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.martingale_residual(@extschema@.coxph_model, double precision[], double precision, boolean, text) IS
    'The same for a stratified model, in the customer''s stratum.';
