"""Key material, the sign wizard, own-token signing sessions and the check before issuing,
attacked as each role would: over JSON-RPC and the HTTP routes, with real sessions."""

import base64
import hashlib
import json

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, utils
from cryptography.hazmat.primitives.serialization import BestAvailableEncryption, pkcs12
from odoo import fields
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from moh_core.testing.fixtures import append_forged_update, sign_pdf

from .common import RpcAttackMixin
from .test_outgoing_signing import OutgoingSigningCase

#: The leader's key password and the seal's PIN in these tests: strings found nowhere else.
LEADER_PASSWORD = "Kh0a-Rieng-Thu-Truong-7Qx2"
SEAL_PIN = "Ma-PIN-Con-Dau-9Zt4"
KEY_FIELDS = ["pkcs12_file", "pin"]
USER_ERRORS = ("odoo.exceptions.UserError", "odoo.exceptions.AccessError")


def reencrypt(p12_path, old_password, new_password):
    """The PKCS#12 file of ``p12_path``, encrypted under ``new_password``."""
    with open(p12_path, "rb") as handle:
        key, cert, chain = pkcs12.load_key_and_certificates(handle.read(), old_password.encode())
    return pkcs12.serialize_key_and_certificates(
        b"key", key, cert, chain, BestAvailableEncryption(new_password.encode())
    )


