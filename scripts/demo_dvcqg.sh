#!/usr/bin/env bash
# The demo with a national public service portal: the local double of DVCQG
# (moh_core.testing.dvcqg_portal: the adapter, the sign-in, the payment platform, the pull) runs
# in the background, and the demo database is linked to it in one go
# (moh.exchange.peer._moh_use_local_national_portal), nothing to copy by hand.
#
#   scripts/demo_dvcqg.sh [start]      start the double (again, if it runs) and link $MOH_DB to it
#   scripts/demo_dvcqg.sh push [FILE]  file a dossier on the portal and push it to the product
#                                      (FILE in the push format; default: a sample dossier)
#   scripts/demo_dvcqg.sh stop         stop the double
#
# Start the product first with scripts/run.sh (MOH_DEMO=1), and keep it running. The double
# listens on 127.0.0.1 ports 8996-8999; its journal (kept across restarts), log and settings are
# under .cache/dvcqg-demo. Environment:
#   MOH_DB                 the database (default moh, as scripts/run.sh)
#   MOH_HTTP_PORT          the product's port (default 8069)
#   MOH_DVCQG_SIGN_IN_AS   whom the portal's sign-in approves: citizen (default), business, vneid...
#   MOH_DVCQG_PROCEDURE    the national code of the sample dossier's procedure (default 1.002088)
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"
cd "$ROOT"

MOH_DB=${MOH_DB:-moh}
ODOO_URL="http://localhost:${MOH_HTTP_PORT:-8069}"
SIGN_IN_AS=${MOH_DVCQG_SIGN_IN_AS:-citizen}
PROCEDURE=${MOH_DVCQG_PROCEDURE:-1.002088}
STATE="$CACHE/dvcqg-demo"
PID_FILE="$STATE/portal.pid"
PY="$VENV/bin/python"
export PYTHONPATH="$ROOT/moh_core/src${PYTHONPATH:+:$PYTHONPATH}"
mkdir -p "$STATE"

# The double's process id, when it runs (a stale pid file, or a pid now another program's, is not it).
portal_pid() {
    local pid
    [ -s "$PID_FILE" ] || return 1
    pid=$(cat "$PID_FILE")
    ps -o args= -p "$pid" 2>/dev/null | grep -q 'moh_core.testing.dvcqg_portal' || return 1
    echo "$pid"
}

stop_portal() {
    local pid
    if pid=$(portal_pid); then
        kill "$pid"
        for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        log "stopped the local national portal"
    fi
    rm -f "$PID_FILE"
}

