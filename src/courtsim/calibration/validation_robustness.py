"""Section 7 of the validation report: the robustness table of ``experiments/robustness.yaml``.

Runs the shipped robustness experiment (:func:`courtsim.calibration.robustness.robustness`)
into a temporary folder, and renders its table as Markdown and a PNG figure.
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from courtsim.calibration.robustness import robustness
from courtsim.calibration.robustness_spec import Robustness, load_robustness
from courtsim.calibration.robustness_table import PHRASES

#: The shipped experiment, relative to the repository root.
ROBUSTNESS_FILE = Path("experiments/robustness.yaml")

TEXT = [
    "Which of the pilots' effects hold whatever the unknowns are? `courtsim robustness",
    "experiments/robustness.yaml --out DIR` (rerun here) compares each pilot of the shipped",
    "regional court (`scenarios/pre_court.yaml`, `in_court.yaml`, `out_of_court.yaml` and",
    "`combined.yaml`, 25 judges, one year) with `baseline.yaml` in plausible *worlds*. A world",
    "is one draw of the calibration's posterior (`data/kz_calibration/posterior.parquet`, the",
    "calibration behind `kz_calibrated.yaml`; its seven unknowns applied through",
    "`experiments/calibration_params.yaml`'s mapping, `mode: scale` values multiplying the pilot",
    "scenarios' own, its national scale-down not applied) and one point of a Latin hypercube over",
    "six unknowns no reported figure pins down: how many conciliation judges and mediators a",
    "court has (as multipliers of the scenarios' counts, so the baseline keeps none), how well",
    "they evaluate the merits, the litigants' optimism and lawyers' fees (the Morris screen of",
    "docs/model.md §7.6a ranks the last two 2nd and 5th of fifteen for the share settled; the",
    "1st, 3rd and 4th are calibrated). In each world the baseline and every pilot run the same",
    "replicates (common random numbers); a world's effect is the mean paired difference.",
    "",
    "Read each row as: the median effect over the worlds, the interval that holds 80% of them",
    "(10th to 90th percentile of the worlds' effects), the share of worlds whose effect has the",
    "median's sign, and the unknown whose value the effect's size follows most closely: the",
    "largest |Spearman rank correlation| over the worlds. Rank correlation, not Sobol indices:",
    "posterior draws are not a Saltelli design, and a Sobol design over thirteen unknowns would",
    "take (13 + 2) x N worlds, far beyond this budget; with 20 worlds a |rho| below ~0.45 is not",
    "distinguishable from none. A world's effect carries replicate noise too (its standard",
    "error, the table's *noise*); a share near 50% with a median within a few noise units of 0",
    "says the sign is not known. KPIs: pending cases at the end of the year (`pending_end`), the",
    "CEPEJ disposition time (`disposition_time_days`), the judges' sessions saved",
    "(`sessions_saved`: sessions a case would still have needed when it ended without a",
    "judgment), the cost to the state per resolved case (`cost_court_per_case_kzt`: judges',",
    "conciliation judges' and state-paid mediators' days) and to the parties per disposed case",
    "(`cost_parties_per_case_kzt`: fees net of refunds, lawyers, mediators), and the share",
    "settled. The calibrated world is the 2024-2025 one: agreeing costs ~0.09 of the claim, so",
    "the baseline court settles far more than the 2-5% before the pilots (§6, 'A tension').",
    "",
    "Two mechanisms to keep in mind when reading the rows. The court's cost per case is the",
    "judges' (and conciliation judges') paid days divided by the cases resolved: a channel",
    "that takes disputes out of the court before filing (pre-court) leaves the same judges",
    "with fewer cases, so the cost per case rises even as pending cases fall, and",
    "conciliation judges are posts added to the court's payroll. And the pre-court channel",
    "lowers `share_settled`, which counts claims filed (its own settlements are in",
    "`reconciliation_share_incl_pre_court`), and `sessions_saved`, which counts its",
    "settlements too (docs/kpis.md): it seems to take disputes that would have settled in",
    "court anyway, and at an earlier stage; this was not decomposed, so read it as a finding",
    "to check, not a conclusion.",
]


@dataclass
class RobustnessSection:
    """The section's computed table, per-world effects and run facts."""

    table: pd.DataFrame
    effects: pd.DataFrame
    manifest: dict[str, Any]
    seconds: float


