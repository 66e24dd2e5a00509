"""KPIs of the hearing process, the appeal instance, refiling and enforcement.

Pure functions over the case and daily tables, like :mod:`courtsim.metrics` (which calls
them): CourTools measure 5 (trial date certainty), sessions per judge, adjournments and
lead times, the sessions reconciliation saves, and the appeal instance's own CEPEJ
measures. The KPI window is ``(lo, hi]``.
"""

from __future__ import annotations

import pandas as pd

DAYS_PER_MONTH = 365.25 / 12


def _share(num: float, den: float) -> float:
    return float(num) / float(den) if den > 0 else float("nan")


def _total(win: pd.DataFrame, col: str) -> float:
    return float(win[col].sum()) if col in win else 0.0


def _col(cases: pd.DataFrame, name: str, default: object) -> pd.Series:
    """A case column, or ``default`` for every case (tables made before it existed)."""
    return cases[name] if name in cases else pd.Series(default, index=cases.index)


def session_kpis(
    cases: pd.DataFrame,
    daily: pd.DataFrame,
    lo: int,
    hi: int,
    disposed: pd.Series,
    n_judges: int,
) -> dict[str, float]:
    """Sessions, adjournments, lead times, and the sessions saved by reconciliation.

    Args:
        cases: The case table.
        daily: The daily table.
        lo: Last day before the window.
        hi: Last day of the window.
        disposed: Mask of the cases disposed in the window (accepted claims that ended).
        n_judges: First-instance judges.

    Returns:
        KPI name -> value.
    """
    win = daily.loc[(daily.index > lo) & (daily.index <= hi)]
    held = _total(win, "sessions_held")
    adjourned = _total(win, "sessions_adjourned")
    months = (hi - lo) / DAYS_PER_MONTH
    judg = disposed & (cases["outcome"] == "judgment")
    n_booked = _col(cases, "n_booked", 0)[disposed]
    out = {
        "sessions_held": held,
        "sessions_per_judge_month": _share(held, n_judges * months),
        "slot_utilisation": _share(held + adjourned, _total(win, "slots_available")),
        "adjournment_rate": _share(adjourned, held + adjourned),
        "lead_time_mean_days": _share(
            _total(win, "lead_days_booked"), _total(win, "sessions_booked")
        ),
        "sessions_per_disposed_case": float(n_booked.mean()) if len(n_booked) else float("nan"),
        # CourTools measure 5: settings of the main hearing per case decided by judgment.
        "trial_date_certainty": float(_col(cases, "n_main_booked", 0)[judg].mean())
        if judg.any()
        else float("nan"),
        "share_in_absentia": _share((judg & _col(cases, "in_absentia", False)).sum(), judg.sum()),
        "expert_examinations": _total(win, "new_expert_examinations"),
        "sessions_saved": _total(win, "sessions_saved"),
        "sessions_released": _total(win, "sessions_released"),
        "pending_per_judge": _share(float(daily.loc[hi, "n_pending"]), n_judges),
    }
    # Refiled claims and enforcement proceedings.
    returned = _total(win, "new_returned")
    out["refiled"] = _total(win, "new_refiled")
    out["refiled_share_of_returned"] = _share(out["refiled"], returned)
    owed = judg & _col(cases, "plaintiff_won", False)
    enforced = _col(cases, "enforcement", False)
    out["enforcement_cases"] = _total(win, "new_enforcement")
    out["enforcement_share_judgments"] = _share((owed & enforced).sum(), owed.sum())
    settled = disposed & cases["outcome"].astype(str).str.startswith("settle")
    out["enforcement_share_settlements"] = _share((settled & enforced).sum(), settled.sum())
    return out


def appeal_kpis(
    cases: pd.DataFrame, daily: pd.DataFrame, lo: int, hi: int, time_limit_days: float
) -> dict[str, float]:
    """The appeal instance's clearance rate, disposition time and outcomes.

    Args:
        cases: The case table.
        daily: The daily table.
        lo: Last day before the window.
        hi: Last day of the window.
        time_limit_days: The appeal decision's limit, days from the appeal reaching the court.

    Returns:
        KPI name -> value.
    """
    win = daily.loc[(daily.index > lo) & (daily.index <= hi)]
    received = _total(win, "new_appeal_received")
    decided = _total(win, "new_appeal_decided")
    pending_end = float(daily.loc[hi, "n_appeals_pending"]) if "n_appeals_pending" in daily else 0.0
    t_dec = _col(cases, "t_appeal_decided", float("nan"))
    dec = (t_dec > lo) & (t_dec <= hi)
    t = (t_dec[dec] - _col(cases, "t_appeal", float("nan"))[dec]).to_numpy()
    return {
        "appeals_received": received,
        "appeals_decided": decided,
        "appeal_clearance_rate": 100 * _share(decided, received),
        "appeal_disposition_time_days": _share((hi - lo) * pending_end, decided),
        "appeal_time_mean_days": float(t.mean()) if t.size else float("nan"),
        "appeal_share_corrected": _share(_total(win, "new_appeal_corrected"), decided),
        "appeal_share_settled": _share(_total(win, "new_appeal_settled"), decided),
        "appeal_share_within_limit": _share((t <= time_limit_days).sum(), t.size),
    }


def bargaining_kpis(cases: pd.DataFrame, disposed: pd.Series) -> dict[str, float]:
    """Settlement amounts and the selection of cases for judgment (the parties' bargaining).

    Args:
        cases: The case table.
        disposed: Mask of the cases disposed in the window.

    Returns:
        KPI name -> value (NaN where a run has no case to measure it on).
    """
    merit = _col(cases, "merit", float("nan"))
    contested = _col(cases, "contested", True).astype(bool)
    filed = _col(cases, "t_accepted", float("nan")).notna() & ~_col(cases, "initial", False)
    judg = disposed & (cases["outcome"] == "judgment")
    won = _col(cases, "plaintiff_won", False)
    amount = _col(cases, "settle_amount", float("nan"))[disposed]
    return {
        # Nash amount agreed, as a share of the claim: settlements reached by bargaining.
        "settlement_to_claim_ratio": float(amount.mean()) if amount.notna().any() else float("nan"),
        "uncontested_share_filed": _share((filed & ~contested).sum(), filed.sum()),
        "plaintiff_win_rate_judgments": _share((judg & won).sum(), judg.sum()),
        # Priest-Klein: the win rate among contested judgments against the mean true merit
        # of every contested claim accepted (what the win rate would be if all were tried).
        "plaintiff_win_rate_contested_judgments": _share(
            (judg & won & contested).sum(), (judg & contested).sum()
        ),
        # What a win was worth: the award share of contested claims granted by judgment.
        "award_share_contested_judgments_won": float(
            _col(cases, "award", float("nan"))[judg & won & contested].mean()
        )
        if (judg & won & contested).any()
        else float("nan"),
        "plaintiff_merit_contested_filed": float(merit[filed & contested].mean())
        if (filed & contested).any()
        else float("nan"),
    }
