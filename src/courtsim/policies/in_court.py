"""In-court reconciliation: conciliation judges at claim acceptance; judges promoting settlement."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from courtsim.cases import Channel, Outcome, Stage
from courtsim.ordering import stable_argsort
from courtsim.policies.base import Policy

if TYPE_CHECKING:
    from courtsim.model import CourtModel
    from courtsim.schema.pilots import InCourtPolicy


class InCourt(Policy):
    """Conciliation at acceptance (CPC as amended 2020; judge-conciliators from 2024).

    Eligible claims are offered conciliation; where both parties consent the claim waits
    for a conciliation judge of its court, who triages waiting claims by their chance of
    settling (how close the parties' expectations are). Acceptance then takes up to
    ``conciliation.time_limit_working_days``. A claim that settles is disposed by the
    conciliation judge; one that does not is accepted and goes to a trial judge (never the
    conciliator). From ``start_day`` (to ``end_day``) trial judges also explain the likely
    outcome at every held session (:meth:`SettlementTalks.set_push`, scaled by each judge's
    promotion trait); when the window closes the push stops, unless a later in_court entry
    is open.
    """

    channel = Channel.CONCILIATION
    params: InCourtPolicy

    def __init__(self, params: InCourtPolicy, model: CourtModel):
        super().__init__(params, model)
        self._push_on = False

    def handlers(self) -> dict[str, Callable[[CourtModel], None]]:
        """Everything happens right after the day's filings, before acceptance rulings."""
        return {"filing": self.on_filing}

    def on_filing(self, m: CourtModel) -> None:
        """Switch trial judges' push on or off, finish due conciliations, take new claims."""
        on = self.active()
        if on != self._push_on:
            self._push_on = on
            others = (p for p in m.policies if p is not self and isinstance(p, InCourt))
            m.talks.set_push(on or any(p.active() for p in others), self._type_ok)
        self._finish(m)
        if self.active():
            self._take_new(m)
        self._start_waiting(m)

    def _take_new(self, m: CourtModel) -> None:
        c = m.cases
        new = m.active_in_stage(Stage.FILED)
        new = new[c.t_filed[new] == m.day]
        # Claims the acceptance review will return are not conciliated (inadmissible).
        new = new[self.eligible(new) & ~m.will_be_returned(new)]
        # A court without conciliation judges has its conciliation channel closed.
        staffed = np.bincount(m.conciliators.court, minlength=len(m.court_names)) > 0
        new = new[staffed[c.court[new].astype(np.int64)]]
        offered = new[c.u_conc_offer[new] < self.params.p_offer]
        days = m.court_scenario.conciliation.dur_working_days.mean()
        go = offered[m.talks.channel_consent(offered, 0.0, days)]
        if go.size:
            self.refer(go)
            # Triage score, fixed at referral: how close the parties' expectations are.
            c.triage_score[go] = m.talks.closeness(go)

    def _start_waiting(self, m: CourtModel) -> None:
        waiting = self.waiting((Stage.FILED,))
        if waiting.size == 0:
            return
        c = m.cases
        limit = m.court_scenario.conciliation.time_limit_working_days
        latest = m.calendar.add_working_days(
            c.t_filed[waiting].astype(np.int64), np.full(waiting.size, limit)
        )
        in_time = latest > m.day
        waiting, latest = waiting[in_time], latest[in_time]
        if self.params.triage:  # most likely to settle first (domain.md §1.4, Shymkent)
            order = stable_argsort(-c.triage_score[waiting])
            waiting, latest = waiting[order], latest[order]
        take, provider = m.conciliators.allocate(
            c.court[waiting].astype(np.int64), ("conciliation_judge",)
        )
        if take.size == 0:
            return
        idx, latest = waiting[take], latest[take]
        c.conciliator[idx] = provider
        self.start(idx)
        m.move(idx, Stage.CONCILIATION)
        dur = m.court_scenario.conciliation.dur_working_days.from_uniform(c.u_conc_dur[idx])
        c.t_next[idx] = self.attempt_end(idx, m.conciliators, provider, dur, latest)

    def _finish(self, m: CourtModel) -> None:
        c = m.cases
        due = m.active_in_stage(Stage.CONCILIATION)
        due = due[(c.t_next[due] <= m.day) & self.owns(c.t_referred_conciliation[due])]
        if due.size == 0:
            return
        skill = m.conciliators.skill[c.conciliator[due]]
        sd = np.full(due.size, m.talks.evaluation_sd("conciliation_judge"))
        settled = m.talks.attempt(due, sd, skill)
        m.conciliators.release(c.conciliator[due])
        self.conclude(due, settled)
        m.dispose(due[settled], Outcome.SETTLED_CONCILIATION)
        m.accept(due[~settled])
