"""Error messages in the page's language.

The dashboard's own refusals (a lever's value, an upload, a run's size) are catalog
messages where they are raised. A scenario that does not validate raises the
:class:`~courtsim.errors.ScenarioError` of ``courtsim validate``, written in English for
the terminal; :func:`localised` rewrites it for the page from the structured errors
behind it (pydantic's error type, location and bounds), and the scenario's cross-field
rules a lever can break from :data:`RULES`. In English the text is left exactly as the
command line writes it.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import ValidationError

from courtsim.errors import MAX_MESSAGE_CHARS, CourtsimError, ScenarioError, elide
from courtsim.i18n import N_, _, current

#: Problems by pydantic error type; ``{ge}`` etc. come from the error's context.
PROBLEMS: dict[str, str] = {
    "greater_than_equal": N_("must be at least {ge}"),
    "greater_than": N_("must be greater than {gt}"),
    "less_than_equal": N_("must be at most {le}"),
    "less_than": N_("must be less than {lt}"),
    "int_from_float": N_("must be a whole number"),
    "int_parsing": N_("must be a whole number"),
    "int_type": N_("must be a whole number"),
    "float_parsing": N_("must be a number"),
    "float_type": N_("must be a number"),
    "finite_number": N_("must be a finite number"),
    "bool_type": N_("must be true or false"),
    "bool_parsing": N_("must be true or false"),
    "string_type": N_("must be text"),
    "missing": N_("is missing"),
    "extra_forbidden": N_("unknown key (check its spelling against docs/scenarios.md)"),
    "literal_error": N_("must be one of {expected}"),
    "enum": N_("must be one of {expected}"),
    "union_tag_invalid": N_("unknown type {tag}: expected one of {expected_tags}"),
    "union_tag_not_found": N_("needs a 'type:' key"),
    "dict_type": N_("must be a mapping of keys to values"),
    "model_type": N_("must be a mapping of keys to values"),
    "model_attributes_type": N_("must be a mapping of keys to values"),
    "list_type": N_("must be a list"),
    "tuple_type": N_("must be a list"),
    "date_type": N_("must be a date (YYYY-MM-DD)"),
    "date_parsing": N_("must be a date (YYYY-MM-DD)"),
    "date_from_datetime_parsing": N_("must be a date (YYYY-MM-DD)"),
    "too_short": N_("has too few items"),
    "too_long": N_("has too many items"),
}

#: The scenario's cross-field rules a dashboard user can break (with a lever, the days or
#: the channel switches), by the English text ``Scenario`` raises; named groups are the
#: message's placeholders.
RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    (
        re.compile(
            r"judges\.count \((?P<judges>\d+)\) is smaller than the number of courts "
            r"\((?P<courts>\d+)\)"
        ),
        N_(
            "judges.count ({judges}) is smaller than the number of courts ({courts}); "
            "every court needs at least one judge"
        ),
    ),
    (
        re.compile(
            r"policies\.(?P<i>\d+)\.mediator_kinds names '(?P<kind>\w+)', but the scenario "
            r"has no such mediators"
        ),
        N_(
            "policies.{i}.mediator_kinds names '{kind}', but the scenario has no such "
            "mediators (set mediators.{kind}.per_court or per_judge)"
        ),
    ),
    (
        re.compile(
            r"reporting\.warmup_days \((?P<warmup>\d+)\) must be shorter than horizon_days "
            r"\((?P<horizon>\d+)\)"
        ),
        N_("reporting.warmup_days ({warmup}) must be shorter than horizon_days ({horizon})"),
    ),
    (
        re.compile(
            r"(?P<what>\S+) must sum to 1, but they sum to (?P<total>\S+) \((?P<parts>.*)\)"
        ),
        N_("{what} must sum to 1, but they sum to {total} ({parts})"),
    ),
    (
        re.compile(r"(?P<value>\S+) is too large a number \(limit (?P<limit>[\d,]+)\)"),
        N_("{value} is too large a number (limit {limit})"),
    ),
)

#: Other English texts the page shows that are written outside the dashboard, for the
#: terminal: a results folder's refusals (``courtsim.results_folder``, ``courtsim.loading``)
#: and a staffing search's warnings (``courtsim.experiment.target``). Same form as RULES.
KNOWN: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(f"^{pattern}$"), template)
    for pattern, template in (
        (r"is a file, not a results folder", N_("is a file, not a results folder")),
        (r"no such results folder", N_("no such results folder")),
        (
            r"manifest\.json is missing: this is not a complete courtsim results folder",
            N_("manifest.json is missing: this is not a complete courtsim results folder"),
        ),
        (
            r"manifest\.json is a link to a file outside the folder; it was not read",
            N_("manifest.json is a link to a file outside the folder; it was not read"),
        ),
        (r"manifest\.json does not hold a mapping", N_("manifest.json does not hold a mapping")),
        (
            r"manifest\.json is not a courtsim manifest: (?P<detail>.*)\. The folder was changed "
            r"or is corrupt; run the command that wrote it again",
            N_(
                "manifest.json is not a courtsim manifest (in English: «{detail}»). The folder "
                "was changed or is corrupt; run the command that wrote it again"
            ),
        ),
        (
            r"(?P<file>\S+) has no checksum in manifest\.json, so it cannot be trusted; the "
            r"folder was changed or is corrupt",
            N_(
                "{file} has no checksum in manifest.json, so it cannot be trusted; the folder "
                "was changed or is corrupt"
            ),
        ),
        (
            r"(?P<file>\S+) is missing from the results folder",
            N_("{file} is missing from the results folder"),
        ),
        (
            r"(?P<file>\S+) is a link to a file outside the results folder; it was not read",
            N_("{file} is a link to a file outside the results folder; it was not read"),
        ),
        (
            r"(?P<file>\S+) does not match the checksum in manifest\.json: the folder was "
            r"changed or is corrupt",
            N_(
                "{file} does not match the checksum in manifest.json: the folder was changed "
                "or is corrupt"
            ),
        ),
        (
            r"(?P<file>\S+) is not valid JSON \(line (?P<line>\d+), column (?P<column>\d+): "
            r"(?P<detail>.*)\)",
            N_("{file} is not valid JSON (line {line}, column {column}: «{detail}»)"),
        ),
        (
            r"(?P<file>\S+) is not valid JSON \((?P<detail>.*)\)",
            N_("{file} is not valid JSON («{detail}»)"),
        ),
        (
            r"(?P<file>\S+) is nested too deeply to be read",
            N_("{file} is nested too deeply to be read"),
        ),
        (r"file not found", N_("file not found")),
        (r"is a broken symbolic link", N_("is a broken symbolic link")),
        (r"is a folder, not a file", N_("is a folder, not a file")),
        (
            r"is a (?:named pipe \(FIFO\)|device|socket), not a regular file; it was not read"
            r"|is not a regular file; it was not read",
            N_("is not a regular file; it was not read"),
        ),
        (
            r"level (?P<a>\d+) meets the target but the higher level (?P<b>\d+) clearly fails "
            r"it: the lever's effect is not monotone here, so the search cannot rely on it",
            N_(
                "level {a} meets the target but the higher level {b} clearly fails it: the "
                "lever's effect is not monotone here, so the search cannot rely on it"
            ),
        ),
        (
            r"level (?P<b>\d+) is worse than level (?P<a>\d+) on paired replicates "
            r"\((?P<kpi>\S+) (?P<d>\S+), 99% CI (?P<low>\S+) to (?P<high>\S+)\): more posts "
            r"should not hurt; check the scenario",
            N_(
                "level {b} is worse than level {a} on paired replicates ({kpi} {d}, 99% CI "
                "{low} to {high}): more posts should not hurt; check the scenario"
            ),
        ),
    )
)
_CYRILLIC = re.compile("[\u0400-\u04ff]")

#: Where a value came from, as the dashboard names it (other sources are file names).
SOURCES: dict[str, str] = {
    "dashboard levers": N_("dashboard levers"),
    "days": N_("days"),
    "explorer": N_("explorer"),
}


def rule(text: str) -> str | None:
    """Return a cross-field rule's message in the language in force, or None if unknown."""
    for pattern, template in RULES:
        m = pattern.search(text)
        if m:
            return _(template).format(**m.groupdict())
    return None


