/*
 * loyalty_kpi 1.7 -> 1.8: the Pareto/NBD purchase model.
 *
 * pareto_nbd_fit over the rows bgnbd_fit takes, the stored type
 * pareto_nbd_model with the accessors every model type has, and the
 * purchase models' predictions (expected_purchases, probability_alive,
 * predicted_clv and their intervals, purchase_count_probability) for it (src/pareto_nbd.c,
 * src/bgnbd.sql's template, src/models.sql).  The descriptions of the
 * functions the three purchase models share now name all three.  sBG's
 * retention rate gets an interval (retention_rate_interval).  btyd_summary
 * gets a form with the holdout beside the calibration summary
 * (btyd_holdout_customer); its partial states carry the holdout, so their
 * serial format is 2.
 * Generated from the sources: the templates expanded for pareto_nbd.
 */

\echo Use "ALTER EXTENSION loyalty_kpi UPDATE TO '1.8'" to load this file. \quit

-- the type and its accessors, as src/models.sql's template makes them for every model type
CREATE TYPE @extschema@.pareto_nbd_model;

CREATE FUNCTION loyalty_kpi_internal.pareto_nbd_model_in(cstring) RETURNS @extschema@.pareto_nbd_model
AS 'MODULE_PATHNAME', 'pareto_nbd_model_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.pareto_nbd_model_out(@extschema@.pareto_nbd_model) RETURNS cstring
AS 'MODULE_PATHNAME', 'pareto_nbd_model_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.pareto_nbd_model_recv(internal) RETURNS @extschema@.pareto_nbd_model
AS 'MODULE_PATHNAME', 'pareto_nbd_model_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.pareto_nbd_model_send(@extschema@.pareto_nbd_model) RETURNS bytea
AS 'MODULE_PATHNAME', 'pareto_nbd_model_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE @extschema@.pareto_nbd_model (
    INPUT = loyalty_kpi_internal.pareto_nbd_model_in, OUTPUT = loyalty_kpi_internal.pareto_nbd_model_out,
    RECEIVE = loyalty_kpi_internal.pareto_nbd_model_recv, SEND = loyalty_kpi_internal.pareto_nbd_model_send,
    INTERNALLENGTH = VARIABLE, ALIGNMENT = double, STORAGE = plain);

CREATE FUNCTION @extschema@.pareto_nbd_model_jsonb(model @extschema@.pareto_nbd_model) RETURNS jsonb
AS 'MODULE_PATHNAME', 'pareto_nbd_model_jsonb' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE CAST (@extschema@.pareto_nbd_model AS jsonb) WITH FUNCTION @extschema@.pareto_nbd_model_jsonb(@extschema@.pareto_nbd_model);

CREATE FUNCTION @extschema@.parameter(model @extschema@.pareto_nbd_model, name text) RETURNS double precision
AS 'MODULE_PATHNAME', 'model_parameter' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.parameter(@extschema@.pareto_nbd_model, text) IS
    'A fitted model''s parameter by name (BG/NBD and MBG/NBD: r, alpha, a, b; Pareto/NBD: r, alpha, s, beta; Gamma-Gamma: p, q, gamma; sBG: alpha, beta; BG/BB: alpha, beta, gamma, delta).';

CREATE FUNCTION @extschema@.standard_error(model @extschema@.pareto_nbd_model, name text) RETURNS double precision
AS 'MODULE_PATHNAME', 'model_standard_error' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.standard_error(@extschema@.pareto_nbd_model, text) IS
    'Standard error of a fitted model''s parameter, from the observed information; NULL where the information could not give one.';

CREATE FUNCTION @extschema@.log_likelihood(model @extschema@.pareto_nbd_model) RETURNS double precision
AS 'MODULE_PATHNAME', 'model_log_likelihood' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.log_likelihood(@extschema@.pareto_nbd_model) IS
    'Log-likelihood of a fitted model at its estimates.';

CREATE FUNCTION @extschema@.fitted_customers(model @extschema@.pareto_nbd_model) RETURNS double precision
AS 'MODULE_PATHNAME', 'model_customers' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.fitted_customers(@extschema@.pareto_nbd_model) IS
    'Number of customers (summed weights) a model was fitted to.';

CREATE FUNCTION @extschema@.evaluations(model @extschema@.pareto_nbd_model) RETURNS integer
AS 'MODULE_PATHNAME', 'model_iterations' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.evaluations(@extschema@.pareto_nbd_model) IS
    'Likelihood evaluations the fit took.';

CREATE FUNCTION @extschema@.converged(model @extschema@.pareto_nbd_model) RETURNS boolean
AS 'MODULE_PATHNAME', 'model_converged' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.converged(@extschema@.pareto_nbd_model) IS
    'Whether the fit reached an interior maximum with every parameter identified (README: the rule); predictions refuse a model that did not.';


