"""Linear algebra lens: a cached section rerun, the rank sweep of a 256 × 256 matrix, Aᵗ from the
eigendecomposition against t repeated products for t up to 10⁴, and the gradient boundary's batched Jacobians."""

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


def boundary_vs_one_jacobian_per_radius(repeats: int) -> Result:
    # Section 2's boundary chart: ‖∂h_t/∂h_0‖ at t = 60 for 21 radii, n = 32, tanh. Ours batches the radii in one
    # vmapped jacfwd; the anchor computes every step's Jacobian per radius and keeps the last.
    W, radii = la.random_matrix(32, seed=0), [round(0.5 + 0.05 * i, 2) for i in range(21)]

    def anchor() -> np.ndarray:
        return np.array([la.rnn_gradient_norms(la.scale_to_spectral_radius(W, r), 60, "tanh", 0)[-1] for r in radii])

    ours = lambda: la.final_gradient_norms(W, radii, 60, "tanh", seed=0)  # noqa: E731
    np.testing.assert_allclose(ours(), anchor(), rtol=1e-10)
    ours_s, anchor_s = compare(ours, anchor, repeats)
    what = "final_gradient_norms, 21 radii, n = 32, t = 60, tanh"
    return Result(what, ours_s, "rnn_gradient_norms per radius", anchor_s)


BENCHMARKS = [
    rerun_after_rank_slider,
    rerun_after_power_slider,
    rank_sweep_256,
    eigen_power_vs_products,
    boundary_vs_one_jacobian_per_radius,
]
