"""Figures fit for a briefing: one colour per scenario, labelled series, no overlapping
titles, honest colour scales, dates, integer ticks, factor labels, intervals in range."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from courtsim.dashboard import figures as F
from courtsim.dashboard.folders import Bundle
from courtsim.dashboard.handlers import EXPLORER_WARMUP_DAYS, with_warmup
from courtsim.dashboard.levers import levers_for
from courtsim.dashboard.report import figures_for
from courtsim.dashboard.tables import (
    kpi_display_table,
    paired_comparison,
    summarise_daily,
    summarise_kpis,
    sweep_aggregate,
)
from tests.conftest import make_scenario
from tests.dashboard.conftest import sweep_results

PILOTS = ["in_court", "combined", "pre_court", "out_of_court"]
METRICS = [
    "clearance_rate",
    "disposition_time_days",
    "ttd_median_days",
    "share_within_statutory_limit",
    "backlog_cases",
    "share_settled",
    "cost_court_per_case_kzt",
    "cost_parties_per_case_kzt",
    "share_settled_conciliation",
    "share_settled_mediation",
    "judge_utilisation",
    "share_within_30_days",
]


def _comparison_bundle(baseline: str = "status quo") -> Bundle:
    rng = np.random.default_rng(1)
    scen = [baseline, *PILOTS]
    kpis = pd.DataFrame(
        [
            (s, r, 1, m, abs(rng.normal(0.5 if m.startswith("share") else 50, 0.1)))
            for s in scen
            for r in range(4)
            for m in METRICS
        ],
        columns=["scenario", "replicate", "seed", "metric", "value"],
    )
    daily = pd.DataFrame(
        [
            (s, r, d, "n_pending", float(rng.poisson(30)))
            for s in scen
            for r in range(4)
            for d in range(50)
        ],
        columns=["scenario", "replicate", "day", "metric", "value"],
    )
    # the summary is sorted by name, unlike the manifest: colours must not follow row order
    summary = summarise_kpis(kpis).sort_values(["scenario", "metric"])
    return Bundle(
        kind="compare",
        title="pilots",
        manifest={"baseline": baseline, "scenarios": [{"label": s} for s in scen]},
        summary=summary,
        daily_summary=summarise_daily(daily),
        comparison=paired_comparison(kpis, baseline),
        kpis=kpis,
    )


def _trace_colour(tr) -> str | None:
    marker = getattr(tr, "marker", None)
    c = getattr(marker, "color", None) if marker is not None else None
    if isinstance(c, str):
        return c
    line = getattr(tr, "line", None)
    return getattr(line, "color", None) if line is not None else None


@pytest.mark.parametrize("baseline", ["status quo", "baseline"])
def test_a_scenario_keeps_one_colour_in_every_figure_and_the_baseline_is_grey(baseline):
    figs = figures_for(_comparison_bundle(baseline))
    assert len(figs) >= 4
    seen: dict[str, set[str]] = {}
    for fig in figs:
        for tr in fig.data:
            name = str(tr.name).split(":")[0]
            c = _trace_colour(tr)
            if c and getattr(tr, "fill", None) != "toself":
                seen.setdefault(name, set()).add(c)
    assert set(seen) == {baseline, *PILOTS}
    assert all(len(c) == 1 for c in seen.values()), seen
    assert seen[baseline] == {F.BASELINE_COLOUR}
    pilot_colours = [next(iter(seen[p])) for p in PILOTS]
    assert len(set(pilot_colours)) == len(PILOTS)
    assert F.BASELINE_COLOUR not in pilot_colours


def _px(fig, y_paper: float) -> float:
    m = fig.layout.margin
    return y_paper * (fig.layout.height - m.t - m.b)


def test_differences_name_every_pilot_have_a_legend_and_no_title_overlaps():
    bundle = _comparison_bundle()
    fig = F.differences(bundle.comparison, METRICS[:8], colours=bundle.colours())
    # a legend entry per pilot, each pilot named on every panel's axis
    assert sorted(t.name for t in fig.data if t.showlegend) == sorted(PILOTS)
    assert fig.layout.showlegend
    axes = [fig.layout[k] for k in sorted(fig.layout) if k.startswith("yaxis")]
    assert len(axes) == 8
    for ax in axes:
        assert list(ax.tickvals) == PILOTS
        rows_px = _px(fig, ax.domain[1] - ax.domain[0]) / len(PILOTS)
        assert rows_px >= 16  # room for every tick label at font size 12
    # layout check: each subplot title sits between its panel and the tick labels above
    titles = list(fig.layout.annotations)
    assert len(titles) == 8
    tick_label_px, title_px = 24, 18
    for i in range(1, 8):
        above_bottom = _px(fig, axes[i - 1].domain[0])
        title_bottom = _px(fig, titles[i].y)
        assert titles[i].y == pytest.approx(axes[i].domain[1])
        assert above_bottom - tick_label_px >= title_bottom + title_px, i


def test_titles_start_below_the_toolbar():
    fig = F.pending_over_time(_comparison_bundle().daily_summary)
    assert fig.layout.title.yref == "container"
    assert (1 - fig.layout.title.y) * fig.layout.height >= 30 - 1e-6
    assert fig.layout.margin.t >= 100


def test_heatmap_colour_scale_does_not_stretch_noise():
    agg = pd.DataFrame(
        {
            "a": [1, 1, 2, 2],
            "b": [1, 2, 1, 2],
            "mean": [99.69, 99.70, 99.705, 99.695],
            "ci_low": 99.6,
            "ci_high": 99.8,
        }
    )
    heat = F.sweep_heatmap(agg, "a", "b", "clearance_rate")
    span = heat.data[0].zmax - heat.data[0].zmin
    assert span == pytest.approx(F.MIN_RELATIVE_SPAN * agg["mean"].mean())
    assert heat.data[0].zmin < 99.69 < 99.705 < heat.data[0].zmax
    strong = agg.assign(mean=[60.0, 70.0, 80.0, 90.0])
    wide = F.sweep_heatmap(strong, "a", "b", "clearance_rate").data[0]
    assert (wide.zmin, wide.zmax) == (60.0, 90.0)  # a real spread is shown as it is


def test_sweep_line_integer_ticks_labels_and_target_line():
    agg = sweep_aggregate(sweep_results(), ["judges.count"], "clearance_rate")
    fig = F.sweep_line(agg, "judges.count", "clearance_rate")
    assert list(fig.layout.xaxis.tickvals) == [20, 25, 30]
    assert fig.layout.xaxis.tickformat == "d"
    assert fig.layout.xaxis.title.text == "Civil judges"
    assert [s.y0 for s in fig.layout.shapes] == [100.0]  # CEPEJ's 100% clearance
    days = sweep_aggregate(sweep_results(), ["judges.count"], "clearance_rate")
    limited = F.sweep_line(days, "judges.count", "disposition_time_days", limit_days=60)
    assert [s.y0 for s in limited.layout.shapes] == [60]
    assert "statutory limit" in limited.layout.annotations[0].text


def test_factor_labels_never_show_dotted_keys():
    from courtsim.dashboard.labels import factor_label

    assert factor_label("conciliation.judges_per_court") == "Conciliation judges per court"
    assert "." not in factor_label("case_types.general.settle_hazard_per_month")


def test_pending_over_time_shows_dates_after_the_warmup():
    daily = pd.DataFrame({"day": range(0, 10), "metric": "n_pending", "mean": range(10, 20)})
    fig = F.pending_over_time(daily, start_date=dt.date(2024, 1, 1), from_day=3)
    x = pd.to_datetime(pd.Series(fig.data[0].x))
    assert x.iloc[0] == pd.Timestamp("2024-01-03")  # day 3; day 1 is the start date
    assert len(x) == 7
    assert fig.layout.xaxis.title.text == "Date"
    assert "after the warm-up" in fig.layout.title.subtitle.text


def test_intervals_of_non_negative_kpis_stay_non_negative():
    summary = pd.DataFrame(
        {
            "metric": ["backlog_cases", "share_settled", "judge_utilisation"],
            "n": 3,
            "mean": [1.0, 0.01, 0.99],
            "ci_low": [-1.0, -0.02, 0.95],
            "ci_high": [3.0, 0.04, 1.03],
        }
    )
    table = kpi_display_table(summary).set_index("KPI")["95% CI"]
    assert table.iloc[0] == "0 to 3"
    assert table.iloc[1] == "0.0 to 4.0"
    assert table.iloc[2] == "95.0 to 100.0"
    fig = F.utilisation(summary)
    err = fig.data[0].error_y
    assert 99.0 + err.array[0] == pytest.approx(100.0)


def test_sweep_report_draws_every_kpi():
    res = sweep_results()
    extra = res.assign(metric="pending_end")
    more = pd.concat([res, extra, res.assign(metric="share_settled")], ignore_index=True)
    bundle = Bundle(kind="sweep", title="s", results=more, factors=["judges.count"])
    figs = figures_for(bundle)
    assert len(figs) == more["metric"].nunique() > 4 - 2


def test_optimism_slider_spans_a_plausible_range():
    sc = make_scenario(litigants={"optimism_mean": 0.15})
    lv = {x.key: x for x in levers_for(sc)}
    p = lv["litigants.optimism_mean"]
    assert p.control == "slider"
    assert (p.minimum, p.maximum) == (0.0, 0.2)  # the schema allows -1 to 1
    assert p.value == 0.15
    far = make_scenario(litigants={"optimism_mean": 0.5})
    assert {x.key: x for x in levers_for(far)}["litigants.optimism_mean"].maximum == 0.5


def test_explorer_warmup():
    sc = make_scenario(horizon_days=365)
    assert with_warmup(sc).reporting.warmup_days == EXPLORER_WARMUP_DAYS
    own = make_scenario(horizon_days=365, reporting={"warmup_days": 30})
    assert with_warmup(own).reporting.warmup_days == 30
    short = make_scenario(horizon_days=100)
    assert with_warmup(short).reporting.warmup_days == 0
