"""From an experiment file to its list of runs: scenarios checked, factors typed, names probed.

Everything that can be wrong with an experiment file is found here, before any run
starts: a missing scenario, a factor naming a key the scenario lacks or a value it does
not accept, an unknown KPI or daily series. Combinations of individually valid values
that make an invalid scenario become runs that fail with that error.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from courtsim.errors import ScenarioError
from courtsim.experiment.design import cast, grid, sampled, to_python
from courtsim.experiment.spec import (
    Experiment,
    ExperimentError,
    Factor,
    SensitivitySpec,
    SweepSpec,
)
from courtsim.experiment.worker import RunTask, probe_names
from courtsim.schema.scenario import Scenario, load_scenario

_MISSING = object()


def scenario_reason(exc: ScenarioError) -> str:
    """Return why a scenario was rejected, without the advice meant for scenario files.

    Args:
        exc: The error.

    Returns:
        The reason, e.g. "'judges.count': Input should be greater than or equal to 1 (got 0)."
    """
    msg = exc.message.removeprefix("invalid scenario: ")
    return msg.removesuffix(" Fix the value(s) and run `courtsim validate` again.")


@dataclass(frozen=True)
class PlannedRun:
    """One run of an experiment.

    Attributes:
        run_id: Key of the run (``p<point>-r<replicate>``).
        point: Design point number.
        replicate: Replicate number.
        seed: Master seed.
        scenario_hash: The scenario's content hash ("" when the point's scenario is invalid).
        error: Why the point's scenario is invalid ("" when it is valid).
    """

    run_id: str
    point: int
    replicate: int
    seed: int
    scenario_hash: str
    error: str = ""


@dataclass
class Plan:
    """All the runs of a sweep or sensitivity experiment, and how to label their rows.

    Attributes:
        name: Experiment name.
        base: Base scenario with the experiment's ``set:`` overrides applied.
        base_file: The base scenario file.
        factors: Factors by dotted key.
        kinds: Value type of each factor (``int``, ``float``, ``bool``, ``str``, ``object``).
        points: Factor values of each design point.
        scenarios: Scenario of each point (None when invalid).
        samples: The sample each point belongs to (sensitivity: ``sobol``/``morris``).
        runs: The runs, point by point, replicate by replicate.
        kpis: KPIs kept.
        daily: Daily series kept.
        seed: Master seed.
        replications: Replicates per point.
    """

    name: str
    base: Scenario
    base_file: Path
    factors: dict[str, Factor]
    kinds: dict[str, str]
    points: list[dict[str, Any]]
    scenarios: list[Scenario | None]
    samples: list[str] | None
    runs: list[PlannedRun]
    kpis: tuple[str, ...]
    daily: tuple[str, ...]
    seed: int
    replications: int
    extra: dict[str, Any] = field(default_factory=dict)

    def tasks(self, skip: Iterable[str] = ()) -> Iterator[RunTask]:
        """Yield the tasks of the runs not in ``skip`` whose scenario is valid.

        Args:
            skip: Run ids to leave out (finished before a resume).

        Yields:
            Tasks in plan order.
        """
        skipped = set(skip)
        for r in self.runs:
            sc = self.scenarios[r.point]
            if r.run_id in skipped or sc is None:
                continue
            yield RunTask(r.run_id, sc, r.seed, r.replicate, self.kpis, self.daily)

    def fingerprint(self) -> str:
        """Return a hash of every run's key and what is kept: equal plans, equal datasets."""
        keys = [(r.run_id, r.scenario_hash, r.seed, r.replicate, r.error) for r in self.runs]
        blob = json.dumps([keys, self.kpis, self.daily], separators=(",", ":"))
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()

    def run_table(self) -> list[dict[str, Any]]:
        """Return the runs with their factor values, for the manifest."""
        out = []
        for r in self.runs:
            row: dict[str, Any] = {
                "run_id": r.run_id,
                "point": r.point,
                "replicate": r.replicate,
                "seed": r.seed,
                "scenario_hash": r.scenario_hash,
                "factors": self.points[r.point],
            }
            if self.samples is not None:
                row["sample"] = self.samples[r.point]
            out.append(row)
        return out


