"""Penney's game: for a pattern A, the pattern B of the same length that beats it by most (Conway's odds).

Conway's correlation ``XY = Σ_k [the last k flips of X are the first k of Y] / P(Y₁…Y_k)``
(for a fair coin each term is ``2^k``; Conway's "leading numbers" are half of these) gives the
odds that B appears before A as ``(AA − AB) : (BB − BA)`` (Guibas & Odlyzko 1981; also for a
biased coin). Everything is exact (:class:`fractions.Fraction`).
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from itertools import product

from lib.markov.absorbing import _to_fraction
from lib.markov.patterns import _validate_patterns
from lib.validation import probability

MAX_PENNEY_LENGTH = 10  # 2^10 candidate replies, each a handful of fraction sums


def correlation(x: str, y: str, p_heads: float | Fraction = Fraction(1, 2)) -> Fraction:
    """Conway's ``XY``: ``Σ_k [suffix_k(X) = prefix_k(Y)] / P(prefix_k(Y))``.

    ``AA`` is the expected waiting time for ``A`` (14 for HHH with a fair coin).

    >>> correlation("HHH", "HHH")
    Fraction(14, 1)
    """
    p = _to_fraction(p_heads)
    total, chance = Fraction(0), Fraction(1)
    probabilities = []
    for letter in y:
        chance *= p if letter == "H" else 1 - p
        probabilities.append(chance)
    for k in range(1, min(len(x), len(y)) + 1):
        if x[-k:] == y[:k]:
            total += 1 / probabilities[k - 1]
    return total


def conway_probability(a: str, b: str, p_heads: float | Fraction = Fraction(1, 2)) -> Fraction:
    """Exact P(B appears before A), from the odds ``(AA − AB) : (BB − BA)``.

    >>> conway_probability("HHT", "THH")  # THH beats HHT 3 : 1
    Fraction(3, 4)
    """
    a, b = _validate_patterns([a, b])
    probability("p_heads", p_heads)
    b_wins = correlation(a, a, p_heads) - correlation(a, b, p_heads)
    a_wins = correlation(b, b, p_heads) - correlation(b, a, p_heads)
    return b_wins / (b_wins + a_wins)


@dataclass(frozen=True)
class BestResponse:
    """The reply that beats ``pattern`` by most, and every candidate's chance (best first)."""

    pattern: str
    reply: str
    win_probability: Fraction  # P(reply before pattern)
    odds: Fraction  # win : lose, as one fraction (3 means 3 : 1)
    candidates: tuple[tuple[str, Fraction], ...]  # (reply, P(reply first)) for every other pattern


def best_response(pattern: str, p_heads: float | Fraction = Fraction(1, 2)) -> BestResponse:
    """The pattern of the same length most likely to appear before ``pattern`` (ties: first in H < T order).

    Every candidate is scored, so nothing is assumed; the winner is always of the form
    ``x b₁ … b₍ₙ₋₁₎`` (Guibas & Odlyzko 1981), and for three fair flips ``x`` is the opposite of
    ``b₂`` (Conway's rule: against ``b₁b₂b₃`` play ``(not b₂) b₁ b₂``).

    >>> r = best_response("HHH")
    >>> r.reply, r.win_probability, r.odds
    ('THH', Fraction(7, 8), Fraction(7, 1))
    """
    (pat,) = _validate_patterns([pattern])
    if len(pat) > MAX_PENNEY_LENGTH:
        raise ValueError(
            f"For a best response the pattern may be at most {MAX_PENNEY_LENGTH} flips; it has {len(pat)}."
        )
    if len(pat) == 1:
        raise ValueError("A one-flip pattern has only one rival (the other face): play at least two flips.")
    p = probability("p_heads", p_heads)
    p = _to_fraction(p_heads if isinstance(p_heads, Fraction) else p)
    others = ("".join(c) for c in product("HT", repeat=len(pat)))
    candidates = sorted(
        ((b, conway_probability(pat, b, p)) for b in others if b != pat), key=lambda row: -row[1]
    )  # stable: ties keep H-before-T order
    reply, win = candidates[0]
    return BestResponse(pat, reply, win, win / (1 - win), tuple(candidates))
