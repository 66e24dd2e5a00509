"""The ``courtsim calibrate`` and ``courtsim validate-model`` sub-commands.

Exit status: 0 when done; 1 when the calibration ran but could not match every fitted
target (its report is written, its scenario is not); 2 on bad input (nothing written);
130 when interrupted (nothing written).
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path
from typing import Any

from courtsim.cli_experiment import add_execution_options
from courtsim.cli_types import non_negative_int, output_path, positive_int

EXIT_MISFIT = 1


def register(subparsers: Any) -> None:
    """Add the ``calibrate`` and ``validate-model`` sub-commands.

    Args:
        subparsers: The ``courtsim`` parser's sub-parsers.
    """
    c = subparsers.add_parser(
        "calibrate",
        help="calibrate scenario unknowns to reported court statistics, with uncertainty",
        description="History-match the unknowns named in PARAMS.yaml (uniform priors on "
        "their bounds) to the targets of FILE: waves of simulations with common random "
        "numbers, Gaussian-process emulators that rule out implausible values, then a "
        "posterior from the emulated likelihood. Writes the posterior draws "
        "(posterior.parquet), the calibrated scenario at the posterior medians and a fit "
        "report to DIR; refuses targets it cannot match. Every run is checkpointed in "
        ".DIR.checkpoint beside DIR; --resume reuses it. See docs/validation.md.",
    )
    c.add_argument("scenario", metavar="SCENARIO.yaml", help="scenario to calibrate")
    c.add_argument("--targets", required=True, metavar="FILE", help="targets file (YAML)")
    c.add_argument("--params", required=True, metavar="PARAMS.yaml", help="calibration set-up")
    c.add_argument(
        "--out", type=output_path, required=True, metavar="DIR", help="results folder to create"
    )
    c.add_argument("--overwrite", action="store_true", help="replace an existing --out folder")
    c.add_argument("--reps", type=positive_int, help="replicates per design point (set-up: reps)")
    c.add_argument(
        "--final-reps", type=positive_int, help="replications for the report (final_reps)"
    )
    c.add_argument("--seed", type=non_negative_int, help="master seed (set-up: seed)")
    c.add_argument("--waves", type=positive_int, help="history-matching waves (set-up: waves)")
    c.add_argument("--points", type=positive_int, help="design points per wave (set-up: points)")
    c.add_argument(
        "--resume",
        action="store_true",
        help="reuse the runs of an interrupted calibration with the same --out",
    )
    add_execution_options(c, connect_timeout=False)
    c.set_defaults(func=cmd_calibrate)

    v = subparsers.add_parser(
        "validate-model",
        help="regenerate the validation report (queueing checks, calibration, back-cast)",
        description="Run the analytic queueing checks (M/M/1, M/M/c with Erlang C, Little's "
        "law), the calibrated scenario against its targets, the 2013-2025 back-cast and the "
        "face-validity checks, and write validation.md with its figures (img/validation_*.png) "
        "into DIR. Only those files are written; existing ones are replaced only with "
        "--overwrite (e.g. `courtsim validate-model --out docs --overwrite`).",
    )
    v.add_argument(
        "--out",
        type=output_path,
        required=True,
        metavar="DIR",
        help="folder for validation.md and img/",
    )
    v.add_argument("--overwrite", action="store_true", help="replace existing report files")
    v.add_argument(
        "--quick",
        action="store_true",
        help="few replications and short queueing runs: a smoke test, not a report to publish",
    )
    v.add_argument("--seed", type=non_negative_int, default=None, help="master seed")
    add_execution_options(v, connect_timeout=False)
    v.set_defaults(func=cmd_validate_model)


def cmd_calibrate(args: argparse.Namespace) -> int:
    """Run ``courtsim calibrate``; return the exit status.

    Args:
        args: Parsed arguments.

    Returns:
        0, or 1 when a fitted target could not be matched.
    """
    from courtsim.calibration.calibrate import calibrate
    from courtsim.calibration.report import OUTSIDE
    from courtsim.calibration.spec import CalibrationError
    from courtsim.result import check_output_dir

    out = Path(args.out)
    check_output_dir(out, args.overwrite)  # fail before the runs, not after them
    options = {
        "reps": args.reps,
        "final_reps": args.final_reps,
        "seed": args.seed,
        "waves": args.waves,
        "points": args.points,
    }
    checkpoint = out.parent / f".{out.name}.checkpoint"
    try:
        cal = calibrate(
            args.scenario,
            args.targets,
            args.params,
            options=options,
            workers=args.workers,
            scheduler=args.scheduler,
            progress=None if args.no_progress else sys.stderr,
            checkpoint=checkpoint,
            resume=args.resume,
        )
    except CalibrationError:
        # A refusal (targets out of reach): nothing to resume, so nothing is left behind.
        # A failed run or an interrupt keeps the checkpoint for --resume.
        shutil.rmtree(checkpoint, ignore_errors=True)
        raise
    cal.save(out, overwrite=args.overwrite)
    if cal.ok:  # a refused calibration keeps its runs: --resume with more --waves reuses them
        shutil.rmtree(checkpoint, ignore_errors=True)
    res = cal.result
    post = res.posterior
    print(
        f"courtsim calibrate: {res.scenario.name}, {len(res.design)} design points in "
        f"{len(res.nroy_shares)} waves, {res.runs} runs"
        + (f" ({res.reused} reused)" if res.reused else "")
    )
    for i, name in enumerate(cal.space.names):
        lo, hi = post.interval(i)
        print(f"  {name} = {post.median[i]:.6g} (median; 90% interval {lo:.6g} to {hi:.6g})")
    for r in res.rows:
        mark = "" if r.status != OUTSIDE else "  <-- outside"
        print(
            f"  {r.role:11} {r.id:28} observed {r.observed:<10.4g} ± {r.tolerance:<8.3g} "
            f"simulated {r.mean:.4g} [{r.ci_low:.4g}, {r.ci_high:.4g}] {r.status}{mark}"
        )
    if not cal.ok:
        print(
            f"courtsim: error: {args.params}: the calibration could not match "
            f"{', '.join(res.refused)} within tolerance (see {out}/fit_report.md); no "
            "calibrated scenario was written. Run more waves on the same runs (--resume "
            "--overwrite --waves N: the checkpoint beside --out is kept), widen the priors, add "
            "a parameter that moves those KPIs, or declare them 'role: held_out' in the "
            "targets file",
            file=sys.stderr,
        )
        return EXIT_MISFIT
    print(
        f"\nSaved to {out}/ (calibrated.yaml, overlay.yaml, posterior.parquet, design.parquet, "
        "fit_report.md, fit.json)"
    )
    return 0


def cmd_validate_model(args: argparse.Namespace) -> int:
    """Run ``courtsim validate-model``; return the exit status.

    Args:
        args: Parsed arguments.

    Returns:
        0.
    """
    from courtsim.calibration.validation import ValidationSettings, build_report

    settings = ValidationSettings.quick_settings() if args.quick else ValidationSettings()
    if args.seed is not None:
        settings = settings.with_seed(args.seed)
    paths = build_report(
        Path(args.out),
        settings,
        overwrite=args.overwrite,
        workers=args.workers,
        scheduler=args.scheduler,
        progress=None if args.no_progress else sys.stderr,
    )
    print("courtsim validate-model: wrote " + ", ".join(str(p) for p in paths))
    return 0
