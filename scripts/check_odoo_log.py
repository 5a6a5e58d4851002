"""Read an Odoo test-run log: count the tests from Odoo's own result line and list the problems.

Problems: any ERROR or CRITICAL line, any WARNING raised by, or about, the project's modules
(Odoo's own notices, such as running as root, are not the project's), and any browser test that
did not run: Odoo skips a tour or a ``browser_js`` test, of any module, with a mere warning when
the websocket-client module or Chrome is missing or Chrome does not start (odoo/tests/common.py),
and a run that skipped them has not tested what it claims. Prints one line of ``key=value`` pairs
for scripts/test.sh and the problem lines before it.
"""

import re
import sys

LINE = re.compile(
    r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ \d+ (?P<level>[A-Z]+) (?P<db>\S+) (?P<logger>[\w.]+): (?P<msg>.*)$"
)
RESULT = re.compile(r"(\d+) failed, (\d+) error\(s\) of (\d+) tests when loading database")
OURS = re.compile(r"\bmoh[._]")
# In a record's continuation lines (tracebacks), only our addons' own files count.
OUR_FILES = re.compile(r"/addons/moh_")
# Odoo's messages (warnings and skip reasons, odoo/tests/common.py) when a browser test cannot run.
BROWSER_SKIPPED = re.compile(
    r"websocket-client module is not installed"
    r"|Chrome executable not found"
    r"|Chrome headless failed to start"
    r"|Failed to detect chrome devtools port"
    r"|Error during Chrome( headless)? connection"
    r"|Cannot connect to chrome dev tools",
    re.IGNORECASE,
)


def _records(lines):
    """Log records: a header line with the lines that continue it (tracebacks)."""
    current = None
    for raw in lines:
        line = raw.rstrip("\n")
        match = LINE.match(line)
        if match:
            if current:
                yield current
            current = [line, match["level"], match["logger"], match["msg"], line]
        elif current:
            current[4] += "\n" + line
    if current:
        yield current


def main(path):
    failed = errors = run = skipped = 0
    found_result = False
    problems = []
    with open(path, encoding="utf-8", errors="replace") as log:
        records = list(_records(log))
    for header, level, logger, msg, text in records:
        result = RESULT.search(msg)
        if result and logger == "odoo.tests.result":
            found_result = True
            failed, errors, run = (int(g) for g in result.groups())
            continue
        if logger.startswith("odoo.addons.moh_") and msg.startswith("skipped "):
            skipped += 1
        # A warning is ours when raised by our modules or when any of its lines (a traceback,
        # a deprecation's source line) points at them.
        if (
            level in ("ERROR", "CRITICAL")
            or BROWSER_SKIPPED.search(msg)
            or (
                level == "WARNING"
                and (logger.startswith("odoo.addons.moh_") or OURS.search(msg) or OUR_FILES.search(text))
            )
        ):
            problems.append(header)
    for line in problems:
        print("PROBLEM " + line)
    passed = max(run - failed - errors - skipped, 0)
    print(
        f"found_result={int(found_result)} run={run} passed={passed} failed={failed} "
        f"errors={errors} skipped={skipped} problems={len(problems)}"
    )


if __name__ == "__main__":
    main(sys.argv[1])
