"""Pattern races simulated game by game, with Wilson intervals for the win rates."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np

from lib.markov.patterns import MAX_PATTERN_LENGTH, _validate_patterns, pattern_race
from lib.validation import probability


@dataclass(frozen=True)
class RaceSimulation:
    """Monte-Carlo outcome of a pattern race.

    winners : (n_games,) index of the pattern that appeared first in each game.
    lengths : (n_games,) number of flips each game lasted.
    """

    patterns: tuple[str, ...]
    winners: np.ndarray
    lengths: np.ndarray

    @property
    def n_games(self) -> int:
        return int(self.winners.size)

    @property
    def win_counts(self) -> np.ndarray:
        return np.bincount(self.winners, minlength=len(self.patterns))

    @property
    def win_rates(self) -> np.ndarray:
        return self.win_counts / self.n_games

    @property
    def mean_length(self) -> float:
        return float(self.lengths.mean())

    def decided_by(self, flips: int) -> np.ndarray:
        """Fraction of games won by pattern i within t flips, t = 0..flips: (flips + 1, n_patterns)."""
        t = np.arange(int(flips) + 1)
        return (
            np.stack(
                [(self.lengths[self.winners == i][:, None] <= t).sum(axis=0) for i in range(len(self.patterns))], axis=1
            )
            / self.n_games
        )

    def win_rate_intervals(self, level: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
        """Wilson score interval for each pattern's win probability."""
        return wilson_interval(self.win_counts, self.n_games, level)

    def covers(self, win_probabilities: Sequence[float], level: float = 0.95) -> np.ndarray:
        """Whether each exact win probability lies inside its simulated ``level`` interval."""
        low, high = self.win_rate_intervals(level)
        p = np.asarray(win_probabilities, dtype=float)
        return (low <= p) & (p <= high)

    def mean_length_interval(self, level: float = 0.95) -> tuple[float, float]:
        """Normal (CLT) interval for the expected race length."""
        z = _z(level)
        se = float(self.lengths.std(ddof=1)) / np.sqrt(self.n_games) if self.n_games > 1 else 0.0
        return float(self.mean_length - z * se), float(self.mean_length + z * se)


def _z(level: float) -> float:
    if not 0.0 < level < 1.0:
        raise ValueError(f"level must lie strictly between 0 and 1, got {level}.")
    return NormalDist().inv_cdf(0.5 + level / 2)


def wilson_interval(successes: np.ndarray | int, n: int, level: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval for a binomial proportion.

    ``(p̂ + z²/2n ± z √(p̂(1-p̂)/n + z²/4n²)) / (1 + z²/n)`` with ``z`` the normal quantile.
    """
    z = _z(level)
    k = np.asarray(successes, dtype=float)
    p_hat = k / n
    centre = (p_hat + z**2 / (2 * n)) / (1 + z**2 / n)
    half = z * np.sqrt(p_hat * (1 - p_hat) / n + z**2 / (4 * n**2)) / (1 + z**2 / n)
    return centre - half, centre + half


def simulate_pattern_race(
    patterns: Sequence[str],
    p_heads: float = 0.5,
    n_games: int = 10_000,
    seed: int | np.random.Generator | None = None,
    *,
    max_total_flips: float = 5e7,
) -> RaceSimulation:
    """Flip coins until one of the patterns appears, ``n_games`` times.

    Independent of the automaton: each game keeps the last few flips as bits and
    compares them with every pattern after each flip. All games run side by side
    (vectorised over games, one flip per loop). Raises ``ValueError`` when the
    expected total number of flips exceeds ``max_total_flips``.
    """
    pats = _validate_patterns(patterns)
    p = probability("p_heads", p_heads)
    if int(n_games) != n_games or n_games < 1:
        raise ValueError(f"n_games must be a whole number >= 1, got {n_games}.")
    n_games = int(n_games)
    expected = pattern_race(pats, p).expected_length
    if expected * n_games > max_total_flips:
        raise ValueError(
            f"A race lasts about {expected:,.0f} flips on average, so {n_games:,} games would need "
            f"{expected * n_games:.2g} flips (limit {max_total_flips:.2g}); use fewer games or a p_heads nearer 0.5."
        )
    rng = np.random.default_rng(seed)
    # Each pattern as an integer with H = 1, most recent flip in the lowest bit.
    codes = np.array([int(pat.replace("H", "1").replace("T", "0"), 2) for pat in pats], dtype=np.int64)
    lengths_of = np.array([len(pat) for pat in pats])
    masks = (np.int64(1) << lengths_of) - 1

    winners = np.full(n_games, -1, dtype=np.int64)
    lengths = np.zeros(n_games, dtype=np.int64)
    active = np.arange(n_games)
    history = np.zeros(n_games, dtype=np.int64)  # last flips of each active game, as bits
    flips = 0
    while active.size:
        flips += 1
        heads = rng.random(active.size) < p
        history = (history << 1) | heads
        # (n_active, n_patterns): does the last len(pattern) flips equal the pattern?
        hit = ((history[:, None] & masks) == codes) & (flips >= lengths_of)
        done = hit.any(axis=1)
        if done.any():
            winners[active[done]] = hit[done].argmax(axis=1)
            lengths[active[done]] = flips
            active, history = active[~done], history[~done]
        history &= (np.int64(1) << MAX_PATTERN_LENGTH) - 1  # keep the bits bounded
    return RaceSimulation(patterns=pats, winners=winners, lengths=lengths)
