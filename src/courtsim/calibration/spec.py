"""Calibration set-up files: which scenario values are unknown, their priors, which targets.

A set-up file (``experiments/calibration_params.yaml``) lists the parameters, each a
name, one or more scenario keys it sets and a uniform prior between two bounds (on a log
scale with ``log: true``), names the targets to fit and those only to report, and sets the
history-matching budget (waves, points per wave, replicates). Keys are dotted scenario paths, where ``*`` stands for
every key of a mapping (``case_types.*.p_appeal``), ``policies[in_court]`` for every
entry of a channel and a number for one entry of a list (``policies.1.p_settle``). A
parameter either sets each key to its value (``mode: set``) or multiplies each key's
value in the scenario by it (``mode: scale``, e.g. every case type's effort).
"""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from courtsim.calibration.targets import TargetError, as_tuples
from courtsim.errors import CourtsimError, ScenarioError
from courtsim.loading import load_yaml
from courtsim.schema.scenario import Scenario, validate_scenario

_POLICY = re.compile(r"^policies\[(?P<type>[a-z_]+)\]$")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class Parameter(_Strict):
    """One unknown: the scenario keys it sets and its prior, uniform on [low, high]."""

    name: str = Field(min_length=1, description="Name used in reports.")
    keys: tuple[str, ...] = Field(min_length=1, description="Scenario keys it sets.")
    low: float = Field(description="Lower bound of the prior.")
    high: float = Field(description="Upper bound of the prior.")
    mode: Literal["set", "scale"] = Field(
        default="set", description="Set each key to the value, or multiply each by it."
    )
    log: bool = Field(
        default=False, description="Prior uniform in the logarithm (positive bounds)."
    )
    description: str = Field(default="", description="What it represents, and its source.")

    @model_validator(mode="after")
    def _bounds(self) -> Parameter:
        if not self.low < self.high:
            raise ValueError(f"low ({self.low:g}) must be below high ({self.high:g})")
        if self.log and self.low <= 0:
            raise ValueError("log: true needs a positive lower bound")
        return self


class CalibrationSpec(_Strict):
    """A calibration set-up: parameters and priors, targets, replications and budget."""

    description: str = Field(default="", description="What is calibrated, and why.")
    scenario_overrides: dict[str, Any] = Field(
        default_factory=dict,
        description="Dotted keys set on the scenario before calibrating (e.g. to scale it "
        "down); they are part of the calibrated scenario.",
    )
    scale: float = Field(
        default=1.0,
        gt=0,
        description="The scenario models 1/scale of the country: 'scaled' count targets "
        "compare the simulated count times scale.",
    )
    targets: tuple[str, ...] | None = Field(
        default=None, description="Ids of the targets to fit (default: all in the file)."
    )
    checks: tuple[str, ...] | None = Field(
        default=None,
        description="Ids of targets only reported, each declared held_out or input_check in "
        "the targets file (default: every such target the run covers).",
    )
    parameters: tuple[Parameter, ...] = Field(min_length=1, description="The unknowns.")
    reps: int = Field(
        default=4, ge=2, le=1000, description="Replicates per design point (common random numbers)."
    )
    final_reps: int = Field(
        default=16,
        ge=2,
        le=10_000,
        description="Replicates of the calibrated scenario (posterior median) for the report.",
    )
    seed: int = Field(default=1, ge=0, description="Master seed (the same for every point).")
    waves: int = Field(default=3, ge=1, le=20, description="History-matching waves.")
    points: int = Field(
        default=40, ge=5, le=100_000, description="Design points per wave (simulated)."
    )
    cutoff: float = Field(
        default=3.0, gt=0, description="Implausibility cut-off (standard deviations)."
    )
    draws: int = Field(
        default=200, ge=10, le=100_000, description="Posterior draws kept (posterior.parquet)."
    )

    @model_validator(mode="after")
    def _consistent(self) -> CalibrationSpec:
        names = [p.name for p in self.parameters]
        dup = sorted({n for n in names if names.count(n) > 1})
        if dup:
            raise ValueError(f"parameter names must be unique; repeated: {', '.join(dup)}")
        both = set(self.targets or ()) & set(self.checks or ())
        if both:
            raise ValueError(f"targets and checks both list {', '.join(sorted(both))}")
        if self.points < len(self.parameters) + 3:
            raise ValueError(
                f"points ({self.points}) must be at least the number of parameters + 3 "
                f"({len(self.parameters) + 3}): each wave's emulators need that many runs"
            )
        if self.final_reps < self.reps:
            raise ValueError(f"final_reps ({self.final_reps}) must be at least reps ({self.reps})")
        return self


