"""Benchmark: the leaders' processing dashboard on a ministry's volume, against hand-written SQL.

A fresh database gets moh_documents, moh_egov and payment_demo with demo data (the ministry's
departments, the demo procedures, the ministry leader `botruong`), then bulk SQL
(scripts/bench/kpi/generate.sql) adds 1,000,000 incoming documents over the two years up to
today, each with its lead department's assignment, a cooperating department's share for 20%,
a specialist and, for a quarter of them, the routing history; and 300,000 public service
dossiers. Then, inside Odoo (the registry loaded in this process), for a YEAR and a MONTH period
and for documents and dossiers:

* product: ``env['moh.kpi.dashboard'].create({...})._moh_aggregate()``, the per-department
  indicator computation (the daily counts of moh.kpi.fact, which the database's triggers kept
  up to date while the bulk SQL ran, and the open items read live through moh.kpi.item), as the
  superuser and as the ministry leader (record rules applied); and ``action_refresh()`` as a
  whole (departments, total, ageing, the 6-month trend, and for dossiers the Decision 766
  service indicators);
* baseline: one hand-written SQL aggregate on the base tables (scripts/bench/kpi/hand_*.sql)
  with the same working-day calendar built in SQL (scripts/bench/kpi/calendar.sql), whose
  per-department figures must be identical to the product's (the benchmark stops otherwise).

Each timing is the median of several runs (MOH_BENCH_KPI_REPEAT, default 5, at least 3; for
action_refresh MOH_BENCH_KPI_REFRESH_REPEAT, default 3, at least 1), fewer when the runs already
took over MOH_BENCH_KPI_BUDGET_S seconds (default 30), after a warm-up run of _moh_aggregate (the
one whose figures are compared). Server settings are PostgreSQL's as they are (JIT included), for
the product and the hand-written SQL alike, on the same Odoo cursor. The issue's targets: the
product within 2x of the hand-written SQL, and the dashboard answering in under a second.

Last line: BENCH kpi ratio=<product/hand SQL, year, documents> target=2 year_s=… month_s=…
refresh_year_s=… sql_year_s=… dossier_ratio=… under_1s=<yes|no> (under_1s: every median
action_refresh measured, of either kind, period and user, below 1 s).

Development: ``--db NAME`` runs on an existing database (no install, no drop); add
``--no-generate`` when it already holds the generated data.
"""

import argparse
import datetime as dt
import os
import shlex
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from zoneinfo import ZoneInfo

import psycopg2

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent / "kpi"
N_DOCUMENTS = int(os.environ.get("MOH_BENCH_KPI_DOCUMENTS", "1_000_000"))
N_DOSSIERS = int(os.environ.get("MOH_BENCH_KPI_DOSSIERS", "300_000"))
REPEAT = int(os.environ.get("MOH_BENCH_KPI_REPEAT", "5"))
REFRESH_REPEAT = int(os.environ.get("MOH_BENCH_KPI_REFRESH_REPEAT", "3"))
BUDGET_S = float(os.environ.get("MOH_BENCH_KPI_BUDGET_S", "30"))
COOPERATING_SHARE = 0.2
TRACE_SHARE = 0.25
TARGET = 2
BULK_TABLES = [
    "moh_incoming_document",
    "moh_document_assignment",
    "moh_document_assignment_res_users_rel",
    "moh_document_trace",
    "moh_dossier",
    "moh_dossier_document",
]
TZ = "Asia/Ho_Chi_Minh"  # the agency's time zone (moh.kpi.item._moh_tz_sql)
CALENDAR_YEARS_BACK = 10  # the SQL calendar reaches this far before the period (data: 2 years)


def log(message):
    print(message, flush=True)


def odoo_args() -> list[str]:
    return shlex.split(os.environ.get("MOH_ODOO_ARGS", ""))


def data_dir() -> Path | None:
    for arg in odoo_args():
        if arg.startswith("--data-dir="):
            return Path(arg.split("=", 1)[1])
    return None


def connect(db):
    return psycopg2.connect(
        dbname=db,
        user=os.environ.get("MOH_DB_USER_NAME", "moh"),
        host=os.environ.get("PGHOST", "127.0.0.1"),
        port=os.environ.get("PGPORT", "5432"),
    )


