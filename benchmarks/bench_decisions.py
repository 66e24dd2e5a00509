"""Wall time of decision questions: a regional staffing search and a national allocation.

Usage (from the repository root)::

    .venv/bin/python benchmarks/bench_decisions.py                       # both, 2 workers
    .venv/bin/python benchmarks/bench_decisions.py --only target --workers 2
    .venv/bin/python benchmarks/bench_decisions.py --only allocate --regions 4 --posts 6
    .venv/bin/python benchmarks/bench_decisions.py --only allocate --dask 1,2,4 --regions 8

``--dask 1,2,4`` runs the same allocation on local Dask clusters of 1, 2 and 4 worker
processes (one thread each) and prints each wall time as a ratio to the first, with the
rounds each waited for: a round's runs start only when the previous post is chosen, and
the look-ahead (docs/decisions.md) fills the slots beyond ``reps``, so the rounds shrink
as workers are added. On a machine with fewer cores than workers the wall time cannot
follow; the rounds show what a real cluster gains. The load average is printed before
and after each measurement: on a shared machine the wall times move with it.

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


def load() -> str:
    """Return the 1-minute load average, for the record next to a wall time."""
    return f"load {os.getloadavg()[0]:.1f}" if hasattr(os, "getloadavg") else "load n/a"


def timed_allocation(sc: courtsim.Scenario, posts: int, reps: int, **executor) -> tuple:
    """Run one allocation into a temporary folder; return it and its wall time."""
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        a = allocate(
            sc, "conciliation", posts, "backlog_cases", reps=reps, out=Path(tmp) / "a", **executor
        )
        return a, time.perf_counter() - t0


def bench_allocate(workers: int, regions: int, posts: int, reps: int) -> None:
    """Time an allocation and extrapolate to 50 posts over 20 regions with 10 replicates."""
    sc = national_with_regions(regions)
    before = load()
    cpu0 = time.process_time()
    a, wall = timed_allocation(sc, posts, reps, workers=workers)
    per_run = wall / a.n_runs
    full_runs = 10 * (2 * 20 + 50 - 1)
    print(
        f"allocation: {posts} conciliation judges over {regions} regions, {reps} replicates: "
        f"{a.n_runs} runs in {a.rounds} rounds, {wall:.1f} s wall on {workers} workers "
        f"({per_run:.2f} s a run; {before} before, {load()} after)"
    )
    if workers == 1:
        # Serial runs happen in this process, so its CPU time is the runs' own cost, which
        # other programs' load inflates far less than the wall time.
        cpu = (time.process_time() - cpu0) / a.n_runs
        print(
            f"  CPU {cpu:.2f} s a run: 50 posts over 20 regions, 10 replicates, on 2 idle "
            f"cores: {full_runs} runs x {cpu:.2f} s / 2 = {full_runs * cpu / 2 / 60:.1f} min"
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


def bench_dask_scaling(sizes: list[int], regions: int, posts: int, reps: int) -> None:
    """Run the same allocation on local Dask clusters of each size; print ratios to the first."""
    from distributed import LocalCluster

    sc = national_with_regions(regions)
    first = None
    answer = None
    for n in sizes:
        with LocalCluster(
            n_workers=n, threads_per_worker=1, processes=True, dashboard_address=":0"
        ) as cluster:
            before = load()
            a, wall = timed_allocation(sc, posts, reps, scheduler=cluster.scheduler_address)
        first = first or wall
        answer = answer or a.steps
        same = "same answer" if a.steps == answer else "DIFFERENT ANSWER"
        print(
            f"dask {n} workers: {wall:.1f} s wall ({wall / first:.2f} x the {sizes[0]}-worker "
            f"time), {a.n_runs} runs in {a.rounds} rounds, {same} ({before} before, "
            f"{load()} after)"
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
    p.add_argument("--dask", help="allocation on local Dask clusters of these sizes, e.g. 1,2,4")
    args = p.parse_args()
    print(f"courtsim {courtsim.__name__} decision benchmarks, {os.cpu_count()} cores visible")
    if args.only in (None, "target"):
        bench_target(args.workers, args.target)
    if args.dask:
        sizes = [int(x) for x in args.dask.split(",")]
        bench_dask_scaling(sizes, args.regions, args.posts, args.reps)
    elif args.only in (None, "allocate"):
        bench_allocate(args.workers, args.regions, args.posts, args.reps)


if __name__ == "__main__":
    main()
