"""Serial, local-pool and Dask executions give identical results, run by run."""

import pandas as pd
import pytest
from distributed import LocalCluster

import courtsim
from courtsim.experiment.sweep import sweep
from tests.conftest import make_scenario
from tests.experiments.conftest import SMALL


@pytest.fixture(scope="module")
def cluster():
    # A real cluster of two worker processes. Its HTTP server (dashboard, metrics) listens
    # on a random port, so parallel test workers never compete for the default 8787.
    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
    ) as c:
        yield c


@pytest.mark.slow
def test_replicate_is_identical_serial_pool_and_dask(cluster):
    sc = make_scenario(**SMALL)
    serial = courtsim.replicate(sc, reps=6, seed=11, workers=1)
    pool = courtsim.replicate(sc, reps=6, seed=11, workers=2)
    dask = courtsim.replicate(sc, reps=6, seed=11, scheduler=cluster.scheduler_address)
    for other in (pool, dask):
        pd.testing.assert_frame_equal(serial.kpis, other.kpis, check_exact=True)
        pd.testing.assert_frame_equal(serial.daily, other.daily, check_exact=True)
        pd.testing.assert_frame_equal(serial.summary, other.summary, check_exact=True)
    assert dask.manifest["executor"]["executor"] == "dask"
    assert pool.manifest["executor"] == {"executor": "pool", "workers": 2}


@pytest.mark.slow
def test_sweep_is_identical_serial_pool_and_dask(cluster, sweep_file, tmp_path):
    exp = sweep_file()
    serial = sweep(exp, tmp_path / "serial", workers=1, progress=False)
    pool = sweep(exp, tmp_path / "pool", workers=2, progress=False)
    dask = sweep(exp, tmp_path / "dask", scheduler=cluster.scheduler_address, progress=False)
    for other in (pool, dask):
        pd.testing.assert_frame_equal(serial.results, other.results, check_exact=True)
        pd.testing.assert_frame_equal(serial.daily, other.daily, check_exact=True)
        for f in ("results.parquet", "daily.parquet"):
            assert serial.manifest["files"][f] == other.manifest["files"][f]
