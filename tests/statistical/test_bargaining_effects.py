"""How settlement responds to the bargaining mechanisms (issue: litigants who bargain).

Paired replicates of the shipped ``scenarios/`` files (common random numbers:
the same disputes, merits and signals at both settings), 240 days. The levers are tested
on the court before the pilots (``baseline.yaml``), where every settlement is the
parties' own. Each claim is tested with a one-sided 99% t bound on the mean paired
difference, so it can fail.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from courtsim import load_scenario, simulate
from tests.conftest import SCENARIOS

REPS = 4
SEED = 11

pytestmark = [pytest.mark.slow, pytest.mark.statistical]


SETTLED = ("settlement", "settled_conciliation", "settled_mediation", "settled_participatory")


def _scenario(name: str):
    sc = load_scenario(SCENARIOS / f"{name}.yaml")
    return sc.with_overrides({"horizon_days": 240})


def _contested(res):
    c = res.cases
    return c[c["t_filed"].notna() & ~c["initial"] & c["contested"]]


def settled_share(res) -> float:
    """Share of contested claims filed in the run that ended in a settlement (any channel)."""
    filed = _contested(res)
    return float(filed["outcome"].isin(SETTLED).mean())


def settled_early(res) -> float:
    """Share of contested claims settled within 45 days of filing (earlier settlement)."""
    filed = _contested(res)
    quick = filed["outcome"].isin(SETTLED) & (filed["t_disposed"] - filed["t_filed"] <= 45)
    return float(quick.mean())


@pytest.fixture(scope="module")
def base():
    sc = _scenario("baseline")
    return sc, [simulate(sc, seed=SEED, replicate=r) for r in range(REPS)]


def _bounds(base, overrides, measure):
    sc, runs = base
    alt = sc.with_overrides(overrides)
    d = np.array(
        [measure(simulate(alt, seed=SEED, replicate=r)) - measure(a) for r, a in enumerate(runs)]
    )
    half = stats.t.ppf(0.99, REPS - 1) * d.std(ddof=1) / np.sqrt(REPS)
    return d, d.mean() - half, d.mean() + half


@pytest.mark.parametrize(
    ("overrides", "direction"),
    [
        ({"bargaining.lawyer_fee_share_per_session": 0.06}, +1),  # dearer lawyers: more
        ({"judges.count": 19}, +1),  # fewer judges, longer lead times: more
        ({"litigants.optimism_mean": 0.15}, -1),  # more optimism: fewer
        ({"bargaining.signal_sd": 0.8}, +1),  # more information per session: more
        ({"costs.fee_refund_share_on_settlement": 0.0}, -1),  # no fee refund: fewer
    ],
    ids=["lawyer_fees", "lead_time", "optimism", "information", "no_refund"],
)
def test_settlements_respond_to_costs_beliefs_and_information(base, overrides, direction):
    for measure in (settled_share, settled_early):
        d, low, high = _bounds(base, overrides, measure)
        if direction > 0:
            assert low > 0, (measure.__name__, d)
        else:
            assert high < 0, (measure.__name__, d)


@pytest.mark.parametrize(
    ("scenario", "overrides", "direction"),
    [
        # Parties unbiased on average, and a conciliator at hand: most cases have a zone
        # (K > 2 mu), so a wider spread of optimism puts more of them outside it.
        ("in_court", {"litigants.optimism_mean": 0.0}, -1),
        # Before the pilots few cases have a zone (K < 2 mu): a wider spread makes more
        # parties pessimistic enough to settle. docs/model.md §7.6a gives the formula.
        ("baseline", {}, +1),
    ],
    ids=["wide_zone_fewer", "narrow_zone_more"],
)
def test_spread_of_optimism_acts_as_the_divergent_expectations_model_says(
    scenario, overrides, direction
):
    sc = _scenario(scenario).with_overrides(overrides) if overrides else _scenario(scenario)
    wider = sc.with_overrides({"litigants.optimism_sd": 0.25})
    d, low, high = _paired(sc, wider, settled_share)
    if direction > 0:
        assert low > 0, d
    else:
        assert high < 0, d


def test_judgments_select_the_close_cases():
    # Priest & Klein: the claims that reach a judgment are the close ones, so their
    # plaintiffs' chance of winning lies closer to 50% than that of every contested claim
    # filed. Measured on the true merits (the expected win rate; the observed win rate is
    # its binomial estimate, reported beside). Tested where parties settle in numbers
    # (the in-court pilot); before the pilots only ~5% of contested claims settle.
    sc = _scenario("in_court")
    reps = 2 * REPS
    gap, won = [], []
    for r in range(reps):
        res = simulate(sc, seed=SEED, replicate=r)
        c = res.cases
        filed = _contested(res)
        judged = c[(c["outcome"] == "judgment") & c["contested"] & ~c["initial"]]
        gap.append(abs(filed["merit"].mean() - 0.5) - abs(judged["merit"].mean() - 0.5))
        won.append(abs(filed["merit"].mean() - 0.5) - abs(judged["plaintiff_won"].mean() - 0.5))
    gap, won = np.array(gap), np.array(won)
    low = gap.mean() - stats.t.ppf(0.99, reps - 1) * gap.std(ddof=1) / np.sqrt(reps)
    assert low > 0, gap
    # The observed win rates agree with the selection (same sign on average).
    assert won.mean() > 0, won


def _paired(sc_a, sc_b, measure):
    d = np.array(
        [
            measure(simulate(sc_b, seed=SEED, replicate=r))
            - measure(simulate(sc_a, seed=SEED, replicate=r))
            for r in range(REPS)
        ]
    )
    half = stats.t.ppf(0.99, REPS - 1) * d.std(ddof=1) / np.sqrt(REPS)
    return d, d.mean() - half, d.mean() + half


def mediation_success(res) -> float:
    c = res.cases
    started = c["started_mediation"] & ~c["initial"]
    return float((c.loc[started, "outcome"] == "settled_mediation").mean())


def test_better_skilled_mediators_settle_more_of_their_mediations():
    sc = _scenario("out_of_court")
    skilled = sc.with_overrides(
        {f"mediators.{k}.skill": 1.0 for k in ("retired_judge", "professional", "public")}
    )
    d, low, _ = _paired(sc, skilled, mediation_success)
    assert low > 0, d


@pytest.mark.parametrize("pilot", ["pre_court", "in_court", "out_of_court", "combined"])
def test_every_pilot_unloads_the_court(pilot):
    # The central question, answered by mechanisms: settled or never-filed claims free
    # sessions that the other cases use, so fewer cases are pending at the end.
    d, _, high = _paired(_scenario("baseline"), _scenario(pilot), lambda r: r.kpis["pending_end"])
    assert high < 0, d
