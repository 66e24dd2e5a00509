"""Where runs execute: in this process, on a local process pool, or on a Dask cluster.

Every executor takes the same :class:`~courtsim.experiment.worker.RunTask` objects and
yields their :class:`~courtsim.experiment.worker.RunOutput` in completion order. A run's
result depends only on its task (scenario, seed, replicate), so the three give identical
results run by run; only the order in which runs finish differs.
"""

from __future__ import annotations

import concurrent.futures as cf
import multiprocessing as mp
import os
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator
from concurrent.futures.process import BrokenProcessPool
from importlib import metadata
from typing import TYPE_CHECKING, Any

from courtsim.experiment.spec import ExperimentError
from courtsim.experiment.worker import RunOutput, RunTask, describe_exception, execute
from courtsim.interrupts import ignore_sigint_in_worker
from courtsim.result import package_versions

if TYPE_CHECKING:
    from types import TracebackType

    from distributed import Client

_BROKEN_AT_START = (
    "the local worker processes stopped before finishing any run. If you call courtsim "
    'from a script, put that code under `if __name__ == "__main__":` (each worker process '
    "imports the script again, as Python's multiprocessing does), or pass workers=1 to run "
    "in this process; otherwise the machine may be out of memory"
)

#: Versions that must agree between this process and Dask workers for identical results.
_MUST_MATCH = ("courtsim", "numpy", "scipy", "mesa", "pandas")


class Executor(ABC):
    """Runs tasks and yields their outputs as they finish; a context manager."""

    @abstractmethod
    def run(self, tasks: Iterable[RunTask]) -> Iterator[RunOutput]:
        """Execute ``tasks``, yielding each output as soon as its run finishes.

        Args:
            tasks: The runs.

        Yields:
            One output per task, in completion order.
        """

    @abstractmethod
    def describe(self) -> dict[str, Any]:
        """Return what ran the runs, for the manifest."""

    @property
    def slots(self) -> int:
        """Runs that can execute at the same time (questions that run in rounds fill them)."""
        return 1

    def close(self) -> None:  # noqa: B027 - optional hook: most executors hold nothing
        """Release workers and connections."""

    def __enter__(self) -> Executor:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class SerialExecutor(Executor):
    """Runs tasks one after the other in this process."""

    def run(self, tasks: Iterable[RunTask]) -> Iterator[RunOutput]:
        """Execute tasks in order (see :meth:`Executor.run`).

        Args:
            tasks: The runs.

        Yields:
            One output per task.
        """
        for task in tasks:
            yield execute(task)

    def describe(self) -> dict[str, Any]:
        """Return ``{"executor": "serial", "workers": 1}``."""
        return {"executor": "serial", "workers": 1}


class PoolExecutor(Executor):
    """Runs tasks on a pool of local worker processes.

    Workers start from a fork server that has imported courtsim once, so they start fast
    and never inherit the parent's threads. At most ``4 x workers`` tasks are in flight,
    so a long sweep holds little memory and an interruption cancels quickly.

    Args:
        workers: Number of processes (default: the machine's cores).
    """

    def __init__(self, workers: int | None = None):
        self.workers = int(workers or os.cpu_count() or 1)
        methods = mp.get_all_start_methods()
        ctx = mp.get_context("forkserver" if "forkserver" in methods else "spawn")
        if "forkserver" in methods:
            ctx.set_forkserver_preload(["courtsim.experiment.worker"])
        self._pool = cf.ProcessPoolExecutor(
            max_workers=self.workers, mp_context=ctx, initializer=ignore_sigint_in_worker
        )

    def run(self, tasks: Iterable[RunTask]) -> Iterator[RunOutput]:
        """Execute tasks on the pool (see :meth:`Executor.run`).

        Args:
            tasks: The runs.

        Yields:
            One output per task, in completion order.
        """
        pending: dict[cf.Future[RunOutput], str] = {}
        it = iter(tasks)
        window = 4 * self.workers
        exhausted = False
        finished = 0
        try:
            while True:
                while not exhausted and len(pending) < window:
                    task = next(it, None)
                    if task is None:
                        exhausted = True
                        break
                    pending[self._pool.submit(execute, task)] = task.run_id
                if not pending:
                    return
                done, _ = cf.wait(pending, return_when=cf.FIRST_COMPLETED)
                for fut in done:
                    run_id = pending.pop(fut)
                    try:
                        out = fut.result()
                    except BrokenProcessPool as exc:
                        if not finished:
                            raise ExperimentError(_BROKEN_AT_START, source="workers") from exc
                        out = RunOutput(run_id, ok=False, error=describe_exception(exc))
                    except Exception as exc:  # the worker died (killed, out of memory)
                        out = RunOutput(run_id, ok=False, error=describe_exception(exc))
                    finished += 1
                    yield out
        finally:
            for fut in pending:
                fut.cancel()

    @property
    def slots(self) -> int:
        """One run at a time per worker process."""
        return self.workers

    def describe(self) -> dict[str, Any]:
        """Return ``{"executor": "pool", "workers": N}``."""
        return {"executor": "pool", "workers": self.workers}

    def close(self) -> None:
        """Shut the pool down, cancelling runs not yet started."""
        self._pool.shutdown(wait=True, cancel_futures=True)


def _worker_versions() -> dict[str, str]:
    """Return the package versions of the process it runs in (called on Dask workers)."""
    return package_versions()


