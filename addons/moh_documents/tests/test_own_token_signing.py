import base64
import json

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, utils
from odoo.tests import HttpCase, tagged

from moh_core.testing.fixtures import pdfsig_verdicts

from .test_outgoing_signing import OutgoingSigningCase


@tagged("post_install", "-at_install")
class TestOwnTokenSigning(OutgoingSigningCase, HttpCase):
    """The signer's local signing software signs on their own token through the JSON interface."""

    def _call(self, url, **params):
        response = self.url_open(
            url, data=json.dumps({"jsonrpc": "2.0", "params": params}), headers={"Content-Type": "application/json"}
        )
        self.assertEqual(response.status_code, 200)
        return response.json()

    def test_prepare_sign_on_the_token_and_finish(self):
        doc = self._approved()
        self.authenticate(self.leader.login, self.leader.login)
        prepared = self._call(
            f"/moh/outgoing/{doc.id}/sign/prepare",
            certificate=base64.b64encode(self.pki.signer.der).decode(),
            chain=[base64.b64encode(self.pki.intermediate.der).decode()],
        )["result"]
        self.assertEqual(prepared["signature_algorithm"], "rsassa_pss")
        # What the token does: RSASSA-PSS over the SHA-256 digest, salt 32 bytes.
        value = self.pki.signer.private_key.sign(
            base64.b64decode(prepared["digest"]),
            padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=prepared["pss_salt_length"]),
            utils.Prehashed(hashes.SHA256()),
        )
        finished = self._call(
            "/moh/outgoing/sign/finish", session=prepared["session"], signature=base64.b64encode(value).decode()
        )["result"]
        self.assertEqual(finished["state"], "signed")
        doc.invalidate_recordset()
        self.assertEqual(doc.state, "signed")
        self.assertTrue(doc.signature_validation_ids.valid, doc.signature_validation_ids.explanation)
        self.assertTrue(pdfsig_verdicts(doc.pdf_id.raw, self.pki.root.cert_path)["signer"]["valid"])

    def test_a_wrong_value_or_another_user_is_refused(self):
        doc = self._approved()
        self.authenticate(self.leader.login, self.leader.login)
        prepared = self._call(
            f"/moh/outgoing/{doc.id}/sign/prepare",
            certificate=base64.b64encode(self.pki.signer.der).decode(),
            chain=[base64.b64encode(self.pki.intermediate.der).decode()],
        )["result"]
        wrong = self._call(
            "/moh/outgoing/sign/finish", session=prepared["session"], signature=base64.b64encode(b"\x00" * 256).decode()
        )
        self.assertIn("error", wrong)
        self.authenticate(self.head.login, self.head.login)
        stolen = self._call(
            "/moh/outgoing/sign/finish", session=prepared["session"], signature=base64.b64encode(b"\x00" * 256).decode()
        )
        self.assertIn("error", stolen)
        refused = self._call(
            f"/moh/outgoing/{doc.id}/sign/prepare", certificate=base64.b64encode(self.pki.signer.der).decode()
        )
        self.assertIn("error", refused)
        doc.invalidate_recordset()
        self.assertEqual(doc.state, "to_sign")
