"""A run's results: daily and case tables, KPIs and a manifest; saved atomically as Parquet."""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import shutil
import tempfile
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import yaml

from courtsim.errors import ResultsError, ScenarioError, elide
from courtsim.loading import load_json, load_yaml, resolve, sha256_file
from courtsim.results_folder import foreign_entries, read_manifest, verified
from courtsim.schema.scenario import Scenario, validate_scenario

RESULT_FILES = ("daily.parquet", "cases.parquet", "kpis.json", "scenario.yaml")
#: Written by :meth:`Result.save` since per-region KPIs exist; older folders lack it, and
#: loading them recomputes the table from the cases.
REGION_KPIS_FILE = "region_kpis.parquet"
_PACKAGES = ("courtsim", "mesa", "numpy", "pandas", "scipy", "pydantic", "pyarrow")


def package_versions() -> dict[str, str]:
    """Return the versions of Python and the packages a result depends on."""
    out = {"python": platform.python_version()}
    for p in _PACKAGES:
        try:
            out[p] = metadata.version(p)
        except metadata.PackageNotFoundError:  # pragma: no cover - all are dependencies
            out[p] = "not installed"
    return out


def scenario_to_yaml(scenario: Scenario) -> str:
    """Return the scenario as YAML text that ``load_scenario`` reads back identically."""

    def plain(v: Any) -> Any:
        if isinstance(v, dict):
            return {k: plain(x) for k, x in v.items()}
        if isinstance(v, list | tuple):
            return [plain(x) for x in v]
        return v

    return yaml.safe_dump(plain(scenario.as_dict()), sort_keys=False, allow_unicode=True)


def check_output_dir(out: Path, overwrite: bool = False) -> None:
    """Fail early, before any work, if results cannot be written to ``out``.

    courtsim replaces only what it wrote: with ``overwrite``, an existing non-empty
    folder is replaced only when it carries courtsim's marker (a valid ``manifest.json``)
    and holds nothing besides the files that manifest lists.

    Args:
        out: Target folder.
        overwrite: Whether an existing results folder may be replaced.

    Raises:
        ResultsError: ``out`` is empty text, exists (and ``overwrite`` is off), is a file,
            is a folder courtsim did not write, or its parent cannot be written.
    """
    if not str(out).strip():
        raise ResultsError("give a folder name; an empty --out names no folder", field="--out")
    resolve(out, ResultsError, "--out")
    if out.exists() and not out.is_dir():
        raise ResultsError("exists and is a file, not a folder", source=str(out), field="--out")
    if out.exists() and any(out.iterdir()):
        if not overwrite:
            raise ResultsError(
                "the folder already holds files; nothing was written. Choose another --out, "
                "or pass --overwrite to replace it",
                source=str(out),
                field="--out",
            )
        try:
            manifest = read_manifest(out)
        except ResultsError:
            raise ResultsError(
                "the folder holds files and is not a courtsim results folder (it has no valid "
                "manifest.json), so --overwrite does not replace it: courtsim replaces only "
                "what it wrote. Nothing was written; choose another --out",
                source=str(out),
                field="--out",
            ) from None
        foreign = foreign_entries(out, manifest)
        if foreign:
            raise ResultsError(
                f"the results folder also holds {len(foreign)} file(s) courtsim did not write "
                f"({elide(', '.join(foreign), 120)}), which --overwrite would delete. Nothing "
                "was written; move them out, or choose another --out",
                source=str(out),
                field="--out",
            )
    parent = out.parent if str(out.parent) else Path()
    probe = parent
    while not probe.exists():
        probe = probe.parent
    if not probe.is_dir() or not os.access(probe, os.W_OK | os.X_OK) or not _can_create(probe):
        raise ResultsError(
            f"cannot write here: '{probe}' is not a writable folder",
            source=str(out),
            field="--out",
        )


