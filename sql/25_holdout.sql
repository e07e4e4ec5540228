-- Calibration and holdout in one call: btyd_summary(purchased_at, amount,
-- calibration_end, holdout_end, time_unit) on CDNOW's 6,919 raw
-- transactions (calibration to 1997-09-30, holdout the 39 weeks to
-- 1998-06-30), against the same split in plain SQL; its calibration
-- columns are the plain btyd_summary's; parallel = serial; customers who
-- first buy in the holdout; bad input.  Then the papers' holdout checks on
-- it, BG/NBD and Pareto/NBD side by side: expected against actual holdout
-- purchases by calibration frequency (Figure 4 of the BG/NBD paper) and the
-- cumulative repeat purchases over calibration and holdout (Figure 2).
SET extra_float_digits = 0;

CREATE TABLE ho_raw (masterid int, customer_id int, day text, cds int, sales numeric);
\copy ho_raw FROM '../shared/data/cdnow/BTYD_cdnowElog.csv' CSV HEADER
CREATE TABLE ho_tx AS SELECT customer_id, to_date(day, 'YYYYMMDD') AS purchased_on, sales::float8 AS amount FROM ho_raw;
CREATE TABLE ho_summary AS
SELECT customer_id, (btyd_summary(purchased_on, amount, '1997-09-30', '1998-06-30', '7 days')).*
FROM ho_tx GROUP BY customer_id;

-- the same split in plain SQL: purchase days, the first of them, then what falls in each window
CREATE TABLE ho_sql AS
WITH days AS (SELECT customer_id, purchased_on AS day, sum(amount) AS spent FROM ho_tx GROUP BY 1, 2),
firsts AS (SELECT customer_id, min(day) AS first_day FROM days WHERE day <= '1997-09-30' GROUP BY 1)
SELECT f.customer_id,
       count(*) FILTER (WHERE d.day <= '1997-09-30') - 1 AS frequency,
       (max(d.day) FILTER (WHERE d.day <= '1997-09-30') - f.first_day) / 7.0 AS recency,
       (date '1997-09-30' - f.first_day) / 7.0 AS age,
       sum(d.spent) FILTER (WHERE d.day > f.first_day AND d.day <= '1997-09-30')
         / nullif(count(*) FILTER (WHERE d.day <= '1997-09-30') - 1, 0) AS monetary_value,
       count(*) FILTER (WHERE d.day > '1997-09-30' AND d.day <= '1998-06-30') AS holdout_purchases,
       coalesce(sum(d.spent) FILTER (WHERE d.day > '1997-09-30' AND d.day <= '1998-06-30'), 0) AS holdout_spend
FROM firsts f JOIN days d USING (customer_id) GROUP BY f.customer_id, f.first_day;
SELECT count(*) AS customers, count(s.customer_id) = count(q.customer_id) AS same_customers,
       count(*) FILTER (WHERE s.frequency = q.frequency AND abs(s.recency - q.recency) < 1e-12
                          AND abs(s.age - q.age) < 1e-12
                          AND s.monetary_value IS NOT DISTINCT FROM q.monetary_value
                              OR abs(s.monetary_value - q.monetary_value) < 1e-9) AS calibration_equal,
       count(*) FILTER (WHERE s.holdout_purchases = q.holdout_purchases
                          AND abs(s.holdout_spend - q.holdout_spend) < 1e-9) AS holdout_equal,
       sum(s.holdout_purchases) AS holdout_purchases, round(sum(s.holdout_spend)::numeric, 2) AS holdout_spend,
       min(s.holdout_length) AS holdout_weeks, max(s.holdout_length) AS holdout_weeks_max
FROM ho_summary s FULL JOIN ho_sql q USING (customer_id);
-- the calibration columns are btyd_summary's own
SELECT count(*) AS customers,
       bool_and(row(h.frequency, h.recency, h.age, h.monetary_value)::text
                = row((c.s).frequency, (c.s).recency, (c.s).age, (c.s).monetary_value)::text
                AND (c.s).time_unit = interval '7 days') AS calibration_is_btyd_summary
FROM ho_summary h JOIN (SELECT customer_id, btyd_summary(purchased_on, amount, '1997-09-30', '7 days') AS s
                        FROM ho_tx GROUP BY customer_id) c USING (customer_id);

