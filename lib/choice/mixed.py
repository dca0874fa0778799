"""Mixed logit: normal random coefficients, simulated maximum likelihood with Halton draws, panel data.

Person ``p`` has coefficients ``b_p = β + σ ⊙ ξ_p`` with ``ξ_p ~ N(0, I)`` on the random ones (``σ = 0``
elsewhere), the same across all of their choices. Given ``b_p`` the choices are a conditional logit, so

    P_p = ∫ Π_{n ∈ p} L_n(β + σ ⊙ ξ) φ(ξ) dξ ≈ (1/R) Σ_r Π_{n ∈ p} L_n(β + σ ⊙ ξ_pr),

with ``L_n(b) = exp(x_{n,c_n}·b) / Σ_{j avail} exp(x_nj·b)`` and R quasi-random draws ``ξ_pr`` per person
(scrambled Halton points pushed through the normal quantile). The simulated log-likelihood is
``Σ_p log P_p``; its gradient is written out: with ``S_pr = Σ_{n∈p} log L_n(b_pr)`` and the weights
``w_pr = exp(S_pr) / Σ_r exp(S_pr)`` (each draw's share of the person's likelihood),

    ∂/∂β_k = Σ_p Σ_r w_pr Σ_{n∈p} (x_{n,c_n,k} − Σ_j P_nrj x_njk),   ∂/∂σ_k = the same with each term times ξ_prk.

The Hessian is written out too (see ``_People.hessian``): Newton's method converges in a handful of
steps and gives the standard errors. The sign of σ is not identified
(σ and −σ with draws −ξ give the same likelihood), so σ is reported as ``|σ|``.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence

import numpy as np
from scipy import special, stats

from lib.choice._shared import MAX_DRAWS, SeedLike, _seed
from lib.choice.estimation import (
    ChoiceFit,
    _design,
    _inverse_information,
    _null_loglik,
    fit_conditional_logit,
)

MAX_CELLS = 30_000_000  # observations × draws × alternatives in one problem (a bound on the time of a fit)
CHUNK_CELLS = 2**15  # observations × alternatives × draws per block of people (256 kB per float64 (n, J, R) array)


def halton_normal_draws(n_people: int, n_draws: int, dim: int, seed: SeedLike = None) -> np.ndarray:
    """Standard-normal quasi-random draws ``(n_people, n_draws, dim)``: scrambled Halton, consecutive per person."""
    if dim == 0:
        return np.zeros((n_people, n_draws, 0))
    rng = _seed(seed)
    points = stats.qmc.Halton(d=dim, scramble=True, seed=rng).random(n_people * n_draws)
    points = np.clip(points, 1e-12, 1 - 1e-12)
    return special.ndtri(points).reshape(n_people, n_draws, dim)


class _People:
    """The simulated log-likelihood of a block of people (rows sorted by person, ids 0..P−1), as a function of θ.

    Arrays keep the draws last, ``(n_obs, n_alts, R)``, so every step is a contiguous vector operation.
    """

    def __init__(self, X, choice, av, random, people, draws):
        self.X, self.choice = X, choice
        self.starts = np.flatnonzero(np.r_[True, people[1:] != people[:-1]])  # first row of each person
        self.sizes = np.diff(np.r_[self.starts, X.shape[0]])  # choices per person
        self.random = np.asarray(random, dtype=int)
        self.person_draws = draws  # (P, R, n_random), persons in the order of their rows
        self.draws = np.ascontiguousarray(draws[people].transpose(2, 0, 1))  # (n_random, n_obs, R): a person's draws
        self.rows = np.arange(X.shape[0])
        self.x_chosen = self.X[self.rows, self.choice]  # (n_obs, K)
        self.log_av = np.where(av, 0.0, -np.inf)  # (n_obs, J)
        self.X_t = np.ascontiguousarray(X.transpose(0, 2, 1))  # (n_obs, K, J)
        self.pair_j, self.pair_l = np.triu_indices(X.shape[1], 1)  # every pair of alternatives j < l
        self.x_apart = X[:, self.pair_j] - X[:, self.pair_l]  # (n_obs, J(J−1)/2, K): x_nj − x_nl
        self.chosen_person = self._person_sums(self.x_chosen)[:, :, None]  # (P, K, 1)
        self.xi_person = np.ascontiguousarray(draws.transpose(0, 2, 1))  # (P, n_random, R)
        # The Hessian's entry (d, e) for θ_d = coefficient of column[d] times draw factor[d] (0: none, i: ξ_i).
        m, K = self.random.size, X.shape[2]
        self.pairs = [(a, b) for a in range(m + 1) for b in range(a, m + 1)]
        self.column = np.r_[np.arange(K), self.random]
        factor = np.r_[np.zeros(K, dtype=int), np.arange(1, m + 1)]
        self.pair_of = np.array([[self.pairs.index((min(f, g), max(f, g))) for g in factor] for f in factor])

    def _person_sums(self, a: np.ndarray) -> np.ndarray:
        """Sums of ``a`` (n_obs, ...) over each person's rows, (P, ...); one row each (no panel) is ``a`` itself."""
        return a if self.starts.size == a.shape[0] else np.add.reduceat(a, self.starts, axis=0)

    def _logit(self, theta: np.ndarray):
        """Per-draw logit pieces at θ: E = exp(V − peak) (n, J, R), its sum over J, S (P, R), the log-likelihood."""
        K = self.X.shape[2]
        beta, sigma = theta[:K], theta[K:]
        V = (self.X @ beta + self.log_av)[:, :, None]  # (n, J, 1); −∞ where unavailable
        for s, k, xi in zip(sigma, self.random, self.draws, strict=True):
            V = V + self.X[:, :, k, None] * (s * xi)[:, None, :]  # (n, J, R)
        V -= V.max(axis=1, keepdims=True)
        log_chosen = V[self.rows, self.choice]  # (n, R), before exp overwrites V
        E = np.exp(V, out=V)
        total = E.sum(axis=1)  # (n, R)
        log_chosen -= np.log(total)  # log L_n per draw
        S = self._person_sums(log_chosen)  # (P, R): log Π_{n∈p} L_n per draw
        top = S.max(axis=1, keepdims=True)
        person_sum = np.exp(S - top).sum(axis=1, keepdims=True)
        loglik = float((top[:, 0] + np.log(person_sum[:, 0] / S.shape[1])).sum())
        w_person = np.exp(S - top) / person_sum  # (P, R): each draw's share of its person's likelihood
        return E, total, w_person, loglik

    def __call__(self, theta: np.ndarray, gradient: bool = True):
        """The simulated log-likelihood at θ and (by default) its analytic gradient."""
        E, total, w_person, loglik = self._logit(theta)
        if not gradient:
            return loglik
        X = self.X
        w = np.repeat(w_person, self.sizes, axis=0)  # (n, R)
        P = E / total[:, None, :]  # (n, J, R)
        weights = np.stack([w, *(w * xi for xi in self.draws)], axis=2)  # (n, R, 1 + n_random)
        Q = np.matmul(P, weights)  # (n, J, 1 + n_random): Σ_r P_njr w_nr (ξ_nrk)
        grad_beta = self.x_chosen.sum(axis=0) - np.einsum("njk,nj->k", X, Q[:, :, 0])
        chosen_xi = weights[:, :, 1:].sum(axis=1)  # (n, n_random): Σ_r w_nr ξ_nrk
        grad_sigma = np.array(
            [
                self.x_chosen[:, k] @ chosen_xi[:, i] - np.sum(X[:, :, k] * Q[:, :, 1 + i])
                for i, k in enumerate(self.random)
            ]
        )
        return loglik, np.concatenate([grad_beta, grad_sigma])

    def hessian(self, theta: np.ndarray) -> tuple[float, np.ndarray, np.ndarray]:
        """(log-likelihood, gradient, Hessian) at θ, all analytic.

        With z_njr = (x_nj, x_nj,k ξ_nr,k) the regressors of θ for draw r, g_pr = Σ_{n∈p} (z_n,c,r − z̄_nr) and
        w_pr the draw weights, ``∇²ℓ = Σ_p [Σ_r w_pr (H_pr + g_pr g_prᵀ) − ḡ_p ḡ_pᵀ]`` where ḡ_p = Σ_r w_pr g_pr and
        ``H_pr = −Σ_{n∈p} Σ_j P_njr (z_njr − z̄_nr)(z_njr − z̄_nr)ᵀ``.
        """
        E, total, w_person, loglik = self._logit(theta)
        P = E / total[:, None, :]  # (n, J, R)
        x_bar = np.matmul(self.X_t, P)  # (n, K, R): Σ_j P_njr x_nj
        # A person's draws are the same for all their choices, so g_pr sums x over the person first.
        g = self.chosen_person - self._person_sums(x_bar)  # (P, K, R)
        g = np.concatenate([g, g[:, self.random] * self.xi_person], axis=1)  # (P, D, R)
        wg = g * w_person[:, None, :]
        g_bar = wg.sum(axis=2)  # (P, D)
        outer = np.matmul(wg, g.transpose(0, 2, 1)).sum(axis=0) - g_bar.T @ g_bar
        # Σ_{n,r} w Cov_P(z) with Cov_P(z) = Σ_j P_j z_j z_jᵀ − z̄ z̄ᵀ = Σ_{j<l} P_j P_l (z_j − z_l)(z_j − z_l)ᵀ and
        # z_d = x_{column d} · (1 or ξ): K × K blocks per product c of draw factors, from Σ_r P_njr P_nlr w_nr ξ^c.
        w = np.repeat(w_person, self.sizes, axis=0)  # (n, R)
        weighted = P[:, self.pair_j] * (P[:, self.pair_l] * w[:, None, :])  # (n, J(J−1)/2, R): P_j P_l w
        factors = [np.ones_like(w), *self.draws]  # index 0: no draw factor
        products = [factors[a] * factors[b] for a, b in self.pairs]  # (n, R) each
        pair_sums = np.stack([np.einsum("npr,nr->np", weighted, f) for f in products], axis=2)  # (n, J(J−1)/2, C)
        blocks = np.einsum("npa,npb,npc->cab", self.x_apart, self.x_apart, pair_sums)  # (C, K, K)
        within = blocks[self.pair_of, self.column[:, None], self.column[None, :]]  # (D, D)
        return loglik, g_bar.sum(axis=0), outer - within


