#!/usr/bin/env bash
# Run one benchmark: scripts/bench.sh <name>. Each benchmark is scripts/bench/<name>.sh or
# scripts/bench/<name>.py; it measures the product and a baseline in the same run and prints as
# its last line: BENCH <name> ratio=<product/baseline> target=<x> <figures>.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
cd "$ROOT"

available() { find scripts/bench -maxdepth 1 \( -name '*.sh' -o -name '*.py' \) -printf '%f\n' 2>/dev/null | sed 's/\.[a-z]*$//' | sort; }
name=${1:-}
if [ -z "$name" ]; then
    echo "usage: scripts/bench.sh <name>; available: $(available | tr '\n' ' ')" >&2
    exit 2
fi
shift
ensure_venv
ensure_postgres
trap stop_postgres EXIT
find_odoo || log "Odoo not found ($ODOO_MISSING): benchmarks that need it will fail"
export MOH_ODOO_BIN="${ODOO_BIN:-}" MOH_ODOO_ARGS="$(odoo_args)" MOH_DB_USER_NAME="$DB_USER" PGHOST PGPORT
if [ -f "scripts/bench/$name.sh" ]; then
    bash "scripts/bench/$name.sh" "$@"; exit $?
elif [ -f "scripts/bench/$name.py" ]; then
    "$VENV/bin/python" "scripts/bench/$name.py" "$@"; exit $?
fi
die "no benchmark '$name'; available: $(available | tr '\n' ' ')"
