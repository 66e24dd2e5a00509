"""Pools of conciliation judges and mediators: capacity, allocation and release, vectorised."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from courtsim.docket import fill_slots, top_per_group


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
    held: npt.NDArray[np.int64] = field(init=False)

    def __post_init__(self) -> None:
        self.held = np.zeros(self.court.size, dtype=np.int64)

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
        pref = np.full(len(self.kind_names), -1)
        for rank, name in enumerate(kinds):
            pref[self.kind_names.index(name)] = rank
        allowed = pref[self.kind] >= 0
        free = np.where(allowed, self.capacity - self.held, 0)
        n_courts = int(max(self.court.max(), cand_court.max())) + 1
        quota = np.bincount(self.court, weights=free, minlength=n_courts).astype(np.int64)
        prio = np.arange(cand_court.size, dtype=np.int64)
        take = top_per_group(cand_court.astype(np.int64), prio, quota)
        if take.size == 0:
            return take, take
        slots = np.repeat(np.arange(self.size), free)
        order = np.lexsort((slots, pref[self.kind[slots]], self.court[slots]))
        slots = slots[order]
        provider = fill_slots(cand_court[take].astype(np.int64), slots, self.court[slots])
        self.held += np.bincount(provider, minlength=self.size)
        return take, provider

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
