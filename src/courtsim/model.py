"""CourtModel: the day-by-day flow of civil cases through first-instance courts."""

from __future__ import annotations

from collections.abc import Callable

import mesa
import numpy as np
import numpy.typing as npt
from scipy.special import ndtri

from courtsim.agents import Judge
from courtsim.arrivals import FilingProcess, draw_cases, type_and_court_codes
from courtsim.calendar import WorkCalendar
from courtsim.cases import (
    LITIGATING_STAGES,
    PENDING_STAGES,
    CaseTable,
    Outcome,
    Stage,
)
from courtsim.docket import DocketRules, work_day
from courtsim.recorder import Recorder
from courtsim.rng import Streams, replicate_seed_sequence
from courtsim.scenario import Scenario

_N_STAGES = len(Stage)
_PENDING_LUT = np.isin(np.arange(_N_STAGES), PENDING_STAGES)
_LITIGATING_LUT = np.isin(np.arange(_N_STAGES), LITIGATING_STAGES)
_DAYS_PER_MONTH = 365.25 / 12
_APPEAL_LAG_DAYS = 30  # appeals are filed within a month of the decision (assumption)
#: Named points of the daily step where policies hook in, in step order.
HOOKS = ("arise", "filing", "acceptance", "litigation", "preparation", "hearing", "decision")