COMMENT ON TYPE @extschema@.pareto_nbd_model IS
    'A fitted Pareto/NBD purchase model: r, alpha, s, beta with standard errors, log-likelihood, converged flag and time unit.';
COMMENT ON FUNCTION @extschema@.pareto_nbd_model_jsonb(@extschema@.pareto_nbd_model) IS
    'A Pareto/NBD model as jsonb: parameters with standard errors, log-likelihood, customers, evaluations, converged, time unit.';

-- its fit and predictions, as src/bgnbd.sql's template makes them for every purchase model
-- the C reads the optional weight and time unit by their types
CREATE FUNCTION loyalty_kpi_internal.pareto_nbd_fit_accum(internal, double precision, double precision, double precision)
RETURNS internal
AS 'MODULE_PATHNAME', 'pareto_nbd_fit_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.pareto_nbd_fit_accum(internal, double precision, double precision, double precision,
                                                  double precision)
RETURNS internal
AS 'MODULE_PATHNAME', 'pareto_nbd_fit_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.pareto_nbd_fit_accum(internal, double precision, double precision, double precision,
                                                  interval)
RETURNS internal
AS 'MODULE_PATHNAME', 'pareto_nbd_fit_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.pareto_nbd_fit_accum(internal, double precision, double precision, double precision,
                                                  double precision, interval)
RETURNS internal
AS 'MODULE_PATHNAME', 'pareto_nbd_fit_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.pareto_nbd_fit_final(internal) RETURNS @extschema@.pareto_nbd_model
AS 'MODULE_PATHNAME', 'pareto_nbd_fit_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE AGGREGATE @extschema@.pareto_nbd_fit(frequency double precision, recency double precision, age double precision) (
    SFUNC = loyalty_kpi_internal.pareto_nbd_fit_accum, STYPE = internal,
    FINALFUNC = loyalty_kpi_internal.pareto_nbd_fit_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = loyalty_kpi_internal.fit_combine,
    SERIALFUNC = loyalty_kpi_internal.fit_serialize, DESERIALFUNC = loyalty_kpi_internal.fit_deserialize,
    PARALLEL = SAFE);
COMMENT ON AGGREGATE @extschema@.pareto_nbd_fit(double precision, double precision, double precision) IS
    'A purchase model (bgnbd_fit: BG/NBD; mbgnbd_fit: MBG/NBD; pareto_nbd_fit: Pareto/NBD) fitted by maximum likelihood to (frequency, recency, age) rows, optionally weighted by a number of customers and recording the time unit. NULL when there is no row.';

CREATE AGGREGATE @extschema@.pareto_nbd_fit(frequency double precision, recency double precision, age double precision,
                                       customers double precision) (
    SFUNC = loyalty_kpi_internal.pareto_nbd_fit_accum, STYPE = internal,
    FINALFUNC = loyalty_kpi_internal.pareto_nbd_fit_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = loyalty_kpi_internal.fit_combine,
    SERIALFUNC = loyalty_kpi_internal.fit_serialize, DESERIALFUNC = loyalty_kpi_internal.fit_deserialize,
    PARALLEL = SAFE);
COMMENT ON AGGREGATE @extschema@.pareto_nbd_fit(double precision, double precision, double precision, double precision) IS
    'A purchase model (bgnbd_fit: BG/NBD; mbgnbd_fit: MBG/NBD; pareto_nbd_fit: Pareto/NBD) fitted by maximum likelihood to (frequency, recency, age) rows, optionally weighted by a number of customers and recording the time unit. NULL when there is no row.';

CREATE AGGREGATE @extschema@.pareto_nbd_fit(frequency double precision, recency double precision, age double precision,
                                       time_unit interval) (
    SFUNC = loyalty_kpi_internal.pareto_nbd_fit_accum, STYPE = internal,
    FINALFUNC = loyalty_kpi_internal.pareto_nbd_fit_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = loyalty_kpi_internal.fit_combine,
    SERIALFUNC = loyalty_kpi_internal.fit_serialize, DESERIALFUNC = loyalty_kpi_internal.fit_deserialize,
    PARALLEL = SAFE);
COMMENT ON AGGREGATE @extschema@.pareto_nbd_fit(double precision, double precision, double precision, interval) IS
    'A purchase model (bgnbd_fit: BG/NBD; mbgnbd_fit: MBG/NBD; pareto_nbd_fit: Pareto/NBD) fitted by maximum likelihood to (frequency, recency, age) rows, optionally weighted by a number of customers and recording the time unit. NULL when there is no row.';

