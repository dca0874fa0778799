"""Markov chains: the notes' HHT vs HTT chain, then any race between coin patterns."""

import streamlit as st

from lib import markov
from pages._common import bound, lib_call, note, page_header, prose
from pages.markov import formatting
from pages.markov.any_chain import any_chain_section
from pages.markov.notes_chain import notes_chain_section
from pages.markov.penney import penney_section
from pages.markov.race import race_section
from pages.markov.race_chain import race_chain_section

page_header(
    "Markov chains",
    "Flip a fair coin until **HHT** or **HTT** appears. Both need a head to start, yet HHT wins twice as "
    "often. Below, the notes' four-state chain shows it step by step; then any race between coin patterns "
    "(Penney's game) is solved exactly from its Markov chain and checked against simulated games; then type "
    "any chain and get its classes, periods, stationary law and hitting times, and find the best reply in "
    "Penney's game.",
)
with note():
    prose(formatting.__file__, "note.md")

notes_chain_section()

# Sections 2 and 3 share the race: its patterns and coin are chosen once, above both.
st.header("2 · Any race between coin patterns")
text_col, p_col = st.columns(2)
with text_col:
    text = bound(
        st.text_input,
        "Patterns",
        key="mc_patterns",
        value="HHT, HTT",
        max_chars=80,
        help=(
            "One to six patterns of H and T, separated by commas or spaces (e.g. THH, HHT); none may contain "
            "another. One pattern alone gives its waiting time."
        ),
    )
with p_col:
    p_heads = bound(
        st.slider,
        "P(heads)",
        key="mc_p_heads",
        min_value=0.01,
        max_value=0.99,
        value=0.5,
        step=0.01,
        help="Probability that one flip lands heads. Exact fractions read it as the decimal shown (0.55 = 11/20).",
    )
patterns = lib_call(markov.parse_patterns, text)
if patterns is not None:  # a bad race stops sections 2 and 3 only (its one error is shown above)
    race_section(patterns, p_heads)
    race_chain_section(patterns, p_heads)

any_chain_section()
penney_section(p_heads)  # the coin of section 2
