"""The shipped experiment files that run on committed scenarios are valid."""

from courtsim.cli import main
from tests.conftest import ROOT

EXPERIMENTS = ROOT / "experiments"


def test_sensitivity_experiment_is_valid(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # a dry run writes nothing, not even experiments/out
    assert main(["sensitivity", str(EXPERIMENTS / "sensitivity.yaml"), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "sensitivity: 508 runs (508 points x 1 replicates, seed 1)" in out
    assert "4 KPIs" in out
    assert not any(tmp_path.iterdir())
