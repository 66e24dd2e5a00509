"""The explorer's levers: controls generated from the scenario schema's types and bounds.

:data:`LEVER_KEYS` declares which scenario values the explorer lets a user change, as
dotted keys; ``policies[<type>].<field>`` addresses a field of the reconciliation channel
of that type. Bounds, types, defaults and help texts come from
``Scenario.model_json_schema()``, never from this module, except where the schema's bounds
are validation limits far wider than any plausible value (:data:`PLAUSIBLE`). A key the
schema does not have is simply not shown, so a lever appears as soon as the schema gains
its field and disappears when the field is removed. Labels and tooltips are catalog
messages (:data:`LABELS`, :data:`TOOLTIPS`), shown in the page's language.
"""

from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass
from typing import Any, Literal

from courtsim.errors import ScenarioError
from courtsim.i18n import N_, _
from courtsim.schema.scenario import Scenario, validate_scenario

#: Levers offered, in display order. Channel fields apply when the channel is switched on.
#: The settlement levers are those of the litigants' bargaining (docs/model.md §7.6a): the
#: old hand-set settlement dials (hazards, boosts, propensities, consent weights) are not
#: offered, so nothing here depends on them existing in the schema.
LEVER_KEYS: tuple[str, ...] = (
    "judges.count",
    "filings.per_year",
    "conciliation.judges_per_court",
    "mediators.retired_judge.per_court",
    "mediators.professional.per_court",
    "mediators.public.per_court",
    "litigants.optimism_mean",
    "bargaining.lawyer_fee_share_per_session",
    "bargaining.signal_sd",
    "bargaining.agreement_cost_share",
    "bargaining.facilitated_cost_factor",
    "conciliation.skill",
    "mediators.retired_judge.skill",
    "mediators.professional.skill",
    "mediators.public.skill",
    "policies[pre_court].p_offer",
    "policies[pre_court].start_day",
    "policies[in_court].p_offer",
    "policies[in_court].start_day",
    "policies[out_of_court].p_offer",
    "policies[out_of_court].start_day",
)

#: Levers that act only through the parties' bargaining: shown greyed out, with a note, in
#: a scenario whose ``bargaining.enabled`` is off, for a schema that still has that switch
#: (since issue 10 it has not: bargaining is the only model, and they are always live).
BARGAINING_PREFIX = "bargaining."
BARGAINING_SWITCH = "bargaining.enabled"

#: A provider's skill is offered only where the scenario has such providers (one of these
#: counts above zero); otherwise the lever would change nothing.
PROVIDERS: dict[str, tuple[str, ...]] = {
    "conciliation.skill": ("conciliation.judges_per_court", "conciliation.per_judge"),
    **{
        f"mediators.{k}.skill": (f"mediators.{k}.per_court", f"mediators.{k}.per_judge")
        for k in ("retired_judge", "professional", "public")
    },
}

#: Reader-facing names (catalog messages, translated where shown); a key without one uses
#: its schema title (English: the schema is not translated).
LABELS: dict[str, str] = {
    "judges.count": N_("Civil judges (all courts)"),
    "filings.per_year": N_("New claims per year"),
    "conciliation.judges_per_court": N_("Conciliation judges per court"),
    "mediators.retired_judge.per_court": N_("Retired-judge mediators per court"),
    "mediators.professional.per_court": N_("Professional mediators per court"),
    "mediators.public.per_court": N_("Public mediators per court"),
    "litigants.optimism_mean": N_("Parties' optimism about winning (mean)"),
    "bargaining.lawyer_fee_share_per_session": N_("Lawyer's fee per session (share of the claim)"),
    "bargaining.signal_sd": N_("Noise of what each session reveals"),
    "bargaining.agreement_cost_share": N_("Cost of agreeing without a facilitator"),
    "bargaining.facilitated_cost_factor": N_("Share of that cost left with a facilitator"),
    "conciliation.skill": N_("Conciliation judges' skill"),
    "mediators.retired_judge.skill": N_("Retired-judge mediators' skill"),
    "mediators.professional.skill": N_("Professional mediators' skill"),
    "mediators.public.skill": N_("Public mediators' skill"),
    "p_offer": N_("share of cases offered"),
    "start_day": N_("start day"),
}

