"""The document types the addon installs are those of Decree 30/2020/NĐ-CP, Appendix III: each
abbreviation has its legal name in moh_core, which titles the rendered document whatever the
language installed."""

from pathlib import Path

from lxml import etree

from moh_core.documents.layout import (
    CONFIDENTIALITY_LEVELS,
    CONFIDENTIALITY_MARKS,
    TYPE_NAMES,
    URGENCY_LEVELS,
    URGENCY_MARKS,
)

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "addons" / "moh_documents" / "data" / "moh_document_data.xml"
MODELS = ROOT / "addons" / "moh_documents" / "models" / "moh_deadline_policy.py"


def _abbreviations():
    tree = etree.parse(str(DATA))
    return {
        node.text.strip()
        for node in tree.iterfind(".//record[@model='moh.document.type']/field[@name='abbreviation']")
        if node.text and node.text.strip()
    }


def test_every_installed_type_has_its_legal_name():
    abbreviations = _abbreviations()
    assert len(abbreviations) >= 29
    assert abbreviations <= set(TYPE_NAMES), abbreviations - set(TYPE_NAMES)
    assert TYPE_NAMES["QĐ"] == "Quyết định"
    assert TYPE_NAMES["TTr"] == "Tờ trình"


def test_marks_are_the_layout_s_and_cover_every_level():
    assert set(URGENCY_MARKS.values()) == set(URGENCY_LEVELS)
    assert set(CONFIDENTIALITY_MARKS.values()) == set(CONFIDENTIALITY_LEVELS)
    source = MODELS.read_text(encoding="utf-8")
    for key in (*URGENCY_MARKS, *CONFIDENTIALITY_MARKS):
        assert f'("{key}",' in source
