"""Section 1 · Bias–variance: polynomial fits of sin(2πx), the decomposition against the measured test error."""

import streamlit as st

from lib import practice
from lib.viz import line_chart
from lib.viz.practice import fits_chart
from pages._common import bound, cached, chart, csv_download, global_seed, lib_call, note, prose, snippet

MAX_DEGREE = 15
CHART_FLOOR = 1e-12  # log axis: a training error of an interpolating fit (≈ 0) is drawn at this floor
fit = cached(practice.bias_variance)
u_curve = cached(practice.bias_variance_curve)


@st.fragment
def bias_variance_section() -> None:
    st.header("1 · Bias–variance: the U curve, measured")
    cols = st.columns(4)
    with cols[0]:
        degree = bound(
            st.slider,
            "Polynomial degree",
            key="te_degree",
            min_value=0,
            max_value=MAX_DEGREE,
            value=3,
            help="Degree of the least-squares polynomial fitted to each training set.",
        )
    with cols[1]:
        n_train = bound(
            st.slider,
            "Training points",
            key="te_n_train",
            min_value=5,
            max_value=200,
            value=30,
            help="Points per training set, x ~ U(0, 1). A degree must stay below this.",
        )
    with cols[2]:
        noise = bound(
            st.slider,
            "Noise σ",
            key="te_noise",
            min_value=0.05,
            max_value=1.0,
            value=0.3,
            step=0.05,
            help="Standard deviation of the noise added to sin(2πx): σ² is the irreducible floor.",
        )
    with cols[3]:
        n_sets = bound(
            st.slider,
            "Training sets",
            key="te_sets",
            min_value=20,
            max_value=1000,
            value=200,
            step=20,
            help="Independent training sets drawn and fitted; bias² and variance are measured across them.",
        )
    seed = global_seed()
    result = lib_call(fit, degree, n_train, noise, n_sets, seed)
    if result is None:
        return
    cols = st.columns(5)
    for col, (label, value, help_text) in zip(
        cols,
        (
            ("bias²", result.bias2, "(f(x) − E f̂(x))², averaged over the test grid."),
            ("variance", result.variance, "Var f̂(x) across training sets, averaged over the test grid."),
            ("noise σ²", result.noise, "The irreducible error: no model can beat it on fresh targets."),
            ("bias² + variance + σ²", result.decomposition, "The decomposition's prediction of the test error."),
            ("measured test error", result.expected_mse, "Mean of (y − f̂(x))² on fresh noisy targets."),
        ),
        strict=True,
    ):
        col.metric(label, f"{value:.4g}", help=help_text)
    curve = u_curve(MAX_DEGREE, n_train, noise, n_sets, seed)
    fits_col, curve_col = st.columns(2)
    with fits_col:
        chart(
            fits_chart,
            result.grid,
            result.fits,
            {"truth sin(2πx)": practice.truth(result.grid), "mean fit E f̂(x)": result.mean_fit},
            y_range=(-2.5, 2.5),
            x_title="x",
            y_title="y",
            title=f"Degree {degree}: {len(result.fits)} of the {n_sets} fits (grey), their mean and the truth",
            cache_key=(degree, n_train, noise, n_sets, seed),
        )
    with curve_col:
        terms = ["bias²", "variance", "noise", "bias² + variance + noise", "test error", "training error"]
        long = curve.melt(id_vars="degree", value_vars=terms, var_name="term", value_name="value")
        chart(
            line_chart,
            long.assign(value=long["value"].clip(lower=CHART_FLOOR)),
            x="degree",
            y="value",
            color="term",
            x_title="polynomial degree",
            y_title="mean squared error",
            log_y=True,
            title="The U curve: test error = bias² + variance + noise, degree by degree",
            cache_key=(n_train, noise, n_sets, seed),
        )
    best = int(curve.loc[curve["test error"].idxmin(), "degree"])
    st.caption(
        f"Lowest measured test error at degree **{best}**. Left of it the fits are too stiff (bias² dominates), "
        "right of it they chase each training set's noise (variance dominates) while the training error keeps "
        f"falling. Every degree sees the same {n_sets} training sets; the gap between 'bias² + variance + noise' "
        "and 'test error' is Monte-Carlo error and shrinks with more sets."
    )
    csv_download(curve, "bias_variance_curve.csv", "Download the U curve (CSV)", key="te_dl_bv")
    with note("The derivation"):
        prose(__file__, "bias_variance.md")
    snippet(
        """
from lib.practice import bias_variance, bias_variance_curve

bv = bias_variance(degree=$degree, n_train=$n_train, noise_std=$noise, n_datasets=$n_sets, seed=$seed)
print(bv.bias2, bv.variance, bv.noise, bv.bias2 + bv.variance + bv.noise, bv.expected_mse)
print(bias_variance_curve($max_degree, $n_train, $noise, $n_sets, seed=$seed))
""",
        degree=degree,
        n_train=n_train,
        noise=noise,
        n_sets=n_sets,
        seed=seed,
        max_degree=MAX_DEGREE,
    )
