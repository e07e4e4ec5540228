/*
 * loyalty_kpi 1.8 -> 1.9: btyd_summary over numeric amounts, and its state
 * declared to the planner.
 *
 * The numeric forms read an amount from its bytes where they can (the same
 * number as the cast to double precision, without its text round trip).
 * Every btyd_summary declares its state's size (SSPACE 128), so a GROUP BY
 * customer's hash table is planned by it and not by an internal state's
 * default of 1 kB.  CREATE AGGREGATE sets that; ALTER AGGREGATE cannot, so
 * for the four existing forms this script sets pg_aggregate.aggtransspace,
 * the column SSPACE fills.  predicted_clv's speed-up (src/gamma_gamma.c)
 * changes no SQL object.  The papers' checks of a fit (Figures 2, 3 and
 * 4 of the BG/NBD paper) as set-returning functions of every purchase
 * model: holdout_by_frequency, frequency_histogram,
 * expected_cumulative_purchases.  Generated from the sources: src/clv.sql's
 * template expanded for numeric, src/bgnbd.sql's for the three models.
 */

\echo Use "ALTER EXTENSION loyalty_kpi UPDATE TO '1.9'" to load this file. \quit

CREATE FUNCTION loyalty_kpi_internal.btyd_summary_accum_date(internal, date, numeric, date, interval)
RETURNS internal
AS 'MODULE_PATHNAME', 'btyd_summary_accum_date' LANGUAGE C IMMUTABLE PARALLEL SAFE;

-- calendar days of the purchase times in the session's time zone: STABLE
CREATE FUNCTION loyalty_kpi_internal.btyd_summary_accum_timestamptz(internal, timestamptz, numeric, date, interval)
RETURNS internal
AS 'MODULE_PATHNAME', 'btyd_summary_accum_timestamptz' LANGUAGE C STABLE PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.btyd_summary_accum_date(internal, date, numeric, date, date, interval)
RETURNS internal
AS 'MODULE_PATHNAME', 'btyd_summary_accum_date' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION loyalty_kpi_internal.btyd_summary_accum_timestamptz(internal, timestamptz, numeric, date, date, interval)
RETURNS internal
AS 'MODULE_PATHNAME', 'btyd_summary_accum_timestamptz' LANGUAGE C STABLE PARALLEL SAFE;

CREATE AGGREGATE @extschema@.btyd_summary(purchased_on date, amount numeric, observation_end date, time_unit interval) (
    SFUNC = loyalty_kpi_internal.btyd_summary_accum_date, STYPE = internal, SSPACE = 128,
    FINALFUNC = loyalty_kpi_internal.btyd_summary_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = loyalty_kpi_internal.btyd_summary_combine,
    SERIALFUNC = loyalty_kpi_internal.btyd_summary_serialize, DESERIALFUNC = loyalty_kpi_internal.btyd_summary_deserialize,
    PARALLEL = SAFE);
COMMENT ON AGGREGATE @extschema@.btyd_summary(date, numeric, date, interval) IS
    'One customer''s BTYD summary from their transactions up to observation_end (use with GROUP BY customer): frequency (repeat purchase days), recency and age in time units, mean repeat spend. NULL when there is no purchase.';

CREATE AGGREGATE @extschema@.btyd_summary(purchased_at timestamptz, amount numeric, observation_end date, time_unit interval) (
    SFUNC = loyalty_kpi_internal.btyd_summary_accum_timestamptz, STYPE = internal, SSPACE = 128,
    FINALFUNC = loyalty_kpi_internal.btyd_summary_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = loyalty_kpi_internal.btyd_summary_combine,
    SERIALFUNC = loyalty_kpi_internal.btyd_summary_serialize, DESERIALFUNC = loyalty_kpi_internal.btyd_summary_deserialize,
    PARALLEL = SAFE);
COMMENT ON AGGREGATE @extschema@.btyd_summary(timestamptz, numeric, date, interval) IS
    'One customer''s BTYD summary from their transactions up to observation_end (use with GROUP BY customer): frequency (repeat purchase days), recency and age in time units, mean repeat spend. NULL when there is no purchase.';

CREATE AGGREGATE @extschema@.btyd_summary(purchased_on date, amount numeric, calibration_end date,
                                          holdout_end date, time_unit interval) (
    SFUNC = loyalty_kpi_internal.btyd_summary_accum_date, STYPE = internal, SSPACE = 128,
    FINALFUNC = loyalty_kpi_internal.btyd_summary_holdout_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = loyalty_kpi_internal.btyd_summary_combine,
    SERIALFUNC = loyalty_kpi_internal.btyd_summary_serialize, DESERIALFUNC = loyalty_kpi_internal.btyd_summary_deserialize,
    PARALLEL = SAFE);
