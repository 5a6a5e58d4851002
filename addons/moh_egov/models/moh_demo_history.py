"""Public service dossiers in the demo history (moh_documents' moh.demo.history): filed by the
agency's businesses for its procedures, received by the one-stop shop (after supplements for
some), appraised by the procedure's department, returned on time or late, or still open; each
with its code in the dossier register (agency code, day of filing, number of the day) and its
process control slip (hand-overs with their times)."""

import datetime as dt
import logging
import secrets

from odoo import api, models

_logger = logging.getLogger(__name__)

BATCH = 500

#: Businesses that file the history's dossiers when the agency has none yet.
BUSINESSES = (
    "Công ty Cổ phần Dược Hậu Giang",
    "Công ty TNHH Mỹ phẩm Thiên Nhiên",
    "Công ty Cổ phần Traphaco",
    "Công ty TNHH Thiết bị Y tế Minh Phát",
    "Công ty Cổ phần Thực phẩm Dinh dưỡng An Khang",
    "Nhà thuốc Minh Châu",
)


class MohDemoHistory(models.AbstractModel):
    _inherit = "moh.demo.history"

    @api.model
    def _moh_procedure_specs(self):
        from moh_core.demo.history import ProcedureSpec  # noqa: PLC0415

        procedures = self.env["moh.procedure"].search(
            [("department_id", "!=", False), ("company_id", "in", (False, self.env.company.id))]
        )
        return super()._moh_procedure_specs() + [
            ProcedureSpec(
                key=procedure.id,
                processing_days=procedure.processing_days,
                department=procedure.department_id.id,
                calendar_days=procedure.processing_unit == "calendar",
                fee=bool(procedure.fee),
            )
            for procedure in procedures
            if procedure.processing_days
        ]

    @api.model
    def _moh_write_extra(self, plan):
        counts = super()._moh_write_extra(plan)
        if plan.dossiers:
            counts["dossiers"] = self._moh_write_dossiers(plan.dossiers)
        return counts

    @api.model
    def _moh_businesses(self):
        Partner = self.env["res.partner"]
        businesses = Partner.search(
            [
                ("is_company", "=", True),
                ("id", "not in", self.env["res.company"].search([]).partner_id.ids),
                ("user_ids", "=", False),
                ("child_ids.user_ids.share", "=", True),
            ]
        )
        if not businesses:
            businesses = Partner.search([("is_company", "=", True), ("name", "in", BUSINESSES)])
        return businesses or Partner.create([{"name": name, "is_company": True} for name in BUSINESSES])

    @api.model
    def _moh_write_dossiers(self, plans):
        from moh_core.onestop import format_dossier_code  # noqa: PLC0415

        company = self.env.company
        Dossier = self.env["moh.dossier"]
        register = self.env["moh.document.register"].search(
            [("direction", "=", "dossier"), ("company_id", "=", company.id)], limit=1
        )
        if not register:
            return 0
        agency = company._moh_agency_code("")
        procedures = self.env["moh.procedure"].browse({p.procedure for p in plans})
        people = self._moh_people(self.env["hr.department"].browse({p.department for p in plans}))
        businesses = self._moh_businesses()
        onestop = (
            self.env["res.users"].search(
                [("group_ids", "in", self.env.ref("moh_egov.group_onestop").id)], order="id", limit=1
            )
        ) or self.env.user
        # The number of the day, after the dossiers already filed that day (under the register's lock).
        days = {int(p.submitted_at.strftime("%Y%m%d")) for p in plans}
        sequences = self._moh_next_numbers(register, "moh.dossier", "code_sequence", "receipt_day", days)
        order = sorted(range(len(plans)), key=lambda i: (plans[i].submitted_at, i))
        codes = {}
        for index in order:
            day = int(plans[index].submitted_at.strftime("%Y%m%d"))
            codes[index] = sequences[day]
            sequences[day] += 1
        # The slips speak the agency's language, as the demo's people do.
        vietnamese = self.with_context(lang="vi_VN") if self.env["res.lang"]._lang_get("vi_VN") else self
        labels = {"onestop": vietnamese.env._("One-stop shop"), "applicant": vietnamese.env._("Applicant")}
        total = 0
        for offset in range(0, len(plans), BATCH):
            chunk = list(enumerate(plans[offset : offset + BATCH], start=offset))
            vals_list = []
            for index, plan in chunk:
                procedure = procedures.browse(plan.procedure)
                _heads, specialists = people[plan.department]
                day = plan.submitted_at.date()
                fee = procedure.fee
                done = plan.state == "done"
                vals_list.append(
                    {
                        "procedure_id": procedure.id,
                        "company_id": company.id,
                        "partner_id": businesses[index % len(businesses)].id,
                        "channel": "online" if plan.online else "counter",
                        "state": plan.state,
                        "register_id": register.id,
                        "receipt_day": int(day.strftime("%Y%m%d")),
                        "code_sequence": codes[index],
                        "code": format_dossier_code(agency, day, codes[index]),
                        "lookup_secret": secrets.token_hex(4).upper(),
                        "department_id": plan.department,
                        "specialist_id": specialists[:1].id if plan.state != "received" else False,
                        "submitted_at": self._moh_utc(plan.submitted_at),
                        "received_at": self._moh_utc(plan.received_at),
                        "deadline": plan.deadline,
                        "first_deadline": plan.deadline,
                        "done_date": self._moh_utc(plan.done_at) if done else False,
                        "fee_amount": fee,
                        "payment_state": "paid" if fee else "none",
                        "paid_online": bool(fee) and plan.paid_online,
                        "supplement_count": 1 if plan.supplement else 0,
                        "supplement_requested_at": self._moh_utc(plan.supplement[0]) if plan.supplement else False,
                        "supplement_received_at": self._moh_utc(plan.supplement[1]) if plan.supplement else False,
                        "rating": str(plan.rating) if plan.rating and done else False,
                        "appraisal_note": "Hồ sơ đáp ứng yêu cầu." if done else False,
                    }
                )
            dossiers = Dossier.create(vals_list)
            handovers = []
            for dossier, (_index, plan) in zip(dossiers, chunk, strict=True):
                handovers += self._moh_dossier_handovers(dossier, plan, labels, onestop)
            self.env["moh.dossier.handover"].create(handovers)
            self.env.flush_all()
            self.env.cr.execute(
                """
                UPDATE moh_dossier d
                   SET create_date = d.submitted_at, write_date = COALESCE(d.done_date, d.received_at)
                 WHERE d.id = ANY(%s)
                """,
                (dossiers.ids,),
            )
            total += len(dossiers)
            self.env.invalidate_all()
            _logger.info("History: %s dossiers written", total)
        return total

    @api.model
    def _moh_dossier_handovers(self, dossier, plan, labels, onestop):
        """The process control slip of a history dossier: each step closed when the next began."""
        department = dossier.department_id
        at = self._moh_utc
        steps = [("submit", labels["applicant"], labels["onestop"], plan.submitted_at, None)]
        accepted = plan.received_at
        if plan.supplement:
            asked, back = plan.supplement
            steps.append(("supplement", labels["onestop"], labels["applicant"], asked, None))
            steps.append(("supplement_done", labels["applicant"], labels["onestop"], back, None))
        steps.append(("accept", labels["onestop"], labels["onestop"], accepted, None))
        if plan.state != "received":
            steps.append(("assign", labels["onestop"], department.name, accepted + dt.timedelta(hours=1), department))
        if plan.state in ("approval", "done"):
            proposed = (plan.done_at or accepted) - dt.timedelta(hours=2)
            steps.append(("propose", department.name, labels["onestop"], max(proposed, accepted), department))
        if plan.state == "done":
            steps.append(("return", labels["onestop"], labels["applicant"], plan.done_at, None))
        vals = []
        for position, (kind, source, target, started, dept) in enumerate(steps):
            following = steps[position + 1][3] if position + 1 < len(steps) else None
            final = kind == "return"
            done_at = started if final else following
            due = dossier.deadline and at(dt.datetime.combine(dossier.deadline, dt.time(17, 0)))
            outcome = False
            if done_at and not final:
                outcome = "late" if due and at(done_at) > due else "on_time"
            vals.append(
                {
                    "dossier_id": dossier.id,
                    "kind": kind,
                    "from_label": source,
                    "to_label": target,
                    "user_id": onestop.id,
                    "department_id": dept.id if dept else False,
                    "started_at": at(started),
                    "due_at": False if final else (due if kind in ("assign", "propose") else False),
                    "done_at": at(done_at) if done_at else False,
                    "outcome": outcome,
                }
            )
        return vals
