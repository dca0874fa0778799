"""Section 4 · Probit probabilities by simulation: GHK and the frequency simulator against the integral."""

import numpy as np
import streamlit as st

from lib import choice
from lib.viz.choice import convergence_chart
from pages._common import bound, cached, chart, global_seed, snippet

SIMULATORS = {"ghk": "GHK", "frequency": "frequency (count the winners)"}

convergence = cached(choice.probit_convergence)
integrated = cached(choice.probit_probabilities_integrated)


@st.fragment
def probit_section(v_car: float, v_bus: float, rho: float) -> None:
    st.header("4 · Probit probabilities by simulation")
    draws = bound(
        st.slider,
        "Simulation draws",
        key="ch_draws",
        min_value=10,
        max_value=100_000,
        value=2000,
        step=10,
        help="Simulation draws for the probit; the curves show estimates from 10 draws up to this many, by GHK "
        "and by the crude frequency simulator.",
    )
    seed = global_seed()
    V_after = np.array([v_car, v_bus, v_bus])
    cov = choice.LOGIT_ERROR_VARIANCE * choice.red_bus_covariance(rho)
    path = convergence(V_after, cov, draws, seed)
    reference = integrated(V_after, cov)
    labels = np.array(choice.RED_BUS_ALTERNATIVES)
    path = path.assign(
        alternative=labels[path["alternative"]],
        reference=reference[path["alternative"]],
        simulator=path["method"].map(SIMULATORS),
    ).drop(columns="method")
    chart(
        convergence_chart,
        path,
        x="draws",
        y="probability",
        color="alternative",
        reference="reference",
        dash="simulator",
        x_title="draws (log scale)",
        y_title="simulated probability",
        title=f"Probit, car / red bus / blue bus (ρ = {rho:g}): GHK settles on the integrated value (grey) long "
        "before counting winners does",
        cache_key=(v_car, v_bus, rho, draws, seed),
    )
    final = path[(path["draws"] == path["draws"].max()) & (path["simulator"] == "GHK")]
    probit_cols = st.columns(3)
    for col, row in zip(probit_cols, final.itertuples(), strict=True):
        col.metric(
            f"P({row.alternative}) with {row.draws:,} draws",
            f"{row.probability:.4f}",
            delta=f"{row.probability - row.reference:+.5f} vs integrated {row.reference:.4f}",
            delta_color="off",
            help="GHK estimate, rescaled so the three add up to 1; the delta is its distance to the probability "
            "integrated numerically (the multivariate normal cdf of the utility differences).",
        )
    binary = choice.probit_binary_exact(v_car, v_bus, choice.LOGIT_ERROR_VARIANCE * np.eye(2))
    logit_car = choice.mnl_probabilities([v_car, v_bus])[0]  # the logit's P(car) before the clone
    st.caption(
        f"Before the clone there are two alternatives and the probit is exact: P(car) = Φ((V_car − V_bus) / "
        f"√(π²/3)) = {binary:.4f}, against the logit's {logit_car:.4f}."
    )
    snippet(
        """
import numpy as np
from lib.choice import (
    LOGIT_ERROR_VARIANCE, probit_binary_exact, probit_convergence, probit_probabilities_integrated,
    red_bus_covariance,
)

V = np.array([$v_car, $v_bus, $v_bus])  # car, red bus, blue bus
cov = LOGIT_ERROR_VARIANCE * red_bus_covariance($rho)  # π²/6: the logit's error variance
path = probit_convergence(V, cov, $draws, seed=$seed)  # GHK and frequency, 10 draws up to $draws
print(path[path.draws == path.draws.max()])
print(probit_probabilities_integrated(V, cov))
print(probit_binary_exact($v_car, $v_bus, LOGIT_ERROR_VARIANCE * np.eye(2)))  # before the clone: exact
""",
        v_car=v_car,
        v_bus=v_bus,
        rho=rho,
        draws=draws,
        seed=seed,
    )
