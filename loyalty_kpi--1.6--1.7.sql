/*
 * loyalty_kpi 1.6 -> 1.7: three more customer-base models.
 *
 * sBG for contractual retention (src/sbg.c, src/sbg.sql): sbg_fit,
 * survival_probability, retention_rate, expected_lifetime,
 * discounted_expected_lifetime.  BG/BB for discrete-time purchases
 * (src/bgbb.c, src/bgbb.sql): bgbb_fit, probability_alive,
 * expected_purchases, discounted_expected_transactions.  MBG/NBD
 * (src/bgnbd.c, src/bgnbd.sql): mbgnbd_fit and BG/NBD's predictions.
 * Each has a stored type with the accessors every model type has
 * (src/model.c, src/models.sql).  The C of the models moved from models.c
 * into one file per family; the stored format of BG/NBD and Gamma-Gamma
 * models is unchanged.
 */

\echo Use "ALTER EXTENSION loyalty_kpi UPDATE TO '1.7'" to load this file. \quit

-- What the *_interval functions return: a prediction with its delta-method
-- standard error and confidence interval (src/model.c)
CREATE TYPE @extschema@.prediction_interval AS (
    estimate double precision,
    standard_error double precision,  -- NULL when the model stores no covariance (fitted before 1.7)
    lower double precision,
    upper double precision);
COMMENT ON TYPE @extschema@.prediction_interval IS
    'A model''s prediction with its delta-method standard error and confidence interval (log scale for positive quantities, logit scale for probabilities).';

-- the types and their accessors, as src/models.sql's template makes them for every model type
CREATE TYPE @extschema@.sbg_model;

CREATE FUNCTION loyalty_kpi_internal.sbg_model_in(cstring) RETURNS @extschema@.sbg_model
AS 'MODULE_PATHNAME', 'sbg_model_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.sbg_model_out(@extschema@.sbg_model) RETURNS cstring
AS 'MODULE_PATHNAME', 'sbg_model_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.sbg_model_recv(internal) RETURNS @extschema@.sbg_model
AS 'MODULE_PATHNAME', 'sbg_model_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.sbg_model_send(@extschema@.sbg_model) RETURNS bytea
AS 'MODULE_PATHNAME', 'sbg_model_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE @extschema@.sbg_model (
    INPUT = loyalty_kpi_internal.sbg_model_in, OUTPUT = loyalty_kpi_internal.sbg_model_out,
    RECEIVE = loyalty_kpi_internal.sbg_model_recv, SEND = loyalty_kpi_internal.sbg_model_send,
    INTERNALLENGTH = VARIABLE, ALIGNMENT = double, STORAGE = plain);

CREATE FUNCTION @extschema@.sbg_model_jsonb(model @extschema@.sbg_model) RETURNS jsonb
AS 'MODULE_PATHNAME', 'sbg_model_jsonb' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE CAST (@extschema@.sbg_model AS jsonb) WITH FUNCTION @extschema@.sbg_model_jsonb(@extschema@.sbg_model);

CREATE FUNCTION @extschema@.parameter(model @extschema@.sbg_model, name text) RETURNS double precision
AS 'MODULE_PATHNAME', 'model_parameter' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.parameter(@extschema@.sbg_model, text) IS
    'A fitted model''s parameter by name (BG/NBD and MBG/NBD: r, alpha, a, b; Gamma-Gamma: p, q, gamma; sBG: alpha, beta; BG/BB: alpha, beta, gamma, delta).';

CREATE FUNCTION @extschema@.standard_error(model @extschema@.sbg_model, name text) RETURNS double precision
AS 'MODULE_PATHNAME', 'model_standard_error' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.standard_error(@extschema@.sbg_model, text) IS
    'Standard error of a fitted model''s parameter, from the observed information; NULL where the information could not give one.';

CREATE FUNCTION @extschema@.log_likelihood(model @extschema@.sbg_model) RETURNS double precision
AS 'MODULE_PATHNAME', 'model_log_likelihood' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.log_likelihood(@extschema@.sbg_model) IS
    'Log-likelihood of a fitted model at its estimates.';

CREATE FUNCTION @extschema@.fitted_customers(model @extschema@.sbg_model) RETURNS double precision
AS 'MODULE_PATHNAME', 'model_customers' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.fitted_customers(@extschema@.sbg_model) IS
    'Number of customers (summed weights) a model was fitted to.';

CREATE FUNCTION @extschema@.evaluations(model @extschema@.sbg_model) RETURNS integer
AS 'MODULE_PATHNAME', 'model_iterations' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.evaluations(@extschema@.sbg_model) IS
    'Likelihood evaluations the fit took.';

CREATE FUNCTION @extschema@.converged(model @extschema@.sbg_model) RETURNS boolean
AS 'MODULE_PATHNAME', 'model_converged' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.converged(@extschema@.sbg_model) IS
    'Whether the fit reached an interior maximum with every parameter identified (README: the rule); predictions refuse a model that did not.';

CREATE TYPE @extschema@.bgbb_model;

CREATE FUNCTION loyalty_kpi_internal.bgbb_model_in(cstring) RETURNS @extschema@.bgbb_model
AS 'MODULE_PATHNAME', 'bgbb_model_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.bgbb_model_out(@extschema@.bgbb_model) RETURNS cstring
AS 'MODULE_PATHNAME', 'bgbb_model_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.bgbb_model_recv(internal) RETURNS @extschema@.bgbb_model
AS 'MODULE_PATHNAME', 'bgbb_model_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.bgbb_model_send(@extschema@.bgbb_model) RETURNS bytea
AS 'MODULE_PATHNAME', 'bgbb_model_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE @extschema@.bgbb_model (
    INPUT = loyalty_kpi_internal.bgbb_model_in, OUTPUT = loyalty_kpi_internal.bgbb_model_out,
    RECEIVE = loyalty_kpi_internal.bgbb_model_recv, SEND = loyalty_kpi_internal.bgbb_model_send,
    INTERNALLENGTH = VARIABLE, ALIGNMENT = double, STORAGE = plain);

CREATE FUNCTION @extschema@.bgbb_model_jsonb(model @extschema@.bgbb_model) RETURNS jsonb
AS 'MODULE_PATHNAME', 'bgbb_model_jsonb' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE CAST (@extschema@.bgbb_model AS jsonb) WITH FUNCTION @extschema@.bgbb_model_jsonb(@extschema@.bgbb_model);

