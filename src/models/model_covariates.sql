/* ---------------------------------------------------------------------
 * Pareto/NBD, BG/NBD and GGompertz/NBD with time-invariant covariates
 * (src/models/model_covariates.c, 1.12): the fits over (frequency, recency, age) and each customer's
 * covariates, the stored models with their coefficient tables, and
 * customer_model(), which gives a customer's model without covariates so
 * that every prediction of the base model applies.
 * ---------------------------------------------------------------------
 */

-- the fits' state: every row kept, merged across parallel workers
CREATE FUNCTION loyalty_kpi_internal.covariate_fit_combine(internal, internal) RETURNS internal
AS 'MODULE_PATHNAME', 'covariate_fit_combine' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION loyalty_kpi_internal.covariate_fit_serialize(internal) RETURNS bytea
AS 'MODULE_PATHNAME', 'covariate_fit_serialize' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION loyalty_kpi_internal.covariate_fit_deserialize(bytea, internal) RETURNS internal
AS 'MODULE_PATHNAME', 'covariate_fit_deserialize' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- @each P: pareto_nbd, bgnbd, ggompertz_nbd
CREATE TYPE @extschema@.@P@_covariate_model;

CREATE FUNCTION loyalty_kpi_internal.@P@_covariate_model_in(cstring) RETURNS @extschema@.@P@_covariate_model
AS 'MODULE_PATHNAME', '@P@_covariate_model_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.@P@_covariate_model_out(@extschema@.@P@_covariate_model) RETURNS cstring
AS 'MODULE_PATHNAME', '@P@_covariate_model_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.@P@_covariate_model_recv(internal) RETURNS @extschema@.@P@_covariate_model
AS 'MODULE_PATHNAME', '@P@_covariate_model_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.@P@_covariate_model_send(@extschema@.@P@_covariate_model) RETURNS bytea
AS 'MODULE_PATHNAME', '@P@_covariate_model_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE @extschema@.@P@_covariate_model (
    INPUT = loyalty_kpi_internal.@P@_covariate_model_in, OUTPUT = loyalty_kpi_internal.@P@_covariate_model_out,
    RECEIVE = loyalty_kpi_internal.@P@_covariate_model_recv, SEND = loyalty_kpi_internal.@P@_covariate_model_send,
    INTERNALLENGTH = VARIABLE, ALIGNMENT = double, STORAGE = plain);

CREATE FUNCTION @extschema@.@P@_covariate_model_jsonb(model @extschema@.@P@_covariate_model) RETURNS jsonb
AS 'MODULE_PATHNAME', 'covariate_model_jsonb' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE CAST (@extschema@.@P@_covariate_model AS jsonb)
    WITH FUNCTION @extschema@.@P@_covariate_model_jsonb(@extschema@.@P@_covariate_model);
COMMENT ON FUNCTION @extschema@.@P@_covariate_model_jsonb(@extschema@.@P@_covariate_model) IS
    'A covariate model as jsonb: the covariates'' names, base parameters, coefficients per process, standard errors, covariance, log-likelihood, customers, skipped rows, evaluations, converged.';

CREATE FUNCTION @extschema@.coefficients(model @extschema@.@P@_covariate_model, level double precision DEFAULT 0.95)
RETURNS TABLE (process text, term text, estimate double precision, standard_error double precision,
               z double precision, p_value double precision, lower double precision, upper double precision)
AS 'MODULE_PATHNAME', 'covariate_model_coefficients' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 8;
COMMENT ON FUNCTION @extschema@.coefficients(@extschema@.@P@_covariate_model, double precision) IS
    'The covariate model as a table: base parameters (interval on the log scale), then each coefficient per process with its Wald z, p-value and interval at the level (default 0.95). Signs as CLVTools: a positive purchase coefficient means more purchases.';

CREATE FUNCTION @extschema@.log_likelihood(model @extschema@.@P@_covariate_model) RETURNS double precision
AS 'MODULE_PATHNAME', 'covariate_model_log_likelihood' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.log_likelihood(@extschema@.@P@_covariate_model) IS
    'Log-likelihood of a fitted covariate model at its estimates.';

