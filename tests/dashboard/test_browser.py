"""The dashboard in a real browser: headless Chromium driven by Selenium."""

from __future__ import annotations

import time

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from courtsim.dashboard.app import create_app
from tests.dashboard.browser import WAIT_S, chromium, needs_browser, serve

pytestmark = [needs_browser, pytest.mark.slow]


def wait(driver, condition, timeout: float = WAIT_S):
    return WebDriverWait(driver, timeout, poll_frequency=0.1).until(condition)


def card(driver, key: str) -> str | None:
    # read through JS: the card is re-rendered while a test polls it (no stale elements)
    return driver.execute_script(
        "const e = document.getElementById(arguments[0]); return e ? e.textContent : null;",
        f"card-{key}",
    )


def graph_y(driver, graph_id: str, trace: int) -> list[float]:
    return driver.execute_script(
        "const g = document.querySelector(`#${arguments[0]} .js-plotly-plot`);"
        "return g && g._fullData && g._fullData[arguments[1]] ? Array.from(g._fullData[arguments[1]].y) : null;",
        graph_id,
        trace,
    )


def set_input(driver, element, value: str) -> None:
    element.send_keys(Keys.CONTROL, "a")
    element.send_keys(Keys.DELETE)
    element.send_keys(value, Keys.TAB)  # number boxes debounce: the value counts on blur


def error_texts(driver) -> list[str]:
    return driver.execute_script(
        "return Array.from(document.querySelectorAll('.msg.error')).map(e => e.textContent);"
    )


@pytest.fixture(scope="module")
def dashboard(results_root, scenarios_dir):
    app = create_app(results_dir=results_root, scenarios_dir=scenarios_dir, workers=0, warm=False)
    with serve(app) as url:
        yield url


def run_and_wait(driver, previous: str | None) -> str:
    driver.find_element(By.ID, "ex-run").click()
    wait(driver, lambda d: card(d, "disposition_time_days") not in (None, previous))
    wait(driver, EC.element_to_be_clickable((By.ID, "ex-run")))
    return card(driver, "disposition_time_days")


def test_change_a_lever_run_and_the_cards_and_chart_change(dashboard, tmp_path):
    with chromium(tmp_path) as driver:
        driver.get(dashboard)
        wait(driver, EC.element_to_be_clickable((By.ID, "ex-run")))
        set_input(driver, driver.find_element(By.ID, "ex-reps"), "3")
        first = run_and_wait(driver, None)
        assert "3 replications of 'baseline'" in driver.find_element(By.ID, "ex-status").text
        pending_before = graph_y(driver, "ex-pending", 1)
        assert pending_before
        assert len(pending_before) == 61

        judges = driver.find_element(By.CSS_SELECTOR, "input[id*='judges.count']")
        assert judges.get_attribute("value") == "3"
        set_input(driver, judges, "1")
        second = run_and_wait(driver, first)
        assert second != first
        wait(driver, lambda d: graph_y(d, "ex-pending", 1) != pending_before)
        # one judge for a caseload three judges share: the backlog grows
        assert graph_y(driver, "ex-pending", 1)[-1] > pending_before[-1]
        assert not error_texts(driver)
        shot = tmp_path / "dashboard.png"
        assert driver.save_screenshot(str(shot))
        assert shot.stat().st_size > 20_000


def test_downloaded_briefing_opens_offline_and_shows_its_charts(dashboard, tmp_path):
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    with chromium(tmp_path, downloads=downloads) as driver:
        driver.get(dashboard)
        wait(driver, EC.element_to_be_clickable((By.ID, "ex-run")))
        set_input(driver, driver.find_element(By.ID, "ex-reps"), "2")
        run_and_wait(driver, None)
        driver.find_element(By.ID, "ex-dl-html").click()
        target = downloads / "baseline_briefing.html"
        wait(driver, lambda d: target.exists() and target.stat().st_size > 1_000_000)

        # No network at all from here: the briefing must carry everything it needs.
        driver.execute_cdp_cmd("Network.enable", {})
        driver.execute_cdp_cmd(
            "Network.emulateNetworkConditions",
            {"offline": True, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1},
        )
        driver.get(target.as_uri())
        wait(driver, lambda d: d.execute_script("return document.readyState") == "complete")
        wait(
            driver,
            lambda d: d.execute_script(
                "const p = document.querySelectorAll('.js-plotly-plot');"
                "return p.length >= 4 && Array.from(p).every(g => g.querySelector('.main-svg'));"
            ),
        )
        assert driver.execute_script("return typeof window.Plotly") == "object"
        resources = driver.execute_script(
            "return performance.getEntriesByType('resource').map(r => r.name)"
        )
        assert [r for r in resources if r.startswith("http")] == []
        traces = driver.execute_script(
            "return Array.from(document.querySelectorAll('.js-plotly-plot')).map(g => g.data.length)"
        )
        assert all(n >= 1 for n in traces)
        assert driver.save_screenshot(str(tmp_path / "briefing.png"))


def test_bad_paths_and_uploads_are_refused_and_the_app_still_answers(dashboard, tmp_path):
    big = tmp_path / "big.yaml"
    big.write_text("name: big\n" + "# padding line\n" * 8_000)
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: [unclosed\n")
    with chromium(tmp_path) as driver:
        driver.get(dashboard)
        wait(driver, EC.element_to_be_clickable((By.ID, "ex-run")))

        upload = driver.find_element(By.CSS_SELECTOR, "#ex-upload input[type=file]")
        upload.send_keys(str(big))
        wait(driver, lambda d: any("larger than 64 KB" in t for t in error_texts(d)))
        upload.send_keys(str(bad))
        wait(driver, lambda d: any("not valid YAML" in t for t in error_texts(d)))

        driver.find_element(By.CSS_SELECTOR, "#tabs .tab:nth-child(3)").click()
        path = wait(driver, EC.element_to_be_clickable((By.ID, "sw-path")))
        path.send_keys("../../etc/passwd")
        driver.find_element(By.ID, "sw-open").click()
        wait(driver, lambda d: any("outside the results folder" in t for t in error_texts(d)))
        assert "root:x:0:0" not in driver.page_source  # /etc/passwd was not read

        # still serving: open a real sweep and see its chart
        set_input(driver, path, "experiments/sweep1")
        driver.find_element(By.ID, "sw-open").click()
        wait(
            driver,
            lambda d: (
                "Opened experiments/sweep1"
                in d.execute_script("return document.getElementById('sw-msg').textContent")
            ),
        )
        wait(
            driver,
            lambda d: d.find_elements(By.CSS_SELECTOR, "#sw-graphs .js-plotly-plot .main-svg"),
        )
        start = time.monotonic()
        driver.get(dashboard)
        wait(driver, EC.element_to_be_clickable((By.ID, "ex-run")))
        assert time.monotonic() - start < WAIT_S
