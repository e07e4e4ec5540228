#!/usr/bin/env bash
# Instructions per row, where wall time on this noisy machine cannot
# decide: each query runs in a single-user backend (postgres --single, one
# process, nothing else in it) under valgrind --tool=callgrind, and its
# instruction count, less that of the same backend running SELECT 1, is
# divided by the rows, with callgrind's cycle estimate beside it.  Every
# survey aggregate and answer type beside count(score), the floor, and the
# plain SQL; and retention_after beside its plain SQL.  Run by scripts/bench.sh (or alone, as root or as a user who
# can run initdb); needs valgrind.
set -euo pipefail
ROWS=${ROWS:-1000000}
bindir=$(pg_config --bindir 2>/dev/null || echo /usr/lib/postgresql/15/bin)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
as_owner() { if [ "$(id -u)" = 0 ]; then su postgres -c "$1"; else bash -c "$1"; fi; }
[ "$(id -u)" = 0 ] && chown postgres "$work"
as_owner "$bindir/initdb -D $work/data -A trust --no-sync >/dev/null"

# the data, loaded by a single-user backend without valgrind
as_owner "$bindir/postgres --single -D $work/data -c fsync=off postgres >/dev/null" <<SQL
CREATE EXTENSION loyalty_kpi;
SELECT setseed(0.5);
CREATE TABLE surveys AS SELECT floor(random() * 11)::int AS score, 1 + floor(random() * 5)::int AS csat, 1 + floor(random() * 7)::int AS effort, 1 + floor(random() * 6)::int AS r1, 1 + floor(random() * 6)::int AS r2, 1 + floor(random() * 6)::int AS r3 FROM generate_series(1, $ROWS);
ALTER TABLE surveys ADD COLUMN score_smallint smallint, ADD COLUMN score_bigint bigint, ADD COLUMN score_numeric numeric, ADD COLUMN score_real real, ADD COLUMN score_double double precision;
UPDATE surveys SET score_smallint = score, score_bigint = score, score_numeric = score, score_real = score, score_double = score;
VACUUM FULL surveys;
VACUUM ANALYZE surveys;
CREATE TABLE customers AS SELECT a AS acquired_at, CASE WHEN random() < 0.5 THEN NULL ELSE a + random() * interval '700 days' END AS churned_at FROM (SELECT timestamptz '2022-01-01' + random() * interval '1095 days' AS a FROM generate_series(1, $ROWS)) x;
VACUUM ANALYZE customers;
SQL

# instructions QUERY: "Ir CEst" of QUERY run warm: a single-user backend
# (jit and parallel off) running it twice, less one running it once, so
# start-up, catalog lookups and the first read of the table drop out.
# CEst is callgrind's own cycle estimate from its cache and branch
# simulation (Ir + 10 x first-level misses and mispredicted branches + 100
# x last-level misses): what instructions alone would hide, such as a
# data-dependent branch a row, shows there.
instructions() {
    local out="$work/callgrind.out" q1 q2
    run() {
        { printf 'SET jit = off;\nSET max_parallel_workers_per_gather = 0;\n'; for _ in $(seq "$2"); do printf '%s;\n' "$1"; done; } |
            as_owner "valgrind --tool=callgrind --cache-sim=yes --branch-sim=yes --callgrind-out-file=$out $bindir/postgres --single -D $work/data -c fsync=off postgres" >/dev/null 2>&1
        awk '/^events:/ { for (i = 2; i <= NF; i++) name[i] = $i }
             /^summary:/ { for (i = 2; i <= NF; i++) e[name[i]] = $i
                 printf "%d %d\n", e["Ir"], e["Ir"] + 10 * (e["I1mr"] + e["D1mr"] + e["D1mw"] + e["Bcm"] + e["Bim"]) + 100 * (e["ILmr"] + e["DLmr"] + e["DLmw"]) }' "$out"
        rm -f "$out"
    }
    q1=$(run "$1" 1)
    q2=$(run "$1" 2)
    echo "$q1 $q2" | awk '{ print $3 - $1, $4 - $2 }'
}

echo
echo "Instructions per row (callgrind, single-user backend, $ROWS rows, warm: a second run less the first), and callgrind's cycle estimate:"
printf "  %-62s %8s %8s %8s %11s\n" "query" "per row" "floor" "/floor" "cycles est."
row() {	# row LABEL COLUMN QUERY [TABLE]: beside count(COLUMN) of TABLE (surveys), the floor for that column
    local ir floor
    ir=$(instructions "$3")
    floor=$(instructions "SELECT count($2) FROM ${4:-surveys}")
    echo "$ir $floor" | awk -v l="$1" -v n="$ROWS" '{
        printf "  %-62s %8.1f %8.1f %8.3f %11.3f\n", l, $1 / n, $3 / n, $1 / $3, $2 / $4 }'
}
row "plain: 100.0 * (count FILTER >= 9 - count FILTER <= 6) / count" score \
    "SELECT 100.0 * (count(*) FILTER (WHERE score >= 9) - count(*) FILTER (WHERE score <= 6)) / count(score) FROM surveys"
row "nps_agg(score), integer" score "SELECT nps_agg(score) FROM surveys"
for t in smallint bigint numeric real double; do
    row "nps_agg(score_$t), a $t column" "score_$t" "SELECT nps_agg(score_$t) FROM surveys"
done
row "nps_summary(score)" score "SELECT nps_summary(score) FROM surveys"
row "csat_agg(csat, 5)" csat "SELECT csat_agg(csat, 5) FROM surveys"
row "ces_agg(effort)" effort "SELECT ces_agg(effort) FROM surveys"
row "cli_score(r1, r2, r3)" "r1 + r2 + r3" "SELECT cli_score(r1, r2, r3) FROM surveys"
# N-month retention (1.12): one calendar addition a row, where the plain SQL needs two
row "plain: 100.0 * avg(retained::int) FILTER (measurable), 3 months" acquired_at \
    "SELECT 100.0 * avg((churned_at IS NULL OR churned_at > acquired_at + interval '3 months')::int) FILTER (WHERE acquired_at + interval '3 months' <= '2025-01-01') FROM customers" customers
row "retention_after(acquired_at, churned_at, '3 months', as_of)" acquired_at \
    "SELECT retention_after(acquired_at, churned_at, '3 months', '2025-01-01') FROM customers" customers
