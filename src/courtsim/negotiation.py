"""Settlement talks in the trial court: the decision points where the parties bargain.

The parties of a contested claim apply the settlement rule of
:mod:`courtsim.bargaining` when the claim is accepted and after every session held in
their case. Where a settlement zone exists they agree on the Nash amount, and the judge
approves the agreement ``bargaining.agreement_days`` later (the model's litigation phase
disposes it). Each held session first reveals a signal of the merits to both parties; while
the in-court pilot has trial judges promote settlement, the judge also explains the likely
outcome (a second signal, its precision scaled by the judge's promotion trait). Costs of
going on read the expected delay from the judge's calendar, so congestion feeds
settlement (domain.md §8).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt
from scipy.special import expit

from courtsim.bargaining import (
    DAYS_PER_MONTH,
    consent_gain,
    costs_of_going_on,
    merit_logit,
    session_signal,
    settlement_zone,
    update_beliefs,
)
from courtsim.cases import LITIGATING_STAGES, in_stages, rows, set_rows
from courtsim.litigants import party_trust
from courtsim.sessions import Draw

if TYPE_CHECKING:
    from courtsim.model import CourtModel


class SettlementTalks:
    """The parties' bargaining at the decision points of the first instance.

    Args:
        model: The court model.
    """

    def __init__(self, model: CourtModel):
        self.model = model
        self.params = model.court_scenario.bargaining
        # Per case type: 1 while trial judges promote settlement (in-court pilot).
        self.push = np.zeros(len(model.case_type_names))
        self._lead_day = -1
        self._lead = np.zeros(0)
        self._lead_mean = 0.0

    def set_push(self, on: bool, case_types: npt.NDArray[np.bool_]) -> None:
        """Let trial judges explain the likely outcome at their sessions from today, or stop.

        Args:
            on: Whether they promote settlement.
            case_types: Mask of the case types concerned.
        """
        self.push[case_types] = 1.0 if on else 0.0

    def days_to_judgment(
        self, idx: npt.NDArray[np.int64], sessions_left: npt.NDArray[np.float64]
    ) -> npt.NDArray[np.float64]:
        """Return the expected calendar days to judgment, read from the judges' calendars.

        Each session still needed waits the judge's present lead time (working days to
        its first free slot after the notice period), read once a day (it costs a scan of
        every judge's calendar: 0.5 s a national year when read at every decision); a
        case without a judge yet (pooled courts) reads the mean lead time of all judges.

        Args:
            idx: Cases.
            sessions_left: Sessions each still needs.

        Returns:
            Days.
        """
        m = self.model
        if self._lead_day != m.day:  # the parties read the calendars as they stand today
            hp = m.hearing
            notice = max(hp.params.notice_working_days, 1)
            self._lead = hp.calendar.lead_days(hp.today_w() + notice).astype(np.float64) + notice
            self._lead_mean = self._lead.mean() if self._lead.size else 0.0
            self._lead_day = m.day
        j = m.cases.judge[idx]
        # take(): int32 judge codes index through numpy's slow conversion path.
        per_case = np.where(j >= 0, self._lead.take(np.maximum(j, 0)), self._lead_mean)
        return sessions_left * per_case * 7 / 5  # working days to calendar days

    def decide(self, idx: npt.NDArray[np.int64], contested: bool = False) -> None:
        """Apply the settlement rule to cases at a decision point today.

        Cases that are uncontested, no longer litigating, or already agreed are left out.

        Args:
            idx: Cases at a decision point.
            contested: The caller has kept only contested cases (not read again).
        """
        if idx.size == 0:
            return
        m = self.model
        c = m.cases
        st = c.stage[idx]
        keep = in_stages(st, LITIGATING_STAGES) & np.isinf(c.t_settle[idx])
        if not contested:
            keep &= c.contested[idx]
        idx, st = idx[keep], st[keep]
        if idx.size == 0:
            return
        left = m.hearing.sessions_left(idx, st)
        costs = costs_of_going_on(c, idx, left, self.days_to_judgment(idx, left), m.court_scenario)
        zone, amount = settlement_zone(
            rows(c.belief, idx),
            costs,
            m.court_scenario,
            self.cost_factor(idx),
            rows(c.award_belief, idx),
        )
        agreed = idx[zone]
        if agreed.size == 0:
            return
        c.settle_amount[agreed] = amount[zone]
        due = m.calendar.next_working_day(np.full(agreed.size, m.day + self.params.agreement_days))
        c.t_settle[agreed] = due
        c.t_withdraw[agreed] = np.inf  # agreed: the plaintiff no longer withdraws
        m.flow("new_agreements", agreed.size)

    def cost_factor(self, idx: npt.NDArray[np.int64]) -> npt.NDArray[np.float64]:
        """Return the share of the cost of agreeing left for cases in the trial court.

        A trial judge who promotes settlement (in-court pilot) also draws up and explains
        the agreement, as a conciliator would: the cost falls towards
        ``facilitated_cost_factor`` with the judge's promotion trait (at most all the way).

        Args:
            idx: Cases.

        Returns:
            Factors in [facilitated_cost_factor, 1].
        """
        m = self.model
        c = m.cases
        push = self.push.take(c.case_type[idx])
        if not push.any():
            return np.ones(idx.size)
        promo = m.judge_promotion(idx)
        return 1 - np.clip(push * promo, 0, 1) * (1 - self.params.facilitated_cost_factor)

    def after_sessions(self, idx: npt.NDArray[np.int64]) -> None:
        """Sessions held today: both parties see their signals, then decide.

        Args:
            idx: Cases whose session was held today.
        """
        if idx.size == 0:
            return
        c = self.model.cases
        idx = idx[c.contested[idx]]
        if idx.size == 0:
            return
        n = c.n_signals[idx]
        self.reveal(idx, n)
        c.n_signals[idx] = n + 1
        self.decide(idx, contested=True)

    def reveal(self, idx: npt.NDArray[np.int64], counter: npt.ArrayLike) -> None:
        """Update both parties' beliefs with the signals of a held session.

        Args:
            idx: Contested cases.
            counter: Number of the signal in each case (its own counter-based draw).
        """
        m = self.model
        c = m.cases
        b = self.params
        key, merit = c.case_key[idx], c.merit[idx]
        theta = merit_logit(merit)  # once for both signals
        s = session_signal(key, counter, merit, b.signal_sd, theta=theta)
        mean, tau = update_beliefs(
            rows(c.belief, idx),
            rows(c.belief_precision, idx),
            s,
            1.0 / b.signal_sd**2,
            b.signal_weight,
        )
        push = self.push.take(c.case_type[idx])
        if push.any():
            promo = m.judge_promotion(idx) * push
            e = session_signal(
                key, counter, merit, b.judge_explain_sd, Draw.JUDGE_EXPLAINS, theta=theta
            )
            mean, tau = update_beliefs(mean, tau, e, promo / b.judge_explain_sd**2, b.signal_weight)
        set_rows(c.belief, idx, mean)
        set_rows(c.belief_precision, idx, tau)

    def catch_up(self, idx: npt.NDArray[np.int64], n_seen: npt.NDArray[np.int64]) -> None:
        """Give cases pending on day 0 the signals of the sessions they held before it.

        Args:
            idx: Initial cases.
            n_seen: Sessions each held before day 0.
        """
        if idx.size == 0:
            return
        c = self.model.cases
        for k in range(int(n_seen.max(initial=0))):
            sel = idx[(n_seen > k) & c.contested[idx]]
            self.reveal(sel, k)
            c.n_signals[sel] += 1

    # ------------------------------------------------------------ conciliation, mediation
    def _costs(
        self,
        idx: npt.NDArray[np.int64],
        sessions: npt.NDArray[np.float64] | None,
        filed: bool,
    ):
        # Costs of going on with a facilitator: the relationship counts more.
        m = self.model
        left = m.hearing.sessions_left(idx) if sessions is None else sessions
        return costs_of_going_on(
            m.cases,
            idx,
            left,
            self.days_to_judgment(idx, left),
            m.court_scenario,
            filed=filed,
            relationship_factor=1 + self.params.relational_gain,
        )

    def channel_consent(
        self,
        idx: npt.NDArray[np.int64],
        fee_share: npt.NDArray[np.float64] | float,
        attempt_working_days: float,
        *,
        filed: bool = True,
        sessions: npt.NDArray[np.float64] | None = None,
    ) -> npt.NDArray[np.bool_]:
        """Return whether both parties agree to try conciliation or mediation.

        Each party consents when its expected gain from trying beats its half of the fee
        and the cost of the time the attempt takes (:func:`courtsim.bargaining.
        consent_gain`); uncontested claims have nothing to reconcile.

        Args:
            idx: Cases offered an attempt.
            fee_share: The provider's fee, share of the claim, per case or scalar.
            attempt_working_days: Expected length of the attempt.
            filed: Whether the claim is filed (False before filing: pre-court).
            sessions: Sessions each would need in court (default: what it has left).

        Returns:
            Boolean per case.
        """
        m = self.model
        c = m.cases
        ok = c.contested[idx].copy()
        sel = idx[ok]
        if sel.size == 0:
            return ok
        fee = np.broadcast_to(np.asarray(fee_share, dtype=float), idx.shape)[ok]
        left = None if sessions is None else sessions[ok]
        months = attempt_working_days * 7 / 5 / DAYS_PER_MONTH
        gain = consent_gain(
            self._costs(sel, left, filed),
            party_trust(m, sel),
            fee,
            months,
            rows(c.delay_cost_share, sel),
            m.court_scenario,
        )
        ok[ok] = (gain > 0).all(axis=1)
        return ok

    def closeness(self, idx: npt.NDArray[np.int64]) -> npt.NDArray[np.float64]:
        """Return how close the parties' expected chances are (conciliators' triage).

        Args:
            idx: Cases.

        Returns:
            Minus the gap between the plaintiff's and the defendant's expected chance.
        """
        b = expit(rows(self.model.cases.belief, idx))
        return -np.abs(b[:, 0] - b[:, 1])

    def attempt(
        self,
        idx: npt.NDArray[np.int64],
        evaluation_sd: npt.NDArray[np.float64],
        skill: npt.NDArray[np.float64],
        *,
        filed: bool = True,
    ) -> npt.NDArray[np.bool_]:
        """Conclude conciliation or mediation attempts: evaluate, then apply the rule.

        The conciliator or mediator gives both parties an evaluation of the merits
        (precision ``exp(skill) / evaluation_sd**2``), which each weighs by its trust
        (weight ``signal_weight x 2 x trust``, 1 at trust 0.5); the agreement costs less
        (``facilitated_cost_factor``) and preserves more of the relationship
        (``relational_gain``). The attempt settles where a settlement zone then exists.

        Args:
            idx: Cases whose attempt ends today.
            evaluation_sd: Noise of each attempt's evaluation (log-odds).
            skill: The provider's skill per case.
            filed: Whether the claim is filed (False: pre-court).

        Returns:
            Whether each settled (never an uncontested claim).
        """
        m = self.model
        c = m.cases
        b = self.params
        settled = np.zeros(idx.size, dtype=bool)
        con = c.contested[idx]
        sel = idx[con]
        if sel.size == 0:
            return settled
        sd = np.asarray(evaluation_sd, dtype=float)[con]
        s = session_signal(c.case_key[sel], c.n_signals[sel], c.merit[sel], sd, Draw.EVALUATION)
        weight = b.signal_weight * 2 * party_trust(m, sel)
        prec = np.exp(np.asarray(skill, dtype=float)[con]) / sd**2
        mean, tau = update_beliefs(
            rows(c.belief, sel), rows(c.belief_precision, sel), s, prec, weight
        )
        set_rows(c.belief, sel, mean)
        set_rows(c.belief_precision, sel, tau)
        c.n_signals[sel] += 1
        zone, amount = settlement_zone(
            mean,
            self._costs(sel, None, filed),
            m.court_scenario,
            b.facilitated_cost_factor,
            c.award_belief[sel],
        )
        c.settle_amount[sel[zone]] = amount[zone]
        settled[con] = zone
        return settled

    def evaluation_sd(self, evaluator: str) -> float:
        """Return the noise of an evaluation by ``evaluator`` (a key of ``evaluation_sd``)."""
        return self.params.evaluation_sd[evaluator]

    def mediator_evaluation_sd(self, mediator: npt.NDArray[np.int64]) -> npt.NDArray[np.float64]:
        """Return the noise of each mediator's evaluation, by the mediator's kind.

        Args:
            mediator: Mediator indices in the model's mediator pool.

        Returns:
            Noise per mediator (log-odds).
        """
        pool = self.model.mediator_pool
        by_kind = np.array([self.evaluation_sd(k) for k in pool.kind_names])
        return by_kind[pool.kind[mediator]]


__all__ = ["SettlementTalks"]
