"""Sweeps: run every planned run once, writing each as it finishes; resume; consolidate.

``courtsim sweep experiments/NAME.yaml --out DIR`` plans the runs
(:mod:`courtsim.experiment.plan`), runs those not yet finished on the chosen executor,
writes each run's rows the moment it finishes (:mod:`courtsim.experiment.store`), and at
the end consolidates them into ``DIR/results.parquet`` in plan order. An interrupted
sweep restarted with ``--resume`` skips finished runs and ends with the same dataset.
"""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
from pydantic import BaseModel

from courtsim.errors import ResultsError
from courtsim.experiment.executor import Executor, make_executor
from courtsim.experiment.frames import coerce, daily_rows, run_rows
from courtsim.experiment.plan import Plan, sweep_plan
from courtsim.experiment.progress import Progress
from courtsim.experiment.provenance import now_utc, sha256_file, versions
from courtsim.experiment.spec import Experiment, as_experiment
from courtsim.experiment.store import RunStore, atomic_write_parquet
from courtsim.interrupts import deferred_interrupts
from courtsim.result import check_output_dir

if TYPE_CHECKING:
    from distributed import Client


@dataclass
class SweepOutcome:
    """What a sweep (or the runs of a sensitivity analysis) produced.

    Attributes:
        out: The results folder.
        plan: The plan that was run.
        results: All runs' rows (``DIR/results.parquet``).
        daily: All daily rows (``DIR/daily.parquet``), or None when none were kept.
        n_ok: Runs that finished.
        n_failed: Runs that failed (recorded with their error).
        n_skipped: Runs found finished at the start (resume).
        manifest: The manifest written.
    """

    out: Path
    plan: Plan
    results: pd.DataFrame
    daily: pd.DataFrame | None
    n_ok: int
    n_failed: int
    n_skipped: int
    manifest: dict[str, Any]

    def __repr__(self) -> str:
        return (
            f"SweepOutcome(name={self.plan.name!r}, factors={list(self.plan.factors)}, "
            f"runs={self.n_ok + self.n_failed}, failed={self.n_failed}, out={str(self.out)!r})"
        )

    def _repr_html_(self) -> str:
        from courtsim.dashboard.display import html_table

        fields = {"factors": ", ".join(self.plan.factors), "out": self.out}
        rows = [
            ("runs", "failed", "resumed"),
            (str(self.n_ok), str(self.n_failed), str(self.n_skipped)),
        ]
        hint = ".plot(metric=...) draws a KPI against the factors; .results has every row"
        return html_table(f"courtsim sweep: {self.plan.name}", fields, rows, hint)

    def plot(self, kind: str | None = None, metric: str | None = None) -> Any:
        """Return a plotly figure of the results, as the dashboard draws it.

        Args:
            kind: ``sweep`` (the default and only kind).
            metric: The KPI (default the first key KPI present).

        Returns:
            A ``plotly.graph_objects.Figure``.

        Raises:
            CourtsimError: An unknown kind.
        """
        from courtsim.dashboard.display import plot

        return plot(self, kind, metric)


def open_output(out: Path, exp: Experiment, plan: Plan, kind: str, resume: bool) -> dict | None:
    """Check the output folder before any run; return the manifest of the sweep to resume.

    Args:
        out: The folder.
        exp: The experiment.
        plan: Its plan.
        kind: ``sweep`` or ``sensitivity``.
        resume: Whether ``--resume`` was given.

    Returns:
        The existing manifest when resuming a sweep in ``out``, else None (a new sweep).

    Raises:
        ResultsError: The folder holds other files, another experiment, or (without
            ``--resume``) an earlier run of this one.
    """
    store = RunStore(out)
    if not resume or not out.is_dir() or not any(out.iterdir()):
        try:
            check_output_dir(out)
        except ResultsError as exc:
            if out.is_dir() and (out / "manifest.json").is_file():
                raise ResultsError(
                    "the folder already holds an experiment; nothing was written. Add "
                    "--resume to continue it, or choose another --out",
                    source=str(out),
                    field="--out",
                ) from None
            raise exc from None
        return None
    manifest = store.read_manifest()
    if manifest is None:
        raise ResultsError(
            "--resume: the folder holds no manifest.json, so it is not a courtsim experiment "
            "to continue; choose another --out",
            source=str(out),
            field="--out",
        )
    if manifest.get("kind") != kind:
        raise ResultsError(
            f"--resume: the folder holds a '{manifest.get('kind')}' experiment, not a '{kind}'",
            source=str(out),
            field="--out",
        )
    if manifest.get("experiment_hash") != exp.sha256:
        raise ResultsError(
            f"--resume: the folder holds a run of another experiment file (or {exp.path} has "
            "changed since it started: its hash differs); nothing was written. Start it in a "
            "new --out folder",
            source=str(out),
            field="--out",
        )
    if manifest.get("plan_hash") != plan.fingerprint():
        raise ResultsError(
            "--resume: the experiment file is unchanged but its runs are not (the scenario "
            "files it names, or courtsim's scenario schema, have changed since the sweep "
            "started); nothing was written. Start it in a new --out folder",
            source=str(out),
            field="--out",
        )
    return manifest


