/*
 * loyalty_kpi 1.5 -> 1.6: cohort retention tables, lifecycle buckets and
 * RFM segments.
 *
 * cohort_retention, acquisition_cohort_retention and lifecycle_counts from
 * one row per activity and cohort_average over a cohort table
 * (src/cohort.c, src/cohort.sql); the RFM model: rfm_fit, the stored
 * rfm_model, rfm_score and rfm_segment (src/rfm.c, src/rfm.sql).  Nothing
 * that 1.5 had changes.
 */

\echo Use "ALTER EXTENSION loyalty_kpi UPDATE TO '1.6'" to load this file. \quit

/* ---------------------------------------------------------------------
 * Cohort retention tables and lifecycle buckets (src/cohort.c), from one
 * row per activity (or order), any customer id type with a hash opclass.
 * The state is a hash table of customers (internal), each with a bitmap
 * of the periods they were active in, serialized for parallel workers.
 * ---------------------------------------------------------------------
 */

-- one cell of a cohort table; column order is fixed by cohort_retention_final()
CREATE TYPE @extschema@.cohort_cell AS (
    cohort_start   timestamptz,       -- the cohort's period
    period_offset  integer,           -- k: periods after the cohort's (a bracket's first)
    last_offset    integer,           -- the window's last offset: k for 'on', the bracket's last, NULL when open
    period_start   timestamptz,       -- the start of period k
    period_end     timestamptz,       -- when the cell is complete: the end of period k (of the bracket's last)
    cohort_size    bigint,
    retained       bigint,            -- the cohort's customers active in the window (so far, when not complete)
    retention_rate double precision,  -- retained / cohort_size * 100; NULL while not complete
    complete       boolean            -- period_end <= as_of
);
COMMENT ON TYPE @extschema@.cohort_cell IS
    'One cell of cohort_retention: the cohort, the offset k (or bracket), its window, the cohort''s size, the customers retained and the rate (%), NULL while the cell is not complete at as_of.';

-- one period of lifecycle_counts; column order is fixed by lifecycle_counts_final()
CREATE TYPE @extschema@.lifecycle_period AS (
    period_start       timestamptz,
    period_end         timestamptz,
    new_count          bigint,            -- first activity ever (or acquisition) in the period
    returning_count    bigint,            -- active in it and in the previous period
    resurrecting_count bigint,            -- active in it, not in the previous period, not new
    dormant_count      bigint,            -- active in the previous period, not in this one (a positive count)
    active_count       bigint,            -- active in it
    quick_ratio        double precision   -- (new + resurrecting) / dormant; NULL when none went dormant
);
COMMENT ON TYPE @extschema@.lifecycle_period IS
    'One period of lifecycle_counts: new, returning, resurrecting, dormant and active customers, and the quick ratio (new + resurrecting) / dormant.';

