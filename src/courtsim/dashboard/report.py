"""Static, self-contained HTML reports of a run, replications, a comparison or a sweep.

One file that opens offline: plotly.js is embedded once, every figure comes from
:mod:`courtsim.dashboard.figures`, and the manifest (versions, seeds, hashes) closes it.

Example:
    >>> write_report("results/compare_pilots", "briefing.html")
"""

from __future__ import annotations

import datetime as dt
import functools
import html
import json
import os
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

import jinja2
import pandas as pd
import plotly.graph_objects as go
from plotly.offline import get_plotlyjs

from courtsim.dashboard import figures as F
from courtsim.dashboard.decisions import is_decision_folder
from courtsim.dashboard.describe import (
    KEY_METRICS,
    SENTENCE_METRICS,
    describe_scenario,
    scenario_differences,
)
from courtsim.dashboard.folders import (
    Bundle,
    localise,
    manifest_scenarios,
    ok_rows,
    read_scenario_files,
    to_bundle,
)
from courtsim.dashboard.labels import factor_label, kpi_order
from courtsim.dashboard.projection import is_projection_folder
from courtsim.dashboard.region_map import has_map, region_map
from courtsim.dashboard.robustness import is_robustness_folder
from courtsim.dashboard.tables import kpi_display_table, sweep_aggregate
from courtsim.dashboard.targets import check_report_kpis, draw_target
from courtsim.errors import ResultsError
from courtsim.experiment.sequential import Target
from courtsim.experiment.wording import difference_sentence, scenario_subject
from courtsim.i18n import N_, _, current, language, ngettext
from courtsim.kpi_table import KPI_LINES
from courtsim.results_folder import REPORT_MARKER, check_report_target

#: KPIs of the terminal table (``courtsim run``), shown first in a report.
TABLE_KPIS = tuple(k for k, *_ in KPI_LINES if k is not None)

_KIND_TITLES = {
    "run": N_("Simulation run"),
    "replicate": N_("Replicated simulation"),
    "compare": N_("Pilots compared with the baseline"),
    "sweep": N_("Parameter sweep"),
    "sensitivity": N_("Sensitivity analysis"),
}

_RESULTS = N_("Results")

_CSS = """
body{font-family:"Segoe UI","Helvetica Neue",Arial,sans-serif;max-width:1100px;margin:24px auto;
padding:0 16px;color:#1d2329;line-height:1.45}
h1{font-size:26px;margin-bottom:4px}h2{font-size:20px;margin-top:32px;border-bottom:1px solid #ddd}
.meta{color:#5f6b77;font-size:13px}table{border-collapse:collapse;margin:8px 0;font-size:13px}
th,td{border-bottom:1px solid #e3e6e9;padding:4px 10px;text-align:right}
th:first-child,td:first-child{text-align:left}th{background:#f4f6f8}
.sentences li{margin:4px 0}pre{background:#f4f6f8;padding:10px;font-size:12px;overflow-x:auto}
.figure{margin:12px 0 24px 0}
"""


def statutory_limit(bundle: Bundle) -> float | None:
    """Return the time limit that applies to most cases (by share), if scenarios are known."""
    for sc in bundle.scenarios.values():
        weights: Counter[float] = Counter()
        for ct in sc.case_types.values():
            weights[float(ct.time_limit_days)] += ct.share
        return weights.most_common(1)[0][0] if weights else None
    return None


def _agg_for(bundle: Bundle, metric: str) -> tuple[pd.DataFrame, list[str]]:
    res = ok_rows(bundle.results if bundle.results is not None else pd.DataFrame())
    factors = bundle.factors[:2]
    return sweep_aggregate(res, factors, metric), factors


