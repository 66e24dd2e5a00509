"""The dashboard's server-side state: settings, shipped scenarios, runs and opened results.

One :class:`AppContext` per app. Everything a page refers to by id (an uploaded scenario,
a finished run, an opened folder) lives here in small LRU stores, so the browser only
holds ids and a malformed or stale id is an error message, never a crash.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, TypeVar

import courtsim
from courtsim.dashboard.live import LiveRunner
from courtsim.dashboard.safety import DEFAULT_LIMITS, Limits, RunLimitError
from courtsim.errors import CourtsimError, ScenarioError
from courtsim.i18n import N_, _
from courtsim.schema.scenario import Scenario, load_scenario

log = logging.getLogger("courtsim.dashboard")
T = TypeVar("T")
#: What a page may ask for that the server no longer holds, as messages name it.
HELD: dict[str, str] = {
    "result": N_("this result"),
    "view": N_("these results"),
    "uploaded scenario": N_("the uploaded scenario"),
    "results folder": N_("this results folder"),
    "progress": N_("the run's progress"),
    "drawing": N_("this drawing"),
}


class LRUStore(Generic[T]):
    """A small thread-safe mapping that forgets its least recently used entries.

    Args:
        size: Entries kept.
    """

    def __init__(self, size: int = 32):
        self.size = size
        self._data: OrderedDict[str, T] = OrderedDict()
        self._lock = threading.Lock()

    def put(self, key: str, value: T) -> str:
        """Store a value; return its key."""
        with self._lock:
            self._data[key] = value
            self._data.move_to_end(key)
            while len(self._data) > self.size:
                self._data.popitem(last=False)
        return key

    def get(self, key: Any, what: str = "result") -> T:
        """Return a stored value.

        Args:
            key: Its key (as sent by the page; any type).
            what: What it is, for the message.

        Returns:
            The value.

        Raises:
            CourtsimError: No such key (expired, or the server was restarted).
        """
        with self._lock:
            if isinstance(key, str) and key in self._data:
                self._data.move_to_end(key)
                return self._data[key]
        raise CourtsimError(
            _("{what}: no longer held by the server; run or open it again").format(
                what=_(HELD.get(what, what))
            )
        )


def default_scenarios_dir() -> Path:
    """Return the shipped ``scenarios/`` folder (next to ``src/`` in a checkout), or ``./scenarios``."""
    here = Path(courtsim.__file__).resolve().parents[2] / "scenarios"
    return here if here.is_dir() else Path.cwd() / "scenarios"


def shipped_scenarios(folder: Path) -> dict[str, Scenario]:
    """Load the scenario files of a folder (not its subfolders), skipping broken ones.

    Args:
        folder: The folder.

    Returns:
        File stem -> scenario, sorted with ``baseline`` first.
    """
    out: dict[str, Scenario] = {}
    for path in sorted(folder.glob("*.yaml")) if folder.is_dir() else []:
        try:
            out[path.stem] = load_scenario(path)
        except ScenarioError as exc:
            log.warning("skipping scenario %s: %s", path, exc)
    return dict(sorted(out.items(), key=lambda kv: (kv[0] != "baseline", kv[0])))


@dataclass
class AppContext:
    """State shared by the callbacks of one dashboard app.

    Attributes:
        results_root: The only folder the app reads results from (``--results``).
        scenarios: Shipped scenarios by name.
        limits: Caps on uploads and runs.
        runner: Runs replications (worker processes, cache).
        max_active_runs: Live runs allowed at once (others are told to wait).
    """

    results_root: Path
    scenarios: dict[str, Scenario]
    limits: Limits = DEFAULT_LIMITS
    runner: LiveRunner = field(default_factory=LiveRunner)
    max_active_runs: int = 2
    uploads: LRUStore[Scenario] = field(default_factory=lambda: LRUStore(32))
    views: LRUStore[Any] = field(default_factory=lambda: LRUStore(64))
    progress: LRUStore[tuple[int, int]] = field(default_factory=lambda: LRUStore(256))
    #: A view's outputs as drawn in a language (``"<view>|<lang>"``), for the language switch.
    drawn: LRUStore[Any] = field(default_factory=lambda: LRUStore(64))
    _active: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def scenario(self, name: Any) -> Scenario:
        """Return a shipped scenario by name.

        Raises:
            CourtsimError: No such scenario.
        """
        if isinstance(name, str) and name in self.scenarios:
            return self.scenarios[name]
        raise CourtsimError(_("there is no shipped scenario called {name}").format(name=repr(name)))

    def run_slot(self) -> _RunSlot:
        """Return a context manager holding one of the live-run slots.

        Raises:
            RunLimitError: All slots are taken.
        """
        return _RunSlot(self)


class _RunSlot:
    def __init__(self, ctx: AppContext):
        self.ctx = ctx

    def __enter__(self) -> None:
        with self.ctx._lock:
            if self.ctx._active >= self.ctx.max_active_runs:
                raise RunLimitError(
                    _(
                        "the server is already running {n} simulations; try again in a few seconds"
                    ).format(n=self.ctx._active)
                )
            self.ctx._active += 1

    def __exit__(self, *exc: object) -> None:
        with self.ctx._lock:
            self.ctx._active -= 1
