"""Filing process and intake: how many disputes arise each day, and what each one is.

Every per-case latent quantity (durations, effort, claim value, the uniforms behind later
decisions) and every party attribute is drawn here, once, when the dispute arises, from
the ``case_attrs``, ``litigants`` and ``reconciliation`` streams. Policies change
thresholds and routing, never these draws, so two scenarios run with the same seed see
the same disputes (common random numbers).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt
from scipy.special import ndtr, ndtri

from courtsim.bargaining import draw_merits
from courtsim.cases import CASE_COLUMNS, PARTY_COLUMNS, contiguous, rows, set_rows

if TYPE_CHECKING:
    from courtsim.calendar import WorkCalendar
    from courtsim.cases import CaseTable
    from courtsim.schema.scenario import Scenario

DAYS_PER_MONTH = 365.25 / 12
# Column order of the per-case uniforms (fixed: changing it changes every seeded result).
_U_COLS = (
    "effort",
    "claim",
    "acceptance",
    "hearings",
    "return",
    "judge",
    "win",
    "appeal_settled",
    "correct",
    "withdraw",
    "residual",
)
_P_COLS = ("legal_entity", "lawyer", "optimism", "delay_cost", "relationship", "appeal_noise")
_R_COLS = (
    "pre_offer",
    "pre_dur",
    "conc_offer",
    "conc_dur",
    "med_offer",
    "med_choice",
    "med_dur",
    "reassign",
)


class FilingProcess:
    """Daily counts of new disputes per court and case type.

    The rate is ``filings.per_year`` split by court and case-type shares, or, from each
    ``filings.schedule`` entry's date on, that entry's rate and case mix.

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
        # filings.schedule: a piecewise-constant rate; _step[day] indexes _rates.
        rates = [self.rate]
        self._step = np.zeros(calendar.horizon_days + 1, dtype=np.int64)
        names = list(scenario.case_types)
        for entry in scenario.filings.schedule:
            mix = (
                types
                if entry.shares is None
                else np.array([entry.shares.get(n, 0.0) for n in names])
            )
            rates.append(entry.per_year * np.outer(courts, mix) / working_per_year)
            first = max((entry.from_date - calendar.start_date).days + 1, 0)
            self._step[first:] = len(rates) - 1
        self._rates = rates
        season = scenario.filings.seasonality
        self.season = (
            np.ones(12) if season is None else np.asarray(season) / np.mean(np.asarray(season))
        )
        self.deterministic = scenario.filings.process == "deterministic"
        self._carry = np.zeros_like(self.rate)

    def counts(self, day: int, rng: np.random.Generator) -> npt.NDArray[np.int64]:
        """Return new disputes per (court, case type) on ``day`` (zero on non-working days).

        Args:
            day: Simulation day.
            rng: The ``arrivals`` stream.

        Returns:
            Integer matrix of shape (courts, case types).
        """
        if not self.calendar.is_working[day]:
            return np.zeros(self.rate.shape, dtype=np.int64)
        lam = self._rates[self._step[day]] * self.season[self.calendar.date(day).month - 1]
        if self.deterministic:
            total = self._carry + lam
            out = np.floor(total + 1e-9)
            self._carry = total - out
            return out.astype(np.int64)
        return rng.poisson(lam).astype(np.int64)


def _per_type(scenario: Scenario, attr: str, ct: npt.NDArray[np.int16]) -> npt.NDArray[np.float64]:
    # take(), not [ct]: numpy indexes with int16 codes through a slow conversion.
    return np.array([getattr(t, attr) for t in scenario.case_types.values()], dtype=float).take(ct)


def _rows_by_type(ct: npt.NDArray[np.int16], n_types: int) -> list[npt.NDArray[np.intp]]:
    """Return, for each case type, the positions of its cases in ``ct`` (in order)."""
    # One stable sort, not a mask per type: the per-type masks (compare, then index and
    # assign through each) were a sixth of draw_cases.
    order = np.argsort(ct, kind="stable")
    bounds = np.searchsorted(ct[order], np.arange(n_types + 1))
    return [order[bounds[t] : bounds[t + 1]] for t in range(n_types)]


