"""The dashboard's page: three tabs (explorer, pilot comparison, sweep viewer) and their parts.

Builders here return Dash components and do no work of their own: the levers come from
:func:`courtsim.dashboard.levers.levers_for`, cards and tables from result tables.
"""

from __future__ import annotations

import itertools
import math
import re
import uuid
from typing import Any

import pandas as pd
import plotly.graph_objects as go
from dash import dcc, html

from courtsim.dashboard.context import AppContext
from courtsim.dashboard.folders import list_folders
from courtsim.dashboard.labels import CARD_KPIS, SETTLEMENT_CHANNELS, clip_interval, measure
from courtsim.dashboard.levers import (
    CHANNEL_NAMES,
    NOT_BARGAINING,
    Lever,
    channel_types,
    channels_on,
    field_bounds,
    levers_for,
)
from courtsim.dashboard.tables import display_cell, display_frame
from courtsim.i18n import LANGS, N_, _, current
from courtsim.schema.scenario import Scenario

_GRAPH_CONFIG = {"displaylogo": False}
#: Tab labels, by tab value (translated where the page is drawn).
TAB_LABELS: dict[str, str] = {
    "explorer": N_("Scenario explorer"),
    "comparison": N_("Pilot comparison"),
    "sweep": N_("Sweep viewer"),
    "decisions": N_("Decisions"),
    "robustness": N_("Robustness"),
}
#: The page's title and subtitle.
HEADER = (
    N_("courtsim: civil caseload briefing"),
    N_(
        "Simulated civil cases in Kazakhstan's first-instance courts, before and with the "
        "Supreme Court's reconciliation pilots."
    ),
)
#: Largest file the browser sends (base64 adds a third; the server reads at most 2 MB).
UPLOAD_SEND_BYTES = 1_400_000


_TEXT_IDS = itertools.count()


def T(message: str) -> html.Span:
    """Return a fixed text of the page, translated now and again on a language switch.

    Args:
        message: The English text (a catalog message).

    Returns:
        A span the language switch's callback finds by its ``i18n`` id.
    """
    return html.Span(_(message), id={"type": "i18n", "msg": message, "n": next(_TEXT_IDS)})


def placeholder_figure(text: str) -> go.Figure:
    """Return an empty figure that says what to do to fill it.

    Args:
        text: The instruction.

    Returns:
        A blank figure with the text in its middle.
    """
    fig = go.Figure()
    fig.update_layout(
        height=300,
        xaxis={"visible": False},
        yaxis={"visible": False},
        plot_bgcolor="white",
        paper_bgcolor="white",
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
    )
    fig.add_annotation(
        text=text, showarrow=False, x=0.5, y=0.5, xref="paper", yref="paper",
        font={"size": 14, "color": "#5f6b77"},
    )  # fmt: skip
    return fig


def message(text: str, kind: str = "error") -> html.Div:
    """Return a message box (``error``, ``info`` or ``ok``).

    Args:
        text: The message.
        kind: Its kind (sets the colour).

    Returns:
        The component.
    """
    return html.Div(text, className=f"msg {kind}", role="alert" if kind == "error" else "status")


#: What the empty charts of the explorer and the comparison say before a run, by output.
HINTS: dict[str, dict[str, str]] = {
    "ex": {
        "pending": N_("Choose a scenario and press Run"),
        "ttd": N_("Time to disposition appears here"),
        "channels_fig": N_("Reconciliation by channel appears here"),
        "util": N_("Utilisation of judges and mediators appears here"),
    },
    "cmp": {
        "diff": N_("Press Compare to see each pilot against the baseline"),
        "pending": N_("Pending cases of each scenario appear here"),
        "channels": N_("Reconciliation by channel appears here"),
        "util": N_("Utilisation appears here"),
    },
}


def hint_figures(prefix: str) -> dict[str, go.Figure]:
    """Return the empty charts of a tab (``ex`` or ``cmp``), in the language in force."""
    return {k: placeholder_figure(_(h)) for k, h in HINTS[prefix].items()}


