"""Start-up benchmark: wall time of ``courtsim --help`` and ``courtsim validate`` (design.md §5).

A command must start in 0.5 s or less (issue 9). Each command runs ``--repeats`` times in
a fresh process, through the installed ``courtsim`` console script as a user runs it; the
report gives the median and the minimum wall time, and, as a same-run yardstick, the same
figures for ``python -c pass`` (the interpreter's own start-up on this machine now), so
figures from a loaded machine can be told from a slow command.

Usage (from the repository root)::

    .venv/bin/python benchmarks/bench_startup.py                 # 11 runs each
    .venv/bin/python benchmarks/bench_startup.py --repeats 21
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
COURTSIM = Path(sys.executable).with_name("courtsim")
TARGET_S = 0.5


def wall_times(cmd: list[str], repeats: int) -> list[float]:
    """Run ``cmd`` ``repeats`` times; return each run's wall time in seconds.

    Args:
        cmd: The command and its arguments.
        repeats: Runs.

    Returns:
        Seconds per run, in run order.

    Raises:
        RuntimeError: A run exited with a non-zero status.
    """
    out = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
        out.append(time.perf_counter() - t0)
        if proc.returncode != 0:
            raise RuntimeError(f"{' '.join(cmd)} exited {proc.returncode}: {proc.stderr[-400:]}")
    return out


def main() -> None:
    """Measure and print the start-up figures."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=11, help="runs of each command (default 11)")
    args = ap.parse_args()
    if not COURTSIM.is_file():
        raise SystemExit(f"no console script at {COURTSIM}: run `pip install -e .` first")
    commands = {
        "python -c pass": [sys.executable, "-c", "pass"],
        "courtsim --help": [str(COURTSIM), "--help"],
        "courtsim validate scenarios/baseline.yaml": [
            str(COURTSIM),
            "validate",
            "scenarios/baseline.yaml",
        ],
    }
    wall_times(commands["courtsim --help"], 1)  # warm the file cache and the .pyc files
    print(f"start-up wall time over {args.repeats} runs each (target <= {TARGET_S} s)")
    print(f"{'command':<44} {'median s':>9} {'min s':>7} {'minus python':>13}")
    base = None
    for name, cmd in commands.items():
        times = wall_times(cmd, args.repeats)
        median = statistics.median(times)
        base = median if base is None else base
        verdict = "" if name.startswith("python") else ("  ok" if median <= TARGET_S else "  SLOW")
        print(f"{name:<44} {median:>9.3f} {min(times):>7.3f} {median - base:>13.3f}{verdict}")


if __name__ == "__main__":
    main()
