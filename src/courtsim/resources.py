"""How much memory a run will need, estimated from the whole scenario before anything is built.

The estimate counts every case the run will hold (the caseload pending on day 0 plus the
filings over the horizon, following ``filings.schedule``) and every judge, at the bytes
each was measured to cost (``benchmarks/bench_memory.py``). ``courtsim run``, ``compare``,
the sweeps' workers and the dashboard's live-run cap all use it, so a scenario the schema
allows but the machine cannot hold is refused with the estimate in the message, before
any array is allocated.
"""

from __future__ import annotations

import datetime as dt
import resource
from dataclasses import dataclass
from pathlib import Path

from courtsim.errors import ScenarioError
from courtsim.schema.scenario import Scenario

#: Peak bytes per case of a run, tables and Parquet conversion included: measured at
#: 1,170-1,280 B on the shipped scenarios (100k-410k cases), plus 25% for the engine's growth.
BYTES_PER_CASE = 1_600
#: Bytes per judge (agents and per-judge arrays): measured at ~1,000 B with 20,000 judges.
BYTES_PER_JUDGE = 2_000
#: Bytes per simulated day (the daily series): a few hundred columns of float64.
BYTES_PER_DAY = 4_000
#: Share of the free memory one run may take: the rest is for the process and the system.
USABLE_SHARE = 0.8


@dataclass(frozen=True)
class Estimate:
    """The size of one run.

    Attributes:
        initial_cases: Cases pending on day 0.
        filed_cases: Expected filings over the horizon.
        judges: Judges.
        days: Simulated days.
        bytes: Expected peak memory of the run (bytes).
    """

    initial_cases: float
    filed_cases: float
    judges: int
    days: int
    bytes: float

    @property
    def cases(self) -> float:
        """Cases the run holds: pending on day 0 plus expected filings."""
        return self.initial_cases + self.filed_cases

    def describe(self) -> str:
        """Return the estimate as a phrase for messages."""
        return (
            f"about {self.cases:,.0f} cases ({self.initial_cases:,.0f} pending on day 0 + "
            f"{self.filed_cases:,.0f} filed over {self.days:,} days) and {self.judges:,} "
            f"judges, about {self.bytes / 1e9:,.2f} GB"
        )


def expected_filings(sc: Scenario) -> float:
    """Return the expected number of claims filed over the horizon, schedule included.

    Args:
        sc: The scenario.

    Returns:
        Expected filings (the rate in force each day, summed; seasonality averages to 1).
    """
    start = sc.start_date
    end = start + dt.timedelta(days=sc.horizon_days)
    steps = [(start, sc.filings.per_year)]
    for entry in sc.filings.schedule:
        steps.append((max(entry.from_date, start), entry.per_year))
    total = 0.0
    for i, (since, rate) in enumerate(steps):
        until = steps[i + 1][0] if i + 1 < len(steps) else end
        days = (min(until, end) - since).days
        if days > 0:
            total += rate * days / 365.0
    return total


def estimate(sc: Scenario) -> Estimate:
    """Estimate the size of one run of ``sc``.

    Args:
        sc: The scenario.

    Returns:
        The estimate.
    """
    initial = sc.initial_pending.per_judge * sc.judges.count
    filed = expected_filings(sc)
    n_bytes = (
        (initial + filed) * BYTES_PER_CASE
        + sc.judges.count * BYTES_PER_JUDGE
        + (sc.horizon_days + 1) * BYTES_PER_DAY
    )
    return Estimate(initial, filed, sc.judges.count, sc.horizon_days, n_bytes)


def _meminfo_available() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return float(line.split()[1]) * 1024
    except OSError:
        return None
    return None


def _cgroup_available() -> float | None:
    try:
        limit = Path("/sys/fs/cgroup/memory.max").read_text().strip()
        used = Path("/sys/fs/cgroup/memory.current").read_text().strip()
    except OSError:
        return None
    if limit == "max":
        return None
    return float(limit) - float(used)


def _address_space_available() -> float | None:
    soft, _ = resource.getrlimit(resource.RLIMIT_AS)
    if soft == resource.RLIM_INFINITY:
        return None
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmSize:"):
                return soft - float(line.split()[1]) * 1024
    except OSError:
        return None
    return float(soft)


def available_memory() -> float | None:
    """Return the bytes this process can still allocate, or None when it cannot be told.

    The smallest of the system's available memory, the container's (cgroup) limit and
    the process's address-space limit (``ulimit -v``).

    Returns:
        Bytes, or None.
    """
    known = [
        v for v in (_meminfo_available(), _cgroup_available(), _address_space_available()) if v
    ]
    return min(known) if known else None


def check_fits(sc: Scenario, source: str = "scenario", available: float | None = None) -> Estimate:
    """Refuse a run that will not fit in memory, before anything is allocated.

    Args:
        sc: The scenario.
        source: Where it came from, for the message.
        available: Bytes free (default: :func:`available_memory`).

    Returns:
        The estimate.

    Raises:
        ScenarioError: The estimate exceeds the usable share of the free memory.
    """
    est = estimate(sc)
    free = available_memory() if available is None else available
    if free is not None and est.bytes > USABLE_SHARE * free:
        raise ScenarioError(
            f"this run needs {est.describe()}, but only {free / 1e9:,.2f} GB of memory is "
            f"free here (a run may use {USABLE_SHARE:.0%} of it). Lower judges.count, "
            "initial_pending.per_judge, filings.per_year (or filings.schedule) or horizon_days",
            source=source,
        )
    return est
