"""Filing process and intake: how many claims arrive each day, and what each one is.

Every per-case latent quantity (durations, effort, claim value, the uniforms behind later
decisions) and every party attribute is drawn here, once, at filing, from the
``case_attrs`` and ``litigants`` streams. Policies change thresholds and routing, never
these draws, so two scenarios run with the same seed see the same disputes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt
from scipy.special import ndtr, ndtri

if TYPE_CHECKING:
    from courtsim.calendar import WorkCalendar
    from courtsim.cases import CaseTable
    from courtsim.scenario import Scenario

_DAYS_PER_MONTH = 365.25 / 12
# Column order of the per-case uniforms (fixed: changing it changes every seeded result).
_U_COLS = (
    "effort",
    "claim",
    "acceptance",
    "preparation",
    "return",
    "judge",
    "win",
    "appeal_settled",
    "correct",
    "withdraw",
    "settle",
    "residual",
)
_P_COLS = ("legal_entity", "lawyer", "optimism", "delay_cost", "relationship", "appeal_noise")


class FilingProcess:
    """Daily counts of new claims per court and case type.

    Args:
        scenario: The scenario.
        calendar: Its working-day calendar.
    """

    def __init__(self, scenario: Scenario, calendar: WorkCalendar):
        self.calendar = calendar
        courts = np.array([c.filing_share for c in scenario.courts.values()])
        types = np.array([t.share for t in scenario.case_types.values()])
        working_per_year = calendar.n_working(1, 365)
        self.rate = scenario.filings.per_year * np.outer(courts, types) / working_per_year
        season = scenario.filings.seasonality
        self.season = (
            np.ones(12) if season is None else np.asarray(season) / np.mean(np.asarray(season))
        )
        self.deterministic = scenario.filings.process == "deterministic"
        self._carry = np.zeros_like(self.rate)

    def counts(self, day: int, rng: np.random.Generator) -> npt.NDArray[np.int64]:
        """Return new claims per (court, case type) on ``day`` (zero on non-working days).

        Args:
            day: Simulation day.
            rng: The ``arrivals`` stream.

        Returns:
            Integer matrix of shape (courts, case types).
        """
        if not self.calendar.is_working[day]:
            return np.zeros(self.rate.shape, dtype=np.int64)
        lam = self.rate * self.season[self.calendar.date(day).month - 1]
        if self.deterministic:
            total = self._carry + lam
            out = np.floor(total + 1e-9)
            self._carry = total - out
            return out.astype(np.int64)
        return rng.poisson(lam).astype(np.int64)


def draw_cases(
    cases: CaseTable,
    idx: npt.NDArray[np.int64],
    t_filed: npt.NDArray[np.float64],
    scenario: Scenario,
    calendar: WorkCalendar,
    rng_case: np.random.Generator,
    rng_party: np.random.Generator,
) -> dict[str, npt.NDArray[np.float64]]:
    """Draw the latent attributes of new cases and their parties (court and type already set).

    Args:
        cases: Case table; rows ``idx`` have ``court`` and ``case_type`` filled.
        idx: Rows to fill.
        t_filed: Filing day of each row.
        scenario: The scenario.
        calendar: The calendar.
        rng_case: The stream for case-level draws.
        rng_party: The stream for party-level draws.

    Returns:
        The named uniforms, for callers that place cases differently (initial backlog).
    """
    k = idx.size
    u = dict(zip(_U_COLS, rng_case.random((len(_U_COLS), k)), strict=True))
    pu = dict(zip(_P_COLS, rng_party.random((len(_P_COLS), k, 2)), strict=True))
    types = list(scenario.case_types.values())
    ct = cases.case_type[idx]
    lit, costs = scenario.litigants, scenario.costs

    def per_type(attr: str) -> npt.NDArray[np.float64]:
        return np.array([getattr(t, attr) for t in types], dtype=np.float64)[ct]

    effort = np.empty(k)
    claim = np.empty(k)
    for code, t in enumerate(types):
        m = ct == code
        if m.any():
            effort[m] = t.effort_hours.from_uniform(u["effort"][m])
            claim[m] = t.claim_value_kzt.from_uniform(u["claim"][m])
    proc = scenario.procedure
    acc_wd = np.rint(proc.acceptance_working_days.from_uniform(u["acceptance"])).astype(np.int64)
    prep_wd = np.rint(proc.preparation_working_days.from_uniform(u["preparation"])).astype(np.int64)

    cases.t_filed[idx] = t_filed
    t_acc = calendar.add_working_days(t_filed.astype(np.int64), acc_wd).astype(np.float64)
    t_prep = calendar.add_working_days(t_acc.astype(np.int64), prep_wd).astype(np.float64)
    cases.t_next[idx] = t_acc  # acceptance ruling due
    cases.t_prep_end[idx] = t_prep  # provisional; set again when preparation really ends
    cases.t_deadline[idx] = t_prep + per_type("time_limit_days")
    cases.t_min_decision[idx] = t_acc + per_type("min_duration_days")
    cases.effort_hours[idx] = effort
    cases.remaining_hours[idx] = effort
    cases.claim_value_kzt[idx] = claim
    for name in ("return", "judge", "win", "appeal_settled", "correct"):
        getattr(cases, f"u_{name}")[idx] = u[name]

    # Parties: each side's own attributes.
    p_le = np.stack([per_type("p_plaintiff_legal_entity"), per_type("p_defendant_legal_entity")], 1)
    legal = pu["legal_entity"] < p_le
    p_law = np.where(legal, lit.p_lawyer_legal_entity, lit.p_lawyer_individual)
    lawyer = pu["lawyer"] < p_law
    optimism = lit.optimism_mean + lit.optimism_sd * ndtri(pu["optimism"])
    delay = lit.delay_cost_share_per_month.from_uniform(pu["delay_cost"])
    rel_mean = per_type("relationship_value_share")[:, None]
    relationship = -rel_mean * np.log1p(-pu["relationship"])  # exponential around the type mean
    cases.legal_entity[idx] = legal
    cases.lawyer[idx] = lawyer
    cases.optimism[idx] = optimism
    cases.delay_cost_share[idx] = delay
    cases.relationship_share[idx] = relationship
    cases.appeal_noise[idx] = ndtri(pu["appeal_noise"])

    # Money: the plaintiff pays the state fee; each party with a lawyer pays its fee.
    fixed_mci = np.array([np.nan if t.state_fee_mci is None else t.state_fee_mci for t in types])[
        ct
    ]
    rate = np.where(legal[:, 0], costs.state_fee_rate_legal_entity, costs.state_fee_rate_individual)
    fee = np.where(np.isnan(fixed_mci), rate * claim, np.nan_to_num(fixed_mci) * costs.mci_kzt)
    cases.state_fee_kzt[idx] = fee
    cases.lawyer_fees_kzt[idx] = lit.lawyer_fee_share * claim * lawyer.sum(axis=1)

    # Each party's willingness to settle spontaneously: what settling saves it (refunded fee,
    # remaining lawyer's fee, delay, the relationship), against its optimism about winning.
    fee_share = np.where(claim > 0, fee / np.maximum(claim, 1e-9), 0.0)
    gain = (
        delay * lit.expected_months_to_judgment
        + relationship
        + lawyer * lit.lawyer_fee_share * 0.5  # assumption: half the lawyer's work still ahead
    )
    gain[:, 0] += fee_share * costs.fee_refund_share_on_settlement
    willing = gain > optimism
    cases.willing_to_settle[idx] = willing

    # Latent decision days, counted from acceptance (memoryless hazards).
    both = willing.all(axis=1)
    h_settle = per_type("settle_hazard_per_month") / _DAYS_PER_MONTH
    e_settle = -np.log1p(-u["settle"])
    with np.errstate(divide="ignore", invalid="ignore"):
        t_settle = np.where(both & (h_settle > 0), t_acc + e_settle / h_settle, np.inf)
    # Pessimistic plaintiffs withdraw sooner: rate x 2*Phi(-z) keeps the mean rate.
    z = (optimism[:, 0] - lit.optimism_mean) / lit.optimism_sd if lit.optimism_sd > 0 else 0.0
    h_withdraw = per_type("withdraw_hazard_per_month") / _DAYS_PER_MONTH * 2 * ndtr(-z)
    e_withdraw = -np.log1p(-u["withdraw"])
    with np.errstate(divide="ignore", invalid="ignore"):
        t_withdraw = np.where(h_withdraw > 0, t_acc + e_withdraw / h_withdraw, np.inf)
    cases.t_settle[idx] = calendar.next_working_day(t_settle)
    cases.t_withdraw[idx] = calendar.next_working_day(t_withdraw)
    return {"acceptance_wd": acc_wd, "preparation_wd": prep_wd, "residual": u["residual"]}


def type_and_court_codes(
    counts: npt.NDArray[np.int64],
) -> tuple[npt.NDArray[np.int16], npt.NDArray[np.int16]]:
    """Expand a (courts, types) count matrix into per-case court and type codes.

    Args:
        counts: New cases per court and type.

    Returns:
        ``(court, case_type)`` arrays, court-major order.
    """
    n_courts, n_types = counts.shape
    flat = counts.ravel()
    court = np.repeat(np.repeat(np.arange(n_courts), n_types), flat).astype(np.int16)
    ctype = np.repeat(np.tile(np.arange(n_types), n_courts), flat).astype(np.int16)
    return court, ctype
