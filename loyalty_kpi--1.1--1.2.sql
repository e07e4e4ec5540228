/*
 * loyalty_kpi 1.1 -> 1.2: customer lifetime value.  The seeds' formulas,
 * the historical value per customer, the BTYD per-customer summary, and the
 * BG/NBD and Gamma-Gamma models fitted by maximum likelihood, with their
 * predictions and the CLV that combines them.
 *
 * Same rules as 1.0 and 1.1: every name qualified with @extschema@, every
 * function PARALLEL SAFE, IMMUTABLE unless it reads the TimeZone setting.
 */

\echo Use "ALTER EXTENSION loyalty_kpi UPDATE TO '1.2'" to load this file. \quit

/* ---------------------------------------------------------------------
 * The seeds' CLV formulas (src/clv.c)
 * ---------------------------------------------------------------------
 */

-- value per period x lifespan in periods: AOV x lifespan (seed 001), yearly value x years (seed 003)
CREATE FUNCTION @extschema@.clv_basic(value_per_period double precision, lifespan double precision)
RETURNS double precision
AS 'MODULE_PATHNAME', 'clv_basic' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- value x (1 + d) / (d + c) - acquisition cost; c and d percentages per period
CREATE FUNCTION @extschema@.clv_from_churn(value_per_period double precision, churn_rate double precision,
                                           discount_rate double precision DEFAULT 0,
                                           acquisition_cost double precision DEFAULT 0)
RETURNS double precision
AS 'MODULE_PATHNAME', 'clv_from_churn' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- revenue - acquisition cost - service cost (seed 000)
CREATE FUNCTION @extschema@.clv_net(revenue double precision, acquisition_cost double precision,
                                    service_cost double precision)
RETURNS double precision
AS 'MODULE_PATHNAME', 'clv_net' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

/* clv(customer_id, amount): revenue / distinct customers, on the orders state of src/orders.c */
CREATE FUNCTION @extschema@.orders_amount_accum(internal, "any", double precision)
RETURNS internal
AS 'MODULE_PATHNAME', 'orders_amount_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION @extschema@.clv_final(internal)
RETURNS double precision
AS 'MODULE_PATHNAME', 'clv_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE AGGREGATE @extschema@.clv(customer_id "any", amount double precision) (
    SFUNC = @extschema@.orders_amount_accum, STYPE = internal,
    FINALFUNC = @extschema@.clv_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = @extschema@.orders_combine,
    SERIALFUNC = @extschema@.orders_serialize, DESERIALFUNC = @extschema@.orders_deserialize,
    PARALLEL = SAFE
);

/* ---------------------------------------------------------------------
 * The BTYD per-customer summary (src/clv.c)
 * ---------------------------------------------------------------------
 */

CREATE TYPE @extschema@.btyd_customer AS (
    frequency integer,              -- x: distinct purchase days - 1
    recency double precision,       -- t_x: first to last purchase, in time units
    age double precision,           -- T: first purchase to the observation end, in time units
    monetary_value double precision -- mean value of the repeat purchase days; NULL when x = 0
);

CREATE FUNCTION @extschema@.btyd_summary_accum_date(internal, date, double precision, date, interval)
RETURNS internal
AS 'MODULE_PATHNAME', 'btyd_summary_accum_date' LANGUAGE C IMMUTABLE PARALLEL SAFE;

-- calendar days of the purchase times in the session's time zone: STABLE
CREATE FUNCTION @extschema@.btyd_summary_accum_timestamptz(internal, timestamptz, double precision, date, interval)
RETURNS internal
AS 'MODULE_PATHNAME', 'btyd_summary_accum_timestamptz' LANGUAGE C STABLE PARALLEL SAFE;