CREATE AGGREGATE @extschema@.pareto_nbd_fit(frequency double precision, recency double precision, age double precision,
                                       customers double precision, time_unit interval) (
    SFUNC = loyalty_kpi_internal.pareto_nbd_fit_accum, STYPE = internal,
    FINALFUNC = loyalty_kpi_internal.pareto_nbd_fit_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = loyalty_kpi_internal.fit_combine,
    SERIALFUNC = loyalty_kpi_internal.fit_serialize, DESERIALFUNC = loyalty_kpi_internal.fit_deserialize,
    PARALLEL = SAFE);
COMMENT ON AGGREGATE @extschema@.pareto_nbd_fit(double precision, double precision, double precision, double precision, interval) IS
    'A purchase model (bgnbd_fit: BG/NBD; mbgnbd_fit: MBG/NBD; pareto_nbd_fit: Pareto/NBD) fitted by maximum likelihood to (frequency, recency, age) rows, optionally weighted by a number of customers and recording the time unit. NULL when there is no row.';

CREATE FUNCTION @extschema@.time_unit(model @extschema@.pareto_nbd_model) RETURNS interval
AS 'MODULE_PATHNAME', 'model_time_unit' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.time_unit(@extschema@.pareto_nbd_model) IS
    'The time unit a BG/NBD, MBG/NBD or Pareto/NBD model was fitted in (its fit with a time unit); NULL when not recorded.';

-- E[Y(t) | x, t_x, T]: the customer's expected purchases in the next t
CREATE FUNCTION @extschema@.expected_purchases(model @extschema@.pareto_nbd_model, t double precision,
                                               frequency double precision, recency double precision, age double precision)
RETURNS double precision
AS 'MODULE_PATHNAME', 'bgnbd_expected_purchases' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.expected_purchases(@extschema@.pareto_nbd_model, double precision, double precision, double precision, double precision) IS
    'BG/NBD, MBG/NBD or Pareto/NBD: expected purchases in the next t time units of a customer with (frequency, recency, age), or of a new customer in the first t; within 1e-8 relative or an error. A given time unit must be the model''s.';

CREATE FUNCTION @extschema@.expected_purchases(model @extschema@.pareto_nbd_model, t double precision,
                                               frequency double precision, recency double precision, age double precision,
                                               time_unit interval)
RETURNS double precision
AS 'MODULE_PATHNAME', 'bgnbd_expected_purchases' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.expected_purchases(@extschema@.pareto_nbd_model, double precision, double precision, double precision, double precision, interval) IS
    'BG/NBD, MBG/NBD or Pareto/NBD: expected purchases in the next t time units of a customer with (frequency, recency, age), or of a new customer in the first t; within 1e-8 relative or an error. A given time unit must be the model''s.';

-- E[X(t)]: a new customer's expected purchases in the first t after the first purchase
CREATE FUNCTION @extschema@.expected_purchases(model @extschema@.pareto_nbd_model, t double precision)
RETURNS double precision
AS 'MODULE_PATHNAME', 'bgnbd_expected_purchases_new' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.expected_purchases(@extschema@.pareto_nbd_model, double precision) IS
    'BG/NBD, MBG/NBD or Pareto/NBD: expected purchases in the next t time units of a customer with (frequency, recency, age), or of a new customer in the first t; within 1e-8 relative or an error. A given time unit must be the model''s.';

CREATE FUNCTION @extschema@.expected_purchases(model @extschema@.pareto_nbd_model, t double precision, time_unit interval)
RETURNS double precision
AS 'MODULE_PATHNAME', 'bgnbd_expected_purchases_new' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.expected_purchases(@extschema@.pareto_nbd_model, double precision, interval) IS
    'BG/NBD, MBG/NBD or Pareto/NBD: expected purchases in the next t time units of a customer with (frequency, recency, age), or of a new customer in the first t; within 1e-8 relative or an error. A given time unit must be the model''s.';

CREATE FUNCTION @extschema@.probability_alive(model @extschema@.pareto_nbd_model, frequency double precision,
                                              recency double precision, age double precision)
RETURNS double precision
AS 'MODULE_PATHNAME', 'bgnbd_probability_alive' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.probability_alive(@extschema@.pareto_nbd_model, double precision, double precision, double precision) IS
    'BG/NBD, MBG/NBD or Pareto/NBD: probability, 0 to 1, that a customer with (frequency, recency, age) is still active. A given time unit must be the model''s.';

CREATE FUNCTION @extschema@.probability_alive(model @extschema@.pareto_nbd_model, frequency double precision,
                                              recency double precision, age double precision, time_unit interval)
RETURNS double precision
AS 'MODULE_PATHNAME', 'bgnbd_probability_alive' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.probability_alive(@extschema@.pareto_nbd_model, double precision, double precision, double precision, interval) IS
    'BG/NBD, MBG/NBD or Pareto/NBD: probability, 0 to 1, that a customer with (frequency, recency, age) is still active. A given time unit must be the model''s.';

