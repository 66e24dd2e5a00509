"""Render the scenario reference (``docs/scenarios.md``) from the pydantic schema.

The renderer walks ``Scenario.model_fields`` recursively, so new sections, keys and policy
variants appear without changes here: nested sections, ``X | None``, tuples and lists,
mappings keyed by user-chosen names (``<name>``), lists of sections (``<i>``), ``Literal``
choices, ``Annotated`` metadata, unions of sections (one table per variant). Distribution
specs (:data:`courtsim.schema.distributions.Dist`) are documented once. A key's unit comes from
``Field(json_schema_extra={"unit": ...})`` if given, else from its name (:data:`UNIT_RULES`).
Run ``python -m courtsim.schema.docs [--check]``.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import enum
import inspect
import re
import sys
import types
import typing
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any, Literal, Union

import yaml
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from courtsim.schema.distributions import Dist
from courtsim.schema.scenario import Scenario

#: Distribution spec classes; a union of these is rendered as "distribution".
DIST_CLASSES: tuple[type[BaseModel], ...] = typing.get_args(typing.get_args(Dist)[0])

#: (what the key's name looks like, regular expression on it, unit), first match wins.
#: A key named ``<first part>_per_<x>`` gets the unit of its first part, "per <x>".
UNIT_RULES: tuple[tuple[str, str, str], ...] = (
    ("`weekend_days`", r"^weekend_days$", "weekday numbers (Monday = 0)"),
    ("ends in `_working_days`", r"(^|_)working_days$", "working days"),
    ("ends in `_days`", r"(^|_)days$", "calendar days"),
    ("ends in `_day`", r"(^|_)day$", "day of the run (day 1 = `start_date`)"),
    ("ends in `_hours`", r"(^|_)hours$", "hours"),
    ("has the word `months`", r"(^|_)months(_|$)", "months"),
    ("ends in `_kzt`", r"_kzt$", "KZT (tenge)"),
    ("ends in `_mci`", r"(^|_)mci$", "MCI (monthly calculation index)"),
    ("starts with `p_`", r"^p_", "probability"),
    ("has the word `share`", r"(^|_)share(_|$)", "share"),
    ("has `fee_rate`", r"(^|_)fee_rate(_|$)", "share of the claim"),
    ("has the word `cases`", r"(^|_)cases(_|$)", "cases"),
    ("ends in `count`", r"(^|_)count$", "count"),
)

_SCALARS: dict[Any, str] = {
    int: "integer", float: "number", str: "text", bool: "true/false", dt.date: "date",
    dt.datetime: "date-time", type(None): "null",
}  # fmt: skip
_BOUNDS = (
    ("gt", "> {}"), ("ge", "≥ {}"), ("lt", "< {}"), ("le", "≤ {}"),
    ("min_length", "length ≥ {}"), ("max_length", "length ≤ {}"), ("multiple_of", "multiple of {}"),
)  # fmt: skip


@dataclasses.dataclass(frozen=True)
class KeyDoc:
    """One row of the reference: a scenario key and what it accepts."""

    path: str
    type: str
    unit: str
    default: str
    bounds: str
    description: str


@dataclasses.dataclass
class SectionDoc:
    """One table of the reference: the keys of one section (or one variant of it)."""

    path: str
    intro: str
    variant: str = ""
    keys: list[KeyDoc] = dataclasses.field(default_factory=list)


# ------------------------------------------------------------------ types
def _unwrap(tp: Any) -> tuple[Any, list[Any]]:
    """Strip ``Annotated`` layers; return the bare type and the metadata found."""
    meta: list[Any] = []
    while typing.get_origin(tp) is Annotated:
        tp, *extra = typing.get_args(tp)
        meta.extend(extra)
    return tp, meta


def _union_args(tp: Any) -> tuple[Any, ...] | None:
    """Return the members of a union (``X | Y`` or ``Union[X, Y]``), or None."""
    return typing.get_args(tp) if typing.get_origin(tp) in (Union, types.UnionType) else None


def _is_model(tp: Any) -> bool:
    return inspect.isclass(tp) and issubclass(tp, BaseModel)


def _members(tp: Any) -> tuple[list[Any], bool]:
    """Flatten a type into its union members (through ``Annotated``), and whether null is ok.

    A type that is not a union is its own single member.
    """
    tp = _unwrap(tp)[0]
    if tp is type(None):
        return [], True
    args = _union_args(tp)
    if args is None:
        return [tp], False
    out: list[Any] = []
    nullable = False
    for a in args:
        sub, null = _members(a)
        out += sub
        nullable = nullable or null
    return out, nullable


def _is_dist(tp: Any) -> bool:
    members = _members(tp)[0]
    is_union = _union_args(_unwrap(tp)[0]) is not None
    return is_union and bool(members) and all(m in DIST_CLASSES for m in members)


def _sections_in(tp: Any) -> list[type[BaseModel]]:
    """Return the section classes a key holds (one, or a union's variants), else []."""
    members = _members(tp)[0]
    if members and all(_is_model(m) for m in members) and not _is_dist(tp):
        return members
    return []


def type_name(tp: Any) -> str:
    """Describe a type annotation in words a scenario author understands.

    Args:
        tp: A type annotation from a pydantic model.

    Returns:
        E.g. ``"number"``, ``"list of number, or null"``, ``"one of `fifo`, `deadline`"``.
    """
    tp, meta = _unwrap(tp)
    bounds = _bounds(meta)
    members, nullable = _members(tp)
    if len(members) == 1:
        name = _single_type_name(members[0])
    elif _is_dist(tp):
        name = "distribution"
    elif _sections_in(tp):
        name = "section (variants below)"
    else:
        name = " or ".join(type_name(m) for m in _union_args(tp) or () if m is not type(None))
    name = f"{name}, or null" if nullable and members else name or "null"
    return f"{name} ({bounds})" if bounds else name


def _single_type_name(tp: Any) -> str:
    if tp in _SCALARS:
        return _SCALARS[tp]
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin is Literal and len(args) == 1:
        return f"`{_fmt_value(args[0])}`"
    if origin is Literal:
        return "one of " + ", ".join(f"`{_fmt_value(a)}`" for a in args)
    if origin in (tuple, list, set, frozenset, Sequence):
        if origin is tuple and not (len(args) == 2 and args[1] is Ellipsis):
            return "list [" + ", ".join(type_name(a) for a in args) + "]"
        return f"list of {type_name(args[0]) if args else 'values'}"
    if origin is dict:
        return f"mapping of name to {type_name(args[1]) if args else 'value'}"
    if inspect.isclass(tp) and issubclass(tp, enum.Enum):
        return "one of " + ", ".join(f"`{m.value}`" for m in tp)
    if _is_model(tp):
        return "section"
    return getattr(tp, "__name__", str(tp))


def _bounds(meta: Sequence[Any]) -> str:
    parts = []
    for m in meta:
        if isinstance(m, FieldInfo):  # Annotated[float, Field(ge=0)] keeps Ge(0) inside
            parts += [b for b in [_bounds(m.metadata)] if b]
            continue
        for attr, fmt in _BOUNDS:
            v = getattr(m, attr, None)
            if v is not None and not isinstance(m, type):
                parts.append(fmt.format(_fmt_value(v)))
    return ", ".join(parts)


def _leaves(tp: Any) -> set[Any]:
    """Return the scalar types a value of ``tp`` is made of (``"dist"`` for distributions)."""
    tp = _unwrap(tp)[0]
    if _is_dist(tp):
        return {"dist"}
    args = typing.get_args(tp)
    if typing.get_origin(tp) is Literal or _is_model(tp):
        return set()
    if args:
        return set().union(*(_leaves(a) for a in args if a is not Ellipsis))
    return {tp}


def unit_for(name: str, tp: Any, info: FieldInfo | None = None) -> str:
    """Return the unit of a key: from its ``Field(json_schema_extra={"unit": ...})`` or name.

    Args:
        name: The key (its YAML spelling).
        tp: Its type annotation; keys that hold no number have no unit.
        info: Its pydantic field, if any.

    Returns:
        The unit, or ``""``.
    """
    extra = info.json_schema_extra if info is not None else None
    if isinstance(extra, dict) and "unit" in extra:
        return str(extra["unit"])
    if not _leaves(tp) & ({int, float, "dist"}):
        return ""
    return _unit_from_name(name)


def _unit_from_name(name: str) -> str:
    m = re.fullmatch(r"(?:(.+)_)?per_([a-z]+)", name)
    if m:
        base = _unit_from_name(m.group(1)) if m.group(1) else ""
        return f"{base} per {m.group(2)}".strip()
    for _, pattern, unit in UNIT_RULES:
        if re.search(pattern, name):
            return unit
    return ""


# ------------------------------------------------------------------ values
def _jsonable(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return _jsonable(value.model_dump(by_alias=True))
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_jsonable(v) for v in value]
    if isinstance(value, enum.Enum):
        return value.value
    return value


def _fmt_value(value: Any) -> str:
    """Write a value as YAML flow text (``{dist: constant, value: 5}``)."""
    value = _jsonable(value)
    if value is None or isinstance(value, bool):
        return {None: "null", True: "true", False: "false"}[value]
    if isinstance(value, float):
        return format(value, ".12g")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        plain = value and re.fullmatch(r"[\w.\-/ ]+", value) and yaml.safe_load(value) == value
        return value if plain else "'" + value.replace("'", "''") + "'"
    if isinstance(value, list):
        return "[" + ", ".join(_fmt_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_fmt_value(v)}" for k, v in value.items()) + "}"
    return str(value)


