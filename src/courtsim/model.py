"""CourtModel: the day-by-day flow of civil disputes through first-instance courts."""

from __future__ import annotations

from collections.abc import Callable

import mesa
import numpy as np
import numpy.typing as npt
from scipy.special import ndtri

from courtsim.active import ActiveCases
from courtsim.agents import ConciliationJudge, Judge, Mediator
from courtsim.appeals import AppealTier
from courtsim.arrivals import (
    FilingProcess,
    clone_for_refiling,
    draw_cases,
    schedule_acceptance,
    schedule_filing,
    type_and_court_codes,
)
from courtsim.calendar import WorkCalendar
from courtsim.cases import (
    ACTIVE_STAGES,
    LITIGATING_STAGES,
    PENDING_STAGES,
    SETTLEMENT_OUTCOMES,
    CaseTable,
    Channel,
    Outcome,
    Stage,
    in_stages,
)
from courtsim.docket import DocketRules, work_day
from courtsim.judges import JudgeTraits
from courtsim.negotiation import SettlementTalks
from courtsim.ordering import stable_argsort
from courtsim.policies import REGISTRY
from courtsim.providers import ProviderPool
from courtsim.recorder import Recorder
from courtsim.rng import Streams, replicate_seed_sequence
from courtsim.schema.pilots import MEDIATOR_KINDS
from courtsim.schema.scenario import Scenario
from courtsim.sessions import Draw, HearingProcess, case_uniform

_N_STAGES = len(Stage)
_ACTIVE_LUT = np.isin(np.arange(_N_STAGES), ACTIVE_STAGES)
_APPROVED_BY_TRIAL_JUDGE = (
    Outcome.SETTLEMENT,
    Outcome.SETTLED_MEDIATION,
    Outcome.SETTLED_PARTICIPATORY,
)
#: Named points of the daily step where policies hook in, in step order.
HOOKS = ("arise", "filing", "acceptance", "litigation", "preparation", "hearing", "decision")


