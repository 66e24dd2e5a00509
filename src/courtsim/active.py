"""The active cases: pending claims and disputes in a pre-court attempt, and copies of their state.

Every daily phase starts from the active cases (~25,000 of the ~500,000 rows of a national
year). A dozen scans a day read each active case's stage, the channel it waits for and
its booked session's day; gathering those from the case table afresh each time was most
of the scans' cost, so this list keeps them in arrays parallel to it, written where the
table's columns are (:meth:`ActiveCases.set`) and compacted when cases end.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from courtsim.cases import ACTIVE_STAGES, CaseTable, in_stages

#: Case-table columns copied beside the active list, and their dtypes.
KEPT = {"stage": np.int8, "waiting_channel": np.int8, "session_w": np.int32}


class ActiveCases:
    """Indices of the active cases (sorted), with copies of columns :data:`KEPT`.

    Args:
        cases: The case table.
    """

    def __init__(self, cases: CaseTable):
        self.cases = cases
        self.idx = np.empty(0, dtype=np.int64)
        self.kept = {name: np.empty(0, dtype=dt) for name, dt in KEPT.items()}
        self._pos = np.full(cases._cap, -1, dtype=np.int64)  # row -> position (-1: none)

    def add(self, idx: npt.NDArray[np.int64]) -> None:
        """Append new rows (arisen or refiled disputes), which come after every active row.

        Args:
            idx: New rows, ascending.
        """
        c = self.cases
        if self._pos.size < c.n:  # the table grew
            grown = np.full(c._cap - self._pos.size, -1, dtype=np.int64)
            self._pos = np.concatenate([self._pos, grown])
        self._pos[idx] = np.arange(self.idx.size, self.idx.size + idx.size)
        self.idx = np.concatenate([self.idx, idx])
        for name, arr in self.kept.items():
            self.kept[name] = np.concatenate([arr, getattr(c, name)[idx]])

    def drop_ended(self) -> None:
        """Remove the cases whose stage is no longer active (they ended today)."""
        keep = in_stages(self.kept["stage"], ACTIVE_STAGES)
        self._pos[self.idx[~keep]] = -1
        self.idx = self.idx[keep]
        for name, arr in self.kept.items():
            self.kept[name] = arr[keep]
        self._pos[self.idx] = np.arange(self.idx.size)

    def set(self, name: str, idx: npt.NDArray[np.int64], value: Any) -> None:
        """Write column ``name`` of rows ``idx``, in the table and in its copy here.

        Args:
            name: One of :data:`KEPT`.
            idx: Rows (those not active are written in the table only).
            value: One value per row, or a scalar.
        """
        getattr(self.cases, name)[idx] = value
        pos = self._pos[idx]
        on = pos >= 0
        self.kept[name][pos[on]] = value if np.ndim(value) == 0 else np.asarray(value)[on]

    def in_stage(self, stage: int) -> npt.NDArray[np.int64]:
        """Return the active cases in stage ``stage`` (a stage code)."""
        return self.idx[self.kept["stage"] == stage]
