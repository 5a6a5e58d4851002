#!/usr/bin/env bash
# Fill a database with a year of plausible history, for the benchmarks and for trying the
# dashboards on a ministry's volume: scripts/demo_volume.sh [options]
#
# Runs the moh_demo_volume Odoo command (addons/moh_documents/cli/moh_demo_volume.py) on $MOH_DB
# (default moh), which must have moh_documents and moh_egov installed (scripts/run.sh installs
# them). Options (defaults): --documents 30000 --dossiers 3000 --tasks 3000 --days 365 --seed 1.
# Tasks are written only when a tasks module is installed. The history ends yesterday; the same
# seed gives the same history; each run adds to what is there.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
cd "$ROOT"

MOH_DB=${MOH_DB:-moh}
ensure_venv
find_odoo || die "$ODOO_MISSING. Set ODOO_PATH to an Odoo 19.0 source tree."
ensure_postgres
trap stop_postgres EXIT
installed=$(psql -U "$DB_USER" -d "$MOH_DB" -Atc \
    "SELECT 1 FROM ir_module_module WHERE name = 'moh_documents' AND state = 'installed'" 2>/dev/null || true)
[ "$installed" = 1 ] || die "database $MOH_DB has no moh_documents: run scripts/run.sh (MOH_DB=$MOH_DB) first"
# The addons path first: Odoo finds an addon's command only with it.
args=$(odoo_args)
addons_path=${args%% *}
rest=${args#* }
log "writing a year of history into $MOH_DB"
# shellcheck disable=SC2086
PYTHONPATH="$ROOT/moh_core/src${PYTHONPATH:+:$PYTHONPATH}" $ODOO_BIN "$addons_path" moh_demo_volume $rest -d "$MOH_DB" "$@"