-- One transition function per form: the C reads what follows as_of (a
-- mode, brackets, the cohorts) by position and declared type.
CREATE FUNCTION loyalty_kpi_internal.cohort_accum(internal, "any", timestamptz, interval, timestamptz)
RETURNS internal AS 'MODULE_PATHNAME', 'cohort_accum' LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION loyalty_kpi_internal.cohort_accum(internal, "any", timestamptz, interval, timestamptz, text)
RETURNS internal AS 'MODULE_PATHNAME', 'cohort_accum' LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION loyalty_kpi_internal.cohort_accum(internal, "any", timestamptz, interval, timestamptz, text, text)
RETURNS internal AS 'MODULE_PATHNAME', 'cohort_accum' LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION loyalty_kpi_internal.cohort_accum(internal, "any", timestamptz, interval, timestamptz, int4range[])
RETURNS internal AS 'MODULE_PATHNAME', 'cohort_accum' LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION loyalty_kpi_internal.cohort_accum(internal, "any", timestamptz, interval, timestamptz, int4range[], text)
RETURNS internal AS 'MODULE_PATHNAME', 'cohort_accum' LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION loyalty_kpi_internal.cohort_acquired_accum(internal, "any", timestamptz, timestamptz, interval, timestamptz)
RETURNS internal AS 'MODULE_PATHNAME', 'cohort_acquired_accum' LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION loyalty_kpi_internal.cohort_acquired_accum(internal, "any", timestamptz, timestamptz, interval, timestamptz, text)
RETURNS internal AS 'MODULE_PATHNAME', 'cohort_acquired_accum' LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION loyalty_kpi_internal.cohort_acquired_accum(internal, "any", timestamptz, timestamptz, interval, timestamptz, int4range[])
RETURNS internal AS 'MODULE_PATHNAME', 'cohort_acquired_accum' LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION loyalty_kpi_internal.lifecycle_counts_accum(internal, "any", timestamptz, timestamptz, timestamptz, interval)
RETURNS internal AS 'MODULE_PATHNAME', 'lifecycle_counts_accum' LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION loyalty_kpi_internal.lifecycle_counts_acquired_accum(internal, "any", timestamptz, timestamptz, timestamptz, timestamptz, interval)
RETURNS internal AS 'MODULE_PATHNAME', 'lifecycle_counts_acquired_accum' LANGUAGE C STABLE PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.activity_combine(internal, internal) RETURNS internal
AS 'MODULE_PATHNAME', 'activity_combine' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION loyalty_kpi_internal.activity_serialize(internal) RETURNS bytea
AS 'MODULE_PATHNAME', 'activity_serialize' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION loyalty_kpi_internal.activity_deserialize(bytea, internal) RETURNS internal
AS 'MODULE_PATHNAME', 'activity_deserialize' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- STABLE: the periods are calendar steps in the session's TimeZone
CREATE FUNCTION loyalty_kpi_internal.cohort_retention_final(internal) RETURNS @extschema@.cohort_cell[]
AS 'MODULE_PATHNAME', 'cohort_retention_final' LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION loyalty_kpi_internal.lifecycle_counts_final(internal) RETURNS @extschema@.lifecycle_period[]
AS 'MODULE_PATHNAME', 'lifecycle_counts_final' LANGUAGE C STABLE PARALLEL SAFE;

-- The aggregates: no inverse (a window frame is recomputed), and the same
-- state, combine and serialization for every form.
CREATE AGGREGATE @extschema@.cohort_retention(customer_id "any", active_at timestamptz, period interval, as_of timestamptz) (
    SFUNC = loyalty_kpi_internal.cohort_accum, STYPE = internal,
    FINALFUNC = loyalty_kpi_internal.cohort_retention_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = loyalty_kpi_internal.activity_combine,
    SERIALFUNC = loyalty_kpi_internal.activity_serialize, DESERIALFUNC = loyalty_kpi_internal.activity_deserialize,
    PARALLEL = SAFE);
COMMENT ON AGGREGATE @extschema@.cohort_retention("any", timestamptz, interval, timestamptz) IS
    'The cohort table in one scan, an array of cohort_cell: per cohort (period of first activity) and offset k, the size, the customers active in k (''on''), in k or later (''on_or_after'') or in a bracket, and the rate (%), NULL until the cell ends at as_of.';

CREATE AGGREGATE @extschema@.cohort_retention(customer_id "any", active_at timestamptz, period interval, as_of timestamptz, mode text) (
    SFUNC = loyalty_kpi_internal.cohort_accum, STYPE = internal,
    FINALFUNC = loyalty_kpi_internal.cohort_retention_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = loyalty_kpi_internal.activity_combine,
    SERIALFUNC = loyalty_kpi_internal.activity_serialize, DESERIALFUNC = loyalty_kpi_internal.activity_deserialize,
    PARALLEL = SAFE);
COMMENT ON AGGREGATE @extschema@.cohort_retention("any", timestamptz, interval, timestamptz, text) IS
    'The cohort table in one scan, an array of cohort_cell: per cohort (period of first activity) and offset k, the size, the customers active in k (''on''), in k or later (''on_or_after'') or in a bracket, and the rate (%), NULL until the cell ends at as_of.';

CREATE AGGREGATE @extschema@.cohort_retention(customer_id "any", active_at timestamptz, period interval, as_of timestamptz, mode text, cohorts text) (
    SFUNC = loyalty_kpi_internal.cohort_accum, STYPE = internal,
    FINALFUNC = loyalty_kpi_internal.cohort_retention_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = loyalty_kpi_internal.activity_combine,
    SERIALFUNC = loyalty_kpi_internal.activity_serialize, DESERIALFUNC = loyalty_kpi_internal.activity_deserialize,
    PARALLEL = SAFE);
