-- What a newcomer meets (1.4): float score columns, enum tiers, and jsonb
-- for the stored values.

-- Scores in real and double precision columns: whole numbers in range are
-- counted as the integer overloads count them; 7.5 is an error (a cast to
-- integer would have made it 8), as are NaN, Infinity and 11.
CREATE TABLE float_scores (score_r real, score_d double precision);
INSERT INTO float_scores SELECT g % 11, g % 11 FROM generate_series(1, 110) g;
SELECT nps_agg(score_r) = nps_agg(score_r::int) AS real_same, nps_agg(score_d) = nps_agg(score_d::int) AS double_same,
       nps_summary(score_d)::text = nps_summary(score_d::int)::text AS summary_same,
       csat_agg((1 + score_d::int % 5)::float8, 5) = csat_agg(1 + score_d::int % 5, 5) AS csat_same,
       ces_agg((1 + score_r::int % 7)::real) = ces_agg(1 + score_r::int % 7) AS ces_same,
       cli_score((1 + score_d::int % 6)::float8, 1::float8, 2::float8) = cli_score(1 + score_d::int % 6, 1, 2) AS cli_same,
       nps_agg(score_d) AS nps
FROM float_scores;
SELECT nps_agg(s) FROM (VALUES (7.5::float8)) v(s);
SELECT nps_agg(s) FROM (VALUES (7.5::real)) v(s);
SELECT nps_agg(s) FROM (VALUES ('NaN'::float8)) v(s);
SELECT nps_agg(s) FROM (VALUES ('Infinity'::real)) v(s);
SELECT csat_agg(s, 5) FROM (VALUES (6::float8)) v(s);
-- and as window functions, with the inverse transition
SELECT score_d, round(nps_agg(score_d) OVER (ORDER BY score_d DESC ROWS BETWEEN 2 PRECEDING AND CURRENT ROW)::numeric, 2) AS moving
FROM (SELECT DISTINCT score_d FROM float_scores) x ORDER BY score_d DESC LIMIT 5;

-- Enum tiers come out in the enum's order (text tiers in text order), in a
-- plain aggregate and in a window
CREATE TYPE member_tier AS ENUM ('bronze', 'silver', 'gold', 'platinum');
CREATE TABLE members AS
SELECT g, (ARRAY['bronze', 'silver', 'gold', 'platinum'])[1 + g % 4]::member_tier AS tier FROM generate_series(1, 10) g;
SELECT tier_distribution(tier) AS enum_order, tier_distribution(tier::text) AS text_order FROM members;
SELECT g, tier_distribution(tier) OVER (ORDER BY g ROWS BETWEEN 2 PRECEDING AND CURRENT ROW) FROM members ORDER BY g LIMIT 4;

-- jsonb: named fields for every stored type
SELECT jsonb_pretty(nps_summary(s)::jsonb) FROM (VALUES (10), (9), (3)) v(s);
SELECT (csat_summary(s, 5)::jsonb) -> 'counts' AS csat_counts FROM (VALUES (5), (4), (4)) v(s);
SELECT jsonb_pretty('v2:bgnbd:r=0.2426,alpha=4.4135,a=0.7929,b=2.4258;se=0.0126,NaN,0.1857,0.7053;log_likelihood=-9582.43;customers=2357;iterations=28;converged=true;time_unit=7 days'::bgnbd_model::jsonb);
SELECT ('v1:gamma_gamma:p=6.25,q=3.74,gamma=15.44;se=NaN,NaN,NaN;log_likelihood=-4055.9;customers=946;iterations=29;converged=true'::gamma_gamma_model::jsonb)
       #> '{parameters,gamma}' AS gamma, ('v1:gamma_gamma:p=6.25,q=3.74,gamma=15.44;se=NaN,NaN,NaN;log_likelihood=-4055.9;customers=946;iterations=29;converged=true'::gamma_gamma_model::jsonb) -> 'time_unit' AS no_time_unit;
-- the composites the API returns have PostgreSQL's own to_jsonb
SELECT to_jsonb(r) FROM unnest((SELECT tier_distribution(tier) FROM members)) r LIMIT 1;
-- and the state types (as Citus ships them between nodes) have jsonb too
CREATE AGGREGATE tier_partial(text) (SFUNC = loyalty_kpi_internal.tier_accum, STYPE = tier_state);
SELECT tier_partial(tier::text)::jsonb AS tier_state FROM members;
CREATE AGGREGATE series_partial(timestamptz, timestamptz, timestamptz, timestamptz, interval)
  (SFUNC = loyalty_kpi_internal.lifecycle_accum, STYPE = lifecycle_state);
SELECT jsonb_pretty(series_partial(a, NULL, '2024-01-01 00:00+00', '2024-04-01 00:00+00', '1 month')::jsonb - 'grid') AS lifecycle_state
FROM (VALUES (timestamptz '2024-01-15 00:00+00'), ('2024-02-20 00:00+00')) v(a);