class _Simulated:
    """The simulated log-likelihood of one data set and one set of draws, summed over blocks of people.

    Every term is a sum over people, so the people are cut into blocks of about ``chunk_cells`` observations ×
    alternatives × draws each: the per-draw temporaries of a block (≤ 0.5 MB) stay in the CPU's cache and in
    memory the allocator reuses, where the whole panel at once would allocate 80–135 MB per evaluation and fault
    fresh pages in every time (3–4× slower). Block sums are added with ``math.fsum``, so ℓ is as smooth in θ as
    one big sum (finite differences of it, as a gradient-free optimiser takes, see no extra rounding noise).
    """

    def __init__(self, X, choice, av, random, people, draws, chunk_cells: int = CHUNK_CELLS):
        order = np.argsort(people, kind="stable")  # a person's observations next to each other
        X, choice, av, people = X[order], choice[order], av[order], people[order]
        first_row = np.searchsorted(people, np.arange(draws.shape[0] + 1))  # (P + 1,): each person's first row
        cells_per_row = X.shape[1] * draws.shape[1]
        bounds, start = [0], 0
        for person in range(1, draws.shape[0] + 1):  # close a block once it holds chunk_cells
            if (first_row[person] - first_row[start]) * cells_per_row >= chunk_cells or person == draws.shape[0]:
                bounds.append(person)
                start = person
        self.blocks = [
            _People(X[rows], choice[rows], av[rows], random, people[rows] - a, draws[a:b])
            for a, b in itertools.pairwise(bounds)
            for rows in [slice(first_row[a], first_row[b])]
        ]

    def __call__(self, theta: np.ndarray, gradient: bool = True):
        """The simulated log-likelihood at θ and (by default) its analytic gradient."""
        parts = [block(theta, gradient) for block in self.blocks]
        if not gradient:
            return math.fsum(parts)
        return math.fsum(p[0] for p in parts), np.sum([p[1] for p in parts], axis=0)

    def hessian(self, theta: np.ndarray) -> tuple[float, np.ndarray, np.ndarray]:
        """(log-likelihood, gradient, Hessian) at θ, all analytic (see ``_People.hessian``)."""
        parts = [block.hessian(theta) for block in self.blocks]
        return (
            math.fsum(p[0] for p in parts),
            np.sum([p[1] for p in parts], axis=0),
            np.sum([p[2] for p in parts], axis=0),
        )


