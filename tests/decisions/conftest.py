"""Small queueing scenarios for decision questions: M/M/c courts whose answers are known."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import courtsim
from courtsim.result import scenario_to_yaml

MMC = Path("scenarios/validation/mmc.yaml")


def mmc(lam: float = 0.8, mu: float = 0.2, judges: int = 5, days: int = 200, **more: Any):
    """Return the M/M/c validation scenario at ``lam`` cases a day and ``mu`` per judge a day."""
    over = {
        "filings.per_year": lam * 365,
        "case_types.general.effort_hours.mean": 1 / mu,
        "horizon_days": days,
        "reporting.warmup_days": days // 4,
        "judges.count": judges,
    }
    return courtsim.load_scenario(MMC).with_overrides(over | more)


def two_regions(busy_share: float, judges: int = 10, lam: float = 0.9, days: int = 240):
    """Two M/M/c regions with half the judges each; ``busy_share`` of the filings go to 'busy'."""
    return mmc(
        lam,
        judges=judges,
        days=days,
        courts={
            "busy": {"judge_share": 0.5, "filing_share": busy_share},
            "quiet": {"judge_share": 0.5, "filing_share": 1 - busy_share},
        },
    )


@pytest.fixture
def mmc_file(tmp_path: Path):
    """Return a function writing an M/M/c scenario (see :func:`mmc`) to a YAML file."""

    def write(**kw: Any) -> Path:
        path = tmp_path / "mmc.yaml"
        path.write_text(scenario_to_yaml(mmc(**kw)), encoding="utf-8")
        return path

    return write
