"""Plain-text KPI table for the terminal: labels and units a reader understands."""

from __future__ import annotations

import math
from typing import Any

#: (key, label, unit, format) in print order; sections start with a ``None`` key.
KPI_LINES: tuple[tuple[str | None, str, str, str], ...] = (
    (None, "Caseload (CEPEJ)", "", ""),
    ("incoming", "Incoming claims", "cases", "{:,.0f}"),
    ("resolved", "Resolved (incl. returned claims)", "cases", "{:,.0f}"),
    ("pending_start", "Pending at start of window", "cases", "{:,.0f}"),
    ("pending_end", "Pending at end", "cases", "{:,.0f}"),
    ("clearance_rate", "Clearance rate", "%", "{:.1f}"),
    ("disposition_time_days", "Disposition time (365 x pending / resolved)", "days", "{:.1f}"),
    (None, "Time to disposition (CourTools 3, disposed cases)", "", ""),
    ("ttd_mean_days", "Mean", "days", "{:.1f}"),
    ("ttd_median_days", "Median", "days", "{:.1f}"),
    ("ttd_p90_days", "90th percentile", "days", "{:.1f}"),
    ("share_within_30_days", "Within 30 days", "%", "pct"),
    ("share_within_60_days", "Within 60 days", "%", "pct"),
    ("share_within_90_days", "Within 90 days", "%", "pct"),
    ("share_within_statutory_limit", "Within the CPC art. 183 limit", "%", "pct"),
    (None, "Pending caseload at end (CourTools 4)", "", ""),
    ("pending_age_mean_days", "Mean age", "days", "{:.1f}"),
    ("backlog_cases", "Backlog: pending beyond the statutory limit", "cases", "{:,.0f}"),
    ("backlog_share", "Backlog share of pending", "%", "pct"),
    (None, "Outcomes (share of disposed cases)", "", ""),
    ("share_judgment", "Judgment", "%", "pct"),
    ("share_settled", "Settled (all channels)", "%", "pct"),
    ("share_withdrawal", "Withdrawn", "%", "pct"),
    ("share_returned", "Claims returned (share of resolved)", "%", "pct"),
    ("appeal_rate_judgments", "Judgments appealed", "%", "pct"),
    ("appeal_rate_settlements", "Settlements appealed", "%", "pct"),
    (None, "Reconciliation (share of disposed cases, by channel)", "", ""),
    ("share_settlement", "Settlement agreement approved by the trial judge", "%", "pct"),
    ("share_settled_conciliation", "Conciliation at acceptance", "%", "pct"),
    ("share_settled_mediation", "Mediation during proceedings", "%", "pct"),
    ("share_settled_participatory", "Participatory procedure (lawyers)", "%", "pct"),
    ("settled_pre_court", "Disputes settled before filing", "disputes", "{:,.0f}"),
    (
        "reconciliation_share_incl_pre_court",
        "Reconciled, counting pre-court settlements",
        "%",
        "pct",
    ),
    (
        "declined_conciliation",
        "Conciliation referrals declined (no free judge)",
        "cases",
        "{:,.0f}",
    ),
    ("declined_mediation", "Mediation referrals declined (no free mediator)", "cases", "{:,.0f}"),
    (None, "Sessions in the judges' calendars", "", ""),
    ("sessions_per_judge_month", "Sessions held per judge per month", "sessions", "{:.1f}"),
    ("lead_time_mean_days", "Lead time from booking to session", "days", "{:.1f}"),
    ("adjournment_rate", "Sessions adjourned", "%", "pct"),
    ("trial_date_certainty", "Trial date certainty (CourTools 5)", "settings", "{:.2f}"),
    ("share_in_absentia", "Judgments in absentia", "%", "pct"),
    ("sessions_saved", "Sessions saved by settlements and withdrawals", "sessions", "{:,.0f}"),
    ("pending_per_judge", "Pending per judge at end", "cases", "{:.1f}"),
    ("refiled", "Returned claims refiled", "cases", "{:,.0f}"),
    ("enforcement_cases", "Sent to enforcement proceedings", "cases", "{:,.0f}"),
    (None, "Appeal instance", "", ""),
    ("appeals_received", "Appeals received", "cases", "{:,.0f}"),
    ("appeal_clearance_rate", "Appeal clearance rate", "%", "{:.1f}"),
    ("appeal_disposition_time_days", "Appeal disposition time", "days", "{:.1f}"),
    ("appeal_share_corrected", "Appealed decisions corrected", "%", "pct"),
    (None, "Resources and cost (CourTools 10)", "", ""),
    ("slot_utilisation", "Judges' session slots used", "%", "pct"),
    ("judge_utilisation", "Judges' desk hours used", "%", "pct"),
    ("utilisation_conciliation_judges", "Conciliation judge utilisation", "%", "pct"),
    ("utilisation_mediators_retired_judge", "Retired-judge mediator utilisation", "%", "pct"),
    ("utilisation_mediators_professional", "Professional mediator utilisation", "%", "pct"),
    ("utilisation_mediators_public", "Public mediator utilisation", "%", "pct"),
    ("judge_hours_saved", "Trial judges' hours saved by settlements", "hours", "{:,.0f}"),
    ("cost_court_per_case_kzt", "Court cost per resolved case", "KZT", "{:,.0f}"),
    ("cost_parties_per_case_kzt", "Parties' cost per disposed case", "KZT", "{:,.0f}"),
    ("mean_trust_end", "Litigants' mean trust in conciliation at end", "0-1", "{:.2f}"),
)


