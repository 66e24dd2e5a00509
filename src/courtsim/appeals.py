"""The appeal instance: each region's appellate bench, its calendar and its queue.

A party that appeals files within the appeal window (one month, CPC); the appeal then
waits for a session in the calendar of an appellate judge of the region (475 appellate
judges nationally, ``domain.md`` §2.3), which may be adjourned; at the session it is
decided (corrected or upheld, §2.4) or settled, with the appeal fee refunded (§1.6).
The case stays disposed at first instance: the appeal is its own queue, with its own
KPIs (appeal clearance rate, appeal disposition time, share corrected). Cassation is out
of scope.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from courtsim.hearing_calendar import SlotCalendar
from courtsim.ordering import stable_argsort_by
from courtsim.sessions import Draw, case_uniform

if TYPE_CHECKING:
    from courtsim.model import CourtModel


class AppealTier:
    """Appellate judges per region, booked like first-instance calendars.

    Args:
        model: The court model.
    """

    def __init__(self, model: CourtModel):
        sc = model.court_scenario
        self.model = model
        self.params = sc.appeals
        ratio = self.params.judges_per_first_instance_judge
        per_court = np.where(
            ratio > 0, np.maximum(np.rint(ratio * model.court_n_judges), 1), 0
        ).astype(np.int64)
        self.n_judges = per_court
        self.first = np.r_[0, np.cumsum(per_court)[:-1]].astype(np.int64)
        self.enabled = bool(per_court.sum() > 0)
        rate = np.full(int(per_court.sum()), self.params.slots_per_day)
        self.calendar = SlotCalendar(rate, len(model.calendar.working_days) if self.enabled else 1)
        self.waiting = np.empty(0, dtype=np.int64)  # appealed, window not yet over
        self.pending = np.empty(0, dtype=np.int64)  # before the appellate court

    @property
    def n_pending(self) -> int:
        """Appeals before the appellate court (filed, not yet decided)."""
        return int(self.pending.size)

    def appeal(self, idx: npt.NDArray[np.int64]) -> None:
        """Record appeals lodged against today's decisions (they reach the court later).

        Args:
            idx: Cases whose decision a party appeals.
        """
        if idx.size == 0:
            return
        m = self.model
        m.cases.t_appeal[idx] = m.day + self.params.window_days
        if self.enabled:
            self.waiting = np.concatenate([self.waiting, np.sort(idx)])

    def step(self) -> None:
        """Receive appeals whose window is over, hold today's sessions, book the next ones."""
        m = self.model
        if not self.enabled or not m.calendar.is_working[m.day]:
            return
        c = m.cases
        arrived = self.waiting[c.t_appeal[self.waiting] <= m.day]
        if arrived.size:
            self.waiting = self.waiting[c.t_appeal[self.waiting] > m.day]
            court = c.court[arrived].astype(np.int64)
            u = case_uniform(c.case_key[arrived], 0, Draw.APPEAL_JUDGE)
            c.appeal_judge[arrived] = self.first[court] + np.floor(u * self.n_judges[court]).astype(
                np.int64
            )
            c.t_appeal[arrived] = m.day
            self.pending = np.concatenate([self.pending, arrived])
            m.flow("new_appeal_received", arrived.size)
        w = int(m.calendar.n_worked[m.day]) - 1
        today = self.pending[c.appeal_session_w[self.pending] == w]
        if today.size:
            c.appeal_session_w[today] = -1
            k = c.appeal_sessions[today]
            c.appeal_sessions[today] += 1
            adjourned = (
                case_uniform(c.case_key[today], k, Draw.APPEAL_ADJOURNED) < self.params.p_adjourned
            )
            decided = today[~adjourned]
            if decided.size:
                settle = (
                    case_uniform(c.case_key[decided], 0, Draw.APPEAL_SETTLED)
                    < self.params.p_settled
                )
                c.appeal_settled[decided] = settle & ~c.appeal_corrected[decided]
                c.appeal_corrected[decided] &= ~c.appeal_settled[decided]
                c.t_appeal_decided[decided] = m.day
                refund = c.appeal_settled[decided]
                fee = c.state_fee_kzt[decided[refund]] * self.params.fee_share_of_claim_fee
                c.fee_refund_kzt[decided[refund]] += (
                    fee * m.court_scenario.costs.fee_refund_share_on_settlement
                )
                self.pending = self.pending[np.isnan(c.t_appeal_decided[self.pending])]
                m.flow("new_appeal_decided", decided.size)
                m.flow("new_appeal_corrected", int(c.appeal_corrected[decided].sum()))
                m.flow("new_appeal_settled", int(c.appeal_settled[decided].sum()))
        need = self.pending[c.appeal_session_w[self.pending] < 0]
        if need.size:
            need = need[stable_argsort_by(c.t_appeal[need], need)]  # ties: filing order
            days = self.calendar.book(
                c.appeal_judge[need].astype(np.int64), w + max(self.params.notice_working_days, 1)
            )
            c.appeal_session_w[need] = days
