"""The ``courtsim compare``, ``courtsim sweep`` and ``courtsim sensitivity`` sub-commands.

Exit status: 0 when every run finished, 1 when some runs failed (the others are kept),
2 on bad input (nothing written), 130 when interrupted (finished runs are kept).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from courtsim.cli_types import (
    add_language_option,
    non_negative_int,
    output_path,
    positive_int,
    positive_seconds,
)

# Outside the ``courtsim.experiment`` package, whose __init__ imports the runners (pandas,
# scipy, Mesa): the parsers are built for every command, `courtsim --help` included, so the
# experiment modules are imported by the command functions below, when they run.
if TYPE_CHECKING:
    from courtsim.experiment.spec import ScenarioRef

_DRY_RUN_HELP = "check the input and show what would run; run and write nothing"
EXIT_RUNS_FAILED = 1
EXIT_INTERRUPTED = 130


def add_execution_options(p: argparse.ArgumentParser, connect_timeout: bool = True) -> None:
    """Add ``--workers``, ``--scheduler`` (``--connect-timeout``) and ``--no-progress``.

    Args:
        p: A sub-command's parser.
        connect_timeout: Also offer ``--connect-timeout`` for the Dask scheduler.
    """
    g = p.add_argument_group("execution")
    g.add_argument(
        "--workers",
        type=positive_int,
        help="local worker processes (default: every core; 1 runs in this process)",
    )
    g.add_argument(
        "--scheduler",
        metavar="tcp://HOST:PORT",
        help="run on an existing Dask cluster instead of local processes",
    )
    if connect_timeout:
        g.add_argument(
            "--connect-timeout",
            type=positive_seconds,
            default=10.0,
            metavar="SECONDS",
            help="how long to wait for the Dask scheduler and a first worker (default 10)",
        )
    g.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")


def register(subparsers: Any) -> None:
    """Add the ``compare``, ``sweep`` and ``sensitivity`` sub-commands.

    Args:
        subparsers: The ``courtsim`` parser's sub-parsers.
    """
    c = subparsers.add_parser(
        "compare",
        help="compare scenarios with a baseline, paired replicate by replicate",
        description="Run BASELINE and each OTHER with the same seeds (common random numbers) "
        "and report each KPI difference with its 95%% CI. Give scenario files, or one "
        "experiment file of kind 'compare'.",
    )
    c.add_argument("baseline", metavar="BASELINE.yaml", help="baseline scenario (or experiment)")
    c.add_argument("others", nargs="*", metavar="OTHER.yaml", help="scenarios to compare")
    c.add_argument("--reps", type=positive_int, help="paired replicates (default 30)")
    c.add_argument("--seed", type=non_negative_int, help="master seed (default 1)")
    c.add_argument("--days", type=positive_int, help="horizon in calendar days (all scenarios)")
    c.add_argument("--warmup", type=non_negative_int, help="days left out of the KPI window")
    c.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="override a value in every scenario (repeatable)",
    )
    c.add_argument("--kpis", help="comma-separated KPIs to keep and print (default all kept)")
    c.add_argument(
        "--out", type=output_path, help="results folder to create (Parquet + manifest.json)"
    )
    c.add_argument("--overwrite", action="store_true", help="replace an existing --out folder")
    c.add_argument(
        "--html",
        type=output_path,
        metavar="OUT.html",
        help="also write a self-contained HTML briefing (plotly.js embedded, opens offline)",
    )
    c.add_argument("--dry-run", action="store_true", help=_DRY_RUN_HELP)
    add_language_option(c)
    add_execution_options(c)
    c.set_defaults(func=cmd_compare)

    for name, helptext, func in (
        ("sweep", "run an experiment's design: factors x levels or ranges x replicates", cmd_sweep),
        ("sensitivity", "Sobol and Morris sensitivity indices of KPIs to factors", cmd_sensitivity),
    ):
        s = subparsers.add_parser(name, help=helptext, description=helptext)
        s.add_argument(
            "experiment", metavar="EXPERIMENT.yaml", help=f"experiment file (kind: {name})"
        )
        s.add_argument(
            "--out",
            type=output_path,
            help="results folder (default experiments/out/NAME from the experiment file)",
        )
        s.add_argument(
            "--resume",
            action="store_true",
            help="continue an interrupted run in --out: finished runs are skipped",
        )
        s.add_argument("--dry-run", action="store_true", help=_DRY_RUN_HELP)
        add_execution_options(s)
        s.set_defaults(func=func)


def _executor_options(args: argparse.Namespace) -> dict[str, Any]:
    return {
        "workers": args.workers,
        "scheduler": args.scheduler,
        "progress": not args.no_progress,
    }


def _compare_inputs(args: argparse.Namespace) -> dict[str, Any]:
    """Resolve the compare command's scenarios, labels, reps, seed and KPIs."""
    from courtsim.cli import load_with_overrides, parse_set
    from courtsim.experiment.plan import load_base
    from courtsim.experiment.spec import (
        CompareSpec,
        ExperimentError,
        ScenarioRef,
        is_experiment_file,
        load_experiment,
    )

    kpis = [k.strip() for k in args.kpis.split(",") if k.strip()] if args.kpis else None
    if is_experiment_file(args.baseline):
        if args.others:
            raise ExperimentError(
                "give either one experiment file or scenario files, not both",
                source=args.baseline,
            )
        exp = load_experiment(args.baseline, expect="compare")
        spec = exp.spec
        if not isinstance(spec, CompareSpec):  # pragma: no cover - load_experiment checked
            raise ExperimentError("not a compare experiment", source=args.baseline)
        extra = parse_set(args.set)
        if args.days is not None:
            extra["horizon_days"] = args.days
        if args.warmup is not None:
            extra["reporting.warmup_days"] = args.warmup

        translations: dict[str, dict[str, str]] = {}

        def ref(r: str | ScenarioRef, field: str) -> tuple[str | None, Any]:
            file, label = (r, None) if isinstance(r, str) else (r.file, r.name())
            if isinstance(r, ScenarioRef) and label and r.translations():
                translations[label] = r.translations()
            sc, _ = load_base(exp, file, field)
            return label, sc.with_overrides(extra, source="--set") if extra else sc

        base_label, base = ref(spec.baseline, "baseline")
        others = [ref(r, f"scenarios.{i}") for i, r in enumerate(spec.scenarios)]
        labelled = all(lab for lab, _ in others)
        return {
            "baseline": base,
            "baseline_label": base_label,
            "translations": translations,
            "others": dict(others) if labelled else [sc for _, sc in others],
            "reps": args.reps or spec.replications,
            "seed": args.seed if args.seed is not None else spec.seed,
            "kpis": kpis or spec.kpis,
            "daily": spec.daily,
        }
    if not args.others:
        raise ExperimentError(
            "name at least one scenario to compare with the baseline (or an experiment file "
            "of kind 'compare')",
            source=args.baseline,
        )
    load = [
        load_with_overrides(f, args.set, args.days, args.warmup)
        for f in (args.baseline, *args.others)
    ]
    return {
        "baseline": load[0],
        "baseline_label": None,
        "others": load[1:],
        "reps": args.reps or 30,
        "seed": args.seed if args.seed is not None else 1,
        "kpis": kpis,
    }


