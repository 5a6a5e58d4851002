"""Benchmark: incoming registrations per second with 8 parallel clients.

Product: `register_incoming` (create + gapless yearly number in one call). Baseline: plain
`create` of the same records, with no numbering, on the same server in the same run. Both go
through /json/2 to a real Odoo server with 4 workers on a fresh database. Target: ratio >= 0.5.
"""

import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "e2e"))
from odoo_server import running_server  # noqa: E402

CLIENTS = 8
PER_CLIENT = int(os.environ.get("MOH_BENCH_PER_CLIENT", "40"))
ROUNDS = 2
TARGET = 0.5


def main():
    db = f"moh_bench_{os.getpid()}"
    install = [
        *os.environ["MOH_ODOO_BIN"].split(),
        *os.environ["MOH_ODOO_ARGS"].split(),
        "-d",
        db,
        "-i",
        "moh_documents",
        "--stop-after-init",
        "--log-level=warn",
        "--http-interface=127.0.0.1",
        "--http-port=0",
    ]
    print(f"installing moh_documents into {db} ...", flush=True)
    subprocess.run(install, check=True, stdout=subprocess.DEVNULL)
    try:
        with running_server(db, workers=4) as server:
            admin = server.rpc("admin", "admin")
            type_id = admin.call("moh.document.type", "search", domain=[("abbreviation", "=", "TB")], limit=1)[0]
            (register_id,) = admin.call(
                "moh.document.register",
                "create",
                vals_list=[{"name": "Benchmark", "code": "BENCH", "direction": "incoming"}],
            )

            def run(method):
                def client(index):
                    rpc = server.rpc("admin", "admin")
                    for i in range(PER_CLIENT):
                        vals = {
                            "register_id": register_id,
                            "sender_name": f"Sở Y tế {index}",
                            "number_symbol": f"{i}/SYT",
                            "issue_date": "2026-11-20",
                            "document_type_id": type_id,
                            "abstract": f"Văn bản {i} của {index}",
                        }
                        rpc.call("moh.incoming.document", method, vals_list=[vals])

                start = time.perf_counter()
                with ThreadPoolExecutor(CLIENTS) as pool:
                    list(pool.map(client, range(CLIENTS)))
                return CLIENTS * PER_CLIENT / (time.perf_counter() - start)

            run("create")  # warm-up: workers, caches
            baseline, product = [], []
            for _ in range(ROUNDS):
                baseline.append(run("create"))
                product.append(run("register_incoming"))
            numbers = admin.call(
                "moh.incoming.document",
                "search_read",
                domain=[("register_id", "=", register_id), ("number", "!=", False)],
                fields=["number"],
            )
            values = sorted(r["number"] for r in numbers)
            assert values == list(range(1, len(values) + 1)), "numbering not gapless"
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
    best_base, best_product = max(baseline), max(product)
    print(f"baseline create: {', '.join(f'{r:.1f}' for r in baseline)} docs/s")
    print(f"register_incoming: {', '.join(f'{r:.1f}' for r in product)} docs/s")
    print(
        f"BENCH register ratio={best_product / best_base:.2f} target={TARGET} "
        f"registered_per_s={best_product:.1f} created_per_s={best_base:.1f} clients={CLIENTS} "
        f"per_client={PER_CLIENT} workers=4 gapless=yes"
    )


if __name__ == "__main__":
    main()
