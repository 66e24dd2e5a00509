"""Terminal text of decision questions: the answer as a sentence, and its evidence table."""

from __future__ import annotations

from typing import TYPE_CHECKING

from courtsim.experiment.report import fmt, label

if TYPE_CHECKING:
    from courtsim.experiment.allocate import AllocationResult
    from courtsim.experiment.sequential import Evidence
    from courtsim.experiment.target import TargetResult


def _bound_words(r: TargetResult, ev: Evidence, clear: str) -> str:
    """Describe the bound that decided (or failed to decide) a level."""
    k = r.target.kpi
    pct = f"{100 * r.budget.confidence:g}%"
    upper = (clear == "meets") == r.target.lower_is_better
    side, bound = ("upper", ev.high) if upper else ("lower", ev.low)
    where = "below" if upper else "above"
    return (
        f"the {side} {pct} confidence bound of the mean ({fmt(bound, k)}) lies {where} the "
        f"target (mean {fmt(ev.mean, k)}, {ev.n} replicates)"
    )


def target_sentence(r: TargetResult) -> str:
    """Return the answer of a target search as one paragraph.

    Args:
        r: The result.

    Returns:
        The paragraph.
    """
    k, what = r.target.kpi, r.lever.describe()
    tgt = f"{label(k)} {r.target.op} {fmt(r.target.value, k)}"
    ev = r.levels
    if r.status == "met" and r.answer is not None:
        s = f"{r.answer} {what} is the smallest level that meets {tgt}: at {r.answer}, "
        s += _bound_words(r, ev[r.answer], "meets")
        below = r.answer - 1
        if below in ev:
            s += f"; at {below}, " + _bound_words(r, ev[below], "fails")
        else:
            s += "; it is the bottom of the range searched"
        return s + "."
    if r.status == "not_reachable":
        hi = r.bracket[1]
        return (
            f"Not reachable up to level {hi}: with {hi} {what}, "
            + _bound_words(r, ev[hi], "fails")
            + f", so it misses {tgt}. Search higher levels (--levels) or another lever."
        )
    if r.status == "not_monotone":
        return (
            f"No answer for {tgt}: the KPI does not improve steadily with {what} "
            f"({'; '.join(r.warnings)})."
        )
    lo, hi = r.bracket
    if all(e.n_runs == 0 for e in ev.values()):
        return (
            f"The run budget (--max-runs {r.budget.max_runs}) is too small for a first look "
            f"at the levels {lo} and {hi} ({r.budget.min_reps} replicates each); nothing was decided."
        )
    unclear = [e for e in ev.values() if e.verdict == "unclear" and e.n_runs > 0]
    detail = "; ".join(
        f"level {e.level}: mean {fmt(e.mean, k)}, {100 * r.budget.confidence:g}% bounds "
        f"{fmt(e.low, k)} to {fmt(e.high, k)} after {e.n} replicates, which straddle the target"
        for e in sorted(unclear, key=lambda e: e.level)
    )
    top_unclear = any(e.level == max(ev) for e in unclear)
    where = (
        f"the answer is at least {lo}, or the target is not reachable up to {hi}"
        if top_unclear
        else (f"the answer lies between {lo} and {hi}" if lo < hi else f"the answer is {lo}")
    )
    return (
        f"The budget ran out before a clear answer for {tgt} with {what}: {where} ({detail}). "
        "Raise --max-reps for more replicates per level."
    )


def target_text(r: TargetResult) -> str:
    """Return the evidence table of a target search (one line per level examined).

    Args:
        r: The result.

    Returns:
        The text.
    """
    k = r.target.kpi
    pct = f"{100 * r.budget.confidence:g}%"
    lines = [
        f"  {'level':>5} {'reps':>4}  {'mean':>10}  {pct + ' bounds':<24} verdict",
    ]
    for e in sorted(r.levels.values(), key=lambda e: e.level):
        bounds = f"{fmt(e.low, k)} to {fmt(e.high, k)}"
        note = " (budget spent)" if e.exhausted else ""
        lines.append(
            f"  {e.level:>5} {e.n:>4}  {fmt(e.mean, k):>10}  {bounds:<24} {e.verdict}{note}"
        )
    lines.append(
        f"  bounds are one-sided, {pct} over the whole sequential procedure "
        f"({r.budget.looks} looks per level at most)"
    )
    lines += [f"  warning: {w}" for w in r.warnings]
    return "\n".join(lines)


def allocation_text(a: AllocationResult) -> str:
    """Return the per-region table of an allocation and its national line.

    Args:
        a: The result.

    Returns:
        The text.
    """
    k = a.kpi
    t = a.table()
    lines = [
        f"  {'region':<18} {'now':>4} {'added':>5}  {'before (95% CI)':<26} "
        f"{'after (95% CI)':<26} {'last post (95% CI)':<24}"
    ]
    for row in t.itertuples(index=False):
        before = f"{fmt(row.before, k)} ({fmt(row.before_low, k)} to {fmt(row.before_high, k)})"
        after = f"{fmt(row.after, k)} ({fmt(row.after_low, k)} to {fmt(row.after_high, k)})"
        mv = f"{fmt(row.marginal, k, True)} ({fmt(row.marginal_low, k, True)} to "
        mv += f"{fmt(row.marginal_high, k, True)})"
        lines.append(
            f"  {row.region:<18.18} {row.current:>4} {row.added:>5}  {before:<26} {after:<26} {mv}"
        )
    n = a.national
    lines.append(
        f"  national {label(k)}: {fmt(n['before'], k)} -> {fmt(n['after'], k)}, change "
        f"{fmt(n['diff'], k, True)} (95% CI {fmt(n['diff_low'], k, True)} to "
        f"{fmt(n['diff_high'], k, True)}), paired over {a.replicates} replicates"
    )
    lines.append(
        "  last post: the KPI change the region's last added post made (its first post, "
        "for regions given none)"
    )
    idle = [post for post, _, gain in a.steps if not gain > 0]
    if idle:
        lines.append(
            f"  note: {len(idle)} of the {len(a.steps)} posts (from post {idle[0]}) improved "
            "the KPI in no region on these replicates (best gain <= 0); they went to the "
            "regions with fewest added posts. The KPI may be flat here (e.g. no backlog)"
        )
    return "\n".join(lines)
