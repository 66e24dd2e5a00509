import math
import re

from courtsim import simulate
from tests.conftest import ROOT, make_scenario

DOC = ROOT / "docs" / "kpis.md"


def _documented_keys() -> set[str]:
    text = DOC.read_text(encoding="utf-8")
    return set(re.findall(r"`([a-z][a-z0-9_]*)`", text))


def test_every_kpi_of_a_run_is_documented():
    kpis = simulate(make_scenario(), seed=1).kpis
    missing = sorted(set(kpis) - _documented_keys())
    assert not missing, f"add these KPIs to docs/kpis.md (one row each): {missing}"


def test_every_bargaining_kpi_is_documented():
    no_hazard = {"settle_hazard_per_month": 0.0, "p_uncontested": 0.3}
    sc = make_scenario(
        bargaining={"enabled": True}, case_types={"general": no_hazard, "alimony": no_hazard}
    )
    kpis = simulate(sc, seed=1).kpis
    assert "settlement_to_claim_ratio" in kpis
    missing = sorted(set(kpis) - _documented_keys())
    assert not missing, f"add these KPIs to docs/kpis.md (one row each): {missing}"


def test_documented_window_identity_holds():
    # docs/kpis.md states pending_end = pending_start + incoming - resolved.
    k = simulate(make_scenario(reporting={"warmup_days": 20}), seed=2).kpis
    assert k["pending_end"] == k["pending_start"] + k["incoming"] - k["resolved"]
    assert k["window_days"] == 40
    assert math.isclose(k["disposition_time_days"], 40 * k["pending_end"] / k["resolved"])