#: What each lever means, shown when the pointer rests on it (catalog messages, written
#: from the schema's descriptions; a key without one shows the schema's description).
TOOLTIPS: dict[str, str] = {
    "judges.count": N_(
        "Judges hearing civil cases, all courts together. Nationally about 945: 1,890 "
        "first-instance judges, half of them on civil cases (domain.md §2.3)."
    ),
    "filings.per_year": N_(
        "New civil claims a year, all courts together. Nationally about 400,000 (domain.md §6)."
    ),
    "conciliation.judges_per_court": N_(
        "Conciliation judges in each court, in addition to the civil judges (assumption: "
        "about one per court with 10 or more civil judges). None: the court makes no "
        "conciliation offers."
    ),
    "mediators.retired_judge.per_court": N_("Mediators who are retired judges, in each court."),
    "mediators.professional.per_court": N_("Professional (paid) mediators in each court."),
    "mediators.public.per_court": N_("Public (pro bono) mediators in each court."),
    "litigants.optimism_mean": N_(
        "How much a party over-estimates its own chance of winning, on average (0.1: ten "
        "points). More optimism means fewer settlements. Assumption, plausible range 0 to "
        "0.2 (self-serving bias; model.md §7.6a)."
    ),
    "bargaining.lawyer_fee_share_per_session": N_(
        "A represented party's lawyer's fee for each session still to come, as a share of "
        "the claim. Higher fees make settling sooner worth more. Assumption, range 0.01 to 0.05."
    ),
    "bargaining.signal_sd": N_(
        "How noisy the evidence of each held session is (log-odds of the plaintiff winning): "
        "smaller means more information per session, so beliefs converge and parties settle "
        "earlier. Assumption, range 0.6 to 2.4."
    ),
    "bargaining.agreement_cost_share": N_(
        "Each party's cost of negotiating and drawing up an agreement on its own, as a share "
        "of the claim. Fitted to 0.2 in the baseline (the share settled before the pilots: "
        "2-5%); range 0.1 to 0.3."
    ),
    "bargaining.facilitated_cost_factor": N_(
        "The share of the cost of agreeing that is left when a conciliator, a mediator or "
        "the lawyers draw up the agreement. Smaller means facilitated talks settle more. "
        "Assumption, range 0.1 to 0.5 (Brown & Ayres)."
    ),
    "conciliation.skill": N_(
        "How much better than average the conciliation judges are (0: average). It makes "
        "their evaluation of the merits more precise (times e to the skill). Assumption, "
        "range -1 to 1."
    ),
    "mediators.retired_judge.skill": N_(
        "How much better than average retired-judge mediators are (0: average), making their "
        "evaluation of the merits more precise. Assumption, range -1 to 1."
    ),
    "mediators.professional.skill": N_(
        "How much better than average professional mediators are (0: average), making their "
        "evaluation of the merits more precise. Assumption, range -1 to 1."
    ),
    "mediators.public.skill": N_(
        "How much better than average public mediators are (0: average), making their "
        "evaluation of the merits more precise. Assumption, range -1 to 1."
    ),
    "policies[pre_court].p_offer": N_(
        "Share of disputes whose parties learn of reconciliation before filing (assumption)."
    ),
    "policies[in_court].p_offer": N_(
        "Share of eligible claims offered conciliation when the claim is accepted (the "
        "court's duty, CPC ch. 17: all of them)."
    ),
    "policies[out_of_court].p_offer": N_(
        "Share of eligible cases offered mediation during the proceedings (assumption)."
    ),
    "start_day": N_("First simulated day the channel takes new cases."),
}

#: Said once above the bargaining levers when the scenario does not bargain.
NOT_BARGAINING = N_(
    "This scenario's settlements come from hand-set rates, not from the parties' "
    "bargaining: the greyed levers take effect when its bargaining is switched on."
)

CHANNEL_NAMES: dict[str, str] = {
    "pre_court": N_("Pre-court reconciliation"),
    "in_court": N_("In-court conciliation"),
    "out_of_court": N_("Out-of-court mediation during proceedings"),
}

