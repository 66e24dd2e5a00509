"""Global sensitivity analysis: Sobol first- and total-order indices, Morris elementary effects.

The design comes from SALib (Saltelli's extension of the Sobol sequence; Morris
trajectories), the runs go through the sweep machinery (resumable, any executor), and
each design point's output is the mean of a KPI over its replicates. Confidence
intervals come from SALib's bootstrap (``bootstrap`` resamples, level ``confidence``);
Morris ``sigma`` has none.
"""

from __future__ import annotations

import tempfile
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt
import pandas as pd
from pydantic import BaseModel

from courtsim.experiment.design import design_rng, salib_problem, to_points
from courtsim.experiment.plan import Plan, sensitivity_plan
from courtsim.experiment.provenance import sha256_file
from courtsim.experiment.spec import SensitivitySpec, as_experiment
from courtsim.experiment.store import RunStore, atomic_write_parquet
from courtsim.experiment.sweep import SweepOutcome, execute_experiment

if TYPE_CHECKING:
    from distributed import Client

#: Columns of ``indices.parquet``.
INDEX_COLUMNS = ("method", "metric", "factor", "index", "value", "ci_low", "ci_high")


def _salib_seed(seed: int, purpose: str) -> int:
    return int(design_rng(seed, purpose).integers(2**31 - 1))


def sample_points(
    spec: SensitivitySpec, kinds: dict[str, str]
) -> tuple[list[dict[str, Any]], list[str], dict[str, Any]]:
    """Return the design points of the requested methods, in method order.

    Args:
        spec: The sensitivity experiment.
        kinds: Value type per factor (integer factors are rounded by equal slices).

    Returns:
        The points, the method of each point, and ``{"problem": ..., "x": {method: X}}``
        (SALib's sample matrices, needed by the analysis).
    """
    from SALib.sample import morris as morris_sample
    from SALib.sample import sobol as sobol_sample

    problem = salib_problem(spec.factors)
    points: list[dict[str, Any]] = []
    samples: list[str] = []
    xs: dict[str, npt.NDArray[np.float64]] = {}
    for method in spec.methods:
        if method == "sobol":
            x = sobol_sample.sample(
                problem,
                spec.samples,
                calc_second_order=False,
                seed=_salib_seed(spec.seed, "salib:sobol"),
            )
        else:
            x = morris_sample.sample(
                problem,
                spec.morris.trajectories,
                num_levels=spec.morris.levels,
                seed=_salib_seed(spec.seed, "salib:morris"),
            )
        x = np.asarray(x, dtype=np.float64)
        xs[method] = x
        points += to_points(x, spec.factors, kinds)
        samples += [method] * len(x)
    return points, samples, {"problem": problem, "x": xs}


def point_means(plan: Plan, results: pd.DataFrame) -> dict[str, dict[str, npt.NDArray[np.float64]]]:
    """Return each method's outputs: per KPI, the mean over replicates of every design point.

    Args:
        plan: The plan (its ``samples`` say each point's method).
        results: The sweep's results (failed runs are NaN).

    Returns:
        ``{method: {metric: array in point order}}``; a point with any failed replicate
        is NaN.
    """
    samples = np.asarray(plan.samples or [])
    ok = results["status"] == "ok"
    values = results["value"].where(ok)
    means = (
        results.assign(value=values)
        .groupby(["metric", "point"], sort=True)["value"]
        .agg(lambda s: s.mean() if s.notna().all() else np.nan)
    )
    out: dict[str, dict[str, npt.NDArray[np.float64]]] = {}
    for method in dict.fromkeys(samples.tolist()):
        idx = np.flatnonzero(samples == method)
        out[method] = {m: means.loc[m].reindex(idx).to_numpy(dtype=np.float64) for m in plan.kpis}
    return out


def compute_indices(
    spec: SensitivitySpec,
    extra: dict[str, Any],
    outputs: dict[str, dict[str, npt.NDArray[np.float64]]],
) -> pd.DataFrame:
    """Compute Sobol (S1, ST) and Morris (mu_star, sigma) indices with bootstrap CIs.

    A KPI with missing values (failed runs, undefined KPI) or no variation gets NaN
    indices rather than numbers that mean nothing.

    Args:
        spec: The sensitivity experiment.
        extra: ``sample_points``'s third value.
        outputs: ``{method: {metric: outputs in sample order}}``.

    Returns:
        One row per method, metric, factor and index: ``method, metric, factor, index,
        value, ci_low, ci_high``.
    """
    from SALib.analyze import morris as morris_analyze
    from SALib.analyze import sobol as sobol_analyze

    problem = extra["problem"]
    names = problem["names"]
    rows: list[dict[str, Any]] = []
    for method, per_metric in outputs.items():
        for metric, y in per_metric.items():
            usable = bool(np.all(np.isfinite(y))) and float(np.var(y)) > 0
            if method == "sobol":
                res = (
                    _quiet(
                        sobol_analyze.analyze,
                        problem,
                        y,
                        calc_second_order=False,
                        num_resamples=spec.bootstrap,
                        conf_level=spec.confidence,
                        seed=_salib_seed(spec.seed, "salib:sobol:bootstrap"),
                    )
                    if usable
                    else None
                )
                pairs = (("S1", "S1_conf"), ("ST", "ST_conf"))
            else:
                res = (
                    _quiet(
                        morris_analyze.analyze,
                        problem,
                        extra["x"]["morris"],
                        y,
                        num_resamples=spec.bootstrap,
                        conf_level=spec.confidence,
                        num_levels=spec.morris.levels,
                        seed=_salib_seed(spec.seed, "salib:morris:bootstrap"),
                    )
                    if usable
                    else None
                )
                pairs = (("mu_star", "mu_star_conf"), ("sigma", None))
            for j, factor in enumerate(names):
                for index, conf in pairs:
                    v = float(np.asarray(res[index])[j]) if res is not None else np.nan
                    h = float(np.asarray(res[conf])[j]) if res is not None and conf else np.nan
                    rows.append(
                        {
                            "method": method,
                            "metric": metric,
                            "factor": factor,
                            "index": index,
                            "value": v,
                            "ci_low": v - h,
                            "ci_high": v + h,
                        }
                    )
    return pd.DataFrame(rows, columns=list(INDEX_COLUMNS))


