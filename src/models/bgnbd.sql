/* ---------------------------------------------------------------------
 * The purchase models over (frequency, recency, age) rows (src/models/bgnbd.c,
 * src/models/pareto_nbd.c, src/models/ggompertz_nbd.c): BG/NBD; MBG/NBD, in which a
 * customer may also drop out right after the first purchase; Pareto/NBD,
 * in which a customer may drop out at any time; and GGompertz/NBD, whose
 * dropout hazard grows or shrinks with age (1.12).  All four take the same
 * rows and call forms and give the same predictions, so one template
 * makes them; their types
 * and accessors are in src/models/models.sql with the fits' shared combine,
 * serialize and deserialize.  Times are in the unit the model was fitted
 * in; the overloads with a time_unit check it against the model's (22023).
 * ---------------------------------------------------------------------
 */

-- @each P: bgnbd, mbgnbd, pareto_nbd, ggompertz_nbd
-- the C reads the optional weight and time unit by their types
CREATE FUNCTION loyalty_kpi_internal.@P@_fit_accum(internal, double precision, double precision, double precision)
RETURNS internal
AS 'MODULE_PATHNAME', '@P@_fit_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.@P@_fit_accum(internal, double precision, double precision, double precision,
                                                  double precision)
RETURNS internal
AS 'MODULE_PATHNAME', '@P@_fit_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.@P@_fit_accum(internal, double precision, double precision, double precision,
                                                  interval)
RETURNS internal
AS 'MODULE_PATHNAME', '@P@_fit_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;

-- the time unit as text: what a bare '7 days' becomes (1.12); STABLE as
-- interval input is (IntervalStyle)
CREATE FUNCTION loyalty_kpi_internal.@P@_fit_accum(internal, double precision, double precision, double precision,
                                                  text)
RETURNS internal
AS 'MODULE_PATHNAME', '@P@_fit_accum' LANGUAGE C STABLE PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.@P@_fit_accum(internal, double precision, double precision, double precision,
                                                  double precision, interval)
RETURNS internal
AS 'MODULE_PATHNAME', '@P@_fit_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.@P@_fit_final(internal) RETURNS @extschema@.@P@_model
AS 'MODULE_PATHNAME', '@P@_fit_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE AGGREGATE @extschema@.@P@_fit(frequency double precision, recency double precision, age double precision) (
    SFUNC = loyalty_kpi_internal.@P@_fit_accum, STYPE = internal,
    FINALFUNC = loyalty_kpi_internal.@P@_fit_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = loyalty_kpi_internal.fit_combine,
    SERIALFUNC = loyalty_kpi_internal.fit_serialize, DESERIALFUNC = loyalty_kpi_internal.fit_deserialize,
    PARALLEL = SAFE);
COMMENT ON AGGREGATE @extschema@.@P@_fit(double precision, double precision, double precision) IS
    'A purchase model (bgnbd_fit: BG/NBD; mbgnbd_fit: MBG/NBD; pareto_nbd_fit: Pareto/NBD; ggompertz_nbd_fit: GGompertz/NBD) fitted by maximum likelihood to (frequency, recency, age) rows, optionally weighted by a number of customers and recording the time unit. NULL when there is no row.';

CREATE AGGREGATE @extschema@.@P@_fit(frequency double precision, recency double precision, age double precision,
                                       customers double precision) (
    SFUNC = loyalty_kpi_internal.@P@_fit_accum, STYPE = internal,
    FINALFUNC = loyalty_kpi_internal.@P@_fit_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = loyalty_kpi_internal.fit_combine,
    SERIALFUNC = loyalty_kpi_internal.fit_serialize, DESERIALFUNC = loyalty_kpi_internal.fit_deserialize,
    PARALLEL = SAFE);
COMMENT ON AGGREGATE @extschema@.@P@_fit(double precision, double precision, double precision, double precision) IS
    'A purchase model (bgnbd_fit: BG/NBD; mbgnbd_fit: MBG/NBD; pareto_nbd_fit: Pareto/NBD; ggompertz_nbd_fit: GGompertz/NBD) fitted by maximum likelihood to (frequency, recency, age) rows, optionally weighted by a number of customers and recording the time unit. NULL when there is no row.';

