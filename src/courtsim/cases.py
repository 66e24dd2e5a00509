"""The case table: one row per dispute (and two parties per row), as growable numpy columns."""

from __future__ import annotations

import contextlib
import enum
import functools
from collections.abc import Iterator
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd


class Stage(enum.IntEnum):
    """Where a case is. Terminal stages are DISPOSED, RETURNED and SETTLED_PRE_COURT."""

    NEW = 0  # row allocated, not yet placed (creation counts as a transition from NEW)
    PRE_COURT = 1  # dispute in a pre-court reconciliation attempt, not yet filed
    FILED = 2  # claim filed, acceptance review under way
    CONCILIATION = 3  # conciliation at claim acceptance
    PREPARATION = 4  # accepted; its preparation session is booked or to be booked
    MEDIATION = 5  # proceedings suspended while a mediator or the lawyers work
    QUEUED = 6  # sessions over: waiting for the judge's desk time to write the decision
    IN_WORK = 7  # the judge is writing the decision
    AWAITING_DECISION = 8  # (no longer entered: notice periods are in the calendar)
    DISPOSED = 9  # judgment, settlement or withdrawal
    RETURNED = 10  # claim returned at acceptance
    SETTLED_PRE_COURT = 11  # settled before filing; never reached the court
    AWAITING_HEARING = 12  # prepared; its next main hearing is booked or to be booked
    SUSPENDED = 13  # suspended for an expert examination: holds no slot


#: Stages in which a claim counts as pending before the court.
PENDING_STAGES = (
    Stage.FILED,
    Stage.CONCILIATION,
    Stage.PREPARATION,
    Stage.MEDIATION,
    Stage.QUEUED,
    Stage.IN_WORK,
    Stage.AWAITING_DECISION,
    Stage.AWAITING_HEARING,
    Stage.SUSPENDED,
)
#: Stages the model keeps processing: pending claims and disputes in a pre-court attempt.
ACTIVE_STAGES = (*PENDING_STAGES, Stage.PRE_COURT)
#: Stages after acceptance in which parties may settle or withdraw.
LITIGATING_STAGES = (
    Stage.PREPARATION,
    Stage.AWAITING_HEARING,
    Stage.SUSPENDED,
    Stage.QUEUED,
    Stage.IN_WORK,
)
#: Stages in which a case waits for a session in its judge's calendar.
SESSION_STAGES = (Stage.PREPARATION, Stage.AWAITING_HEARING)
TERMINAL_STAGES = (Stage.DISPOSED, Stage.RETURNED, Stage.SETTLED_PRE_COURT)


@functools.cache
def stage_mask(stages: tuple[Stage, ...]) -> npt.NDArray[np.bool_]:
    """Return a lookup table over stage codes: ``stage_mask(s)[code]`` is ``code in s``.

    ``table[cases.stage[idx]]`` replaces ``np.isin(cases.stage[idx], s)``, which sorts
    on every call (4,000 calls, 0.3 s a national year).

    Args:
        stages: Stages.

    Returns:
        A read-only boolean array indexed by stage code.
    """
    table = np.isin(np.arange(len(Stage)), stages)
    table.flags.writeable = False
    return table


@functools.cache
def _stage_runs(stages: tuple[Stage, ...]) -> tuple[tuple[int, int], ...]:
    # Runs of consecutive codes in ``stages``: (first, last) of each.
    codes = sorted({int(s) for s in stages})
    runs: list[list[int]] = []
    for k in codes:
        if runs and k == runs[-1][1] + 1:
            runs[-1][1] = k
        else:
            runs.append([k, k])
    return tuple((a, b) for a, b in runs)


