"""Section 6 · Vector–Jacobian products: the full Jacobian's size against what autograd stores; backward = Jᵀ v."""

import numpy as np
import pandas as pd
import streamlit as st

from lib import linalg as la
from lib.viz.linalg import bar_chart
from pages._common import bound, cached, chart, csv_download, global_seed, note, prose, snippet

vjp_check = cached(la.vjp_check)


@st.fragment
def vjp_section() -> None:
    st.header("6 · Vector–Jacobian products")
    with note("The derivation"):
        prose(__file__, "vjp.md")
    c1, c2, c3, c4 = st.columns(4)
    batch = bound(
        c1.slider,
        "Batch B",
        key="la_vjp_batch",
        min_value=1,
        max_value=32,
        value=8,
        help="Inputs in the batch: the full Jacobian grows as B², what autograd stores as B.",
    )
    d_in = bound(
        c2.slider,
        "d_in",
        key="la_vjp_in",
        min_value=1,
        max_value=32,
        value=16,
        help="Input size of the MLP y = tanh(x W₁ᵀ + b₁) W₂ᵀ + b₂.",
    )
    hidden = bound(
        c3.slider,
        "Hidden width",
        key="la_vjp_hidden",
        min_value=1,
        max_value=64,
        value=32,
        help="Width of the tanh layer.",
    )
    d_out = bound(
        c4.slider,
        "d_out",
        key="la_vjp_out",
        min_value=1,
        max_value=32,
        value=4,
        help="Output size; v, the gradient of the loss by y, has B × d_out entries.",
    )
    seed = global_seed()
    check = vjp_check(d_in, hidden, d_out, batch, seed)
    m1, m2, m3, m4 = st.columns(4)
    m1.metric("Full Jacobian", f"{check.jacobian_numbers:,}", help=f"Shape {check.jacobian_shape}: B·d_out × B·d_in.")
    m2.metric("Autograd keeps", f"{check.saved_numbers:,}", help="Saved tensors besides the weights: x, activations.")
    m3.metric("Parameters", f"{check.parameters:,}", help="W₁, b₁, W₂, b₂: held anyway, not copied by autograd.")
    m4.metric("max |backward − Jᵀv|", f"{check.max_abs_difference:.1e}", help="One backward pass against Jᵀ v.")
    sizes = pd.DataFrame(
        {
            "what": ["full Jacobian", "autograd's saved tensors", "parameters"],
            "numbers": [check.jacobian_numbers, check.saved_numbers, check.parameters],
        }
    )
    chart_col, table_col = st.columns(2)
    with chart_col:
        chart(
            bar_chart,
            sizes,
            x="what",
            y="numbers",
            x_title="",
            y_title="numbers stored",
            title="What backprop would need against what it stores",
        )
    comparison = pd.DataFrame(
        {
            "sample": np.repeat(np.arange(batch), d_in),
            "input": np.tile(np.arange(d_in), batch),
            "backward pass": check.vjp.ravel(),
            "Jᵀ v": check.jacobian_vjp.ravel(),
        }
    )
    with table_col:
        st.dataframe(comparison.head(12), hide_index=True)
        st.caption(f"The first 12 of {batch * d_in} entries of ∂L/∂x; the CSV holds them all.")
    st.caption(
        f"The full Jacobian is {check.jacobian_numbers / max(check.saved_numbers, 1):,.0f} × what autograd keeps, "
        "and it is mostly zeros: sample i's outputs do not depend on sample j's inputs."
    )
    csv_download(comparison, "vjp_check.csv", "Download backward vs Jᵀv (CSV)", key="la_dl_vjp")
    snippet(
        """
from lib.linalg import vjp_check

c = vjp_check(d_in=$d_in, hidden=$hidden, d_out=$d_out, batch=$batch, seed=$seed)
print(c.jacobian_shape, c.jacobian_numbers, c.saved_numbers, c.max_abs_difference)
""",
        d_in=d_in,
        hidden=hidden,
        d_out=d_out,
        batch=batch,
        seed=seed,
    )
