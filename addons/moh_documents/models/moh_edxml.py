"""Documents exchanged with other agencies as edXML messages (QCVN 102:2016/BTTTT).

Export: an issued outgoing document becomes a document message (header from the document, the
signed PDF as attachment). Import: a document message becomes a registered incoming document
with its attachments (signatures validated as for any incoming PDF), acknowledged with status
01; a revocation, update or replacement acts on the earlier document it names (Decree
30/2020/NĐ-CP, Art. 18.3-18.4); a status message is noted on the timeline of the outgoing
document it answers, found by its whole DocumentId (agency, date with year, number/notation).
Building, parsing and the refusal of hostile or malformed XML are moh_core.exchange's; a refused
message imports nothing and says why in the user's language.

Who sent a message:

* received from a peer over the exchange (``/moh/exchange/edxml``, authenticated by the peer's
  token): the sender is the peer, whatever the message says. A message whose ``From`` names
  another agency is refused (and logged), a status message is attached only to a document we
  sent to that peer by edXML (others are kept, attached to nothing), and a revocation, update or
  replacement acts only on a document whose DocumentId names that peer's own agency;
* imported from a file by the records office (the import wizard, a clerk's step): nothing
  authenticates the file, so the sender is what the file states, marked on the document as not
  verified by the exchange; the signatures of its PDF attachments are validated as for any
  incoming PDF, and the clerk judges the file as a paper letter is judged.
"""

import datetime as dt
import logging

import pytz
from odoo import api, models
from odoo.exceptions import UserError

from ..tools.core_errors import error_message, user_errors

_logger = logging.getLogger(__name__)


class MohEdxmlSenderError(UserError):
    """A message from an authenticated peer that names another sender, or answers a document
    never sent to that peer."""


#: The product's mapping of urgency to edXML's Priority (the regulation gives no list).
PRIORITY = {"normal": 0, "urgent": 1, "very_urgent": 2, "flash": 3}
#: DocumentType/Type as the exchange SDK codes it: 1 legal normative document, 2 administrative.
ADMINISTRATIVE = 2


