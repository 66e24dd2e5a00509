"""The settlement rule of courtsim.bargaining, exactly; its wiring into the model."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.special import expit, logit

from courtsim import load_scenario, simulate
from courtsim.bargaining import (
    Costs,
    award_beliefs,
    initial_beliefs,
    session_signal,
    settlement_zone,
    update_beliefs,
)
from courtsim.errors import ScenarioError
from courtsim.schema.scenario import load_scenario as load
from tests.conftest import SCENARIOS


@pytest.fixture(scope="module")
def sc():
    return load_scenario(SCENARIOS / "baseline.yaml")


def test_zone_and_nash_amount_match_the_formulas(sc):
    b, enf = sc.bargaining, sc.enforcement
    belief = logit(np.array([[0.6, 0.9], [0.9, 0.3]]))
    costs = Costs(np.array([0.05, 0.05]), np.array([0.04, 0.04]))
    award = np.array([[0.9, 0.95], [1.0, 1.0]])  # each party's expected award share
    zone, amount = settlement_zone(belief, costs, sc, 1.0, award)
    loss_j = (1 - enf.p_voluntary_judgment) * b.enforcement_cost_share
    loss_s = (1 - enf.p_voluntary_settlement) * b.enforcement_cost_share
    a = b.agreement_cost_share
    x_min = (0.6 * 0.9 * (1 - loss_j) - 0.05 + a) / (1 - loss_s)
    x_max = 0.9 * 0.95 + 0.04 - a
    assert zone.tolist() == [x_min <= x_max, False]
    assert x_min <= x_max  # the first case has a zone: the amount is the Nash split
    assert amount[0] == pytest.approx(x_min + b.bargaining_power * (x_max - x_min), abs=1e-12)
    assert np.isnan(amount[1])


def test_award_beliefs_are_biased_by_optimism_and_uncontested_claims_are_granted_in_full(sc):
    w = np.array([0.5, 0.8])
    opt = np.array([[0.1, 0.05], [0.0, 0.2]])
    got = award_beliefs(w, opt, 0.5)
    np.testing.assert_allclose(got[:, 0], expit(logit(w) + 4 * 0.5 * opt[:, 0]), rtol=0, atol=1e-12)
    np.testing.assert_allclose(got[:, 1], expit(logit(w) - 4 * 0.5 * opt[:, 1]), rtol=0, atol=1e-12)
    np.testing.assert_allclose(award_beliefs(w, opt, 0.0), np.stack([w, w], 1), atol=1e-12)
    c = simulate(sc.with_overrides({"horizon_days": 30}), seed=3).cases
    new = c["t_filed"].notna()
    assert (c.loc[new & ~c["contested"], "award"] == 1.0).all()
    contested_awards = c.loc[new & c["contested"], "award"]
    assert contested_awards.between(0, 1, inclusive="neither").all()
    # logit-normal around award_median: its median on the log-odds scale
    assert abs(np.median(logit(contested_awards)) - logit(sc.bargaining.award_median)) < 0.1


def test_bayesian_update_narrows_the_gap_geometrically():
    mean = np.array([[1.0, -1.0]])
    tau = np.array([[4.0, 4.0]])
    signal = np.array([0.0])
    m1, t1 = update_beliefs(mean, tau, signal, 1.0, 1.0)
    # Conjugate normal update: precision adds, mean is the precision-weighted average.
    assert t1.tolist() == [[5.0, 5.0]]
    assert m1 == pytest.approx(np.array([[0.8, -0.8]]))
    # Weight 0: beliefs never move.
    m0, t0 = update_beliefs(mean, tau, signal, 1.0, 0.0)
    assert (m0 == mean).all()
    assert (t0 == tau).all()


def test_priors_are_biased_by_optimism_on_the_log_odds_scale(sc):
    merit = np.array([0.5, 0.9])
    mean, tau = initial_beliefs(merit, np.array([[0.1, 0.1], [0.1, 0.1]]), sc.bargaining)
    assert mean[:, 0] - logit(merit) == pytest.approx([0.4, 0.4])
    assert logit(merit) - mean[:, 1] == pytest.approx([0.4, 0.4])
    # The same optimism moves a clear case's expected chance less than a close one's.
    gap = expit(mean[:, 0]) - expit(mean[:, 1])
    assert gap[1] < gap[0]
    assert (tau == 1 / sc.bargaining.belief_sd**2).all()


def test_signals_are_counter_based_and_centred_on_the_merits():
    key = np.arange(1, 20_001, dtype=np.uint64) * np.uint64(7919)
    merit = np.full(key.size, 0.7)
    s0 = session_signal(key, 0, merit, 1.0)
    assert (session_signal(key, 0, merit, 1.0) == s0).all()  # same key and counter
    s1 = session_signal(key, 1, merit, 1.0)
    assert not np.allclose(s0, s1)
    se = 1.0 / np.sqrt(key.size)
    assert abs(s0.mean() - logit(0.7)) < 4 * se
    assert abs(s0.std() - 1.0) < 0.03


def test_bargaining_run_settles_with_amounts_and_draws_judgments_from_merits(sc):
    res = simulate(sc.with_overrides({"horizon_days": 120}), seed=3)
    c = res.cases
    settled = c[c["outcome"] == "settlement"]
    assert len(settled) > 50
    # Only contested claims bargain, and every agreement has its amount.
    assert settled["contested"].all()
    assert settled["settle_amount"].notna().all()
    assert (settled["settle_amount"] >= 0).all()
    # An agreement ends the case as a settlement: no withdrawal or judgment overtakes it.
    assert c.loc[c["outcome"].isin(["judgment", "withdrawal"]), "settle_amount"].isna().all()
    k = res.kpis
    assert k["settlement_to_claim_ratio"] == pytest.approx(settled["settle_amount"].mean())
    assert 0 < k["plaintiff_win_rate_contested_judgments"] < 1
    assert k["uncontested_share_filed"] > 0


def test_common_random_numbers_hold_when_a_pilot_opens(sc):
    # Conciliation at acceptance changes who settles where, not the disputes: merits,
    # whether they are contested, and both parties' priors are drawn per case.
    short = sc.with_overrides({"horizon_days": 60})
    pilot = short.with_overrides(
        {
            "conciliation.judges_per_court": 2,
            "policies": [{"type": "in_court", "start_day": 0}],
        }
    )
    a, b = simulate(short, seed=5).cases, simulate(pilot, seed=5).cases
    assert len(a) == len(b)
    for col in ("merit", "contested", "plaintiff_optimism", "defendant_optimism"):
        assert (a[col].to_numpy() == b[col].to_numpy()).all(), col
    assert (a["outcome"] != b["outcome"]).any()  # the pilot did change outcomes


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ("bargaining:\n  signal_sd: 0\n", "bargaining.signal_sd"),
        ("bargaining:\n  spread: 1\n", "bargaining.spread"),
    ],
)
def test_bad_bargaining_input_names_the_field(tmp_path, extra, field):
    f = tmp_path / "s.yaml"
    f.write_text(f"extends: {SCENARIOS / 'baseline.yaml'}\n{extra}")
    with pytest.raises(ScenarioError) as err:
        load(f)
    msg = str(err.value)
    assert field in msg
    assert str(f) in msg


@pytest.mark.parametrize(
    ("extra", "field", "replacement"),
    [
        (
            "policies:\n  - {type: in_court, trial_settlement_boost: 2.0}\n",
            "policies.0.trial_settlement_boost",
            "trial judges now explain the likely outcome",
        ),
        (
            "policies:\n  - {type: in_court, trial_willingness_boost: 0.1}\n",
            "policies.0.trial_willingness_boost",
            "trial judges now explain the likely outcome",
        ),
        (
            "policies:\n  - {type: in_court, p_settle: 0.9}\n",
            "policies.0.p_settle",
            "settlement zone",
        ),
        (
            "policies:\n  - {type: pre_court, p_settle: 0.9}\n",
            "policies.0.p_settle",
            "settlement zone",
        ),
        (
            "policies:\n  - {type: out_of_court, p_settle_mediation: 0.6}\n",
            "policies.0.p_settle_mediation",
            "settlement zone",
        ),
        (
            "policies:\n  - {type: out_of_court, p_settle_participatory: 0.5}\n",
            "policies.0.p_settle_participatory",
            "settlement zone",
        ),
        (
            "case_types:\n  debt_loan: {settle_hazard_per_month: 0.2}\n",
            "case_types.debt_loan.settle_hazard_per_month",
            "the share that settles is a result",
        ),
        (
            "reconciliation:\n  propensity_plaintiff: 0.15\n",
            "reconciliation.propensity_plaintiff",
            "expected gain from trying",
        ),
        (
            "reconciliation:\n  propensity_defendant: 0.15\n",
            "reconciliation.propensity_defendant",
            "expected gain from trying",
        ),
        ("reconciliation:\n  trust_weight: 0.2\n", "reconciliation.trust_weight", "weights"),
        (
            "reconciliation:\n  optimism_gap_weight: 0.5\n",
            "reconciliation.optimism_gap_weight",
            "settlement zone",
        ),
        ("litigants:\n  p_plaintiff_wins: 0.89\n", "litigants.p_plaintiff_wins", "true merits"),
        ("bargaining:\n  enabled: true\n", "bargaining.enabled", "always on"),
    ],
)
def test_retired_dials_are_refused_with_what_replaced_them(tmp_path, extra, field, replacement):
    f = tmp_path / "s.yaml"
    f.write_text(f"extends: {SCENARIOS / 'baseline.yaml'}\n{extra}")
    with pytest.raises(ScenarioError) as err:
        load(f)
    msg = str(err.value)
    assert f"'{field}': no longer a parameter" in msg
    assert replacement in msg
    assert str(f) in msg
    # The same from the command line's --set, on a file that has the section.
    kind = next((k for k in ("pre_court", "in_court", "out_of_court") if k in extra), None)
    base = load_scenario(SCENARIOS / f"{kind or 'baseline'}.yaml")
    with pytest.raises(ScenarioError) as err:
        base.with_overrides({field: 0.1})
    assert f"'{field}': no longer a parameter" in str(err.value)
    assert replacement in str(err.value)


def test_consent_needs_both_parties():
    from courtsim.model import CourtModel

    sc = load_scenario(SCENARIOS / "out_of_court.yaml")
    m = CourtModel.from_scenario(sc.with_overrides({"horizon_days": 20}), seed=2)
    m.run()
    c = m.cases
    idx = m.active_cases[c.contested[m.active_cases]][:400]
    both = m.talks.channel_consent(idx, 0.0, 10.0)
    assert 0 < both.mean() < 1
    # One party that does not trust conciliation at all expects nothing from trying and
    # still pays for the time it takes: that is enough to refuse, whichever party it is.
    for party in (0, 1):
        saved = c.trust_dev[idx, party].copy()
        c.trust_dev[idx, party] = -10.0
        assert not m.talks.channel_consent(idx, 0.0, 10.0).any()
        c.trust_dev[idx, party] = saved
    assert (m.talks.channel_consent(idx, 0.0, 10.0) == both).all()
    # Uncontested claims never try.
    unc = m.active_cases[~c.contested[m.active_cases]][:50]
    assert not m.talks.channel_consent(unc, 0.0, 10.0).any()


def test_case_type_optimism_shifts_both_priors_of_that_type_only(sc):
    # Five days: the claims filed in them have seen no session yet, so their beliefs are
    # the priors. The family parties' priors move apart by 4 x the shift on the log-odds.
    short = sc.with_overrides({"horizon_days": 5})
    shifted = short.with_overrides({"case_types.family.optimism_shift": 0.1})
    a, b = simulate(short, seed=4).cases, simulate(shifted, seed=4).cases
    new = ~a["initial"] & a["contested"] & a["t_filed"].notna()
    fam = new & (a["case_type"] == "family")
    assert fam.sum() > 0
    assert (new & ~fam).sum() > 0
    dp = b["plaintiff_belief"] - a["plaintiff_belief"]
    dd = b["defendant_belief"] - a["defendant_belief"]
    assert np.allclose(dp[fam], 0.4)
    assert np.allclose(dd[fam], -0.4)
    assert (dp[new & ~fam] == 0).all()
    assert (dd[new & ~fam] == 0).all()
    assert (a["merit"].fillna(-1) == b["merit"].fillna(-1)).all()


def test_bargaining_sections_are_reached_by_dotted_overrides():
    # --set and sweeps reach the section and per-type fields left at their defaults, and
    # a typo inside the section is named with the section's keys.
    from tests.conftest import make_scenario

    sc = make_scenario()
    on = sc.with_overrides({"bargaining.signal_sd": 0.8, "case_types.general.p_uncontested": 0.5})
    assert on.bargaining.signal_sd == 0.8
    assert on.case_types["general"].p_uncontested == 0.5
    with pytest.raises(ScenarioError, match="known keys here: agreement_cost_share"):
        sc.with_overrides({"bargaining.signl_sd": 0.8})