def figures_for(
    bundle: Bundle,
    metric: str | None = None,
    kpis: list[str] | None = None,
    targets: list[Target] | None = None,
) -> list[go.Figure]:
    """Return the figures that show a bundle, in reading order.

    Args:
        bundle: The results.
        metric: For sweeps and sensitivity analyses, the one KPI to draw (default: the
            key KPIs present).
        kpis: For sweeps and sensitivity analyses, the KPIs to draw (``--kpi``).
        targets: KPI targets, drawn on the sweep figures of their KPI.

    Returns:
        The figures.
    """
    bundle = localise(bundle)
    chosen = [metric] if metric else list(kpis or [])
    if bundle.kind == "sweep" and bundle.results is not None:
        limit = statutory_limit(bundle)
        out = []
        for m in chosen or report_metrics(bundle):
            agg, factors = _agg_for(bundle, m)
            if len(factors) >= 2:
                fig = F.sweep_heatmap(agg, factors[0], factors[1], m)
            elif factors:
                fig = F.sweep_line(agg, factors[0], m, limit_days=limit)
            else:
                continue
            for t in targets or ():
                if t.kpi == m:
                    draw_target(fig, agg, factors, t)
            out.append(fig)
        return out
    if bundle.kind == "sensitivity" and bundle.indices is not None:
        metrics = chosen or report_metrics(bundle)
        methods = list(dict.fromkeys(bundle.indices["method"].astype(str))) or ["sobol"]
        return [F.sensitivity_bars(bundle.indices, m, how) for m in metrics for how in methods]
    colours = bundle.colours()
    out = []
    if bundle.comparison is not None and len(bundle.comparison):
        out.append(F.differences(bundle.comparison, [*KEY_METRICS], colours=colours))
    if bundle.daily_summary is not None:
        out.append(
            F.pending_over_time(
                bundle.daily_summary,
                "n_pending",
                bundle.title,
                colours=colours,
                start_date=bundle.start_date(),
                from_day=bundle.warmup_days(),
            )
        )
    if bundle.ttd is not None:
        out.append(
            F.ttd_histogram(bundle.ttd, statutory_limit(bundle), bundle.title, colours=colours)
        )
    if bundle.summary is not None:
        out.append(F.ttd_shares(bundle.summary, bundle.title, colours=colours))
        out.append(F.settlement_channels(bundle.summary, bundle.title, colours=colours))
        out.append(F.utilisation(bundle.summary, bundle.title, colours=colours))
    if has_map(bundle.regions):
        out.append(region_map(bundle.regions))
    return out


def report_metrics(bundle: Bundle) -> list[str]:
    """Return the KPIs a sweep or sensitivity report draws: every one, key KPIs first.

    Args:
        bundle: A sweep or sensitivity bundle.

    Returns:
        KPI names.
    """
    present = bundle.metrics()
    return [m for m in KEY_METRICS if m in present] + [m for m in present if m not in KEY_METRICS]