def shipped_experiment(root: Path, quick: bool, seed: int | None = None) -> Robustness:
    """Return the shipped robustness experiment (made small for ``--quick``).

    Args:
        root: Repository root.
        quick: Three worlds of one replicate and 60 days: a smoke test.
        seed: Master seed (default: the file's).

    Returns:
        The experiment, its relative paths read from ``experiments/``.
    """
    exp = load_robustness(root / ROBUSTNESS_FILE)
    update: dict[str, Any] = {}
    if quick:
        update |= {"worlds": 3, "replications": 1, "set": {**exp.spec.set, "horizon_days": 60}}
    if seed is not None:
        update["seed"] = seed
    if not update:
        return exp
    spec = exp.spec.model_copy(update=update)
    blob = spec.model_dump_json().encode("utf-8")
    return Robustness(exp.path, spec, hashlib.sha256(blob).hexdigest())


def compute_robustness(
    root: Path, quick: bool, workers: int | None, scheduler: Any
) -> RobustnessSection:
    """Run the shipped robustness experiment into a temporary folder and keep its table.

    Args:
        root: Repository root.
        quick: A smoke test (see :func:`shipped_experiment`).
        workers: Local processes.
        scheduler: Dask scheduler.

    Returns:
        The section.
    """
    import time

    exp = shipped_experiment(root, quick)
    tmp = Path(tempfile.mkdtemp(prefix="courtsim-validate-robustness-"))
    try:
        t0 = time.perf_counter()
        res = robustness(exp, tmp / "out", workers=workers, scheduler=scheduler, progress=False)
        return RobustnessSection(res.table, res.effects, res.manifest, time.perf_counter() - t0)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _fmt(v: float, metric: str) -> str:
    if metric.startswith("share_"):
        return f"{v * 100:+.1f} pts"
    return f"{v:+,.0f}" if abs(v) >= 100 else f"{v:+.3g}"


