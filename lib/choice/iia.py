"""Tests of independence from irrelevant alternatives: likelihood ratio and Hausman–McFadden."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats

from lib.choice.estimation import ChoiceFit, _design, fit_conditional_logit


@dataclass(frozen=True)
class IIATest:
    """A test of independence of irrelevant alternatives: the statistic, its degrees of freedom, p-value."""

    statistic: float
    df: int
    pvalue: float
    name: str


def iia_lr_test(mnl: ChoiceFit, nested: ChoiceFit) -> IIATest:
    """Likelihood-ratio test of the MNL (every λ = 1) against the nested logit.

    ``LR = 2 (LL_nested - LL_mnl)`` is χ² with one degree of freedom per estimated λ under IIA.
    """
    if nested.model != "nested logit" or mnl.model != "conditional logit":
        raise ValueError("iia_lr_test needs a conditional logit fit and a nested logit fit of the same data.")
    if mnl.n_obs != nested.n_obs or mnl.names != nested.names:
        raise ValueError("The two fits must use the same data and the same parameters.")
    df = int(sum(len(n) > 1 for n in nested.nests))
    if df == 0:
        raise ValueError("The nested logit has no nest of two or more alternatives, so there is nothing to test.")
    statistic = max(0.0, 2.0 * (nested.loglik - mnl.loglik))
    return IIATest(statistic, df, float(stats.chi2.sf(statistic, df)), "likelihood ratio, nested vs MNL")


def hausman_mcfadden_test(
    X: np.ndarray | Sequence,
    choice: np.ndarray | Sequence,
    drop: Sequence[int],
    availability: np.ndarray | Sequence | None = None,
    names: Sequence[str] | None = None,
) -> IIATest:
    """Hausman–McFadden test: refit without the alternatives in ``drop``; under IIA β does not change.

    ``H = (β_r - β_f)ᵀ (V_r - V_f)^{-1} (β_r - β_f)`` over the attribute coefficients (alternative-specific
    constants are left out of the comparison), χ² with that many degrees of freedom. Observations that chose a dropped
    alternative are removed. A negative-definite ``V_r - V_f`` (it happens in small samples) is
    handled with a pseudo-inverse and the statistic floored at 0.
    """
    X, choice, av, names = _design(X, choice, availability, names)
    drop = sorted({int(d) for d in drop})
    if not drop or min(drop) < 0 or max(drop) >= X.shape[1] or len(drop) >= X.shape[1] - 1:
        raise ValueError(f"drop must name between 1 and {X.shape[1] - 2} of the alternatives 0..{X.shape[1] - 1}.")
    full = fit_conditional_logit(X, choice, av, names)
    keep_alts = np.setdiff1d(np.arange(X.shape[1]), drop)
    rows = ~np.isin(choice, drop)
    Xr, avr = X[rows][:, keep_alts], av[rows][:, keep_alts]
    remap = {old: new for new, old in enumerate(keep_alts)}
    chr_ = np.array([remap[c] for c in choice[rows]])
    # Keep the columns still identified without the dropped alternatives (greedily, in order) ...
    spread = (Xr - Xr.mean(axis=1, keepdims=True)).reshape(-1, X.shape[2])
    usable: list[int] = []
    for p in range(X.shape[2]):
        if np.linalg.matrix_rank(spread[:, [*usable, p]]) == len(usable) + 1:
            usable.append(p)
    restricted = fit_conditional_logit(Xr[:, :, usable], chr_, avr, [names[u] for u in usable])
    # ... and compare the attributes, not the alternative-specific constants (their reference may change).
    varies = [i for i, p in enumerate(usable) if np.ptp(X[:, :, p], axis=0).max() > 0]
    if not varies:
        raise ValueError("No attribute coefficient is left to compare after dropping those alternatives.")
    cols = np.array(usable)[varies]
    diff = restricted.params[varies] - full.params[cols]
    v_diff = restricted.covariance[np.ix_(varies, varies)] - full.covariance[np.ix_(cols, cols)]
    statistic = max(0.0, float(diff @ np.linalg.pinv(v_diff) @ diff))
    df = len(varies)
    return IIATest(statistic, df, float(stats.chi2.sf(statistic, df)), "Hausman–McFadden")
