"""Court sessions of the first instance: booking, holding, adjournments, expert examinations.

An accepted case goes through the sessions the CPC prescribes (``domain.md`` §1.3, §7):
a preparation session (interview or preliminary hearing; preparation ends at it and the
art. 183 clock starts), ``n_main`` main hearings, then the decision, written at the
judge's desk (:mod:`courtsim.docket`). Each session is booked in the judge's calendar
(:class:`courtsim.hearing_calendar.SlotCalendar`) in the first free slot after the
notice period, so the time to disposition is the sum of the lead times congestion
produces. At a session the defendant may fail to appear (after ``absentia_after``
absences the judge decides in absentia), evidence may be missing, a counterclaim or a
third party may join (adjourned: booked again), or an expert examination may be ordered
(the case is suspended and holds no slot).

Every draw of a session is a counter-based uniform of the case's key and the session's
number (:func:`case_uniform`), so a pilot that changes when or whether a session happens
never reshuffles the draws of any other session (common random numbers).
"""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from courtsim.cases import SESSION_STAGES, Stage, in_stages, stage_mask
from courtsim.hearing_calendar import SlotCalendar
from courtsim.ordering import stable_argsort

if TYPE_CHECKING:
    from courtsim.model import CourtModel

#: Stages before the preparation session, and stages with sessions still ahead
#: (lookup tables for sessions_left, called at every disposal).
_BEFORE_PREP_LUT = stage_mask(
    (Stage.PREPARATION, Stage.MEDIATION, Stage.FILED, Stage.CONCILIATION, Stage.PRE_COURT)
)
_SESSIONS_AHEAD_LUT = stage_mask(
    (
        *SESSION_STAGES,
        Stage.SUSPENDED,
        Stage.MEDIATION,
        Stage.FILED,
        Stage.PRE_COURT,
        Stage.CONCILIATION,
    )
)
# Stage codes as plain ints for array comparisons: numpy probes an IntEnum member's class
# for its array protocols on every use (~5 us each, a few dozen times a day).
_PREPARATION, _AWAITING_HEARING, _QUEUED = (
    int(s) for s in (Stage.PREPARATION, Stage.AWAITING_HEARING, Stage.QUEUED)
)
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_PURPOSE = np.uint64(0xD1B54A32D192ED03)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_S30, _S27, _S31, _S11 = (np.uint64(k) for k in (30, 27, 31, 11))


class Draw(enum.IntEnum):
    """Purposes of the counter-based draws of a case (one independent uniform each)."""

    ABSENT = 1
    EVIDENCE = 2
    JOINDER = 3
    EXPERT = 4
    EXPERT_DAYS = 5
    REFILE = 6
    REFILE_DAYS = 7
    ENFORCEMENT = 8
    APPEAL_ADJOURNED = 9
    APPEAL_SETTLED = 10
    APPEAL_JUDGE = 11
    PROVIDER_SESSIONS = 12
    CONTESTED = 13
    MERIT = 14
    SIGNAL = 15
    JUDGE_EXPLAINS = 16
    EVALUATION = 17
    AWARD = 18


def case_uniform(
    key: npt.NDArray[np.uint64], counter: npt.ArrayLike, purpose: Draw
) -> npt.NDArray[np.float64]:
    """Return a uniform in [0, 1) for each (case key, counter, purpose): splitmix64.

    Args:
        key: Each case's key (drawn once when the dispute arises).
        counter: The session (or event) number, per case or scalar.
        purpose: What the draw decides.

    Returns:
        Uniforms, one per key.
    """
    return case_uniforms(key, counter, (purpose,))[0]


