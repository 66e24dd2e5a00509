"""The ``courtsim`` command line: one entry point, one sub-command per job."""

from __future__ import annotations

import sys

# Nothing but `sys` is imported here, for two reasons. `main` is the console script's entry
# and can only catch a Ctrl-C once it runs: the less this module imports, the shorter the
# time in which an interrupt still ends in Python's own traceback. And `courtsim --help`
# and `courtsim validate` must start in well under half a second, so argparse, the scenario
# schema (pydantic), the engine (Mesa, pandas) and the experiment runners (scipy) are
# imported by the functions that use them (tests/cli/test_startup.py checks both).
TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing
if TYPE_CHECKING:
    import argparse
    import contextlib
    from collections.abc import Sequence
    from typing import Any

    from courtsim.schema.scenario import Scenario

EXIT_USER_ERROR = 2
EXIT_INTERRUPTED = 130
EXIT_TERMINATED = 143  # 128 + SIGTERM, as a shell reports it
INTERRUPTED_MESSAGE = "courtsim: interrupted; no results were written"

#: Modules that add sub-commands; each has ``register(subparsers)`` which adds its parsers
#: and sets ``func`` (a callable taking the parsed args and returning an exit status).
SUBCOMMAND_MODULES: tuple[str, ...] = (
    "courtsim.cli_experiment",
    "courtsim.cli_decisions",
    "courtsim.dashboard.cli",
    "courtsim.calibration.cli",
    "courtsim.calibration.cli_robustness",
    "courtsim.calibration.cli_projection",
)


def parse_set(items: Sequence[str]) -> dict[str, Any]:
    """Parse ``--set dotted.key=value`` items; values are read as YAML scalars.

    Args:
        items: The raw ``key=value`` strings.

    Returns:
        Mapping of dotted keys to values.

    Raises:
        ScenarioError: An item has no ``=`` or an empty key.
    """
    import yaml

    from courtsim.errors import ScenarioError

    out: dict[str, Any] = {}
    for item in items:
        key, sep, raw = item.partition("=")
        if not sep or not key.strip():
            raise ScenarioError(
                f"'{item}' is not of the form dotted.key=value (e.g. judges.count=50)",
                source="--set",
            )
        try:
            value = yaml.safe_load(raw) if raw.strip() else raw
        except yaml.YAMLError:
            value = raw
        out[key.strip()] = _number_or_text(value)
    return out


def _number_or_text(value: Any) -> Any:
    """Read ``1e9`` and ``5e-3`` as numbers: YAML 1.1 would leave them as text."""
    if isinstance(value, str):
        for cast in (int, float):
            try:
                return cast(value)
            except ValueError:
                pass
    return value


def load_with_overrides(
    path: str, sets: Sequence[str] = (), days: int | None = None, warmup: int | None = None
) -> Scenario:
    """Load a scenario file and apply ``--set``, ``--days`` and ``--warmup``.

    Args:
        path: Scenario file.
        sets: ``--set`` items.
        days: Horizon override.
        warmup: Warm-up override.

    Returns:
        The scenario.
    """
    from courtsim.schema.scenario import load_scenario

    sc = load_scenario(path)
    overrides = parse_set(sets)
    if overrides:
        sc = sc.with_overrides(overrides, source=f"{path} with --set")
    extra: dict[str, Any] = {}
    if days is not None:
        extra["horizon_days"] = days
    if warmup is not None:
        extra["reporting.warmup_days"] = warmup
    if extra:
        sc = sc.with_overrides(extra, source=f"{path} with --days/--warmup")
    return sc


def _cmd_run(args: argparse.Namespace) -> int:
    import json
    from pathlib import Path

    from courtsim.errors import ScenarioError
    from courtsim.kpi_table import format_kpis, format_region_table
    from courtsim.resources import check_fits
    from courtsim.result import check_output_dir
    from courtsim.runner import simulate

    sc = load_with_overrides(args.scenario, args.set, args.days, args.warmup)
    if args.region is not None and args.region not in sc.courts:
        raise ScenarioError(
            f"no region (court) named '{args.region}' in scenario '{sc.name}'; it has: "
            f"{', '.join(sc.courts)}. Nothing was run",
            source=args.scenario,
            field="--region",
        )
    check_fits(sc, source=args.scenario)
    out = Path(args.out) if args.out else None
    if out is not None:
        check_output_dir(out, args.overwrite)  # fail before the run, not after it
    res = simulate(sc, seed=args.seed)
    title = (
        f"courtsim run: {sc.name} (seed {args.seed}, {sc.horizon_days} days, "
        f"KPI window days {sc.reporting.warmup_days + 1}-{sc.horizon_days}, "
        f"{res.manifest['n_judges']} judges, {res.manifest['run_seconds']:.2f} s)"
    )
    if args.region is not None:
        kpis = res.region_kpis.loc[args.region].to_dict()
        title = f"{title}\nregion {args.region} (KPIs that need national-only series are left out)"
    else:
        kpis = res.kpis
    if args.format == "json":
        by_region = res.region_kpis.to_dict(orient="index") if args.by_region else None
        print(json.dumps(kpis if by_region is None else by_region, indent=2))
    elif args.by_region:
        print(format_region_table(res.region_kpis, title))
    else:
        print(format_kpis(kpis, title))
    if out is not None:
        res.save(out, overwrite=args.overwrite)
        print(
            f"\nSaved to {out}/ (daily.parquet, cases.parquet, kpis.json, region_kpis.parquet, "
            "manifest.json)"
        )
    return 0


