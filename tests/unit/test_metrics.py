"""KPIs (courtsim.metrics): CEPEJ and CourTools definitions, recomputed independently."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from courtsim import load_scenario, simulate
from courtsim.cases import Outcome, Stage
from courtsim.metrics import kpis
from tests.conftest import SCENARIOS, make_scenario
from tests.property import invariants as inv

NAN = float("nan")


def _cases(rows: list[tuple]) -> pd.DataFrame:
    """Rows of (t_filed, t_disposed, outcome, stage, t_deadline)."""
    df = pd.DataFrame(rows, columns=["t_filed", "t_disposed", "outcome", "stage", "t_deadline"])
    df["outcome"] = pd.Categorical(df["outcome"], categories=[o.name.lower() for o in Outcome])
    df["stage"] = pd.Categorical(df["stage"], categories=[s.name.lower() for s in Stage])
    df["case_id"] = np.arange(len(df))
    df["t_arose"] = df["t_filed"]
    df["appealed"] = False
    for col in ("state_fee_kzt", "fee_refund_kzt", "lawyer_fees_kzt"):
        df[col] = 0.0
    return df


def _daily(cases: pd.DataFrame, horizon: int) -> pd.DataFrame:
    days = np.arange(horizon + 1)
    f = cases["t_filed"].to_numpy()
    g = cases["t_disposed"].fillna(np.inf).to_numpy()
    daily = pd.DataFrame(
        {
            "n_pending": ((f[None, :] <= days[:, None]) & (days[:, None] < g[None, :])).sum(1),
            "new_filed": (f[None, :] == days[:, None]).sum(1),
            "working_day": True,
            "judge_hours_worked": 1.0,
            "judge_hours_available": 2.0,
        },
        index=pd.Index(days, name="day"),
    )
    return daily


# Horizon 10, warm-up 4: the KPI window is days 5..10.
HAND = _cases(
    [
        (-5.0, 3.0, "judgment", "disposed", 50.0),  # resolved before the window
        (-5.0, 4.0, "judgment", "disposed", 50.0),  # on the window's first edge: outside
        (2.0, 5.0, "judgment", "disposed", 4.0),  # inside (first day); after its deadline
        (3.0, 7.0, "settlement", "disposed", 50.0),
        (5.0, 6.0, "returned", "returned", NAN),  # resolved, but not "disposed"
        (6.0, 10.0, "withdrawal", "disposed", 50.0),  # on the last day: inside
        (7.0, 9.0, "settled_pre_court", "settled_pre_court", NAN),  # never reached court
        (1.0, NAN, "none", "queued", 8.0),  # pending at the end, past its deadline
        (8.0, NAN, "none", "preparation", 60.0),  # pending at the end
    ]
)


def test_hand_built_kpis_match_definitions():
    cases = HAND.copy()
    daily = _daily(cases[cases["outcome"] != "settled_pre_court"], 10)
    k = kpis(cases, daily, warmup_days=4)
    assert k["window_days"] == 6.0
    assert k["incoming"] == 3.0  # filed on days 5, 6, 8
    assert k["resolved"] == 4.0  # days 5, 6, 7, 10
    assert k["disposed"] == 3.0  # the returned claim is resolved but not disposed
    assert k["pending_start"] == 3.0  # on day 4: those filed on days 1, 2, 3
    assert k["pending_end"] == 2.0
    assert k["clearance_rate"] == pytest.approx(100 * 4 / 3)
    assert k["disposition_time_days"] == pytest.approx(6 * 2 / 4)
    assert k["case_turnover_ratio"] == pytest.approx((4 * 365 / 6) / 2)
    # Time to disposition of disposed cases: 5-2, 7-3, 10-6.
    assert k["ttd_mean_days"] == pytest.approx((3 + 4 + 4) / 3)
    assert k["ttd_median_days"] == 4.0
    assert k["share_within_30_days"] == 1.0
    assert k["share_within_statutory_limit"] == pytest.approx(2 / 3)  # one past its deadline
    # Outcomes are shares of disposed cases; returned claims a share of resolved ones.
    assert k["share_judgment"] == pytest.approx(1 / 3)
    assert k["share_settlement"] == pytest.approx(1 / 3)
    assert k["share_withdrawal"] == pytest.approx(1 / 3)
    assert k["share_returned"] == pytest.approx(1 / 4)
    # Pending at the end (day 10): ages 9 and 2; one beyond its statutory deadline.
    assert k["pending_age_mean_days"] == pytest.approx(5.5)
    assert k["pending_age_share_0_30_days"] == 1.0
    assert k["backlog_cases"] == 1.0
    assert k["backlog_share"] == 0.5
    assert k["judge_utilisation"] == pytest.approx(0.5)


def test_empty_window_gives_nan_not_errors():
    cases = _cases([(1.0, NAN, "none", "queued", 50.0)])
    daily = _daily(cases, 5)
    daily["new_filed"] = 0
    k = kpis(cases, daily, warmup_days=2)
    assert k["incoming"] == 0
    assert k["resolved"] == 0
    for name in ("clearance_rate", "disposition_time_days", "ttd_mean_days", "share_judgment"):
        assert math.isnan(k[name]), name
    assert k["pending_end"] == 1


@pytest.fixture(scope="module")
def tiny_run():
    return simulate(make_scenario(horizon_days=120), seed=21)


@pytest.mark.parametrize("warmup", [0, 1, 30, 90, 119])
def test_cepej_identities_recomputed_from_the_case_table(tiny_run, warmup):
    k = kpis(tiny_run.cases, tiny_run.daily, warmup_days=warmup)
    inv.check_cepej(k, tiny_run.cases, tiny_run.daily, warmup)
    assert k["window_days"] == 120 - warmup


def test_flows_add_up_over_adjacent_windows(tiny_run):
    c, d = tiny_run.cases, tiny_run.daily
    whole = kpis(c, d, warmup_days=0)
    late = kpis(c, d, warmup_days=50)
    early_resolved = int(
        (
            (c["t_disposed"] > 0) & (c["t_disposed"] <= 50) & (c["outcome"] != "settled_pre_court")
        ).sum()
    )
    assert whole["resolved"] == late["resolved"] + early_resolved
    assert whole["incoming"] == late["incoming"] + d.loc[1:50, "new_filed"].sum()
    assert late["pending_start"] == d.loc[50, "n_pending"]
    assert whole["pending_start"] == d.loc[0, "n_pending"] == c["initial"].sum()
    # The end-of-run stocks do not depend on the warm-up.
    for key in ("pending_end", "backlog_cases", "pending_age_mean_days"):
        assert whole[key] == late[key]


def test_end_stocks_agree_with_the_daily_series(tiny_run):
    k, d = tiny_run.kpis, tiny_run.daily
    assert k["backlog_cases"] == d["n_backlog"].iloc[-1]
    assert k["pending_age_mean_days"] == pytest.approx(d["mean_age_pending"].iloc[-1], rel=1e-12)
    assert k["pending_end"] == d["n_pending"].iloc[-1]


def _same(a: dict, b: dict) -> bool:
    return a.keys() == b.keys() and all(
        a[k] == b[k] or (math.isnan(a[k]) and math.isnan(b[k])) for k in a
    )


def test_simulate_applies_the_scenario_warmup():
    sc = make_scenario(horizon_days=80, reporting={"warmup_days": 30})
    res = simulate(sc, seed=2)
    assert res.kpis["window_days"] == 50
    again = kpis(
        res.cases,
        res.daily,
        warmup_days=30,
        judge_day_cost_kzt=sc.costs.judge_day_cost_kzt,
        n_judges=sc.judges.count,
    )
    assert _same(res.kpis, again)
    assert not _same(res.kpis, kpis(res.cases, res.daily, warmup_days=0))


def test_disposition_time_over_a_year_is_the_cepej_formula():
    res = simulate(load_scenario(SCENARIOS / "baseline.yaml"), seed=1)
    k = res.kpis
    assert k["window_days"] == 365
    ref = inv.recompute_cepej(res.cases, res.daily, 0)
    assert k["disposition_time_days"] == pytest.approx(365 * ref["pending_end"] / ref["resolved"])
    assert k["clearance_rate"] == pytest.approx(100 * ref["resolved"] / ref["incoming"])
    # A court that keeps up clears about what comes in.
    assert 90 < k["clearance_rate"] < 110


def test_cost_per_case_uses_judge_days_in_the_window(tiny_run):
    c, d = tiny_run.cases, tiny_run.daily
    k = kpis(c, d, warmup_days=20, judge_day_cost_kzt=1000.0, n_judges=3)
    working = int(d.loc[21:120, "working_day"].sum())
    assert k["cost_court_per_case_kzt"] == pytest.approx(3 * working * 1000.0 / k["resolved"])
