"""Measure the dashboard's first page load and the explorer's answer time in Chromium.

Not a test (timings depend on the machine and its load); run it by hand:

    .venv/bin/python -m tests.dashboard.perf_dashboard [--reps 10] [--scenario baseline]

It serves the dashboard over the shipped scenarios on a free loopback port, with worker
processes started beforehand (as ``courtsim dashboard`` does), then in headless Chromium:
(1) first load: from navigation start until the explorer's controls work and until its
(placeholder) charts are drawn, each in a fresh browser profile; (2) explorer: from the Run click until the KPI cards show the new run, for
uncached runs (a new seed each time) and for a repeated run (served from the cache).
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from courtsim.dashboard.app import create_app
from tests.dashboard.browser import chromium, serve

_DRAWN = "return document.querySelectorAll('#ex-pending .main-svg').length > 0"
_STATUS = "const e = document.getElementById('ex-status'); return e ? e.textContent : '';"


_USABLE = "const b = document.getElementById('ex-run'); return b !== null && !b.disabled;"


def first_load(url: str, tmp: Path) -> tuple[float, float]:
    """Return seconds from navigation start until the controls work, and until charts show."""
    with chromium(tmp / "load") as d:
        d.get(url)
        WebDriverWait(d, 30, poll_frequency=0.01).until(lambda d: d.execute_script(_USABLE))
        usable = d.execute_script("return performance.now()") / 1000
        WebDriverWait(d, 30, poll_frequency=0.01).until(lambda d: d.execute_script(_DRAWN))
        return usable, d.execute_script("return performance.now()") / 1000


def explorer(url: str, tmp: Path, scenario: str, reps: int, seeds: list[int]) -> list[float]:
    out = []
    with chromium(tmp / "run") as d:
        d.get(url)
        WebDriverWait(d, 30).until(lambda d: d.execute_script(_DRAWN))
        if scenario != "baseline":
            raise SystemExit("only the default scenario is scripted")
        for field, value in (("ex-reps", reps),):
            e = d.find_element(By.ID, field)
            e.clear()
            e.send_keys(str(value), "\t")
        for seed in seeds:
            e = d.find_element(By.ID, "ex-seed")
            e.clear()
            e.send_keys(str(seed), "\t")
            time.sleep(0.3)
            want = f"{reps} replications of '{scenario}' (365 days, seed {seed})"
            t0 = time.perf_counter()
            d.find_element(By.ID, "ex-run").click()
            WebDriverWait(d, 120, poll_frequency=0.02).until(
                lambda d, w=want: w in d.execute_script(_STATUS)
            )
            out.append(time.perf_counter() - t0)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--reps", type=int, default=10)
    ap.add_argument("--scenario", default="baseline")
    ap.add_argument("--workers", type=int, default=None)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as t:
        tmp = Path(t)
        app = create_app(results_dir=tmp / "results", workers=args.workers, warm=False)
        app.courtsim.runner.warm(wait=True)
        with serve(app) as url:
            loads = [first_load(url, tmp / f"l{i}") for i in range(3)]
            seeds = [101 + i for i in range(args.runs)]
            uncached = explorer(url, tmp, args.scenario, args.reps, seeds)
            cached = explorer(url, tmp / "c", args.scenario, args.reps, seeds[:1])
        app.courtsim.runner.close()
    print(
        f"cpus {os.cpu_count()}, load average {os.getloadavg()[0]:.1f}, "
        f"workers {app.courtsim.runner.workers}"
    )
    print(
        "first page load, controls usable / charts drawn (s): "
        + ", ".join(f"{u:.2f} / {c:.2f}" for u, c in loads)
    )
    print(
        f"explorer, {args.scenario}, {args.reps} replications, uncached (s): "
        f"{', '.join(f'{x:.2f}' for x in uncached)} (median {statistics.median(uncached):.2f})"
    )
    print(f"explorer, same run again, from the cache (s): {cached[0]:.2f}")


if __name__ == "__main__":
    main()
