"""Projections: the KPIs year by year under policy options, as posterior predictive fan charts.

A ``kind: projection`` file (``experiments/projection.yaml``) names a scenario that runs
over the projected years (``scenarios/kz_projection.yaml``: Kazakhstan 2026-2030 at 1/40
scale), the policy options (each a set of dotted overrides: counts of conciliation
judges and mediators, a channel's reach) and the calibration's posterior. Draw k of the
posterior runs as replicate k, so every band mixes the uncertainty of the unknowns and
the replicate noise (posterior predictive); every option runs the same draws and
replicates (common random numbers), so options differ only by what they change.

The scenario is at the posterior medians (``kz_calibrated.yaml``); a draw replaces them:
a ``mode: set`` unknown takes the draw's value, a ``mode: scale`` one multiplies the
scenario's value by draw / median (the medians of the calibration folder's ``fit.json``).
The runs go through the sweep machinery (:mod:`courtsim.experiment.sweep`): executors,
one file per run, ``--resume``, a manifest. Yearly KPIs come from the daily series
(:mod:`courtsim.calibration.measures`), the fan from their quantiles over the draws.
"""

from __future__ import annotations

import datetime as dt
import json
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from courtsim.calibration.measures import day_of, period_value
from courtsim.calibration.projection_spec import ProjectionError, ProjectionSpec, as_projection
from courtsim.calibration.robustness_spec import Robustness, load_posterior
from courtsim.calibration.spec import CalibrationError, ParameterSpace
from courtsim.errors import CourtsimError, ScenarioError
from courtsim.experiment.design import design_rng
from courtsim.experiment.plan import Plan, PlannedRun, check_names
from courtsim.experiment.provenance import sha256_file
from courtsim.experiment.spec import Factor
from courtsim.experiment.store import RunStore, atomic_write_parquet
from courtsim.experiment.sweep import execute_experiment
from courtsim.loading import load_json
from courtsim.schema.scenario import Scenario, load_scenario

if TYPE_CHECKING:
    from distributed import Client

#: Daily series a projection keeps: what the yearly KPIs need.
DAILY = (
    "n_pending",
    "new_filed",
    "new_disposed",
    "new_returned",
    "new_settlement",
    "new_settled_conciliation",
    "new_settled_mediation",
    "new_settled_participatory",
)
#: Yearly KPIs of the fan: pending cases at the year's end, CEPEJ disposition time,
#: reconciliation share (settled / disposed accepted claims).
FAN_KPIS = ("pending_end", "disposition_time_days", "share_settled")
_COUNTS = ("pending_start", "incoming", "resolved", "pending_end")


@dataclass
class ProjectionOutcome:
    """What a projection produced.

    Attributes:
        out: The results folder.
        yearly: Per option, draw and year: the yearly KPIs (``yearly.parquet``).
        fan: Per option, year and KPI: mean, p10, median, p90 (``fan.parquet``).
        n_failed: Runs that failed (left out of the fan).
        n_skipped: Runs found finished at the start (resume).
        manifest: The manifest written.
    """

    out: Path
    yearly: pd.DataFrame
    fan: pd.DataFrame
    n_failed: int
    n_skipped: int
    manifest: dict[str, Any]


def _medians(exp: Robustness, draws_file: str) -> dict[str, float]:
    """Return the posterior medians the scenario was made at (the folder's fit.json)."""
    fit = Path(draws_file).parent / "fit.json"
    if fit.is_file():
        data = load_json(fit, ProjectionError)
        return {p["name"]: float(p["median"]) for p in data.get("parameters", [])}
    raise ProjectionError(
        f"cannot find fit.json beside {draws_file}: a projection needs the calibration folder "
        "(its medians tell how far each draw is from the scenario's values)",
        source=str(exp.path),
        field="posterior.draws",
    )


def _years(sc: Scenario, spec: ProjectionSpec, source: str) -> list[tuple[int, int, int]]:
    """Return (year, day before its first day, its last day) for each projected year."""
    first = sc.start_date + dt.timedelta(days=sc.reporting.warmup_days)
    last = sc.start_date + dt.timedelta(days=sc.horizon_days - 1)
    y0, y1 = spec.years
    if dt.date(y0, 1, 1) < first or dt.date(y1, 12, 31) > last:
        raise ProjectionError(
            f"years {y0}-{y1} leave the scenario's KPI window ({first} to {last}); change "
            "'years', or the scenario's start_date, horizon_days or warm-up",
            source=source,
            field="years",
        )
    out = []
    for y in range(y0, y1 + 1):
        out.append(
            (
                y,
                day_of(dt.date(y, 1, 1), sc.start_date) - 1,
                day_of(dt.date(y, 12, 31), sc.start_date),
            )
        )
    return out


