"""The parties' bargaining: beliefs, costs of going on, and the settlement rule (domain.md §8).

Vectorised over the cases at a decision point. Every quantity is a share of the claim
value. ``docs/model.md`` ("Bargaining") states each rule as a formula:

- **Beliefs.** Party *i* holds a normal belief about the log-odds ``theta = logit(p)`` of
  the plaintiff winning, with mean ``m_i`` and precision ``tau_i``; ``p`` is the case's
  true merit. The plaintiff's starts at ``theta + 4 o_P`` and the defendant's at
  ``theta - 4 o_D``, where ``o`` is each party's optimism in probability points at an even
  case (the slope of the logistic there is 1/4), and its expected chance is
  ``expit(m_i)`` (:func:`initial_beliefs`). On the log-odds scale a given optimism moves a
  close case's chance most and a clear case's least, which is what selects close cases
  for trial (Priest & Klein, domain.md §8).
- **Information.** A held session reveals a signal ``s = theta + signal_sd * z``. Each party
  updates by Bayes: ``m <- (tau m + k tau_s s) / (tau + k tau_s)``, ``tau <- tau + k tau_s``
  (:func:`update_beliefs`), so the gap between the two narrows over the proceedings.
- **Reservation values.** The plaintiff accepts an amount ``x`` when
  ``x (1 - l_S) - a >= p_P w_P (1 - l_J) - C_P``; the defendant pays it when
  ``x + a <= p_D w_D + C_D``, where ``p_i = expit(m_i)`` is the party's expected chance and
  ``w_i`` its estimate of the award share (the true award ``w`` coloured by its optimism,
  :func:`award_beliefs`). ``C`` is each party's cost of going on to judgment (the fee
  refund it forgoes, lawyers' fees for the sessions left, the delay read from the judge's
  calendar, the relationship), ``l`` the loss to enforcement, ``a`` the cost of agreeing.
- **Settlement.** Where ``x_min <= x_max`` a settlement zone exists, and the parties agree
  on the Nash split ``x = x_min + beta (x_max - x_min)`` (:func:`settlement_zone`).

Every random draw is a counter-based uniform of the case's key (:func:`courtsim.sessions.
case_uniform`), so a pilot never reshuffles the draws of cases it does not touch.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

import numpy as np
import numpy.typing as npt
from scipy.special import expit, logit, ndtri

from courtsim.cases import contiguous, rows, set_rows
from courtsim.sessions import Draw, case_uniform

if TYPE_CHECKING:
    from courtsim.cases import CaseTable
    from courtsim.schema.bargaining import Bargaining
    from courtsim.schema.scenario import Scenario

DAYS_PER_MONTH = 365.25 / 12


def _within(x: npt.NDArray[np.float64], lo: float, hi: float) -> npt.NDArray[np.float64]:
    # np.clip(x, lo, hi) for bounds away from zero (no signed zero to tell apart), without
    # np.clip's Python layers, which cost more than the arithmetic (~4,000 calls a year).
    return np.minimum(np.maximum(x, lo), hi)


def draw_merits(cases: CaseTable, idx: npt.NDArray[np.int64], scenario: Scenario) -> None:
    """Draw each new dispute's true merit, whether it is contested, and both priors.

    A party's optimism is its own draw plus the shifts of its representation (a lawyer),
    its kind (a legal entity) and the case type (``case_types.*.optimism_shift``).

    Args:
        cases: Case table (``case_key``, ``case_type``, ``optimism``, ``lawyer`` and
            ``legal_entity`` of ``idx`` already set).
        idx: New disputes.
        scenario: The scenario.
    """
    b = scenario.bargaining
    at = contiguous(idx)  # new rows: a slice
    key = cases.case_key[at]
    ct = cases.case_type[at]
    p_unc = np.array([t.p_uncontested for t in scenario.case_types.values()]).take(ct)
    contested = case_uniform(key, 0, Draw.CONTESTED) >= p_unc
    z = ndtri(_within(case_uniform(key, 0, Draw.MERIT), 1e-12, 1 - 1e-12))
    merit = expit(logit(b.merit_median) + b.merit_sd * z)
    z_w = ndtri(_within(case_uniform(key, 0, Draw.AWARD), 1e-12, 1 - 1e-12))
    award = expit(logit(b.award_median) + b.award_sd * z_w)
    cases.contested[at] = contested
    cases.merit[at] = np.where(contested, merit, b.p_win_uncontested)
    cases.award[at] = np.where(contested, award, 1.0)  # uncontested: granted in full
    by_type = np.array([t.optimism_shift for t in scenario.case_types.values()]).take(ct)
    optimism = (
        rows(cases.optimism, at)
        + b.lawyer_optimism_shift * rows(cases.lawyer, at)
        + b.legal_entity_optimism_shift * rows(cases.legal_entity, at)
        + by_type[:, None]
    )
    m, tau = initial_beliefs(merit, optimism, b)
    set_rows(cases.belief, at, m)
    set_rows(cases.belief_precision, at, tau)
    w_belief = award_beliefs(award, optimism, b.award_optimism_factor)
    set_rows(cases.award_belief, at, np.where(contested[:, None], w_belief, 1.0))


def award_beliefs(
    award: npt.NDArray[np.float64], optimism: npt.NDArray[np.float64], factor: float
) -> npt.NDArray[np.float64]:
    """Return both parties' estimates of the award share, biased by their optimism.

    Args:
        award: True award share per case.
        optimism: Each party's optimism, shape (n, 2).
        factor: How much of the optimism colours the estimate of the award.

    Returns:
        Shape (n, 2): ``expit(logit(w) + 4 f o_P)`` and ``expit(logit(w) - 4 f o_D)``.
    """
    omega = logit(_within(award, 1e-6, 1 - 1e-6))
    return expit(
        np.stack([omega + 4 * factor * optimism[:, 0], omega - 4 * factor * optimism[:, 1]], 1)
    )


def initial_beliefs(
    merit: npt.NDArray[np.float64], optimism: npt.NDArray[np.float64], b: Bargaining
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Return both parties' prior beliefs about the plaintiff's chance of winning.

    Args:
        merit: True chance per case.
        optimism: Each party's over-estimate of its own chance, shape (n, 2).
        b: Bargaining parameters.

    Returns:
        ``(mean, precision)`` of the log-odds, each of shape (n, 2): the plaintiff
        believes ``logit(merit) + 4 o_P``, the defendant ``logit(merit) - 4 o_D``.
    """
    theta = logit(_within(merit, 1e-6, 1 - 1e-6))
    mean = np.stack([theta + 4 * optimism[:, 0], theta - 4 * optimism[:, 1]], axis=1)
    tau = np.full(mean.shape, 1.0 / b.belief_sd**2)
    return mean, tau


