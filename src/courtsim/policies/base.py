"""The policy template: a reconciliation channel hooked into named points of the day."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from courtsim.cases import Channel, Stage, stage_mask
from courtsim.litigants import update_trust
from courtsim.ordering import stable_argsort
from courtsim.providers import ProviderPool
from courtsim.sessions import Draw, case_uniform

if TYPE_CHECKING:
    from courtsim.model import CourtModel


class Policy:
    """A channel switched on by the scenario from ``params.start_day`` (to ``params.end_day``).

    Subclasses list their handlers in :meth:`handlers` (hook name -> method); the model
    calls them at those points of every day. New referrals happen only while the policy
    is :meth:`active`; attempts under way always run to their end, with the parameters
    of the entry that referred them (:meth:`owns`).

    Args:
        params: The policy's validated parameters.
        model: The model.
    """

    channel: Channel = Channel.NONE

    def __init__(self, params: Any, model: CourtModel):
        self.params = params
        self.model = model
        names = list(model.court_scenario.case_types)
        chosen = params.case_types
        self._type_ok = np.array([chosen is None or n in chosen for n in names], dtype=bool)

    def handlers(self) -> dict[str, Callable[[CourtModel], None]]:
        """Return hook name -> handler."""
        raise NotImplementedError

    def active(self) -> bool:
        """Whether the channel takes new cases today: ``start_day <= day < end_day``."""
        end = self.params.end_day
        return self.model.day >= self.params.start_day and (end is None or self.model.day < end)

    def owns(self, t_referred: npt.NDArray[np.float64]) -> npt.NDArray[np.bool_]:
        """Return which cases this entry referred, by their referral day.

        A channel may be given by several entries with windows that do not overlap; each
        entry waits for, starts and concludes only the attempts it referred, with its own
        parameters, also after its window has closed.

        Args:
            t_referred: Referral day of each case (NaN if never referred).

        Returns:
            Boolean mask.
        """
        end = self.params.end_day
        mine = t_referred >= self.params.start_day
        return mine if end is None else mine & (t_referred < end)

    def eligible(self, idx: npt.NDArray[np.int64]) -> npt.NDArray[np.bool_]:
        """Return which cases are of a type the channel applies to.

        Args:
            idx: Cases.

        Returns:
            Boolean mask.
        """
        return self._type_ok[self.model.cases.case_type[idx]]

    def waiting(self, stages: tuple[Stage, ...]) -> npt.NDArray[np.int64]:
        """Return cases waiting for this channel's provider, oldest referral first.

        Args:
            stages: Stages in which waiting cases may be.

        Returns:
            Case indices.
        """
        m = self.model
        c = m.cases
        sel = m.active_waiting == int(self.channel)
        idx = m.active_cases[sel]
        if idx.size == 0:  # the usual case, and cheap: skip the rest
            return idx
        idx = idx[stage_mask(stages).take(m.active_stages[sel])]
        t_ref = getattr(c, f"t_referred_{self.channel.name.lower()}")[idx]
        mine = self.owns(t_ref)
        idx, t_ref = idx[mine], t_ref[mine]
        return idx[stable_argsort(t_ref)]

    def refer(self, idx: npt.NDArray[np.int64], channel: Channel | None = None) -> None:
        """Record that both parties of cases ``idx`` agreed, and put them in the queue.

        Args:
            idx: Cases.
            channel: The channel, if not the policy's own.
        """
        ch = channel or self.channel
        name = ch.name.lower()
        c = self.model.cases
        getattr(c, f"referred_{name}")[idx] = True
        getattr(c, f"t_referred_{name}")[idx] = self.model.day
        self.model.set_waiting(idx, ch)
        self.model.flow(f"new_referred_{name}", idx.size)

    def start(self, idx: npt.NDArray[np.int64], channel: Channel | None = None) -> None:
        """Record that attempts on cases ``idx`` start today.

        Args:
            idx: Cases.
            channel: The channel, if not the policy's own.
        """
        ch = channel or self.channel
        name = ch.name.lower()
        c = self.model.cases
        getattr(c, f"started_{name}")[idx] = True
        getattr(c, f"t_started_{name}")[idx] = self.model.day
        self.model.set_waiting(idx, Channel.NONE)
        c.active_channel[idx] = ch
        self.model.flow(f"new_started_{name}", idx.size)

    def decline(self, idx: npt.NDArray[np.int64]) -> None:
        """Give up waiting for a provider: the case goes on without the attempt.

        Args:
            idx: Cases.
        """
        name = self.channel.name.lower()
        c = self.model.cases
        getattr(c, f"declined_{name}")[idx] = True
        self.model.set_waiting(idx, Channel.NONE)
        self.model.flow(f"new_declined_{name}", idx.size)

    def conclude(self, idx: npt.NDArray[np.int64], settled: npt.NDArray[np.bool_]) -> None:
        """Record the end of attempts: counts by channel, and the courts' trust.

        Args:
            idx: Cases whose attempt ends today.
            settled: Whether each settled.
        """
        m = self.model
        c = m.cases
        ch = c.active_channel[idx].astype(np.intp)
        present = np.bincount(ch, minlength=len(Channel))
        failed = np.bincount(ch[~settled], minlength=len(Channel))
        for k in np.flatnonzero(present):
            m.flow(f"new_failed_{Channel(int(k)).name.lower()}", int(failed[k]))
        c.active_channel[idx] = Channel.NONE
        update_trust(m, c.court[idx].astype(np.int64), settled)

    def start_with_mediators(self, waiting: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
        """Give waiting cases free mediators of the allowed kinds; start their attempts.

        Args:
            waiting: Cases waiting for a mediator, in priority order.

        Returns:
            The cases that got a mediator (their fee is charged, the attempt started).
        """
        m = self.model
        c = m.cases
        take, provider = m.mediator_pool.allocate(
            c.court[waiting].astype(np.int64), self.params.mediator_kinds
        )
        idx = waiting[take]
        if idx.size:
            c.mediator[idx] = provider
            m.charge_mediator_fee(idx, provider)
            self.start(idx)
        return idx

    def expected_fee_share(self, idx: npt.NDArray[np.int64]) -> npt.NDArray[np.float64]:
        """Return the mediator's fee the parties expect, as a share of each claim.

        Parties decide before a mediator is assigned, so they expect the fee (with its
        cap) of the channel's first preferred kind of mediator.

        Args:
            idx: Cases.

        Returns:
            Fee shares.
        """
        kind = getattr(self.model.court_scenario.mediators, self.params.mediator_kinds[0])
        claim = self.model.cases.claim_value_kzt[idx]
        fee = np.minimum(kind.fee_share * claim, kind.fee_cap_kzt)
        return np.where(claim > 0, fee / np.maximum(claim, 1e-9), 0.0)

    def attempt_end(
        self,
        idx: npt.NDArray[np.int64],
        pool: ProviderPool,
        provider: npt.NDArray[np.int64],
        working_days: npt.NDArray[np.float64],
        latest: npt.NDArray[np.int64],
    ) -> npt.NDArray[np.int64]:
        """Return the day an attempt starting today ends: its last session, or later.

        The attempt's sessions are booked in its provider's calendar from the next working
        day; it ends on its last session or after its drawn duration, whichever is later,
        and never after ``latest`` (sessions beyond it do not happen).

        Args:
            idx: Cases whose attempt starts today.
            pool: The providers' pool.
            provider: Provider of each.
            working_days: Drawn length of each attempt, in working days.
            latest: Day by which each attempt must end (its time limit).

        Returns:
            End days.
        """
        m = self.model
        cal = m.calendar
        latest_w = cal.n_worked[np.minimum(latest, len(cal.n_worked) - 1)] - 1
        u = case_uniform(m.cases.case_key[idx], int(self.channel), Draw.PROVIDER_SESSIONS)
        today_w = int(cal.n_worked[m.day]) - 1
        last_w = pool.book_sessions(provider, u, today_w + 1, latest_w)
        last = np.where(last_w >= 0, cal.working_days[np.maximum(last_w, 0)], 0)
        return np.minimum(np.maximum(self.duration_end(idx, working_days), last), latest)

    def duration_end(
        self, idx: npt.NDArray[np.int64], working_days: npt.NDArray[np.float64]
    ) -> npt.NDArray[np.int64]:
        """Return the day an attempt of ``working_days`` starting today ends.

        Args:
            idx: Cases.
            working_days: Length of each attempt, in working days.

        Returns:
            End days.
        """
        m = self.model
        n = np.maximum(np.rint(working_days), 1).astype(np.int64)
        return m.calendar.add_working_days(m.day, n)  # today, broadcast over n
