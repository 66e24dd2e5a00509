"""Pydantic models for the reconciliation pilots: conciliation judges, mediators, trust, policies.

Actor pools (``conciliation``, ``mediators``) describe who is there; ``policies`` are the
levers that switch channels on, each from its own ``start_day`` (EMA Workbench's split
of the world from the policies).
"""

from __future__ import annotations

from typing import Annotated, ClassVar, Literal

from pydantic import Field, model_validator

from courtsim.schema.court import Section
from courtsim.schema.distributions import Dist, Uniform

# What replaced the hand-set settlement dials (a clear error, not "unknown key").
_ZONE_AFTER_EVALUATION = (
    "an attempt now settles where the parties' beliefs, after the provider's evaluation of "
    "the merits, leave a settlement zone (bargaining, docs/model.md §7.6a)"
)
_CONSENT_FROM_GAIN = (
    "each party now consents when its expected gain from trying beats its half of the fee "
    "and the time it costs (bargaining, docs/model.md §7.6a)"
)
_JUDGE_EXPLAINS = (
    "trial judges now explain the likely outcome at every held session "
    "(bargaining.judge_explain_sd, scaled per judge by judges.settlement_promotion)"
)

MediatorKindName = Literal["retired_judge", "professional", "public"]
MEDIATOR_KINDS: tuple[str, ...] = ("retired_judge", "professional", "public")


class ConciliationJudges(Section):
    """Judge-conciliators: judges of the court who conciliate at claim acceptance."""

    judges_per_court: int = Field(
        default=0,
        ge=0,
        le=1000,
        description="Conciliation judges in each court, posts in addition to judges.count "
        "(assumption: ~1 per court with >=10 civil judges, domain.md §6; national count not "
        "found, domain.md §2.3). A court with none has the conciliation channel closed.",
    )
    per_judge: float = Field(
        default=0.0,
        ge=0,
        le=1,
        description="Further conciliation judges per civil judge of the court (domain.md §6: "
        "5-10%, assumption).",
    )
    max_cases_at_once: int = Field(
        default=20, ge=1, le=1000, description="Conciliations one judge runs at once (assumption)."
    )
    sessions_per_day: float = Field(
        default=4.0,
        ge=0,
        le=50,
        description="Conciliation sessions a conciliation judge holds a working day "
        "(assumption: like a trial judge's ~3-4, domain.md §2.4, §7).",
    )
    sessions_per_attempt: Dist = Field(
        default=Uniform(dist="uniform", low=1, high=2),
        description="Sessions one conciliation takes, rounded, at least 1 (assumption).",
    )
    skill: float = Field(
        default=0.0,
        ge=-5,
        le=5,
        description="How well this judge evaluates the merits: the evaluation's precision is "
        "scaled by exp(skill) (0 = average; docs/model.md §7.6a, assumption).",
    )
    dur_working_days: Dist = Field(
        default=Uniform(dist="uniform", low=3, high=10),
        description="Working days a conciliation takes (domain.md §6: uniform 3-10).",
    )
    time_limit_working_days: int = Field(
        default=10,
        ge=1,
        le=60,
        description="Acceptance with conciliation takes at most this long after filing "
        "(domain.md §1.4: 10 working days).",
    )


class MediatorKind(Section):
    """One kind of mediator (retired judge, professional or public)."""

    per_court: int = Field(default=0, ge=0, le=10_000, description="Mediators in each court.")
    per_judge: float = Field(
        default=0.0,
        ge=0,
        le=10,
        description="Further mediators per civil judge of the court (retired judges: 0.2, "
        "domain.md §6, assumption).",
    )
    max_cases_at_once: int = Field(
        default=5, ge=1, le=1000, description="Mediations one mediator runs at once (assumption)."
    )
    sessions_per_day: float = Field(
        default=2.0,
        ge=0,
        le=50,
        description="Mediation sessions a mediator holds a working day (assumption).",
    )
    sessions_per_attempt: Dist = Field(
        default=Uniform(dist="uniform", low=1, high=3),
        description="Sessions one mediation takes, rounded, at least 1 (assumption; "
        "domain.md §4.5: Baltimore RCT, at least 2 hours of mediation).",
    )
    skill: float = Field(
        default=0.0,
        ge=-5,
        le=5,
        description="How well these mediators evaluate the merits: the evaluation's precision "
        "is scaled by exp(skill) (0 = average; docs/model.md §7.6a, assumption).",
    )
    fee_share: float = Field(
        default=0.0,
        ge=0,
        le=1,
        description="Fee as a share of the claim value (professional: 0.5-2%, assumption, "
        "domain.md §6; public mediators work pro bono, domain.md §1.6).",
    )
    fee_cap_kzt: float = Field(default=500_000.0, ge=0, description="Cap on the fee (assumption).")
    paid_by: Literal["parties", "state"] = Field(
        default="parties", description="Who pays the fee: the parties (split equally) or the state."
    )