def load_base(exp: Experiment, ref: str, field_name: str) -> tuple[Scenario, Path]:
    """Load a scenario named in an experiment file and apply the file's ``set:``.

    Args:
        exp: The experiment.
        ref: The scenario path as written in the file.
        field_name: The field that names it, for error messages.

    Returns:
        The scenario and its path.

    Raises:
        ExperimentError: The scenario cannot be loaded, or ``set:`` does not fit it.
    """
    path = Path(ref) if ref in exp.inline else exp.resolve(ref)
    try:
        sc = exp.inline[ref] if ref in exp.inline else load_scenario(path)
    except ScenarioError as exc:
        raise ExperimentError(
            f"the scenario named here cannot be used: {exc}", source=str(exp.path), field=field_name
        ) from None
    overrides = exp.spec.set
    if overrides:
        try:
            sc = sc.with_overrides(overrides, source=str(path))
        except ScenarioError as exc:
            raise ExperimentError(
                f"cannot apply 'set' to {path}: {scenario_reason(exc)}",
                source=str(exp.path),
                field=f"set.{exc.field}" if exc.field else "set",
            ) from None
    return sc, path


def lookup(data: dict[str, Any], key: str) -> Any:
    """Return the value at a dotted key of nested mappings, or a sentinel when missing.

    Args:
        data: Nested mappings.
        key: Dotted key.

    Returns:
        The value, or the module's ``_MISSING`` sentinel.
    """
    node: Any = data
    for part in key.split("."):
        if not isinstance(node, dict) or part not in node:
            return _MISSING
        node = node[part]
    return node


def factor_kind(factor: Factor, base_value: Any) -> str:
    """Return the value type of a factor, from its spec and the base scenario's value.

    Args:
        factor: The factor.
        base_value: The base scenario's value at the factor's key (or the sentinel).

    Returns:
        ``int``, ``float``, ``bool``, ``str`` or ``object``.
    """
    base_int = isinstance(base_value, int) and not isinstance(base_value, bool)
    if factor.range is not None:
        if factor.integer is not None:
            return "int" if factor.integer else "float"
        return "int" if base_int else "float"
    levels = [to_python(v) for v in factor.levels or ()]
    if factor.integer:
        return "int"
    if all(isinstance(v, bool) for v in levels):
        return "bool"
    if all(isinstance(v, int | float) and not isinstance(v, bool) for v in levels):
        if base_int:
            return "int"
        if isinstance(base_value, float):
            return "float"
        return "int" if all(isinstance(v, int) for v in levels) else "float"
    if all(isinstance(v, str) for v in levels):
        return "str"
    return "object"