def in_stages(codes: npt.NDArray[np.int8], stages: tuple[Stage, ...]) -> npt.NDArray[np.bool_]:
    """Return ``stage_mask(stages).take(codes)``: which stage codes are in ``stages``.

    By comparisons with each run of consecutive codes: on the ~25,000 stages of the active
    cases a take() from the lookup table cost 4x as much (its int8 indices are converted).

    Args:
        codes: Stage codes.
        stages: Stages.

    Returns:
        Boolean mask, shaped like ``codes``.
    """
    out = np.zeros(codes.shape, dtype=np.bool_)
    top = len(Stage) - 1
    for lo, hi in _stage_runs(stages):
        if lo == hi:
            out |= codes == lo
        elif hi == top:
            out |= codes >= lo
        else:
            out |= (codes >= lo) & (codes <= hi)
    return out


#: Legal stage transitions; anything else is a bug (the model counts every transition).
LEGAL_TRANSITIONS: dict[Stage, tuple[Stage, ...]] = {
    Stage.NEW: (
        Stage.PRE_COURT,
        Stage.FILED,
        Stage.PREPARATION,
        Stage.AWAITING_HEARING,
        Stage.QUEUED,
    ),
    Stage.PRE_COURT: (Stage.FILED, Stage.SETTLED_PRE_COURT),
    Stage.FILED: (
        Stage.CONCILIATION,
        Stage.PREPARATION,
        Stage.AWAITING_HEARING,
        Stage.QUEUED,
        Stage.RETURNED,
        Stage.DISPOSED,
    ),
    Stage.CONCILIATION: (Stage.PREPARATION, Stage.AWAITING_HEARING, Stage.QUEUED, Stage.DISPOSED),
    Stage.PREPARATION: (
        Stage.AWAITING_HEARING,
        Stage.QUEUED,
        Stage.SUSPENDED,
        Stage.MEDIATION,
        Stage.DISPOSED,
    ),
    Stage.AWAITING_HEARING: (Stage.QUEUED, Stage.SUSPENDED, Stage.MEDIATION, Stage.DISPOSED),
    Stage.SUSPENDED: (Stage.PREPARATION, Stage.AWAITING_HEARING, Stage.QUEUED, Stage.DISPOSED),
    Stage.MEDIATION: (Stage.PREPARATION, Stage.AWAITING_HEARING, Stage.QUEUED, Stage.DISPOSED),
    Stage.QUEUED: (Stage.IN_WORK, Stage.MEDIATION, Stage.DISPOSED),
    Stage.IN_WORK: (Stage.QUEUED, Stage.MEDIATION, Stage.DISPOSED),
    Stage.AWAITING_DECISION: (Stage.DISPOSED,),
    Stage.DISPOSED: (),
    Stage.RETURNED: (),
    Stage.SETTLED_PRE_COURT: (),
}


class Outcome(enum.IntEnum):
    """How a case left the court (or never reached it)."""

    NONE = 0
    JUDGMENT = 1
    SETTLEMENT = 2  # settlement agreement approved by the trial judge
    WITHDRAWAL = 3
    RETURNED = 4
    SETTLED_CONCILIATION = 5  # at claim acceptance, before a conciliation judge
    SETTLED_MEDIATION = 6  # mediation agreement during proceedings
    SETTLED_PARTICIPATORY = 7  # lawyers' participatory procedure
    SETTLED_PRE_COURT = 8  # before filing


SETTLEMENT_OUTCOMES = (
    Outcome.SETTLEMENT,
    Outcome.SETTLED_CONCILIATION,
    Outcome.SETTLED_MEDIATION,
    Outcome.SETTLED_PARTICIPATORY,
)

