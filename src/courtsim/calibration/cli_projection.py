"""The ``courtsim project`` sub-command: KPIs by year under policy options, with fan charts.

Exit status: 0 when every run finished; 1 when some runs failed (left out of the fan);
2 on bad input (nothing written); 130 when interrupted (finished runs are kept for
``--resume``).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from courtsim.cli_experiment import EXIT_INTERRUPTED, EXIT_RUNS_FAILED, add_execution_options
from courtsim.cli_types import output_path


def register(subparsers: Any) -> None:
    """Add the ``project`` sub-command.

    Args:
        subparsers: The ``courtsim`` parser's sub-parsers.
    """
    p = subparsers.add_parser(
        "project",
        help="project KPIs year by year under policy options (posterior predictive fans)",
        description="Run the scenario of EXPERIMENT.yaml (kind: projection) under each "
        "policy option for each posterior draw (draw k as replicate k, the same for every "
        "option), and write the yearly KPIs and their 10%%, 50%% and 90%% quantiles over "
        "the draws (pending cases, CEPEJ disposition time, reconciliation share). See "
        "docs/validation.md.",
    )
    p.add_argument("experiment", metavar="EXPERIMENT.yaml", help="projection file")
    p.add_argument(
        "--out", type=output_path, required=True, metavar="DIR", help="results folder to create"
    )
    p.add_argument(
        "--resume",
        action="store_true",
        help="continue an interrupted projection in --out: finished runs are skipped",
    )
    p.add_argument("--html", type=output_path, metavar="OUT.html", help="also write a briefing")
    p.add_argument("--dry-run", action="store_true", help="check the file, run nothing")
    add_execution_options(p)
    p.set_defaults(func=cmd_project)


def cmd_project(args: argparse.Namespace) -> int:
    """Run ``courtsim project``; return the exit status.

    Args:
        args: Parsed arguments.

    Returns:
        0, 1 when some runs failed, 130 when interrupted.
    """
    from courtsim.calibration.projection import as_projection, project, projection_plan

    exp = as_projection(args.experiment)
    if args.dry_run:
        plan, used, _ = projection_plan(exp)
        print(
            f"courtsim project (dry run): {exp.spec.name}: {len(plan.runs)} runs "
            f"({len(exp.spec.options)} options x {len(used)} posterior draws, seed "  # type: ignore[attr-defined]
            f"{exp.spec.seed}). Nothing was run or written."
        )
        return 0
    if args.html:
        from courtsim.results_folder import check_report_target

        check_report_target(Path(args.html))  # before any run: a refusal costs nothing
    try:
        res = project(
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
    from courtsim.calibration.projection import fan_lines

    print(f"courtsim project: {exp.spec.name}")
    for line in fan_lines(res.fan):
        print(f"  {line}")
    if args.html:
        from courtsim.dashboard.report import write_report

        write_report(res.out, Path(args.html))
        print(f"Briefing: {args.html}")
    print(f"\nSaved to {res.out}/ ({', '.join(res.manifest['files'])}, manifest.json)")
    if res.n_failed:
        print(
            f"courtsim: {res.n_failed} run(s) failed and are left out of the fan; their "
            "errors are in results.parquet; --resume retries them",
            file=sys.stderr,
        )
        return EXIT_RUNS_FAILED
    return 0
