"""Safety of the dashboard's inputs: paths kept under ``--results``, uploads and runs capped.

Every path a page sends is resolved under the results root (symbolic links included)
and refused if it leaves it; an uploaded scenario is size-limited, must be UTF-8 YAML
without aliases (no "billion laughs"), is read with ``yaml.safe_load`` and validated like
a file; a live run is capped in replications, scenario-days and expected cases so that
the server stays responsive. Every refusal is a :class:`~courtsim.errors.CourtsimError`
whose message the page shows.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any

import yaml

from courtsim.errors import CourtsimError, ScenarioError
from courtsim.i18n import _, current, number
from courtsim.resources import estimate
from courtsim.schema.scenario import Scenario, validate_scenario


class UnsafeInputError(CourtsimError):
    """A request asked for something the dashboard refuses (a path outside the results)."""


class RunLimitError(CourtsimError):
    """A live run would exceed the dashboard's caps."""


@dataclass(frozen=True)
class Limits:
    """Caps that keep one dashboard server responsive for everyone using it.

    Attributes:
        max_upload_bytes: Largest scenario file accepted (bytes, after base64 decoding).
        max_replications: Replications per scenario in one live run.
        max_scenario_days: Sum over scenarios of horizon days x replications.
        max_expected_cases: Sum over scenarios of expected cases (pending on day 0 plus
            filings, :func:`courtsim.resources.estimate`) x replications.
        max_scenarios: Scenarios in one live comparison.
        max_run_bytes: Memory one live run may need (bytes, :func:`courtsim.resources.estimate`).
    """

    max_upload_bytes: int = 64 * 1024
    max_replications: int = 20
    max_scenario_days: int = 20 * 730
    max_expected_cases: int = 600_000
    max_scenarios: int = 6
    max_run_bytes: float = 1e9


DEFAULT_LIMITS = Limits()


def resolve_under(root: Path, requested: str | Path) -> Path:
    """Resolve a relative path under ``root``, refusing anything that escapes it.

    Absolute paths, drive letters, ``..`` that climbs out, and symbolic links pointing
    outside are all refused.

    Args:
        root: The results folder (``--results``).
        requested: Path relative to it, as sent by the page.

    Returns:
        The resolved path, inside ``root`` (it may not exist).

    Raises:
        UnsafeInputError: The path is empty, absolute, or leaves ``root``.
    """
    text = str(requested).strip()
    if not text or "\x00" in text:
        raise UnsafeInputError(_("give a folder path relative to the results folder"))
    if (
        PurePosixPath(text).is_absolute()
        or PureWindowsPath(text).is_absolute()
        or PureWindowsPath(text).drive
    ):
        raise UnsafeInputError(
            _("'{path}' is an absolute path; give a path relative to the results folder").format(
                path=text
            )
        )
    base = root.resolve()
    target = (base / text).resolve()
    if target != base and base not in target.parents:
        raise UnsafeInputError(
            _("'{path}' is outside the results folder; it was not opened").format(path=text)
        )
    return target


def _no_aliases_loader() -> type[yaml.SafeLoader]:
    class NoAliasSafeLoader(yaml.SafeLoader):
        """``yaml.SafeLoader`` that refuses anchors and aliases (exponential expansion)."""

        def compose_node(self, parent: Any, index: Any) -> Any:
            if self.check_event(yaml.AliasEvent):
                event = self.peek_event()
                raise yaml.constructor.ConstructorError(
                    None, None, "YAML aliases (*name) are not accepted in uploads", event.start_mark
                )
            return super().compose_node(parent, index)

    return NoAliasSafeLoader


_LOADER = _no_aliases_loader()


