"""Scenario files: the pydantic schema's top level, loading with ``extends:``, dotted overrides."""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import typing
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field, ValidationError, model_validator

from courtsim.errors import ScenarioError, elide
from courtsim.loading import check_numbers, load_yaml, resolve
from courtsim.schema.bargaining import Bargaining
from courtsim.schema.court import (
    Calendar,
    CaseType,
    Costs,
    Court,
    Filings,
    InitialPending,
    Judges,
    Litigants,
    Procedure,
    Reporting,
)
from courtsim.schema.hearings import Appeals, Enforcement, Hearings, Refiling
from courtsim.schema.pilots import InCourtPolicy, OutOfCourtPolicy, PilotsMixin, PreCourtPolicy


class Scenario(PilotsMixin):
    """A complete, validated description of a simulated court system.

    Example:
        >>> sc = load_scenario("scenarios/baseline.yaml")
        >>> sc = sc.with_overrides({"judges.count": 50})
    """

    name: str = Field(default="scenario", min_length=1, description="Short name used in outputs.")
    description: str = Field(default="", description="What this scenario represents.")
    start_date: dt.date = Field(default=dt.date(2024, 1, 1), description="Date of day 1.")
    horizon_days: int = Field(
        default=365, ge=1, le=40_000, description="Calendar days simulated (`--days`)."
    )
    calendar: Calendar = Field(default_factory=Calendar)
    courts: dict[str, Court] = Field(
        default_factory=lambda: {"court": Court()},
        description="Courts or regions by name, each with its share of judges and filings.",
    )
    judges: Judges = Field(default_factory=Judges)
    filings: Filings = Field(default_factory=Filings)
    case_types: dict[str, CaseType] = Field(
        min_length=1, description="Case categories by name; their shares sum to 1."
    )
    procedure: Procedure = Field(default_factory=Procedure)
    hearings: Hearings = Field(default_factory=Hearings)
    appeals: Appeals = Field(default_factory=Appeals)
    refiling: Refiling = Field(default_factory=Refiling)
    enforcement: Enforcement = Field(default_factory=Enforcement)
    initial_pending: InitialPending = Field(default_factory=InitialPending)
    litigants: Litigants = Field(default_factory=Litigants)
    bargaining: Bargaining = Field(
        default_factory=Bargaining,
        description="How the parties of a contested claim bargain: settlements come from it.",
    )
    costs: Costs = Field(default_factory=Costs)
    reporting: Reporting = Field(default_factory=Reporting)

    @model_validator(mode="after")
    def _consistent(self) -> Scenario:
        def check_sum(values: dict[str, float], what: str) -> None:
            total = sum(values.values())
            if abs(total - 1.0) > 1e-6:
                parts = ", ".join(f"{k}={v:g}" for k, v in values.items())
                raise ValueError(f"{what} must sum to 1, but they sum to {total:.6g} ({parts})")

        check_sum({k: c.share for k, c in self.case_types.items()}, "case_types.*.share")
        for i, entry in enumerate(self.filings.schedule):
            unknown = sorted(set(entry.shares or {}) - set(self.case_types))
            if unknown:
                raise ValueError(
                    f"filings.schedule.{i}.shares names {', '.join(unknown)}, not a case type "
                    f"(known: {', '.join(self.case_types)})"
                )
        if not self.courts:
            raise ValueError("courts must name at least one court")
        check_sum({k: c.judge_share for k, c in self.courts.items()}, "courts.*.judge_share")
        check_sum({k: c.filing_share for k, c in self.courts.items()}, "courts.*.filing_share")
        if self.judges.count < len(self.courts):
            raise ValueError(
                f"judges.count ({self.judges.count}) is smaller than the number of courts "
                f"({len(self.courts)}); every court needs at least one judge"
            )
        shortest = min(self.case_types.items(), key=lambda kv: kv[1].time_limit_days)
        notice_days = self.hearings.notice_working_days * 7 / 5
        if notice_days >= shortest[1].time_limit_days:
            raise ValueError(
                f"hearings.notice_working_days ({self.hearings.notice_working_days} working "
                f"days, ~{notice_days:.0f} calendar days) is not shorter than the statutory "
                f"limit of case_types.{shortest[0]}.time_limit_days "
                f"({shortest[1].time_limit_days} days): no case could be decided in time"
            )
        if self.reporting.warmup_days >= self.horizon_days:
            raise ValueError(
                f"reporting.warmup_days ({self.reporting.warmup_days}) must be shorter than "
                f"horizon_days ({self.horizon_days})"
            )
        return self

    def judges_per_court(self) -> dict[str, int]:
        """Split ``judges.count`` over courts by largest remainder, at least one each.

        Returns:
            Judges per court name.
        """
        names = list(self.courts)
        n = self.judges.count
        raw = [self.courts[k].judge_share * n for k in names]
        base = [max(1, int(x)) for x in raw]
        while sum(base) > n:  # minimum of one pushed the total over: take from the largest
            i = max(range(len(base)), key=lambda j: base[j])
            base[i] -= 1
        order = sorted(range(len(names)), key=lambda j: raw[j] - int(raw[j]), reverse=True)
        k = 0
        while sum(base) < n:
            base[order[k % len(order)]] += 1
            k += 1
        return dict(zip(names, base, strict=True))

    def as_dict(self) -> dict[str, Any]:
        """Return the scenario as plain Python data, with field aliases (YAML keys)."""
        return self.model_dump(by_alias=True, mode="python")

    def content_hash(self) -> str:
        """Return the sha256 of the canonical JSON form: the key of a run, with its seed."""
        return hashlib.sha256(self.model_dump_json(by_alias=True).encode("utf-8")).hexdigest()

    def with_overrides(self, overrides: dict[str, Any], source: str = "overrides") -> Scenario:
        """Return a copy with dotted keys replaced, validated like a file.

        Args:
            overrides: Mapping such as ``{"judges.count": 50, "case_types.family.share": 0.3}``.
            source: Where the overrides came from, for error messages.

        Returns:
            The new scenario.

        Raises:
            ScenarioError: A key does not exist or a value is invalid.
        """
        data = self.as_dict()
        for key, value in overrides.items():
            _set_dotted(data, key, value, source)
        return validate_scenario(data, source=source)


