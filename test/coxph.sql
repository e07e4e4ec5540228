-- pgTAP: Cox proportional-hazards regression against R's survival::coxph
-- (test/reference/coxph_reference.R wrote coxph_reference.csv from R 4.2
-- and survival 3.5 in Debian 12) on the lung and colon data of R's survival
-- package (../shared/data/survival), Efron and Breslow ties: coefficients,
-- standard errors, p-values, log-likelihoods, the three tests, n, events,
-- iterations and the linear predictor to 1e-9 relative; then the rows
-- skipped, parallel = serial to the bit, the stored forms, the flag for a
-- coefficient that runs off (separation) and the errors.  One transaction,
-- rolled back.
BEGIN;
CREATE EXTENSION IF NOT EXISTS pgtap;
CREATE EXTENSION IF NOT EXISTS loyalty_kpi;
SELECT no_plan();
SET LOCAL TimeZone = 'UTC';   -- the date form's days are 24 hours
\ir include/plan_of.sql

CREATE TABLE lung (inst int, time float8, status int, age float8, sex float8, ph_ecog float8, ph_karno float8,
                   pat_karno float8, meal_cal float8, wt_loss float8, event bool);
\copy lung FROM '../shared/data/survival/lung.csv' CSV HEADER
CREATE TABLE colon (id int, time float8, status int, rx text, sex float8, age float8, obstruct float8, perfor float8,
                    adhere float8, nodes float8, differ float8, extent float8, surg float8, node4 float8);
\copy colon FROM '../shared/data/survival/colon_death.csv' CSV HEADER
CREATE TABLE ref (fit text, name text, value float8);
\copy ref FROM 'test/reference/coxph_reference.csv' CSV HEADER

-- the four fits R made, one row each; colon's treatment arms as indicators against Obs
CREATE TABLE fits AS
SELECT 'lung_efron' AS fit, coxph_fit(time, event, ARRAY[age, sex, ph_ecog], ARRAY['age', 'sex', 'ph.ecog']) AS m FROM lung
UNION ALL
SELECT 'lung_breslow', coxph_fit(time, event, ARRAY[age, sex, ph_ecog], ARRAY['age', 'sex', 'ph.ecog'], 'breslow') FROM lung
UNION ALL
SELECT 'colon_efron', coxph_fit(time, status, ARRAY[(rx = 'Lev')::int, (rx = 'Lev+5FU')::int, sex, age, obstruct, nodes],
                                ARRAY['lev', 'lev5fu', 'sex', 'age', 'obstruct', 'nodes']) FROM colon
UNION ALL
SELECT 'colon_breslow', coxph_fit(time, status, ARRAY[(rx = 'Lev')::int, (rx = 'Lev+5FU')::int, sex, age, obstruct, nodes],
                                  ARRAY['lev', 'lev5fu', 'sex', 'age', 'obstruct', 'nodes'], 'breslow') FROM colon
UNION ALL
SELECT 'lung_strata', coxph_fit(time, event, ARRAY[age, ph_ecog], ARRAY['age', 'ph.ecog'], 'efron', sex::text) FROM lung
UNION ALL
SELECT 'lung_cluster', coxph_fit(time, event, ARRAY[age, sex, ph_ecog], ARRAY['age', 'sex', 'ph.ecog'], 'efron', 'all', 1, inst)
FROM lung
UNION ALL
SELECT 'lung_cluster_breslow', coxph_fit(time, event, ARRAY[age, sex, ph_ecog], ARRAY['age', 'sex', 'ph.ecog'], 'breslow', 'all',
                                         1, inst) FROM lung
UNION ALL
SELECT 'lung_robust', coxph_fit(time, event, ARRAY[age, sex, ph_ecog], ARRAY['age', 'sex', 'ph.ecog'], 'efron', 'all', 1, id)
FROM (SELECT row_number() OVER () AS id, * FROM lung) l
UNION ALL
SELECT 'lung_weighted', coxph_fit(time, event, ARRAY[age, sex, ph_ecog], ARRAY['age', 'sex', 'ph.ecog'], 'efron', 'all',
                                  1 + time::int % 3) FROM lung
UNION ALL
SELECT 'lung_weighted_breslow', coxph_fit(time, event, ARRAY[age, sex, ph_ecog], ARRAY['age', 'sex', 'ph.ecog'], 'breslow', 'all',
                                          1 + time::int % 3) FROM lung
