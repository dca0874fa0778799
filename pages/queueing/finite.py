"""Section 5 · Finite capacity and impatience: M/M/c/K blocking, Erlang B and Erlang A, exact beside simulation."""

import numpy as np
import pandas as pd
import streamlit as st

from lib import queueing as q
from lib.viz import interval_chart, line_chart, pmf_bars
from pages._common import bound, cached, chart, csv_download, global_seed, lib_call, prose, snippet

mmck = cached(q.mmck_metrics)
erlang_a = cached(q.erlang_a_metrics)
simulate = cached(q.simulate_finite_queue)
blocking_curve = cached(q.blocking_by_capacity)
TAIL = 1e-9  # the Erlang A simulation's room ends where the exact tail is below this


def _slider(label: str, key: str, low, high, value, step, help: str):
    return bound(st.slider, label, key=key, min_value=low, max_value=high, value=value, step=step, help=help)


def _row(quantity: str, exact: float, sim: q.MeanInterval) -> dict:
    return {"quantity": quantity, "exact": exact, "simulated": sim.mean, "95% CI low": sim.low, "95% CI high": sim.high}


def comparison_table(exact: q.FiniteQueueMetrics, sim, impatient, sim_a) -> pd.DataFrame:
    """Exact beside simulated, one row per quantity (M/M/c/K first, then Erlang A)."""
    return pd.DataFrame(
        [
            _row("M/M/c/K: P(blocked)", exact.blocking_probability, sim.blocking_probability),
            _row("M/M/c/K: P(admitted waits)", exact.prob_wait, sim.prob_wait),
            _row("M/M/c/K: W_q (admitted)", exact.mean_wait, sim.mean_wait),
            _row("M/M/c/K: L_q", exact.mean_queue_length, sim.mean_queue_length),
            _row("Erlang A: P(abandon)", impatient.prob_abandon, sim_a.prob_abandon),
            _row("Erlang A: P(wait)", impatient.prob_wait, sim_a.prob_wait),
            _row("Erlang A: W_q", impatient.mean_wait, sim_a.mean_wait),
        ]
    )


@st.fragment
def finite_section() -> None:
    st.header("5 · Finite capacity and impatience")
    prose(__file__, "finite.md")
    cols = st.columns(5)
    with cols[0]:
        servers = _slider(
            "Servers c ", "q_fin_servers", 1, 20, 3, 1, "Identical servers; time is in mean services (μ = 1)."
        )
    with cols[1]:
        load = _slider(
            "Offered load a = λ/μ", "q_fin_load", 0.1, 40.0, 2.7, 0.1, "Erlangs offered; ρ = a / c may exceed 1."
        )
    with cols[2]:
        room = _slider("Waiting places K − c", "q_fin_room", 0, 50, 7, 1, "0 is the Erlang B loss system.")
    with cols[3]:
        theta = _slider(
            "Abandonment rate θ", "q_fin_theta", 0.05, 5.0, 0.5, 0.05, "Erlang A: patience ~ Exp(θ), per mean service."
        )
    with cols[4]:
        n_customers = _slider(
            "Customers simulated ", "q_fin_customers", 10_000, 2_000_000, 200_000, 10_000, "Shared by 64 replications."
        )
    seed, capacity = global_seed(), servers + room
    exact = mmck(load, 1.0, servers, capacity)
    impatient = lib_call(erlang_a, load, 1.0, servers, theta)
    if impatient is None:
        return
    tail = np.cumsum(impatient.state_probabilities[::-1])[::-1]  # P(n ≥ k)
    room_a = max(int(np.searchsorted(-tail, -TAIL)), servers + 1)  # first k with P(n ≥ k) < TAIL
    with st.spinner("Simulating…"):
        sim = simulate(load, 1.0, servers, capacity, n_customers, seed=seed)
        sim_a = simulate(load, 1.0, servers, room_a, n_customers, abandonment_rate=theta, seed=seed)
    m = st.columns(4)
    m[0].metric("P(blocked), exact", f"{exact.blocking_probability:.4g}", help="p_K: arrivals that find the room full.")
    blocked = sim.blocking_probability
    m[0].caption(f"simulated {blocked.mean:.4g} ± {blocked.high - blocked.mean:.2g}")
    m[1].metric(
        f"Erlang B({servers}, {load:g})",
        f"{q.erlang_b(servers, load):.4g}",
        help="Blocking with no waiting room (K = c).",
    )
    m[2].metric("W_q admitted, exact", f"{exact.mean_wait:.4g}", help="L_q / λ_a (Little with the admitted rate).")
    m[2].caption(f"simulated {sim.mean_wait.mean:.4g}; server busy {exact.server_utilization:.3g}")
    m[3].metric("Erlang A: P(abandon)", f"{impatient.prob_abandon:.4g}", help="θ L_q / λ, with no room limit.")
    m[3].caption(f"simulated {sim_a.prob_abandon.mean:.4g}; W_q {impatient.mean_wait:.4g}")
    table = comparison_table(exact, sim, impatient, sim_a)
    dist_col, interval_col = st.columns(2)
    with dist_col:
        states = np.arange(capacity + 1)
        law = pd.concat(
            [
                pd.DataFrame({"n": states, "P(n in system)": exact.state_probabilities, "source": "exact"}),
                pd.DataFrame({"n": states, "P(n in system)": sim.state_distribution, "source": "simulated"}),
            ]
        )
        chart(
            pmf_bars,
            law,
            x="n",
            y="P(n in system)",
            color="source",
            x_title="customers in system n",
            y_title="P(n)",
            title=f"M/M/{servers}/{capacity}: the number in system, exact and simulated",
        )
    with interval_col:
        probabilities = table[table["quantity"].str.contains("P\\(")]
        chart(
            interval_chart,
            probabilities,
            category="quantity",
            estimate="simulated",
            low="95% CI low",
            high="95% CI high",
            reference="exact",
            x_title="probability",
            y_title="",
            title="Simulated 95% intervals; red tick: exact",
        )
    rooms = np.arange(0, 51)
    curve = pd.DataFrame(
        {
            "waiting places K − c": rooms,
            "P(blocked)": blocking_curve(load, 1.0, servers, 50),
            "curve": "M/M/c/K blocking",
        }
    )
    chart(
        line_chart,
        curve,
        x="waiting places K − c",
        y="P(blocked)",
        color="curve",
        x_title="waiting places K − c",
        y_title="P(blocked)",
        log_y=bool((curve["P(blocked)"] > 0).all()),
        rules={"M/M/c/K blocking": exact.blocking_probability},
        title="Each waiting place cuts blocking (0 places: Erlang B; dashed: your K)",
    )
    st.dataframe(table, hide_index=True)
    csv_download(table, "finite_capacity.csv", "Download exact vs simulated (CSV)", key="q_dl_finite")
    snippet(
        """
from lib import queueing as q

servers, load, capacity, theta = $servers, $load, $capacity, $theta  # time in mean services: μ = 1
print(q.erlang_b(servers, load))
exact = q.mmck_metrics(load, 1.0, servers, capacity)
print(exact.blocking_probability, exact.prob_wait, exact.mean_wait)
sim = q.simulate_finite_queue(load, 1.0, servers, capacity, $n_customers, seed=$seed)
print(sim.blocking_probability, sim.mean_wait)
print(q.erlang_a_metrics(load, 1.0, servers, theta))  # impatient customers, no room limit
""",
        servers=servers,
        load=load,
        capacity=capacity,
        theta=theta,
        n_customers=n_customers,
        seed=seed,
    )