def _quiet(fn: Any, *args: Any, **kwargs: Any) -> Any:
    # SALib divides by the output variance; a KPI that barely varies can make a bootstrap
    # resample degenerate, which numpy reports as a RuntimeWarning. The affected resample
    # only widens the interval, so the warning is noise here.
    with warnings.catch_warnings(), np.errstate(divide="ignore", invalid="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)
        return fn(*args, **kwargs)


@dataclass
class SensitivityOutcome:
    """Indices and the runs behind them.

    Attributes:
        indices: ``method, metric, factor, index, value, ci_low, ci_high``.
        runs: The sweep of design points (``results.parquet``, counts, manifest).
    """

    indices: pd.DataFrame
    runs: SweepOutcome

    def __repr__(self) -> str:
        kpis = list(dict.fromkeys(self.indices["metric"].astype(str)))
        return (
            f"SensitivityOutcome(name={self.runs.plan.name!r}, "
            f"factors={list(self.runs.plan.factors)}, kpis={kpis}, out={str(self.runs.out)!r})"
        )

    def _repr_html_(self) -> str:
        from courtsim.dashboard.display import html_table

        top = self.indices[self.indices["index"].isin(["ST", "mu_star"])]
        rows: list[tuple[str, ...]] = [("KPI", "factor", "index", "value")]
        rows += [
            (str(r.metric), str(r.factor), str(r.index), f"{r.value:.3g}") for r in top.itertuples()
        ]
        fields = {"factors": ", ".join(self.runs.plan.factors), "out": self.runs.out}
        hint = ".plot(metric=...) draws one KPI's indices; .indices has them all"
        return html_table(f"courtsim sensitivity: {self.runs.plan.name}", fields, rows, hint)

    def plot(self, kind: str | None = None, metric: str | None = None) -> Any:
        """Return a plotly figure of the results, as the dashboard draws it.

        Args:
            kind: ``sensitivity`` (the default and only kind).
            metric: The KPI (default the first key KPI present).

        Returns:
            A ``plotly.graph_objects.Figure``.

        Raises:
            CourtsimError: An unknown kind.
        """
        from courtsim.dashboard.display import plot

        return plot(self, kind, metric)


def sensitivity(
    experiment: str | Path | Mapping[str, Any] | BaseModel,
    out: str | Path | None = None,
    workers: int | None = None,
    scheduler: str | Client | None = None,
    resume: bool = False,
    progress: bool = True,
    timeout_s: float = 10.0,
) -> SensitivityOutcome:
    """Run a ``kind: sensitivity`` experiment and compute its indices.

    Args:
        experiment: The experiment file, or the same content in memory: a mapping (as
            the YAML reads; its ``scenario`` may be a ``Scenario`` object) or a spec.
        out: Results folder (default: a new temporary folder, named in the outcome) (``indices.parquet`` plus the runs, as a sweep).
        workers: Local processes (1 = serial, None = every core).
        scheduler: Dask scheduler address or client.
        resume: Continue an interrupted run in ``out``.
        progress: Show a progress bar on stderr.
        timeout_s: Seconds to wait for the Dask scheduler.

    Returns:
        The indices and the runs.

    Raises:
        ExperimentError: The experiment file is invalid, or the executor cannot be used.
        ResultsError: The output folder cannot be used.

    Example:
        >>> res = sensitivity("experiments/sensitivity.yaml", "results/sens")
        >>> res.indices.query("index == 'ST'")
    """
    exp = as_experiment(experiment, "sensitivity")
    if out is None:
        out = tempfile.mkdtemp(prefix="courtsim-sensitivity-")
    plan = sensitivity_plan(exp)
    spec = exp.spec
    if not isinstance(spec, SensitivitySpec):  # pragma: no cover - load_experiment checked
        raise TypeError("not a sensitivity experiment")
    runs = execute_experiment(
        exp, plan, out, "sensitivity", workers, scheduler, resume, progress, timeout_s
    )
    indices = compute_indices(spec, plan.extra, point_means(plan, runs.results))
    atomic_write_parquet(runs.out / "indices.parquet", indices)
    store = RunStore(runs.out)
    manifest = runs.manifest
    manifest["methods"] = list(spec.methods)
    manifest["sobol_base_samples"] = spec.samples
    manifest["morris"] = spec.morris.model_dump()
    manifest["bootstrap"] = spec.bootstrap
    manifest["confidence"] = spec.confidence
    manifest["files"]["indices.parquet"] = sha256_file(runs.out / "indices.parquet")
    store.write_manifest(manifest)
    return SensitivityOutcome(indices, runs)
