"""What the dashboard's callbacks do, as plain functions of the app context and the inputs.

Each handler returns a dict of output name -> value (missing names are left unchanged);
:mod:`courtsim.dashboard.callbacks` wires them to Dash. A handler never raises: bad input
of any kind becomes a message in the page (``status``/``message``), and an unexpected
failure is logged on the server and reported in one sentence, so the server keeps serving.
"""

from __future__ import annotations

import functools
import io
import logging
import math
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from courtsim.dashboard import figures as F
from courtsim.dashboard.context import AppContext
from courtsim.dashboard.describe import KEY_METRICS
from courtsim.dashboard.explorer_regions import ALL, region_options
from courtsim.dashboard.folders import Bundle, list_folders, load_folder, ok_rows, to_bundle
from courtsim.dashboard.labels import factor_label, kpi_order, measure
from courtsim.dashboard.layout import (
    KIND_NAMES,
    SWEEP_HINT,
    folder_option,
    kpi_cards,
    lever_panel,
    message,
    placeholder_figure,
    table,
)
from courtsim.dashboard.levers import channel_types, field_bounds
from courtsim.dashboard.live import Replications
from courtsim.dashboard.messages import localised
from courtsim.dashboard.region_map import has_map, mean_by_region, region_map
from courtsim.dashboard.relabel import draw_ahead, remember
from courtsim.dashboard.report import comparison_sentences, kpi_table, render_html
from courtsim.dashboard.safety import check_run_budget, parse_scenario_upload, resolve_under
from courtsim.dashboard.tables import kpi_display_table, sweep_aggregate
from courtsim.dashboard.targets import draw_target
from courtsim.errors import CourtsimError
from courtsim.experiment.sequential import Target
from courtsim.i18n import N_, _, current, number
from courtsim.schema.scenario import Scenario

log = logging.getLogger("courtsim.dashboard")
Outputs = dict[str, Any]


def guarded(error_key: str) -> Callable[[Callable[..., Outputs]], Callable[..., Outputs]]:
    """Turn any exception of a handler into a message under ``error_key``.

    Args:
        error_key: The output that shows messages.

    Returns:
        The decorator.
    """

    def wrap(fn: Callable[..., Outputs]) -> Callable[..., Outputs]:
        @functools.wraps(fn)
        def inner(*args: Any, **kwargs: Any) -> Outputs:
            try:
                return fn(*args, **kwargs)
            except CourtsimError as exc:
                ctx = next((a for a in args if isinstance(a, AppContext)), None)
                return {error_key: message(public_text(localised(exc), ctx))}
            except Exception:  # never a traceback in the page; the log has it
                log.exception("dashboard handler %s failed", fn.__name__)
                return {
                    error_key: message(
                        _(
                            "Something went wrong on the server (the error is in its log); "
                            "the page still works, try other values."
                        )
                    )
                }

        return inner

    return wrap


_ABSOLUTE_PATH = re.compile(r"(?<![\w.])/(?:[^\s/:'\",;()]+/)*([^\s/:'\",;()]*)")


def public_text(text: str, ctx: AppContext | None) -> str:
    """Return a message without the server's absolute paths.

    Paths under ``--results`` become relative to it (``results/experiments/cmp``); any
    other absolute path is cut to its last part, so the page never shows the server's
    folders.

    Args:
        text: The message.
        ctx: The app's context (for its results folder), if known.

    Returns:
        The message for the page.
    """
    if ctx is not None:
        for root in {str(ctx.results_root.resolve()), str(ctx.results_root.absolute())}:
            text = text.replace(root + "/", "results/").replace(root, "results")
    return _ABSOLUTE_PATH.sub(lambda m: m.group(1) or "/", text)


def as_int(value: Any, name: str, lo: int, hi: int | None = None) -> int:
    """Read a whole number sent by the page, within bounds.

    Args:
        value: What the page sent.
        name: The field's name, for the message.
        lo: Smallest allowed.
        hi: Largest allowed.

    Returns:
        The number.

    Raises:
        CourtsimError: Not a whole number, or out of bounds.
    """
    # the field as the page names it ("Replications"); in English as the command line does
    said = name if current() == "en" else _(FIELD_NAMES.get(name, name))
    try:
        f = float(value)
    except (TypeError, ValueError):
        raise CourtsimError(
            _("{name}: '{value}' is not a number").format(name=said, value=value),
            field=_field(name),
        ) from None
    if not math.isfinite(f) or not f.is_integer():
        raise CourtsimError(
            _("{name}: '{value}' is not a whole number").format(name=said, value=value),
            field=_field(name),
        )
    v = int(f)
    if v < lo or (hi is not None and v > hi):
        if hi is not None:
            text = _("{name} must be between {lo} and {hi} (got {value})")
        else:
            text = _("{name} must be at least {lo} (got {value})")
        raise CourtsimError(text.format(name=said, lo=lo, hi=hi, value=v), field=_field(name))
    return v


