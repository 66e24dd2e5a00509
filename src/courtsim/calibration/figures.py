"""Figures of the validation report (matplotlib, saved as PNG): back-cast and targets."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from courtsim.calibration.report import OUTSIDE, WITHIN

if TYPE_CHECKING:
    from courtsim.calibration.backcast import YearRow
    from courtsim.calibration.report import FitRow
    from courtsim.calibration.targets import Target


def backcast_figure(
    rows: list[YearRow],
    reported: list[Target],
    dates: list[tuple[dt.date, str]],
    path: Path,
    title: str = "Reconciliation share of civil cases, Kazakhstan",
) -> None:
    """Draw simulated yearly shares (mean, 95% CI) against reported ones; save as PNG.

    Args:
        rows: Simulated years.
        reported: Reported targets (observed +- tolerance, at their period's middle).
        dates: Policy dates to mark.
        path: PNG file to write.
        title: Figure title.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    def year_pos(d: dt.date) -> float:
        return d.year + (d.timetuple().tm_yday - 0.5) / 365.25

    fig, ax = plt.subplots(figsize=(9, 4.8), dpi=110)
    x = np.array([r.year + 0.5 for r in rows])
    ax.fill_between(
        x,
        [r.ci_low for r in rows],
        [r.ci_high for r in rows],
        alpha=0.25,
        color="C0",
        label="simulated, 95% CI",
    )
    ax.plot(x, [r.mean for r in rows], "o-", color="C0", label="simulated mean (kz_history)")
    for i, t in enumerate(reported):
        assert t.period is not None
        mid = (year_pos(t.period.first) + year_pos(t.period.last) + 1 / 365.25) / 2
        ax.errorbar(
            [mid], [t.observed], yerr=[[t.tolerance], [t.tolerance]], fmt="s", color="C3",
            capsize=4, label="reported ± tolerance" if i == 0 else None,
        )  # fmt: skip
    for d, _what in dates:
        ax.axvline(year_pos(d), color="grey", lw=0.8, ls=":")
        ax.text(
            year_pos(d), 0.99, f" {d:%b %Y}", rotation=90, va="top", ha="right",
            fontsize=7, color="grey", transform=ax.get_xaxis_transform(),
        )  # fmt: skip
    ax.set_xlabel("year")
    ax.set_ylabel("share of disposed civil claims settled")
    ax.set_ylim(0, max(0.6, max(r.ci_high for r in rows) + 0.05))
    ax.set_title(title)
    ax.legend(loc="center left", fontsize=8)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def targets_figure(rows: list[FitRow], path: Path) -> None:
    """Draw each target's standardised gap (simulated - observed) / tolerance with its CI.

    Args:
        rows: Report rows.
        path: PNG file.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(8, 0.32 * len(rows) + 1.4), dpi=110)
    y = np.arange(len(rows))[::-1]
    for yi, r in zip(y, rows, strict=True):
        lo = (r.ci_low - r.observed) / r.tolerance
        hi = (r.ci_high - r.observed) / r.tolerance
        color = {WITHIN: "C2", OUTSIDE: "C3"}.get(r.status, "C1")
        ax.plot([lo, hi], [yi, yi], color=color, lw=2)
        ax.plot([r.z], [yi], "o", color=color)
    ax.axvspan(-1, 1, color="grey", alpha=0.15, label="observed ± tolerance")
    ax.axvline(0, color="grey", lw=0.8)
    ax.set_yticks(y, [f"{r.id} ({r.role})" for r in rows], fontsize=7)
    ax.set_xlabel("(simulated - observed) / tolerance, mean and 95% CI")
    lim = max(3.0, min(12.0, float(np.nanmax(np.abs([r.z for r in rows]))) + 0.5))
    ax.set_xlim(-lim, lim)
    ax.grid(axis="x", alpha=0.3)
    ax.legend(loc="lower right", fontsize=7)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