class MohEdxml(models.AbstractModel):
    _name = "moh.edxml"
    _description = "edXML Document Exchange"

    # -- export ---------------------------------------------------------------------------------

    @api.model
    def _moh_organization(self, company):
        from moh_core.exchange import Organization  # noqa: PLC0415

        organ_id = company._moh_agency_code(self.env._("as the sender (OrganId) of an edXML message"))
        return Organization(
            organ_id=organ_id,
            name=company.name,
            address=", ".join(p for p in (company.street, company.city) if p) or None,
            email=company.email or None,
            telephone=company.phone or None,
            website=company.website or None,
        )

    @api.model
    def _moh_export(self, document, recipients=(), business=None):
        """The edXML message of an issued outgoing document, to ``recipients`` (Organizations);
        ``business``: a moh_core.exchange.Business, e.g. its revocation (by default a new document)."""
        from moh_core.exchange import Attachment, DocumentMessage, build_document_message  # noqa: PLC0415

        document.ensure_one()
        if document.confidentiality != "normal":
            # Never over the exchange (Law 29/2018/QH14, Art. 5.5-5.6; Decree 26/2020/NĐ-CP).
            raise document._moh_secret_refusal(
                self.env._(
                    "It is not exported or sent by edXML: state secrets travel only by the confidential channels the "
                    "law allows"
                )
            )
        if document.state != "issued":
            raise UserError(self.env._("Only an issued document is sent to other agencies."))
        vi = document.with_context(lang="vi_VN") if self.env["res.lang"]._lang_get("vi_VN") else document
        number = f"{document.number:02d}"
        message = DocumentMessage(
            sender=self._moh_organization(document.company_id),
            recipients=tuple(recipients) or (self._moh_organization(document.company_id),),
            code_number=number,
            code_notation=document.symbol or "",
            promulgation_date=document.issue_date,
            promulgation_place=document.company_id.city or None,
            document_type=ADMINISTRATIVE,
            document_type_name=vi.document_type_id.name,
            subject=document.abstract,
            content=document.body or None,
            signer=self._moh_signer_info(document),
            priority=PRIORITY.get(document.urgency, 0),
            to_places=tuple(
                line.strip(" -;.") for line in (document.recipients or "").splitlines() if line.strip(" -;.")
            ),
            **({"business": business} if business else {}),
        )
        attachment = Attachment(name=document.pdf_id.name, data=document.pdf_id.raw, content_type="application/pdf")
        sent_at = dt.datetime.now(pytz.utc).replace(microsecond=0)
        with user_errors(self.env):
            return build_document_message(message, [attachment], sent_at=sent_at)

    @api.model
    def _moh_signer_info(self, document):
        """SignerInfo as the document prints it: Competence the authority lines ("TL. BỘ TRƯỞNG
        KT. CỤC TRƯỞNG", "Q. CỤC TRƯỞNG"), Position the signer's own, FullName the name."""
        from moh_core.exchange import Signer  # noqa: PLC0415

        block = document._moh_signer()
        return Signer(
            full_name=block.name,
            position=document.signer_position or None,
            competence=" ".join(block.authority_lines) or None,
        )

    # -- import ---------------------------------------------------------------------------------

    @api.model
    def _moh_document_type(self, message):
        Type = self.env["moh.document.type"].with_context(active_test=False)
        abbreviation = (message.code_notation or "").split("-", 1)[0]
        found = Type.search([("abbreviation", "=", abbreviation)], limit=1) if abbreviation else Type
        if not found and message.document_type_name:
            for lang in ("vi_VN", "en_US"):
                found = Type.with_context(lang=lang).search([("name", "=ilike", message.document_type_name)], limit=1)
                if found:
                    break
        return found or self.env.ref("moh_documents.document_type_cong_van")

    @api.model
    def _moh_check_sender(self, claimed, peer, message_id=None):
        """Refuse a message of ``peer`` whose ``From`` (``claimed``, an Organization) names another
        agency; the attempt is logged."""
        if (claimed.organ_id or "").strip() == (peer.code or "").strip():
            return
        _logger.warning(
            "edXML message %s refused: sent by peer %s (id %s) but its From names %s (%s)",
            message_id or "?",
            peer.code,
            peer.id,
            claimed.organ_id,
            claimed.name,
        )
        raise MohEdxmlSenderError(
            self.env._(
                "The edXML message was refused and nothing was imported: it names %(claimed)s (%(claimed_code)s) as "
                "its sender, but it was sent by %(peer)s (%(peer_code)s). A peer sends only its own documents.",
                claimed=claimed.name or claimed.organ_id or "?",
                claimed_code=claimed.organ_id or "?",
                peer=peer.name,
                peer_code=peer.code,
            )
        )

    @api.model
    def _moh_import(self, data, filename="message.edxml", peer=None, message_id=None):
        """Register the incoming document an edXML message carries, apply a revocation, update or
        replacement to the earlier document, or note a status message. Returns the incoming
        document concerned, or the outgoing document the status answers.

        ``peer``: the authenticated peer the message came from (moh.exchange.peer); the sender
        is then the peer, and a message naming another sender is refused. Without a peer (a
        file imported by the records office) the sender is what the file states, noted on the
        document as not verified.

        Business types (QCVN 102:2016 ``BussinessDocType``; Decree 30/2020/NĐ-CP, Art. 18.3-18.4):
        0 a new document is registered; 1 revoke and 2 update act on the earlier document, found
        by its DocumentId key (agency, date with year, number/notation: ``_moh_find_by_key``);
        3 replace registers the new document and marks the earlier ones replaced. A target that
        is not found, or that can no longer be revoked or updated, is never guessed: the message
        is kept as a draft incoming document flagged for the records office (``exchange_problem``)
        and, for a revocation or an update, the sender is told 16 (refused). Every document
        message from a peer is acknowledged with status 01 (delivered)."""
        from moh_core.exchange import DocumentAction, EdxmlError, ParsedStatus, parse_message  # noqa: PLC0415

        try:
            parsed = parse_message(data)
        except EdxmlError as exc:
            raise UserError(
                self.env._(
                    "The edXML message was refused and nothing was imported: %(reason)s",
                    reason=error_message(self.env, exc),
                )
            ) from exc
        if peer:
            self._moh_check_sender(parsed.message.sender, peer, message_id)
        if isinstance(parsed, ParsedStatus):
            return self._moh_import_status(parsed, peer=peer, message_id=message_id)
        message = parsed.message
        if message.action in (DocumentAction.REVOKE, DocumentAction.UPDATE):
            return self._moh_import_change(parsed, peer)
        document = self._moh_register_received(parsed, peer)
        if message.action == DocumentAction.REPLACE:
            self._moh_import_replacement(document, parsed, peer)
        return document

    @api.model
    def _moh_sender(self, message, peer):
        """(code, name) of the sending agency: the authenticated peer, else what the file states."""
        if peer:
            return peer.code, peer.name
        return message.sender.organ_id, message.sender.name or message.sender.organ_id

    @api.model
    def _moh_received_vals(self, parsed, peer):
        message = parsed.message
        sender_code, sender_name = self._moh_sender(message, peer)
        urgency = {value: key for key, value in PRIORITY.items()}.get(message.priority, "normal")
        number_symbol = (
            f"{message.code_number}/{message.code_notation}" if message.code_notation else message.code_number
        )
        return {
            "channel": "edxml",
            "sender_name": sender_name,
            "sender_code": sender_code,
            "number_symbol": number_symbol,
            "issue_date": message.promulgation_date,
            "document_type_id": self._moh_document_type(message).id,
            "abstract": message.subject,
            "signer_name": message.signer.full_name if message.signer else False,
            "urgency": urgency,
            "attachment_ids": [(0, 0, values) for values in self._moh_attachment_vals(parsed)],
        }

    @api.model
    def _moh_attachment_vals(self, parsed):
        return [{"name": a.name, "raw": a.content, "mimetype": a.mimetype} for a in parsed.attachments]

    @api.model
    def _moh_receipt_note(self, parsed, peer, sender_name, sender_code):
        notes = [f"{notice.code}: {notice.detail}" for notice in parsed.notices]
        notes += [f"{a.name}: {notice.code}: {notice.detail}" for a in parsed.attachments for notice in a.notices]
        if peer:
            body = self.env._("Received by document exchange (edXML) from %(sender)s.", sender=sender_name)
        else:
            body = self.env._(
                "Imported from an edXML file by %(user)s. The sender (%(sender)s, %(code)s) is as the file states: "
                "it was not verified by the document exchange. The signatures of its PDF attachments were checked "
                "as for any incoming document.",
                user=self.env.user.name,
                sender=sender_name,
                code=sender_code or "?",
            )
        if notes:
            body += " " + self.env._("Tolerated deviations of the message: %(notes)s", notes="; ".join(notes))
        return body

    @api.model
    def _moh_register_received(self, parsed, peer, register=True):
        """The incoming document of a document message: created, acknowledged to the peer (01
        delivered), registered (03 registered), the receipt noted. ``register=False`` keeps it as a
        draft (a message to be checked by the records office)."""
        message = parsed.message
        vals = self._moh_received_vals(parsed, peer)
        Incoming = self.env["moh.incoming.document"]
        if register:
            duplicate = Incoming.search(
                [
                    ("sender_code", "=", vals["sender_code"]),
                    ("number_symbol", "=", vals["number_symbol"]),
                    ("issue_date", "=", message.promulgation_date),
                    ("exchange_problem", "=", False),
                ],
                limit=1,
            )
            if duplicate:
                raise UserError(
                    self.env._(
                        "This document (%(number)s of %(sender)s) was already received as %(existing)s.",
                        number=vals["number_symbol"],
                        sender=vals["sender_name"],
                        existing=duplicate.display_name,
                    )
                )
        document = Incoming.create(vals)
        # The agency the exchange authenticated: the one the document's statuses go back to.
        document.sudo().write(
            {"exchange_peer_id": peer.id if peer else False, "exchange_document_id": message.document_id or False}
        )
        self._moh_send_status(document, "01")
        if register:
            document.action_register()
        document.message_post(body=self._moh_receipt_note(parsed, peer, vals["sender_name"], vals["sender_code"]))
        return document

    @api.model
    def _moh_target(self, document_id, sender_code):
        """The earlier incoming document ``document_id`` names, and None or the reason it cannot be
        used: its DocumentId must be readable (agency, date with year, number/notation) and name
        the sending agency itself (an agency revokes only its own documents)."""
        from moh_core.exchange import parse_document_id  # noqa: PLC0415

        _ = self.env._
        Incoming = self.env["moh.incoming.document"]
        key = parse_document_id(document_id)
        if key is None:
            return Incoming, _(
                "its DocumentId %(id)s cannot be read as agency code, date and number/notation", id=document_id or "-"
            )
        if key.organ_id != (sender_code or "").strip().upper():
            return Incoming, _(
                "its DocumentId %(id)s names another agency than the sender %(code)s",
                id=document_id,
                code=sender_code or "?",
            )
        target = Incoming._moh_find_by_key(key)
        if not target:
            return Incoming, _("no document %(id)s received from this agency was found", id=document_id)
        if target.sudo().state in ("revoked", "replaced"):
            state = dict(target._fields["state"]._description_selection(self.env))[target.sudo().state]
            return target, _("%(document)s is already %(state)s", document=target.sudo().display_name, state=state)
        return target, None

    @api.model
    def _moh_import_change(self, parsed, peer):
        """A revocation (1) or an update (2) of an earlier document (Decree 30/2020/NĐ-CP,
        Art. 18.3-18.4). Found: revoked (status 15) or amended (status 15), and returned.
        Not found or no longer open to it: kept as a flagged draft, the sender told 16."""
        from moh_core.exchange import DocumentAction, business_targets  # noqa: PLC0415

        _ = self.env._
        message = parsed.message
        revoke = message.action == DocumentAction.REVOKE
        sender_code, sender_name = self._moh_sender(message, peer)
        reason = message.business.reason if message.business else None
        targets = business_targets(message)
        target, problem = self._moh_target(targets[0] if targets else None, sender_code)
        if problem:
            document = self._moh_register_received(parsed, peer, register=False)
            what = _("revocation") if revoke else _("update")
            document._moh_flag(
                _(
                    "This message is a %(what)s sent by %(sender)s that was not applied: %(problem)s. Nothing was "
                    "changed. Check it with the sender, then cancel this entry or register it as a document.",
                    what=what,
                    sender=sender_name,
                    problem=problem,
                )
            )
            self._moh_send_status(document, "16", problem, document_id=targets[0] if targets else None, peer=peer)
            return document
        # The steps below run in superuser mode: the sender withdraws or amends its document
        # whoever may read it here (a confidential one too); the clerk stays their author.
        target = target.sudo()
        self._moh_send_status(target, "01", document_id=message.document_id, peer=peer)
        files = [(a.name, a.content) for a in parsed.attachments]
        if revoke:
            target._moh_revoke(reason, attachments=files)
            self._moh_send_status(target, "15", reason, document_id=targets[0], peer=peer)
        else:
            vals = self._moh_received_vals(parsed, peer)
            amended = {name: vals[name] for name in ("abstract", "signer_name", "urgency", "document_type_id")}
            known = set(target.sudo().attachment_ids.mapped("checksum"))
            new_files = [
                values
                for values in self._moh_attachment_vals(parsed)
                if self.env["ir.attachment"]._compute_checksum(values["raw"]) not in known
            ]
            target._moh_amend(amended, reason, attachments=new_files)
            self._moh_send_status(target, "15", reason, document_id=targets[0], peer=peer)
        target.sudo().message_post(body=self._moh_receipt_note(parsed, peer, sender_name, sender_code))
        return target

    @api.model
    def _moh_import_replacement(self, document, parsed, peer):
        """A replacement (3): ``document``, just registered, replaces each earlier document listed
        (Decree 30/2020/NĐ-CP, Art. 18.3-18.4). Their routing stops; the new one goes to the leader
        who directed the one it replaces. Replaced documents not found are flagged on ``document``."""
        from moh_core.exchange import business_targets  # noqa: PLC0415

        _ = self.env._
        message = parsed.message
        sender_code, sender_name = self._moh_sender(message, peer)
        reason = message.business.reason if message.business else None
        problems, replaced = [], self.env["moh.incoming.document"]
        for document_id in business_targets(message):
            target, problem = self._moh_target(document_id, sender_code)
            if problem:
                problems.append(problem)
                continue
            target = target.sudo()  # withdrawn whoever may read it here, as in _moh_import_change
            leader = target.leader_id if target.state in ("submitted", "in_progress", "done") else None
            target._moh_mark_replaced(document, reason)
            replaced |= target
            # What the old one had reached restarts on the new one: its leader directs it again.
            if (
                leader
                and document.state == "registered"
                and leader._is_internal()
                and leader.has_group("moh_documents.group_ministry_leader")
                and self.env.user.has_group("moh_documents.group_clerk")
            ):
                document.action_submit(leader)
        if problems or not replaced:
            document._moh_flag(
                _(
                    "This document replaces earlier documents of %(sender)s, and some were not marked replaced: "
                    "%(problems)s. Check them with the sender.",
                    sender=sender_name,
                    problems="; ".join(problems) or _("the message lists none"),
                )
            )
        return replaced

    @api.model
    def _moh_import_status(self, parsed, peer=None, message_id=None):
        """Note a status message on the outgoing document it answers, found by its DocumentId key
        (agency, date with year, number/notation; QCVN 102:2016), never by its number alone. From
        a peer: only a document sent to that peer by edXML (an outbound edXML message to it) is
        answered; a status for any other document is kept (the inbound message, with the
        reason) and put before the peer's clerk, and attached to nothing. From a file: the clerk
        is told at once and nothing is imported."""
        status = parsed.message
        document_id = status.response_for.document_id or ""
        key = status.document_key
        Outgoing = self.env["moh.outgoing.document"]
        domain = (
            [("exchange_key", "=", str(key)), ("company_id", "=", self.env.company.id)] if key else [("id", "=", False)]
        )
        if peer:
            sent = (
                self.env["moh.exchange.message"]
                .sudo()
                .search(
                    [
                        ("direction", "=", "out"),
                        ("kind", "=", "edxml"),
                        ("peer_id", "=", peer.id),
                        ("res_model", "=", Outgoing._name),
                    ]
                )
            )
            outgoing = Outgoing.sudo().search(domain + [("id", "in", sent.mapped("res_id"))], limit=1)
            if not outgoing:
                _logger.warning(
                    "edXML status message %s kept unattached: peer %s (id %s) answers %s, which was not sent to it",
                    message_id or "?",
                    peer.code,
                    peer.id,
                    document_id or "?",
                )
                self._moh_keep_unmatched_status(parsed, peer, message_id)
                return Outgoing
            outgoing = outgoing.with_env(self.env)
        else:
            outgoing = Outgoing.search(domain, limit=1)
        if not outgoing:
            raise UserError(
                self.env._(
                    "The status message answers %(document)s, which is not one of our issued documents "
                    "(matched by agency code, date and number/notation). Nothing was imported.",
                    document=document_id or "?",
                )
            )
        body = self._moh_status_line(status, peer)
        if not peer:
            body += " " + self.env._(
                "(Imported from a file by %(user)s; the sending agency was not verified by the document exchange.)",
                user=self.env.user.name,
            )
        outgoing.sudo().message_post(body=body, subtype_xmlid="mail.mt_note")
        return outgoing

    @api.model
    def _moh_status_line(self, status, peer=None):
        """One line of an outgoing document's timeline: who, the status (label and code), when."""
        _ = self.env._
        labels = {
            "01": _("delivered"),
            "02": _("refused or returned"),
            "03": _("accepted and registered"),
            "04": _("assigned"),
            "05": _("being processed"),
            "06": _("completed"),
            "13": _("recall requested"),
            "15": _("recall or update accepted"),
            "16": _("recall or update refused"),
        }
        return _(
            "%(agency)s: %(status)s (%(code)s) at %(time)s%(description)s",
            agency=peer.name if peer else status.sender.name or status.sender.organ_id,
            status=labels.get(status.status.value, status.status.description),
            code=status.status.value,
            time=status.timestamp.strftime("%d/%m/%Y %H:%M"),
            description=f" — {status.description}" if status.description else "",
        )

    @api.model
    def _moh_keep_unmatched_status(self, parsed, peer, message_id):
        """A peer's status for no document we sent it: the inbound message keeps it with the
        reason, and the peer's clerk is told in their inbox."""
        status = parsed.message
        problem = self.env._(
            "Status %(line)s answers %(document)s, which we did not send to this agency by edXML (matched by agency "
            "code, date and number/notation): it was kept and attached to no document.",
            line=self._moh_status_line(status, peer),
            document=status.response_for.document_id or "?",
        )
        if message_id:
            self.env["moh.exchange.message"].sudo().search(
                [("message_id", "=", message_id), ("direction", "=", "in")]
            ).write({"last_error": problem})
        clerk = peer.receiving_user_id or self.env.user
        # A notification in the clerk's inbox, about the peer (readable by clerks).
        self.env["mail.thread"].sudo().message_notify(
            partner_ids=clerk.partner_id.ids,
            subject=self.env._("A status message for an unknown document"),
            body=problem,
            model=peer._name,
            res_id=peer.id,
            subtype_xmlid="mail.mt_note",
        )

    # -- sending through the exchange queue -----------------------------------------------------

    @api.model
    def _moh_send_document(self, document, peers, business=None):
        """Queue the edXML message of an issued outgoing document (or its ``business``, e.g. its
        revocation) for each of ``peers``."""
        messages = self.env["moh.exchange.message"]
        for peer in peers:
            recipient = self._moh_peer_organization(peer)
            data = self._moh_export(document, [recipient], business=business)
            messages |= messages._moh_enqueue(peer, "edxml", data, record=document)
        return messages

    @api.model
    def _moh_peer_organization(self, peer):
        from moh_core.exchange import Organization  # noqa: PLC0415

        return Organization(organ_id=peer.code, name=peer.name)

    @api.model
    def _moh_send_status(self, document, code, description=None, document_id=None, peer=None):
        """Tell the agency that sent ``document`` (an incoming document received by edXML) what
        happened to it: a status message (01 delivered … 06 completed, 15/16 revocation or update
        accepted/refused) through the exchange queue, naming the document by the DocumentId the
        sender gave it (or ``document_id``, the one its message named). Nothing is sent for
        documents that no peer delivered through the exchange."""
        from moh_core.exchange import (  # noqa: PLC0415
            ResponseFor,
            StaffInfo,
            StatusCode,
            StatusMessage,
            build_status_message,
            make_document_id,
            parse_document_id,
        )

        document.ensure_one()
        if document.channel != "edxml" or not document.sender_code or document.confidentiality != "normal":
            # Nothing of a state-secret document goes over the exchange (Decree 26/2020/NĐ-CP).
            return self.env["moh.exchange.message"]
        # Only to the peer the document really came from (set by the exchange when that peer
        # delivered it, or the authenticated peer whose message names it): a document typed in by
        # hand with a peer's code tells that peer nothing.
        peer = peer or document.sudo().exchange_peer_id
        if not peer:
            return self.env["moh.exchange.message"]
        number, _sep, notation = (document.number_symbol or "").partition("/")
        code_text, day = document.number_symbol, document.issue_date
        if document_id:
            key = parse_document_id(document_id)
            code_text = f"{key.number}/{key.notation}" if key else None
            day = key.promulgation_date if key else None
        else:
            document_id = document.sudo().exchange_document_id or make_document_id(
                document.sender_code, document.issue_date, number, notation
            )
        user = self.env.user.sudo()
        status = StatusMessage(
            sender=self._moh_organization(document.company_id),
            response_for=ResponseFor(
                organ_id=document.sender_code, document_id=document_id, code=code_text, promulgation_date=day
            ),
            status=StatusCode(code),
            timestamp=dt.datetime.now(pytz.utc).replace(microsecond=0),
            description=description or None,
            staff=StaffInfo(
                staff=user.name,
                email=user.email or None,
                department=user.employee_id.department_id.name if user.employee_id else None,
            ),
        )
        return self.env["moh.exchange.message"]._moh_enqueue(
            peer, "status", build_status_message(status), record=document
        )
