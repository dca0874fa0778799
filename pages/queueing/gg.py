"""Section 7 · Non-Poisson arrivals: G/G/c simulated with phase-type gaps, Kingman and Allen–Cunneen beside."""

import numpy as np
import pandas as pd
import streamlit as st

from lib import queueing as q
from lib.viz.queueing import theory_vs_simulation
from pages._common import bound, cached, chart, csv_download, global_seed, prose, snippet

SWEEP = (0.25, 0.5, 1.0, 2.0, 4.0)  # arrival SCVs simulated for the chart
SWEEP_CUSTOMERS = 20_000
fit = cached(q.fit_two_moments)
simulate = cached(q.simulate_gg_queue)
interval_of = cached(q.batch_means_interval)


def simulated_wait(ca2: float, cs2: float, rho: float, servers: int, n_customers: int, seed: int) -> q.MeanInterval:
    """Batch-means interval of the mean wait, unit mean service, gaps of mean 1/(ρc) and SCV ca²."""
    arrivals, service = fit(1 / (rho * servers), ca2), fit(1.0, cs2)
    return interval_of(simulate(arrivals, service, n_customers, servers, seed))


@st.fragment
def gg_section() -> None:
    st.header("7 · Non-Poisson arrivals")
    prose(__file__, "gg.md")
    cols = st.columns(5)
    with cols[0]:
        ca2 = bound(
            st.slider,
            "Arrival SCV c_a²",
            key="q_gg_ca2",
            min_value=0.1,
            max_value=4.0,
            value=0.5,
            step=0.05,
            help="Variability of the gaps between arrivals: 1 is Poisson, below is more regular.",
        )
    with cols[1]:
        cs2 = bound(
            st.slider,
            "Service SCV c_s²",
            key="q_gg_cs2",
            min_value=0.1,
            max_value=4.0,
            value=1.0,
            step=0.05,
            help="Variability of service (mean 1): 1 is exponential.",
        )
    with cols[2]:
        rho = bound(
            st.slider,
            "Utilisation ρ ",
            key="q_gg_rho",
            min_value=0.3,
            max_value=0.98,
            value=0.85,
            step=0.01,
            help="ρ = λ E[S] / c, below 1.",
        )
    with cols[3]:
        servers = bound(
            st.slider,
            "Servers c  ",
            key="q_gg_servers",
            min_value=1,
            max_value=10,
            value=1,
            help="Identical FCFS servers.",
        )
    with cols[4]:
        n_customers = bound(
            st.slider,
            "Customers simulated   ",
            key="q_gg_customers",
            min_value=10_000,
            max_value=500_000,
            value=100_000,
            step=10_000,
            help="The first 10% are the warm-up.",
        )
    seed = global_seed()
    arrivals, service = fit(1 / (rho * servers), ca2), fit(1.0, cs2)
    with st.spinner("Simulating G/G/c…"):
        sim = simulated_wait(ca2, cs2, rho, servers, n_customers, seed)
    approx = q.allen_cunneen_wait(arrivals, service, servers)
    name = "Kingman" if servers == 1 else "Allen–Cunneen"
    poisson = q.allen_cunneen_wait(q.exponential(rho * servers), service, servers)
    m = st.columns(3)
    m[0].metric("Simulated mean wait W_q", f"{sim.mean:.4g}", help="Batch means after the warm-up; service mean 1.")
    m[0].caption(
        f"95% CI [{sim.low:.4g}, {sim.high:.4g}]; gaps: {arrivals.n_phases} phase(s), service {service.n_phases}"
    )
    m[1].metric(f"{name} approximation", f"{approx:.4g}", help="(c_a² + c_s²)/2 · W_q(M/M/c).")
    m[1].caption(f"{(approx / sim.mean - 1) * 100:+.1f}% against the simulation")
    m[2].metric("With Poisson arrivals (c_a² = 1)", f"{poisson:.4g}", help="The same formula at c_a² = 1.")
    rows = [
        (
            s,
            q.allen_cunneen_wait(fit(1 / (rho * servers), s), service, servers),
            simulated_wait(s, cs2, rho, servers, SWEEP_CUSTOMERS, seed),
        )
        for s in SWEEP
    ]
    table = pd.DataFrame(
        {
            "arrival SCV": [r[0] for r in rows],
            "approximation": [r[1] for r in rows],
            "simulated": [r[2].mean for r in rows],
            "low": [r[2].low for r in rows],
            "high": [r[2].high for r in rows],
        }
    )
    dense = np.linspace(0.1, 4.0, 40)
    mmc_wait = q.mmc_metrics(rho * servers, 1.0, servers).mean_wait
    curve = pd.DataFrame({"arrival SCV": dense, "approximation": (dense + cs2) / 2 * mmc_wait})
    chart(
        theory_vs_simulation,
        pd.concat([curve, table]).sort_values("arrival SCV"),
        x="arrival SCV",
        theory="approximation",
        estimate="simulated",
        low="low",
        high="high",
        x_title="SCV of the arrival gaps c_a²",
        y_title="mean wait in queue",
        theory_label=name,
        title=f"Bursty arrivals wait longer (points: {SWEEP_CUSTOMERS:,} simulated customers each)",
    )
    csv_download(table, "gg_queue.csv", "Download the sweep (CSV)", key="q_dl_gg")
    snippet(
        """
from lib import queueing as q

servers, rho = $servers, $rho
arrivals = q.fit_two_moments(1 / (rho * servers), $ca2)  # gaps: mean 1/λ, SCV c_a²
service = q.fit_two_moments(1.0, $cs2)
waits = q.simulate_gg_queue(arrivals, service, $n_customers, servers, seed=$seed)
print("simulated:", q.batch_means_interval(waits))
print("Allen–Cunneen (Kingman for one server):", q.allen_cunneen_wait(arrivals, service, servers))
""",
        servers=servers,
        rho=rho,
        ca2=ca2,
        cs2=cs2,
        n_customers=n_customers,
        seed=seed,
    )
