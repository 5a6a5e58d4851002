"""The access keys of incoming documents (models/moh_access_keys.py): PostgreSQL keeps them in
step with the routing whatever writes it, and the record rule written on them lets each role read
exactly what the domain it replaced let it read."""

import importlib.util
from pathlib import Path

from odoo.addons.moh_documents.models import moh_access_keys
from odoo.tests import TransactionCase, new_test_user, tagged

from .common import MohUsersMixin

DOC = "moh.incoming.document"


@tagged("post_install", "-at_install")
class TestAccessKeys(MohUsersMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._moh_setup_users()
        cls.clinical = cls.env["hr.department"].create(
            {"name": "Phòng Dược lâm sàng", "parent_id": cls.department_drug.id}
        )
        cls.clinical_specialist = cls._moh_user("t_specialist_dls", "moh_documents.group_specialist", cls.clinical)

    @classmethod
    def _moh_user(cls, login, group, department):
        user = new_test_user(cls.env, login=login, groups=group, name=login, tz="Asia/Ho_Chi_Minh")
        cls.env["hr.employee"].create({"name": login, "user_id": user.id, "department_id": department.id})
        return user

    def _routed(self, lead, cooperating=None, **values):
        doc = self._moh_new_document(**values)
        doc.with_user(self.clerk).action_register_and_submit(self.leader)
        doc.with_user(self.leader).action_direct(lead, cooperating)
        return doc

    def _keys(self, doc):
        """The document's keys, checked against the routing as PostgreSQL reads it and as the ORM
        reads it."""
        self.env.flush_all()
        self.env.invalidate_all()
        self.env.cr.execute(
            "SELECT moh_access_keys, moh_incoming_access_keys(id) FROM moh_incoming_document WHERE id = %s", [doc.id]
        )
        stored, computed = self.env.cr.fetchone()
        self.assertEqual(sorted(stored), computed, "the stored keys are those of the routing")
        doc = doc.sudo()
        users = doc.assignment_ids.user_ids | doc.reader_ids
        self.assertEqual(set(stored), {*doc.assignment_ids.department_id.ids, *(-user_id for user_id in users.ids)})
        return set(stored)

    def test_the_keys_follow_routing_specialists_readers_and_plain_sql(self):
        doc = self._routed(self.department_drug, self.department_legal)
        self.assertTrue({self.department_drug.id, self.department_legal.id} <= self._keys(doc))
        lead = doc.assignment_ids.filtered(lambda a: a.role == "lead")
        named = self.specialist_legal  # named on the lead assignment, never made a reader
        lead.sudo().user_ids = [(4, named.id)]
        self.assertIn(-named.id, self._keys(doc))
        lead.sudo().user_ids = [(3, named.id)]
        self.assertNotIn(-named.id, self._keys(doc))
        cooperating = doc.assignment_ids - lead
        cooperating.sudo().department_id = self.clinical
        keys = self._keys(doc)
        self.assertIn(self.clinical.id, keys)
        self.assertNotIn(self.department_legal.id, keys)
        doc.sudo().reader_ids = [(4, self.head_legal.id)]
        self.assertIn(-self.head_legal.id, self._keys(doc))
        doc.sudo().reader_ids = [(3, self.head_legal.id)]
        self.assertNotIn(-self.head_legal.id, self._keys(doc))
        cooperating.sudo().unlink()
        self.assertNotIn(self.clinical.id, self._keys(doc))
        # Whatever writes the routing, an import or plain SQL, the keys follow.
        self.env.cr.execute(
            "INSERT INTO moh_incoming_document_reader_rel (document_id, user_id) VALUES (%s, %s)",
            [doc.id, named.id],
        )
        self.assertIn(-named.id, self._keys(doc))
        other = self._routed(self.department_legal)
        self.env.cr.execute("UPDATE moh_document_assignment SET document_id = %s WHERE id = %s", [other.id, lead.id])
        self.assertNotIn(self.department_drug.id, self._keys(doc))
        self.assertIn(self.department_drug.id, self._keys(other))
        self.env.cr.execute(
            "UPDATE moh_document_assignment_res_users_rel SET moh_document_assignment_id = %s "
            "WHERE moh_document_assignment_id = %s",
            [lead.id, other.assignment_ids[:1].id],
        )
        self._keys(other)
        # Computed again from scratch (a new column on a filled register, a bulk load).
        expected = self._keys(other)
        self.env.cr.execute(
            "UPDATE moh_incoming_document SET moh_access_keys = '{}' WHERE id IN %s", [(doc.id, other.id)]
        )
        self.assertTrue(moh_access_keys.ensure_triggers(self.env.cr, rebuild=True))
        self.assertEqual(self._keys(other), expected)

    def test_the_rule_reads_what_the_domain_it_replaced_read(self):
        docs = (
            self._routed(self.department_drug)
            | self._routed(self.clinical)  # below the drug department: its head and specialists read it
            | self._routed(self.department_legal, self.department_drug)
            | self._routed(self.department_legal)
            | self._routed(self.department_drug, confidentiality="secret")
            | self._moh_new_document(abstract="Chưa giao")
        )
        personal = self._routed(self.department_legal)
        personal.assignment_ids.sudo().user_ids = [(4, self.specialist.id)]  # named, from another department
        granted = self._routed(self.department_legal, confidentiality="secret")
        granted.sudo().reader_ids = [(4, self.specialist.id)]
        docs |= personal | granted
        for user in (self.specialist, self.head, self.specialist_legal, self.head_legal, self.clinical_specialist):
            with self.subTest(user=user.login):
                mine = self.env["hr.department"].search([("id", "child_of", user.employee_ids.department_id.ids)])
                replaced = [
                    ("id", "in", docs.ids),
                    "|",
                    ("confidentiality", "=", "normal"),
                    ("reader_ids", "in", [user.id]),
                    "|",
                    "|",
                    ("assignment_ids.department_id", "child_of", mine.ids),
                    ("assignment_ids.user_ids", "in", [user.id]),
                    ("reader_ids", "in", [user.id]),
                ]
                expected = self.env[DOC].sudo().search(replaced)
                self.assertTrue(expected)
                readable = self.env[DOC].with_user(user).search([("id", "in", docs.ids)])
                self.assertEqual(readable.ids, expected.ids)
                # The field computed says what its search finds (as the user, past the rules).
                as_user = docs.with_user(user).sudo()
                self.assertEqual(
                    sorted(as_user.filtered("routed_to_me").ids),
                    sorted(as_user.search([("id", "in", docs.ids), ("routed_to_me", "=", True)]).ids),
                )
                # The assignments and the routing steps follow their documents.
                assignments = (
                    self.env["moh.document.assignment"].with_user(user).search([("document_id", "in", docs.ids)])
                )
                self.assertEqual(assignments.document_id, expected)
        self.assertIn(personal, self.env[DOC].with_user(self.specialist).search([("id", "in", docs.ids)]))
        self.assertIn(granted, self.env[DOC].with_user(self.specialist).search([("id", "in", docs.ids)]))
        self.assertNotIn(granted, self.env[DOC].with_user(self.head).search([("id", "in", docs.ids)]))

    def test_a_routing_is_written_before_the_search_that_reads_it(self):
        doc = self._routed(self.department_legal)
        Docs = self.env[DOC].with_user(self.specialist)
        self.assertFalse(Docs.search([("id", "=", doc.id)]))
        # No flush in between: the search flushes what the keys are made of first.
        doc.assignment_ids.sudo().user_ids = [(4, self.specialist.id)]
        self.assertEqual(Docs.search([("id", "=", doc.id)]), doc)
        self.assertEqual(Docs.search([("id", "=", doc.id), ("in_my_department", "=", True)]), Docs)
        self.assertEqual(Docs.search([("id", "=", doc.id), ("in_my_department", "!=", True)]), doc)
        self.assertEqual(
            self.env[DOC].with_user(self.head_legal).search([("id", "=", doc.id), ("in_my_department", "=", True)]),
            doc,
        )

    def test_the_upgrade_rewrites_the_rules_as_this_module_wrote_them_only(self):
        path = Path(__file__).parents[1] / "migrations" / "19.0.1.2.0" / "post-migrate.py"
        spec = importlib.util.spec_from_file_location("moh_documents_migrate_19_0_1_2_0", path)
        migration = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(migration)
        incoming = self.env.ref("moh_documents.rule_incoming_department")
        assignment = self.env.ref("moh_documents.rule_assignment_department")
        trace = self.env.ref("moh_documents.rule_trace_department")
        old, new = migration.RULES["rule_incoming_department"]
        incoming.domain_force = old.replace("', '|', ", "', '|',\n                ")  # as the XML laid it out
        assignment.domain_force = migration.RULES["rule_assignment_department"][0]
        customised = "[('document_id.reader_ids', 'in', [user.id])]"
        trace.domain_force = customised
        self.env.flush_all()
        migration.migrate(self.env.cr, "19.0.1.1.0")
        self.env.invalidate_all()
        self.assertEqual(incoming.domain_force, new)
        self.assertEqual(assignment.domain_force, "[('document_id.routed_to_me', '=', True)]")
        self.assertEqual(trace.domain_force, customised)
