"""Conclusions that survive what we don't know: each pilot against the baseline across plausible worlds.

A *world* is one posterior draw of the calibrated unknowns (``courtsim calibrate``'s
``posterior.parquet``, mapped onto scenario keys by the calibration set-up) together with
one point of a Latin hypercube or Sobol design over the unknowns the data cannot pin
down. In each world the baseline and every pilot run the same replicates (common random
numbers), so each world gives a paired effect per pilot and KPI. The runs are a plan of
the sweep machinery (:mod:`courtsim.experiment.sweep`): the same executors (serial,
pool, Dask), one file per finished run, ``--resume`` and a manifest. The table
(:mod:`courtsim.calibration.robustness_table`) is computed from the runs' rows.

Example:
    >>> out = courtsim.calibration.robustness("experiments/robustness.yaml", "results/robust")
    >>> out.table[["pilot", "metric", "effect_median", "share_same_sign", "driver"]]
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from courtsim.calibration.robustness_spec import (
    Robustness,
    RobustnessError,
    as_robustness,
    load_posterior,
)
from courtsim.calibration.robustness_table import drivers, robustness_table, world_effects
from courtsim.calibration.spec import CalibrationError, Parameter, ParameterSpace
from courtsim.errors import ScenarioError
from courtsim.experiment.design import design_rng, unit_samples
from courtsim.experiment.plan import Plan, PlannedRun, check_names
from courtsim.experiment.provenance import sha256_file
from courtsim.experiment.spec import Factor
from courtsim.experiment.store import RunStore, atomic_write_parquet
from courtsim.experiment.sweep import execute_experiment
from courtsim.schema.scenario import Scenario, load_scenario

if TYPE_CHECKING:
    from distributed import Client

#: Files a robustness folder holds besides the runs (``results.parquet``, ``runs/``).
TABLE_FILES = ("worlds.parquet", "effects.parquet", "drivers.parquet", "table.parquet")


@dataclass
class RobustnessOutcome:
    """What a robustness experiment produced.

    Attributes:
        out: The results folder.
        worlds: One row per world: ``world, draw`` and each unknown's value.
        effects: Per world, pilot and KPI, the paired effect (``effects.parquet``).
        drivers: Spearman's rho of each effect with each unknown (``drivers.parquet``).
        table: The robustness table (``table.parquet``).
        results: Every run's rows (``results.parquet``).
        n_failed: Runs that failed (their worlds are left out of the table).
        n_skipped: Runs found finished at the start (resume).
        manifest: The manifest written.
    """

    out: Path
    worlds: pd.DataFrame
    effects: pd.DataFrame
    drivers: pd.DataFrame
    table: pd.DataFrame
    results: pd.DataFrame
    n_failed: int
    n_skipped: int
    manifest: dict[str, Any]

    def __repr__(self) -> str:
        return (
            f"RobustnessOutcome(name={self.manifest.get('name')!r}, worlds={len(self.worlds)}, "
            f"pilots={list(dict.fromkeys(self.table['pilot']))}, out={str(self.out)!r})"
        )

    def sentences(self) -> list[str]:
        """Return the table's plain-language sentences, pilot by pilot."""
        return list(self.table["sentence"])


def _arm_scenario(exp: Robustness, label: str, ref: str, field: str) -> tuple[Scenario, Path]:
    path = exp.resolve(ref)
    try:
        sc = load_scenario(path)
        if exp.spec.set:
            sc = sc.with_overrides(dict(exp.spec.set), source=f"{exp.path} (set)")
    except ScenarioError as exc:
        raise RobustnessError(
            f"the scenario of '{label}' cannot be used: {exc}", source=str(exp.path), field=field
        ) from None
    return sc, path


def _design_values(params: tuple[Parameter, ...], u: np.ndarray) -> np.ndarray:
    lo = np.array([np.log(p.low) if p.log else p.low for p in params])
    hi = np.array([np.log(p.high) if p.log else p.high for p in params])
    y = lo + u * (hi - lo)
    logs = np.array([p.log for p in params])
    return np.where(logs, np.exp(y), y)


