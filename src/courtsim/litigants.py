"""Litigants' trust in conciliation: each party's level, and how a court's trust is learned.

The parties' decisions themselves (settling, consenting to a channel) are the bargaining
rules of :mod:`courtsim.negotiation`, which weight a provider's evaluation by this trust.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:
    from courtsim.model import CourtModel


def party_trust(model: CourtModel, idx: npt.NDArray[np.int64]) -> npt.NDArray[np.float64]:
    """Return each party's trust in conciliation: its court's level plus its own deviation.

    Args:
        model: The model.
        idx: Cases.

    Returns:
        Array (len(idx), 2) in [0, 1].
    """
    c = model.cases
    level = model.court_trust[c.court[idx]][:, None]
    return np.clip(level + c.trust_dev[idx], 0.0, 1.0)


def update_trust(
    model: CourtModel, court: npt.NDArray[np.int64], settled: npt.NDArray[np.bool_]
) -> None:
    """Move each court's trust towards what its litigants have just seen.

    Each concluded attempt pulls the court's trust towards 1 (settled) or 0 (failed)
    by the learning rate; 0 keeps trust static.

    Args:
        model: The model.
        court: Court of each concluded attempt.
        settled: Whether each settled.
    """
    lr = model.court_scenario.reconciliation.trust_learning_rate
    if lr == 0 or court.size == 0:
        return
    n = model.court_trust.size
    s = np.bincount(court, weights=settled.astype(float), minlength=n)
    f = np.bincount(court, weights=(~settled).astype(float), minlength=n)
    t = model.court_trust
    t += lr * (s * (1 - t) - f * t)
    np.clip(t, 0.0, 1.0, out=t)
