"""One simulation run as a unit of work: the task sent to a worker and what comes back."""

from __future__ import annotations

import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import numpy.typing as npt

from courtsim.runner import simulate
from courtsim.schema.scenario import Scenario


@dataclass(frozen=True)
class RunTask:
    """A run to do: replicate ``replicate`` of ``seed`` on ``scenario``.

    Attributes:
        run_id: Key of the run within its experiment.
        scenario: The scenario, all overrides applied.
        seed: Master seed.
        replicate: Replicate number (streams ``SeedSequence(seed, spawn_key=(replicate,))``).
        kpis: KPI names to return (missing ones come back NaN).
        daily: Daily series to return.
    """

    run_id: str
    scenario: Scenario
    seed: int
    replicate: int
    kpis: tuple[str, ...]
    daily: tuple[str, ...] = ()


@dataclass
class RunOutput:
    """What a run returns: its KPIs and daily series, or its error.

    Attributes:
        run_id: Key of the run.
        ok: Whether it finished.
        error: The error, as one line, when it did not.
        kpis: KPI name -> value.
        daily: Series name -> one value per day from day 0 (float64).
        seconds: Wall time of the run, in seconds.
    """

    run_id: str
    ok: bool
    error: str = ""
    kpis: dict[str, float] = field(default_factory=dict)
    daily: dict[str, npt.NDArray[np.float64]] = field(default_factory=dict)
    seconds: float = 0.0


def describe_exception(exc: BaseException) -> str:
    """Return an exception as one line: type, message and where it was raised.

    Args:
        exc: The exception.

    Returns:
        For example ``"ZeroDivisionError: division by zero (model.py:123)"``.
    """
    tb = traceback.extract_tb(exc.__traceback__)
    where = f" ({Path(tb[-1].filename).name}:{tb[-1].lineno})" if tb else ""
    msg = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {msg}{where}"


def execute(task: RunTask) -> RunOutput:
    """Run one task; never raises for an error inside the simulation.

    Runs in a worker process (local pool or Dask) or in the calling process; the result
    depends only on the task, never on which worker ran it.

    Args:
        task: The run.

    Returns:
        The run's KPIs and daily series, or its error.
    """
    t0 = time.perf_counter()
    try:
        res = simulate(task.scenario, seed=task.seed, replicate=task.replicate)
        kpis = {k: float(res.kpis.get(k, float("nan"))) for k in task.kpis}
        daily = {s: res.daily[s].to_numpy(dtype=np.float64) for s in task.daily}
    except Exception as exc:  # a failed run is recorded and must not stop the others
        return RunOutput(
            task.run_id, ok=False, error=describe_exception(exc), seconds=time.perf_counter() - t0
        )
    return RunOutput(task.run_id, True, "", kpis, daily, time.perf_counter() - t0)


def probe_names(scenario: Scenario) -> tuple[list[str], list[str]]:
    """Return the KPI and daily series names a scenario's runs report.

    Runs the scenario for two days, which is enough to learn the names.

    Args:
        scenario: The scenario.

    Returns:
        KPI names and daily series names, in the engine's order.
    """
    short = scenario.with_overrides({"horizon_days": 2, "reporting.warmup_days": 0}, source="probe")
    res = simulate(short, seed=0)
    return list(res.kpis), [c for c in res.daily.columns if c not in ("date", "working_day")]
