-- Cohort retention, lifecycle buckets and RFM (1.6): hand-worked cases for
-- every mode, bucket and tie rule; then each definition against the plain
-- SQL an analyst would write, on generated data, for day, week and month
-- periods in a time zone with daylight saving; parallel = serial; GROUP BY;
-- empty and NULL input; bad input with its SQLSTATE.
SET TimeZone = 'UTC';
-- Four customers.  1: Jan, Feb, Apr.  2: Jan, Mar.  3: Feb (twice), Mar.
-- 4: the last hour of March.  as_of mid-April: April has not ended.
CREATE TABLE act (c int, t timestamptz);
INSERT INTO act VALUES (1, '2024-01-05'), (1, '2024-02-10'), (1, '2024-04-01'),
  (2, '2024-01-20'), (2, '2024-03-03'), (3, '2024-02-02'), (3, '2024-02-25'),
  (3, '2024-03-15'), (4, '2024-03-31 23:00'), (NULL, '2024-01-01'), (5, NULL),
  (6, '2024-04-20');  -- after as_of: left out
-- 'on': Jan cohort {1, 2}: k1 Feb {1}, k2 Mar {2}, k3 Apr {1} (not complete:
-- a count so far, no rate).  Feb {3}: k1 Mar {3}.  Mar {4}.
SELECT cohort_start::date, period_offset AS k, last_offset AS last, period_end::date,
       cohort_size, retained, retention_rate, complete
FROM unnest((SELECT cohort_retention(c, t, '1 month', '2024-04-15') FROM act));
-- 'on_or_after': Jan k2 = {1 (Apr), 2 (Mar)}; Feb k1 = {3}; open windows
SELECT cohort_start::date, period_offset AS k, last_offset AS last, cohort_size, retained, retention_rate, complete
FROM unnest((SELECT cohort_retention(c, t, '1 month', '2024-04-15', 'on_or_after') FROM act));
-- brackets [1,2] and [3,) (a literal reads as int4range[]): Jan [1,2] = {1, 2}, complete at Apr 1; [3,) open,
-- never complete; Feb [1,2] ends May 1 > as_of; Feb [3,) has not started
SELECT cohort_start::date, period_offset AS k, last_offset AS last, period_end::date, cohort_size, retained, retention_rate, complete
FROM unnest((SELECT cohort_retention(c, t, '1 month', '2024-04-15', '{"[1,2]","[3,)"}') FROM act));
-- recurring: Feb's cohort is everyone active in Feb {1, 3}: k1 Mar {3};
-- Mar's is {2, 3, 4}, k1 Apr: none of them; Apr's is {1}
SELECT cohort_start::date, period_offset AS k, cohort_size, retained, retention_rate, complete
FROM unnest((SELECT cohort_retention(c, t, '1 month', '2024-04-15', 'on', 'recurring') FROM act));
-- the headline curve: pooled over complete cells, k1 = (1 + 1) / (2 + 1)
SELECT * FROM cohort_average((SELECT cohort_retention(c, t, '1 month', '2024-04-15') FROM act));
-- a plain mean of the cohorts' k1 rates would say (50 + 100) / 2 = 75
-- by acquisition: 1 and 2 acquired in Dec (not active then), 3 in Feb;
-- activity before the acquisition's period does not count, NULL activity
-- is a customer acquired and never active
SELECT cohort_start::date, period_offset AS k, cohort_size, retained, retention_rate, complete
FROM unnest((SELECT acquisition_cohort_retention(c, a, t, '1 month', '2024-03-01')
             FROM (VALUES (1, timestamptz '2023-12-10', timestamptz '2024-01-05'), (2, '2023-12-31', '2024-02-03'),
                          (3, '2024-02-01', '2024-01-15'), (3, '2024-02-01', NULL)) v(c, a, t)));
