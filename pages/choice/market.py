"""Section 2 · Build a market from attributes and tastes: logit shares, what-if scenarios, elasticities, WTP."""

import numpy as np
import pandas as pd
import streamlit as st

from lib import choice
from lib.viz import heatmap
from lib.viz.choice import share_bars
from pages._common import bound, cached, chart, csv_download, lib_call, snippet

ATTRIBUTES = ("price", "time", "comfort")
FIT_FOR_MARKET = "ch_fit_for_market"  # session state: (names, params) of the last CSV fit, set by section 3b

scenarios = cached(choice.market_scenarios)
parse_market = cached(choice.parse_market)
elasticity_matrix = cached(choice.elasticities)


def estimated_tastes(sliders: np.ndarray) -> np.ndarray | None:
    """The sliders' β with the coefficients of the last CSV fit (section 3b) in their place; None after an error."""
    fitted = st.session_state.get(FIT_FOR_MARKET)
    if fitted is None:
        st.info("No CSV fitted yet: upload one in section 3b, then switch this on again. The sliders are used.")
        return sliders
    names, params = fitted
    beta = lib_call(choice.tastes_from_fit, names, params, ATTRIBUTES, sliders)
    if beta is not None:
        taken = ", ".join(f"β {a} = {b:.4g}" for a, b in zip(ATTRIBUTES, beta, strict=True) if a in names)
        st.caption(f"From your CSV's conditional logit: {taken}.")
    return beta


@st.fragment
def market_section() -> None:
    st.header("2 · Build a market from attributes and tastes")
    market_text = bound(
        st.text_input,
        "Alternatives: name: price, time, comfort; …",
        key="ch_market",
        value="car: 6, 30, 1; bus: 2, 50, 0; train: 4, 35, 1",
        max_chars=300,
        help="Two to eight alternatives separated by semicolons, each with its price (€), travel time (minutes) "
        "and comfort (0 to 1).",
    )
    use_fit = bound(
        st.toggle,
        "Use the estimated coefficients",
        key="ch_use_fit",
        value=False,
        help="Take β price, time and comfort from the conditional logit fitted to your CSV in section 3b (the "
        "coefficients it has, in the same units: € and minutes); the sliders give the others. Read when this "
        "section reruns: after a new fit, switch it off and on.",
    )
    b_price_col, b_time_col, b_comfort_col = st.columns(3)
    with b_price_col:
        b_price = bound(
            st.slider,
            "β price (per €)",
            key="ch_b_price",
            min_value=-1.0,
            max_value=-0.01,
            value=-0.3,
            step=0.01,
            help="Taste for price: utility lost per euro. Negative: dearer is worse.",
        )
    with b_time_col:
        b_time = bound(
            st.slider,
            "β time (per minute)",
            key="ch_b_time",
            min_value=-0.1,
            max_value=0.0,
            value=-0.04,
            step=0.005,
            help="Utility lost per minute of travel time.",
        )
    with b_comfort_col:
        b_comfort = bound(
            st.slider,
            "β comfort",
            key="ch_b_comfort",
            min_value=-1.0,
            max_value=2.0,
            value=0.5,
            step=0.1,
            help="Utility of comfort (0 = none, 1 = full).",
        )
    market = lib_call(parse_market, market_text, ATTRIBUTES)
    if market is None:
        return
    names, X_market = market
    beta = np.array([b_price, b_time, b_comfort])
    if use_fit:
        beta = estimated_tastes(beta)
        if beta is None:
            return
    b_price, b_time, b_comfort = (float(b) for b in beta)
    change_col, factor_col, new_col = st.columns(3)
    with change_col:
        changed = bound(
            st.selectbox,
            "Change the price of",
            key="ch_change_alt",
            options=list(names),
            help="The alternative whose price moves in the what-if scenario.",
        )
    with factor_col:
        change_pct = bound(
            st.slider,
            "Price change (%)",
            key="ch_price_change",
            min_value=-50,
            max_value=100,
            value=20,
            step=5,
            help="How much that alternative's price changes in the what-if scenario.",
        )
    with new_col:
        new_text = bound(
            st.text_input,
            "New product (name: price, time, comfort; empty for none)",
            key="ch_new",
            value="express: 5, 25, 1",
            max_chars=80,
            help="A product that joins the market in the last scenario.",
        )
    new_product = lib_call(parse_market, new_text, ATTRIBUTES, 1) if new_text.strip() else None
    new_name, new_x = (new_product[0][0], new_product[1][0]) if new_product else (None, None)
    changed_index = list(names).index(changed) if changed in names else 0
    price_factor = 1 + change_pct / 100
    market_shares = lib_call(scenarios, names, X_market, beta, changed_index, price_factor, new_name, new_x)
    if market_shares is not None:
        chart(
            share_bars,
            market_shares,
            row="scenario",
            segment="alternative",
            share="share",
            title="Logit shares today, after the price change and with the new product",
            cache_key=(market_text, b_price, b_time, b_comfort, changed, change_pct, new_text),
        )
        st.caption(
            "Under the logit, a new product takes the same fraction of every alternative's share (IIA), "
            "however similar it is to each of them."
        )
    E = elasticity_matrix(X_market, beta, 0)
    wtp = choice.willingness_to_pay(beta, ATTRIBUTES, "price")
    heat_col, wtp_col = st.columns([3, 2])
    with heat_col:
        chart(
            heatmap,
            E,
            list(names),
            list(names),
            x_title="price of",
            y_title="share of",
            value_title="elasticity",
            fmt=".3f",
            title="Price elasticities: % change in each share per 1 % change in each price",
            cache_key=(market_text, b_price, b_time, b_comfort),
        )
    with wtp_col:
        value_of_time = 60 * b_time / b_price
        st.metric(
            "Value of time",
            f"€{value_of_time:.2f} per hour",
            help="β_time / β_price × 60: what a traveller pays to save an hour.",
        )
        st.markdown("**Willingness to pay** for one more unit: −β / β_price")
        st.dataframe(wtp, hide_index=True)
        st.caption(
            "Own elasticities are on the diagonal; under the logit every cross-elasticity in a column is the "
            "same: a price change shifts demand proportionally from every other alternative."
        )
    csv_download(
        pd.DataFrame(E, index=list(names), columns=list(names)).reset_index(names="share of"),
        "price_elasticities.csv",
        "Download the elasticities (CSV)",
        key="ch_dl_elasticities",
    )
    if market_shares is None:
        return  # the scenarios were refused (one error above): there is nothing to reproduce
    snippet(
        """
import numpy as np
from lib.choice import elasticities, market_scenarios, parse_market, willingness_to_pay

attributes = $attributes
names, X = parse_market($market_text, attributes)
beta = np.array([$b_price, $b_time, $b_comfort])  # per €, per minute, comfort
print(market_scenarios(names, X, beta, $changed, $price_factor, new_name=$new_name, new_x=$new_x))
print(elasticities(X, beta, 0))  # price elasticities: row = share of, column = price of
print(willingness_to_pay(beta, attributes, "price"))
print(60 * beta[1] / beta[0])  # value of time, € per hour
""",
        attributes=list(ATTRIBUTES),
        market_text=market_text,
        b_price=b_price,
        b_time=b_time,
        b_comfort=b_comfort,
        changed=changed_index,
        price_factor=price_factor,
        new_name=new_name,
        new_x=None if new_x is None else [float(v) for v in new_x],
    )