CREATE AGGREGATE @extschema@.@P@_fit(frequency double precision, recency double precision, age double precision,
                                       time_unit interval) (
    SFUNC = loyalty_kpi_internal.@P@_fit_accum, STYPE = internal,
    FINALFUNC = loyalty_kpi_internal.@P@_fit_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = loyalty_kpi_internal.fit_combine,
    SERIALFUNC = loyalty_kpi_internal.fit_serialize, DESERIALFUNC = loyalty_kpi_internal.fit_deserialize,
    PARALLEL = SAFE);
COMMENT ON AGGREGATE @extschema@.@P@_fit(double precision, double precision, double precision, interval) IS
    'A purchase model (bgnbd_fit: BG/NBD; mbgnbd_fit: MBG/NBD; pareto_nbd_fit: Pareto/NBD; ggompertz_nbd_fit: GGompertz/NBD) fitted by maximum likelihood to (frequency, recency, age) rows, optionally weighted by a number of customers and recording the time unit. NULL when there is no row.';

-- A bare literal unit, fit(frequency, recency, age, '7 days'): with the
-- weighted form beside it PostgreSQL could not tell which was meant (or,
-- with every column double precision, read '7 days' as the weight); an
-- unknown literal prefers text, so this form takes it.
CREATE AGGREGATE @extschema@.@P@_fit(frequency double precision, recency double precision, age double precision,
                                       time_unit text) (
    SFUNC = loyalty_kpi_internal.@P@_fit_accum, STYPE = internal,
    FINALFUNC = loyalty_kpi_internal.@P@_fit_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = loyalty_kpi_internal.fit_combine,
    SERIALFUNC = loyalty_kpi_internal.fit_serialize, DESERIALFUNC = loyalty_kpi_internal.fit_deserialize,
    PARALLEL = SAFE);
COMMENT ON AGGREGATE @extschema@.@P@_fit(double precision, double precision, double precision, text) IS
    'The fit with the time unit written as text, such as ''7 days'' (what a bare literal is read as), recorded in the model as an interval.';

CREATE AGGREGATE @extschema@.@P@_fit(frequency double precision, recency double precision, age double precision,
                                       customers double precision, time_unit interval) (
    SFUNC = loyalty_kpi_internal.@P@_fit_accum, STYPE = internal,
    FINALFUNC = loyalty_kpi_internal.@P@_fit_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = loyalty_kpi_internal.fit_combine,
    SERIALFUNC = loyalty_kpi_internal.fit_serialize, DESERIALFUNC = loyalty_kpi_internal.fit_deserialize,
    PARALLEL = SAFE);
COMMENT ON AGGREGATE @extschema@.@P@_fit(double precision, double precision, double precision, double precision, interval) IS
    'A purchase model (bgnbd_fit: BG/NBD; mbgnbd_fit: MBG/NBD; pareto_nbd_fit: Pareto/NBD; ggompertz_nbd_fit: GGompertz/NBD) fitted by maximum likelihood to (frequency, recency, age) rows, optionally weighted by a number of customers and recording the time unit. NULL when there is no row.';

CREATE FUNCTION @extschema@.time_unit(model @extschema@.@P@_model) RETURNS interval
AS 'MODULE_PATHNAME', 'model_time_unit' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.time_unit(@extschema@.@P@_model) IS
    'The time unit a BG/NBD, MBG/NBD, Pareto/NBD or GGompertz/NBD model was fitted in (its fit with a time unit); NULL when not recorded.';

-- E[Y(t) | x, t_x, T]: the customer's expected purchases in the next t
CREATE FUNCTION @extschema@.expected_purchases(model @extschema@.@P@_model, t double precision,
                                               frequency double precision, recency double precision, age double precision)
RETURNS double precision
AS 'MODULE_PATHNAME', 'bgnbd_expected_purchases' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.expected_purchases(@extschema@.@P@_model, double precision, double precision, double precision, double precision) IS
    'BG/NBD, MBG/NBD, Pareto/NBD or GGompertz/NBD: expected purchases in the next t time units of a customer with (frequency, recency, age), or of a new customer in the first t; within 1e-8 relative or an error. A given time unit must be the model''s.';

CREATE FUNCTION @extschema@.expected_purchases(model @extschema@.@P@_model, t double precision,
                                               frequency double precision, recency double precision, age double precision,
                                               time_unit interval)
RETURNS double precision
AS 'MODULE_PATHNAME', 'bgnbd_expected_purchases' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.expected_purchases(@extschema@.@P@_model, double precision, double precision, double precision, double precision, interval) IS
    'BG/NBD, MBG/NBD, Pareto/NBD or GGompertz/NBD: expected purchases in the next t time units of a customer with (frequency, recency, age), or of a new customer in the first t; within 1e-8 relative or an error. A given time unit must be the model''s.';

