"""Registering into one register from many clients at once: numbers unique, gapless, none lost.

A real Odoo server in multi-process mode (several workers, so several PostgreSQL connections
registering at the same time), driven over /json/2 by parallel clients as a records office and
integrations would.
"""

import datetime as dt
from concurrent.futures import ThreadPoolExecutor

from odoo_server import running_server

CLIENTS = 8
PER_CLIENT = 25


def test_parallel_registration_is_gapless_and_unique(odoo_db):
    with running_server(odoo_db, workers=4) as server:
        admin = server.rpc("admin", "admin")
        (register_id,) = admin.call(
            "moh.document.register",
            "create",
            vals_list=[
                {"name": "Sổ kiểm thử đồng thời", "code": f"CC{dt.datetime.now():%H%M%S%f}", "direction": "incoming"}
            ],
        )
        type_id = admin.call("moh.document.type", "search", domain=[("abbreviation", "=", "TB")], limit=1)[0]

        def client(index):
            rpc = server.rpc("vanthu", "vanthu")
            done = []
            for i in range(PER_CLIENT):
                vals = {
                    "register_id": register_id,
                    "sender_name": f"Sở Y tế tỉnh {index}",
                    "number_symbol": f"{i + 1}/SYT-{index}",
                    "issue_date": "2026-11-20",
                    "document_type_id": type_id,
                    "abstract": f"Thông báo số {i + 1} của khách {index}",
                }
                if i % 2:  # half through the one-call API, half as the back office does it
                    done += [r["id"] for r in rpc.call("moh.incoming.document", "register_incoming", vals_list=[vals])]
                else:
                    doc_id = rpc.call("moh.incoming.document", "create", vals_list=[vals])[0]
                    rpc.call("moh.incoming.document", "action_register", [doc_id])
                    done.append(doc_id)
            return done

        with ThreadPoolExecutor(CLIENTS) as pool:
            ids = [doc_id for chunk in pool.map(client, range(CLIENTS)) for doc_id in chunk]

        assert len(ids) == len(set(ids)) == CLIENTS * PER_CLIENT
        records = admin.call(
            "moh.incoming.document",
            "search_read",
            domain=[("register_id", "=", register_id)],
            fields=["number", "year", "state"],
        )
        assert len(records) == CLIENTS * PER_CLIENT, "a registration was lost"
        assert {r["id"] for r in records} == set(ids)
        assert {r["state"] for r in records} == {"registered"}
        years = {r["year"] for r in records}
        assert len(years) == 1
        numbers = sorted(r["number"] for r in records)
        assert numbers == list(range(1, CLIENTS * PER_CLIENT + 1)), "numbers must be unique and gapless"
