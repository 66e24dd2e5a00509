"""Robustness experiment files: pilots, the posterior to draw worlds from, the unknowns to design over.

A ``kind: robustness`` file (``experiments/robustness.yaml``) names a baseline and the
pilot scenarios compared with it, where the calibrated unknowns come from (the posterior
draws of a ``courtsim calibrate`` folder, mapped onto scenario keys by the calibration
set-up that made them) and the unknowns the data cannot pin down (each a name, scenario
keys and a uniform range, as in a calibration set-up), over which a Latin hypercube or a
Sobol sequence is laid. Each of ``worlds`` plausible worlds takes one posterior draw and
one design point. Every field is documented in ``docs/validation.md``.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
import pyarrow as pa
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from courtsim.calibration.spec import Parameter, load_spec
from courtsim.calibration.targets import as_tuples
from courtsim.errors import CourtsimError
from courtsim.loading import MAX_YAML_BYTES, check_regular_file, parse_yaml, read_bytes
from courtsim.results_folder import read_manifest, verified

#: KPIs of the robustness table by default: the issue's four questions (pending cases,
#: CEPEJ disposition time, judges' sessions saved, cost to the state and to the parties)
#: and the share settled, which says how much each pilot reconciles at all.
DEFAULT_KPIS = (
    "pending_end",
    "disposition_time_days",
    "sessions_saved",
    "cost_court_per_case_kzt",
    "cost_parties_per_case_kzt",
    "share_settled",
)


class RobustnessError(CourtsimError):
    """A robustness experiment file, or its posterior, cannot be used as given."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PosteriorSource(_Strict):
    """Where the calibrated unknowns' posterior draws come from."""

    draws: str = Field(
        min_length=1,
        description="A calibration folder (its posterior.parquet, checksum verified) or a "
        "posterior.parquet file, relative to the experiment file.",
    )
    params: str = Field(
        min_length=1,
        description="The calibration set-up that made them: its parameters map each column "
        "onto scenario keys (its scenario_overrides are not applied).",
    )


class RobustnessSpec(_Strict):
    """``kind: robustness`` - pilots against a baseline across plausible worlds."""

    kind: Literal["robustness"] = "robustness"
    name: str = Field(min_length=1, description="Short name used in outputs.")
    description: str = Field(default="", description="What the experiment asks.")
    baseline: str = Field(min_length=1, description="Baseline scenario file.")
    pilots: dict[str, str] = Field(
        min_length=1, description="Label -> pilot scenario file, each compared with the baseline."
    )
    set: dict[str, Any] = Field(
        default_factory=dict, description="Dotted overrides applied to every scenario first."
    )
    posterior: PosteriorSource | None = Field(
        default=None, description="Posterior draws of the calibrated unknowns."
    )
    uncertain: tuple[Parameter, ...] = Field(
        default=(), description="Unknowns the data cannot pin down: a design over their ranges."
    )
    design: Literal["lhs", "sobol"] = Field(
        default="lhs", description="Latin hypercube or scrambled Sobol sequence."
    )
    worlds: int = Field(ge=2, le=100_000, description="Plausible worlds (design points).")
    replications: int = Field(
        default=2, ge=1, le=1000, description="Paired replicates per world and scenario."
    )
    seed: int = Field(default=1, ge=0, description="Master seed: every world, every arm.")
    kpis: tuple[str, ...] = Field(default=DEFAULT_KPIS, min_length=1, description="KPIs.")

    @model_validator(mode="after")
    def _consistent(self) -> RobustnessSpec:
        if self.posterior is None and not self.uncertain:
            raise ValueError(
                "give 'posterior' (calibrated unknowns), 'uncertain' (a design), or both: "
                "otherwise every world is the same"
            )
        bad = [k for k in self.pilots if not k or k == "baseline" or "\x1f" in k]
        if bad:
            raise ValueError(f"pilot labels must be non-empty and not 'baseline': {bad}")
        if self.design == "sobol" and self.worlds & (self.worlds - 1):
            raise ValueError(
                f"worlds ({self.worlds}) must be a power of 2 for a Sobol sequence (e.g. 16, 32)"
            )
        names = [p.name for p in self.uncertain]
        dup = sorted({n for n in names if names.count(n) > 1})
        if dup:
            raise ValueError(f"uncertain names must be unique; repeated: {', '.join(dup)}")
        return self


class Robustness:
    """A validated robustness file: its spec, folder and hash, and the posterior it names.

    Args:
        path: The file (for an in-memory spec, a name in angle brackets).
        spec: Its content.
        sha256: Hash of the file's bytes (the resume key).
    """

    def __init__(self, path: Path, spec: RobustnessSpec, sha256: str):
        self.path = path
        self.spec = spec
        self.sha256 = sha256
        self.inline: dict[str, Any] = {}

    def resolve(self, ref: str) -> Path:
        """Return a path named in the file, relative to the file's folder.

        Args:
            ref: The path as written.

        Returns:
            The path.
        """
        p = Path(ref)
        return p if p.is_absolute() else self.path.parent / p


def error_text(exc: ValidationError, doc: str = "Robustness file") -> tuple[str, str]:
    """Return the fields and the sentence of a pydantic error in an experiment file.

    Args:
        exc: The error.
        doc: The heading of docs/validation.md that documents the format.

    Returns:
        The fields (comma-separated) and the message.
    """
    fields, parts = [], []
    for err in exc.errors():
        loc = ".".join(str(p) for p in err["loc"])
        msg = err["msg"].removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            msg = f"unknown key (see docs/validation.md, '{doc}')"
        elif err["type"] == "missing":
            msg = "this key is required"
        fields.append(loc or "(top level)")
        parts.append(f"'{loc}': {msg}" if loc else msg)
    return ", ".join(dict.fromkeys(fields)), "; ".join(parts)


