"""The inputs two sections share: the service distribution (sections 1 and 4) and the fit target (3 and 4).

Their widgets run in the page entry, not in a fragment: changing one must rerun both sections that use it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from lib import queueing as q
from pages._common import bound, cached, lib_call

fit_fewest = cached(q.fit_two_moments)


@dataclass(frozen=True)
class Service:
    """The distribution built in section 1 and the Python expression that builds it (for the snippets)."""

    distribution: q.PhaseType | None  # None when the input is invalid (its error is already shown)
    ctor: str


@dataclass(frozen=True)
class FitTarget:
    """What section 3 matches: a mean and an SCV (from the sliders or an upload) and the fewest-phase fit."""

    mean: float
    scv: float
    times: np.ndarray | None  # the uploaded service times, when a valid file is loaded
    fit: q.PhaseType | None  # None when the target cannot be fitted (its error is already shown)


def numbers(text: str, name: str) -> list[float] | None:
    values = lib_call(q.parse_vector, text, name)
    return None if values is None else values.tolist()


def exponential_inputs(left: DeltaGenerator, right: DeltaGenerator) -> Service:
    with left:
        rate = bound(
            st.slider,
            "Rate μ",
            key="q_exp_rate",
            min_value=0.1,
            max_value=10.0,
            value=1.5,
            step=0.1,
            help="Services completed per minute; the mean service time is 1/μ.",
        )
    return Service(lib_call(q.exponential, rate), f"q.exponential({rate!r})")


def erlang_inputs(left: DeltaGenerator, right: DeltaGenerator) -> Service:
    with left:
        k = bound(
            st.slider,
            "Phases k",
            key="q_erl_k",
            min_value=1,
            max_value=20,
            value=3,
            help="Identical phases in series; the SCV is 1/k.",
        )
    with right:
        rate = bound(
            st.slider,
            "Rate per phase μ",
            key="q_erl_rate",
            min_value=0.1,
            max_value=20.0,
            value=4.0,
            step=0.1,
            help="Every phase runs at this rate; the mean is k/μ.",
        )
    return Service(lib_call(q.erlang, k, rate), f"q.erlang({k!r}, {rate!r})")


def hypoexponential_inputs(left: DeltaGenerator, right: DeltaGenerator) -> Service:
    with left:
        text = bound(
            st.text_input,
            "Rates in series",
            key="q_hypo_rates",
            value="2, 3",
            max_chars=200,
            help="One rate per phase, e.g. 2, 3 (hair-cut, then shampoo). Equal rates are fine.",
        )
    rates = numbers(text, "the rates")
    service = None if rates is None else lib_call(q.hypoexponential, rates)
    return Service(service, f"q.hypoexponential({rates!r})")


def hyperexponential_inputs(left: DeltaGenerator, right: DeltaGenerator) -> Service:
    with left:
        text_p = bound(
            st.text_input,
            "Branch probabilities",
            key="q_hyper_probs",
            value="0.4, 0.6",
            max_chars=200,
            help="Probability of taking each branch; they must sum to 1.",
        )
    with right:
        text_r = bound(
            st.text_input,
            "Branch rates",
            key="q_hyper_rates",
            value="0.8, 4",
            max_chars=200,
            help="The exponential rate of each branch, in the same order.",
        )
    probs, rates = numbers(text_p, "the branch probabilities"), numbers(text_r, "the branch rates")
    service = None if probs is None or rates is None else lib_call(q.hyperexponential, probs, rates)
    return Service(service, f"q.hyperexponential({probs!r}, {rates!r})")


def coxian_inputs(left: DeltaGenerator, right: DeltaGenerator) -> Service:
    with left:
        text_r = bound(
            st.text_input,
            "Phase rates",
            key="q_cox_rates",
            value="3, 2, 4",
            max_chars=200,
            help="One rate per phase, k phases in order.",
        )
    with right:
        text_c = bound(
            st.text_input,
            "Continue probabilities",
            key="q_cox_cont",
            value="0.6, 0.5",
            max_chars=200,
            help="k − 1 probabilities of going on to the next phase (Ciw's exit probability is 1 − this).",
        )
    rates, cont = numbers(text_r, "the phase rates"), numbers(text_c, "the continue probabilities")
    service = None if rates is None or cont is None else lib_call(q.coxian, rates, cont)
    return Service(service, f"q.coxian({rates!r}, {cont!r})")


def phase_type_inputs(left: DeltaGenerator, right: DeltaGenerator) -> Service:
    with left:
        text_a = bound(
            st.text_input,
            "Initial probabilities α",
            key="q_ph_alpha",
            value="0.7, 0.2, 0.1",
            max_chars=200,
            help="Where service starts; at most 1 in total (the rest is an atom at zero).",
        )
    with right:
        text_s = bound(
            st.text_input,
            "Sub-generator S",
            key="q_ph_S",
            value="-6 2 0; 0 -3 3; 1 0 -5",
            max_chars=400,
            help="Rows separated by ';'. Negative diagonal, non-negative elsewhere, rows summing to ≤ 0.",
        )
    alpha = numbers(text_a, "α")
    matrix = lib_call(q.parse_matrix, text_s, "S")
    S = None if matrix is None else matrix.tolist()
    service = None if alpha is None or S is None else lib_call(q.PhaseType, alpha, S)
    return Service(service, f"q.PhaseType({alpha!r}, {S!r})")


# Each family's inputs, in the order of the selectbox; each gets the two columns to place its widgets in.
FAMILY_INPUTS: dict[str, Callable[[DeltaGenerator, DeltaGenerator], Service]] = {
    "Exponential": exponential_inputs,
    "Erlang": erlang_inputs,
    "Hypo-exponential": hypoexponential_inputs,
    "Hyper-exponential": hyperexponential_inputs,
    "Coxian": coxian_inputs,
    "General phase-type (α, S)": phase_type_inputs,
}
FAMILIES = tuple(FAMILY_INPUTS)


def service_inputs() -> Service:
    """The family selectbox and the chosen family's inputs, parsed into a phase-type distribution."""
    family = bound(
        st.selectbox,
        "Family",
        key="q_family",
        options=FAMILIES,
        index=FAMILIES.index("Coxian"),
        help="How the exponential phases are wired: one phase, in series, in parallel, Coxian, or any (α, S).",
    )
    left, right = st.columns(2)
    return FAMILY_INPUTS[family](left, right)