-- E[X(t)]: a new customer's expected purchases in the first t after the first purchase
CREATE FUNCTION @extschema@.expected_purchases(model @extschema@.@P@_model, t double precision)
RETURNS double precision
AS 'MODULE_PATHNAME', 'bgnbd_expected_purchases_new' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.expected_purchases(@extschema@.@P@_model, double precision) IS
    'BG/NBD, MBG/NBD, Pareto/NBD or GGompertz/NBD: expected purchases in the next t time units of a customer with (frequency, recency, age), or of a new customer in the first t; within 1e-8 relative or an error. A given time unit must be the model''s.';

CREATE FUNCTION @extschema@.expected_purchases(model @extschema@.@P@_model, t double precision, time_unit interval)
RETURNS double precision
AS 'MODULE_PATHNAME', 'bgnbd_expected_purchases_new' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.expected_purchases(@extschema@.@P@_model, double precision, interval) IS
    'BG/NBD, MBG/NBD, Pareto/NBD or GGompertz/NBD: expected purchases in the next t time units of a customer with (frequency, recency, age), or of a new customer in the first t; within 1e-8 relative or an error. A given time unit must be the model''s.';

CREATE FUNCTION @extschema@.probability_alive(model @extschema@.@P@_model, frequency double precision,
                                              recency double precision, age double precision)
RETURNS double precision
AS 'MODULE_PATHNAME', 'bgnbd_probability_alive' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.probability_alive(@extschema@.@P@_model, double precision, double precision, double precision) IS
    'BG/NBD, MBG/NBD, Pareto/NBD or GGompertz/NBD: probability, 0 to 1, that a customer with (frequency, recency, age) is still active. A given time unit must be the model''s.';

CREATE FUNCTION @extschema@.probability_alive(model @extschema@.@P@_model, frequency double precision,
                                              recency double precision, age double precision, time_unit interval)
RETURNS double precision
AS 'MODULE_PATHNAME', 'bgnbd_probability_alive' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.probability_alive(@extschema@.@P@_model, double precision, double precision, double precision, interval) IS
    'BG/NBD, MBG/NBD, Pareto/NBD or GGompertz/NBD: probability, 0 to 1, that a customer with (frequency, recency, age) is still active. A given time unit must be the model''s.';

-- sum over periods of discounted expected purchases x expected spend; not STRICT, as expected_spend
CREATE FUNCTION @extschema@.predicted_clv(purchases @extschema@.@P@_model, spend @extschema@.gamma_gamma_model,
                                          frequency double precision, recency double precision,
                                          age double precision, monetary_value double precision,
                                          periods integer, period_length double precision,
                                          discount_rate double precision)
RETURNS double precision
AS 'MODULE_PATHNAME', 'predicted_clv' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.predicted_clv(@extschema@.@P@_model, @extschema@.gamma_gamma_model, double precision, double precision, double precision, double precision, integer, double precision, double precision) IS
    'Sum over the periods of expected purchases x expected spend, discounted at the rate in % per period (BG/NBD, MBG/NBD, Pareto/NBD or GGompertz/NBD, and Gamma-Gamma). A given time unit must be the purchase model''s.';

CREATE FUNCTION @extschema@.predicted_clv(purchases @extschema@.@P@_model, spend @extschema@.gamma_gamma_model,
                                          frequency double precision, recency double precision,
                                          age double precision, monetary_value double precision,
                                          periods integer, period_length double precision,
                                          discount_rate double precision, time_unit interval)
RETURNS double precision
AS 'MODULE_PATHNAME', 'predicted_clv' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.predicted_clv(@extschema@.@P@_model, @extschema@.gamma_gamma_model, double precision, double precision, double precision, double precision, integer, double precision, double precision, interval) IS
    'Sum over the periods of expected purchases x expected spend, discounted at the rate in % per period (BG/NBD, MBG/NBD, Pareto/NBD or GGompertz/NBD, and Gamma-Gamma). A given time unit must be the purchase model''s.';

-- intervals: the prediction with its delta-method standard error (src/models/model.c)
CREATE FUNCTION @extschema@.probability_alive_interval(model @extschema@.@P@_model, frequency double precision,
                                                       recency double precision, age double precision,
                                                       level double precision DEFAULT 0.95)
