"""Training and evaluation page: the bias–variance experiment against a polyfit loop, the depth profile
against torch autograd, and a cached rerun after a section slider."""

from __future__ import annotations

import numpy as np

from bench.common import Result, compare, page_rerun
from lib.practice import bias_variance_curve, depth_profile, truth

PAGE = "pages/training_and_evaluation.py"
DEGREES, N_TRAIN, NOISE, N_SETS = 15, 30, 0.3, 200  # the page's defaults: the U curve over degrees 0 … 15


def rerun_after_degree_slider(repeats: int) -> Result:
    what = "Training and evaluation rerun after moving 'Polynomial degree' (cached)"
    return page_rerun(PAGE, "te_degree", [4, 5, 6, 7], what, repeats, warm_all=True)


def _polyfit_loop_curve(seed: int) -> list[tuple[float, float, float]]:
    """The obvious implementation: one np.polyfit per training set and degree, then the three terms."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(0, 1, (N_SETS, N_TRAIN))
    y = truth(x) + NOISE * rng.standard_normal(x.shape)
    grid = np.linspace(0, 1, 101)
    terms = []
    for degree in range(DEGREES + 1):
        fits = np.array([np.polyval(np.polyfit(x[i], y[i], degree), grid) for i in range(N_SETS)])
        terms.append((np.mean((fits.mean(0) - truth(grid)) ** 2), np.mean(fits.var(0)), NOISE**2))
    return terms


def bias_variance_vs_polyfit_loop(repeats: int) -> Result:
    ours_s, anchor_s = compare(
        lambda: bias_variance_curve(DEGREES, N_TRAIN, NOISE, N_SETS, seed=0),
        lambda: _polyfit_loop_curve(0),
        repeats,
    )
    what = f"bias_variance_curve, degrees 0–{DEGREES}, {N_SETS} sets of {N_TRAIN} (target ≤ 300 ms)"
    return Result(what, ours_s, "np.polyfit per set and degree", anchor_s)


def _torch_profile(depth: int, width: int, batch: int = 256) -> None:
    """The same measurement with torch autograd: forward with retained gradients, one backward."""
    import torch

    torch.manual_seed(0)
    h = torch.randn(batch, width, requires_grad=True)
    hs = [h]
    for _ in range(depth):
        hs.append(torch.relu(hs[-1] @ (torch.randn(width, width) * (2 / width) ** 0.5)))
        hs[-1].retain_grad()
    (hs[-1] * torch.randn(batch, width)).sum().backward()
    [(t.detach().var(), t.grad.var()) for t in hs]


def depth_profile_vs_torch_autograd(repeats: int) -> Result:
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # the worker runs one thread; numpy here is single-threaded BLAS on this box too
    try:
        ours_s, anchor_s = compare(
            lambda: depth_profile(50, 256, "he", "relu", seed=0), lambda: _torch_profile(50, 256), repeats
        )
    finally:
        torch.set_num_threads(threads)
    return Result("depth_profile, depth 50, width 256, batch 256 (target ≤ 500 ms)", ours_s, "torch autograd", anchor_s)


BENCHMARKS = [rerun_after_degree_slider, bias_variance_vs_polyfit_loop, depth_profile_vs_torch_autograd]
