"""Court actors as Mesa agents: each judge is an agent whose state lives in the model's arrays.

A national run has ~1,900 judges and ~400,000 cases a year. Letting each judge agent
loop over its own docket every day would cost one Python call per judge per day and
an array scan each; instead the judges' daily work is computed for all judges at once
(:mod:`courtsim.docket`), and each agent exposes its slice of that state.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa
import numpy as np
import numpy.typing as npt

from courtsim.cases import Stage

if TYPE_CHECKING:
    from courtsim.model import CourtModel

_DOCKET_STAGES = np.array(
    [
        Stage.PREPARATION,
        Stage.AWAITING_HEARING,
        Stage.SUSPENDED,
        Stage.QUEUED,
        Stage.IN_WORK,
        Stage.MEDIATION,
    ]
)


class Judge(mesa.Agent):
    """A first-instance judge hearing civil cases.

    Args:
        model: The court model.
        slot: The judge's index in the model's judge arrays.
        court: Index of the judge's court.
    """

    model: CourtModel

    def __init__(self, model: CourtModel, slot: int, court: int):
        super().__init__(model)
        self.slot = slot
        self.court = court

    @property
    def court_name(self) -> str:
        """Name of the judge's court."""
        return self.model.court_names[self.court]

    @property
    def hours_per_day(self) -> float:
        """Desk hours this judge has a working day (after availability and pace)."""
        return float(self.model.judge_traits.desk_hours[self.slot])

    @property
    def slots_per_day(self) -> float:
        """Sessions this judge holds a working day, on average."""
        return float(self.model.judge_traits.slots_per_day[self.slot])

    @property
    def docket(self) -> npt.NDArray[np.int64]:
        """Indices of the pending cases assigned to this judge."""
        c = self.model.cases
        mask = (c.judge[: c.n] == self.slot) & np.isin(c.stage[: c.n], _DOCKET_STAGES)
        return np.flatnonzero(mask)

    @property
    def in_work(self) -> npt.NDArray[np.int64]:
        """Indices of the cases the judge is working on now."""
        c = self.model.cases
        return np.flatnonzero((c.judge[: c.n] == self.slot) & (c.stage[: c.n] == Stage.IN_WORK))

    @property
    def hours_worked(self) -> float:
        """Hours worked on cases since the start of the run."""
        return float(self.model.judge_hours_worked[self.slot])

    @property
    def utilisation(self) -> float:
        """Hours worked over hours available since the start of the run (0-1)."""
        avail = float(self.model.judge_hours_available[self.slot])
        return self.hours_worked / avail if avail > 0 else 0.0


class _Provider(mesa.Agent):
    """A conciliation judge or mediator: its state is its slot in a provider pool."""

    model: CourtModel
    pool_name: str = ""

    def __init__(self, model: CourtModel, slot: int, court: int):
        super().__init__(model)
        self.slot = slot
        self.court = court

    @property
    def _pool(self):
        return getattr(self.model, self.pool_name)

    @property
    def capacity(self) -> int:
        """Cases it can hold at once."""
        return int(self._pool.capacity[self.slot])

    @property
    def caseload(self) -> int:
        """Cases it holds now."""
        return int(self._pool.held[self.slot])

    @property
    def skill(self) -> float:
        """Log-odds shift of settlement in its cases."""
        return float(self._pool.skill[self.slot])


class ConciliationJudge(_Provider):
    """A judge-conciliator: conciliates claims at acceptance and never tries them.

    Args:
        model: The court model.
        slot: Index in ``model.conciliators``.
        court: Index of its court.
    """

    pool_name = "conciliators"


class Mediator(_Provider):
    """A mediator of kind ``retired_judge``, ``professional`` or ``public``.

    Args:
        model: The court model.
        slot: Index in ``model.mediator_pool``.
        court: Index of the court it serves.
        kind: Its kind.
    """

    pool_name = "mediator_pool"

    def __init__(self, model: CourtModel, slot: int, court: int, kind: str):
        super().__init__(model, slot, court)
        self.kind = kind
