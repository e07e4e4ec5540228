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
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
DECLARE
  bad @extschema@.cohort_cell;
BEGIN
  -- cells are cohort_retention's, or made by hand: a rate is a share of a cohort
  SELECT c.* INTO bad FROM pg_catalog.unnest(cells) AS c
  WHERE c.cohort_size OPERATOR(pg_catalog.<) 0 OR c.retained OPERATOR(pg_catalog.<) 0
     OR c.retained OPERATOR(pg_catalog.>) c.cohort_size
  LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION 'cohort_average: a cell retains % of a cohort of %', bad.retained, bad.cohort_size
      USING ERRCODE = '22023',
            HINT = 'Each cell''s retained customers are some of its cohort''s: 0 <= retained <= cohort_size.';
  END IF;
  RETURN QUERY
    SELECT c.period_offset, c.last_offset, pg_catalog.count(*),
           pg_catalog.sum(c.cohort_size)::bigint, pg_catalog.sum(c.retained)::bigint,
           100.0::double precision OPERATOR(pg_catalog.*) pg_catalog.sum(c.retained)::double precision
           OPERATOR(pg_catalog./) pg_catalog.sum(c.cohort_size)::double precision
    FROM pg_catalog.unnest(cells) AS c
    WHERE c.complete
    GROUP BY c.period_offset, c.last_offset
    ORDER BY c.period_offset, c.last_offset;
END
$$;
COMMENT ON FUNCTION @extschema@.cohort_average(@extschema@.cohort_cell[]) IS
    'The retention curve over a cohort table: for each offset (or bracket), the complete cells'' pooled rate sum(retained) / sum(cohort_size) * 100, which is each cohort''s rate weighted by its size.';
