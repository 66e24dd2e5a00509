"""Pydantic models for the parts of a scenario: calendar, courts, judges, case types, costs.

Every default cites ``domain.md`` (the project's domain brief, in ``shared/``) or says
``assumption``. Units are in the field names.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from courtsim.schema.distributions import Constant, Dist, Exponential, Lognormal, Uniform

_MONTH_DAY = re.compile(r"^(\d{2})-(\d{2})$")


class Section(BaseModel):
    """Base of every scenario section: unknown keys are errors, values are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, allow_inf_nan=False)
    #: Keys an earlier version had, with what replaced them (a clear error, not "unknown key").
    RETIRED_FIELDS: ClassVar[dict[str, str]] = {}

    @model_validator(mode="before")
    @classmethod
    def _no_retired(cls, data: Any) -> Any:
        if isinstance(data, dict):
            for key in data:
                if key in cls.RETIRED_FIELDS:
                    # Its own error type, so the message can name the full path of the key.
                    raise PydanticCustomError(
                        "retired_field",
                        "no longer a parameter: {why}",
                        {"key": key, "why": cls.RETIRED_FIELDS[key]},
                    )
        return data


# RK public holidays (Law "On holidays in the Republic of Kazakhstan"). Not in domain.md:
# assumption. Movable feasts (Kurban ait) are left out; add them as dated holidays.
KZ_FIXED_HOLIDAYS = (
    "01-01", "01-02", "01-07", "03-08", "03-21", "03-22", "03-23",
    "05-01", "05-07", "05-09", "07-06", "08-30", "10-25", "12-16",
)  # fmt: skip


class Calendar(Section):
    """Which days courts and mediators work."""

    weekend_days: tuple[int, ...] = Field(
        default=(5, 6),
        description="Weekday numbers not worked, Monday = 0 (default Saturday and Sunday).",
    )
    holidays: tuple[str | dt.date, ...] = Field(
        default=KZ_FIXED_HOLIDAYS,
        description="Days off: 'MM-DD' recurring every year, or a date 'YYYY-MM-DD'. "
        "Default: RK fixed public holidays (assumption; gives 250-253 working days a year "
        "in 2024-2026, domain.md §6 says 247-250 with the movable feasts).",
    )

    @field_validator("weekend_days")
    @classmethod
    def _weekdays(cls, v: tuple[int, ...]) -> tuple[int, ...]:
        if any(d < 0 or d > 6 for d in v):
            raise ValueError("weekday numbers run from 0 (Monday) to 6 (Sunday)")
        if len(set(v)) >= 7:
            raise ValueError("at least one weekday must be a working day")
        return v

    @field_validator("holidays")
    @classmethod
    def _holidays(cls, v: tuple[str | dt.date, ...]) -> tuple[str | dt.date, ...]:
        for h in v:
            if isinstance(h, str):
                m = _MONTH_DAY.match(h)
                if not m:
                    raise ValueError(f"holiday {h!r} is neither 'MM-DD' nor a date 'YYYY-MM-DD'")
                try:
                    dt.date(2024, int(m.group(1)), int(m.group(2)))
                except ValueError as exc:
                    raise ValueError(f"holiday {h!r} is not a day of the year") from exc
        return v

    def parsed_holidays(self) -> tuple[dt.date | tuple[int, int], ...]:
        """Return holidays as dates or ``(month, day)`` pairs."""
        out: list[dt.date | tuple[int, int]] = []
        for h in self.holidays:
            if isinstance(h, str):
                month, day = h.split("-")
                out.append((int(month), int(day)))
            else:
                out.append(h)
        return tuple(out)


class Court(Section):
    """A court (or region) and its share of the judges and of the filings."""

    judge_share: float = Field(default=1.0, ge=0, le=1, description="Share of `judges.count`.")
    filing_share: float = Field(default=1.0, ge=0, le=1, description="Share of `filings.per_year`.")


