"""KPI target lines on figures, and the checks of ``courtsim report --kpi/--target``."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd
import plotly.graph_objects as go

from courtsim.dashboard.labels import measure
from courtsim.errors import ResultsError
from courtsim.i18n import _, number

if TYPE_CHECKING:
    from courtsim.dashboard.folders import Bundle
    from courtsim.experiment.sequential import Target

_TARGET_COLOUR = "#444"


def target_text(t: Target) -> str:
    """Return a target's label in the figure's units, e.g. ``target <= 60`` or ``>= 95%``."""
    m = measure(t.kpi)
    unit = "%" if m.scale() == 100 else ""
    value = float(f"{t.value * m.scale():.4g}")
    return _("target {op} {value}").format(
        op=t.op, value=f"{number(value, _decimals(value))}{unit}"
    )


def _decimals(value: float) -> int:
    # as many decimals as the value has, at most 4 significant digits ("60", "95,5")
    text = f"{value:.4g}"
    return len(text.split(".")[1]) if "." in text and "e" not in text else 0


def add_target_line(fig: go.Figure, value: float, text: str) -> go.Figure:
    """Draw a KPI target as a dashed horizontal line (the KPI is on the y axis).

    Args:
        fig: The figure.
        value: The target, in the figure's units.
        text: The line's label.

    Returns:
        The same figure.
    """
    fig.add_hline(
        y=value,
        line_dash="dash",
        line_color=_TARGET_COLOUR,
        annotation_text=text,
        annotation_position="top left",
    )
    return fig


def draw_target(fig: go.Figure, agg: pd.DataFrame, factors: list[str], t: Target) -> go.Figure:
    """Draw a target on a sweep figure: a line on a line chart, rings on a heatmap's cells.

    On a heatmap (two factors) the cells whose mean meets the target get a ring, which
    shows the boundary of the region that meets it.

    Args:
        fig: A sweep figure of ``t.kpi``.
        agg: Its aggregate (``sweep_aggregate``).
        factors: Its factors (one: line; two: heatmap).
        t: The target.

    Returns:
        The same figure.
    """
    m = measure(t.kpi)
    if len(factors) < 2:
        return add_target_line(fig, t.value * m.scale(), target_text(t))
    d = agg.dropna(subset=["mean"])
    ok = d[d["mean"] <= t.value] if t.lower_is_better else d[d["mean"] >= t.value]
    fig.add_trace(
        go.Scatter(
            x=[str(v) for v in ok[factors[0]]],
            y=[str(v) for v in ok[factors[1]]],
            mode="markers",
            marker={"symbol": "circle-open", "size": 22, "color": "white", "line": {"width": 2}},
            name=_("mean meets {target}").format(target=target_text(t)),
            hoverinfo="skip",
        )
    )
    fig.update_layout(showlegend=True)
    return fig


def check_report_kpis(bundle: Bundle, kpis: list[str], targets: list[Target]) -> None:
    """Fail before writing when ``--kpi`` or ``--target`` names a KPI the results lack.

    Args:
        bundle: The results.
        kpis: KPIs asked for.
        targets: Targets asked for.

    Raises:
        ResultsError: A KPI is not in the results.
    """
    present = bundle.metrics() if bundle.results is not None or bundle.summary is not None else []
    for k, opt in [(k, "--kpi") for k in kpis] + [(t.kpi, "--target") for t in targets]:
        if present and k not in present:
            raise ResultsError(
                f"'{k}' is not a KPI of these results (they have: {', '.join(present[:12])}"
                f"{', ...' if len(present) > 12 else ''}); nothing was written",
                source=opt,
            )
