import base64
import json
import tempfile

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, utils
from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, tagged

from moh_core.signatures import ValidationMaterial, validate_pdf_signatures
from moh_core.testing.csc import SIGNER_CREDENTIAL, start_csc_service
from moh_core.testing.fixtures import TimestampServer

from .common import RpcAttackMixin
from .test_outgoing_signing import OutgoingSigningCase

TOKEN = "jeton-cua-thu-truong"


@tagged("post_install", "-at_install")
class TestRemoteSigning(RpcAttackMixin, OutgoingSigningCase, HttpCase):
    """A demo leader's key at a remote signing service (CSC; certomancer-csc-dummy over HTTP on
    127.0.0.1): the server never holds it, the service signs once the leader approves."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.csc_dir = tempfile.TemporaryDirectory()
        cls.addClassCleanup(cls.csc_dir.cleanup)
        cls.csc = start_csc_service(cls.csc_dir.name, access_token=TOKEN)
        cls.addClassCleanup(cls.csc.stop)
        cls.env["moh.trust.root"].create(
            [
                {
                    "name": "Remote signing root",
                    "role": "root",
                    "certificate": base64.b64encode(cls.csc.root_der),
                    "crl": base64.b64encode(cls.csc.crls[0]),
                },
                {
                    "name": "Remote signing issuing CA",
                    "role": "intermediate",
                    "certificate": base64.b64encode(cls.csc.certificates["interm"]),
                    "crl": base64.b64encode(cls.csc.crls[1]),
                },
            ]
        )
        cls.vice_minister = cls.env.ref("moh_documents.user_thutruong")
        Key = cls.env["moh.signing.key"]
        Key.search([("user_id", "=", cls.vice_minister.id)]).active = False  # the demo's PKCS#12 key
        cls.remote_key = Key.with_user(cls.admin).create(
            {
                "name": "Ký số từ xa của Thứ trưởng",
                "user_id": cls.vice_minister.id,
                "kind": "csc",
                "csc_service_url": cls.csc.url,
                "csc_credential_id": SIGNER_CREDENTIAL,
                "csc_access_token": TOKEN,
            }
        )

    def _stored_token(self):
        return self.remote_key.sudo()._moh_remote_token()

    def _notifications(self):
        notes = self.env["bus.bus"].sudo().search([("message", "like", "simple_notification")])
        return [json.loads(note.message)["payload"].get("message", "") for note in notes]

    def test_vice_minister_signs_one_document_through_the_service(self):
        self.remote_key.with_user(self.vice_minister).action_read_certificate()
        self.assertIn("Ký Từ Xa", self.remote_key.certificate_subject)
        doc = self._approved(signer=self.vice_minister)
        calls = len(self.csc.sign_hash_calls)
        doc.with_user(self.vice_minister).action_sign()
        self.assertEqual(doc.state, "signed")
        check = doc.signature_validation_ids
        self.assertTrue(check.valid and check.trusted and check.intact, check.explanation)
        self.assertEqual(base64.b64decode(check.signing_certificate), self.csc.certificates["signer"])
        # the service made the signature, after an authorization pinned to this one hash
        self.assertEqual(len(self.csc.sign_hash_calls), calls + 1)
        self.assertEqual(self.csc.authorize_calls[-1]["numSignatures"], 1)
        # the leader was asked on screen to approve, and told when it came, in his language
        notes = self._notifications()
        self.assertTrue(any("Hãy xác nhận ký 1 văn bản" in note for note in notes), notes)
        self.assertTrue(any("Đã xác nhận: tiếp tục ký" in note for note in notes), notes)

    def test_vice_minister_signs_a_batch(self):
        docs = self._approved(signer=self.vice_minister) | self._approved(signer=self.vice_minister)
        docs |= self._approved(signer=self.vice_minister)
        calls = len(self.csc.sign_hash_calls)
        wizard = (
            self.env["moh.outgoing.sign.wizard"]
            .with_user(self.vice_minister)
            .create({"document_ids": [(6, 0, docs.ids)]})
        )
        self.assertTrue(wizard.remote)
        action = wizard.action_sign()
        batch = self.env["moh.signing.batch"].with_user(self.vice_minister).browse(action["res_id"])
        self.assertEqual(batch.line_ids.document_id, docs)
        authorizations = len(self.csc.authorize_calls)
        self.assertEqual(batch._moh_run(), 3)
        self.assertEqual(set(docs.mapped("state")), {"signed"})
        # The three documents went to the service together: one approval, one signHash call.
        self.assertEqual(len(self.csc.authorize_calls), authorizations + 1)
        self.assertEqual(self.csc.authorize_calls[-1]["numSignatures"], 3)
        self.assertEqual(len(self.csc.sign_hash_calls), calls + 1)
        self.assertEqual(set(batch.line_ids.mapped("state")), {"signed"})
        for doc in docs:
            self.assertTrue(doc.signature_validation_ids.valid, doc.signature_validation_ids.explanation)

    def test_wrong_credential_or_token_is_a_clear_error_and_nothing_is_stored(self):
        doc = self._approved(signer=self.vice_minister)
        attachments = self.env["ir.attachment"].sudo().search([("res_model", "=", doc._name), ("res_id", "=", doc.id)])
        calls = len(self.csc.sign_hash_calls)
        self.remote_key.sudo().csc_credential_id = "moh-csc/nobody"
        with self.assertRaises(UserError) as caught:
            doc.with_user(self.vice_minister).with_context(lang="en_US").action_sign()
        self.assertIn("does not know this credential", str(caught.exception))
        self.remote_key.sudo().csc_credential_id = SIGNER_CREDENTIAL
        self.remote_key.with_user(self.vice_minister).action_set_remote_token("expired-token")
        with self.assertRaises(UserError) as caught:
            doc.with_user(self.vice_minister).with_context(lang="en_US").action_sign()
        self.assertIn("refused the request", str(caught.exception))
        self.assertEqual(doc.state, "to_sign")
        self.assertFalse(doc.signature_validation_ids)
        # the refused attempts stored nothing (the key is opened before any document is touched)
        self.assertEqual(
            self.env["ir.attachment"].sudo().search([("res_model", "=", doc._name), ("res_id", "=", doc.id)]),
            attachments,
        )
        self.assertEqual(len(self.csc.sign_hash_calls), calls)

    def test_wrong_credential_message_in_vietnamese(self):
        self.remote_key.sudo().csc_credential_id = "moh-csc/nobody"
        doc = self._approved(signer=self.vice_minister)
        with self.assertRaises(UserError) as caught:
            doc.with_user(self.vice_minister).with_context(lang="vi_VN").action_sign()
        self.assertIn("không có chứng thư", str(caught.exception))

    def test_nobody_reads_the_access_token_over_rpc(self):
        key = self.remote_key
        # the owner: the token field is not theirs to read, and no domain on it answers guesses
        self.assertRpcRefused(self.vice_minister, key._name, "read", [key.ids, ["csc_access_token"]])
        self.assertRpcRefused(
            self.vice_minister,
            key._name,
            "search_read",
            [[("csc_access_token", "=", TOKEN)], ["name"]],
            errors=("odoo.exceptions.AccessError", "odoo.exceptions.UserError"),
        )
        owner_view, error = self._rpc(self.vice_minister, key._name, "read", [key.ids, ["name", "csc_token_set"]])
        self.assertIsNone(error)
        self.assertTrue(owner_view[0]["csc_token_set"])
        # an administrator writes it but reads back nothing
        admin_view, error = self._rpc(self.admin, key._name, "read", [key.ids, ["csc_access_token"]])
        self.assertIsNone(error)
        self.assertFalse(admin_view[0]["csc_access_token"])
        self.assertRpcRefused(
            self.admin,
            key._name,
            "search",
            [[("csc_access_token", "ilike", "jeton")]],
            errors=("odoo.exceptions.UserError",),
        )
        # another leader, another user: not even the key
        for other in (self.leader, self.plain_user):
            self.assertRpcRefused(other, key._name, "read", [key.ids, ["name"]])
            self.assertRpcRefused(other, key._name, "action_set_remote_token", [key.ids, "stolen"])
            self.assertRpcRefused(other, key._name, "action_open_token_wizard", [key.ids])
        # nor through the dialog made for someone else's key
        dialog, error = self._rpc(self.plain_user, "moh.signing.key.token.wizard", "create", [{"key_id": key.id}])
        self.assertIsNone(error)
        self.assertRpcRefused(
            self.plain_user,
            "moh.signing.key.token.wizard",
            "action_save",
            [[dialog]],
            kwargs={"context": {"moh_token": "stolen"}},
        )
        self.assertEqual(self._stored_token(), TOKEN)
        # and the owner may not hand the key to someone else through an administrator's slip
        with self.assertRaises(UserError):
            key.with_user(self.admin).write({"user_id": self.leader.id})

    def test_owner_sets_a_new_token_through_the_dialog(self):
        action = self.remote_key.with_user(self.vice_minister).action_open_token_wizard()
        wizard = (
            self.env[action["res_model"]].with_user(self.vice_minister).with_context(**action["context"]).create({})
        )
        wizard.with_context(moh_token="  jeton-moi  ").action_save()
        self.assertEqual(self._stored_token(), "jeton-moi")
        with self.assertRaises(AccessError):
            self.remote_key.with_user(self.leader).action_set_remote_token("x")
        with self.assertRaises(UserError):
            self.leader_key.with_user(self.leader).action_set_remote_token("x")  # not a remote key


@tagged("post_install", "-at_install")
class TestOwnTokenBulkSigning(RpcAttackMixin, OutgoingSigningCase, HttpCase):
    """Signing on the signer's own token, several documents per call, with the rules of
    server-side signing (certificate check, key usage, level)."""

    def _call(self, url, **params):
        response = self.url_open(
            url, data=json.dumps({"jsonrpc": "2.0", "params": params}), headers={"Content-Type": "application/json"}
        )
        self.assertEqual(response.status_code, 200)
        return response.json()

    def _token_sign(self, item):
        value = self.pki.signer.private_key.sign(
            base64.b64decode(item["digest"]),
            padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=item["pss_salt_length"]),
            utils.Prehashed(hashes.SHA256()),
        )
        return base64.b64encode(value).decode()

    def _certificate(self):
        return {
            "certificate": base64.b64encode(self.pki.signer.der).decode(),
            "chain": [base64.b64encode(self.pki.intermediate.der).decode()],
        }

    def test_prepare_and_finish_several_documents_at_b_lt(self):
        docs = self._approved() | self._approved()
        self.authenticate(self.leader.login, self.leader.login)
        with TimestampServer(self.pki) as tsa:
            self.env.company.write({"moh_signature_level": "B-LT", "moh_tsa_url": tsa.url})
            prepared = self._call("/moh/outgoing/sign/prepare", documents=docs.ids, **self._certificate())["result"]
            self.assertEqual([item["document"] for item in prepared], docs.ids)
            self.assertEqual(len({item["session"] for item in prepared}), 2)  # independent sessions
            finished = self._call(
                "/moh/outgoing/sign/finish_many",
                signatures=[{"session": item["session"], "signature": self._token_sign(item)} for item in prepared],
            )["result"]
        self.assertEqual([item["state"] for item in finished], ["signed", "signed"])
        for doc in docs:
            self.assertTrue(doc.signature_validation_ids.valid, doc.signature_validation_ids.explanation)
            # B-LT: the revocation data travels with the document
            report = validate_pdf_signatures(
                doc.pdf_id.raw, material=ValidationMaterial(trust_roots=[self.pki.root.der])
            )
            self.assertTrue(report.all_valid, report.summary)

    def test_one_document_not_the_callers_refuses_the_whole_call(self):
        mine, other = self._approved(), self._approved(signer=self.deputy)
        sessions = self.env["moh.signing.session"].sudo().search_count([])
        pdf_before = mine.pdf_id
        self.authenticate(self.leader.login, self.leader.login)
        refused = self._call("/moh/outgoing/sign/prepare", documents=[mine.id, other.id], **self._certificate())
        self.assertIn("error", refused)
        self.assertEqual(self.env["moh.signing.session"].sudo().search_count([]), sessions)
        mine.invalidate_recordset()
        self.assertEqual(mine.pdf_id, pdf_before)  # not even rendered for signing

    def test_one_wrong_value_embeds_nothing(self):
        docs = self._approved() | self._approved()
        self.authenticate(self.leader.login, self.leader.login)
        prepared = self._call("/moh/outgoing/sign/prepare", documents=docs.ids, **self._certificate())["result"]
        wrong = self._call(
            "/moh/outgoing/sign/finish_many",
            signatures=[
                {"session": prepared[0]["session"], "signature": self._token_sign(prepared[0])},
                {"session": prepared[1]["session"], "signature": base64.b64encode(b"\0" * 256).decode()},
            ],
        )
        self.assertIn("error", wrong)
        docs.invalidate_recordset()
        self.assertEqual(set(docs.mapped("state")), {"to_sign"})
        # the sessions are still there: the signer can send the right values
        finished = self._call(
            "/moh/outgoing/sign/finish_many",
            signatures=[{"session": item["session"], "signature": self._token_sign(item)} for item in prepared],
        )["result"]
        self.assertEqual([item["state"] for item in finished], ["signed", "signed"])

    def test_certificate_without_signing_usage_is_refused_as_on_the_server(self):
        doc = self._approved()
        self.authenticate(self.leader.login, self.leader.login)
        refused = self._call(
            "/moh/outgoing/sign/prepare",
            documents=[doc.id],
            certificate=base64.b64encode(self.pki.tsa.der).decode(),
            chain=[base64.b64encode(self.pki.intermediate.der).decode()],
        )
        message = refused["error"]["data"]["message"]
        # in the signer's language (the test database speaks Vietnamese)
        self.assertTrue("may not sign documents" in message or "không dùng để ký văn bản" in message, message)
        self.assertEqual(self.env["moh.signing.session"].sudo().search_count([("document_id", "=", doc.id)]), 0)

    def test_bulk_methods_refuse_other_roles_over_rpc(self):
        doc = self._approved()
        for user in (self.specialist, self.plain_user, self.head):
            self.assertRpcRefused(
                user, doc._name, "moh_sign_prepare_many", [doc.ids, "AA=="], errors=("odoo.exceptions.AccessError",)
            )
        self.assertRpcRefused(
            self.specialist,
            doc._name,
            "moh_sign_finish_many",
            [[{"session": "x", "signature": "AA=="}]],
        )
        self.assertEqual(doc.state, "to_sign")
