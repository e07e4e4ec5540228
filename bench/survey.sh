#!/usr/bin/env bash
# Survey KPI benchmark, run inside a cluster by scripts/bench.sh.
# Each aggregate beside the plain SQL an analyst writes for the same KPI and
# beside the floor (a bare scan with count()), in one run; prints the median
# of RUNS timed runs (after one warm-up) and the ratios (bench/lib.bash).
set -euo pipefail
ROWS=${ROWS:-10000000}
WINDOW_ROWS=${WINDOW_ROWS:-1000000}
RUNS=${RUNS:-5}
db=lk_bench
createdb "$db"
psql -X -q -d "$db" <<SQL
CREATE EXTENSION loyalty_kpi;
SELECT setseed(0.5) \g /dev/null
CREATE UNLOGGED TABLE surveys AS
SELECT g AS id, date '2025-01-01' + g % 730 AS day,
       (ARRAY['retail', 'online', 'partner', 'enterprise'])[1 + g % 4] AS segment,
       CASE WHEN random() < 0.03 THEN NULL ELSE floor(random() * 11)::int END AS score,
       1 + floor(random() * 5)::int AS csat, 1 + floor(random() * 7)::int AS effort,
       1 + floor(random() * 6)::int AS recommend, 1 + floor(random() * 6)::int AS repurchase,
       1 + floor(random() * 6)::int AS try_other
FROM generate_series(1, $ROWS) g;
CREATE UNLOGGED TABLE window_rows AS SELECT id, score FROM surveys WHERE id <= $WINDOW_ROWS;
CREATE MATERIALIZED VIEW daily AS SELECT day, segment, nps_summary(score) AS nps FROM surveys GROUP BY 1, 2;
VACUUM ANALYZE surveys;
VACUUM ANALYZE window_rows;
SQL

source "$(dirname "${BASH_SOURCE[0]}")/lib.bash"

t="FROM surveys"
bench nps-serial  "floor: count(score)" "$serial" "SELECT count(score) $t"
bench nps-serial  "plain: 100.0 * (count FILTER >= 9 - count FILTER <= 6) / count" "$serial" \
    "SELECT 100.0 * (count(*) FILTER (WHERE score >= 9) - count(*) FILTER (WHERE score <= 6)) / count(score) $t"
bench nps-serial  "nps_agg(score)" "$serial" "SELECT nps_agg(score) $t"
bench nps-serial  "nps(nps_summary(score))" "$serial" "SELECT nps(nps_summary(score)) $t"
bench nps-serial  "nps_agg(score::numeric)" "$serial" "SELECT nps_agg(score::numeric) $t"
bench nps-serial  "nps_agg(score::float8)" "$serial" "SELECT nps_agg(score::float8) $t"

bench nps-parallel "floor: count(score)" "$parallel" "SELECT count(score) $t"
bench nps-parallel "plain: 100.0 * (count FILTER >= 9 - count FILTER <= 6) / count" "$parallel" \
    "SELECT 100.0 * (count(*) FILTER (WHERE score >= 9) - count(*) FILTER (WHERE score <= 6)) / count(score) $t"
bench nps-parallel "nps_agg(score)" "$parallel" "SELECT nps_agg(score) $t"

bench csat "floor: count(csat)" "$serial" "SELECT count(csat) $t"
bench csat "plain: 100.0 * count FILTER (csat >= 4) / count(csat)" "$serial" \
    "SELECT 100.0 * count(*) FILTER (WHERE csat >= 4) / count(csat) $t"
bench csat "csat_agg(csat, 5)" "$serial" "SELECT csat_agg(csat, 5) $t"

bench ces "floor: count(effort)" "$serial" "SELECT count(effort) $t"
bench ces "plain: avg(effort)" "$serial" "SELECT avg(effort) $t"
bench ces "ces_agg(effort)" "$serial" "SELECT ces_agg(effort) $t"

bench cli "floor: count(recommend + repurchase + try_other)" "$serial" "SELECT count(recommend + repurchase + try_other) $t"
bench cli "plain: avg((recommend + repurchase + try_other) / 3.0)" "$serial" \
    "SELECT avg((recommend + repurchase + try_other) / 3.0) $t"
bench cli "cli_score(recommend, repurchase, try_other)" "$serial" "SELECT cli_score(recommend, repurchase, try_other) $t"

w="FROM window_rows WINDOW w AS (ORDER BY id ROWS BETWEEN 29 PRECEDING AND CURRENT ROW)"
bench window "floor: count(score) OVER w" "$serial" "SELECT sum(x) FROM (SELECT count(score) OVER w AS x $w) q"
bench window "plain: 100.0 * (count FILTER OVER w - count FILTER OVER w) / count OVER w" "$serial" \
    "SELECT sum(x) FROM (SELECT 100.0 * (count(*) FILTER (WHERE score >= 9) OVER w - count(*) FILTER (WHERE score <= 6) OVER w) / count(score) OVER w AS x $w) q"
bench window "nps_agg(score) OVER w" "$serial" "SELECT sum(x) FROM (SELECT nps_agg(score) OVER w AS x $w) q"

bench monthly "floor: count(score) GROUP BY month" "$serial" \
    "SELECT date_trunc('month', day), count(score) $t GROUP BY 1"
bench monthly "plain: NPS FILTER counts GROUP BY month" "$serial" \
    "SELECT date_trunc('month', day), 100.0 * (count(*) FILTER (WHERE score >= 9) - count(*) FILTER (WHERE score <= 6)) / count(score) $t GROUP BY 1"
bench monthly "nps(rollup(nps)) FROM daily summaries GROUP BY month" "$serial" \
    "SELECT date_trunc('month', day), nps(rollup(nps)) FROM daily GROUP BY 1"

report "Survey KPIs: $ROWS rows ($WINDOW_ROWS for the window), median of $RUNS runs, jit off"
awk -F'|' '$2 == "nps_agg(score)" { t[$1] = $3 }
    END { printf "\nnps_agg parallel speed-up over serial (2 workers): %.2fx\n", t["nps-serial"] / t["nps-parallel"] }' "$results"