def _default(info: FieldInfo, tp: Any) -> str:
    if info.is_required():
        return "required"
    value = info.get_default(call_default_factory=True)
    if isinstance(value, BaseModel) and not _is_dist(tp):
        return "see below"  # a section's defaults are in its own table
    return f"`{_fmt_value(value)}`"


# ------------------------------------------------------------------ walking
def _doc(obj: Any) -> str:
    """First paragraph of an object's docstring, on one line."""
    text = inspect.cleandoc(obj.__doc__ or "")
    return " ".join(text.split("\n\n")[0].split())


def _fields_in_order(model: type[BaseModel]) -> list[tuple[str, FieldInfo]]:
    """The model's fields, its own first, then inherited ones (a mixin's, a base's)."""
    own = inspect.get_annotations(model)
    fields = list(model.model_fields.items())
    return [f for f in fields if f[0] in own] + [f for f in fields if f[0] not in own]


def _fallback_description(key: str, tp: Any, variant: str) -> str:
    """For a key without a description: its section's docstring, or the variant tag's role."""
    if variant and variant.split(":")[0] == key:
        return "Selects this variant."
    variants = _sections_in(tp)
    return _doc(variants[0]) if len(variants) == 1 else ""


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|") or "—"


def _variant_tag(cls: type[BaseModel], discriminator: str | None) -> str:
    """Name a variant of a union by its discriminator value, e.g. ``type: mediation``."""
    names = [discriminator] if discriminator else list(cls.model_fields)
    for name in names:
        f = cls.model_fields.get(name or "")
        args = typing.get_args(_unwrap(f.annotation)[0]) if f else ()
        if f and typing.get_origin(_unwrap(f.annotation)[0]) is Literal and len(args) == 1:
            return f"{f.alias or name}: {_fmt_value(args[0])}"
    return cls.__name__


