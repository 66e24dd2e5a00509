"""Working-day calendar: which simulated days courts work, and working-day arithmetic."""

from __future__ import annotations

import datetime as dt

import numpy as np
import numpy.typing as npt


class WorkCalendar:
    """Maps simulation days to dates and working days.

    Day 0 is the eve of the run (the initial state); day 1 is ``start_date``.

    Args:
        start_date: Calendar date of day 1.
        horizon_days: Number of simulated days.
        weekend_days: Weekday numbers that are not worked (Monday = 0).
        holidays: Dates, or ``(month, day)`` pairs recurring each year, that are not worked.
    """

    def __init__(
        self,
        start_date: dt.date,
        horizon_days: int,
        weekend_days: tuple[int, ...],
        holidays: tuple[dt.date | tuple[int, int], ...] = (),
    ):
        self.start_date = start_date
        self.horizon_days = horizon_days
        # Extend far past the horizon so that "n working days after day d" is always defined.
        n = horizon_days + 1 + 4 * 366
        dates = [start_date + dt.timedelta(days=d - 1) for d in range(n)]
        fixed = {h for h in holidays if isinstance(h, dt.date)}
        recurring = {h for h in holidays if isinstance(h, tuple)}
        weekend = set(weekend_days)
        work = np.array(
            [
                d > 0
                and day.weekday() not in weekend
                and day not in fixed
                and (day.month, day.day) not in recurring
                for d, day in enumerate(dates)
            ],
            dtype=bool,
        )
        if not work[1:].any():
            # Guarded by the scenario schema; kept as a defensive message.
            raise ValueError("the calendar has no working day")
        self.is_working: npt.NDArray[np.bool_] = work
        self.working_days: npt.NDArray[np.int64] = np.flatnonzero(work)
        # Number of working days in [1, d].
        self.n_worked = np.cumsum(work)

    def date(self, day: int) -> dt.date:
        """Return the calendar date of simulation day ``day``.

        Args:
            day: Simulation day (1 = start date).

        Returns:
            The date.
        """
        return self.start_date + dt.timedelta(days=day - 1)

    def add_working_days(
        self, day: npt.NDArray[np.int64], n: npt.NDArray[np.int64]
    ) -> npt.NDArray[np.int64]:
        """Return the day that is ``n`` working days after ``day`` (vectorised).

        With ``n = 0`` this is ``day`` itself if it is a working day, else the next one.

        Args:
            day: Starting simulation days (>= 0).
            n: Numbers of working days to add (>= 0).

        Returns:
            Simulation days.
        """
        # min/max, not np.clip: its Python layers cost more than the work (~3,000 calls).
        day = np.minimum(np.maximum(np.asarray(day, dtype=np.int64), 0), len(self.n_worked) - 1)
        done = self.n_worked[day] - self.is_working[day]  # working days strictly before `day`
        pos = done + np.asarray(n, dtype=np.int64)
        pos = np.minimum(pos, len(self.working_days) - 1)
        return self.working_days[pos]

    def next_working_day(self, day: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        """Round calendar days up to the next working day; ``inf`` stays ``inf``.

        Args:
            day: Simulation days, possibly fractional or infinite.

        Returns:
            Working days (as floats, ``inf`` kept).
        """
        day = np.asarray(day, dtype=np.float64)
        finite = np.isfinite(day)
        out = np.full(day.shape, np.inf)
        d = np.ceil(np.maximum(day[finite], 0)).astype(np.int64)
        inside = d < len(self.n_worked)
        res = np.full(d.shape, np.inf)
        res[inside] = self.add_working_days(d[inside], np.zeros(inside.sum(), dtype=np.int64))
        out[finite] = res
        return out

    def n_working(self, first: int, last: int) -> int:
        """Return the number of working days in ``[first, last]``.

        Args:
            first: First simulation day (inclusive).
            last: Last simulation day (inclusive).

        Returns:
            The count.
        """
        if last < first:
            return 0
        return int(self.n_worked[last] - (self.n_worked[first - 1] if first > 0 else 0))
