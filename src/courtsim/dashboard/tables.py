"""Summaries of replications and paired comparisons, in the experiments' table formats.

Pure functions over tidy long frames, computed by the experiments package's own
statistics so that the dashboard and ``courtsim compare`` agree. The column sets are
those of the experiments package (``courtsim.replicate`` / ``courtsim.compare``): a summary has ``metric, n, mean,
sd, ci_low, ci_high, p10, p90``; a daily summary ``[scenario,] day, metric, mean, ci_low,
ci_high, p10, p90``; a comparison ``scenario, metric, baseline_mean, scenario_mean,
diff_mean, diff_ci_low, diff_ci_high, rel_diff_mean, rel_ci_low, rel_ci_high, sentence``.
Confidence intervals are t-based, 95%; bands are the 10th-90th percentiles over replicates.
"""

from __future__ import annotations

import math
import numbers
import re

import numpy as np
import pandas as pd

from courtsim.dashboard.labels import (
    FACTOR_LABELS,
    clip_interval,
    factor_label,
    is_measure,
    kpi_order,
    measure,
)
from courtsim.experiment.stats import paired_differences, summarise
from courtsim.experiment.wording import difference_sentence, scenario_subject
from courtsim.i18n import N_, _, current

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


def summarise_kpis(kpis: pd.DataFrame) -> pd.DataFrame:
    """Summarise KPIs over replicates: mean, sd, t-based 95% CI, 10th and 90th percentiles.

    The statistics are those of ``courtsim.replicate`` (:func:`courtsim.experiment.stats.summarise`).

    Args:
        kpis: Long frame with ``metric`` and ``value`` (and ``scenario``, kept if present).

    Returns:
        One row per (scenario,) metric with the summary columns.
    """
    keys = ["scenario", "metric"] if "scenario" in kpis else ["metric"]
    return summarise(kpis.dropna(subset=["value"]), keys)


def summarise_daily(daily: pd.DataFrame) -> pd.DataFrame:
    """Summarise daily series over replicates, day by day.

    Args:
        daily: Long frame ``[scenario,] replicate, day, metric, value``.

    Returns:
        ``[scenario,] day, metric, n, mean, sd, ci_low, ci_high, p10, p90``, by day.
    """
    keys = ["scenario", "day", "metric"] if "scenario" in daily else ["day", "metric"]
    return summarise(daily, keys).sort_values(keys, kind="stable").reset_index(drop=True)