def _field(name: str) -> str | None:
    # the message names the field already; the page's languages need no "field 'x'" before it
    return name if current() == "en" else None


#: The run's own fields, as messages name them.
FIELD_NAMES: dict[str, str] = {
    "days": N_("Days"),
    "replications": N_("Replications"),
    "seed": N_("Seed"),
}


# ---------------------------------------------------------------- explorer


@guarded("message")
def select_scenario(
    ctx: AppContext, trigger: str | None, name: Any, contents: Any, filename: Any
) -> Outputs:
    """Load the chosen shipped scenario, or an uploaded file, and rebuild the levers.

    Args:
        ctx: The app context.
        trigger: ``"ex-upload"`` when a file was uploaded, else the dropdown.
        name: Shipped scenario chosen.
        contents: Upload payload (``data:...;base64,...``).
        filename: Uploaded file's name.

    Returns:
        ``source`` (what the run starts from), ``message``, ``levers``,
        ``channel_options``, ``channels``, ``channel_style``, ``days``.
    """
    if trigger == "ex-upload" and contents:
        sc = parse_scenario_upload(contents, str(filename or "upload.yaml"), ctx.limits)
        key = ctx.uploads.put(sc.content_hash(), sc)
        source: dict[str, str] = {"upload": key, "name": str(filename)}
        msg = message(
            _("Loaded {file}: scenario '{name}'.").format(file=filename, name=sc.name), "ok"
        )
    else:
        sc = ctx.scenario(name)
        source, msg = {"shipped": str(name)}, ""
    levers, options, on, style = lever_panel(sc)
    return {
        "source": source,
        "message": msg,
        "levers": levers,
        "channel_options": options,
        "channels": on,
        "channel_style": style,
        "days": sc.horizon_days,
    }


def _source_scenario(ctx: AppContext, source: Any) -> Scenario:
    if isinstance(source, dict) and "upload" in source:
        return ctx.uploads.get(source["upload"], "uploaded scenario")
    if isinstance(source, dict) and "shipped" in source:
        return ctx.scenario(source["shipped"])
    raise CourtsimError(_("choose a scenario first"))


def _progress(ctx: AppContext, token: Any, prefix: str) -> Callable[[int, int], None]:
    key = f"{token}:{prefix}"
    return lambda done, total: ctx.progress.put(key, (done, total))


def build_scenario(
    ctx: AppContext,
    source: Any,
    lever_ids: list[Any],
    lever_values: list[Any],
    channels: Any,
    days: Any,
) -> Scenario:
    """Return the scenario the explorer runs: the source with levers, channels and days set.

    Raises:
        CourtsimError: A value is invalid (the scenario's own validation messages).
    """
    from courtsim.dashboard.levers import apply_levers

    sc = _source_scenario(ctx, source)
    values = {}
    for id_, v in zip(lever_ids or [], lever_values or [], strict=False):
        if isinstance(id_, dict) and isinstance(id_.get("key"), str):
            values[id_["key"]] = v
    ch = None
    if channel_types():
        ch = [str(c) for c in channels or [] if isinstance(c, str)]
    sc = apply_levers(sc, values, ch)
    lo, hi = field_bounds("horizon_days")
    n_days = as_int(days, "days", int(lo or 1), int(hi) if hi is not None else None)
    if n_days != sc.horizon_days:
        sc = sc.with_overrides({"horizon_days": n_days}, source="days")
    return sc


