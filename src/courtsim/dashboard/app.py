"""The Dash app factory: ``create_app(results_dir=...)`` builds the briefing dashboard.

Example:
    >>> app = create_app(results_dir="results")
    >>> app.run(host="127.0.0.1", port=8050)
"""

from __future__ import annotations

import logging
from pathlib import Path

import dash

from courtsim.dashboard.callbacks import register_callbacks
from courtsim.dashboard.context import AppContext, default_scenarios_dir, shipped_scenarios
from courtsim.dashboard.layout import build_layout
from courtsim.dashboard.live import LiveRunner
from courtsim.dashboard.safety import DEFAULT_LIMITS, Limits

#: Largest request the server reads (bytes): uploads above the scenario cap get a clear
#: message, anything above this is refused by the web server itself (HTTP 413).
MAX_REQUEST_BYTES = 2 * 1024 * 1024


def create_app(
    results_dir: str | Path | None = None,
    *,
    scenarios_dir: str | Path | None = None,
    limits: Limits = DEFAULT_LIMITS,
    workers: int | None = None,
    runner: LiveRunner | None = None,
    warm: bool = True,
) -> dash.Dash:
    """Build the dashboard app (no server is started).

    Args:
        results_dir: The only folder the app reads results from (default ``./results``);
            it is created if missing.
        scenarios_dir: Folder of shipped scenarios offered in the explorer (default: the
            repository's ``scenarios/``).
        limits: Caps on uploads and live runs.
        workers: Worker processes for live runs (default: CPU count, at most 4; 0 runs
            in the server process).
        runner: A live runner to share (overrides ``workers``).
        warm: Start the worker processes now rather than at the first run.

    Returns:
        The Dash app; ``app.server`` is its Flask server and ``app.courtsim`` its context.
    """
    root = Path(results_dir) if results_dir is not None else Path("results")
    root.mkdir(parents=True, exist_ok=True)
    scen_dir = Path(scenarios_dir) if scenarios_dir is not None else default_scenarios_dir()
    ctx = AppContext(
        results_root=root.resolve(),
        scenarios=shipped_scenarios(scen_dir),
        limits=limits,
        runner=runner or LiveRunner(workers=workers),
    )
    app = dash.Dash(
        __name__,
        title="courtsim briefing",
        assets_folder=str(Path(__file__).with_name("assets")),
        serve_locally=True,  # never fetch scripts from a CDN: the app works offline
        update_title=None,
    )
    app.server.config["MAX_CONTENT_LENGTH"] = MAX_REQUEST_BYTES
    app.layout = lambda: build_layout(ctx)
    register_callbacks(app, ctx)
    app.courtsim = ctx  # type: ignore[attr-defined]
    if warm:
        ctx.runner.warm()
    logging.getLogger("courtsim.dashboard").debug(
        "dashboard: %d scenarios, results in %s", len(ctx.scenarios), ctx.results_root
    )
    return app
