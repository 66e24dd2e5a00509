import json

import numpy as np
import pandas as pd
import pytest

from courtsim.cli import main
from courtsim.experiment.sensitivity import compute_indices, sample_points
from courtsim.experiment.spec import validate_experiment

PI = float(np.pi)
# Ishigami (a = 7, b = 0.1) on [-pi, pi]^3: analytic first and total-order indices.
ISHIGAMI_S1 = (0.3139, 0.4424, 0.0)
ISHIGAMI_ST = (0.5576, 0.4424, 0.2437)


def _spec(**changes):
    data = {
        "kind": "sensitivity",
        "name": "toy",
        "scenario": "unused.yaml",
        "factors": {f"x{i}": {"range": [-PI, PI]} for i in (1, 2, 3)},
        "kpis": ["y"],
        "samples": 1024,
        "morris": {"trajectories": 20, "levels": 4},
        "bootstrap": 200,
        "seed": 3,
    }
    return validate_experiment(data | changes, "toy.yaml")


def _evaluate(spec, f):
    kinds = dict.fromkeys(spec.factors, "float")
    points, samples, extra = sample_points(spec, kinds)
    x = np.array([[p[k] for k in spec.factors] for p in points])
    samples = np.array(samples)
    outputs = {m: {"y": f(x[samples == m])} for m in spec.methods}
    return compute_indices(spec, extra, outputs)


def _ishigami(x):
    return np.sin(x[:, 0]) + 7 * np.sin(x[:, 1]) ** 2 + 0.1 * x[:, 2] ** 4 * np.sin(x[:, 0])


def test_sobol_indices_of_the_ishigami_function_are_recovered():
    idx = _evaluate(_spec(methods=["sobol"]), _ishigami)
    assert list(idx.columns) == [
        "method",
        "metric",
        "factor",
        "index",
        "value",
        "ci_low",
        "ci_high",
    ]
    table = idx.pivot(index="factor", columns="index", values="value")
    np.testing.assert_allclose(table["S1"].to_numpy(), ISHIGAMI_S1, atol=0.05)
    np.testing.assert_allclose(table["ST"].to_numpy(), ISHIGAMI_ST, atol=0.05)
    ci = idx.set_index(["factor", "index"])
    assert (ci["ci_low"] < ci["value"]).all()
    assert (ci["value"] < ci["ci_high"]).all()


def test_morris_elementary_effects_of_a_linear_function_are_exact():
    coef = np.array([1.0, -2.0, 0.0])
    idx = _evaluate(_spec(methods=["morris"]), lambda x: x @ coef)
    mu = idx[idx["index"] == "mu_star"].set_index("factor")["value"]
    sigma = idx[idx["index"] == "sigma"].set_index("factor")["value"]
    # mu* is |coefficient| x the factor's range; sigma is 0 for a linear model.
    np.testing.assert_allclose(mu.to_numpy(), np.abs(coef) * 2 * PI, rtol=1e-9)
    np.testing.assert_allclose(sigma.to_numpy(), 0.0, atol=1e-9)


def test_a_constant_output_gets_no_indices():
    idx = _evaluate(_spec(samples=64), lambda x: np.zeros(len(x)))
    assert idx["value"].isna().all()


@pytest.mark.slow
def test_sensitivity_cli_runs_a_scenario(scenario_file, experiment_file, tmp_path, capsys):
    base = scenario_file()
    exp = experiment_file(
        {
            "kind": "sensitivity",
            "name": "small_sensitivity",
            "scenario": base.name,
            "set": {"horizon_days": 30},
            "factors": {
                "judges.count": {"range": [2, 5]},
                "case_types.general.p_uncontested": {"range": [0.1, 1.0]},
            },
            "kpis": ["pending_end", "share_settled"],
            "samples": 4,
            "morris": {"trajectories": 3, "levels": 4},
            "bootstrap": 50,
        }
    )
    out = tmp_path / "sens"
    assert main(["sensitivity", str(exp), "--out", str(out), "--workers", "1"]) == 0
    text = capsys.readouterr().out
    assert "small_sensitivity: 25 runs" in text  # 4 x (2 + 2) Sobol + 3 x (2 + 1) Morris
    idx = pd.read_parquet(out / "indices.parquet")
    assert set(idx["index"]) == {"S1", "ST", "mu_star", "sigma"}
    assert len(idx) == 2 * 2 * 4  # metrics x factors x indices
    # More judges is the dominant driver of pending cases.
    mu = idx[(idx["index"] == "mu_star") & (idx["metric"] == "pending_end")]
    assert mu.set_index("factor")["value"].idxmax() == "judges.count"
    res = pd.read_parquet(out / "results.parquet")
    assert set(res["sample"]) == {"sobol", "morris"}
    m = json.loads((out / "manifest.json").read_text())
    assert m["kind"] == "sensitivity"
    assert "indices.parquet" in m["files"]
