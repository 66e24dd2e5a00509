"""Golden regression: a tiny scenario's summary must not move (tests/regression/data)."""

from __future__ import annotations

import json
import math
from typing import Any

import pytest

from tests.regression import update_baseline as golden


def flatten(x: Any, prefix: str = "") -> dict[str, Any]:
    if isinstance(x, dict):
        out: dict[str, Any] = {}
        for k, v in x.items():
            out.update(flatten(v, f"{prefix}{k}."))
        return out
    if isinstance(x, list):
        out = {f"{prefix}len": len(x)}
        for i, v in enumerate(x):
            out.update(flatten(v, f"{prefix}{i}."))
        return out
    return {prefix.rstrip("."): x}


@pytest.fixture(scope="module")
def current() -> dict[str, Any]:
    return golden.summary()


def test_summary_matches_the_golden_file(current):
    assert golden.BASELINE_PATH.is_file(), "run python tests/regression/update_baseline.py"
    expected = flatten(json.loads(golden.BASELINE_PATH.read_text(encoding="utf-8")))
    got = flatten(current)
    # New KPIs may appear (regenerate to cover them); nothing recorded may disappear.
    missing = sorted(set(expected) - set(got))
    assert missing == [], f"no longer produced: {missing}"
    undefined = {k for k, v in expected.items() if v is None}
    assert {
        k for k in expected if got[k] is None or (isinstance(got[k], float) and math.isnan(got[k]))
    } == undefined
    numbers = {k: v for k, v in expected.items() if v is not None}
    assert {k: got[k] for k in numbers} == pytest.approx(numbers, rel=1e-9, abs=1e-12)


def test_golden_scenario_exercises_the_court_core(current):
    # If these fail, the golden scenario no longer tests what it was chosen to test.
    outcomes = current["cases"]["outcomes"]
    for o in ("judgment", "settlement", "withdrawal", "returned"):
        assert outcomes.get(o, 0) > 0, o
    assert current["cases"]["n_appealed"] > 0
    assert current["cases"]["judges_used"][0] == -1  # some cases not yet with a judge
    assert current["kpis"]["window_days"] == 80


def test_update_script_writes_what_the_test_reads(tmp_path, monkeypatch, current):
    target = tmp_path / "data" / "baseline.json"
    monkeypatch.setattr(golden, "BASELINE_PATH", target)
    assert golden.main() == 0
    assert json.loads(target.read_text(encoding="utf-8")) == json.loads(
        json.dumps(current, allow_nan=False)
    )
