"""The ``courtsim staffing`` and ``courtsim allocate`` sub-commands (decision questions).

Exit status: 0 when the question was answered (including "not reachable up to level L"
and "the budget ran out", which are answers), 1 when runs failed (finished runs are kept),
2 on bad input (nothing written), 130 when interrupted (``--resume`` continues).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from courtsim.cli_experiment import EXIT_INTERRUPTED, add_execution_options
from courtsim.cli_types import add_language_option, non_negative_int, positive_int

#: The levers of :data:`courtsim.experiment.levers.LEVER_HELP`, named here so that building
#: the parser imports no scenario schema (a test checks the two agree).
LEVERS: tuple[str, ...] = (
    "conciliation",
    "mediators.retired_judge",
    "mediators.professional",
    "mediators.public",
    "judges",
)


def _levels(text: str) -> tuple[int, int]:
    from courtsim.experiment.levers import check_level
    from courtsim.experiment.sequential import DecisionError

    lo, sep, hi = text.partition(":")
    if not sep:
        raise DecisionError(
            f"'{text}' is not a range of levels; write LOW:HIGH, e.g. 0:10", source="--levels"
        )
    return check_level(lo.strip()), check_level(hi.strip())


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("scenario", metavar="SCENARIO.yaml", help="scenario file")
    p.add_argument(
        "--lever",
        required=True,
        help="what to add: " + ", ".join(LEVERS) + " (integer counts of posts)",
    )
    p.add_argument("--seed", type=non_negative_int, default=1, help="master seed (default 1)")
    p.add_argument("--days", type=positive_int, help="horizon in calendar days")
    p.add_argument("--warmup", type=non_negative_int, help="days left out of the KPI window")
    p.add_argument(
        "--set", action="append", default=[], metavar="KEY=VALUE", help="override a value"
    )
    p.add_argument("--out", help="results folder (manifest, runs, tables)")
    p.add_argument("--resume", action="store_true", help="continue the question in --out")
    p.add_argument("--html", metavar="OUT.html", help="also write the HTML briefing section")
    p.add_argument("--overwrite", action="store_true", help="replace an existing --html file")
    add_language_option(p)
    add_execution_options(p)


def _say_again(result: Any) -> bool:
    """In Russian or Kazakh, print the evidence and the answer in that language; say if done.

    The English evidence table and sentence come from the search itself (and are saved in
    the manifest); in another language they are written again from the same numbers, as
    the dashboard and the briefing write them.
    """
    from courtsim.i18n import current

    if current() == "en":
        return False
    from courtsim.dashboard.decisions import from_result, sentences
    from courtsim.dashboard.tables import display_cell, display_frame

    view = from_result(result)
    print(display_frame(view.table).map(display_cell).to_string(index=False))
    print("\n" + "\n".join(sentences(view)))
    return True


def register(subparsers: Any) -> None:
    """Add the ``staffing`` and ``allocate`` sub-commands.

    Args:
        subparsers: The ``courtsim`` parser's sub-parsers.
    """
    s = subparsers.add_parser(
        "staffing",
        help="the smallest staffing that meets a KPI target, with 95%% confidence",
        description="Find the smallest level of one staffing lever (conciliation judges, "
        "mediators of a kind, or judges) at which the upper 95% confidence bound of a KPI's "
        "mean lies below the target (above it for >= targets). Levels share replicate seeds "
        "(common random numbers); replicates are added until each level's verdict is clear.",
    )
    _common(s)
    s.add_argument(
        "--target",
        required=True,
        help="e.g. ttd_mean_days<=60 or share_within_statutory_limit>=95%%",
    )
    s.add_argument("--court", help="the court (region) the lever is counted in")
    s.add_argument(
        "--levels", type=str, metavar="LOW:HIGH", help="levels searched (default: see docs)"
    )
    s.add_argument("--min-reps", type=positive_int, default=5, help="replicates at the first look")
    s.add_argument("--step", type=positive_int, default=5, help="replicates added per look")
    s.add_argument("--max-reps", type=positive_int, default=20, help="replicates at most per level")
    s.add_argument("--max-runs", type=positive_int, help="runs at most over the whole search")
    s.set_defaults(func=cmd_staffing)

    a = subparsers.add_parser(
        "allocate",
        help="share new posts among the regions of a national scenario",
        description="Give N new posts (or a KZT budget at a cost per post) one at a time to "
        "the region where the next post improves the national KPI most (greedy marginal "
        "allocation), each region's KPI estimated on paired replicates.",
    )
    _common(a)
    a.add_argument("--kpi", required=True, help="national KPI: backlog_cases, pending_end, ...")
    g = a.add_mutually_exclusive_group(required=True)
    g.add_argument("--posts", type=positive_int, help="posts to add")
    g.add_argument("--budget-kzt", type=float, help="budget in KZT (with --cost-per-post-kzt)")
    a.add_argument("--cost-per-post-kzt", type=float, help="yearly cost of one post, KZT")
    a.add_argument("--reps", type=positive_int, default=10, help="paired replicates (default 10)")
    a.set_defaults(func=cmd_allocate)


def _scenario(args: argparse.Namespace) -> Any:
    from courtsim.cli import load_with_overrides

    return load_with_overrides(args.scenario, args.set, args.days, args.warmup)


def _interrupted(out: str | None) -> int:
    where = (
        f"finished runs are kept in {out}/runs/; run the same command with --resume"
        if out
        else "nothing was kept (no --out)"
    )
    print(f"courtsim: interrupted; {where}", file=sys.stderr)
    return EXIT_INTERRUPTED


def cmd_staffing(args: argparse.Namespace) -> int:
    """Run ``courtsim staffing``; return the exit status."""
    from courtsim.experiment.decision_text import target_text
    from courtsim.experiment.sequential import Budget
    from courtsim.experiment.target import find_level
    from courtsim.results_folder import check_report_target

    sc = _scenario(args)
    levels = _levels(args.levels) if args.levels else None
    budget = Budget(args.min_reps, args.step, args.max_reps, max_runs=args.max_runs)
    html = Path(args.html) if args.html else None
    if html is not None:
        check_report_target(html, args.overwrite)
    try:
        r = find_level(
            sc,
            args.lever,
            args.target,
            levels,
            args.court,
            args.seed,
            budget,
            args.workers,
            args.scheduler,
            args.out,
            args.resume,
            not args.no_progress,
            args.connect_timeout,
        )
    except KeyboardInterrupt:
        return _interrupted(args.out)
    print(
        f"courtsim staffing: {r.scenario_name}, {r.lever.describe()} (now {r.current}), seed {r.seed}, {r.n_runs} runs"
    )
    if not _say_again(r):
        print(target_text(r))
        print("\n" + r.sentence())
    if args.out:
        print(
            f"\nSaved to {args.out}/ (levels.parquet, results.parquet, manifest.json; runs in runs/)"
        )
    if html is not None:
        from courtsim.dashboard.decisions import write_decision_html

        write_decision_html(r, html)
        print(f"Wrote {html}")
    return 0


def cmd_allocate(args: argparse.Namespace) -> int:
    """Run ``courtsim allocate``; return the exit status."""
    from courtsim.experiment.allocate import allocate, posts_from_budget
    from courtsim.experiment.decision_text import allocation_text
    from courtsim.experiment.levers import LEVER_HELP
    from courtsim.results_folder import check_report_target

    sc = _scenario(args)
    posts = args.posts if args.posts else posts_from_budget(args.budget_kzt, args.cost_per_post_kzt)
    html = Path(args.html) if args.html else None
    if html is not None:
        check_report_target(html, args.overwrite)
    try:
        a = allocate(
            sc,
            args.lever,
            posts,
            args.kpi,
            reps=args.reps,
            seed=args.seed,
            workers=args.workers,
            scheduler=args.scheduler,
            out=args.out,
            resume=args.resume,
            progress=not args.no_progress,
            timeout_s=args.connect_timeout,
        )
    except KeyboardInterrupt:
        return _interrupted(args.out)
    print(
        f"courtsim allocate: {posts} {LEVER_HELP[a.lever]} over {len(a.regions)} regions of "
        f"{a.scenario_name}, {a.replicates} paired replicates, seed {a.seed}, {a.n_runs} runs"
    )
    if not _say_again(a):
        print(allocation_text(a))
    if args.out:
        print(
            f"\nSaved to {args.out}/ (regions.parquet, results.parquet, manifest.json; runs in runs/)"
        )
    if html is not None:
        from courtsim.dashboard.decisions import write_decision_html

        write_decision_html(a, html)
        print(f"Wrote {html}")
    return 0