RETURNS @extschema@.prediction_interval
AS 'MODULE_PATHNAME', 'nbd_probability_alive_interval' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.probability_alive_interval(@extschema@.@P@_model, double precision, double precision, double precision, double precision) IS
    'BG/NBD, MBG/NBD, Pareto/NBD or GGompertz/NBD: P(alive) with its delta-method standard error and confidence interval (logit scale) at the level (default 0.95).';

CREATE FUNCTION @extschema@.expected_purchases_interval(model @extschema@.@P@_model, t double precision,
                                                        frequency double precision, recency double precision,
                                                        age double precision, level double precision DEFAULT 0.95)
RETURNS @extschema@.prediction_interval
AS 'MODULE_PATHNAME', 'nbd_expected_purchases_interval' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.expected_purchases_interval(@extschema@.@P@_model, double precision, double precision, double precision, double precision, double precision) IS
    'BG/NBD, MBG/NBD, Pareto/NBD or GGompertz/NBD: expected purchases in the next t with their delta-method standard error and confidence interval (log scale) at the level (default 0.95).';

CREATE FUNCTION @extschema@.expected_purchases_interval(model @extschema@.@P@_model, t double precision,
                                                        level double precision DEFAULT 0.95)
RETURNS @extschema@.prediction_interval
AS 'MODULE_PATHNAME', 'nbd_expected_purchases_interval' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.expected_purchases_interval(@extschema@.@P@_model, double precision, double precision) IS
    'BG/NBD, MBG/NBD, Pareto/NBD or GGompertz/NBD: a new customer''s expected purchases in the first t with their delta-method standard error and confidence interval at the level (default 0.95).';

-- not STRICT, as predicted_clv; the two fits' variances add
CREATE FUNCTION @extschema@.predicted_clv_interval(purchases @extschema@.@P@_model, spend @extschema@.gamma_gamma_model,
                                                   frequency double precision, recency double precision,
                                                   age double precision, monetary_value double precision,
                                                   periods integer, period_length double precision,
                                                   discount_rate double precision, level double precision DEFAULT 0.95)
RETURNS @extschema@.prediction_interval
AS 'MODULE_PATHNAME', 'predicted_clv_interval' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.predicted_clv_interval(@extschema@.@P@_model, @extschema@.gamma_gamma_model, double precision, double precision, double precision, double precision, integer, double precision, double precision, double precision) IS
    'predicted_clv with its delta-method standard error (both fits'' variances added) and confidence interval (log scale) at the level (default 0.95).';

-- the interval forms with the caller's time unit (1.10), checked to be the
-- model's as the plain predictions check theirs.  The unit is the last
-- argument, as there, so these forms take the level too: with the level
-- defaulted and the unit before it, a literal '7 days' could be either
CREATE FUNCTION @extschema@.probability_alive_interval(model @extschema@.@P@_model, frequency double precision,
                                                       recency double precision, age double precision,
                                                       level double precision, time_unit interval)
RETURNS @extschema@.prediction_interval
AS 'MODULE_PATHNAME', 'nbd_probability_alive_interval' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.probability_alive_interval(@extschema@.@P@_model, double precision, double precision, double precision, double precision, interval) IS
    'BG/NBD, MBG/NBD, Pareto/NBD or GGompertz/NBD: P(alive) with its delta-method standard error and confidence interval (logit scale) at the level; the time unit must be the model''s.';

CREATE FUNCTION @extschema@.expected_purchases_interval(model @extschema@.@P@_model, t double precision,
                                                        frequency double precision, recency double precision,
                                                        age double precision, level double precision,
                                                        time_unit interval)
RETURNS @extschema@.prediction_interval
AS 'MODULE_PATHNAME', 'nbd_expected_purchases_interval' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.expected_purchases_interval(@extschema@.@P@_model, double precision, double precision, double precision, double precision, double precision, interval) IS
    'BG/NBD, MBG/NBD, Pareto/NBD or GGompertz/NBD: expected purchases in the next t with their delta-method standard error and confidence interval (log scale) at the level; the time unit must be the model''s.';

CREATE FUNCTION @extschema@.expected_purchases_interval(model @extschema@.@P@_model, t double precision,
                                                        level double precision, time_unit interval)
RETURNS @extschema@.prediction_interval
AS 'MODULE_PATHNAME', 'nbd_expected_purchases_interval' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.expected_purchases_interval(@extschema@.@P@_model, double precision, double precision, interval) IS
    'BG/NBD, MBG/NBD, Pareto/NBD or GGompertz/NBD: a new customer''s expected purchases in the first t with their delta-method standard error and confidence interval at the level; the time unit must be the model''s.';

