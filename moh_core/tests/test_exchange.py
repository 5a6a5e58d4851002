"""Portal events, message ids and the OpenAPI check (moh_core.exchange.transport)."""

import datetime as dt
import json

import pytest

from moh_core.exchange.transport import (
    ExchangeError,
    check_openapi,
    new_message_id,
    parse_portal_event,
    portal_event,
)

UTC = dt.UTC


def event(**overrides):
    values = {
        "dossier_code": "000.00.04.G18-261123-0001",
        "procedure_code": "1.002088",
        "status_code": "received",
        "status_name": "Đã tiếp nhận",
        "agency_code": "000.00.04.G18",
        "applicant": {"name": "Công ty TNHH Mỹ phẩm Hoa Sen", "identification": "0101234567"},
        "event_time": dt.datetime(2026, 11, 23, 2, 30, tzinfo=UTC),
        "sequence": 2,
        "received_at": dt.datetime(2026, 11, 23, 2, 30),
        "due_date": dt.date(2026, 11, 26),
    }
    values.update(overrides)
    return portal_event(**values)


def test_event_carries_the_portal_fields_in_vietnam_time():
    data = json.loads(event().to_json())
    assert data["dossier_code"] == "000.00.04.G18-261123-0001"
    assert data["procedure_code"] == "1.002088"
    assert data["status_code"] == "received"
    assert data["applicant"] == {
        "name": "Công ty TNHH Mỹ phẩm Hoa Sen",
        "identification": "0101234567",
        "kind": "organization",
    }
    assert data["event_time"] == "2026-11-23T09:30:00+07:00"
    assert data["received_at"] == "2026-11-23T09:30:00+07:00", "naive datetimes are UTC"
    assert data["due_date"] == "2026-11-26"
    assert data["completed_at"] is None
    assert data["sequence"] == 2
    assert parse_portal_event(event().to_json())["dossier_code"] == data["dossier_code"]


def test_each_event_has_its_own_id_and_the_same_event_the_same_bytes():
    first, second = event(), event()
    assert first.event_id != second.event_id
    assert first.to_json() == first.to_json()
    assert b"Hoa Sen" in first.to_json(), "UTF-8, not escaped"


@pytest.mark.parametrize(
    "overrides",
    [
        {"dossier_code": ""},
        {"procedure_code": " "},
        {"sequence": 0},
        {"event_time": dt.datetime(2026, 11, 23, 9, 30)},
        {"applicant": {"name": ""}},
        {"applicant": {"name": "X", "kind": "robot"}},
    ],
)
def test_incomplete_events_are_refused(overrides):
    with pytest.raises(ExchangeError):
        event(**overrides)


@pytest.mark.parametrize(
    "data", [b"not json", b"[]", b'{"schema": "other"}', b'{"schema": "moh.portal.dossier-status/1", "event_id": "x"}']
)
def test_parse_refuses_what_is_not_an_event(data):
    with pytest.raises(ExchangeError):
        parse_portal_event(data)


def test_message_ids_are_unique_uuids():
    ids = {new_message_id() for _ in range(1000)}
    assert len(ids) == 1000
    assert all(len(i) == 36 for i in ids)


def test_openapi_check_finds_structural_problems():
    good = {
        "openapi": "3.0.3",
        "info": {"title": "API", "version": "1"},
        "paths": {
            "/items/{code}": {
                "get": {
                    "parameters": [{"$ref": "#/components/parameters/Code"}],
                    "responses": {"200": {"description": "ok"}},
                }
            }
        },
        "components": {"parameters": {"Code": {"name": "code", "in": "path", "required": True}}},
    }
    assert check_openapi(good) == []
    bad = json.loads(json.dumps(good))
    bad["openapi"] = "2.0"
    bad["paths"]["/items/{code}"]["get"]["parameters"] = [{"$ref": "#/components/parameters/Nope"}]
    bad["paths"]["other"] = {"get": {}}
    problems = check_openapi(bad)
    assert any("3.x" in p for p in problems)
    assert any("does not resolve" in p for p in problems)
    assert any("path parameter 'code'" in p for p in problems)
    assert any("does not start with '/'" in p for p in problems)
    assert any("no responses" in p for p in problems)
    assert check_openapi([]) == ["the document is not a JSON object"]


def test_local_peer_accepts_each_message_once_and_remembers_after_a_restart(tmp_path):
    import urllib.error
    import urllib.request

    from moh_core.testing.peer import LocalPeer

    journal = tmp_path / "peer.jsonl"

    def post(peer, message_id, token="secret"):
        request = urllib.request.Request(
            peer.url,
            data=b"<edXML/>",
            method="POST",
            headers={"X-MOH-Message-Id": message_id, "X-MOH-Message-Kind": "edxml", "Authorization": f"Bearer {token}"},
        )
        try:
            with urllib.request.urlopen(request, timeout=5) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read())

    with LocalPeer(token="secret", journal=journal) as peer:
        assert post(peer, "m1") == (200, {"status": "received", "message_id": "m1"})
        assert post(peer, "m1")[1]["status"] == "already_received"
        assert post(peer, "m2", token="wrong")[0] == 401
    with LocalPeer(token="secret", journal=journal) as peer:
        assert post(peer, "m1")[1]["status"] == "already_received"
        assert post(peer, "m2")[1]["status"] == "received"
        assert [d["message_id"] for d in peer.journal.deliveries] == ["m1", "m1", "m1", "m2"]
        assert set(peer.journal.accepted) == {"m1", "m2"}
