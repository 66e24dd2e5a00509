"""Reconciliation channels as policies; ``REGISTRY`` maps a scenario's ``type:`` to a class."""

from courtsim.policies.base import Policy
from courtsim.policies.in_court import InCourt
from courtsim.policies.out_of_court import OutOfCourt
from courtsim.policies.pre_court import PreCourt

REGISTRY: dict[str, type[Policy]] = {
    "pre_court": PreCourt,
    "in_court": InCourt,
    "out_of_court": OutOfCourt,
}

__all__ = ["REGISTRY", "InCourt", "OutOfCourt", "Policy", "PreCourt"]
