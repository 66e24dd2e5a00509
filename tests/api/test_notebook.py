"""The Python API as a notebook uses it: simulate, replicate, compare, sweep, sensitivity,
their reprs, HTML reprs and ``.plot()`` figures, end to end on a small court."""

from __future__ import annotations

import shutil

import pandas as pd
import plotly.graph_objects as go
import pytest

import courtsim
from courtsim.errors import CourtsimError, ScenarioError
from courtsim.result import scenario_to_yaml
from tests.conftest import make_scenario
from tests.experiments.conftest import SMALL


@pytest.fixture
def small(tmp_path):
    sc = make_scenario(**(SMALL | {"name": "small"}))
    path = tmp_path / "small.yaml"
    path.write_text(scenario_to_yaml(sc), encoding="utf-8")
    return sc, path


def _drawn(fig: go.Figure) -> int:
    assert isinstance(fig, go.Figure)
    return sum(len(t.x if t.x is not None else t.y) for t in fig.data)


def test_simulate_takes_a_path_or_a_scenario(small):
    sc, path = small
    from_path = courtsim.simulate(path, seed=3)
    from_object = courtsim.simulate(sc, seed=3)
    pd.testing.assert_frame_equal(from_path.daily, from_object.daily)
    assert from_path.kpis == pytest.approx(from_object.kpis, nan_ok=True)
    assert from_path.scenario.content_hash() == sc.content_hash()
    with pytest.raises(ScenarioError, match="takes a Scenario or the path"):
        courtsim.simulate(42)  # type: ignore[arg-type]
    with pytest.raises(ScenarioError, match=r"no-such\.yaml"):
        courtsim.simulate(path.with_name("no-such.yaml"))


def test_result_repr_plot_and_html(small):
    _, path = small
    res = courtsim.simulate(str(path), seed=1)
    text = repr(res)
    assert text.startswith("Result(scenario='small', seed=1")
    assert "clearance_rate=" in text
    assert len(text) < 300
    html = res._repr_html_()
    assert "<table>" in html
    assert "Clearance rate" in html
    assert len(html) < 4000
    assert _drawn(res.plot()) == SMALL["horizon_days"] + 1  # one point a day, day 0 included
    for kind in ("ttd", "in_time", "channels", "utilisation"):
        assert len(res.plot(kind).data) >= 1
    with pytest.raises(CourtsimError, match="unknown plot kind 'nope'"):
        res.plot("nope")
    with pytest.raises(CourtsimError, match="no data for plot\\('differences'\\)"):
        res.plot("differences")


def test_replicate_and_compare_plot_and_repr(small):
    sc, path = small
    rr = courtsim.replicate(path, reps=2, seed=1, workers=1, progress=False)
    assert repr(rr).startswith("ReplicateResult(scenario='small', reps=2, seed=1")
    assert "95% CI" in rr._repr_html_()
    assert _drawn(rr.plot()) > 0
    more = sc.with_overrides({"judges.count": 6, "name": "more_judges"})
    cmp = courtsim.compare(sc, {"More judges": more}, reps=2, seed=1, workers=1, progress=False)
    text = repr(cmp)
    assert text == "Comparison(baseline='small', scenarios=['More judges'], reps=2)"
    assert "More judges" in cmp._repr_html_()
    fig = cmp.plot()
    assert fig.layout.title.text == "Change against the baseline"
    assert len(fig.data) >= 1
    assert len(cmp.plot("pending").data) >= 2  # one line per scenario


@pytest.mark.slow
def test_sweep_and_sensitivity_from_memory(small, tmp_path):
    sc, _ = small
    spec = {
        "name": "judges",
        "scenario": sc,  # a Scenario object, no file needed
        "factors": {"judges.count": {"levels": [2, 4]}},
        "replications": 2,
        "kpis": ["pending_end", "backlog_cases"],
    }
    out = courtsim.sweep(spec, tmp_path / "sweep", workers=1, progress=False)
    assert out.n_ok == 4
    assert out.n_failed == 0
    assert set(out.results["judges.count"]) == {2, 4}
    assert repr(out).startswith("SweepOutcome(name='judges', factors=['judges.count'], runs=4")
    assert "judges.count" in out._repr_html_()
    fig = out.plot(metric="pending_end")
    assert list(fig.data[0].x) == [2, 4]
    again = courtsim.sweep(spec, workers=1, progress=False)  # a temporary folder
    assert again.out.is_dir()
    assert again.manifest["experiment_hash"] == out.manifest["experiment_hash"]
    shutil.rmtree(again.out)
    sens = courtsim.sensitivity(
        {
            "name": "sens",
            "scenario": sc,
            "factors": {"filings.per_year": {"range": [2000, 4000]}},
            "kpis": ["pending_end"],
            "methods": ["morris"],
            "morris": {"trajectories": 2, "levels": 4},
        },
        tmp_path / "sens",
        workers=1,
        progress=False,
    )
    assert repr(sens).startswith("SensitivityOutcome(name='sens'")
    assert len(sens.plot().data) >= 1
    with pytest.raises(courtsim.experiment.ExperimentError, match="levels"):
        courtsim.sweep({**spec, "factors": {"judges.count": {}}}, workers=1, progress=False)