CREATE FUNCTION @extschema@.fitted_customers(model @extschema@.@P@_covariate_model) RETURNS double precision
AS 'MODULE_PATHNAME', 'covariate_model_customers' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.fitted_customers(@extschema@.@P@_covariate_model) IS
    'Number of customers a covariate model was fitted to (rows with a NULL covariate left out).';

CREATE FUNCTION @extschema@.evaluations(model @extschema@.@P@_covariate_model) RETURNS integer
AS 'MODULE_PATHNAME', 'covariate_model_iterations' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.evaluations(@extschema@.@P@_covariate_model) IS
    'Likelihood evaluations the fit took, its start without covariates included.';

CREATE FUNCTION @extschema@.converged(model @extschema@.@P@_covariate_model) RETURNS boolean
AS 'MODULE_PATHNAME', 'covariate_model_converged' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.converged(@extschema@.@P@_covariate_model) IS
    'Whether the fit reached an interior maximum with every parameter identified; customer models of one that did not are refused by the predictions.';

CREATE FUNCTION @extschema@.customer_model(model @extschema@.@P@_covariate_model,
                                           purchase_covariates double precision[],
                                           dropout_covariates double precision[])
RETURNS @extschema@.@P@_model
AS 'MODULE_PATHNAME', 'covariate_customer_model' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.customer_model(@extschema@.@P@_covariate_model, double precision[], double precision[]) IS
    'The model of a customer with these covariates (one value per name, in the fit''s order): the model without covariates at the customer''s own parameters, with their covariance, for every prediction and interval.';

CREATE FUNCTION @extschema@.customer_model(model @extschema@.@P@_covariate_model, covariates double precision[])
RETURNS @extschema@.@P@_model
AS 'MODULE_PATHNAME', 'covariate_customer_model' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.customer_model(@extschema@.@P@_covariate_model, double precision[]) IS
    'The customer model of a fit whose two processes have the same covariates, given once.';

CREATE FUNCTION loyalty_kpi_internal.@P@_covariate_fit_accum(internal, double precision, double precision,
                                                            double precision, double precision[], text[])
RETURNS internal
AS 'MODULE_PATHNAME', '@P@_covariate_fit_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.@P@_covariate_fit_accum(internal, double precision, double precision,
                                                            double precision, double precision[], text[],
                                                            double precision[], text[])
RETURNS internal
AS 'MODULE_PATHNAME', '@P@_covariate_fit_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.@P@_covariate_fit_accum(internal, double precision, double precision,
                                                            double precision, double precision[], text[],
                                                            double precision, double precision)
RETURNS internal
AS 'MODULE_PATHNAME', '@P@_covariate_fit_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.@P@_covariate_fit_accum(internal, double precision, double precision,
                                                            double precision, double precision[], text[],
                                                            double precision[], text[], double precision,
                                                            double precision)
RETURNS internal
AS 'MODULE_PATHNAME', '@P@_covariate_fit_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;

-- the same four forms, with the tied covariates' names last
CREATE FUNCTION loyalty_kpi_internal.@P@_covariate_fit_accum(internal, double precision, double precision,
                                                            double precision, double precision[], text[], text[])
RETURNS internal
AS 'MODULE_PATHNAME', '@P@_covariate_fit_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.@P@_covariate_fit_accum(internal, double precision, double precision,
                                                            double precision, double precision[], text[],
                                                            double precision[], text[], text[])
RETURNS internal
AS 'MODULE_PATHNAME', '@P@_covariate_fit_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.@P@_covariate_fit_accum(internal, double precision, double precision,
                                                            double precision, double precision[], text[],
                                                            double precision, double precision, text[])
RETURNS internal
AS 'MODULE_PATHNAME', '@P@_covariate_fit_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.@P@_covariate_fit_accum(internal, double precision, double precision,
                                                            double precision, double precision[], text[],
                                                            double precision[], text[], double precision,
                                                            double precision, text[])
