"""Summaries of replications and paired comparisons, in the experiments' table formats.

Pure functions over tidy long frames. The column sets are those of the experiments
package (``courtsim.replicate`` / ``courtsim.compare``): a summary has ``metric, n, mean,
sd, ci_low, ci_high, p10, p90``; a daily summary ``[scenario,] day, metric, mean, ci_low,
ci_high, p10, p90``; a comparison ``scenario, metric, baseline_mean, scenario_mean,
diff_mean, diff_ci_low, diff_ci_high, rel_diff_mean, rel_ci_low, rel_ci_high, sentence``.
Confidence intervals are t-based, 95%; bands are the 10th-90th percentiles over replicates.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy import stats

from courtsim.dashboard.labels import kpi_order, measure

SUMMARY_COLUMNS = ("metric", "n", "mean", "sd", "ci_low", "ci_high", "p10", "p90")
DAILY_SUMMARY_COLUMNS = ("day", "metric", "mean", "ci_low", "ci_high", "p10", "p90")
COMPARISON_COLUMNS = (
    "scenario",
    "metric",
    "baseline_mean",
    "scenario_mean",
    "diff_mean",
    "diff_ci_low",
    "diff_ci_high",
    "rel_diff_mean",
    "rel_ci_low",
    "rel_ci_high",
    "sentence",
)


def _t_half_width(sd: pd.Series | np.ndarray, n: pd.Series | np.ndarray) -> np.ndarray:
    n_arr = np.asarray(n, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        q = stats.t.ppf(0.975, np.where(n_arr > 1, n_arr - 1, np.nan))
        return np.asarray(q * np.asarray(sd, dtype=float) / np.sqrt(n_arr))


def _stats(values: pd.core.groupby.SeriesGroupBy) -> pd.DataFrame:
    out = values.agg(["count", "mean", "std"]).rename(columns={"count": "n", "std": "sd"})
    out["p10"] = values.quantile(0.10)
    out["p90"] = values.quantile(0.90)
    half = _t_half_width(out["sd"], out["n"])
    out["ci_low"] = out["mean"] - half
    out["ci_high"] = out["mean"] + half
    return out


def summarise_kpis(kpis: pd.DataFrame) -> pd.DataFrame:
    """Summarise KPIs over replicates: mean, sd, t-based 95% CI, 10th and 90th percentiles.

    Args:
        kpis: Long frame with ``metric`` and ``value`` (and ``scenario``, kept if present).

    Returns:
        One row per (scenario,) metric with the summary columns.
    """
    keys = ["scenario", "metric"] if "scenario" in kpis else ["metric"]
    out = _stats(kpis.dropna(subset=["value"]).groupby(keys, sort=False)["value"]).reset_index()
    out["n"] = out["n"].astype(int)
    return out[[*keys[:-1], *SUMMARY_COLUMNS]]


def summarise_daily(daily: pd.DataFrame) -> pd.DataFrame:
    """Summarise daily series over replicates, day by day.

    Args:
        daily: Long frame ``[scenario,] replicate, day, metric, value``.

    Returns:
        ``[scenario,] day, metric, mean, ci_low, ci_high, p10, p90``.
    """
    keys = ["scenario", "day", "metric"] if "scenario" in daily else ["day", "metric"]
    out = _stats(daily.groupby(keys, sort=True)["value"]).reset_index()
    return out[[*keys[:-2], *DAILY_SUMMARY_COLUMNS]]


def _sentence(scenario: str, baseline: str, metric: str, row: dict[str, float], n: int) -> str:
    m = measure(metric)
    lo, hi = row["diff_ci_low"], row["diff_ci_high"]
    diff = row["diff_mean"]
    b, s = m.format(row["baseline_mean"]), m.format(row["scenario_mean"])
    if math.isnan(diff):
        return f"{scenario}: {m.label.lower()} is not defined in every replicate."
    if diff == 0 and (math.isnan(lo) or lo == hi):
        return f"{scenario} leaves {m.label.lower()} unchanged ({b})."
    unit_scale = 100.0 if m.is_share else 1.0
    in_points = m.is_share or m.unit == "%"  # a change of a percentage is in points
    pts = " percentage points" if in_points else ""
    unit = "" if in_points else f" {m.unit}".rstrip()
    verb = "raises" if diff > 0 else "lowers"
    ci = ""
    if not math.isnan(lo):
        ci = f" (95% CI {lo * unit_scale:+.1f} to {hi * unit_scale:+.1f}{pts}{unit})"
        if lo <= 0 <= hi:
            ci += f", a change not distinguishable from zero over {n} paired replications"
    return (
        f"Compared with {baseline}, {scenario} {verb} {m.label[:1].lower() + m.label[1:]} "
        f"from {b} to {s}: {abs(diff) * unit_scale:.1f}{pts}{unit} {'more' if diff > 0 else 'less'}"
        f"{ci}."
    )


def paired_comparison(kpis: pd.DataFrame, baseline: str) -> pd.DataFrame:
    """Compare each scenario with the baseline, pairing replicates with the same seed.

    The relative difference is ``diff / baseline_mean`` and its interval the difference's
    interval over the same denominator (the baseline mean's own error is left out).

    Args:
        kpis: Long frame ``scenario, replicate, metric, value`` for all scenarios; replicate
            r of every scenario used the same seed (common random numbers).
        baseline: Name of the baseline scenario.

    Returns:
        The comparison table (see the module docstring), KPIs in the terminal table's order.

    Raises:
        ValueError: ``baseline`` is not among the scenarios.
    """
    names = list(dict.fromkeys(kpis["scenario"]))
    if baseline not in names:
        raise ValueError(f"the baseline '{baseline}' is not among the scenarios {names}")
    wide = kpis.pivot_table(
        index=["metric", "replicate"], columns="scenario", values="value", aggfunc="first"
    )
    rows = []
    for scen in (n for n in names if n != baseline):
        for metric in kpi_order(set(wide.index.get_level_values("metric"))):
            pair = wide.loc[metric, [baseline, scen]].dropna()
            b, s = pair[baseline].to_numpy(), pair[scen].to_numpy()
            d = s - b
            n = d.size
            bm, sm = (float(b.mean()), float(s.mean())) if n else (math.nan, math.nan)
            dm = float(d.mean()) if n else math.nan
            half = float(_t_half_width(np.array([d.std(ddof=1) if n > 1 else np.nan]), [n])[0])
            row = {
                "scenario": scen,
                "metric": metric,
                "baseline_mean": bm,
                "scenario_mean": sm,
                "diff_mean": dm,
                "diff_ci_low": dm - half,
                "diff_ci_high": dm + half,
            }
            denom = abs(bm) if bm else math.nan
            row["rel_diff_mean"] = dm / denom
            row["rel_ci_low"] = row["diff_ci_low"] / denom
            row["rel_ci_high"] = row["diff_ci_high"] / denom
            row["sentence"] = _sentence(scen, baseline, metric, row, n)
            rows.append(row)
    return pd.DataFrame(rows, columns=list(COMPARISON_COLUMNS))


def kpi_display_table(summary: pd.DataFrame, metrics: list[str] | None = None) -> pd.DataFrame:
    """Return a KPI summary as text a reader takes in: label, unit, mean and interval.

    Args:
        summary: Output of :func:`summarise_kpis` (with or without ``scenario``), or a
            one-run table with ``metric`` and ``mean`` only.
        metrics: KPIs to show (default: all, in the terminal table's order).

    Returns:
        Columns ``KPI``, ``unit``, then ``mean`` and ``95% CI`` (per scenario when
        ``scenario`` is present, as ``<scenario>`` and ``<scenario> 95% CI``).
    """
    keys = metrics or kpi_order(set(summary["metric"]))
    scenarios = list(dict.fromkeys(summary["scenario"])) if "scenario" in summary else [None]
    rows = []
    for key in keys:
        m = measure(key)
        row: dict[str, str] = {"KPI": m.label, "unit": m.unit}
        for scen in scenarios:
            sel = summary[summary["metric"] == key]
            if scen is not None:
                sel = sel[sel["scenario"] == scen]
            name = scen or "mean"
            if sel.empty:
                row[name] = "n/a"
                continue
            r = sel.iloc[0]
            row[name] = m.format(float(r["mean"])).removesuffix(m.unit).strip()
            if "ci_low" in sel and not math.isnan(float(r["ci_low"])):
                lo = m.format(float(r["ci_low"])).removesuffix(m.unit).strip()
                hi = m.format(float(r["ci_high"])).removesuffix(m.unit).strip()
                row[f"{name} 95% CI" if scen else "95% CI"] = f"{lo} to {hi}"
        rows.append(row)
    return pd.DataFrame(rows).fillna("")


def sweep_aggregate(results: pd.DataFrame, factors: list[str], metric: str) -> pd.DataFrame:
    """Average one metric of a sweep over replicates, per combination of factors.

    Args:
        results: Sweep results (``<factors>, metric, value, status``).
        factors: Factor columns to keep.
        metric: The metric.

    Returns:
        ``<factors>, n, mean, sd, ci_low, ci_high, p10, p90`` for successful runs.
    """
    sel = results[results["metric"] == metric]
    if "status" in sel:
        sel = sel[sel["status"].astype(str) == "ok"]
    out = _stats(sel.groupby(factors, sort=True)["value"]).reset_index()
    out["n"] = out["n"].astype(int)
    return out
