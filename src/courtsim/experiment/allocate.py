"""Share N new posts among the regions of a national scenario to improve a national KPI most.

``courtsim allocate scenarios/kz_national_2024.yaml --lever conciliation --posts 50
--kpi backlog_cases`` gives the posts one at a time, each to the region where one more
post improves the national KPI most (greedy marginal allocation). Each region is run on
its own (:func:`courtsim.experiment.levers.region_scenario`; the engine's courts share
nothing), so a post's effect needs only that region's runs. Every region and level uses
the same replicates 0..R-1 of the same seed (common random numbers), so marginal values
are compared on paired replicates and identical regions get identical curves.

National KPI: counts (backlog, pending, disposed, ...) add up over regions; every other
KPI (times, shares, rates) is the filing-weighted mean of the regions' values, each
region weighted by its ``filing_share`` (the population-weighted figure when filings
follow population, as the shipped scenarios assume).

Greedy allocation is optimal when each region's gains shrink as it gets more posts
(diminishing returns), which queues have; ties go to the region with fewer added posts,
then to the region listed first.

**Rounds.** Each post needs only the chosen region's next level (``reps`` runs): every
other region's level, and so its paired runs, is unchanged and reused. That is the fewest
runs exact greedy can do (``reps x (2 x regions + posts - 1)``), but one post's runs
cannot start before the previous post is chosen, so a round keeps at most ``reps``
workers busy. With more slots than that (a Dask cluster), each round also runs, ahead of
need, the next levels the coming posts are likeliest to ask for (:func:`_ahead`). The
choices use only the values of the levels they compare, which are the same whenever they
were run, so the answer does not depend on the look-ahead or the executor; the look-ahead
only adds runs that may go unused (kept in ``results.parquet``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from courtsim.experiment.executor import make_executor
from courtsim.experiment.levers import (
    LeverError,
    at_level,
    current_level,
    parse_lever,
    region_scenario,
)
from courtsim.experiment.progress import Progress
from courtsim.experiment.questions import check_folder, finish, session
from courtsim.experiment.runcache import RunCache
from courtsim.experiment.sequential import DecisionError, paired_difference
from courtsim.experiment.stats import mean_ci
from courtsim.experiment.target import check_kpi
from courtsim.experiment.worker import probe_names
from courtsim.schema.scenario import Scenario, load_scenario

if TYPE_CHECKING:
    from distributed import Client

#: KPIs that are counts of cases: the national figure is the regions' sum.
COUNT_KPIS = frozenset(
    {"backlog_cases", "pending_end", "pending_start", "incoming", "resolved", "disposed"}
)
#: KPIs where more is better (all others: less is better).
HIGHER_IS_BETTER = frozenset(
    {
        "clearance_rate",
        "case_turnover_ratio",
        "resolved",
        "disposed",
        "share_within_30_days",
        "share_within_60_days",
        "share_within_90_days",
        "share_within_statutory_limit",
        "share_settled",
        "reconciliation_share_incl_pre_court",
    }
)


def posts_from_budget(budget_kzt: float | None, cost_per_post_kzt: float | None) -> int:
    """Return how many posts a budget buys.

    Args:
        budget_kzt: The budget, KZT.
        cost_per_post_kzt: The cost of one post, KZT.

    Returns:
        ``floor(budget / cost)``.

    Raises:
        DecisionError: The cost is missing or not positive, or the budget buys no post.
    """
    if (
        cost_per_post_kzt is None
        or not cost_per_post_kzt > 0
        or not math.isfinite(cost_per_post_kzt)
    ):
        raise DecisionError(
            "a budget needs the cost of one post: give --cost-per-post-kzt, a positive number "
            f"(got {cost_per_post_kzt})",
            source="--cost-per-post-kzt",
        )
    if budget_kzt is None or not math.isfinite(budget_kzt) or budget_kzt < cost_per_post_kzt:
        raise DecisionError(
            f"a budget of {budget_kzt} KZT does not buy one post at {cost_per_post_kzt:,.0f} KZT",
            source="--budget-kzt",
        )
    return int(budget_kzt // cost_per_post_kzt)


@dataclass
class AllocationResult:
    """Where the posts went, and what each region's KPI does.

    Attributes:
        scenario_name: The national scenario.
        lever: The lever's name.
        kpi: The KPI.
        regions: Region names, in the scenario's order.
        weights: Each region's weight in the national KPI (1 for counts).
        current: Posts each region has now.
        added: Posts given to each region.
        values: KPI per region and level: one value per replicate.
        steps: ``(post number, region, national gain)`` in the order given.
        replicates: Paired replicates.
        seed: Master seed.
        n_runs: Runs used.
        rounds: Rounds of runs waited for one after the other (the critical path).
        out: Results folder, or None.
    """

    scenario_name: str
    lever: str
    kpi: str
    regions: list[str]
    weights: dict[str, float]
    current: dict[str, int]
    added: dict[str, int]
    values: dict[str, dict[int, npt.NDArray[np.float64]]]
    steps: list[tuple[int, str, float]] = field(default_factory=list)
    replicates: int = 0
    seed: int = 1
    n_runs: int = 0
    rounds: int = 0
    out: Path | None = None

    def _national(self, levels: dict[str, int]) -> npt.NDArray[np.float64]:
        return sum(self.weights[g] * self.values[g][levels[g]] for g in self.regions)

    @property
    def national(self) -> dict[str, float]:
        """National KPI before and after, and their paired difference with its 95% CI."""
        before = self._national(self.current)
        after = self._national({g: self.current[g] + self.added[g] for g in self.regions})
        d, lo, hi = paired_difference(before, after)
        return {
            "before": float(np.nanmean(before)),
            "after": float(np.nanmean(after)),
            "diff": d,
            "diff_low": lo,
            "diff_high": hi,
        }

    def table(self) -> pd.DataFrame:
        """Return one row per region: posts, KPI before and after (95% CI), last post's value."""
        rows = []
        for g in self.regions:
            now, add = self.current[g], self.added[g]
            b = mean_ci(self.values[g][now])
            a = mean_ci(self.values[g][now + add])
            last = (now + add - 1, now + add) if add else (now, now + 1)
            m = paired_difference(self.values[g][last[0]], self.values[g][last[1]])
            rows.append(
                {
                    "region": g,
                    "weight": self.weights[g],
                    "current": now,
                    "added": add,
                    "before": b[0],
                    "before_low": b[1],
                    "before_high": b[2],
                    "after": a[0],
                    "after_low": a[1],
                    "after_high": a[2],
                    "marginal": m[0],
                    "marginal_low": m[1],
                    "marginal_high": m[2],
                }
            )
        return pd.DataFrame(rows)

    def as_dict(self) -> dict[str, Any]:
        """Return the answer for the manifest."""
        return {
            "added": self.added,
            "national": self.national,
            "steps": [list(s) for s in self.steps],
            "n_runs": self.n_runs,
        }


