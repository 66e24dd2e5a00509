"""The dashboard's "Decisions" tab: open a staffing or allocation folder and read its answer.

The questions themselves run from the command line (``courtsim staffing``, ``courtsim
allocate``: minutes of runs, not a page's request); this tab shows their saved results
from the dashboard's results folder, with the same figure and sentences as the HTML
briefing (:mod:`courtsim.dashboard.decisions`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from dash import Input, Output, State, dcc, html

from courtsim.dashboard.decisions import DECISION_KINDS, figure, load_decision, sentences
from courtsim.dashboard.folders import list_folders
from courtsim.dashboard.handlers import guarded
from courtsim.dashboard.layout import (
    PLACEHOLDERS,
    TAB_LABELS,
    T,
    dropdown_labels,
    folder_option,
    table,
)
from courtsim.dashboard.safety import resolve_under
from courtsim.i18n import LANGS, N_, _, language

if TYPE_CHECKING:
    import dash

    from courtsim.dashboard.context import AppContext


def decision_folders(ctx: AppContext) -> list[dict[str, str]]:
    """Return the dropdown options: results folders holding a decision question."""
    return [
        folder_option(p, kind)
        for p, kind in list_folders(ctx.results_root)
        if kind in DECISION_KINDS
    ]


def decisions_tab(ctx: AppContext) -> dcc.Tab:
    """Return the tab: a folder picker, the answer, its figure and its table."""
    controls = html.Div(
        [
            html.H3(T(N_("Decision question"))),
            dcc.Dropdown(
                id="dq-folder",
                options=decision_folders(ctx),
                placeholder=_(PLACEHOLDERS["dq-folder"]),
                labels=dropdown_labels(),
            ),
            html.Button(T(N_("Refresh list")), id="dq-refresh", className="secondary", n_clicks=0),
            html.P(
                [
                    T(N_("Folders written by these commands, in the results folder:")),
                    " ",
                    html.Code("courtsim staffing --out"),
                    ", ",
                    html.Code("courtsim allocate --out"),
                    "; ",
                    html.Code(str(ctx.results_root)),
                ],
                className="hint",
            ),
        ],
        className="controls",
    )
    results = html.Div(
        [
            html.Div(id="dq-msg"),
            html.Div(id="dq-answer", className="sentences"),
            dcc.Graph(id="dq-graph", config={"displaylogo": False}),
            html.Div(id="dq-table", className="tablebox"),
        ],
        className="results",
    )
    return dcc.Tab(
        id="tab-decisions",
        label=_(TAB_LABELS["decisions"]),
        value="decisions",
        children=html.Div([controls, results], className="row page"),
    )


@guarded("message")
def show_decision(ctx: AppContext, chosen: Any) -> dict[str, Any]:
    """Return the answer, figure and table of the chosen folder.

    Args:
        ctx: The app context.
        chosen: The folder, relative to the results folder.

    Returns:
        ``answer``, ``figure``, ``table`` and ``message`` outputs.
    """
    if not chosen:
        return {}
    view = load_decision(resolve_under(ctx.results_root, str(chosen)))
    return {
        "answer": [html.P(s) for s in sentences(view) if s],
        "figure": figure(view),
        "table": table(view.table.round(4)),
        "message": None,
    }


def register_decision_callbacks(app: dash.Dash, ctx: AppContext) -> None:
    """Register the tab's callbacks.

    Args:
        app: The Dash app.
        ctx: Its server-side state.
    """

    @app.callback(
        Output("dq-folder", "options"),
        Input("dq-refresh", "n_clicks"),
        State("lang", "value"),  # a switch names them again (callbacks.py, menus)
        prevent_initial_call=True,
    )
    def refresh(_n: int, lang: Any) -> list[dict[str, str]]:
        with language(lang if lang in LANGS else "en"):
            return decision_folders(ctx)

    names = ("answer", "figure", "table", "message")

    @app.callback(
        Output("dq-answer", "children"),
        Output("dq-graph", "figure"),
        Output("dq-table", "children"),
        Output("dq-msg", "children"),
        Input("dq-folder", "value"),
        Input("lang", "value"),  # the answer drawn again in the new language
        prevent_initial_call=True,
    )
    def show(chosen: Any, lang: Any) -> tuple[Any, ...]:
        from dash import no_update

        with language(lang if lang in LANGS else "en"):
            out = show_decision(ctx, chosen)
        return tuple(out.get(k, no_update) for k in names)
