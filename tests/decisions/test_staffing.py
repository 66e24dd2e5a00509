"""courtsim staffing: answers, results folder, resume, levels of 0, and bad input."""

import json

import pandas as pd
import pytest

import courtsim
from courtsim.cli import main
from courtsim.experiment.levers import LeverError, at_level, parse_lever, region_scenario
from courtsim.experiment.sequential import Budget, DecisionError
from courtsim.experiment.target import find_level
from tests.conftest import make_scenario
from tests.decisions.conftest import mmc, two_regions

SMALL_BUDGET = Budget(min_reps=3, step=3, max_reps=6)


@pytest.mark.slow
def test_unreachable_target_is_a_plain_result():
    # Work takes 5 days on average: no number of judges brings the mean time under 1 day.
    r = find_level(
        mmc(days=120), "judges", "ttd_mean_days<=1", (5, 6), budget=SMALL_BUDGET, workers=1
    )
    assert r.status == "not_reachable"
    assert r.answer is None
    assert r.sentence().startswith("Not reachable up to level 6")
    assert r.levels[6].low > 1  # the evidence: the lower bound is above the target
    assert set(r.levels) == {5, 6}


@pytest.mark.slow
def test_bottom_of_the_range_meeting_the_target_is_the_answer():
    r = find_level(
        mmc(days=120), "judges", "ttd_mean_days<=100", (5, 9), budget=SMALL_BUDGET, workers=1
    )
    assert (r.status, r.answer) == ("met", 5)
    assert r.levels[5].n == SMALL_BUDGET.min_reps  # clear at the first look: stopped early
    assert "bottom of the range" in r.sentence()


@pytest.mark.slow
def test_levels_are_paired_on_the_same_replicates():
    r = find_level(
        mmc(days=120), "judges", "ttd_mean_days<=100", (5, 6), budget=SMALL_BUDGET, workers=1
    )
    for level, ev in r.levels.items():
        sc = mmc(days=120, judges=level)
        again = [
            courtsim.simulate(sc, seed=1, replicate=i).kpis["ttd_mean_days"] for i in range(ev.n)
        ]
        assert list(ev.values) == again


def test_level_zero_of_conciliation_closes_the_channel():
    sc = make_scenario(
        horizon_days=60,
        conciliation={"judges_per_court": 2},
        policies=[{"type": "in_court", "start_day": 0, "p_offer": 1.0}],
    )
    closed = at_level(sc, parse_lever("conciliation"), 0)
    assert closed.conciliation.judges_per_court == 0
    assert closed.policies[0].p_offer == 1.0
    res = courtsim.simulate(closed, seed=3)
    assert res.kpis["referred_conciliation"] == 0
    assert courtsim.simulate(sc, seed=3).kpis["referred_conciliation"] > 0


def test_level_zero_of_a_mediator_kind_drops_it_from_the_channels():
    sc = courtsim.load_scenario("scenarios/kz_national_2024.yaml")
    region = region_scenario(sc, "aktobe")
    assert region.judges.count == sc.judges_per_court()["aktobe"]
    none = at_level(region, parse_lever("mediators.public"), 0)
    kinds = [p.mediator_kinds for p in none.policies if hasattr(p, "mediator_kinds")]
    assert kinds
    assert all("public" not in k for k in kinds)


def test_lever_errors_name_the_lever_and_the_court():
    with pytest.raises(LeverError, match="not a staffing lever"):
        parse_lever("judges.hours_per_day")
    with pytest.raises(LeverError, match="--court"):
        find_level(two_regions(0.5), "judges", "ttd_mean_days<=9", (4, 6), workers=1)
    with pytest.raises(LeverError, match="no court 'north'"):
        find_level(two_regions(0.5), "judges", "ttd_mean_days<=9", (4, 6), court="north", workers=1)
    with pytest.raises(DecisionError, match="did you mean ttd_mean_days"):
        find_level(mmc(days=60), "judges", "ttd_mean_dayz<=9", (4, 6), workers=1)


