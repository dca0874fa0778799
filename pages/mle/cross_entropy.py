"""Section 4 · Maximum likelihood = minimum cross-entropy, on panel 1's data."""

import numpy as np
import pandas as pd
import streamlit as st

from lib import mle
from lib.viz.mle import cross_entropy_chart
from pages._common import chart, snippet
from pages.mle.experiment import Experiment

SNIPPET = """
import numpy as np
from lib import mle

# 4. Panel 1's data: the mean negative log-likelihood is the cross-entropy plus a constant
$fit
q, total = est.value, est.successes + est.failures
p = np.linspace(0.002, 0.998, 250)
gap = -est.loglik_at(p) / total - mle.cross_entropy(q, p)  # the same at every p: -constant / N
print(q, gap.min(), gap.max(), mle.cross_entropy(q, q))
"""


@st.fragment
def cross_entropy_section(experiment: Experiment) -> None:
    st.header("4 · Maximum likelihood = minimum cross-entropy")
    estimate = experiment.estimate
    if estimate is None:
        st.info("Enter valid counts in panel 1 to see their cross-entropy curve.")
        return
    total = estimate.successes + estimate.failures
    q = estimate.value
    ce_grid = np.linspace(0.002, 0.998, 250)
    ce = mle.cross_entropy(q, ce_grid)
    nll = -estimate.loglik_at(ce_grid) / total
    ce_curve = pd.concat(
        [
            pd.DataFrame({"p": ce_grid, "nats": ce, "curve": "cross-entropy H(q̂, p)"}),
            pd.DataFrame({"p": ce_grid, "nats": nll, "curve": "−ℓ(p)/N (mean negative log-likelihood)"}),
        ]
    )
    entropy = float(mle.cross_entropy(q, q))
    chart(
        cross_entropy_chart,
        ce_curve,
        q=q,
        entropy=entropy,
        title=f"Panel 1's data: q̂ = {q:.4f} observed success frequency over N = {total:,} trials",
    )
    shift = -estimate.constant / total
    st.markdown(
        f"The two curves differ by the constant {shift:+.5f} nats (the log binomial coefficients over N), so they have "
        f"the same minimiser, p = q̂ = p̂ = {q:.4f}, where the cross-entropy equals the entropy H(q̂) = {entropy:.5f} "
        "nats. Above it, H(q̂, p) − H(q̂) = KL(q̂ ‖ p): fitting by maximum likelihood minimises the KL divergence "
        "from the data's distribution to the model."
    )
    snippet(SNIPPET.replace("$fit", experiment.fit_code()))  # lines of code, not values: put in as they are
