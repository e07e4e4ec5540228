# Shared by the bench/*.sh scripts (sourced, not run): timing and the ratio
# table.  Each script sets db and RUNS, calls bench for every query, then
# report.  JIT is off in both settings so compile time does not blur
# per-row costs.
serial="SET jit = off; SET max_parallel_workers_per_gather = 0;"
parallel="SET jit = off; SET max_parallel_workers_per_gather = 2; SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0;"

# median milliseconds of RUNS runs of a query, after one warm-up run
median_ms() {
    { echo "$1"; echo '\timing on'; for _ in $(seq 0 "$RUNS"); do echo "$2;"; done; } |
        psql -X -q -d "$db" | grep '^Time:' | tail -n +2 | awk '{print $2}' | sort -n |
        awk '{ t[NR] = $1 } END { print t[int((NR + 1) / 2)] }'
}

results=$(mktemp)
trap 'rm -f "$results"' EXIT
# bench GROUP LABEL SETTINGS QUERY: one line group|label|median ms; the
# labels starting "floor" and "plain" are their group's references
bench() { echo "$1|$2|$(median_ms "$3" "$4")" >>"$results"; echo "  measured $1 / $2" >&2; }

# report TITLE: the table of medians and ratios to the group's floor and plain SQL
report() {
    echo
    echo "$1"
    awk -F'|' '
        { group[NR] = $1; label[NR] = $2; ms[NR] = $3 }
        $2 ~ /^floor/ { floor_ms[$1] = $3 }
        $2 ~ /^plain/ && !($1 in plain_ms) { plain_ms[$1] = $3 }
        END {
            printf "%-14s %-72s %9s %9s %9s\n", "group", "query", "ms", "/floor", "/plain"
            for (i = 1; i <= NR; i++) {
                printf "%-14s %-72s %9.1f", group[i], label[i], ms[i]
                # a group may lack a plain reference (R not installed): a dash, not a division by zero
                if (floor_ms[group[i]] > 0) printf " %9.2f", ms[i] / floor_ms[group[i]]; else printf " %9s", "-"
                if (plain_ms[group[i]] > 0) printf " %9.2f\n", ms[i] / plain_ms[group[i]]; else printf " %9s\n", "-"
            }
        }' "$results"
}

# hashagg_peak_kb SETTINGS QUERY: the top HashAggregate's peak memory (kB),
# the executor's own count from EXPLAIN ANALYZE; for a parallel plan that is
# the Finalize node, above the Gather
hashagg_peak_kb() {
    psql -X -q -At -d "$db" -c "$1" -c "EXPLAIN (ANALYZE, FORMAT JSON, COSTS OFF, TIMING OFF) $2" |
        grep -m1 '"Peak Memory Usage"' | grep -o '[0-9]*'
}

# fit_evaluations QUERY...: each fit's DEBUG1 line (the optimizer's time,
# its evaluations of the likelihood, and the time of one)
fit_evaluations() {
    for q in "$@"; do
        psql -X -q -d "$db" -c "SET client_min_messages = debug1" -c "$serial" -c "$q" 2>&1 >/dev/null |
            grep -o '[a-z_]*_fit: .*'
    done
}

# comma_list WORD...: the words joined by commas (a bash array as SQL array contents)
comma_list() { local IFS=,; echo "$*"; }

# parameter_recovery FROM NAMES TRUE [SETTINGS]: for the model m that FROM
# (a FROM item) gives, each parameter's true value, estimate, standard
# error, (estimate - true) / se, and whether the fit converged.  NAMES are
# the parameters' names quoted ('r', 'alpha'), TRUE their true values.
parameter_recovery() {
    psql -X -q -d "$db" <<SQL
${4:-}
SELECT n AS parameter, t AS true_value, round(parameter(m, n)::numeric, 4) AS estimate,
       round(standard_error(m, n)::numeric, 4) AS standard_error,
       round(((parameter(m, n) - t) / standard_error(m, n))::numeric, 2) AS z, converged(m)
FROM $1, unnest(ARRAY[$2], ARRAY[$3]::float8[]) AS p(n, t);
SQL
}
