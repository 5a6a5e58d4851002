"""Benchmark: portal applications submitted per second, against the server's plain login page.

A fresh database gets moh_documents, moh_egov and payment_demo with demo data and Vietnamese (as
scripts/test.sh, and scripts/run.sh with MOH_DEMO=1, install them); a real Odoo server with 4 workers serves it on
loopback. Locust (headless, in its own virtualenv under .cache/bench-venv so that it cannot
disturb Odoo's pinned packages) runs USERS virtual users, each logged in as its own portal user
of its own business: they apply for the demo procedure
"notification of imported cosmetic products", then post the application form with its three
required PDFs and submit=1 (each file checked on arrival, the completeness check, the dossier
code allocated under the register's lock, the submission email). Baseline, same tool, same
concurrency, same server, same run: anonymous GET /web/login. Target: ratio >= 0.05, i.e. one
complete submission costs at most ~20 plain page renders.

Last line: BENCH portal ratio=<submissions per s / login page GETs per s> target=… figures.
"""

import csv
import json
import os
import shlex
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "e2e"))
from odoo_server import running_server  # noqa: E402

USERS = int(os.environ.get("MOH_BENCH_USERS", "8"))
WORKERS = int(os.environ.get("MOH_BENCH_WORKERS", "4"))
DURATION = int(os.environ.get("MOH_BENCH_SECONDS", "30"))
WARMUP = 10
TARGET = 0.05
LOCUST_VERSION = "2.47.0"
PROCEDURE_CODE = "1.002088"  # moh_egov.procedure_cosmetic_import (demo data)
ANSWERS = {
    "product_name": "Kem dưỡng ẩm Sen Việt",
    "brand": "Sen Việt",
    "manufacturer": "Lotus Cosmetics Co., Ltd. - Hàn Quốc",
    "intended_use": "Dưỡng ẩm da mặt, dùng ngoài da.",
}
CACHE = ROOT / ".cache"
WORK = CACHE / "bench-portal"
BENCH_VENV = CACHE / "bench-venv"


def log(message):
    print(message, flush=True)


def locust_bin() -> Path:
    """Locust in its own virtualenv (created on first use), never in Odoo's."""
    binary = BENCH_VENV / "bin" / "locust"
    if binary.exists():
        version = subprocess.run([str(binary), "--version"], capture_output=True, text=True, check=False).stdout
        if f"locust {LOCUST_VERSION} " in version:
            return binary
    log(f"installing Locust {LOCUST_VERSION} into {BENCH_VENV} ...")
    subprocess.run([sys.executable, "-m", "venv", "--clear", str(BENCH_VENV)], check=True)
    subprocess.run([str(BENCH_VENV / "bin" / "pip"), "install", "-q", f"locust=={LOCUST_VERSION}"], check=True)
    return binary


def make_pdf(path: Path, title: str) -> str:
    from reportlab.lib.pagesizes import A4  # noqa: PLC0415 - only the benchmark that makes PDFs needs it
    from reportlab.pdfgen import canvas  # noqa: PLC0415 - only the benchmark that makes PDFs needs it

    pdf = canvas.Canvas(str(path), pagesize=A4)
    pdf.drawString(72, 770, title)
    pdf.drawString(72, 750, "Cong ty TNHH My pham - tai lieu ho so")
    pdf.showPage()
    pdf.save()
    return str(path)


def data_dir() -> Path | None:
    args = shlex.split(os.environ["MOH_ODOO_ARGS"])
    for arg in args:
        if arg.startswith("--data-dir="):
            return Path(arg.split("=", 1)[1])
    return None


def create_portal_users(admin, count):
    """One business per virtual user, each with a portal user (password = login)."""
    portal_group = admin.call(
        "ir.model.data",
        "search_read",
        domain=[("module", "=", "base"), ("name", "=", "group_portal")],
        fields=["res_id"],
    )[0]["res_id"]
    companies = admin.call(
        "res.partner",
        "create",
        vals_list=[
            {
                "name": f"Công ty TNHH Kiểm thử Tải {i:02d}",
                "is_company": True,
                "moh_is_business": True,
                "vat": f"0310{i:06d}",
                "email": f"cty{i:02d}@bench.example.vn",
            }
            for i in range(count)
        ],
    )
    contacts = admin.call(
        "res.partner",
        "create",
        vals_list=[
            {"name": f"Nhân viên {i:02d}", "parent_id": company, "email": f"nv{i:02d}@bench.example.vn"}
            for i, company in enumerate(companies)
        ],
    )
    accounts = [(f"bench.portal.{i:02d}", f"bench.portal.{i:02d}") for i in range(count)]
    admin.call(
        "res.users",
        "create",
        vals_list=[
            {"login": login, "password": password, "partner_id": contact, "group_ids": [(6, 0, [portal_group])]}
            for (login, password), contact in zip(accounts, contacts)
        ],
    )
    return accounts


def run_locust(locust, server_url, user_class, seconds, label, config_path):
    prefix = WORK / label
    command = [
        str(locust),
        "-f",
        str(ROOT / "scripts" / "bench" / "portal" / "locustfile.py"),
        "--headless",
        "-u",
        str(USERS),
        "-r",
        str(USERS),
        "-t",
        f"{seconds}s",
        "--host",
        server_url,
        "--csv",
        str(prefix),
        "--only-summary",
        "--loglevel",
        "WARNING",
        user_class,
    ]
    env = {**os.environ, "MOH_BENCH_PORTAL_CONFIG": str(config_path)}
    with (WORK / f"{label}.log").open("w") as output:
        subprocess.run(command, check=True, env=env, stdout=output, stderr=subprocess.STDOUT, timeout=seconds + 120)
    rows = {row["Name"]: row for row in csv.DictReader((WORK / f"{label}_stats.csv").open())}
    return rows


