"""The staffing search on an M/M/c queue returns the level Erlang C gives, with its confidence.

Judges are the lever of ``scenarios/validation/mmc.yaml``: Poisson filings, exponential
work, one shared FIFO queue, no other delay or exit (the reduction is checked against
Erlang C in ``tests/statistical/test_queueing_oracles.py``). Erlang C gives the mean time
in system W(c) at c judges; it is computed here from its closed form (through scipy's
Poisson distribution), independently of ``courtsim.oracles``.

**Where the target goes, and why.** The search judges the engine's KPI, not W(c), so the
known answer is only known if the target is outside what the engine may report at both
neighbouring levels. The engine's whole-day time to disposition is the continuous time in
system floored to the day (filings come at the start of their day; a case's decision day
is the floor of its desk time): it lies in (T_cont - 1 day, T_cont]. T_cont matches
Erlang C within 10% of theory (design.md §6; the 4 standard errors there are noise, not
bias). So at c judges the engine's mean lies in ``[0.9 W(c) - 1, 1.1 W(c)]``. With
lambda = 0.5 a day and a mean work of 3 days (a = 1.5): W(2) = 6.86 days (rho 0.75) and
W(3) = 3.47 (rho 0.5), so 3 judges report at most 3.82 and 2 judges at least 5.17; any
target in between makes 3 the smallest level that meets it. Measured before writing this
test (60 replicates a level, seed 1000, not these seeds): 2 judges 6.68 days, replicate
SD 2.15 with a heavy right tail (a long busy stretch at rho 0.75: seed 0's 20
replicates include one of 28.7 days), 3 judges 3.07, SD 0.36. The gap is split in proportion to those
SDs, so that both margins are worth the same number of replicate SDs:
3.82 + (5.17 - 3.82) x 0.36 / (2.15 + 0.36) = 4.0 days. (The middle of the gap, 4.5,
left 2 judges unclear after 20 replicates in 2 of 20 seeds: one outlying replicate
widens the bound.) The previous attempt put the target between W(5) and W(6) at rho 0.8
and 0.67 (lambda 0.8, work 5 days): its target was inside 6 judges' band (1.1 W(6) =
6.28 > 5.83), 0.43 day (half a replicate SD) from the engine's 5.41, so 6 judges stayed
unclear in about 40% of searches and the budget ran out; no search gave a wrong level.

**Horizon.** 900 days with a 300-day warm-up: the queue starts empty and relaxes in about
1 / (c mu (1 - sqrt rho)^2) = 84 days at 2 judges, so the warm-up is 3.6 relaxation times
(a shorter one biases 2 judges' mean down, towards the target); the 600-day window keeps
a replicate's SD low enough for the budget.

A search counts as a success only if it returns 3 with the stated confidence: 3's upper
bound below the target and 2's lower bound above it. Any other outcome, a wrong level as
much as a budget that ran out, counts as a failure.
"""

import numpy as np
import pytest
from scipy import stats

import courtsim
from courtsim.experiment.sequential import Budget
from courtsim.experiment.target import find_level
from courtsim.oracles import mmc_time_in_system

pytestmark = [pytest.mark.statistical, pytest.mark.slow]

LAM, MU = 0.5, 1 / 3  # cases a day; cases a day per judge (a mean of 3 days' work)
TARGET = 4.0  # days; between the engine's bands at 2 and 3 judges (see above)
REL_BIAS = 0.10  # of theory: the engine against Erlang C (design.md §6)
FLOOR_BIAS_DAYS = 1.0  # whole-day recording shortens a time by less than a day
# Fresh seeds: the target (4.0) was fixed on seeds 0-19 and seed 1000; these were never
# run before it was, so the 19-of-20 claim is tested out of sample.
SEEDS = range(100, 120)


def erlang_c_time_in_system(lam: float, mu: float, c: int) -> float:
    """Return the M/M/c mean time in system, from Erlang C's closed form.

    P(wait) = p(c) / (p(c) + (1 - rho) P(N < c)) for N ~ Poisson(a), a = lam / mu (the
    common factor e^-a of Erlang's sums cancels); W = 1/mu + P(wait) / (c mu - lam).
    """
    a, rho = lam / mu, lam / (c * mu)
    assert rho < 1
    top = stats.poisson.pmf(c, a)
    p_wait = top / (top + (1 - rho) * stats.poisson.cdf(c - 1, a))
    return 1 / mu + p_wait / (c * mu - lam)


def engine_band(c: int) -> tuple[float, float]:
    """Return the range the engine's mean whole-day time to disposition may lie in at c."""
    w = erlang_c_time_in_system(LAM, MU, c)
    return (1 - REL_BIAS) * w - FLOOR_BIAS_DAYS, (1 + REL_BIAS) * w


def scenario() -> courtsim.Scenario:
    sc = courtsim.load_scenario("scenarios/validation/mmc.yaml")
    return sc.with_overrides(
        {
            "filings.per_year": LAM * 365,
            "case_types.general.effort_hours.mean": 1 / MU,  # hours; a judge works 1 a day
            "horizon_days": 900,
            "reporting.warmup_days": 300,
            "judges.count": 3,
        }
    )


def test_erlang_c_closed_form_agrees_with_the_oracles_module():
    for c in (1, 2, 3, 5):
        lam = 0.5 * c * MU  # rho 0.5
        assert erlang_c_time_in_system(lam, MU, c) == pytest.approx(
            mmc_time_in_system(lam, MU, c), rel=1e-12
        )
    assert erlang_c_time_in_system(0.2, 0.25, 1) == pytest.approx(1 / (0.25 - 0.2))  # M/M/1


def test_search_returns_the_erlang_c_level_in_19_of_20_seeds():
    # The known answer: the smallest c whose whole band is below the target, with the
    # level below wholly above it (so no engine within design.md §6 could answer else).
    bands = {c: engine_band(c) for c in range(2, 6)}
    expected = min(c for c, (_, high) in bands.items() if high < TARGET)
    assert expected == 3
    assert bands[expected - 1][0] > TARGET
    budget = Budget()  # the default: 5 replicates, then 5 more, up to 20 (four looks)
    sc = scenario()
    outcomes, clear_early, runs = [], 0, []
    for seed in SEEDS:
        r = find_level(
            sc, "judges", f"ttd_mean_days<={TARGET}", (2, 3), seed=seed, budget=budget, workers=1
        )
        ok = (
            r.status == "met"
            and r.answer == expected
            and r.levels[3].high < TARGET < r.levels[2].low  # the stated confidence
        )
        outcomes.append("ok" if ok else f"{r.status}:{r.answer}")
        clear_early += r.levels[3].n <= budget.next_n(budget.min_reps)
        runs.append(r.n_runs)
    assert outcomes.count("ok") >= 19, outcomes
    # Stops early when the answer is clear: 3 judges (0.9 day of margin, 2.6 replicate
    # SDs) are decided by the second look of four, and searches use well under their
    # budget of 2 x 20 runs.
    assert clear_early >= 19, clear_early
    assert sum(n < 2 * budget.max_reps for n in runs) >= 19, runs
    assert np.mean(runs) <= 25, runs
