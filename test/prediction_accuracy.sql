-- pgTAP: the BG/NBD predictions against reference values computed
-- independently at 40 digits (test/reference/bgnbd_grid.py, which writes
-- test/reference/bgnbd_grid.csv): r and alpha from 0.01 to 300, a and b
-- from 0.01 to 100 with a near 1 on both sides, horizons from 0.5 to 10,000
-- periods, a new customer and customers with x up to 10,000 and T up to
-- 10,000.  Every point must be within the documented relative error
-- (1e-8), or refused with 22003; never a wrong number.
BEGIN;
CREATE EXTENSION IF NOT EXISTS pgtap;
CREATE EXTENSION IF NOT EXISTS loyalty_kpi;
SELECT no_plan();

-- numeric: some references are below double precision's range
CREATE TABLE grid (r text, alpha text, a text, b text, t float8, x float8, t_x float8, age float8, expected numeric);
\copy grid FROM 'test/reference/bgnbd_grid.csv' CSV HEADER

CREATE TABLE checked (r text, alpha text, a text, b text, t float8, x float8, expected numeric,
                      got float8, outcome text);
DO $$
DECLARE
  g record;
  m bgnbd_model;
  v float8;
BEGIN
  FOR g IN SELECT * FROM grid LOOP
    m := format('v2:bgnbd:r=%s,alpha=%s,a=%s,b=%s;se=NaN,NaN,NaN,NaN;log_likelihood=-1;customers=2;iterations=1;converged=true',
                g.r, g.alpha, g.a, g.b)::bgnbd_model;
    BEGIN
      IF g.x = 0 AND g.age = 0 THEN
        v := expected_purchases(m, g.t);
      ELSE
        v := expected_purchases(m, g.t, g.x, g.t_x, g.age);
      END IF;
      -- within 1e-8 relative; below double's normal range (1e-300), both that small
      INSERT INTO checked VALUES (g.r, g.alpha, g.a, g.b, g.t, g.x, g.expected, v,
        CASE WHEN abs(g.expected) < 1e-300 AND abs(v) < 1e-300 THEN 'within'
             WHEN abs(g.expected) >= 1e-300 AND abs(v - g.expected::float8) <= 1e-8 * abs(g.expected::float8) THEN 'within'
             ELSE 'wrong' END);
    EXCEPTION WHEN numeric_value_out_of_range THEN
      INSERT INTO checked VALUES (g.r, g.alpha, g.a, g.b, g.t, g.x, g.expected, NULL, 'refused');
    END;
  END LOOP;
END $$;

SELECT is((SELECT count(*) FROM checked), (SELECT count(*) FROM grid), 'every reference point was checked');
SELECT cmp_ok((SELECT count(*) FROM grid), '>', 9000::bigint, 'the grid has its 9,720 points');
SELECT is((SELECT array_agg(format('r=%s alpha=%s a=%s b=%s t=%s x=%s: %s, reference %s', r, alpha, a, b, t, x, got, expected))
           FROM (SELECT * FROM checked WHERE outcome = 'wrong' LIMIT 20) w),
          NULL, 'no prediction is a wrong number: each is within 1e-8 of the reference, or refused with 22003');
-- refusals are for what double precision cannot reach to 1e-8: a within
-- 1e-4 of 1 (where E is a difference of nearly equal numbers divided by
-- a - 1), and horizons of thousands of alpha for a new customer (the series
-- then has millions of terms, and its rounding bound passes 1e-8); they
-- must stay the exception, and none may fall in the ordinary domain
SELECT cmp_ok((SELECT count(*) FILTER (WHERE outcome = 'refused')::float8 / count(*) FROM checked), '<', 0.10::float8,
              'fewer than 10% of the grid is refused');
SELECT is((SELECT count(*) FROM checked c JOIN grid g USING (r, alpha, a, b, t, x)
           WHERE c.outcome = 'refused' AND c.a NOT IN ('0.9999', '1.0001')
             AND c.t <= 100 * (g.alpha::float8 + g.age)),
          0::bigint, 'with a not within 1e-4 of 1 and horizons up to 100 times alpha + age, every point is computed');
-- the case of the report: r = 100, alpha = 20, a = 0.8, b = 2.5 (1.2 gave 46.38, 1,363.8, -404,208)
SELECT is(round(expected_purchases(
            'v2:bgnbd:r=100,alpha=20,a=0.8,b=2.5;se=NaN,NaN,NaN,NaN;log_likelihood=-1;customers=2;iterations=1;converged=true'::bgnbd_model,
            t)::numeric, 6), v, format('large r: E[X(%s)] = %s (mpmath)', t, v))
FROM (VALUES (10, 10.686033), (52, 19.202703), (100, 23.473088), (200, 28.661394)) e(t, v);