UNION ALL
SELECT 'colon_strata', coxph_fit(time, status, ARRAY[(rx = 'Lev')::int, (rx = 'Lev+5FU')::int, age, nodes],
                                 ARRAY['lev', 'lev5fu', 'age', 'nodes'], 'breslow', obstruct || '/' || perfor) FROM colon;

-- ours, in R's names
CREATE TABLE ours AS
SELECT f.fit, 'coef.' || c.term AS name, c.coef AS value FROM fits f, coefficients(f.m) c
UNION ALL SELECT f.fit, 'se.' || c.term, c.std_error FROM fits f, coefficients(f.m) c
UNION ALL SELECT f.fit, 'rse.' || c.term, c.robust_std_error FROM fits f, coefficients(f.m) c WHERE c.robust_std_error IS NOT NULL
UNION ALL SELECT f.fit, 'p.' || c.term, c.p_value FROM fits f, coefficients(f.m) c
UNION ALL SELECT fit, 'loglik.null', (coxph_summary(m)).loglik_null FROM fits
UNION ALL SELECT fit, 'loglik.fit', (coxph_summary(m)).loglik FROM fits
UNION ALL SELECT fit, 'lr', (coxph_summary(m)).likelihood_ratio FROM fits
UNION ALL SELECT fit, 'wald', (coxph_summary(m)).wald FROM fits
UNION ALL SELECT fit, 'score', (coxph_summary(m)).score FROM fits
UNION ALL SELECT fit, 'n', (coxph_summary(m)).n FROM fits
UNION ALL SELECT fit, 'events', (coxph_summary(m)).events FROM fits
UNION ALL SELECT fit, 'iterations', (coxph_summary(m)).iterations FROM fits
UNION ALL SELECT fit, 'concordance', (coxph_summary(m)).concordance FROM fits
UNION ALL SELECT fit, 'concordance.se', (coxph_summary(m)).concordance_se FROM fits
UNION ALL SELECT fit, 'rscore', (coxph_summary(m)).robust_score FROM fits WHERE (coxph_summary(m)).robust
UNION ALL SELECT f.fit, 'zph.' || z.term, z.chisq FROM fits f, proportional_hazards_test(f.m) z
UNION ALL SELECT 'lung_efron', 'lp.' || n, linear_predictor(m, ARRAY[l.age, l.sex, l.ph_ecog])
          FROM fits, (SELECT row_number() OVER () AS n, * FROM (SELECT * FROM lung LIMIT 5) x) l WHERE fit = 'lung_efron'
UNION ALL
-- each patient's martingale residual, named by their data as the R script names them
SELECT f.fit, format('mart.%s.%s.%s.%s.%s.%s', l.time, l.age, l.sex, l.ph_ecog, l.event::int, coalesce(l.inst::text, 'NA')),
       martingale_residual(f.m, ARRAY[l.age, l.sex, l.ph_ecog], l.time, l.event)
FROM fits f, lung l WHERE f.fit IN ('lung_efron', 'lung_breslow') AND l.ph_ecog IS NOT NULL
UNION ALL
-- a customer's survival curve: R's survfit on the fit, two profiles at three times, and a stratum's
SELECT fit, v.name || '.' || j || '.' || t, v.value
FROM (SELECT f.fit, j, t, survival_at_interval(f.m, x, t) AS i
      FROM fits f, (VALUES (1, ARRAY[60, 1, 1]::float8[]), (2, ARRAY[70, 2, 0]::float8[])) z(j, x), unnest(ARRAY[5, 300, 1022]) t
      WHERE f.fit IN ('lung_efron', 'lung_breslow')
      UNION ALL
      SELECT f.fit, j, t, survival_at_interval(f.m, x, t, 'all')
      FROM fits f, (VALUES (1, ARRAY[60, 1, 1]::float8[]), (2, ARRAY[70, 2, 0]::float8[])) z(j, x), unnest(ARRAY[5, 300, 1022]) t
      WHERE f.fit = 'lung_weighted'
      UNION ALL
      SELECT 'lung_strata_2', 1, t, survival_at_interval(f.m, ARRAY[60, 1]::float8[], t, '2')
      FROM fits f, unnest(ARRAY[5, 300, 800]) t WHERE f.fit = 'lung_strata') p,
     LATERAL (VALUES ('surv', (i).estimate), ('seh', (i).standard_error / (i).estimate), ('lower', (i).lower),
                     ('upper', (i).upper)) v(name, value)
