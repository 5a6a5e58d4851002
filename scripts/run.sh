#!/usr/bin/env bash
# Run the product on a local Odoo 19.0 source tree (ODOO_PATH, else /opt/odoo), without docker.
#
# The first run creates the database ($MOH_DB, default "moh") with both addons, demo data and
# Vietnamese; later runs start it as it is. Uses the PostgreSQL at 127.0.0.1:5432 when it
# answers, else starts a private one under .cache/ (stopped when Odoo stops).
# Extra arguments go to Odoo, e.g. `scripts/run.sh --dev=xml`.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
cd "$ROOT"

MOH_DB=${MOH_DB:-moh}
ensure_venv
find_odoo || die "$ODOO_MISSING. Set ODOO_PATH to an Odoo 19.0 source tree."
ensure_postgres
trap stop_postgres EXIT

installed=$(psql -U "$DB_USER" -d "$MOH_DB" -Atc \
    "SELECT 1 FROM ir_module_module WHERE name = 'moh_egov' AND state = 'installed'" 2>/dev/null || true)
# shellcheck disable=SC2046
if [ "$installed" != 1 ]; then
    log "installing moh_documents and moh_egov with demo data and Vietnamese into database $MOH_DB"
    $ODOO_BIN -c config/odoo.local.conf $(odoo_args) -d "$MOH_DB" \
        -i moh_documents,moh_egov,payment_demo --with-demo --load-language=vi_VN --stop-after-init --http-port="$(free_port)"
fi

port=${MOH_HTTP_PORT:-8069}
log "Odoo on http://${MOH_HTTP_INTERFACE:-127.0.0.1}:$port (database $MOH_DB); demo logins in README.md"
# shellcheck disable=SC2046
$ODOO_BIN -c config/odoo.local.conf $(odoo_args) -d "$MOH_DB" --db-filter="^${MOH_DB}\$" \
    --http-interface="${MOH_HTTP_INTERFACE:-127.0.0.1}" --http-port="$port" "$@"
