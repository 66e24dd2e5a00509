"""Integer staffing levers for decision questions: name, current level, scenario at a level.

A lever is one integer count of court actors: conciliation judges, mediators of one kind,
or judges. In a one-court scenario it sets that court's count. In a scenario with several
courts (regions), a lever names one court and the question is asked of that court alone:
:func:`region_scenario` cuts it out as a one-court scenario with its share of the judges
and filings. That is exact for the engine as it stands, whose courts share nothing but the
calendar (a case never moves between courts; conciliation judges and mediators serve
their own court), and it is what makes a national allocation affordable (each region is
run on its own). Level 0 of a channel's capacity means the channel is closed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from courtsim.errors import ScenarioError
from courtsim.schema.pilots import MEDIATOR_KINDS
from courtsim.schema.scenario import Scenario

#: Lever names users type, and what they count.
LEVER_HELP = {
    "conciliation": "conciliation judges in the court",
    **{f"mediators.{k}": f"{k.replace('_', ' ')} mediators in the court" for k in MEDIATOR_KINDS},
    "judges": "civil judges in the court",
}


class LeverError(ScenarioError):
    """A lever, a level or a court named on the command line or in a call is not usable."""


@dataclass(frozen=True)
class Lever:
    """One integer count of court actors in one court.

    Attributes:
        name: ``conciliation``, ``mediators.<kind>`` or ``judges``.
        court: The court (region) it is counted in; None for a one-court scenario.
    """

    name: str
    court: str | None = None

    def describe(self) -> str:
        """Return what the lever counts, e.g. 'conciliation judges in almaty_city'."""
        what = LEVER_HELP[self.name].removesuffix(" in the court")
        return f"{what} in {self.court}" if self.court else f"{what} (per court)"

    @property
    def mediator_kind(self) -> str | None:
        """The mediator kind, for a mediator lever."""
        return self.name.split(".", 1)[1] if self.name.startswith("mediators.") else None

    @property
    def minimum(self) -> int:
        """The smallest legal level: a court needs a judge; a channel may be closed."""
        return 1 if self.name == "judges" else 0


def parse_lever(name: str, court: str | None = None) -> Lever:
    """Return the lever called ``name`` (optionally in ``court``).

    Args:
        name: ``conciliation``, ``mediators.retired_judge``, ``mediators.professional``,
            ``mediators.public`` or ``judges``.
        court: The court (region), for a scenario with several courts.

    Returns:
        The lever.

    Raises:
        LeverError: The name is not a lever.
    """
    if name not in LEVER_HELP:
        known = ", ".join(f"'{k}' ({v})" for k, v in LEVER_HELP.items())
        raise LeverError(
            f"'{name}' is not a staffing lever; levers are integer counts of court actors: "
            f"{known}. Other scenario values can be swept with `courtsim sweep`",
            source="--lever",
        )
    return Lever(name, court)


def check_level(value: Any, source: str = "--levels") -> int:
    """Return ``value`` as a whole number of posts.

    Args:
        value: The level (an int, or a float or text holding a whole number).
        source: Where it came from, for the error.

    Returns:
        The level.

    Raises:
        LeverError: The value is not a whole number.
    """
    try:
        f = float(value)
    except (TypeError, ValueError):
        raise LeverError(
            f"'{value}' is not a number; a lever counts posts, a whole number such as 3",
            source=source,
        ) from None
    if isinstance(value, bool) or not f.is_integer():
        raise LeverError(
            f"{value} is not a whole number; a lever counts posts (people), so its levels "
            "are integers such as 0, 1, 2",
            source=source,
        )
    return int(f)


def region_scenario(sc: Scenario, court: str) -> Scenario:
    """Return court ``court`` of ``sc`` as a one-court scenario.

    The court keeps its judges (as :meth:`Scenario.judges_per_court` splits them), its
    share of the filings, and its conciliation judges and mediators (``per_court`` plus
    ``per_judge`` times its judges, rounded as the engine rounds them).

    Args:
        sc: A scenario.
        court: One of its courts.

    Returns:
        The one-court scenario.

    Raises:
        LeverError: The scenario has no such court.
    """
    if court not in sc.courts:
        raise LeverError(
            f"the scenario has no court '{court}' (courts: {', '.join(sc.courts)})",
            source="--court",
        )
    if len(sc.courts) == 1:
        return sc
    n_judges = sc.judges_per_court()[court]
    share = sc.courts[court].filing_share
    conc = sc.conciliation
    overrides: dict[str, Any] = {
        "name": f"{sc.name}[{court}]",
        "courts": {"_replace": True, court: {"judge_share": 1.0, "filing_share": 1.0}},
        "judges.count": n_judges,
        "filings.per_year": sc.filings.per_year * share,
        "conciliation.judges_per_court": conc.judges_per_court + round(conc.per_judge * n_judges),
        "conciliation.per_judge": 0.0,
    }
    for kind in MEDIATOR_KINDS:
        mk = getattr(sc.mediators, kind)
        overrides[f"mediators.{kind}.per_court"] = mk.per_court + round(mk.per_judge * n_judges)
        overrides[f"mediators.{kind}.per_judge"] = 0.0
    if sc.filings.schedule:
        raise LeverError(
            "a court of a scenario with a filings.schedule cannot be cut out on its own yet; "
            "use a one-court scenario",
            source="--court",
        )
    return _with(sc, overrides, f"court {court}")


def current_level(sc: Scenario, lever: Lever) -> int:
    """Return the lever's level in a one-court scenario (see :func:`region_scenario`).

    Args:
        sc: A one-court scenario.
        lever: The lever.

    Returns:
        Posts in the court.
    """
    n_judges = sc.judges.count
    if lever.name == "judges":
        return n_judges
    if lever.name == "conciliation":
        c = sc.conciliation
        return c.judges_per_court + round(c.per_judge * n_judges)
    mk = getattr(sc.mediators, lever.mediator_kind or "")
    return int(mk.per_court + round(mk.per_judge * n_judges))


def at_level(sc: Scenario, lever: Lever, level: int) -> Scenario:
    """Return the one-court scenario ``sc`` with the lever set to ``level`` posts.

    Level 0 of mediators of a kind closes that kind: the channels that would refer to it
    refer to the other kinds they name, or are closed (left out) when they name no other.

    Args:
        sc: A one-court scenario.
        lever: The lever.
        level: Posts (whole number, at least :attr:`Lever.minimum`).

    Returns:
        The scenario.

    Raises:
        LeverError: The level is below the minimum or the scenario rejects it.
    """
    if level < lever.minimum:
        raise LeverError(
            f"level {level} is below the smallest legal level of {lever.describe()} "
            f"({lever.minimum})",
            source="--levels",
        )
    if lever.name == "judges":
        return _with(sc, {"judges.count": level}, f"{lever.name}={level}")
    if lever.name == "conciliation":
        over = {"conciliation.judges_per_court": level, "conciliation.per_judge": 0.0}
        return _with(sc, over, f"{lever.name}={level}")
    kind = lever.mediator_kind or ""
    over: dict[str, Any] = {f"mediators.{kind}.per_court": level, f"mediators.{kind}.per_judge": 0}
    if level == 0:
        policies = []
        for pol in sc.as_dict()["policies"]:
            if "mediator_kinds" in pol:
                kinds = [k for k in pol["mediator_kinds"] if k != kind]
                if not kinds:
                    continue  # its only kind of mediator is gone: the channel is closed
                pol = {**pol, "mediator_kinds": kinds}
            policies.append(pol)
        over["policies"] = policies
    return _with(sc, over, f"{lever.name}={level}")


def _with(sc: Scenario, overrides: dict[str, Any], what: str) -> Scenario:
    try:
        return sc.with_overrides(overrides, source=what)
    except ScenarioError as exc:
        raise LeverError(
            f"the scenario cannot take {what}: {exc.message}", source=exc.source, field=exc.field
        ) from None