class CalibrationError(CourtsimError):
    """A calibration set-up cannot be used, or the fit cannot match its targets."""


def load_spec(path: str | Path) -> CalibrationSpec:
    """Read and check a calibration set-up file.

    Args:
        path: YAML file.

    Returns:
        The set-up.

    Raises:
        CalibrationError: The file is missing, not YAML or not a valid set-up.
    """
    path = Path(path)
    data = load_yaml(path, CalibrationError, field="--params")
    if not isinstance(data, dict):
        raise CalibrationError("a set-up file must be a mapping of keys", source=str(path))
    try:
        return CalibrationSpec.model_validate(as_tuples(data))
    except ValidationError as exc:
        problems, fields = [], []
        for err in exc.errors():
            loc = ".".join(str(p) for p in err["loc"])
            msg = err["msg"].removeprefix("Value error, ")
            if err["type"] == "extra_forbidden":
                msg = "unknown key (see docs/validation.md, 'Calibration set-up file')"
            fields.append(loc or "parameters")
            problems.append(f"'{loc}': {msg}" if loc else msg)
        raise CalibrationError(
            "invalid calibration set-up: " + "; ".join(problems) + ". Nothing was run.",
            source=str(path),
            field=", ".join(dict.fromkeys(fields)),
        ) from None


# ------------------------------------------------------------------ keys
def expand_key(data: dict[str, Any], key: str) -> list[tuple[Any, ...]]:
    """Return the concrete paths a parameter key stands for in scenario data.

    Args:
        data: Scenario data (``Scenario.as_dict()``).
        key: Dotted key, with ``*``, ``policies[<type>]`` or list indices.

    Returns:
        Paths (tuples of dict keys and list indices) to numeric values.

    Raises:
        KeyError: The key matches nothing, or a value it matches is not a number.
    """
    paths: list[tuple[Any, ...]] = [()]
    for part in key.split("."):
        nxt: list[tuple[Any, ...]] = []
        for path in paths:
            node = _get(data, path)
            m = _POLICY.match(part)
            if m and isinstance(node, dict) and isinstance(node.get("policies"), list | tuple):
                nxt += [
                    (*path, "policies", i)
                    for i, p in enumerate(node["policies"])
                    if p.get("type") == m["type"]
                ]
            elif part == "*" and isinstance(node, dict):
                nxt += [(*path, k) for k in node]
            elif part.isdigit() and isinstance(node, list | tuple) and int(part) < len(node):
                nxt.append((*path, int(part)))
            elif isinstance(node, dict) and part in node:
                nxt.append((*path, part))
        paths = nxt
    if not paths:
        raise KeyError(f"'{key}' matches no value of the scenario")
    for path in paths:
        v = _get(data, path)
        if isinstance(v, bool) or not isinstance(v, int | float):
            where = ".".join(map(str, path))
            raise KeyError(f"'{key}' reaches '{where}', which is not a number ({v!r})")
    return paths


def _get(data: Any, path: tuple[Any, ...]) -> Any:
    node = data
    for p in path:
        node = node[p]
    return node


def _set(data: Any, path: tuple[Any, ...], value: Any) -> None:
    node = data
    for p in path[:-1]:
        node = node[p]
    node[path[-1]] = value


def _mutable(data: Any) -> Any:
    if isinstance(data, dict):
        return {k: _mutable(v) for k, v in data.items()}
    if isinstance(data, list | tuple):
        return [_mutable(v) for v in data]
    return copy.copy(data)