def update_beliefs(
    mean: npt.NDArray[np.float64],
    tau: npt.NDArray[np.float64],
    signal: npt.NDArray[np.float64],
    signal_precision: npt.NDArray[np.float64] | float,
    weight: npt.NDArray[np.float64] | float,
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Bayesian update of both parties' beliefs towards a signal both have seen.

    Args:
        mean: Beliefs, shape (n, 2).
        tau: Their precisions, shape (n, 2).
        signal: One signal per case.
        signal_precision: Precision of the signal, per case or scalar.
        weight: How much each party lets the signal count (a multiple of its precision),
            per case (n, 1), per party (n, 2), or scalar.

    Returns:
        The new ``(mean, precision)``.
    """
    k = np.broadcast_to(np.asarray(weight, dtype=float), mean.shape) * np.reshape(
        np.asarray(signal_precision, dtype=float), (-1, 1)
    )
    new_tau = tau + k
    new_mean = (tau * mean + k * signal[:, None]) / np.maximum(new_tau, 1e-300)
    return new_mean, new_tau


def session_signal(
    key: npt.NDArray[np.uint64],
    counter: npt.ArrayLike,
    merit: npt.NDArray[np.float64],
    sd: float,
    purpose: Draw = Draw.SIGNAL,
    *,
    theta: npt.NDArray[np.float64] | None = None,
) -> npt.NDArray[np.float64]:
    """Return the signal of the true merits a session reveals to both parties.

    Args:
        key: Case keys.
        counter: Session number, per case or scalar.
        merit: True merits.
        sd: Noise of the signal.
        purpose: Which draw (sessions and the judge's explanation draw independently).
        theta: ``merit_logit(merit)``, where the caller has it already (two signals of
            the same cases).

    Returns:
        ``logit(merit) + sd * z`` (log-odds), z standard normal from the case's own
        counter-based draw.
    """
    if theta is None:
        theta = merit_logit(merit)
    u = _within(case_uniform(key, counter, purpose), 1e-12, 1 - 1e-12)
    return theta + sd * ndtri(u)


def merit_logit(merit: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """Return the log-odds of the true merits (kept off 0 and 1), which signals centre on."""
    return logit(_within(merit, 1e-6, 1 - 1e-6))


class Costs(NamedTuple):
    """Each party's cost of going on to judgment, shape (n, 2), claim shares."""

    plaintiff: npt.NDArray[np.float64]
    defendant: npt.NDArray[np.float64]


def costs_of_going_on(
    cases: CaseTable,
    idx: npt.NDArray[np.int64],
    sessions_left: npt.NDArray[np.float64],
    days_left: npt.NDArray[np.float64],
    scenario: Scenario,
    *,
    filed: bool = True,
    relationship_factor: float = 1.0,
) -> Costs:
    """Return what going on to judgment costs each party, beyond its belief.

    Args:
        cases: Case table.
        idx: Cases.
        sessions_left: Sessions each still needs.
        days_left: Expected days to judgment, read from the judge's calendar.
        scenario: The scenario.
        filed: Whether the state fee is paid (settling earns its refund); before filing
            the plaintiff saves the whole fee by settling.
        relationship_factor: Multiple of each party's relationship value that settling
            preserves (more than 1 with a conciliator or mediator).

    Returns:
        The plaintiff's and the defendant's cost, claim shares.
    """
    b = scenario.bargaining
    claim = np.maximum(cases.claim_value_kzt[idx], 1e-9)
    share = scenario.costs.fee_refund_share_on_settlement if filed else 1.0
    fee = share * cases.state_fee_kzt[idx] / claim
    lawyer = rows(cases.lawyer, idx) * (b.lawyer_fee_share_per_session * sessions_left)[:, None]
    delay = rows(cases.delay_cost_share, idx) * (days_left / DAYS_PER_MONTH)[:, None]
    c = lawyer + delay + relationship_factor * rows(cases.relationship_share, idx)
    return Costs(c[:, 0] + fee, c[:, 1])


def settlement_zone(
    belief: npt.NDArray[np.float64],
    costs: Costs,
    scenario: Scenario,
    cost_factor: npt.NDArray[np.float64] | float = 1.0,
    award: npt.NDArray[np.float64] | float = 1.0,
) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.float64]]:
    """Return where a settlement zone exists, and the Nash amount agreed there.

    Args:
        belief: Both parties' beliefs about the log-odds of the plaintiff winning, (n, 2).
        costs: Their costs of going on.
        scenario: The scenario.
        cost_factor: Share of the cost of agreeing left (below 1 with a facilitator),
            per case or scalar.
        award: Each party's estimate of the share of the claim a win awards, (n, 2) or
            scalar: a party expects a judgment to be worth its chance times its award.

    Returns:
        ``(zone, amount)``: whether the plaintiff's minimum is at most the defendant's
        maximum, and the amount (claim share, >= 0; NaN where there is no zone).
    """
    b = scenario.bargaining
    enf = scenario.enforcement
    loss_j = (1 - enf.p_voluntary_judgment) * b.enforcement_cost_share
    loss_s = (1 - enf.p_voluntary_settlement) * b.enforcement_cost_share
    p = expit(belief) * award
    a = b.agreement_cost_share * cost_factor
    x_min = (p[:, 0] * (1 - loss_j) - costs.plaintiff + a) / max(1 - loss_s, 1e-9)
    x_max = p[:, 1] + costs.defendant - a
    zone = x_min <= x_max
    amount = np.maximum(x_min + b.bargaining_power * (x_max - x_min), 0.0)
    return zone, np.where(zone, amount, np.nan)


