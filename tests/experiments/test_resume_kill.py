"""Kill a sweep process midway, resume it, and compare with an uninterrupted sweep."""

import os
import signal
import subprocess
import sys
import time

import pandas as pd
import pytest

from courtsim.experiment.sweep import sweep


@pytest.mark.slow
def test_killed_sweep_resumes_to_the_same_dataset(sweep_file, tmp_path):
    exp = sweep_file(
        factors={
            "judges.count": {"levels": [2, 3, 4, 5]},
            "filings.per_year": {"levels": [2500.0, 3500.0]},
        },
        replications=4,
    )
    total = 4 * 2 * 4
    out = tmp_path / "killed"
    cmd = [sys.executable, "-m", "courtsim.cli", "sweep", str(exp), "--out", str(out)]
    # Own session: the kill reaches the sweep and its pool's worker processes alike.
    proc = subprocess.Popen(
        [*cmd, "--workers", "2"],
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            done = len(list((out / "runs").glob("*.ok.parquet"))) if out.exists() else 0
            if done >= 6 or proc.poll() is not None:
                break
            time.sleep(0.01)
        os.killpg(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
    finished_before = len(list((out / "runs").glob("*.ok.parquet")))
    assert 6 <= finished_before < total, "the sweep was not interrupted midway"
    assert not (out / "results.parquet").exists()

    resumed = subprocess.run(
        [*cmd, "--resume", "--workers", "2"], capture_output=True, text=True, timeout=300
    )
    assert resumed.returncode == 0, resumed.stderr
    assert f"{finished_before} done before (resumed)" in resumed.stdout

    reference = sweep(exp, tmp_path / "uninterrupted", workers=1, progress=False)
    got = pd.read_parquet(out / "results.parquet")
    pd.testing.assert_frame_equal(got, reference.results, check_exact=True)
    pd.testing.assert_frame_equal(
        pd.read_parquet(out / "daily.parquet"), reference.daily, check_exact=True
    )
    assert not got.duplicated(["run_id", "metric"]).any()
    assert got["run_id"].nunique() == total
    assert len(list((out / "runs").glob("*.ok.parquet"))) == total