def cmd_compare(args: argparse.Namespace) -> int:
    """Run ``courtsim compare``; return the exit status.

    Args:
        args: Parsed arguments.

    Returns:
        0, or 1 when runs failed.
    """
    from courtsim.experiment.compare import compare
    from courtsim.experiment.report import comparison_text, headline
    from courtsim.experiment.spec import ExperimentError, RunsFailedError
    from courtsim.result import check_output_dir
    from courtsim.results_folder import check_report_target

    inputs = _compare_inputs(args)
    if args.dry_run:
        from courtsim.experiment.compare import labelled
        from courtsim.experiment.plan import check_names
        from courtsim.experiment.replicate import check_reps

        check_reps(inputs["reps"], inputs["seed"])
        items = labelled(inputs["baseline"], inputs["others"])
        kpis, _ = check_names(
            args.baseline, [sc for _, sc, _, _ in items], inputs["kpis"], inputs.get("daily", ())
        )
        print(
            f"courtsim compare (dry run): {len(items) - 1} scenario(s) against "
            f"'{inputs['baseline_label'] or items[0][0]}', {inputs['reps']} paired replicates "
            f"each: {len(items) * inputs['reps']} runs, {len(kpis)} KPIs. Nothing was run."
        )
        return 0
    from courtsim.resources import check_fits

    others = inputs["others"]
    for sc in [inputs["baseline"], *(others.values() if isinstance(others, dict) else others)]:
        check_fits(sc, source=args.baseline)
    out = Path(args.out) if args.out else None
    if out is not None:
        check_output_dir(out, args.overwrite)  # before the runs, not after them
    html = Path(args.html) if args.html else None
    if html is not None:
        check_report_target(html, args.overwrite)
        if out is not None and html.resolve().is_relative_to(out.resolve()):
            raise ExperimentError(
                "the report cannot go inside the --out results folder; write it elsewhere",
                source=str(html),
                field="--html",
            )
    t0 = time.perf_counter()
    try:
        cmp = compare(**inputs, **_executor_options(args), timeout_s=args.connect_timeout)
    except RunsFailedError as exc:
        print(f"courtsim: error: {exc}", file=sys.stderr)
        return EXIT_RUNS_FAILED
    m = cmp.manifest
    print(
        f"courtsim compare: {len(m['scenarios']) - 1} scenario(s) against '{cmp.baseline}', "
        f"{m['reps']} paired replicates, seed {m['seed']} "
        f"({_describe(m['executor'])}, {time.perf_counter() - t0:.1f} s)"
    )
    print(comparison_text(cmp.table, cmp.baseline, headline(m["kpis"], inputs["kpis"])))
    if out is not None:
        cmp.save(out, overwrite=args.overwrite)
        print(
            f"\nSaved to {out}/ (comparison.parquet: all {len(m['kpis'])} KPIs; kpis.parquet, "
            "summary.parquet, daily_summary.parquet, manifest.json)"
        )
    if html is not None:
        from courtsim.dashboard.report import write_report

        write_report(cmp, html)
        print(f"Briefing: {html} (open it in a browser; it works offline)")
    return 0