-- a customer whose first purchase is in the holdout is not a calibrated customer (NULL);
-- purchases after the holdout end are left out; timestamps are taken to days
SELECT btyd_summary(d, 10, '2023-12-31', '2024-02-29', '1 day') IS NULL AS holdout_only,
       (btyd_summary(d, 10, '2024-01-01', '2024-01-10', '1 day')).*
FROM unnest(ARRAY[date '2024-01-01', '2024-01-05', '2024-01-05', '2024-01-10', '2024-01-11']) d
WHERE d >= '2024-01-01';
SELECT (btyd_summary(d::timestamptz + interval '23 hours', NULL, '2024-01-01', '2024-01-08', '7 days')).*
FROM unnest(ARRAY[date '2024-01-01', '2024-01-03']) d;

-- parallel = serial, grouped by a customer set spread over the workers
CREATE TABLE ho_big AS SELECT customer_id + 10000 * k AS customer_id, purchased_on, amount
FROM ho_tx, generate_series(0, 3) k;
ANALYZE ho_big;
CREATE TEMP TABLE ho_serial AS
SELECT customer_id % 7 AS grp, string_agg(s::text, ';' ORDER BY customer_id) AS t
FROM (SELECT customer_id, btyd_summary(purchased_on, amount, '1997-09-30', '1998-06-30', '7 days') AS s
      FROM ho_big GROUP BY customer_id) x GROUP BY 1;
SET max_parallel_workers_per_gather = 2; SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0; SET enable_hashagg = off;
\i test/include/plan_of.sql
SELECT plan_of($$SELECT btyd_summary(purchased_on, amount, '1997-09-30', '1998-06-30', '7 days') FROM ho_big$$)
       ~ 'Partial' AS aggregated_in_workers;
DROP FUNCTION plan_of(text);
SELECT bool_and(p.t = s.t) AS parallel_same, count(*) AS groups
FROM (SELECT customer_id % 7 AS grp, string_agg(s::text, ';' ORDER BY customer_id) AS t
      FROM (SELECT customer_id, btyd_summary(purchased_on, amount, '1997-09-30', '1998-06-30', '7 days') AS s
            FROM ho_big GROUP BY customer_id) x GROUP BY 1) p JOIN ho_serial s USING (grp);
RESET max_parallel_workers_per_gather; RESET enable_hashagg;

-- Figure 4: expected against actual purchases in the 39-week holdout, by calibration frequency
CREATE TABLE ho_models AS
SELECT bgnbd_fit(frequency, recency, age) AS bg, pareto_nbd_fit(frequency, recency, age) AS pnbd FROM ho_summary;
SELECT least(frequency, 7) AS frequency, count(*) AS customers, round(avg(holdout_purchases), 2) AS actual,
       round(avg(expected_purchases(bg, holdout_length, frequency, recency, age))::numeric, 2) AS bgnbd,
       round(avg(expected_purchases(pnbd, holdout_length, frequency, recency, age))::numeric, 2) AS pareto_nbd
FROM ho_summary, ho_models GROUP BY 1 ORDER BY 1;

-- Figure 2: cumulative repeat purchases every 13 weeks over calibration (to week 39) and holdout;
-- expected: each customer's E[X(t)] at the time t since the first purchase
WITH cut AS (SELECT k * 13 AS week, date '1997-01-01' + k * 91 - 1 AS day FROM generate_series(1, 6) k),
firsts AS (SELECT customer_id, min(purchased_on) AS first_day FROM ho_tx GROUP BY 1),
repeat_days AS (SELECT DISTINCT t.customer_id, t.purchased_on FROM ho_tx t JOIN firsts f USING (customer_id)
                WHERE t.purchased_on > f.first_day)
SELECT week, (SELECT count(*) FROM repeat_days r WHERE r.purchased_on <= cut.day) AS actual,
       round((SELECT sum(expected_purchases(bg, greatest(cut.day - first_day, 0) / 7.0)) FROM firsts)::numeric, 1) AS bgnbd,
       round((SELECT sum(expected_purchases(pnbd, greatest(cut.day - first_day, 0) / 7.0)) FROM firsts)::numeric, 1)
         AS pareto_nbd
FROM cut, ho_models ORDER BY week;

