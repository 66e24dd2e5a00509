"""Live runs for the dashboard: replications in worker processes, cached, with progress.

A :class:`LiveRunner` runs each (scenario, seed, replicate) once through the public
``courtsim.simulate`` and keeps a compact record of it (KPIs, a few daily series, the
time to disposition of disposed cases) in an LRU cache keyed by (scenario hash, seed,
replicate). Replicate r of every scenario uses ``SeedSequence(seed, spawn_key=(r,))``, so
scenarios run side by side are paired (common random numbers). The tables it returns
have the experiments package's columns (``scenario, replicate, seed, metric, value`` ...).
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from courtsim.errors import CourtsimError
from courtsim.i18n import _
from courtsim.interrupts import ignore_sigint_in_worker
from courtsim.resources import estimate
from courtsim.schema.scenario import Scenario

#: A batch whose largest run is estimated above this many bytes retires the worker pool
#: afterwards, so the workers' memory goes back to the system.
RECYCLE_BYTES = 150e6

#: Daily series kept from each run (those a run lacks are skipped).
DAILY_METRICS: tuple[str, ...] = (
    "n_pending",
    "n_backlog",
    "n_pre_court",
    "n_in_conciliation",
    "n_in_mediation",
    "n_queued_for_judge",
    "mean_age_pending",
)

Progress = Callable[[int, int], None]

#: Columns of :attr:`Replications.regions`.
REGION_COLUMNS = ("scenario", "replicate", "region", "metric", "value")


def run_one(scenario: Scenario, seed: int, replicate: int) -> dict[str, Any]:
    """Run one replicate and keep what the dashboard shows (runs in a worker process).

    Args:
        scenario: The scenario.
        seed: Master seed.
        replicate: Replicate number.

    Returns:
        ``kpis`` (dict), ``daily`` (name -> float array, day 0..horizon), ``ttd`` (float32
        array: days from filing to disposal of cases disposed in the KPI window),
        ``regions`` (region -> its KPIs, for a scenario of several courts; else empty)
        and ``run_seconds``.
    """
    from courtsim.runner import simulate

    res = simulate(scenario, seed=seed, replicate=replicate)
    c = res.cases
    lo, hi = scenario.reporting.warmup_days, scenario.horizon_days
    outcome = c["outcome"].astype(str)
    # Same population as the KPIs' time to disposition: cases the court disposed in the
    # window, leaving out returned claims and disputes settled before filing.
    disposed = (
        (c["t_disposed"] > lo)
        & (c["t_disposed"] <= hi)
        & ~outcome.isin(["returned", "settled_pre_court"])
    )
    ttd = (c.loc[disposed, "t_disposed"] - c.loc[disposed, "t_filed"]).to_numpy(np.float32)
    daily = {k: res.daily[k].to_numpy(np.float64) for k in DAILY_METRICS if k in res.daily}
    # Per-region KPIs only where there are regions to tell apart (the tile map).
    regions = (
        {str(k): {m: float(v) for m, v in row.items()} for k, row in res.region_kpis.iterrows()}
        if len(scenario.courts) > 1
        else {}
    )
    return {
        "kpis": {k: float(v) for k, v in res.kpis.items()},
        "daily": daily,
        "ttd": ttd,
        "regions": regions,
        "run_seconds": float(res.manifest.get("run_seconds", np.nan)),
    }


@dataclass
class Replications:
    """Replications of one or more scenarios, as the experiments package's long tables.

    Attributes:
        scenarios: Scenario name -> scenario, in run order (the first is the baseline).
        seed: Master seed.
        replications: Replications per scenario.
        kpis: ``scenario, replicate, seed, metric, value``.
        daily: ``scenario, replicate, day, metric, value`` (the series in ``DAILY_METRICS``).
        ttd: ``scenario, replicate, ttd_days``: one row per disposed case.
        manifest: Provenance: kind, seeds, scenario hashes, versions, timings.
        regions: ``scenario, replicate, region, metric, value`` for scenarios of several
            courts (empty otherwise).
    """

    scenarios: dict[str, Scenario]
    seed: int
    replications: int
    kpis: pd.DataFrame
    daily: pd.DataFrame
    ttd: pd.DataFrame
    manifest: dict[str, Any] = field(default_factory=dict)
    regions: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=list(REGION_COLUMNS))
    )
    _cache: dict[str, pd.DataFrame] = field(default_factory=dict, repr=False)

    @property
    def summary(self) -> pd.DataFrame:
        """KPI summary per scenario (``scenario, metric, n, mean, sd, ci_low, ...``)."""
        from courtsim.dashboard.tables import summarise_kpis

        if "summary" not in self._cache:
            self._cache["summary"] = summarise_kpis(self.kpis)
        return self._cache["summary"]

    @property
    def daily_summary(self) -> pd.DataFrame:
        """Daily series summarised over replicates, per scenario."""
        from courtsim.dashboard.tables import summarise_daily

        if "daily_summary" not in self._cache:
            self._cache["daily_summary"] = summarise_daily(self.daily)
        return self._cache["daily_summary"]

    @property
    def table(self) -> pd.DataFrame:
        """Paired comparison of every scenario with the first (empty for one scenario)."""
        from courtsim.dashboard.tables import COMPARISON_COLUMNS, paired_comparison

        if len(self.scenarios) < 2:
            return pd.DataFrame(columns=list(COMPARISON_COLUMNS))
        if "table" not in self._cache:
            self._cache["table"] = paired_comparison(self.kpis, next(iter(self.scenarios)))
        return self._cache["table"]


class LiveRunError(CourtsimError):
    """A live run failed (a worker died, or the model raised)."""


def _noop() -> int:
    return os.getpid()


class LiveRunner:
    """Runs replications in a small process pool, with an LRU cache of finished runs.

    Args:
        workers: Worker processes; 0 runs in this process (tests, tiny scenarios).
        cache_size: Runs kept in the cache.

    Example:
        >>> runner = LiveRunner(workers=2)
        >>> reps = runner.run({"baseline": sc}, replications=10, seed=1)
        >>> reps.summary
    """

    def __init__(self, workers: int | None = None, cache_size: int = 400):
        self.workers = min(4, os.cpu_count() or 1) if workers is None else workers
        self.cache_size = cache_size
        self._cache: OrderedDict[tuple[str, int, int], dict[str, Any]] = OrderedDict()
        self._lock = threading.Lock()
        self._pool: ProcessPoolExecutor | None = None

    def _executor(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._pool is None:
                # spawn, not fork: the web server is multi-threaded, and forking a threaded
                # process can deadlock (Python 3.12 warns about it).
                ctx = multiprocessing.get_context("spawn")
                self._pool = ProcessPoolExecutor(
                    max_workers=self.workers, mp_context=ctx, initializer=ignore_sigint_in_worker
                )
            return self._pool

    def warm(self, wait: bool = False) -> None:
        """Start the worker processes now (they import courtsim, ~1 s), not at the first run.

        Args:
            wait: Return only when every worker has started.
        """
        if self.workers > 0:
            pool = self._executor()
            futures = [pool.submit(_noop) for _ in range(self.workers)]
            if wait:
                for f in futures:
                    f.result()

    def close(self) -> None:
        """Stop the worker processes."""
        with self._lock:
            if self._pool is not None:
                self._pool.shutdown(wait=True, cancel_futures=True)
                self._pool = None

    def _get(self, key: tuple[str, int, int]) -> dict[str, Any] | None:
        with self._lock:
            hit = self._cache.get(key)
            if hit is not None:
                self._cache.move_to_end(key)
            return hit

    def _put(self, key: tuple[str, int, int], value: dict[str, Any]) -> None:
        with self._lock:
            self._cache[key] = value
            self._cache.move_to_end(key)
            while len(self._cache) > self.cache_size:
                self._cache.popitem(last=False)

    def run(
        self,
        scenarios: dict[str, Scenario],
        replications: int,
        seed: int,
        progress: Progress | None = None,
    ) -> Replications:
        """Run every scenario ``replications`` times (paired seeds) and tabulate.

        Args:
            scenarios: Name -> scenario; the first is the baseline of comparisons.
            replications: Replications per scenario.
            seed: Master seed.
            progress: Called with (runs done, runs in total) as runs finish.

        Returns:
            The replications' tables.

        Raises:
            LiveRunError: A run failed.
        """
        jobs = [
            (name, sc, sc.content_hash(), r)
            for name, sc in scenarios.items()
            for r in range(replications)
        ]
        total, done = len(jobs), 0
        records: dict[tuple[str, int], dict[str, Any]] = {}
        todo = []
        for name, sc, h, r in jobs:
            hit = self._get((h, seed, r))
            if hit is None:
                todo.append((name, sc, h, r))
            else:
                records[(name, r)] = hit
                done += 1
        if progress:
            progress(done, total)
        try:
            for (name, _sc, h, r), rec in self._execute(todo, seed):
                self._put((h, seed, r), rec)
                records[(name, r)] = rec
                done += 1
                if progress:
                    progress(done, total)
        except BrokenProcessPool:
            self._reset()
            raise LiveRunError(
                _(
                    "a worker process stopped during the run (out of memory?); try fewer "
                    "replications or a smaller scenario"
                )
            ) from None
        except CourtsimError:
            raise
        except Exception as exc:  # the model itself failed: say so, keep the server up
            raise LiveRunError(
                _(
                    "the simulation failed ({error}); this is a bug in courtsim, please report "
                    "it with the scenario"
                ).format(error=f"{type(exc).__name__}: {exc}")
            ) from exc
        finally:
            # A worker keeps the memory its largest run took: after a big run, retire the
            # pool so that it goes back to the system (the next run starts fresh workers).
            if todo and max(estimate(sc).bytes for _, sc, _, _ in todo) > RECYCLE_BYTES:
                self._reset()
        return self._tabulate(scenarios, replications, seed, records)

    def _reset(self) -> None:
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)

    def _execute(self, todo: list[tuple[str, Scenario, str, int]], seed: int) -> Any:
        if not todo:
            return
        if self.workers == 0:
            for item in todo:
                yield item, run_one(item[1], seed, item[3])
            return
        pool = self._executor()
        futures: dict[Future[dict[str, Any]], tuple[str, Scenario, str, int]] = {
            pool.submit(run_one, sc, seed, r): (name, sc, h, r) for name, sc, h, r in todo
        }
        try:
            for fut in as_completed(futures):
                yield futures[fut], fut.result()
        finally:
            for fut in futures:
                fut.cancel()

    @staticmethod
    def _tabulate(
        scenarios: dict[str, Scenario],
        replications: int,
        seed: int,
        records: dict[tuple[str, int], dict[str, Any]],
    ) -> Replications:
        from courtsim.result import package_versions

        kpi_rows, daily_parts, ttd_parts, region_rows = [], [], [], []
        for name in scenarios:
            for r in range(replications):
                rec = records[(name, r)]
                kpi_rows.extend((name, r, seed, k, v) for k, v in rec["kpis"].items())
                region_rows.extend(
                    (name, r, region, k, v)
                    for region, values in rec["regions"].items()
                    for k, v in values.items()
                )
                for metric, values in rec["daily"].items():
                    daily_parts.append(
                        pd.DataFrame(
                            {
                                "scenario": name,
                                "replicate": r,
                                "day": np.arange(values.size),
                                "metric": metric,
                                "value": values,
                            }
                        )
                    )
                ttd_parts.append(
                    pd.DataFrame({"scenario": name, "replicate": r, "ttd_days": rec["ttd"]})
                )
        kpis = pd.DataFrame(kpi_rows, columns=["scenario", "replicate", "seed", "metric", "value"])
        manifest = {
            "kind": "compare" if len(scenarios) > 1 else "replicate",
            "source": "courtsim dashboard (live run)",
            "seed": seed,
            "replications": replications,
            "seeding": "replicate r uses SeedSequence(seed, spawn_key=(r,))",
            "scenarios": {n: s.content_hash() for n, s in scenarios.items()},
            "baseline": next(iter(scenarios)),
            "run_seconds": round(sum(rec["run_seconds"] for rec in records.values()), 3),
            "versions": package_versions(),
        }
        return Replications(
            scenarios=dict(scenarios),
            seed=seed,
            replications=replications,
            kpis=kpis,
            daily=pd.concat(daily_parts, ignore_index=True),
            ttd=pd.concat(ttd_parts, ignore_index=True),
            manifest=manifest,
            regions=pd.DataFrame(region_rows, columns=list(REGION_COLUMNS)),
        )