# Column name -> (dtype, fill value for new rows). Times are simulation days (float, NaN = not yet).
CASE_COLUMNS: dict[str, tuple[Any, Any]] = {
    "court": (np.int16, -1),
    "case_type": (np.int16, -1),
    "stage": (np.int8, Stage.NEW),
    "outcome": (np.int8, Outcome.NONE),
    "initial": (np.bool_, False),
    "t_filed": (np.float64, np.nan),
    "t_accepted": (np.float64, np.nan),
    "t_prep_end": (np.float64, np.nan),
    "t_ready": (np.float64, np.nan),
    "t_work_start": (np.float64, np.nan),
    "t_decided": (np.float64, np.nan),
    "t_disposed": (np.float64, np.nan),
    "t_deadline": (np.float64, np.nan),
    "t_next": (np.float64, np.nan),  # due day of the current stage's scheduled transition
    "t_withdraw": (
        np.float64,
        np.inf,
    ),  # latent: plaintiff withdraws on this day if still litigating
    "t_settle": (
        np.float64,
        np.inf,
    ),  # day the parties' agreement is approved (inf = no agreement yet)
    "t_appeal": (np.float64, np.nan),
    "judge": (np.int32, -1),
    "effort_hours": (np.float64, np.nan),
    "remaining_hours": (np.float64, np.nan),
    "claim_value_kzt": (np.float64, np.nan),
    "state_fee_kzt": (np.float64, 0.0),
    "fee_refund_kzt": (np.float64, 0.0),
    "lawyer_fees_kzt": (np.float64, 0.0),
    "plaintiff_won": (np.bool_, False),
    "appealed": (np.bool_, False),
    "appeal_corrected": (np.bool_, False),
    # latent uniforms drawn when the dispute arises, so decisions keep common random numbers
    "u_return": (np.float64, np.nan),
    "u_judge": (np.float64, np.nan),
    "u_win": (np.float64, np.nan),
    "u_appeal_settled": (np.float64, np.nan),
    "u_correct": (np.float64, np.nan),
    # durations drawn when the dispute arises, kept so stages can be rescheduled (pre-court)
    "acceptance_wd": (np.int16, 0),
    # latent Exp(1) clock of the plaintiff's withdrawal
    "e_withdraw": (np.float64, np.nan),
    # reconciliation channels (pilots)
    "t_arose": (np.float64, np.nan),  # day the dispute arose (= t_filed without pre-court)
    "skipped_pretrial": (np.bool_, False),  # filed without a mandatory pre-trial attempt
    "waiting_channel": (np.int8, 0),  # Channel the case waits for a free provider of
    "active_channel": (np.int8, 0),  # Channel of the attempt under way
    "pre_court_consent": (np.bool_, False),  # both parties agreed to the pre-court attempt
    "conciliator": (np.int32, -1),  # conciliation judge (index) who handled the case
    "mediator": (np.int32, -1),  # mediator (index) of the latest mediation
    "mediator_fee_kzt": (np.float64, 0.0),  # paid by the parties
    "mediator_fee_state_kzt": (np.float64, 0.0),  # paid by the state
    "judge_hours_saved": (np.float64, 0.0),
    "triage_score": (np.float64, np.nan),  # conciliation judges' estimate of settling
    "t_suspension_end": (np.float64, np.nan),  # end of the latest suspension (mediation)
    "u_pre_offer": (np.float64, np.nan),
    "u_pre_dur": (np.float64, np.nan),
    "u_conc_offer": (np.float64, np.nan),
    "u_conc_dur": (np.float64, np.nan),
    "u_med_offer": (np.float64, np.nan),
    "u_med_choice": (np.float64, np.nan),
    "u_med_dur": (np.float64, np.nan),
    "u_reassign": (np.float64, np.nan),
    # the hearing process (docs/model.md): sessions in the judge's calendar
    "case_key": (np.uint64, 0),  # key of the case's counter-based session draws
    "n_main": (np.int16, 0),  # main hearings the case needs if none is adjourned
    "session_w": (np.int32, -1),  # working-day index of the booked session (-1: none)
    "t_booked": (np.float64, np.nan),  # day the booked session was booked
    "n_booked": (np.int16, 0),  # sessions booked (scheduled), held or not
    "n_held": (np.int16, 0),  # sessions held (not adjourned)
    "n_main_held": (np.int16, 0),  # main hearings held
    "n_main_booked": (np.int16, 0),  # main hearings scheduled (CourTools measure 5)
    "n_adjourned": (np.int16, 0),
    "n_absent": (np.int16, 0),  # defendant's non-appearances
    "in_absentia": (np.bool_, False),  # decided in the defendant's absence
    "expert_ordered": (np.bool_, False),
    "lead_days_sum": (np.float64, 0.0),  # sum of booking-to-session lead times, days
    "sessions_saved": (np.float64, 0.0),  # sessions a settlement or withdrawal made unneeded
    "t_first_session": (np.float64, np.nan),
    "t_desk_start": (np.float64, np.nan),  # fractional day the decision writing started
    "t_desk_done": (np.float64, np.nan),  # fractional day the decision was written
    # the parties' bargaining (courtsim.bargaining)
    "contested": (np.bool_, True),  # the defendant disputes the claim
    "merit": (np.float64, np.nan),  # true chance that the plaintiff wins a judgment
    "award": (np.float64, np.nan),  # share of the claim a judgment for the plaintiff awards
    "settle_amount": (np.float64, np.nan),  # agreed amount, share of the claim
    "n_signals": (np.int16, 0),  # signals of the merits both parties have seen
    # refiling and enforcement
    "refiled_from": (np.int64, -1),  # the returned claim this one refiles
    "t_refile": (np.float64, np.nan),  # day a returned claim will be refiled (NaN: never)
    "enforcement": (np.bool_, False),  # sent to enforcement proceedings
    # the appeal instance
    "appeal_judge": (np.int32, -1),
    "appeal_session_w": (np.int32, -1),
    "appeal_sessions": (np.int16, 0),
    "t_appeal_decided": (np.float64, np.nan),
    "appeal_settled": (np.bool_, False),
}