def _can_create(folder: Path) -> bool:
    # os.access only reads permission bits, which root bypasses, and cannot tell that a
    # file system refuses new entries (/proc, /sys, read-only mounts): try it.
    try:
        Path(tempfile.mkdtemp(prefix=".courtsim-probe.", dir=folder)).rmdir()
    except OSError:
        return False
    return True


def write_atomically(out: Path, write: Any, overwrite: bool = False) -> None:
    """Write a results folder all at once: into a temporary sibling, then renamed.

    An interrupted write leaves no partial ``out``; an existing ``out`` is replaced only
    with ``overwrite`` and only after the new folder is complete.

    Args:
        out: Target folder.
        write: Callable taking the temporary folder and filling it.
        overwrite: Replace an existing folder.

    Raises:
        ResultsError: See :func:`check_output_dir`.
    """
    check_output_dir(out, overwrite)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".partial", dir=out.parent))
    except OSError as exc:
        raise ResultsError(
            f"cannot write here ({exc.strerror or exc})", source=str(out), field="--out"
        ) from None
    try:
        write(tmp)
        if out.exists():
            old = out.with_name(f".{out.name}.replaced")
            shutil.rmtree(old, ignore_errors=True)
            out.rename(old)
            tmp.rename(out)
            shutil.rmtree(old, ignore_errors=True)
        else:
            tmp.rename(out)
    except BaseException as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        if isinstance(exc, OSError):  # disk full, folder removed meanwhile: a user problem
            raise ResultsError(
                f"writing the results failed ({exc.strerror or exc}); nothing was written",
                source=str(out),
                field="--out",
            ) from None
        raise


@dataclass
class Result:
    """The outcome of one simulation run.

    Attributes:
        scenario: The scenario that was run.
        seed: Master seed.
        replicate: Replicate number.
        daily: One row per day (index ``day``, 0 = initial state).
        cases: One row per case, every event day, outcome and both parties.
        kpis: KPI name -> value (see ``docs/kpis.md``).
        manifest: Provenance: scenario hash, seed, versions, timings.
        region_kpis: KPIs per region (court), one row each (see
            :mod:`courtsim.region_kpis`); computed from the cases when first read.
    """

    scenario: Scenario
    seed: int
    replicate: int
    daily: pd.DataFrame
    cases: pd.DataFrame
    kpis: dict[str, float]
    manifest: dict[str, Any] = field(default_factory=dict, repr=False)
    _region_kpis: pd.DataFrame | None = field(default=None, repr=False, compare=False)

    @property
    def region_kpis(self) -> pd.DataFrame:
        """KPIs per region over the KPI window (index ``region``, a column per KPI)."""
        if self._region_kpis is None:
            from courtsim.region_kpis import region_kpis

            self._region_kpis = region_kpis(
                self.cases,
                len(self.daily),
                self.scenario.judges_per_court(),
                self.scenario.reporting.warmup_days,
            )
        return self._region_kpis

    def _fields(self) -> dict[str, Any]:
        return {
            "scenario": self.scenario.name,
            "seed": self.seed,
            "replicate": self.replicate,
            "days": self.scenario.horizon_days,
            "cases": len(self.cases),
        }

    def __repr__(self) -> str:
        from courtsim.dashboard.display import short_repr

        return short_repr("Result", self._fields(), self.kpis)

    def _repr_html_(self) -> str:
        from courtsim.dashboard.display import html_table, kpi_items

        rows = [("KPI", "value"), *kpi_items(self.kpis)]
        hint = ".plot() draws pending cases; .plot('ttd'), .plot('channels'); .kpis has every KPI"
        return html_table(f"courtsim run: {self.scenario.name}", self._fields(), rows, hint)

    def plot(self, kind: str | None = None, metric: str | None = None) -> Any:
        """Return a plotly figure of the run, as the dashboard draws it.

        Args:
            kind: ``pending`` (default), ``ttd``, ``in_time``, ``channels`` or ``utilisation``.
            metric: Daily series for ``pending`` (default ``n_pending``).

        Returns:
            A ``plotly.graph_objects.Figure``.

        Raises:
            CourtsimError: An unknown kind.
        """
        from courtsim.dashboard.display import plot

        return plot(self, kind, metric)

    def save(self, out: str | Path, overwrite: bool = False) -> Path:
        """Write Parquet tables, KPIs (national and per region), the scenario and ``manifest.json``.

        Args:
            out: Folder to create.
            overwrite: Replace an existing results folder.

        Returns:
            The folder.

        Raises:
            ResultsError: The folder exists or cannot be written.
        """
        out = Path(out)

        def write(tmp: Path) -> None:
            self.daily.to_parquet(tmp / "daily.parquet")
            self.cases.to_parquet(tmp / "cases.parquet", index=False)
            (tmp / "kpis.json").write_text(json.dumps(self.kpis, indent=2, allow_nan=True))
            (tmp / "scenario.yaml").write_text(scenario_to_yaml(self.scenario), encoding="utf-8")
            self.region_kpis.to_parquet(tmp / REGION_KPIS_FILE)
            manifest = dict(self.manifest)
            manifest["files"] = {f: sha256_file(tmp / f) for f in (*RESULT_FILES, REGION_KPIS_FILE)}
            (tmp / "manifest.json").write_text(json.dumps(manifest, indent=2, default=str))

        write_atomically(out, write, overwrite)
        return out


