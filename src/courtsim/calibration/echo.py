"""Echo targets: reported figures that an input of the scenario fixes directly.

Matching the model to a figure it was given proves nothing: the claims filed repeat the
filing schedule, the appeal rate of settlements repeats ``p_appeal_settled``. Such a
target says nothing about the model unless the calibration fits the input that fixes
it (then the target estimates that input, which is honest). :data:`ECHO_INPUTS` declares,
for each KPI that inputs fix, the scenario keys that fix it; :func:`refuse_echoes`
checks the targets of a calibration against the scenario being calibrated and its
fitted parameters, before any run.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from courtsim.calibration.spec import _get, expand_key
from courtsim.calibration.targets import TargetError

if TYPE_CHECKING:
    from courtsim.calibration.spec import ParameterSpace
    from courtsim.calibration.targets import Target

_FILINGS = "the filing schedule (filings.per_year and filings.schedule)"

#: KPI -> (scenario keys that fix it, with ``*`` for every name; why they fix it).
ECHO_INPUTS: dict[str, tuple[tuple[str, ...], str]] = {
    "arisen": (("filings",), f"the disputes arising are {_FILINGS}"),
    "incoming": (("filings",), f"the claims filed are {_FILINGS} less pre-court settlements"),
    "resolved": (
        ("filings",),
        f"over a window, resolved = incoming + pending at its start - pending at its end, i.e. "
        f"{_FILINGS} up to the change of the pending stock",
    ),
    "disposed": (
        ("filings",),
        f"disposed = resolved - returned claims, i.e. {_FILINGS} up to the change of the "
        "pending stock",
    ),
    "appeal_rate_settlements": (
        ("case_types.*.p_appeal_settled",),
        "each settled case is appealed with its case type's probability p_appeal_settled",
    ),
    "share_returned": (
        ("case_types.*.p_returned",),
        "each claim is returned at acceptance with its case type's probability p_returned "
        "(and for skipping a mandatory pre-trial procedure)",
    ),
}


def _matches(pattern: str, path: tuple[Any, ...]) -> bool:
    """Whether a concrete scenario path lies under a key pattern (``*`` = any one name)."""
    parts = pattern.split(".")
    return len(path) >= len(parts) and all(
        p == "*" or p == str(q) for p, q in zip(parts, path, strict=False)
    )


def _describe(data: dict[str, Any], pattern: str) -> str:
    """Say what value a pattern has in the scenario, e.g. ``p_appeal_settled = 0.015``."""
    if pattern == "filings":
        f = data["filings"]
        extra = f" and {len(f['schedule'])} schedule entries" if f.get("schedule") else ""
        return f"filings.per_year = {f['per_year']:,g}{extra}"
    try:
        values = sorted({float(_get(data, p)) for p in expand_key(data, pattern)})
    except KeyError:
        return pattern
    name = pattern.rsplit(".", 1)[-1]
    if len(values) == 1:
        return f"{name} = {values[0]:g} for every case type"
    return f"{name} = {values[0]:g} to {values[-1]:g} by case type"


def refuse_echoes(targets: list[Target], space: ParameterSpace, source: str) -> None:
    """Refuse fitted or held-out targets that the scenario's unfitted inputs fix directly.

    Args:
        targets: Fitted and held-out targets (``input_check`` ones are skipped: they are
            declared as echoes and only reported as checks of the inputs).
        space: The calibration's parameters over the scenario being calibrated.
        source: The targets file, for messages.

    Raises:
        TargetError: A target is an echo.
    """
    fitted = [path for paths in space.paths for path in paths]
    data = space.base.as_dict()
    for t in targets:
        if t.role == "input_check" or t.kpi not in ECHO_INPUTS:
            continue
        keys, why = ECHO_INPUTS[t.kpi]
        if any(_matches(k, path) for k in keys for path in fitted):
            continue  # the fit estimates the input from this target: not an echo
        given = "; ".join(_describe(data, k) for k in keys)
        raise TargetError(
            f"target '{t.id}' ({t.kpi}) is an echo of the scenario's inputs, so matching it "
            f"would say nothing about the model: {why}, and scenario '{space.base.name}' sets "
            f"them ({given}) while no calibration parameter changes them. Declare it "
            "'role: input_check' in the targets file (it is then reported as a check of the "
            "inputs, never fitted nor counted as out-of-sample evidence), drop it from the "
            "set-up, or fit a parameter that sets those inputs. Nothing was run",
            source=source,
            field=f"targets.{t.id}.kpi",
        )