def fit_target_inputs() -> FitTarget:
    """The target mean and SCV (sliders, or the moments of an uploaded CSV) and the fewest-phase fit to them."""
    m1_col, m2_col = st.columns(2)
    with m1_col:
        target_mean = bound(
            st.slider,
            "Target mean",
            key="q_fit_mean",
            min_value=0.1,
            max_value=10.0,
            value=1.0,
            step=0.1,
            help="The mean service time to match (min).",
        )
    with m2_col:
        target_scv = bound(
            st.slider,
            "Target SCV",
            key="q_fit_scv",
            min_value=0.05,
            max_value=5.0,
            value=0.7,
            step=0.05,
            help="Variance / mean². Below 1 needs phases in series (n ≥ 1/SCV); above 1 a mixture.",
        )
    uploaded = st.file_uploader(
        "…or fit service times you measured (CSV)",
        type=["csv"],
        key="q_upload",
        help="One service time per row: a column named service_time, or the first column. Overrides the sliders.",
    )
    times = None
    if uploaded is not None:
        times = lib_call(q.read_service_times, uploaded.getvalue())
        moments = None if times is None else lib_call(q.sample_moments, times)
        if moments is None:
            times = None
        else:
            target_mean, target_scv = moments
            st.caption(
                f"Fitting {times.size:,} uploaded service times: mean {target_mean:.4g}, SCV {target_scv:.4g} "
                "(the sliders are ignored while a file is loaded)."
            )
    return FitTarget(target_mean, target_scv, times, lib_call(fit_fewest, target_mean, target_scv))