def known_text(text: str) -> str:
    """Return an English text written outside the dashboard in the language in force.

    A cross-field rule (:data:`RULES`) or another known text (:data:`KNOWN`) is said in
    the language's words; a text already in the language (a catalog message raised by the
    dashboard) is left as it is; any other English text is quoted as English, so a page in
    Russian or Kazakh never passes it off as its own sentence.

    Args:
        text: The text (English in ``en``).

    Returns:
        The text for the page.
    """
    if current() == "en":
        return text
    said = rule(text)
    if said is not None:
        return said
    for pattern, template in KNOWN:
        m = pattern.match(text)
        if m:
            return _(template).format(**m.groupdict())
    if _CYRILLIC.search(text):
        return text
    return _("(in English) «{text}»").format(text=text)


def _context(err: dict[str, Any]) -> dict[str, str]:
    ctx = err.get("ctx") or {}
    return {k: f"{v:g}" if isinstance(v, float) else str(v) for k, v in ctx.items()}


def _loc(loc: tuple[Any, ...]) -> str:
    from courtsim.schema.scenario import _clean_loc  # the location as `courtsim validate` names it

    return _clean_loc(loc)


def problem(err: dict[str, Any]) -> tuple[str, str]:
    """Return ``(field, problem)`` of one pydantic error, the problem in the language in force.

    Args:
        err: One item of ``ValidationError.errors()``.

    Returns:
        The dotted field and what is wrong with it.
    """
    loc, kind = _loc(err.get("loc", ())), str(err.get("type", ""))
    if kind == "value_error":  # a rule of the scenario (a validator's own message)
        text = str(err.get("msg", "")).removeprefix("Value error, ")
        said = rule(text)
        if not loc:  # a cross-field rule: its message starts with the field it concerns
            loc = text.split(" ", 1)[0]
        return loc, said or _("breaks a rule of the scenario (in English: {detail})").format(
            detail=text
        )
    template = PROBLEMS.get(kind)
    try:
        said = _(template).format(**_context(err)) if template else None
    except (KeyError, IndexError):
        said = None
    if said is None:
        said = _("has a value that is not accepted ({kind})").format(kind=kind)
    got = err.get("input")
    if kind not in ("extra_forbidden", "missing") and not isinstance(got, dict | list):
        said += " " + _("(got {value})").format(value=elide(repr(got), 80))
    return loc, said