CREATE FUNCTION @extschema@.parameter(model @extschema@.bgbb_model, name text) RETURNS double precision
AS 'MODULE_PATHNAME', 'model_parameter' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.parameter(@extschema@.bgbb_model, text) IS
    'A fitted model''s parameter by name (BG/NBD and MBG/NBD: r, alpha, a, b; Gamma-Gamma: p, q, gamma; sBG: alpha, beta; BG/BB: alpha, beta, gamma, delta).';

CREATE FUNCTION @extschema@.standard_error(model @extschema@.bgbb_model, name text) RETURNS double precision
AS 'MODULE_PATHNAME', 'model_standard_error' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.standard_error(@extschema@.bgbb_model, text) IS
    'Standard error of a fitted model''s parameter, from the observed information; NULL where the information could not give one.';

CREATE FUNCTION @extschema@.log_likelihood(model @extschema@.bgbb_model) RETURNS double precision
AS 'MODULE_PATHNAME', 'model_log_likelihood' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.log_likelihood(@extschema@.bgbb_model) IS
    'Log-likelihood of a fitted model at its estimates.';

CREATE FUNCTION @extschema@.fitted_customers(model @extschema@.bgbb_model) RETURNS double precision
AS 'MODULE_PATHNAME', 'model_customers' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.fitted_customers(@extschema@.bgbb_model) IS
    'Number of customers (summed weights) a model was fitted to.';

CREATE FUNCTION @extschema@.evaluations(model @extschema@.bgbb_model) RETURNS integer
AS 'MODULE_PATHNAME', 'model_iterations' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.evaluations(@extschema@.bgbb_model) IS
    'Likelihood evaluations the fit took.';

CREATE FUNCTION @extschema@.converged(model @extschema@.bgbb_model) RETURNS boolean
AS 'MODULE_PATHNAME', 'model_converged' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.converged(@extschema@.bgbb_model) IS
    'Whether the fit reached an interior maximum with every parameter identified (README: the rule); predictions refuse a model that did not.';

CREATE TYPE @extschema@.mbgnbd_model;

CREATE FUNCTION loyalty_kpi_internal.mbgnbd_model_in(cstring) RETURNS @extschema@.mbgnbd_model
AS 'MODULE_PATHNAME', 'mbgnbd_model_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.mbgnbd_model_out(@extschema@.mbgnbd_model) RETURNS cstring
AS 'MODULE_PATHNAME', 'mbgnbd_model_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.mbgnbd_model_recv(internal) RETURNS @extschema@.mbgnbd_model
AS 'MODULE_PATHNAME', 'mbgnbd_model_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.mbgnbd_model_send(@extschema@.mbgnbd_model) RETURNS bytea
AS 'MODULE_PATHNAME', 'mbgnbd_model_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE @extschema@.mbgnbd_model (
    INPUT = loyalty_kpi_internal.mbgnbd_model_in, OUTPUT = loyalty_kpi_internal.mbgnbd_model_out,
    RECEIVE = loyalty_kpi_internal.mbgnbd_model_recv, SEND = loyalty_kpi_internal.mbgnbd_model_send,
    INTERNALLENGTH = VARIABLE, ALIGNMENT = double, STORAGE = plain);

CREATE FUNCTION @extschema@.mbgnbd_model_jsonb(model @extschema@.mbgnbd_model) RETURNS jsonb
AS 'MODULE_PATHNAME', 'mbgnbd_model_jsonb' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE CAST (@extschema@.mbgnbd_model AS jsonb) WITH FUNCTION @extschema@.mbgnbd_model_jsonb(@extschema@.mbgnbd_model);

CREATE FUNCTION @extschema@.parameter(model @extschema@.mbgnbd_model, name text) RETURNS double precision
AS 'MODULE_PATHNAME', 'model_parameter' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.parameter(@extschema@.mbgnbd_model, text) IS
    'A fitted model''s parameter by name (BG/NBD and MBG/NBD: r, alpha, a, b; Gamma-Gamma: p, q, gamma; sBG: alpha, beta; BG/BB: alpha, beta, gamma, delta).';

CREATE FUNCTION @extschema@.standard_error(model @extschema@.mbgnbd_model, name text) RETURNS double precision
AS 'MODULE_PATHNAME', 'model_standard_error' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.standard_error(@extschema@.mbgnbd_model, text) IS
    'Standard error of a fitted model''s parameter, from the observed information; NULL where the information could not give one.';

CREATE FUNCTION @extschema@.log_likelihood(model @extschema@.mbgnbd_model) RETURNS double precision
AS 'MODULE_PATHNAME', 'model_log_likelihood' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.log_likelihood(@extschema@.mbgnbd_model) IS
    'Log-likelihood of a fitted model at its estimates.';

CREATE FUNCTION @extschema@.fitted_customers(model @extschema@.mbgnbd_model) RETURNS double precision
AS 'MODULE_PATHNAME', 'model_customers' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.fitted_customers(@extschema@.mbgnbd_model) IS
    'Number of customers (summed weights) a model was fitted to.';

CREATE FUNCTION @extschema@.evaluations(model @extschema@.mbgnbd_model) RETURNS integer
AS 'MODULE_PATHNAME', 'model_iterations' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.evaluations(@extschema@.mbgnbd_model) IS
    'Likelihood evaluations the fit took.';

CREATE FUNCTION @extschema@.converged(model @extschema@.mbgnbd_model) RETURNS boolean
AS 'MODULE_PATHNAME', 'model_converged' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.converged(@extschema@.mbgnbd_model) IS
    'Whether the fit reached an interior maximum with every parameter identified (README: the rule); predictions refuse a model that did not.';

-- the parameter comment now names the new models' parameters too
COMMENT ON FUNCTION @extschema@.parameter(@extschema@.bgnbd_model, text) IS
    'A fitted model''s parameter by name (BG/NBD and MBG/NBD: r, alpha, a, b; Gamma-Gamma: p, q, gamma; sBG: alpha, beta; BG/BB: alpha, beta, gamma, delta).';
COMMENT ON FUNCTION @extschema@.parameter(@extschema@.gamma_gamma_model, text) IS
    'A fitted model''s parameter by name (BG/NBD and MBG/NBD: r, alpha, a, b; Gamma-Gamma: p, q, gamma; sBG: alpha, beta; BG/BB: alpha, beta, gamma, delta).';

COMMENT ON TYPE @extschema@.mbgnbd_model IS
    'A fitted MBG/NBD purchase model: r, alpha, a, b with standard errors, log-likelihood, converged flag and time unit.';
