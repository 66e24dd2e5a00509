"""A tile map of Kazakhstan's 20 regions, each tile coloured by a KPI of that region.

No openly licensed boundary file of the 2022 regions (with Abai, Zhetysu and Ulytau) is
reachable from the package registries this project may use, so the map is the issue's
fallback: one square tile per region, placed on a hand-made grid that keeps each region
roughly where it lies (west to east, south to north), as newspapers draw tile maps of
US states. The regions are those of ``shared/domain.md`` §9 and of
``scenarios/kz_regions_2024.yaml`` (the keys below are that file's court names; a test
keeps them equal). A drop-down inside the figure switches the KPI, so the same figure
works in the dashboard and in an offline HTML report.

Example:
    >>> region_map(simulate("scenarios/kz_regions_2024.yaml").region_kpis)
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.colors import get_colorscale, sample_colorscale, unlabel_rgb

from courtsim.dashboard.figures import _base, colour_range
from courtsim.dashboard.labels import measure
from courtsim.i18n import N_, _

#: Region (court name in kz_regions_2024.yaml) -> (column, row) of its tile: columns run
#: west to east, rows south to north. Placed by hand from the regions' positions
#: (domain.md §9): the west (West Kazakhstan, Atyrau, Mangystau) in column 0, the north
#: (North Kazakhstan, Pavlodar) on the top row, the south (Shymkent, Almaty) at the
#: bottom; Astana sits beside Akmola and above Karaganda, Almaty below Almaty oblast,
#: Shymkent below Turkistan, Abai between Pavlodar and East Kazakhstan, Zhetysu south of
#: Abai, Ulytau between Kostanay and Kyzylorda.
TILES: dict[str, tuple[int, int]] = {
    "north_kazakhstan": (3, 4),
    "pavlodar": (4, 4),
    "west_kazakhstan": (0, 3),
    "aktobe": (1, 3),
    "kostanay": (2, 3),
    "akmola": (3, 3),
    "astana": (4, 3),
    "abai": (5, 3),
    "east_kazakhstan": (6, 3),
    "atyrau": (0, 2),
    "kyzylorda": (2, 2),
    "ulytau": (3, 2),
    "karaganda": (4, 2),
    "zhetysu": (5, 2),
    "mangystau": (0, 1),
    "turkistan": (2, 1),
    "zhambyl": (3, 1),
    "almaty_oblast": (4, 1),
    "shymkent": (2, 0),
    "almaty_city": (4, 0),
}

#: Short names written on the tiles (translated where shown).
SHORT_NAMES: dict[str, str] = {
    "abai": N_("Abai"),
    "akmola": N_("Akmola"),
    "aktobe": N_("Aktobe"),
    "almaty_oblast": N_("Almaty obl."),
    "atyrau": N_("Atyrau"),
    "east_kazakhstan": N_("East Kazakhstan"),
    "zhambyl": N_("Zhambyl"),
    "zhetysu": N_("Zhetysu"),
    "west_kazakhstan": N_("West Kazakhstan"),
    "karaganda": N_("Karaganda"),
    "kostanay": N_("Kostanay"),
    "kyzylorda": N_("Kyzylorda"),
    "mangystau": N_("Mangystau"),
    "pavlodar": N_("Pavlodar"),
    "north_kazakhstan": N_("North Kazakhstan"),
    "turkistan": N_("Turkistan"),
    "ulytau": N_("Ulytau"),
    "astana": N_("Astana"),
    "almaty_city": N_("Almaty"),
    "shymkent": N_("Shymkent"),
}

#: KPIs the map offers, in its drop-down's order (those the table lacks are skipped).
MAP_KPIS: tuple[str, ...] = (
    "disposition_time_days",
    "clearance_rate",
    "pending_per_judge",
    "incoming_per_judge_per_year",
    "ttd_mean_days",
    "share_within_statutory_limit",
    "backlog_share",
    "share_settled",
)

#: Sequential scale whose lightness falls monotonically with the value: light = low,
#: dark = high, readable in grey print. plotly's "Blues" without its palest eighth, so
#: that the lowest region's tile still stands out from the white page.
COLOURSCALE: list[list[float | str]] = [
    [i / 8, c]
    for i, c in enumerate(sample_colorscale(get_colorscale("Blues"), list(np.linspace(0.15, 1, 9))))
]
#: Gap between neighbouring tiles, as a share of a tile's side.
GAP = 0.08
MISSING_COLOUR = "#e3e6e9"


def has_map(regions: pd.DataFrame | None) -> bool:
    """Return whether a per-region KPI table can be drawn as the tile map.

    Args:
        regions: ``Result.region_kpis`` (index ``region``), or None.

    Returns:
        True when it has at least two regions and every one has a tile.
    """
    if regions is None or len(regions) < 2:
        return False
    return set(map(str, regions.index)) <= set(TILES)


def tile_colours(values: Sequence[float], low: float, high: float) -> list[str]:
    """Return each value's fill colour on :data:`COLOURSCALE` between ``low`` and ``high``.

    Args:
        values: KPI values in display units (NaN for undefined).
        low: Value at the light end.
        high: Value at the dark end (> low).

    Returns:
        CSS ``rgb(...)`` colours; :data:`MISSING_COLOUR` for NaN.
    """
    out = []
    for v in values:
        if v is None or not math.isfinite(v):
            out.append(MISSING_COLOUR)
            continue
        t = min(max((v - low) / (high - low), 0.0), 1.0)
        out.append(sample_colorscale(COLOURSCALE, [t])[0])
    return out


def _tile_name(region: str) -> str:
    # A long name takes two lines, so that it fits its tile in every language
    # ("East<br>Kazakhstan", "Алматинская<br>обл.").
    name = _(SHORT_NAMES[region])
    return name.replace(" ", "<br>", 1) if len(name) > 11 else name


def _ink(fill: str) -> str:
    # Dark text on light tiles, white on dark ones (relative luminance, ITU-R BT.709).
    if fill.startswith("#"):
        return "#1d2329"
    r, g, b = unlabel_rgb(fill)
    return "#1d2329" if 0.2126 * r + 0.7152 * g + 0.0722 * b > 140 else "white"


def _state(regions: pd.DataFrame, kpi: str) -> tuple[dict, dict]:
    """Return the text trace's and the layout's settings that show one KPI."""
    m = measure(kpi)
    names = [str(r) for r in regions.index]
    vals = (regions[kpi].astype(float) * m.scale()).to_numpy()
    lo, hi = colour_range(vals, m.unit)
    fills = tile_colours(vals, lo, hi)
    texts = [
        f"<b>{_tile_name(n)}</b><br>{m.format(v / m.scale())}"
        for n, v in zip(names, vals, strict=True)
    ]
    trace = {
        "text": texts,
        "hovertext": [
            f"{_(SHORT_NAMES[n])}: {m.format(v / m.scale())}"
            for n, v in zip(names, vals, strict=True)
        ],
        "textfont.color": [_ink(f) for f in fills],
        "marker.color": np.where(np.isfinite(vals), vals, lo).tolist(),
        "marker.cmin": lo,
        "marker.cmax": hi,
        "marker.colorbar.title.text": m.unit_label,
    }
    layout = {f"shapes[{i}].fillcolor": f for i, f in enumerate(fills)}
    layout["title.text"] = _("{measure} by region").format(measure=m.text)
    return trace, layout


def region_map(
    regions: pd.DataFrame, kpi: str | None = None, kpis: Sequence[str] = MAP_KPIS
) -> go.Figure:
    """Draw the tile map of the regions, coloured by a KPI, with a drop-down for the others.

    Args:
        regions: ``Result.region_kpis`` or the mean over replicates (index ``region``, one
            column per KPI; shares as fractions). Every region must have a tile.
        kpi: The KPI shown first (default: the first of ``kpis`` present).
        kpis: KPIs offered in the drop-down.

    Returns:
        One rectangle shape per region (``layout.shapes``, in ``regions``' order), one
        text trace with the regions' short names and values, and a colour bar.

    Raises:
        ValueError: A region has no tile, or no KPI is present.
    """
    unknown = [str(r) for r in regions.index if str(r) not in TILES]
    if unknown:
        raise ValueError(f"no tile for the region(s) {', '.join(unknown)}")
    offered = [k for k in dict.fromkeys([*([kpi] if kpi else []), *kpis]) if k in regions]
    if not offered:
        raise ValueError("none of the map's KPIs is in the table")
    first = offered[0]
    fig = _base("", "", "", height=600, subtitle=_("One tile per region, placed as on the map"))
    cells = [TILES[str(r)] for r in regions.index]
    trace, layout = _state(regions, first)
    for i, (col, row) in enumerate(cells):
        fig.add_shape(
            type="rect",
            x0=col + GAP / 2,
            x1=col + 1 - GAP / 2,
            y0=row + GAP / 2,
            y1=row + 1 - GAP / 2,
            line={"width": 0},
            fillcolor=layout[f"shapes[{i}].fillcolor"],
            layer="below",
        )
    fig.add_trace(
        go.Scatter(
            x=[c + 0.5 for c, _r in cells],
            y=[r + 0.5 for _c, r in cells],
            mode="markers+text",
            textposition="middle center",
            textfont={"size": 11},
            hoverinfo="text",
            # Invisible square markers carry the colour bar and the hover area.
            marker={
                "symbol": "square",
                "size": 40,
                "opacity": 0,
                "colorscale": COLOURSCALE,
                "showscale": True,
                "colorbar": {"thickness": 14, "len": 0.8},
            },
            showlegend=False,
        )
    )
    fig.update_traces(_flat(trace))
    fig.update_layout(_flat(layout))
    n_cols = max(c for c, _r in TILES.values()) + 1
    n_rows = max(r for _c, r in TILES.values()) + 1
    fig.update_xaxes(range=[-0.1, n_cols + 0.1], visible=False, fixedrange=True)
    fig.update_yaxes(range=[-0.1, n_rows + 0.1], visible=False, fixedrange=True, scaleanchor="x")
    fig.update_layout(margin={"l": 20, "r": 20})
    if len(offered) > 1:
        buttons = []
        for k in offered:
            t, lay = _state(regions, k)
            restyle = {key: [v] for key, v in t.items()}
            buttons.append({"label": measure(k).text, "method": "update", "args": [restyle, lay]})
        fig.update_layout(
            updatemenus=[
                {
                    "buttons": buttons,
                    "direction": "down",
                    "x": 1.0,
                    "xanchor": "right",
                    "y": 1.0,
                    "yanchor": "bottom",
                    "showactive": True,
                    "active": 0,
                }
            ]
        )
    return fig


def _flat(settings: dict) -> dict:
    """Turn ``a.b.c`` keys into nested dicts (plotly's update_* take either, not mixed)."""
    out: dict = {}
    for key, value in settings.items():
        if key.startswith("shapes["):
            continue
        node = out
        *parents, last = key.split(".")
        for p in parents:
            node = node.setdefault(p, {})
        node[last] = value
    return out


def mean_by_region(regions: pd.DataFrame) -> pd.DataFrame:
    """Return the mean over replicates of a long per-region table, one row per region.

    Args:
        regions: ``replicate, region, metric, value`` (the dashboard's live runs).

    Returns:
        Index ``region`` (first-seen order), one column per KPI.
    """
    order = list(dict.fromkeys(regions["region"].astype(str)))
    wide = regions.pivot_table(index="region", columns="metric", values="value", aggfunc="mean")
    return wide.reindex(order)


__all__ = ["MAP_KPIS", "SHORT_NAMES", "TILES", "has_map", "region_map", "tile_colours"]