-- sum over periods of discounted expected purchases x expected spend; not STRICT, as expected_spend
CREATE FUNCTION @extschema@.predicted_clv(purchases @extschema@.pareto_nbd_model, spend @extschema@.gamma_gamma_model,
                                          frequency double precision, recency double precision,
                                          age double precision, monetary_value double precision,
                                          periods integer, period_length double precision,
                                          discount_rate double precision)
RETURNS double precision
AS 'MODULE_PATHNAME', 'predicted_clv' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.predicted_clv(@extschema@.pareto_nbd_model, @extschema@.gamma_gamma_model, double precision, double precision, double precision, double precision, integer, double precision, double precision) IS
    'Sum over the periods of expected purchases x expected spend, discounted at the rate in % per period (BG/NBD, MBG/NBD or Pareto/NBD, and Gamma-Gamma). A given time unit must be the purchase model''s.';

CREATE FUNCTION @extschema@.predicted_clv(purchases @extschema@.pareto_nbd_model, spend @extschema@.gamma_gamma_model,
                                          frequency double precision, recency double precision,
                                          age double precision, monetary_value double precision,
                                          periods integer, period_length double precision,
                                          discount_rate double precision, time_unit interval)
RETURNS double precision
AS 'MODULE_PATHNAME', 'predicted_clv' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.predicted_clv(@extschema@.pareto_nbd_model, @extschema@.gamma_gamma_model, double precision, double precision, double precision, double precision, integer, double precision, double precision, interval) IS
    'Sum over the periods of expected purchases x expected spend, discounted at the rate in % per period (BG/NBD, MBG/NBD or Pareto/NBD, and Gamma-Gamma). A given time unit must be the purchase model''s.';

-- intervals: the prediction with its delta-method standard error (src/model.c)
CREATE FUNCTION @extschema@.probability_alive_interval(model @extschema@.pareto_nbd_model, frequency double precision,
                                                       recency double precision, age double precision,
                                                       level double precision DEFAULT 0.95)
RETURNS @extschema@.prediction_interval
AS 'MODULE_PATHNAME', 'nbd_probability_alive_interval' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.probability_alive_interval(@extschema@.pareto_nbd_model, double precision, double precision, double precision, double precision) IS
    'BG/NBD, MBG/NBD or Pareto/NBD: P(alive) with its delta-method standard error and confidence interval (logit scale) at the level (default 0.95).';

CREATE FUNCTION @extschema@.expected_purchases_interval(model @extschema@.pareto_nbd_model, t double precision,
                                                        frequency double precision, recency double precision,
                                                        age double precision, level double precision DEFAULT 0.95)
RETURNS @extschema@.prediction_interval
AS 'MODULE_PATHNAME', 'nbd_expected_purchases_interval' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.expected_purchases_interval(@extschema@.pareto_nbd_model, double precision, double precision, double precision, double precision, double precision) IS
    'BG/NBD, MBG/NBD or Pareto/NBD: expected purchases in the next t with their delta-method standard error and confidence interval (log scale) at the level (default 0.95).';

CREATE FUNCTION @extschema@.expected_purchases_interval(model @extschema@.pareto_nbd_model, t double precision,
                                                        level double precision DEFAULT 0.95)
RETURNS @extschema@.prediction_interval
AS 'MODULE_PATHNAME', 'nbd_expected_purchases_interval' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.expected_purchases_interval(@extschema@.pareto_nbd_model, double precision, double precision) IS
    'BG/NBD, MBG/NBD or Pareto/NBD: a new customer''s expected purchases in the first t with their delta-method standard error and confidence interval at the level (default 0.95).';

-- not STRICT, as predicted_clv; the two fits' variances add
CREATE FUNCTION @extschema@.predicted_clv_interval(purchases @extschema@.pareto_nbd_model, spend @extschema@.gamma_gamma_model,
                                                   frequency double precision, recency double precision,
                                                   age double precision, monetary_value double precision,
                                                   periods integer, period_length double precision,
                                                   discount_rate double precision, level double precision DEFAULT 0.95)
RETURNS @extschema@.prediction_interval
AS 'MODULE_PATHNAME', 'predicted_clv_interval' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.predicted_clv_interval(@extschema@.pareto_nbd_model, @extschema@.gamma_gamma_model, double precision, double precision, double precision, double precision, integer, double precision, double precision, double precision) IS
    'predicted_clv with its delta-method standard error (both fits'' variances added) and confidence interval (log scale) at the level (default 0.95).';

-- the shared functions' descriptions now name Pareto/NBD too
COMMENT ON AGGREGATE @extschema@.bgnbd_fit(double precision, double precision, double precision) IS
    'A purchase model (bgnbd_fit: BG/NBD; mbgnbd_fit: MBG/NBD; pareto_nbd_fit: Pareto/NBD) fitted by maximum likelihood to (frequency, recency, age) rows, optionally weighted by a number of customers and recording the time unit. NULL when there is no row.';
