#!/usr/bin/env bash
# Mutation testing of the rules every deadline and every number rests on (not in CI, not run by
# scripts/test.sh: it takes minutes to hours): mutmut changes the code one small edit at a time
# (a `<` into `<=`, a `+ 1` into `+ 2`...) and runs the tests that cover it; a mutant the tests do
# not notice ("survived") is a rule no test pins. The equivalent mutants left are listed, with
# why, in docs/operations.md ("Mutation testing").
#
#   scripts/mutation.sh [calendar] [numbering] [clock]     (default: all three groups)
#
# moh_core/pyproject.toml ([tool.mutmut]) names the files mutated and the tests run; the groups
# below pick the functions whose mutants are run (mutmut's mutant-name globs). Results are kept in
# moh_core/mutants/ (ignored by git); `cd moh_core && mutmut show <name>` shows one mutant.
#
# Last line: MUTATION killed=N survived=N no_tests=N score=N.N% (killed / (killed + survived +
# no_tests); timeouts count as killed).
set -uo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

# The working-day calendar: all of it.
CALENDAR=(
    'moh_core.calendar.*'
)
# Numbers and symbols: the registers' numbering and rows, the document number and symbol, the
# copy's number, the dossier code. The registers' PDF rendering is not mutated (layout only).
NUMBERING=(
    'moh_core.documents.registers.x_format_register_*'
    'moh_core.documents.registers.xǁRegisterFormǁ*'
    'moh_core.documents.registers.xǁIncomingRegisterEntryǁ*'
    'moh_core.documents.registers.xǁOutgoingRegisterEntryǁ*'
    'moh_core.documents.registers.xǁDossierTrackingEntryǁ*'
    'moh_core.documents.pagekit.x_format_document_number*'
    'moh_core.documents.pagekit.x_format_number_symbol*'
    'moh_core.documents.pagekit.x_format_issue_date*'
    'moh_core.documents.pagekit.x_format_place_date*'
    'moh_core.documents.copies.x_format_copy_number*'
    'moh_core.onestop.codes.x_format_dossier_code*'
    'moh_core.onestop.codes.x_parse_dossier_code*'
)
# The dossier clock (deadlines, pauses, extensions, completeness, its refusals): the modules it
# lives in (the tests import from moh_core.onestop).
CLOCK=(
    'moh_core.onestop.clock.*'
    'moh_core.onestop.deadlines.*'
    'moh_core.onestop.completeness.*'
    'moh_core.onestop.problems.*'
)

groups=("$@")
[ ${#groups[@]} -gt 0 ] || groups=(calendar numbering clock)
selection=()
for group in "${groups[@]}"; do
    case "$group" in
        calendar) selection+=("${CALENDAR[@]}") ;;
        numbering) selection+=("${NUMBERING[@]}") ;;
        clock) selection+=("${CLOCK[@]}") ;;
        *) die "unknown group $group (calendar, numbering, clock)" ;;
    esac
done

if [ ! -x "$VENV/bin/mutmut" ]; then
    ensure_venv
    log "installing mutmut into $VENV"
    "$VENV/bin/pip" install -q 'mutmut==3.8.1' || die "could not install mutmut"
fi

cd "$ROOT/moh_core" || die "no moh_core/"
log "mutmut run on: ${groups[*]}"
# The mutants named are always run again (mutmut reuses no earlier verdict for them).
"$VENV/bin/mutmut" run "${selection[@]}" >"$CACHE/mutation.log" 2>&1
status=$?
if [ $status -ne 0 ]; then
    tail -n 40 "$CACHE/mutation.log" >&2
    die "mutmut failed (exit $status); full output in $CACHE/mutation.log"
fi

# Counts per file from mutmut's own records (mutants/<file>.meta), for the selected mutants only.
"$VENV/bin/python" - "${selection[@]}" <<'EOF'
import fnmatch
import json
import sys
from pathlib import Path

from mutmut.stats import status_by_exit_code

patterns = sys.argv[1:]
totals = {"killed": 0, "survived": 0, "no_tests": 0}
survivors = []
for meta in sorted(Path("mutants/src").rglob("*.py.meta")):
    codes = json.loads(meta.read_text())["exit_code_by_key"]
    counts = {"killed": 0, "survived": 0, "no_tests": 0, "other": 0}
    for name, code in codes.items():
        if not any(fnmatch.fnmatch(name, p) for p in patterns):
            continue
        status = status_by_exit_code[code]
        key = {"killed": "killed", "timeout": "killed", "survived": "survived", "no tests": "no_tests"}.get(status, "other")
        counts[key] += 1
        if key in ("survived", "no_tests"):
            survivors.append(f"{status}: {name}")
    if not sum(counts.values()):
        continue
    for key in totals:
        totals[key] += counts[key]
    print(
        f"{meta.relative_to('mutants/src').with_suffix('')}: killed={counts['killed']} "
        f"survived={counts['survived']} no_tests={counts['no_tests']}"
        + (f" other={counts['other']}" if counts["other"] else "")
    )
for line in survivors:
    print("  " + line)
tried = sum(totals.values())
score = 100 * totals["killed"] / tried if tried else 0.0
print(f"MUTATION killed={totals['killed']} survived={totals['survived']} no_tests={totals['no_tests']} score={score:.1f}%")
EOF
