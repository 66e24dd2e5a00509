"""Named random streams derived from one seed, for common random numbers across scenarios."""

from __future__ import annotations

import zlib

import numpy as np

#: Every random process of the model draws from exactly one of these streams.
STREAM_NAMES = (
    "arrivals",  # number of filings per day, court and case type
    "case_attrs",  # per-case latent draws made once when a dispute arises (durations, effort)
    "litigants",  # per-party attributes drawn when a dispute arises (optimism, costs, ...)
    "initial",  # the pending caseload present on day 0
    "reconciliation",  # latent draws of the reconciliation channels, and parties' trust
    "actors",  # Mesa's stdlib RNG (activation order) and actor attributes
    "judges",  # judges' traits: pace, settlement promotion, adjournment strictness
    "sessions",  # each case's key of counter-based session draws (courtsim.sessions)
)


def replicate_seed_sequence(seed: int, replicate: int = 0) -> np.random.SeedSequence:
    """Return the seed sequence of replicate ``replicate`` of master seed ``seed``.

    ``SeedSequence(seed, spawn_key=(r,))`` is the r-th child of ``SeedSequence(seed)``,
    computed statelessly, so replicate r gets the same streams whichever worker runs it.

    Args:
        seed: The user-facing master seed (a non-negative integer).
        replicate: Replicate number, 0-based.

    Returns:
        The replicate's seed sequence.
    """
    return np.random.SeedSequence(entropy=seed, spawn_key=(replicate,))


class Streams:
    """Independent named ``numpy.random.Generator``s derived from one seed sequence.

    Each name is hashed with ``zlib.crc32`` (stable across processes, unlike ``hash``)
    into the spawn key, so adding a stream never shifts the draws of another.

    Args:
        seed_seq: The run's seed sequence.

    Example:
        >>> s = Streams(np.random.SeedSequence(1))
        >>> x = s["arrivals"].poisson(3.0)
    """

    def __init__(self, seed_seq: np.random.SeedSequence):
        self.seed_seq = seed_seq
        self._generators: dict[str, np.random.Generator] = {}

    def child(self, name: str) -> np.random.SeedSequence:
        """Return the seed sequence of stream ``name``.

        Args:
            name: Stream name.

        Returns:
            A seed sequence that depends only on the run's seed and ``name``.
        """
        key = (*self.seed_seq.spawn_key, zlib.crc32(name.encode("utf-8")))
        return np.random.SeedSequence(entropy=self.seed_seq.entropy, spawn_key=key)

    def __getitem__(self, name: str) -> np.random.Generator:
        gen = self._generators.get(name)
        if gen is None:
            gen = np.random.Generator(np.random.PCG64(self.child(name)))
            self._generators[name] = gen
        return gen
