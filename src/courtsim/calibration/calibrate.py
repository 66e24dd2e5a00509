"""``calibrate()``: check the inputs, history-match, and write the posterior and its scenario."""

from __future__ import annotations

import datetime as dt
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from pydantic import ValidationError

from courtsim.calibration.echo import refuse_echoes
from courtsim.calibration.fit import Calibrator, FitResult
from courtsim.calibration.spec import (
    CalibrationError,
    CalibrationSpec,
    ParameterSpace,
    apply_overrides,
    load_spec,
)
from courtsim.calibration.targets import (
    TargetError,
    TargetsFile,
    check_against,
    load_targets,
    select,
)
from courtsim.experiment.executor import make_executor
from courtsim.experiment.store import RunStore
from courtsim.experiment.worker import probe_names
from courtsim.schema.scenario import Scenario, load_scenario

if TYPE_CHECKING:
    from courtsim.calibration.targets import Target

#: Files written when the fit matches every fitted target.
CALIBRATION_FILES = (
    "calibrated.yaml",
    "overlay.yaml",
    "fit_report.md",
    "fit.json",
    "posterior.parquet",
    "design.parquet",
    "manifest.json",
)


def check_targets_for(scenario: Scenario, targets: list[Target], source: str) -> None:
    """Check targets against a scenario's KPIs and dates (a two-day probe run, no full run).

    Args:
        scenario: The scenario.
        targets: Targets.
        source: The targets file.

    Raises:
        TargetError: See :func:`courtsim.calibration.targets.check_against`.
    """
    known, _ = probe_names(scenario)
    first = scenario.start_date
    last = scenario.start_date + dt.timedelta(days=scenario.horizon_days - 1)
    warm = scenario.reporting.warmup_days
    check_against(
        targets, known, first, last, source, first + dt.timedelta(days=warm) if warm else None
    )


def with_options(spec: CalibrationSpec, options: dict[str, Any], source: str) -> CalibrationSpec:
    """Return the set-up with some values replaced (command-line options), checked again.

    Args:
        spec: The set-up.
        options: Values to replace; None values are ignored.
        source: The set-up file, for messages.

    Returns:
        The set-up.

    Raises:
        CalibrationError: The new values are invalid (e.g. final_reps below reps).
    """
    new = {k: v for k, v in options.items() if v is not None}
    if not new:
        return spec
    try:
        return CalibrationSpec.model_validate(spec.model_dump() | new)
    except ValidationError as exc:
        msg = "; ".join(e["msg"].removeprefix("Value error, ") for e in exc.errors())
        raise CalibrationError(
            f"the command-line options do not fit the set-up: {msg}",
            source=source,
            field=", ".join(f"--{k.replace('_', '-')}" for k in new),
        ) from None


def prepare(
    scenario: Scenario | str | Path,
    targets: TargetsFile | str | Path,
    spec: CalibrationSpec | str | Path,
    options: dict[str, Any] | None = None,
) -> tuple[
    Scenario,
    list[Target],
    list[Target],
    list[Target],
    CalibrationSpec,
    ParameterSpace,
    dict[str, str],
]:
    """Load and check everything a calibration needs, before any run.

    Args:
        scenario: Scenario (or its file).
        targets: Targets file (or loaded).
        spec: Set-up file (or loaded).
        options: Set-up values replaced (``reps``, ``final_reps``, ``seed``, ``waves``,
            ``points``; from the command line); None values are ignored.

    Returns:
        The scenario to calibrate (overrides applied), the fitted targets, the reported
        ones (held out and input checks), the held-out ones outside the run's dates, the
        set-up, the parameter space and the input files' names.

    Raises:
        ScenarioError: The scenario cannot be loaded, or an override is invalid.
        TargetError: The targets file is invalid or does not fit the scenario, the set-up
            fits a held-out target, or a target is an echo of an input
            (:mod:`courtsim.calibration.echo`).
        CalibrationError: The set-up is invalid or names keys the scenario does not have.
    """
    files = {"scenario": "", "targets": "", "params": ""}
    if not isinstance(scenario, Scenario):
        files["scenario"] = str(scenario)
        scenario = load_scenario(scenario)
    if not isinstance(targets, TargetsFile):
        files["targets"] = str(targets)
        targets = load_targets(targets)
    if not isinstance(spec, CalibrationSpec):
        files["params"] = str(spec)
        spec = load_spec(spec)
    spec = with_options(spec, options or {}, files["params"] or "params")
    t_src = files["targets"] or "targets"
    p_src = files["params"] or "params"
    base = apply_overrides(scenario, spec, p_src)
    fit, checks, elsewhere = split_roles(targets, spec, base, p_src)
    check_targets_for(base, [*fit, *checks], t_src)
    space = ParameterSpace(base, spec.parameters, p_src)
    refuse_echoes([*fit, *checks], space, t_src)
    return base, fit, checks, elsewhere, spec, space, files


