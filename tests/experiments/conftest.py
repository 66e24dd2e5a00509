"""Fixtures for experiment tests: small scenario files and experiment files on disk."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from courtsim.result import scenario_to_yaml
from tests.conftest import make_scenario

#: A short, small, busy court (judges are the bottleneck): runs take a few hundredths of
#: a second, and more judges clearly mean fewer pending cases.
SMALL: dict[str, Any] = {
    "horizon_days": 40,
    "judges": {"count": 3},
    "filings": {"per_year": 3000},
    "procedure": {
        "acceptance_working_days": {"dist": "constant", "value": 1},
    },
    "hearings": {"notice_working_days": 1},
    "initial_pending": {"per_judge": 0},
}


@pytest.fixture
def scenario_file(tmp_path: Path):
    """Return a function writing a small scenario (with overrides) to a YAML file."""

    def write(name: str = "small", **overrides: Any) -> Path:
        sc = make_scenario(**(SMALL | {"name": name} | overrides))
        path = tmp_path / f"{name}.yaml"
        path.write_text(scenario_to_yaml(sc), encoding="utf-8")
        return path

    return write


@pytest.fixture
def experiment_file(tmp_path: Path):
    """Return a function writing an experiment mapping to a YAML file."""

    def write(data: dict[str, Any], name: str = "experiment") -> Path:
        path = tmp_path / f"{name}.yaml"
        path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
        return path

    return write


@pytest.fixture
def sweep_file(scenario_file, experiment_file):
    """Return a function writing a small grid sweep (4 points x 2 replicates by default)."""

    def write(**changes: Any) -> Path:
        base = scenario_file()
        data: dict[str, Any] = {
            "kind": "sweep",
            "name": "small_sweep",
            "scenario": base.name,
            "design": "grid",
            "factors": {
                "judges.count": {"levels": [2, 4]},
                "case_types.general.p_uncontested": {"levels": [0.2, 0.8]},
            },
            "replications": 2,
            "seed": 5,
            "kpis": ["pending_end", "backlog_cases", "share_settled"],
            "daily": ["n_pending"],
        }
        data.update(changes)
        return experiment_file({k: v for k, v in data.items() if v is not None})

    return write
