#!/usr/bin/env bash
# loyalty_kpi on a real Citus cluster: a coordinator and two workers on
# 127.0.0.1, in a temporary directory, each with loyalty_kpi installed.
# The aggregates whose states Citus combines across nodes are run on
# distributed tables and compared with the same aggregates over a local
# copy of the rows (the answer must be the same), and the plans are
# checked to aggregate partially on the workers.
#
# Run by hand: Citus is not in Debian, so CI cannot install it.  It needs
# Citus built or installed for this PostgreSQL (Citus 13 pairs with
# PostgreSQL 15 to 17, Citus 14 with 16 to 18) and loyalty_kpi installed
# (make install).  Without Citus it says so and exits 0.
#
#   bash scripts/citus.sh [MAJOR]        (default 15)
#
# Ends with "N passed, N failed"; exits non-zero on a failure.
set -uo pipefail
major=${1:-15}
bin=/usr/lib/postgresql/$major/bin
sharedir=$("$bin/pg_config" --sharedir 2>/dev/null || true)
if [ ! -f "$sharedir/extension/citus.control" ]; then
    echo "citus.sh: Citus is not installed for PostgreSQL $major ($sharedir/extension/citus.control): nothing run"
    exit 0
fi
if [ ! -f "$sharedir/extension/loyalty_kpi.control" ]; then
    echo "citus.sh: loyalty_kpi is not installed for PostgreSQL $major: run make install first"
    exit 1
fi

# the servers run as postgres, which cannot start from root's temporary files
dir=$(mktemp -d /tmp/lk_citus.XXXXXX)
chown postgres: "$dir"
as_postgres() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
ports=(55430 55431 55432)
cleanup() {
    for i in 0 1 2; do as_postgres "$bin/pg_ctl" -D "$dir/node$i" -m immediate stop >/dev/null 2>&1; done
    rm -rf "$dir"
}
trap cleanup EXIT

for i in 0 1 2; do
    as_postgres "$bin/initdb" -D "$dir/node$i" -U postgres --auth trust --no-sync >/dev/null || exit 1
    # every node in one time zone: Citus does not pass the session's to the workers (README)
    as_postgres "$bin/pg_ctl" -D "$dir/node$i" -l "$dir/node$i.log" -w start \
        -o "-p ${ports[$i]} -k $dir -c listen_addresses=127.0.0.1 -c shared_preload_libraries=citus -c timezone=UTC" \
        >/dev/null || { cat "$dir/node$i.log"; exit 1; }
    as_postgres "$bin/psql" -X -q -h "$dir" -p "${ports[$i]}" -U postgres -d postgres \
        -c "CREATE EXTENSION citus" -c "CREATE EXTENSION loyalty_kpi" || exit 1
done
coordinator() { as_postgres "$bin/psql" -X -q -At -v ON_ERROR_STOP=0 -h "$dir" -p "${ports[0]}" -U postgres -d postgres "$@"; }
coordinator -c "SELECT citus_set_coordinator_host('127.0.0.1', ${ports[0]})" \
            -c "SELECT citus_add_node('127.0.0.1', ${ports[1]})" -c "SELECT citus_add_node('127.0.0.1', ${ports[2]})" >/dev/null
echo "Citus $(coordinator -c "SELECT extversion FROM pg_extension WHERE extname = 'citus'") on PostgreSQL $major:" \
     "$(coordinator -c "SELECT count(*) FROM pg_dist_node WHERE noderole = 'primary' AND groupid > 0") workers"

# The rows, each table distributed by id and kept locally too (local_*)
coordinator <<'SQL' >/dev/null
CREATE TYPE tier_level AS ENUM ('bronze', 'silver', 'gold', 'platinum');
CREATE TABLE local_rows AS
SELECT g AS id, g % 11 AS score, 1 + g % 5 AS csat,
       timestamptz '2024-01-01 00:00+00' + (g % 700) * interval '1 day' AS acquired_at,
       CASE WHEN g % 4 = 0 THEN timestamptz '2024-01-01 00:00+00' + (g % 700 + 30 + g % 200) * interval '1 day' END AS churned_at,
       (ARRAY['bronze', 'silver', 'gold', 'platinum', 'bronze'])[1 + g % 5] AS tier,
       (ARRAY['bronze', 'silver', 'gold', 'platinum', 'bronze'])[1 + g % 5]::tier_level AS tier_enum,
       (ARRAY['basic', 'plus', 'pro'])[1 + g % 3] AS plan,
       (g % 97 + g % 13 * 0.5)::float8 AS days, g % 3 <> 0 AS churned,
       (g % 500)::float8 AS issued, (g % 500 / 2)::float8 AS redeemed
