"""MLE page: rerun time after slider moves, exact coverage against brute-force root finding, and the
coefficient recovery errors of the unboxing (reported in the table's 'what' column)."""

from __future__ import annotations

import numpy as np
from scipy import optimize, special, stats

from bench.common import Result, compare, page_rerun
from lib import mle

MLE = "pages/mle_estimators.py"


def rerun_after_budget_slider(repeats: int) -> Result:
    # A cached setting revisited: the usual cost of dragging a slider back and forth.
    return page_rerun(MLE, "mle_budget", [150, 200, 250, 300], "MLE page rerun after moving 'Query budget'", repeats)


def rerun_after_new_true_p(repeats: int) -> Result:
    # A new true p misses the caches of panels 1, 2 and 4: new data, exact sums over every m, simulation.
    values = [round(0.20 + 0.01 * i, 2) for i in range(repeats + 2)]
    return page_rerun(MLE, "mle_p", values, "MLE page rerun after a new 'True p' (uncached)", repeats)


def _profile_ci_brentq(a: int, b: int) -> tuple[float, float]:
    """The textbook way: scipy.optimize.brentq on each side of p̂, one outcome at a time."""
    p_hat, cut = a / (a + b), stats.chi2.ppf(0.95, 1) / 2

    def ell(p: float) -> float:
        return special.xlogy(a, p) + special.xlog1py(b, -p)

    top = ell(p_hat)
    low = 0.0 if a == 0 else optimize.brentq(lambda p: top - ell(p) - cut, 1e-300, p_hat)
    high = 1.0 if b == 0 else optimize.brentq(lambda p: top - ell(p) - cut, p_hat, 1 - 1e-16)
    return low, high


def exact_coverage_vs_brentq(repeats: int) -> Result:
    # Exact profile coverage for Binomial(m·n = 2,000, p = 0.3): ours tests the LR statistic on every
    # outcome at once; the anchor solves each outcome's interval with brentq and checks p inside.
    N, p = 2_000, 0.3

    def anchor() -> float:
        support = np.arange(N + 1)
        weight = stats.binom.pmf(support, N, p)
        inside = [lo <= p <= hi for lo, hi in (_profile_ci_brentq(int(s), int(N - s)) for s in support)]
        return float(weight[inside].sum())

    ours = lambda: mle.exact_properties("binomial", p, 200, 10).profile_coverage  # noqa: E731
    assert abs(ours() - anchor()) < 1e-12
    ours_s, anchor_s = compare(ours, anchor, repeats)
    return Result("exact profile coverage, Binomial(2,000, 0.3)", ours_s, "brentq per outcome", anchor_s)


def _recovery_text() -> str:
    """Measured recovery errors (d = 5, seed 0): exact, rounded, and labels only."""
    box, _ = mle.make_black_box(5, C=1.0, threshold=0.7, seed=0)
    exact = mle.unbox_logistic(box.predict_proba, 5)
    rounded = mle.BlackBoxLogistic(box.coef, box.intercept, 1.0, 0.7, decimals=3)
    few = mle.unbox_logistic(rounded.predict_proba, 5, budget=6, seed=0)
    many = mle.unbox_logistic(rounded.predict_proba, 5, budget=1000, seed=0)
    labels = mle.unbox_logistic(box.predict, 5, "label", budget=240, seed=0)
    return (
        f"unbox d=5: proba {exact.n_queries} q err {mle.recovery_error(exact, box):.1e}; "
        f"3 decimals {few.n_queries} q {mle.recovery_error(few, rounded):.1e}, "
        f"{many.n_queries} q {mle.recovery_error(many, rounded):.1e}; "
        f"labels {labels.n_queries} q cos {mle.direction_cosine(labels, box):.12f}"
    )


def unboxing_probabilities_vs_logistic_fit(repeats: int) -> Result:
    # Recovering (w, b) from d + 1 probability queries against refitting from 1,000 labelled queries.
    box, _ = mle.make_black_box(5, C=1.0, seed=0)
    X = np.random.default_rng(0).normal(size=(1_000, 5))
    ours_s, anchor_s = compare(
        lambda: mle.unbox_logistic(box.predict_proba, 5),
        lambda: mle.fit_logistic_l2(X, box.predict(X), C=1e6),
        repeats,
    )
    return Result(_recovery_text(), ours_s, "L-BFGS logistic fit to 1,000 labelled queries", anchor_s)


def goodness_of_fit_vs_scipy(repeats: int) -> Result:
    # The page's default: 40 values, Weibull (the best AIC), 999 Monte Carlo samples. scipy refits each sample
    # with a numeric weibull_min.fit; ours refits all 999 at once with vectorised Newton steps.
    x = mle.sample_family("weibull", {"c": 1.7, "scale": 3.0}, 40, seed=1)

    def anchor() -> float:
        rng = np.random.default_rng(0)
        known = {"loc": 0.0}
        return stats.goodness_of_fit(stats.weibull_min, x, known_params=known, n_mc_samples=999, rng=rng).pvalue

    ours = lambda: mle.goodness_of_fit(x, "weibull", "ad", 999, seed=0).pvalue  # noqa: E731
    assert abs(ours() - anchor()) <= 2 / 1000
    ours_s, anchor_s = compare(ours, anchor, repeats)
    return Result(
        "goodness of fit, Weibull, 40 values, 999 MC samples", ours_s, "scipy.stats.goodness_of_fit", anchor_s
    )


BENCHMARKS = [
    rerun_after_budget_slider,
    rerun_after_new_true_p,
    exact_coverage_vs_brentq,
    unboxing_probabilities_vs_logistic_fit,
    goodness_of_fit_vs_scipy,
]
