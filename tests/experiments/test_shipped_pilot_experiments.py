"""The shipped pilot experiments are valid (they need the pilot scenarios and keys)."""

from courtsim.cli import main
from tests.conftest import ROOT

EXPERIMENTS = ROOT / "experiments"


def test_compare_pilots_experiment_is_valid(capsys):
    assert main(["compare", str(EXPERIMENTS / "compare_pilots.yaml"), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "4 scenario(s) against 'Baseline', 30 paired replicates each: 150 runs" in out


def test_conciliation_capacity_experiment_is_valid(capsys):
    exp = EXPERIMENTS / "conciliation_capacity.yaml"
    assert main(["sweep", str(exp), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "conciliation_capacity: 200 runs (20 points x 10 replicates, seed 1)" in out
    assert "conciliation.judges_per_court (int), mediators.retired_judge.per_court (int)" in out
    assert "invalid" not in out
