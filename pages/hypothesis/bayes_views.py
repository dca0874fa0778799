"""Section 2's JASP-style views of the Bayes factor: prior and posterior together, BF01 flip by flip, robustness."""

import numpy as np
import pandas as pd
import streamlit as st

from lib import hypothesis as ht
from lib.viz import line_chart
from pages._common import chart

MAX_PATH_POINTS = 2000  # the sequential BF is thinned to this many points


@st.cache_data(max_entries=64, show_spinner=False)
def jasp_views(k: int, n: int, flips: np.ndarray | None, p0: float, a: float, b: float) -> None:
    """The three charts (replayed from the cache); ``flips`` in order, or None for a bare count."""
    st.subheader("The Bayes factor as JASP draws it")
    grid = ht.beta_prior_posterior(k, n, a, b)
    densities = pd.DataFrame(
        {
            "p": np.tile(grid[:, 0], 2),
            "density": np.concatenate([grid[:, 1], grid[:, 2]]),
            "curve": np.repeat([f"prior Beta({a:g}, {b:g})", f"posterior Beta({a + k:g}, {b + n - k:g})"], len(grid)),
        }
    )
    concentrations, robust = ht.bf01_robustness(k, n, p0)
    width = pd.DataFrame(
        {"prior sd of p": np.sqrt(p0 * (1 - p0) / (concentrations + 1)), "BF01": robust, "curve": "BF01"}
    )
    c1, c2, c3 = st.columns(3)
    with c1:
        chart(
            line_chart,
            densities,
            x="p",
            y="density",
            color="curve",
            x_title="p = P(heads)",
            y_title="density",
            title="Prior and posterior under H1",
        )
    with c2:
        if flips is None:
            st.info("The sequential Bayes factor needs the flips in order; a bare count has none.")
        else:
            path = ht.sequential_bf01(flips, p0, a, b)
            keep = np.unique(np.linspace(0, path.size - 1, min(path.size, MAX_PATH_POINTS)).round().astype(int))
            frame = pd.DataFrame({"flips seen": keep + 1, "BF01": path[keep], "curve": "BF01"})
            chart(
                line_chart,
                frame,
                x="flips seen",
                y="BF01",
                color="curve",
                x_title="flips seen",
                y_title="BF01",
                log_y=True,
                rules={"BF01": 1.0},
                title="Sequential BF01 as the flips arrive (1: no evidence)",
            )
    with c3:
        chart(
            line_chart,
            width,
            x="prior sd of p",
            y="BF01",
            color="curve",
            x_title="prior sd of p under H1",
            y_title="BF01",
            log_y=True,
            rules={"BF01": 1.0},
            title=f"Robustness: Beta(c·{p0:g}, c·{1 - p0:g}) priors",
        )
    st.caption(
        "Left: the posterior is the prior updated by the flips. Middle: BF01 > 1 favours H0 (p = p0), < 1 favours H1; "
        "it settles as evidence accumulates. Right: the same data under priors centred on p0 of every width; a wide "
        "prior spreads H1's mass over values the data rule out, which favours H0 (Lindley's paradox in miniature)."
    )
