"""History matching with Gaussian-process emulators, and the posterior it leaves.

The numerical core of :mod:`courtsim.calibration.fit`, free of simulations: it works on
points of the unit cube of the priors (see :class:`~courtsim.calibration.spec.ParameterSpace`)
and on the simulated means of the targets there.

**Emulator.** One Gaussian process per target (:class:`Emulator`): a linear mean in the
parameters plus a squared-exponential covariance with one length scale per parameter
and a nugget (the replicate noise left in a mean over R common-random-number
replicates), its hyper-parameters set by maximising the marginal likelihood. It predicts
a mean and a variance anywhere in the cube, in microseconds where a simulation takes a
second.

**Implausibility.** For a target with observed value z, tolerance t (the observation's
and the model's error, one standard deviation) and replicate variance s² of a single run,

    I(x) = |z - E[f(x)]| / sqrt(Var[f(x)] + t² + s² / R),

and a point is *not ruled out yet* (NROY) when its largest implausibility over the
targets is below the cut-off (3, Pukelsheim's three-sigma rule). Each wave runs new points
drawn from what is still NROY, refits the emulators there, and rules out more.

**Posterior.** After the last wave, points drawn uniformly from the final NROY space (the
prior restricted to it) are weighted by the Gaussian likelihood with the same variances,

    w(x) ∝ exp(-½ Σ_i (z_i - E[f_i(x)])² / (Var[f_i(x)] + t_i² + s_i² / R)),

and resampled into posterior draws: Bayes' rule with the emulator standing in for the
simulator, its own uncertainty added to the likelihood's, so the intervals widen where
the emulator is unsure rather than claiming precision it does not have.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.linalg import cho_factor, cho_solve
from scipy.optimize import minimize

Array = npt.NDArray[np.float64]

#: Implausibility cut-off (three-sigma rule for unimodal distributions).
CUTOFF = 3.0


def latin_hypercube(n: int, p: int, rng: np.random.Generator) -> Array:
    """Return ``n`` points of a Latin hypercube in ``[0, 1]^p`` (one per stratum a side).

    Args:
        n: Points.
        p: Dimensions.
        rng: Random generator.

    Returns:
        An (n, p) array.
    """
    u = (rng.random((n, p)) + np.arange(n)[:, None]) / n
    for j in range(p):
        u[:, j] = u[rng.permutation(n), j]
    return u


def _design(x: Array) -> Array:
    return np.column_stack([np.ones(len(x)), x])


class Emulator:
    """A Gaussian-process emulator of one target's simulated mean over the unit cube.

    Mean: linear regression on the parameters (generalised least squares); covariance:
    ``sigma² exp(-½ Σ_j ((x_j - x'_j) / l_j)²) + nugget² δ``. The hyper-parameters (log
    length scales, log sigma, log nugget) maximise the marginal likelihood of the
    standardised outputs, from a few starts.

    Args:
        x: (n, p) design points in the unit cube.
        y: (n,) simulated means (NaN rows are left out).

    Raises:
        ValueError: Fewer than p + 3 finite values.
    """

    def __init__(self, x: Array, y: Array):
        ok = np.isfinite(y)
        x, y = np.asarray(x, dtype=np.float64)[ok], np.asarray(y, dtype=np.float64)[ok]
        n, p = x.shape
        if n < p + 3:
            raise ValueError(f"an emulator needs at least {p + 3} defined values, got {n}")
        self.x = x
        self.mu_y = float(np.mean(y))
        self.sd_y = float(np.std(y)) or 1.0
        self.y = (y - self.mu_y) / self.sd_y
        self.p = p
        best: tuple[float, Array] | None = None
        for ls0 in (np.log(0.3), np.log(1.0)):
            for nug0 in (np.log(0.05), np.log(0.3)):
                theta0 = np.array([*([ls0] * p), 0.0, nug0])
                res = minimize(
                    self._neg_loglik,
                    theta0,
                    method="L-BFGS-B",
                    bounds=[(np.log(0.05), np.log(10.0))] * p
                    + [(np.log(0.05), np.log(20.0)), (np.log(1e-3), np.log(2.0))],
                )
                if best is None or res.fun < best[0]:
                    best = (float(res.fun), res.x)
        assert best is not None
        self.theta = best[1]
        self._prepare(self.theta)

    def _kernel(self, a: Array, b: Array, theta: Array) -> Array:
        ls = np.exp(theta[: self.p])
        d = (a[:, None, :] - b[None, :, :]) / ls
        return np.exp(2 * theta[self.p]) * np.exp(-0.5 * np.sum(d * d, axis=2))

    def _neg_loglik(self, theta: Array) -> float:
        n = len(self.y)
        k = self._kernel(self.x, self.x, theta) + (np.exp(2 * theta[-1]) + 1e-8) * np.eye(n)
        try:
            c = cho_factor(k, lower=True)
        except np.linalg.LinAlgError:
            return 1e10
        h = _design(self.x)
        kih = cho_solve(c, h)
        a = h.T @ kih
        try:
            beta = np.linalg.solve(a, kih.T @ self.y)
        except np.linalg.LinAlgError:
            return 1e10
        r = self.y - h @ beta
        logdet = 2 * np.sum(np.log(np.diag(c[0])))
        return float(0.5 * r @ cho_solve(c, r) + 0.5 * logdet)

    def _prepare(self, theta: Array) -> None:
        n = len(self.y)
        h = _design(self.x)
        for jitter in (1e-8, 1e-6, 1e-4, 1e-2):  # numerical safety for near-duplicate points
            k = self._kernel(self.x, self.x, theta) + (np.exp(2 * theta[-1]) + jitter) * np.eye(n)
            try:
                self._c = cho_factor(k, lower=True)
                kih = cho_solve(self._c, h)
                self._a = h.T @ kih + 1e-10 * np.eye(h.shape[1])
                self.beta = np.linalg.solve(self._a, kih.T @ self.y)
                break
            except np.linalg.LinAlgError:
                continue
        else:
            raise np.linalg.LinAlgError("the emulator's covariance matrix is singular")
        self._alpha = cho_solve(self._c, self.y - h @ self.beta)
        self._kih = kih

    @property
    def nugget(self) -> float:
        """Nugget standard deviation, in the target's units."""
        return float(np.exp(self.theta[-1]) * self.sd_y)

    @property
    def length_scales(self) -> Array:
        """Length scales, as shares of each prior range."""
        return np.exp(self.theta[: self.p])

    def predict(self, xs: Array, chunk: int = 4096) -> tuple[Array, Array]:
        """Return the emulator's mean and variance of the target at points ``xs``.

        The variance is that of the smooth mean function (the nugget excluded) and
        includes the uncertainty of the regression coefficients.

        Args:
            xs: (m, p) points in the unit cube.
            chunk: Points predicted at once (memory).

        Returns:
            Mean and variance, each (m,), in the target's units.
        """
        xs = np.atleast_2d(np.asarray(xs, dtype=np.float64))
        means, variances = [], []
        s2 = np.exp(2 * self.theta[self.p])
        for i in range(0, len(xs), chunk):
            q = xs[i : i + chunk]
            ks = self._kernel(q, self.x, self.theta)
            hs = _design(q)
            m = hs @ self.beta + ks @ self._alpha
            v_ks = cho_solve(self._c, ks.T)
            var = s2 - np.sum(ks * v_ks.T, axis=1)
            rr = hs - ks @ self._kih
            var += np.sum(rr * np.linalg.solve(self._a, rr.T).T, axis=1)
            means.append(m)
            variances.append(np.maximum(var, 1e-12))
        mean = np.concatenate(means) * self.sd_y + self.mu_y
        var = np.concatenate(variances) * self.sd_y**2
        return mean, var


@dataclass
class Wave:
    """One wave of history matching: its emulators and the variances they match with.

    Attributes:
        emulators: One per target.
        observed: Observed value of each target.
        obs_var: Tolerance² of each target.
        rep_var: Single-run variance / R of each target (the replicate noise of a mean).
        cutoff: Implausibility cut-off.
    """

    emulators: list[Emulator]
    observed: Array
    obs_var: Array
    rep_var: Array
    cutoff: float = CUTOFF

    def predict(self, u: Array) -> tuple[Array, Array]:
        """Return (m, T) emulator means and variances at points ``u``."""
        pairs = [e.predict(u) for e in self.emulators]
        return np.column_stack([m for m, _ in pairs]), np.column_stack([v for _, v in pairs])

    def implausibility(self, u: Array) -> Array:
        """Return the (m, T) implausibility of each target at points ``u``."""
        m, v = self.predict(u)
        return np.abs(self.observed - m) / np.sqrt(v + self.obs_var + self.rep_var)

    def nroy(self, u: Array) -> npt.NDArray[np.bool_]:
        """Whether each point is not ruled out: its largest implausibility below the cut-off."""
        return np.max(self.implausibility(u), axis=1) < self.cutoff

    def log_likelihood(self, u: Array) -> Array:
        """Return the Gaussian log-likelihood of the observations at points ``u``."""
        m, v = self.predict(u)
        tot = v + self.obs_var + self.rep_var
        return -0.5 * np.sum((self.observed - m) ** 2 / tot + np.log(tot), axis=1)


def sample_nroy(
    waves: list[Wave], n: int, p: int, rng: np.random.Generator, tries: int = 200_000
) -> tuple[Array, float]:
    """Draw up to ``n`` points uniformly from the space no wave has ruled out.

    Args:
        waves: The waves so far (a point must pass every one).
        n: Points wanted.
        p: Dimensions.
        rng: Random generator.
        tries: Candidate points drawn from the prior cube at most.

    Returns:
        The points (fewer than ``n`` when the space is that small) and the share of
        candidates that passed (an estimate of the NROY space's share of the prior).
    """
    kept: list[Array] = []
    drawn = passed = 0
    batch = max(4 * n, 2000)
    while drawn < tries and passed < n:
        u = rng.random((batch, p))
        ok = np.ones(batch, dtype=bool)
        for w in waves:
            ok[ok] = w.nroy(u[ok])
        kept.append(u[ok])
        drawn += batch
        passed += int(ok.sum())
    pts = np.concatenate(kept) if kept else np.empty((0, p))
    return pts[:n], passed / max(drawn, 1)


def weighted_quantile(x: Array, w: Array, q: Array) -> Array:
    """Return quantiles ``q`` of values ``x`` with weights ``w``.

    Args:
        x: Values.
        w: Non-negative weights.
        q: Probabilities in [0, 1].

    Returns:
        The quantiles.
    """
    order = np.argsort(x)
    xs, ws = x[order], w[order]
    cdf = (np.cumsum(ws) - 0.5 * ws) / np.sum(ws)
    return np.interp(q, cdf, xs)


def posterior_sample(
    waves: list[Wave], p: int, rng: np.random.Generator, candidates: int = 20_000
) -> tuple[Array, Array, float]:
    """Return weighted posterior points: uniform NROY candidates and their likelihoods.

    Args:
        waves: All waves (the last one's emulators give the likelihood).
        p: Dimensions.
        rng: Random generator.
        candidates: Points drawn from the NROY space.

    Returns:
        (m, p) points, their normalised weights, and the effective sample size.
    """
    u, _ = sample_nroy(waves, candidates, p, rng, tries=50 * candidates)
    if len(u) == 0:
        return u, np.empty(0), 0.0
    ll = waves[-1].log_likelihood(u)
    w = np.exp(ll - ll.max())
    w /= w.sum()
    return u, w, float(1.0 / np.sum(w**2))


__all__ = [
    "CUTOFF",
    "Emulator",
    "Wave",
    "latin_hypercube",
    "posterior_sample",
    "sample_nroy",
    "weighted_quantile",
]
