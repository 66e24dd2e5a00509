"""Experiment files: the pydantic schema of ``experiments/*.yaml`` and their loading.

Three kinds of experiment file share one loader, told apart by their ``kind`` key:

- ``kind: sweep`` - a base scenario, factors (dotted scenario keys) with levels (full
  grid) or ranges (Latin hypercube or Sobol sequence), replications, KPIs to keep;
- ``kind: compare`` - a baseline scenario and the scenarios compared with it, paired
  replicate by replicate;
- ``kind: sensitivity`` - a base scenario, factors with ranges, and the KPIs whose Sobol
  and Morris indices are wanted.

Every field is documented in ``docs/experiments.md``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from courtsim.errors import CourtsimError, elide
from courtsim.loading import MAX_YAML_BYTES, load_yaml, parse_yaml, read_bytes
from courtsim.schema.scenario import Scenario

#: Daily series kept by default by ``replicate`` and ``compare``.
DEFAULT_DAILY = ("n_pending", "n_backlog", "new_disposed", "new_filed")


class ExperimentError(CourtsimError):
    """An experiment file, or an experiment's options, cannot be run as given."""


class RunsFailedError(CourtsimError):
    """Some simulation runs of an experiment raised an error (the others finished)."""


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Factor(_Spec):
    """One axis of an experiment: a dotted scenario key and the values it takes."""

    levels: tuple[Any, ...] | None = Field(
        default=None, description="Values taken (grid design; sampled uniformly otherwise)."
    )
    range: tuple[float, float] | None = Field(
        default=None, description="[low, high] of a continuous factor (lhs, sobol, sensitivity)."
    )
    integer: bool | None = Field(
        default=None,
        description="Round sampled values to whole numbers; default: when the base "
        "scenario's value is an integer.",
    )

    @model_validator(mode="after")
    def _one_of(self) -> Factor:
        if (self.levels is None) == (self.range is None):
            raise ValueError("give either 'levels: [...]' or 'range: [low, high]', not both")
        if self.levels is not None and len(self.levels) == 0:
            raise ValueError("'levels' is empty: list at least one value")
        if self.range is not None and not self.range[0] < self.range[1]:
            raise ValueError(
                f"the range [{self.range[0]}, {self.range[1]}] is empty: low must be below high"
            )
        return self


class ScenarioRef(_Spec):
    """A scenario file named by a compare experiment, with an optional label.

    The label may be given in several languages, ``{en: ..., ru: ..., kk: ...}``: the
    English one names the scenario in tables and files, and reports and the dashboard
    show the one of the language in force.
    """

    file: str = Field(min_length=1, description="Scenario file, relative to the experiment file.")
    label: str | dict[Literal["en", "ru", "kk"], str] | None = Field(
        default=None, description="Name used in tables and sentences (or one per language)."
    )

    @model_validator(mode="after")
    def _english(self) -> ScenarioRef:
        if isinstance(self.label, dict) and not self.label.get("en"):
            raise ValueError(
                "a label in several languages needs an English one ('en'), which names the "
                "scenario in tables and files"
            )
        return self

    def name(self) -> str | None:
        """Return the label that names the scenario (the English one)."""
        return self.label["en"] if isinstance(self.label, dict) else self.label

    def translations(self) -> dict[str, str]:
        """Return the label in each language it is given in (empty for a plain label)."""
        return dict(self.label) if isinstance(self.label, dict) else {}


class _Common(_Spec):
    name: str = Field(min_length=1, description="Short name used in outputs.")
    description: str = Field(default="", description="What the experiment asks.")
    set: dict[str, Any] = Field(
        default_factory=dict,
        description="Dotted overrides applied to every scenario first (e.g. horizon_days).",
    )
    replications: int = Field(ge=1, description="Replications per scenario or design point.")
    seed: int = Field(default=1, ge=0, description="Master seed; replicate r uses (seed, r).")
    kpis: tuple[str, ...] | None = Field(
        default=None, description="KPIs to keep; default all the engine reports."
    )

    @model_validator(mode="after")
    def _names(self) -> _Common:
        if self.kpis is not None and len(self.kpis) == 0:
            raise ValueError("kpis is empty: list KPI names, or leave the key out to keep all")
        return self


