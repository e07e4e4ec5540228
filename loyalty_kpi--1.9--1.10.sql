/*
 * loyalty_kpi 1.9 -> 1.10: the interval forms of the purchase models'
 * predictions with the caller's time unit, checked to be the model's as
 * the plain predictions check theirs (probability_alive_interval,
 * expected_purchases_interval both ways, predicted_clv_interval, for
 * BG/NBD, MBG/NBD and Pareto/NBD).  The fits' warm start for many
 * distinct rows, the prediction speed-ups and predicted_clv's NULL time
 * unit (answered NULL where it crashed) change no SQL object.  Generated
 * from src/bgnbd.sql's template, expanded for the three models.
 */

\echo Use "ALTER EXTENSION loyalty_kpi UPDATE TO '1.10'" to load this file. \quit

-- the interval forms with the caller's time unit (1.10), checked to be the
-- model's as the plain predictions check theirs.  The unit is the last
-- argument, as there, so these forms take the level too: with the level
-- defaulted and the unit before it, a literal '7 days' could be either
CREATE FUNCTION @extschema@.probability_alive_interval(model @extschema@.bgnbd_model, frequency double precision,
                                                       recency double precision, age double precision,
                                                       level double precision, time_unit interval)
RETURNS @extschema@.prediction_interval
AS 'MODULE_PATHNAME', 'nbd_probability_alive_interval' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.probability_alive_interval(@extschema@.bgnbd_model, double precision, double precision, double precision, double precision, interval) IS
    'BG/NBD, MBG/NBD or Pareto/NBD: P(alive) with its delta-method standard error and confidence interval (logit scale) at the level; the time unit must be the model''s.';

CREATE FUNCTION @extschema@.expected_purchases_interval(model @extschema@.bgnbd_model, t double precision,
                                                        frequency double precision, recency double precision,
                                                        age double precision, level double precision,
                                                        time_unit interval)
RETURNS @extschema@.prediction_interval
AS 'MODULE_PATHNAME', 'nbd_expected_purchases_interval' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.expected_purchases_interval(@extschema@.bgnbd_model, double precision, double precision, double precision, double precision, double precision, interval) IS
    'BG/NBD, MBG/NBD or Pareto/NBD: expected purchases in the next t with their delta-method standard error and confidence interval (log scale) at the level; the time unit must be the model''s.';

CREATE FUNCTION @extschema@.expected_purchases_interval(model @extschema@.bgnbd_model, t double precision,
                                                        level double precision, time_unit interval)
RETURNS @extschema@.prediction_interval
AS 'MODULE_PATHNAME', 'nbd_expected_purchases_interval' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.expected_purchases_interval(@extschema@.bgnbd_model, double precision, double precision, interval) IS
    'BG/NBD, MBG/NBD or Pareto/NBD: a new customer''s expected purchases in the first t with their delta-method standard error and confidence interval at the level; the time unit must be the model''s.';

CREATE FUNCTION @extschema@.predicted_clv_interval(purchases @extschema@.bgnbd_model, spend @extschema@.gamma_gamma_model,
                                                   frequency double precision, recency double precision,
                                                   age double precision, monetary_value double precision,
                                                   periods integer, period_length double precision,
                                                   discount_rate double precision, level double precision,
                                                   time_unit interval)
RETURNS @extschema@.prediction_interval
AS 'MODULE_PATHNAME', 'predicted_clv_interval' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.predicted_clv_interval(@extschema@.bgnbd_model, @extschema@.gamma_gamma_model, double precision, double precision, double precision, double precision, integer, double precision, double precision, double precision, interval) IS
    'predicted_clv with its delta-method standard error (both fits'' variances added) and confidence interval (log scale) at the level; the time unit must be the purchase model''s.';

-- the interval forms with the caller's time unit (1.10), checked to be the
-- model's as the plain predictions check theirs.  The unit is the last
-- argument, as there, so these forms take the level too: with the level
-- defaulted and the unit before it, a literal '7 days' could be either
CREATE FUNCTION @extschema@.probability_alive_interval(model @extschema@.mbgnbd_model, frequency double precision,
                                                       recency double precision, age double precision,
                                                       level double precision, time_unit interval)
RETURNS @extschema@.prediction_interval
AS 'MODULE_PATHNAME', 'nbd_probability_alive_interval' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.probability_alive_interval(@extschema@.mbgnbd_model, double precision, double precision, double precision, double precision, interval) IS
    'BG/NBD, MBG/NBD or Pareto/NBD: P(alive) with its delta-method standard error and confidence interval (logit scale) at the level; the time unit must be the model''s.';

CREATE FUNCTION @extschema@.expected_purchases_interval(model @extschema@.mbgnbd_model, t double precision,
                                                        frequency double precision, recency double precision,
                                                        age double precision, level double precision,
                                                        time_unit interval)
