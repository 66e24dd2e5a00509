"""The court core against textbook queues (design.md §6, courtsim.oracles).

``scenarios/validation/mmc.yaml`` reduces the engine to M/M/c: Poisson filings every day,
exponential judge effort, one case at a time, one FIFO queue per court, no delays or
exits other than judgment. The hearing process reduces to its last step: with no
preparation session and no main hearing, an accepted case goes straight to the judge's
desk, whose c judges are the c servers. Times are read at the fraction of the judge's day
when the decision's writing starts and ends (``t_desk_start``, ``t_desk_done``), so short
services (a mean of 2 days) are measured without the day's rounding. Each point below runs
R replications (``simulate(sc, seed=SEED, replicate=r)``) and, to get more independent
queues per simulated day, splits the system into K identical courts. Pooled courts keep
one queue per court (M/M/c, one sample per replicate and court); under random assignment
each judge is an M/M/1 queue of its own (one sample per replicate and judge).

Estimates pool the cases of all samples (a ratio estimator: total time / number of
cases) and take their standard error from the spread of the per-sample totals (delta
method); a plain mean of per-sample means is biased low when samples are small, since
busy stretches have both more cases and longer waits. Tolerances: ``4 * se + 10%`` of theory for times in
system, waits and Little's law (design.md §6). The master seed is fixed, chosen before
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


REL_TOL = 0.10  # of theory, on top of 4 standard errors (design.md §6)


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
    assignment: str = "pooled"  # or "random": c independent M/M/1 queues per court

    @property
    def rho(self) -> float:
        return self.lam / (self.c * self.mu)

    @property
    def servers(self) -> int:
        """Servers of one sample's queue."""
        return self.c if self.assignment == "pooled" else 1

    @property
    def lam_sample(self) -> float:
        """Arrival rate of one sample's queue."""
        return self.lam if self.assignment == "pooled" else self.lam / self.c

    @property
    def samples_per_run(self) -> int:
        return self.courts if self.assignment == "pooled" else self.courts * self.c


# Relaxation time of a queue started empty ~ 1 / (c mu (1 - sqrt rho)^2).
POINTS = [
    # Pooled M/M/1, rho 0.6: W = 75 days; relaxation 590 days.
    Point("mm1_rho060", 0.02, 1 / 30, 1, 16, 8_000, 2_400, 800, 4),
    # Pooled M/M/5, rho 0.75: Wq = 6.9, W = 36.9 days.
    Point("mm5_rho075", 0.125, 1 / 30, 5, 4, 5_000, 800, 400, 6),
    # Pooled M/M/20, rho 0.9 (heavy load): Wq = 9.5, W = 39.5 days; relaxation 570 days.
    Point("mm20_rho090", 0.6, 1 / 30, 20, 1, 6_000, 2_000, 400, 8),
    # Pooled M/M/5 with short services (a mean of 2 days), rho 0.8: W = 2.9 days.
    Point("mm5_short_rho080", 2.0, 0.5, 5, 8, 1_500, 300, 100, 4),
    # Random assignment: 5 judges, each an M/M/1 queue at rho 0.6: W = 75 days.
    Point("random5_rho060", 0.1, 1 / 30, 5, 4, 8_000, 2_400, 800, 4, "random"),
    # Random assignment, short services, rho 0.9: each judge's M/M/1 has W = 20 days;
    # relaxation 760 days.
    Point("random10_short_rho090", 4.5, 0.5, 10, 1, 8_000, 3_000, 300, 4, "random"),
]


