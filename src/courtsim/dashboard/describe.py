"""Plain-language descriptions of scenarios and results, for reports and the dashboard."""

from __future__ import annotations

from typing import Any

from courtsim.dashboard.levers import CHANNEL_NAMES
from courtsim.i18n import N_, _, date, number
from courtsim.schema.scenario import Scenario

#: KPIs a briefing leads with, in order.
KEY_METRICS: tuple[str, ...] = (
    "clearance_rate",
    "disposition_time_days",
    "ttd_median_days",
    "share_within_statutory_limit",
    "backlog_cases",
    "share_settled",
    "cost_court_per_case_kzt",
    "cost_parties_per_case_kzt",
)


#: KPIs whose comparison sentences a briefing shows, per pilot, in order.
SENTENCE_METRICS: tuple[str, ...] = (
    "disposition_time_days",
    "ttd_median_days",
    "share_within_statutory_limit",
    "share_settled",
    "settled_pre_court",
    "pending_end",
    "cost_court_per_case_kzt",
    "cost_parties_per_case_kzt",
)


#: The case types of the shipped scenarios, as a reader calls them (a scenario's own
#: case types are shown by their keys, as its author wrote them).
CASE_TYPE_NAMES: dict[str, str] = {
    "general": N_("general civil claims"),
    "alimony": N_("alimony"),
    "consumer": N_("consumer disputes"),
    "debt_loan": N_("debts and loans"),
    "undisputed_debt": N_("undisputed debts"),
    "family": N_("family disputes"),
    "housing": N_("housing disputes"),
    "labour": N_("labour disputes"),
    "property": N_("property disputes"),
    "other": N_("other claims"),
}


def case_type_name(key: str) -> str:
    """Return a case type's name in the language in force (its key when not a shipped one)."""
    return _(CASE_TYPE_NAMES[key]) if key in CASE_TYPE_NAMES else key.replace("_", " ")


def _channel_sentence(data: dict[str, Any], pol: dict[str, Any]) -> str:
    t = str(pol.get("type"))
    name = _(CHANNEL_NAMES[t]) if t in CHANNEL_NAMES else t.replace("_", " ")
    parts = [_("{channel} from day {day}").format(channel=name, day=pol.get("start_day", 0))]
    if "p_offer" in pol:
        parts.append(
            _("offered to {pct}% of eligible cases").format(
                pct=number(100 * float(pol["p_offer"]), 0)
            )
        )
    if t == "in_court":
        n = (data.get("conciliation") or {}).get("judges_per_court")
        if n is not None:
            parts.append(_("conciliation judges per court: {n}").format(n=number(n, 0)))
    if pol.get("case_types"):
        types = ", ".join(str(c).replace("_", " ") for c in pol["case_types"])
        parts.append(_("for {case_types}").format(case_types=types))
    return ", ".join(parts)


def describe_scenario(sc: Scenario) -> list[str]:
    """Describe a scenario in a few sentences a non-modeller follows.

    Args:
        sc: The scenario.

    Returns:
        Sentences: what it is, its size and horizon, its case mix, its pilots.
    """
    data = sc.as_dict()
    out = []
    desc = " ".join(str(sc.description).split())
    out.append(f"{sc.name}: {desc}" if desc else _("Scenario {name}.").format(name=sc.name))
    out.append(
        _(
            "Courts: {courts}, civil judges: {judges}, about {claims} new claims a year; "
            "simulated for {days} days from {start}; KPIs cover days {first}-{last}."
        ).format(
            courts=number(len(sc.courts), 0),
            judges=number(sc.judges.count, 0),
            claims=number(sc.filings.per_year, 0),
            days=number(sc.horizon_days, 0),
            start=date(sc.start_date),
            first=sc.reporting.warmup_days + 1,
            last=sc.horizon_days,
        )
    )
    mix = sorted(sc.case_types.items(), key=lambda kv: -kv[1].share)[:4]
    types = ", ".join(f"{case_type_name(k)} {number(100 * v.share, 0)}%" for k, v in mix)
    out.append(_("Largest case types: {case_types}.").format(case_types=types))
    pols = [p for p in data.get("policies") or () if isinstance(p, dict)]
    if pols:
        channels = "; ".join(_channel_sentence(data, p) for p in pols)
        out.append(_("Reconciliation channels: {channels}.").format(channels=channels))
    else:
        out.append(
            _(
                "No reconciliation pilot: cases settle only by agreement approved by the trial judge."
            )
        )
    return out


def _flatten(d: Any, prefix: str = "") -> dict[str, Any]:
    if isinstance(d, dict):
        out: dict[str, Any] = {}
        for k, v in d.items():
            out.update(_flatten(v, f"{prefix}{k}."))
        return out
    if isinstance(d, list | tuple) and d and all(isinstance(x, dict) and "type" in x for x in d):
        out = {}
        for x in d:
            out.update(
                _flatten({k: v for k, v in x.items() if k != "type"}, f"{prefix}{x['type']}.")
            )
        return out
    return {prefix.rstrip("."): d}


def scenario_differences(base: Scenario, other: Scenario, limit: int = 12) -> list[str]:
    """List the values in which a scenario differs from the baseline, as ``key: a -> b``.

    Args:
        base: The baseline.
        other: The scenario compared with it.
        limit: Most differences listed (a final line counts the rest).

    Returns:
        One line per differing value (name and description left out).
    """
    a = _flatten(base.as_dict())
    b = _flatten(other.as_dict())
    keys = [
        k
        for k in dict.fromkeys([*a, *b])
        if k not in ("name", "description") and a.get(k, "(absent)") != b.get(k, "(absent)")
    ]
    lines = [f"{k}: {a.get(k, '(absent)')} -> {b.get(k, '(absent)')}" for k in keys[:limit]]
    if len(keys) > limit:
        lines.append(f"... and {len(keys) - limit} more")
    return lines
