"""Wall time of decision questions: a regional staffing search and a national allocation.

Usage (from the repository root)::

    .venv/bin/python benchmarks/bench_decisions.py                       # both, 2 workers
    .venv/bin/python benchmarks/bench_decisions.py --only target --workers 2
    .venv/bin/python benchmarks/bench_decisions.py --only allocate --regions 4 --posts 6

**Target search.** ``courtsim staffing`` on the regional in-court scenario
(``scenarios/in_court.yaml``: one region, 25 judges, one year), lever ``conciliation``,
target ``ttd_mean_days<=T`` over levels 0..9 (10 levels), at most 20 replicates a level.
The design target (design.md §5 via issue 12) is under 2 minutes on 2 cores.

**Allocation.** ``courtsim allocate`` of ``--posts`` conciliation judges over ``--regions``
regions cut from the national scenario (``kz_national_2024.yaml``: 400,000 claims, 945
judges), with ``--reps`` paired replicates, KPI ``backlog_cases``. Greedy allocation runs
``reps x (2 x regions + posts - 1)`` region-runs at most (each region at its current level
and one more, then one new level per post), so the time of a smaller case extrapolates to
the 50-posts-over-20-regions question by that count times the measured time per run (a
region's run costs about the same whatever the number of regions: each has 1/regions of
the country). The design target for that question is under 30 minutes on 2 cores.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

import courtsim
from courtsim.experiment.allocate import allocate
from courtsim.experiment.sequential import Budget
from courtsim.experiment.target import find_level

ROOT = Path(__file__).resolve().parents[1]


def national_with_regions(n: int) -> courtsim.Scenario:
    """Return the national scenario split into ``n`` regions of unequal size (1, 2, ..., n)."""
    sc = courtsim.load_scenario(ROOT / "scenarios" / "kz_national_2024.yaml")
    total = n * (n + 1) / 2
    courts = {
        f"region_{i:02d}": {"judge_share": i / total, "filing_share": i / total}
        for i in range(1, n + 1)
    }
    return sc.with_overrides({"courts": courts}, source="bench_decisions")


def bench_target(workers: int, target: str) -> None:
    """Time one regional staffing search and print what it found."""
    sc = courtsim.load_scenario(ROOT / "scenarios" / "in_court.yaml")
    t0 = time.perf_counter()
    r = find_level(sc, "conciliation", target, (0, 9), budget=Budget(), workers=workers)
    wall = time.perf_counter() - t0
    reps = sum(e.n_runs for e in r.levels.values())
    print(
        f"target search: {target} over levels 0-9 of {r.lever.describe()}: {r.status}, "
        f"answer {r.answer}; {len(r.levels)} levels, {reps} runs, {wall:.1f} s wall on "
        f"{workers} workers ({wall / reps:.2f} s a run; target < 120 s)"
    )
    print("  " + r.sentence())


def bench_allocate(workers: int, regions: int, posts: int, reps: int) -> None:
    """Time an allocation and extrapolate to 50 posts over 20 regions with 10 replicates."""
    sc = national_with_regions(regions)
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        a = allocate(
            sc,
            "conciliation",
            posts,
            "backlog_cases",
            reps=reps,
            workers=workers,
            out=Path(tmp) / "alloc",
        )
        wall = time.perf_counter() - t0
    per_run = wall / a.n_runs
    full_runs = 10 * (2 * 20 + 50 - 1)
    print(
        f"allocation: {posts} conciliation judges over {regions} regions, {reps} replicates: "
        f"{a.n_runs} runs, {wall:.1f} s wall on {workers} workers ({per_run:.2f} s a run)"
    )
    print(f"  added: {', '.join(f'{g} +{k}' for g, k in a.added.items() if k)}")
    caveat = (
        ""
        if regions == 20
        else f"; measured at {regions} regions, whose runs are longer than at 20 (a region "
        f"has 1/{regions} of the country), so this overstates the time"
    )
    print(
        f"  extrapolated, 50 posts over 20 regions with 10 replicates: {full_runs} runs x "
        f"{per_run:.2f} s = {full_runs * per_run / 60:.1f} min (target < 30 min){caveat}"
    )


def main() -> None:
    """Parse options and run the benchmarks."""
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--only", choices=("target", "allocate"))
    p.add_argument("--workers", type=int, default=min(2, os.cpu_count() or 1))
    p.add_argument("--target", default="ttd_mean_days<=31", help="the staffing target")
    p.add_argument("--regions", type=int, default=20)
    p.add_argument("--posts", type=int, default=50)
    p.add_argument("--reps", type=int, default=10)
    args = p.parse_args()
    print(f"courtsim {courtsim.__name__} decision benchmarks, {os.cpu_count()} cores visible")
    if args.only in (None, "target"):
        bench_target(args.workers, args.target)
    if args.only in (None, "allocate"):
        bench_allocate(args.workers, args.regions, args.posts, args.reps)


if __name__ == "__main__":
    main()
