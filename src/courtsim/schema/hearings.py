"""Pydantic models for the hearing-based court process: sessions, adjournments, appeals, refiling.

The court process is made of sessions in judges' calendars (``domain.md`` §1.3, §7):
each default cites the brief or says ``assumption`` (the brief found no Kazakh
adjournment rate, so every adjournment probability is an assumption with a range, to be
calibrated).
"""

from __future__ import annotations

from pydantic import Field

from courtsim.schema.court import Section
from courtsim.schema.distributions import Dist, Lognormal


class Hearings(Section):
    """Sessions of the first instance: notice, adjournments, suspensions, decisions in absentia."""

    notice_working_days: int = Field(
        default=5,
        ge=0,
        le=60,
        description="Working days between booking a session and holding it: the parties "
        "must be summoned in time (CPC; assumption 5, range 3-10). No session is held "
        "earlier; the lead time beyond it is the judge's calendar.",
    )
    p_evidence_missing: float = Field(
        default=0.08,
        ge=0,
        le=1,
        description="Chance that a session is adjourned because evidence is missing "
        "(domain.md §7: no Kazakh rate; assumption 0.08, range 0.03-0.15). Scaled by the "
        "judge's adjournment strictness.",
    )
    p_joinder: float = Field(
        default=0.03,
        ge=0,
        le=1,
        description="Chance that a session is adjourned for a counterclaim or a third party "
        "joining (domain.md §7; assumption 0.03, range 0.01-0.08). Scaled by the judge's "
        "adjournment strictness.",
    )
    p_expert_examination: float = Field(
        default=0.03,
        ge=0,
        le=1,
        description="Chance that a main hearing orders an expert examination, which "
        "suspends the case (domain.md §7; assumption 0.03, range 0.01-0.10).",
    )
    expert_days: Dist = Field(
        default=Lognormal(dist="lognormal", median=45, sigma=0.5),
        description="Calendar days an expert examination suspends the case (domain.md §7: "
        "weeks to months; assumption median 45).",
    )
    absentia_after: int = Field(
        default=2,
        ge=1,
        le=20,
        description="The judge decides in absentia once the defendant has failed to appear "
        "this many times (domain.md §7: 23.9% of civil cases decided in absentia, H1 2014; "
        "assumption 2).",
    )
    max_sessions: int = Field(
        default=20,
        ge=1,
        le=200,
        description="Sessions after which the judge decides whatever happens (a safety cap; "
        "assumption).",
    )


class Appeals(Section):
    """The appeal instance: the regional courts' appellate benches (cassation is out of scope)."""

    judges_per_first_instance_judge: float = Field(
        default=0.125,
        ge=0,
        le=5,
        description="Appellate judges per civil first-instance judge of the region: 475 "
        "appellate of 2,179 first-instance posts (domain.md §2.3), times the civil share "
        "(0.5, domain.md §6) = 0.11 of first-instance posts, ~0.125 of the judges in "
        "post (assumption).",
    )
    slots_per_day: float = Field(
        default=3.0,
        ge=0,
        le=50,
        description="Appeal sessions an appellate judge holds a working day (assumption; "
        "first-instance judges ~3, domain.md §7).",
    )
    window_days: int = Field(
        default=30,
        ge=0,
        le=365,
        description="Calendar days to file an appeal after the decision (one month, CPC; "
        "domain.md §1.3).",
    )
    notice_working_days: int = Field(
        default=5, ge=0, le=60, description="Notice before an appeal session (assumption)."
    )
    p_adjourned: float = Field(
        default=0.15,
        ge=0,
        le=1,
        description="Chance that an appeal session is adjourned (assumption, range 0.05-0.3).",
    )
    time_limit_days: int = Field(
        default=60,
        ge=1,
        le=365,
        description="CPC limit for the appeal decision, calendar days from the appeal "
        "reaching the court (assumption: two months, as first instance).",
    )
    p_corrected: float = Field(
        default=0.095,
        ge=0,
        le=1,
        description="Share of appealed judgments corrected (domain.md §2.4: ~2k of 21k, H1 2024).",
    )
    fee_share_of_claim_fee: float = Field(
        default=0.5,
        ge=0,
        le=5,
        description="The appeal's state fee as a share of the claim's first-instance fee, "
        "refunded when the appeal is settled (assumption; domain.md §1.6 gives the refund "
        "rule, not the appeal fee).",
    )
    p_settled: float = Field(
        default=0.05,
        ge=0,
        le=1,
        description="Share of appeals ending in a settlement on appeal, with the fee "
        "refunded (domain.md §1.6; share assumption, range 0.02-0.1).",
    )


class Refiling(Section):
    """Returned claims that come back."""

    p_refile: float = Field(
        default=0.5,
        ge=0,
        le=1,
        description="Chance that a claim returned for defects is refiled once they are fixed "
        "(assumption, range 0.3-0.8).",
    )
    p_refile_pretrial: float = Field(
        default=0.7,
        ge=0,
        le=1,
        description="Chance that a claim returned for skipping the mandatory pre-trial "
        "procedure is refiled after going through it (domain.md §2.1: Zhambyl 2025, 25% "
        "returned, ~40% of them for skipping it; refile share assumption).",
    )
    delay_days: Dist = Field(
        default=Lognormal(dist="lognormal", median=20, sigma=0.6),
        description="Calendar days from the return to the refiling (assumption).",
    )


class Enforcement(Section):
    """What follows a judgment or an approved settlement: compliance or enforcement."""

    p_voluntary_settlement: float = Field(
        default=0.8,
        ge=0,
        le=1,
        description="Share of approved settlements executed voluntarily (domain.md §6: 80%, "
        "Saryarka pilot, §2.4).",
    )
    p_voluntary_judgment: float = Field(
        default=0.5,
        ge=0,
        le=1,
        description="Share of judgments granting a claim executed without enforcement "
        "proceedings (assumption, range 0.3-0.7).",
    )


__all__ = ["Appeals", "Enforcement", "Hearings", "Refiling"]
