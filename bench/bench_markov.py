"""Markov page: rerun time after a slider move, and the race simulation against a plain Python loop."""

from __future__ import annotations

import itertools
import random
from collections.abc import Callable
from pathlib import Path

from streamlit.testing.v1 import AppTest

from bench.common import Result, compare
from lib.markov import simulate_pattern_race

ROOT = Path(__file__).resolve().parents[1]
BARE_PAGE = "import streamlit as st\nst.slider('Steps t', 0, 60, 10, key='mc_steps')\n"


def _rerun_after_moving(at: AppTest, key: str, values: list) -> Callable[[], None]:
    cycle = itertools.cycle(values)

    def move_and_rerun() -> None:
        at.slider(key=key).set_value(next(cycle))
        at.run()
        assert not at.exception

    return move_and_rerun


def _markov_page() -> AppTest:
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    at.switch_page("pages/markov_chains.py")
    return at.run()


def _bare_page_rerun() -> Callable[[], None]:
    bare = AppTest.from_string(BARE_PAGE, default_timeout=120).run()
    return _rerun_after_moving(bare, "mc_steps", [11, 12, 13, 14])


def rerun_after_steps_slider(repeats: int) -> Result:
    ours = _rerun_after_moving(_markov_page(), "mc_steps", [11, 12, 13, 14])
    ours_s, anchor_s = compare(ours, _bare_page_rerun(), repeats)
    return Result("Markov page rerun after moving 'Steps t'", ours_s, "bare page with one slider", anchor_s)


def rerun_after_new_p_heads(repeats: int) -> Result:
    # A new P(heads) misses every cache: exact race, 10,000 simulated games, all charts.
    values = [round(0.30 + 0.01 * i, 2) for i in range(repeats + 2)]
    ours = _rerun_after_moving(_markov_page(), "mc_p_heads", values)
    ours_s, anchor_s = compare(ours, _bare_page_rerun(), repeats)
    return Result("Markov page rerun after a new 'P(heads)' (uncached)", ours_s, "bare page with one slider", anchor_s)


def _python_loop_race(patterns: list[str], p_heads: float, n_games: int, seed: int) -> list[int]:
    """The obvious implementation: flip one coin at a time and look at the end of the string."""
    rng = random.Random(seed)
    winners = []
    for _ in range(n_games):
        flips = ""
        while True:
            flips += "H" if rng.random() < p_heads else "T"
            won = [i for i, pattern in enumerate(patterns) if flips.endswith(pattern)]
            if won:
                winners.append(won[0])
                break
    return winners


def simulation_vs_python_loop(repeats: int) -> Result:
    patterns, n_games = ["HHT", "HTT", "THT"], 20_000
    ours_s, anchor_s = compare(
        lambda: simulate_pattern_race(patterns, 0.5, n_games, seed=1),
        lambda: _python_loop_race(patterns, 0.5, n_games, seed=1),
        repeats,
    )
    return Result(f"simulate_pattern_race, {n_games:,} games of 3 patterns", ours_s, "pure-Python flip loop", anchor_s)


BENCHMARKS = [rerun_after_steps_slider, rerun_after_new_p_heads, simulation_vs_python_loop]
