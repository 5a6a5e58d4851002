from odoo import api, fields, models
from odoo.exceptions import ValidationError


class PaymentProvider(models.Model):
    _inherit = "payment.provider"

    code = fields.Selection(
        selection_add=[("dvcqg", "National Public Service Portal")], ondelete={"dvcqg": "set default"}
    )
    # The national payment platform's account (Cổng DVCQG): credentials, readable by administrators only.
    dvcqg_partner_code = fields.Char(
        string="Partner Code",
        help="MaDoiTac: the code the national payment platform gave the ministry.",
        required_if_provider="dvcqg",
        copy=False,
        groups="base.group_system",
    )
    dvcqg_secret = fields.Char(
        string="Shared Secret",
        help="The secret of the MaXacThuc checksums, in both directions.",
        required_if_provider="dvcqg",
        copy=False,
        groups="base.group_system",
    )
    dvcqg_endpoint = fields.Char(
        string="Platform URL",
        help="The URL the INIT, QUERY and GET_BILL messages are posted to.",
        required_if_provider="dvcqg",
        copy=False,
        groups="base.group_system",
    )
    dvcqg_token = fields.Char(
        string="Bearer Token",
        help="Sent as 'Authorization: Bearer <token>' with every message.",
        copy=False,
        groups="base.group_system",
    )
    dvcqg_service_code = fields.Char(
        string="Public Service Code",
        help="MaDVC on the receipt (not confirmed: ask the platform's operator).",
        groups="base.group_system",
    )
    dvcqg_beneficiary_account = fields.Char(
        string="Beneficiary Account",
        help="TKThuHuong: the account the fees are paid into.",
        groups="base.group_system",
    )
    # How long the platform is still asked about a payment: settings of the account, as the
    # platform's operator may keep receipts or late payments longer (or shorter) than the defaults.
    dvcqg_bill_days = fields.Integer(
        string="Receipt Window (Days)",
        default=7,
        help="Days after a payment was confirmed during which its electronic receipt is still asked for "
        "(GET_BILL) while the platform does not give it.",
        groups="base.group_system",
    )
    dvcqg_query_days = fields.Integer(
        string="Reconciliation Window (Days)",
        default=3,
        help="Days after a payment started during which the platform is still asked about it (QUERY) when its "
        "callback did not come, or when it was cancelled or failed here (to find a payment made after all).",
        groups="base.group_system",
    )

    @api.constrains("dvcqg_bill_days", "dvcqg_query_days")
    def _check_dvcqg_windows(self):
        for provider in self:
            if provider.code == "dvcqg" and (provider.dvcqg_bill_days < 1 or provider.dvcqg_query_days < 1):
                raise ValidationError(
                    self.env._(
                        "The receipt and reconciliation windows of %(name)s are at least one day.", name=provider.name
                    )
                )

    @api.model
    def _moh_enable_demo_provider(self):
        """Demo data: when Odoo's demo payment provider is installed, fees can be paid with it
        in test mode (no real money moves)."""
        provider = self.env.ref("payment.payment_provider_demo", raise_if_not_found=False)
        if provider and provider.code == "demo" and provider.state == "disabled":
            provider.write({"state": "test", "is_published": True})
        return True

    # -- the national payment platform ---------------------------------------------------------

    def _get_supported_currencies(self):
        supported = super()._get_supported_currencies()
        if self.code == "dvcqg":
            supported = supported.filtered(lambda currency: currency.name == "VND")
        return supported

    def _get_default_payment_method_codes(self):
        self.ensure_one()
        if self.code != "dvcqg":
            return super()._get_default_payment_method_codes()
        return {"napas_card"}

    def _moh_dvcqg_settings(self):
        """The platform account as moh_core's settings (read in sudo: credentials are admin-only
        fields, used here by the server on behalf of the payment it processes)."""
        from moh_core.payments import Settings  # noqa: PLC0415

        self.ensure_one()
        provider = self.sudo()
        return Settings(partner_code=provider.dvcqg_partner_code or "", secret=provider.dvcqg_secret or "")

    def _build_request_url(self, endpoint, **kwargs):
        if self.code != "dvcqg":
            return super()._build_request_url(endpoint, **kwargs)
        return self.sudo().dvcqg_endpoint

    def _build_request_headers(self, method, endpoint, payload, **kwargs):
        if self.code != "dvcqg":
            return super()._build_request_headers(method, endpoint, payload, **kwargs)
        headers = {"Content-Type": "application/json"}
        token = self.sudo().dvcqg_token
        if token:
            headers["Authorization"] = f"Bearer {token}"
        return headers

    def _parse_response_content(self, response, **kwargs):
        if self.code != "dvcqg":
            return super()._parse_response_content(response, **kwargs)
        return response.content  # read (and refused when not JSON) by moh_core.payments

    def _parse_response_error(self, response):
        if self.code != "dvcqg":
            return super()._parse_response_error(response)
        return f"HTTP {response.status_code}"