#: Slider ranges of levers whose schema bounds are validation limits far wider than any
#: plausible value (a scenario whose value lies outside widens the range to include it):
#:
#: - optimism: the range of the Morris screen (docs/model.md §7.6a), self-serving bias of
#:   up to 20 points (schema: -1 to 1);
#: - lawyer's fee per session, noise of a session's signal, facilitated cost factor: the
#:   ranges their descriptions give (src/courtsim/schema/bargaining.py);
#: - cost of agreeing: its description's 0.1-0.3, around the value fitted in
#:   scenarios/baseline.yaml (0.2);
#: - skills: -1 to 1, a provider's evaluation between about a third and three times as
#:   precise as its kind's average (exp(skill); assumption: the schema's -5 to 5 would be
#:   150 times).
PLAUSIBLE: dict[str, tuple[float, float]] = {
    "litigants.optimism_mean": (0.0, 0.2),
    "bargaining.lawyer_fee_share_per_session": (0.01, 0.05),
    "bargaining.signal_sd": (0.6, 2.4),
    "bargaining.agreement_cost_share": (0.1, 0.3),
    "bargaining.facilitated_cost_factor": (0.1, 0.5),
    **dict.fromkeys(PROVIDERS, (-1.0, 1.0)),
}

_POLICY_KEY = re.compile(r"^policies\[(?P<type>[a-z_]+)\]\.(?P<field>[a-z_]+)$")
#: A field bounded on both sides becomes a slider when its range is at most this wide
#: (probabilities, propensities); wider ranges (a cap of 20 million filings) get a number box,
#: where a slider would put every realistic value at its left end.
_MAX_SLIDER_RANGE = 20.0


@dataclass(frozen=True)
class Lever:
    """One control of the explorer.

    Attributes:
        key: Dotted key (``judges.count``) or channel field (``policies[in_court].p_offer``).
        label: What the control is called on the page (English).
        parts: The catalog messages the label is made of, joined by ": " (a channel's
            name and its field's name), so the page can show it in any language.
        kind: ``int`` or ``float``.
        control: ``slider`` (both bounds, a modest range) or ``input`` (a number box).
        minimum: Lower bound from the schema, if any.
        maximum: Upper bound from the schema, if any.
        step: Step of the control.
        value: Current value in the loaded scenario (or the schema default).
        help: The schema's description of the field.
        channel: The channel type for channel fields, else None.
        tooltip: The catalog message explaining the lever (translated where shown), or
            empty (then ``help`` is shown).
        disabled: True when the lever changes nothing in this scenario (a bargaining
            lever of a scenario that does not bargain): shown greyed out.
    """

    key: str
    label: str
    kind: Literal["int", "float"]
    control: Literal["slider", "input"]
    minimum: float | None
    maximum: float | None
    step: float
    value: float
    help: str
    channel: str | None = None
    parts: tuple[str, ...] = ()
    tooltip: str = ""
    disabled: bool = False


@functools.lru_cache(maxsize=1)
def scenario_schema() -> dict[str, Any]:
    """Return ``Scenario.model_json_schema()`` (computed once)."""
    return Scenario.model_json_schema()


