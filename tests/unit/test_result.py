"""Results folders (courtsim.result): round trip, overwrite rules, corruption detection."""

from __future__ import annotations

import json
import math
import re

import pandas as pd
import pytest

from courtsim import ResultsError, load_result, simulate
from courtsim.result import REGION_KPIS_FILE, RESULT_FILES
from tests.conftest import make_scenario


@pytest.fixture(scope="module")
def result():
    return simulate(make_scenario(horizon_days=40), seed=4)


def _kpis_equal(a: dict, b: dict) -> bool:
    if a.keys() != b.keys():
        return False
    return all(
        (math.isnan(x) and math.isnan(y)) if isinstance(x, float) and math.isnan(x) else x == y
        for x, y in ((a[k], b[k]) for k in a)
    )


def test_save_load_round_trip_is_equal(result, tmp_path):
    out = result.save(tmp_path / "run")
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [*RESULT_FILES, REGION_KPIS_FILE, "manifest.json"]
    )
    back = load_result(out)
    pd.testing.assert_frame_equal(back.daily, result.daily)
    pd.testing.assert_frame_equal(back.cases, result.cases)
    assert _kpis_equal(back.kpis, result.kpis)
    assert back.scenario == result.scenario
    assert back.scenario.content_hash() == result.manifest["scenario_hash"]
    assert back.seed == result.seed
    assert back.replicate == result.replicate
    for k, v in result.manifest.items():
        assert back.manifest[k] == v, k
    assert set(back.manifest["files"]) == {*RESULT_FILES, REGION_KPIS_FILE}


def test_refuses_to_overwrite_and_leaves_the_folder_alone(result, tmp_path):
    out = tmp_path / "run"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    with pytest.raises(ResultsError, match="already holds files; nothing was written") as exc:
        result.save(out)
    assert exc.value.field == "--out"
    assert [p.name for p in out.iterdir()] == ["notes.txt"]
    assert (out / "notes.txt").read_text() == "mine"
    # No temporary folder is left next to it either.
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run"]


def test_an_existing_empty_folder_is_fine(result, tmp_path):
    out = tmp_path / "run"
    out.mkdir()
    result.save(out)
    load_result(out)


def test_overwrite_replaces_a_results_folder_whole(result, tmp_path):
    out = tmp_path / "run"
    result.save(out)
    (out / "kpis.json").write_text("{}")  # a file courtsim wrote, now stale
    result.save(out, overwrite=True)
    load_result(out)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run"]


def test_overwrite_never_deletes_a_file_courtsim_did_not_write(result, tmp_path):
    out = tmp_path / "run"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    with pytest.raises(ResultsError, match="not a courtsim results folder"):
        result.save(out, overwrite=True)
    result.save(tmp_path / "ok")
    (tmp_path / "ok" / "notes.txt").write_text("mine")
    with pytest.raises(ResultsError, match=r"did not write \(notes.txt\)"):
        result.save(tmp_path / "ok", overwrite=True)
    assert (out / "notes.txt").read_text() == "mine"
    assert (tmp_path / "ok" / "notes.txt").read_text() == "mine"


def test_out_that_is_a_file_is_refused(result, tmp_path):
    f = tmp_path / "file"
    f.write_text("x")
    with pytest.raises(ResultsError, match="is a file"):
        result.save(f, overwrite=True)
    assert f.read_text() == "x"


def test_out_under_a_file_is_refused(result, tmp_path):
    f = tmp_path / "file"
    f.write_text("x")
    with pytest.raises(ResultsError, match="cannot write here"):
        result.save(f / "sub" / "run")


def test_nested_out_is_created(result, tmp_path):
    out = result.save(tmp_path / "a" / "b" / "run")
    load_result(out)


@pytest.fixture
def saved(result, tmp_path):
    return result.save(tmp_path / "run")


@pytest.mark.parametrize("name", [*RESULT_FILES, REGION_KPIS_FILE])
def test_missing_file_is_reported(saved, name):
    (saved / name).unlink()
    with pytest.raises(
        ResultsError, match=rf"{re.escape(name)} is missing from the results folder"
    ):
        load_result(saved)


def test_missing_manifest_is_reported(saved):
    (saved / "manifest.json").unlink()
    with pytest.raises(ResultsError, match=r"manifest\.json is missing"):
        load_result(saved)


def test_bad_manifest_json_is_reported(saved):
    (saved / "manifest.json").write_text("{not json")
    with pytest.raises(ResultsError, match=r"manifest\.json is not valid JSON") as exc:
        load_result(saved)
    assert "manifest.json" in exc.value.source


def test_manifest_that_is_not_an_object_is_reported(saved):
    (saved / "manifest.json").write_text("[1, 2]")
    with pytest.raises(ResultsError, match="does not hold a mapping"):
        load_result(saved)


def test_modified_parquet_is_detected(saved, result):
    # A valid Parquet file with different content: only the checksum can tell.
    changed = result.daily.copy()
    changed.loc[changed.index[-1], "n_pending"] += 1
    changed.to_parquet(saved / "daily.parquet")
    with pytest.raises(ResultsError, match=r"daily\.parquet does not match the checksum") as exc:
        load_result(saved)
    assert str(exc.value.source).endswith("daily.parquet")


def test_truncated_parquet_is_detected(saved):
    p = saved / "cases.parquet"
    p.write_bytes(p.read_bytes()[:100])
    with pytest.raises(ResultsError, match=r"cases\.parquet does not match the checksum"):
        load_result(saved)


def test_edited_kpis_are_detected(saved):
    k = json.loads((saved / "kpis.json").read_text())
    k["clearance_rate"] = 100.0
    (saved / "kpis.json").write_text(json.dumps(k))
    with pytest.raises(ResultsError, match=r"kpis\.json does not match"):
        load_result(saved)


def test_missing_folder(tmp_path):
    with pytest.raises(ResultsError, match="no such results folder"):
        load_result(tmp_path / "absent")


def test_error_message_is_one_paragraph_naming_the_file(saved):
    (saved / "manifest.json").write_text("{")
    with pytest.raises(ResultsError) as exc:
        load_result(saved)
    msg = str(exc.value)
    assert "\n" not in msg
    assert str(saved) in msg


@pytest.mark.parametrize("where", ["/proc", "/sys"])
def test_out_on_a_file_system_that_refuses_folders(result, where):
    # Tests run as root, for whom permission bits never refuse: /proc and /sys still do.
    out = f"{where}/courtsim-test-out"
    with pytest.raises(ResultsError, match="cannot write here"):
        result.save(out)


def test_write_failure_midway_leaves_nothing(result, tmp_path, monkeypatch):
    def full_disk(self, *args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(pd.DataFrame, "to_parquet", full_disk)
    with pytest.raises(ResultsError, match="No space left on device"):
        result.save(tmp_path / "run")
    assert list(tmp_path.iterdir()) == []
