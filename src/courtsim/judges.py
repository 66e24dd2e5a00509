"""Judges' traits, drawn per judge from named streams and held as arrays over all judges.

Heterogeneity lives in arrays so that the judges' daily work stays vectorised: pace
(sessions a day, desk hours), how hard each judge promotes settlement, and how readily
each grants adjournments (``judges.*`` in the scenario; ``docs/model.md``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from courtsim.schema.court import Judges


@dataclass(frozen=True)
class JudgeTraits:
    """Per-judge traits.

    Attributes:
        slots_per_day: Sessions each judge holds a working day (may be fractional).
        desk_hours: Desk hours each judge has a working day (decisions, approvals).
        promotion: How hard each judge promotes settlement (1 = the in-court policy's push).
        strictness: Multiplier of the adjournments each judge grants (evidence, joinder).
    """

    slots_per_day: npt.NDArray[np.float64]
    desk_hours: npt.NDArray[np.float64]
    promotion: npt.NDArray[np.float64]
    strictness: npt.NDArray[np.float64]

    @classmethod
    def draw(cls, params: Judges, n: int, seed_seq: np.random.SeedSequence) -> JudgeTraits:
        """Draw the traits of ``n`` judges, each trait from its own child stream.

        Judge j's uniform for a trait is the j-th draw of that trait's stream, so adding
        judges (a staffing sweep) leaves the traits of the first ones unchanged.

        Args:
            params: The scenario's ``judges`` section.
            n: Number of judges.
            seed_seq: The ``judges`` stream's seed sequence.

        Returns:
            The traits.
        """
        u = np.empty((4, n))
        for i in range(4):
            child = np.random.SeedSequence(seed_seq.entropy, spawn_key=(*seed_seq.spawn_key, i))
            u[i] = np.random.Generator(np.random.PCG64(child)).random(n)
        desk = params.hours_per_day * params.availability * params.desk_pace.from_uniform(u[1])
        return cls(
            slots_per_day=np.maximum(params.hearing_slots_per_day.from_uniform(u[0]), 0.0),
            desk_hours=np.maximum(desk, 0.0),
            promotion=np.maximum(params.settlement_promotion.from_uniform(u[2]), 0.0),
            strictness=np.maximum(params.adjournment_strictness.from_uniform(u[3]), 0.0),
        )