COMMENT ON AGGREGATE @extschema@.bgnbd_fit(double precision, double precision, double precision, double precision) IS
    'A purchase model (bgnbd_fit: BG/NBD; mbgnbd_fit: MBG/NBD; pareto_nbd_fit: Pareto/NBD) fitted by maximum likelihood to (frequency, recency, age) rows, optionally weighted by a number of customers and recording the time unit. NULL when there is no row.';
COMMENT ON AGGREGATE @extschema@.bgnbd_fit(double precision, double precision, double precision, interval) IS
    'A purchase model (bgnbd_fit: BG/NBD; mbgnbd_fit: MBG/NBD; pareto_nbd_fit: Pareto/NBD) fitted by maximum likelihood to (frequency, recency, age) rows, optionally weighted by a number of customers and recording the time unit. NULL when there is no row.';
COMMENT ON AGGREGATE @extschema@.bgnbd_fit(double precision, double precision, double precision, double precision, interval) IS
    'A purchase model (bgnbd_fit: BG/NBD; mbgnbd_fit: MBG/NBD; pareto_nbd_fit: Pareto/NBD) fitted by maximum likelihood to (frequency, recency, age) rows, optionally weighted by a number of customers and recording the time unit. NULL when there is no row.';
COMMENT ON FUNCTION @extschema@.time_unit(@extschema@.bgnbd_model) IS
    'The time unit a BG/NBD, MBG/NBD or Pareto/NBD model was fitted in (its fit with a time unit); NULL when not recorded.';
COMMENT ON FUNCTION @extschema@.expected_purchases(@extschema@.bgnbd_model, double precision, double precision, double precision, double precision) IS
    'BG/NBD, MBG/NBD or Pareto/NBD: expected purchases in the next t time units of a customer with (frequency, recency, age), or of a new customer in the first t; within 1e-8 relative or an error. A given time unit must be the model''s.';
COMMENT ON FUNCTION @extschema@.expected_purchases(@extschema@.bgnbd_model, double precision, double precision, double precision, double precision, interval) IS
    'BG/NBD, MBG/NBD or Pareto/NBD: expected purchases in the next t time units of a customer with (frequency, recency, age), or of a new customer in the first t; within 1e-8 relative or an error. A given time unit must be the model''s.';
COMMENT ON FUNCTION @extschema@.expected_purchases(@extschema@.bgnbd_model, double precision) IS
    'BG/NBD, MBG/NBD or Pareto/NBD: expected purchases in the next t time units of a customer with (frequency, recency, age), or of a new customer in the first t; within 1e-8 relative or an error. A given time unit must be the model''s.';
COMMENT ON FUNCTION @extschema@.expected_purchases(@extschema@.bgnbd_model, double precision, interval) IS
    'BG/NBD, MBG/NBD or Pareto/NBD: expected purchases in the next t time units of a customer with (frequency, recency, age), or of a new customer in the first t; within 1e-8 relative or an error. A given time unit must be the model''s.';
COMMENT ON FUNCTION @extschema@.probability_alive(@extschema@.bgnbd_model, double precision, double precision, double precision) IS
    'BG/NBD, MBG/NBD or Pareto/NBD: probability, 0 to 1, that a customer with (frequency, recency, age) is still active. A given time unit must be the model''s.';
COMMENT ON FUNCTION @extschema@.probability_alive(@extschema@.bgnbd_model, double precision, double precision, double precision, interval) IS
    'BG/NBD, MBG/NBD or Pareto/NBD: probability, 0 to 1, that a customer with (frequency, recency, age) is still active. A given time unit must be the model''s.';
COMMENT ON FUNCTION @extschema@.predicted_clv(@extschema@.bgnbd_model, @extschema@.gamma_gamma_model, double precision, double precision, double precision, double precision, integer, double precision, double precision) IS
    'Sum over the periods of expected purchases x expected spend, discounted at the rate in % per period (BG/NBD, MBG/NBD or Pareto/NBD, and Gamma-Gamma). A given time unit must be the purchase model''s.';
COMMENT ON FUNCTION @extschema@.predicted_clv(@extschema@.bgnbd_model, @extschema@.gamma_gamma_model, double precision, double precision, double precision, double precision, integer, double precision, double precision, interval) IS
    'Sum over the periods of expected purchases x expected spend, discounted at the rate in % per period (BG/NBD, MBG/NBD or Pareto/NBD, and Gamma-Gamma). A given time unit must be the purchase model''s.';
COMMENT ON FUNCTION @extschema@.probability_alive_interval(@extschema@.bgnbd_model, double precision, double precision, double precision, double precision) IS
    'BG/NBD, MBG/NBD or Pareto/NBD: P(alive) with its delta-method standard error and confidence interval (logit scale) at the level (default 0.95).';