COMMENT ON FUNCTION @extschema@.mbgnbd_model_jsonb(@extschema@.mbgnbd_model) IS
    'An MBG/NBD model as jsonb: parameters with standard errors, log-likelihood, customers, evaluations, converged, time unit.';
COMMENT ON TYPE @extschema@.sbg_model IS
    'A fitted sBG contractual retention model: alpha, beta with standard errors, log-likelihood and converged flag.';
COMMENT ON FUNCTION @extschema@.sbg_model_jsonb(@extschema@.sbg_model) IS
    'An sBG model as jsonb: parameters with standard errors, log-likelihood, customers, evaluations, converged.';
COMMENT ON TYPE @extschema@.bgbb_model IS
    'A fitted BG/BB discrete-time purchase model: alpha, beta, gamma, delta with standard errors, log-likelihood and converged flag.';
COMMENT ON FUNCTION @extschema@.bgbb_model_jsonb(@extschema@.bgbb_model) IS
    'A BG/BB model as jsonb: parameters with standard errors, log-likelihood, customers, evaluations, converged.';

-- the BG/NBD family's template of src/bgnbd.sql, for MBG/NBD
-- the C reads the optional weight and time unit by their types
CREATE FUNCTION loyalty_kpi_internal.mbgnbd_fit_accum(internal, double precision, double precision, double precision)
RETURNS internal
AS 'MODULE_PATHNAME', 'mbgnbd_fit_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.mbgnbd_fit_accum(internal, double precision, double precision, double precision,
                                                  double precision)
RETURNS internal
AS 'MODULE_PATHNAME', 'mbgnbd_fit_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.mbgnbd_fit_accum(internal, double precision, double precision, double precision,
                                                  interval)
RETURNS internal
AS 'MODULE_PATHNAME', 'mbgnbd_fit_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.mbgnbd_fit_accum(internal, double precision, double precision, double precision,
                                                  double precision, interval)
RETURNS internal
AS 'MODULE_PATHNAME', 'mbgnbd_fit_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.mbgnbd_fit_final(internal) RETURNS @extschema@.mbgnbd_model
AS 'MODULE_PATHNAME', 'mbgnbd_fit_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE AGGREGATE @extschema@.mbgnbd_fit(frequency double precision, recency double precision, age double precision) (
    SFUNC = loyalty_kpi_internal.mbgnbd_fit_accum, STYPE = internal,
    FINALFUNC = loyalty_kpi_internal.mbgnbd_fit_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = loyalty_kpi_internal.fit_combine,
    SERIALFUNC = loyalty_kpi_internal.fit_serialize, DESERIALFUNC = loyalty_kpi_internal.fit_deserialize,
    PARALLEL = SAFE);
COMMENT ON AGGREGATE @extschema@.mbgnbd_fit(double precision, double precision, double precision) IS
    'A BG/NBD-family purchase model (bgnbd_fit: BG/NBD; mbgnbd_fit: MBG/NBD) fitted by maximum likelihood to (frequency, recency, age) rows, optionally weighted by a number of customers and recording the time unit. NULL when there is no row.';

CREATE AGGREGATE @extschema@.mbgnbd_fit(frequency double precision, recency double precision, age double precision,
                                       customers double precision) (
    SFUNC = loyalty_kpi_internal.mbgnbd_fit_accum, STYPE = internal,
    FINALFUNC = loyalty_kpi_internal.mbgnbd_fit_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = loyalty_kpi_internal.fit_combine,
    SERIALFUNC = loyalty_kpi_internal.fit_serialize, DESERIALFUNC = loyalty_kpi_internal.fit_deserialize,
    PARALLEL = SAFE);
COMMENT ON AGGREGATE @extschema@.mbgnbd_fit(double precision, double precision, double precision, double precision) IS
    'A BG/NBD-family purchase model (bgnbd_fit: BG/NBD; mbgnbd_fit: MBG/NBD) fitted by maximum likelihood to (frequency, recency, age) rows, optionally weighted by a number of customers and recording the time unit. NULL when there is no row.';

CREATE AGGREGATE @extschema@.mbgnbd_fit(frequency double precision, recency double precision, age double precision,
                                       time_unit interval) (
    SFUNC = loyalty_kpi_internal.mbgnbd_fit_accum, STYPE = internal,
    FINALFUNC = loyalty_kpi_internal.mbgnbd_fit_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = loyalty_kpi_internal.fit_combine,
    SERIALFUNC = loyalty_kpi_internal.fit_serialize, DESERIALFUNC = loyalty_kpi_internal.fit_deserialize,
    PARALLEL = SAFE);
COMMENT ON AGGREGATE @extschema@.mbgnbd_fit(double precision, double precision, double precision, interval) IS
    'A BG/NBD-family purchase model (bgnbd_fit: BG/NBD; mbgnbd_fit: MBG/NBD) fitted by maximum likelihood to (frequency, recency, age) rows, optionally weighted by a number of customers and recording the time unit. NULL when there is no row.';

CREATE AGGREGATE @extschema@.mbgnbd_fit(frequency double precision, recency double precision, age double precision,
                                       customers double precision, time_unit interval) (
    SFUNC = loyalty_kpi_internal.mbgnbd_fit_accum, STYPE = internal,
    FINALFUNC = loyalty_kpi_internal.mbgnbd_fit_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = loyalty_kpi_internal.fit_combine,
    SERIALFUNC = loyalty_kpi_internal.fit_serialize, DESERIALFUNC = loyalty_kpi_internal.fit_deserialize,
    PARALLEL = SAFE);
COMMENT ON AGGREGATE @extschema@.mbgnbd_fit(double precision, double precision, double precision, double precision, interval) IS
    'A BG/NBD-family purchase model (bgnbd_fit: BG/NBD; mbgnbd_fit: MBG/NBD) fitted by maximum likelihood to (frequency, recency, age) rows, optionally weighted by a number of customers and recording the time unit. NULL when there is no row.';

CREATE FUNCTION @extschema@.time_unit(model @extschema@.mbgnbd_model) RETURNS interval
AS 'MODULE_PATHNAME', 'model_time_unit' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.time_unit(@extschema@.mbgnbd_model) IS
    'The time unit a BG/NBD or MBG/NBD model was fitted in (its fit with a time unit); NULL when not recorded.';

-- E[Y(t) | x, t_x, T]: the customer's expected purchases in the next t
CREATE FUNCTION @extschema@.expected_purchases(model @extschema@.mbgnbd_model, t double precision,
                                               frequency double precision, recency double precision, age double precision)