UNION ALL
-- the chance to churn in the next 90 or 365 days after 100 or 310 (an event time) survived:
-- R's survfit with start.time, turned around
SELECT fit, v.name || '.' || j || '.' || s || '.' || t, v.value
FROM (SELECT f.fit, j, s, t, churn_probability_interval(f.m, x, t, s) AS c
      FROM fits f, (VALUES (1, ARRAY[60, 1, 1]::float8[]), (2, ARRAY[70, 2, 0]::float8[])) z(j, x), unnest(ARRAY[100, 310]) s,
           unnest(ARRAY[90, 365]) t
      WHERE (f.fit = 'lung_efron') OR (f.fit = 'lung_breslow' AND s = 310)
      UNION ALL
      SELECT 'lung_strata_2', 1, 100, t, churn_probability_interval(f.m, ARRAY[60, 1]::float8[], t, 100, '2')
      FROM fits f, unnest(ARRAY[90, 365]) t WHERE f.fit = 'lung_strata') p,
     LATERAL (VALUES ('churn', (c).estimate), ('churnse', (c).standard_error), ('churnlower', (c).lower),
                     ('churnupper', (c).upper)) v(name, value);

SELECT is((SELECT count(*) FROM ref r JOIN ours o USING (fit, name)),
          (SELECT count(*) FROM ref),
          'every value R gives has ours beside it');
SELECT is((SELECT string_agg(format('%s %s: R %s, ours %s', fit, name, r.value, o.value), '; ')
           FROM ref r JOIN ours o USING (fit, name)
           WHERE NOT (abs(o.value - r.value) <= 1e-9 * greatest(abs(r.value), 1e-300))),
          NULL, 'coefficients, standard errors, p-values, log-likelihoods, tests, counts, concordance and its standard error, the robust score test, the proportional-hazards tests (cox.zph), linear predictors, survival curves with their intervals, churn probabilities after a tenure with theirs and martingale residuals equal R''s to 1e-9 relative');
SELECT is((SELECT value FROM ref WHERE fit = 'lung_efron' AND name = 'coef.age'), 0.011066764560073482::float8,
          'the reference holds the issue''s published lung figure (age 0.011066764560073482)');

-- the rows skipped: lung's 1 missing ph.ecog, colon's 18 missing nodes, as R's na.omit
SELECT is((SELECT array_agg((coxph_summary(m)).skipped ORDER BY fit) FROM fits), ARRAY[18, 18, 18, 1, 2, 2, 1, 1, 1, 1, 1]::bigint[],
          'rows with a NULL covariate are skipped and counted (colon 18, lung 1)');
SELECT is((SELECT array_agg((coxph_summary(m)).strata ORDER BY fit) FROM fits), ARRAY[1, 1, 4, 1, 1, 1, 1, 1, 2, 1, 1],
          'strata: colon obstruct x perfor 4, lung sex 2, none 1');
SELECT ok((SELECT bool_and((coxph_summary(m)).converged) FROM fits), 'every reference fit converged');

-- the coefficient table: hazard ratios and their intervals from the coefficients
SELECT is((SELECT count(*) FROM fits, coefficients(m, 0.9) c
           WHERE NOT (coxph_summary(m)).robust AND abs(c.hazard_ratio - exp(c.coef)) < 1e-15 * c.hazard_ratio
             AND abs(c.lower - exp(c.coef - 1.6448536269514722 * c.std_error)) < 1e-12 * c.lower
             AND abs(c.upper - exp(c.coef + 1.6448536269514722 * c.std_error)) < 1e-12 * c.upper
             AND abs(c.z - c.coef / c.std_error) < 1e-15 * abs(c.z)),
          30::bigint, 'hazard ratio exp(coef), z = coef / se, the 90% interval exp(coef +- 1.645 se) (without clusters)');
SELECT is((SELECT relative_risk(m, ARRAY[60, 1, 1]) FROM fits WHERE fit = 'lung_efron'),
          (SELECT exp(linear_predictor(m, ARRAY[60, 1, 1])) FROM fits WHERE fit = 'lung_efron'),
          'relative_risk is exp(linear_predictor)');
SELECT is((SELECT linear_predictor(m, ARRAY[(coxph_model_jsonb(m) -> 'terms' -> 0 ->> 'mean')::float8,
                                             (coxph_model_jsonb(m) -> 'terms' -> 1 ->> 'mean')::float8,
                                             (coxph_model_jsonb(m) -> 'terms' -> 2 ->> 'mean')::float8])
           FROM fits WHERE fit = 'lung_efron'), 0::float8, 'a customer at the means has linear predictor 0');
