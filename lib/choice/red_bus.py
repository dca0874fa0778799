"""The red bus / blue bus experiment, probit convergence and the estimation sandbox."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from lib.choice._shared import MAX_DRAWS, SeedLike, _seed
from lib.choice.data import simulate_choices, simulate_design
from lib.choice.estimation import ChoiceFit, fit_conditional_logit, fit_nested_logit
from lib.choice.iia import IIATest, hausman_mcfadden_test, iia_lr_test
from lib.choice.logit import mnl_probabilities, nested_logit_probabilities
from lib.choice.probit import probit_binary_exact, probit_probabilities, red_bus_covariance

LOGIT_ERROR_VARIANCE = np.pi**2 / 6  # variance of a standard Gumbel error: probit errors use it so scales match
RED_BUS_ALTERNATIVES = ("car", "red bus", "blue bus")


def red_bus_shares(
    v_car: float, v_bus: float, lam: float, rho: float, n_draws: int = 20_000, seed: SeedLike = None
) -> pd.DataFrame:
    """Shares of car and bus before, and of car, red bus and blue bus after, an identical blue bus appears.

    Models: MNL; nested logit with the buses in one nest (dissimilarity ``lam``); probit whose bus errors
    correlate with ``rho`` (error variance π²/6 as the logit's, so the models agree before the clone); and
    the common-sense answer (the clone only splits the bus riders). Long format: model, scenario,
    alternative, share.
    """
    V_before, V_after = np.array([v_car, v_bus], dtype=float), np.array([v_car, v_bus, v_bus], dtype=float)
    before = mnl_probabilities(V_before)
    cov = LOGIT_ERROR_VARIANCE * red_bus_covariance(rho)
    after = {
        "multinomial logit": mnl_probabilities(V_after),
        f"nested logit, λ = {lam:g}": nested_logit_probabilities(V_after, [[0], [1, 2]], [1.0, lam]),
        f"probit, ρ = {rho:g}": probit_probabilities(V_after, cov, n_draws, seed),
        "common sense: the clone splits the bus": np.array([before[0], before[1] / 2, before[1] / 2]),
    }
    probit_before = probit_binary_exact(v_car, v_bus, LOGIT_ERROR_VARIANCE * np.eye(2))
    rows = []
    for model, shares_before in (
        ("multinomial logit", before),
        (f"nested logit, λ = {lam:g}", before),
        (f"probit, ρ = {rho:g}", np.array([probit_before, 1 - probit_before])),
        ("common sense: the clone splits the bus", before),
    ):
        rows += [
            (model, "before", alt, float(s)) for alt, s in zip(RED_BUS_ALTERNATIVES[:2], shares_before, strict=True)
        ]
    for model, shares_after in after.items():
        rows += [(model, "after", alt, float(s)) for alt, s in zip(RED_BUS_ALTERNATIVES, shares_after, strict=True)]
    return pd.DataFrame(rows, columns=["model", "scenario", "alternative", "share"])


def probit_convergence(
    V: np.ndarray | Sequence, cov: np.ndarray | Sequence, max_draws: int, seed: SeedLike = None, points: int = 12
) -> pd.DataFrame:
    """GHK and frequency-simulator probabilities at a geometric grid of draw counts up to ``max_draws``
    (each from fresh draws). Long format: method, draws, alternative (index), probability.
    """
    if int(max_draws) != max_draws or not 10 <= max_draws <= MAX_DRAWS:
        raise ValueError(f"max_draws must be a whole number from 10 to {MAX_DRAWS:,}, got {max_draws}.")
    grid = np.unique(np.geomspace(10, max_draws, points).round().astype(int))
    rng = _seed(seed)
    rows = []
    for method in ("ghk", "frequency"):
        for n in grid:
            P = probit_probabilities(V, cov, int(n), rng, method=method)
            rows += [(method, int(n), j, float(p)) for j, p in enumerate(P)]
    return pd.DataFrame(rows, columns=["method", "draws", "alternative", "probability"])


def recovery_study(
    true_beta: Sequence[float],
    lam: float,
    n_max: int,
    seed: SeedLike = None,
    n_min: int = 200,
    points: int = 7,
    model: str = "conditional",
) -> pd.DataFrame:
    """Fit the conditional (or, with ``model="nested"``, the nested) logit to the first n of one simulated
    sample, for n on a geometric grid up to ``n_max``.

    The sample has 3 alternatives, constants for alternatives 1 and 2, and standard-normal attributes;
    choices come from a nested logit with alternatives 1 and 2 in a nest of dissimilarity ``lam``
    (λ = 1: the MNL, so the conditional logit is correctly specified; otherwise only the nested logit
    is). Long format: n, parameter, estimate, std_error, truth (λ of the nest included for the nested fit).
    """
    if model not in ("conditional", "nested"):
        raise ValueError(f"model must be 'conditional' or 'nested', got {model!r}.")
    true_beta = np.asarray(true_beta, dtype=float)
    if int(n_max) != n_max or not n_min <= n_max <= 100_000:
        raise ValueError(f"n_max must be a whole number from {n_min} to 100,000, got {n_max}.")
    rng = _seed(seed)
    X, names = simulate_design(int(n_max), 3, true_beta.size - 2, rng)
    y = simulate_choices(X, true_beta, rng, nests=[[0], [1, 2]], lambdas=[1.0, lam])
    rows = []
    for n in np.unique(np.geomspace(n_min, n_max, points).round().astype(int)):
        try:
            if model == "nested":
                fit = fit_nested_logit(X[:n], y[:n], [[0], [1, 2]], names=names)
                estimates = np.r_[fit.params, fit.lambdas[1]]
                errors = np.r_[fit.std_errors, fit.lambda_std_errors[1]]
                truth, labels = np.r_[true_beta, lam], [*names, "λ"]
            else:
                fit = fit_conditional_logit(X[:n], y[:n], names=names)
                estimates, errors, truth, labels = fit.params, fit.std_errors, true_beta, list(names)
        except ValueError:
            continue  # e.g. an alternative never chosen in a tiny sample
        rows += [
            (int(n), name, float(b), float(s), float(t))
            for name, b, s, t in zip(labels, estimates, errors, truth, strict=True)
        ]
    return pd.DataFrame(rows, columns=["n", "parameter", "estimate", "std_error", "truth"])


@dataclass(frozen=True)
class SandboxResult:
    """Both fits of one simulated sample, the IIA tests, and the data (for export)."""

    mnl: ChoiceFit
    nested: ChoiceFit
    lr_test: IIATest
    hausman: IIATest
    X: np.ndarray
    choice: np.ndarray


def estimation_sandbox(true_beta: Sequence[float], lam: float, n_obs: int, seed: SeedLike = None) -> SandboxResult:
    """Simulate ``n_obs`` choices as in :func:`recovery_study`, fit the conditional and the nested logit
    (nest {1, 2}), and test IIA by likelihood ratio and by Hausman–McFadden (dropping alternative 1)."""
    true_beta = np.asarray(true_beta, dtype=float)
    if int(n_obs) != n_obs or not 50 <= n_obs <= 100_000:
        raise ValueError(f"n_obs must be a whole number from 50 to 100,000, got {n_obs}.")
    rng = _seed(seed)
    X, names = simulate_design(int(n_obs), 3, true_beta.size - 2, rng)
    y = simulate_choices(X, true_beta, rng, nests=[[0], [1, 2]], lambdas=[1.0, lam])
    mnl = fit_conditional_logit(X, y, names=names)
    nested = fit_nested_logit(X, y, [[0], [1, 2]], names=names)
    return SandboxResult(mnl, nested, iia_lr_test(mnl, nested), hausman_mcfadden_test(X, y, [1], names=names), X, y)
