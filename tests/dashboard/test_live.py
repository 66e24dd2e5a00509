import pandas as pd
import pytest

from courtsim.dashboard.live import LiveRunner
from tests.conftest import make_scenario


def test_cache_answers_a_repeated_run_at_once():
    runner = LiveRunner(workers=0, cache_size=4)
    sc = make_scenario()
    first = runner.run({"a": sc}, 2, seed=1)
    seen = []
    again = runner.run({"a": sc}, 2, seed=1, progress=lambda d, t: seen.append((d, t)))
    assert seen == [(2, 2)]  # both replicates came from the cache
    pd.testing.assert_frame_equal(first.kpis, again.kpis)
    runner.run({"b": make_scenario(judges={"count": 4})}, 3, seed=1)
    assert len(runner._cache) == 4  # least recently used runs are forgotten


@pytest.mark.slow
def test_worker_processes_give_the_same_tables_as_this_process():
    sc = make_scenario()
    local = LiveRunner(workers=0).run({"a": sc}, 2, seed=9)
    pool = LiveRunner(workers=1)
    try:
        remote = pool.run({"a": sc}, 2, seed=9)
    finally:
        pool.close()
    pd.testing.assert_frame_equal(local.kpis, remote.kpis)
    pd.testing.assert_frame_equal(local.daily, remote.daily)
    pd.testing.assert_frame_equal(local.ttd, remote.ttd)
