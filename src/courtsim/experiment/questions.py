"""The results folder of a decision question (target search, allocation): open, resume, finish.

Layout of ``DIR``, like every experiment's (:mod:`courtsim.experiment.store`)::

    manifest.json        the question, its hash, seed, budget, versions, sessions, answer
    runs/<key>.ok.parquet    one file per finished run (key: scenario hash, seed, replicate)
    results.parquet      every run's KPIs (written at the end)
    <table>.parquet      the question's own tables (levels, regions), written at the end

A question restarted with ``resume`` in the same folder must be the same question (same
hash); it reuses the finished runs and runs only the rest.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd

from courtsim.errors import ResultsError
from courtsim.experiment.provenance import now_utc, sha256_file, versions
from courtsim.experiment.store import RunStore, atomic_write_parquet
from courtsim.result import check_output_dir


def question_hash(question: dict[str, Any]) -> str:
    """Return the sha256 of a question's canonical JSON.

    Args:
        question: What identifies the question (scenario hash, lever, target, budget, seed).

    Returns:
        Hex digest.
    """
    blob = json.dumps(question, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def check_folder(out: Path, kind: str, question: dict[str, Any], resume: bool) -> None:
    """Fail before any run if ``out`` cannot hold this question.

    Args:
        out: The folder.
        kind: ``target`` or ``allocate``.
        question: The question.
        resume: Whether ``--resume`` was given.

    Raises:
        ResultsError: The folder holds other files, another question, or (without
            ``resume``) an earlier run of this one.
    """
    if not resume or not out.is_dir() or not any(out.iterdir()):
        if out.is_dir() and (out / "manifest.json").is_file():
            raise ResultsError(
                "the folder already holds an experiment; nothing was written. Add --resume "
                "to continue it, or choose another --out",
                source=str(out),
                field="--out",
            )
        check_output_dir(out)
        return
    manifest = RunStore(out).read_manifest()
    if manifest is None or manifest.get("kind") != kind:
        what = "no manifest.json" if manifest is None else f"a '{manifest.get('kind')}' experiment"
        raise ResultsError(
            f"--resume: the folder holds {what}, not a '{kind}' question; choose another --out",
            source=str(out),
            field="--out",
        )
    if manifest.get("question_hash") != question_hash(question):
        raise ResultsError(
            "--resume: the folder holds another question (scenario, lever, target, budget or "
            "seed differ, or the scenario file has changed); nothing was written. Start it "
            "in a new --out folder",
            source=str(out),
            field="--out",
        )


@contextlib.contextmanager
def session(
    out: Path | None, kind: str, question: dict[str, Any], executor: dict[str, Any]
) -> Iterator[tuple[RunStore | None, dict[str, Any]]]:
    """Hold the folder for one session: lock it, record the session, mark interruptions.

    Call :func:`check_folder` first. Without a folder, yields ``(None, manifest)``.

    Args:
        out: The folder, or None to keep nothing on disk.
        kind: ``target`` or ``allocate``.
        question: The question.
        executor: What runs the runs (``Executor.describe()``).

    Yields:
        The run store (or None) and the manifest, to complete with :func:`finish`.
    """
    started = now_utc()
    if out is None:
        yield None, {"kind": kind, "question": question, "started_utc": started}
        return
    store = RunStore(out)
    store.create()
    with store.locked():
        store.clean_temporary()
        manifest = store.read_manifest() or {
            "kind": kind,
            "question": question,
            "question_hash": question_hash(question),
            "started_utc": started,
            "versions": versions(),
        }
        manifest["status"] = "running"
        sess = {"started_utc": started, "executor": executor}
        manifest.setdefault("sessions", []).append(sess)
        store.write_manifest(manifest)
        try:
            yield store, manifest
        except BaseException:
            sess["finished_utc"] = now_utc()
            manifest["status"] = "interrupted"
            store.write_manifest(manifest)
            raise
        sess["finished_utc"] = now_utc()


def finish(
    store: RunStore | None, manifest: dict[str, Any], tables: dict[str, pd.DataFrame], answer: dict
) -> None:
    """Write the question's tables and its completed manifest.

    Args:
        store: The run store (None: nothing is written).
        manifest: The session's manifest.
        tables: File stem -> frame, e.g. ``{"results": ..., "levels": ...}``.
        answer: The answer, for the manifest.
    """
    manifest |= {"status": "complete", "finished_utc": now_utc(), "answer": answer}
    if store is None:
        return
    for stem, df in tables.items():
        atomic_write_parquet(store.root / f"{stem}.parquet", df)
    manifest["files"] = {f"{s}.parquet": sha256_file(store.root / f"{s}.parquet") for s in tables}
    store.write_manifest(manifest)
