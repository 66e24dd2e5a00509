import re

from courtsim import simulate
from tests.conftest import ROOT, make_scenario

DOC = ROOT / "docs" / "kpis.md"


def _documented_keys() -> set[str]:
    text = DOC.read_text(encoding="utf-8")
    return set(re.findall(r"`([a-z][a-z0-9_]*)`", text))


def test_every_kpi_of_a_run_is_documented():
    kpis = simulate(make_scenario(), seed=1).kpis
    assert "settlement_to_claim_ratio" in kpis  # the bargaining KPIs are there
    missing = sorted(set(kpis) - _documented_keys())
    assert not missing, f"add these KPIs to docs/kpis.md (one row each): {missing}"
