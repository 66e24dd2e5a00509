"""Experiments: replications with confidence intervals, paired comparisons, sweeps, sensitivity.

Runs go to a local process pool by default, to this process with ``workers=1``, or to a
Dask cluster with ``scheduler="tcp://host:8786"``; results are identical either way.
See ``docs/experiments.md``.
"""

from courtsim.experiment.allocate import AllocationResult, allocate
from courtsim.experiment.compare import Comparison, compare
from courtsim.experiment.replicate import ReplicateResult, replicate
from courtsim.experiment.sensitivity import SensitivityOutcome, sensitivity
from courtsim.experiment.spec import ExperimentError, RunsFailedError, load_experiment
from courtsim.experiment.sweep import SweepOutcome, sweep
from courtsim.experiment.target import TargetResult, find_level

__all__ = [
    "AllocationResult",
    "Comparison",
    "ExperimentError",
    "ReplicateResult",
    "RunsFailedError",
    "SensitivityOutcome",
    "SweepOutcome",
    "TargetResult",
    "allocate",
    "compare",
    "find_level",
    "load_experiment",
    "replicate",
    "sensitivity",
    "sweep",
]