CREATE FUNCTION @extschema@.predicted_clv_interval(purchases @extschema@.@P@_model, spend @extschema@.gamma_gamma_model,
                                                   frequency double precision, recency double precision,
                                                   age double precision, monetary_value double precision,
                                                   periods integer, period_length double precision,
                                                   discount_rate double precision, level double precision,
                                                   time_unit interval)
RETURNS @extschema@.prediction_interval
AS 'MODULE_PATHNAME', 'predicted_clv_interval' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.predicted_clv_interval(@extschema@.@P@_model, @extschema@.gamma_gamma_model, double precision, double precision, double precision, double precision, integer, double precision, double precision, double precision, interval) IS
    'predicted_clv with its delta-method standard error (both fits'' variances added) and confidence interval (log scale) at the level; the time unit must be the purchase model''s.';

-- @end

-- lifetimes' penalizer_coef on the three models lifetimes fits (1.12):
-- last, after the weight and the time unit (a float right after the
-- weight would take the bare literal of fit(..., weight, '7 days') as a
-- number)
-- @each P: bgnbd, mbgnbd, pareto_nbd
CREATE FUNCTION loyalty_kpi_internal.@P@_fit_accum(internal, double precision, double precision, double precision,
                                                  double precision, interval, double precision)
RETURNS internal
AS 'MODULE_PATHNAME', '@P@_fit_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE AGGREGATE @extschema@.@P@_fit(frequency double precision, recency double precision, age double precision,
                                       customers double precision, time_unit interval,
                                       penalizer_coef double precision) (
    SFUNC = loyalty_kpi_internal.@P@_fit_accum, STYPE = internal,
    FINALFUNC = loyalty_kpi_internal.@P@_fit_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = loyalty_kpi_internal.fit_combine,
    SERIALFUNC = loyalty_kpi_internal.fit_serialize, DESERIALFUNC = loyalty_kpi_internal.fit_deserialize,
    PARALLEL = SAFE);
COMMENT ON AGGREGATE @extschema@.@P@_fit(double precision, double precision, double precision, double precision, interval, double precision) IS
    'The fit with lifetimes'' penalizer_coef: the parameters pulled towards 0 by penalizer_coef times their squares (alpha and Pareto/NBD''s beta in units of the longest age), as lifetimes'' fitters penalize; the model records the penalizer and the time unit, and its log-likelihood is the likelihood itself.';
-- @end

-- Pareto/NBD with correlated purchase and dropout rates (1.12; CLVTools'
-- use.cor): the rows of pareto_nbd_fit, a row of results
CREATE TYPE @extschema@.pareto_nbd_correlation_fit AS (
    r double precision, alpha double precision, s double precision, beta double precision,
    correlation double precision, standard_error double precision, lower double precision, upper double precision,
    log_likelihood double precision, independent_log_likelihood double precision, p_value double precision,
    converged boolean);
COMMENT ON TYPE @extschema@.pareto_nbd_correlation_fit IS
    'Result of pareto_nbd_correlation: the parameters, the correlation of the purchase and dropout rates with its standard error and 95% interval, the log-likelihood and the independent model''s, the likelihood-ratio p-value of no correlation, and whether the fit converged.';

CREATE FUNCTION loyalty_kpi_internal.pareto_nbd_correlation_final(internal) RETURNS @extschema@.pareto_nbd_correlation_fit
AS 'MODULE_PATHNAME', 'pareto_nbd_correlation_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE AGGREGATE @extschema@.pareto_nbd_correlation(frequency double precision, recency double precision,
                                                     age double precision) (
    SFUNC = loyalty_kpi_internal.pareto_nbd_fit_accum, STYPE = internal,
    FINALFUNC = loyalty_kpi_internal.pareto_nbd_correlation_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = loyalty_kpi_internal.fit_combine,
    SERIALFUNC = loyalty_kpi_internal.fit_serialize, DESERIALFUNC = loyalty_kpi_internal.fit_deserialize,
    PARALLEL = SAFE);
COMMENT ON AGGREGATE @extschema@.pareto_nbd_correlation(double precision, double precision, double precision) IS
    'Pareto/NBD with correlated purchase and dropout rates (Sarmanov''s bivariate gamma, as CLVTools'' use.cor), fitted to (frequency, recency, age) rows: do the customers who buy more often also leave sooner? NULL when there is no row.';

