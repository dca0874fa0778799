"""Section 3 · SVD as rotate–stretch–rotate: the unit circle through Vᵀ, Σ and U, ending at the ellipse A x."""

import numpy as np
import pandas as pd
import streamlit as st

from lib import linalg as la
from lib.viz.linalg import svd_stages
from pages._common import bound, cached, chart, csv_download, note, prose, snippet
from pages.linalg.formatting import matrix_frame

ENTRIES = (("a₁₁", "la_a11", 1.5), ("a₁₂", "la_a12", 0.5), ("a₂₁", "la_a21", 0.3), ("a₂₂", "la_a22", 0.8))
stages = cached(la.rotate_stretch_rotate)


def _angle(Q: np.ndarray) -> str:
    """An orthogonal 2 × 2 matrix as 'rotation by θ' or 'reflection'."""
    if np.linalg.det(Q) < 0:
        return f"reflection across the line at {np.degrees(np.arctan2(Q[1, 0], Q[0, 0])) / 2:.1f}°"
    return f"rotation by {np.degrees(np.arctan2(Q[1, 0], Q[0, 0])):.1f}°"


@st.fragment
def rotation_section() -> None:
    st.header("3 · SVD as rotate–stretch–rotate")
    with note("The derivation"):
        prose(__file__, "svd.md")
    columns = st.columns(4)
    values = [
        bound(
            col.slider,
            label,
            key=key,
            min_value=-2.0,
            max_value=2.0,
            value=default,
            step=0.1,
            help=f"Entry {label} of the 2 × 2 matrix A = [[a₁₁, a₁₂], [a₂₁, a₂₂]].",
        )
        for col, (label, key, default) in zip(columns, ENTRIES, strict=True)
    ]
    A = np.array(values, dtype=float).reshape(2, 2)
    result = stages(A)
    chart(svd_stages, result.points, result.stages, cache_key=tuple(values))
    s1, s2 = result.singular_values
    m1, m2, m3, m4 = st.columns(4)
    m1.metric("σ₁ = ‖A‖₂", f"{s1:.4f}", help="The longest semi-axis of the ellipse: the most A stretches.")
    m2.metric("σ₂", f"{s2:.4f}", help="The shortest semi-axis; 0 means A is singular (a flat ellipse).")
    m3.metric("|det A| = σ₁σ₂", f"{s1 * s2:.4f}", help="The area of the ellipse over the area of the circle.")
    m4.metric("Vᵀ, then U", "reflects" if result.reflects else "rotations", help="det A < 0: one factor reflects.")
    st.caption(f"Vᵀ is a {_angle(result.Vt)}; U is a {_angle(result.U)}.")
    factors = pd.concat(
        [
            matrix_frame(result.Vt).assign(factor="Vᵀ"),
            matrix_frame(np.diag(result.singular_values)).assign(factor="Σ"),
            matrix_frame(result.U).assign(factor="U"),
        ]
    )
    st.dataframe(factors, hide_index=True)
    points = pd.DataFrame(
        {
            "stage": np.repeat(result.stages, result.points.shape[1]),
            "x1": result.points[..., 0].ravel(),
            "x2": result.points[..., 1].ravel(),
        }
    )
    csv_download(points, "svd_stages.csv", "Download the points of every stage (CSV)", key="la_dl_svd")
    snippet(
        """
import numpy as np
from lib.linalg import rotate_stretch_rotate

A = np.array([[$a11, $a12], [$a21, $a22]])
r = rotate_stretch_rotate(A)
print("U =", r.U, "sigma =", r.singular_values, "Vt =", r.Vt, sep="\\n")
print(np.allclose(r.points[-1], r.points[0] @ A.T))  # U Σ Vᵀ x = A x on the whole circle
""",
        a11=values[0],
        a12=values[1],
        a21=values[2],
        a22=values[3],
    )
