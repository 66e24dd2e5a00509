"""Throughput of experiments: runs per minute serially, on the local pool and on Dask.

Usage (from the repository root)::

    .venv/bin/python benchmarks/bench_experiments.py                 # 40 runs each way
    .venv/bin/python benchmarks/bench_experiments.py --runs 80 --sweep 1000

Each way runs the same replicates of the regional baseline scenario (one year, 25 judges,
10,500 claims) and checks that they give identical KPIs. Wall times include everything a
user waits for: starting the local pool, connecting to the Dask cluster and importing
courtsim on its workers (the cluster itself is started beforehand, as an existing cluster
would be). ``--sweep N`` also times an N-run sweep (a grid of judges x filings x
replicates) on the local pool, written to a temporary folder as ``courtsim sweep`` does.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

import pandas as pd
import yaml

import courtsim
from courtsim.experiment.sweep import sweep

ROOT = Path(__file__).resolve().parents[1]
BASELINE = ROOT / "scenarios" / "baseline.yaml"


def _burn(n: int) -> int:
    s = 0
    for i in range(n):
        s += i * i
    return s


def machine_scaling(workers: int) -> float:
    """Speed-up of a pure-Python loop on ``workers`` processes: what the machine allows now.

    On a quiet machine with ``workers`` free cores this is close to ``workers``; when other
    jobs hold the cores it is lower, and so are the pool's and Dask's ratios below.
    """
    import multiprocessing as mp

    n, k = 4_000_000, 2 * workers
    t0 = time.perf_counter()
    for _ in range(k):
        _burn(n)
    serial = time.perf_counter() - t0
    with mp.get_context("forkserver").Pool(workers) as pool:
        pool.map(_burn, [1] * workers)  # start the workers first
        t0 = time.perf_counter()
        pool.map(_burn, [n] * k)
        parallel = time.perf_counter() - t0
    return serial / parallel


def timed_replicate(label: str, **kw) -> tuple[float, pd.DataFrame]:
    t0 = time.perf_counter()
    rr = courtsim.replicate(BASELINE, **kw)
    dt = time.perf_counter() - t0
    print(f"  {label:<28} {dt:7.1f} s  {kw['reps'] / dt * 60:7.1f} runs/min", flush=True)
    return dt, rr.kpis


def sweep_file(folder: Path, n_runs: int) -> Path:
    judges = list(range(20, 30))
    filings = [9000.0 + 400 * i for i in range(10)]
    reps = max(1, n_runs // (len(judges) * len(filings)))
    data = {
        "kind": "sweep",
        "name": "bench_sweep",
        "scenario": str(BASELINE),
        "design": "grid",
        "factors": {"judges.count": {"levels": judges}, "filings.per_year": {"levels": filings}},
        "replications": reps,
        "seed": 1,
        "kpis": ["pending_end", "backlog_cases", "disposition_time_days", "share_settled"],
    }
    path = folder / "bench_sweep.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--runs", type=int, default=40, help="replicates per way (default 40)")
    p.add_argument("--workers", type=int, default=2, help="pool and Dask workers (default 2)")
    p.add_argument("--sweep", type=int, default=0, help="also time a sweep of this many runs")
    a = p.parse_args()
    from distributed import LocalCluster

    print(
        f"courtsim experiments benchmark: {a.runs} one-year runs of "
        f"{BASELINE.name}, {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f}"
    )
    print(
        f"  machine check: a pure-Python loop runs {machine_scaling(a.workers):.2f}x faster on "
        f"{a.workers} processes than on one (about {a.workers} on a quiet machine)"
    )
    kw = {"reps": a.runs, "seed": 1, "daily": ()}
    t_serial, k_serial = timed_replicate("serial", workers=1, **kw)
    t_pool, k_pool = timed_replicate(f"local pool ({a.workers} processes)", workers=a.workers, **kw)
    with LocalCluster(
        n_workers=a.workers, threads_per_worker=1, processes=True, dashboard_address=":0"
    ) as cluster:
        t_dask, k_dask = timed_replicate(
            f"Dask LocalCluster ({a.workers} workers)", scheduler=cluster.scheduler_address, **kw
        )
    for other in (k_pool, k_dask):
        pd.testing.assert_frame_equal(k_serial, other, check_exact=True)
    print("  identical KPIs in all three: yes")
    print(
        f"  pool / serial throughput: {t_serial / t_pool:.2f}x (target >= 1.7x); "
        f"Dask overhead vs pool: {100 * (t_dask / t_pool - 1):+.1f}% (target <= 15%)"
    )
    if a.sweep:
        with tempfile.TemporaryDirectory() as tmp:
            exp = sweep_file(Path(tmp), a.sweep)
            t0 = time.perf_counter()
            out = sweep(exp, Path(tmp) / "out", workers=a.workers, progress=False)
            dt = time.perf_counter() - t0
        n = len(out.plan.runs)
        print(
            f"  sweep of {n} runs on the local pool: {dt:.1f} s ({n / dt * 60:.1f} runs/min, "
            f"{out.n_failed} failed; target < 300 s for 1,000 runs)"
        )


if __name__ == "__main__":
    main()