class Mediators(Section):
    """Mediators available to the courts, by kind."""

    retired_judge: MediatorKind = Field(default_factory=MediatorKind)
    professional: MediatorKind = Field(default_factory=MediatorKind)
    public: MediatorKind = Field(default_factory=MediatorKind)


class Reconciliation(Section):
    """How litigants decide on conciliation offers, and how trust evolves."""

    trust_initial: float = Field(
        default=0.55,
        ge=0,
        le=1,
        description="Initial trust in conciliation in every court (anchored on trust in "
        "courts, 55.2% in 2023, domain.md §2.4; assumption).",
    )
    trust_sd: float = Field(
        default=0.15, ge=0, le=1, description="Spread of individual trust (assumption)."
    )
    trust_learning_rate: float = Field(
        default=0.0,
        ge=0,
        le=1,
        description="How far each concluded attempt moves the court's trust towards success "
        "(1) or failure (0); 0 keeps trust static (assumption).",
    )
    settlement_approval_hours: float = Field(
        default=0.5,
        ge=0,
        le=24,
        description="Trial judge's hours to approve a settlement or mediation agreement "
        "(assumption).",
    )

    RETIRED_FIELDS: ClassVar[dict[str, str]] = {
        "propensity_plaintiff": _CONSENT_FROM_GAIN,
        "propensity_defendant": _CONSENT_FROM_GAIN,
        "trust_weight": "trust now weights the conciliator's or mediator's evaluation of the "
        "merits in each party's belief (bargaining, docs/model.md §7.6a)",
        "optimism_gap_weight": "diverging expectations now act through the settlement zone of "
        "the parties' beliefs (bargaining, docs/model.md §7.6a)",
    }


class _Policy(Section):
    start_day: int = Field(
        default=0,
        ge=0,
        description="First simulated day the channel takes new cases (a start after the "
        "horizon is legal: the channel never opens).",
    )
    end_day: int | None = Field(
        default=None,
        ge=1,
        exclude_if=lambda v: v is None,  # absent from dumps when unset: existing hashes stay
        description="First simulated day the channel no longer takes new cases (null = "
        "never closes): it takes cases on days start_day <= day < end_day. Attempts under "
        "way run to their end; several entries of one type may follow each other in "
        "windows that do not overlap.",
    )
    case_types: tuple[str, ...] | None = Field(
        default=None, description="Case types it applies to (null = all)."
    )

    @model_validator(mode="after")
    def _window(self) -> _Policy:
        if self.end_day is not None and self.end_day <= self.start_day:
            raise ValueError(f"end_day ({self.end_day}) must be after start_day ({self.start_day})")
        return self


class PreCourtPolicy(_Policy):
    """Reconciliation before filing: centres, mediation rooms, elders' councils."""

    type: Literal["pre_court"]
    mandatory: bool = Field(
        default=False,
        description="A compulsory pre-trial procedure: every dispute of these types must try "
        "first; a claim filed without it is returned (domain.md §2.1, Zhambyl 2025).",
    )
    p_offer: float = Field(
        default=0.3,
        ge=0,
        le=1,
        description="Voluntary: share of disputes whose parties learn of the option (assumption).",
    )
    p_skip_mandatory: float = Field(
        default=0.1,
        ge=0,
        le=1,
        description="Mandatory: share who file without trying and get the claim returned "
        "(assumption; ~10% of Zhambyl claims, domain.md §2.1).",
    )
    mediator_kinds: tuple[MediatorKindName, ...] = Field(
        default=("public", "professional"),
        min_length=1,
        description="Who runs the attempts (their capacity is shared with other channels).",
    )
    dur_working_days: Dist = Field(
        default=Uniform(dist="uniform", low=5, high=20),
        description="Working days an attempt takes (≤1 month, domain.md §1.2 [U]).",
    )
    max_wait_working_days: int = Field(
        default=10,
        ge=0,
        description="Days a dispute waits for a free mediator before filing anyway.",
    )
    max_duration_days: int = Field(
        default=30,
        ge=1,
        le=365,
        description="Longest attempt, calendar days (Law on Mediation: ≤1 month, "
        "domain.md §1.2 [U]).",
    )

    RETIRED_FIELDS: ClassVar[dict[str, str]] = {"p_settle": _ZONE_AFTER_EVALUATION}


class InCourtPolicy(_Policy):
    """Conciliation at claim acceptance, and judges' push for settlement at every stage."""

    type: Literal["in_court"]
    p_offer: float = Field(
        default=1.0,
        ge=0,
        le=1,
        description="Share of eligible claims offered conciliation (court's duty, CPC ch. 17; "
        "domain.md §6: 1.0).",
    )
    triage: bool = Field(
        default=True,
        description="Conciliation judges take the claims most likely to settle first "
        "(domain.md §1.4, Shymkent).",
    )

    RETIRED_FIELDS: ClassVar[dict[str, str]] = {
        "p_settle": _ZONE_AFTER_EVALUATION,
        "trial_settlement_boost": _JUDGE_EXPLAINS,
        "trial_willingness_boost": _JUDGE_EXPLAINS,
    }


