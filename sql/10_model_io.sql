-- bgnbd_model and gamma_gamma_model as stored values: the text form reads
-- back to the same bits, the binary form too (COPY BINARY), malformed
-- input is refused with 22P02 / 22P03, and fitted models survive
-- pg_dump / pg_restore.
-- the support functions called directly here live in loyalty_kpi_internal (1.4)
SET search_path = public, loyalty_kpi_internal;
CREATE TABLE kept_models (id int, bg bgnbd_model, gg gamma_gamma_model);
INSERT INTO kept_models VALUES
 (1, 'v1:bgnbd:r=0.24259290856272003,alpha=4.413531643044481,a=0.7928861381636159,b=2.425753406048924;se=0.012557319666626019,0.3782214205862872,0.18571914099969186,0.7053457472819523;log_likelihood=-9582.425560567357;customers=2357;iterations=28;converged=true',
     'v1:gamma_gamma:p=6.24880231523658,q=3.744588391723397,gamma=15.447748289578143;se=1.1896869364760159,0.29016560033832756,4.159993709981049;log_likelihood=-4055.9232435028453;customers=946;iterations=29;converged=true'),
 (2, 'v1:bgnbd:r=1e-300,alpha=1.7976931348623157e+308,a=5e-324,b=1;se=NaN,0,NaN,1e+300;log_likelihood=12.5;customers=0.5;iterations=0;converged=false',
     'v1:gamma_gamma:p=1,q=2,gamma=3;se=NaN,NaN,NaN;log_likelihood=0;customers=2;iterations=2147483647;converged=false'),
 (3, NULL, NULL);
-- text: output reads back to the same value, whatever extra_float_digits says
SET extra_float_digits = -15;
SELECT id, bg::text::bgnbd_model::text = bg::text AS bg_round_trip,
       gg::text::gamma_gamma_model::text = gg::text AS gg_round_trip,
       loyalty_kpi_internal.bgnbd_model_send(bg::text::bgnbd_model) = loyalty_kpi_internal.bgnbd_model_send(bg) AS bg_same_bits,
       loyalty_kpi_internal.gamma_gamma_model_send(gg::text::gamma_gamma_model) = loyalty_kpi_internal.gamma_gamma_model_send(gg) AS gg_same_bits
FROM kept_models ORDER BY id;
RESET extra_float_digits;
SELECT id, bg, gg FROM kept_models ORDER BY id;
-- accessors
SELECT id, parameter(bg, 'alpha'), standard_error(bg, 'r'), log_likelihood(bg), fitted_customers(bg),
       evaluations(bg), converged(bg), parameter(gg, 'gamma'), evaluations(gg)
FROM kept_models ORDER BY id;
-- binary: version, kind, nparams, converged, iterations, customers, LL, time unit
-- (microseconds, days, months; zero: not recorded), (estimate, se) pairs
SELECT loyalty_kpi_internal.gamma_gamma_model_send('v1:gamma_gamma:p=1,q=2,gamma=3;se=NaN,NaN,NaN;log_likelihood=0;customers=2;iterations=2;converged=true');
\copy kept_models TO 'results/models.bin' (FORMAT binary)
CREATE TABLE reloaded_models (LIKE kept_models);
\copy reloaded_models FROM 'results/models.bin' (FORMAT binary)
SELECT count(*) AS rows,
       count(*) FILTER (WHERE r.bg::text IS NOT DISTINCT FROM k.bg::text
                          AND r.gg::text IS NOT DISTINCT FROM k.gg::text) AS identical
FROM kept_models k JOIN reloaded_models r USING (id);