def projection_plan(exp: Robustness) -> tuple[Plan, pd.DataFrame, dict[str, Any]]:
    """Plan the runs: every option x draw (draw k runs as replicate k).

    Args:
        exp: The projection.

    Returns:
        The plan, the draws used (``draw_index, replicate`` and each unknown) and provenance.

    Raises:
        ProjectionError: The scenario, an option, the posterior or the years cannot be used.
    """
    spec: ProjectionSpec = exp.spec  # type: ignore[assignment]
    try:
        calibrated, draws, draws_file = load_posterior(exp)  # type: ignore[arg-type]
    except CourtsimError as exc:
        raise ProjectionError(exc.message, source=exc.source, field=exc.field) from None
    medians = _medians(exp, draws_file)
    path = exp.resolve(spec.scenario)
    try:
        base = load_scenario(path)
        if spec.set:
            base = base.with_overrides(dict(spec.set), source=f"{exp.path} (set)")
    except ScenarioError as exc:
        raise ProjectionError(
            f"the scenario cannot be used: {exc}", source=str(exp.path), field="scenario"
        ) from None
    years = _years(base, spec, str(exp.path))
    rng = design_rng(spec.seed, "projection:posterior-draws")
    idx = rng.choice(len(draws), size=spec.draws, replace=len(draws) < spec.draws)
    used = pd.DataFrame({"draw": np.arange(spec.draws), "draw_index": idx})
    for p in calibrated:
        used[p.name] = draws[p.name].to_numpy()[idx]
    names = [p.name for p in calibrated]
    x_all = np.column_stack(
        [used[p.name] / medians[p.name] if p.mode == "scale" else used[p.name] for p in calibrated]
    )
    points, scenarios, runs = [], [], []
    for o, (label, overrides) in enumerate(spec.options.items()):
        try:
            sc = (
                base.with_overrides(dict(overrides), source=f"{exp.path}, option {label}")
                if overrides
                else base
            )
            space = ParameterSpace(sc, calibrated, str(exp.path))
        except ScenarioError as exc:
            raise ProjectionError(
                f"option '{label}' cannot be applied: {exc.message}",
                source=str(exp.path),
                field=f"options.{label}",
            ) from None
        except CalibrationError as exc:
            raise ProjectionError(
                exc.message, source=str(exp.path), field="posterior.params"
            ) from None
        for k in range(spec.draws):
            x = x_all[k]
            try:
                s: Scenario | None = space.scenario(x)
                h, err = s.content_hash(), ""
            except CalibrationError as exc:
                s, h, err = None, "", exc.message
            points.append(
                {"option": label, "draw": k}
                | dict(zip(names, map(float, used.loc[k, names]), strict=True))
            )
            scenarios.append(s)
            runs.append(PlannedRun(f"o{o:02d}-d{k:04d}", len(points) - 1, k, spec.seed, h, err))
    kpis, daily = check_names(str(exp.path), [base], ("share_settled",), DAILY)
    kinds = {"option": "str", "draw": "int"} | dict.fromkeys(names, "float")
    factors = {
        "option": Factor(levels=tuple(spec.options)),
        "draw": Factor(levels=tuple(range(spec.draws))),
    } | {p.name: Factor(range=(p.low, p.high)) for p in calibrated}
    plan = Plan(
        spec.name, base, path, factors, kinds, points, scenarios, None, runs, kpis, daily,
        spec.seed, 1, {"years": years},
    )  # fmt: skip
    provenance = {
        "posterior_draws_file": draws_file,
        "posterior_draws_sha256": sha256_file(Path(draws_file)),
        "posterior_medians": medians,
        "options": {k: dict(v) for k, v in spec.options.items()},
        "years": list(spec.years),
        "scale": spec.scale,
        "scenario_file": str(path),
    }
    return plan, used, provenance


def yearly_table(
    daily: pd.DataFrame, years: list[tuple[int, int, int]], scale: float
) -> pd.DataFrame:
    """Return each run's KPIs year by year, from its daily series.

    Args:
        daily: Daily rows: ``option, draw, day, metric, value``.
        years: (year, day before its first day, its last day).
        scale: Counts are multiplied by it (the country = scale x the modelled court).

    Returns:
        ``option, draw, year, pending_start, incoming, resolved, pending_end,
        disposition_time_days, share_settled``; counts scaled, so that pending_end =
        pending_start + incoming - resolved in every row.
    """
    rows = []
    for (option, draw), g in daily.groupby(["option", "draw"], sort=False):
        series = {m: s.sort_values("day")["value"].to_numpy() for m, s in g.groupby("metric")}
        for year, lo, hi in years:
            resolved = period_value("resolved", series, lo, hi, 1)
            pending = float(series["n_pending"][hi])
            rows.append(
                {
                    "option": option,
                    "draw": int(draw),
                    "year": year,
                    "pending_start": float(series["n_pending"][lo]) * scale,
                    "incoming": period_value("incoming", series, lo, hi, 1) * scale,
                    "resolved": resolved * scale,
                    "pending_end": pending * scale,
                    "disposition_time_days": 365.0 * pending / resolved if resolved > 0 else np.nan,
                    "share_settled": period_value("share_settled", series, lo, hi, 1),
                }
            )
    return pd.DataFrame(rows)


