"""Pre-court reconciliation: disputes try a reconciliation centre or mediation room first."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from courtsim.cases import Channel, Outcome, Stage
from courtsim.policies.base import Policy

if TYPE_CHECKING:
    from courtsim.model import CourtModel
    from courtsim.schema.pilots import PreCourtPolicy


class PreCourt(Policy):
    """Before filing, disputes of chosen types try reconciliation with a mediator.

    Voluntary: parties who learn of it (``p_offer``) and both consent try it. Mandatory
    (a compulsory pre-trial procedure): every dispute must try; a share files without
    trying and has its claim returned. Settled disputes never reach the court; the others
    are filed when the attempt ends (or when no mediator is free in time).
    """

    channel = Channel.PRE_COURT
    params: PreCourtPolicy

    def handlers(self) -> dict[str, Callable[[CourtModel], None]]:
        """Everything happens at ``arise``, before the day's claims are filed."""
        return {"arise": self.on_arise}

    def on_arise(self, m: CourtModel) -> None:
        """Finish due attempts, take today's disputes, start attempts, give up waiting."""
        self._finish(m)
        if self.active():
            self._take_new(m)
        self._start_waiting(m)
        self._give_up(m)

    def _take_new(self, m: CourtModel) -> None:
        c, p = m.cases, self.params
        new = m.new_disputes
        idx = new[self.eligible(new)]
        if idx.size == 0:
            return
        # Before filing the parties weigh the whole court process against trying.
        sessions = m.hearing.has_preliminary[c.case_type[idx]] + c.n_main[idx].astype(float)
        agree = m.talks.channel_consent(
            idx,
            self.expected_fee_share(idx),
            p.dur_working_days.mean(),
            filed=False,
            sessions=sessions,
        )
        if p.mandatory:
            skip = c.u_pre_offer[idx] < p.p_skip_mandatory
            c.skipped_pretrial[idx[skip]] = True
            go = idx[~skip]
            c.pre_court_consent[go] = agree[~skip]
        else:
            go = idx[(c.u_pre_offer[idx] < p.p_offer) & agree]
            c.pre_court_consent[go] = True
        if go.size == 0:
            return
        m.move(go, Stage.PRE_COURT)
        m.take_disputes(go)
        self.refer(go)

    def _start_waiting(self, m: CourtModel) -> None:
        idx = self.start_with_mediators(self.waiting((Stage.PRE_COURT,)))
        if idx.size == 0:
            return
        c = m.cases
        dur = self.params.dur_working_days.from_uniform(c.u_pre_dur[idx])
        # An attempt lasts at most a month (Law on Mediation, domain.md §1.2 [U]).
        latest = np.full(idx.size, m.day + self.params.max_duration_days, dtype=np.int64)
        c.t_next[idx] = self.attempt_end(
            idx, m.mediator_pool, c.mediator[idx].astype(np.int64), dur, latest
        )

    def _finish(self, m: CourtModel) -> None:
        c = m.cases
        due = m.active_in_stage(Stage.PRE_COURT)  # then the other columns of these only
        due = due[(c.active_channel[due] == Channel.PRE_COURT) & (c.t_next[due] <= m.day)]
        due = due[self.owns(c.t_referred_pre_court[due])]
        if due.size == 0:
            return
        skill = m.mediator_pool.skill[c.mediator[due]]
        sd = m.talks.mediator_evaluation_sd(c.mediator[due])
        settled = m.talks.attempt(due, sd, skill, filed=False) & c.pre_court_consent[due]
        m.mediator_pool.release(c.mediator[due])
        self.conclude(due, settled)
        done = due[settled]
        c.t_disposed[done] = m.day
        c.outcome[done] = Outcome.SETTLED_PRE_COURT
        c.judge_hours_saved[done] = c.effort_hours[done]
        c.sessions_saved[done] = m.hearing.sessions_left(done)
        m.move(done, Stage.SETTLED_PRE_COURT)
        m.flow("new_settled_pre_court", done.size)
        m.file_claims(due[~settled])

    def _give_up(self, m: CourtModel) -> None:
        waiting = self.waiting((Stage.PRE_COURT,))
        if waiting.size == 0:
            return
        c = m.cases
        waited = m.working_days_since(c.t_referred_pre_court[waiting])
        late = waiting[waited >= self.params.max_wait_working_days]
        if late.size:
            self.decline(late)
            m.file_claims(late)
