"""The robustness table as a briefing: read a ``courtsim robustness`` folder, draw it, write it.

One figure per KPI: each pilot's effect in every plausible world (a dot per world), the
median over worlds and its 10-90% interval; the sentences and the table as
:mod:`courtsim.calibration.robustness_table` made them. The HTML briefing
(``courtsim report DIR --html``, ``courtsim robustness --html``) and the dashboard's
robustness tab (:mod:`courtsim.dashboard.robustness_tab`) show the same.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from courtsim.calibration.robustness_table import PHRASES
from courtsim.errors import CourtsimError, ResultsError
from courtsim.results_folder import read_manifest, verified

#: The kind of results folder this module reads.
KIND = "robustness"
_PILOT_COLOURS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b")


@dataclass
class RobustnessView:
    """A robustness folder, read: its table, per-world effects and manifest."""

    manifest: dict[str, Any]
    table: pd.DataFrame
    effects: pd.DataFrame
    drivers: pd.DataFrame

    @property
    def title(self) -> str:
        """The experiment's name."""
        return str(self.manifest.get("name", "robustness"))

    @property
    def metrics(self) -> list[str]:
        """KPIs in the table, in its order."""
        return list(dict.fromkeys(self.table["metric"].astype(str)))


def is_folder_of(kind: str, path: Path) -> bool:
    """Return whether ``path`` is a results folder of ``kind`` (by its manifest)."""
    try:
        return read_manifest(path).get("kind") == kind
    except CourtsimError:
        return False


def read_frames(
    root: Path, kind: str, names: tuple[str, ...]
) -> tuple[dict[str, Any], dict[str, pd.DataFrame]]:
    """Read a finished folder of ``kind``: its manifest and Parquet tables, checksums verified.

    Args:
        root: The folder.
        kind: Its expected kind.
        names: Table names (``name.parquet``); the first marks a finished folder.

    Returns:
        The manifest and the tables by name.

    Raises:
        ResultsError: Another kind, unfinished, or a file is missing or corrupt.
    """
    manifest = read_manifest(root)
    if manifest.get("kind") != kind:
        raise ResultsError(f"is not a {kind} results folder", source=str(root))
    if f"{names[0]}.parquet" not in manifest.get("files", {}):
        raise ResultsError(
            f"the {kind} did not finish (status '{manifest.get('status')}'); continue it with "
            "--resume first",
            source=str(root),
        )
    frames = {}
    for name in names:
        path = verified(root, manifest, f"{name}.parquet")
        try:
            frames[name] = pd.read_parquet(path)
        except (OSError, ValueError) as exc:
            raise ResultsError(f"cannot read {name}.parquet ({exc})", source=str(path)) from None
    return manifest, frames


def write_folder_html(
    out_html: str | Path, title: str, body: str, manifest: dict[str, Any]
) -> Path:
    """Write a briefing page (one section and the provenance), atomically.

    Args:
        out_html: The file.
        title: Page title.
        body: The section's HTML.
        manifest: The folder's manifest.

    Returns:
        The file.
    """
    from courtsim.dashboard.report import page_html, write_html_atomic

    return write_html_atomic(Path(out_html), page_html(title, body, manifest))


def is_robustness_folder(path: Path) -> bool:
    """Return whether ``path`` holds a robustness experiment (by its manifest)."""
    return is_folder_of(KIND, path)


def load_robustness_view(folder: str | Path) -> RobustnessView:
    """Read a finished robustness folder, checking every file against its manifest.

    Args:
        folder: The folder.

    Returns:
        The view.

    Raises:
        ResultsError: Not a robustness folder, unfinished, or a file is corrupt.
    """
    manifest, frames = read_frames(Path(folder), KIND, ("table", "effects", "drivers"))
    return RobustnessView(manifest, frames["table"], frames["effects"], frames["drivers"])


