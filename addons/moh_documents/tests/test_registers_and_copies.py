"""Decree 30/2020/ND-CP's document types (Appendix III), registers printed in the columns of
Appendix IV (I outgoing, VI incoming), copies in one yearly series (Art. 25-27), and agency
identification codes of Decision 20/2020/QD-TTg — each exercised by the role who does it."""

import base64
import datetime as dt
import subprocess
import tempfile

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import HttpCase, TransactionCase, new_test_user, tagged

from moh_core.documents.registers import INCOMING_REGISTER_FORM, OUTGOING_REGISTER_FORM
from moh_core.testing.fixtures import register_headings

from .common import MohUsersMixin, RpcAttackMixin
from .test_outgoing_signing import OutgoingSigningCase

#: Decree 30/2020/ND-CP, Appendix III: the 27 typed documents and their abbreviations.
APPENDIX_III = {
    "nghi_quyet": "NQ",
    "quyet_dinh": "QĐ",
    "chi_thi": "CT",
    "quy_che": "QC",
    "quy_dinh": "QyĐ",
    "thong_cao": "TC",
    "thong_bao": "TB",
    "huong_dan": "HD",
    "chuong_trinh": "CTr",
    "ke_hoach": "KH",
    "phuong_an": "PA",
    "de_an": "ĐA",
    "du_an": "DA",
    "bao_cao": "BC",
    "bien_ban": "BB",
    "to_trinh": "TTr",
    "hop_dong": "HĐ",
    "cong_dien": "CĐ",
    "ban_ghi_nho": "BGN",
    "ban_thoa_thuan": "BTT",
    "giay_uy_quyen": "GUQ",
    "giay_moi": "GM",
    "giay_gioi_thieu": "GGT",
    "giay_nghi_phep": "GNP",
    "phieu_gui": "PG",
    "phieu_chuyen": "PC",
    "phieu_bao": "PB",
}
COPY_FORMS = {"sao_y": "SY", "trich_sao": "TrS", "sao_luc": "SL"}


def _text(pdf):
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(pdf)
        handle.flush()
        return subprocess.run(
            ["pdftotext", "-layout", handle.name, "-"], capture_output=True, text=True, check=True
        ).stdout


def _printed(env, action):
    attachment = env["ir.attachment"].browse(int(action["url"].split("/")[3].split("?")[0]))
    return base64.b64decode(attachment.datas)


@tagged("post_install", "-at_install")
class TestDocumentTypes(TransactionCase):
    def test_every_type_of_appendix_iii_is_seeded(self):
        for key, abbreviation in APPENDIX_III.items():
            with self.subTest(type=key):
                self.assertEqual(self.env.ref(f"moh_documents.document_type_{key}").abbreviation, abbreviation)
        # Công văn and thư công have no abbreviation.
        for key in ("cong_van", "thu_cong"):
            self.assertFalse(self.env.ref(f"moh_documents.document_type_{key}").abbreviation)
        for form, abbreviation in COPY_FORMS.items():
            copy_type = self.env.ref(f"moh_documents.document_type_{form}")
            self.assertEqual((copy_type.abbreviation, copy_type.copy_form), (abbreviation, form))
        self.assertEqual(len(set(APPENDIX_III.values())), 27)