@guarded("status")
def run_explorer(
    ctx: AppContext,
    token: Any,
    source: Any,
    lever_ids: list[Any],
    lever_values: list[Any],
    channels: Any,
    days: Any,
    reps: Any,
    seed: Any,
) -> Outputs:
    """Run replications of the explorer's scenario and draw them.

    Returns:
        ``view`` (id of the run, for downloads), ``status``, ``cards``, the figures
        ``pending``, ``ttd``, ``channels_fig``, ``util`` and ``table``.
    """
    sc = with_warmup(build_scenario(ctx, source, lever_ids, lever_values, channels, days))
    n = as_int(reps, "replications", 1, ctx.limits.max_replications)
    s = as_int(seed, "seed", 0)
    check_run_budget([sc], n, ctx.limits)
    with ctx.run_slot():
        reps_ = ctx.runner.run({sc.name: sc}, n, s, progress=_progress(ctx, token, "ex"))
    view = ctx.views.put(f"{token}:ex:{sc.content_hash()[:12]}:{n}:{s}", reps_)
    out = draw_replications(reps_)
    remember(ctx, view, current(), out, "ex")  # a switch back to this language sends no figure
    draw_ahead(ctx, view, "ex")  # and a switch to another finds it drawn
    out.update(view=view, drawn=current(), region=ALL, status=run_status(view, reps_))
    return out


def run_status(view: str, stored: Any) -> Any:
    """Return the status line of a tab's results, in the language in force.

    Said again on a language switch (:func:`courtsim.dashboard.relabel.redraw`), from the
    results themselves: the explorer's or a live comparison's replications, or a saved
    comparison (its folder is the end of the view's id).

    Args:
        view: The view's id.
        stored: What the view holds.

    Returns:
        The message.
    """
    if isinstance(stored, Replications) and len(stored.scenarios) == 1:
        name, sc = next(iter(stored.scenarios.items()))
        secs = stored.manifest.get("run_seconds", 0.0)
        text = _(
            "{n} replications of '{name}' ({days} days, seed {seed}); {secs} s of simulation."
        ).format(
            n=stored.replications, name=name, days=sc.horizon_days, seed=stored.seed,
            secs=number(secs),
        )  # fmt: skip
    elif isinstance(stored, Replications):
        baseline, *pilots = stored.scenarios
        text = _("{pilots} against {baseline}: {n} paired replications, seed {seed}.").format(
            pilots=", ".join(pilots), baseline=baseline, n=stored.replications, seed=stored.seed
        )
    else:
        folder = view.split(":cmp:saved:", 1)[-1]
        text = _("Opened the saved comparison {folder}.").format(folder=folder)
    return message(text, "ok")


#: Days the explorer leaves out of its KPIs and figures when a scenario sets no warm-up of
#: its own: the initial pending caseload ages and clears over the first months, a start-up
#: transient a briefing should not read as a trend (assumption: about one statutory limit
#: and a half, CPC art. 183 two months, domain.md §3).
EXPLORER_WARMUP_DAYS = 90


def with_warmup(sc: Scenario) -> Scenario:
    """Return the scenario with the explorer's warm-up, unless it has one or is too short.

    Args:
        sc: The scenario built from the explorer's controls.

    Returns:
        ``sc`` with ``reporting.warmup_days`` = :data:`EXPLORER_WARMUP_DAYS` when it had
        none and its horizon is at least twice as long; otherwise ``sc``.
    """
    if sc.reporting.warmup_days or sc.horizon_days < 2 * EXPLORER_WARMUP_DAYS:
        return sc
    return sc.with_overrides({"reporting.warmup_days": EXPLORER_WARMUP_DAYS}, source="explorer")


#: KPIs the explorer's and the comparison's tables lead with; the rest sit in an expander.
TABLE_KEY_KPIS: tuple[str, ...] = (
    *KEY_METRICS,
    "pending_end",
    "ttd_mean_days",
    "share_within_60_days",
    "judge_utilisation",
)


def kpi_tables(summary: pd.DataFrame) -> Any:
    """Return the key KPIs' table, in units, and an expander with every other KPI.

    Args:
        summary: KPI summary (``[scenario,] metric, mean, ci_low, ci_high``).

    Returns:
        A Dash component.
    """
    from dash import html

    from courtsim.i18n import _

    present = set(summary["metric"])
    key = [k for k in TABLE_KEY_KPIS if k in present]
    rest = [k for k in kpi_order(present) if k not in key]
    parts = [table(kpi_display_table(summary, key))]
    if rest:
        parts.append(
            html.Details(
                [
                    html.Summary(_("Every other KPI ({n})").format(n=len(rest))),
                    table(kpi_display_table(summary, rest), max_rows=500),
                ]
            )
        )
    return html.Div(parts)


