import json

import numpy as np
import pandas as pd
import pytest

from courtsim.cli import main
from courtsim.experiment.sweep import sweep

RESULT_COLUMNS = [
    "run_id", "point", "replicate", "seed", "scenario_hash", "judges.count",
    "case_types.general.p_uncontested", "metric", "value", "status", "error",
]  # fmt: skip


def test_grid_sweep_writes_runs_results_daily_and_manifest(sweep_file, tmp_path, capsys):
    exp = sweep_file()
    out = tmp_path / "out"
    assert main(["sweep", str(exp), "--out", str(out), "--workers", "1"]) == 0
    captured = capsys.readouterr()
    assert "small_sweep: 8 runs (4 points x 2 replicates, seed 5)" in captured.out
    assert "8/8 runs" in captured.err  # the progress bar
    res = pd.read_parquet(out / "results.parquet")
    assert list(res.columns) == RESULT_COLUMNS
    assert len(res) == 8 * 3
    assert not res.duplicated(["run_id", "metric"]).any()
    assert (res["status"] == "ok").all()
    assert (res["error"] == "").all()
    assert res["judges.count"].dtype == np.int64
    grid = res[["judges.count", "case_types.general.p_uncontested"]].drop_duplicates()
    assert len(grid) == 4
    # Every point shares replicate r's seed: common random numbers across the design.
    assert set(res["seed"]) == {5}
    assert sorted(res["replicate"].unique()) == [0, 1]
    daily = pd.read_parquet(out / "daily.parquet")
    assert set(daily["metric"]) == {"n_pending"}
    assert len(daily) == 8 * 41
    m = json.loads((out / "manifest.json").read_text())
    assert (m["kind"], m["status"]) == ("sweep", "complete")
    assert (m["n_runs"], m["n_ok"], m["n_failed"]) == (8, 8, 0)
    assert (len(m["experiment_hash"]), len(m["scenario_hashes"])) == (64, 4)
    assert m["started_utc"] <= m["finished_utc"]
    assert {"courtsim", "numpy", "SALib", "distributed"} <= set(m["versions"])
    assert sorted(p.name for p in (out / "runs").glob("*.ok.parquet"))[0] == "p0000-r000.ok.parquet"
    # More judges, fewer pending cases (paired by replicate).
    pend = res[res["metric"] == "pending_end"].groupby("judges.count")["value"].mean()
    assert pend[4] < pend[2]


@pytest.mark.slow
@pytest.mark.parametrize(("design", "samples"), [("lhs", 5), ("sobol", 8)])
def test_sampled_designs_stay_in_range_and_round_integers(sweep_file, tmp_path, design, samples):
    exp = sweep_file(
        design=design,
        samples=samples,
        replications=1,
        daily=None,
        factors={
            "judges.count": {"range": [2, 5]},
            "filings.per_year": {"range": [2000.0, 4000.0]},
            "judges.discipline": {"levels": ["fifo", "deadline"]},
        },
    )
    out = sweep(exp, tmp_path / "out", workers=1, progress=False)
    pts = out.results.drop_duplicates("point")
    assert len(pts) == samples
    assert pts["judges.count"].between(2, 5).all()
    assert pts["judges.count"].dtype == np.int64
    assert pts["filings.per_year"].between(2000, 4000).all()
    assert set(pts["judges.discipline"]) <= {"fifo", "deadline"}
    assert not (out.out / "daily.parquet").exists()
    again = sweep(exp, tmp_path / "again", workers=1, progress=False)
    pd.testing.assert_frame_equal(out.results, again.results)  # the design is seeded


def test_failed_runs_are_recorded_and_do_not_stop_the_others(sweep_file, tmp_path, capsys):
    # Each value alone is valid, but warm-up 50 with a 40-day horizon is not a scenario.
    exp = sweep_file(
        set={"horizon_days": 60},
        factors={
            "reporting.warmup_days": {"levels": [0, 50]},
            "horizon_days": {"levels": [40, 60]},
        },
    )
    out = tmp_path / "out"
    assert main(["sweep", str(exp), "--out", str(out), "--workers", "1", "--no-progress"]) == 1
    assert "2 run(s) failed" in capsys.readouterr().err
    res = pd.read_parquet(out / "results.parquet")
    bad = res[res["status"] == "failed"]
    assert sorted(bad["run_id"].unique()) == ["p0002-r000", "p0002-r001"]
    assert bad["value"].isna().all()
    assert bad["error"].str.contains("reporting.warmup_days").all()
    assert (res.loc[res["status"] == "ok", "error"] == "").all()
    m = json.loads((out / "manifest.json").read_text())
    assert (m["status"], m["n_failed"], m["n_ok"]) == ("complete_with_failures", 2, 6)


@pytest.mark.slow
def test_resume_skips_finished_runs_and_gives_the_same_dataset(sweep_file, tmp_path):
    exp = sweep_file()
    full = sweep(exp, tmp_path / "full", workers=1, progress=False)
    part = tmp_path / "part"
    sweep(exp, part, workers=1, progress=False)
    # Simulate an interruption: three runs never finished, one was being written.
    for rid in ("p0001-r000", "p0002-r001", "p0003-r000"):
        (part / "runs" / f"{rid}.ok.parquet").unlink()
        (part / "runs" / f"{rid}.daily.parquet").unlink(missing_ok=True)
    (part / "runs" / ".p0001-r000.ok.parquet.999.tmp").write_bytes(b"partial")
    (part / "results.parquet").unlink()
    resumed = sweep(exp, part, workers=1, progress=False, resume=True)
    assert resumed.n_skipped == 5
    assert resumed.manifest["sessions"][-1]["ran"] == 3
    pd.testing.assert_frame_equal(resumed.results, full.results)
    pd.testing.assert_frame_equal(resumed.daily, full.daily)
    assert not list((part / "runs").glob(".*.tmp"))


def test_resume_refuses_a_changed_experiment(sweep_file, tmp_path, capsys):
    exp = sweep_file()
    out = tmp_path / "out"
    assert main(["sweep", str(exp), "--out", str(out), "--workers", "1", "--no-progress"]) == 0
    capsys.readouterr()
    sweep_file(replications=3)  # same file, new content
    before = sorted(p.name for p in (out / "runs").iterdir())
    assert main(["sweep", str(exp), "--out", str(out), "--resume"]) == 2
    assert "hash differs" in capsys.readouterr().err
    assert sorted(p.name for p in (out / "runs").iterdir()) == before
