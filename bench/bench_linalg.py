"""Linear algebra lens: a cached section rerun, the rank sweep of a 256 × 256 matrix, and Aᵗ from the
eigendecomposition against t repeated products for t up to 10⁴."""

from __future__ import annotations

import numpy as np

from bench.common import Result, compare, page_rerun
from lib import linalg as la
from lib.markov import hht_vs_htt_matrix

LA = "pages/linear_algebra.py"
POWERS = (10, 100, 1_000, 10_000)


def rerun_after_rank_slider(repeats: int) -> Result:
    # Every value visited once first: the cached rerun the 150 ms target is about.
    what = "Linear algebra page rerun after moving 'Rank k' (cached)"
    return page_rerun(LA, "la_rank", [7, 8, 9, 10], what, repeats, warm_all=True)


def rerun_after_power_slider(repeats: int) -> Result:
    what = "Linear algebra page rerun after moving 'Power t' (cached)"
    return page_rerun(LA, "la_t", [21, 22, 23, 24], what, repeats, warm_all=True)


def rank_sweep_256(repeats: int) -> Result:
    A = la.low_rank_plus_noise(256, 256, rank=20, noise=0.05, seed=0)
    ours_s, anchor_s = compare(lambda: la.rank_sweep(A), lambda: np.linalg.svd(A), repeats)
    return Result("rank_sweep of a 256 × 256 matrix (every k, measured)", ours_s, "one numpy.linalg.svd", anchor_s)


def eigen_power_vs_products(repeats: int) -> list[Result]:
    A = hht_vs_htt_matrix()
    results = []
    for t in POWERS:
        ours_s, anchor_s = compare(lambda t=t: la.eigen_power(A, t), lambda t=t: la.repeated_product(A, t), repeats)
        results.append(Result(f"eigen_power(A, {t:,}), A the notes' 4 × 4 chain", ours_s, f"{t:,} products", anchor_s))
    return results


BENCHMARKS = [rerun_after_rank_slider, rerun_after_power_slider, rank_sweep_256, eigen_power_vs_products]
