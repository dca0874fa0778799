"""Section 4 · Any chain: the user's transition matrix — classes, periods, stationary law, hitting times, Pᵗ."""

import numpy as np
import pandas as pd
import streamlit as st

from lib import markov
from lib.viz import heatmap, line_chart
from pages._common import bound, cached, chart, csv_download, lib_call, plain, prose, snippet

DEFAULT = "0.5 0.25 0.25; 0.5 0 0.5; 0.25 0.25 0.5"  # the Land of Oz weather (Kemeny & Snell): π = (0.4, 0.2, 0.4)
parse = cached(markov.parse_transition_matrix)


def class_table(P: np.ndarray) -> pd.DataFrame:
    classes = markov.communicating_classes(P)
    return pd.DataFrame(
        {
            "class": [", ".join(map(str, members)) for members, _ in classes],
            "closed": ["closed (recurrent)" if closed else "open (transient)" for _, closed in classes],
            "period": [markov.period(P, members) for members, _ in classes],
        }
    )


def complex_text(v: complex) -> str:
    """An eigenvalue as text: real ones without an imaginary part."""
    if abs(v.imag) < 1e-12:
        return f"{v.real:.4g}"
    return f"{v.real:.4g} {'+' if v.imag > 0 else '−'} {abs(v.imag):.4g}i"


def power(P: np.ndarray, t: int) -> tuple[np.ndarray, str]:
    """Pᵗ as V Λᵗ V⁻¹, or by repeated products when P has no eigenbasis (then saying so)."""
    try:
        return markov.transition_power(P, t), "Pᵗ = V Λᵗ V⁻¹"
    except ValueError as err:
        return np.linalg.matrix_power(P, t), f"{err} Pᵗ below is a repeated product instead."


@st.fragment
def any_chain_section() -> None:
    st.header("4 · Any chain")
    prose(__file__, "any_chain.md")
    text = bound(
        st.text_area,
        "Transition matrix P",
        key="mc_chain",
        value=DEFAULT,
        max_chars=2_000,
        height=90,
        help="Rows separated by ';' or new lines, entries by spaces or commas; decimals or fractions (1/3). "
        "Each row must sum to 1. Up to 10 states.",
    )
    target_col, t_col = st.columns(2)
    with target_col:
        targets_text = bound(
            st.text_input,
            "Target states for hitting times",
            key="mc_targets",
            value="2",
            max_chars=60,
            help="The set T: expected steps to reach any of these states, from every state (numbered from 0).",
        )
    with t_col:
        t = bound(
            st.slider,
            "Power t",
            key="mc_power",
            min_value=0,
            max_value=100,
            value=8,
            help="The number of steps: Pᵗ holds the t-step transition probabilities.",
        )
    P = lib_call(parse, text)
    if P is None:
        return
    targets = lib_call(markov.parse_states, targets_text, P.shape[0])
    if targets is None:
        return
    n = P.shape[0]
    names = [str(i) for i in range(n)]
    classes = class_table(P)
    laws = markov.stationary_distributions(P)
    hits = markov.hitting_times(P, targets)
    Pt, how = power(P, t)
    lam = markov.eigenvalues(P)

    class_col, law_col = st.columns(2)
    with class_col:
        st.markdown(f"**{len(classes)} communicating class{'es' if len(classes) > 1 else ''}**")
        st.dataframe(classes, hide_index=True)
    with law_col:
        word = "irreducible: one stationary distribution" if len(classes) == 1 else "one per closed class"
        st.markdown(f"**Stationary distribution** ({word})")
        stationary = pd.DataFrame({"state": names} | {f"π (class {k + 1})": pi for k, pi in enumerate(laws)})
        st.dataframe(stationary, hide_index=True)
    hit_col, eig_col = st.columns(2)
    with hit_col:
        st.markdown(f"**Expected steps to reach {{{plain(', '.join(map(str, targets)))}}}**")
        finite = np.isfinite(hits)
        st.dataframe(
            pd.DataFrame(
                {
                    "from state": names,
                    "E[steps]": [
                        f"{h:.6g}" if ok else "∞ (may never arrive)" for h, ok in zip(hits, finite, strict=True)
                    ],
                }
            ),
            hide_index=True,
        )
    with eig_col:
        st.markdown("**Eigenvalues of P** (moduli 1 first)")
        st.dataframe(pd.DataFrame({"λ": [complex_text(v) for v in lam], "|λ|": np.abs(lam)}), hide_index=True)
    st.caption(how)
    heat_col, walk_col = st.columns(2)
    with heat_col:
        chart(
            heatmap,
            Pt,
            names,
            names,
            x_title="to state",
            y_title="from state",
            value_title="probability",
            title=f"P^{t}: the {t}-step transition probabilities",
        )
    with walk_col:
        steps = np.arange(t + 1)
        path = np.vstack([np.eye(n)[0] @ np.linalg.matrix_power(P, s) for s in steps])  # (t + 1, n)
        frame = (
            pd.DataFrame(path, columns=names)
            .assign(step=steps)
            .melt(id_vars="step", var_name="state", value_name="probability")
        )
        rules = {name: float(v) for name, v in zip(names, laws[0], strict=True)} if len(classes) == 1 else None
        chart(
            line_chart,
            frame,
            x="step",
            y="probability",
            color="state",
            x_title="step t",
            y_title="P(X_t = state | X_0 = 0)",
            rules=rules,
            title="From state 0, step by step (dashed: π)",
        )
    csv_download(
        pd.DataFrame(Pt, columns=names).assign(**{"from": names}),
        "transition_power.csv",
        "Download Pᵗ (CSV)",
        key="mc_dl_power",
    )
    snippet(
        """
import numpy as np

from lib import markov

P = np.array($P)
print(markov.communicating_classes(P))  # (states, closed)
print([markov.period(P, states) for states, _ in markov.communicating_classes(P)])
print(markov.stationary_distributions(P))  # one per closed class
print(markov.hitting_times(P, $targets))
print($power_call)
""".replace(
            "$power_call",
            "markov.transition_power(P, $t)" if how.startswith("Pᵗ =") else "np.linalg.matrix_power(P, $t)",
        ),
        P=P.tolist(),
        targets=targets,
        t=t,
    )
