"""Properties of every run of the court core, over generated valid scenarios (hypothesis)."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from courtsim import load_scenario
from courtsim.metrics import kpis as compute_kpis
from tests.conftest import SCENARIOS, make_scenario
from tests.property import invariants as inv
from tests.property.strategies import run_model, scenarios

seeds = st.integers(0, 2**32 - 1)


def check_all(run) -> None:
    m, daily, cases = run.model, run.daily, run.cases
    h = m.horizon
    inv.check_daily_shape(daily, h, m.calendar.is_working)
    inv.check_conservation(daily)
    inv.check_appeals_conservation(daily)
    inv.check_case_times(cases, m.calendar.is_working)
    inv.check_outcomes(cases, h)
    inv.check_stocks_match_cases(daily, cases, h)
    inv.check_discrete_littles_law(daily, cases, h)
    inv.check_transitions(m)
    inv.check_capacity(m)
    inv.check_sessions(m)
    warmup = m.court_scenario.reporting.warmup_days
    k = compute_kpis(cases, daily, warmup_days=warmup)
    inv.check_cepej(k, cases, daily, warmup)


@given(sc=scenarios, seed=seeds)
def test_invariants_hold_every_day(sc, seed):
    check_all(run_model(sc, seed=seed))


@given(
    sc=scenarios,
    seed=seeds,
    change=st.sampled_from(
        [
            {"judges.count": 6},
            {"judges.max_parallel_cases": 7},
            {"judges.discipline": "deadline", "judges.assignment": "pooled"},
            {"judges.hours_per_day": 0.25},
        ]
    ),
)
def test_staffing_does_not_change_the_disputes(sc, seed, change):
    # Common random numbers: the disputes that arise (when, where, what, how much work,
    # what is at stake) come from their own streams, whatever the court does with them.
    cols = ["t_filed", "court", "case_type", "effort_hours", "claim_value_kzt"]
    a = run_model(sc, seed=seed)
    b = run_model(sc.with_overrides(change), seed=seed)
    new_a = a.cases.loc[~a.cases["initial"], cols].reset_index(drop=True)
    new_b = b.cases.loc[~b.cases["initial"], cols].reset_index(drop=True)
    assert len(new_a) == a.daily["cum_filed"].iloc[-1]
    pd.testing.assert_frame_equal(new_a, new_b)


@pytest.mark.parametrize("path", sorted(SCENARIOS.glob("*.yaml")), ids=lambda p: p.stem)
def test_invariants_hold_for_shipped_scenarios(path):
    # The shipped scenarios, pilots included, over a short horizon.
    sc = load_scenario(path).with_overrides({"horizon_days": 120, "reporting.warmup_days": 0})
    check_all(run_model(sc, seed=3))


def test_invariants_hold_for_the_tiny_fixture_with_warmup():
    check_all(run_model(make_scenario(reporting={"warmup_days": 20}), seed=9))