class Judges(Section):
    """First-instance judges hearing civil cases."""

    count: int = Field(
        default=25,
        ge=1,
        le=100_000,  # sanity cap (the country has ~1,900 first-instance judges)
        description="Judges hearing civil cases, all courts together. National: 1,890 actual "
        "first-instance judges x 0.5 civil share (domain.md §2.3, §6).",
    )
    hours_per_day: float = Field(
        default=6.0,
        gt=0,
        le=24,
        description="Desk hours per working day outside the sessions: writing reasoned "
        "decisions, approving settlements (assumption).",
    )
    availability: float = Field(
        default=0.9,
        gt=0,
        le=1,
        description="Share of a judge's nominal hours available for case work, averaged over "
        "leave, training and illness; applied to every judge every day (assumption).",
    )
    max_parallel_cases: int = Field(
        default=1,
        ge=1,
        le=200,
        description="Cases a judge works on at once, sharing the day's hours equally (task "
        "juggling, Coviello et al. 2015, domain.md §4.4). 1 = one case at a time.",
    )
    discipline: Literal["fifo", "deadline"] = Field(
        default="fifo",
        description="Docket order: 'fifo' (first ready, first worked) or 'deadline' "
        "(earliest statutory deadline first, CPC art. 183).",
    )
    assignment: Literal["random", "least_loaded", "pooled"] = Field(
        default="random",
        description="How cases reach judges: 'random' at acceptance (automated distribution; "
        "assumption), 'least_loaded' at acceptance, or 'pooled' (one queue per court, the next "
        "free judge takes the next case: the M/M/c discipline).",
    )
    hearing_slots_per_day: Dist = Field(
        default=Uniform(dist="uniform", low=3.0, high=4.0),
        description="Court sessions a judge holds a working day, drawn per judge (pace): "
        "domain.md §2.4 ~60 hearings a month per judge (~150 in Almaty and Astana), §7 ~3 "
        "a day; a fractional value alternates (3.5 = 3 and 4 on alternate days).",
    )
    desk_pace: Dist = Field(
        default=Constant(dist="constant", value=1.0),
        description="Multiplier of a judge's desk hours (hours_per_day x availability), drawn "
        "per judge (assumption: 1 for every judge).",
    )
    settlement_promotion: Dist = Field(
        default=Constant(dist="constant", value=1.0),
        description="How hard a judge promotes settlement, drawn per judge: scales the "
        "in-court pilot's trial-judge push (1 = the policy's value; assumption).",
    )
    adjournment_strictness: Dist = Field(
        default=Constant(dist="constant", value=1.0),
        description="Multiplier, drawn per judge, of the adjournments a judge grants for "
        "missing evidence or joinder (below 1: a strict judge; assumption).",
    )
    overload_lead_working_days: int = Field(
        default=20,
        ge=0,
        le=250,
        description="Overload rule: a judge whose next free session is further away than "
        "this (working days) adds sessions (assumption; CPC art. 183's two months ~ 40 "
        "working days).",
    )
    overtime_slots_per_day: int = Field(
        default=1,
        ge=0,
        le=20,
        description="Most extra sessions a day an overloaded judge adds (0 = never; "
        "assumption, Beenstock & Haitovsky domain.md §4.4: output rises with load).",
    )

    RETIRED_FIELDS: ClassVar[dict[str, str]] = {
        "load_elasticity": "judges' output now responds to load through their calendars "
        "(judges.overload_lead_working_days and judges.overtime_slots_per_day)",
        "load_target_cases": "see judges.overload_lead_working_days",
    }


