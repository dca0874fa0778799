"""A black-box logistic regression behind a query interface, and recovering it from queries."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from scipy import optimize, special

from lib.mle._shared import Seed, _rng
from lib.validation import positive, probability, whole


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return special.expit(z)


def fit_logistic_l2(X: np.ndarray, y: np.ndarray, C: float = 1.0) -> tuple[np.ndarray, float]:
    """L2-regularised logistic regression, the objective scikit-learn uses by default.

    Minimises ``½‖w‖² + C·Σ log(1 + exp(−s_i (w·x_i + b)))`` with ``s_i = ±1`` (the intercept
    is not penalised). Smaller C, stronger shrinkage of ``w`` towards 0.

    Returns
    -------
    (coef, intercept)
    """
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float).ravel()
    if X.ndim != 2 or X.shape[0] != y.size or X.shape[0] == 0:
        raise ValueError("X must be a non-empty (m, d) array with one label in y per row.")
    if not np.all(np.isin(y, (0, 1))):
        raise ValueError("y must hold 0/1 labels only.")
    C = positive("C", C)
    sign = 2 * y - 1
    d = X.shape[1]

    def objective(theta: np.ndarray) -> tuple[float, np.ndarray]:
        w, b = theta[:d], theta[d]
        margin = sign * (X @ w + b)
        loss = np.sum(np.logaddexp(0, -margin))
        weight = -sign * _sigmoid(-margin)  # d loss / d z
        grad = np.concatenate([w + C * (X.T @ weight), [C * weight.sum()]])
        return 0.5 * w @ w + C * loss, grad

    result = optimize.minimize(objective, np.zeros(d + 1), jac=True, method="L-BFGS-B", options={"gtol": 1e-10})
    return result.x[:d].copy(), float(result.x[d])


@dataclass(frozen=True)
class BlackBoxLogistic:
    """A trained logistic regression seen from outside: you may query it, not read it.

    ``predict_proba(X) = σ(X·coef + intercept)`` (the probability of class 1, one per row,
    rounded to ``decimals`` places when given); ``predict(X) = 1[predict_proba(X) >= threshold]``.
    ``C`` is the regularisation strength used in training: it shaped ``coef`` then, and plays
    no part in answering queries, which is why it cannot hide the coefficients.
    """

    coef: np.ndarray
    intercept: float
    C: float = 1.0
    threshold: float = 0.5
    decimals: int | None = None

    def __post_init__(self) -> None:
        coef = np.asarray(self.coef, dtype=float).ravel()
        if coef.size == 0 or not np.all(np.isfinite(coef)):
            raise ValueError("coef must be a non-empty vector of finite numbers.")
        if not np.isfinite(self.intercept):
            raise ValueError(f"intercept must be a finite number, got {self.intercept!r}.")
        positive("C", self.C)
        probability("threshold", self.threshold)
        if self.decimals is not None:
            whole("decimals", self.decimals, 0, 15)
        object.__setattr__(self, "coef", coef)
        object.__setattr__(self, "intercept", float(self.intercept))

    @classmethod
    def train(
        cls, X: np.ndarray, y: np.ndarray, C: float = 1.0, threshold: float = 0.5, decimals: int | None = None
    ) -> BlackBoxLogistic:
        """Fit :func:`fit_logistic_l2` with strength ``C`` and seal the result in a box."""
        coef, intercept = fit_logistic_l2(X, y, C)
        return cls(coef, intercept, C, threshold, decimals)

    @property
    def n_features(self) -> int:
        return int(self.coef.size)

    def _rows(self, X: np.ndarray) -> np.ndarray:
        X = np.asarray(X, dtype=float)
        if X.ndim == 1:
            X = X.reshape(1, -1)
        if X.ndim != 2 or X.shape[1] != self.n_features:
            raise ValueError(f"Queries must be an (m, {self.n_features}) array, got shape {X.shape}.")
        return X

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        """P(class 1 | x) for each row of ``X`` (rounded to ``decimals`` places if set)."""
        p = _sigmoid(self._rows(X) @ self.coef + self.intercept)
        return np.round(p, self.decimals) if self.decimals is not None else p

    def predict(self, X: np.ndarray) -> np.ndarray:
        """0/1 labels: 1 where the (unrounded) probability reaches ``threshold``."""
        z = self._rows(X) @ self.coef + self.intercept
        return (z >= special.logit(self.threshold)).astype(int)


@dataclass(frozen=True)
class Unboxed:
    """Coefficients read out of a black box, and how many query rows it took."""

    coef: np.ndarray
    intercept: float
    n_queries: int


class _Counter:
    def __init__(self, query: Callable[[np.ndarray], np.ndarray], n_features: int) -> None:
        self.query, self.n_features, self.calls = query, n_features, 0

    def __call__(self, X: np.ndarray) -> np.ndarray:
        X = np.atleast_2d(np.asarray(X, dtype=float))
        self.calls += X.shape[0]
        out = np.asarray(self.query(X), dtype=float).ravel()
        if out.shape != (X.shape[0],) or not np.all(np.isfinite(out)):
            raise ValueError("query must return one finite number per row it is given.")
        return out


def _unbox_proba(ask: _Counter, d: int, budget: int, rng: np.random.Generator) -> tuple[np.ndarray, float]:
    X = np.vstack([np.zeros(d), np.eye(d)])
    if budget > d + 1:
        X = np.vstack([X, rng.normal(size=(budget - d - 1, d))])
    p = ask(X)
    if np.any((p < 0) | (p > 1)):
        raise ValueError("In mode 'proba' the query must return probabilities between 0 and 1.")
    tiny = 1e-12
    inside = (p > 0) & (p < 1)
    design = np.hstack([X, np.ones((X.shape[0], 1))])
    if inside.sum() >= d + 1 and np.linalg.matrix_rank(design[inside]) == d + 1:
        design, p = design[inside], p[inside]
    z = special.logit(np.clip(p, tiny, 1 - tiny))
    # A rounding error δ in p moves logit(p) by δ/(p(1−p)): weight each row by p(1−p).
    weight = np.clip(p * (1 - p), tiny, None) if design.shape[0] > d + 1 else np.ones_like(p)
    theta, *_ = np.linalg.lstsq(design * weight[:, None], z * weight, rcond=None)
    return theta[:d], float(theta[d])


RADIUS_STEPS = 16  # the label search looks for the boundary out to 10^15 from the origin
LINE_STEPS = 10  # halvings that bring the first boundary point within 0.1% of the search radius
MIN_STEPS = 10  # halvings per segment at the smallest budget


def minimum_budget(n_features: int, mode: Literal["proba", "label"]) -> int:
    """Fewest queries :func:`unbox_logistic` accepts: ``d + 1`` for probabilities; for labels
    the widest boundary search, a pool of ``2d`` points and ``d`` bisections of 10 steps."""
    d = whole("n_features", n_features, 1, 1000)
    return d + 1 if mode == "proba" else 2 * RADIUS_STEPS + LINE_STEPS + 2 * d + MIN_STEPS * d


def _bisect(pos: np.ndarray, neg: np.ndarray, ask: _Counter, steps: int) -> tuple[np.ndarray, np.ndarray]:
    """Halve each segment [pos_i, neg_i] ``steps`` times, keeping one end on each side of the boundary."""
    for _ in range(steps):
        mid = 0.5 * (pos + neg)
        positive = ask(mid) == 1
        pos = np.where(positive[:, None], mid, pos)
        neg = np.where(positive[:, None], neg, mid)
    return pos, neg


def _unbox_labels(ask: _Counter, d: int, budget: int, rng: np.random.Generator) -> tuple[np.ndarray, float]:
    # 1. Two opposite points ±r·v on a random line through the origin: widen r tenfold until
    #    their labels differ (the line then crosses the boundary), and bisect to a point x0 near it.
    direction = rng.normal(size=d)
    direction /= np.linalg.norm(direction)
    for radius in 10.0 ** np.arange(RADIUS_STEPS):
        end_labels = ask(np.vstack([radius * direction, -radius * direction]))
        if end_labels[0] != end_labels[1]:
            break
    else:
        raise ValueError("The box gave the same label everywhere: its decision boundary cannot be found.")
    sign = 1.0 if end_labels[0] == 1 else -1.0
    line_pos, line_neg = _bisect(
        sign * radius * direction[None, :], -sign * radius * direction[None, :], ask, LINE_STEPS
    )
    centre = 0.5 * (line_pos + line_neg)[0]
    # 2. A pool scattered around x0, so both labels are common and the crossings spread over the plane.
    pool = centre + rng.normal(scale=radius / 2, size=(2 * d, d))
    points = np.vstack([line_pos, line_neg, pool])
    labels = np.concatenate([[1, 0], ask(pool)])
    positives, negatives = rng.permutation(points[labels == 1]), rng.permutation(points[labels == 0])
    # 3. Bisect segments between positive and negative points down to the boundary, pairing
    #    distinct points first (diagonals of the positive x negative table).
    n_p, n_n = len(positives), len(negatives)
    combos = [(i, (i + shift) % n_n) for shift in range(n_n) for i in range(n_p)]
    left = budget - ask.calls
    n_pairs = min(max(d, left // 40), len(combos))
    steps = min(left // n_pairs, 64)  # 64 halvings reach machine precision
    if steps < MIN_STEPS:
        raise ValueError(f"budget is too small for mode 'label' here: allow at least {minimum_budget(d, 'label')}.")
    pos = positives[[i for i, _ in combos[:n_pairs]]]
    neg = negatives[[j for _, j in combos[:n_pairs]]]
    pos, neg = _bisect(pos, neg, ask, steps)
    boundary = 0.5 * (pos + neg)
    # 3. The plane through the boundary points: normal = least-variance direction.
    centre = boundary.mean(axis=0)
    if d == 1:
        normal = np.ones(1)
    else:
        _, _, vt = np.linalg.svd(boundary - centre)
        normal = vt[-1]
    if np.mean((positives - centre) @ normal) < 0:
        normal = -normal
    return normal, float(-normal @ centre)


def unbox_logistic(
    query: Callable[[np.ndarray], np.ndarray],
    n_features: int,
    mode: Literal["proba", "label"] = "proba",
    budget: int | None = None,
    seed: Seed = None,
) -> Unboxed:
    """Recover a logistic regression's coefficients from queries alone.

    mode ``"proba"``: ``query(X)`` returns P(class 1) per row. Since ``logit(p) = w·x + b``,
    the origin gives ``b`` and each unit vector ``e_j`` gives ``w_j + b``: ``d + 1`` queries
    recover the model exactly. A larger ``budget`` adds random points and solves the linear
    system by least squares weighted by ``p(1−p)``, which averages out rounded answers; answers
    rounded to exactly 0 or 1 carry no information and are dropped when enough remain.

    mode ``"label"``: ``query(X)`` returns 0/1. Only the decision boundary
    ``w·x + b = logit(threshold)`` is visible, so the coefficients are known up to a positive
    scale: the result has ``‖coef‖ = 1`` and ``intercept = (b − logit(threshold))/‖w‖``. It
    finds points with both labels, bisects segments between them onto the boundary, and fits
    the plane through those points. Default budget ``40·(d + 1)``; the least accepted is
    :func:`minimum_budget`.

    ``n_queries`` counts the rows sent to ``query``.

    >>> box = BlackBoxLogistic([1.0, -2.0], 0.5)
    >>> unbox_logistic(box.predict_proba, 2).coef.round(6).tolist()
    [1.0, -2.0]
    """
    d = whole("n_features", n_features, 1, 1000)
    if mode not in ("proba", "label"):
        raise ValueError(f"mode must be 'proba' or 'label', got {mode!r}.")
    default = d + 1 if mode == "proba" else 40 * (d + 1)
    budget = default if budget is None else whole("budget", budget, minimum_budget(d, mode), 10_000_000)
    ask = _Counter(query, d)
    rng = _rng(seed)
    if mode == "proba":
        coef, intercept = _unbox_proba(ask, d, budget, rng)
    else:
        coef, intercept = _unbox_labels(ask, d, budget, rng)
    return Unboxed(coef=coef, intercept=intercept, n_queries=ask.calls)


def recovery_error(unboxed: Unboxed, box: BlackBoxLogistic, mode: Literal["proba", "label"] = "proba") -> float:
    """How far the recovered parameters are from the box's own.

    ``proba``: ``‖(ŵ, b̂) − (w, b)‖ / ‖(w, b)‖``. ``label``: the same on the boundary's scale,
    comparing ``(ŵ, b̂)`` with ``(w, b − logit(threshold))/‖w‖``.
    """
    truth = np.append(box.coef, box.intercept)
    found = np.append(unboxed.coef, unboxed.intercept)
    if mode == "label":
        truth = np.append(box.coef, box.intercept - special.logit(box.threshold)) / np.linalg.norm(box.coef)
    return float(np.linalg.norm(found - truth) / max(np.linalg.norm(truth), 1e-300))


def direction_cosine(unboxed: Unboxed, box: BlackBoxLogistic) -> float:
    """Cosine between the recovered and the true coefficient vectors (1 = same direction)."""
    norm = np.linalg.norm(unboxed.coef) * np.linalg.norm(box.coef)
    return float(unboxed.coef @ box.coef / norm) if norm > 0 else 0.0


def recovery_curve(
    box: BlackBoxLogistic, mode: Literal["proba", "label"], budgets: Sequence[int], seed: Seed = None
) -> pd.DataFrame:
    """Recovery error for each query budget (columns ``queries``, ``error``, ``cosine``)."""
    query = box.predict_proba if mode == "proba" else box.predict
    rows = []
    for budget in budgets:
        found = unbox_logistic(query, box.n_features, mode, budget, seed)
        rows.append((found.n_queries, recovery_error(found, box, mode), direction_cosine(found, box)))
    return pd.DataFrame(rows, columns=["queries", "error", "cosine"])


def make_black_box(
    n_features: int, C: float = 1.0, threshold: float = 0.5, n_samples: int = 400, seed: Seed = None
) -> tuple[BlackBoxLogistic, np.ndarray]:
    """A box to unbox: data from a random true β, fitted with L2 strength ``C``.

    Returns the box (its coefficients are the *fitted*, shrunk ones) and the true β used to
    make the data (last entry: the true intercept).
    """
    d = whole("n_features", n_features, 1, 100)
    n_samples = whole("n_samples", n_samples, 2, 1_000_000)
    rng = _rng(seed)
    true = np.append(rng.normal(scale=1.5, size=d), rng.normal(scale=0.5))
    X = rng.normal(size=(n_samples, d))
    y = (rng.random(n_samples) < _sigmoid(X @ true[:d] + true[d])).astype(int)
    if y.min() == y.max():
        y[0] = 1 - y[0]
    return BlackBoxLogistic.train(X, y, C, threshold), true