FROM generate_series(1, 20000) g;
CREATE TABLE dist_rows (LIKE local_rows);
SELECT create_distributed_table('dist_rows', 'id');
INSERT INTO dist_rows SELECT * FROM local_rows;
-- stored summaries, one per plan and shard of customers, as a materialized rollup keeps them
CREATE TABLE local_summaries AS
SELECT id % 30 AS id, plan, survival_summary(days, churned) AS s FROM local_rows GROUP BY 1, 2;
CREATE TABLE dist_summaries (LIKE local_summaries);
SELECT create_distributed_table('dist_summaries', 'id');
INSERT INTO dist_summaries SELECT * FROM local_summaries;
-- support tickets, several per customer, distributed by customer beside dist_rows (co-located)
CREATE TABLE local_tickets AS SELECT g % 20000 + 1 AS id, g AS ticket FROM generate_series(1, 45000) g WHERE g % 7 <> 0;
CREATE TABLE dist_tickets (LIKE local_tickets);
SELECT create_distributed_table('dist_tickets', 'id', colocate_with => 'dist_rows');
INSERT INTO dist_tickets SELECT * FROM local_tickets;
SQL

passed=0
failed=0
# check NAME EXPRESSION [FROM-SUFFIX]: the expression over dist_* equals it over local_*,
# and the distributed plan aggregates on the workers (Citus's partial aggregation)
check() {
    local name=$1 expr=$2 from=${3:-rows}
    local got want plan
    got=$(coordinator -c "SELECT ($expr)::text FROM dist_$from" 2>&1)
    want=$(coordinator -c "SELECT ($expr)::text FROM local_$from" 2>&1)
    plan=$(coordinator -c "EXPLAIN (VERBOSE) SELECT ($expr) FROM dist_$from" 2>&1)
    if [ -n "$got" ] && ! grep -q "ERROR" <<<"$got" && [ "$got" = "$want" ] && grep -q "partial_agg" <<<"$plan"; then
        echo "ok - $name: the same on the cluster, aggregated partially on the workers"
        passed=$((passed + 1))
    else
        echo "not ok - $name"
        echo "  cluster: ${got:0:300}"
        echo "  local:   ${want:0:300}"
        grep -q "partial_agg" <<<"$plan" || echo "  the plan does not aggregate partially: ${plan:0:300}"
        failed=$((failed + 1))
    fi
}
check "nps_agg" "nps_agg(score)"
check "csat_summary" "csat_summary(csat, 5)"
check "retention_rate" "retention_rate(acquired_at, churned_at, '2024-06-01', '2024-09-01')"
check "churn_rate" "churn_rate(acquired_at, churned_at, '2024-06-01', '2024-09-01', 'start')"
check "retention_series" "retention_series(acquired_at, churned_at, '2024-01-01', '2025-01-01', '1 month')"
check "tier_distribution(text)" "tier_distribution(tier)"
check "redemption_rate" "redemption_rate(issued, redeemed, 'points')"
check "breakage" "breakage(issued, redeemed)"
check "survival_summary" "survival_summary(days, churned)"
check "logrank_test over stored summaries" "logrank_test(s)" summaries
check "rollup(survival_summary)" "rollup(s)" summaries

# tier_distribution over an enum: Citus cannot partially aggregate an
# anyenum argument.  What it answers is what the README says it does.
enum_got=$(coordinator -c "SELECT tier_distribution(tier_enum)::text FROM dist_rows" 2>&1)
enum_grouped=$(coordinator -c "SELECT string_agg(t::text, ';' ORDER BY id) FROM (SELECT id, tier_distribution(tier_enum) AS t FROM dist_rows WHERE id <= 3 GROUP BY id) x" 2>&1)
enum_local=$(coordinator -c "SELECT string_agg(t::text, ';' ORDER BY id) FROM (SELECT id, tier_distribution(tier_enum) AS t FROM local_rows WHERE id <= 3 GROUP BY id) x" 2>&1)
echo "# tier_distribution(enum) over a distributed table: ${enum_got:0:200}"
if [ "$enum_grouped" = "$enum_local" ]; then
    echo "ok - tier_distribution(enum) grouped by the distribution column runs on the workers"
    passed=$((passed + 1))
else
    echo "not ok - tier_distribution(enum) grouped by the distribution column: $enum_grouped / $enum_local"
    failed=$((failed + 1))
fi