class Channel(enum.IntEnum):
    """Reconciliation channels of the pilots."""

    NONE = 0
    PRE_COURT = 1
    CONCILIATION = 2
    MEDIATION = 3
    PARTICIPATORY = 4


# Per-channel referral records: referred (consented), started (a provider took it),
# declined (waited too long), and the days of referral and start.
for _ch in ("pre_court", "conciliation", "mediation", "participatory"):
    CASE_COLUMNS[f"referred_{_ch}"] = (np.bool_, False)
    CASE_COLUMNS[f"started_{_ch}"] = (np.bool_, False)
    CASE_COLUMNS[f"declined_{_ch}"] = (np.bool_, False)
    CASE_COLUMNS[f"t_referred_{_ch}"] = (np.float64, np.nan)
    CASE_COLUMNS[f"t_started_{_ch}"] = (np.float64, np.nan)

# Party columns: arrays of shape (capacity, 2); [:, 0] plaintiff, [:, 1] defendant.
PARTY_COLUMNS: dict[str, tuple[Any, Any]] = {
    "legal_entity": (np.bool_, False),
    "lawyer": (np.bool_, False),
    "optimism": (np.float64, np.nan),  # over-estimate of own chance of winning
    "delay_cost_share": (np.float64, np.nan),  # cost of a month's delay, share of the claim
    "relationship_share": (np.float64, np.nan),  # value of the relationship, share of the claim
    "appeal_noise": (np.float64, np.nan),  # idiosyncratic part of the appeal decision
    "trust_dev": (np.float64, np.nan),  # own trust in conciliation relative to the court's
    "belief": (np.float64, np.nan),  # belief about the plaintiff's chance of winning (bargaining)
    "belief_precision": (np.float64, np.nan),  # its precision (1 / variance)
    "award_belief": (np.float64, np.nan),  # expected award share if the plaintiff wins
}
PARTY_ROLES = ("plaintiff", "defendant")
_INTERNAL_COLUMNS = {
    "t_next",
    "remaining_hours",
    "waiting_channel",
    "active_channel",
    "triage_score",
    "acceptance_wd",
    "case_key",
    "session_w",
    "appeal_session_w",
    "t_booked",
}


