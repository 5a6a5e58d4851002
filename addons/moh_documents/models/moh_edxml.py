"""Documents exchanged with other agencies as edXML messages (QCVN 102:2016/BTTTT).

Export: an issued outgoing document becomes a document message (header from the document, the
signed PDF as attachment). Import: a document message becomes a registered incoming document
with its attachments (signatures validated as for any incoming PDF); a status message is noted
on the outgoing document it answers. Building, parsing and the refusal of hostile or malformed
XML are moh_core.edxml's; a refused message imports nothing and says why in the user's language.

Who sent a message:

* received from a peer over the exchange (``/moh/exchange/edxml``, authenticated by the peer's
  token): the sender is the peer, whatever the message says. A message whose ``From`` names
  another agency is refused (and logged), and a status message is accepted only for a document
  we sent to that peer by edXML;
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
        from moh_core.edxml import Organization  # noqa: PLC0415

        return Organization(organ_id=company.moh_agency_code or "000.00.00.H00", name=company.name,
                            address=", ".join(p for p in (company.street, company.city) if p) or None,
                            email=company.email or None, telephone=company.phone or None,
                            website=company.website or None)

    @api.model
    def _moh_export(self, document, recipients=()):
        """The edXML message of an issued outgoing document, to ``recipients`` (Organizations)."""
        from moh_core.edxml import Attachment, DocumentMessage, Signer, build_document_message  # noqa: PLC0415

        document.ensure_one()
        if document.confidentiality != "normal":
            # Never over the exchange (Law 29/2018/QH14, Art. 5.5-5.6; Decree 26/2020/NĐ-CP).
            raise document._moh_secret_refusal(self.env._(
                "It is not exported or sent by edXML: state secrets travel only by the confidential channels the "
                "law allows"))
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
            to_places=tuple(line.strip(" -;.") for line in (document.recipients or "").splitlines() if line.strip(" -;.")),
        )
        attachment = Attachment(name=document.pdf_id.name, data=document.pdf_id.raw, content_type="application/pdf")
        sent_at = dt.datetime.now(pytz.utc).replace(microsecond=0)
        return build_document_message(message, [attachment], sent_at=sent_at)

    @api.model
    def _moh_signer_info(self, document):
        """SignerInfo as the document prints it: Competence the authority lines ("TL. BỘ TRƯỞNG
        KT. CỤC TRƯỞNG", "Q. CỤC TRƯỞNG"), Position the signer's own, FullName the name."""
        from moh_core.edxml import Signer  # noqa: PLC0415

        block = document._moh_signer()
        return Signer(full_name=block.name, position=document.signer_position or None,
                      competence=" ".join(block.authority_lines) or None)

    # -- import ---------------------------------------------------------------------------------

    @api.model
    def _moh_problem_message(self, error):
        from moh_core.edxml import EdxmlProblem as P  # noqa: PLC0415

        _ = self.env._
        messages = {
            P.TOO_LARGE: _("The message is larger than the exchange allows."),
            P.ATTACHMENT_TOO_LARGE: _("An attachment of the message is larger than the exchange allows."),
            P.DOCTYPE_FORBIDDEN: _("The message declares a DOCTYPE or entities, which the exchange forbids (possible attack)."),
            P.MALFORMED: _("The message is not well-formed XML."),
            P.NAMESPACE_ERROR: _("The message uses XML prefixes it does not declare."),
            P.NOT_EDXML: _("The file is not an edXML message."),
            P.NOT_CONFORMANT: _("The message does not have the structure edXML requires."),
            P.INVALID_DATE: _("A date of the message cannot be read."),
            P.BAD_ATTACHMENT_ENCODING: _("An attachment of the message is not correctly encoded."),
            P.MISSING_ATTACHMENT: _("The message lists an attachment it does not contain."),
            P.DUPLICATE_ATTACHMENT: _("The message contains the same attachment twice."),
        }
        return _("The edXML message was refused and nothing was imported: %(reason)s",
                 reason=messages.get(error.code, error.message))

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
        _logger.warning("edXML message %s refused: sent by peer %s (id %s) but its From names %s (%s)",
                        message_id or "?", peer.code, peer.id, claimed.organ_id, claimed.name)
        raise MohEdxmlSenderError(self.env._(
            "The edXML message was refused and nothing was imported: it names %(claimed)s (%(claimed_code)s) as "
            "its sender, but it was sent by %(peer)s (%(peer_code)s). A peer sends only its own documents.",
            claimed=claimed.name or claimed.organ_id or "?", claimed_code=claimed.organ_id or "?",
            peer=peer.name, peer_code=peer.code))

    @api.model
    def _moh_import(self, data, filename="message.edxml", peer=None, message_id=None):
        """Register the incoming document an edXML message carries, or note a status message.
        Returns the incoming document, or the outgoing document the status answers.

        ``peer``: the authenticated peer the message came from (moh.exchange.peer); the sender
        is then the peer, and a message naming another sender is refused. Without a peer (a
        file imported by the records office) the sender is what the file states, noted on the
        document as not verified."""
        from moh_core.edxml import EdxmlError, ParsedStatus, parse_message  # noqa: PLC0415

        try:
            parsed = parse_message(data)
        except EdxmlError as exc:
            raise UserError(self._moh_problem_message(exc)) from exc
        if peer:
            self._moh_check_sender(parsed.message.sender, peer, message_id)
        if isinstance(parsed, ParsedStatus):
            return self._moh_import_status(parsed, peer=peer)
        message = parsed.message
        if peer:
            sender_code, sender_name = peer.code, peer.name
        else:
            sender_code, sender_name = message.sender.organ_id, message.sender.name or message.sender.organ_id
        urgency = {value: key for key, value in PRIORITY.items()}.get(message.priority, "normal")
        Incoming = self.env["moh.incoming.document"]
        number_symbol = f"{message.code_number}/{message.code_notation}" if message.code_notation else message.code_number
        duplicate = Incoming.search([("sender_code", "=", sender_code), ("number_symbol", "=", number_symbol),
                                     ("issue_date", "=", message.promulgation_date)], limit=1)
        if duplicate:
            raise UserError(self.env._("This document (%(number)s of %(sender)s) was already received as %(existing)s.",
                                       number=number_symbol, sender=sender_name,
                                       existing=duplicate.display_name))
        notes = [f"{notice.code}: {notice.detail}" for notice in parsed.notices]
        notes += [f"{a.name}: {notice.code}: {notice.detail}" for a in parsed.attachments for notice in a.notices]
        document = Incoming.create({
            "channel": "edxml",
            "sender_name": sender_name,
            "sender_code": sender_code,
            "number_symbol": number_symbol,
            "issue_date": message.promulgation_date,
            "document_type_id": self._moh_document_type(message).id,
            "abstract": message.subject,
            "signer_name": message.signer.full_name if message.signer else False,
            "urgency": urgency,
            "attachment_ids": [(0, 0, {"name": a.name, "raw": a.content, "mimetype": a.content_type or "application/octet-stream"})
                               for a in parsed.attachments],
        })
        if peer:
            # The agency the exchange authenticated: the one the document's statuses go back to.
            document.sudo().exchange_peer_id = peer
        document.action_register()
        if peer:
            body = self.env._("Received by document exchange (edXML) from %(sender)s.", sender=sender_name)
        else:
            body = self.env._(
                "Imported from an edXML file by %(user)s. The sender (%(sender)s, %(code)s) is as the file states: "
                "it was not verified by the document exchange. The signatures of its PDF attachments were checked "
                "as for any incoming document.", user=self.env.user.name, sender=sender_name, code=sender_code or "?")
        if notes:
            body += " " + self.env._("Tolerated deviations of the message: %(notes)s", notes="; ".join(notes))
        document.message_post(body=body)
        return document

    @api.model
    def _moh_import_status(self, parsed, peer=None):
        """Note a status message on the outgoing document it answers. From a peer: only a
        document sent to that peer by edXML (an outbound edXML message to it) is answered;
        anything else is refused with one answer, so that a peer cannot probe our numbers."""
        status = parsed.message
        document_id = status.response_for.document_id or ""
        number_notation = document_id.split(",", 2)[-1] if document_id.count(",") >= 2 else ""
        number, _sep, notation = number_notation.partition("/")
        Outgoing = self.env["moh.outgoing.document"]
        domain = [("symbol", "=", notation), ("number", "=", int(number) if number.isdigit() else -1)]
        if peer:
            sent = self.env["moh.exchange.message"].sudo().search([
                ("direction", "=", "out"), ("kind", "=", "edxml"), ("peer_id", "=", peer.id),
                ("res_model", "=", Outgoing._name)])
            outgoing = Outgoing.sudo().search(domain + [("id", "in", sent.mapped("res_id"))], limit=1)
            if not outgoing:
                _logger.warning("edXML status message refused: peer %s (id %s) answers %s, which was not sent to it",
                                peer.code, peer.id, document_id or "?")
                raise MohEdxmlSenderError(self.env._(
                    "The status message was refused: it answers %(document)s, which we did not send to %(peer)s by edXML.",
                    document=document_id or "?", peer=peer.name))
            outgoing = outgoing.with_env(self.env)
        else:
            outgoing = Outgoing.search(domain, limit=1)
        if not outgoing:
            raise UserError(self.env._("The status message answers %(document)s, which is not one of our issued documents.",
                                       document=document_id or "?"))
        _ = self.env._
        labels = {"01": _("delivered"), "02": _("refused or returned"), "03": _("accepted and registered"),
                  "04": _("assigned"), "05": _("being processed"), "06": _("completed"),
                  "13": _("recall requested"), "15": _("recall accepted"), "16": _("recall refused")}
        body = self.env._(
            "%(agency)s: %(status)s (%(code)s)%(description)s",
            agency=peer.name if peer else status.sender.name or status.sender.organ_id,
            status=labels.get(status.status.value, status.status.description),
            code=status.status.value, description=f" — {status.description}" if status.description else "")
        if not peer:
            body += " " + self.env._("(Imported from a file by %(user)s; the sending agency was not verified by the "
                                     "document exchange.)", user=self.env.user.name)
        outgoing.sudo().message_post(body=body)
        return outgoing

    # -- sending through the exchange queue -----------------------------------------------------

    @api.model
    def _moh_send_document(self, document, peers):
        """Queue the edXML message of an issued outgoing document for each of ``peers``."""
        messages = self.env["moh.exchange.message"]
        for peer in peers:
            recipient = self._moh_peer_organization(peer)
            data = self._moh_export(document, [recipient])
            messages |= messages._moh_enqueue(peer, "edxml", data, record=document)
        return messages

    @api.model
    def _moh_peer_organization(self, peer):
        from moh_core.edxml import Organization  # noqa: PLC0415

        return Organization(organ_id=peer.code, name=peer.name)

    @api.model
    def _moh_send_status(self, document, code, description=None):
        """Tell the agency that sent ``document`` (an incoming document received by edXML) what
        happened to it: a status message (01 delivered … 06 completed) through the exchange
        queue. Nothing is sent for documents that no peer delivered through the exchange."""
        from moh_core.edxml import ResponseFor, StaffInfo, StatusCode, StatusMessage, build_status_message, make_document_id  # noqa: PLC0415

        document.ensure_one()
        if document.channel != "edxml" or not document.sender_code or document.confidentiality != "normal":
            # Nothing of a state-secret document goes over the exchange (Decree 26/2020/NĐ-CP).
            return self.env["moh.exchange.message"]
        # Only to the peer the document really came from (set by the exchange when that peer
        # delivered it): a document typed in by hand with a peer's code tells that peer nothing.
        peer = document.sudo().exchange_peer_id
        if not peer:
            return self.env["moh.exchange.message"]
        number, _sep, notation = (document.number_symbol or "").partition("/")
        user = self.env.user.sudo()
        status = StatusMessage(
            sender=self._moh_organization(document.company_id),
            response_for=ResponseFor(
                organ_id=document.sender_code,
                document_id=make_document_id(document.sender_code, document.issue_date, number, notation),
                code=document.number_symbol, promulgation_date=document.issue_date),
            status=StatusCode(code),
            timestamp=dt.datetime.now(pytz.utc).replace(microsecond=0),
            description=description or None,
            staff=StaffInfo(staff=user.name, email=user.email or None,
                            department=user.employee_id.department_id.name if user.employee_id else None),
        )
        return self.env["moh.exchange.message"]._moh_enqueue(peer, "status", build_status_message(status), record=document)
