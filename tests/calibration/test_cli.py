"""``courtsim calibrate`` and ``courtsim validate-model`` end to end, on small inputs."""

from __future__ import annotations

import json

import pytest
import yaml

from courtsim import load_scenario
from courtsim.cli import main
from tests.conftest import ROOT, SCENARIOS

SETUP = {
    "scenario_overrides": {
        "judges.count": 5,
        "filings.per_year": 2500,
        "horizon_days": 150,
        "reporting.warmup_days": 30,
    },
    "targets": ["settled"],
    "parameters": [
        {
            "name": "push",
            "keys": ["policies[in_court].trial_willingness_boost"],
            "low": 0.0,
            "high": 0.2,
        }
    ],
    "reps": 2,
    "final_reps": 3,
    "seed": 3,
    "max_evals": 5,
}


def _inputs(tmp_path, observed: float, tolerance: float = 0.05):
    targets = tmp_path / "targets.yaml"
    targets.write_text(
        yaml.safe_dump(
            {
                "targets": [
                    {
                        "id": "settled",
                        "kpi": "share_settled",
                        "observed": observed,
                        "tolerance": tolerance,
                        "source": "test",
                    }
                ]
            }
        )
    )
    params = tmp_path / "params.yaml"
    params.write_text(yaml.safe_dump(SETUP))
    return targets, params


@pytest.mark.slow
def test_calibrate_writes_the_scenario_and_the_fit_report(tmp_path, capsys):
    targets, params = _inputs(tmp_path, observed=0.5, tolerance=0.1)
    out = tmp_path / "fit"
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
        ]
    )
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert "calibrate: screening 3 candidates" in captured.err  # progress is shown
    assert "within" in captured.out
    names = {p.name for p in out.iterdir()}
    assert {"calibrated.yaml", "overlay.yaml", "fit_report.md", "fit.json", "trace.csv"} <= names
    sc = load_scenario(out / "calibrated.yaml")
    assert sc.judges.count == 5
    fit = json.loads((out / "fit.json").read_text())
    assert fit["status"] == "ok"
    push = fit["parameters"][0]["fitted"]
    assert next(p for p in sc.policies if p.type == "in_court").trial_willingness_boost == push
    # The overlay rebuilds the same scenario from the input file.
    assert load_scenario(out / "overlay.yaml").content_hash() == sc.content_hash()
    # Results folders are never silently overwritten.
    code = main(
        ["calibrate", str(SCENARIOS / "in_court.yaml"), "--targets", str(targets),
         "--params", str(params), "--out", str(out), "--workers", "1"]
    )  # fmt: skip
    assert code == 2


@pytest.mark.slow
def test_unreachable_target_is_refused_before_fitting_and_writes_nothing(tmp_path, capsys):
    # Far beyond any share this small court reaches (2 replications: a wide slack).
    targets, params = _inputs(tmp_path, observed=0.995, tolerance=0.004)
    out = tmp_path / "fit"
    code = main(
        ["calibrate", str(SCENARIOS / "in_court.yaml"), "--targets", str(targets),
         "--params", str(params), "--out", str(out), "--workers", "1", "--no-progress"]
    )  # fmt: skip
    err = capsys.readouterr().err
    assert code == 2
    assert "'settled' (share_settled = 0.995 ± 0.004) is out of reach" in err
    assert str(params) in err
    assert not out.exists()


@pytest.mark.slow
def test_unmatched_target_exits_1_with_the_report_but_no_scenario(tmp_path, capsys):
    # Within reach of the bounds, but the budget ends with the screen, whose candidates
    # all miss the narrow band: the fit is refused, not returned.
    targets, params = _inputs(tmp_path, observed=0.49, tolerance=0.002)
    params.write_text(yaml.safe_dump(SETUP | {"max_evals": 1}))
    out = tmp_path / "fit"
    code = main(
        ["calibrate", str(SCENARIOS / "in_court.yaml"), "--targets", str(targets),
         "--params", str(params), "--out", str(out), "--workers", "1", "--no-progress"]
    )  # fmt: skip
    captured = capsys.readouterr()
    assert code == 1, captured.err
    assert "could not match settled" in captured.err
    assert "outside" in captured.out
    names = {p.name for p in out.iterdir()}
    assert "fit_report.md" in names
    assert "calibrated.yaml" not in names
    assert json.loads((out / "fit.json").read_text())["status"] == "refused"


@pytest.mark.slow
def test_validate_model_quick_writes_the_report_and_refuses_to_overwrite(
    tmp_path, capsys, monkeypatch
):
    monkeypatch.chdir(ROOT)
    out = tmp_path / "docs"
    code = main(["validate-model", "--out", str(out), "--quick", "--workers", "1", "--no-progress"])
    assert code == 0, capsys.readouterr().err
    md = (out / "validation.md").read_text()
    for heading in (
        "## 1. Analytic queueing checks",
        "## 2. Calibration fit",
        "## 3. Back-cast 2013-2025",
        "## 4. Face validity",
        "## 5. The 20 regions",
        "## 6. Known limitations",
    ):
        assert heading in md
    assert "| almaty_city |" in md  # one line per region
    assert "`atyrau_2024h1_conciliation`" in md  # the regional checks
    assert "**Fitted** (5)" in md  # what was fitted and held out
    assert "Quick run" in md
    assert "M/M/1" in md
    for png in ("validation_backcast.png", "validation_targets.png"):
        assert (out / "img" / png).read_bytes()[:4] == b"\x89PNG"
    before = (out / "validation.md").stat().st_mtime_ns
    code = main(["validate-model", "--out", str(out), "--quick", "--workers", "1", "--no-progress"])
    assert code == 2
    assert "--overwrite" in capsys.readouterr().err
    assert (out / "validation.md").stat().st_mtime_ns == before
