#!/usr/bin/env bash
# Scale benchmark, run inside a cluster by scripts/bench.sh: one KPI of
# each family at SIZES rows (default 1, 3 and 10 million), beside the floor
# (a bare count() scan, or a bare GROUP BY customer_id for the summary)
# and the plain SQL an analyst writes, all in one run.  Prints nanoseconds
# per row at each size, so that anyone sees the cost is linear, and for
# the grouped families the memory per group (the HashAggregate's own peak,
# work_mem high enough that nothing spills).  Writes bench/scale.dat and,
# with gnuplot, bench/scale.png: time against rows for us, the plain SQL
# and the floor, one panel a family.
set -euo pipefail
SIZES=${SIZES:-"1000000 3000000 10000000"}
RUNS=${RUNS:-3}
db=lk_bench_scale
here=$(dirname "${BASH_SOURCE[0]}")
source "$here/lib.bash"
data="$here/scale.dat"
: >"$data"

# family | label | query, for each family: floor first, then plain, then ours
queries() {
    cat <<'Q'
survey|floor: count(score)|SELECT count(score) FROM surveys
survey|plain: 100.0 * (count FILTER >= 9 - count FILTER <= 6) / count|SELECT 100.0 * (count(*) FILTER (WHERE score >= 9) - count(*) FILTER (WHERE score <= 6)) / count(score) FROM surveys
survey|nps_agg(score)|SELECT nps_agg(score) FROM surveys
repeat|floor: count(customer_id)|SELECT count(customer_id) FROM orders
repeat|plain: GROUP BY customer_id, then FILTER share|SELECT 100.0 * count(*) FILTER (WHERE n >= 2) / count(*) FROM (SELECT customer_id, count(*) AS n FROM orders GROUP BY 1) c
repeat|repeat_purchase_rate(customer_id)|SELECT repeat_purchase_rate(customer_id) FROM orders
repeat-text|floor: count(customer_code)|SELECT count(customer_code) FROM orders
repeat-text|plain: GROUP BY customer_code, then FILTER share|SELECT 100.0 * count(*) FILTER (WHERE n >= 2) / count(*) FROM (SELECT customer_code, count(*) AS n FROM orders GROUP BY 1) c
repeat-text|repeat_purchase_rate(customer_code)|SELECT repeat_purchase_rate(customer_code) FROM orders
summary|floor: GROUP BY customer_id, count(*)|SELECT sum(n) FROM (SELECT customer_id, count(*) AS n FROM orders GROUP BY 1) c
summary|plain: purchase days, first/last day, join for the first day's spend|WITH days AS (SELECT customer_id, ordered_on AS day, sum(amount) AS spent FROM orders GROUP BY 1, 2), firsts AS (SELECT customer_id, min(day) AS first_day, max(day) AS last_day, count(*) - 1 AS x, sum(spent) AS total FROM days GROUP BY 1) SELECT count(*), sum(f.x), sum((f.last_day - f.first_day) / 7.0), sum((date '2025-01-01' - f.first_day) / 7.0), sum(CASE WHEN f.x > 0 THEN (f.total - d.spent) / f.x END) FROM firsts f JOIN days d ON d.customer_id = f.customer_id AND d.day = f.first_day
summary|btyd_summary(...) GROUP BY customer_id|SELECT count(*), sum((s).frequency), sum((s).recency), sum((s).age), sum((s).monetary_value) FROM (SELECT btyd_summary(ordered_on, amount, '2025-01-01', '7 days') AS s FROM orders GROUP BY customer_id) c
retention|floor: count(acquired_at)|SELECT count(acquired_at) FROM orders
retention|plain: (E - N) / S from three count FILTERs|SELECT 100.0 * (count(*) FILTER (WHERE acquired_at < '2024-07-01' AND (churned_at IS NULL OR churned_at >= '2024-07-01')) - count(*) FILTER (WHERE acquired_at >= '2024-06-01' AND acquired_at < '2024-07-01')) / nullif(count(*) FILTER (WHERE acquired_at < '2024-06-01' AND (churned_at IS NULL OR churned_at >= '2024-06-01')), 0) FROM orders
retention|retention_rate(acquired_at, churned_at, start, end)|SELECT retention_rate(acquired_at, churned_at, '2024-06-01', '2024-07-01') FROM orders
survival|floor: count(days)|SELECT count(days) FROM orders
survival|plain: product-limit curve with Greenwood|WITH per_time AS (SELECT days, count(*) FILTER (WHERE churned) AS d, count(*) AS leaving FROM orders GROUP BY days), risk AS (SELECT days, d, sum(leaving) OVER (ORDER BY days DESC) AS n FROM per_time) SELECT count(*) FROM (SELECT days, exp(sum(ln(greatest(n - d, 1e-300)::float8 / n)) OVER (ORDER BY days)) AS s, sum(d::float8 / greatest(n * (n - d), 1)) OVER (ORDER BY days) AS g FROM risk) km
survival|survival_summary(days, churned)|SELECT survival_summary(days, churned) FROM orders
Q
}

for n in $SIZES; do
    dropdb --if-exists "$db"
    createdb "$db"
    # one table, one row an order; a customer places about 5 orders, so
    # customers = rows / 5; every family reads its own columns
    psql -X -q -d "$db" <<SQL