CREATE FUNCTION @extschema@.btyd_summary_combine(internal, internal)
RETURNS internal
AS 'MODULE_PATHNAME', 'btyd_summary_combine' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION @extschema@.btyd_summary_serialize(internal)
RETURNS bytea
AS 'MODULE_PATHNAME', 'btyd_summary_serialize' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION @extschema@.btyd_summary_deserialize(bytea, internal)
RETURNS internal
AS 'MODULE_PATHNAME', 'btyd_summary_deserialize' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION @extschema@.btyd_summary_final(internal)
RETURNS @extschema@.btyd_customer
AS 'MODULE_PATHNAME', 'btyd_summary_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE AGGREGATE @extschema@.btyd_summary(purchased_on date, amount double precision,
                                          observation_end date, time_unit interval) (
    SFUNC = @extschema@.btyd_summary_accum_date, STYPE = internal,
    FINALFUNC = @extschema@.btyd_summary_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = @extschema@.btyd_summary_combine,
    SERIALFUNC = @extschema@.btyd_summary_serialize, DESERIALFUNC = @extschema@.btyd_summary_deserialize,
    PARALLEL = SAFE
);

CREATE AGGREGATE @extschema@.btyd_summary(purchased_at timestamptz, amount double precision,
                                          observation_end date, time_unit interval) (
    SFUNC = @extschema@.btyd_summary_accum_timestamptz, STYPE = internal,
    FINALFUNC = @extschema@.btyd_summary_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = @extschema@.btyd_summary_combine,
    SERIALFUNC = @extschema@.btyd_summary_serialize, DESERIALFUNC = @extschema@.btyd_summary_deserialize,
    PARALLEL = SAFE
);

/* ---------------------------------------------------------------------
 * The fitted models as stored types (src/models.c)
 * ---------------------------------------------------------------------
 */

CREATE TYPE @extschema@.bgnbd_model;

CREATE FUNCTION @extschema@.bgnbd_model_in(cstring) RETURNS @extschema@.bgnbd_model
AS 'MODULE_PATHNAME', 'bgnbd_model_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.bgnbd_model_out(@extschema@.bgnbd_model) RETURNS cstring
AS 'MODULE_PATHNAME', 'bgnbd_model_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.bgnbd_model_recv(internal) RETURNS @extschema@.bgnbd_model
AS 'MODULE_PATHNAME', 'bgnbd_model_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.bgnbd_model_send(@extschema@.bgnbd_model) RETURNS bytea
AS 'MODULE_PATHNAME', 'bgnbd_model_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE @extschema@.bgnbd_model (
    INPUT = @extschema@.bgnbd_model_in, OUTPUT = @extschema@.bgnbd_model_out,
    RECEIVE = @extschema@.bgnbd_model_recv, SEND = @extschema@.bgnbd_model_send,
    INTERNALLENGTH = VARIABLE, ALIGNMENT = double, STORAGE = plain
);
COMMENT ON TYPE @extschema@.bgnbd_model IS
    'a fitted BG/NBD purchase model: r, alpha, a, b with standard errors, log-likelihood, customers, convergence';

CREATE TYPE @extschema@.gamma_gamma_model;

CREATE FUNCTION @extschema@.gamma_gamma_model_in(cstring) RETURNS @extschema@.gamma_gamma_model
AS 'MODULE_PATHNAME', 'gamma_gamma_model_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.gamma_gamma_model_out(@extschema@.gamma_gamma_model) RETURNS cstring
AS 'MODULE_PATHNAME', 'gamma_gamma_model_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.gamma_gamma_model_recv(internal) RETURNS @extschema@.gamma_gamma_model
AS 'MODULE_PATHNAME', 'gamma_gamma_model_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.gamma_gamma_model_send(@extschema@.gamma_gamma_model) RETURNS bytea
AS 'MODULE_PATHNAME', 'gamma_gamma_model_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE @extschema@.gamma_gamma_model (
    INPUT = @extschema@.gamma_gamma_model_in, OUTPUT = @extschema@.gamma_gamma_model_out,
    RECEIVE = @extschema@.gamma_gamma_model_recv, SEND = @extschema@.gamma_gamma_model_send,
    INTERNALLENGTH = VARIABLE, ALIGNMENT = double, STORAGE = plain
);
COMMENT ON TYPE @extschema@.gamma_gamma_model IS
    'a fitted Gamma-Gamma spend model: p, q, gamma with standard errors, log-likelihood, customers, convergence';

