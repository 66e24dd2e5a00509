"""A world to break: copies of the shipped scenario and experiment files, and results folders."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from hypothesis import settings

from courtsim import simulate
from courtsim.experiment import compare, sweep
from courtsim.result import scenario_to_yaml
from tests.conftest import make_scenario

REPO = Path(__file__).resolve().parents[2]

# For hunting, not for CI: `pytest tests/reliability --hypothesis-profile=hunt`.
settings.register_profile("hunt", max_examples=400, deadline=None)


@pytest.fixture(scope="session")
def world(tmp_path_factory) -> Path:
    """``scenarios/`` and ``experiments/`` as shipped, and ``results/{run,cmp,sweep}``."""
    root = tmp_path_factory.mktemp("world")
    shutil.copytree(REPO / "scenarios", root / "scenarios")
    shutil.copytree(REPO / "experiments", root / "experiments")
    results = root / "results"
    results.mkdir()
    tiny = make_scenario(horizon_days=30)
    simulate(tiny, seed=1).save(results / "run")
    more = make_scenario(horizon_days=30, judges={"count": 5}, name="more")
    compare(tiny, {"more": more}, reps=2, seed=3, workers=1).save(results / "cmp")
    (root / "tiny.yaml").write_text(scenario_to_yaml(tiny), encoding="utf-8")
    exp = {
        "kind": "sweep",
        "name": "tiny_sweep",
        "scenario": "tiny.yaml",
        "design": "grid",
        "factors": {"judges.count": {"levels": [2, 4]}},
        "replications": 1,
        "seed": 5,
        "kpis": ["pending_end"],
    }
    (root / "tiny_sweep.yaml").write_text(yaml.safe_dump(exp), encoding="utf-8")
    sweep(root / "tiny_sweep.yaml", results / "sweep", workers=1, progress=False)
    return root