CREATE EXTENSION loyalty_kpi;
SELECT setseed(0.5) \g /dev/null
CREATE UNLOGGED TABLE orders AS
SELECT c AS customer_id, 'C-' || lpad(c::text, 9, '0') AS customer_code,
       date '2024-01-01' + floor(random() * 365)::int AS ordered_on, round((5 + random() * 200)::numeric, 2) AS amount,
       floor(random() * 11)::int AS score,
       a AS acquired_at, CASE WHEN random() < 0.5 THEN NULL ELSE a + random() * interval '700 days' END AS churned_at,
       least(3650, floor(-ln(1 - random()) * 400))::int AS days, random() < 0.4 AS churned
FROM (SELECT 1 + floor(random() * ($n / 5))::bigint AS c,
             timestamptz '2022-01-01' + random() * interval '1095 days' AS a
      FROM generate_series(1, $n)) x;
ALTER TABLE orders RENAME TO surveys_and_orders;
CREATE VIEW surveys AS SELECT * FROM surveys_and_orders;
CREATE VIEW orders AS SELECT * FROM surveys_and_orders;
VACUUM ANALYZE surveys_and_orders;
SQL
    while IFS='|' read -r family label query; do
        ms=$(median_ms "$serial SET work_mem = '1GB';" "$query")
        echo "$family|$label|$n|$ms" >>"$data"
        echo "  measured $family / $label at $n rows" >&2
    done < <(queries)
    # memory per group of the grouped summary: the HashAggregate's peak over the customers
    kb=$(hashagg_peak_kb "$serial SET work_mem = '4GB';" \
        "SELECT count((s).frequency) FROM (SELECT btyd_summary(ordered_on, amount, '2025-01-01', '7 days') AS s FROM orders GROUP BY customer_id) c")
    floor_kb=$(hashagg_peak_kb "$serial SET work_mem = '4GB';" \
        "SELECT sum(s) FROM (SELECT count(*) AS s FROM orders GROUP BY customer_id) c")
    customers=$(psql -X -q -At -d "$db" -c "SELECT count(DISTINCT customer_id) FROM orders")
    echo "memory|btyd_summary GROUP BY customer_id|$n|$kb|$floor_kb|$customers" >>"$data"
done
dropdb "$db"

echo
echo "Scale: nanoseconds per row (median of $RUNS runs; serial; work_mem 1GB), rows = orders, customers = rows / 5"
awk -F'|' -v sizes="$SIZES" '
    BEGIN { ns = split(sizes, size, " ") }
    $1 != "memory" { key = $1 "|" $2; if (!(key in seen)) { seen[key] = 1; order[++k] = key } t[key "|" $3] = $4 }
    $1 == "memory" { mem[$3] = $4; memfloor[$3] = $5; cust[$3] = $6 }
    END {
        printf "%-12s %-66s", "family", "query"
        for (i = 1; i <= ns; i++) printf " %9s", size[i] / 1e6 "M ns"
        printf " %9s\n", "last/first"
        for (j = 1; j <= k; j++) {
            split(order[j], f, "|")
            printf "%-12s %-66s", f[1], substr(f[2], 1, 66)
            for (i = 1; i <= ns; i++) printf " %9.1f", t[order[j] "|" size[i]] * 1e6 / size[i]
            printf " %9.2f\n", (t[order[j] "|" size[ns]] / size[ns]) / (t[order[j] "|" size[1]] / size[1])
        }
        print ""
        print "Memory per customer of btyd_summary GROUP BY customer_id (HashAggregate peak), beside GROUP BY count(*):"
        for (i = 1; i <= ns; i++)
            printf "  %s rows, %d customers: %.0f bytes a customer (count(*): %.0f)\n", size[i], cust[size[i]],
                   mem[size[i]] * 1024 / cust[size[i]], memfloor[size[i]] * 1024 / cust[size[i]]
    }' "$data"

if command -v gnuplot >/dev/null; then
    plot="$here/scale.png"
    {
        echo "set terminal pngcairo noenhanced size 1500,900 font ',10'; set output '$plot'"
        echo "set multiplot layout 2,3 title 'loyalty_kpi: seconds against rows, beside the plain SQL and the floor (serial, median of $RUNS)'"
        echo "set key top left; set xlabel 'rows (millions)'; set ylabel 'seconds'; set grid; set xrange [0:*]; set yrange [0:*]"
        for family in survey repeat repeat-text summary retention survival; do
            echo "set title '$family'"
            echo "plot '-' using 1:2 with linespoints title 'floor', '-' using 1:2 with linespoints title 'plain SQL', '-' using 1:2 with linespoints lw 2 title 'loyalty_kpi'"
            for kind in floor plain ours; do
                awk -F'|' -v f="$family" -v kind="$kind" '
                    $1 == f { k = ($2 ~ /^floor/) ? "floor" : ($2 ~ /^plain/) ? "plain" : "ours"
                              if (k == kind && !(($3) in done)) { done[$3] = 1; printf "%g %g\n", $3 / 1e6, $4 / 1000 } }' "$data"
                echo "e"
            done
        done
        echo "unset multiplot"
    } | gnuplot
    echo "Chart: $plot"
fi
