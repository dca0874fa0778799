"""Panel 1's experiment, chosen in the page entry and shared by sections 1, 2 and 4."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lib import mle

BINOMIAL = "binomial: successes out of n trials"
NEGATIVE = "negative binomial: trials until the k-th success"
KIND = {BINOMIAL: "binomial", NEGATIVE: "negative_binomial"}
DEFAULT_COUNTS = {"binomial": "3, 5, 4, 2, 6, 1, 4", "negative_binomial": "7, 12, 5, 9, 15, 6, 10"}


def size_name(kind: str) -> str:
    """The name of the size parameter: n trials (binomial) or k successes (negative binomial)."""
    return "n" if kind == "binomial" else "k"


@dataclass(frozen=True, eq=False)
class Experiment:
    """The model, its settings, the data (simulated or typed) and its fit; ``None`` where the counts are invalid."""

    kind: str
    source: str
    true_p: float
    size: int
    m: int
    seed: int
    data: np.ndarray | None
    estimate: mle.Estimate | None

    @property
    def simulated(self) -> bool:
        return self.source == "simulate"

    def fit_code(self) -> str:
        """Two lines of a snippet: the data (the counts typed in, or the simulation) and ``est``, their fit."""
        if self.simulated or self.data is None:
            data_line = (
                f"data = mle.simulate_counts({self.kind!r}, p={self.true_p!r}, size={self.size!r}, m={self.m!r}, "
                f"seed={self.seed!r})"
            )
        else:
            data_line = f"data = {[int(v) for v in self.data]!r}  # your counts"
        fit = "binomial_mle" if self.kind == "binomial" else "negative_binomial_mle"
        return f"{data_line}\nest = mle.{fit}(data, {self.size!r})"