def _param_field(field: str, n_calibrated: int) -> str:
    """Name the robustness file's field behind a ParameterSpace error on parameter i."""
    parts = field.split(".")
    if len(parts) >= 2 and parts[0] == "parameters" and parts[1].isdigit():
        i = int(parts[1])
        if i < n_calibrated:
            return "posterior.params"
        return ".".join(["uncertain", str(i - n_calibrated), *parts[2:]])
    return field or "uncertain"


def world_table(
    exp: Robustness, calibrated: tuple[Parameter, ...], draws: pd.DataFrame
) -> pd.DataFrame:
    """Return the worlds: a posterior draw and a design point each.

    Draws are taken without replacement when the posterior has at least ``worlds`` of
    them (with replacement otherwise), from a generator of the experiment seed kept apart
    from the runs' streams; the design is a Latin hypercube or scrambled Sobol sequence
    of the same seed.

    Args:
        exp: The experiment.
        calibrated: The calibrated parameters (the draws' columns).
        draws: The posterior draws.

    Returns:
        ``world, draw`` (-1 without a posterior) and one column per unknown.
    """
    spec = exp.spec
    n = spec.worlds
    out = pd.DataFrame({"world": np.arange(n, dtype=np.int64)})
    if calibrated:
        rng = design_rng(spec.seed, "robustness:posterior-draws")
        idx = rng.choice(len(draws), size=n, replace=len(draws) < n)
        out["draw"] = idx.astype(np.int64)
        for p in calibrated:
            out[p.name] = draws[p.name].to_numpy()[idx]
    else:
        out["draw"] = np.full(n, -1, dtype=np.int64)
    if spec.uncertain:
        u = unit_samples(spec.design, n, len(spec.uncertain), spec.seed)
        vals = _design_values(spec.uncertain, u)
        for j, p in enumerate(spec.uncertain):
            out[p.name] = vals[:, j]
    return out


def robustness_plan(exp: Robustness) -> tuple[Plan, pd.DataFrame, dict[str, Any]]:
    """Plan the runs: every world x (baseline and each pilot) x replicate.

    Args:
        exp: The experiment.

    Returns:
        The plan, the worlds and provenance of the posterior.

    Raises:
        RobustnessError: A scenario, the posterior or an unknown's keys cannot be used.
    """
    spec = exp.spec
    calibrated, draws, draws_file = load_posterior(exp)
    params = (*calibrated, *spec.uncertain)
    names = [p.name for p in params]
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup:
        raise RobustnessError(
            f"an unknown of 'uncertain' is also calibrated: {', '.join(dup)}; design over "
            "what the posterior leaves open only",
            source=str(exp.path),
            field="uncertain",
        )
    arms = {"baseline": spec.baseline, **spec.pilots}
    scenarios: dict[str, Scenario] = {}
    spaces: dict[str, ParameterSpace] = {}
    base_file = Path()
    for a, (label, ref) in enumerate(arms.items()):
        field = "baseline" if a == 0 else f"pilots.{label}"
        sc, path = _arm_scenario(exp, label, ref, field)
        base_file = path if a == 0 else base_file
        scenarios[label] = sc
        try:
            spaces[label] = ParameterSpace(sc, params, str(exp.path))
        except CalibrationError as exc:
            raise RobustnessError(
                f"in the scenario of '{label}': {exc.message}",
                source=str(exp.path),
                field=_param_field(exc.field or "", len(calibrated)),
            ) from None
    kpis, _ = check_names(str(exp.path), list(scenarios.values()), spec.kpis, ())
    worlds = world_table(exp, calibrated, draws)
    points: list[dict[str, Any]] = []
    plan_scenarios: list[Scenario | None] = []
    runs: list[PlannedRun] = []
    for w in worlds.itertuples(index=False):
        x = [float(getattr(w, n)) for n in names]
        for a, label in enumerate(arms):
            point = {"world": int(w.world), "arm": label, "draw": int(w.draw)}
            point |= dict(zip(names, x, strict=True))
            try:
                sc: Scenario | None = spaces[label].scenario(x)
                h, err = sc.content_hash(), ""
            except CalibrationError as exc:
                sc, h, err = None, "", exc.message
            i = len(points)
            points.append(point)
            plan_scenarios.append(sc)
            for r in range(spec.replications):
                rid = f"w{int(w.world):04d}-a{a:02d}-r{r:03d}"
                runs.append(PlannedRun(rid, i, r, spec.seed, h, err))
    kinds = {"world": "int", "arm": "str", "draw": "int"} | dict.fromkeys(names, "float")
    factors = {
        "world": Factor(levels=tuple(range(spec.worlds))),
        "arm": Factor(levels=tuple(arms)),
        "draw": Factor(levels=tuple(sorted(set(worlds["draw"].tolist())))),
    } | {p.name: Factor(range=(p.low, p.high)) for p in params}
    plan = Plan(
        spec.name, scenarios["baseline"], base_file, factors, kinds, points, plan_scenarios,
        None, runs, kpis, (), spec.seed, spec.replications,
    )  # fmt: skip
    provenance = {
        "posterior_draws_file": draws_file,
        "posterior_draws_sha256": sha256_file(Path(draws_file)) if draws_file else "",
        "calibrated": [p.model_dump(mode="json") for p in calibrated],
        "uncertain": [p.model_dump(mode="json") for p in spec.uncertain],
        "arms": {label: str(exp.resolve(ref)) for label, ref in arms.items()},
    }
    return plan, worlds, provenance


