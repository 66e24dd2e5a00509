"""Results in Python and Jupyter: ``.plot()`` figures, short reprs and ``_repr_html_`` tables.

The result objects (``Result``, ``ReplicateResult``, ``Comparison``, ``SweepOutcome``,
``SensitivityOutcome``) delegate here, so a notebook draws exactly the figures of the
dashboard and the HTML report (:mod:`courtsim.dashboard.figures`).

Example:
    >>> res = courtsim.simulate("scenarios/baseline.yaml", seed=1)
    >>> res.plot()             # pending cases over time
    >>> res.plot("ttd")        # time to disposition
"""

from __future__ import annotations

import html
import math
from collections.abc import Callable
from typing import Any

import plotly.graph_objects as go

from courtsim.dashboard import figures as F
from courtsim.dashboard.describe import KEY_METRICS
from courtsim.dashboard.folders import Bundle, localise, to_bundle
from courtsim.dashboard.labels import measure
from courtsim.errors import CourtsimError

#: KPIs a repr shows, in order (those a result lacks are skipped).
REPR_KPIS: tuple[str, ...] = (
    "clearance_rate",
    "disposition_time_days",
    "ttd_median_days",
    "backlog_cases",
    "share_settled",
)

Plot = Callable[[Bundle, str | None], go.Figure]


def _need(bundle: Bundle, attr: str, kind: str) -> Any:
    value = getattr(bundle, attr)
    if value is None:
        raise CourtsimError(
            f"this {bundle.kind} result has no data for plot('{kind}')",
            field="kind",
        )
    return value


def _sweep(bundle: Bundle, metric: str | None) -> go.Figure:
    from courtsim.dashboard.report import figures_for

    figs = figures_for(bundle, metric or _first_key(bundle))
    if not figs:
        raise CourtsimError("the sweep has no successful run to draw", field="metric")
    return figs[0]


def _first_key(bundle: Bundle) -> str | None:
    present = bundle.metrics()
    return next((m for m in KEY_METRICS if m in present), present[0] if present else None)


def _limit(bundle: Bundle) -> float | None:
    from courtsim.dashboard.report import statutory_limit

    return statutory_limit(bundle)


#: plot kind -> figure of a bundle (the metric argument picks a series or a KPI).
PLOTS: dict[str, Plot] = {
    "differences": lambda b, m: F.differences(
        _need(b, "comparison", "differences"),
        [m] if m else list(KEY_METRICS),
        colours=b.colours(),
    ),
    "pending": lambda b, m: F.pending_over_time(
        _need(b, "daily_summary", "pending"),
        m or "n_pending",
        b.title,
        colours=b.colours(),
        start_date=b.start_date(),
        from_day=b.warmup_days(),
    ),
    "ttd": lambda b, m: F.ttd_histogram(
        _need(b, "ttd", "ttd"), _limit(b), b.title, colours=b.colours()
    ),
    "in_time": lambda b, m: F.ttd_shares(
        _need(b, "summary", "in_time"), b.title, colours=b.colours()
    ),
    "channels": lambda b, m: F.settlement_channels(
        _need(b, "summary", "channels"), b.title, colours=b.colours()
    ),
    "utilisation": lambda b, m: F.utilisation(
        _need(b, "summary", "utilisation"), b.title, colours=b.colours()
    ),
    "sweep": _sweep,
    "sensitivity": lambda b, m: F.sensitivity_bars(
        _need(b, "indices", "sensitivity"), m or _first_key(b) or ""
    ),
}

#: The figure ``.plot()`` draws when no kind is given, per kind of result.
DEFAULT_PLOT = {
    "run": "pending",
    "replicate": "pending",
    "compare": "differences",
    "sweep": "sweep",
    "sensitivity": "sensitivity",
}


