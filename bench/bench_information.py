"""Information and inference page: cached rerun after a section slider, the stochastic-VI fit and the Langevin run
at the page's default sizes (targets: ≤ 150 ms and ≤ 1 s each), each against an anchor timed alongside."""

from __future__ import annotations

import math
import random

import numpy as np

from bench.common import Result, compare, page_rerun
from lib import information as info
from pages.information import score

INFO = "pages/information_and_inference.py"
COIN = (7, 10, 1.0, 1.0)  # the page's default k, n, a, b
SVI_STEPS, SVI_DRAWS, SVI_RATE = 2000, 16, 0.05
PARTICLES, LANGEVIN_STEPS, STEP = 400, 500, 0.01


def rerun_after_correlation_slider(repeats: int) -> Result:
    # Every value visited once first: the cost of dragging a section's slider back and forth.
    what = "Information page rerun after moving 'Correlation ρ' (cached)"
    return page_rerun(INFO, "ii_rho", [0.5, 0.55, 0.6, 0.65], what, repeats, warm_all=True)


def _python_loop_svi(k: int, n: int, a: float, b: float, n_iter: int, n_samples: int, rate: float, seed: int):
    """The same reparameterized Adam ascent written with Python floats, one draw at a time."""
    rng = random.Random(seed)
    mu, log_sigma = 0.0, 0.0
    m, v = [0.0, 0.0], [0.0, 0.0]
    for t in range(n_iter):
        sigma = math.exp(log_sigma)
        g_mu = g_ls = 0.0
        for _ in range(n_samples):
            eps = rng.gauss(0.0, 1.0)
            theta = 1 / (1 + math.exp(-(mu + sigma * eps)))
            slope = (a + k) * (1 - theta) - (b + n - k) * theta
            g_mu += slope / n_samples
            g_ls += slope * eps * sigma / n_samples
        grad = (g_mu, g_ls + 1.0)
        step = rate / math.sqrt(1 + t / 100)
        for i in range(2):
            m[i] = 0.9 * m[i] + 0.1 * grad[i]
            v[i] = 0.999 * v[i] + 0.001 * grad[i] ** 2
        mu += step * (m[0] / (1 - 0.9 ** (t + 1))) / (math.sqrt(v[0] / (1 - 0.999 ** (t + 1))) + 1e-8)
        log_sigma += step * (m[1] / (1 - 0.9 ** (t + 1))) / (math.sqrt(v[1] / (1 - 0.999 ** (t + 1))) + 1e-8)
    return mu, math.exp(log_sigma)


def stochastic_vi_vs_python_loop(repeats: int) -> Result:
    ours_s, anchor_s = compare(
        lambda: info.stochastic_vi_coin(*COIN, SVI_STEPS, SVI_DRAWS, SVI_RATE, seed=0),
        lambda: _python_loop_svi(*COIN, SVI_STEPS, SVI_DRAWS, SVI_RATE, seed=0),
        repeats,
    )
    what = f"stochastic VI on the coin, {SVI_STEPS:,} steps × {SVI_DRAWS} draws (target ≤ 1 s)"
    return Result(what, ours_s, "the same Adam loop in Python floats", anchor_s)


def langevin_vs_gaussian_score(repeats: int) -> Result:
    # Anchor: the same number of Langevin steps on N(0, I), whose score is −x: the loop's own floor.
    x0 = score.START_SPREAD * np.random.default_rng(0).standard_normal((PARTICLES, 2))
    guided = info.guided_score_function(score.MEANS, score.COVS, score.WEIGHTS, score.LABELS, "A", 1.0)
    ours_s, anchor_s = compare(
        lambda: info.langevin_sample(guided, x0, STEP, LANGEVIN_STEPS, seed=1),
        lambda: info.langevin_sample(lambda x: -x, x0, STEP, LANGEVIN_STEPS, seed=0),
        repeats,
    )
    what = f"guided Langevin, {PARTICLES} particles × {LANGEVIN_STEPS} steps, 4-component score (target ≤ 1 s)"
    return Result(what, ours_s, "same steps on N(0, I) (score −x)", anchor_s)


BENCHMARKS = [rerun_after_correlation_slider, stochastic_vi_vs_python_loop, langevin_vs_gaussian_score]
