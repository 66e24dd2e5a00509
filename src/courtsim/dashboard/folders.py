"""Reading results of every kind into one :class:`Bundle` the figures and reports draw from.

Kinds (``manifest.json``'s ``kind``): ``run`` (``courtsim run --out``), ``replicate``,
``compare``, ``sweep`` and ``sensitivity`` (the experiments package's folders), plus the
objects themselves (a :class:`~courtsim.result.Result`, a replicate or comparison result,
the dashboard's live :class:`~courtsim.dashboard.live.Replications`).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa

from courtsim.dashboard.tables import summarise_kpis
from courtsim.errors import CourtsimError, ResultsError, elide
from courtsim.i18n import _
from courtsim.results_folder import read_manifest as read_results_manifest
from courtsim.results_folder import verified
from courtsim.schema.scenario import Scenario

KINDS = ("run", "replicate", "compare", "sweep", "sensitivity", "target", "allocate")
#: Columns of a sweep's results that are not factors.
SWEEP_COLUMNS = {
    "run_id",
    "replicate",
    "seed",
    "scenario_hash",
    "metric",
    "value",
    "status",
    "error",
}
_OK = {"ok", "done", "success", "succeeded", "completed", "finished"}


@dataclass
class Bundle:
    """Everything a report or a dashboard view shows about one set of results.

    Attributes:
        kind: One of :data:`KINDS`.
        title: Short name (folder or scenario name).
        manifest: Provenance as saved (versions, seeds, hashes).
        summary: KPI summary, ``[scenario,] metric, mean[, n, sd, ci_low, ci_high, p10, p90]``.
        daily_summary: ``[scenario,] day, metric, mean[, ci_low, ci_high, p10, p90]``.
        ttd: ``[scenario,] ttd_days`` per disposed case, when case data is available.
        comparison: The comparison table (kind ``compare``).
        kpis: Long KPI table per replicate, when available.
        results: Sweep results (kind ``sweep``).
        factors: Swept factors (kind ``sweep`` / ``sensitivity``).
        indices: Sensitivity indices (kind ``sensitivity``).
        scenarios: Scenario name -> scenario, when known.
        regions: KPIs per region (index ``region``, one column per KPI) of a run with
            several regions (courts), for the tile map; None otherwise.
    """

    kind: str
    title: str
    manifest: dict[str, Any] = field(default_factory=dict)
    summary: pd.DataFrame | None = None
    daily_summary: pd.DataFrame | None = None
    ttd: pd.DataFrame | None = None
    comparison: pd.DataFrame | None = None
    kpis: pd.DataFrame | None = None
    results: pd.DataFrame | None = None
    factors: list[str] = field(default_factory=list)
    indices: pd.DataFrame | None = None
    scenarios: dict[str, Scenario] = field(default_factory=dict)
    regions: pd.DataFrame | None = None
    #: Shown name -> the label the results store, after :func:`localise`.
    aliases: dict[str, str] = field(default_factory=dict)

    def scenario_names(self) -> list[str]:
        """Return the scenarios shown, baseline first (as the manifest lists them)."""
        names = [label for label, _, _ in manifest_scenarios(self.manifest)]
        names += list(self.scenarios)
        for df in (self.daily_summary, self.summary, self.kpis, self.comparison):
            if df is not None and "scenario" in df:
                names += [str(x) for x in pd.unique(df["scenario"])]
        return list(dict.fromkeys(names))

    def baseline(self) -> str | None:
        """Return the reference scenario of a comparison (None for other kinds)."""
        if self.kind != "compare":
            return None
        names = self.scenario_names()
        return str(self.manifest.get("baseline") or (names[0] if names else "")) or None

    def colours(self) -> dict[str, str]:
        """Return one colour per scenario, the baseline grey, for every figure of the bundle."""
        from courtsim.dashboard.figures import scenario_colours

        return scenario_colours(self.scenario_names(), self.baseline())

    def start_date(self) -> Any:
        """Return the date of day 1 when the scenarios are known and agree, else None."""
        dates = {sc.start_date for sc in self.scenarios.values()}
        return dates.pop() if len(dates) == 1 else None

    def warmup_days(self) -> int:
        """Return the warm-up the scenarios share (0 when unknown or different)."""
        days = {sc.reporting.warmup_days for sc in self.scenarios.values()}
        return int(days.pop()) if len(days) == 1 else 0

    def metrics(self) -> list[str]:
        """Return the KPI names available (sweep: its metrics; sensitivity: indexed KPIs)."""
        for df in (self.results, self.indices, self.summary):
            if df is not None and "metric" in df:
                return list(dict.fromkeys(df["metric"].astype(str)))
        return []


def _read_parquet(folder: Path, manifest: dict[str, Any], name: str) -> pd.DataFrame:
    path = verified(folder, manifest, name)  # checksum first: a tampered file is never shown
    try:
        return pd.read_parquet(path)
    except (OSError, pa.ArrowException, ValueError) as exc:
        raise ResultsError(
            _("cannot read {file} as Parquet ({detail})").format(
                file=path.name, detail=elide(str(exc))
            ),
            source=str(path),
        ) from None


def read_manifest(path: Path) -> dict[str, Any]:
    """Read a results folder's ``manifest.json``, checked by schema.

    Args:
        path: The folder.

    Returns:
        The manifest (``kind`` defaults to ``run``).

    Raises:
        ResultsError: The folder or its manifest is missing, not a regular file, not JSON,
            or not a courtsim manifest.
    """
    manifest = read_results_manifest(path)
    if manifest["kind"] not in KINDS:
        raise ResultsError(
            _("a '{kind}' folder has no view here (shown: {kinds})").format(
                kind=manifest["kind"], kinds=", ".join(KINDS)
            ),
            source=str(path),
        )
    return manifest


def list_folders(root: Path, max_depth: int = 4) -> list[tuple[str, str]]:
    """List the results folders under ``root``: those holding a ``manifest.json``.

    Hidden folders (including unfinished ``.partial`` writes) are skipped.

    Args:
        root: The results folder.
        max_depth: How deep to look.

    Returns:
        ``(relative path, kind)`` pairs, sorted by path.
    """
    out: list[tuple[str, str]] = []
    root = root.resolve()

    def walk(d: Path, depth: int) -> None:
        if (d / "manifest.json").is_file():
            try:  # the manifest's own kind, also for kinds with a tab of their own
                kind = str(read_results_manifest(d).get("kind", "run"))
            except ResultsError:
                kind = "unreadable"
            out.append((d.relative_to(root).as_posix() or ".", kind))
            return
        if depth >= max_depth:
            return
        try:
            children = sorted(p for p in d.iterdir() if p.is_dir() and not p.name.startswith("."))
        except OSError:
            return
        for child in children:
            if child.resolve().is_relative_to(root):  # never follow a link out of root
                walk(child, depth + 1)

    if root.is_dir():
        walk(root, 0)
    return sorted(out)


def _daily_long(daily: pd.DataFrame) -> pd.DataFrame:
    cols = [c for c in daily.columns if c.startswith(("n_", "mean_age"))]
    long = daily[cols].reset_index().melt(id_vars="day", var_name="metric", value_name="mean")
    return long


def _ttd_from_cases(cases: pd.DataFrame, lo: int, hi: int) -> pd.DataFrame:
    outcome = cases["outcome"].astype(str)
    disposed = (
        (cases["t_disposed"] > lo)
        & (cases["t_disposed"] <= hi)
        & ~outcome.isin(["returned", "settled_pre_court"])
    )
    ttd = cases.loc[disposed, "t_disposed"] - cases.loc[disposed, "t_filed"]
    return pd.DataFrame({"ttd_days": ttd.to_numpy()})


def from_result(result: Any, title: str | None = None) -> Bundle:
    """Make a bundle of one run (:class:`courtsim.result.Result`).

    Args:
        result: The run.
        title: Name to show (default: the scenario's).

    Returns:
        The bundle (kind ``run``).
    """
    sc: Scenario = result.scenario
    summary = pd.DataFrame(
        {"metric": list(result.kpis), "mean": [float(v) for v in result.kpis.values()]}
    )
    return Bundle(
        kind="run",
        title=title or sc.name,
        manifest=dict(result.manifest),
        summary=summary,
        daily_summary=_daily_long(result.daily),
        ttd=_ttd_from_cases(result.cases, sc.reporting.warmup_days, sc.horizon_days),
        scenarios={sc.name: sc},
        # A one-court run's only region is the country: nothing to map.
        regions=result.region_kpis if len(sc.courts) > 1 else None,
    )


def _factors(manifest: dict[str, Any], results: pd.DataFrame) -> list[str]:
    f = manifest.get("factors")
    if isinstance(f, dict):
        names = list(f)
    elif isinstance(f, list | tuple):
        names = [x if isinstance(x, str) else str(x.get("name", x)) for x in f]
    else:
        names = []
    present = [n for n in names if n in results.columns]
    return present or [c for c in results.columns if c not in SWEEP_COLUMNS]


def ok_rows(results: pd.DataFrame) -> pd.DataFrame:
    """Return the rows of successful runs of a sweep (status ok, or no error recorded)."""
    if "status" in results:
        return results[results["status"].astype(str).str.lower().isin(_OK)]
    if "error" in results:
        return results[results["error"].isna() | (results["error"].astype(str) == "")]
    return results


def manifest_scenarios(manifest: dict[str, Any]) -> list[tuple[str, str | None, str | None]]:
    """Return the scenarios a manifest names, as ``(label, file, hash)``, baseline first.

    Args:
        manifest: A results folder's manifest (run, replicate, compare, sweep...).

    Returns:
        The scenarios it lists (file and hash when recorded).
    """
    items = manifest.get("scenarios")
    if isinstance(items, list):
        out = []
        for it in items:
            if isinstance(it, dict):
                label = str(it.get("label") or it.get("name") or "?")
                out.append((label, it.get("file"), it.get("hash")))
        return out
    if isinstance(items, dict):  # name -> hash (the dashboard's live runs)
        return [(str(k), None, str(v)) for k, v in items.items()]
    base = manifest.get("base_scenario")  # sweeps and sensitivity analyses
    if isinstance(base, dict):
        return [(str(base.get("name") or "base scenario"), base.get("file"), base.get("hash"))]
    name = manifest.get("scenario_name") or manifest.get("name")
    if name:
        return [(str(name), manifest.get("scenario_file"), manifest.get("scenario_hash"))]
    return []


def read_scenario_files(manifest: dict[str, Any]) -> dict[str, Scenario]:
    """Load the scenario files a manifest names, if they are unchanged since the run.

    A file is used only when it still exists and its content hash is the one recorded,
    so a description never describes a scenario other than the one that ran.

    Args:
        manifest: The manifest.

    Returns:
        Label -> scenario for the files that could be read and match.
    """
    from courtsim.schema.scenario import load_scenario

    out: dict[str, Scenario] = {}
    for label, file, h in manifest_scenarios(manifest):
        if not file or not h:
            continue
        try:
            sc = load_scenario(file)
        except CourtsimError:
            continue
        if sc.content_hash() == h:
            out[label] = sc
    return out


def _optional(path: Path, manifest: dict[str, Any], name: str) -> bool:
    return name in (manifest.get("files") or {}) or (path / name).exists()


def load_folder(path: str | Path) -> Bundle:
    """Read any kind of results folder into a bundle.

    Args:
        path: The folder (already checked to be under the results root by the caller).

    Returns:
        The bundle.

    Raises:
        ResultsError: The folder is missing, incomplete or not readable.
    """
    from courtsim.result import load_result

    path = Path(path)
    manifest = read_manifest(path)
    kind = manifest["kind"]
    if kind in ("target", "allocate"):  # decision questions: courtsim.dashboard.decisions
        raise ResultsError(
            _(
                "holds a '{kind}' question; open it in the Decisions tab, or write its "
                "briefing with `courtsim report`"
            ).format(kind=kind),
            source=str(path),
        )
    title = str(manifest.get("name") or manifest.get("scenario_name") or path.name)
    if kind == "run":
        return from_result(load_result(path), title=title)
    b = Bundle(kind=kind, title=title, manifest=manifest)
    if kind == "replicate":
        b.kpis = _read_parquet(path, manifest, "kpis.parquet")
        b.summary = (
            _read_parquet(path, manifest, "summary.parquet")
            if _optional(path, manifest, "summary.parquet")
            else summarise_kpis(b.kpis)
        )
        b.daily_summary = _read_parquet(path, manifest, "daily_summary.parquet")
    elif kind == "compare":
        b.comparison = _read_parquet(path, manifest, "comparison.parquet")
        b.kpis = _read_parquet(path, manifest, "kpis.parquet")
        b.summary = (
            _read_parquet(path, manifest, "summary.parquet")
            if _optional(path, manifest, "summary.parquet")
            else summarise_kpis(b.kpis)
        )
        b.daily_summary = _read_parquet(path, manifest, "daily_summary.parquet")
    elif kind == "sweep":
        b.results = _read_parquet(path, manifest, "results.parquet")
        missing = {"metric", "value"} - set(b.results.columns)
        if missing:
            raise ResultsError(
                _("{file} lacks the column(s) {columns}").format(
                    file="results.parquet", columns=", ".join(sorted(missing))
                ),
                source=str(path),
            )
        b.factors = _factors(manifest, b.results)
    elif kind == "sensitivity":
        b.indices = _read_parquet(path, manifest, "indices.parquet")
        missing = {"metric", "factor", "index", "value"} - set(b.indices.columns)
        if missing:
            raise ResultsError(
                _("{file} lacks the column(s) {columns}").format(
                    file="indices.parquet", columns=", ".join(sorted(missing))
                ),
                source=str(path),
            )
        b.factors = list(dict.fromkeys(b.indices["factor"].astype(str)))
    return b


def localise(bundle: Bundle) -> Bundle:
    """Return the bundle with scenario labels in the language in force, where given.

    A compare manifest may carry a label per language for a scenario (``labels``, from an
    experiment file's ``label: {en: ..., ru: ..., kk: ...}``); every table's ``scenario``
    column, the scenarios and the manifest then use the shown label. Without labels in
    that language the bundle is returned as it is.

    Args:
        bundle: The results.

    Returns:
        A renamed copy, or ``bundle``.
    """
    from courtsim.i18n import current

    lang = current()
    items = bundle.manifest.get("scenarios")
    names = {
        str(it["label"]): str(it["labels"][lang])
        for it in (items if isinstance(items, list) else [])
        if isinstance(it, dict) and isinstance(it.get("labels"), dict) and it["labels"].get(lang)
    }
    names = {k: v for k, v in names.items() if k != v and k not in bundle.aliases.values()}
    if not names:
        return bundle

    def rename(df: pd.DataFrame | None) -> pd.DataFrame | None:
        if df is None or "scenario" not in df:
            return df
        return df.assign(scenario=df["scenario"].astype(str).replace(names))

    manifest = dict(bundle.manifest)
    manifest["scenarios"] = [
        {**it, "label": names.get(str(it.get("label")), it.get("label"))}
        if isinstance(it, dict)
        else it
        for it in items
    ]
    if manifest.get("baseline") in names:
        manifest["baseline"] = names[manifest["baseline"]]
    return dataclasses.replace(
        bundle,
        manifest=manifest,
        summary=rename(bundle.summary),
        daily_summary=rename(bundle.daily_summary),
        ttd=rename(bundle.ttd),
        comparison=rename(bundle.comparison),
        kpis=rename(bundle.kpis),
        scenarios={names.get(k, k): v for k, v in bundle.scenarios.items()},
        aliases={**bundle.aliases, **{v: k for k, v in names.items()}},
    )


def to_bundle(source: Any, title: str | None = None) -> Bundle:
    """Make a bundle from a folder path or a results object.

    Args:
        source: A results folder, a ``Result``, a ``Bundle``, or an object with the
            experiments package's attributes (``summary`` + ``daily_summary`` for
            replications; ``table`` + ``kpis`` + ``daily_summary`` for a comparison).
        title: Name to show.

    Returns:
        The bundle.

    Raises:
        ResultsError: A folder cannot be read.
        TypeError: The object is of no known kind.
    """
    if isinstance(source, Bundle):
        return source
    if isinstance(source, str | Path):
        return load_folder(Path(source))
    if hasattr(source, "cases") and hasattr(source, "scenario"):
        return from_result(source, title)
    if hasattr(source, "indices") and hasattr(source, "runs"):  # a SensitivityOutcome
        return Bundle(
            kind="sensitivity",
            title=title or str(source.runs.plan.name),
            manifest=dict(source.runs.manifest),
            indices=source.indices,
            factors=list(dict.fromkeys(source.indices["factor"].astype(str))),
        )
    if hasattr(source, "results") and hasattr(source, "plan"):  # a SweepOutcome
        return Bundle(
            kind="sweep",
            title=title or str(source.plan.name),
            manifest=dict(source.manifest),
            results=source.results,
            factors=[f for f in source.plan.factors if f in source.results.columns],
        )
    scenarios = dict(getattr(source, "scenarios", None) or {})
    manifest = dict(getattr(source, "manifest", None) or {})
    name = title or str(manifest.get("name") or next(iter(scenarios), "results"))
    ttd = getattr(source, "ttd", None)
    table = getattr(source, "table", None)
    if table is not None and len(table) and hasattr(source, "kpis"):
        summary = getattr(source, "summary", None)
        if summary is None or "scenario" not in summary:
            summary = summarise_kpis(source.kpis)
        return Bundle(
            kind="compare",
            title=name,
            manifest=manifest,
            summary=summary,
            daily_summary=source.daily_summary,
            ttd=ttd,
            comparison=table,
            kpis=source.kpis,
            scenarios=scenarios,
        )
    if hasattr(source, "summary") and hasattr(source, "daily_summary"):
        kpis = getattr(source, "kpis", None)
        summary = source.summary
        if kpis is not None and "scenario" in kpis and "scenario" not in summary:
            summary = summarise_kpis(kpis)
        regions = getattr(source, "regions", None)  # the dashboard's live runs, long
        if regions is not None and len(regions) and "region" in regions:
            from courtsim.dashboard.region_map import mean_by_region

            regions = mean_by_region(regions)
        else:
            regions = None
        return Bundle(
            kind="replicate",
            title=name,
            manifest=manifest,
            summary=summary,
            daily_summary=source.daily_summary,
            ttd=ttd,
            kpis=kpis,
            scenarios=scenarios,
            regions=regions,
        )
    raise TypeError(f"cannot make a report from a {type(source).__name__}")
