"""The ``courtsim project`` sub-command: KPIs by year under policy options, with fan charts.

Exit status: 0 when every run finished; 1 when some runs failed (left out of the fan);
2 on bad input (nothing written); 130 when interrupted (finished runs are kept for
``--resume``).
"""

from __future__ import annotations

import argparse
from typing import Any

from courtsim.calibration.cli_robustness import add_folder_options, run_folder_command


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
    add_folder_options(p, "projection file")
    p.set_defaults(func=cmd_project)


def cmd_project(args: argparse.Namespace) -> int:
    """Run ``courtsim project``; return the exit status.

    Args:
        args: Parsed arguments.

    Returns:
        0, 1 when some runs failed, 130 when interrupted.
    """
    from courtsim.calibration.projection import as_projection, fan_lines, project, projection_plan

    exp = as_projection(args.experiment)
    spec = exp.spec
    if args.dry_run:
        plan, used, _ = projection_plan(exp)
        print(
            f"courtsim project (dry run): {spec.name}: {len(plan.runs)} runs "
            f"({len(spec.options)} options x {len(used)} posterior draws, seed {spec.seed}). "  # type: ignore[attr-defined]
            "Nothing was run or written."
        )
        return 0
    return run_folder_command(
        args,
        lambda out, **kw: project(exp, out, **kw),
        lambda res: f"courtsim project: {spec.name}",
        lambda res: fan_lines(res.fan),
        "they are left out of the fan",
    )