def paired_comparison(kpis: pd.DataFrame, baseline: str) -> pd.DataFrame:
    """Compare each scenario with the baseline, pairing replicates with the same seed.

    The differences, intervals and sentences are those of ``courtsim.compare``
    (:func:`courtsim.experiment.stats.paired_differences` and
    :func:`courtsim.experiment.wording.difference_sentence`).

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
    order = {k: i for i, k in enumerate(kpi_order(set(kpis["metric"])))}
    parts = []
    for scen in (n for n in names if n != baseline):
        d = paired_differences(kpis, baseline, scen)
        d["sentence"] = [
            difference_sentence(
                scenario_subject(scen),
                r.metric,
                r.diff_mean,
                (r.diff_ci_low, r.diff_ci_high),
                r.rel_diff_mean,
                (r.rel_ci_low, r.rel_ci_high),
            )
            for r in d.itertuples()
        ]
        d.insert(0, "scenario", scen)
        parts.append(d.sort_values("metric", key=lambda m: m.map(order), kind="stable"))
    if not parts:
        return pd.DataFrame(columns=list(COMPARISON_COLUMNS))
    return pd.concat(parts, ignore_index=True)[list(COMPARISON_COLUMNS)]


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
    scenarios = list(pd.unique(summary["scenario"])) if "scenario" in summary else [None]
    has_ci = "ci_low" in summary
    # one dict lookup per cell, not one frame filter (a comparison has ~500 cells)
    records: dict[tuple[object, str], dict] = {
        (r.get("scenario"), str(r["metric"])): r for r in summary.to_dict("records")
    }
    rows = []
    for key in keys:
        m = measure(key)
        row: dict[str, str] = {_("KPI"): m.text, _("unit"): m.unit_label}
        for scen in scenarios:
            name = scen or _("mean")
            r = records.get((scen, key))
            if r is None:
                row[name] = _("n/a")
                continue
            row[name] = m.format(float(r["mean"])).removesuffix(m.unit_label).strip()
            if has_ci and not math.isnan(float(r["ci_low"])):
                low, high = clip_interval(key, float(r["ci_low"]), float(r["ci_high"]))
                lo = m.format(low).removesuffix(m.unit_label).strip()
                hi = m.format(high).removesuffix(m.unit_label).strip()
                ci = _("95% CI")
                row[f"{name} {ci}" if scen else ci] = _("{low} to {high}").format(low=lo, high=hi)
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
    out = summarise(sel.dropna(subset=["value"]), factors)
    return out.sort_values(factors, kind="stable").reset_index(drop=True)


#: Names of the stored columns of the tables a page or a report shows (summaries, sweeps,
#: sensitivity indices, decision questions), as a reader calls them.
COLUMN_NAMES: dict[str, str] = {
    "n": N_("replicates"),
    "mean": N_("mean"),
    "sd": N_("standard deviation"),
    "ci_low": N_("95% CI: from"),
    "ci_high": N_("95% CI: to"),
    "p10": N_("10th percentile"),
    "p90": N_("90th percentile"),
    "metric": N_("KPI"),
    "factor": N_("factor"),
    "method": N_("method"),
    "index": N_("index"),
    "value": N_("value"),
    "level": N_("level"),
    "bound_low": N_("lower bound"),
    "bound_high": N_("upper bound"),
    "verdict": N_("verdict"),
    "exhausted": N_("budget spent"),
    "region": N_("region"),
    "weight": N_("weight"),
    "current": N_("posts now"),
    "added": N_("posts added"),
    "before": N_("before"),
    "before_low": N_("before: 95% CI from"),
    "before_high": N_("before: 95% CI to"),
    "after": N_("after"),
    "after_low": N_("after: 95% CI from"),
    "after_high": N_("after: 95% CI to"),
    "marginal": N_("last post's gain"),
    "marginal_low": N_("gain: 95% CI from"),
    "marginal_high": N_("gain: 95% CI to"),
}
#: Stored codes in those tables' cells, as a reader calls them (the verdicts of a level,
#: the methods and indices of a sensitivity analysis).
VALUE_NAMES: dict[str, str] = {
    "meets": N_("meets"),
    "fails": N_("fails"),
    "unclear": N_("unclear"),
    "sobol": N_("Sobol indices"),
    "morris": N_("Morris screening"),
}
#: A dotted scenario key (a swept factor): ``judges.count``, ``mediators.public.per_court``.
_DOTTED_KEY = re.compile(r"^[a-z_][a-z0-9_]*(?:\.[a-z0-9_\[\]]+)+$")
#: Index symbols, written as the literature writes them (no translation).
_SYMBOLS = {"mu_star": "μ*", "mu": "μ", "sigma": "σ"}


def display_frame(df: pd.DataFrame) -> pd.DataFrame:
    """Return a stored table as a reader reads it, in the language in force.

    Column names and codes become words (:data:`COLUMN_NAMES`, :data:`VALUE_NAMES`), KPI
    keys and swept factors their labels, true/false "yes"/"no". Numbers are left as they
    are (:func:`display_cell` writes them). Anything else (a region or scenario a user
    named, a label already translated) is shown as it is.

    Args:
        df: The table.

    Returns:
        A renamed copy.
    """

    def name(col: object) -> str:
        c = str(col)
        if c in COLUMN_NAMES:
            return _(COLUMN_NAMES[c])
        if c in FACTOR_LABELS or _DOTTED_KEY.match(c):
            return factor_label(c)
        return measure(c).text if is_measure(c) else c

    def cell(v: object) -> object:
        if isinstance(v, bool | np.bool_):
            return _("yes") if v else _("no")
        if not isinstance(v, str):
            return v
        if v in VALUE_NAMES:
            return _(VALUE_NAMES[v])
        if v in _SYMBOLS:
            return _SYMBOLS[v]
        if v in FACTOR_LABELS or _DOTTED_KEY.match(v):
            return factor_label(v)
        return measure(v).text if is_measure(v) else v

    out = df.copy()
    for col in out.columns:
        if out[col].dtype in (object, bool) or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(cell)
    out.columns = [name(c) for c in out.columns]
    return out


def display_cell(v: object) -> str:
    """Return one cell as text: numbers to 4 significant digits, as the language writes them."""
    from babel.numbers import format_decimal

    if isinstance(v, bool | np.bool_):
        return _("yes") if v else _("no")
    if isinstance(v, numbers.Real):
        if math.isnan(float(v)):
            return _("n/a")
        x = float(f"{float(v):.4g}")
        digits = 0 if x == 0 else max(0, 3 - math.floor(math.log10(abs(x))))
        return format_decimal(x, format="#,##0." + "#" * min(digits, 8), locale=current())
    return str(v)
