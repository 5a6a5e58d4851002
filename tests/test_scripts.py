"""The test script's own judges (the Odoo log check and the JUnit counter), and what the run
scripts install: demo data only with MOH_DEMO=1."""

import subprocess
import sys
from pathlib import Path

import pytest

SCRIPTS = Path(__file__).resolve().parent.parent / "scripts"
PREFIX = "2026-11-23 10:00:00,000 42"


def check(tmp_path, *lines):
    log = tmp_path / "odoo.log"
    log.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = subprocess.run(
        [sys.executable, str(SCRIPTS / "check_odoo_log.py"), str(log)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.splitlines()
    counts = dict(pair.split("=") for pair in out[-1].split())
    return {k: int(v) for k, v in counts.items()}, out[:-1]


RESULT = f"{PREFIX} INFO db odoo.tests.result: 0 failed, 0 error(s) of 12 tests when loading database 'db'"


def test_clean_run_counts_odoo_results(tmp_path):
    counts, problems = check(
        tmp_path,
        "Running as user 'root' is a security risk.",
        f"{PREFIX} WARNING ? odoo.service.server: some notice of Odoo's own",
        f"{PREFIX} INFO db odoo.addons.moh_documents.tests.test_x: skipped TestX.test_y : no demo",
        RESULT,
    )
    assert counts == {"found_result": 1, "run": 12, "passed": 11, "failed": 0, "errors": 0, "skipped": 1, "problems": 0}
    assert problems == []


def test_warnings_of_the_project_and_any_error_are_problems(tmp_path):
    counts, problems = check(
        tmp_path,
        f"{PREFIX} WARNING db py.warnings: /opt/odoo/odoo/orm/fields.py:26: DeprecationWarning: old API",
        '  File "/src/addons/moh_documents/models/x.py", line 34, in <module>',
        f"{PREFIX} WARNING db odoo.addons.moh_egov.models.x: something of ours",
        f"{PREFIX} WARNING db odoo.modules.loading: The models ['moh.register'] have no access rules",
        f"{PREFIX} ERROR db odoo.addons.base.models.ir_cron: anything at all",
        f"{PREFIX} ERROR db odoo.tests.result: 1 failed, 0 error(s) of 12 tests when loading database 'db'",
    )
    assert counts["problems"] == 4
    assert counts["failed"] == 1 and counts["passed"] == 11
    assert all(line.startswith("PROBLEM ") for line in problems)


def test_a_crash_before_the_result_line_is_visible(tmp_path):
    counts, _ = check(tmp_path, f"{PREFIX} CRITICAL db odoo.service.server: Failed to initialize database")
    assert counts["found_result"] == 0 and counts["problems"] == 1


@pytest.mark.parametrize(
    "lines",
    [
        # odoo/tests/common.py without the websocket-client module: a warning, then the skip.
        (
            f"{PREFIX} WARNING db odoo.addons.web.tests.test_js: websocket-client module is not installed",
            f"{PREFIX} INFO db odoo.addons.web.tests.test_js: skipped WebSuite.test_js : websocket-client module is "
            + "not installed",
        ),
        # ... without Chrome (any module's tour, Odoo's own included).
        (
            f"{PREFIX} WARNING db odoo.addons.mail.tests.test_ui: Chrome executable not found",
            f"{PREFIX} INFO db odoo.addons.mail.tests.test_ui: skipped TestUi.test_tour : Chrome executable not found",
        ),
        # ... with a Chrome that does not start, or that cannot be reached.
        (
            f"{PREFIX} WARNING db odoo.addons.moh_egov.tests.test_tour: Chrome headless failed to start:",
            f"{PREFIX} INFO db odoo.addons.moh_egov.tests.test_tour: skipped TestTour.test_x : "
            + "Failed to detect chrome devtools port after 10.0s.",
        ),
        (
            f"{PREFIX} INFO db odoo.addons.web.tests.test_x: skipped TestX.test_y : Error during Chrome headless connection",
            f"{PREFIX} INFO db odoo.addons.web.tests.test_x: skipped TestX.test_z : Cannot connect to chrome dev tools",
        ),
    ],
)
def test_a_browser_test_that_did_not_run_fails_the_run(tmp_path, lines):
    counts, problems = check(tmp_path, *lines, RESULT)
    assert counts["problems"] == 2
    assert [line.split(": ", 1)[1] for line in problems] == [line.split(": ", 1)[1] for line in lines]


def test_a_browser_test_that_ran_is_no_problem(tmp_path):
    counts, problems = check(
        tmp_path,
        f"{PREFIX} INFO db odoo.addons.moh_egov.tests.test_tour: Browser version: HeadlessChrome/156.0",
        f"{PREFIX} INFO db odoo.addons.moh_egov.tests.test_tour: Websocket url found: ws://127.0.0.1:1/x",
        f"{PREFIX} INFO db odoo.addons.moh_egov.tests.test_tour: skipped TestTour.test_x : needs a printer",
        RESULT,
    )
    assert counts["problems"] == 0 and problems == []


def test_junit_count(tmp_path):
    report = tmp_path / "junit.xml"
    report.write_text('<testsuites><testsuite tests="7" failures="1" errors="1" skipped="2"/></testsuites>')
    out = subprocess.run(
        [sys.executable, str(SCRIPTS / "junit_count.py"), str(report)], check=True, capture_output=True, text=True
    ).stdout.strip()
    assert out == "passed=3 failed=2 skipped=2"


# -- demo data only when asked for ---------------------------------------------------------------


def install_command(script, demo, tmp_path):
    # An environment in which the scripts cannot do anything real should the option be ignored:
    # no Python 3.12 nor virtualenv, no Odoo tree, no reachable database.
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path),
        "PYTHON": "false",
        "MOH_VENV": str(tmp_path / "no-venv"),
        "ODOO_PATH": str(tmp_path / "no-odoo"),
        "ODOO_RC": str(tmp_path / "no.conf"),
        "MOH_DATA_DIR": str(tmp_path),
        "HOST": "127.0.0.1",
        "PORT": "1",
    }
    if demo is not None:
        env["MOH_DEMO"] = demo
    return subprocess.run(
        ["bash", str(SCRIPTS / script), "--print-install-command"],
        env=env,
        check=True,
        capture_output=True,
        text=True,
        timeout=60,
    ).stdout.split()