COMMENT ON AGGREGATE @extschema@.btyd_summary(date, numeric, date, date, interval) IS
    'One customer''s BTYD calibration summary to calibration_end with the holdout to holdout_end beside it (use with GROUP BY customer): purchase days and spend in the holdout and its length. NULL for a customer whose first purchase is after calibration_end.';

CREATE AGGREGATE @extschema@.btyd_summary(purchased_at timestamptz, amount numeric, calibration_end date,
                                          holdout_end date, time_unit interval) (
    SFUNC = loyalty_kpi_internal.btyd_summary_accum_timestamptz, STYPE = internal, SSPACE = 128,
    FINALFUNC = loyalty_kpi_internal.btyd_summary_holdout_final, FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = loyalty_kpi_internal.btyd_summary_combine,
    SERIALFUNC = loyalty_kpi_internal.btyd_summary_serialize, DESERIALFUNC = loyalty_kpi_internal.btyd_summary_deserialize,
    PARALLEL = SAFE);
COMMENT ON AGGREGATE @extschema@.btyd_summary(timestamptz, numeric, date, date, interval) IS
    'One customer''s BTYD calibration summary to calibration_end with the holdout to holdout_end beside it (use with GROUP BY customer): purchase days and spend in the holdout and its length. NULL for a customer whose first purchase is after calibration_end.';

UPDATE pg_catalog.pg_aggregate SET aggtransspace = 128
WHERE aggfnoid OPERATOR(pg_catalog.=) ANY (ARRAY[
          '@extschema@.btyd_summary(date, double precision, date, interval)'::pg_catalog.regprocedure,
          '@extschema@.btyd_summary(timestamptz, double precision, date, interval)'::pg_catalog.regprocedure,
          '@extschema@.btyd_summary(date, double precision, date, date, interval)'::pg_catalog.regprocedure,
          '@extschema@.btyd_summary(timestamptz, double precision, date, date, interval)'::pg_catalog.regprocedure]::pg_catalog.oid[]);

-- the new support functions are the aggregates' own, as src/privileges.sql makes every one
REVOKE EXECUTE ON FUNCTION loyalty_kpi_internal.btyd_summary_accum_date(internal, date, numeric, date, interval) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION loyalty_kpi_internal.btyd_summary_accum_timestamptz(internal, timestamptz, numeric, date, interval) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION loyalty_kpi_internal.btyd_summary_accum_date(internal, date, numeric, date, date, interval) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION loyalty_kpi_internal.btyd_summary_accum_timestamptz(internal, timestamptz, numeric, date, date, interval) FROM PUBLIC;

-- The papers' checks of a fit, as rows a BI tool charts (1.9): SQL over
-- the prediction functions, the customers passed as arrays
-- (array_agg(...) of the summaries)

