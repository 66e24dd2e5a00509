"""The replicate CI covers a known true mean about 95% of the time, on real engine runs."""

import numpy as np
import pytest
from scipy import stats as sps

import courtsim
from courtsim.experiment.stats import mean_ci
from tests.conftest import make_scenario


@pytest.mark.slow
@pytest.mark.statistical
def test_ci_of_incoming_claims_covers_the_poisson_mean():
    # Every day is a working day and filings are Poisson at per_year / 365 a day, so the
    # claims filed in a run of H days are Poisson with mean per_year * H / 365, exactly.
    horizon, per_year = 20, 3650.0
    sc = make_scenario(
        horizon_days=horizon,
        calendar={"weekend_days": (), "holidays": ()},
        judges={"count": 1},
        filings={"per_year": per_year, "process": "poisson"},
        initial_pending={"per_judge": 0},
    )
    truth = per_year * horizon / 365
    groups, reps = 40, 5
    rr = courtsim.replicate(
        sc, reps=groups * reps, seed=2024, kpis=["incoming"], daily=(), workers=1
    )
    x = rr.kpis.sort_values("replicate")["value"].to_numpy().reshape(groups, reps)
    assert len(np.unique(x)) > groups  # replicates draw independent streams
    covered = 0
    for row in x:
        _, lo, hi = mean_ci(row)
        covered += lo <= truth <= hi
    lo_ok, hi_ok = sps.binom.interval(0.999, groups, 0.95)
    assert lo_ok <= covered <= hi_ok
    # The overall mean agrees with the truth within its own standard error.
    assert abs(x.mean() - truth) <= 4 * x.std(ddof=1) / np.sqrt(x.size)
