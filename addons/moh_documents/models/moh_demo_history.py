"""A year of plausible history in the database: for the demo (so that the leaders' dashboard shows
curves, not a handful of points) and for the benchmarks (tens of thousands of documents).

The plan comes from moh_core.demo.history (pure, seeded); this writer turns it into records as the
steps would have left them: incoming documents registered with their numbers in the incoming
register and the year of their receipt (consecutive, after the numbers already given), submitted to
a leader, directed to a lead department and cooperating ones with a deadline in working days, their
assignments completed (on time or late) or still open, their routing timeline; moh_egov adds public
service dossiers, and the tasks module its tasks (``moh.task._moh_create_history``). The plan's
outgoing documents are not written: an issued document is its signed PDF, which a history cannot
fake.

Every method here is private (no RPC client reaches a method whose name starts with ``_``) and
refuses to run outside superuser mode: the demo data's ``<function>`` and the ``moh-demo-volume``
command call it as the system. The workflow fields are written by ``create`` in superuser mode, as
the steps write them; only the creation times of the assignments (when each department received
the document: moh.kpi.item's date of receipt) are set in SQL, which the ORM cannot set. The daily
counts of moh.kpi.fact follow through their triggers.
"""

import datetime as dt
import logging
import time

import pytz
from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

_logger = logging.getLogger(__name__)

#: Records created per ``create`` call.
BATCH = 1000
#: Departments that take longer than the others (the bottlenecks a demo dashboard shows).
SLOW_DEPARTMENTS = {"QLD": 1.5, "KHTC": 1.3, "BH": 1.35}


