"""Guards for uploaded files, shared by the CSV readers in lib (no streamlit here).

pandas handles most garbage well (binary bytes, text in numeric columns, NaN cells) and the
readers turn its errors into one sentence. One case it does not: a header line with hundreds
of thousands of fields. Renaming duplicate column names is quadratic in pandas, so a 1 MB line
such as ``1,1,1,…`` keeps a server thread busy for minutes, and so does a data row that
wide (pandas makes the extra fields an index). Readers call
:func:`check_csv_width` before parsing.
"""

from __future__ import annotations

import numpy as np

MAX_CSV_COLUMNS = 500


def check_csv_width(content: bytes | str, max_columns: int = MAX_CSV_COLUMNS) -> None:
    """Raise ``ValueError`` if a line of a CSV has more than ``max_columns`` fields.

    Fields are counted as commas + 1 per line (quoted commas count too, so this is an upper
    bound): vectorised, tens of milliseconds for the 10 MB upload limit. Every line is
    checked: a data row wider than the header makes pandas use the extra fields as an index,
    which is as slow as a wide header.

    >>> check_csv_width(b"a,b,c\\n1,2,3\\n")
    >>> check_csv_width(b"a\\n" + b"1," * 1000)
    Traceback (most recent call last):
    ...
    ValueError: Line 2 of the file has 1,001 comma-separated fields; at most 500 columns are allowed.
    """
    raw = content.encode("utf-8", errors="replace") if isinstance(content, str) else bytes(content)
    if raw.count(b",") < max_columns:
        return
    data = np.frombuffer(raw, dtype=np.uint8)
    breaks = np.flatnonzero((data == ord("\n")) | (data == ord("\r")))
    per_line = np.bincount(np.searchsorted(breaks, np.flatnonzero(data == ord(","))))
    widest = int(per_line.argmax())
    fields = int(per_line[widest]) + 1
    if fields > max_columns:
        line = int(np.count_nonzero(data[: breaks[widest - 1] + 1 if widest else 0] == ord("\n"))) + 1
        raise ValueError(
            f"Line {line} of the file has {fields:,} comma-separated fields; "
            f"at most {max_columns:,} columns are allowed."
        )
