"""Precision–recall curves and average precision, written out (scikit-learn is the test oracle).

Sort by score, highest first; at each distinct score threshold t (tied scores enter together)

    precision(t) = TP(t) / (TP(t) + FP(t)),   recall(t) = TP(t) / P.

Step-wise AP (scikit-learn's ``average_precision_score``) sums precision times each recall step:
AP = Σₙ (Rₙ − Rₙ₋₁) Pₙ. The notes' all-point interpolated AP first replaces every precision by the
best precision at any higher recall (the monotone envelope, P̃ₙ = maxₘ≥ₙ Pₘ), then sums the same
steps: AP_interp = Σₙ (Rₙ − Rₙ₋₁) P̃ₙ ≥ AP. They differ wherever precision rises again after a dip.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lib.validation import non_negative, probability, whole


def _labels_and_scores(y_true: object, scores: object) -> tuple[np.ndarray, np.ndarray]:
    y = np.asarray(y_true)
    s = np.asarray(scores, dtype=float)
    if y.ndim != 1 or s.shape != y.shape or y.size == 0:
        raise ValueError(
            f"y_true and scores must be 1-D arrays of the same length, got shapes {y.shape} and {s.shape}."
        )
    if not np.isin(y, (0, 1)).all():
        raise ValueError("y_true must hold only 0 (negative) and 1 (positive) labels.")
    if not np.isfinite(s).all():
        raise ValueError("scores must hold only finite numbers.")
    if not y.any():
        raise ValueError("y_true must hold at least one positive (1): with none, recall and AP are undefined.")
    return y.astype(int), s


@dataclass(frozen=True)
class PRCurve:
    """One point per distinct score, from the highest threshold down (recall rises).

    precision, recall, thresholds : (m,) arrays; envelope : (m,) the interpolated precision
    max_{k ≥ n} precision_k.
    """

    precision: np.ndarray
    recall: np.ndarray
    thresholds: np.ndarray

    @property
    def envelope(self) -> np.ndarray:
        return np.maximum.accumulate(self.precision[::-1])[::-1]


def precision_recall_curve(y_true: object, scores: object) -> PRCurve:
    """Precision and recall at every distinct score threshold, highest first.

    The points of scikit-learn's ``precision_recall_curve`` in the opposite order, without its
    final (recall 0, precision 1) point.

    >>> curve = precision_recall_curve([1, 0, 1, 0], [0.9, 0.8, 0.7, 0.1])
    >>> curve.precision.round(3), curve.recall
    (array([1.   , 0.5  , 0.667, 0.5  ]), array([0.5, 0.5, 1. , 1. ]))
    """
    y, s = _labels_and_scores(y_true, scores)
    order = np.argsort(-s, kind="stable")
    y, s = y[order], s[order]
    last_of_tie = np.r_[np.flatnonzero(np.diff(s)), y.size - 1]  # the last index of each distinct score
    tp = np.cumsum(y)[last_of_tie]
    predicted = last_of_tie + 1
    return PRCurve(precision=tp / predicted, recall=tp / y.sum(), thresholds=s[last_of_tie])


def average_precision(y_true: object, scores: object, interpolated: bool = False) -> float:
    """Average precision of ``scores`` for binary labels ``y_true`` (1 = positive).

    ``interpolated=False``: Σ (Rₙ − Rₙ₋₁) Pₙ, scikit-learn's ``average_precision_score``.
    ``interpolated=True``: the notes' all-point interpolation, precision replaced by its monotone
    envelope (the ``calculate_ap`` of the notes, the PASCAL VOC 2010+ definition).

    >>> y, s = [1, 0, 1, 0], [0.9, 0.8, 0.7, 0.1]
    >>> round(average_precision(y, s), 4), round(average_precision(y, s, interpolated=True), 4)
    (0.8333, 0.8333)
    >>> y, s = [1, 0, 0, 1, 1], [5, 4, 3, 2, 1]
    >>> round(average_precision(y, s), 4), round(average_precision(y, s, interpolated=True), 4)
    (0.7, 0.7333)
    """
    curve = precision_recall_curve(y_true, scores)
    steps = np.diff(curve.recall, prepend=0.0)
    precision = curve.envelope if interpolated else curve.precision
    return float(np.sum(steps * precision))


def binary_scores(
    n: int, prevalence: float, separation: float, seed: int | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Labels and scores of a classifier: round(prevalence · n) positives (at least one, and one negative),
    placed at random; score ~ N(separation · y, 1).

    ``separation`` is the distance between the two classes' mean scores in standard deviations
    (0: a coin toss, 3: nearly perfect).

    >>> y, s = binary_scores(1000, 0.1, 2.0, seed=0)
    >>> y.shape, s.shape, int(y.sum())
    ((1000,), (1000,), 100)
    """
    n = whole("n", n, low=2, high=10_000_000)
    prevalence = probability("prevalence", prevalence)
    separation = non_negative("separation", separation)
    rng = np.random.default_rng(seed)
    y = np.zeros(n, dtype=int)
    y[rng.choice(n, min(n - 1, max(1, round(prevalence * n))), replace=False)] = 1
    return y, separation * y + rng.standard_normal(n)
