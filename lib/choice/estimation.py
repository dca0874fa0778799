"""Maximum-likelihood fits of the conditional and nested logit, with standard errors."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import optimize

from lib.choice._shared import LAMBDA_BOUNDS, _availability, _logsumexp, _nest_index
from lib.choice.logit import _nested_log_parts


@dataclass(frozen=True)
class ChoiceFit:
    """A fitted choice model.

    ``params`` are the taste coefficients β (``lambdas`` are reported separately); ``std_errors`` and
    ``t_stats`` are for β, ``lambda_std_errors`` for the estimated λs (0 for singleton nests, which are
    fixed at 1). ``null_loglik`` is LL(0), every available alternative equally likely, so
    ``rho_squared = 1 - loglik / null_loglik``; ``aic = 2 k - 2 loglik`` with k the number of
    estimated parameters. ``robust_std_errors`` (the conditional logit's; empty for the other models) are from
    the sandwich ``H⁻¹ (Σ_n s_n s_nᵀ) H⁻¹`` with ``s_n`` observation n's score (White's HC0), valid when the
    model is misspecified.
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
    robust_std_errors: np.ndarray = field(default_factory=lambda: np.zeros(0))

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
        if self.robust_std_errors.size:
            rows["robust_std_error"] = self.robust_std_errors
            rows["robust_t_stat"] = self.params / self.robust_std_errors
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


def mnl_scores(beta: np.ndarray | Sequence, X, choice, availability=None) -> np.ndarray:
    """Each observation's score ``s_n = x_{n,c_n} − Σ_j P_nj x_nj`` at β, shape ``(n_obs, n_params)``.

    >>> X = np.array([[[1.0], [0.0]]] * 2)
    >>> mnl_scores([0.0], X, [0, 1]).ravel().tolist()
    [0.5, -0.5]
    """
    X, choice, av, _ = _design(X, choice, availability, None)
    V = np.where(av, X @ np.asarray(beta, dtype=float), -np.inf)
    P = np.exp(V - _logsumexp(V, axis=1)[:, None])  # (n, J)
    return X[np.arange(X.shape[0]), choice] - np.einsum("nj,njk->nk", P, X)


def sandwich_covariance(covariance: np.ndarray, scores: np.ndarray) -> np.ndarray:
    """The robust covariance ``A (Σ_n s_n s_nᵀ) A`` from the classical one ``A = (−H)⁻¹`` and the scores (n, k)."""
    return covariance @ (scores.T @ scores) @ covariance


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
    robust = sandwich_covariance(covariance, mnl_scores(beta, X, choice, av))
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
        robust_std_errors=np.sqrt(np.diag(robust)),
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
