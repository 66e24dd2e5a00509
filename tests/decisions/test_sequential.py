"""The decision rule of one level: one-sided bounds, looks, verdicts; target parsing."""

import numpy as np
import pytest
from scipy import stats

from courtsim.experiment.sequential import (
    FAILS,
    MEETS,
    UNCLEAR,
    Budget,
    DecisionError,
    Target,
    judge,
)


def test_target_parses_both_directions_and_percent():
    assert Target.parse("ttd_mean_days<=60") == Target("ttd_mean_days", "<=", 60.0)
    t = Target.parse(" share_within_statutory_limit >= 95% ")
    assert (t.kpi, t.op, t.value) == ("share_within_statutory_limit", ">=", 0.95)
    assert not t.lower_is_better


@pytest.mark.parametrize(
    "text", ["ttd_mean_days<60", "ttd_mean_days<=", "<=60", "x<=abc", "x<=inf"]
)
def test_malformed_targets_are_refused(text):
    with pytest.raises(DecisionError, match=r"target|number|finite"):
        Target.parse(text)


def test_bounds_spend_the_confidence_over_the_planned_looks():
    b = Budget(min_reps=5, step=5, max_reps=20)
    assert b.looks == 4
    assert b.alpha_per_look == pytest.approx(0.05 / 4)
    x = np.array([10.0, 11.0, 12.0, 9.0, 13.0])
    ev = judge(3, x, Target("k", "<=", 100.0), b)
    q = stats.t.ppf(1 - 0.0125, 4)
    assert ev.high == pytest.approx(x.mean() + q * x.std(ddof=1) / np.sqrt(5))
    assert ev.low == pytest.approx(x.mean() - q * x.std(ddof=1) / np.sqrt(5))


def test_verdicts_follow_the_bound_on_each_side():
    b = Budget(min_reps=5, step=5, max_reps=10)
    x = np.array([10.0, 11.0, 12.0, 9.0, 13.0])  # bounds about 7.5 to 14.5
    assert judge(0, x, Target("k", "<=", 20.0), b).verdict == MEETS
    assert judge(0, x, Target("k", "<=", 5.0), b).verdict == FAILS
    assert judge(0, x, Target("k", "<=", 12.0), b).verdict == UNCLEAR
    assert judge(0, x, Target("k", ">=", 5.0), b).verdict == MEETS
    assert judge(0, x, Target("k", ">=", 20.0), b).verdict == FAILS
    # Too few replicates for a first look: unclear, not exhausted.
    early = judge(0, x[:4], Target("k", "<=", 20.0), b)
    assert (early.verdict, early.exhausted) == (UNCLEAR, False)
    # An unclear verdict at max_reps means the budget is spent.
    spent = judge(0, np.r_[x, x], Target("k", "<=", 11.0), b)
    assert (spent.verdict, spent.exhausted) == (UNCLEAR, True)


@pytest.mark.slow
@pytest.mark.statistical
def test_sequential_rule_keeps_its_error_rate_under_the_null():
    # A mean exactly at the target must be called "meets" in at most 5% of trials, over
    # all looks together (here with normal noise, where the t bounds are exact).
    rng = np.random.default_rng(12)
    b = Budget(min_reps=5, step=5, max_reps=20)
    t = Target("k", "<=", 0.0)
    trials, wrong = 4000, 0
    for _ in range(trials):
        x = rng.normal(0.0, 1.0, b.max_reps)
        n = b.next_n(0)
        while True:
            ev = judge(0, x[:n], t, b)
            if ev.verdict != UNCLEAR or ev.exhausted:
                break
            n = b.next_n(n)
        wrong += ev.verdict == MEETS
    rate = wrong / trials
    assert rate <= 0.05 + 3 * np.sqrt(0.05 * 0.95 / trials), rate


@pytest.mark.parametrize(
    ("kw", "field"),
    [
        ({"min_reps": 1}, "--min-reps"),
        ({"max_reps": 3}, "--max-reps"),
        ({"confidence": 1.0}, "--confidence"),
    ],
)
def test_bad_budgets_are_refused(kw, field):
    with pytest.raises(DecisionError) as exc:
        Budget(**kw)
    assert exc.value.source == field
