"""Section 3 · Inside the race chain: the automaton's transition matrix, N = (I − Q)⁻¹, B = NR and t = N·1."""

import numpy as np
import pandas as pd
import streamlit as st

from lib import markov
from lib.viz import heatmap
from pages._common import cached, chart, snippet
from pages.markov.formatting import fraction_text, state_name

race_chain = cached(markov.pattern_chain)
absorbing = cached(markov.absorbing_chain)


@st.fragment
def race_chain_section(patterns: tuple[str, ...], p_heads: float) -> None:
    st.header("3 · Inside the race chain")
    chain = race_chain(patterns, p_heads)
    exact_chain = race_chain(patterns, p_heads, exact=True)
    names = [state_name(s) for s in chain.states]
    st.markdown(
        f"The race above is a chain of **{len(chain.transient)} transient states** (the useful recent flips) "
        f"and **{len(chain.absorbing)} absorbing states** (one per pattern), built from the patterns themselves."
    )
    chart(
        heatmap,
        chain.A,
        names,
        names,
        x_title="from state",
        y_title="to state",
        value_title="probability",
        text=np.array([[fraction_text(v) if v else "" for v in row] for row in exact_chain.A]),
        title="One flip of the race chain: A (columns sum to 1)",
    )
    solved = absorbing(chain.A, chain.transient, chain.absorbing, orientation="columns")
    transient_names = [names[i] for i in chain.transient]
    n_col, b_col = st.columns([3, 2])
    with n_col:
        st.markdown("**Fundamental matrix N = (I − Q)⁻¹**: expected visits to each state")
        st.dataframe(pd.DataFrame(solved.fundamental, index=transient_names, columns=transient_names))
    with b_col:
        st.markdown("**B = N R** (who wins) and **t = N·1** (flips left)")
        st.dataframe(
            pd.DataFrame(solved.absorption, index=transient_names, columns=list(patterns)).assign(
                **{"E[flips left]": solved.expected_steps}
            )
        )
    race_rate = markov.convergence_rate(chain.A)
    st.caption(
        f"Eigenvalues of the race chain: 1 (×{len(chain.absorbing)}), then ρ = {race_rate:.4f}. "
        f"After t flips the race is still undecided with probability roughly proportional to {race_rate:.4f}ᵗ."
    )
    snippet(
        """
from lib.markov import absorbing_chain, pattern_chain

chain = pattern_chain($patterns, p_heads=$p_heads)
solved = absorbing_chain(chain.A, chain.transient, chain.absorbing, orientation="columns")
print(chain.states)
print(solved.absorption, solved.expected_steps)
""",
        patterns=list(patterns),
        p_heads=p_heads,
    )