def _table_html(df: pd.DataFrame, max_rows: int = 80) -> str:
    from courtsim.dashboard.tables import display_cell, display_frame

    shown = display_frame(df.head(max_rows))  # stored names and codes as a reader calls them
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in shown.columns)
    rows = "".join(
        "<tr>" + "".join(f"<td>{html.escape(display_cell(v))}</td>" for v in r) + "</tr>"
        for r in shown.itertuples(index=False)
    )
    more = (
        "<p class='meta'>"
        + html.escape(_("First {shown} of {total} rows.").format(shown=max_rows, total=len(df)))
        + "</p>"
        if len(df) > max_rows
        else ""
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>{more}"


def kpi_table(bundle: Bundle) -> pd.DataFrame:
    """Return the KPI table a report and the dashboard show for a bundle.

    Args:
        bundle: The results.

    Returns:
        Labelled KPIs with means and 95% CIs (per scenario); for a sweep, the first key
        KPI averaged per combination of factors; for a sensitivity analysis, its indices.
    """
    if bundle.kind == "sweep" and bundle.results is not None:
        present = bundle.metrics()
        metric = next((m for m in KEY_METRICS if m in present), present[0] if present else None)
        if metric is None:
            return pd.DataFrame()
        agg, _ = _agg_for(bundle, metric)
        agg.insert(0, "metric", metric)
        return agg
    if bundle.kind == "sensitivity" and bundle.indices is not None:
        return bundle.indices
    if bundle.summary is None:
        return pd.DataFrame()
    return kpi_display_table(bundle.summary, kpi_order(set(bundle.summary["metric"])))


def summary_sentences(bundle: Bundle) -> list[str]:
    """Return the report's opening sentences: what was run, and what it shows.

    Args:
        bundle: The results.

    Returns:
        Plain-language sentences.
    """
    m = bundle.manifest
    out: list[str] = []
    names = list(bundle.scenarios)
    for i, (name, sc) in enumerate(bundle.scenarios.items()):
        if i == 0:
            out.extend(describe_scenario(sc))
            continue
        base = bundle.scenarios[names[0]]
        diffs = scenario_differences(base, sc, limit=8)
        desc = " ".join(str(sc.description).split())
        differs = (
            _("It differs from {baseline} in: {values}.").format(
                baseline=names[0], values="; ".join(diffs)
            )
            if diffs
            else ""
        )
        out.append(
            f"{name}{': ' + desc if desc and desc != base.description.strip() else ''}. " + differs
        )
    listed = manifest_scenarios(m)
    if not bundle.scenarios and listed and bundle.kind in ("replicate", "compare"):
        parts = [f"{label}" + (f" ({file})" if file else "") for label, file, _ in listed]
        if bundle.kind == "compare":
            out.append(
                _("Baseline: {baseline}. Compared with it: {others}.").format(
                    baseline=parts[0], others=", ".join(parts[1:])
                )
            )
        else:
            out.append(_("Scenario: {name}.").format(name=parts[0]))
    reps = m.get("reps") or m.get("replications")
    if bundle.kind in ("sweep", "sensitivity"):
        reps = None  # said below, per design point
    if bundle.kind == "run":
        out.append(
            _("One run with seed {seed}, replicate {replicate}.").format(
                seed=m.get("seed", "?"), replicate=m.get("replicate", 0)
            )
        )
    elif reps:
        out.append(
            _(
                "{reps} replications per scenario with master seed {seed}; replicate r of "
                "every scenario uses the same random numbers, so differences are paired. "
                "Intervals are 95% confidence intervals of the mean; bands span the "
                "10th-90th percentiles of replications."
            ).format(reps=reps, seed=m.get("seed", "?"))
        )
    if bundle.kind == "sweep" and bundle.results is not None:
        res = bundle.results
        n_runs = res["run_id"].nunique() if "run_id" in res else len(res)
        failed = len(res) - len(ok_rows(res))
        per = m.get("replications") or m.get("reps")
        factors = ", ".join(factor_label(f) for f in bundle.factors) or "-"
        text = _("Sweep over {factors}: {runs} runs").format(factors=factors, runs=n_runs)
        if per:
            text += " " + _("({reps} replications per design point, seed {seed})").format(
                reps=per, seed=m.get("seed", "?")
            )
        if failed:
            text += ", " + _("{n} result rows failed (left out)").format(n=failed)
        out.append(
            text
            + ". "
            + _("Figures show the mean over replications (averaged over any other factor).")
        )
    if bundle.kind == "sensitivity" and bundle.indices is not None:
        from courtsim.dashboard.tables import VALUE_NAMES

        methods = ", ".join(
            _(VALUE_NAMES[m]) if m in VALUE_NAMES else m
            for m in dict.fromkeys(bundle.indices["method"].astype(str))
        )
        out.append(
            _("Sensitivity indices ({methods}) for {n} factors.").format(
                methods=methods, n=len(bundle.factors)
            )
        )
    return out


def comparison_sentences(
    bundle: Bundle, metrics: tuple[str, ...] = SENTENCE_METRICS
) -> dict[str, list[str]]:
    """Return the comparison's plain-language sentences for the key KPIs, pilot by pilot.

    The sentences are those of the comparison table (written by ``courtsim.compare``).

    Args:
        bundle: A comparison.
        metrics: KPIs to report, in this order.

    Returns:
        Scenario -> its sentences (empty when there is no comparison).
    """
    table = bundle.comparison
    if table is None or not len(table) or "sentence" not in table:
        return {}
    out: dict[str, list[str]] = {}
    rank = {k: i for i, k in enumerate(metrics)}
    sel = table[table["metric"].isin(metrics)].copy()
    sel["_rank"] = sel["metric"].map(rank)
    for scen, rows in sel.groupby("scenario", sort=False):
        rows = rows.sort_values("_rank", kind="stable")
        if current() == "en":
            out[str(scen)] = [str(x) for x in rows["sentence"] if isinstance(x, str) and x]
        else:  # the saved sentences are English: say them again in the language in force
            saved = bundle.aliases.get(str(scen), str(scen))
            out[str(scen)] = [_sentence_again(str(scen), saved, r) for r in rows.itertuples()]
    return out


def _sentence_again(scen: str, saved: str, row: Any) -> str:
    # A labelled scenario's saved sentence starts with its label (as saved); others were
    # named "Scenario '<name>'" (in the language the comparison ran in).
    english = str(getattr(row, "sentence", "") or "")
    subject = scen if english.startswith(saved) else scenario_subject(scen)
    return difference_sentence(
        subject,
        str(row.metric),
        float(row.diff_mean),
        (float(row.diff_ci_low), float(row.diff_ci_high)),
        float(row.rel_diff_mean),
        (float(row.rel_ci_low), float(row.rel_ci_high)),
    )


#: The manifest's fields the provenance table lists first, as a reader calls them.
_MANIFEST_FIELDS: dict[str, str] = {
    "kind": N_("kind of results"),
    "scenario_name": N_("scenario"),
    "seed": N_("seed"),
    "replicate": N_("replicate"),
    "reps": N_("replications"),
    "replications": N_("replications"),
    "scenario_hash": N_("scenario's content hash"),
}


def _manifest_html(manifest: dict[str, Any]) -> str:
    from courtsim.dashboard.layout import KIND_NAMES

    rows: list[tuple[str, Any]] = []
    for k, name in _MANIFEST_FIELDS.items():
        if k in manifest:
            v = manifest[k]
            rows.append((_(name), _(KIND_NAMES[v]) if k == "kind" and v in KIND_NAMES else v))
    for label, file, h in manifest_scenarios(manifest):
        if "scenario_hash" not in manifest or len(manifest_scenarios(manifest)) > 1:
            rows.append(
                (
                    _("scenario {name}").format(name=label),
                    f"{h or ''}" + (f" ({file})" if file else ""),
                )
            )
    versions = manifest.get("versions") or {}
    # the packages' names are names (python, numpy), written as their authors write them
    rows.extend((_("version of {package}").format(package=k), v) for k, v in versions.items())
    table = _table_html(pd.DataFrame(rows, columns=[_("field"), _("value")])) if rows else ""
    text = html.escape(json.dumps(manifest, indent=2, default=str, sort_keys=True))
    summary = html.escape(_("Full manifest.json"))
    return f"{table}<details><summary>{summary}</summary><pre>{text}</pre></details>"


def _figure_html(fig: go.Figure, i: int) -> str:
    return (
        "<div class='figure'>"
        + fig.to_html(
            full_html=False,
            include_plotlyjs=False,
            div_id=f"fig{i}",
            config={"displaylogo": False, "responsive": True},
        )
        + "</div>"
    )


@functools.lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("courtsim.dashboard", "templates"),
        autoescape=True,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_callables(gettext=_, ngettext=ngettext, newstyle=False)  # type: ignore[attr-defined]
    return env


def render_html(
    bundle: Bundle,
    title: str | None = None,
    lang: str | None = None,
    kpis: list[str] | None = None,
    targets: list[Target] | None = None,
) -> str:
    """Return the report of a bundle as one self-contained HTML page.

    Args:
        bundle: The results.
        title: Page title (default: kind and name).
        lang: ``en``, ``ru`` or ``kk`` (default: the language in force); the page's
            ``lang`` attribute, its words and its number formats follow it.
        kpis: KPIs drawn in sweep and sensitivity figures (default: the key KPIs).
        targets: KPI targets drawn as lines on the figures of their KPI.

    Returns:
        The HTML text (plotly.js embedded; no network needed to open it).

    Raises:
        CourtsimError: An unknown language.
    """
    with language(lang) as lang_:
        return _render(bundle, title, lang_, kpis, targets)


def _render(
    bundle: Bundle,
    title: str | None,
    lang: str,
    kpis: list[str] | None = None,
    targets: list[Target] | None = None,
) -> str:
    bundle = localise(bundle)
    names = list(bundle.scenarios) or [
        label for label, _l, _h in manifest_scenarios(bundle.manifest)
    ]
    if title is None and bundle.kind == "compare" and len(names) > 1:
        first, *others = names
        title = _("{pilots} compared with {baseline}").format(
            pilots=", ".join(others), baseline=first
        )
    kind_title = _KIND_TITLES.get(bundle.kind, _RESULTS)
    title = title or f"{_(kind_title)}: {bundle.title}"
    created = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    table = kpi_table(bundle)
    table_html = every = ""
    heading = {
        "sweep": N_("Results by factor"),
        "sensitivity": N_("Sensitivity indices"),
        "other": N_("Key performance indicators"),
    }
    if len(table):
        if bundle.kind in ("sweep", "sensitivity") or bundle.summary is None:
            table_html = _table_html(table)
        else:  # the terminal table's KPIs first, every KPI on request
            main = kpi_display_table(
                bundle.summary, [k for k in TABLE_KPIS if k in set(bundle.summary["metric"])]
            )
            table_html, every = _table_html(main), _table_html(table, max_rows=500)
    return (
        _environment()
        .get_template("report.html.j2")
        .render(
            marker=REPORT_MARKER,
            lang=lang,
            title=title,
            css=_CSS,
            plotlyjs=get_plotlyjs(),
            created=created,
            summary=summary_sentences(bundle),
            sentences=comparison_sentences(bundle),
            figures=[
                _figure_html(f, i)
                for i, f in enumerate(figures_for(bundle, kpis=kpis, targets=targets))
            ],
            table=table_html,
            every_kpi=every,
            table_heading=_(heading.get(bundle.kind, heading["other"])),
            manifest=_manifest_html(bundle.manifest),
        )
    )


def load_bundle(source: Any, target: str, scenario_files: bool = True) -> Bundle:
    """Return the bundle of a results folder or object, with its scenarios when known.

    Args:
        source: A results folder or object.
        target: The file being written, for error messages.
        scenario_files: Read the scenario files the manifest names (when unchanged).

    Returns:
        The bundle.

    Raises:
        ResultsError: The source cannot be read.
    """
    try:
        bundle = to_bundle(source)
    except TypeError as exc:
        raise ResultsError(str(exc), source=target) from None
    if scenario_files and not bundle.scenarios:
        bundle.scenarios = read_scenario_files(bundle.manifest)
    return bundle


def page_html(title: str, body: str, manifest: dict[str, Any]) -> str:
    """Return a whole report page: head with plotly.js, title, body, provenance.

    Args:
        title: Page title.
        body: The sections (HTML).
        manifest: The results' manifest, shown last.

    Returns:
        The HTML text.
    """
    created = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    return "\n".join(
        [
            REPORT_MARKER + f"<html lang='{current()}'><head><meta charset='utf-8'>",
            f"<title>{html.escape(title)}</title><style>{_CSS}</style>",
            f"<script type='text/javascript'>{get_plotlyjs()}</script></head><body>",
            f"<h1>{html.escape(title)}</h1>",
            "<p class='meta'>"
            + html.escape(_("courtsim report, {created}.").format(created=created))
            + "</p>",
            body,
            f"<h2>{html.escape(_('Provenance'))}</h2>",
            _manifest_html(manifest),
            "</body></html>",
        ]
    )


def write_report(
    source: Any,
    out_html: str | Path,
    title: str | None = None,
    scenario_files: bool = True,
    kpis: list[str] | None = None,
    targets: list[Target] | None = None,
    lang: str | None = None,
) -> Path:
    """Write a self-contained HTML report of a results folder or object.

    The file is written to a temporary sibling and renamed, so an interrupted write
    leaves no partial report.

    Args:
        source: A results folder (any kind), a ``Result``, a replicate or comparison
            result of ``courtsim.replicate`` / ``courtsim.compare``, or the dashboard's
            live replications.
        out_html: The HTML file to write (an earlier report there is replaced; any other
            file, or a place inside a results folder, is refused).
        title: Page title.
        scenario_files: Describe the scenarios from the files the manifest names, when
            they are unchanged since the run (their content hash matches).
        kpis: KPIs drawn in sweep and sensitivity figures (``--kpi``).
        targets: KPI targets drawn as lines (``--target kpi<=60``).
        lang: ``en``, ``ru`` or ``kk`` (default: the language in force).

    Returns:
        The written file.

    Raises:
        ResultsError: The folder cannot be read, or the file cannot be written.

    Example:
        >>> write_report(courtsim.compare(base, [pilot], reps=10, seed=1), "briefing.html")
    """
    out = Path(out_html)
    check_report_target(out)  # before any work: a refusal costs nothing
    if isinstance(source, str | Path) and is_decision_folder(Path(source)):
        from courtsim.dashboard.decisions import write_decision_html

        with language(lang):
            return write_decision_html(source, out, title)
    if isinstance(source, str | Path) and is_robustness_folder(Path(source)):
        from courtsim.dashboard.robustness import write_robustness_html

        with language(lang):
            return write_robustness_html(source, out, title)
    if isinstance(source, str | Path) and is_projection_folder(Path(source)):
        from courtsim.dashboard.projection import write_projection_html

        with language(lang):
            return write_projection_html(source, out, title)
    bundle = load_bundle(source, str(out), scenario_files)
    check_report_kpis(bundle, kpis or [], targets or [])
    return write_html_atomic(out, render_html(bundle, title, lang, kpis, targets))


def write_html_atomic(out: Path, text: str) -> Path:
    """Write an HTML page through a temporary sibling, so no partial file is ever left.

    Args:
        out: The file.
        text: The page.

    Returns:
        The file.

    Raises:
        ResultsError: ``out`` is a folder, a file that is not an earlier report, a place
            inside a results folder, or cannot be written.
    """
    check_report_target(out)
    if out.is_dir():
        raise ResultsError("is a folder; give a file name ending in .html", source=str(out))
    parent = out.parent if str(out.parent) else Path()
    try:
        parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".partial", dir=parent)
    except OSError as exc:
        raise ResultsError(f"cannot write the report ({exc.strerror})", source=str(out)) from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        umask = os.umask(0)
        os.umask(umask)
        Path(tmp).chmod(0o666 & ~umask)  # mkstemp makes it private; a report is for sharing
        Path(tmp).replace(out)
    except BaseException as exc:
        Path(tmp).unlink(missing_ok=True)
        if not isinstance(exc, OSError):
            raise
        raise ResultsError(f"cannot write the report ({exc.strerror})", source=str(out)) from None
    return out


__all__ = ["figures_for", "kpi_table", "render_html", "write_report"]
