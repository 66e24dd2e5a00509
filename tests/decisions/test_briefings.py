"""Decision questions in briefings: target lines, courtsim report options, the Decisions tab."""

from __future__ import annotations

import pytest

from courtsim.cli import main
from courtsim.dashboard import handlers as H
from courtsim.dashboard.decisions import load_decision, target_figure
from courtsim.dashboard.decisions_tab import decision_folders, show_decision
from courtsim.dashboard.folders import load_folder
from courtsim.dashboard.report import figures_for
from courtsim.experiment.sequential import Budget, Target
from courtsim.experiment.target import find_level
from tests.dashboard.browser import WAIT_S, choose, chromium, needs_browser, serve
from tests.dashboard.conftest import _write, sweep_manifest, sweep_results
from tests.decisions.conftest import mmc


def hlines(fig) -> list[float]:
    return [s.y0 for s in fig.layout.shapes if s.y0 == s.y1]


@pytest.fixture(scope="module")
def root(tmp_path_factory):
    """A results folder with a sweep and a finished staffing question."""
    root = tmp_path_factory.mktemp("results")
    _write(root / "sweep1", {"results": sweep_results()}, sweep_manifest())
    budget = Budget(min_reps=2, step=2, max_reps=4)
    find_level(
        mmc(days=60),
        "judges",
        "ttd_mean_days<=100",
        (5, 6),
        budget=budget,
        workers=1,
        out=root / "staffing",
    )
    return root


def test_target_figure_draws_the_target_line():
    import pandas as pd

    levels = pd.DataFrame(
        {
            "level": [0, 1, 2],
            "n": [5, 10, 5],
            "mean": [70.0, 61.0, 40.0],
            "bound_low": [65.0, 58.0, 37.0],
            "bound_high": [75.0, 64.0, 43.0],
            "verdict": ["fails", "unclear", "meets"],
        }
    )
    fig = target_figure(levels, "ttd_mean_days <= 60", "conciliation judges")
    assert hlines(fig) == [60.0]
    assert [t.name for t in fig.data] == ["meets", "fails", "unclear"]
    # Shares are drawn in percent, and so is their target.
    shares = levels.assign(mean=[0.9, 0.93, 0.97], bound_low=0.88, bound_high=0.99)
    fig = target_figure(shares, "share_within_statutory_limit >= 0.95", "judges")
    assert hlines(fig) == [95.0]


def test_sweep_figures_draw_chosen_kpis_and_targets(root):
    bundle = load_folder(root / "sweep1")
    t = Target.parse("disposition_time_days<=30")
    figs = figures_for(bundle, kpis=["disposition_time_days"], targets=[t])
    assert len(figs) == 1
    rings = [d for d in figs[0].data if d.type == "scatter"]  # two factors: a heatmap
    assert len(rings) == 1
    assert 0 < len(rings[0].x) < 6  # only the cells whose mean meets the target


def test_sweep_viewer_draws_a_target_line(root):
    from courtsim.dashboard.app import create_app

    ctx = create_app(results_dir=root, workers=0, warm=False).courtsim
    view = H.open_folder(ctx, "tok", "sw-folder", "sweep1", None)["view"]
    plain = H.draw_sweep(ctx, view, "clearance_rate", "judges.count", None, "line", "")
    out = H.draw_sweep(
        ctx, view, "clearance_rate", "judges.count", None, "line", "clearance_rate>=100"
    )
    # The target's line, next to the reference lines the figure draws anyway (CEPEJ 100%).
    before = hlines(plain["graphs"][0].figure)
    assert sorted(hlines(out["graphs"][0].figure)) == sorted([*before, 100.0])
    wrong = H.draw_sweep(
        ctx, view, "clearance_rate", "judges.count", None, "line", "ttd_mean_days<=60"
    )
    assert "choose that KPI" in str(wrong["message"].children)


def test_report_accepts_kpis_and_targets_and_refuses_unknown_ones(root, tmp_path, capsys):
    page = tmp_path / "r.html"
    args = ["report", str(root / "sweep1"), "--html", str(page)]
    assert main([*args, "--kpi", "clearance_rate", "--target", "clearance_rate>=100"]) == 0
    assert "target" in page.read_text()
    bad = tmp_path / "bad.html"
    code = main(["report", str(root / "sweep1"), "--html", str(bad), "--kpi", "no_such_kpi"])
    assert code == 2
    assert "'no_such_kpi' is not a KPI of these results" in capsys.readouterr().err
    assert not bad.exists()


def test_decisions_tab_lists_and_shows_a_question(root):
    from courtsim.dashboard.app import create_app

    ctx = create_app(results_dir=root, workers=0, warm=False).courtsim
    assert decision_folders(ctx) == [{"label": "staffing (target)", "value": "staffing"}]
    out = show_decision(ctx, "staffing")
    assert hlines(out["figure"]) == [100.0]
    assert "smallest level" in str(out["answer"][0].children)
    assert load_decision(root / "staffing").answer["answer"] == 5
    escaped = show_decision(ctx, "../../etc")
    assert "outside the results folder" in str(escaped["message"].children)


@pytest.mark.slow
@needs_browser
def test_decisions_tab_in_a_real_browser(root, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    from courtsim.dashboard.app import create_app

    app = create_app(results_dir=root, workers=0, warm=False)
    with serve(app) as url, chromium(tmp_path) as driver:
        driver.get(url)
        until = WebDriverWait(driver, WAIT_S, poll_frequency=0.1).until
        tab = until(lambda d: d.find_element(By.CSS_SELECTOR, "#tabs .tab:nth-child(4)"))
        assert tab.text == "Decisions"
        tab.click()
        choose(driver, "dq-folder", "staffing", "staffing (target)")
        until(lambda d: "smallest level" in d.find_element(By.ID, "dq-answer").text)
        # The figure carries the target line (a layout shape at the target).
        shapes = until(
            lambda d: d.execute_script(
                "const g = document.querySelector('#dq-graph .js-plotly-plot');"
                "return g && g.layout && g.layout.shapes && g.layout.shapes.length ? "
                "g.layout.shapes.map(s => s.y0) : null;"
            )
        )
        assert shapes == [100]
