"""Targets files and calibration set-ups: bad input fails clearly, before any run, writing nothing."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pytest
import yaml

from courtsim import load_scenario, simulate
from courtsim.calibration import evaluate, fit
from courtsim.calibration.measures import PERIOD_MEASURES, day_of, period_value
from courtsim.calibration.targets import TargetError, load_targets
from courtsim.cli import main
from tests.conftest import ROOT, SCENARIOS

TARGETS = ROOT / "data" / "kz_targets.yaml"
PARAMS = ROOT / "experiments" / "calibration_params.yaml"


def test_shipped_targets_file_is_valid_and_sourced():
    tf = load_targets(TARGETS)
    ids = {t.id for t in tf.targets}
    for needed in ("reconciliation_2013", "reconciliation_2017", "reconciliation_2022"):
        assert needed in ids
    assert {"reconciliation_2024h1", "reconciliation_2025", "pending_per_judge_2018"} <= ids
    for t in tf.targets:
        assert "domain.md §" in t.source, t.id
        assert t.matched_as, t.id


def _write(tmp_path: Path, targets: list[dict], name: str = "t.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump({"targets": targets}, sort_keys=False), encoding="utf-8")
    return path


def _target(**kw) -> dict:
    base = {
        "id": "share_h1",
        "kpi": "share_settled",
        "observed": 0.4,
        "tolerance": 0.03,
        "period": {"from": dt.date(2024, 1, 1), "to": dt.date(2024, 6, 30)},
        "source": "domain.md §2.2",
    }
    return base | kw


def _params(tmp_path: Path, target_ids: list[str], **kw) -> Path:
    spec = {
        "targets": target_ids,
        "parameters": [
            {
                "name": "agreement_cost",
                "keys": ["bargaining.agreement_cost_share"],
                "low": 0.05,
                "high": 0.4,
            }
        ],
        "reps": 2,
        "final_reps": 2,
        "waves": 1,
        "points": 6,
    } | kw
    path = tmp_path / "params.yaml"
    path.write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture
def no_runs(monkeypatch):
    """Fail the test if a calibration run starts."""

    def boom(*args, **kwargs):
        raise AssertionError("a calibration run started")

    monkeypatch.setattr(evaluate.TargetRunner, "run", boom)
    monkeypatch.setattr(fit.RunRecorder, "run", boom)


@pytest.mark.parametrize(
    ("target", "field", "message"),
    [
        (_target(kpi="share_setled"), "kpi", "does not report"),
        (_target(observed=41.6), "observed", "is a share"),
        (_target(tolerance=0), "tolerance", "greater than 0"),
        (_target(period={"year": 2013}), "period", "outside the scenario"),
        (_target(kpi="appeal_rate_judgments", observed=0.1), "period", "whole KPI window"),
        (_target(period={"year": 2024, "to": dt.date(2024, 6, 30)}), "period", "either 'year'"),
        (_target(colour="red"), "colour", "unknown key"),
        (_target(id="Share 1"), "id", "lower case"),
        (_target(source=""), "source", "at least 1 character"),
    ],
)
def test_bad_targets_fail_before_any_run_and_write_nothing(
    tmp_path, capsys, no_runs, target, field, message
):
    targets = _write(tmp_path, [target])
    params = _params(tmp_path, [target["id"]])
    out = tmp_path / "out"
    code = main(
        [
            "calibrate",
            str(SCENARIOS / "in_court.yaml"),
            "--targets",
            str(targets),
            "--params",
            str(params),
            "--out",
            str(out),
            "--workers",
            "1",
            "--no-progress",
        ]
    )
    err = capsys.readouterr().err
    assert code == 2
    assert message in err
    assert field in err
    assert str(targets) in err or str(params) in err
    assert err.count("\n") == 1  # one paragraph
    assert not out.exists()


def test_repeated_ids_and_unknown_ids_are_refused(tmp_path, capsys, no_runs):
    targets = _write(tmp_path, [_target(), _target()])
    with pytest.raises(TargetError, match="repeated: share_h1"):
        load_targets(targets)
    targets = _write(tmp_path, [_target()])
    params = _params(tmp_path, ["share_h2"])
    code = main(
        [
            "calibrate",
            str(SCENARIOS / "in_court.yaml"),
            "--targets",
            str(targets),
            "--params",
            str(params),
            "--out",
            str(tmp_path / "o"),
            "--no-progress",
        ]
    )
    err = capsys.readouterr().err
    assert code == 2
    assert "no target named 'share_h2'" in err
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            {"parameters": [{"name": "x", "keys": ["judges.nosuch"], "low": 0, "high": 1}]},
            "matches no value",
        ),
        ({"parameters": [{"name": "x", "keys": ["name"], "low": 0, "high": 1}]}, "not a number"),
        (
            {"parameters": [{"name": "x", "keys": ["judges.count"], "low": 2, "high": 1}]},
            "must be below",
        ),
        ({"reps": 4, "final_reps": 2}, "final_reps"),
        ({"points": 3}, "greater than or equal to 5"),
        (
            {
                "points": 5,
                "parameters": [
                    {"name": "a", "keys": ["judges.count"], "low": 5, "high": 30},
                    {"name": "b", "keys": ["filings.per_year"], "low": 1e3, "high": 1e4},
                    {"name": "c", "keys": ["horizon_days"], "low": 100, "high": 200},
                ],
            },
            "points (5) must be at least",
        ),  # too few runs a wave for the emulators
        ({"waves": 0}, "'waves'"),
        ({"max_evals": 3}, "unknown key"),  # the point fit's budget is gone
        ({"colour": 1}, "unknown key"),
    ],
)
def test_bad_setups_fail_before_any_run(tmp_path, capsys, no_runs, change, message):
    targets = _write(tmp_path, [_target()])
    params = _params(tmp_path, ["share_h1"], **change)
    code = main(
        [
            "calibrate",
            str(SCENARIOS / "in_court.yaml"),
            "--targets",
            str(targets),
            "--params",
            str(params),
            "--out",
            str(tmp_path / "o"),
            "--no-progress",
        ]
    )
    err = capsys.readouterr().err
    assert code == 2
    assert message in err
    assert str(params) in err
    assert not (tmp_path / "o").exists()


def test_existing_out_folder_is_refused_before_any_run(tmp_path, capsys, no_runs):
    out = tmp_path / "o"
    out.mkdir()
    (out / "keep.txt").write_text("x")
    code = main(
        [
            "calibrate",
            str(SCENARIOS / "in_court.yaml"),
            "--targets",
            str(TARGETS),
            "--params",
            str(PARAMS),
            "--out",
            str(out),
            "--no-progress",
        ]
    )
    assert code == 2
    assert "--overwrite" in capsys.readouterr().err
    assert [p.name for p in out.iterdir()] == ["keep.txt"]


# ------------------------------------------------------------------ period measures
def test_period_measures_over_the_window_equal_the_kpis():
    sc = load_scenario(SCENARIOS / "combined.yaml").with_overrides(
        {"horizon_days": 200, "reporting.warmup_days": 50}
    )
    res = simulate(sc, seed=3)
    daily = {c: res.daily[c].to_numpy(dtype=float) for c in res.daily.columns if c != "date"}
    for name in PERIOD_MEASURES:
        if name == "pending_per_judge":
            want = res.kpis["pending_end"] / sc.judges.count
        else:
            want = res.kpis[name]
        got = period_value(name, daily, 50, 200, sc.judges.count)
        assert got == pytest.approx(want, rel=1e-12), name
    assert day_of(dt.date(2024, 1, 1), sc.start_date) == 1
    assert np.isnan(period_value("share_settled", daily, 0, 0, 1))
