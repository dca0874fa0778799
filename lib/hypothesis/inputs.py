"""Data the user gives: typed flips, pasted numbers, a CSV column, simulated flips."""

from __future__ import annotations

import numpy as np

from lib.hypothesis._shared import MAX_TRIALS
from lib.uploads import check_csv_width
from lib.validation import probability, whole


def parse_flips(text: str, max_flips: int = 100_000) -> np.ndarray:
    """Read coin flips such as ``"HTHHT"`` (H/T, case-insensitive; spaces and commas ignored) as 1/0."""
    cleaned = "".join(ch for ch in str(text).upper() if ch not in " ,;\t\n\r")
    if not cleaned:
        raise ValueError("Enter at least one flip, as a string of H and T such as HTHHT.")
    if set(cleaned) - {"H", "T"}:
        raise ValueError("Flips are written with the letters H and T only, such as HTHHT.")
    if len(cleaned) > max_flips:
        raise ValueError(f"At most {max_flips:,} flips may be entered; {len(cleaned):,} were given.")
    return (np.frombuffer(cleaned.encode("ascii"), dtype=np.uint8) == ord("H")).astype(np.int64)


def simulate_flips(p: float, n: int, seed: int | np.random.Generator | None = None) -> np.ndarray:
    """n coin flips with P(heads) = p, as 1 (H) and 0 (T)."""
    p = probability("p (the coin's true P(heads))", p, closed=True)
    n = whole("n (the number of flips)", n, 1, MAX_TRIALS)
    return (np.random.default_rng(seed).random(n) < p).astype(np.int64)


def parse_numbers(text: str, max_values: int = 100_000) -> np.ndarray:
    """Numbers pasted as text, separated by commas, semicolons, spaces or new lines."""
    tokens = [t for t in str(text).replace(",", " ").replace(";", " ").split() if t]
    if not tokens:
        raise ValueError("Enter at least two numbers, separated by commas or spaces.")
    if len(tokens) > max_values:
        raise ValueError(f"At most {max_values:,} numbers may be pasted; {len(tokens):,} were given.")
    values = []
    for token in tokens:
        try:
            value = float(token)
        except ValueError:
            value = None
        if value is None or not np.isfinite(value):
            shown = token if len(token) <= 20 else token[:19] + "…"
            raise ValueError(f"Every entry must be a number (finite numbers only); {shown!r} is not.")
        values.append(value)
    return np.asarray(values)


def read_csv_column(content: bytes | str, column: str | None = None, kind: str = "numbers") -> np.ndarray:
    """One column of an uploaded CSV: ``kind="numbers"`` (finite floats) or ``"flips"`` (H/T or 1/0 as 1/0).

    ``column`` names the column; by default the first one is used. Text in a numeric column,
    an empty file or a missing column raise a one-sentence ``ValueError``.
    """
    import io

    import pandas as pd

    text = content.decode("utf-8", errors="replace") if isinstance(content, bytes) else str(content)
    if not text.strip():
        raise ValueError("The CSV file is empty.")
    check_csv_width(text)
    try:
        frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, skipinitialspace=True)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeError):
        raise ValueError("The file could not be read as a CSV table with a header row.") from None
    if frame.shape[1] == 0 or frame.shape[0] == 0:
        raise ValueError("The CSV file needs a header row and at least one data row.")
    name = frame.columns[0] if column is None else column
    if name not in frame.columns:
        raise ValueError(f"The CSV file has no column named {str(name)[:40]!r}.")
    cells = frame[name].str.strip()
    cells = cells[cells != ""]
    if cells.empty:
        raise ValueError(f"Column {str(name)[:40]!r} of the CSV file is empty.")
    if kind == "flips":
        upper = cells.str.upper()
        bad = ~upper.isin(["H", "T", "1", "0"])
        if bad.any():
            row = int(bad.to_numpy().argmax())
            raise ValueError(
                f"Column {str(name)[:40]!r} must hold H/T or 1/0 flips; row {row + 1} holds {cells.iloc[row][:20]!r}."
            )
        return upper.isin(["H", "1"]).to_numpy().astype(np.int64)
    if kind != "numbers":
        raise ValueError(f"kind must be numbers or flips, got {kind!r}.")
    values = pd.to_numeric(cells, errors="coerce")
    bad = values.isna() | ~np.isfinite(values.fillna(0.0))
    if bad.any():
        row = int(bad.to_numpy().argmax())
        raise ValueError(
            f"Column {str(name)[:40]!r} must hold numbers only; row {row + 1} holds {cells.iloc[row][:20]!r}."
        )
    return values.to_numpy(dtype=float)


