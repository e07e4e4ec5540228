/* ---------------------------------------------------------------------
 * The fitted models as stored types (src/models/model.c): BG/NBD, MBG/NBD,
 * Pareto/NBD and GGompertz/NBD for purchases, Gamma-Gamma for spend, sBG
 * for contractual retention, BG/BB for discrete-time purchases.  Each carries the
 * estimates with their standard errors, the log-likelihood, the customers,
 * the evaluations and whether the fit converged; a purchase model over
 * (frequency, recency, age) also its time unit.  The fits' shared combine,
 * serialize and deserialize follow, then Gamma-Gamma's fit and predictions
 * (src/models/gamma_gamma.c); the purchase models', sBG's and BG/BB's are in
 * src/models/bgnbd.sql, src/models/sbg.sql and src/models/bgbb.sql.
 * ---------------------------------------------------------------------
 */

-- What the *_interval functions return: a prediction with its delta-method
-- standard error and confidence interval (src/models/model.c)
CREATE TYPE @extschema@.prediction_interval AS (
    estimate double precision,
    standard_error double precision,  -- NULL when the model stores no covariance (fitted before 1.7)
    lower double precision,
    upper double precision);
COMMENT ON TYPE @extschema@.prediction_interval IS
    'A model''s prediction with its delta-method standard error and confidence interval (log scale for positive quantities, logit scale for probabilities).';

-- The types and the accessors they share (one C function serves all)
-- @each M: bgnbd_model, gamma_gamma_model, sbg_model, bgbb_model, mbgnbd_model, pareto_nbd_model, ggompertz_nbd_model
CREATE TYPE @extschema@.@M@;

CREATE FUNCTION loyalty_kpi_internal.@M@_in(cstring) RETURNS @extschema@.@M@
AS 'MODULE_PATHNAME', '@M@_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.@M@_out(@extschema@.@M@) RETURNS cstring
AS 'MODULE_PATHNAME', '@M@_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.@M@_recv(internal) RETURNS @extschema@.@M@
AS 'MODULE_PATHNAME', '@M@_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.@M@_send(@extschema@.@M@) RETURNS bytea
AS 'MODULE_PATHNAME', '@M@_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE @extschema@.@M@ (
    INPUT = loyalty_kpi_internal.@M@_in, OUTPUT = loyalty_kpi_internal.@M@_out,
    RECEIVE = loyalty_kpi_internal.@M@_recv, SEND = loyalty_kpi_internal.@M@_send,
    INTERNALLENGTH = VARIABLE, ALIGNMENT = double, STORAGE = plain);

CREATE FUNCTION @extschema@.@M@_jsonb(model @extschema@.@M@) RETURNS jsonb
AS 'MODULE_PATHNAME', '@M@_jsonb' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE CAST (@extschema@.@M@ AS jsonb) WITH FUNCTION @extschema@.@M@_jsonb(@extschema@.@M@);

CREATE FUNCTION @extschema@.parameter(model @extschema@.@M@, name text) RETURNS double precision
AS 'MODULE_PATHNAME', 'model_parameter' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.parameter(@extschema@.@M@, text) IS
    'A fitted model''s parameter by name (BG/NBD and MBG/NBD: r, alpha, a, b; Pareto/NBD: r, alpha, s, beta; GGompertz/NBD: r, alpha, b, s, beta; Gamma-Gamma: p, q, gamma; sBG: alpha, beta; BG/BB: alpha, beta, gamma, delta).';

CREATE FUNCTION @extschema@.standard_error(model @extschema@.@M@, name text) RETURNS double precision
AS 'MODULE_PATHNAME', 'model_standard_error' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.standard_error(@extschema@.@M@, text) IS
    'Standard error of a fitted model''s parameter, from the observed information; NULL where the information could not give one.';

-- the model as a table to read (1.12); the text form stays for storage
CREATE FUNCTION @extschema@.parameters(model @extschema@.@M@, level double precision DEFAULT 0.95)
RETURNS TABLE (parameter text, estimate double precision, standard_error double precision,
               lower double precision, upper double precision)
AS 'MODULE_PATHNAME', 'model_parameter_rows' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 4;
COMMENT ON FUNCTION @extschema@.parameters(@extschema@.@M@, double precision) IS
    'The model as a table: each parameter with its estimate, standard error and interval at the level (default 0.95), exp(log estimate +- z se / estimate), the scale the fit works on, so it stays positive. NULL error and interval where the information gave none.';

CREATE FUNCTION @extschema@.log_likelihood(model @extschema@.@M@) RETURNS double precision
AS 'MODULE_PATHNAME', 'model_log_likelihood' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.log_likelihood(@extschema@.@M@) IS
    'Log-likelihood of a fitted model at its estimates.';

