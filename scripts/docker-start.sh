#!/usr/bin/env bash
# Command of the docker image: wait for PostgreSQL, install moh_documents and moh_egov on first
# start (database missing, empty, or install not finished), then run Odoo in the foreground.
# Extra arguments are passed to the final Odoo server command.
#
# Environment:
#   MOH_DB               the database (default moh)
#   MOH_DEMO=1           install the demo data (demo users whose password is their login, the
#                        demo payment provider, a test PKI). Without it: no demo data at all.
#   MOH_ADMIN_PASSWORD   the administrator's password, set on first install; without it one is
#                        generated and printed once (with MOH_DEMO=1 the demo's "admin" stays).
#   MOH_MASTER_PASSWORD  the master password (database management, admin_passwd); without it one
#                        is generated on the first start, kept in the data volume, printed once.
# `docker-start.sh --print-install-command` prints the first install's Odoo command and exits.
set -euo pipefail

ODOO_CONF="${ODOO_RC:-/etc/odoo/odoo.conf}"
MOH_DB="${MOH_DB:-moh}"
MOH_DEMO="${MOH_DEMO:-0}"
MOH_DATA_DIR="${MOH_DATA_DIR:-/var/lib/odoo}"

# The modules and data of the first install: demo data only when asked for.
install_args() {
    if [[ "$MOH_DEMO" == 1 ]]; then
        echo "-i moh_documents,moh_egov,payment_demo --with-demo --load-language=vi_VN"
    else
        echo "-i moh_documents,moh_egov --load-language=vi_VN"
    fi
}

if [[ "${1:-}" == --print-install-command ]]; then
    echo "odoo -c $ODOO_CONF -d $MOH_DB $(install_args) --workers=0 --stop-after-init"
    exit 0
fi

new_secret() { python3 -c 'import secrets; print(secrets.token_urlsafe(18))'; }

# The master password: never the placeholder of the mounted configuration. Odoo runs with a copy
# of it (readable by the odoo user only) whose admin_passwd is MOH_MASTER_PASSWORD, or the one
# generated on the first start and kept in the data volume.
master_file="$MOH_DATA_DIR/.moh-master-password"
if [[ -n "${MOH_MASTER_PASSWORD:-}" ]]; then
    master="$MOH_MASTER_PASSWORD"
elif [[ -s "$master_file" ]]; then
    master="$(<"$master_file")"
else
    master="$(new_secret)"
    (umask 077 && printf '%s\n' "$master" >"$master_file")
    echo "Generated the master password (database management): $master"
    echo "It is shown only this once; it is kept in $master_file inside the odoo-data volume."
fi
runtime_conf="$MOH_DATA_DIR/odoo.conf"
(umask 077 && MOH_MASTER="$master" python3 - "$ODOO_CONF" "$runtime_conf" <<'PY'
import os, re, sys

source, target = sys.argv[1:3]
with open(source, encoding="utf-8") as handle:
    lines = handle.read().splitlines()
line = "admin_passwd = " + os.environ["MOH_MASTER"]
pattern = re.compile(r"^\s*admin_passwd\s*=")
if any(pattern.match(l) for l in lines):
    lines = [line if pattern.match(l) else l for l in lines]
else:
    at = lines.index("[options]") + 1 if "[options]" in lines else 0
    lines[at:at] = (["[options]"] if at == 0 else []) + [line]
with open(target, "w", encoding="utf-8") as handle:
    handle.write("\n".join(lines) + "\n")
PY
)
unset master
ODOO_CONF="$runtime_conf"
if [[ -n "${PASSWORD_FILE:-}" ]]; then
    PASSWORD="$(<"$PASSWORD_FILE")"
fi
# Same defaults as the official image's entrypoint.
export ODOO_CONF MOH_DB
export HOST="${HOST:-db}" PORT="${PORT:-5432}" USER="${USER:-odoo}" PASSWORD="${PASSWORD:-odoo}"

# Odoo gives the config file precedence: pass the environment's values only for what it lacks.
DB_ARGS=()
for pair in db_host:HOST db_port:PORT db_user:USER db_password:PASSWORD; do
    key="${pair%%:*}" var="${pair#*:}"
    if ! grep -qE "^[[:space:]]*${key}[[:space:]]*=" "$ODOO_CONF"; then
        DB_ARGS+=("--${key}=${!var}")
    fi
