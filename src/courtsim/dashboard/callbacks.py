"""Wiring of the dashboard's callbacks: Dash inputs and outputs to :mod:`.handlers`.

Every callback is a thin shell: it reads the inputs, calls a handler (which never
raises) and maps the handler's named outputs onto Dash outputs, leaving those it did not
name unchanged.
"""

from __future__ import annotations

from typing import Any

import dash
from dash import ALL, Input, Output, State, callback_context, no_update

from courtsim.dashboard import handlers as H
from courtsim.dashboard import relabel
from courtsim.dashboard.context import AppContext
from courtsim.dashboard.decisions_tab import decision_folders, register_decision_callbacks
from courtsim.dashboard.layout import (
    DROPDOWNS,
    PLACEHOLDERS,
    TAB_LABELS,
    channel_options,
    chart_options,
    dropdown_labels,
)
from courtsim.dashboard.layout import upload_text as layout_upload_text
from courtsim.dashboard.robustness_tab import register_robustness_callbacks
from courtsim.i18n import LANGS, _, language


def _outputs(result: dict[str, Any], names: list[str]) -> tuple[Any, ...]:
    return tuple(result.get(n, no_update) for n in names)


def _language_of(lang: Any) -> Any:
    # A value the page should never send (it comes from a fixed menu) falls back to English.
    return language(lang if lang in LANGS else "en")


def _trigger() -> str | None:
    tid = callback_context.triggered_id
    return tid if isinstance(tid, str) else None


def _running(prefix: str) -> list[tuple[Output, Any, Any]]:
    """Show the progress bar, poll it, and disable the button while a run is on."""
    return [
        (Output(f"{prefix}-run", "disabled"), True, False),
        (Output(f"{prefix}-interval", "disabled"), False, True),
        (Output(f"{prefix}-progress-box", "style"), {"display": "block"}, {"display": "none"}),
    ]


def register_callbacks(app: dash.Dash, ctx: AppContext) -> None:
    """Register every callback of the dashboard on ``app``.

    Args:
        app: The Dash app.
        ctx: Its server-side state.
    """
    _explorer(app, ctx)
    _comparison(app, ctx)
    _sweep(app, ctx)
    _downloads(app, ctx)
    register_decision_callbacks(app, ctx)
    register_robustness_callbacks(app, ctx)
    _language(app, ctx)


def _language(app: dash.Dash, ctx: AppContext) -> None:
    """The language switch: the page's texts, and the open results drawn again."""
    # Every tab of TAB_LABELS (its component id is "tab-<value>"), so a new tab follows.
    texts = ["title", "sub", "lang_label", *(f"tab_{k}" for k in TAB_LABELS)]

    @app.callback(
        Output("header-title", "children"),
        Output("header-sub", "children"),
        Output("lang-label", "children"),
        *(Output(f"tab-{k}", "label") for k in TAB_LABELS),
        Input("lang", "value"),
        prevent_initial_call=True,
    )
    def relabel(lang: Any) -> tuple[Any, ...]:
        return _outputs(H.page_texts(lang), texts)

    # Marked texts, and the levers' tooltips (their boxes' titles), in the page's language.
    for kind, prop in (("i18n", "children"), ("i18n-title", "title")):
        app.callback(
            Output({"type": kind, "msg": ALL, "n": ALL}, prop),
            Input("lang", "value"),
            State({"type": kind, "msg": ALL, "n": ALL}, "id"),
            prevent_initial_call=True,
        )(_translate_marked)

    lists = ["folders", "saved", "decisions", "message", "metric_options", "x_options",
             "y_options", "chart"]  # fmt: skip

    @app.callback(
        *[Output(i, "placeholder") for i in PLACEHOLDERS],
        *[Output(i, "labels") for i in DROPDOWNS],
        Output("sw-folder", "options", allow_duplicate=True),
        Output("cmp-saved", "options", allow_duplicate=True),
        Output("dq-folder", "options", allow_duplicate=True),
        Output("sw-msg", "children", allow_duplicate=True),
        Output("sw-metric", "options", allow_duplicate=True),
        Output("sw-x", "options", allow_duplicate=True),
        Output("sw-y", "options", allow_duplicate=True),
        Output("sw-chart", "options"),
        Input("lang", "value"),
        State("sw-view", "data"),
        prevent_initial_call=True,
    )
    def menus(lang: Any, view: Any) -> tuple[Any, ...]:
        # One request for every list of the page named again: the dropdowns' hints and own
        # texts ("Clear selection"), the results folders' kinds, the open folder's message,
        # KPIs and factors, and the chart kinds (a switch sends a dozen requests already).
        with _language_of(lang):
            labels = dropdown_labels()
            out = {
                **H.folder_options(ctx),
                "decisions": decision_folders(ctx),
                **H.folder_choices(ctx, view),
                "chart": chart_options(),
            }
            return (
                *[_(m) for m in PLACEHOLDERS.values()],
                *[labels] * len(DROPDOWNS),
                *_outputs(out, lists),
            )

    app.clientside_callback(
        "function(lang) { document.documentElement.lang = lang; return lang; }",
        Output("lang", "title"),
        Input("lang", "value"),
    )
    for prefix, outs, ids in (
        ("ex", _EX_DRAWN, _EX_IDS),
        ("cmp", _CMP_DRAWN, _CMP_IDS),
    ):
        _redraw(app, ctx, prefix, outs, ids)


