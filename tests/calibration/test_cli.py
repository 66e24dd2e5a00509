"""``courtsim calibrate`` and ``courtsim validate-model`` end to end, on small inputs."""

from __future__ import annotations

import json

import pandas as pd
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
            "name": "agreement_cost",
            "keys": ["bargaining.agreement_cost_share"],
            "low": 0.05,
            "high": 0.4,
        }
    ],
    "reps": 2,
    "final_reps": 3,
    "seed": 3,
    "waves": 1,
    "points": 6,
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
    targets, params = _inputs(tmp_path, observed=0.35, tolerance=0.1)
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
    assert "calibrate: wave 1/1: 6 points x 2 replicates" in captured.err  # progress is shown
    assert "within" in captured.out
    names = {p.name for p in out.iterdir()}
    assert {
        "calibrated.yaml",
        "overlay.yaml",
        "fit_report.md",
        "fit.json",
        "posterior.parquet",
        "design.parquet",
        "manifest.json",
    } == names  # the checkpoint is gone once the results are written
    assert not (tmp_path / ".fit.checkpoint").exists()
    sc = load_scenario(out / "calibrated.yaml")
    assert sc.judges.count == 5
    fit = json.loads((out / "fit.json").read_text())
    assert fit["status"] == "ok"
    median = fit["parameters"][0]["median"]
    lo, hi = fit["parameters"][0]["ci90"]
    assert 0.05 <= lo <= median <= hi <= 0.4
    assert sc.bargaining.agreement_cost_share == median
    draws = pd.read_parquet(out / "posterior.parquet")
    assert list(draws.columns) == ["draw", "agreement_cost"]
    assert len(draws) == 200
    assert draws["agreement_cost"].between(0.05, 0.4).all()
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
    assert not (tmp_path / ".fit.checkpoint").exists()


@pytest.mark.slow
def test_unmatched_target_exits_1_with_the_report_but_no_scenario(tmp_path, capsys):
    # Within reach of the priors, but the band is far narrower than the noise of a mean
    # over 3 replicates: the calibrated scenario misses it, and is refused, not returned.
    targets, params = _inputs(tmp_path, observed=0.3, tolerance=0.0002)
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
        "## 7. Conclusions that survive what we don't know",
        "## 8. Projections 2026-2030",
    ):
        assert heading in md
    assert "| almaty_city |" in md  # one line per region
    assert "`atyrau_2024h1_conciliation`" in md  # the regional checks
    assert "**Fitted** (5)" in md  # what was fitted and held out
    assert "Quick run" in md
    assert "M/M/1" in md
    assert "of plausible worlds" in md  # the robustness table's sentences
    for png in ("validation_backcast.png", "validation_targets.png", "validation_robustness.png"):
        assert (out / "img" / png).read_bytes()[:4] == b"\x89PNG"
    before = (out / "validation.md").stat().st_mtime_ns
    code = main(["validate-model", "--out", str(out), "--quick", "--workers", "1", "--no-progress"])
    assert code == 2
    assert "--overwrite" in capsys.readouterr().err
    assert (out / "validation.md").stat().st_mtime_ns == before


@pytest.mark.slow
def test_an_interrupted_calibration_resumes_from_its_checkpoint(tmp_path):
    from courtsim.calibration.calibrate import calibrate

    targets, params = _inputs(tmp_path, observed=0.3, tolerance=0.05)
    scenario = SCENARIOS / "in_court.yaml"
    ckpt = tmp_path / "ckpt"
    opts = {"waves": 2, "points": 5}
    a = calibrate(scenario, targets, params, options=opts, workers=1, checkpoint=ckpt)
    files = sorted((ckpt / "runs").glob("*.ok.parquet"))
    assert len(files) == a.result.runs  # every run was written as it finished
    for f in files[::2]:  # an interruption: half the runs never finished
        f.unlink()
    b = calibrate(scenario, targets, params, options=opts, workers=1, checkpoint=ckpt, resume=True)
    assert b.result.runs == len(files[::2])
    assert b.result.reused == len(files) - len(files[::2])
    assert b.result.posterior.draws.tobytes() == a.result.posterior.draws.tobytes()
    assert [d.wave for d in b.result.design] == [1] * 5 + [2] * 5