def _discriminator(tp: Any, info: FieldInfo | None) -> str | None:
    metas = [info] if info is not None else []
    metas += _unwrap(tp)[1]
    for m in metas:
        d = getattr(m, "discriminator", None)
        if isinstance(d, str):
            return d
        if d is not None and isinstance(getattr(d, "discriminator", None), str):
            return d.discriminator
    return None


def walk(
    model: type[BaseModel], path: str = "", variant: str = "", seen: tuple[type, ...] = ()
) -> list[SectionDoc]:
    """Document a section and, after it, every section nested in it.

    Args:
        model: The pydantic model of the section.
        path: Its dotted path (``""`` for the top level).
        variant: For a variant of a union, its label (``"type: mediation"``).
        seen: Models on the current path, to stop on recursive schemas.

    Returns:
        The sections, depth first, in field order.
    """
    section = SectionDoc(path=path, intro=_doc(model), variant=variant)
    out = [section]
    for name, info in _fields_in_order(model):
        key = info.alias or name
        tp = info.annotation
        full = f"{path}.{key}" if path else key
        section.keys.append(
            KeyDoc(
                path=full,
                type=type_name(tp),
                unit=unit_for(key, tp, info),
                default=_default(info, tp),
                bounds=_bounds(info.metadata),
                description=info.description or _fallback_description(key, tp, variant),
            )
        )
        out.extend(_nested(tp, full, _discriminator(tp, info), (*seen, model)))
    return out


def _nested(tp: Any, path: str, disc: str | None, seen: tuple[type, ...]) -> list[SectionDoc]:
    """Sections reachable through a key of type ``tp`` at ``path``."""
    if _is_dist(tp):
        return []
    variants = [v for v in _sections_in(tp) if v not in seen]
    if len(_sections_in(tp)) == 1:  # a section, perhaps optional
        return [s for v in variants for s in walk(v, path, seen=seen)]
    if variants:  # a union of sections: one table per variant
        disc = disc or _discriminator(tp, None)
        return [s for v in variants for s in walk(v, path, _variant_tag(v, disc), seen)]
    members = _members(tp)[0]
    if len(members) != 1:  # e.g. list[int] | dict[str, Court]: look inside each member
        return [s for m in members for s in _nested(m, path, disc, seen)]
    origin, args = typing.get_origin(members[0]), typing.get_args(members[0])
    if origin is dict and args:
        return _nested(args[1], f"{path}.<name>", disc, seen)
    if origin in (tuple, list, Sequence) and args:
        item_disc = disc or _discriminator(args[0], None)
        items = [a for a in args if a is not Ellipsis]
        return [s for a in items for s in _nested(a, f"{path}.<i>", item_disc, seen)]
    return []