def _newton_step(gradient: np.ndarray, hessian: np.ndarray) -> np.ndarray:
    """Solve (−H + μI) step = g with the smallest μ ≥ 0 (from 0, then growing) that makes −H + μI definite."""
    information = -hessian
    mu = 0.0
    scale = max(1.0, float(np.max(np.abs(np.diag(information)))))
    while True:
        try:
            factor = np.linalg.cholesky(information + mu * np.eye(gradient.size))
            return np.linalg.solve(factor.T, np.linalg.solve(factor, gradient))
        except np.linalg.LinAlgError:
            mu = 1e-6 * scale if mu == 0 else mu * 10


def _people(panel: np.ndarray | Sequence | None, n_obs: int) -> np.ndarray:
    """A person index 0..P−1 per observation (each observation its own person without a panel)."""
    if panel is None:
        return np.arange(n_obs)
    panel = np.asarray(panel)
    if panel.shape != (n_obs,):
        raise ValueError(f"panel must give one person id per observation ({n_obs}), got shape {panel.shape}.")
    return np.unique(panel, return_inverse=True)[1].ravel()


def _random_indices(random: Sequence[int], n_params: int) -> np.ndarray:
    try:
        indices = np.array([int(k) for k in random], dtype=int)
    except (TypeError, ValueError):
        raise ValueError("random must be a list of coefficient indices.") from None
    if indices.size == 0:
        raise ValueError("random must name at least one coefficient; with none, fit the conditional logit.")
    if indices.min() < 0 or indices.max() >= n_params or np.unique(indices).size != indices.size:
        raise ValueError(f"random must hold distinct coefficient indices from 0 to {n_params - 1}.")
    return indices


