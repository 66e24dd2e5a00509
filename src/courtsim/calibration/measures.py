"""What a target is matched to: KPIs over the whole window, or over a dated period.

A target without a period is matched to ``Result.kpis`` (:func:`courtsim.metrics.kpis`,
over the scenario's KPI window), or to a derived measure of :data:`DERIVED`. A target
with a period is matched to a measure of :data:`PERIOD_MEASURES`, computed from the
daily series over the days of that period. Each of those equals the KPI of the same
name computed over that window (``docs/kpis.md``): the daily flows count exactly the
events the case-table KPIs count (``new_disposed`` counts judgments, settlements and
withdrawals, as *disposed* does; returned claims and pre-court settlements have their
own flows).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from courtsim.region_kpis import ADDITIVE

_SETTLED = (
    "new_settlement",
    "new_settled_conciliation",
    "new_settled_mediation",
    "new_settled_participatory",
)

#: Measures derived from the whole-window KPIs: name -> (needs, formula, description).
DERIVED: dict[str, str] = {
    "pending_per_judge": "pending_end / judges.count: pending cases per civil judge at the "
    "end of the window (domain.md §2.4 counts ~100 'cases and materials' per judge)",
}

Series = dict[str, npt.NDArray[np.float64]]


@dataclass(frozen=True)
class PeriodMeasure:
    """A measure computed from daily series over the days ``lo < day <= hi``.

    Attributes:
        series: Daily series it needs.
        compute: Function of (sums over the window, values on day ``hi``, judges) -> value.
        description: Formula, for the report.
    """

    series: tuple[str, ...]
    compute: Callable[[dict[str, float], dict[str, float], int], float]
    description: str


def _ratio(a: float, b: float) -> float:
    return float(a) / float(b) if b > 0 else float("nan")


def _settled(s: dict[str, float]) -> float:
    return sum(s[k] for k in _SETTLED)


PERIOD_MEASURES: dict[str, PeriodMeasure] = {
    "share_settled": PeriodMeasure(
        ("new_disposed", *_SETTLED),
        lambda s, e, j: _ratio(_settled(s), s["new_disposed"]),
        "(Σ new_settlement + new_settled_conciliation + new_settled_mediation + "
        "new_settled_participatory) / Σ new_disposed",
    ),
    "share_judgment": PeriodMeasure(
        ("new_disposed", "new_judgment"),
        lambda s, e, j: _ratio(s["new_judgment"], s["new_disposed"]),
        "Σ new_judgment / Σ new_disposed",
    ),
    "share_withdrawal": PeriodMeasure(
        ("new_disposed", "new_withdrawal"),
        lambda s, e, j: _ratio(s["new_withdrawal"], s["new_disposed"]),
        "Σ new_withdrawal / Σ new_disposed",
    ),
    "reconciliation_share_incl_pre_court": PeriodMeasure(
        ("new_disposed", "new_settled_pre_court", *_SETTLED),
        lambda s, e, j: _ratio(
            _settled(s) + s["new_settled_pre_court"],
            s["new_disposed"] + s["new_settled_pre_court"],
        ),
        "(settled in court + Σ new_settled_pre_court) / (Σ new_disposed + Σ new_settled_pre_court)",
    ),
    "incoming": PeriodMeasure(("new_filed",), lambda s, e, j: s["new_filed"], "Σ new_filed"),
    "resolved": PeriodMeasure(
        ("new_disposed", "new_returned"),
        lambda s, e, j: s["new_disposed"] + s["new_returned"],
        "Σ new_disposed + Σ new_returned",
    ),
    "disposed": PeriodMeasure(
        ("new_disposed",), lambda s, e, j: s["new_disposed"], "Σ new_disposed"
    ),
    "arisen": PeriodMeasure(("new_arisen",), lambda s, e, j: s["new_arisen"], "Σ new_arisen"),
    "clearance_rate": PeriodMeasure(
        ("new_disposed", "new_returned", "new_filed"),
        lambda s, e, j: 100 * _ratio(s["new_disposed"] + s["new_returned"], s["new_filed"]),
        "100 × (Σ new_disposed + Σ new_returned) / Σ new_filed",
    ),
    "pending_end": PeriodMeasure(
        ("n_pending",), lambda s, e, j: e["n_pending"], "n_pending on the last day"
    ),
    "pending_per_judge": PeriodMeasure(
        ("n_pending",),
        lambda s, e, j: _ratio(e["n_pending"], j),
        "n_pending on the last day / judges.count",
    ),
}

_SHARE_PREFIXES = ("share_", "appeal_rate_", "success_rate_", "utilisation_", "pending_age_share_")
_COUNT_KPIS = set(ADDITIVE)  # counts of cases: the KPIs that add up over regions
_COUNT_PREFIXES = ("referred_", "started_", "declined_", "settled_", "failed_")


def is_share(kpi: str) -> bool:
    """Return whether a KPI is a share (a fraction from 0 to 1).

    Args:
        kpi: KPI name.

    Returns:
        True for ``share_*``, ``*_share``, ``appeal_rate_*``, ``success_rate_*``,
        utilisation and trust KPIs.
    """
    return (
        kpi.startswith(_SHARE_PREFIXES)
        or kpi.endswith("_share")
        or kpi in {"judge_utilisation", "mean_trust_end", "reconciliation_share_incl_pre_court"}
    )


def is_count(kpi: str) -> bool:
    """Return whether a KPI counts cases (and so grows with the size of the modelled country).

    Args:
        kpi: KPI name.

    Returns:
        True for ``incoming``, ``resolved``, ``pending_end`` and the like.
    """
    return kpi in _COUNT_KPIS or kpi.startswith(_COUNT_PREFIXES)


def day_of(date: dt.date, start: dt.date) -> int:
    """Return the simulation day of a date (day 1 is the scenario's ``start_date``).

    Args:
        date: A date.
        start: The scenario's start date.

    Returns:
        The day number.
    """
    return (date - start).days + 1


def period_value(name: str, daily: Series, lo: int, hi: int, n_judges: int) -> float:
    """Return a measure of :data:`PERIOD_MEASURES` over the days ``lo < day <= hi``.

    Args:
        name: Measure name.
        daily: Daily series, each indexed by day from 0.
        lo: Day before the period's first day.
        hi: The period's last day.
        n_judges: Civil judges of the scenario.

    Returns:
        The value (NaN when its denominator is 0).
    """
    m = PERIOD_MEASURES[name]
    sums = {s: float(np.sum(daily[s][lo + 1 : hi + 1])) for s in m.series if s.startswith("new_")}
    end = {s: float(daily[s][hi]) for s in m.series if not s.startswith("new_")}
    return float(m.compute(sums, end, n_judges))


def window_value(name: str, kpis: dict[str, float], n_judges: int) -> float:
    """Return a whole-window KPI or derived measure.

    Args:
        name: KPI or :data:`DERIVED` name.
        kpis: The run's KPIs.
        n_judges: Civil judges of the scenario.

    Returns:
        The value.
    """
    if name == "pending_per_judge":
        return _ratio(kpis["pending_end"], n_judges)
    return float(kpis.get(name, float("nan")))
