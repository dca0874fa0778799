"""Two-moment fits: the fewest phases for an SCV, Coxian-2, Erlang mixtures and balanced H2."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from lib.queueing._shared import MAX_PHASES, MIN_FIT_SCV
from lib.queueing.phase_type import PhaseType, coxian, exponential, hyperexponential
from lib.validation import positive


def min_phases(scv: float) -> int:
    """Fewest phases a phase-type distribution needs for this SCV: ``n >= 1/SCV`` (Aldous & Shepp, 1987)."""
    scv = positive("scv", scv)
    return max(1, math.ceil(1 / scv - 1e-9))


def fit_coxian2(mean: float, scv: float) -> PhaseType:
    """Two-phase Coxian with the given mean and SCV (Marie, 1980); feasible for ``SCV >= 1/2``.

    ``μ1 = 2/m``, ``p = 1/(2 SCV)``, ``μ2 = 1/(m SCV)``: phase 1 contributes ``m/2`` to the
    mean and phase 2 (reached with probability ``p``) the other ``m/2``.

    >>> ph = fit_coxian2(1.0, 2.0)
    >>> round(ph.mean, 6), round(ph.scv, 6)
    (1.0, 2.0)
    """
    mean, scv = positive("mean", mean), positive("scv", scv)
    if scv < 0.5 - 1e-12:
        raise ValueError(
            f"A two-phase Coxian needs scv ≥ 1/2 (n phases reach scv ≥ 1/n), got {scv:g}; use fit_two_moments."
        )
    return coxian([2 / mean, 1 / (mean * scv)], [min(1.0, 1 / (2 * scv))])


def fit_two_moments(mean: float, scv: float) -> PhaseType:
    """A phase-type with the given mean and SCV, using the fewest phases (Tijms, 1994, §A.5).

    * ``SCV < 1``: a mixture of Erlang(k-1) and Erlang(k) with one rate, ``k = ⌈1/SCV⌉``,
      written as a k-phase Coxian (every continue probability 1 except ``1 - p`` after phase k-1);
    * ``SCV = 1``: the exponential;
    * ``SCV > 1``: a two-phase hyper-exponential with balanced means (``p1/μ1 = p2/μ2``).
    """
    mean, scv = positive("mean", mean), positive("scv", scv)
    if scv < MIN_FIT_SCV - 1e-12:
        raise ValueError(f"scv must be at least 1/{MAX_PHASES} (at most {MAX_PHASES} phases), got {scv:g}.")
    if math.isclose(scv, 1.0, rel_tol=1e-12):
        return exponential(1 / mean)
    if scv > 1:
        p1 = 0.5 * (1 + math.sqrt((scv - 1) / (scv + 1)))
        return hyperexponential([p1, 1 - p1], [2 * p1 / mean, 2 * (1 - p1) / mean])
    k = min_phases(scv)
    if k == 1:  # scv within rounding of 1
        return exponential(1 / mean)
    p = (k * scv - math.sqrt(max(0.0, k * (1 + scv) - k * k * scv))) / (1 + scv)
    p = min(1.0, max(0.0, p))
    rate = (k - p) / mean
    cont = [1.0] * (k - 1)
    cont[-1] = 1 - p
    return coxian([rate] * k, cont)


def sample_moments(values: np.ndarray | Sequence[float]) -> tuple[float, float]:
    """Sample mean and SCV (variance with ``ddof=1`` over mean²) of observed service times."""
    v = np.asarray(values, dtype=float)
    if v.size < 2 or not np.all(np.isfinite(v)):
        raise ValueError("At least two finite service times are needed to estimate a mean and an SCV.")
    mean = float(v.mean())
    if mean <= 0:
        raise ValueError("The service times must have a positive mean.")
    scv = float(v.var(ddof=1) / mean**2)
    if scv <= 0:
        raise ValueError("The service times are all equal (SCV 0): no phase-type distribution has SCV 0.")
    return mean, scv