RETURNS internal
AS 'MODULE_PATHNAME', '@P@_covariate_fit_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.@P@_covariate_fit_final(internal) RETURNS @extschema@.@P@_covariate_model
AS 'MODULE_PATHNAME', 'covariate_fit_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE AGGREGATE @extschema@.@P@_fit(frequency double precision, recency double precision, age double precision,
                                       covariates double precision[], names text[]) (
    SFUNC = loyalty_kpi_internal.@P@_covariate_fit_accum, STYPE = internal,
    FINALFUNC = loyalty_kpi_internal.@P@_covariate_fit_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = loyalty_kpi_internal.covariate_fit_combine,
    SERIALFUNC = loyalty_kpi_internal.covariate_fit_serialize,
    DESERIALFUNC = loyalty_kpi_internal.covariate_fit_deserialize,
    PARALLEL = SAFE);
COMMENT ON AGGREGATE @extschema@.@P@_fit(double precision, double precision, double precision, double precision[], text[]) IS
    'The purchase model with time-invariant covariates on both processes (CLVTools'' parameterisation): one row per customer, the covariates as an array named once by names. A row with a NULL covariate is skipped and counted. NULL when there is no row.';

CREATE AGGREGATE @extschema@.@P@_fit(frequency double precision, recency double precision, age double precision,
                                       purchase_covariates double precision[], purchase_names text[],
                                       dropout_covariates double precision[], dropout_names text[]) (
    SFUNC = loyalty_kpi_internal.@P@_covariate_fit_accum, STYPE = internal,
    FINALFUNC = loyalty_kpi_internal.@P@_covariate_fit_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = loyalty_kpi_internal.covariate_fit_combine,
    SERIALFUNC = loyalty_kpi_internal.covariate_fit_serialize,
    DESERIALFUNC = loyalty_kpi_internal.covariate_fit_deserialize,
    PARALLEL = SAFE);
COMMENT ON AGGREGATE @extschema@.@P@_fit(double precision, double precision, double precision, double precision[], text[], double precision[], text[]) IS
    'The purchase model with separate time-invariant covariates for the purchase and the dropout process (an empty array and names for none).';

CREATE AGGREGATE @extschema@.@P@_fit(frequency double precision, recency double precision, age double precision,
                                       covariates double precision[], names text[],
                                       purchase_penalty double precision, dropout_penalty double precision) (
    SFUNC = loyalty_kpi_internal.@P@_covariate_fit_accum, STYPE = internal,
    FINALFUNC = loyalty_kpi_internal.@P@_covariate_fit_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = loyalty_kpi_internal.covariate_fit_combine,
    SERIALFUNC = loyalty_kpi_internal.covariate_fit_serialize,
    DESERIALFUNC = loyalty_kpi_internal.covariate_fit_deserialize,
    PARALLEL = SAFE);
COMMENT ON AGGREGATE @extschema@.@P@_fit(double precision, double precision, double precision, double precision[], text[], double precision, double precision) IS
    'The purchase model with covariates on both processes, their coefficients pulled to 0 by L2 penalties per process (CLVTools'' reg.lambdas: the mean log-likelihood less lambda times the squared coefficients).';

CREATE AGGREGATE @extschema@.@P@_fit(frequency double precision, recency double precision, age double precision,
                                       purchase_covariates double precision[], purchase_names text[],
                                       dropout_covariates double precision[], dropout_names text[],
                                       purchase_penalty double precision, dropout_penalty double precision) (
    SFUNC = loyalty_kpi_internal.@P@_covariate_fit_accum, STYPE = internal,
    FINALFUNC = loyalty_kpi_internal.@P@_covariate_fit_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = loyalty_kpi_internal.covariate_fit_combine,
    SERIALFUNC = loyalty_kpi_internal.covariate_fit_serialize,
    DESERIALFUNC = loyalty_kpi_internal.covariate_fit_deserialize,
    PARALLEL = SAFE);
COMMENT ON AGGREGATE @extschema@.@P@_fit(double precision, double precision, double precision, double precision[], text[], double precision[], text[], double precision, double precision) IS
    'The purchase model with separate covariates per process and L2 penalties on their coefficients (CLVTools'' reg.lambdas).';

