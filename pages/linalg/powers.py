"""Section 1 · Aᵗ by eigendecomposition against t repeated products, with the eigenvalues on the complex plane."""

import numpy as np
import pandas as pd
import streamlit as st

from lib import linalg as la
from lib.markov import hht_vs_htt_matrix
from lib.viz.linalg import eigenvalue_plane
from pages._common import bound, cached, chart, csv_download, lib_call, note, plain, prose, snippet
from pages.linalg.formatting import matrix_frame, seconds_text

TYPED = "type your own"
EXAMPLES = {
    "the notes' HHT vs HTT chain": "; ".join(" ".join(f"{v:g}" for v in row) for row in hht_vs_htt_matrix()),
    "a rotation by 30° (|λ| = 1)": "0.8660254 -0.5; 0.5 0.8660254",
    "a Jordan block (not diagonalisable)": "1 1; 0 1",
    "a contraction with a complex pair": "0.6 -0.7 0.1; 0.7 0.6 0; 0 0.2 0.5",
}
compare_powers = cached(la.compare_powers)
decompose = cached(la.eigendecomposition)


def _matrix_text() -> str:
    choice = bound(
        st.selectbox,
        "Matrix A",
        key="la_matrix",
        options=[*EXAMPLES, TYPED],
        help="The notes' chain (columns sum to 1, x_(t+1) = A x_t), an example, or a square matrix you type.",
    )
    if choice != TYPED:
        return EXAMPLES[choice]
    return bound(
        st.text_input,
        "Your matrix A",
        key="la_typed",
        value="0.9 0.4; -0.3 0.7",
        max_chars=400,
        help="Rows separated by semicolons, entries by spaces or commas; square, at most 8 × 8, finite numbers.",
    )


@st.fragment
def powers_section() -> None:
    st.header("1 · Aᵗ by eigendecomposition")
    with note("The derivation"):
        prose(__file__, "powers.md")
    left, right = st.columns([3, 2])
    with left:
        text = _matrix_text()
    with right:
        t = bound(
            st.slider,
            "Power t",
            key="la_t",
            min_value=0,
            max_value=10_000,
            value=20,
            help="Aᵗ is computed as V Λᵗ V⁻¹ and as t matrix products in a loop; both are timed.",
        )
    A = lib_call(la.parse_matrix, text)
    if A is None:
        return
    decomposition = decompose(A)
    comparison = lib_call(compare_powers, A, t)
    if comparison is None:
        return
    rho = float(np.abs(decomposition.eigenvalues).max())
    n = A.shape[0]
    rank = int(np.linalg.matrix_rank(A))
    if comparison.reason:
        st.warning(plain(comparison.reason), icon=":material/warning:")
    elif rank < n:
        st.info(
            f"A is singular (rank {rank} < {n}): 0 is an eigenvalue, so Aᵗ sends that direction to 0 for good; "
            "powers t ≥ 0 still exist, only A⁻¹ does not.",
            icon=":material/info:",
        )

    plane_col, numbers_col = st.columns([2, 3])
    with plane_col:
        chart(eigenvalue_plane, decomposition.eigenvalues, title="Eigenvalues of A and the unit circle |λ| = 1")
    with numbers_col:
        m1, m2, m3 = st.columns(3)
        m1.metric("Spectral radius ρ(A)", f"{rho:.4g}", help="max |λᵢ|: below 1 Aᵗ contracts, above 1 it explodes.")
        m2.metric("cond(V)", f"{decomposition.condition:.3g}", help="Above 1e10 A counts as not diagonalisable.")
        m3.metric("‖Aᵗ‖₂", f"{np.linalg.norm(comparison.repeated, 2):.4g}", help="Largest singular value of Aᵗ.")
        m4, m5, m6 = st.columns(3)
        m4.metric(f"{t:,} products", seconds_text(comparison.repeated_seconds), help="A·A·…·A in a Python loop.")
        if comparison.eigen is not None:
            m5.metric("V Λᵗ V⁻¹", seconds_text(comparison.eigen_seconds), help="eig, n scalar powers, 2 products.")
            m6.metric(
                "Relative difference",
                f"{comparison.relative_difference:.2g}",
                help="max |gap between the two| / max |entry of Aᵗ|: about 1e-16 means every digit agrees.",
            )
            st.caption(
                f"The same numbers two ways (best of 3 runs, measured when these values were first shown): the "
                f"eigendecomposition's cost does not grow with t, the loop's does ({t:,} matmuls of {n} × {n})."
            )
        else:
            m5.metric("V Λᵗ V⁻¹", "does not exist", help="A is not diagonalisable: only the products are shown.")
            st.caption(
                "Only the repeated products are shown. For a Jordan block [[λ, 1], [0, λ]] they are "
                "[[λᵗ, tλᵗ⁻¹], [0, λᵗ]]: with λ = 1 the corner grows like t although ρ = 1."
            )

    eigen_rows = pd.DataFrame(
        {
            "λ": [f"{v.real:.6g}{v.imag:+.6g}i" for v in decomposition.eigenvalues],
            "|λ|": np.abs(decomposition.eigenvalues),
        }
    )
    table_col, eig_col = st.columns([3, 2])
    with table_col:
        st.markdown(f"**Aᵗ by {t:,} products**")
        st.dataframe(matrix_frame(comparison.repeated), hide_index=True)
        if comparison.eigen is not None:
            st.markdown("**Aᵗ = V Λᵗ V⁻¹**")
            st.dataframe(matrix_frame(comparison.eigen), hide_index=True)
    with eig_col:
        st.markdown("**Eigenvalues**")
        st.dataframe(eigen_rows, hide_index=True)
    power_table = matrix_frame(comparison.repeated).assign(method="repeated products")
    if comparison.eigen is not None:
        power_table = pd.concat([power_table, matrix_frame(comparison.eigen).assign(method="V Λᵗ V⁻¹")])
    csv_download(power_table, "matrix_power.csv", "Download Aᵗ both ways (CSV)", key="la_dl_power")
    snippet(
        """
import numpy as np
from lib.linalg import compare_powers, parse_matrix, spectral_radius

A = parse_matrix($text)
c = compare_powers(A, t=$t)
print("rho(A) =", spectral_radius(A))
print(c.repeated)
print(c.reason or f"eigen {c.eigen_seconds:.2e} s, products {c.repeated_seconds:.2e} s, gap {c.max_abs_difference:.1e}")
print(np.allclose(c.repeated, np.linalg.matrix_power(A, $t)))
""",
        text=text,
        t=t,
    )
