"""Slot calendars: each actor's hearing slots per working day, booked, released, vectorised.

A judge (or an appellate bench, a conciliation judge, a mediator) holds a number of
sessions a working day. A case's next session goes into the first working day, on or
after the notice date, where its actor still has a free slot: the lead time to the next
hearing is what the queue of booked sessions produces, not a drawn duration. A case
that settles, is withdrawn or is suspended gives its booked slot back, and the next
booking takes it (the capacity a reconciliation frees is reused).

Days are indexed by *working day* (``w``), so a slot can only fall on a day the courts
work. Capacity may be fractional per actor: an actor with 3.5 slots a day holds 3 and 4
on alternate days (``floor(rate * (w + 1)) - floor(rate * w)``), exactly 3.5 on average.
All bookings of one day are made in one batch, with the same earliest day, which lets a
cumulative sum of free slots per actor place every request at once (no loop over cases).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

# Working days searched first; doubled for actors that need more. The result does not
# depend on it; national lead times are a few working days, and a 64-day first window
# made every booking scan 4-8 times the cells it needed.
_FIRST_WINDOW = 16
_LEAD_WINDOW = 128  # lead_days reports at most this many working days
_LEAD_NEAR = 16  # lead_days looks here first; only actors fully booked there look further
_INIT_BLOCK = 32  # working days whose slots are computed at a time


def _runs(new_run: npt.NDArray[np.bool_]) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.intp]]:
    """Return the start and length of each run, given where runs after the first begin.

    Args:
        new_run: For elements 1..n-1 of a sorted array, whether each differs from the one
            before (length n - 1).

    Returns:
        ``(starts, lengths)``.
    """
    # Not np.r_: its index-trick machinery cost more than the arithmetic here (4 calls a
    # booking, ~1,200 bookings a national year).
    n = new_run.size + 1
    flags = np.empty(n, dtype=np.bool_)
    flags[0] = True
    flags[1:] = new_run
    starts = np.flatnonzero(flags)
    lengths = np.empty_like(starts)
    lengths[:-1] = starts[1:] - starts[:-1]
    lengths[-1] = n - starts[-1]
    return starts, lengths


def _cumsum_days(free: npt.NDArray[np.int16]) -> npt.NDArray[np.int32]:
    """Return ``np.cumsum(free, axis=0, dtype=np.int32)`` of a (days, actors) window.

    numpy's accumulate is a scalar loop (~5 ns an element here); for the few days of a
    booking window, adding whole rows of actors is several times faster (same integers).
    """
    width = free.shape[0]
    if width > _FIRST_WINDOW * 4:
        return np.cumsum(free, axis=0, dtype=np.int32)
    cum = free.astype(np.int32)
    for k in range(1, width):
        cum[k] += cum[k - 1]
    return cum


class SlotCalendar:
    """Booked sessions per actor and working day.

    Args:
        slots_per_day: Regular sessions each actor holds a working day (may be fractional).
        n_working_days: Working days the calendar covers (horizon plus a margin).

    Attributes:
        booked: Sessions booked per actor (rows) and working day (columns).
        slots: Regular sessions per actor (rows) and working day (columns).
        extra: Overtime sessions each actor adds a day while it is overloaded.
        overflow: Bookings that found no free slot inside the calendar (set beyond its end,
            working-day index ``n_days``: they hold no slot and are never held).
    """

    def __init__(self, slots_per_day: npt.NDArray[np.float64], n_working_days: int):
        self.rate = np.asarray(slots_per_day, dtype=np.float64)
        self.n_actors = self.rate.size
        self.n_days = int(n_working_days)
        # Stored day by day (one row of actors per working day): a booking window of a few
        # days is then one contiguous block, and its running sums add whole rows.
        # ``booked`` and ``slots`` are the (actors, days) views of these.
        self._booked = np.zeros((self.n_days, self.n_actors), dtype=np.int16)
        # Slots on day w: floor(rate * (w + 1)) - floor(rate * w), one floor per edge, by
        # blocks of days: whole-calendar float temporaries (19 MB each for 1,900 judges
        # over five years) cost more in page faults than in arithmetic.
        self._slots = np.empty((self.n_days, self.n_actors), dtype=np.int16)
        w = np.arange(self.n_days + 1, dtype=np.float64)
        for lo in range(0, self.n_days, _INIT_BLOCK):
            edges = np.floor(w[lo : lo + _INIT_BLOCK + 1, None] * self.rate + 1e-9)
            self._slots[lo : lo + _INIT_BLOCK] = np.diff(edges, axis=0)
        self.extra = np.zeros(self.n_actors, dtype=np.int64)
        self.overflow = 0

    @property
    def booked(self) -> npt.NDArray[np.int16]:
        """Sessions booked per actor (rows) and working day (columns): a view."""
        return self._booked.T

    @property
    def slots(self) -> npt.NDArray[np.int16]:
        """Regular sessions per actor (rows) and working day (columns): a view."""
        return self._slots.T

    def regular_slots(
        self, actors: npt.NDArray[np.int64], w0: int, width: int
    ) -> npt.NDArray[np.int64]:
        """Return regular slots of ``actors`` on working days ``w0 .. w0 + width - 1``.

        Args:
            actors: Actor indices.
            w0: First working-day index.
            width: Number of days.

        Returns:
            Integer matrix (actors, days).
        """
        return self._slots[w0 : w0 + width].take(actors, axis=1).T.astype(np.int64)

    def capacity(self, actors: npt.NDArray[np.int64], w0: int, width: int) -> npt.NDArray[np.int64]:
        """Return slots (regular plus today's overtime) of ``actors`` on days ``w0 ..``.

        Args:
            actors: Actor indices.
            w0: First working-day index.
            width: Number of days.

        Returns:
            Integer matrix (actors, days).
        """
        return self.regular_slots(actors, w0, width) + self.extra[actors, None]

    def lead_days(self, w_from: int, actors: npt.NDArray[np.int64] | None = None) -> npt.NDArray:
        """Return working days from ``w_from`` to each actor's first free regular slot.

        Args:
            w_from: Earliest working-day index considered (today plus the notice period).
            actors: Actors (default all).

        Returns:
            Working days (``n_days - w_from`` where none is free in the calendar).
        """
        w_from = min(w_from, self.n_days - 1)
        width = max(min(_LEAD_WINDOW, self.n_days - w_from), 1)
        near = min(width, _LEAD_NEAR) if w_from >= 0 else width  # (negative: one pass)
        # slots > booked: a free slot, in one pass (no int16 difference array first).
        days = slice(w_from, w_from + near)
        has = self._window(self._slots, days, actors) > self._window(self._booked, days, actors)
        first = np.argmax(has, axis=0)
        found = has[first, np.arange(has.shape[1])]  # has.any(axis=0), at a third of the cost
        if near == width or found.all():
            return np.where(found, first, width)
        # Actors with no free slot in the first days: search their whole window.
        miss = np.flatnonzero(~found)
        sel = miss if actors is None else actors[miss]
        days = slice(w_from, w_from + width)
        has = self._window(self._slots, days, sel) > self._window(self._booked, days, sel)
        first[miss] = np.where(has.any(axis=0), np.argmax(has, axis=0), width)
        return first

    @staticmethod
    def _window(
        table: npt.NDArray[np.int16], days: slice, actors: npt.NDArray[np.int64] | None
    ) -> npt.NDArray[np.int16]:
        # Rows ``days`` of a day-major table, for ``actors`` (None: all, as a view).
        block = table[days]
        return block if actors is None else block.take(actors, axis=1)

    def book(self, actors: npt.NDArray[np.int64], earliest: int) -> npt.NDArray[np.int64]:
        """Book one session per request, in request order within each actor.

        Each request takes its actor's first working day, on or after ``earliest``, that
        still has a free slot once the earlier requests of the batch are placed.

        Args:
            actors: Actor of each request, requests in priority order.
            earliest: Earliest working-day index of every request.

        Returns:
            Working-day index of each booked session.
        """
        n = actors.size
        out = np.empty(n, dtype=np.int64)
        if n == 0:
            return out
        earliest = min(max(int(earliest), 0), self.n_days - 1)
        # A stable sort of 16-bit keys is a radix sort in numpy (int64 keys: a timsort);
        # the permutation is the same.
        keys = actors.astype(np.int16) if self.n_actors <= np.iinfo(np.int16).max else actors
        order = np.argsort(keys, kind="stable")
        a_sorted = actors[order]
        starts, counts = _runs(a_sorted[1:] != a_sorted[:-1])
        rank = np.arange(n) - np.repeat(starts, counts)
        uniq = a_sorted[starts]
        group = np.repeat(np.arange(uniq.size), counts)  # sorted request -> position in uniq
        todo = np.arange(uniq.size)  # actors (positions in uniq) still to place
        width = _FIRST_WINDOW
        day_of = np.empty(n, dtype=np.int64)
        while todo.size:
            width = min(width, self.n_days - earliest)
            acts = uniq[todo]
            cols = slice(earliest, earliest + width)
            # Small integer types and in-place steps: this runs several times a working
            # day over (judges x 64 days), and int64 temporaries were most of its cost.
            # Every actor still to place (sorted, unique): slices, not a gather of rows.
            rows = None if acts.size == self.n_actors else acts
            free = self._window(self._slots, cols, rows) - self._window(self._booked, cols, rows)
            extra = self.extra[acts]
            if extra.any():
                free += extra.astype(free.dtype)[None, :]
            np.maximum(free, 0, out=free)
            cum = _cumsum_days(free).T  # (actors, days)
            fits = cum[:, -1] >= counts[todo]
            last_window = earliest + width >= self.n_days
            done = fits | last_window
            place = todo[done]
            if place.size:
                row_of_actor = np.full(uniq.size, -1, dtype=np.int64)
                row_of_actor[place] = np.arange(place.size)
                # Flatten the rows into one increasing array: row i's cumsum + i * big.
                big = int(cum[:, -1].max(initial=0)) + 1
                flat = (cum if place.size == todo.size else cum[done]).astype(np.int64)
                flat += (np.arange(place.size) * big)[:, None]
                flat = flat.ravel()
                if place.size == uniq.size:
                    req_pos = np.arange(n)
                    row_of_req = group
                else:
                    req_pos = np.flatnonzero(row_of_actor[group] >= 0)
                    row_of_req = row_of_actor[group[req_pos]]
                target = rank[req_pos] + 1 + row_of_req * big
                pos = np.searchsorted(flat, target, side="left")
                col = pos - row_of_req * width
                over = col >= width
                self.overflow += int(over.sum())
                # No free slot left in the whole calendar (years past the horizon): the
                # session is set beyond its end, holds no slot and is never held.
                day_of[req_pos] = np.where(over, self.n_days, earliest + col)
            todo = todo[~done]
            width *= 2
        out[order] = day_of
        # Sorted by actor, then rank: the (actor, day) cells come in increasing order, so
        # runs give the count per cell (np.add.at was a third of this method's time).
        inside = day_of < self.n_days
        a_in, d_in = a_sorted[inside], day_of[inside]
        if a_in.size:
            first, n_cell = _runs((a_in[1:] != a_in[:-1]) | (d_in[1:] != d_in[:-1]))
            # Cells are unique here, so a plain fancy += adds each count once.
            self._booked[d_in[first], a_in[first]] += n_cell.astype(self._booked.dtype)
        return out

    def release(self, actors: npt.NDArray[np.int64], days: npt.NDArray[np.int64]) -> None:
        """Give booked slots back (the case settled, was withdrawn or was suspended).

        Args:
            actors: Actor of each booking.
            days: Working-day index of each booking.
        """
        inside = days < self.n_days  # a session beyond the calendar held no slot
        if inside.any():
            np.add.at(self._booked, (days[inside], actors[inside]), -1)

    def held_on(self, w: int) -> npt.NDArray[np.int64]:
        """Return sessions booked per actor on working day ``w``."""
        return self._booked[min(w, self.n_days - 1)].astype(np.int64)

    def set_overtime(self, w_from: int, threshold_days: int, max_extra: int) -> None:
        """Overload rule: an actor whose lead time exceeds ``threshold_days`` adds sessions.

        An overloaded actor holds up to ``max_extra`` sessions a day more (on the days it
        books from today on); it stops once its lead time is back under the threshold.

        Args:
            w_from: Earliest bookable working day.
            threshold_days: Lead time, in working days, above which the actor adds sessions.
            max_extra: Most extra sessions a day.
        """
        if max_extra <= 0:
            return
        lead = self.lead_days(w_from)
        self.extra = np.where(lead > threshold_days, max_extra, 0).astype(np.int64)