def case_uniforms(
    key: npt.NDArray[np.uint64], counter: npt.ArrayLike, purposes: tuple[Draw, ...]
) -> list[npt.NDArray[np.float64]]:
    """Return :func:`case_uniform` of the same keys and counters for several purposes.

    Args:
        key: Each case's key.
        counter: The session (or event) number, per case or scalar.
        purposes: What each draw decides.

    Returns:
        One array of uniforms per purpose.
    """
    key = np.asarray(key, dtype=np.uint64)
    if key.ndim == 0:
        key = key.reshape(1)
    # Arrays, not scalars: numpy wraps array arithmetic modulo 2**64 without warning.
    # In place, and a scalar counter folded into the salt in Python integers (the same
    # sum modulo 2**64): this runs ~6,500 times a national year.
    if np.ndim(counter) == 0:
        base, offset = key, int(counter) * int(_GOLDEN)
    else:
        ctr = np.asarray(counter)
        if ctr.shape != key.shape:
            ctr = np.broadcast_to(ctr, key.shape)
        base = ctr.astype(np.uint64)
        base *= _GOLDEN
        base += key
        offset = 0
    out = []
    for purpose in purposes:
        z = base + np.uint64((offset + int(purpose) * int(_PURPOSE)) % 2**64)
        out.append(_mix(z))
    return out


def _mix(z: npt.NDArray[np.uint64]) -> npt.NDArray[np.float64]:
    # splitmix64's finaliser, in place (one scratch array for the shifts), then the top
    # 53 bits as a double in [0, 1).
    t = np.empty_like(z)
    np.right_shift(z, _S30, out=t)
    z ^= t
    z *= _M1
    np.right_shift(z, _S27, out=t)
    z ^= t
    z *= _M2
    np.right_shift(z, _S31, out=t)
    z ^= t
    z >>= _S11
    u = z.astype(np.float64)
    u *= 1.0 / 9007199254740992.0
    return u


#: The draws of a held session, in one pass over its keys.
_SESSION_DRAWS = (Draw.ABSENT, Draw.EVIDENCE, Draw.JOINDER, Draw.EXPERT)