def format_kpis(kpis: dict[str, float], title: str = "", skip_unused: bool = True) -> str:
    """Return the KPI table as text.

    Args:
        kpis: KPI values.
        title: First line.
        skip_unused: Leave out channel and actor lines that are NaN (no such actor or
            channel in the scenario).

    Returns:
        The table.
    """
    lines = [title] if title else []
    for key, label, unit, fmt in KPI_LINES:
        if key is None:
            lines.append(f"\n{label}")
            continue
        if key not in kpis:
            continue
        v = kpis[key]
        missing = v is None or (isinstance(v, float) and math.isnan(v))
        if missing and skip_unused and key.startswith("utilisation_"):
            continue
        lines.append(f"  {label:<48} {_format_value(v, fmt):>12} {unit}")
    return "\n".join(lines)


def _format_value(v: float | None, fmt: str) -> str:
    """Format one KPI value: ``fmt`` is a format string, or "pct" for a share shown in %."""
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "n/a"
    return f"{100 * v:.1f}" if fmt == "pct" else fmt.format(v)


#: Columns of the one-line-per-region table (``courtsim run --by-region``).
REGION_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("judges", "judges", "{:,.0f}"),
    ("incoming", "incoming", "{:,.0f}"),
    ("incoming_per_judge_per_year", "in/judge/yr", "{:,.0f}"),
    ("resolved", "resolved", "{:,.0f}"),
    ("pending_end", "pending", "{:,.0f}"),
    ("pending_per_judge", "pend/judge", "{:.1f}"),
    ("clearance_rate", "CR %", "{:.1f}"),
    ("disposition_time_days", "DT days", "{:.1f}"),
    ("ttd_mean_days", "TTD mean", "{:.1f}"),
    ("share_within_60_days", "≤60d %", "pct"),
    ("share_settled", "settled %", "pct"),
    ("backlog_share", "backlog %", "pct"),
)


def format_region_table(df: Any, title: str = "") -> str:
    """Return the per-region KPIs as a text table, one line per region.

    Args:
        df: ``Result.region_kpis`` (index ``region``).
        title: First line.

    Returns:
        The table.
    """
    width = max([len("region"), *(len(str(r)) for r in df.index)])
    head = f"{'region':<{width}}" + "".join(f" {label:>12}" for _, label, _ in REGION_COLUMNS)
    lines = [title, "", head] if title else [head]
    for region, row in df.iterrows():
        cells = [
            f" {_format_value(row.get(key, math.nan), fmt):>12}" for key, _, fmt in REGION_COLUMNS
        ]
        lines.append(f"{region!s:<{width}}" + "".join(cells))
    return "\n".join(lines)
