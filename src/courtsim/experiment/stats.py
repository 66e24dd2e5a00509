"""Statistics of replicated runs: t-based confidence intervals, bands, paired differences.

Pure functions over tidy long frames (one row per replicate and metric). NaN values (a
KPI undefined in some run) are left out, and ``n`` counts the replicates that remain.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy import stats

#: Level of every confidence interval.
CONFIDENCE = 0.95
#: Quantiles of the uncertainty band (10-90%).
BAND = (0.10, 0.90)


def t_halfwidth(
    sd: npt.ArrayLike, n: npt.ArrayLike, confidence: float = CONFIDENCE
) -> npt.NDArray[np.float64]:
    """Return the half-width of the t-based confidence interval of a mean.

    Args:
        sd: Sample standard deviations (ddof=1).
        n: Sample sizes; below 2 the half-width is NaN.
        confidence: Level (0-1).

    Returns:
        ``t_{(1+confidence)/2, n-1} * sd / sqrt(n)``, elementwise.
    """
    sd = np.asarray(sd, dtype=np.float64)
    n = np.asarray(n, dtype=np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        q = stats.t.ppf(0.5 + confidence / 2, np.where(n >= 2, n - 1, np.nan))
        return np.asarray(q * sd / np.sqrt(n), dtype=np.float64)


def mean_ci(values: npt.ArrayLike, confidence: float = CONFIDENCE) -> tuple[float, float, float]:
    """Return the mean of ``values`` and its t-based confidence interval.

    Args:
        values: One value per replicate (NaN left out).
        confidence: Level (0-1).

    Returns:
        ``(mean, ci_low, ci_high)``; the interval is NaN with fewer than two values.
    """
    x = np.asarray(values, dtype=np.float64)
    x = x[~np.isnan(x)]
    if x.size == 0:
        return float("nan"), float("nan"), float("nan")
    m = float(x.mean())
    sd = float(x.std(ddof=1)) if x.size > 1 else float("nan")
    h = float(t_halfwidth(sd, x.size, confidence))
    return m, m - h, m + h


def summarise(
    long: pd.DataFrame, by: list[str], value: str = "value", with_sd: bool = True
) -> pd.DataFrame:
    """Summarise replicates: mean, t-based 95% CI and 10-90% band per group.

    Args:
        long: Tidy frame with one row per replicate and group.
        by: Group columns (e.g. ``["metric"]`` or ``["day", "metric"]``).
        value: The value column.
        with_sd: Include the ``n`` and ``sd`` columns.

    Returns:
        ``by`` columns, then ``n, mean, sd`` (if ``with_sd``), ``ci_low, ci_high, p10, p90``,
        in the order the groups first appear.
    """
    g = long.groupby(by, sort=False, dropna=False)[value]
    out = g.agg(n="count", mean="mean", sd="std")  # pandas std: ddof=1
    out["p10"] = g.quantile(BAND[0])
    out["p90"] = g.quantile(BAND[1])
    h = t_halfwidth(out["sd"].to_numpy(), out["n"].to_numpy())
    out["ci_low"] = out["mean"] - h
    out["ci_high"] = out["mean"] + h
    out["n"] = out["n"].astype(np.int64)
    cols = (["n", "mean", "sd"] if with_sd else ["mean"]) + ["ci_low", "ci_high", "p10", "p90"]
    return out[cols].reset_index()


def paired_differences(
    kpis: pd.DataFrame, baseline: str, scenario: str, confidence: float = CONFIDENCE
) -> pd.DataFrame:
    """Compare one scenario with the baseline, replicate by replicate (common random numbers).

    Replicate r of both scenarios shares its random streams, so the difference
    ``d_r = scenario_r - baseline_r`` has a small variance and its mean a narrow t-based
    interval. The relative difference is ``mean(d) / mean(baseline)``, with a delta-method
    interval (the variance of ``d - rel * baseline`` over n, divided by the baseline mean
    squared).

    Args:
        kpis: Long frame with columns ``scenario, replicate, metric, value``.
        baseline: Label of the baseline in the ``scenario`` column.
        scenario: Label of the compared scenario.
        confidence: Level (0-1).

    Returns:
        One row per metric: ``metric, n, baseline_mean, scenario_mean, diff_mean,
        diff_ci_low, diff_ci_high, rel_diff_mean, rel_ci_low, rel_ci_high``. Only replicates
        where both values are defined count.
    """
    wide = kpis.pivot_table(
        index=["metric", "replicate"], columns="scenario", values="value", dropna=False
    )
    order = list(dict.fromkeys(kpis["metric"]))
    rows = []
    for metric in order:
        w = wide.loc[metric]
        x = w[baseline].to_numpy(dtype=np.float64)
        y = w[scenario].to_numpy(dtype=np.float64)
        ok = ~(np.isnan(x) | np.isnan(y))
        x, y = x[ok], y[ok]
        rows.append({"metric": metric, **_paired(x, y, confidence)})
    return pd.DataFrame(rows)


def _paired(
    x: npt.NDArray[np.float64], y: npt.NDArray[np.float64], confidence: float
) -> dict[str, float | int]:
    n = int(x.size)
    nan = float("nan")
    if n == 0:
        return dict.fromkeys(_PAIRED_COLS, nan) | {"n": 0}
    d = y - x
    xm, ym, dm = float(x.mean()), float(y.mean()), float(d.mean())
    sd = float(d.std(ddof=1)) if n > 1 else nan
    h = float(t_halfwidth(sd, n, confidence))
    if xm != 0:
        rel = dm / xm
        resid = d - rel * x
        sd_rel = float(resid.std(ddof=1)) / abs(xm) if n > 1 else nan
        hr = float(t_halfwidth(sd_rel, n, confidence))
    else:
        rel = hr = nan
    return {
        "n": n,
        "baseline_mean": xm,
        "scenario_mean": ym,
        "diff_mean": dm,
        "diff_ci_low": dm - h,
        "diff_ci_high": dm + h,
        "rel_diff_mean": rel,
        "rel_ci_low": rel - hr,
        "rel_ci_high": rel + hr,
    }


_PAIRED_COLS = (
    "baseline_mean",
    "scenario_mean",
    "diff_mean",
    "diff_ci_low",
    "diff_ci_high",
    "rel_diff_mean",
    "rel_ci_low",
    "rel_ci_high",
)