CREATE AGGREGATE @extschema@.@P@_fit(frequency double precision, recency double precision, age double precision,
                                       covariates double precision[], names text[],
                                       tied_names text[]) (
    SFUNC = loyalty_kpi_internal.@P@_covariate_fit_accum, STYPE = internal,
    FINALFUNC = loyalty_kpi_internal.@P@_covariate_fit_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = loyalty_kpi_internal.covariate_fit_combine,
    SERIALFUNC = loyalty_kpi_internal.covariate_fit_serialize,
    DESERIALFUNC = loyalty_kpi_internal.covariate_fit_deserialize,
    PARALLEL = SAFE);
COMMENT ON AGGREGATE @extschema@.@P@_fit(double precision, double precision, double precision, double precision[], text[], text[]) IS
    'The purchase model with time-invariant covariates on both processes, the covariates named in tied_names with one coefficient for both processes (CLVTools'' names.cov.constr).';

CREATE AGGREGATE @extschema@.@P@_fit(frequency double precision, recency double precision, age double precision,
                                       purchase_covariates double precision[], purchase_names text[],
                                       dropout_covariates double precision[], dropout_names text[],
                                       tied_names text[]) (
    SFUNC = loyalty_kpi_internal.@P@_covariate_fit_accum, STYPE = internal,
    FINALFUNC = loyalty_kpi_internal.@P@_covariate_fit_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = loyalty_kpi_internal.covariate_fit_combine,
    SERIALFUNC = loyalty_kpi_internal.covariate_fit_serialize,
    DESERIALFUNC = loyalty_kpi_internal.covariate_fit_deserialize,
    PARALLEL = SAFE);
COMMENT ON AGGREGATE @extschema@.@P@_fit(double precision, double precision, double precision, double precision[], text[], double precision[], text[], text[]) IS
    'The purchase model with separate covariates per process, those named in tied_names (in both lists) with one coefficient for both processes (CLVTools'' names.cov.constr).';

CREATE AGGREGATE @extschema@.@P@_fit(frequency double precision, recency double precision, age double precision,
                                       covariates double precision[], names text[],
                                       purchase_penalty double precision, dropout_penalty double precision,
                                       tied_names text[]) (
    SFUNC = loyalty_kpi_internal.@P@_covariate_fit_accum, STYPE = internal,
    FINALFUNC = loyalty_kpi_internal.@P@_covariate_fit_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = loyalty_kpi_internal.covariate_fit_combine,
    SERIALFUNC = loyalty_kpi_internal.covariate_fit_serialize,
    DESERIALFUNC = loyalty_kpi_internal.covariate_fit_deserialize,
    PARALLEL = SAFE);
COMMENT ON AGGREGATE @extschema@.@P@_fit(double precision, double precision, double precision, double precision[], text[], double precision, double precision, text[]) IS
    'The purchase model with covariates on both processes, L2 penalties on their coefficients, and the covariates named in tied_names with one coefficient for both processes (penalized by both penalties, as CLVTools does).';

CREATE AGGREGATE @extschema@.@P@_fit(frequency double precision, recency double precision, age double precision,
                                       purchase_covariates double precision[], purchase_names text[],
                                       dropout_covariates double precision[], dropout_names text[],
                                       purchase_penalty double precision, dropout_penalty double precision,
                                       tied_names text[]) (
    SFUNC = loyalty_kpi_internal.@P@_covariate_fit_accum, STYPE = internal,
    FINALFUNC = loyalty_kpi_internal.@P@_covariate_fit_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = loyalty_kpi_internal.covariate_fit_combine,
    SERIALFUNC = loyalty_kpi_internal.covariate_fit_serialize,
    DESERIALFUNC = loyalty_kpi_internal.covariate_fit_deserialize,
    PARALLEL = SAFE);
COMMENT ON AGGREGATE @extschema@.@P@_fit(double precision, double precision, double precision, double precision[], text[], double precision[], text[], double precision, double precision, text[]) IS
    'The purchase model with separate covariates per process, L2 penalties on their coefficients, and the covariates named in tied_names with one coefficient for both processes.';
-- @end

COMMENT ON TYPE @extschema@.pareto_nbd_covariate_model IS
    'A fitted Pareto/NBD model with covariates: r, alpha, s, beta of the customer whose covariates are 0, and each covariate''s coefficient (alpha_i = alpha exp(-g''z), beta_i = beta exp(-g''z)), with standard errors, covariance and log-likelihood.';