-- P(alive), a closed form: within 1e-12 relative at every point
CREATE TABLE alive (r text, alpha text, a text, b text, x float8, t_x float8, age float8, p_alive numeric);
\copy alive FROM 'test/reference/alive_grid.csv' CSV HEADER
SELECT is((SELECT count(*) FROM alive a
           CROSS JOIN LATERAL (SELECT probability_alive(format('v2:bgnbd:r=%s,alpha=%s,a=%s,b=%s;se=NaN,NaN,NaN,NaN;log_likelihood=-1;customers=2;iterations=1;converged=true',
                                                               a.r, a.alpha, a.a, a.b)::bgnbd_model, a.x, a.t_x, a.age) AS got) g
           WHERE NOT (abs(a.p_alive) < 1e-300 AND g.got < 1e-300)
             AND NOT (abs(a.p_alive) >= 1e-300 AND abs(g.got - a.p_alive::float8) <= 1e-12 * a.p_alive::float8)),
          0::bigint, format('P(alive) within 1e-12 at all %s reference points', (SELECT count(*) FROM alive)));

-- the Gamma-Gamma expected spend, a closed form: within 1e-13 relative at every point
CREATE TABLE spend_ref (p text, q text, gamma text, x float8, monetary_value float8, spend numeric);
\copy spend_ref FROM 'test/reference/spend_grid.csv' CSV HEADER
SELECT is((SELECT count(*) FROM spend_ref s
           CROSS JOIN LATERAL (SELECT expected_spend(format('v2:gamma_gamma:p=%s,q=%s,gamma=%s;se=NaN,NaN,NaN;log_likelihood=-1;customers=2;iterations=1;converged=true',
                                                            s.p, s.q, s.gamma)::gamma_gamma_model,
                                                     s.x, CASE WHEN s.x > 0 THEN s.monetary_value END) AS got) g
           WHERE NOT abs(g.got - s.spend::float8) <= 1e-13 * s.spend::float8),
          0::bigint, format('expected_spend within 1e-13 at all %s reference points', (SELECT count(*) FROM spend_ref)));

-- predicted_clv: within 1e-7 relative, or refused with 22003
CREATE TABLE clv_ref (r text, alpha text, a text, b text, p text, q text, gamma text, x float8, t_x float8,
                      age float8, monetary_value float8, periods int, period_length float8, discount float8, clv numeric);
\copy clv_ref FROM 'test/reference/clv_grid.csv' CSV HEADER
CREATE FUNCTION pg_temp.clv_outcome(c clv_ref) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  v float8;
BEGIN
  v := predicted_clv(format('v2:bgnbd:r=%s,alpha=%s,a=%s,b=%s;se=NaN,NaN,NaN,NaN;log_likelihood=-1;customers=2;iterations=1;converged=true',
                            c.r, c.alpha, c.a, c.b)::bgnbd_model,
                     format('v2:gamma_gamma:p=%s,q=%s,gamma=%s;se=NaN,NaN,NaN;log_likelihood=-1;customers=2;iterations=1;converged=true',
                            c.p, c.q, c.gamma)::gamma_gamma_model,
                     c.x, c.t_x, c.age, CASE WHEN c.x > 0 THEN c.monetary_value END, c.periods, c.period_length, c.discount);
  RETURN CASE WHEN abs(v - c.clv::float8) <= 1e-7 * abs(c.clv::float8) THEN 'within'
              ELSE format('wrong: %s, reference %s', v, c.clv) END;
EXCEPTION WHEN numeric_value_out_of_range THEN
  RETURN 'refused';
END $$;
SELECT is((SELECT array_agg(o) FROM (SELECT pg_temp.clv_outcome(c) AS o FROM clv_ref c) x WHERE o NOT IN ('within', 'refused')),
          NULL, format('predicted_clv within 1e-7 or refused at all %s reference points', (SELECT count(*) FROM clv_ref)));
SELECT is((SELECT count(*) FROM clv_ref c WHERE pg_temp.clv_outcome(c) = 'refused'), 0::bigint,
          'and none of them is refused');

-- a cancel stops a long prediction promptly: interrupts are checked in every
-- series and every period (1.2: 3.7 s under a 100 ms statement_timeout)
CREATE FUNCTION pg_temp.ms_until_canceled(q text) RETURNS float8 LANGUAGE plpgsql AS $$
DECLARE
  started timestamptz := clock_timestamp();
BEGIN
  EXECUTE q;
  RETURN NULL;
EXCEPTION WHEN query_canceled THEN
  RETURN extract(epoch FROM clock_timestamp() - started) * 1000;
END $$;
SET statement_timeout = '100ms';
SELECT pg_temp.ms_until_canceled($q$
  SELECT predicted_clv('v2:bgnbd:r=0.2426,alpha=4.4135,a=0.7929,b=2.4258;se=NaN,NaN,NaN,NaN;log_likelihood=-1;customers=2;iterations=1;converged=true'::bgnbd_model,
                       'v2:gamma_gamma:p=6.2488,q=3.7446,gamma=15.4477;se=NaN,NaN,NaN;log_likelihood=-1;customers=2;iterations=1;converged=true'::gamma_gamma_model,
                       0, 0, 0, NULL, 100000, 0.08, 0)$q$) AS canceled_after \gset
RESET statement_timeout;
-- 100 ms of timeout, then the cancel; the bound leaves room for a loaded machine
SELECT ok(:canceled_after IS NOT NULL AND :canceled_after < 600,
          format('predicted_clv over 100,000 periods is canceled %s ms into a 100 ms statement_timeout', round(:canceled_after)));

SELECT * FROM finish();
ROLLBACK;