def build_manifest(scenario: Scenario, seed: int, replicate: int, **extra: Any) -> dict[str, Any]:
    """Return the provenance record of a run.

    Args:
        scenario: The scenario.
        seed: Master seed.
        replicate: Replicate number.
        **extra: More fields (timings, source file).

    Returns:
        The manifest.
    """
    return {
        "kind": "run",
        "scenario_name": scenario.name,
        "scenario_hash": scenario.content_hash(),
        "seed": seed,
        "replicate": replicate,
        "horizon_days": scenario.horizon_days,
        "warmup_days": scenario.reporting.warmup_days,
        "versions": package_versions(),
        "created_utc": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        **extra,
    }


def load_result(path: str | Path) -> Result:
    """Read a results folder written by :meth:`Result.save`, checking it is whole.

    Args:
        path: The folder.

    Returns:
        The result.

    Raises:
        ResultsError: The folder is missing, incomplete, or a file does not match the manifest.
    """
    path = Path(path)
    manifest = read_manifest(path)
    files = manifest.get("files") or {}
    # Older folders have no per-region file; one that is there must carry its checksum.
    has_regions = REGION_KPIS_FILE in files or (path / REGION_KPIS_FILE).exists()
    optional = (REGION_KPIS_FILE,) if has_regions else ()
    for name in (*RESULT_FILES, *optional):
        verified(path, manifest, name)  # every file, before any is used
    try:
        daily = pd.read_parquet(path / "daily.parquet")
        cases = pd.read_parquet(path / "cases.parquet")
        regions = pd.read_parquet(path / REGION_KPIS_FILE) if optional else None
    except (OSError, pa.ArrowException, ValueError) as exc:
        raise ResultsError(f"cannot read Parquet ({elide(str(exc))})", source=str(path)) from None
    kpis = load_json(path / "kpis.json", ResultsError)
    if not isinstance(kpis, dict):
        raise ResultsError("kpis.json does not hold a mapping", source=str(path / "kpis.json"))
    try:
        scenario = validate_scenario(
            load_yaml(path / "scenario.yaml", ResultsError), source=str(path / "scenario.yaml")
        )
    except ScenarioError as exc:
        raise ResultsError(exc.message, source=exc.source, field=exc.field) from None
    return Result(
        scenario=scenario,
        seed=manifest.get("seed") or 0,
        replicate=manifest.get("replicate") or 0,
        daily=daily,
        cases=cases,
        kpis=kpis,
        manifest=manifest,
        _region_kpis=regions,
    )