def simulated_loglik(
    theta: np.ndarray | Sequence,
    X,
    choice,
    random: Sequence[int],
    availability=None,
    n_draws: int = 500,
    seed: SeedLike = None,
    panel=None,
) -> float:
    """The simulated mixed-logit log-likelihood at θ = (β in X's order, σ in ``random``'s order)."""
    problem = _problem(X, choice, random, availability, n_draws, seed, panel, None)[0]
    return problem(np.asarray(theta, dtype=float), gradient=False)


def _problem(X, choice, random, availability, n_draws, seed, panel, names):
    X, choice, av, names = _design(X, choice, availability, names)
    n_obs, n_alts, n_params = X.shape
    random = _random_indices(random, n_params)
    if int(n_draws) != n_draws or not 1 <= n_draws <= MAX_DRAWS:
        raise ValueError(f"n_draws must be a whole number from 1 to {MAX_DRAWS:,}, got {n_draws}.")
    if n_obs * int(n_draws) * max(n_alts, n_params) > MAX_CELLS:
        raise ValueError(
            f"{n_obs:,} observations × {int(n_draws):,} draws is too large to simulate at once; "
            f"keep observations × draws × alternatives under {MAX_CELLS:,}."
        )
    people = _people(panel, n_obs)
    draws = halton_normal_draws(int(people.max()) + 1, int(n_draws), random.size, seed)
    return _Simulated(X, choice, av, random, people, draws), X, choice, av, names, random, people