class FilingRate(Section):
    """One step of a piecewise-constant filing rate: from a date on, this many a year."""

    from_date: dt.date = Field(
        alias="from", description="First date of this rate (it holds until the next entry's)."
    )
    per_year: float = Field(
        ge=0, le=20_000_000, description="New civil disputes per year, all courts."
    )
    shares: dict[str, float] | None = Field(
        default=None,
        description="Case-type shares from this date (names of case_types; they sum to 1 and "
        "types left out get 0); null keeps `case_types.<name>.share`.",
    )

    @field_validator("shares")
    @classmethod
    def _shares(cls, v: dict[str, float] | None) -> dict[str, float] | None:
        if v is None:
            return v
        if any(x < 0 for x in v.values()) or not _sum_is_one(list(v.values())):
            raise ValueError(
                f"shares must be non-negative and sum to 1 (they sum to {sum(v.values()):.6g})"
            )
        return v


class Filings(Section):
    """The process by which new claims reach the courts."""

    per_year: float = Field(
        default=10_000.0,
        ge=0,
        le=20_000_000,  # sanity cap: 50x the national caseload; a typo must not exhaust memory
        description="New civil claims per year, all courts. National ~400,000 (domain.md §6).",
    )
    process: Literal["poisson", "deterministic"] = Field(
        default="poisson",
        description="'poisson' counts per working day, or 'deterministic' (the expected count, "
        "carried over fractionally; for exact tests).",
    )
    seasonality: tuple[float, ...] | None = Field(
        default=None,
        description="Twelve monthly multipliers of the filing rate (normalised to mean 1), or null.",
    )
    schedule: tuple[FilingRate, ...] = Field(
        default=(),
        exclude_if=lambda v: not v,  # absent from dumps when empty: existing hashes stay
        description="Dated changes of the filing rate (and optionally of the case mix), "
        "e.g. `[{from: 2016-01-01, per_year: 850000}]`, in date order; `per_year` is the "
        "rate before the first entry. An entry dated on or before `start_date` applies from "
        "day 1.",
    )

    @field_validator("schedule")
    @classmethod
    def _in_order(cls, v: tuple[FilingRate, ...]) -> tuple[FilingRate, ...]:
        dates = [e.from_date for e in v]
        if any(b <= a for a, b in itertools.pairwise(dates)):
            raise ValueError("schedule entries must be in strictly increasing 'from' date order")
        return v

    @field_validator("seasonality")
    @classmethod
    def _twelve(cls, v: tuple[float, ...] | None) -> tuple[float, ...] | None:
        if v is not None and (len(v) != 12 or any(x < 0 for x in v) or sum(v) <= 0):
            raise ValueError("seasonality needs 12 non-negative monthly multipliers, not all 0")
        return v


