"""The notes' convolution of two exponential phases: numeric integral against the closed form."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import integrate

from lib.validation import positive


def hypoexponential2_pdf(x: float | np.ndarray, rate1: float, rate2: float) -> np.ndarray:
    """Closed form of the two-phase pdf: ``μ1 μ2 (e^{-μ1 x} - e^{-μ2 x}) / (μ2 - μ1)``.

    For ``μ1 = μ2 = μ`` the limit ``μ² x e^{-μx}`` (Erlang-2) is used.
    """
    m1, m2 = positive("rate1", rate1), positive("rate2", rate2)
    x = np.asarray(x, dtype=float)
    xs = np.clip(x, 0.0, None)
    if math.isclose(m1, m2, rel_tol=1e-9):
        out = m1 * m1 * xs * np.exp(-m1 * xs)
    else:
        out = m1 * m2 * (np.exp(-m1 * xs) - np.exp(-m2 * xs)) / (m2 - m1)
    return np.where(x >= 0, out, 0.0)


@dataclass(frozen=True)
class Convolution:
    """The convolution integral evaluated numerically at each ``x``, with quad's error estimate."""

    x: np.ndarray
    value: np.ndarray
    abs_error: np.ndarray


def convolve_exponentials(x: Sequence[float] | np.ndarray, rate1: float, rate2: float) -> Convolution:
    """``∫_0^x μ1 e^{-μ1 t} μ2 e^{-μ2 (x - t)} dt`` by ``scipy.integrate.quad`` at each ``x``.

    The integrand is zero for ``t < 0`` (first phase) and ``t > x`` (second phase), so the
    limits are 0 and x, as the notes' hint says.
    """
    m1, m2 = positive("rate1", rate1), positive("rate2", rate2)
    xs = np.atleast_1d(np.asarray(x, dtype=float))
    values, errors = np.zeros(xs.size), np.zeros(xs.size)
    for i, xi in enumerate(xs):
        if xi > 0:
            values[i], errors[i] = integrate.quad(
                lambda t, xi=xi: m1 * math.exp(-m1 * t) * m2 * math.exp(-m2 * (xi - t)), 0.0, xi
            )
    return Convolution(xs, values, errors)