def _set_dotted(data: dict[str, Any], key: str, value: Any, source: str) -> None:
    parts = key.split(".")
    node: Any = data
    for i, part in enumerate(parts):
        last = i == len(parts) - 1
        if isinstance(node, dict):
            if part not in node and not last and _schema_path(parts[: i + 1]) is not None:
                # A section left out of dumps while at its defaults (``bargaining``) may
                # be given part by part: it starts empty and takes its defaults.
                node[part] = {}
            if part not in node and not last:
                raise ScenarioError(
                    f"there is no key '{'.'.join(parts[: i + 1])}' to override "
                    f"(known keys here: {', '.join(sorted(map(str, node)))})",
                    source=source,
                    field=key,
                )
            if part not in node and last and _is_retired(parts, node):
                node[part] = value  # validation names it with what replaced it
                return
            if part not in node and last and not _accepts_new_key(data, parts):
                known = node or getattr(_schema_path(parts[:-1]), "model_fields", {})
                raise ScenarioError(
                    f"there is no key '{key}' in the scenario "
                    f"(known keys here: {', '.join(sorted(map(str, known)))})",
                    source=source,
                    field=key,
                )
            if last:
                # A partial section merges as `extends:` does: what it does not name is kept.
                # `_replace: true` replaces the whole mapping, as in a file.
                old = node.get(part)
                if isinstance(value, dict) and value.get("_replace") is True:
                    node[part] = _normalise({k: v for k, v in value.items() if k != "_replace"})
                elif isinstance(value, dict) and isinstance(old, dict) and _is_section(parts):
                    node[part] = _normalise(deep_merge(old, value))
                else:
                    node[part] = _normalise(value)
            else:
                node = node[part]
        elif isinstance(node, list | tuple) and part.isdigit() and int(part) < len(node):
            if last:
                node = list(node)
                raise ScenarioError(
                    "override whole lists, not single items", source=source, field=key
                )
            node = node[int(part)]
        else:
            raise ScenarioError(
                f"'{'.'.join(parts[:i])}' is not a section, so it has no key '{part}'",
                source=source,
                field=key,
            )


def _is_section(parts: list[str]) -> bool:
    """Whether ``parts`` names a schema section (fixed keys), not a mapping of user names.

    A section given on the command line merges (what it does not name is kept); a mapping
    keyed by user-chosen names (``courts``, ``case_types``, shares) is replaced whole.
    """
    model = _schema_path(parts)
    return isinstance(model, type) and issubclass(model, BaseModel)


