"""The exchange queue on a real Odoo server with OCA queue_job's job runner, against a peer in its
own process: messages wait while the peer is down, and each is received exactly once when it
comes back, even though the Odoo server is killed (SIGKILL) in the middle of a delivery and
restarted, and then the peer itself is killed after receiving a message and before answering.

The messages are the status messages ("03 accepted and registered") the e-office sends back to
an agency when the records office registers documents that agency delivered to it by edXML (the
agency posts them to the exchange endpoint with its token; only that agency is told their status). The peer holds
each answer a few seconds after journaling the message, so the kill lands after the peer received
a message and before Odoo could commit that it was sent: the restarted server sends it again, and
the peer recognises the copy by its message id.
"""

import datetime as dt
import os
import signal
import time
import urllib.request

from exchange_peer import PeerProcess
from odoo_server import OdooServer, free_port

MESSAGES = 4
DEFAULT_PATTERN = "{1: 10, 3: 60, 5: 300, 8: 1800}"
JOB_FUNCTION = "<moh.exchange.message>._moh_deliver"


def wait_for(condition, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def deliver_documents(server, code, token, suffix, count):
    """The agency ``code`` delivers ``count`` documents to the e-office's exchange endpoint, as
    its own system does (edXML, bearer token); each is registered by the peer's clerk."""
    from moh_core.exchange import Attachment, DocumentMessage, Organization, build_document_message

    for i in range(count):
        message = DocumentMessage(
            sender=Organization(organ_id=code, name="Sở Y tế (kiểm thử)"),
            recipients=(Organization(organ_id="000.00.00.G18", name="Bộ Y tế"),),
            code_number=str(i + 1),
            code_notation=f"SYT-E2E{suffix}",
            promulgation_date=dt.date(2026, 11, 20),
            document_type=2,
            document_type_name="Công văn",
            subject=f"Thông báo số {i + 1}{suffix}",
        )
        data = build_document_message(
            message,
            [Attachment(name="tb.txt", data=b"Noi dung", content_type="text/plain")],
            sent_at=dt.datetime(2026, 11, 20, 3, 0, tzinfo=dt.UTC),
        )
        request = urllib.request.Request(
            f"{server.url}/moh/exchange/edxml",
            data=data,
            method="POST",
            headers={
                "Content-Type": "application/xml",
                "Authorization": f"Bearer {token}",
                "X-MOH-Message-Id": f"{code}-in-{suffix}-{i}",
            },
        )
        with urllib.request.urlopen(request, timeout=60) as response:
            assert response.status == 200, response.read()


def job_runner_server(db):
    """Several workers and the job runner (queue_job loaded with the server, its own channel)."""
    return OdooServer(db, workers=2, extra=("--load=base,web,queue_job",))


def test_messages_wait_for_the_peer_and_arrive_exactly_once_across_a_crash(odoo_db, tmp_path, monkeypatch):
    monkeypatch.setenv("ODOO_QUEUE_JOB_CHANNELS", "root:2,root.moh_exchange:1")
    peer = PeerProcess(free_port(), tmp_path / "peer.jsonl", token="e2e-token", delay=4)
    now = dt.datetime.now()
    # A fresh agency identification code of Decision 20/2020's form for each run.
    code = f"{now:%H}{now.microsecond % 10}.{now:%M}.{now:%S}.Z{now.microsecond // 10 % 100:02d}"
    server = job_runner_server(odoo_db).start()
    admin = server.rpc("admin", "admin")
    function_ids = admin.call("queue.job.function", "search", domain=[("name", "=", JOB_FUNCTION)])
    assert function_ids, "the delivery job function is declared in data"
    peer_id = None
    try:
        clerk_id = admin.call("res.users", "search", domain=[("login", "=", "vanthu")])[0]
        (peer_id,) = admin.call(
            "moh.exchange.peer",
            "create",
            vals_list=[
                {
                    "name": "Sở Y tế (kiểm thử đầu cuối)",
                    "code": code,
                    "transport": "http",
                    "url": f"http://127.0.0.1:{peer.port}/",
                    "auth_token": "e2e-token",
                    "max_attempts": 100,
                    "timeout": 30,
                    "receiving_user_id": clerk_id,
                    "inbound_token": "e2e-inbound-token",
                }
            ],
        )
        # Retries every 2 seconds rather than the production pattern, to keep the test short.
        admin.call("queue.job.function", "write", function_ids, values={"edit_retry_pattern": "{1: 2}"})
        # The agency delivers documents by edXML; the records office registers them while the
        # agency's own system is down: two status messages each (01 delivered, 03 registered;
        # Decree 30 Art. 18, QCVN 102:2016), queued.
        deliver_documents(server, code, "e2e-inbound-token", "", MESSAGES)

        def messages():
            return admin.call(
                "moh.exchange.message",
                "search_read",
                domain=[("peer_id", "=", peer_id), ("direction", "=", "out")],
                fields=["message_id", "state", "attempts", "kind"],
            )

        queued = messages()
        assert len(queued) == 2 * MESSAGES and {m["kind"] for m in queued} == {"status"}
        expected = sorted(m["message_id"] for m in queued)
        wait_for(
            lambda: all(m["state"] == "failed" and m["attempts"] >= 1 for m in messages()),
            90,
            "every delivery to fail while the peer is down",
        )
        assert peer.deliveries() == []

        # The peer comes back; while it holds its answer to the first message, the server dies.
        peer.start()
        first = wait_for(peer.deliveries, 90, "the first delivery")[0]["message_id"]
        os.killpg(server.process.pid, signal.SIGKILL)
        server.process.wait(30)
        assert first in expected
        assert next(m for m in messages_after_crash(odoo_db) if m[0] == first)[1] != "sent", (
            "killed before the delivery was committed"
        )

        server = job_runner_server(odoo_db).start()
        admin = server.rpc("admin", "admin")
        wait_for(lambda: all(m["state"] == "sent" for m in messages()), 240, "every message to be sent")

        deliveries = peer.deliveries()
        accepted = sorted(d["message_id"] for d in deliveries if d["accepted"])
        assert accepted == expected, "each message received exactly once"
        copies = [d for d in deliveries if d["message_id"] == first]
        assert len(copies) >= 2 and [d["accepted"] for d in copies][1:] == [False] * (len(copies) - 1), (
            "the message interrupted by the crash was sent again and recognised as a copy"
        )

        # Now the peer dies (SIGKILL) after receiving a message and before answering it, and
        # comes back with its journal: the sender sees no answer, sends again, the copy is known.
        deliver_documents(server, code, "e2e-inbound-token", "-B", 2)
        expected = sorted(m["message_id"] for m in messages())
        assert len(expected) == 2 * (MESSAGES + 2)
        before = len(peer.deliveries())
        interrupted = wait_for(lambda: peer.deliveries()[before:], 90, "a delivery after the restart")[0]["message_id"]
        peer.kill()
        assert interrupted not in [m["message_id"] for m in messages() if m["state"] == "sent"]
        peer.start()
        wait_for(
            lambda: all(m["state"] == "sent" for m in messages()),
            240,
            "every message to be sent after the peer's crash",
        )
        deliveries = peer.deliveries()
        assert sorted(d["message_id"] for d in deliveries if d["accepted"]) == expected, (
            "each message received exactly once"
        )
        again = [d["accepted"] for d in deliveries if d["message_id"] == interrupted][1:]
        assert again, "the message the peer died on was sent again"
        assert not any(again), "and recognised as a copy"
    finally:
        peer.stop()
        try:
            admin.call("queue.job.function", "write", function_ids, values={"edit_retry_pattern": DEFAULT_PATTERN})
            if peer_id:
                admin.call("moh.exchange.peer", "write", [peer_id], vals={"active": False})
        finally:
            server.stop()


def messages_after_crash(db):
    """The messages' states as committed, read straight from PostgreSQL while no server runs."""
    import psycopg2

    args = os.environ["MOH_ODOO_ARGS"].split()
    options = dict(a[2:].split("=", 1) for a in args if a.startswith("--db_") and "=" in a)
    with (
        psycopg2.connect(
            dbname=db, host=options.get("db_host"), port=options.get("db_port"), user=options.get("db_user")
        ) as connection,
        connection.cursor() as cursor,
    ):
        cursor.execute("SELECT message_id, state FROM moh_exchange_message WHERE direction = 'out'")
        return cursor.fetchall()
