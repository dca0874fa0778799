"""Section 3 · Mean-field VI on a correlated 2-D Gaussian: reverse vs forward KL, and the CAVI path."""

import numpy as np
import pandas as pd
import streamlit as st

from lib import information as info
from lib.viz.information import ellipses_chart
from pages._common import bound, cached, chart, csv_download, prose, snippet

MEAN = (2.0, 1.0)
cavi = cached(info.cavi_gaussian)


def target_cov(rho: float, var_2: float) -> np.ndarray:
    """Σ with unit variance for x₁, var_2 for x₂ and correlation ρ."""
    off = rho * np.sqrt(var_2)
    return np.array([[1.0, off], [off, var_2]])


def ellipses(cov: np.ndarray, q_reverse: np.ndarray, q_forward: np.ndarray) -> pd.DataFrame:
    """The 2-σ ellipses of the target and the two factorised fits, long format."""
    shapes = {
        "target p": cov,
        "mean field, reverse KL(q‖p)": np.diag(q_reverse),
        "mean field, forward KL(p‖q)": np.diag(q_forward),
    }
    return pd.concat(
        [
            pd.DataFrame(info.gaussian_ellipse(MEAN, c, n_std=2.0), columns=["x", "y"]).assign(
                shape=name, order=np.arange(121)
            )
            for name, c in shapes.items()
        ],
        ignore_index=True,
    )


@st.fragment
def mean_field_section() -> None:
    st.header("3 · Mean-field variational inference")
    prose(__file__, "mean_field.md")
    rho_col, var_col, sweep_col = st.columns(3)
    with rho_col:
        rho = bound(
            st.slider,
            "Correlation ρ",
            key="ii_rho",
            min_value=-0.95,
            max_value=0.95,
            value=0.8,
            step=0.05,
            help="Correlation of the target's two coordinates. At ρ = 0 mean field is exact.",
        )
    with var_col:
        var_2 = bound(
            st.slider,
            "Variance of x₂",
            key="ii_var2",
            min_value=0.25,
            max_value=4.0,
            value=1.0,
            step=0.25,
            help="The target's variance along x₂ (x₁ has variance 1).",
        )
    with sweep_col:
        sweeps = bound(
            st.slider,
            "CAVI sweeps",
            key="ii_sweeps",
            min_value=0,
            max_value=40,
            value=6,
            help="Coordinate-ascent sweeps from q's means at (0, 0); each sweep updates m₁ then m₂.",
        )
    cov = target_cov(rho, var_2)
    _, q_reverse = info.mean_field_gaussian(MEAN, cov, "reverse")
    _, q_forward = info.mean_field_gaussian(MEAN, cov, "forward")
    path = cavi(MEAN, cov, sweeps)
    path_frame = pd.DataFrame(path, columns=["x", "y"]).assign(sweep=np.arange(sweeps + 1))
    chart(
        ellipses_chart,
        ellipses(cov, q_reverse, q_forward),
        path_frame,
        title="2-σ ellipses of the target and its best factorised fits; dots: CAVI's means, sweep by sweep",
    )
    cols = st.columns(4)
    cols[0].metric(
        "Reverse: variance of x₁", f"{q_reverse[0]:.4f}", help="1/Λ₁₁ = (1 − ρ²) Σ₁₁: the conditional variance."
    )
    cols[1].metric("Forward: variance of x₁", f"{q_forward[0]:.4f}", help="Σ₁₁: the marginal variance.")
    cols[2].metric(
        "KL(q_reverse‖p)",
        f"{info.gaussian_kl(MEAN, np.diag(q_reverse), MEAN, cov):.4f}",
        help="What reverse mean field minimises; −½ log(1 − ρ²) in 2-D.",
    )
    cols[3].metric(
        "KL(p‖q_forward)",
        f"{info.gaussian_kl(MEAN, cov, MEAN, np.diag(q_forward)):.4f}",
        help="What forward mean field minimises; also −½ log(1 − ρ²) in 2-D.",
    )
    distance = np.linalg.norm(path - np.array(MEAN), axis=1)
    table = path_frame.rename(columns={"x": "m₁", "y": "m₂"}).assign(**{"distance to μ": distance})
    st.dataframe(table, hide_index=True)
    st.caption(f"Each sweep multiplies the distance to μ by about ρ² = {rho**2:.4f} (after the first).")
    csv_download(table, "cavi_path.csv", "Download the CAVI path (CSV)", key="ii_dl_cavi")
    snippet(
        """
import numpy as np
from lib.information import cavi_gaussian, mean_field_gaussian

mean, cov = $mean, np.array($cov)
print(mean_field_gaussian(mean, cov, "reverse"))  # variances 1/Λᵢᵢ: too narrow
print(mean_field_gaussian(mean, cov, "forward"))  # the marginal variances
print(cavi_gaussian(mean, cov, n_iter=$sweeps))
""",
        mean=list(MEAN),
        cov=cov.tolist(),
        sweeps=sweeps,
    )