class CourtModel(mesa.Model):
    """Civil caseload of one or more first-instance courts, one step per calendar day.

    Day 0 is the initial state (the pending caseload); steps simulate days 1..horizon.
    Each step runs these phases in this order; phases 1-6 run on working days only:

    1. **file** - new claims arrive; each case's latent draws and both parties' attributes
       are drawn once (:func:`courtsim.arrivals.draw_cases`).
    2. **accept** - acceptance reviews that are due end: the claim is returned, or it is
       accepted, gets a judge (unless judges are pooled) and starts preparation.
    3. **litigate** - parties' decisions that fall due take effect: the plaintiff withdraws,
       or both parties settle and the judge approves the agreement.
    4. **prepare** - cases whose preparation is over enter their judge's docket.
    5. **work** - judges work their dockets (:func:`courtsim.docket.work_day`).
    6. **decide** - cases whose work is done and whose minimum procedural period has run
       are decided; the losing party decides whether to appeal.
    7. **record** - daily stocks and flows.

    Policies attach to the hook names in ``HOOKS``; each hook runs right after the phase
    of the same name (``arise`` runs before phase 1).

    Args:
        scenario: The validated scenario.
        seed: Master seed.
        replicate: Replicate number; replicate r uses ``SeedSequence(seed, spawn_key=(r,))``.

    Example:
        >>> model = CourtModel.from_scenario(load_scenario("scenarios/baseline.yaml"), seed=1)
        >>> model.run()
    """

    def __init__(self, scenario: Scenario, seed: int = 0, replicate: int = 0):
        self.scenario = scenario
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
        self.judge_hours_worked = np.zeros(n_judges)
        self.judge_hours_available = np.zeros(n_judges)
        jp = scenario.judges
        self.rules = DocketRules(jp.max_parallel_cases, jp.discipline, jp.assignment == "pooled")

        expected = scenario.filings.per_year * (self.horizon / 365.0) * 1.1
        initial = scenario.initial_pending.per_judge * n_judges
        self.cases = CaseTable(capacity=int(expected + initial + 64))
        self.filings = FilingProcess(scenario, self.calendar)
        self.transitions = np.zeros((_N_STAGES, _N_STAGES), dtype=np.int64)
        self.max_held_per_judge = 0
        self.max_overwork_hours = 0.0
        self.hooks: dict[str, list[Callable[[CourtModel], None]]] = {h: [] for h in HOOKS}
        self.recorder = Recorder(self.horizon)
        self._flows: dict[str, float] = {}
        self._active = np.empty(0, dtype=np.int64)
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

    # ----------------------------------------------------------------- helpers
    def move(self, idx: npt.NDArray[np.int64], to: Stage) -> None:
        """Change the stage of cases ``idx`` to ``to``, counting each transition.

        Args:
            idx: Case indices.
            to: New stage.
        """
        if idx.size == 0:
            return
        old = self.cases.stage[idx].astype(np.int64)
        self.transitions[:, int(to)] += np.bincount(old, minlength=_N_STAGES)
        self.cases.stage[idx] = to

    def _flow(self, name: str, k: float) -> None:
        self._flows[name] = self._flows.get(name, 0) + k

    def _active_in(self, lut: npt.NDArray[np.bool_]) -> npt.NDArray[np.int64]:
        act = self._active
        return act[lut[self.cases.stage[act]]]

    def _active_stage(self, stage: Stage) -> npt.NDArray[np.int64]:
        act = self._active
        return act[self.cases.stage[act] == stage]

    def _due(self, stage: Stage) -> npt.NDArray[np.int64]:
        idx = self._active_stage(stage)
        return idx[self.cases.t_next[idx] <= self.day]

    def _run_hook(self, name: str) -> None:
        for fn in self.hooks[name]:
            fn(self)

    # ----------------------------------------------------------------- day 0
    def _create_initial_backlog(self) -> None:
        ip = self.scenario.initial_pending
        n = round(ip.per_judge * len(self.judges))
        if n == 0:
            return
        rng = self.streams["initial"]
        c = self.cases
        idx = c.add(n)
        # Courts in proportion to judges, types in proportion to filings.
        c.court[idx] = np.repeat(np.arange(len(self.court_names)), self._split(n, rng))
        shares = np.array([t.share for t in self.scenario.case_types.values()])
        c.case_type[idx] = rng.choice(len(shares), size=n, p=shares).astype(np.int16)
        age = np.ceil(ip.age_days.from_uniform(rng.random(n)))
        # Draw as if filed today (day 0), then shift every past event back by the age.
        u = draw_cases(
            c, idx, np.zeros(n), self.scenario, self.calendar, rng, self.streams["initial"]
        )
        c.initial[idx] = True
        c.t_filed[idx] = -age
        in_prep = rng.random(n) < ip.share_in_preparation
        # Accepted about a week after filing, but not later than day 0 (assumption).
        t_acc = np.minimum(-age + 7, 0)
        c.t_accepted[idx] = t_acc
        prep_days = u["preparation_wd"] * 7 / 5
        remaining_prep = np.ceil(prep_days * u["residual"]).astype(np.int64)
        t_prep_future = self.calendar.add_working_days(np.ones(n, dtype=np.int64), remaining_prep)
        c.t_prep_end[idx] = np.where(in_prep, t_prep_future, np.minimum(t_acc + prep_days, 0))
        limit = np.array([t.time_limit_days for t in self.scenario.case_types.values()])
        c.t_deadline[idx] = c.t_prep_end[idx] + limit[c.case_type[idx]]
        mind = np.array([t.min_duration_days for t in self.scenario.case_types.values()])
        c.t_min_decision[idx] = t_acc + mind[c.case_type[idx]]
        # Latent decision days were counted from a day-0 acceptance: keep them (memoryless).
        self._assign_judges(idx)
        prep_idx, q_idx = idx[in_prep], idx[~in_prep]
        c.t_next[prep_idx] = c.t_prep_end[prep_idx]
        self.move(prep_idx, Stage.PREPARATION)
        c.t_ready[q_idx] = c.t_prep_end[q_idx]
        self.move(q_idx, Stage.QUEUED)
        self._active = idx

    def _split(self, n: int, rng: np.random.Generator) -> npt.NDArray[np.int64]:
        shares = self.court_n_judges / self.court_n_judges.sum()
        return rng.multinomial(n, shares)

    # ----------------------------------------------------------------- phases
    def step(self) -> None:
        """Advance one calendar day (see the class docstring for the phase order)."""
        self.day += 1
        self._flows = {}
        self._run_hook("arise")
        if self.calendar.is_working[self.day]:
            self._file()
            self._run_hook("filing")
            self._accept()
            self._run_hook("acceptance")
            self._litigate()
            self._run_hook("litigation")
            self._prepare()
            self._run_hook("preparation")
            self._work()
            self._run_hook("hearing")
            self._decide()
            self._run_hook("decision")
            self._active = self._active[_PENDING_LUT[self.cases.stage[self._active]]]
        self._record()
        if self.day >= self.horizon:
            self.running = False

    def run(self) -> None:
        """Run to the horizon."""
        while self.day < self.horizon:
            self.step()

    def _file(self) -> None:
        counts = self.filings.counts(self.day, self.streams["arrivals"])
        k = int(counts.sum())
        self._flow("new_filed", k)
        if k == 0:
            return
        court, ctype = type_and_court_codes(counts)
        c = self.cases
        idx = c.add(k)
        c.court[idx] = court
        c.case_type[idx] = ctype
        draw_cases(
            c,
            idx,
            np.full(k, float(self.day)),
            self.scenario,
            self.calendar,
            self.streams["case_attrs"],
            self.streams["litigants"],
        )
        self.move(idx, Stage.FILED)
        self._active = np.concatenate([self._active, idx])

    def _accept(self) -> None:
        idx = self._due(Stage.FILED)
        if idx.size == 0:
            return
        c = self.cases
        p_ret = np.array([t.p_returned for t in self.scenario.case_types.values()])
        ret = c.u_return[idx] < p_ret[c.case_type[idx]]
        r = idx[ret]
        c.t_disposed[r] = self.day
        c.outcome[r] = Outcome.RETURNED
        self.move(r, Stage.RETURNED)
        self._flow("new_returned", r.size)
        self.accept(idx[~ret])

    def accept(self, idx: npt.NDArray[np.int64]) -> None:
        """Accept claims today: they get a judge and start preparation.

        Args:
            idx: Cases whose claim is accepted.
        """
        if idx.size == 0:
            return
        c = self.cases
        c.t_accepted[idx] = self.day
        c.t_next[idx] = c.t_prep_end[idx]
        self._assign_judges(idx)
        self.move(idx, Stage.PREPARATION)
        self._flow("new_accepted", idx.size)

    def _assign_judges(self, idx: npt.NDArray[np.int64]) -> None:
        how = self.scenario.judges.assignment
        if how == "pooled":
            return  # the next free judge of the court takes the case (docket.work_day)
        c = self.cases
        court = c.court[idx].astype(np.int64)
        if how == "random":
            pick = np.floor(c.u_judge[idx] * self.court_n_judges[court]).astype(np.int64)
            c.judge[idx] = self.court_first_judge[court] + pick
            return
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
        act = self._active
        j = self.cases.judge[act]
        return np.bincount(j[j >= 0], minlength=len(self.judges))

    def _litigate(self) -> None:
        idx = self._active_in(_LITIGATING_LUT)
        c = self.cases
        tw, ts = c.t_withdraw[idx], c.t_settle[idx]
        due = np.minimum(tw, ts) <= self.day
        if not due.any():
            return
        idx, tw, ts = idx[due], tw[due], ts[due]
        withdraw = tw <= ts
        self.dispose(idx[withdraw], Outcome.WITHDRAWAL)
        self.dispose(idx[~withdraw], Outcome.SETTLEMENT)

    def _prepare(self) -> None:
        idx = self._due(Stage.PREPARATION)
        if idx.size == 0:
            return
        self.enter_docket(idx)

    def enter_docket(self, idx: npt.NDArray[np.int64]) -> None:
        """Put cases into their judge's docket today (preparation over).

        Args:
            idx: Case indices.
        """
        c = self.cases
        c.t_prep_end[idx] = self.day
        c.t_ready[idx] = self.day
        self.move(idx, Stage.QUEUED)

    def _capacity_today(self) -> npt.NDArray[np.float64]:
        jp = self.scenario.judges
        cap = np.full(len(self.judges), jp.hours_per_day * jp.availability)
        if jp.load_elasticity > 0:
            ratio = self.docket_sizes() / jp.load_target_cases
            cap *= np.clip(np.power(np.maximum(ratio, 1e-9), jp.load_elasticity), 0.5, 2.0)
        return cap

    def _work(self) -> None:
        cap = self._capacity_today()
        queued = self._active_stage(Stage.QUEUED)
        in_work = self._active_stage(Stage.IN_WORK)
        finished, used = work_day(
            self.cases, queued, in_work, self.judge_court, cap, self.rules, self.day, self.move
        )
        self.judge_hours_worked += used
        self.judge_hours_available += cap
        self._flow("judge_hours_worked", float(used.sum()))
        self._flow("judge_hours_available", float(cap.sum()))
        self.max_overwork_hours = max(self.max_overwork_hours, float((used - cap).max(initial=0)))
        held = np.bincount(self.cases.judge[self._active_stage(Stage.IN_WORK)], minlength=1)
        self.max_held_per_judge = max(self.max_held_per_judge, int(held.max(initial=0)))
        if finished.size == 0:
            return
        c = self.cases
        c.t_decided[finished] = self.day
        now = c.t_min_decision[finished] <= self.day
        self.dispose(finished[now], Outcome.JUDGMENT)
        wait = finished[~now]
        c.t_next[wait] = self.calendar.next_working_day(c.t_min_decision[wait])
        self.move(wait, Stage.AWAITING_DECISION)

    def _decide(self) -> None:
        self.dispose(self._due(Stage.AWAITING_DECISION), Outcome.JUDGMENT)

    def dispose(self, idx: npt.NDArray[np.int64], outcome: Outcome) -> None:
        """End cases today with ``outcome``; parties decide on appeal.

        Args:
            idx: Case indices (pending).
            outcome: How they end.
        """
        if idx.size == 0:
            return
        c = self.cases
        c.t_disposed[idx] = self.day
        c.outcome[idx] = outcome
        self.move(idx, Stage.DISPOSED)
        self._flow("new_disposed", idx.size)
        self._flow(f"new_{outcome.name.lower()}", idx.size)
        types = list(self.scenario.case_types.values())
        ct = c.case_type[idx]
        lit = self.scenario.litigants
        if outcome == Outcome.JUDGMENT:
            won = c.u_win[idx] < lit.p_plaintiff_wins
            c.plaintiff_won[idx] = won
            loser = np.where(won, 1, 0)
            # The loser appeals when its optimism (plus an idiosyncratic part) is high: the
            # threshold is set so that a share p_appeal of losers appeal (domain.md §2.4).
            s_tot = float(np.hypot(lit.optimism_sd, lit.appeal_noise_sd))
            o = c.optimism[idx, loser] - lit.optimism_mean
            z = (
                (o + lit.appeal_noise_sd * c.appeal_noise[idx, loser]) / s_tot
                if s_tot > 0
                else (c.appeal_noise[idx, loser])
            )
            p = np.array([t.p_appeal for t in types])[ct]
            with np.errstate(divide="ignore"):
                appealed = z > ndtri(1 - p)
            corrected = appealed & (c.u_correct[idx] < lit.p_appeal_corrected)
            c.appeal_corrected[idx] = corrected
        else:
            if outcome in (Outcome.SETTLEMENT,):
                c.fee_refund_kzt[idx] = (
                    c.state_fee_kzt[idx] * self.scenario.costs.fee_refund_share_on_settlement
                )
            p = np.array([t.p_appeal_settled for t in types])[ct]
            appealed = (c.u_appeal_settled[idx] < p) & (outcome != Outcome.WITHDRAWAL)
        c.appealed[idx] = appealed
        c.t_appeal[idx[appealed]] = self.day + _APPEAL_LAG_DAYS
        self._flow("new_appealed", int(appealed.sum()))

    def _record(self) -> None:
        act = self._active
        c = self.cases
        stage_counts = np.bincount(c.stage[act], minlength=_N_STAGES)
        age = self.day - c.t_filed[act]
        self.recorder.record(
            self.day,
            stage_counts=stage_counts,
            n_backlog=int(np.count_nonzero(c.t_deadline[act] < self.day)),
            mean_age_pending=float(age.mean()) if act.size else 0.0,
            working_day=bool(self.calendar.is_working[self.day]),
            flows=self._flows,
        )
