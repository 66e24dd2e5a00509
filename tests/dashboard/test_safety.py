import base64

import pytest

from courtsim import load_scenario
from courtsim.dashboard.safety import (
    Limits,
    RunLimitError,
    UnsafeInputError,
    check_run_budget,
    parse_scenario_upload,
    resolve_under,
)
from courtsim.errors import ScenarioError
from tests.conftest import SCENARIOS, make_scenario


def payload(text: str | bytes) -> str:
    raw = text.encode() if isinstance(text, str) else text
    return "data:application/x-yaml;base64," + base64.b64encode(raw).decode()


@pytest.mark.parametrize(
    "bad",
    [
        "../../etc/passwd",
        "/etc/passwd",
        "run1/../../..",
        "..",
        "a/../../b",
        "",
        "  ",
        "C:\\x",
        "a\x00b",
    ],
)
def test_paths_that_leave_the_results_folder_are_refused(tmp_path, bad):
    with pytest.raises(UnsafeInputError):
        resolve_under(tmp_path, bad)


def test_a_symlink_pointing_outside_is_refused(tmp_path):
    root = tmp_path / "results"
    root.mkdir()
    (root / "escape").symlink_to("/etc")
    with pytest.raises(UnsafeInputError, match="outside the results folder"):
        resolve_under(root, "escape/passwd")


def test_paths_inside_are_resolved(tmp_path):
    (tmp_path / "a" / "b").mkdir(parents=True)
    assert resolve_under(tmp_path, "a/b") == (tmp_path / "a" / "b").resolve()
    assert resolve_under(tmp_path, "a/../a/b/") == (tmp_path / "a" / "b").resolve()
    assert resolve_under(tmp_path, ".") == tmp_path.resolve()


def test_a_shipped_scenario_uploads_like_it_loads():
    path = SCENARIOS / "validation" / "mmc.yaml"
    sc = parse_scenario_upload(payload(path.read_text()), "mmc.yaml")
    assert sc == load_scenario(path)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("name: [unclosed", "not valid YAML at line 1"),
        ("- a list\n- not a mapping", "must be a mapping"),
        ("name: x\njudgs: {count: 3}", "'judgs': unknown key"),
        ("a: &x [1, 2]\nb: *x", "aliases"),
        ("extends: baseline.yaml", "cannot use 'extends:'"),
        (b"\xff\xfe\x00bad", "not a UTF-8 text file"),
    ],
)
def test_malformed_uploads_get_the_cli_messages(text, message):
    with pytest.raises(ScenarioError, match=message) as info:
        parse_scenario_upload(payload(text), "mine.yaml")
    assert str(info.value).startswith("mine.yaml")


def test_oversized_and_garbled_uploads_are_refused_before_parsing():
    big = "name: x\n" + "# padding\n" * 10_000
    with pytest.raises(UnsafeInputError, match="larger than 64 KB"):
        parse_scenario_upload(payload(big), "big.yaml")
    with pytest.raises(UnsafeInputError, match="larger than 1 KB"):
        parse_scenario_upload(payload("x" * 1500), "b.yaml", Limits(max_upload_bytes=1024))
    with pytest.raises(UnsafeInputError, match="not received as a file"):
        parse_scenario_upload("hello", "c.yaml")
    with pytest.raises(UnsafeInputError, match="not valid base64"):
        parse_scenario_upload("data:text/yaml;base64,@@@@", "d.yaml")


def test_run_budget():
    sc = make_scenario()  # 60 days, 1,200 claims a year
    check_run_budget([sc, sc], 20)
    with pytest.raises(RunLimitError, match="between 1 and 20"):
        check_run_budget([sc], 21)
    with pytest.raises(RunLimitError, match="simulated days"):
        check_run_budget([sc], 10, Limits(max_scenario_days=500))
    big = make_scenario(filings={"per_year": 400_000}, horizon_days=365)
    with pytest.raises(RunLimitError, match=r"about 4,0[\d,]+ cases over its replications"):
        check_run_budget([big], 10)
