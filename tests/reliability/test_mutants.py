"""Generative: every broken input ends in exit 2, one paragraph, no traceback, nothing else changed.

Hypothesis mutates copies of the shipped scenario files, the shipped experiment files
and results folders of three kinds: it deletes a required key, duplicates a key,
gives a key a value of the wrong type, inserts aliases (undefined, recursive, "billion
laughs"), corrupts bytes, or swaps the file for a folder, a FIFO, a looping or broken
link, a link to ``/dev/zero`` or to a copy outside the folder. Each mutant is then given
to the command that reads it. Every mutation is one that no valid input survives, so
anything but exit 2 is a defect.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from courtsim.result import scenario_to_yaml
from courtsim.schema.scenario import load_scenario
from tests.reliability.harness import assert_one_paragraph_error, run_cli, snapshot

SCENARIOS = sorted(p.name for p in (Path(__file__).parents[2] / "scenarios").glob("*.yaml"))
EXPERIMENTS = {
    "compare_pilots.yaml": "compare",
    "conciliation_capacity.yaml": "sweep",
    "sensitivity.yaml": "sensitivity",
}
RESULT_KINDS = ("run", "cmp", "sweep")
BAD_BYTES = (b"\xff", b"\xfe", b"\x80", b"\x00", b"\x07")
SWAPS = ("dir", "fifo", "loop", "broken", "devzero")

_SLOW_OK = settings(
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _paths(data: Any, prefix: tuple = ()) -> list[tuple]:
    """Every key path in nested mappings/lists whose value is not null."""
    out = []
    if isinstance(data, dict):
        items = data.items()
    elif isinstance(data, list):
        items = enumerate(data)
    else:
        return out
    for k, v in items:
        if v is not None:
            out.append((*prefix, k))
            out.extend(_paths(v, (*prefix, k)))
    return out


def _get(data: Any, path: tuple) -> Any:
    for p in path:
        data = data[p]
    return data


def _wrong_type(value: Any) -> Any:
    if isinstance(value, dict | list):
        return "not a section"
    if isinstance(value, str):
        return {"not": "a string"}
    return "abc"  # numbers and booleans


def _swap(path: Path, how: str) -> None:
    path.unlink()
    if how == "dir":
        path.mkdir()
    elif how == "fifo":
        os.mkfifo(path)
    elif how == "loop":
        path.symlink_to(path.name)
    elif how == "broken":
        path.symlink_to("does-not-exist")
    elif how == "devzero":
        path.symlink_to("/dev/zero")


def _text_mutation(path: Path, op: str, pos: int, choice: int) -> None:
    raw = path.read_bytes()
    if op == "bytes":
        at = pos % (len(raw) + 1)
        path.write_bytes(raw[:at] + BAD_BYTES[choice % len(BAD_BYTES)] + raw[at:])
    elif op == "alias":
        text = raw.decode()
        bombs = [
            "\nzz_recursive: &zz [*zz]\n",
            "\nzz_undefined: *nowhere\n",
            "\nl0: &l0 [a,a,a,a,a,a,a,a,a]\n"
            + "".join(f"l{i}: &l{i} [{','.join([f'*l{i - 1}'] * 9)}]\n" for i in range(1, 8)),
        ]
        path.write_text(text + bombs[choice % len(bombs)], encoding="utf-8")
    elif op == "duplicate":
        text = raw.decode()
        if path.suffix == ".json":
            data = json.loads(text)
            key = list(data)[choice % len(data)]
            text = "{" + json.dumps(key) + ": " + json.dumps(data[key]) + "," + text.lstrip()[1:]
        else:
            lines = [ln for ln in text.splitlines() if ln and ln[0].isalpha() and ":" in ln]
            text = text.rstrip("\n") + "\n" + lines[choice % len(lines)] + "\n"
        path.write_text(text, encoding="utf-8")


def _check(root: Path, out: Path, argv: list[Any]) -> None:
    before = snapshot(root, skip=out)
    status, stderr = run_cli(*argv)
    assert_one_paragraph_error(status, stderr)
    assert snapshot(root, skip=out) == before, "a file outside the output folder changed"
    assert not out.exists() or not any(out.iterdir()), "partial output was left"


def _fresh(world: Path) -> Path:
    tmp = Path(tempfile.mkdtemp(prefix="mutant."))
    shutil.copytree(world, tmp / "w", symlinks=True)
    return tmp / "w"


# ------------------------------------------------------------------------ scenario files
_SCENARIO_OPS = st.sampled_from(("delete", "retype", "duplicate", "alias", "bytes", "swap"))


@_SLOW_OK
@given(
    name=st.sampled_from(SCENARIOS),
    op=_SCENARIO_OPS,
    pick=st.integers(0, 10_000),
    choice=st.integers(0, 100),
)
def test_broken_scenario_files_end_in_one_paragraph(world, name, op, pick, choice):
    root = _fresh(world)
    try:
        path = root / "scenarios" / name
        if op in ("delete", "retype"):
            # Key mutations on the merged file (``extends:`` resolved), as courtsim saves it.
            data = yaml.safe_load(scenario_to_yaml(load_scenario(path)))
            if op == "delete":
                types = list(data["case_types"])
                t = types[pick % len(types)]
                required = [("case_types",), ("case_types", t, "share")]
                required.append(("case_types", t, "effort_hours"))
                target = required[choice % len(required)]
                del _get(data, target[:-1])[target[-1]]
            else:
                paths = _paths(data)
                target = paths[pick % len(paths)]
                _get(data, target[:-1])[target[-1]] = _wrong_type(_get(data, target))
            path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
        elif op == "swap":
            _swap(path, SWAPS[choice % len(SWAPS)])
        else:
            _text_mutation(path, op, pick, choice)
        out = root / "out"
        _check(root, out, ["run", path, "--days", 5, "--out", out])
    finally:
        shutil.rmtree(root.parent, ignore_errors=True)


# ------------------------------------------------------------------------ experiment files
@_SLOW_OK
@given(
    name=st.sampled_from(sorted(EXPERIMENTS)),
    op=st.sampled_from(("delete", "retype", "duplicate", "alias", "bytes", "swap")),
    pick=st.integers(0, 10_000),
    choice=st.integers(0, 100),
)
def test_broken_experiment_files_end_in_one_paragraph(world, name, op, pick, choice):
    root = _fresh(world)
    try:
        path = root / "experiments" / name
        if op in ("delete", "retype"):
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
            if op == "delete":
                del data["kind"]  # what makes it an experiment (of its kind)
            else:
                # Retype a top-level key or a key one level below: a leaf under a free-form
                # description (say) may accept any text, so stay in the schema's own keys.
                paths = [p for p in _paths(data) if len(p) <= 2 and p[0] != "description"]
                target = paths[pick % len(paths)]
                _get(data, target[:-1])[target[-1]] = _wrong_type(_get(data, target))
            path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
        elif op == "swap":
            _swap(path, SWAPS[choice % len(SWAPS)])
        else:
            _text_mutation(path, op, pick, choice)
        out = root / "out"
        argv = [EXPERIMENTS[name], path, "--out", out, "--workers", 1, "--no-progress"]
        # A dry run first, so that a mutant wrongly accepted fails the test at once
        # instead of running a whole shipped experiment.
        assert_one_paragraph_error(*run_cli(*argv, "--dry-run"))
        _check(root, out, argv)
    finally:
        shutil.rmtree(root.parent, ignore_errors=True)


# ------------------------------------------------------------------------ results folders
#: Manifest fields readers rely on, with a value of the wrong type or range for each.
_MANIFEST_RETYPES = {
    "files": (None, [], "x", {"daily.parquet": 5}),
    "kind": (5, "not-a-kind", None),
    "seed": ("abc", -1, 1.5),
}


@_SLOW_OK
@given(
    kind=st.sampled_from(RESULT_KINDS),
    op=st.sampled_from(("delete", "retype", "duplicate", "bytes", "swap", "outside")),
    pick=st.integers(0, 10_000),
    choice=st.integers(0, 100),
)
def test_broken_results_folders_end_in_one_paragraph(world, kind, op, pick, choice):
    root = _fresh(world)
    try:
        folder = root / "results" / kind
        manifest = json.loads((folder / "manifest.json").read_text())
        read = sorted(manifest["files"])
        if kind == "sweep":
            read = ["results.parquet"]  # what a sweep's report reads
        names = ["manifest.json", *read]
        name = names[pick % len(names)]
        path = folder / name
        if op == "delete":
            victims = ["files", *(f"files.{n}" for n in read)]
            victim = victims[choice % len(victims)]
            if victim == "files":
                del manifest["files"]
            else:
                del manifest["files"][victim.removeprefix("files.")]
            (folder / "manifest.json").write_text(json.dumps(manifest))
        elif op == "retype":
            key = sorted(_MANIFEST_RETYPES)[pick % len(_MANIFEST_RETYPES)]
            values = _MANIFEST_RETYPES[key]
            manifest[key] = values[choice % len(values)]
            (folder / "manifest.json").write_text(json.dumps(manifest))
        elif op == "duplicate":
            _text_mutation(folder / "manifest.json", "duplicate", pick, choice)
        elif op == "bytes":
            _text_mutation(path, "bytes", pick, choice)
        elif op == "swap":
            _swap(path, SWAPS[choice % len(SWAPS)])
        else:  # the same bytes, but through a link to a copy outside the folder
            outside = root / f"outside-{name}"
            shutil.copy(path, outside)
            path.unlink()
            path.symlink_to(outside)
        out = root / "out"
        _check(root, out, ["report", folder, "--html", out / "report.html"])
    finally:
        shutil.rmtree(root.parent, ignore_errors=True)