def robustness(
    experiment: str | Path | dict[str, Any] | Robustness,
    out: str | Path | None = None,
    workers: int | None = None,
    scheduler: str | Client | None = None,
    resume: bool = False,
    progress: bool = True,
    timeout_s: float = 10.0,
) -> RobustnessOutcome:
    """Run a robustness experiment: every pilot against the baseline in every plausible world.

    Args:
        experiment: A ``kind: robustness`` file, or the same content as a mapping.
        out: Results folder (default: a new temporary folder).
        workers: Local processes (1 = serial, None = every core).
        scheduler: Dask scheduler address (``tcp://host:8786``) or client.
        resume: Continue an interrupted run in ``out``: finished runs are kept.
        progress: Show a progress bar on stderr.
        timeout_s: Seconds to wait for the Dask scheduler.

    Returns:
        The worlds, per-world effects, drivers and the table, all saved in ``out``.

    Raises:
        RobustnessError: The file, a scenario or the posterior cannot be used.
        ExperimentError: An unknown KPI, or the executor cannot be used.
        ResultsError: The output folder cannot be used.

    Example:
        >>> res = robustness("experiments/robustness.yaml", "results/robustness")
        >>> for line in res.sentences():
        ...     print(line)
    """
    exp = as_robustness(experiment)
    if out is None:
        out = tempfile.mkdtemp(prefix="courtsim-robustness-")
    plan, worlds, provenance = robustness_plan(exp)
    runs = execute_experiment(
        exp,  # type: ignore[arg-type]  # the sweep machinery reads name, path, hash, spec
        plan,
        out,
        "robustness",
        workers,
        scheduler,
        resume,
        progress,
        timeout_s,
    )
    unknowns = [c for c in worlds.columns if c not in ("world", "draw")]
    pilots = list(exp.spec.pilots)
    effects = world_effects(runs.results, pilots, unknowns)
    drv = drivers(effects, unknowns)
    table = robustness_table(effects, drv)
    frames = {
        "worlds.parquet": worlds,
        "effects.parquet": effects,
        "drivers.parquet": drv,
        "table.parquet": table,
    }
    manifest = runs.manifest
    for name, df in frames.items():
        atomic_write_parquet(runs.out / name, df)
        manifest["files"][name] = sha256_file(runs.out / name)
    manifest |= {
        "pilots": pilots,
        "worlds": exp.spec.worlds,
        "design": exp.spec.design,
        "driver_measure": "spearman",
        "interval": [0.10, 0.90],
        **provenance,
    }
    RunStore(runs.out).write_manifest(manifest)
    return RobustnessOutcome(
        runs.out, worlds, effects, drv, table, runs.results, runs.n_failed, runs.n_skipped, manifest
    )


__all__ = ["TABLE_FILES", "RobustnessOutcome", "robustness", "robustness_plan", "world_table"]