def robustness_markdown(sec: RobustnessSection) -> list[str]:
    """Render the section.

    Args:
        sec: The computed section.

    Returns:
        Markdown lines.
    """
    m = sec.manifest
    runs = m.get("n_runs", "?")
    lines = [
        "## 7. Conclusions that survive what we don't know (`experiments/robustness.yaml`)",
        "",
        *TEXT,
        "",
        f"This run: {m.get('worlds')} worlds x {1 + len(m.get('pilots', []))} scenarios x "
        f"{m.get('replications')} replicates = {runs} one-year runs (seed {m.get('seed')}), "
        f"{sec.seconds / 60:.1f} minutes of wall time here.",
        "",
        "![Robustness](img/validation_robustness.png)",
        "",
        "| pilot | KPI | baseline (median) | effect, median | 10-90% of worlds | worlds with the median's sign | noise (se) | depends most on (rho) |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in sec.table.itertuples():
        metric = str(r.metric)
        base = (
            f"{r.baseline_median * 100:.1f}%"
            if metric.startswith("share_")
            else f"{r.baseline_median:,.0f}"
            if abs(r.baseline_median) >= 100
            else f"{r.baseline_median:.3g}"
        )
        noise = (
            "—"
            if not np.isfinite(r.noise_se_median)
            else _fmt(r.noise_se_median, metric).lstrip("+")
        )
        driver = f"`{r.driver}` ({r.driver_rho:+.2f})" if r.driver else "—"
        lines.append(
            f"| {r.pilot} | `{metric}` | {base} | {_fmt(r.effect_median, metric)} | "
            f"{_fmt(r.effect_p10, metric)} to {_fmt(r.effect_p90, metric)} | "
            f"{r.share_same_sign:.0%} | {noise} | {driver} |"
        )
    lines += ["", "In words:", ""]
    lines += [f"- {s}" for s in sec.table["sentence"]]
    return lines


def robustness_figure(sec: RobustnessSection, path: Path) -> None:
    """Draw each KPI's effects per pilot (a dot per world, the median and 10-90%); save as PNG.

    Args:
        sec: The computed section.
        path: PNG file to write.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    metrics = list(dict.fromkeys(sec.table["metric"]))
    pilots = list(dict.fromkeys(sec.table["pilot"]))
    cols = 3
    rows = int(np.ceil(len(metrics) / cols))
    fig, axes = plt.subplots(rows, cols, figsize=(12, 3.2 * rows), squeeze=False)
    for k, metric in enumerate(metrics):
        ax = axes[k // cols][k % cols]
        for i, pilot in enumerate(pilots):
            e = sec.effects[(sec.effects["metric"] == metric) & (sec.effects["pilot"] == pilot)]
            ax.scatter(e["effect"], np.full(len(e), i), s=12, alpha=0.35, color=f"C{i}")
            t = sec.table[(sec.table["metric"] == metric) & (sec.table["pilot"] == pilot)].iloc[0]
            ax.errorbar(
                [t.effect_median],
                [i],
                xerr=[[t.effect_median - t.effect_p10], [t.effect_p90 - t.effect_median]],
                fmt="D",
                color=f"C{i}",
                capsize=4,
            )
        ax.axvline(0, color="0.4", ls="--", lw=1)
        ax.set_yticks(range(len(pilots)), pilots)
        ax.set_title(PHRASES.get(metric, metric), fontsize=10)
        ax.set_xlabel("pilot - baseline", fontsize=8)
    for k in range(len(metrics), rows * cols):
        axes[k // cols][k % cols].axis("off")
    fig.suptitle(
        "Each pilot's effect across plausible worlds (dots: worlds; diamond: median, bar: 10-90%)"
    )
    fig.tight_layout()
    fig.savefig(path, format="png", dpi=110)
    plt.close(fig)


#: The appendix entry for the robustness file (docs/validation.md, "Robustness file").
FORMAT = [
    "### Robustness file",
    "",
    "`experiments/robustness.yaml` (`kind: robustness`), run by `courtsim robustness FILE --out",
    "DIR [--resume] [--html OUT.html] [--dry-run] [--workers N | --scheduler ADDRESS]` or",
    "`courtsim.calibration.robustness(FILE_OR_MAPPING, DIR)`:",
    "",
    "| key | meaning |",
    "|---|---|",
    "| `name`, `description` | what the experiment asks |",
    "| `baseline` | the baseline scenario file (relative to the experiment file) |",
    "| `pilots` | label -> scenario file, each compared with the baseline (labels not `baseline`) |",
    "| `set` | dotted keys set on every scenario first (e.g. `horizon_days`) |",
    "| `posterior` | optional: `draws` (a `courtsim calibrate` folder, whose `posterior.parquet` is checked against its manifest, or a `posterior.parquet`) and `params` (the calibration set-up that made them: its `parameters` map each column onto scenario keys; its `scenario_overrides` are not applied) |",
    "| `uncertain` | optional: unknowns the data cannot pin down, each `name`, `keys`, `low`, `high`, `mode` (`set`/`scale`), `log`, as a calibration set-up's `parameters`; a name may not repeat a calibrated one |",
    "| `design` | `lhs` (default) or `sobol` (then `worlds` a power of 2) over `uncertain` |",
    "| `worlds` | plausible worlds: world w takes posterior draw d_w (without replacement when there are enough draws) and design point w |",
    "| `replications` | paired replicates per world and scenario (common random numbers) |",
    "| `seed` | master seed of every run, the draws and the design |",
    "| `kpis` | KPIs of the table (default: `pending_end`, `disposition_time_days`, `sessions_saved`, `cost_court_per_case_kzt`, `cost_parties_per_case_kzt`, `share_settled`) |",
    "",
    "At least one of `posterior` and `uncertain` is required. Checked before any run: unknown",
    "keys, a missing or corrupt posterior, a draw outside its prior, a parameter without a",
    "column, keys that match nothing in a scenario, an unknown KPI (exit 2, nothing written).",
    "DIR holds `runs/` (one file per finished run; `--resume` skips them), `results.parquet`",
    "(one row per run and KPI, with `world`, `arm`, `draw` and every unknown's value),",
    "`worlds.parquet`, `effects.parquet` (per world, pilot and KPI: `baseline_mean`,",
    "`pilot_mean`, `effect` = mean paired difference, `effect_se`), `drivers.parquet` (Spearman",
    "rho and p-value of each effect with each unknown), `table.parquet` (per pilot and KPI:",
    "`effect_median`, `effect_p10`, `effect_p90`, `share_same_sign`, `noise_se_median`,",
    "`driver`, `driver_rho`, `sentence`) and `manifest.json`. A world with a failed run is left",
    "out of the table (exit 1). `courtsim report DIR --html OUT.html` writes the briefing, and",
    "the dashboard's *Robustness* tab shows the folder.",
]
