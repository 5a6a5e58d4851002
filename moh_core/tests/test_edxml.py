"""edXML (QCVN 102:2016/BTTTT): messages the product sends, and messages other agencies send it.

The real messages collected in the project's shared sample folder (see its SOURCES.md) are read
from ``$MOH_EDXML_SAMPLES``, else from ``shared/samples/edxml`` beside the repository; they are
third-party files without a licence, so they are not copied into the repository, and the tests
that need them are skipped when the folder is absent. Everything else (round trips, schema,
tolerated quirks, hostile XML) runs on messages built here.
"""

from __future__ import annotations

import base64
import dataclasses
import io
import os
import select
import socket
import threading
import time
import unicodedata
import zipfile
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from lxml import etree

from moh_core.exchange.building import build_document_message, build_status_message
from moh_core.exchange.conventions import NAMESPACE, VIETNAM_TZ, XMLDSIG_NAMESPACE
from moh_core.exchange.identifiers import DocumentKey, document_key, parse_document_id
from moh_core.exchange.messages import (
    ACTION_REASONS,
    Attachment,
    Business,
    DocumentAction,
    DocumentMessage,
    Organization,
    ReplacedDocument,
    ResponseFor,
    Signer,
    StaffInfo,
    StatusCode,
    StatusMessage,
    UpdateInfo,
    UpdateReceiver,
    business_targets,
)
from moh_core.exchange.parsing import parse_message
from moh_core.exchange.problems import EdxmlError, EdxmlNotice, EdxmlProblem
from moh_core.exchange.reading import ParsedDocument, ParsedStatus
from moh_core.exchange.schema import SCHEMA_DIR

P = EdxmlProblem
N = EdxmlNotice
E = f"{{{NAMESPACE}}}"


def _samples_dir() -> Path:
    configured = os.environ.get("MOH_EDXML_SAMPLES")
    if configured:
        return Path(configured)
    return Path(__file__).resolve().parents[3] / "shared" / "samples" / "edxml"


SAMPLES = _samples_dir()
needs_samples = pytest.mark.skipif(
    not SAMPLES.is_dir(),
    reason=f"the edXML sample messages are not in {SAMPLES} (set MOH_EDXML_SAMPLES)",
)


def sample(name: str) -> bytes:
    return (SAMPLES / name).read_bytes()


def vn(*args: int) -> datetime:
    return datetime(*args, tzinfo=VIETNAM_TZ)


# A PDF as far as magic bytes go, with the binary comment line real writers put after the header.
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
DOC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(range(256)) * 4

MOH = Organization(
    organ_id="000.00.00.G18",
    name="Bộ Y tế",
    in_charge="Chính phủ",
    address="138A Giảng Võ, Ba Đình, Hà Nội",
    email="byt@moh.gov.vn",
    telephone="024 6273 2273",
    fax="024 3846 4051",
    website="moh.gov.vn",
)
HANOI = Organization("000.00.00.H26", name="UBND Thành phố Hà Nội", in_charge="UBND Thành phố Hà Nội")
DANANG = Organization(organ_id="000.00.00.H17", name="UBND Thành phố Đà Nẵng")
CLERK = StaffInfo("Văn thư Bộ", "Nhân Viên Mẫu", "vanthu@moh.gov.vn", "84000000000")


DOCUMENT = DocumentMessage(
    sender=MOH,
    recipients=(HANOI, DANANG),
    code_number="1234",
    code_notation="BYT-KCB",
    promulgation_date=date(2026, 3, 9),
    promulgation_place="Hà Nội",
    document_type=1,
    document_type_detail=0,
    document_type_name="Công văn",
    subject="V/v tăng cường phòng, chống dịch sốt xuất huyết",
    content="Đề nghị UBND các tỉnh, thành phố chỉ đạo Sở Y tế triển khai các biện pháp phòng dịch.",
    signer=Signer(full_name="Người Ký Mẫu", position="Thứ trưởng", competence="KT. BỘ TRƯỞNG"),
    due_date=date(2026, 3, 20),
    priority=1,
    sphere_of_promulgation="Liên thông văn bản quốc gia",
    typer_notation="NVM",
    promulgation_amount=5,
    page_amount=2,
    direction=False,
    appendixes=("Phụ lục: Danh sách các địa phương",),
    steering_type=1,
    to_places=("Như trên", "Lưu: VT, KCB"),
    business=Business(
        action=DocumentAction.NEW,
        reason=ACTION_REASONS[DocumentAction.NEW],
        document_id="000.00.00.G18,2026/03/09,1234/BYT-KCB",
        staff=CLERK,
    ),
)


def document(**changes) -> DocumentMessage:
    return dataclasses.replace(DOCUMENT, **changes)


ATTACHMENTS = (
    Attachment("1234-BYT-KCB.pdf", PDF, description="Công văn", content_id="c1"),
    Attachment("Phụ lục danh sách.doc", DOC, content_id="c2"),
)
SENT = vn(2026, 3, 9, 14, 30, 5)


def built(doc: DocumentMessage | None = None, attachments=ATTACHMENTS, **kwargs) -> bytes:
    return build_document_message(doc or document(), attachments, sent_at=SENT, **kwargs)


STATUS = StatusMessage(
    sender=HANOI,
    response_for=ResponseFor(
        organ_id="000.00.00.G18",
        document_id="000.00.00.G18,2026/03/09,1234/BYT-KCB",
        code="1234/BYT-KCB",
        promulgation_date=date(2026, 3, 9),
    ),
    status=StatusCode.ACCEPTED,
    timestamp=vn(2026, 3, 10, 8, 15, 0),
    description="Văn thư: Tiếp nhận văn bản điện tử, vào sổ văn bản đến",
    staff=StaffInfo(department="Văn phòng", staff="Nhân Viên Mẫu", email="vanthu@hanoi.gov.vn"),
)


def status(**changes) -> StatusMessage:
    return dataclasses.replace(STATUS, **changes)


def refused(data: bytes, **kwargs) -> EdxmlError:
    with pytest.raises(EdxmlError) as caught:
        parse_message(data, **kwargs)
    return caught.value