def _redraw(
    app: dash.Dash, ctx: AppContext, prefix: str, outs: list[str], ids: list[tuple[str, str]]
) -> None:
    # the explorer's region selector: a region's cards and table stay on a switch
    region = [State("ex-region", "value")] if prefix == "ex" else []

    @app.callback(
        *[Output(i, prop, allow_duplicate=True) for i, prop in ids],
        Output(f"{prefix}-drawn", "data", allow_duplicate=True),
        Output(f"{prefix}-status", "children", allow_duplicate=True),
        Input("lang", "value"),
        State(f"{prefix}-view", "data"),
        State(f"{prefix}-drawn", "data"),
        *region,
        prevent_initial_call=True,
    )
    def redraw(lang: Any, view: Any, shown: Any, *chosen: Any) -> tuple[Any, ...]:
        out = relabel.redraw(ctx, view, lang, prefix, shown, *chosen)
        if out.get("status") is None:
            out.pop("status", None)  # nothing run yet: leave the status line as it is
        return _outputs(out, [*outs, "drawn", "status"])


_EX_DRAWN = [
    "cards", "pending", "ttd", "channels_fig", "util", "regions", "regions_style", "table",
    "region_options", "region_style", "region_note",
]  # fmt: skip
_EX_IDS = [
    ("ex-cards", "children"),
    ("ex-pending", "figure"),
    ("ex-ttd", "figure"),
    ("ex-channels-fig", "figure"),
    ("ex-util", "figure"),
    ("ex-regions", "figure"),
    ("ex-regions-box", "style"),
    ("ex-table", "children"),
    ("ex-region", "options"),
    ("ex-region-box", "style"),
    ("ex-region-note", "children"),
]
_CMP_DRAWN = ["sentences", "diff", "pending", "channels", "util", "table"]
_CMP_IDS = [
    ("cmp-sentences", "children"),
    ("cmp-diff", "figure"),
    ("cmp-pending", "figure"),
    ("cmp-channels", "figure"),
    ("cmp-util", "figure"),
    ("cmp-table", "children"),
]


def _progress(app: dash.Dash, ctx: AppContext, prefix: str) -> None:
    @app.callback(
        Output(f"{prefix}-progress", "value"),
        Output(f"{prefix}-progress", "max"),
        Output(f"{prefix}-progress-text", "children"),
        Input(f"{prefix}-interval", "n_intervals"),
        State("token", "data"),
        State("lang", "value"),
        prevent_initial_call=True,
    )
    def poll(_n: int, token: Any, lang: Any) -> tuple[Any, ...]:
        with _language_of(lang):
            return _outputs(H.poll_progress(ctx, token, prefix), ["value", "max", "text"])


