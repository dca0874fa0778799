"""The Markov chains page: the notes' result, its widgets' extremes, hard and bad patterns, the URL, the snippets."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from tests.apptest_helpers import ROOT, assert_clean, assert_extremes_are_clean, metric_values, run_page, set_widget

MARKOV = "pages/markov_chains.py"


def test_markov_page_shows_the_notes_result() -> None:
    at = run_page(MARKOV)
    captions = [c.value for c in at.caption]
    assert "limit: **2/3** = 0.666667" in captions
    assert "limit: **1/3** = 0.333333" in captions
    assert "exact: **16/3**" in captions  # HHT vs HTT from the first flip
    metrics = metric_values(at)
    assert metrics["Convergence rate ρ"] == "0.5"
    assert len(at.get("vega_lite_chart")) == 6


def test_markov_widgets_at_their_extremes() -> None:
    assert_extremes_are_clean(MARKOV, {"mc_steps", "mc_p_heads", "mc_games", "seed"})


def test_markov_all_extremes_at_once() -> None:
    # Fewest steps, most games, most biased coin, largest seed.
    at = run_page(MARKOV, {"mc_steps": "0", "mc_games": "100000", "mc_p_heads": "0.99", "seed": str(2**31 - 1)})
    assert_clean(at)
    assert at.slider(key="mc_games").value == 100_000


@pytest.mark.parametrize(
    "text",
    ["HHHHHHHHHH TTTTTTTTTT", "HTHTHTHTHT THTHTHTHTH HHHHHTTTTT TTTTTHHHHH HHTTHHTTHH TTHHTTHHTT", "H", "ht th"],
)
def test_markov_accepts_hard_but_valid_races(text: str) -> None:
    at = run_page(MARKOV, {"mc_games": "100"})
    at = set_widget(at, "mc_patterns", text)
    # A very long race may refuse to simulate (one clear error); nothing else may go wrong.
    assert_clean(at, allow_errors=True)
    assert len(at.error) <= 1


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("", "at least one"),
        ("   ", "at least one"),
        ("HXT", "letters H and T"),
        ("HT HTT", "occurs inside"),
        ("[click](http://example.com) ![x](http://example.com/x.png)", "letters H and T"),
        ("<script>alert(1)</script>", "letters H and T"),
        ("$\\frac{1}{0}$", "letters H and T"),
        ("🪙🪙🪙", "letters H and T"),
    ],
)
def test_markov_bad_patterns_give_one_clear_error(text: str, fragment: str) -> None:
    at = run_page(MARKOV)
    at = set_widget(at, "mc_patterns", text)
    assert not at.exception
    assert len(at.error) == 1
    message = at.error[0].value
    assert fragment in message.replace("\\", "")
    # User text is escaped: every markdown/HTML/LaTeX special character carries a backslash.
    assert not re.search(r"(?<!\\)[<>\[\]()$!*_`]", message), message


def test_markov_view_comes_from_the_url() -> None:
    at = run_page(MARKOV, {"mc_steps": "3", "mc_patterns": "THH HHT", "mc_p_heads": "0.5", "seed": "7"})
    assert at.slider(key="mc_steps").value == 3
    assert at.text_input(key="mc_patterns").value == "THH HHT"
    assert at.number_input(key="seed").value == 7
    assert "exact: **13/2**" in [c.value for c in at.caption]


def test_markov_snippets_run_as_is(tmp_path) -> None:
    # One snippet per section, each with the current values.
    at = run_page(MARKOV, {"mc_patterns": "THH HHT", "mc_games": "500", "mc_p_heads": "0.6"})
    codes = [c.value for c in at.code]
    assert len(codes) == 3
    assert "pattern_race(['THH', 'HHT'], p_heads=0.6, exact=True)" in codes[1]
    outputs = []
    for i, code in enumerate(codes):
        script = tmp_path / f"snippet_{i}.py"
        script.write_text(code)
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        result = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, env=env, cwd=tmp_path)
        assert result.returncode == 0, result.stderr
        outputs.append(result.stdout)
    assert "Fraction(2, 3)" in outputs[0]  # the notes' limit, printed by the first section's snippet