def _deref(schema: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        node = schema["$defs"][node["$ref"].rsplit("/", 1)[-1]]
    if "allOf" in node and len(node["allOf"]) == 1:  # pydantic wraps refs with defaults
        return _deref(schema, {**node["allOf"][0]})
    return node


def field_bounds(key: str) -> tuple[float | None, float | None]:
    """Return the schema's (minimum, maximum) of a plain dotted key (None where unbounded).

    Args:
        key: E.g. ``horizon_days``.

    Returns:
        The bounds.
    """
    f, _ = _field_schema(scenario_schema(), key)
    if f is None:
        return None, None
    return _bound(f, "minimum", "exclusiveMinimum"), _bound(f, "maximum", "exclusiveMaximum")


def channel_types(schema: dict[str, Any] | None = None) -> list[str]:
    """Return the reconciliation channel types the schema knows (``policies[].type``).

    Args:
        schema: A scenario JSON schema (default: the installed one).

    Returns:
        Channel type names, e.g. ``["pre_court", "in_court", "out_of_court"]``; empty when
        the schema has no ``policies``.
    """
    schema = schema or scenario_schema()
    return list(_channel_defs(schema))


def _channel_defs(schema: dict[str, Any]) -> dict[str, dict[str, Any]]:
    pol = schema.get("properties", {}).get("policies")
    if pol is None:
        return {}
    items = _deref(schema, pol).get("items", {})
    options = items.get("oneOf") or items.get("anyOf") or [items]
    out: dict[str, dict[str, Any]] = {}
    for opt in options:
        d = _deref(schema, opt)
        t = d.get("properties", {}).get("type", {})
        name = t.get("const") or (t.get("enum") or [None])[0]
        if name:
            out[str(name)] = d
    return out


def _field_schema(schema: dict[str, Any], key: str) -> tuple[dict[str, Any] | None, str | None]:
    m = _POLICY_KEY.match(key)
    if m:
        d = _channel_defs(schema).get(m["type"])
        if d is None:
            return None, None
        f = d.get("properties", {}).get(m["field"])
        return (_deref(schema, f) if f else None), m["type"]
    node: dict[str, Any] = schema
    for part in key.split("."):
        props = _deref(schema, node).get("properties", {})
        if part not in props:
            return None, None
        node = props[part]
    return {**_deref(schema, node), **{k: v for k, v in node.items() if k != "$ref"}}, None


def _get_dotted(data: dict[str, Any], key: str) -> Any:
    node: Any = data
    for part in key.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def _policy(data: dict[str, Any], channel: str) -> dict[str, Any] | None:
    for p in data.get("policies") or ():
        if isinstance(p, dict) and p.get("type") == channel:
            return p
    return None


def _bound(f: dict[str, Any], inclusive: str, exclusive: str) -> float | None:
    if inclusive in f:
        return float(f[inclusive])
    if exclusive in f:
        return float(f[exclusive])
    return None


def levers_for(scenario: Scenario, schema: dict[str, Any] | None = None) -> list[Lever]:
    """Return the levers to show for a scenario, with their current values.

    A plain key is shown when the schema and the scenario both have it; a channel field
    when the schema knows the channel (its value is the scenario's, or the schema
    default when the channel is off).

    Args:
        scenario: The loaded scenario.
        schema: A scenario JSON schema (default: the installed one).

    Returns:
        The levers, in :data:`LEVER_KEYS` order.
    """
    schema = schema or scenario_schema()
    data = scenario.as_dict()
    bargains = _bargains(schema, data)
    out = []
    for key in LEVER_KEYS:
        f, channel = _field_schema(schema, key)
        if f is None or f.get("type") not in ("integer", "number"):
            continue
        if key in PROVIDERS and not any(_number_of(schema, data, k) for k in PROVIDERS[key]):
            continue  # no such providers: their skill would change nothing
        if channel is None:
            value = _current(schema, data, key, f)
        else:
            pol = _policy(data, channel)
            field = key.rsplit(".", 1)[1]
            value = pol.get(field) if pol else None
            if value is None:
                value = f.get("default")
        if not isinstance(value, int | float) or isinstance(value, bool):
            continue
        kind: Literal["int", "float"] = "int" if f["type"] == "integer" else "float"
        lo = _bound(f, "minimum", "exclusiveMinimum")
        hi = _bound(f, "maximum", "exclusiveMaximum")
        if key in PLAUSIBLE:
            p_lo, p_hi = PLAUSIBLE[key]
            lo = max(min(p_lo, float(value)), lo if lo is not None else -math.inf)
            hi = min(max(p_hi, float(value)), hi if hi is not None else math.inf)
        if kind == "int":
            step = 1.0
        elif lo is not None and hi is not None:
            step = 10 ** math.floor(math.log10((hi - lo) / 100)) if hi > lo else 0.01
        else:
            step = 10 ** max(0, math.floor(math.log10(abs(value)))) / 10 if value else 0.1
        span = hi - lo if lo is not None and hi is not None else math.inf
        control: Literal["slider", "input"] = "slider" if span <= _MAX_SLIDER_RANGE else "input"
        field = key.rsplit(".", 1)[1]
        if channel is not None:
            parts = (CHANNEL_NAMES.get(channel, channel), LABELS.get(field, field))
        else:
            parts = (LABELS.get(key) or str(f.get("title", key)),)
        label = ": ".join(parts)
        out.append(
            Lever(
                key=key,
                label=label,
                kind=kind,
                control=control,
                minimum=lo,
                maximum=hi,
                step=step,
                value=float(value),
                help=str(f.get("description", "")),
                channel=channel,
                parts=parts,
                tooltip=TOOLTIPS.get(key) or (TOOLTIPS.get(field, "") if channel else ""),
                disabled=key.startswith(BARGAINING_PREFIX) and not bargains,
            )
        )
    return out


def _current(schema: dict[str, Any], data: dict[str, Any], key: str, f: dict[str, Any]) -> Any:
    # A section left at its defaults is absent from the scenario's dump (bargaining).
    value = _get_dotted(data, key)
    return f.get("default") if value is None else value


def _number_of(schema: dict[str, Any], data: dict[str, Any], key: str) -> float:
    f, _ = _field_schema(schema, key)
    value = _current(schema, data, key, f) if f is not None else None
    return float(value) if isinstance(value, int | float) else 0.0


def _bargains(schema: dict[str, Any], data: dict[str, Any]) -> bool:
    """Whether the scenario's settlements come from the parties' bargaining."""
    f, _ = _field_schema(schema, BARGAINING_SWITCH)
    if f is None:  # no switch: bargaining is the only model
        return True
    return bool(_current(schema, data, BARGAINING_SWITCH, f))


def channels_on(scenario: Scenario) -> list[str]:
    """Return the channel types switched on in a scenario (``policies[].type``)."""
    return [str(p["type"]) for p in scenario.as_dict().get("policies") or () if "type" in p]


def apply_levers(
    scenario: Scenario,
    values: dict[str, Any],
    channels: list[str] | None = None,
    source: str = "dashboard levers",
    schema: dict[str, Any] | None = None,
) -> Scenario:
    """Return the scenario with lever values set and channels switched on or off.

    Values are coerced to the field's type (a whole-number field refuses 2.5); a value
    equal to the scenario's is left alone. The result is validated like a file, so an
    impossible combination raises the same clear error.

    Args:
        scenario: The loaded scenario.
        values: Lever key -> value (``None`` leaves the value as it is).
        channels: Channel types to keep on (others are removed; a new one starts from the
            schema defaults). ``None`` leaves the channels as they are.
        source: Where the values came from, for error messages.
        schema: A scenario JSON schema (default: the installed one).

    Returns:
        The new scenario.

    Raises:
        ScenarioError: A value is not a number, or the result is not a valid scenario.
    """
    schema = schema or scenario_schema()
    data = scenario.as_dict()
    if channels is not None and "policies" in data:
        kept = [p for p in data.get("policies") or () if p.get("type") in channels]
        have = {p.get("type") for p in kept}
        kept += [{"type": c} for c in channels if c not in have]
        data["policies"] = kept
    for key, raw in values.items():
        if raw is None or raw == "":
            continue
        f, channel = _field_schema(schema, key)
        if f is None:
            raise ScenarioError(_("this lever does not exist in the scenario schema"), field=key)
        try:
            num = float(raw)
        except (TypeError, ValueError):
            raise ScenarioError(
                _("'{value}' is not a number").format(value=raw), source=source, field=key
            ) from None
        if f.get("type") == "integer":
            if not num.is_integer():
                raise ScenarioError(
                    _("must be a whole number (got {value})").format(value=raw),
                    source=source,
                    field=key,
                )
            value: int | float = int(num)
        else:
            value = num
        if channel is None:
            if value == _current(schema, data, key, f):
                continue  # unchanged: a section left at its defaults stays out of the dump
            node = data
            *parents, last = key.split(".")
            for part in parents:
                node = node.setdefault(part, {})
            node[last] = value
        else:
            pol = _policy(data, channel)
            if pol is not None:  # a switched-off channel's fields are ignored
                pol[key.rsplit(".", 1)[1]] = value
    return validate_scenario(data, source=source)