# ------------------------------------------------------------------ rendering
def _table(keys: Sequence[KeyDoc], with_path: bool = True) -> list[str]:
    lines = ["| key | type | unit | default | bounds | description |", "|---" * 6 + "|"]
    for k in keys:
        key = k.path if with_path else k.path.rsplit(".", 1)[-1]
        cells = (f"`{key}`", k.type, k.unit, k.default, k.bounds, k.description)
        lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    return lines


def render_sections(sections: Sequence[SectionDoc]) -> list[str]:
    """Render one heading and key table per section.

    Args:
        sections: From :func:`walk`.

    Returns:
        Markdown lines.
    """
    lines: list[str] = []
    for s in sections:
        title = f"`{s.path}`" if s.path else "Top level"
        if s.variant:
            title += f" with `{s.variant}`"
        lines += ["", f"### {title}", ""]
        if s.intro:
            lines += [s.intro, ""]
        lines += _table(s.keys)
    return lines


def render_distributions() -> list[str]:
    """Render the distribution specs: one table of keys per family, from the classes."""
    lines: list[str] = []
    for cls in DIST_CLASSES:
        tag = _variant_tag(cls, "dist")
        lines += ["", f"### `{tag}`", "", _doc(cls), ""]
        lines += _table(walk(cls)[0].keys, with_path=False)
        mean = _formula(cls.mean)
        sample = _formula(cls.from_uniform)
        lines += ["", f"Mean: {mean}. A draw from the case's uniform `u`: {sample}."]
    return lines


def _formula(method: Any) -> str:
    """The formula in a method's docstring (its ``code``), else the docstring's words."""
    text = _doc(method)
    code = re.search(r"``(.+?)``", text)
    if code:
        return f"`{code.group(1)}`"
    return text.removeprefix("Return ").rstrip(".")


def render_units() -> list[str]:
    """Render the name-to-unit rules as a table."""
    lines = [UNITS_INTRO.strip(), "", "| the key's name | unit |", "|---|---|"]
    lines += [f"| {what} | {unit} |" for what, _, unit in UNIT_RULES]
    lines.append("| `<first part>_per_<x>` | the first part's unit, per `<x>` |")
    return lines


def render(model: type[BaseModel] = Scenario) -> str:
    """Return the full text of ``docs/scenarios.md``.

    Args:
        model: The top-level scenario model.

    Returns:
        Markdown text, ending with a newline.
    """
    lines = [INTRO.strip(), "", "## Units", "", *render_units()]
    lines += ["", "## Distributions", "", DIST_INTRO.strip(), *render_distributions()]
    lines += ["", "## Reference", "", REFERENCE_INTRO.strip(), *render_sections(walk(model))]
    return "\n".join(lines).rstrip() + "\n"


