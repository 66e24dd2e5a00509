import json

import numpy as np
import pandas as pd
import pytest

import courtsim
from courtsim.cli import main
from tests.conftest import make_scenario
from tests.experiments.conftest import SMALL


@pytest.fixture(scope="module")
def small():
    return make_scenario(**SMALL)


def test_scenario_against_itself_gives_exactly_zero_differences(small):
    cmp = courtsim.compare(small, [small], reps=5, seed=2, workers=1)
    t = cmp.table
    assert set(t["scenario"]) == {"tiny_2"}
    defined = t.dropna(subset=["diff_mean"])
    assert len(defined) > 20
    for col in ("diff_mean", "diff_ci_low", "diff_ci_high"):
        assert (defined[col] == 0.0).all(), col
    rel = defined.dropna(subset=["rel_diff_mean"])
    assert (rel[["rel_diff_mean", "rel_ci_low", "rel_ci_high"]] == 0.0).all().all()
    assert all("unchanged" in s for s in defined["sentence"])


def test_more_judges_lower_the_pending_caseload_pairwise(small):
    more = small.with_overrides({"judges.count": 6})
    cmp = courtsim.compare(small, {"Six judges": more}, reps=4, seed=2, workers=1)
    assert list(cmp.table.columns) == [
        "scenario", "metric", "baseline_mean", "scenario_mean", "diff_mean", "diff_ci_low",
        "diff_ci_high", "rel_diff_mean", "rel_ci_low", "rel_ci_high", "sentence",
    ]  # fmt: skip
    row = cmp.table.set_index("metric").loc["pending_end"]
    assert row["diff_ci_high"] < 0
    assert row["sentence"].startswith("Six judges lowers pending cases at the end of the run by")
    # Common random numbers: both arms see the same filings in every replicate.
    k = cmp.kpis[cmp.kpis["metric"] == "incoming"].pivot(
        index="replicate", columns="scenario", values="value"
    )
    np.testing.assert_array_equal(k["tiny"], k["Six judges"])
    assert set(cmp.daily_summary["scenario"]) == {"tiny", "Six judges"}


def test_compare_cli_prints_a_table_and_saves(scenario_file, tmp_path, capsys):
    base = scenario_file("base")
    other = scenario_file("more_judges", judges={"count": 6})
    out = tmp_path / "cmp"
    argv = [
        "compare", str(base), str(other), "--reps", "3", "--workers", "1", "--out", str(out),
        "--kpis", "pending_end,clearance_rate", "--no-progress",
    ]  # fmt: skip
    assert main(argv) == 0
    text = capsys.readouterr().out
    assert "more_judges vs base" in text
    assert "Scenario 'more_judges' lowers pending cases" in text
    names = sorted(p.name for p in out.iterdir())
    assert names == [
        "comparison.parquet", "daily_summary.parquet", "kpis.parquet", "manifest.json",
        "summary.parquet",
    ]  # fmt: skip
    m = json.loads((out / "manifest.json").read_text())
    assert (m["kind"], m["reps"], m["seed"]) == ("compare", 3, 1)
    assert [s["label"] for s in m["scenarios"]] == ["base", "more_judges"]
    assert all(len(s["hash"]) == 64 for s in m["scenarios"])
    table = pd.read_parquet(out / "comparison.parquet")
    assert set(table["metric"]) == {"pending_end", "clearance_rate"}


def test_compare_cli_reads_a_compare_experiment(scenario_file, experiment_file, capsys):
    base = scenario_file("base")
    other = scenario_file("more_judges", judges={"count": 6})
    exp = experiment_file(
        {
            "kind": "compare",
            "name": "judges",
            "baseline": base.name,
            "scenarios": [{"file": other.name, "label": "Six judges"}],
            "set": {"horizon_days": 30},
            "replications": 2,
            "kpis": ["pending_end"],
        }
    )
    assert main(["compare", str(exp), "--workers", "1", "--no-progress"]) == 0
    text = capsys.readouterr().out
    assert "Six judges lowers pending cases" in text
    assert "2 paired replicates" in text


def test_compare_cli_bad_input_exits_2_and_writes_nothing(scenario_file, tmp_path, capsys):
    base = scenario_file("base")
    out = tmp_path / "cmp"
    assert main(["compare", str(base), "--out", str(out)]) == 2
    assert "name at least one scenario" in capsys.readouterr().err
    assert main(["compare", str(base), str(tmp_path / "nope.yaml"), "--out", str(out)]) == 2
    assert "nope.yaml: file not found" in capsys.readouterr().err
    assert main(["compare", str(base), str(base), "--kpis", "pending", "--out", str(out)]) == 2
    assert "unknown KPI 'pending'" in capsys.readouterr().err
    argv = ["--scheduler", "tcp://127.0.0.1:9", "--connect-timeout", "1", "--out", str(out)]
    assert main(["compare", str(base), str(base), *argv]) == 2
    assert (
        "cannot reach a Dask scheduler at tcp://127.0.0.1:9 within 1 s" in capsys.readouterr().err
    )
    assert not out.exists()
