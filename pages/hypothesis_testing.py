"""Hypothesis testing: α, β, power and the p-value as areas; is the coin fair, five ways; power; the bootstrap;
A/B tests and t-tests; G*Power's analyses; StatKey's randomisation test."""

import streamlit as st

from pages._common import bound, note, page_header, prose
from pages.hypothesis import formatting
from pages.hypothesis.ab_test import ab_test_section
from pages.hypothesis.bootstrap import bootstrap_section
from pages.hypothesis.coin import coin_section
from pages.hypothesis.gpower import gpower_section
from pages.hypothesis.picture import picture_section
from pages.hypothesis.power import power_section
from pages.hypothesis.randomisation import randomisation_section

page_header(
    "Hypothesis testing",
    "α, β, power and the p-value are areas under two curves: what p̂ = k/n looks like if the coin is fair "
    "(H0) and if it is not (H1). Below, those areas move with the sliders; then one set of flips is tested "
    "five ways (two CLT z-tests, the exact binomial test under two rules, and a Bayes factor, drawn as JASP "
    "does), power and sample size are computed and checked by simulation, and bootstrap intervals are built and "
    "put to a coverage test. Then two groups: an A/B test of proportions and t-tests with effect sizes, every "
    "G*Power analysis, and StatKey's randomisation test beside the t-test.",
)
with note():
    prose(formatting.__file__, "note.md")

# Section 1's test is shared: section 2 tests the coin at its α and alternative, section 3 computes its power.
st.header("1 · The picture of a test")
c1, c2, c3 = st.columns(3)
with c1:
    p0 = bound(
        st.slider,
        "Null proportion p0",
        key="ht_p0",
        min_value=0.05,
        max_value=0.95,
        value=0.5,
        step=0.01,
        help="H0: P(heads) = p0. A fair coin is p0 = 0.5.",
    )
    p1 = bound(
        st.slider,
        "True proportion p1 (under H1)",
        key="ht_p1",
        min_value=0.01,
        max_value=0.99,
        value=0.6,
        step=0.01,
        help="The coin's P(heads) if H0 is wrong: power and β are computed against this value.",
    )
with c2:
    n = bound(
        st.slider,
        "Number of flips n",
        key="ht_n",
        min_value=5,
        max_value=2000,
        value=100,
        step=1,
        help="Sample size. The sampling distributions of p̂ narrow like 1/√n.",
    )
    alpha = bound(
        st.slider,
        "Significance level α",
        key="ht_alpha",
        min_value=0.001,
        max_value=0.2,
        value=0.05,
        step=0.001,
        format="%.3f",
        help="The type-1 error rate accepted before testing: P(reject H0 | H0 true).",
    )
with c3:
    alternative = bound(
        st.selectbox,
        "Alternative",
        key="ht_alternative",
        options=list(formatting.SIDES),
        format_func=formatting.SIDES.get,
        help="Which departures from p0 count as evidence: either side, or one side only.",
    )

picture_section(p0, p1, n, alpha, alternative)
coin_section(alpha, alternative)
power_section(p0, p1, n, alpha, alternative)
bootstrap_section()
ab_test_section(alpha)
gpower_section()
randomisation_section()
