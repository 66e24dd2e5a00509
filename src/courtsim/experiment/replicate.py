"""Replications of one scenario: per-replicate KPIs and daily series, and their summary.

Replicate r always runs ``simulate(scenario, seed, replicate=r)``, whichever executor or
worker runs it, so the numbers do not depend on how the work was spread.
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from courtsim.experiment.executor import make_executor
from courtsim.experiment.plan import check_names
from courtsim.experiment.progress import Progress
from courtsim.experiment.provenance import now_utc, sha256_file, versions
from courtsim.experiment.spec import DEFAULT_DAILY, ExperimentError, RunsFailedError
from courtsim.experiment.stats import summarise
from courtsim.experiment.worker import RunOutput, RunTask
from courtsim.interrupts import deferred_interrupts
from courtsim.result import write_atomically
from courtsim.schema.scenario import Scenario, load_scenario

if TYPE_CHECKING:
    from distributed import Client

#: Files written by :meth:`ReplicateResult.save`.
REPLICATE_FILES = ("kpis.parquet", "daily.parquet", "summary.parquet", "daily_summary.parquet")


def as_scenario(scenario: Scenario | str | Path, what: str = "scenario") -> tuple[Scenario, str]:
    """Return a scenario given as an object or a file, and its file ("" for an object).

    Args:
        scenario: A scenario or the path of a scenario file.
        what: What it is, for error messages.

    Returns:
        The scenario and its file.

    Raises:
        ScenarioError: The file cannot be loaded.
        ExperimentError: ``scenario`` is neither a scenario nor a path.
    """
    if isinstance(scenario, Scenario):
        return scenario, ""
    if isinstance(scenario, str | Path):
        return load_scenario(scenario), str(scenario)
    raise ExperimentError(
        f"expected a Scenario or a scenario file, not {type(scenario).__name__}", field=what
    )


def check_reps(reps: int, seed: int, source: str = "--reps") -> None:
    """Raise unless ``reps`` is at least 1 and ``seed`` is not negative.

    Args:
        reps: Replications.
        seed: Master seed.
        source: Where they came from.

    Raises:
        ExperimentError: Either is out of range.
    """
    if not isinstance(reps, int | np.integer) or reps < 1:
        raise ExperimentError(f"replications must be at least 1 (got {reps!r})", source=source)
    if not isinstance(seed, int | np.integer) or seed < 0:
        raise ExperimentError(f"the seed must be a whole number >= 0 (got {seed!r})", field="seed")


@dataclass
class Batch:
    """Runs of several labelled scenarios, replicate by replicate, as tidy frames.

    Attributes:
        kpis: ``scenario, replicate, seed, metric, value``.
        daily: ``scenario, replicate, day, metric, value``.
        executor: What ran the runs.
        seconds: Wall time of all runs, in seconds.
    """

    kpis: pd.DataFrame
    daily: pd.DataFrame
    executor: dict[str, Any]
    seconds: float


def run_batch(
    scenarios: dict[str, Scenario],
    reps: int,
    seed: int,
    kpis: Sequence[str] | None,
    daily: Sequence[str],
    workers: int | None,
    scheduler: str | Client | None,
    progress: bool,
    source: str = "replicate",
    timeout_s: float = 10.0,
) -> Batch:
    """Run ``reps`` replicates of each scenario, all with the same seed (common random numbers).

    Args:
        scenarios: Label -> scenario.
        reps: Replicates per scenario.
        seed: Master seed.
        kpis: KPIs kept (None = all).
        daily: Daily series kept.
        workers: Local processes (1 = serial, None = every core).
        scheduler: Dask scheduler address or client.
        progress: Show a progress bar on stderr.
        source: What asked for the runs, for error messages.
        timeout_s: Seconds to wait for the Dask scheduler and a first worker.

    Returns:
        The runs' KPIs and daily series as long frames, in label, replicate, metric order.

    Raises:
        ExperimentError: A KPI or series name is unknown, or the executor cannot be used.
        RunsFailedError: Some runs raised an error.
    """
    check_reps(reps, seed)
    kept_k, kept_d = check_names(
        source, list(scenarios.values()), tuple(kpis) if kpis is not None else None, tuple(daily)
    )
    tasks = [
        RunTask(f"{label}\x1f{r}", sc, int(seed), r, kept_k, kept_d)
        for label, sc in scenarios.items()
        for r in range(reps)
    ]
    outputs: dict[str, RunOutput] = {}
    t0 = time.perf_counter()
    with make_executor(workers, scheduler, timeout_s) as ex:
        bar = Progress(len(tasks), source, enabled=progress)
        try:
            with deferred_interrupts() as interrupt:
                for out in ex.run(tasks):
                    outputs[out.run_id] = out
                    bar.update(out.ok)
                    interrupt.check()  # Ctrl-C stops at a run boundary, never lost
        finally:
            bar.close()
        described = ex.describe()
    seconds = time.perf_counter() - t0
    failed = [o for o in outputs.values() if not o.ok]
    if failed:
        first = failed[0]
        label, rep = first.run_id.split("\x1f")
        raise RunsFailedError(
            f"{len(failed)} of {len(tasks)} runs failed; the first: scenario '{label}', "
            f"replicate {rep}: {first.error}",
            source=source,
        )
    k_parts, d_parts = [], []
    for label in scenarios:
        for r in range(reps):
            o = outputs[f"{label}\x1f{r}"]
            k_parts.append(
                pd.DataFrame(
                    {
                        "scenario": label,
                        "replicate": r,
                        "seed": int(seed),
                        "metric": list(kept_k),
                        "value": [o.kpis[k] for k in kept_k],
                    }
                )
            )
            for name in kept_d:
                v = o.daily[name]
                d_parts.append(
                    pd.DataFrame(
                        {
                            "scenario": label,
                            "replicate": r,
                            "day": np.arange(v.size),
                            "metric": name,
                            "value": v,
                        }
                    )
                )
    k_types = {"scenario": "str", "replicate": "int64", "seed": "int64", "metric": "str"}
    d_types = {"scenario": "str", "replicate": "int64", "day": "int64", "metric": "str"}
    kdf = pd.concat(k_parts, ignore_index=True).astype(k_types | {"value": "float64"})
    if d_parts:
        ddf = pd.concat(d_parts, ignore_index=True).astype(d_types | {"value": "float64"})
    else:
        ddf = pd.DataFrame(
            {c: pd.Series(dtype=t) for c, t in (d_types | {"value": "float64"}).items()}
        )
    return Batch(kdf, ddf, described, seconds)


def daily_summary(daily: pd.DataFrame, by_scenario: bool = False) -> pd.DataFrame:
    """Summarise daily series over replicates: mean, 95% CI and 10-90% band per day.

    Args:
        daily: Long daily frame.
        by_scenario: Keep a ``scenario`` column (comparisons).

    Returns:
        ``[scenario,] day, metric, mean, ci_low, ci_high, p10, p90``.
    """
    by = (["scenario"] if by_scenario else []) + ["day", "metric"]
    if daily.empty:
        cols = [*by, "mean", "ci_low", "ci_high", "p10", "p90"]
        return pd.DataFrame({c: pd.Series(dtype="float64") for c in cols})
    out = summarise(daily, by, with_sd=False)
    return out.sort_values(by, kind="stable").reset_index(drop=True)


@dataclass
class ReplicateResult:
    """Replications of one scenario and their summary.

    Attributes:
        kpis: One row per replicate and KPI: ``scenario, replicate, seed, metric, value``.
        daily: One row per replicate, day and series: ``scenario, replicate, day, metric,
            value``.
        summary: One row per KPI: ``metric, n, mean, sd, ci_low, ci_high, p10, p90``.
        daily_summary: One row per day and series: ``day, metric, mean, ci_low, ci_high,
            p10, p90``.
        manifest: Provenance (kind "replicate").
    """

    kpis: pd.DataFrame
    daily: pd.DataFrame
    summary: pd.DataFrame
    daily_summary: pd.DataFrame
    manifest: dict[str, Any] = field(default_factory=dict)

    def _fields(self) -> dict[str, Any]:
        m = self.manifest
        return {"scenario": m.get("scenario_name"), "reps": m.get("reps"), "seed": m.get("seed")}

    def __repr__(self) -> str:
        from courtsim.dashboard.display import short_repr

        means = dict(zip(self.summary["metric"], self.summary["mean"], strict=True))
        return short_repr("ReplicateResult", self._fields(), means)

    def _repr_html_(self) -> str:
        from courtsim.dashboard.display import html_table, summary_rows

        hint = ".plot() draws pending cases with 10-90% bands; .summary has every KPI"
        name = f"courtsim replications: {self.manifest.get('scenario_name')}"
        return html_table(name, self._fields(), summary_rows(self.summary), hint)

    def plot(self, kind: str | None = None, metric: str | None = None) -> Any:
        """Return a plotly figure of the results, as the dashboard draws it.

        Args:
            kind: ``pending`` (default), ``in_time``, ``channels`` or ``utilisation``.
            metric: Daily series for ``pending`` (default ``n_pending``).

        Returns:
            A ``plotly.graph_objects.Figure``.

        Raises:
            CourtsimError: An unknown kind.
        """
        from courtsim.dashboard.display import plot

        return plot(self, kind, metric)

    def save(self, out: str | Path, overwrite: bool = False) -> Path:
        """Write the four tables as Parquet and ``manifest.json`` to a new folder.

        Args:
            out: Folder to create.
            overwrite: Replace an existing folder.

        Returns:
            The folder.

        Raises:
            ResultsError: The folder exists or cannot be written.
        """
        tables = {
            "kpis.parquet": self.kpis,
            "daily.parquet": self.daily,
            "summary.parquet": self.summary,
            "daily_summary.parquet": self.daily_summary,
        }
        return save_tables(Path(out), tables, self.manifest, overwrite)


def save_tables(
    out: Path, tables: dict[str, pd.DataFrame], manifest: dict[str, Any], overwrite: bool
) -> Path:
    """Write Parquet tables and a manifest (with their checksums) to a new folder, atomically.

    Args:
        out: Folder to create.
        tables: File name -> frame.
        manifest: The manifest.
        overwrite: Replace an existing folder.

    Returns:
        The folder.
    """

    def write(tmp: Path) -> None:
        for name, df in tables.items():
            df.to_parquet(tmp / name, index=False)
        m = dict(manifest)
        m["files"] = {name: sha256_file(tmp / name) for name in tables}
        (tmp / "manifest.json").write_text(json.dumps(m, indent=2, default=str))

    write_atomically(out, write, overwrite)
    return out


def replicate(
    scenario: Scenario | str | Path,
    reps: int = 30,
    seed: int = 1,
    *,
    kpis: Sequence[str] | None = None,
    daily: Sequence[str] = DEFAULT_DAILY,
    workers: int | None = None,
    scheduler: str | Client | None = None,
    progress: bool = True,
    timeout_s: float = 10.0,
) -> ReplicateResult:
    """Run replicates ``0..reps-1`` of a scenario and summarise them.

    Args:
        scenario: A scenario, or the path of a scenario file.
        reps: Number of replicates (>= 1; >= 2 for confidence intervals).
        seed: Master seed; replicate r uses ``SeedSequence(seed, spawn_key=(r,))``.
        kpis: KPIs to keep (default all).
        daily: Daily series to keep.
        workers: Local processes (1 = serial in this process, None = every core).
        scheduler: A Dask scheduler address (``tcp://host:8786``) or ``Client``.
        progress: Show a progress bar on stderr.
        timeout_s: Seconds to wait for the Dask scheduler and a first worker.

    Returns:
        Per-replicate KPIs and daily series, their summaries and a manifest.

    Raises:
        ScenarioError: The scenario file cannot be loaded.
        ExperimentError: ``reps`` < 1, an unknown KPI or series, or an unusable executor.
        RunsFailedError: Some runs raised an error.

    Example:
        >>> rr = courtsim.replicate("scenarios/baseline.yaml", reps=30, seed=1)
        >>> rr.summary.set_index("metric").loc["pending_end", ["mean", "ci_low", "ci_high"]]
    """
    sc, file = as_scenario(scenario)
    started = now_utc()
    batch = run_batch(
        {sc.name: sc}, reps, seed, kpis, daily, workers, scheduler, progress, timeout_s=timeout_s
    )
    summary = summarise(batch.kpis, ["metric"])
    manifest = {
        "kind": "replicate",
        "scenario_name": sc.name,
        "scenario_file": file,
        "scenario_hash": sc.content_hash(),
        "seed": int(seed),
        "reps": int(reps),
        "replicates": list(range(reps)),
        "kpis": list(dict.fromkeys(batch.kpis["metric"])),
        "daily": list(daily),
        "confidence": 0.95,
        "band": [0.10, 0.90],
        "executor": batch.executor,
        "run_seconds_total": round(batch.seconds, 3),
        "started_utc": started,
        "finished_utc": now_utc(),
        "versions": versions(),
    }
    return ReplicateResult(batch.kpis, batch.daily, summary, daily_summary(batch.daily), manifest)
