"""courtsim allocate: greedy marginal allocation over regions, on paired replicates."""

import json

import pytest

from courtsim.cli import main
from courtsim.experiment.allocate import allocate, posts_from_budget
from courtsim.experiment.levers import LeverError
from courtsim.experiment.sequential import DecisionError
from courtsim.result import scenario_to_yaml
from tests.decisions.conftest import mmc, two_regions


@pytest.mark.slow
def test_every_post_goes_to_the_congested_region():
    # 'busy' gets 90% of the filings on half the judges (rho 0.81 with 5 judges);
    # 'quiet' gets 10% (rho 0.09): its cases almost never wait, so a judge there helps
    # nothing, while each judge in 'busy' shortens its queue.
    a = allocate(two_regions(0.9, days=150), "judges", 3, "ttd_mean_days", reps=4, workers=1)
    assert a.added == {"busy": 3, "quiet": 0}
    t = a.table().set_index("region")
    assert t.loc["busy", "after"] < t.loc["busy", "before"]


@pytest.mark.slow
def test_equal_regions_split_the_posts_evenly_within_one():
    a = allocate(two_regions(0.5, days=150), "judges", 3, "backlog_cases", reps=4, workers=1)
    assert sorted(a.added.values()) == [1, 2]
    assert [s[1] for s in a.steps][:2] == ["busy", "quiet"]  # tie: fewer posts first


def test_budget_buys_whole_posts():
    assert posts_from_budget(10_500_000, 3_000_000) == 3
    with pytest.raises(DecisionError, match="does not buy one post"):
        posts_from_budget(1_000, 3_000_000)
    with pytest.raises(DecisionError, match="cost-per-post"):
        posts_from_budget(1_000, None)


def test_bad_input_is_refused_before_any_run():
    with pytest.raises(LeverError, match="one court"):
        allocate(mmc(days=60), "judges", 2, "backlog_cases", workers=1)
    with pytest.raises(DecisionError, match="not a KPI"):
        allocate(two_regions(0.5, days=60), "judges", 2, "backlog_casez", workers=1)
    with pytest.raises(LeverError, match="not a staffing lever"):
        allocate(two_regions(0.5, days=60), "judges.count", 2, "backlog_cases", workers=1)


@pytest.mark.slow
def test_command_writes_folder_and_briefing(tmp_path, capsys):
    sc = tmp_path / "two.yaml"
    sc.write_text(scenario_to_yaml(two_regions(0.9, days=100)), encoding="utf-8")
    out, page = tmp_path / "out", tmp_path / "a.html"
    args = ["allocate", str(sc), "--lever", "judges", "--kpi", "ttd_mean_days", "--reps", "3"]
    args += ["--budget-kzt", "7e6", "--cost-per-post-kzt", "3.5e6", "--workers", "1"]
    assert main([*args, "--no-progress", "--out", str(out), "--html", str(page)]) == 0
    text = capsys.readouterr().out
    assert "2 civil judges in the court over 2 regions" in text
    assert "national Time to disposition" in text
    m = json.loads((out / "manifest.json").read_text())
    assert m["kind"] == "allocate"
    assert m["status"] == "complete"
    assert sum(m["answer"]["added"].values()) == 2
    assert "regions.parquet" in m["files"]
    assert "before and after" in page.read_text()


def test_command_bad_kpi_exits_2_and_writes_nothing(tmp_path, capsys):
    sc = tmp_path / "two.yaml"
    sc.write_text(scenario_to_yaml(two_regions(0.9, days=60)), encoding="utf-8")
    out = tmp_path / "out"
    args = ["allocate", str(sc), "--lever", "judges", "--kpi", "wait_time", "--posts", "2"]
    code = main([*args, "--workers", "1", "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 2
    assert "'wait_time' is not a KPI" in err
    assert not out.exists()
