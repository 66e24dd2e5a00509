"""Paired comparisons: scenarios against a baseline, replicate by replicate.

Replicate r of every scenario uses the same random streams (common random numbers,
design.md §3), so the difference scenario - baseline is computed within each replicate
and its confidence interval is narrow. Every difference also reads as one sentence.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from courtsim.experiment.provenance import now_utc, versions
from courtsim.experiment.replicate import as_scenario, daily_summary, run_batch, save_tables
from courtsim.experiment.spec import DEFAULT_DAILY
from courtsim.experiment.stats import paired_differences, summarise
from courtsim.experiment.wording import difference_sentence, scenario_subject
from courtsim.i18n import current
from courtsim.schema.scenario import Scenario

if TYPE_CHECKING:
    from distributed import Client

ScenarioLike = Scenario | str | Path

#: Columns of :attr:`Comparison.table`.
TABLE_COLUMNS = (
    "scenario",
    "metric",
    "baseline_mean",
    "scenario_mean",
    "diff_mean",
    "diff_ci_low",
    "diff_ci_high",
    "rel_diff_mean",
    "rel_ci_low",
    "rel_ci_high",
    "sentence",
)


@dataclass
class Comparison:
    """Scenarios compared with a baseline.

    Attributes:
        table: One row per scenario and KPI: ``scenario, metric, baseline_mean,
            scenario_mean, diff_mean, diff_ci_low, diff_ci_high, rel_diff_mean, rel_ci_low,
            rel_ci_high, sentence``.
        kpis: Every run's KPIs, baseline included: ``scenario, replicate, seed, metric,
            value``.
        summary: Per scenario and KPI: ``scenario, metric, n, mean, sd, ci_low, ci_high,
            p10, p90``.
        daily_summary: ``scenario, day, metric, mean, ci_low, ci_high, p10, p90``.
        baseline: The baseline's label.
        manifest: Provenance (kind "compare").
    """

    table: pd.DataFrame
    kpis: pd.DataFrame
    summary: pd.DataFrame
    daily_summary: pd.DataFrame
    baseline: str
    manifest: dict[str, Any] = field(default_factory=dict)

    def _fields(self) -> dict[str, Any]:
        others = [str(s) for s in pd.unique(self.table["scenario"])]
        return {"baseline": self.baseline, "scenarios": others, "reps": self.manifest.get("reps")}

    def __repr__(self) -> str:
        from courtsim.dashboard.display import short_repr

        return short_repr("Comparison", self._fields())

    def _repr_html_(self) -> str:
        from courtsim.dashboard.display import REPR_KPIS, html_table

        rows: list[tuple[str, ...]] = [("scenario", "sentence")]
        t = self.table[self.table["metric"].isin(REPR_KPIS)]
        rows += [(str(r.scenario), str(r.sentence)) for r in t.itertuples()]
        hint = ".plot() draws the change against the baseline; .table has every KPI"
        return html_table("courtsim comparison", self._fields(), rows, hint)

    def plot(self, kind: str | None = None, metric: str | None = None) -> Any:
        """Return a plotly figure of the results, as the dashboard draws it.

        Args:
            kind: ``differences`` (default), ``pending``, ``in_time``, ``channels`` or
                ``utilisation``.
            metric: The one KPI of ``differences`` (default the key KPIs), or the daily
                series of ``pending``.

        Returns:
            A ``plotly.graph_objects.Figure``.

        Raises:
            CourtsimError: An unknown kind.
        """
        from courtsim.dashboard.display import plot

        return plot(self, kind, metric)

    def sentences(self, metrics: Sequence[str] | None = None) -> list[str]:
        """Return the plain-language sentences, scenario by scenario.

        Args:
            metrics: KPIs to include (default all).

        Returns:
            One sentence per scenario and KPI.
        """
        t = self.table if metrics is None else self.table[self.table["metric"].isin(metrics)]
        return list(t["sentence"])

    def save(self, out: str | Path, overwrite: bool = False) -> Path:
        """Write the comparison's tables and ``manifest.json`` to a new folder, atomically.

        Files: ``comparison.parquet``, ``kpis.parquet``, ``summary.parquet``,
        ``daily_summary.parquet``, ``manifest.json``.

        Args:
            out: Folder to create.
            overwrite: Replace an existing folder.

        Returns:
            The folder.

        Raises:
            ResultsError: The folder exists or cannot be written.
        """
        tables = {
            "comparison.parquet": self.table,
            "kpis.parquet": self.kpis,
            "summary.parquet": self.summary,
            "daily_summary.parquet": self.daily_summary,
        }
        return save_tables(Path(out), tables, self.manifest, overwrite)


def labelled(
    baseline: ScenarioLike, others: Sequence[ScenarioLike] | Mapping[str, ScenarioLike]
) -> list[tuple[str, Scenario, str, bool]]:
    """Return ``(label, scenario, file, explicit)`` for the baseline and each other scenario."""
    items: list[tuple[str | None, ScenarioLike]] = [(None, baseline)]
    if isinstance(others, Mapping):
        items += [(str(k), v) for k, v in others.items()]
    else:
        items += [(None, v) for v in others]
    out: list[tuple[str, Scenario, str, bool]] = []
    seen: set[str] = set()
    for label, obj in items:
        sc, file = as_scenario(obj)
        name = label or sc.name
        unique, k = name, 2
        while unique in seen:  # the same scenario compared with itself: keep labels apart
            unique, k = f"{name}_{k}", k + 1
        seen.add(unique)
        out.append((unique, sc, file, label is not None))
    return out


def compare(
    baseline: ScenarioLike,
    others: Sequence[ScenarioLike] | Mapping[str, ScenarioLike],
    reps: int = 30,
    seed: int = 1,
    *,
    kpis: Sequence[str] | None = None,
    daily: Sequence[str] = DEFAULT_DAILY,
    workers: int | None = None,
    scheduler: str | Client | None = None,
    progress: bool = True,
    baseline_label: str | None = None,
    timeout_s: float = 10.0,
    translations: Mapping[str, Mapping[str, str]] | None = None,
) -> Comparison:
    """Compare scenarios with a baseline, paired replicate by replicate.

    Args:
        baseline: The baseline scenario (object or file).
        others: Scenarios compared with it; a mapping gives them labels used in the
            sentences (e.g. ``{"In-court conciliation": "scenarios/in_court.yaml"}``).
        reps: Replicates per scenario (>= 2 for confidence intervals).
        seed: Master seed, shared by all scenarios (common random numbers).
        kpis: KPIs to keep (default all).
        daily: Daily series to summarise.
        workers: Local processes (1 = serial, None = every core).
        scheduler: A Dask scheduler address or ``Client``.
        progress: Show a progress bar on stderr.
        baseline_label: Label of the baseline (default its scenario name).
        timeout_s: Seconds to wait for the Dask scheduler and a first worker.
        translations: Labels in other languages, ``{label: {"ru": ..., "kk": ...}}``:
            reports and the dashboard show the one of the language in force.

    Returns:
        The comparison: differences with 95% CIs and sentences, every run's KPIs, daily
        summaries and a manifest.

    Raises:
        ScenarioError: A scenario file cannot be loaded.
        ExperimentError: ``reps`` < 1, an unknown KPI or series, or an unusable executor.
        RunsFailedError: Some runs raised an error.

    Example:
        >>> cmp = courtsim.compare("scenarios/baseline.yaml", ["scenarios/in_court.yaml"], 30)
        >>> for line in cmp.sentences(["pending_end", "backlog_cases"]):
        ...     print(line)
    """
    items = labelled(baseline, others)
    if baseline_label:
        items[0] = (baseline_label, *items[0][1:])
    scenarios = {label: sc for label, sc, _, _ in items}
    started = now_utc()
    batch = run_batch(
        scenarios, reps, seed, kpis, daily, workers, scheduler, progress, "compare", timeout_s
    )
    base_label = items[0][0]
    parts = []
    for label, _, _, explicit in items[1:]:
        d = paired_differences(batch.kpis, base_label, label)
        subject = (
            (translations or {}).get(label, {}).get(current(), label)
            if explicit
            else scenario_subject(label)
        )
        d["sentence"] = [
            difference_sentence(
                subject,
                row.metric,
                row.diff_mean,
                (row.diff_ci_low, row.diff_ci_high),
                row.rel_diff_mean,
                (row.rel_ci_low, row.rel_ci_high),
            )
            for row in d.itertuples()
        ]
        d.insert(0, "scenario", label)
        parts.append(d)
    table = pd.concat(parts, ignore_index=True)[list(TABLE_COLUMNS)]
    manifest = {
        "kind": "compare",
        "baseline": base_label,
        "scenarios": [
            {
                "label": label,
                "name": sc.name,
                "file": file,
                "hash": sc.content_hash(),
                **({"labels": dict(translations[label])} if label in (translations or {}) else {}),
            }
            for label, sc, file, _ in items
        ],
        "seed": int(seed),
        "reps": int(reps),
        "replicates": list(range(reps)),
        "kpis": list(dict.fromkeys(batch.kpis["metric"])),
        "daily": list(daily),
        "confidence": 0.95,
        "executor": batch.executor,
        "run_seconds_total": round(batch.seconds, 3),
        "started_utc": started,
        "finished_utc": now_utc(),
        "versions": versions(),
    }
    return Comparison(
        table=table,
        kpis=batch.kpis,
        summary=summarise(batch.kpis, ["scenario", "metric"]),
        daily_summary=daily_summary(batch.daily, by_scenario=True),
        baseline=base_label,
        manifest=manifest,
    )