def validate_robustness(data: Any, source: str) -> RobustnessSpec:
    """Validate plain data (as read from YAML) into a robustness spec.

    Args:
        data: The file's content.
        source: Where it came from, for messages.

    Returns:
        The spec.

    Raises:
        RobustnessError: It is not a valid robustness file.
    """
    if not isinstance(data, dict):
        raise RobustnessError("a robustness file must hold a mapping of keys", source=source)
    if data.get("kind", "robustness") != "robustness":
        raise RobustnessError(
            f"this is a '{data.get('kind')}' file, not 'kind: robustness'; run it with its own "
            "command",
            source=source,
            field="kind",
        )
    data = dict(data)
    if "uncertain" in data:  # the set-up's Parameter is strict: its lists must be tuples
        data["uncertain"] = as_tuples(data["uncertain"])
    try:
        return RobustnessSpec.model_validate(data)
    except ValidationError as exc:
        fields, message = error_text(exc)
        raise RobustnessError(
            f"invalid robustness file: {message}. Nothing was run or written.",
            source=source,
            field=fields,
        ) from None


def load_robustness(path: str | Path) -> Robustness:
    """Read and check a robustness file.

    Args:
        path: The YAML file.

    Returns:
        The file's content and hash.

    Raises:
        RobustnessError: Missing, not YAML, or not a valid robustness file.
    """
    path = Path(path)
    raw = read_bytes(path, MAX_YAML_BYTES, RobustnessError)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise RobustnessError("not a UTF-8 text file", source=str(path)) from None
    data = parse_yaml(text, str(path), RobustnessError)
    return Robustness(path, validate_robustness(data, str(path)), hashlib.sha256(raw).hexdigest())


def as_robustness(experiment: Any) -> Robustness:
    """Return a robustness experiment given as a file, a mapping or a spec.

    Args:
        experiment: A path, a mapping (as YAML reads), a ``RobustnessSpec`` or ``Robustness``.

    Returns:
        The experiment; an in-memory one is hashed from its content, its relative paths
        read from the working directory.

    Raises:
        RobustnessError: It is not a valid robustness experiment.
    """
    if isinstance(experiment, Robustness):
        return experiment
    if isinstance(experiment, str | Path):
        return load_robustness(experiment)
    if isinstance(experiment, BaseModel):
        experiment = experiment.model_dump(mode="json")
    if not isinstance(experiment, dict):
        raise RobustnessError(
            f"expected a robustness file, a mapping or a spec, not {type(experiment).__name__}",
            source="robustness()",
        )
    source = f"<in-memory robustness {experiment.get('name', '')}>"
    spec = validate_robustness(dict(experiment), source)
    blob = spec.model_dump_json().encode("utf-8")
    return Robustness(Path(source), spec, hashlib.sha256(blob).hexdigest())


def load_posterior(exp: Robustness) -> tuple[tuple[Parameter, ...], pd.DataFrame, str]:
    """Read the posterior draws a robustness file names, checked against their set-up.

    Args:
        exp: The robustness experiment.

    Returns:
        The calibrated parameters, their draws (one column each, in set-up order) and the
        draws' file.

    Raises:
        RobustnessError: The file or folder is missing or corrupt, a parameter has no
            column, or a draw lies outside its prior.
    """
    src = exp.spec.posterior
    if src is None:
        return (), pd.DataFrame(), ""
    field = "posterior.draws"
    path = exp.resolve(src.draws)
    try:
        params = load_spec(exp.resolve(src.params)).parameters
    except CourtsimError as exc:
        raise RobustnessError(
            f"the calibration set-up named here cannot be used: {exc}",
            source=str(exp.path),
            field="posterior.params",
        ) from None
    try:
        if path.is_dir():
            manifest = read_manifest(path)
            if manifest.get("kind") != "calibration":
                raise RobustnessError(
                    f"'{path}' holds a '{manifest.get('kind')}' folder, not a calibration",
                    source=str(exp.path),
                    field=field,
                )
            file = verified(path, manifest, "posterior.parquet")
        else:
            check_regular_file(path, RobustnessError)
            file = path
        draws = pd.read_parquet(file)
    except RobustnessError:
        raise
    except (CourtsimError, OSError, ValueError, pa.ArrowException) as exc:
        raise RobustnessError(
            f"cannot read the posterior draws at '{path}': {exc}", source=str(exp.path), field=field
        ) from None
    missing = [p.name for p in params if p.name not in draws.columns]
    if missing:
        raise RobustnessError(
            f"the posterior draws at '{path}' have no column for {', '.join(missing)}, which "
            f"the set-up {src.params} calibrates; name the set-up that made these draws",
            source=str(exp.path),
            field=field,
        )
    if draws.empty:
        raise RobustnessError(f"'{path}' holds no draws", source=str(exp.path), field=field)
    out = draws[[p.name for p in params]].astype("float64")
    for p in params:
        v = out[p.name].to_numpy()
        if not np.isfinite(v).all() or (v < p.low).any() or (v > p.high).any():
            raise RobustnessError(
                f"the draws of '{p.name}' at '{path}' leave its prior [{p.low:g}, {p.high:g}] "
                "(or are not numbers): they were not made by this set-up",
                source=str(exp.path),
                field=field,
            )
    return params, out.reset_index(drop=True), str(file)


__all__ = [
    "DEFAULT_KPIS",
    "PosteriorSource",
    "Robustness",
    "RobustnessError",
    "RobustnessSpec",
    "as_robustness",
    "error_text",
    "load_posterior",
    "load_robustness",
]