-- the BG/NBD paper's Figure 4: mean holdout purchases by calibration frequency, actual and expected
CREATE FUNCTION @extschema@.holdout_by_frequency(model @extschema@.bgnbd_model,
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
COMMENT ON FUNCTION @extschema@.holdout_by_frequency(@extschema@.bgnbd_model, @extschema@.btyd_holdout_customer[], integer) IS
    'The BG/NBD paper''s Figure 4 for a fit: per calibration frequency (the last row max_frequency and more, default 7), the customers, their mean holdout purchases and the mean the model expects over the holdout (btyd_summary''s holdout form, array_agg''ed).';

-- Figure 3: customers by calibration frequency, and the model's expected count sum_i P(X(T_i) = n)
CREATE FUNCTION @extschema@.frequency_histogram(model @extschema@.bgnbd_model, frequencies integer[],
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
COMMENT ON FUNCTION @extschema@.frequency_histogram(@extschema@.bgnbd_model, integer[], double precision[], integer) IS
    'The BG/NBD paper''s Figure 3 for a fit: per calibration frequency 0 .. max_frequency (the last row max_frequency and more, default 7), the customers and the model''s expected number, sum over customers of P(X(T) = n) at each customer''s age T (frequencies and ages array_agg''ed in one order).';

-- Figure 2: the cumulative repeat purchases the model expects at each time, sum_i E[X(t - s_i)]
-- over the customers' first purchase times s_i (the actual series is a plain GROUP BY)
CREATE FUNCTION @extschema@.expected_cumulative_purchases(model @extschema@.bgnbd_model,
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
COMMENT ON FUNCTION @extschema@.expected_cumulative_purchases(@extschema@.bgnbd_model, double precision[], double precision[]) IS
    'The BG/NBD paper''s Figure 2 for a fit: at each of the times, the repeat purchases the model expects of the customers so far, sum of E[X(t - s)] over their first purchase times s (all in the model''s time unit, from one origin).';

-- The papers' checks of a fit, as rows a BI tool charts (1.9): SQL over
-- the prediction functions, the customers passed as arrays
-- (array_agg(...) of the summaries)

-- the BG/NBD paper's Figure 4: mean holdout purchases by calibration frequency, actual and expected
CREATE FUNCTION @extschema@.holdout_by_frequency(model @extschema@.mbgnbd_model,
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
COMMENT ON FUNCTION @extschema@.holdout_by_frequency(@extschema@.mbgnbd_model, @extschema@.btyd_holdout_customer[], integer) IS
    'The BG/NBD paper''s Figure 4 for a fit: per calibration frequency (the last row max_frequency and more, default 7), the customers, their mean holdout purchases and the mean the model expects over the holdout (btyd_summary''s holdout form, array_agg''ed).';

-- Figure 3: customers by calibration frequency, and the model's expected count sum_i P(X(T_i) = n)
CREATE FUNCTION @extschema@.frequency_histogram(model @extschema@.mbgnbd_model, frequencies integer[],
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
COMMENT ON FUNCTION @extschema@.frequency_histogram(@extschema@.mbgnbd_model, integer[], double precision[], integer) IS
    'The BG/NBD paper''s Figure 3 for a fit: per calibration frequency 0 .. max_frequency (the last row max_frequency and more, default 7), the customers and the model''s expected number, sum over customers of P(X(T) = n) at each customer''s age T (frequencies and ages array_agg''ed in one order).';

-- Figure 2: the cumulative repeat purchases the model expects at each time, sum_i E[X(t - s_i)]
-- over the customers' first purchase times s_i (the actual series is a plain GROUP BY)
CREATE FUNCTION @extschema@.expected_cumulative_purchases(model @extschema@.mbgnbd_model,
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
COMMENT ON FUNCTION @extschema@.expected_cumulative_purchases(@extschema@.mbgnbd_model, double precision[], double precision[]) IS
    'The BG/NBD paper''s Figure 2 for a fit: at each of the times, the repeat purchases the model expects of the customers so far, sum of E[X(t - s)] over their first purchase times s (all in the model''s time unit, from one origin).';

-- The papers' checks of a fit, as rows a BI tool charts (1.9): SQL over
-- the prediction functions, the customers passed as arrays
-- (array_agg(...) of the summaries)

-- the BG/NBD paper's Figure 4: mean holdout purchases by calibration frequency, actual and expected
CREATE FUNCTION @extschema@.holdout_by_frequency(model @extschema@.pareto_nbd_model,
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
COMMENT ON FUNCTION @extschema@.holdout_by_frequency(@extschema@.pareto_nbd_model, @extschema@.btyd_holdout_customer[], integer) IS
    'The BG/NBD paper''s Figure 4 for a fit: per calibration frequency (the last row max_frequency and more, default 7), the customers, their mean holdout purchases and the mean the model expects over the holdout (btyd_summary''s holdout form, array_agg''ed).';

-- Figure 3: customers by calibration frequency, and the model's expected count sum_i P(X(T_i) = n)
CREATE FUNCTION @extschema@.frequency_histogram(model @extschema@.pareto_nbd_model, frequencies integer[],
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
COMMENT ON FUNCTION @extschema@.frequency_histogram(@extschema@.pareto_nbd_model, integer[], double precision[], integer) IS
    'The BG/NBD paper''s Figure 3 for a fit: per calibration frequency 0 .. max_frequency (the last row max_frequency and more, default 7), the customers and the model''s expected number, sum over customers of P(X(T) = n) at each customer''s age T (frequencies and ages array_agg''ed in one order).';

-- Figure 2: the cumulative repeat purchases the model expects at each time, sum_i E[X(t - s_i)]
-- over the customers' first purchase times s_i (the actual series is a plain GROUP BY)
CREATE FUNCTION @extschema@.expected_cumulative_purchases(model @extschema@.pareto_nbd_model,
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
COMMENT ON FUNCTION @extschema@.expected_cumulative_purchases(@extschema@.pareto_nbd_model, double precision[], double precision[]) IS
    'The BG/NBD paper''s Figure 2 for a fit: at each of the times, the repeat purchases the model expects of the customers so far, sum of E[X(t - s)] over their first purchase times s (all in the model''s time unit, from one origin).';
