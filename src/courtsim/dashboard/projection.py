"""Projection fan charts as a briefing: read a ``courtsim project`` folder, draw it, write it.

One figure per KPI: for each policy option the median over posterior draws by year and
the 10-90% band around it (posterior predictive: each draw with its own replicate noise).
``courtsim report DIR --html`` and ``courtsim project --html`` write it.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from courtsim.dashboard.robustness import is_folder_of, read_frames, write_folder_html

KIND = "projection"
_TITLES = {
    "pending_end": "Pending cases at the end of the year",
    "disposition_time_days": "Disposition time (CEPEJ), days",
    "share_settled": "Reconciliation share (settled / disposed)",
}
_COLOURS = ("#7f7f7f", "#1f77b4", "#2ca02c", "#d62728", "#9467bd", "#ff7f0e")


@dataclass
class ProjectionView:
    """A projection folder, read: its fan, yearly KPIs and manifest."""

    manifest: dict[str, Any]
    fan: pd.DataFrame
    yearly: pd.DataFrame


def is_projection_folder(path: Path) -> bool:
    """Return whether ``path`` holds a projection (by its manifest)."""
    return is_folder_of(KIND, path)


def load_projection_view(folder: str | Path) -> ProjectionView:
    """Read a finished projection folder, checking its files against the manifest.

    Args:
        folder: The folder.

    Returns:
        The view.

    Raises:
        ResultsError: Not a projection folder, unfinished, or a file is corrupt.
    """
    manifest, frames = read_frames(Path(folder), KIND, ("fan", "yearly"))
    return ProjectionView(manifest, frames["fan"], frames["yearly"])


def fan_figure(fan: pd.DataFrame, metric: str) -> go.Figure:
    """Return one KPI's fan chart: per option the median by year and its 10-90% band.

    Args:
        fan: The fan table (``option, year, metric, p10, median, p90``).
        metric: The KPI.

    Returns:
        The figure.
    """
    fig = go.Figure()
    f = fan[fan["metric"] == metric]
    for i, option in enumerate(dict.fromkeys(f["option"])):
        g = f[f["option"] == option].sort_values("year")
        colour = _COLOURS[i % len(_COLOURS)]
        years = g["year"].tolist()
        fig.add_trace(
            go.Scatter(
                x=years + years[::-1],
                y=g["p90"].tolist() + g["p10"].tolist()[::-1],
                fill="toself",
                fillcolor=colour,
                opacity=0.18,
                line={"width": 0},
                name=f"{option}: 10-90% of draws",
                hoverinfo="skip",
                legendgroup=option,
            )
        )
        fig.add_trace(
            go.Scatter(
                x=years,
                y=g["median"],
                mode="lines+markers",
                line={"color": colour, "width": 2},
                name=f"{option}: median",
                legendgroup=option,
            )
        )
    fig.update_layout(
        title=_TITLES.get(metric, metric),
        xaxis={"title": "year", "dtick": 1},
        yaxis_title=_TITLES.get(metric, metric),
        template="plotly_white",
        height=420,
        legend={"orientation": "h", "y": -0.2},
    )
    if metric == "share_settled":
        fig.update_yaxes(tickformat=".0%")
    return fig


def projection_section_html(view: ProjectionView, first_figure: int = 0) -> str:
    """Return a briefing section: what is assumed, the fan charts and the table.

    Args:
        view: The projection folder.
        first_figure: Number of the first figure on the page.

    Returns:
        The HTML fragment.
    """
    from courtsim.calibration.projection import fan_lines
    from courtsim.dashboard.report import _figure_html, _table_html

    m = view.manifest
    options = m.get("options", {})
    first, last = m.get("years", ["?", "?"])
    draws = len({r["factors"]["draw"] for r in m.get("runs", [])})
    parts = [
        f"<h2>Projection {html.escape(str(first))}-{html.escape(str(last))}</h2>",
        "<p>"
        + html.escape(
            f"{m.get('description', '')} Each band holds 80% of the {draws} posterior draws (each "
            "with its own replicate noise); every option runs the same draws. Counts are the "
            f"country's (the modelled court x {m.get('scale', 1):g})."
        )
        + "</p>",
        "<ul>",
        *[
            f"<li><b>{html.escape(k)}</b>: "
            + html.escape(
                ", ".join(f"{a} = {b}" for a, b in v.items()) or "the channels as in 2025"
            )
            + "</li>"
            for k, v in options.items()
        ],
        "</ul>",
        "<ul>",
        *[f"<li>{html.escape(s)}</li>" for s in fan_lines(view.fan)],
        "</ul>",
    ]
    for i, metric in enumerate(dict.fromkeys(view.fan["metric"])):
        parts.append(_figure_html(fan_figure(view.fan, metric), first_figure + i))
    parts.append(_table_html(view.fan.round(4), max_rows=200))
    return "\n".join(parts)


def write_projection_html(
    source: str | Path, out_html: str | Path, title: str | None = None
) -> Path:
    """Write a self-contained HTML briefing of a projection folder.

    Args:
        source: The folder.
        out_html: The file to write (replaced atomically).
        title: Page title.

    Returns:
        The file.

    Raises:
        ResultsError: The folder cannot be read or the file cannot be written.
    """
    view = load_projection_view(source)
    title = title or f"Projection: {view.manifest.get('name', '')}"
    return write_folder_html(out_html, title, projection_section_html(view), view.manifest)


__all__ = [
    "KIND",
    "ProjectionView",
    "fan_figure",
    "is_projection_folder",
    "load_projection_view",
    "projection_section_html",
    "write_projection_html",
]