COMMENT ON FUNCTION @extschema@.expected_purchases_interval(@extschema@.bgnbd_model, double precision, double precision, double precision, double precision, double precision) IS
    'BG/NBD, MBG/NBD or Pareto/NBD: expected purchases in the next t with their delta-method standard error and confidence interval (log scale) at the level (default 0.95).';
COMMENT ON FUNCTION @extschema@.expected_purchases_interval(@extschema@.bgnbd_model, double precision, double precision) IS
    'BG/NBD, MBG/NBD or Pareto/NBD: a new customer''s expected purchases in the first t with their delta-method standard error and confidence interval at the level (default 0.95).';
COMMENT ON AGGREGATE @extschema@.mbgnbd_fit(double precision, double precision, double precision) IS
    'A purchase model (bgnbd_fit: BG/NBD; mbgnbd_fit: MBG/NBD; pareto_nbd_fit: Pareto/NBD) fitted by maximum likelihood to (frequency, recency, age) rows, optionally weighted by a number of customers and recording the time unit. NULL when there is no row.';
COMMENT ON AGGREGATE @extschema@.mbgnbd_fit(double precision, double precision, double precision, double precision) IS
    'A purchase model (bgnbd_fit: BG/NBD; mbgnbd_fit: MBG/NBD; pareto_nbd_fit: Pareto/NBD) fitted by maximum likelihood to (frequency, recency, age) rows, optionally weighted by a number of customers and recording the time unit. NULL when there is no row.';
COMMENT ON AGGREGATE @extschema@.mbgnbd_fit(double precision, double precision, double precision, interval) IS
    'A purchase model (bgnbd_fit: BG/NBD; mbgnbd_fit: MBG/NBD; pareto_nbd_fit: Pareto/NBD) fitted by maximum likelihood to (frequency, recency, age) rows, optionally weighted by a number of customers and recording the time unit. NULL when there is no row.';
COMMENT ON AGGREGATE @extschema@.mbgnbd_fit(double precision, double precision, double precision, double precision, interval) IS
    'A purchase model (bgnbd_fit: BG/NBD; mbgnbd_fit: MBG/NBD; pareto_nbd_fit: Pareto/NBD) fitted by maximum likelihood to (frequency, recency, age) rows, optionally weighted by a number of customers and recording the time unit. NULL when there is no row.';
COMMENT ON FUNCTION @extschema@.time_unit(@extschema@.mbgnbd_model) IS
    'The time unit a BG/NBD, MBG/NBD or Pareto/NBD model was fitted in (its fit with a time unit); NULL when not recorded.';
COMMENT ON FUNCTION @extschema@.expected_purchases(@extschema@.mbgnbd_model, double precision, double precision, double precision, double precision) IS
    'BG/NBD, MBG/NBD or Pareto/NBD: expected purchases in the next t time units of a customer with (frequency, recency, age), or of a new customer in the first t; within 1e-8 relative or an error. A given time unit must be the model''s.';
COMMENT ON FUNCTION @extschema@.expected_purchases(@extschema@.mbgnbd_model, double precision, double precision, double precision, double precision, interval) IS
    'BG/NBD, MBG/NBD or Pareto/NBD: expected purchases in the next t time units of a customer with (frequency, recency, age), or of a new customer in the first t; within 1e-8 relative or an error. A given time unit must be the model''s.';
COMMENT ON FUNCTION @extschema@.expected_purchases(@extschema@.mbgnbd_model, double precision) IS
    'BG/NBD, MBG/NBD or Pareto/NBD: expected purchases in the next t time units of a customer with (frequency, recency, age), or of a new customer in the first t; within 1e-8 relative or an error. A given time unit must be the model''s.';
COMMENT ON FUNCTION @extschema@.expected_purchases(@extschema@.mbgnbd_model, double precision, interval) IS
    'BG/NBD, MBG/NBD or Pareto/NBD: expected purchases in the next t time units of a customer with (frequency, recency, age), or of a new customer in the first t; within 1e-8 relative or an error. A given time unit must be the model''s.';
COMMENT ON FUNCTION @extschema@.probability_alive(@extschema@.mbgnbd_model, double precision, double precision, double precision) IS
    'BG/NBD, MBG/NBD or Pareto/NBD: probability, 0 to 1, that a customer with (frequency, recency, age) is still active. A given time unit must be the model''s.';
COMMENT ON FUNCTION @extschema@.probability_alive(@extschema@.mbgnbd_model, double precision, double precision, double precision, interval) IS
    'BG/NBD, MBG/NBD or Pareto/NBD: probability, 0 to 1, that a customer with (frequency, recency, age) is still active. A given time unit must be the model''s.';