def _graph(id_: str, hint: str) -> html.Div:
    return html.Div(
        dcc.Graph(id=id_, figure=placeholder_figure(_(hint)), config=_GRAPH_CONFIG),
        className="figbox",
    )


def lever_controls(levers: list[Lever]) -> list[Any]:
    """Return one labelled slider or number box per lever.

    Args:
        levers: From :func:`courtsim.dashboard.levers.levers_for`.

    Returns:
        Components whose ids are ``{"type": "lever", "key": <lever key>}``.
    """
    out: list[Any] = []
    noted = False
    for lv in levers:
        id_ = {"type": "lever", "key": lv.key}
        value: float | int = int(lv.value) if lv.kind == "int" else lv.value
        if lv.disabled and not noted:
            out.append(html.Div(T(NOT_BARGAINING), className="hint lever-note"))
            noted = True
        if lv.control == "slider" and lv.minimum is not None and lv.maximum is not None:
            marks = {v: f"{v:g}" for v in (lv.minimum, lv.maximum)}
            control: Any = dcc.Slider(
                id=id_, min=lv.minimum, max=lv.maximum, step=lv.step, value=value, marks=marks,
                tooltip={"placement": "bottom", "always_visible": False},
                updatemode="mouseup", disabled=lv.disabled,
            )  # fmt: skip
        else:
            # "any": a browser marks a value off the step grid (10,500 with step 1,000) invalid.
            control = dcc.Input(
                id=id_, type="number", value=value, debounce=True,
                step=1 if lv.kind == "int" else "any", disabled=lv.disabled,
                min=lv.minimum, max=lv.maximum, inputMode="numeric" if lv.kind == "int" else "decimal",
            )  # fmt: skip
        # The tooltip is the title of the lever's box: a catalog message, translated now and
        # again on a language switch (the i18n-title callback finds it by its id).
        tip = lv.tooltip or lv.help
        box_id = {"type": "i18n-title", "msg": tip, "n": next(_TEXT_IDS)}
        out.append(
            html.Div(
                # each part a catalog message the language switch re-renders (T)
                [html.Label(_label_parts(lv.parts or (lv.label,))), control],
                className="lever disabled" if lv.disabled else "lever",
                title=_(tip) if lv.tooltip else tip,
                id=box_id,
            )
        )
    return out


def _label_parts(parts: tuple[str, ...]) -> list[Any]:
    out: list[Any] = []
    for i, p in enumerate(parts):
        out.extend([": "] if i else [])
        out.append(T(p))
    return out


def channel_options() -> list[dict[str, str]]:
    """Return the reconciliation channels' checkboxes, named in the language in force."""
    return [{"label": _(CHANNEL_NAMES.get(k, k)), "value": k} for k in channel_types()]


def lever_panel(sc: Scenario) -> tuple[list[Any], list[dict[str, str]], list[str], dict]:
    """Return the levers, the channel options and values, and the channel box's style.

    Args:
        sc: The scenario the levers start from.

    Returns:
        ``(lever components, channel options, channels on, style of the channel box)``.
    """
    options = channel_options()
    style = {} if options else {"display": "none"}
    return lever_controls(levers_for(sc)), options, channels_on(sc), style


def _fmt(m: Any, v: float) -> str:
    return m.format(v).removesuffix(m.unit_label).strip()


