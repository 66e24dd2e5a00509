"""The smallest level of a staffing lever that meets a KPI target, with a stated confidence.

``courtsim staffing SCENARIO --lever conciliation --target ttd_mean_days<=60`` answers
"how many conciliation judges does this court need to keep the mean time to disposition
under 60 days?". The search:

1. looks at the two ends of the range together: if the top level clearly fails, the
   target is *not reachable up to* that level; if the bottom level already meets it, that
   is the answer;
2. bisects between a failing and a meeting level, relying on the lever's monotone effect
   (more posts never make the KPI worse);
3. decides each level with replicates added in batches (:mod:`courtsim.experiment.sequential`)
   until its one-sided 95% bound is clearly on one side of the target, or its budget is
   spent, in which case the answer is reported as a bracket with the evidence;
4. pairs every level on the same replicates (replicate r uses the same random streams at
   every level: common random numbers) and checks monotonicity on the way: a higher level
   that is significantly worse than a lower one on the paired replicates is reported.

Results do not depend on the executor: the runs asked for depend only on the numbers seen.
"""

from __future__ import annotations

import difflib
import itertools
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from courtsim.experiment.executor import make_executor
from courtsim.experiment.levers import (
    Lever,
    LeverError,
    at_level,
    check_level,
    current_level,
    parse_lever,
    region_scenario,
)
from courtsim.experiment.progress import Progress
from courtsim.experiment.questions import check_folder, finish, session
from courtsim.experiment.runcache import RunCache
from courtsim.experiment.sequential import (
    FAILS,
    MEETS,
    Budget,
    DecisionError,
    Evidence,
    Target,
    judge,
    paired_difference,
)
from courtsim.experiment.worker import probe_names
from courtsim.schema.scenario import Scenario, load_scenario

if TYPE_CHECKING:
    from distributed import Client

MET, NOT_REACHABLE, UNDECIDED, NOT_MONOTONE = "met", "not_reachable", "undecided", "not_monotone"
#: Confidence of the paired monotonicity check (strict: it is a warning, not a verdict).
MONOTONE_CHECK_CONFIDENCE = 0.99


@dataclass
class TargetResult:
    """The answer to a target question and its evidence.

    Attributes:
        status: ``met`` (answer found), ``not_reachable`` (the top level clearly fails),
            ``undecided`` (the budget ran out; see ``bracket``) or ``not_monotone``.
        answer: The smallest level meeting the target (``met``), else None.
        bracket: Levels between which the answer lies (both ends included).
        target: The target.
        lever: The lever.
        levels: Evidence per level examined.
        budget: The budget.
        seed: Master seed.
        scenario_name: The scenario (the court's, for a court of a national scenario).
        current: The lever's level in the scenario as given.
        warnings: Monotonicity warnings.
        n_runs: Runs used (including those reused from an earlier session).
        out: The results folder, or None.
    """

    status: str
    answer: int | None
    bracket: tuple[int, int]
    target: Target
    lever: Lever
    levels: dict[int, Evidence]
    budget: Budget
    seed: int
    scenario_name: str
    current: int
    warnings: list[str] = field(default_factory=list)
    n_runs: int = 0
    out: Path | None = None

    def table(self) -> pd.DataFrame:
        """Return one row per level examined: replicates, mean, bounds, verdict."""
        rows = [
            {
                "level": ev.level,
                "n": ev.n,
                "mean": ev.mean,
                "sd": ev.sd,
                "bound_low": ev.low,
                "bound_high": ev.high,
                "verdict": ev.verdict,
                "exhausted": ev.exhausted,
            }
            for ev in sorted(self.levels.values(), key=lambda e: e.level)
        ]
        return pd.DataFrame(rows)

    def sentence(self) -> str:
        """Return the answer as the analyst would write it."""
        from courtsim.experiment.decision_text import target_sentence

        return target_sentence(self)

    def as_dict(self) -> dict[str, Any]:
        """Return the answer for the manifest."""
        return {
            "status": self.status,
            "answer": self.answer,
            "bracket": list(self.bracket),
            "statement": self.sentence(),
            "warnings": self.warnings,
            "n_runs": self.n_runs,
        }


def check_kpi(kpi: str, known: list[str], source: str = "--target") -> None:
    """Fail with the closest names when ``kpi`` is not a KPI of the scenario's runs.

    Args:
        kpi: The name.
        known: KPI names the runs report.
        source: Where the name came from.

    Raises:
        DecisionError: The name is not a KPI.
    """
    if kpi in known:
        return
    close = difflib.get_close_matches(kpi, known, n=3)
    hint = f"; did you mean {', '.join(close)}?" if close else ""
    raise DecisionError(
        f"'{kpi}' is not a KPI of courtsim runs{hint} (all KPIs: docs/kpis.md, or "
        "`courtsim run SCENARIO --format json`)",
        source=source,
    )