def _limit(sc: Scenario) -> float:
    weights: dict[float, float] = {}
    for ct in sc.case_types.values():
        weights[float(ct.time_limit_days)] = weights.get(float(ct.time_limit_days), 0) + ct.share
    return max(weights, key=lambda k: weights[k])


def draw_replications(reps: Replications) -> Outputs:
    """Return the explorer's cards, figures and KPI table for replications of one scenario."""
    sc = next(iter(reps.scenarios.values()))
    summary = reps.summary
    regions = mean_by_region(reps.regions) if len(reps.regions) else None
    mapped = has_map(regions)
    return {
        # the tile map, for a scenario of Kazakhstan's regions (hidden otherwise)
        "regions": region_map(regions) if mapped else placeholder_figure(""),
        "regions_style": {} if mapped else {"display": "none"},
        "cards": kpi_cards(summary),
        "pending": F.pending_over_time(
            reps.daily_summary, start_date=sc.start_date, from_day=sc.reporting.warmup_days
        ),
        "ttd": F.ttd_histogram(reps.ttd, _limit(sc)),
        "channels_fig": F.settlement_channels(summary),
        "util": F.utilisation(summary),
        "table": kpi_tables(summary),
        # the region selector (a scenario of several regions; hidden otherwise)
        **region_options(reps),
        "region_note": "",
    }


def poll_progress(ctx: AppContext, token: Any, prefix: str) -> Outputs:
    """Return the progress of this page's running job: bar value, bar maximum, text."""
    try:
        done, total = ctx.progress.get(f"{token}:{prefix}", "progress")
    except CourtsimError:
        return {"value": "0", "max": "1", "text": _("Starting...")}
    return {
        "value": str(done),
        "max": str(max(total, 1)),
        "text": _("Running: {done} of {total} simulations done").format(done=done, total=total),
    }


def page_texts(lang: Any) -> Outputs:
    """Return the page's fixed texts (title, tab labels) in a language."""
    from courtsim.dashboard.layout import HEADER, TAB_LABELS
    from courtsim.i18n import _, check_language, language

    with language(check_language(lang, "language switch")):
        return {
            "title": _(HEADER[0]),
            "sub": _(HEADER[1]),
            "lang_label": _("Language"),
            **{f"tab_{k}": _(v) for k, v in TAB_LABELS.items()},
        }


# ---------------------------------------------------------------- comparison


@guarded("status")
def run_comparison(
    ctx: AppContext,
    token: Any,
    trigger: str | None,
    baseline: Any,
    pilots: Any,
    reps: Any,
    seed: Any,
    saved: Any,
) -> Outputs:
    """Compare pilots with the baseline: run them live, or open a saved comparison.

    Returns:
        ``view``, ``status``, ``sentences``, figures ``diff``, ``pending``, ``channels``,
        ``util`` and ``table``.
    """
    if trigger == "cmp-saved":
        if not saved:
            return {}
        bundle = load_folder(resolve_under(ctx.results_root, str(saved)))
        if bundle.kind != "compare":
            raise CourtsimError(
                _("'{folder}' holds a {kind}, not a comparison").format(
                    folder=saved, kind=_(KIND_NAMES.get(bundle.kind, bundle.kind))
                )
            )
        view = ctx.views.put(f"{token}:cmp:saved:{saved}", bundle)
        status = run_status(view, bundle)
    else:
        names = [str(p) for p in (pilots or []) if p != baseline]
        if not names:
            raise CourtsimError(_("choose at least one pilot scenario other than the baseline"))
        scenarios = {str(baseline): ctx.scenario(baseline)}
        scenarios.update({p: ctx.scenario(p) for p in names})
        n = as_int(reps, "replications", 1, ctx.limits.max_replications)
        s = as_int(seed, "seed", 0)
        check_run_budget(list(scenarios.values()), n, ctx.limits)
        with ctx.run_slot():
            live = ctx.runner.run(scenarios, n, s, progress=_progress(ctx, token, "cmp"))
        bundle = to_bundle(live)
        view = ctx.views.put(f"{token}:cmp:{'+'.join(scenarios)}:{n}:{s}", live)
        status = run_status(view, live)
    out = draw_comparison(bundle)
    remember(ctx, view, current(), out, "cmp")
    draw_ahead(ctx, view, "cmp")
    out.update(view=view, status=status, drawn=current())
    return out


