"""How settlement responds to the bargaining mechanisms (issue: litigants who bargain).

Paired replicates of ``scenarios/bargaining.yaml`` (common random numbers: the same
disputes, merits and signals at both settings), 240 days. Each claim is tested with a
one-sided 99% t bound on the mean paired difference, so it can fail.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from courtsim import load_scenario, simulate
from tests.conftest import SCENARIOS

REPS = 4
SEED = 11

pytestmark = [pytest.mark.slow, pytest.mark.statistical]


def _contested(res):
    c = res.cases
    return c[c["t_accepted"].notna() & ~c["initial"] & c["contested"]]


def settled_share(res) -> float:
    """Share of contested claims accepted in the run that ended in a settlement."""
    acc = _contested(res)
    return float((acc["outcome"] == "settlement").mean())


def settled_early(res) -> float:
    """Share of contested claims settled within 45 days of acceptance (earlier settlement)."""
    acc = _contested(res)
    quick = (acc["outcome"] == "settlement") & (acc["t_disposed"] - acc["t_accepted"] <= 45)
    return float(quick.mean())


@pytest.fixture(scope="module")
def base():
    sc = load_scenario(SCENARIOS / "bargaining.yaml").with_overrides({"horizon_days": 240})
    return sc, [simulate(sc, seed=SEED, replicate=r) for r in range(REPS)]


def _bounds(base, overrides, measure):
    sc, runs = base
    alt = sc.with_overrides(overrides)
    d = np.array(
        [measure(simulate(alt, seed=SEED, replicate=r)) - measure(a) for r, a in enumerate(runs)]
    )
    half = stats.t.ppf(0.99, REPS - 1) * d.std(ddof=1) / np.sqrt(REPS)
    return d, d.mean() - half, d.mean() + half


@pytest.mark.parametrize(
    ("overrides", "direction"),
    [
        ({"bargaining.lawyer_fee_share_per_session": 0.04}, +1),  # dearer lawyers: more
        ({"judges.count": 21}, +1),  # fewer judges, longer lead times: more
        ({"litigants.optimism_mean": 0.15}, -1),  # more optimism: fewer
        ({"litigants.optimism_sd": 0.25}, -1),  # wider spread of optimism: fewer
        ({"bargaining.signal_sd": 0.8}, +1),  # more information per session: more
        ({"costs.fee_refund_share_on_settlement": 0.0}, -1),  # no fee refund: fewer
    ],
    ids=["lawyer_fees", "lead_time", "optimism", "optimism_spread", "information", "no_refund"],
)
def test_settlements_respond_to_costs_beliefs_and_information(base, overrides, direction):
    for measure in (settled_share, settled_early):
        d, low, high = _bounds(base, overrides, measure)
        if direction > 0:
            assert low > 0, (measure.__name__, d)
        else:
            assert high < 0, (measure.__name__, d)


def test_judgments_select_the_close_cases(base):
    # Priest & Klein: among contested claims decided by judgment the plaintiffs' win rate
    # lies closer to 50% than the mean true merit of all contested claims filed.
    _, runs = base
    gap = []
    for res in runs:
        c = res.cases
        filed = _contested(res)
        judged = c[(c["outcome"] == "judgment") & c["contested"] & ~c["initial"]]
        gap.append(abs(filed["merit"].mean() - 0.5) - abs(judged["plaintiff_won"].mean() - 0.5))
    gap = np.array(gap)
    low = gap.mean() - stats.t.ppf(0.99, REPS - 1) * gap.std(ddof=1) / np.sqrt(REPS)
    assert low > 0, gap