def base_manifest(exp: Experiment, plan: Plan, kind: str) -> dict[str, Any]:
    """Return the manifest fields fixed by the experiment and its plan.

    Args:
        exp: The experiment.
        plan: Its plan.
        kind: ``sweep`` or ``sensitivity``.

    Returns:
        The manifest, without timings.
    """
    spec = exp.spec
    return {
        "kind": kind,
        "name": spec.name,
        "description": spec.description,
        "experiment_file": str(exp.path),
        "experiment_hash": exp.sha256,
        "experiment": spec.model_dump(mode="json"),
        "plan_hash": plan.fingerprint(),
        "base_scenario": {
            "file": str(plan.base_file),
            "name": plan.base.name,
            "hash": plan.base.content_hash(),
        },
        "factors": {
            k: {"type": plan.kinds[k], **f.model_dump(mode="json")} for k, f in plan.factors.items()
        },
        "seed": plan.seed,
        "replications": plan.replications,
        "n_points": len(plan.points),
        "n_runs": len(plan.runs),
        "kpis": list(plan.kpis),
        "daily": list(plan.daily),
        "scenario_hashes": sorted({r.scenario_hash for r in plan.runs if r.scenario_hash}),
        "runs": plan.run_table(),
        "versions": versions(),
    }


def run_plan(
    plan: Plan, store: RunStore, executor: Executor, progress: Progress, skip: set[str]
) -> tuple[int, int]:
    """Run every planned run not in ``skip``, writing each as it finishes.

    Runs whose scenario is invalid are recorded as failed without being sent anywhere.

    Args:
        plan: The plan.
        store: Where runs are written.
        executor: Where they run.
        progress: Progress display.
        skip: Run ids already finished.

    Returns:
        Runs finished and runs failed in this session.
    """
    by_id = {r.run_id: r for r in plan.runs}
    ok = failed = 0
    for r in plan.runs:
        if r.run_id not in skip and plan.scenarios[r.point] is None:
            store.write_run(r.run_id, run_rows(plan, r, None), None)
            failed += 1
            progress.update(False)
    # Ctrl-C is recorded and acted on between runs: each finished run is written whole,
    # and the interrupt cannot be swallowed by a library's cleanup code.
    with deferred_interrupts() as interrupt:
        for output in executor.run(plan.tasks(skip)):
            r = by_id[output.run_id]
            daily = daily_rows(plan, r, output) if output.ok and plan.daily else None
            store.write_run(r.run_id, run_rows(plan, r, output), daily)
            ok += output.ok
            failed += not output.ok
            progress.update(output.ok)
            interrupt.check()
    return ok, failed


def consolidate(plan: Plan, store: RunStore) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """Gather every run's rows, in plan order, into ``results.parquet`` (and ``daily.parquet``).

    Args:
        plan: The plan.
        store: The run files.

    Returns:
        The results frame and the daily frame (None when no daily series are kept).
    """
    ids = [r.run_id for r in plan.runs]
    results = coerce(pd.concat(store.read_runs(ids), ignore_index=True), plan)
    atomic_write_parquet(store.root / "results.parquet", results)
    daily = None
    if plan.daily:
        parts = store.read_runs(ids, "daily")
        daily = coerce(pd.concat(parts, ignore_index=True), plan, daily=True) if parts else None
        if daily is not None:
            atomic_write_parquet(store.root / "daily.parquet", daily)
    return results, daily


