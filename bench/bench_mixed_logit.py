"""Mixed logit: fit_mixed_logit (Newton, analytic gradient and Hessian) against scipy's BFGS without gradients on
the same simulated log-likelihood, on a Swissmetro-sized panel (Biogeme's data are not shipped: simulated here).

    python -m bench --repeats 1 mixed_logit
"""

from __future__ import annotations

import numpy as np
from scipy import optimize

from bench.common import Result, compare
from lib.choice import fit_conditional_logit, fit_mixed_logit, simulate_mixed_panel
from lib.choice.mixed import _problem

# Swissmetro's shape: 752 respondents × 9 stated choices among train, Swissmetro and car (car not always available).
N_PEOPLE, N_CHOICES, N_DRAWS = 752, 9, 500
TRUE_BETA = [-0.4, 0.2, -1.3, -1.1]  # ASC Swissmetro, ASC car, time (random), cost
TRUE_SD, RANDOM = [1.0], [2]


def _panel() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    X, y, panel = simulate_mixed_panel(N_PEOPLE, N_CHOICES, TRUE_BETA, TRUE_SD, RANDOM, seed=2024, asc=True)
    no_car = np.repeat(np.random.default_rng(7).random(N_PEOPLE) < 0.15, N_CHOICES)  # people without a car
    y = np.where(no_car & (y == 2), 0, y)
    availability = np.ones((len(y), 3), dtype=bool)
    availability[no_car, 2] = False
    return X, y, panel, availability


def _scipy_bfgs(X, y, panel, availability) -> optimize.OptimizeResult:
    """The plain approach: the same simulated log-likelihood (same draws), BFGS with finite-difference gradients."""
    problem = _problem(X, y, RANDOM, availability, N_DRAWS, 0, panel, None)[0]
    start = np.r_[fit_conditional_logit(X, y, availability).params, 0.5]
    return optimize.minimize(lambda theta: -problem(theta, gradient=False), start, method="BFGS")


def mixed_logit_vs_scipy_bfgs(repeats: int) -> Result:
    X, y, panel, availability = _panel()

    def ours():
        return fit_mixed_logit(X, y, RANDOM, availability, n_draws=N_DRAWS, seed=0, panel=panel)

    fit, anchor = ours(), _scipy_bfgs(X, y, panel, availability)
    assert fit.loglik >= -anchor.fun - 1e-3, (fit.loglik, -anchor.fun)  # the same maximum, or a higher one
    ours_s, anchor_s = compare(ours, lambda: _scipy_bfgs(X, y, panel, availability), max(1, repeats // 3))
    what = (
        f"fit_mixed_logit, {N_PEOPLE} people × {N_CHOICES} choices, 1 random coefficient, {N_DRAWS} Halton draws "
        "(Newton, analytic gradient + Hessian, SEs)"
    )
    return Result(what, ours_s, "scipy.optimize.minimize BFGS, no gradient, same simulated LL (no SEs)", anchor_s)


BENCHMARKS = [mixed_logit_vs_scipy_bfgs]
