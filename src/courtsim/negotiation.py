"""Settlement talks in the trial court: the decision points where the parties bargain.

With ``bargaining.enabled``, the parties of a contested claim apply the settlement rule of
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

from courtsim.bargaining import (
    costs_of_going_on,
    session_signal,
    settlement_zone,
    update_beliefs,
)
from courtsim.cases import LITIGATING_STAGES
from courtsim.sessions import Draw

if TYPE_CHECKING:
    from courtsim.model import CourtModel

_LITIGATING_LUT = np.zeros(32, dtype=bool)
_LITIGATING_LUT[list(LITIGATING_STAGES)] = True


class SettlementTalks:
    """The parties' bargaining at the decision points of the first instance.

    Args:
        model: The court model.
    """

    def __init__(self, model: CourtModel):
        self.model = model
        self.params = model.court_scenario.bargaining
        self.enabled = self.params.enabled
        # Per case type: 1 while trial judges promote settlement (in-court pilot).
        self.push = np.zeros(len(model.case_type_names))

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
        its first free slot after the notice period); a case without a judge yet (pooled
        courts) reads the mean lead time of all judges.

        Args:
            idx: Cases.
            sessions_left: Sessions each still needs.

        Returns:
            Days.
        """
        m = self.model
        hp = m.hearing
        notice = max(hp.params.notice_working_days, 1)
        lead = hp.calendar.lead_days(hp.today_w() + notice).astype(np.float64) + notice
        j = m.cases.judge[idx]
        per_case = np.where(j >= 0, lead[np.maximum(j, 0)], lead.mean() if lead.size else 0.0)
        return sessions_left * per_case * 7 / 5  # working days to calendar days

    def decide(self, idx: npt.NDArray[np.int64]) -> None:
        """Apply the settlement rule to cases at a decision point today.

        Cases that are uncontested, no longer litigating, or already agreed are left out.

        Args:
            idx: Cases at a decision point.
        """
        if not self.enabled or idx.size == 0:
            return
        m = self.model
        c = m.cases
        idx = idx[c.contested[idx] & _LITIGATING_LUT[c.stage[idx]] & np.isinf(c.t_settle[idx])]
        if idx.size == 0:
            return
        left = m.hearing.sessions_left(idx)
        costs = costs_of_going_on(c, idx, left, self.days_to_judgment(idx, left), m.court_scenario)
        zone, amount = settlement_zone(c.belief[idx], costs, m.court_scenario)
        agreed = idx[zone]
        if agreed.size == 0:
            return
        c.settle_amount[agreed] = amount[zone]
        due = m.calendar.next_working_day(np.full(agreed.size, m.day + self.params.agreement_days))
        c.t_settle[agreed] = due
        c.t_withdraw[agreed] = np.inf  # agreed: the plaintiff no longer withdraws
        m.flow("new_agreements", agreed.size)

    def after_sessions(self, idx: npt.NDArray[np.int64]) -> None:
        """Sessions held today: both parties see their signals, then decide.

        Args:
            idx: Cases whose session was held today.
        """
        if not self.enabled or idx.size == 0:
            return
        c = self.model.cases
        idx = idx[c.contested[idx]]
        if idx.size == 0:
            return
        self.reveal(idx, c.n_signals[idx])
        c.n_signals[idx] += 1
        self.decide(idx)

    def reveal(self, idx: npt.NDArray[np.int64], counter: npt.ArrayLike) -> None:
        """Update both parties' beliefs with the signals of a held session.

        Args:
            idx: Contested cases.
            counter: Number of the signal in each case (its own counter-based draw).
        """
        m = self.model
        c = m.cases
        b = self.params
        merit = c.merit[idx]
        s = session_signal(c.case_key[idx], counter, merit, b.signal_sd)
        mean, tau = update_beliefs(
            c.belief[idx], c.belief_precision[idx], s, 1.0 / b.signal_sd**2, b.signal_weight
        )
        push = self.push[c.case_type[idx]]
        if push.any():
            j = c.judge[idx]
            promo = np.where(j >= 0, m.judge_traits.promotion[np.maximum(j, 0)], 1.0) * push
            e = session_signal(
                c.case_key[idx], counter, merit, b.judge_explain_sd, Draw.JUDGE_EXPLAINS
            )
            mean, tau = update_beliefs(mean, tau, e, promo / b.judge_explain_sd**2, b.signal_weight)
        c.belief[idx] = mean
        c.belief_precision[idx] = tau

    def catch_up(self, idx: npt.NDArray[np.int64], n_seen: npt.NDArray[np.int64]) -> None:
        """Give cases pending on day 0 the signals of the sessions they held before it.

        Args:
            idx: Initial cases.
            n_seen: Sessions each held before day 0.
        """
        if not self.enabled or idx.size == 0:
            return
        c = self.model.cases
        for k in range(int(n_seen.max(initial=0))):
            sel = idx[(n_seen > k) & c.contested[idx]]
            self.reveal(sel, k)
            c.n_signals[sel] += 1


__all__ = ["SettlementTalks"]
