"""The matrices the page works on: typed by the user, drawn by code, or random with a seed."""

from __future__ import annotations

import re

import numpy as np

from lib.linalg.eigen import as_matrix, spectral_radius
from lib.validation import finite, positive, whole

MAX_TYPED_SIZE = 8  # rows and columns of a typed matrix
MAX_TYPED_CHARS = 2_000
_ROWS = re.compile(r"[;\n]+")
_ENTRIES = re.compile(r"[,\s]+")


def _number(entry: str) -> float:
    try:
        value = float(entry)
    except ValueError:
        shown = entry if len(entry) <= 12 else entry[:11] + "…"
        raise ValueError(f"Every entry of A must be a number; {shown!r} is not.") from None
    if not np.isfinite(value) or abs(value) > 1e6:
        raise ValueError(f"Every entry of A must be a finite number of size at most 1e6; {entry[:12]!r} is not.")
    return value


def parse_matrix(text: str, *, max_size: int = MAX_TYPED_SIZE) -> np.ndarray:
    """A square matrix typed as rows separated by ``;`` or new lines, entries by commas or spaces.

    Empty, non-numeric, ragged, non-square or larger than ``max_size`` × ``max_size`` text raises
    ``ValueError`` with one sentence.

    >>> parse_matrix("0.5 0.2; 0.1 0.4").tolist()
    [[0.5, 0.2], [0.1, 0.4]]
    """
    text = str(text)
    if len(text) > MAX_TYPED_CHARS:
        raise ValueError(f"A may be typed in at most {MAX_TYPED_CHARS:,} characters, got {len(text):,}.")
    rows = [r.strip() for r in _ROWS.split(text) if r.strip()]
    if not rows:
        raise ValueError("Type the rows of A, separated by semicolons, e.g. 0.5 0.2; 0.1 0.4.")
    if len(rows) > max_size:
        raise ValueError(f"A may have at most {max_size} rows, got {len(rows)}.")
    entries = [[e for e in _ENTRIES.split(r) if e] for r in rows]
    widths = {len(r) for r in entries}
    if max(widths) > max_size:
        raise ValueError(f"A may have at most {max_size} columns, got {max(widths)}.")
    matrix = [[_number(e) for e in r] for r in entries]
    if len(widths) != 1:
        raise ValueError(f"Every row of A needs the same number of entries; the rows have {sorted(widths)}.")
    if widths.pop() != len(rows):
        raise ValueError(f"A must be square to be raised to a power, got {len(rows)} × {len(matrix[0])}.")
    return np.array(matrix, dtype=float)


def format_matrix(A: object, digits: int = 4) -> str:
    """The text :func:`parse_matrix` reads back: rows joined by ``"; "``.

    >>> format_matrix([[1.0, 0.5], [0.25, 0.0]])
    '1 0.5; 0.25 0'
    """
    M = as_matrix("A", A, square=False)
    return "; ".join(" ".join(f"{v:.{digits}g}" for v in row) for row in M)


def random_matrix(n: int, seed: int | None = None, m: int | None = None) -> np.ndarray:
    """An n × m (default n × n) matrix of independent N(0, 1/n) entries (ρ ≈ 1 for square ones).

    >>> random_matrix(3, seed=0).shape
    (3, 3)
    """
    n = whole("n", n, 1, 4096)
    m = n if m is None else whole("m", m, 1, 4096)
    return np.random.default_rng(seed).normal(0.0, 1.0 / np.sqrt(n), size=(n, m))


def scale_to_spectral_radius(W: object, rho: float) -> np.ndarray:
    """W · ρ / ρ(W): the same directions, spectral radius exactly ``rho``.

    >>> round(spectral_radius(scale_to_spectral_radius([[0.0, 2.0], [2.0, 0.0]], 0.5)), 12)
    0.5
    """
    M = as_matrix("W", W)
    rho = positive("rho", rho)
    current = spectral_radius(M)
    if current == 0:
        raise ValueError("W is nilpotent (every eigenvalue is 0): no scaling gives it a spectral radius.")
    return M * (rho / current)


