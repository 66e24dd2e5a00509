"""The ``courtsim`` command line, run as a user runs it: in a subprocess.

Bad input of any kind must end with exit status 2 and one paragraph on stderr naming
the file and the field, never a traceback, and never leave an output folder behind
(design.md §4).
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from courtsim import load_result
from tests.conftest import ROOT, SCENARIOS

BASELINE = SCENARIOS / "baseline.yaml"
SHIPPED = sorted(SCENARIOS.rglob("*.yaml"))

GOOD = """\
name: cli_test
horizon_days: 30
judges: {count: 2}
filings: {per_year: 500}
case_types:
  general:
    share: 0.6
    effort_hours: {dist: exponential, mean: 3.0}
  family:
    share: 0.4
    effort_hours: {dist: constant, value: 2.0}
"""


def courtsim(*args: str | Path, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "courtsim.cli", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
    )


def assert_user_error(proc: subprocess.CompletedProcess, *must_name: str) -> str:
    err = proc.stderr
    assert proc.returncode == 2, (proc.returncode, err)
    assert "Traceback" not in err
    assert err.strip(), "no message on stderr"
    # One paragraph: no blank line inside; the message itself is one line that says it
    # is an error (argparse puts its usage lines before it, for option errors).
    assert "\n\n" not in err.strip()
    lines = err.strip().splitlines()
    assert len(lines) <= 6, err
    assert lines[-1].startswith("courtsim"), err
    assert "error: " in lines[-1], err
    assert all(line.startswith(("usage: ", " ")) for line in lines[:-1]), err
    for word in must_name:
        assert word in err, f"{word!r} not named in: {err}"
    return err


def write(path: Path, text: str) -> Path:
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


@pytest.fixture
def out(tmp_path) -> Path:
    return tmp_path / "results"


def assert_nothing_written(out: Path):
    assert not out.exists()
    assert not list(out.parent.glob(f".{out.name}*")), "a partial folder was left behind"


def test_module_entry_point_works():
    proc = courtsim("--help")
    assert proc.returncode == 0
    assert "run" in proc.stdout
    assert "validate" in proc.stdout


def test_good_run_prints_kpis_and_writes_the_folder(out):
    proc = courtsim("run", BASELINE, "--days", "60", "--out", out)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    assert "Clearance rate" in proc.stdout
    assert "Disposition time" in proc.stdout
    assert "60 days" in proc.stdout
    assert f"Saved to {out}" in proc.stdout
    res = load_result(out)
    assert res.scenario.horizon_days == 60
    assert len(res.daily) == 61
    assert res.seed == 1


def test_json_output_is_machine_readable():
    import json

    proc = courtsim("run", BASELINE, "--days", "30", "--format", "json", "--seed", "3")
    assert proc.returncode == 0, proc.stderr
    k = json.loads(proc.stdout)
    assert k["window_days"] == 30.0


def test_same_seed_same_output_across_processes(tmp_path):
    a = courtsim("run", BASELINE, "--days", "30", "--format", "json", "--seed", "5")
    b = courtsim("run", BASELINE, "--days", "30", "--format", "json", "--seed", "5")
    assert a.returncode == b.returncode == 0
    assert a.stdout == b.stdout


def test_validate_all_shipped_scenarios():
    proc = courtsim("validate", *SHIPPED)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.strip().splitlines()
    assert len(lines) == len(SHIPPED)
    for f, line in zip(SHIPPED, lines, strict=True):
        assert line.startswith(f"{f}: ok"), line


def test_validate_reports_each_bad_file_and_fails(tmp_path):
    bad = write(tmp_path / "bad.yaml", GOOD.replace("count: 2", "count: -2"))
    proc = courtsim("validate", BASELINE, bad)
    assert_user_error(proc, str(bad), "judges.count")
    assert f"{BASELINE}: ok" in proc.stdout


# ----------------------------------------------------------------- bad input


def test_missing_file(tmp_path, out):
    missing = tmp_path / "nope.yaml"
    assert_user_error(courtsim("run", missing, "--out", out), str(missing), "file not found")
    assert_nothing_written(out)


def test_invalid_yaml(tmp_path, out):
    f = write(tmp_path / "broken.yaml", GOOD + "judges: [unclosed\n")
    assert_user_error(courtsim("run", f, "--out", out), str(f), "not valid YAML", "line")
    assert_nothing_written(out)


def test_unknown_key(tmp_path, out):
    f = write(tmp_path / "typo.yaml", GOOD.replace("filings:", "filing:"))
    assert_user_error(courtsim("run", f, "--out", out), str(f), "'filing'", "unknown key")
    assert_nothing_written(out)


def test_negative_rate(tmp_path, out):
    f = write(tmp_path / "neg.yaml", GOOD.replace("per_year: 500", "per_year: -500"))
    assert_user_error(courtsim("run", f, "--out", out), str(f), "filings.per_year")
    assert_nothing_written(out)


def test_shares_not_summing_to_one(tmp_path, out):
    f = write(tmp_path / "shares.yaml", GOOD.replace("share: 0.4", "share: 0.3"))
    err = assert_user_error(courtsim("run", f, "--out", out), str(f), "case_types.*.share")
    assert "sum to 1" in err
    assert_nothing_written(out)


def test_horizon_zero_on_the_command_line(out):
    err = assert_user_error(courtsim("run", BASELINE, "--days", "0", "--out", out), "--days")
    assert "at least 1" in err
    assert_nothing_written(out)


def test_horizon_zero_in_the_file(tmp_path, out):
    f = write(tmp_path / "zero.yaml", GOOD.replace("horizon_days: 30", "horizon_days: 0"))
    assert_user_error(courtsim("run", f, "--out", out), str(f), "horizon_days")
    assert_nothing_written(out)


def test_non_numeric_set_value(out):
    proc = courtsim("run", BASELINE, "--set", "judges.count=abc", "--out", out)
    assert_user_error(proc, str(BASELINE), "judges.count", "--set")
    assert_nothing_written(out)


def test_set_without_equals(out):
    proc = courtsim("run", BASELINE, "--set", "judges.count", "--out", out)
    assert_user_error(proc, "--set", "judges.count", "dotted.key=value")
    assert_nothing_written(out)


def test_unknown_set_key(out):
    proc = courtsim("run", BASELINE, "--set", "judges.cuont=5", "--out", out)
    assert_user_error(proc, str(BASELINE), "judges.cuont")
    assert_nothing_written(out)


def test_negative_seed(out):
    assert_user_error(courtsim("run", BASELINE, "--seed", "-1", "--out", out), "--seed")
    assert_nothing_written(out)


def test_out_under_an_existing_file(tmp_path):
    f = tmp_path / "a_file"
    f.write_text("x")
    out = f / "results"
    assert_user_error(courtsim("run", BASELINE, "--days", "10", "--out", out), str(out), "--out")
    assert f.read_text() == "x"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a_file"]


@pytest.mark.parametrize("where", ["/proc", "/sys"])
def test_out_where_no_folder_can_be_made(where):
    # Root ignores permission bits, so a read-only mode would not stop these tests:
    # use file systems that refuse new folders whoever asks.
    out = Path(where) / "courtsim_cli_test"
    err = assert_user_error(courtsim("run", BASELINE, "--days", "10", "--out", out), str(out))
    assert "--out" in err
    assert not out.exists()


def test_existing_non_empty_out_without_overwrite(out):
    out.mkdir()
    (out / "keep.txt").write_text("precious")
    proc = courtsim("run", BASELINE, "--days", "10", "--out", out)
    assert_user_error(proc, str(out), "--out", "--overwrite")
    assert [p.name for p in out.iterdir()] == ["keep.txt"]
    assert (out / "keep.txt").read_text() == "precious"
    assert proc.stdout == ""  # refused before the run, not after it


def test_overwrite_replaces_an_existing_results_folder(out):
    assert courtsim("run", BASELINE, "--days", "5", "--out", out).returncode == 0
    proc = courtsim("run", BASELINE, "--days", "10", "--out", out, "--overwrite")
    assert proc.returncode == 0, proc.stderr
    assert load_result(out).scenario.horizon_days == 10


def test_overwrite_refuses_a_folder_courtsim_did_not_write(out):
    out.mkdir()
    (out / "old.txt").write_text("old")
    proc = courtsim("run", BASELINE, "--days", "10", "--out", out, "--overwrite")
    assert proc.returncode == 2, proc.stderr
    assert "not a courtsim results folder" in proc.stderr
    assert [p.name for p in out.iterdir()] == ["old.txt"]


def test_unknown_command():
    proc = courtsim("fly")
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert "invalid choice" in proc.stderr
