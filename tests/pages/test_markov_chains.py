"""The Markov chains page: the notes' result, its widgets' extremes, hard and bad patterns, the URL, the snippets."""

from __future__ import annotations

import re

import numpy as np
import pytest

from tests.apptest_helpers import (
    assert_clean,
    assert_extremes_are_clean,
    metric_values,
    run_page,
    run_snippets,
    set_widget,
)

MARKOV = "pages/markov_chains.py"


def test_markov_page_shows_the_notes_result() -> None:
    at = run_page(MARKOV)
    captions = [c.value for c in at.caption]
    assert "limit: **2/3** = 0.666667" in captions
    assert "limit: **1/3** = 0.333333" in captions
    assert "exact: **16/3**" in captions  # HHT vs HTT from the first flip
    metrics = metric_values(at)
    assert metrics["Convergence rate ρ"] == "0.5"
    assert len(at.get("vega_lite_chart")) == 10  # 6 in sections 1–3, 2 for any chain, 2 for Penney
    assert any("0.68 / 0.32" in c and "2/3 and 1/3" in c for c in captions)  # the notes' rounding, explained


def test_markov_widgets_at_their_extremes() -> None:
    assert_extremes_are_clean(MARKOV, {"mc_steps", "mc_p_heads", "mc_games", "seed", "mc_power", "mc_penney_games"})


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
    assert len(codes) == 5
    assert "pattern_race(['THH', 'HHT'], p_heads=0.6, exact=True)" in codes[1]
    outputs = run_snippets(at, tmp_path)
    assert "Fraction(2, 3)" in outputs[0]  # the notes' limit, printed by the first section's snippet
    assert "[([0, 1, 2], True)]" in outputs[3]  # the default chain: one closed class
    # P(heads) = 0.6: THH still beats HHT, 16 : 9, and the exact race solver agrees with Conway
    assert outputs[4].startswith("THH 16/25 16/9")
    assert "Fraction(16, 25)" in outputs[4]


# ---------------------------------------------------------------------------
# Section 4: any chain; section 5: Penney's best reply
# ---------------------------------------------------------------------------


def frame_with(at, column: str):
    return next(t.value for t in at.dataframe if column in t.value.columns)


def test_default_chain_is_the_land_of_oz() -> None:
    at = run_page(MARKOV)
    np.testing.assert_allclose(frame_with(at, "π (class 1)")["π (class 1)"], [0.4, 0.2, 0.4])
    assert list(frame_with(at, "period")["period"]) == [1]
    assert list(frame_with(at, "E[steps]")["E[steps]"]) == ["3.33333", "2.66667", "0"]
    assert "Pᵗ = V Λᵗ V⁻¹" in [c.value for c in at.caption]


def test_reducible_periodic_chain_shows_classes_and_infinite_hitting_times() -> None:
    # 0 ↔ 1 (period 2, open: 1 leaks to 2), 2 absorbing, 3 ↔ 4 closed with period 2
    text = "0 1 0 0 0; 0.5 0 0.5 0 0; 0 0 1 0 0; 0 0 0 0 1; 0 0 0 1 0"
    at = run_page(MARKOV, {"mc_chain": text, "mc_targets": "2"})
    assert_clean(at)
    classes = frame_with(at, "period")
    assert list(classes["class"]) == ["0, 1", "2", "3, 4"]
    assert list(classes["closed"]) == ["open (transient)", "closed (recurrent)", "closed (recurrent)"]
    assert list(classes["period"]) == [2, 1, 2]
    hits = list(frame_with(at, "E[steps]")["E[steps]"])
    assert hits[:3] == ["4", "3", "0"]
    assert hits[3].startswith("∞")
    assert {"π (class 1)", "π (class 2)"} <= set(frame_with(at, "π (class 1)").columns)


def test_non_diagonalisable_chain_falls_back_to_products() -> None:
    at = run_page(MARKOV, {"mc_chain": "0 1 0; 0 0 1; 0 0 1", "mc_targets": "2"})  # a Jordan block at 0
    assert_clean(at)
    assert any("repeated product" in c.value for c in at.caption)


@pytest.mark.parametrize(
    ("key", "text", "fragment"),
    [
        ("mc_chain", "0.5 0.4; 0.5 0.5", "Row 0 of P sums to 0.9, not 1"),
        ("mc_chain", "1 0; -0.5 1.5", "negative"),
        ("mc_chain", "1 0 0; 0 1", "square"),
        ("mc_chain", "<b>1</b> 0; 0 1", "number or a fraction"),
        ("mc_chain", "", "Type the rows"),
        ("mc_targets", "7", "from 0 to 2"),
        ("mc_targets", "$x$", "from 0 to 2"),
        ("mc_penney", "H", "one-flip"),
        ("mc_penney", "HHHHHHHHHHH", "at most 10"),
        ("mc_penney", "<script>", "letters H and T"),
    ],
)
def test_bad_chains_and_patterns_give_one_clear_error(key: str, text: str, fragment: str) -> None:
    at = run_page(MARKOV, {"mc_games": "100"})
    at = set_widget(at, key, text)
    assert not at.exception
    assert len(at.error) == 1
    message = at.error[0].value
    assert fragment in message.replace("\\", ""), message
    assert not re.search(r"(?<!\\)[<>\[\]()$!*_`]", message), message
    assert_clean(at, allow_errors=True)


@pytest.mark.parametrize(
    ("pattern", "reply", "odds"), [("HHH", "THH", "7 : 1"), ("HTH", "HHT", "2 : 1"), ("tth", "HTT", "3 : 1")]
)
def test_penney_best_reply(pattern: str, reply: str, odds: str) -> None:
    at = run_page(MARKOV, {"mc_penney": pattern, "mc_penney_games": "2000"})
    assert_clean(at)
    assert metric_values(at)["Best reply"] == reply
    assert any(f"odds **{odds}**" in c.value for c in at.caption)


def test_penney_with_a_biased_coin_and_long_pattern() -> None:
    at = run_page(MARKOV, {"mc_penney": "HTHTHTHTHT", "mc_p_heads": "0.3", "mc_penney_games": "100"})
    assert_clean(at, allow_errors=True)
    assert len(at.error) <= 1  # a very long race may refuse to simulate, in one sentence
    assert "Best reply" in metric_values(at)


def test_a_bad_race_leaves_the_later_sections_running() -> None:
    at = run_page(MARKOV)
    at = set_widget(at, "mc_patterns", "HXT")
    assert len(at.error) == 1
    assert [h.value for h in at.header][-2:] == ["4 · Any chain", "5 · Penney's game: the best reply"]


def test_new_sections_view_comes_from_the_url() -> None:
    at = run_page(MARKOV, {"mc_chain": "0 1; 1 0", "mc_targets": "0", "mc_power": "3", "mc_penney": "HH"})
    assert at.text_area(key="mc_chain").value == "0 1; 1 0"
    assert at.slider(key="mc_power").value == 3
    assert list(frame_with(at, "period")["period"]) == [2]
    assert metric_values(at)["Best reply"] == "TH"  # TH beats HH 3 : 1
