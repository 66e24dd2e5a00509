"""The historical back-cast: yearly reconciliation shares of a long run, and their figure.

``scenarios/kz_history.yaml`` runs 2013-2025 with the reforms as dated policy windows.
This module measures a KPI of :data:`~courtsim.calibration.measures.PERIOD_MEASURES`
year by year over replications (common random numbers, courtsim's executors) and draws
the simulated shares against the reported ones.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from courtsim.calibration.evaluate import TargetRunner, target_stats
from courtsim.calibration.targets import Period, Target

if TYPE_CHECKING:
    from courtsim.experiment.executor import Executor
    from courtsim.schema.scenario import Scenario


@dataclass(frozen=True)
class YearRow:
    """A KPI in one calendar year over replications.

    Attributes:
        year: The year.
        mean: Mean over replications.
        ci_low: Lower end of the 95% CI.
        ci_high: Upper end.
        values: One value per replication.
    """

    year: int
    mean: float
    ci_low: float
    ci_high: float
    values: tuple[float, ...]


def years_of(scenario: Scenario) -> list[int]:
    """Return the calendar years wholly inside a scenario's KPI window.

    Args:
        scenario: The scenario.

    Returns:
        The years.
    """
    first = scenario.start_date + dt.timedelta(days=scenario.reporting.warmup_days)
    last = scenario.start_date + dt.timedelta(days=scenario.horizon_days - 1)
    y0 = first.year if (first.month, first.day) == (1, 1) else first.year + 1
    y1 = last.year if (last.month, last.day) == (12, 31) else last.year - 1
    return list(range(y0, y1 + 1))


def yearly_targets(kpi: str, years: list[int]) -> list[Target]:
    """Return one pseudo-target per year measuring ``kpi`` (observed 0, for the runner).

    Args:
        kpi: A period measure.
        years: Years.

    Returns:
        Targets named ``<kpi>_<year>``.
    """
    return [
        Target(
            id=f"{kpi}_{y}",
            kpi=kpi,
            observed=0.0,
            tolerance=0.5 if kpi.startswith("share") else 1e9,
            period=Period(year=y),
            source="back-cast series",
        )
        for y in years
    ]


def yearly_series(
    scenario: Scenario,
    kpi: str,
    reps: int,
    seed: int,
    executor: Executor,
    extra: list[Target] | None = None,
    scale: float = 1.0,
) -> tuple[list[YearRow], npt.NDArray[np.float64]]:
    """Run replications and measure ``kpi`` in every whole year, plus extra targets.

    Args:
        scenario: The scenario.
        kpi: Period measure (e.g. ``share_settled``).
        reps: Replications.
        seed: Master seed.
        executor: A courtsim executor.
        extra: Further targets measured in the same runs.
        scale: The scenario's scale ('scaled' targets).

    Returns:
        The yearly rows, and a (reps x extra targets) array for ``extra``.
    """
    years = years_of(scenario)
    pseudo = yearly_targets(kpi, years)
    extra = extra or []
    runner = TargetRunner([*pseudo, *extra], scale, seed, executor)
    vals = runner.run([scenario], reps)[0]
    stats = target_stats(vals[:, : len(pseudo)])
    rows = [
        YearRow(y, s.mean, s.ci_low, s.ci_high, tuple(float(v) for v in vals[:, i]))
        for i, (y, s) in enumerate(zip(years, stats, strict=True))
    ]
    return rows, vals[:, len(pseudo) :]


def policy_dates(scenario: Scenario) -> list[tuple[dt.date, str]]:
    """Return the dates on which a policy window opens, with the channels opening then.

    Args:
        scenario: The scenario.

    Returns:
        (date, "in_court, out_of_court") pairs, in date order.
    """
    by_day: dict[int, list[str]] = {}
    for p in scenario.policies:
        if p.start_day > 0:
            by_day.setdefault(p.start_day, []).append(p.type)
    return [
        (scenario.start_date + dt.timedelta(days=d - 1), ", ".join(sorted(set(t))))
        for d, t in sorted(by_day.items())
    ]
