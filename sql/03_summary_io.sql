-- survey_summary as a stored value: text and binary I/O, validation of
-- malformed input, rollup() of summaries, and int64 overflow.

-- the support functions called directly here live in loyalty_kpi_internal (1.4)
SET search_path = public, loyalty_kpi_internal;
CREATE TABLE stored (id int PRIMARY KEY, s survey_summary);
INSERT INTO stored VALUES
 (1, 'v1:nps:0-10:1,0,0,1,0,1,1,3,3,6,4'),
 (2, 'v1:csat:1-5:1,1,1,2,2'),
 (3, 'v1:csat:1-10:0,0,0,0,0,0,0,0,0,9223372036854775807'),
 (4, 'v1:ces:1-7:1,0,0,1,1,1,1'),
 (5, 'v1:cli:3-18:0,0,0,1,0,0,0,1,0,0,0,0,1,0,0,1'),
 (6, NULL);

-- text: output reads back to the same value
SELECT id, s, s::text::survey_summary::text = s::text AS round_trip FROM stored ORDER BY id;

-- binary: the send form is version, kind, lo, hi, then int64 counts
SELECT survey_summary_send('v1:ces:1-7:1,0,0,1,1,1,2');
-- COPY BINARY out and back in gives the same values
\copy stored TO 'results/survey_summary.bin' (FORMAT binary)
CREATE TABLE reloaded (LIKE stored);
\copy reloaded FROM 'results/survey_summary.bin' (FORMAT binary)
SELECT count(*) AS rows, count(*) FILTER (WHERE r.s::text IS NOT DISTINCT FROM o.s::text) AS identical
FROM stored o JOIN reloaded r USING (id);

-- malformed text: 22P02 with a detail saying what is wrong
SELECT ''::survey_summary;
SELECT 'nps:0-10:0,0,0,0,0,0,0,0,0,0,1'::survey_summary;
SELECT 'v2:nps:0-10:0,0,0,0,0,0,0,0,0,0,1'::survey_summary;
SELECT 'v1:xyz:0-10:0,0,0,0,0,0,0,0,0,0,1'::survey_summary;
SELECT 'v1:nps:1-10:0,0,0,0,0,0,0,0,0,1'::survey_summary;
SELECT 'v1:csat:1-3:0,0,1'::survey_summary;
SELECT 'v1:cli:1-6:0,0,0,0,0,1'::survey_summary;
SELECT 'v1:nps:0-10:0,0,0,0,0,0,0,0,0,1'::survey_summary;
SELECT 'v1:nps:0-10:0,0,0,0,0,0,0,0,0,0,1,0'::survey_summary;
SELECT 'v1:nps:0-10:0,0,0,0,0,0,0,0,0,0,-1'::survey_summary;
SELECT 'v1:nps:0-10:0,0,0,0,0,0,0,0,0,0, 1'::survey_summary;
SELECT 'v1:nps:0-10:0,0,0,0,0,0,0,0,0,0,1 '::survey_summary;
SELECT 'v1:nps:0-10:0,0,0,0,0,0,0,0,0,0,1x'::survey_summary;
SELECT 'v1:nps:0-10:0,0,0,0,0,0,0,0,0,0,'::survey_summary;
-- a count past int64, and counts whose sum passes it: 22003
SELECT 'v1:nps:0-10:0,0,0,0,0,0,0,0,0,0,9223372036854775808'::survey_summary;
SELECT 'v1:nps:0-10:0,0,0,0,0,0,0,0,0,1,9223372036854775807'::survey_summary;

