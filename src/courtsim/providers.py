"""Pools of conciliation judges and mediators: capacity, allocation and release, vectorised."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from courtsim.docket import fill_slots, top_per_group
from courtsim.hearing_calendar import SlotCalendar
from courtsim.schema.distributions import Dist


@dataclass
class ProviderPool:
    """Providers of one family (conciliation judges, or mediators of every kind).

    Each provider belongs to a court, has a kind (an index into ``kind_names``), a number
    of cases it can hold at once, and a skill (log-odds shift of settlement).

    Attributes:
        court: Court of each provider.
        kind: Kind code of each provider.
        capacity: Cases each can hold at once.
        skill: Log-odds shift of each.
        kind_names: Names of the kind codes.
        held: Cases each holds now.
    """

    court: npt.NDArray[np.int64]
    kind: npt.NDArray[np.int64]
    capacity: npt.NDArray[np.int64]
    skill: npt.NDArray[np.float64]
    kind_names: tuple[str, ...]
    sessions_per_day: npt.NDArray[np.float64]
    sessions_per_attempt: tuple[Dist, ...]  # one per kind
    n_working_days: int
    held: npt.NDArray[np.int64] = field(init=False)
    calendar: SlotCalendar = field(init=False)
    _ranked: dict[tuple[str, ...], tuple[npt.NDArray[np.bool_], npt.NDArray[np.int64]]] = field(
        init=False, default_factory=dict, repr=False
    )

    def __post_init__(self) -> None:
        self.held = np.zeros(self.court.size, dtype=np.int64)
        self.calendar = SlotCalendar(self.sessions_per_day, self.n_working_days if self.size else 1)

    def book_sessions(
        self,
        provider: npt.NDArray[np.int64],
        u: npt.NDArray[np.float64],
        earliest_w: int,
        latest_w: npt.NDArray[np.int64],
    ) -> npt.NDArray[np.int64]:
        """Book the sessions of attempts that start today in their providers' calendars.

        Each attempt takes ``sessions_per_attempt`` sessions (drawn from ``u``), each in
        the first free slot of its provider from ``earliest_w`` on. Sessions that would
        fall after an attempt's time limit (``latest_w``) never happen: their slots are
        given back. A provider's sessions a day, not only the cases it holds at once,
        limit how fast its attempts end (issue: working time of providers).

        Args:
            provider: Provider of each attempt.
            u: A uniform per attempt, for its number of sessions.
            earliest_w: First working-day index a session can take.
            latest_w: Last working-day index of each attempt.

        Returns:
            Working-day index of each attempt's last session (-1 if none fits).
        """
        n = np.empty(provider.size, dtype=np.int64)
        kind = self.kind[provider]
        for k, dist in enumerate(self.sessions_per_attempt):
            sel = kind == k
            if sel.any():
                n[sel] = np.maximum(np.rint(dist.from_uniform(u[sel])), 1).astype(np.int64)
        owner = np.repeat(np.arange(provider.size), n)
        req = provider[owner]
        w = self.calendar.book(req, earliest_w)
        late = w > latest_w[owner]
        self.calendar.release(req[late], w[late])
        last = np.full(provider.size, -1, dtype=np.int64)
        np.maximum.at(last, owner[~late], w[~late])
        return last

    @property
    def size(self) -> int:
        """Number of providers."""
        return int(self.court.size)

    def allocate(
        self,
        cand_court: npt.NDArray[np.int64],
        kinds: tuple[str, ...],
    ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
        """Give candidates (in priority order) free providers of their court.

        Kinds are tried in the order given: the first kind's free places are filled first.

        Args:
            cand_court: Court of each candidate, candidates in priority order.
            kinds: Allowed kind names, in order of preference.

        Returns:
            ``(taken, provider)``: positions of the candidates that got a provider (sorted
            by court, then priority) and the provider of each.
        """
        if cand_court.size == 0 or self.size == 0:
            return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
        allowed, by_rank = self._ranking(kinds)
        free = np.where(allowed, self.capacity - self.held, 0)
        n_courts = int(max(self.court.max(), cand_court.max())) + 1
        quota = np.bincount(self.court, weights=free, minlength=n_courts).astype(np.int64)
        prio = np.arange(cand_court.size, dtype=np.int64)
        take = top_per_group(cand_court.astype(np.int64), prio, quota)
        if take.size == 0:
            return take, take
        # Free places by court, then preferred kind, then provider: the providers in that
        # order, each repeated by its free places (the same sequence as sorting every
        # place, which cost a 20,000-key lexsort per call nationally).
        slots = np.repeat(by_rank, free[by_rank])
        provider = fill_slots(cand_court[take].astype(np.int64), slots, self.court[slots])
        self.held += np.bincount(provider, minlength=self.size)
        return take, provider

    def _ranking(
        self, kinds: tuple[str, ...]
    ) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.int64]]:
        """Return which providers are of ``kinds``, and all providers by court, kind, index.

        Fixed for a pool and a preference order, so sorted once (it ran at every
        allocation, ~750 a national year).
        """
        key = tuple(kinds)
        if key not in self._ranked:
            pref = np.full(len(self.kind_names), -1)
            for rank, name in enumerate(key):
                pref[self.kind_names.index(name)] = rank
            by_rank = np.lexsort((np.arange(self.size), pref[self.kind], self.court))
            self._ranked[key] = (pref[self.kind] >= 0, by_rank)
        return self._ranked[key]

    def release(self, provider: npt.NDArray[np.int64]) -> None:
        """Free the places of finished cases.

        Args:
            provider: Provider of each finished case (-1 entries are ignored).
        """
        p = provider[provider >= 0]
        self.held -= np.bincount(p, minlength=self.size)

    def held_by_kind(self) -> npt.NDArray[np.int64]:
        """Return cases held per kind."""
        return np.bincount(self.kind, weights=self.held, minlength=len(self.kind_names)).astype(
            np.int64
        )

    def capacity_by_kind(self) -> npt.NDArray[np.int64]:
        """Return total capacity per kind."""
        return np.bincount(self.kind, weights=self.capacity, minlength=len(self.kind_names)).astype(
            np.int64
        )
