"""The dashboard's Robustness tab: lists robustness folders, draws one, in a real browser too."""

from __future__ import annotations

import pytest

from courtsim.calibration.robustness import robustness
from courtsim.dashboard.handlers import folder_options
from courtsim.dashboard.robustness_tab import robustness_folders, show_robustness
from courtsim.i18n import language
from tests.calibration.test_robustness import small_spec
from tests.conftest import SCENARIOS
from tests.dashboard.browser import WAIT_S, choose, chromium, needs_browser, serve


@pytest.fixture(scope="module")
def root(tmp_path_factory):
    """A results folder holding one small robustness experiment."""
    root = tmp_path_factory.mktemp("results")
    spec = small_spec(
        pilots={"in_court": str(SCENARIOS / "in_court.yaml")},
        set={"horizon_days": 30, "judges.count": 4, "filings.per_year": 1500},
        worlds=2,
        replications=1,
    )
    robustness(spec, root / "robust", workers=1, progress=False)
    return root


@pytest.mark.slow
def test_the_tab_lists_robustness_folders_and_draws_one(root):
    from courtsim.dashboard.app import create_app

    ctx = create_app(results_dir=root, workers=0, warm=False).courtsim
    assert robustness_folders(ctx) == [{"label": "robust", "value": "robust"}]
    # The other views' folder lists name its kind, not "unreadable".
    with language("ru"):
        assert folder_options(ctx)["folders"] == [
            {"label": "robust (устойчивость выводов)", "value": "robust"}
        ]
    out = show_robustness(ctx, "robust", None)
    assert out["kpi"] == "pending_end"
    names = [t.name for t in out["figure"].data]
    assert "in_court: median, 10-90% of worlds" in names
    assert "of plausible worlds" in str(out["sentences"][0].children)
    other = show_robustness(ctx, "robust", "sessions_saved")
    assert other["kpi"] == "sessions_saved"
    assert "sessions saved" in other["figure"].layout.title.text
    escaped = show_robustness(ctx, "../../etc", None)
    assert "outside the results folder" in str(escaped["message"].children)


@pytest.mark.slow
@needs_browser
def test_the_robustness_tab_in_a_real_browser(root, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    from courtsim.dashboard.app import create_app

    app = create_app(results_dir=root, workers=0, warm=False)
    with serve(app) as url, chromium(tmp_path) as driver:
        driver.get(url)
        until = WebDriverWait(driver, WAIT_S, poll_frequency=0.1).until
        tab = until(lambda d: d.find_element(By.CSS_SELECTOR, "#tabs .tab:nth-child(5)"))
        assert tab.text == "Robustness"
        tab.click()
        choose(driver, "rb-folder", "robust", "robust")
        until(lambda d: "plausible worlds" in d.find_element(By.ID, "rb-sentences").text)
        traces = until(
            lambda d: d.execute_script(
                "const g = document.querySelector('#rb-graph .js-plotly-plot');"
                "return g && g.data && g.data.length ? g.data.length : null;"
            )
        )
        assert traces == 2  # one pilot: its worlds and its median with the interval
