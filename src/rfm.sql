/* ---------------------------------------------------------------------
 * RFM scores and segments (src/rfm.c): a stored model of each dimension's
 * quantile cut points, fitted over one (recency, frequency, monetary) row
 * per customer, the scores against it, and a segment from a user's map.
 * Recency is the time since the last purchase: lower is better.
 * ---------------------------------------------------------------------
 */

CREATE TYPE @extschema@.rfm_model;

CREATE FUNCTION loyalty_kpi_internal.rfm_model_in(cstring) RETURNS @extschema@.rfm_model
AS 'MODULE_PATHNAME', 'rfm_model_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION loyalty_kpi_internal.rfm_model_out(@extschema@.rfm_model) RETURNS cstring
AS 'MODULE_PATHNAME', 'rfm_model_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION loyalty_kpi_internal.rfm_model_recv(internal) RETURNS @extschema@.rfm_model
AS 'MODULE_PATHNAME', 'rfm_model_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION loyalty_kpi_internal.rfm_model_send(@extschema@.rfm_model) RETURNS bytea
AS 'MODULE_PATHNAME', 'rfm_model_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE @extschema@.rfm_model (
    INPUT = loyalty_kpi_internal.rfm_model_in, OUTPUT = loyalty_kpi_internal.rfm_model_out,
    RECEIVE = loyalty_kpi_internal.rfm_model_recv, SEND = loyalty_kpi_internal.rfm_model_send,
    INTERNALLENGTH = VARIABLE, ALIGNMENT = double, STORAGE = extended);
COMMENT ON TYPE @extschema@.rfm_model IS
    'An RFM model: the number of bins and each dimension''s cut points at the quantiles i / bins (as percentile_cont), from rfm_fit. Text form v1;bins=B;customers=N;r=...;f=...;m=...';

CREATE FUNCTION @extschema@.rfm_model_jsonb(model @extschema@.rfm_model) RETURNS jsonb
AS 'MODULE_PATHNAME', 'rfm_model_jsonb' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.rfm_model_jsonb(@extschema@.rfm_model) IS
    'An rfm_model as jsonb: version, bins, customers and the cut points of recency, frequency and monetary.';
CREATE CAST (@extschema@.rfm_model AS jsonb) WITH FUNCTION @extschema@.rfm_model_jsonb(@extschema@.rfm_model);

-- the model as a table to read (1.12)
CREATE FUNCTION @extschema@.rfm_bins(model @extschema@.rfm_model)
RETURNS TABLE (dimension text, score integer, above double precision, up_to double precision)
AS 'MODULE_PATHNAME', 'rfm_bin_rows' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 15;
COMMENT ON FUNCTION @extschema@.rfm_bins(@extschema@.rfm_model) IS
    'An RFM model as a table: for each dimension and score, the values that get it, above `above` (NULL: no bound) and up to `up_to` inclusive (NULL: no bound). Recency is reversed: the lowest scores best.';

-- a customer's scores; column order is fixed by rfm_score()
CREATE TYPE @extschema@.rfm_scores AS (r integer, f integer, m integer);
COMMENT ON TYPE @extschema@.rfm_scores IS
    'RFM scores 1..bins, bins the best: r (recency, lower time since the last purchase scores higher), f (frequency), m (monetary).';

CREATE FUNCTION loyalty_kpi_internal.rfm_accum(internal, double precision, double precision, double precision)
RETURNS internal AS 'MODULE_PATHNAME', 'rfm_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION loyalty_kpi_internal.rfm_accum(internal, double precision, double precision, double precision, integer)
RETURNS internal AS 'MODULE_PATHNAME', 'rfm_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION loyalty_kpi_internal.rfm_combine(internal, internal) RETURNS internal
AS 'MODULE_PATHNAME', 'rfm_combine' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION loyalty_kpi_internal.rfm_serialize(internal) RETURNS bytea
AS 'MODULE_PATHNAME', 'rfm_serialize' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION loyalty_kpi_internal.rfm_deserialize(bytea, internal) RETURNS internal
AS 'MODULE_PATHNAME', 'rfm_deserialize' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION loyalty_kpi_internal.rfm_fit_final(internal) RETURNS @extschema@.rfm_model
AS 'MODULE_PATHNAME', 'rfm_fit_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE AGGREGATE @extschema@.rfm_fit(recency double precision, frequency double precision, monetary double precision) (
    SFUNC = loyalty_kpi_internal.rfm_accum, STYPE = internal,
    FINALFUNC = loyalty_kpi_internal.rfm_fit_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = loyalty_kpi_internal.rfm_combine,
    SERIALFUNC = loyalty_kpi_internal.rfm_serialize, DESERIALFUNC = loyalty_kpi_internal.rfm_deserialize,
    PARALLEL = SAFE);
COMMENT ON AGGREGATE @extschema@.rfm_fit(double precision, double precision, double precision) IS
    'An RFM model over one (recency, frequency, monetary) row per customer: each dimension''s cut points at the quintiles (as percentile_cont). Recency is the time since the last purchase, lower is better. Rows with a NULL are skipped; NULL when there is none.';

CREATE AGGREGATE @extschema@.rfm_fit(recency double precision, frequency double precision, monetary double precision, bins integer) (
    SFUNC = loyalty_kpi_internal.rfm_accum, STYPE = internal,
    FINALFUNC = loyalty_kpi_internal.rfm_fit_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = loyalty_kpi_internal.rfm_combine,
    SERIALFUNC = loyalty_kpi_internal.rfm_serialize, DESERIALFUNC = loyalty_kpi_internal.rfm_deserialize,
    PARALLEL = SAFE);
COMMENT ON AGGREGATE @extschema@.rfm_fit(double precision, double precision, double precision, integer) IS
    'An RFM model with `bins` scores per dimension (2 to 100): the cut points at the quantiles i / bins (as percentile_cont). Rows with a NULL are skipped; NULL when there is none.';

CREATE FUNCTION @extschema@.rfm_score(model @extschema@.rfm_model, recency double precision,
                                      frequency double precision, monetary double precision)
RETURNS @extschema@.rfm_scores
AS 'MODULE_PATHNAME', 'rfm_score' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.rfm_score(@extschema@.rfm_model, double precision, double precision, double precision) IS
    'A customer''s RFM scores against a model, 1..bins with bins the best: f and m are 1 + the cut points strictly below the value, r is bins minus the cut points strictly below the recency. Tied values score the same.';

CREATE FUNCTION @extschema@.rfm_segment(r integer, f integer, m integer, segments jsonb)
RETURNS text
AS 'MODULE_PATHNAME', 'rfm_segment' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.rfm_segment(integer, integer, integer, jsonb) IS
    'The segment of RFM scores in a map: the first entry of the jsonb array [{"segment": name, "r": [lo, hi], "f": [lo, hi], "m": [lo, hi]}, ...] whose ranges hold the scores (a missing dimension holds every score). NULL when none does.';

CREATE FUNCTION @extschema@.rfm_segment(scores @extschema@.rfm_scores, segments jsonb)
RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$ SELECT @extschema@.rfm_segment(scores.r, scores.f, scores.m, segments) $$;
COMMENT ON FUNCTION @extschema@.rfm_segment(@extschema@.rfm_scores, jsonb) IS
    'The segment of RFM scores (from rfm_score) in a map: the first entry of the jsonb array [{"segment": name, "r": [lo, hi], "f": [lo, hi], "m": [lo, hi]}, ...] whose ranges hold them. NULL when none does.';