COMMENT ON TYPE @extschema@.ggompertz_nbd_covariate_model IS
    'A fitted GGompertz/NBD model with covariates: r, alpha, b, s, beta of the customer whose covariates are 0, and each covariate''s coefficient (alpha_i = alpha exp(-g''z), beta_i = beta exp(-g''z)), with standard errors, covariance and log-likelihood.';
COMMENT ON TYPE @extschema@.bgnbd_covariate_model IS
    'A fitted BG/NBD model with covariates: r, alpha, a, b of the customer whose covariates are 0, and each covariate''s coefficient (alpha_i = alpha exp(-g''z), a_i = a exp(g''z), b_i = b exp(g''z)), with standard errors, covariance and log-likelihood.';

-- The Pareto/NBD with time-varying covariates: one row per customer, its
-- covariate periods and its purchase days
CREATE FUNCTION loyalty_kpi_internal.pareto_nbd_dyncov_fit_accum(internal, date[], double precision[], text[],
                                                                date[], date, interval)
RETURNS internal
AS 'MODULE_PATHNAME', 'pareto_nbd_dyncov_fit_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.pareto_nbd_dyncov_fit_accum(internal, date[], double precision[], text[],
                                                                double precision[], text[], date[], date, interval)
RETURNS internal
AS 'MODULE_PATHNAME', 'pareto_nbd_dyncov_fit_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE AGGREGATE @extschema@.pareto_nbd_fit(period_starts date[], covariates double precision[], names text[],
                                            purchase_days date[], calibration_end date, time_unit interval) (
    SFUNC = loyalty_kpi_internal.pareto_nbd_dyncov_fit_accum, STYPE = internal,
    FINALFUNC = loyalty_kpi_internal.pareto_nbd_covariate_fit_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = loyalty_kpi_internal.covariate_fit_combine,
    SERIALFUNC = loyalty_kpi_internal.covariate_fit_serialize,
    DESERIALFUNC = loyalty_kpi_internal.covariate_fit_deserialize,
    PARALLEL = SAFE);
COMMENT ON AGGREGATE @extschema@.pareto_nbd_fit(date[], double precision[], text[], date[], date, interval) IS
    'The Pareto/NBD with time-varying covariates on both processes (CLVTools'' dynamic covariates): one row per customer, its periods'' start days with a row of covariates each (a period lasts until the next starts) and its purchase days. Customers with a NULL are skipped and counted.';

CREATE AGGREGATE @extschema@.pareto_nbd_fit(period_starts date[], purchase_covariates double precision[],
                                            purchase_names text[], dropout_covariates double precision[],
                                            dropout_names text[], purchase_days date[], calibration_end date,
                                            time_unit interval) (
    SFUNC = loyalty_kpi_internal.pareto_nbd_dyncov_fit_accum, STYPE = internal,
    FINALFUNC = loyalty_kpi_internal.pareto_nbd_covariate_fit_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = loyalty_kpi_internal.covariate_fit_combine,
    SERIALFUNC = loyalty_kpi_internal.covariate_fit_serialize,
    DESERIALFUNC = loyalty_kpi_internal.covariate_fit_deserialize,
    PARALLEL = SAFE);
COMMENT ON AGGREGATE @extschema@.pareto_nbd_fit(date[], double precision[], text[], double precision[], text[], date[], date, interval) IS
    'The Pareto/NBD with separate time-varying covariates for the purchase and the dropout process (an empty array and names for none).';

CREATE FUNCTION @extschema@.probability_alive(model @extschema@.pareto_nbd_covariate_model, period_starts date[],
                                              covariates double precision[], purchase_days date[],
                                              calibration_end date, time_unit interval)
RETURNS double precision
AS 'MODULE_PATHNAME', 'pareto_nbd_dyncov_probability_alive' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.probability_alive(@extschema@.pareto_nbd_covariate_model, date[], double precision[], date[], date, interval) IS
    'P(alive) at the calibration end of a customer with this history under a Pareto/NBD with (time-varying) covariates: its covariate periods and purchase days, as the fit takes them.';

