"""Out-of-court reconciliation during proceedings: mediators and the participatory procedure."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from courtsim.cases import Channel, Outcome, Stage, in_stages, stage_mask
from courtsim.policies.base import Policy

if TYPE_CHECKING:
    from courtsim.model import CourtModel
    from courtsim.schema.pilots import OutOfCourtPolicy

_REFERABLE = (Stage.PREPARATION, Stage.AWAITING_HEARING, Stage.QUEUED)


class OutOfCourt(Policy):
    """The judge proposes mediation; if both parties agree the case is suspended.

    Cases where both parties have lawyers may choose the participatory procedure
    instead (no mediator needed). Others wait for a free mediator of the allowed kinds
    (retired judge, professional, public, in order of preference); a referral not served
    within ``max_wait_working_days`` is declined. Suspension stops the procedural clocks.
    Settled: the trial judge approves the agreement. Not settled: proceedings resume,
    before another judge where ``reassign_judge_on_failure`` is set.
    """

    channel = Channel.MEDIATION
    params: OutOfCourtPolicy

    def handlers(self) -> dict[str, Callable[[CourtModel], None]]:
        """Attempts end at ``litigation``; referrals at acceptance or at the docket."""
        refer_hook = "acceptance" if self.params.at == "acceptance" else "preparation"
        return {"litigation": self._finish, refer_hook: self.on_refer}

    def on_refer(self, m: CourtModel) -> None:
        """Take today's cases, start mediations, give up waiting."""
        if self.active():
            self._take_new(m)
        self._start_waiting(m)
        self._give_up(m)

    def _take_new(self, m: CourtModel) -> None:
        c = m.cases
        if self.params.at == "acceptance":
            new = m.active_in_stage(Stage.PREPARATION)
            new = new[c.t_accepted[new] == m.day]
        else:  # the docket: preparation ended today (at the preparation session)
            at_docket = in_stages(m.active_stages, (Stage.AWAITING_HEARING, Stage.QUEUED))
            new = m.active_cases[at_docket]
            new = new[c.t_prep_end[new] == m.day]
        new = new[self.eligible(new) & ~c.started_mediation[new] & ~c.started_participatory[new]]
        new = new[np.isinf(c.t_settle[new])]  # parties who have just agreed need no mediator
        offered = new[c.u_med_offer[new] < self.params.p_offer]
        days = self.params.dur_mediation_working_days.mean()
        go = offered[m.talks.channel_consent(offered, self.expected_fee_share(offered), days)]
        if go.size == 0:
            return
        lawyers = c.lawyer[go].all(axis=1)
        part = lawyers & (c.u_med_choice[go] < self.params.p_participatory)
        p_idx = go[part]
        if p_idx.size:
            self.refer(p_idx, Channel.PARTICIPATORY)
            self.start(p_idx, Channel.PARTICIPATORY)
            dur = self.params.dur_participatory_working_days.from_uniform(c.u_med_dur[p_idx])
            self._suspend(m, p_idx, dur)
        self.refer(go[~part])

    def _start_waiting(self, m: CourtModel) -> None:
        idx = self.start_with_mediators(self.waiting(_REFERABLE))
        if idx.size == 0:
            return
        c = m.cases
        dur = self.params.dur_mediation_working_days.from_uniform(c.u_med_dur[idx])
        latest = np.full(idx.size, m.day + self.params.suspension_limit_days, dtype=np.int64)
        end = self.attempt_end(idx, m.mediator_pool, c.mediator[idx].astype(np.int64), dur, latest)
        m.suspend(idx, end)

    def _suspend(self, m: CourtModel, idx: npt.NDArray[np.int64], dur_wd: np.ndarray) -> None:
        # The participatory procedure: the lawyers need no provider's calendar.
        end = self.duration_end(idx, dur_wd)
        end = np.minimum(end, m.day + self.params.suspension_limit_days)
        m.suspend(idx, end)

    def _give_up(self, m: CourtModel) -> None:
        c = m.cases
        sel = m.active_waiting == int(Channel.MEDIATION)
        waiting, stage = m.active_cases[sel], m.active_stages[sel]
        mine = self.owns(c.t_referred_mediation[waiting])
        waiting, stage = waiting[mine], stage[mine]
        if waiting.size == 0:
            return
        moved_on = ~stage_mask(_REFERABLE).take(stage)
        waited = m.working_days_since(c.t_referred_mediation[waiting])
        late = waiting[moved_on | (waited >= self.params.max_wait_working_days)]
        if late.size:
            self.decline(late)

    def _finish(self, m: CourtModel) -> None:
        c = m.cases
        due = m.active_in_stage(Stage.MEDIATION)
        # A participatory procedure is referred under its own channel's column.
        is_part = c.active_channel[due] == Channel.PARTICIPATORY
        t_ref = np.where(is_part, c.t_referred_participatory[due], c.t_referred_mediation[due])
        due = due[(c.t_next[due] <= m.day) & self.owns(t_ref)]
        if due.size == 0:
            return
        part = c.active_channel[due] == Channel.PARTICIPATORY
        skill = np.where(part, 0.0, m.mediator_pool.skill[np.maximum(c.mediator[due], 0)])
        by_mediator = m.talks.mediator_evaluation_sd(np.maximum(c.mediator[due], 0))
        sd = np.where(part, m.talks.evaluation_sd("participatory"), by_mediator)
        settled = m.talks.attempt(due, sd, skill)
        m.mediator_pool.release(np.where(part, -1, c.mediator[due]))
        self.conclude(due, settled)
        m.dispose(due[settled & part], Outcome.SETTLED_PARTICIPATORY)
        m.dispose(due[settled & ~part], Outcome.SETTLED_MEDIATION)
        m.resume(due[~settled], reassign=self.params.reassign_judge_on_failure)
