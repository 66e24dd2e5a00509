"""The radix orderings give exactly numpy's stable permutations (courtsim.ordering)."""

from __future__ import annotations

import numpy as np
import pytest

from courtsim.ordering import stable_argsort, stable_argsort_by


def _keys(rng: np.random.Generator, kind: str, n: int) -> np.ndarray:
    if kind == "days":  # whole days as floats, many ties, some negative
        return rng.integers(-400, 400, n).astype(np.float64)
    if kind == "wide_days":  # two 16-bit digits
        return rng.integers(-(2**20), 2**20, n).astype(np.float64)
    if kind == "fractional":  # falls back to numpy
        return rng.normal(size=n)
    if kind == "with_nan":
        k = rng.integers(0, 50, n).astype(np.float64)
        k[rng.random(n) < 0.1] = np.nan
        return k
    if kind == "int64_rows":
        return rng.integers(0, 600_000, n)
    if kind == "int64_huge":  # span beyond 2**32: falls back
        return rng.integers(0, 2**40, n)
    if kind == "int16":
        return rng.integers(-50, 50, n).astype(np.int16)
    raise ValueError(kind)


KINDS = ("days", "wide_days", "fractional", "with_nan", "int64_rows", "int64_huge", "int16")


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("n", [0, 1, 100, 3_000])
def test_stable_argsort_is_numpys_stable_permutation(kind, n):
    rng = np.random.default_rng(n + len(kind))
    key = _keys(rng, kind, n)
    assert np.array_equal(stable_argsort(key), np.argsort(key, kind="stable"))


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("n", [0, 5, 3_000])
def test_stable_argsort_by_is_lexsort(kind, n):
    rng = np.random.default_rng(7 * n + len(kind))
    primary = _keys(rng, kind, n)
    secondary = rng.permutation(n) if n % 2 else rng.integers(0, 10, n)
    expected = np.lexsort((secondary, primary))
    assert np.array_equal(stable_argsort_by(primary, secondary), expected)
