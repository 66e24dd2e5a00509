"""Time-varying inputs: the filing schedule and dated policy windows (several entries a type)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from courtsim import ScenarioError, load_scenario, simulate
from courtsim.model import CourtModel
from tests.conftest import SCENARIOS, make_scenario

EVERY_DAY = {"weekend_days": [], "holidays": []}


def _deterministic(**overrides):
    base = {
        "horizon_days": 90,
        "calendar": EVERY_DAY,
        "filings": {"per_year": 365, "process": "deterministic"},
        "initial_pending": {"per_judge": 0},
    }
    return make_scenario(**(base | overrides))


def test_schedule_changes_the_rate_on_its_dates():
    sc = _deterministic(
        filings={
            "per_year": 365,
            "process": "deterministic",
            "schedule": [
                {"from": dt.date(2024, 1, 31), "per_year": 730},
                {"from": dt.date(2024, 3, 1), "per_year": 0},
            ],
        }
    )
    arisen = simulate(sc, seed=1).daily["new_arisen"]
    # Day 1 is 2024-01-01: one a day to day 30, two a day from day 31 (Jan 31), none from
    # day 61 (Mar 1). Deterministic counts carry fractions per case type: +-2 per window.
    assert arisen.loc[1:30].sum() == pytest.approx(30, abs=2)
    assert arisen.loc[31:60].sum() == pytest.approx(60, abs=2)
    assert arisen.loc[62:].sum() == 0


def test_schedule_entry_before_the_start_applies_from_day_one():
    sc = _deterministic(
        filings={
            "per_year": 365,
            "process": "deterministic",
            "schedule": [{"from": dt.date(2020, 1, 1), "per_year": 1095}],
        }
    )
    assert simulate(sc, seed=1).daily["new_arisen"].loc[1:].sum() == pytest.approx(270, abs=2)


def test_schedule_shares_change_the_case_mix():
    sc = make_scenario(
        horizon_days=120,
        filings={
            "per_year": 3000,
            "schedule": [{"from": dt.date(2024, 3, 1), "per_year": 3000, "shares": {"alimony": 1}}],
        },
    )
    cases = simulate(sc, seed=2).cases
    late = cases[cases["t_arose"] >= 61]  # 2024-03-01 is day 61
    early = cases[(cases["t_arose"] >= 1) & (cases["t_arose"] < 61)]
    assert (late["case_type"] == "alimony").all()
    assert (early["case_type"] == "general").mean() > 0.5


def test_without_schedule_or_end_day_the_dump_and_hash_are_unchanged():
    sc = load_scenario(SCENARIOS / "combined.yaml")
    data = sc.as_dict()
    assert "schedule" not in data["filings"]
    assert all("end_day" not in p for p in data["policies"])
    # An explicit empty schedule and unset end days describe the same scenario.
    same = sc.with_overrides({"filings.per_year": sc.filings.per_year})
    assert same.content_hash() == sc.content_hash()


@pytest.mark.parametrize(
    ("schedule", "message"),
    [
        (
            [
                {"from": dt.date(2024, 3, 1), "per_year": 1},
                {"from": dt.date(2024, 2, 1), "per_year": 2},
            ],
            "increasing 'from' date",
        ),
        ([{"from": dt.date(2024, 3, 1), "per_year": 1, "shares": {"general": 0.5}}], "sum to 1"),
        ([{"from": dt.date(2024, 3, 1), "per_year": 1, "shares": {"nosuch": 1.0}}], "nosuch"),
        ([{"from": dt.date(2024, 3, 1), "per_year": -1}], "per_year"),
        ([{"from": dt.date(2024, 3, 1), "per_year": 1, "to": 3}], "unknown key"),
    ],
)
def test_bad_schedules_are_refused(schedule, message):
    with pytest.raises(ScenarioError, match=message):
        make_scenario(filings={"per_year": 100, "schedule": schedule})


# ---------------------------------------------------------------- policy windows
def _combined(days=240):
    return load_scenario(SCENARIOS / "combined.yaml").with_overrides({"horizon_days": days})


def _with_policies(sc, policies):
    return sc.with_overrides({"policies": policies})


def _in_court(**kw):
    return {"type": "in_court", "p_offer": 1.0} | kw


def test_overlapping_windows_of_one_channel_are_refused():
    sc = _combined()
    with pytest.raises(ScenarioError, match="overlap"):
        _with_policies(sc, [_in_court(end_day=100), _in_court(start_day=99)])
    with pytest.raises(ScenarioError, match="overlap"):
        _with_policies(sc, [_in_court(), _in_court(start_day=50)])
    with pytest.raises(ScenarioError, match="end_day"):
        _with_policies(sc, [_in_court(start_day=50, end_day=50)])
    ok = _with_policies(sc, [_in_court(start_day=100), _in_court(end_day=100)])
    assert [p.start_day for p in ok.policies] == [100, 0]


def test_end_day_after_the_horizon_changes_nothing():
    sc = _combined(days=150)
    pols = [p.model_dump(by_alias=True) for p in sc.policies]
    late = _with_policies(sc, [p | {"end_day": 10_000} for p in pols])
    a, b = simulate(sc, seed=3), simulate(late, seed=3)
    pd.testing.assert_frame_equal(a.daily, b.daily)
    pd.testing.assert_frame_equal(a.cases, b.cases)


def test_closed_channel_takes_no_new_cases_but_finishes_its_attempts():
    sc = _with_policies(_combined(), [_in_court(end_day=100)])
    m = CourtModel.from_scenario(sc, seed=4)
    m.run()
    cases = simulate(sc, seed=4).cases
    referred = cases["t_referred_conciliation"].dropna()
    assert len(referred) > 50
    assert referred.max() < 100
    # Every conciliation referred before day 100 ended (none is left in the stage).
    assert not (cases["stage"] == "conciliation").any()
    assert (m.talks.push == 0.0).all()  # the judges' push stopped with the window


@pytest.mark.parametrize("order", ["earlier_first", "later_first"])
@pytest.mark.parametrize("gap", [0, 30])
def test_the_judges_push_passes_to_the_next_in_court_entry(order, gap):
    # Trial judges explain the likely outcome while any in_court entry is open: the push
    # goes on across back-to-back windows, whichever entry runs first, and stops in a gap.
    first = _in_court(end_day=120)
    second = _in_court(start_day=120 + gap)
    pols = [first, second] if order == "earlier_first" else [second, first]
    sc = _with_policies(_combined(days=200), pols)
    m = CourtModel.from_scenario(sc, seed=5)
    push = {}
    while m.day < m.horizon:
        m.step()
        push[m.day] = set(m.talks.push)
    assert push[60] == {1.0}
    assert push[130] == ({1.0} if gap == 0 else {0.0})
    assert push[200] == {1.0}