def _staffing(tmp_path, *extra):
    sc = tmp_path / "mmc.yaml"
    if not sc.exists():
        from courtsim.result import scenario_to_yaml

        sc.write_text(scenario_to_yaml(mmc(days=120)), encoding="utf-8")
    return main(
        [
            "staffing",
            str(sc),
            "--lever",
            "judges",
            "--workers",
            "1",
            "--no-progress",
            "--min-reps",
            "3",
            "--step",
            "3",
            "--max-reps",
            "6",
            *extra,
        ]
    )


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--target", "nonsense_kpi<=3", "--levels", "5:7"], "not a KPI"),
        (["--target", "ttd_mean_days<=9", "--levels", "5:7.5"], "not a whole number"),
        (["--target", "ttd_mean_days<=9", "--levels", "7:5"], "low < high"),
        (["--target", "ttd_mean_days<9", "--levels", "5:7"], "not a target"),
        (["--target", "ttd_mean_days<=9", "--levels", "0:7"], "low < high"),
    ],
)
def test_bad_input_exits_2_with_one_paragraph_and_writes_nothing(tmp_path, capsys, args, words):
    out = tmp_path / "out"
    code = _staffing(tmp_path, *args, "--out", str(out), "--html", str(tmp_path / "b.html"))
    err = capsys.readouterr().err
    assert code == 2
    assert words in err
    assert "Traceback" not in err
    assert err.count("\n") == 1
    assert not out.exists()
    assert not (tmp_path / "b.html").exists()


def test_non_integer_lever_is_refused_on_the_command_line(tmp_path, capsys):
    code = _staffing(tmp_path, "--target", "ttd_mean_days<=9", "--lever", "judges.hours_per_day")
    assert code == 2
    assert "integer counts" in capsys.readouterr().err


@pytest.mark.slow
def test_folder_manifest_report_and_resume(tmp_path, capsys):
    out = tmp_path / "out"
    args = ["--target", "ttd_mean_days<=100", "--levels", "5:6", "--out", str(out)]
    assert _staffing(tmp_path, *args, "--html", str(tmp_path / "b.html")) == 0
    text = capsys.readouterr().out
    assert "5 civil judges in court is the smallest level" in text
    m = json.loads((out / "manifest.json").read_text())
    assert m["kind"] == "target"
    assert m["status"] == "complete"
    assert m["answer"]["answer"] == 5
    assert set(m["files"]) == {"results.parquet", "levels.parquet"}
    levels = pd.read_parquet(out / "levels.parquet")
    assert "target" in (tmp_path / "b.html").read_text()
    # Interrupted: one run's file and the tables are gone. --resume runs only that run
    # and ends with the same answer.
    runs = sorted((out / "runs").glob("*.ok.parquet"))
    runs[0].unlink()
    (out / "levels.parquet").unlink()
    m["status"] = "interrupted"
    (out / "manifest.json").write_text(json.dumps(m))
    assert _staffing(tmp_path, *args) == 2  # without --resume: refused, nothing changed
    assert "--resume" in capsys.readouterr().err
    assert _staffing(tmp_path, *args, "--resume") == 0
    pd.testing.assert_frame_equal(pd.read_parquet(out / "levels.parquet"), levels)
    m2 = json.loads((out / "manifest.json").read_text())
    assert m2["status"] == "complete"
    assert len(m2["sessions"]) == 2
    # The report command reads the folder too.
    assert main(["report", str(out), "--html", str(tmp_path / "r.html")]) == 0
    assert "smallest level" in (tmp_path / "r.html").read_text()
    # Another question in the same folder is refused.
    assert (
        _staffing(
            tmp_path,
            "--target",
            "ttd_mean_days<=90",
            "--levels",
            "5:6",
            "--out",
            str(out),
            "--resume",
        )
        == 2
    )


def test_run_budget_ends_the_search_with_its_evidence():
    # Four runs cannot decide both ends (three replicates each): the search stops there.
    budget = Budget(min_reps=3, step=3, max_reps=6, max_runs=4)
    r = find_level(mmc(days=60), "judges", "ttd_mean_days<=9", (5, 6), budget=budget, workers=1)
    assert r.status == "undecided"
    assert r.answer is None
    assert all(e.exhausted for e in r.levels.values())
    assert "run budget (--max-runs 4) is too small" in r.sentence()


@pytest.mark.slow
def test_lang_says_the_answer_and_writes_the_briefing_in_kazakh(tmp_path, capsys):
    args = ["--target", "ttd_mean_days<=100", "--levels", "5:6", "--lang", "kk"]
    assert _staffing(tmp_path, *args, "--html", str(tmp_path / "kk.html")) == 0
    text = capsys.readouterr().out
    assert "smallest level" not in text
    assert "verdict" not in text
    # The answer, said again from the same numbers: level 5, as in English above.
    answer = next(line for line in text.splitlines() if "95%" in line)
    assert answer.startswith("5 (азаматтық істер жөніндегі судьялар)"), answer
    assert "жетеді" in text  # the evidence table's verdicts ("meets")
    assert "<html lang='kk'>" in (tmp_path / "kk.html").read_text()
