"""Phase-type distributions PH(α, S): pdf, cdf, moments and sampling, and the named constructors."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from lib.queueing._shared import _TOL, MAX_PHASES, MAX_SAMPLES, Seed, _probabilities, _rates, _rng
from lib.validation import positive, whole

_TAYLOR_ORDER = 14
_CHUNK_ENTRIES = 2_000_000  # matrices per batch × n², bounds memory


def _expm_batch(S: np.ndarray, x: np.ndarray) -> np.ndarray:
    """``exp(S x_i)`` for many ``x_i >= 0`` at once: scaling and squaring with a Taylor series.

    ``scipy.linalg.expm`` costs milliseconds per call on small matrices; here the points
    are sorted and cut into chunks that share one scaling ``2^j`` (so that
    ``‖S x / 2^j‖ <= 1/2``), and every step is a batched ``matmul``.
    """
    n = S.shape[0]
    out = np.empty((x.size, n, n))
    order = np.argsort(x)
    norm = np.abs(S).sum(axis=1).max()
    step = max(1, _CHUNK_ENTRIES // (n * n))
    for start in range(0, x.size, step):
        idx = order[start : start + step]
        xs = x[idx]
        j = max(0, math.ceil(math.log2(max(norm * xs[-1], 1e-300))) + 1)
        A = xs[:, None, None] * (S / 2.0**j)
        term = np.broadcast_to(np.eye(n), A.shape).copy()
        total = term.copy()
        for k in range(1, _TAYLOR_ORDER + 1):
            term = term @ A / k
            total += term
        for _ in range(j):
            total = total @ total
        out[idx] = total
    return out


@dataclass(frozen=True, eq=False)
class PhaseType:
    """A phase-type distribution ``PH(α, S)``: the time to absorption of a Markov chain.

    Parameters
    ----------
    alpha : (n,) initial probabilities of the phases, ``α_i >= 0`` and ``Σ α_i <= 1``;
        the missing mass ``1 - Σ α_i`` is an atom at 0 (e.g. customers who do not wait).
    S : (n, n) sub-generator: negative diagonal, non-negative off-diagonal, row sums
        ``<= 0``; ``s0 = -S 1`` are the exit rates. Every phase must be able to reach
        absorption (``-S`` invertible).

    Examples
    --------
    >>> ph = PhaseType([1.0, 0.0], [[-2.0, 2.0], [0.0, -3.0]])  # hair-cut (rate 2), then shampoo (rate 3)
    >>> round(ph.mean, 6)  # 1/2 + 1/3
    0.833333
    """

    alpha: np.ndarray
    S: np.ndarray

    def __post_init__(self) -> None:
        alpha = np.atleast_1d(np.asarray(self.alpha, dtype=float))
        S = np.atleast_2d(np.asarray(self.S, dtype=float))
        n = alpha.size
        if alpha.ndim != 1 or n == 0:
            raise ValueError("alpha must be a non-empty list of initial phase probabilities.")
        if n > MAX_PHASES:
            raise ValueError(f"A phase-type distribution may have at most {MAX_PHASES} phases, got {n}.")
        if S.shape != (n, n):
            raise ValueError(f"S must be a square {n}×{n} matrix to match alpha's {n} phases, got shape {S.shape}.")
        if not np.all(np.isfinite(alpha)) or np.any(alpha < 0) or alpha.sum() > 1 + _TOL:
            raise ValueError(f"alpha must hold probabilities ≥ 0 that sum to at most 1, got {alpha.tolist()}.")
        if not np.all(np.isfinite(S)):
            raise ValueError("S must hold finite rates.")
        off = S - np.diag(np.diag(S))
        if np.any(np.diag(S) >= 0) or np.any(off < 0):
            raise ValueError("S must have a negative diagonal and non-negative off-diagonal rates (a sub-generator).")
        scale = np.abs(np.diag(S)).max()
        if np.any(S.sum(axis=1) > _TOL * scale):
            raise ValueError("Every row of S must sum to at most 0 (the row sum is minus that phase's exit rate).")
        if np.linalg.cond(S) > 1e12:
            raise ValueError("S must let every phase reach absorption (−S must be invertible).")
        inv = np.linalg.inv(-S)
        if np.any(inv < -_TOL * np.abs(inv).max()):
            raise ValueError("S must let every phase reach absorption (−S must be invertible).")
        alpha.setflags(write=False)
        S.setflags(write=False)
        inv.setflags(write=False)
        object.__setattr__(self, "alpha", alpha)
        object.__setattr__(self, "S", S)
        # Not dataclass fields, so that Streamlit's cache keys (dataclasses.asdict) and pickles see (α, S) only.
        object.__setattr__(self, "_inv", inv)  # (-S)^{-1}
        object.__setattr__(self, "_moments", {})  # memo of moment(k)

    def __reduce__(self) -> tuple:
        # Pickle (and Streamlit's cache hashing) see only (α, S), never the moment memo.
        return (type(self), (self.alpha.copy(), self.S.copy()))

    # -- structure -----------------------------------------------------------------------------------

    @property
    def n_phases(self) -> int:
        return int(self.alpha.size)

    @property
    def exit_rates(self) -> np.ndarray:
        """``s0 = -S 1``: the rate of leaving for good from each phase."""
        return np.clip(-self.S.sum(axis=1), 0.0, None)

    @property
    def atom(self) -> float:
        """``P(X = 0) = 1 - Σ α_i``."""
        return float(max(0.0, 1.0 - self.alpha.sum()))

    # -- distribution functions --------------------------------------------------------------------------

    def _expm_rows(self, x: np.ndarray) -> np.ndarray:
        """``α exp(S x)`` for every x >= 0, shape (len(x), n); see :func:`_expm_batch`."""
        return np.einsum("i,kij->kj", self.alpha, _expm_batch(self.S, x))

    def pdf(self, x: float | np.ndarray) -> float | np.ndarray:
        """Density ``α exp(Sx) s0`` for x > 0 (0 for x < 0; the atom at 0 is not a density)."""
        arr = np.asarray(x, dtype=float)
        flat = arr.ravel()
        out = np.zeros(flat.shape)
        pos = flat >= 0
        if pos.any():
            out[pos] = self._expm_rows(flat[pos]) @ self.exit_rates
        out = np.clip(out, 0.0, None).reshape(arr.shape)
        return float(out) if out.ndim == 0 else out

    def sf(self, x: float | np.ndarray) -> float | np.ndarray:
        """Survival ``P(X > x) = α exp(Sx) 1``."""
        arr = np.asarray(x, dtype=float)
        flat = arr.ravel()
        out = np.ones(flat.shape)
        pos = flat >= 0
        if pos.any():
            out[pos] = self._expm_rows(flat[pos]).sum(axis=1)
        out = np.clip(out, 0.0, 1.0).reshape(arr.shape)
        return float(out) if out.ndim == 0 else out

    def cdf(self, x: float | np.ndarray) -> float | np.ndarray:
        """``P(X <= x) = 1 - α exp(Sx) 1`` for x >= 0 (0 for x < 0)."""
        return 1.0 - self.sf(x)

    def moment(self, k: int) -> float:
        """Raw moment ``E[X^k] = k! α (-S)^{-k} 1``."""
        k = whole("k", k, 1, 20)
        if k not in self._moments:
            v = np.ones(self.n_phases)
            for _ in range(k):
                v = self._inv @ v
            self._moments[k] = float(math.factorial(k) * self.alpha @ v)
        return self._moments[k]

    @property
    def mean(self) -> float:
        return self.moment(1)

    @property
    def variance(self) -> float:
        return max(0.0, self.moment(2) - self.mean**2)

    @property
    def scv(self) -> float:
        """Squared coefficient of variation ``Var[X] / E[X]^2`` (1 for the exponential)."""
        return self.variance / self.mean**2

    # -- simulation ------------------------------------------------------------------------------------

    def sample(self, size: int, seed: Seed = None) -> np.ndarray:
        """Draw ``size`` values by walking the phases, every customer at once.

        Each round, every customer still in service spends an exponential time in its
        phase (rate ``-S_ii``), then jumps to another phase or leaves with probabilities
        ``S_ij / -S_ii`` and ``s0_i / -S_ii``. The loop runs once per jump, not per customer.
        """
        size = whole("size", size, 0, MAX_SAMPLES)
        rng = _rng(seed)
        n = self.n_phases
        rates = -np.diag(self.S)
        jumps = np.column_stack([self.S / rates[:, None] + np.eye(n), self.exit_rates / rates])
        cumulative = np.cumsum(jumps, axis=1)
        cumulative[:, -1] = 1.0
        # Row i shifted by i makes one increasing array, so a single searchsorted of u + phase
        # finds every customer's next state without a (customers x states) comparison.
        shifted = (cumulative + np.arange(n)[:, None]).ravel()
        start = np.cumsum(np.append(self.alpha, self.atom))
        start[-1] = 1.0
        state = np.minimum(np.searchsorted(start, rng.random(size), side="right"), n)
        total = np.zeros(size)
        active = np.flatnonzero(state < n)
        phase = state[active]
        while active.size:
            total[active] += rng.standard_exponential(active.size) / rates[phase]
            u = rng.random(active.size)
            nxt = np.minimum(np.searchsorted(shifted, u + phase, side="right") - phase * (n + 1), n)
            stays = nxt < n
            active, phase = active[stays], nxt[stays]
        return total


def exponential(rate: float) -> PhaseType:
    """Exponential service ``f(x) = μ e^{-μx}``: one phase, mean ``1/μ``, SCV 1.

    >>> exponential(2.0).mean
    0.5
    """
    rate = positive("rate", rate)
    return PhaseType([1.0], [[-rate]])


def hypoexponential(rates: Sequence[float]) -> PhaseType:
    """Phases in series with the given rates: ``X = X_1 + … + X_n``, ``X_i ~ Exp(μ_i)``.

    The matrix form ``S = [[-μ1, μ1, 0], [0, -μ2, μ2], …]`` needs no distinct rates (the
    textbook closed form divides by ``μ_j - μ_i``), so equal rates give the Erlang.

    >>> round(hypoexponential([2.0, 3.0]).mean, 6)
    0.833333
    """
    mu = _rates("rates", rates)
    S = np.diag(-mu) + np.diag(mu[:-1], k=1)
    alpha = np.zeros(mu.size)
    alpha[0] = 1.0
    return PhaseType(alpha, S)


def erlang(k: int, rate: float) -> PhaseType:
    """Erlang: ``k`` phases in series, each at ``rate`` (scipy: ``gamma(a=k, scale=1/rate)``)."""
    k = whole("k", k, 1, MAX_PHASES)
    return hypoexponential([positive("rate", rate)] * k)


def hyperexponential(probs: Sequence[float], rates: Sequence[float]) -> PhaseType:
    """Phases in parallel: with probability ``p_i`` the service is ``Exp(μ_i)`` (the notes' bag of coins).

    ``f(x) = Σ p_i μ_i e^{-μ_i x}``, ``E[X^k] = k! Σ p_i / μ_i^k``.

    >>> hyperexponential([0.5, 0.5], [1.0, 2.0]).mean
    0.75
    """
    p = _probabilities("probs", probs)
    mu = _rates("rates", rates)
    if p.size != mu.size:
        raise ValueError(f"probs and rates must have the same length, got {p.size} and {mu.size}.")
    if abs(p.sum() - 1) > 1e-8:
        raise ValueError(f"The mixture weights probs must sum to 1, got {p.sum():.6g}.")
    return PhaseType(p / p.sum(), np.diag(-mu))


def coxian(rates: Sequence[float], continue_probs: Sequence[float]) -> PhaseType:
    """Coxian: phases in series where, after phase ``i``, service continues with probability ``p_i``.

    Parameters
    ----------
    rates : ``k`` phase rates ``μ_1 … μ_k``.
    continue_probs : ``k - 1`` probabilities of **continuing** to the next phase (as in the
        notes); after the last phase service always ends. Ciw's ``ciw.dists.Coxian(rates,
        probs)`` takes *exit* probabilities instead (``k`` of them, the last 1): convert
        with ``continue_probs = [1 - p for p in probs[:-1]]``.

    ``S`` has ``-μ_i`` on the diagonal and ``p_i μ_i`` just above it; ``α = (1, 0, …, 0)``.

    >>> round(coxian([2.0, 1.0], [0.5]).mean, 6)  # 1/2 + 0.5 * 1/1
    1.0
    """
    mu = _rates("rates", rates)
    p = _probabilities("continue_probs", continue_probs)
    if p.size != mu.size - 1:
        raise ValueError(
            f"continue_probs must hold one probability fewer than rates ({mu.size - 1} for {mu.size} phases), "
            f"got {p.size}."
        )
    S = np.diag(-mu) + np.diag(mu[:-1] * p, k=1)
    alpha = np.zeros(mu.size)
    alpha[0] = 1.0
    return PhaseType(alpha, S)


def sample(service: PhaseType, size: int, seed: Seed = None) -> np.ndarray:
    """``service.sample(size, seed)`` as a plain function (handy to cache or to map over distributions)."""
    if not isinstance(service, PhaseType):
        raise ValueError("service must be a PhaseType distribution (see exponential, coxian, …).")
    return service.sample(size, seed)


def pdf(service: PhaseType, x: float | np.ndarray) -> float | np.ndarray:
    """``service.pdf(x)`` as a plain function (to cache or map)."""
    return service.pdf(x)


def cdf(service: PhaseType, x: float | np.ndarray) -> float | np.ndarray:
    """``service.cdf(x)`` as a plain function (to cache or map)."""
    return service.cdf(x)


def empirical_cdf(values: np.ndarray | Sequence[float], x: np.ndarray | Sequence[float]) -> np.ndarray:
    """Share of ``values`` at or below each ``x``."""
    v = np.sort(np.asarray(values, dtype=float))
    return np.searchsorted(v, np.asarray(x, dtype=float), side="right") / max(v.size, 1)
