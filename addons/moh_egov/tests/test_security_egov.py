"""The online public services tried as an attacker would: over JSON-RPC (call_kw, /json/2,
XML-RPC) and the portal routes, as the real roles (one-stop officer, specialist, plain employee,
businesses A and B, a fresh sign-up, a partner system). Each attempt is refused and changes
nothing: the dossier's state and files stay, nothing is sent to the national portal."""

import base64
import json
import xmlrpc.client

from odoo.addons.moh_documents.tests.common import RpcAttackMixin
from odoo.tests import HttpCase, new_test_user, tagged

from .common import EgovCase, make_pdf

REFUSED = ("odoo.exceptions.AccessError", "odoo.exceptions.UserError", "odoo.exceptions.ValidationError")


@tagged("post_install", "-at_install")
class TestSecurityEgov(RpcAttackMixin, EgovCase, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # A national portal peer: every real change of status queues an event for it.
        cls.env["moh.exchange.peer"].search([("national_portal", "=", True)]).active = False
        cls.portal_peer = cls.env["moh.exchange.peer"].create(
            {
                "name": "Cổng Dịch vụ công quốc gia (thử nghiệm)",
                "code": "DVCQG",
                "national_portal": True,
                "transport": "http",
                "url": "http://127.0.0.1:9/",
                "auth_token": "portal-token",
                "timeout": 5,
            }
        )
        cls.passwords = {user.id: user.login + "-pass-2026" for user in (cls.portal_a, cls.portal_a2, cls.portal_b)}

    # -- helpers --------------------------------------------------------------------------------

    def _call(self, user, model, method, args=(), kwargs=None):
        password = self.passwords.get(user.id) or user.login.ljust(8, "x")  # as new_test_user sets it
        return self._rpc(user, model, method, args, kwargs, password=password)

    def assertRefused(self, user, model, method, args=(), kwargs=None, errors=REFUSED):
        result, error = self._call(user, model, method, args, kwargs)
        self.assertIn(
            error, errors, f"{user.login} called {model}.{method}{tuple(args)!r}: got {error or repr(result)}"
        )

    def _events(self, dossier):
        return (
            self.env["moh.exchange.message"]
            .sudo()
            .search_count(
                [("res_model", "=", "moh.dossier"), ("res_id", "=", dossier.id), ("kind", "=", "portal_event")]
            )
        )

    def _snapshot(self, dossier):
        self.env.invalidate_all()
        dossier = dossier.sudo()
        return {
            "state": dossier.state,
            "payment_state": dossier.payment_state,
            "deadline": dossier.deadline,
            "department": dossier.department_id.id,
            "specialist": dossier.specialist_id.id,
            "result": dossier.result_attachment_id.id,
            "result_document": dossier.result_document_id.id,
            "documents": [(d.id, d.attachment_id.id) for d in dossier.document_ids],
            "values": [(v.id, v.value) for v in dossier.value_ids],
            "handovers": len(dossier.handover_ids),
            "stop": dossier.stop_requested_at,
            "rating": dossier.rating,
            "contact_email": dossier.contact_email,
            "events": self._events(dossier),
        }

    def _paid_submitted(self, user=None):
        dossier = self._submitted(user)
        if self.provider:
            self._pay(dossier)
        else:
            dossier.with_user(self.onestop).action_record_counter_payment()
        return dossier

    def _foreign_attachment(self):
        """A file of someone else's: the kind of attachment an officer would point a result to."""
        return self.env["ir.attachment"].create(
            {
                "name": "bao-cao-mat.pdf",
                "raw": make_pdf("Tai lieu noi bo"),
                "mimetype": "application/pdf",
                "res_model": "moh.outgoing.document",
                "res_id": self._approved().id,
            }
        )

    def _csrf(self, path):
        import re

        found = re.search(r'name="csrf_token" value="([^"]+)"', self.url_open(path).text)
        self.assertTrue(found)
        return found.group(1)

    # -- 1. officers write a dossier's workflow fields directly ---------------------------------

    def test_officers_cannot_write_workflow_fields_and_nothing_reaches_the_national_portal(self):
        dossier = self._paid_submitted()
        before = self._snapshot(dossier)
        self.assertEqual(before["state"], "submitted")
        self.assertEqual(before["events"], 1, "the real submission was queued")
        attachment = self._foreign_attachment()
        forged = [
            {"state": "approval"},
            {"state": "done"},
            {"payment_state": "paid"},
            {"deadline": "2030-01-01"},
            {"code": "000.00.04.G18-991231-0001"},
            {"lookup_secret": "AAAAAAAA"},
            {"result_attachment_id": attachment.id},
            {"specialist_id": self.specialist.id},
            {"department_id": self.department_legal.id},
            {"contact_email": "attacker@example.com"},
            {"partner_id": self.business_b.id},
            {"rating": "3"},
            {"supplement_count": 0},
            {"document_ids": [(2, dossier.document_ids.id)]},
            {"access_token": "known-token"},
        ]
        for user in (self.onestop, self.specialist, self.head):
            for vals in forged:
                with self.subTest(user=user.login, vals=list(vals)):
                    self.assertRefused(user, "moh.dossier", "write", [dossier.ids, vals])
        # Nor by creating a dossier with its workflow fields set, or by a default_ context key.
        self.assertRefused(
            self.onestop,
            "moh.dossier",
            "create",
            [{"procedure_id": self.procedure.id, "partner_id": self.business_a.id, "state": "done"}],
        )
        self.assertRefused(
            self.onestop,
            "moh.dossier",
            "create",
            [{}],
            {
                "context": {
                    "default_procedure_id": self.procedure.id,
                    "default_partner_id": self.business_a.id,
                    "default_state": "approval",
                }
            },
        )
        # Nor through its documents, hand-overs and form answers.
        self.assertRefused(
            self.onestop, "moh.dossier.document", "write", [dossier.document_ids.ids, {"attachment_id": attachment.id}]
        )
        self.assertRefused(self.onestop, "moh.dossier.value", "write", [dossier.value_ids.ids, {"value": "Khác"}])
        self.assertRefused(
            self.onestop,
            "moh.dossier.handover",
            "write",
            [dossier.handover_ids.ids, {"done_at": "2020-01-01 00:00:00"}],
        )
        self.assertEqual(self._snapshot(dossier), before)
        self.assertEqual(self._events(dossier), 1, "no false status was queued for the national portal")
        # The real step still works, and is the one that reaches the portal.
        _result, error = self._call(self.onestop, "moh.dossier", "action_accept", [dossier.ids])
        self.assertIsNone(error)
        self.assertEqual(dossier.sudo().state, "received")
        self.assertEqual(self._events(dossier), 2)

    # -- 2. the e-result route serves only the dossier's own issued result ------------------------

    def test_a_foreign_attachment_is_never_served_as_the_result(self):
        dossier = self._paid_submitted()
        attachment = self._foreign_attachment()
        self.assertRefused(self.onestop, "moh.dossier", "write", [dossier.ids, {"result_attachment_id": attachment.id}])
        self.assertFalse(dossier.sudo().result_attachment_id)
        # Even if a dossier names a foreign file as its result (as the old writable field allowed),
        # the business is not served it: it is not the copy of the dossier's issued result.
        dossier.sudo().write({"state": "done", "result_attachment_id": attachment.id})
        self.authenticate(self.portal_a.login, self.passwords[self.portal_a.id])
        response = self.url_open(f"/my/dossiers/{dossier.id}/result")
        self.assertEqual(response.status_code, 404)
        self.assertNotIn(b"%PDF", response.content[:10])
        # Nor an officer's file on the dossier named like a slip.
        note = self.env["ir.attachment"].create(
            {
                "name": f"{dossier.code}-phieu-noi-bo.pdf",
                "raw": make_pdf("Ghi chu noi bo"),
                "res_model": "moh.dossier",
                "res_id": dossier.id,
            }
        )
        self.assertEqual(self.url_open(f"/my/dossiers/{dossier.id}/slip/{note.id}").status_code, 404)
        # Nor an officer's file made a slip or the e-result by its role: the steps alone set it.
        forged = {
            "name": "ket-qua.pdf",
            "raw": base64.b64encode(make_pdf("Gia ket qua")).decode(),
            "mimetype": "application/pdf",
            "res_model": "moh.dossier",
            "res_id": dossier.id,
        }
        for role in ("result", "receipt_slip", "dossier_file"):
            with self.subTest(role=role):
                self.assertRefused(self.onestop, "ir.attachment", "create", [{**forged, "moh_role": role}])
                self.assertRefused(self.onestop, "ir.attachment", "write", [note.ids, {"moh_role": role}])
                self.assertRefused(self.portal_a, "ir.attachment", "write", [note.ids, {"moh_role": role}])
        self.assertFalse(note.moh_role)
        self.assertFalse(
            self.env["ir.attachment"].search(
                [("res_model", "=", "moh.dossier"), ("res_id", "=", dossier.id), ("moh_role", "=", "result")]
            )
        )

    # -- 3. the outgoing document's dossier link --------------------------------------------------

    def test_an_outgoing_document_cannot_be_made_a_business_e_result(self):
        dossier = self._paid_submitted()
        doc = (
            self.env["moh.outgoing.document"]
            .with_user(self.specialist)
            .create(
                {
                    "document_type_id": self.env.ref("moh_documents.document_type_cong_van").id,
                    "department_id": self.department_drug.id,
                    "abstract": "Văn bản của chuyên viên",
                    "body": "Nội dung tự soạn.",
                    "signer_id": self.leader.id,
                }
            )
        )
        self.assertRefused(self.specialist, "moh.outgoing.document", "write", [doc.ids, {"dossier_id": dossier.id}])
        self.assertRefused(
            self.specialist,
            "moh.outgoing.document",
            "create",
            [
                {
                    "document_type_id": self.env.ref("moh_documents.document_type_cong_van").id,
                    "department_id": self.department_drug.id,
                    "abstract": "Giả kết quả",
                    "body": "x",
                    "signer_id": self.leader.id,
                    "dossier_id": dossier.id,
                }
            ],
        )
        _result, _error = self._call(
            self.specialist,
            "moh.outgoing.document",
            "create",
            [
                {
                    "document_type_id": self.env.ref("moh_documents.document_type_cong_van").id,
                    "department_id": self.department_drug.id,
                    "abstract": "Giả kết quả qua ngữ cảnh",
                    "body": "x",
                    "signer_id": self.leader.id,
                }
            ],
            {"context": {"default_dossier_id": dossier.id}},
        )
        self.assertFalse(self.env["moh.outgoing.document"].search([("dossier_id", "=", dossier.id)]))
        self.assertFalse(doc.dossier_id)
        self.assertEqual(dossier.sudo().state, "submitted")

    # -- 4. the partner API: no ORM rights, no portal identity, its own key scope -----------------

    def test_only_a_system_administrator_gives_a_partner_its_key(self):
        partner_user = new_test_user(
            self.env, login="t_api_partner_key", groups="moh_documents.group_api_partner", name="Hệ thống đối tác"
        )
        Checks = self.env["res.users.identitycheck"].sudo()
        checks = Checks.search_count([])
        eoffice_admin = new_test_user(self.env, login="t_eoffice_admin_key", groups="moh_documents.group_moh_admin")
        for user in (self.onestop, self.specialist, self.portal_a, eoffice_admin):
            with self.subTest(user=user.login):
                # Refused before Odoo's identity check: no dialog, no key.
                self.assertRefused(
                    user,
                    "res.users",
                    "action_moh_new_partner_api_key",
                    [partner_user.ids],
                    errors=("odoo.exceptions.AccessError",),
                )
        self.assertEqual(Checks.search_count([]), checks)
        self.assertFalse(self.env["res.users.apikeys"].sudo().search([("user_id", "=", partner_user.id)]))

    def test_a_partner_system_gets_no_portal_no_rpc_and_only_its_scope(self):
        partner_user = new_test_user(
            self.env, login="t_api_partner_sec", groups="moh_documents.group_api_partner", name="Hệ thống đối tác"
        )
        Keys = self.env["res.users.apikeys"].with_user(partner_user).sudo()
        scoped = Keys._generate("moh_partner_api", "Khóa API đối tác", None)
        unscoped = Keys._generate(None, "Khóa không phạm vi", None)
        dossier = self._paid_submitted()
        before = self._snapshot(dossier)

        self.assertFalse(partner_user._is_portal() or partner_user._is_internal(), "no portal or employee identity")
        self.assertFalse(self.env["moh.dossier"].with_user(partner_user).has_access("read"))
        self.assertFalse(self.env["moh.outgoing.document"].with_user(partner_user).has_access("read"))
        # /json/2 with either key: 401.
        for key in (scoped, unscoped):
            response = self.url_open(
                "/json/2/moh.dossier/search_read",
                data=json.dumps({"domain": [], "fields": ["code"]}),
                headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"},
            )
            self.assertIn(response.status_code, (401, 403), response.text[:200])
            self.assertNotIn(dossier.code, response.text)
        # XML-RPC: neither key nor password authenticates.
        for secret in (scoped, unscoped, "t_api_partner_sec"):
            self.assertFalse(self.xmlrpc_common.authenticate(self.env.cr.dbname, partner_user.login, secret, {}))
            with self.assertRaises(xmlrpc.client.Fault):
                self.xmlrpc_object.execute_kw(
                    self.env.cr.dbname,
                    partner_user.id,
                    secret,
                    "moh.dossier",
                    "search_read",
                    [[]],
                    {"fields": ["code"]},
                )
        # No web session either.
        self.authenticate(None, None)
        response = self.url_open(
            "/web/session/authenticate",
            data=json.dumps(
                {
                    "jsonrpc": "2.0",
                    "method": "call",
                    "id": 1,
                    "params": {"db": self.env.cr.dbname, "login": partner_user.login, "password": "t_api_partner_sec"},
                }
            ),
            headers={"Content-Type": "application/json"},
        )
        self.assertIn("error", response.json())
        # The API itself: only the API's scope, only the followed procedures.
        partner_user.moh_api_procedure_ids = self.procedure
        ok = self.url_open(f"/api/v1/dossiers/{dossier.code}", headers={"Authorization": f"Bearer {scoped}"})
        self.assertEqual(ok.status_code, 200, ok.text)
        refused = self.url_open(f"/api/v1/dossiers/{dossier.code}", headers={"Authorization": f"Bearer {unscoped}"})
        self.assertEqual(refused.status_code, 401)
        self.assertNotIn(dossier.code, refused.text)
        partner_user.moh_api_procedure_ids = False
        self.assertEqual(
            self.url_open(
                f"/api/v1/dossiers/{dossier.code}", headers={"Authorization": f"Bearer {scoped}"}
            ).status_code,
            404,
        )
        # A partner system's user cannot be made a portal user or an employee as well.
        with self.assertRaises(Exception), self.env.cr.savepoint():
            partner_user.group_ids = [(4, self.env.ref("base.group_portal").id)]
        self.assertEqual(self._snapshot(dossier), before)

    def test_an_employees_key_without_scope_is_not_a_partner_key(self):
        dossier = self._paid_submitted()
        key = self.env["res.users.apikeys"].with_user(self.onestop).sudo()._generate(None, "Khóa RPC", None)
        response = self.url_open(f"/api/v1/dossiers/{dossier.code}", headers={"Authorization": f"Bearer {key}"})
        self.assertEqual(response.status_code, 401)
        self.assertNotIn(dossier.code, response.text)

    # -- 5. every public method checks the caller first -------------------------------------------

    def test_steps_refuse_the_wrong_role_and_change_nothing(self):
        submitted = self._paid_submitted()
        received = self._paid_submitted()
        received.with_user(self.onestop).action_accept()
        before = {d.id: self._snapshot(d) for d in (submitted, received)}
        attempts = [
            # A plain employee moves nothing, directly or through the step wizard.
            (self.plain_user, "action_accept", submitted, ()),
            (self.plain_user, "action_refuse", submitted, ("Từ chối giả",)),
            (self.plain_user, "action_assign", received, ()),
            # A specialist does not receive or assign on receipt: the one-stop shop does.
            (self.specialist, "action_accept", submitted, ()),
            (self.specialist, "action_request_supplement", submitted, ("Bổ sung giả",)),
            (self.specialist, "action_assign", received, ()),
            (self.specialist, "action_record_counter_payment", submitted, ()),
            # Another department's specialist and head: not theirs.
            (self.specialist_legal, "action_apologise", received, ("Trễ", "2030-01-01")),
            (self.head_legal, "action_assign", received, ()),
            # The one-stop shop does not ask to stop for the applicant, nor appraise.
            (self.onestop, "action_request_stop", submitted, ("Dừng giả",)),
            # A business moves nothing of the back office, nor another business's dossier.
            (self.portal_a, "action_accept", submitted, ()),
            (self.portal_a, "action_record_counter_payment", submitted, ()),
            (self.portal_a, "action_print_slip", submitted, ()),
            (self.portal_b, "action_request_stop", submitted, ("Dừng giả",)),
            (self.portal_b, "action_submit", submitted, ()),
        ]
        for user, method, dossier, args in attempts:
            with self.subTest(user=user.login, method=method):
                self.assertRefused(user, "moh.dossier", method, [dossier.ids, *args])
        # Private helpers are not callable at all.
        for method in ("_moh_rate", "_moh_payment_done", "_moh_result_issued", "_moh_portal_sync"):
            with self.subTest(method=method):
                self.assertRefused(self.portal_a, "moh.dossier", method, [submitted.ids, "3"])
        # The step wizard: not for a plain employee, and the step checks the role anyway.
        self.assertRefused(
            self.plain_user, "moh.dossier.action.wizard", "create", [{"dossier_id": received.id, "action": "assign"}]
        )
        wizard_id, error = self._call(
            self.specialist_legal,
            "moh.dossier.action.wizard",
            "create",
            [{"dossier_id": received.id, "action": "assign"}],
        )
        if not error:
            self.assertRefused(self.specialist_legal, "moh.dossier.action.wizard", "action_confirm", [[wizard_id]])
        wizard_id, error = self._call(
            self.specialist,
            "moh.dossier.action.wizard",
            "create",
            [{"dossier_id": received.id, "action": "refuse", "reason": "x"}],
        )
        self.assertIsNone(error)
        self.assertRefused(self.specialist, "moh.dossier.action.wizard", "action_confirm", [[wizard_id]])
        for dossier in (submitted, received):
            self.assertEqual(self._snapshot(dossier), before[dossier.id])

    def test_a_business_cannot_mark_its_fee_paid(self):
        dossier = self._submitted()
        self.assertEqual(dossier.sudo().payment_state, "pending")
        self.assertRefused(self.portal_a, "moh.dossier", "write", [dossier.ids, {"payment_state": "paid"}])
        self.assertRefused(
            self.portal_a,
            "payment.transaction",
            "create",
            [
                {
                    "provider_id": (self.provider or self.env["payment.provider"].search([], limit=1)).id,
                    "amount": 500000,
                    "currency_id": self.env.ref("base.VND").id,
                    "partner_id": self.portal_a.partner_id.id,
                    "moh_dossier_ids": [(6, 0, dossier.ids)],
                }
            ],
        )
        self.assertRefused(self.portal_a, "payment.transaction", "_set_done", [[]])
        if self.provider:
            # A confirmed payment by another business does not pay A's fee, nor does a pending one.
            tx = (
                self.env["payment.transaction"]
                .sudo()
                .create(
                    {
                        "provider_id": self.provider.id,
                        "payment_method_id": self.env.ref("payment.payment_method_unknown").id,
                        "reference": f"{dossier.code}-other",
                        "amount": dossier.sudo().fee_amount,
                        "currency_id": dossier.sudo().currency_id.id,
                        "partner_id": self.portal_b.partner_id.id,
                        "moh_dossier_ids": [(6, 0, dossier.ids)],
                    }
                )
            )
            dossier.sudo()._moh_payment_done(tx)
            tx._set_done()
        self.assertEqual(dossier.sudo().payment_state, "pending")

    # -- 6. portal routes: the dossier must be the caller's business's ----------------------------

    def test_other_businesses_a_fresh_sign_up_and_officers_get_404_on_every_dossier_route(self):
        dossier = self._paid_submitted(self.portal_a)
        dossier.with_user(self.onestop).action_accept()  # the receipt slip
        document = dossier.document_ids[:1]
        slip = dossier.sudo().slip_ids[:1]
        self.assertTrue(slip)
        before = self._snapshot(dossier)
        self.env["ir.config_parameter"].sudo().set_param("auth_signup.invitation_scope", "b2c")
        signup = (
            self.env["res.users"]
            .sudo()
            ._signup_create_user(
                {
                    "login": "t_signup",
                    "name": "Người mới đăng ký",
                    "email": "t_signup@example.vn",
                    "password": "t_signup-pass-2026",
                }
            )
        )
        self.assertTrue(signup._is_portal())
        self.passwords[signup.id] = "t_signup-pass-2026"
        for user in (self.portal_b, signup, self.onestop):
            with self.subTest(user=user.login):
                self.authenticate(user.login, self.passwords.get(user.id, user.login))
                self._moh_rpc_login = None
                csrf = self._csrf("/dossier-lookup")
                for url, data in [
                    (f"/my/dossiers/{dossier.id}", None),
                    (f"/my/dossiers/{dossier.id}/file/{document.id}", None),
                    (f"/my/dossiers/{dossier.id}/slip/{slip.id}", None),
                    (f"/my/dossiers/{dossier.id}/result", None),
                    (f"/my/dossiers/{dossier.id}/save", {"csrf_token": csrf, "field_product_name": "Đổi"}),
                    (f"/my/dossiers/{dossier.id}/document/{document.id}/delete", {"csrf_token": csrf}),
                    (f"/my/dossiers/{dossier.id}/rate", {"csrf_token": csrf, "rating": "1"}),
                    (f"/my/dossiers/{dossier.id}/stop", {"csrf_token": csrf, "reason": "Dừng giả"}),
                ]:
                    response = self.url_open(url, data=data)
                    self.assertEqual(response.status_code, 404, url)
                    self.assertNotIn(dossier.code or "-", response.text)
                listing = self.url_open("/my/dossiers")
                self.assertNotIn(dossier.code, listing.text)
                if self.provider:
                    with self.assertRaises(Exception):
                        self.make_jsonrpc_request(
                            f"/my/dossiers/{dossier.id}/transaction",
                            {
                                "access_token": "x",
                                "provider_id": self.provider.id,
                                "payment_method_id": False,
                                "token_id": None,
                                "amount": 1.0,
                                "flow": "direct",
                                "tokenization_requested": False,
                                "landing_route": "/",
                            },
                        )
                # Over RPC: not readable, no stop request, no rating.
                result, error = self._call(user, "moh.dossier", "read", [dossier.ids, ["code", "partner_id"]])
                if user != self.onestop:
                    self.assertIsNotNone(error, f"{user.login} read {result}")
                    self.assertRefused(user, "moh.dossier", "action_request_stop", [dossier.ids, "Dừng giả"])
        self.assertEqual(self._snapshot(dossier), before)
        # The owner still gets its dossier, and its file.
        self.authenticate(self.portal_a2.login, self.passwords[self.portal_a2.id])
        self.assertEqual(self.url_open(f"/my/dossiers/{dossier.id}").status_code, 200)
        response = self.url_open(f"/my/dossiers/{dossier.id}/file/{document.id}")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.content, base64.b64decode(document.sudo().attachment_id.datas))

    def test_the_public_lookup_needs_code_and_secret(self):
        dossier = self._paid_submitted()
        csrf = self._csrf("/dossier-lookup")
        for data in (
            {"code": dossier.code},
            {"code": dossier.code, "secret": "SAI00000"},
            {"secret": dossier.sudo().lookup_secret},
        ):
            response = self.url_open("/dossier-lookup", data={"csrf_token": csrf, **data})
            self.assertNotIn("o_moh_lookup_result", response.text)
        response = self.url_open(
            "/dossier-lookup", data={"csrf_token": csrf, "code": dossier.code, "secret": dossier.sudo().lookup_secret}
        )
        self.assertIn("o_moh_lookup_result", response.text)
        self.assertNotIn(self.business_a.name, response.text)