@tagged("post_install", "-at_install")
class TestSecuritySigning(RpcAttackMixin, OutgoingSigningCase, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.leader_p12 = reencrypt(cls.pki.signer.p12_path, cls.pki.password, LEADER_PASSWORD)
        cls.leader_key.pkcs12_file = base64.b64encode(cls.leader_p12)
        cls.seal_key = cls._moh_test_seal("Con dấu (kiểm thử bảo mật)")
        cls.seal_p12 = reencrypt(cls.pki.seal.p12_path, cls.pki.password, SEAL_PIN)
        cls.seal_key.write({"pkcs12_file": base64.b64encode(cls.seal_p12), "pin": SEAL_PIN})
        cls.seal_key._moh_read_certificate()
        cls.leader_key._moh_read_certificate(LEADER_PASSWORD)
        cls.system_admin = new_test_user(
            cls.env, login="t_sysadmin", name="System Admin", groups="base.group_system,moh_documents.group_moh_admin"
        )
        cls.register = cls.env["moh.document.register"].create(
            {"name": "Sổ văn bản đi (kiểm thử bảo mật)", "code": "TEST-BM", "direction": "outgoing"}
        )

    def setUp(self):
        super().setUp()
        failures = getattr(self.registry, "_moh_signing_key_failures", None)
        if failures is not None:
            failures.clear()
            self.addCleanup(failures.clear)

    # -- helpers --------------------------------------------------------------------------------

    def _markers(self):
        """Pieces of the key material that must never come back (raw and base64)."""
        markers = [LEADER_PASSWORD, SEAL_PIN]
        for data in (self.leader_p12, self.seal_p12):
            text = base64.b64encode(data).decode()
            markers += [text[120:180], text[-80:-20]]
        return markers

    def assertNothingLeaks(self, what, *values):
        dumped = json.dumps(values, default=str)
        for marker in self._markers():
            self.assertFalse(marker in dumped, f"{what} gave away key material")

    def _signed(self):
        doc = self._approved()
        doc.sudo().register_id = self.register
        doc.with_user(self.leader).action_sign(LEADER_PASSWORD)
        self.assertEqual(doc.state, "signed")
        return doc

    def _snapshot(self, doc):
        self.env.invalidate_all()
        doc = doc.sudo()
        year = fields.Date.context_today(doc).year
        return (
            doc.state,
            doc.number,
            doc.year,
            doc.issue_date,
            doc.pdf_id.id,
            doc.signed_checksum,
            self.env["moh.outgoing.document"]
            .sudo()
            .search_count([("register_id", "=", self.register.id), ("number", "!=", False)]),
            # the register's next number: none was consumed
            self.register._moh_allocate_number("moh.outgoing.document", year),
        )

    def _put_in_place(self, doc, pdf, checksum=True):
        """What an attacker could do before the workflow guard: put a PDF of their own in
        place of the signed one (done here in superuser mode, as test setup)."""
        attachment = self.env["ir.attachment"].create(
            {"name": "gia-mao.pdf", "raw": pdf, "mimetype": "application/pdf", "res_model": doc._name, "res_id": doc.id}
        )
        values = {"pdf_id": attachment.id, "state": "signed", "register_id": self.register.id}
        if checksum:
            values["signed_checksum"] = hashlib.sha256(pdf).hexdigest()
        doc.sudo().write(values)

    def _assert_issue_refused(self, doc, reason):
        before = self._snapshot(doc)
        _result, error = self._rpc(self.clerk, "moh.outgoing.document", "action_issue", [doc.ids])
        self.assertEqual(error, "odoo.exceptions.UserError", f"{reason}: the clerk issued it")
        self.assertEqual(self._snapshot(doc), before, f"{reason}: something changed")
        self.assertFalse(doc.sudo().number, reason)

    # -- 1. key material is never readable ------------------------------------------------------

    def test_key_material_never_comes_back_to_anyone(self):
        keys = self.leader_key | self.seal_key | self.deputy_key
        users = (
            self.system_admin,
            self.admin,
            self.clerk,
            self.leader,
            self.deputy,
            self.head,
            self.specialist,
            self.plain_user,
            self.portal,
        )
        spec = {name: {} for name in KEY_FIELDS + ["name", "pkcs12_uploaded"]}
        for user in users:
            with self.subTest(user=user.login):
                calls = [
                    ("read", [keys.ids, KEY_FIELDS], {}),
                    ("read", [keys.ids], {}),
                    ("search_read", [[]], {"fields": KEY_FIELDS + ["name"]}),
                    ("search_read", [[]], {}),
                    ("web_read", [keys.ids], {"specification": spec}),
                    ("web_search_read", [[]], {"specification": spec}),
                    ("export_data", [keys.ids, KEY_FIELDS + ["name"]], {}),
                    ("read_group", [[], KEY_FIELDS, ["usage"]], {}),
                    ("formatted_read_group", [[]], {"groupby": ["usage"], "aggregates": ["__count"]}),
                    ("search_count", [[("pin", "=", SEAL_PIN)]], {}),
                    ("search", [[("pkcs12_file", "!=", False)]], {}),
                    ("copy_data", [keys.ids], {}),
                ]
                for method, args, kwargs in calls:
                    result, error = self._rpc(user, "moh.signing.key", method, args, kwargs)
                    self.assertNothingLeaks(f"{user.login}: {method}", result, error)
                self.assertRpcRefused(
                    user,
                    "moh.signing.key",
                    "search_count",
                    [[("pin", "=", SEAL_PIN)]],
                    errors=("odoo.exceptions.AccessError", "odoo.exceptions.UserError"),
                )
                for key in keys:
                    for route in ("content", "image"):
                        for field in ("pkcs12_file", "pin"):
                            response = self.url_open(f"/web/{route}/moh.signing.key/{key.id}/{field}")
                            self.assertNothingLeaks(f"{user.login}: /web/{route} {field}", response.text)
                            self.assertNotIn(self.leader_p12[100:160], response.content)
                            self.assertNotIn(self.seal_p12[100:160], response.content)
        # The key material is still there, for the signing code alone.
        self.assertEqual(self.leader_key._moh_secret(), (self.leader_p12, None))
        self.assertEqual(self.seal_key._moh_secret(), (self.seal_p12, SEAL_PIN))

    def test_an_administrator_uploads_a_key_but_never_reads_it_back(self):
        p12 = reencrypt(self.pki.signer.p12_path, self.pki.password, "another-Secret-42")
        result, error = self._rpc(
            self.admin,
            "moh.signing.key",
            "create",
            [
                {
                    "name": "Khóa mới",
                    "usage": "personal",
                    "user_id": self.head.id,
                    "pkcs12_file": base64.b64encode(p12).decode(),
                }
            ],
        )
        self.assertFalse(error)
        key = self.env["moh.signing.key"].browse(result)
        self.assertEqual(key._moh_secret()[0], p12)
        read, _error = self._rpc(self.admin, "moh.signing.key", "read", [[key.id], ["pkcs12_file", "pkcs12_uploaded"]])
        self.assertEqual((read[0]["pkcs12_file"], read[0]["pkcs12_uploaded"]), (False, True))
        # The certificate shown for a key is read from the key, never typed in.
        self.assertRpcRefused(
            self.admin,
            "moh.signing.key",
            "write",
            [
                [key.id],
                {"certificate": base64.b64encode(self.pki.seal.der).decode(), "certificate_subject": "CN=Bộ trưởng"},
            ],
        )
        self.assertFalse(key.certificate)
        # Nor is a key holding a file given to someone else (who could then try its password).
        self.assertRpcRefused(
            self.admin,
            "moh.signing.key",
            "write",
            [self.leader_key.ids, {"user_id": self.admin.id}],
            errors=("odoo.exceptions.UserError",),
        )
        self.assertEqual(self.leader_key.user_id, self.leader)

    # -- 2. no password oracle ----------------------------------------------------------------

    def test_no_one_tries_passwords_on_someone_elses_key(self):
        key = self.leader_key
        before = (key.certificate_subject, key.valid_until)
        for user in (self.system_admin, self.admin, self.head, self.clerk, self.deputy, self.specialist, self.portal):
            for password in (LEADER_PASSWORD, "wrong"):
                with self.subTest(user=user.login, password=password):
                    _result, error = self._rpc(
                        user, "moh.signing.key", "action_read_certificate", [key.ids], {"password": password}
                    )
                    self.assertEqual(error, "odoo.exceptions.AccessError")
        # The seal: an administrator reads its certificate with the stored PIN, no password tried.
        self.assertRpcRefused(
            self.admin,
            "moh.signing.key",
            "action_read_certificate",
            [self.seal_key.ids],
            {"password": "guess"},
            errors=("odoo.exceptions.UserError",),
        )
        for user in (self.clerk, self.leader, self.specialist):
            self.assertRpcRefused(user, "moh.signing.key", "action_read_certificate", [self.seal_key.ids])
        _result, error = self._rpc(self.admin, "moh.signing.key", "action_read_certificate", [self.seal_key.ids])
        self.assertFalse(error)
        self.env.invalidate_all()
        self.assertEqual((key.certificate_subject, key.valid_until), before)

    # A wrong password is logged as a warning for the administrators: expected here.
    @mute_logger("odoo.addons.moh_documents.models.moh_signing_key")
    def test_wrong_passwords_lock_the_key_for_a_while(self):
        key = self.leader_key
        for attempt in range(5):
            _result, error = self._rpc(
                self.leader, "moh.signing.key", "action_read_certificate", [key.ids], {"password": f"guess-{attempt}"}
            )
            self.assertEqual(error, "odoo.exceptions.UserError")
        # Locked: even the right password is not tried now, and signing is refused too.
        self.assertRpcRefused(
            self.leader,
            "moh.signing.key",
            "action_read_certificate",
            [key.ids],
            {"password": LEADER_PASSWORD},
            errors=("odoo.exceptions.UserError",),
        )
        doc = self._approved()
        self.assertRpcRefused(
            self.leader,
            "moh.outgoing.document",
            "action_sign",
            [doc.ids],
            {"password": LEADER_PASSWORD},
            errors=("odoo.exceptions.UserError",),
        )
        self.assertEqual(doc.state, "to_sign")
        # Once the lock is over, the owner opens the key again.
        self.registry._moh_signing_key_failures.clear()
        _result, error = self._rpc(
            self.leader, "moh.signing.key", "action_read_certificate", [key.ids], {"password": LEADER_PASSWORD}
        )
        self.assertFalse(error)

    # -- 3. the sign wizard stores no password -------------------------------------------------

    def test_the_sign_wizard_never_stores_the_password(self):
        docs = self._approved() | self._approved()
        # What the web client does: save the dialog's record, then call the button with its context.
        saved, error = self._rpc(
            self.leader,
            "moh.outgoing.sign.wizard",
            "web_save",
            [[], {"document_ids": [[6, 0, docs.ids]], "password": LEADER_PASSWORD}],
            {"specification": {"password": {}}},
        )
        self.assertFalse(error)
        wizard_id = saved[0]["id"]
        self.assertFalse(saved[0].get("password"))
        action, error = self._rpc(
            self.leader,
            "moh.outgoing.sign.wizard",
            "action_sign",
            [[wizard_id]],
            {"context": {"moh_password": LEADER_PASSWORD}},
        )
        self.assertFalse(error)
        # Several documents: a signing batch, run here at once (its thread in production); neither
        # it nor its documents keep the password (checked below, in every column).
        self.env["moh.signing.batch"].with_user(self.leader).browse(action["res_id"])._moh_run()
        self.env.invalidate_all()
        self.assertEqual(set(docs.mapped("state")), {"signed"})
        cr = self.env.cr
        cr.execute("SELECT column_name FROM information_schema.columns WHERE table_name = 'moh_outgoing_sign_wizard'")
        self.assertNotIn("password", {name for (name,) in cr.fetchall()})
        cr.execute("SELECT to_jsonb(w)::text FROM moh_outgoing_sign_wizard w WHERE id = %s", [wizard_id])
        self.assertNotIn(LEADER_PASSWORD, cr.fetchone()[0])
        # Nowhere in the database: every text, JSON and binary column of every table.
        cr.execute("""
            SELECT c.table_name, c.column_name, c.data_type FROM information_schema.columns c
              JOIN information_schema.tables t ON t.table_name = c.table_name AND t.table_schema = c.table_schema
             WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE'
               AND c.data_type IN ('text', 'character varying', 'jsonb', 'bytea')""")
        found = []
        for table, column, data_type in cr.fetchall():
            if data_type == "bytea":
                condition = f"position(convert_to(%s, 'UTF8') in \"{column}\") > 0"
            else:
                condition = f"\"{column}\"::text LIKE '%%' || %s || '%%'"
            cr.execute(f'SELECT 1 FROM "{table}" WHERE {condition} LIMIT 1', [LEADER_PASSWORD])
            if cr.fetchone():
                found.append(f"{table}.{column}")
        self.assertEqual(found, [], "the password was written to the database")
        # Another user's sign dialog is neither read nor used.
        for user in (self.deputy, self.specialist):
            self.assertRpcRefused(user, "moh.outgoing.sign.wizard", "read", [[wizard_id], ["document_ids"]])
            self.assertRpcRefused(
                user,
                "moh.outgoing.sign.wizard",
                "action_sign",
                [[wizard_id]],
                {"context": {"moh_password": LEADER_PASSWORD}},
            )

    # -- 4. action_issue verifies the signer's signature --------------------------------------

    def test_a_properly_signed_document_is_issued(self):
        doc = self._signed()
        _result, error = self._rpc(self.clerk, "moh.outgoing.document", "action_issue", [doc.ids])
        self.assertFalse(error)
        self.env.invalidate_all()
        self.assertEqual(doc.state, "issued")
        self.assertEqual(doc.number, 1, "the first number of the class's own register")

    def test_an_unsigned_pdf_is_not_issued(self):
        doc = self._approved()
        pdf = doc._moh_prepare_for_signing().raw
        self._put_in_place(doc, pdf)
        self._assert_issue_refused(doc, "unsigned PDF")

    def test_a_pdf_signed_by_someone_else_is_not_issued(self):
        doc = self._approved()
        pdf = doc._moh_prepare_for_signing().raw
        # Signed with another valid key of the same trusted authority, in the signer's field.
        forged = sign_pdf(pdf, self.pki.seal.p12_path, self.pki.password, field_name="signer")
        self._put_in_place(doc, forged)
        self._assert_issue_refused(doc, "another person's signature")
        # The deputy's own key (revoked) signing a document whose signer is the leader.
        forged = sign_pdf(pdf, self.pki.revoked_signer.p12_path, self.pki.password, field_name="signer")
        self._put_in_place(doc, forged)
        self._assert_issue_refused(doc, "the deputy's signature")

    def test_a_pdf_changed_after_signing_is_not_issued(self):
        doc = self._signed()
        signed = doc.sudo().pdf_id.raw
        # A forged revision appended after the signature, checksum left as recorded at signing.
        self._put_in_place(doc, append_forged_update(signed, "Điều 1. Sửa sau khi ký"), checksum=False)
        self._assert_issue_refused(doc, "appended revision")
        # The same, with the checksum made to match.
        self._put_in_place(doc, append_forged_update(signed, "Điều 1. Sửa sau khi ký"))
        self._assert_issue_refused(doc, "appended revision, checksum rewritten")
        # Bytes appended after the end of the file.
        self._put_in_place(doc, signed + b"\n%% phu luc\n")
        self._assert_issue_refused(doc, "appended bytes")
        # One signed byte changed.
        tampered = bytearray(signed)
        tampered[len(tampered) // 3] ^= 0x01
        self._put_in_place(doc, bytes(tampered))
        self._assert_issue_refused(doc, "changed bytes")
        # The genuine file, put back, is issued.
        self._put_in_place(doc, signed)
        _result, error = self._rpc(self.clerk, "moh.outgoing.document", "action_issue", [doc.ids])
        self.assertFalse(error)

    # -- 5. own-token signing sessions ----------------------------------------------------------

    def _call(self, url, **params):
        response = self.url_open(
            url, data=json.dumps({"jsonrpc": "2.0", "params": params}), headers={"Content-Type": "application/json"}
        )
        self.assertEqual(response.status_code, 200)
        return response.json()

    def _prepare(self, doc):
        self.authenticate(self.leader.login, self.leader.login)
        self._moh_rpc_login = self.leader.login
        return self._call(
            f"/moh/outgoing/{doc.id}/sign/prepare",
            certificate=base64.b64encode(self.pki.signer.der).decode(),
            chain=[base64.b64encode(self.pki.intermediate.der).decode()],
        )["result"]

    def _token_signature(self, prepared):
        value = self.pki.signer.private_key.sign(
            base64.b64decode(prepared["digest"]),
            padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=prepared["pss_salt_length"]),
            utils.Prehashed(hashes.SHA256()),
        )
        return base64.b64encode(value).decode()

    def test_a_signing_session_is_its_signers_alone(self):
        doc = self._approved()
        prepared = self._prepare(doc)
        token = prepared["session"]
        signature = self._token_signature(prepared)
        # Nobody reads sessions through the ORM, the signer included; the token is not stored.
        for user in (self.system_admin, self.admin, self.leader, self.head):
            self.assertRpcRefused(user, "moh.signing.session", "search_read", [[]], {"fields": []})
        self.env.cr.execute("SELECT to_jsonb(s)::text FROM moh_signing_session s")
        self.assertNotIn(token, "".join(row[0] for row in self.env.cr.fetchall()))
        # Another user finishes it with a valid signature value: refused, over both entry points.
        self.authenticate(self.head.login, self.head.login)
        self._moh_rpc_login = self.head.login
        self.assertIn("error", self._call("/moh/outgoing/sign/finish", session=token, signature=signature))
        self.assertRpcRefused(
            self.head, "moh.outgoing.document", "moh_sign_finish", [token, signature], errors=USER_ERRORS
        )
        self.assertRpcRefused(
            self.head,
            "moh.outgoing.document",
            "moh_sign_prepare",
            [[doc.id]],
            {"certificate": base64.b64encode(self.pki.signer.der).decode()},
        )
        self.env.invalidate_all()
        self.assertEqual(doc.state, "to_sign")
        # The signer finishes it.
        self.authenticate(self.leader.login, self.leader.login)
        finished = self._call("/moh/outgoing/sign/finish", session=token, signature=signature)
        self.assertEqual(finished.get("result", {}).get("state"), "signed", finished)

    def test_an_expired_signing_session_is_refused(self):
        doc = self._approved()
        prepared = self._prepare(doc)
        self.env.cr.execute("UPDATE moh_signing_session SET create_date = create_date - interval '16 minutes'")
        finished = self._call(
            "/moh/outgoing/sign/finish", session=prepared["session"], signature=self._token_signature(prepared)
        )
        self.assertIn("error", finished)
        self.env.invalidate_all()
        self.assertEqual(doc.state, "to_sign")

    # -- 6. signature checks and trusted authorities -------------------------------------------

    def test_signature_checks_and_trusted_authorities_are_not_writable(self):
        doc = self._signed()
        check = doc.sudo().signature_validation_ids[:1]
        root = self.env["moh.trust.root"].search([], limit=1)
        for user in (self.admin, self.clerk, self.leader, self.specialist, self.head):
            with self.subTest(user=user.login):
                self.assertRpcRefused(user, "moh.signature.validation", "write", [check.ids, {"valid": False}])
                self.assertRpcRefused(
                    user,
                    "moh.signature.validation",
                    "create",
                    [
                        {
                            "res_model": doc._name,
                            "res_id": doc.id,
                            "attachment_id": doc.sudo().pdf_id.id,
                            "field_name": "signer",
                            "signed_by_id": self.leader.id,
                            "valid": True,
                        }
                    ],
                )
                self.assertRpcRefused(user, "moh.signature.validation", "unlink", [check.ids])
        for user in (self.clerk, self.leader, self.specialist, self.head):
            self.assertRpcRefused(
                user,
                "moh.trust.root",
                "create",
                [{"name": "CA giả mạo", "certificate": base64.b64encode(self.pki.root.der).decode()}],
            )
            self.assertRpcRefused(user, "moh.trust.root", "write", [root.ids, {"active": False}])
        for model in ("moh.trust.root", "moh.signature.validation", "moh.signing.key"):
            self.assertRpcRefused(self.portal, model, "search_read", [[]], {"fields": ["id"]})
        self.env.invalidate_all()
        self.assertTrue(check.valid and root.active)

    def test_signature_checks_are_read_by_the_documents_readers_only(self):
        doc = self._signed()
        checks = doc.sudo().signature_validation_ids
        self.assertTrue(checks)
        domain = [("res_model", "=", doc._name), ("res_id", "=", doc.id)]
        # A specialist of another department, and an employee with no e-office role, do not read
        # the document, so not its signature checks either.
        for user in (self.specialist_legal, self.plain_user):
            with self.subTest(user=user.login):
                found, error = self._rpc(
                    user, "moh.signature.validation", "search_read", [domain], {"fields": ["signer_name"]}
                )
                self.assertEqual((found, error), ([], None))
                self.assertRpcRefused(user, "moh.signature.validation", "read", [checks.ids, ["signer_name"]])
        # Its readers do.
        for user in (self.leader, self.specialist, self.clerk):
            with self.subTest(user=user.login):
                found, error = self._rpc(
                    user, "moh.signature.validation", "search_read", [domain], {"fields": ["signer_name"]}
                )
                self.assertFalse(error)
                self.assertEqual({row["id"] for row in found}, set(checks.ids))
                read, error = self._rpc(
                    user,
                    "moh.outgoing.document",
                    "web_read",
                    [doc.ids],
                    {"specification": {"signature_validation_ids": {"fields": {"valid": {}}}}},
                )
                self.assertFalse(error)
                self.assertTrue(read[0]["signature_validation_ids"])
