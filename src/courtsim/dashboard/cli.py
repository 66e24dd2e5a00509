"""The ``courtsim dashboard`` and ``courtsim report`` sub-commands."""

from __future__ import annotations

import argparse
from pathlib import Path

from courtsim.cli_types import add_language_option, non_negative_int, output_path
from courtsim.errors import CourtsimError


def _port(text: str) -> int:
    try:
        v = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a port number") from None
    if not 0 < v < 65536:
        raise argparse.ArgumentTypeError(f"{v} is not a port number (1-65535)")
    return v


def _cmd_dashboard(args: argparse.Namespace) -> int:
    try:
        from courtsim.dashboard.app import create_app
    except ImportError as exc:  # dash is the optional "dashboard" extra
        raise CourtsimError(
            f"the dashboard needs Dash ({exc.name} is not installed): "
            "pip install 'courtsim[dashboard]'"
        ) from None
    results = Path(args.results)
    if results.exists() and not results.is_dir():
        raise CourtsimError("is a file, not a folder", source=str(results), field="--results")
    app = create_app(results_dir=results, scenarios_dir=args.scenarios, workers=args.workers)
    if args.host not in ("127.0.0.1", "localhost", "::1"):
        print(
            f"courtsim dashboard: serving on {args.host}, reachable from other machines; "
            "it has no login, so do this only on a trusted network."
        )
    print(f"courtsim dashboard: http://{args.host}:{args.port}/  (results: {results.resolve()})")
    app.run(host=args.host, port=args.port, debug=False, threaded=True)
    return 0


def _cmd_report(args: argparse.Namespace) -> int:
    from courtsim.dashboard.report import write_report
    from courtsim.experiment.sequential import Target

    if not (args.html or args.pdf or args.figures):
        raise CourtsimError(
            "say what to write: --html OUT.html, --pdf OUT.pdf and/or --figures DIR",
            source="courtsim report",
        )
    targets = [Target.parse(t) for t in args.target]
    source = Path(args.results_dir)
    if args.html:
        out = write_report(source, Path(args.html), args.title, kpis=args.kpi, targets=targets)
        print(f"Wrote {out} ({out.stat().st_size / 1e6:.1f} MB, opens offline)")
    if args.pdf:
        from courtsim.dashboard.export import export_pdf

        pdf = export_pdf(source, Path(args.pdf), title=args.title)
        print(f"Wrote {pdf} ({pdf.stat().st_size / 1e6:.1f} MB)")
    if args.figures:
        from courtsim.dashboard.export import export_figures

        files = export_figures(source, Path(args.figures), fmt=args.figure_format)
        print(f"Wrote {len(files)} {args.figure_format.upper()} figures to {args.figures}/")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``dashboard`` and ``report`` sub-commands.

    Args:
        subparsers: The ``courtsim`` parser's sub-command group.
    """
    d = subparsers.add_parser(
        "dashboard",
        help="serve the briefing dashboard (Plotly Dash) on this machine",
        description="Serve the briefing dashboard: scenario explorer, pilot comparison and "
        "sweep viewer. It reads results only from --results.",
    )
    d.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    d.add_argument("--port", type=_port, default=8050, help="port (default 8050)")
    d.add_argument(
        "--results",
        default="results",
        help="the only folder results are read from (default results/)",
    )
    d.add_argument("--scenarios", help="folder of scenarios offered (default: the shipped ones)")
    d.add_argument(
        "--workers",
        type=non_negative_int,
        default=None,
        help="worker processes for live runs (default: CPUs, max 4)",
    )
    d.set_defaults(func=_cmd_dashboard)

    r = subparsers.add_parser(
        "report",
        help="write a results folder's briefing: HTML (offline), PDF, figures as PNG/SVG",
        description="Write a static HTML report (plotly.js embedded, opens offline) of a run, "
        "replications, a comparison, a sweep, a sensitivity analysis, a staffing search or an "
        "allocation.",
    )
    r.add_argument("results_dir", metavar="RESULTS_DIR", help="results folder (any kind)")
    r.add_argument("--html", type=output_path, metavar="OUT.html", help="the HTML report to write")
    r.add_argument(
        "--pdf",
        type=output_path,
        metavar="OUT.pdf",
        help="the briefing as PDF (printed by Chromium)",
    )
    r.add_argument(
        "--figures", type=output_path, metavar="DIR", help="write every figure as an image to DIR"
    )
    r.add_argument(
        "--figure-format", choices=("png", "svg"), default="png", help="image format (png)"
    )
    r.add_argument("--title", help="page title")
    r.add_argument(
        "--kpi",
        action="append",
        default=[],
        metavar="KPI",
        help="a KPI to draw in sweep figures (repeatable; default: the key KPIs)",
    )
    r.add_argument(
        "--target",
        action="append",
        default=[],
        metavar="KPI<=VALUE",
        help="draw a KPI target on the sweep figures of that KPI, e.g. ttd_mean_days<=60",
    )
    add_language_option(r)
    r.set_defaults(func=_cmd_report)
