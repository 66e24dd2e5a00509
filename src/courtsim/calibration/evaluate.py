"""Simulated values of targets: replications of candidate scenarios on courtsim's executors.

Every candidate runs replicates ``0..R-1`` of the same master seed, so all candidates see
the same disputes and the same draws (common random numbers): the loss is then a
deterministic function of the parameters, and the difference between two candidates is
the effect of the parameters, not of the luck of the draw.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, TextIO

import numpy as np
import numpy.typing as npt

from courtsim.calibration.measures import (
    DERIVED,
    PERIOD_MEASURES,
    day_of,
    period_value,
    window_value,
)
from courtsim.calibration.targets import Target
from courtsim.experiment.spec import RunsFailedError
from courtsim.experiment.stats import mean_ci
from courtsim.experiment.worker import RunOutput, RunTask

if TYPE_CHECKING:
    from courtsim.experiment.executor import Executor
    from courtsim.schema.scenario import Scenario


@dataclass(frozen=True)
class TargetStats:
    """A target's simulated mean over replications and its 95% CI.

    Attributes:
        mean: Mean over replications (NaN replications left out).
        ci_low: Lower end of the t-based 95% CI.
        ci_high: Upper end.
        n: Replications with a value.
    """

    mean: float
    ci_low: float
    ci_high: float
    n: int

    @property
    def se(self) -> float:
        """Approximate standard error (CI half-width / 2)."""
        return (self.ci_high - self.ci_low) / 4 if self.n > 1 else float("nan")


def target_stats(values: npt.NDArray[np.float64]) -> list[TargetStats]:
    """Summarise a (replicates x targets) array column by column.

    Args:
        values: Simulated values, one row per replicate.

    Returns:
        One summary per target.
    """
    out = []
    for col in values.T:
        m, lo, hi = mean_ci(col)
        out.append(TargetStats(m, lo, hi, int(np.sum(~np.isnan(col)))))
    return out


class TargetRunner:
    """Runs candidate scenarios and measures targets on each replicate.

    Args:
        targets: Targets to measure.
        scale: The scenario models 1/scale of the country ('scaled' targets).
        seed: Master seed (every candidate uses it).
        executor: A courtsim executor (serial, process pool or Dask), kept open.
        progress: Where to write a line per batch (None = nowhere).
    """

    def __init__(
        self,
        targets: Sequence[Target],
        scale: float,
        seed: int,
        executor: Executor,
        progress: TextIO | None = None,
    ):
        self.targets = list(targets)
        self.scale = scale
        self.seed = int(seed)
        self.executor = executor
        self.progress = progress
        kpis = {t.kpi for t in self.targets if t.period is None and t.kpi not in DERIVED}
        if any(t.period is None and t.kpi in DERIVED for t in self.targets):
            kpis.add("pending_end")
        self.kpis = tuple(sorted(kpis))
        series = {s for t in self.targets if t.period for s in PERIOD_MEASURES[t.kpi].series}
        self.daily = tuple(sorted(series))
        self.runs = 0
        self.seconds = 0.0

    def measure(self, scenario: Scenario, out: RunOutput) -> npt.NDArray[np.float64]:
        """Return each target's value in one run.

        Args:
            scenario: The scenario that ran.
            out: The run's output.

        Returns:
            One value per target (counts of 'scaled' targets times the scale).
        """
        n_judges = scenario.judges.count
        vals = np.empty(len(self.targets))
        for i, t in enumerate(self.targets):
            if t.period is None:
                v = window_value(t.kpi, out.kpis, n_judges)
            else:
                lo = day_of(t.period.first, scenario.start_date) - 1
                hi = day_of(t.period.last, scenario.start_date)
                v = period_value(t.kpi, out.daily, lo, hi, n_judges)
            vals[i] = v * self.scale if t.scaled else v
        return vals

    def run(self, scenarios: Sequence[Scenario], reps: int) -> list[npt.NDArray[np.float64]]:
        """Run replicates ``0..reps-1`` of each scenario and measure the targets.

        Args:
            scenarios: Candidate scenarios.
            reps: Replicates of each.

        Returns:
            For each scenario, a (reps x targets) array.

        Raises:
            RunsFailedError: A run raised an error.
        """
        t0 = time.perf_counter()
        tasks = [
            RunTask(f"{k}\x1f{r}", sc, self.seed, r, self.kpis, self.daily)
            for k, sc in enumerate(scenarios)
            for r in range(reps)
        ]
        results = [np.full((reps, len(self.targets)), np.nan) for _ in scenarios]
        for out in self.executor.run(tasks):
            if not out.ok:
                k, r = out.run_id.split("\x1f")
                raise RunsFailedError(
                    f"a calibration run failed (candidate {k}, replicate {r}): {out.error}",
                    source="calibrate",
                )
            k, r = (int(x) for x in out.run_id.split("\x1f"))
            results[k][r] = self.measure(scenarios[k], out)
        self.runs += len(tasks)
        self.seconds += time.perf_counter() - t0
        return results


def write_line(stream: TextIO | None, text: str) -> None:
    """Write one progress line (and flush).

    Args:
        stream: Where to write (None = nowhere).
        text: The line.
    """
    if stream is None:
        return
    stream.write(text + "\n")
    stream.flush()


def default_stream(enabled: bool) -> TextIO | None:
    """Return stderr when progress is enabled, else None.

    Args:
        enabled: Whether to show progress.

    Returns:
        The stream or None.
    """
    return sys.stderr if enabled else None
