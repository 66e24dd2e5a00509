"""Regional checks (courtsim.calibration.regional_checks): measures, and bad files refused."""

from __future__ import annotations

import datetime as dt

import pytest
import yaml

from courtsim import load_scenario, simulate
from courtsim.calibration.regional_checks import load_regional_checks, regional_checks
from courtsim.calibration.targets import TargetError
from tests.conftest import ROOT, SCENARIOS

CHECKS = ROOT / "data" / "kz_regional_checks.yaml"


@pytest.fixture(scope="module")
def run():
    """kz_regions_2024 at about 1/5 scale, to 2023-10-28; KPI window from 2023-07-31."""
    sc = load_scenario(SCENARIOS / "kz_regions_2024.yaml").with_overrides(
        {"judges.count": 189, "filings.per_year": 80000, "horizon_days": 120}
        | {"reporting.warmup_days": 30}
    )
    return simulate(sc, seed=2)


def _file(tmp_path, **kw):
    check = {
        "id": "c",
        "region": "atyrau",
        "measure": "resolved",
        "compare_over": {"from": "2023-08-01", "to": "2023-10-28"},
        "observed": 100.0,
        "tolerance": 10.0,
        "source": "test",
    } | kw
    check["compare_over"] = {k: dt.date.fromisoformat(v) for k, v in check["compare_over"].items()}
    path = tmp_path / "c.yaml"
    path.write_text(yaml.safe_dump({"checks": [check]}))  # dates unquoted: YAML dates
    return path


def test_shipped_checks_name_regions_of_the_regional_scenario():
    checks = load_regional_checks(CHECKS).checks
    sc = load_scenario(SCENARIOS / "kz_regions_2024.yaml")
    assert {c.region for c in checks} <= set(sc.courts)
    assert {c.region for c in checks} == {"zhambyl", "atyrau", "mangystau"}  # domain.md §2.1


def test_measures_over_the_kpi_window_equal_the_region_kpis(run, tmp_path):
    rk = run.region_kpis.loc["atyrau"]
    window = {"compare_over": {"from": "2023-07-31", "to": "2023-10-28"}}
    rows = {}
    for m in ("resolved", "share_settled", "claims_incl_carry_over"):
        checks = load_regional_checks(_file(tmp_path, measure=m, observed=0.5, **window))
        rows[m] = regional_checks(run, checks, scale=2.0).iloc[0]
    assert rows["resolved"].simulated == 2 * rk.resolved  # counts are scaled
    assert rows["share_settled"].simulated == rk.share_settled  # shares are not
    assert rows["claims_incl_carry_over"].simulated == 2 * (rk.pending_start + rk.incoming)
    share = load_regional_checks(
        _file(tmp_path, measure="share_of_national_resolved", observed=0.05, **window)
    )
    got = regional_checks(run, share).iloc[0].simulated
    assert got == rk.resolved / run.kpis["resolved"]


def test_z_and_within(run, tmp_path):
    row = regional_checks(run, load_regional_checks(_file(tmp_path))).iloc[0]
    assert row.z == (row.simulated - 100.0) / 10.0
    assert row.within == (abs(row.z) <= 1)


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"region": "atlantis"}, "region", "does not have"),
        ({"compare_over": {"from": "2023-07-01", "to": "2023-08-01"}}, "compare_over", "outside"),
    ],
)
def test_checks_that_do_not_fit_the_run_are_refused(run, tmp_path, change, field, message):
    checks = load_regional_checks(_file(tmp_path, **change))
    with pytest.raises(TargetError, match=message) as exc:
        regional_checks(run, checks, source="c.yaml")
    assert exc.value.field == f"checks.c.{field}"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"measure": "speed"}, "is not one of"),
        ({"measure": "share_settled", "observed": 23.0}, "is a share"),
        ({"tolerance": -1.0}, "greater than 0"),
        ({"colour": "red"}, "unknown key"),
    ],
)
def test_bad_checks_files_are_refused(tmp_path, change, message):
    with pytest.raises(TargetError, match=message):
        load_regional_checks(_file(tmp_path, **change))
