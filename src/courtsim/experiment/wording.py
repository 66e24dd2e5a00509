"""Plain-language sentences for KPI differences, e.g. "... lowers the backlog by 18% (...)"."""

from __future__ import annotations

import math

from courtsim.i18n import N_, _, number

#: How a KPI reads inside a sentence. KPIs missing here read as their name.
KPI_PHRASES: dict[str, str] = {
    "incoming": N_("incoming claims"),
    "resolved": N_("resolved cases"),
    "disposed": N_("disposed cases"),
    "pending_start": N_("pending cases at the start of the window"),
    "pending_end": N_("pending cases at the end of the run"),
    "clearance_rate": N_("the clearance rate"),
    "disposition_time_days": N_("the disposition time (CEPEJ)"),
    "case_turnover_ratio": N_("the case turnover ratio"),
    "ttd_mean_days": N_("the mean time to disposition"),
    "ttd_median_days": N_("the median time to disposition"),
    "ttd_p90_days": N_("the 90th percentile of time to disposition"),
    "share_within_30_days": N_("the share of cases disposed within 30 days"),
    "share_within_60_days": N_("the share of cases disposed within 60 days"),
    "share_within_90_days": N_("the share of cases disposed within 90 days"),
    "share_within_statutory_limit": N_("the share of cases disposed within the statutory limit"),
    "pending_age_mean_days": N_("the mean age of pending cases"),
    "pending_age_median_days": N_("the median age of pending cases"),
    "backlog_cases": N_("the backlog (cases pending beyond the statutory limit)"),
    "backlog_share": N_("the backlog's share of pending cases"),
    "share_judgment": N_("the share of cases ending in a judgment"),
    "share_settled": N_("the share of cases settled"),
    "share_settlement": N_("the share of cases settled by agreement before the judge"),
    "share_settled_conciliation": N_("the share of cases settled in conciliation"),
    "share_settled_mediation": N_("the share of cases settled in mediation"),
    "share_settled_participatory": N_("the share of cases settled by participatory procedure"),
    "share_withdrawal": N_("the share of claims withdrawn"),
    "share_returned": N_("the share of claims returned"),
    "settled_pre_court": N_("disputes settled before court"),
    "appeal_rate_judgments": N_("the share of judgments appealed"),
    "appeal_rate_settlements": N_("the share of settlements appealed"),
    "judge_utilisation": N_("judge utilisation"),
    "cost_court_per_case_kzt": N_("the court's cost per case"),
    "cost_parties_per_case_kzt": N_("the parties' cost per case"),
    "cost_total_per_case_kzt": N_("the total cost per case"),
}

#: KPIs in percent (0-100): their differences read in points.
PERCENT_KPIS = frozenset({"clearance_rate"})


def is_fraction(metric: str) -> bool:
    """Return whether a KPI is a fraction (0-1), whose differences read in percentage points.

    Args:
        metric: KPI name.

    Returns:
        True for ``share_*``, ``*_share``, ``*_rate_*`` shares and utilisations.
    """
    if metric in PERCENT_KPIS:
        return False
    return (
        metric.startswith(
            (
                "share_",
                "appeal_rate_",
                "pending_age_share_",
                "success_rate_",
                "reconciliation_share",
            )
        )
        or metric.endswith(("_share", "_utilisation", "utilisation"))
        or metric.startswith("p_")
    )


def phrase(metric: str) -> str:
    """Return how a KPI reads in a sentence.

    Args:
        metric: KPI name.

    Returns:
        A phrase such as "the backlog (cases pending beyond the statutory limit)".
    """
    if metric in KPI_PHRASES:
        return _(KPI_PHRASES[metric])
    return metric.replace("_", " ")


def _num(x: float) -> str:
    return number(x, 0 if abs(x) >= 10 else 1)


def scenario_subject(name: str) -> str:
    """Return how an unlabelled scenario is named in a sentence: "Scenario 'in_court'"."""
    return _("Scenario '{name}'").format(name=name)


def difference_sentence(
    subject: str,
    metric: str,
    diff_mean: float,
    diff_ci: tuple[float, float],
    rel_mean: float,
    rel_ci: tuple[float, float],
    confidence: float = 0.95,
) -> str:
    """Return one plain-language sentence for a paired KPI difference.

    Fractions read in percentage points, percentages (the clearance rate) in points,
    everything else as a relative change when the baseline mean is not zero (and the
    relative interval agrees with the difference's), else in the KPI's own unit. When the
    difference's interval contains zero, the sentence says the difference is not clear.

    Args:
        subject: Who acts, e.g. "In-court conciliation" or "Scenario 'in_court'".
        metric: KPI name.
        diff_mean: Mean paired difference (scenario - baseline), KPI units.
        diff_ci: Its confidence interval.
        rel_mean: Relative difference (fraction of the baseline mean).
        rel_ci: Its confidence interval.
        confidence: Level of the intervals (0-1).

    Returns:
        For example "In-court conciliation lowers pending cases at the end of the run by
        18% (95% CI 15% to 21%)."
    """
    what = phrase(metric)
    level = _("{level}% CI").format(level=round(confidence * 100))
    if any(math.isnan(v) for v in (diff_mean, *diff_ci)):
        if diff_mean == 0:
            return _("{subject} leaves {what} unchanged.").format(subject=subject, what=what)
        return _("{subject}: {what} cannot be compared (undefined in too many runs).").format(
            subject=subject, what=what
        )
    if diff_mean == 0 and diff_ci == (0.0, 0.0):
        return _("{subject} leaves {what} unchanged (no difference in any replicate).").format(
            subject=subject, what=what
        )
    # Whether the difference is clear is read from the paired difference's interval. The
    # relative interval (delta method) is shown only when it agrees; it does not when the
    # baseline mean is a few rare events (a backlog of 0 or 2 cases), where it degenerates.
    unclear = diff_ci[0] <= 0 <= diff_ci[1]
    rel_agrees = not math.isnan(rel_mean) and (rel_ci[0] <= 0 <= rel_ci[1]) == unclear
    if is_fraction(metric):
        scale, unit, mean, lo, hi = 100.0, " " + _("percentage points"), diff_mean, *diff_ci
    elif metric in PERCENT_KPIS:
        scale, unit, mean, lo, hi = 1.0, " " + _("points"), diff_mean, *diff_ci
    elif rel_agrees:
        scale, unit, mean, lo, hi = 100.0, "%", rel_mean, *rel_ci
    else:
        scale, unit, mean, lo, hi = 1.0, "", diff_mean, *diff_ci
    mean, lo, hi = mean * scale, lo * scale, hi * scale

    def interval(a: float, b: float) -> str:
        first = f"{_num(a)}%" if unit == "%" else _num(a)
        return _("{level} {low} to {high}").format(level=level, low=first, high=f"{_num(b)}{unit}")

    if unclear:
        sign = "+" if mean >= 0 else "-"
        return _("{subject} does not clearly change {what}: {change} ({interval}).").format(
            subject=subject,
            what=what,
            change=f"{sign}{_num(abs(mean))}{unit}",
            interval=interval(lo, hi),
        )
    a, b = sorted((abs(lo), abs(hi)))
    template = (
        _("{subject} raises {what} by {change} ({interval}).")
        if mean > 0
        else _("{subject} lowers {what} by {change} ({interval}).")
    )
    return template.format(
        subject=subject, what=what, change=f"{_num(abs(mean))}{unit}", interval=interval(a, b)
    )