def decode_upload(contents: str, filename: str, limits: Limits = DEFAULT_LIMITS) -> bytes:
    """Decode a ``dcc.Upload`` payload (``data:<type>;base64,<data>``), checking its size.

    Args:
        contents: The payload.
        filename: The uploaded file's name, for messages.
        limits: Size cap.

    Returns:
        The file's bytes.

    Raises:
        UnsafeInputError: The payload is malformed or the file too large.
    """
    header, sep, data = (contents or "").partition(",")
    if not sep or not header.startswith("data:") or ";base64" not in header:
        raise UnsafeInputError(_("the upload was not received as a file"), source=filename)
    # base64 is 4 characters per 3 bytes: refuse before decoding anything large.
    if len(data) > (limits.max_upload_bytes + 2) * 4 // 3 + 4:
        raise UnsafeInputError(
            _("the file is larger than {kb} KB; scenario files are a few KB").format(
                kb=limits.max_upload_bytes // 1024
            ),
            source=filename,
        )
    try:
        raw = base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError):
        raise UnsafeInputError(_("the upload is not valid base64"), source=filename) from None
    if len(raw) > limits.max_upload_bytes:
        raise UnsafeInputError(
            _("the file is larger than {kb} KB").format(kb=limits.max_upload_bytes // 1024),
            source=filename,
        )
    return raw


def parse_scenario_upload(
    contents: str, filename: str, limits: Limits = DEFAULT_LIMITS
) -> Scenario:
    """Read an uploaded scenario: size-checked, safe YAML, validated like a file.

    ``extends:`` is refused, since an upload has no folder to resolve a parent from.

    Args:
        contents: The ``dcc.Upload`` payload.
        filename: The file's name, for messages.
        limits: Size cap.

    Returns:
        The scenario.

    Raises:
        UnsafeInputError: The payload is malformed or too large.
        ScenarioError: The file is not UTF-8 YAML or not a valid scenario (the same
            messages as ``courtsim validate``).
    """
    name = Path(str(filename or "upload.yaml")).name[:120]
    raw = decode_upload(contents, name, limits)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ScenarioError(_("not a UTF-8 text file"), source=name) from None
    try:
        data = yaml.load(text, Loader=_LOADER)  # a yaml.SafeLoader subclass: safe_load rules
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        if current() != "en":  # the parser's words are English: the place says where
            text = (
                _("not valid YAML at line {line}, column {column}").format(
                    line=mark.line + 1, column=mark.column + 1
                )
                if mark
                else _("not valid YAML")
            )
        else:
            where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
            text = f"not valid YAML{where}: {problem}"
        raise ScenarioError(text, source=name) from None
    except RecursionError:
        raise ScenarioError(_("the YAML is nested too deeply"), source=name) from None
    if isinstance(data, dict) and "extends" in data:
        raise ScenarioError(
            _(
                "an uploaded scenario cannot use 'extends:'; upload the merged file "
                "(courtsim run ... --out DIR writes it as scenario.yaml)"
            ),
            source=name,
            field="extends",
        )
    return validate_scenario(data if data is not None else {}, source=name)


def check_run_budget(
    scenarios: list[Scenario], replications: int, limits: Limits = DEFAULT_LIMITS
) -> None:
    """Refuse a live run that would keep the server busy for too long.

    Args:
        scenarios: The scenarios to run.
        replications: Replications of each.
        limits: The caps.

    Raises:
        RunLimitError: A cap is exceeded; the message says which and by how much.
    """
    if replications < 1 or replications > limits.max_replications:
        raise RunLimitError(
            _(
                "replications must be between 1 and {max} in the dashboard (got {n}); use "
                "`courtsim compare` or `courtsim sweep` for more"
            ).format(max=limits.max_replications, n=replications),
        )
    if len(scenarios) > limits.max_scenarios:
        raise RunLimitError(
            _("at most {max} scenarios at once (got {n})").format(
                max=limits.max_scenarios, n=len(scenarios)
            ),
        )
    days = sum(s.horizon_days for s in scenarios) * replications
    if days > limits.max_scenario_days:
        raise RunLimitError(
            _(
                "this run asks for {days} simulated days (horizon x replications, over "
                "{n} scenario(s)); the dashboard's cap is {cap}. Shorten the horizon or run "
                "fewer replications"
            ).format(
                days=number(days, 0), n=len(scenarios), cap=number(limits.max_scenario_days, 0)
            ),
        )
    # The CLI's resource estimate: the caseload on day 0, the filing schedule and the
    # judges count, not just filings.per_year, so no lever gets around the cap.
    sizes = [estimate(s) for s in scenarios]
    cases = sum(e.cases for e in sizes) * replications
    if cases > limits.max_expected_cases:
        raise RunLimitError(
            _(
                "this run would simulate about {cases} cases over its replications; the "
                "dashboard's cap is {cap}. Run it with `courtsim compare` instead"
            ).format(cases=number(cases, 0), cap=number(limits.max_expected_cases, 0))
            if current() != "en"
            else f"this run would simulate about {cases:,.0f} cases over its replications "
            f"({sizes[0].describe()} for one run of the first scenario); the dashboard's cap is "
            f"{limits.max_expected_cases:,}. Run it with `courtsim compare` instead",
        )
    biggest = max(sizes, key=lambda e: e.bytes)
    if biggest.bytes > limits.max_run_bytes:
        raise RunLimitError(
            _(
                "one run would need more memory than the dashboard's cap of {gb} GB a run. "
                "Run it with `courtsim compare` instead"
            ).format(gb=number(limits.max_run_bytes / 1e9, 1))
            if current() != "en"
            else f"one run would need {biggest.describe()}; the dashboard's cap is "
            f"{limits.max_run_bytes / 1e9:.1f} GB a run. Run it with `courtsim compare` instead",
        )