-- The same figures from the set-returning functions (1.9), the customers
-- passed as arrays: each must give the numbers of the plain queries above
CREATE TABLE ho_arrays AS
SELECT array_agg(ROW(frequency, recency, age, monetary_value, holdout_purchases, holdout_spend,
                     holdout_length)::btyd_holdout_customer ORDER BY customer_id) AS summaries,
       array_agg(frequency ORDER BY customer_id) AS frequencies, array_agg(age ORDER BY customer_id) AS ages,
       (SELECT array_agg((first_day - date '1997-01-01') / 7.0 ORDER BY customer_id)
        FROM (SELECT customer_id, min(purchased_on) AS first_day FROM ho_tx GROUP BY 1) f) AS first_purchases
FROM ho_summary;
SELECT b.frequency, b.customers, round(b.actual::numeric, 2) AS actual, round(b.expected::numeric, 2) AS bgnbd,
       round(p.expected::numeric, 2) AS pareto_nbd
FROM ho_models, ho_arrays, holdout_by_frequency(bg, summaries) b JOIN holdout_by_frequency(pnbd, summaries) p USING (frequency)
ORDER BY 1;
-- Figure 3 beside the plain sum of P(X(T) = n) over the customers; the last row is 7 and more
SELECT h.frequency, h.customers, round(h.expected::numeric, 1) AS bgnbd,
       round(h.expected::numeric, 6) = round(CASE WHEN h.frequency < 7
                                                  THEN (SELECT sum(purchase_count_probability(bg, age, h.frequency)) FROM ho_summary)
                                                  ELSE 2357 - (SELECT sum(purchase_count_probability(bg, age, n)) FROM ho_summary, generate_series(0, 6) n)
                                             END::numeric, 6) AS equals_plain_sum
FROM ho_models, ho_arrays, frequency_histogram(bg, frequencies, ages) h ORDER BY 1;
-- Figure 2: the expected column of the query above, every 13 weeks from 1997-01-01
SELECT e.at_time * 7 AS day, round(e.expected::numeric, 1) AS bgnbd, round(p.expected::numeric, 1) AS pareto_nbd
FROM ho_models, ho_arrays,
     expected_cumulative_purchases(bg, first_purchases, ARRAY(SELECT (k * 91 - 1) / 7.0 FROM generate_series(1, 6) k)) e
     JOIN expected_cumulative_purchases(pnbd, first_purchases, ARRAY(SELECT (k * 91 - 1) / 7.0 FROM generate_series(1, 6) k)) p
     USING (at_time)
ORDER BY 1;
-- no customers: every frequency with none, and nothing expected
SELECT h.* FROM ho_models, frequency_histogram(bg, '{}', '{}', 2) h;
SELECT count(*) AS rows_for_no_customers FROM ho_models, holdout_by_frequency(bg, '{}');
SELECT e.* FROM ho_models, expected_cumulative_purchases(bg, '{}', '{1, 2}') e;
-- a last row past 1000 would be that many probabilities per age: refused, as are arrays of two lengths
SELECT h.* FROM ho_models, frequency_histogram(bg, '{1}', '{30}', 2147483647) h;
SELECT h.* FROM ho_models, frequency_histogram(bg, '{1, 2}', '{30}') h;
SELECT h.* FROM ho_models, holdout_by_frequency(bg, '{}', -1) h;

-- bad input
\i sql/include/fails.psql
SELECT pg_temp.fails(q) FROM (VALUES
  ($q$SELECT btyd_summary(purchased_on, amount, '1997-09-30', '1997-09-30', '7 days') FROM ho_tx$q$),
  ($q$SELECT btyd_summary(purchased_on, amount, '1997-09-30', NULL, '7 days') FROM ho_tx$q$),
  ($q$SELECT btyd_summary(purchased_on, amount, '1997-09-30', 'infinity', '7 days') FROM ho_tx$q$),
  ($q$SELECT btyd_summary(purchased_on, amount, '1997-09-30', '1998-06-30', '1 month') FROM ho_tx$q$),
  ($q$SELECT btyd_summary(purchased_on, amount, '1997-09-30', '1998-06-30'::date + (amount > 30)::int, '7 days') FROM ho_tx GROUP BY customer_id$q$)
) v(q);