def allocate(
    scenario: str | Path | Scenario,
    lever: str,
    posts: int,
    kpi: str,
    reps: int = 10,
    seed: int = 1,
    workers: int | None = None,
    scheduler: str | Client | None = None,
    out: str | Path | None = None,
    resume: bool = False,
    progress: bool = False,
    timeout_s: float = 10.0,
    lookahead: int | None = None,
) -> AllocationResult:
    """Give ``posts`` new posts of ``lever`` to the regions, one at a time, greedily.

    Args:
        scenario: A scenario with at least two courts (regions), or its file.
        lever: ``conciliation``, ``mediators.<kind>`` or ``judges``.
        posts: Posts to add (at least 1).
        kpi: The national KPI to improve (``backlog_cases``, ``ttd_mean_days``, ...).
        reps: Paired replicates per region and level (at least 2).
        seed: Master seed.
        workers: Local processes (1 = serial, None = every core).
        scheduler: Dask scheduler address or client.
        out: Results folder (None: nothing on disk).
        resume: Continue the allocation already in ``out``.
        progress: Progress bar on stderr.
        timeout_s: Seconds to wait for the Dask scheduler.
        lookahead: Levels each round runs ahead of need (None: as many as fill the
            executor's idle slots, ``slots // reps - 1``). It never changes the answer.

    Returns:
        The allocation.

    Raises:
        DecisionError: The KPI does not exist, or posts/reps are out of range.
        LeverError: The lever is unusable or the scenario has one court.
        ResultsError: ``out`` cannot be used.
        RunsFailedError: A run failed.

    Example:
        >>> a = allocate("scenarios/kz_national_2024.yaml", "conciliation", 10, "backlog_cases")
        >>> a.table()
    """
    sc = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
    lv = parse_lever(lever)
    if len(sc.courts) < 2:
        raise LeverError(
            "allocation shares posts among regions, but the scenario has one court; use "
            "`courtsim staffing` for one court's question",
            source="--lever",
        )
    if posts < 1 or reps < 2:
        what, v = ("--posts", posts) if posts < 1 else ("--reps", reps)
        raise DecisionError(f"must be at least {1 if posts < 1 else 2} (got {v})", source=what)
    check_kpi(kpi, probe_names(sc)[0], source="--kpi")
    regions = list(sc.courts)
    base = {g: region_scenario(sc, g) for g in regions}
    current = {g: current_level(base[g], lv) for g in regions}
    shares = {g: sc.courts[g].filing_share for g in regions}
    total = sum(shares.values()) or 1.0
    weights = {g: 1.0 if kpi in COUNT_KPIS else shares[g] / total for g in regions}
    sign = -1.0 if kpi in HIGHER_IS_BETTER else 1.0  # gain = sign * (KPI now - KPI next)
    question = {
        "scenario": sc.name,
        "scenario_hash": sc.content_hash(),
        "lever": lv.name,
        "posts": posts,
        "kpi": kpi,
        "reps": reps,
        "seed": seed,
    }
    out_path = Path(out) if out is not None else None
    if out_path is not None:
        check_folder(out_path, "allocate", question, resume)
    with (
        make_executor(workers, scheduler, timeout_s) as ex,
        session(out_path, "allocate", question, ex.describe()) as (store, manifest),
    ):
        bar = Progress(0, f"allocate {lv.name}")
        bar.enabled = progress  # its total grows post by post
        cache = RunCache(ex, [kpi], seed, store, bar)
        result = AllocationResult(
            sc.name,
            lv.name,
            kpi,
            regions,
            weights,
            current,
            dict.fromkeys(regions, 0),
            {g: {} for g in regions},
            replicates=reps,
            seed=seed,
            out=out_path,
        )

        ahead = max(0, ex.slots // reps - 1) if lookahead is None else max(0, lookahead)

        def need(pairs: list[tuple[str, int]]) -> None:
            todo = [(g, k) for g, k in pairs if k not in result.values[g]]
            if not todo:
                return
            # Largest regions first: their runs are the longest, and a pool that starts
            # them last idles its other workers at the end of the round.
            todo.sort(key=lambda gk: -base[gk[0]].judges.count)
            scen = {(g, k): at_level(base[g], lv, k) for g, k in todo}
            cache.ensure(
                (f"{g}:{lv.name}={k}", scen[g, k], r) for g, k in todo for r in range(reps)
            )
            for g, k in todo:
                result.values[g][k] = cache.values(scen[g, k], kpi, reps)
            result.rounds += 1

        try:
            need([(g, current[g]) for g in regions] + [(g, current[g] + 1) for g in regions])
            for post in range(1, posts + 1):
                gains = {}
                for g in regions:
                    k = current[g] + result.added[g]
                    now, nxt = result.values[g][k], result.values[g][k + 1]
                    gains[g] = sign * weights[g] * float(np.nanmean(now - nxt))
                best = max(regions, key=lambda g: (gains[g], -result.added[g]))
                result.added[best] += 1
                result.steps.append((post, best, gains[best]))
                if post < posts:
                    level = {g: current[g] + result.added[g] for g in regions}
                    known = {g: max(result.values[g]) for g in regions}
                    spare = _ahead(level, known, gains, best, posts - post, ahead)
                    need([(best, level[best] + 1), *spare])
        finally:
            bar.close()
        result.n_runs = cache.ran + cache.reused
        finish(
            store,
            manifest,
            {"results": cache.table(), "regions": result.table()},
            result.as_dict(),
        )
    return result


def _ahead(
    level: dict[str, int],
    known: dict[str, int],
    gains: dict[str, float],
    best: str,
    posts_left: int,
    n: int,
) -> list[tuple[str, int]]:
    """Return up to ``n`` levels the coming posts are likeliest to need, to run now.

    A region at ``level`` whose highest level run is ``known`` needs ``known + 1`` once it
    has won ``known - level`` more posts; levels that fewer wins away come first, and
    among those the regions with the larger last gain (the likelier winners). Only levels
    the remaining posts can still reach are proposed. This choice affects when runs are
    made, never which posts go where.

    Args:
        level: Each region's level after this round's post.
        known: Each region's highest level with runs.
        gains: Each region's gain from its next post, as last compared.
        best: The region given this round's post (its next level is run anyway).
        posts_left: Posts still to give after this round's.
        n: Levels to propose at most.

    Returns:
        ``(region, level)`` pairs, likeliest first.
    """
    if n <= 0:
        return []
    options = []
    for g, k in level.items():
        nxt = max(known[g], k + 1 if g == best else known[g]) + 1  # best's k+1 runs anyway
        wins = nxt - 1 - k  # posts g must still win before it compares level nxt
        if 1 <= wins < posts_left:
            options.append((wins, -gains[g], g, nxt))
    options.sort(key=lambda o: o[:2])  # stable: ties keep the regions' order
    return [(g, nxt) for _, _, g, nxt in options[:n]]