class DaskExecutor(Executor):
    """Runs tasks on an existing Dask distributed cluster.

    Args:
        scheduler: The scheduler's address (``tcp://host:8786``) or a connected ``Client``.
        timeout_s: How long to wait for the scheduler and for a first worker, in seconds.

    Raises:
        ExperimentError: Dask is not installed, the scheduler cannot be reached, it has no
            workers, or its workers run other versions of courtsim or its dependencies.
    """

    def __init__(self, scheduler: str | Client, timeout_s: float = 10.0):
        try:
            from distributed import Client
        except ImportError:  # pragma: no cover - an optional extra
            raise ExperimentError(
                "running on a Dask cluster needs dask[distributed]: "
                "pip install 'courtsim[distributed]'",
                source="--scheduler",
            ) from None
        self._own = not isinstance(scheduler, Client)
        if isinstance(scheduler, Client):
            self.client = scheduler
            self.address = str(scheduler.scheduler.address)
        else:
            self.address = scheduler
            if not isinstance(scheduler, str) or "://" not in scheduler:
                raise ExperimentError(
                    f"'{scheduler}' is not a scheduler address such as tcp://127.0.0.1:8786",
                    source="--scheduler",
                )
            try:
                self.client = Client(scheduler, timeout=f"{timeout_s}s", set_as_default=False)
            except (OSError, TimeoutError, ValueError) as exc:
                raise ExperimentError(
                    f"cannot reach a Dask scheduler at {scheduler} within {timeout_s:g} s "
                    f"({type(exc).__name__}); start one with `dask scheduler` and workers with "
                    f"`dask worker {scheduler}` (see README, Experiments), or leave out "
                    "--scheduler to use this machine's cores. Nothing was run or written",
                    source="--scheduler",
                ) from None
        try:
            self._check_workers(timeout_s)
        except BaseException:
            self.close()
            raise

    def _check_workers(self, timeout_s: float) -> None:
        try:
            self.client.wait_for_workers(1, timeout=timeout_s)
        except (TimeoutError, OSError):
            raise ExperimentError(
                f"the Dask scheduler at {self.address} has no workers; start some with "
                f"`dask worker {self.address}`. Nothing was run or written",
                source="--scheduler",
            ) from None
        here = package_versions()
        try:
            theirs = self.client.run(_worker_versions)
        except Exception as exc:
            raise ExperimentError(
                f"the Dask workers at {self.address} cannot run courtsim "
                f"({describe_exception(exc)}); start them from the environment where courtsim "
                "is installed",
                source="--scheduler",
            ) from None
        for worker, versions in theirs.items():
            bad = [p for p in _MUST_MATCH if versions.get(p) != here.get(p)]
            if bad:
                diffs = ", ".join(f"{p} {versions.get(p)} (here {here.get(p)})" for p in bad)
                raise ExperimentError(
                    f"Dask worker {worker} runs other versions: {diffs}; results would not "
                    "match runs made here. Start the workers from this environment",
                    source="--scheduler",
                )

    def run(self, tasks: Iterable[RunTask]) -> Iterator[RunOutput]:
        """Execute tasks on the cluster (see :meth:`Executor.run`).

        Args:
            tasks: The runs.

        Yields:
            One output per task, in completion order.
        """
        from distributed import as_completed

        task_list = list(tasks)
        if not task_list:
            return
        futures = self.client.map(execute, task_list, pure=False)
        ids = {f.key: t.run_id for f, t in zip(futures, task_list, strict=True)}
        try:
            for fut in as_completed(futures, loop=self.client.loop):
                try:
                    yield fut.result()
                except Exception as exc:  # the worker died or the task was lost
                    yield RunOutput(ids[fut.key], ok=False, error=describe_exception(exc))
        finally:
            self.client.cancel([f for f in futures if not f.done()])

    @property
    def slots(self) -> int:
        """The cluster's worker threads now (at least 1; workers may come and go)."""
        return max(1, sum(self.client.nthreads().values()))

    def describe(self) -> dict[str, Any]:
        """Return the scheduler address, the workers and the Dask version."""
        info = self.client.scheduler_info()
        return {
            "executor": "dask",
            "scheduler": self.address,
            "workers": len(info.get("workers", {})),
            "distributed": metadata.version("distributed"),
        }

    def close(self) -> None:
        """Disconnect (a client passed in by the caller is left open)."""
        if self._own:
            self.client.close()


def make_executor(
    workers: int | None = None,
    scheduler: str | Client | None = None,
    timeout_s: float = 10.0,
) -> Executor:
    """Return the executor for the given options.

    Args:
        workers: Local processes; 1 runs serially in this process; None uses every core.
        scheduler: A Dask scheduler address or client; when given, ``workers`` is ignored.
        timeout_s: Seconds to wait for the Dask scheduler and a first worker.

    Returns:
        The executor (use it as a context manager).

    Raises:
        ExperimentError: ``workers`` is below 1, or the Dask cluster cannot be used.
    """
    if scheduler is not None:
        return DaskExecutor(scheduler, timeout_s)
    if workers is not None and workers < 1:
        raise ExperimentError(f"must be at least 1 (got {workers})", source="--workers")
    n = workers or os.cpu_count() or 1
    return SerialExecutor() if n == 1 else PoolExecutor(n)
