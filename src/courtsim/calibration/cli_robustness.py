"""The ``courtsim robustness`` sub-command: the pilots' effects across plausible worlds.

Exit status: 0 when every run finished; 1 when some runs failed (their worlds are left
out, the others kept); 2 on bad input (nothing written); 130 when interrupted (finished
runs are kept for ``--resume``). :func:`run_folder_command` is shared with ``courtsim
project``.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from courtsim.cli_experiment import EXIT_INTERRUPTED, EXIT_RUNS_FAILED, add_execution_options
from courtsim.cli_types import output_path
from courtsim.errors import CourtsimError


def add_folder_options(p: argparse.ArgumentParser, what: str) -> None:
    """Add the arguments of a command that runs an experiment file into a results folder.

    Args:
        p: The sub-command's parser.
        what: What the file is (for the help), e.g. "robustness file".
    """
    p.add_argument("experiment", metavar="EXPERIMENT.yaml", help=what)
    p.add_argument(
        "--out",
        type=output_path,
        metavar="DIR",
        help="results folder to create (required, except with --dry-run)",
    )
    p.add_argument(
        "--resume",
        action="store_true",
        help="continue an interrupted run in --out: finished runs are skipped",
    )
    p.add_argument("--html", type=output_path, metavar="OUT.html", help="also write a briefing")
    p.add_argument("--dry-run", action="store_true", help="check the file, run nothing")
    add_execution_options(p)


def run_folder_command(
    args: argparse.Namespace,
    run: Callable[..., Any],
    heading: Callable[[Any], str],
    lines: Callable[[Any], list[str]],
    failed_note: str,
) -> int:
    """Run an experiment into ``--out``, print its answer, write the briefing; return the status.

    Args:
        args: Parsed arguments (``add_folder_options`` and the execution options).
        run: The runner, called with the output folder and the execution options.
        heading: The first line printed, from the outcome.
        lines: The answer's lines, from the outcome.
        failed_note: What happens to failed runs, for the message.

    Returns:
        0, 1 when some runs failed, 130 when interrupted.
    """
    if args.out is None:  # not argparse's required=True: a dry run needs no folder
        raise CourtsimError(
            "give the results folder to create (only --dry-run runs without one)", source="--out"
        )
    if args.html:
        from courtsim.results_folder import check_report_target

        check_report_target(Path(args.html))  # before any run: a refusal costs nothing
    try:
        res = run(
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
    print(heading(res) + (f" ({res.n_skipped} runs done before, resumed)" if res.n_skipped else ""))
    for line in lines(res):
        print(f"  {line}")
    if args.html:
        from courtsim.dashboard.report import write_report

        write_report(res.out, Path(args.html))
        print(f"Briefing: {args.html}")
    print(f"\nSaved to {res.out}/ ({', '.join(res.manifest['files'])}, manifest.json)")
    if res.n_failed:
        print(
            f"courtsim: {res.n_failed} run(s) failed; {failed_note}. Their errors are in the "
            "'error' column of results.parquet; --resume retries them",
            file=sys.stderr,
        )
        return EXIT_RUNS_FAILED
    return 0


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
    add_folder_options(r, "robustness file")
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
    spec = exp.spec
    if args.dry_run:
        plan, worlds, _ = robustness_plan(exp)
        print(
            f"courtsim robustness (dry run): {spec.name}: {len(plan.runs)} runs "
            f"({len(worlds)} worlds x {1 + len(spec.pilots)} scenarios x "
            f"{spec.replications} replicates, seed {spec.seed}); unknowns: "
            f"{', '.join(c for c in worlds.columns if c not in ('world', 'draw'))}. "
            "Nothing was run or written."
        )
        return 0
    return run_folder_command(
        args,
        lambda out, **kw: robustness(exp, out, **kw),
        lambda res: (
            f"courtsim robustness: {spec.name}: {len(res.worlds)} worlds x "
            f"{1 + len(spec.pilots)} scenarios x {spec.replications} replicates"
        ),
        lambda res: res.sentences(),
        "their worlds are left out of the table",
    )