class CaseType(Section):
    """Parameters of one category of civil dispute."""

    share: float = Field(ge=0, le=1, description="Share of filings (shares sum to 1).")
    effort_hours: Dist = Field(
        description="Judge desk hours to write the reasoned decision (domain.md §7); the "
        "sessions themselves take calendar slots (judges.hearing_slots_per_day)."
    )
    preliminary_hearing: bool = Field(
        default=True,
        description="Whether the case has a preparation session (interview or preliminary "
        "hearing) before the main hearing (CPC, domain.md §1.3, §7); preparation ends at it.",
    )
    main_hearings: Dist = Field(
        default=Constant(dist="constant", value=1),
        description="Main hearings the case needs when none is adjourned, rounded (0: decided "
        "on the papers, as in written proceedings; domain.md §7 [A]: undisputed claims 1-2 "
        "sessions in all, contested 2-5).",
    )
    p_defendant_absent: float = Field(
        default=0.2,
        ge=0,
        le=1,
        description="Chance that the defendant fails to appear at a session, which "
        "adjourns it (domain.md §7: 25-35% at a first hearing, assumption).",
    )
    time_limit_days: int = Field(
        default=60,
        ge=1,
        description="Statutory limit after preparation: 60 days (2 months), 30 for labour "
        "reinstatement, alimony, paternity (CPC art. 183, domain.md §1.3).",
    )
    p_returned: float = Field(
        default=0.0, ge=0, le=1, description="Share of claims returned at acceptance."
    )
    withdraw_hazard_per_month: float = Field(
        default=0.0, ge=0, description="Mean monthly rate at which plaintiffs withdraw."
    )
    optimism_shift: float = Field(
        default=0.0,
        ge=-1,
        le=1,
        exclude_if=lambda v: v == 0.0,  # absent from dumps when unset: existing hashes stay
        description="Added to both parties' optimism in disputes of this type (assumption: "
        "none known; e.g. higher where the law is unsettled).",
    )
    p_uncontested: float = Field(
        default=0.0,
        ge=0,
        le=1,
        exclude_if=lambda v: v == 0.0,  # absent from dumps when unset: existing hashes stay
        description="Share of claims the defendant does not contest (debts, utilities, "
        "alimony): nothing to bargain over, so they go to judgment "
        "(domain.md §8 [I]: 89% of decided claims granted, §2.1; assumption per type).",
    )
    p_appeal: float = Field(
        default=0.0,
        ge=0,
        le=1,
        description="Share of losing parties, of average optimism spread, who would appeal "
        "a judgment. The observed share of judgments appealed (KPI appeal_rate_judgments) "
        "comes out higher when settlement selects the more optimistic parties into "
        "judgment; calibrate on the KPI (domain.md §2.4: ~10%).",
    )
    p_appeal_settled: float = Field(
        default=0.0, ge=0, le=1, description="Share of settlement rulings appealed."
    )
    claim_value_kzt: Dist = Field(
        default=Lognormal(dist="lognormal", median=500_000, sigma=1.0),
        description="Claim value in tenge (assumption: median 500k, domain.md §6).",
    )
    relationship_value_share: float = Field(
        default=0.0,
        ge=0,
        le=5,
        description="Mean value each party puts on keeping the relationship, as a share of "
        "the claim (assumption; high in family and labour disputes).",
    )
    p_plaintiff_legal_entity: float = Field(
        default=0.0,
        ge=0,
        le=1,
        description="Share of plaintiffs that are legal entities (pay the 3% fee; usually "
        "have lawyers; assumption).",
    )
    p_defendant_legal_entity: float = Field(
        default=0.0, ge=0, le=1, description="Share of defendants that are legal entities."
    )
    state_fee_mci: float | None = Field(
        default=None,
        ge=0,
        description="Fixed state fee in MCI (divorce: 0.3, domain.md §1.6); null means a "
        "share of the claim value (costs.state_fee_rate_*).",
    )

    RETIRED_FIELDS: ClassVar[dict[str, str]] = {
        "min_duration_days": "notice periods now come from hearings.notice_working_days "
        "and the judge's calendar",
        "settle_hazard_per_month": "settlements now come from the parties' bargaining at "
        "acceptance and after every held session (the bargaining section, docs/model.md "
        "§7.6a); the share that settles is a result, not an input",
    }


class Procedure(Section):
    """The acceptance review of a filed claim (the sessions after it are in ``hearings``)."""

    acceptance_working_days: Dist = Field(
        default=Constant(dist="constant", value=5),
        description="Working days from filing to the acceptance (or return) ruling "
        "(domain.md §7: within five working days; with conciliation up to 10, §1.4).",
    )

    RETIRED_FIELDS: ClassVar[dict[str, str]] = {
        "preparation_working_days": "preparation now ends at the case's preparation session "
        "in the judge's calendar (case_types.*.preliminary_hearing, hearings.*)",
    }


class InitialPending(Section):
    """The caseload pending on day 0: a court never starts empty."""

    per_judge: float = Field(
        default=0.0,
        ge=0,
        le=100_000,
        description="Pending cases per judge on day 0 (domain.md §2.4: ~100 cases and "
        "materials per judge in 2018).",
    )
    age_days: Dist = Field(
        default=Exponential(dist="exponential", mean=40.0),
        description="Age of pending cases on day 0, days since filing (assumption).",
    )
    acceptance_lag_days: int = Field(
        default=7,
        ge=0,
        le=60,
        description="Days from filing to acceptance assumed for cases pending on day 0 "
        "(assumption; ~5 working days).",
    )
    share_in_preparation: float = Field(
        default=0.4,
        ge=0,
        le=1,
        description="Share still in preparation; the rest are in the judge's docket (assumption).",
    )


