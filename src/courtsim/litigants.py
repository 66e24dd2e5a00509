"""Litigants' decisions on reconciliation, as vectorised rules over the rows concerned.

Each party decides for itself; a channel goes ahead only if both consent.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt
from scipy.special import expit, logit

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


def consent(
    model: CourtModel,
    idx: npt.NDArray[np.int64],
    fee_share: npt.NDArray[np.float64] | float = 0.0,
    willingness_boost: npt.NDArray[np.float64] | float = 0.0,
) -> npt.NDArray[np.bool_]:
    """Return whether both parties of each case agree to a reconciliation attempt.

    A party agrees when what it expects from settling beats going to judgment:
    its gain from settling (refunded fee, lawyer, delay, relationship; claim shares)
    plus its propensity and its trust (relative to 0.5, weighted), minus its optimism
    about winning and its half of any mediator's fee.

    Args:
        model: The model.
        idx: Cases offered an attempt.
        fee_share: Mediator's fee as a share of the claim (split equally), per case or scalar.
        willingness_boost: Added to each party's gain where the trial judge promotes
            settlement (in-court pilot), per case or scalar.

    Returns:
        Boolean per case: both parties consent.
    """
    c = model.cases
    rec = model.court_scenario.reconciliation
    propensity = np.array([rec.propensity_plaintiff, rec.propensity_defendant])
    score = (
        c.settle_gain[idx]
        + np.asarray(willingness_boost, dtype=float).reshape(-1, 1)
        + propensity[None, :]
        + rec.trust_weight * (party_trust(model, idx) - 0.5)
        - c.optimism[idx]
        - np.asarray(fee_share, dtype=float).reshape(-1, 1) / 2
    )
    return (score > 0).all(axis=1)


def p_settle(
    model: CourtModel,
    idx: npt.NDArray[np.int64],
    p_base: float,
    skill: npt.NDArray[np.float64] | float = 0.0,
) -> npt.NDArray[np.float64]:
    """Return each attempt's chance of ending in settlement.

    Log-odds = logit(p_base) + provider's skill - w x z, where z is the parties'
    combined optimism in standard deviations: the further their expectations diverge,
    the harder it is to agree.

    Args:
        model: The model.
        idx: Cases in an attempt.
        p_base: Chance for parties of average optimism with an average provider.
        skill: Provider's log-odds shift, per case or scalar.

    Returns:
        Probabilities in [0, 1].
    """
    c = model.cases
    lit, rec = model.court_scenario.litigants, model.court_scenario.reconciliation
    gap = c.optimism[idx].sum(axis=1) - 2 * lit.optimism_mean
    z = gap / (np.sqrt(2) * lit.optimism_sd) if lit.optimism_sd > 0 else np.zeros(idx.size)
    base = logit(np.clip(p_base, 1e-9, 1 - 1e-9))
    return expit(base + skill - rec.optimism_gap_weight * z)


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
