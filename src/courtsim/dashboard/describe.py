"""Plain-language descriptions of scenarios and results, for reports and the dashboard."""

from __future__ import annotations

from typing import Any

from courtsim.dashboard.levers import CHANNEL_NAMES
from courtsim.scenario import Scenario

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


def _plural(n: float, word: str) -> str:
    return f"{n:,.0f} {word}" + ("" if round(n) == 1 else "s")


def _channel_sentence(data: dict[str, Any], pol: dict[str, Any]) -> str:
    t = str(pol.get("type"))
    name = CHANNEL_NAMES.get(t, t.replace("_", " "))
    parts = [f"{name} from day {pol.get('start_day', 0)}"]
    if "p_offer" in pol:
        parts.append(f"offered to {100 * float(pol['p_offer']):.0f}% of eligible cases")
    if t == "in_court":
        n = (data.get("conciliation") or {}).get("judges_per_court")
        if n is not None:
            parts.append(_plural(n, "conciliation judge") + " per court")
    if pol.get("case_types"):
        parts.append("for " + ", ".join(str(c).replace("_", " ") for c in pol["case_types"]))
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
    out.append(f"{sc.name}: {desc}" if desc else f"Scenario {sc.name}.")
    courts = len(sc.courts)
    out.append(
        f"{_plural(courts, 'court')} with {_plural(sc.judges.count, 'civil judge')} receiving "
        f"about {sc.filings.per_year:,.0f} new claims a year, simulated for "
        f"{sc.horizon_days:,} days from {sc.start_date:%d %B %Y}; KPIs cover days "
        f"{sc.reporting.warmup_days + 1}-{sc.horizon_days}."
    )
    mix = sorted(sc.case_types.items(), key=lambda kv: -kv[1].share)[:4]
    out.append(
        "Largest case types: "
        + ", ".join(f"{k.replace('_', ' ')} {100 * v.share:.0f}%" for k, v in mix)
        + "."
    )
    pols = [p for p in data.get("policies") or () if isinstance(p, dict)]
    if pols:
        out.append(
            "Reconciliation channels: " + "; ".join(_channel_sentence(data, p) for p in pols) + "."
        )
    else:
        out.append(
            "No reconciliation pilot: cases settle only by agreement approved by the trial judge."
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
