"""In-court reconciliation: conciliation judges at claim acceptance; judges promoting settlement."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from courtsim.cases import Channel, Outcome, Stage
from courtsim.litigants import consent, p_settle
from courtsim.policies.base import Policy

if TYPE_CHECKING:
    from courtsim.model import CourtModel
    from courtsim.params_pilots import InCourtPolicy


class InCourt(Policy):
    """Conciliation at acceptance (CPC as amended 2020; judge-conciliators from 2024).

    Eligible claims are offered conciliation; where both parties consent the claim waits
    for a conciliation judge of its court, who triages waiting claims by their chance of
    settling. Acceptance then takes up to ``conciliation.time_limit_working_days``. A
    claim that settles is disposed by the conciliation judge; one that does not is
    accepted and goes to a trial judge (never the conciliator). From ``start_day`` trial
    judges also promote settlement at every stage (``trial_settlement_boost``).
    """

    channel = Channel.CONCILIATION
    params: InCourtPolicy

    def __init__(self, params: InCourtPolicy, model: CourtModel):
        super().__init__(params, model)
        self._boost_on = False

    def handlers(self) -> dict[str, Callable[[CourtModel], None]]:
        """Everything happens right after the day's filings, before acceptance rulings."""
        return {"filing": self.on_filing}

    def on_filing(self, m: CourtModel) -> None:
        """Finish due conciliations, take today's claims, start conciliations."""
        if self.active() and not self._boost_on:
            m.set_settlement_boost(
                self.params.trial_settlement_boost, self.params.trial_willingness_boost
            )
            self._boost_on = True
        self._finish(m)
        if self.active():
            self._take_new(m)
        self._start_waiting(m)

    def _take_new(self, m: CourtModel) -> None:
        c = m.cases
        act = m.active_cases
        new = act[(c.stage[act] == Stage.FILED) & (c.t_filed[act] == m.day)]
        new = new[self.eligible(new) & ~c.skipped_pretrial[new]]
        offered = new[c.u_conc_offer[new] < self.params.p_offer]
        go = offered[consent(m, offered)]
        if go.size:
            self.refer(go)
            # Triage score: the claim's chance of settling, fixed at referral.
            c.triage_score[go] = p_settle(m, go, self.params.p_settle)

    def _start_waiting(self, m: CourtModel) -> None:
        waiting = self.waiting((Stage.FILED,))
        if waiting.size == 0:
            return
        c = m.cases
        limit = m.scenario.conciliation.time_limit_working_days
        latest = m.calendar.add_working_days(
            c.t_filed[waiting].astype(np.int64), np.full(waiting.size, limit)
        )
        waiting = waiting[latest > m.day]
        if self.params.triage:  # most likely to settle first (domain.md §1.4, Shymkent)
            waiting = waiting[np.argsort(-c.triage_score[waiting], kind="stable")]
        take, provider = m.conciliators.allocate(
            c.court[waiting].astype(np.int64), ("conciliation_judge",)
        )
        if take.size == 0:
            return
        idx = waiting[take]
        c.conciliator[idx] = provider
        self.start(idx)
        m.move(idx, Stage.CONCILIATION)
        dur = m.scenario.conciliation.dur_working_days.from_uniform(c.u_conc_dur[idx])
        latest = m.calendar.add_working_days(
            c.t_filed[idx].astype(np.int64), np.full(idx.size, limit)
        )
        c.t_next[idx] = np.minimum(self.duration_end(idx, dur), latest)

    def _finish(self, m: CourtModel) -> None:
        c = m.cases
        due = m.active_in_stage(Stage.CONCILIATION)
        due = due[c.t_next[due] <= m.day]
        if due.size == 0:
            return
        skill = m.conciliators.skill[c.conciliator[due]]
        settled = c.u_conc_settle[due] < p_settle(m, due, self.params.p_settle, skill)
        m.conciliators.release(c.conciliator[due])
        self.conclude(due, settled)
        m.dispose(due[settled], Outcome.SETTLED_CONCILIATION)
        m.accept(due[~settled])
