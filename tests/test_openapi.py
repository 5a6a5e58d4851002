"""The partner API's OpenAPI description kept in the addon is valid and describes both lookups."""

import json
from pathlib import Path

from moh_core.exchange.transport import check_openapi

OPENAPI = Path(__file__).resolve().parent.parent / "addons" / "moh_documents" / "static" / "api" / "openapi.json"


def test_openapi_document_is_valid_and_lists_both_paths():
    document = json.loads(OPENAPI.read_text(encoding="utf-8"))
    assert check_openapi(document) == []
    assert document["openapi"].startswith("3.")
    for path in ("/api/v1/dossiers/{code}", "/api/v1/documents/{number}"):
        operation = document["paths"][path]["get"]
        assert {"200", "401", "404"} <= set(operation["responses"]), path
    assert document["components"]["securitySchemes"]["apiKey"]["scheme"] == "bearer"
