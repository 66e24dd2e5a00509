"""Memory benchmark: peak bytes per case of one run, the constant behind the resource estimate.

Each configuration runs in a fresh Python process; its peak resident memory increase
during ``courtsim.simulate()`` (``getrusage(RUSAGE_SELF).ru_maxrss``) is divided by the
cases the run held, and compared with :func:`courtsim.resources.estimate`. The estimate
must stay above every measurement (it refuses what will not fit; it may refuse a little
early, never late).

Usage::

    python benchmarks/bench_memory.py
"""

from __future__ import annotations

import json
import subprocess
import sys

CONFIGS = {
    # name: (scenario, filings.per_year, horizon_days, initial_pending.per_judge, judges.count)
    "filings_100k": ("scenarios/baseline.yaml", 100_000, 365, 0, 25),
    "filings_400k": ("scenarios/baseline.yaml", 400_000, 365, 0, 25),
    "pilots_400k": ("scenarios/combined.yaml", 400_000, 365, 0, 25),
    "pending_400k": ("scenarios/baseline.yaml", 10_000, 365, 4_000, 100),
    "judges_20k": ("scenarios/baseline.yaml", 1_000, 30, 0, 20_000),
}

_CHILD = """
import json, resource, sys
from courtsim.resources import estimate
from courtsim.runner import simulate
from courtsim.schema.scenario import load_scenario
path, per_year, days, per_judge, judges = json.loads(sys.argv[1])
sc = load_scenario(path).with_overrides({"filings.per_year": float(per_year),
    "horizon_days": days, "initial_pending.per_judge": float(per_judge), "judges.count": judges})
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
res = simulate(sc, seed=1)
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 - before
print(json.dumps({"cases": len(res.cases), "peak_bytes": peak, "estimate": estimate(sc).bytes}))
"""


def main() -> None:
    """Run every configuration and print one line each."""
    print(f"{'config':<14}{'cases':>10}{'peak MB':>10}{'B/case':>9}{'estimate MB':>13}  ok")
    for name, cfg in CONFIGS.items():
        out = subprocess.run(
            [sys.executable, "-c", _CHILD, json.dumps(cfg)],
            capture_output=True,
            text=True,
            check=True,
        )
        r = json.loads(out.stdout.strip().splitlines()[-1])
        per_case = r["peak_bytes"] / max(r["cases"], 1)
        ok = "yes" if r["estimate"] >= r["peak_bytes"] else "NO"
        print(
            f"{name:<14}{r['cases']:>10,}{r['peak_bytes'] / 1e6:>10.0f}{per_case:>9.0f}"
            f"{r['estimate'] / 1e6:>13.0f}  {ok}"
        )


if __name__ == "__main__":
    main()