-- malformed binary: a hand-made COPY BINARY file with one bad value each
\i sql/include/pg_copy_file.psql
-- first, a well-formed file, so that the failures below are the value's
\copy (SELECT pg_copy_file(survey_summary_send('v1:ces:1-7:1,0,0,1,1,1,2'))) TO PROGRAM 'base64 -d > results/survey_good.bin'
CREATE TABLE binary_in (s survey_summary);
\copy binary_in FROM 'results/survey_good.bin' (FORMAT binary)
SELECT s FROM binary_in;
-- truncated: one count short
\copy (SELECT pg_copy_file(substr(survey_summary_send('v1:ces:1-7:1,0,0,1,1,1,2'), 1, 4 + 6 * 8))) TO PROGRAM 'base64 -d > results/survey_bad.bin'
\copy binary_in FROM 'results/survey_bad.bin' (FORMAT binary)
-- truncated inside the header
\copy (SELECT pg_copy_file('\x0103'::bytea)) TO PROGRAM 'base64 -d > results/survey_bad.bin'
\copy binary_in FROM 'results/survey_bad.bin' (FORMAT binary)
-- an unknown format version
\copy (SELECT pg_copy_file(set_byte(survey_summary_send('v1:ces:1-7:1,0,0,1,1,1,2'), 0, 9))) TO PROGRAM 'base64 -d > results/survey_bad.bin'
\copy binary_in FROM 'results/survey_bad.bin' (FORMAT binary)
-- an impossible range (an NPS summary claiming 0-9)
\copy (SELECT pg_copy_file(set_byte(survey_summary_send('v1:nps:0-10:0,0,0,0,0,0,0,0,0,0,1'), 3, 9))) TO PROGRAM 'base64 -d > results/survey_bad.bin'
\copy binary_in FROM 'results/survey_bad.bin' (FORMAT binary)
-- a negative count (the last int64 set to -1)
\copy (SELECT pg_copy_file(overlay(survey_summary_send('v1:ces:1-7:1,0,0,1,1,1,2') PLACING int8send(-1) FROM 4 + 6 * 8 + 1))) TO PROGRAM 'base64 -d > results/survey_bad.bin'
\copy binary_in FROM 'results/survey_bad.bin' (FORMAT binary)
-- the SQLSTATE of a bad binary value is 22P03 (invalid_binary_representation)
\set VERBOSITY sqlstate
\copy binary_in FROM 'results/survey_bad.bin' (FORMAT binary)
\set VERBOSITY default
SELECT count(*) AS rows_loaded FROM binary_in;

-- rollup(): merging summaries
SELECT rollup(s) FROM (VALUES ('v1:nps:0-10:1,0,0,0,0,0,0,0,0,0,2'::survey_summary),
                              ('v1:nps:0-10:0,0,0,0,0,0,0,3,0,0,1'), (NULL)) v(s);
-- rollup of nothing, and of NULLs only, is NULL (not an error)
SELECT rollup(s) AS of_nothing FROM stored WHERE false;
SELECT rollup(s) AS of_nulls FROM (VALUES (NULL::survey_summary), (NULL)) v(s);
-- rollup of summaries of different kinds or scales is refused
SELECT rollup(s) FROM stored WHERE id IN (1, 2);
SELECT rollup(s) FROM stored WHERE id IN (2, 3);
-- as a window: the running total takes summaries back out as they leave the frame
SELECT d, nps(rollup(s) OVER (ORDER BY d ROWS BETWEEN 1 PRECEDING AND CURRENT ROW)) AS two_day_nps,
       rollup(s) OVER (ORDER BY d ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) AS two_day
FROM (VALUES (1, 'v1:nps:0-10:1,0,0,0,0,0,0,0,0,0,1'::survey_summary),
             (2, 'v1:nps:0-10:0,0,0,0,0,0,0,0,0,0,2'),
             (3, NULL),
             (4, 'v1:nps:0-10:3,0,0,0,0,0,0,0,0,0,0')) v(d, s)
ORDER BY d;
-- survey_combine() called directly leaves its inputs alone
SELECT survey_combine(a, a) AS doubled, a AS unchanged
FROM (SELECT 'v1:ces:1-7:1,0,0,0,0,0,1'::survey_summary AS a) q;

-- overflow: counts never wrap around
SELECT rollup(s) FROM (VALUES ('v1:nps:0-10:0,0,0,0,0,0,0,0,0,0,9223372036854775807'::survey_summary),
                              ('v1:nps:0-10:0,0,0,0,0,0,0,0,0,0,1')) v(s);
SELECT rollup(s) FROM (VALUES ('v1:nps:0-10:4611686018427387904,0,0,0,0,0,0,0,0,0,0'::survey_summary),
                              ('v1:nps:0-10:0,0,0,0,0,0,0,0,0,0,4611686018427387904')) v(s);
SELECT nps_accum('v1:nps:0-10:0,0,0,0,0,0,0,0,0,0,9223372036854775807', 9);
-- one below the limit still adds up
SELECT responses(nps_accum('v1:nps:0-10:0,0,0,0,0,0,0,0,0,0,9223372036854775806', 9));