class Litigants(Section):
    """Attributes and decision rules shared by all parties (both sides of every dispute)."""

    optimism_mean: float = Field(
        default=0.10,
        ge=-1,
        le=1,
        description="Mean over-estimate of one's own chance of winning (assumption; "
        "self-serving bias in the litigation literature).",
    )
    optimism_sd: float = Field(default=0.15, ge=0, le=1, description="Its spread (assumption).")
    delay_cost_share_per_month: Dist = Field(
        default=Exponential(dist="exponential", mean=0.01),
        description="Cost of waiting a month for a judgment, as a share of the claim (assumption).",
    )
    p_lawyer_individual: float = Field(default=0.3, ge=0, le=1, description="Assumption.")
    p_lawyer_legal_entity: float = Field(default=0.9, ge=0, le=1, description="Assumption.")
    lawyer_fee_share: float = Field(
        default=0.05, ge=0, le=1, description="Lawyer's fee as a share of the claim (assumption)."
    )
    appeal_noise_sd: float = Field(
        default=0.15,
        ge=0,
        le=1,
        description="Idiosyncratic part of the loser's appeal decision, next to its optimism "
        "(assumption).",
    )

    RETIRED_FIELDS: ClassVar[dict[str, str]] = {
        "appeal_lag_days": "see appeals.window_days (the appeal instance)",
        "p_appeal_corrected": "see appeals.p_corrected (the appeal instance)",
        "expected_months_to_judgment": "the parties now read the expected delay from their "
        "judge's calendar (bargaining, docs/model.md §7.6a)",
        "lawyer_work_ahead_share": "lawyers' fees for the sessions still ahead are now "
        "bargaining.lawyer_fee_share_per_session",
        "p_plaintiff_wins": "the judgment now follows each case's true merits "
        "(bargaining.merit_median, merit_sd, p_win_uncontested and case_types.*.p_uncontested); "
        "the published 89% granted is a check (KPI plaintiff_win_rate_judgments)",
    }


class Costs(Section):
    """Fees and the court's own costs, in tenge."""

    state_fee_rate_individual: float = Field(
        default=0.01, ge=0, le=1, description="Tax Code art. 610 (domain.md §1.6)."
    )
    state_fee_rate_legal_entity: float = Field(
        default=0.03, ge=0, le=1, description="Tax Code art. 610 (domain.md §1.6)."
    )
    mci_kzt: float = Field(
        default=4_325.0,
        gt=0,
        description="Monthly calculation index, tenge: 3,932 in 2025, 4,325 in 2026 "
        "(domain.md §1.6); set it to the year simulated.",
    )
    fee_refund_share_on_settlement: float = Field(
        default=1.0,
        ge=0,
        le=1,
        description="Share of the state fee refunded on settlement in first instance "
        "(domain.md §1.6: 100%).",
    )
    judge_day_cost_kzt: float = Field(
        default=150_000.0,
        ge=0,
        description="Cost to the budget of one judge-day with support staff (assumption).",
    )


class Reporting(Section):
    """How KPIs are computed from a run."""

    warmup_days: int = Field(
        default=0,
        ge=0,
        description="Days left out at the start of the KPI window (the initial transient).",
    )


def _sum_is_one(values: list[float]) -> bool:
    return abs(sum(values) - 1.0) <= 1e-6


__all__ = [
    "Calendar",
    "CaseType",
    "Costs",
    "Court",
    "FilingRate",
    "Filings",
    "InitialPending",
    "Judges",
    "Litigants",
    "Procedure",
    "Reporting",
    "Section",
    "_sum_is_one",
]
