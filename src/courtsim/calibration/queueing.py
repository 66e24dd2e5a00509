"""Analytic queueing checks for the validation report: M/M/1, M/M/c (Erlang C), Little's law.

``scenarios/validation/mmc.yaml`` reduces the engine to an M/M/c queue (Poisson filings,
exponential judge work, one case at a time, one FIFO queue per court, no other exits).
Each check runs R replications and, for more independent samples per run, K identical
courts; each (replication, court) is one sample. Means pool the cases of all samples
(total / count) with a delta-method standard error, and are compared with theory as
``|estimate - theory| <= 4 se + 10%`` of the time in system (design.md §6). Times are read
at the fraction of the judge's day when the decision's writing starts and ends, so
they carry no day rounding. ``tests/statistical`` runs the same checks with longer runs,
at rho 0.6-0.9, under random assignment and with short services.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

import numpy as np
import numpy.typing as npt

from courtsim import oracles
from courtsim.calibration.evaluate import write_line
from courtsim.runner import simulate
from courtsim.schema.scenario import Scenario, load_scenario

#: The shipped M/M/c scenario, relative to the repository root.
MMC_FILE = Path("scenarios/validation/mmc.yaml")


@dataclass(frozen=True)
class QueuePoint:
    """One queue to check; rates per day and per court.

    Attributes:
        name: Label.
        lam: Arrival rate of one court (cases a day).
        mu: Service rate of one judge (cases a day).
        c: Judges per court.
        courts: Identical courts in one run.
        horizon: Days simulated.
        warmup: Days left out at the start.
        cooldown: Cases filed in the last ``cooldown`` days are left out (censoring).
        reps: Replications.
    """

    name: str
    lam: float
    mu: float
    c: int
    courts: int
    horizon: int
    warmup: int
    cooldown: int
    reps: int

    @property
    def rho(self) -> float:
        """Utilisation lam / (c mu)."""
        return self.lam / (self.c * self.mu)


@dataclass(frozen=True)
class QueueCheck:
    """One compared quantity.

    Attributes:
        point: The queue.
        quantity: "Wq", "W" or "L".
        theory: Analytic value.
        estimate: Simulated estimate.
        se: Its standard error.
        allowed: ``4 se + bias``.
        samples: Independent samples behind it.
    """

    point: QueuePoint
    quantity: str
    theory: float
    estimate: float
    se: float
    allowed: float
    samples: int

    @property
    def ok(self) -> bool:
        """Whether ``|estimate - theory| <= allowed``."""
        return abs(self.estimate - self.theory) <= self.allowed


#: Tolerance beyond 4 standard errors, a share of theory (design.md §6).
REL_TOL = 0.10


def default_points(quick: bool = False) -> list[QueuePoint]:
    """Return the queues of the report (shorter runs and fewer replications if ``quick``).

    Args:
        quick: A smoke test rather than a report.

    Returns:
        M/M/1 at rho 0.5, M/M/5 at 0.6 and M/M/20 at 0.75, mean service 30 days.
    """
    if quick:
        return [
            QueuePoint("M/M/1, rho 0.5", 1 / 60, 1 / 30, 1, 8, 1500, 500, 400, 2),
            QueuePoint("M/M/5, rho 0.6", 0.1, 1 / 30, 5, 2, 1200, 300, 300, 2),
        ]
    return [
        QueuePoint("M/M/1, rho 0.5", 1 / 60, 1 / 30, 1, 16, 6000, 1500, 800, 3),
        QueuePoint("M/M/5, rho 0.6", 0.1, 1 / 30, 5, 4, 4000, 600, 400, 4),
        QueuePoint("M/M/20, rho 0.75", 0.5, 1 / 30, 20, 1, 4000, 500, 400, 4),
    ]


def scenario_for(p: QueuePoint, root: Path) -> Scenario:
    """Return ``mmc.yaml`` set to the queue ``p``.

    Args:
        p: The queue.
        root: Repository root (where ``scenarios/`` is).

    Returns:
        The scenario.
    """
    overrides: dict[str, object] = {
        "judges.count": p.c * p.courts,
        "filings.per_year": p.lam * p.courts * 365,
        "horizon_days": p.horizon,
        "reporting.warmup_days": p.warmup,
        "case_types.general.effort_hours": {"dist": "exponential", "mean": 1 / p.mu},
    }
    if p.courts > 1:
        share = 1 / p.courts
        overrides["courts"] = {
            "_replace": True,  # these courts instead of the file's one (a mapping merges)
            **{f"court{i}": {"judge_share": share, "filing_share": share} for i in range(p.courts)},
        }
    return load_scenario(root / MMC_FILE).with_overrides(overrides, source=str(MMC_FILE))


def _ratio_mean(
    totals: npt.NDArray[np.float64], counts: npt.NDArray[np.float64]
) -> tuple[float, float]:
    s = counts.size
    r = totals.sum() / counts.sum()
    resid = totals - r * counts
    se = np.sqrt((resid**2).sum() / (s * (s - 1))) / counts.mean() if s > 1 else float("nan")
    return float(r), float(se)


def run_point(p: QueuePoint, root: Path, seed: int) -> list[QueueCheck]:
    """Simulate one queue and compare Wq, W and L with theory.

    Args:
        p: The queue.
        root: Repository root.
        seed: Master seed.

    Returns:
        The three checks.
    """
    sc = scenario_for(p, root)
    lo, hi = p.warmup, p.horizon - p.cooldown
    n, wait, tis, pend = [], [], [], []
    for r in range(p.reps):
        res = simulate(sc, seed=seed, replicate=r)
        cases = res.cases
        filed = cases["t_filed"].to_numpy()
        sel = (filed > lo) & (filed <= hi) & cases["t_disposed"].notna().to_numpy()
        # The fraction of the judge's day when the decision's writing starts and ends:
        # times without the day's rounding (as tests/statistical/test_queueing_oracles.py).
        w = cases.loc[sel, "t_desk_start"].to_numpy() - filed[sel]
        t = cases.loc[sel, "t_desk_done"].to_numpy() - filed[sel]
        court = cases.loc[sel, "court"].cat.codes.to_numpy()
        n.append(np.bincount(court, minlength=p.courts))
        wait.append(np.bincount(court, weights=w, minlength=p.courts))
        tis.append(np.bincount(court, weights=t, minlength=p.courts))
        f_all = filed
        g_all = cases["t_disposed"].fillna(np.inf).to_numpy()
        c_all = cases["court"].cat.codes.to_numpy()
        days = np.arange(lo + 1, hi + 1)[:, None]
        pend.append(
            [
                ((f_all[c_all == k] <= days) & (days < g_all[c_all == k])).sum(1).mean()
                for k in range(p.courts)
            ]
        )
    cnt = np.concatenate(n).astype(float)
    wq_t = oracles.mmc_wait_in_queue(p.lam, p.mu, p.c)
    w_t = (
        oracles.mm1_time_in_system(p.lam, p.mu)
        if p.c == 1
        else oracles.mmc_time_in_system(p.lam, p.mu, p.c)
    )
    wq, wq_se = _ratio_mean(np.concatenate(wait), cnt)
    w, w_se = _ratio_mean(np.concatenate(tis), cnt)
    lv = np.concatenate(pend)
    l_est, l_se = float(lv.mean()), float(lv.std(ddof=1) / np.sqrt(lv.size))
    # The daily stock misses the decision day's fraction: half a day per case on average.
    l_t = oracles.littles_law_L(p.lam, w_t - 0.5)
    k = int(cnt.size)
    tol = REL_TOL
    return [
        QueueCheck(p, "Wq", wq_t, wq, wq_se, 4 * wq_se + tol * w_t, k),
        QueueCheck(p, "W", w_t, w, w_se, 4 * w_se + tol * w_t, k),
        QueueCheck(p, "L", l_t, l_est, l_se, 4 * l_se + tol * l_t, k),
    ]


def run_checks(
    points: list[QueuePoint], root: Path, seed: int, progress: TextIO | None
) -> list[QueueCheck]:
    """Run every queue check, in this process.

    Args:
        points: The queues.
        root: Repository root.
        seed: Master seed.
        progress: Where progress lines go.

    Returns:
        The checks, three per queue.
    """
    out: list[QueueCheck] = []
    for p in points:
        write_line(progress, f"validate-model: queueing check {p.name} ({p.reps} replications)")
        out += run_point(p, root, seed)
    return out


def checks_markdown(checks: list[QueueCheck]) -> list[str]:
    """Render the checks as a Markdown table.

    Args:
        checks: The checks.

    Returns:
        Markdown lines.
    """
    lines = [
        "| queue | quantity | theory | simulated (se) | allowed gap | samples | result |",
        "|---|---|---|---|---|---|---|",
    ]
    what = {
        "Wq": "mean wait in queue Wq (days)",
        "W": "mean time in system W (days)",
        "L": "mean number in system L",
    }
    for c in checks:
        lines.append(
            f"| {c.point.name} | {what[c.quantity]} | {c.theory:.3f} | {c.estimate:.3f} ({c.se:.3f}) | "
            f"{c.allowed:.3f} | {c.samples} | {'pass' if c.ok else '**fail**'} |"
        )
    return lines
