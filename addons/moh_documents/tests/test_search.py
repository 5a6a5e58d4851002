"""Search as users type (moh.search.mixin): diacritics- and case-insensitive, every word, over the
number, abstract, sender, signer and the text of the files; never a document the user may not
read. Each search runs as the role that uses it, in the ORM and over JSON-RPC as the list does."""

import base64
import io

from odoo.tests import HttpCase, tagged

from .common import MohUsersMixin, RpcAttackMixin

DOC = "moh.incoming.document"


def _pdf(text):
    """A one-page PDF saying ``text`` (Vietnamese, in the document font)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    from moh_core import fonts

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    pdf.setFont(fonts.register_fonts(), 12)
    pdf.drawString(72, 760, text)
    pdf.showPage()
    pdf.save()
    return base64.b64encode(buffer.getvalue())


@tagged("post_install", "-at_install")
class TestSearch(RpcAttackMixin, MohUsersMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._moh_setup_users()
        cls.env.company.sudo().moh_secret_isolated = True  # state secrets may keep their files here
        cls.finance = cls._route(
            sender_name="Bộ Tài chính",
            number_symbol="4567/BTC-HCSN",
            abstract="Công văn về việc hướng dẫn quyết toán kinh phí năm 2026",
            signer_name="Nguyễn Văn Đức",
        )
        cls.pharmacy = cls._route(
            sender_name="Sở Y tế thành phố Đà Nẵng",
            number_symbol="88/SYT-NVD",
            abstract="Báo cáo công tác Dược bệnh viện quý IV",
        )
        cls.with_file = cls._route(
            sender_name="Cục Quản lý Khám, chữa bệnh",
            number_symbol="901/KCB-NV",
            abstract="Thông báo kết luận cuộc họp",
            attachment_ids=[(0, 0, {"name": "ket-luan.pdf", "datas": _pdf("Phòng chống dịch sốt xuất huyết Dengue")})],
        )
        # A state secret routed to the same department: its head reads it, its specialist does not.
        cls.secret = cls._route(
            sender_name="Bộ Tài chính",
            number_symbol="12/BTC-MAT",
            abstract="Công văn mật của Bộ Tài chính",
            confidentiality="secret",
            attachment_ids=[(0, 0, {"name": "mat.pdf", "datas": _pdf("Kế hoạch tuyệt mật Zebra")})],
        )
        # Not routed to the specialist's department: he never finds it.
        cls.elsewhere = cls._moh_new_document(
            sender_name="Bộ Tài chính", number_symbol="4568/BTC-HCSN", abstract="Công văn Bộ Tài chính chưa giao"
        )
        cls.mine = cls.finance | cls.pharmacy | cls.with_file | cls.secret | cls.elsewhere

    @classmethod
    def _route(cls, **values):
        doc = cls._moh_new_document(**values)
        doc.with_user(cls.clerk).action_register_and_submit(cls.leader)
        doc.with_user(cls.leader).action_direct(cls.department_drug)
        return doc

    def _find(self, user, text, model=DOC):
        """What ``user`` finds among this test's documents (the demo data has its own)."""
        found = self.env[model].with_user(user).search([("search_anything", "ilike", text)])
        return found & self.mine.with_user(user) if model == DOC else found

    def test_words_without_diacritics_or_case_find_the_document(self):
        for text in ("cong van bo tai chinh", "CÔNG VĂN BỘ TÀI CHÍNH", "Cong Van Bo Tai", "quyet toan kinh"):
            with self.subTest(text=text):
                self.assertEqual(self._find(self.specialist, text), self.finance)
        self.assertEqual(self._find(self.specialist, "DUOC"), self.pharmacy)
        self.assertEqual(self._find(self.specialist, "da nang"), self.pharmacy)
        # đ and d: the signer "Nguyễn Văn Đức", the sender "Đà Nẵng".
        self.assertEqual(self._find(self.specialist, "duc"), self.finance)
        self.assertEqual(self._find(self.specialist, "đức"), self.finance)
        self.assertEqual(self._find(self.specialist, "Đà Nẵng"), self.pharmacy)
        # The last word, being typed, is the beginning of a word once it has three letters: "dan"
        # is the beginning of "dẫn" (hướng dẫn), "da nan" of "Đà Nẵng"; "da", two letters, is a
        # word of its own ("Đà"), not the beginning of "dẫn".
        self.assertEqual(self._find(self.specialist, "dan"), self.finance)
        self.assertEqual(self._find(self.specialist, "da nan"), self.pharmacy)
        self.assertEqual(self._find(self.specialist, "da"), self.pharmacy)
        # The words before it are whole words: "quyet toa" finds "quyết toán", "quye toan" does not.
        self.assertEqual(self._find(self.specialist, "quyet toa"), self.finance)
        self.assertFalse(self._find(self.specialist, "quye toan"))
        # Every word must match.
        self.assertFalse(self._find(self.specialist, "bo tai chinh duoc"))

    def test_numbers_whole_and_partial(self):
        self.assertEqual(self._find(self.specialist, "4567/BTC-HCSN"), self.finance)
        self.assertEqual(self._find(self.specialist, "567/btc"), self.finance)
        self.assertEqual(self._find(self.specialist, "nvd"), self.pharmacy)
        self.assertEqual(self._find(self.clerk, "btc-hcsn"), self.finance | self.elsewhere)

    def test_text_of_the_pdf_is_found(self):
        self.assertTrue(self.with_file.sudo().content_text)
        self.assertEqual(self._find(self.specialist, "sot xuat huyet"), self.with_file)
        self.assertEqual(self._find(self.specialist, "Phòng chống dịch"), self.with_file)

    def test_a_broken_pdf_never_stops_the_registration(self):
        doc = self._moh_new_document(
            attachment_ids=[(0, 0, {"name": "hong.pdf", "datas": base64.b64encode(b"%PDF-1.7 broken")})]
        )
        doc.with_user(self.clerk).action_register()
        self.assertEqual(doc.state, "registered")
        self.assertFalse(doc.sudo().content_text)

    def test_confidential_documents_are_found_only_by_their_readers(self):
        self.assertIn(self.head, self.secret.reader_ids)
        self.assertNotIn(self.specialist, self.secret.reader_ids)
        for text in ("tuyet mat zebra", "12/BTC-MAT", "cong van mat"):
            with self.subTest(text=text):
                self.assertEqual(self._find(self.head, text), self.secret)
                self.assertFalse(self._find(self.specialist, text))
                self.assertFalse(self._find(self.specialist_legal, text))
        self.assertEqual(self._find(self.specialist, "bo tai chinh"), self.finance)
        # Over JSON-RPC, as the list view asks (records and count).
        for user, expected in ((self.specialist, []), (self.head, [self.secret.id])):
            with self.subTest(user=user.login):
                result, error = self._rpc(
                    user,
                    DOC,
                    "web_search_read",
                    kwargs={
                        "domain": [("search_anything", "ilike", "tuyet mat zebra")],
                        "specification": {"number_symbol": {}, "abstract": {}},
                        "limit": 80,
                        "count_limit": 10001,
                    },
                )
                self.assertIsNone(error)
                self.assertEqual([r["id"] for r in result["records"]], expected)
                self.assertEqual(result["length"], len(expected))
        # The text itself is not readable by them.
        result, error = self._rpc(self.head, DOC, "read", [[self.secret.id], ["content_text"]])
        self.assertIsNotNone(error)

    def test_search_view_filter_and_ilike_on_names(self):
        view = self.env.ref("moh_documents.moh_incoming_document_view_search")
        self.assertIn("search_anything", view.arch_db)
        Doc = self.env[DOC].with_user(self.specialist)
        self.assertIn(self.pharmacy, Doc.search([("sender_name", "ilike", "so y te thanh pho da nang")]))
        self.assertIn(self.pharmacy, Doc.search([("abstract", "ilike", "CONG TAC duoc")]))
        self.assertIn(
            self.pharmacy.id, [i for i, _name in self.env[DOC].with_user(self.specialist).name_search("88/syt")]
        )
        # The database folds as moh_core.search does, Vietnamese đ included; the index is used.
        self.env.cr.execute("SELECT moh_fold('Đường Đắk Lắk Dược'), unaccent('Đức')")
        self.assertEqual(self.env.cr.fetchone(), ("duong dak lak duoc", "Duc"))
        self.assertEqual(self.env.registry.has_unaccent, 2)  # FunctionStatus.INDEXABLE
        # The vector is a stored column PostgreSQL keeps up to date, indexed in one GIN index with
        # the documents' access keys (moh_access_keys.py); the outgoing documents', alone.
        self.env.cr.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE indexname LIKE 'moh_%_document__moh_search_v2%'"
        )
        self.assertEqual(
            {name: definition.split(" USING ")[1] for name, definition in self.env.cr.fetchall()},
            {
                "moh_incoming_document__moh_search_v2_access": "gin (moh_search_v2, moh_access_keys)",
                "moh_outgoing_document__moh_search_v2": "gin (moh_search_v2)",
            },
        )
        self.env.cr.execute(
            "SELECT attstattarget FROM pg_attribute WHERE attrelid = 'moh_incoming_document'::regclass "
            "AND attname = 'moh_search_v2'"
        )
        self.assertEqual(self.env.cr.fetchone()[0], 1000)
        self.env.cr.execute(
            "SELECT is_generated, generation_expression FROM information_schema.columns "
            "WHERE table_name = 'moh_incoming_document' AND column_name = 'moh_search_v2'"
        )
        generated, expression = self.env.cr.fetchone()
        self.assertEqual(generated, "ALWAYS")
        self.assertIn("content_text", expression)
        self.pharmacy.sudo().abstract = "Báo cáo công tác Dược bệnh viện quý IV, bổ sung Wolbachia"
        self.env.flush_all()
        self.assertEqual(self._find(self.specialist, "wolbachia"), self.pharmacy)
        # JIT compilation is off and the work memory 16 MB for the database (see
        # moh_search.DATABASE_SETTINGS), unless the server's administrator set them.
        self.env.cr.execute(
            "SELECT setconfig FROM pg_db_role_setting WHERE setrole = 0 "
            "AND setdatabase = (SELECT oid FROM pg_database WHERE datname = current_database())"
        )
        database = self.env.cr.fetchone()[0]
        for name, value in (("jit", "off"), ("work_mem", "16MB")):
            self.env.cr.execute("SELECT source FROM pg_settings WHERE name = %s", [name])
            if self.env.cr.fetchone()[0] != "configuration file":
                self.assertIn(f"{name}={value}", database)

    def test_outgoing_documents_and_nothing_else_matched(self):
        outgoing = (
            self.env["moh.outgoing.document"]
            .with_user(self.specialist)
            .create(
                {
                    "document_type_id": self.env.ref("moh_documents.document_type_cong_van").id,
                    "department_id": self.department_drug.id,
                    "abstract": "V/v tăng cường quản lý Dược phẩm",
                }
            )
        )
        self.assertIn(outgoing, self._find(self.specialist, "quan ly duoc pham", "moh.outgoing.document"))
        self.assertFalse(self._find(self.specialist, "khong co tu nay xyzw"))
        # Only punctuation: no condition.
        self.assertEqual(
            self.env[DOC].with_user(self.specialist).search_count([("search_anything", "ilike", " / ")]),
            self.env[DOC].with_user(self.specialist).search_count([]),
        )
        # Negated: the rest.
        rest = self.env[DOC].with_user(self.specialist).search([("search_anything", "not ilike", "quyet toan")])
        self.assertNotIn(self.finance, rest)
        self.assertIn(self.pharmacy, rest)
