"""Fit reports: each target observed against simulated (mean and 95% CI), within tolerance or not."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass

from courtsim.calibration.evaluate import TargetStats
from courtsim.calibration.targets import Target

#: Status of a target: the whole 95% CI of the simulated mean lies within the tolerance band.
WITHIN = "within"
#: The mean lies within the band but the CI reaches out of it.
BORDERLINE = "borderline"
#: The mean lies outside the band.
OUTSIDE = "outside"
#: How each role of the targets file is shown in a report's ``role`` column.
ROLE_LABELS = {"fit": "fit", "held_out": "held out", "input_check": "input check"}


@dataclass(frozen=True)
class FitRow:
    """One target in a fit report.

    Attributes:
        id: Target id.
        kpi: KPI it is matched to.
        period: Dates, or "KPI window".
        role: "fit" (fitted), "held out" (never fitted: out of sample), "input check" (an
            echo of an input), or another label a report chooses.
        observed: Reported value.
        tolerance: Tolerance.
        mean: Simulated mean over replications.
        ci_low: Lower end of its 95% CI.
        ci_high: Upper end.
        n: Replications.
        z: (mean - observed) / tolerance.
        status: :data:`WITHIN`, :data:`BORDERLINE` or :data:`OUTSIDE`.
        source: Where the figure comes from.
    """

    id: str
    kpi: str
    period: str
    role: str
    observed: float
    tolerance: float
    mean: float
    ci_low: float
    ci_high: float
    n: int
    z: float
    status: str
    source: str


def status(observed: float, tolerance: float, s: TargetStats) -> str:
    """Classify a simulated mean and its CI against ``observed +- tolerance``.

    Args:
        observed: Reported value.
        tolerance: Tolerance.
        s: Simulated mean and CI.

    Returns:
        :data:`WITHIN` when the whole 95% CI lies in the band, :data:`BORDERLINE` when only
        the mean does, :data:`OUTSIDE` otherwise (also when the mean is undefined).
    """
    lo, hi = observed - tolerance, observed + tolerance
    if not math.isfinite(s.mean) or not lo <= s.mean <= hi:
        return OUTSIDE
    ci_ok = math.isfinite(s.ci_low) and lo <= s.ci_low and s.ci_high <= hi
    return WITHIN if ci_ok else BORDERLINE


def fit_rows(
    targets: Sequence[Target], stats: Sequence[TargetStats], roles: Sequence[str]
) -> list[FitRow]:
    """Build the rows of a fit report.

    Args:
        targets: Targets.
        stats: Their simulated summaries, in the same order.
        roles: The role label of each (see :data:`ROLE_LABELS`).

    Returns:
        One row per target.
    """
    rows = []
    for t, s, role in zip(targets, stats, roles, strict=True):
        rows.append(
            FitRow(
                id=t.id,
                kpi=t.kpi,
                period=t.period.label() if t.period else "KPI window",
                role=role,
                observed=t.observed,
                tolerance=t.tolerance,
                mean=s.mean,
                ci_low=s.ci_low,
                ci_high=s.ci_high,
                n=s.n,
                z=(s.mean - t.observed) / t.tolerance,
                status=status(t.observed, t.tolerance, s),
                source=t.source,
            )
        )
    return rows


def _fmt(v: float, ref: float) -> str:
    if not math.isfinite(v):
        return "n/a"
    if abs(ref) >= 1000:
        return f"{v:,.0f}"
    if abs(ref) >= 10:
        return f"{v:.1f}"
    return f"{v:.3f}"


def rows_markdown(rows: Sequence[FitRow]) -> list[str]:
    """Render fit rows as a Markdown table.

    Args:
        rows: The rows.

    Returns:
        Markdown lines.
    """
    lines = [
        "| target | KPI | period | role | observed ± tolerance | simulated mean [95% CI] | "
        "status |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        sim = f"{_fmt(r.mean, r.observed)} [{_fmt(r.ci_low, r.observed)}, {_fmt(r.ci_high, r.observed)}]"
        obs = f"{_fmt(r.observed, r.observed)} ± {_fmt(r.tolerance, r.observed)}"
        mark = {
            WITHIN: "within",
            BORDERLINE: "borderline (CI crosses the band)",
            OUTSIDE: "**outside**",
        }
        lines.append(
            f"| `{r.id}` | `{r.kpi}` | {r.period} | {r.role} | {obs} | {sim} | {mark[r.status]} |"
        )
    return lines


def rows_json(rows: Sequence[FitRow]) -> list[dict[str, object]]:
    """Return fit rows as JSON-ready dicts (NaN as None).

    Args:
        rows: The rows.

    Returns:
        One dict per row.
    """
    out = []
    for r in rows:
        d = asdict(r)
        out.append(
            {
                k: (None if isinstance(v, float) and not math.isfinite(v) else v)
                for k, v in d.items()
            }
        )
    return out


def honesty_lines(rows: Sequence[FitRow], elsewhere: Sequence[str] = ()) -> list[str]:
    """Say what was fitted, what was held out and how the held-out targets fare.

    Args:
        rows: Report rows (roles as in :data:`ROLE_LABELS`).
        elsewhere: Held-out targets outside the run's dates (not measured).

    Returns:
        Markdown lines.
    """

    def ids(role: str) -> list[str]:
        return [f"`{r.id}`" for r in rows if r.role == role]

    held = [r for r in rows if r.role == ROLE_LABELS["held_out"]]
    counts = {s: sum(r.status == s for r in held) for s in (WITHIN, BORDERLINE, OUTSIDE)}
    lines = [
        f"- **Fitted** ({len(ids('fit'))}): {', '.join(ids('fit')) or 'none'}.",
        f"- **Held out** ({len(held)}), declared `role: held_out` in the targets file before "
        f"fitting and never read by the fit: {', '.join(ids('held out')) or 'none in this run'}.",
    ]
    if held:
        fare = "; ".join(f"`{r.id}` z = {r.z:+.2f} ({r.status})" for r in held)
        lines.append(
            f"  They fare: {counts[WITHIN]} within, {counts[BORDERLINE]} borderline, "
            f"{counts[OUTSIDE]} outside their tolerance ({fare})."
        )
    if elsewhere:
        lines.append(
            f"- **Held out, not measured here** (outside this run's dates): {', '.join(elsewhere)}."
        )
    checks = ids("input check")
    if checks:
        lines.append(
            f"- **Input checks** ({len(checks)}): {', '.join(checks)}. They repeat scenario "
            "inputs (echoes): they check the inputs, not the model, and are not evidence."
        )
    return lines
