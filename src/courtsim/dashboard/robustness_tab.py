"""The dashboard's "Robustness" tab: open a ``courtsim robustness`` folder and read its table.

The experiment runs from the command line (hundreds of runs, not a page's request); this
tab shows a saved folder from the dashboard's results folder with the figure, sentences
and table of the HTML briefing (:mod:`courtsim.dashboard.robustness`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from dash import Input, Output, dcc, html, no_update

from courtsim.dashboard.folders import list_folders
from courtsim.dashboard.handlers import guarded
from courtsim.dashboard.layout import TAB_LABELS, T, table
from courtsim.dashboard.robustness import (
    KIND,
    display_table,
    effect_figure,
    load_robustness_view,
)
from courtsim.dashboard.safety import resolve_under
from courtsim.i18n import N_, _

if TYPE_CHECKING:
    import dash

    from courtsim.dashboard.context import AppContext


def robustness_folders(ctx: AppContext) -> list[dict[str, str]]:
    """Return the dropdown options: results folders holding a robustness experiment."""
    return [{"label": p, "value": p} for p, kind in list_folders(ctx.results_root) if kind == KIND]


def robustness_tab(ctx: AppContext) -> dcc.Tab:
    """Return the tab: a folder and KPI picker, the sentences, the figure and the table."""
    controls = html.Div(
        [
            html.H3(T(N_("Plausible worlds"))),
            dcc.Dropdown(id="rb-folder", options=robustness_folders(ctx)),
            html.Button(T(N_("Refresh list")), id="rb-refresh", className="secondary", n_clicks=0),
            dcc.Dropdown(id="rb-kpi", options=[], clearable=False),
            html.P(
                f"courtsim robustness EXPERIMENT.yaml --out {ctx.results_root}/NAME",
                className="hint",
            ),
        ],
        className="controls",
    )
    results = html.Div(
        [
            html.Div(id="rb-msg"),
            html.Div(id="rb-sentences", className="sentences"),
            dcc.Graph(id="rb-graph", config={"displaylogo": False}),
            html.Div(id="rb-table", className="tablebox"),
        ],
        className="results",
    )
    return dcc.Tab(
        id="tab-robustness",
        label=_(TAB_LABELS["robustness"]),
        value="robustness",
        children=html.Div([controls, results], className="row page"),
    )


@guarded("message")
def show_robustness(ctx: AppContext, chosen: Any, metric: Any) -> dict[str, Any]:
    """Return the sentences, figure, table and KPI menu of the chosen folder.

    Args:
        ctx: The app context.
        chosen: The folder, relative to the results folder.
        metric: The KPI drawn (None: the first of the table).

    Returns:
        ``sentences``, ``figure``, ``table``, ``kpis``, ``kpi`` and ``message`` outputs.
    """
    if not chosen:
        return {}
    view = load_robustness_view(resolve_under(ctx.results_root, str(chosen)))
    metrics = view.metrics
    kpi = metric if metric in metrics else metrics[0]
    rows = view.table[view.table["metric"] == kpi]
    return {
        "sentences": [html.P(s) for s in rows["sentence"]],
        "figure": effect_figure(view, kpi),
        "table": table(display_table(view)),
        "kpis": [{"label": m, "value": m} for m in metrics],
        "kpi": kpi,
        "message": None,
    }


def register_robustness_callbacks(app: dash.Dash, ctx: AppContext) -> None:
    """Register the tab's callbacks.

    Args:
        app: The Dash app.
        ctx: Its server-side state.
    """

    @app.callback(
        Output("rb-folder", "options"),
        Input("rb-refresh", "n_clicks"),
        prevent_initial_call=True,
    )
    def refresh(_n: int) -> list[dict[str, str]]:
        return robustness_folders(ctx)

    names = ("sentences", "figure", "table", "kpis", "kpi", "message")

    @app.callback(
        Output("rb-sentences", "children"),
        Output("rb-graph", "figure"),
        Output("rb-table", "children"),
        Output("rb-kpi", "options"),
        Output("rb-kpi", "value"),
        Output("rb-msg", "children"),
        Input("rb-folder", "value"),
        Input("rb-kpi", "value"),
        prevent_initial_call=True,
    )
    def show(chosen: Any, metric: Any) -> tuple[Any, ...]:
        out = show_robustness(ctx, chosen, metric)
        return tuple(out.get(k, no_update) for k in names)