CREATE FUNCTION @extschema@.fitted_customers(model @extschema@.@M@) RETURNS double precision
AS 'MODULE_PATHNAME', 'model_customers' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.fitted_customers(@extschema@.@M@) IS
    'Number of customers (summed weights) a model was fitted to.';

CREATE FUNCTION @extschema@.evaluations(model @extschema@.@M@) RETURNS integer
AS 'MODULE_PATHNAME', 'model_iterations' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.evaluations(@extschema@.@M@) IS
    'Likelihood evaluations the fit took.';

CREATE FUNCTION @extschema@.converged(model @extschema@.@M@) RETURNS boolean
AS 'MODULE_PATHNAME', 'model_converged' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.converged(@extschema@.@M@) IS
    'Whether the fit reached an interior maximum with every parameter identified (README: the rule); predictions refuse a model that did not.';

-- @end

COMMENT ON TYPE @extschema@.bgnbd_model IS
    'A fitted BG/NBD purchase model: r, alpha, a, b with standard errors, log-likelihood, converged flag and time unit.';
COMMENT ON FUNCTION @extschema@.bgnbd_model_jsonb(@extschema@.bgnbd_model) IS
    'A BG/NBD model as jsonb: parameters with standard errors, log-likelihood, customers, evaluations, converged, time unit.';
COMMENT ON TYPE @extschema@.gamma_gamma_model IS
    'A fitted Gamma-Gamma spend model: p, q, gamma with standard errors, log-likelihood and converged flag.';
COMMENT ON FUNCTION @extschema@.gamma_gamma_model_jsonb(@extschema@.gamma_gamma_model) IS
    'A Gamma-Gamma model as jsonb: parameters with standard errors, log-likelihood, customers, evaluations, converged.';
COMMENT ON TYPE @extschema@.sbg_model IS
    'A fitted sBG contractual retention model: alpha, beta with standard errors, log-likelihood and converged flag.';
COMMENT ON FUNCTION @extschema@.sbg_model_jsonb(@extschema@.sbg_model) IS
    'An sBG model as jsonb: parameters with standard errors, log-likelihood, customers, evaluations, converged.';
COMMENT ON TYPE @extschema@.mbgnbd_model IS
    'A fitted MBG/NBD purchase model: r, alpha, a, b with standard errors, log-likelihood, converged flag and time unit.';
COMMENT ON FUNCTION @extschema@.mbgnbd_model_jsonb(@extschema@.mbgnbd_model) IS
    'An MBG/NBD model as jsonb: parameters with standard errors, log-likelihood, customers, evaluations, converged, time unit.';
COMMENT ON TYPE @extschema@.pareto_nbd_model IS
    'A fitted Pareto/NBD purchase model: r, alpha, s, beta with standard errors, log-likelihood, converged flag and time unit.';
COMMENT ON FUNCTION @extschema@.pareto_nbd_model_jsonb(@extschema@.pareto_nbd_model) IS
    'A Pareto/NBD model as jsonb: parameters with standard errors, log-likelihood, customers, evaluations, converged, time unit.';
COMMENT ON TYPE @extschema@.ggompertz_nbd_model IS
    'A fitted GGompertz/NBD purchase model (Bemmaor and Glady 2012): r, alpha, b, s, beta with standard errors, log-likelihood, converged flag and time unit.';
COMMENT ON FUNCTION @extschema@.ggompertz_nbd_model_jsonb(@extschema@.ggompertz_nbd_model) IS
    'A GGompertz/NBD model as jsonb: parameters with standard errors, log-likelihood, customers, evaluations, converged, time unit.';
COMMENT ON TYPE @extschema@.bgbb_model IS
    'A fitted BG/BB discrete-time purchase model: alpha, beta, gamma, delta with standard errors, log-likelihood and converged flag.';
COMMENT ON FUNCTION @extschema@.bgbb_model_jsonb(@extschema@.bgbb_model) IS
    'A BG/BB model as jsonb: parameters with standard errors, log-likelihood, customers, evaluations, converged.';

/* ---------------------------------------------------------------------
 * Fitting: distinct rows with weights, merged across parallel workers
 * ---------------------------------------------------------------------
 */

CREATE FUNCTION loyalty_kpi_internal.gamma_gamma_fit_accum(internal, double precision, double precision)
RETURNS internal
AS 'MODULE_PATHNAME', 'gamma_gamma_fit_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.gamma_gamma_fit_accum(internal, double precision, double precision, double precision)
RETURNS internal
AS 'MODULE_PATHNAME', 'gamma_gamma_fit_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.gamma_gamma_fit_accum(internal, double precision, double precision, double precision,
                                                          double precision)
