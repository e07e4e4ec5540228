/* ---------------------------------------------------------------------
 * The sBG model of contractual retention (src/models/sbg.c): the fit, from one
 * row per customer or from an aggregated table, and its predictions.
 * The stored type sbg_model and its accessors are in src/models/models.sql.
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

CREATE FUNCTION @extschema@.retention_rate_interval(model @extschema@.sbg_model, t integer,
                                                    level double precision DEFAULT 0.95)
RETURNS @extschema@.prediction_interval
AS 'MODULE_PATHNAME', 'sbg_retention_rate_interval' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.retention_rate_interval(@extschema@.sbg_model, integer, double precision) IS
    'sBG: r(t) in % with its delta-method standard error and confidence interval (logit scale of r(t) / 100) at the level (default 0.95).';

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
