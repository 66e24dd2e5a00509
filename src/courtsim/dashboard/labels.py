"""Labels and units of KPIs and daily series, for figures, tables and sentences.

KPI labels come from :mod:`courtsim.kpi_table` (the terminal table), so the dashboard, the
report and the CLI name a measure the same way; measures the table does not list yet (the
pilots' KPIs) get a label here, and anything else a readable form of its key.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from courtsim.i18n import N_, _, number
from courtsim.kpi_table import KPI_LINES, unit_text


@dataclass(frozen=True)
class Measure:
    """How to show one measure.

    Attributes:
        key: Column or KPI name.
        label: What a reader calls it.
        unit: Display unit ("%", "days", "cases", "KZT", "" ...).
        is_share: The stored value is a fraction (0-1) shown as a percentage.
    """

    key: str
    label: str
    unit: str
    is_share: bool

    def scale(self) -> float:
        """Return the factor from stored value to displayed value (100 for shares)."""
        return 100.0 if self.is_share else 1.0

    def bounds(self) -> tuple[float, float]:
        """Return the values the stored measure can take: 0-1 for shares, >= 0 for counts.

        A level's confidence interval is intersected with this range before it is shown:
        the true mean lies in it, so the intersection covers it at least as often as the
        t-interval does, and "Backlog -1 to 3" becomes "0 to 3".
        """
        if self.is_share:
            return 0.0, 1.0
        if self.unit in _NON_NEGATIVE_UNITS:
            return 0.0, math.inf
        return -math.inf, math.inf

    @property
    def text(self) -> str:
        """Return the label in the language in force."""
        return _(self.label)

    @property
    def unit_label(self) -> str:
        """Return the unit in the language in force ("days" -> "дн.")."""
        return unit_text(self.unit)

    def title(self) -> str:
        """Return ``label (unit)`` for an axis title, in the language in force."""
        return f"{self.text} ({self.unit_label})" if self.unit else self.text

    def format(self, value: float | None) -> str:
        """Return a value as displayed text with its unit, ``n/a`` when undefined.

        Args:
            value: The stored value (fraction for shares).

        Returns:
            E.g. ``"97.1 %"``, ``"34.2 days"``, ``"87,502 KZT"``.
        """
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return _("n/a")
        v = value * self.scale()
        txt = number(v, 0 if self.unit in ("cases", "KZT") or abs(v) >= 1000 else 1)
        return f"{txt} {self.unit_label}".strip()


#: Units of quantities that cannot be negative (counts, durations, money, percentages).
_NON_NEGATIVE_UNITS = frozenset({"cases", "disputes", "days", "hours", "KZT", "%", "per year"})


def clip_interval(key: str, low: float, high: float) -> tuple[float, float]:
    """Return a level's confidence interval intersected with the values it can take.

    Args:
        key: KPI or series name.
        low: Lower end (stored units).
        high: Upper end.

    Returns:
        The clipped interval (see :meth:`Measure.bounds`).
    """
    lo, hi = measure(key).bounds()
    return min(max(low, lo), hi), max(min(high, hi), lo)


#: Reader-facing names of swept factors (dotted scenario keys); others are derived.
FACTOR_LABELS: dict[str, str] = {
    "judges.count": N_("Civil judges"),
    "filings.per_year": N_("New claims per year"),
    "conciliation.judges_per_court": N_("Conciliation judges per court"),
    "mediators.retired_judge.per_court": N_("Retired-judge mediators per court"),
    "mediators.professional.per_court": N_("Professional mediators per court"),
    "mediators.public.per_court": N_("Public mediators per court"),
    "reconciliation.propensity_plaintiff": N_("Plaintiffs' propensity to reconcile"),
    "reconciliation.propensity_defendant": N_("Defendants' propensity to reconcile"),
    # the litigants' bargaining (docs/model.md §7.6a), as the explorer's levers name them
    "litigants.optimism_mean": N_("Parties' optimism about winning (mean)"),
    "bargaining.lawyer_fee_share_per_session": N_("Lawyer's fee per session (share of the claim)"),
    "bargaining.signal_sd": N_("Noise of what each session reveals"),
    "bargaining.agreement_cost_share": N_("Cost of agreeing without a facilitator"),
    "bargaining.facilitated_cost_factor": N_("Share of that cost left with a facilitator"),
}


def factor_label(key: str) -> str:
    """Return how a swept factor reads on an axis, not as its dotted key.

    Args:
        key: Dotted scenario key, e.g. ``conciliation.judges_per_court``.

    Returns:
        E.g. "Conciliation judges per court"; an unlisted key reads as its parts,
        "Case types general: settle hazard per month".
    """
    if key in FACTOR_LABELS:
        return _(FACTOR_LABELS[key])
    *parents, last = key.replace("[", ".").replace("]", "").split(".")
    words = last.replace("_", " ")
    if parents:
        head = " ".join(p.replace("_", " ") for p in parents)
        return f"{head[:1].upper()}{head[1:]}: {words}"
    return f"{words[:1].upper()}{words[1:]}"


# Measures the terminal table does not list (yet): the pilots' KPIs and the daily series.
_EXTRA: dict[str, tuple[str, str, bool]] = {
    "window_days": (N_("KPI window"), "days", False),
    "disposed": (N_("Disposed cases"), "cases", False),
    "case_turnover_ratio": (N_("Case turnover ratio"), "per year", False),
    "pending_age_median_days": (N_("Median age of pending cases"), "days", False),
    "share_settlement": (N_("Settled by agreement before the trial judge"), "%", True),
    "share_settled_conciliation": (N_("Settled with a conciliation judge"), "%", True),
    "share_settled_mediation": (N_("Settled in mediation"), "%", True),
    "share_settled_participatory": (N_("Settled by participatory procedure"), "%", True),
    "settled_pre_court": (N_("Disputes settled before filing"), "cases", False),
    "utilisation_conciliation_judges": (N_("Conciliation judge utilisation"), "%", True),
    "utilisation_mediators_retired_judge": (N_("Retired-judge mediator utilisation"), "%", True),
    "utilisation_mediators_professional": (N_("Professional mediator utilisation"), "%", True),
    "utilisation_mediators_public": (N_("Public mediator utilisation"), "%", True),
    "reconciliation_share_incl_pre_court": (
        N_("Reconciled, all channels incl. pre-court"),
        "%",
        True,
    ),
    "diverted_pre_court_share": (N_("Disputes kept out of court (settled pre-court)"), "%", True),
    "judge_hours_saved": (N_("Trial-judge hours saved"), "hours", False),
    "mean_trust_end": (N_("Trust in conciliation at the end"), "%", True),
    "n_pre_court": (N_("Disputes in pre-court reconciliation"), "cases", False),
    "cost_total_per_case_kzt": (N_("Total cost per case (court + parties)"), "KZT", False),
    "n_pending": (N_("Pending cases"), "cases", False),
    "n_backlog": (N_("Backlog: pending beyond the statutory limit"), "cases", False),
    "n_in_conciliation": (N_("Cases in conciliation"), "cases", False),
    "n_in_mediation": (N_("Cases in mediation"), "cases", False),
    "n_queued_for_judge": (N_("Cases waiting for their judge"), "cases", False),
    "mean_age_pending": (N_("Mean age of pending cases"), "days", False),
    "new_filed": (N_("New claims per day"), "cases", False),
    "new_disposed": (N_("Cases disposed per day"), "cases", False),
    "ttd_days": (N_("Time to disposition"), "days", False),
    # per region (courtsim.region_kpis): the region's own civil judges
    "judges": (N_("Civil judges"), "", False),
    "pending_per_judge": (N_("Pending cases per judge"), "cases", False),
    "incoming_per_judge_per_year": (N_("Incoming claims per judge per year"), "cases", False),
    # the reconciliation channels' flows (docs/kpis.md, "Reconciliation channels")
    "arisen": (N_("Disputes arisen"), "disputes", False),
    "referred_pre_court": (N_("Referred to pre-court reconciliation"), "disputes", False),
    "referred_conciliation": (N_("Referred to a conciliation judge"), "cases", False),
    "referred_mediation": (N_("Referred to mediation"), "cases", False),
    "referred_participatory": (N_("Referred to the participatory procedure"), "cases", False),
    "started_pre_court": (N_("Pre-court reconciliations started"), "disputes", False),
    "started_conciliation": (N_("Conciliations started"), "cases", False),
    "started_mediation": (N_("Mediations started"), "cases", False),
    "started_participatory": (N_("Participatory procedures started"), "cases", False),
    "declined_pre_court": (N_("Pre-court referrals not started (no mediator)"), "disputes", False),
    "declined_participatory": (N_("Participatory referrals not started"), "cases", False),
    "settled_conciliation": (N_("Settled with a conciliation judge (cases)"), "cases", False),
    "settled_mediation": (N_("Settled in mediation (cases)"), "cases", False),
    "settled_participatory": (N_("Settled by participatory procedure (cases)"), "cases", False),
    "failed_pre_court": (N_("Pre-court reconciliations without agreement"), "disputes", False),
    "failed_conciliation": (N_("Conciliations without agreement"), "cases", False),
    "failed_mediation": (N_("Mediations without agreement"), "cases", False),
    "failed_participatory": (N_("Participatory procedures without agreement"), "cases", False),
    "success_rate_pre_court": (N_("Success rate: pre-court reconciliation"), "%", True),
    "success_rate_conciliation": (N_("Success rate: conciliation judge"), "%", True),
    "success_rate_mediation": (N_("Success rate: mediation"), "%", True),
    "success_rate_participatory": (N_("Success rate: participatory procedure"), "%", True),
    "wait_mean_days_pre_court": (N_("Wait for a pre-court mediator: mean"), "days", False),
    "wait_mean_days_conciliation": (N_("Wait for a conciliation judge: mean"), "days", False),
    "wait_mean_days_mediation": (N_("Wait for a mediator: mean"), "days", False),
    "wait_mean_days_participatory": (
        N_("Wait for the participatory procedure: mean"),
        "days",
        False,
    ),
    "time_to_settlement_mean_days_pre_court": (
        N_("Time to settlement, pre-court (from the dispute): mean"),
        "days",
        False,
    ),
    "time_to_settlement_mean_days_conciliation": (
        N_("Time to settlement with a conciliation judge: mean"),
        "days",
        False,
    ),
    "time_to_settlement_mean_days_mediation": (
        N_("Time to settlement in mediation: mean"),
        "days",
        False,
    ),
    "time_to_settlement_mean_days_participatory": (
        N_("Time to settlement by participatory procedure: mean"),
        "days",
        False,
    ),
    # the litigants (docs/kpis.md, "Litigants and bargaining")
    "settlement_to_claim_ratio": (N_("Agreed amount (share of the claim)"), "%", True),
    "uncontested_share_filed": (N_("Uncontested claims (share of filed)"), "%", True),
    "plaintiff_win_rate_judgments": (N_("Claims granted (share of judgments)"), "%", True),
    "plaintiff_win_rate_contested_judgments": (
        N_("Contested claims granted (share of judgments)"),
        "%",
        True,
    ),
    "award_share_contested_judgments_won": (
        N_("Amount awarded on contested claims granted (share of the claim)"),
        "%",
        True,
    ),
    "plaintiff_merit_contested_filed": (N_("Merit of contested claims filed (mean)"), "%", True),
    # costs to the parties (docs/kpis.md, "Costs")
    "fees_paid_per_case_kzt": (N_("State fee paid per case"), "KZT", False),
    "fees_refunded_per_case_kzt": (N_("State fee refunded per case"), "KZT", False),
    "lawyer_fees_per_case_kzt": (N_("Lawyers' fees per case"), "KZT", False),
    "mediator_fees_per_case_kzt": (N_("Mediators' fees per case"), "KZT", False),
    # sessions, refiling, enforcement, appeals (docs/kpis.md)
    "sessions_held": (N_("Sessions held"), "sessions", False),
    "sessions_per_disposed_case": (N_("Sessions per disposed case"), "sessions", False),
    "sessions_released": (N_("Booked sessions released"), "sessions", False),
    "expert_examinations": (N_("Expert examinations ordered"), "cases", False),
    "refiled_share_of_returned": (N_("Returned claims refiled (share)"), "%", True),
    "enforcement_share_judgments": (N_("Judgments sent to enforcement (share)"), "%", True),
    "enforcement_share_settlements": (N_("Settlements sent to enforcement (share)"), "%", True),
    "appeals_decided": (N_("Appeals decided"), "cases", False),
    "appeal_time_mean_days": (N_("Time to an appeal decision: mean"), "days", False),
    "appeal_share_settled": (N_("Appeals settled (share)"), "%", True),
    "appeal_share_within_limit": (N_("Appeals decided within the limit (share)"), "%", True),
}

_AGE_BAND = re.compile(r"^pending_age_share_(?P<lo>\d+|over)_(?P<hi>\d+)_days$")

#: Channels of reconciliation (settled-share KPIs), in the order a reader follows a case.
SETTLEMENT_CHANNELS: tuple[str, ...] = (
    "share_settled_conciliation",
    "share_settled_mediation",
    "share_settled_participatory",
    "share_settlement",
)

#: KPIs shown as cards in the explorer, in order (those a result lacks are skipped).
CARD_KPIS: tuple[str, ...] = (
    "clearance_rate",
    "disposition_time_days",
    "ttd_median_days",
    "share_within_statutory_limit",
    "reconciliation_share_incl_pre_court",
    "cost_court_per_case_kzt",
    "cost_parties_per_case_kzt",
)

#: Utilisation KPIs of court actors, in display order, with the actor's name.
UTILISATION: dict[str, str] = {
    "slot_utilisation": N_("Trial judges: sessions"),
    "judge_utilisation": N_("Trial judges: desk"),
    "utilisation_conciliation_judges": N_("Conciliation judges"),
    "utilisation_mediators_retired_judge": N_("Mediators: retired judges"),
    "utilisation_mediators_professional": N_("Mediators: professional"),
    "utilisation_mediators_public": N_("Mediators: public"),
}


#: The terminal table names some lines under a section heading ("Mean" under "Time to
#: disposition"); a chart or a card shows them alone, so these labels say it all.
_STANDALONE: dict[str, str] = {
    "ttd_mean_days": N_("Time to disposition: mean"),
    "ttd_median_days": N_("Time to disposition: median"),
    "ttd_p90_days": N_("Time to disposition: 90th percentile"),
    "share_within_30_days": N_("Decided within 30 days"),
    "share_within_60_days": N_("Decided within 60 days"),
    "share_within_90_days": N_("Decided within 90 days"),
    "share_within_statutory_limit": N_("Decided within the CPC art. 183 limit"),
    "pending_age_mean_days": N_("Mean age of pending cases"),
}


def _table_measures() -> dict[str, Measure]:
    return {
        key: Measure(key, _STANDALONE.get(key, label), unit, fmt == "pct")
        for key, label, unit, fmt in KPI_LINES
        if key is not None
    }


_MEASURES = {k: Measure(k, *v) for k, v in _EXTRA.items()} | _table_measures()


def measure(key: str) -> Measure:
    """Return how to show a KPI or daily series; unknown keys get a readable label.

    Args:
        key: KPI or column name.

    Returns:
        Its label and unit.
    """
    if key in _MEASURES:
        return _MEASURES[key]
    band = _AGE_BAND.match(key)
    if band:
        lo, hi = band["lo"], band["hi"]
        english = (
            f"Pending cases older than {hi} days"
            if lo == "over"
            else f"Pending cases aged {lo}-{hi} days"
        )
        return _AgeBand(key, english, "%", True, lo, hi)
    words = key.replace("_kzt", "").replace("_days", "").replace("_", " ").strip()
    unit = "KZT" if key.endswith("_kzt") else "days" if key.endswith("_days") else ""
    is_share = key.startswith(("share_", "utilisation_")) or key.endswith(("_share", "_rate"))
    return Measure(key, words[:1].upper() + words[1:], "%" if is_share else unit, is_share)


@dataclass(frozen=True)
class _AgeBand(Measure):
    """A share of pending cases by age (``pending_age_share_31_60_days``), its label a template."""

    low: str = ""
    high: str = ""

    @property
    def text(self) -> str:
        if self.low == "over":
            return _("Pending cases older than {days} days").format(days=self.high)
        return _("Pending cases aged {low}-{high} days").format(low=self.low, high=self.high)


def is_measure(key: str) -> bool:
    """Return whether ``key`` names a KPI or daily series this module labels (not a guess)."""
    return key in _MEASURES or bool(_AGE_BAND.match(key))


def kpi_order(keys: list[str] | set[str]) -> list[str]:
    """Return KPI keys in the terminal table's order, others after it alphabetically.

    Args:
        keys: KPI names present in a result.

    Returns:
        The same names, ordered.
    """
    order = [k for k, *_ in KPI_LINES if k is not None]
    rank = {k: i for i, k in enumerate(order)}
    return sorted(keys, key=lambda k: (rank.get(k, len(rank)), k))
