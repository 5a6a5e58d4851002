# Shared helpers for scripts/run.sh, scripts/test.sh and scripts/bench.sh (sourced, not run).
# shellcheck shell=bash

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CACHE="$ROOT/.cache"
VENV="${MOH_VENV:-$ROOT/.venv}"
mkdir -p "$CACHE"

log() { printf '[moh] %s\n' "$*" >&2; }
die() { printf '[moh] ERROR: %s\n' "$*" >&2; exit 1; }

# A Python 3.12 interpreter (the reference: wheels for everything, and the pins of
# requirements-dev.txt are 3.12's): $PYTHON, python3.12 on the PATH, or one managed by pyenv.
find_python() {
    local candidate version
    for candidate in "${PYTHON:-}" python3.12; do
        [ -n "$candidate" ] || continue
        if "$candidate" -c 'import sys; assert sys.version_info[:2] == (3, 12)' 2>/dev/null; then
            command -v "$candidate"; return 0
        fi
    done
    if command -v pyenv >/dev/null 2>&1; then
        for version in $(pyenv versions --bare 2>/dev/null | grep -E '^3\.12\.[0-9]+$' | sort -rV); do
            candidate="$(pyenv root)/versions/$version/bin/python3.12"
            [ -x "$candidate" ] && { echo "$candidate"; return 0; }
        done
    fi
    return 1
}

# Create or reuse the virtualenv and install requirements-dev.txt when it (or requirements.txt,
# or moh_core's pyproject) changed since the last install.
ensure_venv() {
    if [ ! -x "$VENV/bin/python" ]; then
        local python
        python=$(find_python) || die "Python 3.12 is needed (set PYTHON=/path/to/python3.12)."
        log "creating virtualenv $VENV with $python"
        "$python" -m venv "$VENV" || die "could not create the virtualenv"
        "$VENV/bin/pip" install -q --upgrade pip setuptools wheel || die "could not upgrade pip"
    fi
    local stamp="$VENV/.moh-requirements.sha256" digest
    digest=$(cat "$ROOT/requirements.txt" "$ROOT/requirements-dev.txt" "$ROOT/requirements-dev-nodeps.txt" \
        "$ROOT/requirements-oca.txt" "$ROOT/moh_core/pyproject.toml" | sha256sum | cut -d' ' -f1)
    if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$digest" ]; then
        log "installing requirements into $VENV"
        (cd "$ROOT" && "$VENV/bin/pip" install -q -r requirements-dev.txt \
            && "$VENV/bin/pip" install -q --no-deps -r requirements-oca.txt \
            && "$VENV/bin/pip" install -q --no-deps -r requirements-dev-nodeps.txt) || die "pip install failed"
        echo "$digest" > "$stamp"
    fi
}

# Odoo 19: $ODOO_PATH, else /opt/odoo, else an importable `odoo` in the virtualenv.
# Sets ODOO_BIN (a command line prefix) and ODOO_ADDONS; returns 1 with ODOO_MISSING set otherwise.
find_odoo() {
    ODOO_BIN="" ODOO_ADDONS="" ODOO_MISSING=""
    local tree
    for tree in "${ODOO_PATH:-}" /opt/odoo; do
        [ -n "$tree" ] || continue
        if [ "$tree" = "${ODOO_PATH:-}" ] && { [ ! -f "$tree/odoo-bin" ] || [ ! -f "$tree/odoo/release.py" ]; }; then
            # An explicit ODOO_PATH is obeyed: no silent fallback to another tree.
            ODOO_MISSING="ODOO_PATH=$tree is not an Odoo source tree (no odoo-bin)"; return 1
        fi
        if [ -f "$tree/odoo-bin" ] && [ -f "$tree/odoo/release.py" ]; then
            if ! grep -qE "^version_info = \(19, 0," "$tree/odoo/release.py"; then
                ODOO_MISSING="the Odoo tree at $tree is not 19.0"; return 1
            fi
            ODOO_BIN="$VENV/bin/python $tree/odoo-bin"
            ODOO_ADDONS="$tree/addons"
            ODOO_TREE="$tree"
            return 0
        fi
    done
    local addons
    if addons=$("$VENV/bin/python" - 2>/dev/null <<'PY'
import os, odoo.release, odoo.addons
assert odoo.release.version_info[:2] == (19, 0)
paths = [p for p in odoo.addons.__path__ if os.path.isdir(os.path.join(p, 'mail'))]
print(paths[0])
PY
    ); then
        ODOO_BIN="$VENV/bin/python -m odoo"
        ODOO_ADDONS="$addons"
        ODOO_TREE=""
        return 0
    fi
    ODOO_MISSING="no Odoo 19 found: ODOO_PATH is ${ODOO_PATH:-unset}, /opt/odoo has no odoo-bin, and the virtualenv cannot import odoo 19.0"
    return 1
}

# Debian packages the tests and the product use: fonts with Vietnamese glyphs for PDFs, poppler
# (pdfsig, pdftotext) and NSS's certutil as an independent PDF checker, SoftHSM as a PKCS#11 token, Chromium for
# browser tests. Installed when missing and we may (root with apt-get); otherwise a warning.

