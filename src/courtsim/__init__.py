"""courtsim: agent-based simulation of civil court caseload in Kazakhstan.

Public API (see ``docs/`` and the README)::

    import courtsim
    sc = courtsim.load_scenario("scenarios/baseline.yaml")
    sc = sc.with_overrides({"judges.count": 50})
    res = courtsim.simulate(sc, seed=1)      # or simulate("scenarios/baseline.yaml")
    res.plot()                               # a plotly figure; res.plot("ttd") ...
    res.save("results/run1")
"""

from __future__ import annotations

from courtsim.errors import CourtsimError, ResultsError, ScenarioError

# typing.TYPE_CHECKING without importing typing: `courtsim` is imported before the command
# line can catch a Ctrl-C, so this module imports as little as it can (see courtsim.cli).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from courtsim.calibration.projection import project
    from courtsim.calibration.robustness import robustness
    from courtsim.experiment import allocate, compare, find_level, replicate, sensitivity, sweep
    from courtsim.model import CourtModel
    from courtsim.result import Result, load_result
    from courtsim.runner import simulate
    from courtsim.schema.scenario import Scenario, load_scenario

_EXPERIMENTS = {"allocate", "compare", "find_level", "replicate", "sweep", "sensitivity"}
#: Names imported on first use: the engine pulls in Mesa and pandas, the experiment runners
#: scipy.stats and executors, the scenario schema pydantic, so `courtsim --help` and
#: `courtsim validate` start fast (the command line is a module of this package).
_LAZY = {
    "Scenario": "courtsim.schema.scenario",
    "load_scenario": "courtsim.schema.scenario",
    "CourtModel": "courtsim.model",
    "Result": "courtsim.result",
    "load_result": "courtsim.result",
    "simulate": "courtsim.runner",
    "robustness": "courtsim.calibration.robustness",
    "project": "courtsim.calibration.projection",
}


def __getattr__(name: str) -> Any:
    if name in _EXPERIMENTS:
        from courtsim import experiment

        return getattr(experiment, name)
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'courtsim' has no attribute {name!r}")


__all__ = [
    "CourtModel",
    "CourtsimError",
    "Result",
    "ResultsError",
    "Scenario",
    "ScenarioError",
    "allocate",
    "compare",
    "find_level",
    "load_result",
    "load_scenario",
    "project",
    "replicate",
    "robustness",
    "sensitivity",
    "simulate",
    "sweep",
]