-- lifecycle (PostHog's buckets): Jan new {1, 2}; Feb new {3}, returning
-- {1}, dormant {2}; Mar new {4}, returning {3}, resurrecting {2}, dormant
-- {1}; Apr new {6} (lifecycle has no as_of), resurrecting {1}, dormant
-- {2, 3, 4}, quick ratio (1 + 1) / 3
SELECT period_start::date, new_count AS new, returning_count AS ret, resurrecting_count AS res,
       dormant_count AS dormant, active_count AS active, round(quick_ratio::numeric, 4) AS quick_ratio
FROM unnest((SELECT lifecycle_counts(c, t, '2024-01-01', '2024-05-01', '1 month') FROM act));
-- activity before first_start: 1 and 2 are not new in Feb, 2 is dormant in Feb
SELECT period_start::date, new_count AS new, returning_count AS ret, resurrecting_count AS res, dormant_count AS dormant
FROM unnest((SELECT lifecycle_counts(c, t, '2024-02-01', '2024-04-01', '1 month') FROM act));
-- by acquisition: new = acquired in the period, active or not
SELECT period_start::date, new_count AS new, returning_count AS ret, resurrecting_count AS res, dormant_count AS dormant, active_count AS active
FROM unnest((SELECT lifecycle_counts(c, a, t, '2024-01-01', '2024-04-01', '1 month')
             FROM (VALUES (1, timestamptz '2024-01-10', timestamptz '2024-01-11'), (1, '2024-01-10', '2024-03-01'),
                          (2, '2024-02-01', NULL), (3, '2023-11-01', '2024-02-01')) v(c, a, t)));

-- RFM: ten customers; quintile cut points as percentile_cont; ties score the same
CREATE TABLE rfm_in AS
SELECT c, (ARRAY[1, 3, 3, 10, 20, 35, 60, 90, 120, 400])[c]::float8 AS recency,
       (ARRAY[9, 7, 7, 5, 4, 3, 2, 2, 1, 1])[c]::float8 AS frequency,
       (ARRAY[900, 500, 500, 250, 120, 80, 60, 40, 30, 10])[c]::float8 AS monetary
FROM generate_series(1, 10) c;
SELECT rfm_fit(recency, frequency, monetary) AS model FROM rfm_in \gset
SELECT :'model'::rfm_model AS model, :'model'::rfm_model::jsonb AS as_jsonb;
SELECT (SELECT percentile_cont(ARRAY[0.2, 0.4, 0.6, 0.8]) WITHIN GROUP (ORDER BY recency) FROM rfm_in)
       = ARRAY(SELECT jsonb_array_elements_text(:'model'::rfm_model::jsonb -> 'recency')::float8) AS recency_cuts_are_percentile_cont;
-- r: recency 1 is below every cut (5), 400 above every cut (1); 3 and 3 tie
SELECT c, recency, frequency, monetary, (rfm_score(:'model', recency, frequency, monetary)).* FROM rfm_in ORDER BY c;
-- a value equal to a cut point is not above it: frequency 2 with cut 2 scores 1 + (cuts < 2)
SELECT (rfm_score('v1;bins=5;customers=4;r=1,2,3,4;f=1,2,3,4;m=1,2,3,4', 2, 2, 4.5)).*;
-- segments: the first entry whose ranges hold the scores; missing = any
\set segments '[{"segment": "Champions", "r": [4, 5], "f": [4, 5]}, {"segment": "Can''t lose them", "r": [1, 1], "f": [4, 5]}]'
SELECT rfm_segment(5, 5, 5, :'segments') AS champions, rfm_segment(1, 5, 3, :'segments') AS cant_lose,
       rfm_segment(3, 1, 1, :'segments') AS unmatched,
       rfm_segment(rfm_score(:'model', 1, 9, 900), :'segments') AS from_scores;
-- the model's text and binary forms read back
SELECT :'model'::rfm_model::text = :'model' AS text_round_trip,
       loyalty_kpi_internal.rfm_model_send(:'model') = loyalty_kpi_internal.rfm_model_send(:'model'::text::rfm_model) AS binary_stable;

-- Against plain SQL, on generated data: 400 customers over 15 months in a
-- zone with daylight saving, activity spread by a hash of (customer, n)
SET TimeZone = 'America/New_York';
CREATE TABLE gen AS
SELECT c, timestamptz '2024-01-01 00:00' + ((c * 7919 + n * 104729) % 450) * interval '1 day'
          + ((c * 31 + n * 17) % 24) * interval '1 hour' AS t
FROM generate_series(1, 400) c, generate_series(1, 1 + (c % 9)) n;
ANALYZE gen;
\set as_of '''2025-02-17 13:00'''
-- The plain-SQL cells: periods by date_trunc, numbered on a calendar; each
-- cohort's members (first period, or every active period for recurring),
-- each member's active periods as offsets from the cohort, then for every
-- window [lo, hi] whose first period has started, the members with an
-- offset in it, up to as_of.  (Joins, not a subquery per cell: the daily
-- table has 100,000 cells.)
CREATE FUNCTION pg_temp.plain_cells(unit text, as_of timestamptz, recurring bool, windows int4range[])
RETURNS SETOF text LANGUAGE sql AS $$
  WITH cal AS (
    SELECT s AS start, i::int - 1 AS idx, lead(s) OVER (ORDER BY s) AS next
    FROM generate_series(date_trunc(unit, (SELECT min(t) FROM gen)), date_trunc(unit, as_of) + ('20 ' || unit)::interval,
                         ('1 ' || unit)::interval) WITH ORDINALITY g(s, i)),
  last AS (SELECT idx FROM cal WHERE start = date_trunc(unit, as_of - interval '1 microsecond')),
  active AS (SELECT DISTINCT g.c, cal.idx FROM gen g JOIN cal ON cal.start = date_trunc(unit, g.t) WHERE g.t < as_of),
  members AS (SELECT c, min(idx) AS cohort FROM active WHERE NOT recurring GROUP BY c
              UNION ALL SELECT c, idx FROM active WHERE recurring),
  sizes AS (SELECT cohort, count(*) AS n FROM members GROUP BY cohort),
  offsets AS (SELECT DISTINCT m.cohort, m.c, a.idx - m.cohort AS k FROM members m JOIN active a ON a.c = m.c),
  wins AS (SELECT lower(w) AS lo, upper(w) - 1 AS hi
           FROM unnest(coalesce(windows, ARRAY(SELECT int4range(k, k, '[]') FROM generate_series(0, 1000) k))) w),
  -- one period per window (no windows given): an offset is its window
  hits AS (SELECT cohort, k AS lo, k AS hi, count(*) AS retained FROM offsets WHERE windows IS NULL GROUP BY 1, 2
           UNION ALL
           SELECT o.cohort, w.lo, w.hi, count(DISTINCT o.c) FROM offsets o JOIN wins w ON o.k >= w.lo AND (o.k <= w.hi OR w.hi IS NULL)
           WHERE windows IS NOT NULL GROUP BY 1, 2, 3),
  cells AS (
    SELECT s.cohort, s.n, w.lo, w.hi, coalesce(h.retained, 0) AS retained, ce.next <= as_of AS complete
    FROM sizes s CROSS JOIN wins w
    LEFT JOIN hits h ON h.cohort = s.cohort AND h.lo = w.lo AND h.hi IS NOT DISTINCT FROM w.hi
    LEFT JOIN cal ce ON ce.idx = s.cohort + w.hi
    WHERE s.cohort + w.lo <= (SELECT idx FROM last))
  SELECT format('%s k=%s..%s size=%s retained=%s rate=%s complete=%s', c0.start, x.lo, x.hi, x.n, x.retained,
                CASE WHEN x.complete THEN round(100.0 * x.retained / x.n, 9) END, coalesce(x.complete, false))
  FROM cells x JOIN cal c0 ON c0.idx = x.cohort
$$;
CREATE FUNCTION pg_temp.our_cells(cells cohort_cell[]) RETURNS SETOF text LANGUAGE sql AS $$
  SELECT format('%s k=%s..%s size=%s retained=%s rate=%s complete=%s', cohort_start, period_offset, last_offset,
                cohort_size, retained, round(retention_rate::numeric, 9), complete)
  FROM unnest(cells)
$$;
-- on_or_after in plain SQL is the window [k, open): its complete flag is
-- period k's end, not the window's, so compare it with k's own flag
CREATE FUNCTION pg_temp.same(ours text[], plain text[]) RETURNS text LANGUAGE sql AS $$
  SELECT CASE WHEN cardinality(ours) = 0 THEN 'no cells'
              WHEN (SELECT count(*) FROM (SELECT unnest(ours) EXCEPT SELECT unnest(plain)) a) = 0
               AND (SELECT count(*) FROM (SELECT unnest(plain) EXCEPT SELECT unnest(ours)) b) = 0
              THEN format('same %s cells', cardinality(ours)) ELSE 'DIFFERENT' END
$$;
SELECT unit, mode,
       pg_temp.same(ARRAY(SELECT pg_temp.our_cells(ours)), ARRAY(SELECT pg_temp.plain_cells(unit, :as_of, recurring, windows))) AS against_plain_sql
FROM (VALUES ('day', 'on', false, NULL::int4range[]), ('week', 'on', false, NULL), ('month', 'on', false, NULL),
             ('month', 'on recurring', true, NULL), ('week', 'on recurring', true, NULL),
             ('month', 'brackets', false, '{"[0,0]","[1,3]","[4,6]","[7,12]"}'),
             ('week', 'brackets recurring', true, '{"[1,2]","[3,8]"}')) m(unit, mode, recurring, windows)
CROSS JOIN LATERAL (
  -- (every branch's aggregate runs, so none may get a NULL setting)
  SELECT CASE WHEN windows IS NOT NULL AND recurring THEN cohort_retention(c, t, ('1 ' || unit)::interval, :as_of, coalesce(windows, '{"[0,0]"}'), 'recurring')
              WHEN windows IS NOT NULL THEN cohort_retention(c, t, ('1 ' || unit)::interval, :as_of, coalesce(windows, '{"[0,0]"}'))
              WHEN recurring THEN cohort_retention(c, t, ('1 ' || unit)::interval, :as_of, 'on', 'recurring')
              ELSE cohort_retention(c, t, ('1 ' || unit)::interval, :as_of) END AS ours
  FROM gen) o;
-- on_or_after: retained(c, k) = members whose last active period is c + k or later
SELECT unit, (SELECT count(*) FROM unnest(ours) x
              WHERE x.retained <> (SELECT count(*) FROM (SELECT c, min(date_trunc(unit, t)) AS cohort, max(date_trunc(unit, t)) AS last
                                                        FROM gen WHERE t < :as_of GROUP BY c) f
                                   WHERE f.cohort = x.cohort_start AND f.last >= x.period_start)
                 OR x.complete <> (x.period_end <= :as_of)) AS cells_unlike_plain_sql,
       cardinality(ours) AS cells
FROM (VALUES ('day'), ('week'), ('month')) u(unit)
CROSS JOIN LATERAL (SELECT cohort_retention(c, t, ('1 ' || unit)::interval, :as_of, 'on_or_after') AS ours FROM gen) o;
-- lifecycle against plain SQL: per period, from each customer's first
-- activity ever and their active periods
SELECT unit, (SELECT count(*) FROM unnest(ours) x JOIN (
    SELECT p.s AS period_start,
           count(*) FILTER (WHERE f.first_p = p.s) AS new,
           count(*) FILTER (WHERE a_now AND a_prev) AS ret,
           count(*) FILTER (WHERE a_now AND NOT a_prev AND f.first_p < p.s) AS res,
           count(*) FILTER (WHERE a_prev AND NOT a_now) AS dormant,
           count(*) FILTER (WHERE a_now) AS active
    FROM generate_series(timestamptz '2024-03-01', timestamptz '2025-01-31', ('1 ' || unit)::interval) p(s)
    CROSS JOIN (SELECT c, date_trunc(unit, min(t)) AS first_p FROM gen GROUP BY c) f
    CROSS JOIN LATERAL (SELECT EXISTS (SELECT 1 FROM gen g WHERE g.c = f.c AND date_trunc(unit, g.t) = p.s) AS a_now,
                               EXISTS (SELECT 1 FROM gen g WHERE g.c = f.c AND date_trunc(unit, g.t) = p.s - ('1 ' || unit)::interval) AS a_prev) a
    GROUP BY p.s) y USING (period_start)
    WHERE (x.new_count, x.returning_count, x.resurrecting_count, x.dormant_count, x.active_count)
          <> (y.new, y.ret, y.res, y.dormant, y.active)) AS periods_unlike_plain_sql,
       cardinality(ours) AS periods
FROM (VALUES ('day', timestamptz '2024-03-01'), ('week', timestamptz '2024-03-04'), ('month', timestamptz '2024-03-01')) u(unit, first_start)
CROSS JOIN LATERAL (SELECT lifecycle_counts(c, t, first_start, timestamptz '2025-02-01', ('1 ' || unit)::interval) AS ours FROM gen) o;
-- RFM against percentile_cont and counting comparisons, on generated customers
CREATE TABLE rfm_gen AS
SELECT c, (c * 37 % 365)::float8 AS recency, (1 + c % 11)::float8 AS frequency, round((c * 7.77) % 900, 2)::float8 AS monetary
FROM generate_series(1, 5000) c;
SELECT rfm_fit(recency, frequency, monetary) AS gen_model FROM rfm_gen \gset
SELECT (SELECT ARRAY[percentile_cont(ARRAY[0.2, 0.4, 0.6, 0.8]) WITHIN GROUP (ORDER BY recency),
                     percentile_cont(ARRAY[0.2, 0.4, 0.6, 0.8]) WITHIN GROUP (ORDER BY frequency),
                     percentile_cont(ARRAY[0.2, 0.4, 0.6, 0.8]) WITHIN GROUP (ORDER BY monetary)] FROM rfm_gen)
       = ARRAY[ARRAY(SELECT jsonb_array_elements_text(:'gen_model'::rfm_model::jsonb -> 'recency')::float8),
               ARRAY(SELECT jsonb_array_elements_text(:'gen_model'::rfm_model::jsonb -> 'frequency')::float8),
               ARRAY(SELECT jsonb_array_elements_text(:'gen_model'::rfm_model::jsonb -> 'monetary')::float8)] AS cuts_are_percentile_cont;
WITH cuts AS (SELECT ARRAY(SELECT jsonb_array_elements_text(:'gen_model'::rfm_model::jsonb -> 'recency')::float8) AS r,
                     ARRAY(SELECT jsonb_array_elements_text(:'gen_model'::rfm_model::jsonb -> 'frequency')::float8) AS f,
                     ARRAY(SELECT jsonb_array_elements_text(:'gen_model'::rfm_model::jsonb -> 'monetary')::float8) AS m)
SELECT count(*) FILTER (WHERE (s).r <> 5 - (SELECT count(*) FROM unnest(cuts.r) x WHERE x < recency)
                           OR (s).f <> 1 + (SELECT count(*) FROM unnest(cuts.f) x WHERE x < frequency)
                           OR (s).m <> 1 + (SELECT count(*) FROM unnest(cuts.m) x WHERE x < monetary)) AS scores_unlike_plain_sql,
       count(*) AS customers
FROM (SELECT *, rfm_score(:'gen_model', recency, frequency, monetary) AS s FROM rfm_gen) g, cuts;

-- parallel = serial, GROUP BY a segment
CREATE TABLE big AS SELECT c % 4 AS segment, c, t FROM gen, generate_series(1, 20) r;
ANALYZE big;
CREATE TEMP TABLE serial_answers AS
SELECT segment, cohort_retention(c, t, '1 month', :as_of)::text AS cohorts,
       lifecycle_counts(c, t, '2024-01-01', '2025-01-01', '1 month')::text AS lifecycle,
       rfm_fit(extract(day from t)::float8, c % 13, c * 1.5)::text AS rfm
FROM big GROUP BY segment;
SET max_parallel_workers_per_gather = 2; SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SELECT count(*) AS segments, bool_and(s.cohorts = p.cohorts) AS cohorts_same, bool_and(s.lifecycle = p.lifecycle) AS lifecycle_same,
       bool_and(s.rfm = p.rfm) AS rfm_same
FROM serial_answers s JOIN (
  SELECT segment, cohort_retention(c, t, '1 month', :as_of)::text AS cohorts,
         lifecycle_counts(c, t, '2024-01-01', '2025-01-01', '1 month')::text AS lifecycle,
         rfm_fit(extract(day from t)::float8, c % 13, c * 1.5)::text AS rfm
  FROM big GROUP BY segment) p USING (segment);
RESET max_parallel_workers_per_gather;
-- text and uuid ids give the integer ids' table
SELECT cohort_retention(c, t, '1 week', :as_of)::text = cohort_retention('id-' || c, t, '1 week', :as_of)::text AS text_ids_same,
       cohort_retention(c, t, '1 week', :as_of)::text = cohort_retention(md5(c::text)::uuid, t, '1 week', :as_of)::text AS uuid_ids_same
FROM gen;

-- empty and NULL input: NULL
SELECT cohort_retention(c, t, '1 month', now()) IS NULL AS empty, lifecycle_counts(c, t, '2024-01-01', '2025-01-01', '1 month') IS NULL AS empty_lc,
       rfm_fit(1, 2, 3) IS NULL AS empty_rfm FROM act WHERE false;
SELECT cohort_retention(NULL::int, t, '1 month', now()) IS NULL AS null_ids, rfm_fit(NULL, 2, 3) IS NULL AS null_rfm FROM act;

-- bad input: SQLSTATE, message and hint of each
\i sql/include/fails.psql
SELECT pg_temp.fails(q) FROM (VALUES
  ($q$SELECT cohort_retention(c, t, '1 month', '2024-04-15', 'weekly') FROM act$q$),
  ($q$SELECT cohort_retention(c, t, '1 month', '2024-04-15', 'on', 'second') FROM act$q$),
  ($q$SELECT cohort_retention(c, t, '1 month', '2024-04-15', '{"[3,1]"}') FROM act$q$),  -- int4range's own check
  ($q$SELECT cohort_retention(c, t, '1 month', '2024-04-15', '{"empty"}') FROM act$q$),
  ($q$SELECT cohort_retention(c, t, '0 days', '2024-04-15') FROM act$q$),
  ($q$SELECT cohort_retention(c, t, '-1 month', '2024-04-15') FROM act$q$),
  ($q$SELECT cohort_retention(c, t, '1 month', NULL) FROM act$q$),
  ($q$SELECT cohort_retention(c, t, '1 month', '2024-04-15'::timestamptz + c * interval '1 day') FROM act$q$),
  ($q$SELECT acquisition_cohort_retention(c, a, a, '1 month', '2024-04-15') FROM (VALUES (1, timestamptz '2024-01-01'), (1, '2024-02-01')) v(c, a)$q$),
  ($q$SELECT cohort_retention(c, t, '1 hour', '2024-04-15') FROM (VALUES (1, timestamptz '2000-01-01')) v(c, t)$q$),
  ($q$SELECT lifecycle_counts(c, t, '2024-01-01', '2024-05-01', '0 days') FROM act$q$),
  ($q$SELECT lifecycle_counts(c, t, '2024-05-01', '2024-01-01', '1 month') FROM act$q$),
  ($q$SELECT rfm_fit(recency, frequency, monetary, 1) FROM rfm_in$q$),
  ($q$SELECT rfm_fit('NaN', 1, 1)$q$),
  ($q$SELECT rfm_score('v1;bins=5;customers=4;r=1,2,3,4;f=1,2,3,4;m=1,2,3', 1, 1, 1)$q$),
  ($q$SELECT rfm_score('v1;bins=3;customers=4;r=2,1;f=1,2;m=1,2', 1, 1, 1)$q$),
  ($q$SELECT rfm_segment(1, 1, 1, '{"segment": "x"}')$q$),
  ($q$SELECT rfm_segment(1, 1, 1, '[{"segment": "x", "r": [1]}]')$q$),
  ($q$SELECT rfm_segment(1, 1, 1, '[{"name": "x"}]')$q$)
) v(q);