def execute_experiment(
    exp: Experiment,
    plan: Plan,
    out: str | Path,
    kind: str = "sweep",
    workers: int | None = None,
    scheduler: str | Client | None = None,
    resume: bool = False,
    progress: bool = True,
    timeout_s: float = 10.0,
) -> SweepOutcome:
    """Run a planned sweep or sensitivity experiment into ``out``.

    Args:
        exp: The experiment.
        plan: Its plan.
        out: Results folder.
        kind: ``sweep`` or ``sensitivity`` (the manifest's kind).
        workers: Local processes (1 = serial, None = every core).
        scheduler: Dask scheduler address or client (overrides ``workers``).
        resume: Continue the sweep already in ``out``.
        progress: Show a progress bar on stderr.
        timeout_s: Seconds to wait for the Dask scheduler.

    Returns:
        The outcome.

    Raises:
        ResultsError: The output folder cannot be used.
        ExperimentError: The executor cannot be used.
    """
    out = Path(out)
    previous = open_output(out, exp, plan, kind, resume)
    with make_executor(workers, scheduler, timeout_s) as executor:
        store = RunStore(out)
        store.create()
        with store.locked():
            store.clean_temporary()
            started = now_utc()
            manifest = previous or {**base_manifest(exp, plan, kind), "started_utc": started}
            manifest["status"] = "running"
            planned = {r.run_id for r in plan.runs}
            corrupt = store.set_aside_corrupt(store.finished() & planned)
            if corrupt:
                print(
                    f"courtsim: {len(corrupt)} finished run record(s) in {out}/runs/ could not "
                    f"be read (the first: {corrupt[0]}); set aside as *.ok.parquet.corrupt and "
                    "run again",
                    file=sys.stderr,
                )
            skip = store.finished() & planned
            session = {
                "started_utc": started,
                "executor": executor.describe(),
                "skipped": len(skip),
                "set_aside": corrupt,
            }
            manifest.setdefault("sessions", []).append(session)
            store.write_manifest(manifest)
            bar = Progress(len(plan.runs), f"{kind} {plan.name}", len(skip), enabled=progress)
            try:
                ran_ok, ran_failed = run_plan(plan, store, executor, bar, skip)
            except BaseException:
                session["finished_utc"] = now_utc()
                manifest["status"] = "interrupted"
                store.write_manifest(manifest)
                raise
            finally:
                bar.close()
            results, daily = consolidate(plan, store)
            n_failed = int(
                results.groupby("run_id", sort=False)["status"].first().eq("failed").sum()
            )
            session |= {"finished_utc": now_utc(), "ran": ran_ok + ran_failed, "failed": ran_failed}
            manifest |= {
                "finished_utc": session["finished_utc"],
                "status": "complete" if n_failed == 0 else "complete_with_failures",
                "n_ok": len(plan.runs) - n_failed,
                "n_failed": n_failed,
                "files": {
                    f: sha256_file(out / f)
                    for f in ("results.parquet", "daily.parquet")
                    if (out / f).is_file()
                },
            }
            store.write_manifest(manifest)
    return SweepOutcome(
        out, plan, results, daily, len(plan.runs) - n_failed, n_failed, len(skip), manifest
    )


def sweep(
    experiment: str | Path | Mapping[str, Any] | BaseModel,
    out: str | Path | None = None,
    workers: int | None = None,
    scheduler: str | Client | None = None,
    resume: bool = False,
    progress: bool = True,
    timeout_s: float = 10.0,
) -> SweepOutcome:
    """Run a ``kind: sweep`` experiment file.

    Args:
        experiment: The experiment file, or the same content in memory: a mapping (as
            the YAML reads; its ``scenario`` may be a ``Scenario`` object) or a spec.
        out: Results folder (default: a new temporary folder, named in the outcome) (created; or continued with ``resume``).
        workers: Local processes (1 = serial, None = every core).
        scheduler: Dask scheduler address (``tcp://host:8786``) or client.
        resume: Continue an interrupted sweep in ``out``, skipping finished runs.
        progress: Show a progress bar on stderr.
        timeout_s: Seconds to wait for the Dask scheduler.

    Returns:
        The outcome: consolidated results, counts, manifest.

    Raises:
        ExperimentError: The experiment file is invalid, or the executor cannot be used.
        ResultsError: The output folder cannot be used.

    Example:
        >>> out = sweep("experiments/conciliation_capacity.yaml", "results/capacity")
        >>> out.results.pivot_table(index="judges.count", columns="metric", values="value")
    """
    exp = as_experiment(experiment, "sweep")
    if out is None:
        out = tempfile.mkdtemp(prefix="courtsim-sweep-")
    plan = sweep_plan(exp)
    return execute_experiment(
        exp, plan, out, "sweep", workers, scheduler, resume, progress, timeout_s
    )
