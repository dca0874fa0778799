"""G*Power's analyses for the t-tests (Cohen's d) and the two-proportion z-test (Cohen's h).

Each test is a (non)central distribution of its statistic: under an effect size ``es`` with n1 = n in group 1
and n2 = ``ratio`` · n in group 2 (G*Power's allocation ratio N2/N1, statsmodels' ``ratio``; 1 = equal groups),
and the effective size n_eff = 1 / (1/n1 + 1/n2) = n · ratio / (1 + ratio) (n / 2 for equal groups),

* ``"two-sample"`` t: t' ~ noncentral t(df = n1 + n2 − 2, λ = es √n_eff);
* ``"one-sample"`` and ``"paired"`` t (d_z on the differences): df = n − 1, λ = es √n (one group: ratio 1);
* ``"two-proportions"`` z on the arcsine scale: z ~ N(es √n_eff, 1), es = Cohen's h.

The power is the mass of that distribution beyond the critical values under H0 (both tails two-sided,
as statsmodels and G*Power). From it: a priori (n for a power), post hoc (power for an n), sensitivity
(the smallest effect for a power), compromise (α and β at a fixed ratio β / α) and power against effect.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import optimize, stats

from lib.hypothesis._shared import ALTERNATIVES, MAX_TRIALS, Alternative, _check_alpha
from lib.validation import finite, one_of, positive, probability

T_KINDS: tuple[str, ...] = ("two-sample", "one-sample", "paired")
POWER_KINDS: tuple[str, ...] = (*T_KINDS, "two-proportions")
TWO_GROUP_KINDS: tuple[str, ...] = ("two-sample", "two-proportions")
MAX_RATIO = 100.0  # N2/N1 between 1/100 and 100


def _check_n(n: object) -> float:
    n = finite("n (the sample size per group)", n)
    if not 2 <= n <= MAX_TRIALS:
        raise ValueError(f"n (the sample size per group) must lie between 2 and {MAX_TRIALS:,}, got {n:g}.")
    return n


def _check_ratio(ratio: object, kind: str) -> float:
    ratio = positive("ratio (the allocation ratio N2/N1)", ratio)
    if not 1 / MAX_RATIO <= ratio <= MAX_RATIO:
        raise ValueError(f"ratio (the allocation ratio N2/N1) must lie between 0.01 and 100, got {ratio:g}.")
    if ratio != 1 and kind not in TWO_GROUP_KINDS:
        raise ValueError(f"ratio (the allocation ratio N2/N1) applies to the two-group tests only, not {kind!r}.")
    return ratio


def group_sizes(n1: int, ratio: float = 1.0) -> tuple[int, int]:
    """G*Power's whole group sizes for ``n1`` in group 1: (n1, ⌈ratio · n1⌉), rounded up as G*Power does.

    >>> group_sizes(48, 2.0), group_sizes(64)
    ((48, 96), (64, 64))
    """
    n1 = int(_check_n(n1))
    ratio = _check_ratio(ratio, "two-sample")
    return n1, math.ceil(ratio * n1 - 1e-9)


def _normal_tails(shift: np.ndarray, alpha: float, alternative: str) -> np.ndarray:
    """P(reject) when the statistic is N(shift, 1)."""
    if alternative == "two-sided":
        crit = stats.norm.isf(alpha / 2)
        return stats.norm.sf(crit - shift) + stats.norm.cdf(-crit - shift)
    crit = stats.norm.isf(alpha)
    return stats.norm.sf(crit - shift) if alternative == "greater" else stats.norm.cdf(-crit - shift)


def _t_tails(shift: np.ndarray, df: float, alpha: float, alternative: str) -> np.ndarray:
    """P(reject) when the statistic is noncentral t(df, shift); where scipy's nct gives NaN (df and shift
    in the tens of thousands) the normal limit is used, which is then exact to many digits."""
    if alternative == "two-sided":
        crit = stats.t.isf(alpha / 2, df)
        power = stats.nct.sf(crit, df, shift) + stats.nct.cdf(-crit, df, shift)
    else:
        crit = stats.t.isf(alpha, df)
        power = stats.nct.sf(crit, df, shift) if alternative == "greater" else stats.nct.cdf(-crit, df, shift)
    return np.where(np.isnan(power), _normal_tails(shift, alpha, alternative), power)


def _power(
    es: np.ndarray | float, n: float, alpha: float, alternative: str, kind: str, ratio: float = 1.0
) -> np.ndarray:
    """Power for effect sizes ``es`` (any shape; arguments already checked) with n1 = n, n2 = ratio · n."""
    es = np.asarray(es, dtype=float)
    n_eff = n * ratio / (1 + ratio)  # 1 / (1/n1 + 1/n2)
    if kind == "two-proportions":
        return _normal_tails(es * math.sqrt(n_eff), alpha, alternative)
    if kind == "two-sample":
        return _t_tails(es * math.sqrt(n_eff), n + ratio * n - 2, alpha, alternative)
    return _t_tails(es * math.sqrt(n), n - 1, alpha, alternative)


def power_of_test(
    effect_size: float,
    n: float,
    alpha: float = 0.05,
    alternative: Alternative = "two-sided",
    kind: str = "two-sample",
    *,
    ratio: float = 1.0,
) -> float:
    """Post hoc power 1 − β of the ``kind`` test (see the module) with n in group 1 (n per group when
    ``ratio`` = N2/N1 is 1) at this effect size.

    Example
    -------
    >>> round(power_of_test(0.3, 100, kind="two-proportions"), 4)  # statsmodels' NormalIndPower
    0.5641
    >>> round(power_of_test(0.5, 48, ratio=2.0), 4)  # 48 and 96: TTestIndPower(ratio=2)
    0.8021
    """
    es = finite("effect_size", effect_size)
    n, alpha = _check_n(n), _check_alpha(alpha)
    alternative = one_of("alternative", alternative, ALTERNATIVES)
    kind = one_of("kind", kind, POWER_KINDS)
    return float(_power(es, n, alpha, alternative, kind, _check_ratio(ratio, kind)))


def power_t_test(
    effect_size: float,
    n: float,
    alpha: float = 0.05,
    alternative: Alternative = "two-sided",
    kind: str = "two-sample",
    *,
    ratio: float = 1.0,
) -> float:
    """Power of a t-test against Cohen's d = ``effect_size`` with n per group, or n1 = n and n2 = ``ratio`` · n
    (statsmodels' TTestIndPower for ``"two-sample"``, TTestPower for ``"one-sample"`` and ``"paired"``,
    G*Power's post hoc t-tests).

    Two-sided: ``P(t' > t_{1−α/2}) + P(t' < −t_{1−α/2})`` with t' noncentral t (see the module); one-sided,
    the one tail.

    Example
    -------
    >>> round(power_t_test(0.5, 64), 4)  # G*Power: d = 0.5, 64 per group -> 0.8015
    0.8015
    """
    one_of("kind", kind, T_KINDS)
    return power_of_test(effect_size, n, alpha, alternative, kind, ratio=ratio)


def _check_direction(es: float, alternative: str) -> None:
    if es == 0 or (alternative == "greater" and es < 0) or (alternative == "less" and es > 0):
        side = {"greater": "positive", "less": "negative"}.get(alternative, "non-zero")
        raise ValueError(f"With alternative {alternative!r} the effect size must be {side}, got {es:g}.")


def sample_size_for_power(
    effect_size: float,
    alpha: float = 0.05,
    power: float = 0.8,
    alternative: Alternative = "two-sided",
    kind: str = "two-sample",
    *,
    ratio: float = 1.0,
) -> int:
    """A priori: the smallest whole n per group (n1, with n2 = ``ratio`` · n1) whose power reaches ``power``
    (G*Power's answer; the real-valued n that statsmodels' ``solve_power`` returns, rounded up; G*Power then
    takes n2 = ⌈ratio · n1⌉, :func:`group_sizes`).

    Example
    -------
    >>> sample_size_for_power(0.5)  # G*Power's textbook case: 64 per group
    64
    >>> sample_size_for_power(0.5, ratio=2.0)  # 48 in group 1, 96 in group 2
    48
    """
    es = finite("effect_size", effect_size)
    alpha, power = _check_alpha(alpha), probability("power", power)
    alternative = one_of("alternative", alternative, ALTERNATIVES)
    kind = one_of("kind", kind, POWER_KINDS)
    ratio = _check_ratio(ratio, kind)
    _check_direction(es, alternative)
    if power <= alpha:
        raise ValueError(f"power must exceed alpha = {alpha}, got {power}.")
    if _power(es, 2, alpha, alternative, kind, ratio) >= power:
        return 2
    f = lambda m: float(_power(es, m, alpha, alternative, kind, ratio)) - power  # noqa: E731  rises with n
    z_sum = stats.norm.isf(alpha / 2 if alternative == "two-sided" else alpha) + stats.norm.ppf(power)
    guess = (1 + 1 / ratio if kind in TWO_GROUP_KINDS else 1) * (z_sum / es) ** 2  # the normal formula, n_eff
    low, high = max(2.0, 0.8 * guess), min(float(MAX_TRIALS), 1.2 * guess + 4)
    while f(low) > 0:  # widen the bracket around the guess until it holds the root (rarely needed)
        low = max(2.0, low / 2)
    while f(high) < 0:
        if high >= MAX_TRIALS:
            raise ValueError(f"No n up to {MAX_TRIALS:,} per group reaches power {power} at effect size {es:g}.")
        high = min(2 * high, float(MAX_TRIALS))
    n = optimize.brentq(f, low, high, xtol=1e-6)
    whole_n = math.ceil(n - 1e-6)
    return whole_n if _power(es, whole_n, alpha, alternative, kind, ratio) >= power else whole_n + 1


def minimum_detectable_effect(
    n: float,
    alpha: float = 0.05,
    power: float = 0.8,
    alternative: Alternative = "two-sided",
    kind: str = "two-sample",
    *,
    ratio: float = 1.0,
) -> float:
    """Sensitivity: the smallest effect size (d, or h for ``"two-proportions"``) detected with ``power``
    with n in group 1 and ``ratio`` · n in group 2.

    Solves ``power(es) = power`` for es > 0 (es < 0 for ``"less"``), as statsmodels'
    ``solve_power(effect_size=None, ...)``.

    Example
    -------
    >>> round(minimum_detectable_effect(64), 4)
    0.4991
    """
    n, alpha = _check_n(n), _check_alpha(alpha)
    power = probability("power", power)
    alternative = one_of("alternative", alternative, ALTERNATIVES)
    kind = one_of("kind", kind, POWER_KINDS)
    ratio = _check_ratio(ratio, kind)
    if power <= alpha:
        raise ValueError(f"power must exceed alpha = {alpha}, got {power}.")
    sign = -1.0 if alternative == "less" else 1.0

    def gap(e: float) -> float:
        return float(_power(sign * e, n, alpha, alternative, kind, ratio)) - power

    high = 1.0
    while gap(high) < 0:
        high *= 2  # power → 1 as the effect grows, so this stops
    es = optimize.brentq(gap, 0.0, high, xtol=1e-10)
    return float(sign * es)


def compromise_alpha(
    effect_size: float,
    n: float,
    ratio: float = 1.0,
    alternative: Alternative = "two-sided",
    kind: str = "two-sample",
    *,
    group_ratio: float = 1.0,
) -> tuple[float, float]:
    """Compromise: the (α, β) with β = ``ratio`` · α for this effect and n (G*Power's q = β / α), with n in
    group 1 and ``group_ratio`` · n in group 2 (the allocation ratio N2/N1, named apart from q).

    β(α) = 1 − power(α) falls as α grows while ratio · α rises, so the root of
    ``β(α) − ratio · α`` lies in (0, 1 / (1 + ratio)] and is unique.

    Example
    -------
    >>> a, b = compromise_alpha(0.5, 30, ratio=1.0)
    >>> round(a, 4), round(b, 4)
    (0.232, 0.232)
    """
    es = finite("effect_size", effect_size)
    n = _check_n(n)
    ratio = positive("ratio (β / α)", ratio)
    if ratio > 1000:
        raise ValueError(f"ratio (β / α) must be at most 1,000, got {ratio:g}.")
    alternative = one_of("alternative", alternative, ALTERNATIVES)
    kind = one_of("kind", kind, POWER_KINDS)
    group_ratio = _check_ratio(group_ratio, kind)
    _check_direction(es, alternative)

    def gap(alpha: float) -> float:
        return float(1 - _power(es, n, alpha, alternative, kind, group_ratio) - ratio * alpha)

    top = 1 / (1 + ratio)
    if gap(1e-300) <= 0:  # the effect is so large that β is below ratio · α for any representable α
        return 0.0, 0.0
    alpha = optimize.brentq(gap, 1e-300, top, xtol=1e-14, rtol=1e-12) if gap(top) < 0 else top
    return float(alpha), float(ratio * alpha)


def power_against_effect(
    effect_sizes: np.ndarray,
    n: float,
    alpha: float = 0.05,
    alternative: Alternative = "two-sided",
    kind: str = "two-sample",
    *,
    ratio: float = 1.0,
) -> np.ndarray:
    """The power at each effect size (G*Power's "X-Y plot"): :func:`power_of_test`, vectorised.

    Example
    -------
    >>> power_against_effect(np.array([0.0, 0.5]), 64).round(3)
    array([0.05 , 0.801])
    """
    es = np.asarray(effect_sizes, dtype=float)
    if es.ndim != 1 or es.size == 0 or not np.isfinite(es).all():
        raise ValueError("effect_sizes must be a non-empty list of finite numbers.")
    n, alpha = _check_n(n), _check_alpha(alpha)
    alternative = one_of("alternative", alternative, ALTERNATIVES)
    kind = one_of("kind", kind, POWER_KINDS)
    return _power(es, n, alpha, alternative, kind, _check_ratio(ratio, kind))