def contiguous(idx: npt.NDArray[np.int64]) -> slice | npt.NDArray[np.int64]:
    """Return rows ``idx`` as a slice where they are consecutive (new rows), else ``idx``.

    A day's new disputes are consecutive rows; writing their ~40 columns through a slice,
    not a fancy index, was a sixth of drawing them.

    Args:
        idx: Row indices.

    Returns:
        ``slice(idx[0], idx[-1] + 1)``, or ``idx`` itself.
    """
    if idx.size and idx[-1] - idx[0] == idx.size - 1 and (np.diff(idx) == 1).all():
        return slice(int(idx[0]), int(idx[-1]) + 1)
    return idx


def rows(col: npt.NDArray[Any], idx: npt.NDArray[np.int64] | slice) -> npt.NDArray[Any]:
    """Return rows ``idx`` of a column, as ``col[idx]`` does.

    For a party column (two values a row) ``col[idx]`` goes through numpy's general
    fancy-indexing path, about 9x slower than ``take`` on the few thousand rows of a
    day's decisions; the bargaining rules read several such columns per decision.

    Args:
        col: A case or party column.
        idx: Row indices, or a slice of them (:func:`contiguous`).

    Returns:
        The rows (a copy; a view for a slice).
    """
    if isinstance(idx, slice):
        return col[idx]
    return col.take(idx, axis=0)


def set_rows(
    col: npt.NDArray[Any], idx: npt.NDArray[np.int64] | slice, values: npt.NDArray[Any]
) -> None:
    """Write ``values`` (shape (n, 2)) to rows ``idx`` of a party column, as ``col[idx] =``.

    One party at a time: half the cost of the 2-D fancy assignment.

    Args:
        col: A party column.
        idx: Row indices, or a slice of them (:func:`contiguous`).
        values: One row of values per index.
    """
    if isinstance(idx, slice):
        col[idx] = values
        return
    for role in range(col.shape[1]):
        col[idx, role] = values[:, role]


def _nonzero(fill: Any, dtype: Any) -> bool:
    return bool(np.array(fill, dtype=dtype).tobytes().strip(b"\0"))


_ALL_COLUMNS: dict[str, tuple[Any, Any]] = {**CASE_COLUMNS, **PARTY_COLUMNS}
_SHAPES = {name: (2,) if name in PARTY_COLUMNS else () for name in _ALL_COLUMNS}
#: Columns whose blank value is not all-zero bytes: written by CaseTable._fill_to.
_NONZERO_FILLS = {n: f for n, (dt, f) in _ALL_COLUMNS.items() if _nonzero(f, dt)}
_FILL_CHUNK = 16_384  # rows given their blank values at a time


@contextlib.contextmanager
def small_pages() -> Iterator[None]:
    """Allocate inside the block without numpy's transparent-huge-page advice.

    numpy advises the kernel to back arrays of 4 MB or more with 2 MB pages. Where the
    kernel must find those pages on the first touch (THP ``defrag=madvise``, memory in
    use by other processes), that touch cost 3-5x the plain 4 KB page faults here and
    varied from run to run: 0.3-1.5 s for the national case table's ~370 MB, 0.2-2.1 s
    for the case frame's copy. The table is written once per row, in order, so its
    4 KB pages lose nothing measurable elsewhere.
    """
    from numpy._core import multiarray  # numpy's switch (also NUMPY_MADVISE_HUGEPAGE)

    setter = getattr(multiarray, "_set_madvise_hugepage", None)
    if setter is None:  # a numpy without the switch: allocate as it does
        yield
        return
    previous = setter(False)
    try:
        yield
    finally:
        setter(previous)


def _blank(shape: tuple[int, ...], fill: Any, dtype: Any) -> npt.NDArray[Any]:
    # Zero-filled columns come from calloc (their pages read as zeros until written);
    # the others are filled chunk by chunk as the table reaches them (CaseTable._fill_to).
    return np.empty(shape, dtype=dtype) if _nonzero(fill, dtype) else np.zeros(shape, dtype)


