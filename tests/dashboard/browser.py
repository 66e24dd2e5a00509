"""Helpers for the browser tests: a dashboard server on a free loopback port, headless Chromium.

Only loopback traffic: the server binds 127.0.0.1, Chromium runs with background
networking off, and every wait is bounded.
"""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
WAIT_S = 60  # the longest any single wait may take


def browser_available() -> bool:
    return CHROMIUM.exists() and CHROMEDRIVER.exists()


needs_browser = pytest.mark.skipif(
    not browser_available(),
    reason="Debian's chromium and chromium-driver are not installed (scripts/setup.sh installs them)",
)


@contextmanager
def serve(app) -> Iterator[str]:
    """Serve a Dash app on 127.0.0.1 and a free port in a background thread."""
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app.server, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="dash-test-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()


@contextmanager
def chromium(tmp_path: Path, downloads: Path | None = None, size: str = "1400,1800"):
    """Start headless Chromium through the system chromedriver; quit it afterwards."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = str(CHROMIUM)
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        f"--window-size={size}",
        f"--user-data-dir={tmp_path / 'chromium-profile'}",
    ):
        opts.add_argument(arg)
    if downloads is not None:
        opts.add_experimental_option(
            "prefs",
            {"download.default_directory": str(downloads), "download.prompt_for_download": False},
        )
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=opts)
    try:
        driver.set_page_load_timeout(WAIT_S)
        driver.set_script_timeout(WAIT_S)
        if downloads is not None:
            driver.execute_cdp_cmd(
                "Browser.setDownloadBehavior",
                {"behavior": "allow", "downloadPath": str(downloads)},
            )
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(tmp_path / "chromium-profile", ignore_errors=True)


def choose(driver, dropdown_id: str, value: str, label: str) -> None:
    """Pick an option of a Dash dropdown by clicking it, as a user would.

    Opening the dropdown and clicking the option is retried until the dropdown shows the
    option's label: under load the first click can land before the dropdown is ready, and
    keys typed then go nowhere.
    """
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    option = f".dash-dropdown-option input[value='{value}']"

    def picked(d) -> bool:
        shown = d.find_element(By.ID, f"{dropdown_id}-value").text
        if shown == label:
            return True
        try:
            if not d.find_elements(By.CSS_SELECTOR, option):
                d.find_element(By.ID, dropdown_id).click()
            for element in d.find_elements(By.CSS_SELECTOR, option):
                element.find_element(By.XPATH, "./ancestor::label").click()
        except WebDriverException:
            pass  # re-rendered or not open yet: try again on the next poll
        return False

    WebDriverWait(driver, WAIT_S, poll_frequency=0.5).until(picked)
