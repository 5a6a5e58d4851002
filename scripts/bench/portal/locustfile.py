"""Locust users for scripts/bench/portal.py (run in the benchmark's own virtualenv, not Odoo's).

- ``LoginPage``: the baseline, an anonymous GET of /web/login, Odoo's plainest server-rendered page.
- ``PortalApplicant``: a business's portal user logs in once, then applies for the procedure again
  and again as the browser does: POST .../apply (redirected to the new draft), GET the draft's
  page, POST the form answers with the required PDFs and submit=1 in one multipart request. A
  submission counts only when the answer shows the dossier submitted and no error.

Settings come from the JSON file named by MOH_BENCH_PORTAL_CONFIG (written by portal.py).
"""

import itertools
import json
import os
import re
from pathlib import Path

from locust import constant, events, task
from locust.contrib.fasthttp import FastHttpUser

CONFIG = json.loads(Path(os.environ["MOH_BENCH_PORTAL_CONFIG"]).read_text(encoding="utf-8"))
PDFS = {int(req_id): (Path(path).name, Path(path).read_bytes()) for req_id, path in CONFIG["pdfs"].items()}
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
ACCOUNTS = itertools.cycle(CONFIG["accounts"])  # one portal user per virtual user (gevent: one process)


class LoginPage(FastHttpUser):
    wait_time = constant(0)

    @task
    def login_page(self):
        with self.client.get("/web/login", name="GET /web/login", catch_response=True) as response:
            if response.status_code != 200 or 'name="csrf_token"' not in response.text:
                response.failure(f"login page answered {response.status_code}")


class PortalApplicant(FastHttpUser):
    wait_time = constant(0)

    def on_start(self):
        login, password = next(ACCOUNTS)
        page = self.client.get("/web/login", name="login: GET /web/login")
        token = CSRF.search(page.text).group(1)
        with self.client.post(
            "/web/login",
            name="login: POST /web/login",
            allow_redirects=False,
            catch_response=True,
            data={"login": login, "password": password, "csrf_token": token, "redirect": ""},
        ) as answer:
            if answer.status_code not in (302, 303):
                answer.failure(f"login of {login} refused ({answer.status_code})")
                raise RuntimeError(f"login of {login} refused")
        page = self.client.get(f"/public-services/{CONFIG['procedure_id']}", name="login: GET procedure page")
        self.csrf = CSRF.search(page.text).group(1)

    @task
    def apply_and_submit(self):
        procedure = CONFIG["procedure_id"]
        with self.client.post(
            f"/public-services/{procedure}/apply",
            name="apply",
            allow_redirects=False,
            data={"csrf_token": self.csrf},
            catch_response=True,
        ) as answer:
            location = answer.headers.get("Location", "") if answer.status_code in (302, 303) else ""
            found = re.search(r"/my/dossiers/(\d+)$", location)
            if not found:
                answer.failure(f"apply answered {answer.status_code} {location!r}")
                return
        dossier = found.group(1)
        page = self.client.get(f"/my/dossiers/{dossier}", name="draft page")
        token = CSRF.search(page.text)
        if token:
            self.csrf = token.group(1)
        data = {"csrf_token": self.csrf, "submit": "1"}
        data.update({f"field_{key}": value for key, value in CONFIG["answers"].items()})
        files = {f"file_{req_id}": (name, content, "application/pdf") for req_id, (name, content) in PDFS.items()}
        with self.client.post(
            f"/my/dossiers/{dossier}/save", name="submit", data=data, files=files, catch_response=True
        ) as answer:
            if answer.status_code != 200:
                answer.failure(f"submit answered {answer.status_code}")
            elif 'data-state="submitted"' not in answer.text or "o_moh_error" in answer.text:
                errors = re.findall(r'o_moh_error"[^>]*>([^<]*)<', answer.text)
                answer.failure(f"dossier {dossier} not submitted: {errors[:2]}")


@events.quitting.add_listener
def _report(environment, **_kwargs):
    environment.process_exit_code = 0  # failures are counted by portal.py from the CSV, not by the exit code