def plot(source: Any, kind: str | None = None, metric: str | None = None) -> go.Figure:
    """Return one figure of a result object, as the dashboard draws it.

    Args:
        source: A ``Result``, ``ReplicateResult``, ``Comparison``, ``SweepOutcome`` or
            ``SensitivityOutcome``.
        kind: ``pending``, ``ttd``, ``in_time``, ``channels``, ``utilisation``,
            ``differences`` (comparisons), ``sweep`` or ``sensitivity``; default: the
            result's main figure.
        metric: The daily series (``pending``), KPI (``differences``, ``sweep``,
            ``sensitivity``) to draw.

    Returns:
        A plotly figure.

    Raises:
        CourtsimError: An unknown kind, or one the result has no data for.
    """
    bundle = localise(to_bundle(source))
    kind = kind or DEFAULT_PLOT[bundle.kind]
    if kind not in PLOTS:
        raise CourtsimError(
            f"unknown plot kind {kind!r}; choose one of {', '.join(PLOTS)}", field="kind"
        )
    return PLOTS[kind](bundle, metric)


def _value(key: str, v: Any) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "n/a"
    return measure(key).format(float(v))


def kpi_items(kpis: dict[str, Any], keys: tuple[str, ...] = REPR_KPIS) -> list[tuple[str, str]]:
    """Return ``(label, formatted value)`` of the repr KPIs a result has.

    Args:
        kpis: KPI name -> value (fractions for shares).
        keys: KPIs wanted, in order.

    Returns:
        The pairs.
    """
    return [(measure(k).label, _value(k, kpis[k])) for k in keys if k in kpis]


def short_repr(name: str, fields: dict[str, Any], kpis: dict[str, Any] | None = None) -> str:
    """Return a one-line repr such as ``Result(scenario='baseline', clearance_rate=98.0 %)``.

    Args:
        name: Class name.
        fields: Identifying fields, shown as ``key=value``.
        kpis: KPI values to show after them (the repr KPIs present).

    Returns:
        The text.
    """
    parts = [f"{k}={v!r}" for k, v in fields.items()]
    k = kpis or {}
    parts += [f"{key}={_value(key, k[key])}" for key in REPR_KPIS if key in k]
    return f"{name}({', '.join(parts)})"


def html_table(title: str, fields: dict[str, Any], rows: list[tuple[str, ...]], hint: str) -> str:
    """Return a small HTML card: title, identifying fields, a table, and a hint.

    Args:
        title: Heading.
        fields: Shown as ``key: value`` under the heading.
        rows: Table rows; the first is the header.
        hint: A line saying how to see more (``.plot()``, attributes).

    Returns:
        HTML for Jupyter.
    """
    esc = html.escape
    meta = ", ".join(f"{esc(str(k))}: {esc(str(v))}" for k, v in fields.items())
    head, *body = rows or [()]
    thead = "".join(f"<th style='text-align:left'>{esc(c)}</th>" for c in head)
    tbody = "".join(
        "<tr>" + "".join(f"<td style='text-align:left'>{esc(c)}</td>" for c in r) + "</tr>"
        for r in body
    )
    return (
        f"<div><strong>{esc(title)}</strong><br><small>{meta}</small>"
        f"<table><thead><tr>{thead}</tr></thead><tbody>{tbody}</tbody></table>"
        f"<small>{esc(hint)}</small></div>"
    )


def summary_rows(summary: Any, scenario: str | None = None) -> list[tuple[str, ...]]:
    """Return rows ``KPI, mean, 95% CI`` of a replicate summary for the repr KPIs.

    Args:
        summary: ``[scenario,] metric, mean, ci_low, ci_high``.
        scenario: Keep this scenario's rows only.

    Returns:
        Header and rows.
    """
    df = summary if scenario is None else summary[summary["scenario"] == scenario]
    by = {str(r["metric"]): r for r in df.to_dict("records")}
    rows: list[tuple[str, ...]] = [("KPI", "mean", "95% CI")]
    for k in REPR_KPIS:
        if k in by:
            r = by[k]
            ci = f"{_value(k, r.get('ci_low'))} to {_value(k, r.get('ci_high'))}"
            rows.append((measure(k).label, _value(k, r["mean"]), ci))
    return rows


__all__ = ["PLOTS", "html_table", "kpi_items", "plot", "short_repr", "summary_rows"]
