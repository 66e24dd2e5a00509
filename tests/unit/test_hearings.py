"""The hearing process: offered load, freed capacity reused, judges' capacity, bad input."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from scipy import stats

from courtsim import ScenarioError, load_scenario, simulate
from tests.cli.test_cli import assert_user_error, courtsim
from tests.conftest import SCENARIOS, make_scenario

NO_EXITS = {"p_returned": 0.0, "p_uncontested": 1.0, "withdraw_hazard_per_month": 0.0}


def _steady(p_evidence: float):
    """One court, 2 judges with 4 slots each, 3 claims a day, 2 sessions each."""
    return make_scenario(
        horizon_days=1500,
        calendar={"weekend_days": (), "holidays": ()},
        judges={
            "count": 2,
            "hours_per_day": 8.0,
            "availability": 1.0,
            "hearing_slots_per_day": {"dist": "constant", "value": 4.0},
            "overtime_slots_per_day": 0,
        },
        filings={"per_year": 3 * 365.0, "process": "deterministic"},
        hearings={
            "notice_working_days": 3,
            "p_evidence_missing": p_evidence,
            "p_joinder": 0.0,
            "p_expert_examination": 0.0,
        },
        initial_pending={"per_judge": 0},
        reporting={"warmup_days": 300},
        case_types={
            "_replace": True,
            "general": {
                "share": 1.0,
                "effort_hours": {"dist": "constant", "value": 0.5},
                "preliminary_hearing": True,
                "main_hearings": {"dist": "constant", "value": 1},
                "p_defendant_absent": 0.0,
                **NO_EXITS,
            },
        },
    )


@pytest.mark.parametrize("p_evidence", [0.0, 0.2])
def test_throughput_and_utilisation_equal_the_offered_load(p_evidence):
    # Offered load = filings x mean sessions per case / slots. Each session is adjourned
    # with p (independently), so a case needs 2 / (1 - p) sessions on average.
    sc = _steady(p_evidence)
    res = simulate(sc, seed=3)
    k = res.kpis
    per_case = 2 / (1 - p_evidence)
    offered = 3 * per_case / (2 * 4)
    assert offered < 1
    assert k["slot_utilisation"] == pytest.approx(offered, rel=0.02)
    assert k["sessions_per_disposed_case"] == pytest.approx(per_case, rel=0.02)
    assert k["resolved"] / k["window_days"] == pytest.approx(3.0, rel=0.02)
    assert k["clearance_rate"] == pytest.approx(100.0, rel=0.02)
    assert k["adjournment_rate"] == pytest.approx(p_evidence, abs=0.02)


def test_more_slots_mean_shorter_lead_times_with_the_same_disputes():
    # The lead time to the next session is what congestion produces: the same disputes
    # (common random numbers) wait less in calendars with more slots.
    sc = load_scenario(SCENARIOS / "baseline.yaml").with_overrides({"horizon_days": 200})
    lead, ttd = [], []
    for low in (3.0, 4.0):
        s = sc.with_overrides(
            {"judges.hearing_slots_per_day": {"dist": "uniform", "low": low, "high": low + 1}}
        )
        k = simulate(s, seed=5).kpis
        lead.append(k["lead_time_mean_days"])
        ttd.append(k["ttd_mean_days"])
    assert lead[1] < lead[0] - 1
    assert ttd[1] < ttd[0]


def _paired_diff(sc_a, sc_b, measure, reps, seed=11):
    """Differences b - a over paired replicates, and the one-sided 99% upper bound."""
    d = np.array(
        [
            measure(simulate(sc_b, seed=seed, replicate=r))
            - measure(simulate(sc_a, seed=seed, replicate=r))
            for r in range(reps)
        ]
    )
    se = d.std(ddof=1) / np.sqrt(reps)
    return d, d.mean() + stats.t.ppf(0.99, reps - 1) * se


def _ttd_never_referred(res):
    c = res.cases
    never = ~c["referred_mediation"] & ~c["referred_participatory"] & c["t_disposed"].notna()
    never &= c["outcome"].astype(str) != "returned"
    return float((c.loc[never, "t_disposed"] - c.loc[never, "t_filed"]).mean())


@pytest.mark.slow
@pytest.mark.statistical
def test_out_of_court_frees_sessions_that_other_cases_use():
    # With mediators to spare, the sessions that mediated cases no longer need go to the
    # cases that never see a mediator: their time to disposition falls, and so do pending
    # cases. Paired replicates (common random numbers); one-sided 99% bounds below 0.
    base = load_scenario(SCENARIOS / "baseline.yaml")
    ooc = load_scenario(SCENARIOS / "out_of_court.yaml")
    spare = {f"mediators.{k}.per_judge": 1.0 for k in ("retired_judge", "professional", "public")}
    ooc = ooc.with_overrides(spare)
    d_ttd, upper_ttd = _paired_diff(base, ooc, _ttd_never_referred, reps=4)
    d_pend, upper_pend = _paired_diff(base, ooc, lambda r: r.kpis["pending_end"], reps=4)
    assert upper_ttd < 0, d_ttd
    assert upper_pend < 0, d_pend
    # The mediators did have spare capacity (no referral waited for one or was declined),
    # and sessions were freed.
    k = simulate(ooc, seed=11).kpis
    assert k["referred_mediation"] > 0
    assert k["wait_mean_days_mediation"] < 1
    assert k["declined_mediation"] == 0
    assert k["sessions_saved"] > 0


@pytest.mark.slow
@pytest.mark.statistical
def test_more_judges_shorten_time_to_disposition():
    base = load_scenario(SCENARIOS / "baseline.yaml").with_overrides({"horizon_days": 240})
    more = base.with_overrides({"judges.count": 32})
    d, upper = _paired_diff(base, more, lambda r: r.kpis["ttd_mean_days"], reps=4)
    assert upper < 0, d


def test_expert_examination_suspends_the_case_and_its_statutory_clock():
    sc = make_scenario(
        horizon_days=300,
        hearings={"p_expert_examination": 1.0, "expert_days": {"dist": "constant", "value": 40}},
        case_types={"general": {"main_hearings": {"dist": "constant", "value": 1}}},
    )
    res = simulate(sc, seed=2)
    c = res.cases
    ex = c[c["expert_ordered"] & (c["outcome"] == "judgment") & ~c["initial"]]
    assert len(ex) > 20
    # Decided at least 40 days after the session that ordered it, and the art. 183
    # deadline moved by the suspension: nobody overran because of the expert.
    assert ((ex["t_disposed"] - ex["t_first_session"]) >= 40).all()
    assert ((ex["t_deadline"] - ex["t_prep_end"]) >= 40 + 30).all()


@pytest.mark.parametrize(
    ("yaml_text", "field"),
    [
        (
            "judges:\n  hearing_slots_per_day: {dist: constant, value: -1}\n",
            "hearing_slots_per_day",
        ),
        ("hearings:\n  p_evidence_missing: 1.5\n", "hearings.p_evidence_missing"),
        ("hearings:\n  notice_working_days: 45\n", "notice_working_days"),
        ("appeals:\n  window_days: -1\n", "appeals.window_days"),
        ("judges:\n  load_elasticity: 0.5\n", "load_elasticity"),
    ],
)
def test_bad_hearing_input_is_one_paragraph_exit_2_nothing_written(
    tmp_path: Path, yaml_text, field
):
    f = tmp_path / "bad.yaml"
    f.write_text(f"extends: {SCENARIOS / 'baseline.yaml'}\n{yaml_text}", encoding="utf-8")
    with pytest.raises(ScenarioError, match=field.split(".")[-1]):
        load_scenario(f)
    out = tmp_path / "out"
    assert_user_error(courtsim("run", f, "--out", out), "bad.yaml", field.split(".")[-1])
    assert not out.exists()