def kpi_cards(summary: pd.DataFrame, scenario: str | None = None) -> list[html.Div]:
    """Return the KPI cards of one scenario: mean, unit and 95% CI.

    Args:
        summary: KPI summary (``[scenario,] metric, mean[, ci_low, ci_high]``).
        scenario: Which scenario's KPIs (default: the first).

    Returns:
        One card per KPI in :data:`~courtsim.dashboard.labels.CARD_KPIS` the results hold;
        the reconciliation card lists the channels.
    """
    df = summary
    if "scenario" in df:
        scenario = scenario or str(df["scenario"].iloc[0])
        df = df[df["scenario"] == scenario]
    rows = {str(r["metric"]): r for _, r in df.iterrows()}
    keys = [k for k in CARD_KPIS if k in rows]
    if "reconciliation_share_incl_pre_court" not in rows and "share_settled" in rows:
        keys.insert(min(4, len(keys)), "share_settled")
    cards = []
    for key in keys:
        m, r = measure(key), rows[key]
        value = float(r["mean"])
        parts: list[Any] = [
            html.Div(m.text, className="card-label"),
            html.Div(
                [_fmt(m, value), html.Span(f" {m.unit_label}", className="card-ci")],
                className="card-value",
                id=f"card-{key}",
            ),
        ]
        lo, hi = r.get("ci_low", math.nan), r.get("ci_high", math.nan)
        if isinstance(lo, float) and not math.isnan(lo):
            low, high = clip_interval(key, lo, hi)
            ci = _("{low} to {high}").format(low=_fmt(m, low), high=_fmt(m, high))
            parts.append(html.Div(f"{_('95% CI')} {ci}", className="card-ci"))
        if key in ("reconciliation_share_incl_pre_court", "share_settled"):
            detail = [
                f"{measure(c).text}: {_fmt(measure(c), float(rows[c]['mean']))}%"
                for c in SETTLEMENT_CHANNELS
                if c in rows and float(rows[c]["mean"]) > 0
            ]
            parts.extend(html.Div(d, className="card-detail") for d in detail)
        cards.append(html.Div(parts, className="card"))
    return cards


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+\-.!|~])")


def _md_cell(text: str) -> str:
    # every Markdown punctuation escaped: a cell reads as written ("ci_low", "a | b")
    return _MD_SPECIAL.sub(r"\\\1", " ".join(text.split())) or " "


def table(df: pd.DataFrame, max_rows: int = 100) -> dcc.Markdown:
    """Return a plain table of a frame (first ``max_rows`` rows).

    The table is one Markdown component (a GitHub-style pipe table), not one Dash
    component per cell: the page draws it again on a language switch, and a few hundred
    cell components cost the browser far more than one (docs/dashboard.md, Performance).

    Args:
        df: The frame.
        max_rows: Rows shown.

    Returns:
        The table (class ``kpis``).
    """
    df = display_frame(df)  # stored names and codes as a reader calls them
    cols = [_md_cell(str(c)) for c in df.columns] or [" "]
    lines = [
        "| " + " | ".join(cols) + " |",
        "|" + "|".join([":---"] + ["---:"] * (len(cols) - 1)) + "|",
    ]
    for row in df.head(max_rows).itertuples(False):
        lines.append("| " + " | ".join(_md_cell(display_cell(v)) for v in row) + " |")
    return dcc.Markdown("\n".join(lines), className="kpis")


def _downloads(prefix: str) -> html.Div:
    return html.Div(
        [
            html.Button(
                T(N_("Download briefing (HTML)")), id=f"{prefix}-dl-html", className="secondary"
            ),
            html.Button(
                T(N_("Download tables (CSV)")), id=f"{prefix}-dl-csv", className="secondary"
            ),
            dcc.Download(id=f"{prefix}-download"),
        ]
    )


def _number(id_: str, label: str, value: int, lo: int, hi: int | None = None) -> html.Div:
    return html.Div(
        [
            html.Label(T(label), htmlFor=id_),
            dcc.Input(id=id_, type="number", value=value, min=lo, max=hi, step=1, debounce=True),
        ],
        className="field",
    )


def _bounds(key: str) -> tuple[int, int | None]:
    lo, hi = field_bounds(key)  # the schema's, not the dashboard's
    return int(lo or 0), int(hi) if hi is not None else None


def _run_block(prefix: str, label: str) -> list[Any]:
    return [
        html.Button(T(label), id=f"{prefix}-run", className="primary", n_clicks=0),
        html.Div(
            [
                html.Progress(id=f"{prefix}-progress", value="0", max="1"),
                html.Div(id=f"{prefix}-progress-text", className="status"),
            ],
            id=f"{prefix}-progress-box",
            style={"display": "none"},
        ),
        html.Div(id=f"{prefix}-status", className="status"),
        dcc.Interval(id=f"{prefix}-interval", interval=250, disabled=True),
        dcc.Store(id=f"{prefix}-view"),
        dcc.Store(id=f"{prefix}-drawn"),  # the language the tab's results are drawn in
    ]