class HearingProcess:
    """The judges' calendars and the sessions held in them.

    Args:
        model: The court model (its scenario, calendar, judges' traits and case table).
    """

    def __init__(self, model: CourtModel):
        sc = model.court_scenario
        self.model = model
        self.params = sc.hearings
        self.judges = model.judge_traits
        cal = model.calendar
        self.calendar = SlotCalendar(self.judges.slots_per_day, len(cal.working_days))
        types = list(sc.case_types.values())
        # Per-type arrays, read with take() (int16 codes index slowly otherwise).
        self.has_preliminary = np.array([t.preliminary_hearing for t in types])
        self.p_absent = np.array([t.p_defendant_absent for t in types])
        self.time_limit = np.array([t.time_limit_days for t in types], dtype=np.float64)
        self.overload_days = sc.judges.overload_lead_working_days
        self.max_extra = sc.judges.overtime_slots_per_day

    # ------------------------------------------------------------------ helpers
    def today_w(self) -> int:
        """Return today's working-day index (the last working day on non-working days)."""
        return int(self.model.calendar.n_worked[self.model.day]) - 1

    def first_stage(self, idx: npt.NDArray[np.int64]) -> npt.NDArray[np.int8]:
        """Return the stage a case enters after acceptance, or on resuming proceedings.

        Args:
            idx: Cases.

        Returns:
            PREPARATION (its preparation session is still to come), AWAITING_HEARING (main
            hearings to come) or QUEUED (only the decision is left).
        """
        c = self.model.cases
        prep_due = self.has_preliminary.take(c.case_type[idx]) & np.isnan(c.t_prep_end[idx])
        hearings_left = (c.n_main_held[idx] < c.n_main[idx]) & ~c.in_absentia[idx]
        capped = c.n_booked[idx] >= self.params.max_sessions
        out = np.where(hearings_left & ~capped, _AWAITING_HEARING, _QUEUED)
        return np.where(prep_due & ~capped, _PREPARATION, out).astype(np.int8)

    def enter(self, idx: npt.NDArray[np.int64]) -> None:
        """Put accepted or resumed cases in the stage their sessions call for.

        Cases without a preparation session are prepared on acceptance: the art. 183
        clock starts then.

        Args:
            idx: Cases.
        """
        if idx.size == 0:
            return
        m = self.model
        c = m.cases
        no_prep = ~self.has_preliminary.take(c.case_type[idx]) & np.isnan(c.t_prep_end[idx])
        self.end_preparation(idx[no_prep])
        stage = self.first_stage(idx)
        for s in (Stage.PREPARATION, Stage.AWAITING_HEARING):
            m.move(idx[stage == int(s)], s)
        self.to_desk(idx[stage == _QUEUED])

    def end_preparation(self, idx: npt.NDArray[np.int64]) -> None:
        """Preparation ends today: the statutory limit runs from now (CPC art. 183).

        Args:
            idx: Cases.
        """
        c = self.model.cases
        day = self.model.day
        c.t_prep_end[idx] = day
        c.t_deadline[idx] = day + self.time_limit.take(c.case_type[idx])

    def to_desk(self, idx: npt.NDArray[np.int64]) -> None:
        """Sessions are over: the decision waits for the judge's desk time.

        Args:
            idx: Cases.
        """
        if idx.size == 0:
            return
        m = self.model
        c = m.cases
        # Decided without a held preparation session (in absentia, or the session cap):
        # preparation ends now, for the statutory clock.
        self.end_preparation(idx[np.isnan(c.t_prep_end[idx])])
        fresh = idx[np.isnan(c.t_ready[idx])]
        c.t_ready[fresh] = m.day
        m.move(idx, Stage.QUEUED)

    def release(self, idx: npt.NDArray[np.int64]) -> None:
        """Give the booked sessions of cases back to their judges' calendars.

        Args:
            idx: Cases (those with no booked session are ignored).
        """
        c = self.model.cases
        booked = idx[c.session_w[idx] >= 0]
        if booked.size == 0:
            return
        self.calendar.release(
            c.judge[booked].astype(np.int64), c.session_w[booked].astype(np.int64)
        )
        self.model.set_session_w(booked, -1)
        c.t_next[booked] = np.nan
        self.model.flow("sessions_released", booked.size)

    def sessions_left(
        self, idx: npt.NDArray[np.int64], stage: npt.NDArray[np.int8] | None = None
    ) -> npt.NDArray[np.float64]:
        """Return the sessions each case would still need if none were adjourned.

        Args:
            idx: Cases.
            stage: Their stages, where the caller has read them already.

        Returns:
            Counts (0 once only the decision is left).
        """
        c = self.model.cases
        st = c.stage[idx] if stage is None else stage
        prep = _BEFORE_PREP_LUT.take(st) & self.has_preliminary.take(c.case_type[idx])
        prep &= np.isnan(c.t_prep_end[idx])
        main = np.where(c.in_absentia[idx], 0, np.maximum(c.n_main[idx] - c.n_main_held[idx], 0))
        return np.where(_SESSIONS_AHEAD_LUT.take(st), prep + main, 0).astype(np.float64)

    # ------------------------------------------------------------------ daily phases
    def hold_sessions(self) -> None:
        """Hold today's booked sessions: each is held or adjourned, by its own draws."""
        m = self.model
        if not m.calendar.is_working[m.day]:
            return
        c = m.cases
        w = self.today_w()
        cal = self.calendar
        m.flow("slots_available", float(cal.slots[:, w].sum() + cal.extra.sum()))
        if not cal.booked[:, w].any():
            return
        act = m.active_cases
        idx = act[in_stages(m.active_stages, SESSION_STAGES) & (m.active_session_w == w)]
        if idx.size == 0:
            return
        m.set_session_w(idx, -1)
        c.t_next[idx] = np.nan
        first = np.isnan(c.t_first_session[idx])
        c.t_first_session[idx[first]] = m.day
        k = c.n_booked[idx]
        key = c.case_key[idx]
        ct = c.case_type[idx]
        strict = self.judges.strictness.take(c.judge[idx])
        p = self.params
        prelim = c.stage[idx] == _PREPARATION
        u_absent, u_evidence, u_joinder, u_expert = case_uniforms(key, k, _SESSION_DRAWS)
        absent = u_absent < self.p_absent.take(ct)
        c.n_absent[idx[absent]] += 1
        absentia = absent & (c.n_absent[idx] >= p.absentia_after)
        evidence = ~absent & (u_evidence < p.p_evidence_missing * strict)
        rest = ~absent & ~evidence
        joinder = rest & (u_joinder < p.p_joinder * strict)
        expert = (
            rest & ~joinder & ~prelim & ~c.expert_ordered[idx] & (u_expert < p.p_expert_examination)
        )
        adjourned = (absent & ~absentia) | evidence | joinder | expert
        held = ~adjourned
        m.flow("sessions_held", int(held.sum()))
        m.flow("sessions_adjourned", int(adjourned.sum()))
        m.flow("new_in_absentia", int(absentia.sum()))
        c.n_held[idx[held]] += 1
        c.n_adjourned[idx[adjourned]] += 1
        c.in_absentia[idx[absentia]] = True
        # Held preparation sessions end preparation; held main hearings count.
        prep_done = idx[held & prelim]
        self.end_preparation(prep_done)
        main_done = idx[held & ~prelim & ~absentia]
        c.n_main_held[main_done] += 1
        # Expert examinations suspend the case (and its statutory clock, CPC).
        ex = idx[expert]
        if ex.size:
            c.expert_ordered[ex] = True
            days = p.expert_days.from_uniform(
                case_uniform(c.case_key[ex], c.n_booked[ex], Draw.EXPERT_DAYS)
            )
            until = m.calendar.next_working_day(m.day + np.ceil(days))
            m.pause_clocks(ex, until)
            c.t_next[ex] = until
            m.move(ex, Stage.SUSPENDED)
            m.flow("new_expert_examinations", ex.size)
        # Where the case goes next: another session, or the decision.
        moved = idx[held]
        nxt = self.first_stage(moved)
        m.move(
            moved[(nxt == _AWAITING_HEARING) & (c.stage[moved] != _AWAITING_HEARING)],
            Stage.AWAITING_HEARING,
        )
        self.to_desk(moved[nxt == _QUEUED])
        capped = idx[adjourned & ~expert & (c.n_booked[idx] >= p.max_sessions)]
        self.to_desk(capped)
        m.talks.after_sessions(idx[held])

    def end_suspensions(self) -> None:
        """Expert examinations that are over: the case needs its next session again."""
        m = self.model
        if not m.recorder.stages[m.day - 1, Stage.SUSPENDED]:
            return  # nobody was suspended last night (and nobody is suspended before this)
        idx = m.active_in_stage(Stage.SUSPENDED)
        idx = idx[m.cases.t_next[idx] <= m.day]
        if idx.size == 0:
            return
        m.cases.t_next[idx] = np.nan
        self.enter(idx)

    def book(self, idx: npt.NDArray[np.int64] | None = None, earliest_w: int | None = None) -> None:
        """Book a session for every case that needs one, in the judges' priority order.

        Priority follows ``judges.discipline``: first accepted first (``fifo``) or the
        earliest statutory deadline first (``deadline``, CPC art. 183). Judges whose
        lead time is beyond the overload threshold add overtime sessions first.

        Args:
            idx: Cases to book, in priority order (default: every case that needs one).
            earliest_w: Earliest working-day index (default: after the notice period).
        """
        m = self.model
        c = m.cases
        if idx is None:
            if not m.calendar.is_working[m.day]:
                return
            act = m.active_cases
            idx = act[in_stages(m.active_stages, SESSION_STAGES) & (m.active_session_w < 0)]
            if m.court_scenario.judges.discipline == "deadline":
                key = np.where(
                    np.isnan(c.t_deadline[idx]), c.t_accepted[idx] + 60, c.t_deadline[idx]
                )
            else:
                key = c.t_accepted[idx]
            idx = idx[stable_argsort(key)]  # ties: filing order (idx is ascending)
        if idx.size == 0:
            return
        m.ensure_judges(idx)
        if earliest_w is None:
            earliest = self.today_w() + max(self.params.notice_working_days, 1)
        else:
            earliest = earliest_w
        self.calendar.set_overtime(earliest, self.overload_days, self.max_extra)
        judge = c.judge[idx].astype(np.int64)
        w = self.calendar.book(judge, earliest)
        wd = m.calendar.working_days
        day = np.where(w < wd.size, wd[np.minimum(w, wd.size - 1)], wd[-1] + 1)
        m.set_session_w(idx, w)
        c.t_next[idx] = day
        c.t_booked[idx] = m.day
        c.n_booked[idx] += 1
        main = c.stage[idx] == _AWAITING_HEARING
        c.n_main_booked[idx[main]] += 1
        c.lead_days_sum[idx] += day - m.day
        m.flow("sessions_booked", idx.size)
        m.flow("lead_days_booked", float((day - m.day).sum()))
