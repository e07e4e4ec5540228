/* ---------------------------------------------------------------------
 * The BG/BB model of discrete-time purchases (src/models/bgbb.c): the fit over
 * (frequency, recency, opportunities) rows and its predictions.  The
 * stored type bgbb_model and its accessors are in src/models/models.sql.
 * ---------------------------------------------------------------------
 */

CREATE FUNCTION loyalty_kpi_internal.bgbb_fit_accum(internal, integer, integer, integer) RETURNS internal
AS 'MODULE_PATHNAME', 'bgbb_fit_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.bgbb_fit_accum(internal, integer, integer, integer, double precision) RETURNS internal
AS 'MODULE_PATHNAME', 'bgbb_fit_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.bgbb_fit_accum(internal, integer, integer, integer, double precision,
                                                   double precision) RETURNS internal
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

CREATE AGGREGATE @extschema@.bgbb_fit(frequency integer, recency integer, opportunities integer,
                                      customers double precision, penalizer_coef double precision) (
    SFUNC = loyalty_kpi_internal.bgbb_fit_accum, STYPE = internal,
    FINALFUNC = loyalty_kpi_internal.bgbb_fit_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = loyalty_kpi_internal.fit_combine,
    SERIALFUNC = loyalty_kpi_internal.fit_serialize, DESERIALFUNC = loyalty_kpi_internal.fit_deserialize,
    PARALLEL = SAFE);
COMMENT ON AGGREGATE @extschema@.bgbb_fit(integer, integer, integer, double precision, double precision) IS
    'The BG/BB fit with lifetimes'' penalizer_coef (after the weight, 1 for none): the mean log-likelihood less penalizer_coef times the sum of the parameters squared, as lifetimes'' BetaGeoBetaBinomFitter; the model records the penalizer.';

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

CREATE FUNCTION @extschema@.purchase_count_probability(model @extschema@.bgbb_model, opportunities integer, n integer)
RETURNS double precision
AS 'MODULE_PATHNAME', 'bgbb_purchase_count_probability' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.purchase_count_probability(@extschema@.bgbb_model, integer, integer) IS
    'BG/BB: the probability that a new customer transacts at n of their first `opportunities` opportunities, P(X(opportunities) = n); times the customers, the table of customers by count that the fit is checked against.';

CREATE FUNCTION @extschema@.purchase_count_probability_interval(model @extschema@.bgbb_model, opportunities integer,
                                                                n integer, level double precision DEFAULT 0.95)
RETURNS @extschema@.prediction_interval
AS 'MODULE_PATHNAME', 'bgbb_purchase_count_probability' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.purchase_count_probability_interval(@extschema@.bgbb_model, integer, integer, double precision) IS
    'BG/BB: P(X(opportunities) = n) for a new customer with its delta-method standard error and confidence interval (logit scale) at the level (default 0.95).';
