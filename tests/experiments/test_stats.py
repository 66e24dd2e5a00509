import numpy as np
import pandas as pd
import pytest
from scipy import stats as sps

from courtsim.experiment.stats import mean_ci, paired_differences, summarise, t_halfwidth
from courtsim.experiment.wording import difference_sentence


def _coverage(halfwidth, n: int, experiments: int, seed: int) -> int:
    """Count how often mean +- halfwidth(sd, n) covers the true mean of N(10, 3^2)."""
    rng = np.random.default_rng(seed)
    x = rng.normal(10.0, 3.0, size=(experiments, n))
    m, sd = x.mean(axis=1), x.std(axis=1, ddof=1)
    h = halfwidth(sd, n)
    return int(np.count_nonzero((m - h <= 10.0) & (m + h >= 10.0)))


@pytest.mark.statistical
@pytest.mark.parametrize("n", [3, 5, 30])
def test_t_interval_covers_the_true_mean_95_percent_of_the_time(n):
    experiments = 4000
    covered = _coverage(t_halfwidth, n, experiments, seed=n)
    lo, hi = sps.binom.interval(0.999, experiments, 0.95)
    assert lo <= covered <= hi


@pytest.mark.statistical
def test_coverage_check_detects_a_normal_interval_with_few_replicates():
    # The same check would fail a z-interval at n = 5 (coverage ~88%): it can fail.
    def z_halfwidth(sd, n):
        return 1.959964 * sd / np.sqrt(n)

    experiments = 4000
    covered = _coverage(z_halfwidth, 5, experiments, seed=5)
    lo, _ = sps.binom.interval(0.999, experiments, 0.95)
    assert covered < lo


def test_mean_ci_matches_scipy_and_ignores_nan():
    x = np.array([3.0, 5.0, np.nan, 4.0, 8.0])
    m, lo, hi = mean_ci(x)
    ref = sps.t.interval(0.95, 3, loc=5.0, scale=sps.sem([3.0, 5.0, 4.0, 8.0]))
    assert m == pytest.approx(5.0)
    assert (lo, hi) == pytest.approx(ref)
    assert np.isnan(mean_ci([1.0])[1])


def test_summarise_columns_band_and_nan_handling():
    long = pd.DataFrame(
        {
            "metric": ["a"] * 11 + ["b"] * 3,
            "value": [*range(11), 1.0, np.nan, 3.0],
        }
    )
    s = summarise(long, ["metric"]).set_index("metric")
    assert list(s.columns) == ["n", "mean", "sd", "ci_low", "ci_high", "p10", "p90"]
    assert s.loc["a", "p10"] == pytest.approx(1.0)
    assert s.loc["a", "p90"] == pytest.approx(9.0)
    assert s.loc["b", "n"] == 2
    assert s.loc["b", "mean"] == pytest.approx(2.0)


def _kpis(base, other):
    rows = []
    for label, values in (("base", base), ("other", other)):
        for r, v in enumerate(values):
            rows.append({"scenario": label, "replicate": r, "metric": "pending_end", "value": v})
    return pd.DataFrame(rows)


def test_paired_difference_of_identical_values_is_exactly_zero():
    x = [101.0, 87.5, 93.25, 120.0]
    d = paired_differences(_kpis(x, x), "base", "other").iloc[0]
    for col in ("diff_mean", "diff_ci_low", "diff_ci_high", "rel_diff_mean", "rel_ci_low"):
        assert d[col] == 0.0


def test_paired_difference_uses_the_pairing():
    # Large spread between replicates, constant difference: the paired CI is tight.
    base = np.array([100.0, 200.0, 300.0, 400.0, 500.0])
    other = base - 60.0 + np.array([0.5, -0.5, 0.25, -0.25, 0.0])
    d = paired_differences(_kpis(base, other), "base", "other").iloc[0]
    assert d["diff_mean"] == pytest.approx(-60.0)
    assert d["diff_ci_low"] < -60.0 < d["diff_ci_high"]
    assert d["rel_diff_mean"] == pytest.approx(-0.2)
    assert d["rel_ci_low"] < -0.2 < d["rel_ci_high"]
    unpaired = mean_ci(other)[2] - mean_ci(other)[1]
    assert d["diff_ci_high"] - d["diff_ci_low"] < unpaired / 10


def test_sentences():
    s = difference_sentence(
        "In-court conciliation", "pending_end", -90.0, (-105, -75), -0.18, (-0.21, -0.15)
    )
    assert s == (
        "In-court conciliation lowers pending cases at the end of the run by 18% "
        "(95% CI 15% to 21%)."
    )
    s = difference_sentence("X", "share_settled", 0.05, (0.03, 0.07), 0.9, (0.5, 1.3))
    assert "raises the share of cases settled by 5.0 percentage points" in s
    s = difference_sentence("X", "ttd_mean_days", 1.0, (-1.0, 3.0), 0.02, (-0.02, 0.06))
    assert s.startswith("X does not clearly change the mean time to disposition")
    # A baseline of rare events (backlog 0 or 2): the relative interval degenerates to
    # "-100% to -100%" while the difference is unclear; the sentence must not say "lowers".
    s = difference_sentence("X", "backlog_cases", -0.33, (-0.88, 0.21), -1.0, (-1.0, -1.0))
    assert s == (
        "X does not clearly change the backlog (cases pending beyond the statutory limit): "
        "-0.3 (95% CI -0.9 to 0.2)."
    )
    s = difference_sentence("X", "new_kpi_by_channel", 0.0, (0.0, 0.0), 0.0, (0.0, 0.0))
    assert s == "X leaves new kpi by channel unchanged (no difference in any replicate)."
