"""What the user types or uploads: vectors, matrices and a CSV of service times."""

from __future__ import annotations

import io
import re

import numpy as np
import pandas as pd

from lib.queueing._shared import MAX_PHASES
from lib.uploads import check_csv_width

_SPLIT = re.compile(r"[,\s]+")


def parse_vector(text: str, name: str = "values", *, max_size: int = MAX_PHASES) -> np.ndarray:
    """Numbers separated by commas or spaces, e.g. ``"2, 3.5 1e-1"``."""
    parts = [p for p in _SPLIT.split(str(text).strip()) if p]
    if not parts:
        raise ValueError(f"Enter at least one number for {name}.")
    if len(parts) > max_size:
        raise ValueError(f"{name} may hold at most {max_size} numbers, got {len(parts)}.")
    try:
        values = np.array([float(p) for p in parts])
    except ValueError:
        raise ValueError(f"{name} must be numbers separated by commas or spaces.") from None
    if not np.all(np.isfinite(values)):
        raise ValueError(f"{name} must be finite numbers.")
    return values


def parse_matrix(text: str, name: str = "S", *, max_size: int = 10) -> np.ndarray:
    """Rows separated by ``;`` or new lines, entries by commas or spaces, e.g. ``"-3 1; 0 -2"``."""
    rows = [r for r in re.split(r"[;\n]+", str(text).strip()) if r.strip()]
    if not rows:
        raise ValueError(f"Enter the rows of {name}, separated by semicolons.")
    matrix = [parse_vector(r, f"each row of {name}", max_size=max_size) for r in rows]
    if len(matrix) > max_size or len({len(r) for r in matrix}) != 1:
        raise ValueError(f"{name} must be a square matrix with at most {max_size} rows of equal length.")
    return np.array(matrix)


MAX_UPLOAD_ROWS = 1_000_000


def read_service_times(data: bytes | str, column: str = "service_time") -> np.ndarray:
    """Service times from CSV text: the column named ``column`` if there is one, else the first column.

    A file without a header (a bare column of numbers) works too. Every value must be a
    finite number ``>= 0``; at least two are needed.
    """
    text = data.decode("utf-8", errors="replace") if isinstance(data, bytes) else str(data)
    if not text.strip():
        raise ValueError("The uploaded file is empty; it needs a column of service times.")
    check_csv_width(text)
    try:
        frame = pd.read_csv(io.StringIO(text), nrows=MAX_UPLOAD_ROWS + 1, skip_blank_lines=True)
    except (ValueError, pd.errors.ParserError):
        raise ValueError("The uploaded file is not a readable CSV; give one service time per row.") from None
    if frame.shape[1] == 0:
        raise ValueError("The uploaded file has no columns; it needs a column of service times.")
    name = column if column in frame.columns else frame.columns[0]
    try:
        float(str(name))
        frame = pd.read_csv(io.StringIO(text), header=None, nrows=MAX_UPLOAD_ROWS + 1)  # no header row
        name = frame.columns[0]
    except ValueError:
        pass
    if len(frame) > MAX_UPLOAD_ROWS:
        raise ValueError(f"The uploaded file may hold at most {MAX_UPLOAD_ROWS:,} service times.")
    raw = frame[name]
    values = pd.to_numeric(raw, errors="coerce").to_numpy(dtype=float)
    bad = np.flatnonzero(~np.isfinite(values))
    if bad.size:
        shown = str(raw.iloc[bad[0]])[:20]
        raise ValueError(f"Column {str(name)[:30]!r} must hold numbers only; row {bad[0] + 1} holds {shown!r}.")
    if np.any(values < 0):
        raise ValueError(f"Service times must be ≥ 0; row {int(np.argmax(values < 0)) + 1} is negative.")
    if values.size < 2:
        raise ValueError(f"At least two service times are needed to estimate a variance, got {values.size}.")
    return values