def draw_comparison(bundle: Bundle) -> Outputs:
    """Return the comparison tab's sentences, figures and table for a comparison."""
    from dash import html

    from courtsim.dashboard.folders import localise

    bundle = localise(bundle)
    sentences = comparison_sentences(bundle)
    table_ = bundle.comparison if bundle.comparison is not None else pd.DataFrame()
    summary = bundle.summary if bundle.summary is not None else pd.DataFrame(columns=["metric"])
    blocks = [
        html.Details(
            [html.Summary(scen), html.Ul([html.Li(s) for s in lines], className="sentences")],
            open=True,
        )
        for scen, lines in sentences.items()
    ]
    colours = bundle.colours()
    return {
        "sentences": blocks
        or message(_("No sentence: the comparison has none of the key KPIs."), "info"),
        "diff": F.differences(table_, list(KEY_METRICS), colours=colours),
        "pending": F.pending_over_time(
            bundle.daily_summary,
            colours=colours,
            start_date=bundle.start_date(),
            from_day=bundle.warmup_days(),
        )
        if bundle.daily_summary is not None
        else placeholder_figure("No daily series in these results"),
        "channels": F.settlement_channels(summary, colours=colours),
        "util": F.utilisation(summary, colours=colours),
        "table": kpi_tables(summary)
        if "metric" in summary and len(summary)
        else table(kpi_table(bundle)),
    }


# ---------------------------------------------------------------- sweep viewer


def folder_options(ctx: AppContext) -> Outputs:
    """Return the results folders for the sweep viewer and the saved comparisons."""
    found = list_folders(ctx.results_root)
    return {
        "folders": [folder_option(p, k) for p, k in found],
        "saved": [p for p, k in found if k == "compare"],
    }


@guarded("message")
def open_folder(
    ctx: AppContext, token: Any, trigger: str | None, chosen: Any, typed: Any
) -> Outputs:
    """Open a results folder under ``--results`` (chosen, or typed as a relative path).

    Returns:
        ``view``, ``message``, and options and values for ``metric``, ``x`` and ``y``.
    """
    rel = typed if trigger == "sw-open" else chosen
    if not rel:
        return {}
    path = resolve_under(ctx.results_root, str(rel))
    bundle = load_folder(path)
    view = ctx.views.put(f"{token}:sw:{path}", bundle)
    metrics = bundle.metrics()
    first = next((m for m in KEY_METRICS if m in metrics), metrics[0] if metrics else None)
    factors = bundle.factors
    return {
        "view": view,
        **folder_choices(ctx, view),
        "metric": first,
        "x": factors[0] if factors else None,
        "y": factors[1] if len(factors) > 1 and bundle.kind == "sweep" else None,
    }


def folder_choices(ctx: AppContext, view: Any) -> Outputs:
    """Return what the sweep viewer says of an open folder, in the language in force.

    Args:
        ctx: The app context.
        view: The open folder's view id (nothing when none is open or it expired).

    Returns:
        ``message`` and the ``metric``, ``x`` and ``y`` options (KPI and factor labels).
    """
    if not view or not isinstance(view, str):
        return {}
    try:
        bundle: Bundle = ctx.views.get(view, "results folder")
    except CourtsimError:
        return {}
    path = Path(view.split(":sw:", 1)[-1])  # the view's id ends with the folder's path
    try:
        rel = path.relative_to(ctx.results_root.resolve()).as_posix()
    except ValueError:
        rel = path.name
    factors = bundle.factors
    if bundle.kind == "sweep":
        said = _("Opened {folder}: a sweep with {n} factors.").format(folder=rel, n=len(factors))
    elif bundle.kind == "sensitivity":
        said = _("Opened {folder}: a sensitivity with {n} factors.").format(
            folder=rel, n=len(factors)
        )
    else:
        kind = _(KIND_NAMES.get(bundle.kind, bundle.kind))
        said = _("Opened {folder}: a {kind}.").format(folder=rel, kind=kind)
    options = [{"label": factor_label(f), "value": f} for f in factors]
    return {
        "message": message(said, "ok"),
        "metric_options": [{"label": measure(k).text, "value": k} for k in bundle.metrics()],
        "x_options": options,
        "y_options": options,
    }


