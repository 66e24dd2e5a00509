"""Invariants every run must satisfy, and KPIs recomputed independently from the case table."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from courtsim.cases import LEGAL_TRANSITIONS, PENDING_STAGES, Stage
from courtsim.recorder import STAGE_STOCK_NAMES

PENDING_NAMES = [s.name.lower() for s in PENDING_STAGES]
SETTLED = {"settlement", "settled_conciliation", "settled_mediation", "settled_participatory"}


def check_conservation(daily: pd.DataFrame) -> None:
    """Claims and disputes are neither created nor lost, every day."""
    lhs = daily["n_initial"] + daily["cum_filed"]
    rhs = daily["cum_disposed"] + daily["cum_returned"] + daily["n_pending"]
    np.testing.assert_array_equal(lhs.to_numpy(), rhs.to_numpy())
    # Disputes: arisen ones are pending, in a pre-court attempt, settled there, or ended.
    # A refiled claim is a dispute back from a return: it is counted once more.
    lhs = daily["n_initial"] + daily["cum_arisen"] + daily["cum_refiled"]
    rhs = (
        daily["cum_disposed"]
        + daily["cum_returned"]
        + daily["cum_settled_pre_court"]
        + daily["n_pending"]
        + daily["n_pre_court"]
    )
    np.testing.assert_array_equal(lhs.to_numpy(), rhs.to_numpy())


def check_daily_shape(daily: pd.DataFrame, horizon: int, is_working: np.ndarray) -> None:
    assert len(daily) == horizon + 1
    np.testing.assert_array_equal(daily.index.to_numpy(), np.arange(horizon + 1))
    counts = [c for c in daily.columns if c.startswith(("n_", "new_", "cum_"))]
    assert (daily[counts].to_numpy() >= 0).all()
    np.testing.assert_array_equal(daily["working_day"].to_numpy(), is_working[: horizon + 1])
    # Courts do nothing on days off: no flow of cases then.
    off = ~daily["working_day"].to_numpy()
    for col in ("new_filed", "new_disposed", "new_returned", "new_accepted"):
        assert (daily.loc[off, col] == 0).all(), col
    assert (daily.loc[off, "judge_hours_worked"] == 0).all()
    stocks = [STAGE_STOCK_NAMES[s] for s in PENDING_STAGES]
    np.testing.assert_array_equal(daily[stocks].sum(axis=1), daily["n_pending"])


def check_appeals_conservation(daily: pd.DataFrame) -> None:
    """Appeals that reached the appellate court are decided or pending there, every day."""
    lhs = daily["cum_appeal_received"]
    rhs = daily["cum_appeal_decided"] + daily["n_appeals_pending"]
    np.testing.assert_array_equal(lhs.to_numpy(), rhs.to_numpy())


def check_case_times(cases: pd.DataFrame, is_working: np.ndarray) -> None:
    """No event precedes the dispute or the filing; events happen on working days."""
    filed = cases["t_filed"]
    for col in ("t_accepted", "t_work_start", "t_decided", "t_disposed", "t_prep_end", "t_ready"):
        t = cases[col]
        both = t.notna() & filed.notna()
        bad = cases.loc[both & (t < filed), ["case_id", "t_filed", col]]
        assert bad.empty, f"{col} before t_filed:\n{bad.head()}"
    if "t_arose" in cases:
        both = cases["t_arose"].notna() & filed.notna()
        assert (filed[both] >= cases.loc[both, "t_arose"]).all()
    ws, acc = cases["t_work_start"], cases["t_accepted"]
    m = ws.notna()
    assert acc[m].notna().all(), "work started on a case never accepted"
    assert (ws[m] >= acc[m]).all()
    d = cases["t_disposed"]
    m = d.notna() & ws.notna()
    assert (d[m] >= ws[m]).all()
    # New cases are filed, and all cases end, on working days (the phases run only then).
    new = ~cases["initial"]
    f = filed[new & filed.notna()].to_numpy().astype(np.int64)
    assert is_working[f].all()
    e = d[d.notna()].to_numpy().astype(np.int64)
    assert is_working[e].all()


def check_outcomes(cases: pd.DataFrame, horizon: int) -> None:
    stage = cases["stage"].astype(str)
    outcome = cases["outcome"].astype(str)
    pending = stage.isin(PENDING_NAMES)
    assert (outcome[pending] == "none").all()
    assert cases.loc[pending, "t_disposed"].isna().all()
    ended = stage.isin(["disposed", "returned", "settled_pre_court"])
    assert (outcome[ended] != "none").all()
    assert cases.loc[ended, "t_disposed"].between(1, horizon).all()
    assert ((stage == "returned") == (outcome == "returned")).all()
    assert ((stage == "settled_pre_court") == (outcome == "settled_pre_court")).all()
    judged = outcome == "judgment"
    assert cases.loc[judged, "t_work_start"].notna().all()
    assert cases.loc[judged, "t_decided"].notna().all()
    assert (cases.loc[judged, "judge"] >= 0).all()
    # Only judgments are appealed as judgments; withdrawals are never appealed.
    assert not cases.loc[outcome == "withdrawal", "appealed"].any()
    assert not stage.isin(["awaiting_decision"]).any()  # no longer entered
    in_work = stage.isin(["in_work"])
    assert (cases.loc[in_work, "judge"] >= 0).all()


def check_stocks_match_cases(daily: pd.DataFrame, cases: pd.DataFrame, horizon: int) -> None:
    stage = cases["stage"].astype(str)
    assert daily.loc[horizon, "n_pending"] == stage.isin(PENDING_NAMES).sum()
    assert daily.loc[horizon, "n_queued_for_judge"] == (stage == "queued").sum()
    assert daily.loc[horizon, "n_in_work"] == (stage == "in_work").sum()
    assert daily.loc[horizon, "n_in_preparation"] == (stage == "preparation").sum()
    # Daily pending, recounted from each case's filing and disposal days.
    f = cases["t_filed"].to_numpy()
    g = cases["t_disposed"].fillna(np.inf).to_numpy()
    days = np.arange(horizon + 1)[:, None]
    has = ~np.isnan(f)
    recount = ((f[has] <= days) & (days < g[has])).sum(axis=1)
    np.testing.assert_array_equal(daily["n_pending"].to_numpy(), recount)


def check_discrete_littles_law(daily: pd.DataFrame, cases: pd.DataFrame, horizon: int) -> None:
    """Sum over days of pending cases == sum over cases of their days pending (exactly)."""
    f = cases["t_filed"].to_numpy()
    g = cases["t_disposed"].fillna(horizon + 1).to_numpy()
    has = ~np.isnan(f)
    first = np.maximum(f[has], 1)
    last = np.minimum(g[has] - 1, horizon)
    case_days = np.maximum(last - first + 1, 0).sum()
    assert daily.loc[1:horizon, "n_pending"].sum() == case_days


def check_transitions(model) -> None:
    for src, row in enumerate(model.transitions):
        for dst, count in enumerate(row):
            if count:
                assert Stage(dst) in LEGAL_TRANSITIONS[Stage(src)], (Stage(src), Stage(dst))
    # Every case was created exactly once (NEW -> somewhere).
    assert model.transitions[Stage.NEW].sum() == model.cases.n


def check_capacity(model) -> None:
    jp = model.court_scenario.judges
    assert model.max_overwork_hours <= 1e-9
    assert model.max_held_per_judge <= jp.max_parallel_cases
    assert (model.judge_hours_worked <= model.judge_hours_available + 1e-6).all()


def recompute_cepej(cases: pd.DataFrame, daily: pd.DataFrame, warmup: int) -> dict[str, float]:
    """CEPEJ and CourTools figures straight from the case table (not from metrics.py)."""
    hi = int(daily.index.max())
    lo = warmup
    days = hi - lo
    f = cases["t_filed"]
    d = cases["t_disposed"]
    outcome = cases["outcome"].astype(str)
    court_case = outcome != "settled_pre_court"
    incoming = int(((f > lo) & (f <= hi)).sum())
    resolved = int(((d > lo) & (d <= hi) & court_case).sum())

    def pending_at(t: int) -> int:
        return int((f.notna() & (f <= t) & (d.isna() | (d > t))).sum())

    p0, p1 = pending_at(lo), pending_at(hi)
    disp = (d > lo) & (d <= hi) & court_case & (outcome != "returned")
    ttd = (d[disp] - f[disp]).to_numpy()
    nan = float("nan")
    return {
        "incoming": incoming,
        "resolved": resolved,
        "pending_start": p0,
        "pending_end": p1,
        "clearance_rate": 100 * resolved / incoming if incoming else nan,
        "disposition_time_days": days * p1 / resolved if resolved else nan,
        "case_turnover_ratio": (resolved * 365 / days) / p1 if p1 else nan,
        "disposed": int(disp.sum()),
        "ttd_mean_days": float(ttd.mean()) if ttd.size else nan,
        "ttd_median_days": float(np.median(ttd)) if ttd.size else nan,
        "share_within_60_days": float((ttd <= 60).mean()) if ttd.size else nan,
        "share_judgment": float((outcome[disp] == "judgment").mean()) if ttd.size else nan,
        "share_settled": float(outcome[disp].isin(SETTLED).mean()) if ttd.size else nan,
    }


def check_cepej(kpis: dict[str, float], cases: pd.DataFrame, daily: pd.DataFrame, warmup: int):
    ref = recompute_cepej(cases, daily, warmup)
    for k, v in ref.items():
        got = kpis[k]
        if isinstance(v, float) and math.isnan(v):
            assert math.isnan(got), (k, got)
        else:
            assert math.isclose(got, v, rel_tol=1e-12, abs_tol=1e-12), (k, got, v)
    # Stocks and flows: what is pending at the end is what was pending, plus what came
    # in, minus what went out.
    assert ref["pending_end"] == ref["pending_start"] + ref["incoming"] - ref["resolved"]
    assert ref["pending_start"] == daily.loc[warmup, "n_pending"]
    assert ref["pending_end"] == daily["n_pending"].iloc[-1]
    # DT x turnover = 365 (two views of the same ratio).
    dt, tr = kpis["disposition_time_days"], kpis["case_turnover_ratio"]
    if math.isfinite(dt) and math.isfinite(tr) and dt > 0:
        assert math.isclose(dt * tr, 365.0, rel_tol=1e-12)


def check_sessions(model) -> None:
    """Calendars: no judge above its slots, no session before notice, no slot held idle."""
    hp = model.hearing
    cal = hp.calendar
    max_extra = model.court_scenario.judges.overtime_slots_per_day
    assert (cal.booked >= 0).all()
    assert (cal.booked <= cal.slots.astype(np.int64) + max_extra).all()
    c = model.cases
    n = c.n
    stage = c.stage[:n]
    booked = c.session_w[:n] >= 0
    # Sessions up to today were held (or adjourned); every slot booked from tomorrow on
    # belongs to exactly one case waiting for that session ...
    today = hp.today_w()
    assert (c.session_w[:n][booked] > today).all()
    in_calendar = booked & (c.session_w[:n] < cal.n_days)  # the rest lie beyond its end
    assert in_calendar.sum() == cal.booked[:, today + 1 :].sum()
    assert (booked & ~in_calendar).sum() <= cal.overflow
    in_session_stage = np.isin(stage, (Stage.PREPARATION, Stage.AWAITING_HEARING))
    assert in_session_stage[booked].all()
    # ... so suspended, mediated, disposed or decided cases hold none.
    assert not booked[np.isin(stage, (Stage.SUSPENDED, Stage.MEDIATION, Stage.DISPOSED))].any()
    # No first session before the notice period (at least the next working day) after
    # acceptance, for cases accepted during the run.
    notice = max(model.court_scenario.hearings.notice_working_days, 1)
    worked = model.calendar.n_worked
    first = c.t_first_session[:n]
    acc = c.t_accepted[:n]
    m = ~np.isnan(first) & ~c.initial[:n]
    gap = worked[first[m].astype(np.int64)] - worked[acc[m].astype(np.int64)]
    assert (gap >= notice).all(), gap.min(initial=0)
    # Sessions held never exceed sessions booked.
    assert (c.n_held[:n] + c.n_adjourned[:n] <= c.n_booked[:n]).all()
    # Appeals: the appellate calendars too.
    ac = model.appeals.calendar
    assert (ac.booked >= 0).all()
    assert (ac.booked <= ac.slots.astype(np.int64)).all()
