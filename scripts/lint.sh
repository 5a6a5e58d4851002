#!/usr/bin/env bash
# The project's static checks, run by scripts/test.sh before the tests and by pre-commit
# (.pre-commit-config.yaml calls the single checks below):
#
#   ruff         ruff check .                  lint of every Python file (rules in ruff.toml)
#   ruff-format  ruff format --check .         the formatter's layout
#   pylint-odoo  pylint --rcfile=.pylintrc addons/moh_documents addons/moh_egov
#                                              OCA's Odoo checks (pylint_odoo plugin)
#   mypy         (cd moh_core && mypy)         strict typing of moh_core/src (moh_core/pyproject.toml)
#
# Usage:
#   scripts/lint.sh                  every check; prints "LINT ruff=ok ... mypy=ok", exits non-zero on any failure
#   scripts/lint.sh CHECK [FILE...]  one check (ruff and ruff-format on the given files, if any)
#   scripts/lint.sh --fix            ruff format, then ruff's automatic fixes
# The tools are pinned in requirements-dev.txt and run from the virtualenv ($MOH_VENV or .venv),
# which scripts/test.sh creates and keeps up to date.
set -uo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"
cd "$ROOT"

BIN="$VENV/bin"
for tool in ruff pylint mypy; do
    [ -x "$BIN/$tool" ] || die "$BIN/$tool is missing: run scripts/test.sh once, or $BIN/pip install -r requirements-dev.txt"
done

run_check() {
    local check=$1; shift
    case "$check" in
        ruff) "$BIN/ruff" check --force-exclude "${@:-.}" ;;
        ruff-format) "$BIN/ruff" format --check --force-exclude "${@:-.}" ;;
        pylint-odoo) "$BIN/pylint" --rcfile=.pylintrc addons/moh_documents addons/moh_egov ;;
        mypy) (cd moh_core && "$BIN/mypy") ;;
        *) die "unknown check: $check (ruff, ruff-format, pylint-odoo, mypy)" ;;
    esac
}

if [ "${1:-}" = "--fix" ]; then
    "$BIN/ruff" format . && "$BIN/ruff" check --fix .
    exit
fi
if [ $# -gt 0 ]; then
    run_check "$@"
    exit
fi

summary="LINT" failed=0
for check in ruff ruff-format pylint-odoo mypy; do
    log "lint: $check"
    if run_check "$check"; then
        summary="$summary $check=ok"
    else
        summary="$summary $check=failed"; failed=1
    fi
done
echo "$summary"
[ "$failed" -eq 0 ]
