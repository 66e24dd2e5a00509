"""KPIs by the field's own definitions (CEPEJ, CourTools), from the case and daily tables.

Pure functions: tables in, numbers out. The KPI window is ``(warmup_days, horizon]``:
flows count events on days inside it; stocks are read at its ends.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from courtsim.cases import PENDING_STAGES

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
) -> dict[str, float]:
    """Compute the KPIs of one run over the window after the warm-up.

    Args:
        cases: One row per case (``Result.cases``).
        daily: One row per day (``Result.daily``), indexed by day from 0.
        warmup_days: Days left out at the start of the window.
        judge_day_cost_kzt: Budget cost of one judge-day (for cost per case).
        n_judges: Number of judges (for cost per case).

    Returns:
        KPI name -> value. Shares are fractions (0-1) except ``clearance_rate``, in %.
        Undefined values (no case in the window) are NaN.
    """
    horizon = int(daily.index.max())
    lo, hi = warmup_days, horizon  # window: lo < day <= hi
    days = hi - lo
    filed = cases["t_filed"]
    disposed_t = cases["t_disposed"]
    outcome = cases["outcome"].astype(str)
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
    pending = cases["stage"].astype(str).isin([s.name.lower() for s in PENDING_STAGES])
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
    pre = int((in_win & is_settled_pre).sum())
    out["settled_pre_court"] = float(pre)
    judg = disposed & (outcome == "judgment")
    out["appeal_rate_judgments"] = _share((judg & cases["appealed"]).sum(), judg.sum())
    out["appeal_rate_settlements"] = _share((settled & cases["appealed"]).sum(), settled.sum())

    # Judges' time and cost per case (CourTools measure 10).
    win_days = daily.loc[(daily.index > lo) & (daily.index <= hi)]
    out["judge_utilisation"] = _share(
        win_days["judge_hours_worked"].sum(), win_days["judge_hours_available"].sum()
    )
    judge_days = n_judges * int(win_days["working_day"].sum())
    out["cost_court_per_case_kzt"] = _share(judge_days * judge_day_cost_kzt, resolved)
    party = cases.loc[disposed, "state_fee_kzt"] - cases.loc[disposed, "fee_refund_kzt"]
    party = party + cases.loc[disposed, "lawyer_fees_kzt"]
    if "mediator_fee_kzt" in cases:
        party = party + cases.loc[disposed, "mediator_fee_kzt"]
    out["cost_parties_per_case_kzt"] = float(party.mean()) if n_disp else float("nan")
    out["cost_total_per_case_kzt"] = (
        out["cost_court_per_case_kzt"] + out["cost_parties_per_case_kzt"]
    )
    return out