CREATE AGGREGATE @extschema@.pareto_nbd_correlation(frequency double precision, recency double precision,
                                                     age double precision, customers double precision) (
    SFUNC = loyalty_kpi_internal.pareto_nbd_fit_accum, STYPE = internal,
    FINALFUNC = loyalty_kpi_internal.pareto_nbd_correlation_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = loyalty_kpi_internal.fit_combine,
    SERIALFUNC = loyalty_kpi_internal.fit_serialize, DESERIALFUNC = loyalty_kpi_internal.fit_deserialize,
    PARALLEL = SAFE);
COMMENT ON AGGREGATE @extschema@.pareto_nbd_correlation(double precision, double precision, double precision, double precision) IS
    'pareto_nbd_correlation over weighted rows standing for customers each.';

-- P(X(t) = n): eq. 8 of the BG/NBD paper, its MBG/NBD counterpart, Pareto/NBD's and GGompertz/NBD's
-- @each P: bgnbd, mbgnbd, pareto_nbd, ggompertz_nbd
-- P(X(t) = n), eq. 8 of the BG/NBD paper (and its MBG/NBD counterpart)
CREATE FUNCTION @extschema@.purchase_count_probability(model @extschema@.@P@_model, t double precision, n integer)
RETURNS double precision
AS 'MODULE_PATHNAME', 'nbd_count_probability_sql' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.purchase_count_probability(@extschema@.@P@_model, double precision, integer) IS
    'BG/NBD, MBG/NBD, Pareto/NBD or GGompertz/NBD: P(X(t) = n), the probability that a new customer makes n repeat purchases in the first t (eq. 8 of the BG/NBD paper); summed over customers, the expected histogram of frequencies.';

CREATE FUNCTION @extschema@.purchase_count_probability(model @extschema@.@P@_model, t double precision, n integer,
                                                       time_unit interval)
RETURNS double precision
AS 'MODULE_PATHNAME', 'nbd_count_probability_sql' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.purchase_count_probability(@extschema@.@P@_model, double precision, integer, interval) IS
    'BG/NBD, MBG/NBD, Pareto/NBD or GGompertz/NBD: P(X(t) = n), the probability that a new customer makes n repeat purchases in the first t (eq. 8 of the BG/NBD paper); a given time unit must be the model''s.';

-- The papers' checks of a fit, as rows a BI tool charts (1.9): SQL over
-- the prediction functions, the customers passed as arrays
-- (array_agg(...) of the summaries)

-- the BG/NBD paper's Figure 4: mean holdout purchases by calibration frequency, actual and expected
CREATE FUNCTION @extschema@.holdout_by_frequency(model @extschema@.@P@_model,
                                                 summaries @extschema@.btyd_holdout_customer[],
                                                 max_frequency integer DEFAULT 7)
RETURNS TABLE (frequency integer, customers bigint, actual double precision, expected double precision)
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
BEGIN
  IF max_frequency IS NULL OR max_frequency OPERATOR(pg_catalog.<) 0 THEN
    RAISE EXCEPTION 'holdout_by_frequency: max_frequency % is out of range', coalesce(max_frequency::pg_catalog.text, 'NULL')
      USING ERRCODE = '22023', HINT = 'The last row is that calibration frequency and more, 0 or more, such as 7.';
  END IF;
  RETURN QUERY
  SELECT least(c.frequency, max_frequency), pg_catalog.count(*), pg_catalog.avg(c.holdout_purchases)::double precision,
         pg_catalog.avg(@extschema@.expected_purchases(model, c.holdout_length, c.frequency::double precision,
                                                       c.recency, c.age))
  FROM pg_catalog.unnest(summaries) c
  WHERE c.frequency IS NOT NULL
  GROUP BY 1 ORDER BY 1;
END
$$;
COMMENT ON FUNCTION @extschema@.holdout_by_frequency(@extschema@.@P@_model, @extschema@.btyd_holdout_customer[], integer) IS
    'The BG/NBD paper''s Figure 4 for a fit: per calibration frequency (the last row max_frequency and more, default 7), the customers, their mean holdout purchases and the mean the model expects over the holdout (btyd_summary''s holdout form, array_agg''ed).';

-- Figure 3: customers by calibration frequency, and the model's expected count sum_i P(X(T_i) = n)
CREATE FUNCTION @extschema@.frequency_histogram(model @extschema@.@P@_model, frequencies integer[],
                                                ages double precision[], max_frequency integer DEFAULT 7)
