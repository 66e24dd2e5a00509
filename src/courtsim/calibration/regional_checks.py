"""Regional checks: reported regional figures against a run's per-region KPIs.

The figures (``data/kz_regional_checks.yaml``) are checks, never inputs: nothing reads
them to set a value. Each names a region, a measure of :data:`MEASURES`, the simulated
dates it is compared over and the reported value with a tolerance. A region's measure
over those dates is the national KPI of :func:`courtsim.metrics.kpis` over that
region's cases (:func:`courtsim.region_kpis.region_daily`), so it means what the
KPI means nationally.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from courtsim.calibration.measures import day_of
from courtsim.calibration.targets import Period, TargetError, as_tuples
from courtsim.metrics import kpis as national_kpis
from courtsim.region_kpis import region_daily
from courtsim.result import Result

#: Measure -> (what it is, whether it is a count scaled by the run's scale).
MEASURES: dict[str, tuple[str, bool]] = {
    "resolved": ("cases resolved over the dates (KPI resolved)", True),
    "share_settled": ("settled / disposed over the dates (KPI share_settled)", False),
    "claims_incl_carry_over": ("pending at the start + claims filed over the dates", True),
    "share_of_national_resolved": ("the region's resolved / the country's resolved", False),
}


class RegionalCheck(BaseModel):
    """One reported regional figure."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    id: str = Field(min_length=1, description="Unique name.")
    region: str = Field(min_length=1, description="A region (court) of the scenario.")
    measure: str = Field(description="A measure of MEASURES.")
    compare_over: Period = Field(description="Simulated dates compared (inside the KPI window).")
    observed: float = Field(description="Reported value (shares as fractions).")
    tolerance: float = Field(gt=0, description="Largest acceptable gap.")
    source: str = Field(min_length=1, description="Where it comes from (domain.md §x).")
    refers_to: str = Field(default="", description="What it counts, and when.")

    @model_validator(mode="after")
    def _sane(self) -> RegionalCheck:
        if self.measure not in MEASURES:
            raise ValueError(f"measure '{self.measure}' is not one of: {', '.join(MEASURES)}")
        if not MEASURES[self.measure][1] and not 0 <= self.observed <= 1:
            raise ValueError(f"{self.measure} is a share: observed must lie in [0, 1]")
        return self


class RegionalChecks(BaseModel):
    """A regional checks file."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    checks: tuple[RegionalCheck, ...] = Field(min_length=1)


def load_regional_checks(path: str | Path) -> RegionalChecks:
    """Read and check a regional checks file.

    Args:
        path: YAML file.

    Returns:
        The checks.

    Raises:
        TargetError: The file is missing, not YAML, or invalid (one paragraph).
    """
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise TargetError("file not found", source=str(path)) from None
    except (yaml.YAMLError, UnicodeDecodeError):
        raise TargetError("not a valid YAML text file", source=str(path)) from None
    try:
        return RegionalChecks.model_validate(as_tuples(data))
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = ".".join(str(p) for p in err["loc"])
        msg = err["msg"].removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            msg = "unknown key (the keys are listed at the top of data/kz_regional_checks.yaml)"
        raise TargetError(
            f"invalid regional checks file: {msg}. Nothing was compared",
            source=str(path),
            field=loc,
        ) from None


def _window_kpis(cases: pd.DataFrame, lo: int, hi: int) -> dict[str, float]:
    return national_kpis(cases, region_daily(cases, hi + 1), warmup_days=lo)


def regional_checks(
    result: Result, checks: RegionalChecks, scale: float = 1.0, source: str = "checks"
) -> pd.DataFrame:
    """Compare each regional check with the run.

    Args:
        result: A run of a scenario with the checks' regions.
        checks: The checks.
        scale: The run models 1/scale of the country: counts are multiplied by it.
        source: The checks file, for messages.

    Returns:
        One row per check: id, region, measure, dates, observed, tolerance, simulated,
        z = (simulated - observed) / tolerance, and ``within`` (|z| <= 1).

    Raises:
        TargetError: A region is not in the scenario, or the dates leave the KPI window.
    """
    sc = result.scenario
    start = sc.start_date
    first = start + dt.timedelta(days=sc.reporting.warmup_days)
    last = start + dt.timedelta(days=sc.horizon_days - 1)
    court = result.cases["court"].astype(str)
    rows = []
    for c in checks.checks:
        if c.region not in sc.courts:
            raise TargetError(
                f"check '{c.id}' names region '{c.region}', which scenario '{sc.name}' does "
                f"not have (it has: {', '.join(sc.courts)})",
                source=source,
                field=f"checks.{c.id}.region",
            )
        p = c.compare_over
        if p.first < first or p.last > last:
            raise TargetError(
                f"check '{c.id}' compares over {p.label()}, outside the run's KPI window "
                f"{first} to {last}",
                source=source,
                field=f"checks.{c.id}.compare_over",
            )
        lo, hi = day_of(p.first, start) - 1, day_of(p.last, start)
        k = _window_kpis(result.cases.loc[court == c.region], lo, hi)
        if c.measure == "claims_incl_carry_over":
            value = k["pending_start"] + k["incoming"]
        elif c.measure == "share_of_national_resolved":
            value = k["resolved"] / _window_kpis(result.cases, lo, hi)["resolved"]
        else:
            value = k[c.measure]
        if MEASURES[c.measure][1]:
            value *= scale
        z = (value - c.observed) / c.tolerance
        rows.append(
            {
                "id": c.id,
                "region": c.region,
                "measure": c.measure,
                "dates": p.label(),
                "observed": c.observed,
                "tolerance": c.tolerance,
                "simulated": value,
                "z": z,
                "within": abs(z) <= 1,
            }
        )
    return pd.DataFrame(rows)
