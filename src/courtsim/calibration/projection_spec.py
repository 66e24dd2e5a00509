"""Projection files: the scenario, the policy options, the posterior and the years to project.

A ``kind: projection`` file (``experiments/projection.yaml``) is read here; every field is
documented in ``docs/validation.md`` ("Projection file"). The runs are
:mod:`courtsim.calibration.projection`'s.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from courtsim.calibration.robustness_spec import PosteriorSource, Robustness, error_text
from courtsim.errors import CourtsimError
from courtsim.loading import MAX_YAML_BYTES, parse_yaml, read_bytes


class ProjectionError(CourtsimError):
    """A projection file, its scenario or its posterior cannot be used as given."""


class ProjectionSpec(BaseModel):
    """``kind: projection`` - KPIs by year under policy options, across posterior draws."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: Literal["projection"] = "projection"
    name: str = Field(min_length=1, description="Short name used in outputs.")
    description: str = Field(default="", description="What is projected and assumed.")
    scenario: str = Field(min_length=1, description="Scenario over the projected years.")
    set: dict[str, Any] = Field(default_factory=dict, description="Overrides applied first.")
    options: dict[str, dict[str, Any]] = Field(
        min_length=1, description="Option label -> dotted overrides (the mechanism it changes)."
    )
    posterior: PosteriorSource = Field(description="Posterior draws and their set-up.")
    years: tuple[int, int] = Field(description="First and last projected calendar year.")
    draws: int = Field(ge=1, le=10_000, description="Posterior draws (one replicate each).")
    scale: float = Field(default=1.0, gt=0, description="Counts x scale = the country's.")
    seed: int = Field(default=1, ge=0, description="Master seed: runs and the draws chosen.")

    @model_validator(mode="after")
    def _consistent(self) -> ProjectionSpec:
        if self.years[0] > self.years[1]:
            raise ValueError(
                f"years [{self.years[0]}, {self.years[1]}]: the first is after the last"
            )
        return self


def as_projection(experiment: Any) -> Robustness:
    """Return a projection given as a file or a mapping, validated (relative paths from its folder).

    Args:
        experiment: A path or a mapping (as YAML reads).

    Returns:
        The experiment (spec, path, hash).

    Raises:
        ProjectionError: It is not a valid projection file.
    """
    if isinstance(experiment, Robustness):
        return experiment
    if isinstance(experiment, str | Path):
        path = Path(experiment)
        raw = read_bytes(path, MAX_YAML_BYTES, ProjectionError)
        data = parse_yaml(raw.decode("utf-8", errors="replace"), str(path), ProjectionError)
        source, digest = str(path), hashlib.sha256(raw).hexdigest()
    else:
        path = Path(f"<in-memory projection {dict(experiment).get('name', '')}>")
        data, source, digest = dict(experiment), str(path), ""
    if not isinstance(data, dict):
        raise ProjectionError("a projection file must hold a mapping of keys", source=source)
    try:
        spec = ProjectionSpec.model_validate(data)
    except ValidationError as exc:
        fields, message = error_text(exc, "Projection file")
        raise ProjectionError(
            f"invalid projection file: {message}. Nothing was run or written.",
            source=source,
            field=fields,
        ) from None
    digest = digest or hashlib.sha256(spec.model_dump_json().encode()).hexdigest()
    return Robustness(path, spec, digest)  # type: ignore[arg-type]  # same holder: path, spec, hash


__all__ = ["ProjectionError", "ProjectionSpec", "as_projection"]
