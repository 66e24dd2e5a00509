"""KPIs by the field's own definitions (CEPEJ, CourTools), from the case and daily tables.

Pure functions: tables in, numbers out. The KPI window is ``(warmup_days, horizon]``:
flows count events on days inside it; stocks are read at its ends.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from courtsim.cases import PENDING_STAGES
from courtsim.metrics_sessions import appeal_kpis, bargaining_kpis, session_kpis

#: Age bands of the pending caseload, in days since filing (CourTools measure 4).
AGE_BANDS = ((0, 30), (31, 60), (61, 90), (91, 180), (181, None))
SETTLED = ("settlement", "settled_conciliation", "settled_mediation", "settled_participatory")


def _share(num: float, den: float) -> float:
    return float(num) / float(den) if den > 0 else float("nan")


def kpis(
    cases: pd.DataFrame,
    daily: pd.DataFrame,
    warmup_days: int = 0,
    judge_day_cost_kzt: float = 0.0,
    n_judges: int = 0,
    n_conciliation_judges: int = 0,
    appeal_time_limit_days: float = 60.0,
) -> dict[str, float]:
    """Compute the KPIs of one run over the window after the warm-up.

    Args:
        cases: One row per case (``Result.cases``).
        daily: One row per day (``Result.daily``), indexed by day from 0.
        warmup_days: Days left out at the start of the window.
        judge_day_cost_kzt: Budget cost of one judge-day (for cost per case).
        n_judges: Number of judges (for cost per case).
        n_conciliation_judges: Number of conciliation judges (for cost per case).
        appeal_time_limit_days: The appeal decision's limit, days (appeals.time_limit_days).

    Returns:
        KPI name -> value. Shares are fractions (0-1) except ``clearance_rate``, in %.
        Undefined values (no case in the window) are NaN.
    """
    horizon = int(daily.index.max())
    lo, hi = warmup_days, horizon  # window: lo < day <= hi
    days = hi - lo
    filed = cases["t_filed"]
    disposed_t = cases["t_disposed"]
    outcome = cases["outcome"]
    in_win = (disposed_t > lo) & (disposed_t <= hi)
    is_returned = outcome == "returned"
    is_settled_pre = outcome == "settled_pre_court"
    court_resolved = in_win & ~is_settled_pre  # the court's outgoing cases
    disposed = court_resolved & ~is_returned  # accepted cases that ended
    incoming = int(
        daily.loc[(daily.index > lo) & (daily.index <= hi), "new_filed"].sum()
    )  # claims reaching the court (pre-court settlements never do)
    resolved = int(court_resolved.sum())
    pending_start = int(daily.loc[lo, "n_pending"])
    pending_end = int(daily.loc[hi, "n_pending"])
    out: dict[str, float] = {
        "window_days": float(days),
        "incoming": float(incoming),
        "resolved": float(resolved),
        "pending_start": float(pending_start),
        "pending_end": float(pending_end),
        # CEPEJ: CR = resolved / incoming x 100; DT = 365 x pending_end / resolved per year.
        "clearance_rate": 100 * _share(resolved, incoming),
        "disposition_time_days": _share(days * pending_end, resolved),
        "case_turnover_ratio": _share(resolved * 365 / days, pending_end),
    }

    # CourTools measure 3: time to disposition, filing to disposition, disposed cases.
    ttd = (disposed_t[disposed] - filed[disposed]).to_numpy()
    deadline = cases["t_deadline"][disposed]
    # Settled at acceptance (conciliation): the art. 183 clock never started.
    within = ((disposed_t[disposed] <= deadline) | deadline.isna()).to_numpy()
    out.update(
        {
            "disposed": float(disposed.sum()),
            "ttd_mean_days": float(ttd.mean()) if ttd.size else float("nan"),
            "ttd_median_days": float(np.median(ttd)) if ttd.size else float("nan"),
            "ttd_p90_days": float(np.percentile(ttd, 90)) if ttd.size else float("nan"),
            "share_within_30_days": _share((ttd <= 30).sum(), ttd.size),
            "share_within_60_days": _share((ttd <= 60).sum(), ttd.size),
            "share_within_90_days": _share((ttd <= 90).sum(), ttd.size),
            "share_within_statutory_limit": _share(within.sum(), within.size),
        }
    )

    # CourTools measure 4: age of the active pending caseload at the end of the window.
    pending = cases["stage"].isin([s.name.lower() for s in PENDING_STAGES])
    age = (hi - filed[pending]).to_numpy()
    out["pending_age_mean_days"] = float(age.mean()) if age.size else float("nan")
    out["pending_age_median_days"] = float(np.median(age)) if age.size else float("nan")
    for a, b in AGE_BANDS:
        m = (age >= a) & (age <= b) if b is not None else age >= a
        label = f"{a}_{b}" if b is not None else f"over_{a - 1}"
        out[f"pending_age_share_{label}_days"] = _share(m.sum(), age.size)
    # Backlog (NCSC): pending beyond the time standard, here CPC art. 183's limit.
    backlog = int((cases["t_deadline"][pending] < hi).sum())
    out["backlog_cases"] = float(backlog)
    out["backlog_share"] = _share(backlog, int(pending.sum()))

    # Outcomes.
    n_disp = int(disposed.sum())
    settled = disposed & outcome.isin(SETTLED)
    out["share_judgment"] = _share((disposed & (outcome == "judgment")).sum(), n_disp)
    out["share_settled"] = _share(settled.sum(), n_disp)
    for o in SETTLED:
        out[f"share_{o}"] = _share((disposed & (outcome == o)).sum(), n_disp)
    out["share_withdrawal"] = _share((disposed & (outcome == "withdrawal")).sum(), n_disp)
    out["share_returned"] = _share((court_resolved & is_returned).sum(), resolved)
    judg = disposed & (outcome == "judgment")
    out["appeal_rate_judgments"] = _share((judg & cases["appealed"]).sum(), judg.sum())
    out["appeal_rate_settlements"] = _share((settled & cases["appealed"]).sum(), settled.sum())

    out.update(_reconciliation(cases, daily, lo, hi, disposed))
    out.update(session_kpis(cases, daily, lo, hi, disposed, n_judges))
    out.update(appeal_kpis(cases, daily, lo, hi, appeal_time_limit_days))
    out.update(bargaining_kpis(cases, disposed))

    # Judges' time and cost per case (CourTools measure 10).
    win_days = daily.loc[(daily.index > lo) & (daily.index <= hi)]
    out["judge_utilisation"] = _share(
        win_days["judge_hours_worked"].sum(), win_days["judge_hours_available"].sum()
    )
    out["judge_hours_saved"] = float(win_days.get("judge_hours_saved", pd.Series(0.0)).sum())
    for col in [c for c in daily.columns if c.startswith("held_")]:
        name = col.removeprefix("held_")
        out[f"utilisation_{name}"] = _share(win_days[col].sum(), win_days[f"capacity_{name}"].sum())
    if "mean_trust" in daily:
        out["mean_trust_end"] = float(daily.loc[hi, "mean_trust"])
    judge_days = (n_judges + n_conciliation_judges) * int(win_days["working_day"].sum())
    # Only the money columns of the disposed cases: `cases.loc[disposed]` copied every
    # column of most rows (~240 MB nationally), the run's peak memory.
    money = ["state_fee_kzt", "fee_refund_kzt", "lawyer_fees_kzt"]
    money += [c for c in ("mediator_fee_kzt", "mediator_fee_state_kzt") if c in cases]
    d = cases.loc[disposed, money]
    state_paid = d["mediator_fee_state_kzt"].sum() if "mediator_fee_state_kzt" in d else 0.0
    out["cost_court_per_case_kzt"] = _share(judge_days * judge_day_cost_kzt + state_paid, resolved)
    per_case = {
        "fees_paid": d["state_fee_kzt"],
        "fees_refunded": d["fee_refund_kzt"],
        "lawyer_fees": d["lawyer_fees_kzt"],
        "mediator_fees": d.get("mediator_fee_kzt", pd.Series(0.0, index=d.index)),
    }
    for k, v in per_case.items():
        out[f"{k}_per_case_kzt"] = float(v.mean()) if n_disp else float("nan")
    party = (
        per_case["fees_paid"]
        - per_case["fees_refunded"]
        + per_case["lawyer_fees"]
        + per_case["mediator_fees"]
    )
    out["cost_parties_per_case_kzt"] = float(party.mean()) if n_disp else float("nan")
    out["cost_total_per_case_kzt"] = (
        out["cost_court_per_case_kzt"] + out["cost_parties_per_case_kzt"]
    )
    return out


CHANNELS = ("pre_court", "conciliation", "mediation", "participatory")


def _reconciliation(
    cases: pd.DataFrame, daily: pd.DataFrame, lo: int, hi: int, disposed: pd.Series
) -> dict[str, float]:
    """Referrals, starts, declines, settlements and failures by channel; waits; shares."""
    out: dict[str, float] = {}
    win = daily.loc[(daily.index > lo) & (daily.index <= hi)]

    def total(col: str) -> float:
        return float(win[col].sum()) if col in win else 0.0

    outcome = cases["outcome"]
    for ch in CHANNELS:
        settled = total(f"new_settled_{ch}")
        failed = total(f"new_failed_{ch}")
        for event in ("referred", "started", "declined", "failed"):
            out[f"{event}_{ch}"] = total(f"new_{event}_{ch}")
        out[f"settled_{ch}"] = settled
        out[f"success_rate_{ch}"] = _share(settled, settled + failed)
        t_ref, t_start = f"t_referred_{ch}", f"t_started_{ch}"
        if t_start in cases:
            started = (cases[t_start] > lo) & (cases[t_start] <= hi)
            wait = (cases.loc[started, t_start] - cases.loc[started, t_ref]).to_numpy()
            out[f"wait_mean_days_{ch}"] = float(wait.mean()) if wait.size else float("nan")
        mine = (outcome == f"settled_{ch}") & cases["t_disposed"].between(lo, hi, "right")
        start = cases["t_arose"] if ch == "pre_court" else cases["t_filed"]
        tts = (cases.loc[mine, "t_disposed"] - start[mine]).to_numpy()
        out[f"time_to_settlement_mean_days_{ch}"] = float(tts.mean()) if tts.size else float("nan")
    arisen = total("new_arisen")
    pre = out["settled_pre_court"]
    out["arisen"] = arisen
    out["diverted_pre_court_share"] = _share(pre, arisen)
    n_disp = float(disposed.sum())
    n_settled = float((disposed & outcome.isin(SETTLED)).sum())
    out["reconciliation_share_incl_pre_court"] = _share(n_settled + pre, n_disp + pre)
    return out