-- malformed text: 22P02 with a detail saying what is wrong
SELECT ''::bgnbd_model;
SELECT 'v5:bgnbd:r=1,alpha=1,a=1,b=1;se=1,1,1,1;log_likelihood=-1;customers=2;iterations=1;converged=true'::bgnbd_model;
SELECT 'v1:gamma_gamma:p=1,q=2,gamma=3;se=1,1,1;log_likelihood=-1;customers=2;iterations=1;converged=true'::bgnbd_model;
SELECT 'v1:bgnbd:r=1,alpha=1,b=1,a=1;se=1,1,1,1;log_likelihood=-1;customers=2;iterations=1;converged=true'::bgnbd_model;
SELECT 'v1:bgnbd:r=0,alpha=1,a=1,b=1;se=1,1,1,1;log_likelihood=-1;customers=2;iterations=1;converged=true'::bgnbd_model;
SELECT 'v1:bgnbd:r=-1,alpha=1,a=1,b=1;se=1,1,1,1;log_likelihood=-1;customers=2;iterations=1;converged=true'::bgnbd_model;
SELECT 'v1:bgnbd:r=NaN,alpha=1,a=1,b=1;se=1,1,1,1;log_likelihood=-1;customers=2;iterations=1;converged=true'::bgnbd_model;
SELECT 'v1:bgnbd:r=1,alpha=Infinity,a=1,b=1;se=1,1,1,1;log_likelihood=-1;customers=2;iterations=1;converged=true'::bgnbd_model;
SELECT 'v1:bgnbd:r=1,alpha=1e999,a=1,b=1;se=1,1,1,1;log_likelihood=-1;customers=2;iterations=1;converged=true'::bgnbd_model;
SELECT 'v1:bgnbd:r=1,alpha=1,a=1,b=1;se=1,-1,1,1;log_likelihood=-1;customers=2;iterations=1;converged=true'::bgnbd_model;
SELECT 'v1:bgnbd:r=1,alpha=1,a=1,b=1;se=1,1,1;log_likelihood=-1;customers=2;iterations=1;converged=true'::bgnbd_model;
SELECT 'v1:bgnbd:r=1,alpha=1,a=1,b=1;se=1,1,1,1;log_likelihood=NaN;customers=2;iterations=1;converged=true'::bgnbd_model;
SELECT 'v1:bgnbd:r=1,alpha=1,a=1,b=1;se=1,1,1,1;log_likelihood=-1;customers=0;iterations=1;converged=true'::bgnbd_model;
SELECT 'v1:bgnbd:r=1,alpha=1,a=1,b=1;se=1,1,1,1;log_likelihood=-1;customers=2;iterations=1.5;converged=true'::bgnbd_model;
SELECT 'v1:bgnbd:r=1,alpha=1,a=1,b=1;se=1,1,1,1;log_likelihood=-1;customers=2;iterations=1;converged=yes'::bgnbd_model;
SELECT 'v1:bgnbd:r=1,alpha=1,a=1,b=1;se=1,1,1,1;log_likelihood=-1;customers=2;iterations=1;converged=true '::bgnbd_model;
SELECT 'v1:bgnbd:r= 1,alpha=1,a=1,b=1;se=1,1,1,1;log_likelihood=-1;customers=2;iterations=1;converged=true'::bgnbd_model;
\set VERBOSITY sqlstate
SELECT 'v1:bgnbd:r=1'::bgnbd_model;
\set VERBOSITY default

