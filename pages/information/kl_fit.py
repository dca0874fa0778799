"""Section 2 · Forward vs reverse KL: one Gaussian fitted to two bumps, mass-covering vs mode-seeking."""

import numpy as np
import pandas as pd
import streamlit as st

from lib import information as info
from lib.viz import line_chart
from pages._common import bound, cached, chart, csv_download, prose, snippet

fit = cached(info.fit_gaussian_to_mixture)
SWEEP = tuple(np.round(np.linspace(0.0, 10.0, 26), 2))  # separations of the sweep chart
FITS = {"forward KL(p‖q)": "forward", "reverse KL(q‖p)": "reverse"}


def bumps(separation: float, left_weight: float, width: float) -> tuple[list, list, list]:
    """(means, stds, weights) of the target: two bumps at ±separation/2."""
    return [-separation / 2, separation / 2], [width, width], [left_weight, 1 - left_weight]


@cached
def fits_table(separation: float, left_weight: float, width: float) -> pd.DataFrame:
    """Each fit's mean and std, and both divergences of each (each fit is the minimum of its own)."""
    target = bumps(separation, left_weight, width)
    rows = []
    for name, divergence in FITS.items():
        q = fit(*target, divergence)
        rows.append(
            {
                "fit": name,
                "mean m": q.mean,
                "std s": q.std,
                "KL(p‖q)": info.forward_kl_to_mixture(q.mean, q.std, *target),
                "KL(q‖p)": info.reverse_kl_to_mixture(q.mean, q.std, *target),
            }
        )
    return pd.DataFrame(rows)


@cached
def sweep_table(left_weight: float, width: float) -> pd.DataFrame:
    """Both fits' means and stds for every separation of SWEEP."""
    rows = [
        {"separation": d, "fit": name, "mean m": q.mean, "std s": q.std}
        for d in SWEEP
        for name, divergence in FITS.items()
        for q in [fit(*bumps(d, left_weight, width), divergence)]
    ]
    return pd.DataFrame(rows)


@cached
def densities(separation: float, left_weight: float, width: float, table: pd.DataFrame) -> pd.DataFrame:
    """The target and both fitted Gaussians on a grid, long format."""
    reach = separation / 2 + 4.5 * width
    x = np.linspace(-reach, reach, 301)
    target = np.exp(info.mixture_log_pdf_1d(x, *bumps(separation, left_weight, width)))
    curves = [pd.DataFrame({"x": x, "density": target, "curve": "target p"})]
    for _, row in table.iterrows():
        q = np.exp(info.mixture_log_pdf_1d(x, [row["mean m"]], [row["std s"]], [1.0]))
        curves.append(pd.DataFrame({"x": x, "density": q, "curve": f"q: {row['fit']}"}))
    return pd.concat(curves, ignore_index=True)


@st.fragment
def kl_fit_section() -> None:
    st.header("2 · Forward vs reverse KL")
    prose(__file__, "kl_fit.md")
    sep_col, weight_col, width_col = st.columns(3)
    with sep_col:
        separation = bound(
            st.slider,
            "Distance between the bumps",
            key="ii_sep",
            min_value=0.0,
            max_value=10.0,
            value=6.0,
            step=0.1,
            help="The target's two Gaussian bumps sit at ±distance/2.",
        )
    with weight_col:
        left_weight = bound(
            st.slider,
            "Weight of the left bump",
            key="ii_left",
            min_value=0.05,
            max_value=0.95,
            value=0.6,
            step=0.05,
            help="Mixture weight of the bump at −distance/2; the right bump gets the rest.",
        )
    with width_col:
        width = bound(
            st.slider,
            "Bump width (std)",
            key="ii_width",
            min_value=0.3,
            max_value=2.0,
            value=1.0,
            step=0.1,
            help="Standard deviation of each bump.",
        )
    table = fits_table(separation, left_weight, width)
    density_col, sweep_col = st.columns(2)
    with density_col:
        chart(
            line_chart,
            densities(separation, left_weight, width, table),
            x="x",
            y="density",
            color="curve",
            x_title="x",
            y_title="density",
            points=False,
            title="The target and the Gaussian closest to it, each way",
        )
    with sweep_col:
        sweep = sweep_table(left_weight, width)
        chart(
            line_chart,
            sweep,
            x="separation",
            y="mean m",
            color="fit",
            x_title="distance between the bumps",
            y_title="fitted mean m",
            points=False,
            title="As the bumps part: forward stays between them, reverse picks one",
        )
    st.dataframe(table, hide_index=True)
    forward, reverse = table.iloc[0], table.iloc[1]
    st.caption(
        f"Forward KL matches the moments: m = {forward['mean m']:.4f}, s = {forward['std s']:.4f}. Reverse KL sits at "
        f"m = {reverse['mean m']:.4f} with s = {reverse['std s']:.4f}. "
        "Each fit has the smaller value of its own divergence."
    )
    csv_download(
        pd.concat([table.assign(separation=separation), sweep]),
        "kl_fits.csv",
        "Download the fits (CSV)",
        key="ii_dl_fits",
    )
    means, stds, weights = bumps(separation, left_weight, width)
    snippet(
        """
from lib.information import fit_gaussian_to_mixture

means, stds, weights = $means, $stds, $weights
for divergence in ("forward", "reverse"):
    print(divergence, fit_gaussian_to_mixture(means, stds, weights, divergence))
""",
        means=means,
        stds=stds,
        weights=weights,
    )