def upload_text(ctx: AppContext) -> str:
    """Return the upload box's text, in the language in force."""
    return _("or drop / choose a scenario YAML file (at most {kb} KB)").format(
        kb=ctx.limits.max_upload_bytes // 1024
    )


def explorer_tab(ctx: AppContext) -> dcc.Tab:
    """Return the scenario explorer: scenario, levers, replications, KPI cards and figures."""
    names = list(ctx.scenarios)
    first = ctx.scenarios[names[0]] if names else None
    levers, ch_options, ch_values, ch_style = (
        lever_panel(first) if first else ([], [], [], {"display": "none"})
    )
    horizon = first.horizon_days if first else 365
    controls = html.Div(
        [
            html.H3(T(N_("Scenario"))),
            dcc.Dropdown(
                id="ex-scenario",
                options=[{"label": n, "value": n} for n in names],
                value=names[0] if names else None,
                clearable=False,
                labels=dropdown_labels(),
            ),
            dcc.Upload(
                id="ex-upload",
                children=html.Div(upload_text(ctx), id="ex-upload-text"),
                className="upload",
                multiple=False,
                # The server checks the size and says why it refuses a file; the browser
                # drops (silently) only files too large to send at all.
                max_size=UPLOAD_SEND_BYTES,
            ),
            html.Div(id="ex-upload-msg"),
            dcc.Store(id="ex-source", data={"shipped": names[0]} if names else None),
            html.H3(T(N_("Levers"))),
            html.Div(levers, id="ex-levers"),
            html.Div(
                [
                    html.Label(T(N_("Reconciliation channels switched on"))),
                    dcc.Checklist(
                        id="ex-channels",
                        options=ch_options,
                        value=ch_values,
                        labelStyle={"display": "block", "fontSize": "13px"},
                        inputStyle={"marginRight": "6px"},
                    ),
                ],
                id="ex-channels-box",
                className="field",
                style=ch_style,
            ),
            html.H3(T(N_("Run"))),
            html.Div(
                [
                    _number("ex-days", N_("Days"), horizon, *_bounds("horizon_days")),
                    _number("ex-reps", N_("Replications"), 10, 1, ctx.limits.max_replications),
                    _number("ex-seed", N_("Seed"), 1, 0),
                ],
                className="inline",
            ),
            *_run_block("ex", N_("Run")),
        ],
        className="controls",
    )
    results = html.Div(
        [
            html.Div(
                [
                    html.Label(T(N_("Region")), htmlFor="ex-region"),
                    dcc.Dropdown(
                        id="ex-region",
                        options=[],
                        value="all",
                        clearable=False,
                        labels=dropdown_labels(),
                    ),
                ],
                id="ex-region-box",
                className="field region-box",
                style={"display": "none"},
            ),
            html.Div(id="ex-region-note"),
            html.Div(id="ex-cards", className="cards"),
            html.Div(
                [
                    *[_graph(f"ex-{k.replace('_', '-')}", h) for k, h in HINTS["ex"].items()],
                ],
                className="figgrid",
            ),
            # The tile map of the regions: shown after a run of a scenario of regions.
            html.Div(
                dcc.Graph(id="ex-regions", figure=placeholder_figure(""), config=_GRAPH_CONFIG),
                id="ex-regions-box",
                className="figure",
                style={"display": "none"},
            ),
            html.Div(id="ex-table", className="tablebox"),
            _downloads("ex"),
        ],
        className="results",
    )
    return dcc.Tab(
        id="tab-explorer",
        label=_(TAB_LABELS["explorer"]),
        value="explorer",
        children=html.Div([controls, results], className="row page"),
    )


