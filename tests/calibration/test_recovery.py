"""Calibration recovers known parameters: simulate with chosen values, fit from elsewhere."""

from __future__ import annotations

import numpy as np
import pytest

from courtsim import load_scenario
from courtsim.calibration.calibrate import calibrate
from courtsim.calibration.evaluate import TargetRunner
from courtsim.calibration.fit import loss
from courtsim.calibration.report import OUTSIDE, WITHIN
from courtsim.calibration.spec import CalibrationSpec, Parameter, ParameterSpace
from courtsim.calibration.targets import Target, TargetsFile
from courtsim.experiment.executor import SerialExecutor
from tests.conftest import SCENARIOS

pytestmark = [pytest.mark.slow, pytest.mark.statistical]

TRUTH = {"push": 0.08, "p_appeal": 0.12}
# A twin experiment: the "observed" values are the truth's means over the same replicates
# the fit uses (common random numbers), so the truth has loss 0 and the test checks that
# the screen and the search find it from elsewhere, not how noisy the KPIs are.
SEED, REPS = 5, 4


def small_court():
    """A small regional court with conciliation at acceptance: ~0.2 s a run."""
    return load_scenario(SCENARIOS / "in_court.yaml").with_overrides(
        {
            "judges.count": 5,
            "filings.per_year": 2500,
            "horizon_days": 200,
            "reporting.warmup_days": 30,
            "initial_pending.per_judge": 20,
        }
    )


PARAMETERS = (
    Parameter(
        name="push",
        keys=("policies[in_court].trial_willingness_boost",),
        low=0.0,
        high=0.2,
        start=0.02,
    ),
    Parameter(name="p_appeal", keys=("case_types.*.p_appeal",), low=0.03, high=0.2, start=0.06),
)


def observed_targets(sc) -> TargetsFile:
    """Targets whose observed values are the truth's simulated means."""
    space = ParameterSpace(sc, PARAMETERS, "test")
    truth = space.scenario([TRUTH["push"], TRUTH["p_appeal"]])
    pseudo = [
        Target(id="settled", kpi="share_settled", observed=0.0, tolerance=0.01, source="truth"),
        Target(id="appeal", kpi="appeal_rate_judgments", observed=0.0, tolerance=0.01, source="x"),
    ]
    vals = TargetRunner(pseudo, 1.0, SEED, SerialExecutor()).run([truth], REPS)[0]
    means = vals.mean(axis=0)
    return TargetsFile(
        targets=tuple(
            t.model_copy(update={"observed": float(m)}) for t, m in zip(pseudo, means, strict=True)
        )
    )


def test_calibration_recovers_known_parameters():
    sc = small_court()
    tf = observed_targets(sc)
    spec = CalibrationSpec(
        parameters=PARAMETERS, reps=REPS, final_reps=REPS, seed=SEED, max_evals=20
    )
    cal = calibrate(sc, tf, spec, workers=1)
    push, p_appeal = cal.result.best.x
    assert abs(push - TRUTH["push"]) <= 0.02, cal.result.best
    assert abs(p_appeal - TRUTH["p_appeal"]) <= 0.01, cal.result.best
    assert cal.ok
    assert {r.status for r in cal.result.rows} <= {WITHIN, "borderline"}
    # It moved away from the start towards the truth, and the loss fell.
    assert cal.result.best.loss < cal.result.trace[0].loss
    assert np.all(
        np.abs(cal.result.best.x - [TRUTH["push"], TRUTH["p_appeal"]])
        < np.abs(cal.result.start - [TRUTH["push"], TRUTH["p_appeal"]])
    )


def test_loss_is_the_sum_of_squared_standardised_errors():
    ts = [
        Target(id="a", kpi="share_settled", observed=0.4, tolerance=0.02, source="x"),
        Target(id="b", kpi="incoming", observed=1000, tolerance=100, source="x"),
    ]
    assert loss(np.array([0.44, 900.0]), ts) == pytest.approx(2**2 + 1**2)
    assert loss(np.array([np.nan, 1000.0]), ts) >= 1e6


def test_a_target_out_of_reach_is_refused_before_the_search(tmp_path):
    sc = small_court()
    far = TargetsFile(
        targets=(
            Target(id="settled", kpi="share_settled", observed=0.95, tolerance=0.02, source="x"),
        )
    )
    spec = CalibrationSpec(parameters=PARAMETERS[:1], reps=2, final_reps=2, seed=1, max_evals=10)
    from courtsim.calibration.spec import CalibrationError

    with pytest.raises(CalibrationError, match=r"'settled' .* out of reach"):
        calibrate(sc, far, spec, workers=1)


def test_a_poor_fit_is_refused_not_returned_silently(tmp_path):
    # Reachable at the screen's edge by noise-free standards, but the budget is one
    # candidate: the fit stays at the start, far from the target, and is refused.
    sc = small_court()
    tf = TargetsFile(
        targets=(
            Target(
                id="appeal", kpi="appeal_rate_judgments", observed=0.25, tolerance=0.01, source="x"
            ),
        )
    )
    spec = CalibrationSpec(parameters=PARAMETERS[1:], reps=2, final_reps=2, seed=1, max_evals=1)
    cal = calibrate(sc, tf, spec, workers=1)
    assert not cal.ok
    assert cal.result.refused == ["appeal"]
    assert cal.result.rows[0].status == OUTSIDE
    out = cal.save(tmp_path / "fit")
    assert (out / "fit_report.md").is_file()
    assert not (out / "calibrated.yaml").exists()
    assert "Refused" in (out / "fit_report.md").read_text()
