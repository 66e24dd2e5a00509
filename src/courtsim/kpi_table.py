"""Plain-text KPI table for the terminal: labels and units a reader understands."""

from __future__ import annotations

import math
from typing import Any

from courtsim.i18n import N_, _, number

#: Display units, marked for the catalog ("%" and "0-1" read the same in every language).
UNITS = (
    N_("cases"),
    N_("days"),
    N_("KZT"),
    N_("hours"),
    N_("disputes"),
    N_("per year"),
    N_("sessions"),
    N_("settings"),
)


def unit_text(unit: str) -> str:
    """Return a unit in the language in force ("days" -> "дн.")."""
    return _(unit) if unit in UNITS else unit


#: (key, label, unit, format) in print order; sections start with a ``None`` key.
KPI_LINES: tuple[tuple[str | None, str, str, str], ...] = (
    (None, N_("Caseload (CEPEJ)"), "", ""),
    ("incoming", N_("Incoming claims"), "cases", "{:,.0f}"),
    ("resolved", N_("Resolved (incl. returned claims)"), "cases", "{:,.0f}"),
    ("pending_start", N_("Pending at start of window"), "cases", "{:,.0f}"),
    ("pending_end", N_("Pending at end"), "cases", "{:,.0f}"),
    ("clearance_rate", N_("Clearance rate"), "%", "{:.1f}"),
    ("disposition_time_days", N_("Disposition time (365 x pending / resolved)"), "days", "{:.1f}"),
    (None, N_("Time to disposition (CourTools 3, disposed cases)"), "", ""),
    ("ttd_mean_days", N_("Mean"), "days", "{:.1f}"),
    ("ttd_median_days", N_("Median"), "days", "{:.1f}"),
    ("ttd_p90_days", N_("90th percentile"), "days", "{:.1f}"),
    ("share_within_30_days", N_("Within 30 days"), "%", "pct"),
    ("share_within_60_days", N_("Within 60 days"), "%", "pct"),
    ("share_within_90_days", N_("Within 90 days"), "%", "pct"),
    ("share_within_statutory_limit", N_("Within the CPC art. 183 limit"), "%", "pct"),
    (None, N_("Pending caseload at end (CourTools 4)"), "", ""),
    ("pending_age_mean_days", N_("Mean age"), "days", "{:.1f}"),
    ("backlog_cases", N_("Backlog: pending beyond the statutory limit"), "cases", "{:,.0f}"),
    ("backlog_share", N_("Backlog share of pending"), "%", "pct"),
    (None, N_("Outcomes (share of disposed cases)"), "", ""),
    ("share_judgment", N_("Judgment"), "%", "pct"),
    ("share_settled", N_("Settled (all channels)"), "%", "pct"),
    ("share_withdrawal", N_("Withdrawn"), "%", "pct"),
    ("share_returned", N_("Claims returned (share of resolved)"), "%", "pct"),
    ("appeal_rate_judgments", N_("Judgments appealed"), "%", "pct"),
    ("appeal_rate_settlements", N_("Settlements appealed"), "%", "pct"),
    (None, N_("Reconciliation (share of disposed cases, by channel)"), "", ""),
    ("share_settlement", N_("Settlement agreement approved by the trial judge"), "%", "pct"),
    ("share_settled_conciliation", N_("Conciliation at acceptance"), "%", "pct"),
    ("share_settled_mediation", N_("Mediation during proceedings"), "%", "pct"),
    ("share_settled_participatory", N_("Participatory procedure (lawyers)"), "%", "pct"),
    ("settled_pre_court", N_("Disputes settled before filing"), "disputes", "{:,.0f}"),
    (
        "reconciliation_share_incl_pre_court",
        N_("Reconciled, counting pre-court settlements"),
        "%",
        "pct",
    ),
    (
        "declined_conciliation",
        N_("Conciliation referrals declined (no free judge)"),
        "cases",
        "{:,.0f}",
    ),
    (
        "declined_mediation",
        N_("Mediation referrals declined (no free mediator)"),
        "cases",
        "{:,.0f}",
    ),
    (None, N_("Sessions in the judges' calendars"), "", ""),
    ("sessions_per_judge_month", N_("Sessions held per judge per month"), "sessions", "{:.1f}"),
    ("lead_time_mean_days", N_("Lead time from booking to session"), "days", "{:.1f}"),
    ("adjournment_rate", N_("Sessions adjourned"), "%", "pct"),
    ("trial_date_certainty", N_("Trial date certainty (CourTools 5)"), "settings", "{:.2f}"),
    ("share_in_absentia", N_("Judgments in absentia"), "%", "pct"),
    (
        "sessions_saved",
        N_("Sessions saved by settlements and withdrawals"),
        "sessions",
        "{:,.0f}",
    ),
    ("pending_per_judge", N_("Pending per judge at end"), "cases", "{:.1f}"),
    ("refiled", N_("Returned claims refiled"), "cases", "{:,.0f}"),
    ("enforcement_cases", N_("Sent to enforcement proceedings"), "cases", "{:,.0f}"),
    (None, N_("Appeal instance"), "", ""),
    ("appeals_received", N_("Appeals received"), "cases", "{:,.0f}"),
    ("appeal_clearance_rate", N_("Appeal clearance rate"), "%", "{:.1f}"),
    ("appeal_disposition_time_days", N_("Appeal disposition time"), "days", "{:.1f}"),
    ("appeal_share_corrected", N_("Appealed decisions corrected"), "%", "pct"),
    (None, N_("Resources and cost (CourTools 10)"), "", ""),
    ("slot_utilisation", N_("Judges' session slots used"), "%", "pct"),
    ("judge_utilisation", N_("Judges' desk hours used"), "%", "pct"),
    ("utilisation_conciliation_judges", N_("Conciliation judge utilisation"), "%", "pct"),
    ("utilisation_mediators_retired_judge", N_("Retired-judge mediator utilisation"), "%", "pct"),
    ("utilisation_mediators_professional", N_("Professional mediator utilisation"), "%", "pct"),
    ("utilisation_mediators_public", N_("Public mediator utilisation"), "%", "pct"),
    ("judge_hours_saved", N_("Trial judges' hours saved by settlements"), "hours", "{:,.0f}"),
    ("cost_court_per_case_kzt", N_("Court cost per resolved case"), "KZT", "{:,.0f}"),
    ("cost_parties_per_case_kzt", N_("Parties' cost per disposed case"), "KZT", "{:,.0f}"),
    ("mean_trust_end", N_("Litigants' mean trust in conciliation at end"), "0-1", "{:.2f}"),
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
        label = _(label)
        if key is None:
            lines.append(f"\n{label}")
            continue
        if key not in kpis:
            continue
        v = kpis[key]
        missing = v is None or (isinstance(v, float) and math.isnan(v))
        if missing and skip_unused and key.startswith("utilisation_"):
            continue
        if missing:
            txt = _("n/a")
        elif fmt == "pct":
            txt = number(100 * v, 1)
        else:
            txt = number(v, 2 if ".2f" in fmt else 1 if ".1f" in fmt else 0)
        lines.append(f"  {label:<48} {txt:>12} {unit_text(unit)}")
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
