from odoo.exceptions import UserError
from odoo.tests import tagged

from .test_outgoing_signing import OutgoingSigningCase


@tagged("post_install", "-at_install")
class TestCoreErrorsShown(OutgoingSigningCase):
    """moh_core's refusals reach the user as a UserError in the user's language (the web client
    sends it in the call's context)."""

    def _env(self, user, lang):
        user.sudo().lang = lang
        return self.env(user=user, context=dict(self.env.context, lang=user.lang))

    def test_a_signing_refusal_in_vietnamese_and_in_english(self):
        self.assertTrue(self.env["res.lang"]._lang_get("vi_VN"), "the database has Vietnamese")
        doc = self._approved(signer=self.deputy)
        expected = {
            "vi_VN": ("Từ chối ký: ", "chứng thư số (hoặc chứng thư của tổ chức chứng thực trong chuỗi) đã bị thu hồi"),
            "en_US": ("Signing refused: ", "the certificate (or a CA certificate in its chain) is revoked"),
        }
        for lang, (frame, reason) in expected.items():
            with self.subTest(lang=lang), self.assertRaises(UserError) as refusal:
                doc.with_env(self._env(self.deputy, lang)).action_sign(self.pki.password)
            message = str(refusal.exception)
            self.assertTrue(message.startswith(frame), message)
            self.assertIn(reason, message)
        self.assertEqual(doc.state, "to_sign")

    def test_a_refused_edxml_message_in_vietnamese_and_in_english(self):
        expected = {
            "vi_VN": "Gói tin edXML bị từ chối, không có dữ liệu nào được nhập: Gói tin không phải là XML hợp lệ.",
            "en_US": "The edXML message was refused and nothing was imported: The message is not well-formed XML.",
        }
        for lang, message in expected.items():
            with self.subTest(lang=lang), self.assertRaises(UserError) as refusal:
                self._env(self.clerk, lang)["moh.edxml"]._moh_import(b"<not-closed>")
            self.assertEqual(str(refusal.exception), message)
