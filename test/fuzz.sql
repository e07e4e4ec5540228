-- pgTAP: fuzzing from a fixed seed.
--  1. Every base type of the extension (read from the catalog, so a new
--     type without seeds here fails the suite) gets thousands of mutations
--     of valid text values: digits, signs, NaN, Infinity, huge numbers,
--     truncation, extra fields, other format versions.  Each is either
--     accepted and then reads back to exactly its own text, or rejected
--     with 22P02 (bad syntax), 22P03 (bad binary) or 22003 (a number out of
--     range, as PostgreSQL's own integer inputs say).
--  2. The same for the binary form, through COPY (FORMAT binary) into each
--     type's receive function: a byte flipped, cut, extended, a count or a
--     float overwritten.  An accepted value's text and binary forms agree.
--  3. Every SQL-callable function and aggregate of the extension (all but
--     those taking internal, which SQL cannot call) is called directly with
--     NULLs and with edge values of its argument types: any answer, or an
--     error of any class but XX (internal error); never a crash.
-- One transaction, rolled back.
BEGIN;
CREATE EXTENSION IF NOT EXISTS pgtap;
CREATE EXTENSION IF NOT EXISTS loyalty_kpi;
SELECT no_plan();
SET LOCAL TimeZone = 'UTC';
-- support functions are called directly: they live in loyalty_kpi_internal (1.4)
SET LOCAL search_path = public, loyalty_kpi_internal;
SELECT setseed(0.1234);

-- the extension's own functions and base types
CREATE TEMP VIEW ext_objects AS
SELECT d.classid, d.objid FROM pg_depend d JOIN pg_extension e ON e.oid = d.refobjid
WHERE e.extname = 'loyalty_kpi' AND d.deptype = 'e';
CREATE TEMP TABLE ext_types AS
SELECT t.oid::regtype AS type FROM pg_type t JOIN ext_objects o ON o.classid = 'pg_type'::regclass AND o.objid = t.oid
-- not the array types PostgreSQL makes for each type (members too since 17): their I/O is PostgreSQL's
WHERE t.typtype = 'b' AND t.typcategory <> 'A';

-- Seeds: valid values of every type, as the aggregates make them.  The
-- state types come from aggregates built of their transition function
-- alone, as Citus builds them.
CREATE SCHEMA fuzz;
CREATE AGGREGATE fuzz.series_state(timestamptz, timestamptz, timestamptz, timestamptz, interval)
  (SFUNC = lifecycle_accum, STYPE = lifecycle_state);
CREATE AGGREGATE fuzz.churn_state(timestamptz, timestamptz, timestamptz, timestamptz, text)
  (SFUNC = lifecycle_accum, STYPE = lifecycle_state);
CREATE AGGREGATE fuzz.tier_state(text) (SFUNC = tier_accum, STYPE = tier_state);
CREATE TABLE fuzz.seeds (type regtype, value text);
INSERT INTO fuzz.seeds
SELECT 'survey_summary'::regtype, s::text FROM (
  SELECT nps_summary(g % 11) FROM generate_series(1, 50) g
  UNION ALL SELECT nps_summary((g * 7) % 11) FROM generate_series(1, 30) g GROUP BY g % 3
  UNION ALL SELECT csat_summary(1 + (g * 3) % 5, 5) FROM generate_series(1, 12) g GROUP BY g % 2
  UNION ALL SELECT csat_summary(1 + g % 5, 5) FROM generate_series(1, 7) g
  UNION ALL SELECT csat_summary(1 + g % 10, 10) FROM generate_series(1, 30) g
  UNION ALL SELECT ces_summary(1 + g % 7) FROM generate_series(1, 3) g
  UNION ALL SELECT cli_summary(1 + g % 6, 1 + g % 5, 1 + g % 4) FROM generate_series(1, 9) g) x(s)
UNION ALL
SELECT 'lifecycle_state', s::text FROM (
  SELECT fuzz.series_state(timestamptz '2024-01-01' + g * interval '5 days', CASE WHEN g % 3 = 0 THEN timestamptz '2024-01-01' + g * interval '7 days' END,
                           '2024-01-01', '2024-07-01', '1 month') FROM generate_series(1, 40) g
  UNION ALL
  SELECT fuzz.churn_state(timestamptz '2024-01-01' + g * interval '1 day', NULL, '2024-01-10', '2024-02-01', 'start')
  FROM generate_series(1, 20) g) x(s)
UNION ALL
SELECT 'tier_state', fuzz.tier_state(t)::text
FROM (VALUES ('gold'), ('silver'), ('say "hi"\'), ('gold')) v(t)
UNION ALL
SELECT 'survival_summary', s::text FROM (
  SELECT survival_summary(g % 17, g % 3 = 0) FROM generate_series(1, 60) g
  UNION ALL SELECT survival_summary(g * 0.25, g % 2 = 0) FROM generate_series(1, 9) g
  UNION ALL SELECT survival_summary(d, d > 4) FROM (VALUES (0), (5), (5)) v(d)) x(s)
UNION ALL
SELECT 'bgnbd_model', v FROM (VALUES
  ('v1:bgnbd:r=0.24259290856272003,alpha=4.413531643044481,a=0.7928861381636159,b=2.425753406048924;se=0.012557319666626019,0.3782214205862872,0.18571914099969186,0.7053457472819523;log_likelihood=-9582.425560567357;customers=2357;iterations=28;converged=true'),
  ('v2:bgnbd:r=1e-300,alpha=1.7976931348623157e+308,a=5e-324,b=1;se=NaN,0,NaN,1e+300;log_likelihood=12.5;customers=0.5;iterations=0;converged=false;time_unit=7 days'),
  ('v2:bgnbd:r=0.2,alpha=1.3,a=0.5,b=2;se=NaN,NaN,NaN,NaN;log_likelihood=-10;customers=20;iterations=49;converged=true;time_unit=1 mon 2 days 03:00:00.5')) v(v)
UNION ALL
SELECT 'gamma_gamma_model', v FROM (VALUES
  ('v2:gamma_gamma:p=6.24880231523658,q=3.744588391723397,gamma=15.447748289578143;se=1.1896869364760159,0.29016560033832756,4.159993709981049;log_likelihood=-4055.9232435028453;customers=946;iterations=29;converged=true'),
  ('v1:gamma_gamma:p=1,q=2,gamma=3;se=NaN,NaN,NaN;log_likelihood=0;customers=2;iterations=2147483647;converged=false'),
  ('v4:gamma_gamma:p=4.1,q=0.97,gamma=3.8;se=NaN,NaN,NaN;cov=NaN,NaN,NaN,NaN,NaN,NaN,NaN,NaN,NaN;log_likelihood=-4060;customers=946;iterations=20;converged=true;penalizer_coef=0.01')) v(v)
UNION ALL
SELECT 'sbg_model', v FROM (VALUES
  ('v2:sbg:alpha=0.6680883480424851,beta=3.806094935491281;se=0.10373493059419535,0.7855316860286662;log_likelihood=-1611.1581473911554;customers=1000;iterations=15;converged=true'),
  ('v2:sbg:alpha=5e-324,beta=1.7976931348623157e+308;se=NaN,0;log_likelihood=-0.5;customers=1e+300;iterations=0;converged=false')) v(v)
UNION ALL
SELECT 'mbgnbd_model', v FROM (VALUES
  ('v2:mbgnbd:r=0.5,alpha=6.2,a=0.9,b=1.6;se=0.02,0.3,0.1,0.2;log_likelihood=-9580;customers=2357;iterations=30;converged=true;time_unit=7 days'),
  ('v2:mbgnbd:r=1e-300,alpha=1.7976931348623157e+308,a=1,b=5e-324;se=NaN,0,NaN,1e+300;log_likelihood=12.5;customers=0.5;iterations=0;converged=true')) v(v)
UNION ALL
SELECT 'pareto_nbd_model', v FROM (VALUES
  ('v3:pareto_nbd:r=0.5532755078889372,alpha=10.577612228868832,s=0.6062135719384557,beta=11.667911343677284;se=0.04762875427166368,0.8427239222740621,0.18727957061086994,6.211029363058091;cov=0.007410637237334192,0.005636000259955053,-0.009403776305898736,-0.021794306789388408,0.005636000259955053,0.006347392595256765,-0.0041995136641407105,-0.009771851140689881,-0.009403776305898736,-0.0041995136641407105,0.0954397953937633,0.15977559103395106,-0.021794306789388408,-0.009771851140689881,0.15977559103395106,0.283361552759049;log_likelihood=-9594.973929826854;customers=2357;iterations=34;converged=true;time_unit=7 days'),
  ('v2:pareto_nbd:r=1e-300,alpha=1.7976931348623157e+308,s=1,beta=5e-324;se=NaN,0,NaN,1e+300;log_likelihood=12.5;customers=0.5;iterations=0;converged=true'),
  ('v4:pareto_nbd:r=0.5,alpha=10,s=0.6,beta=11;se=NaN,NaN,NaN,NaN;cov=NaN,NaN,NaN,NaN,NaN,NaN,NaN,NaN,NaN,NaN,NaN,NaN,NaN,NaN,NaN,NaN;log_likelihood=-9595;customers=2357;iterations=30;converged=true;penalizer_coef=1e-300;time_unit=7 days')) v(v)
UNION ALL
SELECT 'bgnbd_model', m::text FROM (
  SELECT bgnbd_fit(g % 5, CASE WHEN g % 5 = 0 THEN 0 ELSE g % 13 + 1 END, 20 + g % 7, 1, '1 day', 0.5)
  FROM generate_series(1, 300) g) x(m)
UNION ALL
SELECT 'ggompertz_nbd_model', m::text FROM (
  SELECT ggompertz_nbd_fit(g % 5, CASE WHEN g % 5 = 0 THEN 0 ELSE g % 13 + 1 END, 20 + g % 7, interval '7 days')
  FROM generate_series(1, 300) g) x(m)
UNION ALL
SELECT 'ggompertz_nbd_model', v FROM (VALUES
  ('v3:ggompertz_nbd:r=1e-300,alpha=1.7976931348623157e+308,b=5e-324,s=1,beta=1e+300;se=NaN,0,NaN,1e+300,1;cov=NaN,NaN,NaN,NaN,NaN,NaN,NaN,NaN,NaN,NaN,NaN,NaN,NaN,NaN,NaN,NaN,NaN,NaN,NaN,NaN,NaN,NaN,NaN,NaN,NaN;log_likelihood=12.5;customers=0.5;iterations=0;converged=true')) v(v)
UNION ALL
SELECT 'bgbb_model', v FROM (VALUES
  ('v2:bgbb:alpha=1.2035223204825638,beta=0.7497163234184353,gamma=0.6567183036305131,delta=2.7834428482760685;se=0.06939136465547055,0.029447716067572356,0.05100987639363878,0.32081913241861404;log_likelihood=-33225.581274347;customers=11104;iterations=27;converged=true'),
  ('v2:bgbb:alpha=1e-300,beta=1e+300,gamma=1,delta=5e-324;se=NaN,NaN,0,1;log_likelihood=-1e-300;customers=2;iterations=1;converged=true')) v(v)
UNION ALL
SELECT 'rfm_model', s::text FROM (
  SELECT rfm_fit(g % 30, g % 7, g * 1.25) FROM generate_series(1, 50) g
  UNION ALL SELECT rfm_fit(g, 1, -g * 1e300, 2) FROM generate_series(1, 3) g
  UNION ALL SELECT rfm_fit(0.1 * g, g, g, 10) FROM generate_series(1, 1) g) x(s)
UNION ALL
SELECT 'pareto_nbd_covariate_model', m::text FROM (
  SELECT pareto_nbd_fit(g % 5, CASE WHEN g % 5 = 0 THEN 0 ELSE g % 13 + 1 END, 20 + g % 7,
                        ARRAY[(g % 2)::float8, (g % 3) * 0.5], ARRAY['even', 'thirds "quoted"'])
  FROM generate_series(1, 300) g) x(m)
UNION ALL
SELECT 'pareto_nbd_covariate_model', v FROM (VALUES
  ('v1:pareto_nbd:purchase=;dropout="plan";estimates=1e-300,1.7976931348623157e+308,5e-324,1,-3.5;se=NaN,NaN,NaN,NaN,NaN;cov=NaN,NaN,NaN,NaN,NaN,NaN,NaN,NaN,NaN,NaN,NaN,NaN,NaN,NaN,NaN,NaN,NaN,NaN,NaN,NaN,NaN,NaN,NaN,NaN,NaN;log_likelihood=12.5;penalty=0,1e+300;customers=2;skipped=3;iterations=0;converged=true')) v(v)
UNION ALL
SELECT 'bgnbd_covariate_model', m::text FROM (
  SELECT bgnbd_fit(g % 5, CASE WHEN g % 5 = 0 THEN 0 ELSE g % 13 + 1 END, 20 + g % 7,
                   ARRAY[(g % 2)::float8], ARRAY['even'], '{}', '{}', 0.01, 0)
  FROM generate_series(1, 300) g) x(m)
UNION ALL
SELECT 'bgnbd_covariate_model', m::text FROM (
  SELECT bgnbd_fit(g % 5, CASE WHEN g % 5 = 0 THEN 0 ELSE g % 13 + 1 END, 20 + g % 7,
                   ARRAY[(g % 2)::float8, (g % 3) * 0.5], ARRAY['even', 'third'], ARRAY['even'])
  FROM generate_series(1, 300) g) x(m)
UNION ALL
SELECT 'pareto_nbd_covariate_model', v FROM (VALUES
  ('v1:pareto_nbd:purchase="a";dropout="a";tied="a";estimates=1,1,1,1,2,2;se=NaN,NaN,NaN,NaN,1,1;cov=' || array_to_string(array_fill('0'::text, ARRAY[36]), ',') || ';log_likelihood=-1;penalty=0,0;customers=2;skipped=0;iterations=1;converged=true')) v(v)
UNION ALL
-- format 2: a fit with time-varying covariates
SELECT 'pareto_nbd_covariate_model', v FROM (VALUES
  ('v2:pareto_nbd:purchase="season";dropout="season","plan";estimates=1.5,120,0.5,80,0.7,-2.5,1e-300;se=0.1,1,NaN,2,0.01,3,0;cov=' || array_to_string(array_fill('0'::text, ARRAY[49]), ',') || ';log_likelihood=-2568.5;penalty=0,0;customers=600;skipped=1;iterations=466;converged=true')) v(v)
UNION ALL
SELECT 'bgnbd_covariate_model', v FROM (VALUES
  ('v1:bgnbd:purchase="a\\b";dropout=;estimates=0.2,1.3,0.5,2,1e+300;se=0,1,NaN,1e+300,0;cov=0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0;log_likelihood=-10;penalty=0.5,0;customers=20;skipped=0;iterations=49;converged=false')) v(v)
UNION ALL
SELECT 'ggompertz_nbd_covariate_model', m::text FROM (
  SELECT ggompertz_nbd_fit(g % 5, CASE WHEN g % 5 = 0 THEN 0 ELSE g % 13 + 1 END, 20 + g % 7,
                           '{}', '{}', ARRAY[(g % 2)::float8], ARRAY['even'])
  FROM generate_series(1, 300) g) x(m)
UNION ALL
SELECT 'ggompertz_nbd_covariate_model', v FROM (VALUES
  ('v1:ggompertz_nbd:purchase="x";dropout=;estimates=1e-300,1.7976931348623157e+308,5e-324,1,2,-3.5;se=NaN,NaN,NaN,NaN,NaN,NaN;cov=0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0;log_likelihood=12.5;penalty=0,0;customers=2;skipped=0;iterations=0;converged=false')) v(v)
UNION ALL
SELECT 'coxph_model', m::text FROM (
  SELECT coxph_fit(g % 37, g % 3 <> 0, ARRAY[(g % 2)::float8, (g % 11) * 0.5], ARRAY['plan', 'tickets "per" month'])
  FROM generate_series(1, 200) g
  UNION ALL SELECT coxph_fit(g, true, ARRAY[g * 1e-3], ARRAY['x'], 'breslow') FROM generate_series(1, 5) g
  UNION ALL SELECT coxph_fit(g % 13, g % 4 <> 0, ARRAY[(g % 3)::float8], ARRAY['x'], 'efron', 'plan ' || g % 2, 1 + g % 2, g % 7)
  FROM generate_series(1, 60) g) x(m);
SELECT is((SELECT array_agg(type::text ORDER BY type::text) FROM ext_types t
           WHERE NOT EXISTS (SELECT 1 FROM fuzz.seeds s WHERE s.type = t.type)),
          NULL, 'the fuzzer has seeds for every type of the extension');

-- One text mutation of s
CREATE FUNCTION fuzz.mutate_text(s text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  tokens constant text[] := ARRAY['0', '-1', '1', '-0', '00', '0.5', '1e308', '1e400', '-1e308', '5e-324', '1e-400',
    'NaN', 'nan', 'Infinity', '-Infinity', 'inf', '9223372036854775807', '9223372036854775808',
    '-9223372036854775808', '-9223372036854775809', '2147483647', '2147483648', '4294967295', '4294967296',
    '99999999999999999999999', '255', '256', '100001', '', ' ', ',', ';', ':', '=', '"', '\', '-', '{', '}',
    'v0', 'v1', 'v2', 'v3', 'v255', 'x', 'true', 'false', 'all', 'start', '1 day', '-1 day', '0 days',
    'nps', 'csat', 'ces', 'cli', 'bgnbd', 'gamma_gamma', 'sbg', 'bgbb', 'mbgnbd', 'pareto_nbd', 'ggompertz_nbd', 'time_unit=', 'rows=', 'tiers=',
    'coxph', 'efron', 'breslow', 'terms='];
  runs text[];
  numeric_runs int[];
  pick int;
  pos int := 1 + floor(random() * (length(s) + 1))::int;
  token text := tokens[1 + floor(random() * array_length(tokens, 1))::int];
BEGIN
  CASE floor(random() * 7)::int
  WHEN 0 THEN                                    -- a number replaced by a token
    runs := ARRAY(SELECT m[1] FROM regexp_matches(s, '([-+0-9.eE]+|[^-+0-9.eE]+)', 'g') m);
    numeric_runs := ARRAY(SELECT i FROM generate_subscripts(runs, 1) i WHERE runs[i] ~ '[0-9]');
    IF cardinality(numeric_runs) = 0 THEN RETURN s || token; END IF;
    pick := numeric_runs[1 + floor(random() * cardinality(numeric_runs))::int];
    runs[pick] := token;
    RETURN array_to_string(runs, '');
  WHEN 1 THEN RETURN left(s, pos - 1);           -- truncated
  WHEN 2 THEN RETURN left(s, pos - 1) || token || substr(s, pos);   -- something inserted
  WHEN 3 THEN RETURN left(s, pos - 1) || substr(s, pos + 1 + floor(random() * 3)::int);  -- a few characters gone
  WHEN 4 THEN                                    -- a field repeated
    RETURN left(s, pos - 1) || substr(s, pos, 1 + floor(random() * 20)::int) || substr(s, pos);
  WHEN 5 THEN RETURN regexp_replace(s, '^v[0-9]+', (ARRAY['v0', 'v1', 'v2', 'v3', 'v9', 'v255', 'v', ''])[1 + floor(random() * 8)::int]);
  ELSE RETURN fuzz.mutate_text(fuzz.mutate_text(s));   -- two at once
  END CASE;
END $$;

-- Runs n text mutations of type t's seeds; returns the mutations that broke the rules
CREATE TABLE fuzz.text_results (type regtype, accepted int, rejected int, broken text[]);
CREATE FUNCTION fuzz.run_text(t regtype, n int) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  seeds text[] := ARRAY(SELECT value FROM fuzz.seeds WHERE type = t ORDER BY value);
  m text;
  out text;
  again text;
  accepted int := 0;
  rejected int := 0;
  broken text[] := '{}';
BEGIN
  FOR i IN 1 .. n LOOP
    m := fuzz.mutate_text(seeds[1 + floor(random() * cardinality(seeds))::int]);
    BEGIN
      EXECUTE format('SELECT (%L::%s)::text', m, t) INTO out;
      EXECUTE format('SELECT (%L::%s)::text', out, t) INTO again;
      IF again IS DISTINCT FROM out THEN
        broken := broken || format('%s: read %s, which reads back as %s', m, out, again);
      END IF;
      accepted := accepted + 1;
    EXCEPTION WHEN OTHERS THEN
      IF SQLSTATE IN ('22P02', '22P03', '22003') THEN
        rejected := rejected + 1;
      ELSE
        broken := broken || format('%s: %s %s', m, SQLSTATE, SQLERRM);
      END IF;
    END;
  END LOOP;
  INSERT INTO fuzz.text_results VALUES (t, accepted, rejected, broken);
END $$;
SELECT fuzz.run_text(type, 4000) FROM ext_types ORDER BY type::text;
SELECT is(broken, '{}'::text[], type || ': every text mutation is read back exactly or rejected with 22P02/22P03/22003')
FROM fuzz.text_results ORDER BY type::text;
-- a fuzzer that only ever rejected (or only accepted) would test one path
SELECT ok(accepted >= 30 AND rejected >= 300,
          format('%s: the text fuzzer reached both paths (%s accepted, %s rejected)', type, accepted, rejected))
FROM fuzz.text_results ORDER BY type::text;

-- Binary: each mutation in a one-row COPY BINARY file, read by the type's receive function
-- the one-row COPY BINARY file the regression tests build (base64 there)
\ir ../sql/include/pg_copy_file.psql
CREATE FUNCTION fuzz.mutate_bytes(b bytea) RETURNS bytea LANGUAGE plpgsql AS $$
DECLARE
  len int := length(b);
  pos int := floor(random() * len)::int;           -- 0-based
  words constant bytea[] := ARRAY[int4send(-1), int4send(0), int4send(2147483647), int4send(100001),
    int4send(1000), int4send(1001), int8send(-1), int8send(9223372036854775807), float8send('NaN'),
    float8send('Infinity'), float8send(-1), float8send(1e308), float8send(5e-324)];
  w bytea := words[1 + floor(random() * array_length(words, 1))::int];
BEGIN
  IF len = 0 THEN RETURN w; END IF;                                          -- cut to nothing before
  CASE floor(random() * 6)::int
  WHEN 0 THEN RETURN set_byte(b, pos, floor(random() * 256)::int);          -- a byte changed
  WHEN 1 THEN RETURN substr(b, 1, pos);                                      -- cut
  WHEN 2 THEN RETURN b || substr(int8send((random() * 9e18)::bigint), 1, 1 + floor(random() * 8)::int);  -- extended
  WHEN 3 THEN RETURN set_byte(b, 0, (ARRAY[0, 1, 2, 3, 9, 255])[1 + floor(random() * 6)::int]);  -- the format byte
  WHEN 4 THEN RETURN overlay(b PLACING w FROM 1 + pos FOR length(w));        -- a count or float overwritten
  ELSE RETURN fuzz.mutate_bytes(fuzz.mutate_bytes(b));
  END CASE;
END $$;
CREATE TABLE fuzz.binary_results (type regtype, accepted int, rejected int, broken text[]);
CREATE FUNCTION fuzz.run_binary(t regtype, n int) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  sends bytea[];
  path constant text := format('/tmp/loyalty_kpi_fuzz_%s.bin', pg_backend_pid());
  m bytea;
  lo oid;
  out text;
  agree boolean;
  accepted int := 0;
  rejected int := 0;
  broken text[] := '{}';
BEGIN
  EXECUTE format('SELECT array_agg(%s_send(value::%s) ORDER BY value) FROM fuzz.seeds WHERE type = %L::regtype',
                 (SELECT typname FROM pg_type WHERE oid = t), t, t) INTO sends;
  EXECUTE format('CREATE TEMP TABLE fuzz_in (v %s)', t);
  -- one large object OID for every file: each new OID would hold a lock until the end of the transaction
  lo := lo_create(0);
  PERFORM lo_unlink(lo);
  FOR i IN 1 .. n LOOP
    m := fuzz.mutate_bytes(sends[1 + floor(random() * cardinality(sends))::int]);
    PERFORM lo_from_bytea(lo, decode(pg_copy_file(m), 'base64'));
    PERFORM lo_export(lo, path);
    PERFORM lo_unlink(lo);
    BEGIN
      EXECUTE format('COPY fuzz_in FROM %L (FORMAT binary)', path);
      -- its text reads back to itself, and to the same binary form
      EXECUTE format('SELECT v::text, v::text::%2$s::text = v::text AND %1$s_send(v::text::%2$s) = %1$s_send(v) FROM fuzz_in',
                     (SELECT typname FROM pg_type WHERE oid = t), t)
        INTO out, agree;
      IF agree IS NOT TRUE THEN
        broken := broken || format('%s: read as %s, whose text or binary form does not read back', m, out);
      END IF;
      TRUNCATE fuzz_in;
      accepted := accepted + 1;
    EXCEPTION WHEN OTHERS THEN
      IF SQLSTATE IN ('22P02', '22P03', '22003') THEN
        rejected := rejected + 1;
      ELSE
        broken := broken || format('%s: %s %s', m, SQLSTATE, SQLERRM);
      END IF;
    END;
  END LOOP;
  DROP TABLE fuzz_in;
  INSERT INTO fuzz.binary_results VALUES (t, accepted, rejected, broken);
END $$;
SELECT fuzz.run_binary(type, 1500) FROM ext_types ORDER BY type::text;
SELECT is(broken, '{}'::text[], type || ': every binary mutation is received with text and binary forms agreeing, or rejected cleanly')
FROM fuzz.binary_results ORDER BY type::text;
SELECT ok(accepted >= 10 AND rejected >= 100,
          format('%s: the binary fuzzer reached both paths (%s accepted, %s rejected)', type, accepted, rejected))
FROM fuzz.binary_results ORDER BY type::text;

-- Direct calls of every SQL-callable function, with NULLs and edge values
CREATE TABLE fuzz.samples (type regtype, value text);
INSERT INTO fuzz.samples VALUES
  ('double precision', '0'), ('double precision', '-1'), ('double precision', '0.5'), ('double precision', '52'),
  ('double precision', '1e308'), ('double precision', '-1e308'), ('double precision', '5e-324'),
  ('double precision', 'NaN'), ('double precision', 'Infinity'), ('double precision', '-Infinity'),
  ('bigint', '0'), ('bigint', '-1'), ('bigint', '100'), ('bigint', '9223372036854775807'), ('bigint', '-9223372036854775808'),
  ('integer', '0'), ('integer', '-1'), ('integer', '12'), ('integer', '100001'), ('integer', '2147483647'),
  ('smallint', '0'), ('smallint', '-1'), ('smallint', '10'), ('smallint', '32767'),
  ('numeric', '0'), ('numeric', '7.5'), ('numeric', '-1'), ('numeric', '1e100'), ('numeric', 'NaN'),
  ('boolean', 'true'), ('boolean', 'false'),
  ('text', ''), ('text', 'all'), ('text', 'start'), ('text', 'points'), ('text', 'value'), ('text', 'members'),
  ('text', 'r'), ('text', 'alpha'), ('text', 'log-log'), ('text', 'x'),
  ('interval', '0'), ('interval', '1 day'), ('interval', '7 days'), ('interval', '-1 day'), ('interval', '1 month'),
  ('interval', '1 microsecond'), ('interval', '10000 years'),
  ('timestamp with time zone', '2024-01-01'), ('timestamp with time zone', '2024-03-10 02:30'),
  ('timestamp with time zone', 'infinity'), ('timestamp with time zone', '-infinity'), ('timestamp with time zone', '4713-01-01 BC'),
  ('date', '2024-01-01'), ('date', 'infinity'), ('date', '-infinity'),
  ('bytea', ''), ('bytea', '\x01'), ('bytea', '\x0100000000'), ('bytea', '\xffffffffffffffffffffffff'),
  ('bigint[]', '{}'), ('bigint[]', '{0,0,0}'), ('bigint[]', '{-1,-1,-1}'), ('bigint[]', '{1,2}'),
  ('bigint[]', '{0,0,0,0,0,0,0}'), ('bigint[]', '{9223372036854775807,9223372036854775807,9223372036854775807}'),
  ('double precision[]', '{}'), ('double precision[]', '{0,0,0,0,0,0}'), ('double precision[]', '{0,0,0,0,0,0,0}'),
  ('double precision[]', '{NaN,NaN,NaN,NaN,NaN,NaN}'), ('double precision[]', '{1,-1,1,-1,1,-1,1}'),
  ('double precision[]', '{1e308,1e308,1e308,1e308,1e308,1e308,1e308}'),
  ('survival_summary[]', '{}'), ('survival_summary[]', '{NULL}'), ('survival_summary[]', '{v1;1:1:0,v1;1:0:1;2:1:0}'),
  ('survival_summary[]', '{{v1;1:1:0},{v1;2:1:0}}'), ('survival_summary[]', '{v1,v1;0:1:0}'),
  ('survival_summary[]', '{v1;1:1:0,v1;1:1:0,v1;3:1:0}');
INSERT INTO fuzz.samples SELECT type, value FROM fuzz.seeds;
CREATE TABLE fuzz.calls (fn regprocedure, call text);
-- all NULL, then 40 random draws from the samples (with NULLs among them)
INSERT INTO fuzz.calls
SELECT p.oid::regprocedure,
       format('SELECT %s(%s)', p.oid::regproc,
              (SELECT string_agg(CASE WHEN t = '"any"'::regtype THEN 'NULL' ELSE format('NULL::%s', t::regtype) END,
                                 ', ' ORDER BY o)
               FROM unnest(p.proargtypes::oid[]) WITH ORDINALITY a(t, o)))
FROM pg_proc p JOIN ext_objects x ON x.classid = 'pg_proc'::regclass AND x.objid = p.oid
WHERE p.prokind IN ('f', 'a') AND p.pronargs > 0
  AND NOT ('internal'::regtype = ANY (p.proargtypes::regtype[]) OR 'cstring'::regtype = ANY (p.proargtypes::regtype[]));
INSERT INTO fuzz.calls
SELECT p.oid::regprocedure,
       format('SELECT %s(%s)', p.oid::regproc,
              (SELECT string_agg(coalesce(
                        -- an "any" argument (the per-customer aggregates' ids) gets a value of some type
                        (SELECT format('%L::%s', s.value, s.type) FROM fuzz.samples s
                         WHERE (s.type = t::regtype OR (t = '"any"'::regtype AND s.type IN
                                  ('bigint', 'integer', 'text', 'double precision', 'numeric', 'boolean', 'date')))
                           AND random() < 0.95 + 0 * k * o
                         ORDER BY random() LIMIT 1),
                        CASE WHEN t = '"any"'::regtype THEN 'NULL' ELSE format('NULL::%s', t::regtype) END), ', ' ORDER BY o)
               FROM unnest(p.proargtypes::oid[]) WITH ORDINALITY a(t, o)))
FROM pg_proc p JOIN ext_objects x ON x.classid = 'pg_proc'::regclass AND x.objid = p.oid
CROSS JOIN generate_series(1, 40) k
WHERE p.prokind IN ('f', 'a') AND p.pronargs > 0
  AND NOT ('internal'::regtype = ANY (p.proargtypes::regtype[]) OR 'cstring'::regtype = ANY (p.proargtypes::regtype[]));
-- One NULL at a time: every function that is not STRICT, and every
-- aggregate, with each argument NULL in turn and the others plausible (a
-- converged model, a positive number, a real time unit), so that a NULL
-- reaches the code after the checks of the other arguments (random draws
-- rarely get every other argument right: predicted_clv with a NULL time
-- unit and a model that records one crashed the server until this round
-- found it); and once with none.  Each converged model seed makes a
-- variant of the calls (models with and without a time unit).
CREATE TABLE fuzz.plausible (type regtype, value text, nth int DEFAULT 1);
INSERT INTO fuzz.plausible (type, value) VALUES
  ('double precision', '1'), ('bigint', '100'), ('integer', '12'), ('smallint', '10'), ('numeric', '7.5'),
  ('boolean', 'true'), ('text', 'all'), ('interval', '7 days'), ('timestamp with time zone', '2024-01-01'),
  ('date', '2024-01-01'), ('bytea', '\x01'), ('bigint[]', '{1,2}'), ('double precision[]', '{1,1,1,1,1,1,1}'),
  ('survival_summary[]', '{v1;1:1:0,v1;1:0:1;2:1:0}');
INSERT INTO fuzz.plausible
SELECT type, value, row_number() OVER (PARTITION BY type ORDER BY value)
FROM (SELECT DISTINCT type, value FROM fuzz.seeds
      WHERE value LIKE '%converged=true%' AND type NOT IN (SELECT type FROM fuzz.plausible)) s;
INSERT INTO fuzz.plausible
SELECT DISTINCT ON (type) type, value FROM fuzz.seeds
WHERE type NOT IN (SELECT type FROM fuzz.plausible) ORDER BY type, value;
INSERT INTO fuzz.calls
SELECT DISTINCT p.oid::regprocedure,
       format('SELECT %s(%s)', p.oid::regproc,
              (SELECT string_agg(coalesce(
                        CASE WHEN o <> k
                             THEN (SELECT format('%L::%s', v.value, v.type) FROM fuzz.plausible v
                                   WHERE v.type = CASE WHEN t = '"any"'::regtype THEN 'integer'::regtype
                                                       ELSE t::regtype END
                                     AND v.nth = 1 + (variant - 1) % (SELECT count(*) FROM fuzz.plausible w
                                                                      WHERE w.type = v.type)) END,
                        CASE WHEN t = '"any"'::regtype THEN 'NULL' ELSE format('NULL::%s', t::regtype) END), ', ' ORDER BY o)
               FROM unnest(p.proargtypes::oid[]) WITH ORDINALITY a(t, o)))
FROM pg_proc p JOIN ext_objects x ON x.classid = 'pg_proc'::regclass AND x.objid = p.oid
CROSS JOIN LATERAL generate_series(0, p.pronargs) k
CROSS JOIN generate_series(1, (SELECT max(nth) FROM fuzz.plausible)) variant
WHERE (NOT p.proisstrict OR p.prokind = 'a') AND p.prokind IN ('f', 'a') AND p.pronargs > 0
  AND NOT ('internal'::regtype = ANY (p.proargtypes::regtype[]) OR 'cstring'::regtype = ANY (p.proargtypes::regtype[]));
CREATE FUNCTION fuzz.run_calls() RETURNS TABLE (fn regprocedure, calls int, answered int, broken text[])
LANGUAGE plpgsql AS $$
DECLARE
  c record;
  r text;
BEGIN
  FOR c IN SELECT fc.fn, fc.call FROM fuzz.calls fc ORDER BY fc.fn::text, fc.call LOOP
    IF fn IS DISTINCT FROM c.fn THEN
      IF fn IS NOT NULL THEN RETURN NEXT; END IF;
      fn := c.fn; calls := 0; answered := 0; broken := '{}';
    END IF;
    calls := calls + 1;
    BEGIN
      EXECUTE c.call || '::text' INTO r;
      answered := answered + 1;
    EXCEPTION WHEN OTHERS THEN
      IF SQLSTATE LIKE 'XX%' THEN
        broken := broken || format('%s: %s %s', c.call, SQLSTATE, SQLERRM);
      END IF;
    END;
  END LOOP;
  IF fn IS NOT NULL THEN RETURN NEXT; END IF;
END $$;
CREATE TABLE fuzz.call_results AS SELECT * FROM fuzz.run_calls();
SELECT cmp_ok((SELECT count(*) FROM fuzz.call_results), '>=', 170::bigint,
              'direct calls reach every SQL-callable function and aggregate (over 170 of them)');
SELECT is(broken, '{}'::text[], fn || ': direct calls answer or fail cleanly')
FROM fuzz.call_results ORDER BY fn::text;
SELECT ok((SELECT sum(answered) FROM fuzz.call_results) > 1000, 'many direct calls got an answer, not only errors');

SELECT * FROM finish();
ROLLBACK;
