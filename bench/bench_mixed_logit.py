"""Mixed logit: fit_mixed_logit (Newton, analytic gradient and Hessian) against scipy's BFGS without gradients on
the same simulated log-likelihood: on Swissmetro (a normal travel-time coefficient with draws per choice as in
Biogeme's 05normalMixture, and with a person's draws shared by their 9 choices; the data file from Biogeme's wheel,
skipped without it) and on a simulated panel of Swissmetro's shape.

    python -m bench --repeats 3 mixed_logit
"""

from __future__ import annotations

import numpy as np
from scipy import optimize

from bench.common import Result, compare
from lib.choice import fit_conditional_logit, fit_mixed_logit, load_swissmetro, simulate_mixed_panel, swissmetro_path
from lib.choice.mixed import _problem

# Swissmetro's shape: 752 respondents × 9 stated choices among train, Swissmetro and car (car not always available).
N_PEOPLE, N_CHOICES, N_DRAWS = 752, 9, 500
TRUE_BETA = [-0.4, 0.2, -1.3, -1.1]  # ASC Swissmetro, ASC car, time (random), cost
TRUE_SD, RANDOM = [1.0], [2]
ANCHOR = "scipy.optimize.minimize BFGS, no gradient, same simulated LL (no SEs)"


def _panel() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    X, y, panel = simulate_mixed_panel(N_PEOPLE, N_CHOICES, TRUE_BETA, TRUE_SD, RANDOM, seed=2024, asc=True)
    no_car = np.repeat(np.random.default_rng(7).random(N_PEOPLE) < 0.15, N_CHOICES)  # people without a car
    y = np.where(no_car & (y == 2), 0, y)
    availability = np.ones((len(y), 3), dtype=bool)
    availability[no_car, 2] = False
    return X, y, panel, availability


def _scipy_bfgs(X, y, random, panel, availability) -> optimize.OptimizeResult:
    """The plain approach: the same simulated log-likelihood (same draws), BFGS with finite-difference gradients."""
    problem = _problem(X, y, random, availability, N_DRAWS, 0, panel, None)[0]
    start = np.r_[fit_conditional_logit(X, y, availability).params, np.full(len(random), 0.5)]
    return optimize.minimize(lambda theta: -problem(theta, gradient=False), start, method="BFGS")


def _ours_vs_bfgs(X, y, random, panel, availability, what: str, repeats: int) -> Result:
    def ours():
        return fit_mixed_logit(X, y, random, availability, n_draws=N_DRAWS, seed=0, panel=panel)

    def anchor():
        return _scipy_bfgs(X, y, random, panel, availability)

    fit, reference = ours(), anchor()
    assert fit.loglik >= -reference.fun - 1e-3, (fit.loglik, -reference.fun)  # the same maximum, or a higher one
    ours_s, anchor_s = compare(ours, anchor, max(1, repeats // 3))
    return Result(f"{what} (Newton, analytic gradient + Hessian, SEs)", ours_s, ANCHOR, anchor_s)


def mixed_logit_vs_scipy_bfgs(repeats: int) -> Result:
    what = f"fit_mixed_logit, simulated panel {N_PEOPLE} people × {N_CHOICES} choices, 1 random coef., {N_DRAWS} draws"
    X, y, panel, availability = _panel()
    return _ours_vs_bfgs(X, y, RANDOM, panel, availability, what, repeats)


def swissmetro_mixed_logit_vs_scipy_bfgs(repeats: int) -> list[Result]:
    if swissmetro_path() is None:
        return []  # Biogeme's wheel is not installed: nothing to measure
    data = load_swissmetro()
    what = f"fit_mixed_logit, Swissmetro 6,768 choices, random B_TIME, {N_DRAWS} draws"
    return [
        _ours_vs_bfgs(data.X, data.choice, [3], panel, data.availability, f"{what}, {label}", repeats)
        for panel, label in ((None, "draws per choice (Biogeme's 05normalMixture)"), (data.panel, "panel of 752"))
    ]


BENCHMARKS = [swissmetro_mixed_logit_vs_scipy_bfgs, mixed_logit_vs_scipy_bfgs]
