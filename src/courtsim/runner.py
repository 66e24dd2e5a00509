"""Running scenarios: one simulation in, one :class:`~courtsim.result.Result` out."""

from __future__ import annotations

import time
from pathlib import Path

from courtsim.errors import ScenarioError
from courtsim.metrics import kpis as compute_kpis
from courtsim.model import CourtModel
from courtsim.resources import check_fits
from courtsim.result import Result, build_manifest
from courtsim.schema.scenario import Scenario, load_scenario


def simulate(scenario: Scenario | str | Path, seed: int = 0, replicate: int = 0) -> Result:
    """Run one scenario to its horizon.

    Args:
        scenario: The scenario, or the path of a scenario file.
        seed: Master seed (>= 0).
        replicate: Replicate number; replicate r uses ``SeedSequence(seed, spawn_key=(r,))``.

    Returns:
        The result, with daily and case tables, KPIs over the reporting window and a manifest.

    Raises:
        ScenarioError: The file cannot be loaded, ``scenario`` is neither a scenario nor a
            path, or the run would not fit in memory (:func:`courtsim.resources.check_fits`).

    Example:
        >>> res = simulate("scenarios/baseline.yaml", seed=1)
        >>> res.kpis["clearance_rate"]
    """
    if isinstance(scenario, str | Path):
        scenario = load_scenario(scenario)
    elif not isinstance(scenario, Scenario):
        raise ScenarioError(
            "simulate() takes a Scenario or the path of a scenario file, not an object of "
            f"type {type(scenario).__name__}",
            source="simulate()",
            field="scenario",
        )
    check_fits(scenario, source=f"scenario '{scenario.name}'")  # before any allocation
    t0 = time.perf_counter()
    model = CourtModel.from_scenario(scenario, seed=seed, replicate=replicate)
    model.run()
    elapsed = time.perf_counter() - t0
    cal = model.calendar
    daily = model.recorder.to_frame([cal.date(d) for d in range(model.horizon + 1)])
    daily = daily.assign(n_initial=model.n_initial)
    cases = model.cases.to_frame(model.case_type_names, model.court_names)
    k = compute_kpis(
        cases,
        daily,
        warmup_days=scenario.reporting.warmup_days,
        judge_day_cost_kzt=scenario.costs.judge_day_cost_kzt,
        n_judges=len(model.judges),
        n_conciliation_judges=len(model.conciliation_judges),
        appeal_time_limit_days=scenario.appeals.time_limit_days,
    )
    manifest = build_manifest(
        scenario,
        seed,
        replicate,
        n_cases=int(model.cases.n),
        n_judges=len(model.judges),
        run_seconds=round(elapsed, 4),
    )
    return Result(scenario, seed, replicate, daily, cases, k, manifest)