def tag_sequence(data: bytes) -> list[tuple[str, str | None]]:
    """(tag, prefix) of every element in document order, the signature left out (we do not sign)."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, remove_comments=True)
    root = etree.fromstring(data, parser)
    out: list[tuple[str, str | None]] = []

    def walk(element):
        if etree.QName(element).localname == "Signature":
            return
        out.append((element.tag, element.prefix))
        for child in element:
            walk(child)

    walk(root)
    return out


def schema(kind: str) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SCHEMA_DIR / f"{kind}.xsd")))


# ======================================================================== the real messages


@dataclasses.dataclass(frozen=True)
class Expected:
    """What a clerk must see of a real document message."""

    action: DocumentAction
    sender: str
    recipients: list[str]
    document_id: str
    code: tuple[str, str]
    promulgation_date: date
    subject: str
    trace: list[tuple[str | None, datetime]]
    attachments: list[tuple[str, int, str | None, str | None, bool]]
    """(name, size of the file, type transmitted, type of the file, packed)"""
    notices: set[EdxmlNotice]
    signed: bool


DOCUMENT_SAMPLES = {
    "edoc_new.edxml": Expected(
        action=DocumentAction.NEW,
        sender="000.00.00.K19",
        recipients=["000.00.50.H19"],
        document_id="000.00.00.G22,2015/09/30,7816/VPCP-TTĐT",
        code=("781622e22", "VPCP-TTĐT"),
        promulgation_date=date(2018, 10, 19),
        subject="V/v kết nối, liên thông phần mềm quản lý văn bản",
        trace=[("000.00.00.G22", vn(2018, 9, 28, 0, 0, 0))],
        attachments=[("1896_QD-TTg_m_294779.doc", 8604, "zip", "xml", True)],
        notices={N.UNQUALIFIED_SIGNATURE, N.NAME_TYPE_MISMATCH},
        signed=True,
    ),
    "edoc_update.edxml": Expected(
        action=DocumentAction.UPDATE,
        sender="000.00.00.G22",
        recipients=["000.00.00.H41", "000.00.00.H14", "000.00.00.G17"],
        document_id="000.00.00.G22,2015/09/30,7816/VPCP-TTĐT",
        code=("7816", "VPCP-TTĐT"),
        promulgation_date=date(2018, 9, 28),
        subject="V/v kết nối, liên thông phần mềm quản lý văn bản",
        trace=[("000.00.00.G22", vn(2018, 9, 28, 0, 0, 0))],
        attachments=[("1896_QD-TTg_m_294779.doc", 8604, "zip", "xml", True)],
        notices={N.UNQUALIFIED_SIGNATURE, N.NAME_TYPE_MISMATCH},
        signed=True,
    ),
    "edoc_revocation.edxml": Expected(
        action=DocumentAction.REVOKE,
        sender="000.00.00.G22",
        recipients=["000.00.00.H41", "000.00.00.H14", "000.00.00.G17"],
        document_id="000.00.00.G22,2015/09/30,7816/VPCP-TTĐT",
        code=("7816", "VPCP-TTĐT"),
        promulgation_date=date(2018, 9, 28),
        subject="V/v kết nối, liên thông phần mềm quản lý văn bản",
        trace=[("000.00.00.G22", vn(2018, 9, 28, 0, 0, 0))],
        attachments=[("1896_QD-TTg_m_294779.doc", 8604, "zip", "xml", True)],
        notices={N.UNQUALIFIED_SIGNATURE, N.NAME_TYPE_MISMATCH},
        signed=True,
    ),
    "edoc_replacement.edxml": Expected(
        action=DocumentAction.REPLACE,
        sender="000.00.00.G22",
        recipients=["000.00.00.H41", "000.00.00.H14", "000.00.00.G17"],
        document_id="000.00.00.G22,2015/09/30,7816/VPCP-TTĐT",
        code=("7816", "VPCP-TTĐT"),
        promulgation_date=date(2018, 9, 28),
        subject="V/v kết nối, liên thông phần mềm quản lý văn bản",
        trace=[("000.00.00.G22", vn(2018, 9, 28, 0, 0, 0))],
        attachments=[("1896_QD-TTg_m_294779.doc", 8604, "zip", "xml", True)],
        notices={N.UNQUALIFIED_SIGNATURE, N.NAME_TYPE_MISMATCH},
        signed=True,
    ),
    "dc0bdef0-c7a3-4aaf-b717-777303442973.edxml": Expected(
        action=DocumentAction.NEW,
        sender="000.00.00.G22",
        recipients=["000.00.00.H41", "000.00.00.H14", "000.00.00.G17"],
        document_id="000.00.00.G22,2015/09/30,7816/VPCP-TTĐT",
        code=("7816", "VPCP-TTĐT"),
        promulgation_date=date(2019, 4, 11),
        subject="V/v kết nối, liên thông phần mềm quản lý văn bản",
        trace=[("000.00.00.G22", vn(2019, 4, 11, 0, 0, 0))],
        attachments=[("1896_QD-TTg_m_294779.doc", 7638, "zip", "xml", True)],
        notices={N.UNQUALIFIED_SIGNATURE, N.NAME_TYPE_MISMATCH},
        signed=True,
    ),
    "bkav_edoc_new.edxml": Expected(
        action=DocumentAction.NEW,
        sender="000.00.11.H53",
        recipients=["000.00.01.A53"],
        document_id="000.00.11.H53,2020/10/30,2491/STC-BCTC",
        code=("2491", "STC-BCTC"),
        promulgation_date=date(2020, 10, 30),
        subject="Báo cáo tài chính tỉnh",
        trace=[("000.00.00.G22", vn(2018, 9, 28, 0, 0, 0))],
        attachments=[("1896_QD-TTg_m_294779.doc", 8604, "zip", "xml", True)],
        notices={N.UNQUALIFIED_SIGNATURE, N.NAME_TYPE_MISMATCH, N.DATE_FORMAT},
        signed=True,
    ),
    "852e179c-8eca-4502-ac38-0b97321f29c3.edxml": Expected(
        action=DocumentAction.NEW,
        sender="000.00.15.H51",
        recipients=["000.00.15.H51"],
        document_id="9fbfbad2-f1f8-4256-a2eb-50fb1061cddb",
        code=("1223412", "PRO-TEST-CASE1"),
        promulgation_date=date(2019, 1, 17),
        subject="Văn bản liên thông chỉ đạo - 190701",
        trace=[
            ("01.02.G22", vn(2018, 6, 20, 16, 35, 56)),
            ("001.00.20.TT2", vn(2019, 5, 17, 18, 16, 33)),
        ],
        attachments=[("GUIDE_INSTALL OPENVPN.SIGNED.PDF", 17, "zip", None, True)],
        notices={N.UNQUALIFIED_SIGNATURE, N.NAME_TYPE_MISMATCH, N.MANIFEST_TYPE_MISMATCH},
        signed=True,
    ),
    "874e0f18-90dc-45fb-989a-65401470ba84.edxml": Expected(
        action=DocumentAction.NEW,
        sender="vxp.saas.03",
        recipients=["vxp.saas.03"],
        document_id="5e515fca-3627-4f2e-b517-7169acdc8bda",
        code=("BINTEST123", "GW-AUTO"),
        promulgation_date=date(2025, 10, 23),
        subject="Binary fix test",
        trace=[(None, vn(2025, 10, 23, 16, 28, 42)), (None, vn(2025, 10, 23, 16, 28, 43))],
        attachments=[("1761211722949_TestTrucLienThong.pdf", 11229, "zip", "pdf", True)],
        notices={N.UNKNOWN_TRACE_ORGAN, N.DECLARED_TYPE_MISMATCH},
        signed=False,
    ),
    "9e272474-0603-48a2-b525-9cd1af689612.edxml": Expected(
        action=DocumentAction.NEW,
        sender="vxp.saas.03",
        recipients=["vxp.saas.03"],
        document_id="efa170d6-eca4-47e1-aef7-a6dafce24e9e",
        code=("202545", "VPCP-TTĐT"),
        promulgation_date=date(2025, 10, 20),
        subject="Gộp 3 file",
        trace=[(None, vn(2025, 10, 23, 15, 46, 18)), (None, vn(2025, 10, 23, 15, 46, 19))],
        attachments=[("1761209178887_TestTrucLienThong.pdf", 18839, "pdf", "pdf", False)],
        notices={N.UNKNOWN_TRACE_ORGAN, N.DAMAGED_ATTACHMENT},
        signed=False,
    ),
    "1f881896-6e3a-4a5f-87f1-c380878e148e.edxml": Expected(
        action=DocumentAction.NEW,
        sender="vxp.saas.03",
        recipients=["vxp.saas.02"],
        document_id="1f881896-6e3a-4a5f-87f1-c380878e148e",
        code=("20251016110432", "GW-AUTO"),
        promulgation_date=date(2025, 10, 16),
        subject="Local Aggregate Test",
        trace=[(None, vn(2025, 10, 16, 11, 4, 32))],
        attachments=[
            ("localA.txt", 11, "zip", "txt", True),
            ("localB.txt", 11, "zip", "txt", True),
            ("localC.txt", 11, "zip", "txt", True),
        ],
        notices={N.UNKNOWN_TRACE_ORGAN},
        signed=False,
    ),
    "knobstick.edxml": Expected(
        action=DocumentAction.NEW,
        sender="020100107370",
        recipients=["G12", "000.00.00.G12"],
        document_id="020100107370,2025/10/13,2440/PLX-HĐQT",
        code=("2440", "PLX-HĐQT"),
        promulgation_date=date(2025, 10, 13),
        subject="Vv xin phép cử cán bộ đi công tác nước ngoài",
        trace=[
            ("020100107370", vn(2025, 10, 13, 10, 25, 18)),
            (None, vn(2025, 10, 13, 10, 27, 35)),
            ("02.29.W00", vn(2025, 10, 13, 10, 40, 4)),
        ],
        attachments=[
            (
                "1- CV gửi BTC vv cán bộ đi công tác (01.12-05.12)_Approved.pdf",
                685,
                "pdf",
                "pdf",
                False,
            ),
            ("1- CV gửi BTC vv cán bộ đi công tác (01.12-05.12).doc", 106, "zip", "txt", True),
        ],
        notices={N.UNKNOWN_TRACE_ORGAN, N.NAME_TYPE_MISMATCH},
        signed=False,
    ),
    "knobstick (1).edxml": Expected(
        action=DocumentAction.NEW,
        sender="vxp.saas.03",
        recipients=["vxp.saas.03"],
        document_id="020100681592,2025/10/13,9087/CNNL-PCĐT",
        code=("9087", "CNNL-PCĐT"),
        promulgation_date=date(2025, 10, 13),
        subject="V/v góp ý dự thảo DA Luật sửa đổi, bổ sung một số điều của Luật sở hữu trí tuệ",
        trace=[
            ("020100681592", vn(2025, 10, 13, 14, 45, 3)),
            (None, vn(2025, 10, 13, 14, 45, 10)),
            ("02.29.W00", vn(2025, 10, 13, 14, 54, 34)),
        ],
        attachments=[("VBDi_2025_09087.pdf", 685, "pdf", "pdf", False)],
        notices={N.UNQUALIFIED_SIGNATURE, N.UNKNOWN_TRACE_ORGAN},
        signed=True,
    ),
}

SDK_STATUS = ("000.00.00.H41", "000.00.00.G22", vn(2015, 9, 20, 11, 8, 36), date(2015, 9, 30))
STATUS_SAMPLES = {
    # (code, From, ResponseFor/OrganId, Timestamp, ResponseFor/PromulgationDate)
    "status.edxml": (
        StatusCode.DELIVERED,
        "000.00.00.H41",
        "000.00.00.G22",
        vn(2018, 9, 28, 17, 25, 11),
        date(2018, 9, 28),
    ),
    "status_inbox_ 01.edxml": (StatusCode.DELIVERED, *SDK_STATUS),
    "status_rejection_02.edxml": (StatusCode.REFUSED, *SDK_STATUS),
    "status_acceptance_03.edxml": (StatusCode.ACCEPTED, *SDK_STATUS),
    "status_assignment_04.edxml": (StatusCode.ASSIGNED, *SDK_STATUS),
    "status_processing_05.edxml": (StatusCode.PROCESSING, *SDK_STATUS),
    "status_finish_06.edxml": (StatusCode.COMPLETED, *SDK_STATUS),
    # Sent by the original sender: From is the sender, ResponseFor names the recipient.
    "status_cancellation_13.edxml": (
        StatusCode.RECALL_REQUESTED,
        "000.00.00.G22",
        "000.00.00.H41",
        *SDK_STATUS[2:],
    ),
    "status_change-acceptance_15.edxml": (StatusCode.RECALL_ACCEPTED, *SDK_STATUS),
    "status_change-rejection_16.edxml": (StatusCode.RECALL_REFUSED, *SDK_STATUS),
}

REFUSED_SAMPLES = {
    # unbound xlink: and edXML: prefixes outside the envelope
    "edoc.edxml": P.NAMESPACE_ERROR,
    # a duplicated, unclosed <edXML:From>
    "tlt_edoc.edxml": P.MALFORMED,
    # invented edXMLAttachments inside the envelope, no TraceHeaderList, no manifest
    "1760427207626_b.txt.edxml": P.NOT_CONFORMANT,
}


@needs_samples
def test_every_sample_is_expected_to_import_or_to_be_refused():
    names = {path.name for path in SAMPLES.glob("*.edxml")}
    assert names == DOCUMENT_SAMPLES.keys() | STATUS_SAMPLES.keys() | REFUSED_SAMPLES.keys()


@needs_samples
@pytest.mark.parametrize("name", sorted(DOCUMENT_SAMPLES))
def test_a_clerk_receives_each_real_document_message(name):
    expected = DOCUMENT_SAMPLES[name]
    parsed = parse_message(sample(name))
    assert isinstance(parsed, ParsedDocument)
    message = parsed.message
    assert parsed.action == expected.action
    assert message.sender.organ_id == expected.sender
    assert [r.organ_id for r in message.recipients] == expected.recipients
    assert message.document_id == expected.document_id
    assert (message.code_number, message.code_notation) == expected.code
    assert message.promulgation_date == expected.promulgation_date
    assert message.subject == expected.subject
    assert [(t.organ_id, t.timestamp) for t in parsed.trace] == expected.trace
    assert [
        (a.name, a.size, a.transmitted_type, a.content_type, a.packed) for a in parsed.attachments
    ] == expected.attachments
    assert {n.code for n in parsed.notices} == expected.notices
    assert parsed.signed is expected.signed


@needs_samples
def test_the_sdk_samples_carry_their_business_details():
    new = parse_message(sample("edoc_new.edxml")).message
    assert new.business == Business(
        action=DocumentAction.NEW,
        reason="Văn bản điện tử mới",
        # kept as sent: the SDK's sample date 2014/02/30 does not exist, but it is only text here
        document_id="000.00.00.G22,2014/02/30,7806/VPCP-TTĐT",
        staff=StaffInfo("Văn thư văn phòng", "Nhân Viên Mẫu", "vanthu.mau@example.com", "84000000000"),
    )
    assert new.sender == Organization(
        organ_id="000.00.00.K19",
        name="Văn phòng Chính phủ",
        in_charge="Văn phòng Chính phủ",
        address="Số 1 Hoàng Hoa Thám, Quận Ba Đình, Hà Nội",
        email="vpcp@gov.vn",
        telephone="8043100",
        fax="048989898789",
        website="vpcp.vn",
    )
    assert new.signer == Signer("Nguoi Ky Mau", "Cuc truong cuc ung dung cong nghe thong tin", "TL. BO TRUONG")
    assert new.document_type == 1 and new.document_type_detail == 0
    assert new.document_type_name == "Công văn"
    assert new.due_date == date(2018, 9, 28)
    assert (new.priority, new.promulgation_amount, new.page_amount) == (0, 2, 22)
    assert new.direction is False
    assert new.to_places == ("Cac bo va co quan ngang bo", "Uy ban nhan dan cac tinh, TP")
    assert new.steering_type == 1

    update = parse_message(sample("edoc_update.edxml")).message.business
    assert update.update_info == UpdateInfo(
        1, 1, (UpdateReceiver("000.00.00.H41", 0), UpdateReceiver("000.00.00.H14", 1))
    )

    revocation = parse_message(sample("edoc_revocation.edxml")).message
    assert revocation.business.document_id is None
    assert revocation.response_for == ResponseFor(
        organ_id="000.00.00.H14",
        document_id="000.00.04.G14,2012/08/06,267/VPCP-TTĐT",
        code="267/VPCP-TTĐT",
        promulgation_date=date(2018, 9, 28),
    )

    replacement = parse_message(sample("edoc_replacement.edxml")).message.business
    # the SDK sample lists the same replaced document twice
    replaced = ReplacedDocument("000.00.00.G22,2014/01/30,7806/VPCP-TTĐT", ("000.00.00.H41", "000.00.00.H14"))
    assert replacement.replaced == (replaced, replaced)


@needs_samples
def test_the_sdk_samples_name_the_documents_they_revoke_update_or_replace():
    """Decree 30, Art. 18.3-18.4: the receiver finds the earlier document by its DocumentId."""
    new = parse_message(sample("edoc_new.edxml")).message
    assert business_targets(new) == ()

    # The revoked document is sent again under its own DocumentId; ResponseFor (267/VPCP-TTĐT
    # of another agency) is the document it answered, not the one revoked.
    revocation = parse_message(sample("edoc_revocation.edxml")).message
    assert revocation.action == DocumentAction.REVOKE
    assert business_targets(revocation) == ("000.00.00.G22,2015/09/30,7816/VPCP-TTĐT",)
    assert parse_document_id(business_targets(revocation)[0]) == DocumentKey(
        "000.00.00.G22", date(2015, 9, 30), "7816", "VPCP-TTĐT"
    )

    # The update names its document in the Bussiness block, with the SDK's impossible date:
    # no key, so it can match nothing (the receiver flags it instead of guessing).
    update = parse_message(sample("edoc_update.edxml")).message
    assert update.action == DocumentAction.UPDATE
    assert business_targets(update) == ("000.00.00.G22,2014/02/30,7806/VPCP-TTĐT",)
    assert parse_document_id(business_targets(update)[0]) is None

    # The replacement lists the same replaced document twice: one target.
    replacement = parse_message(sample("edoc_replacement.edxml")).message
    assert replacement.action == DocumentAction.REPLACE
    assert business_targets(replacement) == ("000.00.00.G22,2014/01/30,7806/VPCP-TTĐT",)
    assert str(parse_document_id(business_targets(replacement)[0])) == ("000.00.00.G22,2014/01/30,7806/VPCP-TTĐT")


@needs_samples
@pytest.mark.parametrize("name", sorted(STATUS_SAMPLES))
def test_each_real_status_names_its_document_by_agency_date_and_number(name):
    key = parse_message(sample(name)).message.document_key
    # Even status 13, whose ResponseFor/OrganId is the recipient: the DocumentId decides.
    assert key == DocumentKey("000.00.00.G22", date(2015, 9, 30), "7816", "VPCP-TTĐT")


def test_the_document_key_keeps_agency_and_year_and_normalises_the_writing():
    key = document_key("000.00.00.G18", date(2026, 3, 2), "05/BYT-KCB")
    assert str(key) == "000.00.00.G18,2026/03/02,5/BYT-KCB"
    # One document, written differently.
    assert parse_document_id(" 000.00.00.g18 , 2026/3/2 , 5 / byt-kcb ") == key
    assert parse_document_id("000.00.00.G18,2026-03-02,005/BYT-KCB") == key
    decomposed = unicodedata.normalize("NFD", "000.00.00.G22,2015/09/30,7816/VPCP-TTĐT")
    assert parse_document_id(decomposed) == parse_document_id(unicodedata.normalize("NFC", decomposed))
    # The same number is another document in another year or from another agency.
    assert document_key("000.00.00.G18", date(2025, 3, 2), "5/BYT-KCB") != key
    assert document_key("000.00.01.H26", date(2026, 3, 2), "5/BYT-KCB") != key
    assert document_key("000.00.00.G18", date(2026, 3, 2), "5/BYT-VP") != key
    # A notation may contain "/" (a decree's number/year/notation).
    assert document_key("000.00.00.G09", "2020/03/05", "30/2020/NĐ-CP").notation == "2020/NĐ-CP"
    # Not a key: a bare UUID, an impossible date, a missing part, a number alone.
    for text in (
        "6b2f6b1e-3d0c-4a39-8c1e-0b5a3c1f9d11",
        "000.00.00.G22,2014/02/30,7806/VPCP-TTĐT",
        "000.00.00.G18,,5/BYT-KCB",
        ",2026/03/02,5/BYT-KCB",
        "000.00.00.G18,2026/03/02,5",
        "000.00.00.G18,2026/03/02,/BYT-KCB",
        "5/BYT-KCB",
        "",
        None,
    ):
        assert parse_document_id(text) is None, text


def test_built_revocations_updates_and_replacements_name_their_targets():
    own = "000.00.00.G18,2026/03/09,1234/BYT-KCB"
    revoke = document(business=Business(DocumentAction.REVOKE))
    assert business_targets(parse_message(built(revoke)).message) == (revoke.document_id,)
    update = document(business=Business(DocumentAction.UPDATE, document_id=own))
    assert business_targets(parse_message(built(update)).message) == (own,)
    replaced = (
        ReplacedDocument("000.00.00.G18,2026/03/02,1100/BYT-KCB"),
        ReplacedDocument("000.00.00.G18,2025/03/02,1100/BYT-KCB"),
    )
    replace = document(business=Business(DocumentAction.REPLACE, replaced=replaced))
    assert business_targets(parse_message(built(replace)).message) == tuple(r.document_id for r in replaced)
    message = status(status=StatusCode.RECALL_ACCEPTED)
    parsed = parse_message(build_status_message(message)).message
    assert parsed.document_key == parse_document_id(message.response_for.document_id)


@needs_samples
def test_quirks_of_real_senders_are_read_as_they_were_meant():
    bkav = parse_message(sample("bkav_edoc_new.edxml"))
    # dd/MM/yyyy, empty SignerInfo/DueDate/TyperNotation and an empty Appendix read as absent
    assert bkav.message.promulgation_date == date(2020, 10, 30)
    assert bkav.message.signer is None and bkav.message.due_date is None
    assert bkav.message.typer_notation is None
    assert bkav.message.appendixes == ()

    # the signer's name was written with a combining accent; it is read in NFC
    test_case = parse_message(sample("852e179c-8eca-4502-ac38-0b97321f29c3.edxml"))
    assert "Tuâ\u0301n".encode() in sample("852e179c-8eca-4502-ac38-0b97321f29c3.edxml")
    full_name = test_case.message.signer.full_name
    assert full_name == "Người Ký Mẫu Tuấn" and unicodedata.is_normalized("NFC", full_name)
    assert test_case.message.response_for is None  # <edXML:ResponseFor />

    report = parse_message(sample("9e272474-0603-48a2-b525-9cd1af689612.edxml")).message
    assert (report.document_type, report.document_type_detail) == (2, 1)
    assert report.document_type_name == "Báo cáo"
    assert (report.priority, report.steering_type, report.direction) == (1, 2, True)
    assert report.appendixes == ("Phụ lục 1", "Phụ lục 2")

    knobstick = parse_message(sample("knobstick.edxml")).message
    assert knobstick.document_type == 71
    assert knobstick.business.staff == StaffInfo(staff="Nhân Viên Mẫu", email="nhanvien.mau@Example.com")


@needs_samples
def test_packed_and_mislabelled_attachments_show_their_real_content():
    # the SDK's zip of one file: the file inside is what the clerk gets
    sdk = parse_message(sample("edoc_new.edxml")).attachments[0]
    assert sdk.declared_type == "application/zip"
    assert sdk.packed_name == "32da2890-1a55-4ccd-9ac9-cd0d98559e67.edxml"
    assert sdk.content.startswith(b"<?xml") and len(sdk.data) == 3781
    assert sdk.mimetype == "application/xml"

    # a zip sent as application/pdf: reported, unpacked, and the PDF inside is the content
    mislabelled = parse_message(sample("874e0f18-90dc-45fb-989a-65401470ba84.edxml")).attachments[0]
    assert (mislabelled.declared_type, mislabelled.transmitted_type) == ("application/pdf", "zip")
    assert mislabelled.content.startswith(b"%PDF-1.3") and mislabelled.mimetype == "application/pdf"
    assert [n.code for n in mislabelled.notices] == [N.DECLARED_TYPE_MISMATCH]
    assert "declared application/pdf, the content is zip" in mislabelled.notices[0].message

    # three zips, each of an 11-byte text; the manifest says text/plain, which is what is inside
    texts = parse_message(sample("1f881896-6e3a-4a5f-87f1-c380878e148e.edxml")).attachments
    assert [a.content for a in texts] == [b"LOCAL AGG A", b"LOCAL AGG B", b"LOCAL AGG C"]
    assert texts[0].content_id == "c8cea144-b212-4fe3-b5eb-4bfdd10edaa7"

    # a PDF sent unzipped beside a zipped .doc whose content is in fact text
    pdf, doc = parse_message(sample("knobstick.edxml")).attachments
    assert pdf.data == pdf.content and pdf.content.startswith(b"%PDF-1.4") and not pdf.packed
    assert doc.packed_name.endswith(".doc") and doc.content_type == "txt"

    # a PDF the sender's software decoded as text: binary bytes became U+FFFD
    damaged = parse_message(sample("9e272474-0603-48a2-b525-9cd1af689612.edxml")).attachments[0]
    assert [n.code for n in damaged.notices] == [N.DAMAGED_ATTACHMENT]


@needs_samples
@pytest.mark.parametrize("name", sorted(STATUS_SAMPLES))
def test_the_sender_reads_each_real_status_message(name):
    code, sender, responded_organ, timestamp, promulgation_date = STATUS_SAMPLES[name]
    parsed = parse_message(sample(name))
    assert isinstance(parsed, ParsedStatus)
    message = parsed.message
    assert message.status == code
    assert message.sender.organ_id == sender
    assert message.response_for.organ_id == responded_organ
    assert message.response_for.document_id == "000.00.00.G22,2015/09/30,7816/VPCP-TTĐT"
    assert message.response_for.code == "7816/VPCP-TTĐT"
    assert message.response_for.promulgation_date == promulgation_date
    assert message.timestamp == timestamp
    assert message.description
    assert message.staff.staff in ("Nhân Viên Mẫu", "Nhan vien mau")
    assert parsed.notices == ()


@needs_samples
@pytest.mark.parametrize("name", sorted(REFUSED_SAMPLES))
def test_malformed_real_messages_are_refused(name):
    error = refused(sample(name))
    assert error.code == REFUSED_SAMPLES[name]
    assert error.message.startswith(error.code.description[:1].upper() + error.code.description[1:])


# ======================================================================== building


@needs_samples
@pytest.mark.parametrize(
    "name",
    ["edoc_new.edxml", "edoc_update.edxml", "edoc_revocation.edxml", "edoc_replacement.edxml"],
)
def test_a_document_built_from_a_sample_has_the_samples_structure(name):
    original = sample(name)
    parsed = parse_message(original)
    rebuilt = build_document_message(
        parsed.message,
        [Attachment(a.name, a.content, description=a.description, content_id=a.content_id) for a in parsed.attachments],
        sent_at=parsed.trace[0].timestamp,
        zip_attachments=True,
    )
    assert tag_sequence(rebuilt) == tag_sequence(original)
    again = parse_message(rebuilt)
    assert again.message == parsed.message
    assert [a.content for a in again.attachments] == [a.content for a in parsed.attachments]


@needs_samples
def test_a_status_built_from_a_sample_has_the_samples_structure():
    original = sample("status.edxml")
    parsed = parse_message(original)
    rebuilt = build_status_message(parsed.message)
    assert tag_sequence(rebuilt) == tag_sequence(original)
    assert parse_message(rebuilt).message == parsed.message


def test_the_built_document_has_the_sdk_layout():
    data = built()
    assert data.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n<edXML xmlns="' + NAMESPACE.encode() + b'">')
    assert b'<edXML:edXMLEnvelope xmlns:edXML="' + NAMESPACE.encode() + b'">' in data
    root = etree.fromstring(data)
    envelope, encoded = root
    assert (envelope.tag, envelope.prefix) == (f"{E}edXMLEnvelope", "edXML")
    # the attachments outside the envelope, unprefixed, the base64 on one line
    assert (encoded.tag, encoded.prefix) == (f"{E}AttachmentEncoded", None)
    transfer = encoded.find(f"{E}Attachment/{E}ContentTransferEncoded")
    assert transfer.prefix == "edXML" and transfer.nsmap["edXML"] == NAMESPACE
    assert "\n" not in transfer.text and base64.b64decode(transfer.text) == PDF
    header = envelope.find(f"{E}edXMLHeader/{E}MessageHeader")
    assert [etree.QName(child).localname for child in header] == [
        "From",
        "To",
        "To",
        "DocumentId",
        "Code",
        "PromulgationInfo",
        "DocumentType",
        "Subject",
        "Content",
        "SignerInfo",
        "DueDate",
        "OtherInfo",
        "SteeringType",
        "ToPlaces",
    ]
    assert header.findtext(f"{E}DocumentId") == "000.00.00.G18,2026/03/09,1234/BYT-KCB"
    assert header.findtext(f"{E}PromulgationInfo/{E}PromulgationDate") == "2026/03/09"
    trace = envelope.find(f"{E}edXMLHeader/{E}TraceHeaderList")
    assert trace.findtext(f"{E}TraceHeader/{E}OrganId") == "000.00.00.G18"
    assert trace.findtext(f"{E}TraceHeader/{E}Timestamp") == "2026/03/09 14:30:05"
    assert trace.findtext(f"{E}Bussiness/{E}BussinessDocType") == "0"
    references = envelope.findall(f"{E}edXMLBody/{E}edXMLManifest/{E}Reference")
    assert [r.findtext(f"{E}ContentId") for r in references] == ["cid:c1", "cid:c2"]
    assert [r.findtext(f"{E}ContentType") for r in references] == [
        "application/pdf",
        "application/msword",
    ]


@pytest.mark.parametrize("kind, data", [("document", built()), ("status", build_status_message(status()))])
def test_messages_the_product_builds_validate_against_the_schema(kind, data):
    assert schema(kind).validate(etree.fromstring(data)), schema(kind).error_log


def test_a_status_message_has_the_sdk_layout():
    root = etree.fromstring(build_status_message(status()))
    header = root.find(f"{E}edXMLEnvelope/{E}edXMLHeader/{E}MessageHeader")
    assert [etree.QName(child).localname for child in header] == [
        "From",
        "ResponseFor",
        "StaffInfo",
        "StatusCode",
        "Description",
        "Timestamp",
    ]
    assert header.findtext(f"{E}StatusCode") == "03"
    assert header.findtext(f"{E}Timestamp") == "2026/03/10 08:15:00"
    assert root.find(f"{E}edXMLEnvelope/{E}edXMLBody") is None


def test_a_new_document_round_trips_with_its_attachments():
    doc = document()
    parsed = parse_message(built(doc))
    assert parsed.message == doc
    assert parsed.trace[0].organ_id == "000.00.00.G18" and parsed.trace[0].timestamp == SENT
    assert [(a.content_id, a.name, a.content, a.content_type, a.packed) for a in parsed.attachments] == [
        ("c1", "1234-BYT-KCB.pdf", PDF, "pdf", False),
        ("c2", "Phụ lục danh sách.doc", DOC, "doc", False),
    ]
    assert parsed.attachments[0].description == "Công văn"
    assert parsed.notices == () and not parsed.signed


@pytest.mark.parametrize(
    "business, response_for",
    [
        (
            Business(DocumentAction.REVOKE, ACTION_REASONS[DocumentAction.REVOKE], staff=CLERK),
            ResponseFor(
                "000.00.00.G18",
                "000.00.00.G18,2026/03/02,1100/BYT-KCB",
                "1100/BYT-KCB",
                date(2026, 3, 2),
            ),
        ),
        (
            Business(
                DocumentAction.UPDATE,
                ACTION_REASONS[DocumentAction.UPDATE],
                document_id="000.00.00.G18,2026/03/09,1234/BYT-KCB",
                paper=True,
                update_info=UpdateInfo(1, 1, (UpdateReceiver("000.00.00.H26", 0), UpdateReceiver("000.00.00.H17", 1))),
                staff=CLERK,
            ),
            None,
        ),
        (
            Business(
                DocumentAction.REPLACE,
                ACTION_REASONS[DocumentAction.REPLACE],
                replaced=(ReplacedDocument("000.00.00.G18,2026/03/02,1100/BYT-KCB", ("000.00.00.H26",)),),
            ),
            None,
        ),
        (None, None),
    ],
    ids=["revoke", "update", "replace", "no business block"],
)
def test_revocations_updates_and_replacements_round_trip(business, response_for):
    doc = document(business=business, response_for=response_for)
    data = built(doc)
    assert schema("document").validate(etree.fromstring(data))
    parsed = parse_message(data)
    assert parsed.message == doc
    assert parsed.action == (business.action if business else DocumentAction.NEW)


def test_attachments_packed_like_the_sdk_round_trip():
    data = built(zip_attachments=True)
    parsed = parse_message(data)
    assert [(a.declared_type, a.transmitted_type, a.content_type) for a in parsed.attachments] == [
        ("application/zip", "zip", "pdf"),
        ("application/zip", "zip", "doc"),
    ]
    assert [a.content for a in parsed.attachments] == [PDF, DOC]
    assert parsed.attachments[0].packed_name.endswith(".pdf")
    assert parsed.notices == ()


def test_a_minimal_document_round_trips():
    doc = DocumentMessage(
        sender=Organization("000.00.00.G18"),
        recipients=[Organization("000.00.00.H26")],
        code_number="7",
        code_notation="BYT-VP",
        promulgation_date=date(2026, 1, 5),
        document_type=1,
        subject="Giấy mời",
    )
    parsed = parse_message(build_document_message(doc, (), sent_at=SENT))
    assert parsed.message == doc and parsed.attachments == ()


@pytest.mark.parametrize("code", list(StatusCode))
def test_every_status_round_trips(code):
    message = status(status=code, timestamp=datetime(2026, 3, 10, 1, 15, 0, 123456, tzinfo=UTC))
    parsed = parse_message(build_status_message(message))
    assert parsed.message == message
    assert parsed.message.timestamp == vn(2026, 3, 10, 8, 15, 0)


def test_text_is_sent_in_nfc():
    decomposed = unicodedata.normalize("NFD", "Tuấn")
    data = built(document(signer=Signer(full_name=decomposed)))
    assert "Tuấn".encode() in data and decomposed.encode() not in data


def test_the_builder_refuses_what_would_not_be_a_valid_message():
    with pytest.raises(EdxmlError) as caught:
        built(document(recipients=()))
    assert caught.value.code == P.NOT_CONFORMANT and "To" in caught.value.detail
    with pytest.raises(EdxmlError) as caught:
        built(document(subject="Tiêu đề\x00"))
    assert caught.value.code == P.NOT_CONFORMANT
    with pytest.raises(EdxmlError) as caught:
        built(
            attachments=[
                Attachment("a.pdf", PDF, content_id="x"),
                Attachment("b.pdf", PDF, content_id="cid:x"),
            ]
        )
    assert caught.value.code == P.DUPLICATE_ATTACHMENT
    with pytest.raises(ValueError):
        build_document_message(document(), (), sent_at=datetime(2026, 3, 9, 14, 30))
    with pytest.raises(ValueError):
        status(timestamp=datetime(2026, 3, 10, 8, 15))


# ======================================================================== tolerated quirks


def quirk(data: bytes, old: bytes, new: bytes) -> bytes:
    assert old in data
    return data.replace(old, new)


def test_quirks_real_peers_produce_are_tolerated_in_our_own_messages():
    original = built()
    expected = parse_message(original).message
    ns = NAMESPACE.encode()
    variants = {
        "dd/MM/yyyy": quirk(original, b"2026/03/09</edXML:PromulgationDate>", b"09/03/2026</edXML:PromulgationDate>"),
        "Bussiness first": _move_business_first(original),
        "header order of the SDK template": _template_header_order(original),
        "contact order": quirk(
            original,
            "<edXML:OrganizationInCharge>Chính phủ</edXML:OrganizationInCharge>\n"
            "          <edXML:OrganName>Bộ Y tế</edXML:OrganName>".encode(),
            "<edXML:OrganName>Bộ Y tế</edXML:OrganName>"
            "<edXML:OrganizationInCharge>Chính phủ</edXML:OrganizationInCharge>".encode(),
        ),
        "all prefixed, CRLF, comments": quirk(
            original.replace(b"\n", b"\r\n"),
            b"<edXML:edXMLHeader>",
            b"<edXML:edXMLHeader><!-- XML 102 -->",
        )
        .replace(b"<AttachmentEncoded>", b'<edXML:AttachmentEncoded xmlns:edXML="' + ns + b'">')
        .replace(b"</AttachmentEncoded>", b"</edXML:AttachmentEncoded>"),
        "empty elements": quirk(original, b"</edXML:DueDate>", b"</edXML:DueDate><edXML:ResponseFor/>").replace(
            b"</edXML:To>", b"<edXML:Fax></edXML:Fax></edXML:To>", 1
        ),
        "wrapped base64": _wrap_base64(original),
    }
    without_attachments = built(attachments=())
    assert b'<edXML:edXMLManifest version="1.0"/>' in without_attachments
    bare_manifest = quirk(without_attachments, b' version="1.0"/>', b"></edXML:edXMLManifest>")
    assert parse_message(bare_manifest).attachments == ()
    for label, data in variants.items():
        parsed = parse_message(data)
        assert parsed.message == expected, label
        assert [a.content for a in parsed.attachments] == [PDF, DOC], label
    assert {n.code for n in parse_message(variants["dd/MM/yyyy"]).notices} == {N.DATE_FORMAT}


def _move_business_first(data: bytes) -> bytes:
    root = etree.fromstring(data)
    trace = root.find(f"{E}edXMLEnvelope/{E}edXMLHeader/{E}TraceHeaderList")
    trace.insert(0, trace.find(f"{E}Bussiness"))
    return etree.tostring(root)


def _template_header_order(data: bytes) -> bytes:
    # the SDK's edoc.edxml: ToPlaces before OtherInfo, DocumentId last
    root = etree.fromstring(data)
    header = root.find(f"{E}edXMLEnvelope/{E}edXMLHeader/{E}MessageHeader")
    places, other, document_id = (header.find(E + n) for n in ("ToPlaces", "OtherInfo", "DocumentId"))
    other.addprevious(places)
    header.append(document_id)
    return etree.tostring(root)


def _wrap_base64(data: bytes) -> bytes:
    root = etree.fromstring(data)
    for transfer in root.iter(f"{E}ContentTransferEncoded"):
        text = transfer.text
        transfer.text = "\n".join(text[i : i + 76] for i in range(0, len(text), 76))
    return etree.tostring(root)


def test_an_unqualified_signature_is_tolerated_and_not_trusted():
    # the SDK's: no namespace of its own, so in the edXML default namespace
    signature = (
        b'<Signature><SignedInfo><Reference URI=""><DigestValue>AAAA</DigestValue>'
        b"</Reference></SignedInfo><SignatureValue>AAAA</SignatureValue>"
        b"<KeyInfo><X509Data><X509SubjectName/></X509Data></KeyInfo></Signature>"
    )
    data = quirk(built(), b"</edXML:TraceHeaderList>", b"</edXML:TraceHeaderList>" + signature)
    parsed = parse_message(data)
    assert parsed.signed and [n.code for n in parsed.notices] == [N.UNQUALIFIED_SIGNATURE]
    qualified = quirk(
        built(),
        b"</edXML:TraceHeaderList>",
        b"</edXML:TraceHeaderList>"
        + signature.replace(b"<Signature>", b'<Signature xmlns="' + XMLDSIG_NAMESPACE.encode() + b'">', 1),
    )
    parsed = parse_message(qualified)
    assert parsed.signed and parsed.notices == ()


def test_iso_timestamps_are_converted_to_vietnam_time():
    data = quirk(built(), b"2026/03/09 14:30:05", b"2026-03-09T07:30:05Z")
    parsed = parse_message(data)
    assert parsed.trace[0].timestamp == SENT
    assert [n.code for n in parsed.notices] == [N.DATE_FORMAT]


def test_a_zip_labelled_as_pdf_is_reported_and_unpacked():
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("inner.pdf", PDF)
    mislabelled = Attachment("Quyết định.pdf", packed.getvalue(), content_type="application/pdf")
    data = built(attachments=[mislabelled])
    (attachment,) = parse_message(data).attachments
    assert (attachment.transmitted_type, attachment.content_type) == ("zip", "pdf")
    assert attachment.content == PDF
    assert [n.code for n in attachment.notices] == [N.DECLARED_TYPE_MISMATCH]


def test_a_file_whose_content_does_not_match_its_name_is_reported():
    data = built(attachments=[Attachment("Báo cáo.pdf", b"\x89PNG\r\n\x1a\n" + bytes(64), content_id="p")])
    (attachment,) = parse_message(data).attachments
    assert attachment.content_type == "png"
    assert [(n.code, n.content_id) for n in attachment.notices] == [(N.NAME_TYPE_MISMATCH, "p")]


def test_a_zip_meant_as_a_zip_and_a_zip_of_several_files_stay_zips():
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as out:
        out.writestr("a.pdf", PDF)
        out.writestr("b.pdf", PDF)
    single = io.BytesIO()
    with zipfile.ZipFile(single, "w") as out:
        out.writestr("a.pdf", PDF)
    data = built(
        attachments=[
            Attachment("hồ sơ.zip", single.getvalue()),
            Attachment("hồ sơ.rar", archive.getvalue()),
        ]
    )
    kept, several = parse_message(data).attachments
    assert (kept.packed, kept.content_type, kept.content) == (False, "zip", single.getvalue())
    assert (several.packed, several.content_type) == (False, "zip")
    assert [n.code for n in several.notices] == [N.NAME_TYPE_MISMATCH]


# ======================================================================== refused messages


def test_broken_messages_are_refused_with_a_clear_reason():
    original = built()
    cases = {
        P.NAMESPACE_ERROR: quirk(original, b"<edXML:Reference>", b'<edXML:Reference xlink:href="">'),
        P.MALFORMED: quirk(original, b"</edXML:From>", b"<edXML:From></edXML:MessageHeader>"),
        P.NOT_EDXML: quirk(original, b'<edXML xmlns="' + NAMESPACE.encode() + b'">', b'<edXML xmlns="urn:other">'),
        P.NOT_CONFORMANT: quirk(original, b"</edXML:edXMLBody>", b"<edXML:Content>x</edXML:Content></edXML:edXMLBody>"),
        P.INVALID_DATE: quirk(original, b"2026/03/09</edXML:PromulgationDate>", b"2026/02/30</edXML:PromulgationDate>"),
        P.BAD_ATTACHMENT_ENCODING: quirk(original, base64.b64encode(PDF), b"${__StringFromFile(test.txt,,,)}"),
        P.MISSING_ATTACHMENT: quirk(original, b"<ContentId>cid:c2</ContentId>", b"<ContentId>cid:c3</ContentId>"),
        P.DUPLICATE_ATTACHMENT: quirk(original, b"<ContentId>cid:c2</ContentId>", b"<ContentId>cid:c1</ContentId>"),
    }
    for code, data in cases.items():
        assert refused(data).code == code, code
    unknown_status = quirk(build_status_message(status()), b">03<", b">07<")
    error = refused(unknown_status)
    assert error.code == P.NOT_CONFORMANT and "StatusCode" in error.detail
    for empty in (b"", b"   \n"):
        assert refused(empty).code == P.MALFORMED


def test_a_message_without_subject_is_refused_even_if_the_element_is_there():
    data = quirk(
        built(),
        "<edXML:Subject>V/v tăng cường phòng, chống dịch sốt xuất huyết</edXML:Subject>".encode(),
        b"<edXML:Subject>  </edXML:Subject>",
    )
    error = refused(data)
    assert error.code == P.NOT_CONFORMANT and "Subject" in error.detail


# ======================================================================== hostile XML

SECRET = "TOP-SECRET-4f1d"


def hostile(prolog: str, subject: str = "&xxe;", encoding: str = "utf-8") -> bytes:
    """Our own message with a DOCTYPE before the root and an entity reference in the subject."""
    text = built(attachments=()).decode("utf-8")
    text = text.replace("V/v tăng cường phòng, chống dịch sốt xuất huyết", subject)
    text = text.replace('<?xml version="1.0" encoding="UTF-8"?>\n', "")
    declaration = f'<?xml version="1.0" encoding="{encoding.upper()}"?>\n'
    return (declaration + prolog + "\n" + text).encode(encoding)


def refused_in_time(data: bytes, seconds: float = 2.0) -> EdxmlError:
    """Parse in a thread: a parser blocked on a file or a socket would show as a timeout."""
    outcome: dict[str, object] = {}

    def run():
        try:
            parse_message(data)
            outcome["result"] = "accepted"
        except EdxmlError as exc:
            outcome["error"] = exc

    thread = threading.Thread(target=run, daemon=True)
    started = time.monotonic()
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), "the parser is blocked (reading a file or the network?)"
    assert time.monotonic() - started < seconds
    assert "error" in outcome, outcome
    return outcome["error"]


@pytest.fixture(params=["scanned", "parser only"])
def layers(request, monkeypatch):
    """Each hostile message twice: as it comes, and with the look for <!DOCTYPE before parsing
    switched off, so that the parser's own settings are shown to hold on their own."""
    if request.param == "parser only":
        monkeypatch.setattr("moh_core.exchange.parsing._declares_doctype", lambda data: False)
    return request.param