COMMENT ON AGGREGATE @extschema@.cohort_retention("any", timestamptz, interval, timestamptz, text, text) IS
    'The cohort table in one scan, an array of cohort_cell: per cohort (period of first activity) and offset k, the size, the customers active in k (''on''), in k or later (''on_or_after'') or in a bracket, and the rate (%), NULL until the cell ends at as_of.';

CREATE AGGREGATE @extschema@.cohort_retention(customer_id "any", active_at timestamptz, period interval, as_of timestamptz, brackets int4range[]) (
    SFUNC = loyalty_kpi_internal.cohort_accum, STYPE = internal,
    FINALFUNC = loyalty_kpi_internal.cohort_retention_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = loyalty_kpi_internal.activity_combine,
    SERIALFUNC = loyalty_kpi_internal.activity_serialize, DESERIALFUNC = loyalty_kpi_internal.activity_deserialize,
    PARALLEL = SAFE);
COMMENT ON AGGREGATE @extschema@.cohort_retention("any", timestamptz, interval, timestamptz, int4range[]) IS
    'The cohort table in one scan, an array of cohort_cell: per cohort (period of first activity) and offset k, the size, the customers active in k (''on''), in k or later (''on_or_after'') or in a bracket, and the rate (%), NULL until the cell ends at as_of.';

CREATE AGGREGATE @extschema@.cohort_retention(customer_id "any", active_at timestamptz, period interval, as_of timestamptz, brackets int4range[], cohorts text) (
    SFUNC = loyalty_kpi_internal.cohort_accum, STYPE = internal,
    FINALFUNC = loyalty_kpi_internal.cohort_retention_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = loyalty_kpi_internal.activity_combine,
    SERIALFUNC = loyalty_kpi_internal.activity_serialize, DESERIALFUNC = loyalty_kpi_internal.activity_deserialize,
    PARALLEL = SAFE);
COMMENT ON AGGREGATE @extschema@.cohort_retention("any", timestamptz, interval, timestamptz, int4range[], text) IS
    'The cohort table in one scan, an array of cohort_cell: per cohort (period of first activity) and offset k, the size, the customers active in k (''on''), in k or later (''on_or_after'') or in a bracket, and the rate (%), NULL until the cell ends at as_of.';

CREATE AGGREGATE @extschema@.acquisition_cohort_retention(customer_id "any", acquired_at timestamptz, active_at timestamptz, period interval, as_of timestamptz) (
    SFUNC = loyalty_kpi_internal.cohort_acquired_accum, STYPE = internal,
    FINALFUNC = loyalty_kpi_internal.cohort_retention_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = loyalty_kpi_internal.activity_combine,
    SERIALFUNC = loyalty_kpi_internal.activity_serialize, DESERIALFUNC = loyalty_kpi_internal.activity_deserialize,
    PARALLEL = SAFE);
COMMENT ON AGGREGATE @extschema@.acquisition_cohort_retention("any", timestamptz, timestamptz, interval, timestamptz) IS
    'cohort_retention with cohorts from acquired_at (the same on every row of a customer); a NULL active_at is a customer never active, and activity before the acquisition''s period does not count. NULL when there is no row.';

CREATE AGGREGATE @extschema@.acquisition_cohort_retention(customer_id "any", acquired_at timestamptz, active_at timestamptz, period interval, as_of timestamptz, mode text) (
    SFUNC = loyalty_kpi_internal.cohort_acquired_accum, STYPE = internal,
    FINALFUNC = loyalty_kpi_internal.cohort_retention_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = loyalty_kpi_internal.activity_combine,
    SERIALFUNC = loyalty_kpi_internal.activity_serialize, DESERIALFUNC = loyalty_kpi_internal.activity_deserialize,
    PARALLEL = SAFE);
COMMENT ON AGGREGATE @extschema@.acquisition_cohort_retention("any", timestamptz, timestamptz, interval, timestamptz, text) IS
    'cohort_retention with cohorts from acquired_at (the same on every row of a customer); a NULL active_at is a customer never active, and activity before the acquisition''s period does not count. NULL when there is no row.';