RETURNS double precision
AS 'MODULE_PATHNAME', 'bgnbd_expected_purchases' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.expected_purchases(@extschema@.mbgnbd_model, double precision, double precision, double precision, double precision) IS
    'BG/NBD or MBG/NBD: expected purchases in the next t time units of a customer with (frequency, recency, age), or of a new customer in the first t; within 1e-8 relative or an error. A given time unit must be the model''s.';

CREATE FUNCTION @extschema@.expected_purchases(model @extschema@.mbgnbd_model, t double precision,
                                               frequency double precision, recency double precision, age double precision,
                                               time_unit interval)
RETURNS double precision
AS 'MODULE_PATHNAME', 'bgnbd_expected_purchases' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.expected_purchases(@extschema@.mbgnbd_model, double precision, double precision, double precision, double precision, interval) IS
    'BG/NBD or MBG/NBD: expected purchases in the next t time units of a customer with (frequency, recency, age), or of a new customer in the first t; within 1e-8 relative or an error. A given time unit must be the model''s.';

-- E[X(t)]: a new customer's expected purchases in the first t after the first purchase
CREATE FUNCTION @extschema@.expected_purchases(model @extschema@.mbgnbd_model, t double precision)
RETURNS double precision
AS 'MODULE_PATHNAME', 'bgnbd_expected_purchases_new' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.expected_purchases(@extschema@.mbgnbd_model, double precision) IS
    'BG/NBD or MBG/NBD: expected purchases in the next t time units of a customer with (frequency, recency, age), or of a new customer in the first t; within 1e-8 relative or an error. A given time unit must be the model''s.';

CREATE FUNCTION @extschema@.expected_purchases(model @extschema@.mbgnbd_model, t double precision, time_unit interval)
RETURNS double precision
AS 'MODULE_PATHNAME', 'bgnbd_expected_purchases_new' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.expected_purchases(@extschema@.mbgnbd_model, double precision, interval) IS
    'BG/NBD or MBG/NBD: expected purchases in the next t time units of a customer with (frequency, recency, age), or of a new customer in the first t; within 1e-8 relative or an error. A given time unit must be the model''s.';

CREATE FUNCTION @extschema@.probability_alive(model @extschema@.mbgnbd_model, frequency double precision,
                                              recency double precision, age double precision)
RETURNS double precision
AS 'MODULE_PATHNAME', 'bgnbd_probability_alive' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.probability_alive(@extschema@.mbgnbd_model, double precision, double precision, double precision) IS
    'BG/NBD or MBG/NBD: probability, 0 to 1, that a customer with (frequency, recency, age) is still active. A given time unit must be the model''s.';

CREATE FUNCTION @extschema@.probability_alive(model @extschema@.mbgnbd_model, frequency double precision,
                                              recency double precision, age double precision, time_unit interval)
RETURNS double precision
AS 'MODULE_PATHNAME', 'bgnbd_probability_alive' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.probability_alive(@extschema@.mbgnbd_model, double precision, double precision, double precision, interval) IS
    'BG/NBD or MBG/NBD: probability, 0 to 1, that a customer with (frequency, recency, age) is still active. A given time unit must be the model''s.';

-- sum over periods of discounted expected purchases x expected spend; not STRICT, as expected_spend
CREATE FUNCTION @extschema@.predicted_clv(purchases @extschema@.mbgnbd_model, spend @extschema@.gamma_gamma_model,
                                          frequency double precision, recency double precision,
                                          age double precision, monetary_value double precision,
                                          periods integer, period_length double precision,
                                          discount_rate double precision)
RETURNS double precision
AS 'MODULE_PATHNAME', 'predicted_clv' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.predicted_clv(@extschema@.mbgnbd_model, @extschema@.gamma_gamma_model, double precision, double precision, double precision, double precision, integer, double precision, double precision) IS
    'Sum over the periods of expected purchases x expected spend, discounted at the rate in % per period (BG/NBD or MBG/NBD, and Gamma-Gamma). A given time unit must be the purchase model''s.';

CREATE FUNCTION @extschema@.predicted_clv(purchases @extschema@.mbgnbd_model, spend @extschema@.gamma_gamma_model,
                                          frequency double precision, recency double precision,
                                          age double precision, monetary_value double precision,
                                          periods integer, period_length double precision,
                                          discount_rate double precision, time_unit interval)
RETURNS double precision
AS 'MODULE_PATHNAME', 'predicted_clv' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.predicted_clv(@extschema@.mbgnbd_model, @extschema@.gamma_gamma_model, double precision, double precision, double precision, double precision, integer, double precision, double precision, interval) IS
    'Sum over the periods of expected purchases x expected spend, discounted at the rate in % per period (BG/NBD or MBG/NBD, and Gamma-Gamma). A given time unit must be the purchase model''s.';

-- intervals: the prediction with its delta-method standard error (src/model.c)
CREATE FUNCTION @extschema@.probability_alive_interval(model @extschema@.mbgnbd_model, frequency double precision,
                                                       recency double precision, age double precision,
                                                       level double precision DEFAULT 0.95)
RETURNS @extschema@.prediction_interval
AS 'MODULE_PATHNAME', 'nbd_probability_alive_interval' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.probability_alive_interval(@extschema@.mbgnbd_model, double precision, double precision, double precision, double precision) IS
    'BG/NBD or MBG/NBD: P(alive) with its delta-method standard error and confidence interval (logit scale) at the level (default 0.95).';

CREATE FUNCTION @extschema@.expected_purchases_interval(model @extschema@.mbgnbd_model, t double precision,
                                                        frequency double precision, recency double precision,
                                                        age double precision, level double precision DEFAULT 0.95)
RETURNS @extschema@.prediction_interval
AS 'MODULE_PATHNAME', 'nbd_expected_purchases_interval' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.expected_purchases_interval(@extschema@.mbgnbd_model, double precision, double precision, double precision, double precision, double precision) IS
    'BG/NBD or MBG/NBD: expected purchases in the next t with their delta-method standard error and confidence interval (log scale) at the level (default 0.95).';

CREATE FUNCTION @extschema@.expected_purchases_interval(model @extschema@.mbgnbd_model, t double precision,
                                                        level double precision DEFAULT 0.95)
RETURNS @extschema@.prediction_interval
AS 'MODULE_PATHNAME', 'nbd_expected_purchases_interval' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.expected_purchases_interval(@extschema@.mbgnbd_model, double precision, double precision) IS
    'BG/NBD or MBG/NBD: a new customer''s expected purchases in the first t with their delta-method standard error and confidence interval at the level (default 0.95).';