@pytest.fixture
def secret_file(tmp_path):
    path = tmp_path / "secret.txt"
    path.write_text(SECRET)
    return path


@pytest.fixture
def fifo(tmp_path):
    """A named pipe: opening it for reading blocks until a writer comes, so any read shows."""
    path = tmp_path / "pipe"
    os.mkfifo(path)
    yield path
    # Nobody may have it open for reading: a non-blocking writer then fails with ENXIO.
    with pytest.raises(OSError):
        os.close(os.open(path, os.O_WRONLY | os.O_NONBLOCK))


@pytest.fixture
def listener():
    """A local TCP server that counts nothing but the fact that someone connected."""
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(5)
    yield f"http://127.0.0.1:{server.getsockname()[1]}"
    readable, _, _ = select.select([server], [], [], 0.2)
    server.close()
    assert not readable, "the parser connected to the network"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16"])
def test_an_external_entity_reading_a_file_is_refused(layers, secret_file, fifo, encoding):
    for target in (secret_file, fifo):
        data = hostile(f'<!DOCTYPE edXML [<!ENTITY xxe SYSTEM "file://{target}">]>', encoding=encoding)
        error = refused_in_time(data)
        assert error.code == P.DOCTYPE_FORBIDDEN
        assert SECRET not in error.message


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16"])
def test_a_billion_laughs_is_refused_quickly(layers, encoding):
    entities = ['<!ENTITY lol "lol">'] + [
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10)
    ]
    data = hostile("<!DOCTYPE edXML [" + "".join(entities) + "]>", subject="&lol9;", encoding=encoding)
    assert refused_in_time(data, 1.0).code == P.DOCTYPE_FORBIDDEN


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16"])
def test_an_external_dtd_is_refused_without_connecting(layers, listener, fifo, encoding):
    for prolog in (
        f'<!DOCTYPE edXML SYSTEM "{listener}/edxml.dtd">',
        f'<!DOCTYPE edXML [<!ENTITY % remote SYSTEM "{listener}/evil.dtd"> %remote;]>',
        f'<!DOCTYPE edXML [<!ENTITY % local SYSTEM "file://{fifo}"> %local;]>',
    ):
        error = refused_in_time(hostile(prolog, subject="x", encoding=encoding))
        assert error.code == P.DOCTYPE_FORBIDDEN


