"""Section 6 · Score functions: the exact conditional score of a two-class mixture, and Langevin samples on it."""

import numpy as np
import pandas as pd
import streamlit as st

from lib import information as info
from lib.viz.information import score_field_chart
from pages._common import bound, cached, chart, csv_download, global_seed, lib_call, prose, snippet

# The mixture: two classes, two Gaussian components each (means (4, 2), covariances (4, 2, 2)).
MEANS = ((-2.5, -1.0), (-1.5, 2.0), (2.5, -1.5), (1.5, 1.5))
COVS = (((0.6, 0.2), (0.2, 0.4)), ((0.4, 0.0), (0.0, 0.7)), ((0.5, -0.2), (-0.2, 0.5)), ((0.7, 0.3), (0.3, 0.5)))
WEIGHTS = (0.25, 0.25, 0.25, 0.25)
LABELS = ("A", "A", "B", "B")
GRID = np.linspace(-5.0, 5.0, 17)  # arrows on a 17 × 17 grid
START_SPREAD = 3.0  # the particles start from N(0, 3² I)


@cached
def field(y: str, guidance: float) -> pd.DataFrame:
    """Arrows of the guided score on GRID: length grows with |s| and saturates below one grid cell."""
    xx, yy = np.meshgrid(GRID, GRID)
    points = np.stack([xx.ravel(), yy.ravel()], axis=1)  # (289, 2)
    s = info.guided_score_function(MEANS, COVS, WEIGHTS, LABELS, y, guidance)(points)
    magnitude = np.linalg.norm(s, axis=1)
    cell = GRID[1] - GRID[0]
    length = 0.85 * cell * magnitude / (1 + magnitude)
    unit = s / np.maximum(magnitude, 1e-12)[:, None]
    end = points + unit * length[:, None]
    return pd.DataFrame(
        {
            "x": points[:, 0],
            "y": points[:, 1],
            "x_end": end[:, 0],
            "y_end": end[:, 1],
            "magnitude": magnitude,
            "angle": np.degrees(np.arctan2(unit[:, 0], unit[:, 1])),  # clockwise from up
        }
    )


@cached
def langevin(y: str, guidance: float, step: float, n_steps: int, n_particles: int, seed: int) -> pd.DataFrame:
    """Final Langevin samples (n_particles rows) following the guided score from N(0, 3² I), and their class."""
    x0 = START_SPREAD * np.random.default_rng(seed).standard_normal((n_particles, 2))
    score = info.guided_score_function(MEANS, COVS, WEIGHTS, LABELS, y, guidance)
    x = info.langevin_sample(score, x0, step, n_steps, seed + 1)
    return pd.DataFrame({"x1": x[:, 0], "x2": x[:, 1], "nearest class": nearest_class(x)})


def exact_moments(y: str) -> tuple[np.ndarray, np.ndarray]:
    """Mean and covariance of p(x | y), in closed form."""
    idx = [i for i, label in enumerate(LABELS) if label == y]
    w = np.array(WEIGHTS)[idx] / np.sum(np.array(WEIGHTS)[idx])
    mu, cov = np.array(MEANS)[idx], np.array(COVS)[idx]
    mean = w @ mu
    spread = sum(wk * (ck + np.outer(mk - mean, mk - mean)) for wk, mk, ck in zip(w, mu, cov, strict=True))
    return mean, spread


def nearest_class(x: np.ndarray) -> np.ndarray:
    """The class of the component with the largest responsibility at each sample."""
    labels = np.array(LABELS)
    per_class = {
        c: info.gaussian_mixture_log_density(
            x, np.array(MEANS)[labels == c], np.array(COVS)[labels == c], np.full((labels == c).sum(), 0.5)
        )
        for c in ("A", "B")
    }
    return np.where(per_class["A"] >= per_class["B"], "A", "B")