-- not STRICT, as predicted_clv; the two fits' variances add
CREATE FUNCTION @extschema@.predicted_clv_interval(purchases @extschema@.mbgnbd_model, spend @extschema@.gamma_gamma_model,
                                                   frequency double precision, recency double precision,
                                                   age double precision, monetary_value double precision,
                                                   periods integer, period_length double precision,
                                                   discount_rate double precision, level double precision DEFAULT 0.95)
RETURNS @extschema@.prediction_interval
AS 'MODULE_PATHNAME', 'predicted_clv_interval' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.predicted_clv_interval(@extschema@.mbgnbd_model, @extschema@.gamma_gamma_model, double precision, double precision, double precision, double precision, integer, double precision, double precision, double precision) IS
    'predicted_clv with its delta-method standard error (both fits'' variances added) and confidence interval (log scale) at the level (default 0.95).';

-- P(X(t) = n), eq. 8 of the BG/NBD paper (and its MBG/NBD counterpart)
CREATE FUNCTION @extschema@.purchase_count_probability(model @extschema@.mbgnbd_model, t double precision, n integer)
RETURNS double precision
AS 'MODULE_PATHNAME', 'nbd_count_probability_sql' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.purchase_count_probability(@extschema@.mbgnbd_model, double precision, integer) IS
    'BG/NBD or MBG/NBD: P(X(t) = n), the probability that a new customer makes n repeat purchases in the first t (eq. 8 of the BG/NBD paper); summed over customers, the expected histogram of frequencies.';

CREATE FUNCTION @extschema@.purchase_count_probability(model @extschema@.mbgnbd_model, t double precision, n integer,
                                                       time_unit interval)
RETURNS double precision
AS 'MODULE_PATHNAME', 'nbd_count_probability_sql' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.purchase_count_probability(@extschema@.mbgnbd_model, double precision, integer, interval) IS
    'BG/NBD or MBG/NBD: P(X(t) = n), the probability that a new customer makes n repeat purchases in the first t (eq. 8 of the BG/NBD paper); a given time unit must be the model''s.';

-- BG/NBD's intervals, from the same template
-- intervals: the prediction with its delta-method standard error (src/model.c)
CREATE FUNCTION @extschema@.probability_alive_interval(model @extschema@.bgnbd_model, frequency double precision,
                                                       recency double precision, age double precision,
                                                       level double precision DEFAULT 0.95)
RETURNS @extschema@.prediction_interval
AS 'MODULE_PATHNAME', 'nbd_probability_alive_interval' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.probability_alive_interval(@extschema@.bgnbd_model, double precision, double precision, double precision, double precision) IS
    'BG/NBD or MBG/NBD: P(alive) with its delta-method standard error and confidence interval (logit scale) at the level (default 0.95).';

CREATE FUNCTION @extschema@.expected_purchases_interval(model @extschema@.bgnbd_model, t double precision,
                                                        frequency double precision, recency double precision,
                                                        age double precision, level double precision DEFAULT 0.95)
RETURNS @extschema@.prediction_interval
AS 'MODULE_PATHNAME', 'nbd_expected_purchases_interval' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.expected_purchases_interval(@extschema@.bgnbd_model, double precision, double precision, double precision, double precision, double precision) IS
    'BG/NBD or MBG/NBD: expected purchases in the next t with their delta-method standard error and confidence interval (log scale) at the level (default 0.95).';

CREATE FUNCTION @extschema@.expected_purchases_interval(model @extschema@.bgnbd_model, t double precision,
                                                        level double precision DEFAULT 0.95)
RETURNS @extschema@.prediction_interval
AS 'MODULE_PATHNAME', 'nbd_expected_purchases_interval' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.expected_purchases_interval(@extschema@.bgnbd_model, double precision, double precision) IS
    'BG/NBD or MBG/NBD: a new customer''s expected purchases in the first t with their delta-method standard error and confidence interval at the level (default 0.95).';

-- not STRICT, as predicted_clv; the two fits' variances add
CREATE FUNCTION @extschema@.predicted_clv_interval(purchases @extschema@.bgnbd_model, spend @extschema@.gamma_gamma_model,
                                                   frequency double precision, recency double precision,
                                                   age double precision, monetary_value double precision,
                                                   periods integer, period_length double precision,
                                                   discount_rate double precision, level double precision DEFAULT 0.95)
RETURNS @extschema@.prediction_interval
AS 'MODULE_PATHNAME', 'predicted_clv_interval' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.predicted_clv_interval(@extschema@.bgnbd_model, @extschema@.gamma_gamma_model, double precision, double precision, double precision, double precision, integer, double precision, double precision, double precision) IS
    'predicted_clv with its delta-method standard error (both fits'' variances added) and confidence interval (log scale) at the level (default 0.95).';

-- P(X(t) = n), eq. 8 of the BG/NBD paper (and its MBG/NBD counterpart)
CREATE FUNCTION @extschema@.purchase_count_probability(model @extschema@.bgnbd_model, t double precision, n integer)
RETURNS double precision
AS 'MODULE_PATHNAME', 'nbd_count_probability_sql' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.purchase_count_probability(@extschema@.bgnbd_model, double precision, integer) IS
    'BG/NBD or MBG/NBD: P(X(t) = n), the probability that a new customer makes n repeat purchases in the first t (eq. 8 of the BG/NBD paper); summed over customers, the expected histogram of frequencies.';

CREATE FUNCTION @extschema@.purchase_count_probability(model @extschema@.bgnbd_model, t double precision, n integer,
                                                       time_unit interval)
RETURNS double precision
AS 'MODULE_PATHNAME', 'nbd_count_probability_sql' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.purchase_count_probability(@extschema@.bgnbd_model, double precision, integer, interval) IS
    'BG/NBD or MBG/NBD: P(X(t) = n), the probability that a new customer makes n repeat purchases in the first t (eq. 8 of the BG/NBD paper); a given time unit must be the model''s.';

-- Gamma-Gamma's interval (src/models.sql)
-- not STRICT, as expected_spend
CREATE FUNCTION @extschema@.expected_spend_interval(model @extschema@.gamma_gamma_model, frequency double precision,
                                                    monetary_value double precision, level double precision DEFAULT 0.95)