def install(db):
    command = [
        *shlex.split(os.environ["MOH_ODOO_BIN"]),
        *odoo_args(),
        "-d",
        db,
        "-i",
        "moh_documents,moh_egov,payment_demo",
        "--with-demo",
        "--stop-after-init",
        "--log-level=warn",
        "--http-interface=127.0.0.1",
        "--http-port=0",
    ]
    log(f"installing moh_documents, moh_egov, payment_demo with demo data into {db} ...")
    started = time.monotonic()
    log_path = ROOT / ".cache" / f"bench-kpi-install-{os.getpid()}.log"
    with log_path.open("w") as output:
        result = subprocess.run(command, stdout=output, stderr=subprocess.STDOUT, check=False)
    if result.returncode:
        sys.exit(f"installation failed: see {log_path}")
    log_path.unlink()
    log(f"installed in {time.monotonic() - started:.0f} s")


def drop(db):
    try:
        import odoo.sql_db  # noqa: PLC0415

        odoo.sql_db.close_db(db)
    except Exception:  # noqa: BLE001 - Odoo not loaded, or already closed: the FORCE below does it
        pass
    conn = connect("postgres")
    conn.autocommit = True
    with conn.cursor() as cr:
        cr.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
    conn.close()
    if data_dir():
        for leftover in (
            data_dir() / "filestore" / db,
            data_dir() / "moh_demo_pki" / db,
            data_dir() / "moh_exchange" / db,
        ):
            shutil.rmtree(leftover, ignore_errors=True)
    log(f"dropped {db} and its filestore")


# -- data ----------------------------------------------------------------------------------------


def sql_text(name):
    text = (HERE / name).read_text(encoding="utf-8")
    return text.replace("__CALENDAR__", (HERE / "calendar.sql").read_text(encoding="utf-8"))


def one(cr, query, params=None):
    cr.execute(query, params)
    row = cr.fetchone()
    return row[0] if row else None


def generation_params(cr):
    """What the generated rows point to, from the installed data (a procedure and an applicant
    are created when the database has none)."""
    company_id = one(cr, "SELECT MIN(id) FROM res_company")
    uid = one(cr, "SELECT id FROM res_users WHERE login = 'admin'") or 1
    leader_id = one(cr, "SELECT id FROM res_users WHERE login = 'botruong'") or uid
    clerk_id = one(cr, "SELECT id FROM res_users WHERE login = 'vanthu'") or uid
    cr.execute("""SELECT d.id FROM hr_department d JOIN ir_model_data x ON x.model = 'hr.department' AND x.res_id = d.id
                   WHERE x.module LIKE 'moh%%' AND d.active ORDER BY d.id""")
    departments = [r[0] for r in cr.fetchall()]
    if not departments:  # without the ministry's departments: every department of the company
        cr.execute("SELECT id FROM hr_department WHERE active AND company_id = %s ORDER BY id", [company_id])
        departments = [r[0] for r in cr.fetchall()]
    if not departments:
        sys.exit("no department in the database")
    cr.execute("SELECT id FROM res_users WHERE active AND NOT share AND id > 1 ORDER BY id")
    specialists = [r[0] for r in cr.fetchall()]
    register_id = one(
        cr, "SELECT MIN(id) FROM moh_document_register WHERE direction = 'incoming' AND company_id = %s", [company_id]
    )
    dossier_register_id = one(cr, "SELECT MIN(id) FROM moh_document_register WHERE direction = 'dossier'")
    document_type_id = one(cr, "SELECT MIN(id) FROM moh_document_type")
    if not (register_id and document_type_id):
        sys.exit("no incoming register or document type in the database")
    if not one(cr, "SELECT COUNT(*) FROM moh_procedure WHERE active"):
        cr.execute(
            """INSERT INTO moh_procedure (code, name, sequence, active, online_level, processing_days, fee, currency_id,
                                                 department_id, result_type, result_document_type_id, company_id,
                                                 create_uid, write_uid, create_date, write_date)
                      VALUES ('BENCH.1', '{"en_US": "Benchmark procedure"}', 10, TRUE, 'full', 10, 500000,
                              (SELECT id FROM res_currency WHERE name = 'VND'), %s, '{"en_US": "Licence"}', %s, %s,
                              %s, %s, now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC')""",
            [departments[0], document_type_id, company_id, uid, uid],
        )
    cr.execute(
        """SELECT id, COALESCE(department_id, %s), processing_days, COALESCE(fee, 0) FROM moh_procedure
                   WHERE active ORDER BY id""",
        [departments[0]],
    )
    procedures = cr.fetchall()
    cr.execute("SELECT id FROM res_partner WHERE active AND is_company AND id > 1 ORDER BY id")
    partners = [r[0] for r in cr.fetchall()]
    if not partners:
        cr.execute(
            """INSERT INTO res_partner (name, complete_name, is_company, active, type, create_uid, write_uid, create_date, write_date)
                      VALUES ('Công ty Kiểm thử Chỉ số', 'Công ty Kiểm thử Chỉ số', TRUE, TRUE, 'contact', %s, %s,
                              now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC') RETURNING id""",
            [uid, uid],
        )
        partners = [cr.fetchone()[0]]
    cr.execute(
        """INSERT INTO ir_attachment (name, type, res_model, mimetype, file_size, public, create_uid, write_uid, create_date, write_date)
                  VALUES ('ket-qua-dien-tu.pdf', 'binary', 'moh.dossier', 'application/pdf', 48213, FALSE, %s, %s,
                          now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC') RETURNING id""",
        [uid, uid],
    )
    attachment_id = cr.fetchone()[0]
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
    today = now.replace(tzinfo=dt.UTC).astimezone(ZoneInfo(TZ)).date()
    params = {
        "seed": 0.42,
        "tz": TZ,
        "now": now,
        "today": today,
        "company_id": company_id,
        "uid": uid,
        "leader_id": leader_id,
        "clerk_id": clerk_id,
        "register_id": register_id,
        "dossier_register_id": dossier_register_id,
        "document_type_id": document_type_id,
        "departments": departments,
        "n_departments": len(departments),
        "specialists": specialists,
        "n_specialists": len(specialists),
        "procedures": [p[0] for p in procedures],
        "procedure_departments": [p[1] for p in procedures],
        "procedure_days": [max(p[2] or 1, 1) for p in procedures],
        "procedure_fees": [float(p[3]) for p in procedures],
        "n_procedures": len(procedures),
        "partners": partners,
        "n_partners": len(partners),
        "attachment_id": attachment_id,
        "n_documents": N_DOCUMENTS,
        "n_dossiers": N_DOSSIERS,
        "coop_share": COOPERATING_SHARE,
        "trace_share": TRACE_SHARE,
        "doc_base": one(cr, "SELECT COALESCE(MAX(id), 0) FROM moh_incoming_document"),
        "asg_base": one(cr, "SELECT COALESCE(MAX(id), 0) FROM moh_document_assignment"),
        "dossier_base": one(cr, "SELECT COALESCE(MAX(id), 0) FROM moh_dossier"),
        "number_base": one(cr, "SELECT COALESCE(MAX(number), 0) FROM moh_incoming_document"),
        "cal_from": today - dt.timedelta(days=800),
        "cal_to": today + dt.timedelta(days=500),
    }
    return params


