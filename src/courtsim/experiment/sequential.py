"""Does a level meet a KPI target? One-sided confidence bounds on replicates added in batches.

The statement is the analyst's: "the upper 95% confidence bound of the mean lies below the
target" (for a ``<=`` target; the lower bound above it for ``>=``). Replicates come in
batches (``min_reps``, then ``step`` more at a time up to ``max_reps``) and the verdict is
looked at after each batch, so a level stops as soon as its answer is clear. Looking
repeatedly would let noise cross the bound more often than 5%, so each look spends an
equal share of the 5% (Bonferroni over the planned looks): the bounds reported are
``1 - 0.05/K`` one-sided bounds for K looks, which makes the 95% statement hold for the
whole sequential procedure, not just for one look.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
from scipy import stats

from courtsim.errors import CourtsimError
from courtsim.experiment.stats import mean_ci

MEETS, FAILS, UNCLEAR = "meets", "fails", "unclear"


class DecisionError(CourtsimError):
    """A decision question (target, budget, range) is malformed."""


_TARGET = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(<=|>=)\s*([-+0-9.eE]+)\s*(%?)\s*$")


@dataclass(frozen=True)
class Target:
    """A KPI target such as ``ttd_mean_days <= 60``.

    Attributes:
        kpi: KPI name (see ``docs/kpis.md``).
        op: ``<=`` (lower is better) or ``>=`` (higher is better).
        value: The target, in the KPI's units (shares as fractions: 95% is 0.95).
    """

    kpi: str
    op: str
    value: float

    @classmethod
    def parse(cls, text: str) -> Target:
        """Read ``KPI<=VALUE`` or ``KPI>=VALUE`` (a trailing ``%`` divides by 100).

        Args:
            text: For example ``ttd_mean_days<=60`` or ``share_within_statutory_limit>=95%``.

        Returns:
            The target.

        Raises:
            DecisionError: The text is not of that form.
        """
        m = _TARGET.match(text)
        if not m:
            raise DecisionError(
                f"'{text}' is not a target; write KPI<=VALUE or KPI>=VALUE, e.g. "
                "ttd_mean_days<=60 or share_within_statutory_limit>=95%",
                source="--target",
            )
        try:
            value = float(m.group(3))
        except ValueError:
            raise DecisionError(f"'{m.group(3)}' is not a number", source="--target") from None
        if not math.isfinite(value):
            raise DecisionError(f"the target value must be finite (got {value})", source="--target")
        return cls(m.group(1), m.group(2), value / 100 if m.group(4) else value)

    @property
    def lower_is_better(self) -> bool:
        """Whether the target is an upper limit (``<=``)."""
        return self.op == "<="

    def __str__(self) -> str:
        return f"{self.kpi} {self.op} {self.value:g}"


@dataclass(frozen=True)
class Budget:
    """How many replicates a level may use, and the confidence of the statement.

    Attributes:
        min_reps: Replicates before the first look (at least 2).
        step: Replicates added after each unclear look.
        max_reps: Replicates at most, per level.
        confidence: Confidence of the statement, for the whole sequential procedure.
        max_runs: Runs at most over the whole question (None: levels x max_reps).
    """

    min_reps: int = 5
    step: int = 5
    max_reps: int = 20
    confidence: float = 0.95
    max_runs: int | None = None

    def __post_init__(self) -> None:
        if self.min_reps < 2:
            raise DecisionError(
                f"at least 2 replicates are needed for a confidence bound (got {self.min_reps})",
                source="--min-reps",
            )
        if self.max_reps < self.min_reps:
            raise DecisionError(
                f"--max-reps ({self.max_reps}) is below --min-reps ({self.min_reps})",
                source="--max-reps",
            )
        if self.step < 1:
            raise DecisionError(f"must be at least 1 (got {self.step})", source="--step")
        if not 0.5 <= self.confidence < 1:
            raise DecisionError(
                f"must be in [0.5, 1) (got {self.confidence})", source="--confidence"
            )

    @property
    def looks(self) -> int:
        """Looks a level can take: after ``min_reps``, then after every ``step``."""
        return 1 + math.ceil((self.max_reps - self.min_reps) / self.step)

    @property
    def alpha_per_look(self) -> float:
        """One-sided error spent at each look."""
        return (1 - self.confidence) / self.looks

    def next_n(self, n: int) -> int:
        """Replicates to have after the look at ``n`` (``min_reps`` first)."""
        return self.min_reps if n < self.min_reps else min(n + self.step, self.max_reps)


@dataclass
class Evidence:
    """What the replicates of one level say about the target.

    Attributes:
        level: The lever's level.
        values: The KPI, one value per replicate 0, 1, ... (NaN: undefined in that run).
        verdict: ``meets``, ``fails`` or ``unclear``.
        mean: Mean over replicates.
        sd: Standard deviation (ddof 1).
        low: Lower one-sided bound at the per-look level.
        high: Upper one-sided bound at the per-look level.
        exhausted: True when ``max_reps`` were used without a clear verdict.
    """

    level: int
    values: npt.NDArray[np.float64] = field(default_factory=lambda: np.empty(0))
    verdict: str = UNCLEAR
    mean: float = float("nan")
    sd: float = float("nan")
    low: float = float("nan")
    high: float = float("nan")
    exhausted: bool = False

    @property
    def n(self) -> int:
        """Replicates with a value."""
        return int(np.count_nonzero(~np.isnan(self.values)))

    @property
    def n_runs(self) -> int:
        """Replicates run."""
        return int(self.values.size)


def judge(level: int, values: npt.ArrayLike, target: Target, budget: Budget) -> Evidence:
    """Return the verdict of the replicates of one level at the current look.

    Args:
        level: The level.
        values: The KPI of replicates 0..n-1.
        target: The target.
        budget: Replicates and confidence.

    Returns:
        The evidence; ``unclear`` before ``min_reps`` values or while the bounds straddle
        the target; ``exhausted`` once ``max_reps`` are used without a verdict.
    """
    x = np.asarray(values, dtype=np.float64)
    ev = Evidence(level, x)
    ok = x[~np.isnan(x)]
    if ok.size:
        ev.mean = float(ok.mean())
    if ok.size >= 2:
        ev.sd = float(ok.std(ddof=1))
        q = float(stats.t.ppf(1 - budget.alpha_per_look, ok.size - 1))
        h = q * ev.sd / math.sqrt(ok.size)
        ev.low, ev.high = ev.mean - h, ev.mean + h
    if x.size >= budget.min_reps and ok.size >= 2:
        good, bad = (ev.high, ev.low) if target.lower_is_better else (ev.low, ev.high)
        below = target.lower_is_better
        if (good < target.value) if below else (good > target.value):
            ev.verdict = MEETS
        elif (bad > target.value) if below else (bad < target.value):
            ev.verdict = FAILS
    ev.exhausted = ev.verdict == UNCLEAR and x.size >= budget.max_reps
    return ev


def paired_difference(
    a: npt.ArrayLike, b: npt.ArrayLike, confidence: float = 0.95
) -> tuple[float, float, float]:
    """Return the mean of ``b - a`` over common replicates and its two-sided t interval.

    Args:
        a: KPI values of replicates 0..n-1 at one level.
        b: KPI values of the same replicates at another.
        confidence: Level of the interval.

    Returns:
        ``(mean, low, high)``; NaN bounds with fewer than two pairs.
    """
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    n = min(a.size, b.size)
    return mean_ci(b[:n] - a[:n], confidence)
