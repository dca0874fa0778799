"""What the hypothesis page draws: sampling distributions under H0 and H1, verdict maps, power tables."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats

from lib.hypothesis._shared import (
    ALTERNATIVES,
    MAX_RESAMPLES,
    MAX_TRIALS,
    Alternative,
    _check_alpha,
)
from lib.hypothesis.bayes import bf01_of_counts, null_probability_from_bf01
from lib.hypothesis.power import _normal_power, power_curve, simulate_rejection_rate
from lib.hypothesis.proportion import _binom_pmf, _exact_pvalues_from_pmf, _normal_pvalue, rejection_region
from lib.validation import one_of, probability, whole


@dataclass(frozen=True)
class SamplingPicture:
    """The null and alternative sampling distributions of p̂ (normal approximations) and their areas.

    ``curves`` is long-format: ``p_hat``, ``density``, ``area`` (α, β, power, p-value or the
    whole curve's name) and ``segment`` (separates the two tails of a two-sided region).
    """

    __test__ = False

    curves: object  # pandas.DataFrame; typed loosely so importing lib.hypothesis stays light
    critical_low: float | None
    critical_high: float | None
    alpha: float
    beta: float
    power: float
    pvalue: float | None
    z: float | None


def sampling_picture(
    p0: float,
    p1: float,
    n: int,
    alpha: float = 0.05,
    alternative: Alternative = "two-sided",
    observed: float | None = None,
    points: int = 160,
) -> SamplingPicture:
    """Curves and shaded areas for "the picture of a test" (score z-test, normal approximation).

    Under H0, p̂ ≈ N(p0, p0 q0 / n); under H1, p̂ ≈ N(p1, p1 q1 / n). The test rejects beyond the
    critical values p0 ± z_{1−α(/2)} se0. α is the H0 area in the rejection region, power the H1 area
    there, β = 1 − power, and the p-value the H0 area at least as extreme as ``observed`` (a p̂).
    """
    import pandas as pd

    p0 = probability("p0 (the null proportion)", p0)
    p1 = probability("p1 (the true proportion under H1)", p1)
    n = whole("n (the number of trials)", n, 1, MAX_TRIALS)
    alpha = _check_alpha(alpha)
    alternative = one_of("alternative", alternative, ALTERNATIVES)
    se0, se1 = np.sqrt(p0 * (1 - p0) / n), np.sqrt(p1 * (1 - p1) / n)
    lo = max(-0.05, min(p0 - 4.5 * se0, p1 - 4.5 * se1))
    hi = min(1.05, max(p0 + 4.5 * se0, p1 + 4.5 * se1))
    grid = np.linspace(lo, hi, points)
    crit_low = crit_high = None
    if alternative == "two-sided":
        c = stats.norm.isf(alpha / 2)
        crit_low, crit_high = p0 - c * se0, p0 + c * se0
    elif alternative == "greater":
        crit_high = p0 + stats.norm.isf(alpha) * se0
    else:
        crit_low = p0 - stats.norm.isf(alpha) * se0
    cuts = sorted(c for c in (crit_low, crit_high) if c is not None)
    if observed is not None:
        cuts += [float(observed), 2 * p0 - float(observed)]  # the p-value area starts exactly at p̂
    grid = np.unique(np.concatenate([grid, [c for c in cuts if lo < c < hi]]))
    null = stats.norm.pdf(grid, p0, se0)
    alt = stats.norm.pdf(grid, p1, se1)
    reject = np.zeros(grid.size, bool)
    if crit_low is not None:
        reject |= grid <= crit_low + 1e-15
    if crit_high is not None:
        reject |= grid >= crit_high - 1e-15
    frames = [
        pd.DataFrame({"p_hat": grid, "density": null, "area": "H0: p = p0", "segment": "null"}),
        pd.DataFrame({"p_hat": grid, "density": alt, "area": "H1: p = p1", "segment": "alt"}),
    ]

    def shaded(mask: np.ndarray, density: np.ndarray, name: str) -> None:
        # Keep the cut points in both pieces so the areas meet; split disjoint tails into segments.
        edges = np.flatnonzero(np.diff(mask.astype(int)) != 0)
        keep = mask.copy()
        keep[edges] = True
        keep[np.minimum(edges + 1, mask.size - 1)] = True
        inside = mask if mask.all() or not mask.any() else keep
        runs = np.cumsum(np.concatenate([[1], np.diff(inside.astype(int)) == 1]))
        segment = [f"{name} {r}" for r in runs[inside]]
        frames.append(
            pd.DataFrame({"p_hat": grid[inside], "density": density[inside], "area": name, "segment": segment})
        )

    power = float(_normal_power(p0, p1, np.asarray(float(n)), alpha, alternative))
    shaded(reject, null, "α: reject | H0")
    shaded(~reject, alt, "β: keep | H1")
    shaded(reject, alt, "power: reject | H1")
    pvalue = z = None
    if observed is not None:
        observed = probability("observed (the observed proportion)", observed, closed=True)
        z = (observed - p0) / se0
        pvalue = float(_normal_pvalue(z, alternative))
        if alternative == "greater":
            tail = grid >= observed - 1e-12
        elif alternative == "less":
            tail = grid <= observed + 1e-12
        else:
            tail = np.abs(grid - p0) >= abs(observed - p0) - 1e-12
        if tail.any():
            shaded(tail, null, "p-value area")
    curves = pd.concat(frames, ignore_index=True)
    return SamplingPicture(
        curves, crit_low, crit_high, alpha, 1 - power, power, pvalue, None if z is None else float(z)
    )


def exact_picture(p0: float, p1: float, n: int, alpha: float = 0.05, alternative: Alternative = "two-sided") -> object:
    """Binomial(n, p0) and Binomial(n, p1) pmfs with the exact test's rejection region marked (a DataFrame).

    Only counts where either pmf exceeds 1e-5 are kept, so the chart stays small for large n.
    """
    import pandas as pd

    region = rejection_region(n, p0, alpha, alternative, "exact")
    k = np.arange(int(n) + 1)
    pmf0, pmf1 = stats.binom.pmf(k, n, p0), stats.binom.pmf(k, n, p1)
    keep = (pmf0 > 1e-5) | (pmf1 > 1e-5)
    verdict = np.where(region, "reject H0", "keep H0")
    return pd.concat(
        [
            pd.DataFrame(
                {
                    "k": k[keep],
                    "probability": pmf0[keep],
                    "distribution": "H0: Binomial(n, p0)",
                    "region": verdict[keep],
                }
            ),
            pd.DataFrame(
                {
                    "k": k[keep],
                    "probability": pmf1[keep],
                    "distribution": "H1: Binomial(n, p1)",
                    "region": verdict[keep],
                }
            ),
        ],
        ignore_index=True,
    )


VERDICTS: tuple[str, ...] = (
    "all reject",
    "all keep",
    "tests reject, Bayes favours H0",
    "tests keep, Bayes favours H1",
    "z-tests reject, exact keeps",
    "exact rejects, z-tests keep",
    "score and Wald disagree",
    "minlike and central disagree",
)


def verdict_map(
    p0: float = 0.5,
    alpha: float = 0.05,
    n_max: int = 60,
    alternative: Alternative = "two-sided",
    a: float = 1.0,
    b: float = 1.0,
    prior_null: float = 0.5,
) -> object:
    """For every n = 1..n_max and k = 0..n, which verdicts the five ways reach (a DataFrame).

    The frequentist tests (score z, Wald z, exact minlike, exact central) reject at level α; the
    Bayesian verdict "favours H1" when P(H0 | k) < 1/2. Each cell gets the first of :data:`VERDICTS`
    that describes it; the Wald test counts as keeping H0 where it is undefined (k = 0 or n).
    """
    import pandas as pd

    n_max = whole("n_max", n_max, 1, 400)
    p0 = probability("p0 (the null proportion)", p0)
    prior_null = probability("prior_null (the prior probability of H0)", prior_null, closed=True)
    rows_n, rows_k, labels = [], [], []
    for n in range(1, n_max + 1):
        k = np.arange(n + 1)
        score = rejection_region(n, p0, alpha, alternative, "z")
        wald = rejection_region(n, p0, alpha, alternative, "wald")
        minlike = rejection_region(n, p0, alpha, alternative, "exact", "minlike")
        central = rejection_region(n, p0, alpha, alternative, "exact", "central")
        bayes = null_probability_from_bf01(bf01_of_counts(k, n, p0, a, b), prior_null) < 0.5
        freq = np.stack([score, wald, minlike, central])
        all_r, none_r = freq.all(0), ~freq.any(0)
        z_both, exact_both = score & wald, minlike & central
        z_none, exact_none = ~score & ~wald, ~minlike & ~central
        label = np.select(
            [
                all_r & bayes,
                none_r & ~bayes,
                all_r & ~bayes,
                none_r & bayes,
                z_both & exact_none,
                exact_both & z_none,
                score != wald,
                minlike != central,
            ],
            list(VERDICTS),
            default="other split",
        )
        rows_n.append(np.full(n + 1, n))
        rows_k.append(k)
        labels.append(label)
    return pd.DataFrame({"n": np.concatenate(rows_n), "k": np.concatenate(rows_k), "verdict": np.concatenate(labels)})


def power_table(
    p0: float, p1: float, n_max: int, alpha: float = 0.05, alternative: Alternative = "two-sided"
) -> object:
    """Power against p1 and actual size (at p0) for n = 1..n_max (a DataFrame).

    Columns: ``n``; ``z formula`` (the normal approximation, :func:`power_proportion` with test="z");
    ``z-test, exact rate`` (the score test's true rejection probability, summed over its rejection
    region); ``exact test`` (the binomial test's power); and the same three at p = p0 as
    ``size: …`` columns (the actual type-1 error rates).
    """
    import pandas as pd

    n_max = whole("n_max", n_max, 1, 5_000)
    p0 = probability("p0 (the null proportion)", p0)
    p1 = probability("p1 (the true proportion under H1)", p1)
    alpha = _check_alpha(alpha)
    alternative = one_of("alternative", alternative, ALTERNATIVES)
    ns = np.arange(1, n_max + 1)
    z_formula = power_curve(p0, p1, ns, alpha, alternative, "z")
    z_rate, exact, z_size, exact_size = (np.empty(n_max) for _ in range(4))
    for i, n in enumerate(ns):
        k = np.arange(n + 1)
        # One set of pmfs per n; the regions are the same ones rejection_region() returns.
        pmf0, pmf1 = _binom_pmf(k, n, p0), _binom_pmf(k, n, p1)
        z_region = _normal_pvalue((k / n - p0) / np.sqrt(p0 * (1 - p0) / n), alternative) <= alpha
        exact_region = _exact_pvalues_from_pmf(pmf0, alternative) <= alpha
        z_rate[i], exact[i] = pmf1[z_region].sum(), pmf1[exact_region].sum()
        z_size[i], exact_size[i] = pmf0[z_region].sum(), pmf0[exact_region].sum()
    return pd.DataFrame(
        {
            "n": ns,
            "z formula": z_formula,
            "z-test, exact rate": z_rate,
            "exact test": exact,
            "size: z formula": np.full(ns.size, alpha),
            "size: z-test, exact rate": z_size,
            "size: exact test": exact_size,
        }
    )


def simulated_rates(
    p0: float,
    p_true: float,
    n_values: Sequence[int],
    alpha: float = 0.05,
    alternative: Alternative = "two-sided",
    n_sims: int = 2_000,
    seed: int | np.random.Generator | None = None,
) -> object:
    """Simulated rejection rates of the z-test and the exact test at each n, with 95% Wilson intervals.

    Returns a DataFrame with ``n``, ``curve`` ("simulated z-test" / "simulated exact test"), ``rate``,
    ``low`` and ``high``.
    """
    import pandas as pd

    rng = np.random.default_rng(seed)
    n_sims = whole("n_sims", n_sims, 1, MAX_RESAMPLES)
    z = stats.norm.isf(0.025)
    rows = []
    for n in n_values:
        for test, name in (("z", "simulated z-test"), ("exact", "simulated exact test")):
            rate = simulate_rejection_rate(p0, p_true, int(n), alpha, alternative, test, n_sims, rng)
            centre = (rate + z**2 / (2 * n_sims)) / (1 + z**2 / n_sims)
            half = z * np.sqrt(rate * (1 - rate) / n_sims + z**2 / (4 * n_sims**2)) / (1 + z**2 / n_sims)
            rows.append((int(n), name, rate, max(0.0, centre - half), min(1.0, centre + half)))
    return pd.DataFrame(rows, columns=["n", "curve", "rate", "low", "high"])


# ---------------------------------------------------------------------------
# The t-tests drawn: the statistic's null distribution, and the means with their intervals
# ---------------------------------------------------------------------------

T_NULL = "t under H0"
P_AREA = "p-value area"
MAX_DOTS = 500  # values drawn per group; larger samples are drawn as this many evenly spaced quantiles


def t_null_curve(statistic: float, df: float, alternative: Alternative = "two-sided", points: int = 401) -> object:
    """The t(df) density under H0 with the p-value region: a long table with columns ``t``, ``density``,
    ``area`` (``"t under H0"`` or ``"p-value area"``) and ``segment`` (the two tails of a two-sided region).

    The grid spans ±max(4, 1.15·|t|) (at most ±60) and holds ±t itself, so the shaded region starts exactly
    at the observed statistic: beyond |t| two-sided, beyond t for ``"greater"``, below it for ``"less"``. Its
    area plus t's tail mass beyond the grid is the p-value.

    >>> curve = t_null_curve(2.0, 10, "greater")
    >>> float(curve[curve["area"] == "p-value area"]["t"].min())
    2.0
    """
    import pandas as pd

    t = float(np.clip(_finite_t(statistic), -1e6, 1e6))
    df = float(df)
    if not np.isfinite(df) or df <= 0:
        raise ValueError(f"df (the degrees of freedom) must be a positive number, got {df!r}.")
    alternative = one_of("alternative", alternative, ALTERNATIVES)
    points = whole("points", points, 11, 10_001)
    span = min(max(4.0, 1.15 * abs(t)), 60.0)
    grid = np.unique(np.concatenate([np.linspace(-span, span, points), np.clip([t, -t], -span, span)]))
    density = stats.t.pdf(grid, df)
    frames = [pd.DataFrame({"t": grid, "density": density, "area": T_NULL, "segment": "curve"})]
    tails = {
        "two-sided": [("left", grid <= -abs(t)), ("right", grid >= abs(t))],
        "greater": [("right", grid >= t)],
        "less": [("left", grid <= t)],
    }[alternative]
    for segment, inside in tails:
        if inside.sum() >= 2:
            frames.append(
                pd.DataFrame({"t": grid[inside], "density": density[inside], "area": P_AREA, "segment": segment})
            )
    return pd.concat(frames, ignore_index=True)


def _finite_t(statistic: object) -> float:
    """The observed t as a float (the test has already checked it)."""
    value = float(statistic)
    if not np.isfinite(value):
        raise ValueError(f"statistic must be a finite number, got {statistic!r}.")
    return value


def _mean_interval(values: np.ndarray, level: float) -> tuple[float, float, float]:
    """x̄ and its t interval x̄ ± t_{(1+level)/2, n−1} · s/√n."""
    half = stats.t.ppf((1 + level) / 2, values.size - 1) * values.std(ddof=1) / np.sqrt(values.size)
    return float(values.mean()), float(values.mean() - half), float(values.mean() + half)


def mean_intervals(
    x: object, y: object | None = None, paired: bool = False, equal_var: bool = False, level: float = 0.95
) -> tuple[object, object]:
    """What a t-test compares, with two-sided ``level`` t intervals, and the values behind it.

    Returns ``(intervals, dots)``. ``intervals`` has one row per mean (columns ``what``, ``estimate``, ``low``,
    ``high``, ``n``, ``tested``): each group's mean with its one-sample interval, then the tested quantity with
    the test's own interval (Welch's or Student's for x̄ − ȳ, the paired differences' mean), marked ``tested``;
    it excludes the null value exactly when the two-sided test rejects at 1 − level. ``dots`` (``what``,
    ``value``) holds each group's values (the differences too when paired), at most 500 per group.

    >>> intervals, _ = mean_intervals([1.0, 2.0, 3.0])
    >>> intervals[["what", "estimate", "tested"]].values.tolist()
    [['mean of x', 2.0, True]]
    """
    import pandas as pd

    from lib.hypothesis.two_sample import _samples

    level = probability("level", level)
    a, b = _samples(x, y, paired=False)
    rows = [("mean of x", *_mean_interval(a, level), a.size)]
    dots = {"mean of x": a}
    if b is not None:
        rows.append(("mean of y", *_mean_interval(b, level), b.size))
        dots["mean of y"] = b
        if paired:
            d, _ = _samples(a, b, paired=True)
            rows.append(("mean of x − y (pairs)", *_mean_interval(d, level), d.size))
            dots["mean of x − y (pairs)"] = d
        else:
            rows.append(("x̄ − ȳ", *_difference_interval(a, b, equal_var, level), a.size + b.size))
    intervals = pd.DataFrame(rows, columns=["what", "estimate", "low", "high", "n"])
    intervals["tested"] = np.arange(len(intervals)) == len(intervals) - 1
    shown = {
        what: values if values.size <= MAX_DOTS else np.quantile(values, np.linspace(0, 1, MAX_DOTS))
        for what, values in dots.items()
    }
    dots = pd.concat([pd.DataFrame({"what": what, "value": v}) for what, v in shown.items()], ignore_index=True)
    return intervals, dots


def _difference_interval(a: np.ndarray, b: np.ndarray, equal_var: bool, level: float) -> tuple[float, float, float]:
    """x̄ − ȳ with Student's (pooled) or Welch's interval, the same standard error and df as the test."""
    va, vb = a.var(ddof=1), b.var(ddof=1)
    if equal_var:
        df = a.size + b.size - 2
        se = np.sqrt(((a.size - 1) * va + (b.size - 1) * vb) / df * (1 / a.size + 1 / b.size))
    else:
        ua, ub = va / a.size, vb / b.size
        se = np.sqrt(ua + ub)
        df = (ua + ub) ** 2 / (ua**2 / (a.size - 1) + ub**2 / (b.size - 1)) if se > 0 else 1.0
    estimate = float(a.mean() - b.mean())
    half = float(stats.t.ppf((1 + level) / 2, df) * se)
    return estimate, estimate - half, estimate + half
