"""Calibration targets: what the courts reported, the KPI each is matched to, and checks.

A targets file (``data/kz_targets.yaml``) lists reported figures with their sources. Each
names a KPI of :func:`courtsim.metrics.kpis` (or a derived measure of
:mod:`courtsim.calibration.measures`), the observed value, a tolerance in the KPI's unit
and, optionally, the period the figure refers to. Everything that can be checked without
running the model is checked by :func:`load_targets` and :func:`check_against`, so a bad
file fails before any run.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from courtsim.calibration.measures import (
    DERIVED,
    PERIOD_MEASURES,
    is_count,
    is_share,
)
from courtsim.errors import CourtsimError
from courtsim.loading import load_yaml

_ID = re.compile(r"^[a-z][a-z0-9_]*$")

#: What a target may be used for, declared in the targets file before any fit:
#: ``fit`` may be fitted (or was used to set a value by hand: in-sample either way);
#: ``held_out`` is never fitted, only compared after the fit (out of sample);
#: ``input_check`` repeats a scenario input (an echo, e.g. a volume from the filing
#: schedule): reported as a check of the inputs, never fitted nor counted as evidence.
ROLES = ("fit", "held_out", "input_check")


class TargetError(CourtsimError):
    """A targets file (or the choice of targets) cannot be used as given."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class Period(_Strict):
    """The dates a reported figure refers to: a calendar year, or two dates (inclusive)."""

    year: int | None = Field(default=None, ge=1900, le=2200, description="A calendar year.")
    from_date: dt.date | None = Field(default=None, alias="from", description="First date.")
    to: dt.date | None = Field(default=None, description="Last date (inclusive).")

    @model_validator(mode="after")
    def _one_form(self) -> Period:
        if self.year is not None and (self.from_date is not None or self.to is not None):
            raise ValueError("give either 'year' or 'from' and 'to', not both")
        if self.year is None and (self.from_date is None or self.to is None):
            raise ValueError("give 'year', or both 'from' and 'to'")
        if self.year is None and self.to < self.from_date:  # type: ignore[operator]
            raise ValueError(f"'to' ({self.to}) is before 'from' ({self.from_date})")
        return self

    @property
    def first(self) -> dt.date:
        """First date of the period."""
        return dt.date(self.year, 1, 1) if self.year is not None else self.from_date  # type: ignore[return-value]

    @property
    def last(self) -> dt.date:
        """Last date of the period (inclusive)."""
        return dt.date(self.year, 12, 31) if self.year is not None else self.to  # type: ignore[return-value]

    def label(self) -> str:
        """Return the period as text (``2013`` or ``2024-01-01 to 2024-06-30``)."""
        return str(self.year) if self.year is not None else f"{self.first} to {self.last}"


class Target(_Strict):
    """One reported figure and how the model is matched to it."""

    id: str = Field(description="Unique name (lower case, digits, underscores).")
    kpi: str = Field(description="KPI (docs/kpis.md) or derived measure it is matched to.")
    observed: float = Field(description="The reported value, in the KPI's unit.")
    tolerance: float = Field(gt=0, description="Largest acceptable |simulated - observed|.")
    period: Period | None = Field(
        default=None, description="Dates the figure refers to (default: the KPI window)."
    )
    scaled: bool = Field(
        default=False,
        description="A national count: the simulated count is multiplied by the scale.",
    )
    role: Literal["fit", "held_out", "input_check"] = Field(
        default="fit",
        description="fit (may be fitted), held_out (never fitted, compared after the fit) or "
        "input_check (an echo of a scenario input: reported, never fitted).",
    )
    source: str = Field(min_length=1, description="Where the figure comes from.")
    denominator: str = Field(default="", description="What the figure counts.")
    matched_as: str = Field(default="", description="How the model's KPI is matched to it.")

    @model_validator(mode="after")
    def _sane(self) -> Target:
        if not _ID.match(self.id):
            raise ValueError(f"id '{self.id}' must be lower case letters, digits and underscores")
        if not math.isfinite(self.observed) or not math.isfinite(self.tolerance):
            raise ValueError("observed and tolerance must be finite numbers")
        if is_share(self.kpi):
            if not 0 <= self.observed <= 1:
                raise ValueError(
                    f"{self.kpi} is a share (a fraction from 0 to 1), but observed is "
                    f"{self.observed:g}; write 41.6% as 0.416"
                )
            if self.tolerance >= 1:
                raise ValueError(
                    f"the tolerance of a share must be below 1 (got {self.tolerance:g})"
                )
        if self.scaled and not is_count(self.kpi):
            raise ValueError(f"'scaled' applies to counts of cases, and {self.kpi} is not one")
        return self


class TargetsFile(_Strict):
    """A targets file: a list of targets (and free text)."""

    description: str = Field(default="", description="What the targets are.")
    targets: tuple[Target, ...] = Field(min_length=1, description="The targets.")

    @model_validator(mode="after")
    def _unique(self) -> TargetsFile:
        ids = [t.id for t in self.targets]
        dup = sorted({i for i in ids if ids.count(i) > 1})
        if dup:
            raise ValueError(f"target ids must be unique; repeated: {', '.join(dup)}")
        return self


