"""A new business on the portal, end to end, in a real browser against a real Odoo server.

It signs up at /web/signup, finds a procedure in the catalogue, applies (giving its name and tax
code), fills the application form, uploads the required PDFs, reads the completeness check,
submits, and pays the fee with Odoo's demo payment provider. The back office then accepts,
assigns, drafts, reviews, signs and issues the e-result over /json/2 as the demo officers. The
business sees the result link, downloads the signed e-result with its browser session, and
poppler's pdfsig finds the head's signature and the agency's seal valid and trusted (the demo
PKI's root). The public lookup by code and secret shows the dossier's status.
"""

import base64
import os
import re
import shlex
import shutil
import time
import uuid
from pathlib import Path

import pytest
import requests
from odoo_server import running_server
from test_backoffice_ui import CHROMEDRIVER, CHROMIUM, browser

from moh_core.testing.fixtures import pdfsig_verdicts

PDFSIG = shutil.which("pdfsig") and shutil.which("certutil")
pytestmark = [
    pytest.mark.skipif(
        not (CHROMIUM and CHROMEDRIVER), reason="Debian's chromium and chromium-driver are not installed"
    ),
    pytest.mark.skipif(not PDFSIG, reason="poppler-utils (pdfsig) and libnss3-tools (certutil) are not installed"),
]

PROCEDURE_CODE = "1.002088"  # demo: notification of imported cosmetic products (moh_egov.procedure_cosmetic_import)
SIGNER_PASSWORD = "test"  # the demo PKI's password
FORM_ANSWERS = {
    "product_name": "Kem dưỡng ẩm Sen Việt",
    "brand": "Sen Việt",
    "manufacturer": "Lotus Cosmetics Co., Ltd. - Hàn Quốc",
    "intended_use": "Dưỡng ẩm da mặt, dùng ngoài da.",
}
SHOTS = Path(os.environ.get("MOH_CACHE", ".cache")) / "screenshots"


def make_pdf(path: Path, title: str) -> Path:
    """A small real PDF, as a business scans or prints one."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    pdf = canvas.Canvas(str(path), pagesize=A4)
    pdf.setTitle(title)
    pdf.drawString(72, 770, title)
    pdf.drawString(72, 750, "Cong ty TNHH My pham Sen Viet - tai lieu kiem thu")
    pdf.showPage()
    pdf.save()
    return path


def data_dir() -> Path:
    """Odoo's data directory, from the server command line scripts/test.sh passes."""
    args = shlex.split(os.environ.get("MOH_ODOO_ARGS", ""))
    for index, arg in enumerate(args):
        if arg.startswith("--data-dir="):
            return Path(arg.split("=", 1)[1])
        if arg in ("--data-dir", "-D") and index + 1 < len(args):
            return Path(args[index + 1])
    pytest.fail("MOH_ODOO_ARGS has no --data-dir: cannot find the demo PKI's root certificate")


class Portal:
    """The business's browser, with screenshots of the steps."""

    def __init__(self, driver, url):
        from selenium.webdriver.support.ui import WebDriverWait

        self.driver, self.url = driver, url
        self.wait = WebDriverWait(driver, 90)
        self.step = 0

    def shot(self, name):
        self.step += 1
        SHOTS.mkdir(parents=True, exist_ok=True)
        self.driver.save_screenshot(str(SHOTS / f"portal_{self.step:02d}_{name}.png"))

    def get(self, path):
        self.driver.get(self.url + path)

    def css(self, selector):
        from selenium.webdriver.common.by import By

        return self.driver.find_element(By.CSS_SELECTOR, selector)

    def all(self, selector):
        from selenium.webdriver.common.by import By

        return self.driver.find_elements(By.CSS_SELECTOR, selector)

    def visible(self, selector):
        from selenium.webdriver.common.by import By
        from selenium.webdriver.support import expected_conditions as ec

        return self.wait.until(ec.visibility_of_element_located((By.CSS_SELECTOR, selector)))

    def present(self, selector):
        from selenium.webdriver.common.by import By
        from selenium.webdriver.support import expected_conditions as ec

        return self.wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, selector)))

    def click(self, selector):
        from selenium.webdriver.common.by import By
        from selenium.webdriver.support import expected_conditions as ec

        element = self.wait.until(ec.element_to_be_clickable((By.CSS_SELECTOR, selector)))
        self.driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", element)
        element.click()
        return element

    def new_page(self, action, selector):
        """Do ``action`` (which loads another page) and wait for ``selector`` on the new page."""
        from selenium.common.exceptions import WebDriverException

        old = self.css("html")
        action()

        def left(_driver):
            # Chrome answers on the old page's element either "stale element" or, while the new
            # document replaces it, "node does not belong to the document": gone, both.
            try:
                old.is_enabled()
            except WebDriverException:
                return True
            return False

        self.wait.until(left)
        return self.present(selector)

    def dossier_state(self):
        return self.present(".o_moh_state").get_attribute("data-state")

    def errors(self):
        return [element.text for element in self.all(".o_moh_error")]


