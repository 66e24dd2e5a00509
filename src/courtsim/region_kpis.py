"""KPIs per region (court), from the case table alone.

Every case row carries its ``court``, so a region's KPIs are the national KPIs of
:func:`courtsim.metrics.kpis` computed over that region's cases, with the region's
daily series rebuilt from the case timestamps: a claim is pending at the end of day
``d`` when it was filed on or before ``d`` and not disposed by ``d``; it is incoming on
its filing day. Those rebuilt series equal the recorder's national ones day by day
(tests/unit/test_region_kpis.py checks it), so no per-court series is recorded.

KPIs that need a series the recorder keeps only nationally (judges' hours and
utilisation, providers' utilisation, referrals declined or failed, trust, the court's
cost per case) are not reported per region: :data:`NATIONAL_ONLY` lists them.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd

from courtsim.metrics import CHANNELS
from courtsim.metrics import kpis as national_kpis

#: Outcome label of each channel's settlements (the daily flow ``new_settled_<channel>``).
_CHANNEL_OUTCOME = {ch: f"settled_{ch}" for ch in CHANNELS}

#: KPI name prefixes and names that need national-only daily series.
NATIONAL_ONLY_PREFIXES = (
    "utilisation_",
    "referred_",
    "started_",
    "declined_",
    "failed_",
    "success_rate_",
    "sessions_",
    "appeal_",
    "appeals_",
    "enforcement_",
    "refiled",
)
NATIONAL_ONLY = (
    "judge_utilisation",
    "judge_hours_saved",
    "mean_trust_end",
    "cost_court_per_case_kzt",
    "cost_total_per_case_kzt",
    # the hearing process's flows (sessions, slots, lead times) and the appeal instance
    "slot_utilisation",
    "adjournment_rate",
    "lead_time_mean_days",
    "expert_examinations",
)

#: KPIs that are counts: a region's values add up to the national value.
ADDITIVE = (
    "incoming",
    "resolved",
    "disposed",
    "pending_start",
    "pending_end",
    "backlog_cases",
    "arisen",
    *(f"settled_{ch}" for ch in CHANNELS),
)


def _per_day(t: pd.Series, n_days: int) -> npt.NDArray[np.int64]:
    """Count events per day 0..n_days-1 (NaN = no event; days before 0 count on day 0)."""
    v = t.to_numpy(dtype=np.float64)
    v = v[np.isfinite(v)]
    days = np.clip(np.floor(v).astype(np.int64), 0, None)
    return np.bincount(days[days < n_days], minlength=n_days)


def region_daily(cases: pd.DataFrame, n_days: int) -> pd.DataFrame:
    """Rebuild the daily series a region's KPIs need from its cases.

    Args:
        cases: One region's rows of ``Result.cases``.
        n_days: Rows of the daily table (horizon + 1).

    Returns:
        Indexed by ``day``: ``new_filed``, ``new_arisen``, ``n_pending`` and the
        ``new_settled_<channel>`` flows, each counted as the recorder counts them.
    """
    initial = cases["initial"].to_numpy(dtype=bool)
    filed = cases["t_filed"].where(~initial)
    # A refiled claim is a new filing of a dispute that arose once (its t_arose is kept).
    refiled = cases["refiled_from"].to_numpy() >= 0 if "refiled_from" in cases else False
    arose = cases["t_arose"].where(~initial & ~refiled)
    disposed = cases["t_disposed"]
    reached = cases["t_filed"].notna()  # pre-court settlements never reach the court
    in_court = _per_day(cases["t_filed"].where(reached).clip(lower=0), n_days)
    out_court = _per_day(disposed.where(reached), n_days)
    df = pd.DataFrame(
        {
            "new_filed": _per_day(filed, n_days),
            "new_arisen": _per_day(arose, n_days),
            "n_pending": np.cumsum(in_court) - np.cumsum(out_court),
        },
        index=pd.RangeIndex(n_days, name="day"),
    )
    outcome = cases["outcome"]
    for ch, label in _CHANNEL_OUTCOME.items():
        df[f"new_settled_{ch}"] = _per_day(disposed.where(outcome == label), n_days)
    # metrics.kpis reads these national series; per region they are not recorded.
    df["judge_hours_worked"] = 0.0
    df["judge_hours_available"] = 0.0
    df["working_day"] = False
    return df


def region_kpis(
    cases: pd.DataFrame,
    n_days: int,
    judges_per_court: dict[str, int],
    warmup_days: int = 0,
) -> pd.DataFrame:
    """Return the KPIs of every region over the KPI window.

    Args:
        cases: ``Result.cases`` (its ``court`` column names the region).
        n_days: Rows of the daily table (horizon + 1).
        judges_per_court: Civil judges of each region (``Scenario.judges_per_court()``),
            in the scenario's order.
        warmup_days: Days left out at the start of the window.

    Returns:
        One row per region (index ``region``, the scenario's order), one column per KPI:
        ``judges``, ``pending_per_judge`` (pending at the end / judges),
        ``incoming_per_judge_per_year`` and every KPI of :func:`courtsim.metrics.kpis`
        that the case table determines. Shares are fractions, as nationally.
    """
    rows = {}
    court = cases["court"].astype(str)
    for name, n_judges in judges_per_court.items():
        mine = cases.loc[court == name]
        k = national_kpis(mine, region_daily(mine, n_days), warmup_days=warmup_days)
        k = {
            key: v
            for key, v in k.items()
            if key not in NATIONAL_ONLY and not key.startswith(NATIONAL_ONLY_PREFIXES)
        }
        days = k["window_days"]
        per_judge = {
            "judges": float(n_judges),
            "pending_per_judge": k["pending_end"] / n_judges,
            "incoming_per_judge_per_year": k["incoming"] * 365 / days / n_judges
            if days > 0
            else float("nan"),
        }
        rows[name] = k | per_judge  # the region's own judges, not the national count
    df = pd.DataFrame.from_dict(rows, orient="index")
    df.index.name = "region"
    return df
