-- Stored summaries survive pg_dump and pg_restore: a database holding a
-- materialized view of daily summaries (and, since 1.5, one of survival
-- summaries with fractional tenures; since 1.6, one of RFM models) is
-- dumped in custom format, restored into a new database, and the restored values are compared with the
-- originals (text form and binary send form, row by row).
SET client_min_messages = warning;
DROP DATABASE IF EXISTS lk_dump_src;
DROP DATABASE IF EXISTS lk_dump_dst;
RESET client_min_messages;
CREATE DATABASE lk_dump_src;
CREATE DATABASE lk_dump_dst;
\! psql -X -q -d lk_dump_src -c "CREATE EXTENSION loyalty_kpi" -c "CREATE TABLE answers AS SELECT g AS id, date '2026-01-01' + g % 60 AS day, g % 11 AS score, 1 + g % 5 AS csat FROM generate_series(1, 5000) g" -c "CREATE MATERIALIZED VIEW daily AS SELECT day, nps_summary(score) AS nps, csat_summary(csat, 5) AS csat FROM answers GROUP BY day" -c "CREATE TABLE kept (id int, s survey_summary)" -c "INSERT INTO kept VALUES (1, 'v1:cli:3-18:0,0,0,1,0,0,0,1,0,0,0,0,1,0,0,1'), (2, 'v1:csat:1-10:0,0,0,0,0,0,0,0,0,9223372036854775807'), (3, NULL)" -c "CREATE MATERIALIZED VIEW tenure AS SELECT g % 3 AS segment, survival_summary(g % 40 + g * 0.001, g % 4 = 0) AS s FROM generate_series(1, 3000) g GROUP BY 1" -c "CREATE MATERIALIZED VIEW rfm AS SELECT g % 2 AS segment, rfm_fit(g % 97 * 0.1, g % 9, g * 1.37) AS model FROM generate_series(1, 2000) g GROUP BY 1"
\! f=$(mktemp) && pg_dump -Fc -d lk_dump_src -f "$f" && pg_restore -d lk_dump_dst "$f"; rm -f "$f"
\! q="SELECT string_agg(concat_ws('|', day, nps, csat, loyalty_kpi_internal.survey_summary_send(nps), loyalty_kpi_internal.survey_summary_send(csat)), ';' ORDER BY day) FROM daily UNION ALL SELECT string_agg(concat_ws('|', id, s, loyalty_kpi_internal.survey_summary_send(s)), ';' ORDER BY id) FROM kept UNION ALL SELECT string_agg(concat_ws('|', segment, s, loyalty_kpi_internal.survival_summary_send(s)), ';' ORDER BY segment) FROM tenure UNION ALL SELECT string_agg(concat_ws('|', segment, model, loyalty_kpi_internal.rfm_model_send(model)), ';' ORDER BY segment) FROM rfm"; a=$(psql -X -At -d lk_dump_src -c "$q"); b=$(psql -X -At -d lk_dump_dst -c "$q"); if [ -n "$a" ] && [ "$a" = "$b" ]; then echo "restored summaries are identical"; else echo "restored summaries DIFFER"; fi
-- the restored view still answers, and refreshes (its aggregates still work)
\! psql -X -d lk_dump_dst -c "SELECT count(*) AS days, responses(rollup(nps)), nps(rollup(nps)), csat(rollup(csat)) FROM daily" -c "REFRESH MATERIALIZED VIEW daily" -c "SELECT count(*) AS days, responses(rollup(nps)) FROM daily" -c "SELECT * FROM kept ORDER BY id" -c "SELECT segment, round(median_survival(s)::numeric, 3) AS median, at_risk(s, 0) FROM tenure ORDER BY segment" -c "REFRESH MATERIALIZED VIEW tenure" -c "SELECT segment, model, (rfm_score(model, 1, 5, 100)).* FROM rfm ORDER BY segment"
-- the same numbers straight from the raw rows, by plain SQL
\! psql -X -d lk_dump_src -c "SELECT count(*) AS answers, 100.0 * (count(*) FILTER (WHERE score >= 9) - count(*) FILTER (WHERE score <= 6)) / count(*) AS nps, 100.0 * count(*) FILTER (WHERE csat >= 4) / count(*) AS csat FROM answers"
DROP DATABASE lk_dump_src;
DROP DATABASE lk_dump_dst;