class OutOfCourtPolicy(_Policy):
    """Referral to a mediator or the lawyers' participatory procedure during proceedings."""

    type: Literal["out_of_court"]
    at: Literal["acceptance", "docket"] = Field(
        default="acceptance",
        description="When the judge proposes it: at acceptance (before the preparation "
        "session) or at the docket (when preparation ends, at the preparation session).",
    )
    p_offer: float = Field(
        default=0.8, ge=0, le=1, description="Share of eligible cases offered (assumption)."
    )
    p_participatory: float = Field(
        default=0.3,
        ge=0,
        le=1,
        description="Share of consenting cases with lawyers on both sides that choose the "
        "participatory procedure over a mediator (assumption).",
    )
    mediator_kinds: tuple[MediatorKindName, ...] = Field(
        default=("retired_judge", "professional", "public"),
        min_length=1,
        description="Kinds of mediator the court refers to, in order of preference.",
    )
    dur_mediation_working_days: Dist = Field(
        default=Uniform(dist="uniform", low=5, high=20),
        description="Working days a mediation takes (domain.md §6: 5-20).",
    )
    dur_participatory_working_days: Dist = Field(
        default=Uniform(dist="uniform", low=10, high=30),
        description="Working days a participatory procedure takes (assumption).",
    )
    suspension_limit_days: int = Field(
        default=30,
        ge=1,
        le=365,
        description="Longest suspension of proceedings, calendar days (domain.md §6: cap 30 "
        "days; §1.3: ≤10 business days in one CPC edition [U]).",
    )
    max_wait_working_days: int = Field(
        default=10,
        ge=0,
        description="Days a consenting case waits for a free mediator before the referral "
        "is declined.",
    )
    reassign_judge_on_failure: bool = Field(
        default=True,
        description="A case whose mediation fails goes to another judge (domain.md §1.3).",
    )

    RETIRED_FIELDS: ClassVar[dict[str, str]] = {
        "p_settle_mediation": _ZONE_AFTER_EVALUATION,
        "p_settle_participatory": _ZONE_AFTER_EVALUATION,
    }


Policy = Annotated[PreCourtPolicy | InCourtPolicy | OutOfCourtPolicy, Field(discriminator="type")]


class PilotsMixin(Section):
    """Scenario fields for the pilots (mixed into :class:`courtsim.schema.scenario.Scenario`)."""

    conciliation: ConciliationJudges = Field(default_factory=ConciliationJudges)
    mediators: Mediators = Field(default_factory=Mediators)
    reconciliation: Reconciliation = Field(default_factory=Reconciliation)
    policies: tuple[Policy, ...] = Field(
        default=(),
        description="Reconciliation channels switched on, each a mapping with `type:` "
        "pre_court | in_court | out_of_court and a `start_day`.",
    )

    @model_validator(mode="after")
    def _pilots_consistent(self) -> PilotsMixin:
        case_types = getattr(self, "case_types", {})
        for i, pol in enumerate(self.policies):
            for ct in pol.case_types or ():
                if ct not in case_types:
                    raise ValueError(
                        f"policies.{i}.case_types names '{ct}', which is not a case type "
                        f"(known: {', '.join(case_types)})"
                    )
            kinds = getattr(pol, "mediator_kinds", ())
            for k in kinds:
                mk: MediatorKind = getattr(self.mediators, k)
                if mk.per_court == 0 and mk.per_judge == 0:
                    raise ValueError(
                        f"policies.{i}.mediator_kinds names '{k}', but the scenario has no "
                        f"such mediators (set mediators.{k}.per_court or per_judge)"
                    )
            # No conciliation judges with the in_court channel on is legal: it means the
            # conciliation channel is closed (a court without conciliation judges makes no
            # offers; trial judges' settlement push still applies). Staffing searches start
            # from that level 0 (docs/decisions.md).
        for i, a in enumerate(self.policies):
            for j in range(i + 1, len(self.policies)):
                b = self.policies[j]
                a_end, b_end = a.end_day or float("inf"), b.end_day or float("inf")
                if a.type == b.type and a.start_day < b_end and b.start_day < a_end:
                    raise ValueError(
                        f"policies.{i} and policies.{j} both give the {a.type} channel and "
                        f"their windows overlap (days {a.start_day} to {a_end} and "
                        f"{b.start_day} to {b_end}); set the earlier one's end_day to at most "
                        "the later one's start_day, or give the channel once"
                    )
        return self