RETURNS @extschema@.prediction_interval
AS 'MODULE_PATHNAME', 'nbd_expected_purchases_interval' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.expected_purchases_interval(@extschema@.mbgnbd_model, double precision, double precision, double precision, double precision, double precision, interval) IS
    'BG/NBD, MBG/NBD or Pareto/NBD: expected purchases in the next t with their delta-method standard error and confidence interval (log scale) at the level; the time unit must be the model''s.';

CREATE FUNCTION @extschema@.expected_purchases_interval(model @extschema@.mbgnbd_model, t double precision,
                                                        level double precision, time_unit interval)
RETURNS @extschema@.prediction_interval
AS 'MODULE_PATHNAME', 'nbd_expected_purchases_interval' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.expected_purchases_interval(@extschema@.mbgnbd_model, double precision, double precision, interval) IS
    'BG/NBD, MBG/NBD or Pareto/NBD: a new customer''s expected purchases in the first t with their delta-method standard error and confidence interval at the level; the time unit must be the model''s.';

CREATE FUNCTION @extschema@.predicted_clv_interval(purchases @extschema@.mbgnbd_model, spend @extschema@.gamma_gamma_model,
                                                   frequency double precision, recency double precision,
                                                   age double precision, monetary_value double precision,
                                                   periods integer, period_length double precision,
                                                   discount_rate double precision, level double precision,
                                                   time_unit interval)
RETURNS @extschema@.prediction_interval
AS 'MODULE_PATHNAME', 'predicted_clv_interval' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.predicted_clv_interval(@extschema@.mbgnbd_model, @extschema@.gamma_gamma_model, double precision, double precision, double precision, double precision, integer, double precision, double precision, double precision, interval) IS
    'predicted_clv with its delta-method standard error (both fits'' variances added) and confidence interval (log scale) at the level; the time unit must be the purchase model''s.';

-- the interval forms with the caller's time unit (1.10), checked to be the
-- model's as the plain predictions check theirs.  The unit is the last
-- argument, as there, so these forms take the level too: with the level
-- defaulted and the unit before it, a literal '7 days' could be either
CREATE FUNCTION @extschema@.probability_alive_interval(model @extschema@.pareto_nbd_model, frequency double precision,
                                                       recency double precision, age double precision,
                                                       level double precision, time_unit interval)
RETURNS @extschema@.prediction_interval
AS 'MODULE_PATHNAME', 'nbd_probability_alive_interval' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.probability_alive_interval(@extschema@.pareto_nbd_model, double precision, double precision, double precision, double precision, interval) IS
    'BG/NBD, MBG/NBD or Pareto/NBD: P(alive) with its delta-method standard error and confidence interval (logit scale) at the level; the time unit must be the model''s.';

CREATE FUNCTION @extschema@.expected_purchases_interval(model @extschema@.pareto_nbd_model, t double precision,
                                                        frequency double precision, recency double precision,
                                                        age double precision, level double precision,
                                                        time_unit interval)
RETURNS @extschema@.prediction_interval
AS 'MODULE_PATHNAME', 'nbd_expected_purchases_interval' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.expected_purchases_interval(@extschema@.pareto_nbd_model, double precision, double precision, double precision, double precision, double precision, interval) IS
    'BG/NBD, MBG/NBD or Pareto/NBD: expected purchases in the next t with their delta-method standard error and confidence interval (log scale) at the level; the time unit must be the model''s.';

CREATE FUNCTION @extschema@.expected_purchases_interval(model @extschema@.pareto_nbd_model, t double precision,
                                                        level double precision, time_unit interval)
RETURNS @extschema@.prediction_interval
AS 'MODULE_PATHNAME', 'nbd_expected_purchases_interval' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.expected_purchases_interval(@extschema@.pareto_nbd_model, double precision, double precision, interval) IS
    'BG/NBD, MBG/NBD or Pareto/NBD: a new customer''s expected purchases in the first t with their delta-method standard error and confidence interval at the level; the time unit must be the model''s.';

CREATE FUNCTION @extschema@.predicted_clv_interval(purchases @extschema@.pareto_nbd_model, spend @extschema@.gamma_gamma_model,
                                                   frequency double precision, recency double precision,
                                                   age double precision, monetary_value double precision,
                                                   periods integer, period_length double precision,
                                                   discount_rate double precision, level double precision,
                                                   time_unit interval)
RETURNS @extschema@.prediction_interval
AS 'MODULE_PATHNAME', 'predicted_clv_interval' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.predicted_clv_interval(@extschema@.pareto_nbd_model, @extschema@.gamma_gamma_model, double precision, double precision, double precision, double precision, integer, double precision, double precision, double precision, interval) IS
    'predicted_clv with its delta-method standard error (both fits'' variances added) and confidence interval (log scale) at the level; the time unit must be the purchase model''s.';