RETURNS @extschema@.prediction_interval
AS 'MODULE_PATHNAME', 'gamma_gamma_expected_spend_interval' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.expected_spend_interval(@extschema@.gamma_gamma_model, double precision, double precision, double precision) IS
    'Gamma-Gamma: expected spend per purchase with its delta-method standard error and confidence interval at the level (default 0.95).';

-- BG/NBD's descriptions now name both models of the family
COMMENT ON AGGREGATE @extschema@.bgnbd_fit(double precision, double precision, double precision) IS
    'A BG/NBD-family purchase model (bgnbd_fit: BG/NBD; mbgnbd_fit: MBG/NBD) fitted by maximum likelihood to (frequency, recency, age) rows, optionally weighted by a number of customers and recording the time unit. NULL when there is no row.';
COMMENT ON AGGREGATE @extschema@.bgnbd_fit(double precision, double precision, double precision, double precision) IS
    'A BG/NBD-family purchase model (bgnbd_fit: BG/NBD; mbgnbd_fit: MBG/NBD) fitted by maximum likelihood to (frequency, recency, age) rows, optionally weighted by a number of customers and recording the time unit. NULL when there is no row.';
COMMENT ON AGGREGATE @extschema@.bgnbd_fit(double precision, double precision, double precision, interval) IS
    'A BG/NBD-family purchase model (bgnbd_fit: BG/NBD; mbgnbd_fit: MBG/NBD) fitted by maximum likelihood to (frequency, recency, age) rows, optionally weighted by a number of customers and recording the time unit. NULL when there is no row.';
COMMENT ON AGGREGATE @extschema@.bgnbd_fit(double precision, double precision, double precision, double precision, interval) IS
    'A BG/NBD-family purchase model (bgnbd_fit: BG/NBD; mbgnbd_fit: MBG/NBD) fitted by maximum likelihood to (frequency, recency, age) rows, optionally weighted by a number of customers and recording the time unit. NULL when there is no row.';
COMMENT ON FUNCTION @extschema@.time_unit(@extschema@.bgnbd_model) IS
    'The time unit a BG/NBD or MBG/NBD model was fitted in (its fit with a time unit); NULL when not recorded.';
COMMENT ON FUNCTION @extschema@.expected_purchases(@extschema@.bgnbd_model, double precision, double precision, double precision, double precision) IS
    'BG/NBD or MBG/NBD: expected purchases in the next t time units of a customer with (frequency, recency, age), or of a new customer in the first t; within 1e-8 relative or an error. A given time unit must be the model''s.';
COMMENT ON FUNCTION @extschema@.expected_purchases(@extschema@.bgnbd_model, double precision, double precision, double precision, double precision, interval) IS
    'BG/NBD or MBG/NBD: expected purchases in the next t time units of a customer with (frequency, recency, age), or of a new customer in the first t; within 1e-8 relative or an error. A given time unit must be the model''s.';
COMMENT ON FUNCTION @extschema@.expected_purchases(@extschema@.bgnbd_model, double precision) IS
    'BG/NBD or MBG/NBD: expected purchases in the next t time units of a customer with (frequency, recency, age), or of a new customer in the first t; within 1e-8 relative or an error. A given time unit must be the model''s.';
COMMENT ON FUNCTION @extschema@.expected_purchases(@extschema@.bgnbd_model, double precision, interval) IS
    'BG/NBD or MBG/NBD: expected purchases in the next t time units of a customer with (frequency, recency, age), or of a new customer in the first t; within 1e-8 relative or an error. A given time unit must be the model''s.';
COMMENT ON FUNCTION @extschema@.probability_alive(@extschema@.bgnbd_model, double precision, double precision, double precision) IS
    'BG/NBD or MBG/NBD: probability, 0 to 1, that a customer with (frequency, recency, age) is still active. A given time unit must be the model''s.';
COMMENT ON FUNCTION @extschema@.probability_alive(@extschema@.bgnbd_model, double precision, double precision, double precision, interval) IS
    'BG/NBD or MBG/NBD: probability, 0 to 1, that a customer with (frequency, recency, age) is still active. A given time unit must be the model''s.';
COMMENT ON FUNCTION @extschema@.predicted_clv(@extschema@.bgnbd_model, @extschema@.gamma_gamma_model, double precision, double precision, double precision, double precision, integer, double precision, double precision) IS
    'Sum over the periods of expected purchases x expected spend, discounted at the rate in % per period (BG/NBD or MBG/NBD, and Gamma-Gamma). A given time unit must be the purchase model''s.';
COMMENT ON FUNCTION @extschema@.predicted_clv(@extschema@.bgnbd_model, @extschema@.gamma_gamma_model, double precision, double precision, double precision, double precision, integer, double precision, double precision, interval) IS
    'Sum over the periods of expected purchases x expected spend, discounted at the rate in % per period (BG/NBD or MBG/NBD, and Gamma-Gamma). A given time unit must be the purchase model''s.';
COMMENT ON FUNCTION @extschema@.probability_alive_interval(@extschema@.bgnbd_model, double precision, double precision, double precision, double precision) IS
    'BG/NBD or MBG/NBD: P(alive) with its delta-method standard error and confidence interval (logit scale) at the level (default 0.95).';
COMMENT ON FUNCTION @extschema@.expected_purchases_interval(@extschema@.bgnbd_model, double precision, double precision, double precision, double precision, double precision) IS
    'BG/NBD or MBG/NBD: expected purchases in the next t with their delta-method standard error and confidence interval (log scale) at the level (default 0.95).';
COMMENT ON FUNCTION @extschema@.expected_purchases_interval(@extschema@.bgnbd_model, double precision, double precision) IS
    'BG/NBD or MBG/NBD: a new customer''s expected purchases in the first t with their delta-method standard error and confidence interval at the level (default 0.95).';
COMMENT ON FUNCTION @extschema@.predicted_clv_interval(@extschema@.bgnbd_model, @extschema@.gamma_gamma_model, double precision, double precision, double precision, double precision, integer, double precision, double precision, double precision) IS
    'predicted_clv with its delta-method standard error (both fits'' variances added) and confidence interval (log scale) at the level (default 0.95).';
COMMENT ON FUNCTION @extschema@.purchase_count_probability(@extschema@.bgnbd_model, double precision, integer) IS
    'BG/NBD or MBG/NBD: P(X(t) = n), the probability that a new customer makes n repeat purchases in the first t (eq. 8 of the BG/NBD paper); summed over customers, the expected histogram of frequencies.';
