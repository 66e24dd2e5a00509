"""Provenance helpers shared by every experiment's manifest: times, versions, checksums."""

from __future__ import annotations

import datetime as dt
from importlib import metadata

from courtsim.loading import sha256_file
from courtsim.result import package_versions

__all__ = ["now_utc", "sha256_file", "versions"]


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
