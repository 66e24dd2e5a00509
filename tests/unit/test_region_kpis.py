"""KPIs per region (courtsim.region_kpis): they add up, conserve cases, and round-trip."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from courtsim import ResultsError, load_result, load_scenario, simulate
from courtsim.cases import PENDING_STAGES
from courtsim.cli import main
from courtsim.region_kpis import ADDITIVE, region_daily
from courtsim.result import REGION_KPIS_FILE

ROOT = Path(__file__).resolve().parents[2]
REGIONS = ROOT / "scenarios" / "kz_regions_2024.yaml"
#: The 20 regions since 8 June 2022 (domain.md §9).
TWENTY = {
    "abai", "akmola", "aktobe", "almaty_oblast", "atyrau", "east_kazakhstan", "zhambyl",
    "zhetysu", "west_kazakhstan", "karaganda", "kostanay", "kyzylorda", "mangystau",
    "pavlodar", "north_kazakhstan", "turkistan", "ulytau", "astana", "almaty_city", "shymkent",
}  # fmt: skip
#: 2023 judge staff of the regions that domain.md §2.3 gives.
STAFF = {
    "almaty_city": 300, "astana": 226, "karaganda": 223, "kostanay": 172, "pavlodar": 156,
    "east_kazakhstan": 141, "aktobe": 129,
}  # fmt: skip
PENDING = [s.name.lower() for s in PENDING_STAGES]


@pytest.fixture(scope="module")
def small():
    """The 20-region scenario at about 1/5 scale, 120 days, with all channels on."""
    sc = load_scenario(REGIONS).with_overrides(
        {
            "judges.count": 189,
            "filings.per_year": 80000,
            "horizon_days": 120,
            "reporting.warmup_days": 30,
        }
    )
    return simulate(sc, seed=3)


def test_scenario_has_the_twenty_regions_with_sourced_judges():
    sc = load_scenario(REGIONS)
    assert set(sc.courts) == TWENTY
    for name, staff in STAFF.items():  # all levels but the Supreme Court: 2,719 - 65
        assert sc.courts[name].judge_share == pytest.approx(staff / 2654, abs=1e-6)
    pop_ratio = {k: c.filing_share / c.judge_share for k, c in sc.courts.items()}
    # Filings follow population, not judges: loads per judge differ by region.
    assert max(pop_ratio.values()) / min(pop_ratio.values()) > 1.5


def test_additive_kpis_add_up_to_the_national_ones(small):
    rk = small.region_kpis
    assert list(rk.index) == list(small.scenario.courts)
    for k in ADDITIVE:
        assert rk[k].sum() == small.kpis[k], k
    assert rk["judges"].sum() == small.manifest["n_judges"]


def test_rebuilt_daily_series_equal_the_recorders_every_day(small):
    n = len(small.daily)
    parts = [region_daily(small.cases[small.cases.court == c], n) for c in small.scenario.courts]
    for col in ("n_pending", "new_filed", "new_arisen", "new_settled_conciliation"):
        total = sum(p[col].to_numpy() for p in parts)
        np.testing.assert_array_equal(total, small.daily[col].to_numpy(), err_msg=col)


def test_cases_are_conserved_in_every_region(small):
    rk, cases = small.region_kpis, small.cases
    # filed = disposed + pending, per region: the window's flows balance its stocks ...
    np.testing.assert_array_equal(
        rk.pending_start + rk.incoming - rk.resolved, rk.pending_end.to_numpy()
    )
    # ... and the pending count from timestamps equals the stage column's, region by region.
    by_stage = cases[cases.stage.isin(PENDING)].groupby("court", observed=False).size()
    np.testing.assert_array_equal(by_stage.reindex(rk.index).to_numpy(), rk.pending_end)
    assert (rk.pending_end > 0).all()
    assert (rk.incoming > 0).all()


def test_national_only_kpis_are_left_out_and_shares_are_fractions(small):
    rk = small.region_kpis
    assert "judge_utilisation" not in rk
    assert "declined_conciliation" not in rk
    assert rk["share_settled"].between(0, 1).all()
    np.testing.assert_allclose(rk.pending_per_judge, rk.pending_end / rk.judges)


def test_region_kpis_are_saved_with_the_manifest_and_loaded(small, tmp_path):
    out = small.save(tmp_path / "run")
    manifest = json.loads((out / "manifest.json").read_text())
    assert REGION_KPIS_FILE in manifest["files"]
    back = load_result(out)
    pd.testing.assert_frame_equal(back.region_kpis, small.region_kpis)
    # A corrupt table is refused, as every other file is.
    (out / REGION_KPIS_FILE).write_bytes(b"not parquet")
    with pytest.raises(ResultsError, match=r"region_kpis\.parquet does not match the checksum"):
        load_result(out)


def test_a_folder_from_before_region_kpis_recomputes_them(small, tmp_path):
    out = small.save(tmp_path / "old")
    (out / REGION_KPIS_FILE).unlink()
    manifest = json.loads((out / "manifest.json").read_text())
    del manifest["files"][REGION_KPIS_FILE]
    (out / "manifest.json").write_text(json.dumps(manifest))
    pd.testing.assert_frame_equal(load_result(out).region_kpis, small.region_kpis)


# ------------------------------------------------------------------ command line
SMALL = ["--set", "judges.count=189", "--set", "filings.per_year=80000", "--days", "60"]
SMALL += ["--warmup", "10"]


def test_cli_unknown_region_is_refused_before_the_run(tmp_path, capsys):
    out = tmp_path / "out"
    code = main(["run", str(REGIONS), *SMALL, "--region", "atlantis", "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 2
    assert "--region" in err
    assert "no region (court) named 'atlantis'" in err
    assert "almaty_city" in err  # names the regions it has
    assert err.count("\n") == 1
    assert not out.exists()


def test_cli_by_region_and_one_region(capsys):
    assert main(["run", str(REGIONS), *SMALL, "--by-region"]) == 0
    table = capsys.readouterr().out.splitlines()
    assert sum(line.split(" ", 1)[0] in TWENTY for line in table) == 20
    assert main(["run", str(REGIONS), *SMALL, "--region", "shymkent", "--format", "json"]) == 0
    one = json.loads(capsys.readouterr().out)
    assert main(["run", str(REGIONS), *SMALL, "--by-region", "--format", "json"]) == 0
    every = json.loads(capsys.readouterr().out)
    assert set(every) == TWENTY
    assert json.dumps(one) == json.dumps(every["shymkent"])  # NaN-safe equality
    assert "judge_utilisation" not in one