@tagged("post_install", "-at_install")
class TestCopiesAndOutgoingRegister(OutgoingSigningCase):
    """The records office copies issued and registered documents and prints the outgoing
    register; all copies share one yearly series."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._moh_test_seal("Con dấu (kiểm thử)")
        cls.env.company.city = "Hà Nội"
        cls.sy = cls.env.ref("moh_documents.document_type_sao_y")
        cls.trs = cls.env.ref("moh_documents.document_type_trich_sao")
        cls.sl = cls.env.ref("moh_documents.document_type_sao_luc")

    def _copy(self, copy_type, **values):
        return (
            self.env["moh.document.copy"]
            .with_user(self.clerk)
            .create(
                {
                    "document_type_id": copy_type.id,
                    "signer_id": self.leader.id,
                    "signer_authority": "tl",
                    "signer_authority_position": "BỘ TRƯỞNG",
                    "signer_position": "CHÁNH VĂN PHÒNG",
                    "recipients": "Sở Y tế Hà Nội\nLưu: VT",
                    **values,
                }
            )
        )

    def test_copies_share_one_series_and_carry_the_copy_block(self):
        issued = self._issued()
        incoming = self._moh_new_document(abstract="Báo cáo cung ứng thuốc")
        incoming.with_user(self.clerk).action_register()
        year = dt.date.today().year

        sy = self._copy(self.sy, outgoing_id=issued.id)
        self.assertEqual(sy.state, "draft")
        self.assertFalse(sy.number, "the number comes with the issue step only")
        sy.action_issue()
        self.assertEqual((sy.number, sy.year, sy.name, sy.state), (1, year, "01/SY-BYT", "issued"))
        trs = self._copy(self.trs, incoming_id=incoming.id, extract="1. Tình hình cung ứng thuốc tháng 11.")
        trs.action_issue()
        self.assertEqual(trs.name, "02/TrS-BYT", "one series for every form of copy")
        sl = self._copy(self.sl, source_copy_id=sy.id)
        sl.action_issue()
        self.assertEqual(sl.name, "03/SL-BYT")

        # The sao y: the issued document's pages, then the copy block on its own page.
        pdf = sy.pdf_id.raw
        text = _text(pdf)
        self.assertIn("Ban hành Danh mục thuốc hiếm", text.split("SAO Y")[0])
        block = [line for line in text.split("\f")[-2].splitlines() if line.strip()]
        head = next(line for line in block if "SAO Y" in line)
        self.assertLess(head.index(self.env.company.name.upper()), head.index("SAO Y"))
        number = next(line for line in block if "Số: 01/SY-BYT" in line)
        # The copy is dated in the agency's time zone (Asia/Ho_Chi_Minh), not the server's.
        self.assertIn(f"Hà Nội, ngày {sy.copy_date:%d}", number)
        self.assertLess(number.index("Số: 01/SY-BYT"), number.index("Hà Nội, ngày"))
        signer = next(line for line in block if "TL. BỘ TRƯỞNG" in line)
        self.assertLess(signer.index("Nơi nhận:"), signer.index("TL. BỘ TRƯỞNG"))
        self.assertIn(self.leader.name, "\n".join(block))
        # The trích sao: the extract, then its block; the sao lục copies the sao y's pages.
        self.assertIn("TRÍCH SAO", _text(trs.pdf_id.raw))
        self.assertLess(_text(trs.pdf_id.raw).index("Tình hình cung ứng"), _text(trs.pdf_id.raw).index("TRÍCH SAO"))
        sl_text = _text(sl.pdf_id.raw)
        self.assertIn("SAO Y", sl_text)
        self.assertIn("Số: 03/SL-BYT", sl_text)
        self.assertGreater(sl_text.index("SAO LỤC"), sl_text.index("SAO Y"))

        # An issued copy is frozen and keeps its number.
        with self.assertRaises(UserError):
            sy.write({"recipients": "Khác"})
        with self.assertRaises(UserError):
            sy.unlink()

    def test_copy_rules(self):
        issued = self._issued()
        with self.assertRaises(ValidationError, msg="a sao lục is made from a sao y only"):
            self._copy(self.sl, outgoing_id=issued.id)
        trs = self._copy(self.trs, outgoing_id=issued.id)
        with self.assertRaises(UserError, msg="a trích sao carries its extract"):
            trs.action_issue()
        trs.extract = "Điều 1. Ban hành kèm theo Quyết định này Danh mục thuốc hiếm."
        trs.action_issue()
        with self.assertRaises(ValidationError, msg="a sao lục is made from a sao y, not a trích sao"):
            self._copy(self.sl, source_copy_id=trs.id)
        with self.assertRaises(ValidationError):
            self._copy(self.sy)
        draft = (
            self.env["moh.outgoing.document"]
            .with_user(self.specialist)
            .create(
                {
                    "document_type_id": self.env.ref("moh_documents.document_type_quyet_dinh").id,
                    "department_id": self.department_drug.id,
                    "abstract": "Chưa ban hành",
                }
            )
        )
        unissued = self._copy(self.sy, outgoing_id=draft.id)
        with self.assertRaises(UserError):
            unissued.action_issue()
        self.assertFalse(unissued.number)
        with self.assertRaises(ValidationError, msg="copy forms are not drafted as documents"):
            draft.sudo().document_type_id = self.sy
        # Only the records office makes copies.
        with self.assertRaises(AccessError):
            unissued.with_user(self.specialist).action_issue()

    def test_clerk_prints_the_outgoing_register_in_the_columns_of_appendix_iv(self):
        issued = self._issued()
        issued.sudo().recipients = "- Như Điều 3;\n- Sở Y tế các tỉnh;\n- Lưu: VT, QLD."
        wizard = (
            self.env["moh.register.print.wizard"]
            .with_user(self.clerk)
            .create({"register_id": issued.register_id.id, "year": issued.year})
        )
        pdf = _printed(self.env, wizard.action_print())
        self.assertEqual(register_headings(pdf, OUTGOING_REGISTER_FORM.widths_mm), list(OUTGOING_REGISTER_FORM.columns))
        text = _text(pdf)
        self.assertIn("SỔ ĐĂNG KÝ VĂN BẢN ĐI", text)
        row = next(line for line in text.splitlines() if issued.name in line)
        # Number and symbol, date, type and abstract, signer, recipients, file copy, date sent: in order.
        type_name = issued.document_type_id.with_context(lang="vi_VN").name.split()[0]
        cells = [
            issued.name,
            f"{issued.issue_date:%d/%m/%Y}",
            type_name,
            self.leader.name.split()[0],
            "Như Điều 3",
            "VT, QLD",
        ]
        positions = [row.index(cell) for cell in cells]
        self.assertEqual(positions, sorted(positions), row)
        self.assertEqual(row.count(f"{issued.issue_date:%d/%m/%Y}"), 2, "issued and sent the same day")

    def test_clerk_prints_the_incoming_register_in_the_columns_of_appendix_iv(self):
        register = self.env["moh.document.register"].create(
            {"name": "Sổ văn bản đến (kiểm thử)", "code": "TEST-DEN", "direction": "incoming"}
        )
        doc = self._moh_new_document(abstract="Báo cáo tình hình", register_id=register.id)
        doc.with_user(self.clerk).action_register()
        wizard = (
            self.env["moh.register.print.wizard"]
            .with_user(self.clerk)
            .create({"register_id": doc.register_id.id, "year": doc.year})
        )
        pdf = _printed(self.env, wizard.action_print())
        self.assertEqual(register_headings(pdf, INCOMING_REGISTER_FORM.widths_mm), list(INCOMING_REGISTER_FORM.columns))
        self.assertIn("SỔ ĐĂNG KÝ VĂN BẢN ĐẾN", _text(pdf))
        with self.assertRaises(AccessError):
            self.env["moh.register.print.wizard"].with_user(self.specialist).create(
                {"register_id": doc.register_id.id, "year": doc.year}
            )


@tagged("post_install", "-at_install")
class TestAgencyCodes(RpcAttackMixin, MohUsersMixin, HttpCase):
    """Agency identification codes (Decision 20/2020/QD-TTg) are checked where they are entered,
    and a missing one stops what needs it instead of being replaced."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._moh_setup_users()
        cls.settings_admin = new_test_user(
            cls.env,
            login="t_moh_system",
            name="Quản trị hệ thống",
            groups="base.group_system,moh_documents.group_moh_admin",
        )

    def test_codes_are_checked_on_entry(self):
        company = self.env.company
        department = self.department_drug
        before = (company.moh_agency_code, department.moh_agency_code)
        for bad in ("G18", "000.00.00.H0", "000.00.04.g18", "000.00.04.G18 ", "000-00-04-G18"):
            with self.subTest(code=bad):
                error = self.assertRpcRefused(
                    self.settings_admin,
                    "res.company",
                    "write",
                    [[company.id], {"moh_agency_code": bad}],
                    errors=("odoo.exceptions.ValidationError",),
                )
                self.assertTrue(error)
                self.assertRpcRefused(
                    self.admin,
                    "hr.department",
                    "write",
                    [[department.id], {"moh_agency_code": bad}],
                    errors=("odoo.exceptions.ValidationError",),
                )
                self.assertRpcRefused(
                    self.admin,
                    "moh.exchange.peer",
                    "create",
                    [{"name": "Sở Y tế", "code": bad, "transport": "http", "url": "http://127.0.0.1:9/"}],
                    errors=("odoo.exceptions.ValidationError",),
                )
        self.env.invalidate_all()
        self.assertEqual((company.moh_agency_code, department.moh_agency_code), before)
        # Codes of the decision's form are taken.
        _result, error = self._rpc(
            self.admin, "hr.department", "write", [[department.id], {"moh_agency_code": "000.00.04.G18"}]
        )
        self.assertFalse(error)
        _result, error = self._rpc(
            self.admin,
            "moh.exchange.peer",
            "create",
            [{"name": "Sở Y tế Đà Nẵng", "code": "000.00.01.H17", "transport": "http", "url": "http://127.0.0.1:9/"}],
        )
        self.assertFalse(error)
        _result, error = self._rpc(
            self.settings_admin, "res.company", "write", [[company.id], {"moh_agency_code": "000.00.00.G18"}]
        )
        self.assertFalse(error)

    def test_a_missing_code_is_an_error_where_it_is_needed(self):
        company = self.env.company
        company.moh_agency_code = False
        with self.assertRaises(UserError) as error:
            self.env["moh.edxml"].with_user(self.clerk)._moh_organization(company)
        self.assertIn("agency identification code", str(error.exception))

    def test_copy_numbers_change_only_in_the_issue_step(self):
        copy = (
            self.env["moh.document.copy"]
            .with_user(self.clerk)
            .create(
                {
                    "document_type_id": self.env.ref("moh_documents.document_type_sao_y").id,
                    "incoming_id": self._moh_new_document().id,
                }
            )
        )
        for values in ({"number": 7}, {"state": "issued"}, {"year": 2020}):
            with self.subTest(values=values):
                self.assertRpcRefused(self.clerk, "moh.document.copy", "write", [[copy.id], values])
        self.assertRpcRefused(self.specialist, "moh.document.copy", "action_issue", [[copy.id]])
        self.assertRpcRefused(self.specialist, "moh.document.copy", "action_download", [[copy.id]])
        self.assertRpcRefused(
            self.specialist,
            "moh.document.copy",
            "create",
            [
                {
                    "document_type_id": self.env.ref("moh_documents.document_type_sao_y").id,
                    "incoming_id": copy.incoming_id.id,
                }
            ],
        )
        self.env.invalidate_all()
        self.assertEqual((copy.number, copy.state), (0, "draft"))