@pytest.mark.parametrize("script", ["run.sh", "docker-start.sh"])
@pytest.mark.parametrize("demo", [None, "", "0", "yes"])
def test_without_moh_demo_nothing_of_the_demo_is_installed(script, demo, tmp_path):
    command = install_command(script, demo, tmp_path)
    modules = command[command.index("-i") + 1].split(",")
    assert {"moh_documents", "moh_egov"} <= set(modules)
    assert "payment_demo" not in modules
    assert "--with-demo" not in command


@pytest.mark.parametrize("script", ["run.sh", "docker-start.sh"])
def test_with_moh_demo_the_demo_is_installed(script, tmp_path):
    command = install_command(script, "1", tmp_path)
    assert "payment_demo" in command[command.index("-i") + 1].split(",")
    assert "--with-demo" in command


@pytest.mark.parametrize("script", ["run.sh", "docker-start.sh"])
def test_the_first_install_sets_the_administrator_and_master_passwords(script):
    text = (SCRIPTS / script).read_text(encoding="utf-8")
    # The install itself uses the printed arguments, then the administrator gets a password
    # (given or generated) unless the demo keeps its documented one; the master password of
    # the configuration is replaced by a given or generated one.
    assert "$(install_args)" in text.split("--print-install-command", 1)[1]
    assert 'env.ref("base.user_admin").password = os.environ["MOH_NEW_ADMIN_PASSWORD"]' in text
    assert "MOH_ADMIN_PASSWORD" in text and "MOH_MASTER_PASSWORD" in text
    assert "admin_passwd = " in text


def test_the_tests_still_install_the_demo():
    text = (SCRIPTS / "test.sh").read_text(encoding="utf-8")
    assert "payment_demo --with-demo" in text
