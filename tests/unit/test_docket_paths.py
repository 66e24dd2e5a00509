"""The one-pass docket path (one case at a time) must equal the general rounds path."""

import numpy as np
import pandas as pd
import pytest

import courtsim.model
from courtsim import load_scenario, simulate
from courtsim.docket import work_in_rounds
from tests.conftest import SCENARIOS


@pytest.mark.parametrize("discipline", ["fifo", "deadline"])
def test_one_pass_equals_rounds(monkeypatch, discipline):
    sc = load_scenario(SCENARIOS / "in_court.yaml").with_overrides(
        {"horizon_days": 150, "judges.discipline": discipline}
    )
    fast = simulate(sc, seed=11)
    monkeypatch.setattr(courtsim.model, "work_day", work_in_rounds)
    slow = simulate(sc, seed=11)
    pd.testing.assert_frame_equal(fast.daily, slow.daily, check_exact=False, rtol=1e-9)
    for col in ["t_work_start", "t_decided", "t_disposed", "judge", "outcome"]:
        pd.testing.assert_series_equal(fast.cases[col], slow.cases[col])
    assert np.isfinite(fast.kpis["ttd_mean_days"])