def as_tuples(value: Any) -> Any:
    """Turn YAML lists into tuples, recursively (the schemas are strict and immutable).

    Args:
        value: Data read from YAML.

    Returns:
        The same data with tuples for lists.
    """
    if isinstance(value, dict):
        return {k: as_tuples(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return tuple(as_tuples(v) for v in value)
    return value


def _clean_loc(loc: tuple[Any, ...], data: Any) -> str:
    parts: list[str] = []
    node = data
    for part in loc:
        if isinstance(part, int) and isinstance(node, list | tuple) and part < len(node):
            node = node[part]
            tid = node.get("id") if isinstance(node, dict) else None
            parts.append(f"{part}" + (f" ({tid})" if isinstance(tid, str) else ""))
            continue
        parts.append(str(part))
        node = node.get(part) if isinstance(node, dict) else None
    return ".".join(parts)


def load_targets(path: str | Path) -> TargetsFile:
    """Read and check a targets file.

    Args:
        path: YAML file.

    Returns:
        The targets.

    Raises:
        TargetError: The file is missing, not YAML, or not a valid targets file (an unknown
            key, a share outside [0, 1], a bad period, repeated ids, ...).
    """
    path = Path(path)
    data = load_yaml(path, TargetError, field="--targets")
    if not isinstance(data, dict):
        raise TargetError(
            "a targets file must be a mapping with a 'targets:' list", source=str(path)
        )
    try:
        return TargetsFile.model_validate(as_tuples(data))
    except ValidationError as exc:
        problems, fields = [], []
        for err in exc.errors():
            loc = _clean_loc(err["loc"], data)
            msg = err["msg"].removeprefix("Value error, ")
            if err["type"] == "extra_forbidden":
                msg = "unknown key (see docs/validation.md, 'Targets file')"
            fields.append(loc or "targets")
            problems.append(f"'{loc}': {msg}" if loc else msg)
        raise TargetError(
            "invalid targets file: " + "; ".join(problems) + ". Nothing was run.",
            source=str(path),
            field=", ".join(dict.fromkeys(fields)),
        ) from None


def select(tf: TargetsFile, ids: list[str] | None, source: str, field: str) -> list[Target]:
    """Return the targets named by ``ids`` (all when None), in the order given.

    Args:
        tf: The targets file.
        ids: Target ids, or None for all.
        source: Where the ids come from, for messages.
        field: The field that lists them.

    Returns:
        The targets.

    Raises:
        TargetError: An id is not in the file.
    """
    by_id = {t.id: t for t in tf.targets}
    if ids is None:
        return list(tf.targets)
    bad = [i for i in ids if i not in by_id]
    if bad:
        raise TargetError(
            f"no target named {', '.join(repr(b) for b in bad)} in the targets file "
            f"(it has: {', '.join(by_id)})",
            source=source,
            field=field,
        )
    return [by_id[i] for i in ids]


def check_against(
    targets: list[Target],
    known_kpis: list[str],
    first_day: dt.date,
    last_day: dt.date,
    source: str,
    window_first: dt.date | None = None,
) -> None:
    """Check targets against a scenario before any run: known KPIs, periods inside the run.

    Args:
        targets: The targets to check.
        known_kpis: KPI names the scenario's runs report.
        first_day: Date of the scenario's first simulated day.
        last_day: Date of its last simulated day.
        source: The targets file, for messages.
        window_first: First date of the KPI window (after the warm-up), if any.

    Raises:
        TargetError: A KPI is unknown (or cannot be measured over a period), or a period
            lies outside the simulated dates.
    """
    for t in targets:
        known = t.kpi in known_kpis or t.kpi in DERIVED
        if not known:
            raise TargetError(
                f"target '{t.id}' names the KPI '{t.kpi}', which the model does not report; "
                f"use a KPI of docs/kpis.md or one of: {', '.join(DERIVED)}. Nothing was run",
                source=source,
                field=f"targets.{t.id}.kpi",
            )
        if t.period is None:
            continue
        if t.kpi not in PERIOD_MEASURES:
            raise TargetError(
                f"target '{t.id}' gives a period, but '{t.kpi}' can only be measured over the "
                f"scenario's whole KPI window; drop 'period' or use one of: "
                f"{', '.join(PERIOD_MEASURES)}. Nothing was run",
                source=source,
                field=f"targets.{t.id}.period",
            )
        lo = window_first or first_day
        if t.period.first < lo or t.period.last > last_day:
            raise TargetError(
                f"target '{t.id}' refers to {t.period.label()}, outside the scenario's "
                f"simulated dates {first_day} to {last_day}"
                + (f" (KPI window from {window_first})" if window_first else "")
                + "; choose targets inside the run, or lengthen the run. Nothing was run",
                source=source,
                field=f"targets.{t.id}.period",
            )
