"""Section 1 · Red bus, blue bus: the car's share before and after an identical bus appears, per model."""

import numpy as np
import streamlit as st

from lib import choice
from lib.viz.choice import share_bars
from pages._common import bound, chart, csv_download, global_seed, snippet

RED_BUS_DRAWS = 20_000  # probit draws behind the shares


@st.cache_data(max_entries=64, show_spinner=False)
def red_bus_view(v_car: float, v_bus: float, lam: float, rho: float, seed: int) -> dict:
    """The red-bus shares with the rows the chart draws, the car's shares and the zero-sum table."""
    shares = choice.red_bus_shares(v_car, v_bus, lam, rho, RED_BUS_DRAWS, seed)
    is_before = shares["scenario"] == "before"
    row = np.where(
        is_before,
        np.where(shares["model"].str.startswith("probit"), "before: probit", "before: logit (and nested)"),
        "after: " + shares["model"],
    )
    display = shares.assign(row=row).drop_duplicates(["row", "alternative"])
    car = shares[shares["alternative"] == "car"]
    return {
        "shares": shares,
        "display": display,
        "car_before": float(car[car["scenario"] == "before"]["share"].iloc[0]),
        "car_after": dict(
            zip(car[car["scenario"] == "after"]["model"], car[car["scenario"] == "after"]["share"], strict=True)
        ),
        "sources": choice.clone_sources(shares),
    }


@st.fragment
def red_bus_section(v_car: float, v_bus: float, rho: float) -> None:
    lam = bound(
        st.slider,
        "Nested logit λ",
        key="ch_lambda",
        min_value=0.05,
        max_value=1.0,
        value=0.5,
        step=0.05,
        help="Dissimilarity of the bus nest: 1 = independent errors (the logit), near 0 = the buses are the same.",
    )
    seed = global_seed()
    view = red_bus_view(v_car, v_bus, lam, rho, seed)
    chart(
        share_bars,
        view["display"],
        row="row",
        segment="alternative",
        share="share",
        title="Shares before and after an identical blue bus appears",
        cache_key=(v_car, v_bus, lam, rho, seed),
    )
    metrics = st.columns(4)
    for col, (model, after_car) in zip(metrics, view["car_after"].items(), strict=True):
        col.metric(
            f"P(car) after: {model}",
            f"{after_car:.4f}",
            delta=f"{100 * (after_car - view['car_before']):+.2f} pp",
            delta_color="off",
            help="The car's share once the blue bus exists; the change is against the logit's share before.",
        )
    identity_nested = choice.nested_logit_probabilities([0.0, 0.0, 0.0], [[0], [1, 2]], [1.0, lam])[0]
    st.caption(
        f"Check, equal utilities: the nested logit gives P(car) = {identity_nested:.6f} and 1/(1 + 2^λ) = "
        f"{choice.red_bus_car_share(lam):.6f} for λ = {lam:g} (1/3 for the logit, 1/2 as λ → 0)."
    )
    st.markdown("**Zero sum: where the blue bus's riders come from**")
    st.dataframe(view["sources"], hide_index=True)
    csv_download(view["shares"], "red_bus_blue_bus_shares.csv", "Download the shares (CSV)", key="ch_dl_shares")
    snippet(
        """
import numpy as np
from lib.choice import (
    clone_sources, mnl_probabilities, nested_logit_probabilities, probit_probabilities,
    red_bus_car_share, red_bus_covariance, red_bus_shares,
)

V = np.array([$v_car, $v_bus, $v_bus])  # car, red bus, blue bus
print(mnl_probabilities(V))
print(nested_logit_probabilities(V, [[0], [1, 2]], [1.0, $lam]))
print(probit_probabilities(V, np.pi**2 / 6 * red_bus_covariance($rho), n_draws=$draws, seed=$seed))
print(red_bus_car_share($lam))  # P(car) for equal utilities: 1 / (1 + 2**lam)

shares = red_bus_shares($v_car, $v_bus, $lam, $rho, n_draws=$draws, seed=$seed)  # every model, before and after
print(clone_sources(shares))  # zero sum: where the blue bus's riders come from
""",
        v_car=v_car,
        v_bus=v_bus,
        lam=lam,
        rho=rho,
        draws=RED_BUS_DRAWS,
        seed=seed,
    )