RETURNS TABLE (frequency integer, customers bigint, expected double precision)
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
BEGIN
  -- one row and one P(X(T) = n) per age for each frequency up to it: bounded
  IF max_frequency IS NULL OR max_frequency OPERATOR(pg_catalog.<) 0 OR max_frequency OPERATOR(pg_catalog.>) 1000 THEN
    RAISE EXCEPTION 'frequency_histogram: max_frequency % is out of range', coalesce(max_frequency::pg_catalog.text, 'NULL')
      USING ERRCODE = '22023', HINT = 'The last row is that frequency and more: 0 to 1000, such as 7.';
  END IF;
  -- the cardinalities differ, or one array is NULL and the other is not (-1 is no cardinality)
  IF coalesce(pg_catalog.cardinality(frequencies), -1) OPERATOR(pg_catalog.<>) coalesce(pg_catalog.cardinality(ages), -1) THEN
    RAISE EXCEPTION 'frequency_histogram: % frequencies but % ages', pg_catalog.cardinality(frequencies),
                    pg_catalog.cardinality(ages)
      USING ERRCODE = '22023', HINT = 'Pass one frequency and one age per customer, array_agg''ed in one query.';
  END IF;
  RETURN QUERY
  WITH c AS (SELECT f, a FROM ROWS FROM (pg_catalog.unnest(frequencies), pg_catalog.unnest(ages)) u(f, a)
             WHERE f IS NOT NULL AND a IS NOT NULL),
       by_age AS (SELECT a, pg_catalog.count(*) AS n FROM c GROUP BY a),
       p AS (SELECT k, pg_catalog.sum(by_age.n::double precision OPERATOR(pg_catalog.*)
                                      @extschema@.purchase_count_probability(model, by_age.a, k)) AS e
             FROM by_age, pg_catalog.generate_series(0, max_frequency OPERATOR(pg_catalog.-) 1) k GROUP BY k)
  SELECT g.k,
         (SELECT pg_catalog.count(*) FROM c
          WHERE CASE WHEN g.k OPERATOR(pg_catalog.<) max_frequency THEN c.f OPERATOR(pg_catalog.=) g.k
                     ELSE c.f OPERATOR(pg_catalog.>=) g.k END),
         CASE WHEN g.k OPERATOR(pg_catalog.<) max_frequency
              THEN coalesce((SELECT p.e FROM p WHERE p.k OPERATOR(pg_catalog.=) g.k), 0)
              ELSE (SELECT pg_catalog.count(*) FROM c)::double precision
                   OPERATOR(pg_catalog.-) (SELECT coalesce(pg_catalog.sum(p.e), 0) FROM p) END
  FROM pg_catalog.generate_series(0, max_frequency) g(k)
  ORDER BY g.k;
END
$$;
COMMENT ON FUNCTION @extschema@.frequency_histogram(@extschema@.@P@_model, integer[], double precision[], integer) IS
    'The BG/NBD paper''s Figure 3 for a fit: per calibration frequency 0 .. max_frequency (the last row max_frequency and more, default 7), the customers and the model''s expected number, sum over customers of P(X(T) = n) at each customer''s age T (frequencies and ages array_agg''ed in one order).';

-- Figure 2: the cumulative repeat purchases the model expects at each time, sum_i E[X(t - s_i)]
-- over the customers' first purchase times s_i (the actual series is a plain GROUP BY)
CREATE FUNCTION @extschema@.expected_cumulative_purchases(model @extschema@.@P@_model,
                                                          first_purchases double precision[],
                                                          times double precision[])
RETURNS TABLE (at_time double precision, expected double precision)
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
  WITH starts AS (SELECT s, pg_catalog.count(*) AS n FROM pg_catalog.unnest(first_purchases) s
                  WHERE s IS NOT NULL GROUP BY s)
  SELECT t, coalesce(pg_catalog.sum(starts.n::double precision OPERATOR(pg_catalog.*)
                                    @extschema@.expected_purchases(model, t OPERATOR(pg_catalog.-) starts.s)), 0)
  FROM pg_catalog.unnest(times) t LEFT JOIN starts ON t OPERATOR(pg_catalog.>) starts.s
  WHERE t IS NOT NULL
  GROUP BY t ORDER BY t