SELECT ok((SELECT linear_predictor(m, ARRAY[60, NULL, 1]) IS NULL FROM fits WHERE fit = 'lung_efron'),
          'a NULL covariate gives a NULL prediction');
SELECT cmp_ok((SELECT abs(sum(martingale_residual(f.m, ARRAY[l.age, l.sex, l.ph_ecog], l.time, l.event)))
                FROM fits f, lung l WHERE f.fit = 'lung_efron' AND l.ph_ecog IS NOT NULL), '<', 1e-9::float8,
              'the martingale residuals of the fitted customers sum to 0');
-- the survival curve: 1 before the first churn, the conditional churn probability from it
SELECT is((SELECT survival_at(m, ARRAY[60, 1, 1], 4) FROM fits WHERE fit = 'lung_efron'), 1::float8,
          'no churn before the first event time: S = 1');
SELECT is((SELECT round(churn_probability(m, ARRAY[60, 1, 1], 100, 200)::numeric, 12) FROM fits WHERE fit = 'lung_efron'),
          (SELECT round((1 - survival_at(m, ARRAY[60, 1, 1], 300) / survival_at(m, ARRAY[60, 1, 1], 200))::numeric, 12)
           FROM fits WHERE fit = 'lung_efron'), 'churn_probability = 1 - S(200 + 100) / S(200)');
SELECT throws_ok($$SELECT survival_at(m, ARRAY[60, 1], 100) FROM fits WHERE fit = 'lung_strata'$$, '22023', NULL,
                 'a stratified model asks for the stratum');
SELECT throws_ok($$SELECT survival_at(m, ARRAY[60, 1], 100, '3') FROM fits WHERE fit = 'lung_strata'$$, '22023', NULL,
                 'a stratum the model does not have');
SELECT throws_ok($$SELECT survival_at(m, ARRAY[60, 1, 1], -1) FROM fits WHERE fit = 'lung_efron'$$, '22003', NULL,
                 'a negative time');

