"""Markov page: rerun time after a slider move, and the race simulation against a plain Python loop."""

from __future__ import annotations

import itertools
import random
from pathlib import Path

from streamlit.testing.v1 import AppTest

from bench.common import Result, median_time
from lib.markov import simulate_pattern_race

ROOT = Path(__file__).resolve().parents[1]
BARE_PAGE = "import streamlit as st\nst.slider('Steps t', 0, 60, 10, key='mc_steps')\n"


def _rerun_after_moving(at: AppTest, key: str, values: list) -> callable:
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


def rerun_after_steps_slider(repeats: int) -> Result:
    ours = median_time(_rerun_after_moving(_markov_page(), "mc_steps", [11, 12, 13, 14]), repeats)
    bare = AppTest.from_string(BARE_PAGE, default_timeout=120).run()
    anchor = median_time(_rerun_after_moving(bare, "mc_steps", [11, 12, 13, 14]), repeats)
    return Result("Markov page rerun after moving 'Steps t'", ours, "bare page with one slider", anchor)


def rerun_after_new_p_heads(repeats: int) -> Result:
    # A new P(heads) misses every cache: exact race, 10,000 simulated games, all charts.
    values = [round(0.30 + 0.01 * i, 2) for i in range(repeats + 2)]
    ours = median_time(_rerun_after_moving(_markov_page(), "mc_p_heads", values), repeats)
    bare = AppTest.from_string(BARE_PAGE, default_timeout=120).run()
    anchor = median_time(_rerun_after_moving(bare, "mc_steps", [11, 12, 13, 14]), repeats)
    return Result("Markov page rerun after a new 'P(heads)' (uncached)", ours, "bare page with one slider", anchor)


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
    ours = median_time(lambda: simulate_pattern_race(patterns, 0.5, n_games, seed=1), repeats)
    anchor = median_time(lambda: _python_loop_race(patterns, 0.5, n_games, seed=1), max(1, repeats // 2))
    return Result(f"simulate_pattern_race, {n_games:,} games of 3 patterns", ours, "pure-Python flip loop", anchor)


BENCHMARKS = [rerun_after_steps_slider, rerun_after_new_p_heads, simulation_vs_python_loop]
