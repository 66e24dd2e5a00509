"""Daily series: stocks (``n_*``), flows (``new_*``) and cumulative flows (``cum_*``)."""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from courtsim.cases import PENDING_STAGES, Stage

#: Flows every run reports, even when they stay zero (others appear when a policy adds them).
BASE_FLOWS = (
    "new_filed",
    "new_accepted",
    "new_returned",
    "new_disposed",
    "new_judgment",
    "new_settlement",
    "new_withdrawal",
    "new_appealed",
    "judge_hours_worked",
    "judge_hours_available",
    "judge_hours_saved",
    "new_arisen",
    "new_settled_pre_court",
    "new_settled_conciliation",
    "new_settled_mediation",
    "new_settled_participatory",
    "sessions_booked",
    "sessions_held",
    "sessions_adjourned",
    "sessions_released",
    "sessions_saved",
    "slots_available",
    "lead_days_booked",
    "new_in_absentia",
    "new_expert_examinations",
    "new_refiled",
    "new_enforcement",
    "new_appeal_received",
    "new_appeal_decided",
    "new_appeal_corrected",
    "new_appeal_settled",
    *(
        f"new_{event}_{channel}"
        for channel in ("pre_court", "conciliation", "mediation", "participatory")
        for event in ("referred", "started", "declined", "failed")
    ),
)


#: Daily stock column of each pending stage.
STAGE_STOCK_NAMES = {
    Stage.FILED: "n_awaiting_acceptance",
    Stage.CONCILIATION: "n_in_conciliation",
    Stage.PREPARATION: "n_in_preparation",
    Stage.MEDIATION: "n_in_mediation",
    Stage.QUEUED: "n_queued_for_judge",
    Stage.IN_WORK: "n_in_work",
    Stage.AWAITING_DECISION: "n_awaiting_decision",
    Stage.AWAITING_HEARING: "n_awaiting_hearing",
    Stage.SUSPENDED: "n_suspended_expert",
}


class Recorder:
    """Preallocated daily arrays, one row per day from 0 (the initial state) to the horizon.

    Args:
        horizon: Last simulated day.
    """

    def __init__(self, horizon: int):
        self.n_rows = horizon + 1
        self.stages = np.zeros((self.n_rows, len(Stage)), dtype=np.int64)
        self.series: dict[str, npt.NDArray[np.float64]] = {}
        for name in (*BASE_FLOWS, "n_backlog", "mean_age_pending", "working_day"):
            self.series[name] = np.zeros(self.n_rows)

    def record(
        self,
        day: int,
        stage_counts: npt.NDArray[np.int64],
        flows: dict[str, float],
        **values: float,
    ) -> None:
        """Store day ``day``'s stocks and flows.

        Args:
            day: Simulation day.
            stage_counts: Cases per stage (pending stages are used).
            flows: Today's flows by name.
            **values: Other named daily values.
        """
        self.stages[day] = stage_counts
        for name, v in {**flows, **values}.items():
            arr = self.series.get(name)
            if arr is None:
                arr = self.series[name] = np.zeros(self.n_rows)
            arr[day] = v

    def to_frame(self, dates: list) -> pd.DataFrame:
        """Return the daily table indexed by ``day``.

        Args:
            dates: Calendar date of each day (row).

        Returns:
            Columns ``date``, ``working_day``, ``n_*`` stocks, ``new_*`` flows, ``cum_*``.
        """
        cols: dict[str, Any] = {"day": np.arange(self.n_rows)}
        cols["date"] = pd.to_datetime(pd.Series(dates)).astype("datetime64[ms]").to_numpy()
        cols["working_day"] = self.series["working_day"].astype(bool)
        cols["n_pending"] = self.stages[:, list(PENDING_STAGES)].sum(axis=1)
        for s in PENDING_STAGES:
            cols[STAGE_STOCK_NAMES[s]] = self.stages[:, s]
        for name, arr in self.series.items():
            if name == "working_day":
                continue
            is_count = name.startswith(("new_", "n_", "held_", "capacity_", "sessions_"))
            cols[name] = arr.astype(np.int64) if is_count else arr
        for name in sorted(n for n in self.series if n.startswith("new_")):
            cols["cum_" + name.removeprefix("new_")] = np.cumsum(cols[name])
        df = pd.DataFrame(cols)
        return df.set_index("day")
