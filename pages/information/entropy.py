"""Section 1 · Entropy, cross-entropy and KL of two typed distributions, and H(p, q) = H(p) + KL(p‖q)."""

import math

import numpy as np
import pandas as pd
import streamlit as st

from lib import information as info
from lib.viz.information import distribution_bars
from pages._common import bound, chart, csv_download, lib_call, prose, snippet
from pages.information.formatting import nats

BASES = {"nats (log base e)": math.e, "bits (log base 2)": 2.0}


def divergence_table(p: np.ndarray, q: np.ndarray, base: float) -> pd.DataFrame:
    """One row per outcome: p, q and each outcome's term of H(p), H(p, q), KL(p‖q) and KL(q‖p)."""
    terms = info.divergence_terms(p, q, base)
    return pd.DataFrame({"outcome": np.arange(1, p.size + 1), "p": p, "q": q, **terms})


def read_distribution(name: str, text: str, normalise: bool) -> np.ndarray | None:
    return lib_call(info.parse_distribution, text, name, normalise=normalise)


@st.fragment
def entropy_section() -> None:
    st.header("1 · Entropy, cross-entropy, KL")
    prose(__file__, "entropy.md")
    p_col, q_col, unit_col = st.columns([2, 2, 1])
    with p_col:
        p_text = bound(
            st.text_input,
            "p",
            key="ii_p",
            value="0.1, 0.2, 0.4, 0.3",
            max_chars=600,
            help="The first distribution: up to 50 probabilities separated by commas or spaces, summing to 1.",
        )
    with q_col:
        q_text = bound(
            st.text_input,
            "q",
            key="ii_q",
            value="0.25, 0.25, 0.25, 0.25",
            max_chars=600,
            help="The second distribution, over the same outcomes (as many numbers as p). A 0 where p > 0 makes "
            "KL(p‖q) infinite.",
        )
    with unit_col:
        unit = bound(st.selectbox, "Unit", key="ii_unit", options=list(BASES), help="Logarithms in base e or 2.")
        normalise = bound(
            st.checkbox,
            "Weights",
            key="ii_weights",
            value=False,
            help="Read p and q as non-negative weights and divide each by its sum, instead of requiring sums of 1.",
        )
    p = read_distribution("p", p_text, normalise)
    q = read_distribution("q", q_text, normalise) if p is not None else None
    if q is None:
        return
    table = lib_call(divergence_table, p, q, BASES[unit])  # p and q of different lengths: one error
    if table is None:
        return
    base = BASES[unit]
    h_p, h_q = info.entropy(p, base), info.entropy(q, base)
    h_pq, kl_pq, kl_qp = info.cross_entropy(p, q, base), info.kl_divergence(p, q, base), info.kl_divergence(q, p, base)
    unit_name = unit.split()[0]
    cols = st.columns(5)
    for col, (label, value, help_text) in zip(
        cols,
        [
            ("H(p)", h_p, "Entropy of p: −Σ pᵢ log pᵢ."),
            ("H(q)", h_q, "Entropy of q."),
            ("H(p, q)", h_pq, "Cross-entropy: −Σ pᵢ log qᵢ, the average surprise under q of outcomes drawn from p."),
            ("KL(p‖q)", kl_pq, "Σ pᵢ log(pᵢ/qᵢ); infinite where q misses p's support."),
            ("KL(q‖p)", kl_qp, "Σ qᵢ log(qᵢ/pᵢ): the same two distributions, the other way round."),
        ],
        strict=True,
    ):
        col.metric(f"{label} ({unit_name})", nats(value), help=help_text)
    st.markdown(
        f"**H(p, q) = H(p) + KL(p‖q):** {nats(h_pq)} = {nats(h_p)} + {nats(kl_pq)}. "
        + (
            "KL is not symmetric: KL(p‖q) ≠ KL(q‖p) here."
            if not math.isclose(kl_pq, kl_qp, rel_tol=1e-9, abs_tol=1e-12)
            else "Here the two directions happen to agree."
        )
    )
    if math.isinf(kl_pq) or math.isinf(kl_qp):
        st.info("A divergence is infinite: one distribution gives probability 0 to an outcome the other can produce.")
    long = table.melt(id_vars="outcome", value_vars=["p", "q"], var_name="distribution", value_name="probability")
    chart(distribution_bars, long.assign(outcome=long["outcome"].astype(str)), title="p and q, outcome by outcome")
    shown = table.copy()
    for column in shown.columns[3:]:
        shown[column] = [nats(v, 5) for v in shown[column]]
    st.dataframe(shown, hide_index=True)
    st.caption(f"Column sums: H(p), H(p, q), KL(p‖q) and KL(q‖p) above, in {unit_name}.")
    csv_download(table, "entropy_kl_terms.csv", "Download the terms (CSV)", key="ii_dl_terms")
    snippet(
        """
from lib.information import cross_entropy, entropy, kl_divergence

p, q, base = $p, $q, $base
print(entropy(p, base), cross_entropy(p, q, base), kl_divergence(p, q, base), kl_divergence(q, p, base))
print(cross_entropy(p, q, base) - entropy(p, base))  # = KL(p‖q)
""",
        p=p.tolist(),
        q=q.tolist(),
        base=base,
    )
