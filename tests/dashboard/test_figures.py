import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from courtsim.dashboard import figures as F
from courtsim.dashboard.tables import paired_comparison, sweep_aggregate
from tests.dashboard.conftest import sensitivity_indices, sweep_results


def _arrays(fig: go.Figure):
    for tr in fig.data:
        for name in ("x", "y", "z"):
            v = getattr(tr, name, None)
            if v is not None:
                yield tr.name, name, v
        for err in ("error_x", "error_y"):
            e = getattr(tr, err, None)
            if e is not None and e.array is not None:
                yield tr.name, err, e.array
                yield tr.name, err, e.arrayminus


def assert_no_nan(fig: go.Figure) -> None:
    for trace, attr, values in _arrays(fig):
        arr = np.asarray([np.nan if v is None else v for v in np.ravel(values)], dtype=object)
        numeric = [v for v in arr if isinstance(v, float | int | np.number)]
        assert not np.isnan(np.asarray(numeric, dtype=float)).any(), (trace, attr)


def test_pending_over_time_has_band_and_line_per_scenario(tiny_reps):
    fig = F.pending_over_time(tiny_reps.daily_summary)
    # a filled band and a mean line for each of the two scenarios
    assert [t.name for t in fig.data if t.mode == "lines"] == ["baseline", "more_judges"]
    assert sum(t.fill == "toself" for t in fig.data) == 2
    assert fig.layout.xaxis.title.text == "Day of the simulation (calendar days)"
    assert fig.layout.yaxis.title.text == "Pending cases (cases)"
    assert fig.layout.title.text == "Pending cases over time"
    assert "shaded: 10-90% of replications" in fig.layout.title.subtitle.text
    line = next(t for t in fig.data if t.name == "baseline")
    assert len(line.x) == 61  # days 0..60 of the tiny scenario
    assert_no_nan(fig)


def test_long_subtitles_break_between_clauses_and_fit_a_half_width_figure(tiny_reps):
    from courtsim.i18n import language

    for lang in ("en", "ru", "kk"):
        with language(lang):
            fig = F.pending_over_time(tiny_reps.daily_summary, from_day=30)
        lines = fig.layout.title.subtitle.text.split("<br>")
        assert len(lines) == 2, (lang, lines)
        assert lines[0].endswith(";"), (lang, lines)
        assert max(map(len, lines)) <= F._SUBTITLE_CHARS, (lang, lines)


def test_pending_over_time_of_one_run_has_no_band():
    daily = pd.DataFrame({"day": [0, 1, 2], "metric": "n_pending", "mean": [5.0, 6.0, 4.0]})
    fig = F.pending_over_time(daily, scenario="run1")
    assert [t.name for t in fig.data] == ["run1"]
    assert list(fig.data[0].y) == [5.0, 6.0, 4.0]


def test_ttd_histogram_in_percent_with_limit_line(tiny_reps):
    fig = F.ttd_histogram(tiny_reps.ttd, limit_days=60)
    assert [t.name for t in fig.data] == ["baseline", "more_judges"]
    for tr in fig.data:  # every disposed case is in one bin: shares sum to 100%
        assert sum(tr.y) == pytest.approx(100.0)
    base = tiny_reps.ttd.query("scenario == 'baseline'")["ttd_days"]
    assert fig.data[0].y[0] == pytest.approx(100 * (base < 7).mean())
    assert fig.layout.yaxis.title.text == "Share of disposed cases (%)"
    assert fig.layout.xaxis.title.text.startswith("Calendar days from filing to disposition")
    assert any("60-day limit" in (a.text or "") for a in fig.layout.annotations)
    assert_no_nan(fig)


def test_bar_figures_show_shares_in_percent_with_ci(tiny_reps):
    s = tiny_reps.summary
    fig = F.ttd_shares(s)
    assert len(fig.data) == 2
    base = fig.data[0]
    expected = s.query("scenario == 'baseline' and metric == 'share_within_30_days'")["mean"]
    assert base.y[0] == pytest.approx(100 * float(expected.iloc[0]))
    assert base.error_y.array is not None
    assert fig.layout.yaxis.title.text == "Share of disposed cases (%)"
    for f in (fig, F.settlement_channels(s), F.utilisation(s)):
        assert f.data, f.layout.title.text
        assert f.layout.yaxis.title.text
        assert_no_nan(f)
    util = F.utilisation(s)
    assert list(util.data[0].x) == ["Trial judges: sessions", "Trial judges: desk"]