def _accepts_new_key(data: dict[str, Any], parts: list[str]) -> bool:
    # Mappings keyed by user-chosen names (courts, case types) may gain entries; a field
    # left out of dumps while unset (filings.schedule, case_types.*.p_uncontested) may be
    # given; anything else is a fixed schema where a new key is a typo.
    parent = parts[:-1]
    if len(parent) == 1 and parent[0] in {"courts", "case_types"}:
        return True
    return _schema_path(parts) is not None


def _is_retired(parts: list[str], node: dict[str, Any]) -> bool:
    """Whether the last of ``parts`` is a key an earlier version had (``RETIRED_FIELDS``)."""
    model = _schema_path(parts[:-1])
    if model is None and "type" in node:  # an entry of the policies list
        model = _POLICY_MODELS.get(node["type"])
    return parts[-1] in getattr(model, "RETIRED_FIELDS", {})


def _schema_path(parts: list[str]) -> Any:
    """Return the annotation the schema gives the dotted path ``parts``, or None if none.

    A mapping keyed by user-chosen names (``case_types.<name>``) takes any key.
    """
    model: Any = Scenario
    for part in parts:
        fields = getattr(model, "model_fields", None)
        if fields is not None:
            by_key = {f.alias or n: f for n, f in fields.items()}
            if part not in by_key:
                return None
            model = by_key[part].annotation
        elif typing.get_origin(model) is dict:
            model = typing.get_args(model)[1]
        else:
            return None
    return model


