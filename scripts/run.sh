#!/usr/bin/env bash
# Run the product on a local Odoo 19.0 source tree (ODOO_PATH, else /opt/odoo), without docker.
#
# The first run creates the database ($MOH_DB, default "moh") with both addons and Vietnamese;
# later runs start it as it is. Uses the PostgreSQL at 127.0.0.1:5432 when it answers, else
# starts a private one under .cache/ (stopped when Odoo stops).
# Extra arguments go to Odoo, e.g. `scripts/run.sh --dev=xml`.
#
# Environment:
#   MOH_DB               the database (default moh)
#   MOH_DEMO=1           install the demo data on the first run (demo users whose password is
#                        their login, see README.md; the demo payment provider; a test PKI).
#                        Without it: no demo data at all.
#   MOH_ADMIN_PASSWORD   the administrator's password, set on the first run; without it one is
#                        generated and printed once (with MOH_DEMO=1 the demo's "admin" stays).
#   MOH_MASTER_PASSWORD  the master password (admin_passwd); without it one is generated on the
#                        first run, kept in .cache/master-password and printed once.
#   MOH_HTTP_INTERFACE, MOH_HTTP_PORT   where Odoo listens (default 127.0.0.1:8069)
# `scripts/run.sh --print-install-command` prints the first run's install arguments and exits.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
cd "$ROOT"

MOH_DB=${MOH_DB:-moh}
MOH_DEMO=${MOH_DEMO:-0}

# The modules and data of the first install: demo data only when asked for.
install_args() {
    if [ "$MOH_DEMO" = 1 ]; then
        echo "-i moh_documents,moh_egov,payment_demo --with-demo --load-language=vi_VN"
    else
        echo "-i moh_documents,moh_egov --load-language=vi_VN"
    fi
}

if [ "${1:-}" = --print-install-command ]; then
    echo "odoo-bin -c $CACHE/odoo.conf -d $MOH_DB $(install_args) --stop-after-init"
    exit 0
fi

new_secret() { "$VENV/bin/python" -c 'import secrets; print(secrets.token_urlsafe(18))'; }

ensure_venv

# The master password: Odoo runs with a copy of config/odoo.local.conf (readable by this user
# only) whose admin_passwd is MOH_MASTER_PASSWORD, or the one generated on the first run.
master_file="$CACHE/master-password"
if [ -n "${MOH_MASTER_PASSWORD:-}" ]; then
    master="$MOH_MASTER_PASSWORD"
elif [ -s "$master_file" ]; then
    master=$(cat "$master_file")
else
    master=$(new_secret)
    (umask 077 && printf '%s\n' "$master" >"$master_file")
    log "generated the master password (database management): $master"
    log "it is shown only this once; it is kept in $master_file"
fi
(umask 077 && MOH_MASTER="$master" "$VENV/bin/python" - config/odoo.local.conf "$CACHE/odoo.conf" <<'PY'
import os, re, sys

source, target = sys.argv[1:3]
with open(source, encoding="utf-8") as handle:
    lines = handle.read().splitlines()
line = "admin_passwd = " + os.environ["MOH_MASTER"]
pattern = re.compile(r"^\s*admin_passwd\s*=")
lines = [line if pattern.match(l) else l for l in lines]
if line not in lines:
    lines.insert(lines.index("[options]") + 1, line)
with open(target, "w", encoding="utf-8") as handle:
    handle.write("\n".join(lines) + "\n")
PY
)
unset master

find_odoo || die "$ODOO_MISSING. Set ODOO_PATH to an Odoo 19.0 source tree."
ensure_postgres
trap stop_postgres EXIT

installed=$(psql -U "$DB_USER" -d "$MOH_DB" -Atc \
    "SELECT 1 FROM ir_module_module WHERE name = 'moh_egov' AND state = 'installed'" 2>/dev/null || true)
# shellcheck disable=SC2046
if [ "$installed" != 1 ]; then
    if [ "$MOH_DEMO" = 1 ]; then what="with demo data (MOH_DEMO=1)"; else what="without demo data"; fi
    log "installing moh_documents and moh_egov $what and Vietnamese into database $MOH_DB"
    $ODOO_BIN -c "$CACHE/odoo.conf" $(odoo_args) -d "$MOH_DB" $(install_args) --stop-after-init --http-port="$(free_port)"
    # The administrator's password: never Odoo's default "admin" outside the demo.
    if [ -n "${MOH_ADMIN_PASSWORD:-}" ] || [ "$MOH_DEMO" != 1 ]; then
        admin_password=${MOH_ADMIN_PASSWORD:-$(new_secret)}
        MOH_NEW_ADMIN_PASSWORD="$admin_password" $ODOO_BIN shell -c "$CACHE/odoo.conf" $(odoo_args) -d "$MOH_DB" \
            --log-level=warn <<'PY'
import os
env.ref("base.user_admin").password = os.environ["MOH_NEW_ADMIN_PASSWORD"]
env.cr.commit()
PY
        if [ -z "${MOH_ADMIN_PASSWORD:-}" ]; then
            log "administrator: login 'admin', password: $admin_password"
            log "it is shown only this once: change it after the first login"
        fi
        unset admin_password
    fi
fi

port=${MOH_HTTP_PORT:-8069}
if [ "$MOH_DEMO" = 1 ]; then logins="demo logins in README.md"; else logins="log in as admin"; fi
log "Odoo on http://${MOH_HTTP_INTERFACE:-127.0.0.1}:$port (database $MOH_DB); $logins"
# shellcheck disable=SC2046
$ODOO_BIN -c "$CACHE/odoo.conf" $(odoo_args) -d "$MOH_DB" --db-filter="^${MOH_DB}\$" \
    --http-interface="${MOH_HTTP_INTERFACE:-127.0.0.1}" --http-port="$port" "$@"