class CourtModel(mesa.Model):
    """Civil disputes and claims of one or more courts, one step per calendar day.

    Day 0 is the initial state (the pending caseload, its sessions already booked); steps
    simulate days 1..horizon. Each step runs these phases in this order; phases 1-8 run
    on working days only:

    1. **arise** - new disputes arise; each one's latent draws and both parties'
       attributes are drawn once (:func:`courtsim.arrivals.draw_cases`). Hook ``arise``:
       pre-court reconciliation takes some of them, and ends its due attempts.
    2. **file** - the remaining new disputes, and returned claims due to be refiled, are
       filed. Hook ``filing``: conciliation at acceptance takes claims and ends its due
       conciliations.
    3. **accept** - acceptance reviews that are due end: the claim is returned (it may be
       refiled later), or it is accepted, gets a judge and waits for its first session
       (:meth:`courtsim.sessions.HearingProcess.enter`). Hook ``acceptance``: mediation
       may be proposed.
    4. **litigate** - parties' decisions that fall due take effect: the plaintiff
       withdraws, or both settle and the judge approves the agreement; their booked
       sessions go back to the calendar. Hook ``litigation``: due mediations end; failed
       ones resume.
    5. **hold sessions** - expert examinations that are over end; today's booked
       sessions are held or adjourned (:mod:`courtsim.sessions`). Hook ``preparation``:
       mediation may be proposed to cases whose preparation ended today. Hook
       ``hearing``.
    6. **book** - every case that needs a session gets the first free slot of its
       judge's calendar after the notice period (overloaded judges add sessions first).
    7. **write** - judges write decisions at their desks (:func:`courtsim.docket.work_day`);
       finished ones are judgments, and the losing party decides whether to appeal.
       Hook ``decision``.
    8. **appeal** - appeals whose window is over reach the appellate bench; its sessions
       are held and booked (:class:`courtsim.appeals.AppealTier`).
    9. **record** - daily stocks and flows.

    Args:
        scenario: The validated scenario.
        seed: Master seed.
        replicate: Replicate number; replicate r uses ``SeedSequence(seed, spawn_key=(r,))``.

    Example:
        >>> model = CourtModel.from_scenario(load_scenario("scenarios/baseline.yaml"), seed=1)
        >>> model.run()
    """

    def __init__(self, scenario: Scenario, seed: int = 0, replicate: int = 0):
        # Not `self.scenario`: Mesa >= 3.5 reserves that name for its own scenarios.
        self.court_scenario = scenario
        self.seed = int(seed)
        self.replicate = int(replicate)
        self.streams = Streams(replicate_seed_sequence(self.seed, self.replicate))
        actor_seed = int(self.streams["actors"].integers(2**31 - 1))
        super().__init__(rng=actor_seed)
        self.day = 0
        self.horizon = scenario.horizon_days
        self.calendar = WorkCalendar(
            scenario.start_date,
            scenario.horizon_days,
            scenario.calendar.weekend_days,
            scenario.calendar.parsed_holidays(),
        )
        self.court_names = list(scenario.courts)
        self.case_type_names = list(scenario.case_types)
        per_court = scenario.judges_per_court()
        self.court_n_judges = np.array([per_court[c] for c in self.court_names], dtype=np.int64)
        self.court_first_judge = np.r_[0, np.cumsum(self.court_n_judges)[:-1]]
        self.judge_court = np.repeat(np.arange(len(self.court_names)), self.court_n_judges)
        n_judges = int(self.court_n_judges.sum())
        self.judges = [Judge(self, j, int(self.judge_court[j])) for j in range(n_judges)]
        self.judge_traits = JudgeTraits.draw(
            scenario.judges, n_judges, self.streams.child("judges")
        )
        self.hearing = HearingProcess(self)
        self.talks = SettlementTalks(self)
        self.appeals = AppealTier(self)
        self._to_refile = np.empty(0, dtype=np.int64)
        self._refile_day = np.empty(0)  # t_refile of each of _to_refile (set once)
        self.judge_hours_worked = np.zeros(n_judges)
        self.judge_hours_available = np.zeros(n_judges)
        self.judge_pending_hours = np.zeros(n_judges)  # settlement approvals to do today
        jp = scenario.judges
        self.rules = DocketRules(jp.max_parallel_cases, jp.discipline, jp.assignment == "pooled")
        self._build_providers()
        rec = scenario.reconciliation
        self.court_trust = np.full(len(self.court_names), rec.trust_initial)
        self._p_returned = np.array([t.p_returned for t in scenario.case_types.values()])
        # Per-type and per-kind parameters as arrays once, not per disposal or fee; read
        # with take(): int16 case-type codes index through numpy's slow conversion path.
        self._p_appeal = np.array([t.p_appeal for t in scenario.case_types.values()])
        self._p_appeal_settled = np.array(
            [t.p_appeal_settled for t in scenario.case_types.values()]
        )
        kinds = [getattr(scenario.mediators, k) for k in MEDIATOR_KINDS]
        self._fee_share = np.array([k.fee_share for k in kinds])
        self._fee_cap_kzt = np.array([k.fee_cap_kzt for k in kinds])
        self._fee_by_state = np.array([k.paid_by == "state" for k in kinds])

        # Filings, and returned claims refiled (~10% more rows); the table grows if needed.
        expected = scenario.filings.per_year * (self.horizon / 365.0) * 1.15
        initial = scenario.initial_pending.per_judge * n_judges
        self.cases = CaseTable(capacity=int(expected + initial + 64))
        self.filings = FilingProcess(scenario, self.calendar)
        self.transitions = np.zeros((_N_STAGES, _N_STAGES), dtype=np.int64)
        self.max_held_per_judge = 0
        self.max_overwork_hours = 0.0
        self.max_provider_overload = 0
        self.hooks: dict[str, list[Callable[[CourtModel], None]]] = {h: [] for h in HOOKS}
        self.policies = [REGISTRY[p.type](p, self) for p in scenario.policies]
        for pol in self.policies:
            for hook, fn in pol.handlers().items():
                self.hooks[hook].append(fn)
        self.recorder = Recorder(self.horizon)
        self._flows: dict[str, float] = {}
        # Filing days and deadlines of the pending cases at the last record (_record).
        self._pending_days = (np.empty(0), np.empty(0))
        # The active cases, with their stage, waiting channel and booked session kept
        # beside them (move, set_waiting, set_session_w write both).
        self.active = ActiveCases(self.cases)
        self.new_disputes = np.empty(0, dtype=np.int64)
        self._create_initial_backlog()
        self.n_initial = self.cases.n
        self._record()

    @classmethod
    def from_scenario(cls, scenario: Scenario, seed: int = 0, replicate: int = 0) -> CourtModel:
        """Build a model from a scenario (the model never reads files).

        Args:
            scenario: The scenario.
            seed: Master seed.
            replicate: Replicate number.

        Returns:
            The model, at day 0.
        """
        return cls(scenario, seed=seed, replicate=replicate)

    def _build_providers(self) -> None:
        sc = self.court_scenario
        n_courts = len(self.court_names)
        conc = sc.conciliation
        per = conc.judges_per_court + np.rint(conc.per_judge * self.court_n_judges).astype(np.int64)
        court = np.repeat(np.arange(n_courts), per)
        self.conciliators = ProviderPool(
            court=court,
            kind=np.zeros(court.size, dtype=np.int64),
            capacity=np.full(court.size, conc.max_cases_at_once),
            skill=np.full(court.size, conc.skill),
            kind_names=("conciliation_judge",),
            sessions_per_day=np.full(court.size, conc.sessions_per_day),
            sessions_per_attempt=(conc.sessions_per_attempt,),
            n_working_days=len(self.calendar.working_days),
        )
        self.conciliation_judges = [ConciliationJudge(self, i, int(k)) for i, k in enumerate(court)]
        courts, kinds, cap, skill, spd = [], [], [], [], []
        for code, name in enumerate(MEDIATOR_KINDS):
            mk = getattr(sc.mediators, name)
            per = mk.per_court + np.rint(mk.per_judge * self.court_n_judges).astype(np.int64)
            c = np.repeat(np.arange(n_courts), per)
            courts.append(c)
            kinds.append(np.full(c.size, code))
            cap.append(np.full(c.size, mk.max_cases_at_once))
            skill.append(np.full(c.size, mk.skill))
            spd.append(np.full(c.size, mk.sessions_per_day))
        self.mediator_pool = ProviderPool(
            court=np.concatenate(courts).astype(np.int64),
            kind=np.concatenate(kinds).astype(np.int64),
            capacity=np.concatenate(cap).astype(np.int64),
            skill=np.concatenate(skill).astype(np.float64),
            kind_names=MEDIATOR_KINDS,
            sessions_per_day=np.concatenate(spd).astype(np.float64),
            sessions_per_attempt=tuple(
                getattr(sc.mediators, k).sessions_per_attempt for k in MEDIATOR_KINDS
            ),
            n_working_days=len(self.calendar.working_days),
        )
        self.mediators = [
            Mediator(self, i, int(self.mediator_pool.court[i]), MEDIATOR_KINDS[k])
            for i, k in enumerate(self.mediator_pool.kind)
        ]

    # ----------------------------------------------------------------- helpers
    def move(self, idx: npt.NDArray[np.int64], to: Stage) -> None:
        """Change the stage of cases ``idx`` to ``to``, counting each transition.

        Args:
            idx: Case indices.
            to: New stage.
        """
        if idx.size == 0:
            return
        to = int(to)  # numpy probes an IntEnum's class on every use: ~5 us each
        old = self.cases.stage[idx].astype(np.int64)
        self.transitions[:, to] += np.bincount(old, minlength=_N_STAGES)
        self.active.set("stage", idx, to)

    def set_waiting(self, idx: npt.NDArray[np.int64], channel: Channel) -> None:
        """Set the channel whose provider cases ``idx`` wait for (``Channel.NONE``: none).

        Args:
            idx: Case indices.
            channel: The channel.
        """
        self.active.set("waiting_channel", idx, int(channel))

    def set_session_w(self, idx: npt.NDArray[np.int64], w: npt.NDArray[np.int64] | int) -> None:
        """Set the working-day index of the booked session of cases ``idx`` (-1: none).

        Args:
            idx: Case indices.
            w: Working-day index, per case or scalar.
        """
        self.active.set("session_w", idx, w)

    def flow(self, name: str, k: float) -> None:
        """Add ``k`` to today's flow ``name`` (a daily series).

        Args:
            name: Series name (``new_*`` for counts).
            k: Amount.
        """
        self._flows[name] = self._flows.get(name, 0) + k

    @property
    def active_cases(self) -> npt.NDArray[np.int64]:
        """Indices of pending claims and disputes in a pre-court attempt (sorted)."""
        return self.active.idx

    @property
    def active_stages(self) -> npt.NDArray[np.int8]:
        """Stage of each of :attr:`active_cases` (read-only: :meth:`move` keeps it)."""
        return self.active.kept["stage"]

    @property
    def active_waiting(self) -> npt.NDArray[np.int8]:
        """Channel each of :attr:`active_cases` waits for (read-only: :meth:`set_waiting`)."""
        return self.active.kept["waiting_channel"]

    @property
    def active_session_w(self) -> npt.NDArray[np.int32]:
        """Booked session of each of :attr:`active_cases` (read-only: :meth:`set_session_w`)."""
        return self.active.kept["session_w"]

    def active_in_stage(self, stage: Stage) -> npt.NDArray[np.int64]:
        """Return active cases in ``stage``.

        Args:
            stage: A stage.

        Returns:
            Case indices.
        """
        # int(): comparing an array with an IntEnum member costs numpy several attribute
        # probes on the enum class, more than the comparison itself here.
        return self.active.in_stage(int(stage))

    def _due(self, stage: Stage) -> npt.NDArray[np.int64]:
        idx = self.active_in_stage(stage)
        return idx[self.cases.t_next[idx] <= self.day]

    def _run_hook(self, name: str) -> None:
        for fn in self.hooks[name]:
            fn(self)

    def working_days_since(self, t: npt.NDArray[np.float64]) -> npt.NDArray[np.int64]:
        """Return working days in (t, today] for each day ``t``.

        Args:
            t: Past days.

        Returns:
            Counts.
        """
        worked = self.calendar.n_worked
        return worked[self.day] - worked[np.minimum(np.maximum(t.astype(np.int64), 0), self.day)]

    # ----------------------------------------------------------------- day 0
    def _create_initial_backlog(self) -> None:
        ip = self.court_scenario.initial_pending
        n = round(ip.per_judge * len(self.judges))
        if n == 0:
            return
        rng = self.streams["initial"]
        c = self.cases
        idx = c.add(n)
        c.court[idx] = np.repeat(np.arange(len(self.court_names)), self._split(n, rng))
        shares = np.array([t.share for t in self.court_scenario.case_types.values()])
        c.case_type[idx] = rng.choice(len(shares), size=n, p=shares).astype(np.int16)
        age = np.ceil(ip.age_days.from_uniform(rng.random(n)))
        residual = draw_cases(c, idx, self.court_scenario, rng, rng, rng, rng)
        self._assign_judges(idx)
        # Parties' decisions as if accepted on day 0, then the case is placed in the past.
        schedule_acceptance(c, idx, 0, self.court_scenario, self.calendar)
        c.initial[idx] = True
        c.t_arose[idx] = c.t_filed[idx] = -age
        # Accepted a little after filing, but not later than day 0 (assumption).
        t_acc = np.minimum(-age + ip.acceptance_lag_days, 0)
        c.t_accepted[idx] = t_acc
        in_prep = (rng.random(n) < ip.share_in_preparation) & self.hearing.has_preliminary[
            c.case_type[idx]
        ]
        # Prepared cases ended preparation between acceptance and day 0 and have held a
        # share of their main hearings.
        done = idx[~in_prep]
        c.t_prep_end[done] = np.floor(t_acc[~in_prep] * (1 - residual[~in_prep]))
        limit = self.hearing.time_limit[c.case_type[done]]
        c.t_deadline[done] = c.t_prep_end[done] + limit
        c.n_main_held[done] = np.floor(residual[~in_prep] * c.n_main[done]).astype(np.int16)
        self.active.add(idx)
        self.hearing.enter(idx)
        # Their sessions were notified before day 0: book them from the first working day,
        # oldest first.
        need = idx[np.isin(c.stage[idx], (Stage.PREPARATION, Stage.AWAITING_HEARING))]
        self.hearing.book(need[stable_argsort(c.t_filed[need])], earliest_w=0)
        # The parties have seen the sessions held before day 0, and decide on day 0.
        seen = c.n_main_held[idx].astype(np.int64) + ~np.isnan(c.t_prep_end[idx])
        self.talks.catch_up(idx, seen)
        self.talks.decide(idx)

    def _split(self, n: int, rng: np.random.Generator) -> npt.NDArray[np.int64]:
        shares = self.court_n_judges / self.court_n_judges.sum()
        return rng.multinomial(n, shares)

    # ----------------------------------------------------------------- phases
    def step(self) -> None:
        """Advance one calendar day (see the class docstring for the phase order)."""
        self.day += 1
        self._flows = {}
        if self.calendar.is_working[self.day]:
            self._arise()
            self._run_hook("arise")
            self.file_claims(self.new_disputes)
            self.new_disputes = np.empty(0, dtype=np.int64)
            self._refile_due()
            self._run_hook("filing")
            self._accept()
            self._run_hook("acceptance")
            self._litigate()
            self._run_hook("litigation")
            self.hearing.end_suspensions()
            self.hearing.hold_sessions()
            self._run_hook("preparation")
            self._run_hook("hearing")
            self.hearing.book()
            self._work()
            self._run_hook("decision")
            self.appeals.step()
            self.active.drop_ended()
        self._record()
        if self.day >= self.horizon:
            self.running = False

    def run(self) -> None:
        """Run to the horizon."""
        while self.day < self.horizon:
            self.step()

    def _arise(self) -> None:
        counts = self.filings.counts(self.day, self.streams["arrivals"])
        k = int(counts.sum())
        self.flow("new_arisen", k)
        if k == 0:
            self.new_disputes = np.empty(0, dtype=np.int64)
            return
        court, ctype = type_and_court_codes(counts)
        c = self.cases
        idx = c.add(k)
        c.court[idx] = court
        c.case_type[idx] = ctype
        c.t_arose[idx] = self.day
        s = self.streams
        draw_cases(
            c,
            idx,
            self.court_scenario,
            s["case_attrs"],
            s["litigants"],
            s["reconciliation"],
            s["sessions"],
        )
        self.new_disputes = idx
        self.active.add(idx)

    def take_disputes(self, idx: npt.NDArray[np.int64]) -> None:
        """Remove disputes from today's filings (a pre-court attempt took them).

        Args:
            idx: Disputes arisen today.
        """
        self.new_disputes = np.setdiff1d(self.new_disputes, idx, assume_unique=True)

    def file_claims(self, idx: npt.NDArray[np.int64]) -> None:
        """File claims today: their acceptance review starts.

        Args:
            idx: Disputes (arisen, or back from a failed pre-court attempt).
        """
        if idx.size == 0:
            return
        schedule_filing(self.cases, idx, self.day, self.calendar)
        self.move(idx, Stage.FILED)
        self.flow("new_filed", idx.size)

    def will_be_returned(self, idx: npt.NDArray[np.int64]) -> npt.NDArray[np.bool_]:
        """Return which claims the acceptance review will return.

        Args:
            idx: Filed claims.

        Returns:
            Mask: inadmissible, or filed without a mandatory pre-trial attempt.
        """
        c = self.cases
        return (c.u_return[idx] < self._p_returned.take(c.case_type[idx])) | c.skipped_pretrial[idx]

    def _accept(self) -> None:
        idx = self._due(Stage.FILED)
        if idx.size == 0:
            return
        c = self.cases
        ret = self.will_be_returned(idx)
        r = idx[ret]
        self._end_waiting(r)
        c.t_disposed[r] = self.day
        c.outcome[r] = Outcome.RETURNED
        self.move(r, Stage.RETURNED)
        self.flow("new_returned", r.size)
        self._plan_refiling(r)
        self.accept(idx[~ret])

    def _plan_refiling(self, idx: npt.NDArray[np.int64]) -> None:
        # A returned claim comes back after fixing its defects, or after the mandatory
        # pre-trial procedure it skipped (domain.md §2.1), with a probability.
        rf = self.court_scenario.refiling
        c = self.cases
        p = np.where(c.skipped_pretrial[idx], rf.p_refile_pretrial, rf.p_refile)
        go = idx[case_uniform(c.case_key[idx], 0, Draw.REFILE) < p]
        if go.size == 0:
            return
        days = rf.delay_days.from_uniform(case_uniform(c.case_key[go], 0, Draw.REFILE_DAYS))
        t = self.day + np.maximum(np.ceil(days), 1)
        c.t_refile[go] = t
        self._to_refile = np.concatenate([self._to_refile, go])
        self._refile_day = np.concatenate([self._refile_day, t])

    def _refile_due(self) -> None:
        c = self.cases
        # The queue's own copy of the days: the claims waiting to be refiled were gathered
        # from the table twice a day.
        now = self._refile_day <= self.day
        due = self._to_refile[now]
        if due.size == 0:
            return
        self._to_refile = self._to_refile[~now]
        self._refile_day = self._refile_day[~now]
        new = clone_for_refiling(c, due)
        self.active.add(new)
        self.flow("new_refiled", new.size)
        self.file_claims(new)

    def _end_waiting(self, idx: npt.NDArray[np.int64]) -> None:
        # A claim still waiting for a conciliation judge when its acceptance ruling is due
        # goes on without conciliation: the referral is declined.
        c = self.cases
        w = idx[c.waiting_channel[idx] == Channel.CONCILIATION]
        if w.size:
            c.declined_conciliation[w] = True
            self.set_waiting(w, Channel.NONE)
            self.flow("new_declined_conciliation", w.size)

    def accept(self, idx: npt.NDArray[np.int64]) -> None:
        """Accept claims today: they get a judge and start preparation.

        Args:
            idx: Cases whose claim is accepted.
        """
        if idx.size == 0:
            return
        self._end_waiting(idx)
        self._assign_judges(idx)
        schedule_acceptance(self.cases, idx, self.day, self.court_scenario, self.calendar)
        self.flow("new_accepted", idx.size)
        self.hearing.enter(idx)
        self.talks.decide(idx)

    def judge_promotion(self, idx: npt.NDArray[np.int64]) -> npt.NDArray[np.float64]:
        """Return the settlement-promotion trait of each case's trial judge.

        Args:
            idx: Cases.

        Returns:
            The trait, 1 for a case with no judge yet (a pooled court before its first
            booking).
        """
        j = self.cases.judge[idx]
        return np.where(j >= 0, self.judge_traits.promotion.take(np.maximum(j, 0)), 1.0)

    def _assign_judges(self, idx: npt.NDArray[np.int64]) -> None:
        how = self.court_scenario.judges.assignment
        if how == "pooled":
            return  # a judge is chosen at the first booking, or at the desk (docket.work_day)
        c = self.cases
        court = c.court[idx].astype(np.int64)
        if how == "random":
            pick = np.floor(c.u_judge[idx] * self.court_n_judges[court]).astype(np.int64)
            c.judge[idx] = self.court_first_judge[court] + pick
            return
        self._least_loaded(idx)

    def ensure_judges(self, idx: npt.NDArray[np.int64]) -> None:
        """Give cases without a judge (pooled courts) the court's least-loaded judge.

        Args:
            idx: Cases about to book a session.
        """
        free = idx[self.cases.judge[idx] < 0]
        if free.size:
            self._least_loaded(free)

    def _least_loaded(self, idx: npt.NDArray[np.int64]) -> None:
        c = self.cases
        court = c.court[idx].astype(np.int64)
        load = self.docket_sizes().astype(np.float64)
        for k in np.unique(court):
            sel = idx[court == k]
            first, nj = self.court_first_judge[k], self.court_n_judges[k]
            # Water-filling: the m smallest of (load_j + t), t = 0..m-1, go to their judges.
            m = sel.size
            cand = load[first : first + nj, None] + np.arange(m)[None, :]
            flat = np.argsort(cand.ravel(), kind="stable")[:m]
            c.judge[sel] = first + flat // m

    def docket_sizes(self) -> npt.NDArray[np.int64]:
        """Return the number of pending cases assigned to each judge."""
        act = self.active_cases
        j = self.cases.judge[act]
        return np.bincount(j[j >= 0], minlength=len(self.judges))

    def _litigate(self) -> None:
        act = self.active_cases
        c = self.cases
        # Both clocks of every active case (in row order, so the reads stream), then one
        # selection of the few due today: selecting the litigating half of the active
        # cases first cost more than the reads it saved.
        tw, ts = c.t_withdraw[act], c.t_settle[act]
        due = (np.minimum(tw, ts) <= self.day) & in_stages(self.active_stages, LITIGATING_STAGES)
        if not due.any():
            return
        idx, tw, ts = act[due], tw[due], ts[due]
        withdraw = tw <= ts
        self.dispose(idx[withdraw], Outcome.WITHDRAWAL)
        self.dispose(idx[~withdraw], Outcome.SETTLEMENT)

    def pause_clocks(
        self, idx: npt.NDArray[np.int64], until: npt.NDArray[np.int64], parties: bool = False
    ) -> None:
        """Stop the statutory clock of cases until ``until`` (a suspension, CPC).

        Args:
            idx: Cases.
            until: Day each suspension ends.
            parties: Also stop the parties' clocks (settling, withdrawing): mediation.
        """
        c = self.cases
        gap = until - self.day
        cols = [c.t_deadline]
        if parties:
            c.t_suspension_end[idx] = until
            cols += [c.t_settle, c.t_withdraw]
        for col in cols:
            col[idx] += gap

    def suspend(self, idx: npt.NDArray[np.int64], until: npt.NDArray[np.int64]) -> None:
        """Suspend proceedings until ``until`` (mediation): every clock stops, no slot is held.

        Args:
            idx: Cases waiting for a session or for the decision.
            until: Day each suspension ends.
        """
        self.hearing.release(idx)
        self.pause_clocks(idx, until, parties=True)
        self.cases.t_next[idx] = until
        self.move(idx, Stage.MEDIATION)

    def resume(self, idx: npt.NDArray[np.int64], reassign: bool) -> None:
        """Resume suspended cases: back to their next session, or to the decision.

        Args:
            idx: Cases whose mediation failed today.
            reassign: Give each case to another judge of its court.
        """
        if idx.size == 0:
            return
        c = self.cases
        if reassign and self.court_scenario.judges.assignment != "pooled":
            court = c.court[idx].astype(np.int64)
            n = self.court_n_judges[court]
            first = self.court_first_judge[court]
            step = 1 + np.floor(c.u_reassign[idx] * np.maximum(n - 1, 1)).astype(np.int64)
            new = first + (c.judge[idx] - first + step) % n
            c.judge[idx] = np.where(n > 1, new, c.judge[idx])
        c.t_next[idx] = np.nan
        self.hearing.enter(idx)

    def charge_mediator_fee(
        self, idx: npt.NDArray[np.int64], provider: npt.NDArray[np.int64]
    ) -> None:
        """Charge each case its mediator's fee (to the parties or to the state).

        Args:
            idx: Cases.
            provider: Mediator of each.
        """
        c = self.cases
        kind = self.mediator_pool.kind[provider]
        share = self._fee_share[kind]
        cap = self._fee_cap_kzt[kind]
        by_state = self._fee_by_state[kind]
        fee = np.minimum(share * c.claim_value_kzt[idx], cap)
        c.mediator_fee_kzt[idx] += np.where(by_state, 0.0, fee)
        c.mediator_fee_state_kzt[idx] += np.where(by_state, fee, 0.0)

    def _work(self) -> None:
        cap = self.judge_traits.desk_hours.copy()
        # Settlement approvals of the day come first out of each judge's hours.
        approvals = np.minimum(self.judge_pending_hours, cap)
        self.judge_pending_hours -= approvals
        queued = self.active_in_stage(Stage.QUEUED)
        in_work = self.active_in_stage(Stage.IN_WORK)
        finished, used, most_held = work_day(
            self.cases, queued, in_work, self.judge_court, cap - approvals, self.rules,
            self.day, self.move,
        )  # fmt: skip
        used = used + approvals
        self.judge_hours_worked += used
        self.judge_hours_available += cap
        self.flow("judge_hours_worked", float(used.sum()))
        self.flow("judge_hours_available", float(cap.sum()))
        self.max_overwork_hours = max(self.max_overwork_hours, float((used - cap).max(initial=0)))
        self.max_held_per_judge = max(self.max_held_per_judge, most_held)
        if finished.size == 0:
            return
        # Parties who have agreed while the decision was being written settle: the judge
        # approves their agreement instead of delivering the judgment.
        agreed = np.isfinite(self.cases.t_settle[finished])
        self.dispose(finished[agreed], Outcome.SETTLEMENT)
        finished = finished[~agreed]
        self.cases.t_decided[finished] = self.day
        self.dispose(finished, Outcome.JUDGMENT)

    def dispose(self, idx: npt.NDArray[np.int64], outcome: Outcome) -> None:
        """End cases today with ``outcome``; parties decide on appeal.

        Settlements refund the state fee; agreements reached in court or in mediation
        cost the trial judge approval time; the judge's remaining work is saved.

        Args:
            idx: Case indices (pending).
            outcome: How they end.
        """
        if idx.size == 0:
            return
        c = self.cases
        sc = self.court_scenario
        sessions_saved = (
            self.hearing.sessions_left(idx) if outcome != Outcome.JUDGMENT else np.zeros(idx.size)
        )
        self.hearing.release(idx)
        c.t_disposed[idx] = self.day
        c.outcome[idx] = outcome
        self.move(idx, Stage.DISPOSED)
        self.flow("new_disposed", idx.size)
        self.flow(f"new_{outcome.name.lower()}", idx.size)
        ct = c.case_type[idx]
        lit = sc.litigants
        enf = sc.enforcement
        if outcome == Outcome.JUDGMENT:
            # The judgment follows the case's true merits, not the parties' beliefs (§8).
            won = c.u_win[idx] < c.merit[idx]
            c.plaintiff_won[idx] = won
            loser = np.where(won, 1, 0)
            # The loser appeals when its optimism (plus an idiosyncratic part) is high: the
            # threshold is set so that a share p_appeal of losers appeal (domain.md §2.4).
            s_tot = float(np.hypot(lit.optimism_sd, lit.appeal_noise_sd))
            o = c.optimism[idx, loser] - lit.optimism_mean
            noise = c.appeal_noise[idx, loser]
            z = (o + lit.appeal_noise_sd * noise) / s_tot if s_tot > 0 else noise
            p = self._p_appeal.take(ct)
            with np.errstate(divide="ignore"):
                appealed = z > ndtri(1 - p)
            c.appeal_corrected[idx] = appealed & (c.u_correct[idx] < sc.appeals.p_corrected)
            owed = won
            p_vol = enf.p_voluntary_judgment
        else:
            saved = c.remaining_hours[idx].copy()
            if outcome in SETTLEMENT_OUTCOMES:
                c.fee_refund_kzt[idx] = (
                    c.state_fee_kzt[idx] * sc.costs.fee_refund_share_on_settlement
                )
            if outcome in _APPROVED_BY_TRIAL_JUDGE:
                hours = sc.reconciliation.settlement_approval_hours
                j = c.judge[idx]
                has = j >= 0
                np.add.at(self.judge_pending_hours, j[has], hours)
                saved[has] -= hours
            c.judge_hours_saved[idx] = saved
            c.sessions_saved[idx] = sessions_saved
            self.flow("judge_hours_saved", float(saved.sum()))
            self.flow("sessions_saved", float(sessions_saved.sum()))
            p = self._p_appeal_settled.take(ct)
            appealed = (c.u_appeal_settled[idx] < p) & (outcome != Outcome.WITHDRAWAL)
            owed = np.full(idx.size, outcome in SETTLEMENT_OUTCOMES)
            p_vol = enf.p_voluntary_settlement
        # Compliance or enforcement proceedings (domain.md §6: 80% of settlements comply).
        u = case_uniform(c.case_key[idx], 0, Draw.ENFORCEMENT)
        enforced = owed & (u >= p_vol)
        c.enforcement[idx] = enforced
        self.flow("new_enforcement", int(enforced.sum()))
        c.appealed[idx] = appealed
        self.appeals.appeal(idx[appealed])
        self.flow("new_appealed", int(appealed.sum()))

    def _record(self) -> None:
        act = self.active_cases
        c = self.cases
        stages = self.active_stages
        # Cases per stage from the transitions move() counts (in minus out), not a count
        # over every active case (np.bincount converts the int8 stages first: ~0.1 ms).
        # Only active stages: cases that reached a terminal one have left the list.
        t = self.transitions
        stage_counts = np.where(_ACTIVE_LUT, t.sum(axis=0) - t.sum(axis=1), 0)
        if self.day == 0 or self.calendar.is_working[self.day]:
            # On a day off nothing moves: the pending cases' filing days and deadlines
            # are those read on the last working day (a third of the days a year).
            pending = act[in_stages(stages, PENDING_STAGES)]
            self._pending_days = (c.t_filed[pending], c.t_deadline[pending])
        t_filed, t_deadline = self._pending_days
        age = self.day - t_filed
        aw = self.active_waiting
        values = {
            "n_pre_court": int(stage_counts[Stage.PRE_COURT]),
            "n_backlog": int(np.count_nonzero(t_deadline < self.day)),
            "mean_age_pending": float(age.mean()) if t_filed.size else 0.0,
            "working_day": bool(self.calendar.is_working[self.day]),
            "mean_trust": float(self.court_trust.mean()),
            "n_appeals_pending": self.appeals.n_pending,
        }
        for ch in (Channel.PRE_COURT, Channel.CONCILIATION, Channel.MEDIATION):
            values[f"n_waiting_{ch.name.lower()}"] = int(np.count_nonzero(aw == int(ch)))
        pools = [("conciliation_judges", self.conciliators, ("conciliation_judge",))]
        pools.append(("mediators", self.mediator_pool, MEDIATOR_KINDS))
        for label, pool, names in pools:
            held, cap = pool.held_by_kind(), pool.capacity_by_kind()
            self.max_provider_overload = max(
                self.max_provider_overload, int((pool.held - pool.capacity).max(initial=0))
            )
            for k, name in enumerate(names):
                key = label if label == "conciliation_judges" else f"mediators_{name}"
                values[f"held_{key}"] = int(held[k])
                values[f"capacity_{key}"] = int(cap[k])
        self.recorder.record(self.day, stage_counts=stage_counts, flows=self._flows, **values)
