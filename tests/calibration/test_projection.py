"""``courtsim project``: fan bands, conservation year to year, common random numbers, bad input."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
import yaml

from courtsim.calibration.projection import FAN_KPIS, project
from courtsim.cli import main
from tests.conftest import ROOT, SCENARIOS


def tiny_spec(**changes):
    """A 2-judge court projected over 2026-2027 for two posterior draws."""
    spec = {
        "kind": "projection",
        "name": "tiny",
        "scenario": str(SCENARIOS / "kz_projection.yaml"),
        "set": {
            "horizon_days": 915,
            "judges.count": 2,
            "filings.per_year": 900,
            "filings.schedule": [
                {"from": dt.date(2026, 1, 1), "per_year": 950},
                {"from": dt.date(2027, 1, 1), "per_year": 1000},
            ],
        },
        "options": {
            "status_quo": {},
            "same_again": {},
            "more_mediation": {"mediators.retired_judge.per_judge": 0.4},
        },
        "posterior": {
            "draws": str(ROOT / "data" / "kz_calibration"),
            "params": str(ROOT / "experiments" / "calibration_params.yaml"),
        },
        "years": [2026, 2027],
        "draws": 2,
        "scale": 40,
        "seed": 5,
    }
    spec.update(changes)
    return spec


@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory):
    return project(tiny_spec(), tmp_path_factory.mktemp("proj") / "out", workers=1, progress=False)


@pytest.mark.slow
def test_fan_bands_are_ordered_contain_the_median_and_come_from_the_draws(tiny_run):
    fan, yearly = tiny_run.fan, tiny_run.yearly
    assert set(fan["metric"]) == set(FAN_KPIS)
    assert (fan["p10"] <= fan["median"]).all()
    assert (fan["median"] <= fan["p90"]).all()
    assert (fan["n"] == 2).all()
    for r in fan.itertuples():
        v = yearly[(yearly["option"] == r.option) & (yearly["year"] == r.year)][r.metric]
        assert r.median == pytest.approx(float(np.median(v)))
        assert r.p10 == pytest.approx(float(np.quantile(v, 0.1)))
    m = tiny_run.manifest
    assert m["kind"] == "projection"
    assert {"fan.parquet", "yearly.parquet", "draws.parquet"} <= set(m["files"])


@pytest.mark.slow
def test_a_projection_conserves_cases_year_to_year(tiny_run):
    y = tiny_run.yearly.sort_values(["option", "draw", "year"])
    np.testing.assert_array_equal(
        y["pending_end"], y["pending_start"] + y["incoming"] - y["resolved"]
    )
    for _, g in y.groupby(["option", "draw"]):
        np.testing.assert_array_equal(
            g["pending_start"].to_numpy()[1:], g["pending_end"].to_numpy()[:-1]
        )
    assert (y["incoming"] > 0).all()


@pytest.mark.slow
def test_options_share_draws_and_replicates(tiny_run):
    y = tiny_run.yearly.set_index(["draw", "year"])
    cols = ["pending_end", "resolved", "share_settled"]
    # the same overrides under another label: the same runs, number for number
    pd.testing.assert_frame_equal(
        y[y["option"] == "status_quo"][cols], y[y["option"] == "same_again"][cols]
    )
    # different draws are different worlds
    sq = tiny_run.yearly[tiny_run.yearly["option"] == "status_quo"]
    assert sq.groupby("draw")["resolved"].sum().nunique() == 2


@pytest.mark.slow
def test_the_briefing_has_the_fan_charts(tiny_run, tmp_path, capsys):
    out = tmp_path / "p.html"
    assert main(["report", str(tiny_run.out), "--html", str(out)]) == 0, capsys.readouterr().err
    page = out.read_text()
    assert "Projection 2026-2027" in page
    assert "10-90% of draws" in page


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"years": [2024, 2027]}, "years"),
        ({"years": [2027, 2026]}, "years"),
        ({"draw": 3}, "draw"),
        ({"options": {}}, "options"),
        ({"options": {"bad": {"conciliation.no_such_key": 1}}}, "options.bad"),
        ({"scenario": "missing.yaml"}, "scenario"),
    ],
)
def test_bad_input_exits_2_and_writes_nothing(tmp_path, capsys, change, field):
    path = tmp_path / "projection.yaml"
    path.write_text(yaml.safe_dump(tiny_spec(**change)))
    out = tmp_path / "out"
    code = main(["project", str(path), "--out", str(out), "--workers", "1", "--no-progress"])
    err = capsys.readouterr().err
    assert code == 2, err
    assert field in err
    assert "Traceback" not in err
    assert not out.exists()