def comparison_tab(ctx: AppContext) -> dcc.Tab:
    """Return the pilot comparison: baseline and pilots, run live or opened from results."""
    names = list(ctx.scenarios)
    base = "baseline" if "baseline" in names else (names[0] if names else None)
    # Offer the pilots of the baseline's court system: scenarios of the same size that
    # switch a reconciliation channel on (a national scenario is not a pilot of a region).
    size = ctx.scenarios[base].filings.per_year if base else None
    pilots = [
        n
        for n in names
        if n != base and channels_on(ctx.scenarios[n]) and ctx.scenarios[n].filings.per_year == size
    ]
    saved = [p for p, kind in list_folders(ctx.results_root) if kind == "compare"]
    controls = html.Div(
        [
            html.H3(T(N_("Baseline"))),
            dcc.Dropdown(
                id="cmp-baseline",
                options=names,
                value=base,
                clearable=False,
                labels=dropdown_labels(),
            ),
            html.H3(T(N_("Pilots"))),
            dcc.Dropdown(
                id="cmp-pilots", options=names, value=pilots, multi=True, labels=dropdown_labels()
            ),
            html.Div(
                [
                    _number("cmp-reps", N_("Replications"), 5, 1, ctx.limits.max_replications),
                    _number("cmp-seed", N_("Seed"), 1, 0),
                ],
                className="inline",
            ),
            *_run_block("cmp", N_("Compare")),
            html.H3(T(N_("Or open a saved comparison"))),
            dcc.Dropdown(
                id="cmp-saved",
                options=saved,
                placeholder=_(PLACEHOLDERS["cmp-saved"]),
                labels=dropdown_labels(),
            ),
        ],
        className="controls",
    )
    results = html.Div(
        [
            html.Div(id="cmp-sentences", className="tablebox"),
            html.Div(
                _graph("cmp-diff", HINTS["cmp"]["diff"]),
                style={"marginBottom": "10px"},
            ),
            html.Div(
                [
                    *[_graph(f"cmp-{k}", HINTS["cmp"][k]) for k in ("pending", "channels", "util")],
                ],
                className="figgrid",
            ),
            html.Div(id="cmp-table", className="tablebox"),
            _downloads("cmp"),
        ],
        className="results",
    )
    return dcc.Tab(
        id="tab-comparison",
        label=_(TAB_LABELS["comparison"]),
        value="compare",
        children=html.Div([controls, results], className="row page"),
    )


#: What each kind of results folder is called in the folder lists ("sweep1 (sweep)").
KIND_NAMES: dict[str, str] = {
    "run": N_("run"),
    "replicate": N_("replicate"),
    "compare": N_("compare"),
    "sweep": N_("sweep"),
    "sensitivity": N_("sensitivity"),
    "target": N_("target"),
    "allocate": N_("allocate"),
    "robustness": N_("robustness"),
    "projection": N_("projection"),
    "unreadable": N_("unreadable"),
}
#: Placeholders of the page's dropdowns, by component id (translated on a language switch).
PLACEHOLDERS: dict[str, str] = {
    "sw-folder": N_("choose a folder"),
    "dq-folder": N_("choose a folder"),
    "cmp-saved": N_("results folder"),
}
#: Every dropdown of the page, whose own texts ("Clear selection") follow the language.
DROPDOWNS = ("ex-scenario", "ex-region", "cmp-baseline", "cmp-pilots", "cmp-saved", "sw-folder",
             "sw-metric", "sw-x", "sw-y", "dq-folder")  # fmt: skip


def folder_option(path: str, kind: str) -> dict[str, str]:
    """Return a results folder as a dropdown option, its kind named in the language in force."""
    return {"label": f"{path} ({_(KIND_NAMES.get(kind, kind))})", "value": path}


def dropdown_labels() -> dict[str, str]:
    """Return the texts Dash's dropdowns draw themselves, in the language in force."""
    return {
        "select_all": _("Select all"),
        "deselect_all": _("Deselect all"),
        "selected_count": _("{num_selected} selected"),
        "search": _("Search"),
        "clear_search": _("Clear search"),
        "clear_selection": _("Clear selection"),
        "no_options_found": _("No options found"),
    }


def chart_options() -> list[dict[str, str]]:
    """Return the sweep viewer's chart kinds, named in the language in force."""
    return [
        {"label": " " + _("lines"), "value": "line"},
        {"label": " " + _("heatmap"), "value": "heatmap"},
    ]


