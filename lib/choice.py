"""Discrete choice models: multinomial logit, nested logit and multinomial probit, estimated from data.

Random utility: person ``n`` gets utility ``U_nj = V_nj + ε_nj`` from alternative ``j`` and picks the
largest. The systematic part is linear in the attributes, ``V_nj = X[n, j, :] @ β``; the error
distribution decides the model:

* i.i.d. Gumbel errors give the **multinomial logit** (MNL), ``P_j = exp(V_j) / Σ_k exp(V_k)``. Its
  ratio ``P_i / P_j`` ignores every other alternative (IIA), which is the red bus / blue bus paradox.
* Gumbel errors correlated within nests give the **nested logit**; the dissimilarity ``λ_k`` in (0, 1]
  of nest ``k`` is ``sqrt(1 - corr)`` of the utilities inside it, and λ = 1 everywhere is the MNL.
* Normal errors with any covariance give the **multinomial probit**, simulated here with GHK.

Shapes: ``V`` is ``(n_alts,)`` or ``(n_obs, n_alts)``; design arrays ``X`` are
``(n_obs, n_alts, n_params)``; ``choice`` holds the index of the chosen alternative; ``availability``
is a boolean ``(n_obs, n_alts)`` mask (unavailable alternatives get probability exactly 0).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import optimize, special, stats

from lib.uploads import check_csv_width

MAX_DRAWS = 200_000
LAMBDA_BOUNDS = (0.02, 5.0)  # estimation range for λ; λ > 1 flags a nesting inconsistent with utility maximisation

SeedLike = int | np.random.Generator | None


# ---------------------------------------------------------------------------
# Validation helpers
# ---------------------------------------------------------------------------


def _utilities(V: np.ndarray | Sequence) -> tuple[np.ndarray, bool]:
    """V as a 2-D float array and whether it was 1-D."""
    V = np.asarray(V, dtype=float)
    if V.ndim not in (1, 2) or V.shape[-1] < 1:
        raise ValueError(f"V must have shape (n_alts,) or (n_obs, n_alts), got shape {V.shape}.")
    single = V.ndim == 1
    return np.atleast_2d(V), single


def _availability(availability: np.ndarray | Sequence | None, shape: tuple[int, int]) -> np.ndarray:
    if availability is None:
        return np.ones(shape, dtype=bool)
    av = np.asarray(availability)
    if av.ndim == 1 and len(shape) == 2 and shape[0] == 1:
        av = av[None, :]
    if av.shape != shape:
        raise ValueError(f"availability must have shape {shape} to match the utilities, got {av.shape}.")
    if not np.all((av == 0) | (av == 1)):
        raise ValueError("availability must hold only 0/1 or True/False.")
    av = av.astype(bool)
    if not av.any(axis=1).all():
        raise ValueError("Every observation needs at least one available alternative.")
    return av


def _check_finite(V: np.ndarray, av: np.ndarray) -> None:
    if not np.all(np.isfinite(V[av])):
        raise ValueError("V must be finite for every available alternative.")


def _logsumexp(a: np.ndarray, axis: int, keepdims: bool = False) -> np.ndarray:
    """log Σ exp(a) along ``axis``; -inf entries are ignored and an all -inf slice gives -inf."""
    peak = np.max(a, axis=axis, keepdims=True)
    peak = np.where(np.isfinite(peak), peak, 0.0)
    with np.errstate(divide="ignore"):
        out = np.log(np.sum(np.exp(a - peak), axis=axis, keepdims=True)) + peak
    return out if keepdims else np.squeeze(out, axis=axis)


def _seed(seed: SeedLike) -> np.random.Generator:
    return seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)


def _nest_index(nests: Sequence[Sequence[int]], n_alts: int) -> np.ndarray:
    """For each alternative, the index of its nest; checks that nests partition 0..n_alts-1."""
    try:
        flat = [int(j) for nest in nests for j in nest]
    except (TypeError, ValueError):
        raise ValueError("nests must be a list of lists of alternative indices.") from None
    if any(len(nest) == 0 for nest in nests):
        raise ValueError("Every nest must hold at least one alternative.")
    if sorted(flat) != list(range(n_alts)):
        raise ValueError(f"nests must cover every alternative 0..{n_alts - 1} exactly once, got {list(nests)}.")
    index = np.empty(n_alts, dtype=int)
    for k, nest in enumerate(nests):
        index[list(nest)] = k
    return index


def _lambdas(lambdas: Sequence[float] | float, n_nests: int, *, upper: float = 1.0) -> np.ndarray:
    """One λ per nest as a float array (a scalar is used for every nest), each in (0, upper]."""
    lam = np.asarray(lambdas, dtype=float)
    if lam.ndim == 0:
        lam = np.full(n_nests, float(lam))
    if lam.shape != (n_nests,):
        raise ValueError(f"lambdas must hold one λ per nest ({n_nests}), got {lam.size}.")
    if not np.all(np.isfinite(lam)) or np.any(lam <= 0) or np.any(lam > upper):
        raise ValueError(f"Every λ must lie in (0, {upper:g}] (λ = 1 is the multinomial logit), got {lam.tolist()}.")
    return lam


# ---------------------------------------------------------------------------
# Choice probabilities
# ---------------------------------------------------------------------------


def mnl_probabilities(V: np.ndarray | Sequence, availability: np.ndarray | Sequence | None = None) -> np.ndarray:
    """Multinomial logit probabilities ``P_j = exp(V_j) / Σ_{k available} exp(V_k)``.

    Computed as ``exp(V_j - logsumexp(V))`` over the available alternatives only, so utilities of
    any size are safe; unavailable alternatives get exactly 0.

    Parameters
    ----------
    V : (n_alts,) or (n_obs, n_alts) systematic utilities.
    availability : optional boolean mask of the same shape (default: all available).

    Example
    -------
    >>> mnl_probabilities([0.0, 0.0, np.log(2.0)])
    array([0.25, 0.25, 0.5 ])
    """
    V, single = _utilities(V)
    av = _availability(availability, V.shape)
    _check_finite(V, av)
    W = np.where(av, V, -np.inf)
    P = np.exp(W - _logsumexp(W, axis=1, keepdims=True))
    return P[0] if single else P


def _nested_log_parts(V: np.ndarray, av: np.ndarray, nest_of: np.ndarray, lam: np.ndarray) -> dict[str, np.ndarray]:
    """Pieces of the nested logit, for (n_obs, n_alts) V: log P, P(j|nest), nest shares, inclusive values."""
    n_nests = lam.size
    scaled = np.where(av, V / lam[nest_of], -np.inf)
    inclusive = np.full((V.shape[0], n_nests), -np.inf)
    for k in range(n_nests):
        members = nest_of == k
        inclusive[:, k] = _logsumexp(scaled[:, members], axis=1)
    with np.errstate(invalid="ignore"):
        top = np.where(np.isfinite(inclusive), lam * inclusive, -np.inf)
    log_denominator = _logsumexp(top, axis=1, keepdims=True)
    log_nest_share = top - log_denominator
    log_within = scaled - inclusive[:, nest_of]
    log_p = log_within + log_nest_share[:, nest_of]
    return {
        "log_p": log_p,
        "within": np.exp(log_within),
        "nest_share": np.exp(log_nest_share),
        "inclusive": inclusive,
    }


def nested_logit_probabilities(
    V: np.ndarray | Sequence,
    nests: Sequence[Sequence[int]],
    lambdas: Sequence[float] | float,
    availability: np.ndarray | Sequence | None = None,
) -> np.ndarray:
    """Nested logit probabilities (random-utility form, utilities divided by λ inside a nest).

    ``P_i = P(i | k) · P(k)`` with ``P(i | k) = exp(V_i/λ_k) / Σ_{j∈k} exp(V_j/λ_k)``,
    ``P(k) = exp(λ_k I_k) / Σ_l exp(λ_l I_l)`` and the inclusive value ``I_k = log Σ_{j∈k} exp(V_j/λ_k)``.
    λ_k = 1 in every nest is the multinomial logit; λ_k → 0 makes the nest's alternatives perfect substitutes.

    Parameters
    ----------
    V : (n_alts,) or (n_obs, n_alts) systematic utilities.
    nests : list of lists of alternative indices, covering every alternative exactly once.
    lambdas : one dissimilarity λ in (0, 1] per nest (a scalar is used for every nest).
    availability : optional boolean mask of V's shape.

    Example
    -------
    Red bus / blue bus: car alone, the two identical buses in one nest, equal utilities.

    >>> nested_logit_probabilities([0.0, 0.0, 0.0], [[0], [1, 2]], [1.0, 0.5]).round(4)
    array([0.4142, 0.2929, 0.2929])
    """
    V, single = _utilities(V)
    av = _availability(availability, V.shape)
    _check_finite(V, av)
    nest_of = _nest_index(nests, V.shape[1])
    lam = _lambdas(lambdas, len(nests))
    P = np.exp(_nested_log_parts(V, av, nest_of, lam)["log_p"])
    return P[0] if single else P


def red_bus_car_share(lam: float) -> float:
    """P(car) when car, red bus and blue bus have equal utility and the buses share a nest: ``1 / (1 + 2^λ)``.

    λ = 1 (MNL) gives 1/3; λ → 0 (the buses are one alternative) gives 1/2.
    """
    lam = _lambdas(lam, 1)[0]
    return float(1.0 / (1.0 + 2.0**lam))


def _difference_covariance(cov: np.ndarray, i: int) -> np.ndarray:
    """Covariance of (ε_j - ε_i) for j ≠ i."""
    J = cov.shape[0]
    M = np.delete(np.eye(J), i, axis=0)
    M[:, i] = -1.0
    return M @ cov @ M.T


def probit_probabilities(
    V: np.ndarray | Sequence,
    cov: np.ndarray | Sequence,
    n_draws: int = 1000,
    seed: SeedLike = None,
    method: str = "ghk",
) -> np.ndarray:
    """Multinomial probit probabilities by the GHK simulator (or the crude frequency simulator).

    ``U = V + ε`` with ``ε ~ N(0, cov)``. Alternative ``i`` wins when ``ε_j - ε_i < V_i - V_j`` for
    every ``j ≠ i``: with ``Ω = M cov Mᵀ`` the covariance of those differences and ``L`` its Cholesky
    factor, GHK draws the differences one at a time from truncated normals and averages
    ``Π_k Φ((b_k - Σ_{m<k} L_km η_m) / L_kk)``. With two alternatives this is exact:
    ``P_1 = Φ((V_1 - V_2) / sqrt(σ_11 + σ_22 - 2σ_12))``. The GHK estimates of the alternatives are
    unbiased but each carries simulation noise, so they are rescaled to sum to exactly 1.

    ``method="frequency"`` instead draws whole error vectors and counts how often each alternative has
    the highest utility: simple, but a step function of the draws with a much larger variance.

    Parameters
    ----------
    V : (n_alts,) or (n_obs, n_alts) systematic utilities (n_alts ≥ 2).
    cov : (n_alts, n_alts) symmetric positive-definite error covariance.
    n_draws : simulation draws, 1 to 200,000.
    seed : int, ``numpy.random.Generator`` or None.
    method : ``"ghk"`` (default) or ``"frequency"``.

    Example
    -------
    >>> probit_probabilities([1.0, 0.0], np.eye(2), n_draws=10, seed=0).round(4)
    array([0.7602, 0.2398])
    """
    V, single = _utilities(V)
    J = V.shape[1]
    if J < 2:
        raise ValueError("The probit needs at least two alternatives.")
    if not np.all(np.isfinite(V)):
        raise ValueError("V must be finite.")
    cov = np.asarray(cov, dtype=float)
    if cov.shape != (J, J) or not np.all(np.isfinite(cov)) or not np.allclose(cov, cov.T):
        raise ValueError(f"cov must be a finite symmetric ({J}, {J}) matrix.")
    try:
        np.linalg.cholesky(cov)
    except np.linalg.LinAlgError:
        raise ValueError("cov must be positive definite (correlations strictly between -1 and 1).") from None
    if int(n_draws) != n_draws or not 1 <= n_draws <= MAX_DRAWS:
        raise ValueError(f"n_draws must be a whole number from 1 to {MAX_DRAWS:,}, got {n_draws}.")
    if method not in ("ghk", "frequency"):
        raise ValueError(f"method must be 'ghk' or 'frequency', got {method!r}.")
    rng = _seed(seed)
    n_obs, n_draws = V.shape[0], int(n_draws)
    if method == "frequency":
        errors = rng.standard_normal((n_obs, n_draws, J)) @ np.linalg.cholesky(cov).T
        winners = np.argmax(V[:, None, :] + errors, axis=2)
        P = (winners[:, :, None] == np.arange(J)).mean(axis=1)
        return P[0] if single else P
    uniforms = rng.random((J - 2, n_obs, n_draws)) if J > 2 else None
    P = np.empty_like(V)
    for i in range(J):
        L = np.linalg.cholesky(_difference_covariance(cov, i))
        bounds = V[:, [i]] - np.delete(V, i, axis=1)  # (n_obs, J-1): ε_j - ε_i < V_i - V_j
        weight = np.ones((n_obs, n_draws))
        eta = np.zeros((J - 1, n_obs, n_draws))
        for k in range(J - 1):
            shift = np.einsum("m,mod->od", L[k, :k], eta[:k]) if k else 0.0
            upper = special.ndtr((bounds[:, [k]] - shift) / L[k, k])
            weight = weight * upper
            if k < J - 2:
                # η_k ~ N(0, 1) truncated to η_k < (b_k - shift) / L_kk, by inverting the cdf.
                u = np.clip(uniforms[k] * upper, 1e-300, 1 - 1e-16)
                eta[k] = special.ndtri(u)
        P[:, i] = weight.mean(axis=1)
    P = P / P.sum(axis=1, keepdims=True)
    return P[0] if single else P


def probit_probabilities_integrated(V: np.ndarray | Sequence, cov: np.ndarray | Sequence) -> np.ndarray:
    """Probit probabilities by numerical integration: ``P_i = Φ_Ω(V_i - V_j, j ≠ i)``, the multivariate normal
    cdf of the utility differences (scipy's Genz algorithm, tolerance 1e-8), for 2 to 6 alternatives.

    The reference the GHK simulator converges to; exact to the tolerance for two or three alternatives.
    """
    V = np.asarray(V, dtype=float)
    cov = np.asarray(cov, dtype=float)
    if V.ndim != 1 or not 2 <= V.size <= 6 or not np.all(np.isfinite(V)):
        raise ValueError(f"V must hold 2 to 6 finite utilities, got shape {V.shape}.")
    probit_probabilities(V, cov, 1, 0)  # the same checks of cov
    out = np.empty(V.size)
    for i in range(V.size):
        omega = _difference_covariance(cov, i)
        bounds = V[i] - np.delete(V, i)
        if V.size == 2:
            out[i] = special.ndtr(bounds[0] / np.sqrt(omega[0, 0]))
        else:
            out[i] = stats.multivariate_normal(cov=omega, abseps=1e-8, releps=1e-8).cdf(bounds, rng=0)
    return out


def probit_binary_exact(v1: float, v2: float, cov: np.ndarray | Sequence) -> float:
    """Exact two-alternative probit: ``P_1 = Φ((V_1 - V_2) / sqrt(σ_11 + σ_22 - 2σ_12))``."""
    cov = np.asarray(cov, dtype=float)
    scale = np.sqrt(cov[0, 0] + cov[1, 1] - 2 * cov[0, 1])
    return float(stats.norm.cdf((v1 - v2) / scale))


def red_bus_covariance(rho: float, variance: float = 1.0) -> np.ndarray:
    """Error covariance for car, red bus, blue bus: the buses' errors correlate with ``rho``."""
    if not -0.5 < rho < 1:
        raise ValueError(f"rho must lie in (-0.5, 1) for a valid covariance, got {rho}.")
    return variance * np.array([[1.0, 0.0, 0.0], [0.0, 1.0, rho], [0.0, rho, 1.0]])


# ---------------------------------------------------------------------------
# Estimation
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ChoiceFit:
    """A fitted choice model.

    ``params`` are the taste coefficients β (``lambdas`` are reported separately); ``std_errors`` and
    ``t_stats`` are for β, ``lambda_std_errors`` for the estimated λs (0 for singleton nests, which are
    fixed at 1). ``null_loglik`` is LL(0), every available alternative equally likely, so
    ``rho_squared = 1 - loglik / null_loglik``; ``aic = 2 k - 2 loglik`` with k the number of
    estimated parameters.
    """

    params: np.ndarray
    std_errors: np.ndarray
    loglik: float
    null_loglik: float
    names: tuple[str, ...]
    n_obs: int
    covariance: np.ndarray
    gradient: np.ndarray
    converged: bool
    iterations: int
    model: str = "conditional logit"
    lambdas: np.ndarray = field(default_factory=lambda: np.zeros(0))
    lambda_std_errors: np.ndarray = field(default_factory=lambda: np.zeros(0))
    nests: tuple[tuple[int, ...], ...] = ()

    @property
    def t_stats(self) -> np.ndarray:
        return self.params / self.std_errors

    @property
    def n_estimated(self) -> int:
        return int(self.params.size + sum(len(n) > 1 for n in self.nests))

    @property
    def rho_squared(self) -> float:
        return float(1.0 - self.loglik / self.null_loglik)

    @property
    def aic(self) -> float:
        return float(2 * self.n_estimated - 2 * self.loglik)

    def table(self) -> pd.DataFrame:
        """Coefficients, standard errors and t-statistics (λs of nests with two or more alternatives too)."""
        rows = pd.DataFrame(
            {
                "parameter": list(self.names),
                "estimate": self.params,
                "std_error": self.std_errors,
                "t_stat": self.t_stats,
            }
        )
        estimated = [k for k, nest in enumerate(self.nests) if len(nest) > 1]
        if estimated:
            lam = pd.DataFrame(
                {
                    "parameter": [f"λ nest {k + 1}" for k in estimated],
                    "estimate": self.lambdas[estimated],
                    "std_error": self.lambda_std_errors[estimated],
                    # t against 1: is the nest different from the multinomial logit?
                    "t_stat": (self.lambdas[estimated] - 1.0) / self.lambda_std_errors[estimated],
                }
            )
            rows = pd.concat([rows, lam], ignore_index=True)
        return rows


@dataclass(frozen=True)
class ChoiceData:
    """Arrays ready for the fit functions, read from a data frame (see :func:`choice_data_from_frame`)."""

    X: np.ndarray
    choice: np.ndarray
    availability: np.ndarray
    alternatives: tuple[str, ...]
    names: tuple[str, ...]


def _design(
    X: np.ndarray | Sequence,
    choice: np.ndarray | Sequence,
    availability: np.ndarray | Sequence | None,
    names: Sequence[str] | None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, tuple[str, ...]]:
    X = np.asarray(X, dtype=float)
    if X.ndim != 3 or min(X.shape) < 1:
        raise ValueError(f"X must have shape (n_obs, n_alts, n_params), got shape {X.shape}.")
    n_obs, n_alts, n_params = X.shape
    if n_alts < 2:
        raise ValueError("A choice model needs at least two alternatives.")
    choice = np.asarray(choice)
    if choice.shape != (n_obs,) or not np.all(np.equal(np.mod(choice, 1), 0)):
        raise ValueError(f"choice must hold one whole alternative index per observation ({n_obs}).")
    choice = choice.astype(int)
    if choice.min() < 0 or choice.max() >= n_alts:
        raise ValueError(f"choice must hold alternative indices from 0 to {n_alts - 1}.")
    av = _availability(availability, (n_obs, n_alts))
    if not av[np.arange(n_obs), choice].all():
        first = int(np.flatnonzero(~av[np.arange(n_obs), choice])[0])
        raise ValueError(f"Observation {first} chose alternative {choice[first]}, which is not available to it.")
    if not np.all(np.isfinite(X[av])):
        raise ValueError("X must be finite for every available alternative.")
    X = np.where(av[..., None], X, 0.0)
    counts = np.bincount(choice, minlength=n_alts)
    if np.any(counts == 0):
        raise ValueError(
            f"Alternative {int(np.flatnonzero(counts == 0)[0])} is never chosen, so the model cannot be "
            "estimated; drop it or add observations that choose it."
        )
    if names is None:
        names = tuple(f"beta_{k}" for k in range(n_params))
    names = tuple(str(n) for n in names)
    if len(names) != n_params:
        raise ValueError(f"names must give one name per parameter ({n_params}), got {len(names)}.")
    spread = X - X.mean(axis=1, keepdims=True)
    if np.linalg.matrix_rank(spread.reshape(-1, n_params)) < n_params:
        raise ValueError(
            "The parameters are not identified: some column of X does not vary across alternatives "
            "(or repeats another), such as a constant for every alternative."
        )
    return X, choice, av, names


def _mnl_loglik_parts(beta: np.ndarray, X: np.ndarray, choice: np.ndarray, av: np.ndarray):
    V = np.where(av, X @ beta, -np.inf)
    log_denominator = _logsumexp(V, axis=1)
    rows = np.arange(X.shape[0])
    loglik = float(np.sum(V[rows, choice] - log_denominator))
    P = np.exp(V - log_denominator[:, None])
    mean_x = np.matmul(P[:, None, :], X)[:, 0, :]
    gradient = (X[rows, choice] - mean_x).sum(axis=0)
    centred = X - mean_x[:, None, :]
    flat = centred.reshape(-1, X.shape[2])
    hessian = -(flat * P.reshape(-1, 1)).T @ flat
    return loglik, gradient, hessian


def mnl_loglik(beta: np.ndarray | Sequence, X, choice, availability=None) -> float:
    """The conditional logit log-likelihood ``Σ_n [V_{n,c_n} - log Σ_{j avail} exp(V_nj)]`` at β."""
    X, choice, av, _ = _design(X, choice, availability, None)
    return _mnl_loglik_parts(np.asarray(beta, dtype=float), X, choice, av)[0]


def mnl_gradient(beta: np.ndarray | Sequence, X, choice, availability=None) -> np.ndarray:
    """Analytic gradient ``Σ_n (x_{n,c_n} - Σ_j P_nj x_nj)`` of the conditional logit log-likelihood."""
    X, choice, av, _ = _design(X, choice, availability, None)
    return _mnl_loglik_parts(np.asarray(beta, dtype=float), X, choice, av)[1]


def _null_loglik(av: np.ndarray) -> float:
    return float(-np.log(av.sum(axis=1)).sum())


def fit_conditional_logit(
    X: np.ndarray | Sequence,
    choice: np.ndarray | Sequence,
    availability: np.ndarray | Sequence | None = None,
    names: Sequence[str] | None = None,
    *,
    max_iter: int = 100,
    tol: float = 1e-9,
) -> ChoiceFit:
    """McFadden's conditional logit by maximum likelihood (Newton's method, analytic gradient and Hessian).

    ``V_nj = X[n, j] @ β`` and ``log L(β) = Σ_n [V_{n,c_n} - log Σ_{j avail} exp(V_nj)]``. The gradient is
    ``Σ_n (x_{n,c_n} - x̄_n)`` with ``x̄_n = Σ_j P_nj x_nj``, the Hessian ``-Σ_n Σ_j P_nj (x_nj - x̄_n)(x_nj - x̄_n)ᵀ``
    (negative definite, so Newton converges from β = 0), and the standard errors are the square roots of
    the diagonal of ``(-H)^{-1}``.

    Alternative-specific constants are columns of X that are 1 for one alternative and 0 elsewhere;
    leave one alternative out as the reference.

    Example
    -------
    Two alternatives, a constant for the first, chosen 2 times out of 3: β = log 2.

    >>> X = np.array([[[1.0], [0.0]]] * 3)
    >>> round(float(fit_conditional_logit(X, [0, 1, 0]).params[0]), 4)
    0.6931
    """
    X, choice, av, names = _design(X, choice, availability, names)
    beta = np.zeros(X.shape[2])
    loglik, gradient, hessian = _mnl_loglik_parts(beta, X, choice, av)
    converged, iteration = False, 0
    for iteration in range(1, max_iter + 1):  # noqa: B007 (the count is reported in the fit)
        try:
            step = np.linalg.solve(-hessian, gradient)
        except np.linalg.LinAlgError:
            step = gradient * 1e-3
        t = 1.0
        while True:
            candidate = beta + t * step
            new = _mnl_loglik_parts(candidate, X, choice, av)
            if (np.isfinite(new[0]) and new[0] >= loglik - 1e-12) or t < 1e-10:
                break
            t /= 2
        improvement = new[0] - loglik
        beta, (loglik, gradient, hessian) = candidate, new
        if abs(improvement) < tol and np.max(np.abs(gradient)) < 1e-6 * max(1.0, abs(loglik)):
            converged = True
            break
    covariance = _inverse_information(-hessian)
    if not np.all(np.isfinite(beta)) or np.max(np.abs(beta)) > 1e6:
        raise ValueError("The likelihood has no maximum: some alternative is perfectly predicted by X.")
    return ChoiceFit(
        params=beta,
        std_errors=np.sqrt(np.diag(covariance)),
        loglik=loglik,
        null_loglik=_null_loglik(av),
        names=names,
        n_obs=X.shape[0],
        covariance=covariance,
        gradient=gradient,
        converged=converged,
        iterations=iteration,
    )


def _inverse_information(information: np.ndarray) -> np.ndarray:
    try:
        covariance = np.linalg.inv(information)
    except np.linalg.LinAlgError:
        raise ValueError("The information matrix is singular, so the parameters are not identified.") from None
    if np.any(np.diag(covariance) <= 0) or not np.all(np.isfinite(covariance)):
        raise ValueError("The information matrix is not positive definite, so standard errors do not exist here.")
    return covariance


# --- nested logit ----------------------------------------------------------------------------------


def _nl_loglik_and_gradient(theta, X, choice, av, nest_of, estimated):
    """Nested logit log-likelihood and its analytic gradient in θ = (β, λ of the estimated nests)."""
    n_params = X.shape[2]
    beta = theta[:n_params]
    lam = np.ones(int(nest_of.max()) + 1)
    lam[estimated] = theta[n_params:]
    V = X @ beta
    parts = _nested_log_parts(V, av, nest_of, lam)
    rows = np.arange(X.shape[0])
    loglik = float(parts["log_p"][rows, choice].sum())

    within, nest_share, inclusive = parts["within"], parts["nest_share"], parts["inclusive"]
    n_nests = lam.size
    members = np.eye(n_nests)[nest_of]  # (J, K)
    # x̄_k = Σ_{j∈k} P(j|k) x_j and V̄_k likewise, per observation.
    mean_x = np.matmul((within[:, :, None] * X).transpose(0, 2, 1), members).transpose(0, 2, 1)
    mean_v = (within * np.where(av, V, 0.0)) @ members
    k_chosen = nest_of[choice]
    lam_c = lam[k_chosen]
    x_c = X[rows, choice]
    # d log P_i / dβ = x_i/λ_k + (λ_k - 1) x̄_k/λ_k - Σ_l Q_l x̄_l
    grad_beta = (
        x_c / lam_c[:, None]
        + ((lam_c - 1) / lam_c)[:, None] * mean_x[rows, k_chosen]
        - np.matmul(nest_share[:, None, :], mean_x)[:, 0, :]
    ).sum(axis=0)
    # d log P_i / dλ_m = [m = k](-V_i/λ_k² + I_k - (λ_k - 1) V̄_k/λ_k²) - Q_m (I_m - V̄_m/λ_m)
    inc = np.where(np.isfinite(inclusive), inclusive, 0.0)
    own = -V[rows, choice] / lam_c**2 + inc[rows, k_chosen] - (lam_c - 1) * mean_v[rows, k_chosen] / lam_c**2
    d_lambda = -nest_share * (inc - mean_v / lam)
    d_lambda[rows, k_chosen] += own
    grad_lambda = d_lambda.sum(axis=0)[estimated]
    return loglik, np.concatenate([grad_beta, grad_lambda])


def nested_loglik(theta, X, choice, nests, availability=None) -> float:
    """Nested logit log-likelihood at θ = (β, λ for each nest with two or more alternatives)."""
    X, choice, av, _ = _design(X, choice, availability, None)
    nest_of = _nest_index(nests, X.shape[1])
    estimated = np.array([k for k, nest in enumerate(nests) if len(nest) > 1], dtype=int)
    return _nl_loglik_and_gradient(np.asarray(theta, dtype=float), X, choice, av, nest_of, estimated)[0]


def nested_gradient(theta, X, choice, nests, availability=None) -> np.ndarray:
    """Analytic gradient of :func:`nested_loglik` in θ."""
    X, choice, av, _ = _design(X, choice, availability, None)
    nest_of = _nest_index(nests, X.shape[1])
    estimated = np.array([k for k, nest in enumerate(nests) if len(nest) > 1], dtype=int)
    return _nl_loglik_and_gradient(np.asarray(theta, dtype=float), X, choice, av, nest_of, estimated)[1]


def fit_nested_logit(
    X: np.ndarray | Sequence,
    choice: np.ndarray | Sequence,
    nests: Sequence[Sequence[int]],
    availability: np.ndarray | Sequence | None = None,
    names: Sequence[str] | None = None,
) -> ChoiceFit:
    """Nested logit by maximum likelihood: β and one λ per nest of two or more alternatives.

    Maximised with L-BFGS-B on the analytic gradient, started from the conditional logit, with λ kept in
    [0.02, 5]: an estimate above 1 means the data reject this nesting as a random-utility model.
    Singleton nests have λ fixed at 1 (it cancels out of their probabilities). Standard errors come from
    the Hessian, obtained by central differences of the analytic gradient.
    """
    X, choice, av, names = _design(X, choice, availability, names)
    nest_of = _nest_index(nests, X.shape[1])
    nests_t = tuple(tuple(int(j) for j in nest) for nest in nests)
    estimated = np.array([k for k, nest in enumerate(nests_t) if len(nest) > 1], dtype=int)
    start = fit_conditional_logit(X, choice, av, names)

    def negative(theta):
        loglik, gradient = _nl_loglik_and_gradient(theta, X, choice, av, nest_of, estimated)
        return -loglik, -gradient

    n_params = X.shape[2]
    theta0 = np.concatenate([start.params, np.full(estimated.size, 0.9)])
    bounds = [(None, None)] * n_params + [LAMBDA_BOUNDS] * estimated.size
    result = optimize.minimize(
        negative, theta0, jac=True, method="L-BFGS-B", bounds=bounds, options={"maxiter": 500, "gtol": 1e-8}
    )
    theta = result.x
    loglik, gradient = _nl_loglik_and_gradient(theta, X, choice, av, nest_of, estimated)
    hessian = _numerical_hessian(lambda t: _nl_loglik_and_gradient(t, X, choice, av, nest_of, estimated)[1], theta)
    covariance = _inverse_information(-hessian)
    se = np.sqrt(np.diag(covariance))
    lambdas = np.ones(len(nests_t))
    lambdas[estimated] = theta[n_params:]
    lambda_se = np.zeros(len(nests_t))
    lambda_se[estimated] = se[n_params:]
    return ChoiceFit(
        params=theta[:n_params],
        std_errors=se[:n_params],
        loglik=loglik,
        null_loglik=_null_loglik(av),
        names=names,
        n_obs=X.shape[0],
        covariance=covariance,
        gradient=gradient,
        converged=bool(result.success),
        iterations=int(result.nit),
        model="nested logit",
        lambdas=lambdas,
        lambda_std_errors=lambda_se,
        nests=nests_t,
    )


def _numerical_hessian(gradient, theta: np.ndarray) -> np.ndarray:
    """Central differences of an analytic gradient, symmetrised."""
    n = theta.size
    H = np.empty((n, n))
    for i in range(n):
        h = 1e-5 * max(1.0, abs(theta[i]))
        step = np.zeros(n)
        step[i] = h
        H[:, i] = (gradient(theta + step) - gradient(theta - step)) / (2 * h)
    return (H + H.T) / 2


# ---------------------------------------------------------------------------
# Tests of IIA
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class IIATest:
    """A test of independence of irrelevant alternatives: the statistic, its degrees of freedom, p-value."""

    statistic: float
    df: int
    pvalue: float
    name: str


def iia_lr_test(mnl: ChoiceFit, nested: ChoiceFit) -> IIATest:
    """Likelihood-ratio test of the MNL (every λ = 1) against the nested logit.

    ``LR = 2 (LL_nested - LL_mnl)`` is χ² with one degree of freedom per estimated λ under IIA.
    """
    if nested.model != "nested logit" or mnl.model != "conditional logit":
        raise ValueError("iia_lr_test needs a conditional logit fit and a nested logit fit of the same data.")
    if mnl.n_obs != nested.n_obs or mnl.names != nested.names:
        raise ValueError("The two fits must use the same data and the same parameters.")
    df = int(sum(len(n) > 1 for n in nested.nests))
    if df == 0:
        raise ValueError("The nested logit has no nest of two or more alternatives, so there is nothing to test.")
    statistic = max(0.0, 2.0 * (nested.loglik - mnl.loglik))
    return IIATest(statistic, df, float(stats.chi2.sf(statistic, df)), "likelihood ratio, nested vs MNL")


def hausman_mcfadden_test(
    X: np.ndarray | Sequence,
    choice: np.ndarray | Sequence,
    drop: Sequence[int],
    availability: np.ndarray | Sequence | None = None,
    names: Sequence[str] | None = None,
) -> IIATest:
    """Hausman–McFadden test: refit without the alternatives in ``drop``; under IIA β does not change.

    ``H = (β_r - β_f)ᵀ (V_r - V_f)^{-1} (β_r - β_f)`` over the attribute coefficients (alternative-specific
    constants are left out of the comparison), χ² with that many degrees of freedom. Observations that chose a dropped
    alternative are removed. A negative-definite ``V_r - V_f`` (it happens in small samples) is
    handled with a pseudo-inverse and the statistic floored at 0.
    """
    X, choice, av, names = _design(X, choice, availability, names)
    drop = sorted({int(d) for d in drop})
    if not drop or min(drop) < 0 or max(drop) >= X.shape[1] or len(drop) >= X.shape[1] - 1:
        raise ValueError(f"drop must name between 1 and {X.shape[1] - 2} of the alternatives 0..{X.shape[1] - 1}.")
    full = fit_conditional_logit(X, choice, av, names)
    keep_alts = np.setdiff1d(np.arange(X.shape[1]), drop)
    rows = ~np.isin(choice, drop)
    Xr, avr = X[rows][:, keep_alts], av[rows][:, keep_alts]
    remap = {old: new for new, old in enumerate(keep_alts)}
    chr_ = np.array([remap[c] for c in choice[rows]])
    # Keep the columns still identified without the dropped alternatives (greedily, in order) ...
    spread = (Xr - Xr.mean(axis=1, keepdims=True)).reshape(-1, X.shape[2])
    usable: list[int] = []
    for p in range(X.shape[2]):
        if np.linalg.matrix_rank(spread[:, [*usable, p]]) == len(usable) + 1:
            usable.append(p)
    restricted = fit_conditional_logit(Xr[:, :, usable], chr_, avr, [names[u] for u in usable])
    # ... and compare the attributes, not the alternative-specific constants (their reference may change).
    varies = [i for i, p in enumerate(usable) if np.ptp(X[:, :, p], axis=0).max() > 0]
    if not varies:
        raise ValueError("No attribute coefficient is left to compare after dropping those alternatives.")
    cols = np.array(usable)[varies]
    diff = restricted.params[varies] - full.params[cols]
    v_diff = restricted.covariance[np.ix_(varies, varies)] - full.covariance[np.ix_(cols, cols)]
    statistic = max(0.0, float(diff @ np.linalg.pinv(v_diff) @ diff))
    df = len(varies)
    return IIATest(statistic, df, float(stats.chi2.sf(statistic, df)), "Hausman–McFadden")


# ---------------------------------------------------------------------------
# Using a model: elasticities, willingness to pay, simulation
# ---------------------------------------------------------------------------


def elasticities(
    X: np.ndarray | Sequence,
    beta: np.ndarray | Sequence,
    attribute: int,
    nests: Sequence[Sequence[int]] | None = None,
    lambdas: Sequence[float] | None = None,
) -> np.ndarray:
    """Point elasticities of every choice probability with respect to one attribute of every alternative.

    ``E[i, j] = ∂ log P_i / ∂ log x_j`` for attribute ``attribute`` (column of X) with coefficient β_a.
    MNL: ``E[i, j] = β_a x_j (δ_ij - P_j)``: every cross-elasticity in column j is the same (IIA).
    Nested logit adds, for i and j in the same nest k, ``β_a x_j (1/λ_k - 1)(δ_ij - P(j | k))``.

    Parameters
    ----------
    X : (n_alts, n_params) attributes of one market.
    beta : (n_params,) taste coefficients.
    attribute : column index of the attribute that changes.
    nests, lambdas : optional nesting (default: MNL).
    """
    X = np.asarray(X, dtype=float)
    beta = np.asarray(beta, dtype=float)
    if X.ndim != 2 or beta.shape != (X.shape[1],):
        raise ValueError(f"X must be (n_alts, n_params) and beta (n_params,), got {X.shape} and {beta.shape}.")
    if int(attribute) != attribute or not 0 <= attribute < X.shape[1]:
        raise ValueError(f"attribute must be a column index from 0 to {X.shape[1] - 1}, got {attribute}.")
    J = X.shape[0]
    V = X @ beta
    eye = np.eye(J)
    scale = beta[attribute] * X[:, attribute]  # β_a x_j, per column j
    if nests is None:
        P = mnl_probabilities(V)
        return scale[None, :] * (eye - P[None, :])
    nest_of = _nest_index(nests, J)
    lam = _lambdas(lambdas if lambdas is not None else 1.0, len(nests))
    parts = _nested_log_parts(V[None, :], np.ones((1, J), dtype=bool), nest_of, lam)
    P = np.exp(parts["log_p"][0])
    within = parts["within"][0]
    same = nest_of[:, None] == nest_of[None, :]
    extra = (1 / lam[nest_of][None, :] - 1) * (eye - within[None, :]) * same
    return scale[None, :] * (eye - P[None, :] + extra)


def willingness_to_pay(
    params: np.ndarray | Sequence,
    names: Sequence[str],
    cost: str,
    covariance: np.ndarray | None = None,
) -> pd.DataFrame:
    """Willingness to pay for one more unit of each attribute: ``WTP_a = -β_a / β_cost``.

    With a negative time coefficient WTP for time is negative: ``-WTP_time = β_time / β_cost`` is the
    value of time (money a person gives up to save one unit of time). Given the covariance of β, the
    standard errors come from the delta method:
    ``Var = (1/β_c²) [Var β_a - 2 (β_a/β_c) Cov(β_a, β_c) + (β_a/β_c)² Var β_c]``.
    """
    params = np.asarray(params, dtype=float)
    names = [str(n) for n in names]
    if len(names) != params.size:
        raise ValueError(f"names must give one name per parameter ({params.size}), got {len(names)}.")
    if cost not in names:
        raise ValueError(f"cost must be one of the parameter names {names}, got {cost!r}.")
    c = names.index(cost)
    if params[c] == 0:
        raise ValueError("The cost coefficient is 0, so willingness to pay is undefined.")
    others = [i for i in range(params.size) if i != c]
    ratio = params[others] / params[c]
    frame = pd.DataFrame({"attribute": [names[i] for i in others], "wtp": -ratio})
    if covariance is not None:
        cov = np.asarray(covariance, dtype=float)[: params.size, : params.size]
        var = (cov[others, others] - 2 * ratio * cov[others, c] + ratio**2 * cov[c, c]) / params[c] ** 2
        frame["std_error"] = np.sqrt(np.maximum(var, 0.0))
    return frame


def simulate_choices(
    X: np.ndarray | Sequence,
    beta: np.ndarray | Sequence,
    seed: SeedLike = None,
    nests: Sequence[Sequence[int]] | None = None,
    lambdas: Sequence[float] | None = None,
    availability: np.ndarray | Sequence | None = None,
) -> np.ndarray:
    """Draw one choice per observation from the MNL (or nested logit) with coefficients ``beta``."""
    X = np.asarray(X, dtype=float)
    if X.ndim != 3:
        raise ValueError(f"X must have shape (n_obs, n_alts, n_params), got shape {X.shape}.")
    V = X @ np.asarray(beta, dtype=float)
    if nests is None:
        P = mnl_probabilities(V, availability)
    else:
        P = nested_logit_probabilities(V, nests, lambdas if lambdas is not None else 1.0, availability)
    u = _seed(seed).random((X.shape[0], 1))
    return np.minimum((P.cumsum(axis=1) < u).sum(axis=1), X.shape[1] - 1)


def simulate_design(
    n_obs: int, n_alts: int, n_attributes: int, seed: SeedLike = None, asc: bool = True
) -> tuple[np.ndarray, tuple[str, ...]]:
    """A random design: standard-normal attributes per alternative, plus constants for alternatives 1.. if asc."""
    if int(n_obs) != n_obs or n_obs < 1:
        raise ValueError(f"n_obs must be a whole number >= 1, got {n_obs}.")
    if int(n_alts) != n_alts or n_alts < 2:
        raise ValueError(f"n_alts must be a whole number >= 2, got {n_alts}.")
    rng = _seed(seed)
    attributes = rng.standard_normal((int(n_obs), int(n_alts), int(n_attributes)))
    names = [f"x{k + 1}" for k in range(n_attributes)]
    if asc:
        constants = np.broadcast_to(np.eye(n_alts)[:, 1:], (int(n_obs), n_alts, n_alts - 1))
        attributes = np.concatenate([constants, attributes], axis=2)
        names = [f"asc_{j}" for j in range(1, n_alts)] + names
    return attributes, tuple(names)


# ---------------------------------------------------------------------------
# Reading choice data from a table
# ---------------------------------------------------------------------------

LONG_COLUMNS = ("obs", "alt", "chosen")  # required in long format; "available" is optional
WIDE_COLUMNS = ("choice",)  # plus <attribute>_<alternative> and optional av_<alternative>


def _numeric(frame: pd.DataFrame, column: str) -> np.ndarray:
    values = pd.to_numeric(frame[column], errors="coerce")
    if values.isna().any():
        raise ValueError(f"Column {column!r} must hold numbers only (row {int(values.isna().to_numpy().argmax())}).")
    return values.to_numpy(dtype=float)


def choice_data_from_frame(frame: pd.DataFrame, layout: str = "long", asc: bool = True) -> ChoiceData:
    """Turn a long- or wide-format table into arrays for the fit functions.

    **Long** (one row per observation and alternative): columns ``obs`` (choice situation id), ``alt``
    (alternative name), ``chosen`` (1 on the chosen row, else 0), optional ``available`` (0/1, default 1),
    and numeric attribute columns (every other column). A missing row means unavailable.

    **Wide** (one row per observation): ``choice`` (the chosen alternative's name), attribute columns named
    ``<attribute>_<alternative>`` (one per alternative that has it, 0 where missing) and optional
    ``av_<alternative>`` availability columns. Alternatives are the suffixes of the ``av_`` columns, or
    else the values seen in ``choice``.

    With ``asc``, an alternative-specific constant ``asc_<alt>`` is added for every alternative but the
    first (the reference). Alternatives are ordered as they first appear.
    """
    if not isinstance(frame, pd.DataFrame) or frame.empty:
        raise ValueError("The table is empty.")
    frame = frame.rename(columns=lambda c: str(c).strip())
    if layout == "long":
        data = _from_long(frame)
    elif layout == "wide":
        data = _from_wide(frame)
    else:
        raise ValueError(f"layout must be 'long' or 'wide', got {layout!r}.")
    X, choice, av, alternatives, names = data
    if asc:
        J = len(alternatives)
        constants = np.broadcast_to(np.eye(J)[:, 1:], (X.shape[0], J, J - 1))
        X = np.concatenate([constants, X], axis=2)
        names = [f"asc_{a}" for a in alternatives[1:]] + list(names)
    counts = np.bincount(choice, minlength=len(alternatives))
    if np.any(counts == 0):
        raise ValueError(f"Nobody chose alternative {alternatives[int(np.argmin(counts))]!r}; drop it from the data.")
    X, choice, av, names = _design(X, choice, av, names)
    return ChoiceData(X, choice, av, tuple(alternatives), names)


def _from_long(frame: pd.DataFrame):
    missing = [c for c in LONG_COLUMNS if c not in frame.columns]
    if missing:
        raise ValueError(f"A long-format table needs the columns obs, alt, chosen; missing: {', '.join(missing)}.")
    attributes = [c for c in frame.columns if c not in (*LONG_COLUMNS, "available")]
    if not attributes:
        raise ValueError("The table needs at least one numeric attribute column besides obs, alt, chosen, available.")
    chosen = _numeric(frame, "chosen")
    available = _numeric(frame, "available") if "available" in frame.columns else np.ones(len(frame))
    if not np.isin(chosen, (0, 1)).all() or not np.isin(available, (0, 1)).all():
        raise ValueError("Columns chosen and available must hold 0 or 1.")
    values = np.column_stack([_numeric(frame, c) for c in attributes])
    obs = frame["obs"].astype(str).to_numpy()
    alts = frame["alt"].astype(str).to_numpy()
    alternatives = list(dict.fromkeys(alts))
    observations = list(dict.fromkeys(obs))
    obs_index = pd.Index(observations).get_indexer(obs)
    alt_index = pd.Index(alternatives).get_indexer(alts)
    if pd.Series(list(zip(obs_index, alt_index, strict=True))).duplicated().any():
        raise ValueError("Each (obs, alt) pair must appear at most once.")
    n, J = len(observations), len(alternatives)
    X = np.zeros((n, J, len(attributes)))
    av = np.zeros((n, J), dtype=bool)
    chosen_matrix = np.zeros((n, J))
    X[obs_index, alt_index] = values
    av[obs_index, alt_index] = available == 1
    chosen_matrix[obs_index, alt_index] = chosen
    per_obs = chosen_matrix.sum(axis=1)
    if np.any(per_obs != 1):
        bad = observations[int(np.flatnonzero(per_obs != 1)[0])]
        raise ValueError(f"Observation {bad!r} must have exactly one row with chosen = 1.")
    choice = chosen_matrix.argmax(axis=1)
    unavailable = ~av[np.arange(n), choice]
    if unavailable.any():
        bad = int(np.flatnonzero(unavailable)[0])
        name = alternatives[choice[bad]]
        raise ValueError(f"Observation {observations[bad]!r} chose {name!r}, which is not available.")
    return X, choice, av, alternatives, attributes


def _from_wide(frame: pd.DataFrame):
    if "choice" not in frame.columns:
        raise ValueError("A wide-format table needs a choice column naming the chosen alternative.")
    chosen = frame["choice"].astype(str).str.strip().to_numpy()
    av_columns = [c for c in frame.columns if c.startswith("av_")]
    alternatives = [c[3:] for c in av_columns] if av_columns else list(dict.fromkeys(chosen))
    if len(alternatives) < 2:
        raise ValueError("A wide-format table needs at least two alternatives.")
    attributes: list[str] = []
    for column in frame.columns:
        if column == "choice" or column in av_columns or column == "obs":
            continue
        base, _, alt = column.rpartition("_")
        if not base or alt not in alternatives:
            raise ValueError(f"Column {column!r} is not <attribute>_<alternative> for a known alternative.")
        if base not in attributes:
            attributes.append(base)
    if not attributes:
        raise ValueError("The table needs attribute columns named <attribute>_<alternative>.")
    n, J = len(frame), len(alternatives)
    X = np.zeros((n, J, len(attributes)))
    for j, alt in enumerate(alternatives):
        for a, base in enumerate(attributes):
            column = f"{base}_{alt}"
            if column in frame.columns:
                X[:, j, a] = _numeric(frame, column)
    if av_columns:
        av_values = np.column_stack([_numeric(frame, c) for c in av_columns])
        if not np.isin(av_values, (0, 1)).all():
            raise ValueError("Availability columns av_<alternative> must hold 0 or 1.")
        av = av_values == 1
    else:
        av = np.ones((n, J), dtype=bool)
    unknown = sorted(set(chosen) - set(alternatives))
    if unknown:
        raise ValueError(f"The choice column names an unknown alternative {unknown[0]!r}.")
    choice = pd.Index(alternatives).get_indexer(chosen)
    unavailable = ~av[np.arange(n), choice]
    if unavailable.any():
        bad = int(np.flatnonzero(unavailable)[0])
        raise ValueError(f"Row {bad} chose {alternatives[choice[bad]]!r}, which is not available.")
    return X, choice, av, alternatives, attributes


# ---------------------------------------------------------------------------
# The page's experiments, one call each
# ---------------------------------------------------------------------------

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


def parse_market(text: str, attributes: Sequence[str], min_count: int = 2) -> tuple[tuple[str, ...], np.ndarray]:
    """Read alternatives written as ``name: a1, a2, ...; name: ...`` (one value per attribute).

    Example
    -------
    >>> parse_market("car: 6, 20; bus: 2, 45", ["price", "time"])
    (('car', 'bus'), array([[ 6., 20.],
           [ 2., 45.]]))
    """
    entries = [e.strip() for e in str(text).replace("\n", ";").split(";") if e.strip()]
    if not min_count <= len(entries) <= 8:
        raise ValueError(
            f"Give between {min_count} and 8 alternatives, separated by semicolons (car: 6, 20, 1; bus: 2, 45, 0)."
        )
    names, rows = [], []
    for entry in entries:
        name, colon, values = entry.rpartition(":")
        name = name.strip()
        if not colon or not name:
            raise ValueError(f"Write each alternative as name: {', '.join(attributes)} (got {entry[:40]!r}).")
        try:
            numbers = [float(v) for v in values.split(",")]
        except ValueError:
            raise ValueError(f"The values of {name[:20]!r} must be numbers separated by commas.") from None
        if len(numbers) != len(attributes) or not np.all(np.isfinite(numbers)):
            raise ValueError(f"{name[:20]!r} needs {len(attributes)} finite numbers: {', '.join(attributes)}.")
        if name in names:
            raise ValueError(f"The alternative name {name[:20]!r} appears twice.")
        names.append(name[:20])
        rows.append(numbers)
    return tuple(names), np.array(rows)


def clone_sources(shares: pd.DataFrame) -> pd.DataFrame:
    """Where the blue bus's riders come from, per model, from :func:`red_bus_shares`'s table.

    Shares are zero-sum: the blue bus's share equals what the car lost plus what the red bus lost.
    """

    def share(scenario: str, alternative: str) -> pd.Series:
        rows = shares[(shares["scenario"] == scenario) & (shares["alternative"] == alternative)]
        return rows.set_index("model")["share"]

    models = list(dict.fromkeys(shares["model"]))
    from_car = (share("before", "car") - share("after", "car"))[models].to_numpy()
    from_red = (share("before", "red bus") - share("after", "red bus"))[models].to_numpy()
    blue = share("after", "blue bus")[models].to_numpy()
    return pd.DataFrame(
        {
            "model": models,
            "blue bus share": blue,
            "taken from car": from_car,
            "taken from red bus": from_red,
            "fraction from car": from_car / blue,
        }
    )


def market_scenarios(
    names: Sequence[str],
    X: np.ndarray,
    beta: Sequence[float],
    changed: int,
    price_factor: float,
    new_name: str | None = None,
    new_x: Sequence[float] | None = None,
    price_column: int = 0,
) -> pd.DataFrame:
    """MNL shares today, after alternative ``changed``'s price is multiplied by ``price_factor``, and after a
    new product joins. Long format: scenario, alternative, share (the new product appears only where present)."""
    X = np.asarray(X, dtype=float)
    beta = np.asarray(beta, dtype=float)
    names = [str(n) for n in names]
    if int(changed) != changed or not 0 <= changed < len(names):
        raise ValueError(f"changed must index one of the {len(names)} alternatives, got {changed}.")
    if not 0 < price_factor <= 10:
        raise ValueError(f"price_factor must lie in (0, 10], got {price_factor}.")
    rows = [("today", n, float(p)) for n, p in zip(names, mnl_probabilities(X @ beta), strict=True)]
    X_price = X.copy()
    X_price[changed, price_column] *= price_factor
    label = f"{names[changed]} price × {price_factor:g}"
    rows += [(label, n, float(p)) for n, p in zip(names, mnl_probabilities(X_price @ beta), strict=True)]
    if new_name is not None and new_x is not None:
        if new_name in names:
            raise ValueError(f"The new product needs a new name, {new_name!r} is taken.")
        X_new = np.vstack([X, np.asarray(new_x, dtype=float)])
        P = mnl_probabilities(X_new @ beta)
        rows += [(f"with {new_name}", n, float(p)) for n, p in zip([*names, new_name], P, strict=True)]
    return pd.DataFrame(rows, columns=["scenario", "alternative", "share"])


def to_long_frame(
    X: np.ndarray,
    choice: np.ndarray,
    names: Sequence[str],
    alternatives: Sequence[str] | None = None,
    availability: np.ndarray | None = None,
) -> pd.DataFrame:
    """The long-format table (obs, alt, chosen, available, attributes…) that :func:`choice_data_from_frame` reads.

    Columns that are alternative-specific constants (named ``asc_…``) are left out: the reader adds them back.
    """
    X = np.asarray(X, dtype=float)
    n, J, _ = X.shape
    alternatives = list(alternatives) if alternatives is not None else [f"alt{j}" for j in range(J)]
    av = np.ones((n, J), dtype=bool) if availability is None else np.asarray(availability, dtype=bool)
    keep = [p for p, name in enumerate(names) if not str(name).startswith("asc_")]
    frame = pd.DataFrame(
        {
            "obs": np.repeat(np.arange(1, n + 1), J),
            "alt": np.tile(alternatives, n),
            "chosen": (np.arange(J)[None, :] == np.asarray(choice)[:, None]).ravel().astype(int),
            "available": av.ravel().astype(int),
        }
    )
    for p in keep:
        frame[str(names[p])] = X[:, :, p].ravel()
    return frame


@dataclass(frozen=True)
class TableFit:
    """The conditional logit (and, given a nest, the nested logit with its IIA test) of a table of choices."""

    data: ChoiceData
    mnl: ChoiceFit
    nested: ChoiceFit | None = None
    lr_test: IIATest | None = None


def fit_choice_csv(content: bytes | str, layout: str = "long", nest: Sequence[str] = ()) -> TableFit:
    """Read a CSV of choices (see :func:`choice_data_from_frame` for the columns) and fit it.

    ``nest`` names two or more alternatives that share a nest for the nested logit (the others stay
    alone); empty fits the conditional logit only. Any problem with the file is one ``ValueError``.
    """
    raw = content.encode() if isinstance(content, str) else bytes(content)
    check_csv_width(raw)
    try:
        frame = pd.read_csv(io.BytesIO(raw))
    except (ValueError, UnicodeDecodeError, pd.errors.ParserError):
        raise ValueError("The file could not be read as a CSV table.") from None
    data = choice_data_from_frame(frame, layout)
    mnl = fit_conditional_logit(data.X, data.choice, data.availability, data.names)
    members = [str(m).strip() for m in nest if str(m).strip()]
    if not members:
        return TableFit(data, mnl)
    if len(set(members)) < 2 or any(m not in data.alternatives for m in members):
        raise ValueError(f"The nest must name two or more of the alternatives {', '.join(data.alternatives)}.")
    inside = [data.alternatives.index(m) for m in dict.fromkeys(members)]
    nests = [inside] + [[j] for j in range(len(data.alternatives)) if j not in inside]
    nested = fit_nested_logit(data.X, data.choice, nests, data.availability, data.names)
    return TableFit(data, mnl, nested, iia_lr_test(mnl, nested))