def fit_mixed_logit(
    X: np.ndarray | Sequence,
    choice: np.ndarray | Sequence,
    random: Sequence[int],
    availability: np.ndarray | Sequence | None = None,
    n_draws: int = 500,
    seed: SeedLike = None,
    panel: np.ndarray | Sequence | None = None,
    names: Sequence[str] | None = None,
    *,
    max_iter: int = 100,
    tol: float = 1e-7,
) -> ChoiceFit:
    """Mixed logit with normal random coefficients by simulated maximum likelihood (analytic gradient).

    ``random`` holds the indices of the coefficients that are ``N(β_k, σ_k²)`` across people; ``panel`` gives a
    person id per observation, so one person's draws are shared by all of their choices (no panel: every
    observation is its own person). ``params`` are β in X's order, then ``|σ|`` in ``random``'s order (names
    ``sd(name)``). Maximised by Newton's method on the analytic gradient and Hessian (damped where the Hessian is
    not negative definite, with backtracking), from the conditional logit's estimates and σ = 0.5; the standard
    errors are from that Hessian at the maximum. Iterations stop when the Newton decrement ``gᵀ(−H)⁻¹g`` (about
    twice what another step would gain) falls below ``tol``. ``n_draws`` scrambled Halton draws per person, seeded
    by ``seed``.

    Example
    -------
    >>> from lib.choice import simulate_design, simulate_choices
    >>> X, _ = simulate_design(400, 2, 1, seed=0, asc=False)
    >>> fit = fit_mixed_logit(X, simulate_choices(X, [1.0], seed=1), random=[0], n_draws=50, seed=0)
    >>> fit.names, fit.params.shape
    (('beta_0', 'sd(beta_0)'), (2,))
    """
    problem, X, choice, av, names, random, _ = _problem(X, choice, random, availability, n_draws, seed, panel, names)
    start = fit_conditional_logit(X, choice, av)
    theta = np.concatenate([start.params, np.full(random.size, 0.5)])
    loglik, gradient, hessian = problem.hessian(theta)
    converged, iteration = False, 0
    for iteration in range(max_iter + 1):  # the count of steps is reported in the fit
        step = _newton_step(gradient, hessian)
        if gradient @ step < tol:  # a full Newton step would raise ℓ by about half of this: done
            converged = True
            break
        if iteration == max_iter:
            break
        t = 1.0
        while True:  # backtrack until the simulated likelihood does not fall
            candidate = theta + t * step
            new = problem.hessian(candidate) if t == 1.0 else (problem(candidate, gradient=False),)
            if (np.isfinite(new[0]) and new[0] >= loglik - 1e-10) or t < 1e-8:
                break
            t /= 2
        if len(new) == 1:
            new = problem.hessian(candidate)
        theta, (loglik, gradient, hessian) = candidate, new
    flip = np.ones(theta.size)
    flip[X.shape[2] :] = np.where(theta[X.shape[2] :] < 0, -1.0, 1.0)  # report |σ| (its sign is not identified)
    covariance = _inverse_information(-hessian) * np.outer(flip, flip)
    return ChoiceFit(
        params=theta * flip,
        std_errors=np.sqrt(np.diag(covariance)),
        loglik=loglik,
        null_loglik=_null_loglik(av),
        names=(*names, *(f"sd({names[k]})" for k in random)),
        n_obs=X.shape[0],
        covariance=covariance,
        gradient=gradient * flip,
        converged=converged,
        iterations=iteration,
        model="mixed logit",
    )


def simulate_mixed_panel(
    n_people: int,
    n_choices: int,
    beta: Sequence[float],
    sigma: Sequence[float],
    random: Sequence[int],
    n_alts: int = 3,
    seed: SeedLike = None,
    asc: bool = False,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A panel from a mixed logit: ``(X, choice, panel)`` with standard-normal attributes.

    Person ``p`` draws ``b_p = β + σ ⊙ z_p`` once (``z_p ~ N(0, I)`` on ``random``) and makes ``n_choices`` logit
    choices with it; ``X`` is ``(n_people·n_choices, n_alts, len(beta))`` and ``panel`` the person of each row.
    With ``asc`` the first ``n_alts − 1`` columns are constants for alternatives 1, 2, … (β starts with them).
    """
    for name, value, low in (("n_people", n_people, 1), ("n_choices", n_choices, 1), ("n_alts", n_alts, 2)):
        if int(value) != value or value < low:
            raise ValueError(f"{name} must be a whole number ≥ {low}, got {value}.")
    beta = np.asarray(beta, dtype=float)
    sigma = np.asarray(sigma, dtype=float)
    random = _random_indices(random, beta.size)
    if sigma.shape != random.shape or np.any(sigma < 0) or not np.all(np.isfinite(sigma)):
        raise ValueError("sigma must give one standard deviation ≥ 0 per random coefficient.")
    n_constants = int(n_alts) - 1 if asc else 0
    if beta.size <= n_constants:
        raise ValueError(f"beta needs the {n_constants} constants and at least one attribute coefficient.")
    rng = _seed(seed)
    n_obs = int(n_people) * int(n_choices)
    X = rng.standard_normal((n_obs, int(n_alts), beta.size - n_constants))
    if asc:
        X = np.concatenate([np.broadcast_to(np.eye(int(n_alts))[:, 1:], (n_obs, int(n_alts), n_constants)), X], axis=2)
    coefficients = np.tile(beta, (int(n_people), 1))
    coefficients[:, random] += sigma * rng.standard_normal((int(n_people), random.size))
    panel = np.repeat(np.arange(int(n_people)), int(n_choices))
    V = np.einsum("njk,nk->nj", X, coefficients[panel])
    utility = V + rng.gumbel(size=V.shape)
    return X, utility.argmax(axis=1), panel
