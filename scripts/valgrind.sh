#!/usr/bin/env bash
# make valgrind: the pg_regress suite (sql/, expected/) against a PostgreSQL
# server (15, or LK_PG_MAJOR) running under valgrind's memcheck, then every error report whose
# stack passes through loyalty_kpi.so.  Debian's server is not built with
# USE_VALGRIND, so reports from PostgreSQL's own code are expected and left
# out; ours must be zero.  The server preloads pg_cron as the test cluster
# does.  Takes about 12 minutes on 2 cores (the README test loads the
# demo's data under valgrind); not part of the test command.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
LK_EXTRA_PACKAGES=valgrind bash scripts/setup.sh

bin=/usr/lib/postgresql/${LK_PG_MAJOR:-15}/bin
work=$(mktemp -d /tmp/loyalty_kpi_valgrind.XXXXXX)
chmod 755 "$work"
port=55432
# the server runs as the postgres system user (it refuses root)
as_postgres() { if [ "$(id -un)" = postgres ]; then "$@"; else runuser -u postgres -- "$@"; fi; }
chown postgres "$work"
as_postgres "$bin/initdb" -D "$work/data" -A trust -U postgres >/dev/null
started=$(date +%s)
as_postgres valgrind --tool=memcheck --quiet --error-limit=no --num-callers=40 \
    --leak-check=no --log-file="$work/valgrind.%p.log" \
    "$bin/postgres" -D "$work/data" -k "$work" -p "$port" -c listen_addresses= \
    -c max_worker_processes=16 -c max_parallel_workers=2 \
    -c shared_preload_libraries=pg_cron -c cron.database_name=lk_cron -c cron.use_background_workers=on \
    >"$work/server.log" 2>&1 &
server=$!
trap 'as_postgres "$bin/pg_ctl" -D "$work/data" -m immediate stop >/dev/null 2>&1 || true; wait "$server" 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do
    "$bin/pg_isready" -q -h "$work" -p "$port" && break
    sleep 1
done

regress=0
PGHOST=$work PGPORT=$port PGUSER=postgres make -s installcheck PG_CONFIG="$bin/pg_config" || regress=$?
as_postgres "$bin/pg_ctl" -D "$work/data" -m fast -t 600 stop >/dev/null
wait "$server" 2>/dev/null || true
trap - EXIT
elapsed=$(( $(date +%s) - started ))

# one report per block of "==pid==" lines between blank ones; ours have a
# frame in loyalty_kpi.so, named by its source file where it has debug info
ours_re="loyalty_kpi\\.so|\\(($(cd src && ls *.c | sed 's/\.c$//' | paste -sd'|'))\\.c:[0-9]+\\)"
ours=$(cat "$work"/valgrind.*.log | awk -v ours="$ours_re" '
    /^==[0-9]+== *$/ { if (block ~ ours) { print block; n++ } block = ""; next }
    { block = block $0 "\n" }
    END { if (block ~ ours) { print block; n++ } print n + 0 > "/dev/stderr" }' 2>"$work/count")
count=$(cat "$work/count")
total=$(cat "$work"/valgrind.*.log | grep -c '^==[0-9]*== [A-Z]' || true)
[ -n "$ours" ] && echo "$ours"
echo "valgrind: $count error reports in loyalty_kpi.so (of $total in all; the rest are PostgreSQL's own); pg_regress exit $regress; ${elapsed}s"
echo "logs: $work"
[ "$count" -eq 0 ] && [ "$regress" -eq 0 ]
