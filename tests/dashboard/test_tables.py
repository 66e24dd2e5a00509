import numpy as np
import pandas as pd
import pytest
from scipy import stats

from courtsim.dashboard.tables import (
    kpi_display_table,
    paired_comparison,
    summarise_daily,
    summarise_kpis,
)


def _kpis(values_a, values_b, metric="ttd_median_days"):
    rows = [("base", r, 1, metric, v) for r, v in enumerate(values_a)]
    rows += [("pilot", r, 1, metric, v) for r, v in enumerate(values_b)]
    return pd.DataFrame(rows, columns=["scenario", "replicate", "seed", "metric", "value"])


def test_summary_is_t_based():
    k = _kpis([1.0, 2.0, 3.0, 6.0], [0, 0, 0, 0])
    s = summarise_kpis(k[k.scenario == "base"].drop(columns="scenario"))
    row = s.iloc[0]
    half = stats.t.ppf(0.975, 3) * np.std([1, 2, 3, 6], ddof=1) / 2
    assert list(s.columns) == ["metric", "n", "mean", "sd", "ci_low", "ci_high", "p10", "p90"]
    assert row["mean"] == 3.0
    assert row["ci_high"] - row["mean"] == pytest.approx(half)
    assert row["p10"] == pytest.approx(np.percentile([1, 2, 3, 6], 10))


def test_daily_summary_columns(tiny_reps):
    d = summarise_daily(tiny_reps.daily)
    contract = ["scenario", "day", "metric", "mean", "ci_low", "ci_high", "p10", "p90"]
    assert [c for c in d.columns if c in contract] == contract
    one = d[(d["scenario"] == "baseline") & (d["metric"] == "n_pending")]
    assert list(one["day"]) == list(range(61))


def test_paired_comparison_pairs_replicates():
    # pilot = base - 2 exactly, in every replicate: a zero-width interval around -2
    k = _kpis([30.0, 35.0, 40.0], [28.0, 33.0, 38.0])
    row = paired_comparison(k, "base").iloc[0]
    assert row["diff_mean"] == -2.0
    assert row["diff_ci_low"] == pytest.approx(-2.0)
    assert row["diff_ci_high"] == pytest.approx(-2.0)
    assert row["rel_diff_mean"] == pytest.approx(-2 / 35)
    # the sentence is courtsim.compare's own
    assert row["sentence"] == (
        "Scenario 'pilot' lowers the median time to disposition by 5.7% (95% CI 3.7% to 7.7%)."
    )


def test_sentence_says_when_a_change_is_not_clear():
    k = _kpis([0.10, 0.20, 0.30], [0.12, 0.15, 0.33], metric="share_settled")
    s = paired_comparison(k, "base").iloc[0]["sentence"]
    assert s.startswith("Scenario 'pilot' does not clearly change the share of cases settled")
    assert "percentage points" in s


def test_unknown_baseline():
    with pytest.raises(ValueError, match="baseline 'nope'"):
        paired_comparison(_kpis([1.0], [2.0]), "nope")


def test_display_table_formats_shares_as_percent(tiny_reps):
    t = kpi_display_table(tiny_reps.summary, ["share_within_60_days", "clearance_rate"])
    assert list(t["KPI"]) == ["Decided within 60 days", "Clearance rate"]
    assert list(t.columns[:3]) == ["KPI", "unit", "baseline"]
    assert t["unit"].tolist() == ["%", "%"]
    v = float(t.loc[0, "baseline"])
    assert 0 < v <= 100