def set_aside_constraints(cr):
    """Drop the secondary indexes and foreign keys of the tables the generation fills (a bulk load
    is several times faster without them); returns the statements that put them back as they
    were (indexes rebuilt, foreign keys added and validated against the data)."""
    cr.execute(
        """SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid)
                    FROM pg_constraint c WHERE c.contype = 'f' AND c.conrelid = ANY(%s::regclass[])""",
        [BULK_TABLES],
    )
    foreign_keys = cr.fetchall()
    cr.execute(
        """SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
                    FROM pg_index i
                   WHERE i.indrelid = ANY(%s::regclass[])
                     AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid AND c.conrelid = i.indrelid)""",
        [BULK_TABLES],
    )
    indexes = cr.fetchall()
    for table, name, _definition in foreign_keys:
        cr.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    for name, _definition in indexes:
        cr.execute(f"DROP INDEX {name}")
    return [definition for _name, definition in indexes] + [
        f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}' for table, name, definition in foreign_keys
    ]


def generate(db):
    """Fill the database by bulk SQL; returns the seconds it took."""
    started = time.monotonic()
    conn = connect(db)
    with conn, conn.cursor() as cr:
        params = generation_params(cr)
        cr.execute("SET LOCAL maintenance_work_mem = '256MB'")
        restore = []
        steps = sql_text("generate.sql").split("-- step: ")[1:]
        for step in steps:
            name, body = step.split("\n", 1)
            if name == "draw documents":  # received dates: the working days of the last two years
                cr.execute(
                    "SELECT MIN(idx), MAX(idx) FROM bench_day WHERE working AND day > %(today)s::date - 730 AND day <= %(today)s::date",
                    params,
                )
                params["lo_idx"], params["hi_idx"] = cr.fetchone()
                restore = set_aside_constraints(cr)
            if name == "analyze":  # the indexes and foreign keys back, then fresh statistics
                t0 = time.monotonic()
                for statement in restore:
                    cr.execute(statement)
                log(f"  {'indexes and foreign keys':<28} {time.monotonic() - t0:6.1f} s")
            t0 = time.monotonic()
            cr.execute(body, params)
            log(f"  {name:<28} {time.monotonic() - t0:6.1f} s")
    conn.close()
    elapsed = time.monotonic() - started
    conn = connect(db)
    with conn, conn.cursor() as cr:
        cr.execute("""SELECT (SELECT COUNT(*) FROM moh_incoming_document), (SELECT COUNT(*) FROM moh_document_assignment),
                             (SELECT COUNT(*) FROM moh_document_assignment_res_users_rel), (SELECT COUNT(*) FROM moh_document_trace),
                             (SELECT COUNT(*) FROM moh_dossier), (SELECT COUNT(*) FROM moh_dossier_document)""")
        counts = cr.fetchone()
        cr.execute(
            """SELECT state, COUNT(*), COUNT(*) FILTER (WHERE completed_late),
                             COUNT(*) FILTER (WHERE state IN ('new', 'in_progress') AND deadline < %s)
                        FROM moh_document_assignment GROUP BY 1 ORDER BY 2 DESC""",
            [params["today"]],
        )
        states = ", ".join(f"{s} {n} (late {late}, overdue {over})" for s, n, late, over in cr.fetchall())
    conn.close()
    log(
        f"generated in {elapsed:.1f} s: {counts[0]} documents, {counts[1]} assignments, {counts[2]} specialist links, "
        f"{counts[3]} routing steps, {counts[4]} dossiers, {counts[5]} dossier files"
    )
    log(f"  assignments by state: {states}")
    return elapsed


