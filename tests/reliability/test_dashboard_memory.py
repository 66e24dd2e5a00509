"""The dashboard's memory stays bounded after an oversized live run (server and children)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from courtsim.dashboard.live import RECYCLE_BYTES, LiveRunner
from courtsim.interrupts import descendants
from courtsim.resources import estimate
from tests.conftest import make_scenario


def _rss(pid: int) -> int:
    try:
        pages = int(Path(f"/proc/{pid}/statm").read_text().split()[1])
    except OSError:
        return 0
    return pages * os.sysconf("SC_PAGE_SIZE")


def _tree_rss() -> int:
    return _rss(os.getpid()) + sum(_rss(p) for p in descendants())


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads /proc")
def test_memory_goes_back_after_a_big_live_run():
    big = make_scenario(horizon_days=365, filings={"per_year": 150_000})
    assert estimate(big).bytes > RECYCLE_BYTES
    runner = LiveRunner(workers=1)
    try:
        runner.warm(wait=True)
        before = _tree_rss()
        runner.run({"big": big}, 1, seed=1)
        after = _tree_rss()
    finally:
        runner.close()
    # A worker that kept the run's memory would hold ~200 MB more than a fresh one.
    assert after - before < 100e6, f"{(after - before) / 1e6:.0f} MB more after the run"
