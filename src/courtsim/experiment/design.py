"""Design points: full grids, Latin hypercubes and Sobol sequences over experiment factors.

A factor is a dotted scenario key with ``levels`` or a ``range``. Samplers work on the unit
hypercube; :func:`to_value` maps a unit coordinate to the factor's value (a level, a
number in the range, or a whole number in it), so every design treats factors alike.
"""

from __future__ import annotations

import itertools
import math
import zlib
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy.stats import qmc

from courtsim.experiment.spec import Factor


def design_rng(seed: int, purpose: str) -> np.random.Generator:
    """Return the generator of a design, derived from the experiment seed and a purpose.

    The spawn key is a CRC of ``purpose``, far from the small replicate numbers, so design
    draws never share a stream with a run.

    Args:
        seed: Experiment master seed.
        purpose: What the draws are for (e.g. ``"design:lhs"``).

    Returns:
        A generator.
    """
    key = (zlib.crc32(purpose.encode("utf-8")),)
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=key)))


def to_python(value: Any) -> Any:
    """Return a numpy scalar as the Python scalar the scenario schema accepts.

    Args:
        value: A value.

    Returns:
        ``int``, ``float``, ``bool`` or the value unchanged.
    """
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    return value


def to_value(u: float, factor: Factor, kind: str) -> Any:
    """Map a unit coordinate ``u`` in [0, 1] to a factor value.

    Levels are chosen by equal slices of [0, 1]; an integer range ``[a, b]`` gives each of
    ``a..b`` an equal slice; a real range is scaled linearly.

    Args:
        u: Coordinate in [0, 1].
        factor: The factor.
        kind: Its value type (``int``, ``float``, ``bool``, ``str``, ``object``).

    Returns:
        The value.
    """
    if factor.levels is not None:
        k = len(factor.levels)
        return cast(factor.levels[min(math.floor(u * k), k - 1)], kind)
    lo, hi = factor.range or (0.0, 1.0)  # the spec guarantees levels or a range
    if kind == "int":
        a, b = math.ceil(lo), math.floor(hi)
        return int(min(b, a + math.floor(u * (b - a + 1))))
    return float(lo + u * (hi - lo))


def cast(value: Any, kind: str) -> Any:
    """Return ``value`` as the factor's type (a whole float to int, an int to float).

    Args:
        value: A level.
        kind: The factor's value type.

    Returns:
        The value in that type (unchanged for ``str``, ``bool``, ``object``).
    """
    value = to_python(value)
    if kind == "float" and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if kind == "int" and isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def grid(factors: dict[str, Factor], kinds: dict[str, str]) -> list[dict[str, Any]]:
    """Return the full grid of levels, the last factor varying fastest.

    Args:
        factors: Factors with levels.
        kinds: Value type per factor.

    Returns:
        One mapping of factor -> value per design point.
    """
    names = list(factors)
    levels = [[cast(v, kinds[n]) for v in factors[n].levels or ()] for n in names]
    return [dict(zip(names, combo, strict=True)) for combo in itertools.product(*levels)]


def unit_samples(design: str, n: int, d: int, seed: int) -> npt.NDArray[np.float64]:
    """Return ``n`` points in the unit hypercube ``[0, 1)^d``.

    Args:
        design: ``lhs`` (Latin hypercube) or ``sobol`` (scrambled Sobol, n a power of 2).
        n: Number of points.
        d: Number of factors.
        seed: Experiment seed.

    Returns:
        Array of shape ``(n, d)``.
    """
    rng = design_rng(seed, f"design:{design}")
    if design == "lhs":
        return np.asarray(qmc.LatinHypercube(d=d, rng=rng).random(n), dtype=np.float64)
    m = round(math.log2(n))
    return np.asarray(qmc.Sobol(d=d, scramble=True, rng=rng).random_base2(m), dtype=np.float64)


def sampled(
    factors: dict[str, Factor], kinds: dict[str, str], design: str, n: int, seed: int
) -> list[dict[str, Any]]:
    """Return ``n`` design points from a Latin hypercube or a Sobol sequence.

    Args:
        factors: The factors (levels are sampled uniformly, ranges scaled).
        kinds: Value type per factor.
        design: ``lhs`` or ``sobol``.
        n: Number of points.
        seed: Experiment seed.

    Returns:
        One mapping of factor -> value per point.
    """
    names = list(factors)
    u = unit_samples(design, n, len(names), seed)
    return [
        {name: to_value(float(row[j]), factors[name], kinds[name]) for j, name in enumerate(names)}
        for row in u
    ]


def salib_problem(factors: dict[str, Factor]) -> dict[str, Any]:
    """Return the SALib problem definition of factors with ranges.

    Args:
        factors: Factors with ranges.

    Returns:
        ``{"num_vars", "names", "bounds"}``.
    """
    names = list(factors)
    bounds = [list(factors[n].range or (0.0, 1.0)) for n in names]
    return {"num_vars": len(names), "names": names, "bounds": bounds}


def to_points(
    x: npt.NDArray[np.float64], factors: dict[str, Factor], kinds: dict[str, str]
) -> list[dict[str, Any]]:
    """Map SALib samples (in the factors' ranges) to design points.

    Args:
        x: Samples, shape ``(n, d)``, each column within its factor's range.
        factors: Factors with ranges.
        kinds: Value type per factor.

    Returns:
        One mapping of factor -> value per row (integer factors rounded by equal slices).
    """
    names = list(factors)
    out = []
    for row in x:
        point = {}
        for j, name in enumerate(names):
            lo, hi = factors[name].range or (0.0, 1.0)
            x_j = min(max(float(row[j]), lo), hi)
            if kinds[name] == "int":
                point[name] = to_value((x_j - lo) / (hi - lo), factors[name], "int")
            else:
                point[name] = x_j
        out.append(point)
    return out