#: What the sweep viewer's empty chart says before a folder is opened.
SWEEP_HINT = N_("Open a sweep or sensitivity folder")


def sweep_tab(ctx: AppContext) -> dcc.Tab:
    """Return the sweep viewer: open a results folder, pick a KPI and factors."""
    folders = [folder_option(p, kind) for p, kind in list_folders(ctx.results_root)]
    controls = html.Div(
        [
            html.H3(T(N_("Results folder"))),
            dcc.Dropdown(
                id="sw-folder",
                options=folders,
                placeholder=_(PLACEHOLDERS["sw-folder"]),
                labels=dropdown_labels(),
            ),
            html.Div(
                [
                    html.Label(
                        T(N_("or type a path inside the results folder")), htmlFor="sw-path"
                    ),
                    dcc.Input(id="sw-path", type="text", placeholder="sweeps/staffing"),
                ],
                className="field",
            ),
            html.Button(T(N_("Open")), id="sw-open", className="secondary", n_clicks=0),
            html.Button(T(N_("Refresh list")), id="sw-refresh", className="secondary", n_clicks=0),
            html.Div(id="sw-msg"),
            dcc.Store(id="sw-view"),
            html.H3(T(N_("Show"))),
            html.Div(
                [html.Label(T(N_("KPI"))), dcc.Dropdown(id="sw-metric", labels=dropdown_labels())],
                className="field",
            ),
            html.Div(
                [html.Label(T(N_("x axis"))), dcc.Dropdown(id="sw-x", labels=dropdown_labels())],
                className="field",
            ),
            html.Div(
                [
                    html.Label(T(N_("second factor (optional)"))),
                    dcc.Dropdown(id="sw-y", labels=dropdown_labels()),
                ],
                className="field",
            ),
            html.Div(
                [
                    html.Label(T(N_("target line (optional)")), htmlFor="sw-target"),
                    dcc.Input(
                        id="sw-target", type="text", debounce=True, placeholder="ttd_mean_days<=60"
                    ),
                ],
                className="field",
            ),
            dcc.RadioItems(id="sw-chart", options=chart_options(), value="line", inline=True),
            html.P(
                [T(N_("Results folder:")), " ", html.Code(str(ctx.results_root))], className="hint"
            ),
        ],
        className="controls",
    )
    results = html.Div(
        [
            html.Div(_graph("sw-graph", SWEEP_HINT), id="sw-graphs"),
            html.Div(id="sw-table", className="tablebox"),
            _downloads("sw"),
        ],
        className="results",
    )
    return dcc.Tab(
        id="tab-sweep",
        label=_(TAB_LABELS["sweep"]),
        value="sweep",
        children=html.Div([controls, results], className="row page"),
    )


def build_layout(ctx: AppContext) -> html.Div:
    """Return the whole page (called on every page load: each gets its own token)."""
    from courtsim.dashboard.decisions_tab import decisions_tab  # it imports the handlers
    from courtsim.dashboard.robustness_tab import robustness_tab

    return html.Div(
        [
            html.Div(
                [
                    html.Div(
                        [
                            html.Span(_("Language"), id="lang-label"),
                            dcc.RadioItems(
                                id="lang",
                                options=[{"label": n, "value": k} for k, n in LANGS.items()],
                                value=current(),
                                inline=True,
                            ),
                        ],
                        className="lang-switch",
                        style={"display": "flex", "gap": "8px", "justifyContent": "flex-end"},
                    ),
                    html.H1(_(HEADER[0]), id="header-title"),
                    html.P(_(HEADER[1]), id="header-sub"),
                ],
                className="header",
            ),
            dcc.Store(id="token", data=uuid.uuid4().hex),
            dcc.Tabs(
                id="tabs",
                value="explorer",
                children=[
                    explorer_tab(ctx),
                    comparison_tab(ctx),
                    sweep_tab(ctx),
                    decisions_tab(ctx),
                    robustness_tab(ctx),
                ],
            ),
        ]
    )
