"""The policy template: a reconciliation channel hooked into named points of the day."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from courtsim.cases import Channel, Stage
from courtsim.litigants import update_trust

if TYPE_CHECKING:
    from courtsim.model import CourtModel


class Policy:
    """A channel switched on by the scenario from ``params.start_day``.

    Subclasses list their handlers in :meth:`handlers` (hook name -> method); the model
    calls them at those points of every day. New referrals happen only while the policy
    is :meth:`active`; attempts under way always run to their end.

    Args:
        params: The policy's validated parameters.
        model: The model.
    """

    channel: Channel = Channel.NONE

    def __init__(self, params: Any, model: CourtModel):
        self.params = params
        self.model = model
        names = list(model.scenario.case_types)
        chosen = params.case_types
        self._type_ok = np.array([chosen is None or n in chosen for n in names], dtype=bool)

    def handlers(self) -> dict[str, Callable[[CourtModel], None]]:
        """Return hook name -> handler."""
        raise NotImplementedError

    def active(self) -> bool:
        """Whether the channel takes new cases today."""
        return self.model.day >= self.params.start_day

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
        act = m.active_cases
        c = m.cases
        idx = act[c.waiting_channel[act] == self.channel]
        idx = idx[np.isin(c.stage[idx], stages)]
        t_ref = getattr(c, f"t_referred_{self.channel.name.lower()}")[idx]
        return idx[np.argsort(t_ref, kind="stable")]

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
        c.waiting_channel[idx] = ch
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
        c.waiting_channel[idx] = Channel.NONE
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
        c.waiting_channel[idx] = Channel.NONE
        self.model.flow(f"new_declined_{name}", idx.size)

    def conclude(self, idx: npt.NDArray[np.int64], settled: npt.NDArray[np.bool_]) -> None:
        """Record the end of attempts: counts by channel, and the courts' trust.

        Args:
            idx: Cases whose attempt ends today.
            settled: Whether each settled.
        """
        m = self.model
        c = m.cases
        for ch in np.unique(c.active_channel[idx]):
            sel = c.active_channel[idx] == ch
            name = Channel(int(ch)).name.lower()
            m.flow(f"new_failed_{name}", int((sel & ~settled).sum()))
        c.active_channel[idx] = Channel.NONE
        update_trust(m, c.court[idx].astype(np.int64), settled)

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
        return m.calendar.add_working_days(np.full(idx.size, m.day, dtype=np.int64), n)
