"""Training text that ships with every Python install: the standard library's own source.

The files are split, not the characters: validation text comes from modules the model never
trains on, so the validation loss measures generalisation to held-out code.
"""

from __future__ import annotations

import sysconfig
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

# Printable ASCII plus newline and tab; anything else becomes "?" so the vocabulary stays small.
_ALLOWED = set("\n\t" + "".join(chr(c) for c in range(32, 127)))


@dataclass(frozen=True)
class Corpus:
    """train / validation text and the stdlib files each came from."""

    train: str
    validation: str
    train_files: tuple[str, ...]
    validation_files: tuple[str, ...]


def ascii_text(text: str) -> str:
    """Replace characters outside printable ASCII (plus newline and tab) with '?'."""
    return "".join(c if c in _ALLOWED else "?" for c in text)


def stdlib_corpus(max_chars: int | None = None, validation_every: int = 10) -> Corpus:
    """The top-level ``*.py`` files of this Python's standard library, in name order.

    Every ``validation_every``-th file goes to validation. ``max_chars`` caps the training
    text (validation is capped at a tenth of it) for quick experiments and tests.
    """
    if validation_every < 2:
        raise ValueError(f"validation_every must be at least 2, got {validation_every}.")
    files = sorted(Path(sysconfig.get_paths()["stdlib"]).glob("*.py"))
    if not files:
        raise ValueError("No standard-library source files were found in this Python installation.")
    train_files = [f for i, f in enumerate(files) if i % validation_every]
    validation_files = [f for i, f in enumerate(files) if not i % validation_every]

    def read(paths: Sequence[Path], limit: int | None) -> str:
        parts, size = [], 0
        for path in paths:
            text = ascii_text(path.read_text(encoding="utf-8", errors="replace"))
            parts.append(text)
            size += len(text)
            if limit is not None and size >= limit:
                break
        joined = "".join(parts)
        return joined if limit is None else joined[:limit]

    return Corpus(
        train=read(train_files, max_chars),
        validation=read(validation_files, None if max_chars is None else max(max_chars // 10, 1_000)),
        train_files=tuple(f.name for f in train_files),
        validation_files=tuple(f.name for f in validation_files),
    )