-- from lifecycle dates: the tenure in whole days from acquired_at to churned_at, or to as_of (here each
-- row's own) while active, is the duration form's fit, to the bit
SELECT is((SELECT coxph_fit(a, CASE WHEN event THEN a + time * interval '1 day' END, a + time * interval '1 day', '1 day',
                            ARRAY[age, sex, ph_ecog], ARRAY['age', 'sex', 'ph.ecog'])::text
           FROM (SELECT *, timestamptz '2020-01-01 00:00+00' + row_number() OVER () * interval '1 hour' AS a FROM lung) l),
          (SELECT m::text FROM fits WHERE fit = 'lung_efron'), 'the (acquired_at, churned_at, as_of, unit) form is the duration form');
SELECT is((SELECT (coxph_summary(coxph_fit(a, NULL, '2024-01-01', '1 day', ARRAY[1.0], ARRAY['x']))).skipped
           FROM (VALUES (NULL::timestamptz), ('2023-01-01'), ('2023-06-01'), ('2025-01-01')) v(a)
           WHERE false), NULL, 'no row: NULL');
SELECT throws_ok($$SELECT coxph_fit(timestamptz '2024-01-01', NULL, '2025-01-01', '1 month', ARRAY[1.0], ARRAY['x'])$$,
                 '22023', NULL, 'a time unit of months');
SELECT throws_ok($$SELECT coxph_fit(timestamptz '2024-01-01', NULL, NULL, '1 day', ARRAY[1.0], ARRAY['x'])$$,
                 '22004', NULL, 'a NULL as_of');

-- the order of the rows changes nothing, nor does a parallel plan: the final function sorts
SELECT is((SELECT coxph_fit(time, event, ARRAY[age, sex, ph_ecog], ARRAY['age', 'sex', 'ph.ecog'])::text
           FROM (SELECT * FROM lung ORDER BY random()) x),
          (SELECT m::text FROM fits WHERE fit = 'lung_efron'), 'any row order gives the same model, to the bit');
CREATE TABLE big AS
SELECT g AS id, least(730, floor(-ln(1 - ((g * 7919) % 10007 + 0.5) / 10007.0) * 300
                              / exp(0.4 * (g % 2) - 0.01 * (g % 50))))::float8 AS days,
       (g * 31) % 10 < 7 AS churned, (g % 2)::float8 AS x1, (g % 50)::float8 AS x2, ((g * 13) % 7)::float8 AS x3
FROM generate_series(1, 60000) g;
ANALYZE big;
CREATE TABLE serial_fit AS
SELECT coxph_fit(days, churned, ARRAY[x1, x2, x3], ARRAY['x1', 'x2', 'x3'])::text AS m FROM big;
CREATE TABLE serial_strata AS
SELECT coxph_fit(days, churned, ARRAY[x1, x2], ARRAY['x1', 'x2'], 'efron', 'plan ' || (x3::int % 3))::text AS m FROM big;
SET LOCAL parallel_setup_cost = 0;
SET LOCAL parallel_tuple_cost = 0;
SET LOCAL min_parallel_table_scan_size = 0;
SET LOCAL max_parallel_workers_per_gather = 2;
SELECT matches(plan_of($$SELECT coxph_fit(days, churned, ARRAY[x1, x2, x3], ARRAY['x1', 'x2', 'x3']) FROM big$$),
               'Workers Launched: [12].*Partial Aggregate', 'coxph_fit aggregates partially in launched workers');
SELECT is((SELECT coxph_fit(days, churned, ARRAY[x1, x2, x3], ARRAY['x1', 'x2', 'x3'])::text FROM big),
          (SELECT m FROM serial_fit), 'the parallel fit equals the serial fit exactly');
SELECT is((SELECT coxph_fit(days, churned, ARRAY[x1, x2], ARRAY['x1', 'x2'], 'efron', 'plan ' || (x3::int % 3))::text FROM big),
          (SELECT m FROM serial_strata), 'so does a stratified fit, whose workers meet the strata in other orders');
RESET max_parallel_workers_per_gather;

-- stored forms: text reads back, jsonb has the fields
SELECT is((SELECT m::text::coxph_model::text FROM fits WHERE fit = 'colon_efron'),
          (SELECT m::text FROM fits WHERE fit = 'colon_efron'), 'the text form reads back exactly');
SELECT is((SELECT m::jsonb -> 'terms' -> 1 ->> 'term' FROM fits WHERE fit = 'lung_efron'), 'sex', 'jsonb names the terms');
-- a text form refused, for the reason given (the error's detail)
CREATE FUNCTION pg_temp.refused_because(input text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    why text;
BEGIN
    PERFORM input::coxph_model;
    RETURN 'accepted';
EXCEPTION WHEN invalid_text_representation THEN
    GET STACKED DIAGNOSTICS why = PG_EXCEPTION_DETAIL;
    RETURN why;
END
$$;
SELECT is(pg_temp.refused_because('v1:coxph:ties=efron;strata=1;n=1;events=1;skipped=0;iterations=1;converged=true;loglik=-1,-1;score=0;wald=0;concordance=0.5,0;terms="a";means=0;coef=0;cov=-1;ph_test=0,0;baseline_rows=1;baseline=1,1,1,1,0'),
          'Its variances are not negative.', 'a negative variance is refused');
SELECT is(pg_temp.refused_because('v1:coxph:ties=efron;strata=1;n=1;events=1;skipped=0;iterations=1;converged=true;loglik=-1,-1;score=0;wald=0;concordance=0.5,0;terms="a";means=0;coef=0;cov=1;ph_test=-2,0;baseline_rows=1;baseline=1,1,1,1,0'),
          'Its proportional-hazards tests are chi-squares.', 'a negative proportional-hazards chi-square is refused');
SELECT is(pg_temp.refused_because('v1:coxph:ties=efron;strata=1;n=1;events=1;skipped=0;iterations=1;converged=true;loglik=-1,-1;score=0;wald=0;concordance=0.5,0;terms="a";means=0;coef=0;cov=1;ph_test=0,-1;baseline_rows=1;baseline=1,1,1,1,0'),
          'accepted', 'the same with the global test undefined (-1) is a model');
SELECT is((SELECT pg_temp.refused_because(regexp_replace(m::text, 'robust_score=[^;]*', 'robust_score=-3')) FROM fits
           WHERE fit = 'lung_cluster'),
          'Its robust score test is a chi-square with clusters, 0 without.', 'a negative robust score test is refused');
SELECT is((SELECT m::text::coxph_model::text FROM fits WHERE fit = 'lung_cluster'),
          (SELECT m::text FROM fits WHERE fit = 'lung_cluster'), 'a robust model''s text form, with its robust score test, reads back exactly');
SELECT is((SELECT array_agg(z.term || ' ' || coalesce(z.chisq::text, 'NULL') || ' ' || z.df ORDER BY z.term)
           FROM (SELECT coxph_fit(7, g % 2 = 0, ARRAY[g::float8], ARRAY['x']) AS m FROM generate_series(1, 20) g) f,
                proportional_hazards_test(f.m) z),
          ARRAY['GLOBAL NULL 1', 'x NULL 1'], 'churns at a single time: no test of proportional hazards (NULL, as R''s is NaN)');

-- a covariate that separates the churners: its coefficient runs off, and the fit says so
SELECT is((SELECT (coxph_summary(coxph_fit(t, e, ARRAY[x], ARRAY['x']))).converged
           FROM (SELECT g AS t, g <= 10 AS e, (g <= 10)::int::float8 AS x FROM generate_series(1, 40) g) s),
          false, 'a coefficient running off to infinity is not converged');

-- errors: 22003 for values out of range, 22023 for what cannot be fitted, 22004 for NULL parameters
SELECT throws_ok($$SELECT coxph_fit(-1, true, ARRAY[1.0], ARRAY['x'])$$, '22003', NULL, 'a negative duration');
SELECT throws_ok($$SELECT coxph_fit(1, true, ARRAY['NaN'::float8], ARRAY['x'])$$, '22003', NULL, 'a covariate that is not finite');
SELECT throws_ok($$SELECT coxph_fit(d, true, CASE WHEN d = 1 THEN ARRAY[1.0] ELSE ARRAY[1.0, 2.0] END, ARRAY['x'])
                   FROM generate_series(1, 3) d$$, '22023', NULL, 'a covariate array whose length changes');
SELECT throws_ok($$SELECT coxph_fit(d, 2, ARRAY[1.0], ARRAY['x']) FROM generate_series(1, 3) d$$, '22023', NULL,
                 'an integer event other than 0 and 1');
SELECT throws_ok($$SELECT coxph_fit(d, d = 1, ARRAY[d::float8, -d::float8], ARRAY['x', 'y']) FROM generate_series(1, 9) d$$,
                 '22023', NULL, 'fewer events than covariates');
SELECT throws_ok($$SELECT coxph_fit(d, d % 2 = 0, ARRAY[d::float8, 2 * d::float8], ARRAY['x', 'y']) FROM generate_series(1, 20) d$$,
                 '22023', NULL, 'collinear covariates');
SELECT throws_ok($$SELECT coxph_fit(d, true, ARRAY[1.0], NULL) FROM generate_series(1, 3) d$$, '22004', NULL, 'NULL names');
SELECT throws_ok($$SELECT coxph_fit(d, true, ARRAY[d::float8], ARRAY['x'], 'efron', 'all', 0) FROM generate_series(1, 3) d$$,
                 '22023', NULL, 'a case weight of 0');
SELECT is((SELECT coxph_fit(time, event, ARRAY[age, sex, ph_ecog], ARRAY['age', 'sex', 'ph.ecog'], 'efron', 'all', 1)::text FROM lung),
          (SELECT replace(replace(m::text, 'strata=1;', 'strata=1;'), ';means', ';strata_names="all";means') FROM fits WHERE fit = 'lung_efron'),
          'weights of 1 in one stratum: the unweighted fit, to the bit');
SELECT throws_ok($$SELECT coxph_fit(d, d % 2 = 0, ARRAY[d::float8], ARRAY['x'], 'efron', d::text) FROM generate_series(1, 1001) d$$,
                 '54000', NULL, 'more than 1,000 strata');
SELECT throws_ok($$SELECT coxph_fit(d, true, ARRAY[1.0, 2.0], ARRAY['x', 'x']) FROM generate_series(1, 3) d$$, '22023', NULL,
                 'a name given twice');
SELECT throws_ok($$SELECT coxph_fit(d, true, ARRAY[d::float8], ARRAY['x'], 'exact') FROM generate_series(1, 3) d$$, '22023', NULL,
                 'an unknown ties method');
SELECT is((SELECT coxph_fit(d, true, ARRAY[1.0], ARRAY['x']) IS NULL FROM generate_series(1, 3) d WHERE false), true,
          'no row: NULL');

SELECT * FROM finish();
ROLLBACK;