def fan_table(yearly: pd.DataFrame) -> pd.DataFrame:
    """Return the fan: per option, year and KPI, mean and the 10%, 50% and 90% quantiles.

    Args:
        yearly: :func:`yearly_table`.

    Returns:
        ``option, year, metric, n, mean, p10, median, p90``.
    """
    long = yearly.melt(
        id_vars=["option", "draw", "year"], value_vars=list(FAN_KPIS), var_name="metric"
    )
    g = long.groupby(["option", "year", "metric"], sort=False)["value"]
    out = pd.DataFrame(
        {
            "n": g.count(),
            "mean": g.mean(),
            "p10": g.quantile(0.10),
            "median": g.median(),
            "p90": g.quantile(0.90),
        }
    ).reset_index()
    return out


def project(
    experiment: str | Path | dict[str, Any],
    out: str | Path | None = None,
    workers: int | None = None,
    scheduler: str | Client | None = None,
    resume: bool = False,
    progress: bool = True,
    timeout_s: float = 10.0,
) -> ProjectionOutcome:
    """Project the KPIs year by year under each policy option, across posterior draws.

    Args:
        experiment: A ``kind: projection`` file, or the same content as a mapping.
        out: Results folder (default: a new temporary folder).
        workers: Local processes (1 = serial, None = every core).
        scheduler: Dask scheduler address or client.
        resume: Continue an interrupted projection in ``out``.
        progress: Show a progress bar on stderr.
        timeout_s: Seconds to wait for the Dask scheduler.

    Returns:
        The yearly KPIs per run and the fan, saved in ``out`` with a manifest.

    Raises:
        ProjectionError: The file, scenario, an option, the posterior or the years.
        ResultsError: The output folder cannot be used.

    Example:
        >>> p = project("experiments/projection.yaml", "results/projection")
        >>> p.fan.query("metric == 'pending_end' and year == 2030")
    """
    exp = as_projection(experiment)
    if out is None:
        out = tempfile.mkdtemp(prefix="courtsim-projection-")
    plan, used, provenance = projection_plan(exp)
    runs = execute_experiment(
        exp,  # type: ignore[arg-type]
        plan,
        out,
        "projection",
        workers,
        scheduler,
        resume,
        progress,
        timeout_s,
    )
    daily = (
        runs.daily
        if runs.daily is not None
        else pd.DataFrame(columns=["option", "draw", "day", "metric", "value"])
    )
    failed = set(runs.results.loc[runs.results["status"] != "ok", "run_id"])
    daily = daily[~daily["run_id"].isin(failed)]
    yearly = yearly_table(daily, plan.extra["years"], exp.spec.scale)  # type: ignore[attr-defined]
    fan = fan_table(yearly)
    manifest = runs.manifest
    for name, df in {"draws.parquet": used, "yearly.parquet": yearly, "fan.parquet": fan}.items():
        atomic_write_parquet(runs.out / name, df)
        manifest["files"][name] = sha256_file(runs.out / name)
    manifest |= provenance | {"fan_quantiles": [0.10, 0.50, 0.90]}
    RunStore(runs.out).write_manifest(json.loads(json.dumps(manifest, default=str)))
    return ProjectionOutcome(runs.out, yearly, fan, runs.n_failed, runs.n_skipped, manifest)


def fan_lines(fan: pd.DataFrame) -> list[str]:
    """Return one line per option and KPI for the last projected year: median and 10-90%.

    Args:
        fan: :func:`fan_table`.

    Returns:
        Lines such as "status_quo, pending_end 2030: median 12,345 (10-90%: 9,876 to 14,000)".
    """
    last = fan[fan["year"] == fan["year"].max()]
    out = []
    for r in last.itertuples():
        if str(r.metric).startswith("share_"):
            f = lambda v: f"{v:.1%}"  # noqa: E731 - a one-line formatter
        else:
            f = lambda v: f"{v:,.0f}" if abs(v) >= 100 else f"{v:.1f}"  # noqa: E731
        out.append(
            f"{r.option}, {r.metric} {r.year}: median {f(r.median)} (10-90% of draws: "
            f"{f(r.p10)} to {f(r.p90)})"
        )
    return out


__all__ = [
    "DAILY",
    "FAN_KPIS",
    "ProjectionError",
    "ProjectionOutcome",
    "ProjectionSpec",
    "as_projection",
    "fan_lines",
    "fan_table",
    "project",
    "projection_plan",
    "yearly_table",
]
