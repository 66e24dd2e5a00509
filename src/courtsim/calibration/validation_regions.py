"""The validation report's regional section: kz_regions_2024's steady state, regions, checks."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from courtsim.calibration.regional_checks import load_regional_checks, regional_checks
from courtsim.runner import simulate
from courtsim.schema.scenario import load_scenario

if TYPE_CHECKING:
    from courtsim.result import Result

REGIONS_FILE = Path("scenarios/kz_regions_2024.yaml")
CHECKS_FILE = Path("data/kz_regional_checks.yaml")
#: The quick report runs the regions at 1/5 scale (same loads per judge).
QUICK_SCALE = 5


@dataclass
class RegionsSection:
    """What the regional section shows.

    Attributes:
        result: The run of kz_regions_2024.
        checks: The regional checks against it.
        scale: The run models 1/scale of the country.
    """

    result: Result
    checks: pd.DataFrame
    scale: float


def compute_regions(root: Path, seed: int, quick: bool) -> RegionsSection:
    """Run kz_regions_2024 once and compare it with the regional checks.

    Args:
        root: Repository root.
        seed: Master seed.
        quick: Run at 1/5 scale.

    Returns:
        The section.
    """
    sc = load_scenario(root / REGIONS_FILE)
    scale = 1.0
    if quick:
        scale = float(QUICK_SCALE)
        sc = sc.with_overrides(
            {
                "judges.count": round(sc.judges.count / scale),
                "filings.per_year": sc.filings.per_year / scale,
            },
            source="--quick",
        )
    res = simulate(sc, seed=seed)
    checks = regional_checks(res, load_regional_checks(root / CHECKS_FILE), scale, str(CHECKS_FILE))
    return RegionsSection(res, checks, scale)


def regions_markdown(sec: RegionsSection, intro: list[str]) -> list[str]:
    """Render the regional section.

    Args:
        sec: The computed section.
        intro: Fixed text before the tables.

    Returns:
        Markdown lines.
    """
    k, rk = sec.result.kpis, sec.result.region_kpis
    ppj = rk["pending_per_judge"]
    lines = [
        *intro,
        "",
        f"One run (seed {sec.result.seed}"
        + (f", 1/{sec.scale:g} scale" if sec.scale != 1 else "")
        + f"). Over the KPI window (2024) the country's pending cases go from "
        f"{k['pending_start']:,.0f} to {k['pending_end']:,.0f} and the clearance rate is "
        f"{k['clearance_rate']:.1f}%; pending cases per judge at the end range from "
        f"{ppj.min():.1f} ({ppj.idxmin()}) to {ppj.max():.1f} ({ppj.idxmax()}).",
        "",
        "| region | judges | claims per judge a year | pending per judge | clearance rate % "
        "| mean time to disposition, days | share settled |",
        "|---|---|---|---|---|---|---|",
    ]
    for region, r in rk.iterrows():
        lines.append(
            f"| {region} | {r.judges:.0f} | {r.incoming_per_judge_per_year:.0f} | "
            f"{r.pending_per_judge:.1f} | {r.clearance_rate:.1f} | {r.ttd_mean_days:.1f} | "
            f"{r.share_settled:.3f} |"
        )
    lines += [
        "",
        f"Regional checks (`{CHECKS_FILE}`; never inputs):",
        "",
        "| check | region | measure | dates | observed ± tolerance | simulated | z |",
        "|---|---|---|---|---|---|---|",
    ]
    for _, c in sec.checks.iterrows():
        fmt = "{:,.0f}" if c.observed >= 10 else "{:.3f}"
        lines.append(
            f"| `{c.id}` | {c.region} | `{c.measure}` | {c.dates} | "
            f"{fmt.format(c.observed)} ± {fmt.format(c.tolerance)} | "
            f"{fmt.format(c.simulated)} | {c.z:+.2f}{'' if c.within else ' **outside**'} |"
        )
    return lines
