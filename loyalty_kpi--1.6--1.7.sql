/*
 * loyalty_kpi 1.6 -> 1.7: the sBG model of contractual retention.
 *
 * The stored type sbg_model with the accessors every model type has
 * (src/model.c, src/models.sql), the fit sbg_fit and its predictions
 * survival_at, retention_rate, expected_lifetime and
 * discounted_expected_lifetime (src/sbg.c, src/sbg.sql).  The C of the
 * models moved from models.c into one file per family; the stored format
 * of BG/NBD and Gamma-Gamma models is unchanged.
 */

\echo Use "ALTER EXTENSION loyalty_kpi UPDATE TO '1.7'" to load this file. \quit

-- the type and its accessors, as src/models.sql's template makes them for every model type
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
    'A fitted model''s parameter by name (BG/NBD: r, alpha, a, b; Gamma-Gamma: p, q, gamma; sBG: alpha, beta).';

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


-- the parameter comment now names sBG's parameters too
COMMENT ON FUNCTION @extschema@.parameter(@extschema@.bgnbd_model, text) IS
    'A fitted model''s parameter by name (BG/NBD: r, alpha, a, b; Gamma-Gamma: p, q, gamma; sBG: alpha, beta).';
COMMENT ON FUNCTION @extschema@.parameter(@extschema@.gamma_gamma_model, text) IS
    'A fitted model''s parameter by name (BG/NBD: r, alpha, a, b; Gamma-Gamma: p, q, gamma; sBG: alpha, beta).';
COMMENT ON TYPE @extschema@.sbg_model IS
    'A fitted sBG contractual retention model: alpha, beta with standard errors, log-likelihood and converged flag.';
COMMENT ON FUNCTION @extschema@.sbg_model_jsonb(@extschema@.sbg_model) IS
    'An sBG model as jsonb: parameters with standard errors, log-likelihood, customers, evaluations, converged.';

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

-- as the full install script does (src/privileges.sql): support functions are the aggregates' own
DO $$
DECLARE
    f regprocedure;
BEGIN
    FOR f IN
        SELECT p.oid::pg_catalog.regprocedure FROM pg_catalog.pg_proc p
        WHERE p.pronamespace = 'loyalty_kpi_internal'::pg_catalog.regnamespace
          AND NOT EXISTS (SELECT FROM pg_catalog.pg_type t
                          WHERE p.oid IN (t.typinput, t.typoutput, t.typreceive, t.typsend))
    LOOP
        EXECUTE pg_catalog.format('REVOKE EXECUTE ON FUNCTION %s FROM PUBLIC', f);
    END LOOP;
END
$$;
