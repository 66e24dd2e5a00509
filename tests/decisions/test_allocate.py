"""courtsim allocate: greedy marginal allocation over regions, on paired replicates."""

import json

import numpy as np
import pandas as pd
import pytest

from courtsim.cli import main
from courtsim.experiment.allocate import _ahead, allocate, posts_from_budget
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


@pytest.mark.slow
def test_running_levels_ahead_changes_when_runs_are_made_not_the_answer():
    # Three posts over two unequal regions: without look-ahead every post waits for its
    # round; running two levels ahead answers the same, in fewer rounds, with the runs
    # it needed among those it made.
    sc = two_regions(0.7, days=100)
    plain = allocate(sc, "judges", 3, "backlog_cases", reps=3, workers=1, lookahead=0)
    ahead = allocate(sc, "judges", 3, "backlog_cases", reps=3, workers=1, lookahead=2)
    assert ahead.steps == plain.steps
    pd.testing.assert_frame_equal(ahead.table(), plain.table(), check_exact=True)
    assert plain.rounds == 3  # the first round (two levels a region), then posts 1 and 2
    assert ahead.rounds < plain.rounds
    for g in plain.regions:
        for k, v in plain.values[g].items():
            np.testing.assert_array_equal(ahead.values[g][k], v)


def test_look_ahead_proposes_the_levels_the_next_posts_need_first():
    level = {"a": 3, "b": 5, "c": 2}
    known = {"a": 3, "b": 6, "c": 3}  # 'a' was just given a post: its level 4 runs anyway
    gains = {"a": 9.0, "b": 4.0, "c": 7.0}
    got = _ahead(level, known, gains, "a", posts_left=3, n=5)
    # Each region's next level, all one win away: larger last gain first.
    assert got == [("a", 5), ("c", 4), ("b", 7)]
    assert _ahead(level, known, gains, "a", posts_left=1, n=5) == []  # no post left to use it
    assert _ahead(level, known, gains, "a", posts_left=3, n=0) == []


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
