"""Provenance helpers shared by every experiment's manifest: times, versions, checksums."""

from __future__ import annotations

import datetime as dt
import hashlib
from importlib import metadata
from pathlib import Path

from courtsim.result import package_versions


def now_utc() -> str:
    """Return the current UTC time, ISO 8601, to the second."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def versions() -> dict[str, str]:
    """Return package versions, with those of the experiment tools when installed."""
    out = package_versions()
    for p in ("SALib", "dask", "distributed"):
        try:
            out[p] = metadata.version(p)
        except metadata.PackageNotFoundError:
            out[p] = "not installed"
    return out


def sha256_file(path: Path) -> str:
    """Return the sha256 of a file's bytes.

    Args:
        path: The file.

    Returns:
        Hex digest.
    """
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()
