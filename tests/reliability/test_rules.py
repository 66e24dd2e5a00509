"""One test per rule of issue 14: overwrite, loader, --set, integrity, resource estimate."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil

import pandas as pd
import pytest

from courtsim.errors import CourtsimError, ResultsError, ScenarioError
from courtsim.loading import MAX_NODES, parse_yaml
from courtsim.resources import check_fits, estimate
from courtsim.result import load_result
from courtsim.schema.scenario import load_scenario
from tests.conftest import make_scenario
from tests.reliability.conftest import REPO
from tests.reliability.harness import assert_one_paragraph_error, run_cli, snapshot

BASELINE = REPO / "scenarios" / "baseline.yaml"


# ------------------------------------------------------------------ 1. marker-based overwrite
def test_overwrite_replaces_only_a_folder_courtsim_wrote(tmp_path):
    s = tmp_path / "s"
    s.mkdir()
    shutil.copy(BASELINE, s / "my_scenario.yaml")
    (s / "notes.txt").write_text("mine")
    before = snapshot(tmp_path)
    assert_one_paragraph_error(
        *run_cli("run", s / "my_scenario.yaml", "--days", 5, "--out", s, "--overwrite")
    )
    assert snapshot(tmp_path) == before
    out = tmp_path / "r"
    assert run_cli("run", BASELINE, "--days", 5, "--out", out)[0] == 0
    assert run_cli("run", BASELINE, "--days", 6, "--out", out, "--overwrite")[0] == 0
    assert load_result(out).scenario.horizon_days == 6


def test_empty_out_is_refused():
    assert_argparse_error(*run_cli("run", BASELINE, "--out", ""))


def assert_argparse_error(status, stderr):
    assert status == 2
    assert "Traceback" not in stderr
    assert "error: argument --out" in stderr


def test_report_never_lands_in_a_results_folder_nor_on_another_file(world, tmp_path):
    run = world / "results" / "run"
    notes = tmp_path / "notes.txt"
    notes.write_text("mine")
    fake = tmp_path / "notes.html"
    fake.write_text("<p>my own page</p>")
    before = snapshot(world)
    for target in (notes, fake, run / "kpis.json", run / "report.html"):
        assert_one_paragraph_error(*run_cli("report", run, "--html", target))
    assert notes.read_text() == "mine"
    assert fake.read_text() == "<p>my own page</p>"
    assert snapshot(world) == before
    report = tmp_path / "r.html"
    assert run_cli("report", run, "--html", report)[0] == 0
    assert run_cli("report", run, "--html", report)[0] == 0  # an earlier report: replaced


# ------------------------------------------------------------------ 2. one loader
@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("a: &a [*a]\n", "recursive alias"),
        ("a: 1\na: 2\n", "duplicate key 'a'"),
        ("d: 2024-02-30\n", "not a valid date"),
        ("d: 2024-01-01 25:00:00\n", "not a valid date"),
        ("a: " + "[" * 60 + "]" * 60 + "\n", "nested more than"),
        ("a: *nowhere\n", "undefined alias"),
    ],
)
def test_the_loader_refuses_what_yaml_alone_would_accept_or_crash_on(text, match):
    with pytest.raises(ScenarioError, match=match):
        parse_yaml(text, "x.yaml")


def test_billion_laughs_is_refused_quickly():
    text = "l0: &l0 [a,a,a,a,a,a,a,a,a]\n" + "".join(
        f"l{i}: &l{i} [{','.join([f'*l{i - 1}'] * 9)}]\n" for i in range(1, 10)
    )
    with pytest.raises(ScenarioError, match=f"more than {MAX_NODES:,} values"):
        parse_yaml(text, "x.yaml")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_what_is_not_a_file_is_reported_as_what_it_is(tmp_path):
    os.mkfifo(tmp_path / "fifo.yaml")
    (tmp_path / "dir.yaml").mkdir()
    (tmp_path / "loop.yaml").symlink_to("loop.yaml")
    cases = {
        "fifo.yaml": "named pipe",
        "dir.yaml": "is a folder",
        "loop.yaml": "symbolic link loop",
        "x" * 300 + ".yaml": "too long",
    }
    for name, what in cases.items():
        with pytest.raises(ScenarioError, match=what):
            load_scenario(tmp_path / name)
    with pytest.raises(ScenarioError, match="is a device"):
        load_scenario("/dev/zero")


def test_extends_chains_are_bounded(tmp_path):
    for i in range(40):
        (tmp_path / f"c{i}.yaml").write_text(f"extends: c{i + 1}.yaml\n")
    (tmp_path / "c40.yaml").write_text("name: x\n")
    with pytest.raises(ScenarioError, match="chains more than"):
        load_scenario(tmp_path / "c0.yaml")


@pytest.mark.parametrize(
    ("sets", "match"),
    [
        (["start_date=9999-06-01"], "past the year 9999"),
        (["start_date=0001-01-01"], "before 1900"),
        (["case_types.family.time_limit_days=1e21"], "days accepted for any duration"),
    ],
)
def test_dates_and_durations_no_calendar_holds_are_refused(sets, match):
    args = [a for s in sets for a in ("--set", s)]
    status, err = run_cli("run", BASELINE, "--days", 5, *args)
    assert_one_paragraph_error(status, err)
    assert match in err


def test_long_values_are_elided_into_one_paragraph():
    status, err = run_cli("run", BASELINE, "--set", "name=[" + "1," * 20_000 + "1]")
    assert_one_paragraph_error(status, err)


# ------------------------------------------------------------------ 3. --set merges
def test_a_partial_section_on_the_command_line_merges():
    sc = load_scenario(BASELINE)
    merged = sc.with_overrides({"initial_pending": {"share_in_preparation": 0.5}})
    assert merged.initial_pending.share_in_preparation == 0.5
    assert merged.initial_pending.per_judge == sc.initial_pending.per_judge
    assert sc.initial_pending.per_judge > 0  # the test means something only if it was set


def test_a_mapping_of_named_entries_given_whole_still_replaces():
    sc = make_scenario()
    two = {
        "a": {"judge_share": 0.5, "filing_share": 0.5},
        "b": {"judge_share": 0.5, "filing_share": 0.5},
    }
    assert list(sc.with_overrides({"courts": two}).courts) == ["a", "b"]


# ------------------------------------------------------------------ 4. integrity
def test_a_tampered_comparison_is_not_reported(world, tmp_path):
    cmp = tmp_path / "cmp"
    shutil.copytree(world / "results" / "cmp", cmp)
    table = pd.read_parquet(cmp / "comparison.parquet")
    table = table.iloc[::-1].reset_index(drop=True)  # the rows of other KPIs
    table.to_parquet(cmp / "comparison.parquet", index=False)  # valid Parquet, other data
    status, err = run_cli("report", cmp, "--html", tmp_path / "r.html")
    assert_one_paragraph_error(status, err)
    assert "checksum" in err
    from courtsim.dashboard.folders import load_folder

    with pytest.raises(ResultsError, match="checksum"):
        load_folder(cmp)


@pytest.mark.parametrize(("key", "value"), [("files", None), ("seed", "abc")])
def test_manifests_are_read_by_schema(world, tmp_path, key, value):
    run = tmp_path / "run"
    shutil.copytree(world / "results" / "run", run)
    m = json.loads((run / "manifest.json").read_text())
    m[key] = value
    (run / "manifest.json").write_text(json.dumps(m))
    with pytest.raises(ResultsError, match=f"'{key}'"):
        load_result(run)


def test_a_corrupt_run_record_is_set_aside_and_rerun(world, tmp_path):
    from courtsim.experiment import sweep

    out = tmp_path / "sweep"
    shutil.copytree(world / "results" / "sweep", out)
    shutil.copy(world / "tiny_sweep.yaml", tmp_path / "tiny_sweep.yaml")
    shutil.copy(world / "tiny.yaml", tmp_path / "tiny.yaml")
    full = pd.read_parquet(out / "results.parquet")
    victim = sorted((out / "runs").glob("*.ok.parquet"))[0]
    victim.write_bytes(b"not parquet")
    again = sweep(tmp_path / "tiny_sweep.yaml", out, workers=1, progress=False, resume=True)
    assert again.manifest["sessions"][-1]["set_aside"] == [victim.name.removesuffix(".ok.parquet")]
    assert (out / "runs" / f"{victim.name}.corrupt").read_bytes() == b"not parquet"
    pd.testing.assert_frame_equal(again.results, full)


# ------------------------------------------------------------------ resource estimate
def test_the_estimate_counts_every_lever():
    base = make_scenario(horizon_days=30)
    e0 = estimate(base)
    for change in (
        {"judges": {"count": 20_000}},
        {"initial_pending": {"per_judge": 100_000}},
        {"filings": {"schedule": [{"from": dt.date(2024, 1, 1), "per_year": 2e7}]}},
    ):
        assert estimate(make_scenario(horizon_days=30, **change)).bytes > 50 * e0.bytes


def test_the_estimate_refuses_before_allocation():
    big = make_scenario(judges={"count": 100_000}, initial_pending={"per_judge": 40})
    with pytest.raises(CourtsimError, match=r"about 4,000,\d+ cases .* GB"):
        check_fits(big, available=1e9)
    check_fits(make_scenario(), available=1e9)


def test_the_dashboard_cap_uses_the_same_estimate():
    from courtsim.dashboard.safety import RunLimitError, check_run_budget

    lever = make_scenario(
        horizon_days=30, judges={"count": 20}, initial_pending={"per_judge": 100_000}
    )
    with pytest.raises(RunLimitError, match="pending on day 0"):
        check_run_budget([lever], 1)


# ------------------------------------------------------------------ 5. dashboard messages
def test_page_messages_show_no_server_paths(tmp_path):
    from types import SimpleNamespace

    from courtsim.dashboard.handlers import public_text

    ctx = SimpleNamespace(results_root=tmp_path)
    text = f"{tmp_path}/experiments/cmp: comparison.parquet changed; see /etc/courtsim/x.yaml"
    shown = public_text(text, ctx)
    assert shown == "results/experiments/cmp: comparison.parquet changed; see x.yaml"
    assert str(tmp_path) not in shown


def test_dashboard_workers_must_not_be_negative():
    status, err = run_cli("dashboard", "--workers", "-3")
    assert status == 2
    assert "negative" in err