COMMENT ON FUNCTION @extschema@.predicted_clv(@extschema@.mbgnbd_model, @extschema@.gamma_gamma_model, double precision, double precision, double precision, double precision, integer, double precision, double precision) IS
    'Sum over the periods of expected purchases x expected spend, discounted at the rate in % per period (BG/NBD, MBG/NBD or Pareto/NBD, and Gamma-Gamma). A given time unit must be the purchase model''s.';
COMMENT ON FUNCTION @extschema@.predicted_clv(@extschema@.mbgnbd_model, @extschema@.gamma_gamma_model, double precision, double precision, double precision, double precision, integer, double precision, double precision, interval) IS
    'Sum over the periods of expected purchases x expected spend, discounted at the rate in % per period (BG/NBD, MBG/NBD or Pareto/NBD, and Gamma-Gamma). A given time unit must be the purchase model''s.';
COMMENT ON FUNCTION @extschema@.probability_alive_interval(@extschema@.mbgnbd_model, double precision, double precision, double precision, double precision) IS
    'BG/NBD, MBG/NBD or Pareto/NBD: P(alive) with its delta-method standard error and confidence interval (logit scale) at the level (default 0.95).';
COMMENT ON FUNCTION @extschema@.expected_purchases_interval(@extschema@.mbgnbd_model, double precision, double precision, double precision, double precision, double precision) IS
    'BG/NBD, MBG/NBD or Pareto/NBD: expected purchases in the next t with their delta-method standard error and confidence interval (log scale) at the level (default 0.95).';
COMMENT ON FUNCTION @extschema@.expected_purchases_interval(@extschema@.mbgnbd_model, double precision, double precision) IS
    'BG/NBD, MBG/NBD or Pareto/NBD: a new customer''s expected purchases in the first t with their delta-method standard error and confidence interval at the level (default 0.95).';
COMMENT ON FUNCTION @extschema@.parameter(@extschema@.bgnbd_model, text) IS
    'A fitted model''s parameter by name (BG/NBD and MBG/NBD: r, alpha, a, b; Pareto/NBD: r, alpha, s, beta; Gamma-Gamma: p, q, gamma; sBG: alpha, beta; BG/BB: alpha, beta, gamma, delta).';
COMMENT ON FUNCTION @extschema@.parameter(@extschema@.gamma_gamma_model, text) IS
    'A fitted model''s parameter by name (BG/NBD and MBG/NBD: r, alpha, a, b; Pareto/NBD: r, alpha, s, beta; Gamma-Gamma: p, q, gamma; sBG: alpha, beta; BG/BB: alpha, beta, gamma, delta).';
COMMENT ON FUNCTION @extschema@.parameter(@extschema@.sbg_model, text) IS
    'A fitted model''s parameter by name (BG/NBD and MBG/NBD: r, alpha, a, b; Pareto/NBD: r, alpha, s, beta; Gamma-Gamma: p, q, gamma; sBG: alpha, beta; BG/BB: alpha, beta, gamma, delta).';
COMMENT ON FUNCTION @extschema@.parameter(@extschema@.bgbb_model, text) IS
    'A fitted model''s parameter by name (BG/NBD and MBG/NBD: r, alpha, a, b; Pareto/NBD: r, alpha, s, beta; Gamma-Gamma: p, q, gamma; sBG: alpha, beta; BG/BB: alpha, beta, gamma, delta).';
COMMENT ON FUNCTION @extschema@.parameter(@extschema@.mbgnbd_model, text) IS
    'A fitted model''s parameter by name (BG/NBD and MBG/NBD: r, alpha, a, b; Pareto/NBD: r, alpha, s, beta; Gamma-Gamma: p, q, gamma; sBG: alpha, beta; BG/BB: alpha, beta, gamma, delta).';

-- Pareto/NBD's P(X(t) = n), as the template makes it for every purchase model
-- P(X(t) = n), eq. 8 of the BG/NBD paper (and its MBG/NBD counterpart)
CREATE FUNCTION @extschema@.purchase_count_probability(model @extschema@.pareto_nbd_model, t double precision, n integer)
RETURNS double precision
AS 'MODULE_PATHNAME', 'nbd_count_probability_sql' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.purchase_count_probability(@extschema@.pareto_nbd_model, double precision, integer) IS
    'BG/NBD, MBG/NBD or Pareto/NBD: P(X(t) = n), the probability that a new customer makes n repeat purchases in the first t (eq. 8 of the BG/NBD paper); summed over customers, the expected histogram of frequencies.';

CREATE FUNCTION @extschema@.purchase_count_probability(model @extschema@.pareto_nbd_model, t double precision, n integer,
                                                       time_unit interval)
RETURNS double precision
AS 'MODULE_PATHNAME', 'nbd_count_probability_sql' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.purchase_count_probability(@extschema@.pareto_nbd_model, double precision, integer, interval) IS
    'BG/NBD, MBG/NBD or Pareto/NBD: P(X(t) = n), the probability that a new customer makes n repeat purchases in the first t (eq. 8 of the BG/NBD paper); a given time unit must be the model''s.';