class MohDemoHistory(models.AbstractModel):
    _name = "moh.demo.history"
    _description = "Demo History Writer"

    # -- entry points ---------------------------------------------------------------------------

    @api.model
    def _moh_generate(self, start, end, documents=0, outgoing=0, dossiers=0, tasks=0, seed=1):
        """Plan and write the history of ``start``..``end`` (dates; ``end`` counts as today for
        what is still open). Returns the counts written."""
        self._moh_check_system()
        from moh_core.demo.history import plan_history  # noqa: PLC0415

        began = time.monotonic()
        spec = self._moh_spec(start, end, documents, outgoing, dossiers, tasks, seed)
        plan = plan_history(spec)
        _logger.info("History planned in %.1f s", time.monotonic() - began)
        counts = self._moh_write(plan)
        _logger.info("History written in %.1f s: %s", time.monotonic() - began, counts)
        return counts

    @api.model
    def _moh_demo_history(self, documents=300, dossiers=80, tasks=60, seed=19):
        """Demo data: the last twelve months up to yesterday (today's numbers and codes stay
        the demo's own steps'), with a fixed seed; once only (an upgrade loads the demo files
        again)."""
        self._moh_check_system()
        marker = "moh_documents.demo_history" if documents else "moh_egov.demo_history"
        Param = self.env["ir.config_parameter"]
        if Param.get_param(marker):
            return {}
        today = fields.Date.context_today(self.with_context(tz=self._moh_tz().zone))
        end = today - dt.timedelta(days=1)
        start = end - dt.timedelta(days=364)
        counts = self._moh_generate(start, end, documents=documents, dossiers=dossiers, tasks=tasks, seed=seed)
        Param.set_param(marker, fields.Date.to_string(end))
        return counts

    # -- the plan's inputs ----------------------------------------------------------------------

    @api.model
    def _moh_check_system(self):
        if not self.env.su:
            raise AccessError(self.env._("Only the system writes demo history."))

    @api.model
    def _moh_tz(self):
        return self.env.company._moh_calendar()._moh_tz()

    @api.model
    def _moh_utc(self, local):
        """A naive local time of the agency as a naive UTC datetime (as Odoo stores them)."""
        if local is None:
            return False
        return self._moh_tz().localize(local).astimezone(pytz.utc).replace(tzinfo=None)

    @api.model
    def _moh_departments(self):
        return self.env["hr.department"].search(
            [("company_id", "in", (False, self.env.company.id)), ("moh_abbreviation", "!=", False)]
        )

    @api.model
    def _moh_procedure_specs(self):
        """The public services dossiers are planned for (moh_egov adds them)."""
        return []

    @api.model
    def _moh_spec(self, start, end, documents, outgoing, dossiers, tasks, seed):
        from moh_core.demo.history import DepartmentSpec, HistorySpec  # noqa: PLC0415

        departments = [
            DepartmentSpec(dep.id, dep.moh_abbreviation, SLOW_DEPARTMENTS.get(dep.moh_abbreviation, 1.0))
            for dep in self._moh_departments()
        ]
        leaders = self.env["res.users"].search(
            [("group_ids", "in", self.env.ref("moh_documents.group_ministry_leader").id)], order="id"
        )
        procedures = self._moh_procedure_specs() if dossiers else []
        return HistorySpec(
            start=fields.Date.to_date(start),
            end=fields.Date.to_date(end),
            departments=departments,
            calendar=self.env.company._moh_calendar()._moh_working_calendar(),
            documents=documents,
            outgoing=outgoing,
            dossiers=dossiers if procedures else 0,
            tasks=tasks,
            procedures=procedures,
            leaders=leaders.ids,
            seed=seed,
        )

    @api.model
    def _moh_people(self, departments):
        """{department id: (heads, specialists)} as users."""
        Employee = self.env["hr.employee"]
        people = {}
        for department in departments:
            members = Employee.search([("department_id", "=", department.id), ("user_id", "!=", False)]).user_id
            heads = department.manager_id.user_id or members.filtered(
                lambda u: u.has_group("moh_documents.group_department_head")
            )
            specialists = members.filtered(lambda u: u.has_group("moh_documents.group_specialist")) - heads
            people[department.id] = (heads, specialists or heads)
        return people

    # -- writing --------------------------------------------------------------------------------

    @api.model
    def _moh_quiet(self):
        """No chatter: the history is not news for anybody's inbox (superuser mode, checked by the callers)."""
        return self.with_context(
            tracking_disable=True, mail_create_nolog=True, mail_notrack=True, mail_create_nosubscribe=True
        )

    @api.model
    def _moh_write(self, plan):
        """Write ``plan`` (moh_core.demo.history.HistoryPlan); returns the counts written."""
        self._moh_check_system()
        writer = self._moh_quiet()
        counts = {"documents": writer._moh_write_incoming(plan.incoming)}
        counts.update(writer._moh_write_extra(plan))
        # Each statement left its differences in the daily counts: fold them, as the daily job does.
        self.env.flush_all()
        self.env["moh.kpi.fact"]._moh_compact()
        return counts

    @api.model
    def _moh_write_extra(self, plan):
        """Other modules' parts of the plan (moh_egov: dossiers); the tasks when moh.task exists."""
        counts = {}
        if "moh.task" in self.env and plan.tasks:
            counts["tasks"] = self._moh_write_tasks(plan.tasks)
        return counts

    @api.model
    def _moh_write_incoming(self, plans):
        if not plans:
            return 0
        company = self.env.company
        register = self.env["moh.incoming.document"]._default_register()
        if not register:
            return 0
        types = {}
        for plan in plans:
            if plan.document_type not in types:
                types[plan.document_type] = self.env.ref(
                    f"moh_documents.document_type_{plan.document_type}", raise_if_not_found=False
                ) or self.env.ref("moh_documents.document_type_cong_van")
        departments = self.env["hr.department"].browse({a.department for p in plans for a in p.assignments})
        people = self._moh_people(departments)
        clerk = (
            self.env["res.users"].search(
                [("group_ids", "in", self.env.ref("moh_documents.group_clerk").id)], order="id", limit=1
            )
        ) or self.env.user
        numbers = self._moh_numbers(register, plans)
        Document = self.env["moh.incoming.document"]
        Assignment = self.env["moh.document.assignment"]
        Trace = self.env["moh.document.trace"]
        total = 0
        for offset in range(0, len(plans), BATCH):
            chunk = plans[offset : offset + BATCH]
            doc_vals = []
            for index, plan in enumerate(chunk, start=offset):
                number, year = numbers[index]
                heads = self.env["res.users"].union(*(people[a.department][0] for a in plan.assignments))
                specialists = self.env["res.users"].union(
                    *(people[a.department][1][:1] for a in plan.assignments if a.specialist_at or a.done_at)
                )
                leader = self.env["res.users"].browse(plan.leader) if plan.leader else self.env["res.users"]
                doc_vals.append(
                    {
                        "company_id": company.id,
                        "register_id": register.id,
                        "number": number,
                        "year": year,
                        "received_date": self._moh_utc(plan.received_at),
                        "channel": "edxml" if plan.sender_code else "paper",
                        "sender_name": plan.sender,
                        "sender_code": plan.sender_code or False,
                        "number_symbol": plan.number_symbol,
                        "issue_date": plan.issue_date,
                        "document_type_id": types[plan.document_type].id,
                        "abstract": plan.abstract,
                        "urgency": plan.urgency,
                        "leader_id": leader.id,
                        "deadline": plan.deadline,
                        "state": "done" if plan.done_at else "in_progress",
                        "done_date": self._moh_utc(plan.done_at),
                        "result": "Đã xử lý, báo cáo Lãnh đạo Bộ." if plan.done_at else False,
                        "reader_ids": [(6, 0, (clerk | leader | heads | specialists).ids)],
                    }
                )
            documents = Document.create(doc_vals)
            assignment_vals, directed = [], []
            for document, plan in zip(documents, chunk, strict=True):
                for item in plan.assignments:
                    heads, specialists = people[item.department]
                    started = bool(item.specialist_at or item.done_at)
                    assignment_vals.append(
                        {
                            "document_id": document.id,
                            "department_id": item.department,
                            "role": item.role,
                            "deadline": item.deadline,
                            "assigned_by_id": plan.leader or False,
                            "state": "done" if item.done_at else ("in_progress" if started else "new"),
                            "user_ids": [(6, 0, specialists[:1].ids)] if started else [],
                            "done_date": self._moh_utc(item.done_at),
                            "result": "Đã hoàn thành." if item.done_at else False,
                        }
                    )
                    directed.append(self._moh_utc(plan.directed_at))
            assignments = Assignment.create(assignment_vals)
            trace_vals = []
            for document, plan in zip(documents, chunk, strict=True):
                received, directed_at = self._moh_utc(plan.received_at), self._moh_utc(plan.directed_at)
                trace_vals += [
                    {"document_id": document.id, "action": "register", "date": received, "user_id": clerk.id},
                    {
                        "document_id": document.id,
                        "action": "submit",
                        "date": received + dt.timedelta(minutes=15),
                        "user_id": clerk.id,
                        "target_user_ids": [(6, 0, document.leader_id.ids)],
                    },
                    {
                        "document_id": document.id,
                        "action": "assign",
                        "date": directed_at,
                        "user_id": document.leader_id.id or clerk.id,
                        "department_id": plan.lead.department,
                    },
                ]
            planned = [item for plan in chunk for item in plan.assignments]
            for assignment, item in zip(assignments, planned, strict=True):
                if not (item.specialist_at and assignment.user_ids):
                    continue
                heads = people[item.department][0]
                trace_vals.append(
                    {
                        "document_id": assignment.document_id.id,
                        "assignment_id": assignment.id,
                        "action": "assign_specialist",
                        "date": self._moh_utc(item.specialist_at),
                        "user_id": (heads[:1] or clerk).id,
                        "department_id": assignment.department_id.id,
                        "target_user_ids": [(6, 0, assignment.user_ids.ids)],
                    }
                )
            for assignment in assignments.filtered("done_date"):
                trace_vals.append(
                    {
                        "document_id": assignment.document_id.id,
                        "assignment_id": assignment.id,
                        "action": "complete",
                        "date": assignment.done_date,
                        "user_id": (assignment.user_ids[:1] or clerk).id,
                        "department_id": assignment.department_id.id,
                    }
                )
            Trace.create(trace_vals)
            # When each department received the document (moh.kpi.item's date of receipt), and
            # when the records were last written: the ORM sets both to now.
            self.env.flush_all()
            self.env.cr.execute(
                """
                UPDATE moh_document_assignment a
                   SET create_date = v.at, write_date = COALESCE(a.done_date, v.at)
                  FROM unnest(%s::int[], %s::timestamp[]) AS v(id, at)
                 WHERE a.id = v.id
                """,
                (assignments.ids, directed),
            )
            self.env.cr.execute(
                """
                UPDATE moh_incoming_document d
                   SET create_date = d.received_date, write_date = COALESCE(d.done_date, d.received_date)
                 WHERE d.id = ANY(%s)
                """,
                (documents.ids,),
            )
            assignments.invalidate_recordset(["create_date", "write_date"])
            documents.invalidate_recordset(["create_date", "write_date"])
            total += len(documents)
            self.env.invalidate_all()
            _logger.info("History: %s incoming documents written", total)
        return total

    @api.model
    def _moh_numbers(self, register, plans):
        """(number, year) of each plan, in the order of receipt within each year, after the
        numbers the register already gave that year."""
        years = [p.received_at.year for p in plans]  # local times: the local year
        first = self._moh_next_numbers(register, "moh.incoming.document", "number", "year", set(years))
        numbers = [None] * len(plans)
        for year in sorted(set(years)):
            order = sorted((i for i, y in enumerate(years) if y == year), key=lambda i: (plans[i].received_at, i))
            for offset, index in enumerate(order):
                numbers[index] = (first[year] + offset, year)
        return numbers

    @api.model
    def _moh_next_numbers(self, register, model_name, number_field, year_field, keys):
        """{key: the register's next number in ``key`` (a year, a day)}: the register's lock on
        each (register, key) is taken in this transaction and held until it ends, so that a
        registration running meanwhile waits and then numbers after the history (the history is
        written when nobody registers; the registers' unique numbers stop it otherwise)."""
        cr = self.env.cr
        self.env.flush_all()
        table = self.env[model_name]._table
        for key in sorted(keys):
            cr.execute("SELECT pg_advisory_xact_lock(%s, %s)", (register.id, key))
        cr.execute(
            SQL(
                "SELECT %s, MAX(%s) FROM %s WHERE register_id = %s AND %s = ANY(%s) GROUP BY 1",
                SQL.identifier(year_field),
                SQL.identifier(number_field),
                SQL.identifier(table),
                register.id,
                SQL.identifier(year_field),
                sorted(keys),
            )
        )
        last = dict(cr.fetchall())
        # Later registrations of this transaction continue after the history.
        state = cr.precommit.data.get("moh.register.numbering", {})
        for key in keys:
            if (register.id, table, key) in state:
                raise UserError(self.env._("Registrations of this transaction came first: write the history alone."))
        return {key: (last.get(key) or 0) + 1 for key in keys}

    @api.model
    def _moh_write_tasks(self, plans):
        """Tasks (giao việc), written by the tasks module's own history method."""
        vals_list = [
            {
                "name": plan.name,
                "description": plan.description,
                "assigner_id": plan.assigner or False,
                "department_id": plan.department,
                "cooperating_department_ids": [(6, 0, list(plan.cooperating))],
                "user_ids": [(6, 0, [])],
                "deadline": plan.deadline,
                "assigned_date": plan.assigned_on,
                "state": plan.state,
                "done_date": plan.done_on or False,
                "progress": plan.progress,
            }
            for plan in plans
        ]
        self.env["moh.task"]._moh_create_history(vals_list)
        return len(vals_list)