CREATE FUNCTION @extschema@.probability_alive(model @extschema@.pareto_nbd_covariate_model, period_starts date[],
                                              purchase_covariates double precision[],
                                              dropout_covariates double precision[], purchase_days date[],
                                              calibration_end date, time_unit interval)
RETURNS double precision
AS 'MODULE_PATHNAME', 'pareto_nbd_dyncov_probability_alive' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.probability_alive(@extschema@.pareto_nbd_covariate_model, date[], double precision[], double precision[], date[], date, interval) IS
    'P(alive) of a customer with this history, its purchase and dropout covariates apart.';

CREATE FUNCTION @extschema@.expected_purchases(model @extschema@.pareto_nbd_covariate_model, period_starts date[],
                                               covariates double precision[], purchase_days date[],
                                               calibration_end date, horizon_end date, time_unit interval)
RETURNS double precision
AS 'MODULE_PATHNAME', 'pareto_nbd_dyncov_expected_purchases' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.expected_purchases(@extschema@.pareto_nbd_covariate_model, date[], double precision[], date[], date, date, interval) IS
    'Purchases a customer with this history is expected to make from the calibration end to horizon_end under a Pareto/NBD with (time-varying) covariates, its periods running on to the horizon with the future''s covariates (CLVTools'' CET).';

CREATE FUNCTION @extschema@.expected_purchases(model @extschema@.pareto_nbd_covariate_model, period_starts date[],
                                               purchase_covariates double precision[],
                                               dropout_covariates double precision[], purchase_days date[],
                                               calibration_end date, horizon_end date, time_unit interval)
RETURNS double precision
AS 'MODULE_PATHNAME', 'pareto_nbd_dyncov_expected_purchases' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.expected_purchases(@extschema@.pareto_nbd_covariate_model, date[], double precision[], double precision[], date[], date, date, interval) IS
    'Purchases expected of a customer with this history to horizon_end, its purchase and dropout covariates apart.';

-- the same with their delta-method standard errors and intervals: the level, then the time unit
CREATE FUNCTION @extschema@.probability_alive_interval(model @extschema@.pareto_nbd_covariate_model,
                                                       period_starts date[], covariates double precision[],
                                                       purchase_days date[], calibration_end date,
                                                       level double precision, time_unit interval)
RETURNS @extschema@.prediction_interval
AS 'MODULE_PATHNAME', 'pareto_nbd_dyncov_probability_alive_interval' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.probability_alive_interval(@extschema@.pareto_nbd_covariate_model, date[], double precision[], date[], date, double precision, interval) IS
    'P(alive) of a customer with this history under a Pareto/NBD with (time-varying) covariates, with its delta-method standard error and interval (logit scale) at the level.';

CREATE FUNCTION @extschema@.probability_alive_interval(model @extschema@.pareto_nbd_covariate_model,
                                                       period_starts date[], purchase_covariates double precision[],
                                                       dropout_covariates double precision[], purchase_days date[],
                                                       calibration_end date, level double precision, time_unit interval)
RETURNS @extschema@.prediction_interval
AS 'MODULE_PATHNAME', 'pareto_nbd_dyncov_probability_alive_interval' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.probability_alive_interval(@extschema@.pareto_nbd_covariate_model, date[], double precision[], double precision[], date[], date, double precision, interval) IS
    'P(alive) of a customer with this history, its purchase and dropout covariates apart, with its delta-method interval at the level.';

CREATE FUNCTION @extschema@.expected_purchases_interval(model @extschema@.pareto_nbd_covariate_model,
                                                        period_starts date[], covariates double precision[],
                                                        purchase_days date[], calibration_end date, horizon_end date,
                                                        level double precision, time_unit interval)
RETURNS @extschema@.prediction_interval
AS 'MODULE_PATHNAME', 'pareto_nbd_dyncov_expected_purchases_interval' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.expected_purchases_interval(@extschema@.pareto_nbd_covariate_model, date[], double precision[], date[], date, date, double precision, interval) IS
    'Purchases a customer with this history is expected to make to horizon_end under a Pareto/NBD with (time-varying) covariates, with their delta-method interval (log scale) at the level.';