def draw_cases(
    cases: CaseTable,
    idx: npt.NDArray[np.int64],
    scenario: Scenario,
    rng_case: np.random.Generator,
    rng_party: np.random.Generator,
    rng_recon: np.random.Generator,
    rng_sessions: np.random.Generator,
) -> npt.NDArray[np.float64]:
    """Draw the latent attributes of new disputes and of both parties.

    ``court`` and ``case_type`` of rows ``idx`` must already be set. Nothing is
    scheduled here (see :func:`schedule_filing` and :func:`schedule_acceptance`).

    Args:
        cases: Case table.
        idx: Rows to fill.
        scenario: The scenario.
        rng_case: Stream for case-level draws.
        rng_party: Stream for party-level draws.
        rng_recon: Stream for the reconciliation channels' latent draws.
        rng_sessions: Stream for each case's key of session draws (:mod:`courtsim.sessions`).

    Returns:
        A spare uniform per case (used to place the initial backlog).
    """
    k = idx.size
    at = contiguous(idx)  # new rows: a slice
    u = dict(zip(_U_COLS, rng_case.random((len(_U_COLS), k)), strict=True))
    pu = dict(zip(_P_COLS, rng_party.random((len(_P_COLS), k, 2)), strict=True))
    ru = dict(zip(_R_COLS, rng_recon.random((len(_R_COLS), k)), strict=True))
    trust_u = rng_recon.random((k, 2))
    types = list(scenario.case_types.values())
    ct = cases.case_type[at]
    lit, costs = scenario.litigants, scenario.costs

    effort = np.empty(k)
    claim = np.empty(k)
    n_main = np.empty(k)
    for t, of_t in zip(types, _rows_by_type(ct, len(types)), strict=True):
        if of_t.size:
            effort[of_t] = t.effort_hours.from_uniform(u["effort"][of_t])
            claim[of_t] = t.claim_value_kzt.from_uniform(u["claim"][of_t])
            n_main[of_t] = t.main_hearings.from_uniform(u["hearings"][of_t])
    proc = scenario.procedure
    acc_wd = np.rint(proc.acceptance_working_days.from_uniform(u["acceptance"]))
    # min/max, not np.clip (its Python layers); both are cast to integers.
    cases.acceptance_wd[at] = np.minimum(np.maximum(acc_wd, 0), 30_000)
    cases.n_main[at] = np.minimum(np.maximum(np.rint(n_main), 0), scenario.hearings.max_sessions)
    cases.case_key[at] = rng_sessions.integers(0, 2**63, size=k, dtype=np.uint64)
    cases.effort_hours[at] = effort
    cases.remaining_hours[at] = effort
    cases.claim_value_kzt[at] = claim
    for name in ("return", "judge", "win", "appeal_settled", "correct"):
        getattr(cases, f"u_{name}")[at] = u[name]
    cases.e_withdraw[at] = -np.log1p(-u["withdraw"])
    for name, v in ru.items():
        getattr(cases, f"u_{name}")[at] = v

    # Parties: each side's own attributes.
    p_le = np.stack(
        [
            _per_type(scenario, "p_plaintiff_legal_entity", ct),
            _per_type(scenario, "p_defendant_legal_entity", ct),
        ],
        axis=1,
    )
    legal = pu["legal_entity"] < p_le
    p_law = np.where(legal, lit.p_lawyer_legal_entity, lit.p_lawyer_individual)
    lawyer = pu["lawyer"] < p_law
    optimism = lit.optimism_mean + lit.optimism_sd * ndtri(pu["optimism"])
    delay = lit.delay_cost_share_per_month.from_uniform(pu["delay_cost"])
    rel_mean = _per_type(scenario, "relationship_value_share", ct)[:, None]
    relationship = -rel_mean * np.log1p(-pu["relationship"])  # exponential around the type mean
    cases.legal_entity[at] = legal
    cases.lawyer[at] = lawyer
    cases.optimism[at] = optimism
    cases.delay_cost_share[at] = delay
    cases.relationship_share[at] = relationship
    cases.appeal_noise[at] = ndtri(pu["appeal_noise"])
    cases.trust_dev[at] = scenario.reconciliation.trust_sd * ndtri(trust_u)

    # Money: the plaintiff pays the state fee; each party with a lawyer pays its fee.
    # Fixed fees per case type first, then per case (np.nan_to_num over every case was
    # most of this block).
    fixed_mci = np.array([np.nan if t.state_fee_mci is None else t.state_fee_mci for t in types])
    fixed_fee = np.nan_to_num(fixed_mci) * costs.mci_kzt
    rate = np.where(legal[:, 0], costs.state_fee_rate_legal_entity, costs.state_fee_rate_individual)
    fee = np.where(np.isnan(fixed_mci).take(ct), rate * claim, fixed_fee.take(ct))
    cases.state_fee_kzt[at] = fee
    cases.lawyer_fees_kzt[at] = lit.lawyer_fee_share * claim * lawyer.sum(axis=1)

    draw_merits(cases, idx, scenario)
    return u["residual"]


