"""The back office as a clerk sees it, in a real browser: Vietnamese menus and the incoming list."""

import os
import shutil
from pathlib import Path

import pytest
from odoo_server import running_server

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
pytestmark = pytest.mark.skipif(
    not (CHROMIUM and CHROMEDRIVER), reason="Debian's chromium and chromium-driver are not installed"
)


def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--window-size=1400,900",
        "--lang=vi-VN",
    ):
        options.add_argument(flag)
    return webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)


def test_clerk_sees_the_e_office_in_vietnamese(odoo_db):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    shots = Path(os.environ.get("MOH_CACHE", ".cache")) / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    with running_server(odoo_db, workers=0) as server:
        driver = browser()
        try:
            wait = WebDriverWait(driver, 60)
            driver.get(f"{server.url}/web/login")
            wait.until(ec.element_to_be_clickable((By.CSS_SELECTOR, "form.oe_login_form input#login"))).send_keys(
                "vanthu"
            )
            driver.find_element(By.CSS_SELECTOR, "form.oe_login_form input#password").send_keys("vanthu")
            driver.find_element(By.CSS_SELECTOR, "form.oe_login_form").submit()
            wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, ".o_main_navbar")))
            driver.get(f"{server.url}/odoo/action-moh_documents.action_moh_incoming_document")
            wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, ".o_list_renderer .o_data_row")))
            driver.save_screenshot(str(shots / "incoming_list_clerk.png"))
            page = driver.find_element(By.TAG_NAME, "body").text
            assert "Văn bản đến" in page
            assert "Bộ Tài chính" in page  # a demo document registered by the records office
            rows = driver.find_elements(By.CSS_SELECTOR, ".o_list_renderer .o_data_row")
            assert rows
            rows[0].click()
            wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, ".o_form_view .o_statusbar_status")))
            driver.save_screenshot(str(shots / "incoming_form_clerk.png"))
            form = driver.find_element(By.TAG_NAME, "body").text
            assert "Quá trình xử lý" in form  # the routing timeline tab
        finally:
            driver.quit()
