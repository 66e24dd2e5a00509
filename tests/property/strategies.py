"""Hypothesis strategies: valid scenarios of the court core (no pilots), and running them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd
from hypothesis import strategies as st

from courtsim import Scenario
from courtsim.model import CourtModel
from courtsim.schema.scenario import validate_scenario

unit = st.floats(0.0, 1.0, allow_nan=False)
hazard = st.one_of(st.just(0.0), st.floats(0.01, 3.0))


def dists(lo: float, hi: float, allow_zero: bool = False) -> st.SearchStrategy[dict]:
    low_const = 0.0 if allow_zero else lo
    return st.one_of(
        st.builds(lambda v: {"dist": "constant", "value": v}, st.floats(low_const, hi)),
        st.builds(lambda m: {"dist": "exponential", "mean": m}, st.floats(max(lo, 0.01), hi)),
        st.builds(
            lambda m, s: {"dist": "lognormal", "median": m, "sigma": s},
            st.floats(max(lo, 0.01), hi),
            st.floats(0.0, 1.5),
        ),
        st.builds(
            lambda a, b: {"dist": "uniform", "low": min(a, b), "high": max(a, b)},
            st.floats(low_const, hi),
            st.floats(low_const, hi),
        ),
    )


@st.composite
def case_types(draw) -> dict[str, Any]:
    k = draw(st.integers(1, 3))
    weights = draw(st.lists(st.integers(1, 10), min_size=k, max_size=k))
    shares = [w / sum(weights) for w in weights]
    shares[-1] = 1.0 - sum(shares[:-1])
    out = {}
    for i, share in enumerate(shares):
        out[f"type{i}"] = {
            "share": share,
            "effort_hours": draw(dists(0.05, 12.0)),
            "preliminary_hearing": draw(st.booleans()),
            "main_hearings": draw(dists(0.0, 4.0, allow_zero=True)),
            "p_defendant_absent": draw(st.one_of(st.just(0.0), unit)),
            "time_limit_days": draw(st.integers(15, 90)),
            "p_returned": draw(st.one_of(st.just(0.0), unit)),
            "p_uncontested": draw(st.one_of(st.just(0.0), unit)),
            "withdraw_hazard_per_month": draw(hazard),
            "p_appeal": draw(unit),
            "p_appeal_settled": draw(unit),
            "relationship_value_share": draw(st.floats(0.0, 1.0)),
        }
    return out


@st.composite
def scenario_data(draw) -> dict[str, Any]:
    n_courts = draw(st.integers(1, 2))
    n_judges = draw(st.integers(n_courts, 5))
    horizon = draw(st.integers(30, 200))
    if n_courts == 1:
        courts = {"only": {"judge_share": 1.0, "filing_share": 1.0}}
    else:
        js, fs = draw(st.floats(0.1, 0.9)), draw(st.floats(0.0, 1.0))
        courts = {
            "a": {"judge_share": js, "filing_share": fs},
            "b": {"judge_share": 1.0 - js, "filing_share": 1.0 - fs},
        }
    no_weekends = draw(st.booleans())
    calendar = {"weekend_days": (), "holidays": ()} if no_weekends else {}
    return {
        "name": "generated",
        "horizon_days": horizon,
        "calendar": calendar,
        "courts": courts,
        "judges": {
            "count": n_judges,
            "hours_per_day": draw(st.floats(0.5, 8.0)),
            "availability": draw(st.floats(0.3, 1.0)),
            "max_parallel_cases": draw(st.integers(1, 5)),
            "discipline": draw(st.sampled_from(["fifo", "deadline"])),
            "assignment": draw(st.sampled_from(["random", "least_loaded", "pooled"])),
            "hearing_slots_per_day": draw(dists(0.2, 6.0)),
            "adjournment_strictness": draw(dists(0.0, 2.0, allow_zero=True)),
            "settlement_promotion": draw(dists(0.0, 2.0, allow_zero=True)),
            "overload_lead_working_days": draw(st.integers(0, 40)),
            "overtime_slots_per_day": draw(st.integers(0, 3)),
        },
        "hearings": {
            "notice_working_days": draw(st.integers(0, 8)),
            "p_evidence_missing": draw(st.floats(0.0, 0.5)),
            "p_joinder": draw(st.floats(0.0, 0.3)),
            "p_expert_examination": draw(st.floats(0.0, 0.3)),
            "expert_days": draw(dists(1.0, 60.0)),
            "absentia_after": draw(st.integers(1, 4)),
            "max_sessions": draw(st.integers(1, 20)),
        },
        "appeals": {
            "judges_per_first_instance_judge": draw(st.floats(0.0, 1.0)),
            "slots_per_day": draw(st.floats(0.1, 4.0)),
            "window_days": draw(st.integers(0, 40)),
            "p_adjourned": draw(st.floats(0.0, 0.5)),
        },
        "refiling": {
            "p_refile": draw(unit),
            "p_refile_pretrial": draw(unit),
            "delay_days": draw(dists(0.0, 40.0, allow_zero=True)),
        },
        "filings": {
            "per_year": draw(st.floats(0.0, 3000.0)),
            "process": draw(st.sampled_from(["poisson", "deterministic"])),
            "seasonality": draw(
                st.one_of(
                    st.none(),
                    st.lists(st.floats(0.0, 3.0), min_size=12, max_size=12).filter(
                        lambda v: sum(v) > 0.1
                    ),
                )
            ),
        },
        "procedure": {
            "acceptance_working_days": draw(dists(0.0, 10.0, allow_zero=True)),
        },
        "initial_pending": {
            "per_judge": draw(st.one_of(st.just(0.0), st.floats(0.0, 20.0))),
            "age_days": draw(dists(0.1, 120.0)),
            "share_in_preparation": draw(unit),
        },
        "case_types": draw(case_types()),
        "reporting": {"warmup_days": draw(st.integers(0, horizon - 1))},
    }


scenarios = scenario_data().map(lambda d: validate_scenario(d, source="hypothesis"))


@dataclass
class Run:
    model: CourtModel
    daily: pd.DataFrame
    cases: pd.DataFrame


def run_model(sc: Scenario, seed: int = 0, replicate: int = 0) -> Run:
    """Run a model to its horizon and build its tables as ``courtsim.simulate`` does."""
    m = CourtModel.from_scenario(sc, seed=seed, replicate=replicate)
    m.run()
    daily = m.recorder.to_frame([m.calendar.date(d) for d in range(m.horizon + 1)])
    daily["n_initial"] = m.n_initial
    cases = m.cases.to_frame(m.case_type_names, m.court_names)
    return Run(m, daily, cases)
