"""The robustness table: each pilot's paired effect per world, its spread over worlds, what drives it.

Pure functions of the runs' rows (``results.parquet`` of a robustness folder):

- :func:`world_effects`: per world, pilot and KPI, the mean over replicates of the paired
  difference pilot - baseline (common random numbers) and its standard error;
- :func:`robustness_table`: per pilot and KPI, the median effect over worlds, its 10-90%
  interval over worlds and the share of worlds whose effect has the median's sign;
- :func:`drivers`: per pilot, KPI and unknown, Spearman's rank correlation between the
  unknown's value and the effect over the worlds (which unknown the size depends on most).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats

#: Columns of :func:`robustness_table`.
TABLE_COLUMNS = (
    "pilot",
    "metric",
    "n_worlds",
    "baseline_median",
    "effect_median",
    "effect_p10",
    "effect_p90",
    "share_same_sign",
    "noise_se_median",
    "driver",
    "driver_rho",
    "sentence",
)

#: How a KPI reads in a robustness sentence (English: docs/validation.md and the CLI).
PHRASES = {
    "pending_end": "pending cases at the end of the run",
    "disposition_time_days": "the disposition time (CEPEJ)",
    "sessions_saved": "the judges' sessions saved",
    "cost_court_per_case_kzt": "the court's cost per case",
    "cost_parties_per_case_kzt": "the parties' cost per case",
    "cost_total_per_case_kzt": "the total cost per case",
    "share_settled": "the share of cases settled",
}


def world_effects(
    results: pd.DataFrame, pilots: Sequence[str], unknowns: Sequence[str]
) -> pd.DataFrame:
    """Return each world's paired effect of each pilot on each KPI.

    A world counts only when every one of its runs finished; replicate r of a pilot is
    paired with replicate r of the baseline in the same world.

    Args:
        results: Run rows: ``world, arm, replicate, metric, value, status`` and one column
            per unknown.
        pilots: Pilot labels (``arm`` values other than ``baseline``).
        unknowns: Names of the unknowns' columns.

    Returns:
        ``world, pilot, metric, n_reps, baseline_mean, pilot_mean, effect, effect_se`` and
        the unknowns' values, sorted by pilot, KPI (in the runs' order) and world.
    """
    bad = results.loc[results["status"] != "ok", "world"].unique()
    ok = results[~results["world"].isin(bad)]
    wide = ok.pivot_table(
        index=["world", "replicate", "metric"], columns="arm", values="value", aggfunc="first"
    )
    values = ok.drop_duplicates("world").set_index("world")[list(unknowns)]
    parts = []
    for order, pilot in enumerate(pilots):
        d = (wide[pilot] - wide["baseline"]).rename("diff").reset_index()
        d["base"] = wide["baseline"].to_numpy()
        d["pil"] = wide[pilot].to_numpy()
        g = d.groupby(["world", "metric"], sort=True)
        frame = pd.DataFrame(
            {
                "n_reps": g["diff"].size(),
                "baseline_mean": g["base"].mean(),
                "pilot_mean": g["pil"].mean(),
                "effect": g["diff"].mean(),
                "effect_se": g["diff"].std(ddof=1) / np.sqrt(g["diff"].size()),
            }
        ).reset_index()
        frame.insert(1, "pilot", pilot)
        frame["_order"] = order
        parts.append(frame)
    out = pd.concat(parts, ignore_index=True)
    out = out.join(values, on="world")
    # KPIs in the order the runs report them (the experiment's kpis), not alphabetically
    rank = {m: i for i, m in enumerate(dict.fromkeys(results["metric"]))}
    out["_metric"] = out["metric"].map(rank)
    out = out.sort_values(["_order", "_metric", "world"], kind="stable")
    out = out.drop(columns=["_order", "_metric"])
    return out.reset_index(drop=True)


def share_same_sign(effects: np.ndarray, median: float) -> float:
    """Return the share of worlds whose effect has the sign of the median (0 counts as a sign).

    Args:
        effects: One effect per world.
        median: Their median.

    Returns:
        The share, in [0, 1] (NaN without worlds).
    """
    if effects.size == 0:
        return float("nan")
    return float(np.mean(np.sign(effects) == np.sign(median)))


def drivers(effects: pd.DataFrame, unknowns: Sequence[str]) -> pd.DataFrame:
    """Return Spearman's rank correlation of each pilot's effect with each unknown, over worlds.

    Args:
        effects: :func:`world_effects`.
        unknowns: The unknowns' columns.

    Returns:
        ``pilot, metric, unknown, rho, p_value`` (NaN where the unknown or the effect does
        not vary).
    """
    rows = []
    for (pilot, metric), g in effects.groupby(["pilot", "metric"], sort=False):
        y = g["effect"].to_numpy(dtype=np.float64)
        for u in unknowns:
            x = g[u].to_numpy(dtype=np.float64)
            if len(y) < 3 or np.ptp(x) == 0 or np.ptp(y) == 0:
                rho, p = float("nan"), float("nan")
            else:
                res = stats.spearmanr(x, y)
                rho, p = float(res.statistic), float(res.pvalue)
            rows.append({"pilot": pilot, "metric": metric, "unknown": u, "rho": rho, "p_value": p})
    return pd.DataFrame(rows, columns=["pilot", "metric", "unknown", "rho", "p_value"])


def robustness_table(effects: pd.DataFrame, driver_table: pd.DataFrame) -> pd.DataFrame:
    """Return the robustness table: per pilot and KPI, the effect across worlds.

    Args:
        effects: :func:`world_effects`.
        driver_table: :func:`drivers`.

    Returns:
        One row per pilot and KPI, :data:`TABLE_COLUMNS`.
    """
    rows = []
    for (pilot, metric), g in effects.groupby(["pilot", "metric"], sort=False):
        e = g["effect"].to_numpy(dtype=np.float64)
        med = float(np.median(e))
        d = driver_table[(driver_table["pilot"] == pilot) & (driver_table["metric"] == metric)]
        d = d[np.isfinite(d["rho"])]
        top = d.loc[d["rho"].abs().idxmax()] if not d.empty else None
        row = {
            "pilot": pilot,
            "metric": metric,
            "n_worlds": int(e.size),
            "baseline_median": float(np.median(g["baseline_mean"])),
            "effect_median": med,
            "effect_p10": float(np.quantile(e, 0.10)),
            "effect_p90": float(np.quantile(e, 0.90)),
            "share_same_sign": share_same_sign(e, med),
            "noise_se_median": float(np.nanmedian(g["effect_se"]))
            if g["effect_se"].notna().any()
            else float("nan"),
            "driver": "" if top is None else str(top["unknown"]),
            "driver_rho": float("nan") if top is None else float(top["rho"]),
        }
        row["sentence"] = sentence(row)
        rows.append(row)
    return pd.DataFrame(rows, columns=list(TABLE_COLUMNS))


def _num(x: float, metric: str) -> str:
    if metric.startswith("share_"):
        return f"{x * 100:+.1f} pts"
    if abs(x) >= 100:
        return f"{x:+,.0f}"
    return f"{x:+.3g}"


def sentence(row: dict) -> str:
    """Return one plain sentence for a row of the table.

    Args:
        row: A row of :func:`robustness_table` (without its sentence).

    Returns:
        E.g. "out_of_court lowers pending cases at the end of the run in 87% of plausible
        worlds (median -120; 10-90% of worlds -200 to -40); its size depends most on
        mediator_supply (Spearman rho -0.62)."
    """
    metric, med = row["metric"], row["effect_median"]
    what = PHRASES.get(metric, metric)
    share = row["share_same_sign"]
    if med > 0:
        verb = f"raises {what} in {share:.0%} of plausible worlds"
    elif med < 0:
        verb = f"lowers {what} in {share:.0%} of plausible worlds"
    else:
        verb = f"leaves {what} unchanged in {share:.0%} of plausible worlds"
    text = (
        f"{row['pilot']} {verb} (median {_num(med, metric)}; 10-90% of worlds "
        f"{_num(row['effect_p10'], metric)} to {_num(row['effect_p90'], metric)})"
    )
    if row["driver"]:
        text += (
            f"; its size depends most on {row['driver']} (Spearman rho {row['driver_rho']:+.2f})"
        )
    return text + "."


__all__ = [
    "PHRASES",
    "TABLE_COLUMNS",
    "drivers",
    "robustness_table",
    "sentence",
    "share_same_sign",
    "world_effects",
]
