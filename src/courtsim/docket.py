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
from courtsim.ordering import stable_argsort, stable_argsort_by

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


def _group_starts(g_sorted: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """Return the positions where a new group begins in a sorted group array."""
    edge = np.empty(g_sorted.size, dtype=bool)
    edge[:1] = True
    np.not_equal(g_sorted[1:], g_sorted[:-1], out=edge[1:])
    return np.flatnonzero(edge)


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
    order = stable_argsort_by(group, prio)  # = argsort((group << 31) | prio, stable)
    g_sorted = group[order]
    starts = _group_starts(g_sorted)
    counts = np.diff(np.append(starts, g_sorted.size))
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
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float64], int]:
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
        ``(finished, hours_used, most_held)``: indices of cases whose work was completed
        today (still IN_WORK; the caller moves them on), hours worked per judge, and the
        most cases any judge held at once today.
    """
    if rules.max_parallel == 1 and not rules.pooled:
        return _work_one_at_a_time(cases, queued, in_work, capacity, rules, day, move)
    return work_in_rounds(cases, queued, in_work, judge_court, capacity, rules, day, move)


def work_in_rounds(
    cases: CaseTable,
    queued: npt.NDArray[np.int64],
    in_work: npt.NDArray[np.int64],
    judge_court: npt.NDArray[np.int64],
    capacity: npt.NDArray[np.float64],
    rules: DocketRules,
    day: int,
    move: Callable[[npt.NDArray[np.int64], Stage], None],
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float64], int]:
    """The general case of :func:`work_day`: rounds of fill, share, finish (same arguments)."""
    n_judges = capacity.size
    cap_left = capacity.astype(np.float64).copy()
    k = rules.max_parallel
    n_held = np.bincount(cases.judge[in_work], minlength=n_judges).astype(np.int64)
    finished: list[npt.NDArray[np.int64]] = []
    most_held = int(n_held.max(initial=0))
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
                    slots = slots[stable_argsort(judge_court[slots])]
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
                jt = cases.judge[taken[first]]
                cases.t_desk_start[taken[first]] = day + _used_share(capacity, cap_left, jt)
                in_work = np.concatenate([in_work, taken])
                n_held += np.bincount(cases.judge[taken], minlength=n_judges)
                most_held = max(most_held, int(n_held.max(initial=0)))
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
        cases.t_desk_done[fin] = day + _used_share(capacity, cap_left, cases.judge[fin])
        finished.append(fin)
        in_work = in_work[~done]
        n_held -= np.bincount(cases.judge[fin], minlength=n_judges)
        if not (cap_left[cases.judge[fin]] > _EPS).any():
            break
    used = capacity - cap_left
    out = np.concatenate(finished) if finished else np.empty(0, dtype=np.int64)
    return out, used, most_held


def _used_share(
    capacity: npt.NDArray[np.float64], cap_left: npt.NDArray[np.float64], judge: npt.NDArray
) -> npt.NDArray[np.float64]:
    """Return the share of each judge's day already used (the time of day, in days)."""
    cap = capacity[judge]
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(cap > 0, np.minimum((cap - cap_left[judge]) / cap, 1.0), 0.0)


def _work_one_at_a_time(
    cases: CaseTable,
    queued: npt.NDArray[np.int64],
    in_work: npt.NDArray[np.int64],
    capacity: npt.NDArray[np.float64],
    rules: DocketRules,
    day: int,
    move: Callable[[npt.NDArray[np.int64], Stage], None],
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float64], int]:
    """The ``k = 1`` case of :func:`work_day` in one pass, without rounds.

    Each judge works down its docket in order (the case in hand first): a running sum of
    remaining effort per judge tells which cases are finished today, which one is
    started and left part-done, and which are not reached.
    """
    n_judges = capacity.size
    cand = np.concatenate([in_work, queued])
    if cand.size == 0:
        return np.empty(0, dtype=np.int64), np.zeros(n_judges), 0
    j = cases.judge[cand].astype(np.int64)
    key = np.concatenate(
        [np.zeros(in_work.size, dtype=np.int64), 1 + _priority(cases, queued, rules.discipline)]
    )
    order = stable_argsort_by(j, key)  # = argsort((j << 32) | key, stable)
    cand, j = cand[order], j[order]
    rem = cases.remaining_hours[cand]
    cum = np.cumsum(rem)
    starts = _group_starts(j)
    base = np.repeat(cum[starts] - rem[starts], np.diff(np.append(starts, cand.size)))
    before = cum - rem - base  # effort of this judge's earlier cases
    cap = capacity[j]
    reached = before < cap - _EPS
    done = reached & (before + rem <= cap + _EPS)
    work = np.where(reached, np.minimum(rem, cap - before), 0.0)
    cases.remaining_hours[cand] = np.where(done, 0.0, rem - work)
    is_new = reached & (cases.stage[cand] == Stage.QUEUED)
    newly = cand[is_new]
    move(newly, Stage.IN_WORK)
    first = np.isnan(cases.t_work_start[newly])
    cases.t_work_start[newly[first]] = day
    # Fractional days: the share of the judge's day used when the work starts and ends.
    with np.errstate(divide="ignore", invalid="ignore"):
        frac_start = np.where(cap > 0, before / cap, 0.0)
        frac_done = np.where(cap > 0, (before + rem) / cap, 0.0)
    cases.t_desk_start[newly[first]] = day + frac_start[is_new][first]
    cases.t_desk_done[cand[done]] = day + np.minimum(frac_done[done], 1.0)
    used = np.minimum(np.bincount(j, weights=work, minlength=n_judges), capacity)
    # Cases left part-done in a judge's hands tonight: never more than one per judge.
    most_held = int(np.bincount(j[reached & ~done], minlength=1).max())
    return cand[done], used, most_held