COMMENT ON FUNCTION @extschema@.purchase_count_probability(@extschema@.bgnbd_model, double precision, integer, interval) IS
    'BG/NBD or MBG/NBD: P(X(t) = n), the probability that a new customer makes n repeat purchases in the first t (eq. 8 of the BG/NBD paper); a given time unit must be the model''s.';

/* ---------------------------------------------------------------------
 * The sBG model of contractual retention (src/sbg.c): the fit, from one
 * row per customer or from an aggregated table, and its predictions.
 * The stored type sbg_model and its accessors are in src/models.sql.
 * ---------------------------------------------------------------------
 */

CREATE FUNCTION loyalty_kpi_internal.sbg_fit_accum(internal, integer, boolean) RETURNS internal
AS 'MODULE_PATHNAME', 'sbg_fit_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.sbg_fit_accum(internal, integer, boolean, double precision) RETURNS internal
AS 'MODULE_PATHNAME', 'sbg_fit_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.sbg_fit_table_accum(internal, integer, double precision, double precision)
RETURNS internal
AS 'MODULE_PATHNAME', 'sbg_fit_table_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.sbg_fit_final(internal) RETURNS @extschema@.sbg_model
AS 'MODULE_PATHNAME', 'sbg_fit_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE AGGREGATE @extschema@.sbg_fit(periods integer, churned boolean) (
    SFUNC = loyalty_kpi_internal.sbg_fit_accum, STYPE = internal,
    FINALFUNC = loyalty_kpi_internal.sbg_fit_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = loyalty_kpi_internal.fit_combine,
    SERIALFUNC = loyalty_kpi_internal.fit_serialize, DESERIALFUNC = loyalty_kpi_internal.fit_deserialize,
    PARALLEL = SAFE);
COMMENT ON AGGREGATE @extschema@.sbg_fit(integer, boolean) IS
    'The sBG contractual retention model fitted by maximum likelihood to (periods, churned) rows, one per customer or weighted by a number of customers. NULL when there is no row.';

CREATE AGGREGATE @extschema@.sbg_fit(periods integer, churned boolean, customers double precision) (
    SFUNC = loyalty_kpi_internal.sbg_fit_accum, STYPE = internal,
    FINALFUNC = loyalty_kpi_internal.sbg_fit_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = loyalty_kpi_internal.fit_combine,
    SERIALFUNC = loyalty_kpi_internal.fit_serialize, DESERIALFUNC = loyalty_kpi_internal.fit_deserialize,
    PARALLEL = SAFE);
COMMENT ON AGGREGATE @extschema@.sbg_fit(integer, boolean, double precision) IS
    'The sBG contractual retention model fitted by maximum likelihood to (periods, churned) rows, one per customer or weighted by a number of customers. NULL when there is no row.';

CREATE AGGREGATE @extschema@.sbg_fit(period integer, lost double precision, still_active double precision) (
    SFUNC = loyalty_kpi_internal.sbg_fit_table_accum, STYPE = internal,
    FINALFUNC = loyalty_kpi_internal.sbg_fit_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = loyalty_kpi_internal.fit_combine,
    SERIALFUNC = loyalty_kpi_internal.fit_serialize, DESERIALFUNC = loyalty_kpi_internal.fit_deserialize,
    PARALLEL = SAFE);
COMMENT ON AGGREGATE @extschema@.sbg_fit(integer, double precision, double precision) IS
    'The sBG model fitted to an aggregated table: per period, the customers lost in it and those still active after it. NULL when there is no row.';

CREATE FUNCTION @extschema@.survival_probability(model @extschema@.sbg_model, t integer) RETURNS double precision
AS 'MODULE_PATHNAME', 'sbg_survival' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.survival_probability(@extschema@.sbg_model, integer) IS
    'sBG: S(t), the probability, 0 to 1, that a new customer is still active after t periods (has renewed t times).';

CREATE FUNCTION @extschema@.retention_rate(model @extschema@.sbg_model, t integer) RETURNS double precision
AS 'MODULE_PATHNAME', 'sbg_retention_rate' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.retention_rate(@extschema@.sbg_model, integer) IS
    'sBG: r(t) = S(t) / S(t-1) in %, the share of customers who renewed t - 1 times that renew a t-th time; t >= 1.';

CREATE FUNCTION @extschema@.expected_lifetime(model @extschema@.sbg_model) RETURNS double precision
AS 'MODULE_PATHNAME', 'sbg_expected_lifetime' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.expected_lifetime(@extschema@.sbg_model) IS
    'sBG: a new customer''s expected lifetime in periods, (alpha + beta - 1) / (alpha - 1); an error when alpha <= 1, where it is infinite.';

CREATE FUNCTION @extschema@.discounted_expected_lifetime(model @extschema@.sbg_model, discount_rate double precision)
RETURNS double precision
AS 'MODULE_PATHNAME', 'sbg_discounted_lifetime' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.discounted_expected_lifetime(@extschema@.sbg_model, double precision) IS
    'sBG: DEL, a new customer''s expected periods discounted at the rate in % per period (the first counts 1); CLV = margin per period x DEL.';

CREATE FUNCTION @extschema@.discounted_expected_lifetime(model @extschema@.sbg_model, discount_rate double precision,
                                                         renewals integer)
RETURNS double precision
AS 'MODULE_PATHNAME', 'sbg_discounted_lifetime' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.discounted_expected_lifetime(@extschema@.sbg_model, double precision, integer) IS
    'sBG: DERL of a customer who has renewed n times, valued just before the next renewal (it counts 1 if made), later periods discounted at the rate in %.';

CREATE FUNCTION @extschema@.survival_probability_interval(model @extschema@.sbg_model, t integer,
                                                          level double precision DEFAULT 0.95)
RETURNS @extschema@.prediction_interval
AS 'MODULE_PATHNAME', 'sbg_survival_interval' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.survival_probability_interval(@extschema@.sbg_model, integer, double precision) IS
    'sBG: S(t) with its delta-method standard error and confidence interval (logit scale) at the level (default 0.95).';

CREATE FUNCTION @extschema@.discounted_expected_lifetime_interval(model @extschema@.sbg_model, discount_rate double precision,
                                                                  level double precision DEFAULT 0.95)
RETURNS @extschema@.prediction_interval
AS 'MODULE_PATHNAME', 'sbg_discounted_lifetime_interval' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.discounted_expected_lifetime_interval(@extschema@.sbg_model, double precision, double precision) IS
    'sBG: DEL with its delta-method standard error and confidence interval (log scale) at the level (default 0.95).';

