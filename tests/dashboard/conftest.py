"""Fixtures for the dashboard tests: tiny live replications and results folders of every kind.

The experiments package's folders (replicate, compare, sweep, sensitivity) are built here
from their documented formats, so these tests do not depend on that package.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from courtsim import simulate
from courtsim.dashboard.live import LiveRunner, Replications
from courtsim.dashboard.tables import paired_comparison, summarise_daily, summarise_kpis
from courtsim.loading import sha256_file
from tests.conftest import make_scenario


@pytest.fixture(scope="session")
def tiny_reps() -> Replications:
    """Three paired replications of the tiny scenario and of one with twice the judges."""
    # 900 claims a year: 3 judges are busy but not swamped, so the replicates agree well
    # enough for the comparison's sentence to be clear (at 1,200 they are near overload).
    base = make_scenario(name="baseline", filings={"per_year": 900})
    more = make_scenario(name="more_judges", judges={"count": 6}, filings={"per_year": 900})
    return LiveRunner(workers=0).run({"baseline": base, "more_judges": more}, 3, seed=5)


def _write(folder: Path, tables: dict[str, pd.DataFrame], manifest: dict) -> Path:
    folder.mkdir(parents=True)
    for name, df in tables.items():
        df.to_parquet(folder / f"{name}.parquet", index=False)
    # Checksums, as every writer records them: readers verify each file against them.
    files = {f"{name}.parquet": sha256_file(folder / f"{name}.parquet") for name in tables}
    (folder / "manifest.json").write_text(json.dumps({**manifest, "files": files}))
    return folder


@pytest.fixture(scope="session")
def results_root(tmp_path_factory, tiny_reps) -> Path:
    """A results folder holding one folder of each kind (as the CLI would write them)."""
    root = tmp_path_factory.mktemp("results")
    simulate(make_scenario(name="tiny_run"), seed=1).save(root / "run1")
    one = tiny_reps.kpis[tiny_reps.kpis["scenario"] == "baseline"]
    one_daily = tiny_reps.daily[tiny_reps.daily["scenario"] == "baseline"]
    _write(
        root / "replicate1",
        {
            "kpis": one,
            "daily": one_daily,
            "summary": summarise_kpis(one.drop(columns="scenario")),
            "daily_summary": summarise_daily(one_daily.drop(columns="scenario")),
        },
        {"kind": "replicate", "name": "baseline", "seed": 5, "replications": 3},
    )
    _write(
        root / "experiments" / "compare1",
        {
            "comparison": paired_comparison(tiny_reps.kpis, "baseline"),
            "kpis": tiny_reps.kpis,
            "daily_summary": summarise_daily(tiny_reps.daily),
        },
        {"kind": "compare", "name": "pilots", "seed": 5, "replications": 3},
    )
    _write(root / "experiments" / "sweep1", {"results": sweep_results()}, sweep_manifest())
    _write(
        root / "sens1",
        {"indices": sensitivity_indices()},
        {"kind": "sensitivity", "name": "sens", "factors": ["judges.count", "filings.per_year"]},
    )
    return root


def sweep_manifest() -> dict:
    return {"kind": "sweep", "name": "staffing", "factors": ["judges.count", "filings.per_year"]}


def sweep_results() -> pd.DataFrame:
    """A 3 x 2 grid, 2 replicates, two metrics; one failed run."""
    rng = np.random.default_rng(0)
    rows = []
    run_id = 0
    for j in (20, 25, 30):
        for f in (9000.0, 10500.0):
            for r in range(2):
                status, err = ("error", "boom") if (j, f, r) == (30, 9000.0, 1) else ("ok", None)
                for metric, base in (("clearance_rate", 100.0), ("disposition_time_days", 30.0)):
                    v = base + (j - 25) * (0.5 if metric == "clearance_rate" else -0.8)
                    v += rng.normal(0, 0.3) + (f - 10500) / 1000
                    rows.append(
                        {
                            "run_id": run_id,
                            "replicate": r,
                            "seed": 1,
                            "scenario_hash": f"h{run_id}",
                            "judges.count": j,
                            "filings.per_year": f,
                            "metric": metric,
                            "value": np.nan if status == "error" else v,
                            "status": status,
                            "error": err,
                        }
                    )
                run_id += 1
    return pd.DataFrame(rows)


def sensitivity_indices() -> pd.DataFrame:
    rows = []
    for metric in ("clearance_rate", "disposition_time_days"):
        for factor, s1 in (("judges.count", 0.6), ("filings.per_year", 0.3)):
            for index, v in (("S1", s1), ("ST", s1 + 0.05)):
                rows.append(
                    {
                        "method": "sobol",
                        "metric": metric,
                        "factor": factor,
                        "index": index,
                        "value": v,
                        "ci_low": v - 0.05,
                        "ci_high": v + 0.05,
                    }
                )
    return pd.DataFrame(rows)


@pytest.fixture(scope="session")
def scenarios_dir(tmp_path_factory) -> Path:
    """Two small shipped scenarios: the tiny one as 'baseline' and one with more judges."""
    import yaml

    from tests.conftest import TINY

    folder = tmp_path_factory.mktemp("scenarios")
    tiny = {**TINY, "filings": {"per_year": 900}}  # as tiny_reps
    (folder / "baseline.yaml").write_text(yaml.safe_dump({**tiny, "name": "baseline"}))
    more = {**tiny, "name": "more_judges", "judges": {"count": 6}}
    (folder / "more_judges.yaml").write_text(yaml.safe_dump(more))
    return folder


@pytest.fixture
def app(results_root, scenarios_dir):
    """The dashboard app over the fixture results, running simulations in-process."""
    from courtsim.dashboard.app import create_app

    return create_app(results_dir=results_root, scenarios_dir=scenarios_dir, workers=0, warm=False)


@pytest.fixture(scope="session")
def every_view_root(tmp_path_factory, results_root) -> Path:
    """Every kind of results folder, a staffing search, an allocation and a corrupt folder."""
    from courtsim.experiment.allocate import allocate
    from courtsim.experiment.sequential import Budget
    from courtsim.experiment.target import find_level
    from tests.decisions.conftest import mmc, two_regions

    root = tmp_path_factory.mktemp("every_view") / "results"
    shutil.copytree(results_root, root)
    budget = Budget(min_reps=2, step=2, max_reps=4)
    find_level(mmc(days=60), "judges", "ttd_mean_days<=100", (5, 6), budget=budget, workers=1,
               out=root / "staffing")  # fmt: skip
    allocate(two_regions(0.9, days=100), "judges", 2, "ttd_mean_days", reps=2, workers=1,
             out=root / "alloc")  # fmt: skip
    corrupt = root / "corrupt"
    shutil.copytree(root / "experiments" / "compare1", corrupt)
    with (corrupt / "kpis.parquet").open("ab") as f:
        f.write(b"changed")
    return root
