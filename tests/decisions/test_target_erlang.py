"""The staffing search on an M/M/c queue returns the level Erlang C says, with its confidence.

Judges are the lever of ``scenarios/validation/mmc.yaml``: Poisson filings, exponential
work, one shared FIFO queue. The mean time to disposition at c judges is Erlang C's
``W(c)`` (less the engine's documented half-day recording bias, ``courtsim.oracles``), so
the smallest c with ``W(c) <= T`` is known. T is put between W(5) and W(6), nearer the
level whose replicates vary less, so that both sides can be decided with few replicates.
"""

import pytest

import courtsim
from courtsim.experiment.sequential import Budget
from courtsim.experiment.target import find_level
from courtsim.oracles import mmc_time_in_system

pytestmark = [pytest.mark.statistical, pytest.mark.slow]

LAM, MU = 0.8, 0.2  # cases a day; per judge a day (mean work 5 days)
RECORDING_BIAS_DAYS = 0.5  # recorded times are floored to whole days (courtsim.oracles)


def mmc_scenario() -> courtsim.Scenario:
    sc = courtsim.load_scenario("scenarios/validation/mmc.yaml")
    return sc.with_overrides(
        {
            "filings.per_year": LAM * 365,
            "case_types.general.effort_hours.mean": 1 / MU,
            "horizon_days": 700,
            "reporting.warmup_days": 250,  # about three relaxation times at rho 0.8
            "judges.count": 6,
        }
    )


def theory(c: int) -> float:
    return mmc_time_in_system(LAM, MU, c) - RECORDING_BIAS_DAYS


def test_search_returns_the_erlang_c_level_in_19_of_20_seeds():
    w5, w6 = theory(5), theory(6)
    assert w6 < w5
    target = w6 + 0.3 * (w5 - w6)  # 5.83 days: W(5) = 7.27 fails it, W(6) = 5.21 meets it
    expected = min(c for c in range(5, 9) if theory(c) <= target)
    assert expected == 6
    # Three looks (6, 12, 18 replicates), each at one-sided level 0.05/3.
    budget = Budget(min_reps=6, step=6, max_reps=18)
    sc = mmc_scenario()
    answers, early, first_look = [], 0, 0
    for seed in range(20):
        r = find_level(
            sc,
            "judges",
            f"ttd_mean_days<={target:.4f}",
            (5, 7),
            seed=seed,
            budget=budget,
            workers=1,
        )
        answers.append(r.answer)
        ok = r.status == "met" and r.answer == expected
        if ok:
            # The stated confidence: the answer's upper bound is below the target, and the
            # level below's lower bound is above it.
            assert r.levels[6].high < target < r.levels[5].low
        early += all(e.n < budget.max_reps for e in r.levels.values())
        first_look += r.levels[7].n == budget.min_reps
    assert sum(a == expected for a in answers) >= 19, answers
    # Every level is decided before its budget is spent (the levels far from the target
    # at the first look), so the search stops early.
    assert early >= 19
    assert first_look >= 19  # 7 judges (W = 4.7 days) is clear after the first 6 replicates