class SweepSpec(_Common):
    """``kind: sweep`` - a design over factors of one base scenario."""

    kind: Literal["sweep"]
    scenario: str = Field(min_length=1, description="Base scenario, relative to this file.")
    design: Literal["grid", "lhs", "sobol"] = Field(
        default="grid", description="Full grid of levels, Latin hypercube or Sobol sequence."
    )
    samples: int | None = Field(
        default=None, ge=1, description="Design points of an lhs or sobol design."
    )
    factors: dict[str, Factor] = Field(min_length=1, description="Dotted key -> levels or range.")
    daily: tuple[str, ...] = Field(default=(), description="Daily series to keep (optional).")

    @model_validator(mode="after")
    def _design(self) -> SweepSpec:
        if self.design == "grid":
            ranged = [k for k, f in self.factors.items() if f.range is not None]
            if ranged:
                raise ValueError(
                    f"design: grid needs levels for every factor, but {', '.join(ranged)} "
                    "has a range; list its levels, or use design: lhs or sobol"
                )
            if self.samples is not None:
                raise ValueError("samples applies to lhs and sobol designs, not to a grid")
        elif self.samples is None:
            raise ValueError(f"samples is required with design: {self.design}")
        elif self.design == "sobol" and self.samples & (self.samples - 1):
            raise ValueError(
                f"samples ({self.samples}) must be a power of 2 for a Sobol sequence "
                "(e.g. 64, 128, 256): other sizes lose its balance properties"
            )
        return self


class CompareSpec(_Common):
    """``kind: compare`` - scenarios against a baseline, paired replicate by replicate."""

    kind: Literal["compare"]
    baseline: str | ScenarioRef = Field(description="The baseline scenario.")
    scenarios: tuple[str | ScenarioRef, ...] = Field(
        min_length=1, description="Scenarios compared with the baseline."
    )
    daily: tuple[str, ...] = Field(default=DEFAULT_DAILY, description="Daily series to keep.")


class MorrisSettings(_Spec):
    """Settings of the Morris screening design."""

    trajectories: int = Field(default=10, ge=2, description="Number of trajectories.")
    levels: int = Field(default=4, ge=2, description="Grid levels per factor (even).")


class SensitivitySpec(_Common):
    """``kind: sensitivity`` - global sensitivity of KPIs to factors with ranges."""

    kind: Literal["sensitivity"]
    scenario: str = Field(min_length=1, description="Base scenario, relative to this file.")
    factors: dict[str, Factor] = Field(min_length=1, description="Dotted key -> range.")
    kpis: tuple[str, ...] | None = Field(min_length=1, description="KPIs analysed.")
    methods: tuple[Literal["sobol", "morris"], ...] = Field(
        default=("sobol", "morris"), min_length=1, description="Indices computed."
    )
    samples: int = Field(
        default=64, ge=2, description="Sobol base sample N (runs: N x (factors + 2))."
    )
    morris: MorrisSettings = Field(default_factory=MorrisSettings)
    bootstrap: int = Field(default=1000, ge=10, description="Bootstrap resamples for the CIs.")
    confidence: float = Field(default=0.95, gt=0, lt=1, description="Level of the CIs.")
    replications: int = Field(
        default=1, ge=1, description="Replications per design point (their mean is analysed)."
    )
    daily: tuple[str, ...] = Field(default=(), description="Daily series to keep (optional).")

    @model_validator(mode="after")
    def _ranges(self) -> SensitivitySpec:
        levelled = [k for k, f in self.factors.items() if f.range is None]
        if levelled:
            raise ValueError(
                f"sensitivity needs a range [low, high] for every factor, but "
                f"{', '.join(levelled)} has levels"
            )
        if self.samples & (self.samples - 1):
            raise ValueError(f"samples ({self.samples}) must be a power of 2 (e.g. 64, 128, 256)")
        if self.morris.levels % 2:
            raise ValueError(f"morris.levels ({self.morris.levels}) must be even")
        return self


Spec = SweepSpec | CompareSpec | SensitivitySpec
_KINDS: dict[str, type[SweepSpec | CompareSpec | SensitivitySpec]] = {
    "sweep": SweepSpec,
    "compare": CompareSpec,
    "sensitivity": SensitivitySpec,
}


class Experiment:
    """A validated experiment file, with where it came from.

    Args:
        path: The file (for an in-memory spec, a name in angle brackets; relative paths
            in it are then read from the working directory).
        spec: Its validated content.
        sha256: Hash of the file's bytes (the resume key).
        inline: Scenarios given as objects, by the name the spec refers to them with.
    """

    def __init__(
        self, path: Path, spec: Spec, sha256: str, inline: dict[str, Scenario] | None = None
    ):
        self.path = path
        self.spec = spec
        self.sha256 = sha256
        self.inline = dict(inline or {})

    def resolve(self, ref: str) -> Path:
        """Return a path named in the file, relative to the file's folder.

        Args:
            ref: The path as written.

        Returns:
            The path.
        """
        p = Path(ref)
        return p if p.is_absolute() else self.path.parent / p