-- accessors: one C function each serves both model types
CREATE FUNCTION @extschema@.log_likelihood(@extschema@.bgnbd_model) RETURNS double precision
AS 'MODULE_PATHNAME', 'model_log_likelihood' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.log_likelihood(@extschema@.gamma_gamma_model) RETURNS double precision
AS 'MODULE_PATHNAME', 'model_log_likelihood' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.fitted_customers(@extschema@.bgnbd_model) RETURNS double precision
AS 'MODULE_PATHNAME', 'model_customers' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.fitted_customers(@extschema@.gamma_gamma_model) RETURNS double precision
AS 'MODULE_PATHNAME', 'model_customers' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.evaluations(@extschema@.bgnbd_model) RETURNS integer
AS 'MODULE_PATHNAME', 'model_iterations' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.evaluations(@extschema@.gamma_gamma_model) RETURNS integer
AS 'MODULE_PATHNAME', 'model_iterations' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.converged(@extschema@.bgnbd_model) RETURNS boolean
AS 'MODULE_PATHNAME', 'model_converged' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.converged(@extschema@.gamma_gamma_model) RETURNS boolean
AS 'MODULE_PATHNAME', 'model_converged' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.parameter(@extschema@.bgnbd_model, name text) RETURNS double precision
AS 'MODULE_PATHNAME', 'model_parameter' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.parameter(@extschema@.gamma_gamma_model, name text) RETURNS double precision
AS 'MODULE_PATHNAME', 'model_parameter' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.standard_error(@extschema@.bgnbd_model, name text) RETURNS double precision
AS 'MODULE_PATHNAME', 'model_standard_error' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.standard_error(@extschema@.gamma_gamma_model, name text) RETURNS double precision
AS 'MODULE_PATHNAME', 'model_standard_error' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

/* ---------------------------------------------------------------------
 * Fitting: distinct rows with weights, merged across parallel workers
 * ---------------------------------------------------------------------
 */

CREATE FUNCTION @extschema@.bgnbd_fit_accum(internal, double precision, double precision, double precision)
RETURNS internal
AS 'MODULE_PATHNAME', 'bgnbd_fit_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.bgnbd_fit_accum(internal, double precision, double precision, double precision,
                                            double precision)