def _cmd_validate(args: argparse.Namespace) -> int:
    # The schema only: validating a file needs pydantic, not the engine (Mesa, pandas, scipy).
    from courtsim.errors import CourtsimError
    from courtsim.schema.scenario import load_scenario

    failed = 0
    for f in args.files:
        try:
            sc = load_scenario(f)
        except CourtsimError as exc:
            print(f"courtsim: error: {exc}", file=sys.stderr)
            failed += 1
            continue
        print(
            f"{f}: ok ({sc.name}: {sc.horizon_days} days, {sc.judges.count} judges, "
            f"{sc.filings.per_year:,.0f} filings/year, hash {sc.content_hash()[:12]})"
        )
    return EXIT_USER_ERROR if failed else 0


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of the ``courtsim`` command."""
    import argparse
    import importlib

    from courtsim.cli_types import add_language_option, non_negative_int, output_path, positive_int

    p = argparse.ArgumentParser(
        prog="courtsim",
        description="Agent-based simulation of civil caseload in Kazakhstan's courts "
        "under the reconciliation pilots.",
    )
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = sub.add_parser("run", help="run one scenario and print its KPIs")
    run.add_argument("scenario", help="scenario YAML file")
    run.add_argument("--seed", type=non_negative_int, default=1, help="master seed (default 1)")
    run.add_argument("--days", type=positive_int, help="horizon in calendar days")
    run.add_argument("--warmup", type=non_negative_int, help="days left out of the KPI window")
    run.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="override a scenario value, e.g. --set judges.count=50 (repeatable)",
    )
    run.add_argument(
        "--out", type=output_path, help="results folder to create (Parquet + manifest.json)"
    )
    run.add_argument("--overwrite", action="store_true", help="replace an existing --out folder")
    run.add_argument("--format", choices=("table", "json"), default="table")
    where = run.add_mutually_exclusive_group()
    where.add_argument("--region", metavar="NAME", help="show one region's (court's) KPIs")
    where.add_argument(
        "--by-region", action="store_true", help="show the main KPIs of every region, a line each"
    )
    add_language_option(run)
    run.set_defaults(func=_cmd_run)

    val = sub.add_parser("validate", help="check scenario files without running them")
    val.add_argument("files", nargs="+", help="scenario YAML files")
    val.set_defaults(func=_cmd_validate)

    for name in SUBCOMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status.

    Args:
        argv: Arguments (default: ``sys.argv[1:]``).

    Returns:
        0 on success, 2 on bad input, 130 when interrupted, 143 on SIGTERM.
    """
    # The try is the first thing the command runs: a Ctrl-C while it imports what it needs
    # (most of the first second of `courtsim sweep`) ends like any other, without traceback.
    try:
        from courtsim.interrupts import interrupts_outside_imports

        with interrupts_outside_imports():
            return _main(argv)
    except KeyboardInterrupt:
        print(INTERRUPTED_MESSAGE, file=sys.stderr)
        return EXIT_INTERRUPTED


def _main(argv: Sequence[str] | None) -> int:
    from courtsim.errors import CourtsimError
    from courtsim.interrupts import Terminated, terminate_descendants, terminate_on_sigterm

    args = build_parser().parse_args(argv)
    try:
        with terminate_on_sigterm(), _language(getattr(args, "lang", None)):
            return int(args.func(args))
    except Terminated:
        terminate_descendants()
        print("courtsim: terminated (SIGTERM); nothing partial was written", file=sys.stderr)
        return EXIT_TERMINATED
    except CourtsimError as exc:
        print(f"courtsim: error: {exc}", file=sys.stderr)
        return EXIT_USER_ERROR
    except BrokenPipeError:  # output piped into `head` and closed early: not an error
        sys.stderr.close()
        return 0


def _language(lang: str | None) -> contextlib.AbstractContextManager[object]:
    """Use ``--lang`` when given; without it, leave the message catalogs (Babel) unimported."""
    import contextlib

    if lang is None:
        return contextlib.nullcontext()
    from courtsim.i18n import language

    return language(lang)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
