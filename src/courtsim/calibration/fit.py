"""Fitting parameters to targets: a screen of the bounds, then Nelder-Mead on a CRN loss.

**Loss.** For parameter values x, every candidate runs the same R replicates (common
random numbers) and each fitted target i gets its simulated mean m_i(x). The loss is the
sum of squared standardised errors

    L(x) = sum_i ((m_i(x) - observed_i) / tolerance_i) ** 2,

so a target matched to within its tolerance contributes at most 1, and tolerances put
targets in different units on one scale. A mean that is undefined (no case in its
denominator) costs :data:`NAN_PENALTY`.

**Search.** With CRN the loss is a deterministic function of x, piecewise constant on a
very fine scale (a small change flips a few cases' decisions) and smooth on the scale of
the bounds, so a derivative-free simplex search fits it: :func:`scipy.optimize.minimize`
with ``method="Nelder-Mead"`` on the unit cube of the bounds (log scale where asked).

1. **Screen**: the start values, and each parameter at its low and its high bound with the
   others at start (2p + 1 candidates, run as one batch). A fitted target whose tolerance
   band lies beyond everything the screen reaches (allowing two standard errors) is
   refused, with a message, before the search: no silent poor fit.
2. **Search** from the best screened candidate, with an initial simplex of 0.2 of each
   bound range, until the simplex is smaller than 0.005 of the ranges or the budget of
   ``max_evals`` candidates (screen included) is spent.
3. **Report**: the best candidate is run again with ``final_reps`` replicates (the first
   R of them are the search's own), and each target (fitted and checks) gets its mean,
   its 95% CI and a status (:mod:`courtsim.calibration.report`). A fitted target whose
   mean lies outside its band refuses the fit.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TextIO

import numpy as np
import numpy.typing as npt
from scipy.optimize import minimize

from courtsim.calibration.evaluate import TargetRunner, TargetStats, target_stats, write_line
from courtsim.calibration.report import OUTSIDE, ROLE_LABELS, FitRow, fit_rows
from courtsim.calibration.spec import CalibrationError, CalibrationSpec, ParameterSpace
from courtsim.experiment.progress import _clock

if TYPE_CHECKING:
    from courtsim.calibration.targets import Target
    from courtsim.experiment.executor import Executor
    from courtsim.scenario import Scenario

#: Loss added for each fitted target whose simulated mean is undefined.
NAN_PENALTY = 1e6
#: Initial simplex step, as a share of each parameter's range.
SIMPLEX_STEP = 0.2
#: Convergence: simplex size, as a share of each range.
XATOL = 0.005


def loss(means: npt.NDArray[np.float64], targets: list[Target]) -> float:
    """Return the sum of squared standardised errors of simulated means.

    Args:
        means: Simulated mean of each target.
        targets: The targets.

    Returns:
        ``sum(((mean - observed) / tolerance) ** 2)``, with :data:`NAN_PENALTY` per
        undefined mean.
    """
    obs = np.array([t.observed for t in targets])
    tol = np.array([t.tolerance for t in targets])
    z = (means - obs) / tol
    bad = ~np.isfinite(z)
    return float(np.sum(z[~bad] ** 2) + NAN_PENALTY * bad.sum())


class _BudgetSpent(Exception):
    """Raised inside the search when ``max_evals`` candidates have been run."""


@dataclass
class Candidate:
    """One evaluated parameter vector.

    Attributes:
        number: Order of evaluation (1 = first).
        stage: "screen" or "search".
        x: Parameter values.
        means: Simulated mean of each fitted target.
        stats: Their summaries.
        loss: The loss.
    """

    number: int
    stage: str
    x: npt.NDArray[np.float64]
    means: npt.NDArray[np.float64]
    stats: list[TargetStats]
    loss: float


@dataclass
class FitResult:
    """The outcome of a calibration.

    Attributes:
        start: Start values.
        best: The best candidate.
        trace: Every candidate, in order.
        rows: Fit report rows (fitted targets, then checks) at the best candidate.
        scenario: The calibrated scenario.
        refused: Ids of fitted targets outside their tolerance.
        runs: Simulation runs made.
        seconds: Wall time.
        message: Why the search stopped.
        elsewhere: Held-out targets of the targets file outside this run's dates (id and
            period), not measured here.
    """

    start: npt.NDArray[np.float64]
    best: Candidate
    trace: list[Candidate]
    rows: list[FitRow]
    scenario: Scenario
    refused: list[str] = field(default_factory=list)
    runs: int = 0
    seconds: float = 0.0
    message: str = ""
    elsewhere: list[str] = field(default_factory=list)


class Calibrator:
    """Fits a parameter space to targets (see the module docstring).

    Args:
        space: Parameters and the scenario they act on.
        fit: Targets to fit.
        checks: Targets only reported.
        spec: Replications, seed and budget.
        executor: A courtsim executor, kept open for every batch.
        source: The set-up file, for messages.
        progress: Where progress lines go (None = nowhere).
    """

    def __init__(
        self,
        space: ParameterSpace,
        fit: list[Target],
        checks: list[Target],
        spec: CalibrationSpec,
        executor: Executor,
        source: str = "calibrate",
        progress: TextIO | None = None,
    ):
        self.space = space
        self.fit = fit
        self.checks = checks
        self.spec = spec
        self.source = source
        self.progress = progress
        self.runner = TargetRunner(fit, spec.scale, spec.seed, executor)
        self.final_runner = TargetRunner([*fit, *checks], spec.scale, spec.seed, executor)
        self.trace: list[Candidate] = []
        self._cache: dict[tuple[float, ...], Candidate] = {}
        self._t0 = time.perf_counter()

    # ------------------------------------------------------------ evaluation
    def evaluate(self, xs: list[npt.NDArray[np.float64]], stage: str) -> list[Candidate]:
        """Evaluate candidates (one batch), reusing earlier results for repeated points.

        Args:
            xs: Parameter vectors.
            stage: "screen" or "search".

        Returns:
            One candidate per vector.
        """
        keys = [tuple(np.round(x, 12)) for x in xs]
        new = [k for k in dict.fromkeys(keys) if k not in self._cache]
        if new:
            scenarios = [self.space.scenario(np.array(k)) for k in new]
            arrays = self.runner.run(scenarios, self.spec.reps)
            for k, vals in zip(new, arrays, strict=True):
                stats = target_stats(vals)
                means = np.array([s.mean for s in stats])
                cand = Candidate(
                    len(self.trace) + 1, stage, np.array(k), means, stats, loss(means, self.fit)
                )
                self.trace.append(cand)
                self._cache[k] = cand
                self._report(cand)
        return [self._cache[k] for k in keys]

    def _report(self, c: Candidate) -> None:
        best = min(t.loss for t in self.trace)
        vals = " ".join(f"{n}={v:.4g}" for n, v in zip(self.space.names, c.x, strict=True))
        elapsed = _clock(time.perf_counter() - self._t0)
        write_line(
            self.progress,
            f"calibrate: {c.stage} {c.number}/{self.spec.max_evals} loss {c.loss:.3f} "
            f"(best {best:.3f}) {vals} [{elapsed} elapsed]",
        )

    # ------------------------------------------------------------ stages
    def screen_points(self) -> list[npt.NDArray[np.float64]]:
        """Return the start values and each parameter at its bounds, others at start."""
        pts = [self.space.start.copy()]
        for i, p in enumerate(self.space.parameters):
            for bound in (p.low, p.high):
                x = self.space.start.copy()
                x[i] = bound
                pts.append(x)
        return pts

    def check_reachable(self, screened: list[Candidate]) -> None:
        """Refuse fitted targets whose tolerance band lies beyond what the screen reaches.

        Args:
            screened: The screened candidates.

        Raises:
            CalibrationError: Some targets cannot be matched within the bounds.
        """
        means = np.array([c.means for c in screened])
        ses = np.array([[s.se for s in c.stats] for c in screened])
        problems = []
        for i, t in enumerate(self.fit):
            col = means[:, i]
            if np.all(np.isnan(col)):
                problems.append(
                    f"'{t.id}' ({t.kpi}) is undefined in every screened run (no case in its "
                    "denominator)"
                )
                continue
            lo, hi = float(np.nanmin(col)), float(np.nanmax(col))
            slack = 2 * float(np.nanmax(ses[:, i])) if np.isfinite(ses[:, i]).any() else 0.0
            if t.observed - t.tolerance > hi + slack or t.observed + t.tolerance < lo - slack:
                problems.append(
                    f"'{t.id}' ({t.kpi} = {t.observed:g} ± {t.tolerance:g}) is out of reach: "
                    f"with each parameter at its bounds the simulated mean stays within "
                    f"{lo:.4g}-{hi:.4g}"
                )
        if problems:
            raise CalibrationError(
                "the calibration cannot match these targets, so it stops before fitting: "
                + "; ".join(problems)
                + ". Widen the bounds in the set-up file, add a parameter that moves the KPI, "
                "or declare the target 'role: held_out' in the targets file (reported, not "
                "fitted). Nothing was written",
                source=self.source,
                field="targets",
            )

    def search(self, x0: npt.NDArray[np.float64]) -> str:
        """Run Nelder-Mead from ``x0`` within the remaining budget.

        Args:
            x0: Starting parameter values.

        Returns:
            Why it stopped.
        """
        budget = self.spec.max_evals - len(self.trace)
        if budget <= 0:
            return "the budget (max_evals) was spent on the screen"
        u0 = self.space.to_unit(x0)
        p = u0.size
        simplex = [u0]
        for i in range(p):
            u = u0.copy()
            u[i] += SIMPLEX_STEP if u[i] + SIMPLEX_STEP <= 1 else -SIMPLEX_STEP
            simplex.append(u)

        def f(u: npt.NDArray[np.float64]) -> float:
            x = self.space.from_unit(u)
            key = tuple(np.round(x, 12))
            if key not in self._cache and len(self.trace) >= self.spec.max_evals:
                raise _BudgetSpent
            return self.evaluate([x], "search")[0].loss

        try:
            res = minimize(
                f,
                u0,
                method="Nelder-Mead",
                bounds=[(0.0, 1.0)] * p,
                options={
                    "initial_simplex": np.array(simplex),
                    "xatol": XATOL,
                    "fatol": 1e-3,
                    "maxfev": 10 * self.spec.max_evals,
                },
            )
        except _BudgetSpent:
            return f"the budget of {self.spec.max_evals} candidates was reached"
        return str(res.message)

    def run(self) -> FitResult:
        """Screen, search and report.

        Returns:
            The fit.

        Raises:
            CalibrationError: A fitted target is out of reach (before the search).
        """
        points = self.screen_points()
        write_line(
            self.progress,
            f"calibrate: screening {len(points)} candidates (start, and each parameter at its "
            f"bounds) x {self.spec.reps} replications",
        )
        screened = self.evaluate(points, "screen")
        self.check_reachable(screened)
        best0 = min(screened, key=lambda c: c.loss)
        message = self.search(best0.x)
        best = min(self.trace, key=lambda c: (c.loss, c.number))
        write_line(
            self.progress,
            f"calibrate: best candidate {best.number} (loss {best.loss:.3f}); running it "
            f"{self.spec.final_reps} times for the report",
        )
        scenario = self.space.scenario(best.x)
        vals = self.final_runner.run([scenario], self.spec.final_reps)[0]
        stats = target_stats(vals)
        roles = ["fit"] * len(self.fit) + [ROLE_LABELS[t.role] for t in self.checks]
        rows = fit_rows([*self.fit, *self.checks], stats, roles)
        refused = [r.id for r in rows if r.role == "fit" and r.status == OUTSIDE]
        return FitResult(
            start=self.space.start,
            best=best,
            trace=self.trace,
            rows=rows,
            scenario=scenario,
            refused=refused,
            runs=self.runner.runs + self.final_runner.runs,
            seconds=time.perf_counter() - self._t0,
            message=message,
        )