-- its description now names Pareto/NBD too
COMMENT ON FUNCTION @extschema@.purchase_count_probability(@extschema@.bgnbd_model, double precision, integer) IS
    'BG/NBD, MBG/NBD or Pareto/NBD: P(X(t) = n), the probability that a new customer makes n repeat purchases in the first t (eq. 8 of the BG/NBD paper); summed over customers, the expected histogram of frequencies.';
COMMENT ON FUNCTION @extschema@.purchase_count_probability(@extschema@.bgnbd_model, double precision, integer, interval) IS
    'BG/NBD, MBG/NBD or Pareto/NBD: P(X(t) = n), the probability that a new customer makes n repeat purchases in the first t (eq. 8 of the BG/NBD paper); a given time unit must be the model''s.';
COMMENT ON FUNCTION @extschema@.purchase_count_probability(@extschema@.mbgnbd_model, double precision, integer) IS
    'BG/NBD, MBG/NBD or Pareto/NBD: P(X(t) = n), the probability that a new customer makes n repeat purchases in the first t (eq. 8 of the BG/NBD paper); summed over customers, the expected histogram of frequencies.';
COMMENT ON FUNCTION @extschema@.purchase_count_probability(@extschema@.mbgnbd_model, double precision, integer, interval) IS
    'BG/NBD, MBG/NBD or Pareto/NBD: P(X(t) = n), the probability that a new customer makes n repeat purchases in the first t (eq. 8 of the BG/NBD paper); a given time unit must be the model''s.';

-- sBG: an interval on the retention rate (src/sbg.sql)
CREATE FUNCTION @extschema@.retention_rate_interval(model @extschema@.sbg_model, t integer,
                                                    level double precision DEFAULT 0.95)
RETURNS @extschema@.prediction_interval
AS 'MODULE_PATHNAME', 'sbg_retention_rate_interval' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.retention_rate_interval(@extschema@.sbg_model, integer, double precision) IS
    'sBG: r(t) in % with its delta-method standard error and confidence interval (logit scale of r(t) / 100) at the level (default 0.95).';

-- btyd_summary with the holdout beside it (src/clv.sql)
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

CREATE FUNCTION loyalty_kpi_internal.btyd_summary_accum_date(internal, date, double precision, date, date, interval)
RETURNS internal
AS 'MODULE_PATHNAME', 'btyd_summary_accum_date' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.btyd_summary_accum_timestamptz(internal, timestamptz, double precision, date, date, interval)
RETURNS internal
AS 'MODULE_PATHNAME', 'btyd_summary_accum_timestamptz' LANGUAGE C STABLE PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.btyd_summary_holdout_final(internal) RETURNS @extschema@.btyd_holdout_customer
AS 'MODULE_PATHNAME', 'btyd_summary_holdout_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE AGGREGATE @extschema@.btyd_summary(purchased_on date, amount double precision, calibration_end date,
                                          holdout_end date, time_unit interval) (
    SFUNC = loyalty_kpi_internal.btyd_summary_accum_date, STYPE = internal,
    FINALFUNC = loyalty_kpi_internal.btyd_summary_holdout_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = loyalty_kpi_internal.btyd_summary_combine,
    SERIALFUNC = loyalty_kpi_internal.btyd_summary_serialize, DESERIALFUNC = loyalty_kpi_internal.btyd_summary_deserialize,
    PARALLEL = SAFE);
COMMENT ON AGGREGATE @extschema@.btyd_summary(date, double precision, date, date, interval) IS
    'One customer''s BTYD calibration summary to calibration_end with the holdout to holdout_end beside it (use with GROUP BY customer): purchase days and spend in the holdout and its length. NULL for a customer whose first purchase is after calibration_end.';

CREATE AGGREGATE @extschema@.btyd_summary(purchased_at timestamptz, amount double precision, calibration_end date,
                                          holdout_end date, time_unit interval) (
    SFUNC = loyalty_kpi_internal.btyd_summary_accum_timestamptz, STYPE = internal,
    FINALFUNC = loyalty_kpi_internal.btyd_summary_holdout_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = loyalty_kpi_internal.btyd_summary_combine,
    SERIALFUNC = loyalty_kpi_internal.btyd_summary_serialize, DESERIALFUNC = loyalty_kpi_internal.btyd_summary_deserialize,
    PARALLEL = SAFE);
COMMENT ON AGGREGATE @extschema@.btyd_summary(timestamptz, double precision, date, date, interval) IS
    'One customer''s BTYD calibration summary to calibration_end with the holdout to holdout_end beside it (use with GROUP BY customer): purchase days and spend in the holdout and its length. NULL for a customer whose first purchase is after calibration_end.';

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