# -- measurement ---------------------------------------------------------------------------------


def load_odoo(db):
    """Odoo's registry for ``db`` in this process (the tree scripts/lib.sh found)."""
    for part in shlex.split(os.environ["MOH_ODOO_BIN"]):
        if part.endswith("odoo-bin"):
            sys.path.insert(0, str(Path(part).resolve().parent))
    import odoo  # noqa: PLC0415
    from odoo.modules.registry import Registry  # noqa: PLC0415
    from odoo.tools import config  # noqa: PLC0415

    config.parse_config([*odoo_args(), "-d", db, "--log-level=warn", "--http-interface=127.0.0.1"], setup_logging=True)
    return odoo, Registry(db)


def utc(day):
    """The UTC instant (naive, as Odoo stores it) of the local midnight starting ``day``."""
    return dt.datetime.combine(day, dt.time(), ZoneInfo(TZ)).astimezone(dt.UTC).replace(tzinfo=None)


def hand_params(dashboard):
    start, end, ref = dashboard.date_from, dashboard.date_to, dashboard._moh_reference_day()
    return {
        "company_id": dashboard.env.company.id,
        "tz": TZ,
        "start": start,
        "end": end,
        "ref": ref,
        "start_utc": utc(start),
        "end_utc": utc(end + dt.timedelta(days=1)),
        "done_from_utc": utc(min(start, ref + dt.timedelta(days=1))),
        "cal_from": min(start, ref) - dt.timedelta(days=366 * CALENDAR_YEARS_BACK),
        "cal_to": max(end, ref),
    }


def key(row):
    return (row[0] is not None, row[0] or 0)


def timed(function, runs, least):
    """Median of ``runs`` timings of ``function``, or of ``least`` (at least one) when these
    already took over BUDGET_S seconds: a dashboard that takes a minute is not timed five times."""
    times = []
    while len(times) < runs and (len(times) < least or sum(times) < BUDGET_S):
        t0 = time.perf_counter()
        function()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), times


