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
from courtsim.dashboard.tables import VALUE_NAMES
from courtsim.dashboard.targets import add_target_line, target_text
from courtsim.errors import ResultsError
from courtsim.experiment.report import fmt, label
from courtsim.i18n import N_, _, number

DECISION_KINDS = ("target", "allocate")
_VERDICT_COLOURS = {"meets": "#1a7f37", "fails": "#b42318", "unclear": "#9a6700"}
#: What each staffing lever counts (``courtsim.experiment.levers``), as a reader says it.
LEVER_NAMES: dict[str, str] = {
    "judges": N_("civil judges"),
    "conciliation": N_("conciliation judges"),
    "mediators.retired_judge": N_("retired-judge mediators"),
    "mediators.professional": N_("professional mediators"),
    "mediators.public": N_("public mediators"),
}


def lever_text(question: dict[str, Any]) -> str:
    """Return what a question's lever counts, in the language in force ("civil judges in almaty")."""
    lever = str(question.get("lever", ""))
    if lever not in LEVER_NAMES:  # a lever of a later version: as the manifest wrote it
        return str(question.get("lever_text") or lever)
    what = _(LEVER_NAMES[lever])
    court = question.get("court")
    return _("{lever} in {court}").format(lever=what, court=court) if court else what


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
    lo, hi = measure(t.kpi).bounds()
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
                name=_(VALUE_NAMES[verdict]),
                marker={"color": colour, "size": 10},
                # the bounds within the values the KPI can take (a time is never below 0)
                error_y={
                    "type": "data",
                    "symmetric": False,
                    "array": (d["bound_high"].clip(lo, hi) - d["mean"]) * k,
                    "arrayminus": (d["mean"] - d["bound_low"].clip(lo, hi)) * k,
                },
                customdata=d[["n"]],
                hovertemplate=_("level %{x}: mean %{y:.4~f}, replicates: %{customdata[0]}"),
            )
        )
    add_target_line(fig, t.value * measure(t.kpi).scale(), target_text(t))
    fig.update_layout(
        title=_("{kpi} by level (95% bounds)").format(kpi=label(t.kpi)),
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
    for when, colour, name in (
        ("before", "#8c959f", _("before")),
        ("after", "#0969da", _("after")),
    ):
        fig.add_trace(
            go.Bar(
                x=regions["region"],
                y=regions[when],
                name=name,
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
        title=_("{kpi} by region, before and after the new posts (+N: posts added)").format(
            kpi=label(kpi)
        ),
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
        raise ResultsError(_("is not a staffing or allocation results folder"), source=str(root))
    if manifest.get("status") != "complete":
        raise ResultsError(
            _(
                "the question did not finish (status '{status}'); continue it with --resume first"
            ).format(status=manifest.get("status")),
            source=str(root),
        )
    stem = "levels" if manifest["kind"] == "target" else "regions"
    path = root / f"{stem}.parquet"
    try:
        table = pd.read_parquet(path)
    except (OSError, ValueError) as exc:
        raise ResultsError(
            _("cannot read {file} ({detail})").format(file=f"{stem}.parquet", detail=exc),
            source=str(path),
        ) from None
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
        return target_figure(view.table, q["target"], lever_text(q))
    return allocation_figure(view.table, q["kpi"])


def sentences(view: DecisionView) -> list[str]:
    """Return the answer in words, in the language in force (from the saved numbers)."""
    from courtsim.dashboard.messages import known_text

    a = view.answer
    if view.kind == "target":
        warnings = [
            _("Warning: {warning}").format(warning=known_text(w)) for w in a.get("warnings", [])
        ]
        return [target_statement(view), *warnings]
    kpi = view.question["kpi"]
    n = a.get("national", {})
    added = ", ".join(f"{g} +{k}" for g, k in a.get("added", {}).items() if k)
    idle = [step for step in a.get("steps", []) if not step[2] > 0]
    note = (
        [
            _(
                "Posts that improved the KPI in no region on these replicates (it may be "
                "flat): {n}."
            ).format(n=len(idle))
        ]
        if idle
        else []
    )
    return [
        *note,
        _("Posts go to: {regions}.").format(regions=added or _("no region")),
        _(
            "National {kpi}: {before} before, {after} after; change {diff} (95% CI {low} to "
            "{high}), on paired replicates."
        ).format(
            kpi=label(kpi),
            before=fmt(n.get("before"), kpi),
            after=fmt(n.get("after"), kpi),
            diff=fmt(n.get("diff"), kpi, True),
            low=fmt(n.get("diff_low"), kpi, True),
            high=fmt(n.get("diff_high"), kpi, True),
        ),
    ]


def target_statement(view: DecisionView) -> str:
    """Return a staffing search's answer as one paragraph, in the language in force.

    The same facts as the sentence ``courtsim staffing`` prints (and saves in the
    manifest), written again from the saved levels table and answer, so that the page and
    the briefing can say them in Russian and Kazakh.

    Args:
        view: A ``target`` question.

    Returns:
        The paragraph.
    """
    from courtsim.experiment.sequential import Target

    q, a = view.question, view.answer
    t = Target.parse(str(q["target"]).replace(" ", ""))
    k, what = t.kpi, lever_text(q)
    pct = f"{number(100 * float((q.get('budget') or {}).get('confidence', 0.95)), 0)}%"
    tgt = f"{label(k)} {t.op} {fmt(t.value, k)}"
    rows = {int(r["level"]): r for r in view.table.to_dict("records")}

    def bound(level: int, clear: str) -> str:
        r = rows[level]
        if (clear == "meets") == t.lower_is_better:
            said = N_(
                "the upper {pct} confidence bound of the mean ({bound}) lies below the target "
                "(mean {mean}, replicates: {n})"
            )
            value = r["bound_high"]
        else:
            said = N_(
                "the lower {pct} confidence bound of the mean ({bound}) lies above the target "
                "(mean {mean}, replicates: {n})"
            )
            value = r["bound_low"]
        return _(said).format(pct=pct, bound=fmt(value, k), mean=fmt(r["mean"], k), n=int(r["n"]))

    status, answer = a.get("status"), a.get("answer")
    lo, hi = ([*list(a.get("bracket") or []), None, None])[:2]
    if status == "met" and answer is not None and answer in rows:
        below = answer - 1
        rest = (
            _("at {level}, {bound}").format(level=below, bound=bound(below, "fails"))
            if below in rows
            else _("it is the bottom of the range searched")
        )
        return _(
            "{answer} {what} is the smallest level that meets {target}: at {answer}, {bound}; {rest}."
        ).format(answer=answer, what=what, target=tgt, bound=bound(answer, "meets"), rest=rest)
    if status == "not_reachable" and hi in rows:
        return _(
            "Not reachable up to level {level}: with {level} {what}, {bound}, so it misses "
            "{target}. Search higher levels (--levels) or another lever."
        ).format(level=hi, what=what, bound=bound(hi, "fails"), target=tgt)
    if status == "not_monotone":
        from courtsim.dashboard.messages import known_text

        return _(
            "No answer for {target}: the KPI does not improve steadily with {what} ({warnings})."
        ).format(
            target=tgt, what=what, warnings="; ".join(known_text(w) for w in a.get("warnings", []))
        )
    if not any(int(r["n"]) > 0 for r in rows.values()):
        budget = q.get("budget") or {}
        return _(
            "The run budget (--max-runs {max_runs}) is too small for a first look at the levels "
            "{low} and {high} ({reps} replicates each); nothing was decided."
        ).format(max_runs=budget.get("max_runs"), low=lo, high=hi, reps=budget.get("min_reps"))
    unclear = [r for lv, r in sorted(rows.items()) if r["verdict"] == "unclear" and int(r["n"]) > 0]
    detail = "; ".join(
        _(
            "level {level}: mean {mean}, {pct} bounds {low} to {high} after {n} replicates, "
            "which straddle the target"
        ).format(
            level=int(r["level"]),
            mean=fmt(r["mean"], k),
            pct=pct,
            low=fmt(r["bound_low"], k),
            high=fmt(r["bound_high"], k),
            n=int(r["n"]),
        )
        for r in unclear
    )
    if any(int(r["level"]) == max(rows) for r in unclear):
        where = _("the answer is at least {low}, or the target is not reachable up to {high}")
    elif lo is not None and hi is not None and lo < hi:
        where = _("the answer lies between {low} and {high}")
    else:
        where = _("the answer is {low}")
    return _(
        "The budget ran out before a clear answer for {target} with {what}: {where} "
        "({detail}). Raise --max-reps for more replicates per level."
    ).format(target=tgt, what=what, where=where.format(low=lo, high=hi), detail=detail)


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
        _("How many {lever} meet {target}?").format(lever=lever_text(q), target=q.get("target"))
        if view.kind == "target"
        else _("Where new posts ({lever}) improve {kpi} most").format(
            lever=lever_text(q), kpi=label(q.get("kpi", ""))
        )
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
    kind = _("Staffing target") if view.kind == "target" else _("Allocation of new posts")
    title = title or f"{kind}: {view.title}"
    return write_html_atomic(
        Path(out_html), page_html(title, decision_section_html(view), view.manifest)
    )
