#!/usr/bin/env bash
# Every ```sql block of README.md and docs/*.md, run in order in one
# database holding the demo's tables (demo/*.sql), as a reader trying them
# one after another would: "ok - PAGE block N" or "NOT OK - PAGE block N"
# with the error, then a count; a page of docs/ the list leaves out fails.
# Run by sql/17_readme.sql (pg_regress compares the lines).  Usage:
# run_blocks.sh DBNAME, from the repository's top folder; the database must
# allow CREATE EXTENSION pg_cron (the README schedules a refresh with it).
set -uo pipefail
db=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

run() { psql -X -q -v ON_ERROR_STOP=1 -d "$db" "$@" -o /dev/null 2>&1; }
run -c 'CREATE EXTENSION loyalty_kpi' -c 'CREATE EXTENSION pg_cron' >/dev/null || { echo "NOT OK - set-up"; exit 0; }
for demo in demo/surveys.sql demo/customers.sql demo/clv.sql; do
    run -f "$demo" >/dev/null || { echo "NOT OK - loading $demo"; exit 0; }
done

# README.md, then the reference pages in the order they were one file
# (a later page's examples may use what an earlier one made)
pages="README.md docs/surveys.md docs/customer-base.md docs/program.md docs/clv.md docs/survival.md
       docs/cox.md docs/cohorts.md docs/conventions.md docs/performance.md docs/distributed.md docs/install.md
       docs/security.md docs/development.md"
missing=$(comm -13 <(echo $pages | tr ' ' '\n' | sort) <(ls docs/*.md README.md | grep -v CHANGELOG | sort))
[ -z "$missing" ] || echo "NOT OK - pages not run: $missing"
total=0
total_failed=0
for page in $pages; do
    rm -f "$work"/block_*.sql
    awk -v dir="$work" '
        /^```sql/ { n++; file = sprintf("%s/block_%03d.sql", dir, n); inside = 1; printf "" > file; next }
        /^```/    { inside = 0; next }
        inside    { print > file }' "$page"
    blocks=0
    failed=0
    for block in "$work"/block_*.sql; do
        [ -e "$block" ] || continue
        blocks=$((blocks + 1))
        if out=$(run -f "$block"); then
            echo "ok - $page block $blocks"
        else
            failed=$((failed + 1))
            echo "NOT OK - $page block $blocks: $(echo "$out" | grep -m1 ERROR)"
        fi
    done
    total=$((total + blocks))
    total_failed=$((total_failed + failed))
done
# every function and aggregate a user calls has an example somewhere (not
# those behind a cast, an operator or a hash opclass: ::jsonb, =, GROUP BY)
awk '/^```sql/ { inside = 1; next } /^```/ { inside = 0; next } inside' $pages >"$work/examples.sql"
without=0
for name in $(psql -X -At -d "$db" -c "
    SELECT DISTINCT p.proname FROM pg_proc p
    JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e'
    JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'loyalty_kpi'
    WHERE p.pronamespace = 'public'::regnamespace
      AND p.oid NOT IN (SELECT castfunc FROM pg_cast) AND p.oid NOT IN (SELECT oprcode::oid FROM pg_operator)
      AND p.oid NOT IN (SELECT amproc::oid FROM pg_amproc)
    ORDER BY 1"); do
    grep -qw -- "$name" "$work/examples.sql" || { echo "NOT OK - no example of $name"; without=$((without + 1)); }
done
echo "README and docs: $total SQL blocks, $total_failed failed; $without functions without an example"