start_portal() {
    ensure_venv
    find_odoo || die "$ODOO_MISSING. Set ODOO_PATH to an Odoo 19.0 source tree."
    [ -f "$CACHE/odoo.conf" ] || die "run scripts/run.sh (MOH_DEMO=1) once first"
    ensure_postgres
    trap stop_postgres EXIT
    local installed
    installed=$(psql -U "$DB_USER" -d "$MOH_DB" -Atc \
        "SELECT 1 FROM ir_module_module WHERE name = 'moh_egov' AND state = 'installed'" 2>/dev/null || true)
    [ "$installed" = 1 ] || die "database $MOH_DB has no moh_egov: run scripts/run.sh (MOH_DB=$MOH_DB) first"
    stop_portal
    # The adapter's catalogue knows the database's procedures (their national codes).
    psql -U "$DB_USER" -d "$MOH_DB" -Atf scripts/demo_dvcqg_catalogue.sql >"$STATE/catalogue.json"
    rm -f "$STATE/settings.json"
    log "starting the local national portal on 127.0.0.1:8996-8999 (log: $STATE/portal.log)"
    nohup "$PY" -m moh_core.testing.dvcqg_portal --odoo-url "$ODOO_URL" --journal "$STATE/journal.jsonl" \
        --catalogue "$STATE/catalogue.json" --settings-json "$STATE/settings.json" \
        --sign-in-as "$SIGN_IN_AS" >"$STATE/portal.log" 2>&1 &
    echo $! >"$PID_FILE"
    for _ in $(seq 100); do
        [ -s "$STATE/settings.json" ] && break
        portal_pid >/dev/null || { tail -n 20 "$STATE/portal.log" >&2; die "the local national portal did not start"; }
        sleep 0.1
    done
    [ -s "$STATE/settings.json" ] || die "the local national portal wrote no settings (see $STATE/portal.log)"
    log "linking database $MOH_DB to it"
    # shellcheck disable=SC2046
    MOH_DVCQG_SETTINGS="$STATE/settings.json" MOH_DVCQG_ODOO_URL="$ODOO_URL" MOH_DVCQG_TOKEN="$STATE/push-token" \
        $ODOO_BIN shell -c "$CACHE/odoo.conf" $(odoo_args) -d "$MOH_DB" --log-level=warn <<'PY'
import json, os

with open(os.environ["MOH_DVCQG_SETTINGS"], encoding="utf-8") as handle:
    settings = json.load(handle)
done = env["moh.exchange.peer"]._moh_use_local_national_portal(settings, public_url=os.environ["MOH_DVCQG_ODOO_URL"])
env.cr.commit()
env.registry.signal_changes()  # the running server reads the new parameters
descriptor = os.open(os.environ["MOH_DVCQG_TOKEN"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
with os.fdopen(descriptor, "w") as handle:
    handle.write(done["inbound_token"] + "\n")
print(f"[moh] procedures updated from the portal's catalogue: {done['procedures_updated']}")
if done["procedures_unknown"]:
    print("[moh] WARNING: not in the portal's catalogue, not synced:", ", ".join(done["procedures_unknown"]))
PY
    cat <<EOF
The demo is linked to the local national portal (stop it: scripts/demo_dvcqg.sh stop).
  Sign in: $ODOO_URL/web/login, "Sign in with VNeID / the National Public Service Portal": the
    portal approves at once as '$SIGN_IN_AS' (MOH_DVCQG_SIGN_IN_AS to change it, then start again).
  Pay a fee: on a dossier waiting for its fee (My Dossiers), pay with "National Public Service
    Portal" and press Pay on the platform's page; the platform confirms it to the product.
  Sync: each step of a dossier (motcua accepts, refuses...) is sent to the portal; its journal:
    $STATE/journal.jsonl (DongBoHoSoMC, CapNhatTienDoHoSoMC).
  File a dossier on the portal: scripts/demo_dvcqg.sh push [dossier.json]; it reaches the
    one-stop shop (login motcua) as filed on the national portal.
EOF
}

push_dossier() {
    portal_pid >/dev/null || die "the local national portal is not running: scripts/demo_dvcqg.sh start"
    [ -s "$STATE/push-token" ] || die "no token to push with: scripts/demo_dvcqg.sh start"
    local file=${1:-}
    if [ -z "$file" ]; then
        file="$STATE/dossier-$(date +%Y%m%d-%H%M%S).json"
        "$PY" - "$file" "$PROCEDURE" <<'PY'
import base64, datetime as dt, json, sys

from moh_core.demo import make_pdf

path, procedure = sys.argv[1:3]
now = dt.datetime.now()
dossier = {
    "MaHoSo": f"G15.99-{now:%y%m%d}-{now:%H%M%S}",
    "MaTTHC": procedure,
    "ChuHoSo": "Công ty TNHH Dược phẩm Sao Mai",
    "LoaiDoiTuong": "2",
    "MaSoThue": "0319998887",
    "Email": "saomai@example.vn",
    "SoDienThoai": "0281234567",
    "DiaChi": "5 Nguyễn Huệ, TP. Hồ Chí Minh",
    "TaiLieuNop": [
        {
            "TenTepDinhKem": "don-de-nghi.pdf",
            "MaThanhPhanHoSo": "TP1",
            "Base64": base64.b64encode(make_pdf("Đơn đề nghị — Công ty TNHH Dược phẩm Sao Mai")).decode(),
        }
    ],
}
with open(path, "w", encoding="utf-8") as handle:
    json.dump(dossier, handle, ensure_ascii=False, indent=2)
PY
    fi
    # A second portal, on free ports, files and pushes it (the running one's sync then inserts it).
    "$PY" -m moh_core.testing.dvcqg_portal --odoo-url "$ODOO_URL" --sync-port 0 --idp-port 0 --payment-port 0 \
        --inbound-port 0 --push "$file" --push-token="$(cat "$STATE/push-token")" --once | grep '^push ' || true
}

case "${1:-start}" in
    start) start_portal ;;
    push) shift; push_dossier "$@" ;;
    stop) stop_portal ;;
    *) die "usage: scripts/demo_dvcqg.sh [start|push [FILE]|stop]" ;;
esac
