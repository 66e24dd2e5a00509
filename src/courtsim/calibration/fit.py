"""Calibration with uncertainty: history matching in waves, then a posterior on the emulators.

The unknowns of the set-up file have uniform priors on their bounds (log-uniform with
``log: true``). The numerical method is :mod:`courtsim.calibration.history`; this module
runs the simulations it asks for.

1. **Wave 1**: a Latin hypercube of ``points`` points over the priors. Every point runs
   replicates ``0..reps-1`` of the master seed (common random numbers: every point sees
   the same disputes and the same draws, so differences between points are the
   parameters' effect, and the emulators see a smooth function). One Gaussian-process
   emulator per fitted target is fitted to the means.
2. **Reachability**: a target whose implausibility stays above the cut-off everywhere in
   the prior is refused, with a message, before any further wave: no silent poor fit.
3. **Waves 2..**: ``points`` new points drawn uniformly from the space not ruled out yet
   (NROY); the emulators are refitted on every run inside it, and rule out more.
4. **Posterior**: uniform draws from the final NROY space weighted by the emulated
   Gaussian likelihood and resampled into ``draws`` posterior draws (``posterior.parquet``);
   the marginal medians make the calibrated scenario.
5. **Report**: the calibrated scenario runs ``final_reps`` replicates; each target (fitted
   and checks) gets its mean, 95% CI and status (:mod:`courtsim.calibration.report`). A
   fitted target whose mean lies outside its tolerance refuses the calibration.

Every run is written to a checkpoint folder as it finishes (one Parquet file per run,
keyed by scenario hash, seed and replicate, as sweeps do: :class:`RunStore`), so a
calibration interrupted and started again with ``resume`` runs only what is missing and,
the design being drawn from the master seed, takes the same decisions.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TextIO

import numpy as np
import numpy.typing as npt
import pandas as pd

from courtsim.calibration.evaluate import TargetRunner, target_stats, write_line
from courtsim.calibration.history import (
    Emulator,
    Wave,
    latin_hypercube,
    posterior_sample,
    sample_nroy,
    weighted_quantile,
)
from courtsim.calibration.report import OUTSIDE, ROLE_LABELS, FitRow, fit_rows
from courtsim.calibration.spec import CalibrationError, CalibrationSpec, ParameterSpace
from courtsim.experiment.progress import _clock
from courtsim.experiment.spec import RunsFailedError
from courtsim.experiment.worker import RunTask

if TYPE_CHECKING:
    from courtsim.calibration.targets import Target
    from courtsim.experiment.executor import Executor
    from courtsim.experiment.store import RunStore
    from courtsim.schema.scenario import Scenario

#: Posterior probabilities reported for each parameter (the 90% credible interval and median).
QUANTILES = (0.05, 0.5, 0.95)
#: Candidate points drawn from the final NROY space for the posterior.
CANDIDATES = 20_000


def measure_key(t: Target, scale: float) -> str:
    """Return what a target measures, independent of its id and observed value.

    Args:
        t: The target.
        scale: The set-up's scale ('scaled' targets).

    Returns:
        ``kpi|period|scale``: two targets with the same key read the same number of a run.
    """
    period = f"{t.period.first}..{t.period.last}" if t.period is not None else "window"
    return f"{t.kpi}|{period}|{scale if t.scaled else 1.0:g}"


class RunRecorder:
    """Simulated target values of (scenario, replicate) runs: each run once, kept and stored.

    Args:
        targets: Targets measured.
        scale: The set-up's scale.
        seed: Master seed.
        executor: Where runs execute.
        store: Checkpoint folder (finished runs are read back from it), or None.
        memo: In-memory values shared with other recorders (run id -> key -> value).
    """

    def __init__(
        self,
        targets: list[Target],
        scale: float,
        seed: int,
        executor: Executor,
        store: RunStore | None = None,
        memo: dict[str, dict[str, float]] | None = None,
    ):
        self.targets = targets
        self.runner = TargetRunner(targets, scale, seed, executor)
        self.keys = [measure_key(t, scale) for t in targets]
        self.seed = seed
        self.store = store
        self.memo = memo if memo is not None else {}
        self._on_disk = store.finished() if store is not None else set()
        self.ran = 0
        self.reused = 0

    def run_id(self, sc: Scenario, rep: int) -> str:
        """Return the key of one run (as sweeps: scenario hash, seed, replicate)."""
        return f"{sc.content_hash()[:16]}-s{self.seed}-r{rep}"

    def _known(self, rid: str) -> bool:
        got = self.memo.get(rid)
        if got is not None and all(k in got for k in self.keys):
            return True
        if rid in self._on_disk and self.store is not None:
            rows = self.store.read_runs([rid])[0]
            vals = dict(zip(rows["metric"], rows["value"], strict=True))
            if all(k in vals for k in self.keys):
                self.memo[rid] = {**(got or {}), **vals}
                self.reused += 1
                return True
        return False

    def run(self, scenarios: list[Scenario], reps: int) -> list[npt.NDArray[np.float64]]:
        """Return, for each scenario, a (reps x targets) array of replicates ``0..reps-1``.

        Args:
            scenarios: Scenarios.
            reps: Replicates of each.

        Returns:
            The values.

        Raises:
            RunsFailedError: A run raised an error (finished runs are kept).
        """
        tasks: list[RunTask] = []
        scen: dict[str, Scenario] = {}
        for sc in scenarios:
            for r in range(reps):
                rid = self.run_id(sc, r)
                if rid in scen or self._known(rid):
                    continue
                scen[rid] = sc
                tasks.append(RunTask(rid, sc, self.seed, r, self.runner.kpis, self.runner.daily))
        for out in self.runner.executor.run(tasks):
            if not out.ok:
                raise RunsFailedError(
                    f"a calibration run failed ({out.run_id}): {out.error}. Finished runs are "
                    "kept in the checkpoint; resume to run the rest",
                    source="calibrate",
                )
            vals = self.runner.measure(scen[out.run_id], out)
            rec = dict(zip(self.keys, (float(v) for v in vals), strict=True))
            self.memo[out.run_id] = {**self.memo.get(out.run_id, {}), **rec}
            self.ran += 1
            if self.store is not None:
                sc = scen[out.run_id]
                rep = int(out.run_id.rsplit("-r", 1)[1])
                rows = pd.DataFrame(
                    [
                        {
                            "run_id": out.run_id,
                            "label": sc.name,
                            "scenario_hash": sc.content_hash(),
                            "seed": self.seed,
                            "replicate": rep,
                            "metric": k,
                            "value": v,
                            "status": "ok",
                            "error": "",
                        }
                        for k, v in rec.items()
                    ]
                )
                self.store.write_run(out.run_id, rows, None)
        return [
            np.array(
                [[self.memo[self.run_id(sc, r)][k] for k in self.keys] for r in range(reps)],
                dtype=np.float64,
            )
            for sc in scenarios
        ]


@dataclass
class DesignPoint:
    """One simulated point of a wave.

    Attributes:
        wave: Its wave (1 = first).
        u: Position in the unit cube of the priors.
        x: Parameter values.
        means: Mean of each fitted target over the replicates.
        variances: Single-run variance of each fitted target over the replicates.
        implausibility: Largest implausibility at the point under the wave's emulators.
    """

    wave: int
    u: npt.NDArray[np.float64]
    x: npt.NDArray[np.float64]
    means: npt.NDArray[np.float64]
    variances: npt.NDArray[np.float64]
    implausibility: float = float("nan")


@dataclass
class Posterior:
    """Posterior draws and their summaries.

    Attributes:
        names: Parameter names.
        draws: (draws, p) parameter values (equally weighted).
        mean: Posterior mean of each parameter.
        quantiles: (len(QUANTILES), p) posterior quantiles (5%, 50%, 95%).
        ess: Effective sample size of the weighted candidates behind the draws.
        nroy_share: Share of the prior not ruled out by the waves.
    """

    names: list[str]
    draws: npt.NDArray[np.float64]
    mean: npt.NDArray[np.float64]
    quantiles: npt.NDArray[np.float64]
    ess: float
    nroy_share: float

    @property
    def median(self) -> npt.NDArray[np.float64]:
        """Marginal posterior medians."""
        return self.quantiles[1]

    def interval(self, i: int) -> tuple[float, float]:
        """Return the 90% credible interval of parameter ``i``."""
        return float(self.quantiles[0, i]), float(self.quantiles[2, i])

    def frame(self) -> pd.DataFrame:
        """Return the draws as a frame (one column per parameter, plus ``draw``)."""
        df = pd.DataFrame(self.draws, columns=self.names)
        df.insert(0, "draw", np.arange(len(df)))
        return df


@dataclass
class FitResult:
    """The outcome of a calibration.

    Attributes:
        posterior: Posterior draws and summaries.
        design: Every simulated point, wave by wave.
        nroy_shares: Share of the prior not ruled out after each wave.
        rows: Report rows (fitted targets, then checks) of the calibrated scenario.
        scenario: The calibrated scenario (the posterior medians).
        refused: Ids of fitted targets outside their tolerance there.
        runs: Simulation runs made (``reused``: read back from the checkpoint).
        reused: Runs read from the checkpoint instead of run.
        seconds: Wall time.
        message: Why the waves stopped.
        emulators: Per fitted target, the last wave's nugget and length scales.
        elsewhere: Held-out targets of the targets file outside this run's dates.
    """

    posterior: Posterior
    design: list[DesignPoint]
    nroy_shares: list[float]
    rows: list[FitRow]
    scenario: Scenario
    refused: list[str] = field(default_factory=list)
    runs: int = 0
    reused: int = 0
    seconds: float = 0.0
    message: str = ""
    emulators: list[dict[str, object]] = field(default_factory=list)
    elsewhere: list[str] = field(default_factory=list)


class Calibrator:
    """History-matches a parameter space to targets (see the module docstring).

    Args:
        space: Parameters and the scenario they act on.
        fit: Targets to fit.
        checks: Targets only reported.
        spec: Replicates, seed and budget.
        executor: A courtsim executor, kept open for every batch.
        source: The set-up file, for messages.
        progress: Where progress lines go (None = nowhere).
        store: Checkpoint folder, or None.
        memo: In-memory run values shared with other calibrations (tests), or None.
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
        store: RunStore | None = None,
        memo: dict[str, dict[str, float]] | None = None,
    ):
        self.space = space
        self.fit = fit
        self.checks = checks
        self.spec = spec
        self.source = source
        self.progress = progress
        memo = memo if memo is not None else {}
        self.recorder = RunRecorder(fit, spec.scale, spec.seed, executor, store, memo)
        self.final = RunRecorder([*fit, *checks], spec.scale, spec.seed, executor, store, memo)
        self.observed = np.array([t.observed for t in fit])
        self.obs_var = np.array([t.tolerance for t in fit]) ** 2
        self.design: list[DesignPoint] = []
        self._t0 = time.perf_counter()

    def _line(self, text: str) -> None:
        elapsed = _clock(time.perf_counter() - self._t0)
        write_line(self.progress, f"calibrate: {text} [{elapsed} elapsed]")

    def simulate(self, u: npt.NDArray[np.float64], wave: int) -> list[DesignPoint]:
        """Run the points ``u`` (unit cube) with ``reps`` replicates each.

        Args:
            u: (n, p) points.
            wave: Their wave.

        Returns:
            One design point each.
        """
        xs = [self.space.from_unit(ui) for ui in u]
        arrays = self.recorder.run([self.space.scenario(x) for x in xs], self.spec.reps)
        pts = []
        for ui, x, vals in zip(u, xs, arrays, strict=True):
            with np.errstate(all="ignore"):
                ok = np.sum(np.isfinite(vals), axis=0)
                mean = np.where(ok > 0, np.nansum(vals, axis=0) / np.maximum(ok, 1), np.nan)
                dev = np.where(np.isfinite(vals), vals - mean, 0.0)
                var = np.where(ok > 1, np.sum(dev**2, axis=0) / np.maximum(ok - 1, 1), np.nan)
            pts.append(DesignPoint(wave, ui, x, mean, var))
        self.design += pts
        return pts

    def emulate(self, waves: list[Wave]) -> Wave:
        """Fit one emulator per target on every run not ruled out by the earlier waves.

        Args:
            waves: Earlier waves.

        Returns:
            The new wave.

        Raises:
            CalibrationError: A target is undefined in (nearly) every run.
        """
        u = np.array([d.u for d in self.design])
        means = np.array([d.means for d in self.design])
        var = np.array([d.variances for d in self.design])
        keep = np.ones(len(u), dtype=bool)
        for w in waves:
            keep &= w.nroy(u)
        ems = []
        for i, t in enumerate(self.fit):
            try:
                ems.append(Emulator(u[keep], means[keep, i]))
            except np.linalg.LinAlgError:
                raise CalibrationError(
                    f"the emulator of '{t.id}' cannot be fitted (its design is degenerate: "
                    f"{int(keep.sum())} runs for {u.shape[1]} parameters). Raise 'points'. "
                    "Nothing was written",
                    source=self.source,
                    field="points",
                ) from None
            except ValueError:
                raise CalibrationError(
                    f"'{t.id}' ({t.kpi}) is undefined in nearly every run (no case in its "
                    "denominator), so it cannot be fitted. Remove it from 'targets' or lengthen "
                    "the run. Nothing was written",
                    source=self.source,
                    field="targets",
                ) from None
        with np.errstate(all="ignore"):
            rep_var = np.nanmean(var[keep], axis=0) / self.spec.reps
        rep_var = np.where(np.isfinite(rep_var), rep_var, 0.0)
        return Wave(ems, self.observed, self.obs_var, rep_var, self.spec.cutoff)

    def check_reachable(self, wave: Wave, rng: np.random.Generator) -> None:
        """Refuse fitted targets that the first wave rules out everywhere in the prior.

        Args:
            wave: The first wave.
            rng: Random generator.

        Raises:
            CalibrationError: Some targets cannot be matched within the priors.
        """
        u = np.concatenate([rng.random((4000, len(self.space.names))), [d.u for d in self.design]])
        imp = wave.implausibility(u)
        means, _ = wave.predict(u)
        problems = []
        for i, t in enumerate(self.fit):
            if np.min(imp[:, i]) >= self.spec.cutoff:
                lo, hi = float(np.min(means[:, i])), float(np.max(means[:, i]))
                problems.append(
                    f"'{t.id}' ({t.kpi} = {t.observed:g} ± {t.tolerance:g}) is out of reach: "
                    f"over the whole prior the simulated mean stays within {lo:.4g}-{hi:.4g}"
                )
        if not problems and not np.any(np.max(imp, axis=1) < self.spec.cutoff):
            problems.append(
                "no point of the prior matches all the fitted targets at once (each alone "
                "can be matched): the targets contradict each other under this model"
            )
        if problems:
            raise CalibrationError(
                "the calibration cannot match these targets, so it stops after its first "
                "wave: "
                + "; ".join(problems)
                + ". Widen the priors in the set-up file, add a parameter that moves the KPI, "
                "or declare the target 'role: held_out' in the targets file (reported, not "
                "fitted). Nothing was written",
                source=self.source,
                field="targets",
            )

    def run(self) -> FitResult:
        """Run the waves, draw the posterior and report the calibrated scenario.

        Returns:
            The calibration.

        Raises:
            CalibrationError: A fitted target is out of reach (after the first wave).
        """
        spec, p = self.spec, len(self.space.names)
        rng = np.random.default_rng(np.random.SeedSequence(spec.seed, spawn_key=(0xCA11,)))
        waves: list[Wave] = []
        shares: list[float] = []
        message = f"{spec.waves} waves run"
        for w in range(1, spec.waves + 1):
            if w == 1:
                u = latin_hypercube(spec.points, p, rng)
            else:
                u, _ = sample_nroy(waves, spec.points, p, rng)
                if len(u) < spec.points:
                    message = (
                        f"stopped after wave {w - 1}: the space not ruled out is too small to "
                        f"draw {spec.points} new points from"
                    )
                    break
            self._line(f"wave {w}/{spec.waves}: {len(u)} points x {spec.reps} replicates")
            pts = self.simulate(u, w)
            wave = self.emulate(waves)
            if w == 1:
                self.check_reachable(wave, rng)
            for d in pts:
                d.implausibility = float(np.max(wave.implausibility(d.u[None, :])))
            waves.append(wave)
            _, share = sample_nroy(waves, 2000, p, rng, tries=200_000)
            shares.append(share)
            self._line(f"wave {w}: {share:.1%} of the prior not ruled out yet")
        cand, weights, ess = posterior_sample(waves, p, rng, CANDIDATES)
        if len(cand) == 0:
            raise CalibrationError(
                "every point of the prior was ruled out: no parameter values match the "
                "fitted targets together. Nothing was written",
                source=self.source,
                field="targets",
            )
        x_cand = np.array([self.space.from_unit(c) for c in cand])
        q = np.array(
            [weighted_quantile(x_cand[:, j], weights, np.array(QUANTILES)) for j in range(p)]
        ).T
        mean = weights @ x_cand
        pick = _systematic(weights, spec.draws, rng)
        post = Posterior(self.space.names, x_cand[pick], mean, q, ess, shares[-1])
        scenario = self.space.scenario(post.median)
        self._line(
            "posterior median "
            + ", ".join(f"{n}={v:.4g}" for n, v in zip(post.names, post.median, strict=True))
            + f"; running it {spec.final_reps} times for the report"
        )
        vals = self.final.run([scenario], spec.final_reps)[0]
        stats = target_stats(vals)
        roles = ["fit"] * len(self.fit) + [ROLE_LABELS[t.role] for t in self.checks]
        rows = fit_rows([*self.fit, *self.checks], stats, roles)
        refused = [r.id for r in rows if r.role == "fit" and r.status == OUTSIDE]
        last = waves[-1]
        ems = [
            {
                "target": t.id,
                "nugget_sd": e.nugget,
                "length_scales": dict(zip(self.space.names, e.length_scales.tolist(), strict=True)),
                "replicate_sd_of_mean": float(np.sqrt(last.rep_var[i])),
            }
            for i, (t, e) in enumerate(zip(self.fit, last.emulators, strict=True))
        ]
        return FitResult(
            posterior=post,
            design=self.design,
            nroy_shares=shares,
            rows=rows,
            scenario=scenario,
            refused=refused,
            runs=self.recorder.ran + self.final.ran,
            reused=self.recorder.reused + self.final.reused,
            seconds=time.perf_counter() - self._t0,
            message=message,
            emulators=ems,
        )


def _systematic(weights: npt.NDArray[np.float64], n: int, rng: np.random.Generator) -> np.ndarray:
    """Return ``n`` indices resampled systematically in proportion to ``weights``."""
    pos = (rng.random() + np.arange(n)) / n
    idx = np.searchsorted(np.cumsum(weights), pos)
    return np.minimum(idx, len(weights) - 1)
