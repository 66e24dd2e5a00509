"""Figures shared by the dashboard and the HTML report: tables in, ``go.Figure`` out.

Every function is pure (no files, no globals changed) and takes the tidy tables of the
experiments package or of a live run, so a saved experiment and a live run draw the same
figure. Titles and axis labels say what is measured and in which unit; shares are shown
in percent. Rows with missing values are left out, so no trace carries a NaN.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from courtsim.dashboard.labels import (
    SETTLEMENT_CHANNELS,
    UTILISATION,
    factor_label,
    measure,
)
from courtsim.i18n import N_, _, current

BASELINE_COLOUR = "#5f6b77"
PALETTE = ("#1f77b4", "#d95f02", "#2ca02c", "#9467bd", "#e7298a", "#8c564b", "#17becf")
FONT = "Segoe UI, Helvetica Neue, Arial, sans-serif"
#: Height of plotly's toolbar row; titles start below it.
_TOOLBAR_PX = 30
#: Top margin: toolbar, title and subtitle.
TOP_MARGIN_PX = 110


Colours = Mapping[str, str]


def colour(i: int) -> str:
    """Return the i-th colour of the palette (sweep lines, index kinds).

    Args:
        i: Position (0-based).

    Returns:
        A CSS colour.
    """
    return PALETTE[i % len(PALETTE)]


def scenario_colours(names: Sequence[str], baseline: str | None = None) -> dict[str, str]:
    """Return one colour per scenario, to be passed to every figure of a set of results.

    The baseline is grey whatever it is called; the others take the palette in order, so
    a scenario keeps its colour in every figure and report of the same results.

    Args:
        names: Scenario names, in display order.
        baseline: The reference scenario, if any.

    Returns:
        Name -> CSS colour.
    """
    out: dict[str, str] = {}
    others = 0
    for name in dict.fromkeys(names):
        if name == baseline:
            out[name] = BASELINE_COLOUR
        else:
            out[name] = colour(others)
            others += 1
    return out


def _colour_map(names: list[str], colours: Colours | None) -> dict[str, str]:
    given = dict(colours or {})
    fallback = scenario_colours([n for n in names if n not in given])
    return {n: given.get(n) or fallback[n] for n in names}


def _rgba(hex_colour: str, alpha: float) -> str:
    h = hex_colour.lstrip("#")
    r, g, b = (int(h[i : i + 2], 16) for i in (0, 2, 4))
    return f"rgba({r},{g},{b},{alpha})"


@functools.lru_cache(maxsize=1)
def _template() -> go.layout.Template:
    # A few layout settings in the spirit of "plotly_white": the full built-in template
    # costs ~90 ms per figure to copy, this one ~3 ms (the explorer draws five at a time).
    grid = {"gridcolor": "#e5ecf6", "zerolinecolor": "#cfd6de", "linecolor": "#cfd6de"}
    return go.layout.Template(
        layout={
            "plot_bgcolor": "white",
            "paper_bgcolor": "white",
            "colorway": list(PALETTE),
            # whole numbers with the language's separators ("20 000"), not SI's "20k"
            "xaxis": {**grid, "automargin": True, "exponentformat": "none"},
            "yaxis": {**grid, "automargin": True, "exponentformat": "none"},
        }
    )


def _base(
    title: str, x_title: str, y_title: str, height: int = 400, subtitle: str = ""
) -> go.Figure:
    fig = go.Figure()
    fig.update_layout(
        # Title and subtitle at the top, below the toolbar's row (the toolbar is ~30 px
        # high at the top right), the legend on the right: none covers another however
        # narrow the figure is.
        title={
            "text": title,
            "x": 0.01,
            "xanchor": "left",
            "y": 1 - _TOOLBAR_PX / height,
            "yanchor": "top",
            "yref": "container",
            "font": {"size": 15},
            "subtitle": {
                "text": _two_lines(subtitle, _SUBTITLE_CHARS),
                "font": {"size": 12, "color": "#5f6b77"},
            },
        },
        xaxis_title=x_title,
        yaxis_title=_two_lines(y_title),
        template=_template(),
        font={"family": FONT, "size": 12},
        height=height,
        margin={"l": 70, "r": 20, "t": TOP_MARGIN_PX, "b": 60},
        legend={"orientation": "v", "yanchor": "top", "y": 1, "x": 1.02, "xanchor": "left"},
        hovermode="closest",
        # decimal and thousands separators of the language ("1 234,5" in ru and kk)
        separators=".," if current() == "en" else ", ",
    )
    return fig


#: Characters a vertical axis title holds on one line before it reaches the subtitle above
#: a 400 px figure (Russian and Kazakh titles run longer than English ones).
_Y_TITLE_CHARS = 36
#: Characters a subtitle holds on one line of a half-width figure of the dashboard (the
#: Russian "Line: mean of ..." ran past the right edge); a second line fits in the top
#: margin.
_SUBTITLE_CHARS = 70


def _two_lines(title: str, limit: int = _Y_TITLE_CHARS) -> str:
    """Break a long title in two (plotly's ``<br>``) at the space nearest its middle.

    A space after a semicolon is preferred, so that a clause stays on one line.
    """
    if len(title) <= limit or " " not in title or "<br>" in title:
        return title
    spaces = [i for i, c in enumerate(title) if c == " "]
    spaces = [i for i in spaces if title[i - 1] == ";"] or spaces
    cut = min(spaces, key=lambda i: abs(i - len(title) / 2))
    return f"{title[:cut]}<br>{title[cut + 1 :]}"


def _scenarios(df: pd.DataFrame, default: str) -> tuple[pd.DataFrame, list[str]]:
    if "scenario" not in df:
        df = df.assign(scenario=default)
    return df, [str(x) for x in pd.unique(df["scenario"])]


def _no_data(fig: go.Figure, what: str) -> go.Figure:
    fig.add_annotation(
        text=_("No data: {what}").format(what=what),
        showarrow=False,
        xref="paper",
        yref="paper",
        x=0.5,
        y=0.5,
        font={"size": 14, "color": "#666"},
    )
    return fig


def _ci(row_mean: pd.Series, lo: pd.Series | None, hi: pd.Series | None) -> dict | None:
    if lo is None or hi is None:
        return None
    plus, minus = (hi - row_mean).to_numpy(), (row_mean - lo).to_numpy()
    if np.isnan(plus).all():
        return None
    return {
        "type": "data",
        "array": np.nan_to_num(plus),
        "arrayminus": np.nan_to_num(minus),
        "visible": True,
        "thickness": 1.2,
        "width": 4,
    }


def _dates(days: pd.Series, start_date: dt.date | None) -> pd.Series | pd.DatetimeIndex:
    if start_date is None:
        return days
    # Day 1 is the scenario's start date; day 0 is the state before it.
    return pd.Timestamp(start_date) + pd.to_timedelta(days.to_numpy() - 1, unit="D")


def pending_over_time(
    daily_summary: pd.DataFrame,
    metric: str = "n_pending",
    scenario: str = "run",
    *,
    colours: Colours | None = None,
    start_date: dt.date | None = None,
    from_day: int = 0,
) -> go.Figure:
    """Draw a daily stock over time: mean over replicates and its 10-90% band.

    Args:
        daily_summary: ``[scenario,] day, metric, mean[, p10, p90]`` (a single run may give
            just ``day, metric, mean``).
        metric: Daily series to draw (default pending cases).
        scenario: Name used when the table has no ``scenario`` column.
        colours: Scenario -> colour (see :func:`scenario_colours`).
        start_date: Date of day 1: the x axis shows dates (default: day numbers).
        from_day: First day drawn (the end of the warm-up), days.

    Returns:
        One band trace (when percentiles are given) and one line per scenario.
    """
    m = measure(metric)
    df, names = _scenarios(daily_summary[daily_summary["metric"] == metric], scenario)
    df = df[df["day"] >= from_day]
    has_band = {"p10", "p90"} <= set(df.columns)
    sub = _("One run")
    if has_band:
        n = f"{int(df['n'].max())} " if "n" in df and len(df) else ""
        sub = _("Line: mean of {n}replications; shaded: 10-90% of replications").format(n=n)
    if from_day > 0:
        sub += "; " + _("from day {day}, after the warm-up").format(day=from_day)
    x_title = _("Date") if start_date is not None else _("Day of the simulation (calendar days)")
    fig = _base(_("{measure} over time").format(measure=m.text), x_title, m.title(), subtitle=sub)
    if start_date is not None and current() != "en":
        fig.update_xaxes(tickformat="%d.%m.%Y")  # plotly's month names are English only
    if df.empty:
        return _no_data(fig, m.text.lower())
    cmap = _colour_map(names, colours)
    for name in names:
        d = df[df["scenario"] == name].dropna(subset=["mean"]).sort_values("day")
        c = cmap[name]
        if has_band:
            b = d.dropna(subset=["p10", "p90"])
            if len(b) > 1 and (b["p90"] > b["p10"]).any():
                x = _dates(b["day"], start_date)
                fig.add_trace(
                    go.Scatter(
                        x=np.concatenate([np.asarray(x), np.asarray(x)[::-1]]),
                        y=np.concatenate([b["p90"], b["p10"][::-1]]) * m.scale(),
                        fill="toself",
                        fillcolor=_rgba(c, 0.18),
                        line={"width": 0},
                        hoverinfo="skip",
                        name=_("{name}: 10-90% band").format(name=name),
                        legendgroup=name,
                        showlegend=False,
                    )
                )
        fig.add_trace(
            go.Scatter(
                x=_dates(d["day"], start_date),
                y=d["mean"] * m.scale(),
                mode="lines",
                line={"color": c, "width": 2},
                name=name,
                legendgroup=name,
                hovertemplate=f"{name}<br>%{{x}}<br>%{{y:,.0f}} {m.unit_label}<extra></extra>",
            )
        )
    fig.update_layout(showlegend=len(names) > 1)
    return fig


def ttd_histogram(
    ttd: pd.DataFrame,
    limit_days: float | None = None,
    scenario: str = "run",
    *,
    colours: Colours | None = None,
) -> go.Figure:
    """Draw the distribution of time to disposition (filing to disposal) of disposed cases.

    Cases are binned here, in 7-day bins (the last bin holds everything beyond the 99.5th
    percentile), so the figure stays small whatever the number of cases.

    Args:
        ttd: ``[scenario,] ttd_days``: one row per disposed case (all replicates pooled).
        limit_days: The statutory limit of most cases, drawn as a line (days).
        scenario: Name used when the table has no ``scenario`` column.
        colours: Scenario -> colour (see :func:`scenario_colours`).

    Returns:
        One bar trace per scenario: share of its disposed cases in each bin, in percent.
    """
    df, names = _scenarios(ttd.dropna(subset=["ttd_days"]), scenario)
    fig = _base(
        _("Time to disposition of disposed cases"),
        _("Calendar days from filing to disposition (7-day bins)"),
        _("Share of disposed cases (%)"),
        subtitle=_("Filing to disposal, every replication's cases pooled"),
    )
    if df.empty:
        return _no_data(fig, _("no case was disposed"))
    cmap = _colour_map(names, colours)
    top = max(7.0, float(np.percentile(df["ttd_days"], 99.5)))
    edges = np.arange(0.0, top + 7.0, 7.0)
    for name in names:
        d = df.loc[df["scenario"] == name, "ttd_days"].to_numpy(float)
        counts, _edges = np.histogram(np.clip(d, 0.0, edges[-1] - 1e-9), bins=edges)
        share = 100.0 * counts / max(1, d.size)
        fig.add_trace(
            go.Bar(
                x=edges[:-1] + 3.5,
                y=share,
                width=7.0,
                name=name,
                marker_color=cmap[name],
                opacity=0.6 if len(names) > 1 else 0.85,
                customdata=np.stack([edges[:-1], edges[1:]], axis=1),
                hovertemplate=f"{name}<br>%{{customdata[0]:.0f}}-%{{customdata[1]:.0f}} "
                + _("days: %{y:.1f}% of cases")
                + "<extra></extra>",
            )
        )
    fig.update_layout(barmode="overlay", bargap=0, showlegend=len(names) > 1)
    if limit_days is not None and not math.isnan(limit_days):
        fig.add_vline(
            x=limit_days,
            line={"dash": "dash", "color": LIMIT_COLOUR},
            annotation_text=_("{days}-day limit (CPC art. 183)").format(days=f"{limit_days:.0f}"),
            annotation_position="top right",
        )
    return fig


def _bars(
    summary: pd.DataFrame,
    metrics: list[str],
    title: str,
    y_title: str,
    scenario: str,
    labels: dict[str, str] | None = None,
    subtitle: str = N_("Bars: 95% confidence intervals of the mean over replications"),
    colours: Colours | None = None,
) -> go.Figure:
    df, names = _scenarios(summary[summary["metric"].isin(metrics)], scenario)
    if "ci_low" not in df:
        subtitle = N_("One run")
    fig = _base(_(title), "", _(y_title), subtitle=_(subtitle))
    present = [k for k in metrics if k in set(df["metric"])]
    if not present:
        return _no_data(fig, _("these measures are not in the results"))
    cmap = _colour_map(names, colours)
    for name in names:
        d = df[df["scenario"] == name].set_index("metric").reindex(present)
        d = d.dropna(subset=["mean"])
        scale = np.array([measure(k).scale() for k in d.index])
        err = None
        if {"ci_low", "ci_high"} <= set(d.columns):
            lo_b, hi_b = zip(*(measure(k).bounds() for k in d.index), strict=True) or ((), ())
            lo = d["ci_low"].clip(lower=np.array(lo_b), upper=np.array(hi_b), axis=0)
            hi = d["ci_high"].clip(lower=np.array(lo_b), upper=np.array(hi_b), axis=0)
            err = _ci(d["mean"] * scale, lo * scale, hi * scale)
        fig.add_trace(
            go.Bar(
                x=[_((labels or {}).get(k, measure(k).label)) for k in d.index],
                y=d["mean"] * scale,
                error_y=err,
                name=name,
                marker_color=cmap[name],
                hovertemplate=f"{name}<br>%{{x}}: %{{y:.1f}}<extra></extra>",
            )
        )
    fig.update_layout(barmode="group", showlegend=len(names) > 1)
    return fig


def ttd_shares(
    summary: pd.DataFrame, scenario: str = "run", *, colours: Colours | None = None
) -> go.Figure:
    """Draw the shares of disposed cases decided within 30, 60 and 90 days and the limit.

    Args:
        summary: KPI summary (``[scenario,] metric, mean[, ci_low, ci_high]``).
        scenario: Name used when the table has no ``scenario`` column.
        colours: Scenario -> colour (see :func:`scenario_colours`).

    Returns:
        One bar trace per scenario, with 95% CI error bars when available.
    """
    keys = [
        "share_within_30_days",
        "share_within_60_days",
        "share_within_90_days",
        "share_within_statutory_limit",
    ]
    names = {
        "share_within_30_days": N_("within 30 days"),
        "share_within_60_days": N_("within 60 days"),
        "share_within_90_days": N_("within 90 days"),
        "share_within_statutory_limit": N_("within the statutory limit"),
    }
    return _bars(
        summary,
        keys,
        N_("Disposed cases decided in time"),
        N_("Share of disposed cases (%)"),
        scenario,
        names,
        colours=colours,
    )


def settlement_channels(
    summary: pd.DataFrame, scenario: str = "run", *, colours: Colours | None = None
) -> go.Figure:
    """Draw the reconciliation share of disposed cases by channel.

    Args:
        summary: KPI summary with the ``share_settled_*`` / ``share_settlement`` KPIs.
        scenario: Name used when the table has no ``scenario`` column.
        colours: Scenario -> colour (see :func:`scenario_colours`).

    Returns:
        One bar trace per scenario: conciliation judge, mediation, participatory
        procedure, agreement before the trial judge (with 95% CI when available);
        channels no scenario used are left out.
    """
    names = {
        "share_settled_conciliation": N_("conciliation judge"),
        "share_settled_mediation": N_("mediation"),
        "share_settled_participatory": N_("participatory procedure"),
        "share_settlement": N_("agreement before the trial judge"),
    }
    present = summary[summary["metric"].isin(SETTLEMENT_CHANNELS)]
    used = set(present.loc[present["mean"].abs() > 0, "metric"])
    channels = [k for k in SETTLEMENT_CHANNELS if k in used] or list(SETTLEMENT_CHANNELS)
    return _bars(
        summary,
        channels,
        N_("Reconciliation by channel"),
        N_("Share of disposed cases (%)"),
        scenario,
        names,
        colours=colours,
    )


def utilisation(
    summary: pd.DataFrame, scenario: str = "run", *, colours: Colours | None = None
) -> go.Figure:
    """Draw the utilisation of each kind of actor: hours worked over hours available.

    Args:
        summary: KPI summary with utilisation KPIs (``judge_utilisation``,
            ``utilisation_<actors>``: whichever the results hold).
        scenario: Name used when the table has no ``scenario`` column.
        colours: Scenario -> colour (see :func:`scenario_colours`).

    Returns:
        One bar trace per scenario.
    """
    present = [str(k) for k in dict.fromkeys(summary["metric"])]
    keys = [k for k in UTILISATION if k in present] + [
        k
        for k in present
        if k not in UTILISATION and (k.endswith("_utilisation") or k.startswith("utilisation_"))
    ]
    return _bars(
        summary,
        keys,
        N_("Utilisation of court actors"),
        N_("Hours worked / hours available (%)"),
        scenario,
        {k: UTILISATION.get(k, measure(k).label.removesuffix(" utilisation")) for k in keys},
        colours=colours,
    )


#: Differences panel geometry, in pixels: a row per scenario, and between panels room
#: for the tick labels of the panel above and the title of the panel below.
_ROW_PX, _PANEL_PAD_PX, _PANEL_GAP_PX = 26, 30, 72


def differences(
    comparison: pd.DataFrame,
    metrics: list[str] | None = None,
    *,
    colours: Colours | None = None,
) -> go.Figure:
    """Draw each pilot's change against the baseline, one panel per KPI, in the KPI's unit.

    Each KPI keeps its own unit (days, cases, KZT; shares in percentage points), since a
    relative change misleads for shares and for small baselines (a 4% settlement share
    rising to 20% is "+400%"). Every panel names every pilot on its axis, and the legend
    gives each pilot's colour.

    Args:
        comparison: Comparison table (``scenario, metric, diff_mean, diff_ci_low,
            diff_ci_high``).
        metrics: KPIs to show, in this order (default: those in the table).
        colours: Scenario -> colour (see :func:`scenario_colours`).

    Returns:
        One panel per KPI; in each, one point and 95% CI bar per pilot scenario (a trace
        per pilot and panel, grouped in the legend by pilot).
    """
    df = comparison.dropna(subset=["diff_mean"])
    df = df[np.isfinite(df["diff_mean"].astype(float))]
    keys = [k for k in (metrics or list(dict.fromkeys(df["metric"]))) if k in set(df["metric"])]
    names = [str(x) for x in pd.unique(df["scenario"])]
    sub = _("Pilot minus baseline, mean of paired replications; bars: 95% confidence intervals")
    title = _("Change against the baseline")
    if not keys:
        return _no_data(_base(title, "", "", subtitle=sub), _("no difference"))
    cmap = _colour_map(names, colours)
    panel = _PANEL_PAD_PX + _ROW_PX * len(names)
    plot_px = panel * len(keys) + _PANEL_GAP_PX * (len(keys) - 1)
    fig = make_subplots(
        rows=len(keys),
        cols=1,
        vertical_spacing=_PANEL_GAP_PX / plot_px if len(keys) > 1 else 0.0,
        subplot_titles=[_diff_unit(k)[0] for k in keys],
    )
    base = _base(title, "", "", height=TOP_MARGIN_PX + 60 + plot_px, subtitle=sub)
    fig.update_layout(base.layout)
    shown: set[str] = set()
    for row, key in enumerate(keys, start=1):
        d = df[df["metric"] == key].set_index("scenario")
        scale = _diff_unit(key)[1]
        for name in names:
            if name not in d.index:
                continue
            r = d.loc[[name]]
            x = r["diff_mean"].astype(float) * scale
            fig.add_trace(
                go.Scatter(
                    x=x,
                    y=[name],
                    error_x=_ci(x, r["diff_ci_low"] * scale, r["diff_ci_high"] * scale),
                    mode="markers",
                    marker={"size": 10, "color": cmap[name]},
                    name=name,
                    legendgroup=name,
                    showlegend=name not in shown,
                    hovertemplate=f"{name}: %{{x:+,.1f}}<extra>{measure(key).text}</extra>",
                ),
                row=row,
                col=1,
            )
            shown.add(name)
        fig.add_vline(x=0, line={"color": "#888", "width": 1}, row=row, col=1)
    # Every pilot on every panel's axis, in the same order (categories never thinned out).
    fig.update_yaxes(
        type="category",
        categoryorder="array",
        categoryarray=names[::-1],
        range=[-0.5, len(names) - 0.5],
        tickmode="array",
        tickvals=names,
        ticktext=names,
        automargin=True,
    )
    fig.update_annotations(font={"size": 12}, xanchor="left", x=0)
    fig.update_layout(showlegend=True)
    return fig


def _diff_unit(key: str) -> tuple[str, float]:
    """Return a KPI's panel title and the scale of its differences (shares: points)."""
    m = measure(key)
    if m.is_share or m.unit == "%":
        return _("{measure}: change in percentage points").format(measure=m.text), m.scale()
    if m.unit:
        return _("{measure}: change ({unit})").format(measure=m.text, unit=m.unit_label), 1.0
    return _("{measure}: change").format(measure=m.text), 1.0


#: Reference lines of a KPI: (value in display units, label). Clearance at 100% keeps the
#: pending caseload from growing (CEPEJ's benchmark, domain.md §3).
TARGETS: dict[str, tuple[float, str]] = {
    "clearance_rate": (100.0, N_("100%: as many resolved as incoming (CEPEJ)")),
}
#: KPIs in days measured against the statutory limit (CPC art. 183, domain.md §3).
_LIMITED = ("disposition_time_days", "ttd_mean_days", "ttd_median_days", "ttd_p90_days")
LIMIT_COLOUR = "#b22222"


def reference_lines(fig: go.Figure, metric: str, limit_days: float | None, axis: str = "y") -> None:
    """Draw a KPI's target and statutory-limit lines where they apply.

    Args:
        fig: The figure (the KPI on ``axis``).
        metric: KPI name.
        limit_days: The statutory limit of most cases (days), if known.
        axis: ``y`` (horizontal line) or ``x`` (vertical line).
    """
    lines = []
    if metric in TARGETS:
        value, text = TARGETS[metric]
        lines.append((value, _(text), "#2f7d32"))
    if metric in _LIMITED and limit_days is not None and not math.isnan(limit_days):
        lines.append(
            (
                limit_days,
                _("{days}-day statutory limit (CPC art. 183)").format(days=f"{limit_days:.0f}"),
                LIMIT_COLOUR,
            )
        )
    for value, text, col in lines:
        add = fig.add_hline if axis == "y" else fig.add_vline
        add(
            value,
            line={"dash": "dash", "color": col, "width": 1.5},
            annotation_text=text,
            annotation_font={"color": col, "size": 11},
        )


def _is_integer(values: pd.Series) -> bool:
    v = pd.to_numeric(values, errors="coerce").dropna().to_numpy(float)
    return v.size > 0 and bool(np.all(v == np.round(v)))


def _level_text(v: object) -> str:
    if isinstance(v, float | np.floating) and float(v).is_integer():
        return f"{int(v)}"
    return f"{v:g}" if isinstance(v, float | np.floating) else str(v)


def sweep_line(
    agg: pd.DataFrame,
    factor: str,
    metric: str,
    by: str | None = None,
    limit_days: float | None = None,
) -> go.Figure:
    """Draw a KPI against one swept factor (mean over replicates, 95% CI bars).

    Args:
        agg: Output of :func:`courtsim.dashboard.tables.sweep_aggregate`.
        factor: Factor on the x axis (a dotted key; shown by its label).
        metric: The KPI (for its label).
        by: Optional second factor: one line per value.
        limit_days: The statutory limit (days), drawn for KPIs in days.

    Returns:
        One line per value of ``by`` (or a single line); whole-number factors get
        whole-number ticks.
    """
    m = measure(metric)
    fig = _base(
        _("{measure} against {factor}").format(measure=m.text, factor=factor_label(factor).lower()),
        factor_label(factor),
        m.title(),
        subtitle=_("Mean over replications; bars: 95% confidence intervals"),
    )
    df = agg.dropna(subset=["mean"])
    if df.empty:
        return _no_data(fig, _("no successful run"))
    groups = [(None, df)] if by is None else list(df.groupby(by, sort=True))
    for i, (val, d) in enumerate(groups):
        d = d.sort_values(factor)
        y = d["mean"] * m.scale()
        lo, hi = (d[c].clip(*m.bounds()) * m.scale() for c in ("ci_low", "ci_high"))
        fig.add_trace(
            go.Scatter(
                x=d[factor],
                y=y,
                error_y=_ci(y, lo, hi),
                mode="lines+markers",
                name=m.text if by is None else f"{factor_label(by)} = {_level_text(val)}",
                line={"color": colour(i)},
            )
        )
    if _is_integer(df[factor]):
        fig.update_xaxes(tickmode="array", tickvals=sorted(set(df[factor])), tickformat="d")
    reference_lines(fig, metric, limit_days)
    fig.update_layout(showlegend=by is not None)
    return fig


#: Smallest colour span of a heatmap, as a share of its mean level: differences smaller
#: than this get no colour contrast (they are read from the cell labels), so noise in a
#: flat KPI (a clearance rate of 99.69-99.71%) does not look like a signal.
MIN_RELATIVE_SPAN = 0.05


def colour_range(z: np.ndarray, unit: str) -> tuple[float, float]:
    """Return the colour scale's (low, high): the data's range, widened to a minimum span.

    Args:
        z: Cell values (display units; NaN for missing cells).
        unit: Their unit (``%`` gets at least 1 percentage point).

    Returns:
        Bounds centred on the data's mid-range, at least ``MIN_RELATIVE_SPAN`` of the
        mean level (and 1 unit for percentages) apart.
    """
    v = z[np.isfinite(z)]
    if v.size == 0:
        return 0.0, 1.0
    lo, hi = float(v.min()), float(v.max())
    span = max(MIN_RELATIVE_SPAN * abs(float(v.mean())), 1.0 if unit == "%" else 0.0, 1e-9)
    if hi - lo >= span:
        return lo, hi
    mid = (lo + hi) / 2
    return mid - span / 2, mid + span / 2


def sweep_heatmap(agg: pd.DataFrame, x: str, y: str, metric: str) -> go.Figure:
    """Draw a KPI over two swept factors as a heatmap of the mean over replicates.

    Args:
        agg: Output of :func:`courtsim.dashboard.tables.sweep_aggregate` over ``[x, y]``.
        x: Factor on the x axis.
        y: Factor on the y axis.
        metric: The KPI (for its label).

    Returns:
        One heatmap trace (empty cells where a combination was not run); its colour
        scale spans at least :data:`MIN_RELATIVE_SPAN` of the level (see :func:`colour_range`).
    """
    m = measure(metric)
    fig = _base(
        _("{measure} by {x} and {y}").format(
            measure=m.text, x=factor_label(x).lower(), y=factor_label(y).lower()
        ),
        factor_label(x),
        factor_label(y),
        height=440,
        subtitle=_("Mean over replications (number in each cell)"),
    )
    df = agg.dropna(subset=["mean"])
    if df.empty:
        return _no_data(fig, _("no successful run"))
    grid = df.pivot_table(index=y, columns=x, values="mean", aggfunc="mean") * m.scale()
    z = grid.to_numpy()
    zmin, zmax = colour_range(z, m.unit)
    fig.add_trace(
        go.Heatmap(
            x=[_level_text(v) for v in grid.columns],
            y=[_level_text(v) for v in grid.index],
            z=np.where(np.isnan(z), None, z),
            zmin=zmin,
            zmax=zmax,
            colorscale="Viridis",
            colorbar={"title": {"text": m.unit_label}},
            texttemplate="%{z:,.1f}",
            hovertemplate=f"{factor_label(x)} %{{x}}<br>{factor_label(y)} %{{y}}<br>"
            f"%{{z:,.1f}} {m.unit_label}<extra></extra>",
        )
    )
    fig.update_xaxes(type="category")
    fig.update_yaxes(type="category")
    return fig


def sensitivity_bars(indices: pd.DataFrame, metric: str, method: str | None = None) -> go.Figure:
    """Draw sensitivity indices of one KPI by factor, one bar group per index kind.

    Sobol indices (S1, ST) are shares of the KPI's variance; Morris statistics (mu_star,
    sigma) are elementary effects in the KPI's own unit, so each method gets its own
    figure.

    Args:
        indices: ``method, metric, factor, index, value[, ci_low, ci_high]``.
        metric: The KPI.
        method: ``sobol`` or ``morris`` (default: the first method in the table).

    Returns:
        One bar trace per index kind, with 95% CI bars when available.
    """
    m = measure(metric)
    df = indices[indices["metric"] == metric].dropna(subset=["value"])
    if "method" in df and len(df):
        method = method or str(df["method"].iloc[0])
        df = df[df["method"].astype(str) == method]
    if method == "morris":
        y_title = _("Elementary effect ({unit})").format(unit=m.unit_label or _("KPI units"))
        what = _("Morris screening: mu_star = mean absolute effect, sigma = its spread")
    else:
        y_title = _("Sobol index (share of the KPI's variance)")
        what = _("Sobol indices: S1 = the factor alone, ST = with its interactions")
    title = _("Sensitivity of {measure}").format(measure=m.text.lower())
    fig = _base(title, _("Factor"), y_title, subtitle=what)
    if df.empty:
        return _no_data(fig, _("no index for {metric}").format(metric=metric))
    scale = m.scale() if method == "morris" else 1.0
    order = df[df["index"] == df["index"].iloc[0]].sort_values("value", ascending=False)["factor"]
    for i, (kind, d) in enumerate(df.groupby("index", sort=True)):
        d = d.set_index("factor").reindex(order).dropna(subset=["value"])
        err = None
        if {"ci_low", "ci_high"} <= set(d.columns):
            err = _ci(d["value"] * scale, d["ci_low"] * scale, d["ci_high"] * scale)
        fig.add_trace(
            go.Bar(
                x=[factor_label(str(f)) for f in d.index],
                y=d["value"] * scale,
                error_y=err,
                name=str(kind),
                marker_color=colour(i),
            )
        )
    fig.update_layout(barmode="group")
    return fig
