"""The ``courtsim robustness`` sub-command: the pilots' effects across plausible worlds.

Exit status: 0 when every run finished; 1 when some runs failed (their worlds are left
out, the others kept); 2 on bad input (nothing written); 130 when interrupted (finished
runs are kept for ``--resume``).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from courtsim.cli_experiment import EXIT_INTERRUPTED, EXIT_RUNS_FAILED, add_execution_options
from courtsim.cli_types import output_path


def register(subparsers: Any) -> None:
    """Add the ``robustness`` sub-command.

    Args:
        subparsers: The ``courtsim`` parser's sub-parsers.
    """
    r = subparsers.add_parser(
        "robustness",
        help="each pilot against the baseline across plausible worlds: the robustness table",
        description="Run the baseline and every pilot of EXPERIMENT.yaml (kind: robustness) "
        "in each plausible world (a posterior draw of the calibrated unknowns and a design "
        "point over those the data cannot pin down), paired replicate by replicate, and "
        "write per pilot and KPI the median effect, its 10-90%% interval over worlds, the "
        "share of worlds with the median's sign and the unknown its size depends on most. "
        "See docs/validation.md.",
    )
    r.add_argument("experiment", metavar="EXPERIMENT.yaml", help="robustness file")
    r.add_argument(
        "--out", type=output_path, required=True, metavar="DIR", help="results folder to create"
    )
    r.add_argument(
        "--resume",
        action="store_true",
        help="continue an interrupted run in --out: finished runs are skipped",
    )
    r.add_argument("--html", type=output_path, metavar="OUT.html", help="also write a briefing")
    r.add_argument("--dry-run", action="store_true", help="check the file, run nothing")
    add_execution_options(r)
    r.set_defaults(func=cmd_robustness)


def cmd_robustness(args: argparse.Namespace) -> int:
    """Run ``courtsim robustness``; return the exit status.

    Args:
        args: Parsed arguments.

    Returns:
        0, 1 when some runs failed, 130 when interrupted.
    """
    from courtsim.calibration.robustness import robustness, robustness_plan
    from courtsim.calibration.robustness_spec import load_robustness

    exp = load_robustness(args.experiment)
    if args.dry_run:
        plan, worlds, _ = robustness_plan(exp)
        print(
            f"courtsim robustness (dry run): {exp.spec.name}: {len(plan.runs)} runs "
            f"({len(worlds)} worlds x {1 + len(exp.spec.pilots)} scenarios x "
            f"{exp.spec.replications} replicates, seed {exp.spec.seed}); unknowns: "
            f"{', '.join(c for c in worlds.columns if c not in ('world', 'draw'))}. "
            "Nothing was run or written."
        )
        return 0
    if args.html:
        from courtsim.results_folder import check_report_target

        check_report_target(Path(args.html))  # before any run: a refusal costs nothing
    try:
        res = robustness(
            exp,
            args.out,
            workers=args.workers,
            scheduler=args.scheduler,
            resume=args.resume,
            progress=not args.no_progress,
            timeout_s=args.connect_timeout,
        )
    except KeyboardInterrupt:
        print(
            f"courtsim: interrupted; finished runs are kept in {args.out}/runs/. Run the same "
            "command with --resume to continue",
            file=sys.stderr,
        )
        return EXIT_INTERRUPTED
    print(
        f"courtsim robustness: {exp.spec.name}: {len(res.worlds)} worlds x "
        f"{1 + len(exp.spec.pilots)} scenarios x {exp.spec.replications} replicates"
        + (f" ({res.n_skipped} runs done before, resumed)" if res.n_skipped else "")
    )
    for line in res.sentences():
        print(f"  {line}")
    if args.html:
        from courtsim.dashboard.report import write_report

        write_report(res.out, Path(args.html))
        print(f"Briefing: {args.html}")
    print(f"\nSaved to {res.out}/ ({', '.join(res.manifest['files'])}, manifest.json)")
    if res.n_failed:
        print(
            f"courtsim: {res.n_failed} run(s) failed; their worlds are left out of the table. "
            "Their errors are in the 'error' column of results.parquet; --resume retries them",
            file=sys.stderr,
        )
        return EXIT_RUNS_FAILED
    return 0