def test_an_oversize_message_is_refused_before_parsing():
    data = b"<" * (50 * 1000 * 1000)  # not XML at all: had it been parsed, it would be MALFORMED
    started = time.monotonic()
    error = refused(data)
    assert error.code == P.TOO_LARGE and time.monotonic() - started < 1.0
    assert refused(built(), max_bytes=1000).code == P.TOO_LARGE


def test_an_attachment_over_the_parsers_limit_is_refused():
    big = b"%PDF-1.4\n" + os.urandom(7_600_000)
    data = built(attachments=[Attachment("scan.pdf", big)])
    started = time.monotonic()
    assert refused(data).code == P.ATTACHMENT_TOO_LARGE
    assert time.monotonic() - started < 5.0


def test_a_zip_bomb_is_refused():
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("inner.pdf", b"%PDF-1.4\n" + bytes(20 * 1024 * 1024))
    data = built(attachments=[Attachment("Quyết định.pdf", bomb.getvalue())])
    assert len(data) < 100_000
    assert refused(data, max_unpacked_bytes=1024 * 1024).code == P.ATTACHMENT_TOO_LARGE
    # within the budget it is an ordinary packed attachment
    (attachment,) = parse_message(data).attachments
    assert attachment.size == 20 * 1024 * 1024 + 9


def test_every_code_has_an_english_description():
    for codes in (EdxmlProblem, EdxmlNotice, StatusCode):
        for code in codes:
            assert code.description and code.description.isascii()