def default_range(lever: Lever, current: int) -> tuple[int, int]:
    """Return the levels searched by default.

    Channels: from closed (0) to twice the current level or ten more, whichever is more.
    Judges: from half to twice the current count.

    Args:
        lever: The lever.
        current: Its level in the scenario.

    Returns:
        ``(low, high)``.
    """
    if lever.name == "judges":
        return max(1, current // 2), max(2, 2 * current)
    return 0, max(2 * current, current + 10)


def prepare(
    scenario: str | Path | Scenario, lever: str, court: str | None
) -> tuple[Scenario, Lever]:
    """Load the scenario and cut out the court the lever is counted in.

    Args:
        scenario: A scenario or its file.
        lever: The lever's name.
        court: The court, required when the scenario has several.

    Returns:
        The one-court scenario and the lever.

    Raises:
        LeverError: The lever or court is unusable.
        ScenarioError: The scenario cannot be loaded.
    """
    sc = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
    lv = parse_lever(lever, court)
    if court is None and len(sc.courts) > 1:
        raise LeverError(
            f"the scenario has {len(sc.courts)} courts ({', '.join(sc.courts)}); name the one "
            "the lever is counted in with --court (a national question is `courtsim allocate`)",
            source="--court",
        )
    name = court or next(iter(sc.courts))
    return region_scenario(sc, name), Lever(lv.name, name)


def find_level(
    scenario: str | Path | Scenario,
    lever: str,
    target: str | Target,
    levels: tuple[int, int] | None = None,
    court: str | None = None,
    seed: int = 1,
    budget: Budget | None = None,
    workers: int | None = None,
    scheduler: str | Client | None = None,
    out: str | Path | None = None,
    resume: bool = False,
    progress: bool = False,
    timeout_s: float = 10.0,
) -> TargetResult:
    """Find the smallest level of ``lever`` whose KPI meets ``target`` with 95% confidence.

    Args:
        scenario: A scenario or its file.
        lever: ``conciliation``, ``mediators.<kind>`` or ``judges``.
        target: For example ``"ttd_mean_days<=60"``.
        levels: ``(low, high)`` levels searched, whole numbers (default
            :func:`default_range`).
        court: The court the lever is counted in (scenarios with several courts).
        seed: Master seed; replicate r of every level uses ``SeedSequence(seed, (r,))``.
        budget: Replicates per level and confidence (default :class:`Budget`).
        workers: Local processes (1 = serial in this process, None = every core).
        scheduler: Dask scheduler address or client (overrides ``workers``).
        out: Results folder (None: keep nothing on disk).
        resume: Continue the question already in ``out``.
        progress: Show a progress bar on stderr.
        timeout_s: Seconds to wait for the Dask scheduler.

    Returns:
        The answer with its evidence.

    Raises:
        DecisionError: The target or budget is malformed, or the KPI does not exist.
        LeverError: The lever, court or levels are unusable.
        ResultsError: ``out`` cannot be used.
        RunsFailedError: A run failed.

    Example:
        >>> r = find_level("scenarios/validation/mmc.yaml", "judges", "ttd_mean_days<=45")
        >>> print(r.sentence())
    """
    sc, lv = prepare(scenario, lever, court)
    tgt = target if isinstance(target, Target) else Target.parse(target)
    bud = budget or Budget()
    check_kpi(tgt.kpi, probe_names(sc)[0])
    now = current_level(sc, lv)
    lo, hi = levels if levels is not None else default_range(lv, now)
    lo, hi = check_level(lo), check_level(hi)
    if not lv.minimum <= lo < hi:
        raise LeverError(
            f"the levels searched must satisfy {lv.minimum} <= low < high (got {lo}:{hi})",
            source="--levels",
        )
    scenarios = {k: at_level(sc, lv, k) for k in (lo, hi)}  # bad levels fail before any run
    question = {
        "scenario": sc.name,
        "scenario_hash": sc.content_hash(),
        "lever": lv.name,
        "court": court,
        "target": str(tgt),
        "levels": [lo, hi],
        "seed": seed,
        "budget": vars(bud),
    }
    out_path = Path(out) if out is not None else None
    if out_path is not None:
        check_folder(out_path, "target", question, resume)
    with (
        make_executor(workers, scheduler, timeout_s) as ex,
        session(out_path, "target", question, ex.describe()) as (store, manifest),
    ):
        bar = Progress(0, f"staffing {lv.name}")
        bar.enabled = progress  # its total grows round by round
        cache = RunCache(ex, [tgt.kpi], seed, store, bar)
        try:
            search = _Search(sc, lv, tgt, bud, cache, scenarios)
            result = search.run(lo, hi)
        finally:
            bar.close()
        result.current, result.out, result.n_runs = now, out_path, cache.ran + cache.reused
        finish(
            store,
            manifest,
            {"results": cache.table(), "levels": result.table()},
            result.as_dict(),
        )
    return result


class _Search:
    """Bisection over levels, each decided by sequential paired replicates."""

    def __init__(
        self,
        sc: Scenario,
        lever: Lever,
        target: Target,
        budget: Budget,
        cache: RunCache,
        scenarios: dict[int, Scenario],
    ):
        self.sc, self.lever, self.target, self.budget, self.cache = sc, lever, target, budget, cache
        self.scenarios = scenarios
        self.evidence: dict[int, Evidence] = {}

    def _scenario(self, level: int) -> Scenario:
        if level not in self.scenarios:
            self.scenarios[level] = at_level(self.sc, self.lever, level)
        return self.scenarios[level]

    def _runs_left(self) -> int | None:
        cap = self.budget.max_runs
        return None if cap is None else cap - sum(e.n_runs for e in self.evidence.values())

    def decide(self, levels: list[int]) -> None:
        """Add replicates to ``levels`` in rounds until each is clear or out of budget."""
        n = dict.fromkeys(levels, 0)
        open_ = list(levels)
        while open_:
            want = {k: self.budget.next_n(n[k]) for k in open_}
            left = self._runs_left()
            if left is not None:
                extra = sum(want[k] - n[k] for k in open_)
                if extra > left:  # the question's run budget is spent
                    for k in open_:
                        self.evidence.setdefault(k, Evidence(k)).exhausted = True
                    return
            label = self.lever.name
            self.cache.ensure(
                (f"{label}={k}", self._scenario(k), r) for k in open_ for r in range(want[k])
            )
            still = []
            for k in open_:
                n[k] = want[k]
                vals = self.cache.values(self._scenario(k), self.target.kpi, n[k])
                ev = judge(k, vals, self.target, self.budget)
                self.evidence[k] = ev
                if ev.verdict not in (MEETS, FAILS) and not ev.exhausted:
                    still.append(k)
            open_ = still

    def run(self, lo: int, hi: int) -> TargetResult:
        """Search ``[lo, hi]``; return the answer."""
        self.decide([lo, hi])
        top, bottom = self.evidence[hi], self.evidence[lo]
        status, answer, bracket = UNDECIDED, None, (lo, hi)
        if top.verdict == FAILS:
            status, bracket = NOT_REACHABLE, (hi, hi)
        elif bottom.verdict == MEETS:
            status, answer, bracket = MET, lo, (lo, lo)
        elif top.verdict == MEETS:
            a = lo if bottom.verdict == FAILS else lo - 1  # highest level known to fail
            a, b, m = self._bisect(a, hi)
            if m is not None:  # an unclear level: narrow the bracket on both sides of it
                a_low, b_low, _ = self._bisect(a, m)
                a_high, b_high, _ = self._bisect(m, b)
                a = max(a_low, a_high if a_high > m else a)
                b = min(b_high, b_low if b_low < m else b)
            if b - a == 1 and a >= lo and self.evidence[a].verdict == FAILS:
                status, answer, bracket = MET, b, (b, b)
            else:
                bracket = (a + 1, b)
        elif bottom.verdict == FAILS:
            bracket = (lo + 1, hi)
        warnings, broken = self._monotonicity()
        if broken:
            status, answer = NOT_MONOTONE, None
        return TargetResult(
            status,
            answer,
            bracket,
            self.target,
            self.lever,
            dict(self.evidence),
            self.budget,
            self.cache.seed,
            self.sc.name,
            0,
            warnings,
        )

    def _bisect(self, a: int, b: int) -> tuple[int, int, int | None]:
        """Bisect between a failing level ``a`` and a meeting level ``b``.

        Returns:
            The narrowed ``(a, b)`` and the first level found unclear (None if none).
        """
        while b - a > 1:
            m = (a + b) // 2
            if m not in self.evidence:
                self.decide([m])
            v = self.evidence[m].verdict
            if v == MEETS:
                b = m
            elif v == FAILS:
                a = m
            else:
                return a, b, m
        return a, b, None

    def _monotonicity(self) -> tuple[list[str], bool]:
        """Check, on paired replicates, that a higher level is never worse than a lower one."""
        out, broken = [], False
        done = sorted(self.evidence)
        for a, b in itertools.pairwise(done):
            ea, eb = self.evidence[a], self.evidence[b]
            if ea.verdict == MEETS and eb.verdict == FAILS:
                broken = True
                out.append(
                    f"level {a} meets the target but the higher level {b} clearly fails it: "
                    "the lever's effect is not monotone here, so the search cannot rely on it"
                )
            d, low, high = paired_difference(ea.values, eb.values, MONOTONE_CHECK_CONFIDENCE)
            if (low > 0) if self.target.lower_is_better else (high < 0):
                out.append(
                    f"level {b} is worse than level {a} on paired replicates ({self.target.kpi} "
                    f"{d:+.3g}, 99% CI {low:+.3g} to {high:+.3g}): more posts should not hurt; "
                    "check the scenario"
                )
        return out, broken