def read_two_samples(content: bytes | str) -> tuple[np.ndarray, np.ndarray]:
    """The first two columns of an uploaded CSV as two samples (they may differ in length; blank cells are dropped).

    Example
    -------
    >>> read_two_samples("before,after\\n1,2\\n3,5\\n4,\\n")
    (array([1., 3., 4.]), array([2., 5.]))
    """
    import io

    import pandas as pd

    text = content.decode("utf-8", errors="replace") if isinstance(content, bytes) else str(content)
    if not text.strip():
        raise ValueError("The CSV file is empty.")
    check_csv_width(text)
    try:
        header = pd.read_csv(io.StringIO(text), dtype=str, nrows=0).columns
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeError):
        raise ValueError("The file could not be read as a CSV table with a header row.") from None
    if len(header) < 2:
        raise ValueError("The CSV file needs two columns, one sample in each (x first, then y).")
    return read_csv_column(text, header[0]), read_csv_column(text, header[1])


def simulate_two_samples(
    n_x: int, n_y: int, shift: float, sd_x: float = 1.0, rho: float = 0.0, seed: int | np.random.Generator | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """x ~ N(shift, sd_x²) and y ~ N(0, 1); with ``rho`` ≠ 0 the pairs (x_i, y_i) have correlation rho (n_x = n_y).

    Example
    -------
    >>> x, y = simulate_two_samples(5, 5, 1.0, seed=0)
    >>> x.shape, y.shape
    ((5,), (5,))
    """
    from lib.validation import finite, positive

    n_x = whole("n_x (the size of sample x)", n_x, 2, MAX_TRIALS)
    n_y = whole("n_y (the size of sample y)", n_y, 2, MAX_TRIALS)
    shift, sd_x = finite("shift (the true mean difference)", shift), positive("sd_x (x's standard deviation)", sd_x)
    rho = finite("rho (the correlation of pairs)", rho)
    if not -1 < rho < 1:
        raise ValueError(f"rho (the correlation of pairs) must lie strictly between -1 and 1, got {rho}.")
    if rho != 0 and n_x != n_y:
        raise ValueError("Correlated pairs need samples of the same size.")
    rng = np.random.default_rng(seed)
    y = rng.standard_normal(n_y)
    noise = rng.standard_normal(n_x)
    z = rho * y + np.sqrt(1 - rho**2) * noise if rho != 0 else noise
    return shift + sd_x * z, y


def two_group_flips(k1: int, n1: int, k2: int, n2: int) -> tuple[np.ndarray, np.ndarray]:
    """Two groups of 0/1 outcomes with k1 of n1 and k2 of n2 successes (the data a randomisation test deals).

    Example
    -------
    >>> two_group_flips(2, 3, 0, 2)
    (array([1, 1, 0]), array([0, 0]))
    """
    from lib.hypothesis.two_sample import MAX_SAMPLE, _check_group

    (k1, n1), (k2, n2) = _check_group("1", k1, n1), _check_group("2", k2, n2)
    if max(n1, n2) > MAX_SAMPLE:
        raise ValueError(f"Each group may hold at most {MAX_SAMPLE:,} trials here.")
    return np.repeat([1, 0], [k1, n1 - k1]), np.repeat([1, 0], [k2, n2 - k2])
