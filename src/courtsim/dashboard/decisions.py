"""Decision questions in briefings: figures with the target line, the HTML section, folders.

A staffing search (``courtsim staffing --out DIR``) and an allocation (``courtsim
allocate --out DIR``) leave a folder with ``manifest.json`` and their tables; this module
reads such a folder (:func:`load_decision`), draws it (:func:`target_figure`,
:func:`allocation_figure`) and writes it as an HTML briefing section
(:func:`decision_section_html`) or a whole page (:func:`write_decision_html`, also used by
``courtsim report DIR``).
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from courtsim.dashboard.labels import measure
from courtsim.dashboard.targets import add_target_line, target_text
from courtsim.errors import ResultsError
from courtsim.experiment.report import fmt, label

DECISION_KINDS = ("target", "allocate")
_VERDICT_COLOURS = {"meets": "#1a7f37", "fails": "#b42318", "unclear": "#9a6700"}


@dataclass
class DecisionView:
    """A decision question's results, as read from its folder or taken from its result.

    Attributes:
        kind: ``target`` or ``allocate``.
        manifest: The manifest (question, answer, versions).
        table: ``levels`` (target) or ``regions`` (allocate) table.
        title: A short name.
    """

    kind: str
    manifest: dict[str, Any]
    table: pd.DataFrame
    title: str

    @property
    def question(self) -> dict[str, Any]:
        """The question asked."""
        return self.manifest.get("question", {})

    @property
    def answer(self) -> dict[str, Any]:
        """The answer."""
        return self.manifest.get("answer", {})


def target_figure(levels: pd.DataFrame, target: str, lever: str) -> go.Figure:
    """Return the KPI mean and its bounds at each level examined, with the target line.

    Args:
        levels: ``level, n, mean, bound_low, bound_high, verdict`` (``TargetResult.table()``).
        target: The target as text, e.g. ``ttd_mean_days <= 60``.
        lever: What the lever counts (x axis title).

    Returns:
        The figure.
    """
    from courtsim.experiment.sequential import Target

    t = Target.parse(target.replace(" ", ""))
    k = measure(t.kpi).scale()
    fig = go.Figure()
    for verdict, colour in _VERDICT_COLOURS.items():
        d = levels[levels["verdict"] == verdict]
        if d.empty:
            continue
        fig.add_trace(
            go.Scatter(
                x=d["level"],
                y=d["mean"] * k,
                mode="markers",
                name=verdict,
                marker={"color": colour, "size": 10},
                error_y={
                    "type": "data",
                    "symmetric": False,
                    "array": (d["bound_high"] - d["mean"]) * k,
                    "arrayminus": (d["mean"] - d["bound_low"]) * k,
                },
                customdata=d[["n"]],
                hovertemplate="level %{x}: mean %{y:.4~f}, %{customdata[0]} replicates",
            )
        )
    add_target_line(fig, t.value * measure(t.kpi).scale(), target_text(t))
    fig.update_layout(
        title=f"{label(t.kpi)} by level (95% bounds)",
        xaxis_title=lever,
        yaxis_title=label(t.kpi),
        xaxis={"dtick": 1},
        template="plotly_white",
    )
    return fig


def allocation_figure(regions: pd.DataFrame, kpi: str) -> go.Figure:
    """Return each region's KPI before and after the allocation (95% CIs), posts as labels.

    Args:
        regions: ``AllocationResult.table()``.
        kpi: The KPI.

    Returns:
        The figure.
    """
    fig = go.Figure()
    for when, colour in (("before", "#8c959f"), ("after", "#0969da")):
        fig.add_trace(
            go.Bar(
                x=regions["region"],
                y=regions[when],
                name=when,
                marker_color=colour,
                error_y={
                    "type": "data",
                    "symmetric": False,
                    "array": regions[f"{when}_high"] - regions[when],
                    "arrayminus": regions[when] - regions[f"{when}_low"],
                },
                text=[f"+{a}" for a in regions["added"]] if when == "after" else None,
                textposition="outside",
            )
        )
    fig.update_layout(
        barmode="group",
        title=f"{label(kpi)} by region, before and after the new posts (+N: posts added)",
        yaxis_title=label(kpi),
        template="plotly_white",
    )
    return fig


def from_result(result: Any) -> DecisionView:
    """Return the view of a ``TargetResult`` or ``AllocationResult``.

    Args:
        result: The result.

    Returns:
        The view.
    """
    from courtsim.experiment.target import TargetResult

    if isinstance(result, TargetResult):
        q = {
            "scenario": result.scenario_name,
            "lever": result.lever.name,
            "lever_text": result.lever.describe(),
            "target": str(result.target),
        }
        man = {"kind": "target", "question": q, "answer": result.as_dict()}
        return DecisionView("target", man, result.table(), result.scenario_name)
    q = {"scenario": result.scenario_name, "lever": result.lever, "kpi": result.kpi}
    man = {"kind": "allocate", "question": q, "answer": result.as_dict()}
    return DecisionView("allocate", man, result.table(), result.scenario_name)


def load_decision(folder: str | Path) -> DecisionView:
    """Read a staffing or allocation results folder.

    Args:
        folder: The folder.

    Returns:
        The view.

    Raises:
        ResultsError: The folder is not a finished decision question, or a file is corrupt.
    """
    from courtsim.experiment.store import RunStore

    root = Path(folder)
    manifest = RunStore(root).read_manifest()
    if manifest is None or manifest.get("kind") not in DECISION_KINDS:
        raise ResultsError("is not a staffing or allocation results folder", source=str(root))
    if manifest.get("status") != "complete":
        raise ResultsError(
            f"the question did not finish (status '{manifest.get('status')}'); continue it with "
            "--resume first",
            source=str(root),
        )
    stem = "levels" if manifest["kind"] == "target" else "regions"
    path = root / f"{stem}.parquet"
    try:
        table = pd.read_parquet(path)
    except (OSError, ValueError) as exc:
        raise ResultsError(f"cannot read {stem}.parquet ({exc})", source=str(path)) from None
    return DecisionView(manifest["kind"], manifest, table, manifest["question"].get("scenario", ""))


def is_decision_folder(path: Path) -> bool:
    """Return whether ``path`` holds a staffing or allocation question (by its manifest)."""
    from courtsim.errors import CourtsimError
    from courtsim.results_folder import read_manifest

    try:  # the one safe reader: a FIFO, a link out of the folder or bad JSON is refused
        kind = read_manifest(path).get("kind")
    except CourtsimError:
        return False
    return kind in DECISION_KINDS


def figure(view: DecisionView) -> go.Figure:
    """Return the figure of a decision question."""
    q = view.question
    if view.kind == "target":
        return target_figure(view.table, q["target"], q.get("lever_text", q.get("lever", "level")))
    return allocation_figure(view.table, q["kpi"])


def sentences(view: DecisionView) -> list[str]:
    """Return the answer in words."""
    a = view.answer
    if view.kind == "target":
        return [a.get("statement", ""), *(f"Warning: {w}" for w in a.get("warnings", []))]
    kpi = view.question["kpi"]
    n = a.get("national", {})
    added = ", ".join(f"{g} +{k}" for g, k in a.get("added", {}).items() if k)
    idle = [step for step in a.get("steps", []) if not step[2] > 0]
    note = (
        [f"{len(idle)} post(s) improved the KPI in no region on these replicates (it may be flat)."]
        if idle
        else []
    )
    return [
        *note,
        f"Posts go to: {added or 'no region'}.",
        f"National {label(kpi)}: {fmt(n.get('before'), kpi)} before, {fmt(n.get('after'), kpi)} "
        f"after; change {fmt(n.get('diff'), kpi, True)} (95% CI {fmt(n.get('diff_low'), kpi, True)} "
        f"to {fmt(n.get('diff_high'), kpi, True)}), on paired replicates.",
    ]


def decision_section_html(view: DecisionView, i: int = 0) -> str:
    """Return a briefing section (heading, sentences, figure, table) for one question.

    Args:
        view: The question.
        i: Figure number on the page (for unique element ids).

    Returns:
        The HTML fragment.
    """
    from courtsim.dashboard.report import _figure_html, _table_html

    q = view.question
    heading = (
        f"How many {q.get('lever_text', q.get('lever'))} meet {q.get('target')}?"
        if view.kind == "target"
        else f"Where new {q.get('lever')} posts improve {label(q.get('kpi', ''))} most"
    )
    parts = [f"<h2>{html.escape(heading)}</h2>"]
    parts += [f"<p>{html.escape(s)}</p>" for s in sentences(view) if s]
    parts.append(_figure_html(figure(view), i))
    parts.append(_table_html(view.table.round(4)))
    return "\n".join(parts)


def write_decision_html(source: Any, out_html: str | Path, title: str | None = None) -> Path:
    """Write a self-contained HTML briefing of a decision question.

    Args:
        source: A results folder, a ``TargetResult`` or an ``AllocationResult``.
        out_html: The file to write (replaced atomically).
        title: Page title.

    Returns:
        The file.

    Raises:
        ResultsError: The folder cannot be read or the file cannot be written.
    """
    from courtsim.dashboard.report import page_html, write_html_atomic

    view = load_decision(source) if isinstance(source, str | Path) else from_result(source)
    kind = "Staffing target" if view.kind == "target" else "Allocation of new posts"
    title = title or f"{kind}: {view.title}"
    return write_html_atomic(
        Path(out_html), page_html(title, decision_section_html(view), view.manifest)
    )