@guarded("message")
def draw_sweep(
    ctx: AppContext, view: Any, metric: Any, x: Any, y: Any, chart: Any, target: Any = None
) -> Outputs:
    """Draw the opened folder: a KPI against one or two factors, indices, or its figures.

    A ``target`` such as ``ttd_mean_days<=60`` is drawn on the sweep figure of its KPI.

    Returns:
        ``graphs`` (a list of graph components) and ``table``.
    """
    from dash import dcc

    cfg = {"displaylogo": False}
    if not view:  # nothing open: the empty chart says what to do, in the page's language
        return {"graphs": [dcc.Graph(figure=placeholder_figure(_(SWEEP_HINT)), config=cfg)]}
    bundle: Bundle = ctx.views.get(view, "results folder")
    if bundle.kind == "sweep" and bundle.results is not None:
        if metric not in bundle.metrics() or x not in bundle.factors:
            raise CourtsimError(_("choose a KPI and a factor of this sweep"))
        y = y if y in bundle.factors and y != x else None
        agg = sweep_aggregate(ok_rows(bundle.results), [x] + ([y] if y else []), str(metric))
        if chart == "heatmap" and y:
            fig = F.sweep_heatmap(agg, str(x), str(y), str(metric))
        else:
            fig = F.sweep_line(agg, str(x), str(metric), by=y)
        if target:
            t = Target.parse(str(target))
            if t.kpi != metric:
                raise CourtsimError(
                    _("the target is on {kpi}; choose that KPI to see its line").format(
                        kpi=measure(t.kpi).text
                    )
                )
            factors = [str(x), str(y)] if chart == "heatmap" and y else [str(x)]
            draw_target(fig, agg, factors, t)
        return {"graphs": [dcc.Graph(figure=fig, config=cfg)], "table": table(agg)}
    if bundle.kind == "sensitivity" and bundle.indices is not None:
        if metric not in bundle.metrics():
            raise CourtsimError(_("choose a KPI of this sensitivity analysis"))
        methods = list(dict.fromkeys(bundle.indices["method"].astype(str)))
        figs = [F.sensitivity_bars(bundle.indices, str(metric), how) for how in methods]
        return {
            "graphs": [dcc.Graph(figure=f, config=cfg) for f in figs],
            "table": table(bundle.indices[bundle.indices["metric"] == metric]),
        }
    from courtsim.dashboard.report import figures_for

    return {
        "graphs": [dcc.Graph(figure=f, config=cfg) for f in figures_for(bundle)],
        "table": table(kpi_table(bundle)),
    }


# ---------------------------------------------------------------- downloads


@guarded("status")
def download(ctx: AppContext, what: str, view: Any, extra: dict[str, Any] | None = None) -> Outputs:
    """Return the current view as a self-contained HTML briefing or its table as CSV.

    Args:
        ctx: The app context.
        what: ``html`` or ``csv``.
        view: The view's id.
        extra: For sweeps, the chosen ``metric``, ``x`` and ``y``.

    Returns:
        ``download``: a ``dcc.Download`` payload.
    """
    if not view:
        raise CourtsimError(_("nothing to download yet: run or open results first"))
    obj = ctx.views.get(view, "view")
    bundle = to_bundle(obj)
    name = "".join(c if c.isalnum() or c in "-_" else "_" for c in bundle.title)[:60] or "courtsim"
    if what == "html":
        return {
            "download": {
                "content": render_html(bundle),
                "filename": f"{name}_briefing.html",
                "type": "text/html",
            }
        }
    df = kpi_table(bundle)
    extra = extra or {}
    if bundle.kind == "sweep" and bundle.results is not None and extra.get("metric"):
        factors = [f for f in (extra.get("x"), extra.get("y")) if f in bundle.factors]
        df = sweep_aggregate(
            ok_rows(bundle.results), factors or bundle.factors[:1], extra["metric"]
        )
        df.insert(0, "metric", extra["metric"])
    elif bundle.comparison is not None and len(bundle.comparison):
        df = bundle.comparison
    elif bundle.summary is not None:  # numbers, not the formatted text of the page's table
        df = bundle.summary.copy()
        df.insert(
            df.columns.get_loc("metric") + 1, "label", df["metric"].map(lambda k: measure(k).label)
        )
        df.insert(
            df.columns.get_loc("label") + 1, "unit", df["metric"].map(lambda k: measure(k).unit)
        )
    buf = io.StringIO()
    df.to_csv(buf, index=False)
    return {"download": {"content": buf.getvalue(), "filename": f"{name}.csv", "type": "text/csv"}}