def effect_figure(view: RobustnessView, metric: str) -> go.Figure:
    """Return one KPI's effects: a dot per world, the median and its 10-90% interval per pilot.

    Args:
        view: The robustness folder.
        metric: The KPI.

    Returns:
        A horizontal figure, pilots on the y axis, the change against the baseline on x.
    """
    fig = go.Figure()
    t = view.table[view.table["metric"] == metric]
    e = view.effects[view.effects["metric"] == metric]
    pilots = list(dict.fromkeys(t["pilot"].astype(str)))
    for i, pilot in enumerate(pilots):
        colour = _PILOT_COLOURS[i % len(_PILOT_COLOURS)]
        pts = e[e["pilot"] == pilot]
        fig.add_trace(
            go.Scatter(
                x=pts["effect"],
                y=[pilot] * len(pts),
                mode="markers",
                marker={"color": colour, "opacity": 0.35, "size": 7},
                name=f"{pilot}: one world each",
                hovertext=[f"world {w}" for w in pts["world"]],
                showlegend=i == 0,
                legendgroup="worlds",
            )
        )
        row = t[t["pilot"] == pilot].iloc[0]
        fig.add_trace(
            go.Scatter(
                x=[row["effect_median"]],
                y=[pilot],
                mode="markers",
                marker={"color": colour, "size": 14, "symbol": "diamond", "line": {"width": 1}},
                error_x={
                    "type": "data",
                    "symmetric": False,
                    "array": [row["effect_p90"] - row["effect_median"]],
                    "arrayminus": [row["effect_median"] - row["effect_p10"]],
                    "thickness": 3,
                },
                name=f"{pilot}: median, 10-90% of worlds",
                hovertext=[row["sentence"]],
            )
        )
    fig.add_vline(x=0, line={"color": "#555", "dash": "dash"})
    what = PHRASES.get(metric, metric)
    fig.update_layout(
        title=f"Change in {what} against the baseline, across plausible worlds",
        xaxis_title=f"pilot - baseline ({metric})",
        yaxis_title="pilot",
        template="plotly_white",
        height=120 + 70 * max(1, len(pilots)),
        legend={"orientation": "h", "y": -0.35},
        margin={"l": 110, "r": 20, "t": 60, "b": 40},
    )
    return fig


def display_table(view: RobustnessView) -> pd.DataFrame:
    """Return the table as shown: effect, interval, share, driver, rounded."""
    t = view.table
    return pd.DataFrame(
        {
            "pilot": t["pilot"],
            "KPI": t["metric"],
            "worlds": t["n_worlds"],
            "median effect": t["effect_median"].map(lambda v: f"{v:+.4g}"),
            "10-90% of worlds": [
                f"{a:+.4g} to {b:+.4g}"
                for a, b in zip(t["effect_p10"], t["effect_p90"], strict=True)
            ],
            "share with the median's sign": t["share_same_sign"].map(lambda v: f"{v:.0%}"),
            "replicate noise (se)": t["noise_se_median"].map(lambda v: f"{v:.3g}"),
            "depends most on": [
                f"{d} (rho {r:+.2f})" if d else "-"
                for d, r in zip(t["driver"], t["driver_rho"], strict=True)
            ],
        }
    )


def robustness_section_html(view: RobustnessView, first_figure: int = 0) -> str:
    """Return a briefing section: heading, how to read it, sentences, figures and table.

    Args:
        view: The robustness folder.
        first_figure: Number of the first figure on the page (unique element ids).

    Returns:
        The HTML fragment.
    """
    from courtsim.dashboard.report import _figure_html, _table_html

    m = view.manifest
    n = m.get("worlds", "?")
    parts = [
        f"<h2>{html.escape('Conclusions that survive what we do not know')}</h2>",
        "<p>"
        + html.escape(
            f"Each pilot against the baseline in {n} plausible worlds: a posterior draw of "
            "the calibrated unknowns and a design point over the unknowns the data cannot "
            f"pin down ({', '.join(u['name'] for u in m.get('uncertain', []))}). In each "
            f"world every scenario runs the same {m.get('replications', '?')} replicates "
            "(common random numbers). The share of worlds counts those whose effect has the "
            "median's sign; 'depends most on' is the unknown with the largest Spearman rank "
            "correlation with the effect over the worlds."
        )
        + "</p>",
        "<ul>",
        *[f"<li>{html.escape(s)}</li>" for s in view.table["sentence"]],
        "</ul>",
    ]
    for i, metric in enumerate(view.metrics):
        parts.append(_figure_html(effect_figure(view, metric), first_figure + i))
    parts.append(_table_html(display_table(view), max_rows=200))
    return "\n".join(parts)


def write_robustness_html(
    source: str | Path, out_html: str | Path, title: str | None = None
) -> Path:
    """Write a self-contained HTML briefing of a robustness folder.

    Args:
        source: The folder.
        out_html: The file to write (replaced atomically).
        title: Page title.

    Returns:
        The file.

    Raises:
        ResultsError: The folder cannot be read or the file cannot be written.
    """
    view = load_robustness_view(source)
    title = title or f"Robustness of the pilots' effects: {view.title}"
    return write_folder_html(out_html, title, robustness_section_html(view), view.manifest)


__all__ = [
    "KIND",
    "RobustnessView",
    "display_table",
    "effect_figure",
    "is_folder_of",
    "is_robustness_folder",
    "load_robustness_view",
    "read_frames",
    "robustness_section_html",
    "write_folder_html",
    "write_robustness_html",
]