CREATE AGGREGATE @extschema@.acquisition_cohort_retention(customer_id "any", acquired_at timestamptz, active_at timestamptz, period interval, as_of timestamptz, brackets int4range[]) (
    SFUNC = loyalty_kpi_internal.cohort_acquired_accum, STYPE = internal,
    FINALFUNC = loyalty_kpi_internal.cohort_retention_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = loyalty_kpi_internal.activity_combine,
    SERIALFUNC = loyalty_kpi_internal.activity_serialize, DESERIALFUNC = loyalty_kpi_internal.activity_deserialize,
    PARALLEL = SAFE);
COMMENT ON AGGREGATE @extschema@.acquisition_cohort_retention("any", timestamptz, timestamptz, interval, timestamptz, int4range[]) IS
    'cohort_retention with cohorts from acquired_at (the same on every row of a customer); a NULL active_at is a customer never active, and activity before the acquisition''s period does not count. NULL when there is no row.';

CREATE AGGREGATE @extschema@.lifecycle_counts(customer_id "any", active_at timestamptz, first_start timestamptz, last_end timestamptz, step interval) (
    SFUNC = loyalty_kpi_internal.lifecycle_counts_accum, STYPE = internal,
    FINALFUNC = loyalty_kpi_internal.lifecycle_counts_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = loyalty_kpi_internal.activity_combine,
    SERIALFUNC = loyalty_kpi_internal.activity_serialize, DESERIALFUNC = loyalty_kpi_internal.activity_deserialize,
    PARALLEL = SAFE);
COMMENT ON AGGREGATE @extschema@.lifecycle_counts("any", timestamptz, timestamptz, timestamptz, interval) IS
    'Per period first_start + k * step, in one scan: customers new, returning, resurrecting and dormant (PostHog''s definitions), the active, and the quick ratio (new + resurrecting) / dormant, as an array of lifecycle_period. NULL when there is no row.';

CREATE AGGREGATE @extschema@.lifecycle_counts(customer_id "any", acquired_at timestamptz, active_at timestamptz, first_start timestamptz, last_end timestamptz, step interval) (
    SFUNC = loyalty_kpi_internal.lifecycle_counts_acquired_accum, STYPE = internal,
    FINALFUNC = loyalty_kpi_internal.lifecycle_counts_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = loyalty_kpi_internal.activity_combine,
    SERIALFUNC = loyalty_kpi_internal.activity_serialize, DESERIALFUNC = loyalty_kpi_internal.activity_deserialize,
    PARALLEL = SAFE);
COMMENT ON AGGREGATE @extschema@.lifecycle_counts("any", timestamptz, timestamptz, timestamptz, timestamptz, interval) IS
    'Per period first_start + k * step, in one scan: customers new, returning, resurrecting and dormant (PostHog''s definitions), the active, and the quick ratio (new + resurrecting) / dormant, as an array of lifecycle_period. NULL when there is no row.';

-- The headline retention curve: for each offset (or bracket), the pooled
-- rate over the complete cells, sum(retained) / sum(cohort_size) * 100.
CREATE FUNCTION @extschema@.cohort_average(cells @extschema@.cohort_cell[])
RETURNS TABLE (period_offset integer, last_offset integer, cohorts bigint, cohort_size bigint,
               retained bigint, retention_rate double precision)
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT c.period_offset, c.last_offset, pg_catalog.count(*),
           pg_catalog.sum(c.cohort_size)::bigint, pg_catalog.sum(c.retained)::bigint,
           100.0::double precision OPERATOR(pg_catalog.*) pg_catalog.sum(c.retained) OPERATOR(pg_catalog./) pg_catalog.sum(c.cohort_size)
    FROM pg_catalog.unnest(cells) AS c
    WHERE c.complete
    GROUP BY c.period_offset, c.last_offset
    ORDER BY c.period_offset, c.last_offset
$$;
COMMENT ON FUNCTION @extschema@.cohort_average(@extschema@.cohort_cell[]) IS
    'The retention curve over a cohort table: for each offset (or bracket), the complete cells'' pooled rate sum(retained) / sum(cohort_size) * 100, which is each cohort''s rate weighted by its size.';

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
