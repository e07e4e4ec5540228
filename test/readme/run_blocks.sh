#!/usr/bin/env bash
# Every ```sql block of README.md, run in order in one database holding the
# demo's tables (demo/*.sql), as a reader trying them one after another
# would: "ok - block N" or "NOT OK - block N" with the error, then a count.
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

awk -v dir="$work" '
    /^```sql/ { n++; file = sprintf("%s/block_%02d.sql", dir, n); inside = 1; printf "" > file; next }
    /^```/    { inside = 0; next }
    inside    { print > file }' README.md
blocks=0
failed=0
for block in "$work"/block_*.sql; do
    blocks=$((blocks + 1))
    if out=$(run -f "$block"); then
        echo "ok - block $blocks"
    else
        failed=$((failed + 1))
        echo "NOT OK - block $blocks: $(echo "$out" | grep -m1 ERROR)"
    fi
done
echo "README: $blocks SQL blocks, $failed failed"