done

# Connection settings resolved the same way (config file first, then environment).
# "wait": retry for up to 60 s. "state": print missing | empty | partial | ready for MOH_DB.
DB_PY='
import configparser, os, sys, time
import psycopg2

cfg = configparser.RawConfigParser()
cfg.read(os.environ["ODOO_CONF"])
opts = dict(cfg.items("options")) if cfg.has_section("options") else {}

def pick(key, env):
    value = opts.get(key)
    return value if value not in (None, "", "False") else os.environ[env]

params = dict(host=pick("db_host", "HOST"), port=pick("db_port", "PORT"),
              user=pick("db_user", "USER"), password=pick("db_password", "PASSWORD"))
db = os.environ["MOH_DB"]

if sys.argv[1] == "wait":
    deadline = time.monotonic() + 60
    while True:
        try:
            psycopg2.connect(dbname="postgres", **params).close()
            sys.exit(0)
        except psycopg2.OperationalError as exc:
            if time.monotonic() > deadline:
                sys.exit("PostgreSQL at %s:%s not reachable after 60 s: %s"
                         % (params["host"], params["port"], exc))
            time.sleep(1)

conn = psycopg2.connect(dbname="postgres", **params)
with conn.cursor() as cr:
    cr.execute("SELECT 1 FROM pg_database WHERE datname = %s", (db,))
    exists = cr.fetchone() is not None
conn.close()
if not exists:
    print("missing")
    sys.exit(0)
conn = psycopg2.connect(dbname=db, **params)
with conn.cursor() as cr:
    cr.execute("SELECT to_regclass(%s)", ("public.ir_module_module",))
    if cr.fetchone()[0] is None:
        print("empty")
    else:
        cr.execute("SELECT 1 FROM ir_module_module WHERE name = %s AND state = %s",
                   ("moh_egov", "installed"))
        print("ready" if cr.fetchone() else "partial")
conn.close()
'

echo "Waiting for PostgreSQL..."
python3 -c "$DB_PY" wait
echo "PostgreSQL is up."

state="$(python3 -c "$DB_PY" state)"
if [[ "$state" == ready ]]; then
    echo "Database '$MOH_DB': moh_egov is installed, skipping initialisation."
else
    case "$state" in
        missing) why="does not exist" ;;
        empty) why="exists but has no Odoo tables" ;;
        *) why="has moh_egov not (fully) installed" ;;
    esac
    if [[ "$MOH_DEMO" == 1 ]]; then what="with demo data (MOH_DEMO=1)"; else what="without demo data"; fi
    echo "Database '$MOH_DB' $why: installing moh_documents and moh_egov" \
         "$what and Vietnamese (vi_VN). This takes a few minutes."
    # workers=0: a one-shot run needs no prefork server nor the HTTP port.
    # shellcheck disable=SC2046
    odoo -c "$ODOO_CONF" "${DB_ARGS[@]}" -d "$MOH_DB" $(install_args) --workers=0 --stop-after-init
    # The administrator's password: never Odoo's default "admin" outside the demo.
    if [[ -n "${MOH_ADMIN_PASSWORD:-}" || "$MOH_DEMO" != 1 ]]; then
        admin_password="${MOH_ADMIN_PASSWORD:-$(new_secret)}"
        MOH_NEW_ADMIN_PASSWORD="$admin_password" odoo shell -c "$ODOO_CONF" "${DB_ARGS[@]}" -d "$MOH_DB" \
            --workers=0 --log-level=warn <<'PY'
import os
env.ref("base.user_admin").password = os.environ["MOH_NEW_ADMIN_PASSWORD"]
env.cr.commit()
PY
        if [[ -z "${MOH_ADMIN_PASSWORD:-}" ]]; then
            echo "Administrator: login 'admin', password: $admin_password"
            echo "It is shown only this once: change it after the first login."
        fi
        unset admin_password
    fi
    echo "Initialisation of '$MOH_DB' finished."
fi

echo "Starting Odoo on database '$MOH_DB'."
# The filter follows MOH_DB so the web client only ever sees this database.
exec odoo -c "$ODOO_CONF" "${DB_ARGS[@]}" -d "$MOH_DB" --db-filter="^${MOH_DB}\$" "$@"