def split_roles(
    tf: TargetsFile, spec: CalibrationSpec, scenario: Scenario, source: str
) -> tuple[list[Target], list[Target], list[Target]]:
    """Return the targets a calibration fits, those it only reports, and those it leaves.

    The roles come from the targets file, declared before any fit: a set-up may fit only
    ``role: fit`` targets and may report only ``held_out`` and ``input_check`` ones.

    Args:
        tf: The targets file.
        spec: The set-up: its ``targets`` (default: every ``fit`` target) and ``checks``
            (default: every ``held_out`` or ``input_check`` target inside the run).
        scenario: The scenario to calibrate (its dates decide the default checks).
        source: The set-up file, for messages.

    Returns:
        Fitted targets; reported targets; held-out targets outside the run's dates (listed
        in the report as not measured here).

    Raises:
        TargetError: The set-up names an unknown id, fits a target that is not ``fit``,
            or reports one that is.
    """
    if spec.targets is None:
        fit = [t for t in tf.targets if t.role == "fit"]
    else:
        fit = select(tf, list(spec.targets), source, "targets")
    for t in fit:
        if t.role != "fit":
            raise TargetError(
                f"target '{t.id}' is declared '{t.role}' in the targets file, and such a "
                "target is never fitted: "
                + (
                    "held-out targets are set aside before fitting and only compared after it"
                    if t.role == "held_out"
                    else "it repeats a scenario input (an echo)"
                )
                + ". Remove it from 'targets' (it is reported among the checks). Nothing was run",
                source=source,
                field="targets",
            )
    first = scenario.start_date + dt.timedelta(days=scenario.reporting.warmup_days)
    last = scenario.start_date + dt.timedelta(days=scenario.horizon_days - 1)
    if spec.checks is None:
        declared = [t for t in tf.targets if t.role != "fit"]
        inside = [
            t
            for t in declared
            if t.period is None or first <= t.period.first <= t.period.last <= last
        ]
        elsewhere = [t for t in declared if t not in inside]
        return fit, inside, elsewhere
    checks = select(tf, list(spec.checks), source, "checks")
    for t in checks:
        if t.role == "fit":
            raise TargetError(
                f"target '{t.id}' is listed under 'checks' but declared 'fit' in the targets "
                "file: a target is held out by declaring 'role: held_out' in the targets file, "
                "before fitting, not by the set-up. Nothing was run",
                source=source,
                field="checks",
            )
    return fit, checks, []


@dataclass
class Calibration:
    """A finished calibration: the fit and what it was made from.

    Attributes:
        result: The fit.
        space: The parameter space.
        spec: The set-up.
        files: The input files ("" for objects passed in).
    """

    result: FitResult
    space: ParameterSpace
    spec: CalibrationSpec
    files: dict[str, str]

    @property
    def ok(self) -> bool:
        """Whether every fitted target is matched (no target refused)."""
        return not self.result.refused

    def save(self, out: str | Path, overwrite: bool = False) -> Path:
        """Write the calibration folder (see :func:`write_result`).

        Args:
            out: Folder to create.
            overwrite: Replace an existing folder.

        Returns:
            The folder.
        """
        from courtsim.calibration.output import write_result

        return write_result(out, self.result, self.space, self.spec, self.files, overwrite)


def calibrate(
    scenario: Scenario | str | Path,
    targets: TargetsFile | str | Path,
    spec: CalibrationSpec | str | Path,
    *,
    options: dict[str, Any] | None = None,
    workers: int | None = None,
    scheduler: Any = None,
    progress: TextIO | None = None,
    checkpoint: str | Path | None = None,
    resume: bool = False,
    memo: dict[str, dict[str, float]] | None = None,
) -> Calibration:
    """Calibrate a scenario's unknowns to reported targets (:mod:`courtsim.calibration.fit`).

    Args:
        scenario: Scenario (or its file) to calibrate.
        targets: Targets file (``data/kz_targets.yaml``) or loaded targets.
        spec: Set-up file (``experiments/calibration_params.yaml``) or loaded set-up.
        options: Set-up values to replace (``reps``, ``final_reps``, ``seed``, ``waves``,
            ``points``).
        workers: Local processes (1 = serial, None = every core).
        scheduler: Dask scheduler address or client.
        progress: Where progress lines go (None = nowhere).
        checkpoint: Folder where every run is written as it finishes (None = memory only).
        resume: Read the runs already in ``checkpoint`` instead of running them again
            (without it, an existing checkpoint is cleared first).
        memo: In-memory run values shared between calibrations (None = a new one).

    Returns:
        The calibration; ``result.refused`` lists fitted targets it could not match.

    Raises:
        ScenarioError: The scenario cannot be loaded.
        TargetError: Bad targets (unknown KPI, share above 1, period outside the run, ...).
        CalibrationError: Bad set-up, or a target out of reach within the bounds.
        RunsFailedError: A simulation raised an error.

    Example:
        >>> cal = calibrate("scenarios/kz_national_2024.yaml", "data/kz_targets.yaml",
        ...                 "experiments/calibration_params.yaml")
        >>> cal.result.rows[0].status
    """
    _, fit, checks, elsewhere, spec, space, files = prepare(scenario, targets, spec, options)
    store = None
    if checkpoint is not None:
        store = RunStore(Path(checkpoint))
        if not resume and store.runs.exists():
            shutil.rmtree(store.runs)
        store.create()
    with make_executor(workers, scheduler) as ex:
        cal = Calibrator(
            space,
            fit,
            checks,
            spec,
            ex,
            files["params"] or "calibrate",
            progress,
            store=store,
            memo=memo,
        )
        if store is not None:
            with store.locked():
                store.clean_temporary()
                result = cal.run()
        else:
            result = cal.run()
    result.elsewhere = [
        f"{t.id} ({t.period.label() if t.period else 'KPI window'})" for t in elsewhere
    ]
    return Calibration(result, space, spec, files)
