"""Plain-text tables of experiment results for the terminal."""

from __future__ import annotations

import math
from collections.abc import Sequence

import pandas as pd

from courtsim.experiment.stats import summarise
from courtsim.experiment.wording import PERCENT_KPIS, is_fraction
from courtsim.i18n import N_, _, number
from courtsim.kpi_table import KPI_LINES

#: KPIs printed by default (all are saved).
HEADLINE_KPIS = (
    "pending_end",
    "clearance_rate",
    "disposition_time_days",
    "ttd_mean_days",
    "share_within_statutory_limit",
    "backlog_cases",
    "share_settled",
    "cost_total_per_case_kzt",
)
_LABELS = {k: label for k, label, _, _ in KPI_LINES if k is not None} | {
    # The KPI table's labels lean on its section headings; these stand alone.
    "ttd_mean_days": N_("Time to disposition, mean (days)"),
    "ttd_median_days": N_("Time to disposition, median (days)"),
    "ttd_p90_days": N_("Time to disposition, 90th percentile (days)"),
    "pending_age_mean_days": N_("Age of pending cases, mean (days)"),
    "disposition_time_days": N_("Disposition time, CEPEJ (days)"),
    "share_within_statutory_limit": N_("Disposed within the CPC art. 183 limit"),
    "cost_total_per_case_kzt": N_("Total cost per case (KZT)"),
}


def label(metric: str) -> str:
    """Return a KPI's short label for tables.

    Args:
        metric: KPI name.

    Returns:
        The label of the KPI table, or the name.
    """
    return _(_LABELS[metric]) if metric in _LABELS else metric


def fmt(v: float, metric: str, signed: bool = False) -> str:
    """Format a KPI value (fractions as %) for a table.

    Args:
        v: The value.
        metric: KPI name.
        signed: Show a sign (differences).

    Returns:
        The text.
    """
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return _("n/a")
    sign = "+" if signed and v >= 0 else ""
    if is_fraction(metric):
        pct = sign + number(100 * v, 1)
        points = _("pp")  # percentage points
        return f"{pct}%" if not signed else f"{pct} {points}"
    if metric in PERCENT_KPIS:
        return sign + number(v, 1)
    a = abs(v)
    if a >= 1000:
        return sign + number(v, 0)
    if a >= 10 or v == 0:
        return sign + number(v, 1)
    return sign + number(v, 3 if a < 0.01 else 2 if a < 1 else 1)


def headline(available: Sequence[str], chosen: Sequence[str] | None) -> list[str]:
    """Return the KPIs to print: the chosen ones, or the headline KPIs available.

    Args:
        available: KPIs in the results.
        chosen: KPIs asked for, or None.

    Returns:
        KPI names.
    """
    if chosen:
        return [k for k in chosen if k in available]
    return [k for k in HEADLINE_KPIS if k in available] or list(available)[:8]


def comparison_text(table: pd.DataFrame, baseline: str, metrics: Sequence[str]) -> str:
    """Return the comparison table and its sentences, scenario by scenario.

    Args:
        table: ``Comparison.table``.
        baseline: The baseline's label.
        metrics: KPIs to show.

    Returns:
        The text.
    """
    lines = []
    for scenario, t in table.groupby("scenario", sort=False):
        t = t.set_index("metric")
        lines.append(
            "\n"
            + _("{scenario} vs {baseline} (paired replicates, 95% CI)").format(
                scenario=scenario, baseline=baseline
            )
        )
        head = (_("KPI"), _("baseline"), _("scenario"), _("difference (95% CI)"), _("relative"))
        lines.append(f"  {head[0]:<44} {head[1]:>12} {head[2]:>12}  {head[3]:<32} {head[4]}")
        for m in metrics:
            if m not in t.index:
                continue
            r = t.loc[m]
            ci = _("{low} to {high}").format(
                low=fmt(r.diff_ci_low, m, True), high=fmt(r.diff_ci_high, m, True)
            )
            diff = f"{fmt(r.diff_mean, m, True)} ({ci})"
            rel = (
                _("n/a")
                if math.isnan(r.rel_diff_mean)
                else ("+" if r.rel_diff_mean >= 0 else "") + number(100 * r.rel_diff_mean, 1) + "%"
            )
            lines.append(
                f"  {label(m):<44.44} {fmt(r.baseline_mean, m):>12} {fmt(r.scenario_mean, m):>12}"
                f"  {diff:<32} {rel}"
            )
        lines.append("")
        lines += [f"  {t.loc[m, 'sentence']}" for m in metrics if m in t.index]
    return "\n".join(lines)


def sweep_text(results: pd.DataFrame, factors: Sequence[str], metrics: Sequence[str]) -> str:
    """Return a table of KPI means over replicates with 95% CIs, one line per design point.

    Args:
        results: The sweep's results.
        factors: Factor columns.
        metrics: KPIs to show (at most 3 fit).

    Returns:
        The text (at most 30 points; the rest are in the Parquet file). Counts are
        written in full (``1,210``), never in scientific notation.
    """
    metrics = list(metrics)[:3]
    ok = results[(results["status"] == "ok") & results["metric"].isin(metrics)]
    if ok.empty:
        return "  (no finished runs)"
    summ = summarise(ok, ["point", *factors, "metric"], with_sd=False)
    cells = summ.assign(
        cell=[
            f"{fmt(m, k)} ({fmt(lo, k)} to {fmt(hi, k)})" if not math.isnan(lo) else fmt(m, k)
            for m, lo, hi, k in zip(
                summ["mean"], summ["ci_low"], summ["ci_high"], summ["metric"], strict=True
            )
        ]
    )
    wide = cells.pivot_table(
        index=["point", *factors], columns="metric", values="cell", aggfunc="first", sort=False
    )
    wide = wide.reset_index().drop(columns="point")
    cols = [*factors, *[m for m in metrics if m in wide.columns]]
    shown = wide[cols].head(30).rename(columns={m: label(m) for m in metrics})
    text = shown.to_string(index=False)
    more = len(wide) - len(shown)
    tail = f"\n  ... {more} more points in results.parquet" if more > 0 else ""
    return "  mean over replicates per design point (95% CI):\n" + _indent(text) + tail


def indices_text(indices: pd.DataFrame) -> str:
    """Return the sensitivity indices as a table per KPI.

    Args:
        indices: ``method, metric, factor, index, value, ci_low, ci_high``.

    Returns:
        The text.
    """
    lines = []
    for metric, t in indices.groupby("metric", sort=False):
        lines.append(f"\n{metric}")
        cells = t.assign(
            cell=[
                "n/a"
                if math.isnan(v)
                else (f"{v:.3g}" + ("" if math.isnan(lo) else f" [{lo:.2g}, {hi:.2g}]"))
                for v, lo, hi in zip(t["value"], t["ci_low"], t["ci_high"], strict=True)
            ]
        )
        wide = cells.pivot_table(
            index="factor", columns="index", values="cell", aggfunc="first", sort=False
        )
        order = [c for c in ("S1", "ST", "mu_star", "sigma") if c in wide.columns]
        lines.append(_indent(wide[order].to_string()))
    return "\n".join(lines)


def _indent(text: str) -> str:
    return "\n".join("  " + line for line in text.splitlines())
