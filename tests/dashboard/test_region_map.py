"""The tile map of Kazakhstan's 20 regions: tiles, colours, names, and where it is shown."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from plotly.colors import unlabel_rgb

from courtsim import load_scenario, simulate
from courtsim.dashboard.folders import load_folder
from courtsim.dashboard.handlers import draw_replications
from courtsim.dashboard.live import LiveRunner
from courtsim.dashboard.region_map import (
    MISSING_COLOUR,
    SHORT_NAMES,
    TILES,
    has_map,
    region_map,
    tile_colours,
)
from courtsim.dashboard.report import figures_for, write_report
from courtsim.i18n import language
from tests.conftest import make_scenario

ROOT = Path(__file__).resolve().parents[2]
REGIONS_FILE = ROOT / "scenarios" / "kz_regions_2024.yaml"


def _small_regions():
    # The shipped scenario of the 20 regions, scaled down to run in about a second.
    return load_scenario(REGIONS_FILE).with_overrides(
        {
            "filings.per_year": 20000,
            "judges.count": 60,
            "horizon_days": 120,
            "reporting.warmup_days": 30,
        }
    )


@pytest.fixture(scope="module")
def regional_run(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("regions") / "run"
    simulate(_small_regions(), seed=1).save(out)
    return out


def _table(values: dict[str, float], kpi: str = "disposition_time_days") -> pd.DataFrame:
    df = pd.DataFrame({kpi: values})
    df.index.name = "region"
    return df


def _luminance(colour: str) -> float:
    r, g, b = unlabel_rgb(colour)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def test_the_tiles_are_the_regions_of_the_shipped_scenario():
    courts = list(load_scenario(REGIONS_FILE).courts)
    assert len(courts) == 20  # domain.md §9: 17 oblasts and 3 cities since 2022
    assert set(TILES) == set(courts)
    assert set(SHORT_NAMES) == set(courts)
    for region in ("abai", "zhetysu", "ulytau", "astana", "almaty_city", "shymkent"):
        assert region in TILES


def test_every_region_has_exactly_one_tile_and_no_two_tiles_overlap():
    regions = list(TILES)
    fig = region_map(_table({r: float(i) for i, r in enumerate(regions)}))
    rects = [s for s in fig.layout.shapes if s.type == "rect"]
    assert len(rects) == 20
    assert len(set(TILES.values())) == 20  # one grid cell each
    for a, b in itertools.combinations(rects, 2):
        overlap_x = min(a.x1, b.x1) - max(a.x0, b.x0)
        overlap_y = min(a.y1, b.y1) - max(a.y0, b.y0)
        assert overlap_x <= 0 or overlap_y <= 0, (a, b)
    # each region's name is written once, on its own tile
    text = list(fig.data[0].text)
    for i, region in enumerate(regions):
        col, row = TILES[region]
        assert (fig.data[0].x[i], fig.data[0].y[i]) == (col + 0.5, row + 0.5)
        assert SHORT_NAMES[region].split(" ")[0] in text[i]
        assert rects[i].x0 < fig.data[0].x[i] < rects[i].x1
        assert rects[i].y0 < fig.data[0].y[i] < rects[i].y1


def test_tile_colours_darken_as_the_kpi_grows():
    rng = np.random.default_rng(3)
    values = rng.uniform(10, 60, size=20)
    fig = region_map(_table(dict(zip(TILES, values, strict=True))))
    fills = [s.fillcolor for s in fig.layout.shapes]
    order = np.argsort(values)
    lum = [_luminance(fills[i]) for i in order]
    assert all(a >= b for a, b in itertools.pairwise(lum))
    assert lum[0] > lum[-1] + 100  # the lowest and the highest are far apart
    assert fig.data[0].marker.cmin == pytest.approx(values.min())
    assert fig.data[0].marker.cmax == pytest.approx(values.max())


def test_a_flat_kpi_is_not_coloured_as_a_signal_and_nan_is_grey():
    flat = tile_colours([99.70, 99.71, float("nan")], 97.2, 102.2)  # colour_range's span
    assert abs(_luminance(flat[0]) - _luminance(flat[1])) < 2
    assert flat[2] == MISSING_COLOUR


def test_the_drop_down_switches_every_tile_to_another_kpi():
    values = {r: float(i) for i, r in enumerate(TILES)}
    df = _table(values).assign(clearance_rate=[1.0 - v / 100 for v in values.values()])
    fig = region_map(df)
    buttons = fig.layout.updatemenus[0].buttons
    assert [b.label for b in buttons] == [
        "Disposition time (365 x pending / resolved)",
        "Clearance rate",
    ]
    restyle, relayout = buttons[1].args
    fills = [relayout[f"shapes[{i}].fillcolor"] for i in range(20)]
    lum = [_luminance(f) for f in fills]  # clearance falls along TILES: lighter and lighter
    assert all(a <= b for a, b in itertools.pairwise(lum))
    assert "Clearance rate" in relayout["title.text"]
    assert len(restyle["text"][0]) == 20


def test_region_names_are_translated():
    with language("ru"):
        fig = region_map(_table(dict.fromkeys(TILES, 1.0)))
    text = " ".join(fig.data[0].text)
    for word in ("Улытау", "Шымкент", "дн."):
        assert word in text
    with language("kk"):
        fig = region_map(_table(dict.fromkeys(TILES, 1.0)))
    assert "Ұлытау" in " ".join(fig.data[0].text)


def test_no_map_without_regions_or_for_unknown_regions():
    assert not has_map(None)
    assert not has_map(_table({"abai": 1.0}))
    assert not has_map(_table({"abai": 1.0, "atlantis": 2.0}))
    with pytest.raises(ValueError, match="atlantis"):
        region_map(_table({"abai": 1.0, "atlantis": 2.0}))


def test_report_of_a_regional_run_contains_the_map(regional_run, tmp_path):
    bundle = load_folder(regional_run)
    assert has_map(bundle.regions)
    maps = [f for f in figures_for(bundle) if len(f.layout.shapes) == 20]
    assert len(maps) == 1
    html = write_report(regional_run, tmp_path / "r.html", lang="ru").read_text("utf-8")
    # plotly writes the figure's JSON with non-ASCII characters escaped
    for text in ("по регионам", "Улытау", "Абай", "Жетысу", "Шымкент"):
        assert json.dumps(text)[1:-1] in html


def test_report_of_a_one_court_run_has_no_map(tmp_path):
    out = simulate(make_scenario(name="one_court"), seed=1).save(tmp_path / "run")
    assert load_folder(out).regions is None
    assert all(len(f.layout.shapes) != 20 for f in figures_for(load_folder(out)))


def test_explorer_shows_the_map_for_a_regional_scenario_only(tiny_reps):
    reps = LiveRunner(workers=0).run({"regions": _small_regions()}, 2, seed=1)
    assert set(reps.regions["region"]) == set(TILES)
    out = draw_replications(reps)
    assert out["regions_style"] == {}
    assert len(out["regions"].layout.shapes) == 20
    hidden = draw_replications(tiny_reps)
    assert hidden["regions_style"] == {"display": "none"}


def test_the_explorer_shows_one_region_or_all(tiny_reps, tmp_path):
    from courtsim.dashboard import relabel
    from courtsim.dashboard.context import AppContext
    from courtsim.dashboard.explorer_regions import region_view
    from courtsim.i18n import language
    from tests.unit.test_i18n import _strings

    reps = LiveRunner(workers=0).run({"regions": _small_regions()}, 2, seed=1)
    out = draw_replications(reps)
    assert out["region_style"] == {}
    values = [o["value"] for o in out["region_options"]]
    assert values[0] == "all"
    assert set(values[1:]) == set(TILES)
    assert draw_replications(tiny_reps)["region_style"] == {"display": "none"}  # one court

    # one region's cards are that region's KPIs, not the whole's
    one = region_view(reps, "astana")
    means = reps.regions[reps.regions["region"] == "astana"].groupby("metric")["value"].mean()
    card = {c.children[1].id: c for c in one["cards"]}["card-clearance_rate"]
    shown = float(_strings(card.children[1])[0].replace(",", ""))
    assert shown == pytest.approx(means["clearance_rate"], abs=0.051)
    whole = reps.summary.set_index("metric")["mean"]["clearance_rate"]
    assert abs(means["clearance_rate"] - whole) > 0.05  # so the check tells them apart
    assert region_view(reps, "all") is None
    assert region_view(reps, "atlantis") is None

    # a language switch keeps the region, and names it in the language
    ctx = AppContext(results_root=tmp_path, scenarios={}, runner=LiveRunner(workers=0))
    view = ctx.views.put("page:ex:r", reps)
    ru = relabel.redraw(ctx, view, "ru", "ex", shown=None, region="astana")
    assert "Астана" in _strings(ru["region_note"])[0]
    assert ru["region_options"][0]["label"] == "Все регионы"
    with language("kk"):
        assert relabel.show_region(ctx, view, "kk", "all")["region_note"] == ""
