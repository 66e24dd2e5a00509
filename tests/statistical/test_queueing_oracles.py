"""The court core against textbook queues (design.md §6, courtsim.oracles).

``scenarios/validation/mmc.yaml`` reduces the engine to M/M/c: Poisson filings every day,
exponential judge effort, one case at a time, one FIFO queue per court, no delays or
exits other than judgment. Each point below runs R replications
(``simulate(sc, seed=SEED, replicate=r)``) and, to get more independent queues per
simulated day, splits the system into K identical courts (each its own M/M/c queue:
pooled assignment keeps one queue per court). Each (replicate, court) is one sample.

Estimates pool the cases of all samples (a ratio estimator: total time / number of
cases) and take their standard error from the spread of the per-sample totals (delta
method); a plain mean of per-sample means is biased low when samples are small, since
busy stretches have both more cases and longer waits. Tolerances follow
``courtsim.oracles``: ``4 * se + BIAS_DAYS`` for times in system and
``4 * se + BIAS_DAYS * P(wait)`` for waits. The master seed is fixed, chosen before
looking at any result.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest

from courtsim import Scenario, load_scenario, oracles, simulate
from tests.conftest import SCENARIOS

pytestmark = [pytest.mark.statistical, pytest.mark.slow]

MMC = SCENARIOS / "validation" / "mmc.yaml"
SEED = 20240601


@dataclass(frozen=True)
class Point:
    """One queue to check; rates per day and per court."""

    name: str
    lam: float  # arrival rate of one court, cases a day
    mu: float  # service rate of one judge, cases a day
    c: int  # judges per court
    courts: int  # independent identical courts in one run
    horizon: int
    warmup: int  # >= 4 relaxation times of the queue started empty
    cooldown: int  # cases filed in the last `cooldown` days are left out (censoring)
    reps: int

    @property
    def rho(self) -> float:
        return self.lam / (self.c * self.mu)


POINTS = [
    # M/M/1, rho 0.5: W = 60 days; relaxation time 1/(mu (1 - sqrt rho)^2) = 350 days.
    Point("mm1_rho050", 1 / 60, 1 / 30, 1, 16, 10_800, 2_000, 800, 6),
    # M/M/5, rho 0.6: Wq = 3.54, W = 33.5 days.
    Point("mm5_rho060", 0.1, 1 / 30, 5, 4, 5_000, 600, 400, 8),
    # M/M/20, rho 0.75 (the shipped file as it is): Wq = 0.96, W = 31.0 days.
    Point("mm20_rho075", 0.5, 1 / 30, 20, 1, 4_000, 500, 400, 10),
]


def mmc_scenario(p: Point) -> Scenario:
    overrides: dict = {
        "judges.count": p.c * p.courts,
        "filings.per_year": p.lam * p.courts * 365,
        "horizon_days": p.horizon,
        "reporting.warmup_days": p.warmup,
        "case_types.general.effort_hours": {"dist": "exponential", "mean": 1 / p.mu},
    }
    if p.courts > 1:
        share = 1 / p.courts
        overrides["courts"] = {
            f"court{i}": {"judge_share": share, "filing_share": share} for i in range(p.courts)
        }
    sc = load_scenario(MMC).with_overrides(overrides)
    # The reduction to M/M/c relies on these settings of the file; fail loudly if it changes.
    assert sc.judges.hours_per_day == 1.0
    assert sc.judges.availability == 1.0
    assert sc.judges.assignment == "pooled"
    assert sc.judges.max_parallel_cases == 1
    assert sc.calendar.weekend_days == ()
    assert sc.calendar.holidays == ()
    assert sc.judges_per_court() == dict.fromkeys(sc.courts, p.c)
    return sc


@dataclass
class Samples:
    n: np.ndarray  # cases per sample
    wait: np.ndarray  # total wait in queue per sample, days
    tis: np.ndarray  # total time in system per sample, days
    little_gap: np.ndarray  # per sample: (sum of daily pending - sum of TIS) / days
    pending_mean: np.ndarray  # per sample: time-average of daily pending over the window


def collect(p: Point) -> Samples:
    sc = mmc_scenario(p)
    lo, hi = p.warmup, p.horizon - p.cooldown
    n, wait, tis, gap, pend = [], [], [], [], []
    for r in range(p.reps):
        res = simulate(sc, seed=SEED, replicate=r)
        cases = res.cases
        filed = cases["t_filed"].to_numpy()
        sel = (filed > lo) & (filed <= hi)
        window = cases[sel]
        # Every case of the window must be finished, or the means would be censored.
        assert window["t_disposed"].notna().all(), f"{p.name}: censored cases, raise cooldown"
        assert (window["outcome"].astype(str) == "judgment").all()
        w = (window["t_work_start"] - window["t_filed"]).to_numpy()
        t = (window["t_disposed"] - window["t_filed"]).to_numpy()
        court = window["court"].cat.codes.to_numpy()
        n.append(np.bincount(court, minlength=p.courts))
        wait.append(np.bincount(court, weights=w, minlength=p.courts))
        tis.append(np.bincount(court, weights=t, minlength=p.courts))
        # Daily pending per court over the window, recounted from each case's filing and
        # disposal days; together they must be exactly the daily n_pending series.
        f_all = cases["t_filed"].to_numpy()
        g_all = cases["t_disposed"].fillna(np.inf).to_numpy()
        c_all = cases["court"].cat.codes.to_numpy()
        days = np.arange(lo + 1, hi + 1)[:, None]
        per_court = np.stack(
            [
                ((f_all[c_all == k] <= days) & (days < g_all[c_all == k])).sum(1)
                for k in range(p.courts)
            ]
        )
        np.testing.assert_array_equal(
            per_court.sum(0), res.daily.loc[lo + 1 : hi, "n_pending"].to_numpy()
        )
        gap.append((per_court.sum(1) - tis[-1]) / days.size)
        pend.append(per_court.mean(1))
    return Samples(
        np.concatenate(n),
        np.concatenate(wait),
        np.concatenate(tis),
        np.concatenate(gap),
        np.concatenate(pend),
    )


def ratio_mean(totals: np.ndarray, counts: np.ndarray) -> tuple[float, float]:
    """Pooled mean sum(totals)/sum(counts) and its delta-method standard error."""
    s = counts.size
    r = totals.sum() / counts.sum()
    resid = totals - r * counts
    se = np.sqrt((resid**2).sum() / (s * (s - 1))) / counts.mean()
    return float(r), float(se)


def mean_se(x: np.ndarray) -> tuple[float, float]:
    return float(x.mean()), float(x.std(ddof=1) / np.sqrt(x.size))


@pytest.mark.parametrize("p", POINTS, ids=lambda p: p.name)
def test_mean_wait_and_time_in_system_match_erlang_c(p: Point):
    s = collect(p)
    assert s.n.min() > 50, "too few cases per sample for the ratio estimator"
    p_wait = oracles.mmc_prob_wait(p.lam, p.mu, p.c)
    wq_theory = oracles.mmc_wait_in_queue(p.lam, p.mu, p.c)
    w_theory = (
        oracles.mm1_time_in_system(p.lam, p.mu)
        if p.c == 1
        else oracles.mmc_time_in_system(p.lam, p.mu, p.c)
    )
    wq, wq_se = ratio_mean(s.wait, s.n)
    w, w_se = ratio_mean(s.tis, s.n)
    # The standard errors must be real (more than one distinct sample) and small enough
    # for the comparison to mean something: a tenth of the quantity compared.
    assert 0 < w_se < 0.1 * w_theory
    assert 0 < wq_se < 0.1 * w_theory
    assert abs(wq - wq_theory) <= 4 * wq_se + oracles.BIAS_DAYS * p_wait, (
        f"{p.name}: Wq {wq:.3f} (se {wq_se:.3f}) vs Erlang C {wq_theory:.3f}"
    )
    assert abs(w - w_theory) <= 4 * w_se + oracles.BIAS_DAYS, (
        f"{p.name}: W {w:.3f} (se {w_se:.3f}) vs theory {w_theory:.3f}"
    )
    # Little's law, twice. (1) The daily stock and the cases' times account for the same
    # case-days: the window's edge effects cancel in expectation in a stationary run.
    gap, gap_se = mean_se(s.little_gap)
    assert abs(gap) <= 4 * gap_se, f"{p.name}: L - lam W = {gap:.3f} (se {gap_se:.3f})"
    # (2) The time-average of pending cases (per court) matches lam * W of the theory.
    l_est, l_se = mean_se(s.pending_mean)
    l_theory = oracles.littles_law_L(p.lam, w_theory)
    assert abs(l_est - l_theory) <= 4 * l_se + p.lam * oracles.BIAS_DAYS, (
        f"{p.name}: L {l_est:.3f} (se {l_se:.3f}) vs lam W {l_theory:.3f}"
    )


def test_infinite_server_limit_never_waits():
    # M/M/inf in practice: 200 judges for an offered load of 15 (P(all busy) < 1e-80).
    # No case may wait at all, and the time in system is the service time alone,
    # i.i.d. exponential with mean 1/mu (recorded floored: BIAS_DAYS covers it).
    lam, mu, c = 0.5, 1 / 30, 200
    assert oracles.mmc_prob_wait(lam, mu, c) < 1e-80
    p = Point("mminf", lam, mu, c, 1, 1_600, 300, 300, 1)
    res = simulate(mmc_scenario(p), seed=SEED)
    cases = res.cases
    sel = (cases["t_filed"] > p.warmup) & (cases["t_filed"] <= p.horizon - p.cooldown)
    window = cases[sel]
    assert len(window) > 400
    np.testing.assert_array_equal(window["t_work_start"].to_numpy(), window["t_filed"].to_numpy())
    t = (window["t_disposed"] - window["t_filed"]).to_numpy()
    w, w_se = mean_se(t)
    assert abs(w - 1 / mu) <= 4 * w_se + oracles.BIAS_DAYS, f"W {w:.2f} (se {w_se:.2f})"
