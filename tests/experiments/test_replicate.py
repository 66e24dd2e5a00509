import json

import numpy as np
import pandas as pd
import pytest

import courtsim
from courtsim import simulate
from courtsim.experiment import ExperimentError
from tests.conftest import make_scenario
from tests.experiments.conftest import SMALL


@pytest.fixture(scope="module")
def small():
    return make_scenario(**SMALL)


@pytest.fixture(scope="module")
def rr(small):
    return courtsim.replicate(small, reps=4, seed=3, workers=1)


def test_replicate_frames_have_the_documented_columns(rr):
    assert list(rr.kpis.columns) == ["scenario", "replicate", "seed", "metric", "value"]
    assert list(rr.daily.columns) == ["scenario", "replicate", "day", "metric", "value"]
    assert list(rr.summary.columns) == [
        "metric", "n", "mean", "sd", "ci_low", "ci_high", "p10", "p90"
    ]  # fmt: skip
    assert list(rr.daily_summary.columns) == [
        "day", "metric", "mean", "ci_low", "ci_high", "p10", "p90"
    ]  # fmt: skip
    assert set(rr.daily["metric"]) == {"n_pending", "n_backlog", "new_disposed", "new_filed"}
    assert sorted(rr.kpis["replicate"].unique()) == [0, 1, 2, 3]
    assert len(rr.daily_summary) == 4 * (SMALL["horizon_days"] + 1)
    assert rr.manifest["kind"] == "replicate"


def test_replicate_r_is_simulate_with_replicate_r(rr, small):
    for r in (0, 3):
        res = simulate(small, seed=3, replicate=r)
        got = rr.kpis[rr.kpis["replicate"] == r].set_index("metric")["value"]
        for k, v in res.kpis.items():
            assert got[k] == v or (np.isnan(got[k]) and np.isnan(v)), k
        pending = rr.daily.query("replicate == @r and metric == 'n_pending'")["value"]
        np.testing.assert_array_equal(pending.to_numpy(), res.daily["n_pending"].to_numpy())


def test_replicates_differ_and_summary_matches_them(rr):
    pend = rr.kpis[rr.kpis["metric"] == "pending_end"]["value"].to_numpy()
    assert len(set(pend)) > 1
    s = rr.summary.set_index("metric").loc["pending_end"]
    assert s["mean"] == pytest.approx(pend.mean())
    assert s["n"] == 4
    assert s["ci_low"] < s["mean"] < s["ci_high"]


def test_save_writes_parquet_and_manifest(rr, tmp_path):
    out = rr.save(tmp_path / "rep")
    names = sorted(p.name for p in out.iterdir())
    assert names == [
        "daily.parquet", "daily_summary.parquet", "kpis.parquet", "manifest.json", "summary.parquet"
    ]  # fmt: skip
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["kind"] == "replicate"
    assert (manifest["seed"], manifest["reps"]) == (3, 4)
    pd.testing.assert_frame_equal(pd.read_parquet(out / "kpis.parquet"), rr.kpis)
    with pytest.raises(courtsim.ResultsError, match="already holds files"):
        rr.save(out)


def test_replicate_rejects_zero_reps_and_unknown_names(small):
    with pytest.raises(ExperimentError, match="at least 1"):
        courtsim.replicate(small, reps=0, workers=1)
    with pytest.raises(ExperimentError, match="unknown KPI 'pending_ned'"):
        courtsim.replicate(small, reps=2, kpis=["pending_ned"], workers=1)
    with pytest.raises(ExperimentError, match="unknown daily series 'n_pend'"):
        courtsim.replicate(small, reps=2, daily=["n_pend"], workers=1)