CREATE FUNCTION @extschema@.discounted_expected_lifetime_interval(model @extschema@.sbg_model, discount_rate double precision,
                                                                  renewals integer, level double precision DEFAULT 0.95)
RETURNS @extschema@.prediction_interval
AS 'MODULE_PATHNAME', 'sbg_discounted_lifetime_interval' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.discounted_expected_lifetime_interval(@extschema@.sbg_model, double precision, integer, double precision) IS
    'sBG: DERL after n renewals with its delta-method standard error and confidence interval (log scale) at the level (default 0.95).';

/* ---------------------------------------------------------------------
 * The BG/BB model of discrete-time purchases (src/bgbb.c): the fit over
 * (frequency, recency, opportunities) rows and its predictions.  The
 * stored type bgbb_model and its accessors are in src/models.sql.
 * ---------------------------------------------------------------------
 */

CREATE FUNCTION loyalty_kpi_internal.bgbb_fit_accum(internal, integer, integer, integer) RETURNS internal
AS 'MODULE_PATHNAME', 'bgbb_fit_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.bgbb_fit_accum(internal, integer, integer, integer, double precision) RETURNS internal
AS 'MODULE_PATHNAME', 'bgbb_fit_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.bgbb_fit_final(internal) RETURNS @extschema@.bgbb_model
AS 'MODULE_PATHNAME', 'bgbb_fit_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE AGGREGATE @extschema@.bgbb_fit(frequency integer, recency integer, opportunities integer) (
    SFUNC = loyalty_kpi_internal.bgbb_fit_accum, STYPE = internal,
    FINALFUNC = loyalty_kpi_internal.bgbb_fit_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = loyalty_kpi_internal.fit_combine,
    SERIALFUNC = loyalty_kpi_internal.fit_serialize, DESERIALFUNC = loyalty_kpi_internal.fit_deserialize,
    PARALLEL = SAFE);
COMMENT ON AGGREGATE @extschema@.bgbb_fit(integer, integer, integer) IS
    'The BG/BB discrete-time model fitted by maximum likelihood to (frequency, recency, opportunities) rows, optionally weighted by a number of customers. NULL when there is no row.';

CREATE AGGREGATE @extschema@.bgbb_fit(frequency integer, recency integer, opportunities integer,
                                      customers double precision) (
    SFUNC = loyalty_kpi_internal.bgbb_fit_accum, STYPE = internal,
    FINALFUNC = loyalty_kpi_internal.bgbb_fit_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = loyalty_kpi_internal.fit_combine,
    SERIALFUNC = loyalty_kpi_internal.fit_serialize, DESERIALFUNC = loyalty_kpi_internal.fit_deserialize,
    PARALLEL = SAFE);
COMMENT ON AGGREGATE @extschema@.bgbb_fit(integer, integer, integer, double precision) IS
    'The BG/BB discrete-time model fitted by maximum likelihood to (frequency, recency, opportunities) rows, optionally weighted by a number of customers. NULL when there is no row.';

CREATE FUNCTION @extschema@.probability_alive(model @extschema@.bgbb_model, frequency integer, recency integer,
                                              opportunities integer)
RETURNS double precision
AS 'MODULE_PATHNAME', 'bgbb_probability_alive' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.probability_alive(@extschema@.bgbb_model, integer, integer, integer) IS
    'BG/BB: probability, 0 to 1, that a customer with (frequency, recency, opportunities) is still active at the next opportunity.';

CREATE FUNCTION @extschema@.expected_purchases(model @extschema@.bgbb_model, future integer, frequency integer,
                                               recency integer, opportunities integer)
RETURNS double precision
AS 'MODULE_PATHNAME', 'bgbb_expected_purchases' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.expected_purchases(@extschema@.bgbb_model, integer, integer, integer, integer) IS
    'BG/BB: expected transactions in the next `future` opportunities of a customer with (frequency, recency, opportunities).';

CREATE FUNCTION @extschema@.expected_purchases(model @extschema@.bgbb_model, opportunities integer)
RETURNS double precision
AS 'MODULE_PATHNAME', 'bgbb_expected_purchases_new' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.expected_purchases(@extschema@.bgbb_model, integer) IS
    'BG/BB: a new customer''s expected transactions in their first n opportunities.';

CREATE FUNCTION @extschema@.discounted_expected_transactions(model @extschema@.bgbb_model, discount_rate double precision,
                                                             frequency integer, recency integer, opportunities integer)
RETURNS double precision
AS 'MODULE_PATHNAME', 'bgbb_discounted_transactions' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.discounted_expected_transactions(@extschema@.bgbb_model, double precision, integer, integer, integer) IS
    'BG/BB: DERT, a customer''s future transactions discounted at the rate in % per opportunity (the next one discounted once); CLV = value per transaction x DERT.';

CREATE FUNCTION @extschema@.probability_alive_interval(model @extschema@.bgbb_model, frequency integer, recency integer,
                                                       opportunities integer, level double precision DEFAULT 0.95)
RETURNS @extschema@.prediction_interval
AS 'MODULE_PATHNAME', 'bgbb_probability_alive' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.probability_alive_interval(@extschema@.bgbb_model, integer, integer, integer, double precision) IS
    'BG/BB: P(active at the next opportunity) with its delta-method standard error and confidence interval (logit scale) at the level (default 0.95).';

CREATE FUNCTION @extschema@.expected_purchases_interval(model @extschema@.bgbb_model, future integer, frequency integer,
                                                        recency integer, opportunities integer,
                                                        level double precision DEFAULT 0.95)
RETURNS @extschema@.prediction_interval
AS 'MODULE_PATHNAME', 'bgbb_expected_purchases' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.expected_purchases_interval(@extschema@.bgbb_model, integer, integer, integer, integer, double precision) IS
    'BG/BB: expected transactions in the next opportunities with their delta-method standard error and confidence interval (log scale) at the level (default 0.95).';

CREATE FUNCTION @extschema@.discounted_expected_transactions_interval(model @extschema@.bgbb_model, discount_rate double precision,
                                                                      frequency integer, recency integer, opportunities integer,
                                                                      level double precision DEFAULT 0.95)
RETURNS @extschema@.prediction_interval
AS 'MODULE_PATHNAME', 'bgbb_discounted_transactions' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.discounted_expected_transactions_interval(@extschema@.bgbb_model, double precision, integer, integer, integer, double precision) IS
    'BG/BB: DERT with its delta-method standard error and confidence interval (log scale) at the level (default 0.95).';

-- as the full install script does (src/privileges.sql): support functions are the aggregates' own
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