RETURNS internal
AS 'MODULE_PATHNAME', 'gamma_gamma_fit_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.fit_combine(internal, internal) RETURNS internal
AS 'MODULE_PATHNAME', 'fit_combine' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.fit_serialize(internal) RETURNS bytea
AS 'MODULE_PATHNAME', 'fit_serialize' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.fit_deserialize(bytea, internal) RETURNS internal
AS 'MODULE_PATHNAME', 'fit_deserialize' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.gamma_gamma_fit_final(internal) RETURNS @extschema@.gamma_gamma_model
AS 'MODULE_PATHNAME', 'gamma_gamma_fit_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE AGGREGATE @extschema@.gamma_gamma_fit(frequency double precision, monetary_value double precision) (
    SFUNC = loyalty_kpi_internal.gamma_gamma_fit_accum, STYPE = internal,
    FINALFUNC = loyalty_kpi_internal.gamma_gamma_fit_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = loyalty_kpi_internal.fit_combine,
    SERIALFUNC = loyalty_kpi_internal.fit_serialize, DESERIALFUNC = loyalty_kpi_internal.fit_deserialize,
    PARALLEL = SAFE);
COMMENT ON AGGREGATE @extschema@.gamma_gamma_fit(double precision, double precision) IS
    'The Gamma-Gamma spend model fitted by maximum likelihood to repeat customers (frequency > 0, mean spend), optionally weighted. NULL when there is no repeat customer.';

CREATE AGGREGATE @extschema@.gamma_gamma_fit(frequency double precision, monetary_value double precision,
                                             customers double precision) (
    SFUNC = loyalty_kpi_internal.gamma_gamma_fit_accum, STYPE = internal,
    FINALFUNC = loyalty_kpi_internal.gamma_gamma_fit_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = loyalty_kpi_internal.fit_combine,
    SERIALFUNC = loyalty_kpi_internal.fit_serialize, DESERIALFUNC = loyalty_kpi_internal.fit_deserialize,
    PARALLEL = SAFE);
COMMENT ON AGGREGATE @extschema@.gamma_gamma_fit(double precision, double precision, double precision) IS
    'The Gamma-Gamma spend model fitted by maximum likelihood to repeat customers (frequency > 0, mean spend), optionally weighted. NULL when there is no repeat customer.';

CREATE AGGREGATE @extschema@.gamma_gamma_fit(frequency double precision, monetary_value double precision,
                                             customers double precision, penalizer_coef double precision) (
    SFUNC = loyalty_kpi_internal.gamma_gamma_fit_accum, STYPE = internal,
    FINALFUNC = loyalty_kpi_internal.gamma_gamma_fit_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = loyalty_kpi_internal.fit_combine,
    SERIALFUNC = loyalty_kpi_internal.fit_serialize, DESERIALFUNC = loyalty_kpi_internal.fit_deserialize,
    PARALLEL = SAFE);
COMMENT ON AGGREGATE @extschema@.gamma_gamma_fit(double precision, double precision, double precision, double precision) IS
    'The Gamma-Gamma fit with lifetimes'' penalizer_coef (after the weight, 1 for none): the mean log-likelihood less penalizer_coef times the sum of p, q and gamma squared, as lifetimes'' GammaGammaFitter; the model records the penalizer.';

/* ---------------------------------------------------------------------
 * Gamma-Gamma's predictions (predicted_clv, which combines them with a
 * purchase model, is in src/models/bgnbd.sql)
 * ---------------------------------------------------------------------
 */

-- not STRICT: monetary_value is NULL (no repeat purchase) when frequency = 0
CREATE FUNCTION @extschema@.expected_spend(model @extschema@.gamma_gamma_model, frequency double precision,
                                           monetary_value double precision)
RETURNS double precision
AS 'MODULE_PATHNAME', 'gamma_gamma_expected_spend' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.expected_spend(@extschema@.gamma_gamma_model, double precision, double precision) IS
    'Gamma-Gamma: expected spend per purchase of a customer with (frequency, mean spend), or the population mean; NULL mean spend allowed at frequency 0.';

-- the population's mean spend per purchase, p gamma / (q - 1)
CREATE FUNCTION @extschema@.expected_spend(model @extschema@.gamma_gamma_model) RETURNS double precision
AS 'MODULE_PATHNAME', 'gamma_gamma_mean_spend' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.expected_spend(@extschema@.gamma_gamma_model) IS
    'Gamma-Gamma: expected spend per purchase of a customer with (frequency, mean spend), or the population mean; NULL mean spend allowed at frequency 0.';


-- not STRICT, as expected_spend
CREATE FUNCTION @extschema@.expected_spend_interval(model @extschema@.gamma_gamma_model, frequency double precision,
                                                    monetary_value double precision, level double precision DEFAULT 0.95)
RETURNS @extschema@.prediction_interval
AS 'MODULE_PATHNAME', 'gamma_gamma_expected_spend_interval' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.expected_spend_interval(@extschema@.gamma_gamma_model, double precision, double precision, double precision) IS
    'Gamma-Gamma: expected spend per purchase with its delta-method standard error and confidence interval at the level (default 0.95).';