class ParameterSpace:
    """Maps parameter vectors onto scenarios; the priors are uniform on a unit cube.

    Args:
        base: The scenario to calibrate (``scenario_overrides`` applied).
        parameters: The parameters.
        source: The set-up file, for messages.

    Raises:
        CalibrationError: A key matches nothing in the scenario, or the centre of the
            priors does not give a valid scenario.
    """

    def __init__(self, base: Scenario, parameters: tuple[Parameter, ...], source: str):
        self.base = base
        self.parameters = parameters
        self.source = source
        self._data = base.as_dict()
        self.paths: list[list[tuple[Any, ...]]] = []
        for i, p in enumerate(parameters):
            found: list[tuple[Any, ...]] = []
            for key in p.keys:
                try:
                    found += expand_key(self._data, key)
                except KeyError as exc:
                    raise CalibrationError(
                        f"parameter '{p.name}': {exc.args[0]}; keys are dotted scenario keys "
                        "(docs/scenarios.md) with '*' for every name and policies[<type>] for "
                        "a channel. Nothing was run",
                        source=source,
                        field=f"parameters.{i}.keys",
                    ) from None
            self.paths.append(found)
        self.base_values = [[float(_get(self._data, q)) for q in ps] for ps in self.paths]
        self.centre = self.from_unit(np.full(len(parameters), 0.5))
        self.scenario(self.centre)  # fail now if the priors' centre is not a valid scenario

    @property
    def names(self) -> list[str]:
        """Parameter names."""
        return [p.name for p in self.parameters]

    def to_unit(self, x: npt.ArrayLike) -> npt.NDArray[np.float64]:
        """Map parameter values into the unit cube (log scale where asked)."""
        x = np.asarray(x, dtype=np.float64)
        lo, hi = self._bounds()
        return (self._fwd(x) - lo) / (hi - lo)

    def from_unit(self, u: npt.ArrayLike) -> npt.NDArray[np.float64]:
        """Map points of the unit cube back to parameter values (clipped to the bounds)."""
        u = np.clip(np.asarray(u, dtype=np.float64), 0.0, 1.0)
        lo, hi = self._bounds()
        y = lo + u * (hi - lo)
        logs = np.array([p.log for p in self.parameters])
        return np.where(logs, np.exp(y), y)

    def _fwd(self, x: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        logs = np.array([p.log for p in self.parameters])
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(logs, np.log(np.maximum(x, 1e-300)), x)

    def _bounds(self) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
        lo = self._fwd(np.array([p.low for p in self.parameters]))
        hi = self._fwd(np.array([p.high for p in self.parameters]))
        return lo, hi

    def values(self, x: npt.ArrayLike) -> dict[tuple[Any, ...], float]:
        """Return the concrete scenario value of every path for parameter values ``x``."""
        out: dict[tuple[Any, ...], float] = {}
        for p, paths, base, v in zip(self.parameters, self.paths, self.base_values, x, strict=True):
            for q, b in zip(paths, base, strict=True):
                out[q] = float(v) * b if p.mode == "scale" else float(v)
        return out

    def data(self, x: npt.ArrayLike) -> dict[str, Any]:
        """Return scenario data with the parameters set to ``x``."""
        data = _mutable(self._data)
        for q, v in self.values(x).items():
            old = _get(self._data, q)
            _set(data, q, round(v) if isinstance(old, int) else v)
        return data

    def scenario(self, x: npt.ArrayLike) -> Scenario:
        """Return the scenario with the parameters set to ``x``.

        Args:
            x: Parameter values.

        Returns:
            The validated scenario.

        Raises:
            CalibrationError: The values make an invalid scenario.
        """
        try:
            return validate_scenario(self.data(x), source=self.source)
        except ScenarioError as exc:
            named = ", ".join(f"{n}={v:.4g}" for n, v in zip(self.names, x, strict=True))
            raise CalibrationError(
                f"the parameters ({named}) make an invalid scenario: {exc.message} Narrow the "
                "bounds",
                source=self.source,
                field="parameters",
            ) from None


def apply_overrides(scenario: Scenario, spec: CalibrationSpec, source: str) -> Scenario:
    """Apply a set-up's ``scenario_overrides`` to the scenario.

    Args:
        scenario: The scenario given on the command line.
        spec: The set-up.
        source: The set-up file.

    Returns:
        The scenario to calibrate.

    Raises:
        ScenarioError: An override names no key or gives an invalid value.
    """
    if not spec.scenario_overrides:
        return scenario
    return scenario.with_overrides(
        dict(spec.scenario_overrides), source=f"{source} (scenario_overrides)"
    )


__all__ = [
    "CalibrationError",
    "CalibrationSpec",
    "Parameter",
    "ParameterSpace",
    "TargetError",
    "apply_overrides",
    "expand_key",
    "load_spec",
]