def test_channels_not_used_by_any_scenario_are_left_out():
    s = pd.DataFrame(
        {
            "metric": ["share_settled_conciliation", "share_settled_mediation", "share_settlement"],
            "mean": [0.1, 0.0, 0.05],
        }
    )
    fig = F.settlement_channels(s)
    assert list(fig.data[0].x) == ["conciliation judge", "agreement before the trial judge"]
    assert list(fig.data[0].y) == pytest.approx([10.0, 5.0])


def test_differences_one_panel_per_kpi_in_its_own_unit(tiny_reps):
    table = tiny_reps.table
    keys = ["disposition_time_days", "share_within_60_days", "cost_court_per_case_kzt"]
    fig = F.differences(table, keys)
    assert len(fig.data) == 3
    assert [a.text for a in fig.layout.annotations] == [
        "Disposition time (365 x pending / resolved): change (days)",
        "Decided within 60 days: change in percentage points",
        "Court cost per resolved case: change (KZT)",
    ]
    for tr, key in zip(fig.data, keys, strict=True):
        row = table.query("metric == @key").iloc[0]
        scale = 100 if key.startswith("share") else 1
        assert list(tr.y) == ["more_judges"]
        assert tr.x[0] == pytest.approx(scale * row["diff_mean"])
        assert tr.error_x.array[0] == pytest.approx(
            scale * (row["diff_ci_high"] - row["diff_mean"])
        )
    assert fig.layout.title.text == "Change against the baseline"
    assert_no_nan(fig)


def test_differences_skip_undefined_kpis():
    kpis = pd.DataFrame(
        [
            (s, r, 1, m, v)
            for r in range(3)
            for s, m, v in (
                ("base", "ttd_mean_days", np.nan),
                ("pilot", "ttd_mean_days", np.nan),
                ("base", "clearance_rate", 100.0 + r),
                ("pilot", "clearance_rate", 102.0 + r),
            )
        ],
        columns=["scenario", "replicate", "seed", "metric", "value"],
    )
    fig = F.differences(paired_comparison(kpis, "base"))
    assert len(fig.data) == 1
    assert fig.data[0].x[0] == pytest.approx(2.0)
    assert_no_nan(fig)


def test_sweep_line_and_heatmap():
    res = sweep_results()
    agg = sweep_aggregate(res, ["judges.count"], "clearance_rate")
    fig = F.sweep_line(agg, "judges.count", "clearance_rate")
    assert list(fig.data[0].x) == [20, 25, 30]
    assert fig.layout.xaxis.title.text == "Civil judges"  # a label, not the dotted key
    assert fig.layout.yaxis.title.text == "Clearance rate (%)"
    assert_no_nan(fig)
    agg2 = sweep_aggregate(res, ["judges.count", "filings.per_year"], "clearance_rate")
    by = F.sweep_line(agg2, "judges.count", "clearance_rate", by="filings.per_year")
    assert len(by.data) == 2
    heat = F.sweep_heatmap(agg2, "judges.count", "filings.per_year", "clearance_rate")
    assert heat.data[0].type == "heatmap"
    assert np.asarray(heat.data[0].z).shape == (2, 3)
    assert heat.layout.yaxis.title.text == "New claims per year"


def test_sweep_aggregate_leaves_failed_runs_out():
    agg = sweep_aggregate(sweep_results(), ["judges.count", "filings.per_year"], "clearance_rate")
    n = agg.set_index(["judges.count", "filings.per_year"])["n"]
    assert n[(30, 9000.0)] == 1
    assert n[(25, 10500.0)] == 2


def test_sensitivity_bars():
    fig = F.sensitivity_bars(sensitivity_indices(), "clearance_rate")
    assert [t.name for t in fig.data] == ["S1", "ST"]
    assert list(fig.data[0].x) == ["Civil judges", "New claims per year"]
    assert (
        fig.layout.yaxis.title.text.replace("<br>", " ")
        == "Sobol index (share of the KPI's variance)"
    )
    assert "Sobol indices" in fig.layout.title.subtitle.text
    morris = F.sensitivity_bars(sensitivity_indices(), "clearance_rate", "morris")
    assert not morris.data  # the fixture has Sobol indices only
    assert_no_nan(fig)


def test_empty_input_gives_a_labelled_empty_figure():
    fig = F.sensitivity_bars(sensitivity_indices(), "no_such_kpi")
    assert not fig.data
    assert "No data" in fig.layout.annotations[0].text
