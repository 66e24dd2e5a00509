"""The language switch made cheap: each language drawn once, and only what changed sent.

A switch used to send every figure again in full (about 100 KB for the explorer) and the
browser recomputed each one from scratch. Now the outputs of a view are kept per
language (:attr:`AppContext.drawn`, an LRU store), so each language is drawn at most once,
and each figure goes to the page as a :class:`dash.Patch` of the texts that differ from
the language the page shows (titles, axis titles, trace names, hover templates, number
separators). The data arrays are never sent again: in the browser they keep their
identity, so plotly.js relabels the charts instead of recomputing them. Cards and tables
are small (one Markdown table each) and are sent whole.
"""

from __future__ import annotations

import json
import logging
import threading
from typing import Any

import plotly.graph_objects as go
import plotly.io as pio
from dash import Patch

from courtsim.dashboard.context import AppContext
from courtsim.errors import CourtsimError
from courtsim.i18n import LANGS, check_language, language

log = logging.getLogger("courtsim.dashboard")
Outputs = dict[str, Any]
#: Marks a key that the new figure no longer has.
DELETE = object()
#: Outputs of each tab that are figures (sent as patches when the page's figure is known).
FIGURE_OUTPUTS = {
    "ex": ("pending", "ttd", "channels_fig", "util", "regions"),
    "cmp": ("diff", "pending", "channels", "util"),
}


def plain(fig: Any) -> Any:
    """Return a figure as plain JSON data (dicts, lists, numbers, strings)."""
    if isinstance(fig, go.Figure):
        return json.loads(pio.to_json(fig, validate=False))
    return fig


def delta(old: Any, new: Any, path: tuple[Any, ...] = ()) -> list[tuple[tuple[Any, ...], Any]]:
    """Return the edits that turn ``old`` into ``new``: ``(path, new value or DELETE)``.

    Mappings are compared key by key and lists of mappings (plotly's traces, annotations)
    item by item when their lengths agree; any other list is one value, replaced whole
    when it differs, so an unchanged data array is never part of an edit.

    Args:
        old: Plain JSON data (the figure the page shows).
        new: Plain JSON data (the figure in the new language).
        path: Where ``old`` and ``new`` sit (for the recursion).

    Returns:
        The edits, in document order; empty when the two are equal.
    """
    if isinstance(old, dict) and isinstance(new, dict):
        out: list[tuple[tuple[Any, ...], Any]] = []
        for k, v in new.items():
            if k not in old:
                out.append(((*path, k), v))
            elif old[k] != v:
                out.extend(delta(old[k], v, (*path, k)))
        out.extend(((*path, k), DELETE) for k in old if k not in new)
        return out
    if (
        isinstance(old, list)
        and isinstance(new, list)
        and len(old) == len(new)
        and any(isinstance(v, dict) for v in new)
    ):
        return [
            e
            for i, (a, b) in enumerate(zip(old, new, strict=True))
            for e in delta(a, b, (*path, i))
        ]
    return [] if old == new else [(path, new)]


def apply_delta(data: Any, edits: list[tuple[tuple[Any, ...], Any]]) -> Any:
    """Return ``data`` with edits applied (a copy; what the browser does with a patch)."""
    data = json.loads(json.dumps(data))
    for path, value in edits:
        if not path:
            data = value
        else:
            _set_path(data, path, value)
    return data


def as_patch(edits: list[tuple[tuple[Any, ...], Any]]) -> Patch:
    """Return the edits as a :class:`dash.Patch` of a figure."""
    patch = Patch()
    for path, value in edits:
        _set_path(patch, path, value)
    return patch


def _set_path(root: Any, path: tuple[Any, ...], value: Any) -> None:
    # The same walk for plain data and for a Patch (which records it for the browser).
    node = root
    for part in path[:-1]:
        node = node[part]
    if value is DELETE:
        del node[path[-1]]
    else:
        node[path[-1]] = value


def remember(ctx: AppContext, view: str, lang: str, outputs: Outputs, prefix: str) -> None:
    """Keep the outputs a view was drawn with in a language (figures as plain data)."""
    figs = FIGURE_OUTPUTS[prefix]
    kept = {
        k: (plain(v) if k in figs else v) for k, v in outputs.items() if k not in ("view", "status")
    }
    ctx.drawn.put(f"{view}|{lang}", kept)


