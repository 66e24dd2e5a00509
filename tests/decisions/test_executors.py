"""Staffing searches and allocations give identical answers serially, on a pool and on Dask."""

import pandas as pd
import pytest
from distributed import LocalCluster

from courtsim.experiment.allocate import allocate
from courtsim.experiment.sequential import Budget
from courtsim.experiment.target import find_level
from tests.decisions.conftest import mmc, two_regions

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def cluster():
    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
    ) as c:
        yield c


def test_search_is_identical_serial_pool_and_dask(cluster):
    kw = {"levels": (4, 8), "seed": 5, "budget": Budget(min_reps=3, step=3, max_reps=9)}
    sc, target = mmc(days=120), "ttd_mean_days<=6"
    serial = find_level(sc, "judges", target, workers=1, **kw)
    pool = find_level(sc, "judges", target, workers=2, **kw)
    dask = find_level(sc, "judges", target, scheduler=cluster.scheduler_address, **kw)
    assert len(serial.levels) >= 3  # the search went past its two ends
    for other in (pool, dask):
        assert (other.status, other.answer, other.bracket) == (
            serial.status,
            serial.answer,
            serial.bracket,
        )
        pd.testing.assert_frame_equal(other.table(), serial.table(), check_exact=True)


def test_allocation_is_identical_serial_and_dask(cluster):
    sc = two_regions(0.7, days=100)
    serial = allocate(sc, "judges", 2, "backlog_cases", reps=3, workers=1)
    # On the cluster each round also runs levels ahead of need (two slots, three
    # replicates would leave none idle, so the look-ahead is asked for).
    dask = allocate(
        sc, "judges", 2, "backlog_cases", reps=3, scheduler=cluster.scheduler_address, lookahead=2
    )
    assert dask.steps == serial.steps
    pd.testing.assert_frame_equal(dask.table(), serial.table(), check_exact=True)