# the README's way to the enum's order on a cluster: the labels as text, ordered by the enum after
enum_text=$(coordinator -c "SELECT string_agg(format('%s:%s', t.tier, t.members), ' ' ORDER BY t.tier::tier_level) FROM unnest((SELECT tier_distribution(tier::text) FROM dist_rows)) t" 2>&1)
enum_want=$(coordinator -c "SELECT string_agg(format('%s:%s', t.tier, t.members), ' ' ORDER BY ord) FROM unnest((SELECT tier_distribution(tier_enum) FROM local_rows)) WITH ORDINALITY t(tier, members, share, ord)" 2>&1)
if [ -n "$enum_text" ] && [ "$enum_text" = "$enum_want" ]; then
    echo "ok - tier_distribution(tier::text) ordered by the enum on the cluster = tier_distribution(enum) locally"
    passed=$((passed + 1))
else
    echo "not ok - tier_distribution(tier::text) ordered by the enum: $enum_text / $enum_want"
    failed=$((failed + 1))
fi

# Cox regression in two levels (docs/distributed.md): one row per customer
# on the workers (the join and GROUP BY on the distribution column), the
# fit on the coordinator; the model must be the local one to the bit
cox_rows() {
    echo "SELECT r.id, r.days, r.churned, r.csat::float8 AS csat, count(t.ticket)::float8 AS tickets
          FROM $1_rows r LEFT JOIN $1_tickets t USING (id) GROUP BY r.id, r.days, r.churned, r.csat"
}
cox_args="days, churned, ARRAY[csat, tickets], ARRAY['csat', 'tickets']"
cox_got=$(coordinator -c "SELECT md5(coxph_fit($cox_args)::text) FROM ($(cox_rows dist)) per_customer" 2>&1)
cox_want=$(coordinator -c "SELECT md5(coxph_fit($cox_args)::text) FROM ($(cox_rows local)) per_customer" 2>&1)
cox_plan=$(coordinator -c "EXPLAIN (VERBOSE) SELECT coxph_fit($cox_args) FROM ($(cox_rows dist)) per_customer" 2>&1)
if [ -n "$cox_got" ] && [ "$cox_got" = "$cox_want" ] && grep -q "GROUP BY r.id" <<<"$cox_plan"; then
    echo "ok - coxph_fit over per-customer rows grouped on the workers: the local model to the bit"
    passed=$((passed + 1))
else
    echo "not ok - coxph_fit in two levels: ${cox_got:0:200} / ${cox_want:0:200}"
    grep -q "GROUP BY r.id" <<<"$cox_plan" || echo "  the workers do not group by customer: ${cox_plan:0:400}"
    failed=$((failed + 1))
fi
# better where the covariates take few values: the workers count the customers of each distinct
# (days, churned, covariates), and the coordinator fits those with their counts as case weights;
# with Breslow ties that is the fit of every row (R's weighted Efron counts a row as one churn)
cox_close=$(coordinator -c "SELECT max(abs(w.coef - u.coef) / abs(u.coef)) < 1e-9 AND max(abs(w.std_error - u.std_error) / u.std_error) < 1e-9
    FROM coefficients((SELECT coxph_fit($cox_args, 'breslow', 'all', customers)
                       FROM (SELECT days, churned, csat, tickets, count(*)::float8 AS customers
                             FROM ($(cox_rows dist)) per_customer GROUP BY 1, 2, 3, 4) profiles)) w
    JOIN coefficients((SELECT coxph_fit($cox_args, 'breslow') FROM ($(cox_rows local)) per_customer)) u USING (term)" 2>&1)
cox_profiles=$(coordinator -c "SELECT count(*) FROM (SELECT days, churned, csat, tickets FROM ($(cox_rows dist)) c GROUP BY 1, 2, 3, 4) p" 2>&1)
if [ "$cox_close" = "t" ]; then
    echo "ok - coxph_fit (Breslow) over $cox_profiles distinct profiles with counts as case weights: the 20,000-row fit's coefficients and errors to 1e-9"
    passed=$((passed + 1))
else
    echo "not ok - coxph_fit over weighted profiles: $cox_close"
    failed=$((failed + 1))
fi

# why logrank_test has state functions of its own (1.11): 1.10's, PostgreSQL's array_append
# with no initial state, on the same cluster
coordinator -c "CREATE AGGREGATE logrank_test_110(survival_summary) (SFUNC = array_append, STYPE = survival_summary[],
                FINALFUNC = loyalty_kpi_internal.logrank_final, COMBINEFUNC = array_cat, PARALLEL = SAFE)" >/dev/null 2>&1
echo "# 1.10's logrank_test state (array_append) on the cluster: $(coordinator -c "SELECT logrank_test_110(s)::text FROM dist_summaries" 2>&1 | head -n 1)"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