@st.fragment
def score_section() -> None:
    st.header("6 · Score functions")
    prose(__file__, "score.md")
    cols = st.columns(5)
    with cols[0]:
        y = bound(
            st.selectbox, "Class y", key="ii_class", options=["A", "B"], help="The class the samples are guided to."
        )
    with cols[1]:
        guidance = bound(
            st.slider, "Guidance γ", key="ii_guidance", min_value=0.0, max_value=5.0, value=1.0, step=0.1,
            help="0: unconditional p(x); 1: the conditional p(x | y); above 1: pushed further from the other class.",
        )  # fmt: skip
    with cols[2]:
        step = bound(
            st.slider, "Step h", key="ii_step", min_value=0.001, max_value=0.1, value=0.01, step=0.001,
            help="Langevin step size: smaller is more exact, larger moves faster.",
        )  # fmt: skip
    with cols[3]:
        n_steps = bound(
            st.slider, "Steps", key="ii_lsteps", min_value=0, max_value=2000, value=500, step=50,
            help="Langevin steps from the starting cloud N(0, 3² I).",
        )  # fmt: skip
    with cols[4]:
        n_particles = bound(
            st.slider, "Particles", key="ii_particles", min_value=50, max_value=2000, value=400, step=50,
            help="Independent chains run side by side.",
        )  # fmt: skip
    seed = global_seed()
    with st.spinner("Running Langevin…"):
        samples = lib_call(langevin, y, guidance, step, n_steps, n_particles, seed)
    if samples is None:
        return
    arrows = field(y, guidance)
    classes = samples["nearest class"].to_numpy()
    chart(
        score_field_chart,
        arrows,
        pd.DataFrame({"x": samples["x1"], "y": samples["x2"], "group": "nearest class " + samples["nearest class"]}),
        cache_key=(y, guidance, step, n_steps, n_particles, seed),
        title=f"Arrows: the guided score toward class {y} (γ = {guidance:g}); dots: samples after {n_steps} steps",
    )
    mean, cov = exact_moments(y)
    share = float(np.mean(classes == y))
    metric_cols = st.columns(3)
    metric_cols[0].metric(f"Samples nearest class {y}", f"{share:.1%}", help="Share whose most likely class is y.")
    metric_cols[1].metric(
        "Sample mean", f"({samples['x1'].mean():.2f}, {samples['x2'].mean():.2f})", help="Mean of the final samples."
    )
    metric_cols[2].metric(
        f"Exact mean of p(x | {y})", f"({mean[0]:.2f}, {mean[1]:.2f})", help="What the sample mean approaches at γ = 1."
    )
    st.caption(
        f"At γ = 1 the samples follow p(x | {y}): mean ({mean[0]:.2f}, {mean[1]:.2f}), variances "
        f"({cov[0, 0]:.2f}, {cov[1, 1]:.2f}). Few steps or a tiny step leave them near the start; the O(h) bias of "
        "unadjusted Langevin grows with h. The arrows are drawn shorter than |s| (they saturate at one grid cell)."
    )
    csv_download(
        samples,
        "langevin_samples.csv",
        "Download the samples (CSV)",
        key="ii_dl_samples",
    )
    csv_download(arrows, "score_field.csv", "Download the score field (CSV)", key="ii_dl_field")
    snippet(
        """
import numpy as np
from lib.information import guided_score_function, langevin_sample

means, covs, weights, labels = $means, $covs, $weights, $labels
score = guided_score_function(means, covs, weights, labels, y=$y, guidance=$guidance)
x0 = $spread * np.random.default_rng($seed).standard_normal(($n_particles, 2))
x = langevin_sample(score, x0, step=$step, n_steps=$n_steps, seed=$seed + 1)
print(x.mean(axis=0), np.cov(x.T))
""",
        means=[list(m) for m in MEANS],
        covs=[[list(r) for r in c] for c in COVS],
        weights=list(WEIGHTS),
        labels=list(LABELS),
        y=y,
        guidance=guidance,
        spread=START_SPREAD,
        seed=seed,
        n_particles=n_particles,
        step=step,
        n_steps=n_steps,
    )
