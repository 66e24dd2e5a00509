"""The language switch sends only what changed: patches of the figures' texts, never their data."""

from __future__ import annotations

import json

import pytest
from dash import Patch

from courtsim.dashboard import relabel
from courtsim.dashboard.context import AppContext
from courtsim.dashboard.handlers import draw_replications
from courtsim.dashboard.live import LiveRunner
from courtsim.i18n import language


@pytest.fixture
def ctx(tmp_path):
    return AppContext(results_root=tmp_path, scenarios={}, runner=LiveRunner(workers=0))


def _drawn(reps, lang):
    with language(lang):
        return draw_replications(reps)


def _arrays(fig):
    """Every data array of a figure's traces (x, y, customdata...), by trace and key."""
    return {
        (i, k): v for i, t in enumerate(fig["data"]) for k, v in t.items() if isinstance(v, list)
    }


@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_the_patch_turns_the_english_figure_into_the_translated_one(tiny_reps, lang):
    en, other = _drawn(tiny_reps, "en"), _drawn(tiny_reps, lang)
    for key in relabel.FIGURE_OUTPUTS["ex"]:
        old, new = relabel.plain(en[key]), relabel.plain(other[key])
        edits = relabel.delta(old, new)
        assert relabel.apply_delta(old, edits) == new, key
        # numbers are not sent again: no edit touches a numeric data array
        for path, value in edits:
            if path[0] == "data" and isinstance(value, list):
                assert all(isinstance(v, str) for v in value), (key, path)
    pending = relabel.delta(relabel.plain(en["pending"]), relabel.plain(other["pending"]))
    paths = {p for p, _v in pending}
    assert ("layout", "title", "text") in paths
    assert ("layout", "separators") in paths  # decimal commas
    assert not [p for p in paths if p[-1] in ("x", "y")], paths


def test_delta_deletes_keys_and_replaces_lists_of_other_lengths():
    old = {"a": 1, "b": [1, 2], "c": [{"n": "x"}, {"n": "y"}], "gone": True}
    new = {"a": 1, "b": [1, 2, 3], "c": [{"n": "x"}, {"n": "z"}], "new": "v"}
    edits = relabel.delta(old, new)
    assert relabel.apply_delta(old, edits) == new
    assert (("c", 1, "n"), "z") in edits
    assert (("gone",), relabel.DELETE) in edits
    assert relabel.delta(new, new) == []
    ops = relabel.as_patch(edits).to_plotly_json()["operations"]
    assert {"operation": "Delete", "location": ["gone"], "params": {}} in ops


def test_a_switch_sends_patches_against_the_language_shown(ctx, tiny_reps):
    view = ctx.views.put("page:ex:1", tiny_reps)
    first = relabel.redraw(ctx, view, "ru", "ex", shown=None)  # the page's drawing unknown
    assert first["drawn"] == "ru"
    assert isinstance(first["pending"], dict)
    assert "data" in first["pending"]
    second = relabel.redraw(ctx, view, "kk", "ex", shown="ru")
    assert isinstance(second["pending"], Patch)
    ops = second["pending"].to_plotly_json()["operations"]
    sent = json.dumps(ops, ensure_ascii=False)
    assert "Іс жүргізудегі істер" in sent  # the Kazakh title
    assert len(sent) < len(json.dumps(first["pending"])) / 5
    # cards and table go whole, in the new language
    assert "Істерді қарау коэффициенті" in json.dumps(
        second["cards"], default=lambda c: c.to_plotly_json(), ensure_ascii=False
    )
    empty = relabel.redraw(ctx, None, "kk", "ex")  # before a run: the empty charts' hints
    assert set(empty) == {*relabel.FIGURE_OUTPUTS["ex"], "drawn"} - {"regions"}
    assert "Сценарий" in empty["pending"].layout.annotations[0].text
    assert relabel.redraw(ctx, "expired", "kk", "ex") == {}


def test_a_run_is_drawn_ahead_in_the_other_languages(ctx, tiny_reps):
    view = ctx.views.put("page:ex:2", tiny_reps)
    relabel.remember(ctx, view, "en", _drawn(tiny_reps, "en"), "ex")
    relabel.draw_ahead(ctx, view, "ex").join(timeout=60)
    for lang in ("ru", "kk"):
        assert ctx.drawn.get(f"{view}|{lang}")["pending"]["layout"]["separators"] == ", "
