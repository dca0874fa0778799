"""Section 1 · The picture of a test: α, β, power and the p-value as areas under the H0 and H1 curves."""

import streamlit as st

from lib import hypothesis as ht
from lib.viz.hypothesis import exact_pmf_chart, sampling_picture_chart
from pages._common import bound, cached, chart, snippet
from pages.hypothesis.formatting import fmt_p, verdict

picture = cached(ht.sampling_picture)
exact_picture = cached(ht.exact_picture)


@st.cache_data(max_entries=64, show_spinner=False)
def draw_test_picture(p0: float, p1: float, n: int, alpha: float, alternative: str, observed: float) -> None:
    """Section 1's figures, metrics and caption (replayed from the cache)."""
    pic = picture(p0, p1, n, alpha, alternative, observed)
    critical = [c for c in (pic.critical_low, pic.critical_high) if c is not None]
    chart(
        sampling_picture_chart,
        pic.curves,
        critical=critical,
        observed=observed,
        title=f"Sampling distributions of p̂ with n = {n}: H0 (p = {p0}) and H1 (p = {p1})",
    )
    exact_power = ht.power_proportion(p0, p1, n, alpha, alternative, test="exact")
    exact_size = ht.power_proportion(p0, p0, n, alpha, alternative, test="exact")
    m = st.columns(5)
    m[0].metric("α (chosen)", f"{alpha:.3f}", help="Red area: the H0 curve beyond the critical value(s).")
    m[1].metric("β", f"{pic.beta:.4f}", help="Orange area: the H1 curve inside the keep region (normal approximation).")
    m[2].metric("Power 1 − β", f"{pic.power:.4f}", help="Green area: the H1 curve in the rejection region.")
    m[3].metric("p-value of p̂", fmt_p(pic.pvalue), help=f"Score z-test, z = {pic.z:.3f}; purple area.")
    m[4].metric("Exact test: power", f"{exact_power:.4f}", help="Σ Binomial(k; n, p1) over the exact rejection region.")
    crit_text = " and ".join(f"{c:.4f}" for c in critical)
    st.caption(
        f"The z-test rejects when p̂ is beyond {crit_text}. At p̂ = {observed:.2f}: z = {pic.z:.3f}, "
        f"p-value = {fmt_p(pic.pvalue)} → **{verdict(pic.pvalue, alpha)}** at α = {alpha:.3f}. The exact binomial "
        f"test's actual size at n = {n} is {exact_size:.4f} (≤ α = {alpha:.3f}), its power {exact_power:.4f}."
    )
    chart(
        exact_pmf_chart,
        exact_picture(p0, p1, n, alpha, alternative),
        title="The same test, exactly: Binomial pmfs of K under H0 and H1 (solid bars: the exact test rejects)",
    )


@st.fragment
def picture_section(p0: float, p1: float, n: int, alpha: float, alternative: str) -> None:
    # The header and the test's widgets are in the page entry: sections 2 and 3 use the same test.
    with st.columns(3)[2]:  # under the alternative, where it stood beside the test's widgets
        observed = bound(
            st.slider,
            "Observed p̂ = k / n",
            key="ht_observed",
            min_value=0.0,
            max_value=1.0,
            value=0.58,
            step=0.01,
            help="A sample proportion to test: its p-value is the shaded H0 area at least this extreme.",
        )
    draw_test_picture(p0, p1, n, alpha, alternative, observed)
    snippet(
        """
from lib.hypothesis import power_proportion

# The picture: power of the z-test (normal formula) and of the exact test
print(power_proportion($p0, $p1, $n, $alpha, $alternative, test="z"))
print(power_proportion($p0, $p1, $n, $alpha, $alternative, test="exact"))
""",
        p0=p0,
        p1=p1,
        n=n,
        alpha=alpha,
        alternative=alternative,
    )