CREATE FUNCTION @extschema@.expected_purchases_interval(model @extschema@.pareto_nbd_covariate_model,
                                                        period_starts date[], purchase_covariates double precision[],
                                                        dropout_covariates double precision[], purchase_days date[],
                                                        calibration_end date, horizon_end date,
                                                        level double precision, time_unit interval)
RETURNS @extschema@.prediction_interval
AS 'MODULE_PATHNAME', 'pareto_nbd_dyncov_expected_purchases_interval' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.expected_purchases_interval(@extschema@.pareto_nbd_covariate_model, date[], double precision[], double precision[], date[], date, date, double precision, interval) IS
    'Purchases expected of a customer with this history to horizon_end, its covariates apart, with their delta-method interval at the level.';

-- DERT over the horizon (CLVTools' DECT): the purchases expected to horizon_end, discounted continuously
CREATE FUNCTION @extschema@.discounted_expected_transactions(model @extschema@.pareto_nbd_covariate_model,
                                                             discount_rate double precision, period_starts date[],
                                                             covariates double precision[], purchase_days date[],
                                                             calibration_end date, horizon_end date, time_unit interval)
RETURNS double precision
AS 'MODULE_PATHNAME', 'pareto_nbd_dyncov_discounted_transactions' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.discounted_expected_transactions(@extschema@.pareto_nbd_covariate_model, double precision, date[], double precision[], date[], date, date, interval) IS
    'Purchases a customer with this history is expected to make from the calibration end to horizon_end under a Pareto/NBD with (time-varying) covariates, discounted continuously at the rate in % per time unit (CLVTools'' DECT at ln(1 + rate/100)).';

CREATE FUNCTION @extschema@.discounted_expected_transactions(model @extschema@.pareto_nbd_covariate_model,
                                                             discount_rate double precision, period_starts date[],
                                                             purchase_covariates double precision[],
                                                             dropout_covariates double precision[], purchase_days date[],
                                                             calibration_end date, horizon_end date, time_unit interval)
RETURNS double precision
AS 'MODULE_PATHNAME', 'pareto_nbd_dyncov_discounted_transactions' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.discounted_expected_transactions(@extschema@.pareto_nbd_covariate_model, double precision, date[], double precision[], double precision[], date[], date, date, interval) IS
    'Discounted purchases expected of a customer with this history to horizon_end (CLVTools'' DECT), its purchase and dropout covariates apart.';

CREATE FUNCTION @extschema@.discounted_expected_transactions_interval(model @extschema@.pareto_nbd_covariate_model,
                                                                      discount_rate double precision,
                                                                      period_starts date[],
                                                                      covariates double precision[],
                                                                      purchase_days date[], calibration_end date,
                                                                      horizon_end date, level double precision,
                                                                      time_unit interval)
RETURNS @extschema@.prediction_interval
AS 'MODULE_PATHNAME', 'pareto_nbd_dyncov_discounted_transactions_interval' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.discounted_expected_transactions_interval(@extschema@.pareto_nbd_covariate_model, double precision, date[], double precision[], date[], date, date, double precision, interval) IS
    'Discounted purchases expected of a customer with this history to horizon_end (CLVTools'' DECT), with their delta-method interval (log scale) at the level.';

CREATE FUNCTION @extschema@.discounted_expected_transactions_interval(model @extschema@.pareto_nbd_covariate_model,
                                                                      discount_rate double precision,
                                                                      period_starts date[],
                                                                      purchase_covariates double precision[],
                                                                      dropout_covariates double precision[],
                                                                      purchase_days date[], calibration_end date,
                                                                      horizon_end date, level double precision,
                                                                      time_unit interval)
RETURNS @extschema@.prediction_interval
AS 'MODULE_PATHNAME', 'pareto_nbd_dyncov_discounted_transactions_interval' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.discounted_expected_transactions_interval(@extschema@.pareto_nbd_covariate_model, double precision, date[], double precision[], double precision[], date[], date, date, double precision, interval) IS
    'Discounted purchases expected of a customer with this history to horizon_end, its covariates apart, with their delta-method interval at the level.';
