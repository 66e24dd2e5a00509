"""Interrupts that are never lost, and SIGTERM that takes every child process with it.

Ctrl-C (SIGINT) during a batch of runs only *records* the request
(:func:`deferred_interrupts`); the batch checks it at each run boundary and stops there
with ``KeyboardInterrupt``. Raised at an arbitrary bytecode instead, the exception can
land in a destructor or a library's cleanup, where Python ignores it and the batch runs
on to the end. SIGTERM (``kill PID``) ends any long-running command
(:func:`terminate_on_sigterm`): every descendant process (pool workers, a fork server,
the resource tracker) is sent SIGTERM, then the command unwinds as if interrupted.
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
from collections.abc import Iterator
from pathlib import Path
from types import FrameType


class Terminated(BaseException):
    """The process received SIGTERM; like ``KeyboardInterrupt``, not an ``Exception``."""


class InterruptFlag:
    """Whether Ctrl-C was pressed since the flag was set up."""

    def __init__(self) -> None:
        self.requested = False

    def check(self) -> None:
        """Raise ``KeyboardInterrupt`` here, at a safe point, if Ctrl-C was pressed.

        Raises:
            KeyboardInterrupt: An interrupt was requested.
        """
        if self.requested:
            raise KeyboardInterrupt


@contextlib.contextmanager
def deferred_interrupts() -> Iterator[InterruptFlag]:
    """Record SIGINT instead of raising it; check the flag at run boundaries.

    Outside the main thread (where signal handlers cannot be set) the flag never trips
    and Python's own handling is left as it is. Leaving the block with the flag set
    raises ``KeyboardInterrupt``, so an interrupt after the last check is not lost.

    Yields:
        The flag.

    Raises:
        KeyboardInterrupt: On leaving the block, when Ctrl-C was pressed in it.
    """
    flag = InterruptFlag()
    if threading.current_thread() is not threading.main_thread():
        yield flag
        return

    def record(signum: int, frame: FrameType | None) -> None:
        flag.requested = True

    previous = signal.signal(signal.SIGINT, record)
    try:
        yield flag
    finally:
        signal.signal(signal.SIGINT, previous)
    flag.check()


def descendants(pid: int | None = None) -> list[int]:
    """Return the ids of every process descended from ``pid`` (Linux ``/proc``; else none).

    Args:
        pid: The ancestor (default: this process).

    Returns:
        Process ids, children before grandchildren.
    """
    root = os.getpid() if pid is None else pid
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # The name in parentheses may hold spaces: the parent id follows the last ')'.
        fields = stat.rsplit(")", 1)[-1].split()
        parents.setdefault(int(fields[1]), []).append(int(entry.name))
    out: list[int] = []
    frontier = [root]
    while frontier:
        children = [c for p in frontier for c in parents.get(p, [])]
        out.extend(children)
        frontier = children
    return out


def terminate_descendants() -> None:
    """Send SIGTERM to every descendant of this process (grandchildren first)."""
    for pid in reversed(descendants()):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, signal.SIGTERM)


def ignore_sigint_in_worker() -> None:
    """Pool initializer: a worker leaves Ctrl-C to its parent (no traceback of its own)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


@contextlib.contextmanager
def terminate_on_sigterm() -> Iterator[None]:
    """Turn SIGTERM into :class:`Terminated`, after sending SIGTERM to every descendant.

    Yields:
        Nothing; the handler is in place inside the block.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def on_term(signum: int, frame: FrameType | None) -> None:
        _quiet_threads_from_now()
        terminate_descendants()
        raise Terminated

    previous = signal.signal(signal.SIGTERM, on_term)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _quiet_threads_from_now() -> None:
    """Print no traceback for other threads' errors from now on: the process is ending.

    Killing the pool's workers can break the threads that serve them while they read or
    wake on the workers' pipes (``concurrent.futures``' manager thread, on a loaded
    machine); those errors are casualties of the termination, not failures to report.
    The main thread's own errors are still reported.
    """
    previous = threading.excepthook

    def hook(args: threading.ExceptHookArgs) -> None:
        if args.thread is threading.main_thread():
            previous(args)

    threading.excepthook = hook


def _importing(frame: FrameType | None) -> bool:
    """Whether ``frame`` runs inside an import (a frame of Python's import machinery)."""
    while frame is not None:
        if frame.f_code.co_filename.startswith("<frozen importlib"):
            return True
        frame = frame.f_back
    return False


@contextlib.contextmanager
def interrupts_outside_imports(retry_s: float = 0.005) -> Iterator[None]:
    """Raise Ctrl-C's ``KeyboardInterrupt`` as usual, except while a module is being imported.

    A command imports most of what it needs in its first second. An interrupt raised inside
    an import can be turned into something else by the module being imported: NumPy's
    C start-up, for one, reports it as an ``ImportError`` ("PyCapsule_Import could not
    import module 'datetime'"), and the command then fails with exit 1 instead of stopping.
    So an interrupt that lands in an import is held and sent again every ``retry_s``
    seconds until the import is over. Outside the main thread Python's handling is left
    as it is.

    Args:
        retry_s: Seconds between attempts to deliver a held interrupt.

    Yields:
        Nothing; the handler is in place inside the block.

    Raises:
        KeyboardInterrupt: On leaving the block, when an interrupt is still held.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    lock = threading.Lock()
    state = {"active": True, "held": False}
    timers: list[threading.Timer] = []

    def send_again() -> None:
        with lock:
            if state["active"] and state["held"]:
                state["held"] = False  # delivered to whichever handler is in force now
                os.kill(os.getpid(), signal.SIGINT)

    def on_int(signum: int, frame: FrameType | None) -> None:
        if not _importing(frame):
            with lock:
                state["held"] = False
            raise KeyboardInterrupt
        with lock:
            state["held"] = True
        timer = threading.Timer(retry_s, send_again)
        timer.daemon = True
        timers.append(timer)
        timer.start()

    previous = signal.signal(signal.SIGINT, on_int)
    try:
        yield
    finally:
        with lock:
            state["active"] = False
        for timer in timers:
            timer.cancel()
            timer.join()
        try:
            # signal.signal first runs the Python handler of a signal that arrived but was
            # not handled yet: on_int, outside any import now, raises it here.
            signal.signal(signal.SIGINT, previous)
        except KeyboardInterrupt:
            signal.signal(signal.SIGINT, previous)
            raise
    if state["held"]:
        raise KeyboardInterrupt
