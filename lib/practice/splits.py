"""Random and stratified train/test splits, and what a class imbalance does to the random one.

A random split draws ⌈test_size · n⌉ indices for the test set. With n_min minority examples,
the test set's minority count is hypergeometric: it is 0 with probability
C(n − n_min, n_test) / C(n, n_test), and its spread adds straight to every metric measured on it.
A stratified split draws the test share from each class separately, so every class contributes
its share of the test set, within one example (the largest-remainder rounding of n_test · n_c / n).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from lib.practice.ranking import average_precision
from lib.validation import probability, whole


def _checked(y: object, test_size: object) -> tuple[np.ndarray, float, int]:
    labels = np.asarray(y)
    if labels.ndim != 1 or labels.size < 2:
        raise ValueError(f"y must be a 1-D array of at least two labels, got shape {labels.shape}.")
    test_size = probability("test_size", test_size)
    n_test = math.ceil(test_size * labels.size)  # as scikit-learn rounds
    if n_test >= labels.size:
        raise ValueError(
            f"test_size {test_size} leaves no training example out of {labels.size}; choose a smaller one."
        )
    return labels, test_size, n_test


def random_split(y: object, test_size: float, seed: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(train_idx, test_idx), sorted: ⌈test_size · n⌉ indices drawn uniformly for the test set.

    >>> train, test = random_split(np.arange(10) % 2, 0.3, seed=0)
    >>> len(train), len(test)
    (7, 3)
    """
    labels, _, n_test = _checked(y, test_size)
    test = np.random.default_rng(seed).permutation(labels.size)[:n_test]
    return np.setdiff1d(np.arange(labels.size), test), np.sort(test)


def _class_test_counts(counts: np.ndarray, n_test: int) -> np.ndarray:
    """How many of each class go to the test set: largest-remainder rounding of its share of n_test."""
    share = counts * n_test / counts.sum()
    taken = np.floor(share).astype(int)
    by_remainder = np.argsort(-(share - taken), kind="stable")
    taken[by_remainder[: n_test - taken.sum()]] += 1
    return taken


def stratified_split(y: object, test_size: float, seed: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(train_idx, test_idx), sorted: each class sends its share of the test set, within one example.

    The test set has ⌈test_size · n⌉ examples, as scikit-learn's ``train_test_split(stratify=y)``;
    class c contributes its share n_test · n_c / n of them, rounded by largest remainder (so within
    one example), drawn at random.
    Every class needs at least two examples, and y at least two classes.

    >>> y = np.array([0] * 90 + [1] * 10)
    >>> train, test = stratified_split(y, 0.2, seed=0)
    >>> len(test), int(y[test].sum()), int(y[train].sum())
    (20, 2, 8)
    """
    labels, _, n_test = _checked(y, test_size)
    classes, inverse, counts = np.unique(labels, return_inverse=True, return_counts=True)
    if classes.size < 2:
        raise ValueError(f"y must hold at least two classes to stratify, got only {classes[0].item()!r}.")
    if counts.min() < 2:
        rare = classes[np.argmin(counts)]
        raise ValueError(f"every class in y needs at least two examples to stratify; class {rare.item()!r} has one.")
    rng = np.random.default_rng(seed)
    taken = _class_test_counts(counts, n_test)
    test = np.concatenate([rng.permutation(np.flatnonzero(inverse == c))[:k] for c, k in enumerate(taken)])
    return np.setdiff1d(np.arange(labels.size), test), np.sort(test)


def probability_no_minority(n: int, n_minority: int, n_test: int) -> float:
    """P(a random test set of n_test out of n holds none of the n_minority): C(n − n_min, n_test) / C(n, n_test).

    >>> round(probability_no_minority(100, 5, 20), 4)
    0.3193
    """
    n = whole("n", n, low=1)
    n_minority = whole("n_minority", n_minority, low=0, high=n)
    n_test = whole("n_test", n_test, low=0, high=n)
    return math.comb(n - n_minority, n_test) / math.comb(n, n_test)


def split_study(
    n: int, minority_share: float, test_size: float, n_splits: int, separation: float = 1.5, seed: int | None = None
) -> pd.DataFrame:
    """One row per split and method: the test set's minority share and a classifier's AP measured on it.

    One data set of n examples, exactly round(minority_share · n) of them positive (the minority),
    each with a score N(separation · y, 1); then ``n_splits`` random and stratified splits (seeds
    seed, seed + 1, …). AP is NaN-free: a test set without a positive gets AP 0 and is flagged
    in the column "no minority in test".

    >>> study = split_study(200, 0.05, 0.2, 50, seed=0)
    >>> study.groupby("split")["no minority in test"].sum().to_dict()["stratified"]
    0
    """
    n = whole("n", n, low=4, high=1_000_000)
    minority_share = probability("minority_share", minority_share)
    n_splits = whole("n_splits", n_splits, low=1, high=100_000)
    n_minority = round(minority_share * n)
    if not 2 <= n_minority <= n - 2:
        raise ValueError(
            f"minority_share {minority_share} of {n} examples gives {n_minority} minority examples; "
            "each class needs at least two."
        )
    rng = np.random.default_rng(seed)
    y = np.zeros(n, dtype=int)
    y[rng.choice(n, n_minority, replace=False)] = 1
    scores = separation * y + rng.standard_normal(n)
    base = 0 if seed is None else seed
    rows = []
    for i in range(n_splits):
        for name, split in (("random", random_split), ("stratified", stratified_split)):
            test = split(y, test_size, base + i)[1]
            positives = int(y[test].sum())
            rows.append(
                {
                    "split": name,
                    "seed": base + i,
                    "minority in test": positives,
                    "minority share in test": positives / test.size,
                    "no minority in test": positives == 0,
                    "test AP": average_precision(y[test], scores[test]) if positives else 0.0,
                }
            )
    return pd.DataFrame(rows)
