/*
 * loyalty_kpi 1.10 -> 1.11: no name a database owner can plant is looked
 * up while the extension's scripts or its SQL and PL/pgSQL bodies run, and
 * the defects found from outside in 1.10.
 *
 * The extension is trusted, so its scripts run as a superuser in a schema
 * the database owner can write, and its bodies run with their caller's
 * search_path.  An operator or function looked up by name there could
 * resolve to one the owner planted (an exact match for bigint * double
 * precision, or an overload taking integer where ours takes double
 * precision).  The bodies are replaced by ones that write every operator
 * OPERATOR(pg_catalog.x), qualify every call, and pass arguments of the
 * declared types; the PL/pgSQL ones also run with search_path pg_catalog,
 * pg_temp.  The earlier update scripts were mended the same way, so an
 * update from 1.0 runs nothing an owner can capture either.
 *
 * Also: logrank_test's state functions are the extension's own (Citus's
 * workers could not run array_append's first call); cohort_average, now
 * PL/pgSQL, refuses cells that retain more than their cohort (22023).  The
 * rest of 1.11 is in the library: the log-rank test over any number of
 * groups the memory allows, interruptible; tier_state's binary input
 * checks the names' encoding; model input checks the covariance; shares
 * stay in 0 to 1 (or 100) or raise 22003; rfm_fit and pareto_nbd_fit
 * answer a cancel within 0.1 s.  No stored format changes.
 */

\echo Use "ALTER EXTENSION loyalty_kpi UPDATE TO '1.11'" to load this file. \quit

-- the papers' checks of a fit, for each purchase model
CREATE OR REPLACE FUNCTION @extschema@.holdout_by_frequency(model @extschema@.bgnbd_model,
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

CREATE OR REPLACE FUNCTION @extschema@.frequency_histogram(model @extschema@.bgnbd_model, frequencies integer[],
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

CREATE OR REPLACE FUNCTION @extschema@.expected_cumulative_purchases(model @extschema@.bgnbd_model,
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

CREATE OR REPLACE FUNCTION @extschema@.holdout_by_frequency(model @extschema@.mbgnbd_model,
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

CREATE OR REPLACE FUNCTION @extschema@.frequency_histogram(model @extschema@.mbgnbd_model, frequencies integer[],
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

CREATE OR REPLACE FUNCTION @extschema@.expected_cumulative_purchases(model @extschema@.mbgnbd_model,
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

CREATE OR REPLACE FUNCTION @extschema@.holdout_by_frequency(model @extschema@.pareto_nbd_model,
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

CREATE OR REPLACE FUNCTION @extschema@.frequency_histogram(model @extschema@.pareto_nbd_model, frequencies integer[],
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

CREATE OR REPLACE FUNCTION @extschema@.expected_cumulative_purchases(model @extschema@.pareto_nbd_model,
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

-- the retention curve over a cohort table
CREATE OR REPLACE FUNCTION @extschema@.cohort_average(cells @extschema@.cohort_cell[])
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

-- logrank_test's state functions are the extension's own, with the element
-- type declared: PostgreSQL's polymorphic array_append read it from the
-- call expression on the first row, which Citus's partial aggregation does
-- not pass (22023 "could not determine input data type" on the workers)
CREATE FUNCTION loyalty_kpi_internal.logrank_accum(@extschema@.survival_summary[], @extschema@.survival_summary)
RETURNS @extschema@.survival_summary[]
AS 'MODULE_PATHNAME', 'logrank_accum' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.logrank_combine(@extschema@.survival_summary[], @extschema@.survival_summary[])
RETURNS @extschema@.survival_summary[]
AS 'MODULE_PATHNAME', 'logrank_combine' LANGUAGE C IMMUTABLE PARALLEL SAFE;

REVOKE EXECUTE ON FUNCTION
    loyalty_kpi_internal.logrank_accum(@extschema@.survival_summary[], @extschema@.survival_summary),
    loyalty_kpi_internal.logrank_combine(@extschema@.survival_summary[], @extschema@.survival_summary[])
FROM PUBLIC;

CREATE OR REPLACE AGGREGATE @extschema@.logrank_test(summary @extschema@.survival_summary) (
    SFUNC = loyalty_kpi_internal.logrank_accum, STYPE = @extschema@.survival_summary[],
    FINALFUNC = loyalty_kpi_internal.logrank_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = loyalty_kpi_internal.logrank_combine,
    PARALLEL = SAFE);
