"""Choice page: the conditional logit fit against scipy's BFGS without gradients, and page rerun times."""

from __future__ import annotations

import numpy as np
from scipy import optimize

from bench.common import Result, compare, page_rerun
from lib.choice import fit_conditional_logit, simulate_choices, simulate_design

CHOICE = "pages/choice_models.py"
N_OBS, N_ALTS = 7000, 3
TRUE_BETA = np.array([0.5, -0.3, -1.0, 0.6, 0.3])  # two constants, three attributes


def _problem() -> tuple[np.ndarray, np.ndarray]:
    X, _ = simulate_design(N_OBS, N_ALTS, 3, seed=2024)
    return X, simulate_choices(X, TRUE_BETA, seed=2025)


def _scipy_bfgs(X: np.ndarray, y: np.ndarray) -> optimize.OptimizeResult:
    """The plain approach: the same log-likelihood, BFGS with finite-difference gradients."""
    rows = np.arange(len(y))

    def negative_loglik(beta: np.ndarray) -> float:
        V = X @ beta
        peak = V.max(axis=1, keepdims=True)
        return -float((V[rows, y] - (peak[:, 0] + np.log(np.exp(V - peak).sum(axis=1)))).sum())

    return optimize.minimize(negative_loglik, np.zeros(X.shape[2]), method="BFGS")


def conditional_logit_vs_scipy_bfgs(repeats: int) -> Result:
    X, y = _problem()
    ours = fit_conditional_logit(X, y)
    anchor = _scipy_bfgs(X, y)
    # Same maximum (ours is at least as high), so the times compare like with like.
    assert ours.loglik >= -anchor.fun - 1e-6, (ours.loglik, -anchor.fun)
    ours_s, anchor_s = compare(lambda: fit_conditional_logit(X, y), lambda: _scipy_bfgs(X, y), repeats)
    what = f"fit_conditional_logit, {N_OBS:,} obs × {N_ALTS} alternatives, 5 params (Newton, analytic Hessian + SEs)"
    return Result(what, ours_s, "scipy.optimize.minimize BFGS, no gradient (no SEs)", anchor_s)


def rerun_after_lambda_slider(repeats: int) -> Result:
    return page_rerun(
        CHOICE, "ch_lambda", [0.4, 0.45, 0.5, 0.55], "Choice page rerun after moving 'Nested logit λ'", repeats
    )


def rerun_after_new_car_utility(repeats: int) -> Result:
    # A new car utility misses the red-bus and probit caches: shares, GHK at 20,000 draws, the convergence
    # curves (GHK and frequency) and the 200,000-draw reference are all recomputed.
    values = [round(-2.0 + 0.1 * i, 1) for i in range(repeats + 2)]
    return page_rerun(
        CHOICE, "ch_v_car", values, "Choice page rerun after a new 'Utility of the car' (uncached)", repeats
    )


BENCHMARKS = [conditional_logit_vs_scipy_bfgs, rerun_after_lambda_slider, rerun_after_new_car_utility]
