import base64
import datetime as dt
import io

from odoo.addons.moh_documents.tests.common import free_port
from odoo.addons.moh_documents.tests.test_outgoing_signing import OutgoingSigningCase
from odoo.tests import new_test_user


def make_pdf(text="Đơn đề nghị công bố sản phẩm mỹ phẩm", pages=1):
    """A small real PDF (reportlab), as a business would upload."""
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer)
    for page in range(pages):
        pdf.drawString(72, 720, f"{text} - {page + 1}".encode("ascii", "replace").decode())
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


PNG_1PX = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)


class EgovCase(OutgoingSigningCase):
    """A procedure, the one-stop shop, the deciding department (with its head's signing key),
    the records office with the agency seal, and two businesses on the portal."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        env.company.moh_agency_code = "000.00.04.G18"
        cls.onestop = new_test_user(
            env, login="t_onestop", groups="moh_egov.group_onestop", name="Một Cửa", tz="Asia/Ho_Chi_Minh"
        )
        env["hr.employee"].create(
            {
                "name": cls.onestop.name,
                "user_id": cls.onestop.id,
                "department_id": env.ref("moh_documents.dep_office").id,
            }
        )
        Key = env["moh.signing.key"]
        Key.search([("usage", "=", "seal")]).active = False
        with open(cls.pki.seal.p12_path, "rb") as handle:
            seal = base64.b64encode(handle.read())
        with open(cls.pki.signer.p12_path, "rb") as handle:
            personal = base64.b64encode(handle.read())
        Key.create(
            {"name": "Con dấu Bộ Y tế (kiểm thử)", "usage": "seal", "pkcs12_file": seal, "pin": cls.pki.password}
        )
        Key.search([("usage", "=", "personal"), ("user_id", "=", cls.head.id)]).active = False
        Key.create({"name": "Khóa của Cục trưởng", "user_id": cls.head.id, "pkcs12_file": personal})
        cls.register = env.ref("moh_documents.register_outgoing")
        cls.procedure = env["moh.procedure"].create(
            {
                "code": "T.000001",
                "name": "Công bố sản phẩm mỹ phẩm nhập khẩu (kiểm thử)",
                "field_name": "Mỹ phẩm",
                "processing_days": 3,
                "fee": 500000,
                "currency_id": env.ref("base.VND").id,
                "department_id": cls.department_drug.id,
                "result_type": "Số tiếp nhận Phiếu công bố",
                "result_document_type_id": env.ref("moh_documents.document_type_cong_van").id,
                "requirement_ids": [
                    (0, 0, {"name": "Phiếu công bố", "required": True, "file_types": "pdf", "sequence": 1}),
                    (0, 0, {"name": "Nhãn sản phẩm", "required": False, "file_types": "pdf_image", "sequence": 2}),
                ],
                "form_field_ids": [(0, 0, {"key": "product_name", "name": "Tên sản phẩm", "required": True})],
                # The supplement rules no legal text sets, switched on for this procedure (off by default).
                "supplement_request_days": 3,
                "supplement_once_only": True,
                "supplement_close_days": 15,
                "step_ids": [
                    (0, 0, {"stage": "reception", "name": "Tiếp nhận", "days": 0.5}),
                    (0, 0, {"stage": "appraisal", "name": "Thẩm định", "days": 1.5}),
                    (0, 0, {"stage": "approval", "name": "Phê duyệt, ký", "days": 0.5}),
                ],
            }
        )
        cls.req_form, cls.req_label = cls.procedure.requirement_ids.sorted("sequence")
        Partner = env["res.partner"]
        cls.business_a = Partner.create(
            {"name": "Công ty TNHH Mỹ phẩm A", "is_company": True, "moh_is_business": True, "email": "a@example.vn"}
        )
        cls.business_b = Partner.create(
            {"name": "Công ty Cổ phần Dược B", "is_company": True, "moh_is_business": True, "email": "b@example.vn"}
        )

        def portal_user(login, company):
            contact = Partner.create(
                {"name": f"Nhân viên {login}", "parent_id": company.id, "email": f"{login}@example.vn"}
            )
            return new_test_user(
                env,
                login=login,
                password=login + "-pass-2026",
                groups="base.group_portal",
                partner_id=contact.id,
                tz="Asia/Ho_Chi_Minh",
            )

        cls.portal_a = portal_user("t_portal_a", cls.business_a)
        cls.portal_a2 = portal_user("t_portal_a2", cls.business_a)
        cls.portal_b = portal_user("t_portal_b", cls.business_b)
        provider = env.ref("payment.payment_provider_demo", raise_if_not_found=False)
        cls.provider = provider if provider and provider.code == "demo" else None
        if cls.provider:
            cls.provider.write({"state": "test", "is_published": True})

    # -- helpers --------------------------------------------------------------------------------

    @classmethod
    def _known_dossiers(cls, prefix):
        """Four dossiers whose indicators are known, the only received and completed ones (the
        demo's, its history included, are set aside): received, deadline, done, paid online, fee
        paid, electronic result and rating as listed; their codes start with ``prefix``."""
        D = dt.date
        cls.env["moh.dossier"].search([("state", "!=", "draft")]).sudo().write(
            {"received_at": False, "done_date": False}
        )
        attachment = cls.env["ir.attachment"].create({"name": "ket-qua.pdf", "raw": b"%PDF-1.4"})
        specs = [
            # received, deadline, done (or None), paid online, fee paid, electronic result, rating
            (D(2026, 11, 2), D(2026, 11, 5), D(2026, 11, 5), True, True, True, "3"),  # on time
            (
                D(2026, 11, 3),
                D(2026, 11, 6),
                D(2026, 11, 9),
                False,
                True,
                True,
                "1",
            ),  # late, at the counter, not satisfied
            (D(2026, 11, 4), D(2026, 11, 9), None, True, True, False, False),  # open, overdue on 30/11
            (D(2026, 11, 26), D(2026, 12, 1), None, False, False, False, False),  # open, on time, fee unpaid
        ]
        dossiers = cls.env["moh.dossier"]
        for received, deadline, done, paid_online, fee_paid, electronic, rating in specs:
            dossier = cls._draft(cls).sudo()
            dossier.write(
                {
                    "state": "done" if done else "processing",
                    "received_at": dt.datetime.combine(received, dt.time(3)),
                    "deadline": deadline,
                    "done_date": dt.datetime.combine(done, dt.time(3)) if done else False,
                    "payment_state": "paid" if fee_paid else "pending",
                    "paid_online": paid_online,
                    "result_attachment_id": attachment.id if electronic else False,
                    "rating": rating,
                    "code": f"{prefix}-{received:%y%m%d}",
                }
            )
            dossiers |= dossier
        return dossiers

    def _draft(self, user=None):
        user = user or self.portal_a
        dossier = self.env["moh.dossier"]._moh_new_for_user(self.procedure, user)
        dossier._moh_form_values().write({"value": "Kem dưỡng da Hoa Sen"})
        return dossier.with_user(user)

    def _add(self, dossier, requirement=None, data=None, filename="phieu-cong-bo.pdf", supplement=False):
        return self.env["moh.dossier.document"]._moh_add(
            dossier.sudo(), requirement or self.req_form, filename, data or make_pdf(), supplement=supplement
        )

    def _pay(self, dossier):
        """The fee, paid online with Odoo's demo provider."""
        dossier = dossier.sudo()
        tx = (
            self.env["payment.transaction"]
            .sudo()
            .create(
                {
                    "provider_id": self.provider.id,
                    "payment_method_id": self.env.ref("payment.payment_method_unknown").id,
                    "reference": f"{dossier.code}-test",
                    "amount": dossier.fee_amount,
                    "currency_id": dossier.currency_id.id,
                    "partner_id": self.portal_a.partner_id.id,
                    "moh_dossier_ids": [(6, 0, dossier.ids)],
                }
            )
        )
        tx._set_done()
        return tx

    def _submitted(self, user=None):
        dossier = self._draft(user)
        self._add(dossier)
        dossier.action_submit()
        return dossier

    def _received(self):
        dossier = self._submitted()
        self._pay(dossier)
        dossier.with_user(self.onestop).action_accept()
        return dossier

    def _approve_and_issue(self, result):
        """The e-result's review chain (each reviewer in turn), its signature by the department
        head and its issue, sealed, by the records office."""
        result.with_user(self.specialist).action_request_review()
        result._moh_review_by_each()
        result.with_user(self.specialist).action_approved()
        result.sudo().register_id = self.register
        result.with_user(result.signer_id).action_sign(self.pki.password)
        self.env.invalidate_all()  # what the clerk reads comes from the database, with the clerk's rights
        result.with_user(self.clerk).action_issue()

    @staticmethod
    def _day(text):
        return dt.date.fromisoformat(text)


class OverHttpMixin:
    """For HttpCase tests whose doubles call this server back (file downloads, pushes)."""

    def _over_http(self, call, *args):
        """``call`` with this server open to the doubles' requests meanwhile; the cache is
        flushed before and invalidated after, as the server's requests change the database."""
        self.env.flush_all()
        try:
            with self.allow_requests(all_requests=True):
                return call(*args)
        finally:
            self.env.invalidate_all()


class DvcqgLinkMixin(OverHttpMixin):
    """The national-portal peer speaking DVCQG's protocol to the local double
    (moh_core.testing.dvcqg.LocalDvcqg), which the test starts on ``cls.port``; the procedure
    under test has a national code and business A a tax code."""

    @classmethod
    def _moh_dvcqg_link(cls, **values):
        cls.business_a.vat = "0101234567"
        cls.port = free_port()
        cls.env["moh.exchange.peer"].search([("national_portal", "=", True)]).active = False
        cls.peer = cls.env["moh.exchange.peer"].create(
            {
                "name": "Cổng Dịch vụ công quốc gia (adapter thử nghiệm)",
                "code": "DVCQG.ADAPTER",
                "national_portal": True,
                "protocol": "dvcqg",
                "transport": "http",
                "url": f"http://127.0.0.1:{cls.port}",
                "dvcqg_dstcode": "G15",
                "dvcqg_madonvi": "G15",
                "dvcqg_username": "moh",
                "dvcqg_password": "secret",
                "dvcqg_public_url": cls.base_url(),
                "timeout": 10,
                "max_attempts": 5,
                **values,
            }
        )
        cls.procedure.dvcqg_code = "1.002088"