def low_rank_plus_noise(
    m: int, n: int, rank: int, noise: float = 0.1, seed: int | None = None, *, decay: float = 0.7
) -> np.ndarray:
    """An m × n matrix U diag(s) Vᵀ + noise: ``rank`` directions with singular values 10·decay^i, then
    N(0, noise²) entries.

    >>> low_rank_plus_noise(6, 5, rank=2, noise=0.0, seed=1).shape, int(np.linalg.matrix_rank(
    ...     low_rank_plus_noise(6, 5, rank=2, noise=0.0, seed=1)))
    ((6, 5), 2)
    """
    m, n = whole("m", m, 1, 4096), whole("n", n, 1, 4096)
    rank = whole("rank", rank, 0, min(m, n))
    noise = finite("noise", noise)
    if noise < 0:
        raise ValueError(f"noise must be ≥ 0, got {noise!r}.")
    rng = np.random.default_rng(seed)
    U, _ = np.linalg.qr(rng.normal(size=(m, max(rank, 1))))
    V, _ = np.linalg.qr(rng.normal(size=(n, max(rank, 1))))
    s = 10.0 * positive("decay", decay) ** np.arange(rank)
    signal = (U[:, :rank] * s) @ V[:, :rank].T
    return signal + rng.normal(0.0, noise, size=(m, n))


def drawn_image(size: int = 64) -> np.ndarray:
    """A size × size grey-level picture drawn by code: a sun (disc), its rings, a house and a path.

    Values lie in [0, 1]. Its few straight edges have low rank; the round sun needs many ranks.

    >>> img = drawn_image(32); img.shape, float(img.min()) >= 0, float(img.max()) <= 1
    ((32, 32), True, True)
    """
    size = whole("size", size, 8, 1024)
    y, x = np.mgrid[0:size, 0:size] / (size - 1)  # (size, size) each, y down
    image = 0.15 + 0.1 * y  # the sky darkens towards the ground
    r = np.hypot(x - 0.72, y - 0.25)
    image = np.where(r < 0.13, 1.0, image)
    image = np.where((r > 0.17) & (r < 0.19), 0.8, image)
    house = (x > 0.12) & (x < 0.48) & (y > 0.5) & (y < 0.85)
    roof = (y > 0.3) & (y <= 0.5) & (np.abs(x - 0.3) < (y - 0.3) * 0.95)
    image = np.where(house, 0.55, image)
    image = np.where(roof, 0.35, image)
    door = (x > 0.26) & (x < 0.34) & (y > 0.68) & (y < 0.85)
    image = np.where(door, 0.1, image)
    image = np.where(y >= 0.85, 0.45, image)  # the ground
    path = (y >= 0.85) & (np.abs(x - 0.3 - (y - 0.85) * 1.5) < 0.04)
    return np.where(path, 0.9, image)


def correlated_data(n: int, d: int, seed: int | None = None, *, decay: float = 0.5) -> np.ndarray:
    """n samples of a d-dimensional Gaussian whose covariance has eigenvalues 4·decayⁱ along random
    orthogonal axes, shifted to mean (1, 2, …, d): data with a few dominant directions for PCA.

    >>> correlated_data(100, 3, seed=0).shape
    (100, 3)
    """
    n, d = whole("n", n, 2, 1_000_000), whole("d", d, 1, 100)
    rng = np.random.default_rng(seed)
    axes, _ = np.linalg.qr(rng.normal(size=(d, d)))
    scales = 2.0 * np.sqrt(positive("decay", decay)) ** np.arange(d)  # standard deviations: √(4·decayⁱ)
    return (rng.normal(size=(n, d)) * scales) @ axes.T + np.arange(1, d + 1)