ensure_system_packages() {
    local missing=()
    [ -d /usr/share/fonts/truetype/liberation2 ] || missing+=(fonts-liberation2)
    [ -d /usr/share/fonts/truetype/noto ] || missing+=(fonts-noto-core)
    command -v pdfsig >/dev/null || missing+=(poppler-utils)
    command -v qpdf >/dev/null || missing+=(qpdf)
    compgen -G "/usr/lib/*/libmagic.so.1" >/dev/null || missing+=(libmagic1)
    command -v softhsm2-util >/dev/null || missing+=(softhsm2)
    command -v certutil >/dev/null || missing+=(libnss3-tools)
    command -v chromium >/dev/null || missing+=(chromium)
    command -v chromedriver >/dev/null || missing+=(chromium-driver)
    [ ${#missing[@]} -eq 0 ] && return 0
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        log "installing Debian packages: ${missing[*]}"
        { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"; } \
            >"$CACHE/apt.log" 2>&1 || log "WARNING: could not install ${missing[*]} (see $CACHE/apt.log)"
    else
        log "WARNING: missing Debian packages ${missing[*]}; tests that need them are skipped"
    fi
}

# A first Chromium start after installation reads its files from a cold disk cache and builds
# its font cache; Odoo's browser tests give Chrome only a short wait to start. Start it once,
# headless, before they run, and say how long that took.
warm_chromium() {
    command -v chromium >/dev/null || return 0
    local started=$SECONDS profile
    profile=$(mktemp -d)
    if timeout 120 chromium --headless --no-sandbox --disable-gpu --disable-dev-shm-usage \
        --user-data-dir="$profile" --dump-dom about:blank >/dev/null 2>&1; then
        log "Chromium started in $((SECONDS - started)) s (warm-up for the browser tests)"
    else
        log "WARNING: Chromium did not start within 120 s; the browser tests may be skipped"
    fi
    rm -rf "$profile"
}

free_port() {
    "$VENV/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# PostgreSQL: the server at $PGHOST:$PGPORT (default 127.0.0.1:5432) when it answers, else a
# private cluster under .cache/pgdata on a free port (stopped by stop_postgres).
# Sets PGHOST, PGPORT and DB_USER (a role that may create databases; Odoo refuses `postgres`).
PRIVATE_PG=""
ensure_postgres() {
    PGHOST=${PGHOST:-127.0.0.1}
    PGPORT=${PGPORT:-5432}
    DB_USER=${MOH_DB_USER:-moh}
    if [ -z "${MOH_PRIVATE_PG:-}" ] && pg_isready -q -h "$PGHOST" -p "$PGPORT" 2>/dev/null; then
        log "using PostgreSQL at $PGHOST:$PGPORT"
        if ! psql -h "$PGHOST" -p "$PGPORT" -U "$DB_USER" -d postgres -Atc 'select 1' >/dev/null 2>&1; then
            local admin
            for admin in postgres "$(id -un)"; do
                if psql -h "$PGHOST" -p "$PGPORT" -U "$admin" -d postgres -qc \
                    "CREATE ROLE \"$DB_USER\" LOGIN CREATEDB" >/dev/null 2>&1; then
                    log "created database role $DB_USER"; break
                fi
            done
            psql -h "$PGHOST" -p "$PGPORT" -U "$DB_USER" -d postgres -Atc 'select 1' >/dev/null 2>&1 \
                || die "cannot connect to PostgreSQL at $PGHOST:$PGPORT as $DB_USER (set MOH_DB_USER to a role with CREATEDB)"
        fi
        export PGHOST PGPORT
        return 0
    fi
    local bindir
    bindir=$(pg_config --bindir 2>/dev/null)
    [ -x "$bindir/initdb" ] || bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
    [ -x "$bindir/initdb" ] || die "no PostgreSQL reachable at $PGHOST:$PGPORT and no initdb to start one (install postgresql)"
    # Everything the server writes (data, socket, log) lives in one folder it owns.
    local dir="$CACHE/pg" run_as=()
    local data="$dir/data"
    mkdir -p "$dir"
    # initdb and postgres refuse to run as root: run them as the postgres system user then.
    if [ "$(id -u)" = 0 ]; then
        id postgres >/dev/null 2>&1 || die "running as root and no 'postgres' system user to run a private cluster"
        run_as=(runuser -u postgres --)
        chown postgres "$dir"
    fi
    PGHOST=127.0.0.1
    PGPORT=$(free_port)
    if [ ! -f "$data/PG_VERSION" ]; then
        log "initialising a private PostgreSQL cluster in $data"
        "${run_as[@]}" "$bindir/initdb" -D "$data" -U "$DB_USER" -A trust -E UTF8 --locale=C.UTF-8 >"$CACHE/initdb.log" 2>&1 \
            || die "initdb failed, see $CACHE/initdb.log"
    fi
    log "starting the private PostgreSQL cluster on port $PGPORT"
    "${run_as[@]}" "$bindir/pg_ctl" -D "$data" -l "$dir/postgres.log" -w \
        -o "-h 127.0.0.1 -p $PGPORT -k $dir" start >/dev/null \
        || die "the private PostgreSQL did not start, see $dir/postgres.log"
    PRIVATE_PG="$bindir/pg_ctl -D $data"
    PRIVATE_PG_RUN_AS="${run_as[*]}"
    export PGHOST PGPORT
}

stop_postgres() {
    if [ -n "$PRIVATE_PG" ]; then
        log "stopping the private PostgreSQL cluster"
        # shellcheck disable=SC2086
        $PRIVATE_PG_RUN_AS $PRIVATE_PG -m fast stop >/dev/null 2>&1 || true
        PRIVATE_PG=""
    fi
}

# The command line shared by every Odoo process the scripts start.
odoo_args() {
    echo "--addons-path=$ODOO_ADDONS,$ROOT/addons --db_host=$PGHOST --db_port=$PGPORT --db_user=$DB_USER --data-dir=$CACHE/odoo-data"
}