def mmc_scenario(p: Point) -> Scenario:
    overrides: dict = {
        "judges.count": p.c * p.courts,
        "filings.per_year": p.lam * p.courts * 365,
        "horizon_days": p.horizon,
        "reporting.warmup_days": p.warmup,
        "case_types.general.effort_hours": {"dist": "exponential", "mean": 1 / p.mu},
        "judges.assignment": p.assignment,
    }
    if p.courts > 1:
        share = 1 / p.courts
        overrides["courts"] = {
            "_replace": True,  # these courts instead of the file's one (a mapping merges)
            **{f"court{i}": {"judge_share": share, "filing_share": share} for i in range(p.courts)},
        }
    sc = load_scenario(MMC).with_overrides(overrides)
    # The reduction to M/M/c relies on these settings of the file; fail loudly if it changes.
    assert sc.judges.hours_per_day == 1.0
    assert sc.judges.availability == 1.0
    assert sc.judges.assignment == p.assignment
    assert sc.judges.max_parallel_cases == 1
    # The hearing process reduces to the desk: no session before the decision.
    assert all(not t.preliminary_hearing for t in sc.case_types.values())
    assert all(t.main_hearings.mean() == 0 for t in sc.case_types.values())
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
        # Every case went straight to the desk and was decided the day its writing ended.
        np.testing.assert_array_equal(
            np.floor(window["t_desk_done"].to_numpy()), window["t_disposed"].to_numpy()
        )
        assert (window["n_booked"] == 0).all()
        w = (window["t_desk_start"] - window["t_filed"]).to_numpy()
        t = (window["t_desk_done"] - window["t_filed"]).to_numpy()
        ns = p.samples_per_run
        if p.assignment == "pooled":
            group = window["court"].cat.codes.to_numpy()
        else:
            group = window["judge"].to_numpy()
        n.append(np.bincount(group, minlength=ns))
        wait.append(np.bincount(group, weights=w, minlength=ns))
        tis.append(np.bincount(group, weights=t, minlength=ns))
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
        # Little's law per court, with the integer days of the daily table.
        t_int = (window["t_disposed"] - window["t_filed"]).to_numpy()
        tis_court = np.bincount(
            window["court"].cat.codes.to_numpy(), weights=t_int, minlength=p.courts
        )
        gap.append((per_court.sum(1) - tis_court) / days.size)
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
    lam, c = p.lam_sample, p.servers
    wq_theory = oracles.mmc_wait_in_queue(lam, p.mu, c)
    w_theory = (
        oracles.mm1_time_in_system(lam, p.mu)
        if c == 1
        else oracles.mmc_time_in_system(lam, p.mu, c)
    )
    wq, wq_se = ratio_mean(s.wait, s.n)
    w, w_se = ratio_mean(s.tis, s.n)
    # The standard errors must be real (more than one distinct sample) and small enough
    # for the comparison to mean something: a tenth of the quantity compared.
    assert 0 < w_se < 0.1 * w_theory
    assert 0 < wq_se < 0.1 * w_theory
    # Waits within 10% of the time in system (a wait can be near 0 at light load).
    assert abs(wq - wq_theory) <= 4 * wq_se + REL_TOL * w_theory, (
        f"{p.name}: Wq {wq:.3f} (se {wq_se:.3f}) vs Erlang C {wq_theory:.3f}"
    )
    assert abs(w - w_theory) <= 4 * w_se + REL_TOL * w_theory, (
        f"{p.name}: W {w:.3f} (se {w_se:.3f}) vs theory {w_theory:.3f}"
    )
    # Little's law, twice. (1) The daily stock and the cases' (whole-day) times account for
    # the same case-days: the window's edge effects cancel in expectation in a stationary run.
    gap, gap_se = mean_se(s.little_gap)
    assert abs(gap) <= 4 * gap_se, f"{p.name}: L - lam W = {gap:.3f} (se {gap_se:.3f})"
    # (2) The time-average of pending cases (per court) matches lam * W of the theory. The
    # daily stock, read at the end of each day, no longer counts a case on the day it is
    # decided: it misses the decision day's fraction, half a day per case on average.
    l_est, l_se = mean_se(s.pending_mean)
    l_theory = oracles.littles_law_L(p.lam, w_theory - 0.5)
    assert abs(l_est - l_theory) <= 4 * l_se + REL_TOL * l_theory, (
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
    t = (window["t_desk_done"] - window["t_filed"]).to_numpy()
    w, w_se = mean_se(t)
    assert abs(w - 1 / mu) <= 4 * w_se + REL_TOL / mu, f"W {w:.2f} (se {w_se:.2f})"