def _describe(ex: dict[str, Any]) -> str:
    if ex.get("executor") == "dask":
        return f"Dask cluster {ex.get('scheduler')}, {ex.get('workers')} workers"
    if ex.get("executor") == "pool":
        return f"local pool of {ex.get('workers')} processes"
    return "serial"


def _default_out(experiment: str, expect: str) -> Path:
    from courtsim.experiment.spec import load_experiment

    exp = load_experiment(experiment, expect=expect)
    return Path("experiments") / "out" / exp.spec.name


def _run_sweep_like(args: argparse.Namespace, kind: str) -> int:
    from courtsim.experiment.report import headline, indices_text, sweep_text

    if args.dry_run:
        return _dry_run(args.experiment, kind)
    out = Path(args.out) if args.out else _default_out(args.experiment, kind)
    opts = _executor_options(args) | {"resume": args.resume, "timeout_s": args.connect_timeout}
    try:
        if kind == "sweep":
            from courtsim.experiment.sweep import sweep

            outcome = sweep(args.experiment, out, **opts)
            indices = None
        else:
            from courtsim.experiment.sensitivity import sensitivity

            sens = sensitivity(args.experiment, out, **opts)
            outcome, indices = sens.runs, sens.indices
    except KeyboardInterrupt:
        print(
            f"courtsim: interrupted; finished runs are kept in {out}/runs/. Run the same "
            "command with --resume to continue",
            file=sys.stderr,
        )
        return EXIT_INTERRUPTED
    plan = outcome.plan
    m = outcome.manifest
    print(
        f"courtsim {kind}: {plan.name}: {len(plan.runs)} runs ({len(plan.points)} points x "
        f"{plan.replications} replicates, seed {plan.seed}) on "
        f"{_describe(m['sessions'][-1]['executor'])}: {outcome.n_ok} finished, "
        f"{outcome.n_failed} failed"
        + (f", {outcome.n_skipped} done before (resumed)" if outcome.n_skipped else "")
    )
    if kind == "sweep":
        print(sweep_text(outcome.results, list(plan.factors), headline(plan.kpis, None)))
    elif indices is not None:
        print(indices_text(indices))
    files = ", ".join(m.get("files", {}))
    print(f"\nSaved to {out}/ ({files}, manifest.json; one file per run in runs/)")
    if outcome.n_failed:
        errors = outcome.results.loc[outcome.results["status"] == "failed", ["run_id", "error"]]
        first = errors.drop_duplicates("run_id").iloc[0]
        print(
            f"courtsim: {outcome.n_failed} run(s) failed; the first, {first.run_id}: "
            f"{first.error}. Their errors are in the 'error' column of results.parquet; "
            "--resume retries them",
            file=sys.stderr,
        )
        return EXIT_RUNS_FAILED
    return 0


def _dry_run(experiment: str, kind: str) -> int:
    from courtsim.experiment.plan import sensitivity_plan, sweep_plan
    from courtsim.experiment.spec import load_experiment

    exp = load_experiment(experiment, expect=kind)
    plan = sweep_plan(exp) if kind == "sweep" else sensitivity_plan(exp)
    invalid = sum(1 for s in plan.scenarios if s is None)
    factors = ", ".join(f"{k} ({plan.kinds[k]})" for k in plan.factors)
    print(
        f"courtsim {kind} (dry run): {plan.name}: {len(plan.runs)} runs "
        f"({len(plan.points)} points x {plan.replications} replicates, seed {plan.seed}); "
        f"factors: {factors}; {len(plan.kpis)} KPIs"
        + (f", {len(plan.daily)} daily series" if plan.daily else "")
        + (f"; {invalid} points make invalid scenarios and would fail" if invalid else "")
        + ". Nothing was run or written."
    )
    return 0


def cmd_sweep(args: argparse.Namespace) -> int:
    """Run ``courtsim sweep``; return the exit status.

    Args:
        args: Parsed arguments.

    Returns:
        0, 1 when some runs failed, 130 when interrupted.
    """
    return _run_sweep_like(args, "sweep")


def cmd_sensitivity(args: argparse.Namespace) -> int:
    """Run ``courtsim sensitivity``; return the exit status.

    Args:
        args: Parsed arguments.

    Returns:
        0, 1 when some runs failed, 130 when interrupted.
    """
    return _run_sweep_like(args, "sensitivity")