def fail_artifacts(driver, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    try:
        driver.save_screenshot(str(SHOTS / f"{name}.png"))
        (SHOTS / f"{name}.html").write_text(driver.page_source, encoding="utf-8")
    except Exception as exc:  # noqa: BLE001 - best effort, the test's own error is what matters
        print(f"could not save the failure screenshot: {exc}")


def public_lookup(url, code, secret):
    """The lookup page, anonymously (a plain HTTP client, no session): its HTML."""
    with requests.Session() as session:
        page = session.get(f"{url}/dossier-lookup", timeout=60)
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        return session.post(
            f"{url}/dossier-lookup", data={"csrf_token": token, "code": code, "secret": secret}, timeout=60
        ).text


def review_until_validated(server, document_id):
    """The reviewers whose turn it is approve the result, through OCA tier validation's comment
    dialog as in the back office, until the chain is validated. Returns their logins in order."""
    admin = server.rpc("admin", "admin")
    reviewed = []
    for _turn in range(10):
        status = admin.call("moh.outgoing.document", "read", [document_id], fields=["validation_status"])[0][
            "validation_status"
        ]
        if status == "validated":
            return reviewed
        pending = admin.call(
            "tier.review",
            "search_read",
            domain=[("model", "=", "moh.outgoing.document"), ("res_id", "=", document_id), ("status", "=", "pending")],
            fields=["sequence", "reviewer_ids"],
            order="sequence",
        )
        assert pending and pending[0]["reviewer_ids"], f"the review chain is {status} with no reviewer to act"
        login = admin.call("res.users", "read", pending[0]["reviewer_ids"][:1], fields=["login"])[0]["login"]
        rpc = server.rpc(login, login)  # demo passwords are the logins
        action = rpc.call("moh.outgoing.document", "validate_tier", [document_id])
        if action and action.get("res_model") == "comment.wizard":
            wizard = rpc.call("comment.wizard", "create", vals_list=[{"comment": "Đồng ý"}], context=action["context"])
            rpc.call("comment.wizard", "add_comment", wizard, context=action["context"])
        reviewed.append(login)
    pytest.fail(f"the review chain did not end after {reviewed}")


def test_new_business_applies_pays_and_downloads_the_signed_result(odoo_db, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    root_pem = data_dir() / "moh_demo_pki" / odoo_db / "root.pem"
    assert root_pem.is_file(), f"the demo PKI's root is missing: {root_pem}"
    suffix = uuid.uuid4().hex[:8]
    email = f"sen.viet.{suffix}@example.vn"
    password = f"Sen-Viet-{suffix}-2026"
    business_name = f"Công ty TNHH Mỹ phẩm Sen Việt {suffix}"
    vat = "0312345678"

    with running_server(odoo_db, workers=2) as server:
        admin = server.rpc("admin", "admin")
        # Sign-up open to anyone (Odoo's default, auth_signup's data); kept so if it changed.
        scope = admin.call("ir.config_parameter", "get_param", key="auth_signup.invitation_scope")
        if scope != "b2c":
            admin.call("ir.config_parameter", "set_param", key="auth_signup.invitation_scope", value="b2c")
        procedure = admin.call(
            "moh.procedure",
            "search_read",
            domain=[("code", "=", PROCEDURE_CODE)],
            fields=["name", "fee", "requirement_ids", "online_level"],
        )
        assert procedure, "the demo procedure is installed"
        procedure = procedure[0]
        assert procedure["online_level"] == "full"
        requirements = admin.call(
            "moh.procedure.requirement", "read", procedure["requirement_ids"], fields=["name", "required", "file_types"]
        )
        required = {req["id"]: req for req in requirements if req["required"]}
        assert required, "the procedure asks for documents"
        pdfs = {req_id: make_pdf(tmp_path / f"tai-lieu-{req_id}.pdf", f"Tai lieu {req_id}") for req_id in required}

        driver = browser()
        portal = Portal(driver, server.url)
        try:
            # -- the catalogue and the procedure, before having an account ---------------------
            portal.get(f"/public-services?search={PROCEDURE_CODE}")
            portal.present(".o_moh_procedures")
            portal.shot("catalogue")
            links = portal.all(f".o_moh_procedures a[href='/public-services/{procedure['id']}']")
            assert len(links) == 1, "the search finds the procedure by its code"
            portal.new_page(links[0].click, ".o_moh_procedure")
            assert not portal.all("form[action$='/apply']"), "no application without an account"
            portal.shot("procedure_anonymous")

            # -- sign up (the link on the procedure page brings the business back to it) ----------
            portal.new_page(lambda: portal.click(".o_moh_procedure a[href^='/web/signup']"), "form.oe_signup_form")
            portal.css("form.oe_signup_form input#name").send_keys("Trần Thị Sen")
            portal.css("form.oe_signup_form input#login").send_keys(email)
            portal.css("form.oe_signup_form input#password").send_keys(password)
            portal.css("form.oe_signup_form input#confirm_password").send_keys(password)
            portal.shot("signup")
            portal.new_page(lambda: portal.click("form.oe_signup_form button[type='submit']"), "body")
            problems = [element.text for element in portal.all("form.oe_signup_form .alert-danger")]
            assert not problems, f"sign-up refused: {problems}"
            assert driver.current_url == f"{server.url}/public-services/{procedure['id']}", driver.current_url
            apply_form = portal.present(f".o_moh_procedure form[action='/public-services/{procedure['id']}/apply']")
            users = admin.call(
                "res.users", "search_read", domain=[("login", "=", email)], fields=["share", "partner_id"]
            )
            assert users and users[0]["share"], "the sign-up made a portal user"

            # -- apply: the business is asked for its name and tax code once ---------------------
            apply_form.find_element("css selector", "input#business_name").send_keys(business_name)
            apply_form.find_element("css selector", "input#vat").send_keys(vat)
            portal.shot("apply")
            portal.new_page(lambda: portal.click("button[name='apply']"), ".o_moh_dossier")
            dossier_id = int(portal.css(".o_moh_dossier").get_attribute("data-dossier-id"))
            assert portal.dossier_state() == "draft"
            assert portal.all(".o_moh_completeness .o_moh_check_missing"), "the check shows what is missing"
            partner = admin.call("res.partner", "read", [users[0]["partner_id"][0]], fields=["parent_id"])[0]
            assert partner["parent_id"], "the business's company record was made from the form"
            company = admin.call(
                "res.partner", "read", [partner["parent_id"][0]], fields=["name", "vat", "is_company"]
            )[0]
            assert (company["name"], company["vat"], company["is_company"]) == (business_name, vat, True)

            # -- fill the form, upload the required PDFs, save: the completeness check ------------
            answered = {}
            for key, answer in FORM_ANSWERS.items():
                fields = portal.all(f".o_moh_dossier_form [name='field_{key}']")
                assert fields, f"the form has no input for {key!r}"
                fields[0].clear()
                fields[0].send_keys(answer)
                answered[key] = answer
            for req_id, path in pdfs.items():
                portal.css(f".o_moh_dossier_form input[type='file'][name='file_{req_id}']").send_keys(str(path))
            portal.shot("form_filled")
            portal.new_page(lambda: portal.click(".o_moh_dossier_form button[name='save']"), ".o_moh_dossier")
            assert not portal.errors(), portal.errors()
            assert portal.all(".o_moh_notice")
            assert not portal.all(".o_moh_completeness .o_moh_check_missing"), "nothing is missing any more"
            ok = portal.all(".o_moh_completeness .o_moh_check_ok")
            assert len(ok) == len(required), [line.text for line in portal.all(".o_moh_completeness li")]
            for key, answer in answered.items():
                assert portal.css(f"[name='field_{key}']").get_attribute("value") == answer
            portal.shot("completeness_check")

            # -- submit: the code and the lookup secret ------------------------------------------
            portal.new_page(lambda: portal.click(".o_moh_dossier_form button.o_moh_submit"), ".o_moh_dossier")
            assert not portal.errors(), portal.errors()
            assert portal.dossier_state() == "submitted"
            dossier = admin.call(
                "moh.dossier",
                "read",
                [dossier_id],
                fields=["code", "lookup_secret", "partner_id", "fee_amount", "payment_state"],
            )[0]
            assert dossier["partner_id"][0] == company["id"]
            assert dossier["code"] and dossier["code"] in portal.css(".o_moh_notice").text
            secret = portal.css(".o_moh_secret").text.strip()
            assert secret == dossier["lookup_secret"]
            assert dossier["payment_state"] == "pending" and dossier["fee_amount"] == procedure["fee"]
            portal.shot("submitted")

            lookup = public_lookup(server.url, dossier["code"], secret)
            assert "o_moh_lookup_result" in lookup, "the code and secret find the dossier"
            assert dossier["code"] in lookup
            assert business_name not in lookup, "the public lookup says nothing about the applicant"
            assert "o_moh_lookup_not_found" in public_lookup(server.url, dossier["code"], "00000000")

            # -- pay the fee with the demo provider ------------------------------------------------
            payment = portal.present(".o_moh_payment form#o_payment_form")
            radios = payment.find_elements("css selector", "input[name='o_payment_radio'][data-provider-code='demo']")
            assert radios, "the demo provider is offered"
            # The payment form's script opens the provider's inline form when the option is chosen;
            # on a loaded machine it may start after a first click, so choose it again until it does.
            card = None
            for _attempt in range(18):
                inputs = [
                    el for el in driver.find_elements(By.CSS_SELECTOR, "input#customer_input") if el.is_displayed()
                ]
                if inputs:
                    card = inputs[0]
                    break
                driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", radios[0])
                driver.execute_script("arguments[0].click();", radios[0])
                time.sleep(5)
            assert card is not None, "the demo provider's card form opens"
            card.send_keys("4242 4242 4242 4242")
            Select(portal.css("select#simulated_payment_state")).select_by_value("done")
            portal.shot("payment")
            portal.click("button[name='o_payment_submit_button']")
            # The demo provider confirms, /payment/status then brings the business back to its dossier.
            portal.wait.until(
                lambda d: (
                    d.current_url.rstrip("/").endswith(f"/my/dossiers/{dossier_id}")
                    and d.find_elements("css selector", ".o_moh_state")
                )
            )
            dossier = admin.call("moh.dossier", "read", [dossier_id], fields=["payment_state", "paid_online"])[0]
            assert dossier["payment_state"] == "paid" and dossier["paid_online"]
            assert not portal.all(".o_moh_payment"), "nothing left to pay"
            portal.shot("paid")

            # -- the back office: accept, assign, draft, review, sign, issue (/json/2) ------------
            onestop = server.rpc("motcua", "motcua")
            onestop.call("moh.dossier", "action_accept", [dossier_id])
            specialist_id = admin.call("res.users", "search", domain=[("login", "=", "chuyenvien.qld")])[0]
            wizard = onestop.call(
                "moh.dossier.action.wizard",
                "create",
                vals_list=[{"dossier_id": dossier_id, "action": "assign", "specialist_id": specialist_id}],
                context={"active_id": dossier_id, "active_model": "moh.dossier"},
            )
            onestop.call("moh.dossier.action.wizard", "action_confirm", wizard)
            specialist = server.rpc("chuyenvien.qld", "chuyenvien.qld")
            specialist.call("moh.dossier", "action_propose_result", [dossier_id])
            dossier = admin.call(
                "moh.dossier", "read", [dossier_id], fields=["state", "specialist_id", "result_document_id"]
            )[0]
            assert dossier["state"] == "approval" and dossier["specialist_id"][0] == specialist_id
            result_id = dossier["result_document_id"][0]
            specialist.call("moh.outgoing.document", "action_request_review", [result_id])
            reviewers = review_until_validated(server, result_id)
            assert reviewers and reviewers[0] == "cuctruong.qld", reviewers
            specialist.call("moh.outgoing.document", "action_approved", [result_id])
            result = admin.call(
                "moh.outgoing.document", "read", [result_id], fields=["signer_id", "register_id", "state"]
            )[0]
            assert result["state"] == "to_sign"
            assert result["register_id"], "the result goes into the default outgoing register"
            signer_login = admin.call("res.users", "read", [result["signer_id"][0]], fields=["login"])[0]["login"]
            assert signer_login == "cuctruong.qld", "the Drug Administration's head signs"
            server.rpc(signer_login, signer_login).call(
                "moh.outgoing.document", "action_sign", [result_id], password=SIGNER_PASSWORD
            )
            # The records office numbers, seals and issues it (no rights on dossiers needed).
            server.rpc("vanthu", "vanthu").call("moh.outgoing.document", "action_issue", [result_id])
            assert admin.call("moh.dossier", "read", [dossier_id], fields=["state"])[0]["state"] == "done"

            # -- the business downloads the signed e-result ----------------------------------------
            portal.get(f"/my/dossiers/{dossier_id}")
            assert portal.dossier_state() == "done"
            link = portal.visible("a.o_moh_result")
            portal.shot("result_ready")
            href = link.get_attribute("href")
            assert href == f"{server.url}/my/dossiers/{dossier_id}/result"
            with requests.Session() as session:
                for cookie in driver.get_cookies():
                    session.cookies.set(
                        cookie["name"], cookie["value"], domain=cookie.get("domain"), path=cookie.get("path", "/")
                    )
                response = session.get(href, timeout=120)
                anonymous = requests.get(href, timeout=60, allow_redirects=False)
            assert response.status_code == 200, response.status_code
            assert response.headers["Content-Type"].startswith("application/pdf")
            assert response.content.startswith(b"%PDF")
            assert anonymous.status_code in (302, 303, 401, 403, 404), "the result is not public"
            stored = admin.call("moh.dossier", "read", [dossier_id], fields=["result_attachment_id"])[0][
                "result_attachment_id"
            ]
            stored = admin.call("ir.attachment", "read", [stored[0]], fields=["datas"])[0]["datas"]
            assert response.content == base64.b64decode(stored), "the business gets the archived e-result"

            verdicts = pdfsig_verdicts(response.content, root_pem)
            assert {"signer", "seal"} <= set(verdicts), verdicts
            for name in ("signer", "seal"):
                assert verdicts[name]["valid"], (name, verdicts[name]["lines"])
                assert verdicts[name]["trusted"], (name, verdicts[name]["lines"])

            # -- the public lookup, in the browser without a session -------------------------------
            driver.delete_all_cookies()
            portal.get("/dossier-lookup")
            code = admin.call("moh.dossier", "read", [dossier_id], fields=["code"])[0]["code"]
            portal.present(".o_moh_lookup form input#code").send_keys(code)
            portal.css(".o_moh_lookup form input#secret").send_keys(secret)
            portal.new_page(lambda: portal.click(".o_moh_lookup form button[type='submit']"), ".o_moh_lookup")
            portal.visible(".o_moh_lookup_result")
            portal.shot("lookup")
            status = portal.css(".o_moh_lookup_result .o_moh_status").text.strip()
            labels = {
                dict(
                    admin.call(
                        "moh.dossier",
                        "fields_get",
                        allfields=["state"],
                        attributes=["selection"],
                        context={"lang": lang},
                    )["state"]["selection"]
                )["done"]
                for lang in ("vi_VN", "en_US")
            }
            assert status in labels, (status, labels)
            assert code in portal.css(".o_moh_lookup_result").text
            assert business_name not in portal.css("body").text
        except BaseException:
            fail_artifacts(driver, "portal_failure")
            raise
        finally:
            driver.quit()