-- malformed binary: a hand-made COPY BINARY file with one bad value each
\i sql/include/pg_copy_file.psql
CREATE TABLE model_binary_in (gg gamma_gamma_model);
CREATE TABLE good AS
SELECT 'v1:gamma_gamma:p=1,q=2,gamma=3;se=NaN,NaN,NaN;log_likelihood=0;customers=2;iterations=2;converged=true'::gamma_gamma_model AS m;
-- first a well-formed file, so that the failures below are the value's
\copy (SELECT pg_copy_file(loyalty_kpi_internal.gamma_gamma_model_send(m)) FROM good) TO PROGRAM 'base64 -d > results/model_bad.bin'
\copy model_binary_in FROM 'results/model_bad.bin' (FORMAT binary)
-- truncated
\copy (SELECT pg_copy_file(substr(loyalty_kpi_internal.gamma_gamma_model_send(m), 1, 40)) FROM good) TO PROGRAM 'base64 -d > results/model_bad.bin'
\copy model_binary_in FROM 'results/model_bad.bin' (FORMAT binary)
\copy (SELECT pg_copy_file('\x0102'::bytea)) TO PROGRAM 'base64 -d > results/model_bad.bin'
\copy model_binary_in FROM 'results/model_bad.bin' (FORMAT binary)
-- another format version; another kind (a BG/NBD model where a spend model belongs)
\copy (SELECT pg_copy_file(set_byte(loyalty_kpi_internal.gamma_gamma_model_send(m), 0, 9)) FROM good) TO PROGRAM 'base64 -d > results/model_bad.bin'
\copy model_binary_in FROM 'results/model_bad.bin' (FORMAT binary)
\copy (SELECT pg_copy_file(loyalty_kpi_internal.bgnbd_model_send(bg)) FROM kept_models WHERE id = 1) TO PROGRAM 'base64 -d > results/model_bad.bin'
\copy model_binary_in FROM 'results/model_bad.bin' (FORMAT binary)
-- a converged flag of 7; a negative parameter p (its float8 at byte offset 40)
\copy (SELECT pg_copy_file(set_byte(loyalty_kpi_internal.gamma_gamma_model_send(m), 3, 7)) FROM good) TO PROGRAM 'base64 -d > results/model_bad.bin'
\copy model_binary_in FROM 'results/model_bad.bin' (FORMAT binary)
\copy (SELECT pg_copy_file(overlay(loyalty_kpi_internal.gamma_gamma_model_send(m) PLACING float8send(-1) FROM 41)) FROM good) TO PROGRAM 'base64 -d > results/model_bad.bin'
\copy model_binary_in FROM 'results/model_bad.bin' (FORMAT binary)
\set VERBOSITY sqlstate
\copy model_binary_in FROM 'results/model_bad.bin' (FORMAT binary)
\set VERBOSITY default
SELECT gg FROM model_binary_in;

-- Format 2 records the time unit a BG/NBD fit was given.  On CDNOW's
-- summary (weeks): the same model as without it, plus the unit; the text
-- reads back to the same value in any IntervalStyle.
CREATE TABLE cdnow_weeks (id int, frequency int, recency float8, t float8);
\copy cdnow_weeks FROM '../shared/data/cdnow/cdnow_customers_summary.csv' CSV HEADER
CREATE TABLE weekly AS
SELECT bgnbd_fit(frequency, recency, t, interval '7 days') AS bg, bgnbd_fit(frequency, recency, t) AS plain
FROM cdnow_weeks;
SELECT time_unit(bg), time_unit(plain),
       replace(bg::text, ';time_unit=7 days', '') = plain::text AS same_fit_otherwise,
       round(parameter(bg, 'r')::numeric, 4) AS r
FROM weekly;
SET IntervalStyle = iso_8601;
SELECT bg::text LIKE '%;time_unit=7 days' AS same_text_any_style, bg::text::bgnbd_model::text = bg::text AS reads_back
FROM weekly;
RESET IntervalStyle;
-- predictions given a time unit check it; the unit is a constant of the fit
SELECT round(expected_purchases(bg, 39, 2, 30.43, 38.86, '7 days')::numeric, 3) AS weeks_ok,
       round(probability_alive(bg, 2, 30.43, 38.86, '1 week')::numeric, 4) AS one_week_is_7_days
FROM weekly;
SELECT expected_purchases(bg, 39, '1 day') FROM weekly;
SELECT expected_purchases(plain, 39, '7 days') FROM weekly;
-- the interval forms (1.10) take the unit last, after the level, and check it the same
-- way: the same row as without it, for each purchase model; another unit, a model
-- without one, and a NULL unit (NULL, as any NULL argument)
CREATE TABLE weekly_kinds AS
SELECT mbgnbd_fit(frequency, recency, t, interval '7 days') AS mbg, pareto_nbd_fit(frequency, recency, t, interval '7 days') AS pnbd
FROM cdnow_weeks;
CREATE TABLE cdnow_spend (id int, x int, t_x float8, t float8, zbar float8);
\copy cdnow_spend FROM '../shared/data/cdnow/cdnow_customers_summary_with_transactions.csv' CSV HEADER
CREATE TABLE weekly_spend AS SELECT gamma_gamma_fit(x, zbar) AS gg FROM cdnow_spend WHERE x > 0;
SELECT expected_purchases_interval(bg, 39, 2, 30.43, 38.86, 0.95, '7 days')::text = expected_purchases_interval(bg, 39, 2, 30.43, 38.86)::text AS conditional_same,
       expected_purchases_interval(bg, 39, 0.9, '1 week')::text = expected_purchases_interval(bg, 39, 0.9)::text AS new_customer_same,
       probability_alive_interval(bg, 2, 30.43, 38.86, 0.8, '7 days')::text = probability_alive_interval(bg, 2, 30.43, 38.86, 0.8)::text AS alive_same,
       predicted_clv_interval(bg, gg, 2, 30.43, 38.86, 35, 12, 4.345, 1, 0.95, '7 days')::text
         = predicted_clv_interval(bg, gg, 2, 30.43, 38.86, 35, 12, 4.345, 1)::text AS clv_same,
       expected_purchases_interval(mbg, 39, 2, 30.43, 38.86, 0.95, '7 days')::text = expected_purchases_interval(mbg, 39, 2, 30.43, 38.86)::text AS mbgnbd_same,
       probability_alive_interval(pnbd, 2, 30.43, 38.86, 0.95, '7 days')::text = probability_alive_interval(pnbd, 2, 30.43, 38.86)::text AS pareto_same,
       round((predicted_clv_interval(pnbd, gg, 2, 30.43, 38.86, 35, 12, 4.345, 1, 0.9, '7 days')).estimate::numeric, 2) AS pareto_clv
