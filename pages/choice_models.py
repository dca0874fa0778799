"""Choice models: the red bus / blue bus paradox, a utility builder, estimation from data, the probit, and the
mixed logit."""

import streamlit as st

from pages._common import bound, note, page_header, prose
from pages.choice import formatting
from pages.choice.market import market_section
from pages.choice.mixed import mixed_section
from pages.choice.probit import probit_section
from pages.choice.recovery import recovery_section
from pages.choice.red_bus import red_bus_section
from pages.choice.upload import upload_section

page_header(
    "Choice models",
    "People pick the alternative with the highest utility, and demand moves between products according to "
    "their attributes: a **zero-sum game** of shares. Add a blue bus identical to the red bus, and common "
    "sense says it takes riders only from the red bus; the multinomial logit takes them from the car too "
    "(IIA). Compare the logit, the nested logit and the probit below, build a market from attributes and "
    "tastes, estimate the models from simulated or uploaded choices, and let tastes differ across people with "
    "the mixed logit.",
)
with note():
    prose(formatting.__file__, "note.md")

# Sections 1 and 4 share the red-bus market: the utilities and the probit's correlation are chosen once, above both.
st.header("1 · Red bus, blue bus")
car_col, bus_col, rho_col = st.columns(3)
with car_col:
    v_car = bound(
        st.slider,
        "Utility of the car",
        key="ch_v_car",
        min_value=-3.0,
        max_value=3.0,
        value=0.0,
        step=0.1,
        help="Systematic utility V of driving; only differences of utilities matter.",
    )
with bus_col:
    v_bus = bound(
        st.slider,
        "Utility of the bus",
        key="ch_v_bus",
        min_value=-3.0,
        max_value=3.0,
        value=0.0,
        step=0.1,
        help="Systematic utility of the red bus; the blue bus is identical, so it gets the same.",
    )
with rho_col:
    rho = bound(
        st.slider,
        "Probit error correlation ρ",
        key="ch_rho",
        min_value=0.0,
        max_value=0.99,
        value=0.9,
        step=0.01,
        help="Correlation of the two buses' errors in the probit (their variance is π²/6, as the logit's).",
    )

red_bus_section(v_car, v_bus, rho)
market_section()
recovery_section()
upload_section()
probit_section(v_car, v_bus, rho)
mixed_section()