RETURNS internal
AS 'MODULE_PATHNAME', 'bgnbd_fit_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.gamma_gamma_fit_accum(internal, double precision, double precision)
RETURNS internal
AS 'MODULE_PATHNAME', 'gamma_gamma_fit_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.gamma_gamma_fit_accum(internal, double precision, double precision, double precision)
RETURNS internal
AS 'MODULE_PATHNAME', 'gamma_gamma_fit_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION @extschema@.fit_combine(internal, internal)
RETURNS internal
AS 'MODULE_PATHNAME', 'fit_combine' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.fit_serialize(internal)
RETURNS bytea
AS 'MODULE_PATHNAME', 'fit_serialize' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.fit_deserialize(bytea, internal)
RETURNS internal
AS 'MODULE_PATHNAME', 'fit_deserialize' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION @extschema@.bgnbd_fit_final(internal)
RETURNS @extschema@.bgnbd_model
AS 'MODULE_PATHNAME', 'bgnbd_fit_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.gamma_gamma_fit_final(internal)
RETURNS @extschema@.gamma_gamma_model
AS 'MODULE_PATHNAME', 'gamma_gamma_fit_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE AGGREGATE @extschema@.bgnbd_fit(frequency double precision, recency double precision,
                                       age double precision) (
    SFUNC = @extschema@.bgnbd_fit_accum, STYPE = internal,
    FINALFUNC = @extschema@.bgnbd_fit_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = @extschema@.fit_combine,
    SERIALFUNC = @extschema@.fit_serialize, DESERIALFUNC = @extschema@.fit_deserialize,
    PARALLEL = SAFE
);
CREATE AGGREGATE @extschema@.bgnbd_fit(frequency double precision, recency double precision,
                                       age double precision, customers double precision) (
    SFUNC = @extschema@.bgnbd_fit_accum, STYPE = internal,
    FINALFUNC = @extschema@.bgnbd_fit_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = @extschema@.fit_combine,
    SERIALFUNC = @extschema@.fit_serialize, DESERIALFUNC = @extschema@.fit_deserialize,
    PARALLEL = SAFE
);
CREATE AGGREGATE @extschema@.gamma_gamma_fit(frequency double precision, monetary_value double precision) (
    SFUNC = @extschema@.gamma_gamma_fit_accum, STYPE = internal,
    FINALFUNC = @extschema@.gamma_gamma_fit_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = @extschema@.fit_combine,
    SERIALFUNC = @extschema@.fit_serialize, DESERIALFUNC = @extschema@.fit_deserialize,
    PARALLEL = SAFE
);
CREATE AGGREGATE @extschema@.gamma_gamma_fit(frequency double precision, monetary_value double precision,
                                             customers double precision) (
    SFUNC = @extschema@.gamma_gamma_fit_accum, STYPE = internal,
    FINALFUNC = @extschema@.gamma_gamma_fit_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = @extschema@.fit_combine,
    SERIALFUNC = @extschema@.fit_serialize, DESERIALFUNC = @extschema@.fit_deserialize,
    PARALLEL = SAFE
);

/* ---------------------------------------------------------------------
 * Predictions; times are in the unit the model was fitted in
 * ---------------------------------------------------------------------
 */

-- E[Y(t) | x, t_x, T]: the customer's expected purchases in the next t
CREATE FUNCTION @extschema@.expected_purchases(model @extschema@.bgnbd_model, t double precision,
                                               frequency double precision, recency double precision,
                                               age double precision)
RETURNS double precision
AS 'MODULE_PATHNAME', 'bgnbd_expected_purchases' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- E[X(t)]: a new customer's expected purchases in the first t after the first purchase
CREATE FUNCTION @extschema@.expected_purchases(model @extschema@.bgnbd_model, t double precision)
RETURNS double precision
AS 'MODULE_PATHNAME', 'bgnbd_expected_purchases_new' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION @extschema@.probability_alive(model @extschema@.bgnbd_model, frequency double precision,
                                              recency double precision, age double precision)
RETURNS double precision
AS 'MODULE_PATHNAME', 'bgnbd_probability_alive' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- not STRICT: monetary_value is NULL (no repeat purchase) when frequency = 0
CREATE FUNCTION @extschema@.expected_spend(model @extschema@.gamma_gamma_model, frequency double precision,
                                           monetary_value double precision)
RETURNS double precision
AS 'MODULE_PATHNAME', 'gamma_gamma_expected_spend' LANGUAGE C IMMUTABLE PARALLEL SAFE;

-- the population's mean spend per purchase, p gamma / (q - 1)
CREATE FUNCTION @extschema@.expected_spend(model @extschema@.gamma_gamma_model)
RETURNS double precision
AS 'MODULE_PATHNAME', 'gamma_gamma_mean_spend' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- sum over periods of discounted expected purchases x expected spend; not STRICT, as expected_spend
CREATE FUNCTION @extschema@.predicted_clv(purchases @extschema@.bgnbd_model, spend @extschema@.gamma_gamma_model,
                                          frequency double precision, recency double precision,
                                          age double precision, monetary_value double precision,
                                          periods integer, period_length double precision,
                                          discount_rate double precision)
RETURNS double precision
AS 'MODULE_PATHNAME', 'predicted_clv' LANGUAGE C IMMUTABLE PARALLEL SAFE;
