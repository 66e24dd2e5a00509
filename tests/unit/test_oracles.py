import math

import pytest

from courtsim import oracles


def _erlang_c_textbook(lam: float, mu: float, c: int) -> float:
    # The closed form with factorials: fine for small c, overflows for large c.
    a = lam / mu
    rho = a / c
    top = a**c / math.factorial(c) / (1 - rho)
    return top / (sum(a**k / math.factorial(k) for k in range(c)) + top)


@pytest.mark.parametrize(
    ("lam", "mu", "c"),
    [(0.5, 1.0, 1), (0.3, 0.2, 2), (0.1, 1 / 30, 5), (0.5, 1 / 30, 20), (9.0, 1.0, 12)],
)
def test_erlang_c_matches_textbook_formula(lam, mu, c):
    assert oracles.mmc_prob_wait(lam, mu, c) == pytest.approx(
        _erlang_c_textbook(lam, mu, c), rel=1e-12
    )


def test_single_server_reduces_to_mm1():
    lam, mu = 1 / 60, 1 / 30
    rho = lam / mu
    assert oracles.mmc_prob_wait(lam, mu, 1) == pytest.approx(rho, rel=1e-14)
    assert oracles.mm1_time_in_system(lam, mu) == pytest.approx(60.0, rel=1e-14)
    assert oracles.mmc_time_in_system(lam, mu, 1) == pytest.approx(60.0, rel=1e-12)
    # Wq = rho / (mu - lam) for M/M/1.
    assert oracles.mmc_wait_in_queue(lam, mu, 1) == pytest.approx(30.0, rel=1e-12)


def test_two_servers_closed_form():
    # M/M/2: P(wait) = 2 rho^2 / (1 + rho), Wq = rho^2 / (mu (1 - rho^2)).
    lam, mu = 0.03, 1 / 40
    rho = lam / (2 * mu)
    assert oracles.mmc_prob_wait(lam, mu, 2) == pytest.approx(2 * rho**2 / (1 + rho), rel=1e-12)
    assert oracles.mmc_wait_in_queue(lam, mu, 2) == pytest.approx(
        rho**2 / (mu * (1 - rho**2)), rel=1e-12
    )


def test_erlang_c_is_stable_for_many_servers():
    # a**c / c! overflows a float long before c = 2000; the recursion must not.
    p = oracles.mmc_prob_wait(1900.0, 1.0, 2000)
    assert math.isfinite(p)
    assert 0.0 < p < 1.0
    # Square-root staffing c = a + beta sqrt(a): P(wait) tends to the Halfin-Whitt limit
    # 1 / (1 + beta Phi(beta) / phi(beta)) as a grows (0.0070 for beta = 2.5).
    beta = 2.5
    phi = math.exp(-(beta**2) / 2) / math.sqrt(2 * math.pi)
    big_phi = 0.5 * (1 + math.erf(beta / math.sqrt(2)))
    limit = 1 / (1 + beta * big_phi / phi)
    gaps = []
    for a in (100.0, 1600.0, 25600.0):
        c = round(a + beta * math.sqrt(a))
        gaps.append(abs(oracles.mmc_prob_wait(a, 1.0, c) - limit))
    assert gaps == sorted(gaps, reverse=True)
    assert gaps[-1] < 2e-4


def test_wait_grows_with_load_and_shrinks_with_servers():
    mu = 1 / 30
    waits = [oracles.mmc_wait_in_queue(lam, mu, 5) for lam in (0.05, 0.1, 0.15)]
    assert waits == sorted(waits)
    assert oracles.mmc_wait_in_queue(0.1, mu, 6) < oracles.mmc_wait_in_queue(0.1, mu, 5)


def test_time_in_system_is_wait_plus_service():
    lam, mu, c = 0.5, 1 / 30, 20
    assert oracles.mmc_time_in_system(lam, mu, c) == pytest.approx(
        oracles.mmc_wait_in_queue(lam, mu, c) + 30.0, rel=1e-14
    )


def test_littles_law():
    assert oracles.littles_law_L(0.5, 30.96) == pytest.approx(15.48, rel=1e-14)
    assert oracles.littles_law_L(0.0, 10.0) == 0.0


@pytest.mark.parametrize(
    ("lam", "mu", "c", "match"),
    [
        (1.0, 1.0, 1, "unstable"),
        (2.5, 1.0, 2, "unstable"),
        (0.0, 1.0, 1, "arrival rate"),
        (-1.0, 1.0, 1, "arrival rate"),
        (0.5, 0.0, 1, "service rate"),
        (0.5, math.inf, 1, "service rate"),
        (0.5, 1.0, 0, "servers"),
        (0.5, 1.0, 2.5, "servers"),
    ],
)
def test_invalid_queues_are_rejected(lam, mu, c, match):
    with pytest.raises(ValueError, match=match):
        oracles.mmc_wait_in_queue(lam, mu, c)


def test_mm1_rejects_unstable_queue():
    with pytest.raises(ValueError, match="unstable"):
        oracles.mm1_time_in_system(2.0, 1.0)


@pytest.mark.parametrize(("lam", "w"), [(-0.1, 1.0), (1.0, -1.0), (math.nan, 1.0), (1.0, math.inf)])
def test_littles_law_rejects_bad_input(lam, w):
    with pytest.raises(ValueError, match="must be non-negative"):
        oracles.littles_law_L(lam, w)