class CaseTable:
    """Structure-of-arrays store of cases and their two parties.

    Columns are attributes (``cases.stage``, ``cases.optimism[:, 0]``). Rows are
    appended with :meth:`add`; capacity grows geometrically so appends stay cheap.

    Args:
        capacity: Initial number of rows allocated.
    """

    def __init__(self, capacity: int = 1024):
        self.n = 0
        self._cap = max(int(capacity), 16)
        self._filled = 0  # rows [0, _filled) hold their fill values (or data)
        with small_pages():
            for name, (dtype, fill) in _ALL_COLUMNS.items():
                setattr(self, name, _blank((self._cap, *_SHAPES[name]), fill, dtype))

    def _grow(self, need: int) -> None:
        new_cap = max(need, int(self._cap * 1.6) + 16)
        with small_pages():
            for name, (dtype, fill) in _ALL_COLUMNS.items():
                old = getattr(self, name)
                new = _blank((new_cap, *old.shape[1:]), fill, dtype)
                new[: self._filled] = old[: self._filled]
                setattr(self, name, new)
        self._cap = new_cap

    def _fill_to(self, stop: int) -> None:
        # Rows get their fill values in chunks as the table reaches them, not all at
        # allocation: np.full over the whole capacity (~370 MB nationally) cost ~0.5-1 s of
        # page faults at start-up, and the rows never used were resident for nothing.
        stop = min(max(stop, self._filled + _FILL_CHUNK), self._cap)
        rows = slice(self._filled, stop)
        for name, fill in _NONZERO_FILLS.items():
            getattr(self, name)[rows] = fill
        self._filled = stop

    def add(self, k: int) -> npt.NDArray[np.int64]:
        """Append ``k`` blank rows and return their indices.

        Args:
            k: Number of rows.

        Returns:
            The new row indices.
        """
        if self.n + k > self._cap:
            self._grow(self.n + k)
        if self.n + k > self._filled:
            self._fill_to(self.n + k)
        idx = np.arange(self.n, self.n + k, dtype=np.int64)
        self.n += k
        return idx

    def to_frame(self, case_type_names: list[str], court_names: list[str]) -> pd.DataFrame:
        """Return one row per case, with every event day, its outcome and both parties.

        Args:
            case_type_names: Names for the ``case_type`` codes.
            court_names: Names for the ``court`` codes.

        Returns:
            The case frame (party columns prefixed ``plaintiff_`` and ``defendant_``).
        """
        n = self.n
        cols: dict[str, Any] = {"case_id": np.arange(n, dtype=np.int64)}
        for name in CASE_COLUMNS:
            if name.startswith(("u_", "e_")) or name in _INTERNAL_COLUMNS:
                continue  # internal latent draws and bookkeeping
            cols[name] = getattr(self, name)[:n]
        for t in ("t_withdraw", "t_settle"):
            cols[t] = np.where(np.isinf(cols[t]), np.nan, cols[t])
        cols["court"] = pd.Categorical.from_codes(cols["court"], categories=court_names)
        cols["case_type"] = pd.Categorical.from_codes(cols["case_type"], categories=case_type_names)
        cols["stage"] = pd.Categorical.from_codes(
            cols["stage"].astype(np.int64), categories=[s.name.lower() for s in Stage]
        )
        cols["outcome"] = pd.Categorical.from_codes(
            cols["outcome"].astype(np.int64), categories=[o.name.lower() for o in Outcome]
        )
        for name in PARTY_COLUMNS:
            arr = getattr(self, name)[:n]
            for r, role in enumerate(PARTY_ROLES):
                cols[f"{role}_{name}"] = arr[:, r]
        # Views are enough: the frame copies once, into one block per dtype.
        with small_pages():
            return pd.DataFrame(cols, copy=True)
