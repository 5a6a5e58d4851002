#!/usr/bin/env bash
# Command of the docker image: wait for PostgreSQL, install moh_documents and moh_egov on first
# start (database missing, empty, or install not finished), then run Odoo in the foreground.
# Extra arguments are passed to the final Odoo server command.
set -euo pipefail

ODOO_CONF="${ODOO_RC:-/etc/odoo/odoo.conf}"
MOH_DB="${MOH_DB:-moh}"
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
    echo "Database '$MOH_DB' $why: installing moh_documents and moh_egov" \
         "with demo data and Vietnamese (vi_VN). This takes a few minutes."
    # workers=0: a one-shot run needs no prefork server nor the HTTP port.
    odoo -c "$ODOO_CONF" "${DB_ARGS[@]}" -d "$MOH_DB" \
        -i moh_documents,moh_egov,payment_demo --with-demo --load-language=vi_VN \
        --workers=0 --stop-after-init
    echo "Initialisation of '$MOH_DB' finished."
fi

echo "Starting Odoo on database '$MOH_DB'."
# The filter follows MOH_DB so the web client only ever sees this database.
exec odoo -c "$ODOO_CONF" "${DB_ARGS[@]}" -d "$MOH_DB" --db-filter="^${MOH_DB}\$" "$@"
