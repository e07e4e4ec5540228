-- Impossible input is refused, not answered (issue 29): a customer with no
-- repeat purchase (frequency 0) has recency 0, as btyd_summary makes it.
-- probability_alive(m, 0, 5, 38) answered 1 in 1.10; every prediction that
-- takes a customer's (frequency, recency, age) now says 22023 with a hint,
-- for every customer-base model, and (0, 0, T) still answers.  And an
-- amount paid is never negative (clv as btyd_summary); a cohort group with
-- no row before as_of is NULL, not an error.
\i sql/include/fails.psql
CREATE TABLE impossible_models AS
SELECT 'v2:bgnbd:r=0.243,alpha=4.414,a=0.793,b=2.426;se=NaN,NaN,NaN,NaN;log_likelihood=-1;customers=2;iterations=1;converged=true'::bgnbd_model AS bg,
       'v2:mbgnbd:r=0.5,alpha=6.2,a=0.9,b=1.6;se=NaN,NaN,NaN,NaN;log_likelihood=-1;customers=2;iterations=1;converged=true'::mbgnbd_model AS mb,
       'v2:pareto_nbd:r=0.553,alpha=10.578,s=0.606,beta=11.669;se=NaN,NaN,NaN,NaN;log_likelihood=-1;customers=2;iterations=1;converged=true'::pareto_nbd_model AS pn,
       'v2:gamma_gamma:p=6.25,q=3.74,gamma=15.44;se=NaN,NaN,NaN;log_likelihood=-1;customers=2;iterations=1;converged=true'::gamma_gamma_model AS gg;
SELECT pg_temp.fails(q) AS refused FROM (VALUES
  ($q$SELECT probability_alive(bg, 0, 5, 38) FROM impossible_models$q$),
  ($q$SELECT probability_alive(mb, 0, 5, 38) FROM impossible_models$q$),
  ($q$SELECT probability_alive(pn, 0, 5, 38) FROM impossible_models$q$),
  ($q$SELECT expected_purchases(bg, 39, 0, 5, 38) FROM impossible_models$q$),
  ($q$SELECT expected_purchases(pn, 39, 0, 5, 38) FROM impossible_models$q$),
  ($q$SELECT predicted_clv(bg, gg, 0, 5, 38, 20, 12, 52 / 12.0, 1) FROM impossible_models$q$)
) v(q);
-- a customer with no repeat purchase, recency 0: answers as before
SELECT probability_alive(bg, 0, 0, 38) AS bgnbd_alive, round(probability_alive(mb, 0, 0, 38)::numeric, 6) AS mbgnbd_alive,
       round(probability_alive(pn, 0, 0, 38)::numeric, 6) AS pareto_nbd_alive,
       round(expected_purchases(bg, 39, 0, 0, 38)::numeric, 6) AS bgnbd_next_39
FROM impossible_models;

-- An amount is what was paid: clv refuses a negative one (22003) as
-- btyd_summary always did, with the same hint; refunds are netted into
-- their order.  clv(1, -50) answered -50 in 1.10.
SELECT pg_temp.fails($$SELECT clv(c, a) FROM (VALUES (1, 100.0::float8), (1, -50.0)) v(c, a)$$) AS clv_negative,
       pg_temp.fails($$SELECT btyd_summary(d, a, date '2024-12-31', '1 day') FROM (VALUES (date '2024-01-01', -50.0::float8)) v(d, a)$$)
         AS btyd_summary_negative;
SELECT clv(c, a) AS clv_netted FROM (VALUES (1, 50.0::float8), (2, 0.0)) v(c, a);

-- A group whose rows all fall at or after as_of has nothing to count: NULL,
-- as a group of NULLs gives, so one segment that began after as_of no
-- longer fails a whole GROUP BY (22023 until 1.11).
SELECT segment, cardinality(cohort_retention(c, t, '1 month', '2024-04-01')) AS cells
FROM (VALUES ('early', 1, timestamptz '2024-01-05'), ('early', 1, '2024-02-10'), ('early', 2, '2024-02-20'),
             ('late', 3, '2024-05-01'), ('late', 4, '2024-06-01'), ('blank', NULL, NULL)) v(segment, c, t)
GROUP BY segment ORDER BY segment;