def _draw(ctx: AppContext, view: str, lang: str, prefix: str) -> Outputs | None:
    from courtsim.dashboard.folders import to_bundle
    from courtsim.dashboard.handlers import draw_comparison, draw_replications

    try:
        stored = ctx.views.get(view, "view")
    except CourtsimError:  # expired: the next run draws in the new language
        return None
    with language(lang):
        drawn = draw_replications(stored) if prefix == "ex" else draw_comparison(to_bundle(stored))
    remember(ctx, view, lang, drawn, prefix)
    return _drawn(ctx, view, lang)


def draw_ahead(ctx: AppContext, view: str, prefix: str) -> threading.Thread:
    """Draw a new view in the other languages in the background, for a quick first switch.

    Args:
        ctx: The app's state.
        view: The view just drawn (its own language is already remembered).
        prefix: ``ex`` or ``cmp``.

    Returns:
        The (daemon) thread, started.
    """

    def work() -> None:
        for lang in LANGS:
            if _drawn(ctx, view, lang) is None:
                try:
                    _draw(ctx, view, lang, prefix)
                except Exception:  # the switch then draws it itself
                    log.exception("drawing %s in %s ahead failed", view, lang)

    thread = threading.Thread(target=work, name="courtsim-draw-ahead", daemon=True)
    thread.start()
    return thread


def _drawn(ctx: AppContext, view: str, lang: str) -> Outputs | None:
    try:
        return ctx.drawn.get(f"{view}|{lang}", "drawing")
    except CourtsimError:
        return None


def redraw(
    ctx: AppContext, view: Any, lang: Any, prefix: str, shown: Any = None, region: Any = None
) -> Outputs:
    """Draw the explorer's or the comparison's current results in another language.

    Nothing is run again, and nothing is read again: the results are the page's stored
    view, and a language the view was drawn in before is not drawn again.

    Args:
        ctx: The app's state.
        view: The view id the page holds (None before any run).
        lang: ``en``, ``ru`` or ``kk``.
        prefix: ``ex`` (explorer) or ``cmp`` (comparison).
        shown: The language the page's figures are drawn in (its ``<prefix>-drawn`` store);
            their patches are computed against that drawing when the server still has it.
        region: The explorer's region selector (one region's cards and table stay).

    Returns:
        The tab's outputs and ``drawn`` = ``lang`` (before any run, its empty charts);
        figures are :class:`dash.Patch` edits when the page's drawing is known.
    """
    from courtsim.dashboard.layout import hint_figures

    lang = check_language(lang, "language switch")
    if not view or not isinstance(view, str):
        with language(lang):  # nothing run yet: the empty charts say what to do
            return {**hint_figures(prefix), "drawn": lang}
    new = _drawn(ctx, view, lang) or _draw(ctx, view, lang, prefix)
    if new is None:
        return {}
    old = _drawn(ctx, view, shown) if isinstance(shown, str) and shown != lang else None
    out: Outputs = {"drawn": lang, "status": _status(ctx, view, lang)}
    for key, value in new.items():
        if key in FIGURE_OUTPUTS[prefix] and old is not None and key in old:
            out[key] = as_patch(delta(old[key], value))
        else:
            out[key] = value
    if prefix == "ex" and region is not None:
        out.update(show_region(ctx, view, lang, region))
    return out


def _status(ctx: AppContext, view: str, lang: str) -> Any:
    from courtsim.dashboard.handlers import run_status

    try:
        stored = ctx.views.get(view, "view")
    except CourtsimError:
        return None
    with language(lang):
        return run_status(view, stored)


def show_region(ctx: AppContext, view: Any, lang: str, region: Any) -> Outputs:
    """Return the explorer's cards, table and note for one region or all, in a language.

    Args:
        ctx: The app's state.
        view: The explorer's view id.
        lang: The page's language.
        region: The selector's value (``all`` or a region).

    Returns:
        ``cards``, ``table`` and ``region_note`` (nothing when the view is gone).
    """
    from courtsim.dashboard.explorer_regions import region_view

    if not view or not isinstance(view, str):
        return {}
    try:
        stored = ctx.views.get(view, "view")
    except CourtsimError:
        return {}
    with language(check_language(lang, "language switch")):
        one = region_view(stored, region)
    if one is not None:
        return one
    whole = _drawn(ctx, view, lang) or _draw(ctx, view, lang, "ex") or {}
    return {k: whole[k] for k in ("cards", "table", "region_note") if k in whole}