def successes_per_s(row):
    """Successful requests per second of a Locust stats row."""
    count, failures = int(row["Request Count"]), int(row["Failure Count"])
    return float(row["Requests/s"]) * (count - failures) / count if count else 0.0


def main():
    if not os.environ.get("MOH_ODOO_BIN"):
        sys.exit("Odoo 19 is needed: run this through scripts/bench.sh portal")
    locust = locust_bin()
    shutil.rmtree(WORK, ignore_errors=True)
    WORK.mkdir(parents=True)
    db = f"moh_bench_portal_{os.getpid()}"
    install = [
        *shlex.split(os.environ["MOH_ODOO_BIN"]),
        *shlex.split(os.environ["MOH_ODOO_ARGS"]),
        "-d",
        db,
        "-i",
        "moh_documents,moh_egov,payment_demo",
        "--with-demo",
        "--load-language=vi_VN",
        "--stop-after-init",
        "--log-level=warn",
        "--http-interface=127.0.0.1",
        "--http-port=0",
    ]
    log(f"installing moh_documents, moh_egov, payment_demo with demo data and Vietnamese into {db} ...")
    started = time.monotonic()
    with (WORK / "install.log").open("w") as output:
        subprocess.run(install, check=True, stdout=output, stderr=subprocess.STDOUT)
    log(f"installed in {time.monotonic() - started:.0f} s")
    try:
        with running_server(db, workers=WORKERS, log_path=WORK / "odoo-server.log") as server:
            admin = server.rpc("admin", "admin")
            procedure = admin.call(
                "moh.procedure",
                "search_read",
                domain=[("code", "=", PROCEDURE_CODE)],
                fields=["name", "requirement_ids"],
            )
            if not procedure:  # Odoo goes on without a module's demo data when it fails to load
                sys.exit(f"the demo procedure {PROCEDURE_CODE} is missing: see {WORK / 'install.log'}")
            procedure = procedure[0]
            requirements = admin.call(
                "moh.procedure.requirement", "read", procedure["requirement_ids"], fields=["required"]
            )
            pdfs = {
                req["id"]: make_pdf(WORK / f"tai-lieu-{req['id']}.pdf", f"Tai lieu {req['id']}")
                for req in requirements
                if req["required"]
            }
            accounts = create_portal_users(admin, USERS)
            config = WORK / "config.json"
            config.write_text(
                json.dumps({"procedure_id": procedure["id"], "pdfs": pdfs, "answers": ANSWERS, "accounts": accounts}),
                encoding="utf-8",
            )
            log(
                f"{USERS} portal users, procedure {PROCEDURE_CODE} ({len(pdfs)} required PDFs), "
                f"server with {WORKERS} workers at {server.url}"
            )

            run_locust(locust, server.url, "PortalApplicant", WARMUP, "warmup", config)  # workers, caches
            login = run_locust(locust, server.url, "LoginPage", DURATION, "login", config)["GET /web/login"]
            portal = run_locust(locust, server.url, "PortalApplicant", DURATION, "portal", config)
            codes = [
                d["code"]
                for d in admin.call("moh.dossier", "search_read", domain=[("code", "!=", False)], fields=["code"])
            ]
            submitted = admin.call("moh.dossier", "search_count", domain=[("state", "=", "submitted")])
    finally:
        subprocess.run(
            [
                "psql",
                "-U",
                os.environ.get("MOH_DB_USER_NAME", "moh"),
                "-d",
                "postgres",
                "-qc",
                f'DROP DATABASE IF EXISTS "{db}"',
            ],
            check=False,
        )
        if data_dir():
            for leftover in (
                data_dir() / "filestore" / db,
                data_dir() / "moh_demo_pki" / db,
                data_dir() / "moh_exchange" / db,
            ):
                shutil.rmtree(leftover, ignore_errors=True)

    submit = portal["submit"]
    login_rate, submit_rate = successes_per_s(login), successes_per_s(submit)
    for name, row in [("GET /web/login (baseline)", login), *((f"portal: {n}", r) for n, r in portal.items())]:
        log(
            f"{name:<36} {int(row['Request Count']):>6} requests {int(row['Failure Count']):>4} failed "
            f"{float(row['Requests/s']):>8.2f}/s  median {row['Median Response Time']} ms  "
            f"p95 {row['95%']} ms"
        )
    failures = WORK / "portal_failures.csv"
    if failures.exists() and int(submit["Failure Count"]):
        log("submission failures:\n" + failures.read_text(encoding="utf-8")[:2000])
    log(
        f"dossiers in state submitted after the run (warm-up included): {submitted}; "
        f"dossier codes unique: {'yes' if len(set(codes)) == len(codes) else 'NO'}"
    )
    if len(set(codes)) != len(codes):
        sys.exit("two dossiers got the same code")
    log(f"submissions: {submit_rate:.2f}/s, login page: {login_rate:.1f}/s, {USERS} users, {DURATION} s each")
    if not submit_rate:
        sys.exit("no application was submitted")
    print(
        f"BENCH portal ratio={submit_rate / login_rate:.3f} target={TARGET} submissions_per_s={submit_rate:.2f} "
        f"login_per_s={login_rate:.1f} users={USERS} workers={WORKERS} seconds={DURATION} tool=locust-{LOCUST_VERSION} codes_unique=yes"
    )


if __name__ == "__main__":
    main()
