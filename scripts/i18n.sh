#!/usr/bin/env bash
# Refresh the addons' translation files: install both addons in a scratch database with
# Vietnamese loaded, then export each module's template (<module>.pot) and vi.po into its i18n/
# folder. Existing Vietnamese translations are kept; new strings come out with an empty msgstr
# for a translator (tests/test_translations.py fails until every one is translated).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
cd "$ROOT"
ensure_venv
ensure_postgres
find_odoo || die "$ODOO_MISSING"
DB="moh_i18n_$$"
trap 'psql -U "$DB_USER" -d postgres -qc "DROP DATABASE IF EXISTS \"$DB\"" >/dev/null 2>&1; rm -rf "$CACHE/odoo-data/filestore/$DB" "$CACHE/odoo-data/moh_demo_pki/$DB" "$CACHE/odoo-data/moh_exchange/$DB"; stop_postgres' EXIT
# shellcheck disable=SC2046
$ODOO_BIN $(odoo_args) -d "$DB" -i moh_documents,moh_egov,payment_demo --with-demo --load-language=vi_VN --stop-after-init \
    --http-interface=127.0.0.1 --http-port="$(free_port)" --log-level=warn
# The i18n command reads its connection from a configuration file.
conf="$CACHE/i18n.conf"
printf '[options]\naddons_path = %s\ndb_host = %s\ndb_port = %s\ndb_user = %s\ndata_dir = %s\n' \
    "$ODOO_ADDONS,$ROOT/addons" "$PGHOST" "$PGPORT" "$DB_USER" "$CACHE/odoo-data" > "$conf"
# Odoo exports the strings of Python code untranslated: keep the translations we had.
keep="$CACHE/i18n-keep"
rm -rf "$keep"; mkdir -p "$keep"
for module in moh_documents moh_egov; do
    [ -f "addons/$module/i18n/vi.po" ] && cp "addons/$module/i18n/vi.po" "$keep/$module.po"
done
# shellcheck disable=SC2086
$ODOO_BIN --addons-path="$ODOO_ADDONS,$ROOT/addons" i18n export -c "$conf" -d "$DB" -l pot vi_VN -- moh_documents moh_egov
"$VENV/bin/python" scripts/i18n_merge.py "$keep" moh_documents moh_egov
ls -l addons/*/i18n/