def schedule_filing(
    cases: CaseTable, idx: npt.NDArray[np.int64], day: int, calendar: WorkCalendar
) -> None:
    """Set the filing day of claims and the day their acceptance ruling falls due.

    Args:
        cases: Case table.
        idx: Claims filed today.
        day: Today.
        calendar: The calendar.
    """
    cases.t_filed[idx] = day
    cases.t_next[idx] = calendar.add_working_days(day, cases.acceptance_wd[idx].astype(np.int64))


def schedule_acceptance(
    cases: CaseTable,
    idx: npt.NDArray[np.int64],
    day: int,
    scenario: Scenario,
    calendar: WorkCalendar,
) -> None:
    """Start the clocks that run from acceptance today: the plaintiff's withdrawal.

    No agreement exists yet (the parties bargain at once, :meth:`courtsim.negotiation.
    SettlementTalks.decide`); the sessions are booked by
    :class:`courtsim.sessions.HearingProcess`.

    Args:
        cases: Case table.
        idx: Claims accepted today.
        day: Today.
        scenario: The scenario.
        calendar: The calendar.
    """
    ct = cases.case_type[idx]
    cases.t_accepted[idx] = day
    cases.t_settle[idx] = np.inf
    # Pessimistic plaintiffs withdraw sooner: rate x 2*Phi(-z) keeps the mean rate.
    lit = scenario.litigants
    o = cases.optimism[idx, 0]
    z = (o - lit.optimism_mean) / lit.optimism_sd if lit.optimism_sd > 0 else np.zeros(idx.size)
    h_w = _per_type(scenario, "withdraw_hazard_per_month", ct) / DAYS_PER_MONTH * 2 * ndtr(-z)
    with np.errstate(divide="ignore"):
        t_withdraw = np.where(h_w > 0, day + cases.e_withdraw[idx] / h_w, np.inf)
    cases.t_withdraw[idx] = calendar.next_working_day(t_withdraw)


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


#: Columns a refiled claim keeps from the returned one: the dispute and its parties are the
#: same (and so are their latent draws); everything that happened in court starts again.
_KEPT_ON_REFILING = (
    "court",
    "case_type",
    "t_arose",
    "effort_hours",
    "claim_value_kzt",
    "state_fee_kzt",
    "lawyer_fees_kzt",
    "acceptance_wd",
    "n_main",
    "contested",
    "merit",
    "award",
    "e_withdraw",
)


def clone_for_refiling(cases: CaseTable, src: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """Add a new claim for each returned claim ``src`` that is refiled (not yet filed).

    The new row keeps the dispute, its parties and their latent draws. It is not returned
    again for the same defect, nor for skipping the pre-trial procedure it has now been
    through; its session draws use a new key.

    Args:
        cases: Case table.
        src: Returned claims being refiled today.

    Returns:
        The new rows.
    """
    new = cases.add(src.size)
    for name in (*_KEPT_ON_REFILING, *(n for n in CASE_COLUMNS if n.startswith("u_"))):
        getattr(cases, name)[new] = getattr(cases, name)[src]
    for name in PARTY_COLUMNS:
        set_rows(getattr(cases, name), new, rows(getattr(cases, name), src))
    cases.remaining_hours[new] = cases.effort_hours[src]
    cases.u_return[new] = 1.0  # the defect is fixed
    cases.refiled_from[new] = src
    cases.case_key[new] = cases.case_key[src] ^ np.uint64(0x5DEECE66D2F1A3B7)
    return new
