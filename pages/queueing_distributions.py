"""Queueing distributions: exponential phases in series, in parallel and Coxian — and the queue they make."""

import streamlit as st

from pages._common import note, page_header, prose
from pages.queueing import inputs
from pages.queueing.convolution import convolution_section
from pages.queueing.distribution import distribution_section
from pages.queueing.finite import finite_section
from pages.queueing.gg import gg_section
from pages.queueing.moment_matching import moment_matching_section
from pages.queueing.network import network_section
from pages.queueing.queue import queue_section

page_header(
    "Queueing distributions",
    "A haircut takes an exponential time. Put a shampoo after it and the service is **hypo-exponential** "
    "(phases in series, its pdf a convolution); let each customer pick one of two barbers and it is "
    "**hyper-exponential** (phases in parallel, a mixture); let the customer decide after each phase whether "
    "to go on and it is **Coxian**. All are *phase-type*: the time a small Markov chain takes to be absorbed. "
    "Build one, check its closed form against samples, match it to a mean and variability, then send Poisson "
    "arrivals through it and watch how the **shape** of service — not just its mean — sets the wait. Then cap "
    "the waiting room (blocking, Erlang B), let customers give up (Erlang A), chain the queues into networks, "
    "and let arrivals be other than Poisson.",
)
with note():
    prose(inputs.__file__, "note.md")

# The queue (section 4) runs on the distribution built in section 1 or on the fit of section 3,
# so the inputs of both are read here, above their sections, and passed down.
st.header("1 · Build a service distribution")
service = inputs.service_inputs()  # q_family and the chosen family's rates and probabilities
distribution_section(service)

convolution_section()

st.header("3 · Moment matching")
target = inputs.fit_target_inputs()  # q_fit_mean, q_fit_scv, q_upload and the fewest-phase fit
moment_matching_section(target)

queue_section(service, target)

finite_section()  # Sections 5 to 7 stand alone: M/M/c/K and Erlang A, networks, non-Poisson arrivals.
network_section()
gg_section()
