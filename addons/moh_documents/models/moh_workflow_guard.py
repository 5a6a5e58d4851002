"""The rule every workflow model of the product follows: its workflow fields change only inside
its step methods.

In Odoo, ``readonly=True`` on a field, a hidden button or a missing menu are presentation, not
security: any user with write access to a model can write any stored field over RPC
(``/web/dataset/call_kw``, ``/json/2``), and ``create`` accepts any field, or a ``default_*`` key
in the context. A model that inherits this mixin names its workflow fields (state, numbers,
dates, signed files, links to other records, results, codes, fees, deadlines ...) in
``_moh_workflow_fields``; ``create`` and ``write`` then refuse them, for every user, officers and
administrators included. Step methods first check who calls them and on what, then write those
fields in superuser mode (``sudo()``), which no RPC client can reach.

Models may also freeze their content in some states (``_moh_check_content_update``), as
hr_holidays' ``_check_approval_update`` and account.move's protected fields do.
"""

from markupsafe import Markup
from odoo import api, models
from odoo.exceptions import AccessError, UserError


class MohWorkflowGuard(models.AbstractModel):
    _name = "moh.workflow.guard"
    _description = "Workflow Fields Guard"

    #: Fields that only the model's step methods change (written in sudo after their checks).
    _moh_workflow_fields = ()

    @api.model
    def _moh_guarded_fields(self):
        """The fields ``create`` and ``write`` refuse outside superuser mode; overridable when a
        model's set depends on its configuration."""
        return set(self._moh_workflow_fields)

    def _moh_refuse_workflow_fields(self, names):
        labels = ", ".join(
            sorted(self._fields[name]._description_string(self.env) for name in names if name in self._fields)
        )
        raise AccessError(
            self.env._(
                "%(fields)s of %(model)s change only through the steps of its workflow, never directly.",
                fields=labels,
                model=self._description,
            )
        )

    def _moh_check_content_update(self, vals):
        """Refuse ``vals`` when the records' state freezes their content. Models override it;
        called for every write that is not made in superuser mode."""
        return

    @api.model
    def _moh_check_group(self, group, refusal, archivist=False):
        """The caller is a user of ``group`` (an XML id) or, with ``archivist``, an archivist of
        the agency archive; else ``refusal`` (a translated text) is raised."""
        user = self.env.user
        if not (
            self.env.su or user.has_group(group) or (archivist and user.has_group("moh_documents.group_archivist"))
        ):
            raise AccessError(refusal)

    def _moh_check_in_states(self, states, wrong_state, group=None, refusal=None, archivist=False):
        """Before a step: one record, which the caller may read, in one of ``states``. With
        ``group``, the caller must also be of it (``_moh_check_group``, ``refusal``,
        ``archivist``). ``wrong_state`` gives the error raised in another state from the label of
        the record's state."""
        self.ensure_one()
        if group:
            self._moh_check_group(group, refusal, archivist=archivist)
        self.check_access("read")
        if self.state not in states:
            label = dict(self._fields["state"]._description_selection(self.env)).get(self.state, self.state)
            raise UserError(wrong_state(label))

    def _moh_post(self, body, note=None):
        """Note a step in the record's chatter (models with mail.thread): ``body`` in bold, then
        ``note``, by the caller."""
        parts = [Markup("<b>%s</b>") % body]
        if note:
            parts.append(Markup("<br/>%s") % note)
        self.sudo().message_post(
            body=Markup("").join(parts), author_id=self.env.user.partner_id.id, subtype_xmlid="mail.mt_note"
        )

    @api.model_create_multi
    def create(self, vals_list):
        if self.env.su:
            return super().create(vals_list)
        guarded = self._moh_guarded_fields()
        # A ``default_<field>`` in the context is a value as well: drop those of workflow fields.
        context = self.env.context
        if any(key.startswith("default_") and key[8:] in guarded for key in context):
            # pylint: disable-next=context-overridden  # the context without the guarded defaults, on purpose
            self = self.with_context(  # noqa: PLW0642 - the guard's context for the rest of create
                {
                    key: value
                    for key, value in context.items()
                    if not (key.startswith("default_") and key[8:] in guarded)
                }
            )
        for vals in vals_list:
            forbidden = guarded.intersection(vals)
            if forbidden:
                self._moh_refuse_workflow_fields(forbidden)
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su:
            forbidden = self._moh_guarded_fields().intersection(vals)
            if forbidden:
                self._moh_refuse_workflow_fields(forbidden)
            self._moh_check_content_update(vals)
        return super().write(vals)

    def _update_field_translations(self, field_name, translations, digest=None, source_lang=""):
        # Behind the translation dialog's public ``update_field_translations`` (reachable over
        # RPC), which writes a field's text in a language without ``write``: a workflow field's
        # translations change only in superuser mode too.
        if not self.env.su and field_name in self._moh_guarded_fields():
            self._moh_refuse_workflow_fields({field_name})
        return super()._update_field_translations(field_name, translations, digest=digest, source_lang=source_lang)


class MohSettingsGuard(models.AbstractModel):
    """The e-office's settings on Odoo's own models (a department's abbreviation, the agency's
    code, signature level, ...: the fields named ``moh_*``) are the e-office administrator's
    alone, whatever other group gives write access to those models (HR officers, settings
    administrators)."""

    _name = "moh.settings.guard"
    _description = "E-Office Settings Guard"

    def _moh_check_settings(self, vals_list):
        if self.env.su or self.env.user.has_group("moh_documents.group_moh_admin"):
            return
        if any(name.startswith("moh_") for vals in vals_list for name in vals):
            raise AccessError(
                self.env._(
                    "Only the e-office administrator changes the e-office settings of %(model)s.",
                    model=self._description,
                )
            )

    @api.model_create_multi
    def create(self, vals_list):
        self._moh_check_settings(vals_list)
        return super().create(vals_list)

    def write(self, vals):
        self._moh_check_settings([vals])
        return super().write(vals)
