"""Shared fixtures: a tiny scenario factory, and hypothesis profiles."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, settings

from courtsim import Scenario, simulate
from courtsim.schema.scenario import deep_merge, validate_scenario

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "scenarios"

settings.register_profile("dev", max_examples=15, deadline=None)
settings.register_profile(
    "ci", max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
# Developers' quick look: no shrinking (`pytest --hypothesis-profile=quick`).
settings.register_profile(
    "quick", max_examples=15, deadline=None, phases=[Phase.explicit, Phase.reuse, Phase.generate]
)
settings.load_profile("ci" if os.environ.get("CI") else "dev")

TINY: dict[str, Any] = {
    "name": "tiny",
    "horizon_days": 60,
    "judges": {"count": 3},
    "filings": {"per_year": 1200},
    "case_types": {
        "general": {
            "share": 0.7,
            "effort_hours": {"dist": "exponential", "mean": 4.0},
            "p_returned": 0.1,
            "p_uncontested": 0.3,
            "withdraw_hazard_per_month": 0.1,
            "p_appeal": 0.1,
            "p_appeal_settled": 0.02,
        },
        "alimony": {
            "share": 0.3,
            "effort_hours": {"dist": "lognormal", "median": 2.0, "sigma": 0.5},
            "time_limit_days": 30,
            "p_uncontested": 0.6,
            "relationship_value_share": 0.3,
        },
    },
    "initial_pending": {"per_judge": 10},
}


def make_scenario(**overrides: Any) -> Scenario:
    """Return the tiny scenario with nested keys merged in."""
    return validate_scenario(deep_merge(TINY, overrides), source="tiny")


@pytest.fixture
def tiny_scenario() -> Scenario:
    return make_scenario()


@pytest.fixture
def run_tiny():
    def run(seed: int = 1, **overrides: Any):
        return simulate(make_scenario(**overrides), seed=seed)

    return run