def _where(exc: CourtsimError) -> str:
    parts = []
    if exc.source:
        src = str(exc.source)
        parts.append(_(SOURCES[src]) if src in SOURCES else elide(src, 300))
    if exc.field:
        parts.append(_("field '{field}'").format(field=elide(str(exc.field), 300)))
    return ", ".join(parts)


def localised(exc: CourtsimError) -> str:
    """Return an error's text for the page, in the language in force.

    Args:
        exc: The error (its text in English is ``str(exc)``).

    Returns:
        ``str(exc)`` in English; otherwise the same facts in the language: a scenario's
        validation errors one by one, a known rule in its words, the dashboard's own
        messages as raised (they are catalog messages).
    """
    if current() == "en":
        return str(exc)
    cause = exc.__context__
    message = exc.message
    if isinstance(exc, ScenarioError) and isinstance(cause, ValidationError):
        found: list[tuple[str, str]] = []
        errors = cause.errors()
        locs = [_loc(e["loc"]) for e in errors]
        for err, loc in zip(errors, locs, strict=True):
            if any(o != loc and o.startswith(loc + ".") for o in locs):
                continue  # a follow-on error of a more precise one below it
            found.append(problem(err))
        problems = "; ".join(f"'{f}': {p}" for f, p in found)
        message = _("invalid scenario: {problems}. Fix the value(s) and try again.").format(
            problems=problems
        )
        where = _where(ScenarioError("", source=exc.source))
    else:
        message = known_text(message)
        where = _where(exc)
    text = f"{where}: {message}" if where else message
    return elide(" ".join(text.split()), MAX_MESSAGE_CHARS)
