"""Judges' daily work over their dockets, vectorised across all judges at once.

A judge's working day is a budget of hours. The judge holds up to ``k`` cases "in
work" and shares the hours equally among them (``k = 1``: one case at a time); a case
whose remaining effort is covered leaves the judge's hands and the hours left over go
to the next case in docket order, within the same day. The loop below runs in rounds
(fill free places, share hours, finish cases) and each round is a handful of numpy
operations over all judges: a judge's day never loops over its cases in Python.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from courtsim.cases import CaseTable, Stage

_EPS = 1e-9
_MAX_ROUNDS = 64  # more completions than this per judge per day would be implausible
_KEY_OFFSET = 1 << 24  # priorities are shifted to be non-negative before packing


@dataclass
class DocketRules:
    """How judges pick and share their work.

    Args:
        max_parallel: Cases in work at once per judge.
        discipline: ``"fifo"`` or ``"deadline"``.
        pooled: One queue per court (the next free judge takes the next case).
    """

    max_parallel: int
    discipline: str
    pooled: bool


def _priority(
    cases: CaseTable, idx: npt.NDArray[np.int64], discipline: str
) -> npt.NDArray[np.int64]:
    key = cases.t_deadline[idx] if discipline == "deadline" else cases.t_ready[idx]
    return (np.floor(key).astype(np.int64) + _KEY_OFFSET).clip(0, (1 << 31) - 1)


def top_per_group(
    group: npt.NDArray[np.int64], prio: npt.NDArray[np.int64], quota: npt.NDArray[np.int64]
) -> npt.NDArray[np.int64]:
    """Return positions of the ``quota[g]`` best (lowest ``prio``) items of each group ``g``.

    Ties keep input order, so callers pass items in case-index (filing) order.

    Args:
        group: Group of each item (non-negative ints).
        prio: Priority of each item (lower first, non-negative, < 2**31).
        quota: How many items each group may take.

    Returns:
        Positions into the inputs, ordered by group then priority.
    """
    if group.size == 0:
        return np.empty(0, dtype=np.int64)
    order = np.argsort((group << 31) | prio, kind="stable")
    g_sorted = group[order]
    starts = np.flatnonzero(np.r_[True, g_sorted[1:] != g_sorted[:-1]])
    counts = np.diff(np.r_[starts, g_sorted.size])
    rank = np.arange(g_sorted.size) - np.repeat(starts, counts)
    return order[rank < quota[g_sorted]]


def fill_slots(
    item_group: npt.NDArray[np.int64],
    slots: npt.NDArray[np.int64],
    slot_group: npt.NDArray[np.int64],
) -> npt.NDArray[np.int64]:
    """Give each item a slot of its own group, first slots first.

    Args:
        item_group: Group of each item, sorted; no group has more items than slots.
        slots: Slot owners (e.g. judge or mediator indices), sorted by ``slot_group``.
        slot_group: Group of each slot.

    Returns:
        The slot owner of each item.
    """
    n_groups = int(max(item_group.max(initial=-1), slot_group.max(initial=-1))) + 1
    n_items = np.bincount(item_group, minlength=n_groups)
    starts = np.searchsorted(slot_group, np.arange(n_groups))
    rank = np.arange(slots.size) - starts[slot_group]
    return slots[rank < n_items[slot_group]]


def work_day(
    cases: CaseTable,
    queued: npt.NDArray[np.int64],
    in_work: npt.NDArray[np.int64],
    judge_court: npt.NDArray[np.int64],
    capacity: npt.NDArray[np.float64],
    rules: DocketRules,
    day: int,
    move: Callable[[npt.NDArray[np.int64], Stage], None],
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]]:
    """Let every judge work one day.

    Args:
        cases: The case table (columns are updated in place).
        queued: Indices of cases waiting in dockets (stage QUEUED), in index order.
        in_work: Indices of cases a judge holds (stage IN_WORK).
        judge_court: Court of each judge.
        capacity: Hours each judge can work today.
        rules: Docket rules.
        day: Today.
        move: Callback that changes the stage of cases (and counts the transition).

    Returns:
        ``(finished, hours_used)``: indices of cases whose work was completed today
        (still IN_WORK; the caller moves them on) and hours worked per judge.
    """
    n_judges = capacity.size
    cap_left = capacity.astype(np.float64).copy()
    k = rules.max_parallel
    n_held = np.bincount(cases.judge[in_work], minlength=n_judges).astype(np.int64)
    finished: list[npt.NDArray[np.int64]] = []
    waiting = queued
    for _ in range(_MAX_ROUNDS):
        # 1. Fill free places of judges that still have hours, in docket order.
        free = np.where(cap_left > _EPS, k - n_held, 0)
        if waiting.size and free.any():
            prio = _priority(cases, waiting, rules.discipline)
            if rules.pooled:
                n_courts = int(judge_court.max()) + 1
                court_free = np.bincount(judge_court, weights=free, minlength=n_courts)
                court = cases.court[waiting].astype(np.int64)
                take = top_per_group(court, prio, court_free.astype(np.int64))
                if take.size:
                    taken = waiting[take]  # ordered by court, then priority
                    # Free places, listed court by court, judge by judge.
                    slots = np.repeat(np.arange(n_judges), free)
                    slots = slots[np.argsort(judge_court[slots], kind="stable")]
                    cases.judge[taken] = fill_slots(court[take], slots, judge_court[slots])
            else:
                take = top_per_group(cases.judge[waiting].astype(np.int64), prio, free)
                taken = waiting[take]
            if take.size:
                keep = np.ones(waiting.size, dtype=bool)
                keep[take] = False
                waiting = waiting[keep]
                move(taken, Stage.IN_WORK)
                first = np.isnan(cases.t_work_start[taken])
                cases.t_work_start[taken[first]] = day
                in_work = np.concatenate([in_work, taken])
                n_held += np.bincount(cases.judge[taken], minlength=n_judges)
        if in_work.size == 0:
            break
        # 2. Share each judge's hours equally among the cases it holds.
        j = cases.judge[in_work]
        share = cap_left[j] / np.maximum(n_held[j], 1)
        rem = cases.remaining_hours[in_work]
        done_work = np.minimum(rem, share)
        cases.remaining_hours[in_work] = rem - done_work
        cap_left -= np.bincount(j, weights=done_work, minlength=n_judges)
        np.maximum(cap_left, 0.0, out=cap_left)
        # 3. Cases whose effort is covered leave the judge's hands.
        done = cases.remaining_hours[in_work] <= _EPS
        if not done.any():
            break
        fin = in_work[done]
        finished.append(fin)
        in_work = in_work[~done]
        n_held -= np.bincount(cases.judge[fin], minlength=n_judges)
        if not (cap_left[cases.judge[fin]] > _EPS).any():
            break
    used = capacity - cap_left
    out = np.concatenate(finished) if finished else np.empty(0, dtype=np.int64)
    return out, used