def check_factors(exp: Experiment, base: Scenario, factors: dict[str, Factor]) -> dict[str, str]:
    """Check each factor's key and values against the base scenario; return their types.

    Every level (or both ends of a range) is applied alone to the base scenario, so an
    unknown key or a value the scenario never accepts is an error before any run.

    Args:
        exp: The experiment (for error messages).
        base: The base scenario.
        factors: The factors.

    Returns:
        Value type per factor.

    Raises:
        ExperimentError: A key does not exist or a value is invalid.
    """
    data = base.as_dict()
    kinds: dict[str, str] = {}
    for key, factor in factors.items():
        kind = factor_kind(factor, lookup(data, key))
        kinds[key] = kind
        if factor.levels is not None:
            values = [cast(v, kind) for v in factor.levels]
        else:
            lo, hi = factor.range or (0.0, 1.0)
            values = [lo, hi] if kind == "float" else [int(-(-lo // 1)), int(hi // 1)]
            if kind == "int" and values[0] > values[1]:
                raise ExperimentError(
                    f"the range [{lo}, {hi}] holds no whole number",
                    source=str(exp.path),
                    field=f"factors.{key}.range",
                )
        for v in values:
            try:
                base.with_overrides({key: v}, source=str(exp.path))
            except ScenarioError as exc:
                raise ExperimentError(
                    f"factor '{key}' cannot take the value {v!r}: {scenario_reason(exc)}",
                    source=str(exp.path),
                    field=f"factors.{key}",
                ) from None
    return kinds


def check_names(
    source: str,
    scenarios: list[Scenario],
    kpis: tuple[str, ...] | None,
    daily: tuple[str, ...],
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Check KPI and daily series names against what the scenarios' runs report.

    Args:
        source: The experiment file or option naming them, for error messages.
        scenarios: Scenarios whose names count (probed with a two-day run each).
        kpis: Requested KPIs, or None for all.
        daily: Requested daily series.

    Returns:
        The KPIs kept (all reported ones when ``kpis`` is None) and the daily series.

    Raises:
        ExperimentError: A name is not reported.
    """
    known_k: dict[str, None] = {}
    known_d: dict[str, None] = {}
    for sc in scenarios:
        k, d = probe_names(sc)
        known_k.update(dict.fromkeys(k))
        known_d.update(dict.fromkeys(d))
    check_known(kpis or (), known_k, source, "kpis")
    check_known(daily, known_d, source, "daily")
    return (tuple(kpis) if kpis is not None else tuple(known_k)), tuple(daily)


def check_known(names: Iterable[str], known: Iterable[str], source: str, field_name: str) -> None:
    """Raise when a requested name is not among the known ones.

    Args:
        names: Requested names.
        known: Names the engine reports.
        source: File or option the names came from.
        field_name: Field that lists them.

    Raises:
        ExperimentError: Some names are unknown.
    """
    known = list(known)
    bad = [n for n in names if n not in known]
    if bad:
        what = "KPI" if field_name == "kpis" else "daily series"
        raise ExperimentError(
            f"unknown {what} {', '.join(repr(b) for b in bad)}; the engine reports: "
            f"{', '.join(known)}",
            source=source,
            field=field_name,
        )


def build_runs(
    base: Scenario,
    points: list[dict[str, Any]],
    replications: int,
    seed: int,
    source: str,
) -> tuple[list[Scenario | None], list[PlannedRun]]:
    """Make each point's scenario and the runs: every point gets replicates ``0..R-1``.

    All points share the seed and replicate numbers, so replicate r of every point draws
    the same disputes (common random numbers across the design).

    Args:
        base: Base scenario.
        points: Factor values of each point.
        replications: Replicates per point.
        seed: Master seed.
        source: The experiment file, for error messages of invalid points.

    Returns:
        Each point's scenario (None when invalid) and the runs.
    """
    wp = max(4, len(str(len(points) - 1)))
    wr = max(3, len(str(replications - 1)))
    scenarios: list[Scenario | None] = []
    runs: list[PlannedRun] = []
    for i, point in enumerate(points):
        try:
            sc: Scenario | None = base.with_overrides(point, source=f"{source}, point {i}")
            h, err = sc.content_hash(), ""
        except ScenarioError as exc:
            sc, h, err = None, "", f"invalid scenario: {scenario_reason(exc)}"
        scenarios.append(sc)
        for r in range(replications):
            runs.append(PlannedRun(f"p{i:0{wp}d}-r{r:0{wr}d}", i, r, seed, h, err))
    return scenarios, runs


def sweep_plan(exp: Experiment) -> Plan:
    """Plan the runs of a ``kind: sweep`` experiment.

    Args:
        exp: The experiment.

    Returns:
        The plan.

    Raises:
        ExperimentError: The file names something that does not exist or fit.
    """
    spec = exp.spec
    if not isinstance(spec, SweepSpec):  # pragma: no cover - callers pass the right kind
        raise ExperimentError("not a sweep experiment", source=str(exp.path), field="kind")
    base, base_file = load_base(exp, spec.scenario, "scenario")
    kinds = check_factors(exp, base, spec.factors)
    if spec.design == "grid":
        points = grid(spec.factors, kinds)
    else:
        points = sampled(spec.factors, kinds, spec.design, spec.samples or 1, spec.seed)
    kpis, daily = check_names(str(exp.path), [base], spec.kpis, spec.daily)
    scenarios, runs = build_runs(base, points, spec.replications, spec.seed, str(exp.path))
    return Plan(
        spec.name, base, base_file, dict(spec.factors), kinds, points, scenarios, None, runs,
        kpis, daily, spec.seed, spec.replications,
    )  # fmt: skip


def sensitivity_plan(exp: Experiment) -> Plan:
    """Plan the runs of a ``kind: sensitivity`` experiment (Sobol and Morris samples).

    Args:
        exp: The experiment.

    Returns:
        The plan; ``extra`` holds the SALib problem and each method's sample matrix.

    Raises:
        ExperimentError: The file names something that does not exist or fit.
    """
    from courtsim.experiment.sensitivity import sample_points

    spec = exp.spec
    if not isinstance(spec, SensitivitySpec):  # pragma: no cover
        raise ExperimentError("not a sensitivity experiment", source=str(exp.path), field="kind")
    base, base_file = load_base(exp, spec.scenario, "scenario")
    kinds = check_factors(exp, base, spec.factors)
    points, samples, extra = sample_points(spec, kinds)
    kpis, daily = check_names(str(exp.path), [base], spec.kpis, spec.daily)
    scenarios, runs = build_runs(base, points, spec.replications, spec.seed, str(exp.path))
    return Plan(
        spec.name, base, base_file, dict(spec.factors), kinds, points, scenarios, samples, runs,
        kpis, daily, spec.seed, spec.replications, extra,
    )  # fmt: skip
