"""MLE estimators: binomial and negative binomial likelihoods, their intervals, the beta-negative-binomial,
cross-entropy, unboxing a black-box logistic regression, and fitting five families to your own data."""

import streamlit as st

from lib import mle
from pages._common import bound, cached, global_seed, lib_call, note, page_header, prose
from pages.mle import experiment as exp
from pages.mle.beta_negative_binomial import beta_negative_binomial_section
from pages.mle.black_box import black_box_section
from pages.mle.cross_entropy import cross_entropy_section
from pages.mle.fit_data import fit_data_section
from pages.mle.likelihood import likelihood_section
from pages.mle.sampling import sampling_section

simulate_counts = cached(mle.simulate_counts)
fit_binomial = cached(mle.binomial_mle)
fit_negative = cached(mle.negative_binomial_mle)

page_header(
    "MLE estimators",
    "Maximum likelihood, watched at work. Simulate coin-flip experiments (or type your own counts) and see the "
    "log-likelihood, the closed-form estimate from the notes and the numeric maximum agree, with Wald and "
    "profile-likelihood 95% intervals; repeat the experiment thousands of times to see how good the estimator "
    "and its intervals are; let p itself be Beta-distributed (the beta-negative-binomial); see that maximum "
    "likelihood is minimum cross-entropy; read the coefficients out of a black-box logistic regression; and fit "
    "five families to your own numbers, ranked by AIC, with QQ and PP plots and a goodness-of-fit p-value.",
)
with note():
    prose(exp.__file__, "note.md")

# Sections 1, 2 and 4 share the experiment: its model, data, p, n or k and m are chosen once, above them.
st.header("1 · Binomial and negative binomial: the likelihood")
model_col, source_col = st.columns(2)
with model_col:
    model = bound(
        st.selectbox,
        "Model",
        key="mle_model",
        options=[exp.BINOMIAL, exp.NEGATIVE],
        help="Binomial: a fixed number n of trials, count the successes. Negative binomial: flip until the k-th "
        "success and record how many trials it took (the notes' parametrisation, not scipy's failures).",
    )
with source_col:
    source = bound(
        st.radio,
        "Data",
        key="mle_source",
        options=["simulate", "enter counts"],
        horizontal=True,
        help="Simulate m experiments with the true p below, or type your own observed counts.",
    )
kind = exp.KIND[model]
p_col, size_col, m_col = st.columns(3)
with p_col:
    true_p = bound(
        st.slider,
        "True p",
        key="mle_p",
        min_value=0.01,
        max_value=0.99,
        value=0.3,
        step=0.01,
        help="Probability of success in one trial, used to simulate (panels 1 and 2).",
    )
with size_col:
    if kind == "binomial":
        size = bound(
            st.slider,
            "Trials per experiment n",
            key="mle_n",
            min_value=1,
            max_value=100,
            value=10,
            help="Each experiment flips n coins and counts the successes.",
        )
    else:
        size = bound(
            st.slider,
            "Successes to wait for k",
            key="mle_k",
            min_value=1,
            max_value=20,
            value=3,
            help="Each experiment flips until the k-th success and records the number of trials (at least k).",
        )
with m_col:
    m = bound(
        st.slider,
        "Experiments m",
        key="mle_m",
        min_value=1,
        max_value=500,
        value=20,
        help="How many independent experiments the estimate is based on.",
    )
seed = global_seed()
if source == "simulate":
    data = simulate_counts(kind, true_p, size, m, seed)
else:
    text = bound(
        st.text_input,
        "Observed counts" + (" (successes out of n)" if kind == "binomial" else " (trials until the k-th success)"),
        key=f"mle_counts_{kind}",
        value=exp.DEFAULT_COUNTS[kind],
        max_chars=20_000,
        help="Whole numbers separated by commas or spaces: one per experiment. The slider for "
        f"{exp.size_name(kind)} above applies; m is the number of counts you type.",
    )
    data = lib_call(mle.parse_counts, text)
estimate = None if data is None else lib_call(fit_binomial if kind == "binomial" else fit_negative, data, size)
experiment = exp.Experiment(kind, source, true_p, size, m, seed, data, estimate)

likelihood_section(experiment)
sampling_section(kind, true_p, size, m)
beta_negative_binomial_section()
cross_entropy_section(experiment)
black_box_section()
fit_data_section()
