"""Pydantic model of the litigants' bargaining: beliefs, costs of going on, information.

The settlement rule of ``domain.md`` §8 (divergent expectations, Landes-Gould-Posner;
information revealed over the proceedings, Cooter & Rubinfeld; Nash bargaining), as
``docs/model.md`` states it in formulas. No Kazakh estimate exists for any behavioural
parameter here: each is an assumption with the range given in its description, and the
shares of cases that settle come out of them (they are not set by hand).
"""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field, field_validator

from courtsim.schema.court import Section

#: Who may conduct an attempt: the keys of ``bargaining.evaluation_sd``.
EVALUATORS = ("conciliation_judge", "retired_judge", "professional", "public", "participatory")


class Bargaining(Section):
    """How the parties of a contested claim decide, session by session, whether to settle."""

    merit_median: float = Field(
        default=0.6,
        gt=0,
        lt=1,
        description="Median true chance that the plaintiff of a contested claim wins "
        "(assumption, range 0.5-0.7: claims are filed when the plaintiff expects to win; "
        "Priest-Klein, domain.md §8). The judgment is drawn from the true merits, not from "
        "the parties' beliefs.",
    )
    merit_sd: float = Field(
        default=1.0,
        gt=0,
        le=10,
        description="Spread of the true merits on the log-odds scale, logit(p) ~ "
        "N(logit(merit_median), merit_sd) (assumption, range 0.5-1.5; 1.0 gives a chance "
        "sd of about 0.2). A normal population on the log-odds is the prior the parties' "
        "normal beliefs update from.",
    )
    award_median: float = Field(
        default=0.8,
        gt=0,
        lt=1,
        description="Median share of the claim a judgment awards when it grants a contested "
        "claim (assumption, range 0.6-0.95: the 89% of decided claims granted, domain.md "
        "§2.1, include claims granted in part; an uncontested claim is granted in full).",
    )
    award_sd: float = Field(
        default=0.8,
        ge=0,
        le=10,
        description="Spread of the true award share on the log-odds scale, logit(w) ~ "
        "N(logit(award_median), award_sd) (assumption, range 0.4-1.5).",
    )
    award_optimism_factor: float = Field(
        default=0.5,
        ge=0,
        le=2,
        description="How much of a party's optimism also colours its estimate of the award: "
        "the plaintiff expects logit(w) + 4 f o_P, the defendant logit(w) - 4 f o_D "
        "(assumption, range 0-1; 0: both know what a win is worth).",
    )
    p_win_uncontested: float = Field(
        default=0.98,
        ge=0,
        le=1,
        description="Chance that an uncontested claim is granted (assumption; the defendant "
        "does not dispute, domain.md §8 [I]).",
    )
    belief_sd: float = Field(
        default=0.6,
        gt=0,
        le=10,
        description="How uncertain each party holds its own estimate of the log-odds that the "
        "plaintiff wins (sd of its prior belief, logit units: 0.6 is about 0.15 in chance at "
        "an even case; assumption, range 0.4-1.2). Its bias is the party's optimism "
        "(litigants.optimism_*, x4 on the log-odds scale).",
    )
    lawyer_optimism_shift: float = Field(
        default=-0.03,
        ge=-1,
        le=1,
        description="Added to the optimism of a party with a lawyer (assumption, range "
        "-0.06-0: counsel tempers the client's self-serving bias).",
    )
    legal_entity_optimism_shift: float = Field(
        default=-0.02,
        ge=-1,
        le=1,
        description="Added to the optimism of a legal entity (assumption, range -0.05-0: "
        "repeat players estimate their chances better).",
    )
    signal_sd: float = Field(
        default=1.2,
        gt=0,
        le=20,
        description="Noise of the signal of the true merits (log-odds) each held session "
        "reveals (assumption, range 0.6-2.4; smaller is more information per session).",
    )
    signal_weight: float = Field(
        default=1.0,
        ge=0,
        le=10,
        description="Weight each party gives a session's signal in its Bayesian update, as a "
        "multiple of the signal's precision (assumption, range 0.5-1.5; 0: beliefs never move).",
    )
    judge_explain_sd: float = Field(
        default=1.0,
        gt=0,
        le=20,
        description="Noise of the judge's explanation of the likely outcome, added at every "
        "held session while the in-court pilot has trial judges promote settlement (CPC "
        "ch. 17 duty; log-odds; its precision is scaled by the judge's promotion trait; assumption, range 0.6-2).",
    )
    lawyer_fee_share_per_session: float = Field(
        default=0.02,
        ge=0,
        le=1,
        description="Lawyer's fee for each session still to come, as a share of the claim, "
        "for a party with a lawyer (assumption, range 0.01-0.05).",
    )
    enforcement_cost_share: float = Field(
        default=0.2,
        ge=0,
        le=1,
        description="Share of what is owed that the plaintiff loses when the debtor does not "
        "pay voluntarily and enforcement proceedings follow (assumption, range 0.1-0.3); "
        "applied with enforcement.p_voluntary_* to judgments and settlements.",
    )
    agreement_cost_share: float = Field(
        default=0.20,
        ge=0,
        le=1,
        description="Each party's cost of negotiating and drawing up an agreement without a "
        "facilitator (drafting, the approval hearing, distrust), share of the claim; the one "
        "bargaining value fitted to a target: scenarios/baseline.yaml chose it from the grid "
        "0.10/0.15/0.20 so that a court without pilots settles 2-5% of cases (domain.md "
        "§2.2; range 0.1-0.3).",
    )
    bargaining_power: float = Field(
        default=0.5,
        ge=0,
        le=1,
        description="Plaintiff's share of the surplus in the Nash bargaining solution "
        "(assumption: symmetric, 0.5).",
    )
    evaluation_sd: dict[str, float] = Field(
        default_factory=lambda: {
            "conciliation_judge": 0.8,
            "retired_judge": 0.8,
            "professional": 1.2,
            "public": 1.6,
            "participatory": 2.0,
        },
        description="Noise (log-odds) of the evaluation of the merits a conciliation or "
        "mediation attempt gives both parties, by who conducts it; its precision is scaled "
        "by exp(skill) of the provider (Brown & Ayres: a retired judge's evaluation moves "
        "both parties towards the likely judgment, domain.md §8; assumptions, range 0.5-3). "
        "Keys: conciliation_judge, retired_judge, professional, public, participatory.",
    )
    facilitated_cost_factor: float = Field(
        default=0.2,
        ge=0,
        le=1,
        description="Share of the cost of agreeing left when a conciliator, mediator or the "
        "lawyers draw up the agreement (Brown & Ayres, domain.md §8; assumption, range 0.1-0.5).",
    )
    relational_gain: float = Field(
        default=0.5,
        ge=0,
        le=10,
        description="Relationship value a facilitated settlement preserves beyond an "
        "unassisted one, as a multiple of each party's relationship value (Brown & Ayres, "
        "domain.md §8; assumption, range 0-1).",
    )
    agreement_days: int = Field(
        default=10,
        ge=0,
        le=365,
        description="Days from finding a settlement zone to the judge's approval of the "
        "agreement (assumption, range 5-20).",
    )

    RETIRED_FIELDS: ClassVar[dict[str, str]] = {
        "enabled": "bargaining is now the only settlement model, always on: remove the line",
    }

    @field_validator("evaluation_sd")
    @classmethod
    def _every_evaluator(cls, v: dict[str, float]) -> dict[str, float]:
        unknown = sorted(set(v) - set(EVALUATORS))
        if unknown:
            raise ValueError(
                f"unknown evaluator {', '.join(unknown)} (known: {', '.join(EVALUATORS)})"
            )
        bad = [k for k, x in v.items() if not 0 < x <= 20]
        if bad:
            raise ValueError(f"evaluation_sd of {', '.join(bad)} must be in (0, 20]")
        return {**cls.model_fields["evaluation_sd"].default_factory(), **v}


__all__ = ["EVALUATORS", "Bargaining"]