def _format(exc: ValidationError) -> tuple[str, str]:
    fields, sentences = [], []
    for err in exc.errors():
        loc = ".".join(str(p) for p in err["loc"] if not str(p).startswith(("str", "function")))
        msg = err["msg"].removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            msg = "unknown key (check its spelling against docs/experiments.md)"
        elif err["type"] == "missing":
            msg = "this key is required"
        got = err.get("input")
        extra = (
            ""
            if err["type"] in {"extra_forbidden", "missing"} or isinstance(got, dict)
            else (f" (got {got!r})")
        )
        fields.append(loc or "(top level)")
        sentences.append(f"'{loc}': {msg}{extra}" if loc else f"{msg}")
    return ", ".join(dict.fromkeys(fields)), "; ".join(sentences) + "."


def validate_experiment(data: Any, source: str, expect: str | None = None) -> Spec:
    """Validate plain data (as read from YAML) into an experiment spec.

    Args:
        data: The file's content.
        source: Where it came from, for error messages.
        expect: The kind the calling command runs (``sweep``, ``compare``, ``sensitivity``).

    Returns:
        The spec.

    Raises:
        ExperimentError: The data is not a valid experiment of the expected kind.
    """
    if not isinstance(data, dict):
        raise ExperimentError(
            f"an experiment file must hold a mapping of keys, not {type(data).__name__}",
            source=source,
        )
    kind = data.get("kind")
    if not isinstance(kind, str) or kind not in _KINDS:
        raise ExperimentError(
            f"'kind' must be one of {', '.join(_KINDS)} (got {elide(repr(kind), 60)}); it says "
            "which command "
            "runs the file",
            source=source,
            field="kind",
        )
    if expect is not None and kind != expect:
        raise ExperimentError(
            f"this is a '{kind}' experiment: run it with `courtsim {kind}`, not "
            f"`courtsim {expect}`",
            source=source,
            field="kind",
        )
    try:
        return _KINDS[kind].model_validate(data)
    except ValidationError as exc:
        fields, message = _format(exc)
        raise ExperimentError(
            f"invalid experiment file: {message} See docs/experiments.md for the format.",
            source=source,
            field=fields,
        ) from None


def load_experiment(path: str | Path, expect: str | None = None) -> Experiment:
    """Read and validate an experiment file.

    Args:
        path: The YAML file.
        expect: The kind the calling command runs, or None for any.

    Returns:
        The experiment.

    Raises:
        ExperimentError: The file is missing, not YAML, or not a valid experiment.
    """
    path = Path(path)
    raw = read_bytes(path, MAX_YAML_BYTES, ExperimentError)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ExperimentError("not a UTF-8 text file", source=str(path)) from None
    data = parse_yaml(text, str(path), ExperimentError)
    spec = validate_experiment(data, str(path), expect)
    return Experiment(path, spec, hashlib.sha256(raw).hexdigest())


def as_experiment(experiment: Any, expect: str) -> Experiment:
    """Return an experiment given as a file, a mapping (as YAML would read) or a spec object.

    In a mapping the ``scenario`` may be a :class:`~courtsim.schema.scenario.Scenario` object
    instead of a file; relative file names are read from the working directory.

    Args:
        experiment: A path, a mapping, a spec (``SweepSpec``...), or an ``Experiment``.
        expect: The kind the caller runs (``sweep``, ``sensitivity``).

    Returns:
        The experiment; an in-memory one is hashed from its content (and its scenarios').

    Raises:
        ExperimentError: It is not a valid experiment of that kind.
    """
    if isinstance(experiment, Experiment):
        return experiment
    if isinstance(experiment, str | Path):
        return load_experiment(experiment, expect)
    if isinstance(experiment, BaseModel):
        experiment = experiment.model_dump(mode="python")
    if not isinstance(experiment, Mapping):
        raise ExperimentError(
            f"expected an experiment file, a mapping or a spec, not {type(experiment).__name__}",
            source=f"{expect}()",
        )
    data = dict(experiment)
    data.setdefault("kind", expect)
    inline: dict[str, Scenario] = {}
    if isinstance(data.get("scenario"), Scenario):
        sc = data["scenario"]
        ref = f"<scenario {sc.name}>"
        inline[ref] = sc
        data["scenario"] = ref
    source = f"<in-memory {expect} {data.get('name', '')}>".replace(" >", ">")
    spec = validate_experiment(data, source, expect)
    content = json.dumps(spec.model_dump(mode="json"), sort_keys=True, default=str)
    content += "".join(sc.content_hash() for sc in inline.values())
    return Experiment(Path(source), spec, hashlib.sha256(content.encode()).hexdigest(), inline)


def is_experiment_file(path: str | Path) -> bool:
    """Return whether a YAML file looks like an experiment file (it has a ``kind`` key).

    Args:
        path: The file.

    Returns:
        True when it is a readable mapping with a ``kind`` key.
    """
    try:
        data = load_yaml(path, ExperimentError)
    except ExperimentError:
        return False
    return isinstance(data, dict) and "kind" in data