INTRO = """
# Scenario files

*Do not edit: generated from the schema (`courtsim.schema.scenario.Scenario`, the sections in
`courtsim/schema/court.py`, the distribution specs in `courtsim/schema/distributions.py`) by
`python -m courtsim.schema.docs`; `python -m courtsim.schema.docs --check` and
`tests/unit/test_schema_docs.py` fail when this file is out of date.*

A scenario is a YAML file describing the simulated world and the policy levers.
Descriptions cite the domain brief (`domain.md §x`) or say *assumption*. Check files
without running them: `courtsim validate scenarios/*.yaml`.

## `extends:` a parent file

A file may start from another one and change part of it:

```yaml
extends: baseline.yaml          # path relative to this file
name: more_judges
judges: {count: 30}             # only this key of `judges` changes
```

The parent is read first (it may itself extend another file; a cycle is an error), then
the child is merged onto it: mappings merge key by key, anything else (numbers, text,
lists) replaces the parent's value, and a distribution spec (a mapping with a `dist`
key) replaces the parent's spec whole, so a child can switch family without inheriting
parameters of the old one. A mapping with `_replace: true` also replaces the parent's
whole (e.g. a child with its own set of `courts`). `extends` and `_replace` are not
themselves scenario keys.

## Dotted overrides: `--set` and `with_overrides`

`courtsim run scenarios/baseline.yaml --set judges.count=30 --set filings.per_year=12000`
changes single values; from Python, `sc.with_overrides({"judges.count": 30})`. The key is
the dotted path listed in the reference below; the value is read as YAML, so mappings
and lists work too: `--set 'procedure.acceptance_working_days={dist: constant, value: 3}'`,
`--set 'calendar.weekend_days=[6]'`. The result is validated like a file.

- The key must exist: a misspelt key is an error that lists the keys known at that level.
- A new named entry (`<name>`) can be added only whole, as a mapping:
  `--set 'courts.south={judge_share: 0.5, filing_share: 0.5}'` (shares must still sum to 1).
- A list is replaced whole; one item of a list of numbers or text cannot be set
  (`calendar.holidays.0=...` is an error). A key inside one item of a list of sections is
  addressed by the item's position, `<i>` below, from 0: `--set policies.0.start_day=180`.
- `--days N` and `--warmup N` are shortcuts for `horizon_days` and `reporting.warmup_days`.

## Strictness

- **Unknown keys are errors**, at every level (pydantic `extra="forbid"`): a typo never
  silently leaves a default in place. The message names the file and the dotted key.
- **Types are strict.** An *integer* key refuses `5.0` and `"5"`; a *number* key accepts
  integers; a *text* key refuses numbers. YAML 1.1 reads bare `yes`, `no`, `on`, `off` as
  true/false: they are **not** accepted as numbers (`judges.count: no` is an error, not 0).
  Dates are written unquoted (`2024-01-01`); a quoted date is text and is refused where
  a date is expected.
- **Bounds** (below) are checked, and so are rules tying keys together: shares that must
  sum to 1 (`case_types.<name>.share`, `courts.<name>.judge_share`,
  `courts.<name>.filing_share`), at least one judge per court, a warm-up shorter than the
  horizon. A loaded scenario is immutable: change it with `with_overrides`.
"""

DIST_INTRO = """
A key of type *distribution* takes a mapping whose `dist` key names the family; the
other keys are that family's parameters, in the unit of the key that uses it. Each
case's value is drawn once, by inverse CDF from a uniform drawn for that case, so a
case keeps its quantile when you change a distribution's parameters or family in a
sweep (common random numbers). With `extends:`, a distribution is replaced whole.
For example:

```yaml
case_types:
  debt_loan:
    effort_hours: {dist: lognormal, median: 1.8, sigma: 0.8}   # judge hours
procedure:
  acceptance_working_days: {dist: constant, value: 5}
```
"""

UNITS_INTRO = """
Units are in the keys' names, as the reference below shows in its *unit* column. Times
are calendar days unless the name says `working_days`; shares and probabilities are
fractions from 0 to 1 (a share may exceed 1 where its bounds say so).
"""

REFERENCE_INTRO = """
Every key, as a dotted path (the form `--set` takes). `<name>` stands for a name you
choose (a court, a case type); `<i>` for the position of an item in a list, from 0.
*required* keys have no default. Bounds are inclusive unless marked `>`/`<`.
"""


def default_output() -> Path:
    """Return ``docs/scenarios.md`` of the source checkout, or of the working directory."""
    root = Path(__file__).resolve().parents[2]
    return (root if (root / "pyproject.toml").is_file() else Path.cwd()) / "docs" / "scenarios.md"


def main(argv: Sequence[str] | None = None) -> int:
    """Write ``docs/scenarios.md``, or with ``--check`` test that it is up to date.

    Args:
        argv: Command-line arguments (default ``sys.argv[1:]``).

    Returns:
        0 on success; 1 when ``--check`` finds the file missing or stale.
    """
    p = argparse.ArgumentParser(
        prog="python -m courtsim.schema.docs", description=_doc(sys.modules[__name__])
    )
    p.add_argument("--check", action="store_true", help="exit 1 if the file is out of date")
    p.add_argument("--output", type=Path, default=None, help="default: docs/scenarios.md")
    args = p.parse_args(argv)
    out: Path = args.output or default_output()
    text = render()
    if args.check:
        current = out.read_text(encoding="utf-8") if out.is_file() else None
        if current != text:
            print(
                f"{out} is out of date with the scenario schema; "
                "run `python -m courtsim.schema.docs` and commit the result",
                file=sys.stderr,
            )
            return 1
        print(f"{out} is up to date")
        return 0
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    print(f"wrote {out}")
    bare = [k.path for s in walk(Scenario) for k in s.keys if not k.description]
    if bare:  # a nudge, not an error: every key should cite domain.md or say assumption
        print(f"keys without a description: {', '.join(bare)}", file=sys.stderr)
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
