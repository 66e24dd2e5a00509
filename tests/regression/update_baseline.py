"""Regenerate the golden summary in ``tests/regression/data/baseline.json``.

Run ``python tests/regression/update_baseline.py`` only when a change of the engine's
results is intended, and review the diff of the JSON file in the pull request: every
number that moves is a behaviour that changed. ``tests/regression/test_baseline.py``
compares a fresh run with this file to a relative tolerance of 1e-9.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import sys
from pathlib import Path
from typing import Any

from courtsim import simulate
from courtsim.schema.scenario import validate_scenario

BASELINE_PATH = Path(__file__).resolve().parent / "data" / "baseline.json"
SEED = 2024
REPLICATE = 1

#: The golden scenario: small, but every mechanism of the court core is switched on
#: (returns, settlement, withdrawal, appeals, minimum durations, initial backlog, two
#: courts, parallel cases, deadline order, a warm-up). Kept here, not in conftest.py,
#: so that it changes only together with the golden file.
GOLDEN: dict[str, Any] = {
    "name": "golden",
    "start_date": dt.date(2024, 1, 1),
    "horizon_days": 90,
    "courts": {
        "north": {"judge_share": 0.5, "filing_share": 0.6},
        "south": {"judge_share": 0.5, "filing_share": 0.4},
    },
    "judges": {
        "count": 4,
        "hours_per_day": 5.0,
        "availability": 0.9,
        "max_parallel_cases": 2,
        "discipline": "deadline",
        "assignment": "random",
    },
    "filings": {"per_year": 2500.0, "process": "poisson"},
    "case_types": {
        "debt": {
            "share": 0.6,
            "effort_hours": {"dist": "lognormal", "median": 2.0, "sigma": 0.8},
            "main_hearings": {"dist": "uniform", "low": 1, "high": 2},
            "time_limit_days": 60,
            "p_returned": 0.2,
            "p_uncontested": 0.5,
            "withdraw_hazard_per_month": 0.05,
            "p_appeal": 0.1,
            "p_appeal_settled": 0.02,
        },
        "alimony": {
            "share": 0.4,
            "effort_hours": {"dist": "exponential", "mean": 1.5},
            "preliminary_hearing": False,
            "time_limit_days": 30,
            "p_returned": 0.05,
            "p_uncontested": 0.6,
            "relationship_value_share": 0.3,
            "state_fee_mci": 0.0,
        },
    },
    "initial_pending": {"per_judge": 15, "share_in_preparation": 0.5},
    "reporting": {"warmup_days": 10},
}


def _num(x: Any) -> float | int | None:
    if isinstance(x, bool):
        return int(x)
    x = float(x) if not isinstance(x, int) else x
    return None if isinstance(x, float) and math.isnan(x) else x


def summary() -> dict[str, Any]:
    """Run the golden scenario and summarise it (numbers only; NaN stored as null)."""
    sc = validate_scenario(GOLDEN, source="tests/regression/update_baseline.py")
    res = simulate(sc, seed=SEED, replicate=REPLICATE)
    d, c = res.daily, res.cases
    outcome = c["outcome"].astype(str)
    return {
        "seed": SEED,
        "replicate": REPLICATE,
        "kpis": {k: _num(v) for k, v in sorted(res.kpis.items())},
        "daily": {
            "n_pending": [int(x) for x in d["n_pending"]],
            "n_in_work": [int(x) for x in d["n_in_work"]],
            "cum_filed": int(d["cum_filed"].iloc[-1]),
            "cum_disposed": int(d["cum_disposed"].iloc[-1]),
            "cum_returned": int(d["cum_returned"].iloc[-1]),
            "judge_hours_worked": _num(d["judge_hours_worked"].sum()),
        },
        "cases": {
            "n": len(c),
            "outcomes": {o: int(n) for o, n in sorted(outcome.value_counts().items())},
            "sum_t_disposed": _num(c["t_disposed"].sum()),
            "sum_t_work_start": _num(c["t_work_start"].sum()),
            "sum_effort_hours": _num(c["effort_hours"].sum()),
            "sum_claim_value_kzt": _num(c["claim_value_kzt"].sum()),
            "sum_state_fee_kzt": _num(c["state_fee_kzt"].sum()),
            "n_appealed": int(c["appealed"].sum()),
            "judges_used": sorted(int(j) for j in c["judge"].unique()),
        },
    }


def main() -> int:
    """Write the golden file and say what was written."""
    BASELINE_PATH.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(summary(), indent=1, sort_keys=True, allow_nan=False) + "\n"
    BASELINE_PATH.write_text(text, encoding="utf-8")
    print(f"wrote {BASELINE_PATH} ({len(text):,} bytes); review its diff before committing")
    return 0


if __name__ == "__main__":
    sys.exit(main())
