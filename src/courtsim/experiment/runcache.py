"""Runs asked for by sequential questions, each done once: keyed by scenario hash, seed, replicate.

Target searches and allocations decide what to run next from what they have seen, in
rounds. Each round asks this cache for (scenario, replicate) pairs; the ones not yet known
go to the executor together (so a pool or a Dask cluster runs them in parallel), and each
is written to the results folder's ``runs/`` as it finishes
(:class:`~courtsim.experiment.store.RunStore`). A run's key is
``<scenario hash>-s<seed>-r<replicate>``, so a question restarted with ``--resume`` finds
its finished runs, takes the same decisions from the same numbers, and only runs the rest.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import numpy.typing as npt
import pandas as pd

from courtsim.experiment.executor import Executor
from courtsim.experiment.progress import Progress
from courtsim.experiment.spec import RunsFailedError
from courtsim.experiment.store import RunStore
from courtsim.experiment.worker import RunOutput, RunTask
from courtsim.schema.scenario import Scenario

_COLUMNS = ["run_id", "label", "scenario_hash", "seed", "replicate", "metric", "value"]


class RunCache:
    """KPIs of runs, computed on demand through an executor and kept in memory and on disk.

    Args:
        executor: Where runs execute.
        kpis: KPIs kept from each run.
        seed: Master seed (replicate r uses ``SeedSequence(seed, spawn_key=(r,))``).
        store: The results folder's run files, or None to keep runs in memory only.
        progress: Progress display (its total grows as rounds are planned).
    """

    def __init__(
        self,
        executor: Executor,
        kpis: Iterable[str],
        seed: int,
        store: RunStore | None = None,
        progress: Progress | None = None,
    ):
        self.executor = executor
        self.kpis = tuple(dict.fromkeys(kpis))
        self.seed = seed
        self.store = store
        self.progress = progress
        self._values: dict[str, dict[str, float]] = {}
        self._labels: dict[str, str] = {}
        self._hashes: dict[str, str] = {}
        self.ran = 0
        self.reused = 0
        self._on_disk = store.finished() if store is not None else set()

    def run_id(self, sc: Scenario, replicate: int) -> str:
        """Return the key of replicate ``replicate`` of ``sc`` (with this cache's seed)."""
        return self._key(sc.content_hash(), replicate)

    def _key(self, scenario_hash: str, replicate: int) -> str:
        return f"{scenario_hash[:16]}-s{self.seed}-r{replicate}"

    def ensure(self, wanted: Iterable[tuple[str, Scenario, int]]) -> None:
        """Make sure the runs exist: read them from disk, or run the missing ones together.

        Args:
            wanted: ``(label, scenario, replicate)``; the label names the run in tables.

        Raises:
            RunsFailedError: A run failed (its error is recorded; the others are kept).
        """
        tasks: list[RunTask] = []
        queued: set[str] = set()
        for label, sc, rep in wanted:
            h = sc.content_hash()
            rid = self._key(h, rep)
            if rid in self._values or rid in queued:
                continue
            self._labels[rid], self._hashes[rid] = label, h
            if rid in self._on_disk and self.store is not None:
                rows = self.store.read_runs([rid])[0]
                self._values[rid] = dict(zip(rows["metric"], rows["value"], strict=True))
                self.reused += 1
                continue
            tasks.append(RunTask(rid, sc, self.seed, rep, self.kpis))
            queued.add(rid)
        if not tasks:
            return
        if self.progress is not None:
            self.progress.total += len(tasks)
        by_id = {t.run_id: t for t in tasks}
        failed: list[RunOutput] = []
        for out in self.executor.run(tasks):
            self._write(by_id[out.run_id], out)
            self.ran += 1
            if self.progress is not None:
                self.progress.update(out.ok)
            if out.ok:
                self._values[out.run_id] = out.kpis
            else:
                failed.append(out)
        if failed:
            first = min(failed, key=lambda o: o.run_id)
            raise RunsFailedError(
                f"{len(failed)} run(s) failed, so the question cannot be decided; the first, "
                f"{self._labels[first.run_id]} replicate {by_id[first.run_id].replicate}: "
                f"{first.error}. Finished runs are kept; --resume retries the failed ones",
                source="runs",
            )

    def _write(self, task: RunTask, out: RunOutput) -> None:
        if self.store is None:
            return
        base = {
            "run_id": task.run_id,
            "label": self._labels[task.run_id],
            "scenario_hash": self._hashes[task.run_id],
            "seed": task.seed,
            "replicate": task.replicate,
        }
        if out.ok:
            rows = [
                base | {"metric": k, "value": v, "status": "ok", "error": ""}
                for k, v in out.kpis.items()
            ]
        else:
            rows = [
                base | {"metric": "", "value": float("nan"), "status": "failed", "error": out.error}
            ]
        self.store.write_run(task.run_id, pd.DataFrame(rows), None)

    def values(self, sc: Scenario, kpi: str, n: int) -> npt.NDArray[np.float64]:
        """Return the KPI of replicates 0..n-1 of ``sc`` (they must have been ensured).

        Args:
            sc: The scenario.
            kpi: The KPI.
            n: Replicates.

        Returns:
            One value per replicate (NaN where the KPI is undefined).
        """
        h = sc.content_hash()
        out = np.empty(n, dtype=np.float64)
        for r in range(n):
            out[r] = self._values[self._key(h, r)].get(kpi, float("nan"))
        return out

    def table(self) -> pd.DataFrame:
        """Return every run's KPIs as a long frame, in key order (for ``results.parquet``)."""
        rows = []
        for rid in sorted(self._values):
            rep = int(rid.rsplit("-r", 1)[1])
            for k in self.kpis:
                v = self._values[rid].get(k, float("nan"))
                rows.append((rid, self._labels[rid], self._hashes[rid], self.seed, rep, k, v))
        return pd.DataFrame(rows, columns=_COLUMNS)
