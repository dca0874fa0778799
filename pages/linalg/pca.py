"""Section 4, continued · PCA of generated data as the SVD of the centred data, with explained variance."""

import numpy as np
import pandas as pd
import streamlit as st

from lib import linalg as la
from lib.viz.linalg import bar_chart, scatter_chart
from pages._common import bound, cached, chart, csv_download, global_seed, snippet


@cached
def principal_components(n: int, d: int, decay: float, seed: int) -> tuple[la.PCAResult, np.ndarray]:
    """PCA of the generated data, and the eigenvalues of its sample covariance (ddof = 1) to compare."""
    X = la.correlated_data(n, d, seed=seed, decay=decay)
    return la.pca(X, d), la.covariance_eigenvalues(X)


@st.fragment
def pca_section() -> None:
    st.subheader("PCA is the same SVD")
    c1, c2, c3 = st.columns(3)
    n = bound(
        c1.slider,
        "Samples n",
        key="la_pca_n",
        min_value=10,
        max_value=5_000,
        value=500,
        step=10,
        help="Rows of the data matrix X, drawn from a Gaussian with the sidebar's seed.",
    )
    d = bound(
        c2.slider,
        "Dimensions d",
        key="la_pca_d",
        min_value=2,
        max_value=10,
        value=5,
        help="Columns of X. The covariance has eigenvalues 4·decayⁱ along random orthogonal axes.",
    )
    decay = bound(
        c3.slider,
        "Variance decay",
        key="la_pca_decay",
        min_value=0.1,
        max_value=1.0,
        value=0.5,
        step=0.05,
        help="Each axis has this share of the previous one's variance; 1 makes every direction equal (no structure).",
    )
    seed = global_seed()
    result, eigenvalues = principal_components(n, d, decay, seed)
    table = pd.DataFrame(
        {
            "component": [f"PC{i + 1}" for i in range(d)],
            "explained variance σ²/(n−1)": result.explained_variance,
            "eigenvalue of cov(X, ddof=1)": eigenvalues,
            "share": result.explained_variance_ratio,
            "cumulative share": np.cumsum(result.explained_variance_ratio),
        }
    )
    bars_col, scatter_col = st.columns(2)
    with bars_col:
        chart(
            bar_chart,
            table,
            x="component",
            y="share",
            line="cumulative share",
            x_title="principal component",
            y_title="share of the variance",
            title="Explained variance (line: cumulative)",
        )
    with scatter_col:
        scores = pd.DataFrame(result.scores[:, :2], columns=["PC1", "PC2"])
        chart(
            scatter_chart,
            scores,
            x="PC1",
            y="PC2",
            x_title="score on PC1",
            y_title="score on PC2",
            title="The data in its first two principal coordinates",
        )
    gap = float(np.abs(result.explained_variance - eigenvalues).max())
    st.caption(
        f"The SVD's σ²/(n − 1) and the covariance's eigenvalues differ by at most {gap:.1e}; the first two "
        f"components keep {table['cumulative share'].iloc[1]:.1%} of the variance."
    )
    st.dataframe(table, hide_index=True)
    csv_download(table, "pca_explained_variance.csv", "Download the explained variance (CSV)", key="la_dl_pca")
    snippet(
        """
import numpy as np
from lib.linalg import correlated_data, pca

X = correlated_data($n, $d, seed=$seed, decay=$decay)
p = pca(X, $d)
print(p.explained_variance)
print(np.linalg.eigvalsh(np.cov(X, rowvar=False, ddof=1))[::-1])  # the same numbers
""",
        n=n,
        d=d,
        seed=seed,
        decay=decay,
    )