def consent_gain(
    costs: Costs,
    trust: npt.NDArray[np.float64],
    fee_share: npt.NDArray[np.float64] | float,
    months: float,
    delay_share: npt.NDArray[np.float64],
    scenario: Scenario,
) -> npt.NDArray[np.float64]:
    """Return each party's expected gain from trying conciliation or mediation.

    A party that believes itself right expects an agreement to share the costs both
    sides save, ``C_P + C_D - 2 a_f``, by its bargaining share; it expects the attempt to
    work with the chance its trust gives, and pays half of any fee and the cost of the
    time the attempt takes.

    Args:
        costs: Both parties' costs of going on (with the facilitator's relational gain).
        trust: Each party's trust in conciliation, shape (n, 2).
        fee_share: The provider's fee as a share of the claim (split equally).
        months: Expected length of the attempt, months.
        delay_share: Each party's cost of a month's delay, shape (n, 2).
        scenario: The scenario.

    Returns:
        Gain per party, shape (n, 2), claim shares: it consents when the gain is positive.
    """
    b = scenario.bargaining
    a = b.agreement_cost_share * b.facilitated_cost_factor
    saved = np.maximum(costs.plaintiff + costs.defendant - 2 * a, 0.0)
    share = np.array([b.bargaining_power, 1 - b.bargaining_power])
    fee = np.reshape(np.asarray(fee_share, dtype=float), (-1, 1)) / 2
    return trust * share[None, :] * saved[:, None] - fee - delay_share * months


__all__ = [
    "Costs",
    "award_beliefs",
    "consent_gain",
    "costs_of_going_on",
    "draw_merits",
    "initial_beliefs",
    "merit_logit",
    "session_signal",
    "settlement_zone",
    "update_beliefs",
]