def _normalise(value: Any) -> Any:
    """Turn YAML lists into tuples (the schema is strict and immutable)."""
    if isinstance(value, dict):
        return {k: _normalise(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return tuple(_normalise(v) for v in value)
    return value


def _format_validation_error(exc: ValidationError) -> tuple[str, str]:
    """Return ``(fields, message)`` for a pydantic error, one sentence per problem."""
    fields, sentences = [], []
    errors = exc.errors()
    locs = [_clean_loc(e["loc"]) for e in errors]
    for err, loc in zip(errors, locs, strict=True):
        if any(o != loc and o.startswith(loc + ".") for o in locs):
            continue  # a follow-on error of a more precise one below it
        msg = err["msg"].removeprefix("Value error, ")
        got = err.get("input")
        got_txt = "" if isinstance(got, dict) else f" (got {elide(repr(got), 80)})"
        if err["type"] == "extra_forbidden":
            msg = "unknown key (check its spelling against docs/scenarios.md)"
            got_txt = ""
        if err["type"] == "retired_field":
            loc = f"{loc}.{err['ctx']['key']}" if loc else err["ctx"]["key"]
            got_txt = ""
        if not loc:  # a cross-field rule: its message starts with the field it concerns
            loc = msg.split(" ", 1)[0]
            got_txt = ""
        fields.append(loc)
        sentences.append(f"'{loc}': {msg}{got_txt}")
    return ", ".join(dict.fromkeys(fields)), "; ".join(sentences) + "."


_DIST_TAGS = {"constant", "exponential", "lognormal", "uniform"}
_POLICY_MODELS = {
    "pre_court": PreCourtPolicy,
    "in_court": InCourtPolicy,
    "out_of_court": OutOfCourtPolicy,
}
_POLICY_TAGS = set(_POLICY_MODELS)


def _clean_loc(loc: tuple[Any, ...]) -> str:
    """Drop pydantic's union tags from an error location (``policies.0.pre_court.x``)."""
    kept: list[str] = []
    for i, part in enumerate(loc):
        after_index = i > 0 and isinstance(loc[i - 1], int)
        if isinstance(part, str) and (part in _DIST_TAGS or (part in _POLICY_TAGS and after_index)):
            continue
        kept.append(str(part))
    return ".".join(kept)


def validate_scenario(data: dict[str, Any], source: str = "<scenario>") -> Scenario:
    """Validate plain data (as read from YAML) into a Scenario.

    Args:
        data: Scenario data.
        source: Where it came from, for error messages.

    Returns:
        The scenario.

    Raises:
        ScenarioError: The data does not describe a valid scenario.
    """
    if not isinstance(data, dict):
        raise ScenarioError(
            f"a scenario must be a mapping of keys to values, not {type(data).__name__}",
            source=source,
        )
    check_numbers(data, source)
    try:
        sc = Scenario.model_validate(_normalise(data))
    except ValidationError as exc:
        fields, message = _format_validation_error(exc)
        raise ScenarioError(
            f"invalid scenario: {message} Fix the value(s) and run `courtsim validate` again.",
            source=source,
            field=fields,
        ) from None
    check_dates(sc, source)
    return sc


#: Earliest start date accepted (assumption: the calendar's public holidays and the
#: filing statistics start long after it; far earlier dates are typing errors).
MIN_START_DATE = dt.date(1900, 1, 1)


def check_dates(sc: Scenario, source: str) -> None:
    """Refuse a start date before 1900 or a horizon that runs past the calendar's end.

    Args:
        sc: The validated scenario.
        source: Where it came from, for messages.

    Raises:
        ScenarioError: The dates cannot be simulated.
    """
    if sc.start_date < MIN_START_DATE:
        raise ScenarioError(
            f"start_date {sc.start_date} is before {MIN_START_DATE}; give a date from "
            f"{MIN_START_DATE.year} on",
            source=source,
            field="start_date",
        )
    # A year of margin: the model looks a little past the horizon (deadlines, holidays).
    if dt.date.max - sc.start_date < dt.timedelta(days=sc.horizon_days + 366):
        raise ScenarioError(
            f"start_date {sc.start_date} plus horizon_days {sc.horizon_days} runs past the "
            "year 9999, the last year the calendar holds; give an earlier start_date",
            source=source,
            field="start_date",
        )


#: Longest ``extends:`` chain followed (the shipped scenarios use at most 2).
MAX_EXTENDS_DEPTH = 16


def _read_yaml(path: Path, chain: tuple[Path, ...]) -> dict[str, Any]:
    if path in chain:
        cycle = " -> ".join(str(p) for p in (*chain, path))
        raise ScenarioError(f"'extends:' forms a cycle: {cycle}", source=str(path), field="extends")
    if len(chain) >= MAX_EXTENDS_DEPTH:
        raise ScenarioError(
            f"'extends:' chains more than {MAX_EXTENDS_DEPTH} files (from {chain[0]}); "
            "merge some of them",
            source=str(path),
            field="extends",
        )
    try:
        data = load_yaml(path)
    except ScenarioError as exc:
        if chain and exc.message == "file not found":
            exc = ScenarioError(f"file not found (extended by {chain[-1]})", source=str(path))
        raise exc from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ScenarioError(
            f"a scenario file must hold a mapping of keys, not a {type(data).__name__}",
            source=str(path),
        )
    parent = data.pop("extends", None)
    if parent is None:
        return data
    if not isinstance(parent, str) or not parent.strip():
        raise ScenarioError("'extends' must be a file path", source=str(path), field="extends")
    base = _read_yaml(resolve(path.parent / parent, field="extends"), (*chain, path))
    return deep_merge(base, data)


def deep_merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    """Merge ``over`` onto ``base``: mappings merge key by key, anything else is replaced.

    A distribution spec (a mapping with a ``dist`` key) is replaced whole, so a child
    can switch family (lognormal to constant) without inheriting the parent's parameters.
    A mapping with ``_replace: true`` replaces the parent's mapping whole (e.g. a child
    with its own set of ``courts``).

    Args:
        base: Parent data.
        over: Child data.

    Returns:
        A new merged mapping.
    """
    out = copy.deepcopy(base)
    for k, v in over.items():
        if isinstance(v, dict) and v.get("_replace") is True:
            out[k] = {kk: copy.deepcopy(vv) for kk, vv in v.items() if kk != "_replace"}
        elif isinstance(v, dict) and isinstance(out.get(k), dict) and "dist" not in v:
            out[k] = deep_merge(out[k], v)
        else:
            out[k] = copy.deepcopy(v)
    return out


def load_scenario(path: str | Path) -> Scenario:
    """Load, merge (``extends:``) and validate a scenario file.

    Args:
        path: YAML file.

    Returns:
        The scenario.

    Raises:
        ScenarioError: The file is missing, not YAML, or not a valid scenario.
    """
    path = Path(path)
    data = _read_yaml(resolve(path), ())
    return validate_scenario(data, source=str(path))