FROM weekly, weekly_kinds, weekly_spend;
SELECT probability_alive_interval(bg, 2, 30.43, 38.86, 0.95, '1 day') FROM weekly;
SELECT expected_purchases_interval(plain, 39, 0.95, '7 days') FROM weekly;
SELECT predicted_clv_interval(pnbd, gg, 2, 30.43, 38.86, 35, 12, 4.345, 1, 0.95, '1 mon') FROM weekly_kinds, weekly_spend;
SELECT expected_purchases_interval(bg, 39, 2, 30.43, 38.86, 1.5, '7 days') FROM weekly;
SELECT predicted_clv_interval(bg, gg, 2, 30.43, 38.86, 35, 12, 4.345, 1, 0.95, NULL::interval) IS NULL AS null_unit_interval,
       predicted_clv(bg, gg, 2, 30.43, 38.86, 35, 12, 4.345, 1, NULL::interval) IS NULL AS null_unit
FROM weekly, weekly_spend;
DROP TABLE weekly_kinds, weekly_spend, cdnow_spend;
SELECT bgnbd_fit(frequency, recency, t, CASE WHEN id < 100 THEN interval '7 days' ELSE '1 day' END) FROM cdnow_weeks;
SELECT bgnbd_fit(frequency, recency, t, interval '-7 days') FROM cdnow_weeks;
SELECT bgnbd_fit(frequency, recency, t, NULL::interval) FROM cdnow_weeks;
-- and a model stored by 1.2 or 1.3 (format 1, on disk as these bytes on
-- x86-64) still reads, without a time unit
-- (the bytes are made a value by a type sharing bytea's I/O and the model's layout)
CREATE SCHEMA stored_by_1_2;
CREATE TYPE stored_by_1_2.model;
-- (PostgreSQL's notices that the type is a shell differ between versions: not shown)
SET client_min_messages = warning;
CREATE FUNCTION stored_by_1_2.model_in(cstring) RETURNS stored_by_1_2.model AS 'byteain' LANGUAGE internal IMMUTABLE STRICT;
CREATE FUNCTION stored_by_1_2.model_out(stored_by_1_2.model) RETURNS cstring AS 'byteaout' LANGUAGE internal IMMUTABLE STRICT;
RESET client_min_messages;
CREATE TYPE stored_by_1_2.model (INPUT = stored_by_1_2.model_in, OUTPUT = stored_by_1_2.model_out,
                                 INTERNALLENGTH = VARIABLE, ALIGNMENT = double, STORAGE = extended);
CREATE CAST (stored_by_1_2.model AS bgnbd_model) WITHOUT FUNCTION;
CREATE TABLE stored_by_1_2.models AS
SELECT ('\x010104011c0000000000000000000000006aa240a2c7c47836b7c2c0f65a42d0480dcf3fe2f2cad674a71140b8a91bc0525fe93f3b20d966f1670340923e59eaa6b7893f1b25049ec734d83fa7dd6a12a5c5c73f795b9e3e3192e63f'::stored_by_1_2.model)::bgnbd_model AS m;
SELECT m AS format_1_read, time_unit(m), converged(m), round(expected_purchases(m, 39, 2, 30.43, 38.86)::numeric, 3) AS cdnow_example
FROM stored_by_1_2.models;
DROP SCHEMA stored_by_1_2 CASCADE;
DROP TABLE weekly, cdnow_weeks;

-- pg_dump / pg_restore: fitted models (BG/NBD, MBG/NBD, Gamma-Gamma, sBG, BG/BB, Pareto/NBD, GGompertz/NBD, and Pareto/NBD, BG/NBD and GGompertz/NBD with a covariate) in a table and in a materialized view
SET client_min_messages = warning;
DROP DATABASE IF EXISTS lk_model_src;
DROP DATABASE IF EXISTS lk_model_dst;
RESET client_min_messages;
CREATE DATABASE lk_model_src;
CREATE DATABASE lk_model_dst;
\! psql -X -q -d lk_model_src -c "CREATE EXTENSION loyalty_kpi" -c "CREATE TABLE s0 (id int, x int, t_x float8, t float8, z float8)" -c "\copy s0 FROM '../shared/data/cdnow/cdnow_customers_summary_with_transactions.csv' CSV HEADER" -c "CREATE TABLE s AS SELECT 1 + id % 2 AS segment, x, t_x, t, z FROM s0" -c "CREATE MATERIALIZED VIEW fitted AS SELECT segment, bgnbd_fit(x, t_x, t) AS bg, gamma_gamma_fit(x, z) AS gg, sbg_fit(1 + x % 7, t_x < t / 3) AS sb, bgbb_fit(least(x, 6), least(x, 6) + (x > 0 AND x < 6 AND t_x < t / 2)::int, 7) AS bb, mbgnbd_fit(x, t_x, t, 1, interval '7 days', 0.05) AS mb, pareto_nbd_fit(x, t_x, t, interval '7 days') AS pn, ggompertz_nbd_fit(x, t_x, t, interval '7 days') AS gn, pareto_nbd_fit(x, t_x, t, ARRAY[(t < 36)::int::float8], ARRAY['late'], 0.01, 0.02) AS pc, bgnbd_fit(x, t_x, t, ARRAY[(t < 36)::int::float8], ARRAY['late'], ARRAY['late']) AS bc, ggompertz_nbd_fit(x, t_x, t, ARRAY[(t < 36)::int::float8], ARRAY['late']) AS gc FROM s GROUP BY segment"
\! f=$(mktemp) && pg_dump -Fc -d lk_model_src -f "$f" && pg_restore -d lk_model_dst "$f"; rm -f "$f"
\! q="SELECT string_agg(concat_ws('|', segment, bg, gg, loyalty_kpi_internal.bgnbd_model_send(bg), loyalty_kpi_internal.gamma_gamma_model_send(gg), sb, loyalty_kpi_internal.sbg_model_send(sb), bb, loyalty_kpi_internal.bgbb_model_send(bb), mb, loyalty_kpi_internal.mbgnbd_model_send(mb), pn, loyalty_kpi_internal.pareto_nbd_model_send(pn), gn, loyalty_kpi_internal.ggompertz_nbd_model_send(gn), pc, loyalty_kpi_internal.pareto_nbd_covariate_model_send(pc), bc, loyalty_kpi_internal.bgnbd_covariate_model_send(bc), gc, loyalty_kpi_internal.ggompertz_nbd_covariate_model_send(gc)), ';' ORDER BY segment) FROM fitted"; a=$(psql -X -At -d lk_model_src -c "$q"); b=$(psql -X -At -d lk_model_dst -c "$q"); if [ -n "$a" ] && [ "$a" = "$b" ]; then echo "restored models are identical"; else echo "restored models DIFFER"; fi
\! psql -X -d lk_model_dst -c "SELECT segment, converged(bg), round(expected_purchases(bg, 39, 2, 30.43, 38.86)::numeric, 2) AS next_39_weeks, converged(gg) FROM fitted ORDER BY segment" -c "REFRESH MATERIALIZED VIEW fitted" -c "SELECT count(*) AS segments FROM fitted"
DROP DATABASE lk_model_src;
DROP DATABASE lk_model_dst;