$$;
COMMENT ON FUNCTION @extschema@.expected_cumulative_purchases(@extschema@.@P@_model, double precision[], double precision[]) IS
    'The BG/NBD paper''s Figure 2 for a fit: at each of the times, the repeat purchases the model expects of the customers so far, sum of E[X(t - s)] over their first purchase times s (all in the model''s time unit, from one origin).';

-- @end

-- Pareto/NBD's and GGompertz/NBD's P(X(T, T+t) = n | x, t_x, T): a customer's count in the next t
-- given their history, and DERT (1.12)
-- @each P: pareto_nbd, ggompertz_nbd
CREATE FUNCTION @extschema@.purchase_count_probability(model @extschema@.@P@_model, t double precision, n integer,
                                                       frequency double precision, recency double precision,
                                                       age double precision)
RETURNS double precision
AS 'MODULE_PATHNAME', 'nbd_count_probability_sql' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.purchase_count_probability(@extschema@.@P@_model, double precision, integer, double precision, double precision, double precision) IS
    'Pareto/NBD or GGompertz/NBD: the probability that a customer with (frequency, recency, age) makes n purchases in the next t, P(X(T, T+t) = n | x, t_x, T), as lifetimes'' conditional_probability_of_n_purchases_up_to_time.';

CREATE FUNCTION @extschema@.purchase_count_probability(model @extschema@.@P@_model, t double precision, n integer,
                                                       frequency double precision, recency double precision,
                                                       age double precision, time_unit interval)
RETURNS double precision
AS 'MODULE_PATHNAME', 'nbd_count_probability_sql' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.purchase_count_probability(@extschema@.@P@_model, double precision, integer, double precision, double precision, double precision, interval) IS
    'Pareto/NBD or GGompertz/NBD: P(X(T, T+t) = n | x, t_x, T) for a customer with that history; a given time unit must be the model''s.';

-- DERT: a customer's purchases still ahead, discounted continuously
CREATE FUNCTION @extschema@.discounted_expected_transactions(model @extschema@.@P@_model, discount_rate double precision,
                                                             frequency double precision, recency double precision,
                                                             age double precision)
RETURNS double precision
AS 'MODULE_PATHNAME', 'nbd_discounted_transactions' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.discounted_expected_transactions(@extschema@.@P@_model, double precision, double precision, double precision, double precision) IS
    'Pareto/NBD or GGompertz/NBD: DERT, a customer''s purchases still ahead discounted continuously at the rate in % per time unit (Fader, Hardie and Lee''s RFM and CLV; CLVTools'' DERT at continuous.discount.factor ln(1 + rate/100)); CLV = value per purchase x DERT.';

CREATE FUNCTION @extschema@.discounted_expected_transactions(model @extschema@.@P@_model, discount_rate double precision,
                                                             frequency double precision, recency double precision,
                                                             age double precision, time_unit interval)
RETURNS double precision
AS 'MODULE_PATHNAME', 'nbd_discounted_transactions' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.discounted_expected_transactions(@extschema@.@P@_model, double precision, double precision, double precision, double precision, interval) IS
    'Pareto/NBD or GGompertz/NBD: DERT for a customer with that history; a given time unit must be the model''s.';

CREATE FUNCTION @extschema@.discounted_expected_transactions_interval(model @extschema@.@P@_model,
                                                                      discount_rate double precision,
                                                                      frequency double precision,
                                                                      recency double precision, age double precision,
                                                                      level double precision DEFAULT 0.95)
RETURNS @extschema@.prediction_interval
AS 'MODULE_PATHNAME', 'nbd_discounted_transactions_interval' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.discounted_expected_transactions_interval(@extschema@.@P@_model, double precision, double precision, double precision, double precision, double precision) IS
    'Pareto/NBD or GGompertz/NBD: DERT with its delta-method standard error and confidence interval (log scale) at the level (default 0.95).';

CREATE FUNCTION @extschema@.discounted_expected_transactions_interval(model @extschema@.@P@_model,
                                                                      discount_rate double precision,
                                                                      frequency double precision,
                                                                      recency double precision, age double precision,
                                                                      level double precision, time_unit interval)
RETURNS @extschema@.prediction_interval
AS 'MODULE_PATHNAME', 'nbd_discounted_transactions_interval' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.discounted_expected_transactions_interval(@extschema@.@P@_model, double precision, double precision, double precision, double precision, double precision, interval) IS
    'Pareto/NBD or GGompertz/NBD: DERT with its interval; a given time unit must be the model''s.';
-- @end