def measure(db):
    _odoo, registry = load_odoo(db)
    from odoo import api  # noqa: PLC0415

    today = dt.datetime.now(ZoneInfo(TZ)).date()
    periods = {
        "year": (today.replace(month=1, day=1), today.replace(month=12, day=31)),
        "month": (
            today.replace(day=1),
            (today.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1),
        ),
    }
    hand = {kind: sql_text(f"hand_{kind}.sql") for kind in ("document", "dossier")}
    results = {}
    with registry.cursor() as cr:
        root = api.Environment(cr, api.SUPERUSER_ID, {})
        leader = root["res.users"].search([("login", "=", "botruong")], limit=1)
        users = {"superuser": root}
        if leader:
            users["leader"] = root(user=leader.id, context=leader.context_get())
        else:
            log("WARNING: no demo user botruong: the ministry leader is not measured")
        for kind in ("document", "dossier"):
            for period, (start, end) in periods.items():
                for who, env in users.items():
                    dashboard = env["moh.kpi.dashboard"].create({"kind": kind, "date_from": start, "date_to": end})
                    params = hand_params(dashboard)

                    def run_hand(params=params, kind=kind):
                        cr.execute(hand[kind], params)
                        return sorted(cr.fetchall(), key=key)

                    product_rows = sorted(dashboard._moh_aggregate(), key=key)  # warm-up
                    hand_rows = run_hand()
                    if product_rows != hand_rows:
                        log(f"product ({kind}, {period}, {who}):")
                        for row in product_rows:
                            log(f"  {row}")
                        log("hand-written SQL:")
                        for row in hand_rows:
                            log(f"  {row}")
                        sys.exit(
                            f"the figures of the product and of the hand-written SQL differ ({kind}, {period}, {who})"
                        )
                    product_s, product_all = timed(lambda d=dashboard: d._moh_aggregate(), REPEAT, 3)
                    hand_s, hand_all = timed(run_hand, REPEAT, 3)
                    refresh_s, refresh_all = timed(lambda d=dashboard: d.action_refresh(), REFRESH_REPEAT, 1)
                    received = sum(row[1] for row in product_rows)
                    results[kind, period, who] = {"product": product_s, "hand": hand_s, "refresh": refresh_s}
                    log(
                        f"{kind:<8} {period:<5} {who:<9} ref {params['ref']}  {len(product_rows):>2} departments, "
                        f"{received:>7} received, {sum(r[2] for r in product_rows):>7} completed, "
                        f"{sum(r[6] for r in product_rows):>6} open overdue: identical figures | "
                        f"_moh_aggregate {product_s:6.3f} s  hand SQL {hand_s:6.3f} s  ratio {product_s / hand_s:5.1f}  "
                        f"action_refresh {refresh_s:6.2f} s   (runs: {', '.join(f'{t:.3f}' for t in product_all)} | "
                        f"{', '.join(f'{t:.3f}' for t in hand_all)} | {', '.join(f'{t:.2f}' for t in refresh_all)})"
                    )
        cr.rollback()
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--db", help="an existing database (development): no install, no drop")
    parser.add_argument("--no-generate", action="store_true", help="with --db: the data is already there")
    options = parser.parse_args()
    if not os.environ.get("MOH_ODOO_BIN"):
        sys.exit("Odoo 19 is needed: run this through scripts/bench.sh kpi")
    db = options.db or f"moh_bench_kpi_{os.getpid()}"
    generated_s = 0.0
    try:
        if not options.db:
            install(db)
        if not options.no_generate:
            log(f"generating {N_DOCUMENTS} documents and {N_DOSSIERS} dossiers by SQL ...")
            generated_s = generate(db)
        results = measure(db)
    finally:
        if not options.db:
            drop(db)

    def get(kind, period, what, who="superuser"):
        return results[kind, period, who][what]

    ratio = get("document", "year", "product") / get("document", "year", "hand")
    dossier_ratio = get("dossier", "year", "product") / get("dossier", "year", "hand")
    slowest = max(results.items(), key=lambda item: item[1]["refresh"])
    under_1s = slowest[1]["refresh"] < 1.0
    log(
        f"slowest dashboard: action_refresh {'/'.join(slowest[0])} {slowest[1]['refresh']:.2f} s; "
        f"product within {TARGET}x of hand SQL (year, documents): {'yes' if ratio <= TARGET else 'NO'} ({ratio:.1f}x)"
    )
    leader = results.get(("document", "year", "leader"), {}).get("product")
    print(
        f"BENCH kpi ratio={ratio:.2f} target={TARGET} year_s={get('document', 'year', 'product'):.3f} "
        f"month_s={get('document', 'month', 'product'):.3f} refresh_year_s={get('document', 'year', 'refresh'):.2f} "
        f"sql_year_s={get('document', 'year', 'hand'):.3f} dossier_ratio={dossier_ratio:.2f} "
        f"under_1s={'yes' if under_1s else 'no'} leader_year_s={leader if leader is None else f'{leader:.3f}'} "
        f"dossier_year_s={get('dossier', 'year', 'product'):.3f} dossier_refresh_year_s={get('dossier', 'year', 'refresh'):.2f} "
        f"refresh_month_s={get('document', 'month', 'refresh'):.2f} generate_s={generated_s:.0f} "
        f"documents={N_DOCUMENTS} dossiers={N_DOSSIERS} runs={REPEAT}"
    )


if __name__ == "__main__":
    main()
