"""A sweep's folder: one file per finished run, written atomically; resume; consolidation.

Layout of ``DIR``::

    manifest.json              what was planned and run (kind, hashes, seeds, versions, times)
    runs/<run_id>.ok.parquet   a finished run's rows (one per KPI)
    runs/<run_id>.failed.parquet   a failed run's rows (its error), retried on --resume
    runs/<run_id>.daily.parquet    a finished run's daily series (when kept)
    results.parquet            all runs' rows, in plan order (written at the end)
    daily.parquet              all daily rows (when kept)

A run's files appear whole or not at all (written to a temporary name, then renamed), and
the ``.ok`` file is written last, so a run counts as finished only when all its files are.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa

from courtsim.errors import ResultsError
from courtsim.loading import check_regular_file
from courtsim.results_folder import read_manifest

_LOCK = ".courtsim.lock"


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder.

    Args:
        path: Target file.
        data: Content.
    """
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_bytes(data)
        tmp.replace(path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def atomic_write_parquet(path: Path, df: pd.DataFrame) -> None:
    """Write a frame as Parquet through a temporary file in the same folder.

    Args:
        path: Target file.
        df: The frame (its index is not written).
    """
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        df.to_parquet(tmp, index=False)
        tmp.replace(path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


class RunStore:
    """The files of a sweep or sensitivity experiment under one folder.

    Args:
        root: The folder.
    """

    def __init__(self, root: Path):
        self.root = root
        self.runs = root / "runs"
        self._lock_fd: int | None = None

    # ------------------------------------------------------------------ folder
    def create(self) -> None:
        """Create the folder and its ``runs/`` subfolder."""
        self.runs.mkdir(parents=True, exist_ok=True)

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        """Hold an exclusive lock on the folder, so two sweeps never write to it at once.

        Yields:
            Nothing; the lock is held inside the ``with`` block.

        Raises:
            ResultsError: Another process holds the lock.
        """
        try:
            import fcntl
        except ImportError:  # pragma: no cover - not POSIX: no locking
            yield
            return
        fd = os.open(self.root / _LOCK, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            raise ResultsError(
                "another courtsim process is writing to this folder; wait for it to finish",
                source=str(self.root),
                field="--out",
            ) from None
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)

    def clean_temporary(self) -> None:
        """Remove temporary files left by an interrupted write."""
        for d in (self.root, self.runs):
            if d.is_dir():
                for f in d.glob(".*.tmp"):
                    f.unlink(missing_ok=True)

    # ------------------------------------------------------------------ manifest
    def read_manifest(self) -> dict[str, Any] | None:
        """Return the manifest (checked by schema), or None when there is none.

        Raises:
            ResultsError: The manifest is not a regular file, not JSON, or not a manifest.
        """
        path = self.root / "manifest.json"
        if not path.exists() and not path.is_symlink():
            return None
        return read_manifest(self.root)

    def write_manifest(self, manifest: dict[str, Any]) -> None:
        """Write ``manifest.json`` atomically.

        Args:
            manifest: The manifest.
        """
        text = json.dumps(manifest, indent=2, default=str, allow_nan=True)
        atomic_write_bytes(self.root / "manifest.json", text.encode("utf-8"))

    # ------------------------------------------------------------------ runs
    def _path(self, run_id: str, what: str) -> Path:
        return self.runs / f"{run_id}.{what}.parquet"

    def finished(self) -> set[str]:
        """Return the ids of runs that finished without error."""
        return {p.name.removesuffix(".ok.parquet") for p in self.runs.glob("*.ok.parquet")}

    def set_aside_corrupt(self, run_ids: set[str]) -> list[str]:
        """Rename finished-run records that cannot be read to ``*.corrupt``, so they rerun.

        A record is corrupt when it is not a regular file, not Parquet, or does not hold
        its own run's rows, all finished. Nothing is deleted: the bad file stays, renamed.

        Args:
            run_ids: The finished runs to check.

        Returns:
            The ids set aside, sorted.
        """
        bad = []
        for rid in sorted(run_ids):
            path = self._path(rid, "ok")
            if self._record_ok(path, rid):
                continue
            bad.append(rid)
            path.replace(path.with_name(f"{path.name}.corrupt"))
            daily = self._path(rid, "daily")
            if daily.exists():
                daily.replace(daily.with_name(f"{daily.name}.corrupt"))
        return bad

    @staticmethod
    def _record_ok(path: Path, run_id: str) -> bool:
        try:
            check_regular_file(path, ResultsError)
            rows = pd.read_parquet(path)
        except (ResultsError, OSError, ValueError, pa.ArrowException):
            return False
        if not {"run_id", "status"} <= set(rows.columns) or rows.empty:
            return False
        return bool((rows["run_id"].astype(str) == run_id).all() and (rows["status"] == "ok").all())

    def failed(self) -> set[str]:
        """Return the ids of runs recorded as failed (and not since finished)."""
        fails = {p.name.removesuffix(".failed.parquet") for p in self.runs.glob("*.failed.parquet")}
        return fails - self.finished()

    def write_run(self, run_id: str, rows: pd.DataFrame, daily: pd.DataFrame | None) -> None:
        """Write a run's files: daily series first, then its rows (which mark it done).

        Args:
            run_id: The run.
            rows: Its results rows; ``status`` says whether it finished.
            daily: Its daily rows, or None.
        """
        ok = bool((rows["status"] == "ok").all())
        if ok:
            if daily is not None:
                atomic_write_parquet(self._path(run_id, "daily"), daily)
            atomic_write_parquet(self._path(run_id, "ok"), rows)
            self._path(run_id, "failed").unlink(missing_ok=True)
        else:
            atomic_write_parquet(self._path(run_id, "failed"), rows)
            self._path(run_id, "daily").unlink(missing_ok=True)

    def read_runs(self, run_ids: list[str], what: str = "rows") -> list[pd.DataFrame]:
        """Read the files of runs, in the order given.

        Args:
            run_ids: The runs (each must have a results file).
            what: ``rows`` (results) or ``daily``.

        Returns:
            One frame per run that has such a file.
        """
        frames = []
        for rid in run_ids:
            if what == "daily":
                p = self._path(rid, "daily")
                if p.is_file():
                    frames.append(pd.read_parquet(p))
                continue
            p = self._path(rid, "ok")
            if not p.is_file():
                p = self._path(rid, "failed")
            frames.append(pd.read_parquet(p))
        return frames