def _explorer(app: dash.Dash, ctx: AppContext) -> None:
    names = ["source", "message", "levers", "channel_options", "channels", "channel_style", "days"]

    @app.callback(
        Output("ex-source", "data"),
        Output("ex-upload-msg", "children"),
        Output("ex-levers", "children"),
        Output("ex-channels", "options"),
        Output("ex-channels", "value"),
        Output("ex-channels-box", "style"),
        Output("ex-days", "value"),
        Input("ex-scenario", "value"),
        Input("ex-upload", "contents"),
        State("ex-upload", "filename"),
        State("lang", "value"),
        prevent_initial_call=True,
    )
    def select(name: Any, contents: Any, filename: Any, lang: Any) -> tuple[Any, ...]:
        with _language_of(lang):  # the new levers' labels in the page's language
            return _outputs(H.select_scenario(ctx, _trigger(), name, contents, filename), names)

    @app.callback(
        Output("ex-upload-text", "children"),
        Input("lang", "value"),
        prevent_initial_call=True,
    )
    def upload_text(lang: Any) -> Any:
        with _language_of(lang):
            return layout_upload_text(ctx)

    @app.callback(
        Output("ex-channels", "options", allow_duplicate=True),
        Input("lang", "value"),
        prevent_initial_call=True,
    )
    def channel_names(lang: Any) -> Any:
        # The checkboxes' names are plain strings (no i18n spans): name them again.
        with _language_of(lang):
            return channel_options()

    outs = ["view", "status", *_EX_DRAWN, "drawn", "region"]

    @app.callback(
        Output("ex-view", "data"),
        Output("ex-status", "children"),
        *[Output(i, prop) for i, prop in _EX_IDS],
        Output("ex-drawn", "data"),
        Output("ex-region", "value"),
        Input("ex-run", "n_clicks"),
        State("token", "data"),
        State("ex-source", "data"),
        State({"type": "lever", "key": ALL}, "id"),
        State({"type": "lever", "key": ALL}, "value"),
        State("ex-channels", "value"),
        State("ex-days", "value"),
        State("ex-reps", "value"),
        State("ex-seed", "value"),
        State("lang", "value"),
        running=_running("ex"),
        prevent_initial_call=True,
    )
    def run(_n: int, token: Any, source: Any, ids: Any, values: Any, *rest: Any) -> tuple[Any, ...]:
        channels, days, reps, seed, lang = rest
        with _language_of(lang):
            result = H.run_explorer(ctx, token, source, ids, values, channels, days, reps, seed)
        return _outputs(result, outs)

    _progress(app, ctx, "ex")

    @app.callback(
        Output("ex-cards", "children", allow_duplicate=True),
        Output("ex-table", "children", allow_duplicate=True),
        Output("ex-region-note", "children", allow_duplicate=True),
        Input("ex-region", "value"),
        State("ex-view", "data"),
        State("lang", "value"),
        prevent_initial_call=True,
    )
    def region(value: Any, view: Any, lang: Any) -> tuple[Any, ...]:
        return _outputs(
            relabel.show_region(ctx, view, _language_of_code(lang), value),
            ["cards", "table", "region_note"],
        )


def _language_of_code(lang: Any) -> str:
    return lang if lang in LANGS else "en"


def _comparison(app: dash.Dash, ctx: AppContext) -> None:
    outs = ["view", "status", *_CMP_DRAWN, "drawn"]

    @app.callback(
        Output("cmp-view", "data"),
        Output("cmp-status", "children"),
        *[Output(i, prop) for i, prop in _CMP_IDS],
        Output("cmp-drawn", "data"),
        Input("cmp-run", "n_clicks"),
        Input("cmp-saved", "value"),
        State("token", "data"),
        State("cmp-baseline", "value"),
        State("cmp-pilots", "value"),
        State("cmp-reps", "value"),
        State("cmp-seed", "value"),
        State("lang", "value"),
        running=_running("cmp"),
        prevent_initial_call=True,
    )
    def compare(_n: int, saved: Any, token: Any, *rest: Any) -> tuple[Any, ...]:
        baseline, pilots, reps, seed, lang = rest
        with _language_of(lang):
            result = H.run_comparison(ctx, token, _trigger(), baseline, pilots, reps, seed, saved)
        return _outputs(result, outs)

    _progress(app, ctx, "cmp")


