"""How the Linear algebra sections show matrices and times."""

import numpy as np
import pandas as pd


def matrix_frame(M: np.ndarray, prefix: str = "col") -> pd.DataFrame:
    """A matrix as a table with named columns (``col 1``, …) and a ``row`` column."""
    M = np.asarray(M)
    frame = pd.DataFrame(M, columns=[f"{prefix} {j + 1}" for j in range(M.shape[1])])
    return frame.assign(row=np.arange(1, M.shape[0] + 1))[["row", *frame.columns]]


def seconds_text(seconds: float) -> str:
    """A duration in µs, ms or s."""
    if seconds < 1e-3:
        return f"{seconds * 1e6:.0f} µs"
    if seconds < 1:
        return f"{seconds * 1e3:.2f} ms"
    return f"{seconds:.2f} s"
