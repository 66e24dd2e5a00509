"""Tidy rows of sweep results: one row per run and KPI, one per run, day and series.

Every frame passes through :func:`coerce`, so a run's rows have the same columns and
dtypes whether they were written by an uninterrupted sweep or by a resumed one.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from courtsim.experiment.plan import Plan, PlannedRun
    from courtsim.experiment.worker import RunOutput

_DTYPES = {"int": "int64", "float": "float64", "bool": "bool", "str": "str", "object": "str"}


def _factor_value(value: Any, kind: str) -> Any:
    if kind == "object":
        return json.dumps(value, sort_keys=True, default=str)
    return value


def key_columns(plan: Plan, run: PlannedRun) -> dict[str, Any]:
    """Return the identifying columns of a run: id, point, replicate, seed, hash, factors.

    Args:
        plan: The plan.
        run: The run.

    Returns:
        Column name -> value.
    """
    cols: dict[str, Any] = {
        "run_id": run.run_id,
        "point": run.point,
        "replicate": run.replicate,
        "seed": run.seed,
        "scenario_hash": run.scenario_hash,
    }
    if plan.samples is not None:
        cols["sample"] = plan.samples[run.point]
    for name, kind in plan.kinds.items():
        cols[name] = _factor_value(plan.points[run.point][name], kind)
    return cols


def coerce(df: pd.DataFrame, plan: Plan, daily: bool = False) -> pd.DataFrame:
    """Give a results (or daily) frame its canonical column order and dtypes.

    Args:
        df: The frame.
        plan: The plan (factor columns and types).
        daily: Whether it is a daily frame.

    Returns:
        The frame, columns in order, index reset.
    """
    dtypes: dict[str, str] = {
        "run_id": "str",
        "point": "int64",
        "replicate": "int64",
        "seed": "int64",
        "scenario_hash": "str",
    }
    if plan.samples is not None:
        dtypes["sample"] = "str"
    for name, kind in plan.kinds.items():
        dtypes[name] = _DTYPES[kind]
    if daily:
        dtypes |= {"day": "int64", "metric": "str", "value": "float64"}
    else:
        dtypes |= {"metric": "str", "value": "float64", "status": "str", "error": "str"}
    out = df[list(dtypes)].astype(dtypes)
    return out.reset_index(drop=True)


def run_rows(plan: Plan, run: PlannedRun, output: RunOutput | None) -> pd.DataFrame:
    """Return the results rows of one run: one per kept KPI.

    Args:
        plan: The plan.
        run: The run.
        output: What it returned; None when its scenario was invalid (``run.error``).

    Returns:
        Rows with ``status`` "ok" or "failed" and the error ("" when ok); a failed run's
        KPI values are NaN.
    """
    ok = output is not None and output.ok
    error = run.error if output is None else output.error
    values = output.kpis if ok and output is not None else {}
    n = len(plan.kpis)
    frame = pd.DataFrame(
        {
            **{k: [v] * n for k, v in key_columns(plan, run).items()},
            "metric": list(plan.kpis),
            "value": [float(values.get(k, np.nan)) for k in plan.kpis],
            "status": ["ok" if ok else "failed"] * n,
            "error": ["" if ok else error] * n,
        }
    )
    return coerce(frame, plan)


def daily_rows(plan: Plan, run: PlannedRun, output: RunOutput) -> pd.DataFrame:
    """Return the daily rows of one finished run: one per day and kept series.

    Args:
        plan: The plan.
        run: The run.
        output: What it returned.

    Returns:
        Rows ``<key columns>, day, metric, value``.
    """
    parts = []
    for name in plan.daily:
        values = output.daily[name]
        parts.append(pd.DataFrame({"day": np.arange(values.size), "metric": name, "value": values}))
    frame = pd.concat(parts, ignore_index=True)
    for k, v in key_columns(plan, run).items():
        frame[k] = v
    return coerce(frame, plan, daily=True)