def _sweep(app: dash.Dash, ctx: AppContext) -> None:
    @app.callback(
        Output("sw-folder", "options"),
        Output("cmp-saved", "options"),
        Input("sw-refresh", "n_clicks"),
        State("lang", "value"),
        prevent_initial_call=True,
    )
    def refresh(_n: int, lang: Any) -> tuple[Any, ...]:
        with _language_of(lang):
            return _outputs(H.folder_options(ctx), ["folders", "saved"])

    names = ["view", "message", "metric_options", "metric", "x_options", "x", "y_options", "y"]

    @app.callback(
        Output("sw-view", "data"),
        Output("sw-msg", "children"),
        Output("sw-metric", "options"),
        Output("sw-metric", "value"),
        Output("sw-x", "options"),
        Output("sw-x", "value"),
        Output("sw-y", "options"),
        Output("sw-y", "value"),
        Input("sw-folder", "value"),
        Input("sw-open", "n_clicks"),
        Input("sw-path", "n_submit"),
        State("sw-path", "value"),
        State("token", "data"),
        State("lang", "value"),
        prevent_initial_call=True,
    )
    def open_(chosen: Any, _n: Any, _s: Any, typed: Any, token: Any, lang: Any) -> tuple[Any, ...]:
        trigger = "sw-open" if _trigger() in ("sw-open", "sw-path") else _trigger()
        with _language_of(lang):  # refusals (a path outside the results) in the page's language
            return _outputs(H.open_folder(ctx, token, trigger, chosen, typed), names)

    @app.callback(
        Output("sw-graphs", "children"),
        Output("sw-table", "children"),
        Output("sw-msg", "children", allow_duplicate=True),
        Input("sw-view", "data"),
        Input("sw-metric", "value"),
        Input("sw-x", "value"),
        Input("sw-y", "value"),
        Input("sw-chart", "value"),
        Input("sw-target", "value"),
        Input("lang", "value"),  # drawn again in the new language
        prevent_initial_call=True,
    )
    def draw(view: Any, metric: Any, x: Any, y: Any, chart: Any, *rest: Any) -> tuple[Any, ...]:
        target, lang = rest
        with _language_of(lang):
            out = H.draw_sweep(ctx, view, metric, x, y, chart, target)
        return _outputs(out, ["graphs", "table", "message"])


def _downloads(app: dash.Dash, ctx: AppContext) -> None:
    for prefix in ("ex", "cmp", "sw"):
        _download(app, ctx, prefix)


def _download(app: dash.Dash, ctx: AppContext, prefix: str) -> None:
    status = "sw-msg" if prefix == "sw" else f"{prefix}-status"

    @app.callback(
        Output(f"{prefix}-download", "data"),
        Output(status, "children", allow_duplicate=True),
        Input(f"{prefix}-dl-html", "n_clicks"),
        Input(f"{prefix}-dl-csv", "n_clicks"),
        State(f"{prefix}-view", "data"),
        State("sw-metric", "value"),
        State("sw-x", "value"),
        State("sw-y", "value"),
        State("lang", "value"),
        prevent_initial_call=True,
    )
    def download(_h: Any, _c: Any, view: Any, *rest: Any) -> tuple[Any, ...]:
        metric, x, y, lang = rest
        what = "html" if _trigger() == f"{prefix}-dl-html" else "csv"
        extra = {"metric": metric, "x": x, "y": y} if prefix == "sw" else None
        with _language_of(lang):
            return _outputs(H.download(ctx, what, view, extra), ["download", "status"])


def _translate_marked(lang: Any, ids: list[dict[str, Any]]) -> list[str]:
    """Return each marked message (its component id's ``msg``) in the page's language."""
    with _language_of(lang):
        return [_(str(i["msg"])) for i in ids]
