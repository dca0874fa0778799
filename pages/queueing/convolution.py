"""Section 2 · The convolution from the notes: hair-cut + shampoo by quad, by the closed form and as phase-type."""

import numpy as np
import pandas as pd
import streamlit as st

from lib import queueing as q
from lib.viz import line_chart
from pages._common import bound, cached, chart, snippet

POINTS = 41

convolve = cached(q.convolve_exponentials)


@st.fragment
def convolution_section() -> None:
    st.header("2 · The convolution from the notes")
    c1, c2 = st.columns(2)
    with c1:
        mu1 = bound(
            st.slider,
            "μ₁ (hair-cut)",
            key="q_mu1",
            min_value=0.1,
            max_value=10.0,
            value=2.0,
            step=0.1,
            help="Rate of the first phase.",
        )
    with c2:
        mu2 = bound(
            st.slider,
            "μ₂ (shampoo)",
            key="q_mu2",
            min_value=0.1,
            max_value=10.0,
            value=3.0,
            step=0.1,
            help="Rate of the second phase. Set it equal to μ₁ to see the 0/0 case handled.",
        )
    xs = np.linspace(0, 6 / min(mu1, mu2) + 1 / max(mu1, mu2), POINTS)
    conv = convolve(xs, mu1, mu2)
    closed = q.hypoexponential2_pdf(xs, mu1, mu2)
    matrix_form = q.hypoexponential([mu1, mu2]).pdf(xs)
    conv_frame = pd.concat(
        [
            pd.DataFrame({"x": xs, "density": conv.value, "method": "∫₀ˣ numerically (scipy quad)"}),
            pd.DataFrame({"x": xs, "density": closed, "method": "closed form"}),
            pd.DataFrame({"x": xs, "density": matrix_form, "method": "phase-type α·exp(Sx)·s₀"}),
        ]
    )
    conv_col, table_col = st.columns([3, 2])
    with conv_col:
        chart(
            line_chart,
            conv_frame,
            x="x",
            y="density",
            color="method",
            dash="method",
            x_title="x = X₁ + X₂ (min)",
            y_title="density",
            title="Three ways to the same pdf of hair-cut + shampoo",
        )
    with table_col:
        picks = np.linspace(0, len(xs) - 1, 7).astype(int)[1:]
        st.dataframe(
            pd.DataFrame(
                {
                    "x": np.round(xs[picks], 3),
                    "quad": conv.value[picks],
                    "closed form": closed[picks],
                    "|quad − closed|": [f"{v:.1e}" for v in np.abs(conv.value - closed)[picks]],
                    "quad's error bound": [f"{v:.1e}" for v in conv.abs_error[picks]],
                }
            ),
            hide_index=True,
        )
        formula = "μ² x e^(−μx) (equal rates)" if mu1 == mu2 else "μ₁μ₂ (e^(−μ₁x) − e^(−μ₂x)) / (μ₂ − μ₁)"
        st.caption(
            f"Closed form used: {formula}. Largest gap between quad and the closed form over the grid: "
            f"{np.abs(conv.value - closed).max():.2e}."
        )
    snippet(
        """
import numpy as np

from lib import queueing as q

mu1, mu2 = $mu1, $mu2  # hair-cut, then shampoo
xs = np.linspace(0, 6 / min(mu1, mu2) + 1 / max(mu1, mu2), $points)
conv = q.convolve_exponentials(xs, mu1, mu2)  # the integral, by scipy's quad
closed = q.hypoexponential2_pdf(xs, mu1, mu2)  # the closed form (Erlang-2 when mu1 == mu2)
matrix_form = q.hypoexponential([mu1, mu2]).pdf(xs)  # phase-type: alpha exp(Sx) s0
print("largest gap, quad vs closed form:", np.abs(conv.value - closed).max())
print("largest gap, phase-type vs closed form:", np.abs(matrix_form - closed).max())
""",
        mu1=mu1,
        mu2=mu2,
        points=POINTS,
    )
